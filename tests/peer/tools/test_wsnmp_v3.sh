#!/bin/bash
# test_wsnmp_v3.sh WSNMP: the wsnmp tool's SNMPv3 options against a private snmpd and snmptrapd with the v3 users of tests/peer/snmpv3: walks equal to snmpbulkwalk -v3's, get/getnext/getbulk/set, the database's user lines, informs and traps, the USM errors' exit codes, pass phrases never printed.
set -uo pipefail
W=${1:?usage: test_wsnmp_v3.sh path/to/wsnmp}
HERE=$(cd "$(dirname "$0")" && pwd)
SNMP="$HERE/../snmp"
V3="$HERE/../snmpv3"
D=$(mktemp -d /tmp/wn-wsnmp-v3.XXXXXX)
LPID=
cleanup() {
    [ -n "$LPID" ] && kill "$LPID" 2>/dev/null
    "$SNMP/snmptrapd-stop.sh" "$D" >/dev/null 2>&1
    "$SNMP/snmpd-stop.sh" "$D" >/dev/null 2>&1
    rm -rf "$D"
}
trap cleanup EXIT
SNMPD_EXTRA_CONF="$V3/snmpd-v3-users.conf" "$SNMP/snmpd-start.sh" "$D" >/dev/null \
    || { echo "snmpd did not start"; exit 1; }
SNMPTRAPD_EXTRA_CONF="$V3/snmptrapd-v3-users.conf" "$SNMP/snmptrapd-start.sh" "$D" >/dev/null \
    || { echo "snmptrapd did not start"; exit 1; }
P=$(cat "$D/snmpd.port"); TP=$(cat "$D/snmptrapd.port")
A=127.0.0.1:$P
export MIBS=
unset MIBDIRS
# our own engine's state (engine ID, boots) stays in the temp dir, not in $HOME
export WSNMP_ENGINE_FILE="$D/engine.state"
# shellcheck source=tool-checks.sh
. "$HERE/tool-checks.sh"

# The users of tests/peer/snmpv3/snmpd-v3-users.conf, as net-snmp options.
SHA256="-u v3sha256 -l authPriv -a SHA-256 -A v3authpass3 -x AES -X v3privpass3"
MD5DES="-u v3md5 -l authPriv -a MD5 -A v3authpass2 -x DES -X v3privpass2"
SHA512="-u v3sha512 -l authPriv -a SHA-512 -A v3authpass4 -x AES-256 -X v3privpass4"
CISCO="-u v3cisco -l authPriv -a SHA -A v3authpassA -x AES-256-C -X v3privpassA"
AUTH="-u v3auth -l authNoPriv -a SHA -A v3authpass9"
NOAUTH="-u v3noauth -l noAuthNoPriv"
SYSUPTIME='s/^(\.1\.3\.6\.1\.2\.1\.1\.3\.0 = Timeticks: ).*/\1(masked)/'

# walk_same LABEL USEROPTS: our walk of the system group prints what
# snmpbulkwalk -v3 -On prints, line for line (sysUpTime's value masked).
walk_same() {
    local label=$1; shift
    # shellcheck disable=SC2086
    expect 0 "$label: walk" "$W" walk -v 3 $1 "$A" 1.3.6.1.2.1.1
    sed -E "$SYSUPTIME" "$D/out" > "$D/ours"
    # shellcheck disable=SC2086
    snmpbulkwalk -v3 $1 -On "$A" .1.3.6.1.2.1.1 2>&1 | sed -E "$SYSUPTIME" > "$D/theirs"
    if [ -s "$D/ours" ] && diff -q "$D/ours" "$D/theirs" >/dev/null; then
        ok "$label: walk = snmpbulkwalk -v3 ($(wc -l < "$D/ours") lines)"
    else
        bad "$label: walk differs from snmpbulkwalk -v3"; diff "$D/ours" "$D/theirs" | head
    fi
}
walk_same "SHA-256/AES" "$SHA256"
walk_same "MD5/DES" "$MD5DES"
walk_same "SHA-512/AES-256" "$SHA512"
walk_same "SHA/AES-256-C" "$CISCO"
walk_same "authNoPriv" "$AUTH"
walk_same "noAuthNoPriv" "$NOAUTH"

