/* SPDX-License-Identifier: MIT */
/*
 * report.c: JSON, JSON Lines, CSV, TSV and the people's table.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "html.h"
#include "xlsx.h"
#include "table.h"
#include "xtime.h"

static const char *const format_names[] = {"table", "json", "jsonl",     "csv",
                                           "tsv",   "html", "excel-csv", "xlsx"};

unsigned
report_esc_style(enum report_format fmt, int terminal)
{
    return (terminal ? ESC_TERMINAL : 0u) | (fmt == REPORT_EXCEL_CSV ? ESC_FORMULA : 0u);
}

const char *
report_format_list(int sessions)
{
    return sessions ? "jsonl, csv, tsv, excel-csv, xlsx"
                    : "table, json, jsonl, csv, tsv, html, excel-csv, xlsx";
}

int
report_format_parse(const char *name)
{
    for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
        if (strcmp(name, format_names[i]) == 0)
            return (int)i;
    }
    return -1;
}

const char *
report_format_name(enum report_format f)
{
    size_t n = sizeof(format_names) / sizeof(format_names[0]);
    return (size_t)f < n ? format_names[f] : "?";
}

/* *sum + add into *sum; nonzero (and *sum unchanged) when it passes 2^64-1. */
static int
add_would_overflow(uint64_t sum, uint64_t add)
{
    return sum > UINT64_MAX - add;
}

enum extls_status
report_totals_add(struct report_totals *a, const struct report_totals *b)
{
    uint64_t *const to[] = {&a->files,     &a->files_skipped, &a->files_failed, &a->rows,
                            &a->malformed, &a->sessions,      &a->excluded,     &a->late_rows};
    const uint64_t from[] = {b->files,     b->files_skipped, b->files_failed, b->rows,
                             b->malformed, b->sessions,      b->excluded,     b->late_rows};
    size_t n = sizeof(from) / sizeof(from[0]);
    for (size_t i = 0; i < n; i++) {
        if (add_would_overflow(*to[i], from[i]))
            return EXTLS_ETOOBIG;
    }
    for (int k = 0; k < EXTLS_N_KINDS; k++) {
        if (add_would_overflow(a->skipped_kind[k], b->skipped_kind[k]))
            return EXTLS_ETOOBIG;
    }
    for (size_t i = 0; i < n; i++)
        *to[i] += from[i];
    for (int k = 0; k < EXTLS_N_KINDS; k++)
        a->skipped_kind[k] += b->skipped_kind[k];
    if (b->first_ms < a->first_ms)
        a->first_ms = b->first_ms;
    if (b->last_ms > a->last_ms)
        a->last_ms = b->last_ms;
    return EXTLS_OK;
}

static void
json_time(FILE *out, int64_t ms)
{
    char buf[XTIME_BUF];
    if (ms == INT64_MAX || ms == INT64_MIN)
        fputs("null", out);
    else
        fprintf(out, "\"%s\"", xtime_format(ms, buf));
}

static void
json_totals(FILE *out, const struct report_totals *t)
{
    fprintf(out,
            "{\"files\":%llu,\"rows\":%llu,\"malformed_rows\":%llu,\"sessions\":%llu,"
            "\"files_skipped\":%llu,\"files_failed\":%llu,\"sessions_excluded\":%llu",
            (unsigned long long)t->files, (unsigned long long)t->rows,
            (unsigned long long)t->malformed, (unsigned long long)t->sessions,
            (unsigned long long)t->files_skipped, (unsigned long long)t->files_failed,
            (unsigned long long)t->excluded);
    if (t->late_rows) /* --state only: absent when none */
        fprintf(out, ",\"late_rows\":%llu", (unsigned long long)t->late_rows);
    fputs(",\"first\":", out);
    json_time(out, t->first_ms);
    fputs(",\"last\":", out);
    json_time(out, t->last_ms);
    putc('}', out);
}

