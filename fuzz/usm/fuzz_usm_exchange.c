/* fuzz_usm_exchange.c: fuzz target: a manager's SNMPv3 exchange (usm exchange.c) fed arbitrary bytes as the reply to its probes, request and diagnosis probes, or timeouts, at every level, with the msgID it awaits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fixed_engine[] = {0x80, 0, 0, 0, 5, 'f', 'u', 'z', 'z'};

/* The observer (what WinSNMP logs at WN_LOG=debug): every event names
 * what it must, a Report's counter included. */
static void
observe(const struct wn_usm_exchange *x, enum wn_usm_event ev, int err, const char *what)
{
    const char *meaning;
    if (ev == WN_USM_EV_REPORT && (!wn_usm_report_counter(&x->in.scoped.pdu, &meaning) || !err))
        abort();
    if ((ev == WN_USM_EV_DROPPED || ev == WN_USM_EV_DIAGNOSED || ev == WN_USM_EV_FAILED) && !what)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[WN_SNMP_MAX_MSG], scratch[WN_SNMP_MAX_MSG];
    static const uint8_t key[WN_USM_MAX_KEY] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    static struct wn_usm_salt salt;
    static int ready;
    if (!ready) {
        if (wn_usm_salt_init(&salt) != 0)
            abort();
        ready = 1;
    }
    /* The reply's msgID becomes the one the exchange awaits, so every
     * input that parses reaches the phase logic. */
    struct wn_usm_in in;
    if (wn_usm_parse(data, size, &in) != 0)
        return 0;
    int32_t ids = in.msg.msg_id > 0 ? in.msg.msg_id : 1;
    /* The peer: the reply's engine (clock synced to it) or an unknown one
     * (a probe goes out first). */
    struct wn_usm_peer peer;
    memset(&peer, 0, sizeof peer);
    int discover = size % 5 == 0;
    if (!discover) {
        if (wn_usm_engine_set_id(&peer.engine, in.sp.engine_id, in.sp.engine_id_len) != 0)
            wn_usm_engine_set_id(&peer.engine, fixed_engine, sizeof fixed_engine);
        wn_usm_engine_sync(&peer.engine, in.sp.boots, in.sp.time, 0);
    }
    struct wn_usm_user user;
    if (wn_usm_user_init_localized(&user, "v3sha", WN_USM_AUTH_SHA1, WN_USM_PRIV_AES128) != 0)
        abort();
    if (peer.engine.id_len)
        wn_usm_user_add_keys(&user, peer.engine.id, peer.engine.id_len, key, 20, key, 20);
    /* The level: the reply's own, or another one. */
    static const uint8_t levels[] = {0, WN_SNMP_V3_FLAG_AUTH,
                                     WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV};
    uint8_t level = in.msg.flags & WN_USM_LEVEL_MASK;
    if (level == WN_SNMP_V3_FLAG_PRIV || size % 3 == 0)
        level = levels[size % 3];
    struct wn_snmp_pdu pdu = {.type = WN_SNMP_PDU_GET, .request_id = in.scoped.pdu.request_id};
    struct wn_usm_exchange x;
    memset(&x, 0, sizeof x);
    x.on_event = observe;
    x.peer = &peer;
    x.user = &user;
    x.level = level;
    x.salt = &salt;
    x.msg_ids = &ids;
    x.max_size = WN_SNMP_MAX_MSG;
    x.pdu = &pdu;
    x.context_name = in.scoped.context_name;
    x.context_name_len = in.scoped.context_name_len;
    x.buf = buf;
    x.buf_cap = sizeof buf;
    x.scratch = scratch;
    x.scratch_cap = sizeof scratch;
    /* Every message the exchange sends gets the input's msgID, so each
     * reply reaches the phase logic: up to six steps, each the input as
     * the reply or (a bit of the input's size) a timeout, which walks
     * sync, resend, rediscovery and both probes of the wrong-priv
     * diagnosis. */
    const int32_t first_id = ids;
    int step = wn_usm_exchange_start(&x, 0);
    for (int round = 0; round < 6 && (step == WN_USM_STEP_SEND || step == WN_USM_STEP_IGNORE);
         round++) {
        ids = first_id;
        if (step == WN_USM_STEP_SEND && x.msg_id != in.msg.msg_id)
            break;
        if ((size >> round) & 1) {
            step = wn_usm_exchange_timeout(&x, 0);
            continue;
        }
        step = wn_usm_exchange_reply(&x, data, size, 0);
        if (step == WN_USM_STEP_DONE && (x.in.scoped.pdu.type != WN_SNMP_PDU_RESPONSE
                                         || x.in.scoped.pdu.request_id != pdu.request_id
                                         || (x.in.msg.flags & WN_USM_LEVEL_MASK) != level))
            abort();
    }
    wn_usm_exchange_abort(&x);
    wn_wipe(scratch, sizeof scratch);
    wn_usm_user_clear(&user);
    return 0;
}
