/* SPDX-License-Identifier: MIT */
/*
 * html_chart.c: the inline SVG charts of the HTML page: a stacked bar of
 * the class shares per connector, the legacy and no-TLS share per day, and
 * the sessions per class per day, with the geometry they share (exact
 * splits of a length, axis steps, one slot per day).
 */
#include "html.h"

#include <string.h>

#include "html_int.h"

#define MS_PER_DAY 86400000LL

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

static void
legend(FILE *out)
{
    fputs("<ul class=\"legend\">\n", out);
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        fputs("<li><svg width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" aria-hidden=\"true\">",
              out);
        put_rect(out, c, 0, 0, 12, 12);
        fprintf(out, "</svg>%s <code>%s</code></li>\n", html_class_label[c],
                extls_class_name((enum extls_class)c));
    }
    fputs("</ul>\n", out);
}

/* "<title>TLS 1.2: 4 of 5 sessions (80%)</title>", after "`day`, " if given. */
static void
segment_title(FILE *out, const char *day, int c, uint64_t part, uint64_t whole)
{
    fprintf(out, "<title>%s%s%s: ", day ? day : "", day ? ", " : "", html_class_label[c]);
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
        fprintf(out, "%s%s ", sep, html_class_label[c]);
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

void
html_connector_chart(FILE *out, const struct agg_group *const *v, size_t n)
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
 * "yyyy-mm-dd" made by isotime_format_day(), written without escaping.
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
 * The x axis of both per-day charts: one slot per day from the first to the
 * last session's day (empty days keep their slot) when that is at most
 * HTML_DAYS_MAX days, else one per day with sessions.
 */
struct day_slots {
    int64_t first;        /* day number of the range's first day */
    int every_day;        /* a slot for every day of the range, else one per day in v */
    size_t n;             /* slots */
    unsigned step;        /* width of a slot, DAY_STEP_MIN..DAY_STEP_MAX */
    unsigned plot;        /* width of the plot area */
    unsigned x0;          /* left edge of the first slot (the slots centred in the plot) */
    unsigned label_every; /* a day named every label_every slots */
};

/*
 * The slots for the n days with sessions in the range of t: `room` units
 * shared out among them, the plot at least plot_min units wide.
 */
static void
day_slots_init(struct day_slots *d, size_t n, const struct report_totals *t, unsigned room,
               unsigned plot_min)
{
    int64_t last = day_of(t->last_ms);
    d->first = day_of(t->first_ms);
    d->every_day = t->first_ms <= t->last_ms && last - d->first < HTML_DAYS_MAX;
    d->n = d->every_day ? (size_t)(last - d->first + 1) : n;
    d->step = (unsigned)(room / (d->n ? d->n : 1));
    if (d->step > DAY_STEP_MAX)
        d->step = DAY_STEP_MAX;
    if (d->step < DAY_STEP_MIN)
        d->step = DAY_STEP_MIN;
    unsigned used = (unsigned)d->n * d->step;
    d->plot = used < plot_min ? plot_min : used;
    d->x0 = DAY_LEFT + (d->plot - used) / 2;
    d->label_every = (DAY_LABEL_W + d->step - 1) / d->step;
}

/*
 * Slot i of d: its day as "yyyy-mm-dd" into `day` and its group of v[0..n)
 * (the days with sessions, sorted), NULL for a day without sessions. *j is
 * the caller's cursor into v, 0 before slot 0; slots go in order.
 */
static const struct agg_group *
day_slot(const struct day_slots *d, const struct agg_group *const *v, size_t n, size_t i, size_t *j,
         char day[ISOTIME_BUF])
{
    if (!d->every_day) {
        size_t dl =
            v[i]->key[AGG_DAY].len < ISOTIME_BUF - 1 ? v[i]->key[AGG_DAY].len : ISOTIME_BUF - 1;
        memcpy(day, v[i]->key[AGG_DAY].ptr, dl);
        day[dl] = '\0';
        return v[i];
    }
    isotime_format_day((d->first + (int64_t)i) * MS_PER_DAY, day);
    size_t dl = strlen(day);
    while (*j < n &&
           (v[*j]->key[AGG_DAY].len != dl || memcmp(v[*j]->key[AGG_DAY].ptr, day, dl) < 0))
        (*j)++;
    if (*j < n && v[*j]->key[AGG_DAY].len == dl && memcmp(v[*j]->key[AGG_DAY].ptr, day, dl) == 0)
        return v[*j];
    return NULL;
}

/*
 * The grid of a plot `height` units high: a line every ystep from 0 to top,
 * each with its value (in basis points as a percentage when `bp`).
 */
static void
day_grid(FILE *out, const struct day_slots *d, uint64_t top, uint64_t ystep, unsigned height,
         int bp)
{
    for (uint64_t y = 0; y <= top; y += ystep) {
        unsigned py = DAY_TOP + height - scale(y, top, height);
        fprintf(out,
                "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"%s\"/>"
                "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">",
                DAY_LEFT, py, DAY_LEFT + d->plot, py, y ? "#dddddd" : "#888888", DAY_LEFT - 6,
                py + 4);
        if (bp)
            put_bp(out, y, ystep);
        else
            put_u(out, y);
        fputs("</text>\n", out);
    }
}

/* The name of slot i under a plot `height` units high, centred on x, if slot i is named. */
static void
day_label(FILE *out, const struct day_slots *d, size_t i, unsigned x, unsigned height,
          const char *day)
{
    if (i % d->label_every == 0)
        fprintf(out, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%s</text>\n", x,
                DAY_TOP + height + 16, day);
}

/*
 * The per-day chart: a stack per slot (day_slots), v holds the days with
 * sessions, sorted. Slots share 1000 units; the y axis is html_axis() of
 * the busiest day over HTML_DAY_HEIGHT units.
 */
void
html_day_chart(FILE *out, const struct agg_group *const *v, size_t n, const struct report_totals *t)
{
    struct day_slots d;
    day_slots_init(&d, n, t, 1000, DAY_PLOT_MIN);
    uint64_t max = 0, ystep;
    for (size_t i = 0; i < n; i++) {
        if (v[i]->sessions > max)
            max = v[i]->sessions;
    }
    uint64_t top = html_axis(max, &ystep);
    unsigned bar_w = d.step - (d.step / 4 ? d.step / 4 : 1);
    unsigned width = DAY_LEFT + d.plot + DAY_RIGHT, height = DAY_TOP + HTML_DAY_HEIGHT + DAY_BOTTOM;
    char a[ISOTIME_BUF], b[ISOTIME_BUF];

    fputs("<figure>\n<figcaption>Sessions per class per day (UTC day of the session start)"
          "</figcaption>\n",
          out);
    legend(out);
    fprintf(out,
            "<div class=\"scroll\"><svg class=\"days\" width=\"%u\" height=\"%u\" "
            "viewBox=\"0 0 %u %u\" role=\"img\" font-size=\"11\" fill=\"#444\">\n"
            "<title>Sessions per class per day, %s to %s</title>\n<desc>",
            width, height, width, height, isotime_format_day(t->first_ms, a),
            isotime_format_day(t->last_ms, b));
    put_u(out, (uint64_t)d.n);
    fputs(d.every_day ? (d.n == 1 ? " day" : " days")
                      : " days with sessions (days without omitted)",
          out);
    fputs("; the busiest had ", out);
    put_u(out, max);
    fputs(max == 1 ? " session.</desc>\n" : " sessions.</desc>\n", out);
    day_grid(out, &d, top, ystep, HTML_DAY_HEIGHT, 0);
    size_t j = 0;
    for (size_t i = 0; i < d.n; i++) {
        char day[ISOTIME_BUF];
        const struct agg_group *g = day_slot(&d, v, n, i, &j, day);
        unsigned x = d.x0 + (unsigned)i * d.step;
        day_bar(out, day, g, x + (d.step - bar_w) / 2, bar_w, top);
        day_label(out, &d, i, x + d.step / 2, HTML_DAY_HEIGHT, day);
    }
    fputs("</svg></div>\n</figure>\n", out);
}

/* ---- trend of the shares per day ---- */

#define TREND_H 160u   /* plot height */
#define TREND_PLOT 480 /* narrowest plot width */

/* The share shown by a trend chart: legacy or no TLS, of g's sessions. */
static uint64_t
trend_part(const struct agg_group *g, int legacy)
{
    return legacy ? extls_legacy_count(g->count) : g->count[EXTLS_NONE];
}

/*
 * One small multiple: the share `what` (legacy or no TLS) of each day's
 * sessions, on its own axis (0 to html_axis() of the largest share), so a
 * share of 0.5 % fills the plot as well as one of 50 %. A point per day
 * with sessions at its slot (day_slots), joined by a line.
 */
void
html_trend_chart(FILE *out, const struct agg_group *const *v, size_t n,
                 const struct report_totals *t, int legacy)
{
    const char *what = legacy ? "Legacy share (SSL 2/3, TLS 1.0/1.1)" : "No-TLS share";
    struct day_slots d;
    day_slots_init(&d, n, t, TREND_PLOT, TREND_PLOT);
    uint64_t max = 0, step;
    for (size_t i = 0; i < n; i++) {
        uint64_t bp = basis_points(trend_part(v[i], legacy), v[i]->sessions);
        if (bp > max)
            max = bp;
    }
    uint64_t top = html_axis(max ? max : 1, &step);
    unsigned width = DAY_LEFT + d.plot + DAY_RIGHT, height = DAY_TOP + TREND_H + DAY_BOTTOM;
    fprintf(out,
            "<figure>\n<figcaption>%s of each day's sessions</figcaption>\n"
            "<svg class=\"trend\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" role=\"img\" "
            "font-size=\"11\" fill=\"#444\">\n<title>%s per day</title>\n<desc>Highest: ",
            what, width, height, width, height, what);
    put_bp(out, max, 1);
    fputs(".</desc>\n", out);
    day_grid(out, &d, top, step, TREND_H, 1);
    const char *colour = legacy ? class_colour[EXTLS_TLS1_0] : "#555555";
    /* The line, then a point with its title per day. */
    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colour);
    for (int pass = 0; pass < 2; pass++) {
        size_t j = 0;
        for (size_t i = 0; i < d.n; i++) {
            char day[ISOTIME_BUF];
            const struct agg_group *g = day_slot(&d, v, n, i, &j, day);
            unsigned x = d.x0 + (unsigned)i * d.step + d.step / 2;
            if (pass == 1)
                day_label(out, &d, i, x, TREND_H, day);
            if (!g || !g->sessions)
                continue;
            uint64_t part = trend_part(g, legacy);
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
