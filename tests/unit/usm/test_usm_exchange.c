/* test_usm_exchange.c: the I/O-free SNMPv3 exchange (discovery, time sync, shared discovery, resync, timeouts, the wrong-priv diagnosis) against an in-process agent built from the usm layer's own authoritative side. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "usm.h"

#define NOW 100000u

/* The fake agent: engine "\x80\0\0\0\x01agent", boots 3, time 500 at NOW. */
static struct wn_usm_engine agent;
static struct wn_usm_user agent_user;
static struct wn_usm_salt agent_salt;
static uint8_t agent_buf[4096], agent_scratch[4096];
static unsigned agent_requests;
/* The contextEngineID of the last request the agent answered. */
static uint8_t agent_ctx_engine[WN_USM_MAX_ENGINE_ID];
static size_t agent_ctx_engine_len;
/* The level, contextName length and varbind count of that request. */
static uint8_t agent_level;
static size_t agent_ctx_name_len, agent_vb_count;

static const struct wn_snmp_varbind *
counter_vb(int err)
{
    static struct wn_snmp_varbind vb;
    const uint32_t *oid;
    size_t n;
    assert_int_equal(wn_usm_report_oid(err, &oid, &n), 0);
    vb = (struct wn_snmp_varbind){.oid = oid, .oid_len = n,
                                  .value = {.syntax = WN_SNMP_SYN_COUNTER32, .v.u32 = 1}};
    return &vb;
}

/* Answers one message the way RFC 3414 says an agent with engine ag does. */
static size_t
agent_answer_as(struct wn_usm_engine *ag, const uint8_t *msg, size_t len, const uint8_t **out)
{
    struct wn_usm_in in;
    assert_int_equal(wn_usm_parse(msg, len, &in), 0);
    struct wn_usm_user *u = in.sp.user_len ? &agent_user : NULL;
    int rc = wn_usm_process_in(&in, u, ag, 1, NOW, agent_scratch, sizeof agent_scratch);
    struct wn_snmp_pdu pdu = {.request_id = in.scoped.pdu.request_id};
    uint8_t flags = 0;
    if (rc) {
        pdu.type = WN_SNMP_PDU_REPORT;
        pdu.vbs = counter_vb(rc);
        pdu.vb_count = 1;
        /* notInTimeWindow is reported authenticated (RFC 3414 3.2 step 7a). */
        if (rc == WN_E_NOTINTIMEWINDOW)
            flags = WN_SNMP_V3_FLAG_AUTH;
        else
            u = NULL;
    } else {
        pdu.type = WN_SNMP_PDU_RESPONSE;
        pdu.vbs = NULL;
        flags = in.msg.flags & WN_USM_LEVEL_MASK;
        agent_requests++;
        agent_ctx_engine_len = in.scoped.context_engine_id_len;
        memcpy(agent_ctx_engine, in.scoped.context_engine_id, agent_ctx_engine_len);
        agent_level = flags;
        agent_ctx_name_len = in.scoped.context_name_len;
        agent_vb_count = in.scoped.pdu.vb_count;
    }
    /* A response names the request's context (RFC 3412 7.1 step 3). */
    struct wn_snmp_scoped_pdu sc = {.context_engine_id = ag->id,
                                    .context_engine_id_len = ag->id_len, .pdu = pdu};
    if (!rc) {
        sc.context_engine_id = in.scoped.context_engine_id;
        sc.context_engine_id_len = in.scoped.context_engine_id_len;
        sc.context_name = in.scoped.context_name;
        sc.context_name_len = in.scoped.context_name_len;
    }
    struct wn_usm_out o = {.user = u, .engine = ag, .flags = flags,
                           .msg_id = in.msg.msg_id, .max_size = 65507, .scoped = &sc};
    size_t n;
    assert_int_equal(wn_usm_encode(&o, &agent_salt, NOW, agent_buf, sizeof agent_buf,
                                   agent_scratch, sizeof agent_scratch, out, &n), 0);
    return n;
}

