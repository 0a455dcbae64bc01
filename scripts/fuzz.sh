#!/bin/sh
# fuzz.sh [--merge] [seconds]: runs every libFuzzer target in turn for the given time (default 60 s each).
# Builds them with clang (-DENABLE_FUZZING=ON, ASan+UBSan) in build-fuzz/ (WN_FUZZ_BUILD).
# New corpus entries and crash artifacts go OUTSIDE the source tree, to
# WN_FUZZ_OUT (default /tmp/wn-fuzz)/<target>/{corpus,crashes}; the seeds in
# fuzz/corpus/<target>/ are read, never written, unless --merge is given:
# then the inputs that add coverage are merged into fuzz/corpus/<target>/.
# WN_FUZZ_ONLY=regex limits the targets.  Exit status 1 if any target crashed.
set -u
cd "$(dirname "$0")/.."
MERGE=0
if [ "${1:-}" = "--merge" ]; then MERGE=1; shift; fi
SECS=${1:-60}
case $SECS in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [--merge] [seconds]" >&2; exit 2;; esac
BUILD=${WN_FUZZ_BUILD:-build-fuzz}
OUT=${WN_FUZZ_OUT:-/tmp/wn-fuzz}
ONLY=${WN_FUZZ_ONLY:-.}
JOBS=${JOBS:-2}

mkdir -p "$OUT"
targets=$(sed -n 's/^ *wn_fuzz_target(\([a-z0-9_]*\).*/\1/p' fuzz/*/CMakeLists.txt | grep -E "$ONLY" | sort)
[ -n "$targets" ] || { echo "no fuzz targets match '$ONLY'" >&2; exit 2; }
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_C_COMPILER=clang -DENABLE_FUZZING=ON \
      -DCMAKE_BUILD_TYPE=Debug >"$OUT/cmake.log" 2>&1 || { cat "$OUT/cmake.log"; exit 1; }
# shellcheck disable=SC2086
cmake --build "$BUILD" -j "$JOBS" --target $targets >"$OUT/build.log" 2>&1 ||
    { tail -n 40 "$OUT/build.log"; exit 1; }

crashed=""
for t in $targets; do
    bin=$(find "$BUILD/fuzz" -type f -perm -u+x -name "$t" | head -n 1)
    [ -n "$bin" ] || { echo "$t: binary not found"; crashed="$crashed $t"; continue; }
    mkdir -p "$OUT/$t/corpus" "$OUT/$t/crashes"
    before=$(ls "$OUT/$t/corpus" | wc -l)
    echo "=== $t: ${SECS}s"
    "$bin" -max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$OUT/$t/crashes/" \
        "$OUT/$t/corpus" "fuzz/corpus/$t" >"$OUT/$t/log" 2>&1
    rc=$?
    grep -E '^#[0-9]+ *DONE|^stat::number_of_executed_units' "$OUT/$t/log" | tail -n 2
    after=$(ls "$OUT/$t/corpus" | wc -l)
    echo "    new corpus entries: $((after - before)) (in $OUT/$t/corpus)"
    if [ $rc -ne 0 ] || [ -n "$(ls "$OUT/$t/crashes")" ]; then
        echo "    CRASH: see $OUT/$t/log and $OUT/$t/crashes/"
        crashed="$crashed $t"
    fi
    if [ $MERGE = 1 ]; then
        "$bin" -merge=1 "fuzz/corpus/$t" "$OUT/$t/corpus" >"$OUT/$t/merge.log" 2>&1 &&
            echo "    merged into fuzz/corpus/$t: $(grep -o 'added [0-9]* new files' "$OUT/$t/merge.log")"
    fi
done
if [ -n "$crashed" ]; then
    echo "crashed:$crashed"
    exit 1
fi
echo "all targets ran ${SECS}s without a crash"
