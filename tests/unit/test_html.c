/* SPDX-License-Identifier: MIT */
/*
 * test_html.c: the HTML page (--format html): the bar geometry (exact widths, parts summing to the
 * whole), the axis scale, and fragments of whole pages built from hand-made tables whose numbers
 * are worked out in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agg.h"
#include "html.h"
#include "report.h"

#define FFFD "\xEF\xBF\xBD"
#define DAY_MS 86400000LL
/* 2023-01-11T16:00:00.000Z */
#define T0 1673452800000LL

/* html_split() of the n counts into `length`; compares with want. */
static void
check_split(const uint64_t *count, size_t n, unsigned length, const unsigned *want)
{
    unsigned got[HTML_SPLIT_MAX];
    html_split(count, n, length, got);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
}

static void
split_exact_shares(void **state)
{
    (void)state;
    /* EX2019\Default Frontend EX2019: 15 sessions, 600 / 15 = 40 units each. */
    const uint64_t fe[9] = {0, 0, 1, 1, 7, 0, 0, 2, 4};
    const unsigned fe_w[9] = {0, 0, 40, 40, 280, 0, 0, 80, 160};
    check_split(fe, 9, 600, fe_w);
    /* Outbound to Internet: 12 sessions, 50 units each. */
    const uint64_t ob[9] = {0, 0, 0, 1, 4, 0, 0, 1, 6};
    const unsigned ob_w[9] = {0, 0, 0, 50, 200, 0, 0, 50, 300};
    check_split(ob, 9, 600, ob_w);
    /* One class: the whole bar. */
    const uint64_t one[3] = {0, 5, 0};
    const unsigned one_w[3] = {0, 600, 0};
    check_split(one, 3, 600, one_w);
}

static void
split_rounds_to_full_width(void **state)
{
    (void)state;
    /* 33.33 each: floors 33+33+33 = 99, equal remainders: the first gets it. */
    const uint64_t thirds[3] = {1, 1, 1};
    const unsigned thirds_w[3] = {34, 33, 33};
    check_split(thirds, 3, 100, thirds_w);
    /* 66.67 / 33.33: floors 66, 33; remainders 2/3 and 1/3: the first. */
    const uint64_t two_one[2] = {2, 1};
    const unsigned two_one_w[2] = {67, 33};
    check_split(two_one, 2, 100, two_one_w);
    /* 7 sessions over 600 as 1,1,1,1,2,1: five times 85.714 (floor 85,
     * remainder 5/7) and 171.43 (floor 171, remainder 3/7); 5 x 85 + 171 =
     * 596, 4 units left: to the first four 85.714s (largest remainders,
     * lower index first). */
    const uint64_t sev[6] = {1, 1, 1, 1, 2, 1};
    const unsigned sev_w[6] = {86, 86, 86, 86, 171, 85};
    check_split(sev, 6, 600, sev_w);
    /* A later index with the larger remainder wins: 3/10 of 7 = 2.1 and
     * 7/10 of 7 = 4.9; floors 2 + 4, the one unit left to the second. */
    const uint64_t tenths[2] = {3, 7};
    const unsigned tenths_w[2] = {2, 5};
    check_split(tenths, 2, 7, tenths_w);
}

static void
split_keeps_small_shares_visible(void **state)
{
    (void)state;
    /* 1 of 1000000 in 600 units is 0.0006: it gets 1 unit from the largest. */
    const uint64_t tiny[2] = {1, 999999};
    const unsigned tiny_w[2] = {1, 599};
    check_split(tiny, 2, 600, tiny_w);
    /* Two tiny ones: each takes one from the largest. */
    const uint64_t two_tiny[3] = {1, 100000, 1};
    const unsigned two_tiny_w[3] = {1, 598, 1};
    check_split(two_tiny, 3, 600, two_tiny_w);
    /* The largest parts tie (5 and 5 of 10; floors 0, 4, 4 and one unit
     * each to the larger remainders): the lower index gives. */
    const uint64_t tie[3] = {1, 100, 100};
    const unsigned tie_w[3] = {1, 4, 5};
    check_split(tie, 3, 10, tie_w);
    /* Nothing to take from: 3 units for 3 classes, the third stays 0. */
    const uint64_t crowded[4] = {1000, 1000, 1000, 1};
    const unsigned crowded_w[4] = {1, 1, 1, 0};
    check_split(crowded, 4, 3, crowded_w);
}

