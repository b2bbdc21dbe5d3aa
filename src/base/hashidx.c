/* SPDX-License-Identifier: MIT */
/*
 * hashidx.c: the hash -> position index over a dict whose keys are the
 * positions (plus one, so that none is NULL).
 */
#include "hashidx.h"

void
hashidx_init(struct hashidx *x)
{
    dict_init(&x->d, NULL, NULL); /* no key callbacks: only added to and walked by hash */
}

void
hashidx_release(struct hashidx *x)
{
    dict_release(&x->d);
    hashidx_init(x);
}

enum extls_status
hashidx_add(struct hashidx *x, uint64_t hash, uint32_t pos)
{
    if (pos == UINT32_MAX)
        return EXTLS_EINVAL;
    return dict_insert_hashed(&x->d, hash, dict_pos_rec(pos));
}

void
hashidx_find(const struct hashidx *x, uint64_t hash, struct hashidx_iter *it)
{
    dict_iter_hash(&it->it, &x->d, hash);
}

int
hashidx_next(struct hashidx_iter *it, uint32_t *pos)
{
    void *rec = dict_iter_next(&it->it);
    if (!rec)
        return 0;
    *pos = (uint32_t)dict_rec_pos(rec);
    return 1;
}
