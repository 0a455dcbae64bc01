/* backend_epoll.c: the Linux polling backend; the only file of the layer that uses epoll. */
#include "evloop_int.h"

#include "base.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Events taken from the kernel per epoll_wait. */
#define WN_EVLOOP_EPOLL_BATCH 64

struct wn_evloop_backend {
    int epfd;
    struct epoll_event evs[WN_EVLOOP_EPOLL_BATCH];
    int nev;   /* events of the batch being dispatched */
    int cur;   /* index being dispatched */
};

static uint32_t
to_epoll(uint32_t events)
{
    uint32_t e = 0;
    if (events & WN_IO_READ)
        e |= EPOLLIN;
    if (events & WN_IO_WRITE)
        e |= EPOLLOUT;
    return e;
}

static uint32_t
from_epoll(uint32_t e)
{
    uint32_t r = 0;
    if (e & (EPOLLIN | EPOLLPRI | EPOLLRDHUP))
        r |= WN_IO_READ;
    if (e & EPOLLOUT)
        r |= WN_IO_WRITE;
    if (e & (EPOLLERR | EPOLLHUP))
        r |= WN_IO_ERROR;
    return r;
}

int
wn_evloop_backend_open(struct wn_evloop_backend **out)
{
    struct wn_evloop_backend *be = wn_calloc(1, sizeof(*be));
    if (!be)
        return WN_E_NOMEM;
    be->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (be->epfd < 0) {
        wn_free(be);
        return errno == ENOMEM || errno == EMFILE || errno == ENFILE ? WN_E_NOMEM : WN_E_IO;
    }
    *out = be;
    return 0;
}

void
wn_evloop_backend_close(struct wn_evloop_backend *be)
{
    if (!be)
        return;
    close(be->epfd);
    wn_free(be);
}

static int
ctl(struct wn_evloop_backend *be, int op, struct wn_io *io, uint32_t events)
{
    struct epoll_event ev = { .events = to_epoll(events), .data.ptr = io };
    if (epoll_ctl(be->epfd, op, io->fd, &ev) == 0)
        return 0;
    if (errno == EBADF || errno == EPERM)
        return WN_E_INVAL;
    if (errno == ENOMEM || errno == ENOSPC)
        return WN_E_NOMEM;
    if (errno == EEXIST)
        return WN_E_EXISTS;
    return WN_E_IO;
}

int
wn_evloop_backend_add(struct wn_evloop_backend *be, struct wn_io *io)
{
    return ctl(be, EPOLL_CTL_ADD, io, io->events);
}

int
wn_evloop_backend_mod(struct wn_evloop_backend *be, struct wn_io *io, uint32_t events)
{
    return ctl(be, EPOLL_CTL_MOD, io, events);
}

void
wn_evloop_backend_del(struct wn_evloop_backend *be, struct wn_io *io)
{
    struct epoll_event ev = { 0 };
    /* The fd may already be closed; the kernel then dropped it itself. */
    (void)epoll_ctl(be->epfd, EPOLL_CTL_DEL, io->fd, &ev);
    /* Forget events of this watcher still waiting in the current batch. */
    for (int i = be->cur + 1; i < be->nev; i++)
        if (be->evs[i].data.ptr == io)
            be->evs[i].data.ptr = NULL;
}

int
wn_evloop_backend_poll(struct wn_evloop_backend *be, int timeout_ms)
{
    int n = epoll_wait(be->epfd, be->evs, WN_EVLOOP_EPOLL_BATCH, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : WN_E_IO;
    be->nev = n;
    for (be->cur = 0; be->cur < be->nev; be->cur++) {
        struct wn_io *io = be->evs[be->cur].data.ptr;
        if (!io)
            continue;
        uint32_t rev = from_epoll(be->evs[be->cur].events);
        rev &= io->events | WN_IO_ERROR;
        if (rev)
            io->cb(io, rev);
    }
    be->nev = 0;
    be->cur = 0;
    return 0;
}
