#!/bin/bash
# killed-peers.sh WALK PROXY PROBE SMBLIB: snmpd killed mid-walk and smbd (its connection process) killed or frozen mid-call end in a clean timeout or connection error within the configured time.
# Promises (docs/faults.md): the walk reports "Timeout" once and exits non-zero within
# timeout x (retries + 1) plus slack; NetSessionEnum returns a network error
# (ERROR_NETNAME_DELETED 64, ERROR_BAD_NETPATH 53, ERROR_UNEXP_NET_ERR 59,
# RPC_S_SERVER_UNAVAILABLE 1722, RPC_S_PROTOCOL_ERROR 1728) within NETAPI_TIMEOUT_MS
# per blocked operation; no sanitizer report from either program.
# Catches: a request that never times out once the agent is gone (the walk
# hangs: deadline), a blocking read without the deadline (a frozen smbd
# hangs the call: deadline), a reset mapped to success or a crash on EOF
# (status check, sanitizer check).
set -uo pipefail
WALK=${1:?}; PROXY=${2:?}; PROBE=${3:?}; SMBLIB=${4:?}
HERE=$(cd "$(dirname "$0")" && pwd)
SNMP="$HERE/../snmp"
D=$(mktemp -d /tmp/wn-killed.XXXXXX); chmod 755 "$D"
SD=$D/smb
PROXY_PID=; WALK_PID=
cleanup() {
    [ -n "$WALK_PID" ] && kill "$WALK_PID" 2>/dev/null
    [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null
    "$SNMP/snmpd-stop.sh" "$D" >/dev/null 2>&1
    "$SMBLIB/smbd-stop.sh" "$SD" >/dev/null 2>&1
    rm -rf "$D"
}
trap cleanup EXIT
fail=0
now_ms() { date +%s%3N; }
sanitizer_clean() { ! grep -qE 'Sanitizer|runtime error' "$1"; }

# ---- snmpd killed mid-walk -------------------------------------------------
"$SNMP/snmpd-start.sh" "$D" >/dev/null || { echo "snmpd did not start"; exit 1; }
PORT=$(cat "$D/snmpd.port")
export MIBS=
# the proxy (no drops, but delays and reorders) slows the walk so the kill lands mid-walk
"$PROXY" "$PORT" "$D/proxy.port" 7 0 2>/dev/null &
PROXY_PID=$!
for _ in $(seq 100); do [ -s "$D/proxy.port" ] && break; sleep 0.05; done
PP=$(cat "$D/proxy.port")
TIMEOUT_CS=30; RETRIES=2
"$WALK" -v 1 -t $TIMEOUT_CS -r $RETRIES "127.0.0.1:$PP" 1.3.6.1 > "$D/walk.out" 2> "$D/walk.err" &
WALK_PID=$!
for _ in $(seq 400); do [ "$(wc -l < "$D/walk.out")" -ge 200 ] && break; sleep 0.025; done
lines=$(wc -l < "$D/walk.out")
kill -KILL "$(cat "$D/snmpd.pid")"
t0=$(now_ms)
limit=$(( TIMEOUT_CS * 10 * (RETRIES + 1) + 5000 ))
while kill -0 "$WALK_PID" 2>/dev/null && [ $(( $(now_ms) - t0 )) -lt $((limit + 30000)) ]; do sleep 0.02; done
if kill -0 "$WALK_PID" 2>/dev/null; then
    echo "snmpd killed mid-walk: the walk hangs"; fail=1
else
    wait "$WALK_PID"; rc=$?; WALK_PID=
    took=$(( $(now_ms) - t0 ))
    if [ $rc -eq 0 ] || [ "$(grep -c 'Timeout' "$D/walk.err")" -ne 1 ] || [ $took -gt $limit ] ||
       ! sanitizer_clean "$D/walk.err"; then
        echo "snmpd killed mid-walk: exit $rc after $took ms (limit $limit):"; cat "$D/walk.err"; fail=1
    else
        echo "snmpd killed after $lines lines: walk ended in $took ms (limit $limit): $(head -1 "$D/walk.err")"
    fi
fi

# ---- smbd killed / frozen mid-call -----------------------------------------
if [ ! -x /usr/sbin/smbd ]; then echo "smbd not installed: SMB part skipped"; exit $fail; fi
"$SMBLIB/smbd-start.sh" "$SD" > "$SD.start" 2>&1 || { cat "$SD.start"; echo "smbd did not start"; exit 1; }
SPORT=$(sed -n 's/^PORT=//p' "$SD.start")
MAIN=$(cat "$SD/smbd.main.pid")
export NETAPI_SMB_PORT=$SPORT NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456
export NETAPI_TIMEOUT_MS=2000
unset NETAPI_DOMAIN NETAPI_AUTHFILE
"$PROBE" enum 1 '\\127.0.0.1' > "$D/warm" 2>&1      # starts samba-dcerpcd (first call ~1 s)
grep -q 'status=0 ' "$D/warm" || { echo "NetSessionEnum against smbd failed:"; cat "$D/warm"; exit 1; }
# call_while MAINSIG: freezes smbd (SIGSTOP: the kernel still completes the TCP
# handshake and queues our NEGOTIATE), starts a call, waits until it is blocked
# in it, then sends MAINSIG to smbd (CONT: leave it frozen until the call ended;
# KILL: smbd dies mid-call, the queued connection is reset) and checks the outcome.
call_while() {
    local sig=$1 t0 took st pid limit
    kill -STOP "$MAIN"
    "$PROBE" enum 1 '\\127.0.0.1' > "$D/call" 2>&1 &
    pid=$!
    t0=$(now_ms)
    sleep 0.3
    kill -0 $pid 2>/dev/null || { echo "smbd frozen: the call did not block"; cat "$D/call"; fail=1; }
    [ "$sig" = KILL ] && kill -KILL "$MAIN"
    limit=$(( 3 * NETAPI_TIMEOUT_MS + 3000 ))
    while kill -0 $pid 2>/dev/null && [ $(( $(now_ms) - t0 )) -lt $((limit + 30000)) ]; do sleep 0.02; done
    [ "$sig" = CONT ] && kill -CONT "$MAIN"
    if kill -0 $pid 2>/dev/null; then
        kill -9 $pid; echo "smbd $sig mid-call: NetSessionEnum hangs"; fail=1; return
    fi
    wait $pid; took=$(( $(now_ms) - t0 ))
    st=$(sed -n 's/^call status=\([0-9]*\).*/\1/p' "$D/call")
    case " 64 53 59 1722 1728 " in
        *" $st "*) if [ $took -le $limit ] && sanitizer_clean "$D/call"; then
                       echo "smbd $sig mid-call: status $st after $took ms (limit $limit)"
                   else echo "smbd $sig mid-call: status $st after $took ms (limit $limit)"; cat "$D/call"; fail=1; fi ;;
        *) echo "smbd $sig mid-call: unexpected outcome after $took ms:"; cat "$D/call"; fail=1 ;;
    esac
}
call_while CONT    # frozen for the whole call: the per-operation timeout ends it
"$PROBE" enum 1 '\\127.0.0.1' > "$D/again" 2>&1
grep -q 'status=0 ' "$D/again" || { echo "smbd thawed: the next call failed"; cat "$D/again"; fail=1; }
call_while KILL    # killed while our NEGOTIATE waits
# and the whole smbd gone: connection refused at once
"$SMBLIB/smbd-stop.sh" "$SD" >/dev/null 2>&1
t0=$(now_ms)
"$PROBE" enum 1 '\\127.0.0.1' > "$D/call" 2>&1
st=$(sed -n 's/^call status=\([0-9]*\).*/\1/p' "$D/call"); took=$(( $(now_ms) - t0 ))
if [ "$st" = 53 ] && [ $took -le $((NETAPI_TIMEOUT_MS + 3000)) ]; then
    echo "smbd stopped: ERROR_BAD_NETPATH after $took ms"
else
    echo "smbd stopped: status ${st:-none} after $took ms"; cat "$D/call"; fail=1
fi
exit $fail
