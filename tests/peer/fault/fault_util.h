/* fault_util.h: small helpers shared by the fault tests (descriptor count, trap port). */
#ifndef FAULT_UTIL_H
#define FAULT_UTIL_H

/* Open descriptors of this process (entries of /proc/self/fd), -1 on error. */
int fault_fd_count(void);

/* Makes port the trap port of the next SnmpStartup (WSNMP_TRAP_PORT);
 * returns port. */
unsigned fault_set_trap_port(unsigned port);

#endif /* FAULT_UTIL_H */
