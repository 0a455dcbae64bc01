#!/bin/bash
# wine-test.sh MODE BUILD_DIR: Wine bridge tests (MODE: setup, cleanup, snmp_callback, snmp_installed, snmp_window, snmp_trap, netsess).
# Runs the Windows test programs through scripts/wine-run.sh in a prefix made once per test run
# (BUILD_DIR/tests/peer/wine/prefix), against peers started here on loopback and stopped by PID.
# Exit 77 only when a tool is missing (bridges not built, wine64, snmpd/snmptrap, smbd).
set -uo pipefail
MODE=${1:?usage: wine-test.sh MODE BUILD_DIR}
BUILD=$(cd "${2:?usage: wine-test.sh MODE BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
PEER=$HERE/..
PROGS=$BUILD/tests/peer/wine
export WINEPREFIX=$PROGS/prefix WINEDEBUG=-all MIBS=
unset DISPLAY WAYLAND_DISPLAY
RUN=("$HERE/../../../scripts/wine-run.sh" --build "$BUILD")

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
wine_tool() {
    command -v "$1" 2>/dev/null && return 0
    for d in /usr/lib/wine /usr/lib64/wine /usr/local/lib/wine; do
        [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    return 1
}
[ -f "$BUILD/wine/x86_64-unix/wnwsnmp.dll.so" ] ||
    skip "the Wine bridges were not built (see the wine/ line of the configure output)"
WINESERVER=$(wine_tool wineserver) || skip "wineserver not installed (wine64)"
wine_tool wine64 >/dev/null || skip "wine64 not installed"

T=$(mktemp -d /tmp/wn-wine.XXXXXX)
cleanup_peers() { :; }
trap 'cleanup_peers; rm -rf "$T"' EXIT

# run_pe TIMEOUT PROGRAM ARGS...: one Windows program; output in $T/out
run_pe() {
    local secs=$1; shift
    timeout "$secs" "${RUN[@]}" "$@" > "$T/out.crlf" 2>"$T/err"
    local rc=$?
    tr -d '\r' < "$T/out.crlf" > "$T/out"   # Windows text mode: CRLF
    cat "$T/out"
    [ $rc -eq 0 ] || { cat "$T/err" >&2; fail "$(basename "$1") exited with $rc"; }
}

start_snmpd() {
    [ -x /usr/sbin/snmpd ] && command -v snmpget >/dev/null || skip "snmpd/snmp not installed"
    "$PEER/snmp/snmpd-start.sh" "$T/snmp" > "$T/snmpd.start" 2>&1 || { cat "$T/snmpd.start"; fail "snmpd did not start"; }
    cleanup_peers() { "$PEER/snmp/snmpd-stop.sh" "$T/snmp" >/dev/null 2>&1; }
    SNMP_PORT=$(cat "$T/snmp/snmpd.port")
}

SYSNAME_OID=1.3.6.1.2.1.1.5.0
# What net-snmp's snmpget reports for sysName.0.
snmpget_sysname() {
    snmpget -v2c -c public -r1 -t2 -Oqv "127.0.0.1:$SNMP_PORT" "$SYSNAME_OID" | tr -d '"'
}

case $MODE in
setup)
    # a wineserver left by an interrupted run of this prefix goes first
    [ -d "$WINEPREFIX" ] && "$WINESERVER" -k 2>/dev/null
    rm -rf "$WINEPREFIX"
    timeout 100 "${RUN[@]}" cmd /c exit 0 > "$T/out" 2>&1 || { cat "$T/out"; fail "could not create the Wine prefix"; }
    # A persistent wineserver for the whole run (stopped by the cleanup test).
    "$WINESERVER" -p
    echo "prefix ready: $WINEPREFIX"
    ;;
cleanup)
    [ -d "$WINEPREFIX" ] && "$WINESERVER" -k 2>/dev/null
    "$WINESERVER" -w 2>/dev/null
    echo "wineserver of $WINEPREFIX stopped"
    ;;
