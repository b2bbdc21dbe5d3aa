/* SPDX-License-Identifier: MIT */
/*
 * html.c: the summary as one HTML5 page with inline CSS and SVG charts.
 * Writes only; the numbers come from the report's tables as they are (the
 * per-connector and per-remote-host tables of the table format, plus the
 * sessions per UTC day). No script, no external resource, no clock.
 */
#include "html.h"

#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "esc.h"
#include "xtime.h"

#define MS_PER_DAY 86400000LL

/* Names for people, in class order. */
static const char *const class_label[EXTLS_N_CLASSES] = {
    "SSL 2",      "SSL 3",  "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3", "TLS, version not logged",
    "TLS failed", "no TLS",
};

/*
 * Okabe-Ito colours (distinguishable with the common colour vision
 * deficiencies) plus wine and grey; neighbours in class order differ in
 * lightness, and legacy and failed segments are also striped (put_rect()),
 * so the stacks still read in greyscale.
 */
static const char *const class_colour[EXTLS_N_CLASSES] = {
    "#882255", "#D55E00", "#E69F00", "#F0E442", "#0072B2",
    "#56B4E9", "#009E73", "#CC79A7", "#BBBBBB",
};

/*
 * Patterns laid over segments, defined once per page: white stripes over
 * legacy classes, dark stripes the other way over failed TLS.
 */
#define HATCH_ID "extls-legacy-hatch"
#define FAILED_ID "extls-failed-hatch"

/* One segment of class c: its colour, then its stripes if it has any. */
static void
put_rect(FILE *out, int c, unsigned x, unsigned y, unsigned w, unsigned h)
{
    fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>", x, y, w, h,
            class_colour[c]);
    const char *over = extls_class_is_legacy((enum extls_class)c) ? HATCH_ID
                       : c == EXTLS_TLS_FAILED                    ? FAILED_ID
                                                                  : NULL;
    if (over)
        fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"url(#%s)\"/>", x, y,
                w, h, over);
}

void
html_split(const uint64_t *count, size_t n, unsigned length, unsigned *out)
{
    uint64_t c[HTML_SPLIT_MAX], rem[HTML_SPLIT_MAX], max = 0, total = 0;
    unsigned shift = 0;
    if (n > HTML_SPLIT_MAX)
        n = HTML_SPLIT_MAX;
    for (size_t i = 0; i < n; i++) {
        if (count[i] > max)
            max = count[i];
    }
    while ((max >> shift) >> 27)
        shift++;
    for (size_t i = 0; i < n; i++) {
        c[i] = count[i] >> shift;
        total += c[i];
    }
    /* total < 16 * 2^27 = 2^31 and length < 2^32: products fit in 64 bits. */
    unsigned used = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = total ? (unsigned)(c[i] * length / total) : 0;
        rem[i] = total ? c[i] * length % total : 0;
        used += out[i];
    }
    for (unsigned left = total ? length - used : 0; left > 0; left--) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++) {
            if (rem[i] > rem[best])
                best = i;
        }
        out[best]++;
        rem[best] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!count[i] || out[i])
            continue;
        size_t big = 0;
        for (size_t k = 1; k < n; k++) {
            if (out[k] > out[big])
                big = k;
        }
        if (out[big] < 2)
            break;
        out[big]--;
        out[i]++;
    }
}

uint64_t
html_axis(uint64_t max, uint64_t *step)
{
    static const unsigned mult[3] = {1, 2, 5};
    if (max > (1ull << 62))
        max = 1ull << 62;
    if (max == 0) {
        *step = 1;
        return 1;
    }
    for (uint64_t p = 1;; p *= 10) {
        for (int i = 0; i < 3; i++) {
            uint64_t s = p * mult[i];
            uint64_t ticks = max / s + (max % s != 0);
            if (ticks <= 5) {
                *step = s;
                return ticks * s;
            }
        }
    }
}

/* ---- small writers ---- */

static void
put_u(FILE *out, uint64_t v)
{
    fprintf(out, "%llu", (unsigned long long)v);
}

/* "47%" for part of whole, "-" when whole is 0 (report_pct(), as the table). */
static void
put_pct(FILE *out, uint64_t part, uint64_t whole)
{
    char buf[REPORT_PCT_BUF];
    fputs(report_pct(part, whole, buf), out);
}

static void
put_field(FILE *out, struct span f)
{
    esc_html(out, f.ptr, f.len);
}

/*
 * A logged value for a table cell: in double quotes when it starts or ends
 * with a space or tab, as in the table format, so that distinct connectors
 * look distinct.
 */
static void
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

static void
put_time(FILE *out, int64_t ms)
{
    char buf[XTIME_BUF];
    xtime_format(ms, buf);
    fprintf(out, "<time datetime=\"%s\">%s</time>", buf, buf);
}

/* ---- page parts ---- */

