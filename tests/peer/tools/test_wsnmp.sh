#!/bin/bash
# test_wsnmp.sh WSNMP: the wsnmp tool against a private snmpd and snmptrapd on loopback: output (text and JSON), names, exit codes.
set -uo pipefail
W=${1:?usage: test_wsnmp.sh path/to/wsnmp}
HERE=$(cd "$(dirname "$0")" && pwd)
SNMP="$HERE/../snmp"
D=$(mktemp -d /tmp/wn-wsnmp.XXXXXX)
LPID=
BPID=
cleanup() {
    [ -n "$LPID" ] && kill "$LPID" 2>/dev/null
    [ -n "$BPID" ] && kill "$BPID" 2>/dev/null
    "$SNMP/snmptrapd-stop.sh" "$D" >/dev/null 2>&1
    "$SNMP/snmpd-stop.sh" "$D" >/dev/null 2>&1
    rm -rf "$D"
}
trap cleanup EXIT
# one more community, whose view is sysName only (the database default context checks)
printf 'rocommunity narrowview 127.0.0.1 .1.3.6.1.2.1.1.5\n' > "$D/extra.conf"
SNMPD_EXTRA_CONF="$D/extra.conf" "$SNMP/snmpd-start.sh" "$D" >/dev/null || { echo "snmpd did not start"; exit 1; }
"$SNMP/snmptrapd-start.sh" "$D" >/dev/null || { echo "snmptrapd did not start"; exit 1; }
P=$(cat "$D/snmpd.port"); TP=$(cat "$D/snmptrapd.port")
export MIBS=
unset MIBDIRS
# shellcheck source=tool-checks.sh
. "$HERE/tool-checks.sh"

expect 0 "--help" "$W" --help
has out "getbulk" "--help lists the subcommands"
expect 2 "unknown command" "$W" frobnicate
expect 2 "no agent" "$W" get
expect 2 "bad -v" "$W" get -v 4 127.0.0.1:$P 1.3.6.1.2.1.1.5.0
# SNMPv3 arguments are checked before anything is sent (the v3 exchanges: test_wsnmp_v3.sh)
expect 2 "-l with an unknown level" "$W" get -v 3 -u bob -l authpriv2 127.0.0.1:$P 1.3.6.1.2.1.1.5.0
has err "-l takes noAuthNoPriv, authNoPriv or authPriv" "-l message"
expect 2 "-A too short" "$W" get -v 3 -u bob -a SHA -A sekrit1 127.0.0.1:$P 1.3.6.1.2.1.1.5.0
has err "must have 8 to 1024 characters" "pass phrase length named"
hasnt err sekrit1 "the pass phrase is not printed"
expect 2 "-v 3 without -u needs a database name" "$W" get -v 3 127.0.0.1:$P 1.3.6.1.2.1.1.5.0
has err "needs -u USER" "-u asked for"
expect 2 "bad set type" "$W" set -c private 127.0.0.1:$P 1.3.6.1.2.1.1.4.0 q x
expect 2 "unknown name without MIBs" "$W" get 127.0.0.1:$P SNMPv2-MIB::sysName.0

# get: net-snmp's text, the same as snmpget -On prints
expect 0 "get" "$W" get 127.0.0.1:$P 1.3.6.1.2.1.1.5.0 .1.3.6.1.2.1.1.7.0
has out '^\.1\.3\.6\.1\.2\.1\.1\.5\.0 = STRING: "wire-snmpd"$' "get sysName text"
has out '^\.1\.3\.6\.1\.2\.1\.1\.7\.0 = INTEGER: 72$' "get sysServices text"
snmpget -v2c -c public -On "127.0.0.1:$P" .1.3.6.1.2.1.1.5.0 > "$D/theirs" 2>&1
if grep -qxF "$(cat "$D/theirs")" "$D/out"; then ok "same line as snmpget"; else bad "differs from snmpget: $(cat "$D/theirs")"; fi
expect 0 "get over IPv6 with udp6:" "$W" get "udp6:[::1]:$P" 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "IPv6 answer"
expect 0 "get --json" "$W" get --json 127.0.0.1:$P 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.7.0 1.3.6.1.2.1.1.3.0
/usr/bin/python3 - "$D/out" <<'PY' && ok "JSON types and values" || bad "JSON types and values"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows[0] == {"oid": ".1.3.6.1.2.1.1.5.0", "type": "OctetString", "value": "wire-snmpd"}, rows[0]
assert rows[1] == {"oid": ".1.3.6.1.2.1.1.7.0", "type": "Integer32", "value": 72}, rows[1]
assert rows[2]["type"] == "TimeTicks" and isinstance(rows[2]["value"], int), rows[2]
PY
expect 0 "get of a missing object" "$W" get 127.0.0.1:$P 1.3.6.1.2.1.1.99.0
has out 'No Such Object' "noSuchObject text"

