/* SPDX-License-Identifier: MIT */
/*
 * test_threshold.c: --fail-on / --warn-on items: every form, every parse
 * error with its exact message, the boundaries of >, >=, < and <= for
 * counts, percentages (exactly 5% vs more), sessions and rows, zero
 * sessions, 64-bit counts, and the canonical text of an item.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "threshold.h"

#define NAMES_MSG                                                                                  \
    "use classes ssl2, ssl3, tls1_0, tls1_1, tls1_2, tls1_3, tls_unknown, tls_failed, none, "      \
    "legacy, or sessions or rows"
#define OP_MSG "compare with >, >=, < or <="
#define NUMBER_MSG "expected a count or a percentage after the comparison"

static char err[128];

static struct threshold_list
parse_ok(const char *text)
{
    struct threshold_list l;
    memset(err, 0, sizeof(err));
    if (threshold_parse(&l, text, err, sizeof(err)) != EXTLS_OK)
        fail_msg("rejected '%s': %s", text, err);
    return l;
}

/* Parsing `text` fails with exactly `msg`, and leaves the list alone. */
static void
assert_error(const char *text, const char *msg)
{
    struct threshold_list l;
    memset(&l, 0x5A, sizeof(l));
    memset(err, 0, sizeof(err));
    if (threshold_parse(&l, text, err, sizeof(err)) != EXTLS_EPARSE)
        fail_msg("accepted '%s'", text);
    if (strcmp(err, msg) != 0)
        fail_msg("'%s': message '%s', want '%s'", text, err, msg);
    for (size_t i = 0; i < sizeof(l); i++)
        assert_int_equal(((unsigned char *)&l)[i], 0x5A);
}

static void
assert_item(const struct threshold *t, int name, enum threshold_op op, int percent, uint64_t value)
{
    assert_int_equal(t->name, name);
    assert_int_equal(t->op, op);
    assert_int_equal(t->percent, percent);
    assert_int_equal(t->value, value);
}

static void
forms(void **state)
{
    (void)state;
    struct threshold_list l = parse_ok("tls1_0>0,none>5%,legacy>=1,tls_failed>10");
    assert_int_equal(l.n, 4);
    assert_item(&l.item[0], EXTLS_TLS1_0, THRESHOLD_GT, 0, 0);
    assert_item(&l.item[1], EXTLS_NONE, THRESHOLD_GT, 1, 5000);
    assert_item(&l.item[2], THRESHOLD_LEGACY, THRESHOLD_GE, 0, 1);
    assert_item(&l.item[3], EXTLS_TLS_FAILED, THRESHOLD_GT, 0, 10);
    /* A bare name is name>0. */
    l = parse_ok("ssl2,legacy,tls_unknown");
    assert_int_equal(l.n, 3);
    assert_item(&l.item[0], EXTLS_SSL2, THRESHOLD_GT, 0, 0);
    assert_item(&l.item[1], THRESHOLD_LEGACY, THRESHOLD_GT, 0, 0);
    assert_item(&l.item[2], EXTLS_TLS_UNKNOWN, THRESHOLD_GT, 0, 0);
    /* Percentages with decimals, in thousandths of a percent. */
    l = parse_ok("none>=0.5%,tls1_1>0.125%,tls1_0>100%,ssl3>=0%,tls1_2>2.50%,tls1_3>007%");
    assert_int_equal(l.n, 6);
    assert_item(&l.item[0], EXTLS_NONE, THRESHOLD_GE, 1, 500);
    assert_item(&l.item[1], EXTLS_TLS1_1, THRESHOLD_GT, 1, 125);
    assert_item(&l.item[2], EXTLS_TLS1_0, THRESHOLD_GT, 1, 100000);
    assert_item(&l.item[3], EXTLS_SSL3, THRESHOLD_GE, 1, 0);
    assert_item(&l.item[4], EXTLS_TLS1_2, THRESHOLD_GT, 1, 2500);
    assert_item(&l.item[5], EXTLS_TLS1_3, THRESHOLD_GT, 1, 7000);
    /* < and <=, sessions and rows. */
    l = parse_ok("sessions<1,legacy<=5,rows<1,tls1_2<90%,none<=0.5%,sessions,rows>=100");
    assert_int_equal(l.n, 7);
    assert_item(&l.item[0], THRESHOLD_SESSIONS, THRESHOLD_LT, 0, 1);
    assert_item(&l.item[1], THRESHOLD_LEGACY, THRESHOLD_LE, 0, 5);
    assert_item(&l.item[2], THRESHOLD_ROWS, THRESHOLD_LT, 0, 1);
    assert_item(&l.item[3], EXTLS_TLS1_2, THRESHOLD_LT, 1, 90000);
    assert_item(&l.item[4], EXTLS_NONE, THRESHOLD_LE, 1, 500);
    assert_item(&l.item[5], THRESHOLD_SESSIONS, THRESHOLD_GT, 0, 0);
    assert_item(&l.item[6], THRESHOLD_ROWS, THRESHOLD_GE, 0, 100);
    /* The largest count. */
    l = parse_ok("none>18446744073709551615");
    assert_item(&l.item[0], EXTLS_NONE, THRESHOLD_GT, 0, UINT64_MAX);
    /* Exactly the cap. */
    char many[32 * 5 + 1] = "";
    for (int i = 0; i < 32; i++)
        strcat(many, i ? ",none" : "none");
    l = parse_ok(many);
    assert_int_equal(l.n, THRESHOLD_MAX);
}

