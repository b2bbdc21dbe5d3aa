/* SPDX-License-Identifier: MIT */
/*
 * jsonin.c: the "extls/1" report schema over a document parsed by
 * libjansson. The text is read whole (at most JSONIN_SIZE_MAX bytes) and
 * parsed in one call; the tree is then checked group by group, and only a
 * report that passes every check is handed out. Jansson's tree keeps no
 * positions, so a schema error is located by walking the raw text (known
 * to be valid JSON by then) to the offending value.
 */
#include "jsonin.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "jsonpos.h"
#include "isotime.h"

_Static_assert(JSONIN_DEPTH_MAX == JSON_PARSER_MAX_DEPTH, "jsonin.h states jansson's depth");

#define JSONIN_READ (64u * 1024u) /* bytes asked of read() at a time */
#define SHOWN_MAX 40              /* bytes of a bad value quoted in a message */
#define PATH_MAX_STEPS 4          /* root > groups > group > tls > counter */

struct jsonin {
    struct jsonin_callbacks cb;
    const char *name;
    const char *text; /* the document after a byte order mark (borrowed for the read) */
    size_t len;
    size_t chunk, fed; /* piece size handed to jansson, bytes handed so far */
    struct report_totals totals;
    char err[JSONIN_ERR_MAX];
};

/*
 * Where a value is: the member or element index at each level from the
 * root (objects iterate in document order in jansson).
 */
struct loc {
    size_t step[PATH_MAX_STEPS];
    size_t n;
};

static struct loc
child(struct loc l, size_t i)
{
    if (l.n < PATH_MAX_STEPS)
        l.step[l.n++] = i;
    return l;
}

/* ---- errors ---- */

/* Record the error at byte offset `off` of the text; returns `st`. */
static enum extls_status
vfail_at(struct jsonin *j, size_t off, enum extls_status st, const char *fmt, va_list ap)
{
    unsigned long long line, col;
    jsonpos_line_col(j->text, j->len, off, &line, &col);
    int n = snprintf(j->err, sizeof(j->err), "%s:%llu:%llu: ", j->name, line, col);
    if (n >= 0 && (size_t)n < sizeof(j->err))
        vsnprintf(j->err + n, sizeof(j->err) - (size_t)n, fmt, ap);
    return st;
}

static enum extls_status
fail_at(struct jsonin *j, size_t off, enum extls_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(j, off, st, fmt, ap);
    va_end(ap);
    return st;
}

/* A schema error at the value `l` (its last byte when `end`); returns `st`. */
static enum extls_status
fail(struct jsonin *j, struct loc l, int end, enum extls_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(j, jsonpos_find(j->text, j->len, l.step, l.n, end), st, fmt, ap);
    va_end(ap);
    return st;
}

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

/* What a value is, for "found ..." in messages. */
static const char *
kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_NULL:
        return "null";
    default:
        return "a boolean";
    }
}

/* Index of member `name` of object o (present) in document order. */
static size_t
index_of(json_t *o, const char *name)
{
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        if (strcmp(k, name) == 0)
            break;
        i++;
    }
    return i;
}

/* Member `name` of object `o` at `l`, or an error "WHERE has no member" at `l` (end when `end`). */
static json_t *
need(struct jsonin *j, json_t *o, struct loc l, int end, const char *where, const char *name,
     enum extls_status *st, struct loc *at)
{
    json_t *v = json_object_get(o, name);
    if (!v)
        *st = fail(j, l, end, EXTLS_EPARSE, "%s has no member '%s'", where, name);
    else
        *at = child(l, index_of(o, name));
    return v;
}

/* ---- values ---- */

/* A counter: a non-negative integer. */
static enum extls_status
counter(struct jsonin *j, json_t *v, struct loc l, uint64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return EXTLS_OK;
    }
    if (json_is_integer(v))
        return fail(j, l, 0, EXTLS_EPARSE, "negative number: counters are unsigned");
    if (json_is_real(v))
        return fail(j, l, 0, EXTLS_EPARSE, "not an integer: counters are whole numbers");
    return fail(j, l, 0, EXTLS_EPARSE, "expected an unsigned integer, found %s", kind(v));
}

