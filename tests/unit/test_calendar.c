/* SPDX-License-Identifier: MIT */
/*
 * test_calendar.c: --since/--until words, local day boundaries and day/hour
 * keys with a fixed clock and a fixed TZ. Instants on daylight-saving
 * change days were read off `zdump -v` for each zone. Zones from the time
 * zone database (Debian package tzdata) are skipped when
 * /usr/share/zoneinfo lacks them; POSIX TZ rules need no database. Sweeps
 * compare with localtime_r() + strftime(), a path calendar.c does not use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "calendar.h"

#define MIN 60000LL
#define HOUR 3600000LL
#define DAY 86400000LL

/* Days from 1970-01-01: 2023-01-01 is day 19358 (53 years, 13 leap days). */
#define D2023 19358LL
/* 2023-01-12T06:00:00Z, the clock of most cases. */
#define NOW ((D2023 + 11) * DAY + 6 * HOUR)

/* Sentinel left in *ms to prove a rejected parse does not touch it. */
#define UNTOUCHED 0x5a5a5a5a5aLL

/* Days from 1970-01-01 to y-m-d (independent of isotime: a plain walk). */
static int64_t
days(int y, int m, int d)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t n = 0;
    for (int yy = 1970; yy < y; yy++)
        n += 365 + ((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0);
    for (int mm = 1; mm < m; mm++)
        n += dim[mm - 1] + (mm == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return n + d - 1;
}

/* Instant y-m-dThh:mi:00Z in milliseconds. */
static int64_t
utc(int y, int m, int d, int h, int mi)
{
    return days(y, m, d) * DAY + h * HOUR + mi * MIN;
}

static void
set_tz(const char *tz)
{
    assert_int_equal(setenv("TZ", tz, 1), 0);
    tzset();
}

/* Tests skipped: main() then exits 77, which CTest reports as skipped. */
static int skipped;

/* Use a zone of the database, or skip the test when it is not installed. */
static void
use_zone(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
    if (access(path, R_OK) != 0) {
        print_message("skipped: %s not installed (Debian package tzdata)\n", path);
        skipped++;
        skip();
    }
    set_tz(name);
}

static int64_t
parse_ok(const char *s, enum calendar_zone zone, int64_t now)
{
    int64_t ms = UNTOUCHED;
    if (calendar_parse(s, zone, now, &ms) != 0)
        fail_msg("rejected '%s'", s);
    return ms;
}

#define assert_parse(s, zone, now, want)                                                           \
    do {                                                                                           \
        int64_t got_ = parse_ok(s, zone, now), want_ = (want);                                     \
        if (got_ != want_)                                                                         \
            fail_msg("'%s': got %lld, want %lld (%+lld h)", s, (long long)got_, (long long)want_,  \
                     (long long)((got_ - want_) / HOUR));                                          \
    } while (0)

/* The keys of instant ms, through a fresh struct calendar. */
static void
assert_keys(enum calendar_zone zone, int64_t ms, const char *want_day, const char *want_hour)
{
    struct calendar w;
    const char *day, *hour;
    calendar_init(&w, zone);
    calendar_keys(&w, ms, &day, &hour);
    assert_string_equal(day, want_day);
    assert_string_equal(hour, want_hour);
}

static void
zone_names(void **state)
{
    (void)state;
    assert_int_equal(calendar_zone_parse("utc"), CALENDAR_UTC);
    assert_int_equal(calendar_zone_parse("local"), CALENDAR_LOCAL);
    assert_int_equal(calendar_zone_parse("UTC"), -1);
    assert_int_equal(calendar_zone_parse("Europe/Berlin"), -1);
    assert_int_equal(calendar_zone_parse(""), -1);
}

static void
today_yesterday_utc(void **state)
{
    (void)state;
    set_tz("EST5EDT,M3.2.0,M11.1.0"); /* must not matter for CALENDAR_UTC */
    assert_parse("today", CALENDAR_UTC, NOW, (D2023 + 11) * DAY);
    assert_parse("yesterday", CALENDAR_UTC, NOW, (D2023 + 10) * DAY);
    /* Day edges of the clock itself. */
    int64_t midnight = (D2023 + 11) * DAY;
    assert_parse("today", CALENDAR_UTC, midnight, midnight);
    assert_parse("yesterday", CALENDAR_UTC, midnight, midnight - DAY);
    assert_parse("today", CALENDAR_UTC, midnight - 1, midnight - DAY);
    /* Before 1970: days round down, not towards zero. */
    assert_parse("today", CALENDAR_UTC, -1, -DAY);
    assert_parse("yesterday", CALENDAR_UTC, -1, -2 * DAY);
    /* Across a year end and a leap day. */
    assert_parse("yesterday", CALENDAR_UTC, utc(2024, 1, 1, 0, 30), utc(2023, 12, 31, 0, 0));
    assert_parse("yesterday", CALENDAR_UTC, utc(2024, 3, 1, 23, 59), utc(2024, 2, 29, 0, 0));
}

static void
offsets_from_now(void **state)
{
    (void)state;
    assert_parse("-7d", CALENDAR_UTC, NOW, NOW - 7 * DAY);
    assert_parse("-12h", CALENDAR_UTC, NOW, NOW - 12 * HOUR);
    assert_parse("-30m", CALENDAR_UTC, NOW, NOW - 30 * MIN);
    assert_parse("-0d", CALENDAR_UTC, NOW, NOW);
    assert_parse("-007h", CALENDAR_UTC, NOW, NOW - 7 * HOUR);
    assert_parse("-999999999d", CALENDAR_UTC, NOW, NOW - 999999999LL * DAY);
    /* An offset is an amount of time: 7 x 24 h also in a zone with DST. */
    set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
    assert_parse("-7d", CALENDAR_LOCAL, utc(2023, 3, 30, 12, 0), utc(2023, 3, 23, 12, 0));
    static const char *const bad[] = {"-",   "-d",  "-7",           "-7x",  "-7dx",         "- 7d",
                                      "-7D", "-7w", "-1.5h",        "--7d", "-1234567890d", "7d",
                                      "+7d", "-h7", "-7d ",         "",     "now",          "Today",
                                      "to",  "-7s", "-99999999999m"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = UNTOUCHED;
        if (calendar_parse(bad[i], CALENDAR_UTC, NOW, &ms) != -1)
            fail_msg("accepted '%s' as %lld", bad[i], (long long)ms);
        assert_true(ms == UNTOUCHED);
    }
}

static void
relative_words(void **state)
{
    (void)state;
    assert_true(calendar_is_relative("today"));
    assert_true(calendar_is_relative("yesterday"));
    assert_true(calendar_is_relative("-7d"));
    assert_true(calendar_is_relative("-x")); /* malformed, but would need the clock */
    assert_false(calendar_is_relative("2023-01-11"));
    assert_false(calendar_is_relative("2023-01-11T08:00"));
    assert_false(calendar_is_relative("todayx"));
    assert_false(calendar_is_relative(""));
}

static void
dates_and_times(void **state)
{
    (void)state;
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    /* UTC: midnight; a time is taken as it is. */
    assert_parse("2023-01-11", CALENDAR_UTC, 0, utc(2023, 1, 11, 0, 0));
    assert_parse("2023-01-11T08:30", CALENDAR_UTC, 0, utc(2023, 1, 11, 8, 30));
    /* Local: a bare date is local midnight (EST: 05:00Z); a time stays UTC. */
    assert_parse("2023-01-11", CALENDAR_LOCAL, 0, utc(2023, 1, 11, 5, 0));
    assert_parse("2023-07-11", CALENDAR_LOCAL, 0, utc(2023, 7, 11, 4, 0));
    assert_parse("2023-01-11T08:30", CALENDAR_LOCAL, 0, utc(2023, 1, 11, 8, 30));
    assert_parse("2023-01-11T08:30:00.250Z", CALENDAR_LOCAL, 0, utc(2023, 1, 11, 8, 30) + 250);
    /* A rejected date leaves *ms alone. */
    int64_t ms = UNTOUCHED;
    assert_int_equal(calendar_parse("2023-02-29", CALENDAR_LOCAL, 0, &ms), -1);
    assert_true(ms == UNTOUCHED);
}

static void
keys_utc(void **state)
{
    (void)state;
    set_tz("EST5EDT,M3.2.0,M11.1.0"); /* must not matter for CALENDAR_UTC */
    assert_keys(CALENDAR_UTC, utc(2023, 1, 11, 15, 59) + 59999, "2023-01-11", "2023-01-11T15");
    assert_keys(CALENDAR_UTC, utc(2023, 1, 11, 16, 0), "2023-01-11", "2023-01-11T16");
    assert_keys(CALENDAR_UTC, utc(2023, 1, 11, 23, 59) + 59999, "2023-01-11", "2023-01-11T23");
    assert_keys(CALENDAR_UTC, utc(2023, 1, 12, 0, 0), "2023-01-12", "2023-01-12T00");
    assert_keys(CALENDAR_UTC, -1, "1969-12-31", "1969-12-31T23");
    /* Either output may be left out. */
    struct calendar w;
    const char *day = NULL;
    calendar_init(&w, CALENDAR_UTC);
    calendar_keys(&w, utc(2023, 1, 11, 7, 0), &day, NULL);
    assert_string_equal(day, "2023-01-11");
}

/* A rule with a quarter-hour offset: hours start at :15 UTC. */
static void
keys_local_quarter_hour_offset(void **state)
{
    (void)state;
    set_tz("<+0545>-5:45");
    assert_keys(CALENDAR_LOCAL, utc(2023, 1, 11, 0, 14) + 59999, "2023-01-11", "2023-01-11T05");
    assert_keys(CALENDAR_LOCAL, utc(2023, 1, 11, 0, 15), "2023-01-11", "2023-01-11T06");
    assert_keys(CALENDAR_LOCAL, utc(2023, 1, 11, 18, 14) + 59999, "2023-01-11", "2023-01-11T23");
    assert_keys(CALENDAR_LOCAL, utc(2023, 1, 11, 18, 15), "2023-01-12", "2023-01-12T00");
    assert_parse("2023-01-12", CALENDAR_LOCAL, 0, utc(2023, 1, 11, 18, 15));
    assert_parse("today", CALENDAR_LOCAL, utc(2023, 1, 11, 18, 15), utc(2023, 1, 11, 18, 15));
    assert_parse("today", CALENDAR_LOCAL, utc(2023, 1, 11, 18, 14), utc(2023, 1, 10, 18, 15));
}

static void
berlin_dst_days(void **state)
{
    (void)state;
    use_zone("Europe/Berlin");
    /* 2023-03-26: 02:00 CET -> 03:00 CEST at 01:00Z; the day has 23 hours. */
    assert_parse("2023-03-26", CALENDAR_LOCAL, 0, utc(2023, 3, 25, 23, 0));
    assert_parse("2023-03-27", CALENDAR_LOCAL, 0, utc(2023, 3, 26, 22, 0));
    assert_parse("today", CALENDAR_LOCAL, utc(2023, 3, 26, 12, 0), utc(2023, 3, 25, 23, 0));
    assert_parse("yesterday", CALENDAR_LOCAL, utc(2023, 3, 26, 12, 0), utc(2023, 3, 24, 23, 0));
    assert_parse("yesterday", CALENDAR_LOCAL, utc(2023, 3, 26, 22, 0), utc(2023, 3, 25, 23, 0));
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 25, 22, 59) + 59999, "2023-03-25", "2023-03-25T23");
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 25, 23, 0), "2023-03-26", "2023-03-26T00");
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 26, 0, 59) + 59999, "2023-03-26", "2023-03-26T01");
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 26, 1, 0), "2023-03-26", "2023-03-26T03");
    /* 2023-10-29: 03:00 CEST -> 02:00 CET at 01:00Z; 25 hours, 02:xx twice. */
    assert_parse("2023-10-29", CALENDAR_LOCAL, 0, utc(2023, 10, 28, 22, 0));
    assert_parse("2023-10-30", CALENDAR_LOCAL, 0, utc(2023, 10, 29, 23, 0));
    assert_parse("today", CALENDAR_LOCAL, utc(2023, 10, 29, 22, 59), utc(2023, 10, 28, 22, 0));
    assert_parse("today", CALENDAR_LOCAL, utc(2023, 10, 29, 23, 0), utc(2023, 10, 29, 23, 0));
    assert_keys(CALENDAR_LOCAL, utc(2023, 10, 29, 0, 30), "2023-10-29", "2023-10-29T02");
    assert_keys(CALENDAR_LOCAL, utc(2023, 10, 29, 1, 30), "2023-10-29", "2023-10-29T02");
    assert_keys(CALENDAR_LOCAL, utc(2023, 10, 29, 2, 0), "2023-10-29", "2023-10-29T03");
    assert_keys(CALENDAR_LOCAL, utc(2023, 10, 29, 22, 59) + 59999, "2023-10-29", "2023-10-29T23");
    assert_keys(CALENDAR_LOCAL, utc(2023, 10, 29, 23, 0), "2023-10-30", "2023-10-30T00");
    /* In UTC nothing moves. */
    assert_parse("2023-10-29", CALENDAR_UTC, 0, utc(2023, 10, 29, 0, 0));
    assert_keys(CALENDAR_UTC, utc(2023, 10, 29, 1, 30), "2023-10-29", "2023-10-29T01");
}