/* The members of one group object, without braces. */
static void
json_group(FILE *out, struct agg *a, const struct agg_group *g)
{
    size_t nk;
    const enum agg_key *keys = agg_keys(a, &nk);
    for (size_t i = 0; i < nk; i++) {
        fprintf(out, "\"%s\":", agg_key_name(keys[i]));
        esc_json(out, g->key[keys[i]].ptr, g->key[keys[i]].len);
        putc(',', out);
    }
    fprintf(out, "\"sessions\":%llu,\"tls\":{", (unsigned long long)g->sessions);
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        fprintf(out, "%s\"%s\":%llu", c ? "," : "", extls_class_name((enum extls_class)c),
                (unsigned long long)g->count[c]);
    fputs("},\"first\":", out);
    json_time(out, g->first_ms);
    fputs(",\"last\":", out);
    json_time(out, g->last_ms);
    fprintf(out, ",\"legacy\":%llu,\"with_tls\":%llu",
            (unsigned long long)extls_legacy_count(g->count),
            (unsigned long long)extls_with_tls_count(g->count));
}

static enum extls_status
write_json(FILE *out, struct report *r)
{
    const struct agg_group *const *v = agg_sorted(r->groups);
    size_t n = agg_size(r->groups);
    if (n && !v)
        return EXTLS_ENOMEM;
    fputs("{\"schema\":\"extls/1\",\n\"totals\":", out);
    json_totals(out, &r->totals);
    fputs(",\n\"groups\":[", out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n{" : "\n{", out);
        json_group(out, r->groups, v[i]);
        putc('}', out);
    }
    fputs(n ? "\n]}\n" : "]}\n", out);
    return EXTLS_OK;
}

static enum extls_status
write_jsonl(FILE *out, struct report *r)
{
    const struct agg_group *const *v = agg_sorted(r->groups);
    size_t n = agg_size(r->groups);
    if (n && !v)
        return EXTLS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        fputs("{\"type\":\"group\",", out);
        json_group(out, r->groups, v[i]);
        fputs("}\n", out);
    }
    fputs("{\"type\":\"totals\",\"schema\":\"extls/1\",\"totals\":", out);
    json_totals(out, &r->totals);
    fputs("}\n", out);
    return EXTLS_OK;
}

/*
 * CSV and TSV: a header row, then one row per group. Spreadsheet CSV
 * (excel-csv) starts with a UTF-8 byte-order mark, ends lines in CRLF and
 * neutralises formula triggers (esc_field()).
 */
static enum extls_status
write_delimited(FILE *out, struct report *r, char sep)
{
    unsigned style = report_esc_style(r->format, r->terminal);
    const char *eol = r->format == REPORT_EXCEL_CSV ? "\r\n" : "\n";
    const struct agg_group *const *v = agg_sorted(r->groups);
    size_t n = agg_size(r->groups), nk;
    const enum agg_key *keys = agg_keys(r->groups, &nk);
    if (n && !v)
        return EXTLS_ENOMEM;
    if (r->format == REPORT_EXCEL_CSV)
        fputs(REPORT_BOM, out);
    for (size_t i = 0; i < nk; i++)
        fprintf(out, "%s%c", agg_key_name(keys[i]), sep);
    fputs("sessions", out);
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        fprintf(out, "%c%s", sep, extls_class_name((enum extls_class)c));
    fprintf(out, "%cfirst%clast%clegacy%cwith_tls%s", sep, sep, sep, sep, eol);
    for (size_t g = 0; g < n; g++) {
        char t1[XTIME_BUF], t2[XTIME_BUF];
        for (size_t i = 0; i < nk; i++) {
            esc_field(out, style, sep, v[g]->key[keys[i]].ptr, v[g]->key[keys[i]].len);
            putc(sep, out);
        }
        fprintf(out, "%llu", (unsigned long long)v[g]->sessions);
        for (int c = 0; c < EXTLS_N_CLASSES; c++)
            fprintf(out, "%c%llu", sep, (unsigned long long)v[g]->count[c]);
        fprintf(out, "%c%s%c%s%c%llu%c%llu%s", sep, xtime_format(v[g]->first_ms, t1), sep,
                xtime_format(v[g]->last_ms, t2), sep,
                (unsigned long long)extls_legacy_count(v[g]->count), sep,
                (unsigned long long)extls_with_tls_count(v[g]->count), eol);
    }
    return EXTLS_OK;
}

/* ---- table ---- */

const char *
report_pct(uint64_t part, uint64_t whole, char buf[REPORT_PCT_BUF])
{
    double p = whole ? 100.0 * (double)part / (double)whole : 0;
    if (!whole)
        snprintf(buf, REPORT_PCT_BUF, "-");
    else if (part == 0 || part == whole)
        snprintf(buf, REPORT_PCT_BUF, "%s", part ? "100%" : "0%");
    else if (p < 0.1)
        snprintf(buf, REPORT_PCT_BUF, "<0.1%%");
    else if (p < 9.95)
        snprintf(buf, REPORT_PCT_BUF, "%.1f%%", p);
    else if (p >= 99.5)
        snprintf(buf, REPORT_PCT_BUF, ">99%%");
    else
        snprintf(buf, REPORT_PCT_BUF, "%.0f%%", p);
    return buf;
}

#define MAX_COLS TABLE_MAX_COLS
#define TOFIX_SHOWN 10 /* rows per to-fix list unless --wide */

static void
cell_field(struct table_cell *c, struct span f)
{
    table_cell_value(c, f.ptr, f.len);
}

static void
cell_pct(struct table_cell *c, uint64_t part, uint64_t whole)
{
    report_pct(part, whole, c->num);
    table_cell_text(c, c->num, strlen(c->num));
}

/* "2023-01-11 15:12" (UTC, to the minute): when a host was last seen, for people. */
static void
cell_minute(struct table_cell *c, int64_t ms)
{
    char buf[XTIME_BUF];
    xtime_format(ms, buf);
    snprintf(c->num, sizeof(c->num), "%.10s %.5s", buf, buf + 11);
    table_cell_text(c, c->num, strlen(c->num));
}

/* The class columns (full layout only), headers from class names. */
static size_t
class_cols(struct table_col *cols, size_t at)
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        cols[at++] = (struct table_col){extls_class_name((enum extls_class)c),
                                        TABLE_RIGHT | TABLE_FULL, 0, 0};
    return at;
}