static void
split_zero_and_huge_counts(void **state)
{
    (void)state;
    const uint64_t zero[9] = {0};
    const unsigned zero_w[9] = {0};
    check_split(zero, 9, 600, zero_w);
    /* Counts near 2^64 are scaled down without overflow. */
    const uint64_t huge[2] = {UINT64_MAX / 2, UINT64_MAX / 2};
    const unsigned huge_w[2] = {300, 300};
    check_split(huge, 2, 600, huge_w);
    const unsigned long_w[2] = {2000000000u, 2000000000u};
    check_split(huge, 2, 4000000000u, long_w);
    const uint64_t skew[2] = {UINT64_MAX - 5, 5};
    const unsigned skew_w[2] = {599, 1};
    check_split(skew, 2, 600, skew_w);
    /* A zero-length bar. */
    const uint64_t some[2] = {3, 4};
    const unsigned some_w[2] = {0, 0};
    check_split(some, 2, 0, some_w);
}

/* For many count vectors: parts sum to the length, zero counts get 0 units,
 * and without the visibility rule each part is within 1 of its exact share. */
static void
split_sums_for_random_counts(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ull;
    for (int round = 0; round < 20000; round++) {
        uint64_t count[9];
        unsigned w[9];
        size_t n = 1 + round % 9;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            count[i] = (x >> 40) % 4 == 0 ? 0 : (x >> (round % 50));
        }
        unsigned length = 9 + (unsigned)(x % 2000);
        html_split(count, n, length, w);
        unsigned sum = 0, nonzero = 0;
        for (size_t i = 0; i < n; i++) {
            sum += w[i];
            nonzero += count[i] != 0;
            if (!count[i])
                assert_int_equal(w[i], 0);
            else
                assert_true(w[i] >= 1);
        }
        assert_int_equal(sum, nonzero ? length : 0);
    }
}

static void
axis_steps(void **state)
{
    (void)state;
    static const struct {
        uint64_t max, step, top;
    } cases[] = {
        {0, 1, 1},    {1, 1, 1},         {4, 1, 4},         {5, 1, 5},
        {6, 2, 6},    {7, 2, 8},         {10, 2, 10},       {11, 5, 15},
        {25, 5, 25},  {26, 10, 30},      {40, 10, 40},      {41, 10, 50},
        {51, 20, 60}, {1000, 200, 1000}, {1001, 500, 1500}, {43856, 10000, 50000},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t step = 0;
        assert_int_equal(html_axis(cases[i].max, &step), cases[i].top);
        assert_int_equal(step, cases[i].step);
    }
    uint64_t step;
    uint64_t top = html_axis(UINT64_MAX, &step);
    assert_true(top >= (1ull << 62) && top % step == 0 && top / step <= 5);
}

/* ---- whole pages ---- */

static struct span
field(const char *s)
{
    struct span f = {s, strlen(s)};
    return f;
}

/* Count `n` sessions of class `cls` into `a`. */
static void
add(struct agg *a, const char *dir, const char *conn, const char *remote, const char *day,
    const char *host, enum extls_class cls, int64_t ms, int n)
{
    struct span key[AGG_N_KEYS];
    for (int k = 0; k < AGG_N_KEYS; k++)
        key[k] = field("");
    key[AGG_DIRECTION] = field(dir);
    key[AGG_CONNECTOR] = field(conn);
    key[AGG_REMOTE] = field(remote);
    key[AGG_DAY] = field(day);
    for (int i = 0; i < n; i++)
        assert_int_equal(agg_add(a, key, cls, ms, field(host)), EXTLS_OK);
}

/* A report with the three tables of the html format. */
struct page {
    struct report r;
};

static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
static const enum agg_key day_key[] = {AGG_DAY};

