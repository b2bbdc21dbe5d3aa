/* SPDX-License-Identifier: MIT */
/*
 * test_nagios.c: the --nagios status line, whole, for OK, WARNING,
 * CRITICAL and UNKNOWN; which state wins; the text of matched items; the
 * cleaning of error text; and the length cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nagios.h"

/* ssl2 .. none: 40 sessions, 7 legacy (1 + 2 + 4 + 0), 12 none. */
static const uint64_t counts[EXTLS_N_CLASSES] = {1, 2, 4, 0, 15, 2, 3, 1, 12};
#define PERF                                                                                       \
    " | sessions=40 ssl2=1 ssl3=2 tls1_0=4 tls1_1=0 tls1_2=15 tls1_3=2 tls_unknown=3 "             \
    "tls_failed=1 none=12 legacy=7\n"
/* The same with thresholds: ";warn;crit" after a label, as counts (see nagios.h). */
#define PERF_WITH(ssl2, tls1_1, tls1_3, tls_failed, none, legacy)                                  \
    " | sessions=40 ssl2=1" ssl2 " ssl3=2 tls1_0=4 tls1_1=0" tls1_1 " tls1_2=15 tls1_3=2" tls1_3   \
    " tls_unknown=3 tls_failed=1" tls_failed " none=12" none " legacy=7" legacy "\n"

static struct threshold_list
list(const char *text)
{
    struct threshold_list l = {.n = 0};
    char err[128];
    if (text && threshold_parse(&l, text, err, sizeof(err)) != EXTLS_OK)
        fail_msg("'%s': %s", text, err);
    return l;
}

/* Counts c[] of `sessions` sessions, read from `rows` rows. */
static struct threshold_counts
counts_of(const uint64_t *c, uint64_t sessions, uint64_t rows)
{
    struct threshold_counts tc;
    memcpy(tc.count, c, sizeof(tc.count));
    tc.sessions = sessions;
    tc.rows = rows;
    return tc;
}

/* The line and state for --fail-on crit, --warn-on warn (NULL: none), rows read. */
static void
check_rows(const char *crit, const char *warn, const uint64_t *c, uint64_t sessions, uint64_t rows,
           enum nagios_state want_st, const char *want)
{
    struct threshold_list lc = list(crit), lw = list(warn);
    struct threshold_counts tc = counts_of(c, sessions, rows);
    char buf[NAGIOS_LINE_MAX];
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(nagios_status(buf, &lc, &lw, &tc), want_st);
    assert_string_equal(buf, want);
}

/* The same with 1000 rows read. */
static void
check(const char *crit, const char *warn, const uint64_t *c, uint64_t sessions,
      enum nagios_state want_st, const char *want)
{
    check_rows(crit, warn, c, sessions, 1000, want_st, want);
}

static void
state_names(void **state)
{
    (void)state;
    assert_string_equal(nagios_state_name(NAGIOS_OK), "OK");
    assert_string_equal(nagios_state_name(NAGIOS_WARNING), "WARNING");
    assert_string_equal(nagios_state_name(NAGIOS_CRITICAL), "CRITICAL");
    assert_string_equal(nagios_state_name(NAGIOS_UNKNOWN), "UNKNOWN");
    assert_int_equal(NAGIOS_OK, 0);
    assert_int_equal(NAGIOS_WARNING, 1);
    assert_int_equal(NAGIOS_CRITICAL, 2);
    assert_int_equal(NAGIOS_UNKNOWN, 3);
}

static void
ok_lines(void **state)
{
    (void)state;
    check(NULL, NULL, counts, 40, NAGIOS_OK, "EXTLS OK - 40 sessions, 7 legacy" PERF);
    /* none>30% of 40 is none>12; none>=31% is none>=12.4, so none>12 too. */
    check("tls1_1,legacy>7,none>30%", "none>=31%", counts, 40, NAGIOS_OK,
          "EXTLS OK - 40 sessions, 7 legacy" PERF_WITH("", ";;0", "", "", ";12;12", ";;7"));
    static const uint64_t zero[EXTLS_N_CLASSES] = {0};
    check("none>=0%", NULL, zero, 0, NAGIOS_OK,
          "EXTLS OK - 0 sessions, 0 legacy | sessions=0 ssl2=0 ssl3=0 tls1_0=0 tls1_1=0 "
          "tls1_2=0 tls1_3=0 tls_unknown=0 tls_failed=0 none=0 legacy=0\n");
    static const uint64_t one[EXTLS_N_CLASSES] = {0, 0, 0, 0, 1};
    check(NULL, NULL, one, 1, NAGIOS_OK,
          "EXTLS OK - 1 session, 0 legacy | sessions=1 ssl2=0 ssl3=0 tls1_0=0 tls1_1=0 "
          "tls1_2=1 tls1_3=0 tls_unknown=0 tls_failed=0 none=0 legacy=0\n");
}

