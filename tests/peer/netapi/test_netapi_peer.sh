#!/bin/bash
# test_netapi_peer.sh PROBE LIBDIR -- NetSessionEnum/GetInfo/Del through netapi_probe against a private smbd.
set -uo pipefail
PROBE=$1; LIB=$2
D=$(mktemp -d /tmp/netapi-peer.XXXXXX)
D2=$D/signing
BH_PID=
cleanup() {
    [ -n "$BH_PID" ] && kill "$BH_PID" 2>/dev/null
    "$LIB/smbd-stop.sh" "$D2" >/dev/null 2>&1
    for d in "$D"/proto-*; do [ -d "$d" ] && "$LIB/smbd-stop.sh" "$d" >/dev/null 2>&1; done
    "$LIB/smbd-stop.sh" "$D" >/dev/null 2>&1
    rm -rf "$D"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "$0")" && pwd)
# IPv6 too, so that ::1 is a second client next to 127.0.0.1.
# "administrator" (the README's example account) logs on as labadmin.
mkdir -p "$D"; echo 'labadmin = administrator' > "$D/usermap"; chmod 644 "$D/usermap"
"$LIB/smbd-start.sh" "$D" 'interfaces = 127.0.0.1/8 ::1/128' "username map = $D/usermap" \
    > "$D/start.out" 2>"$D/start.err"; rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { cat "$D/start.err" >&2; fail "smbd did not start"; }
PORT=$(sed -n 's/^PORT=//p' "$D/start.out")
CONF=$D/smb.conf

nsessions() { smbstatus -s "$CONF" -b 2>/dev/null | grep -c 'ipv4:127.0.0.1'; }
# open_session USER PASS: an smbclient kept open on a FIFO (its stdout is block-buffered,
# so readiness is read from smbstatus); PIDs go to sessions.pids for smbd-stop.sh.
open_session() {
    local before f i
    before=$(nsessions)
    f=$(mktemp -u "$D/s.XXXXXX.fifo"); mkfifo "$f"
    # the password through the environment, never on a command line
    PASSWD=$2 smbclient -s "$CONF" -p "$PORT" //127.0.0.1/share -U "$1" <"$f" >"$f.out" 2>&1 &
    local spid=$!
    ( echo pwd; exec sleep 100000 ) >"$f" &
    echo "$spid $!" >> "$D/sessions.pids"
    for i in $(seq 1 200); do
        [ "$(nsessions)" -gt "$before" ] && return 0
        sleep 0.05
    done
    fail "session for $1 did not come up"
}

export NETAPI_SMB_PORT=$PORT NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456
unset NETAPI_DOMAIN NETAPI_AUTHFILE
probe() { timeout 30 "$PROBE" "$@"; }
status() { sed -n 's/^call status=\([0-9]*\).*/\1/p' | tail -1; }

open_session labuser LabPass-123
open_session labadmin LabAdmin-456

# A second client: impacket from ::1 as labuser, holding one file open.
echo hello > "$D/share/held.txt"; chmod 644 "$D/share/held.txt"
mkfifo "$D/hold.fifo"
HOLD_PASSWORD=LabPass-123 /usr/bin/python3 "$HERE/hold-open.py" ::1 "$PORT" labuser share held.txt \
    < "$D/hold.fifo" > "$D/hold.out" 2>&1 &
HOLD_PID=$!
echo "$HOLD_PID" >> "$D/sessions.pids"
exec 9>"$D/hold.fifo"
for _ in $(seq 1 200); do grep -q '^open' "$D/hold.out" && break; sleep 0.05; done
grep -q '^open' "$D/hold.out" || { cat "$D/hold.out" >&2; fail "impacket session from ::1 did not open its file"; }
sleep 2   # so that session times are visibly above 0

out=$(probe enum 1)
echo "$out"
[ "$(echo "$out" | status)" = 0 ] || fail "level 1: $out"
echo "$out" | grep -q 'entry cname=127.0.0.1 user=labuser ' || fail "level 1 lacks labuser"
echo "$out" | grep -q 'entry cname=127.0.0.1 user=labadmin ' || fail "level 1 lacks labadmin"
echo "$out" | grep -q 'entry cname=::1 user=labuser opens=1 ' ||
    fail "level 1 lacks the ::1 client with its one open file"
n1=$(echo "$out" | grep -c '^entry')
n4=$(echo "$out" | grep -c '^entry cname=127.0.0.1 ')
[ "$n1" -ge 4 ] || fail "expected >= 4 sessions (2 smbclient + impacket + ours), got $n1"
# times: the sessions opened above are at least 2 s old, and sane
echo "$out" | sed -n 's/^entry cname=127.0.0.1 user=labuser .* time=\([0-9]*\) .*/\1/p' | head -1 |
    { read -r t; [ -n "$t" ] && [ "$t" -ge 2 ] && [ "$t" -lt 600 ]; } || fail "labuser session time not in [2, 600): $out"