static void
page_init(struct page *p)
{
    memset(p, 0, sizeof(*p));
    p->r.format = REPORT_HTML;
    p->r.totals.first_ms = INT64_MAX;
    p->r.totals.last_ms = INT64_MIN;
    p->r.by_connector = agg_new(conn_keys, 2);
    p->r.by_remote = agg_new(remote_keys, 2);
    p->r.by_day = agg_new(day_key, 1);
    assert_non_null(p->r.by_connector);
    assert_non_null(p->r.by_remote);
    assert_non_null(p->r.by_day);
}

/* One kind of session into all three tables and the totals. */
static void
page_add(struct page *p, const char *dir, const char *conn, const char *remote, const char *day,
         const char *host, enum extls_class cls, int64_t ms, int n)
{
    add(p->r.by_connector, dir, conn, remote, day, host, cls, ms, n);
    add(p->r.by_remote, dir, conn, remote, day, host, cls, ms, n);
    add(p->r.by_day, dir, conn, remote, day, host, cls, ms, n);
    p->r.totals.sessions += (uint64_t)n;
    if (ms < p->r.totals.first_ms)
        p->r.totals.first_ms = ms;
    if (ms > p->r.totals.last_ms)
        p->r.totals.last_ms = ms;
}

static void
page_release(struct page *p)
{
    agg_free(p->r.by_connector);
    agg_free(p->r.by_remote);
    agg_free(p->r.by_day);
}

/* report_write() into a string; caller frees. */
static char *
render(struct page *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(report_write(out, &p->r), EXTLS_OK);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(strlen(buf), len);
    return buf;
}

static void
assert_has(const char *page, const char *want)
{
    if (!strstr(page, want)) {
        FILE *f = getenv("HTML_DEBUG") ? fopen(getenv("HTML_DEBUG"), "w") : NULL;
        if (f) {
            fputs(page, f);
            fclose(f);
        }
        fail_msg("page lacks: %s", want);
    }
}

static void
format_name(void **state)
{
    (void)state;
    assert_int_equal(report_format_parse("html"), REPORT_HTML);
    assert_int_equal(report_format_parse("HTML"), -1);
}

/* The Default Frontend connector of the 2019 sample: 15 sessions. */
static void
page_connector_bar_geometry(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    const char *c = "EX\\Default <Frontend>";
    page_add(&p, "receive", c, "198.51.100.9", "2023-01-11", "a", EXTLS_TLS1_0, T0, 1);
    page_add(&p, "receive", c, "198.51.100.23", "2023-01-11", "b", EXTLS_TLS1_1, T0, 1);
    page_add(&p, "receive", c, "192.0.2.60", "2023-01-11", "c", EXTLS_TLS1_2, T0, 7);
    page_add(&p, "receive", c, "192.0.2.61", "2023-01-11", "", EXTLS_TLS_FAILED, T0, 2);
    page_add(&p, "receive", c, "10.1.5.30", "2023-01-11", "d", EXTLS_NONE, T0, 4);
    char *page = render(&p);
    assert_has(page, "<title>receive EX\\Default &lt;Frontend&gt;: 15 sessions: TLS 1.0 1, "
                     "TLS 1.1 1, TLS 1.2 7, TLS failed 2, no TLS 4</title>\n"
                     "<g><title>TLS 1.0: 1 of 15 sessions (6.7%)</title>"
                     "<rect x=\"0\" y=\"0\" width=\"40\" height=\"18\" fill=\"#E69F00\"/>"
                     "<rect x=\"0\" y=\"0\" width=\"40\" height=\"18\" "
                     "fill=\"url(#extls-legacy-hatch)\"/></g>\n"
                     "<g><title>TLS 1.1: 1 of 15 sessions (6.7%)</title>"
                     "<rect x=\"40\" y=\"0\" width=\"40\" height=\"18\" fill=\"#F0E442\"/>"
                     "<rect x=\"40\" y=\"0\" width=\"40\" height=\"18\" "
                     "fill=\"url(#extls-legacy-hatch)\"/></g>\n"
                     "<g><title>TLS 1.2: 7 of 15 sessions (47%)</title>"
                     "<rect x=\"80\" y=\"0\" width=\"280\" height=\"18\" fill=\"#0072B2\"/></g>\n"
                     "<g><title>TLS failed: 2 of 15 sessions (13%)</title>"
                     "<rect x=\"360\" y=\"0\" width=\"80\" height=\"18\" fill=\"#CC79A7\"/>"
                     "<rect x=\"360\" y=\"0\" width=\"80\" height=\"18\" "
                     "fill=\"url(#extls-failed-hatch)\"/></g>\n"
                     "<g><title>no TLS: 4 of 15 sessions (27%)</title>"
                     "<rect x=\"440\" y=\"0\" width=\"160\" height=\"18\" fill=\"#BBBBBB\"/></g>\n"
                     "</svg>");
    /* Table row: 9 with TLS of 15 = 60%; legacy 2 of the same 15 = 13%. */
    assert_has(page, "<tr class=\"legacy\"><td class=\"t\">receive</td><td class=\"v\">"
                     "EX\\Default &lt;Frontend&gt;</td><td>15</td><td>0</td><td>0</td>"
                     "<td class=\"hot\">1</td><td class=\"hot\">1</td><td>7</td><td>0</td>"
                     "<td>0</td><td>2</td><td>4</td><td>60%</td><td>13%</td></tr>");
    /* Header: every share of the 15 sessions; 2 legacy hosts. */
    assert_has(page, "<div><dt>with TLS</dt><dd>9 (60%)</dd></div>\n"
                     "<div class=\"warn\"><dt>legacy: SSL 2/3, TLS 1.0/1.1</dt><dd>2 (13%)</dd>"
                     "</div>\n"
                     "<div class=\"warn\"><dt>no TLS</dt><dd>4 (27%)</dd></div>\n"
                     "<div class=\"warn\"><dt>remote hosts on legacy protocols</dt>"
                     "<dd>2</dd></div>\n");
    free(page);
    page_release(&p);
}

