# hold-open.py HOST PORT USER SHARE PATH (password in $HOLD_PASSWORD): an impacket SMB client that keeps one file open until stdin closes (a second client with an open count).
import os
import sys

from impacket.smbconnection import SMBConnection
host, port, user, share, path = sys.argv[1:6]
pw = os.environ.get("HOLD_PASSWORD", "")
c = SMBConnection(host, host, sess_port=int(port))
c.login(user, pw)
tid = c.connectTree(share)
fid = c.openFile(tid, path, desiredAccess=0x00120089)
print("open", flush=True)
sys.stdin.read()
