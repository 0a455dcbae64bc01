#!/bin/sh
# install-and-use.sh BUILD SRC: `cmake --install` into a temporary prefix, then build and run programs against it with pkg-config only.
set -eu
BUILD=$1; SRC=$2
P=$(mktemp -d /tmp/wn-install.XXXXXX)
trap 'rm -rf "$P"' EXIT
cmake --install "$BUILD" --prefix "$P" >/dev/null
PC=$(dirname "$(find "$P" -name wsnmp.pc | head -n 1)")
[ -n "$PC" ] || { echo "wsnmp.pc not installed"; exit 1; }
[ -f "$PC/netsess.pc" ] || { echo "netsess.pc not installed"; exit 1; }
export PKG_CONFIG_PATH="$PC"
CC=${CC:-cc}
# WinSNMP: the Windows-style example, shared library.
$CC -std=c11 -Wall -Werror $(pkg-config --cflags wsnmp) "$SRC/examples/windows_style.c" \
    $(pkg-config --libs wsnmp) -o "$P/ws_shared"
LD_LIBRARY_PATH="$(pkg-config --variable=libdir wsnmp)" "$P/ws_shared" | grep -q done
# ... and static.
$CC -std=c11 -Wall -Werror $(pkg-config --cflags wsnmp) "$SRC/examples/windows_style.c" \
    "$(pkg-config --variable=libdir wsnmp)/libwsnmp.a" $(pkg-config --static --libs-only-l --libs-only-other wsnmp | sed 's/-lwsnmp//') -o "$P/ws_static"
"$P/ws_static" | grep -q done
# The header spellings Windows code uses, and the two exports the SDK header lacks.
cat > "$P/spell.c" <<'C'
#include <WinSNMP.h>
#include <Winsnmp.h>
#include <winsnmp.h>
#include <stdio.h>
int main(void) {
    if (SnmpConveyAgentAddress(SNMPAPI_ON) != SNMPAPI_SUCCESS) return 1;
    if (SnmpSetAgentAddress((LPSTR)"192.0.2.1") != SNMPAPI_SUCCESS) return 1;
    if (SnmpSetAgentAddress((LPSTR)"not-an-address") != SNMPAPI_FAILURE ||
        SnmpGetLastError(NULL) != SNMPAPI_MODE_INVALID) return 1;
    puts("spellings ok");
    return 0;
}
C
$CC -std=c11 -Wall -Werror $(pkg-config --cflags wsnmp) "$P/spell.c" $(pkg-config --libs wsnmp) -o "$P/spell"
LD_LIBRARY_PATH="$(pkg-config --variable=libdir wsnmp)" "$P/spell" | grep -q "spellings ok"
# NetSession: the published prototypes with L"" literals.
cat > "$P/ns.c" <<'C'
#include <lm.h>
#include <stdio.h>
int main(void) {
    LPBYTE buf = NULL;
    DWORD er = 0, te = 0;
    NET_API_STATUS st = NetSessionEnum(NULL, L"\\\\client", NULL, 10, &buf, MAX_PREFERRED_LENGTH,
                                       NULL, &te, NULL);
    if (st != ERROR_INVALID_PARAMETER || NetApiBufferFree(NULL) != NERR_Success) return 1;
    (void)er;
    puts("netsess ok");
    return 0;
}
C
$CC -std=c11 -Wall -Werror $(pkg-config --cflags netsess) "$P/ns.c" $(pkg-config --libs netsess) -o "$P/ns"
LD_LIBRARY_PATH="$(pkg-config --variable=libdir netsess)" "$P/ns" | grep -q "netsess ok"
echo "install-and-use: ok ($P)"