static size_t
class_cells(struct table_cell *cells, size_t at, const struct agg_group *g)
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        table_cell_num(&cells[at++], g->count[c]);
    return at;
}

/*
 * The compact stand-ins for the class columns: legacy (ssl2..tls1_1),
 * tls_failed and none counts.
 */
static size_t
compact_cols(struct table_col *cols, size_t at, unsigned failed_drop)
{
    cols[at++] = (struct table_col){"legacy", TABLE_RIGHT | TABLE_COMPACT, 0, 0};
    cols[at++] = (struct table_col){"tls_failed", TABLE_RIGHT | TABLE_COMPACT, 0, failed_drop};
    cols[at++] = (struct table_col){"none", TABLE_RIGHT | TABLE_COMPACT, 0, 0};
    return at;
}

static size_t
compact_cells(struct table_cell *cells, size_t at, const struct agg_group *g)
{
    table_cell_num(&cells[at++], extls_legacy_count(g->count));
    table_cell_num(&cells[at++], g->count[EXTLS_TLS_FAILED]);
    table_cell_num(&cells[at++], g->count[EXTLS_NONE]);
    return at;
}

/* Both shares of a row: tls% and legacy% of its sessions. */
static size_t
share_cells(struct table_cell *cells, size_t at, const struct agg_group *g)
{
    cell_pct(&cells[at++], extls_with_tls_count(g->count), g->sessions);
    cell_pct(&cells[at++], extls_legacy_count(g->count), g->sessions);
    return at;
}

