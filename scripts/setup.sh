#!/bin/sh
# Installs every build and test dependency from Debian packages (idempotent, quiet, root); leaves /usr/sbin/policy-rc.d as it found it.
set -eu

PKGS=${WN_SETUP_PKGS:-"build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev \
nettle-dev libcmocka-dev libsmi2-dev smitools \
snmpd snmp snmptrapd libsnmp-dev \
samba smbclient python3-impacket python3-samba \
iproute2 procps \
wine64 wine64-tools gcc-mingw-w64-x86-64"}
# For the test of this script (tests/peer/tools/test_setup_policy.sh): where
# policy-rc.d lives and what runs instead of apt-get.
POLICY=${WN_POLICY_RC:-/usr/sbin/policy-rc.d}
APT=${WN_SETUP_APT:-apt-get}

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "setup: all packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# While the packages install, policy-rc.d forbids their postinst scripts to
# start the system snmpd/smbd (the tests and scripts/run.sh start private
# ones).  Afterwards the machine's own policy (or none) is put back, also
# when apt fails or the script is interrupted.
SAVED="$POLICY.wn-setup-saved"
had_policy=0
restore_policy() {
    if [ "$had_policy" = 1 ]; then
        $SUDO mv -f "$SAVED" "$POLICY"
    else
        $SUDO rm -f "$POLICY"
    fi
}
if [ -e "$POLICY" ] || [ -L "$POLICY" ]; then
    $SUDO cp -a "$POLICY" "$SAVED"
    had_policy=1
fi
trap 'restore_policy' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
$SUDO rm -f "$POLICY"
printf '#!/bin/sh\n# written by scripts/setup.sh for the duration of one install\nexit 101\n' |
    $SUDO tee "$POLICY" >/dev/null
$SUDO chmod 755 "$POLICY"

echo "setup: installing$missing"
$SUDO $APT update -qq
# shellcheck disable=SC2086
$SUDO $APT install -y -qq --no-install-recommends $missing >/dev/null
echo "setup: done"
