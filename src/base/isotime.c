/* SPDX-License-Identifier: MIT */
/*
 * isotime.c: proleptic Gregorian calendar arithmetic for UTC timestamps
 * (days_from_civil / civil_from_days, after H. Hinnant's algorithms).
 */
#include "isotime.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MS_PER_DAY 86400000LL

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Read exactly n digits at s[*i]; -1 if any is not a digit. */
static int
digits(const char *s, size_t len, size_t *i, int n)
{
    int v = 0;
    if (*i + (size_t)n > len)
        return -1;
    for (int k = 0; k < n; k++) {
        char c = s[*i + (size_t)k];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)n;
    return v;
}

static int
expect(const char *s, size_t len, size_t *i, char c)
{
    if (*i >= len || s[*i] != c)
        return 0;
    (*i)++;
    return 1;
}

/*
 * The tail "ss[.f{1,9}][Z]" at s[*i] up to len: seconds and milliseconds
 * (digits past milliseconds truncated). Returns 0, or -1 if malformed.
 */
static int
seconds_tail(const char *s, size_t len, size_t i, int *sec, int *frac)
{
    if (i <= len && len - i == 7 && s[i + 2] == '.' && s[i + 6] == 'Z') {
        /* Exchange's own "ss.fffZ" in one step; anything else as below. */
        unsigned s1 = (unsigned char)s[i] - '0', s2 = (unsigned char)s[i + 1] - '0';
        unsigned f1 = (unsigned char)s[i + 3] - '0', f2 = (unsigned char)s[i + 4] - '0',
                 f3 = (unsigned char)s[i + 5] - '0';
        if (s1 <= 5 && s2 <= 9 && f1 <= 9 && f2 <= 9 && f3 <= 9) {
            *sec = (int)(s1 * 10 + s2);
            *frac = (int)(f1 * 100 + f2 * 10 + f3);
            return 0;
        }
    }
    if (i + 2 > len || s[i] < '0' || s[i] > '5' || s[i + 1] < '0' || s[i + 1] > '9')
        return -1;
    *sec = (s[i] - '0') * 10 + (s[i + 1] - '0');
    i += 2;
    *frac = 0;
    if (i < len && s[i] == '.') {
        static const int scale[3] = {100, 10, 1};
        size_t nd = 0;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, nd++) {
            if (nd < 3)
                *frac += (s[i] - '0') * scale[nd];
        }
        if (nd == 0 || nd > 9)
            return -1;
    }
    if (i < len && s[i] == 'Z')
        i++;
    return i == len ? 0 : -1;
}

/* Shared parser; `bound` allows a bare date and a missing seconds part. */
static int
parse(const char *s, size_t len, int64_t *ms, int bound)
{
    size_t i = 0;
    int y = digits(s, len, &i, 4);
    if (y < 0 || !expect(s, len, &i, '-'))
        return -1;
    int mo = digits(s, len, &i, 2);
    if (mo < 1 || mo > 12 || !expect(s, len, &i, '-'))
        return -1;
    int d = digits(s, len, &i, 2);
    if (d < 1 || (unsigned)d > days_in_month(y, (unsigned)mo))
        return -1;
    int h = 0, mi = 0, sec = 0, frac = 0;
    if (i == len && bound)
        goto done;
    if (i >= len || (s[i] != 'T' && s[i] != ' '))
        return -1;
    i++;
    h = digits(s, len, &i, 2);
    if (h < 0 || h > 23 || !expect(s, len, &i, ':'))
        return -1;
    mi = digits(s, len, &i, 2);
    if (mi < 0 || mi > 59)
        return -1;
    if (bound && (i == len || (i + 1 == len && s[i] == 'Z')))
        goto done;
    if (!expect(s, len, &i, ':') || seconds_tail(s, len, i, &sec, &frac) != 0)
        return -1;
done:
    *ms = days_from_civil(y, (unsigned)mo, (unsigned)d) * MS_PER_DAY +
          ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + frac;
    return 0;
}

/*
 * Rows of a log come in time order, so most share the previous row's
 * "yyyy-MM-ddTHH:mm" prefix: remember the last prefix parsed (per thread)
 * and parse only the seconds of such rows. Same results, a third of the work.
 */
#define PREFIX 17 /* "yyyy-MM-ddTHH:mm:" */
static _Thread_local char last_prefix[PREFIX];
static _Thread_local int64_t last_minute_ms = -1;

/*
 * The milliseconds into the minute of Exchange's own tail ":ss.fffZ", the
 * 8 bytes at t, or -1 when they are not in that form. All bytes checked at
 * once: each is XORed with its expected character ('0' for digits), which
 * leaves 0 for a fixed character and 0-9 for a digit; adding 6 (10 for the
 * tens of seconds) to a digit sets bit 4 exactly when it is past 9 (past 5).
 */
