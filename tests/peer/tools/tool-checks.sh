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
