/* engine_util.h: helpers shared by the in-process WinSNMP engine tests (loopback sockets, contexts). */
#ifndef WN_TEST_ENGINE_UTIL_H
#define WN_TEST_ENGINE_UTIL_H

#include <stdint.h>

#include <winsnmp.h>

/* A UDP socket bound on 127.0.0.1 that nobody reads: requests sent to it
 * are never answered and no ICMP error comes back.  *port gets its port;
 * returns the fd (the caller closes it).  Fails the test on error. */
int eng_silent_socket(uint16_t *port);
/* A UDP port on 127.0.0.1 that was free a moment ago. */
uint16_t eng_free_udp_port(void);
/* A context from a NUL-terminated community string. */
HSNMP_CONTEXT eng_context(HSNMP_SESSION s, const char *community);

#endif
