#!/bin/bash
# netapi-checks.sh PROBE LIBDIR SERVER_PY: second, peer checks of the case-insensitive user filter (smbd) and of NetSessionDel's unknown-client code (impacket's srvsvc over SMB).
# Issue 18 point 7: each was guarded by one test only.
#  - user filter: smbd ignores the UserName filter and returns every session,
#    so the library filters itself, ignoring ASCII case as Windows does:
#    "LabUser" and "LABUSER" must find labuser's session, "labuserx" none
#    (NERR_UserNotFound 2221).  A build comparing with strcmp fails the first
#    two (checked: a case-sensitive wn_netapi_name_eq fails three checks); one
#    comparing prefixes fails the third.
#  - NetSessionDel: a server that answers NERR_ClientNameNotFound (2312) for
#    a client it has no session of (impacket, like Windows) must give the
#    caller 2312, and 0 for a known one.  A build that maps every non-zero
#    server status to one code fails the first.
set -u
PROBE=$1; LIB=$2; SERVER_PY=$3
command -v /usr/sbin/smbd >/dev/null || { echo "SKIP: smbd not installed"; exit 77; }
D=$(mktemp -d /tmp/wn-planted.XXXXXX); chmod 755 "$D"
IMP=
cleanup() { [ -n "$IMP" ] && kill "$IMP" 2>/dev/null; "$LIB/smbd-stop.sh" "$D" >/dev/null 2>&1; rm -rf "$D"; }
trap cleanup EXIT INT TERM
FAIL=0
check() {  # check NAME WANT_STATUS WANT_PATTERN(or -) -- probe args
    local name=$1 st=$2 pat=$3; shift 4
    local o; o=$(timeout 60 "$PROBE" "$@" 2>&1)
    if printf '%s\n' "$o" | grep -qE "^call status=$st( |$)" &&
       { [ "$pat" = - ] || printf '%s\n' "$o" | grep -q -- "$pat"; } &&
       ! printf '%s\n' "$o" | grep -q Sanitizer; then
        echo "ok   $name"
    else
        echo "FAIL $name: wanted status $st $pat"; printf '%s\n' "$o" | sed 's/^/     /'; FAIL=1
    fi
}

out=$("$LIB/smbd-start.sh" "$D") || { echo "smbd did not start"; exit 1; }
PORT=$(printf '%s\n' "$out" | sed -n 's/^PORT=//p')
"$LIB/smb-open-session.sh" "$D" labuser LabPass-123 >/dev/null </dev/null || { echo "session did not open"; exit 1; }
export NETAPI_SMB_PORT=$PORT NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456 NETAPI_TIMEOUT_MS=10000
unset NETAPI_DOMAIN NETAPI_AUTHFILE
check "user filter LabUser finds labuser (smbd)" 0 'user=labuser' -- enum 1 - - LabUser
check "user filter LABUSER finds labuser (smbd)" 0 'user=labuser' -- enum 10 - - LABUSER
check "user filter labuserx finds nothing (smbd)" 2221 - -- enum 1 - - labuserx
check "getinfo with LABUSER (smbd)" 0 'user=labuser' -- getinfo 1 - 127.0.0.1 LABUSER

# impacket's srvsvc on an SMB server of its own (sessions 10.0.0.7/alice, réseau/用户)
IP=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 "$SERVER_PY" smb "$IP" faultuser Fault-Pass-1 > "$D/imp.out" 2>&1 &
IMP=$!
for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$IP") 2>/dev/null && break
    sleep 0.05
done
# impacket's SMB server speaks SMB 2.x only: below the default floor of 3.0
export NETAPI_SMB_PORT=$IP NETAPI_USER=faultuser NETAPI_PASSWORD=Fault-Pass-1 NETAPI_MIN_DIALECT=2.0.2
check "NetSessionDel unknown client: NERR_ClientNameNotFound (impacket)" 2312 - -- del - '\\192.0.2.9' -
check "NetSessionDel known client: success (impacket)" 0 - -- del - '\\10.0.0.7' -
exit $FAIL
