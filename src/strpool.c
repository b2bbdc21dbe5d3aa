/* SPDX-License-Identifier: MIT */
/*
 * strpool.c: an open-addressing hash set of heap-allocated strings.
 */
#include "strpool.h"

#include <stdlib.h>
#include <string.h>

struct entry {
    struct span s; /* must stay first: callers get &entry->s */
    uint64_t hash;
};

struct strpool {
    struct entry **slot;
    size_t cap; /* power of two */
    size_t n;
};

uint64_t
hash_bytes(uint64_t h, const void *s, size_t len)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

struct strpool *
strpool_new(void)
{
    struct strpool *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->cap = 64;
    p->slot = calloc(p->cap, sizeof(*p->slot));
    if (!p->slot) {
        free(p);
        return NULL;
    }
    return p;
}

void
strpool_free(struct strpool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->cap; i++)
        free(p->slot[i]);
    free(p->slot);
    free(p);
}

/* Double the table; on failure the pool is unchanged. */
static int
grow(struct strpool *p)
{
    size_t cap = p->cap * 2;
    struct entry **slot = calloc(cap, sizeof(*slot));
    if (!slot)
        return -1;
    for (size_t i = 0; i < p->cap; i++) {
        struct entry *e = p->slot[i];
        if (!e)
            continue;
        size_t j = e->hash & (cap - 1);
        while (slot[j])
            j = (j + 1) & (cap - 1);
        slot[j] = e;
    }
    free(p->slot);
    p->slot = slot;
    p->cap = cap;
    return 0;
}

const struct span *
strpool_intern(struct strpool *p, const char *s, size_t len)
{
    uint64_t h = hash_bytes(HASH_SEED, s, len);
    size_t i = h & (p->cap - 1);
    for (struct entry *e; (e = p->slot[i]) != NULL; i = (i + 1) & (p->cap - 1)) {
        if (e->hash == h && e->s.len == len && memcmp(e->s.ptr, s, len) == 0)
            return &e->s;
    }
    if ((p->n + 1) * 2 > p->cap) {
        if (grow(p) != 0)
            return NULL;
        return strpool_intern(p, s, len);
    }
    struct entry *e = malloc(sizeof(*e) + len + 1);
    if (!e)
        return NULL;
    char *copy = (char *)(e + 1);
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    e->s.ptr = copy;
    e->s.len = len;
    e->hash = h;
    p->slot[i] = e;
    p->n++;
    return &e->s;
}
