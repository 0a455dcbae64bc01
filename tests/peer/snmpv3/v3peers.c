/* v3peers.c: the v3 peer tests' group setup and teardown: private snmpd / snmptrapd with the USM users of this folder. */
#include <stdlib.h>

#include "v3drv.h"
#include "wire_tool.h"

struct wire_peers v3_peers;

static int
start(int want_snmpd, int want_trapd)
{
    setenv("SNMPD_EXTRA_CONF", V3_DIR "/snmpd-v3-users.conf", 1);
    setenv("SNMPTRAPD_EXTRA_CONF", V3_DIR "/snmptrapd-v3-users.conf", 1);
    if (wire_peers_start(&v3_peers, want_snmpd, want_trapd) != 0) {
        wire_peers_stop(&v3_peers);
        return -1;
    }
    return 0;
}

int
v3_peers_setup_snmpd(void **state)
{
    (void)state;
    return start(1, 0);
}

int
v3_peers_setup_trapd(void **state)
{
    (void)state;
    return start(0, 1);
}

int
v3_peers_teardown(void **state)
{
    (void)state;
    return wire_peers_stop(&v3_peers) == 0 ? 0 : -1;
}
