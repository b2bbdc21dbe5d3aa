/* SPDX-License-Identifier: MIT */
/*
 * report_table.c: the table format, for people: the to-fix lists, the
 * sections per connector, remote host, day and --by group (each fitted to
 * the terminal by table.c), and the footer with the run's totals.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "table.h"
#include "isotime.h"

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
    char buf[ISOTIME_BUF];
    isotime_format(ms, buf);
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

/*
 * The columns every count section ends with: sessions, the class columns
 * (full layout) or their compact stand-ins, then both shares when `shares`.
 */
static size_t
count_cols(struct table_col *cols, size_t at, unsigned failed_drop, int shares)
{
    cols[at++] = (struct table_col){"sessions", TABLE_RIGHT, 0, 0};
    at = class_cols(cols, at);
    at = compact_cols(cols, at, failed_drop);
    return shares ? share_cols(cols, at) : at;
}

/* The cells of count_cols() for group g. */
static size_t
count_cells(struct table_cell *cells, size_t at, const struct agg_group *g, int shares)
{
    table_cell_num(&cells[at++], g->sessions);
    at = class_cells(cells, at, g);
    at = compact_cells(cells, at, g);
    return shares ? share_cells(cells, at, g) : at;
}

/* One row's cells from its group; ctx is the section's own (its agg for --by). */
typedef void table_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx);

/* What print_table() had to do to fit: flags, or 0 when nothing. */
enum fit {
    FIT_COMPACT = 1,   /* the compact layout (class columns folded, some left out) */
    FIT_SHORTENED = 2, /* at least one cell printed shortened with "…" */
};

/*
 * Print the rows v[0..n) as a table of cols[0..n_cols) fitted to `limit`
 * (measured, then printed); `fill` makes one row's cells. Returns the
 * enum fit flags of what fitting took.
 */
static int
print_table(FILE *out, const struct table_col *cols, size_t n_cols, unsigned limit,
            const struct agg_group *const *v, size_t n, table_fill *fill, const void *ctx)
{
    struct table t;
    struct table_cell cells[MAX_COLS];
    table_init(&t, out, cols, n_cols, limit);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            table_layout(&t);
        table_header(&t);
        for (size_t i = 0; i < n; i++) {
            fill(cells, v[i], ctx);
            table_row(&t, cells);
        }
    }
    /* A column narrower than its widest cell shortened that cell: t.cut alone is the layout. */
    return (t.cut && !t.shortened ? FIT_COMPACT : 0) | (t.shortened ? FIT_SHORTENED : 0);
}

static void
connector_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    (void)ctx;
    size_t k = 0;
    cell_field(&cells[k++], g->key[AGG_DIRECTION]);
    cell_field(&cells[k++], g->key[AGG_CONNECTOR]);
    count_cells(cells, k, g, 1);
}

static int
connector_section(FILE *out, struct agg *a, unsigned limit, int first)
{
    struct table_col cols[MAX_COLS];
    size_t k = 0;
    cols[k++] = (struct table_col){"direction", 0, 0, 0};
    cols[k++] = (struct table_col){"connector", TABLE_SHRINK, 24, 0};
    k = count_cols(cols, k, 1, 1);
    fputs(first ? "TLS use per connector (tls%, legacy%: of its sessions)\n"
                : "\nTLS use per connector (tls%, legacy%: of its sessions)\n",
          out);
    return print_table(out, cols, k, limit, agg_sorted(a), agg_size(a), connector_fill, NULL);
}

/* The cells naming a remote host: direction, remote, EHLO name; returns how many. */
static size_t
host_cells(struct table_cell *cells, const struct agg_group *g)
{
    cell_field(&cells[0], g->key[AGG_DIRECTION]);
    cell_field(&cells[1], g->key[AGG_REMOTE]);
    cell_field(&cells[2], g->host);
    return 3;
}

static void
remote_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    (void)ctx;
    size_t k = host_cells(cells, g);
    k = count_cells(cells, k, g, 0);
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
    k = count_cols(cols, k, 3, 0);
    cols[k++] = (struct table_col){"last", 0, 0, 2};
    fputs("\nTLS use per remote host (legacy first; last seen: UTC)\n", out);
    return print_table(out, cols, k, limit, v, n, remote_fill, NULL);
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
    size_t k = host_cells(cells, g);
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

/*
 * One to-fix list of the n groups w[0..n): "<n> <noun>[s] <what>:", the
 * table (cut at TOFIX_SHOWN rows unless wide) and how many more there are.
 * Returns the enum fit flags of its table.
 */
static int
tofix_list(FILE *out, const struct agg_group *const *w, size_t n, const char *noun,
           const char *what, const struct table_col *cols, size_t n_cols, unsigned limit, int wide,
           table_fill *fill)
{
    size_t shown = wide || n <= TOFIX_SHOWN ? n : TOFIX_SHOWN;
    fprintf(out, "%llu %s%s %s:\n", (unsigned long long)n, noun, n == 1 ? "" : "s", what);
    int cut = print_table(out, cols, n_cols, limit, w, shown, fill, NULL);
    if (shown < n)
        fprintf(out, "... %llu more: see the per-remote-host section, or --wide\n",
                (unsigned long long)(n - shown));
    return cut;
}

