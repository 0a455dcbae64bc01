/* wire_agent.h: a tiny SNMP agent built on SnmpListen for the wire tests (a few scalars under 1.3.6.1.4.1.99999.1). */
#ifndef WIRE_AGENT_H
#define WIRE_AGENT_H

#include "wire_util.h"

/* The MIB:  .1.3.6.1.4.1.99999.1.1.0 STRING "wire agent"
 *           .1.3.6.1.4.1.99999.1.2.0 INTEGER 42
 *           .1.3.6.1.4.1.99999.1.3.0 OID .1.3.6.1.4.1.99999
 *           .1.3.6.1.4.1.99999.1.4.0 STRING, writable (initially "initial")
 *           .1.3.6.1.4.1.99999.1.5.0 Gauge32 1234
 * Get/GetNext/GetBulk answer with v2c exceptions (noSuchObject,
 * endOfMibView); Set of anything but .4.0 with an OCTETS value is refused
 * with notWritable / wrongType. */
#define WIRE_AGENT_BASE ".1.3.6.1.4.1.99999.1"

struct wire_agent {
    HSNMP_SESSION session;          /* owned: closed by wire_agent_stop */
    HSNMP_ENTITY listen[2];         /* owned by session */
    struct wire_events events;      /* handler mode: answers on the I/O thread */
    pthread_mutex_t mu;
    char writable[256];
    unsigned requests;              /* requests answered */
    unsigned recv_failures;         /* callbacks whose SnmpRecvMsg failed */
};

/* SnmpStartup must have been called.  Listens on 127.0.0.1:port4 and,
 * when port6 != 0, [::1]:port6.  0 or -1. */
int wire_agent_start(struct wire_agent *a, unsigned port4, unsigned port6);
void wire_agent_stop(struct wire_agent *a);
unsigned wire_agent_requests(struct wire_agent *a);
/* Copies the writable scalar's current value. */
void wire_agent_writable(struct wire_agent *a, char *buf, size_t n);

#endif /* WIRE_AGENT_H */
