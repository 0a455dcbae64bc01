#!/usr/bin/python3
# srvsvc_server.py: test-only MS-SRVS server on impacket (NetrSessionEnum/NetrSessionDel with fixed sessions) over DCE/RPC TCP or an impacket SMB server, loopback only.
#
# Usage: /usr/bin/python3 srvsvc_server.py tcp [MAX_FRAG]
#          plain ncacn_ip_tcp on 127.0.0.1, ephemeral port; MAX_FRAG (stub bytes
#          per response fragment) forces fragmented responses.
#        /usr/bin/python3 srvsvc_server.py smb PORT USER PASSWORD
#          impacket SimpleSMBServer on 127.0.0.1:PORT whose \PIPE\srvsvc also
#          answers opnums 12 and 13 (impacket's own SRVSServer only has 15/16/21).
# Prints "PORT <n>" on stdout once listening, then serves until killed.
# Exit 77 = impacket missing.
#
# Sessions served (strings sent with their NUL, as Windows and Samba do):
#   0: cname "10.0.0.7"  user "alice"          opens 2 time 60 idle 5 flags 0
#      cltype "Windows 10" transport "\Device\NetbiosSmb"
#   1: cname "r\u00e9seau"  user "\u7528\u6237"  opens 0 time 7 idle 1 flags 1 (SESS_GUEST)
#      cltype NULL transport NULL
# NetrSessionEnum: answers the requested level (0,1,2,10,502; others
# ERROR_INVALID_LEVEL 124 with an empty container); TotalEntries 2;
# ResumeHandle echoed +2 when given; ERROR 0.  A UserName filter keeps
# matching sessions only.  NetrSessionDel: 0 if ClientName (without a
# leading \\) or UserName matches a session, else NERR_ClientNameNotFound
# 2312.  Unknown opnums: impacket's fault 0x6e4.
import sys

try:
    from impacket.dcerpc.v5 import srvs
    from impacket.dcerpc.v5.ndr import NULL
    from impacket.dcerpc.v5.rpcrt import (DCERPCServer, MSRPC_RESPONSE, PFC_FIRST_FRAG,
                                          PFC_LAST_FRAG)
except ImportError:
    sys.exit(77)

SESSIONS = [
    dict(cname="10.0.0.7", username="alice", num_opens=2, time=60, idle_time=5,
         user_flags=0, cltype_name="Windows 10", transport="\\Device\\NetbiosSmb"),
    dict(cname="r\u00e9seau", username="\u7528\u6237", num_opens=0, time=7, idle_time=1,
         user_flags=1, cltype_name=None, transport=None),
]
FIELDS = {
    0: ("cname",),
    1: ("cname", "username", "num_opens", "time", "idle_time", "user_flags"),
    2: ("cname", "username", "num_opens", "time", "idle_time", "user_flags", "cltype_name"),
    10: ("cname", "username", "time", "idle_time"),
    502: ("cname", "username", "num_opens", "time", "idle_time", "user_flags",
          "cltype_name", "transport"),
}


def wstr(v):
    """Decoded impacket string field -> str without the NUL; None for NULL
    (impacket hands back b'' for a NULL pointer)."""
    return v.rstrip("\x00") if isinstance(v, str) else None


def session_enum(stub):
    req = srvs.NetrSessionEnum(stub)
    level = req["InfoStruct"]["Level"]
    user = wstr(req["UserName"])
    resp = srvs.NetrSessionEnumResponse()
    resp["InfoStruct"]["Level"] = level
    resp["InfoStruct"]["SessionInfo"]["tag"] = level
    resp["TotalEntries"] = len(SESSIONS)
    rh = req["ResumeHandle"]
    resp["ResumeHandle"] = rh + len(SESSIONS) if isinstance(rh, int) else NULL
    if level not in FIELDS:
        resp["InfoStruct"]["SessionInfo"]["tag"] = 1
        resp["InfoStruct"]["SessionInfo"]["Level1"]["EntriesRead"] = 0
        resp["InfoStruct"]["SessionInfo"]["Level1"]["Buffer"] = NULL
        resp["TotalEntries"] = 0
        resp["ErrorCode"] = 124
        return resp
    ctr = resp["InfoStruct"]["SessionInfo"]["Level%d" % level]
    chosen = [s for s in SESSIONS if not user or s["username"] == user]
    ctr["EntriesRead"] = len(chosen)
    if not chosen:
        ctr["Buffer"] = NULL
    for s in chosen:
        info = getattr(srvs, "SESSION_INFO_%d" % level)()
        for f in FIELDS[level]:
            v = s[f]
            key = "sesi%d_%s" % (level, f)
            if isinstance(v, int):
                info[key] = v
            else:
                info[key] = NULL if v is None else v + "\x00"
        ctr["Buffer"].append(info)
    resp["ErrorCode"] = 0
    return resp


def session_del(stub):
    req = srvs.NetrSessionDel(stub)
    client = wstr(req["ClientName"])
    user = wstr(req["UserName"])
    if client and client.startswith("\\\\"):
        client = client[2:]
    hit = any((client and s["cname"] == client) or (user and s["username"] == user)
              for s in SESSIONS)
    resp = srvs.NetrSessionDelResponse()
    resp["ErrorCode"] = 0 if hit else 2312
    return resp


class FragmentingServer(DCERPCServer):
    """impacket's DCERPCServer, but its send() fragments correctly: the stock
    one keeps the unfragmented frag_len in every fragment."""

    def __init__(self, max_stub):
        DCERPCServer.__init__(self)
        self.max_stub = max_stub

    def send(self, data):
        body = data["pduData"]
        if not isinstance(body, bytes):
            body = body.getData()
        if not self.max_stub or data["type"] != MSRPC_RESPONSE or len(body) <= self.max_stub:
            return DCERPCServer.send(self, data)
        off = 0
        while off < len(body):
            chunk = body[off:off + self.max_stub]
            flags = PFC_FIRST_FRAG if off == 0 else 0
            if off + len(chunk) == len(body):
                flags |= PFC_LAST_FRAG
            data["flags"] = flags
            data["alloc_hint"] = len(body) - off
            data["pduData"] = chunk
            data["pad"] = b""
            data["frag_len"] = 24 + len(chunk)
            self._clientSock.send(data.get_packet())
            off += len(chunk)
        self._callid += 1


def exit_with_parent():
    """Stops the server when the test that started it dies without killing it."""
    import os
    import threading
    import time
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    exit_with_parent()
    mode = sys.argv[1] if len(sys.argv) > 1 else "tcp"
    if mode == "tcp":
        server = FragmentingServer(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
        server.addCallbacks(("4B324FC8-1670-01D3-1278-5A47BF6EE188", "3.0"),
                            "\\PIPE\\srvsvc", {12: session_enum, 13: session_del})
        print("PORT %d" % server.getListenPort(), flush=True)
        server.run()
    elif mode == "smb":
        from impacket import smbserver
        port, user, password = int(sys.argv[2]), sys.argv[3], sys.argv[4]
        srv = smbserver.SimpleSMBServer(listenAddress="127.0.0.1", listenPort=port)
        srv.setSMB2Support(True)
        srv.addCredential(user, 0, *_hashes(password))
        rpc = srv._SimpleSMBServer__srvsServer
        rpc.srvsvcCallBacks[12] = session_enum
        rpc.srvsvcCallBacks[13] = session_del
        print("PORT %d" % port, flush=True)
        srv.start()
    else:
        sys.exit(2)


def _hashes(password):
    from impacket.ntlm import compute_lmhash, compute_nthash
    return compute_lmhash(password).hex(), compute_nthash(password).hex()


main()
