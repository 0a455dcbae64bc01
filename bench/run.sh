#!/bin/bash
# run.sh: builds the libraries (Release) and the bench programs, starts the peers on loopback, runs every scenario (median of RUNS) and prints ours next to the peer.
# Usage: bench/run.sh [all|rr|mem|walk|srvs]...   env: RUNS (default 3), WN_BENCH_BUILD (default /tmp/wn-bench-build)
# Loopback only.  Manager pinned to cpu0, agent/reflector to cpu1.  Every peer is stopped by PID on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${WN_BENCH_BUILD:-/tmp/wn-bench-build}
RUNS=${RUNS:-3}
SCEN=${*:-all}
want() { [[ " $SCEN " == *" all "* || " $SCEN " == *" $1 "* ]]; }

GEN=(); command -v ninja >/dev/null && GEN=(-G Ninja)
echo "== building $ROOT (Release) into $BUILD" >&2
cmake -S "$ROOT" -B "$BUILD/main" "${GEN[@]}" -DWN_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD/main" -j2 >/dev/null
cmake -S "$ROOT/bench" -B "$BUILD/bench" "${GEN[@]}" -DWN_BUILD_DIR="$BUILD/main" >/dev/null
cmake --build "$BUILD/bench" -j2 >/dev/null
BB=$BUILD/bench
WALK=$BUILD/main/examples/walk

WORK=$(mktemp -d /tmp/wn-bench.XXXXXX)
PIDS=()
SNMPD_DIR= SMBD_DIR=
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -z "$SNMPD_DIR" ] || "$ROOT/tests/peer/snmp/snmpd-stop.sh" "$SNMPD_DIR" >/dev/null 2>&1 || true
    [ -z "$SMBD_DIR" ] || "$ROOT/tests/peer/lib/smbd-stop.sh" "$SMBD_DIR" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export MIBS= SNMPCONFPATH="$WORK/netsnmp-conf" SNMP_PERSISTENT_DIR="$WORK/netsnmp-persist"
mkdir -p "$SNMPCONFPATH" "$SNMP_PERSISTENT_DIR"
M0=(taskset -c 0)

