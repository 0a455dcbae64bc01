#!/bin/bash
# test_setup_policy.sh SETUP: scripts/setup.sh puts policy-rc.d in place only for the install and restores what was there (none, a file, a symlink), also when apt fails or is interrupted.
# Runs against a temporary path (WN_POLICY_RC) with a fake apt (WN_SETUP_APT) and a package that is never installed, so the machine is not touched.
set -uo pipefail
SETUP=${1:?usage: test_setup_policy.sh scripts/setup.sh}
T=$(mktemp -d /tmp/wn-setup.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
P=$T/policy-rc.d
# fake apt: records whether the policy forbids starting daemons during the install, then acts as told
cat > "$T/apt" <<FAKE
#!/bin/sh
if [ "\$1" = install ]; then
    if [ -x "$P" ]; then "$P" snmpd start; echo "\$?" > "$T/during"; else echo none > "$T/during"; fi
    case "\$(cat "$T/mode")" in
    fail) exit 100 ;;
    term) kill -TERM "\$PPID"; sleep 1; exit 0 ;;
    esac
fi
exit 0
FAKE
chmod +x "$T/apt"
run() {  # run MODE: setup.sh with the fake apt; exit code in $rc
    echo "$1" > "$T/mode"; rm -f "$T/during"
    WN_POLICY_RC=$P WN_SETUP_APT=$T/apt WN_SETUP_PKGS=wn-test-package-that-does-not-exist \
        sh "$SETUP" >"$T/out" 2>&1
    rc=$?
}

run ok
[ "$rc" -eq 0 ] && ok "install succeeds" || { bad "install exit $rc"; cat "$T/out"; }
[ "$(cat "$T/during" 2>/dev/null)" = 101 ] && ok "daemons forbidden during the install" || bad "policy not in force during the install"
[ ! -e "$P" ] && ok "no policy-rc.d before, none after" || bad "policy-rc.d left behind"

printf '#!/bin/sh\n# site policy\nexit 0\n' > "$P"; chmod 750 "$P"; cp -p "$P" "$T/orig"
run ok
cmp -s "$P" "$T/orig" && [ "$(stat -c %a "$P")" = 750 ] && ok "an existing policy is restored (content and mode)" || bad "existing policy changed"
[ "$(cat "$T/during" 2>/dev/null)" = 101 ] && ok "ours was in force meanwhile" || bad "ours not in force"
[ ! -e "$P.wn-setup-saved" ] && ok "no backup left behind" || bad "backup left behind"

run fail
[ "$rc" -ne 0 ] && ok "a failing apt fails setup (exit $rc)" || bad "apt failure hidden"
cmp -s "$P" "$T/orig" && ok "policy restored after apt failed" || bad "policy not restored after failure"

run term
[ "$rc" -ne 0 ] && ok "an interrupted setup fails (exit $rc)" || bad "interruption hidden"
cmp -s "$P" "$T/orig" && ok "policy restored after SIGTERM" || bad "policy not restored after SIGTERM"

rm -f "$P"; ln -s /bin/true "$P"
run fail
[ -L "$P" ] && [ "$(readlink "$P")" = /bin/true ] && ok "a symlinked policy is restored as the same symlink" || bad "symlink not restored"
rm -f "$P"
run fail
[ ! -e "$P" ] && ok "no policy before a failed install, none after" || bad "policy left after a failed install"

echo "$fails failed"
[ "$fails" -eq 0 ]
