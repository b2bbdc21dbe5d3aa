/* SPDX-License-Identifier: MIT */
/*
 * html_int.h: what the files of the HTML page share (html.c the page frame,
 * html_chart.c the SVG charts, html_table.c the tables and to-fix lists):
 * the class names for people and the small writers every part uses. Not
 * for use outside the html module (its interface is html.h).
 */
#ifndef EXTLS_HTML_INT_H
#define EXTLS_HTML_INT_H

#include <stdint.h>
#include <stdio.h>

#include "agg.h"
#include "esc.h"
#include "extls.h"
#include "report.h"
#include "isotime.h"

/* Names for people, in class order ("TLS 1.0"; html.c). */
extern const char *const html_class_label[EXTLS_N_CLASSES];

/*
 * Patterns laid over chart segments, defined once per page (html.c):
 * white stripes over legacy classes, dark stripes the other way over
 * failed TLS (html_chart.c).
 */
#define HATCH_ID "extls-legacy-hatch"
#define FAILED_ID "extls-failed-hatch"

/* ---- small writers ---- */

static inline void
put_u(FILE *out, uint64_t v)
{
    fprintf(out, "%llu", (unsigned long long)v);
}

/* "47%" for part of whole, "-" when whole is 0 (report_pct(), as the table). */
static inline void
put_pct(FILE *out, uint64_t part, uint64_t whole)
{
    char buf[REPORT_PCT_BUF];
    fputs(report_pct(part, whole, buf), out);
}

static inline void
put_field(FILE *out, struct span f)
{
    esc_html(out, f.ptr, f.len);
}

/*
 * A logged value for a table cell: in double quotes when it starts or ends
 * with a space or tab, as in the table format, so that distinct connectors
 * look distinct.
 */
static inline void
put_value(FILE *out, struct span f)
{
    int quote = f.len && (f.ptr[0] == ' ' || f.ptr[0] == '\t' || f.ptr[f.len - 1] == ' ' ||
                          f.ptr[f.len - 1] == '\t');
    if (quote)
        fputs("&quot;", out);
    put_field(out, f);
    if (quote)
        fputs("&quot;", out);
}

static inline void
put_time(FILE *out, int64_t ms)
{
    char buf[ISOTIME_BUF];
    isotime_format(ms, buf);
    fprintf(out, "<time datetime=\"%s\">%s</time>", buf, buf);
}

/* ---- the parts of the page, in page order ---- */

/*
 * "To fix first": v[0..n) are the remote hosts, legacy users first; w is
 * scratch of n entries (html_table.c). saw_nothing: nothing was read, and
 * the section says the answer is unknown rather than "Nothing".
 */
void html_fix_section(FILE *out, const struct agg_group *const *v, size_t n, int saw_nothing,
                      const struct agg_group **w);

/* Stacked bars of the class shares per connector, with a legend (html_chart.c). */
void html_connector_chart(FILE *out, const struct agg_group *const *v, size_t n);

/* The per-connector table (html_table.c). */
void html_connector_table(FILE *out, const struct agg_group *const *v, size_t n);

/*
 * The legacy (`legacy` nonzero) or no-TLS share of each day's sessions, for
 * the days v[0..n) in the range of t (html_chart.c).
 */
void html_trend_chart(FILE *out, const struct agg_group *const *v, size_t n,
                      const struct report_totals *t, int legacy);

/* Sessions per class per day, v[0..n) the days with sessions, sorted (html_chart.c). */
void html_day_chart(FILE *out, const struct agg_group *const *v, size_t n,
                    const struct report_totals *t);

/* The per-remote-host table, v[0..n) legacy users first (html_table.c). */
void html_remote_table(FILE *out, const struct agg_group **v, size_t n);

/* The section grouped by the --by keys of `a` (html_table.c). */
void html_by_table(FILE *out, struct agg *a);

#endif /* EXTLS_HTML_INT_H */
