/* netsess.c: Windows test program: NetSessionEnum at one level or NetSessionGetInfo (one session a line), or NetSessionDel. */
#include <windows.h>
#include <lm.h>
#include <stdio.h>
#include <stdlib.h>

/* usage: netsess.exe enum LEVEL
 *        netsess.exe getinfo CLIENT USER LEVEL
 *        netsess.exe del CLIENT USER
 * Prints "status=N entries=N total=N" and one line per session:
 *   session cname=C user=U opens=N time=N idle=N flags=N cltype=T transport=T
 * with only the fields the level carries. */

static void
print_w(const char *label, const wchar_t *s)
{
    char buf[512];
    if (!s) {
        printf(" %s=(null)", label);
        return;
    }
    if (!WideCharToMultiByte(CP_UTF8, 0, s, -1, buf, sizeof buf, NULL, NULL))
        snprintf(buf, sizeof buf, "(unconvertible)");
    printf(" %s=%s", label, buf);
}

static size_t
entry_size(DWORD level)
{
    switch (level) {
    case 0: return sizeof(SESSION_INFO_0);
    case 1: return sizeof(SESSION_INFO_1);
    case 2: return sizeof(SESSION_INFO_2);
    case 10: return sizeof(SESSION_INFO_10);
    default: return sizeof(SESSION_INFO_502);
    }
}

static void
print_entry(DWORD level, const BYTE *p)
{
    printf("session");
    switch (level) {
    case 0:
        print_w("cname", ((const SESSION_INFO_0 *)p)->sesi0_cname);
        break;
    case 1: {
        const SESSION_INFO_1 *e = (const SESSION_INFO_1 *)p;
        print_w("cname", e->sesi1_cname);
        print_w("user", e->sesi1_username);
        printf(" opens=%lu time=%lu idle=%lu flags=%lu", e->sesi1_num_opens, e->sesi1_time,
               e->sesi1_idle_time, e->sesi1_user_flags);
        break;
    }
    case 2: {
        const SESSION_INFO_2 *e = (const SESSION_INFO_2 *)p;
        print_w("cname", e->sesi2_cname);
        print_w("user", e->sesi2_username);
        printf(" opens=%lu time=%lu idle=%lu flags=%lu", e->sesi2_num_opens, e->sesi2_time,
               e->sesi2_idle_time, e->sesi2_user_flags);
        print_w("cltype", e->sesi2_cltype_name);
        break;
    }
    case 10: {
        const SESSION_INFO_10 *e = (const SESSION_INFO_10 *)p;
        print_w("cname", e->sesi10_cname);
        print_w("user", e->sesi10_username);
        printf(" time=%lu idle=%lu", e->sesi10_time, e->sesi10_idle_time);
        break;
    }
    default: {
        const SESSION_INFO_502 *e = (const SESSION_INFO_502 *)p;
        print_w("cname", e->sesi502_cname);
        print_w("user", e->sesi502_username);
        printf(" opens=%lu time=%lu idle=%lu flags=%lu", e->sesi502_num_opens,
               e->sesi502_time, e->sesi502_idle_time, e->sesi502_user_flags);
        print_w("cltype", e->sesi502_cltype_name);
        print_w("transport", e->sesi502_transport);
        break;
    }
    }
    printf("\n");
}

static wchar_t *
widen(const char *s)
{
    static wchar_t bufs[2][256];
    static int i;
    wchar_t *b = bufs[i++ % 2];
    MultiByteToWideChar(CP_UTF8, 0, s, -1, b, 256);
    return b;
}

int
main(int argc, char **argv)
{
    LPBYTE buf = NULL;
    NET_API_STATUS st;
    DWORD level, read = 0, total = 0;
    if (argc == 3 && !strcmp(argv[1], "enum")) {
        level = (DWORD)atoi(argv[2]);
        DWORD resume = 0;
        st = NetSessionEnum(NULL, NULL, NULL, level, &buf, MAX_PREFERRED_LENGTH, &read, &total,
                            &resume);
    } else if (argc == 5 && !strcmp(argv[1], "getinfo")) {
        level = (DWORD)atoi(argv[4]);
        st = NetSessionGetInfo(NULL, widen(argv[2]), widen(argv[3]), level, &buf);
        read = total = buf ? 1 : 0;
    } else if (argc == 4 && !strcmp(argv[1], "del")) {
        st = NetSessionDel(NULL, widen(argv[2]), widen(argv[3]));
        printf("status=%lu\n", st);
        return st == NERR_Success ? 0 : 1;
    } else {
        printf("usage: netsess.exe enum LEVEL | getinfo CLIENT USER LEVEL | del CLIENT USER\n");
        return 2;
    }
    printf("status=%lu entries=%lu total=%lu\n", st, read, total);
    for (DWORD i = 0; buf && i < read; i++)
        print_entry(level, buf + i * entry_size(level));
    if (buf && NetApiBufferFree(buf) != NERR_Success) {
        printf("FAIL: NetApiBufferFree\n");
        return 1;
    }
    fflush(stdout);
    return st == NERR_Success ? 0 : 1;
}