# every level lists the same sessions with the right client and user names; levels with
# num_opens show the ::1 client's one open file; levels with times show them (>= 2 s)
for lvl in 0 2 10 502; do
    out=$(probe enum $lvl)
    [ "$(echo "$out" | status)" = 0 ] || fail "level $lvl: $out"
    n=$(echo "$out" | grep -c '^entry')
    [ "$n" = "$n1" ] || fail "level $lvl: $n entries, level 1 had $n1: $out"
    if [ "$lvl" = 0 ]; then
        [ "$(echo "$out" | grep -c '^entry cname=127.0.0.1$')" = "$n4" ] || fail "level 0 127.0.0.1: $out"
        [ "$(echo "$out" | grep -c '^entry cname=::1$')" = 1 ] || fail "level 0 ::1: $out"
        continue
    fi
    for who in 'cname=127.0.0.1 user=labuser ' 'cname=127.0.0.1 user=labadmin ' 'cname=::1 user=labuser '; do
        echo "$out" | grep -q "^entry $who" || fail "level $lvl lacks [$who]: $out"
    done
    if [ "$lvl" != 10 ]; then
        echo "$out" | grep -q '^entry cname=::1 user=labuser opens=1 ' ||
            fail "level $lvl: ::1 client's open count: $out"
    fi
    echo "$out" | sed -n 's/^entry cname=127.0.0.1 user=labuser .*time=\([0-9]*\) .*/\1/p' | head -1 |
        { read -r t; [ -n "$t" ] && [ "$t" -ge 2 ] && [ "$t" -lt 600 ]; } ||
        fail "level $lvl: labuser session time not in [2, 600): $out"
done
probe enum 502 | grep -q 'transport=\[\\Device\\NetbiosSmb\]' || fail "level 502 transport not derived"
probe enum 3 | grep -q 'status=124' || fail "level 3 not ERROR_INVALID_LEVEL"

# filters (client with and without \\, user; no match codes)
out=$(probe enum 1 - '\\127.0.0.1' labuser)
[ "$(echo "$out" | grep -c '^entry')" = 1 ] || fail "client+user filter: $out"
echo "$out" | grep -q 'user=labuser' || fail "user filter kept the wrong entry"
out=$(probe enum 10 - 127.0.0.1 -)
[ "$(echo "$out" | grep -c '^entry')" = "$n4" ] || fail "client filter without \\\\: $out"
out=$(probe enum 2 - '\\::1' -)
[ "$(echo "$out" | grep -c '^entry cname=::1 user=labuser ')" = 1 ] || fail "client filter ::1: $out"
[ "$(echo "$out" | grep -c '^entry')" = 1 ] || fail "client filter ::1 kept others: $out"
probe enum 1 - 192.0.2.77 - | grep -q 'status=2312' || fail "unknown client not NERR_ClientNameNotFound"
probe enum 1 - - ghostuser | grep -q 'status=2221' || fail "unknown user not NERR_UserNotFound"

# paging: a small prefmaxlen yields every session exactly once over several calls
out=$(probe enum 10 - - - 100)
calls=$(echo "$out" | grep -c '^call')
[ "$calls" -ge 2 ] || fail "paging: one call only: $out"
echo "$out" | grep '^call' | head -n -1 | grep -vq 'status=234' && fail "paging: non-final call not ERROR_MORE_DATA"
[ "$(echo "$out" | status)" = 0 ] || fail "paging: last call failed"
[ "$(echo "$out" | grep -c '^entry')" = "$n1" ] || fail "paging lost or duplicated entries: $out"

# GetInfo
out=$(probe getinfo 1 - 127.0.0.1 labuser)
[ "$(echo "$out" | status)" = 0 ] || fail "getinfo: $out"
echo "$out" | grep -q 'user=labuser' || fail "getinfo entry"
probe getinfo 1 - 192.0.2.77 labuser | grep -q 'status=2312' || fail "getinfo unknown client"

