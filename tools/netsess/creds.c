/* creds.c: where the session tool's credentials come from: -A file, -U with NETAPI_PASSWORD or a no-echo prompt, else the library's own NETAPI_* rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "netsess.h"

#define NETSESS_PASSWORD_MAX 256

/* Reads a password from the terminal with echo off; 0 or -1. */
static int
prompt_password(const char *user, char *buf, size_t size)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return -1;
    struct termios old, quiet;
    int fd = fileno(tty);
    if (tcgetattr(fd, &old) != 0) {
        fclose(tty);
        return -1;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    /* Echo off before the prompt: what is typed after the prompt is
     * neither echoed nor flushed away. */
    tcsetattr(fd, TCSAFLUSH, &quiet);
    fprintf(tty, "Password for %s: ", user);
    fflush(tty);
    char *got = fgets(buf, (int)size, tty);
    tcsetattr(fd, TCSAFLUSH, &old);
    fclose(tty);
    if (!got)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static void
wipe(char *p, size_t n)
{
    volatile char *v = p;
    while (n--)
        *v++ = 0;
}

int
netsess_setup_credentials(const struct netsess_opts *o)
{
    if (o->authfile) {
        if (access(o->authfile, R_OK) != 0) {
            fprintf(stderr, "netsess: cannot read the authentication file %s\n", o->authfile);
            return -1;
        }
        /* -A wins over the environment: the library reads the file. */
        unsetenv("NETAPI_USER");
        unsetenv("NETAPI_PASSWORD");
        unsetenv("NETAPI_DOMAIN");
        setenv("NETAPI_AUTHFILE", o->authfile, 1);
        return 0;
    }
    const char *user = o->user ? o->user : getenv("NETAPI_USER");
    if (!user || !*user)
        return 0;   /* NETAPI_AUTHFILE or anonymous, as the library does */
    const char *env_pass = getenv("NETAPI_PASSWORD");
    if (!o->user && (env_pass || getenv("NETAPI_AUTHFILE")))
        return 0;   /* the library's documented variables, unchanged */
    char pass[NETSESS_PASSWORD_MAX];
    if (env_pass) {
        snprintf(pass, sizeof pass, "%s", env_pass);
    } else if (prompt_password(user, pass, sizeof pass) != 0) {
        fprintf(stderr, "netsess: no password for %s: set NETAPI_PASSWORD, use -A FILE, "
                        "or run on a terminal to be asked\n", user);
        return -1;
    }
    const char *domain = o->user ? NULL : getenv("NETAPI_DOMAIN");
    NET_API_STATUS st = wn_netapi_set_credentials(user, domain, pass);
    wipe(pass, sizeof pass);
    if (st != NERR_Success) {
        fprintf(stderr, "netsess: cannot keep the credentials (%u)\n", (unsigned)st);
        return -1;
    }
    return 0;
}