static const char style[] =
    ":root{color-scheme:light;color:#1b1b1b;background:#fff;"
    "font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"DejaVu Sans\","
    "Arial,sans-serif}\n"
    "body{margin:0 auto;max-width:1280px;padding:0 1.5rem 1.5rem;line-height:1.4}\n"
    "h1{font-size:1.5rem;margin:1rem 0 .25rem}\n"
    "h2{font-size:1.15rem;margin:1.75rem 0 .5rem;padding-bottom:.2rem;"
    "border-bottom:1px solid #ccc}\n"
    "p{margin:.3rem 0}\n"
    ".note{color:#555;font-size:.85rem}\n"
    "dl.totals{display:flex;flex-wrap:wrap;gap:.5rem 2.25rem;margin:.75rem 0}\n"
    "dl.totals div{min-width:6rem}\n"
    "dt{color:#555;font-size:.8rem}\n"
    "dd{margin:0;font-size:1.25rem;font-weight:600;font-variant-numeric:tabular-nums}\n"
    "dl.totals div.warn dd{color:#a3122a}\n"
    "figure{margin:.5rem 0 1rem}\n"
    "figcaption{font-size:.9rem;color:#333;margin-bottom:.3rem}\n"
    "ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;padding:0;"
    "margin:.25rem 0 .6rem;font-size:.8rem}\n"
    "ul.legend svg{vertical-align:-1px;margin-right:.3rem}\n"
    "ul.legend code{color:#666}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;font-size:.8rem;font-variant-numeric:tabular-nums}\n"
    "caption{text-align:left;color:#555;font-size:.8rem;padding:.2rem 0}\n"
    "th,td{padding:.2rem .45rem;text-align:right;border-bottom:1px solid #e4e4e4;"
    "white-space:nowrap}\n"
    "thead th{background:#f2f2f2;vertical-align:bottom;white-space:normal;font-weight:600}\n"
    ".t{text-align:left}\n"
    ".v{text-align:left;white-space:pre}\n"
    "tr.legacy td{background:#fdeeee}\n"
    "td.hot{color:#a3122a;font-weight:700}\n"
    "table.bars th{text-align:left;font-weight:normal;white-space:normal;max-width:24rem}\n"
    "table.bars td,table.bars tbody th{border-bottom:none;padding:.15rem .45rem}\n"
    "svg.defs{position:absolute;width:0;height:0}\n"
    ".dir{color:#666;font-size:.75rem;margin-right:.4rem}\n"
    "svg.bar{display:block;width:600px;max-width:60vw;height:auto}\n"
    "svg.days{display:block;max-width:100%;height:auto}\n"
    "footer{margin-top:2rem;color:#666;font-size:.8rem}\n"
    "p.meta{color:#444;font-size:.9rem}\n"
    "section.fix{border:2px solid #a3122a;border-radius:6px;padding:.25rem 1rem .75rem;"
    "margin-top:1rem}\n"
    "section.fix h2{border-bottom:none;color:#a3122a;margin-top:.5rem}\n"
    "section.fix h3{font-size:1rem;margin:.75rem 0 .3rem}\n"
    "details summary{cursor:pointer;font-size:.85rem;color:#333;margin:.3rem 0}\n"
    "div.trend{display:flex;flex-wrap:wrap;gap:1rem 2rem}\n"
    "svg.trend{display:block;max-width:100%;height:auto}\n"
    "@media print{body{max-width:none}svg,tr.legacy td{print-color-adjust:exact;"
    "-webkit-print-color-adjust:exact}}\n";

static void
page_head(FILE *out, const struct report_totals *t)
{
    char a[XTIME_BUF], b[XTIME_BUF];
    fputs("<!DOCTYPE html>\n"
          "<html lang=\"en\">\n"
          "<head>\n"
          "<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<meta name=\"generator\" content=\"extls " EXTLS_VERSION "\"/>\n"
          "<title>extls: TLS use",
          out);
    if (t->sessions)
        fprintf(out, ", %s to %s", xtime_format(t->first_ms, a), xtime_format(t->last_ms, b));
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
    /* Not display:none, which would disable the pattern in some browsers. */
    fputs("<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>"
          "<pattern id=\"" HATCH_ID "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
          "patternTransform=\"rotate(45)\"><rect width=\"2\" height=\"6\" fill=\"#ffffff\" "
          "fill-opacity=\"0.6\"/></pattern>"
          "<pattern id=\"" FAILED_ID "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
          "patternTransform=\"rotate(-45)\"><rect width=\"1.5\" height=\"6\" fill=\"#000000\" "
          "fill-opacity=\"0.3\"/></pattern></defs></svg>\n",
          out);
}

/* One item of the totals list; `warn` marks a number that should be 0. */
static void
total_item(FILE *out, const char *what, uint64_t v, int warn)
{
    fprintf(out, "<div%s><dt>%s</dt><dd>", warn && v ? " class=\"warn\"" : "", what);
    put_u(out, v);
    fputs("</dd></div>\n", out);
}

