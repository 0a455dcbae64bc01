/* io.c: fd watchers on the loop (thin, backend-independent front of the polling backend). */
#include "evloop_int.h"

#include "base.h"

void
wn_io_init(struct wn_io *io, int fd, uint32_t events,
           void (*cb)(struct wn_io *, uint32_t), void *data)
{
    io->fd = fd;
    io->events = events & (WN_IO_READ | WN_IO_WRITE);
    io->cb = cb;
    io->data = data;
    io->wn_active = 0;
}

int
wn_io_start(struct wn_evloop *l, struct wn_io *io)
{
    WN_EVLOOP_ASSERT_LOOP(l);
    if (!l || !io || !io->cb || io->fd < 0)
        return WN_E_INVAL;
    if (io->wn_active)
        return WN_E_STATE;
    io->events &= WN_IO_READ | WN_IO_WRITE;
    int err = wn_evloop_backend_add(l->be, io);
    if (err < 0)
        return err;
    io->wn_active = 1;
    return 0;
}

int
wn_io_modify(struct wn_evloop *l, struct wn_io *io, uint32_t events)
{
    WN_EVLOOP_ASSERT_LOOP(l);
    if (!l || !io)
        return WN_E_INVAL;
    if (!io->wn_active)
        return WN_E_STATE;
    events &= WN_IO_READ | WN_IO_WRITE;
    int err = wn_evloop_backend_mod(l->be, io, events);
    if (err < 0)
        return err;
    io->events = events;
    return 0;
}

void
wn_io_stop(struct wn_evloop *l, struct wn_io *io)
{
    WN_EVLOOP_ASSERT_LOOP(l);
    if (!l || !io || !io->wn_active)
        return;
    wn_evloop_backend_del(l->be, io);
    io->wn_active = 0;
}
