/* SPDX-License-Identifier: MIT */
/*
 * walk.c: directory traversal through the platform module, de-duplication
 * by file identity (device and inode, or volume and file index on
 * Windows), and natural sorting of the result.
 */
#include "walk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dict.h"
#include "idset.h"
#include "platform.h"

void
input_list_init(struct input_list *l)
{
    memset(l, 0, sizeof(*l));
}

void
input_list_release(struct input_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    free(l->args);
    input_list_init(l);
}

void
input_list_on_skip(struct input_list *l, walk_skip_fn *fn, void *user)
{
    l->on_skip = fn;
    l->skip_user = user;
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
prefix_ci(const char *s, const char *p)
{
    for (; *p; s++, p++) {
        if (lower((unsigned char)*s) != lower((unsigned char)*p))
            return 0;
    }
    return 1;
}

/* The file name of a path: after its last separator. */
static const char *
base_name(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++) {
        if (platform_is_sep(*p))
            base = p + 1;
    }
    return base;
}

enum extls_dir
walk_dir_hint(const char *path)
{
    const char *base = base_name(path);
    if (prefix_ci(base, "RECV"))
        return EXTLS_DIR_RECEIVE;
    if (prefix_ci(base, "SEND"))
        return EXTLS_DIR_SEND;
    /* The nearest folder named SmtpReceive or SmtpSend. */
    enum extls_dir dir = EXTLS_DIR_UNKNOWN;
    for (const char *p = path; p < base; p++) {
        if (p != path && !platform_is_sep(p[-1]))
            continue;
        if (prefix_ci(p, "SmtpReceive/") || prefix_ci(p, "SmtpReceive\\"))
            dir = EXTLS_DIR_RECEIVE;
        else if (prefix_ci(p, "SmtpSend/") || prefix_ci(p, "SmtpSend\\"))
            dir = EXTLS_DIR_SEND;
    }
    return dir;
}

int
walk_natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = memcmp(a, b, na);
            if (c)
                return c;
            a += na;
            b += nb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static int
add(struct input_list *l, const char *path, int from_dir, int64_t size, uint32_t arg)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct input *p = realloc(l->v, cap * sizeof(*p));
        if (!p)
            return -1;
        l->v = p;
        l->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -1;
    l->v[l->n].path = copy;
    l->v[l->n].hint = walk_dir_hint(path);
    l->v[l->n].from_dir = from_dir;
    l->v[l->n].size = size;
    l->v[l->n].arg = arg;
    l->n++;
    return 0;
}

/* The file name (not the whole path) is "<something>.log" or "<something>.log.gz", any case. */
static int
has_log_suffix(const char *path)
{
    const char *name = base_name(path);
    size_t n = strlen(name);
    if (n > 3 && strcasecmp(name + n - 3, ".gz") == 0)
        n -= 3;
    return n > 4 && strncasecmp(name + n - 4, ".log", 4) == 0;
}

struct walker {
    struct input_list *l;
    walk_error_fn *err;
    void *user;
    int errors;
    uint32_t arg;   /* the path argument being walked */
    char **skipped; /* with a skip callback: the paths skipped, told in order at the end */
    size_t n_skipped, cap_skipped;
    struct idset seen; /* the files and folders reached */
};

/* Record the identity of `st`; returns 1 if new, 0 if seen, -1 when out of memory. */
static int
first_visit(struct walker *w, const struct platform_stat *st)
{
    return idset_add(&w->seen, st->dev, st->ino);
}

/* Keep a skipped path for the callback; -1 when out of memory. */
static int
note_skipped(struct walker *w, const char *path)
{
    if (w->n_skipped == w->cap_skipped) {
        size_t cap = w->cap_skipped ? 2 * w->cap_skipped : 16;
        char **v = realloc(w->skipped, cap * sizeof(*v));
        if (!v)
            return -1;
        w->skipped = v;
        w->cap_skipped = cap;
    }
    w->skipped[w->n_skipped] = strdup(path);
    return w->skipped[w->n_skipped++] ? 0 : -1;
}

/* A path that cannot be read or walked. */
static void
walk_failed(struct walker *w, const char *path, int errnum)
{
    w->err(path, errnum, w->user);
    w->errors++;
    w->l->args[w->arg].errors++;
}

static int walk_one(struct walker *w, const char *path, int from_dir);

static int
walk_dir(struct walker *w, const char *path)
{
    struct platform_dir *d = platform_dir_open(path);
    if (!d) {
        walk_failed(w, path, errno);
        return 0;
    }
    size_t plen = strlen(path);
    int rc = 0;
    for (;;) {
        const char *name;
        int got = platform_dir_next(d, &name);
        if (got <= 0) {
            if (got < 0)
                walk_failed(w, path, errno);
            break;
        }
        size_t n = plen + 1 + strlen(name) + 1;
        char *child = malloc(n);
        if (!child) {
            rc = -1;
            break;
        }
        snprintf(child, n, "%s%s%s", path, plen && platform_is_sep(path[plen - 1]) ? "" : "/",
                 name);
        rc = walk_one(w, child, 1);
        free(child);
        if (rc < 0)
            break;
    }
    platform_dir_close(d);
    return rc;
}

