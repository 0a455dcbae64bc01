/* net_stubs.c: placeholders for the network engine (send, receive, register, listen, cancel, encode, decode). */
#include "winsnmp_int.h"

int
wn_ws_net_startup(void)
{
    return 0;
}

void
wn_ws_net_shutdown(void)
{
}

void
wn_ws_net_session_closing(struct wn_ws_session *s)
{
    (void)s;
}

void
wn_ws_net_entity_freeing(struct wn_ws_entity *e)
{
    (void)e;
}

static SNMPAPI_STATUS
not_yet(void)
{
    WN_WS_ENTER();
    return wn_ws_unlock_fail(NULL, SNMPAPI_OPERATION_INVALID);
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSendMsg(HSNMP_SESSION session, HSNMP_ENTITY srcEntity, HSNMP_ENTITY dstEntity,
            HSNMP_CONTEXT context, HSNMP_PDU PDU)
{
    (void)session, (void)srcEntity, (void)dstEntity, (void)context, (void)PDU;
    return not_yet();
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpRecvMsg(HSNMP_SESSION session, LPHSNMP_ENTITY srcEntity, LPHSNMP_ENTITY dstEntity,
            LPHSNMP_CONTEXT context, LPHSNMP_PDU PDU)
{
    (void)session, (void)srcEntity, (void)dstEntity, (void)context, (void)PDU;
    return not_yet();
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpRegister(HSNMP_SESSION session, HSNMP_ENTITY srcEntity, HSNMP_ENTITY dstEntity,
             HSNMP_CONTEXT context, smiLPCOID notification, smiUINT32 state)
{
    (void)session, (void)srcEntity, (void)dstEntity, (void)context;
    (void)notification, (void)state;
    return not_yet();
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpListen(HSNMP_ENTITY hEntity, SNMPAPI_STATUS lStatus)
{
    (void)hEntity, (void)lStatus;
    return not_yet();
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpListenEx(HSNMP_ENTITY hEntity, SNMPAPI_STATUS lStatus, smiUINT32 nUseEntityAddr)
{
    (void)hEntity, (void)lStatus, (void)nUseEntityAddr;
    return not_yet();
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpCancelMsg(HSNMP_SESSION session, smiINT32 reqId)
{
    (void)session, (void)reqId;
    return not_yet();
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpEncodeMsg(HSNMP_SESSION session, HSNMP_ENTITY srcEntity, HSNMP_ENTITY dstEntity,
              HSNMP_CONTEXT context, HSNMP_PDU pdu, smiLPOCTETS msgBufDesc)
{
    (void)session, (void)srcEntity, (void)dstEntity, (void)context, (void)pdu;
    (void)msgBufDesc;
    return not_yet();
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpDecodeMsg(HSNMP_SESSION session, LPHSNMP_ENTITY srcEntity, LPHSNMP_ENTITY dstEntity,
              LPHSNMP_CONTEXT context, LPHSNMP_PDU pdu, smiLPCOCTETS msgBufDesc)
{
    (void)session, (void)srcEntity, (void)dstEntity, (void)context, (void)pdu;
    (void)msgBufDesc;
    return not_yet();
}
