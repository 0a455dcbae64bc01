#!/bin/bash
# smbd-stop.sh DIR -- stops, by PID, everything smbd-start.sh / smb-open-session.sh started for DIR.
# Order: kept-open sessions, then smbd (waiting for its children: a child still closing an RPC
# pipe would start a new samba-dcerpcd), then samba-dcerpcd and its rpcd_* workers, which
# smbd starts on demand and which are re-parented to init (they do not die with smbd).
DIR=${1:?usage: smbd-stop.sh DIR}
[ -d "$DIR" ] || exit 0
# zombies count as gone (init here reaps orphans lazily and kill -0 succeeds on zombies)
alive() { for p in "$@"; do s=$(ps -o stat= -p "$p" 2>/dev/null); [ -n "$s" ] && [ "${s#Z}" = "$s" ] && return 0; done; return 1; }
waitgone() { for _ in $(seq 50); do alive "$@" || return 0; sleep 0.1; done; return 1; }
helpers() { pgrep -f -- "--configfile=$DIR/smb.conf" 2>/dev/null; }  # samba-dcerpcd/rpcd_* of THIS DIR

if [ -f "$DIR/sessions.pids" ]; then
    S=$(cat "$DIR/sessions.pids")
    # shellcheck disable=SC2086
    [ -n "$S" ] && { kill $S 2>/dev/null; waitgone $S || kill -9 $S 2>/dev/null; }
    rm -f "$DIR/sessions.pids"
fi
M=
if [ -f "$DIR/smbd.main.pid" ]; then
    M=$(cat "$DIR/smbd.main.pid")
    KIDS=$(pgrep -P "$M" 2>/dev/null | tr '\n' ' ')
    kill "$M" 2>/dev/null
    # shellcheck disable=SC2086
    waitgone "$M" $KIDS || kill -9 "$M" $KIDS 2>/dev/null
    rm -f "$DIR/smbd.main.pid"
fi
for _ in 1 2; do
    P=$( { [ -f "$DIR/run/samba-dcerpcd.pid" ] && cat "$DIR/run/samba-dcerpcd.pid"; helpers; } | sort -u | tr '\n' ' ')
    # shellcheck disable=SC2086
    [ -n "${P// /}" ] && { kill $P 2>/dev/null; waitgone $P || kill -9 $P 2>/dev/null; }
    sleep 0.1
done
exit 0
