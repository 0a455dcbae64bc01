#!/bin/bash
# run.sh: the main job: sets up, builds, starts a private snmpd and smbd on loopback, and runs wsnmp and netsess against them.
#
# 1. scripts/setup.sh installs the Debian packages (root; the system daemons are not started).
# 2. Builds the libraries and the two tools in build-run/.
# 3. Starts a private snmpd (UDP, 127.0.0.1 and ::1) and a private smbd (TCP, 127.0.0.1) on free
#    ports, everything in one temporary directory, with the project's own test scripts.
# 4. Opens a workstation session to the smbd (smbclient as labuser, kept open).
# 5. wsnmp walks the system group with SNMPv2c, then with SNMPv3 (authPriv SHA-256/AES, the pass
#    phrases first as options, then from a private WinSNMP database), wsnmp sends a trap that
#    `wsnmp listen` receives, and netsess lists the sessions: labuser's and our own.
# 6. Stops everything it started, by PID, also on failure or Ctrl-C.
# To point the tools at real devices instead, see README.md ("Your own devices").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${WN_RUN_BUILD_DIR:-build-run}
SNMP_SCRIPTS=$ROOT/tests/peer/snmp
SMB_SCRIPTS=$ROOT/tests/peer/lib

step() { printf '\n== %s\n' "$*"; }

step "setup: packages"
./scripts/setup.sh
step "build: libwsnmp, libnetsess, wsnmp, netsess ($BUILD/)"
cmake -S . -B "$BUILD" -G Ninja -DWN_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target wsnmp_tool netsess_tool >/dev/null
WSNMP=$ROOT/$BUILD/tools/wsnmp
NETSESS=$ROOT/$BUILD/tools/netsess

DEMO=$(mktemp -d /tmp/wn-run.XXXXXX)
chmod 755 "$DEMO"
LISTENER=
cleanup() {
    rc=$?
    trap - EXIT INT TERM
    [ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null && wait "$LISTENER" 2>/dev/null
    "$SNMP_SCRIPTS/snmpd-stop.sh" "$DEMO/snmp" >/dev/null 2>&1 || true
    "$SMB_SCRIPTS/smbd-stop.sh" "$DEMO/smb" >/dev/null 2>&1 || true
    rm -rf "$DEMO"
    if [ "$rc" -eq 0 ]; then
        printf '\n== done: everything started here is stopped again\n'
    else
        printf '\n== FAILED (exit %s); everything started here is stopped again\n' "$rc" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "start: private snmpd and smbd on loopback (in $DEMO)"
mkdir -p "$DEMO/snmp" "$DEMO/smb"
# An SNMPv3 user of the demo's own (lab pass phrases), appended to snmpd's config.
V3_USER=demo V3_AUTHPASS=demo-auth-pass V3_PRIVPASS=demo-priv-pass
printf 'createUser %s SHA-256 "%s" AES "%s"\nrouser %s priv\n' \
    "$V3_USER" "$V3_AUTHPASS" "$V3_PRIVPASS" "$V3_USER" > "$DEMO/snmpd-v3.conf"
SNMPD_EXTRA_CONF="$DEMO/snmpd-v3.conf" "$SNMP_SCRIPTS/snmpd-start.sh" "$DEMO/snmp" >/dev/null
SNMP_PORT=$(cat "$DEMO/snmp/snmpd.port")
echo "snmpd on udp 127.0.0.1:$SNMP_PORT and [::1]:$SNMP_PORT (communities public, private;"
echo "SNMPv3 user $V3_USER: authPriv, SHA-256/AES)"
"$SMB_SCRIPTS/smbd-start.sh" "$DEMO/smb" >"$DEMO/smbd.out" 2>"$DEMO/smbd.err" ||
    { cat "$DEMO/smbd.err" >&2; exit 1; }
SMB_PORT=$(sed -n 's/^PORT=//p' "$DEMO/smbd.out")
echo "smbd on tcp 127.0.0.1:$SMB_PORT (users labuser, labadmin)"

step "a workstation session: smbclient //127.0.0.1/share as labuser, kept open"
"$SMB_SCRIPTS/smb-open-session.sh" "$DEMO/smb" labuser LabPass-123 >/dev/null
echo "session open"

export MIBS=${MIBS-}
step "wsnmp walk -v 2c -c public 127.0.0.1:$SNMP_PORT 1.3.6.1.2.1.1   (the system group)"
"$WSNMP" walk -v 2c -c public "127.0.0.1:$SNMP_PORT" 1.3.6.1.2.1.1

# The library's engine state (WSNMP_ENGINE_FILE) stays in the demo directory too.
export WSNMP_ENGINE_FILE="$DEMO/wsnmp-engine"
step "wsnmp walk -v 3 -u $V3_USER -l authPriv -a SHA-256 -A ... -x AES -X ... 127.0.0.1:$SNMP_PORT 1.3.6.1.2.1.1.1"
"$WSNMP" walk -v 3 -u "$V3_USER" -l authPriv -a SHA-256 -A "$V3_AUTHPASS" -x AES -X "$V3_PRIVPASS" \
    "127.0.0.1:$SNMP_PORT" 1.3.6.1.2.1.1.1

step "the same user from a private database (mode 0600), no pass phrase on the command line:"
echo "WSNMP_DB=$DEMO/entities.conf wsnmp walk -v 3 -u $V3_USER 127.0.0.1:$SNMP_PORT 1.3.6.1.2.1.1.5"
install -m 600 /dev/null "$DEMO/entities.conf"
printf 'user %s auth=SHA-256 authpass=%s priv=AES privpass=%s\n' \
    "$V3_USER" "$V3_AUTHPASS" "$V3_PRIVPASS" >> "$DEMO/entities.conf"
WSNMP_DB="$DEMO/entities.conf" "$WSNMP" walk -v 3 -u "$V3_USER" "127.0.0.1:$SNMP_PORT" 1.3.6.1.2.1.1.5

. "$SNMP_SCRIPTS/peer-common.sh"
TRAP_PORT=$(wn_free_udp_port)
step "wsnmp listen -p $TRAP_PORT --count 1   and   wsnmp trap 127.0.0.1:$TRAP_PORT ..."
"$WSNMP" listen -p "$TRAP_PORT" --count 1 >"$DEMO/listener.out" 2>"$DEMO/listener.err" &
LISTENER=$!
for _ in $(seq 1 600); do grep -q listening "$DEMO/listener.err" 2>/dev/null && break; sleep 0.05; done
"$WSNMP" trap -v 2c -c public "127.0.0.1:$TRAP_PORT" '' 1.3.6.1.6.3.1.1.5.1 \
    1.3.6.1.2.1.1.5.0 s "hello from scripts/run.sh"
echo "trap sent; the listener printed:"
for _ in $(seq 1 100); do kill -0 "$LISTENER" 2>/dev/null || break; sleep 0.05; done
wait "$LISTENER"
LISTENER=
cat "$DEMO/listener.out"

step "netsess list   (NetSessionEnum as labadmin: labuser's session and our own)"
umask 077
printf 'username = labadmin\npassword = LabAdmin-456\n' > "$DEMO/labadmin.auth"
NETAPI_SMB_PORT=$SMB_PORT "$NETSESS" -A "$DEMO/labadmin.auth" list
