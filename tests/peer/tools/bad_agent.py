#!/usr/bin/python3
"""bad_agent.py MODE: a deliberately misbehaving SNMPv2c agent on 127.0.0.1 (a free port, printed first) for the wsnmp walk checks.

MODE decrease: under 1.3.6.1.4.1.99999 it answers .2.0 first, then .1.0 (an OID going backwards), then ends.
MODE toobig:   GetBulk with max-repetitions above 2 gets tooBig; otherwise rows .3.1.0 .. .3.6.0, then the end.
MODE slow:     as toobig, each answer 0.4 s late (a walk that takes seconds).
A test helper, not a codec of the project: it understands just the requests wsnmp sends.
"""
import socket
import sys
import time

ROOT = (1, 3, 6, 1, 4, 1, 99999)
ROWS = [ROOT + (3, i, 0) for i in range(1, 7)]


def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body


def enc_int(v):
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def enc_oid(oid):
    out = bytearray([oid[0] * 40 + oid[1]])
    for sub in oid[2:]:
        chunk = [sub & 0x7F]
        sub >>= 7
        while sub:
            chunk.append(0x80 | (sub & 0x7F))
            sub >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def read(buf, pos):
    tag = buf[pos]
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    return tag, buf[pos:pos + n], pos + n


def dec_oid(body):
    oid = [body[0] // 40, body[0] % 40]
    v = 0
    for b in body[1:]:
        v = (v << 7) | (b & 0x7F)
        if not b & 0x80:
            oid.append(v)
            v = 0
    return tuple(oid)


def answer(mode, pdu_tag, reqid, b, oid):
    status, vbs = 0, []
    if mode == "toobig" and pdu_tag == 0xA5 and b > 2:
        status, vbs = 1, [(oid, tlv(0x05, b""))]
    elif mode in ("toobig", "slow"):
        after = [r for r in ROWS if r > oid][: max(1, b if pdu_tag == 0xA5 else 1)]
        vbs = [(r, enc_int(r[-2])) for r in after] or [(oid, tlv(0x82, b""))]
    else:
        nxt = {ROOT: ROOT + (2, 0), ROOT + (2, 0): ROOT + (1, 0)}.get(oid)
        vbs = [(nxt, enc_int(7))] if nxt else [(oid, tlv(0x82, b""))]
    body = b"".join(tlv(0x30, enc_oid(o) + v) for o, v in vbs)
    return tlv(0xA2, enc_int(reqid) + enc_int(status) + enc_int(0) + tlv(0x30, body))


def main():
    mode = sys.argv[1]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    while True:
        data, peer = s.recvfrom(65535)
        try:
            _, msg, _ = read(data, 0)
            _, ver, p = read(msg, 0)
            _, community, p = read(msg, p)
            pdu_tag, pdu, _ = read(msg, p)
            _, rid, q = read(pdu, 0)
            _, _, q = read(pdu, q)
            _, b, q = read(pdu, q)
            _, vbl, _ = read(pdu, q)
            _, vb, _ = read(vbl, 0)
            _, oid, _ = read(vb, 0)
        except (IndexError, ValueError):
            continue
        if mode == "slow":
            time.sleep(0.4)
        reply = answer(mode, pdu_tag, int.from_bytes(rid, "big", signed=True),
                       int.from_bytes(b, "big"), dec_oid(oid))
        s.sendto(tlv(0x30, enc_int(int.from_bytes(ver, "big")) + tlv(0x04, community) + reply), peer)


if __name__ == "__main__":
    main()