static void
parse_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"", NAMES_MSG},
        {"legacy,", NAMES_MSG},
        {",none", NAMES_MSG},
        {"ssl2,,ssl3", NAMES_MSG},
        {"tls1", NAMES_MSG},
        {"LEGACY", NAMES_MSG},
        {"tls1_0x>1", NAMES_MSG},
        {">5", NAMES_MSG},
        {"none >5", NAMES_MSG},
        {"none=5", OP_MSG},
        {"none!=5", OP_MSG},
        {"none==5", OP_MSG},
        {"none=<5", OP_MSG},
        {"none<", NUMBER_MSG},
        {"none<=", NUMBER_MSG},
        {"none<>5", NUMBER_MSG},
        {"none<<5", NUMBER_MSG},
        {"none=>5", OP_MSG},
        {"Sessions<1", NAMES_MSG},
        {"session<1", NAMES_MSG},
        {"sessions<1%", "sessions and rows take a count, not a percentage"},
        {"rows>=0.5%", "sessions and rows take a count, not a percentage"},
        {"rows<1.5", "a count is a whole number"},
        {"none>", NUMBER_MSG},
        {"none>=", NUMBER_MSG},
        {"none>>5", NUMBER_MSG},
        {"none>=>5", NUMBER_MSG},
        {"none>5x", NUMBER_MSG},
        {"none>-1", NUMBER_MSG},
        {"none>+1", NUMBER_MSG},
        {"none> 5", NUMBER_MSG},
        {"none>5 ", NUMBER_MSG},
        {"none>%", NUMBER_MSG},
        {"none>.5%", NUMBER_MSG},
        {"none>5.%", NUMBER_MSG},
        {"none>5%%", NUMBER_MSG},
        {"none>5%,tls1_0>1x", NUMBER_MSG},
        {"none>1.5", "a count is a whole number"},
        {"none>0.0", "a count is a whole number"},
        {"none>0.0001%", "at most 3 decimals in a percentage"},
        {"none>100.001%", "a percentage is at most 100"},
        {"none>101%", "a percentage is at most 100"},
        {"none>99999999999999999999%", "a percentage is at most 100"},
        {"none>18446744073709551616", "count too large"},
        {"none>99999999999999999999", "count too large"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_error(cases[i].text, cases[i].msg);
    char many[33 * 5 + 1] = "";
    for (int i = 0; i < 33; i++)
        strcat(many, i ? ",none" : "none");
    assert_error(many, "at most 32 thresholds");
}