static void
new_york_dst_days(void **state)
{
    (void)state;
    use_zone("America/New_York");
    /* 2023-03-12: 02:00 EST -> 03:00 EDT at 07:00Z. */
    assert_parse("2023-03-12", CALENDAR_LOCAL, 0, utc(2023, 3, 12, 5, 0));
    assert_parse("2023-03-13", CALENDAR_LOCAL, 0, utc(2023, 3, 13, 4, 0));
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 12, 6, 59) + 59999, "2023-03-12", "2023-03-12T01");
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 12, 7, 0), "2023-03-12", "2023-03-12T03");
    /* 2023-11-05: 02:00 EDT -> 01:00 EST at 06:00Z. */
    assert_parse("2023-11-05", CALENDAR_LOCAL, 0, utc(2023, 11, 5, 4, 0));
    assert_parse("2023-11-06", CALENDAR_LOCAL, 0, utc(2023, 11, 6, 5, 0));
    assert_keys(CALENDAR_LOCAL, utc(2023, 11, 5, 5, 30), "2023-11-05", "2023-11-05T01");
    assert_keys(CALENDAR_LOCAL, utc(2023, 11, 5, 6, 30), "2023-11-05", "2023-11-05T01");
    assert_keys(CALENDAR_LOCAL, utc(2023, 11, 5, 7, 0), "2023-11-05", "2023-11-05T02");
    /* 2023-11-06T03:00Z is 22:00 EST on the 5th. */
    assert_parse("today", CALENDAR_LOCAL, utc(2023, 11, 6, 3, 0), utc(2023, 11, 5, 4, 0));
    assert_parse("yesterday", CALENDAR_LOCAL, utc(2023, 11, 6, 3, 0), utc(2023, 11, 4, 4, 0));
    /* The same clock in UTC is already the 6th. */
    assert_parse("today", CALENDAR_UTC, utc(2023, 11, 6, 3, 0), utc(2023, 11, 6, 0, 0));
}

