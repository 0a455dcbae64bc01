/* entity.c: the SNMPv3 entity string form of docs/snmpv3.md ("snmpv3:<user>[;key=value]...@<address>"): parse, with %XX escapes, and redact its secrets. */
#include "usm.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ESCAPE '%'
#define FIELD_SEP ';'
#define ADDR_SEP '@'

/* Decodes src[0..n) with %XX escapes into out[0..cap); *len.  A raw
 * ';' or '@' cannot reach here (they end the value). */
static int
unescape(const char *src, size_t n, char *out, size_t cap, size_t *len)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)src[i];
        if (c == ESCAPE) {
            if (i + 2 >= n)
                return WN_E_MALFORMED;
            int hi = wn_hexval(src[i + 1]), lo = wn_hexval(src[i + 2]);
            if (hi < 0 || lo < 0)
                return WN_E_MALFORMED;
            c = hi << 4 | lo;
            i += 2;
        } else if (c < 0x21 || c > 0x7e) {
            return WN_E_MALFORMED;      /* outside printable ASCII: must be escaped */
        }
        if (k + 1 >= cap)
            return WN_E_LIMIT;
        out[k++] = (char)c;
    }
    out[k] = '\0';
    *len = k;
    return 0;
}

int
wn_usm_hex_parse(const char *v, size_t n, uint8_t *out, size_t max, size_t *len)
{
    if (n < 4 || n % 2 || v[0] != '0' || (v[1] != 'x' && v[1] != 'X'))
        return WN_E_MALFORMED;
    size_t bytes = (n - 2) / 2;
    if (bytes > max)
        return WN_E_LIMIT;
    for (size_t i = 0; i < bytes; i++) {
        int hi = wn_hexval(v[2 + 2 * i]), lo = wn_hexval(v[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return WN_E_MALFORMED;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = bytes;
    return 0;
}

int
wn_usm_level_from_name(const char *v, int *level)
{
    if (strcasecmp(v, "noAuthNoPriv") == 0)
        *level = 0;
    else if (strcasecmp(v, "authNoPriv") == 0)
        *level = WN_SNMP_V3_FLAG_AUTH;
    else if (strcasecmp(v, "authPriv") == 0)
        *level = WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV;
    else
        return WN_E_MALFORMED;
    return 0;
}

const char *
wn_usm_level_name(int level)
{
    if (!(level & WN_SNMP_V3_FLAG_AUTH))
        return "noAuthNoPriv";
    return (level & WN_SNMP_V3_FLAG_PRIV) ? "authPriv" : "authNoPriv";
}

/* 1 when c must travel as %XX in a value: what unescape refuses raw, and
 * what ends a field or the parameters. */
static int
needs_escape(unsigned char c)
{
    return c < 0x21 || c > 0x7e || c == ESCAPE || c == FIELD_SEP || c == ADDR_SEP;
}

int
wn_usm_entity_format(const char *user, size_t user_len, int level, const char *address,
                     char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!user || !address || !out || user_len == 0 || user_len > WN_USM_MAX_USER_NAME)
        return WN_E_INVAL;
    char esc[3 * WN_USM_MAX_USER_NAME + 1];
    size_t k = 0;
    for (size_t i = 0; i < user_len; i++) {
        unsigned char c = (unsigned char)user[i];
        if (needs_escape(c)) {
            esc[k++] = ESCAPE;
            esc[k++] = hex[c >> 4];
            esc[k++] = hex[c & 15];
        } else {
            esc[k++] = (char)c;
        }
    }
    esc[k] = '\0';
    int n = snprintf(out, cap, WN_USM_ENTITY_PREFIX "%s;level=%s%c%s", esc,
                     wn_usm_level_name(level), ADDR_SEP, address);
    return n < 0 || (size_t)n >= cap ? WN_E_NOSPACE : 0;
}

static int
secret_dup(const char *v, size_t n, char **out)
{
    if (*out)
        return WN_E_MALFORMED;          /* given twice */
    if (n < WN_USM_MIN_PASSPHRASE || n > WN_USM_MAX_PASSPHRASE || memchr(v, '\0', n))
        return WN_E_INVAL;
    *out = wn_malloc(n + 1);
    if (!*out)
        return WN_E_NOMEM;
    memcpy(*out, v, n);
    (*out)[n] = '\0';
    return 0;
}

/* One key=value field (value already unescaped into val[0..n)). */
static int
field(struct wn_usm_entity *e, const char *key, size_t klen, const char *val, size_t n)
{
#define KEY_IS(s) (klen == sizeof(s) - 1 && strncasecmp(key, s, klen) == 0)
    if (KEY_IS("level"))
        return wn_usm_level_from_name(val, &e->level);
    if (KEY_IS("auth"))
        return wn_usm_auth_from_name(val, &e->auth) ? WN_E_MALFORMED : 0;
    if (KEY_IS("priv"))
        return wn_usm_priv_from_name(val, &e->priv) ? WN_E_MALFORMED : 0;
    if (KEY_IS("authpass"))
        return secret_dup(val, n, &e->authpass);
    if (KEY_IS("privpass"))
        return secret_dup(val, n, &e->privpass);
    if (KEY_IS("authkey"))
        return wn_usm_hex_parse(val, n, e->authkey, sizeof e->authkey, &e->authkey_len);
    if (KEY_IS("privkey"))
        return wn_usm_hex_parse(val, n, e->privkey, sizeof e->privkey, &e->privkey_len);
    if (KEY_IS("engineid")) {
        int rc = wn_usm_hex_parse(val, n, e->engine_id, sizeof e->engine_id, &e->engine_id_len);
        if (rc == 0 && e->engine_id_len < WN_USM_MIN_ENGINE_ID)
            rc = WN_E_MALFORMED;
        return rc;
    }
    if (KEY_IS("contextengineid")) {
        int rc = wn_usm_hex_parse(val, n, e->context_engine_id, sizeof e->context_engine_id,
                           &e->context_engine_id_len);
        if (rc == 0 && e->context_engine_id_len < WN_USM_MIN_ENGINE_ID)
            rc = WN_E_MALFORMED;
        return rc;
    }
#undef KEY_IS
    return WN_E_MALFORMED;              /* unknown key */
}

/* Cross-field rules.  A protocol without its secret is allowed: the
 * secret then comes from the database's user line (and a redacted string
 * parses back). */
static int
consistent(const struct wn_usm_entity *e)
{
    if ((e->authpass && e->authkey_len) || (e->privpass && e->privkey_len))
        return WN_E_MALFORMED;
    if (((e->authpass || e->authkey_len) && e->auth == WN_USM_AUTH_NONE)
        || ((e->privpass || e->privkey_len) && e->priv == WN_USM_PRIV_NONE))
        return WN_E_MALFORMED;
    if (e->priv != WN_USM_PRIV_NONE && e->auth == WN_USM_AUTH_NONE)
        return WN_E_MALFORMED;
    if ((e->authkey_len || e->privkey_len) && !e->engine_id_len)
        return WN_E_MALFORMED;          /* localized keys belong to one engine */
    if (e->authkey_len && e->authkey_len != wn_usm_auth_key_len(e->auth))
        return WN_E_MALFORMED;
    return 0;
}

int
wn_usm_entity_parse(const char *s, struct wn_usm_entity *e)
{
    if (!s || !e)
        return WN_E_INVAL;
    memset(e, 0, sizeof *e);
    e->level = WN_USM_LEVEL_DEFAULT;
    size_t plen = strlen(WN_USM_ENTITY_PREFIX);
    if (strncasecmp(s, WN_USM_ENTITY_PREFIX, plen) != 0)
        return WN_E_NOTFOUND;
    const char *p = s + plen;
    const char *at = strchr(p, ADDR_SEP);
    if (!at || at[1] == '\0')
        return WN_E_MALFORMED;
    if ((size_t)(at - p) > WN_USM_MAX_ENTITY_PARAMS)
        return WN_E_LIMIT;
    char val[WN_USM_MAX_ENTITY_PARAMS + 1];
    size_t n;
    const char *end = memchr(p, FIELD_SEP, (size_t)(at - p));
    if (!end)
        end = at;
    int rc = unescape(p, (size_t)(end - p), val, sizeof val, &n);
    if (rc == 0 && (n == 0 || n > WN_USM_MAX_USER_NAME || memchr(val, '\0', n)))
        rc = WN_E_MALFORMED;
    if (rc == 0)
        memcpy(e->user, val, n + 1);
    while (rc == 0 && end < at) {
        const char *f = end + 1;
        end = memchr(f, FIELD_SEP, (size_t)(at - f));
        if (!end)
            end = at;
        const char *eq = memchr(f, '=', (size_t)(end - f));
        if (!eq) {
            rc = WN_E_MALFORMED;
            break;
        }
        rc = unescape(eq + 1, (size_t)(end - eq - 1), val, sizeof val, &n);
        if (rc == 0)
            rc = field(e, f, (size_t)(eq - f), val, n);
    }
    wn_wipe(val, sizeof val);
    if (rc == 0)
        rc = consistent(e);
    if (rc) {
        wn_usm_entity_clear(e);
        return rc;
    }
    e->address = at + 1;
    return 0;
}

void
wn_usm_entity_clear(struct wn_usm_entity *e)
{
    if (!e)
        return;
    wn_free_secret(e->authpass);
    wn_free_secret(e->privpass);
    wn_wipe(e, sizeof *e);
}

static int
is_secret_key(const char *f, size_t klen)
{
    static const char *const secret[] = {"authpass", "privpass", "authkey", "privkey"};
    for (size_t i = 0; i < WN_ARRAY_SIZE(secret); i++)
        if (klen == strlen(secret[i]) && strncasecmp(f, secret[i], klen) == 0)
            return 1;
    return 0;
}

int
wn_usm_entity_redact(const char *s, char *out, size_t cap)
{
    if (!s || !out || cap == 0)
        return WN_E_INVAL;
    size_t plen = strlen(WN_USM_ENTITY_PREFIX), k = 0;
    const char *at = strncasecmp(s, WN_USM_ENTITY_PREFIX, plen) == 0 ? strchr(s, ADDR_SEP) : NULL;
    if (!at) {
        /* Not a v3 string: nothing secret in it. */
        size_t n = strlen(s);
        if (n >= cap)
            return WN_E_NOSPACE;
        memcpy(out, s, n + 1);
        return 0;
    }
    const char *p = s;
    while (p < at) {
        const char *end = memchr(p, FIELD_SEP, (size_t)(at - p));
        if (!end)
            end = at;
        const char *eq = memchr(p, '=', (size_t)(end - p));
        int drop = p != s && eq && is_secret_key(p, (size_t)(eq - p));
        if (!drop) {
            size_t n = (size_t)(end - p) + (p != s);   /* with its leading ';' */
            const char *from = p != s ? p - 1 : p;
            if (k + n >= cap)
                return WN_E_NOSPACE;
            memcpy(out + k, from, n);
            k += n;
        }
        p = end + 1;
    }
    size_t n = strlen(at);
    if (k + n >= cap)
        return WN_E_NOSPACE;
    memcpy(out + k, at, n + 1);
    return 0;
}
