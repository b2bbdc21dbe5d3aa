/* SPDX-License-Identifier: MIT */
/*
 * agg.c: an open-addressing hash table of groups. Each group is one
 * allocation holding the struct and its key bytes.
 */
#include "agg.h"

#include <stdlib.h>
#include <string.h>

#include "strpool.h"

static const char *const key_names[AGG_N_KEYS] = {
    "direction", "connector", "remote", "day", "ehlo", "cipher", "server", "hour",
};

struct item {
    struct agg_group g;
    uint64_t hash;
    char *host_buf; /* owned copy behind g.host */
};

struct agg {
    unsigned keys; /* AGG_BIT mask of order[] */
    enum agg_key order[AGG_N_KEYS];
    size_t n_order;
    struct item **slot;
    size_t cap, n;
    const struct agg_group **sorted; /* cache for agg_sorted() */
};

const char *
agg_key_name(enum agg_key k)
{
    return (unsigned)k < AGG_N_KEYS ? key_names[k] : "?";
}

int
agg_key_parse(const char *name, size_t len)
{
    for (int k = 0; k < AGG_N_KEYS; k++) {
        if (strlen(key_names[k]) == len && memcmp(key_names[k], name, len) == 0)
            return k;
    }
    return -1;
}

struct agg *
agg_new(const enum agg_key *order, size_t n)
{
    struct agg *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    for (size_t i = 0; i < n && i < AGG_N_KEYS; i++) {
        a->order[i] = order[i];
        a->keys |= AGG_BIT(order[i]);
    }
    a->n_order = n < AGG_N_KEYS ? n : AGG_N_KEYS;
    a->cap = 64;
    a->slot = calloc(a->cap, sizeof(*a->slot));
    if (!a->slot) {
        free(a);
        return NULL;
    }
    return a;
}

void
agg_free(struct agg *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->cap; i++) {
        if (a->slot[i]) {
            free(a->slot[i]->host_buf);
            free(a->slot[i]);
        }
    }
    free(a->slot);
    free(a->sorted);
    free(a);
}

unsigned
agg_keys_mask(const struct agg *a)
{
    return a->keys;
}

const enum agg_key *
agg_keys(const struct agg *a, size_t *n)
{
    *n = a->n_order;
    return a->order;
}

size_t
agg_size(const struct agg *a)
{
    return a->n;
}

static uint64_t
key_hash(unsigned keys, const struct span *key)
{
    uint64_t h = HASH_SEED;
    for (int k = 0; k < AGG_N_KEYS; k++) {
        if (!(keys & AGG_BIT(k)))
            continue;
        h = hash_bytes(h, key[k].ptr, key[k].len);
        h = hash_bytes(h, "\xff", 1); /* separator: ("ab","") != ("a","b") */
    }
    return h;
}

static int
key_eq(unsigned keys, const struct agg_group *g, const struct span *key)
{
    for (int k = 0; k < AGG_N_KEYS; k++) {
        if (!(keys & AGG_BIT(k)))
            continue;
        if (g->key[k].len != key[k].len || memcmp(g->key[k].ptr, key[k].ptr, key[k].len) != 0)
            return 0;
    }
    return 1;
}

static struct item *
item_new(unsigned keys, const struct span *key, uint64_t h)
{
    size_t total = 0;
    for (int k = 0; k < AGG_N_KEYS; k++) {
        if (keys & AGG_BIT(k))
            total += key[k].len + 1;
    }
    struct item *it = calloc(1, sizeof(*it) + total);
    if (!it)
        return NULL;
    char *p = (char *)(it + 1);
    for (int k = 0; k < AGG_N_KEYS; k++) {
        it->g.key[k].ptr = "";
        if (!(keys & AGG_BIT(k)))
            continue;
        if (key[k].len)
            memcpy(p, key[k].ptr, key[k].len);
        p[key[k].len] = '\0';
        it->g.key[k].ptr = p;
        it->g.key[k].len = key[k].len;
        p += key[k].len + 1;
    }
    it->g.first_ms = INT64_MAX;
    it->g.last_ms = INT64_MIN;
    it->g.host.ptr = "";
    it->g.host_ms = INT64_MIN;
    it->hash = h;
    return it;
}

static int
grow(struct agg *a)
{
    size_t cap = a->cap * 2;
    struct item **slot = calloc(cap, sizeof(*slot));
    if (!slot)
        return -1;
    for (size_t i = 0; i < a->cap; i++) {
        struct item *it = a->slot[i];
        if (!it)
            continue;
        size_t j = it->hash & (cap - 1);
        while (slot[j])
            j = (j + 1) & (cap - 1);
        slot[j] = it;
    }
    free(a->slot);
    a->slot = slot;
    a->cap = cap;
    return 0;
}

/* Keep the host name of the latest session (ties: the smaller name). */
static int
update_host(struct item *it, int64_t start_ms, struct span host)
{
    struct agg_group *g = &it->g;
    if (!host.len)
        return 0;
    if (start_ms < g->host_ms)
        return 0;
    if (start_ms == g->host_ms) {
        size_t n = host.len < g->host.len ? host.len : g->host.len;
        int c = memcmp(host.ptr, g->host.ptr, n);
        if (c > 0 || (c == 0 && host.len >= g->host.len))
            return 0;
    }
    char *copy = malloc(host.len + 1);
    if (!copy)
        return -1;
    memcpy(copy, host.ptr, host.len);
    copy[host.len] = '\0';
    free(it->host_buf);
    it->host_buf = copy;
    g->host.ptr = copy;
    g->host.len = host.len;
    g->host_ms = start_ms;
    return 0;
}