static size_t
agent_answer(const uint8_t *msg, size_t len, const uint8_t **out)
{
    return agent_answer_as(&agent, msg, len, out);
}

static int
setup(void **state)
{
    (void)state;
    static const uint8_t id[] = {0x80, 0, 0, 0, 1, 'a', 'g', 'e', 'n', 't'};
    memset(&agent, 0, sizeof agent);
    wn_usm_engine_set_id(&agent, id, sizeof id);
    wn_usm_engine_sync(&agent, 3, 500, NOW);
    agent_requests = 0;
    wn_usm_salt_init(&agent_salt);
    return wn_usm_user_init(&agent_user, "ops", WN_USM_AUTH_SHA256, "authpass-1",
                            WN_USM_PRIV_AES128, "privpass-1");
}

static int
teardown(void **state)
{
    (void)state;
    wn_usm_user_clear(&agent_user);
    return 0;
}

struct mgr {
    struct wn_usm_user user;
    struct wn_usm_salt salt;
    int32_t ids;
    uint8_t buf[2][4096], scratch[2][4096];
};

static void
exchange_init(struct wn_usm_exchange *x, struct mgr *m, struct wn_usm_peer *peer, int i,
              const struct wn_snmp_pdu *pdu)
{
    memset(x, 0, sizeof *x);
    x->peer = peer;
    x->user = &m->user;
    x->level = WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV;
    x->salt = &m->salt;
    x->msg_ids = &m->ids;
    x->max_size = 65507;
    x->pdu = pdu;
    x->buf = m->buf[i];
    x->buf_cap = sizeof m->buf[i];
    x->scratch = m->scratch[i];
    x->scratch_cap = sizeof m->scratch[i];
}

/* What the exchanges told their observer (events_reset clears it). */
#define MAX_EVENTS 32
static struct seen {
    enum wn_usm_event ev;
    int err;
    const char *what;
} events[MAX_EVENTS];
static size_t nevents;

static void
observe(const struct wn_usm_exchange *x, enum wn_usm_event ev, int err, const char *what)
{
    (void)x;
    assert_true(nevents < MAX_EVENTS);
    events[nevents++] = (struct seen){ev, err, what};
}

static void
events_reset(void)
{
    nevents = 0;
}

/* The events since the last reset were exactly want[0..n) (err and what
 * checked where want gives them), then resets. */
static void
events_expect(const struct seen *want, size_t n)
{
    if (nevents != n)
        fail_msg("%zu events, want %zu (first %d)", nevents, n, nevents ? (int)events[0].ev : 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(events[i].ev, want[i].ev);
        if (want[i].err)
            assert_int_equal(events[i].err, want[i].err);
        if (want[i].what)
            assert_string_equal(events[i].what, want[i].what);
    }
    events_reset();
}

/* m's user "ops" with the agent's pass phrases; msgIDs from ids. */
static void
mgr_init(struct mgr *m, int32_t ids)
{
    assert_int_equal(wn_usm_user_init(&m->user, "ops", WN_USM_AUTH_SHA256, "authpass-1",
                                      WN_USM_PRIV_AES128, "privpass-1"), 0);
    m->ids = ids;
    wn_usm_salt_init(&m->salt);
}

/* Hands x's message to the agent and its answer back to x. */
static int
round_trip(struct wn_usm_exchange *x)
{
    const uint8_t *ans;
    size_t n = agent_answer(x->out, x->out_len, &ans);
    return wn_usm_exchange_reply(x, ans, n, NOW);
}