/* Counts per class, ssl2 .. none. */
#define COUNTS(a, b, c, d, e, f, g, h, i)                                                          \
    (const uint64_t[EXTLS_N_CLASSES])                                                              \
    {                                                                                              \
        a, b, c, d, e, f, g, h, i                                                                  \
    }

static struct threshold_counts
counts_of(const uint64_t *count, uint64_t sessions, uint64_t rows)
{
    struct threshold_counts c;
    memcpy(c.count, count, sizeof(c.count));
    c.sessions = sessions;
    c.rows = rows;
    return c;
}

/* Does `text` match these counts of `sessions` sessions, from `rows` rows? */
static int
match_rows(const char *text, const uint64_t *count, uint64_t sessions, uint64_t rows)
{
    struct threshold_list l = parse_ok(text);
    struct threshold_counts c = counts_of(count, sessions, rows);
    return threshold_list_match(&l, &c);
}

/* The same, from 1000 rows. */
static int
match(const char *text, const uint64_t *count, uint64_t sessions)
{
    return match_rows(text, count, sessions, 1000);
}

static void
count_boundaries(void **state)
{
    (void)state;
    const uint64_t *c = COUNTS(0, 1, 2, 0, 90, 0, 0, 10, 7); /* 110 sessions */
    assert_false(match("ssl2", c, 110));
    assert_true(match("ssl3", c, 110));
    assert_false(match("tls1_1>0", c, 110));
    assert_true(match("tls1_0>1", c, 110));
    assert_false(match("tls1_0>2", c, 110));
    assert_true(match("tls1_0>=2", c, 110));
    assert_false(match("tls1_0>=3", c, 110));
    assert_false(match("tls_failed>10", c, 110));
    assert_true(match("tls_failed>=10", c, 110));
    assert_true(match("tls_failed>9", c, 110));
    /* legacy sums ssl2, ssl3, tls1_0, tls1_1: 3. */
    assert_true(match("legacy>=3", c, 110));
    assert_false(match("legacy>3", c, 110));
    assert_true(match("legacy", c, 110));
    /* >=0 always holds, even with no sessions. */
    assert_true(match("ssl2>=0", COUNTS(0, 0, 0, 0, 0, 0, 0, 0, 0), 0));
    /* Any item is enough; an empty list never matches. */
    assert_true(match("ssl2,tls1_1,none>6", c, 110));
    assert_false(match("ssl2,tls1_1,none>7", c, 110));
    struct threshold_list empty = {.n = 0};
    struct threshold_counts tc = counts_of(c, 110, 1000);
    assert_false(threshold_list_match(&empty, &tc));
    /* 64-bit counts. */
    const uint64_t *big = COUNTS(0, 0, 0, 0, 0, 0, 0, 0, UINT64_MAX);
    assert_false(match("none>18446744073709551615", big, UINT64_MAX));
    assert_true(match("none>=18446744073709551615", big, UINT64_MAX));
}