static size_t
share_cols(struct table_col *cols, size_t at)
{
    cols[at++] = (struct table_col){"tls%", TABLE_RIGHT, 0, 0};
    cols[at++] = (struct table_col){"legacy%", TABLE_RIGHT, 0, 0};
    return at;
}

/* Print the rows v[0..n) of a table in both passes; `fill` makes one row's cells. */
static void
run_table(struct table *t, const struct agg_group *const *v, size_t n,
          void (*fill)(struct table_cell *, const struct agg_group *, const void *),
          const void *ctx)
{
    struct table_cell cells[MAX_COLS];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            table_layout(t);
        table_header(t);
        for (size_t i = 0; i < n; i++) {
            fill(cells, v[i], ctx);
            table_row(t, cells);
        }
    }
}

static void
connector_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    (void)ctx;
    size_t k = 0;
    cell_field(&cells[k++], g->key[AGG_DIRECTION]);
    cell_field(&cells[k++], g->key[AGG_CONNECTOR]);
    table_cell_num(&cells[k++], g->sessions);
    k = class_cells(cells, k, g);
    k = compact_cells(cells, k, g);
    share_cells(cells, k, g);
}

static int
connector_section(FILE *out, struct agg *a, unsigned limit, int first)
{
    struct table_col cols[MAX_COLS];
    size_t k = 0;
    cols[k++] = (struct table_col){"direction", 0, 0, 0};
    cols[k++] = (struct table_col){"connector", TABLE_SHRINK, 24, 0};
    cols[k++] = (struct table_col){"sessions", TABLE_RIGHT, 0, 0};
    k = class_cols(cols, k);
    k = compact_cols(cols, k, 1);
    k = share_cols(cols, k);
    struct table t;
    table_init(&t, out, cols, k, limit);
    fputs(first ? "TLS use per connector (tls%, legacy%: of its sessions)\n"
                : "\nTLS use per connector (tls%, legacy%: of its sessions)\n",
          out);
    run_table(&t, agg_sorted(a), agg_size(a), connector_fill, NULL);
    return t.cut;
}

static void
remote_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    (void)ctx;
    size_t k = 0;
    cell_field(&cells[k++], g->key[AGG_DIRECTION]);
    cell_field(&cells[k++], g->key[AGG_REMOTE]);
    cell_field(&cells[k++], g->host);
    table_cell_num(&cells[k++], g->sessions);
    k = class_cells(cells, k, g);
    k = compact_cells(cells, k, g);
    cell_minute(&cells[k++], g->last_ms);
}

/* The remote hosts in the people's order (legacy users first); caller frees. NULL: none or no
 * memory. */
static const struct agg_group **
legacy_first(struct agg *a, size_t n)
{
    const struct agg_group *const *sorted = n && a ? agg_sorted(a) : NULL;
    if (!sorted)
        return NULL;
    const struct agg_group **v = malloc(n * sizeof(*v));
    if (!v)
        return NULL;
    memcpy(v, sorted, n * sizeof(*v));
    qsort(v, n, sizeof(*v), agg_cmp_legacy_first);
    return v;
}

static int
remote_section(FILE *out, const struct agg_group *const *v, size_t n, unsigned limit)
{
    struct table_col cols[MAX_COLS];
    size_t k = 0;
    cols[k++] = (struct table_col){"direction", 0, 0, 0};
    cols[k++] = (struct table_col){"remote", TABLE_SHRINK, 15, 0};
    cols[k++] = (struct table_col){"ehlo", TABLE_SHRINK, 12, 1};
    cols[k++] = (struct table_col){"sessions", TABLE_RIGHT, 0, 0};
    k = class_cols(cols, k);
    k = compact_cols(cols, k, 3);
    cols[k++] = (struct table_col){"last", 0, 0, 2};
    struct table t;
    table_init(&t, out, cols, k, limit);
    fputs("\nTLS use per remote host (legacy first; last seen: UTC)\n", out);
    run_table(&t, v, n, remote_fill, NULL);
    return t.cut;
}

