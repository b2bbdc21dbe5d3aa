/* SPDX-License-Identifier: MIT */
/*
 * hashidx.h: a hash index from 64-bit hashes to small integers (positions
 * in the caller's own array). It stores no keys: the caller hashes its
 * key, adds (hash, position), and on look-up walks the positions stored
 * under that hash, comparing its own records to rule out collisions. So
 * one index serves any record type (file paths, session keys, ...) and
 * a look-up costs O(1) on average instead of a scan of the array.
 *
 * A dict (dict.h) without key callbacks: the positions are its keys,
 * walked by hash in the order they were added; no removal (rebuild
 * instead). A look-up may run while no add runs (several threads may
 * read at once).
 */
#ifndef EXTLS_HASHIDX_H
#define EXTLS_HASHIDX_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "extls.h"

/* The index; all members private. Zero-initialised it is a valid empty index. */
struct hashidx {
    struct dict d; /* records: position + 1, as a pointer */
};

/* A walk over the positions stored under one hash; members private. */
struct hashidx_iter {
    struct dict_iter it;
};

/* An empty index (allocates nothing). */
void hashidx_init(struct hashidx *x);

/* Free the index's memory; it is then empty (as after hashidx_init()). */
void hashidx_release(struct hashidx *x);

/*
 * Store position `pos` under `hash`. Returns EXTLS_OK, EXTLS_EINVAL for
 * pos UINT32_MAX, or EXTLS_ENOMEM (the index is then unchanged).
 */
enum extls_status hashidx_add(struct hashidx *x, uint64_t hash, uint32_t pos);

/* Begin a walk over the positions stored under `hash`. */
void hashidx_find(const struct hashidx *x, uint64_t hash, struct hashidx_iter *it);

/* The next position of the walk in *pos: 1, or 0 when there is none left. */
int hashidx_next(struct hashidx_iter *it, uint32_t *pos);

#endif /* EXTLS_HASHIDX_H */