static inline int
exchange_tail_ms(const char *t)
{
    uint64_t v;
    memcpy(&v, t, 8);
    /* Little- or big-endian alike: the constants are built in memory order. */
    static const char want[8] = {':', '0', '0', '.', '0', '0', '0', 'Z'};
    static const unsigned char high[8] = {0xFF, 0xF0, 0xF0, 0xFF, 0xF0, 0xF0, 0xF0, 0xFF};
    static const unsigned char add[8] = {0, 10, 6, 0, 6, 6, 6, 0};
    uint64_t w, h, a;
    memcpy(&w, want, 8);
    memcpy(&h, high, 8);
    memcpy(&a, add, 8);
    uint64_t x = v ^ w;
    if ((x & h) != 0 || ((x + a) & 0x1010101010101010u) != 0)
        return -1;
    unsigned char d[8];
    memcpy(d, &x, 8);
    return (d[1] * 10 + d[2]) * 1000 + d[4] * 100 + d[5] * 10 + d[6];
}

/* s starts with last_prefix (s has at least PREFIX bytes). */
static inline int
same_minute(const char *s)
{
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, s, 8);
    memcpy(&a1, s + 8, 8);
    memcpy(&b0, last_prefix, 8);
    memcpy(&b1, last_prefix + 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0 && s[16] == last_prefix[16];
}

/* isotime_parse() of any row but the commonest (kept apart so that one stays small). */
__attribute__((noinline)) static int
parse_row(const char *s, size_t len, int64_t *ms)
{
    if (last_minute_ms >= 0 && len >= PREFIX + 2 && memcmp(s, last_prefix, PREFIX) == 0) {
        int sec, frac;
        if (seconds_tail(s, len, PREFIX, &sec, &frac) != 0)
            return -1;
        *ms = last_minute_ms + sec * 1000 + frac;
        return 0;
    }
    if (parse(s, len, ms, 0) != 0)
        return -1;
    /* Remember the minute of a full "yyyy-MM-ddTHH:mm:" form (not the space form). */
    if (len >= PREFIX + 2 && s[10] == 'T' && s[16] == ':' && *ms >= 0) {
        memcpy(last_prefix, s, PREFIX);
        last_minute_ms = *ms - *ms % 60000;
    }
    return 0;
}

int
isotime_parse(const char *s, size_t len, int64_t *ms)
{
    if (len == PREFIX + 7 && last_minute_ms >= 0 && same_minute(s)) {
        /* The commonest row: the minute of the last one, then ":ss.fffZ" (s[16] is the ':'). */
        int t = exchange_tail_ms(s + PREFIX - 1);
        if (t >= 0) {
            *ms = last_minute_ms + t;
            return 0;
        }
    }
    return parse_row(s, len, ms);
}

int64_t
isotime_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    return days_from_civil(y, m, d);
}

void
isotime_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    civil_from_days(days, y, m, d);
}

int
isotime_is_leap(int64_t y)
{
    return is_leap(y);
}

int
isotime_parse_bound(const char *s, size_t len, int64_t *ms)
{
    return parse(s, len, ms, 1);
}

static void
split(int64_t ms, int64_t *y, unsigned *mo, unsigned *d, int64_t *msday)
{
    int64_t days = ms / MS_PER_DAY;
    *msday = ms % MS_PER_DAY;
    if (*msday < 0) {
        *msday += MS_PER_DAY;
        days--;
    }
    civil_from_days(days, y, mo, d);
}

char *
isotime_format(int64_t ms, char *buf)
{
    int64_t y, r;
    unsigned mo, d;
    split(ms, &y, &mo, &d, &r);
    if (y >= 0 && y <= 9999) {
        /* What the snprintf() below writes for a year of four digits, without its cost per call. */
        unsigned v[7] = {
            (unsigned)y / 100,          (unsigned)y % 100,        mo, d, (unsigned)(r / 3600000),
            (unsigned)(r / 60000 % 60), (unsigned)(r / 1000 % 60)};
        static const char sep[7] = {0, 0, '-', '-', 'T', ':', ':'};
        char *p = buf;
        for (int i = 0; i < 7; i++) {
            if (sep[i])
                *p++ = sep[i];
            *p++ = (char)('0' + v[i] / 10);
            *p++ = (char)('0' + v[i] % 10);
        }
        unsigned f = (unsigned)(r % 1000);
        p[0] = '.';
        p[1] = (char)('0' + f / 100);
        p[2] = (char)('0' + f / 10 % 10);
        p[3] = (char)('0' + f % 10);
        p[4] = 'Z';
        p[5] = '\0';
        return buf;
    }
    snprintf(buf, ISOTIME_BUF, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)y, mo, d,
             (unsigned)(r / 3600000), (unsigned)(r / 60000 % 60), (unsigned)(r / 1000 % 60),
             (unsigned)(r % 1000));
    return buf;
}

char *
isotime_format_day(int64_t ms, char *buf)
{
    int64_t y, r;
    unsigned mo, d;
    split(ms, &y, &mo, &d, &r);
    snprintf(buf, ISOTIME_BUF, "%04lld-%02u-%02u", (long long)y, mo, d);
    return buf;
}

char *
isotime_format_duration(int64_t ms, char *buf)
{
    static const struct {
        int64_t ms;
        const char *unit;
    } units[] = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        int64_t u = units[i].ms;
        if (ms > 0 && ms % u == 0 && (i > 0 || ms >= 2 * u)) {
            snprintf(buf, ISOTIME_BUF, "%" PRId64 "%s", ms / u, units[i].unit);
            return buf;
        }
    }
    snprintf(buf, ISOTIME_BUF, "%" PRId64 "ms", ms);
    return buf;
}
