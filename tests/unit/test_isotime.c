/* SPDX-License-Identifier: MIT */
/*
 * test_isotime.c: UTC timestamp parsing (log form and command-line bounds) and
 * formatting. Expected values are worked out by hand or by an independent
 * day-by-day calendar walk, never taken from isotime itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "isotime.h"

#define MS_DAY 86400000LL

/* 2023-01-01 is 53 years after 1970 with 13 leap days (1972..2020): 19358. */
#define DAY_2023_01_11 (19358LL + 10)
/* 2023-01-11T16:00:04.113Z */
#define MS_Q16 (DAY_2023_01_11 * MS_DAY + 16LL * 3600000 + 4113)

/* Sentinel left in *ms to prove a rejected parse does not touch it. */
#define UNTOUCHED 0x5a5a5a5a5aLL

/* isotime_parse() on a C string; returns the result, *ms gets the value. */
static int
parse(const char *s, int64_t *ms)
{
    *ms = UNTOUCHED;
    return isotime_parse(s, strlen(s), ms);
}

static int
parse_bound(const char *s, int64_t *ms)
{
    *ms = UNTOUCHED;
    return isotime_parse_bound(s, strlen(s), ms);
}

/* Assert that isotime_parse() accepts s with the value want. */
static void
assert_parses(const char *s, int64_t want)
{
    int64_t ms;
    if (parse(s, &ms) != 0)
        fail_msg("rejected '%s'", s);
    if (ms != want)
        fail_msg("'%s': got %lld, want %lld", s, (long long)ms, (long long)want);
}

/* Assert that isotime_parse() rejects s and leaves *ms alone. */
static void
assert_rejects(const char *s)
{
    int64_t ms;
    if (parse(s, &ms) != -1)
        fail_msg("accepted '%s' as %lld", s, (long long)ms);
    assert_int_equal(ms, UNTOUCHED);
}

static void
log_form_exact_ms(void **state)
{
    (void)state;
    assert_int_equal(MS_Q16, 1673452804113LL);
    assert_parses("2023-01-11T16:00:04.113Z", 1673452804113LL);
    /* The same string with a length that cuts the 'Z': still valid. */
    int64_t ms = 0;
    assert_int_equal(isotime_parse("2023-01-11T16:00:04.113Z", 23, &ms), 0);
    assert_int_equal(ms, MS_Q16);
}

static void
epoch_is_zero_and_earlier_is_negative(void **state)
{
    (void)state;
    assert_parses("1970-01-01T00:00:00.000Z", 0);
    assert_parses("1970-01-01T00:00:00.001Z", 1);
    assert_parses("1969-12-31T23:59:59.999Z", -1);
    /* 70 years with 17 leap days (1904..1968) before the epoch. */
    assert_parses("1900-01-01T00:00:00.000Z", -(70LL * 365 + 17) * MS_DAY);
    assert_int_equal((70LL * 365 + 17) * 86400, 2208988800LL); /* the NTP era offset */
}

static void
fraction_optional_and_truncated_past_ms(void **state)
{
    (void)state;
    const int64_t base = MS_Q16 - 113;
    assert_parses("2023-01-11T16:00:04Z", base);
    assert_parses("2023-01-11T16:00:04", base);
    assert_parses("2023-01-11T16:00:04.1Z", base + 100);
    assert_parses("2023-01-11T16:00:04.12Z", base + 120);
    assert_parses("2023-01-11T16:00:04.1239999Z", base + 123);
    assert_parses("2023-01-11T16:00:04.999999999Z", base + 999);
    assert_parses("2023-01-11T16:00:04.000000001Z", base);
    assert_parses("2023-01-11T16:00:04.113", MS_Q16);
}

static void
space_may_stand_for_t(void **state)
{
    (void)state;
    assert_parses("2023-01-11 16:00:04.113Z", MS_Q16);
    assert_parses("2023-01-11 16:00:04", MS_Q16 - 113);
    assert_rejects("2023-01-11t16:00:04.113Z");
    assert_rejects("2023-01-11_16:00:04.113Z");
}

