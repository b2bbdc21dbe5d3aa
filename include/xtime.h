/* SPDX-License-Identifier: MIT */
/*
 * xtime.h: UTC timestamps as milliseconds since 1970-01-01, parsed from and
 * formatted to the ISO 8601 form protocol logs use
 * (yyyy-MM-ddTHH:mm:ss.fffZ). No time zones, no locale, no libc time calls.
 */
#ifndef EXTLS_XTIME_H
#define EXTLS_XTIME_H

#include <stddef.h>
#include <stdint.h>

/* Buffer size that always holds xtime_format()'s output. */
#define XTIME_BUF 48

/*
 * Parse "yyyy-MM-ddTHH:mm:ss[.f{1,9}][Z]" (a space may stand for 'T') into
 * *ms. Fields are range-checked (month 1-12, day within the month, leap
 * years, hour < 24, minute < 60, second < 60). Digits past milliseconds are
 * truncated. Returns 0 on success, -1 otherwise (*ms unchanged).
 */
int xtime_parse(const char *s, size_t len, int64_t *ms);

/*
 * Like xtime_parse(), but also accepts a bare date "yyyy-MM-dd" (midnight)
 * and "yyyy-MM-ddTHH:mm". For command-line bounds.
 */
int xtime_parse_bound(const char *s, size_t len, int64_t *ms);

/*
 * Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m 1-12,
 * d 1-31, not range-checked); negative before 1970.
 */
int64_t xtime_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The proleptic Gregorian date of `days` since 1970-01-01 (negative before): *y, *m 1-12, *d 1-31.
 */
void xtime_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* 1 if y is a leap year of the proleptic Gregorian calendar, else 0. */
int xtime_is_leap(int64_t y);

/* Write "yyyy-MM-ddTHH:mm:ss.fffZ" into buf (XTIME_BUF bytes); returns buf. */
char *xtime_format(int64_t ms, char *buf);

/* Write "yyyy-MM-dd" into buf (XTIME_BUF bytes); returns buf. */
char *xtime_format_day(int64_t ms, char *buf);

/*
 * Write a duration of `ms` milliseconds (>= 0) into buf (XTIME_BUF bytes)
 * as the options take it, in the largest whole unit: "45s", "90m", "24h",
 * "7d"; days only from two days on, so the one-day --hold reads "24h" as
 * documented; whole milliseconds otherwise ("1500ms"). Returns buf.
 */
char *xtime_format_duration(int64_t ms, char *buf);

#endif /* EXTLS_XTIME_H */
