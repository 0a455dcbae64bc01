/* dbfixture.h: shared fixture of the translated-mode database tests: a private temp dir holding the WSNMP_DB file, SnmpStartup and one session. */
#ifndef WN_TEST_DBFIXTURE_H
#define WN_TEST_DBFIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "winsnmp.h"

static char dir[64];          /* the test's temp dir */
static char dbfile[128];      /* WSNMP_DB: <dir>/<name>, written by the test */
static HSNMP_SESSION sess;

static SNMPAPI_STATUS CALLBACK
db_fixture_cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

/* Makes /tmp/<tag>-XXXXXX and points WSNMP_DB at <dir>/<name> (not
 * created).  0 or -1. */
static int
db_fixture_dir(const char *tag, const char *name)
{
    snprintf(dir, sizeof dir, "/tmp/%s-XXXXXX", tag);
    if (!mkdtemp(dir))
        return -1;
    snprintf(dbfile, sizeof dbfile, "%s/%s", dir, name);
    return setenv("WSNMP_DB", dbfile, 1);
}

/* SnmpStartup and the one session.  0 or -1. */
static int
db_fixture_start(void)
{
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    sess = SnmpCreateSession(NULL, 0, db_fixture_cb, NULL);
    return sess ? 0 : -1;
}

/* Closes the session, SnmpCleanup, removes the database file and the dir
 * (the test removes its other files first), unsets WSNMP_DB. */
static void
db_fixture_stop(void)
{
    SnmpClose(sess);
    SnmpCleanup();
    unlink(dbfile);
    rmdir(dir);
    unsetenv("WSNMP_DB");
}

#endif /* WN_TEST_DBFIXTURE_H */