/* "tls1_0,tls1_1": the legacy classes a group used. */
static void
cell_legacy_classes(struct table_cell *c, const struct agg_group *g)
{
    size_t at = 0;
    c->num[0] = '\0';
    for (int k = 0; k < EXTLS_N_CLASSES; k++) {
        if (!g->count[k] || !extls_class_is_legacy((enum extls_class)k))
            continue;
        at += (size_t)snprintf(c->num + at, sizeof(c->num) - at, "%s%s", at ? "," : "",
                               extls_class_name((enum extls_class)k));
        if (at >= sizeof(c->num))
            at = sizeof(c->num) - 1;
    }
    table_cell_text(c, c->num, strlen(c->num));
}

static void
legacy_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    (void)ctx;
    size_t k = 0;
    cell_field(&cells[k++], g->key[AGG_DIRECTION]);
    cell_field(&cells[k++], g->key[AGG_REMOTE]);
    cell_field(&cells[k++], g->host);
    table_cell_num(&cells[k++], extls_legacy_count(g->count));
    table_cell_num(&cells[k++], g->sessions);
    cell_legacy_classes(&cells[k++], g);
    cell_minute(&cells[k++], g->last_ms);
}

static void
plain_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    (void)ctx;
    size_t k = 0;
    cell_field(&cells[k++], g->key[AGG_REMOTE]);
    cell_field(&cells[k++], g->host);
    table_cell_num(&cells[k++], g->sessions);
    cell_minute(&cells[k++], g->last_ms);
}

int
report_is_legacy_host(const struct agg_group *g)
{
    return extls_legacy_count(g->count) != 0;
}

int
report_is_plain_partner(const struct agg_group *g)
{
    return g->sessions && g->count[EXTLS_NONE] == g->sessions && g->key[AGG_DIRECTION].len == 4 &&
           memcmp(g->key[AGG_DIRECTION].ptr, "send", 4) == 0;
}

size_t
report_select(const struct agg_group *const *v, size_t n, int (*keep)(const struct agg_group *),
              const struct agg_group **w)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep(v[i]))
            w[m++] = v[i];
    }
    return m;
}

/*
 * "To fix first": remote hosts on SSL 2/3 or TLS 1.0/1.1 (most legacy
 * sessions first), then send partners whose every session went without
 * TLS; each list cut at TOFIX_SHOWN rows unless wide.
 */
static enum extls_status
tofix_section(FILE *out, const struct agg_group *const *v, size_t n, unsigned limit, int wide,
              int *cut)
{
    const struct agg_group **w = n ? malloc(n * sizeof(*w)) : NULL;
    if (n && !w)
        return EXTLS_ENOMEM;
    size_t n_legacy = report_select(v, n, report_is_legacy_host, w);
    fputs("To fix first\n", out);
    if (n_legacy) {
        static const struct table_col cols[] = {
            {"direction", 0, 0, 0},
            {"remote", TABLE_SHRINK, 15, 0},
            {"ehlo", TABLE_SHRINK, 12, 1},
            {"legacy", TABLE_RIGHT, 0, 0},
            {"sessions", TABLE_RIGHT, 0, 0},
            {"protocols", 0, 0, 2},
            {"last", 0, 0, 0},
        };
        struct table t;
        table_init(&t, out, cols, sizeof(cols) / sizeof(cols[0]), limit);
        size_t shown = wide || n_legacy <= TOFIX_SHOWN ? n_legacy : TOFIX_SHOWN;
        fprintf(out, "%llu remote host%s still on SSL 2/3 or TLS 1.0/1.1:\n",
                (unsigned long long)n_legacy, n_legacy == 1 ? "" : "s");
        run_table(&t, w, shown, legacy_fill, NULL);
        *cut |= t.cut;
        if (shown < n_legacy)
            fprintf(out, "... %llu more: see the per-remote-host section, or --wide\n",
                    (unsigned long long)(n_legacy - shown));
    }
    size_t n_plain = report_select(v, n, report_is_plain_partner, w);
    if (n_plain) {
        static const struct table_col cols[] = {
            {"remote", TABLE_SHRINK, 15, 0},
            {"ehlo", TABLE_SHRINK, 10, 0},
            {"sessions", TABLE_RIGHT, 0, 0},
            {"last", 0, 0, 0},
        };
        struct table t;
        table_init(&t, out, cols, 4, limit);
        size_t shown = wide || n_plain <= TOFIX_SHOWN ? n_plain : TOFIX_SHOWN;
        fprintf(out, "%s%llu send partner%s that never started TLS:\n", n_legacy ? "\n" : "",
                (unsigned long long)n_plain, n_plain == 1 ? "" : "s");
        run_table(&t, w, shown, plain_fill, NULL);
        *cut |= t.cut;
        if (shown < n_plain)
            fprintf(out, "... %llu more: see the per-remote-host section, or --wide\n",
                    (unsigned long long)(n_plain - shown));
    }
    if (!n_legacy && !n_plain)
        fputs("nothing: no legacy remote host, no send partner without TLS\n", out);
    free(w);
    return EXTLS_OK;
}

