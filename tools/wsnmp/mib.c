/* mib.c: OID text in and out, with MIB names through libsmi when it is built in (numeric always works). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsnmp.h"

#ifdef WSNMP_HAVE_LIBSMI
#include <smi.h>

/* What net-snmp loads when MIBS is not set; modules missing here are skipped. */
static const char default_modules[] =
    "SNMPv2-MIB:IF-MIB:IP-MIB:TCP-MIB:UDP-MIB:HOST-RESOURCES-MIB:"
    "NET-SNMP-AGENT-MIB:UCD-SNMP-MIB";

static int smi_ready;

static void
quiet_errors(char *path, int line, int severity, char *msg, char *tag)
{
    (void)path, (void)line, (void)severity, (void)msg, (void)tag;
}

/* Every file of every directory of libsmi's path. */
static void
load_all(void)
{
    char *path = smiGetPath();
    if (!path)
        return;
    for (char *dir = strtok(path, ":"); dir; dir = strtok(NULL, ":")) {
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *e;
        for (e = readdir(d); e != NULL; e = readdir(d)) {
            if (e->d_name[0] == '.')
                continue;
            char file[4096];
            if ((size_t)snprintf(file, sizeof file, "%s/%s", dir, e->d_name) < sizeof file)
                smiLoadModule(file);
        }
        closedir(d);
    }
    free(path);
}

static void
load_list(const char *list)
{
    char *copy = strdup(list);
    if (!copy)
        return;
    for (char *m = strtok(copy, ":"); m; m = strtok(NULL, ":")) {
        if (*m == '+')
            m++;
        if (!strcmp(m, "ALL"))
            load_all();
        else if (*m)
            smiLoadModule(m);
    }
    free(copy);
}

void
wsnmp_mib_init(const struct wsnmp_opts *o)
{
    if (smiInit("wsnmp") != 0)
        return;
    smi_ready = 1;
    smiSetErrorLevel(0);
    smiSetErrorHandler(quiet_errors);
    const char *dirs = o->mibdirs ? o->mibdirs : getenv("MIBDIRS");
    if (dirs && *dirs == '+') {
        char *old = smiGetPath();
        size_t n = strlen(dirs) + (old ? strlen(old) : 0) + 2;
        char *joined = malloc(n);
        if (joined) {
            snprintf(joined, n, "%s:%s", old ? old : "", dirs + 1);
            smiSetPath(joined);
            free(joined);
        }
        free(old);
    } else if (dirs) {
        smiSetPath(dirs);
    }
    const char *mods = o->mibs ? o->mibs : getenv("MIBS");
    if (!mods)
        mods = default_modules;
    else if (*mods == '+')
        load_list(default_modules);
    load_list(mods);
}

void
wsnmp_mib_exit(void)
{
    if (smi_ready)
        smiExit();
    smi_ready = 0;
}

/* "MODULE::name" or "name" (without the instance part) into a node. */
static SmiNode *
find_node(const char *label)
{
    const char *sep = strstr(label, "::");
    if (!sep)
        return smiGetNode(NULL, label);
    char mod[256];
    size_t n = (size_t)(sep - label);
    if (n == 0 || n >= sizeof mod)
        return NULL;
    memcpy(mod, label, n);
    mod[n] = '\0';
    SmiModule *m = smiGetModule(mod);
    if (!m && smiLoadModule(mod))
        m = smiGetModule(mod);
    return m ? smiGetNode(m, sep + 2) : NULL;
}

static int
name_to_oid(const char *text, smiOID *out)
{
    if (!smi_ready)
        return -1;
    /* The label ends at the first '.' after the optional "MODULE::". */
    const char *sep = strstr(text, "::");
    const char *dot = strchr(sep ? sep + 2 : text, '.');
    size_t n = dot ? (size_t)(dot - text) : strlen(text);
    char label[512];
    if (n >= sizeof label)
        return -1;
    memcpy(label, text, n);
    label[n] = '\0';
    SmiNode *node = find_node(label);
    if (!node || node->oidlen == 0)
        return -1;
    char num[MAXOBJIDSTRSIZE];
    size_t len = 0;
    for (unsigned i = 0; i < node->oidlen && len < sizeof num; i++)
        len += (size_t)snprintf(num + len, sizeof num - len, i ? ".%u" : "%u", node->oid[i]);
    if (dot && len < sizeof num)
        len += (size_t)snprintf(num + len, sizeof num - len, "%s", dot);
    if (len >= sizeof num)
        return -1;
    return SnmpStrToOid(num, out) == SNMPAPI_FAILURE ? -1 : 0;
}

int
wsnmp_mib_name(const smiOID *oid, char *buf, size_t size)
{
    if (!smi_ready || oid->len == 0 || oid->len > MAXOBJIDSIZE)
        return 0;
    SmiSubid sub[MAXOBJIDSIZE];
    for (smiUINT32 i = 0; i < oid->len; i++)
        sub[i] = (SmiSubid)oid->ptr[i];
    SmiNode *node = smiGetNodeByOID((unsigned)oid->len, sub);
    if (!node || node->oidlen == 0 || node->oidlen > oid->len || !node->name)
        return 0;
    for (unsigned i = 0; i < node->oidlen; i++)
        if (node->oid[i] != sub[i])
            return 0;
    SmiModule *m = smiGetNodeModule(node);
    if (!m || !m->name || !*m->name)
        return 0;
    size_t len = (size_t)snprintf(buf, size, "%s::%s", m->name, node->name);
    for (smiUINT32 i = node->oidlen; i < oid->len && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, ".%u", (unsigned)oid->ptr[i]);
    return len < size;
}

#else /* !WSNMP_HAVE_LIBSMI */

void
wsnmp_mib_init(const struct wsnmp_opts *o)
{
    (void)o;
}

void
wsnmp_mib_exit(void)
{
}

static int
name_to_oid(const char *text, smiOID *out)
{
    (void)text, (void)out;
    return -1;
}

int
wsnmp_mib_name(const smiOID *oid, char *buf, size_t size)
{
    (void)oid, (void)buf, (void)size;
    return 0;
}

#endif

int
wsnmp_mib_parse(const char *text, smiOID *out)
{
    const char *p = text[0] == '.' ? text + 1 : text;
    int numeric = *p != '\0';
    for (const char *c = p; *c; c++)
        if (!isdigit((unsigned char)*c) && *c != '.')
            numeric = 0;
    if (numeric) {
        if (SnmpStrToOid(p, out) != SNMPAPI_FAILURE)
            return 0;
        fprintf(stderr, "wsnmp: bad OID %s: %s\n", text, wn_wsnmp_strerror(SnmpGetLastError(NULL)));
        return -1;
    }
    if (name_to_oid(text, out) == 0)
        return 0;
    fprintf(stderr, "wsnmp: unknown OID name %s (no MIB module defines it; "
                    "give it numerically or load its module with -m/-M)\n", text);
    return -1;
}

void
wsnmp_mib_print(FILE *f, const smiOID *oid, int numeric)
{
    char buf[MAXOBJIDSTRSIZE + 256];
    if (!numeric && wsnmp_mib_name(oid, buf, sizeof buf)) {
        fputs(buf, f);
        return;
    }
    for (smiUINT32 i = 0; i < oid->len; i++)
        fprintf(f, ".%u", (unsigned)oid->ptr[i]);
}
