/* SPDX-License-Identifier: MIT */
/*
 * jsonin.c: a recursive-descent reader for the "extls/1" JSON report,
 * pulling bytes from a file descriptor or memory through one small buffer.
 * It checks the JSON grammar and the schema as it goes and hands out one
 * group at a time; it builds no document tree.
 */
#include "jsonin.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esc.h"
#include "xtime.h"

#define JSONIN_BUF (64 * 1024)
#define SHOWN_MAX 40 /* bytes of a bad value quoted in a message */

static const char *const total_names[] = {
    "files",         "rows",         "malformed_rows",    "sessions",
    "files_skipped", "files_failed", "sessions_excluded", "first",
    "last",
};
enum {
    T_FILES,
    T_ROWS,
    T_MALFORMED,
    T_SESSIONS,
    T_SKIPPED,
    T_FAILED,
    T_EXCLUDED,
    T_FIRST,
    T_LAST,
    N_T
};

struct jsonin {
    struct jsonin_callbacks cb;

    /* source */
    int fd;                   /* -1: memory */
    const unsigned char *mem; /* memory source and what is left of it */
    size_t mem_len, mem_pos, chunk;
    unsigned char *buf;           /* file descriptor reads */
    const unsigned char *p, *end; /* unread bytes */
    int eof;
    const char *name;
    uint64_t line, col; /* position of *p */

    /* the last string decoded: str[0..str_len), NUL-terminated */
    char *str;
    size_t str_len, str_cap;

    /* the group being read: key values in kbuf */
    char *kbuf;
    size_t kbuf_len, kbuf_cap;
    size_t koff[AGG_N_KEYS], klen[AGG_N_KEYS];
    enum agg_key korder[AGG_N_KEYS];
    size_t n_k;

    /* the report */
    enum agg_key first_keys[AGG_N_KEYS]; /* keys of its first group */
    size_t n_first;
    int have_first;
    uint64_t group_sessions; /* sessions summed over its groups */
    struct report_totals totals;
    uint64_t totals_line, totals_col;

    enum extls_status st;
    char err[JSONIN_ERR_MAX];
};

/* ---- errors ---- */

