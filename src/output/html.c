/* SPDX-License-Identifier: MIT */
/*
 * html.c: the summary as one HTML5 page with inline CSS and SVG charts: the
 * page frame (head, style, header with the totals, footer) and the order of
 * its parts; the charts are drawn by html_chart.c, the tables by
 * html_table.c. Writes only; the numbers come from the report's tables as
 * they are (the per-connector and per-remote-host tables of the table format,
 * plus the sessions per UTC day). No script, no external resource, no clock.
 */
#include "html.h"

#include <stdlib.h>
#include <string.h>

#include "html_int.h"

/* Names for people, in class order. */
const char *const html_class_label[EXTLS_N_CLASSES] = {
    "SSL 2",      "SSL 3",  "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3", "TLS, version not logged",
    "TLS failed", "no TLS",
};

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
    char a[ISOTIME_BUF], b[ISOTIME_BUF];
    fputs("<!DOCTYPE html>\n"
          "<html lang=\"en\">\n"
          "<head>\n"
          "<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<meta name=\"generator\" content=\"extls " EXTLS_VERSION "\"/>\n"
          "<title>extls: TLS use",
          out);
    if (t->sessions)
        fprintf(out, ", %s to %s", isotime_format(t->first_ms, a), isotime_format(t->last_ms, b));
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
        total_item(out, "files with read errors", t->files_failed, 1);
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
    if (r->by_connector)
        agg_class_totals(r->by_connector, cls);
    for (size_t i = 0; i < n_remote; i++)
        legacy_hosts += extls_legacy_count(remote[i]->count) != 0;

    page_head(out, &r->totals);
    page_header(out, r, cls, r->by_remote ? legacy_hosts : UINT64_MAX);
    fputs("<main>\n", out);
    if (r->by_remote)
        html_fix_section(out, by_legacy, n_remote, r->saw_nothing, scratch);
    fputs("<section>\n<h2>TLS use per connector</h2>\n", out);
    if (n_conn)
        html_connector_chart(out, conn, n_conn);
    html_connector_table(out, conn, n_conn);
    fputs("</section>\n", out);
    if (r->by_day) {
        fputs("<section>\n<h2>Trend per day</h2>\n", out);
        if (n_day) {
            fputs("<div class=\"trend\">\n", out);
            html_trend_chart(out, days, n_day, &r->totals, 1);
            html_trend_chart(out, days, n_day, &r->totals, 0);
            fputs("</div>\n", out);
            html_day_chart(out, days, n_day, &r->totals);
        } else {
            fputs("<p>No sessions.</p>\n", out);
        }
        fputs("</section>\n", out);
    }
    if (r->by_remote) {
        fputs("<section>\n<h2>TLS use per remote host</h2>\n", out);
        html_remote_table(out, by_legacy, n_remote);
        fputs("</section>\n", out);
    }
    if (r->groups)
        html_by_table(out, r->groups);
    fputs("</main>\n<footer><p>Made by extls " EXTLS_VERSION ". The numbers depend on the logs "
          "alone: the same logs give the same page, but for the time it was generated.</p>"
          "</footer>\n</body>\n</html>\n",
          out);
    free(by_legacy);
    free(scratch);
    return EXTLS_OK;
}