static void
warning_lines(void **state)
{
    (void)state;
    /* 12 of 40 is 30%. */
    check("legacy>7", "none>=30%,tls1_1,tls_failed>=1", counts, 40, NAGIOS_WARNING,
          "EXTLS WARNING - 40 sessions, 7 legacy; warning: none>=30% (30%), tls_failed>=1 "
          "(1)" PERF_WITH("", ";0", "", ";0", ";11", ";;7"));
}

static void
critical_lines(void **state)
{
    (void)state;
    check("legacy", NULL, counts, 40, NAGIOS_CRITICAL,
          "EXTLS CRITICAL - 40 sessions, 7 legacy; critical: legacy>0 (7)" PERF_WITH("", "", "", "",
                                                                                     "", ";;0"));
    /* Critical wins; matching warnings are still named. 1 of 40 is 2.5%, 7 of 40 17.5%. */
    check("tls_failed>2%,tls1_3>2,ssl2>=1", "legacy>=17.5%,none>99", counts, 40, NAGIOS_CRITICAL,
          "EXTLS CRITICAL - 40 sessions, 7 legacy; critical: tls_failed>2% (2.5%), ssl2>=1 (1); "
          "warning: legacy>=17.5% (17.5%)" PERF_WITH(";;0", "", ";;2", ";;0", ";99", ";6"));
    /* A percentage shown with three decimals at most: 1 of 3 sessions. */
    static const uint64_t third[EXTLS_N_CLASSES] = {0, 0, 1, 0, 2};
    check("tls1_0>33%", NULL, third, 3, NAGIOS_CRITICAL,
          "EXTLS CRITICAL - 3 sessions, 1 legacy; critical: tls1_0>33% (33.333%) | sessions=3 "
          "ssl2=0 ssl3=0 tls1_0=1;;0 tls1_1=0 tls1_2=2 tls1_3=0 tls_unknown=0 tls_failed=0 none=0 "
          "legacy=1\n");
}

/*
 * Too few sessions or rows: the < and <= items, named with their value; in
 * the perfdata as the Nagios range "L:" (alert below L), with > items "L:H".
 */