/* A time as extls writes it into *ms; null (when allowed) sets *is_null. */
static enum extls_status
time_value(struct jsonin *j, json_t *v, struct loc l, int allow_null, int64_t *ms, int *is_null)
{
    *is_null = json_is_null(v);
    if (*is_null && allow_null)
        return EXTLS_OK;
    if (*is_null)
        return fail(j, l, 0, EXTLS_EPARSE, "a group's first and last are never null");
    if (!json_is_string(v))
        return fail(j, l, 0, EXTLS_EPARSE, "expected a time string%s, found %s",
                    allow_null ? " or null" : "", kind(v));
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    char back[ISOTIME_BUF], out[SHOWN_MAX + 4];
    if (isotime_parse(s, len, ms) != 0 || strlen(isotime_format(*ms, back)) != len ||
        memcmp(back, s, len) != 0)
        return fail(j, l, 0, EXTLS_EPARSE, "bad time '%s': expected yyyy-mm-ddThh:mm:ss.fffZ",
                    shown(s, len, out));
    return EXTLS_OK;
}

/* ---- the schema ---- */

static const char *const total_names[] = {
    "files",         "rows",         "malformed_rows",    "sessions",
    "files_skipped", "files_failed", "sessions_excluded",
};

static enum extls_status
read_totals(struct jsonin *j, json_t *o, struct loc l)
{
    struct report_totals *r = &j->totals;
    uint64_t *counters[] = {&r->files,         &r->rows,         &r->malformed, &r->sessions,
                            &r->files_skipped, &r->files_failed, &r->excluded};
    enum extls_status st = EXTLS_OK;
    struct loc at;
    json_t *v;
    if (!json_is_object(o))
        return fail(j, l, 0, EXTLS_EPARSE, "expected '{' (the totals), found %s", kind(o));
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
        if (!(v = need(j, o, l, 1, "totals", total_names[i], &st, &at)) ||
            (st = counter(j, v, at, counters[i])) != EXTLS_OK)
            return st;
    }
    /* Optional: written by --state runs when not zero. */
    r->late_rows = 0;
    if ((v = json_object_get(o, "late_rows")) &&
        (st = counter(j, v, child(l, index_of(o, "late_rows")), &r->late_rows)) != EXTLS_OK)
        return st;
    int first_null, last_null;
    if (!(v = need(j, o, l, 1, "totals", "first", &st, &at)) ||
        (st = time_value(j, v, at, 1, &r->first_ms, &first_null)) != EXTLS_OK ||
        !(v = need(j, o, l, 1, "totals", "last", &st, &at)) ||
        (st = time_value(j, v, at, 1, &r->last_ms, &last_null)) != EXTLS_OK)
        return st;
    if (first_null)
        r->first_ms = INT64_MAX;
    if (last_null)
        r->last_ms = INT64_MIN;
    int none = r->sessions == 0;
    if (first_null != none || last_null != none)
        return fail(j, l, 0, EXTLS_EPARSE,
                    "totals: first and last must be null exactly when sessions is 0");
    if (!none && r->first_ms > r->last_ms)
        return fail(j, l, 0, EXTLS_EPARSE, "totals: first is after last");
    return EXTLS_OK;
}

/* The key members of group `o` at `l` into g->key and order[0..*n) (document order). */
static enum extls_status
read_keys(struct jsonin *j, json_t *o, struct loc l, struct agg_group *g, enum agg_key *order,
          size_t *n)
{
    size_t i = 0;
    unsigned seen = 0;
    const char *name;
    json_t *v;
    *n = 0;
    json_object_foreach(o, name, v)
    {
        int k = agg_key_parse(name, strlen(name));
        if (k >= 0 && (seen & (1u << k)))
            return fail(j, child(l, i), 0, EXTLS_EPARSE, "key '%s' given twice", name);
        if (k >= 0 && !json_is_string(v))
            return fail(j, child(l, i), 0, EXTLS_EPARSE,
                        "expected a string (the value of a key), found %s", kind(v));
        if (k >= 0 && json_string_length(v) > EXTLS_FIELD_MAX)
            return fail(j, child(l, i), 0, EXTLS_ETOOBIG, "string longer than %u bytes",
                        (unsigned)EXTLS_FIELD_MAX);
        if (k >= 0) {
            seen |= 1u << k;
            g->key[k].ptr = json_string_value(v);
            g->key[k].len = json_string_length(v);
            order[(*n)++] = (enum agg_key)k;
        }
        i++;
    }
    return EXTLS_OK;
}