static void
test_usm_exchange_discovers_once_for_two_requests(void **state)
{
    (void)state;
    static struct mgr m;
    mgr_init(&m, 77);
    struct wn_usm_peer peer = {0};
    struct wn_snmp_pdu p1 = {.type = WN_SNMP_PDU_GET, .request_id = 1001};
    struct wn_snmp_pdu p2 = {.type = WN_SNMP_PDU_GET, .request_id = 1002};
    struct wn_usm_exchange a, b;
    exchange_init(&a, &m, &peer, 0, &p1);
    exchange_init(&b, &m, &peer, 1, &p2);
    assert_int_equal(wn_usm_exchange_start(&a, NOW), WN_USM_STEP_SEND);     /* probe */
    assert_int_equal(wn_usm_exchange_start(&b, NOW), WN_USM_STEP_WAIT);
    /* A stray datagram (another msgID) is not a's. */
    const uint8_t *ans;
    size_t n = agent_answer(a.out, a.out_len, &ans);
    uint8_t stray[512];
    memcpy(stray, ans, n);
    a.msg_id++;
    assert_int_equal(wn_usm_exchange_reply(&a, stray, n, NOW), WN_USM_STEP_IGNORE);
    a.msg_id--;
    assert_int_equal(wn_usm_exchange_reply(&a, stray, n, NOW), WN_USM_STEP_SEND);  /* sync */
    assert_int_equal(peer.engine.id_len, agent.id_len);
    assert_int_equal(wn_usm_exchange_start(&b, NOW), WN_USM_STEP_WAIT);
    assert_int_equal(round_trip(&a), WN_USM_STEP_SEND);                     /* request */
    assert_int_equal(peer.engine.boots, 3);
    assert_int_equal(peer.engine.time, 500);
    assert_int_equal(peer.time_syncs, 1);
    assert_null(peer.discovering);
    /* b goes straight to its request. */
    assert_int_equal(wn_usm_exchange_start(&b, NOW), WN_USM_STEP_SEND);
    assert_int_equal(round_trip(&a), WN_USM_STEP_DONE);
    assert_int_equal(a.in.scoped.pdu.request_id, 1001);
    assert_int_equal(round_trip(&b), WN_USM_STEP_DONE);
    assert_int_equal(b.in.scoped.pdu.request_id, 1002);
    assert_int_equal(peer.discoveries, 1);
    assert_int_equal(agent_requests, 2);
    assert_int_equal(m.user.localizations, 1);
    /* Our view of the agent's clock goes stale (its time is 1000 s ahead):
     * notInTimeWindow, resync, one resend. */
    wn_usm_engine_sync(&agent, 3, 1500, NOW);
    struct wn_usm_exchange c;
    struct wn_snmp_pdu p3 = {.type = WN_SNMP_PDU_GET, .request_id = 1003};
    exchange_init(&c, &m, &peer, 0, &p3);
    assert_int_equal(wn_usm_exchange_start(&c, NOW), WN_USM_STEP_SEND);
    assert_int_equal(round_trip(&c), WN_USM_STEP_SEND);
    assert_int_equal(peer.resyncs, 1);
    assert_int_equal(round_trip(&c), WN_USM_STEP_DONE);
    assert_int_equal(c.in.scoped.pdu.request_id, 1003);
    wn_usm_user_clear(&m.user);
}

static void
test_usm_exchange_errors_and_timeouts(void **state)
{
    (void)state;
    static struct mgr m;
    struct wn_usm_peer peer = {0};
    struct wn_snmp_pdu p = {.type = WN_SNMP_PDU_GET, .request_id = 5};
    struct wn_usm_exchange x, y;
    /* Wrong auth pass phrase: the time sync gets wrongDigest. */
    assert_int_equal(wn_usm_user_init(&m.user, "ops", WN_USM_AUTH_SHA256, "authpass-X",
                                      WN_USM_PRIV_AES128, "privpass-1"), 0);
    m.ids = 1;
    wn_usm_salt_init(&m.salt);
    exchange_init(&x, &m, &peer, 0, &p);
    assert_int_equal(wn_usm_exchange_start(&x, NOW), WN_USM_STEP_SEND);
    assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);
    assert_int_equal(round_trip(&x), WN_USM_STEP_FAIL);
    assert_int_equal(x.err, WN_E_WRONGDIGEST);
    assert_null(peer.discovering);
    wn_usm_user_clear(&m.user);
    /* Silence during discovery: the discovering exchange times out and
     * releases the peer; the waiting one may start. */
    assert_int_equal(wn_usm_user_init(&m.user, "ops", WN_USM_AUTH_SHA256, "authpass-1",
                                      WN_USM_PRIV_AES128, "privpass-1"), 0);
    memset(&peer, 0, sizeof peer);
    exchange_init(&x, &m, &peer, 0, &p);
    exchange_init(&y, &m, &peer, 1, &p);
    assert_int_equal(wn_usm_exchange_start(&x, NOW), WN_USM_STEP_SEND);
    assert_int_equal(wn_usm_exchange_start(&y, NOW), WN_USM_STEP_WAIT);
    assert_int_equal(wn_usm_exchange_timeout(&x, NOW), WN_USM_STEP_FAIL);
    assert_int_equal(x.err, WN_E_TIMEOUT);
    assert_int_equal(wn_usm_exchange_start(&y, NOW), WN_USM_STEP_SEND);
    wn_usm_exchange_abort(&y);
    assert_null(peer.discovering);
    wn_usm_user_clear(&m.user);
}

