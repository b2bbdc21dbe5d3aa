/* SPDX-License-Identifier: MIT */
/*
 * reader.c: one protocol log at a time, line by line: the pieces fed are
 * split at LF by the block scanner (which also marks each line's commas
 * and quotes), a line cut by a piece's end is carried to the next, and
 * each line is a header (reader_header.c), blank, or a data row: the
 * commonest (no quote) is cut here at its commas, any other by
 * reader_fields.c. See reader.h for the model. Field contents are not
 * interpreted here.
 */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_int.h"

#define SCAN_CHUNK 64 /* blocks scanned at a time (4 KiB of input) */

static const char empty_field[1] = "";

struct reader *
reader_new(const struct reader_callbacks *cb)
{
    struct reader *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->cb = *cb;
    if (reader_csv_setup(r) != EXTLS_OK) {
        free(r);
        return NULL;
    }
    buf_init(&r->carry, EXTLS_LINE_MAX);
    buf_init(&r->row, 2 * (size_t)EXTLS_LINE_MAX); /* a line's fields and their '\0's */
    reader_standard_columns(r);
    return r;
}

void
reader_free(struct reader *r)
{
    if (!r)
        return;
    if (r->csv_ready)
        csv_free(&r->csv);
    buf_release(&r->carry);
    buf_release(&r->row);
    free(r);
}

void
reader_begin(struct reader *r, enum extls_dir dir_hint)
{
    r->dir = dir_hint;
    r->failed = EXTLS_OK;
    reader_standard_columns(r);
    buf_reset(&r->carry);
    r->overlong = 0;
    memset(&r->st, 0, sizeof(r->st));
    r->st.kind = EXTLS_KIND_UNKNOWN;
    r->saw_header = 0;
    r->iis = 0;
}

void
reader_set_full_parse(struct reader *r, int on)
{
    r->full_parse = on;
}

const struct reader_stats *
reader_stats(const struct reader *r)
{
    return &r->st;
}

enum extls_status
reader_report(struct reader *r, enum reader_problem kind, const char *msg)
{
    if (kind == READER_MALFORMED_ROW) {
        r->st.malformed++;
    } else if (!r->st.rejected) {
        /* The line being read (counted already) starts where the last complete one ended. */
        reader_get_pos(r, &r->reject_pos);
        r->reject_pos.line = r->st.lines - 1;
        r->st.rejected = 1;
    }
    return r->cb.problem ? r->cb.problem(kind, r->st.lines, msg, r->cb.user) : EXTLS_OK;
}

/* Append the positions of the bits of `bits` (a block at `blk`) to the line's marks. */
static inline unsigned
push_marks(const char **marks, unsigned k, const char *blk, uint64_t bits)
{
    if (k > MARKS_MAX)
        return k; /* already too many: libcsv will take the line */
    while (bits) {
        marks[k++] = blk + __builtin_ctzll(bits);
        bits &= bits - 1;
    }
    return k;
}

/*
 * Marks of one line [s, s + n) that holds no LF (a carried line): its
 * commas and quotes into r->marks, from the same block scanner.
 */
static void
scan_line(struct reader *r, const char *s, size_t n)
{
    struct scan_masks m[SCAN_CHUNK];
    unsigned k = 0;
    int quoted = 0;
    size_t whole = n / SCAN_BLOCK;
    for (size_t b = 0; b < whole && k <= MARKS_MAX; b += SCAN_CHUNK) {
        size_t nb = whole - b < SCAN_CHUNK ? whole - b : SCAN_CHUNK;
        scan_blocks(s + b * SCAN_BLOCK, nb, m);
        for (size_t j = 0; j < nb; j++) {
            quoted |= m[j].quote != 0;
            k = push_marks(r->marks, k, s + (b + j) * SCAN_BLOCK, m[j].comma | m[j].quote);
        }
    }
    if (n % SCAN_BLOCK && k <= MARKS_MAX) {
        char pad[SCAN_BLOCK] = {0};
        const char *blk = s + whole * SCAN_BLOCK;
        memcpy(pad, blk, n % SCAN_BLOCK);
        scan_blocks(pad, 1, m);
        quoted |= m[0].quote != 0;
        k = push_marks(r->marks, k, blk, m[0].comma | m[0].quote);
    }
    r->n_marks = k;
    r->marks_quoted = quoted;
}

/* Hand a complete row to the row callback; returns what it returns. */
static enum extls_status
deliver(struct reader *r, struct reader_row *row)
{
    row->dir = r->dir;
    row->line = r->st.lines;
    r->st.rows++;
    return r->cb.row ? r->cb.row(row, r->cb.user) : EXTLS_OK;
}