static void
page_header(FILE *out, const struct report *r, const uint64_t *cls, uint64_t legacy_hosts)
{
    const struct report_totals *t = &r->totals;
    fputs("<header>\n<h1>TLS use in Exchange SMTP protocol logs</h1>\n", out);
    if (t->sessions) {
        fputs("<p>Sessions starting from ", out);
        put_time(out, t->first_ms);
        fputs(" to ", out);
        put_time(out, t->last_ms);
        fputs(" (UTC).</p>\n", out);
    } else {
        fputs("<p>No sessions counted.</p>\n", out);
    }
    fputs("<p class=\"meta\">Servers: ", out);
    if (r->servers && r->servers[0])
        esc_html(out, r->servers, strlen(r->servers));
    else
        fputs("not named in the logs (give --server NAME)", out);
    if (r->generated_ms) {
        fputs(". Report generated ", out);
        put_time(out, r->generated_ms);
        fputs(" by extls " EXTLS_VERSION, out);
    }
    fputs(".</p>\n", out);
    uint64_t tls = extls_with_tls_count(cls), legacy = extls_legacy_count(cls);
    fputs("<dl class=\"totals\">\n", out);
    total_item(out, "sessions", t->sessions, 0);
    fputs("<div><dt>with TLS</dt><dd>", out);
    put_u(out, tls);
    fputs(" (", out);
    put_pct(out, tls, t->sessions);
    fputs(")</dd></div>\n", out);
    fprintf(out, "<div%s><dt>legacy: SSL 2/3, TLS 1.0/1.1</dt><dd>",
            legacy ? " class=\"warn\"" : "");
    put_u(out, legacy);
    fputs(" (", out);
    put_pct(out, legacy, t->sessions);
    fputs(")</dd></div>\n", out);
    fprintf(out, "<div%s><dt>no TLS</dt><dd>", cls[EXTLS_NONE] ? " class=\"warn\"" : "");
    put_u(out, cls[EXTLS_NONE]);
    fputs(" (", out);
    put_pct(out, cls[EXTLS_NONE], t->sessions);
    fputs(")</dd></div>\n", out);
    if (legacy_hosts != UINT64_MAX) /* unknown for merged reports without remote keys */
        total_item(out, "remote hosts on legacy protocols", legacy_hosts, 1);
    total_item(out, "files read", t->files, 0);
    if (t->files_skipped)
        total_item(out, "files skipped", t->files_skipped, 0);
    if (t->files_failed)
        total_item(out, "files unreadable", t->files_failed, 1);
    total_item(out, "rows", t->rows, 0);
    total_item(out, "malformed rows", t->malformed, 1);
    if (t->excluded)
        total_item(out, "sessions excluded by filters", t->excluded, 0);
    fputs("</dl>\n"
          "<p class=\"note\">Every share on this page is of all the sessions counted (of the "
          "page, connector, host or day): with TLS = any TLS version, also one not logged; "
          "legacy = SSL 2/3 or TLS 1.0/1.1; no TLS = never started TLS. "
          "Times are session starts as logged, in UTC.</p>\n"
          "</header>\n",
          out);
}

static void
legend(FILE *out)
{
    fputs("<ul class=\"legend\">\n", out);
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        fputs("<li><svg width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" aria-hidden=\"true\">",
              out);
        put_rect(out, c, 0, 0, 12, 12);
        fprintf(out, "</svg>%s <code>%s</code></li>\n", class_label[c],
                extls_class_name((enum extls_class)c));
    }
    fputs("</ul>\n", out);
}

/* "<title>TLS 1.2: 4 of 5 sessions (80%)</title>", after "`day`, " if given. */
static void
segment_title(FILE *out, const char *day, int c, uint64_t part, uint64_t whole)
{
    fprintf(out, "<title>%s%s%s: ", day ? day : "", day ? ", " : "", class_label[c]);
    put_u(out, part);
    fputs(" of ", out);
    put_u(out, whole);
    fputs(whole == 1 ? " session (" : " sessions (", out);
    put_pct(out, part, whole);
    fputs(")</title>", out);
}

/* One connector's stacked bar: an SVG HTML_BAR_WIDTH units wide. */
static void
connector_bar(FILE *out, const struct agg_group *g)
{
    unsigned w[EXTLS_N_CLASSES];
    html_split(g->count, EXTLS_N_CLASSES, HTML_BAR_WIDTH, w);
    fprintf(out,
            "<svg class=\"bar\" width=\"%u\" height=\"18\" viewBox=\"0 0 %u 18\" role=\"img\">"
            "<title>",
            HTML_BAR_WIDTH, HTML_BAR_WIDTH);
    put_field(out, g->key[AGG_DIRECTION]);
    putc(' ', out);
    put_field(out, g->key[AGG_CONNECTOR]);
    fputs(": ", out);
    put_u(out, g->sessions);
    fputs(g->sessions == 1 ? " session" : " sessions", out);
    const char *sep = ": ";
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        if (!g->count[c])
            continue;
        fprintf(out, "%s%s ", sep, class_label[c]);
        put_u(out, g->count[c]);
        sep = ", ";
    }
    fputs("</title>\n", out);
    unsigned x = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        if (!w[c])
            continue;
        fputs("<g>", out);
        segment_title(out, NULL, c, g->count[c], g->sessions);
        put_rect(out, c, x, 0, w[c], 18);
        fputs("</g>\n", out);
        x += w[c];
    }
    fputs("</svg>", out);
}

static void
connector_chart(FILE *out, const struct agg_group *const *v, size_t n)
{
    fputs("<figure>\n<figcaption>Share of each class in the sessions of each connector"
          "</figcaption>\n",
          out);
    legend(out);
    fputs("<table class=\"bars\">\n<thead><tr><th scope=\"col\">Connector</th>"
          "<th scope=\"col\">Sessions</th><th scope=\"col\">Share</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><th scope=\"row\"><span class=\"dir\">", out);
        put_field(out, v[i]->key[AGG_DIRECTION]);
        fputs("</span>", out);
        put_value(out, v[i]->key[AGG_CONNECTOR]);
        fputs("</th><td>", out);
        put_u(out, v[i]->sessions);
        fputs("</td><td>", out);
        connector_bar(out, v[i]);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</figure>\n", out);
}

