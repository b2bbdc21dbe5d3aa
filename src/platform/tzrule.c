/* SPDX-License-Identifier: MIT */
/*
 * tzrule.c: a TZ value in the POSIX form parsed and applied to an instant
 * (see tzrule.h). Calendar arithmetic comes from isotime.
 */
#include "tzrule.h"

#include <stdint.h>
#include <string.h>

#include "isotime.h"

struct tz_rule {
    char kind;   /* 'M' (month.week.day), 'J' (Julian day 1..365, no Feb 29), 'D' (day 0..365) */
    int m, w, d; /* M: month, week 1..5, weekday 0..6; J/D: the day in d */
    long time;   /* seconds after local midnight (default 2 h) */
};

struct tz_posix {
    long std_off, dst_off; /* seconds to add to local time for UTC (west positive) */
    int has_dst;
    struct tz_rule start, end;
};

/* The zone name: letters, or anything between < and >. */
static const char *
tz_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q && q - p >= 2 ? q + 1 : NULL;
    }
    const char *q = p;
    while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))
        q++;
    return q - p >= 3 ? q : NULL;
}

/* [+|-]hh[:mm[:ss]] into *sec; NULL if malformed. */
static const char *
tz_time(const char *p, long *sec)
{
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    long part[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i && *p != ':')
            break;
        if (i)
            p++;
        if (*p < '0' || *p > '9')
            return NULL;
        long v = 0;
        while (*p >= '0' && *p <= '9' && v < 1000)
            v = v * 10 + (*p++ - '0');
        part[i] = v;
    }
    if (part[0] > 167 || part[1] > 59 || part[2] > 59)
        return NULL;
    *sec = (part[0] * 3600 + part[1] * 60 + part[2]) * (neg ? -1 : 1);
    return p;
}

static const char *
tz_number(const char *p, int *v)
{
    if (*p < '0' || *p > '9')
        return NULL;
    *v = 0;
    while (*p >= '0' && *p <= '9' && *v < 1000)
        *v = *v * 10 + (*p++ - '0');
    return p;
}

/* ",Mm.w.d[/time]", ",Jn[/time]" or ",n[/time]". */
static const char *
tz_rule(const char *p, struct tz_rule *r)
{
    if (*p++ != ',')
        return NULL;
    r->time = 7200;
    r->m = r->w = r->d = 0;
    if (*p == 'M') {
        r->kind = 'M';
        if (!(p = tz_number(p + 1, &r->m)) || *p++ != '.' || !(p = tz_number(p, &r->w)) ||
            *p++ != '.' || !(p = tz_number(p, &r->d)))
            return NULL;
        if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d > 6)
            return NULL;
    } else {
        r->kind = *p == 'J' ? 'J' : 'D';
        if (!(p = tz_number(p + (*p == 'J'), &r->d)) || r->d > 365 || (r->kind == 'J' && r->d < 1))
            return NULL;
    }
    if (*p == '/')
        p = tz_time(p + 1, &r->time);
    return p;
}

/* Parse a POSIX TZ value; 1 if it is one. */
static int
tz_parse(const char *p, struct tz_posix *z)
{
    memset(z, 0, sizeof(*z));
    if (!(p = tz_name(p)))
        return 0;
    if (*p == '\0') /* "UTC", "GMT": no offset */
        return 1;
    if (!(p = tz_time(p, &z->std_off)))
        return 0;
    if (*p == '\0')
        return 1;
    if (!(p = tz_name(p)))
        return 0;
    z->has_dst = 1;
    z->dst_off = z->std_off - 3600;
    if (*p && *p != ',' && !(p = tz_time(p, &z->dst_off)))
        return 0;
    if (*p == '\0') /* no rules: those of the United States */
        return tz_rule(",M3.2.0", &z->start) && tz_rule(",M11.1.0", &z->end);
    if (!(p = tz_rule(p, &z->start)) || !(p = tz_rule(p, &z->end)))
        return 0;
    return *p == '\0';
}

static int64_t
floor_div64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

/* Local seconds (since the epoch, on the local scale) at which rule r fires in year y. */
static int64_t
tz_rule_local(const struct tz_rule *r, int64_t y)
{
    int64_t jan1 = isotime_days_from_civil(y, 1, 1), day;
    if (r->kind == 'J')
        day = jan1 + r->d - 1 + (isotime_is_leap(y) && r->d >= 60);
    else if (r->kind == 'D')
        day = jan1 + r->d;
    else {
        int64_t first = isotime_days_from_civil(y, (unsigned)r->m, 1);
        int64_t wday = floor_div64(first + 4, 7) * -7 + first + 4; /* 0 = Sunday */
        day = first + (r->d - wday + 7) % 7 + (int64_t)(r->w - 1) * 7;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int len = mdays[r->m - 1] + (r->m == 2 && isotime_is_leap(y));
        while (day >= first + len)
            day -= 7;
    }
    return day * 86400 + r->time;
}

/* Seconds to add to UTC for local time at instant t in zone z. */
static long
tz_offset(const struct tz_posix *z, int64_t t)
{
    if (!z->has_dst)
        return -z->std_off;
    int64_t y;
    unsigned m, d;
    isotime_civil_from_days(floor_div64(t - z->std_off, 86400), &y, &m, &d);
    /* Transitions as UTC instants: start in standard time, end in daylight time. */
    int64_t start = tz_rule_local(&z->start, y) + z->std_off;
    int64_t end = tz_rule_local(&z->end, y) + z->dst_off;
    int dst = start < end ? t >= start && t < end : !(t >= end && t < start);
    return -(dst ? z->dst_off : z->std_off);
}

/* Split local seconds into *out. */
static void
tm_of(int64_t local, struct tm *out)
{
    int64_t days = floor_div64(local, 86400), y;
    int64_t secs = local - days * 86400;
    unsigned m, d;
    isotime_civil_from_days(days, &y, &m, &d);
    memset(out, 0, sizeof(*out));
    out->tm_year = (int)(y - 1900);
    out->tm_mon = (int)m - 1;
    out->tm_mday = (int)d;
    out->tm_hour = (int)(secs / 3600);
    out->tm_min = (int)(secs / 60 % 60);
    out->tm_sec = (int)(secs % 60);
    out->tm_wday = (int)(days - floor_div64(days + 4, 7) * 7 + 4);
    out->tm_isdst = -1;
}

int
tzrule_localtime(const char *tz, time_t t, struct tm *out)
{
    struct tz_posix z;
    if (!tz_parse(tz, &z))
        return -1;
    tm_of((int64_t)t + tz_offset(&z, (int64_t)t), out);
    return 0;
}