# the whole mib-2 with SHA-256/AES: the same OIDs (counters move between the two walks)
# shellcheck disable=SC2086
expect 0 "SHA-256/AES: walk of mib-2" "$W" walk -v 3 $SHA256 "$A" 1.3.6.1.2.1
grep -o '^[.0-9]* =' "$D/out" > "$D/ours.oids"
# shellcheck disable=SC2086
snmpbulkwalk -v3 $SHA256 -On "$A" .1.3.6.1.2.1 | grep -o '^[.0-9]* =' > "$D/theirs.oids"
diff -q "$D/ours.oids" "$D/theirs.oids" >/dev/null \
    && ok "mib-2 walk: the same $(wc -l < "$D/ours.oids") OIDs as snmpbulkwalk -v3" \
    || { bad "mib-2 walk OIDs differ"; diff "$D/ours.oids" "$D/theirs.oids" | head; }

# get / getnext / getbulk: the same lines as net-snmp's
# shellcheck disable=SC2086
expect 0 "get" "$W" get -v 3 $SHA256 "$A" 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.7.0
# shellcheck disable=SC2086
snmpget -v3 $SHA256 -On "$A" .1.3.6.1.2.1.1.5.0 .1.3.6.1.2.1.1.7.0 > "$D/theirs"
diff -q "$D/out" "$D/theirs" >/dev/null && ok "get = snmpget -v3" || { bad "get differs"; diff "$D/out" "$D/theirs"; }
# shellcheck disable=SC2086
expect 0 "get over IPv6 (udp6:)" "$W" get -v 3 $MD5DES "udp6:[::1]:$P" 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "IPv6 answer"
# shellcheck disable=SC2086
expect 0 "getnext" "$W" getnext -v 3 $MD5DES "$A" 1.3.6.1.2.1.1.4
# shellcheck disable=SC2086
snmpgetnext -v3 $MD5DES -On "$A" .1.3.6.1.2.1.1.4 > "$D/theirs"
diff -q "$D/out" "$D/theirs" >/dev/null && ok "getnext = snmpgetnext -v3" || { bad "getnext differs"; diff "$D/out" "$D/theirs"; }
# shellcheck disable=SC2086
expect 0 "getbulk" "$W" getbulk -v 3 $SHA256 -Cn1 -Cr3 "$A" 1.3.6.1.2.1.1.5 1.3.6.1.2.1.1.9.1.2
[ "$(wc -l < "$D/out")" -eq 4 ] && ok "getbulk: 1 non-repeater + 3 repetitions" || { bad "getbulk line count"; cat "$D/out"; }
expect 0 "get --json" "$W" get --json -v 3 $SHA256 "$A" 1.3.6.1.2.1.1.5.0
has out '"value":"wire-snmpd"' "JSON value"
hasnt out 'v3authpass3' "JSON holds no pass phrase"

# the engine ID given (-e) instead of discovered; the context name (-n, snmpd's default is empty)
# shellcheck disable=SC2086
expect 0 "get with -e" "$W" get -v 3 $SHA256 -e 80001f880476332d736e6d7064 "$A" 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "-e answered"
# localized keys instead of pass phrases (snmpd's for v3sha256 at its engine ID)
expect 0 "get with -3k/-3K and -e" "$W" get -v 3 -u v3sha256 -l authPriv -a SHA-256 -x AES -e 80001f880476332d736e6d7064 \
    -3k 1b0bb19b402328d782ddda0a0b6936e9908d9dc06768deae3beb129bd0fe58c0 -3K 694e47bebad39d8d4dfd05b58429d755 \
    "$A" 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "-3k/-3K answered"
# shellcheck disable=SC2086
expect 0 "get with -n ''" "$W" get -v 3 $SHA256 -n '' "$A" 1.3.6.1.2.1.1.5.0

# set: a read-write user, then a read-only one
# shellcheck disable=SC2086
expect 0 "set" "$W" set -v 3 $SHA256 "$A" 1.3.6.1.2.1.1.4.0 s "v3-contact@example.org"
# shellcheck disable=SC2086
snmpget -v3 $MD5DES -Ov "$A" .1.3.6.1.2.1.1.4.0 | grep -q 'v3-contact@example.org' \
    && ok "snmpget -v3 sees the set" || bad "set not visible"
# shellcheck disable=SC2086
expect 4 "set by a read-only user: agent error" "$W" set -v 3 $AUTH "$A" 1.3.6.1.2.1.1.4.0 s x
has err 'Error in packet' "agent's error status"

