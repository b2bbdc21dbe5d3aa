/* SPDX-License-Identifier: MIT */
/*
 * calendar.h: calendar questions that depend on a time zone and on "now":
 * the --since/--until words (today, yesterday, -7d, -12h, -30m, bare
 * dates) and the day/hour grouping keys, in UTC or in the machine's zone.
 *
 * The clock is never read here: callers pass `now` (milliseconds since
 * 1970-01-01T00:00Z), so tests can fix it. CALENDAR_LOCAL uses localtime_r(),
 * which honours TZ; a caller that changes TZ must call tzset() and make a
 * new struct calendar (its cache assumes one zone). Nothing here allocates or
 * prints.
 */
#ifndef EXTLS_CALENDAR_H
#define EXTLS_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

/* Which zone draws the day (and hour) boundaries. */
enum calendar_zone {
    CALENDAR_UTC = 0, /* --tz utc (default) */
    CALENDAR_LOCAL,   /* --tz local: the machine's zone, TZ honoured */
};

/* Longest --since/--until offset digits ("-999999999d"). */
#define CALENDAR_OFFSET_DIGITS 9

/* Zone from its --tz name ("utc", "local"); -1 for anything else. */
int calendar_zone_parse(const char *name);

/*
 * Make the tz database zone `name` ("Europe/Berlin": letters, digits and
 * / _ + -, no "..") the process's local zone: when its file exists under
 * TZDIR (default /usr/share/zoneinfo) and is a TZif file, set TZ and call
 * tzset(), so CALENDAR_LOCAL then means it. Returns 0, or -1 (nothing changed).
 * Reads the zone file: the one function here that touches the file system.
 */
int calendar_zone_use(const char *name);

/*
 * Parse a --since/--until value into *ms:
 *   "today", "yesterday"   midnight starting the current / previous day of
 *                          `zone` (the current day is the one `now` is in);
 *   "-Nd", "-Nh", "-Nm"    now minus N days (N x 24 h), hours or minutes
 *                          (N: 1 to CALENDAR_OFFSET_DIGITS digits);
 *   "yyyy-mm-dd"           the first instant of that day in `zone`;
 *   a date and time        isotime_parse_bound(): always UTC.
 * A day that starts in a daylight-saving gap starts at the first instant
 * that exists; one whose midnight occurs twice starts at the first.
 * Returns 0, or -1 if `s` is none of these (*ms unchanged).
 */
int calendar_parse(const char *s, enum calendar_zone zone, int64_t now, int64_t *ms);

/* Nonzero if `s` needs `now` (today, yesterday, an offset). */
int calendar_is_relative(const char *s);

/*
 * Offset of `zone` from UTC at instant `ms`, in milliseconds (local =
 * UTC + offset). 0 for CALENDAR_UTC, and for CALENDAR_LOCAL if localtime_r() fails.
 */
int64_t calendar_offset(enum calendar_zone zone, int64_t ms);

/*
 * Day and hour keys of session starts, for one thread. The struct is
 * public for stack allocation; its members are private. It caches the
 * zone offset per UTC hour and the last keys formatted, so keys of
 * sessions in time order cost no formatting.
 */
struct calendar {
    enum calendar_zone zone;
    int64_t off_hour; /* UTC hour (ms / 3600000) the cached offset holds for; INT64_MIN: none */
    int64_t off;      /* its offset */
    int64_t key_hour; /* local hour (local ms / 3600000) of day[]/hour[]; INT64_MIN: none */
    char day[16];     /* "yyyy-mm-dd" */
    char hour[16];    /* "yyyy-mm-ddThh" */
};

/* Set up `w` for keys in `zone`. */
void calendar_init(struct calendar *w, enum calendar_zone zone);

/*
 * The "yyyy-mm-dd" day and "yyyy-mm-ddThh" hour of instant `ms` in the
 * zone, through *day / *hour (either may be NULL). Borrowed: valid until
 * the next calendar_keys() on `w`. On the day clocks go back, both
 * occurrences of the repeated hour give the same hour key.
 */
void calendar_keys(struct calendar *w, int64_t ms, const char **day, const char **hour);

#endif /* EXTLS_CALENDAR_H */