/* 1 when the agent's own side can decrypt x's message (RFC 3414 3.2). */
static int
agent_decrypts(const struct wn_usm_exchange *x)
{
    struct wn_usm_in in;
    assert_int_equal(wn_usm_parse(x->out, x->out_len, &in), 0);
    return wn_usm_process_in(&in, &agent_user, &agent, 1, NOW, agent_scratch,
                             sizeof agent_scratch) == 0;
}

/* An authPriv request the agent drops (snmpd drops what it cannot decrypt,
 * and a request for a contextName it does not serve, both without a
 * report).  The diagnosis: an authNoPriv probe, then an authPriv probe in
 * the default context, both without varbinds.  Wrong priv key: the first
 * is answered, the second cannot be decrypted and goes unanswered:
 * decryptionError.  Unknown context: both are answered: a timeout.
 * Checked against the old exchange (the authNoPriv probe alone): the
 * unknown context ended with WN_E_DECRYPTIONERROR. */
static void
test_usm_exchange_priv_diagnosis_tells_wrong_key_from_dropped_request(void **state)
{
    (void)state;
    static struct mgr m;
    struct wn_usm_peer peer = {0};
    struct wn_snmp_pdu p = {.type = WN_SNMP_PDU_GET, .request_id = 6};
    struct wn_usm_exchange x;
    static const uint8_t vrf[] = "no-such-context";
    const uint8_t authpriv = WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV;
    for (int wrong_priv = 1; wrong_priv >= 0; wrong_priv--) {
        assert_int_equal(wn_usm_user_init(&m.user, "ops", WN_USM_AUTH_SHA256, "authpass-1",
                                          WN_USM_PRIV_AES128,
                                          wrong_priv ? "privpass-X" : "privpass-1"), 0);
        m.ids = 1;
        wn_usm_salt_init(&m.salt);
        memset(&peer, 0, sizeof peer);
        exchange_init(&x, &m, &peer, 0, &p);
        x.on_event = observe;
        x.context_name = vrf;
        x.context_name_len = sizeof vrf - 1;
        assert_int_equal(wn_usm_exchange_start(&x, NOW), WN_USM_STEP_SEND);   /* probe */
        assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);                   /* sync */
        assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);                   /* the request */
        assert_int_equal(agent_decrypts(&x), !wrong_priv);
        /* dropped: the authNoPriv probe, answered */
        events_reset();
        assert_int_equal(wn_usm_exchange_timeout(&x, NOW), WN_USM_STEP_SEND);
        agent_requests = 0;
        assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);
        static const struct seen probes[] = {{WN_USM_EV_DIAG_AUTH, 0, NULL},
                                             {WN_USM_EV_DIAG_PRIV, 0, NULL}};
        events_expect(probes, WN_ARRAY_SIZE(probes));
        assert_int_equal(agent_requests, 1);
        assert_int_equal(agent_level, WN_SNMP_V3_FLAG_AUTH);
        assert_int_equal(agent_vb_count, 0);
        /* the authPriv probe: default context, no varbinds */
        events_reset();
        if (wrong_priv) {
            assert_false(agent_decrypts(&x));
            assert_int_equal(wn_usm_exchange_timeout(&x, NOW), WN_USM_STEP_FAIL);
            assert_int_equal(x.err, WN_E_DECRYPTIONERROR);
        } else {
            assert_int_equal(round_trip(&x), WN_USM_STEP_FAIL);
            assert_int_equal(x.err, WN_E_TIMEOUT);
            assert_int_equal(agent_requests, 2);
            assert_int_equal(agent_level, authpriv);
            assert_int_equal(agent_ctx_name_len, 0);
            assert_int_equal(agent_vb_count, 0);
        }
        /* The conclusion, then the request's failure. */
        const int why = wrong_priv ? WN_E_DECRYPTIONERROR : WN_E_TIMEOUT;
        const struct seen concl[] = {{WN_USM_EV_DIAGNOSED, why, NULL},
                                     {WN_USM_EV_FAILED, why, "request"}};
        events_expect(concl, WN_ARRAY_SIZE(concl));
        assert_null(peer.discovering);
        wn_usm_user_clear(&m.user);
    }
    /* Silence for the request and the authNoPriv probe: a timeout, no
     * authPriv probe. */
    assert_int_equal(wn_usm_user_init(&m.user, "ops", WN_USM_AUTH_SHA256, "authpass-1",
                                      WN_USM_PRIV_AES128, "privpass-1"), 0);
    exchange_init(&x, &m, &peer, 0, &p);
    assert_int_equal(wn_usm_exchange_start(&x, NOW), WN_USM_STEP_SEND);
    assert_int_equal(wn_usm_exchange_timeout(&x, NOW), WN_USM_STEP_SEND);
    assert_int_equal(wn_usm_exchange_timeout(&x, NOW), WN_USM_STEP_FAIL);
    assert_int_equal(x.err, WN_E_TIMEOUT);
    wn_usm_user_clear(&m.user);
}