# credentials from an authfile; refused when others may read it
printf 'username=labadmin\npassword=LabAdmin-456\ndomain=LABGROUP\n' > "$D/auth"; chmod 600 "$D/auth"
[ "$(NETAPI_USER= NETAPI_AUTHFILE=$D/auth probe enum 0 | status)" = 0 ] || fail "authfile"
chmod 644 "$D/auth"
# refused with its own code (not the server's 5) and one line on stderr, WN_LOG unset
out=$(NETAPI_USER= NETAPI_AUTHFILE=$D/auth env -u WN_LOG "$PROBE" enum 0 2>"$D/err")
[ "$(echo "$out" | status)" = 10 ] || fail "world-readable authfile not ERROR_BAD_ENVIRONMENT: $out"
[ "$(grep -c 'NETAPI_AUTHFILE=.*0600' "$D/err")" = 1 ] || fail "no stderr line for the refused authfile: $(cat "$D/err")"
out=$(NETAPI_USER= NETAPI_AUTHFILE=$D/missing env -u WN_LOG "$PROBE" enum 0 2>"$D/err")
[ "$(echo "$out" | status)" = 2 ] || fail "missing authfile not ERROR_FILE_NOT_FOUND: $out"
grep -q "NETAPI_AUTHFILE=$D/missing" "$D/err" || fail "no stderr line for the missing authfile"
for bad in 'NETAPI_SMB_PORT=abc' 'NETAPI_SMB_PORT=70000' 'NETAPI_TIMEOUT_MS=-1'; do
    out=$(env -u WN_LOG "$bad" "$PROBE" enum 0 2>"$D/err")
    [ "$(echo "$out" | status)" = 10 ] || fail "$bad: $out"
    [ "$(grep -c "^netapi: ${bad}" "$D/err")" = 1 ] || fail "$bad: no one-line refusal: $(cat "$D/err")"
done

# Issue 17 point 1: every documented credential combination.  The README's snippet runs as
# written (HOME is a temp dir): NETAPI_USER + NETAPI_DOMAIN, password in NETAPI_AUTHFILE.
README=$(cd "$HERE/../../.." && pwd)/README.md
snippet=$(awk '/^```sh$/ { inb = 1; buf = ""; next } /^```$/ { if (inb && buf ~ /NETAPI_AUTHFILE/) { print buf; exit } inb = 0; next }
               inb { buf = buf $0 "\n" }' "$README")
[ -n "$snippet" ] || fail "README has no credential snippet"
mkdir -p "$D/home"; printf 'password = LabAdmin-456\n' > "$D/home/.netapi-auth"; chmod 600 "$D/home/.netapi-auth"
out=$(env -u NETAPI_USER -u NETAPI_PASSWORD -u NETAPI_DOMAIN -u NETAPI_AUTHFILE HOME="$D/home" \
      bash -c "set -e; $(printf '%b' "$snippet")"$'\n''exec timeout 30 "$0" enum 1' "$PROBE" 2>&1)
[ "$(echo "$out" | status)" = 0 ] || fail "README credential snippet: $out"
echo "$out" | grep -q '^entry cname=127.0.0.1 user=labadmin ' || fail "README snippet: own session missing: $out"
combos=("NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456"
        "NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456 NETAPI_DOMAIN=LABGROUP"
        "NETAPI_USER=LABGROUP\\labadmin NETAPI_PASSWORD=LabAdmin-456"
        "NETAPI_USER=labadmin NETAPI_AUTHFILE=$D/home/.netapi-auth"
        "NETAPI_AUTHFILE=$D/auth600")
printf 'username = labadmin\npassword = LabAdmin-456\n' > "$D/auth600"; chmod 600 "$D/auth600"
for c in "${combos[@]}"; do
    # shellcheck disable=SC2086
    st=$(env -u NETAPI_USER -u NETAPI_PASSWORD -u NETAPI_DOMAIN -u NETAPI_AUTHFILE $c "$PROBE" enum 0 | status)
    [ "$st" = 0 ] || fail "credentials [$c]: status $st"
done

# rights and failures
[ "$(NETAPI_USER=labuser NETAPI_PASSWORD=LabPass-123 probe enum 1 | status)" = 5 ] || fail "plain user not denied"
[ "$(NETAPI_PASSWORD=wrong probe enum 1 | status)" = 1326 ] || fail "wrong password not ERROR_LOGON_FAILURE"
[ "$(NETAPI_ANONYMOUS=on env -u NETAPI_USER -u NETAPI_PASSWORD "$PROBE" enum 1 | status)" = 5 ] || fail "anonymous not denied"
t0=$(date +%s)
# A 64-octet label can never resolve and fails inside the resolver: no DNS
# query leaves the machine (tests stay on loopback).
NOHOST=$(printf 'a%.0s' $(seq 1 64)).invalid
[ "$(probe enum 1 "$NOHOST" | status)" = 53 ] || fail "unknown server not ERROR_BAD_NETPATH"
free=$(( PORT + 1 )); while ss -tlnH "sport = :$free" | grep -q .; do free=$(( free + 1 )); done
[ "$(NETAPI_SMB_PORT=$free probe enum 1 | status)" = 53 ] || fail "closed port not ERROR_BAD_NETPATH"
[ $(( $(date +%s) - t0 )) -le 10 ] || fail "unreachable server errors were slow"

# a server that accepts TCP and never answers: NETAPI_TIMEOUT_MS bounds the wait
bh=$(( free + 1 )); while ss -tlnH "sport = :$bh" | grep -q .; do bh=$(( bh + 1 )); done
/usr/bin/python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); c=s.accept(); time.sleep(60)' "$bh" &
BH_PID=$!
for _ in $(seq 1 100); do ss -tlnH "sport = :$bh" | grep -q . && break; sleep 0.05; done
t0=$(date +%s)
st=$(NETAPI_SMB_PORT=$bh NETAPI_TIMEOUT_MS=1000 probe enum 1 | status)
[ "$st" = 53 ] || fail "silent server: status $st, not ERROR_BAD_NETPATH"
[ $(( $(date +%s) - t0 )) -le 5 ] || fail "silent server: NETAPI_TIMEOUT_MS not honoured"
kill "$BH_PID" 2>/dev/null; BH_PID=

