/* SPDX-License-Identifier: MIT */
/*
 * reader_fields.c: one data line cut into fields, when the fast path of
 * reader.c (a line without quotes) does not apply: a line in the writer's
 * canonical quoted form is cut at its marks, any other goes to libcsv,
 * which also names what is wrong with a malformed one.
 */
#include "reader_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_BLK_SIZE (64u * 1024u) /* libcsv field buffer growth step */

/* libcsv's growth hook: the hard cap on one field's buffer. */
static void *
capped_realloc(void *ptr, size_t size)
{
    if (size > EXTLS_FIELD_MAX + 1024)
        return NULL;
    return realloc(ptr, size);
}

/* Never trim: connector ids end in meaningful spaces. */
static int
never_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* Lines are split before libcsv sees them: nothing inside ends a row. */
static int
never_term(unsigned char c)
{
    (void)c;
    return 0;
}

enum extls_status
reader_csv_setup(struct reader *r)
{
    if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return EXTLS_ENOMEM;
    csv_set_space_func(&r->csv, never_space);
    csv_set_term_func(&r->csv, never_term);
    csv_set_realloc_func(&r->csv, capped_realloc);
    /* libcsv grows a field by 128 bytes by default: 8192 reallocs to reach the cap. */
    csv_set_blk_size(&r->csv, CSV_BLK_SIZE);
    r->csv_ready = 1;
    return EXTLS_OK;
}

/* Throw away a parser left mid-row by an error and start a clean one. */
static enum extls_status
csv_reset(struct reader *r)
{
    if (r->csv_ready)
        csv_free(&r->csv);
    r->csv_ready = 0;
    return reader_csv_setup(r);
}

/* libcsv field callback: copy the field, the pointer dies with the call. */
static void
on_field(void *data, size_t len, void *user)
{
    struct reader *r = user;
    unsigned i = r->nf++;
    if (i >= MAX_COLUMNS || r->row_nomem)
        return;
    if (len > EXTLS_FIELD_MAX) {
        r->field_toobig = 1;
        return;
    }
    /* The field and the '\0' after it (kept as a separator: grown by one more). */
    if (buf_grow(&r->row, len + 1) != EXTLS_OK) {
        r->row_nomem = 1;
        return;
    }
    r->fields[i].off = r->row.len;
    r->fields[i].len = len;
    buf_add(&r->row, data, len); /* cannot fail: grown above */
    buf_setlen(&r->row, r->row.len + 1);
}

/* Record one field of the fast path. */
static inline void
add_field(struct reader *r, const char *ptr, size_t len)
{
    unsigned i = r->nf++;
    if (i < MAX_COLUMNS) {
        r->fields[i].ptr = ptr;
        r->fields[i].len = len;
        if (len > EXTLS_FIELD_MAX)
            r->field_toobig = 1;
    }
}

/*
 * The fast path: fields from the line's marks (r->marks: its commas and
 * quotes, in order). It accepts exactly the writer's canonical form: a
 * field is either unquoted and free of '"', or wholly quoted with inner
 * quotes doubled and the closing quote followed by ',' or the line end.
 * For such a line libcsv (strict, no trimming, no terminators inside a
 * line) yields the same fields, which this path returns without copying,
 * but for quoted fields with doubled quotes (unquoted into r->row).
 * Returns 0, or -1 for any other line (nothing delivered: libcsv then
 * parses it, or names exactly what is wrong with it).
 */
int
reader_split_marks(struct reader *r, const char *s, size_t n)
{
    unsigned k = r->n_marks;
    const char *const *m = r->marks;
    const char *end = s + n, *field = s;
    if (k > MARKS_MAX)
        return -1;
    if (!r->marks_quoted) {
        for (unsigned i = 0; i < k; i++) {
            add_field(r, field, (size_t)(m[i] - field));
            field = m[i] + 1;
        }
        add_field(r, field, (size_t)(end - field));
        return 0;
    }
    if (buf_grow(&r->row, n) != EXTLS_OK) {
        r->row_nomem = 1;
        return 0;
    }
    char *out = r->row.ptr; /* where the next unquoted copy goes */
    for (unsigned i = 0; i < k; i++) {
        const char *at = m[i];
        if (*at == ',') {
            add_field(r, field, (size_t)(at - field));
            field = at + 1;
            continue;
        }
        if (at != field)
            return -1; /* quote inside an unquoted field */
        int escaped = 0;
        for (;;) { /* to the closing quote; commas inside are data */
            if (++i >= k)
                return -1; /* unterminated */
            at = m[i];
            if (*at == ',')
                continue;
            if (at + 1 < end && at[1] == '"') {
                escaped = 1; /* doubled quote: its second half is the next mark */
                i++;
                continue;
            }
            break;
        }
        if (at + 1 < end && at[1] != ',')
            return -1; /* text after the closing quote */
        const char *body = field + 1;
        size_t len = (size_t)(at - body);
        if (escaped) {
            char *start = out;
            for (size_t j = 0; j < len; j++) {
                *out++ = body[j];
                if (body[j] == '"')
                    j++; /* keep one of each doubled pair */
            }
            body = start;
            len = (size_t)(out - start);
            buf_setlen(&r->row, (size_t)(out - r->row.ptr));
        }
        add_field(r, body, len);
        if (at + 1 == end)
            return 0; /* the line ends with the closing quote */
        i++;          /* the comma after it, m[i + 1] */
        field = at + 2;
    }
    add_field(r, field, (size_t)(end - field));
    return 0;
}

/* Quoted fields: libcsv in strict mode. */
int
reader_split_csv(struct reader *r, const char *s, size_t n, enum extls_status *st)
{
    size_t used = csv_parse(&r->csv, s, n, on_field, NULL, r);
    int bad = used < n;
    if (!bad && csv_fini(&r->csv, on_field, NULL, r) != 0)
        bad = 1;
    if (!bad)
        return 0;
    int err = csv_error(&r->csv);
    *st = csv_reset(r);
    if (*st != EXTLS_OK)
        return 1;
    if (err == CSV_ENOMEM && n <= EXTLS_FIELD_MAX) {
        *st = EXTLS_ENOMEM;
        return 1;
    }
    if (err == CSV_ENOMEM || err == CSV_ETOOBIG)
        snprintf(r->msg, sizeof(r->msg), "field longer than %u bytes", EXTLS_FIELD_MAX);
    else if (used < n)
        snprintf(r->msg, sizeof(r->msg), "misplaced quote at column %zu", used + 1);
    else
        snprintf(r->msg, sizeof(r->msg), "unterminated quoted field");
    *st = reader_report(r, READER_MALFORMED_ROW, r->msg);
    return 1;
}

void
reader_fields_reset(struct reader *r)
{
    r->nf = 0;
    buf_reset(&r->row);
    r->row_nomem = 0;
    r->field_toobig = 0;
}
