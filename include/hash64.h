/* SPDX-License-Identifier: MIT */
/*
 * hash64.h: a fast 64-bit hash of a byte string, the same on every
 * machine (eight bytes at a time, read little-endian, multiply and
 * rotate, then MurmurHash3's finaliser). The state file's checksum and
 * file-head hashes are this hash, so it must never change; tables use it
 * where keys are long (session ids).
 */
#ifndef EXTLS_HASH64_H
#define EXTLS_HASH64_H

#include <stddef.h>
#include <stdint.h>

/* The hash of buf[0..len). */
uint64_t hash64(const void *buf, size_t len);

#endif /* EXTLS_HASH64_H */
