#!/bin/sh
# Installs every build and test dependency from Debian packages (idempotent, quiet, root).
set -eu

PKGS="build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev \
nettle-dev libcmocka-dev \
snmpd snmp snmptrapd libsnmp-dev \
samba smbclient python3-impacket python3-samba \
iproute2 procps \
wine64 wine64-tools gcc-mingw-w64-x86-64"

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
# Never let package scripts start the system snmpd/smbd: tests start private ones.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
fi
echo "setup: installing$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "setup: done"