/* Day number (days since 1970-01-01, rounded down) of a time. */
static int64_t
day_of(int64_t ms)
{
    return ms / MS_PER_DAY - (ms % MS_PER_DAY < 0);
}

/* Layout of the per-day chart, in SVG user units. */
#define DAY_LEFT 56u  /* room for the axis labels */
#define DAY_TOP 12u   /* above the plot */
#define DAY_BOTTOM 34 /* room for the day labels */
#define DAY_RIGHT 12
#define DAY_PLOT_MIN 240 /* narrowest plot area */
#define DAY_STEP_MAX 72  /* widest slot per day */
#define DAY_STEP_MIN 4
#define DAY_LABEL_W 68 /* room a "yyyy-mm-dd" label needs */

/* Height in units of `v` on an axis of `top` over `height` units. */
static unsigned
scale(uint64_t v, uint64_t top, unsigned height)
{
    uint64_t parts[2] = {v, top - v};
    unsigned h[2];
    html_split(parts, 2, height, h);
    return h[0];
}

/*
 * One day's stack; g NULL (no sessions that day) draws nothing. `day` is a
 * "yyyy-mm-dd" made by xtime_format_day(), written without escaping.
 */
static void
day_bar(FILE *out, const char *day, const struct agg_group *g, unsigned x, unsigned bar_w,
        uint64_t top)
{
    unsigned h[EXTLS_N_CLASSES];
    if (!g)
        return;
    unsigned stack = scale(g->sessions, top, HTML_DAY_HEIGHT);
    html_split(g->count, EXTLS_N_CLASSES, stack, h);
    fprintf(out, "<g><title>%s: ", day);
    put_u(out, g->sessions);
    fputs(g->sessions == 1 ? " session</title>\n" : " sessions</title>\n", out);
    unsigned y = DAY_TOP + HTML_DAY_HEIGHT;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        if (!h[c])
            continue;
        y -= h[c];
        fputs("<g>", out);
        segment_title(out, day, c, g->count[c], g->sessions);
        put_rect(out, c, x, y, bar_w, h[c]);
        fputs("</g>\n", out);
    }
    fputs("</g>\n", out);
}

/*
 * The per-day chart: one slot per day from the first to the last session's
 * day (empty days keep their slot) when that is at most HTML_DAYS_MAX days,
 * else one per day with sessions; v holds the days with sessions, sorted.
 * Slots are up to DAY_STEP_MAX units wide; the y axis is html_axis() of the
 * busiest day over HTML_DAY_HEIGHT units; every label_every-th day named.
 */
static void
day_chart(FILE *out, const struct agg_group *const *v, size_t n, const struct report_totals *t)
{
    int64_t first = day_of(t->first_ms), last = day_of(t->last_ms);
    int every_day = t->first_ms <= t->last_ms && last - first < HTML_DAYS_MAX;
    size_t slots = every_day ? (size_t)(last - first + 1) : n;
    uint64_t max = 0, ystep;
    for (size_t i = 0; i < n; i++) {
        if (v[i]->sessions > max)
            max = v[i]->sessions;
    }
    uint64_t top = html_axis(max, &ystep);
    unsigned step = (unsigned)(1000 / slots);
    if (step > DAY_STEP_MAX)
        step = DAY_STEP_MAX;
    if (step < DAY_STEP_MIN)
        step = DAY_STEP_MIN;
    unsigned bar_w = step - (step / 4 ? step / 4 : 1);
    unsigned plot = (unsigned)slots * step < DAY_PLOT_MIN ? DAY_PLOT_MIN : (unsigned)slots * step;
    unsigned x0 = DAY_LEFT + (plot - (unsigned)slots * step) / 2;
    unsigned width = DAY_LEFT + plot + DAY_RIGHT, height = DAY_TOP + HTML_DAY_HEIGHT + DAY_BOTTOM;
    unsigned label_every = (DAY_LABEL_W + step - 1) / step;
    char a[XTIME_BUF], b[XTIME_BUF];

    fputs("<figure>\n<figcaption>Sessions per class per day (UTC day of the session start)"
          "</figcaption>\n",
          out);
    legend(out);
    fprintf(out,
            "<div class=\"scroll\"><svg class=\"days\" width=\"%u\" height=\"%u\" "
            "viewBox=\"0 0 %u %u\" role=\"img\" font-size=\"11\" fill=\"#444\">\n"
            "<title>Sessions per class per day, %s to %s</title>\n<desc>",
            width, height, width, height, xtime_format_day(t->first_ms, a),
            xtime_format_day(t->last_ms, b));
    put_u(out, (uint64_t)slots);
    fputs(every_day ? (slots == 1 ? " day" : " days")
                    : " days with sessions (days without omitted)",
          out);
    fputs("; the busiest had ", out);
    put_u(out, max);
    fputs(max == 1 ? " session.</desc>\n" : " sessions.</desc>\n", out);

    /* Grid lines and their values. */
    for (uint64_t y = 0; y <= top; y += ystep) {
        unsigned py = DAY_TOP + HTML_DAY_HEIGHT - scale(y, top, HTML_DAY_HEIGHT);
        fprintf(out,
                "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"%s\"/>"
                "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">",
                DAY_LEFT, py, DAY_LEFT + plot, py, y ? "#dddddd" : "#888888", DAY_LEFT - 6, py + 4);
        put_u(out, y);
        fputs("</text>\n", out);
    }
    size_t j = 0;
    for (size_t i = 0; i < slots; i++) {
        char day[XTIME_BUF];
        const struct agg_group *g = NULL;
        if (every_day) {
            xtime_format_day((first + (int64_t)i) * MS_PER_DAY, day);
            size_t dl = strlen(day);
            while (j < n &&
                   (v[j]->key[AGG_DAY].len != dl || memcmp(v[j]->key[AGG_DAY].ptr, day, dl) < 0))
                j++;
            if (j < n && v[j]->key[AGG_DAY].len == dl &&
                memcmp(v[j]->key[AGG_DAY].ptr, day, dl) == 0)
                g = v[j];
        } else {
            size_t dl =
                v[i]->key[AGG_DAY].len < XTIME_BUF - 1 ? v[i]->key[AGG_DAY].len : XTIME_BUF - 1;
            memcpy(day, v[i]->key[AGG_DAY].ptr, dl);
            day[dl] = '\0';
            g = v[i];
        }
        unsigned x = x0 + (unsigned)i * step;
        day_bar(out, day, g, x + (step - bar_w) / 2, bar_w, top);
        if (i % label_every == 0)
            fprintf(out, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%s</text>\n", x + step / 2,
                    DAY_TOP + HTML_DAY_HEIGHT + 16, day);
    }
    fputs("</svg></div>\n</figure>\n", out);
}

