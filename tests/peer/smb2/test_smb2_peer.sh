#!/bin/bash
# test_smb2_peer.sh PROBE LIBDIR -- our SMB2 client against private smbd instances on 127.0.0.1:
# srvsvc bind over transceive and over write/read, as labadmin and labuser, with default settings
# (plus an allocation-failure sweep),
# anonymous, server signing = mandatory, min protocol SMB3_11, max protocol SMB2_10, smb encrypt =
# required (every cipher, 3.0 to 3.1.1), map to guest = bad user; wrong password; closed port.  Every smbd is stopped by PID on exit, failure included.
set -u
PROBE=$1; LIB=$2
command -v /usr/sbin/smbd >/dev/null || { echo "SKIP: smbd not installed"; exit 77; }
TOP=$(mktemp -d /tmp/wn-smb2-peer.XXXXXX); chmod 755 "$TOP"
DIRS=()
cleanup() { for d in "${DIRS[@]}"; do "$LIB/smbd-stop.sh" "$d"; done; rm -rf "$TOP"; }
trap cleanup EXIT INT TERM
FAIL=0

start() {  # start NAME [smb.conf lines...] -> sets PORT
    local d=$TOP/$1; shift
    DIRS+=("$d")
    local out; out=$("$LIB/smbd-start.sh" "$d" "$@") || { echo "FAIL: smbd start"; exit 1; }
    PORT=$(printf '%s\n' "$out" | sed -n 's/^PORT=//p')
}

# expect NAME WANT_RESULT [GREP_PATTERN...] -- ARGS for the probe
expect() {
    local name=$1 want=$2; shift 2
    local pats=()
    while [ "$1" != "--" ]; do pats+=("$1"); shift; done; shift
    # HOST PORT USER PASS ...: the password goes to the probe through the environment
    local pw=$4; set -- "$1" "$2" "$3" - "${@:5}"
    local t0 t1 out; t0=$(date +%s%N)
    local rc; out=$(WN_PROBE_PASSWORD=$pw timeout 60 "$PROBE" "$@" 2>&1); rc=$?; t1=$(date +%s%N)
    local ok=1
    # exit 0 exactly when OK (a sanitizer report changes the exit code)
    if [ "$want" = OK ]; then [ $rc = 0 ] || ok=0; else [ $rc = 1 ] || ok=0; fi
    printf '%s\n' "$out" | grep -q 'Sanitizer' && ok=0
    printf '%s\n' "$out" | grep -qx "result=$want" || ok=0
    for p in "${pats[@]}"; do printf '%s\n' "$out" | grep -q -- "$p" || ok=0; done
    if [ $ok = 1 ]; then
        echo "ok   $name ($(( (t1 - t0) / 1000000 )) ms)"
    else
        echo "FAIL $name: wanted result=$want ${pats[*]}"; printf '%s\n' "$out" | sed 's/^/     /'
        FAIL=1
    fi
}

ADM=(labadmin LabAdmin-456); USR=(labuser LabPass-123)

