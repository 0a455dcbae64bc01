#!/bin/bash
# walk-vs-snmpbulkwalk.sh WALK: the example walker lists the same OIDs as net-snmp's snmpbulkwalk (v2c over IPv4, v1 over IPv6).
set -uo pipefail
WALK=${1:?usage: walk-vs-snmpbulkwalk.sh path/to/walk}
HERE=$(cd "$(dirname "$0")" && pwd)
SNMP="$HERE/../snmp"
DIR=$(mktemp -d /tmp/wn-walk.XXXXXX)
trap '"$SNMP/snmpd-stop.sh" "$DIR" >/dev/null 2>&1; rm -rf "$DIR"' EXIT
"$SNMP/snmpd-start.sh" "$DIR" >/dev/null || { echo "snmpd did not start"; exit 1; }
PORT=$(cat "$DIR/snmpd.port")
export MIBS=
# Tables whose rows come and go between two walks (other tests open TCP
# connections and processes meanwhile): neighbour caches, TCP/UDP
# connection and listener tables, hrSWRun/hrSWRunPerf (docs/testing-snmp.md).
VOLATILE='^\.1\.3\.6\.1\.2\.1\.(4\.22|4\.35|6\.13|6\.19|6\.20|7\.5|7\.7|25\.4|25\.5)\.'
fail=0
check() {  # check <label> <walk args...> -- <snmpbulkwalk args...>
    label=$1; shift
    wargs=(); while [ "$1" != "--" ]; do wargs+=("$1"); shift; done; shift
    "$WALK" "${wargs[@]}" > "$DIR/ours" 2> "$DIR/ours.err" || { echo "$label: walk failed"; cat "$DIR/ours.err"; fail=1; return; }
    "$@" > "$DIR/theirs" 2>&1 || { echo "$label: net-snmp failed"; fail=1; return; }
    grep -o '^\.[0-9.]* = ' "$DIR/ours" | sed 's/ = $//' | grep -Ev "$VOLATILE" > "$DIR/ours.oids"
    grep -v 'No more variables' "$DIR/theirs" | grep -o '^\.[0-9.]* = ' | sed 's/ = $//' |
        grep -Ev "$VOLATILE" > "$DIR/theirs.oids"
    n=$(wc -l < "$DIR/ours.oids")
    if [ "$n" -lt 50 ] || ! diff -q "$DIR/ours.oids" "$DIR/theirs.oids" >/dev/null; then
        echo "$label: OID lists differ (ours $n lines)"; diff "$DIR/ours.oids" "$DIR/theirs.oids" | head -20; fail=1
    else
        echo "$label: $n OIDs, same as net-snmp"
    fi
}
check "v2c IPv4 GetBulk" "127.0.0.1:$PORT" 1.3.6.1 -- snmpbulkwalk -v2c -c public -On -Oe "127.0.0.1:$PORT" .1.3.6.1
check "v1 IPv6 GetNext" -v 1 "[::1]:$PORT" 1.3.6.1.2.1 -- snmpwalk -v1 -c public -On -Oe "udp6:[::1]:$PORT" .1.3.6.1.2.1
exit $fail