/* <th> cells naming the classes. */
static void
class_headers(FILE *out)
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        fprintf(out, "<th scope=\"col\">%s</th>", class_label[c]);
}

/* <td> cells with a group's class counts; legacy counts above 0 stand out. */
static void
class_cells(FILE *out, const struct agg_group *g)
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        int hot = g->count[c] && extls_class_is_legacy((enum extls_class)c);
        fputs(hot ? "<td class=\"hot\">" : "<td>", out);
        put_u(out, g->count[c]);
        fputs("</td>", out);
    }
}

static void
connector_table(FILE *out, const struct agg_group *const *v, size_t n)
{
    fputs("<div class=\"scroll\"><table>\n<caption>TLS: share of the connector's sessions with "
          "TLS; legacy: share of its sessions on SSL 2/3 or TLS 1.0/1.1</caption>\n"
          "<thead><tr><th scope=\"col\" class=\"t\">Direction</th>"
          "<th scope=\"col\" class=\"t\">Connector</th><th scope=\"col\">Sessions</th>",
          out);
    class_headers(out);
    fputs("<th scope=\"col\">TLS</th><th scope=\"col\">Legacy</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct agg_group *g = v[i];
        uint64_t tls = extls_with_tls_count(g->count), legacy = extls_legacy_count(g->count);
        fputs(legacy ? "<tr class=\"legacy\"><td class=\"t\">" : "<tr><td class=\"t\">", out);
        put_field(out, g->key[AGG_DIRECTION]);
        fputs("</td><td class=\"v\">", out);
        put_value(out, g->key[AGG_CONNECTOR]);
        fputs("</td><td>", out);
        put_u(out, g->sessions);
        fputs("</td>", out);
        class_cells(out, g);
        fputs("<td>", out);
        put_pct(out, tls, g->sessions);
        fputs("</td><td>", out);
        put_pct(out, legacy, g->sessions);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table></div>\n", out);
}

static void
remote_table(FILE *out, const struct agg_group **v, size_t n)
{
    if (n)
        qsort(v, n, sizeof(*v), agg_cmp_legacy_first);
    fputs("<div class=\"scroll\"><table>\n<caption>Remote hosts on SSL 2/3 or TLS 1.0/1.1 "
          "first (highlighted); EHLO name: the latest seen</caption>\n"
          "<thead><tr><th scope=\"col\" class=\"t\">Direction</th>"
          "<th scope=\"col\" class=\"t\">Remote host</th>"
          "<th scope=\"col\" class=\"t\">EHLO name</th><th scope=\"col\">Sessions</th>",
          out);
    class_headers(out);
    fputs("<th scope=\"col\" class=\"t\">Last seen</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct agg_group *g = v[i];
        fputs(extls_legacy_count(g->count) ? "<tr class=\"legacy\"><td class=\"t\">"
                                           : "<tr><td class=\"t\">",
              out);
        put_field(out, g->key[AGG_DIRECTION]);
        fputs("</td><td class=\"v\">", out);
        put_value(out, g->key[AGG_REMOTE]);
        fputs("</td><td class=\"v\">", out);
        put_value(out, g->host);
        fputs("</td><td>", out);
        put_u(out, g->sessions);
        fputs("</td>", out);
        class_cells(out, g);
        fputs("<td class=\"t\">", out);
        put_time(out, g->last_ms);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table></div>\n", out);
}

/* ---- to fix first ---- */

#define FIX_SHOWN 20 /* rows of each to-fix list before the rest folds into <details> */

/* "tls1_0, tls1_1" as class labels: the legacy classes a group used. */
static void
put_legacy_classes(FILE *out, const struct agg_group *g)
{
    const char *sep = "";
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        if (g->count[c] && extls_class_is_legacy((enum extls_class)c)) {
            fprintf(out, "%s%s", sep, class_label[c]);
            sep = ", ";
        }
    }
}

static void
fix_rows(FILE *out, const struct agg_group *const *v, size_t from, size_t to, int legacy)
{
    for (size_t i = from; i < to; i++) {
        const struct agg_group *g = v[i];
        fputs(legacy ? "<tr class=\"legacy\">" : "<tr>", out);
        if (legacy) {
            fputs("<td class=\"t\">", out);
            put_field(out, g->key[AGG_DIRECTION]);
            fputs("</td>", out);
        }
        fputs("<td class=\"v\">", out);
        put_value(out, g->key[AGG_REMOTE]);
        fputs("</td><td class=\"v\">", out);
        put_value(out, g->host);
        fputs("</td>", out);
        if (legacy) {
            fputs("<td class=\"hot\">", out);
            put_u(out, extls_legacy_count(g->count));
            fputs("</td>", out);
        }
        fputs("<td>", out);
        put_u(out, g->sessions);
        fputs("</td>", out);
        if (legacy) {
            fputs("<td class=\"t\">", out);
            put_legacy_classes(out, g);
            fputs("</td>", out);
        }
        fputs("<td class=\"t\">", out);
        put_time(out, g->last_ms);
        fputs("</td></tr>\n", out);
    }
}

static void
fix_table_head(FILE *out, int legacy)
{
    fputs("<div class=\"scroll\"><table>\n<thead><tr>", out);
    if (legacy)
        fputs("<th scope=\"col\" class=\"t\">Direction</th>", out);
    fputs("<th scope=\"col\" class=\"t\">Remote host</th><th scope=\"col\" class=\"t\">EHLO "
          "name</th>",
          out);
    if (legacy)
        fputs("<th scope=\"col\">Legacy sessions</th>", out);
    fputs("<th scope=\"col\">Sessions</th>", out);
    if (legacy)
        fputs("<th scope=\"col\" class=\"t\">Protocols</th>", out);
    fputs("<th scope=\"col\" class=\"t\">Last seen</th></tr></thead>\n<tbody>\n", out);
}

/* One to-fix list: the first FIX_SHOWN rows, the rest folded. */
static void
fix_list(FILE *out, const struct agg_group *const *v, size_t n, int legacy)
{
    size_t shown = n < FIX_SHOWN ? n : FIX_SHOWN;
    fix_table_head(out, legacy);
    fix_rows(out, v, 0, shown, legacy);
    fputs("</tbody>\n</table></div>\n", out);
    if (shown == n)
        return;
    fputs("<details><summary>", out);
    put_u(out, n - shown);
    fputs(" more</summary>\n", out);
    fix_table_head(out, legacy);
    fix_rows(out, v, shown, n, legacy);
    fputs("</tbody>\n</table></div>\n</details>\n", out);
}

/* The rows of v[0..n) that pass `keep`, into w (n entries). */
static size_t
select_groups(const struct agg_group *const *v, size_t n, int (*keep)(const struct agg_group *),
              const struct agg_group **w)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep(v[i]))
            w[m++] = v[i];
    }
    return m;
}