/* Sessions per class per day, when there is more than one day. */
static void
day_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    (void)ctx;
    size_t k = 0;
    cell_field(&cells[k++], g->key[AGG_DAY]);
    table_cell_num(&cells[k++], g->sessions);
    k = class_cells(cells, k, g);
    k = compact_cells(cells, k, g);
    share_cells(cells, k, g);
}

static int
day_section(FILE *out, struct agg *a, int local, unsigned limit)
{
    struct table_col cols[MAX_COLS];
    size_t k = 0;
    cols[k++] = (struct table_col){"day", 0, 0, 0};
    cols[k++] = (struct table_col){"sessions", TABLE_RIGHT, 0, 0};
    k = class_cols(cols, k);
    k = compact_cols(cols, k, 0);
    k = share_cols(cols, k);
    struct table t;
    table_init(&t, out, cols, k, limit);
    fprintf(out, "\nTLS use per day (%s; tls%%, legacy%%: of its sessions)\n",
            local ? "local time" : "UTC");
    run_table(&t, agg_sorted(a), agg_size(a), day_fill, NULL);
    return t.cut;
}

/* --by for the table: one row per group of the chosen keys. */
static void
by_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    const struct agg *a = ctx;
    size_t nk, k = 0;
    const enum agg_key *keys = agg_keys(a, &nk);
    for (size_t i = 0; i < nk; i++)
        cell_field(&cells[k++], g->key[keys[i]]);
    table_cell_num(&cells[k++], g->sessions);
    k = class_cells(cells, k, g);
    k = compact_cells(cells, k, g);
    share_cells(cells, k, g);
}

static int
by_section(FILE *out, struct agg *a, unsigned limit)
{
    struct table_col cols[MAX_COLS];
    size_t nk, k = 0;
    const enum agg_key *keys = agg_keys(a, &nk);
    fputs("\nTLS use per ", out);
    for (size_t i = 0; i < nk; i++) {
        int fixed = keys[i] == AGG_DIRECTION || keys[i] == AGG_DAY || keys[i] == AGG_HOUR;
        cols[k++] = (struct table_col){agg_key_name(keys[i]), fixed ? 0u : TABLE_SHRINK, 10, 0};
        fprintf(out, "%s%s", i ? ", " : "", agg_key_name(keys[i]));
    }
    fputs(" (--by; tls%, legacy%: of its sessions)\n", out);
    cols[k++] = (struct table_col){"sessions", TABLE_RIGHT, 0, 0};
    k = class_cols(cols, k);
    k = compact_cols(cols, k, 1);
    k = share_cols(cols, k);
    struct table t;
    table_init(&t, out, cols, k, limit);
    run_table(&t, agg_sorted(a), agg_size(a), by_fill, a);
    return t.cut;
}

