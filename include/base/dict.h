/* SPDX-License-Identifier: MIT */
/*
 * dict.h: the project's one hash table: a set of the caller's records,
 * each stored as one `void *` that carries its own key (an interned
 * string, a group with its key values, a session, a position in the
 * caller's array). How a key hashes and when a record matches a look-up
 * key is told by a `struct dict_type` of callbacks (the model: redis's
 * dictType), so one table serves every record type. A key -> value map
 * is a set of records holding both.
 *
 * Model and invariants:
 * - Open addressing with linear probing; the table doubles when it would
 *   pass half full, so a look-up costs O(1) on average, never a scan.
 *   A slot is two words: the record and its 64-bit hash.
 * - Probing compares hashes first and calls the equality callback only
 *   on an equal hash.
 * - Records are non-NULL pointers (NULL marks a free slot). The table
 *   owns no record unless its type has a `free` callback; then
 *   dict_delete() and dict_release() call it.
 * - Several records may share one hash (and even equal keys, when added
 *   with dict_insert_hashed()): they are walked in the order they were
 *   added (dict_iter_hash()).
 * - Walks are valid until the next add, delete or release. Look-ups and
 *   walks never write: several threads may read a table at once while
 *   nobody writes it.
 * - Nothing allocates until the first add; a failed add or reserve
 *   leaves the table unchanged.
 */
#ifndef EXTLS_DICT_H
#define EXTLS_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"

/*
 * What the records of one table are. A look-up key may be of another
 * type than the records (a borrowed string looked up among interned
 * copies). `user` is the pointer given to dict_init(). Any callback may
 * be NULL when its function is never used: hash for tables only filled
 * and searched with the *_hashed functions, eq for tables only walked by
 * hash (dict_iter_hash()).
 */
struct dict_type {
    uint64_t (*hash)(const void *key, void *user); /* of a look-up key; same key, same hash */
    /* Nonzero when record `rec` (in the table) has the look-up key `key`. */
    int (*eq)(const void *rec, const void *key, void *user);
    void (*free)(void *rec, void *user); /* NULL: the table does not own its records */
};

/* A slot; private. */
struct dict_slot {
    void *rec; /* NULL: free */
    uint64_t hash;
};

/* The table; all members private. Set up with dict_init(). */
struct dict {
    const struct dict_type *type;
    void *user;
    struct dict_slot *slot;
    size_t cap; /* 0 or a power of two */
    size_t n;
};

/* A walk over a table's entries; members private. */
struct dict_iter {
    const struct dict *d;
    uint64_t hash;
    size_t at;
    int by_hash; /* 1: only the run of entries stored under `hash` */
};

/*
 * An empty table of keys of `type` (borrowed: must outlive the table);
 * allocates nothing. `type` may be NULL (so may a zeroed struct dict be
 * used) for a table only filled by dict_insert_hashed() and walked.
 */
void dict_init(struct dict *d, const struct dict_type *type, void *user);

/*
 * Free the table's memory, calling type->free (when set) on every
 * record; the table is then empty, with the same type.
 */
void dict_release(struct dict *d);

/* Number of records. */
size_t dict_size(const struct dict *d);

/* The key's hash by the table's type (type->hash must be set). */
uint64_t dict_hash(const struct dict *d, const void *key);

/*
 * The record with look-up key `key`, or NULL (the record is as stored:
 * the table never copies it). dict_find_hashed() takes the hash the
 * caller computed (it must be dict_hash(key)), sparing the hash callback.
 */
void *dict_find(const struct dict *d, const void *key);
void *dict_find_hashed(const struct dict *d, const void *key, uint64_t hash);

/*
 * Add record `rec` (non-NULL), which must also serve as its own look-up
 * key (hash and eq take it as `key`). Returns EXTLS_OK, EXTLS_EINVAL when
 * a record with an equal key is already there or rec is NULL,
 * EXTLS_ETOOBIG when the table cannot grow further, or EXTLS_ENOMEM. The
 * table takes ownership (when it has a free callback) only on EXTLS_OK;
 * on failure it is unchanged.
 */
enum extls_status dict_add(struct dict *d, void *rec);

/*
 * Add record `rec` (non-NULL) under `hash` (the hash of its key) without
 * looking for an equal key: for the caller who has just looked it up
 * (find, then add once), whose records are not look-up keys, or who keeps
 * several records under one key. Returns and leaves things as dict_add()
 * does (never EXTLS_EINVAL for a present key).
 */
enum extls_status dict_insert_hashed(struct dict *d, uint64_t hash, void *rec);

/*
 * Remove the record with look-up key `key`, calling type->free (when
 * set). Returns 1 when one was removed, 0 when there was none.
 */
int dict_delete(struct dict *d, const void *key);

/*
 * Make room for `n` entries in all, so that adding up to that many
 * allocates nothing more. Returns EXTLS_OK, EXTLS_ETOOBIG (n too large
 * to hold in memory at all) or EXTLS_ENOMEM; the table is unchanged on
 * failure.
 */
enum extls_status dict_reserve(struct dict *d, size_t n);

/* Begin a walk over every record (in no particular order). */
void dict_iter_init(struct dict_iter *it, const struct dict *d);

/* Begin a walk over the records stored under `hash`, in the order they were added. */
void dict_iter_hash(struct dict_iter *it, const struct dict *d, uint64_t hash);

/* The walk's next record, or NULL at its end (and on every later call). */
void *dict_iter_next(struct dict_iter *it);

/*
 * A position `i` in the caller's own array stored as a record, and back:
 * kept as i + 1 so that position 0 is not the free-slot NULL. For tables
 * whose records live in an array that may move (hashidx, the walk's
 * seen set); the casts live here alone.
 */
static inline void *
dict_pos_rec(size_t i)
{
    /* An index, never dereferenced. */
    return (void *)(uintptr_t)(i + 1); // NOLINT(performance-no-int-to-ptr)
}

static inline size_t
dict_rec_pos(const void *rec)
{
    return (size_t)((uintptr_t)rec - 1);
}

/*
 * 64-bit FNV-1a of s[0..len), continuing from `h` (start with
 * DICT_HASH_SEED): the project's one byte-string hash.
 */
#define DICT_HASH_SEED 14695981039346656037ull
uint64_t dict_hash_bytes(uint64_t h, const void *s, size_t len);

#endif /* EXTLS_DICT_H */
