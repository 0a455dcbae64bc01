/* agentaddr.c: SnmpSetAgentAddress and SnmpConveyAgentAddress, the two wsnmp32.dll exports the SDK header lacks (the settings live in state.c). */
#include "winsnmp_int.h"

#include <arpa/inet.h>

/* Neither needs SnmpStartup: both set process-wide state that outlives
 * SnmpCleanup (winsnmp.h). */

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetAgentAddress(LPSTR string)
{
    uint8_t a[4] = {0, 0, 0, 0};
    /* Dotted IPv4 only: a v1 Trap-PDU's agent-addr is an IpAddress. */
    if (string && *string && inet_pton(AF_INET, string, a) != 1)
        return wn_ws_fail(NULL, SNMPAPI_MODE_INVALID);
    wn_ws_lock();
    wn_ws_set_agent_addr(a);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpConveyAgentAddress(SNMPAPI_STATUS mode)
{
    if (mode != SNMPAPI_ON && mode != SNMPAPI_OFF)
        return wn_ws_fail(NULL, SNMPAPI_MODE_INVALID);
    wn_ws_lock();
    wn_ws_set_convey_agent_addr(mode == SNMPAPI_ON);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}
