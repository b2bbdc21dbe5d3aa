/* SPDX-License-Identifier: MIT */
/*
 * strpool.h: interned byte strings. Equal byte strings get the same
 * pointer, so callers compare interned strings by pointer. Strings live
 * until strpool_free(); memory grows with the number of distinct strings,
 * never with the number of lookups.
 */
#ifndef EXTLS_STRPOOL_H
#define EXTLS_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "extls.h"

struct strpool;

/* New empty pool; NULL when out of memory. Caller owns, free with strpool_free(). */
struct strpool *strpool_new(void);

/* Free the pool and every string in it; strpool_free(NULL) is a no-op. */
void strpool_free(struct strpool *p);

/*
 * The interned copy of s[0..len): borrowed, valid until strpool_free().
 * Returns NULL when out of memory (the pool is unchanged).
 */
const struct span *strpool_intern(struct strpool *p, const char *s, size_t len);

/* Former names of dict_hash_bytes() and DICT_HASH_SEED (dict.h), for callers not yet moved. */
#define HASH_SEED DICT_HASH_SEED
#define hash_bytes dict_hash_bytes

#endif /* EXTLS_STRPOOL_H */
