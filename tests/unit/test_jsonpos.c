/* SPDX-License-Identifier: MIT */
/*
 * test_jsonpos.c: places of values in valid JSON text: members and
 * elements at every depth, past strings holding brackets, quotes and
 * escapes, the closing brace of an object, line and column in bytes, and
 * answers inside the text for paths that do not exist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jsonpos.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char text[] = " {\"a\" : \"x}]\\\"\\\\\",\n"
                           "  \"b\":[1, {\"c\":[]}, -2.5e3 ,true],\r\n"
                           "\t\"d\":{\"e\":null,\"f\":\"\xC3\xA9\"}\n}\n";

/* The offset of `needle` (its n-th occurrence, from 0) in text. */
static size_t
at(const char *needle, int n)
{
    const char *p = text;
    for (;;) {
        p = strstr(p, needle);
        assert_non_null(p);
        if (n-- == 0)
            return (size_t)(p - text);
        p++;
    }
}

static void
values_found(void **state)
{
    (void)state;
    size_t len = sizeof(text) - 1;
    struct {
        size_t path[4];
        size_t n;
        int end;
        size_t want;
    } cases[] = {
        {{0}, 0, 0, 1},                      /* the root */
        {{0}, 0, 1, at("}\n", 1)},           /* its closing brace */
        {{0}, 1, 0, at("\"x", 0)},           /* "a" */
        {{1}, 1, 0, at("[1", 0)},            /* "b" */
        {{1}, 1, 1, at("],\r", 0)},          /* the end of "b" */
        {{1, 0}, 2, 0, at("1,", 0)},         /* b[0] */
        {{1, 1}, 2, 0, at("{\"c", 0)},       /* b[1] */
        {{1, 1, 0}, 3, 0, at("[]", 0)},      /* b[1].c */
        {{1, 2}, 2, 0, at("-2.5", 0)},       /* b[2], after white space */
        {{1, 3}, 2, 0, at("true", 0)},       /* b[3] */
        {{2, 1}, 2, 0, at("\"\xC3", 0)},     /* d.f */
        {{2, 1}, 2, 1, at("\xA9\"", 0) + 1}, /* its last byte, the quote */
        {{1, 4}, 2, 0, len},                 /* no b[4] */
        {{0, 0}, 2, 0, len},                 /* "a" is no container */
        {{3}, 1, 0, len},                    /* no fourth member */
    };
    for (size_t i = 0; i < N(cases); i++) {
        size_t got = jsonpos_find(text, len, cases[i].path, cases[i].n, cases[i].end);
        if (got != cases[i].want)
            fail_msg("case %zu: %zu, wanted %zu", i, got, cases[i].want);
    }
}

static void
lines_and_columns(void **state)
{
    (void)state;
    size_t len = sizeof(text) - 1;
    unsigned long long line, col;
    jsonpos_line_col(text, len, 0, &line, &col);
    assert_true(line == 1 && col == 1);
    jsonpos_line_col(text, len, at("[1", 0), &line, &col);
    assert_true(line == 2 && col == 7);
    jsonpos_line_col(text, len, at("\"f", 0), &line, &col);
    assert_true(line == 3 && col == 16);
    jsonpos_line_col(text, len, at("\"\xC3", 0) + 3, &line, &col); /* in bytes */
    assert_true(line == 3 && col == 23);
    jsonpos_line_col(text, len, len, &line, &col); /* the end, after the last '\n' */
    assert_true(line == 5 && col == 1);
}

/* Text that is not JSON: answers stay within it. */
static void
invalid_text_stays_inside(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "{", "[", "\"", "{\"a", "{\"a\":", "[1,", "{\"a\\", "}}"};
    static const size_t path[] = {0, 0, 0};
    for (size_t i = 0; i < N(bad); i++) {
        size_t len = strlen(bad[i]);
        for (size_t n = 0; n <= N(path); n++) {
            assert_true(jsonpos_find(bad[i], len, path, n, 0) <= len);
            assert_true(jsonpos_find(bad[i], len, path, n, 1) <= len);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_found),
        cmocka_unit_test(lines_and_columns),
        cmocka_unit_test(invalid_text_stays_inside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