# a server that requires signing: the API still works (every reply verified)
SMB_PORT= "$LIB/smbd-start.sh" "$D2" 'server signing = mandatory' > "$D2.out" 2>&1 || fail "signing smbd"
P2=$(sed -n 's/^PORT=//p' "$D2.out")
[ "$(NETAPI_SMB_PORT=$P2 probe enum 10 | status)" = 0 ] || fail "mandatory-signing server"
# anonymous sessions cannot sign: the documented signing-failure code
[ "$(NETAPI_SMB_PORT=$P2 NETAPI_ANONYMOUS=on env -u NETAPI_USER -u NETAPI_PASSWORD "$PROBE" enum 1 | status)" = 59 ] ||
    fail "anonymous vs mandatory signing not ERROR_UNEXP_NET_ERR"
"$LIB/smbd-stop.sh" "$D2" >/dev/null 2>&1

# SMB 2.1 and SMB 3.1.1 forced in turn by the server: the API works over each (the dialect
# is read from the debug log, which must never contain the password; 2.1 is below the default
# floor and allowed with NETAPI_MIN_DIALECT)
for proto in 'SMB2_10 0x0210 server max protocol = SMB2_10' 'SMB3_11 0x0311 server min protocol = SMB3_11'; do
    name=${proto%% *}; rest=${proto#* }; dialect=${rest%% *}; line=${rest#* }
    SMB_PORT= "$LIB/smbd-start.sh" "$D/proto-$name" "$line" > "$D/proto-$name.out" 2>&1 ||
        fail "smbd with $line"
    P3=$(sed -n 's/^PORT=//p' "$D/proto-$name.out")
    out=$(NETAPI_SMB_PORT=$P3 NETAPI_MIN_DIALECT=2.1 WN_LOG=debug timeout 30 "$PROBE" enum 1 2>&1)
    [ "$(echo "$out" | status)" = 0 ] || fail "$line: $out"
    echo "$out" | grep -q "dialect $dialect" || fail "$line: dialect $dialect not used: $out"
    echo "$out" | grep -q '^entry cname=127.0.0.1 user=labadmin ' || fail "$line: own session: $out"
    echo "$out" | grep -q -- "$NETAPI_PASSWORD" && fail "$line: the password appears in the log"
    "$LIB/smbd-stop.sh" "$D/proto-$name" >/dev/null 2>&1
done

# Del by client: the ::1 client is disconnected, the 127.0.0.1 sessions stay
[ "$(probe del - '\\::1' - | status)" = 0 ] || fail "del client ::1"
for _ in $(seq 1 100); do kill -0 "$HOLD_PID" 2>/dev/null || break; sleep 0.05; done
smbstatus -s "$CONF" -b 2>/dev/null | grep -q 'ipv6:::1' && fail "::1 client still connected after NetSessionDel"
out=$(probe enum 1)
echo "$out" | grep -q 'cname=::1 ' && fail "::1 session listed after NetSessionDel"
echo "$out" | grep -q 'cname=127.0.0.1 user=labuser ' || fail "127.0.0.1 labuser session vanished with ::1"
exec 9>&-

# Del: labuser's session goes, labadmin's stays; deleting again finds nothing
[ "$(probe del - - labuser | status)" = 0 ] || fail "del labuser"
sleep 0.5
out=$(probe enum 1)
echo "$out" | grep -q 'user=labuser ' && fail "labuser session survived NetSessionDel"
echo "$out" | grep -q 'user=labadmin ' || fail "labadmin session vanished"
# nothing left to delete: NERR_ClientNameNotFound, the code MS-SRVS and the SDK list for Del
[ "$(probe del - - labuser | status)" = 2312 ] || fail "second del not NERR_ClientNameNotFound"
[ "$(probe del - '\\127.0.0.1' ghostuser | status)" = 2312 ] || fail "del of an unknown user not NERR_ClientNameNotFound"
[ "$(probe del - - - | status)" = 87 ] || fail "del with both NULL not refused"
echo "test_netapi_peer: ok"
