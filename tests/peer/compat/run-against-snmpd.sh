#!/bin/bash
# run-against-snmpd.sh SNMPUTIL WRAPPER: runs the snmputil-style and wrapper-style programs against a private snmpd (and a silent port for the timeout case).
set -euo pipefail
SNMPUTIL=$1
WRAPPER=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
PEERS="$HERE/../snmp"
DIR=$(mktemp -d /tmp/wn-compat.XXXXXX)
SILENT_PID=
cleanup() {
    "$PEERS/snmpd-stop.sh" "$DIR" || true
    [ -z "$SILENT_PID" ] || kill "$SILENT_PID" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
export SNMPCONFPATH="$DIR" SNMP_PERSISTENT_DIR="$DIR/client-persist" MIBS=
"$PEERS/snmpd-start.sh" "$DIR" >/dev/null
PORT=$(cat "$DIR/snmpd.port")
# A program that never leaves its message loop must fail the test, not hang it.
run() { timeout -k 5 60 "$@"; }

# 1. a GET answered by snmpd, through the message loop
out=$(run "$SNMPUTIL" get "127.0.0.1:$PORT" public 1.3.6.1.2.1.1.5.0)
echo "$out"
[ "$out" = "1.3.6.1.2.1.1.5.0 = STRING: wire-snmpd" ] || { echo "FAIL: get"; exit 1; }
# 2. a GETNEXT
out=$(run "$SNMPUTIL" getnext "127.0.0.1:$PORT" public 1.3.6.1.2.1.1.4)
echo "$out"
case $out in "1.3.6.1.2.1.1.4.0 = STRING: "*) ;; *) echo "FAIL: getnext"; exit 1;; esac
# 3. the timeout case: a port that never answers
exec 3< <(exec /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(120)')
SILENT_PID=$!
read -r SILENT <&3
set +e
out=$(run "$SNMPUTIL" get "127.0.0.1:$SILENT" public 1.3.6.1.2.1.1.5.0 20)
rc=$?
set -e
echo "$out"
[ "$rc" -eq 2 ] && [[ "$out" == *"(timeout)"* ]] || { echo "FAIL: timeout case (rc $rc)"; exit 1; }

# 4. the wrapper-style program: GETs matched by handle
if [ -n "$WRAPPER" ]; then
    run "$WRAPPER" "127.0.0.1:$PORT" public || { echo "FAIL: wrapper"; exit 1; }
fi
echo "compat programs: ok"
