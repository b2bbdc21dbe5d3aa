/* SPDX-License-Identifier: MIT */
/*
 * report.c: the report formats by name, JSON, JSON Lines, CSV and TSV,
 * the run's totals added up, and what the table and html formats share
 * (shares in percent, the to-fix selections); the table format itself is
 * report_table.c.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "html.h"
#include "report_int.h"
#include "xlsx.h"
#include "isotime.h"

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

void
report_totals_init(struct report_totals *t)
{
    memset(t, 0, sizeof(*t));
    t->first_ms = INT64_MAX;
    t->last_ms = INT64_MIN;
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

/*
 * A group's numbers and times are put in a buffer with these and written
 * at once: what fprintf() would write, without parsing a format each time
 * (it was most of the cost of a report of many groups).
 */
#define GROUP_TEXT_MAX 1024 /* holds one group's text past its keys */

/* Decimal digits of v at p; returns the end. */
static char *
put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* The string s at p (without its NUL); returns the end. */
static char *
put_str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

/* A JSON time at p: the timestamp quoted, or null for none; returns the end. */
static char *
put_json_time(char *p, int64_t ms)
{
    if (ms == INT64_MAX || ms == INT64_MIN)
        return put_str(p, "null");
    *p++ = '"';
    p += strlen(isotime_format(ms, p));
    *p++ = '"';
    return p;
}

static void
json_time(FILE *out, int64_t ms)
{
    char buf[ISOTIME_BUF];
    if (ms == INT64_MAX || ms == INT64_MIN)
        fputs("null", out);
    else
        fprintf(out, "\"%s\"", isotime_format(ms, buf));
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
        putc('"', out);
        fputs(agg_key_name(keys[i]), out);
        fputs("\":", out);
        esc_json(out, g->key[keys[i]].ptr, g->key[keys[i]].len);
        putc(',', out);
    }
    char buf[GROUP_TEXT_MAX], *p = buf;
    p = put_str(p, "\"sessions\":");
    p = put_u64(p, g->sessions);
    p = put_str(p, ",\"tls\":{");
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        p = put_str(p, c ? ",\"" : "\"");
        p = put_str(p, extls_class_name((enum extls_class)c));
        p = put_str(p, "\":");
        p = put_u64(p, g->count[c]);
    }
    p = put_str(p, "},\"first\":");
    p = put_json_time(p, g->first_ms);
    p = put_str(p, ",\"last\":");
    p = put_json_time(p, g->last_ms);
    p = put_str(p, ",\"legacy\":");
    p = put_u64(p, extls_legacy_count(g->count));
    p = put_str(p, ",\"with_tls\":");
    p = put_u64(p, extls_with_tls_count(g->count));
    fwrite(buf, 1, (size_t)(p - buf), out);
}

/* The groups of a in sorted order into *v, their number into *n; EXTLS_ENOMEM if not sorted. */
static enum extls_status
sorted_groups(struct agg *a, const struct agg_group *const **v, size_t *n)
{
    *v = agg_sorted(a);
    *n = agg_size(a);
    return *n && !*v ? EXTLS_ENOMEM : EXTLS_OK;
}

/* JSON, one document (`lines` 0), or JSON Lines: a line per group, then the totals. */
static enum extls_status
write_json(FILE *out, struct report *r, int lines)
{
    const struct agg_group *const *v;
    size_t n;
    if (sorted_groups(r->groups, &v, &n) != EXTLS_OK)
        return EXTLS_ENOMEM;
    if (!lines) {
        fputs("{\"schema\":\"extls/1\",\n\"totals\":", out);
        json_totals(out, &r->totals);
        fputs(",\n\"groups\":[", out);
    }
    for (size_t i = 0; i < n; i++) {
        fputs(lines ? "{\"type\":\"group\"," : i ? ",\n{" : "\n{", out);
        json_group(out, r->groups, v[i]);
        fputs(lines ? "}\n" : "}", out);
    }
    if (!lines) {
        fputs(n ? "\n]}\n" : "]}\n", out);
        return EXTLS_OK;
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
    const struct agg_group *const *v;
    size_t n, nk;
    const enum agg_key *keys = agg_keys(r->groups, &nk);
    if (sorted_groups(r->groups, &v, &n) != EXTLS_OK)
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
        for (size_t i = 0; i < nk; i++) {
            esc_field(out, style, sep, v[g]->key[keys[i]].ptr, v[g]->key[keys[i]].len);
            putc(sep, out);
        }
        char buf[GROUP_TEXT_MAX], *p = buf;
        p = put_u64(p, v[g]->sessions);
        for (int c = 0; c < EXTLS_N_CLASSES; c++) {
            *p++ = sep;
            p = put_u64(p, v[g]->count[c]);
        }
        *p++ = sep;
        p += strlen(isotime_format(v[g]->first_ms, p));
        *p++ = sep;
        p += strlen(isotime_format(v[g]->last_ms, p));
        *p++ = sep;
        p = put_u64(p, extls_legacy_count(v[g]->count));
        *p++ = sep;
        p = put_u64(p, extls_with_tls_count(v[g]->count));
        p = put_str(p, eol);
        fwrite(buf, 1, (size_t)(p - buf), out);
    }
    return EXTLS_OK;
}

/* ---- for the table and html formats ---- */

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

enum extls_status
report_write(FILE *out, struct report *r)
{
    enum extls_status st = EXTLS_OK;
    switch (r->format) {
    case REPORT_TABLE:
        st = report_table_write(out, r);
        break;
    case REPORT_JSON:
        st = write_json(out, r, 0);
        break;
    case REPORT_JSONL:
        st = write_json(out, r, 1);
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