static void
too_few_lines(void **state)
{
    (void)state;
    static const uint64_t zero[EXTLS_N_CLASSES] = {0};
    check_rows("sessions<1,legacy>0", "rows<1", zero, 0, 0, NAGIOS_CRITICAL,
               "EXTLS CRITICAL - 0 sessions, 0 legacy; critical: sessions<1 (0); warning: rows<1 "
               "(0) | sessions=0;;1: ssl2=0 ssl3=0 tls1_0=0 tls1_1=0 tls1_2=0 tls1_3=0 "
               "tls_unknown=0 tls_failed=0 none=0 legacy=0;;0\n");
    /* Rows read but no session (a --since window with nothing in it). */
    check_rows("sessions<1", "rows<1", zero, 0, 12, NAGIOS_CRITICAL,
               "EXTLS CRITICAL - 0 sessions, 0 legacy; critical: sessions<1 (0) | sessions=0;;1: "
               "ssl2=0 ssl3=0 tls1_0=0 tls1_1=0 tls1_2=0 tls1_3=0 tls_unknown=0 tls_failed=0 "
               "none=0 legacy=0\n");
    /* 15 of 40 is 37.5%: <37.5% alerts below 15, <=37.5% below 16. */
    check("sessions<40,tls1_2<37.5%", "sessions<=40,tls1_2<=37.5%", counts, 40, NAGIOS_WARNING,
          "EXTLS WARNING - 40 sessions, 7 legacy; warning: sessions<=40 (40), tls1_2<=37.5% "
          "(37.5%) | sessions=40;41:;40: ssl2=1 ssl3=2 tls1_0=4 tls1_1=0 tls1_2=15;16:;15: "
          "tls1_3=2 tls_unknown=3 tls_failed=1 none=12 legacy=7\n");
    /* 37.499% of 40 is 14.9996: <= alerts below 15. */
    check("sessions<40,rows<1000", "tls1_2<=37.499%", counts, 40, NAGIOS_OK,
          "EXTLS OK - 40 sessions, 7 legacy | sessions=40;;40: ssl2=1 ssl3=2 tls1_0=4 tls1_1=0 "
          "tls1_2=15;15: tls1_3=2 tls_unknown=3 tls_failed=1 none=12 legacy=7\n");
    /* Both sides on one label: "L:H"; of several items the tightest of each side. */
    check("legacy>10,legacy<2,legacy>=9,legacy<=0", "legacy<8", counts, 40, NAGIOS_WARNING,
          "EXTLS WARNING - 40 sessions, 7 legacy; warning: legacy<8 (7) | sessions=40 ssl2=1 "
          "ssl3=2 tls1_0=4 tls1_1=0 tls1_2=15 tls1_3=2 tls_unknown=3 tls_failed=1 none=12 "
          "legacy=7;8:;2:8\n");
}

static void
unknown_lines(void **state)
{
    (void)state;
    char buf[NAGIOS_LINE_MAX];
    assert_int_equal(nagios_unknown(buf, "cannot open 'x.log': No such file or directory"),
                     NAGIOS_UNKNOWN);
    assert_string_equal(buf, "EXTLS UNKNOWN - cannot open 'x.log': No such file or directory\n");
    /* '|' would start perfdata, a line break a second line: both become '?'. UTF-8 stays. */
    nagios_unknown(buf, "cannot open 'a|b\nc\td\x7f\xC3\xA9': Permission denied");
    assert_string_equal(buf, "EXTLS UNKNOWN - cannot open 'a?b?c?d?\xC3\xA9': Permission denied\n");
}

/* The line never exceeds its buffer and always ends in one line feed. */
static void
long_lines_are_cut(void **state)
{
    (void)state;
    char msg[NAGIOS_LINE_MAX * 2];
    memset(msg, 'm', sizeof(msg) - 1);
    msg[sizeof(msg) - 1] = '\0';
    char buf[NAGIOS_LINE_MAX + 16];
    memset(buf, 'x', sizeof(buf));
    nagios_unknown(buf, msg);
    assert_int_equal(strlen(buf), NAGIOS_LINE_MAX - 1);
    assert_int_equal(buf[NAGIOS_LINE_MAX - 2], '\n');
    assert_int_equal(buf[NAGIOS_LINE_MAX], 'x'); /* nothing written past the buffer */
    assert_true(strncmp(buf, "EXTLS UNKNOWN - mmm", 19) == 0);

    /* 32 critical and 32 warning items that all match: about 2 KiB, not cut. */
    char many[32 * 16];
    many[0] = '\0';
    for (int i = 0; i < 32; i++)
        strcat(many, i ? ",tls_unknown>=0%" : "tls_unknown>=0%");
    struct threshold_list l = list(many);
    assert_int_equal(l.n, 32);
    struct threshold_counts tc = counts_of(counts, 40, 1000);
    assert_int_equal(nagios_status(buf, &l, &l, &tc), NAGIOS_CRITICAL);
    size_t len = strlen(buf);
    assert_true(len < NAGIOS_LINE_MAX - 1);
    assert_int_equal(buf[len - 1], '\n');
    assert_non_null(strstr(buf, "; warning: tls_unknown>=0% (7.5%), "));
    assert_true(strlen(PERF) < len && strcmp(buf + len - strlen(PERF), PERF) == 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(state_names),        cmocka_unit_test(ok_lines),
        cmocka_unit_test(warning_lines),      cmocka_unit_test(critical_lines),
        cmocka_unit_test(too_few_lines),      cmocka_unit_test(unknown_lines),
        cmocka_unit_test(long_lines_are_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
