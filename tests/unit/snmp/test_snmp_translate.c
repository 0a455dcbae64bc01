/* test_snmp_translate.c: RFC 3584 trap, request, response and error-status translation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "snmp.h"

int
main(void)
{
    const struct CMUnitTest tests[] = {
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
