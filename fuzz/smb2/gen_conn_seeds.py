#!/usr/bin/python3
"""gen_conn_seeds.py: writes the seeds of fuzz_smb2_conn into fuzz/corpus/fuzz_smb2_conn/.

They are built from the loopback capture's SMB2 responses in
fuzz/corpus/fuzz_smb2_resp/capture-frame*.bin (CREATE, IOCTL, CLOSE,
TREE_DISCONNECT of an rpcclient session against smbd 4.17, SMB 3.1.1,
signed with that session's key) with message ids and statuses rewritten,
plus READ/WRITE/interim replies made to the MS-SMB2 2.2.20/2.2.22/2.2.2
layouts.  Run from the repository root.
"""
import os
import struct

SRC = 'fuzz/corpus/fuzz_smb2_resp'
DST = 'fuzz/corpus/fuzz_smb2_conn'
PENDING, OVERFLOW = 0x103, 0x80000005


def frame(n):
    with open(os.path.join(SRC, 'capture-frame%d.bin' % n), 'rb') as f:
        return bytearray(f.read())


def hdr(msg, mid=None, status=None, cmd=None, flags=None):
    m = bytearray(msg)
    if mid is not None:
        struct.pack_into('<Q', m, 24, mid)
    if status is not None:
        struct.pack_into('<I', m, 8, status)
    if cmd is not None:
        struct.pack_into('<H', m, 12, cmd)
    if flags is not None:
        struct.pack_into('<I', m, 16, flags)
    return m


def nbss(msg):
    return struct.pack('>I', len(msg)) + bytes(msg)


def plain(cmd, mid, status, body, flags=0x1):
    base = frame(46)[:64]            # a real header: session and tree ids of the capture
    m = hdr(base, mid=mid, status=status, cmd=cmd, flags=flags)
    m[48:64] = bytes(16)             # unsigned
    return m + body


def read_resp(mid, data, status=0):
    body = struct.pack('<HBBIII', 17, 80, 0, len(data), 0, 0) + data
    return plain(8, mid, status, body)


def write_resp(mid, count):
    return plain(9, mid, 0, struct.pack('<HHIIHH', 17, 0, count, 0, 0, 0) + b'\0')


def interim(cmd, mid):
    return plain(cmd, mid, PENDING, struct.pack('<HBBI', 9, 0, 0, 0) + b'\0', flags=0x3)


def seed(name, mode, mid, *msgs):
    os.makedirs(DST, exist_ok=True)
    with open(os.path.join(DST, name), 'wb') as f:
        f.write(bytes([mode]) + struct.pack('<Q', mid) + b''.join(nbss(m) for m in msgs))


SCEN_ECHO, SCEN_READ, SCEN_TRANSCEIVE, SCEN_WRITE = 0x00, 0x10, 0x20, 0x30
D202, D311 = 0, 3
SIGNING, KEY_ONLY = 0x04, 0x08
create, ioctl, close, tdis = frame(38), frame(40), frame(44), frame(46)
frag = bytes(range(256)) * 4

seed('echo_capture_signed_no_key', SCEN_ECHO | D311, 8, tdis)
seed('echo_signing_bad_signature', SCEN_ECHO | D311 | SIGNING, 8, tdis)
seed('echo_key_only_bad_signature', SCEN_ECHO | D311 | KEY_ONLY, 8, tdis)
seed('echo_signing_unsigned_reply', SCEN_ECHO | D311 | SIGNING, 8, plain(4, 8, 0, b'\x04\0\0\0'))
seed('echo_oplock_break_first', SCEN_ECHO | D202, 1,
     plain(18, 0xFFFFFFFFFFFFFFFF, 0, struct.pack('<HBBI', 24, 0, 0, 0) + bytes(16)),
     plain(4, 1, 0, b'\x04\0\0\0'), plain(4, 2, 0, b'\x04\0\0\0'))
seed('echo_wrong_mid', SCEN_ECHO | D202, 1, plain(4, 2, 0, b'\x04\0\0\0'))
seed('echo_nbss_keepalive_type', SCEN_ECHO | D202, 1, b'')
seed('pipe_read_loop', SCEN_READ | D311, 4, hdr(create, mid=4),
     read_resp(5, frag[:700], OVERFLOW), read_resp(6, frag[:300], OVERFLOW),
     read_resp(7, frag[:50]), hdr(close, mid=8), hdr(tdis, mid=9))
seed('pipe_read_loop_202', SCEN_READ | D202, 4, hdr(create, mid=4),
     read_resp(5, frag, OVERFLOW), read_resp(6, frag[:10]))
seed('pipe_transceive_overflow_then_read', SCEN_TRANSCEIVE | D311, 4, hdr(create, mid=4),
     hdr(ioctl, mid=5, status=OVERFLOW), read_resp(6, frag[:200]), hdr(close, mid=7),
     hdr(tdis, mid=8))
seed('pipe_transceive_capture', SCEN_TRANSCEIVE | D311, 4, hdr(create, mid=4),
     hdr(ioctl, mid=5), hdr(close, mid=6), hdr(tdis, mid=7))
seed('pipe_transceive_interim', SCEN_TRANSCEIVE | D311, 4, hdr(create, mid=4),
     interim(11, 5), hdr(ioctl, mid=5), hdr(close, mid=6))
seed('pipe_write_then_read', SCEN_WRITE | D311, 4, hdr(create, mid=4), write_resp(5, 72),
     read_resp(6, frag[:64], OVERFLOW), read_resp(7, frag[:8]), hdr(close, mid=8))
seed('pipe_read_more_than_asked', SCEN_READ | D202, 4, hdr(create, mid=4),
     read_resp(5, bytes(70000)))
