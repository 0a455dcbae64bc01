/* value.c: SNMP values from net-snmp's -t letters, and varbinds printed as net-snmp text or JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/json.h"
#include "wsnmp.h"

static int
parse_number(const char *text, int is_signed, unsigned long long max, smiVALUE *v,
             unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    if (is_signed) {
        long long n = strtoll(text, &end, 0);
        if (errno || end == text || *end || n < INT32_MIN || n > INT32_MAX)
            return -1;
        v->value.sNumber = (smiINT)n;
        return 0;
    }
    if (*text == '-')
        return -1;
    unsigned long long n = strtoull(text, &end, 0);
    if (errno || end == text || *end || n > max)
        return -1;
    *out = n;
    return 0;
}

static int
parse_hex(const char *text, smiVALUE *v)
{
    size_t n = strlen(text);
    unsigned char *buf = malloc(n / 2 + 1);
    size_t len = 0;
    int hi = -1;
    if (!buf)
        return -1;
    for (const char *c = text; *c; c++) {
        if (*c == ' ' || *c == ':')
            continue;
        int d = (*c >= '0' && *c <= '9')   ? *c - '0'
                : (*c >= 'a' && *c <= 'f') ? *c - 'a' + 10
                : (*c >= 'A' && *c <= 'F') ? *c - 'A' + 10
                                           : -1;
        if (d < 0) {
            free(buf);
            return -1;
        }
        if (hi < 0) {
            hi = d;
        } else {
            buf[len++] = (unsigned char)(hi << 4 | d);
            hi = -1;
        }
    }
    if (hi >= 0) {
        free(buf);
        return -1;
    }
    v->value.string.ptr = buf;
    v->value.string.len = (smiUINT32)len;
    return 0;
}

int
wsnmp_value_parse(char type, const char *text, smiVALUE *v)
{
    unsigned long long n = 0;
    int rc = 0;
    memset(v, 0, sizeof *v);
    switch (type) {
    case 'i':
        v->syntax = SNMP_SYNTAX_INT;
        rc = parse_number(text, 1, 0, v, &n);
        break;
    case 'u':
    case 't':
    case 'c':
        v->syntax = type == 'u' ? SNMP_SYNTAX_GAUGE32
                    : type == 't' ? SNMP_SYNTAX_TIMETICKS : SNMP_SYNTAX_CNTR32;
        rc = parse_number(text, 0, UINT32_MAX, v, &n);
        v->value.uNumber = (smiUINT32)n;
        break;
    case 'C':
        v->syntax = SNMP_SYNTAX_CNTR64;
        rc = parse_number(text, 0, UINT64_MAX, v, &n);
        v->value.hNumber.hipart = (smiUINT32)(n >> 32);
        v->value.hNumber.lopart = (smiUINT32)n;
        break;
    case 's': {
        size_t len = strlen(text);
        v->syntax = SNMP_SYNTAX_OCTETS;
        v->value.string.ptr = malloc(len + 1);
        if (!v->value.string.ptr)
            return -1;
        memcpy(v->value.string.ptr, text, len + 1);
        v->value.string.len = (smiUINT32)len;
        break;
    }
    case 'x':
        v->syntax = SNMP_SYNTAX_OCTETS;
        rc = parse_hex(text, v);
        break;
    case 'a': {
        struct in_addr a;
        v->syntax = SNMP_SYNTAX_IPADDR;
        if (inet_pton(AF_INET, text, &a) != 1) {
            rc = -1;
            break;
        }
        v->value.string.ptr = malloc(4);
        if (!v->value.string.ptr)
            return -1;
        memcpy(v->value.string.ptr, &a, 4);
        v->value.string.len = 4;
        break;
    }
    case 'o':
        v->syntax = SNMP_SYNTAX_OID;
        if (wsnmp_mib_parse(text, &v->value.oid) != 0)
            return -1;
        break;
    default:
        fprintf(stderr, "wsnmp: unknown value type '%c' (use i u s x o a t c C)\n", type);
        return -1;
    }
    if (rc != 0) {
        fprintf(stderr, "wsnmp: bad value for type '%c': %s\n", type, text);
        return -1;
    }
    return 0;
}

void
wsnmp_value_free(smiVALUE *v)
{
    if (v->syntax == SNMP_SYNTAX_OID)
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&v->value.oid);
    else if (v->syntax == SNMP_SYNTAX_OCTETS || v->syntax == SNMP_SYNTAX_IPADDR)
        free(v->value.string.ptr);
    memset(v, 0, sizeof *v);
}

void
wsnmp_vb_release(smiOID *name, smiVALUE *val)
{
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)name);
    switch (val->syntax) {
    case SNMP_SYNTAX_OID:
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&val->value.oid);
        break;
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_OPAQUE:
    case SNMP_SYNTAX_IPADDR:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_NSAPADDR:
        SnmpFreeDescriptor(val->syntax, (smiLPOPAQUE)&val->value.string);
        break;
    default:
        break;
    }
}

static const char *const error_names[] = {
    "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
    "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
    "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
    "authorizationError", "notWritable", "inconsistentName"};

const char *
wsnmp_error_status_name(int status)
{
    if (status < 0 || (size_t)status >= sizeof error_names / sizeof error_names[0])
        return "unknown error status";
    return error_names[status];
}

static int
printable(const smiOCTETS *s)
{
    for (smiUINT32 i = 0; i < s->len; i++) {
        unsigned char c = s->ptr[i];
        if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\r' && c != '\t')
            return 0;
    }
    return 1;
}

static unsigned long long
c64(const smiVALUE *v)
{
    return ((unsigned long long)v->value.hNumber.hipart << 32) | v->value.hNumber.lopart;
}

static void
print_hex(FILE *f, const smiOCTETS *s, const char *sep)
{
    for (smiUINT32 i = 0; i < s->len; i++)
        fprintf(f, "%02X%s", s->ptr[i], sep);
}

static void
print_octets_text(FILE *f, const smiVALUE *v)
{
    const smiOCTETS *s = &v->value.string;
    if (v->syntax == SNMP_SYNTAX_OPAQUE) {
        fputs("Opaque: ", f);
        print_hex(f, s, " ");
    } else if (v->syntax == SNMP_SYNTAX_IPADDR && s->len == 4) {
        fprintf(f, "IpAddress: %u.%u.%u.%u", s->ptr[0], s->ptr[1], s->ptr[2], s->ptr[3]);
    } else if (v->syntax != SNMP_SYNTAX_OCTETS) {
        fputs(v->syntax == SNMP_SYNTAX_BITS ? "BITS: " : "Hex-STRING: ", f);
        print_hex(f, s, " ");
    } else if (s->len == 0) {
        fputs("\"\"", f);
    } else if (printable(s)) {
        fputs("STRING: \"", f);
        for (smiUINT32 i = 0; i < s->len; i++) {
            if (s->ptr[i] == '"' || s->ptr[i] == '\\')
                putc('\\', f);
            putc(s->ptr[i], f);
        }
        putc('"', f);
    } else {
        fputs("Hex-STRING: ", f);
        print_hex(f, s, " ");
    }
}

void
wsnmp_print_vb_text(FILE *f, const smiOID *name, const smiVALUE *v, int numeric)
{
    wsnmp_mib_print(f, name, numeric);
    fputs(" = ", f);
    smiUINT32 t = v->value.uNumber;
    switch (v->syntax) {
    case SNMP_SYNTAX_INT:
        fprintf(f, "INTEGER: %d", (int)v->value.sNumber);
        break;
    case SNMP_SYNTAX_CNTR32:
        fprintf(f, "Counter32: %u", (unsigned)t);
        break;
    case SNMP_SYNTAX_GAUGE32:
        fprintf(f, "Gauge32: %u", (unsigned)t);
        break;
    case SNMP_SYNTAX_UINT32:
        fprintf(f, "UInteger32: %u", (unsigned)t);
        break;
    case SNMP_SYNTAX_TIMETICKS:
        fprintf(f, "Timeticks: (%u) ", (unsigned)t);
        if (t >= 8640000)
            fprintf(f, "%u day%s, ", (unsigned)(t / 8640000), t / 8640000 == 1 ? "" : "s");
        fprintf(f, "%u:%02u:%02u.%02u", (unsigned)(t / 360000 % 24), (unsigned)(t / 6000 % 60),
                (unsigned)(t / 100 % 60), (unsigned)(t % 100));
        break;
    case SNMP_SYNTAX_CNTR64:
        fprintf(f, "Counter64: %llu", c64(v));
        break;
    case SNMP_SYNTAX_OID:
        fputs("OID: ", f);
        wsnmp_mib_print(f, &v->value.oid, numeric);
        break;
    case SNMP_SYNTAX_NULL:
        fputs("NULL", f);
        break;
    case SNMP_SYNTAX_NOSUCHOBJECT:
        fputs("No Such Object available on this agent at this OID", f);
        break;
    case SNMP_SYNTAX_NOSUCHINSTANCE:
        fputs("No Such Instance currently exists at this OID", f);
        break;
    case SNMP_SYNTAX_ENDOFMIBVIEW:
        fputs("No more variables left in this MIB View (It is past the end of the MIB tree)", f);
        break;
    default:
        print_octets_text(f, v);
        break;
    }
    putc('\n', f);
}

static const char *
json_type(smiUINT32 syntax)
{
    switch (syntax) {
    case SNMP_SYNTAX_INT: return "Integer32";
    case SNMP_SYNTAX_OCTETS: return "OctetString";
    case SNMP_SYNTAX_BITS: return "BITS";
    case SNMP_SYNTAX_NULL: return "Null";
    case SNMP_SYNTAX_OID: return "ObjectIdentifier";
    case SNMP_SYNTAX_IPADDR: return "IpAddress";
    case SNMP_SYNTAX_CNTR32: return "Counter32";
    case SNMP_SYNTAX_GAUGE32: return "Gauge32";
    case SNMP_SYNTAX_TIMETICKS: return "TimeTicks";
    case SNMP_SYNTAX_OPAQUE: return "Opaque";
    case SNMP_SYNTAX_NSAPADDR: return "NsapAddress";
    case SNMP_SYNTAX_CNTR64: return "Counter64";
    case SNMP_SYNTAX_UINT32: return "UInteger32";
    case SNMP_SYNTAX_NOSUCHOBJECT: return "noSuchObject";
    case SNMP_SYNTAX_NOSUCHINSTANCE: return "noSuchInstance";
    case SNMP_SYNTAX_ENDOFMIBVIEW: return "endOfMibView";
    default: return "unknown";
    }
}

static void
json_oid(FILE *f, const smiOID *oid)
{
    putc('"', f);
    wsnmp_mib_print(f, oid, 1);
    putc('"', f);
}

void
wsnmp_print_vb_json(FILE *f, const smiOID *name, const smiVALUE *v)
{
    char buf[MAXOBJIDSTRSIZE + 256];
    fputs("{\"oid\":", f);
    json_oid(f, name);
    if (wsnmp_mib_name(name, buf, sizeof buf)) {
        fputs(",\"name\":", f);
        wn_tool_json_cstr(f, buf);
    }
    fprintf(f, ",\"type\":\"%s\",\"value\":", json_type(v->syntax));
    const smiOCTETS *s = &v->value.string;
    switch (v->syntax) {
    case SNMP_SYNTAX_INT:
        fprintf(f, "%d", (int)v->value.sNumber);
        break;
    case SNMP_SYNTAX_CNTR32:
    case SNMP_SYNTAX_GAUGE32:
    case SNMP_SYNTAX_TIMETICKS:
    case SNMP_SYNTAX_UINT32:
        fprintf(f, "%u", (unsigned)v->value.uNumber);
        break;
    case SNMP_SYNTAX_CNTR64:
        /* a string: JSON readers keep only 53 bits of a number */
        fprintf(f, "\"%llu\"", c64(v));
        break;
    case SNMP_SYNTAX_OID:
        json_oid(f, &v->value.oid);
        break;
    case SNMP_SYNTAX_IPADDR:
        if (s->len == 4) {
            fprintf(f, "\"%u.%u.%u.%u\"", s->ptr[0], s->ptr[1], s->ptr[2], s->ptr[3]);
            break;
        }
        /* fall through */
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_OPAQUE:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_NSAPADDR:
        if (v->syntax == SNMP_SYNTAX_OCTETS && printable(s)) {
            wn_tool_json_str(f, (const char *)s->ptr, s->len);
            break;
        }
        fputs("null,\"hex\":\"", f);
        for (smiUINT32 i = 0; i < s->len; i++)
            fprintf(f, "%02x", s->ptr[i]);
        putc('"', f);
        break;
    default:
        fputs("null", f);
        break;
    }
    putc('}', f);
}

