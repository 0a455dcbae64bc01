#!/bin/bash
# snmpd-start.sh DIR [PORT]: start a private net-snmp agent on 127.0.0.1 and [::1] only, wait until it answers.
# Everything (config, state, pid, logs) lives in DIR.  Prints SNMPD_PORT=, SNMPD_PID=, DIR= lines and
# writes DIR/snmpd.port.  PORT defaults to a free one (retried on bind failure).  Stop: snmpd-stop.sh DIR.
# Communities: public (read-only), private (read-write); v1 and v2c.  sysContact.0 and sysLocation.0
# are writable because the config does not set them.  SNMPD_EXTRA_CONF names a file whose lines are
# appended to the config (the SNMPv3 peer test adds its USM users and engineID that way).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/peer-common.sh"
DIR=${1:?usage: snmpd-start.sh DIR [PORT]}
FIXED_PORT=${2:-}
mkdir -p "$DIR/persist"
chmod 700 "$DIR" "$DIR/persist"
export SNMP_PERSISTENT_DIR="$DIR/persist" SNMPCONFPATH="$DIR" MIBS=

for attempt in 1 2 3 4 5; do
    PORT=${FIXED_PORT:-$(wn_free_udp_port)}
    cat > "$DIR/snmpd.conf" <<CONF
# private snmpd for the WinSNMP wire tests: loopback only, no AgentX, no smux (-I -smux)
agentaddress udp:127.0.0.1:$PORT,udp6:[::1]:$PORT
master no
rocommunity  public  127.0.0.1
rocommunity6 public  ::1
rwcommunity  private 127.0.0.1
rwcommunity6 private ::1
sysName wire-snmpd
sysServices 72
dontLogTCPWrappersConnects yes
CONF
    if [ -n "${SNMPD_EXTRA_CONF:-}" ]; then
        cat "$SNMPD_EXTRA_CONF" >> "$DIR/snmpd.conf"
    fi
    : > "$DIR/snmpd.log"
    /usr/sbin/snmpd -f -C -c "$DIR/snmpd.conf" -p "$DIR/snmpd.pidfile" -Lf "$DIR/snmpd.log" \
        -I -smux </dev/null >>"$DIR/snmpd.out" 2>&1 &
    PID=$!
    echo "$PID" > "$DIR/snmpd.pid"
    for i in $(seq 1 200); do
        if snmpget -v2c -c public -r0 -t0.05 -On "127.0.0.1:$PORT" .1.3.6.1.2.1.1.3.0 \
               >/dev/null 2>&1; then
            echo "$PORT" > "$DIR/snmpd.port"
            echo "DIR=$DIR"
            echo "SNMPD_PID=$PID"
            echo "SNMPD_PORT=$PORT"
            exit 0
        fi
        wn_pid_alive "$PID" || break
        sleep 0.05
    done
    wn_stop_pidfile "$DIR/snmpd.pid" || true
    echo "snmpd attempt $attempt on port $PORT failed:" >&2
    tail -n 5 "$DIR/snmpd.log" "$DIR/snmpd.out" >&2 || true
    [ -z "$FIXED_PORT" ] || break
done
echo "snmpd did not start" >&2
exit 1
