/* SPDX-License-Identifier: MIT */
/*
 * test_table.c: aligned columns fitted to a width: natural widths, names
 * shortened with "…" in the middle (at character boundaries, wide
 * characters counted as two columns), the compact layout and the order in
 * which its columns are left out, and no limit (--wide).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "esc.h"
#include "table.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int last_shortened; /* t.shortened of the last print() */

/* Print rows (n_cols cells each, as strings) under cols with a limit; caller frees. */
static char *
print(const struct table_col *cols, size_t n_cols, const char *const *rows, size_t n_rows,
      unsigned limit, int *cut)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    struct table t;
    table_init(&t, out, cols, n_cols, limit);
    struct table_cell cells[TABLE_MAX_COLS];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            table_layout(&t);
        table_header(&t);
        for (size_t r = 0; r < n_rows; r++) {
            for (size_t c = 0; c < n_cols; c++) {
                const char *s = rows[r * n_cols + c];
                table_cell_value(&cells[c], s, strlen(s));
            }
            table_row(&t, cells);
        }
    }
    assert_int_equal(fclose(out), 0);
    if (cut)
        *cut = t.cut;
    last_shortened = t.shortened;
    return buf;
}

static const struct table_col two[] = {
    {"name", TABLE_SHRINK, 5, 0},
    {"n", TABLE_RIGHT, 0, 0},
};

static void
natural_widths_when_it_fits(void **state)
{
    (void)state;
    static const char *const rows[] = {"EX\\Default Frontend", "15", "Out", "2"};
    int cut = -1;
    char *got = print(two, 2, rows, 2, 80, &cut);
    assert_string_equal(got, "name                  n\n"
                             "EX\\Default Frontend  15\n"
                             "Out                   2\n");
    assert_int_equal(cut, 0);
    free(got);
    /* No limit: the same. */
    got = print(two, 2, rows, 2, 0, &cut);
    assert_string_equal(got, "name                  n\n"
                             "EX\\Default Frontend  15\n"
                             "Out                   2\n");
    free(got);
}

/* 14 columns: name gets 14 - 2 - 2 = 10: 5 + "…" + 4 of "EX\Default Frontend". */
static void
middle_ellipsis(void **state)
{
    (void)state;
    static const char *const rows[] = {"EX\\Default Frontend", "15", "Out", "2"};
    int cut = 0;
    char *got = print(two, 2, rows, 2, 14, &cut);
    assert_string_equal(got, "name         n\n"
                             "EX\\De\xE2\x80\xA6tend  15\n"
                             "Out          2\n");
    assert_int_equal(cut, 1);
    free(got);
    /* Never below the column's minimum (5): wider than the limit then. */
    got = print(two, 2, rows, 2, 3, NULL);
    assert_string_equal(got, "name    n\n"
                             "EX\xE2\x80\xA6nd  15\n"
                             "Out     2\n");
    free(got);
}

/* Wide characters are two columns and are never cut in half; control bytes escaped first. */
static void
wide_characters_and_escapes(void **state)
{
    (void)state;
    /* "日本語サーバー接続" is 9 characters, 18 columns. */
    static const char *const rows[] = {
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x90\xE3\x83\xBC"
        "\xE6\x8E\xA5\xE7\xB6\x9A",
        "1", "a\x1b[2Jbcdefghij", "2"};
    char *got = print(two, 2, rows, 2, 12, NULL);
    /*
     * name: 12 - 2 - 1 = 9 columns: 4 columns of head (2 characters), "…", 4
     * of tail; the escape \x1B (4 columns) does not fit whole in the head, so
     * the head stops before it and the tail takes the columns left.
     */
    assert_string_equal(got, "name       n\n"
                             "\xE6\x97\xA5\xE6\x9C\xAC\xE2\x80\xA6\xE6\x8E\xA5\xE7\xB6\x9A  1\n"
                             "a\xE2\x80\xA6"
                             "defghij  2\n");
    assert_int_equal(last_shortened, 1);
    free(got);
}

/* esc_text() of s[0..len) into memory; caller frees. */
static char *
escaped(const char *s, size_t len, size_t *out_len)
{
    char *buf = NULL;
    FILE *m = open_memstream(&buf, out_len);
    assert_non_null(m);
    esc_text(m, s, len);
    assert_int_equal(fclose(m), 0);
    return buf;
}

/*
 * A name full of control bytes (escaped as \xHH), a C1 control (two bytes,
 * two escapes), an invalid byte, accented and wide characters, cut at
 * every width: the head and tail around "…" are always made of whole
 * escaped units, never part of an escape nor of a UTF-8 character.
 */
