/* SPDX-License-Identifier: MIT */
/*
 * fuzz_merge.c: 'extls merge' from reports to every output format. The
 * input is up to 4 reports separated by the line "%%" ("\n%%\n"), each
 * read in pieces of a size taken from the input. When one is refused, the
 * merge says why (a non-empty message). When all are accepted:
 *   1. every format (table, json, jsonl, csv, tsv, html) is written, or
 *      refused with a message (table/html without direction and connector
 *      keys, a --by key the reports lack), never anything else;
 *   2. the class totals sum to the sessions of the totals;
 *   3. json and html are valid UTF-8; the page starts with <!DOCTYPE html>
 *      and ends with </html>; jsonl ends with the totals line;
 *   4. tsv has one line per group after its header, and its sessions column
 *      adds up to the totals' sessions (also regrouped --by direction);
 *   5. the json written, merged alone, gives the same bytes back
 *      (idempotence), and the reports merged in reverse order give the same
 *      bytes (commutativity);
 *   6. the --nagios line for the merged counts is one line within its cap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "merge.h"
#include "nagios.h"
#include "report.h"
#include "threshold.h"

#define MAX_REPORTS 4

struct piece {
    const uint8_t *p;
    size_t n;
};

/* Split at "\n%%\n" into at most MAX_REPORTS pieces; returns how many. */
static size_t
split(const uint8_t *data, size_t size, struct piece *out)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i + 4 <= size && n + 1 < MAX_REPORTS; i++) {
        if (memcmp(data + i, "\n%%\n", 4) == 0) {
            out[n].p = data + start;
            out[n++].n = i - start;
            start = i + 4;
            i += 3;
        }
    }
    out[n].p = data + start;
    out[n++].n = size - start;
    return n;
}

/* A merge of the pieces in the given order (reverse when rev); NULL if one is refused. */
static struct merge *
merge_pieces(const struct piece *v, size_t n, int rev, size_t chunk)
{
    struct merge *m = merge_new();
    FUZZ_CHECK(m != NULL);
    for (size_t k = 0; k < n; k++) {
        const struct piece *pc = &v[rev ? n - 1 - k : k];
        char name[32];
        snprintf(name, sizeof(name), "r%zu.json", rev ? n - 1 - k : k);
        enum extls_status st = merge_add_mem(m, pc->p, pc->n, chunk, name);
        if (st != EXTLS_OK) {
            FUZZ_CHECK(st != EXTLS_ENOMEM);
            FUZZ_CHECK(merge_errmsg(m)[0] != '\0');
            merge_free(m);
            return NULL;
        }
    }
    return m;
}

/* The report of m in fmt (--by by[0..n_by)) into *out; the status of merge_report/report_write. */
static enum extls_status
write_fmt(struct merge *m, enum report_format fmt, const enum agg_key *by, size_t n_by, char **out,
          size_t *len)
{
    struct report r;
    *out = NULL;
    *len = 0;
    enum extls_status st = merge_report(m, fmt, by, n_by, &r);
    if (st != EXTLS_OK) {
        FUZZ_CHECK(st == EXTLS_EINVAL && merge_errmsg(m)[0] != '\0');
        return st;
    }
    FILE *f = open_memstream(out, len);
    FUZZ_CHECK(f != NULL);
    st = report_write(f, &r);
    FUZZ_CHECK(fclose(f) == 0);
    FUZZ_CHECK(st == EXTLS_OK);
    return st;
}

/* Is s[0..n) valid UTF-8 (no surrogates, no overlong forms, at most U+10FFFF)? */
static int
valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p++, need, min;
        unsigned long cp;
        if (c < 0x80)
            continue;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1, min = 0x80, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            need = 2, min = 0x800, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            need = 3, min = 0x10000, cp = c & 0x07;
        else
            return 0;
        if ((size_t)(end - p) < need)
            return 0;
        for (unsigned i = 0; i < need; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        p += need;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
    }
    return 1;
}