/* Zones whose clocks change at midnight: the day starts where it can. */
static void
midnight_changes(void **state)
{
    (void)state;
    /* A rule whose gap (23:30 -> 00:30) swallows midnight: the day starts at 00:30. */
    set_tz("<-03>3<-02>,M3.2.0/23:30,M11.1.0");
    assert_parse("2023-03-13", CALENDAR_LOCAL, 0, utc(2023, 3, 13, 2, 30));
    assert_parse("today", CALENDAR_LOCAL, utc(2023, 3, 13, 12, 0), utc(2023, 3, 13, 2, 30));
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 13, 2, 29) + 59999, "2023-03-12", "2023-03-12T23");
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 13, 2, 30), "2023-03-13", "2023-03-13T00");
    use_zone("America/Havana");
    /* 2023-03-12: 00:00 CST -> 01:00 CDT at 05:00Z: midnight never happens. */
    assert_parse("2023-03-12", CALENDAR_LOCAL, 0, utc(2023, 3, 12, 5, 0));
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 12, 4, 59) + 59999, "2023-03-11", "2023-03-11T23");
    assert_keys(CALENDAR_LOCAL, utc(2023, 3, 12, 5, 0), "2023-03-12", "2023-03-12T01");
    /* 2023-11-05: 01:00 CDT -> 00:00 CST at 05:00Z: midnight twice, the first counts. */
    assert_parse("2023-11-05", CALENDAR_LOCAL, 0, utc(2023, 11, 5, 4, 0));
    assert_parse("yesterday", CALENDAR_LOCAL, utc(2023, 11, 6, 12, 0), utc(2023, 11, 5, 4, 0));
    use_zone("America/Sao_Paulo");
    /* 2018-11-04: 00:00 -03 -> 01:00 -02 at 03:00Z. */
    assert_parse("2018-11-04", CALENDAR_LOCAL, 0, utc(2018, 11, 4, 3, 0));
    /* 2019-02-17: 00:00 -02 -> 23:00 -03 (16th) at 02:00Z: the 16th has 25 hours. */
    assert_parse("2019-02-16", CALENDAR_LOCAL, 0, utc(2019, 2, 16, 2, 0));
    assert_parse("2019-02-17", CALENDAR_LOCAL, 0, utc(2019, 2, 17, 3, 0));
    use_zone("Pacific/Apia");
    /* 2011-12-30 did not exist: 23:59:59 -10 on the 29th, then 00:00 +14 on the 31st. */
    assert_parse("2011-12-30", CALENDAR_LOCAL, 0, utc(2011, 12, 30, 10, 0));
    assert_parse("2011-12-31", CALENDAR_LOCAL, 0, utc(2011, 12, 30, 10, 0));
    assert_parse("2011-12-29", CALENDAR_LOCAL, 0, utc(2011, 12, 29, 10, 0));
}

