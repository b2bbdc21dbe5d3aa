/* SPDX-License-Identifier: MIT */
/*
 * reader.c: line splitting, header handling and libcsv field parsing for one
 * protocol log at a time. See reader.h for the model. Field contents are not
 * interpreted here.
 */
#include "reader.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLUMNS 64 /* most columns a "#Fields:" line may name */
#define MSG_MAX 160
#define CSV_BLK_SIZE (64u * 1024u) /* libcsv field buffer growth step */

static const char *const col_names[READER_N_COLS] = {
    "date-time",       "connector-id", "session-id", "sequence-number", "local-endpoint",
    "remote-endpoint", "event",        "data",       "context",
};

/* Columns a row must carry; local-endpoint alone is optional. */
static const int col_required[READER_N_COLS] = {1, 1, 1, 1, 0, 1, 1, 1, 1};

struct span {
    size_t off; /* offset of the field's first byte in rowbuf */
    size_t len;
};

struct reader {
    struct reader_callbacks cb;
    struct csv_parser csv;
    int csv_ready; /* csv holds an initialised parser */

    enum extls_dir dir;        /* direction for data rows */
    int pos_of[READER_N_COLS]; /* field position of each known column, -1 if absent */
    unsigned n_fields;         /* fields a row must have */

    char *carry; /* start of a line that continues in the next feed */
    size_t carry_len, carry_cap;
    int overlong;   /* the carried line passed EXTLS_LINE_MAX; its bytes are dropped */
    int full_parse; /* send every line through libcsv, even without quotes */

    char *rowbuf; /* unquoted field bytes of the current row, each NUL-terminated */
    size_t row_len, row_cap;
    struct span fields[MAX_COLUMNS];
    unsigned nf;      /* fields seen in the current row (may exceed MAX_COLUMNS) */
    int row_nomem;    /* rowbuf could not grow */
    int field_toobig; /* a field passed EXTLS_FIELD_MAX */

    struct reader_stats st;
    char msg[MSG_MAX];
};

static const char empty_field[1] = "";

const char *
reader_col_name(enum reader_col col)
{
    return (unsigned)col < READER_N_COLS ? col_names[col] : "?";
}

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

static enum extls_status
csv_setup(struct reader *r)
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
    return csv_setup(r);
}

static void
set_standard_columns(struct reader *r)
{
    for (int i = 0; i < READER_N_COLS; i++)
        r->pos_of[i] = i;
    r->n_fields = READER_N_COLS;
}

struct reader *
reader_new(const struct reader_callbacks *cb)
{
    struct reader *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->cb = *cb;
    if (csv_setup(r) != EXTLS_OK) {
        free(r);
        return NULL;
    }
    set_standard_columns(r);
    return r;
}

void
reader_free(struct reader *r)
{
    if (!r)
        return;
    if (r->csv_ready)
        csv_free(&r->csv);
    free(r->carry);
    free(r->rowbuf);
    free(r);
}

