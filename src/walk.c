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

#include "platform.h"

struct devino {
    uint64_t dev;
    uint64_t ino;
};

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
    free(l->seen);
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

enum extls_dir
walk_dir_hint(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++) {
        if (platform_is_sep(*p))
            base = p + 1;
    }
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

static size_t
devino_slot(uint64_t dev, uint64_t ino, size_t cap)
{
    uint64_t h = ((uint64_t)dev * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)ino * 0xC2B2AE3D27D4EB4Full);
    return (size_t)(h ^ (h >> 31)) & (cap - 1);
}

/* Record (dev, ino) in an open-addressing set (ino 0 marks a free slot, so
 * it is stored as ino + 1); returns 1 if new, 0 if seen, -1 when out of memory. */
static int
first_visit(struct input_list *l, const struct platform_stat *st)
{
    uint64_t key = st->ino + 1;
    if ((l->n_seen + 1) * 2 > l->cap_seen) {
        size_t cap = l->cap_seen ? l->cap_seen * 2 : 256;
        struct devino *p = calloc(cap, sizeof(*p));
        if (!p)
            return -1;
        for (size_t i = 0; i < l->cap_seen; i++) {
            if (!l->seen[i].ino)
                continue;
            size_t j = devino_slot(l->seen[i].dev, l->seen[i].ino, cap);
            while (p[j].ino)
                j = (j + 1) & (cap - 1);
            p[j] = l->seen[i];
        }
        free(l->seen);
        l->seen = p;
        l->cap_seen = cap;
    }
    size_t i = devino_slot(st->dev, key, l->cap_seen);
    for (; l->seen[i].ino; i = (i + 1) & (l->cap_seen - 1)) {
        if (l->seen[i].dev == st->dev && l->seen[i].ino == key)
            return 0;
    }
    l->seen[i].dev = st->dev;
    l->seen[i].ino = key;
    l->n_seen++;
    return 1;
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
    const char *name = path;
    for (const char *p = path; *p; p++) {
        if (platform_is_sep(*p))
            name = p + 1;
    }
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
};

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
        int fresh = first_visit(w->l, &st);
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
    int fresh = first_visit(w->l, &st);
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

/* Hash of an input's series: its folder, and its name up to the first digit (case folded). */
static uint64_t
series_hash(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = path; *p; p++) {
        if (p >= base && *p >= '0' && *p <= '9')
            break;
        h = (h ^ (unsigned char)(p >= base ? lower((unsigned char)*p) : *p)) * 0x100000001b3ull;
    }
    return h | 1; /* 0 marks a free slot */
}

/*
 * Mark the last input of each series (sorted list), from the end with a
 * set of the series seen; a hash collision can only leave an input
 * unmarked. Returns -1 when out of memory.
 */
static int
mark_newest(struct input_list *l)
{
    size_t cap = 16;
    while (cap < 2 * l->n)
        cap *= 2;
    uint64_t *seen = calloc(cap, sizeof(*seen));
    if (!seen)
        return -1;
    for (size_t i = l->n; i-- > 0;) {
        uint64_t h = series_hash(l->v[i].path);
        size_t k = (size_t)(h ^ (h >> 29)) & (cap - 1);
        while (seen[k] && seen[k] != h)
            k = (k + 1) & (cap - 1);
        l->v[i].newest = !seen[k] && strcmp(l->v[i].path, "-") != 0;
        seen[k] = h;
    }
    free(seen);
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
    struct walker w = {l, err, user, 0, 0, NULL, 0, 0};
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
    tell_skipped(&w);
    if (rc < 0)
        return -1;
    if (l->n > 1) /* l->v is NULL while the list is empty: no qsort(NULL, 0) */
        qsort(l->v, l->n, sizeof(*l->v), cmp_input);
    if (mark_newest(l) != 0)
        return -1;
    return w.errors;
}
