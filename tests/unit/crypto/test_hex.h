/* test_hex.h: hex-string helpers for the crypto and ntlmssp tests (cmocka assertions). */
#ifndef WN_TEST_HEX_H
#define WN_TEST_HEX_H

#include <stdio.h>
#include <string.h>

/* Decodes a hex string (spaces allowed) into one of 8 rotating static
 * buffers of 512 bytes; *len gets the byte count when len != NULL. */
static inline const uint8_t *
hx(const char *s, size_t *len)
{
    static uint8_t slots[8][512];
    static unsigned next;
    uint8_t *b = slots[next++ % 8];
    size_t n = 0;
    while (*s) {
        unsigned v;
        if (*s == ' ' || *s == '\n') {
            s++;
            continue;
        }
        assert_true(n < sizeof slots[0]);
        assert_true(s[1] != '\0');   /* whole bytes only */
        assert_int_equal(sscanf(s, "%2x", &v), 1);
        b[n++] = (uint8_t)v;
        s += 2;
    }
    if (len)
        *len = n;
    return b;
}

#define ASSERT_HEX(buf, hex)                                                \
    do {                                                                    \
        size_t n_;                                                          \
        const uint8_t *w_ = hx((hex), &n_);                                 \
        assert_memory_equal((buf), w_, n_);                                 \
    } while (0)

#endif /* WN_TEST_HEX_H */
