/* SPDX-License-Identifier: MIT */
/*
 * dict.h: the project's one hash table. A table maps keys to values, both
 * `void *`; what a key is, how it hashes and when two keys are equal is
 * told by a `struct dict_type` of callbacks (the model: redis's dictType),
 * so one table serves interned strings, group keys, file identities and
 * positions in the caller's own array alike.
 *
 * Model and invariants:
 * - Open addressing with linear probing; the table doubles when it would
 *   pass half full, so a look-up costs O(1) on average, never a scan.
 * - Each slot keeps the key's 64-bit hash: probing compares hashes first
 *   and calls the equality callback only on an equal hash.
 * - Keys are non-NULL pointers (NULL marks a free slot). The table owns
 *   no key and no value unless its type has a key_free / val_free
 *   callback; then dict_delete() and dict_release() call them.
 * - Several entries may share one hash (and even equal keys, when added
 *   with dict_insert_hashed()): they are walked in the order they were
 *   added (dict_iter_hash()).
 * - Entry pointers and walks are valid until the next add, delete or
 *   release. Look-ups and walks never write: several threads may read a
 *   table at once while nobody writes it.
 * - Nothing allocates until the first add; a failed add or reserve
 *   leaves the table unchanged.
 */
#ifndef EXTLS_DICT_H
#define EXTLS_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"

/*
 * What the keys of one table are. `user` is the pointer given to
 * dict_init(). Any callback may be NULL when its function is never used:
 * hash for tables only filled and searched with the *_hashed functions,
 * eq for tables only walked by hash (dict_iter_hash()).
 */
struct dict_type {
    uint64_t (*hash)(const void *key, void *user); /* same key, same hash */
    /* Nonzero when `stored` (a key in the table) equals `key` (a look-up key). */
    int (*eq)(const void *stored, const void *key, void *user);
    void (*key_free)(void *key, void *user); /* NULL: the table does not own its keys */
    void (*val_free)(void *val, void *user); /* NULL: the table does not own its values */
};

/* One entry: key and value may be read; the value may be changed in place. */
struct dict_entry {
    void *key;
    void *val;
};

/* A slot; private. */
struct dict_slot {
    struct dict_entry e; /* e.key NULL: free */
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

/* An empty table of keys of `type` (borrowed: must outlive the table); allocates nothing. */
void dict_init(struct dict *d, const struct dict_type *type, void *user);

/*
 * Free the table's memory, calling key_free / val_free (when set) on
 * every entry; the table is then empty, with the same type.
 */
void dict_release(struct dict *d);

/* Number of entries. */
size_t dict_size(const struct dict *d);

/* The key's hash by the table's type (type->hash must be set). */
uint64_t dict_hash(const struct dict *d, const void *key);

/*
 * The entry whose key equals `key`, or NULL. Borrowed: valid until the
 * next add, delete or release. dict_find_hashed() takes the hash the
 * caller computed (it must be dict_hash(key)), sparing the hash callback.
 */
struct dict_entry *dict_find(const struct dict *d, const void *key);
struct dict_entry *dict_find_hashed(const struct dict *d, const void *key, uint64_t hash);

/*
 * Add `key` (non-NULL) with `val`. Returns EXTLS_OK, EXTLS_EINVAL when an
 * equal key is already there or key is NULL, EXTLS_ETOOBIG when the table
 * cannot grow further, or EXTLS_ENOMEM; on failure the table is unchanged
 * and it takes ownership of nothing (the caller still owns key and val).
 */
enum extls_status dict_add(struct dict *d, void *key, void *val);

/*
 * Add `key` (non-NULL) with `val` under `hash` without looking for an
 * equal key: for the caller who has just looked it up (find, then add
 * once) or who keeps several entries under one key. Returns and leaves
 * things as dict_add() does (never EXTLS_EINVAL for a present key).
 */
enum extls_status dict_insert_hashed(struct dict *d, uint64_t hash, void *key, void *val);

/*
 * Remove the entry whose key equals `key`, calling key_free / val_free
 * (when set). Returns 1 when one was removed, 0 when there was none.
 */
int dict_delete(struct dict *d, const void *key);

/*
 * Make room for `n` entries in all, so that adding up to that many
 * allocates nothing more. Returns EXTLS_OK, EXTLS_ETOOBIG (n too large
 * to hold in memory at all) or EXTLS_ENOMEM; the table is unchanged on
 * failure.
 */
enum extls_status dict_reserve(struct dict *d, size_t n);

/* Begin a walk over every entry (in no particular order). */
void dict_iter_init(struct dict_iter *it, const struct dict *d);

/* Begin a walk over the entries stored under `hash`, in the order they were added. */
void dict_iter_hash(struct dict_iter *it, const struct dict *d, uint64_t hash);

/* The walk's next entry (borrowed, as dict_find()'s), or NULL at its end. */
struct dict_entry *dict_iter_next(struct dict_iter *it);

/*
 * 64-bit FNV-1a of s[0..len), continuing from `h` (start with
 * DICT_HASH_SEED): the project's one byte-string hash.
 */
#define DICT_HASH_SEED 14695981039346656037ull
uint64_t dict_hash_bytes(uint64_t h, const void *s, size_t len);

#endif /* EXTLS_DICT_H */
