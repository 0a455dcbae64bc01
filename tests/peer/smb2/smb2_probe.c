/* smb2_probe.c: peer-test driver: connects with our SMB2 client, opens srvsvc, does a raw DCE/RPC bind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smb2.h"

/* bind, call_id 1, max frag 4280/4280, srvsvc 3.0 over NDR20 (netsession.md 2.4) */
static const uint8_t bind_pdu[72] = {
    0x05, 0x00, 0x0b, 0x03, 0x10, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x10, 0xb8, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
    0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88,
    0x03, 0x00, 0x00, 0x00, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00,
    0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x00, 0x00,
};

static void
usage(void)
{
    fprintf(stderr, "usage: smb2_probe HOST PORT USER - [sign] [min=0xNNNN] [max=0xNNNN] "
                    "[timeout=MS] [write] [signoff] [encrypt=auto|required|off] [ciphers=MASK]\n"
                    "  (password in $WN_PROBE_PASSWORD; an empty USER asks for anonymous)\n");
    exit(2);
}

/* connect, open srvsvc, bind; 0 or WN_E_*.  Prints details when verbose. */
static int
run(const struct wn_smb2_opts *o, int use_write, int verbose)
{
    struct wn_smb2_conn *c = NULL;
    int rc = wn_smb2_connect(o, &c);
    if (rc)
        return rc;
    if (verbose)
        printf("dialect=0x%04x\nsigning=%d\nencryption=%u\n", wn_smb2_dialect(c),
               wn_smb2_signing_active(c), wn_smb2_encryption_active(c));
    struct wn_smb2_pipe *p = NULL;
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, 1 << 20);
    rc = wn_smb2_pipe_open(c, "srvsvc", &p);
    if (!rc && use_write) {
        rc = wn_smb2_pipe_write(p, bind_pdu, sizeof(bind_pdu));
        while (rc == 0 || rc == 1) {
            rc = wn_smb2_pipe_read(p, &out, 4280);
            if (rc == 0)
                break;
        }
    } else if (!rc) {
        rc = wn_smb2_pipe_transceive(p, bind_pdu, sizeof(bind_pdu), &out);
        while (rc == 1)
            rc = wn_smb2_pipe_read(p, &out, 4280);
    }
    if (!rc && (out.len < 24 || out.data[2] != 12 || out.data[8] != out.len))
        rc = WN_E_PROTOCOL;
    if (!rc) {
        /* first result of the bind_ack: after the secondary address, padded to 4 */
        size_t sec = (size_t)out.data[24] | ((size_t)out.data[25] << 8);
        size_t off = (26 + sec + 3) & ~(size_t)3;
        if (off + 6 > out.len)
            rc = WN_E_PROTOCOL;
        else if (verbose)
            printf("bind_ack ptype=%u n_results=%u result=%u\n", out.data[2], out.data[off],
                   out.data[off + 4]);
    }
    if (rc && verbose)
        printf("status=0x%08x\n", wn_smb2_last_status(c));
    wn_dynbuf_free(&out);
    wn_smb2_pipe_close(p);
    wn_smb2_disconnect(c);
    return rc;
}

/* Prints result=<WN_E_NAME|OK> and, on success, dialect/signing/bind_ack; exit 0 iff OK.
 * "allocsweep": fails the 1st, 2nd, ... allocation until a run succeeds; every failing run
 * must return WN_E_NOMEM or a clean error (leaks and crashes show under ASan). */
int
main(int argc, char **argv)
{
    if (argc < 5)
        usage();
    /* The password never comes on the command line (visible in ps). */
    const char *pw = getenv("WN_PROBE_PASSWORD");
    if (strcmp(argv[4], "-") != 0)
        usage();
    struct wn_smb2_opts o = { .host = argv[1], .port = (uint16_t)atoi(argv[2]),
                              .user = argv[3], .password = pw ? pw : "", .domain = "",
                              .anonymous = argv[3][0] == '\0' };
    int use_write = 0, sweep = 0;
    for (int i = 5; i < argc; i++) {
        if (strcmp(argv[i], "sign") == 0)
            o.require_signing = 1;
        else if (strncmp(argv[i], "min=", 4) == 0)
            o.min_dialect = (uint16_t)strtoul(argv[i] + 4, NULL, 0);
        else if (strncmp(argv[i], "max=", 4) == 0)
            o.max_dialect = (uint16_t)strtoul(argv[i] + 4, NULL, 0);
        else if (strncmp(argv[i], "timeout=", 8) == 0)
            o.timeout_ms = (unsigned)strtoul(argv[i] + 8, NULL, 0);
        else if (strcmp(argv[i], "signoff") == 0)
            o.sign_mode = WN_SMB2_SIGN_OFF;
        else if (strcmp(argv[i], "encrypt=auto") == 0)
            o.encrypt = WN_SMB2_ENCRYPT_AUTO;
        else if (strcmp(argv[i], "encrypt=required") == 0)
            o.encrypt = WN_SMB2_ENCRYPT_REQUIRED;
        else if (strcmp(argv[i], "encrypt=off") == 0)
            o.encrypt = WN_SMB2_ENCRYPT_OFF;
        else if (strncmp(argv[i], "ciphers=", 8) == 0)
            o.ciphers = (unsigned)strtoul(argv[i] + 8, NULL, 0);
        else if (strcmp(argv[i], "write") == 0)
            use_write = 1;
        else if (strcmp(argv[i], "allocsweep") == 0)
            sweep = 1;
        else
            usage();
    }
    if (sweep) {
        for (long n = 0; n < 2000; n++) {
            wn_alloc_fail_after(n);
            int rc = run(&o, use_write, 0);
            wn_alloc_fail_after(-1);
            if (rc == 0) {
                printf("sweep_runs=%ld\nresult=OK\n", n + 1);
                return 0;
            }
            if (rc != WN_E_NOMEM && rc != WN_E_LIMIT) {
                printf("sweep_fail_at=%ld\nresult=%s\n", n, wn_errname(rc));
                return 1;
            }
        }
        printf("result=WN_E_LIMIT\n");
        return 1;
    }
    int rc = run(&o, use_write, 1);
    printf("result=%s\n", rc ? wn_errname(rc) : "OK");
    return rc ? 1 : 0;
}
