#!/bin/bash
# snmptrapd-start.sh DIR [PORT]: start a private snmptrapd on 127.0.0.1 and [::1] only.
# Every received trap/inform is logged as one line "TRAP ..." to DIR/snmptrapd.log.  Prints
# SNMPTRAPD_PORT=, SNMPTRAPD_PID=, DIR= and writes DIR/snmptrapd.port.  Stop: snmptrapd-stop.sh DIR.
# SNMPTRAPD_EXTRA_CONF names a file whose lines are appended to the config (the SNMPv3 peer test
# adds its USM users that way).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/peer-common.sh"
DIR=${1:?usage: snmptrapd-start.sh DIR [PORT]}
FIXED_PORT=${2:-}
mkdir -p "$DIR/trapd-persist"
chmod 700 "$DIR" "$DIR/trapd-persist"
export SNMP_PERSISTENT_DIR="$DIR/trapd-persist" SNMPCONFPATH="$DIR" MIBS=

for attempt in 1 2 3 4 5; do
    PORT=${FIXED_PORT:-$(wn_free_udp_port)}
    cat > "$DIR/snmptrapd.conf" <<CONF
# private snmptrapd for the WinSNMP wire tests: loopback only, community public
snmpTrapdAddr udp:127.0.0.1:$PORT,udp6:[::1]:$PORT
authCommunity log,execute,net public
disableAuthorization yes
format2 TRAP %B [%b] %N %w %q uptime=%T %v\n
format1 TRAP %B [%b] agent=%a enterprise=%N generic=%w specific=%q uptime=%T %v\n
CONF
    if [ -n "${SNMPTRAPD_EXTRA_CONF:-}" ]; then
        cat "$SNMPTRAPD_EXTRA_CONF" >> "$DIR/snmptrapd.conf"
    fi
    : > "$DIR/snmptrapd.log"
    /usr/sbin/snmptrapd -f -C -c "$DIR/snmptrapd.conf" -p "$DIR/snmptrapd.pidfile" \
        -Lf "$DIR/snmptrapd.log" -On -n </dev/null >>"$DIR/snmptrapd.out" 2>&1 &
    PID=$!
    echo "$PID" > "$DIR/snmptrapd.pid"
    for i in $(seq 1 100); do
        if ss -ulnH "sport = :$PORT" 2>/dev/null | grep -q '127.0.0.1' &&
           ss -ulnH "sport = :$PORT" 2>/dev/null | grep -q '\[::1\]'; then
            echo "$PORT" > "$DIR/snmptrapd.port"
            echo "DIR=$DIR"
            echo "SNMPTRAPD_PID=$PID"
            echo "SNMPTRAPD_PORT=$PORT"
            exit 0
        fi
        wn_pid_alive "$PID" || break
        sleep 0.05
    done
    wn_stop_pidfile "$DIR/snmptrapd.pid" || true
    echo "snmptrapd attempt $attempt on port $PORT failed:" >&2
    tail -n 5 "$DIR/snmptrapd.out" "$DIR/snmptrapd.log" >&2 || true
    [ -z "$FIXED_PORT" ] || break
done
echo "snmptrapd did not start" >&2
exit 1