# a name from the WinSNMP entity database instead of an address (no DNS: found in the file)
printf 'entity labagent address=127.0.0.1 port=%s version=2c timeout=100 retry=1\ncontext ro community=public\n' "$P" > "$D/entities.conf"
expect 0 "agent by database name" env WSNMP_DB="$D/entities.conf" "$W" get labagent 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "database entity answered"
expect 0 "database context name as -c" env WSNMP_DB="$D/entities.conf" "$W" get -c ro labagent 1.3.6.1.2.1.1.5.0
has out 'wire-snmpd' "database context resolved to its community"
# without -c, the entity line's community= names the context used (its
# community), not "public"; -c still wins (each failed before: the tool
# sent "public", which sees every object and may not write)
printf '%s\n' "entity narrow address=127.0.0.1 port=$P version=2c community=sysname timeout=100 retry=1" \
    "entity writer address=127.0.0.1 port=$P version=2c community=rw timeout=100 retry=1" \
    "context sysname community=narrowview" "context rw community=private" > "$D/dbctx.conf"
expect 0 "walk of a database entity without -c" env WSNMP_DB="$D/dbctx.conf" "$W" walk narrow 1.3.6.1.2.1.1
if [ "$(grep -c . "$D/out")" -eq 1 ] && grep -q '^\.1\.3\.6\.1\.2\.1\.1\.5\.0 = STRING: "wire-snmpd"$' "$D/out"; then
    ok "walk used the database's community (its view: sysName only)"
else
    bad "walk without -c did not use the database's community"; head -3 "$D/out"
fi
expect 0 "walk of a database entity with -c public" env WSNMP_DB="$D/dbctx.conf" "$W" walk -c public narrow 1.3.6.1.2.1.1
[ "$(grep -c . "$D/out")" -gt 1 ] && ok "explicit -c wins over the database's community" || bad "-c public ignored"
expect 0 "set through a database entity whose context is read-write" env WSNMP_DB="$D/dbctx.conf" "$W" set writer 1.3.6.1.2.1.1.6.0 s dbctx-room
snmpget -v2c -c public -Ov "127.0.0.1:$P" .1.3.6.1.2.1.1.6.0 | grep -q 'dbctx-room' && ok "snmpget sees the set made with the database's community" || bad "database-community set not visible"

# getnext / getbulk
expect 0 "getnext" "$W" getnext 127.0.0.1:$P 1.3.6.1.2.1.1.4
has out '^\.1\.3\.6\.1\.2\.1\.1\.4\.0 = ' "getnext gives sysContact.0"
expect 0 "getbulk" "$W" getbulk -Cn1 -Cr3 127.0.0.1:$P 1.3.6.1.2.1.1.5 1.3.6.1.2.1.1.9.1.2
[ "$(wc -l < "$D/out")" -eq 4 ] && ok "getbulk: 1 non-repeater + 3 repetitions" || { bad "getbulk line count"; cat "$D/out"; }

# walk: the same OIDs as snmpbulkwalk; GetNext variant; JSON
expect 0 "walk system group" "$W" walk 127.0.0.1:$P 1.3.6.1.2.1.1
snmpbulkwalk -v2c -c public -On "127.0.0.1:$P" .1.3.6.1.2.1.1 | grep -o '^[.0-9]* =' > "$D/theirs.oids"
grep -o '^[.0-9]* =' "$D/out" > "$D/ours.oids"
diff -q "$D/ours.oids" "$D/theirs.oids" >/dev/null && ok "walk OIDs = snmpbulkwalk's ($(wc -l < "$D/ours.oids"))" || { bad "walk differs"; diff "$D/ours.oids" "$D/theirs.oids" | head; }
expect 0 "walk --getnext -v 1" "$W" walk --getnext -v 1 127.0.0.1:$P 1.3.6.1.2.1.1
grep -o '^[.0-9]* =' "$D/out" | diff -q - "$D/theirs.oids" >/dev/null && ok "v1 GetNext walk: same OIDs" || bad "v1 GetNext walk differs"
expect 0 "walk -Cr1 (one row per request)" "$W" walk -Cr1 127.0.0.1:$P 1.3.6.1.2.1.1
grep -o '^[.0-9]* =' "$D/out" | diff -q - "$D/theirs.oids" >/dev/null && ok "walk -Cr1: same OIDs" || bad "walk -Cr1 differs"
expect 0 "walk --json" "$W" walk --json 127.0.0.1:$P 1.3.6.1.2.1.1
/usr/bin/python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) >= 7 and all(r["oid"].startswith(".1.3.6.1.2.1.1.") for r in rows)
' "$D/out" && ok "walk JSON lines parse" || bad "walk JSON lines"
expect 0 "walk of the ifTable (several GetBulk rounds)" "$W" walk -Cr5 127.0.0.1:$P 1.3.6.1.2.1.2.2.1.1
[ "$(wc -l < "$D/out")" -ge 1 ] && ok "ifIndex rows" || bad "no ifIndex rows"

