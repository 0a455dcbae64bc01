# hold_sessions.py HOST PORT USER PASSWORD N: opens N impacket SMB sessions (one TCP connection each) and holds them until stdin closes.
import sys

from impacket.smbconnection import SMBConnection

host, port, user, pw, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
conns = []
for _ in range(n):
    c = SMBConnection(host, host, sess_port=port)
    c.login(user, pw)
    conns.append(c)
print("held %d" % len(conns), flush=True)
sys.stdin.read()
for c in conns:
    try:
        c.logoff()
    except Exception:
        pass
