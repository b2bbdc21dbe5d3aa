/* SPDX-License-Identifier: MIT */
/*
 * idset.c: the set of file identities of idset.h, positions in a buf
 * indexed by a dict.
 */
#include "idset.h"

struct id {
    uint64_t dev;
    uint64_t ino;
};

static uint64_t
id_hash(const void *key, void *user)
{
    const struct id *d = key;
    (void)user;
    return (d->dev * 0x9E3779B97F4A7C15ull) ^ (d->ino * 0xC2B2AE3D27D4EB4Full);
}

static int
id_eq(const void *rec, const void *key, void *user)
{
    const struct idset *s = user;
    const struct id *x = (const struct id *)s->ids.ptr + dict_rec_pos(rec), *y = key;
    return x->dev == y->dev && x->ino == y->ino;
}

static const struct dict_type id_type = {id_hash, id_eq, NULL};

void
idset_init(struct idset *s)
{
    buf_init(&s->ids, BUF_NO_MAX);
    dict_init(&s->seen, &id_type, s);
}

void
idset_release(struct idset *s)
{
    dict_release(&s->seen);
    buf_release(&s->ids);
}

int
idset_add(struct idset *s, uint64_t dev, uint64_t ino)
{
    struct id want = {dev, ino};
    uint64_t h = id_hash(&want, NULL);
    if (dict_find_hashed(&s->seen, &want, h))
        return 0;
    size_t n = s->ids.len / sizeof(want);
    if (buf_add(&s->ids, &want, sizeof(want)) != EXTLS_OK)
        return -1;
    if (dict_insert_hashed(&s->seen, h, dict_pos_rec(n)) != EXTLS_OK) {
        buf_setlen(&s->ids, n * sizeof(want));
        return -1;
    }
    return 1;
}
