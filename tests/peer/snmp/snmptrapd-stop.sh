#!/bin/bash
# snmptrapd-stop.sh DIR: stop the snmptrapd started by snmptrapd-start.sh DIR (by PID; fails if it survives).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/peer-common.sh"
DIR=${1:?usage: snmptrapd-stop.sh DIR}
wn_stop_pidfile "$DIR/snmptrapd.pid"
