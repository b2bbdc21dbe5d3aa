/* SPDX-License-Identifier: MIT */
/*
 * test_cli.c: argv -> struct cli_config, every option in long and short
 * form, the 'sessions' subcommand, usage errors and their messages, and the
 * generated --help text. cli_parse() runs many times in this one process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cli.h"
#include "xlsx.h"

/* 2023-01-11T00:00:00.000Z and 2023-01-11T16:00:00.000Z */
#define DAY0 1673395200000LL
#define T0 1673452800000LL

#define ARGC(v) ((int)(sizeof(v) / sizeof(v[0])))

static char err[256];

/* cli_parse() on a NULL-less argv array; err is cleared first. */
static enum cli_status
parse(struct cli_config *cfg, int argc, char **argv)
{
    memset(err, 0, sizeof(err));
    return cli_parse(cfg, argc, argv, err, sizeof(err));
}

/* Parse argv, which must be a usage error with exactly this message. */
static void
check_usage(int argc, char **argv, const char *want)
{
    struct cli_config cfg;
    assert_int_equal(parse(&cfg, argc, argv), CLI_EUSAGE);
    assert_string_equal(err, want);
}

static void
defaults_with_one_path(void **state)
{
    (void)state;
    char *argv[] = {"extls", "a.log"};
    struct cli_config cfg;
    memset(&cfg, 0x5A, sizeof(cfg)); /* fully overwritten */
    assert_int_equal(parse(&cfg, ARGC(argv), argv), CLI_OK);
    assert_int_equal(cfg.command, CLI_REPORT);
    assert_int_equal(cfg.format, REPORT_TABLE);
    assert_int_equal(cfg.n_by, 3);
    assert_int_equal(cfg.by[0], AGG_DIRECTION);
    assert_int_equal(cfg.by[1], AGG_CONNECTOR);
    assert_int_equal(cfg.by[2], AGG_REMOTE);
    assert_true(cfg.since == INT64_MIN);
    assert_true(cfg.until == INT64_MAX);
    assert_int_equal(cfg.direction, EXTLS_DIR_UNKNOWN);
    assert_null(cfg.connector);
    assert_null(cfg.remote);
    assert_int_equal(cfg.fail_on.n, 0);
    assert_int_equal(cfg.warn_on.n, 0);
    assert_int_equal(cfg.nagios, 0);
    assert_int_equal(cfg.tz, CALENDAR_UTC);
    assert_null(cfg.since_text);
    assert_null(cfg.until_text);
    assert_int_equal(cfg.quiet, 0);
    assert_int_equal(cfg.verbose, 0);
    assert_int_equal(cfg.help, 0);
    assert_int_equal(cfg.version, 0);
    assert_int_equal(cfg.n_paths, 1);
    assert_ptr_equal(cfg.paths[0], argv[1]);
}