/* x for p, observed, started: its first message is out. */
static void
observed_start(struct wn_usm_exchange *x, struct mgr *m, struct wn_usm_peer *peer,
               const struct wn_snmp_pdu *p)
{
    exchange_init(x, m, peer, 0, p);
    x->on_event = observe;
    assert_int_equal(wn_usm_exchange_start(x, NOW), WN_USM_STEP_SEND);
}

/* The observer hears of discovery, the time sync, reports, the resync
 * and the rediscovery, and of nothing while a request to a known engine
 * is answered (WinSNMP logs these at WN_LOG=debug). */
static void
test_usm_exchange_tells_its_observer_each_step_but_an_answered_request(void **state)
{
    (void)state;
    static struct mgr m;
    mgr_init(&m, 300);
    struct wn_usm_peer peer = {0};
    struct wn_snmp_pdu p = {.type = WN_SNMP_PDU_GET, .request_id = 2001};
    struct wn_usm_exchange x;
    events_reset();
    observed_start(&x, &m, &peer, &p);     /* probe */
    assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);                     /* sync */
    assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);                     /* request */
    assert_int_equal(round_trip(&x), WN_USM_STEP_DONE);
    static const struct seen discovery[] = {
        {WN_USM_EV_DISCOVER, 0, NULL}, {WN_USM_EV_DISCOVERED, 0, NULL},
        {WN_USM_EV_TIME_SYNCED, 0, NULL}};
    events_expect(discovery, WN_ARRAY_SIZE(discovery));
    /* Known engine, answered: silence. */
    observed_start(&x, &m, &peer, &p);
    assert_int_equal(round_trip(&x), WN_USM_STEP_DONE);
    events_expect(NULL, 0);
    /* A stale clock: the report, the resync. */
    wn_usm_engine_sync(&agent, 3, 1500, NOW);
    observed_start(&x, &m, &peer, &p);
    assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);
    assert_int_equal(round_trip(&x), WN_USM_STEP_DONE);
    static const struct seen resync[] = {
        {WN_USM_EV_REPORT, WN_E_NOTINTIMEWINDOW, NULL}, {WN_USM_EV_RESYNC, 0, NULL}};
    events_expect(resync, WN_ARRAY_SIZE(resync));
    /* The agent comes back with another engine ID: the report, the
     * rediscovery, its discovery. */
    struct wn_usm_engine reborn = agent;
    reborn.id[reborn.id_len - 1] ^= 1;
    observed_start(&x, &m, &peer, &p);
    const struct wn_usm_exchange *xs = &x;
    static const int steps[] = {WN_USM_STEP_SEND, WN_USM_STEP_SEND, WN_USM_STEP_SEND,
                                WN_USM_STEP_DONE};
    for (size_t i = 0; i < WN_ARRAY_SIZE(steps); i++) {
        const uint8_t *ans;
        size_t n = agent_answer_as(&reborn, xs->out, xs->out_len, &ans);
        assert_int_equal(wn_usm_exchange_reply(&x, ans, n, NOW), steps[i]);
    }
    static const struct seen rediscovery[] = {
        {WN_USM_EV_REPORT, WN_E_UNKNOWNENGINEID, NULL}, {WN_USM_EV_REDISCOVER, 0, NULL},
        {WN_USM_EV_DISCOVER, 0, NULL}, {WN_USM_EV_DISCOVERED, 0, NULL},
        {WN_USM_EV_TIME_SYNCED, 0, NULL}};
    events_expect(rediscovery, WN_ARRAY_SIZE(rediscovery));
    assert_memory_equal(peer.engine.id, reborn.id, reborn.id_len);
    /* Silence in the time sync: the failure names its step. */
    memset(&peer, 0, sizeof peer);
    observed_start(&x, &m, &peer, &p);
    assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);
    assert_int_equal(wn_usm_exchange_timeout(&x, NOW), WN_USM_STEP_FAIL);
    static const struct seen silent[] = {
        {WN_USM_EV_DISCOVER, 0, NULL}, {WN_USM_EV_DISCOVERED, 0, NULL},
        {WN_USM_EV_FAILED, WN_E_TIMEOUT, "time synchronisation"}};
    events_expect(silent, WN_ARRAY_SIZE(silent));
    wn_usm_user_clear(&m.user);
}