/* TSV: lines after the header, and the sum of column `col` (0-based) over them. */
static void
tsv_count(const char *s, size_t n, size_t col, size_t *rows, unsigned long long *sum)
{
    *rows = 0;
    *sum = 0;
    const char *end = s + n, *line = memchr(s, '\n', n);
    FUZZ_CHECK(line != NULL); /* the header */
    for (line++; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        FUZZ_CHECK(nl != NULL);
        const char *f = line;
        for (size_t c = 0; c < col; c++) {
            f = memchr(f, '\t', (size_t)(nl - f));
            FUZZ_CHECK(f != NULL);
            f++;
        }
        *sum += strtoull(f, NULL, 10);
        (*rows)++;
        line = nl + 1;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct piece v[MAX_REPORTS];
    size_t n = split(data, size, v);
    size_t chunk = size % 5 ? size % 61 + 1 : 0; /* 0: all at once */
    struct merge *m = merge_pieces(v, n, 0, chunk);
    if (!m)
        return 0;
    const struct report_totals *t = merge_totals(m);
    uint64_t count[EXTLS_N_CLASSES], sum = 0;
    merge_class_totals(m, count);
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        sum += count[c];
    FUZZ_CHECK(sum == t->sessions);

    /* Every format. */
    static const enum report_format fmts[] = {REPORT_TABLE, REPORT_JSON, REPORT_JSONL,
                                              REPORT_CSV,   REPORT_TSV,  REPORT_HTML};
    char *json = NULL;
    size_t json_len = 0;
    for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        char *out;
        size_t len;
        if (write_fmt(m, fmts[i], NULL, 0, &out, &len) != EXTLS_OK) {
            FUZZ_CHECK(fmts[i] == REPORT_TABLE || fmts[i] == REPORT_HTML);
            continue;
        }
        switch (fmts[i]) {
        case REPORT_JSON:
            FUZZ_CHECK(valid_utf8(out, len));
            json = out;
            json_len = len;
            out = NULL;
            break;
        case REPORT_JSONL:
            FUZZ_CHECK(valid_utf8(out, len));
            FUZZ_CHECK(len > 0 && out[len - 1] == '\n');
            {
                const char *last = len > 1 ? out + len - 2 : out;
                while (last > out && last[-1] != '\n')
                    last--;
                FUZZ_CHECK(strncmp(last, "{\"type\":\"totals\"", 16) == 0);
            }
            break;
        case REPORT_HTML:
            FUZZ_CHECK(valid_utf8(out, len));
            FUZZ_CHECK(len > 15 && memcmp(out, "<!DOCTYPE html>", 15) == 0);
            FUZZ_CHECK(len > 8 && memcmp(out + len - 8, "</html>\n", 8) == 0);
            break;
        case REPORT_TSV: {
            /* The sessions column follows the key columns: find it in the header. */
            const char *hdr_end = memchr(out, '\n', len);
            FUZZ_CHECK(hdr_end != NULL);
            size_t col = 0;
            for (const char *p = out; p < hdr_end && strncmp(p, "sessions\t", 9) != 0; p++)
                col += *p == '\t';
            size_t rows;
            unsigned long long total;
            tsv_count(out, len, col, &rows, &total);
            FUZZ_CHECK(total == t->sessions);
            break;
        }
        default:
            break;
        }
        free(out);
    }
    FUZZ_CHECK(json != NULL);

    /* Regrouped by direction: the same sessions, or refused (no such key). */
    static const enum agg_key by_dir[] = {AGG_DIRECTION};
    char *out;
    size_t len;
    if (write_fmt(m, REPORT_TSV, by_dir, 1, &out, &len) == EXTLS_OK) {
        size_t rows;
        unsigned long long total;
        tsv_count(out, len, 1, &rows, &total);
        FUZZ_CHECK(total == t->sessions);
        free(out);
    }

    /* The --nagios line on the merged counts. */
    struct threshold_counts tc;
    memcpy(tc.count, count, sizeof(tc.count));
    tc.sessions = t->sessions;
    tc.rows = t->rows;
    struct threshold_list crit, warn;
    char why[128], line[NAGIOS_LINE_MAX];
    FUZZ_CHECK(threshold_parse(&crit, "sessions<1,legacy>0,none>=50%", why, sizeof(why)) ==
               EXTLS_OK);
    FUZZ_CHECK(threshold_parse(&warn, "rows<=0,tls1_2<90%", why, sizeof(why)) == EXTLS_OK);
    nagios_status(line, &crit, &warn, &tc);
    size_t ll = strlen(line);
    FUZZ_CHECK(ll > 0 && ll < NAGIOS_LINE_MAX && line[ll - 1] == '\n');
    FUZZ_CHECK(memchr(line, '\n', ll - 1) == NULL);
    merge_free(m);

    /* Idempotence: the json merged alone gives its bytes back. */
    struct piece again = {(const uint8_t *)json, json_len};
    struct merge *m2 = merge_pieces(&again, 1, 0, 0);
    FUZZ_CHECK(m2 != NULL);
    FUZZ_CHECK(write_fmt(m2, REPORT_JSON, NULL, 0, &out, &len) == EXTLS_OK);
    FUZZ_CHECK(len == json_len && memcmp(out, json, len) == 0);
    free(out);
    merge_free(m2);

    /* Commutativity: reverse order, the same bytes. */
    struct merge *m3 = merge_pieces(v, n, 1, 0);
    FUZZ_CHECK(m3 != NULL);
    FUZZ_CHECK(write_fmt(m3, REPORT_JSON, NULL, 0, &out, &len) == EXTLS_OK);
    FUZZ_CHECK(len == json_len && memcmp(out, json, len) == 0);
    free(out);
    merge_free(m3);
    free(json);
    return 0;
}
