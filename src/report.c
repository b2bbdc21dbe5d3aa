/* SPDX-License-Identifier: MIT */
/*
 * report.c: JSON, JSON Lines, CSV, TSV and the people's table.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "html.h"
#include "xtime.h"

static const char *const format_names[] = {"table", "json", "jsonl", "csv", "tsv", "html"};

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

/* CSV and TSV: a header row, then one row per group. */
static enum extls_status
write_delimited(FILE *out, struct report *r, char sep)
{
    void (*field)(FILE *, const char *, size_t) = sep == ',' ? esc_csv : esc_tsv;
    const struct agg_group *const *v = agg_sorted(r->groups);
    size_t n = agg_size(r->groups), nk;
    const enum agg_key *keys = agg_keys(r->groups, &nk);
    if (n && !v)
        return EXTLS_ENOMEM;
    for (size_t i = 0; i < nk; i++)
        fprintf(out, "%s%c", agg_key_name(keys[i]), sep);
    fputs("sessions", out);
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        fprintf(out, "%c%s", sep, extls_class_name((enum extls_class)c));
    fprintf(out, "%cfirst%clast\n", sep, sep);
    for (size_t g = 0; g < n; g++) {
        char t1[XTIME_BUF], t2[XTIME_BUF];
        for (size_t i = 0; i < nk; i++) {
            field(out, v[g]->key[keys[i]].ptr, v[g]->key[keys[i]].len);
            putc(sep, out);
        }
        fprintf(out, "%llu", (unsigned long long)v[g]->sessions);
        for (int c = 0; c < EXTLS_N_CLASSES; c++)
            fprintf(out, "%c%llu", sep, (unsigned long long)v[g]->count[c]);
        fprintf(out, "%c%s%c%s\n", sep, xtime_format(v[g]->first_ms, t1), sep,
                xtime_format(v[g]->last_ms, t2));
    }
    return EXTLS_OK;
}

/* ---- table ---- */

#define MAX_COLS 16

struct cell {
    const char *s;
    size_t len;
    int quote;           /* print in double quotes (edge spaces would be invisible) */
    char num[XTIME_BUF]; /* storage for numbers and times */
};

struct table {
    FILE *out;
    size_t n_cols;
    size_t width[MAX_COLS];
    unsigned right; /* bit i: column i is right-aligned */
    int pass;       /* 0: measure, 1: print */
};

static void
cell_text(struct cell *c, const char *s, size_t len)
{
    c->s = s;
    c->len = len;
    c->quote = 0;
}

/*
 * A logged value: quoted when it starts or ends with a space or tab, so
 * that "EX\Internet" and "EX\Internet " (distinct connectors) look distinct.
 */
static void
cell_value(struct cell *c, struct reader_field f)
{
    cell_text(c, f.ptr, f.len);
    c->quote = f.len && (f.ptr[0] == ' ' || f.ptr[0] == '\t' || f.ptr[f.len - 1] == ' ' ||
                         f.ptr[f.len - 1] == '\t');
}

static void
cell_num(struct cell *c, uint64_t v)
{
    snprintf(c->num, sizeof(c->num), "%llu", (unsigned long long)v);
    cell_text(c, c->num, strlen(c->num));
}

/* Percentage `part` of `whole`, or "-" when whole is 0. */
static void
cell_pct(struct cell *c, uint64_t part, uint64_t whole)
{
    if (!whole)
        snprintf(c->num, sizeof(c->num), "-");
    else
        snprintf(c->num, sizeof(c->num), "%.0f%%", 100.0 * (double)part / (double)whole);
    cell_text(c, c->num, strlen(c->num));
}

static void
table_row(struct table *t, const struct cell *cells)
{
    for (size_t i = 0; i < t->n_cols; i++) {
        size_t w = esc_text_width(cells[i].s, cells[i].len) + (cells[i].quote ? 2 : 0);
        if (t->pass == 0) {
            if (w > t->width[i])
                t->width[i] = w;
            continue;
        }
        int right = (t->right >> i) & 1;
        if (i)
            fputs("  ", t->out);
        if (right)
            fprintf(t->out, "%*s", (int)(t->width[i] - w), "");
        if (cells[i].quote)
            putc('"', t->out);
        esc_text(t->out, cells[i].s, cells[i].len);
        if (cells[i].quote)
            putc('"', t->out);
        if (!right && i + 1 < t->n_cols)
            fprintf(t->out, "%*s", (int)(t->width[i] - w), "");
    }
    if (t->pass == 1)
        putc('\n', t->out);
}