/*
 * Two days with sessions and one without between them (2024 is a leap
 * year): 3 slots of 72 units in a 240-unit plot, starting at 56 + 12.
 * The busiest day has 3 sessions: axis step 1, top 3. Day 1: 2 TLS 1.2 and
 * 1 none, stack 200 units split 133.3 / 66.7 -> 133 + 67 (larger remainder
 * to the second). Day 3: 1 of 3 -> 66.7 -> 67 units.
 */
static void
page_day_chart_geometry(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    int64_t d1 = 1709078400000LL; /* 2024-02-28T00:00:00Z */
    page_add(&p, "send", "Out", "192.0.2.1", "2024-02-28", "", EXTLS_TLS1_2, d1 + 1000, 2);
    page_add(&p, "send", "Out", "192.0.2.1", "2024-02-28", "", EXTLS_NONE, d1 + 2000, 1);
    page_add(&p, "send", "Out", "192.0.2.2", "2024-03-01", "", EXTLS_SSL3, d1 + 2 * DAY_MS, 1);
    char *page = render(&p);
    assert_has(page, "<svg class=\"days\" width=\"308\" height=\"246\" viewBox=\"0 0 308 246\"");
    assert_has(page, "<title>Sessions per class per day, 2024-02-28 to 2024-03-01</title>\n"
                     "<desc>3 days; the busiest had 3 sessions.</desc>\n"
                     "<line x1=\"56\" y1=\"212\" x2=\"296\" y2=\"212\" stroke=\"#888888\"/>"
                     "<text x=\"50\" y=\"216\" text-anchor=\"end\">0</text>\n"
                     "<line x1=\"56\" y1=\"145\" x2=\"296\" y2=\"145\" stroke=\"#dddddd\"/>"
                     "<text x=\"50\" y=\"149\" text-anchor=\"end\">1</text>\n"
                     "<line x1=\"56\" y1=\"79\" x2=\"296\" y2=\"79\" stroke=\"#dddddd\"/>"
                     "<text x=\"50\" y=\"83\" text-anchor=\"end\">2</text>\n"
                     "<line x1=\"56\" y1=\"12\" x2=\"296\" y2=\"12\" stroke=\"#dddddd\"/>"
                     "<text x=\"50\" y=\"16\" text-anchor=\"end\">3</text>\n"
                     "<g><title>2024-02-28: 3 sessions</title>\n"
                     "<g><title>2024-02-28, TLS 1.2: 2 of 3 sessions (67%)</title>"
                     "<rect x=\"77\" y=\"79\" width=\"54\" height=\"133\" fill=\"#0072B2\"/></g>\n"
                     "<g><title>2024-02-28, no TLS: 1 of 3 sessions (33%)</title>"
                     "<rect x=\"77\" y=\"12\" width=\"54\" height=\"67\" fill=\"#BBBBBB\"/></g>\n"
                     "</g>\n"
                     "<text x=\"104\" y=\"228\" text-anchor=\"middle\">2024-02-28</text>\n"
                     "<text x=\"176\" y=\"228\" text-anchor=\"middle\">2024-02-29</text>\n"
                     "<g><title>2024-03-01: 1 session</title>\n"
                     "<g><title>2024-03-01, SSL 3: 1 of 1 session (100%)</title>"
                     "<rect x=\"221\" y=\"145\" width=\"54\" height=\"67\" fill=\"#D55E00\"/>");
    free(page);
    page_release(&p);
}

