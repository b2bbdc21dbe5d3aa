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

#include "scan.h"

#define MAX_COLUMNS 64 /* most columns a "#Fields:" line may name */
#define MSG_MAX 160
#define CSV_BLK_SIZE (64u * 1024u) /* libcsv field buffer growth step */
#define MARKS_MAX 128              /* commas and quotes a line may have for the fast path */
#define SCAN_CHUNK 64              /* blocks scanned at a time (4 KiB of input) */

static const char *const col_names[READER_N_COLS] = {
    "date-time",       "connector-id", "session-id", "sequence-number", "local-endpoint",
    "remote-endpoint", "event",        "data",       "context",
};

/* Columns a row must carry; local-endpoint alone is optional. */
static const int col_required[READER_N_COLS] = {1, 1, 1, 1, 0, 1, 1, 1, 1};

struct field_pos {
    const char *ptr; /* fast path: the field's bytes (in the line, or rowbuf) */
    size_t off;      /* libcsv path: offset of the field's bytes in rowbuf */
    size_t len;
};

struct reader {
    struct reader_callbacks cb;
    struct csv_parser csv;
    int csv_ready; /* csv holds an initialised parser */

    enum extls_dir dir;        /* direction for data rows */
    int pos_of[READER_N_COLS]; /* field position of each known column, -1 if absent */
    unsigned n_fields;         /* fields a row must have */
    int std_layout;            /* exactly the nine columns in the standard order */

    char *carry; /* start of a line that continues in the next feed */
    size_t carry_len, carry_cap;
    int overlong;   /* the carried line passed EXTLS_LINE_MAX; its bytes are dropped */
    int full_parse; /* send every line through libcsv, even without quotes */

    char *rowbuf; /* field bytes that differ from the line (unquoted, libcsv's copies) */
    size_t row_len, row_cap;
    struct field_pos fields[MAX_COLUMNS];
    unsigned nf;      /* fields seen in the current row (may exceed MAX_COLUMNS) */
    int row_nomem;    /* rowbuf could not grow */
    int field_toobig; /* a field passed EXTLS_FIELD_MAX */

    /* The current line's commas and quotes, in order (from the block scanner). */
    const char *marks[MARKS_MAX + SCAN_BLOCK];
    unsigned n_marks; /* how many (past MARKS_MAX: too many, only counted) */
    int marks_quoted; /* some mark is a quote */
    int marks_valid;  /* marks belong to the line being processed */