/* Group `o` at `l` checked into *g, its keys in order[0..*n_keys). */
static enum extls_status
read_group(struct jsonin *j, json_t *o, struct loc l, struct agg_group *g, enum agg_key *order,
           size_t *n_keys)
{
    memset(g, 0, sizeof(*g));
    for (int k = 0; k < AGG_N_KEYS; k++)
        g->key[k].ptr = "";
    g->host.ptr = "";
    g->host_ms = INT64_MIN;
    if (!json_is_object(o))
        return fail(j, l, 0, EXTLS_EPARSE, "expected '{' (a group), found %s", kind(o));
    enum extls_status st = read_keys(j, o, l, g, order, n_keys);
    struct loc at, tls_at;
    json_t *v, *tls;
    int is_null;
    if (st != EXTLS_OK || !(v = need(j, o, l, 0, "the group", "sessions", &st, &at)) ||
        (st = counter(j, v, at, &g->sessions)) != EXTLS_OK ||
        !(tls = need(j, o, l, 0, "the group", "tls", &st, &tls_at)))
        return st;
    if (!json_is_object(tls))
        return fail(j, tls_at, 0, EXTLS_EPARSE, "expected '{' (tls), found %s", kind(tls));
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        if (!(v = need(j, tls, tls_at, 0, "tls", extls_class_name((enum extls_class)c), &st,
                       &at)) ||
            (st = counter(j, v, at, &g->count[c])) != EXTLS_OK)
            return st;
    }
    if (!(v = need(j, o, l, 0, "the group", "first", &st, &at)) ||
        (st = time_value(j, v, at, 0, &g->first_ms, &is_null)) != EXTLS_OK ||
        !(v = need(j, o, l, 0, "the group", "last", &st, &at)) ||
        (st = time_value(j, v, at, 0, &g->last_ms, &is_null)) != EXTLS_OK)
        return st;
    uint64_t sum = 0;
    int overflow = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        overflow |= sum > UINT64_MAX - g->count[c];
        sum += g->count[c];
    }
    if (g->sessions == 0)
        return fail(j, l, 0, EXTLS_EPARSE, "a group without sessions");
    if (overflow || sum != g->sessions)
        return fail(j, l, 0, EXTLS_EPARSE,
                    "the tls counters do not sum to the group's %llu sessions",
                    (unsigned long long)g->sessions);
    if (g->first_ms > g->last_ms)
        return fail(j, l, 0, EXTLS_EPARSE, "the group's first is after its last");
    return EXTLS_OK;
}

const char *
jsonin_key_list(const enum agg_key *keys, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? "," : "", agg_key_name(keys[i]));
    return n ? buf : "(no key)";
}

/*
 * Every group of the array `groups` at `l` checked (hand == 0), or handed
 * to the callback (hand == 1, after a check that passed).
 */
static enum extls_status
walk_groups(struct jsonin *j, json_t *groups, struct loc l, int hand, uint64_t *sessions)
{
    enum agg_key first[AGG_N_KEYS] = {0}, order[AGG_N_KEYS];
    size_t n_first = 0, n = 0;
    struct agg_group g;
    size_t i;
    json_t *o;
    *sessions = 0;
    json_array_foreach(groups, i, o)
    {
        enum extls_status st = read_group(j, o, child(l, i), &g, order, &n);
        if (st != EXTLS_OK)
            return st;
        if (i == 0) {
            memcpy(first, order, n * sizeof(order[0]));
            n_first = n;
        } else if (n != n_first || memcmp(order, first, n * sizeof(order[0])) != 0) {
            char a[128], b[128];
            return fail(j, child(l, i), 0, EXTLS_EPARSE,
                        "group keyed by '%s', the first group by '%s'",
                        jsonin_key_list(order, n, a, 128), jsonin_key_list(first, n_first, b, 128));
        }
        if (*sessions > UINT64_MAX - g.sessions)
            return fail(j, child(l, i), 0, EXTLS_ETOOBIG, "sessions over all groups pass 2^64-1");
        *sessions += g.sessions;
        if (!hand)
            continue;
        char why[JSONIN_ERR_MAX / 2] = "";
        st = j->cb.group(&g, order, n, why, sizeof(why), j->cb.user);
        if (st != EXTLS_OK)
            return fail(j, child(l, i), 0, st, "%s", why[0] ? why : extls_strerror(st));
    }
    return EXTLS_OK;
}