/*
 * Over HTML_DAYS_MAX days: only the days with sessions get a slot; two
 * slots of 72 units centred in the 240-unit plot start at 56 + 48.
 */
static void
page_day_chart_long_range(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    page_add(&p, "send", "Out", "192.0.2.1", "2023-01-11", "", EXTLS_TLS1_2, T0, 1);
    page_add(&p, "send", "Out", "192.0.2.1", "2024-01-12", "", EXTLS_TLS1_2, T0 + 366 * DAY_MS, 2);
    char *page = render(&p);
    assert_has(page, "<desc>2 days with sessions (days without omitted); the busiest had 2 "
                     "sessions.</desc>");
    assert_has(page, "<text x=\"140\" y=\"228\" text-anchor=\"middle\">2023-01-11</text>\n"
                     "<g><title>2024-01-12: 2 sessions</title>");
    assert_true(strstr(page, "2023-01-12") == NULL);
    free(page);
    page_release(&p);
}

/* Remote hosts: most legacy sessions first, then most sessions, then key. */
static void
page_remote_order(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    page_add(&p, "receive", "C", "192.0.2.1", "2023-01-11", "busy", EXTLS_TLS1_2, T0, 5);
    page_add(&p, "receive", "C", "192.0.2.2", "2023-01-11", "old1", EXTLS_TLS1_0, T0, 1);
    page_add(&p, "receive", "C", "192.0.2.3", "2023-01-11", "old2", EXTLS_SSL3, T0 + 1, 2);
    page_add(&p, "send", "C", "192.0.2.0", "2023-01-11", "\"quiet\" ", EXTLS_NONE, T0, 1);
    char *page = render(&p);
    /* The to-fix lists come first: the legacy hosts, then the send partner without TLS. */
    const char *fix = strstr(page, "<h2>To fix first</h2>");
    const char *fix_old2 = strstr(page, ">old2<"), *fix_old1 = strstr(page, ">old1<");
    const char *fix_quiet = strstr(page, ">&quot;&quot;quiet&quot; ");
    assert_non_null(fix);
    assert_true(fix < fix_old2 && fix_old2 < fix_old1 && fix_old1 < fix_quiet);
    assert_has(page, "<h3>2 remote hosts still on SSL 2/3 or TLS 1.0/1.1</h3>");
    assert_has(page, "<h3>1 send partner that never started TLS</h3>");
    assert_has(page, "<tr class=\"legacy\"><td class=\"t\">receive</td><td class=\"v\">192.0.2.3"
                     "</td><td class=\"v\">old2</td><td class=\"hot\">2</td><td>2</td>"
                     "<td class=\"t\">SSL 3</td>");
    assert_true(strstr(fix, ">busy<") > strstr(fix, "<h2>TLS use per connector"));
    const char *table = strstr(page, "<h2>TLS use per remote host</h2>");
    assert_non_null(table);
    const char *old2 = strstr(table, ">old2<"), *old1 = strstr(table, ">old1<");
    const char *busy = strstr(table, ">busy<"), *quiet = strstr(table, ">&quot;&quot;quiet&quot; ");
    assert_non_null(old2);
    assert_non_null(old1);
    assert_non_null(busy);
    assert_non_null(quiet);
    assert_true(old2 < old1 && old1 < busy && busy < quiet);
    assert_has(page, "<tr class=\"legacy\"><td class=\"t\">receive</td><td class=\"v\">192.0.2.3"
                     "</td><td class=\"v\">old2</td><td>2</td><td>0</td><td class=\"hot\">2</td>");
    assert_has(page, "<td class=\"t\"><time datetime=\"2023-01-11T16:00:00.001Z\">"
                     "2023-01-11T16:00:00.001Z</time></td></tr>");
    free(page);
    page_release(&p);
}