    struct reader_stats st;
    struct reader_pos reject_pos; /* where the line that rejected the input starts */
    int saw_header;               /* a '#' line was read in this input */
    int iis;                      /* "#Software:" named IIS */
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

/* After a change of columns: are they the standard nine, in order? */
static void
note_layout(struct reader *r)
{
    r->std_layout = r->n_fields == READER_N_COLS;
    for (int i = 0; i < READER_N_COLS; i++)
        r->std_layout &= r->pos_of[i] == i;
}

static void
set_standard_columns(struct reader *r)
{
    for (int i = 0; i < READER_N_COLS; i++)
        r->pos_of[i] = i;
    r->n_fields = READER_N_COLS;
    note_layout(r);
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

static void
problem(struct reader *r, enum reader_problem kind, const char *msg)
{
    if (kind == READER_MALFORMED_ROW) {
        r->st.malformed++;
    } else if (!r->st.rejected) {
        /* The line being read (counted already) starts where the last complete one ended. */
        reader_get_pos(r, &r->reject_pos);
        r->reject_pos.line = r->st.lines - 1;
        r->st.rejected = 1;
    }
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

/* Does [s, n) contain `word` (ASCII case ignored)? */
static int
contains_ci(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && (s[i + j] | 0x20) == (word[j] | 0x20))
            j++;
        if (j == k)
            return 1;
    }
    return 0;
}

/*
 * Not a protocol log: of this kind (unless already known to be one, as in
 * a protocol log with another log appended), for the reason in r->msg.
 */
static void
wrong_log(struct reader *r, enum extls_kind kind)
{
    if (r->st.kind != EXTLS_KIND_PROTOCOL)
        r->st.kind = kind;
    problem(r, READER_WRONG_LOG, r->msg);
}

/* "#Log-type:" */
static void
log_type_line(struct reader *r, const char *v, size_t n)
{
    if (eq(v, n, "SMTP Receive Protocol Log")) {
        r->dir = EXTLS_DIR_RECEIVE;
        r->st.kind = EXTLS_KIND_PROTOCOL;
    } else if (eq(v, n, "SMTP Send Protocol Log")) {
        r->dir = EXTLS_DIR_SEND;
        r->st.kind = EXTLS_KIND_PROTOCOL;
    } else {
        enum extls_kind kind = EXTLS_KIND_OTHER_LOG;
        if (contains_ci(v, n, "message tracking"))
            kind = EXTLS_KIND_MESSAGE_TRACKING;
        else if (contains_ci(v, n, "connectivity"))
            kind = EXTLS_KIND_CONNECTIVITY;
        else if (contains_ci(v, n, "agent"))
            kind = EXTLS_KIND_AGENT;
        snprintf(r->msg, sizeof(r->msg), "not an SMTP protocol log (#Log-type: %.*s)",
                 (int)(n > 60 ? 60 : n), v);
        wrong_log(r, kind);
    }
}

/*
 * A "#Fields:" line extls cannot use: in a protocol log a damaged header
 * (READER_FILE_ERROR, reason in r->msg), else another log's columns.
 */
static void
bad_fields(struct reader *r, const char *v, size_t n)
{
    if (r->st.kind == EXTLS_KIND_PROTOCOL || r->dir != EXTLS_DIR_UNKNOWN) {
        problem(r, READER_FILE_ERROR, r->msg); /* a protocol log, by header or name */
        return;
    }
    snprintf(r->msg, sizeof(r->msg), "not an SMTP protocol log (#Fields: %.*s%s)",
             (int)(n > 60 ? 60 : n), v, n > 60 ? "..." : "");
    wrong_log(r, r->iis ? EXTLS_KIND_IIS : EXTLS_KIND_OTHER_LOG);
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
            bad_fields(r, v, n);
            return;
        }
        for (int c = 0; c < READER_N_COLS; c++) {
            if (!eq(name, len, col_names[c]))
                continue;
            if (pos_of[c] >= 0) {
                snprintf(r->msg, sizeof(r->msg), "#Fields names column '%s' twice", col_names[c]);
                bad_fields(r, v, n);
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
            bad_fields(r, v, n);
            return;
        }
    }
    memcpy(r->pos_of, pos_of, sizeof(pos_of));
    r->n_fields = count;
    note_layout(r);
    r->st.kind = EXTLS_KIND_PROTOCOL;
}

static void
header_line(struct reader *r, const char *s, size_t n)
{
    const char *v;
    size_t vn;
    r->st.header_lines++;
    r->saw_header = 1;
    if (header_value(s, n, "Log-type", &v, &vn))
        log_type_line(r, v, vn);
    else if (header_value(s, n, "Fields", &v, &vn))
        fields_line(r, v, vn);
    else if (header_value(s, n, "Software", &v, &vn))
        r->iis = vn >= 39 && memcmp(v, "Microsoft Internet Information Services", 39) == 0;
}

/*
 * The first data line of an input not yet known to be a protocol log:
 * decide. Returns 1 when it is not one (reported), else 0.
 */
static int
first_data_line(struct reader *r, const char *s, size_t n)
{
    if (r->dir != EXTLS_DIR_UNKNOWN) {
        r->st.kind = EXTLS_KIND_PROTOCOL; /* no header, direction from the name */
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            snprintf(r->msg, sizeof(r->msg), "not an SMTP protocol log (binary data)");
            wrong_log(r, EXTLS_KIND_BINARY);
            return 1;
        }
    }
    if (!r->saw_header) {
        snprintf(r->msg, sizeof(r->msg),
                 "not an SMTP protocol log, or one without its header: no '#Log-type:' line "
                 "and the file name does not start with RECV or SEND");
        wrong_log(r, EXTLS_KIND_NO_HEADER);
        return 1;
    }
    snprintf(r->msg, sizeof(r->msg),
             "not an SMTP protocol log (no '#Log-type:' or '#Fields:' line before the first row)");
    wrong_log(r, EXTLS_KIND_OTHER_LOG);
    return 1;
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

/*
 * The fast path: fields from the line's marks (r->marks: its commas and
 * quotes, in order). It accepts exactly the writer's canonical form: a
 * field is either unquoted and free of '"', or wholly quoted with inner
 * quotes doubled and the closing quote followed by ',' or the line end.
 * For such a line libcsv (strict, no trimming, no terminators inside a
 * line) yields the same fields, which this path returns without copying,
 * but for quoted fields with doubled quotes (unquoted into rowbuf).
 * Returns 0, or -1 for any other line (nothing delivered: libcsv then
 * parses it, or names exactly what is wrong with it).
 */