# walk checks against a misbehaving agent (bad_agent.py, ours): an OID going backwards, tooBig
bad_agent() {  # bad_agent MODE: starts it, sets BP (port) and BPID
    [ -n "$BPID" ] && kill "$BPID" 2>/dev/null
    # a file of its own per agent: the shell truncates the redirect target only
    # once the child runs, so a reused file could still show the last port
    BPORTF=$(mktemp "$D/bad.port.XXXXXX")
    /usr/bin/python3 "$HERE/bad_agent.py" "$1" > "$BPORTF" &
    BPID=$!
    for _ in $(seq 1 600); do [ -s "$BPORTF" ] && break; sleep 0.05; done
    BP=$(cat "$BPORTF")
    [ -n "$BP" ] || { bad "bad_agent $1 did not start"; BP=0; }
}
bad_agent decrease
expect 5 "walk stops at an OID going backwards" "$W" walk -t 0.5 -r 1 127.0.0.1:$BP 1.3.6.1.4.1.99999
has err 'OID not increasing: \.1\.3\.6\.1\.4\.1\.99999\.1\.0' "the offending OID named"
[ "$(wc -l < "$D/out")" -eq 1 ] && ok "what came before is printed" || bad "output before the loop"
expect 0 "-Cc walks on" "$W" walk -Cc -t 0.5 -r 1 127.0.0.1:$BP 1.3.6.1.4.1.99999
[ "$(wc -l < "$D/out")" -eq 2 ] && ok "-Cc printed both" || bad "-Cc output"
bad_agent toobig
expect 4 "getbulk -Cr10 gets tooBig" "$W" getbulk -Cr10 -t 0.5 -r 1 127.0.0.1:$BP 1.3.6.1.4.1.99999
has err 'tooBig' "tooBig named"
expect 0 "walk -Cr10 adapts to tooBig" "$W" walk -Cr10 -t 0.5 -r 1 127.0.0.1:$BP 1.3.6.1.4.1.99999
[ "$(grep -c '^\.1\.3\.6\.1\.4\.1\.99999\.3\.[1-6]\.0 = INTEGER: [1-6]$' "$D/out")" -eq 6 ] && ok "all six rows after halving max-repetitions" || { bad "adaptive walk rows"; cat "$D/out"; }
bad_agent slow
/usr/bin/python3 - "$W" "$BP" <<'PY' && ok "progress line on a terminal for a slow walk" || bad "progress line"
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "walk", "--getnext", "-t", "2", "127.0.0.1:" + sys.argv[2],
                           "1.3.6.1.4.1.99999"])
out, end = b"", time.time() + 30
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.5)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
os.waitpid(pid, 0)
assert b"walking 127.0.0.1:" in out, out
assert out.count(b"INTEGER:") == 6, out
PY
expect 0 "no progress line when stderr is not a terminal" "$W" walk --getnext -t 2 127.0.0.1:$BP 1.3.6.1.4.1.99999
[ ! -s "$D/err" ] && ok "stderr empty" || { bad "stderr not empty"; cat "$D/err"; }
kill "$BPID"; BPID=

