/* SPDX-License-Identifier: MIT */
/*
 * html_table.c: the tables of the HTML page: the to-fix lists, the
 * per-connector and per-remote-host tables of the table format, and the
 * table grouped by --by; legacy rows and counts stand out.
 */
#include "html.h"

#include <stdlib.h>

#include "html_int.h"

/* <th> cells naming the classes. */
static void
class_headers(FILE *out)
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        fprintf(out, "<th scope=\"col\">%s</th>", html_class_label[c]);
}

/* A row's start, highlighted when `hot` (a legacy user). */
static void
row_start(FILE *out, int hot)
{
    fputs(hot ? "<tr class=\"legacy\">" : "<tr>", out);
}

/* A cell with a name as it was logged (direction, day). */
static void
td_text(FILE *out, struct span f)
{
    fputs("<td class=\"t\">", out);
    put_field(out, f);
    fputs("</td>", out);
}

/* A cell with a logged value whose edge spaces must show (put_value()). */
static void
td_value(FILE *out, struct span f)
{
    fputs("<td class=\"v\">", out);
    put_value(out, f);
    fputs("</td>", out);
}

static void
td_u(FILE *out, uint64_t v)
{
    fputs("<td>", out);
    put_u(out, v);
    fputs("</td>", out);
}

static void
td_time(FILE *out, int64_t ms)
{
    fputs("<td class=\"t\">", out);
    put_time(out, ms);
    fputs("</td>", out);
}

/*
 * The count cells of a group: sessions, one per class (legacy counts above
 * 0 stand out), then, when `shares`, the TLS and legacy shares.
 */
static void
count_cells(FILE *out, const struct agg_group *g, int shares)
{
    td_u(out, g->sessions);
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        int hot = g->count[c] && extls_class_is_legacy((enum extls_class)c);
        fputs(hot ? "<td class=\"hot\">" : "<td>", out);
        put_u(out, g->count[c]);
        fputs("</td>", out);
    }
    if (!shares)
        return;
    fputs("<td>", out);
    put_pct(out, extls_with_tls_count(g->count), g->sessions);
    fputs("</td><td>", out);
    put_pct(out, extls_legacy_count(g->count), g->sessions);
    fputs("</td>", out);
}

/*
 * The per-connector table (`remote` 0: direction, connector, counts and
 * shares) or the per-remote-host table (direction, remote host, EHLO name,
 * counts, last seen); legacy users highlighted.
 */
static void
group_table(FILE *out, const struct agg_group *const *v, size_t n, int remote)
{
    fputs("<div class=\"scroll\"><table>\n", out);
    fputs(remote ? "<caption>Remote hosts on SSL 2/3 or TLS 1.0/1.1 first (highlighted); EHLO "
                   "name: the latest seen</caption>\n"
                 : "<caption>TLS: share of the connector's sessions with TLS; legacy: share of "
                   "its sessions on SSL 2/3 or TLS 1.0/1.1</caption>\n",
          out);
    fputs("<thead><tr><th scope=\"col\" class=\"t\">Direction</th>", out);
    fputs(remote ? "<th scope=\"col\" class=\"t\">Remote host</th>"
                   "<th scope=\"col\" class=\"t\">EHLO name</th>"
                 : "<th scope=\"col\" class=\"t\">Connector</th>",
          out);
    fputs("<th scope=\"col\">Sessions</th>", out);
    class_headers(out);
    fputs(remote ? "<th scope=\"col\" class=\"t\">Last seen</th>"
                 : "<th scope=\"col\">TLS</th><th scope=\"col\">Legacy</th>",
          out);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct agg_group *g = v[i];
        row_start(out, extls_legacy_count(g->count) != 0);
        td_text(out, g->key[AGG_DIRECTION]);
        td_value(out, g->key[remote ? AGG_REMOTE : AGG_CONNECTOR]);
        if (remote)
            td_value(out, g->host);
        count_cells(out, g, !remote);
        if (remote)
            td_time(out, g->last_ms);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table></div>\n", out);
}

void
html_connector_table(FILE *out, const struct agg_group *const *v, size_t n)
{
    group_table(out, v, n, 0);
}

void
html_remote_table(FILE *out, const struct agg_group **v, size_t n)
{
    if (n)
        qsort(v, n, sizeof(*v), agg_cmp_legacy_first);
    group_table(out, v, n, 1);
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
            fprintf(out, "%s%s", sep, html_class_label[c]);
            sep = ", ";
        }
    }
}

static void
fix_rows(FILE *out, const struct agg_group *const *v, size_t from, size_t to, int legacy)
{
    for (size_t i = from; i < to; i++) {
        const struct agg_group *g = v[i];
        row_start(out, legacy);
        if (legacy)
            td_text(out, g->key[AGG_DIRECTION]);
        td_value(out, g->key[AGG_REMOTE]);
        td_value(out, g->host);
        if (legacy) {
            fputs("<td class=\"hot\">", out);
            put_u(out, extls_legacy_count(g->count));
            fputs("</td>", out);
        }
        td_u(out, g->sessions);
        if (legacy) {
            fputs("<td class=\"t\">", out);
            put_legacy_classes(out, g);
            fputs("</td>", out);
        }
        td_time(out, g->last_ms);
        fputs("</tr>\n", out);
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

/*
 * One to-fix list with its heading, the groups of v[0..n) that pass `keep`
 * (legacy hosts when `legacy`, else plain send partners), gathered in w;
 * nothing when none pass. Returns how many passed.
 */
static size_t
fix_group(FILE *out, const struct agg_group *const *v, size_t n, const struct agg_group **w,
          int legacy)
{
    size_t m = report_select(v, n, legacy ? report_is_legacy_host : report_is_plain_partner, w);
    if (!m)
        return 0;
    fputs("<h3>", out);
    put_u(out, m);
    if (legacy)
        fputs(m == 1 ? " remote host still on SSL 2/3 or TLS 1.0/1.1</h3>\n"
                     : " remote hosts still on SSL 2/3 or TLS 1.0/1.1</h3>\n",
              out);
    else
        fputs(m == 1 ? " send partner that never started TLS</h3>\n"
                     : " send partners that never started TLS</h3>\n",
              out);
    fix_list(out, w, m, legacy);
    return m;
}

/* "To fix first": v[0..n) are the remote hosts, legacy users first; w is scratch of n (html_int.h).
 */
void
html_fix_section(FILE *out, const struct agg_group *const *v, size_t n, int saw_nothing,
                 const struct agg_group **w)
{
    fputs("<section class=\"fix\">\n<h2>To fix first</h2>\n", out);
    size_t n_legacy = fix_group(out, v, n, w, 1);
    size_t n_plain = fix_group(out, v, n, w, 0);
    if (!n_legacy && !n_plain && saw_nothing)
        fputs("<p>Unknown: nothing was read, so there is nothing to judge (see the errors the run "
              "printed).</p>\n",
              out);
    else if (!n_legacy && !n_plain)
        fputs("<p>Nothing: no remote host on SSL 2/3 or TLS 1.0/1.1, and every send partner "
              "started TLS.</p>\n",
              out);
    fputs("</section>\n", out);
}

/* ---- --by ---- */

/* A section grouped by the --by keys: their columns, the class counts and both shares. */
void
html_by_table(FILE *out, struct agg *a)
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
        row_start(out, extls_legacy_count(g->count) != 0);
        for (size_t k = 0; k < nk; k++)
            td_value(out, g->key[keys[k]]);
        count_cells(out, g, 1);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table></div>\n</section>\n", out);
}