/* "To fix first": v[0..n) are the remote hosts, legacy users first; w is scratch of n. */
static void
fix_section(FILE *out, const struct agg_group *const *v, size_t n, const struct agg_group **w)
{
    fputs("<section class=\"fix\">\n<h2>To fix first</h2>\n", out);
    size_t n_legacy = select_groups(v, n, report_is_legacy_host, w);
    if (n_legacy) {
        fputs("<h3>", out);
        put_u(out, n_legacy);
        fputs(n_legacy == 1 ? " remote host" : " remote hosts", out);
        fputs(" still on SSL 2/3 or TLS 1.0/1.1</h3>\n", out);
        fix_list(out, w, n_legacy, 1);
    }
    size_t n_plain = select_groups(v, n, report_is_plain_partner, w);
    if (n_plain) {
        fputs("<h3>", out);
        put_u(out, n_plain);
        fputs(n_plain == 1 ? " send partner" : " send partners", out);
        fputs(" that never started TLS</h3>\n", out);
        fix_list(out, w, n_plain, 0);
    }
    if (!n_legacy && !n_plain)
        fputs("<p>Nothing: no remote host on SSL 2/3 or TLS 1.0/1.1, and every send partner "
              "started TLS.</p>\n",
              out);
    fputs("</section>\n", out);
}

/* ---- trend of the shares per day ---- */

#define TREND_H 160u   /* plot height */
#define TREND_PLOT 480 /* narrowest plot width */

/* A share in basis points (1/100 %), rounded; 0 without sessions. */
static uint64_t
basis_points(uint64_t part, uint64_t whole)
{
    if (!whole)
        return 0;
    if (part > UINT64_MAX / 10000) /* keep the product in range: lose precision instead */
        return (uint64_t)(10000.0 * (double)part / (double)whole + 0.5);
    return (part * 10000 + whole / 2) / whole;
}

/* An axis label for `bp` basis points, with as many decimals as the step needs. */
static void
put_bp(FILE *out, uint64_t bp, uint64_t step)
{
    if (step % 100 == 0)
        fprintf(out, "%llu%%", (unsigned long long)(bp / 100));
    else if (step % 10 == 0)
        fprintf(out, "%llu.%llu%%", (unsigned long long)(bp / 100),
                (unsigned long long)(bp % 100 / 10));
    else
        fprintf(out, "%llu.%02llu%%", (unsigned long long)(bp / 100),
                (unsigned long long)(bp % 100));
}