/* A row with another number of fields than "#Fields:" names. */
static enum extls_status
wrong_count(struct reader *r, unsigned found)
{
    snprintf(r->msg, sizeof(r->msg), "expected %u fields, found %u", r->n_fields, found);
    return reader_report(r, READER_MALFORMED_ROW, r->msg);
}

/* Deliver the line [s, n) of the standard columns whose n_fields - 1 marks are all commas. */
static inline enum extls_status
std_row(struct reader *r, const char *s, size_t n)
{
    const char *const *m = r->marks;
    struct reader_row row;
    const char *start = s;
    for (int c = 0; c < READER_N_COLS - 1; c++) {
        row.col[c].ptr = start;
        row.col[c].len = (size_t)(m[c] - start);
        start = m[c] + 1;
    }
    row.col[READER_N_COLS - 1].ptr = start;
    row.col[READER_N_COLS - 1].len = (size_t)(s + n - start);
    return deliver(r, &row);
}

/*
 * The commonest line: no quote, few marks, too short for any field to pass
 * EXTLS_FIELD_MAX. Its fields lie between its commas: each column is read
 * straight off the marks, with no field table in between. Same result as
 * split_marks() and the checks of data_line().
 */
static enum extls_status
plain_line(struct reader *r, const char *s, size_t n)
{
    const char *const *m = r->marks;
    unsigned k = r->n_marks;
    if (k + 1 != r->n_fields)
        return wrong_count(r, k + 1);
    if (r->std_layout) /* the columns in their standard places */
        return std_row(r, s, n);
    struct reader_row row;
    for (int c = 0; c < READER_N_COLS; c++) {
        int pos = r->pos_of[c];
        if (pos < 0) {
            row.col[c].ptr = empty_field;
            row.col[c].len = 0;
            continue;
        }
        const char *start = pos ? m[pos - 1] + 1 : s;
        const char *end = (unsigned)pos < k ? m[pos] : s + n;
        row.col[c].ptr = start;
        row.col[c].len = (size_t)(end - start);
    }
    return deliver(r, &row);
}

/* Parse one data line and deliver it, or report why not. */
static enum extls_status
data_line(struct reader *r, const char *s, size_t n)
{
    if (r->dir == EXTLS_DIR_UNKNOWN)
        return reader_report(r, READER_FILE_ERROR,
                             "cannot tell receive from send log: no '#Log-type:' line and the "
                             "file name does not start with RECV or SEND");
    int fast = !r->full_parse;
    if (fast && !r->marks_valid)
        scan_line(r, s, n);
    if (fast && !r->marks_quoted && r->n_marks <= MARKS_MAX && n <= EXTLS_FIELD_MAX)
        return plain_line(r, s, n);
    reader_fields_reset(r);
    enum extls_status st = EXTLS_OK;
    if (!fast || reader_split_marks(r, s, n) != 0) {
        reader_fields_reset(r);
        if (reader_split_csv(r, s, n, &st))
            return st;
        for (unsigned i = 0; i < r->nf && i < MAX_COLUMNS; i++)
            r->fields[i].ptr = r->row.ptr + r->fields[i].off;
    }
    if (r->row_nomem)
        return EXTLS_ENOMEM;
    if (r->field_toobig) {
        snprintf(r->msg, sizeof(r->msg), "field longer than %u bytes", EXTLS_FIELD_MAX);
        return reader_report(r, READER_MALFORMED_ROW, r->msg);
    }
    if (r->nf != r->n_fields)
        return wrong_count(r, r->nf);

    struct reader_row row;
    if (r->std_layout) { /* the columns in their standard places */
        for (int c = 0; c < READER_N_COLS; c++) {
            row.col[c].ptr = r->fields[c].ptr;
            row.col[c].len = r->fields[c].len;
        }
        return deliver(r, &row);
    }
    for (int c = 0; c < READER_N_COLS; c++) {
        int pos = r->pos_of[c];
        if (pos < 0) {
            row.col[c].ptr = empty_field;
            row.col[c].len = 0;
        } else {
            row.col[c].ptr = r->fields[pos].ptr;
            row.col[c].len = r->fields[pos].len;
        }
    }
    return deliver(r, &row);
}

