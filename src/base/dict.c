/* SPDX-License-Identifier: MIT */
/*
 * dict.c: the hash table of dict.h: linear probing over slots that keep
 * each key's hash, doubled at half full, deletion by shifting back the
 * rest of the probe run (no tombstones).
 */
#include "dict.h"

#include <stdlib.h>
#include <string.h>

/* First table size: small tables stay small. */
#define DICT_MIN_CAP 16u

void
dict_init(struct dict *d, const struct dict_type *type, void *user)
{
    memset(d, 0, sizeof(*d));
    d->type = type;
    d->user = user;
}

void
dict_release(struct dict *d)
{
    const struct dict_type *t = d->type;
    if (t && t->free) {
        for (size_t i = 0; i < d->cap; i++) {
            if (d->slot[i].rec)
                t->free(d->slot[i].rec, d->user);
        }
    }
    free(d->slot);
    dict_init(d, t, d->user);
}

size_t
dict_size(const struct dict *d)
{
    return d->n;
}

uint64_t
dict_hash(const struct dict *d, const void *key)
{
    return d->type->hash(key, d->user);
}

uint64_t
dict_hash_bytes(uint64_t h, const void *s, size_t len)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Home slot of a hash: its bits mixed again, so weak hashes spread too. */
static size_t
home(uint64_t h, size_t mask)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return (size_t)h & mask;
}

/* Move the table into `cap` slots (a power of two above n); unchanged on failure. */
static enum extls_status
rehash(struct dict *d, size_t cap)
{
    if (cap > SIZE_MAX / sizeof(struct dict_slot))
        return EXTLS_ETOOBIG;
    struct dict_slot *slot = calloc(cap, sizeof(*slot));
    if (!slot)
        return EXTLS_ENOMEM;
    for (size_t i = 0; i < d->cap; i++) {
        if (!d->slot[i].rec)
            continue;
        size_t j = home(d->slot[i].hash, cap - 1);
        while (slot[j].rec)
            j = (j + 1) & (cap - 1);
        slot[j] = d->slot[i];
    }
    free(d->slot);
    d->slot = slot;
    d->cap = cap;
    return EXTLS_OK;
}

enum extls_status
dict_reserve(struct dict *d, size_t n)
{
    if (n > SIZE_MAX / 4)
        return EXTLS_ETOOBIG;
    size_t cap = d->cap ? d->cap : DICT_MIN_CAP;
    while (cap < 2 * n)
        cap *= 2;
    return cap == d->cap ? EXTLS_OK : rehash(d, cap);
}

/* The slot of the entry equal to `key` under `hash`, or NULL. */
static struct dict_slot *
lookup(const struct dict *d, const void *key, uint64_t hash)
{
    if (!d->cap)
        return NULL;
    size_t mask = d->cap - 1;
    for (size_t i = home(hash, mask); d->slot[i].rec; i = (i + 1) & mask) {
        struct dict_slot *s = &d->slot[i];
        if (s->hash == hash && d->type->eq(s->rec, key, d->user))
            return s;
    }
    return NULL;
}

void *
dict_find_hashed(const struct dict *d, const void *key, uint64_t hash)
{
    struct dict_slot *s = lookup(d, key, hash);
    return s ? s->rec : NULL;
}

void *
dict_find(const struct dict *d, const void *key)
{
    return d->n ? dict_find_hashed(d, key, dict_hash(d, key)) : NULL;
}

enum extls_status
dict_insert_hashed(struct dict *d, uint64_t hash, void *rec)
{
    if (!rec)
        return EXTLS_EINVAL;
    if ((d->n + 1) * 2 > d->cap) {
        enum extls_status st = dict_reserve(d, d->n + 1);
        if (st != EXTLS_OK)
            return st;
    }
    size_t mask = d->cap - 1, i = home(hash, mask);
    while (d->slot[i].rec)
        i = (i + 1) & mask;
    d->slot[i].rec = rec;
    d->slot[i].hash = hash;
    d->n++;
    return EXTLS_OK;
}

enum extls_status
dict_add(struct dict *d, void *rec)
{
    if (!rec)
        return EXTLS_EINVAL;
    uint64_t h = dict_hash(d, rec);
    if (lookup(d, rec, h))
        return EXTLS_EINVAL;
    return dict_insert_hashed(d, h, rec);
}

int
dict_delete(struct dict *d, const void *key)
{
    if (!d->n)
        return 0;
    struct dict_slot *s = lookup(d, key, dict_hash(d, key));
    if (!s)
        return 0;
    if (d->type->free)
        d->type->free(s->rec, d->user);
    size_t mask = d->cap - 1, i = (size_t)(s - d->slot);
    d->slot[i].rec = NULL;
    d->n--;
    /* Shift back each later entry of the run whose home is not in (i, j]. */
    for (size_t j = (i + 1) & mask; d->slot[j].rec; j = (j + 1) & mask) {
        size_t h = home(d->slot[j].hash, mask);
        if (((j - h) & mask) >= ((j - i) & mask)) {
            d->slot[i] = d->slot[j];
            d->slot[j].rec = NULL;
            i = j;
        }
    }
    return 1;
}

void
dict_iter_init(struct dict_iter *it, const struct dict *d)
{
    it->d = d;
    it->hash = 0;
    it->at = 0;
    it->by_hash = 0;
}

void
dict_iter_hash(struct dict_iter *it, const struct dict *d, uint64_t hash)
{
    it->d = d;
    it->hash = hash;
    it->by_hash = 1;
    it->at = d->cap ? home(hash, d->cap - 1) : 0;
}

void *
dict_iter_next(struct dict_iter *it)
{
    const struct dict *d = it->d;
    if (!it->by_hash) {
        while (it->at < d->cap) {
            const struct dict_slot *s = &d->slot[it->at++];
            if (s->rec)
                return s->rec;
        }
        return NULL;
    }
    if (!d->cap)
        return NULL;
    for (;;) {
        const struct dict_slot *s = &d->slot[it->at];
        if (!s->rec) /* end of the run: stays here for later calls */
            return NULL;
        it->at = (it->at + 1) & (d->cap - 1);
        if (s->hash == it->hash)
            return s->rec;
    }
}