static void
footer(FILE *out, const struct report_totals *t, int cut)
{
    char a[XTIME_BUF], b[XTIME_BUF];
    fprintf(out, "\n%llu file%s", (unsigned long long)t->files, t->files == 1 ? "" : "s");
    if (t->files_skipped) {
        fprintf(out, " (%llu skipped", (unsigned long long)t->files_skipped);
        const char *sep = ": ";
        for (int k = 0; k < EXTLS_N_KINDS; k++) {
            if (!t->skipped_kind[k])
                continue;
            fprintf(out, "%s%llu %s", sep, (unsigned long long)t->skipped_kind[k],
                    extls_kind_name((enum extls_kind)k, t->skipped_kind[k]));
            sep = ", ";
        }
        putc(')', out);
    }
    if (t->files_failed)
        fprintf(out, " (%llu unreadable)", (unsigned long long)t->files_failed);
    fprintf(out, ", %llu rows, %llu malformed, %llu sessions", (unsigned long long)t->rows,
            (unsigned long long)t->malformed, (unsigned long long)t->sessions);
    if (t->excluded)
        fprintf(out, " (%llu more excluded by filters)", (unsigned long long)t->excluded);
    if (t->late_rows)
        fprintf(out, ", %llu late rows", (unsigned long long)t->late_rows);
    putc('\n', out);
    if (t->sessions)
        fprintf(out, "sessions starting %s to %s\n", xtime_format(t->first_ms, a),
                xtime_format(t->last_ms, b));
    if (cut)
        fputs("legacy: SSL 2/3, TLS 1.0/1.1; cut to fit: --wide shows all\n", out);
}

static enum extls_status
write_table(FILE *out, struct report *r)
{
    struct agg *tables[] = {r->by_connector, r->by_remote, r->by_day, r->groups};
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        if (tables[i] && agg_size(tables[i]) && !agg_sorted(tables[i]))
            return EXTLS_ENOMEM;
    }
    unsigned limit = r->wide ? 0 : r->width;
    int cut = 0;
    size_t n_remote = r->by_remote ? agg_size(r->by_remote) : 0;
    const struct agg_group **remote = legacy_first(r->by_remote, n_remote);
    if (n_remote && !remote)
        return EXTLS_ENOMEM;
    if (r->by_remote) { /* merged reports without the remote key have none */
        enum extls_status st = tofix_section(out, remote, n_remote, limit, r->wide, &cut);
        if (st != EXTLS_OK) {
            free(remote);
            return st;
        }
    }
    if (r->by_connector)
        cut |= connector_section(out, r->by_connector, limit, !r->by_remote);
    if (r->by_remote)
        cut |= remote_section(out, remote, n_remote, limit);
    free(remote);
    if (r->by_day && agg_size(r->by_day) > 1)
        cut |= day_section(out, r->by_day, r->local_days, limit);
    if (r->groups)
        cut |= by_section(out, r->groups, limit);
    footer(out, &r->totals, cut);
    return EXTLS_OK;
}

enum extls_status
report_write(FILE *out, struct report *r)
{
    enum extls_status st = EXTLS_OK;
    switch (r->format) {
    case REPORT_TABLE:
        st = write_table(out, r);
        break;
    case REPORT_JSON:
        st = write_json(out, r);
        break;
    case REPORT_JSONL:
        st = write_jsonl(out, r);
        break;
    case REPORT_CSV:
    case REPORT_EXCEL_CSV:
        st = write_delimited(out, r, ',');
        break;
    case REPORT_TSV:
        st = write_delimited(out, r, '\t');
        break;
    case REPORT_HTML:
        st = html_write(out, r);
        break;
    case REPORT_XLSX:
        st = xlsx_write_report(out, r);
        break;
    }
    if (st == EXTLS_OK && (fflush(out) != 0 || ferror(out)))
        st = EXTLS_EIO;
    return st;
}