static struct item *find_or_add(struct agg *a, const struct span *key);

enum extls_status
agg_add(struct agg *a, const struct span key[AGG_N_KEYS], enum extls_class cls, int64_t start_ms,
        struct span host)
{
    struct item *it = find_or_add(a, key);
    if (!it)
        return EXTLS_ENOMEM;
    if (update_host(it, start_ms, host) != 0)
        return EXTLS_ENOMEM;
    it->g.sessions++;
    it->g.count[cls]++;
    if (start_ms < it->g.first_ms)
        it->g.first_ms = start_ms;
    if (start_ms > it->g.last_ms)
        it->g.last_ms = start_ms;
    return EXTLS_OK;
}

/* The group for `key`, created empty if new; NULL when out of memory. */
static struct item *
find_or_add(struct agg *a, const struct span *key)
{
    uint64_t h = key_hash(a->keys, key);
    size_t mask = a->cap - 1, i = h & mask;
    struct item *it;
    while ((it = a->slot[i]) != NULL) {
        if (it->hash == h && key_eq(a->keys, &it->g, key))
            return it;
        i = (i + 1) & mask;
    }
    if ((a->n + 1) * 2 > a->cap) {
        if (grow(a) != 0)
            return NULL;
        return find_or_add(a, key);
    }
    it = item_new(a->keys, key, h);
    if (!it)
        return NULL;
    a->slot[i] = it;
    a->n++;
    free(a->sorted);
    a->sorted = NULL;
    return it;
}

enum extls_status
agg_add_group(struct agg *a, const struct span key[AGG_N_KEYS], const struct agg_group *g)
{
    struct item *d = find_or_add(a, key);
    if (!d)
        return EXTLS_ENOMEM;
    if (d->g.sessions > UINT64_MAX - g->sessions)
        return EXTLS_ETOOBIG; /* the class counts sum to sessions: they fit too */
    if (update_host(d, g->host_ms, g->host) != 0)
        return EXTLS_ENOMEM;
    d->g.sessions += g->sessions;
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        d->g.count[c] += g->count[c];
    if (g->first_ms < d->g.first_ms)
        d->g.first_ms = g->first_ms;
    if (g->last_ms > d->g.last_ms)
        d->g.last_ms = g->last_ms;
    return EXTLS_OK;
}

enum extls_status
agg_merge(struct agg *dst, const struct agg *src)
{
    for (size_t i = 0; i < src->cap; i++) {
        const struct item *s = src->slot[i];
        if (!s)
            continue;
        enum extls_status st = agg_add_group(dst, s->g.key, &s->g);
        if (st != EXTLS_OK)
            return st;
    }
    return EXTLS_OK;
}

static int
cmp_field(struct span x, struct span y)
{
    size_t n = x.len < y.len ? x.len : y.len;
    int c = n ? memcmp(x.ptr, y.ptr, n) : 0;
    if (c)
        return c;
    return (x.len > y.len) - (x.len < y.len);
}

/* Compare two groups by their keys in the table's order. */
static int
cmp_group(const struct agg *a, const struct agg_group *x, const struct agg_group *y)
{
    for (size_t i = 0; i < a->n_order; i++) {
        int c = cmp_field(x->key[a->order[i]], y->key[a->order[i]]);
        if (c)
            return c;
    }
    return 0;
}

/* Merge sort of v[0..n) using tmp (C11 has no qsort with a context pointer). */
static void
sort_groups(const struct agg *a, const struct agg_group **v, const struct agg_group **tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_groups(a, v, tmp, h);
    sort_groups(a, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_group(a, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

const struct agg_group *const *
agg_sorted(struct agg *a)
{
    if (a->n == 0)
        return NULL;
    if (a->sorted)
        return a->sorted;
    const struct agg_group **tmp = malloc(a->n * sizeof(*tmp));
    a->sorted = malloc(a->n * sizeof(*a->sorted));
    if (!a->sorted || !tmp) {
        free(tmp);
        free(a->sorted);
        a->sorted = NULL;
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < a->cap; i++) {
        if (a->slot[i])
            a->sorted[n++] = &a->slot[i]->g;
    }
    sort_groups(a, a->sorted, tmp, n);
    free(tmp);
    return a->sorted;
}

void
agg_class_totals(const struct agg *a, uint64_t count[EXTLS_N_CLASSES])
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        count[c] = 0;
    for (size_t i = 0; i < a->cap; i++) {
        if (!a->slot[i])
            continue;
        for (int c = 0; c < EXTLS_N_CLASSES; c++)
            count[c] += a->slot[i]->g.count[c];
    }
}

int
agg_cmp_legacy_first(const void *a, const void *b)
{
    const struct agg_group *x = *(const struct agg_group *const *)a;
    const struct agg_group *y = *(const struct agg_group *const *)b;
    uint64_t lx = extls_legacy_count(x->count), ly = extls_legacy_count(y->count);
    if (lx != ly)
        return lx > ly ? -1 : 1;
    if (x->sessions != y->sessions)
        return x->sessions > y->sessions ? -1 : 1;
    for (int k = AGG_DIRECTION; k <= AGG_REMOTE; k++) {
        int c = cmp_field(x->key[k], y->key[k]);
        if (c)
            return c;
    }
    return 0;
}
