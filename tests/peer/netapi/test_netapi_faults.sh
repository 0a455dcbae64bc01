#!/bin/bash
# test_netapi_faults.sh PROBE LIBDIR -- a fake SMB server (tests/peer/netapi/fault-smb.py) that answers garbage, never answers, sends an enormous length or resets: before NEGOTIATE all one code (not an SMB server); mid-call (a proxy in front of a private smbd, faulting the NetrSessionEnum request) each its own documented code; all within NETAPI_TIMEOUT_MS.
set -uo pipefail
PROBE=$1; LIB=$2
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/netapi-faults.XXXXXX)
FPIDS=()
cleanup() {
    for p in "${FPIDS[@]}"; do kill "$p" 2>/dev/null; done
    "$LIB/smbd-stop.sh" "$D" >/dev/null 2>&1
    rm -rf "$D"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$LIB/smbd-start.sh" "$D" > "$D/start.out" 2>"$D/start.err"; rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { cat "$D/start.err" >&2; fail "smbd did not start"; }
UP=$(sed -n 's/^PORT=//p' "$D/start.out")
export NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456 NETAPI_TIMEOUT_MS=2000
unset NETAPI_DOMAIN NETAPI_AUTHFILE
status() { sed -n 's/^call status=\([0-9]*\).*/\1/p' | tail -1; }

# start_fault MODE: sets FPORT
start_fault() {
    local out=$D/fault.$1.out
    /usr/bin/python3 "$HERE/fault-smb.py" "$1" "$UP" > "$out" 2>&1 &
    FPIDS+=($!)
    for _ in $(seq 1 100); do grep -q '^PORT=' "$out" 2>/dev/null && break; sleep 0.05; done
    FPORT=$(sed -n 's/^PORT=//p' "$out")
    [ -n "$FPORT" ] || fail "fault server $1 did not start: $(cat "$out")"
}
# expect MODE CODE: the probe's NetSessionEnum against MODE ends with CODE, well within the
# time NETAPI_TIMEOUT_MS allows (each network operation 2 s; generous bound, no fine timing)
expect() {
    start_fault "$1"
    local t0 t1 st
    t0=$(date +%s)
    st=$(NETAPI_SMB_PORT=$FPORT timeout 60 "$PROBE" enum 1 2>/dev/null | status)
    t1=$(date +%s)
    [ "$st" = "$2" ] || fail "$1: status ${st:-none}, want $2"
    [ $((t1 - t0)) -le 20 ] || fail "$1: took $((t1 - t0)) s with NETAPI_TIMEOUT_MS=2000"
    echo "$1 -> $st ($((t1 - t0)) s)"
}

# the proxy itself is transparent
start_fault mid-none
[ "$(NETAPI_SMB_PORT=$FPORT timeout 60 "$PROBE" enum 1 | status)" = 0 ] || fail "the proxy is not transparent"

# Issue 15 item 7: a host that is not an SMB server gives one code however it fails
# (the previous code gave 1728, 64, 1783 or 53 depending on what it sent)
for m in garbage silent huge reset close; do expect "$m" 53; done
# Issue 18: an SMB server that fails in the middle of a call: one documented code each
expect mid-garbage 59   # ERROR_UNEXP_NET_ERR: not an SMB2 message
expect mid-silent 121   # ERROR_SEM_TIMEOUT: no answer within NETAPI_TIMEOUT_MS
expect mid-huge 13      # ERROR_INVALID_DATA: a frame over the 8 MiB limit
expect mid-reset 64     # ERROR_NETNAME_DELETED: connection reset
echo "test_netapi_faults: ok"
