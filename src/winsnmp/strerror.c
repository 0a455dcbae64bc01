/* strerror.c: wn_wsnmp_strerror, the name and a plain sentence for every SnmpGetLastError code. */
#include <stddef.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

struct strerror_entry {
    smiUINT32 code;
    const char *text;
};

/* Sorted by code; docs/winsnmp-errors.md repeats this table. */
static const struct strerror_entry strerror_table[] = {
    {SNMPAPI_FAILURE, "SNMPAPI_FAILURE: no error was recorded (the call failed before it could say why, or nothing failed)"},
    {SNMPAPI_SUCCESS, "SNMPAPI_SUCCESS: the call succeeded"},
    {SNMPAPI_ALLOC_ERROR, "SNMPAPI_ALLOC_ERROR: out of memory or a library limit was reached"},
    {SNMPAPI_CONTEXT_INVALID, "SNMPAPI_CONTEXT_INVALID: the context handle is not valid (freed, or never created)"},
    {SNMPAPI_CONTEXT_UNKNOWN, "SNMPAPI_CONTEXT_UNKNOWN: the context name is not in the entity database"},
    {SNMPAPI_ENTITY_INVALID, "SNMPAPI_ENTITY_INVALID: the entity handle is not valid (freed, or never created)"},
    {SNMPAPI_ENTITY_UNKNOWN, "SNMPAPI_ENTITY_UNKNOWN: the agent address is malformed, the host name does not resolve, or the name is not in the entity database"},
    {SNMPAPI_INDEX_INVALID, "SNMPAPI_INDEX_INVALID: the variable-binding index is out of range"},
    {SNMPAPI_NOOP, "SNMPAPI_NOOP: nothing to do (no message is queued, or the call changed nothing)"},
    {SNMPAPI_OID_INVALID, "SNMPAPI_OID_INVALID: the object identifier is malformed or too long"},
    {SNMPAPI_OPERATION_INVALID, "SNMPAPI_OPERATION_INVALID: the operation is not allowed here (for example an Inform to an SNMPv1 agent)"},
    {SNMPAPI_OUTPUT_TRUNCATED, "SNMPAPI_OUTPUT_TRUNCATED: the output buffer is too small"},
    {SNMPAPI_PDU_INVALID, "SNMPAPI_PDU_INVALID: the PDU handle is not valid or the PDU's fields do not fit its type"},
    {SNMPAPI_SESSION_INVALID, "SNMPAPI_SESSION_INVALID: the session handle is not valid (closed, or never opened)"},
    {SNMPAPI_SYNTAX_INVALID, "SNMPAPI_SYNTAX_INVALID: the value's syntax is not one SNMP knows"},
    {SNMPAPI_VBL_INVALID, "SNMPAPI_VBL_INVALID: the variable-binding list handle is not valid"},
    {SNMPAPI_MODE_INVALID, "SNMPAPI_MODE_INVALID: the translate or retransmit mode is not one of the defined values"},
    {SNMPAPI_SIZE_INVALID, "SNMPAPI_SIZE_INVALID: a size argument is out of range"},
    {SNMPAPI_NOT_INITIALIZED, "SNMPAPI_NOT_INITIALIZED: SnmpStartup has not been called (or SnmpCleanup already ran)"},
    {SNMPAPI_MESSAGE_INVALID, "SNMPAPI_MESSAGE_INVALID: the message bytes are not a valid SNMP message"},
    {SNMPAPI_HWND_INVALID, "SNMPAPI_HWND_INVALID: the window handle is not valid"},
    {SNMPAPI_OTHER_ERROR, "SNMPAPI_OTHER_ERROR: an error the other codes do not describe (see WN_LOG=error for details)"},
    {SNMPAPI_TL_NOT_INITIALIZED, "SNMPAPI_TL_NOT_INITIALIZED: the transport layer is not started"},
    {SNMPAPI_TL_NOT_SUPPORTED, "SNMPAPI_TL_NOT_SUPPORTED: the transport or SNMP version is not supported"},
    {SNMPAPI_TL_NOT_AVAILABLE, "SNMPAPI_TL_NOT_AVAILABLE: the port could not be opened (a port below 1024 needs root or CAP_NET_BIND_SERVICE)"},
    {SNMPAPI_TL_RESOURCE_ERROR, "SNMPAPI_TL_RESOURCE_ERROR: the transport ran out of sockets, memory or registrations"},
    {SNMPAPI_TL_UNDELIVERABLE, "SNMPAPI_TL_UNDELIVERABLE: the message could not be delivered (no route to the agent)"},
    {SNMPAPI_TL_SRC_INVALID, "SNMPAPI_TL_SRC_INVALID: the source entity is not usable for sending"},
    {SNMPAPI_TL_INVALID_PARAM, "SNMPAPI_TL_INVALID_PARAM: a transport parameter is out of range (for example a port outside 1..65535)"},
    {SNMPAPI_TL_IN_USE, "SNMPAPI_TL_IN_USE: the port is already in use by another program"},
    {SNMPAPI_TL_TIMEOUT, "SNMPAPI_TL_TIMEOUT: no response from the agent before the last retry timed out"},
    {SNMPAPI_TL_PDU_TOO_BIG, "SNMPAPI_TL_PDU_TOO_BIG: the message is larger than the transport can send"},
    {SNMPAPI_TL_OTHER, "SNMPAPI_TL_OTHER: a transport error the other codes do not describe"},
    {SNMPAPI_RPT_INVALIDMSG, "SNMPAPI_RPT_INVALIDMSG: the SNMPv3 agent reported our message as invalid (snmpInvalidMsgs)"},
    {SNMPAPI_RPT_INASNPARSEERR, "SNMPAPI_RPT_INASNPARSEERR: the SNMPv3 agent could not parse our message (snmpInASNParseErrs)"},
    {SNMPAPI_RPT_UNKNOWNSECMODEL, "SNMPAPI_RPT_UNKNOWNSECMODEL: the SNMPv3 agent does not know the security model (snmpUnknownSecurityModels)"},
    {SNMPAPI_RPT_UNKNOWNENGINEID, "SNMPAPI_RPT_UNKNOWNENGINEID: the SNMPv3 agent does not know the engine ID the request used, even after rediscovery (usmStatsUnknownEngineIDs)"},
    {SNMPAPI_RPT_UNSUPPSECLEVEL, "SNMPAPI_RPT_UNSUPPSECLEVEL: the SNMPv3 agent's user does not support the security level asked (usmStatsUnsupportedSecLevels)"},
    {SNMPAPI_RPT_UNKNOWNUSERNAME, "SNMPAPI_RPT_UNKNOWNUSERNAME: the SNMPv3 agent has no such user (usmStatsUnknownUserNames)"},
    {SNMPAPI_RPT_WRONGDIGEST, "SNMPAPI_RPT_WRONGDIGEST: the SNMPv3 agent rejected the authentication: wrong auth pass phrase or protocol (usmStatsWrongDigests)"},
    {SNMPAPI_RPT_NOTINTIMEWINDOW, "SNMPAPI_RPT_NOTINTIMEWINDOW: the SNMPv3 request stayed outside the agent's time window after one resynchronisation (usmStatsNotInTimeWindows)"},
    {SNMPAPI_RPT_DECRYPTIONERROR, "SNMPAPI_RPT_DECRYPTIONERROR: the SNMPv3 agent could not decrypt the request: wrong priv pass phrase or protocol (authentication succeeded)"},
    {SNMPAPI_RPT_OTHER, "SNMPAPI_RPT_OTHER: the SNMPv3 agent answered with a report the other codes do not describe"},
};

const char *
wn_wsnmp_strerror(smiUINT32 code)
{
    for (size_t i = 0; i < sizeof strerror_table / sizeof strerror_table[0]; i++)
        if (strerror_table[i].code == code)
            return strerror_table[i].text;
    return "unknown code: not an SnmpGetLastError value";
}
