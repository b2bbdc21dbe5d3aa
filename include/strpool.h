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

/* 64-bit FNV-1a of s[0..len), continuing from `h` (start with HASH_SEED). */
#define HASH_SEED 14695981039346656037ull
uint64_t hash_bytes(uint64_t h, const void *s, size_t len);

#endif /* EXTLS_STRPOOL_H */
