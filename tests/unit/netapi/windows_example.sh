#!/bin/bash
# windows_example.sh CC SRCDIR LIBDIR -- the Windows-style example of docs/netsession.md (wmain + main shim, %ls) compiles with -Wall -Wextra -Werror against the headers and runs.
set -uo pipefail
CC=$1; SRC=$2; LIB=$3
T=$(mktemp -d /tmp/windows-example.XXXXXX); trap 'rm -rf "$T"' EXIT
awk '/^### What a Windows program needs/ { sec = 1 } sec && /^```c$/ { inb = 1; next }
     inb && /^```$/ { exit } inb { print }' "$SRC/docs/netsession.md" > "$T/prog.c"
grep -q 'wmain' "$T/prog.c" || { echo "FAIL: no Windows example in docs/netsession.md" >&2; exit 1; }
"$CC" -std=c11 -Wall -Wextra -Werror -I"$SRC/include" -o "$T/prog" "$T/prog.c" -L"$LIB" -lnetsess \
    -Wl,-rpath,"$LIB" || { echo "FAIL: the example does not build" >&2; exit 1; }
# A server name the library refuses before any traffic: the wide argument reaches
# NetSessionEnum through the shim (non-ASCII included) and the error is printed.
out=$(LANG=C.UTF-8 LC_ALL=C.UTF-8 "$T/prog" 'sérvér/x' 2>&1); rc=$?
[ $rc = 1 ] || { echo "FAIL: exit $rc: $out" >&2; exit 1; }
echo "$out" | grep -q 'A system error has occurred: 2351' || { echo "FAIL: $out" >&2; exit 1; }
echo "$out" | grep -q 'Total of 0 entries enumerated' || { echo "FAIL: $out" >&2; exit 1; }
echo "windows_example: ok"