/* localtime_r() + strftime() of instant ms: the oracle. */
static void
oracle(int64_t ms, char day[16], char hour[16])
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
    struct tm tm;
    assert_non_null(localtime_r(&t, &tm));
    assert_int_equal(strftime(day, 16, "%Y-%m-%d", &tm), 10);
    assert_int_equal(strftime(hour, 16, "%Y-%m-%dT%H", &tm), 13);
}

/*
 * Keys every 7.5 minutes (and a millisecond either side of each quarter
 * hour) over two weeks around a change, through one cached struct calendar,
 * forwards and backwards; each must equal the oracle.
 */
static void
sweep_keys(int64_t from)
{
    struct calendar fwd, back;
    calendar_init(&fwd, CALENDAR_LOCAL);
    calendar_init(&back, CALENDAR_LOCAL);
    int64_t n = 14 * 24 * 8;
    for (int64_t i = 0; i <= n; i++) {
        for (int dir = 0; dir < 2; dir++) {
            int64_t base = from + (dir ? n - i : i) * 450000;
            for (int64_t ms = base - 1; ms <= base + 1; ms++) {
                char want_day[16], want_hour[16];
                const char *day, *hour;
                oracle(ms, want_day, want_hour);
                calendar_keys(dir ? &back : &fwd, ms, &day, &hour);
                if (strcmp(day, want_day) != 0 || strcmp(hour, want_hour) != 0)
                    fail_msg("%lld: got %s %s, want %s %s", (long long)ms, day, hour, want_day,
                             want_hour);
            }
        }
    }
}

