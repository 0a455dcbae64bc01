/* keep.c: what a caller that keeps a connection between calls needs: is it still usable, and dropping it without traffic (after fork). */
#include <poll.h>

#include "conn.h"

int
wn_smb2_usable(const struct wn_smb2_conn *c)
{
    if (!c || c->fd < 0 || c->broken)
        return 0;
    /* Between calls the server has nothing to say: anything readable is
     * an EOF, a reset or bytes out of turn. */
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    return poll(&p, 1, 0) == 0;
}

void
wn_smb2_abandon(struct wn_smb2_conn *c)
{
    if (c)
        c->broken = 1;
}
