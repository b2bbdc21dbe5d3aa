/* SPDX-License-Identifier: MIT */
/*
 * isotime.h: UTC timestamps as milliseconds since 1970-01-01, parsed from and
 * formatted to the ISO 8601 form protocol logs use
 * (yyyy-MM-ddTHH:mm:ss.fffZ). No time zones, no locale, no libc time calls.
 */
#ifndef EXTLS_ISOTIME_H
#define EXTLS_ISOTIME_H

#include <stddef.h>
#include <stdint.h>

/* Buffer size that always holds isotime_format()'s output. */
#define ISOTIME_BUF 48

/*
 * Parse "yyyy-MM-ddTHH:mm:ss[.f{1,9}][Z]" (a space may stand for 'T') into
 * *ms. Fields are range-checked (month 1-12, day within the month, leap
 * years, hour < 24, minute < 60, second < 60). Digits past milliseconds are
 * truncated. Returns 0 on success, -1 otherwise (*ms unchanged).
 */
int isotime_parse(const char *s, size_t len, int64_t *ms);

/*
 * Like isotime_parse(), but also accepts a bare date "yyyy-MM-dd" (midnight)
 * and "yyyy-MM-ddTHH:mm". For command-line bounds.
 */
int isotime_parse_bound(const char *s, size_t len, int64_t *ms);

/*
 * Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m 1-12,
 * d 1-31, not range-checked); negative before 1970.
 */
int64_t isotime_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The proleptic Gregorian date of `days` since 1970-01-01 (negative before): *y, *m 1-12, *d 1-31.
 */
void isotime_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* 1 if y is a leap year of the proleptic Gregorian calendar, else 0. */
int isotime_is_leap(int64_t y);

/* Write "yyyy-MM-ddTHH:mm:ss.fffZ" into buf (ISOTIME_BUF bytes); returns buf. */
char *isotime_format(int64_t ms, char *buf);

/* Write "yyyy-MM-dd" into buf (ISOTIME_BUF bytes); returns buf. */
char *isotime_format_day(int64_t ms, char *buf);

/*
 * Write a duration of `ms` milliseconds (>= 0) into buf (ISOTIME_BUF bytes)
 * as the options take it, in the largest whole unit: "45s", "90m", "24h",
 * "7d"; days only from two days on, so the one-day --hold reads "24h" as
 * documented; whole milliseconds otherwise ("1500ms"). Returns buf.
 */
char *isotime_format_duration(int64_t ms, char *buf);

#endif /* EXTLS_ISOTIME_H */