/* The report `root`: checked whole, then its groups handed out. */
static enum extls_status
read_root(struct jsonin *j, json_t *root)
{
    struct loc l = {{0}, 0}, at, totals_at, groups_at;
    enum extls_status st = EXTLS_OK;
    json_t *schema, *totals, *groups;
    char s[SHOWN_MAX + 4];
    uint64_t sessions;
    if (!json_is_object(root))
        return fail(j, l, 0, EXTLS_EPARSE, "expected '{' (an extls JSON report), found %s",
                    kind(root));
    if (!(schema = need(j, root, l, 1, "the report", "schema", &st, &at)))
        return st;
    if (!json_is_string(schema))
        return fail(j, at, 0, EXTLS_EPARSE, "expected the string \"extls/1\", found %s",
                    kind(schema));
    if (strcmp(json_string_value(schema), "extls/1") != 0 || json_string_length(schema) != 7)
        return fail(j, at, 0, EXTLS_EPARSE, "schema '%s' is not extls/1",
                    shown(json_string_value(schema), json_string_length(schema), s));
    if (!(totals = need(j, root, l, 1, "the report", "totals", &st, &totals_at)) ||
        (st = read_totals(j, totals, totals_at)) != EXTLS_OK ||
        !(groups = need(j, root, l, 1, "the report", "groups", &st, &groups_at)))
        return st;
    if (!json_is_array(groups))
        return fail(j, groups_at, 0, EXTLS_EPARSE, "expected '[' (the groups), found %s",
                    kind(groups));
    if ((st = walk_groups(j, groups, groups_at, 0, &sessions)) != EXTLS_OK)
        return st;
    if (j->totals.sessions != sessions)
        return fail(j, totals_at, 0, EXTLS_EPARSE, "totals.sessions is %llu, the groups count %llu",
                    (unsigned long long)j->totals.sessions, (unsigned long long)sessions);
    return walk_groups(j, groups, groups_at, 1, &sessions);
}

/*
 * Jansson's allocations while a report is parsed, counted against a
 * budget, so that the tree of a text made of small values (70 times the
 * text for "{}" after "{}") cannot exhaust memory. Every block is charged
 * with 16 bytes of malloc's overhead and never credited back (jansson's
 * free() gets no size): the charge bounds the live bytes from above.
 * Jansson's allocator is process-wide, hence the thread-local count.
 */
static _Thread_local size_t tree_charged, tree_budget; /* budget 0: none */
static _Thread_local int tree_refused;                 /* the budget refused a block */

static void *
tree_malloc(size_t n)
{
    if (tree_budget && (n > tree_budget - 16 || tree_charged > tree_budget - 16 - n)) {
        tree_refused = 1;
        return NULL;
    }
    tree_charged += n + 16;
    return malloc(n);
}

/* Jansson's reader: the next piece of the text, at most `chunk` bytes. */
static size_t
feed(void *buffer, size_t buflen, void *data)
{
    struct jsonin *j = data;
    size_t n = j->len - j->fed;
    if (j->chunk && n > j->chunk)
        n = j->chunk;
    if (n > buflen)
        n = buflen;
    memcpy(buffer, j->text + j->fed, n);
    j->fed += n;
    return n;
}

/*
 * The offset a jansson error is about: the start of the token it quotes
 * ("... near 'TOKEN'", the token's raw bytes, which jansson leaves out
 * when longer than 20), the end of the input ("near end of file"), else
 * the last byte it read.
 */
static size_t
error_offset(const json_error_t *e)
{
    size_t pos = e->position > 0 ? (size_t)e->position : 0;
    size_t len = strlen(e->text);
    const char *near = strstr(e->text, " near '");
    if (near && len > 0 && e->text[len - 1] == '\'') {
        size_t token = (size_t)(e->text + len - 1 - (near + 7));
        if (token <= pos)
            return pos - token;
    }
    if (strstr(e->text, " near end of file"))
        return pos;
    return pos > 0 ? pos - 1 : 0;
}