# the user from the database's user lines: no pass phrase in argv
umask 077
printf 'user v3sha256 auth=SHA-256 authpass=v3authpass3 priv=AES privpass=v3privpass3\n' > "$D/v3.db"
printf 'entity lab3 address=127.0.0.1 port=%s version=3 user=v3sha256 level=authPriv\n' "$P" >> "$D/v3.db"
expect 0 "-u alone, secrets from the database" env WSNMP_DB="$D/v3.db" "$W" walk -v 3 -u v3sha256 "$A" 1.3.6.1.2.1.1
sed -E "$SYSUPTIME" "$D/out" > "$D/ours"
# shellcheck disable=SC2086
snmpbulkwalk -v3 $SHA256 -On "$A" .1.3.6.1.2.1.1 | sed -E "$SYSUPTIME" > "$D/theirs"
diff -q "$D/ours" "$D/theirs" >/dev/null && ok "database user: walk = snmpbulkwalk -v3" || bad "database user walk differs"
expect 0 "a v3 entity by database name" env WSNMP_DB="$D/v3.db" "$W" get -v 3 lab3 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "database entity answered"
# ... and without -v 3: an entity with version=3 takes the empty contextName
# (or -n), never the default community "public" as one (snmpd drops a
# request for a context it does not serve; the tool exited 8 before)
printf 'entity lab address=127.0.0.1 port=%s version=3 user=v3sha256\ncontext v3default contextname=\n' "$P" >> "$D/v3.db"
expect 0 "a v3 entity by database name, without -v 3" env WSNMP_DB="$D/v3.db" "$W" walk -t 1 -r 1 lab 1.3.6.1.2.1.1.5
has out 'wire-snmpd' "v3 database entity without -v 3 answered"
expect 0 "a v3 entity by database name, without -v 3, -n a database context" env WSNMP_DB="$D/v3.db" "$W" get -t 1 -r 1 -n v3default lab 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "v3 database entity with a database context answered"
# without -n, the entity line's community= names the context: its
# contextName, here one snmpd does not serve (it drops the request: a
# timeout); -n (even empty) still wins.  Before, the tool sent the empty
# contextName and got an answer.
printf 'entity labctx address=127.0.0.1 port=%s version=3 user=v3sha256 community=elsewhere\ncontext elsewhere contextname=nosuchctx\n' "$P" >> "$D/v3.db"
expect 3 "a v3 database entity without -n: its community='s contextName" env WSNMP_DB="$D/v3.db" "$W" get -t 1 -r 1 labctx 1.3.6.1.2.1.1.5.0
expect 0 "a v3 database entity with -n '': -n wins" env WSNMP_DB="$D/v3.db" "$W" get -t 1 -r 1 -n '' labctx 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "explicit empty contextName answered"

# the USM errors: each its own exit code and words, no pass phrase printed
expect 7 "wrong auth pass phrase" "$W" get -v 3 -u v3sha256 -l authPriv -a SHA-256 -A wrongauth77 -x AES -X v3privpass3 -t 1 -r 1 "$A" 1.3.6.1.2.1.1.5.0
has err 'SNMPAPI_RPT_WRONGDIGEST' "wrong digest named"
hasnt err 'wrongauth77' "wrong auth pass phrase not printed"
expect 8 "wrong priv pass phrase" "$W" get -v 3 -u v3sha256 -l authPriv -a SHA-256 -A v3authpass3 -x AES -X wrongpriv88 -t 1 -r 1 "$A" 1.3.6.1.2.1.1.5.0
has err 'SNMPAPI_RPT_DECRYPTIONERROR' "decryption error named"
hasnt err 'wrongpriv88' "wrong priv pass phrase not printed"
# the right keys and a context snmpd does not serve: snmpd drops the request
# without a report (snmpget -v3 -n public times out); the diagnosis's
# authPriv probe is answered, so a timeout (3), not a decryption error (8)
# shellcheck disable=SC2086
expect 3 "a context the agent does not serve: timeout" "$W" get -v 3 $SHA256 -n public -t 1 -r 1 "$A" 1.3.6.1.2.1.1.5.0
hasnt err 'DECRYPTIONERROR' "no decryption error for an unserved context"
expect 6 "unknown user" "$W" get -v 3 -u nobody -l authPriv -a SHA -A nobodypass1 -x AES -X nobodypass2 -t 1 -r 1 "$A" 1.3.6.1.2.1.1.5.0
has err 'SNMPAPI_RPT_UNKNOWNUSERNAME' "unknown user named"
expect 9 "level the user does not have" "$W" get -v 3 -u v3noauth -l authNoPriv -a SHA -A noauthpass1 -t 1 -r 1 "$A" 1.3.6.1.2.1.1.5.0
has err 'SNMPAPI_RPT_' "USM report named"
expect 7 "several agents, JSON: the error without the pass phrase" "$W" walk --json -v 3 -u v3sha256 -l authPriv -a SHA-256 -A wrongauth77 -x AES -X v3privpass3 -t 1 -r 1 "$A,[::1]:$P" 1.3.6.1.2.1.1
hasnt out 'wrongauth77' "JSON error holds no pass phrase"
has out '"exit":7' "JSON exit code"