/*
 * Every day of a stretch: its start is in that day (or the next, if the
 * day does not exist) and the millisecond before it is in an earlier day.
 */
static void
sweep_day_starts(int y, int m, int d, int n_days)
{
    for (int i = 0; i < n_days; i++) {
        int64_t local_midnight = (days(y, m, d) + i) * DAY;
        char date[16], day[16], hour[16], before[16];
        time_t t = (time_t)(local_midnight / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(date, sizeof(date), "%Y-%m-%d", &tm);
        int64_t start = parse_ok(date, CALENDAR_LOCAL, 0);
        oracle(start, day, hour);
        oracle(start - 1, before, hour);
        if (strcmp(day, date) < 0 || strcmp(before, date) >= 0)
            fail_msg("%s starts at %lld: %s there, %s a millisecond before", date, (long long)start,
                     day, before);
    }
}

static void
sweeps_against_localtime(void **state)
{
    (void)state;
    set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
    sweep_keys(utc(2023, 3, 19, 0, 0));
    sweep_keys(utc(2023, 10, 22, 0, 0));
    sweep_day_starts(2023, 1, 1, 365);
    set_tz("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"); /* Lord Howe: a half-hour change */
    sweep_keys(utc(2023, 3, 26, 0, 0));
    sweep_keys(utc(2023, 9, 24, 0, 0));
    sweep_day_starts(2023, 1, 1, 365);
    set_tz("<-03>3<-02>,M3.2.0/23:30,M11.1.0");
    sweep_keys(utc(2023, 3, 6, 0, 0));
    sweep_day_starts(2023, 1, 1, 365);
    static const char *const zones[] = {"Europe/Berlin", "America/New_York", "America/Havana",
                                        "America/Sao_Paulo", "Australia/Lord_Howe"};
    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zones[i]);
        if (access(path, R_OK) != 0)
            continue; /* the POSIX rules above still ran */
        set_tz(zones[i]);
        sweep_keys(utc(2023, 3, 5, 0, 0));
        sweep_keys(utc(2023, 10, 25, 0, 0));
        sweep_day_starts(2018, 10, 1, 200);
        sweep_day_starts(2023, 1, 1, 365);
    }
    if (access("/usr/share/zoneinfo/Pacific/Apia", R_OK) == 0) {
        set_tz("Pacific/Apia");
        sweep_keys(utc(2011, 12, 23, 0, 0));
        sweep_day_starts(2011, 12, 1, 62);
    }
}

