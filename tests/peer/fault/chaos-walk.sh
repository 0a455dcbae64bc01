#!/bin/bash
# chaos-walk.sh WALK PROXY: walks snmpd through our chaos proxy (30 % dropped, duplicated, delayed, reordered; seeded) and compares with net-snmp run directly against snmpd.
# Catches: a retransmission that is not matched to its request (duplicates and
# late answers then end the wrong request: lists differ), a walk that accepts
# a stale reply (order of OIDs differs), a response lost to a retry path (walk
# fails), a v2c->v1 mapping or GetBulk repetition bug (values/OIDs differ).
# Seed: WN_CHAOS_SEED (default 18); the walk uses 30 ms timeouts and 40 retries,
# so one request fails only with probability 0.51^41.
set -uo pipefail
WALK=${1:?usage: chaos-walk.sh WALK PROXY}
PROXY=${2:?usage: chaos-walk.sh WALK PROXY}
HERE=$(cd "$(dirname "$0")" && pwd)
SNMP="$HERE/../snmp"
DIR=$(mktemp -d /tmp/wn-chaos.XXXXXX)
PPID_FILE="$DIR/proxy.pid"
cleanup() {
    [ -s "$PPID_FILE" ] && kill "$(cat "$PPID_FILE")" 2>/dev/null
    "$SNMP/snmpd-stop.sh" "$DIR" >/dev/null 2>&1
    rm -rf "$DIR"
}
trap cleanup EXIT
"$SNMP/snmpd-start.sh" "$DIR" >/dev/null || { echo "snmpd did not start"; exit 1; }
PORT=$(cat "$DIR/snmpd.port")
export MIBS= SNMPCONFPATH="$DIR" SNMP_PERSISTENT_DIR="$DIR/persist"
"$PROXY" "$PORT" "$DIR/proxy.port" "${WN_CHAOS_SEED:-18}" 30 2> "$DIR/proxy.err" &
echo $! > "$PPID_FILE"
for i in $(seq 1 100); do [ -s "$DIR/proxy.port" ] && break; sleep 0.05; done
PP=$(cat "$DIR/proxy.port") || { echo "proxy did not start"; exit 1; }
fail=0
run() {  # run <label> <min OIDs> <walk args...> -- <net-snmp command...>
    label=$1; min=$2; shift 2
    wargs=(); while [ "$1" != "--" ]; do wargs+=("$1"); shift; done; shift
    "$@" > "$DIR/ref1" 2>&1 || { echo "$label: net-snmp failed"; fail=1; return; }
    if ! timeout 240 "$WALK" -t 3 -r 40 "${wargs[@]}" > "$DIR/ours" 2> "$DIR/ours.err"; then
        echo "$label: walk through the proxy failed"; tail -5 "$DIR/ours.err"; fail=1; return
    fi
    "$@" > "$DIR/ref2" 2>&1 || { echo "$label: net-snmp failed"; fail=1; return; }
    echo -n "$label: "
    /usr/bin/python3 "$HERE/walkcmp.py" "$DIR/ours" "$DIR/ref1" "$DIR/ref2" "$min" || fail=1
}
run "v2c GetBulk walk of .1.3.6.1" 2000 -n 40 "127.0.0.1:$PP" 1.3.6.1 -- \
    snmpbulkwalk -v2c -c public -On -Oe "127.0.0.1:$PORT" .1.3.6.1
for sub in 1.3.6.1.2.1.1 1.3.6.1.2.1.2; do
    run "v1 GetNext walk of .$sub" 30 -v 1 "127.0.0.1:$PP" "$sub" -- \
        snmpwalk -v1 -c public -On -Oe "127.0.0.1:$PORT" ".$sub"
done
kill "$(cat "$PPID_FILE")"; wait "$(cat "$PPID_FILE")" 2>/dev/null; rm -f "$PPID_FILE"
cat "$DIR/proxy.err"
# the proxy must really have done all four things, else this test proves nothing
for what in dropped duplicated delayed reordered; do
    n=$(sed -n "s/.* $what \([0-9]*\).*/\1/p" "$DIR/proxy.err")
    [ "${n:-0}" -gt 0 ] || { echo "proxy never $what a datagram"; fail=1; }
done
exit $fail
