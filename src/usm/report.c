/* report.c: SNMPv3 Report PDUs: the usmStats (RFC 3414) and MPD (RFC 3412) counters mapped to distinct WN_E_* codes and back. */
#include "usm.h"

#include <string.h>

/* usmStats: 1.3.6.1.6.3.15.1.1.<n>.0; snmpMPDStats: 1.3.6.1.6.3.11.2.1.<n>.0 (same length) */
#define USM_STATS_LEN 11

struct report_map {
    uint32_t oid[USM_STATS_LEN];
    int err;
};

static const struct report_map reports[] = {
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 1, 0}, WN_E_UNSUPPORTEDSECLEVEL},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0}, WN_E_NOTINTIMEWINDOW},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 3, 0}, WN_E_UNKNOWNUSERNAME},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0}, WN_E_UNKNOWNENGINEID},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 5, 0}, WN_E_WRONGDIGEST},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 6, 0}, WN_E_DECRYPTIONERROR},
    {{1, 3, 6, 1, 6, 3, 11, 2, 1, 1, 0}, WN_E_UNKNOWNSECMODEL},   /* snmpUnknownSecurityModels */
    {{1, 3, 6, 1, 6, 3, 11, 2, 1, 2, 0}, WN_E_INVALIDMSG},        /* snmpInvalidMsgs */
    {{1, 3, 6, 1, 6, 3, 11, 2, 1, 3, 0}, WN_E_REPORT},            /* snmpUnknownPDUHandlers */
    /* any other report: WN_E_REPORT too */
};

int
wn_usm_report_error(const struct wn_snmp_pdu *report)
{
    if (!report || report->type != WN_SNMP_PDU_REPORT)
        return WN_E_INVAL;
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, report);
    if (wn_snmp_vb_next(&it, &vb) != 1)
        return WN_E_REPORT;
    for (size_t i = 0; i < WN_ARRAY_SIZE(reports); i++)
        if (wn_snmp_vb_name_equals(&vb, reports[i].oid, USM_STATS_LEN))
            return reports[i].err;
    return WN_E_REPORT;
}

int
wn_usm_report_oid(int err, const uint32_t **oid, size_t *n)
{
    if (!oid || !n)
        return WN_E_INVAL;
    /* The first six are the usmStats; the MPD ones are not USM's to send. */
    for (size_t i = 0; i < 6; i++) {
        if (reports[i].err == err) {
            *oid = reports[i].oid;
            *n = USM_STATS_LEN;
            return 0;
        }
    }
    return WN_E_INVAL;
}

const uint32_t *
wn_usm_unknown_pdu_handlers_oid(size_t *n)
{
    *n = USM_STATS_LEN;
    return reports[WN_ARRAY_SIZE(reports) - 1].oid;
}