static void
page_empty(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    char *page = render(&p);
    assert_has(page, "<title>extls: TLS use</title>");
    assert_has(page, "<p>No sessions counted.</p>");
    assert_has(page, "<div><dt>with TLS</dt><dd>0 (-)</dd></div>");
    assert_has(page, "<h2>Trend per day</h2>\n<p>No sessions.</p>\n");
    assert_has(page, "<h2>To fix first</h2>\n<p>Nothing: no remote host on SSL 2/3 or TLS "
                     "1.0/1.1, and every send partner started TLS.</p>\n");
    assert_true(strstr(page, "class=\"bar\"") == NULL);
    assert_true(strstr(page, "class=\"days\"") == NULL);
    size_t len = strlen(page);
    assert_true(len > 8 && strcmp(page + len - 8, "</html>\n") == 0);
    free(page);
    /* The same page of a run that saw nothing: what to fix is unknown, not "Nothing". */
    p.r.saw_nothing = 1;
    page = render(&p);
    assert_has(page, "<h2>To fix first</h2>\n<p>Unknown: nothing was read, so there is nothing to "
                     "judge (see the errors the run printed).</p>\n</section>");
    assert_true(strstr(page, "<p>Nothing:") == NULL);
    free(page);
    page_release(&p);
}

/* Same tables, same bytes; no clock in the page. */
static void
page_deterministic(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    page_add(&p, "send", "Out", "192.0.2.1", "2023-01-11", "", EXTLS_TLS1_3, T0, 3);
    p.r.totals.files = 2;
    p.r.totals.rows = 77;
    p.r.totals.malformed = 1;
    char *a = render(&p), *b = render(&p);
    assert_string_equal(a, b);
    assert_has(a, "<title>extls: TLS use, 2023-01-11T16:00:00.000Z to 2023-01-11T16:00:00.000Z"
                  "</title>");
    assert_has(a, "<div><dt>files read</dt><dd>2</dd></div>\n<div><dt>rows</dt><dd>77</dd></div>\n"
                  "<div class=\"warn\"><dt>malformed rows</dt><dd>1</dd></div>\n");
    free(a);
    free(b);
    page_release(&p);
}

/*
 * The trend: a small multiple per share, each on its own axis. 5 legacy of
 * 1000 sessions and 1 of 200 are both 0.5 % = 50 basis points: the axis
 * tops at 0.5 % in steps of 0.1 %, so both points sit at the top (y 12) of
 * the 160-unit plot; two days of at most 72 units are centred in the 480-unit
 * plot (x 260 and 332). No TLS: 0 and 100 of 200 (50 %), axis 0-50 %.
 */
