#!/bin/bash
# smb-open-session.sh DIR USER PASS [SHARE] -- keeps an smbclient session (tree connect to SHARE,
# default "share") open on a FIFO so that it shows in NetSessionEnum; prints SMBCLIENT_PID and
# WRITER_PID and appends both to DIR/sessions.pids (smbd-stop.sh kills them).
# Close it early with: kill WRITER_PID SMBCLIENT_PID.
set -euo pipefail
DIR=$1; U=$2; P=$3; SHARE=${4:-share}
PORT=$(sed -n 's/^ *smb ports *= *//p' "$DIR/smb.conf")
F=$(mktemp -u "$DIR/sess.XXXXXX.fifo"); mkfifo "$F"
n_tcons() { smbstatus -s "$DIR/smb.conf" -S 2>/dev/null | grep -c "^$SHARE " || true; }
BEFORE=$(n_tcons)
# the password goes through the environment (PASSWD), never on smbclient's command line
PASSWD=$P smbclient -s "$DIR/smb.conf" -p "$PORT" "//127.0.0.1/$SHARE" -U "$U" <"$F" >"$F.out" 2>&1 &
SPID=$!
# one "pwd" proves session + tree connect; exec sleep keeps the FIFO open so smbclient waits
( echo pwd; exec sleep 100000 ) >"$F" &
WPID=$!
echo "$SPID $WPID" >> "$DIR/sessions.pids"
# smbclient's stdout is block-buffered when it is not a terminal: readiness is read from
# smbstatus (a session of this smbclient's user with a tree connect to SHARE)
for _ in $(seq 1 200); do
    [ "$(n_tcons)" -gt "$BEFORE" ] && { echo "SMBCLIENT_PID=$SPID"; echo "WRITER_PID=$WPID"; exit 0; }
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.05
done
echo "smb-open-session: smbclient failed:" >&2; cat "$F.out" >&2
kill "$WPID" "$SPID" 2>/dev/null
exit 1