static int
walk_one(struct walker *w, const char *path, int from_dir)
{
    struct platform_stat st;
    if (strcmp(path, "-") == 0 && !from_dir)
        return add(w->l, path, 0, -1, w->arg);
    if (platform_stat(path, &st) != 0) {
        walk_failed(w, path, errno);
        return 0;
    }
    if (st.kind == PLATFORM_DIR) {
        if (!from_dir)
            w->l->args[w->arg].is_dir = 1;
        int fresh = first_visit(w, &st);
        if (fresh == 0) /* reached through another argument: judged there */
            w->l->args[w->arg].again++;
        if (fresh <= 0)
            return fresh;
        return walk_dir(w, path);
    }
    if (from_dir && (st.kind != PLATFORM_FILE || !has_log_suffix(path))) {
        w->l->skipped++;
        w->l->args[w->arg].skipped++;
        return w->l->on_skip ? note_skipped(w, path) : 0;
    }
    int fresh = first_visit(w, &st);
    if (fresh == 0)
        w->l->args[w->arg].again++;
    if (fresh <= 0)
        return fresh;
    return add(w->l, path, from_dir, st.kind == PLATFORM_FILE ? st.size : -1, w->arg);
}

static int
cmp_input(const void *a, const void *b)
{
    const struct input *x = a, *y = b;
    int c = walk_natural_cmp(x->path, y->path);
    return c ? c : strcmp(x->path, y->path);
}

/*
 * An input's series (the dict key: its path) is its folder and its name
 * up to the first digit, ASCII case ignored: the byte at p as a series
 * compares it (folded in the name, which starts at base).
 */
static int
series_byte(const char *p, const char *base)
{
    return p >= base ? lower((unsigned char)*p) : (unsigned char)*p;
}

/* The end of path's series text (its first digit in the name, or its end); *base: its name. */
static const char *
series_end(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    const char *p = *base;
    while (*p && !(*p >= '0' && *p <= '9'))
        p++;
    return p;
}

static uint64_t
series_hash(const void *key, void *user)
{
    const char *path = key, *base, *end = series_end(path, &base);
    uint64_t h = DICT_HASH_SEED;
    (void)user;
    for (const char *p = path; p < end; p++) {
        unsigned char c = (unsigned char)series_byte(p, base);
        h = dict_hash_bytes(h, &c, 1);
    }
    return h;
}

static int
series_eq(const void *stored, const void *key, void *user)
{
    const char *x = stored, *y = key, *bx, *by;
    const char *ex = series_end(x, &bx), *ey = series_end(y, &by);
    (void)user;
    if (ex - x != ey - y || bx - x != by - y)
        return 0;
    for (; x < ex; x++, y++) {
        if (series_byte(x, bx) != series_byte(y, by))
            return 0;
    }
    return 1;
}

/*
 * Mark the last input of each series (sorted list), from the end with a
 * set of the series seen. Returns -1 when out of memory.
 */
static int
mark_newest(struct input_list *l)
{
    static const struct dict_type series_set = {series_hash, series_eq, NULL};
    struct dict seen;
    dict_init(&seen, &series_set, NULL);
    if (dict_reserve(&seen, l->n) != EXTLS_OK)
        return -1;
    for (size_t i = l->n; i-- > 0;) {
        char *path = l->v[i].path;
        /* EXTLS_EINVAL: a later input of its series is there (no growth: reserved). */
        int fresh = dict_add(&seen, path) == EXTLS_OK;
        l->v[i].newest = fresh && strcmp(path, "-") != 0;
    }
    dict_release(&seen);
    return 0;
}

static int
cmp_path(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int c = walk_natural_cmp(x, y);
    return c ? c : strcmp(x, y);
}

/* Tell the skip callback of the skipped paths, in natural order (not readdir's); frees them. */
static void
tell_skipped(struct walker *w)
{
    if (w->n_skipped > 1)
        qsort(w->skipped, w->n_skipped, sizeof(*w->skipped), cmp_path);
    for (size_t i = 0; i < w->n_skipped; i++) {
        w->l->on_skip(w->skipped[i], w->l->skip_user);
        free(w->skipped[i]);
    }
    free(w->skipped);
}

int
walk_paths(struct input_list *l, char *const *paths, size_t n, walk_error_fn *err, void *user)
{
    struct walker w = {.l = l, .err = err, .user = user};
    idset_init(&w.seen);
    free(l->args);
    l->args = calloc(n ? n : 1, sizeof(*l->args));
    l->n_args = l->args ? n : 0;
    if (!l->args || n > UINT32_MAX)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        w.arg = (uint32_t)i;
        rc = walk_one(&w, paths[i], 0) < 0 ? -1 : 0;
    }
    idset_release(&w.seen);
    tell_skipped(&w);
    if (rc < 0)
        return -1;
    if (l->n > 1) /* l->v is NULL while the list is empty: no qsort(NULL, 0) */
        qsort(l->v, l->n, sizeof(*l->v), cmp_input);
    if (mark_newest(l) != 0)
        return -1;
    return w.errors;
}
