/* SPDX-License-Identifier: MIT */
/*
 * calendar.c: relative times and zone-dependent day/hour boundaries. The only
 * system time call is platform_localtime(), for the offset of the machine's zone at
 * one instant; calendar arithmetic is isotime's. Local midnights are found by
 * asking for the offset on both sides of the day (a zone changes at most
 * once in two days) and, in a daylight-saving gap, by bisection.
 */
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform.h"
#include "isotime.h"

#define MS_MINUTE 60000LL
#define MS_HOUR 3600000LL
#define MS_DAY 86400000LL

/* a / b rounded towards minus infinity (b > 0). */
static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

int
calendar_zone_parse(const char *name)
{
    if (strcmp(name, "utc") == 0)
        return CALENDAR_UTC;
    if (strcmp(name, "local") == 0)
        return CALENDAR_LOCAL;
    return -1;
}

int
calendar_zone_use(const char *name)
{
    size_t len = strlen(name);
    if (!len || len > 255 || name[0] == '/' || strstr(name, "..") ||
        strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") != len)
        return -1;
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    char path[4096 + 256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char magic[4];
    int ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
    fclose(f);
    if (!ok || platform_setenv("TZ", name) != 0)
        return -1;
    tzset();
    return 0;
}

int64_t
calendar_offset(enum calendar_zone zone, int64_t ms)
{
    if (zone == CALENDAR_UTC)
        return 0;
    int64_t sec = floor_div(ms, 1000);
    time_t t = (time_t)sec;
    struct tm tm;
    if (platform_localtime(t, &tm) != 0)
        return 0;
    int64_t local = isotime_days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
                                            (unsigned)tm.tm_mday) *
                        86400 +
                    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return (local - sec) * 1000;
}

/* Local wall-clock time of instant u, as milliseconds of a UTC-like scale. */
static int64_t
local_of(enum calendar_zone zone, int64_t u)
{
    return u + calendar_offset(zone, u);
}

/*
 * The first instant of the local day whose midnight is `midnight` (a
 * multiple of MS_DAY on the local scale). The instant has one of the
 * offsets in force a day before or after; if neither lands exactly on
 * midnight, midnight is in a gap and the day starts at the transition.
 */
static int64_t
day_start(enum calendar_zone zone, int64_t midnight)
{
    if (zone == CALENDAR_UTC)
        return midnight;
    int64_t u1 = midnight - calendar_offset(zone, midnight - MS_DAY);
    int64_t u2 = midnight - calendar_offset(zone, midnight + MS_DAY);
    int ok1 = local_of(zone, u1) == midnight, ok2 = local_of(zone, u2) == midnight;
    if (ok1 && ok2)
        return u1 < u2 ? u1 : u2; /* midnight occurs twice: the first */
    if (ok1 || ok2)
        return ok1 ? u1 : u2;
    int64_t lo = u1 < u2 ? u1 : u2, hi = u1 < u2 ? u2 : u1;
    if (local_of(zone, lo) >= midnight || local_of(zone, hi) < midnight)
        return hi; /* not a gap either: no better answer than the later candidate */
    /* local_of(lo) < midnight <= local_of(hi); transitions fall on whole seconds. */
    while (hi - lo > 1000) {
        int64_t mid = lo + (hi - lo) / 2000 * 1000;
        if (local_of(zone, mid) >= midnight)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

int
calendar_is_relative(const char *s)
{
    return strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0 || s[0] == '-';
}

/* "-N{d,h,m}" into now minus N units; -1 if malformed. */
static int
parse_offset(const char *s, int64_t now, int64_t *ms)
{
    int64_t n = 0;
    size_t i = 1;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (i > CALENDAR_OFFSET_DIGITS)
            return -1;
        n = n * 10 + (s[i] - '0');
    }
    if (i == 1 || s[i] == '\0' || s[i + 1] != '\0')
        return -1;
    int64_t unit;
    switch (s[i]) {
    case 'd':
        unit = MS_DAY;
        break;
    case 'h':
        unit = MS_HOUR;
        break;
    case 'm':
        unit = MS_MINUTE;
        break;
    default:
        return -1;
    }
    *ms = now - n * unit;
    return 0;
}

int
calendar_parse(const char *s, enum calendar_zone zone, int64_t now, int64_t *ms)
{
    int yesterday = strcmp(s, "yesterday") == 0;
    if (yesterday || strcmp(s, "today") == 0) {
        int64_t day = floor_div(local_of(zone, now), MS_DAY) - yesterday;
        *ms = day_start(zone, day * MS_DAY);
        return 0;
    }
    if (s[0] == '-')
        return parse_offset(s, now, ms);
    size_t len = strlen(s);
    int64_t v;
    if (isotime_parse_bound(s, len, &v) != 0)
        return -1;
    *ms = len == 10 ? day_start(zone, v) : v; /* a bare date: its midnight in the zone */
    return 0;
}

void
calendar_init(struct calendar *w, enum calendar_zone zone)
{
    memset(w, 0, sizeof(*w));
    w->zone = zone;
    w->off_hour = INT64_MIN;
    w->key_hour = INT64_MIN;
}

/*
 * The zone offset at `ms`. Cached per UTC hour when the offset is the same
 * at both ends of that hour (zones change at most once an hour), so a run
 * calls platform_localtime() about twice per hour of logs, not once per session.
 */
static int64_t
offset_at(struct calendar *w, int64_t ms)
{
    if (w->zone == CALENDAR_UTC)
        return 0;
    int64_t uh = floor_div(ms, MS_HOUR);
    if (uh == w->off_hour)
        return w->off;
    int64_t a = calendar_offset(w->zone, uh * MS_HOUR);
    int64_t b = calendar_offset(w->zone, uh * MS_HOUR + MS_HOUR - 1);
    if (a != b)
        return calendar_offset(w->zone, ms); /* a transition inside this hour */
    w->off_hour = uh;
    w->off = a;
    return a;
}

void
calendar_keys(struct calendar *w, int64_t ms, const char **day, const char **hour)
{
    int64_t lh = floor_div(ms + offset_at(w, ms), MS_HOUR);
    if (lh != w->key_hour) {
        char buf[ISOTIME_BUF];
        isotime_format(lh * MS_HOUR, buf); /* "yyyy-mm-ddThh:..." */
        memcpy(w->day, buf, 10);
        w->day[10] = '\0';
        memcpy(w->hour, buf, 13);
        w->hour[13] = '\0';
        w->key_hour = lh;
    }
    if (day)
        *day = w->day;
    if (hour)
        *hour = w->hour;
}
