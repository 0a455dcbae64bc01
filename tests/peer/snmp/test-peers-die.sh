#!/bin/bash
# test-peers-die.sh WIRE_TEST PEER_GUARD LIBDIR: the peers a test starts die with it, however it is killed: a wire test killed alone, its whole process tree killed as CTest does on a timeout, a real CTest timeout; a shell peer test under peer_guard at a CTest timeout.
# Each case records its peers' PIDs while they run and asserts afterwards that none of them is
# alive.  Before the fix, a tree kill or a CTest timeout left snmpd running (reparented to
# init, out of the tree, while its watchdog died in the tree) and smbd of a killed shell test.
set -u
WIRE=$1; GUARD=$2; LIB=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/peer-common.sh"
command -v ctest >/dev/null || { echo "SKIP: ctest not found"; exit 77; }
D=$(mktemp -d /tmp/wn-peers-die.XXXXXX); chmod 755 "$D"
RECORDED=()     # every peer PID seen, stopped by the trap if a case failed
BG=
cleanup() {
    [ -n "$BG" ] && kill -9 "$BG" 2>/dev/null
    for p in "${RECORDED[@]}"; do wn_pid_alive "$p" && kill -9 "$p" 2>/dev/null; done
    rm -rf "$D"
}
trap cleanup EXIT INT TERM
FAIL=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; FAIL=1; }

# wait_file FILE: until it exists and is not empty (60 s at most)
wait_file() {
    for _ in $(seq 1 1200); do [ -s "$1" ] && return 0; sleep 0.05; done
    return 1
}
# peer_pids DIR: the PIDs in the pidfiles the start scripts wrote into DIR
peer_pids() { cat "$1"/*.pid 2>/dev/null | grep -E '^[0-9]+$'; }
# gone PIDS...: all dead within 15 s (the watchdog stops them by PID with a 5 s grace)
gone() {
    local p left
    for _ in $(seq 1 300); do
        left=
        for p in "$@"; do wn_pid_alive "$p" && left="$left $p"; done
        [ -z "$left" ] && return 0
        sleep 0.05
    done
    echo "     still alive:$left"
    return 1
}
# tree PID: PID and all its descendants (by parent PID, from ps), parents first
tree() {
    local all; all=$(ps -eo pid=,ppid=)
    local todo=("$1") p
    while [ ${#todo[@]} -gt 0 ]; do
        p=${todo[0]}; todo=("${todo[@]:1}")
        echo "$p"
        todo+=($(printf '%s\n' "$all" | awk -v pp="$p" '$2 == pp { print $1 }'))
    done
}
# start_wire NAME: the wire test in the background, hanging once its snmpd answers; sets
# BG (its PID) and PIDS (its peers' PIDs, recorded)
start_wire() {
    local hang=$D/$1.hang
    WIRE_TEST_HANG=$hang "$WIRE" > "$D/$1.out" 2>&1 &
    BG=$!
    wait_file "$hang" || { bad "$1: the wire test did not start its peers"; cat "$D/$1.out"; return 1; }
    PIDS=($(peer_pids "$(cat "$hang")"))
    RECORDED+=("${PIDS[@]}")
    [ ${#PIDS[@]} -ge 1 ] || { bad "$1: no peer PID recorded"; return 1; }
}

# 1. kill -9 of the wire test alone: its watchdog stops the peers
if start_wire alone; then
    kill -9 "$BG"; wait "$BG" 2>/dev/null; BG=
    if gone "${PIDS[@]}"; then ok "wire test killed alone: peers ${PIDS[*]} gone"
    else bad "wire test killed alone: peers outlived it"; fi
fi

# 2. kill -9 of the wire test's whole tree as CTest does on a timeout (each process stopped,
#    then killed children first): the watchdog dies too, the daemons must be in the tree
if start_wire tree; then
    victims=($(tree "$BG"))
    kill -STOP "${victims[@]}" 2>/dev/null
    for ((i = ${#victims[@]} - 1; i >= 0; i--)); do kill -9 "${victims[i]}" 2>/dev/null; done
    wait "$BG" 2>/dev/null; BG=
    if gone "${PIDS[@]}"; then ok "wire test tree killed: peers ${PIDS[*]} gone (tree: ${victims[*]})"
    else bad "wire test tree killed: peers outlived it (tree: ${victims[*]})"; fi
fi

# 3. a real CTest timeout, on the wire test and on a shell peer test run by peer_guard that
#    starts a private smbd (trap handlers do not run on SIGKILL)
mkdir -p "$D/ct"
cat > "$D/ct/shell-peer.sh" <<'SH'
#!/bin/bash
# a shell peer test that hangs after starting smbd; its trap would stop smbd, SIGKILL skips it
trap '"$2/smbd-stop.sh" "$1/smbd"' EXIT
"$2/smbd-start.sh" "$1/smbd" > "$1/smbd.out" || exit 77
sleep 1000
SH
chmod 755 "$D/ct/shell-peer.sh"
cat > "$D/ct/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.16)
project(peers_die NONE)
enable_testing()
add_test(NAME wire COMMAND "$WIRE")
set_tests_properties(wire PROPERTIES TIMEOUT 20 ENVIRONMENT "WIRE_TEST_HANG=$D/ctwire.hang")
add_test(NAME shell COMMAND "$GUARD" "$D/ct/shell-peer.sh" "$D" "$LIB")
set_tests_properties(shell PROPERTIES TIMEOUT 20)
CM
if cmake -S "$D/ct" -B "$D/ct/b" > "$D/ct.log" 2>&1; then
    ( cd "$D/ct/b" && ctest -j2 >> "$D/ct.log" 2>&1 ) &
    BG=$!
    wait_file "$D/ctwire.hang" && PIDS=($(peer_pids "$(cat "$D/ctwire.hang")"))
    RECORDED+=("${PIDS[@]}")
    SPIDS=()
    if [ -x /usr/sbin/smbd ]; then
        wait_file "$D/smbd.out"
        SPIDS=($(sed -n 's/^SMBD_PID=//p' "$D/smbd.out"))
    fi
    RECORDED+=("${SPIDS[@]}")
    wait "$BG"; BG=
    if grep -q 'wire .*Timeout' "$D/ct.log" && [ ${#PIDS[@]} -ge 1 ] && gone "${PIDS[@]}"
    then ok "CTest timeout of the wire test: peers ${PIDS[*]} gone"
    else bad "CTest timeout of the wire test"; cat "$D/ct.log"; fi
    if grep -q 'shell .*Timeout' "$D/ct.log" && [ ${#SPIDS[@]} -ge 1 ] && gone "${SPIDS[@]}"
    then ok "CTest timeout of a shell peer test under peer_guard: smbd ${SPIDS[*]} gone"
    elif [ ! -x /usr/sbin/smbd ]; then echo "skip shell peer case: smbd not installed"
    else bad "CTest timeout of a shell peer test under peer_guard"; cat "$D/ct.log"; fi
else
    bad "throwaway CTest project"; cat "$D/ct.log"
fi
exit $FAIL
