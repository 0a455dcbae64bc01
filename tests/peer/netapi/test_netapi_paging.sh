#!/bin/bash
# test_netapi_paging.sh PROBE LIBDIR -- 150 sessions on a private smbd: paging at prefmaxlen 1/100/1000 returns each exactly once over one connection; connection reuse, idle expiry, fork; deleting our own session.
set -uo pipefail
PROBE=$1; LIB=$2
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/netapi-paging.XXXXXX)
HOLD_PID=
cleanup() {
    exec 9>&- 2>/dev/null
    [ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null
    "$LIB/smbd-stop.sh" "$D" >/dev/null 2>&1
    rm -rf "$D"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
N=150

"$LIB/smbd-start.sh" "$D" > "$D/start.out" 2>"$D/start.err"; rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { cat "$D/start.err" >&2; fail "smbd did not start"; }
PORT=$(sed -n 's/^PORT=//p' "$D/start.out")
export NETAPI_SMB_PORT=$PORT NETAPI_USER=labadmin NETAPI_PASSWORD=LabAdmin-456 NETAPI_TIMEOUT_MS=20000
unset NETAPI_DOMAIN NETAPI_AUTHFILE NETAPI_CONN_IDLE_MS
status() { sed -n 's/^call status=\([0-9]*\).*/\1/p' | tail -1; }
# connects: the smb2 layer logs the dialect once per NEGOTIATE
connects() { grep -c 'dialect 0x' || true; }

# N impacket sessions, each from its own address 127.0.0.2 .. 127.0.0.(N+1)
mkfifo "$D/hold.fifo"
HOLD_PASSWORD=LabPass-123 /usr/bin/python3 "$HERE/hold-many.py" 127.0.0.1 "$PORT" labuser "$N" \
    < "$D/hold.fifo" > "$D/hold.out" 2>&1 &
HOLD_PID=$!
echo "$HOLD_PID" >> "$D/sessions.pids"
exec 9>"$D/hold.fifo"
for _ in $(seq 1 1200); do grep -q '^held' "$D/hold.out" && break; kill -0 "$HOLD_PID" || break; sleep 0.1; done
grep -q "^held $N" "$D/hold.out" || { cat "$D/hold.out" >&2; fail "could not hold $N sessions"; }

# Issue 15 item 5: nothing changes on the server; every page loop sees each of the N
# clients and our own session exactly once, over one connection.  (The previous code
# reconnected per page: our own session moved in the server's list, some clients were
# seen twice and others never, and pref 1 made 150+ connections.)
expect=$D/expect; { echo 127.0.0.1; for i in $(seq 2 $((N + 1))); do echo "127.0.0.$i"; done; } | sort > "$expect"
for pref in 1 100 1000; do
    out=$(WN_LOG=debug timeout 120 "$PROBE" enum 10 - - - "$pref" 2>&1)
    [ "$(echo "$out" | status)" = 0 ] || fail "pref $pref: last call: $(echo "$out" | grep '^call' | tail -3)"
    echo "$out" | grep '^call' | head -n -1 | grep -vq 'status=234' && fail "pref $pref: a non-final call not ERROR_MORE_DATA"
    echo "$out" | sed -n 's/^entry cname=\([^ ]*\) .*/\1/p' | sort > "$D/got.$pref"
    dups=$(uniq -d "$D/got.$pref" | head -5 | tr '\n' ' ')
    [ -z "$dups" ] || fail "pref $pref: seen twice: $dups"
    missing=$(sort -u "$D/got.$pref" | comm -23 "$expect" - | head -5 | tr '\n' ' ')
    [ -z "$missing" ] || fail "pref $pref: never seen: $missing"
    [ "$(wc -l < "$D/got.$pref")" = $((N + 1)) ] || fail "pref $pref: $(wc -l < "$D/got.$pref") entries, want $((N + 1))"
    calls=$(echo "$out" | grep -c '^call')
    c=$(echo "$out" | connects)
    [ "$c" = 1 ] || fail "pref $pref: $calls calls made $c connections, want 1"
    echo "pref $pref: $calls calls, $(wc -l < "$D/got.$pref") distinct entries, $c connection"
done

# Issue 15 item 6: calls within the idle time reuse the connection; after it, a new one
out=$(WN_LOG=debug PROBE_REPEAT=5 timeout 60 "$PROBE" enum 0 2>&1)
[ "$(echo "$out" | connects)" = 1 ] || fail "5 listings made $(echo "$out" | connects) connections, want 1"
out=$(WN_LOG=debug NETAPI_CONN_IDLE_MS=200 PROBE_REPEAT=2 PROBE_SLEEP_MS=1500 timeout 60 "$PROBE" enum 0 2>&1)
[ "$(echo "$out" | connects)" = 2 ] || fail "a listing after the idle time reused the connection"
out=$(WN_LOG=debug NETAPI_CONN_IDLE_MS=0 PROBE_REPEAT=3 timeout 60 "$PROBE" enum 0 2>&1)
[ "$(echo "$out" | connects)" = 3 ] || fail "NETAPI_CONN_IDLE_MS=0 kept a connection"
# ... and the reaper closes an idle connection without another call: our session leaves
# the server while the program still runs
own() { smbstatus -s "$D/smb.conf" -b 2>/dev/null | grep -c ' labadmin '; }
base=$(own)
NETAPI_CONN_IDLE_MS=500 PROBE_REPEAT=2 PROBE_SLEEP_MS=6000 timeout 60 "$PROBE" enum 0 > "$D/idle.out" 2>&1 &
IPID=$!
for _ in $(seq 1 100); do [ "$(own)" -gt "$base" ] && break; sleep 0.05; done
[ "$(own)" -gt "$base" ] || fail "the probe's session never showed"
gone=
for _ in $(seq 1 80); do [ "$(own)" -le "$base" ] && { gone=1; break; }; sleep 0.05; done
wait "$IPID"
[ -n "$gone" ] || fail "the idle connection was not closed after NETAPI_CONN_IDLE_MS"
# after fork the child connects on its own; the parent's connection stays good
out=$(WN_LOG=debug PROBE_FORK=1 PROBE_REPEAT=2 timeout 60 "$PROBE" enum 0 2>&1)
echo "$out" | grep -q '^child call status=0 ' || fail "fork child: $(echo "$out" | grep child)"
echo "$out" | grep -q '^child exit=0' || fail "fork child failed"
[ "$(echo "$out" | status)" = 0 ] || fail "parent after fork"
[ "$(echo "$out" | connects)" = 2 ] || fail "fork: $(echo "$out" | connects) connections, want 2 (parent reuses, child its own)"

# Issue 15 item 7: deleting our own session makes Samba drop our connection; the deletion
# happened, so the answer is success (the previous code reported ERROR_NETNAME_DELETED)
out=$(timeout 60 "$PROBE" del - '\\127.0.0.1' labadmin 2>&1)
[ "$(echo "$out" | status)" = 0 ] || fail "deleting our own session: $out"
echo "test_netapi_paging: ok"
