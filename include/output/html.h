/* SPDX-License-Identifier: MIT */
/*
 * html.h: the summary as one self-contained HTML5 page (--format html).
 *
 * The page has a header (what it reports on: the time range of the counted
 * sessions, the servers, when it was generated, the totals with their
 * shares of all sessions), the to-fix lists (remote hosts on SSL 2/3 or
 * TLS 1.0/1.1, send partners that never started TLS), a stacked bar per
 * connector with the share of each class, the legacy and no-TLS share of
 * each day's sessions as small multiples (each on its own axis), a stacked
 * bar chart of sessions per class per UTC day (all inline SVG, with a
 * legend and <title> elements for screen readers and tooltips), the
 * per-connector and per-remote-host tables of the table format, and a
 * table grouped by --by when the report has `groups`.
 *
 * Invariants: the page loads nothing (no script, style sheet, font or image
 * from elsewhere); it is valid UTF-8 and also well-formed XML (every element
 * closed, only &amp; &lt; &gt; &quot; and numeric references); and its bytes
 * depend only on the report (r->generated_ms included: the caller reads the
 * clock, not this module), groups in sorted order.
 */
#ifndef EXTLS_HTML_H
#define EXTLS_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "extls.h"
#include "report.h"

/* Width of a connector's bar, in SVG user units (the viewBox). */
#define HTML_BAR_WIDTH 600u
/* Height of the plot area of the per-day chart, in SVG user units. */
#define HTML_DAY_HEIGHT 200u
/* Longest time range, in days, drawn with a slot for every day; above it
 * only the days that have sessions get a bar. */
#define HTML_DAYS_MAX 366
/* Most parts html_split() divides a length into. */
#define HTML_SPLIT_MAX 16u

/*
 * Divide `length` units into n (<= HTML_SPLIT_MAX) parts in proportion to
 * count[0..n) and store them in out[0..n). The parts sum to exactly
 * `length` (0 when every count is 0): each part is the floor of its exact
 * share, and the units left over go one each to the parts with the largest
 * remainders (ties: the lower index). Then every part with a non-zero count
 * but 0 units takes one unit from the largest part (ties: the lower index)
 * if that has at least 2, so that a single TLS 1.0 session among thousands
 * is still visible. Counts with more than 27 significant bits are first
 * shifted right alike, keeping the arithmetic within 64 bits.
 */
void html_split(const uint64_t *count, size_t n, unsigned length, unsigned *out);

/*
 * Axis scale for a chart whose largest value is `max`: the smallest step
 * of the form 1, 2 or 5 times a power of ten that covers `max` in at most 5
 * steps, in *step; returns the top of the axis, a multiple of *step >= max.
 * max 0 gives step 1 and top 1. Values above 2^62 are treated as 2^62.
 */
uint64_t html_axis(uint64_t max, uint64_t *step);

/*
 * Write the page for r->totals, r->by_connector (direction, connector),
 * r->by_remote (direction, remote; NULL: no to-fix or remote sections),
 * r->by_day (day; NULL: no per-day sections), r->groups (NULL: no --by
 * section), r->servers and r->generated_ms (0: not shown) to `out`. Returns
 * EXTLS_OK or EXTLS_ENOMEM (output then stops part-way). Write errors are
 * left in the stream's error flag for the caller (report_write()).
 */
enum extls_status html_write(FILE *out, struct report *r);

#endif /* EXTLS_HTML_H */
