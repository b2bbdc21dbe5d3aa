/* SPDX-License-Identifier: MIT */
/*
 * test_tzrule.c: local time from POSIX TZ values computed by hand: fixed
 * instants around the transitions, values that are not of the POSIX form,
 * and (on POSIX systems) a sweep over 1970..2040 compared with the C
 * library's own localtime_r() for the same TZ (glibc applies no rules
 * before 1970, hence the start).
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

#include "tzrule.h"

/* Transitions of both hemispheres, fixed offsets, the default US rules. */
static void
fixed_instants(void **state)
{
    (void)state;
    static const char cet[] = "CET-1CEST,M3.5.0,M10.5.0/3";
    static const char aus[] = "AEST-10AEDT,M10.1.0,M4.1.0/3";
    static const struct {
        const char *tz;
        int64_t t;
        int year, mon, mday, hour, min, sec, wday; /* the local time wanted, month 1..12 */
    } cases[] = {
        {cet, 1673438400, 2023, 1, 11, 13, 0, 0, 3},
        {cet, 1679792399, 2023, 3, 26, 1, 59, 59, 0}, /* last second of CET */
        {cet, 1679792400, 2023, 3, 26, 3, 0, 0, 0},   /* first of CEST */
        {cet, 1698541199, 2023, 10, 29, 2, 59, 59, 0},
        {cet, 1698541200, 2023, 10, 29, 2, 0, 0, 0},
        {"EST5EDT", 1678604400, 2023, 3, 12, 3, 0, 0, 0}, /* US rules by default */
        {"EST5EDT", 1678604399, 2023, 3, 12, 1, 59, 59, 0},
        {"<+0545>-5:45", 0, 1970, 1, 1, 5, 45, 0, 4},
        {aus, 1680364799, 2023, 4, 2, 2, 59, 59, 0}, /* AEDT */
        {aus, 1680364800, 2023, 4, 2, 2, 0, 0, 0},   /* AEST */
        {"UTC0", 951782400, 2000, 2, 29, 0, 0, 0, 2},
        {"UTC", 951782400, 2000, 2, 29, 0, 0, 0, 2},
        {"<-03>3", -86400, 1969, 12, 30, 21, 0, 0, 2},
        {"AAA-1BBB,J60,J300", 5097600 + 7200, 1970, 3, 1, 4, 0, 0, 0}, /* J60: March 1 */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct tm tm;
        assert_int_equal(tzrule_localtime(cases[i].tz, (time_t)cases[i].t, &tm), 0);
        if (tm.tm_year + 1900 != cases[i].year || tm.tm_mon + 1 != cases[i].mon ||
            tm.tm_mday != cases[i].mday || tm.tm_hour != cases[i].hour ||
            tm.tm_min != cases[i].min || tm.tm_sec != cases[i].sec || tm.tm_wday != cases[i].wday)
            fail_msg("TZ=%s at %lld: %04d-%02d-%02d %02d:%02d:%02d day %d", cases[i].tz,
                     (long long)cases[i].t, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_wday);
    }
}

/* Values that are not of the POSIX form are refused, *out untouched. */
static void
not_posix_form(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "Europe/Berlin",
        "AB1",
        "CET-1CEST,M3.5.0",
        "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "CET-1CEST,J0,J100",
        "CET-1CEST,366,100",
        "CET-168",
        "CET-1:60",
        "<+0545",
        "CET-1CEST,M3.5.0,M10.5.0/3x",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct tm tm;
        memset(&tm, 0x5a, sizeof(tm));
        if (tzrule_localtime(bad[i], 0, &tm) != -1)
            fail_msg("'%s' accepted", bad[i]);
        assert_int_equal(tm.tm_year, 0x5a5a5a5a);
    }
}

#ifndef _WIN32
/* Every 7 h 13 min 17 s from 1970 to 2040, as the C library reads the same TZ. */
static void
same_as_libc(void **state)
{
    (void)state;
    static const char *const zones[] = {
        "CET-1CEST,M3.5.0,M10.5.0/3",
        "AEST-10AEDT,M10.1.0,M4.1.0/3",
        "NZST-12NZDT,M9.5.0,M4.1.0/3",
        "<+0545>-5:45",
        "<-03>3",
        "WET0WEST,M3.5.0/1,M10.5.0",
        "PST8PDT,M3.2.0,M11.1.0",
        "AAA3BBB,J60,J300",
        "AAA-2BBB-3,59/1:30,299/4",
        "<-0330>3:30<-0230>,M3.2.0/0,M11.1.0/0",
    };
    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        assert_int_equal(setenv("TZ", zones[z], 1), 0);
        tzset();
        for (int64_t t = 0; t < 2208988800; t += 7 * 3600 + 13 * 60 + 17) {
            time_t tt = (time_t)t;
            struct tm want, got;
            assert_non_null(localtime_r(&tt, &want));
            assert_int_equal(tzrule_localtime(zones[z], tt, &got), 0);
            if (got.tm_year != want.tm_year || got.tm_mon != want.tm_mon ||
                got.tm_mday != want.tm_mday || got.tm_hour != want.tm_hour ||
                got.tm_min != want.tm_min || got.tm_sec != want.tm_sec ||
                got.tm_wday != want.tm_wday)
                fail_msg("TZ=%s at %lld: %04d-%02d-%02d %02d:%02d:%02d, libc %04d-%02d-%02d "
                         "%02d:%02d:%02d",
                         zones[z], (long long)t, got.tm_year + 1900, got.tm_mon + 1, got.tm_mday,
                         got.tm_hour, got.tm_min, got.tm_sec, want.tm_year + 1900, want.tm_mon + 1,
                         want.tm_mday, want.tm_hour, want.tm_min, want.tm_sec);
        }
    }
}
#endif

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_instants),
        cmocka_unit_test(not_posix_form),
#ifndef _WIN32
        cmocka_unit_test(same_as_libc),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