/* 1 000 undiscovered engines at once, from one thread: every probe is out
 * before any answer is read, nothing waits on anything else. */
#define MANY 1000

static void
test_usm_exchange_thousand_engines_discover_concurrently(void **state)
{
    (void)state;
    static struct wn_usm_engine agents[MANY];
    static struct wn_usm_peer peers[MANY];
    static struct wn_usm_exchange xs[MANY];
    static struct wn_snmp_pdu pdus[MANY];
    static struct mgr m;
    static uint8_t bufs[MANY][512], scr[512];
    assert_int_equal(wn_usm_user_init(&m.user, "ops", WN_USM_AUTH_SHA256, "authpass-1",
                                      WN_USM_PRIV_AES128, "privpass-1"), 0);
    m.ids = 1;
    wn_usm_salt_init(&m.salt);
    for (uint32_t i = 0; i < MANY; i++) {
        uint8_t id[9] = {0x80, 0, 0, 0, 1, (uint8_t)(i >> 24), (uint8_t)(i >> 16),
                         (uint8_t)(i >> 8), (uint8_t)i};
        assert_int_equal(wn_usm_engine_set_id(&agents[i], id, sizeof id), 0);
        wn_usm_engine_sync(&agents[i], 1 + i % 7, 100 + i, NOW);
        pdus[i] = (struct wn_snmp_pdu){.type = WN_SNMP_PDU_GET, .request_id = (int32_t)i + 1};
        exchange_init(&xs[i], &m, &peers[i], 0, &pdus[i]);
        xs[i].buf = bufs[i];
        xs[i].buf_cap = sizeof bufs[i];
        xs[i].scratch = scr;            /* one thread: shared between exchanges */
        xs[i].scratch_cap = sizeof scr;
        assert_int_equal(wn_usm_exchange_start(&xs[i], NOW), WN_USM_STEP_SEND);
    }
    /* Three rounds (probe, time sync, request), each over all engines. */
    static const int expect[] = {WN_USM_STEP_SEND, WN_USM_STEP_SEND, WN_USM_STEP_DONE};
    for (size_t r = 0; r < WN_ARRAY_SIZE(expect); r++) {
        for (uint32_t i = 0; i < MANY; i++) {
            const uint8_t *ans;
            size_t n = agent_answer_as(&agents[i], xs[i].out, xs[i].out_len, &ans);
            assert_int_equal(wn_usm_exchange_reply(&xs[i], ans, n, NOW), expect[r]);
        }
    }
    for (uint32_t i = 0; i < MANY; i++) {
        assert_memory_equal(peers[i].engine.id, agents[i].id, agents[i].id_len);
        assert_int_equal(peers[i].engine.boots, agents[i].boots);
        assert_int_equal(xs[i].in.scoped.pdu.request_id, (int32_t)i + 1);
    }
    assert_int_equal(m.user.localizations, MANY);
    wn_usm_user_clear(&m.user);
}

