#!/bin/sh
# short_wchar.sh CC INCLUDE_DIR -- lmcons.h must refuse to compile with a 2-byte wchar_t (-fshort-wchar) and compile with the normal one.
CC=$1; INC=$2
T=$(mktemp -d /tmp/short-wchar.XXXXXX); trap 'rm -rf "$T"' EXIT
printf '#include <lm.h>\nint main(void) { LMSTR s = L"x"; return s[0] == 0; }\n' > "$T/p.c"
"$CC" -fsyntax-only -I"$INC" "$T/p.c" || { echo "FAIL: lm.h does not compile normally" >&2; exit 1; }
if "$CC" -fsyntax-only -fshort-wchar -I"$INC" "$T/p.c" 2>"$T/err"; then
    echo "FAIL: lm.h compiles with -fshort-wchar" >&2; exit 1
fi
grep -q '4-byte wchar_t' "$T/err" || { echo "FAIL: not our #error:" >&2; cat "$T/err" >&2; exit 1; }
echo "short_wchar: ok"
