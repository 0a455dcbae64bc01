# smb_tamper.py: the SMB2 tampering TCP proxy of the fault and tamper tests (forwards NBSS frames on 127.0.0.1, records them, alters them as told); run it as smb-tamper-proxy.py.
"""Usage: smb-tamper-proxy.py --target-port P [--port N] [--dump FILE] [MODE...]

Listens on 127.0.0.1 (port N, or a free one), forwards every connection to
127.0.0.1:P frame by frame (NBSS), prints "PORT=<port>" once listening, and
logs each tampering to stderr as a line starting with "tampered:".  Loopback
only, by construction.

Modes (any combination):
  --flip-utf16 TEXT      in server->client frames, flip the low bit of the
                         first UTF-16LE character of TEXT wherever it appears
                         (e.g. a user name in a NetrSessionEnum reply)
  --flip-command CMD     flip the last byte of the --nth (default 1st) plain
                         reply of SMB2 command CMD (decimal), or, with
                         --flip-command any, of the nth reply of any kind
                         (an encrypted one included)
  --signed-reply HOW     alter the first SIGNED plain reply of SMB2 command
                         --signed-command CMD (decimal): flip-signature (one
                         bit of the signature), flip-body (one bit of the body,
                         signature kept) or unsign (SIGNED flag cleared,
                         signature zeroed)
  --guest                set SMB2_SESSION_FLAG_IS_GUEST in every successful
                         SESSION_SETUP reply
  --dialects HEX[,HEX]   rewrite the dialect list of the NEGOTIATE request in
                         place (the entries are overwritten cyclically)
  --forge-interim CMD    before the first plain reply of SMB2 command CMD
                         (decimal), inject a forged interim reply: a copy of
                         it turned into STATUS_PENDING with the ASYNC flag,
                         its SIGNED flag and (now wrong) signature kept
  --reseal PASSWORD      act as a peer that holds the session's keys (SMB 3.0 and
                         3.0.2, AES-128-CCM): follow the NTLMSSP exchange of the
                         client, derive the server->client encryption key with
                         PASSWORD, then decrypt the first encrypted reply, change
                         the SessionId named by --reseal-what, and seal it again
  --reseal-what WHAT     inner (default): the SessionId of the SMB2 header
                         inside; both: that of the TRANSFORM_HEADER as well
  --sever-on-usr1        on SIGUSR1, close the server side of every open
                         connection and leave the client side open and silent
                         until its next request, which is answered by closing
                         it (a connection that died unnoticed while kept idle)
  --dump FILE            append every frame as "<dir> <hex>" lines (c2s / s2c)
"""
import argparse
import hashlib
import hmac
import signal
import socket
import sys
import threading

NBSS_HDR = 4
SMB2_MAGIC = b"\xfeSMB"
TRANSFORM_MAGIC = b"\xfdSMB"
HDR_LEN = 64
CMD_NEGOTIATE = 0
CMD_SESSION_SETUP = 1
FLAG_RESPONSE = 0x1
SESSION_FLAG_IS_GUEST = 0x0001
NEGOTIATE_DIALECT_COUNT_OFF = HDR_LEN + 2
NEGOTIATE_DIALECTS_OFF = HDR_LEN + 36
SESSION_FLAGS_OFF = HDR_LEN + 2
STATUS_PENDING = 0x00000103
FLAG_ASYNC = 0x2
FLAG_SIGNED = 0x8
SIG_OFF = 48
SESSION_ID_OFF = 40
# SMB2 TRANSFORM_HEADER (MS-SMB2 2.2.41)
TF_SIG = slice(4, 20)
TF_NONCE = slice(20, 36)
TF_AAD = slice(20, 52)
TF_SESSION_ID = slice(44, 52)
TF_LEN = 52
CCM_NONCE_LEN = 11
# NTLMSSP AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3): field offsets, flags
NTLMSSP = b"NTLMSSP\x00"
NTLM_AUTHENTICATE = 3
NTLM_NT_RESPONSE_OFF = 20
NTLM_DOMAIN_OFF = 28
NTLM_USER_OFF = 36
NTLM_SESSION_KEY_OFF = 52
NTLM_FLAGS_OFF = 60
NTLM_UNICODE = 0x00000001
NTLM_KEY_EXCH = 0x40000000