/*
 * One small multiple: the share `what` (legacy or no TLS) of each day's
 * sessions, on its own axis (0 to html_axis() of the largest share), so a
 * share of 0.5 % fills the plot as well as one of 50 %. A point per day
 * with sessions at its slot (every day of the range when at most
 * HTML_DAYS_MAX days, else the days with sessions), joined by a line.
 */
static void
trend_chart(FILE *out, const struct agg_group *const *v, size_t n, const struct report_totals *t,
            int legacy)
{
    const char *what = legacy ? "Legacy share (SSL 2/3, TLS 1.0/1.1)" : "No-TLS share";
    int64_t first = day_of(t->first_ms), last = day_of(t->last_ms);
    int every_day = t->first_ms <= t->last_ms && last - first < HTML_DAYS_MAX;
    size_t slots = every_day ? (size_t)(last - first + 1) : n;
    uint64_t max = 0, step;
    for (size_t i = 0; i < n; i++) {
        uint64_t part = legacy ? extls_legacy_count(v[i]->count) : v[i]->count[EXTLS_NONE];
        uint64_t bp = basis_points(part, v[i]->sessions);
        if (bp > max)
            max = bp;
    }
    uint64_t top = html_axis(max ? max : 1, &step);
    unsigned dx = (unsigned)(TREND_PLOT / (slots ? slots : 1));
    if (dx > DAY_STEP_MAX)
        dx = DAY_STEP_MAX;
    if (dx < DAY_STEP_MIN)
        dx = DAY_STEP_MIN;
    unsigned plot = (unsigned)slots * dx < TREND_PLOT ? TREND_PLOT : (unsigned)slots * dx;
    unsigned x0 = DAY_LEFT + (plot - (unsigned)slots * dx) / 2;
    unsigned width = DAY_LEFT + plot + DAY_RIGHT, height = DAY_TOP + TREND_H + DAY_BOTTOM;
    unsigned label_every = (DAY_LABEL_W + dx - 1) / dx;
    fprintf(out,
            "<figure>\n<figcaption>%s of each day's sessions</figcaption>\n"
            "<svg class=\"trend\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" role=\"img\" "
            "font-size=\"11\" fill=\"#444\">\n<title>%s per day</title>\n<desc>Highest: ",
            what, width, height, width, height, what);
    put_bp(out, max, 1);
    fputs(".</desc>\n", out);
    for (uint64_t y = 0; y <= top; y += step) {
        unsigned py = DAY_TOP + TREND_H - scale(y, top, TREND_H);
        fprintf(out,
                "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"%s\"/>"
                "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">",
                DAY_LEFT, py, DAY_LEFT + plot, py, y ? "#dddddd" : "#888888", DAY_LEFT - 6, py + 4);
        put_bp(out, y, step);
        fputs("</text>\n", out);
    }
    const char *colour = legacy ? class_colour[EXTLS_TLS1_0] : "#555555";
    /* The line, then a point with its title per day. */
    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colour);
    for (int pass = 0; pass < 2; pass++) {
        size_t j = 0;
        for (size_t i = 0; i < slots; i++) {
            char day[XTIME_BUF];
            const struct agg_group *g = NULL;
            if (every_day) {
                xtime_format_day((first + (int64_t)i) * MS_PER_DAY, day);
                size_t dl = strlen(day);
                while (j < n && (v[j]->key[AGG_DAY].len != dl ||
                                 memcmp(v[j]->key[AGG_DAY].ptr, day, dl) < 0))
                    j++;
                if (j < n && v[j]->key[AGG_DAY].len == dl &&
                    memcmp(v[j]->key[AGG_DAY].ptr, day, dl) == 0)
                    g = v[j];
            } else {
                size_t dl =
                    v[i]->key[AGG_DAY].len < XTIME_BUF - 1 ? v[i]->key[AGG_DAY].len : XTIME_BUF - 1;
                memcpy(day, v[i]->key[AGG_DAY].ptr, dl);
                day[dl] = '\0';
                g = v[i];
            }
            unsigned x = x0 + (unsigned)i * dx + dx / 2;
            if (pass == 1 && i % label_every == 0)
                fprintf(out, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%s</text>\n", x,
                        DAY_TOP + TREND_H + 16, day);
            if (!g || !g->sessions)
                continue;
            uint64_t part = legacy ? extls_legacy_count(g->count) : g->count[EXTLS_NONE];
            unsigned y = DAY_TOP + TREND_H - scale(basis_points(part, g->sessions), top, TREND_H);
            if (pass == 0) {
                fprintf(out, "%u,%u ", x, y);
                continue;
            }
            fprintf(out, "<g><title>%s: ", day);
            put_u(out, part);
            fputs(" of ", out);
            put_u(out, g->sessions);
            fputs(g->sessions == 1 ? " session (" : " sessions (", out);
            put_pct(out, part, g->sessions);
            fprintf(out, ")</title><circle cx=\"%u\" cy=\"%u\" r=\"3.5\" fill=\"%s\"/></g>\n", x, y,
                    colour);
        }
        if (pass == 0)
            fputs("\"/>\n", out);
    }
    fputs("</svg>\n</figure>\n", out);
}