start default "interfaces = 127.0.0.1/8 ::1/128"
expect "default 3.1.1 admin transceive" OK "dialect=0x0311" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${ADM[@]}"
expect "default user transceive"        OK "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${USR[@]}"
expect "default user write+read"        OK "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${USR[@]}" write
expect "client requires signing 3.1.1"  OK "signing=1" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${ADM[@]}" sign
expect "client signing 3.0.2 (CMAC)"    OK "dialect=0x0302" "signing=1" -- 127.0.0.1 "$PORT" "${ADM[@]}" sign max=0x0302
expect "client signing 3.0 (CMAC)"      OK "dialect=0x0300" "signing=1" -- 127.0.0.1 "$PORT" "${ADM[@]}" sign max=0x0300
# 3.0/3.0.2: the signed FSCTL_VALIDATE_NEGOTIATE_INFO exchange (downgrade check)
# runs even when signing is not otherwise required, and smbd confirms it.
WN_LOG=debug expect "3.0.2 validates the negotiation" OK "dialect=0x0302" "validate negotiate ok" -- 127.0.0.1 "$PORT" "${ADM[@]}" max=0x0302
WN_LOG=debug expect "3.0 validates the negotiation"   OK "dialect=0x0300" "validate negotiate ok" -- 127.0.0.1 "$PORT" "${USR[@]}" max=0x0300
expect "client signing 2.1 (HMAC)"      OK "dialect=0x0210" "signing=1" -- 127.0.0.1 "$PORT" "${USR[@]}" sign min=0x0202 max=0x0210
expect "client signing 2.0.2 (HMAC)"    OK "dialect=0x0202" "signing=1" -- 127.0.0.1 "$PORT" "${USR[@]}" sign min=0x0202 max=0x0202
# signing by default: a default smbd does not require it, we sign anyway (3.1.1, 3.0 and,
# when the floor is lowered, 2.1); only an explicit option turns it off
expect "signs by default 3.1.1"         OK "dialect=0x0311" "signing=1" -- 127.0.0.1 "$PORT" "${USR[@]}"
expect "signs by default 3.0"           OK "dialect=0x0300" "signing=1" -- 127.0.0.1 "$PORT" "${USR[@]}" max=0x0300
expect "signs by default 2.1"           OK "dialect=0x0210" "signing=1" -- 127.0.0.1 "$PORT" "${USR[@]}" min=0x0202 max=0x0210
WN_LOG=warn expect "signing off only when asked" OK "signing=0" "signing turned off by option" -- 127.0.0.1 "$PORT" "${USR[@]}" signoff
# the dialect floor is 3.0: a client capped at 2.1 offers nothing
expect "no 2.x unless asked"            WN_E_INVAL -- 127.0.0.1 "$PORT" "${USR[@]}" max=0x0210
expect "no encryption unless needed"    OK "encryption=0" -- 127.0.0.1 "$PORT" "${USR[@]}"
expect "encryption asked by the client" OK "dialect=0x0311" "encryption=[1-4]" "bind_ack ptype=12" -- 127.0.0.1 "$PORT" "${USR[@]}" encrypt=required
expect "encryption asked, 3.0"          OK "dialect=0x0300" "encryption=1" "bind_ack ptype=12" -- 127.0.0.1 "$PORT" "${USR[@]}" encrypt=required max=0x0300
expect "encryption asked, 2.1: refused" WN_E_UNSUPPORTED -- 127.0.0.1 "$PORT" "${USR[@]}" encrypt=required min=0x0202 max=0x0210
expect "wrong password"                 WN_E_AUTH -- 127.0.0.1 "$PORT" labuser wrong-password
expect "unknown user"                   WN_E_AUTH -- 127.0.0.1 "$PORT" nosuchuser x
expect "allocation failures (sweep)"   OK "sweep_runs=" -- 127.0.0.1 "$PORT" "${USR[@]}" allocsweep sign
expect "anonymous (no key, unsigned)"  OK "signing=0" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "" ""
expect "anonymous cannot sign"          WN_E_SIGNATURE -- 127.0.0.1 "$PORT" "" "" sign
if ss -tlnH "sport = :$PORT" 2>/dev/null | grep -q '\[::1\]'; then
    expect "IPv6 ::1 signed 2.1"        OK "dialect=0x0210" "signing=1" "bind_ack ptype=12" -- ::1 "$PORT" "${USR[@]}" sign min=0x0202 max=0x0210
    expect "IPv6 ::1 3.1.1"             OK "dialect=0x0311" "bind_ack ptype=12" -- ::1 "$PORT" "${ADM[@]}"
else
    echo "skip IPv6 (smbd not listening on ::1)"
fi
expect "localhost name"                 OK "bind_ack ptype=12 n_results=1 result=0" -- localhost "$PORT" "${USR[@]}"

start mandatory "server signing = mandatory"
expect "server signing mandatory"       OK "signing=1" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${ADM[@]}"
expect "server signing mandatory, anonymous" WN_E_SIGNATURE -- 127.0.0.1 "$PORT" "" ""
expect "server signing mandatory 2.1"   OK "dialect=0x0210" "signing=1" -- 127.0.0.1 "$PORT" "${USR[@]}" min=0x0202 max=0x0210
expect "server signing mandatory, signoff" OK "signing=1" -- 127.0.0.1 "$PORT" "${USR[@]}" signoff

start min311 "server min protocol = SMB3_11"
expect "server min SMB3_11"             OK "dialect=0x0311" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${ADM[@]}"
expect "server min SMB3_11, client max 3.0.2" WN_E_UNSUPPORTED -- 127.0.0.1 "$PORT" "${ADM[@]}" max=0x0302

# encryption required by the server: we encrypt with whatever cipher was negotiated, with each
# of the four on 3.1.1 and with AES-128-CCM on 3.0.2 and 3.0 (before encryption: WN_E_ACCESS)
start encrypt "server smb encrypt = required"
expect "server requires encryption 3.1.1" OK "dialect=0x0311" "encryption=[1-4]" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${USR[@]}"
expect "encryption 3.1.1 write+read"    OK "encryption=[1-4]" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${ADM[@]}" write
expect "encryption AES-128-CCM"         OK "encryption=1" "bind_ack ptype=12" -- 127.0.0.1 "$PORT" "${USR[@]}" ciphers=0x2
expect "encryption AES-128-GCM"         OK "encryption=2" "bind_ack ptype=12" -- 127.0.0.1 "$PORT" "${USR[@]}" ciphers=0x4
expect "encryption AES-256-CCM"         OK "encryption=3" "bind_ack ptype=12" -- 127.0.0.1 "$PORT" "${USR[@]}" ciphers=0x8
expect "encryption AES-256-GCM"         OK "encryption=4" "bind_ack ptype=12" -- 127.0.0.1 "$PORT" "${USR[@]}" ciphers=0x10
expect "server requires encryption 3.0.2" OK "dialect=0x0302" "encryption=1" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${ADM[@]}" max=0x0302
expect "server requires encryption 3.0" OK "dialect=0x0300" "encryption=1" "bind_ack ptype=12" -- 127.0.0.1 "$PORT" "${USR[@]}" max=0x0300
expect "encryption allocation failures" OK "sweep_runs=" -- 127.0.0.1 "$PORT" "${USR[@]}" allocsweep
WN_LOG=warn expect "encryption off: refused, and said why" WN_E_ACCESS "require encryption" -- 127.0.0.1 "$PORT" "${USR[@]}" encrypt=off
expect "encryption required, 2.1 client" WN_E_ACCESS -- 127.0.0.1 "$PORT" "${USR[@]}" min=0x0202 max=0x0210

