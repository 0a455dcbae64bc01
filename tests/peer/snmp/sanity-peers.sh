#!/bin/bash
# sanity-peers.sh: CTest check that the snmpd/snmptrapd harness starts, answers on v4+v6, and stops cleanly.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/peer-common.sh"
DIR=$(mktemp -d /tmp/wn-snmp-sanity.XXXXXX)
fail=0
cleanup() {
    "$HERE/snmpd-stop.sh" "$DIR" >/dev/null 2>&1 || true
    "$HERE/snmptrapd-stop.sh" "$DIR" >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT
check() { # check NAME CMD...: run CMD, count a failure
    local name=$1; shift
    if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}

"$HERE/snmpd-start.sh" "$DIR" || { echo "FAIL snmpd-start"; exit 1; }
"$HERE/snmptrapd-start.sh" "$DIR" || { echo "FAIL snmptrapd-start"; exit 1; }
P=$(cat "$DIR/snmpd.port"); T=$(cat "$DIR/snmptrapd.port")
SPID=$(cat "$DIR/snmpd.pid"); TPID=$(cat "$DIR/snmptrapd.pid")
export SNMPCONFPATH="$DIR" SNMP_PERSISTENT_DIR="$DIR/client-persist" MIBS=

get_descr() { snmpget -v2c -c public -r1 -t1 -On "$1" .1.3.6.1.2.1.1.1.0 | grep -q 'STRING: "Linux'; }
check "snmpget v2c 127.0.0.1" get_descr "127.0.0.1:$P"
check "snmpget v2c [::1]" get_descr "udp6:[::1]:$P"
check "snmpget v1 127.0.0.1" bash -c "snmpget -v1 -c public -r1 -t1 -On 127.0.0.1:$P .1.3.6.1.2.1.1.5.0 | grep -q wire-snmpd"
check "snmpset sysContact" bash -c "snmpset -v2c -c private -r1 -t1 -On 127.0.0.1:$P .1.3.6.1.2.1.1.4.0 s sanity@invalid | grep -q sanity@invalid"
check "wrong community is ignored" bash -c "! snmpget -v2c -c nope -r0 -t0.3 127.0.0.1:$P .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1"
check "snmpinform acked" snmptrap -Ci -v2c -c public -r1 -t1 "127.0.0.1:$T" '' .1.3.6.1.6.3.1.1.5.2 .1.3.6.1.2.1.1.5.0 s sanity-inform
check "inform logged" bash -c "sleep 0.2; grep -q sanity-inform '$DIR/snmptrapd.log'"

check "snmpd-stop" "$HERE/snmpd-stop.sh" "$DIR"
check "snmptrapd-stop" "$HERE/snmptrapd-stop.sh" "$DIR"
check "snmpd gone" bash -c "! ps -o stat= -p $SPID | grep -qv Z"
check "snmptrapd gone" bash -c "! ps -o stat= -p $TPID | grep -qv Z"
no_leftovers() { ! pgrep -f -- "$DIR" >/dev/null; }
check "nothing of DIR left running" no_leftovers
exit $fail
