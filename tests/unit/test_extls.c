/* SPDX-License-Identifier: MIT */
/*
 * test_extls.c: the shared name tables.
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
        cmocka_unit_test(direction_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
