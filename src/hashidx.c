/* SPDX-License-Identifier: MIT */
/*
 * hashidx.c: the hash -> position index (linear probing, grown at half
 * full, never shrunk).
 */
#include "hashidx.h"

#include <stdlib.h>
#include <string.h>

void
hashidx_init(struct hashidx *x)
{
    memset(x, 0, sizeof(*x));
}

void
hashidx_release(struct hashidx *x)
{
    free(x->slot);
    hashidx_init(x);
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

/* Double the table (or make the first); unchanged on failure. */
static int
grow(struct hashidx *x)
{
    size_t cap = x->cap ? x->cap * 2 : 64;
    struct hashidx_slot *slot = calloc(cap, sizeof(*slot));
    if (!slot)
        return -1;
    for (size_t i = 0; i < x->cap; i++) {
        if (!x->slot[i].pos1)
            continue;
        size_t j = home(x->slot[i].hash, cap - 1);
        while (slot[j].pos1)
            j = (j + 1) & (cap - 1);
        slot[j] = x->slot[i];
    }
    free(x->slot);
    x->slot = slot;
    x->cap = cap;
    return 0;
}

enum extls_status
hashidx_add(struct hashidx *x, uint64_t hash, uint32_t pos)
{
    if (pos == UINT32_MAX)
        return EXTLS_EINVAL;
    if ((x->n + 1) * 2 > x->cap && grow(x) != 0)
        return EXTLS_ENOMEM;
    size_t mask = x->cap - 1, i = home(hash, mask);
    while (x->slot[i].pos1)
        i = (i + 1) & mask;
    x->slot[i].hash = hash;
    x->slot[i].pos1 = pos + 1;
    x->n++;
    return EXTLS_OK;
}

void
hashidx_find(const struct hashidx *x, uint64_t hash, struct hashidx_iter *it)
{
    it->x = x;
    it->hash = hash;
    it->done = x->cap == 0;
    it->at = it->done ? 0 : home(hash, x->cap - 1);
}

int
hashidx_next(struct hashidx_iter *it, uint32_t *pos)
{
    const struct hashidx *x = it->x;
    while (!it->done) {
        const struct hashidx_slot *s = &x->slot[it->at];
        if (!s->pos1) {
            it->done = 1;
            break;
        }
        it->at = (it->at + 1) & (x->cap - 1);
        if (s->hash == it->hash) {
            *pos = s->pos1 - 1;
            return 1;
        }
    }
    return 0;
}
