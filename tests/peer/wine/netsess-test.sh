# netsess-test.sh: sourced by wine-test.sh (mode netsess): NetSessionEnum levels 0/1/10/502 and NetSessionGetInfo of a Windows program vs smbstatus.
LIB=$PEER/lib
[ -x /usr/sbin/smbd ] && command -v smbstatus >/dev/null && command -v smbclient >/dev/null ||
    skip "samba/smbclient not installed"
"$LIB/smbd-start.sh" "$T/smb" > "$T/smbd.start" 2>"$T/smbd.err"; rc=$?
[ $rc -eq 77 ] && skip "smbd not installed"
cleanup_peers() { "$LIB/smbd-stop.sh" "$T/smb" >/dev/null 2>&1; }
[ $rc -eq 0 ] || { cat "$T/smbd.err"; fail "smbd did not start"; }
SMB_PORT=$(sed -n 's/^PORT=//p' "$T/smbd.start")
CONF=$T/smb/smb.conf
nsessions() { smbstatus -s "$CONF" -b 2>/dev/null | grep -c 'ipv4:127.0.0.1'; }
# open_session USER PASS: an smbclient kept open on a FIFO; smbclient's output is block-buffered,
# so readiness is read from smbstatus.  PIDs go to sessions.pids, which smbd-stop.sh kills.
open_session() {
    local before f spid
    before=$(nsessions)
    f=$(mktemp -u "$T/smb/s.XXXXXX.fifo"); mkfifo "$f"
    PASSWD=$2 smbclient -s "$CONF" -p "$SMB_PORT" //127.0.0.1/share -U "$1" <"$f" >"$f.out" 2>&1 &
    spid=$!
    ( echo pwd; exec sleep 100000 ) >"$f" &
    echo "$spid $!" >> "$T/smb/sessions.pids"
    for _ in $(seq 1 200); do
        [ "$(nsessions)" -gt "$before" ] && return 0
        sleep 0.05
    done
    fail "session for $1 did not come up"
}
open_session labuser LabPass-123
open_session labadmin LabAdmin-456

# The library inside the Windows program reads these (docs/netsession.md).
export NETAPI_SMB_PORT=$SMB_PORT NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456
unset NETAPI_DOMAIN NETAPI_AUTHFILE

# "MACHINE USER" per session, as smbstatus reports them, plus the program's
# own IPC$ session (labadmin from 127.0.0.1) that exists while it enumerates.
smbstatus_now() {
    smbstatus -s "$CONF" -b -j | /usr/bin/python3 -c '
import json, sys
for s in json.load(sys.stdin).get("sessions", {}).values():
    print(s["remote_machine"], s["username"])'
}
smbstatus_sessions() { { smbstatus_now; echo "127.0.0.1 labadmin"; } | sort; }
want=$(smbstatus_sessions) || fail "smbstatus failed"
echo "smbstatus (+ the program's own session):"; echo "$want"
[ "$(echo "$want" | wc -l)" -ge 3 ] || fail "smbstatus shows fewer sessions than were opened"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
for level in 0 1 10 502; do
    run_pe 60 "$PROGS/netsess.exe" enum "$level"
    grep -qx "status=0 entries=[0-9]* total=[0-9]*" "$T/out" || fail "level $level: status not 0"
    n=$(sed -n 's/^status=0 entries=\([0-9]*\) .*/\1/p' "$T/out")
    [ "$(grep -c '^session ' "$T/out")" = "$n" ] || fail "level $level: entries count differs from the lines"
    if [ "$level" = 0 ]; then
        got=$(grep '^session ' "$T/out" | field cname | sort)
        exp=$(echo "$want" | cut -d' ' -f1 | sort)
    else
        got=$(grep '^session ' "$T/out" | while read -r line; do
                  echo "$(echo "$line" | field cname) $(echo "$line" | field user)"; done | sort)
        exp=$want
    fi
    [ "$got" = "$exp" ] || { echo "got:"; echo "$got"; fail "level $level: sessions differ from smbstatus"; }
    if [ "$level" = 502 ]; then
        grep '^session ' "$T/out" | grep -qv ' transport=(null)' || fail "level 502: no transport"
    fi
done

run_pe 60 "$PROGS/netsess.exe" getinfo '\\127.0.0.1' labuser 1
grep -qx "status=0 entries=1 total=1" "$T/out" || fail "NetSessionGetInfo: status not 0 with one entry"
grep -q '^session cname=127.0.0.1 user=labuser ' "$T/out" || fail "NetSessionGetInfo: not labuser from 127.0.0.1"
echo "$want" | grep -qx "127.0.0.1 labuser" || fail "smbstatus lacks the labuser session"

# NetSessionDel of labuser's session: smbstatus no longer lists it.
run_pe 60 "$PROGS/netsess.exe" del '\\127.0.0.1' labuser
grep -qx "status=0" "$T/out" || fail "NetSessionDel: status not 0"
gone=0
for _ in $(seq 1 200); do
    smbstatus_now | grep -qx "127.0.0.1 labuser" || { gone=1; break; }
    sleep 0.05
done
[ $gone = 1 ] || fail "smbstatus still lists labuser after NetSessionDel"
smbstatus_now | grep -qx "127.0.0.1 labadmin" || fail "NetSessionDel also ended labadmin's session"