/* Record the first error, at line:col; returns -1 for the caller to pass on. */
static int
fail_at(struct jsonin *j, uint64_t line, uint64_t col, enum extls_status st, const char *fmt, ...)
{
    if (j->st != EXTLS_OK)
        return -1;
    j->st = st;
    int n = snprintf(j->err, sizeof(j->err), "%s:%llu:%llu: ", j->name, (unsigned long long)line,
                     (unsigned long long)col);
    if (n < 0 || (size_t)n >= sizeof(j->err))
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->err + n, sizeof(j->err) - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

#define FAIL(j, ...) fail_at((j), (j)->line, (j)->col, EXTLS_EPARSE, __VA_ARGS__)

/* At most SHOWN_MAX bytes of s for a message, other than printable ASCII as '?'. */
static const char *
shown(const char *s, size_t len, char out[SHOWN_MAX + 4])
{
    size_t n = len < SHOWN_MAX ? len : SHOWN_MAX;
    for (size_t i = 0; i < n; i++)
        out[i] = s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '?';
    memcpy(out + n, len > n ? "..." : "", len > n ? 4 : 1);
    return out;
}

/* ---- bytes ---- */

/* Make bytes available at j->p; 0 at end of input or on a read error. */
static int
refill(struct jsonin *j)
{
    if (j->eof || j->st != EXTLS_OK)
        return 0;
    if (j->fd < 0) {
        size_t n = j->mem_len - j->mem_pos;
        if (j->chunk && n > j->chunk)
            n = j->chunk;
        if (n == 0) { /* also for data == NULL, len 0 */
            j->eof = 1;
            return 0;
        }
        j->p = j->mem + j->mem_pos;
        j->end = j->p + n;
        j->mem_pos += n;
        return 1;
    }
    for (;;) {
        ssize_t n = read(j->fd, j->buf, JSONIN_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            j->st = EXTLS_EIO;
            snprintf(j->err, sizeof(j->err), "error reading '%s': %s", j->name, strerror(e));
            return 0;
        }
        j->p = j->buf;
        j->end = j->buf + n;
        j->eof = n == 0;
        return n != 0;
    }
}

/* The next byte without taking it; -1 at the end (or after an error). */
static inline int
peek(struct jsonin *j)
{
    if (j->p == j->end && !refill(j))
        return -1;
    return *j->p;
}

/* Take the next byte; -1 at the end. */
static inline int
take(struct jsonin *j)
{
    int c = peek(j);
    if (c < 0)
        return c;
    j->p++;
    if (c == '\n') {
        j->line++;
        j->col = 1;
    } else {
        j->col++;
    }
    return c;
}

static int
unexpected(struct jsonin *j, const char *what)
{
    int c = peek(j);
    if (c < 0)
        return FAIL(j, "unexpected end of input: expected %s", what);
    if (c >= 0x20 && c < 0x7F)
        return FAIL(j, "unexpected '%c': expected %s", c, what);
    return FAIL(j, "unexpected byte 0x%02X: expected %s", c, what);
}

static void
skip_ws(struct jsonin *j)
{
    for (int c = peek(j); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek(j))
        take(j);
}

/* Take `c` after white space, or fail naming it. */
static int
expect(struct jsonin *j, char c, const char *what)
{
    skip_ws(j);
    if (peek(j) != (unsigned char)c)
        return unexpected(j, what);
    take(j);
    return 0;
}

/* ---- strings ---- */

static int
str_append(struct jsonin *j, const char *s, size_t n, uint64_t line, uint64_t col)
{
    if (j->str_len + n > EXTLS_FIELD_MAX)
        return fail_at(j, line, col, EXTLS_ETOOBIG, "string longer than %u bytes",
                       (unsigned)EXTLS_FIELD_MAX);
    if (j->str_len + n + 1 > j->str_cap) {
        size_t cap = j->str_cap ? j->str_cap : 256;
        while (cap < j->str_len + n + 1)
            cap *= 2;
        char *p = realloc(j->str, cap);
        if (!p) {
            j->st = j->st ? j->st : EXTLS_ENOMEM;
            return -1;
        }
        j->str = p;
        j->str_cap = cap;
    }
    memcpy(j->str + j->str_len, s, n);
    j->str_len += n;
    j->str[j->str_len] = '\0';
    return 0;
}

/* Four hex digits of a \u escape; -1 after failing. */
static long
hex4(struct jsonin *j)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = peek(j);
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return unexpected(j, "four hex digits after \\u");
        take(j);
        v = v * 16 + d;
    }
    return v;
}