static void
leap_days(void **state)
{
    (void)state;
    /* 2024-01-01 = 19358 + 365; Feb 29 is 31 + 28 days later. */
    assert_parses("2024-02-29T00:00:00.000Z", (19358LL + 365 + 59) * MS_DAY);
    assert_parses("2024-02-29T00:00:00Z", 1709164800000LL);
    /* 2000-01-01 = 30 * 365 + 7 leap days (1972..1996); a 400-year leap year. */
    assert_parses("2000-02-29T12:00:00.000Z", (10957LL + 59) * MS_DAY + 12 * 3600000LL);
    assert_parses("2000-03-01T00:00:00.000Z", 951868800000LL);
    assert_rejects("2023-02-29T00:00:00.000Z");
    assert_rejects("1900-02-29T00:00:00.000Z"); /* century, not divisible by 400 */
    assert_rejects("2024-02-30T00:00:00.000Z");
    assert_parses("2023-02-28T23:59:59.999Z", (19358LL + 58) * MS_DAY + MS_DAY - 1);
}

static void
field_ranges_checked(void **state)
{
    (void)state;
    assert_rejects("2023-13-11T16:00:04.113Z");
    assert_rejects("2023-00-11T16:00:04.113Z");
    assert_rejects("2023-01-32T16:00:04.113Z");
    assert_rejects("2023-01-00T16:00:04.113Z");
    assert_rejects("2023-04-31T16:00:04.113Z");
    assert_rejects("2023-01-11T24:00:00.000Z");
    assert_rejects("2023-01-11T16:60:04.113Z");
    assert_rejects("2023-01-11T16:00:60.000Z");
    /* Largest values of each field are fine. */
    assert_parses("2023-12-31T23:59:59.999Z", (19358LL + 365) * MS_DAY - 1);
}

static void
malformed_text_rejected(void **state)
{
    (void)state;
    assert_rejects("");
    assert_rejects("2023-01-11T16:00:04.1234567890Z"); /* 10 fraction digits */
    assert_rejects("2023-01-11T16:00:04.Z");           /* dot without digits */
    assert_rejects("2023-01-11T16:00:04.113Zx");
    assert_rejects("2023-01-11T16:00:04.113Z ");
    assert_rejects("2023-01-11T16:00:04.113x");
    assert_rejects("2023-01-11T16:00:04.113ZZ");
    assert_rejects("2023-1-11T16:00:04.113Z");
    assert_rejects("2023-01-1T16:00:04.113Z");
    assert_rejects("2023-01-11T6:00:04.113Z");
    assert_rejects("23-01-11T16:00:04.113Z");
    assert_rejects("2023/01/11T16:00:04.113Z");
    assert_rejects("2023-01-11");       /* bare date: bounds only */
    assert_rejects("2023-01-11T16:00"); /* no seconds: bounds only */
    assert_rejects("2023-01-11T16:00Z");
    assert_rejects(" 2023-01-11T16:00:04.113Z");
    /* A length that stops inside the text is honoured, not the NUL. */
    int64_t ms = UNTOUCHED;
    assert_int_equal(isotime_parse("2023-01-11T16:00:04.113Z", 18, &ms), -1);
    assert_int_equal(ms, UNTOUCHED);
}

static void
bound_forms(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(parse_bound("2023-01-11", &ms), 0);
    assert_int_equal(ms, DAY_2023_01_11 * MS_DAY);
    assert_int_equal(parse_bound("2023-01-11T16:00", &ms), 0);
    assert_int_equal(ms, DAY_2023_01_11 * MS_DAY + 16 * 3600000LL);
    assert_int_equal(parse_bound("2023-01-11T16:07Z", &ms), 0);
    assert_int_equal(ms, DAY_2023_01_11 * MS_DAY + 16 * 3600000LL + 7 * 60000LL);
    assert_int_equal(parse_bound("2023-01-11 16:00", &ms), 0);
    assert_int_equal(ms, DAY_2023_01_11 * MS_DAY + 16 * 3600000LL);
    assert_int_equal(parse_bound("2023-01-11T16:00:05.5", &ms), 0);
    assert_int_equal(ms, DAY_2023_01_11 * MS_DAY + 16 * 3600000LL + 5500);
    assert_int_equal(parse_bound("2023-01-11T16:00:04.113Z", &ms), 0);
    assert_int_equal(ms, MS_Q16);
}