static uint64_t
tls_sessions(const struct agg_group *g)
{
    uint64_t n = 0;
    for (int c = EXTLS_SSL2; c <= EXTLS_TLS_UNKNOWN; c++)
        n += g->count[c];
    return n;
}

static uint64_t
legacy_sessions(const struct agg_group *g)
{
    uint64_t n = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        if (extls_class_is_legacy((enum extls_class)c))
            n += g->count[c];
    }
    return n;
}

/* Class count cells starting at cells[at]; returns the next index. */
static size_t
class_cells(struct cell *cells, size_t at, const struct agg_group *g)
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        cell_num(&cells[at++], g->count[c]);
    return at;
}

static size_t
class_headers(struct cell *cells, size_t at)
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        const char *name = extls_class_name((enum extls_class)c);
        cell_text(&cells[at++], name, strlen(name));
    }
    return at;
}

static void
connector_section(FILE *out, struct agg *a)
{
    const struct agg_group *const *v = agg_sorted(a);
    size_t n = agg_size(a);
    struct table t = {.out = out, .n_cols = 3 + EXTLS_N_CLASSES + 2};
    struct cell cells[MAX_COLS];
    t.right = ~0u & ~3u;
    fputs("TLS use per connector (tls%: sessions with TLS; legacy%: of those with a known version, "
          "SSL 2/3 or TLS 1.0/1.1)\n",
          out);
    for (t.pass = 0; t.pass < 2; t.pass++) {
        size_t k = 0;
        cell_text(&cells[k++], "direction", 9);
        cell_text(&cells[k++], "connector", 9);
        cell_text(&cells[k++], "sessions", 8);
        k = class_headers(cells, k);
        cell_text(&cells[k++], "tls%", 4);
        cell_text(&cells[k++], "legacy%", 7);
        table_row(&t, cells);
        for (size_t i = 0; i < n; i++) {
            const struct agg_group *g = v[i];
            k = 0;
            cell_text(&cells[k], g->key[AGG_DIRECTION].ptr, g->key[AGG_DIRECTION].len), k++;
            cell_value(&cells[k++], g->key[AGG_CONNECTOR]);
            cell_num(&cells[k++], g->sessions);
            k = class_cells(cells, k, g);
            uint64_t tls = tls_sessions(g);
            cell_pct(&cells[k++], tls, g->sessions);
            cell_pct(&cells[k++], legacy_sessions(g), tls - g->count[EXTLS_TLS_UNKNOWN]);
            table_row(&t, cells);
        }
    }
}

static enum extls_status
remote_section(FILE *out, struct agg *a)
{
    const struct agg_group *const *sorted = agg_sorted(a);
    size_t n = agg_size(a);
    const struct agg_group **v = NULL;
    if (n) {
        v = malloc(n * sizeof(*v));
        if (!v || !sorted) {
            free(v);
            return EXTLS_ENOMEM;
        }
        memcpy(v, sorted, n * sizeof(*v));
        qsort(v, n, sizeof(*v), agg_cmp_legacy_first);
    }
    struct table t = {.out = out, .n_cols = 4 + EXTLS_N_CLASSES + 1};
    struct cell cells[MAX_COLS];
    t.right = ~0u & ~7u & ~(1u << (4 + EXTLS_N_CLASSES));
    fputs("\nTLS use per remote host (SSL 2/3 and TLS 1.0/1.1 users first; ehlo: latest name "
          "seen)\n",
          out);
    for (t.pass = 0; t.pass < 2; t.pass++) {
        size_t k = 0;
        cell_text(&cells[k++], "direction", 9);
        cell_text(&cells[k++], "remote", 6);
        cell_text(&cells[k++], "ehlo", 4);
        cell_text(&cells[k++], "sessions", 8);
        k = class_headers(cells, k);
        cell_text(&cells[k++], "last", 4);
        table_row(&t, cells);
        for (size_t i = 0; i < n; i++) {
            const struct agg_group *g = v[i];
            k = 0;
            cell_text(&cells[k], g->key[AGG_DIRECTION].ptr, g->key[AGG_DIRECTION].len), k++;
            cell_value(&cells[k++], g->key[AGG_REMOTE]);
            cell_value(&cells[k++], g->host);
            cell_num(&cells[k++], g->sessions);
            k = class_cells(cells, k, g);
            xtime_format(g->last_ms, cells[k].num);
            cell_text(&cells[k], cells[k].num, strlen(cells[k].num)), k++;
            table_row(&t, cells);
        }
    }
    free(v);
    return EXTLS_OK;
}

