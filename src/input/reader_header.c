/* SPDX-License-Identifier: MIT */
/*
 * reader_header.c: the reader's header lines ("#Log-type:", "#Fields:",
 * "#Software:"), the column layout they set, and what kind of log an input
 * is (decided from its first lines). See reader.h for the rules.
 */
#include <stdio.h>
#include <string.h>

#include "reader_int.h"

static const char *const col_names[READER_N_COLS] = {
    "date-time",       "connector-id", "session-id", "sequence-number", "local-endpoint",
    "remote-endpoint", "event",        "data",       "context",
};

/* Columns a row must carry; local-endpoint alone is optional. */
static const int col_required[READER_N_COLS] = {1, 1, 1, 1, 0, 1, 1, 1, 1};

const char *
reader_col_name(enum reader_col col)
{
    return (unsigned)col < READER_N_COLS ? col_names[col] : "?";
}

void
reader_note_layout(struct reader *r)
{
    r->std_layout = r->n_fields == READER_N_COLS;
    for (int i = 0; i < READER_N_COLS; i++)
        r->std_layout &= r->pos_of[i] == i;
}

void
reader_standard_columns(struct reader *r)
{
    for (int i = 0; i < READER_N_COLS; i++)
        r->pos_of[i] = i;
    r->n_fields = READER_N_COLS;
    reader_note_layout(r);
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
static enum extls_status
wrong_log(struct reader *r, enum extls_kind kind)
{
    if (r->st.kind != EXTLS_KIND_PROTOCOL)
        r->st.kind = kind;
    return reader_report(r, READER_WRONG_LOG, r->msg);
}

/* "#Log-type:" */
static enum extls_status
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
        return wrong_log(r, kind);
    }
    return EXTLS_OK;
}

/*
 * A "#Fields:" line extls cannot use: in a protocol log a damaged header
 * (READER_FILE_ERROR, reason in r->msg), else another log's columns.
 */
static enum extls_status
bad_fields(struct reader *r, const char *v, size_t n)
{
    if (r->st.kind == EXTLS_KIND_PROTOCOL || r->dir != EXTLS_DIR_UNKNOWN)
        return reader_report(r, READER_FILE_ERROR, r->msg); /* a protocol log, by header or name */
    snprintf(r->msg, sizeof(r->msg), "not an SMTP protocol log (#Fields: %.*s%s)",
             (int)(n > 60 ? 60 : n), v, n > 60 ? "..." : "");
    return wrong_log(r, r->iis ? EXTLS_KIND_IIS : EXTLS_KIND_OTHER_LOG);
}

/* "#Fields:": map names to positions; unknown names are kept as ignored columns. */
static enum extls_status
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
            return bad_fields(r, v, n);
        }
        for (int c = 0; c < READER_N_COLS; c++) {
            if (!eq(name, len, col_names[c]))
                continue;
            if (pos_of[c] >= 0) {
                snprintf(r->msg, sizeof(r->msg), "#Fields names column '%s' twice", col_names[c]);
                return bad_fields(r, v, n);
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
            return bad_fields(r, v, n);
        }
    }
    memcpy(r->pos_of, pos_of, sizeof(pos_of));
    r->n_fields = count;
    reader_note_layout(r);
    r->st.kind = EXTLS_KIND_PROTOCOL;
    return EXTLS_OK;
}

enum extls_status
reader_header_line(struct reader *r, const char *s, size_t n)
{
    const char *v;
    size_t vn;
    r->st.header_lines++;
    r->saw_header = 1;
    if (header_value(s, n, "Log-type", &v, &vn))
        return log_type_line(r, v, vn);
    if (header_value(s, n, "Fields", &v, &vn))
        return fields_line(r, v, vn);
    if (header_value(s, n, "Software", &v, &vn))
        r->iis = vn >= 39 && memcmp(v, "Microsoft Internet Information Services", 39) == 0;
    return EXTLS_OK;
}

enum extls_status
reader_first_data_line(struct reader *r, const char *s, size_t n)
{
    /*
     * Control bytes say binary data; in a file whose name or folder says
     * receive or send, only in a line too short to be a row (fewer commas
     * than the columns need), so that a file of NUL bytes is named binary
     * whatever its name and a row's raw bytes are still delivered.
     */
    int control = 0;
    unsigned commas = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        control |= (c < 0x20 && c != '\t') || c == 0x7f;
        commas += c == ',';
    }
    if (control && (r->dir == EXTLS_DIR_UNKNOWN || commas + 1 < r->n_fields)) {
        snprintf(r->msg, sizeof(r->msg), "not an SMTP protocol log (binary data)");
        return wrong_log(r, EXTLS_KIND_BINARY);
    }
    if (r->dir != EXTLS_DIR_UNKNOWN) {
        r->st.kind = EXTLS_KIND_PROTOCOL; /* no header, direction from the name */
        return EXTLS_OK;
    }
    if (!r->saw_header) {
        snprintf(r->msg, sizeof(r->msg),
                 "not an SMTP protocol log, or one without its header: no '#Log-type:' line "
                 "and the file name does not start with RECV or SEND");
        return wrong_log(r, EXTLS_KIND_NO_HEADER);
    }
    snprintf(r->msg, sizeof(r->msg),
             "not an SMTP protocol log (no '#Log-type:' or '#Fields:' line before the first row)");
    return wrong_log(r, EXTLS_KIND_OTHER_LOG);
}