/* The escape after a backslash (taken; it stood at line:col) into str. */
static int
escape(struct jsonin *j, uint64_t line, uint64_t col, uint64_t sline, uint64_t scol)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    int c = peek(j);
    const char *k = c > 0 ? strchr(from, c) : NULL;
    if (k) {
        take(j);
        return str_append(j, &to[k - from], 1, sline, scol);
    }
    if (c != 'u')
        return unexpected(j, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    take(j);
    long cp = hex4(j);
    if (cp < 0)
        return -1;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail_at(j, line, col, EXTLS_EPARSE, "lone low surrogate \\u%04lX", cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (peek(j) != '\\')
            return fail_at(j, line, col, EXTLS_EPARSE, "lone high surrogate \\u%04lX", cp);
        take(j);
        if (peek(j) != 'u')
            return fail_at(j, line, col, EXTLS_EPARSE, "lone high surrogate \\u%04lX", cp);
        take(j);
        long lo = hex4(j);
        if (lo < 0)
            return -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail_at(j, line, col, EXTLS_EPARSE, "lone high surrogate \\u%04lX", cp);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    return str_append(j, u, n, sline, scol);
}

/* One UTF-8 sequence whose lead byte `lead` (at line:col) was taken. */
static int
utf8(struct jsonin *j, int lead, uint64_t line, uint64_t col, uint64_t sline, uint64_t scol)
{
    unsigned char s[4] = {(unsigned char)lead};
    size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    size_t have = 1;
    while (have < n) {
        int c = peek(j);
        if (c < 0 || (c & 0xC0) != 0x80)
            break;
        s[have++] = (unsigned char)take(j);
    }
    unsigned cp;
    if (lead < 0xC2 || lead > 0xF4 || have < n || esc_utf8_next(s, n, &cp) != n)
        return fail_at(j, line, col, EXTLS_EPARSE, "invalid UTF-8 in a string");
    return str_append(j, (const char *)s, n, sline, scol);
}

/* A string value (the opening quote is next) decoded into j->str. */
static int
parse_string(struct jsonin *j)
{
    uint64_t sline = j->line, scol = j->col;
    if (peek(j) != '"')
        return unexpected(j, "a string");
    take(j);
    j->str_len = 0;
    if (str_append(j, "", 0, sline, scol) != 0)
        return -1;
    for (;;) {
        /* Fast path: a run of plain ASCII in the buffer, appended at once. */
        const unsigned char *run = j->p;
        while (run < j->end && *run >= 0x20 && *run < 0x80 && *run != '"' && *run != '\\')
            run++;
        if (run > j->p) {
            size_t n = (size_t)(run - j->p);
            if (str_append(j, (const char *)j->p, n, sline, scol) != 0)
                return -1;
            j->p = run;
            j->col += n;
        }
        uint64_t line = j->line, col = j->col;
        int c = take(j);
        if (c < 0)
            return fail_at(j, line, col, EXTLS_EPARSE, "unexpected end of input in a string");
        if (c == '"')
            return 0;
        int r;
        if (c == '\\') {
            r = escape(j, line, col, sline, scol);
        } else if (c < 0x20) {
            r = fail_at(j, line, col, EXTLS_EPARSE,
                        "control character 0x%02X in a string (write it as \\u%04x)", c, c);
        } else if (c < 0x80) {
            char b = (char)c;
            r = str_append(j, &b, 1, sline, scol);
        } else {
            r = utf8(j, c, line, col, sline, scol);
        }
        if (r != 0)
            return -1;
    }
}

/* ---- numbers and literals ---- */

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* A counter: an unsigned 64-bit integer in plain decimal. */
static int
parse_u64(struct jsonin *j, uint64_t *v)
{
    skip_ws(j);
    uint64_t line = j->line, col = j->col;
    int c = peek(j);
    if (c == '-')
        return FAIL(j, "negative number: counters are unsigned");
    if (!is_digit(c))
        return unexpected(j, "an unsigned integer");
    uint64_t x = 0;
    int overflow = 0;
    if (c == '0') {
        take(j);
        c = peek(j);
        if (is_digit(c))
            return fail_at(j, line, col, EXTLS_EPARSE, "leading zero in a number");
    }
    for (; is_digit(c); c = peek(j)) {
        unsigned d = (unsigned)(take(j) - '0');
        if (x > (UINT64_MAX - d) / 10)
            overflow = 1;
        x = x * 10 + d;
    }
    if (c == '.' || c == 'e' || c == 'E')
        return fail_at(j, line, col, EXTLS_EPARSE, "not an integer: counters are whole numbers");
    if (overflow)
        return fail_at(j, line, col, EXTLS_EPARSE, "number larger than 18446744073709551615");
    *v = x;
    return 0;
}

/* Any JSON number (skipped members). */
static int
skip_number(struct jsonin *j)
{
    if (peek(j) == '-')
        take(j);
    int c = peek(j);
    if (!is_digit(c))
        return unexpected(j, "a digit");
    if (take(j) != '0') {
        while (is_digit(peek(j)))
            take(j);
    }
    if (peek(j) == '.') {
        take(j);
        if (!is_digit(peek(j)))
            return unexpected(j, "a digit after '.'");
        while (is_digit(peek(j)))
            take(j);
    }
    c = peek(j);
    if (c == 'e' || c == 'E') {
        take(j);
        c = peek(j);
        if (c == '+' || c == '-')
            take(j);
        if (!is_digit(peek(j)))
            return unexpected(j, "a digit in the exponent");
        while (is_digit(peek(j)))
            take(j);
    }
    return 0;
}

static int
literal(struct jsonin *j, const char *word)
{
    uint64_t line = j->line, col = j->col;
    for (const char *w = word; *w; w++) {
        if (peek(j) != (unsigned char)*w)
            return fail_at(j, line, col, EXTLS_EPARSE, "unknown literal: expected %s", word);
        take(j);
    }
    return 0;
}

/* ---- structure ---- */

/*
 * Called for each member of an object with its name in j->str; must read
 * the value (white space before it not yet skipped). name_line/col locate
 * the name.
 */
typedef int (*member_fn)(struct jsonin *j, int depth, uint64_t name_line, uint64_t name_col,
                         void *ctx);

static int skip_value(struct jsonin *j, int depth);

/* Take `open` ('{' or '['), which opens nesting level `depth`. */
static int
open_nested(struct jsonin *j, int depth, char open, const char *what)
{
    skip_ws(j);
    if (depth > JSONIN_DEPTH_MAX && peek(j) == (unsigned char)open)
        return fail_at(j, j->line, j->col, EXTLS_ETOOBIG, "nesting deeper than %d",
                       JSONIN_DEPTH_MAX);
    return expect(j, open, what);
}

/* An object at nesting `depth` (its '{' is next, after white space). */
static int
parse_object(struct jsonin *j, int depth, member_fn member, void *ctx)
{
    if (open_nested(j, depth, '{', "'{'") != 0)
        return -1;
    skip_ws(j);
    if (peek(j) == '}') {
        take(j);
        return 0;
    }
    for (;;) {
        skip_ws(j);
        uint64_t line = j->line, col = j->col;
        if (peek(j) != '"')
            return unexpected(j, "a member name");
        if (parse_string(j) != 0 || expect(j, ':', "':'") != 0)
            return -1;
        if (member(j, depth, line, col, ctx) != 0)
            return -1;
        skip_ws(j);
        int c = peek(j);
        if (c == '}') {
            take(j);
            return 0;
        }
        if (c != ',')
            return unexpected(j, "',' or '}'");
        take(j);
    }
}

static int
skip_member(struct jsonin *j, int depth, uint64_t line, uint64_t col, void *ctx)
{
    (void)line, (void)col, (void)ctx;
    return skip_value(j, depth + 1);
}

/* An array at nesting `depth`, element() reading each element. */
static int
parse_array(struct jsonin *j, int depth, int (*element)(struct jsonin *j, int depth, void *ctx),
            void *ctx)
{
    if (open_nested(j, depth, '[', "'['") != 0)
        return -1;
    skip_ws(j);
    if (peek(j) == ']') {
        take(j);
        return 0;
    }
    for (;;) {
        if (element(j, depth + 1, ctx) != 0)
            return -1;
        skip_ws(j);
        int c = peek(j);
        if (c == ']') {
            take(j);
            return 0;
        }
        if (c != ',')
            return unexpected(j, "',' or ']'");
        take(j);
    }
}

static int
skip_element(struct jsonin *j, int depth, void *ctx)
{
    (void)ctx;
    return skip_value(j, depth);
}

/* Any JSON value at nesting `depth` (if it is an array or object). */
static int
skip_value(struct jsonin *j, int depth)
{
    skip_ws(j);
    switch (peek(j)) {
    case '{':
        return parse_object(j, depth, skip_member, NULL);
    case '[':
        return parse_array(j, depth, skip_element, NULL);
    case '"':
        return parse_string(j);
    case 't':
        return literal(j, "true");
    case 'f':
        return literal(j, "false");
    case 'n':
        return literal(j, "null");
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
        return skip_number(j);
    default:
        return unexpected(j, "a value");
    }
}

/* Index of j->str in names[0..n), or -1. */
static int
name_index(const struct jsonin *j, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        if (strlen(names[i]) == j->str_len && memcmp(names[i], j->str, j->str_len) == 0)
            return i;
    }
    return -1;
}

