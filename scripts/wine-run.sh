#!/bin/sh
# wine-run.sh [--build DIR] PROGRAM.exe [ARGS...]: runs an unchanged 64-bit Windows program under Wine with the wsnmp32 and netapi32 bridges.
#
# The bridges come from DIR/wine of a build tree (default: build/ next to
# this script's directory) or, when this script is the installed copy,
# from its own directory.  Headless (no display).  The Wine prefix is
# $WINEPREFIX, else $XDG_CACHE_HOME/winnetmgmt/wine (~/.cache/...); it is
# created on first use and the bridges' DLLs are kept up to date in its
# system32.  WINEDEBUG defaults to -all.  See docs/wine.md.
set -eu

usage() {
    echo "usage: wine-run.sh [--build DIR] PROGRAM.exe [ARGS...]" >&2
    exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
bridges=
if [ "${1:-}" = "--build" ]; then
    [ $# -ge 2 ] || usage
    bridges=$(cd "$2" && pwd)/wine
    shift 2
fi
[ $# -ge 1 ] || usage
if [ -z "$bridges" ]; then
    if [ -d "$here/x86_64-unix" ]; then
        bridges=$here
    else
        bridges=$(cd "$here/.." && pwd)/build/wine
    fi
fi
DLLS="wsnmp32.dll netapi32.dll winenetapi32.dll wnwsnmp.dll wnnetapi.dll"
for f in x86_64-unix/wnwsnmp.dll.so x86_64-unix/wnnetapi.dll.so; do
    [ -f "$bridges/$f" ] || { echo "wine-run.sh: $bridges/$f missing (build the wine_bridges target)" >&2; exit 1; }
done
for f in $DLLS; do
    [ -f "$bridges/x86_64-windows/$f" ] || { echo "wine-run.sh: $bridges/x86_64-windows/$f missing" >&2; exit 1; }
done

find_wine_tool() {
    command -v "$1" 2>/dev/null && return 0
    for d in /usr/lib/wine /usr/lib64/wine /usr/local/lib/wine; do
        [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    echo "wine-run.sh: $1 not found (install wine64)" >&2
    exit 1
}
WINE=$(find_wine_tool wine64)

export WINEPREFIX="${WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/winnetmgmt/wine}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLPATH="$bridges${WINEDLLPATH:+:$WINEDLLPATH}"
unset DISPLAY WAYLAND_DISPLAY

sys32=$WINEPREFIX/drive_c/windows/system32
if [ ! -f "$WINEPREFIX/system.reg" ] || [ ! -d "$sys32" ]; then
    mkdir -p "$WINEPREFIX"
    # No Mono/Gecko installers, no window: a bare prefix.
    WINEDLLOVERRIDES="mscoree,mshtml=" "$WINE" wineboot --init >/dev/null 2>&1 || {
        echo "wine-run.sh: creating the Wine prefix $WINEPREFIX failed" >&2
        exit 1
    }
    # The null graphics driver: windows and message loops work without a display.
    "$WINE" reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f >/dev/null 2>&1 || true
fi
# The bridges' DLLs in system32 (replacing Wine's own wsnmp32/netapi32
# placeholders there); each is replaced atomically, only when it changed.
for f in $DLLS; do
    if ! cmp -s "$bridges/x86_64-windows/$f" "$sys32/$f"; then
        cp "$bridges/x86_64-windows/$f" "$sys32/.$f.$$"
        mv -f "$sys32/.$f.$$" "$sys32/$f"
    fi
done
export WINEDLLOVERRIDES="wsnmp32,netapi32=n${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
exec "$WINE" "$@"
