/* SPDX-License-Identifier: MIT */
/*
 * test_names.c: the shared name tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "extls.h"

static void
class_names_round_trip(void **state)
{
    (void)state;
    static const char *const want[] = {"ssl2",   "ssl3",        "tls1_0",     "tls1_1", "tls1_2",
                                       "tls1_3", "tls_unknown", "tls_failed", "none"};
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        assert_string_equal(extls_class_name((enum extls_class)c), want[c]);
        assert_int_equal(extls_class_parse(want[c], strlen(want[c])), c);
    }
    assert_int_equal(extls_class_parse("tls1", 4), -1);
    assert_int_equal(extls_class_parse("tls1_0x", 7), -1);
    assert_int_equal(extls_class_parse("", 0), -1);
}

static void
legacy_classes(void **state)
{
    (void)state;
    assert_true(extls_class_is_legacy(EXTLS_SSL2));
    assert_true(extls_class_is_legacy(EXTLS_SSL3));
    assert_true(extls_class_is_legacy(EXTLS_TLS1_0));
    assert_true(extls_class_is_legacy(EXTLS_TLS1_1));
    assert_false(extls_class_is_legacy(EXTLS_TLS1_2));
    assert_false(extls_class_is_legacy(EXTLS_TLS1_3));
    assert_false(extls_class_is_legacy(EXTLS_TLS_UNKNOWN));
    assert_false(extls_class_is_legacy(EXTLS_TLS_FAILED));
    assert_false(extls_class_is_legacy(EXTLS_NONE));
}

/* The one legacy sum: SSL 2/3 and TLS 1.0/1.1 only, and the with-TLS sum beside it. */
static void
legacy_and_with_tls_sums(void **state)
{
    (void)state;
    uint64_t count[EXTLS_N_CLASSES] = {0};
    assert_int_equal(extls_legacy_count(count), 0);
    /* ssl2 1, ssl3 20, tls1_0 300, tls1_1 4000, tls1_2 50000, tls1_3 600000,
     * unknown version 7, failed 80, none 900. */
    const uint64_t v[EXTLS_N_CLASSES] = {1, 20, 300, 4000, 50000, 600000, 7, 80, 900};
    memcpy(count, v, sizeof(count));
    assert_int_equal(extls_legacy_count(count), 4321);
    assert_int_equal(extls_with_tls_count(count), 654328);
    /* Only the legacy classes count: a huge none or failed count changes nothing. */
    count[EXTLS_NONE] = UINT64_MAX;
    count[EXTLS_TLS_FAILED] = UINT64_MAX;
    assert_int_equal(extls_legacy_count(count), 4321);
    count[EXTLS_TLS1_1] = 0;
    assert_int_equal(extls_legacy_count(count), 321);
}

static void
direction_names(void **state)
{
    (void)state;
    assert_string_equal(extls_dir_name(EXTLS_DIR_RECEIVE), "receive");
    assert_string_equal(extls_dir_name(EXTLS_DIR_SEND), "send");
    assert_string_equal(extls_dir_name(EXTLS_DIR_UNKNOWN), "unknown");
    assert_string_equal(extls_strerror(EXTLS_ETOOBIG), "size limit exceeded");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(class_names_round_trip),
        cmocka_unit_test(legacy_classes),
        cmocka_unit_test(legacy_and_with_tls_sums),
        cmocka_unit_test(direction_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