/* The request's contextEngineID: the agent's own unless the caller names
 * another (the WinSNMP entity's contextengineid=, net-snmp's -E). */
static void
test_usm_exchange_context_engine_id(void **state)
{
    (void)state;
    static struct mgr m;
    mgr_init(&m, 5);
    struct wn_usm_peer peer = {0};
    struct wn_snmp_pdu p = {.type = WN_SNMP_PDU_GET, .request_id = 3001};
    struct wn_usm_exchange x;
    exchange_init(&x, &m, &peer, 0, &p);
    assert_int_equal(wn_usm_exchange_start(&x, NOW), WN_USM_STEP_SEND);     /* probe */
    assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);                     /* sync */
    assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);                     /* request */
    assert_int_equal(round_trip(&x), WN_USM_STEP_DONE);
    assert_int_equal(agent_ctx_engine_len, agent.id_len);
    assert_memory_equal(agent_ctx_engine, agent.id, agent.id_len);

    static const uint8_t proxy[] = {0x80, 0, 0x1f, 0x88, 4, 'p', 'r', 'o', 'x', 'y'};
    exchange_init(&x, &m, &peer, 0, &p);
    x.context_engine_id = proxy;
    x.context_engine_id_len = sizeof proxy;
    assert_int_equal(wn_usm_exchange_start(&x, NOW), WN_USM_STEP_SEND);     /* request */
    assert_int_equal(round_trip(&x), WN_USM_STEP_DONE);
    assert_int_equal(agent_ctx_engine_len, sizeof proxy);
    assert_memory_equal(agent_ctx_engine, proxy, sizeof proxy);
    wn_usm_user_clear(&m.user);
}

/* A Response as `user_name` from engine `eng` naming context (ce, cn). */
static size_t
forge_response(const struct wn_usm_engine *eng, const char *user_name, int32_t msg_id,
               int32_t request_id, const uint8_t *ce, size_t ce_len, const char *cn,
               const uint8_t **out)
{
    struct wn_usm_user u;
    assert_int_equal(wn_usm_user_init(&u, user_name, WN_USM_AUTH_NONE, NULL, WN_USM_PRIV_NONE,
                                      NULL), 0);
    struct wn_snmp_scoped_pdu sc = {
        .context_engine_id = ce, .context_engine_id_len = ce_len,
        .context_name = (const uint8_t *)cn, .context_name_len = strlen(cn),
        .pdu = {.type = WN_SNMP_PDU_RESPONSE, .request_id = request_id}};
    struct wn_usm_out o = {.user = &u, .engine = eng, .flags = 0, .msg_id = msg_id,
                           .max_size = 65507, .scoped = &sc};
    size_t n;
    assert_int_equal(wn_usm_encode(&o, NULL, NOW, agent_buf, sizeof agent_buf, NULL, 0, out, &n),
                     0);
    wn_usm_user_clear(&u);
    return n;
}

