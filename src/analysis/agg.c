/* SPDX-License-Identifier: MIT */
/*
 * agg.c: the groups in a dict table (key: the group's key values, value:
 * the group). Each group is one allocation holding the struct and its key
 * bytes.
 */
#include "agg.h"

#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "hash64.h"

static const char *const key_names[AGG_N_KEYS] = {
    "direction", "connector", "remote", "day", "ehlo", "cipher", "server", "hour",
};

struct item {
    struct agg_group g;
    char *host_buf; /* owned copy behind g.host */
};

struct agg {
    unsigned keys; /* AGG_BIT mask of order[] */
    enum agg_key order[AGG_N_KEYS];
    size_t n_order;
    struct dict groups; /* records: struct item *, owned; look-up key: struct span[AGG_N_KEYS] */
    const struct agg_group **sorted; /* cache for agg_sorted() */
};

static uint64_t group_hash(const void *key, void *user);
static int group_eq(const void *stored, const void *key, void *user);

static void
item_free(void *rec, void *user)
{
    struct item *it = rec;
    (void)user;
    free(it->host_buf);
    free(it);
}

static const struct dict_type group_table = {group_hash, group_eq, item_free};

const char *
agg_key_name(enum agg_key k)
{
    return (unsigned)k < AGG_N_KEYS ? key_names[k] : "?";
}

int
agg_key_parse(const char *name, size_t len)
{
    return extls_name_index(key_names, AGG_N_KEYS, name, len);
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
    dict_init(&a->groups, &group_table, a);
    return a;
}

void
agg_free(struct agg *a)
{
    if (!a)
        return;
    dict_release(&a->groups);
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
    return dict_size(&a->groups);
}

/*
 * Hash of the selected key values (key: struct span[AGG_N_KEYS]): each
 * value's hash64() (eight bytes at a time; its length is in it, so
 * ("ab","") != ("a","b")), folded in key order. Only placement in the table
 * depends on it: every listing of the groups is sorted by their keys.
 */
static uint64_t
key_hash(unsigned keys, const struct span *key)
{
    uint64_t h = DICT_HASH_SEED;
    for (int k = 0; k < AGG_N_KEYS; k++) {
        if (!(keys & AGG_BIT(k)))
            continue;
        h = (h ^ hash64(key[k].ptr, key[k].len)) * 0x9E3779B97F4A7C15ull;
    }
    return h;
}

static uint64_t
group_hash(const void *key, void *user)
{
    return key_hash(((const struct agg *)user)->keys, key);
}

/* Group `rec` has the selected key values of `key` (struct span[AGG_N_KEYS]). */
static int
group_eq(const void *rec, const void *key, void *user)
{
    const struct span *x = ((const struct item *)rec)->g.key, *y = key;
    unsigned keys = ((const struct agg *)user)->keys;
    for (int k = 0; k < AGG_N_KEYS; k++) {
        if (!(keys & AGG_BIT(k)))
            continue;
        if (x[k].len != y[k].len || memcmp(x[k].ptr, y[k].ptr, x[k].len) != 0)
            return 0;
    }
    return 1;
}

static struct item *
item_new(unsigned keys, const struct span *key)
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
    return it;
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
    /* The groups under this hash, compared here: no indirect call per session. */
    struct dict_iter walk;
    struct item *it;
    dict_iter_hash(&walk, &a->groups, h);
    while ((it = dict_iter_next(&walk)) != NULL) {
        if (group_eq(it, key, a))
            return it;
    }
    it = item_new(a->keys, key);
    if (!it)
        return NULL;
    if (dict_insert_hashed(&a->groups, h, it) != EXTLS_OK) {
        item_free(it, NULL);
        return NULL;
    }
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
    struct dict_iter it;
    const struct item *s;
    dict_iter_init(&it, &src->groups);
    while ((s = dict_iter_next(&it)) != NULL) {
        enum extls_status st = agg_add_group(dst, s->g.key, &s->g);
        if (st != EXTLS_OK)
            return st;
    }
    return EXTLS_OK;
}

/* Compare two groups by their keys in the table's order. */
static int
cmp_group(const struct agg *a, const struct agg_group *x, const struct agg_group *y)
{
    for (size_t i = 0; i < a->n_order; i++) {
        int c = extls_span_cmp(x->key[a->order[i]], y->key[a->order[i]]);
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
    size_t n = dict_size(&a->groups);
    if (n == 0)
        return NULL;
    if (a->sorted)
        return a->sorted;
    const struct agg_group **tmp = malloc(n * sizeof(*tmp));
    a->sorted = malloc(n * sizeof(*a->sorted));
    if (!a->sorted || !tmp) {
        free(tmp);
        free(a->sorted);
        a->sorted = NULL;
        return NULL;
    }
    struct dict_iter it;
    const struct item *g;
    size_t k = 0;
    dict_iter_init(&it, &a->groups);
    while ((g = dict_iter_next(&it)) != NULL)
        a->sorted[k++] = &g->g;
    sort_groups(a, a->sorted, tmp, n);
    free(tmp);
    return a->sorted;
}

void
agg_class_totals(const struct agg *a, uint64_t count[EXTLS_N_CLASSES])
{
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        count[c] = 0;
    struct dict_iter it;
    const struct item *g;
    dict_iter_init(&it, &a->groups);
    while ((g = dict_iter_next(&it)) != NULL) {
        for (int c = 0; c < EXTLS_N_CLASSES; c++)
            count[c] += g->g.count[c];
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
        int c = extls_span_cmp(x->key[k], y->key[k]);
        if (c)
            return c;
    }
    return 0;
}