/* Mark member `i` of a known set seen; a second time is an error. */
static int
seen_once(struct jsonin *j, unsigned *seen, int i, const char *name, uint64_t line, uint64_t col)
{
    if (*seen & (1u << i))
        return fail_at(j, line, col, EXTLS_EPARSE, "member '%s' given twice", name);
    *seen |= 1u << i;
    return 0;
}

/* The first of names[0..n) not in `seen`, as a failure at line:col. */
static int
missing(struct jsonin *j, unsigned seen, const char *const *names, int n, const char *where,
        uint64_t line, uint64_t col)
{
    for (int i = 0; i < n; i++) {
        if (!(seen & (1u << i)))
            return fail_at(j, line, col, EXTLS_EPARSE, "%s has no member '%s'", where, names[i]);
    }
    return 0;
}

/*
 * A time as extls writes it into *ms; null (when allowed) sets *is_null.
 */
static int
parse_time(struct jsonin *j, int allow_null, int64_t *ms, int *is_null)
{
    skip_ws(j);
    uint64_t line = j->line, col = j->col;
    *is_null = 0;
    if (peek(j) == 'n') {
        if (literal(j, "null") != 0)
            return -1;
        if (!allow_null)
            return fail_at(j, line, col, EXTLS_EPARSE, "a group's first and last are never null");
        *is_null = 1;
        return 0;
    }
    if (peek(j) != '"')
        return unexpected(j, allow_null ? "a time string or null" : "a time string");
    if (parse_string(j) != 0)
        return -1;
    char back[XTIME_BUF], s[SHOWN_MAX + 4];
    if (xtime_parse(j->str, j->str_len, ms) != 0 || strlen(xtime_format(*ms, back)) != j->str_len ||
        memcmp(back, j->str, j->str_len) != 0)
        return fail_at(j, line, col, EXTLS_EPARSE,
                       "bad time '%s': expected yyyy-mm-ddThh:mm:ss.fffZ",
                       shown(j->str, j->str_len, s));
    return 0;
}

