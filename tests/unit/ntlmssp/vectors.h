/* vectors.h: NTLMSSP messages and seam fixtures shared by the ntlmssp and spnego tests (MS-NLMP 4.2.4 and a timestamped variant). */
#ifndef WN_TEST_NTLMSSP_VECTORS_H
#define WN_TEST_NTLMSSP_VECTORS_H

#include <string.h>

#include "base.h"

/* Fixtures: MS-NLMP 4.2.1 time 0 and fixed randomness. */
static inline uint64_t
time_zero(void)
{
    return 0;
}

/* Client challenge (8 bytes) = aa.., exported session key (16) = 55.. */
static inline int
fixed_random(void *buf, size_t n)
{
    memset(buf, n == 8 ? 0xaa : 0x55, n);
    return 0;
}

static inline int
setup(void **state)
{
    (void)state;
    wn_clock_set_filetime_source(time_zero);
    wn_random_set_source(fixed_random);
    return 0;
}

static inline int
teardown(void **state)
{
    (void)state;
    wn_clock_set_filetime_source(NULL);
    wn_random_set_source(NULL);
    wn_alloc_fail_after(-1);
    return 0;
}

/* MS-NLMP 4.2.4.3 CHALLENGE_MESSAGE (NTLMv2, no MsvAvTimestamp). */
static const char CHALLENGE_424[] =
    "4e544c4d53535000 02000000 0c000c00 38000000 33828ae2 0123456789abcdef"
    "0000000000000000 24002400 44000000 060070170000000f"
    "530065007200760065007200"
    "02000c0044006f006d00610069006e00 01000c005300650072007600650072000000 0000";

/* MS-NLMP 4.2.4.3 AUTHENTICATE_MESSAGE for User/Domain/Password, workstation
 * COMPUTER, time 0, client challenge aa*8, random session key 55*16. */
static const char AUTHENTICATE_424[] =
    "4e544c4d53535000 03000000 18001800 6c000000 54005400 84000000 0c000c00 48000000"
    "08000800 54000000 10001000 5c000000 10001000 d8000000 358288e2 0501280a0000000f"
    "44006f006d00610069006e00 5500730065007200 43004f004d0050005500540045005200"
    "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"
    "68cd0ab851e51c96aabc927bebef6a1c 0101000000000000 0000000000000000 aaaaaaaaaaaaaaaa"
    "00000000 02000c0044006f006d00610069006e00 01000c005300650072007600650072000000 0000"
    "00000000 c5dad2544fc9799094ce1ce90bc9d03e";

/* A CHALLENGE like 4.2.4 with MsvAvTimestamp and MsvAvFlags in TargetInfo
 * (built for these tests; server flags 0xe2898235). */
static const char CHALLENGE_TS[] =
    "4e544c4d53535000020000000000000038000000358289e20123456789abcdef0000000000000000"
    "38003800380000000a00614a0000000f02000c0044006f006d00610069006e0001000c0053006500"
    "720076006500720007000800000000eeffc0d201060004000100000000000000";

#endif /* WN_TEST_NTLMSSP_VECTORS_H */