# MIB names through libsmi (our own small module; numeric without it was checked above)
if "$W" --help | grep -q . && "$W" get -M "$HERE/mibs" -m WN-TOOLS-TEST-MIB 127.0.0.1:$P sysName.0 >"$D/out" 2>"$D/err"; then
    has out '^WN-TOOLS-TEST-MIB::sysName\.0 = STRING: "wire-snmpd"$' "name in and out"
    expect 0 "walk by name, JSON with names" "$W" walk --json -M "$HERE/mibs" -m WN-TOOLS-TEST-MIB 127.0.0.1:$P WN-TOOLS-TEST-MIB::system
    has out '"name":"WN-TOOLS-TEST-MIB::sysDescr.0"' "JSON carries the name"
    expect 0 "-On prints numbers with MIBs loaded" "$W" get -On -M "$HERE/mibs" -m WN-TOOLS-TEST-MIB 127.0.0.1:$P sysName.0
    has out '^\.1\.3\.6\.1\.2\.1\.1\.5\.0 = ' "-On"
else
    echo "skip: wsnmp built without libsmi"
fi

# set: typed values, error status from the agent
expect 0 "set two values" "$W" set -c private 127.0.0.1:$P 1.3.6.1.2.1.1.4.0 s "ops@example.org" 1.3.6.1.2.1.1.6.0 x "6c 61 62"
has out 'STRING: "lab"' "hex value stored"
snmpget -v2c -c public -Ov "127.0.0.1:$P" .1.3.6.1.2.1.1.4.0 | grep -q 'ops@example.org' && ok "snmpget sees the set" || bad "set not visible"
expect 4 "set with a read-only community: agent error" "$W" set 127.0.0.1:$P 1.3.6.1.2.1.1.4.0 s x
has err 'noAccess' "error status named"
expect 4 "set with the wrong type" "$W" set -c private 127.0.0.1:$P 1.3.6.1.2.1.1.4.0 i 5
has err 'wrongType' "wrongType named"

# timeouts: a silent port
SILENT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect 3 "timeout" "$W" get -t 0.2 -r 1 127.0.0.1:$SILENT 1.3.6.1.2.1.1.5.0
has err "Timeout: No Response from 127.0.0.1:$SILENT" "timeout message"

# pass phrases leave argv at once: not in /proc/PID/cmdline (what ps shows) while the tool waits
"$W" get -t 10 -r 0 -A argvsecret1 -X argvsecret2 127.0.0.1:$SILENT 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 &
GPID=$!
# the wipe comes before SnmpStartup: once the tool has a socket, it is done
for _ in $(seq 1 200); do ls -l "/proc/$GPID/fd" 2>/dev/null | grep -q 'socket:' && break; sleep 0.05; done
if [ -r "/proc/$GPID/cmdline" ] && tr '\0' ' ' < "/proc/$GPID/cmdline" | grep -q "1.3.6.1.2.1.1.5.0"; then
    tr '\0' ' ' < "/proc/$GPID/cmdline" | grep -q 'argvsecret' && bad "pass phrase visible in cmdline" || ok "pass phrases wiped from cmdline"
else
    bad "the tool was not running to be looked at"
fi
kill "$GPID" 2>/dev/null; wait "$GPID" 2>/dev/null

# many agents at once: one block per agent, a failure summary, the first failure's code
printf '# agents\n127.0.0.1:%s\n[::1]:%s\n127.0.0.1:%s\n' "$P" "$P" "$SILENT" > "$D/agents"
expect 3 "three agents, one silent" "$W" get -t 0.3 -r 0 --targets "$D/agents" 1.3.6.1.2.1.1.5.0
[ "$(grep -c 'wire-snmpd' "$D/out")" -eq 2 ] && ok "two answers" || { bad "two answers"; cat "$D/out"; }
has out "^== \[::1\]:$P ==" "per-agent block header"
has err "1 of 3 agents failed" "failure summary"
expect 3 "three agents as JSON" "$W" walk --json -t 0.3 -r 0 "127.0.0.1:$P,[::1]:$P,127.0.0.1:$SILENT" 1.3.6.1.2.1.1
/usr/bin/python3 -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert [o["ok"] for o in objs] == [True, True, False], objs
assert objs[2]["exit"] == 3 and "Timeout" in objs[2]["error"]
assert len(objs[0]["varbinds"]) >= 7
' "$D/out" && ok "one JSON object per agent" || { bad "JSON per agent"; cat "$D/out"; }

