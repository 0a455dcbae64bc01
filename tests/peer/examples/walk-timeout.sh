#!/bin/bash
# walk-timeout.sh WALK: against a port where nothing answers, the example walker reports the timeout once and fails, with no other complaint.
set -uo pipefail
WALK=${1:?usage: walk-timeout.sh path/to/walk}
DIR=$(mktemp -d /tmp/wn-walkto.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT
# A bound loopback UDP socket that never reads: no answer and no ICMP error.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(30)
' "$DIR/port" &
PID=$!
for _ in $(seq 50); do [ -s "$DIR/port" ] && break; sleep 0.1; done
PORT=$(cat "$DIR/port")
if "$WALK" -t 10 -r 1 "127.0.0.1:$PORT" 1.3.6.1 > "$DIR/out" 2> "$DIR/err"; then
    echo "walk succeeded against a silent port"; exit 1
fi
if [ "$(cat "$DIR/err")" != "walk: Timeout: No Response from 127.0.0.1:$PORT" ] || [ -s "$DIR/out" ]; then
    echo "unexpected output:"; cat "$DIR/out" "$DIR/err"; exit 1
fi
echo "timeout reported once"