/* A new zone needs a new struct calendar; a reused one keeps its cache. */
static void
init_resets_the_cache(void **state)
{
    (void)state;
    struct calendar w;
    const char *hour;
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    calendar_init(&w, CALENDAR_LOCAL);
    calendar_keys(&w, utc(2023, 1, 11, 12, 0), NULL, &hour);
    assert_string_equal(hour, "2023-01-11T07");
    set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
    calendar_init(&w, CALENDAR_LOCAL);
    calendar_keys(&w, utc(2023, 1, 11, 12, 0), NULL, &hour);
    assert_string_equal(hour, "2023-01-11T13");
    assert_int_equal(calendar_offset(CALENDAR_LOCAL, utc(2023, 7, 1, 0, 0)), 2 * HOUR);
    assert_int_equal(calendar_offset(CALENDAR_UTC, utc(2023, 7, 1, 0, 0)), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zone_names),
        cmocka_unit_test(today_yesterday_utc),
        cmocka_unit_test(offsets_from_now),
        cmocka_unit_test(relative_words),
        cmocka_unit_test(dates_and_times),
        cmocka_unit_test(keys_utc),
        cmocka_unit_test(keys_local_quarter_hour_offset),
        cmocka_unit_test(berlin_dst_days),
        cmocka_unit_test(new_york_dst_days),
        cmocka_unit_test(midnight_changes),
        cmocka_unit_test(sweeps_against_localtime),
        cmocka_unit_test(init_resets_the_cache),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    return failed ? 1 : skipped ? 77 : 0;
}
