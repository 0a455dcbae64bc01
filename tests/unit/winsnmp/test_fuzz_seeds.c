/* test_fuzz_seeds.c: runs the database/address fuzz target over hostile inputs and checks the parser verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "winsnmp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
run(const char *s, size_t n)
{
    assert_int_equal(LLVMFuzzerTestOneInput((const uint8_t *)s, n), 0);
}

static void
test_fuzz_entry_survives_seeds(void **state)
{
    (void)state;
    static const char *seeds[] = {
        "entity r address=127.0.0.1 port=1161 version=2c community=ro timeout=5 retry=1\n",
        "context ro community=public # c\n",
        "[::1]:1161\nentity x address=::1\n",
        "entity\n",
        "entity x address=1.2.3.4 k=\n",
        "#\n\n\t\r\n",
        "[",
        "1.2.3.4:99999999999999999999",
        "entity x address=1.2.3.4 retry=18446744073709551617\n",
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        run(seeds[i], strlen(seeds[i]));
    /* Embedded NUL, a line over the limit, too many fields. */
    run("entity x\0address=1.2.3.4\n", 25);
    static char big[8192];
    memset(big, 'a', sizeof big);
    run(big, sizeof big);
    unsigned line = 0;
    assert_int_equal(wn_ws_db_parse_text(big, sizeof big, "t", &line), WN_E_MALFORMED);
    assert_int_equal(line, 1);
    const char *many = "entity x a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=0 k=1 l=2 m=3 n=4 o=5\n";
    assert_int_equal(wn_ws_db_parse_text(many, strlen(many), "t", &line), WN_E_MALFORMED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_entry_survives_seeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
