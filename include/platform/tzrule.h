/* SPDX-License-Identifier: MIT */
/*
 * tzrule.h: local time from a TZ value in the POSIX form, computed by hand.
 *
 * "CET-1CEST,M3.5.0,M10.5.0/3", "<+0545>-5:45", "EST5EDT", "UTC": a
 * standard zone name and offset, optionally a daylight-saving name, offset
 * and the two rules (Mm.w.d, Jn or n, each with an optional /time) that
 * start and end it; without rules, those of the United States. Names of
 * the tz database ("Europe/Berlin") are not this form and are refused.
 *
 * The platform module on Windows uses it, where the C runtime does not
 * understand these values; it is plain C, so it builds and is tested on
 * every system (against the C library's own reading of TZ on POSIX ones).
 * No state, no system call, no allocation.
 */
#ifndef EXTLS_TZRULE_H
#define EXTLS_TZRULE_H

#include <time.h>

/*
 * Local wall-clock time of instant `t` in the zone described by `tz` (a
 * POSIX TZ value without the optional leading ':'). 0 with *out filled
 * (tm_isdst -1, tm_yday 0), or -1 if `tz` is not of the POSIX form
 * (*out unchanged).
 */
int tzrule_localtime(const char *tz, time_t t, struct tm *out);

#endif /* EXTLS_TZRULE_H */