def log(msg):
    print("tampered: " + msg, file=sys.stderr, flush=True)


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def recv_frame(s):
    hdr = recv_exact(s, NBSS_HDR)
    if hdr is None:
        return None
    length = int.from_bytes(hdr[1:4], "big")
    body = recv_exact(s, length)
    if body is None:
        return None
    return hdr, bytearray(body)


def ntlm_field(m, off):
    n = int.from_bytes(m[off:off + 2], "little")
    at = int.from_bytes(m[off + 4:off + 8], "little")
    return bytes(m[at:at + n])


def ntlm_session_key(auth, password):
    """ExportedSessionKey of an NTLMv2 AUTHENTICATE_MESSAGE, given the password
    (MS-NLMP 3.3.2 and 3.1.5.1.2)."""
    from Cryptodome.Cipher import ARC4
    from Cryptodome.Hash import MD4
    flags = int.from_bytes(auth[NTLM_FLAGS_OFF:NTLM_FLAGS_OFF + 4], "little")
    enc = "utf-16-le" if flags & NTLM_UNICODE else "latin-1"
    user = ntlm_field(auth, NTLM_USER_OFF).decode(enc)
    domain = ntlm_field(auth, NTLM_DOMAIN_OFF).decode(enc)
    nt_hash = MD4.new(password.encode("utf-16-le")).digest()
    key_nt = hmac.new(nt_hash, (user.upper() + domain).encode("utf-16-le"), "md5").digest()
    proof = ntlm_field(auth, NTLM_NT_RESPONSE_OFF)[:16]
    kxkey = hmac.new(key_nt, proof, "md5").digest()
    enc_key = ntlm_field(auth, NTLM_SESSION_KEY_OFF)
    if flags & NTLM_KEY_EXCH and enc_key:
        return ARC4.new(kxkey).decrypt(enc_key)
    return kxkey


def smb30_server_out_key(session_key):
    """SMB 3.0/3.0.2 key the server encrypts with (MS-SMB2 3.3.5.5.3):
    SP800-108 counter-mode KDF, HMAC-SHA256, label SMB2AESCCM, context
    ServerOut, 128 bits."""
    data = (1).to_bytes(4, "big") + b"SMB2AESCCM\x00" + b"\x00" + b"ServerOut\x00" + \
        (128).to_bytes(4, "big")
    return hmac.new(session_key[:16], data, hashlib.sha256).digest()[:16]