# encryption required for the IPC$ share only (SHAREFLAG_ENCRYPT_DATA in the TREE_CONNECT
# reply): encrypted from there on; refused when encryption is off
start shareenc '[IPC$]' 'smb encrypt = required'
WN_LOG=debug expect "share requires encryption 3.1.1" OK "encryption=[1-4]" "from the IPC\$ share on" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${USR[@]}"
WN_LOG=debug expect "share requires encryption 3.0.2" OK "encryption=1" "from the IPC\$ share on" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${USR[@]}" max=0x0302
expect "share requires encryption, off" WN_E_ACCESS -- 127.0.0.1 "$PORT" "${USR[@]}" encrypt=off

# a server that maps bad passwords and unknown users to guest: a logon failure for us, never
# a guest session (the right password still works)
start guest "map to guest = bad user"
expect "bad user mapped to guest: wrong password" WN_E_AUTH -- 127.0.0.1 "$PORT" labuser wrong-password
WN_LOG=warn expect "bad user mapped to guest: unknown user"   WN_E_AUTH "guest session: refused" -- 127.0.0.1 "$PORT" nosuchuser x
expect "bad user mapped to guest, 3.0"  WN_E_AUTH -- 127.0.0.1 "$PORT" nosuchuser x max=0x0300
expect "bad user mapped to guest, 2.1 unsigned" WN_E_AUTH -- 127.0.0.1 "$PORT" nosuchuser x min=0x0202 max=0x0210 signoff
expect "map to guest: right password"   OK "signing=1" "bind_ack ptype=12" -- 127.0.0.1 "$PORT" "${USR[@]}"

start max210 "server max protocol = SMB2_10"
WN_LOG=warn expect "server max SMB2_10: refused by default" WN_E_UNSUPPORTED "no dialect in common" -- 127.0.0.1 "$PORT" "${ADM[@]}"
expect "server max SMB2_10, floor lowered" OK "dialect=0x0210" "signing=1" "bind_ack ptype=12 n_results=1 result=0" -- 127.0.0.1 "$PORT" "${ADM[@]}" min=0x0202
expect "server max SMB2_10 signed"      OK "dialect=0x0210" "signing=1" -- 127.0.0.1 "$PORT" "${USR[@]}" sign min=0x0202

# closed port: the port of the stopped smbd, with nothing listening must fail fast with CONNREFUSED
"$LIB/smbd-stop.sh" "$TOP/max210"
t0=$(date +%s%N)
expect "closed port"                    WN_E_CONNREFUSED -- 127.0.0.1 "$PORT" "${ADM[@]}" timeout=5000
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 2000 ] || { echo "FAIL closed port took too long"; FAIL=1; }

# a peer that accepts but never answers: WN_E_TIMEOUT after about timeout_ms
SILENT_PORT=
for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 20000 ))
    ss -tlnH "sport = :$p" 2>/dev/null | grep -q . || { SILENT_PORT=$p; break; }
done
/usr/bin/python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); print("up", flush=True)
c=[]
while True: c.append(s.accept())' "$SILENT_PORT" > "$TOP/silent.out" 2>&1 &
SILENT_PID=$!
trap 'kill $SILENT_PID 2>/dev/null; cleanup' EXIT INT TERM
for _ in $(seq 1 100); do grep -q up "$TOP/silent.out" 2>/dev/null && break; sleep 0.05; done
t0=$(date +%s%N)
expect "silent peer times out"          WN_E_TIMEOUT -- 127.0.0.1 "$SILENT_PORT" "${ADM[@]}" timeout=400
t1=$(date +%s%N); dt=$(( (t1 - t0) / 1000000 ))
{ [ $dt -ge 380 ] && [ $dt -lt 3000 ]; } || { echo "FAIL silent peer: took $dt ms for timeout=400"; FAIL=1; }
kill $SILENT_PID 2>/dev/null

exit $FAIL