/* < and <= on counts, sessions and rows: the "too few" side. */
static void
less_than(void **state)
{
    (void)state;
    const uint64_t *c = COUNTS(0, 1, 2, 0, 90, 0, 0, 10, 7); /* 110 sessions */
    const uint64_t *zero = COUNTS(0, 0, 0, 0, 0, 0, 0, 0, 0);
    assert_true(match("tls1_0<3", c, 110));
    assert_false(match("tls1_0<2", c, 110));
    assert_true(match("tls1_0<=2", c, 110));
    assert_false(match("tls1_0<=1", c, 110));
    assert_true(match("legacy<4", c, 110));
    assert_false(match("legacy<3", c, 110));
    /* Nothing is below 0. */
    assert_false(match("ssl2<0", c, 110));
    assert_true(match("ssl2<=0", c, 110));
    /* sessions and rows. */
    assert_false(match("sessions<1", c, 110));
    assert_true(match("sessions<111", c, 110));
    assert_false(match("sessions<110", c, 110));
    assert_true(match("sessions<=110", c, 110));
    assert_true(match("sessions>109", c, 110));
    assert_true(match("sessions", c, 110)); /* sessions>0 */
    assert_true(match_rows("sessions<1", zero, 0, 0));
    assert_true(match_rows("sessions<1", zero, 0, 500)); /* rows read, no session */
    assert_false(match_rows("rows<1", zero, 0, 500));
    assert_true(match_rows("rows<1", zero, 0, 0));
    assert_true(match_rows("rows<=500", c, 110, 500));
    assert_false(match_rows("rows<500", c, 110, 500));
    assert_true(match_rows("rows>=500", c, 110, 500));
    assert_false(match_rows("rows", c, 110, 0));
    /* Mixed with > items: any one is enough. */
    assert_true(match_rows("sessions<1,legacy>0", c, 110, 0));
    assert_true(match_rows("sessions<1,legacy>0", zero, 0, 0));
    assert_false(match_rows("sessions<1,legacy>0", COUNTS(0, 0, 0, 0, 5, 0, 0, 0, 0), 5, 10));
    /* 64-bit values. */
    const uint64_t *big = COUNTS(0, 0, 0, 0, 0, 0, 0, 0, UINT64_MAX);
    assert_true(match_rows("rows<18446744073709551615", big, UINT64_MAX, UINT64_MAX - 1));
    assert_false(match_rows("rows<18446744073709551615", big, UINT64_MAX, UINT64_MAX));
    assert_true(match("sessions<=18446744073709551615", big, UINT64_MAX));
}

static void
percent_boundaries(void **state)
{
    (void)state;
    /* 5 of 100 is exactly 5%. */
    const uint64_t *c = COUNTS(0, 0, 0, 0, 95, 0, 0, 0, 5);
    assert_false(match("none>5%", c, 100));
    assert_true(match("none>=5%", c, 100));
    assert_true(match("none>4.999%", c, 100));
    assert_false(match("none>=5.001%", c, 100));
    /* 6 of 100 is more. */
    assert_true(match("none>5%", COUNTS(0, 0, 0, 0, 94, 0, 0, 0, 6), 100));
    /* 1 of 3 is 33.333...%: above 33.333, below 33.334. */
    const uint64_t *third = COUNTS(0, 0, 1, 0, 2, 0, 0, 0, 0);
    assert_true(match("tls1_0>33.333%", third, 3));
    assert_false(match("tls1_0>=33.334%", third, 3));
    assert_true(match("legacy>33.333%", third, 3));
    /* 100%: only >= matches. */
    const uint64_t *all = COUNTS(0, 0, 0, 0, 0, 0, 0, 0, 7);
    assert_false(match("none>100%", all, 7));
    assert_true(match("none>=100%", all, 7));
    assert_true(match("none>99.999%", all, 7));
    /* 0 of 7 is 0%: not more than 0%, but at least 0%. */
    assert_false(match("ssl2>0%", all, 7));
    assert_true(match("ssl2>=0%", all, 7));
    /* No sessions: percentages never match, not even >=0%. */
    const uint64_t *none = COUNTS(0, 0, 0, 0, 0, 0, 0, 0, 0);
    assert_false(match("none>=0%", none, 0));
    assert_false(match("legacy>=0%", none, 0));
    assert_false(match("none>0%", none, 0));
    assert_false(match("none<=100%", none, 0));
    assert_false(match("tls1_2<50%", none, 0));
    /* < and <= on percentages: 5 of 100 is exactly 5%. */
    assert_false(match("none<5%", c, 100));
    assert_true(match("none<=5%", c, 100));
    assert_true(match("none<5.001%", c, 100));
    assert_false(match("none<=4.999%", c, 100));
    assert_true(match("tls1_2<95.001%", c, 100));
    assert_false(match("tls1_2<95%", c, 100));
    /* 1 of 3: below 33.334%, not below 33.333%. */
    assert_true(match("tls1_0<33.334%", third, 3));
    assert_false(match("tls1_0<=33.333%", third, 3));
    /* 0%: only <= 0% matches. */
    assert_false(match("ssl2<0%", all, 7));
    assert_true(match("ssl2<=0%", all, 7));
    /* Products past 64 bits are compared exactly: 2^63 of 2^64 - 1 sessions is a hair over
     * 50%. */
    const uint64_t *half = COUNTS(0, 0, 0, 0, 0, 0, 0, 0, UINT64_C(1) << 63);
    assert_true(match("none>50%", half, UINT64_MAX));
    assert_true(match("none>=50%", half, UINT64_MAX));
    assert_false(match("none>50.001%", half, UINT64_MAX));
    /* 2^63 - 1 of 2^64 - 2 sessions is exactly 50%. */
    const uint64_t *half2 = COUNTS(0, 0, 0, 0, 0, 0, 0, 0, (UINT64_C(1) << 63) - 1);
    assert_false(match("none>50%", half2, UINT64_MAX - 1));
    assert_true(match("none>=50%", half2, UINT64_MAX - 1));
    /* A carry from the middle 32 bits of count * 100000 decides this one (found by search):
     * 184468845363199 * 100000 > 99990 * 184487294092608. */
    const uint64_t *carry = COUNTS(0, 0, 0, 0, 0, 0, 0, 0, UINT64_C(184468845363199));
    assert_true(match("none>99.99%", carry, UINT64_C(184487294092608)));
    assert_false(match("none>99.991%", carry, UINT64_C(184487294092608)));
}

