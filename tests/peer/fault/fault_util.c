/* fault_util.c: small helpers shared by the fault tests (descriptor count, trap port). */
#include "fault_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int
fault_fd_count(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

unsigned
fault_set_trap_port(unsigned port)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%u", port);
    setenv("WSNMP_TRAP_PORT", buf, 1);
    return port;
}
