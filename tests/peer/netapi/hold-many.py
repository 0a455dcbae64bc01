# hold-many.py HOST PORT USER N (password in $HOLD_PASSWORD): opens N impacket SMB sessions, the i-th from source address 127.0.0.(i+2), so that each is a distinct client; holds them until stdin closes.
import os
import socket
import sys

from impacket.smbconnection import SMBConnection

host, port, user, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
pw = os.environ.get("HOLD_PASSWORD", "")
source = [None]
plain_socket = socket.socket


class BoundSocket(plain_socket):
    def connect(self, address):
        if source[0] is not None:
            self.bind((source[0], 0))
        return super().connect(address)


socket.socket = BoundSocket
conns = []
for i in range(n):
    source[0] = "127.0.0.%d" % (i + 2)
    c = SMBConnection(host, host, sess_port=port)
    c.login(user, pw)
    conns.append(c)
print("held %d" % len(conns), flush=True)
sys.stdin.read()
