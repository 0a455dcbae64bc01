# lib.sh: what bench/run.sh and bench/targets.sh share: the Release build of the tree and the bench programs, the work directory and peer cleanup (by PID), pinning, and the key=value helpers.
# Sourced with ROOT set to the repository root and "$@" the scenario names.  env: RUNS (default 3), WN_BENCH_BUILD (default /tmp/wn-bench-build)
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
