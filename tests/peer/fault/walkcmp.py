#!/usr/bin/python3
"""walkcmp.py OURS REF_BEFORE REF_AFTER MIN: compares a walk printed by examples/walk with two net-snmp walks (-On) taken before and after it.

The OID lists must be equal (outside the tables whose rows come and go, see
VOLATILE); a value must be equal wherever the two reference walks agree on
it (a "stable" variable) and both sides print it the same way (Hex-STRING
and multi-line strings are compared by OID only).  Exit 0 when equal.
"""
import re
import sys

VOLATILE = re.compile(r'^\.1\.3\.6\.1\.2\.1\.(4\.22|4\.35|6\.13|6\.19|6\.20|7\.5|7\.7|25\.4|25\.5)\.')
# Values that depend on when they are read: net-snmp's own cache states,
# and gauges that go up and down between reads, so that two reference walks
# can agree around a walk of ours that saw another value (the load average
# went 88, 86, 88 in one run): UCD-SNMP-MIB's load, memory, disk and
# system-stats tables, HOST-RESOURCES-MIB and tcpCurrEstab.  Their OIDs are
# still compared.
TIMING = re.compile(r'^\.1\.3\.6\.1\.(4\.1\.8072\.1\.5\.3|4\.1\.2021|2\.1\.25|2\.1\.6\.9)\.')
EMPTY = re.compile(r'^(\.[0-9.]+) = ""$')         # net-snmp prints an empty string so
LINE = re.compile(r'^(\.[0-9.]+) = ([A-Za-z0-9-]+): ?(.*)$')


def parse(path, netsnmp):
    out = {}
    order = []
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = LINE.match(line)
            e = EMPTY.match(line)
            if e:
                oid, typ, val = e.group(1), 'STRING', ''
            elif m:
                oid, typ, val = m.groups()
            else:
                continue
            if VOLATILE.match(oid):
                continue
            if netsnmp:
                if typ == 'STRING':
                    if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
                        val = val[1:-1]
                    else:
                        val = None          # continued on the next lines
                elif typ == 'Timeticks':
                    val = val.split(' ')[0]
            if typ in ('Hex-STRING', 'Opaque') or TIMING.match(oid):
                val = None
            order.append(oid)
            out[oid] = (typ, val)
    return order, out


def main():
    ours_p, a_p, b_p, minimum = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    o_order, ours = parse(ours_p, False)
    a_order, a = parse(a_p, True)
    b_order, b = parse(b_p, True)
    bad = 0
    if o_order != a_order or o_order != b_order:
        if a_order != b_order:
            print('note: the two reference walks list different OIDs')
        ref = a_order if o_order != a_order and o_order == b_order else a_order
        if o_order != ref and o_order != b_order:
            so, sr = set(o_order), set(a_order) & set(b_order)
            print('OID lists differ: ours %d, reference %d; only ours: %s; missing: %s' %
                  (len(o_order), len(a_order), sorted(so - set(a_order) - set(b_order))[:5],
                   sorted(sr - so)[:5]))
            bad = 1
    if len(o_order) < minimum:
        print('only %d OIDs (expected at least %d)' % (len(o_order), minimum))
        bad = 1
    stable = compared = 0
    for oid, (typ, val) in ours.items():
        if oid not in a or oid not in b or a[oid] != b[oid]:
            continue
        stable += 1
        rtyp, rval = a[oid]
        if val is None or rval is None:
            continue
        compared += 1
        if (typ, val) != (rtyp, rval):
            print('%s: ours %s: %s, net-snmp %s: %s' % (oid, typ, val, rtyp, rval))
            bad = 1
    print('%d OIDs, %d stable, %d values compared%s' %
          (len(o_order), stable, compared, '' if not bad else ', DIFFERENT'))
    if compared < minimum // 2:
        print('too few values compared')
        bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main())
