#!/bin/bash
# test_netsess.sh NETSESS LIBDIR [SESSIONS]: the netsess tool against a private smbd on 127.0.0.1: list/show/delete/watch, JSON, credentials, errors, exit codes.
set -uo pipefail
N=${1:?usage: test_netsess.sh path/to/netsess tests/peer/lib}
LIB=${2:?usage: test_netsess.sh path/to/netsess tests/peer/lib}
EXAMPLE=${3:-}   # examples/sessions, the documented example program
D=$(mktemp -d /tmp/wn-netsess.XXXXXX)
WPID=
cleanup() {
    [ -n "$WPID" ] && kill "$WPID" 2>/dev/null
    "$LIB/smbd-stop.sh" "$D" >/dev/null 2>&1
    rm -rf "$D"
}
trap cleanup EXIT
"$LIB/smbd-start.sh" "$D" > "$D/start.out" 2> "$D/start.err"; rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { cat "$D/start.err"; echo "smbd did not start"; exit 1; }
PORT=$(sed -n 's/^PORT=//p' "$D/start.out")
"$LIB/smb-open-session.sh" "$D" labuser LabPass-123 > "$D/sess1" || { echo "no session"; exit 1; }
unset NETAPI_DOMAIN NETAPI_AUTHFILE NETAPI_USER NETAPI_PASSWORD
export NETAPI_SMB_PORT=$PORT
ADMIN=(env NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456)
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {
    local want=$1 label=$2; shift 2
    timeout 60 "$@" </dev/null >"$D/out" 2>"$D/err"; local rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$label (exit $rc)"; else bad "$label: exit $rc, wanted $want"; cat "$D/out" "$D/err"; fi
}
has() { if grep -q -- "$2" "$D/$1"; then ok "$3"; else bad "$3: no '$2' in $1"; cat "$D/$1"; fi; }
hasnt() { if grep -q -- "$2" "$D/$1"; then bad "$3: '$2' in $1"; cat "$D/$1"; else ok "$3"; fi; }

expect 0 "--help" "$N" --help
has out "delete" "--help lists the commands"
expect 2 "no command" "$N"
expect 2 "unknown command" "$N" frob
expect 2 "bad level" "$N" --level 7 list
expect 2 "client without backslashes" "$N" show 127.0.0.1
expect 2 "a password option does not exist" "$N" --password x list

# list: the table, with labuser's session and our own (NetSessionEnum lists the caller's session)
expect 0 "list" "${ADMIN[@]}" "$N" list
has out '^Computer  *User name  *Client Type  *Opens Idle time$' "net session header"
has out '^\\\\127\.0\.0\.1  *labuser ' "labuser's session listed"
has out '^\\\\127\.0\.0\.1  *labadmin ' "our own session listed"
has out 'The command completed successfully.' "completion line"
expect 0 "list --json" "${ADMIN[@]}" "$N" list --json
/usr/bin/python3 - "$D/out" <<'PY' && ok "list JSON" || { bad "list JSON"; cat "$D/out"; }
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
users = sorted(r["user"] for r in rows)
assert users == ["labadmin", "labuser"], users
for r in rows:
    assert r["client"] == "127.0.0.1" and r["level"] == 1 and r["guest"] is False
    assert isinstance(r["opens"], int) and isinstance(r["idle_time"], int)
PY
expect 0 "list --level 2 --json" "${ADMIN[@]}" "$N" --level 2 list --json
has out '"client_type":""' "level 2 carries the client type"
expect 0 "list --level 0" "${ADMIN[@]}" "$N" --level 0 list --json
hasnt out '"user"' "level 0 has no user names"

# the example program of the docs: same sessions, the caller's own included
if [ -n "$EXAMPLE" ]; then
    expect 0 "examples/sessions" "${ADMIN[@]}" "$EXAMPLE"
    has out '^\\\\127\.0\.0\.1 labuser connected' "example lists labuser's session"
    has out '^\\\\127\.0\.0\.1 labadmin connected' "example lists its own session"
    has out '^2 session(s)$' "example counts them"
    expect 1 "examples/sessions, wrong password" env NETAPI_USER=labadmin NETAPI_PASSWORD=x "$EXAMPLE"
    has err 'NetSessionEnum failed: 1326' "example reports the code"
fi

# show
expect 0 "show \\\\127.0.0.1" "${ADMIN[@]}" "$N" show '\\127.0.0.1'
has out '^User name  *labuser$' "detail view"
has out '^Guest logon  *No$' "guest flag"
expect 3 "show of an unknown client" "${ADMIN[@]}" "$N" show '\\192.0.2.7'
has err '^NERR_ClientNameNotFound: ' "error named"

# errors: name and a plain sentence
expect 1 "wrong password" env NETAPI_USER=labadmin NETAPI_PASSWORD=wrong "$N" list
has err '^ERROR_LOGON_FAILURE: listing sessions failed on this host: the server rejected the user name or password$' "logon failure sentence"
expect 1 "plain user" env NETAPI_USER=labuser NETAPI_PASSWORD=LabPass-123 "$N" list
has err '^ERROR_ACCESS_DENIED: listing sessions at level 1 needs an administrator account on this host' "access denied sentence"
expect 1 "nothing listening" "${ADMIN[@]}" "$N" list --server 127.0.0.2
has err '^ERROR_BAD_NETPATH: ' "unreachable named"