static void
cut_never_splits_an_escape_or_a_character(void **state)
{
    (void)state;
    static const char name[] = "\x01\x02"
                               "ab\x1b\x7f"
                               "\xC3\xA9"                 /* é */
                               "\xC2\x85"                 /* C1 NEL */
                               "\xFF"                     /* invalid */
                               "\xE6\x97\xA5\xE6\x9C\xAC" /* 日本 */
                               "cd\x03\xE2\x82\xAC" /* € */ "\x04";
    static const struct table_col one[] = {{"n", TABLE_SHRINK, 3, 0}};
    size_t len = strlen(name);
    /* Offsets in the escaped text at which a cut may fall. */
    size_t e_len, at = 0, n_ok = 0, ok[64];
    char *e = escaped(name, len, &e_len);
    ok[n_ok++] = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t k = esc_utf8_next((const unsigned char *)name + i, len - i, &cp), u_len;
        k = k ? k : 1;
        free(escaped(name + i, k, &u_len));
        at += u_len;
        i += k;
        assert_true(n_ok < N(ok));
        ok[n_ok++] = at;
    }
    assert_int_equal(at, e_len);
    size_t natural = esc_text_width(name, len);
    const char *rows[] = {name};
    for (unsigned w = 3; w < natural; w++) {
        char *got = print(one, 1, rows, 1, w, NULL);
        assert_int_equal(last_shortened, 1);
        char *line = strchr(got, '\n') + 1;
        line[strcspn(line, "\n")] = '\0';
        char *dots = strstr(line, "\xE2\x80\xA6");
        assert_non_null(dots);
        size_t head = (size_t)(dots - line);
        const char *tail = dots + 3;
        size_t tail_len = strlen(tail);
        assert_memory_equal(line, e, head);
        assert_true(tail_len <= e_len);
        assert_string_equal(tail, e + e_len - tail_len);
        int head_ok = 0, tail_ok = 0;
        for (size_t k = 0; k < n_ok; k++) {
            head_ok |= ok[k] == head;
            tail_ok |= ok[k] == e_len - tail_len;
        }
        if (!head_ok || !tail_ok)
            fail_msg("width %u: cut inside a unit: %s", w, line);
        assert_true(esc_text_width(line, strlen(line)) <= w);
        free(got);
    }
    free(e);
    /* Wide enough: whole, nothing shortened. */
    char *got = print(one, 1, rows, 1, (unsigned)natural, NULL);
    assert_int_equal(last_shortened, 0);
    free(got);
}

/* Quoted values (edge spaces) keep their quotes when cut. */
static void
quoted_values(void **state)
{
    (void)state;
    static const char *const rows[] = {"EX2010\\Internet ", "16"};
    char *got = print(two, 2, rows, 1, 14, NULL);
    assert_string_equal(got, "name         n\n"
                             "\"EX20\xE2\x80\xA6"
                             "et \"  16\n");
    free(got);
}

/*
 * Full layout (class columns) when it fits with the names shrunk, else the
 * compact one; its droppable columns go highest rank first.
 */
static const struct table_col layouts[] = {
    {"host", TABLE_SHRINK, 8, 0},
    {"ssl3", TABLE_RIGHT | TABLE_FULL, 0, 0},
    {"tls1_0", TABLE_RIGHT | TABLE_FULL, 0, 0},
    {"tls_unknown", TABLE_RIGHT | TABLE_FULL, 0, 0},
    {"legacy", TABLE_RIGHT | TABLE_COMPACT, 0, 0},
    {"note", TABLE_COMPACT, 0, 2},
    {"last", TABLE_COMPACT, 0, 1},
};

static void
full_compact_and_drops(void **state)
{
    (void)state;
    static const char *const rows[] = {"mx.example.org", "1",         "2", "0", "3",
                                       "abcdefghij",     "2023-01-11"};
    int cut = -1;
    /* host 14 + 4 + 6 + 11 + gaps 6 = 41: the full layout. */
    char *got = print(layouts, N(layouts), rows, 1, 41, &cut);
    assert_string_equal(got, "host            ssl3  tls1_0  tls_unknown\n"
                             "mx.example.org     1       2            0\n");
    assert_int_equal(cut, 0);
    free(got);
    /* 37: the full layout with host shrunk to 10. */
    got = print(layouts, N(layouts), rows, 1, 37, &cut);
    assert_string_equal(got, "host        ssl3  tls1_0  tls_unknown\n"
                             "mx.ex\xE2\x80\xA6"
                             ".org     1       2            0\n");
    assert_int_equal(cut, 1);
    free(got);
    /*
     * 30: the full layout needs 35 with host at its minimum 8: compact,
     * which needs 8 + 6 + 10 + 10 + 6 = 40; note (rank 2) is left out
     * first, and host gets 10.
     */
    got = print(layouts, N(layouts), rows, 1, 30, &cut);
    assert_string_equal(got, "host        legacy  last\n"
                             "mx.ex\xE2\x80\xA6"
                             ".org       3  2023-01-11\n");
    assert_int_equal(cut, 1);
    free(got);
    /* 21: last (rank 1) goes too; host gets 13. */
    got = print(layouts, N(layouts), rows, 1, 21, &cut);
    assert_string_equal(got, "host           legacy\n"
                             "mx.exa\xE2\x80\xA6"
                             "le.org       3\n");
    free(got);
    /* No limit (--wide): the full layout at natural widths. */
    got = print(layouts, N(layouts), rows, 1, 0, &cut);
    assert_string_equal(got, "host            ssl3  tls1_0  tls_unknown\n"
                             "mx.example.org     1       2            0\n");
    assert_int_equal(cut, 0);
    free(got);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(natural_widths_when_it_fits),
        cmocka_unit_test(middle_ellipsis),
        cmocka_unit_test(wide_characters_and_escapes),
        cmocka_unit_test(quoted_values),
        cmocka_unit_test(full_compact_and_drops),
        cmocka_unit_test(cut_never_splits_an_escape_or_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