void
reader_begin(struct reader *r, enum extls_dir dir_hint)
{
    r->dir = dir_hint;
    set_standard_columns(r);
    r->carry_len = 0;
    r->overlong = 0;
    memset(&r->st, 0, sizeof(r->st));
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

static void
problem(struct reader *r, enum reader_problem kind, const char *msg)
{
    if (kind == READER_MALFORMED_ROW)
        r->st.malformed++;
    else
        r->st.rejected = 1;
    if (r->cb.problem)
        r->cb.problem(kind, r->st.lines, msg, r->cb.user);
}

/* Trim spaces and tabs at both ends of [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* If line [s, n) is "#<name>:<value>", point *val at the trimmed value. */
static int
header_value(const char *s, size_t n, const char *name, const char **val, size_t *val_len)
{
    size_t k = strlen(name);
    if (n < k + 2 || memcmp(s + 1, name, k) != 0 || s[k + 1] != ':')
        return 0;
    *val = s + k + 2;
    *val_len = n - k - 2;
    trim(val, val_len);
    return 1;
}

static int
eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* "#Log-type:" */
static void
log_type_line(struct reader *r, const char *v, size_t n)
{
    if (eq(v, n, "SMTP Receive Protocol Log")) {
        r->dir = EXTLS_DIR_RECEIVE;
    } else if (eq(v, n, "SMTP Send Protocol Log")) {
        r->dir = EXTLS_DIR_SEND;
    } else {
        snprintf(r->msg, sizeof(r->msg), "not an SMTP protocol log (#Log-type: %.*s)",
                 (int)(n > 60 ? 60 : n), v);
        problem(r, READER_WRONG_LOG, r->msg);
    }
}

/* "#Fields:": map names to positions; unknown names are kept as ignored columns. */
static void
fields_line(struct reader *r, const char *v, size_t n)
{
    int pos_of[READER_N_COLS];
    unsigned count = 0;
    for (int i = 0; i < READER_N_COLS; i++)
        pos_of[i] = -1;

    const char *end = v + n;
    for (const char *p = v;; count++) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        const char *name = p;
        size_t len = (size_t)(stop - p);
        trim(&name, &len);
        if (count >= MAX_COLUMNS) {
            snprintf(r->msg, sizeof(r->msg), "#Fields names more than %d columns", MAX_COLUMNS);
            problem(r, READER_FILE_ERROR, r->msg);
            return;
        }
        for (int c = 0; c < READER_N_COLS; c++) {
            if (!eq(name, len, col_names[c]))
                continue;
            if (pos_of[c] >= 0) {
                snprintf(r->msg, sizeof(r->msg), "#Fields names column '%s' twice", col_names[c]);
                problem(r, READER_FILE_ERROR, r->msg);
                return;
            }
            pos_of[c] = (int)count;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    count++;
    for (int c = 0; c < READER_N_COLS; c++) {
        if (pos_of[c] < 0 && col_required[c]) {
            snprintf(r->msg, sizeof(r->msg), "#Fields lacks column '%s'", col_names[c]);
            problem(r, READER_FILE_ERROR, r->msg);
            return;
        }
    }
    memcpy(r->pos_of, pos_of, sizeof(pos_of));
    r->n_fields = count;
}

static void
header_line(struct reader *r, const char *s, size_t n)
{
    const char *v;
    size_t vn;
    r->st.header_lines++;
    if (header_value(s, n, "Log-type", &v, &vn))
        log_type_line(r, v, vn);
    else if (header_value(s, n, "Fields", &v, &vn))
        fields_line(r, v, vn);
}

/* Make room for `extra` more bytes in rowbuf; 0 on failure. */
static int
rowbuf_reserve(struct reader *r, size_t extra)
{
    if (r->row_len + extra <= r->row_cap)
        return 1;
    size_t cap = r->row_cap ? r->row_cap : 4096;
    while (cap < r->row_len + extra)
        cap *= 2;
    char *p = realloc(r->rowbuf, cap);
    if (!p)
        return 0;
    r->rowbuf = p;
    r->row_cap = cap;
    return 1;
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
    if (!rowbuf_reserve(r, len + 1)) {
        r->row_nomem = 1;
        return;
    }
    r->fields[i].off = r->row_len;
    r->fields[i].len = len;
    if (len)
        memcpy(r->rowbuf + r->row_len, data, len);
    r->rowbuf[r->row_len + len] = '\0';
    r->row_len += len + 1;
}

/*
 * Fast path for a line without any '"': with quoting out of play, libcsv
 * (no trimming, no terminators inside a line) yields exactly the bytes
 * between commas, so split there directly. The line is copied into rowbuf
 * with each comma replaced by a NUL, keeping the fields NUL-terminated.
 */
/* Mask with the high bit set in each byte of x that is zero (exact, no borrows). */
static inline uint64_t
zero_bytes(uint64_t x)
{
    uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    return ~(((x & low7) + low7) | x | low7);
}

/* Record one field [start, stop) of rowbuf. */
static inline void
add_field(struct reader *r, size_t start, size_t stop)
{
    unsigned i = r->nf++;
    if (i < MAX_COLUMNS) {
        r->fields[i].off = start;
        r->fields[i].len = stop - start;
        if (stop - start > EXTLS_FIELD_MAX)
            r->field_toobig = 1;
    }
}

static void
split_plain(struct reader *r, const char *s, size_t n)
{
    if (!rowbuf_reserve(r, n + 8)) {
        r->row_nomem = 1;
        return;
    }
    char *buf = r->rowbuf;
    memcpy(buf, s, n);
    memset(buf + n, 0, 8); /* padding: the word loop may read past the line */
    size_t start = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Eight bytes at a time: find the commas, end each field there. */
    for (size_t w = 0; w < n; w += 8) {
        uint64_t word;
        memcpy(&word, buf + w, 8);
        uint64_t hits = zero_bytes(word ^ 0x2C2C2C2C2C2C2C2Cull);
        while (hits) {
            size_t at = w + ((size_t)__builtin_ctzll(hits) >> 3);
            hits &= hits - 1;
            if (at >= n)
                break;
            buf[at] = '\0';
            add_field(r, start, at);
            start = at + 1;
        }
    }
#else
    for (char *c; (c = memchr(buf + start, ',', n - start)) != NULL;) {
        *c = '\0';
        add_field(r, start, (size_t)(c - buf));
        start = (size_t)(c - buf) + 1;
    }
#endif
    add_field(r, start, n);
    r->row_len = n + 1;
}

/*
 * Fast path for a line with quotes, when every field is in the writer's
 * canonical form: unquoted without any '"', or wholly quoted with inner
 * quotes doubled and the closing quote followed by ',' or the line end.
 * Fields are unquoted into rowbuf. Returns 0 when the line was split, -1
 * when it is not canonical (the caller then hands it to libcsv, which
 * reports exactly what is wrong, or parses a form this path declines).
 */
static int
split_quoted(struct reader *r, const char *s, size_t n)
{
    if (!rowbuf_reserve(r, n + 1)) {
        r->row_nomem = 1;
        return 0;
    }
    char *out = r->rowbuf;
    const char *p = s, *end = s + n;
    for (;;) {
        char *start = out;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                const char *q = memchr(p, '"', (size_t)(end - p));
                if (!q)
                    return -1; /* unterminated */
                memcpy(out, p, (size_t)(q - p));
                out += q - p;
                if (q + 1 < end && q[1] == '"') {
                    *out++ = '"';
                    p = q + 2;
                    continue;
                }
                p = q + 1;
                break;
            }
            if (p < end && *p != ',')
                return -1; /* text after the closing quote */
        } else {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            const char *stop = comma ? comma : end;
            if (memchr(p, '"', (size_t)(stop - p)))
                return -1; /* quote inside an unquoted field */
            memcpy(out, p, (size_t)(stop - p));
            out += stop - p;
            p = stop;
        }
        unsigned i = r->nf++;
        if (i < MAX_COLUMNS) {
            r->fields[i].off = (size_t)(start - r->rowbuf);
            r->fields[i].len = (size_t)(out - start);
            if ((size_t)(out - start) > EXTLS_FIELD_MAX)
                r->field_toobig = 1;
        }
        *out++ = '\0';
        if (p == end)
            break;
        p++; /* the comma */
    }
    r->row_len = (size_t)(out - r->rowbuf);
    return 0;
}