static void
bound_rejects_partial_forms(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "2023",
        "2023-01",
        "2023-01-",
        "2023-01-11T",
        "2023-01-11 ",
        "2023-01-11Z",
        "2023-01-11T16",
        "2023-01-11T16:",
        "2023-01-11T16:0",
        "2023-01-11T16:00:",
        "2023-01-11T16:00ZZ",
        "2023-01-11T24:00",
        "2023-01-11T16:60",
        "2023-02-29",
        "2023-01-32",
        "2023-01-11T16:00:05.",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms;
        if (parse_bound(bad[i], &ms) != -1)
            fail_msg("bound accepted '%s'", bad[i]);
        assert_int_equal(ms, UNTOUCHED);
    }
}

static void
format_fixed_values(void **state)
{
    (void)state;
    char buf[ISOTIME_BUF];
    assert_string_equal(isotime_format(MS_Q16, buf), "2023-01-11T16:00:04.113Z");
    assert_ptr_equal(isotime_format(0, buf), buf);
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
    assert_string_equal(isotime_format(-1, buf), "1969-12-31T23:59:59.999Z");
    assert_string_equal(isotime_format(-MS_DAY, buf), "1969-12-31T00:00:00.000Z");
    assert_string_equal(isotime_format(-2208988800000LL, buf), "1900-01-01T00:00:00.000Z");
    assert_string_equal(isotime_format(1709164800000LL + MS_DAY - 1, buf),
                        "2024-02-29T23:59:59.999Z");
    /* The edges of four-digit years (written digit by digit) and past them (by snprintf). */
    assert_string_equal(isotime_format(isotime_days_from_civil(0, 1, 1) * MS_DAY + 7, buf),
                        "0000-01-01T00:00:00.007Z");
    assert_string_equal(isotime_format(isotime_days_from_civil(10000, 1, 1) * MS_DAY - 1, buf),
                        "9999-12-31T23:59:59.999Z");
    assert_string_equal(isotime_format(isotime_days_from_civil(10000, 1, 1) * MS_DAY + 61010, buf),
                        "10000-01-01T00:01:01.010Z");
    assert_string_equal(isotime_format(isotime_days_from_civil(0, 1, 1) * MS_DAY - 1, buf),
                        "-001-12-31T23:59:59.999Z");
    assert_string_equal(isotime_format_day(MS_Q16, buf), "2023-01-11");
    assert_ptr_equal(isotime_format_day(0, buf), buf);
    assert_string_equal(buf, "1970-01-01");
    assert_string_equal(isotime_format_day(-1, buf), "1969-12-31");
    assert_string_equal(isotime_format_day(951782400000LL, buf), "2000-02-29");
}

/* Days in month m of year y, written independently of isotime.c. */
static int
month_days(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/*
 * Walk every day from 1999-01-01 to 2101-12-31 with a plain calendar
 * counter; at each, an odd time of day. Format must give the walked date,
 * parse must give the value back, and the day must match format_day.
 */
static void
format_parse_round_trip_sweep(void **state)
{
    (void)state;
    /* 1999-01-01: 29 years after 1970 with 7 leap days (1972..1996). */
    int64_t day = 29LL * 365 + 7;
    int n_days = 0;
    for (int y = 1999; y <= 2101; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= month_days(y, m); d++, day++, n_days++) {
                int64_t tod = (day * 7919 + 13) % MS_DAY; /* odd ms, varied clock */
                int64_t ms = day * MS_DAY + tod;
                char want[96], want_day[48], buf[ISOTIME_BUF];
                snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d,
                         (int)(tod / 3600000), (int)(tod / 60000 % 60), (int)(tod / 1000 % 60),
                         (int)(tod % 1000));
                snprintf(want_day, sizeof(want_day), "%04d-%02d-%02d", y, m, d);
                if (strcmp(isotime_format(ms, buf), want) != 0)
                    fail_msg("format(%lld) = '%s', want '%s'", (long long)ms, buf, want);
                if (strcmp(isotime_format_day(ms, buf), want_day) != 0)
                    fail_msg("format_day(%lld) = '%s', want '%s'", (long long)ms, buf, want_day);
                int64_t back;
                if (parse(want, &back) != 0 || back != ms)
                    fail_msg("parse('%s') = %lld, want %lld", want, (long long)back, (long long)ms);
                /* Midnight through the bound parser's bare-date form. */
                if (parse_bound(want_day, &back) != 0 || back != day * MS_DAY)
                    fail_msg("parse_bound('%s') = %lld", want_day, (long long)back);
            }
        }
    }
    /* 103 years, 25 leap days (2000 counts, 2100 does not). */
    assert_int_equal(n_days, 103 * 365 + 25);
}