# kv KEY LINE: the value of KEY=value in LINE ("-" when absent)
kv() { local v; v=$(grep -o "\b$1=[^ ]*" <<<"$2" | head -1 | cut -d= -f2); echo "${v:--}"; }
# median_by KEY: of the result lines on stdin, the one with the median KEY (numeric)
median_by() {
    awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) { v = substr($i, length(k) + 2) }
                     print v "\t" $0 }' | sort -g | awk -F'\t' '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }'
}
# runs N KEY CMD...: run CMD N times (stderr to the log), print the median line by KEY
runs() {
    local n=$1 key=$2; shift 2
    for _ in $(seq "$n"); do "$@" 2>>"$WORK/stderr.log" | grep "$key=" || true; done | median_by "$key"
}
# start a reflector (or sink) on cpu1; sets REFL_PORT
start_reflector() {
    local out=$WORK/refl.$#.out
    taskset -c 1 "$BB/reflector" "$@" 0 >"$out" 2>>"$WORK/stderr.log" &
    PIDS+=($!)
    for _ in $(seq 100); do grep -q PORT= "$out" && break; sleep 0.05; done
    REFL_PORT=$(sed -n 's/^PORT=//p' "$out")
}
# rr_table PORT TIMEOUT_CS "SESSIONS WINDOW REQUESTS"...: ours and net-snmp, one row per config
rr_table() {
    local port=$1 tmo=$2 cfg a b note; shift 2
    printf "%-9s %-6s %-7s | %-30s | %-30s\n" sessions window requests \
        "libwsnmp req/s  us-CPU/req  RSS" "net-snmp req/s  us-CPU/req  RSS"
    for cfg in "$@"; do
        set -- $cfg
        a=$(runs "$RUNS" rate "${M0[@]}" "$BB/wsnmp_rr" -s "$1" -w "$2" -n "$3" -t "$tmo" "127.0.0.1:$port")
        b=$(runs "$RUNS" rate "${M0[@]}" "$BB/netsnmp_rr" -s "$1" -w "$2" -n "$3" -t "$tmo" "127.0.0.1:$port")
        note=
        [ "$(kv retransmits "$a")" = 0 ] || note+=" ours:$(kv retransmits "$a")-retransmits"
        [ "$(kv timeouts "$a")" = 0 ] || note+=" ours:$(kv timeouts "$a")-timeouts"
        [ "$(kv timeouts "$b")" = 0 ] || note+=" net-snmp:$(kv timeouts "$b")-timeouts"
        [[ "$b" != *stalled* ]] || note+=" net-snmp:STALLED(FD_SETSIZE,$(kv requests "$b")-done)"
        printf "%-9s %-6s %-7s | %7s %9s %9sK | %7s %9s %9sK |%s\n" "$1" "$2" "$3" \
            "$(kv rate "$a")" "$(kv cpu_us_per_req "$a")" "$(kv maxrss_kb "$a")" \
            "$(kv rate "$b")" "$(kv cpu_us_per_req "$b")" "$(kv maxrss_kb "$b")" "$note"
    done
}
# The reference net-snmp async client of the shared notes (../shared/ref/lab
# from the repository root; one session), built at run time when present: a
# cross-check that netsnmp_rr is a fair twin.
REFC=${WN_BENCH_REF_CLIENT:-$ROOT/../shared/ref/lab/snmp-async-bench.c}
ref_rows() {
    [ -r "$REFC" ] || return 0
    [ -x "$WORK/ref-async" ] || cc -O2 -w -o "$WORK/ref-async" "$REFC" $(net-snmp-config --libs) || return 0
    local w r
    for w in 1 16; do
        r=$(runs "$RUNS" rate "${M0[@]}" "$WORK/ref-async" -v2c -c public -r1 -t2 -Cn20000 -Cw"$w" "127.0.0.1:$1")
        printf "%-9s %-6s %-7s | %-30s | %7s %-22s |\n" 1 "$w" 20000 "" "$(kv rate "$r")" \
            " (ref snmp-async-bench)"
    done
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

echo "# wn bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, median of $RUNS runs, loopback"

# ---------------------------------------------------------------- scenario 1 + 2: reflector
if want rr; then
    start_reflector
    RPORT=$REFL_PORT
    echo
    echo "## 1a. Get throughput against the C mmsg reflector (127.0.0.1:$RPORT)"
    rr_table "$RPORT" 200 "1 1 20000" "1 16 100000" "100 1 100000" "100 16 200000" "1000 1 100000" \
        "10000 1 100000"
    ref_rows "$RPORT"
fi

if want mem; then
    start_reflector --sink
    SPORT=$REFL_PORT
    echo
    echo "## 2. Memory: 10,000 sessions x 10 outstanding Gets (100,000) to a silent sink"
    printf "%-9s | %-11s %-11s %-13s | %-9s %-9s %-s\n" impl "RSS base" "RSS+sess" "RSS+100k req" \
        B/session B/request "(B/request without the app's PDU handle)"
    for impl in wsnmp_rr netsnmp_rr; do
        r=$(runs "$RUNS" bytes_per_request "${M0[@]}" "$BB/$impl" -m -s 10000 -w 10 -t 6000 -r 0 \
            "127.0.0.1:$SPORT")
        printf "%-9s | %10sK %10sK %12sK | %9s %9s %s\n" "${impl%_rr}" "$(kv rss_base_kb "$r")" \
            "$(kv rss_sessions_kb "$r")" "$(kv rss_outstanding_kb "$r")" \
            "$(kv bytes_per_session "$r")" "$(kv bytes_per_request "$r")" \
            "$(kv engine_bytes_per_request "$r" | sed 's/^-$//')"
    done
fi

# ---------------------------------------------------------------- scenario 1b + 3: snmpd
if want rr || want walk; then
    SNMPD_DIR=$WORK/snmpd
    mkdir -p "$SNMPD_DIR"
    "$ROOT/tests/peer/snmp/snmpd-start.sh" "$SNMPD_DIR" >"$WORK/snmpd.out" 2>>"$WORK/stderr.log"
    APORT=$(cat "$SNMPD_DIR/snmpd.port")
    SPID=$(cat "$SNMPD_DIR/snmpd.pid")
    taskset -pc 1 "$SPID" >/dev/null
fi
if want rr; then
    echo
    echo "## 1b. Get throughput against snmpd $(snmpd -v 2>/dev/null | sed -n 's/.*version: *//p' | head -1) (127.0.0.1:$APORT, pinned to cpu1; the agent is the bottleneck)"
    rr_table "$APORT" 50 "1 1 10000" "1 16 20000" "100 1 20000" "1000 1 20000"
    ref_rows "$APORT"
fi

if want walk; then
    echo
    echo "## 3. Full-tree GetBulk walk of snmpd (.1.3.6.1), output discarded"
    printf "%-28s | %-9s %-9s %-9s %-8s %-7s\n" tool wall_s cpu_s snmpd_cpu_s RSS lines
    walk_row() {
        local label=$1; shift
        local t0 r
        r=$(for _ in $(seq "$RUNS"); do
                t0=$(cpu_ticks "$SPID")
                l=$("$BB/runstat" "${M0[@]}" "$@" 2>>"$WORK/stderr.log" || true)
                echo "$l snmpd_ticks=$(( $(cpu_ticks "$SPID") - t0 ))"
            done | median_by wall_s)
        printf "%-28s | %-9s %-9s %-11s %-8s %-7s\n" "$label" "$(kv wall_s "$r")" "$(kv cpu_s "$r")" \
            "$(awk -v t="$(kv snmpd_ticks "$r")" -v h="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", t/h}')" \
            "$(kv maxrss_kb "$r")K" "$(kv lines "$r")"
    }
    for rep in 10 50; do
        walk_row "libwsnmp examples/walk -n$rep" "$WALK" -n "$rep" "127.0.0.1:$APORT" 1.3.6.1
        walk_row "snmpbulkwalk -Cr$rep" snmpbulkwalk -v2c -c public -Cr"$rep" -On "127.0.0.1:$APORT" .1.3.6.1
    done
    echo "(snmpbulkwalk prints one extra 'No more variables' line and wraps one long hex value)"
fi

# ---------------------------------------------------------------- scenario 4: smbd
if want srvs; then
    SMBD_DIR=$WORK/smbd
    mkdir -p "$SMBD_DIR"
    "$ROOT/tests/peer/lib/smbd-start.sh" "$SMBD_DIR" >"$WORK/smbd.out" 2>>"$WORK/stderr.log"
    SMB_PORT=$(sed -n 's/^PORT=//p' "$WORK/smbd.out")
    SMBD_PID=$(sed -n 's/^SMBD_PID=//p' "$WORK/smbd.out")
    taskset -a -pc 1 "$SMBD_PID" >/dev/null   # children forked later inherit cpu1
    ADMIN=labadmin ADMIN_PASS=LabAdmin-456
    export NETAPI_USER=$ADMIN NETAPI_PASSWORD=$ADMIN_PASS NETAPI_SMB_PORT=$SMB_PORT
    rpcclient -U "$ADMIN%$ADMIN_PASS" -p "$SMB_PORT" 127.0.0.1 -c 'netsessenum 1' >/dev/null 2>&1 || true
    echo
    echo "## 4. NetSessionEnum level 1 against smbd $(smbd -V 2>/dev/null | awk '{print $2}') (127.0.0.1:$SMB_PORT, pinned to cpu1), per call, ms"
    printf "%-5s %-7s | %-34s | %-18s | %-34s\n" held entries "libnetsess fresh/CPU  reused/CPU" \
        "rpcclient (process)" "impacket fresh/CPU  reused/CPU"
    for held in 1 50; do
        fifo=$WORK/hold.$held
        mkfifo "$fifo"
        taskset -c 1 /usr/bin/python3 "$ROOT/bench/hold_sessions.py" 127.0.0.1 "$SMB_PORT" labuser LabPass-123 \
            "$held" <"$fifo" >"$WORK/hold.$held.out" 2>>"$WORK/stderr.log" &
        PIDS+=($!)
        exec 7>"$fifo"
        for _ in $(seq 300); do grep -q held "$WORK/hold.$held.out" && break; sleep 0.1; done
        a=$(NETAPI_CONN_IDLE_MS=0 runs "$RUNS" median_ms "${M0[@]}" "$BB/netsess_bench" -n 20 -l 1 127.0.0.1)
        a2=$(runs "$RUNS" median_ms "${M0[@]}" "$BB/netsess_bench" -n 50 -l 1 127.0.0.1)
        b=$(for _ in $(seq 5); do "$BB/runstat" "${M0[@]}" rpcclient -U "$ADMIN%$ADMIN_PASS" -p "$SMB_PORT" \
                127.0.0.1 -c 'netsessenum 1' 2>>"$WORK/stderr.log" || true; done | median_by wall_s)
        c=$(runs 1 fresh_median_ms "${M0[@]}" /usr/bin/python3 "$ROOT/bench/impacket_enum.py" 127.0.0.1 \
            "$SMB_PORT" "$ADMIN" "$ADMIN_PASS" 10)
        printf "%-5s %-7s | %7s %6s  %7s %6s     | %7s cpu %6s | %7s %6s  %7s %6s\n" "$held" "$(kv entries "$a")" \
            "$(kv median_ms "$a")" "$(kv cpu_ms_per_call "$a")" \
            "$(kv median_ms "$a2")" "$(kv cpu_ms_per_call "$a2")" \
            "$(awk -v w="$(kv wall_s "$b")" 'BEGIN{printf "%.1f", w*1000}')" \
            "$(awk -v w="$(kv cpu_s "$b")" 'BEGIN{printf "%.1f", w*1000}')" \
            "$(kv fresh_median_ms "$c")" "$(kv fresh_cpu_ms "$c")" \
            "$(kv reused_median_ms "$c")" "$(kv reused_cpu_ms "$c")"
        exec 7>&-
    done
    echo "(libnetsess and impacket 'fresh' connect + NTLM + tree + pipe + bind + enum on every call (libnetsess: NETAPI_CONN_IDLE_MS=0);"
    echo " 'reused' is one enum on a kept connection: libnetsess's default connection reuse, impacket's kept binding; rpcclient adds process start)"
fi
