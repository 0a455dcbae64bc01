#!/bin/bash
# snmpd-stop.sh DIR: stop the snmpd started by snmpd-start.sh DIR (by PID; fails if it survives).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/peer-common.sh"
DIR=${1:?usage: snmpd-stop.sh DIR}
wn_stop_pidfile "$DIR/snmpd.pid"
