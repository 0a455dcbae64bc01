/* droplog.c: WN_LOG=debug lines saying why a manager socket dropped a datagram (source, reason), rate-limited. */
#include "engine_int.h"

#include <inttypes.h>
#include <stdio.h>

/* At most WN_WS_DROP_LOG_LINES lines per WN_WS_DROP_LOG_WINDOW_MS: a flood
 * of bad datagrams cannot fill a disk.  The ones left out are counted and
 * said in one line when the next window opens (or at SnmpCleanup). */
#define WN_WS_DROP_LOG_LINES 10u
#define WN_WS_DROP_LOG_WINDOW_MS 1000u

/* Address text: an IPv6 address with a scope name, brackets and port. */
#define DROP_ADDR_MAX 80

static struct wn_log_limit drop_limit =
    WN_LOG_LIMIT_INIT("dropped datagrams", WN_WS_DROP_LOG_LINES, WN_WS_DROP_LOG_WINDOW_MS);

int
wn_ws_drop_admit(void)
{
    return wn_log_limit_admit(&drop_limit, "winsnmp");
}

void
wn_ws_drop_flush(void)
{
    wn_log_limit_flush(&drop_limit, "winsnmp");
}

static const char *
version_name(int v)
{
    return v == WN_WS_V1 ? "SNMPv1" : v == WN_WS_V2C ? "SNMPv2c" : v == WN_WS_V3 ? "SNMPv3"
                                                                             : "unknown";
}

void
wn_ws_drop_log(const struct wn_ws_drop *d)
{
    char from[DROP_ADDR_MAX], to[DROP_ADDR_MAX];
    if (wn_sockaddr_format(d->from, from, sizeof from, 1) < 0)
        snprintf(from, sizeof from, "(address family %d)", (int)d->from->sa_family);
    char why[2 * DROP_ADDR_MAX + 96];
    switch (d->why) {
    case WN_WS_DROP_MALFORMED:
        /* The check that failed is the decoder's line before this one. */
        snprintf(why, sizeof why, "malformed");
        break;
    case WN_WS_DROP_NOT_REPLY:
        snprintf(why, sizeof why, "not a response (PDU type 0x%02x)", (unsigned)d->got);
        break;
    case WN_WS_DROP_BAD_ID:
        snprintf(why, sizeof why, "response with request id %" PRId32 " (ids are positive)",
                 (int32_t)d->got);
        break;
    case WN_WS_DROP_NO_REQUEST:
        snprintf(why, sizeof why, "no outstanding request with id %" PRIu32
                 " (a late or repeated answer, or not ours)", d->reqid);
        break;
    case WN_WS_DROP_OTHER_ADDR:
        if (wn_sockaddr_format(d->to, to, sizeof to, 1) < 0)
            snprintf(to, sizeof to, "(address family %d)", (int)d->to->sa_family);
        snprintf(why, sizeof why, "request %" PRIu32 " went to %s, not to this address",
                 d->reqid, to);
        break;
    case WN_WS_DROP_VERSION:
        snprintf(why, sizeof why, "request %" PRIu32 " is %s, the response %s", d->reqid,
                 version_name(d->want), version_name(d->got));
        break;
    case WN_WS_DROP_COMMUNITY:
        /* Never the community itself: a secret.  Its length only. */
        snprintf(why, sizeof why, "request %" PRIu32 ": the community differs (the "
                 "response's has %d octets)", d->reqid, d->got);
        break;
    default:
        snprintf(why, sizeof why, "request %" PRIu32 ": not its SNMPv3 answer (%s)", d->reqid,
                 d->got == WN_E_MALFORMED ? "not a message its user can parse"
                                          : "another msgID");
        break;
    }
    wn_log(WN_LOG_DEBUG, "winsnmp", "dropped datagram from %s (%zu bytes): %s", from, d->len,
           why);
}
