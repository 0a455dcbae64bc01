/* sessions.c: example NetSessionEnum program written as for Windows (wide strings, paging loop), built unchanged against libnetsess. */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include <lm.h>

/* Usage: sessions [\\server] -- lists the sessions on the server (this host
 * when none is given) at level 10: client, user, seconds connected and idle.
 * Credentials come from NETAPI_USER/NETAPI_PASSWORD/NETAPI_DOMAIN or
 * NETAPI_AUTHFILE (docs/netsession.md); the caller's own session is listed
 * too, as Windows does. */
int
main(int argc, char **argv)
{
    wchar_t server[256] = L"";
    if (argc > 1 && mbstowcs(server, argv[1], sizeof server / sizeof server[0] - 1) == (size_t)-1) {
        fprintf(stderr, "sessions: the server name is not valid text\n");
        return 2;
    }
    LPSESSION_INFO_10 buf = NULL;
    DWORD read = 0, total = 0, resume = 0, shown = 0;
    NET_API_STATUS st;
    do {
        st = NetSessionEnum(argc > 1 ? server : NULL, NULL, NULL, 10, (LPBYTE *)&buf,
                            MAX_PREFERRED_LENGTH, &read, &total, &resume);
        if (st == NERR_Success || st == ERROR_MORE_DATA) {
            for (DWORD i = 0; i < read; i++)
                wprintf(L"\\\\%ls %ls connected %lu s, idle %lu s\n", buf[i].sesi10_cname,
                        buf[i].sesi10_username ? buf[i].sesi10_username : L"",
                        (unsigned long)buf[i].sesi10_time, (unsigned long)buf[i].sesi10_idle_time);
            shown += read;
        }
        NetApiBufferFree(buf);
        buf = NULL;
    } while (st == ERROR_MORE_DATA);
    if (st != NERR_Success) {
        fwprintf(stderr, L"NetSessionEnum failed: %lu (see docs/netsession.md, return codes)\n",
                 (unsigned long)st);
        return 1;
    }
    wprintf(L"%lu session(s)\n", (unsigned long)shown);
    return 0;
}