# notifications: an inform to snmptrapd (its engine discovered)
TRAPUSER="-u v3trap -l authPriv -a SHA-256 -A trapauthpass1 -x AES -X trapprivpass1"
# shellcheck disable=SC2086
expect 0 "v3 inform to snmptrapd" "$W" inform -v 3 $TRAPUSER "127.0.0.1:$TP" 4242 1.3.6.1.6.3.1.1.5.2 1.3.6.1.2.1.1.5.0 s v3-inform
has out 'Inform acknowledged' "inform acknowledged"
for _ in $(seq 1 100); do grep -q 'v3-inform' "$D/snmptrapd.log" && break; sleep 0.05; done
grep -q 'v3-inform' "$D/snmptrapd.log" && ok "snmptrapd logged the inform" || bad "inform not logged"

# traps, both ways, where libwsnmp has its own v3 engine (WSNMP_V3_TRAPS=1
# from CMake): ours from the engine ID that snmptrapd's createUser -e
# names (-e, as snmptrap's), and snmptrap -v3 into our listener
if [ "${WSNMP_V3_TRAPS:-0}" = 1 ]; then
    # shellcheck disable=SC2086
    expect 0 "v3 trap to snmptrapd" "$W" trap -v 3 $TRAPUSER -e 80001f8804776e2d74726170 "127.0.0.1:$TP" '' 1.3.6.1.6.3.1.1.5.1 1.3.6.1.2.1.1.5.0 s v3-trap
    for _ in $(seq 1 100); do grep -q 'v3-trap' "$D/snmptrapd.log" && break; sleep 0.05; done
    grep -q 'v3-trap' "$D/snmptrapd.log" && ok "snmptrapd logged the trap" || { bad "trap not logged"; cat "$D/snmptrapd.log"; }
    LPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    printf 'user v3trap auth=SHA-256 authpass=trapauthpass1 priv=AES privpass=trapprivpass1 engineid=0x80001f8804736e6d7074726170\n' > "$D/listen.db"
    rm -f "$D/listen.err"
    WSNMP_DB="$D/listen.db" "$W" listen --json -p "$LPORT" --count 1 >"$D/listen.out" 2>"$D/listen.err" &
    LPID=$!
    wait_listening
    snmptrap -v3 -e 0x80001f8804736e6d7074726170 $TRAPUSER "127.0.0.1:$LPORT" '' .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.1.5.0 s v3-in
    for _ in $(seq 1 100); do kill -0 "$LPID" 2>/dev/null || break; sleep 0.05; done
    kill "$LPID" 2>/dev/null; wait "$LPID"; lrc=$?; LPID=
    [ "$lrc" -eq 0 ] && ok "listener got the v3 trap and exited" || { bad "listener exit $lrc"; cat "$D/listen.err"; }
    has listen.out '"value":"v3-in"' "v3 trap printed"
    has listen.out '"source":"snmpv3:v3trap;level=authPriv@127\.0\.0\.1' "source names user and level"
    has listen.out '"context":""' "a v3 notification has a context, not a community"
    hasnt listen.out 'trapauthpass1' "no pass phrase in the listener's output"
    # an inform into our listener: snmpinform discovers our engine, the user line needs no engineid=
    printf 'user v3trap auth=SHA-256 authpass=trapauthpass1 priv=AES privpass=trapprivpass1\n' > "$D/listen2.db"
    # listen.err goes first: the previous listener's 'listening' line must
    # not pass for this one's (snmpinform would then talk to no one)
    rm -f "$D/listen.err"
    WSNMP_DB="$D/listen2.db" "$W" listen -p "$LPORT" --count 1 >"$D/listen.out" 2>"$D/listen.err" &
    LPID=$!
    wait_listening
    # shellcheck disable=SC2086
    snmpinform -v3 -r 2 -t 2 $TRAPUSER "127.0.0.1:$LPORT" '' .1.3.6.1.6.3.1.1.5.4 .1.3.6.1.2.1.1.5.0 s v3-inform-in \
        && ok "snmpinform -v3 got our acknowledgement" || bad "our listener did not acknowledge the v3 inform"
    for _ in $(seq 1 100); do kill -0 "$LPID" 2>/dev/null || break; sleep 0.05; done
    kill "$LPID" 2>/dev/null; wait "$LPID"; LPID=
    has listen.out 'INFORM from snmpv3:v3trap;level=authPriv@127\.0\.0\.1:[0-9]* context $' "text header of a v3 inform"
    has listen.out 'STRING: "v3-inform-in"' "v3 inform varbind printed"
else
    echo "skip: v3 traps (this libwsnmp has no engine of its own yet)"
fi

echo "$fails failed"
[ "$fails" -eq 0 ]