/*
 * 2026-11-27: isotime_parse remembers the last minute parsed; rows of the same
 * minute must still be checked and give the same values as a cold parse.
 */
static void
same_minute_rows_use_cache_exactly(void **state)
{
    (void)state;
    int64_t ms = 0, cold = 0;
    static const char *const seq[] = {
        "2023-01-11T16:00:04.113Z", "2023-01-11T16:00:59.999Z",     "2023-01-11T16:00:00Z",
        "2023-01-11T16:00:07.5",    "2023-01-11T16:01:00.000Z",     "2023-01-11T16:00:04.113Z",
        "2024-02-29T23:59:58.001Z", "2024-02-29T23:59:59.1234567Z",
    };
    for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
        assert_int_equal(isotime_parse(seq[i], strlen(seq[i]), &ms), 0);
        /* A cold parse of the same text: through the bound parser, which never caches. */
        assert_int_equal(isotime_parse_bound(seq[i], strlen(seq[i]), &cold), 0);
        assert_int_equal(ms, cold);
    }
    static const char *const bad[] = {"2024-02-29T23:59:60.000Z", "2024-02-29T23:59:5",
                                      "2024-02-29T23:59:05.Z", "2024-02-29T23:59:05.000ZZ",
                                      "2024-02-29T23:59:05.0000000000Z"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ms = 42;
        assert_int_equal(isotime_parse(bad[i], strlen(bad[i]), &ms), -1);
        assert_int_equal(ms, 42);
    }
}

/*
 * 2026-12-04: a row of the cached minute in Exchange's own form
 * ":ss.fffZ" is checked all at once; every byte value at every place of
 * that tail must give what a cold parse gives (value, or rejection).
 */
static void
cached_minute_tail_bytes_match_cold_parse(void **state)
{
    (void)state;
    char s[] = "2023-01-11T16:00:04.113Z";
    size_t len = strlen(s);
    for (size_t at = 16; at < len; at++) {
        char keep = s[at];
        for (int c = 0; c < 256; c++) {
            int64_t warm = 42, cold = 42, primed = 0;
            assert_int_equal(isotime_parse("2023-01-11T16:00:59.999Z", len, &primed), 0);
            s[at] = (char)c;
            int rw = isotime_parse(s, len, &warm);
            int rc = isotime_parse_bound(s, len, &cold);
            if (rw != rc || warm != cold)
                fail_msg("byte %d at %zu: %d/%lld against %d/%lld", c, at, rw, (long long)warm, rc,
                         (long long)cold);
        }
        s[at] = keep;
    }
}

/* Durations in the largest whole unit, as --hold and --wait take them. */
static void
duration_largest_whole_unit(void **state)
{
    (void)state;
    char buf[ISOTIME_BUF];
    assert_string_equal(isotime_format_duration(45000, buf), "45s");
    assert_string_equal(isotime_format_duration(90 * 60000, buf), "90m");
    assert_string_equal(isotime_format_duration(1440 * 60000LL, buf), "24h"); /* --hold default */
    assert_string_equal(isotime_format_duration(36 * 3600000LL, buf), "36h");
    assert_string_equal(isotime_format_duration(2 * 86400000LL, buf), "2d");
    assert_string_equal(isotime_format_duration(7 * 86400000LL, buf), "7d");
    assert_string_equal(isotime_format_duration(120, buf), "120ms");
    assert_string_equal(isotime_format_duration(0, buf), "0ms");
    assert_string_equal(isotime_format_duration(61000, buf), "61s");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_minute_rows_use_cache_exactly),
        cmocka_unit_test(cached_minute_tail_bytes_match_cold_parse),
        cmocka_unit_test(log_form_exact_ms),
        cmocka_unit_test(epoch_is_zero_and_earlier_is_negative),
        cmocka_unit_test(fraction_optional_and_truncated_past_ms),
        cmocka_unit_test(space_may_stand_for_t),
        cmocka_unit_test(leap_days),
        cmocka_unit_test(field_ranges_checked),
        cmocka_unit_test(malformed_text_rejected),
        cmocka_unit_test(bound_forms),
        cmocka_unit_test(bound_rejects_partial_forms),
        cmocka_unit_test(format_fixed_values),
        cmocka_unit_test(duration_largest_whole_unit),
        cmocka_unit_test(format_parse_round_trip_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
