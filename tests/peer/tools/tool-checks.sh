# tool-checks.sh: the check helpers the tool peer tests share (sourced; $D is the test's temp dir, fails counts failures).
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect CODE LABEL CMD...: runs CMD, output in $D/out and $D/err, checks the exit code
expect() {
    local want=$1 label=$2; shift 2
    "$@" >"$D/out" 2>"$D/err"; local rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$label (exit $rc)"; else bad "$label: exit $rc, wanted $want"; cat "$D/err"; fi
}
# has FILE PATTERN LABEL / hasnt FILE PATTERN LABEL: grep in $D/FILE
has() { if grep -q -- "$2" "$D/$1"; then ok "$3"; else bad "$3: no '$2' in $1"; cat "$D/$1"; fi; }
hasnt() { if grep -q -- "$2" "$D/$1"; then bad "$3: '$2' in $1"; else ok "$3"; fi; }
# wait_listening: waits (up to 30 s: a loaded machine, an ASan build) for a
# listener's 'listening' line in $D/listen.err, which the caller removed
# before starting it (an earlier listener's line must not count)
wait_listening() {
    for _ in $(seq 1 600); do grep -q listening "$D/listen.err" 2>/dev/null && return 0; sleep 0.05; done
    bad "the listener did not start"; cat "$D/listen.err"
}
