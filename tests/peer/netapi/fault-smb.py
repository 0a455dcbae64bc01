# fault-smb.py MODE [UPSTREAM_PORT]: a misbehaving SMB server on 127.0.0.1 (prints "PORT=n").
# Not an SMB server (no upstream): garbage, silent, huge, reset, close -- what it does to the
# client's first message (NEGOTIATE).  Mid-call (a proxy to the smbd on UPSTREAM_PORT that
# forwards everything until the client's NetrSessionEnum request, an IOCTL carrying a DCE/RPC
# request with opnum 12): mid-garbage, mid-silent, mid-huge, mid-reset -- what it answers then;
# mid-none forwards everything.
import os
import select
import socket
import struct
import sys
import threading

mode = sys.argv[1]
upstream = int(sys.argv[2]) if len(sys.argv) > 2 else 0
GARBAGE = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" + os.urandom(64)
HUGE = b"\x00\xff\xff\xff" + b"\xfeSMB" + b"\x00" * 60   # NBSS length 16 MiB - 1
SMB2_IOCTL = 0x000B


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        k = s.recv(n - len(b))
        if not k:
            return None
        b += k
    return b


def read_frame(s):
    h = recv_exact(s, 4)
    if h is None:
        return None
    n = (h[1] << 16) | (h[2] << 8) | h[3]
    body = recv_exact(s, n)
    return None if body is None else h + body


def is_session_enum(frame):
    m = frame[4:]
    if len(m) < 64 + 40 or m[:4] != b"\xfeSMB":
        return False
    if struct.unpack_from("<H", m, 12)[0] != SMB2_IOCTL:
        return False
    in_off, in_len = struct.unpack_from("<II", m, 64 + 24)
    data = m[in_off:in_off + in_len]
    return len(data) >= 24 and data[2] == 0 and struct.unpack_from("<H", data, 22)[0] == 12


def misbehave(c, how):
    if how == "garbage":
        c.sendall(GARBAGE)
        c.shutdown(socket.SHUT_WR)
        c.recv(65536)
    elif how == "silent":
        while c.recv(65536):
            pass
    elif how == "huge":
        c.sendall(HUGE)
        while c.recv(65536):
            pass
    elif how == "reset":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # "close" and "reset": closed by the caller


def handle(c):
    try:
        if not mode.startswith("mid-"):
            if read_frame(c) is not None:
                misbehave(c, mode)
            return
        u = socket.create_connection(("127.0.0.1", upstream))
        try:
            while True:
                r, _, _ = select.select([c, u], [], [])
                if u in r:
                    data = u.recv(65536)
                    if not data:
                        return
                    c.sendall(data)
                if c in r:
                    f = read_frame(c)
                    if f is None:
                        return
                    if mode != "mid-none" and is_session_enum(f):
                        how = mode[4:]
                        if how == "garbage":
                            c.sendall(b"\x00\x00\x00\x40" + os.urandom(64))
                            while c.recv(65536):
                                pass
                        else:
                            misbehave(c, how)
                        return
                    u.sendall(f)
        finally:
            u.close()
    except OSError:
        pass
    finally:
        c.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
print("PORT=%d" % srv.getsockname()[1], flush=True)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
