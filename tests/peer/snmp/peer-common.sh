#!/bin/bash
# peer-common.sh: shared helpers (free UDP port, stop by PID) for the SNMP peer scripts; sourced, not run.

# Prints a UDP port that is free on both 127.0.0.1 and ::1 right now.
wn_free_udp_port() {
    /usr/bin/python3 - <<'PY'
import socket, random
for _ in range(200):
    port = random.randint(20000, 60000)
    socks = []
    try:
        for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            socks.append(s)
            s.bind((addr, port))
        print(port)
        break
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
else:
    raise SystemExit("no free port")
PY
}

# True while PID exists and is not a zombie.
wn_pid_alive() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

# wn_stop_pidfile FILE: TERM the PID in FILE, wait up to 5 s, then KILL. Fails if it survives.
wn_stop_pidfile() {
    local f=$1 pid i
    [ -s "$f" ] || return 0
    pid=$(head -n1 "$f")
    case $pid in ''|*[!0-9]*) echo "bad pid in $f" >&2; return 1;; esac
    if wn_pid_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 100); do
            wn_pid_alive "$pid" || break
            sleep 0.05
        done
        if wn_pid_alive "$pid"; then
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.1
        fi
    fi
    if wn_pid_alive "$pid"; then
        echo "pid $pid from $f still running" >&2
        return 1
    fi
    rm -f "$f"
}
