#!/usr/bin/python3
# gen_replies.py: encodes NetrSessionEnum replies with impacket's srvs NDR classes (an encoder we did not write) and writes a manifest of the encoded values.
#
# Usage: /usr/bin/python3 gen_replies.py OUTDIR
# Writes OUTDIR/<case>.bin (response stubs) and OUTDIR/manifest.txt:
#   case <file> <level> <entries> <total> <has_resume> <resume> <status>
#   entry <cname> <user> <opens> <time> <idle> <flags> <cltype> <transport>
# Strings are UTF-16LE hex without the NUL; "-" = NULL pointer (or a field
# the level does not carry), "." = the empty string.  Exit 77 = no impacket.
import os
import sys

try:
    from impacket.dcerpc.v5 import srvs
    from impacket.dcerpc.v5.ndr import NULL
except ImportError:
    sys.exit(77)

FIELDS = {
    0: ("cname",),
    1: ("cname", "username", "num_opens", "time", "idle_time", "user_flags"),
    2: ("cname", "username", "num_opens", "time", "idle_time", "user_flags", "cltype_name"),
    10: ("cname", "username", "time", "idle_time"),
    502: ("cname", "username", "num_opens", "time", "idle_time", "user_flags",
          "cltype_name", "transport"),
}

# (name, level, entries, total, resume or None, status)
CASES = [
    ("l0_mixed", 0, [
        {"cname": "10.0.0.1"},
        {"cname": "J\u00fcrgen-PC"},
        {"cname": None},
    ], 3, None, 0),
    ("l1_unicode_more_data", 1, [
        {"cname": "192.168.1.20", "username": "Jos\u00e9", "num_opens": 5,
         "time": 0xffffffff, "idle_time": 12, "user_flags": 1},
        {"cname": "\u670d\u52a1\u5668", "username": "\u7528\u6237\U0001F600x",
         "num_opens": 0, "time": 1, "idle_time": 0, "user_flags": 2},
    ], 10, 7, 234),
    ("l2_cltype", 2, [
        {"cname": "WS1", "username": "", "num_opens": 1, "time": 2, "idle_time": 3,
         "user_flags": 0, "cltype_name": "Windows 10 Pro"},
        {"cname": "WS2", "username": "adm", "num_opens": 4, "time": 5, "idle_time": 6,
         "user_flags": 0, "cltype_name": None},
    ], 2, 0, 0),
    ("l10_plain", 10, [
        {"cname": "a", "username": "b", "time": 100, "idle_time": 50},
        {"cname": "cc", "username": "dd", "time": 0x7fffffff, "idle_time": 0x80000000},
        {"cname": "\u00e9t\u00e9", "username": "\u00c5sa", "time": 9, "idle_time": 8},
    ], 3, None, 0),
    ("l502_full", 502, [
        {"cname": "10.1.2.3", "username": "svc_backup", "num_opens": 17, "time": 3600,
         "idle_time": 60, "user_flags": 0, "cltype_name": "",
         "transport": "\\Device\\NetBT_Tcpip_{2B0E-\u00df}"},
        {"cname": "::1", "username": None, "num_opens": 0, "time": 0, "idle_time": 0,
         "user_flags": 3, "cltype_name": "SMB 3.1.1", "transport": None},
    ], 2, 0x12345678, 0),
    ("l502_denied_empty", 502, [], 0, None, 5),
]


def u16hex(s):
    if s is None:
        return "-"
    if s == "":
        return "."
    return s.encode("utf-16-le").hex()


def encode(level, entries, total, resume, status):
    r = srvs.NetrSessionEnumResponse()
    r["InfoStruct"]["Level"] = level
    r["InfoStruct"]["SessionInfo"]["tag"] = level
    ctr = r["InfoStruct"]["SessionInfo"]["Level%d" % level]
    ctr["EntriesRead"] = len(entries)
    if not entries:
        ctr["Buffer"] = NULL
    for e in entries:
        info = getattr(srvs, "SESSION_INFO_%d" % level)()
        for f in FIELDS[level]:
            v = e[f]
            key = "sesi%d_%s" % (level, f)
            if isinstance(v, int):
                info[key] = v
            elif v is None:
                info[key] = NULL
            else:
                info[key] = v + "\x00"
        ctr["Buffer"].append(info)
    r["TotalEntries"] = total
    r["ResumeHandle"] = NULL if resume is None else resume
    r["ErrorCode"] = status
    return r.getData()


def main():
    out = sys.argv[1]
    lines = []
    for name, level, entries, total, resume, status in CASES:
        data = encode(level, entries, total, resume, status)
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)
        lines.append("case %s.bin %d %d %d %d %d %d" % (
            name, level, len(entries), total, resume is not None, resume or 0, status))
        for e in entries:
            lines.append("entry %s %s %d %d %d %d %s %s" % (
                u16hex(e.get("cname")), u16hex(e.get("username")), e.get("num_opens", 0),
                e.get("time", 0), e.get("idle_time", 0), e.get("user_flags", 0),
                u16hex(e.get("cltype_name")), u16hex(e.get("transport"))))
    with open(os.path.join(out, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


main()