class Tamperer:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.seen = 0
        self.forged = False
        self.dump = open(args.dump, "a") if args.dump else None
        self.ntlm_auth = None
        self.resealed = False
        self.signed_done = False
        self.live = {}      # client socket -> server socket, while both pumps run
        self.severed = set()

    def sever_all(self, *_):
        with self.lock:
            pairs = list(self.live.items())
            self.severed.update(c for c, _ in pairs)
        for _, up in pairs:
            try:
                up.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        log("severed %d connection(s): server side closed, client side kept open" % len(pairs))

    def is_severed(self, conn):
        with self.lock:
            return conn in self.severed

    def record(self, direction, msg):
        if self.dump:
            with self.lock:
                self.dump.write("%s %s\n" % (direction, bytes(msg).hex()))
                self.dump.flush()

    def request(self, msg):
        a = self.args
        if a.reseal and msg[:4] == SMB2_MAGIC and len(msg) > HDR_LEN and \
                int.from_bytes(msg[12:14], "little") == CMD_SESSION_SETUP:
            i = msg.find(NTLMSSP)
            if i >= 0 and int.from_bytes(msg[i + 8:i + 12], "little") == NTLM_AUTHENTICATE:
                with self.lock:
                    self.ntlm_auth = bytes(msg[i:])
        if a.dialects and msg[:4] == SMB2_MAGIC and len(msg) > NEGOTIATE_DIALECTS_OFF:
            cmd = int.from_bytes(msg[12:14], "little")
            if cmd == CMD_NEGOTIATE:
                n = int.from_bytes(msg[NEGOTIATE_DIALECT_COUNT_OFF:NEGOTIATE_DIALECT_COUNT_OFF + 2],
                                   "little")
                old = []
                for i in range(n):
                    off = NEGOTIATE_DIALECTS_OFF + 2 * i
                    old.append("%04x" % int.from_bytes(msg[off:off + 2], "little"))
                    msg[off:off + 2] = a.dialects[i % len(a.dialects)].to_bytes(2, "little")
                log("NEGOTIATE dialects %s -> %s" % (",".join(old),
                                                      ",".join("%04x" % d for d in a.dialects)))
        return msg

    def forge(self, msg):
        """A forged message to send before msg, or None."""
        a = self.args
        if a.forge_interim is None or msg[:4] != SMB2_MAGIC or len(msg) < HDR_LEN:
            return None
        if int.from_bytes(msg[12:14], "little") != a.forge_interim:
            return None
        with self.lock:
            if self.forged:
                return None
            self.forged = True
        fake = bytearray(msg)
        fake[8:12] = STATUS_PENDING.to_bytes(4, "little")
        fake[16] |= FLAG_ASYNC
        log("forged an interim reply before the reply to command %d" % a.forge_interim)
        return fake

    def reseal(self, msg):
        """msg (an encrypted reply) sealed again with another SessionId."""
        from Cryptodome.Cipher import AES
        with self.lock:
            if self.resealed or self.ntlm_auth is None:
                return msg
            self.resealed = True
            auth = self.ntlm_auth
        key = smb30_server_out_key(ntlm_session_key(auth, self.args.reseal))
        nonce = bytes(msg[TF_NONCE][:CCM_NONCE_LEN])
        c = AES.new(key, AES.MODE_CCM, nonce=nonce, mac_len=16)
        c.update(bytes(msg[TF_AAD]))
        plain = bytearray(c.decrypt_and_verify(bytes(msg[TF_LEN:]), bytes(msg[TF_SIG])))
        sid = int.from_bytes(plain[SESSION_ID_OFF:SESSION_ID_OFF + 8], "little")
        other = (sid ^ 0x1).to_bytes(8, "little")
        plain[SESSION_ID_OFF:SESSION_ID_OFF + 8] = other
        out = bytearray(msg)
        if self.args.reseal_what == "both":
            out[TF_SESSION_ID] = other
        c = AES.new(key, AES.MODE_CCM, nonce=nonce, mac_len=16)
        c.update(bytes(out[TF_AAD]))
        ct, tag = c.encrypt_and_digest(bytes(plain))
        out[TF_SIG] = tag
        out[TF_LEN:] = ct
        log("resealed an encrypted reply (command %d) with SessionId 0x%016x in the %s" %
            (int.from_bytes(plain[12:14], "little"), sid ^ 0x1,
             "TRANSFORM_HEADER and the SMB2 header" if self.args.reseal_what == "both"
             else "SMB2 header"))
        return out

    def reply(self, msg):
        a = self.args
        if a.reseal and msg[:4] == TRANSFORM_MAGIC and len(msg) > TF_LEN:
            msg = self.reseal(msg)
        plain = msg[:4] == SMB2_MAGIC and len(msg) >= HDR_LEN
        cmd = int.from_bytes(msg[12:14], "little") if plain else None
        status = int.from_bytes(msg[8:12], "little") if plain else None
        if a.guest and plain and cmd == CMD_SESSION_SETUP and status == 0:
            msg[SESSION_FLAGS_OFF] |= SESSION_FLAG_IS_GUEST
            log("SESSION_SETUP reply: guest flag set")
        if a.flip_utf16:
            pat = a.flip_utf16.encode("utf-16-le")
            i = msg.find(pat)
            while i >= 0:
                msg[i] ^= 0x01
                log("flipped a bit of %r in a reply" % a.flip_utf16)
                i = msg.find(pat, i + 1)
        if a.signed_reply and plain and cmd == a.signed_command:
            flags = int.from_bytes(msg[16:20], "little")
            with self.lock:
                first = flags & FLAG_SIGNED and not self.signed_done
                if first:
                    self.signed_done = True
            if first:
                if a.signed_reply == "flip-signature":
                    msg[SIG_OFF] ^= 0x01
                elif a.signed_reply == "flip-body" and len(msg) > HDR_LEN + 2:
                    msg[HDR_LEN + 2] ^= 0x01
                elif a.signed_reply == "unsign":
                    msg[16:20] = (flags & ~FLAG_SIGNED).to_bytes(4, "little")
                    msg[SIG_OFF:HDR_LEN] = bytes(16)
                log("%s on the signed reply of command %d" % (a.signed_reply, cmd))
        if a.flip_command is not None:
            match = a.flip_command == "any" or (plain and cmd == int(a.flip_command))
            if match:
                with self.lock:
                    self.seen += 1
                    nth = self.seen
                if nth == a.nth:
                    msg[-1] ^= 0x01
                    log("flipped the last byte of reply %d (%s)" %
                        (nth, "encrypted" if msg[:4] == TRANSFORM_MAGIC else "command %s" % cmd))
        return msg


