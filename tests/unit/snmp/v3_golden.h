/* v3_golden.h: SNMPv3 messages net-snmp 5.9.3 sent (snmpget -v3 on loopback), the golden vectors of the snmp and usm tests. */
#ifndef WN_V3_GOLDEN_H
#define WN_V3_GOLDEN_H

/* Engine ID of the agent they were addressed to ("v3-snmpd", the users of
 * tests/peer/snmpv3/snmpd-v3-users.conf). */
#define GOLD_ENGINE "80001f880476332d736e6d7064"

/* The engine-discovery probe: noAuthNoPriv, empty engine ID and user, a GET
 * with no varbinds. */
#define GOLD_DISCOVERY                                                      \
    "303e020103301102043ed56d21020300ffe30401040201030410300e0400020100020100" \
    "040004000400301404000400a00e020476cf13b80201000201003000"
/* authPriv GET of sysName.0, user v3sha (SHA, "v3authpass1"; AES,
 * "v3privpass1"). */
#define GOLD_AUTHPRIV                                                       \
    "308181020103301102042e782222020300ffe304010702010304363034040d80001f8804" \
    "76332d736e6d706402010002010004057633736861040c269acd3f146c6a7ef08bc25a04" \
    "08d2f604476040e0180431fe8916c9e439120449d78c93ec029c3d89b51982c71d1c9113" \
    "70f1fe2c3e9fff0d2267cb24ed66b16570d3bd1178a2174e"
/* authNoPriv GET of sysName.0 with contextName "ctx", user v3auth (SHA,
 * "v3authpass9"). */
#define GOLD_AUTHNOPRIV                                                     \
    "307b0201033011020405dad3ea020300ffe3040105020103042f302d040d80001f880476" \
    "332d736e6d70640201000201000406763361757468040cc8b86d7d7f8323d4516882ac04" \
    "003032040d80001f880476332d736e6d70640403637478a01c02041b1e8b3d0201000201" \
    "00300e300c06082b060102010105000500"

#endif /* WN_V3_GOLDEN_H */
