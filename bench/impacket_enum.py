# impacket_enum.py HOST PORT USER PASSWORD CALLS: the impacket peer of netsess_bench: NetrSessionEnum level 1 per-call latency, once on a reused binding and once with a fresh connection per call.
import statistics
import sys
import time
import resource

from impacket.dcerpc.v5 import srvs, transport

host, port, user, pw, calls = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])


def connect():
    t = transport.DCERPCTransportFactory(r"ncacn_np:%s[\pipe\srvsvc]" % host)
    t.set_dport(port)
    t.set_credentials(user, pw)
    dce = t.get_dce_rpc()
    dce.connect()
    dce.bind(srvs.MSRPC_UUID_SRVS)
    return dce


def enum(dce):
    resp = srvs.hNetrSessionEnum(dce, NULL, NULL, 1)
    return resp["InfoStruct"]["SessionInfo"]["Level1"]["EntriesRead"]


NULL = "\x00"


def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


# fresh: connect + NTLM + tree + open pipe + bind + one call, like one NetSessionEnum
fresh = []
c0 = cpu()
for _ in range(calls):
    t = time.perf_counter()
    dce = connect()
    entries = enum(dce)
    fresh.append(time.perf_counter() - t)
    dce.disconnect()
fresh_cpu = (cpu() - c0) / calls

dce = connect()
reuse = []
c0 = cpu()
for _ in range(calls):
    t = time.perf_counter()
    entries = enum(dce)
    reuse.append(time.perf_counter() - t)
reuse_cpu = (cpu() - c0) / calls
dce.disconnect()
print("impl=impacket level=1 calls=%d entries=%d fresh_median_ms=%.2f fresh_cpu_ms=%.3f "
      "reused_median_ms=%.2f reused_cpu_ms=%.3f maxrss_kb=%d"
      % (calls, entries, statistics.median(fresh) * 1e3, fresh_cpu * 1e3,
         statistics.median(reuse) * 1e3, reuse_cpu * 1e3,
         resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