/* A Response with the request's msgID that differs from the request in
 * anything else the request fixed (engine ID, user, contextEngineID,
 * contextName, request-id) is not the answer: ignored, and the right one
 * still completes the request.  At noAuthNoPriv nothing else checks
 * these.  Checked against the old exchange (msgID, request-id and level
 * only): the first forged one (another user) completed the request. */
static void
test_usm_exchange_reply_matches_everything_the_request_fixed(void **state)
{
    (void)state;
    static struct mgr m;
    assert_int_equal(wn_usm_user_init(&m.user, "guest", WN_USM_AUTH_NONE, NULL,
                                      WN_USM_PRIV_NONE, NULL), 0);
    m.ids = 9;
    struct wn_usm_peer peer = {0};
    struct wn_snmp_pdu p = {.type = WN_SNMP_PDU_GET, .request_id = 4001};
    struct wn_usm_exchange x;
    exchange_init(&x, &m, &peer, 0, &p);
    x.level = 0;
    x.context_name = (const uint8_t *)"vrf-a";
    x.context_name_len = 5;
    assert_int_equal(wn_usm_exchange_start(&x, NOW), WN_USM_STEP_SEND);     /* probe */
    assert_int_equal(round_trip(&x), WN_USM_STEP_SEND);                     /* request */
    struct wn_usm_engine other = agent;
    other.id[other.id_len - 1] ^= 1;
    const struct {
        const struct wn_usm_engine *from;
        const char *user;
        int32_t request_id;
        const struct wn_usm_engine *context_engine;
        const char *context_name;
        int step;
        const char *field;          /* what the observer hears differs */
    } replies[] = {
        {&agent, "mallory", 4001, &agent, "vrf-a", WN_USM_STEP_IGNORE, "msgUserName"},
        {&other, "guest", 4001, &agent, "vrf-a", WN_USM_STEP_IGNORE, "msgAuthoritativeEngineID"},
        {&agent, "guest", 4001, &other, "vrf-a", WN_USM_STEP_IGNORE, "contextEngineID"},
        {&agent, "guest", 4001, &agent, "vrf-b", WN_USM_STEP_IGNORE, "contextName"},
        {&agent, "guest", 4002, &agent, "vrf-a", WN_USM_STEP_IGNORE, "request-id"},
        {&agent, "guest", 4001, &agent, "vrf-a", WN_USM_STEP_DONE, NULL},     /* the answer */
    };
    x.on_event = observe;
    for (size_t i = 0; i < WN_ARRAY_SIZE(replies); i++) {
        const uint8_t *msg;
        size_t n = forge_response(replies[i].from, replies[i].user, x.msg_id,
                                  replies[i].request_id, replies[i].context_engine->id,
                                  replies[i].context_engine->id_len, replies[i].context_name,
                                  &msg);
        events_reset();
        assert_int_equal(wn_usm_exchange_reply(&x, msg, n, NOW), replies[i].step);
        const struct seen dropped = {WN_USM_EV_DROPPED, 0, replies[i].field};
        events_expect(&dropped, replies[i].field ? 1 : 0);
    }
    assert_int_equal(x.in.scoped.pdu.request_id, 4001);
    wn_usm_user_clear(&m.user);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_usm_exchange_tells_its_observer_each_step_but_an_answered_request, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_usm_exchange_discovers_once_for_two_requests, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_usm_exchange_errors_and_timeouts, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_usm_exchange_priv_diagnosis_tells_wrong_key_from_dropped_request, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_usm_exchange_context_engine_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usm_exchange_reply_matches_everything_the_request_fixed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_usm_exchange_thousand_engines_discover_concurrently,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