static int
split_marks(struct reader *r, const char *s, size_t n)
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
    if (!rowbuf_reserve(r, n + 1)) {
        r->row_nomem = 1;
        return 0;
    }
    char *out = r->rowbuf; /* where the next unquoted copy goes */
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

/* Forget the fields of a split attempt. */
static void
row_reset(struct reader *r)
{
    r->nf = 0;
    r->row_len = 0;
    r->row_nomem = 0;
    r->field_toobig = 0;
}

/* Hand a complete row to the row callback. */
static void
deliver(struct reader *r, struct reader_row *row)
{
    row->dir = r->dir;
    row->line = r->st.lines;
    r->st.rows++;
    if (r->cb.row)
        r->cb.row(row, r->cb.user);
}

/*
 * The commonest line: no quote, few marks, too short for any field to pass
 * EXTLS_FIELD_MAX. Its fields lie between its commas: each column is read
 * straight off the marks, with no field table in between. Same result as
 * split_marks() and the checks of data_line().
 */
static void
plain_line(struct reader *r, const char *s, size_t n)
{
    const char *const *m = r->marks;
    unsigned k = r->n_marks;
    if (k + 1 != r->n_fields) {
        snprintf(r->msg, sizeof(r->msg), "expected %u fields, found %u", r->n_fields, k + 1);
        problem(r, READER_MALFORMED_ROW, r->msg);
        return;
    }
    struct reader_row row;
    if (r->std_layout) { /* the columns in their standard places */
        const char *start = s;
        for (int c = 0; c < READER_N_COLS - 1; c++) {
            row.col[c].ptr = start;
            row.col[c].len = (size_t)(m[c] - start);
            start = m[c] + 1;
        }
        row.col[READER_N_COLS - 1].ptr = start;
        row.col[READER_N_COLS - 1].len = (size_t)(s + n - start);
        deliver(r, &row);
        return;
    }
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
    deliver(r, &row);
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
    int fast = !r->full_parse;
    if (fast && !r->marks_valid)
        scan_line(r, s, n);
    if (fast && !r->marks_quoted && r->n_marks <= MARKS_MAX && n <= EXTLS_FIELD_MAX) {
        plain_line(r, s, n);
        return EXTLS_OK;
    }
    row_reset(r);
    enum extls_status st = EXTLS_OK;
    if (!fast || split_marks(r, s, n) != 0) {
        row_reset(r);
        if (split_csv(r, s, n, &st))
            return st;
        for (unsigned i = 0; i < r->nf && i < MAX_COLUMNS; i++)
            r->fields[i].ptr = r->rowbuf + r->fields[i].off;
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
            row.col[c].ptr = r->fields[pos].ptr;
            row.col[c].len = r->fields[pos].len;
        }
    }
    deliver(r, &row);
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
    if (r->st.kind != EXTLS_KIND_PROTOCOL && first_data_line(r, s, n))
        return EXTLS_OK;
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
        r->marks_valid = 0;
        st = process_line(r, r->carry, r->carry_len, last);
    }
    r->carry_len = 0;
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
 * buf. *used is set to the bytes through the last LF.
 */
static enum extls_status
feed_lines(struct reader *r, const char *buf, size_t len, uint64_t base, size_t *used)
{
    struct scan_masks m[SCAN_CHUNK];
    const char *line = buf; /* start of the current line */
    unsigned k = 0;         /* marks of the current line so far */
    uint64_t quoted = 0;    /* quote bits seen in the current line */
    size_t n_blocks = (len + SCAN_BLOCK - 1) / SCAN_BLOCK;
    *used = 0;
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
                if (n > EXTLS_LINE_MAX) {
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
                *used = (size_t)(line - buf);
                r->st.good_offset = base + *used;
                k = 0;
                quoted = 0;
            }
            k = push_marks(r->marks, k, blk, marks);
            quoted |= q;
        }
    }
    return EXTLS_OK;
}

enum extls_status
reader_feed(struct reader *r, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    enum extls_status st = EXTLS_OK;
    uint64_t base = r->st.bytes;
    r->st.bytes += len;
    if (r->carry_len || r->overlong) {
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
    note_layout(r);
    r->st.lines = p->line;
    r->st.bytes = p->offset;
    r->st.good_offset = p->offset;
    r->st.kind = EXTLS_KIND_PROTOCOL; /* it was read as one before */
    r->saw_header = 1;
}

void
reader_stop(struct reader *r)
{
    r->carry_len = 0;
    r->overlong = 0;
}

enum extls_status
reader_finish(struct reader *r)
{
    if (!r->carry_len && !r->overlong)
        return EXTLS_OK;
    return carry_flush(r, 1);
}