def pump(src, dst, direction, t, client):
    try:
        while True:
            f = recv_frame(src)
            if f is None:
                break
            hdr, msg = f
            if t.is_severed(client):
                if direction == "c2s":
                    log("request on a severed connection: client side closed")
                break
            msg = t.request(msg) if direction == "c2s" else t.reply(msg)
            extra = t.forge(msg) if direction == "s2c" else None
            if extra is not None:
                t.record(direction, extra)
                dst.sendall(b"\x00" + len(extra).to_bytes(3, "big") + bytes(extra))
            t.record(direction, msg)
            dst.sendall(hdr + bytes(msg))
    except OSError:
        pass
    finally:
        for s in (src, dst):
            # a severed client learns of it only at its next request
            if s is client and direction == "s2c" and t.is_severed(client):
                continue
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(conn, t):
    try:
        up = socket.create_connection(("127.0.0.1", t.args.target_port))
    except OSError:
        conn.close()
        return
    with t.lock:
        t.live[conn] = up
    a = threading.Thread(target=pump, args=(conn, up, "c2s", t, conn), daemon=True)
    b = threading.Thread(target=pump, args=(up, conn, "s2c", t, conn), daemon=True)
    a.start()
    b.start()
    a.join()
    b.join()
    with t.lock:
        t.live.pop(conn, None)
        t.severed.discard(conn)
    conn.close()
    up.close()


def main():
    p = argparse.ArgumentParser(prog="smb-tamper-proxy.py",description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target-port", type=int, required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dump")
    p.add_argument("--flip-utf16")
    p.add_argument("--flip-command")
    p.add_argument("--nth", type=int, default=1)
    p.add_argument("--guest", action="store_true")
    p.add_argument("--forge-interim", type=int)
    p.add_argument("--signed-reply", choices=("flip-signature", "flip-body", "unsign"))
    p.add_argument("--signed-command", type=int)
    p.add_argument("--sever-on-usr1", action="store_true")
    p.add_argument("--reseal")
    p.add_argument("--reseal-what", choices=("inner", "both"), default="inner")
    p.add_argument("--dialects", type=lambda s: [int(x, 16) for x in s.split(",")])
    args = p.parse_args()
    t = Tamperer(args)
    if args.sever_on_usr1:
        signal.signal(signal.SIGUSR1, t.sever_all)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", args.port))
    ls.listen(16)
    print("PORT=%d" % ls.getsockname()[1], flush=True)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(conn, t), daemon=True).start()