/* The totals of an empty report (also after a failed read). */
static void
empty_totals(struct jsonin *j)
{
    report_totals_init(&j->totals);
}

/* Parse and check text[0..len); the callback gets the groups of a good report. */
static enum extls_status
read_text(struct jsonin *j, const char *text, size_t len, size_t chunk, const char *name)
{
    j->name = name;
    j->err[0] = '\0';
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* RFC 8259 lets a reader ignore it */
        text += 3, len -= 3;
    j->text = text;
    j->len = len;
    j->chunk = chunk;
    j->fed = 0;
    enum extls_status st;
    if (len > JSONIN_SIZE_MAX) {
        st = EXTLS_ETOOBIG;
        snprintf(j->err, sizeof(j->err), "%s: larger than %u MiB, the most a report may be", name,
                 JSONIN_SIZE_MAX >> 20);
    } else if (jsonpos_find(text, len, NULL, 0, 0) == len) {
        st = fail_at(j, len, EXTLS_EPARSE, "empty input: expected an extls JSON report");
    } else {
        json_error_t e;
        tree_budget = JSONIN_TREE_FACTOR * len + (1u << 20);
        tree_charged = 0;
        tree_refused = 0;
        json_t *root = json_load_callback(feed, j, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
        tree_budget = 0;
        if (!root && tree_refused) {
            st = EXTLS_ETOOBIG;
            snprintf(j->err, sizeof(j->err),
                     "%s: too many small values: parsed, the report would take more than %u "
                     "times its size",
                     name, JSONIN_TREE_FACTOR);
        } else if (root) {
            st = read_root(j, root);
            json_decref(root);
        } else {
            enum json_error_code code = json_error_code(&e);
            st = code == json_error_out_of_memory    ? EXTLS_ENOMEM
                 : code == json_error_stack_overflow ? EXTLS_ETOOBIG
                                                     : EXTLS_EPARSE;
            size_t off = error_offset(&e);
            for (char *c = e.text; *c; c++) /* jansson quotes raw input */
                *c = *c >= 0x20 && *c < 0x7F ? *c : '?';
            fail_at(j, off, st, "%s", e.text);
        }
    }
    if (st != EXTLS_OK)
        empty_totals(j);
    j->text = NULL;
    return st;
}

/* ---- interface ---- */

struct jsonin *
jsonin_new(const struct jsonin_callbacks *cb)
{
    struct jsonin *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    j->cb = *cb;
    empty_totals(j);
    json_set_alloc_funcs(tree_malloc, free);
    return j;
}

void
jsonin_free(struct jsonin *j)
{
    free(j);
}

enum extls_status
jsonin_read_fd(struct jsonin *j, int fd, const char *name)
{
    struct buf b;
    buf_init(&b, JSONIN_SIZE_MAX + 1u); /* one byte more than a report may be: "too large" */
    enum extls_status st = EXTLS_OK;
    while (b.len <= JSONIN_SIZE_MAX) {
        size_t want =
            JSONIN_SIZE_MAX + 1u - b.len < JSONIN_READ ? JSONIN_SIZE_MAX + 1u - b.len : JSONIN_READ;
        if ((st = buf_grow(&b, want)) != EXTLS_OK)
            break;
        ssize_t n = read(fd, b.ptr + b.len, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            st = EXTLS_EIO;
            snprintf(j->err, sizeof(j->err), "%s: cannot read: %s", name, strerror(e));
        }
        if (n <= 0)
            break;
        buf_setlen(&b, b.len + (size_t)n);
    }
    if (st == EXTLS_ENOMEM)
        snprintf(j->err, sizeof(j->err), "%s", extls_strerror(st));
    if (st == EXTLS_OK)
        st = read_text(j, b.ptr, b.len, 0, name);
    else
        empty_totals(j);
    buf_release(&b);
    return st;
}

enum extls_status
jsonin_read_mem(struct jsonin *j, const void *data, size_t len, size_t chunk, const char *name)
{
    return read_text(j, len ? data : "", len, chunk, name);
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