/*
 * "To fix first": remote hosts on SSL 2/3 or TLS 1.0/1.1 (most legacy
 * sessions first), then send partners whose every session went without
 * TLS; each list cut at TOFIX_SHOWN rows unless wide. When nothing was
 * read (saw_nothing), it says that the answer is unknown, not "nothing".
 */
static enum extls_status
tofix_section(FILE *out, const struct agg_group *const *v, size_t n, unsigned limit, int wide,
              int saw_nothing, int *cut)
{
    static const struct table_col legacy_cols[] = {
        {"direction", 0, 0, 0},
        {"remote", TABLE_SHRINK, 15, 0},
        {"ehlo", TABLE_SHRINK, 12, 1},
        {"legacy", TABLE_RIGHT, 0, 0},
        {"sessions", TABLE_RIGHT, 0, 0},
        {"protocols", 0, 0, 2},
        {"last", 0, 0, 0},
    };
    static const struct table_col plain_cols[] = {
        {"remote", TABLE_SHRINK, 15, 0},
        {"ehlo", TABLE_SHRINK, 10, 0},
        {"sessions", TABLE_RIGHT, 0, 0},
        {"last", 0, 0, 0},
    };
    const struct agg_group **w = n ? malloc(n * sizeof(*w)) : NULL;
    if (n && !w)
        return EXTLS_ENOMEM;
    size_t n_legacy = report_select(v, n, report_is_legacy_host, w);
    fputs("To fix first\n", out);
    if (n_legacy)
        *cut |= tofix_list(out, w, n_legacy, "remote host", "still on SSL 2/3 or TLS 1.0/1.1",
                           legacy_cols, sizeof(legacy_cols) / sizeof(legacy_cols[0]), limit, wide,
                           legacy_fill);
    size_t n_plain = report_select(v, n, report_is_plain_partner, w);
    if (n_plain) {
        if (n_legacy)
            putc('\n', out);
        *cut |= tofix_list(out, w, n_plain, "send partner", "that never started TLS", plain_cols,
                           sizeof(plain_cols) / sizeof(plain_cols[0]), limit, wide, plain_fill);
    }
    if (!n_legacy && !n_plain && saw_nothing)
        fputs("unknown: nothing was read (see the errors above)\n", out);
    else if (!n_legacy && !n_plain)
        fputs("nothing: no legacy remote host, no send partner without TLS\n", out);
    free(w);
    return EXTLS_OK;
}

/* Sessions per class per day, when there is more than one day. */
static void
day_fill(struct table_cell *cells, const struct agg_group *g, const void *ctx)
{
    (void)ctx;
    cell_field(&cells[0], g->key[AGG_DAY]);
    count_cells(cells, 1, g, 1);
}

static int
day_section(FILE *out, struct agg *a, int local, unsigned limit)
{
    struct table_col cols[MAX_COLS];
    size_t k = 0;
    cols[k++] = (struct table_col){"day", 0, 0, 0};
    k = count_cols(cols, k, 0, 1);
    fprintf(out, "\nTLS use per day (%s; tls%%, legacy%%: of its sessions)\n",
            local ? "local time" : "UTC");
    return print_table(out, cols, k, limit, agg_sorted(a), agg_size(a), day_fill, NULL);
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
    count_cells(cells, k, g, 1);
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
    k = count_cols(cols, k, 1, 1);
    return print_table(out, cols, k, limit, agg_sorted(a), agg_size(a), by_fill, a);
}

static void
footer(FILE *out, const struct report_totals *t, int cut)
{
    char a[ISOTIME_BUF], b[ISOTIME_BUF];
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
        fprintf(out, " (%llu with %s)", (unsigned long long)t->files_failed,
                t->files_failed == 1 ? "a read error" : "read errors");
    fprintf(out, ", %llu rows, %llu malformed, %llu sessions", (unsigned long long)t->rows,
            (unsigned long long)t->malformed, (unsigned long long)t->sessions);
    if (t->excluded)
        fprintf(out, " (%llu more excluded by filters)", (unsigned long long)t->excluded);
    if (t->late_rows)
        fprintf(out, ", %llu late rows", (unsigned long long)t->late_rows);
    putc('\n', out);
    if (t->sessions)
        fprintf(out, "sessions starting %s to %s\n", isotime_format(t->first_ms, a),
                isotime_format(t->last_ms, b));
    /* Only a shortened cell is "cut"; the compact layout alone needs the legend. */
    if (cut & FIT_SHORTENED)
        fputs("legacy: SSL 2/3, TLS 1.0/1.1; cut to fit: --wide shows all\n", out);
    else if (cut & FIT_COMPACT)
        fputs("legacy: SSL 2/3, TLS 1.0/1.1; --wide shows every column\n", out);
}

enum extls_status
report_table_write(FILE *out, struct report *r)
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
        enum extls_status st =
            tofix_section(out, remote, n_remote, limit, r->wide, r->saw_nothing, &cut);
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
