#!/bin/sh
# test.sh: sets up, builds and runs every test: gcc build, clang ASan/UBSan build, TSan build.
# Prints one closing line "N passed, N failed" over all runs.
set -u
cd "$(dirname "$0")/.."
./scripts/setup.sh || exit 1

JOBS=${JOBS:-$(nproc)}
total_pass=0
total_fail=0
status=0
log=$(mktemp)

run_suite() {  # run_suite <name> <builddir> <ctest args...> -- <cmake args...>
    name=$1; dir=$2; shift 2
    targs=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do targs="$targs $1"; shift; done
    [ $# -gt 0 ] && shift
    echo "=== $name: configure and build ($dir)"
    if ! cmake -S . -B "$dir" -G Ninja "$@" >"$dir.cmake.log" 2>&1; then
        cat "$dir.cmake.log"; echo "=== $name: configure FAILED"; status=1
        total_fail=$((total_fail + 1)); return
    fi
    if ! cmake --build "$dir" -j "$JOBS" >"$dir.build.log" 2>&1; then
        tail -n 60 "$dir.build.log"; echo "=== $name: build FAILED"; status=1
        total_fail=$((total_fail + 1)); return
    fi
    echo "=== $name: tests"
    # shellcheck disable=SC2086
    ctest --test-dir "$dir" --output-on-failure -j "$JOBS" $targs 2>&1 | tee "$log"
    line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$log" | tail -n 1)
    if [ -z "$line" ] && grep -q 'No tests were found' "$log"; then
        echo "=== $name: no tests selected"; return
    fi
    if [ -z "$line" ]; then
        echo "=== $name: no ctest summary"; status=1; total_fail=$((total_fail + 1)); return
    fi
    failed=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
    all=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/')
    total_pass=$((total_pass + all - failed))
    total_fail=$((total_fail + failed))
    [ "$failed" -eq 0 ] || status=1
}

mkdir -p build-tests
run_suite "gcc" build-tests/gcc -- -DCMAKE_C_COMPILER=gcc
if [ "${WN_SKIP_SANITIZERS:-0}" != 1 ]; then
    # tests labelled heavy (long fault and overload runs) run in the gcc build only
    run_suite "clang asan+ubsan" build-tests/asan -E "^check_symbols$" -LE heavy -- \
        -DCMAKE_C_COMPILER=clang -DWN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    run_suite "tsan" build-tests/tsan -L tsan -- \
        -DCMAKE_C_COMPILER=clang -DWN_TSAN=ON -DCMAKE_BUILD_TYPE=Debug
fi
rm -f "$log"
echo
echo "all suites: $total_pass passed, $total_fail failed"
echo "$total_pass passed, $total_fail failed"
exit $status
