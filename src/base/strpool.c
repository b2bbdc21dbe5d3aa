/* SPDX-License-Identifier: MIT */
/*
 * strpool.c: a set of heap-allocated strings over the dict table (key: the
 * string's span, owned by the table).
 */
#include "strpool.h"

#include <stdlib.h>
#include <string.h>

#include "hash64.h"

struct strpool {
    struct dict set; /* records: struct span *, at the head of one allocation with the bytes */
};

/* hash64(): eight bytes at a time (the pool is looked up for every TLS row). */
static uint64_t
span_hash(const void *key, void *user)
{
    const struct span *s = key;
    (void)user;
    return hash64(s->ptr, s->len);
}

static int
span_eq(const void *stored, const void *key, void *user)
{
    const struct span *a = stored, *b = key;
    (void)user;
    return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

static void
span_free(void *key, void *user)
{
    (void)user;
    free(key);
}

static const struct dict_type span_set = {span_hash, span_eq, span_free};

struct strpool *
strpool_new(void)
{
    struct strpool *p = malloc(sizeof(*p));
    if (p)
        dict_init(&p->set, &span_set, NULL);
    return p;
}

void
strpool_free(struct strpool *p)
{
    if (!p)
        return;
    dict_release(&p->set);
    free(p);
}

const struct span *
strpool_intern(struct strpool *p, const char *s, size_t len)
{
    uint64_t h = hash64(s, len);
    /* The strings under this hash, compared here: no indirect call on the hot path. */
    struct dict_iter it;
    const struct span *found;
    dict_iter_hash(&it, &p->set, h);
    while ((found = dict_iter_next(&it)) != NULL) {
        if (found->len == len && memcmp(found->ptr, s, len) == 0)
            return found;
    }
    struct span *copy = malloc(sizeof(*copy) + len + 1);
    if (!copy)
        return NULL;
    char *bytes = (char *)(copy + 1);
    if (len)
        memcpy(bytes, s, len);
    bytes[len] = '\0';
    copy->ptr = bytes;
    copy->len = len;
    if (dict_insert_hashed(&p->set, h, copy) != EXTLS_OK) {
        free(copy);
        return NULL;
    }
    return copy;
}