void
wsnmp_each_vb(HSNMP_VBL vbl, wsnmp_vb_fn fn, void *arg)
{
    SNMPAPI_STATUS n = SnmpCountVbl(vbl);
    for (SNMPAPI_STATUS k = 1; n != SNMPAPI_FAILURE && k <= n; k++) {
        smiOID name;
        smiVALUE val;
        if (SnmpGetVb(vbl, k, &name, &val) != SNMPAPI_SUCCESS)
            break;
        fn(arg, (unsigned)k, &name, &val);
        wsnmp_vb_release(&name, &val);
    }
}

struct print_args {
    FILE *f;
    int json, numeric;
    const char *prefix;
};

static void
print_one(void *arg, unsigned index, const smiOID *name, const smiVALUE *val)
{
    const struct print_args *a = arg;
    if (a->json) {
        if (index > 1)
            putc(',', a->f);
        wsnmp_print_vb_json(a->f, name, val);
    } else {
        fputs(a->prefix, a->f);
        wsnmp_print_vb_text(a->f, name, val, a->numeric);
    }
}

void
wsnmp_print_vbl(FILE *f, HSNMP_VBL vbl, int json, int numeric, const char *prefix)
{
    struct print_args a = {f, json, numeric, prefix};
    wsnmp_each_vb(vbl, print_one, &a);
}