/* ---- the schema ---- */

struct totals_ctx {
    unsigned seen;
    int late_seen;
    int first_null, last_null;
};

static int
totals_member(struct jsonin *j, int depth, uint64_t line, uint64_t col, void *ctx)
{
    struct totals_ctx *t = ctx;
    struct report_totals *r = &j->totals;
    uint64_t *counter[N_T] = {&r->files,         &r->rows,         &r->malformed, &r->sessions,
                              &r->files_skipped, &r->files_failed, &r->excluded};
    int i = name_index(j, total_names, N_T);
    if (i < 0 && j->str_len == 9 && memcmp(j->str, "late_rows", 9) == 0) {
        /* Optional (written by --state runs when non-zero). */
        if (t->late_seen)
            return fail_at(j, line, col, EXTLS_EPARSE, "'late_rows' given twice");
        t->late_seen = 1;
        return parse_u64(j, &r->late_rows);
    }
    if (i < 0)
        return skip_value(j, depth + 1);
    if (seen_once(j, &t->seen, i, total_names[i], line, col) != 0)
        return -1;
    if (i == T_FIRST)
        return parse_time(j, 1, &r->first_ms, &t->first_null);
    if (i == T_LAST)
        return parse_time(j, 1, &r->last_ms, &t->last_null);
    return parse_u64(j, counter[i]);
}

static int
parse_totals(struct jsonin *j, int depth)
{
    struct totals_ctx t = {0};
    skip_ws(j);
    j->totals_line = j->line;
    j->totals_col = j->col;
    if (parse_object(j, depth, totals_member, &t) != 0)
        return -1;
    uint64_t line = j->line, col = j->col - 1; /* the closing brace */
    if (missing(j, t.seen, total_names, N_T, "totals", line, col) != 0)
        return -1;
    struct report_totals *r = &j->totals;
    if (t.first_null)
        r->first_ms = INT64_MAX;
    if (t.last_null)
        r->last_ms = INT64_MIN;
    int none = r->sessions == 0;
    if (t.first_null != none || t.last_null != none)
        return fail_at(j, j->totals_line, j->totals_col, EXTLS_EPARSE,
                       "totals: first and last must be null exactly when sessions is 0");
    if (!none && r->first_ms > r->last_ms)
        return fail_at(j, j->totals_line, j->totals_col, EXTLS_EPARSE,
                       "totals: first is after last");
    return 0;
}