static void
count_of_an_item(void **state)
{
    (void)state;
    const uint64_t *c = COUNTS(1, 2, 3, 4, 5, 6, 7, 8, 9);
    struct threshold_counts tc = counts_of(c, 45, 321);
    struct threshold_list l = parse_ok("legacy,ssl2,tls1_2,none,sessions<1,rows<1");
    assert_int_equal(threshold_count(&l.item[0], &tc), 10);
    assert_int_equal(threshold_count(&l.item[1], &tc), 1);
    assert_int_equal(threshold_count(&l.item[2], &tc), 5);
    assert_int_equal(threshold_count(&l.item[3], &tc), 9);
    assert_int_equal(threshold_count(&l.item[4], &tc), 45);
    assert_int_equal(threshold_count(&l.item[5], &tc), 321);
}

static void
canonical_text(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"legacy", "legacy>0"},
        {"none>5%", "none>5%"},
        {"none>=5.5%", "none>=5.5%"},
        {"tls1_0>0.125%", "tls1_0>0.125%"},
        {"tls1_0>0.05%", "tls1_0>0.05%"},
        {"tls1_0>2.50%", "tls1_0>2.5%"},
        {"tls1_1>=007", "tls1_1>=7"},
        {"tls_unknown>100%", "tls_unknown>100%"},
        {"tls_failed>=18446744073709551615", "tls_failed>=18446744073709551615"},
        {"sessions<1", "sessions<1"},
        {"rows<=007", "rows<=7"},
        {"sessions", "sessions>0"},
        {"legacy<5", "legacy<5"},
        {"none<=0.50%", "none<=0.5%"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct threshold_list l = parse_ok(cases[i].in);
        char buf[THRESHOLD_TEXT];
        assert_string_equal(threshold_format(&l.item[0], buf), cases[i].out);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forms),
        cmocka_unit_test(parse_errors),
        cmocka_unit_test(count_boundaries),
        cmocka_unit_test(less_than),
        cmocka_unit_test(percent_boundaries),
        cmocka_unit_test(count_of_an_item),
        cmocka_unit_test(canonical_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