# credentials: -A file, -U with NETAPI_PASSWORD, a prompt with echo off; never from argv
printf 'username = labadmin\npassword = LabAdmin-456\n' > "$D/auth"; chmod 600 "$D/auth"
expect 0 "-A authfile" "$N" -A "$D/auth" list
has out 'labuser' "-A works"
chmod 640 "$D/auth"
expect 1 "-A group-readable authfile refused" "$N" -A "$D/auth" list
has err '^ERROR_BAD_ENVIRONMENT: .*a local setting was refused' "refused authfile reported as a local refusal, not the server's access denied"
expect 2 "-A missing file" "$N" -A "$D/nonexistent" list
expect 0 "-U with NETAPI_PASSWORD" env NETAPI_PASSWORD=LabAdmin-456 "$N" -U labadmin list
has out 'labuser' "-U works"
expect 2 "-U without a password and no terminal" env -u NETAPI_PASSWORD setsid "$N" -U labadmin list
has err 'no password for labadmin' "no-terminal message"
/usr/bin/python3 - "$N" <<'PY' && ok "password prompt with echo off" || bad "password prompt"
import os, pty, sys, time, select
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-U", "labadmin", "list"])
out = b""
def read_until(token, limit=30):
    global out
    end = time.time() + limit
    while token not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
read_until(b"Password for labadmin: ")
assert b"Password for labadmin: " in out, out
os.write(fd, b"LabAdmin-456\n")
read_until(b"completed successfully")
for _ in range(300):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.1)
else:
    os.kill(pid, 9)
    raise SystemExit("netsess did not finish: " + repr(out))
assert b"LabAdmin-456" not in out, "password echoed"
assert b"labuser" in out, out
assert os.WEXITSTATUS(status) == 0
PY

# many servers at once: one block per server and a failure summary
expect 1 "three servers, one unreachable" "${ADMIN[@]}" "$N" list --server 127.0.0.1,localhost,127.0.0.2
[ "$(grep -c '^== ' "$D/out")" -eq 3 ] && ok "three blocks" || bad "three blocks"
has err '1 of 3 servers failed' "failure summary"
expect 1 "three servers as JSON" "${ADMIN[@]}" "$N" list --json --server 127.0.0.1,localhost,127.0.0.2
/usr/bin/python3 -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert [o["ok"] for o in objs] == [True, True, False], objs
assert objs[2]["error"] == "ERROR_BAD_NETPATH" and objs[2]["status"] == 53
assert any(s["user"] == "labuser" for s in objs[0]["sessions"])
' "$D/out" && ok "one JSON object per server" || { bad "JSON per server"; cat "$D/out"; }

# watch: a session that appears and one that disappears, as JSON lines
"${ADMIN[@]}" "$N" watch --json --interval 1 --count 6 > "$D/watch.out" 2> "$D/watch.err" &
WPID=$!
for _ in $(seq 1 100); do grep -q '"present"' "$D/watch.out" && break; sleep 0.1; done
"$LIB/smb-open-session.sh" "$D" labuser LabPass-123 > "$D/sess2" || bad "second session"
# every poll over one connection: labadmin's sessions during the watch are
# served by one smbd process (a new connection per poll forks a new one);
# sampled from 1 s after the first poll, when earlier commands' are gone
sleep 1
: > "$D/watch.pids"
for _ in $(seq 1 8); do
    smbstatus -s "$D/smb.conf" -b 2>/dev/null | awk '$2 == "labadmin" {print $1}' >> "$D/watch.pids"
    sleep 0.2
done
kill $(sed -n 's/^\(SMBCLIENT\|WRITER\)_PID=//p' "$D/sess2") 2>/dev/null
wait "$WPID"; wrc=$?; WPID=
npids=$(sort -u "$D/watch.pids" | wc -l)
[ "$npids" -eq 1 ] && ok "watch polls over one connection" || bad "watch used $npids connections (smbd pids: $(sort -u "$D/watch.pids" | tr '\n' ' '))"
[ "$wrc" -eq 0 ] && ok "watch exits 0 after --count" || bad "watch exit $wrc"
/usr/bin/python3 - "$D/watch.out" <<'PY' && ok "watch events" || { bad "watch events"; cat "$D/watch.out"; }
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [(e["event"], e["user"]) for e in ev]
assert ("present", "labuser") in kinds, kinds
assert ("appeared", "labuser") in kinds, kinds
assert ("disappeared", "labuser") in kinds, kinds
assert kinds.index(("appeared", "labuser")) < kinds.index(("disappeared", "labuser"))
PY

# delete: refused without confirmation, then with --yes
expect 2 "delete without --yes and no terminal" env "${ADMIN[@]:1}" setsid "$N" delete '\\127.0.0.1' labuser
has err 'not deleting without confirmation' "confirmation demanded"
smbstatus -s "$D/smb.conf" -b | grep -q ' labuser ' && ok "session still there" || bad "session deleted without confirmation"
expect 0 "delete --yes" "${ADMIN[@]}" "$N" --yes delete '\\127.0.0.1' labuser
has out 'The command completed successfully.' "delete completion"
for _ in $(seq 1 50); do smbstatus -s "$D/smb.conf" -b | grep -q ' labuser ' || break; sleep 0.1; done
smbstatus -s "$D/smb.conf" -b | grep -q ' labuser ' && bad "labuser's session survived" || ok "labuser's session gone (smbstatus)"
expect 3 "delete again: nothing matches" "${ADMIN[@]}" "$N" --yes --json delete '\\127.0.0.1' labuser
has out '"error":"NERR_' "JSON error object"

echo "$fails failed"
[ "$fails" -eq 0 ]