/* ---- --by ---- */

/* A section grouped by the --by keys: their columns, the class counts and both shares. */
static void
by_table(FILE *out, struct agg *a)
{
    size_t nk, n = agg_size(a);
    const enum agg_key *keys = agg_keys(a, &nk);
    const struct agg_group *const *v = agg_sorted(a);
    fputs("<section>\n<h2>TLS use per ", out);
    for (size_t i = 0; i < nk; i++)
        fprintf(out, "%s%s", i ? ", " : "", agg_key_name(keys[i]));
    fputs("</h2>\n<div class=\"scroll\"><table>\n<caption>Grouped by --by; TLS, legacy: shares "
          "of the row's sessions</caption>\n<thead><tr>",
          out);
    for (size_t i = 0; i < nk; i++)
        fprintf(out, "<th scope=\"col\" class=\"t\">%s</th>", agg_key_name(keys[i]));
    fputs("<th scope=\"col\">Sessions</th>", out);
    class_headers(out);
    fputs("<th scope=\"col\">TLS</th><th scope=\"col\">Legacy</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; v && i < n; i++) {
        const struct agg_group *g = v[i];
        uint64_t legacy = extls_legacy_count(g->count);
        fputs(legacy ? "<tr class=\"legacy\">" : "<tr>", out);
        for (size_t k = 0; k < nk; k++) {
            fputs("<td class=\"v\">", out);
            put_value(out, g->key[keys[k]]);
            fputs("</td>", out);
        }
        fputs("<td>", out);
        put_u(out, g->sessions);
        fputs("</td>", out);
        class_cells(out, g);
        fputs("<td>", out);
        put_pct(out, extls_with_tls_count(g->count), g->sessions);
        fputs("</td><td>", out);
        put_pct(out, legacy, g->sessions);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table></div>\n</section>\n", out);
}

enum extls_status
html_write(FILE *out, struct report *r)
{
    size_t n_conn = r->by_connector ? agg_size(r->by_connector) : 0;
    size_t n_remote = r->by_remote ? agg_size(r->by_remote) : 0;
    size_t n_day = r->by_day ? agg_size(r->by_day) : 0;
    const struct agg_group *const *conn = n_conn ? agg_sorted(r->by_connector) : NULL;
    const struct agg_group *const *remote = n_remote ? agg_sorted(r->by_remote) : NULL;
    const struct agg_group *const *days = n_day ? agg_sorted(r->by_day) : NULL;
    if ((n_conn && !conn) || (n_remote && !remote) || (n_day && !days) ||
        (r->groups && agg_size(r->groups) && !agg_sorted(r->groups)))
        return EXTLS_ENOMEM;
    const struct agg_group **by_legacy = NULL, **scratch = NULL;
    if (n_remote) {
        by_legacy = malloc(n_remote * sizeof(*by_legacy));
        scratch = malloc(n_remote * sizeof(*scratch));
        if (!by_legacy || !scratch) {
            free(by_legacy);
            free(scratch);
            return EXTLS_ENOMEM;
        }
        memcpy(by_legacy, remote, n_remote * sizeof(*by_legacy));
        qsort(by_legacy, n_remote, sizeof(*by_legacy), agg_cmp_legacy_first);
    }

    uint64_t cls[EXTLS_N_CLASSES] = {0}, legacy_hosts = 0;
    for (size_t i = 0; i < n_conn; i++) {
        for (int c = 0; c < EXTLS_N_CLASSES; c++)
            cls[c] += conn[i]->count[c];
    }
    for (size_t i = 0; i < n_remote; i++)
        legacy_hosts += extls_legacy_count(remote[i]->count) != 0;

    page_head(out, &r->totals);
    page_header(out, r, cls, r->by_remote ? legacy_hosts : UINT64_MAX);
    fputs("<main>\n", out);
    if (r->by_remote)
        fix_section(out, by_legacy, n_remote, scratch);
    fputs("<section>\n<h2>TLS use per connector</h2>\n", out);
    if (n_conn)
        connector_chart(out, conn, n_conn);
    connector_table(out, conn, n_conn);
    fputs("</section>\n", out);
    if (r->by_day) {
        fputs("<section>\n<h2>Trend per day</h2>\n", out);
        if (n_day) {
            fputs("<div class=\"trend\">\n", out);
            trend_chart(out, days, n_day, &r->totals, 1);
            trend_chart(out, days, n_day, &r->totals, 0);
            fputs("</div>\n", out);
            day_chart(out, days, n_day, &r->totals);
        } else {
            fputs("<p>No sessions.</p>\n", out);
        }
        fputs("</section>\n", out);
    }
    if (r->by_remote) {
        fputs("<section>\n<h2>TLS use per remote host</h2>\n", out);
        remote_table(out, by_legacy, n_remote);
        fputs("</section>\n", out);
    }
    if (r->groups)
        by_table(out, r->groups);
    fputs("</main>\n<footer><p>Made by extls " EXTLS_VERSION ". The numbers depend on the logs "
          "alone: the same logs give the same page, but for the time it was generated.</p>"
          "</footer>\n</body>\n</html>\n",
          out);
    free(by_legacy);
    free(scratch);
    return EXTLS_OK;
}
