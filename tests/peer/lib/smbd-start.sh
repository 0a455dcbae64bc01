#!/bin/bash
# smbd-start.sh DIR [extra smb.conf [global] lines...] -- private standalone smbd on 127.0.0.1 only, all state in DIR.
# Prints KEY=VALUE lines: DIR, CONF, PORT, SMBD_PID.  Port: $SMB_PORT, else a free one.
# Users (Unix account + passdb): $LAB_USER/$LAB_PASS (default labuser/LabPass-123) and
# $LAB_ADMIN/$LAB_ADMIN_PASS (labadmin/LabAdmin-456, mapped to BUILTIN\Administrators and
# Domain Admins so that NetSessionEnum/NetSessionDel are allowed).  Stop with smbd-stop.sh DIR.
set -euo pipefail
DIR=${1:?usage: smbd-start.sh DIR [smb.conf lines...]}; shift
LAB_USER=${LAB_USER:-labuser};   LAB_PASS=${LAB_PASS:-LabPass-123}
LAB_ADMIN=${LAB_ADMIN:-labadmin}; LAB_ADMIN_PASS=${LAB_ADMIN_PASS:-LabAdmin-456}
SMBD=${SMBD:-/usr/sbin/smbd}
[ -x "$SMBD" ] || { echo "smbd-start: $SMBD not installed" >&2; exit 77; }

port_free() { ! ss -tlnH "sport = :$1" 2>/dev/null | grep -q .; }
pick_port() {
    PORT=
    for _ in $(seq 1 50); do
        p=$(( 20000 + RANDOM % 20000 ))
        if port_free "$p"; then PORT=$p; break; fi
    done
    [ -n "$PORT" ] || { echo "smbd-start: no free port" >&2; exit 1; }
}
if [ -n "${SMB_PORT:-}" ]; then
    PORT=$SMB_PORT
else
    pick_port
fi

mkdir -p "$DIR"/{private,lock,state,cache,run,ncalrpc,log,share,usershares,bind-dns}
# smbd serves files as the Unix user: DIR and its parents must be traversable (mktemp -d is 0700)
chmod 755 "$DIR"; chmod 700 "$DIR/private"; chmod 1777 "$DIR/share"
CONF=$DIR/smb.conf
{
    cat <<CONF
[global]
    server role = standalone server
    workgroup = LABGROUP
    netbios name = LABSRV
    interfaces = 127.0.0.1/8
    bind interfaces only = yes
    smb ports = $PORT
    disable netbios = yes
    private dir = $DIR/private
    lock directory = $DIR/lock
    state directory = $DIR/state
    cache directory = $DIR/cache
    pid directory = $DIR/run
    ncalrpc dir = $DIR/ncalrpc
    binddns dir = $DIR/bind-dns
    usershare path = $DIR/usershares
    passdb backend = tdbsam:$DIR/private/passdb.tdb
    smb passwd file = $DIR/private/smbpasswd
    log file = $DIR/log/log.%m
    max log size = 0
    log level = ${SMB_LOG_LEVEL:-1}
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    map to guest = never
    rpc start on demand helpers = yes
CONF
    for line in "$@"; do printf '    %s\n' "$line"; done
    cat <<CONF

[share]
    path = $DIR/share
    read only = no
    guest ok = no
CONF
} > "$CONF"

# (parallel peer tests may race to create these: re-check instead of failing)
for u in "$LAB_USER" "$LAB_ADMIN"; do
    id "$u" >/dev/null 2>&1 || useradd -M -N -s /usr/sbin/nologin "$u" 2>/dev/null || id "$u" >/dev/null
done
# NetSessEnum needs S-1-5-32-544 in the token, NetSessDel uid 0 or RID 512: one Unix group per SID
for g in labbuiltinadm labdomadmins; do
    getent group "$g" >/dev/null || groupadd "$g" 2>/dev/null || getent group "$g" >/dev/null
done
# /etc/group is shared with other peer tests running at the same time: usermod can find it
# locked, so retry, and skip when the membership is already there
for _ in $(seq 1 40); do
    id -nG "$LAB_ADMIN" | tr ' ' '\n' | grep -qx labbuiltinadm &&
        id -nG "$LAB_ADMIN" | tr ' ' '\n' | grep -qx labdomadmins && break
    usermod -a -G labbuiltinadm,labdomadmins "$LAB_ADMIN" 2>/dev/null && break
    sleep 0.1
done
id -nG "$LAB_ADMIN" | tr ' ' '\n' | grep -qx labdomadmins ||
    { echo "smbd-start: could not add $LAB_ADMIN to the admin groups" >&2; exit 1; }
net -s "$CONF" groupmap add sid=S-1-5-32-544 unixgroup=labbuiltinadm type=builtin >/dev/null
net -s "$CONF" groupmap add ntgroup="Domain Admins" rid=512 unixgroup=labdomadmins type=domain >/dev/null
printf '%s\n%s\n' "$LAB_PASS" "$LAB_PASS" | smbpasswd -c "$CONF" -s -a "$LAB_USER" >/dev/null
printf '%s\n%s\n' "$LAB_ADMIN_PASS" "$LAB_ADMIN_PASS" | smbpasswd -c "$CONF" -s -a "$LAB_ADMIN" >/dev/null

# -F keeps smbd in the foreground so $! is its PID.  Never --no-process-group: on SIGTERM smbd
# signals its whole process group, which would then be ours.
# A free port may be taken by a parallel test before smbd binds it: then
# smbd dies with "Address already in use" and another port is tried.
for attempt in 1 2 3 4 5; do
    : > "$DIR/smbd.out"
    "$SMBD" -F --debug-stdout -s "$CONF" </dev/null >>"$DIR/smbd.out" 2>&1 &
    PID=$!
    echo "$PID" > "$DIR/smbd.main.pid"
    for _ in $(seq 1 200); do
        if ss -tlnH "sport = :$PORT" 2>/dev/null | grep -q 127.0.0.1; then
            echo "DIR=$DIR"; echo "CONF=$CONF"; echo "PORT=$PORT"; echo "SMBD_PID=$PID"
            exit 0
        fi
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    if ! kill -0 "$PID" 2>/dev/null; then
        if [ -z "${SMB_PORT:-}" ] && [ "$attempt" -lt 5 ] &&
            grep -q "Address already in use" "$DIR/smbd.out"; then
            old=$PORT
            pick_port
            sed -i "s/^    smb ports = $old\$/    smb ports = $PORT/" "$CONF"
            continue
        fi
        echo "smbd-start: smbd died:" >&2; tail -20 "$DIR/smbd.out" >&2; exit 1
    fi
    break
done
echo "smbd-start: smbd did not listen on 127.0.0.1:$PORT" >&2
kill "$PID" 2>/dev/null
exit 1