struct tls_ctx {
    struct agg_group *g;
    unsigned seen;
};

static int
tls_member(struct jsonin *j, int depth, uint64_t line, uint64_t col, void *ctx)
{
    struct tls_ctx *t = ctx;
    int c = extls_class_parse(j->str, j->str_len);
    if (c < 0)
        return skip_value(j, depth + 1);
    if (seen_once(j, &t->seen, c, extls_class_name((enum extls_class)c), line, col) != 0)
        return -1;
    return parse_u64(j, &t->g->count[c]);
}

static const char *const group_names[] = {"sessions", "tls", "first", "last"};
enum { G_SESSIONS, G_TLS, G_FIRST, G_LAST, N_G };

struct group_ctx {
    struct agg_group g;
    unsigned seen, keys_seen;
};

/* A key member's string value, appended to kbuf. */
static int
key_value(struct jsonin *j, struct group_ctx *gc, int k, uint64_t line, uint64_t col)
{
    if (seen_once(j, &gc->keys_seen, k, agg_key_name((enum agg_key)k), line, col) != 0)
        return -1;
    skip_ws(j);
    if (peek(j) != '"')
        return unexpected(j, "a string (the value of a key)");
    if (parse_string(j) != 0)
        return -1;
    if (j->kbuf_len + j->str_len + 1 > j->kbuf_cap) {
        size_t cap = j->kbuf_cap ? j->kbuf_cap : 1024;
        while (cap < j->kbuf_len + j->str_len + 1)
            cap *= 2;
        char *p = realloc(j->kbuf, cap);
        if (!p) {
            j->st = j->st ? j->st : EXTLS_ENOMEM;
            return -1;
        }
        j->kbuf = p;
        j->kbuf_cap = cap;
    }
    memcpy(j->kbuf + j->kbuf_len, j->str, j->str_len + 1);
    j->koff[k] = j->kbuf_len;
    j->klen[k] = j->str_len;
    j->kbuf_len += j->str_len + 1;
    j->korder[j->n_k++] = (enum agg_key)k;
    return 0;
}

static int
group_member(struct jsonin *j, int depth, uint64_t line, uint64_t col, void *ctx)
{
    struct group_ctx *gc = ctx;
    int k = agg_key_parse(j->str, j->str_len);
    if (k >= 0)
        return key_value(j, gc, k, line, col);
    int i = name_index(j, group_names, N_G);
    if (i < 0)
        return skip_value(j, depth + 1);
    if (seen_once(j, &gc->seen, i, group_names[i], line, col) != 0)
        return -1;
    int is_null;
    switch (i) {
    case G_SESSIONS:
        return parse_u64(j, &gc->g.sessions);
    case G_TLS: {
        struct tls_ctx t = {&gc->g, 0};
        skip_ws(j);
        uint64_t tline = j->line, tcol = j->col;
        if (parse_object(j, depth + 1, tls_member, &t) != 0)
            return -1;
        for (int c = 0; c < EXTLS_N_CLASSES; c++) {
            if (!(t.seen & (1u << c)))
                return fail_at(j, tline, tcol, EXTLS_EPARSE, "tls has no member '%s'",
                               extls_class_name((enum extls_class)c));
        }
        return 0;
    }
    case G_FIRST:
        return parse_time(j, 0, &gc->g.first_ms, &is_null);
    default:
        return parse_time(j, 0, &gc->g.last_ms, &is_null);
    }
}

/* "a,b,c" for a key list, into buf. */
static const char *
key_list(const enum agg_key *keys, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? "," : "", agg_key_name(keys[i]));
    return n ? buf : "(no key)";
}

