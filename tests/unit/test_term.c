/* SPDX-License-Identifier: MIT */
/*
 * test_term.c: the width the table fits when the output is no terminal:
 * COLUMNS when it is a plain number in range, else 100.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "term.h"

static void
no_terminal_uses_columns_or_100(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    int fd = fileno(f);
    assert_int_equal(term_width(fd), 0);
    assert_int_equal(term_width(-1), 0);
    assert_int_equal(term_columns(fd, NULL), TERM_DEFAULT_COLUMNS);
    assert_int_equal(TERM_DEFAULT_COLUMNS, 100);
    assert_int_equal(term_columns(fd, "80"), 80);
    assert_int_equal(term_columns(fd, "1"), 1);
    assert_int_equal(term_columns(fd, "100000"), 100000);
    static const char *const bad[] = {"", "0", "-5", "80x", "100001", "abc"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(term_columns(fd, bad[i]), TERM_DEFAULT_COLUMNS);
    fclose(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_terminal_uses_columns_or_100),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