/* One complete physical line, without its LF. `last` marks a line cut off by EOF. */
static enum extls_status
process_line(struct reader *r, const char *s, size_t n, int last)
{
    r->st.lines++;
    if (n && s[n - 1] == '\r')
        n--;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (r->st.rejected) {
        r->st.skipped++;
        return EXTLS_OK;
    }
    if (n == 0) {
        r->st.blank_lines++;
        return EXTLS_OK;
    }
    if (s[0] == '#')
        return reader_header_line(r, s, n);
    if (r->st.kind != EXTLS_KIND_PROTOCOL) {
        enum extls_status st = reader_first_data_line(r, s, n);
        if (st != EXTLS_OK || r->st.rejected)
            return st;
    }
    if (last)
        return reader_report(r, READER_MALFORMED_ROW,
                             "last row has no line end (file cut off or still being written)");
    return data_line(r, s, n);
}

/*
 * A line of the input as it is now (a protocol log of a known direction,
 * the standard columns, not rejected, fast path on) that has no quote and
 * exactly the fields a row needs goes straight from feed_lines() to
 * std_row(): the case where process_line(), data_line() and plain_line()
 * would do just that. Returns 1 and sets *st when it did, else 0 (nothing
 * done; process_line() takes the line).
 */
static inline int
direct_line(struct reader *r, const char *s, size_t n, unsigned k, uint64_t quoted,
            enum extls_status *st)
{
    if (quoted || k + 1 != r->n_fields || !r->std_layout || r->full_parse ||
        r->dir == EXTLS_DIR_UNKNOWN || r->st.kind != EXTLS_KIND_PROTOCOL || r->st.rejected)
        return 0;
    if (n && s[n - 1] == '\r')
        n--;
    /* Not blank, a header, a byte-order mark (or what may start one), or too long to be plain. */
    if (n == 0 || n > EXTLS_FIELD_MAX || s[0] == '#' || s[0] == '\xEF')
        return 0;
    r->st.lines++;
    *st = std_row(r, s, n);
    return 1;
}

/* Append to the carried partial line, dropping bytes past the line cap. */
static enum extls_status
carry_append(struct reader *r, const char *s, size_t n)
{
    if (r->overlong)
        return EXTLS_OK;
    enum extls_status st = buf_add(&r->carry, s, n);
    if (st == EXTLS_ETOOBIG) { /* past EXTLS_LINE_MAX */
        r->overlong = 1;
        buf_reset(&r->carry);
        return EXTLS_OK;
    }
    return st;
}

/* The carried line is complete (or cut off by EOF when `last`). */
static enum extls_status
carry_flush(struct reader *r, int last)
{
    enum extls_status st = EXTLS_OK;
    if (r->overlong) {
        r->st.lines++;
        if (r->st.rejected) {
            r->st.skipped++;
        } else {
            snprintf(r->msg, sizeof(r->msg), "line longer than %u bytes", EXTLS_LINE_MAX);
            st = reader_report(r, READER_MALFORMED_ROW, r->msg);
        }
    } else {
        r->marks_valid = 0;
        st = process_line(r, r->carry.ptr, r->carry.len, last);
    }
    buf_reset(&r->carry);
    r->overlong = 0;
    return st;
}

/* A line of more than EXTLS_LINE_MAX bytes inside one piece: the same report as a carried one. */
static enum extls_status
overlong_line(struct reader *r, const char *s, size_t n)
{
    enum extls_status st = carry_append(r, s, n);
    return st == EXTLS_OK ? carry_flush(r, 0) : st;
}

/*
 * Every complete line of [buf, buf + len), none carried: one pass of the
 * block scanner over the piece, 4 KiB at a time, collects each line's
 * commas and quotes while finding its end. `base` is the input offset of
 * buf. *used is set to the bytes through the last LF (when all went well).
 */