/*
 * Quoted fields: libcsv in strict mode. Returns 1 when the line was
 * malformed (already reported) or an error status in *st, else 0.
 */
static int
split_csv(struct reader *r, const char *s, size_t n, enum extls_status *st)
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
    problem(r, READER_MALFORMED_ROW, r->msg);
    return 1;
}

/* Parse one data line and deliver it, or report why not. */
static enum extls_status
data_line(struct reader *r, const char *s, size_t n)
{
    if (r->dir == EXTLS_DIR_UNKNOWN) {
        problem(r, READER_FILE_ERROR,
                "cannot tell receive from send log: no '#Log-type:' line and the file "
                "name does not start with RECV or SEND");
        return EXTLS_OK;
    }
    r->nf = 0;
    r->row_len = 0;
    r->row_nomem = 0;
    r->field_toobig = 0;

    enum extls_status st = EXTLS_OK;
    if (r->full_parse) {
        if (split_csv(r, s, n, &st))
            return st;
    } else if (!memchr(s, '"', n)) {
        split_plain(r, s, n);
    } else if (split_quoted(r, s, n) != 0) {
        r->nf = 0;
        r->row_len = 0;
        r->field_toobig = 0;
        if (split_csv(r, s, n, &st))
            return st;
    }
    if (r->row_nomem)
        return EXTLS_ENOMEM;
    if (r->field_toobig) {
        snprintf(r->msg, sizeof(r->msg), "field longer than %u bytes", EXTLS_FIELD_MAX);
        problem(r, READER_MALFORMED_ROW, r->msg);
        return EXTLS_OK;
    }
    if (r->nf != r->n_fields) {
        snprintf(r->msg, sizeof(r->msg), "expected %u fields, found %u", r->n_fields, r->nf);
        problem(r, READER_MALFORMED_ROW, r->msg);
        return EXTLS_OK;
    }

    struct reader_row row;
    for (int c = 0; c < READER_N_COLS; c++) {
        int pos = r->pos_of[c];
        if (pos < 0) {
            row.col[c].ptr = empty_field;
            row.col[c].len = 0;
        } else {
            row.col[c].ptr = r->rowbuf + r->fields[pos].off;
            row.col[c].len = r->fields[pos].len;
        }
    }
    row.dir = r->dir;
    row.line = r->st.lines;
    r->st.rows++;
    if (r->cb.row)
        r->cb.row(&row, r->cb.user);
    return EXTLS_OK;
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
    if (s[0] == '#') {
        header_line(r, s, n);
        return EXTLS_OK;
    }
    if (last) {
        problem(r, READER_MALFORMED_ROW,
                "last row has no line end (file cut off or still being "
                "written)");
        return EXTLS_OK;
    }
    return data_line(r, s, n);
}

