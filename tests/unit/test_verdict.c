/* SPDX-License-Identifier: MIT */
/*
 * test_verdict.c: a run's exit policy: the Nagios line of an error (its
 * first error's text) and of counts judged by --fail-on/--warn-on, the
 * counts judged, what a run that saw nothing is, and the report time fixed
 * by SOURCE_DATE_EPOCH.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/run/run_int.h"
#include "nagios.h"
#include "run.h"

/* The line written to a temporary file by verdict_nagios_line(). */
static int
line_of(const struct cli_config *cfg, int code, const char *first_error,
        const struct threshold_counts *c, char *out, size_t cap)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    int st = verdict_nagios_line(f, cfg, code, first_error, c);
    rewind(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
    return st;
}

static void
test_error_is_unknown(void **state)
{
    (void)state;
    struct cli_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    struct threshold_counts c;
    memset(&c, 0, sizeof(c));
    char line[NAGIOS_LINE_MAX];
    assert_int_equal(line_of(&cfg, EXTLS_EXIT_ERROR, "x.log: damaged", &c, line, sizeof(line)),
                     NAGIOS_UNKNOWN);
    assert_non_null(strstr(line, "UNKNOWN"));
    assert_non_null(strstr(line, "x.log: damaged"));
    assert_int_equal(line_of(&cfg, EXTLS_EXIT_ERROR, "", &c, line, sizeof(line)), NAGIOS_UNKNOWN);
    assert_non_null(strstr(line, "error"));
}

static void
test_thresholds_judge_counts(void **state)
{
    (void)state;
    struct cli_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    char err[128];
    assert_int_equal(threshold_parse(&cfg.fail_on, "tls1_0>0", err, sizeof(err)), EXTLS_OK);
    struct threshold_counts c;
    memset(&c, 0, sizeof(c));
    c.count[EXTLS_TLS1_2] = 5;
    c.sessions = 5;
    char line[NAGIOS_LINE_MAX];
    assert_int_equal(line_of(&cfg, EXTLS_EXIT_OK, "", &c, line, sizeof(line)), NAGIOS_OK);
    assert_non_null(strstr(line, "OK"));
    c.count[EXTLS_TLS1_0] = 1;
    c.sessions = 6;
    assert_int_equal(line_of(&cfg, EXTLS_EXIT_OK, "", &c, line, sizeof(line)), NAGIOS_CRITICAL);
    assert_non_null(strstr(line, "CRITICAL"));
}

/* The counts judged: the run's reported sessions and class counts, and the rows given. */
static void
test_counts_of_a_run(void **state)
{
    (void)state;
    struct run r;
    memset(&r, 0, sizeof(r));
    r.main.count[EXTLS_TLS1_3] = 7;
    r.main.totals.sessions = 7;
    struct threshold_counts c;
    verdict_counts(&r, 42, &c);
    assert_int_equal(c.count[EXTLS_TLS1_3], 7);
    assert_int_equal(c.sessions, 7);
    assert_int_equal(c.rows, 42);
}

/*
 * Nothing seen: no path argument gave a protocol log and no row was read, or
 * every row read was malformed. One argument with a protocol log (even one
 * without rows: a new file, or nothing new since the last --state run) or
 * one good row is something seen.
 */
static void
test_saw_nothing(void **state)
{
    (void)state;
    struct cli_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    struct arg_found found[2];
    memset(found, 0, sizeof(found));
    cfg.n_paths = 2;
    struct run r;
    memset(&r, 0, sizeof(r));
    r.cfg = &cfg;
    r.found = found;
    assert_int_equal(verdict_saw_nothing(&r, 0), 1); /* empty folders, missing paths */
    found[1].kind[EXTLS_KIND_OTHER_FILE] = 3;
    found[0].errors = 1;
    assert_int_equal(verdict_saw_nothing(&r, 0), 1); /* other logs, inputs not read */
    found[1].protocol = 1;
    assert_int_equal(verdict_saw_nothing(&r, 0), 0); /* a protocol log without rows */
    r.main.totals.malformed = 27;
    assert_int_equal(verdict_saw_nothing(&r, 0), 1); /* only malformed rows */
    assert_int_equal(verdict_saw_nothing(&r, 1), 0); /* one good row among them */
    found[1].protocol = 0;
    r.main.totals.malformed = 0;
    assert_int_equal(verdict_saw_nothing(&r, 5), 0); /* rows of an input that failed part-way */
}

static void
test_report_time_fixed(void **state)
{
    (void)state;
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    assert_true(run_report_time() == 1700000000000LL);
    setenv("SOURCE_DATE_EPOCH", "not a number", 1);
    assert_true(run_report_time() > 1700000000000LL); /* the clock, after 2023 */
    unsetenv("SOURCE_DATE_EPOCH");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_is_unknown),  cmocka_unit_test(test_thresholds_judge_counts),
        cmocka_unit_test(test_counts_of_a_run),   cmocka_unit_test(test_saw_nothing),
        cmocka_unit_test(test_report_time_fixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