static void
format_long_and_short(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--format", "json", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.format, REPORT_JSON);
    char *a2[] = {"extls", "--format=jsonl", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.format, REPORT_JSONL);
    char *a3[] = {"extls", "-f", "csv", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.format, REPORT_CSV);
    char *a4[] = {"extls", "-ftsv", "x"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
    assert_int_equal(cfg.format, REPORT_TSV);
    char *a5[] = {"extls", "-f", "table", "x"};
    assert_int_equal(parse(&cfg, ARGC(a5), a5), CLI_OK);
    assert_int_equal(cfg.format, REPORT_TABLE);
    char *a6[] = {"extls", "-f", "xml", "x"};
    check_usage(ARGC(a6), a6,
                "unknown format 'xml': use table, json, jsonl, csv, tsv, html, excel-csv, xlsx");
    char *a7[] = {"extls", "--format", "html", "x"};
    assert_int_equal(parse(&cfg, ARGC(a7), a7), CLI_OK);
    assert_int_equal(cfg.format, REPORT_HTML);
}

static void
by_lists(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--by", "remote,day", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.n_by, 2);
    assert_int_equal(cfg.by[0], AGG_REMOTE);
    assert_int_equal(cfg.by[1], AGG_DAY);
    char *a2[] = {"extls", "-b", "cipher,ehlo,day,remote,connector,direction", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.n_by, 6);
    assert_int_equal(cfg.by[0], AGG_CIPHER);
    assert_int_equal(cfg.by[1], AGG_EHLO);
    assert_int_equal(cfg.by[2], AGG_DAY);
    assert_int_equal(cfg.by[3], AGG_REMOTE);
    assert_int_equal(cfg.by[4], AGG_CONNECTOR);
    assert_int_equal(cfg.by[5], AGG_DIRECTION);
    /* The last --by wins. */
    char *a4[] = {"extls", "--by", "hour,day", "x"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
    assert_int_equal(cfg.n_by, 2);
    assert_int_equal(cfg.by[0], AGG_HOUR);
    assert_int_equal(cfg.by[1], AGG_DAY);
    char *a3[] = {"extls", "-b", "day,remote", "--by=connector", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.n_by, 1);
    assert_int_equal(cfg.by[0], AGG_CONNECTOR);
}

static void
by_rejects_duplicates_unknown_and_empty_keys(void **state)
{
    (void)state;
    static const char *const bad[] = {"remote,remote",
                                      "direction,connector,direction",
                                      "host",
                                      "Remote",
                                      "",
                                      "remote,",
                                      ",remote",
                                      "remote,,day"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *argv[] = {"extls", "--by", (char *)bad[i], "x"};
        char want[200];
        snprintf(want, sizeof(want),
                 "bad --by '%s': use distinct keys from direction, connector, remote, day, "
                 "hour, ehlo, cipher, server",
                 bad[i]);
        check_usage(ARGC(argv), argv, want);
    }
}

/* Item i of a threshold list is name op value (percent?). */
static void
assert_item(const struct threshold_list *l, size_t i, int name, enum threshold_op op, int percent,
            uint64_t value)
{
    assert_true(i < l->n);
    assert_int_equal(l->item[i].name, name);
    assert_int_equal(l->item[i].op, op);
    assert_int_equal(l->item[i].percent, percent);
    assert_int_equal(l->item[i].value, value);
}

static void
fail_on_lists_and_legacy(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--fail-on", "legacy", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.fail_on.n, 1);
    assert_item(&cfg.fail_on, 0, THRESHOLD_LEGACY, THRESHOLD_GT, 0, 0);
    char *a2[] = {"extls", "--fail-on=none,tls_failed", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.fail_on.n, 2);
    assert_item(&cfg.fail_on, 0, EXTLS_NONE, THRESHOLD_GT, 0, 0);
    assert_item(&cfg.fail_on, 1, EXTLS_TLS_FAILED, THRESHOLD_GT, 0, 0);
    char *a3[] = {"extls", "--fail-on", "legacy,tls_unknown,tls1_0", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.fail_on.n, 3);
    assert_item(&cfg.fail_on, 2, EXTLS_TLS1_0, THRESHOLD_GT, 0, 0);
    /* The last --fail-on wins. */
    char *a4[] = {"extls", "--fail-on", "tls1_2", "--fail-on", "tls1_3", "x"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
    assert_int_equal(cfg.fail_on.n, 1);
    assert_item(&cfg.fail_on, 0, EXTLS_TLS1_3, THRESHOLD_GT, 0, 0);
    /* Thresholds (threshold.c has the details). */
    char *a5[] = {"extls", "--fail-on", "none>5%,tls1_0>=2", "x"};
    assert_int_equal(parse(&cfg, ARGC(a5), a5), CLI_OK);
    assert_int_equal(cfg.fail_on.n, 2);
    assert_item(&cfg.fail_on, 0, EXTLS_NONE, THRESHOLD_GT, 1, 5000);
    assert_item(&cfg.fail_on, 1, EXTLS_TLS1_0, THRESHOLD_GE, 0, 2);
    assert_int_equal(cfg.warn_on.n, 0);
}

static void
fail_on_and_warn_on_threshold_errors(void **state)
{
    (void)state;
    char *a1[] = {"extls", "--fail-on", "none>5x", "x"};
    check_usage(ARGC(a1), a1,
                "bad --fail-on 'none>5x': expected a count or a percentage after the comparison");
    char *a2[] = {"extls", "--nagios", "--warn-on", "tls1_0>0,none=5", "x"};
    check_usage(ARGC(a2), a2, "bad --warn-on 'tls1_0>0,none=5': compare with >, >=, < or <=");
    char *a3[] = {"extls", "--nagios", "--warn-on", "foo>1", "x"};
    check_usage(ARGC(a3), a3,
                "bad --warn-on 'foo>1': use classes ssl2, ssl3, tls1_0, tls1_1, tls1_2, tls1_3, "
                "tls_unknown, tls_failed, none, legacy, or sessions or rows");
}

static void
nagios_and_warn_on(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--nagios", "--warn-on", "legacy", "--fail-on", "none>50%", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.nagios, 1);
    assert_int_equal(cfg.warn_on.n, 1);
    assert_item(&cfg.warn_on, 0, THRESHOLD_LEGACY, THRESHOLD_GT, 0, 0);
    assert_item(&cfg.fail_on, 0, EXTLS_NONE, THRESHOLD_GT, 1, 50000);
    char *a2[] = {"extls", "--warn-on", "legacy", "x"};
    check_usage(ARGC(a2), a2, "--warn-on needs --nagios");
    char *a3[] = {"extls", "sessions", "--nagios", "x"};
    check_usage(ARGC(a3), a3, "'sessions' cannot be used with --nagios");
    char *a4[] = {"extls", "--nagios=1", "x"};
    check_usage(ARGC(a4), a4, "option '--nagios' takes no value");
}

/* A usage error still tells whether --nagios was given, wherever it stood. */
static void
nagios_known_after_usage_errors(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--bogus", "--nagios", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_EUSAGE);
    assert_int_equal(cfg.nagios, 1);
    char *a2[] = {"extls", "--nagios", "--format", "xml", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_EUSAGE);
    assert_int_equal(cfg.nagios, 1);
    char *a3[] = {"extls", "--nagios"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_EUSAGE);
    assert_int_equal(cfg.nagios, 1);
    char *a4[] = {"extls", "--bogus", "x"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_EUSAGE);
    assert_int_equal(cfg.nagios, 0);
    /* After "--" it is a path. */
    char *a5[] = {"extls", "--bogus", "--", "--nagios"};
    assert_int_equal(parse(&cfg, ARGC(a5), a5), CLI_EUSAGE);
    assert_int_equal(cfg.nagios, 0);
}

static void
fail_on_rejects_unknown_classes(void **state)
{
    (void)state;
    static const char *const bad[] = {"tls1", "LEGACY", "legacy,", "", "ssl2,,ssl3", "tls1_0x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *argv[] = {"extls", "--fail-on", (char *)bad[i], "x"};
        char want[256];
        snprintf(want, sizeof(want),
                 "bad --fail-on '%s': use classes ssl2, ssl3, tls1_0, tls1_1, tls1_2, tls1_3, "
                 "tls_unknown, tls_failed, none, legacy, or sessions or rows",
                 bad[i]);
        check_usage(ARGC(argv), argv, want);
    }
}

static void
since_until_dates_and_times(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--since", "2023-01-11", "--until", "2023-01-11T16:00", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_true(cfg.since == DAY0);
    assert_true(cfg.until == T0);
    char *a2[] = {"extls", "--since=2023-01-11T16:00:00.5Z", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_true(cfg.since == T0 + 500);
    assert_true(cfg.until == INT64_MAX);
    char *a3[] = {"extls", "--until", "2023-01-11 16:00:01", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_true(cfg.since == INT64_MIN);
    assert_true(cfg.until == T0 + 1000);
    /* One millisecond apart is enough. */
    char *a4[] = {
        "extls", "--since", "2023-01-11T16:00:00.000", "--until", "2023-01-11T16:00:00.001", "x"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
}

/* 2023-01-12T06:00:00Z as the clock, through EXTLS_NOW. */
#define NOW 1673503200000LL
#define DAY 86400000LL

static void
relative_times_use_extls_now(void **state)
{
    (void)state;
    struct cli_config cfg;
    assert_int_equal(setenv("EXTLS_NOW", "2023-01-12T06:00:00Z", 1), 0);
    char *a1[] = {"extls", "--since", "yesterday", "--until", "today", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_true(cfg.since == DAY0);
    assert_true(cfg.until == DAY0 + DAY);
    assert_string_equal(cfg.since_text, "yesterday");
    char *a2[] = {"extls", "--since", "-7d", "--until=-30m", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_true(cfg.since == NOW - 7 * DAY);
    assert_true(cfg.until == NOW - 30 * 60000LL);
    char *a3[] = {"extls", "--since=-12h", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_true(cfg.since == NOW - 12 * 3600000LL);
    /* Order of --tz and --since does not matter; New York is 5 h behind in January
     * (a POSIX TZ rule: no time zone database needed). */
    assert_int_equal(setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1), 0);
    tzset();
    char *a4[] = {"extls", "--since", "yesterday", "--tz", "local", "x"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
    assert_int_equal(cfg.tz, CALENDAR_LOCAL);
    /* 06:00Z is 01:00 on the 12th in New York: yesterday began 2023-01-11T05:00Z. */
    assert_true(cfg.since == DAY0 + 5 * 3600000LL);
    char *a5[] = {"extls", "--tz", "local", "--until", "2023-01-11", "x"};
    assert_int_equal(parse(&cfg, ARGC(a5), a5), CLI_OK);
    assert_true(cfg.until == DAY0 + 5 * 3600000LL);
    /* A date with a time stays UTC. */
    char *a6[] = {"extls", "--tz", "local", "--until", "2023-01-11T00:00", "x"};
    assert_int_equal(parse(&cfg, ARGC(a6), a6), CLI_OK);
    assert_true(cfg.until == DAY0);
    assert_int_equal(setenv("TZ", "UTC", 1), 0);
    tzset();
    /* A bad EXTLS_NOW is named, but only read for relative words. */
    assert_int_equal(setenv("EXTLS_NOW", "noon", 1), 0);
    char *a7[] = {"extls", "--since", "today", "x"};
    check_usage(ARGC(a7), a7, "bad EXTLS_NOW 'noon': use yyyy-mm-ddThh:mm[:ss[.fff]][Z]");
    char *a8[] = {"extls", "--since", "2023-01-11", "x"};
    assert_int_equal(parse(&cfg, ARGC(a8), a8), CLI_OK);
    assert_true(cfg.since == DAY0);
    assert_int_equal(unsetenv("EXTLS_NOW"), 0);
    /* Without EXTLS_NOW, the clock: today is at most a day behind it, and not ahead. */
    char *a9[] = {"extls", "--since", "today", "x"};
    assert_int_equal(parse(&cfg, ARGC(a9), a9), CLI_OK);
    struct timespec ts;
    assert_int_equal(clock_gettime(CLOCK_REALTIME, &ts), 0);
    int64_t clock_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    assert_true(cfg.since <= clock_ms && cfg.since > clock_ms - DAY);
    assert_int_equal(cfg.since % DAY, 0);
}

static void
tz_values(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--tz", "utc", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.tz, CALENDAR_UTC);
    char *a2[] = {"extls", "--tz=local", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.tz, CALENDAR_LOCAL);
    /* tz database names are tried as zone files (tz-iana.sh); these are none. */
    char *a3[] = {"extls", "--tz", "Mars/Olympus_Mons", "x"};
    check_usage(ARGC(a3), a3,
                "bad --tz 'Mars/Olympus_Mons': use utc, local, or a zone of the tz database such "
                "as Europe/Berlin");
    char *a4[] = {"extls", "--tz", "../../etc/passwd", "x"};
    check_usage(ARGC(a4), a4,
                "bad --tz '../../etc/passwd': use utc, local, or a zone of the tz database such "
                "as Europe/Berlin");
}

static void
hold_durations(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a0[] = {"extls", "--state", "s", "x"};
    assert_int_equal(parse(&cfg, ARGC(a0), a0), CLI_OK);
    assert_int_equal(cfg.hold_ms, 24 * 3600000LL);
    char *a1[] = {"extls", "--state", "s", "--hold", "90m", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.hold_ms, 90 * 60000LL);
    char *a2[] = {"extls", "--state", "s", "--hold=2d", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.hold_ms, 2 * 86400000LL);
    char *a3[] = {"extls", "--state", "s", "--hold", "12h", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.hold_ms, 12 * 3600000LL);
    static const char *const bad[] = {"0h", "-1h", "1", "h", "1.5h", "1hh", "1s", "", "36501d"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[100];
        snprintf(want, sizeof(want),
                 "bad --hold '%s': use minutes, hours or days, e.g. 90m, 24h, 7d", bad[i]);
        char *a[] = {"extls", "--state", "s", "--hold", (char *)bad[i], "x"};
        check_usage(ARGC(a), a, want);
    }
    char *a4[] = {"extls", "--hold", "1h", "x"};
    check_usage(ARGC(a4), a4, "--hold goes with --state");
}

/* --state with a window that moves with the clock is refused; a fixed one is not. */
static void
state_refuses_relative_window(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--state", "s", "--since", "yesterday", "x"};
    check_usage(ARGC(a1), a1,
                "--state counts each session once, when it is read: a --since or --until "
                "relative to now (yesterday) would skip sessions between runs; give a fixed "
                "time or drop it");
    char *a2[] = {"extls", "--state", "s", "--since", "2024-03-01", "--until", "-1d", "x"};
    check_usage(ARGC(a2), a2,
                "--state counts each session once, when it is read: a --since or --until "
                "relative to now (-1d) would skip sessions between runs; give a fixed time or "
                "drop it");
    char *a3[] = {"extls", "--state", "s", "--since", "2024-03-01", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    char *a4[] = {"extls", "--since", "yesterday", "x"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
}

static void
since_must_be_before_until(void **state)
{
    (void)state;
    char *a1[] = {"extls", "--since", "2023-01-11", "--until", "2023-01-11T00:00", "x"};
    check_usage(ARGC(a1), a1, "--since must be before --until");
    char *a2[] = {"extls", "--until", "2023-01-10", "--since", "2023-01-11", "x"};
    check_usage(ARGC(a2), a2, "--since must be before --until");
    assert_int_equal(setenv("EXTLS_NOW", "2023-01-12T06:00:00Z", 1), 0);
    char *a3[] = {"extls", "--since", "today", "--until", "yesterday", "x"};
    check_usage(ARGC(a3), a3, "--since must be before --until");
    char *a4[] = {"extls", "--since", "-1h", "--until", "-1h", "x"};
    check_usage(ARGC(a4), a4, "--since must be before --until");
    assert_int_equal(unsetenv("EXTLS_NOW"), 0);
}

static void
bad_times_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {"2023-02-30", "2023-13-01",  "2023-01-11T24:00",
                                      "tomorrow",   "Today",       "2023-1-11",
                                      "",           "-7",          "7d",
                                      "+7d",        "-Nd",         "-7w",
                                      "-7dd",       "-1234567890d"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *argv[] = {"extls", "--since", (char *)bad[i], "x"};
        char want[200];
        snprintf(want, sizeof(want),
                 "bad time '%s': use yyyy-mm-dd, yyyy-mm-ddThh:mm[:ss[.fff]][Z], today, "
                 "yesterday, or -N with d, h or m",
                 bad[i]);
        check_usage(ARGC(argv), argv, want);
        argv[1] = "--until";
        check_usage(ARGC(argv), argv, want);
    }
}

/* A missing value: the next option was taken for it, and the message says so. */
static void
option_taken_as_value_hinted(void **state)
{
    (void)state;
    char *a1[] = {"extls", "-f", "-q", "csv", "x"};
    check_usage(ARGC(a1), a1,
                "unknown format '-q': use table, json, jsonl, csv, tsv, html, excel-csv, xlsx "
                "('-q' is taken as the value of '-f': give the value right after the option)");
    char *a3[] = {"extls", "-f", "xlsx", "--by", "day", "x"};
    if (!xlsx_available()) /* a build without libxlsxwriter refuses xlsx itself */
        check_usage(ARGC(a3), a3,
                    "this extls was built without libxlsxwriter: --format xlsx is not available "
                    "(use excel-csv)");
    else
        check_usage(ARGC(a3), a3,
                    "--by does not apply to xlsx (its sheets are connectors, remote hosts, days): "
                    "use csv, tsv or json for other groupings");
    char *a2[] = {"extls", "--since", "--quiet", "x"};
    check_usage(ARGC(a2), a2,
                "bad time '--quiet': use yyyy-mm-dd, yyyy-mm-ddThh:mm[:ss[.fff]][Z], today, "
                "yesterday, or -N with d, h or m ('--quiet' is taken as the value of '--since': "
                "give the value right after the option)");
}

/* Bare 'extls': the usage lines follow the message (main.c prints them). */
static void
no_input_shows_usage(void **state)
{
    (void)state;
    struct cli_config cfg;
    char msg[256];
    char *a1[] = {"extls"};
    assert_int_equal(cli_parse(&cfg, 1, a1, msg, sizeof(msg)), CLI_EUSAGE);
    assert_true(cfg.show_usage);
    char *a2[] = {"extls", "-f", "xml", "x"};
    assert_int_equal(cli_parse(&cfg, 4, a2, msg, sizeof(msg)), CLI_EUSAGE);
    assert_false(cfg.show_usage);
}

static void
direction_values(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--direction", "receive", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.direction, EXTLS_DIR_RECEIVE);
    char *a2[] = {"extls", "-d", "send", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.direction, EXTLS_DIR_SEND);
    char *a3[] = {"extls", "-d", "both", "x"};
    check_usage(ARGC(a3), a3, "bad direction 'both': use receive or send");
    char *a4[] = {"extls", "--direction=Receive", "x"};
    check_usage(ARGC(a4), a4, "bad direction 'Receive': use receive or send");
}

static void
connector_and_remote_borrow_argv(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--connector", "^Default", "--remote", "192.0.2.0/24", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_ptr_equal(cfg.connector, a1[2]);
    assert_ptr_equal(cfg.remote, a1[4]);
    /* Values are not checked here (filter.c compiles and parses them). */
    char *a2[] = {"extls", "-c", "(", "-r", "not-an-address", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_string_equal(cfg.connector, "(");
    assert_string_equal(cfg.remote, "not-an-address");
}

static void
flags_long_short_and_clustered(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--quiet", "--verbose", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.quiet, 1);
    assert_int_equal(cfg.verbose, 1);
    char *a2[] = {"extls", "-q", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.quiet, 1);
    assert_int_equal(cfg.verbose, 0);
    char *a3[] = {"extls", "-vqfcsv", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.quiet, 1);
    assert_int_equal(cfg.verbose, 1);
    assert_int_equal(cfg.format, REPORT_CSV);
}

/* Each option without a value sets its own field, and only that one. */
static void
each_flag_sets_its_field(void **state)
{
    (void)state;
    static const struct {
        const char *option;
        size_t field;
    } flags[] = {
        {"--wide", offsetof(struct cli_config, wide)},
        {"--full-parse", offsetof(struct cli_config, full_parse)},
        {"--quiet", offsetof(struct cli_config, quiet)},
        {"--verbose", offsetof(struct cli_config, verbose)},
        {"--nagios", offsetof(struct cli_config, nagios)},
        {"--help", offsetof(struct cli_config, help)},
        {"--version", offsetof(struct cli_config, version)},
    };
    const size_t n = sizeof(flags) / sizeof(flags[0]);
    for (size_t i = 0; i < n; i++) {
        struct cli_config cfg;
        char *argv[] = {"extls", (char *)flags[i].option, "x"};
        assert_int_equal(parse(&cfg, ARGC(argv), argv), CLI_OK);
        for (size_t k = 0; k < n; k++) {
            int v;
            memcpy(&v, (const char *)&cfg + flags[k].field, sizeof(v));
            if (v != (k == i))
                fail_msg("%s: %s is %d", flags[i].option, flags[k].option, v);
        }
    }
}

/* The run's clock: EXTLS_NOW when it is a time, else the system's, read by cli_parse(). */
static void
now_is_extls_now_or_the_clock(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "x"};
    assert_int_equal(setenv(CLI_NOW_ENV, "2023-01-12T06:00:00Z", 1), 0);
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_true(cfg.now_ms == NOW);
    /* Not a time, and no relative word needs it: the system clock. */
    assert_int_equal(setenv(CLI_NOW_ENV, "noon", 1), 0);
    struct timespec ts;
    assert_int_equal(clock_gettime(CLOCK_REALTIME, &ts), 0);
    int64_t before = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_true(cfg.now_ms >= before && cfg.now_ms < before + DAY);
    assert_int_equal(unsetenv(CLI_NOW_ENV), 0);
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_true(cfg.now_ms >= before && cfg.now_ms < before + DAY);
}

static void
help_and_version_need_no_paths(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "--help"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.help, 1);
    assert_int_equal(cfg.version, 0);
    char *a2[] = {"extls", "-h"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.help, 1);
    char *a3[] = {"extls", "--version"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.version, 1);
    assert_int_equal(cfg.help, 0);
    char *a4[] = {"extls", "-V"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
    assert_int_equal(cfg.version, 1);
    char *a5[] = {"extls", "sessions", "--help"};
    assert_int_equal(parse(&cfg, ARGC(a5), a5), CLI_OK);
    assert_int_equal(cfg.command, CLI_SESSIONS);
    assert_int_equal(cfg.help, 1);
    /* --help wins over checks made after option parsing. */
    char *a6[] = {"extls",      "sessions", "-f",         "table", "--since",
                  "2023-01-12", "--until",  "2023-01-11", "-h"};
    assert_int_equal(parse(&cfg, ARGC(a6), a6), CLI_OK);
    assert_int_equal(cfg.help, 1);
}

static void
no_paths_is_a_usage_error(void **state)
{
    (void)state;
    char *a1[] = {"extls"};
    check_usage(ARGC(a1), a1, "no input: name log files, folders, or - for standard input");
    char *a2[] = {"extls", "-q", "-f", "json"};
    check_usage(ARGC(a2), a2, "no input: name log files, folders, or - for standard input");
    char *a3[] = {"extls", "sessions"};
    check_usage(ARGC(a3), a3, "no input: name log files, folders, or - for standard input");
}

static void
sessions_subcommand_formats(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "sessions", "a.log", "b.log"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.command, CLI_SESSIONS);
    assert_int_equal(cfg.format, REPORT_JSONL);
    assert_int_equal(cfg.n_paths, 2);
    assert_string_equal(cfg.paths[0], "a.log");
    assert_string_equal(cfg.paths[1], "b.log");
    char *a2[] = {"extls", "sessions", "-f", "csv", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.format, REPORT_CSV);
    char *a3[] = {"extls", "sessions", "a.log", "--format", "tsv"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.format, REPORT_TSV);
    assert_int_equal(cfg.n_paths, 1);
    char *a4[] = {"extls", "sessions", "--format=jsonl", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
    assert_int_equal(cfg.format, REPORT_JSONL);
    char *a5[] = {"extls", "sessions", "-f", "json", "a.log"};
    check_usage(ARGC(a5), a5, "'sessions' writes jsonl, csv, tsv, excel-csv, xlsx");
    char *a6[] = {"extls", "sessions", "--format", "table", "a.log"};
    check_usage(ARGC(a6), a6, "'sessions' writes jsonl, csv, tsv, excel-csv, xlsx");
    char *a8[] = {"extls", "sessions", "--format", "html", "a.log"};
    check_usage(ARGC(a8), a8, "'sessions' writes jsonl, csv, tsv, excel-csv, xlsx");
    /* Only the first argument names the subcommand. */
    char *a7[] = {"extls", "a.log", "sessions"};
    assert_int_equal(parse(&cfg, ARGC(a7), a7), CLI_OK);
    assert_int_equal(cfg.command, CLI_REPORT);
    assert_int_equal(cfg.format, REPORT_TABLE);
    assert_int_equal(cfg.n_paths, 2);
    assert_string_equal(cfg.paths[1], "sessions");
}

static void
missing_option_value(void **state)
{
    (void)state;
    /* argv[argc] is NULL as in main(): a BSD-style getopt (mingw-w64) reads it here. */
    char *a1[] = {"extls", "a.log", "--format", NULL};
    check_usage(ARGC(a1) - 1, a1, "option '--format' needs a value");
    char *a2[] = {"extls", "a.log", "-f", NULL};
    check_usage(ARGC(a2) - 1, a2, "option '-f' needs a value");
    char *a3[] = {"extls", "sessions", "a.log", "--since", NULL};
    check_usage(ARGC(a3) - 1, a3, "option '--since' needs a value");
    char *a4[] = {"extls", "--fail-on", NULL};
    check_usage(ARGC(a4) - 1, a4, "option '--fail-on' needs a value");
}

static void
unknown_options(void **state)
{
    (void)state;
    char *a1[] = {"extls", "--frobnicate", "a.log"};
    check_usage(ARGC(a1), a1, "unknown option '--frobnicate' (try --help)");
    char *a2[] = {"extls", "-x", "a.log"};
    check_usage(ARGC(a2), a2, "unknown option '-x' (try --help)");
    char *a3[] = {"extls", "a.log", "-qz"};
    check_usage(ARGC(a3), a3, "unknown option '-z' (try --help)");
    /* An ambiguous abbreviation (--verbose, --version). */
    char *a4[] = {"extls", "--ver", "a.log"};
    check_usage(ARGC(a4), a4, "unknown option '--ver' (try --help)");
}

/* Regression, 2026-11-27: "--quiet=1" was reported as "unknown option '-q'" (glibc sets optopt
 * to the flag's id for a long flag given a value). */
static void
value_for_a_flag(void **state)
{
    (void)state;
    char *a1[] = {"extls", "--quiet=1", "a.log"};
    check_usage(ARGC(a1), a1, "option '--quiet' takes no value");
    char *a2[] = {"extls", "a.log", "--help=yes"};
    check_usage(ARGC(a2), a2, "option '--help' takes no value");
    char *a3[] = {"extls", "--verbose=", "a.log"};
    check_usage(ARGC(a3), a3, "option '--verbose' takes no value");
}

static void
options_after_paths_are_permuted(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *argv[] = {"extls", "a.log", "-f", "csv", "dir", "--quiet", "b.log"};
    assert_int_equal(parse(&cfg, ARGC(argv), argv), CLI_OK);
    assert_int_equal(cfg.format, REPORT_CSV);
    assert_int_equal(cfg.quiet, 1);
    assert_int_equal(cfg.n_paths, 3);
    assert_string_equal(cfg.paths[0], "a.log");
    assert_string_equal(cfg.paths[1], "dir");
    assert_string_equal(cfg.paths[2], "b.log");
}

static void
dash_is_a_path_and_double_dash_ends_options(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "-", "-q"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.quiet, 1);
    assert_int_equal(cfg.n_paths, 1);
    assert_string_equal(cfg.paths[0], "-");
    char *a2[] = {"extls", "-v", "--", "-q", "--format"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.verbose, 1);
    assert_int_equal(cfg.quiet, 0);
    assert_int_equal(cfg.n_paths, 2);
    assert_string_equal(cfg.paths[0], "-q");
    assert_string_equal(cfg.paths[1], "--format");
}

static void
repeated_parses_start_afresh(void **state)
{
    (void)state;
    struct cli_config cfg;
    /* An error in the middle of a cluster leaves getopt mid-argument. */
    char *a1[] = {"extls", "-xq", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_EUSAGE);
    char *a2[] = {"extls", "-q", "-f", "json", "--fail-on", "none", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.quiet, 1);
    char *a3[] = {"extls", "b.log"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.quiet, 0);
    assert_int_equal(cfg.format, REPORT_TABLE);
    assert_int_equal(cfg.fail_on.n, 0);
    assert_int_equal(cfg.n_paths, 1);
    assert_string_equal(cfg.paths[0], "b.log");
    for (int i = 0; i < 3; i++) {
        char *a4[] = {"extls", "sessions", "-d", "send", "c.log"};
        assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
        assert_int_equal(cfg.command, CLI_SESSIONS);
        assert_int_equal(cfg.direction, EXTLS_DIR_SEND);
        assert_string_equal(cfg.paths[0], "c.log");
    }
}

static void
help_lists_every_option(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    cli_help(out);
    assert_int_equal(fclose(out), 0);
    assert_true(strncmp(buf, "usage: extls [OPTIONS] PATH...\n", 31) == 0);
    /*
     * Each option as "short, long ARG" padded to 24 columns, then its help,
     * wrapped at word boundaries to fit 80 columns.
     */
    static const char *const lines[] = {
        "\n  -f, --format FMT         output format: table (default), json, jsonl, csv,\n"
        "                           tsv, html, excel-csv, xlsx; for 'sessions': jsonl\n"
        "                           (default), csv, tsv, excel-csv, xlsx\n",
        "\n  -b, --by KEYS            group by these comma-separated keys",
        "\n      --since TIME         only sessions starting at or after TIME (ISO 8601,\n"
        "                           UTC; or today, yesterday, -7d, -12h, -30m)\n",
        "\n      --until TIME         only sessions starting before TIME (same forms)\n",
        "\n      --tz ZONE            days of today, yesterday, bare dates and the day/hour\n"
        "                           keys: utc (default), local (the machine's zone, TZ\n"
        "                           honoured) or a tz database name (Europe/Berlin)\n",
        "\n      --wide               table: print every column in full",
        "\n      --class LIST         only sessions of these classes",
        "\n      --warn-on LIST       with --nagios: WARNING past these (same forms)\n",
        "\n      --nagios             print one Nagios plugin status line",
        "\n  -d, --direction DIR      only receive or only send sessions\n",
        "\n  -c, --connector REGEX    only connectors whose id matches REGEX (PCRE2)\n",
        "\n  -r, --remote ADDR        only remote hosts with this address or in this CIDR\n"
        "                           block\n",
        "\n      --fail-on LIST       exit 1 if any counted session is in one of these",
        "\n  -q, --quiet              no warnings",
        "\n  -v, --verbose            name every malformed row",
        "\n  -h, --help               show this help and exit\n",
        "\n  -V, --version            show the version and exit\n",
    };
    for (const char *l = buf; *l;) {
        size_t n = strcspn(l, "\n");
        if (n > 80)
            fail_msg("help line of %zu columns: %.*s", n, (int)n, l);
        l += n + (l[n] != '\0');
    }
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (!strstr(buf, lines[i]))
            fail_msg("help lacks [%s]", lines[i]);
    }
    /* Every option the help names is one the parser accepts. */
    static const char *const names[] = {"--format=csv",
                                        "--by=day",
                                        "--since=2023-01-01",
                                        "--until=2024-01-01",
                                        "--direction=send",
                                        "--connector=x",
                                        "--remote=::1",
                                        "--fail-on=none",
                                        "--quiet",
                                        "--verbose",
                                        "--help",
                                        "--version",
                                        "--tz=local",
                                        "--nagios",
                                        "--by=hour",
                                        "--wide",
                                        "--class=legacy"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct cli_config cfg;
        char *argv[] = {"extls", (char *)names[i], "x"};
        if (parse(&cfg, ARGC(argv), argv) != CLI_OK)
            fail_msg("%s: %s", names[i], err);
    }
    free(buf);
}

static void
merge_subcommand(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "merge", "a.json", "-"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.command, CLI_MERGE);
    assert_int_equal(cfg.format, REPORT_JSON);
    assert_int_equal(cfg.n_by, 0);
    assert_int_equal(cfg.n_paths, 2);
    assert_string_equal(cfg.paths[0], "a.json");
    assert_string_equal(cfg.paths[1], "-");
    char *a2[] = {"extls",     "merge",  "-f",    "table", "--by", "server,direction",
                  "--fail-on", "legacy", "a.json"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.format, REPORT_TABLE);
    assert_int_equal(cfg.n_by, 2);
    assert_int_equal(cfg.by[0], AGG_SERVER);
    assert_int_equal(cfg.by[1], AGG_DIRECTION);
    assert_int_equal(cfg.fail_on.n, 1);
    assert_int_equal(cfg.fail_on.item[0].name, THRESHOLD_LEGACY);
    /* Options about reading logs do not apply. */
    char *a3[] = {"extls", "merge", "--since", "2024-01-01", "a.json"};
    check_usage(ARGC(a3), a3, "option '--since' does not apply to 'merge'");
    char *a4[] = {"extls", "merge", "-j2", "a.json"};
    check_usage(ARGC(a4), a4, "option '--jobs' does not apply to 'merge'");
    char *a5[] = {"extls", "merge", "a.json", "--server", "EX01"};
    check_usage(ARGC(a5), a5, "option '--server' does not apply to 'merge'");
    char *a6[] = {"extls", "merge", "-v", "a.json"};
    check_usage(ARGC(a6), a6, "option '--verbose' does not apply to 'merge'");
    /* The options about judging and quiet do. */
    char *a6b[] = {"extls", "merge", "-q",        "--nagios",   "--warn-on", "legacy<1",
                   "-f",    "html",  "--fail-on", "sessions<1", "a.json"};
    assert_int_equal(parse(&cfg, ARGC(a6b), a6b), CLI_OK);
    assert_int_equal(cfg.command, CLI_MERGE);
    assert_true(cfg.quiet);
    assert_true(cfg.nagios);
    assert_int_equal(cfg.format, REPORT_HTML);
    assert_int_equal(cfg.warn_on.n, 1);
    assert_int_equal(cfg.warn_on.item[0].op, THRESHOLD_LT);
    assert_int_equal(cfg.fail_on.item[0].name, THRESHOLD_SESSIONS);
    char *a6c[] = {"extls", "merge", "--warn-on", "legacy", "a.json"};
    check_usage(ARGC(a6c), a6c, "--warn-on needs --nagios");
    char *a7[] = {"extls", "merge"};
    check_usage(ARGC(a7), a7,
                "no input: name JSON reports (extls --format json), or - for standard input");
    char *a8[] = {"extls", "merge", "--help"};
    assert_int_equal(parse(&cfg, ARGC(a8), a8), CLI_OK);
    assert_true(cfg.help);
    /* Not a subcommand after the first argument. */
    char *a9[] = {"extls", "a.log", "merge"};
    assert_int_equal(parse(&cfg, ARGC(a9), a9), CLI_OK);
    assert_int_equal(cfg.command, CLI_REPORT);
    assert_int_equal(cfg.n_by, 3);
}

static void
server_option(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_null(cfg.server);
    char *a2[] = {"extls", "--server", "MBX01", "--by", "server", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_string_equal(cfg.server, "MBX01");
    assert_ptr_equal(cfg.server, a2[2]);
    assert_int_equal(cfg.n_by, 1);
    assert_int_equal(cfg.by[0], AGG_SERVER);
    char *a3[] = {"extls", "--server=", "a.log"};
    check_usage(ARGC(a3), a3, "bad --server: give a name of 1 to 255 bytes");
    char name[300];
    memset(name, 'x', 256);
    name[256] = '\0';
    char *a4[] = {"extls", "--server", name, "a.log"};
    check_usage(ARGC(a4), a4, "bad --server: give a name of 1 to 255 bytes");
    name[255] = '\0';
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
    assert_int_equal(strlen(cfg.server), 255);
}

/* --wait needs --state and takes seconds, or N with s, m, h, up to a day; --output a name. */
static void
wait_and_output(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.wait_ms, 0);
    assert_null(cfg.output);
    static const struct {
        const char *arg;
        long long ms;
    } ok[] = {{"0", 0},        {"30", 30000},     {"30s", 30000},     {"5m", 300000},
              {"1h", 3600000}, {"24h", 86400000}, {"86400", 86400000}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char *a[] = {"extls", "--state", "S", "--wait", (char *)ok[i].arg, "a.log"};
        assert_int_equal(parse(&cfg, ARGC(a), a), CLI_OK);
        assert_int_equal(cfg.wait_ms, ok[i].ms);
    }
    static const char *const bad[] = {"", "x", "-1", "5x", "5mm", "25h", "1441m", "86401", "1.5"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[200];
        snprintf(want, sizeof(want),
                 "bad --wait '%s': use a number of seconds, or N with s, m or h (at most 24h)",
                 bad[i]);
        char *a[] = {"extls", "--state", "S", "--wait", (char *)bad[i], "a.log"};
        check_usage(ARGC(a), a, want);
    }
    char *a2[] = {"extls", "--wait", "5m", "a.log"};
    check_usage(ARGC(a2), a2, "--wait goes with --state");
    char *a3[] = {"extls", "-o", "r.html", "--format", "html", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_ptr_equal(cfg.output, a3[2]);
    char *a4[] = {"extls", "sessions", "--output=r.jsonl", "a.log"};
    assert_int_equal(parse(&cfg, ARGC(a4), a4), CLI_OK);
    assert_string_equal(cfg.output, "r.jsonl");
    char *a5[] = {"extls", "--output=", "a.log"};
    check_usage(ARGC(a5), a5, "--output needs a file name");
    char *a6[] = {"extls", "--nagios", "-o", "x", "a.log"};
    check_usage(ARGC(a6), a6, "--nagios prints its line on standard output: drop --output");
    char *a8[] = {"extls", "--state", "S", "-o", "S", "a.log"};
    check_usage(ARGC(a8), a8, "--output and --state must name different files");
    char *a7[] = {"extls", "merge", "-o", "x", "a.json"};
    check_usage(ARGC(a7), a7, "option '--output' does not apply to 'merge'");
}

/* --class: class names and legacy, as --fail-on names them; --wide; --by given or not. */
static void
class_wide_and_by_given(void **state)
{
    (void)state;
    struct cli_config cfg;
    char *a1[] = {"extls", "x"};
    assert_int_equal(parse(&cfg, ARGC(a1), a1), CLI_OK);
    assert_int_equal(cfg.classes, 0);
    assert_false(cfg.wide);
    assert_false(cfg.by_given);
    char *a2[] = {"extls", "--class", "legacy,none", "--wide", "--by", "day", "x"};
    assert_int_equal(parse(&cfg, ARGC(a2), a2), CLI_OK);
    assert_int_equal(cfg.classes, 1u << EXTLS_SSL2 | 1u << EXTLS_SSL3 | 1u << EXTLS_TLS1_0 |
                                      1u << EXTLS_TLS1_1 | 1u << EXTLS_NONE);
    assert_true(cfg.wide);
    assert_true(cfg.by_given);
    char *a3[] = {"extls", "--class=tls_failed", "x"};
    assert_int_equal(parse(&cfg, ARGC(a3), a3), CLI_OK);
    assert_int_equal(cfg.classes, 1u << EXTLS_TLS_FAILED);
    static const char *const bad[] = {"--class=tls1", "--class=", "--class=none,", "--class=,none"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *b[] = {"extls", (char *)bad[i], "x"};
        assert_int_equal(parse(&cfg, ARGC(b), b), CLI_EUSAGE);
        assert_non_null(strstr(err, "bad --class"));
    }
    char *m[] = {"extls", "merge", "--class", "legacy", "r.json"};
    assert_int_equal(parse(&cfg, ARGC(m), m), CLI_EUSAGE);
    assert_string_equal(err, "option '--class' does not apply to 'merge'");
    char *sb[] = {"extls", "sessions", "--by", "day", "x"};
    check_usage(ARGC(sb), sb,
                "'sessions' writes one record per session: --by does not apply (it groups the "
                "summary)");
    char *nb[] = {"extls", "--nagios", "--by", "day", "x"};
    check_usage(ARGC(nb), nb, "--nagios prints one status line: --by does not apply");
    char *w[] = {"extls", "merge", "--wide", "--format", "table", "r.json"};
    assert_int_equal(parse(&cfg, ARGC(w), w), CLI_OK);
    assert_true(cfg.wide);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_with_one_path),
        cmocka_unit_test(format_long_and_short),
        cmocka_unit_test(by_lists),
        cmocka_unit_test(by_rejects_duplicates_unknown_and_empty_keys),
        cmocka_unit_test(fail_on_lists_and_legacy),
        cmocka_unit_test(fail_on_rejects_unknown_classes),
        cmocka_unit_test(fail_on_and_warn_on_threshold_errors),
        cmocka_unit_test(nagios_and_warn_on),
        cmocka_unit_test(nagios_known_after_usage_errors),
        cmocka_unit_test(relative_times_use_extls_now),
        cmocka_unit_test(tz_values),
        cmocka_unit_test(hold_durations),
        cmocka_unit_test(option_taken_as_value_hinted),
        cmocka_unit_test(no_input_shows_usage),
        cmocka_unit_test(since_until_dates_and_times),
        cmocka_unit_test(state_refuses_relative_window),
        cmocka_unit_test(since_must_be_before_until),
        cmocka_unit_test(bad_times_rejected),
        cmocka_unit_test(direction_values),
        cmocka_unit_test(connector_and_remote_borrow_argv),
        cmocka_unit_test(flags_long_short_and_clustered),
        cmocka_unit_test(each_flag_sets_its_field),
        cmocka_unit_test(now_is_extls_now_or_the_clock),
        cmocka_unit_test(help_and_version_need_no_paths),
        cmocka_unit_test(no_paths_is_a_usage_error),
        cmocka_unit_test(sessions_subcommand_formats),
        cmocka_unit_test(missing_option_value),
        cmocka_unit_test(unknown_options),
        cmocka_unit_test(value_for_a_flag),
        cmocka_unit_test(options_after_paths_are_permuted),
        cmocka_unit_test(dash_is_a_path_and_double_dash_ends_options),
        cmocka_unit_test(repeated_parses_start_afresh),
        cmocka_unit_test(help_lists_every_option),
        cmocka_unit_test(merge_subcommand),
        cmocka_unit_test(server_option),
        cmocka_unit_test(wait_and_output),
        cmocka_unit_test(class_wide_and_by_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