/* Sessions per class per day, when there is more than one day. */
static void
day_section(FILE *out, struct agg *a, int local)
{
    const struct agg_group *const *v = agg_sorted(a);
    size_t n = agg_size(a);
    struct table t = {.out = out, .n_cols = 2 + EXTLS_N_CLASSES + 2};
    struct cell cells[MAX_COLS];
    t.right = ~0u & ~1u;
    fprintf(out, "\nTLS use per day (%s)\n", local ? "local time" : "UTC");
    for (t.pass = 0; t.pass < 2; t.pass++) {
        size_t k = 0;
        cell_text(&cells[k++], "day", 3);
        cell_text(&cells[k++], "sessions", 8);
        k = class_headers(cells, k);
        cell_text(&cells[k++], "tls%", 4);
        cell_text(&cells[k++], "legacy%", 7);
        table_row(&t, cells);
        for (size_t i = 0; i < n; i++) {
            const struct agg_group *g = v[i];
            k = 0;
            cell_value(&cells[k++], g->key[AGG_DAY]);
            cell_num(&cells[k++], g->sessions);
            k = class_cells(cells, k, g);
            uint64_t tls = tls_sessions(g);
            cell_pct(&cells[k++], tls, g->sessions);
            cell_pct(&cells[k++], legacy_sessions(g), tls - g->count[EXTLS_TLS_UNKNOWN]);
            table_row(&t, cells);
        }
    }
}

static void
footer(FILE *out, const struct report_totals *t)
{
    char a[XTIME_BUF], b[XTIME_BUF];
    fprintf(out, "\n%llu file%s", (unsigned long long)t->files, t->files == 1 ? "" : "s");
    if (t->files_skipped)
        fprintf(out, " (%llu skipped)", (unsigned long long)t->files_skipped);
    if (t->files_failed)
        fprintf(out, " (%llu unreadable)", (unsigned long long)t->files_failed);
    fprintf(out, ", %llu rows, %llu malformed, %llu sessions", (unsigned long long)t->rows,
            (unsigned long long)t->malformed, (unsigned long long)t->sessions);
    if (t->excluded)
        fprintf(out, " (%llu more excluded by filters)", (unsigned long long)t->excluded);
    if (t->late_rows)
        fprintf(out, ", %llu late rows", (unsigned long long)t->late_rows);
    if (t->sessions)
        fprintf(out, ", %s to %s", xtime_format(t->first_ms, a), xtime_format(t->last_ms, b));
    putc('\n', out);
}

static enum extls_status
write_table(FILE *out, struct report *r)
{
    if (agg_size(r->by_connector) && !agg_sorted(r->by_connector))
        return EXTLS_ENOMEM;
    connector_section(out, r->by_connector);
    if (r->by_remote) { /* none for merged reports, which carry no host names */
        enum extls_status st = remote_section(out, r->by_remote);
        if (st != EXTLS_OK)
            return st;
    }
    if (r->by_day && agg_size(r->by_day) > 1) {
        if (!agg_sorted(r->by_day))
            return EXTLS_ENOMEM;
        day_section(out, r->by_day, r->local_days);
    }
    footer(out, &r->totals);
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
        st = write_delimited(out, r, ',');
        break;
    case REPORT_TSV:
        st = write_delimited(out, r, '\t');
        break;
    case REPORT_HTML:
        st = html_write(out, r);
        break;
    }
    if (st == EXTLS_OK && (fflush(out) != 0 || ferror(out)))
        st = EXTLS_EIO;
    return st;
}
