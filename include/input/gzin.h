/* SPDX-License-Identifier: MIT */
/*
 * gzin.h: the plain bytes of a file descriptor, with gzip inflated on the
 * way (ISA-L or zlib), so that a compressed log reads like a plain one.
 *
 * Model. The first two bytes of an input decide: 1F 8B (the gzip magic,
 * RFC 1952) makes it gzip, anything else (also an input shorter than two
 * bytes) is passed through untouched, whatever the file is called. A gzip
 * input may hold several members one after another (as `cat a.gz b.gz`
 * makes); they are inflated in turn into one stream. An input that ends
 * inside a member is truncated; inflate errors (bad header, bad deflate
 * data, CRC or length mismatch) make it corrupt. All bytes inflated before
 * such an error are delivered first; the error comes on the next call.
 *
 * Two inflaters give the same bytes and the same messages. When extls is
 * built with Intel ISA-L (libisal-dev; CMake option EXTLS_ISAL), a regular
 * file is inflated by ISA-L's streaming inflate, several times faster than
 * zlib; should ISA-L find a member damaged, the file is read again from
 * that member's first byte by zlib, which skips the bytes already
 * delivered and names the damage in its own words. Pipes, and every input
 * of a build without ISA-L, are inflated by zlib. (On a damaged member
 * that zlib rejects earlier than ISA-L does, ISA-L may have delivered some
 * bytes of it that zlib would not have; the error is reported all the same.)
 *
 * Memory is fixed: one input buffer of GZIN_BUF bytes, zlib's inflate
 * state with its 32 KiB window and, for ISA-L, its state (about 100 KiB,
 * allocated at the first gzip file). Output goes straight into the
 * caller's buffer, a chunk at a time, so no file is ever held whole.
 *
 * Errors are sticky: after one, every gzin_read() returns it until the
 * next gzin_begin(). gzin_message() then says what happened, ready to
 * follow "FILE: ".
 */
#ifndef EXTLS_GZIN_H
#define EXTLS_GZIN_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"

#define GZIN_BUF (64u * 1024u) /* bytes read from the descriptor at a time */
#define GZIN_MSG 160           /* longest message, with its NUL */

struct gzin;

/* New source with no input; NULL when out of memory. Caller owns, free with gzin_free(). */
struct gzin *gzin_new(void);

/* Free the source (the descriptor is not closed); gzin_free(NULL) is a no-op. */
void gzin_free(struct gzin *g);

/*
 * Start reading `fd` (borrowed: the caller closes it, after the last
 * gzin_read()). Clears any error, the counters and the message.
 */
void gzin_begin(struct gzin *g, int fd);

/*
 * Read up to `cap` plain bytes into `buf`; *n is how many. Blocks only
 * while it has produced nothing yet.
 * Returns:
 *   EXTLS_OK      with *n > 0, or *n == 0 at the clean end of the input;
 *   EXTLS_EIO     read(2) failed (message: strerror text);
 *   EXTLS_EPARSE  the gzip data is truncated ("gzip data cut short after
 *                 N bytes", N counting the compressed bytes read) or corrupt
 *                 ("corrupt gzip data: " and zlib's reason, e.g. "incorrect
 *                 data check");
 *   EXTLS_ENOMEM  zlib could not allocate its state.
 * On an error *n is 0.
 */
enum extls_status gzin_read(struct gzin *g, char *buf, size_t cap, size_t *n);

/* Detail of the last error, or ""; borrowed, valid until the next gzin call. */
const char *gzin_message(const struct gzin *g);

/* Bytes read from the descriptor since gzin_begin() (compressed bytes for gzip). */
uint64_t gzin_bytes_in(const struct gzin *g);

/* 1 once the input was recognised as gzip, else 0. */
int gzin_is_gzip(const struct gzin *g);

/* Complete gzip members inflated since gzin_begin(). */
uint64_t gzin_members(const struct gzin *g);

enum gzin_engine {
    GZIN_ZLIB = 0, /* zlib's inflate */
    GZIN_ISAL,     /* ISA-L's isal_inflate() (regular files only) */
};

/* 1 if this build has inflater `e` (zlib always), else 0. */
int gzin_engine_available(enum gzin_engine e);

/*
 * The inflater for gzip regular files from the next gzin_begin() on
 * (default: GZIN_ISAL when available). Returns 0, or -1 (nothing changed)
 * if this build lacks it. For tests and comparisons.
 */
int gzin_set_engine(struct gzin *g, enum gzin_engine e);

/*
 * The inflater reading the current input: GZIN_ZLIB until a gzip input is
 * recognised, and from a damaged member on.
 */
enum gzin_engine gzin_engine(const struct gzin *g);

/*
 * Read at most `max` bytes per read(2) (1..GZIN_BUF; other values mean
 * GZIN_BUF, the default). For tests that feed the input one byte at a time.
 */
void gzin_set_read_max(struct gzin *g, size_t max);

#endif /* EXTLS_GZIN_H */