static enum extls_status
feed_lines(struct reader *r, const char *buf, size_t len, uint64_t base, size_t *used)
{
    struct scan_masks m[SCAN_CHUNK];
    const char *line = buf; /* start of the current line */
    unsigned k = 0;         /* marks of the current line so far */
    uint64_t quoted = 0;    /* quote bits seen in the current line */
    size_t n_blocks = (len + SCAN_BLOCK - 1) / SCAN_BLOCK;
    for (size_t b0 = 0; b0 < n_blocks; b0 += SCAN_CHUNK) {
        size_t nb = n_blocks - b0 < SCAN_CHUNK ? n_blocks - b0 : SCAN_CHUNK;
        const char *chunk = buf + b0 * SCAN_BLOCK;
        if ((b0 + nb) * SCAN_BLOCK <= len) {
            scan_blocks(chunk, nb, m);
        } else {
            /* The last block is partial: scan a zero-padded copy of it. */
            char pad[SCAN_BLOCK] = {0};
            size_t tail = len - (b0 + nb - 1) * SCAN_BLOCK;
            if (nb > 1)
                scan_blocks(chunk, nb - 1, m);
            memcpy(pad, chunk + (nb - 1) * SCAN_BLOCK, tail);
            scan_blocks(pad, 1, m + nb - 1);
        }
        for (size_t j = 0; j < nb; j++) {
            const char *blk = chunk + j * SCAN_BLOCK;
            uint64_t nl = m[j].nl, marks = m[j].comma | m[j].quote, q = m[j].quote;
            while (nl) {
                uint64_t before = (nl & (0 - nl)) - 1; /* bits below the first LF */
                const char *at = blk + __builtin_ctzll(nl);
                k = push_marks(r->marks, k, blk, marks & before);
                quoted |= q & before;
                marks &= ~before;
                q &= ~before;
                nl &= nl - 1;
                size_t n = (size_t)(at - line);
                enum extls_status st;
                if (direct_line(r, line, n, k, quoted, &st)) {
                    /* delivered */
                } else if (n > EXTLS_LINE_MAX) {
                    st = overlong_line(r, line, n);
                } else {
                    r->n_marks = k;
                    r->marks_quoted = quoted != 0;
                    r->marks_valid = 1;
                    st = process_line(r, line, n, 0);
                }
                if (st != EXTLS_OK)
                    return st;
                line = at + 1;
                r->st.good_offset = base + (uint64_t)(line - buf);
                k = 0;
                quoted = 0;
            }
            k = push_marks(r->marks, k, blk, marks);
            quoted |= q;
        }
    }
    *used = (size_t)(line - buf);
    return EXTLS_OK;
}

/* reader_feed() of a reader not stopped. */
static enum extls_status
feed(struct reader *r, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    enum extls_status st = EXTLS_OK;
    uint64_t base = r->st.bytes;
    r->st.bytes += len;
    if (r->carry.len || r->overlong) {
        /* First the end of the line carried from the last piece. */
        const char *nl = memchr(p, '\n', len);
        if (!nl)
            return carry_append(r, p, len);
        st = carry_append(r, p, (size_t)(nl - p));
        if (st == EXTLS_OK)
            st = carry_flush(r, 0);
        if (st != EXTLS_OK)
            return st;
        p = nl + 1;
        r->st.good_offset = base + (uint64_t)(p - buf);
    }
    size_t used;
    st = feed_lines(r, p, (size_t)(end - p), base + (uint64_t)(p - buf), &used);
    if (st != EXTLS_OK)
        return st;
    p += used;
    return p < end ? carry_append(r, p, (size_t)(end - p)) : EXTLS_OK;
}

enum extls_status
reader_feed(struct reader *r, const char *buf, size_t len)
{
    if (r->failed == EXTLS_OK)
        r->failed = feed(r, buf, len);
    return r->failed;
}

void
reader_get_pos(const struct reader *r, struct reader_pos *p)
{
    if (r->st.rejected) {
        *p = r->reject_pos;
        return;
    }
    p->offset = r->st.good_offset;
    p->line = r->st.lines; /* a partial last line is only counted by reader_finish() */
    p->dir = r->dir;
    p->n_fields = r->n_fields;
    memcpy(p->pos_of, r->pos_of, sizeof(p->pos_of));
}

void
reader_resume(struct reader *r, const struct reader_pos *p)
{
    reader_begin(r, p->dir);
    r->n_fields = p->n_fields;
    memcpy(r->pos_of, p->pos_of, sizeof(r->pos_of));
    reader_note_layout(r);
    r->st.lines = p->line;
    r->st.bytes = p->offset;
    r->st.good_offset = p->offset;
    r->st.kind = EXTLS_KIND_PROTOCOL; /* it was read as one before */
    r->saw_header = 1;
}

enum extls_status
reader_stop(struct reader *r)
{
    enum extls_status st = EXTLS_OK;
    const char *s = r->carry.ptr;
    size_t n = r->carry.len;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    /*
     * Nothing has said yet what the input is (no header, no row): the
     * partial line left unread still tells binary data or a text file
     * without a log header from a protocol log, as it would when complete,
     * so that a file of NUL bytes is not taken for an empty one. It is
     * named as line lines + 1 and not counted as a line.
     */
    if (r->failed == EXTLS_OK && !r->overlong && !r->st.rejected &&
        r->st.kind != EXTLS_KIND_PROTOCOL && n && s[0] != '#') {
        r->st.lines++;
        st = reader_first_data_line(r, s, n);
        r->st.lines--;
    }
    buf_reset(&r->carry);
    r->overlong = 0;
    return st;
}

enum extls_status
reader_finish(struct reader *r)
{
    if (r->failed == EXTLS_OK && (r->carry.len || r->overlong))
        r->failed = carry_flush(r, 1);
    return r->failed;
}