/* Append to the carried partial line, dropping bytes past the line cap. */
static enum extls_status
carry_append(struct reader *r, const char *s, size_t n)
{
    if (r->overlong)
        return EXTLS_OK;
    if (r->carry_len + n > EXTLS_LINE_MAX) {
        r->overlong = 1;
        r->carry_len = 0;
        return EXTLS_OK;
    }
    if (r->carry_len + n > r->carry_cap) {
        size_t cap = r->carry_cap ? r->carry_cap : 4096;
        while (cap < r->carry_len + n)
            cap *= 2;
        char *p = realloc(r->carry, cap);
        if (!p)
            return EXTLS_ENOMEM;
        r->carry = p;
        r->carry_cap = cap;
    }
    memcpy(r->carry + r->carry_len, s, n);
    r->carry_len += n;
    return EXTLS_OK;
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
            problem(r, READER_MALFORMED_ROW, r->msg);
        }
    } else {
        st = process_line(r, r->carry, r->carry_len, last);
    }
    r->carry_len = 0;
    r->overlong = 0;
    return st;
}

enum extls_status
reader_feed(struct reader *r, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    enum extls_status st = EXTLS_OK;
    uint64_t base = r->st.bytes;
    r->st.bytes += len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return carry_append(r, p, (size_t)(end - p));
        /* A line wholly inside this piece gets the same cap as a carried one. */
        if (r->carry_len || r->overlong || (size_t)(nl - p) > EXTLS_LINE_MAX) {
            st = carry_append(r, p, (size_t)(nl - p));
            if (st == EXTLS_OK)
                st = carry_flush(r, 0);
        } else {
            st = process_line(r, p, (size_t)(nl - p), 0);
        }
        if (st != EXTLS_OK)
            return st;
        p = nl + 1;
        r->st.good_offset = base + (uint64_t)(p - buf);
    }
    return EXTLS_OK;
}

enum extls_status
reader_finish(struct reader *r)
{
    if (!r->carry_len && !r->overlong)
        return EXTLS_OK;
    return carry_flush(r, 1);
}
