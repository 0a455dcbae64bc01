/* test_strerror.c: wn_wsnmp_strerror gives the name and a sentence for every SnmpGetLastError code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

static const struct {
    smiUINT32 code;
    const char *name;
} codes[] = {
    {SNMPAPI_ALLOC_ERROR, "SNMPAPI_ALLOC_ERROR"}, {SNMPAPI_CONTEXT_INVALID, "SNMPAPI_CONTEXT_INVALID"},
    {SNMPAPI_CONTEXT_UNKNOWN, "SNMPAPI_CONTEXT_UNKNOWN"}, {SNMPAPI_ENTITY_INVALID, "SNMPAPI_ENTITY_INVALID"},
    {SNMPAPI_ENTITY_UNKNOWN, "SNMPAPI_ENTITY_UNKNOWN"}, {SNMPAPI_INDEX_INVALID, "SNMPAPI_INDEX_INVALID"},
    {SNMPAPI_NOOP, "SNMPAPI_NOOP"}, {SNMPAPI_OID_INVALID, "SNMPAPI_OID_INVALID"},
    {SNMPAPI_OPERATION_INVALID, "SNMPAPI_OPERATION_INVALID"}, {SNMPAPI_OUTPUT_TRUNCATED, "SNMPAPI_OUTPUT_TRUNCATED"},
    {SNMPAPI_PDU_INVALID, "SNMPAPI_PDU_INVALID"}, {SNMPAPI_SESSION_INVALID, "SNMPAPI_SESSION_INVALID"},
    {SNMPAPI_SYNTAX_INVALID, "SNMPAPI_SYNTAX_INVALID"}, {SNMPAPI_VBL_INVALID, "SNMPAPI_VBL_INVALID"},
    {SNMPAPI_MODE_INVALID, "SNMPAPI_MODE_INVALID"}, {SNMPAPI_SIZE_INVALID, "SNMPAPI_SIZE_INVALID"},
    {SNMPAPI_NOT_INITIALIZED, "SNMPAPI_NOT_INITIALIZED"}, {SNMPAPI_MESSAGE_INVALID, "SNMPAPI_MESSAGE_INVALID"},
    {SNMPAPI_HWND_INVALID, "SNMPAPI_HWND_INVALID"}, {SNMPAPI_OTHER_ERROR, "SNMPAPI_OTHER_ERROR"},
    {SNMPAPI_TL_NOT_INITIALIZED, "SNMPAPI_TL_NOT_INITIALIZED"}, {SNMPAPI_TL_NOT_SUPPORTED, "SNMPAPI_TL_NOT_SUPPORTED"},
    {SNMPAPI_TL_NOT_AVAILABLE, "SNMPAPI_TL_NOT_AVAILABLE"}, {SNMPAPI_TL_RESOURCE_ERROR, "SNMPAPI_TL_RESOURCE_ERROR"},
    {SNMPAPI_TL_UNDELIVERABLE, "SNMPAPI_TL_UNDELIVERABLE"}, {SNMPAPI_TL_SRC_INVALID, "SNMPAPI_TL_SRC_INVALID"},
    {SNMPAPI_TL_INVALID_PARAM, "SNMPAPI_TL_INVALID_PARAM"}, {SNMPAPI_TL_IN_USE, "SNMPAPI_TL_IN_USE"},
    {SNMPAPI_TL_TIMEOUT, "SNMPAPI_TL_TIMEOUT"}, {SNMPAPI_TL_PDU_TOO_BIG, "SNMPAPI_TL_PDU_TOO_BIG"},
    {SNMPAPI_TL_OTHER, "SNMPAPI_TL_OTHER"},
};

static void
test_strerror_names_every_published_code(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *s = wn_wsnmp_strerror(codes[i].code);
        size_t n = strlen(codes[i].name);
        assert_non_null(s);
        /* "NAME: sentence" */
        assert_int_equal(strncmp(s, codes[i].name, n), 0);
        assert_int_equal(s[n], ':');
        assert_true(strlen(s) > n + 10);
    }
}

static void
test_strerror_unknown_code_says_so(void **state)
{
    (void)state;
    assert_non_null(strstr(wn_wsnmp_strerror(12345), "unknown"));
    assert_non_null(strstr(wn_wsnmp_strerror(21), "unknown"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_names_every_published_code),
        cmocka_unit_test(test_strerror_unknown_code_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
