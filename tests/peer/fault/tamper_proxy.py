#!/usr/bin/python3
"""tamper_proxy.py UPSTREAM_PORT PORTFILE MODE CMD: TCP proxy on 127.0.0.1 that alters the first signed SMB2 reply of command CMD from the server.

MODE: none (pass everything), flip-signature (one bit of the signature),
flip-body (one bit of the body, signature kept), unsign (SIGNED flag
cleared and signature zeroed).  Writes its port to PORTFILE, then serves
connections until killed.  Test-only; loopback only.
"""
import socket
import struct
import sys
import threading

SIGNED = 0x8


def pump(src, dst, tamper):
    buf = b''
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if tamper is None:
                dst.sendall(data)
                continue
            buf += data
            while len(buf) >= 4:
                n = struct.unpack('>I', buf[:4])[0] & 0xFFFFFF
                if len(buf) < 4 + n:
                    break
                frame, buf = bytearray(buf[:4 + n]), buf[4 + n:]
                tamper(frame)
                dst.sendall(bytes(frame))
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def make_tamper(mode, cmd):
    done = [False]

    def tamper(frame):
        m = frame[4:]
        if done[0] or len(m) < 64 or m[:4] != b'\xfeSMB':
            return
        command = struct.unpack_from('<H', m, 12)[0]
        flags = struct.unpack_from('<I', m, 16)[0]
        if command != cmd or not flags & SIGNED:
            return
        done[0] = True
        if mode == 'flip-signature':
            frame[4 + 48] ^= 0x01
        elif mode == 'flip-body' and len(m) > 64:
            frame[4 + 64 + 2] ^= 0x01
        elif mode == 'unsign':
            struct.pack_into('<I', frame, 4 + 16, flags & ~SIGNED)
            frame[4 + 48:4 + 64] = bytes(16)
    return tamper


def main():
    up, portfile, mode, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(8)
    with open(portfile, 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    while True:
        c, _ = ls.accept()
        s = socket.create_connection(('127.0.0.1', up))
        t = None if mode == 'none' else make_tamper(mode, cmd)
        threading.Thread(target=pump, args=(c, s, None), daemon=True).start()
        threading.Thread(target=pump, args=(s, c, t), daemon=True).start()


main()