# traps: ours reach snmptrapd; snmptrapd's peer (snmptrap) and ours reach our listener
expect 0 "trap to snmptrapd" "$W" trap 127.0.0.1:$TP '' 1.3.6.1.6.3.1.1.5.1 1.3.6.1.2.1.1.5.0 s wsnmp-trap
for _ in $(seq 1 100); do grep -q 'wsnmp-trap' "$D/snmptrapd.log" && break; sleep 0.05; done
grep -q '\.1\.3\.6\.1\.6\.3\.1\.1\.5\.1.*wsnmp-trap' "$D/snmptrapd.log" && ok "snmptrapd logged our trap" || { bad "snmptrapd did not log it"; cat "$D/snmptrapd.log"; }
expect 0 "inform to snmptrapd" "$W" inform 127.0.0.1:$TP 4242 1.3.6.1.6.3.1.1.5.2
has out 'Inform acknowledged' "inform acknowledged"
expect 3 "inform to a silent port times out" "$W" inform -t 0.2 -r 0 127.0.0.1:$SILENT '' 1.3.6.1.6.3.1.1.5.2

LPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -f "$D/listen.err"   # no earlier listener's "listening" line may count
"$W" listen --json -p "$LPORT" --count 3 >"$D/listen.out" 2>"$D/listen.err" &
LPID=$!
wait_listening
snmptrap -v 2c -c public "127.0.0.1:$LPORT" '' .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1.1 i 1
snmptrap -v 2c -c public -Ci -r 2 -t 2 "[::1]:$LPORT" '' .1.3.6.1.6.3.1.1.5.4 .1.3.6.1.2.1.1.5.0 s informed \
    && ok "snmptrap -Ci got our acknowledgement" || bad "our listener did not acknowledge the inform"
"$W" trap "127.0.0.1:$LPORT" 777 1.3.6.1.6.3.1.1.5.1 1.3.6.1.2.1.1.1.0 x "00 ff"
for _ in $(seq 1 100); do kill -0 "$LPID" 2>/dev/null || break; sleep 0.05; done
wait "$LPID"; lrc=$?; LPID=
[ "$lrc" -eq 0 ] && ok "listener exits 0 after --count 3" || bad "listener exit $lrc"
/usr/bin/python3 - "$D/listen.out" <<'PY' && ok "listener JSON lines" || { bad "listener JSON lines"; cat "$D/listen.out"; }
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert len(objs) == 3, objs
assert objs[0]["type"] == "trap" and objs[0]["community"] == "public"
assert objs[0]["varbinds"][1] == {"oid": ".1.3.6.1.6.3.1.1.4.1.0", "type": "ObjectIdentifier", "value": ".1.3.6.1.6.3.1.1.5.3"}
assert objs[1]["type"] == "inform" and objs[1]["source"].startswith("[::1]")
assert objs[1]["varbinds"][2]["value"] == "informed"
assert objs[2]["varbinds"][0] == {"oid": ".1.3.6.1.2.1.1.3.0", "type": "TimeTicks", "value": 777}
assert objs[2]["varbinds"][2] == {"oid": ".1.3.6.1.2.1.1.1.0", "type": "OctetString", "value": None, "hex": "00ff"}
PY
# text mode, the port from WSNMP_TRAP_PORT, and Ctrl-C
rm -f "$D/listen.err"
WSNMP_TRAP_PORT=$LPORT "$W" listen >"$D/listen.out" 2>"$D/listen.err" &
LPID=$!
wait_listening
"$W" trap "127.0.0.1:$LPORT" '' 1.3.6.1.6.3.1.1.5.1
for _ in $(seq 1 100); do grep -q 'TRAP from' "$D/listen.out" && break; sleep 0.05; done
kill -INT "$LPID"; wait "$LPID"; lrc=$?; LPID=
[ "$lrc" -eq 0 ] && ok "listener stops cleanly on SIGINT" || bad "listener exit $lrc on SIGINT"
has listen.out 'TRAP from 127.0.0.1:[0-9]* community public' "text trap header"
has listen.out '^    \.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID: \.1\.3\.6\.1\.6\.3\.1\.1\.5\.1$' "text varbind"
# a WSNMP_TRAP_PORT that is not a port: refused with one line, no fall-back to 162
expect 1 "WSNMP_TRAP_PORT=abc refused" env WSNMP_TRAP_PORT=abc "$W" listen
has err '^libwsnmp: WSNMP_TRAP_PORT=abc refused: it takes a UDP port number 1\.\.65535' "library names the variable"
has err 'SNMPAPI_TL_INVALID_PARAM' "listener says why it cannot listen"
# a port in use: the listener says which and why
"$W" listen -p "$TP" >"$D/out" 2>"$D/err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "port $TP.*SNMPAPI_TL_IN_USE" "$D/err" && ok "port in use named" || { bad "port in use: exit $rc"; cat "$D/err"; }

echo "$fails failed"
[ "$fails" -eq 0 ]