/* Checks on a complete group (its '{' at line:col), then the callback. */
static int
group_done(struct jsonin *j, struct group_ctx *gc, uint64_t line, uint64_t col)
{
    struct agg_group *g = &gc->g;
    uint64_t sum = 0;
    int overflow = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        if (sum > UINT64_MAX - g->count[c])
            overflow = 1;
        sum += g->count[c];
    }
    if (g->sessions == 0)
        return fail_at(j, line, col, EXTLS_EPARSE, "a group without sessions");
    if (overflow || sum != g->sessions)
        return fail_at(j, line, col, EXTLS_EPARSE,
                       "the tls counters do not sum to the group's %llu sessions",
                       (unsigned long long)g->sessions);
    if (g->first_ms > g->last_ms)
        return fail_at(j, line, col, EXTLS_EPARSE, "the group's first is after its last");
    if (!j->have_first) {
        memcpy(j->first_keys, j->korder, j->n_k * sizeof(j->korder[0]));
        j->n_first = j->n_k;
        j->have_first = 1;
    } else if (j->n_k != j->n_first ||
               memcmp(j->korder, j->first_keys, j->n_k * sizeof(j->korder[0])) != 0) {
        char a[128], b[128];
        return fail_at(j, line, col, EXTLS_EPARSE, "group keyed by '%s', the first group by '%s'",
                       key_list(j->korder, j->n_k, a, sizeof(a)),
                       key_list(j->first_keys, j->n_first, b, sizeof(b)));
    }
    if (j->group_sessions > UINT64_MAX - g->sessions)
        return fail_at(j, line, col, EXTLS_ETOOBIG, "sessions over all groups pass 2^64-1");
    j->group_sessions += g->sessions;
    for (size_t i = 0; i < j->n_k; i++) {
        enum agg_key k = j->korder[i];
        g->key[k].ptr = j->kbuf + j->koff[k];
        g->key[k].len = j->klen[k];
    }
    char why[JSONIN_ERR_MAX / 2] = "";
    enum extls_status st = j->cb.group(g, j->korder, j->n_k, why, sizeof(why), j->cb.user);
    if (st != EXTLS_OK)
        return fail_at(j, line, col, st, "%s", why[0] ? why : extls_strerror(st));
    return 0;
}

static int
group_element(struct jsonin *j, int depth, void *ctx)
{
    (void)ctx;
    struct group_ctx gc;
    memset(&gc, 0, sizeof(gc));
    for (int k = 0; k < AGG_N_KEYS; k++)
        gc.g.key[k].ptr = "";
    gc.g.host.ptr = "";
    gc.g.host_ms = INT64_MIN;
    j->kbuf_len = 0;
    j->n_k = 0;
    skip_ws(j);
    uint64_t line = j->line, col = j->col;
    if (peek(j) != '{')
        return unexpected(j, "'{' (a group)");
    if (parse_object(j, depth, group_member, &gc) != 0)
        return -1;
    if (missing(j, gc.seen, group_names, N_G, "the group", line, col) != 0)
        return -1;
    return group_done(j, &gc, line, col);
}

static const char *const root_names[] = {"schema", "totals", "groups"};
enum { R_SCHEMA, R_TOTALS, R_GROUPS, N_R };

static int
root_member(struct jsonin *j, int depth, uint64_t line, uint64_t col, void *ctx)
{
    unsigned *seen = ctx;
    int i = name_index(j, root_names, N_R);
    if (i < 0)
        return skip_value(j, depth + 1);
    if (seen_once(j, seen, i, root_names[i], line, col) != 0)
        return -1;
    if (i == R_TOTALS)
        return parse_totals(j, depth + 1);
    if (i == R_GROUPS)
        return parse_array(j, depth + 1, group_element, NULL);
    skip_ws(j);
    uint64_t vline = j->line, vcol = j->col;
    if (parse_string(j) != 0)
        return -1;
    char s[SHOWN_MAX + 4];
    if (j->str_len != 7 || memcmp(j->str, "extls/1", 7) != 0)
        return fail_at(j, vline, vcol, EXTLS_EPARSE, "schema '%s' is not extls/1",
                       shown(j->str, j->str_len, s));
    return 0;
}