snmp_callback)
    start_snmpd
    want=$(snmpget_sysname) || fail "snmpget failed"
    run_pe 60 "$PROGS/snmp_callback.exe" 127.0.0.1 "$SNMP_PORT" "$SYSNAME_OID"
    grep -qx "vb \.\?$SYSNAME_OID=$want" "$T/out" || fail "sysName.0 is not '$want' as snmpget reports"
    grep -qx ok "$T/out" || fail "program did not finish"
    ;;
snmp_installed)
    # the same program through an installed copy (cmake --install) of the bridges and wine-run.sh
    start_snmpd
    want=$(snmpget_sysname) || fail "snmpget failed"
    "${CMAKE:-cmake}" --install "$BUILD" --prefix "$T/inst" > "$T/install.log" 2>&1 ||
        { cat "$T/install.log"; fail "cmake --install failed"; }
    RUN=("$(ls "$T"/inst/lib*/winnetmgmt/wine/wine-run.sh | head -n 1)")
    [ -x "${RUN[0]}" ] || fail "no installed wine-run.sh"
    run_pe 60 "$PROGS/snmp_callback.exe" 127.0.0.1 "$SNMP_PORT" "$SYSNAME_OID"
    grep -qx "vb \.\?$SYSNAME_OID=$want" "$T/out" || fail "sysName.0 is not '$want' as snmpget reports"
    ;;
snmp_window)
    start_snmpd
    want=$(snmpget_sysname) || fail "snmpget failed"
    run_pe 60 "$PROGS/snmp_window.exe" 127.0.0.1 "$SNMP_PORT" "$SYSNAME_OID"
    grep -qx "vb \.\?$SYSNAME_OID=$want" "$T/out" || fail "sysName.0 is not '$want' as snmpget reports"
    grep -qx "message received in the loop" "$T/out" || fail "no window message"
    ;;
snmp_trap)
    command -v snmptrap >/dev/null || skip "snmptrap not installed (snmp)"
    . "$PEER/snmp/peer-common.sh"
    export WSNMP_TRAP_PORT
    WSNMP_TRAP_PORT=$(wn_free_udp_port)
    timeout 60 "${RUN[@]}" "$PROGS/snmp_trap.exe" > "$T/out" 2>"$T/err" &
    pe=$!
    cleanup_peers() { kill "$pe" 2>/dev/null; }
    for _ in $(seq 1 400); do grep -q registered "$T/out" && break; kill -0 "$pe" 2>/dev/null || break; sleep 0.05; done
    grep -q registered "$T/out" || { cat "$T/out" "$T/err"; fail "the program did not register"; }
    # One trap a second until the program has one (UDP; normally the first).
    text="wine-trap-$$"
    while kill -0 "$pe" 2>/dev/null; do
        snmptrap -v2c -c public "127.0.0.1:$WSNMP_TRAP_PORT" '' 1.3.6.1.6.3.1.1.5.1 \
            "$SYSNAME_OID" s "$text" || fail "snmptrap failed"
        sleep 1
    done
    wait "$pe"; rc=$?
    tr -d '\r' < "$T/out" > "$T/out.lf" && mv "$T/out.lf" "$T/out"
    cat "$T/out"
    [ $rc -eq 0 ] || { cat "$T/err" >&2; fail "snmp_trap.exe exited with $rc"; }
    grep -qx "vb \.\?1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0=\.\?1\.3\.6\.1\.6\.3\.1\.1\.5\.1" "$T/out" ||
        fail "snmpTrapOID.0 is not coldStart as sent by snmptrap"
    grep -qx "vb \.\?$SYSNAME_OID=$text" "$T/out" || fail "the trap's varbind is not '$text' as sent"
    ;;
netsess)
    . "$HERE/netsess-test.sh"
    ;;
*)
    fail "unknown mode $MODE"
    ;;
esac
echo "PASS: $MODE"
