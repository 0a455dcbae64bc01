/* report.c: SNMPv3 Report PDUs: the usmStats (RFC 3414) and MPD (RFC 3412) counters mapped to distinct WN_E_* codes and back. */
#include "usm.h"

#include <string.h>

/* usmStats: 1.3.6.1.6.3.15.1.1.<n>.0; snmpMPDStats: 1.3.6.1.6.3.11.2.1.<n>.0 (same length) */
#define USM_STATS_LEN 11

struct report_map {
    uint32_t oid[USM_STATS_LEN];
    int err;
    const char *name;       /* the counter's MIB name */
    const char *meaning;    /* what it tells a manager that gets it */
};

static const struct report_map reports[] = {
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 1, 0}, WN_E_UNSUPPORTEDSECLEVEL, "usmStatsUnsupportedSecLevels",
     "the agent does not allow this security level for the user"},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 2, 0}, WN_E_NOTINTIMEWINDOW, "usmStatsNotInTimeWindows",
     "our copy of the agent's clock (boots, time) is out of date"},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 3, 0}, WN_E_UNKNOWNUSERNAME, "usmStatsUnknownUserNames",
     "the agent has no such user"},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0}, WN_E_UNKNOWNENGINEID, "usmStatsUnknownEngineIDs",
     "the engine ID we used is not the agent's"},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 5, 0}, WN_E_WRONGDIGEST, "usmStatsWrongDigests",
     "wrong auth pass phrase or protocol"},
    {{1, 3, 6, 1, 6, 3, 15, 1, 1, 6, 0}, WN_E_DECRYPTIONERROR, "usmStatsDecryptionErrors",
     "wrong priv pass phrase or protocol"},
    {{1, 3, 6, 1, 6, 3, 11, 2, 1, 1, 0}, WN_E_UNKNOWNSECMODEL, "snmpUnknownSecurityModels",
     "the agent does not support the User-based Security Model"},
    {{1, 3, 6, 1, 6, 3, 11, 2, 1, 2, 0}, WN_E_INVALIDMSG, "snmpInvalidMsgs",
     "the agent found the message's header inconsistent"},
    {{1, 3, 6, 1, 6, 3, 11, 2, 1, 3, 0}, WN_E_REPORT, "snmpUnknownPDUHandlers",
     "no application of the agent serves this contextEngineID or PDU type"},
    /* any other report: WN_E_REPORT too */
};

/* The entry of a Report's first varbind, or NULL. */
static const struct report_map *
report_find(const struct wn_snmp_pdu *report)
{
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, report);
    if (wn_snmp_vb_next(&it, &vb) != 1)
        return NULL;
    for (size_t i = 0; i < WN_ARRAY_SIZE(reports); i++)
        if (wn_snmp_vb_name_equals(&vb, reports[i].oid, USM_STATS_LEN))
            return &reports[i];
    return NULL;
}

int
wn_usm_report_error(const struct wn_snmp_pdu *report)
{
    if (!report || report->type != WN_SNMP_PDU_REPORT)
        return WN_E_INVAL;
    const struct report_map *r = report_find(report);
    return r ? r->err : WN_E_REPORT;
}

const char *
wn_usm_report_counter(const struct wn_snmp_pdu *report, const char **meaning)
{
    const struct report_map *r =
        report && report->type == WN_SNMP_PDU_REPORT ? report_find(report) : NULL;
    *meaning = r ? r->meaning : NULL;
    return r ? r->name : "an unknown counter";
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