static void
page_trend_small_multiples(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    int64_t d1 = 1709078400000LL; /* 2024-02-28T00:00:00Z */
    page_add(&p, "receive", "In", "192.0.2.1", "2024-02-28", "", EXTLS_TLS1_2, d1 + 1000, 995);
    page_add(&p, "receive", "In", "192.0.2.2", "2024-02-28", "", EXTLS_TLS1_0, d1 + 2000, 5);
    page_add(&p, "send", "Out", "192.0.2.3", "2024-02-29", "", EXTLS_TLS1_2, d1 + DAY_MS, 99);
    page_add(&p, "send", "Out", "192.0.2.4", "2024-02-29", "", EXTLS_TLS1_1, d1 + DAY_MS, 1);
    page_add(&p, "send", "Out", "192.0.2.5", "2024-02-29", "", EXTLS_NONE, d1 + DAY_MS, 100);
    char *page = render(&p);
    assert_has(page, "<figcaption>Legacy share (SSL 2/3, TLS 1.0/1.1) of each day's sessions"
                     "</figcaption>");
    assert_has(page, "<desc>Highest: 0.50%.</desc>\n"
                     "<line x1=\"56\" y1=\"172\" x2=\"536\" y2=\"172\" stroke=\"#888888\"/>"
                     "<text x=\"50\" y=\"176\" text-anchor=\"end\">0.0%</text>\n"
                     "<line x1=\"56\" y1=\"140\" x2=\"536\" y2=\"140\" stroke=\"#dddddd\"/>"
                     "<text x=\"50\" y=\"144\" text-anchor=\"end\">0.1%</text>\n");
    assert_has(page, "<text x=\"50\" y=\"16\" text-anchor=\"end\">0.5%</text>\n"
                     "<polyline fill=\"none\" stroke=\"#E69F00\" stroke-width=\"2\" "
                     "points=\"260,12 332,12 \"/>\n");
    assert_has(page, "<g><title>2024-02-28: 5 of 1000 sessions (0.5%)</title><circle cx=\"260\" "
                     "cy=\"12\" r=\"3.5\" fill=\"#E69F00\"/></g>");
    assert_has(page, "<g><title>2024-02-29: 1 of 200 sessions (0.5%)</title>");
    assert_has(page, "<desc>Highest: 50.00%.</desc>");
    assert_has(page, "points=\"260,172 332,12 \"/>");
    assert_has(page, "<g><title>2024-02-29: 100 of 200 sessions (50%)</title>");
    free(page);
    page_release(&p);
}

/* What the page is about: the servers and when it was made, when given; a --by section. */
static void
page_meta_and_by_section(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    page_add(&p, "send", "Out", "192.0.2.1", "2023-01-11", "", EXTLS_TLS1_3, T0, 3);
    char *page = render(&p);
    assert_has(page, "<p class=\"meta\">Servers: not named in the logs (give --server NAME)."
                     "</p>\n");
    assert_null(strstr(page, "Report generated"));
    free(page);
    static const enum agg_key by[] = {AGG_DAY, AGG_DIRECTION};
    p.r.groups = agg_new(by, 2);
    assert_non_null(p.r.groups);
    add(p.r.groups, "send", "Out", "192.0.2.1", "2023-01-11", "", EXTLS_TLS1_3, T0, 3);
    p.r.servers = "EX01, EX<02>";
    p.r.generated_ms = T0 + DAY_MS;
    page = render(&p);
    assert_has(page, "<p class=\"meta\">Servers: EX01, EX&lt;02&gt;. Report generated "
                     "<time datetime=\"2023-01-12T16:00:00.000Z\">2023-01-12T16:00:00.000Z</time>"
                     " by extls ");
    assert_has(page, "<h2>TLS use per day, direction</h2>");
    assert_has(page, "<tr><td class=\"v\">2023-01-11</td><td class=\"v\">send</td><td>3</td>");
    assert_has(page, "<td>100%</td><td>0%</td></tr>\n</tbody>");
    free(page);
    agg_free(p.r.groups);
    page_release(&p);
}

static void
page_write_error(void **state)
{
    (void)state;
    struct page p;
    page_init(&p);
    page_add(&p, "send", "Out", "192.0.2.1", "2023-01-11", "", EXTLS_TLS1_3, T0, 3);
    FILE *out = fopen("/dev/full", "w");
    assert_non_null(out);
    assert_int_equal(report_write(out, &p.r), EXTLS_EIO);
    fclose(out);
    page_release(&p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_exact_shares),
        cmocka_unit_test(split_rounds_to_full_width),
        cmocka_unit_test(split_keeps_small_shares_visible),
        cmocka_unit_test(split_zero_and_huge_counts),
        cmocka_unit_test(split_sums_for_random_counts),
        cmocka_unit_test(axis_steps),
        cmocka_unit_test(format_name),
        cmocka_unit_test(page_connector_bar_geometry),
        cmocka_unit_test(page_trend_small_multiples),
        cmocka_unit_test(page_meta_and_by_section),
        cmocka_unit_test(page_day_chart_geometry),
        cmocka_unit_test(page_day_chart_long_range),
        cmocka_unit_test(page_remote_order),
        cmocka_unit_test(page_empty),
        cmocka_unit_test(page_deterministic),
        cmocka_unit_test(page_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
