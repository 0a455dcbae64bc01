/* state.c: the WinSNMP lock, its condition variables, the process-wide modes and v1 trap settings, and request ids (the leaf every other file builds on). */
#include "winsnmp_int.h"

#include <stdatomic.h>
#include <string.h>

struct wn_lock wn_ws_mutex = WN_LOCK_INIT;
/* Broadcast when a teardown, which drops the lock while the engine stops,
 * has finished: a startup in that window waits for it. */
static struct wn_lock_cond ws_stopped = WN_LOCK_COND_INIT;
/* Broadcast when a callback returns (SnmpClose waits for its session's). */
static struct wn_lock_cond ws_cb_ended = WN_LOCK_COND_INIT;
WN_THREAD_LOCAL int wn_ws_t_held;

static struct {
    atomic_int ready;          /* initialised; written under the lock */
    smiUINT32 translate;
    smiUINT32 retransmit;
    uint32_t next_reqid;
} st;

/* The v1 trap settings of SnmpSetAgentAddress / SnmpConveyAgentAddress:
 * process-wide, for the life of the process (SnmpCleanup keeps them). */
static struct {
    uint8_t addr[4];           /* agent-addr of the v1 traps we send */
    int convey;                /* snmpTrapAddress.0 in received v1 traps */
} v1trap;

/* Waits on cond, dropping the lock meanwhile. [locked] */
static void
wait_on(struct wn_lock_cond *cond)
{
    WN_WS_ASSERT_LOCKED();
    wn_ws_t_held = 0;
    wn_lock_wait(&wn_ws_mutex, cond);
    wn_ws_t_held = 1;
}

void
wn_ws_callback_wait(void)
{
    wait_on(&ws_cb_ended);
}

void
wn_ws_callback_ended(void)
{
    WN_WS_ASSERT_LOCKED();
    wn_lock_broadcast(&wn_ws_mutex, &ws_cb_ended);
}

void
wn_ws_stopped_wait(void)
{
    wait_on(&ws_stopped);
}

void
wn_ws_stopped_signal(void)
{
    WN_WS_ASSERT_LOCKED();
    wn_lock_broadcast(&wn_ws_mutex, &ws_stopped);
}

int
wn_ws_ready(void)
{
    WN_WS_ASSERT_LOCKED();
    return atomic_load_explicit(&st.ready, memory_order_relaxed);
}

int
wn_ws_started(void)
{
    return atomic_load_explicit(&st.ready, memory_order_acquire);
}

void
wn_ws_set_ready(int ready)
{
    WN_WS_ASSERT_LOCKED();
    atomic_store_explicit(&st.ready, ready, memory_order_release);
}

smiUINT32
wn_ws_translate_mode(void)
{
    WN_WS_ASSERT_LOCKED();
    return st.translate;
}

void
wn_ws_set_translate_mode(smiUINT32 mode)
{
    WN_WS_ASSERT_LOCKED();
    st.translate = mode;
}

smiUINT32
wn_ws_retransmit_mode(void)
{
    WN_WS_ASSERT_LOCKED();
    return st.retransmit;
}

void
wn_ws_set_retransmit_mode(smiUINT32 mode)
{
    WN_WS_ASSERT_LOCKED();
    st.retransmit = mode;
}

void
wn_ws_seed_request_id(uint32_t seed)
{
    WN_WS_ASSERT_LOCKED();
    st.next_reqid = seed ? seed : 1;    /* xorshift state: never 0 */
}

smiINT32
wn_ws_next_request_id(void)
{
    WN_WS_ASSERT_LOCKED();
    /* Random per request, so that one observed id does not give the next
     * (a spoofed reply must guess it).  Without randomness, a xorshift of
     * the startup seed: still not sequential. */
    uint32_t r;
    if (wn_random(&r, sizeof r) < 0) {
        uint32_t x = st.next_reqid;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        st.next_reqid = x;
        r = x;
    }
    r &= 0x7fffffffu;
    return r ? (smiINT32)r : 1;
}

void
wn_ws_agent_addr(uint8_t out[4])
{
    WN_WS_ASSERT_LOCKED();
    memcpy(out, v1trap.addr, sizeof v1trap.addr);
}

void
wn_ws_set_agent_addr(const uint8_t addr[4])
{
    WN_WS_ASSERT_LOCKED();
    memcpy(v1trap.addr, addr, sizeof v1trap.addr);
}

int
wn_ws_convey_agent_addr(void)
{
    WN_WS_ASSERT_LOCKED();
    return v1trap.convey;
}

void
wn_ws_set_convey_agent_addr(int on)
{
    WN_WS_ASSERT_LOCKED();
    v1trap.convey = on != 0;
}