static enum extls_status
read_report(struct jsonin *j, const char *name)
{
    j->name = name;
    j->line = j->col = 1;
    j->st = EXTLS_OK;
    j->err[0] = '\0';
    j->have_first = 0;
    j->group_sessions = 0;
    memset(&j->totals, 0, sizeof(j->totals));
    j->totals.first_ms = INT64_MAX;
    j->totals.last_ms = INT64_MIN;

    if (peek(j) == 0xEF) { /* a byte order mark: RFC 8259 lets a reader ignore it */
        take(j);
        if (take(j) != 0xBB || take(j) != 0xBF) {
            fail_at(j, 1, 1, EXTLS_EPARSE, "invalid UTF-8 at the start");
            return j->st;
        }
        j->col = 1;
    }
    skip_ws(j);
    if (peek(j) < 0) {
        if (j->st == EXTLS_OK)
            FAIL(j, "empty input: expected an extls JSON report");
        return j->st;
    }
    unsigned seen = 0;
    if (peek(j) != '{') {
        unexpected(j, "'{' (an extls JSON report)");
        return j->st;
    }
    if (parse_object(j, 1, root_member, &seen) != 0)
        return j->st;
    if (missing(j, seen, root_names, N_R, "the report", j->line, j->col - 1) != 0)
        return j->st;
    if (j->totals.sessions != j->group_sessions) {
        fail_at(j, j->totals_line, j->totals_col, EXTLS_EPARSE,
                "totals.sessions is %llu, the groups count %llu",
                (unsigned long long)j->totals.sessions, (unsigned long long)j->group_sessions);
        return j->st;
    }
    skip_ws(j);
    if (peek(j) >= 0)
        FAIL(j, "unexpected data after the report");
    return j->st;
}

/* ---- interface ---- */

struct jsonin *
jsonin_new(const struct jsonin_callbacks *cb)
{
    struct jsonin *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    j->cb = *cb;
    j->fd = -1;
    return j;
}

void
jsonin_free(struct jsonin *j)
{
    if (!j)
        return;
    free(j->buf);
    free(j->str);
    free(j->kbuf);
    free(j);
}

enum extls_status
jsonin_read_fd(struct jsonin *j, int fd, const char *name)
{
    if (!j->buf) {
        j->buf = malloc(JSONIN_BUF);
        if (!j->buf) {
            snprintf(j->err, sizeof(j->err), "%s", extls_strerror(EXTLS_ENOMEM));
            return EXTLS_ENOMEM;
        }
    }
    j->fd = fd;
    j->p = j->end = NULL;
    j->eof = 0;
    return read_report(j, name);
}

enum extls_status
jsonin_read_mem(struct jsonin *j, const void *data, size_t len, size_t chunk, const char *name)
{
    j->fd = -1;
    j->mem = data;
    j->mem_len = len;
    j->mem_pos = 0;
    j->chunk = chunk;
    j->p = j->end = NULL;
    j->eof = 0;
    return read_report(j, name);
}

const char *
jsonin_errmsg(const struct jsonin *j)
{
    return j->err;
}

const struct report_totals *
jsonin_totals(const struct jsonin *j)
{
    return &j->totals;
}

/* Fuzzing: count each group into a table keyed as the report. */
static enum extls_status
fuzz_group(const struct agg_group *g, const enum agg_key *keys, size_t n_keys, char *why,
           size_t why_len, void *user)
{
    struct agg **a = user;
    (void)why, (void)why_len;
    if (!*a)
        *a = agg_new(keys, n_keys);
    if (!*a)
        return EXTLS_ENOMEM;
    return agg_add_group(*a, g->key, g);
}

int
jsonin_fuzz_one(const uint8_t *data, size_t len)
{
    struct agg *a = NULL;
    struct jsonin_callbacks cb = {fuzz_group, &a};
    struct jsonin *j = jsonin_new(&cb);
    if (j) {
        jsonin_read_mem(j, data, len, 0, "fuzz");
        if (a)
            agg_sorted(a);
    }
    jsonin_free(j);
    agg_free(a);
    return 0;
}
