/* SPDX-License-Identifier: MIT */
/*
 * buf.h: the project's one growable byte buffer (the model: git's
 * strbuf), with a hard cap fixed at init (the model: curl's dynbuf).
 *
 * Invariants:
 * - `ptr` is never NULL and ptr[len] is always '\0' (so the contents can
 *   be used as a C string when they hold no NUL); before the first
 *   growth it points at a shared empty string that must not be written.
 * - `len` never passes `max`: growing past it is EXTLS_ETOOBIG, not an
 *   allocation; running out of memory is EXTLS_ENOMEM. Every function
 *   that can fail says so by its return value and leaves the buffer
 *   unchanged then: nothing fails silently.
 * - The buffer owns its memory; buf_detach() is the one way to take it.
 *
 * Members `ptr` and `len` may be read. A caller may write into
 * ptr[len .. len + n) after buf_grow(b, n) and then buf_setlen().
 */
#ifndef EXTLS_BUF_H
#define EXTLS_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "extls.h"

/* No cap but what memory allows (for buffers whose size the caller bounds itself). */
#define BUF_NO_MAX ((size_t)-1 / 4) /* its cap + 1 stays a valid object size */

struct buf {
    char *ptr;  /* the bytes; never NULL; ptr[len] == '\0' */
    size_t len; /* bytes used */
    size_t cap; /* private: bytes allocated (0: ptr is the shared empty string) */
    size_t max; /* private: the hard cap on len */
};

/* An empty buffer whose length may never pass `max` bytes; allocates nothing. */
void buf_init(struct buf *b, size_t max);

/* Free the buffer's memory; it is then empty (as after buf_init(), same cap). */
void buf_release(struct buf *b);

/* Forget the contents (len 0), keeping the memory for reuse. */
void buf_reset(struct buf *b);

/*
 * Make room for `extra` more bytes after len (and the '\0' after them),
 * so that adding that many allocates nothing. Returns EXTLS_OK,
 * EXTLS_ETOOBIG when len + extra would pass the cap, or EXTLS_ENOMEM; on
 * failure the buffer is unchanged.
 */
enum extls_status buf_grow(struct buf *b, size_t extra);

/* Set len to `len` (at most what buf_grow() made room for) and write the '\0' after it. */
void buf_setlen(struct buf *b, size_t len);

/* Append data[0..len). Returns as buf_grow(); unchanged on failure. */
enum extls_status buf_add(struct buf *b, const void *data, size_t len);

/* Append one byte. Returns as buf_grow(); unchanged on failure. */
enum extls_status buf_addch(struct buf *b, int c);

/*
 * Append printf-style text. Returns as buf_grow(), or EXTLS_EINVAL for a
 * format vsnprintf() rejects; on failure the buffer is unchanged.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
enum extls_status
buf_addf(struct buf *b, const char *fmt, ...);
enum extls_status buf_vaddf(struct buf *b, const char *fmt, va_list ap);

/*
 * Take the contents: *out receives a '\0'-terminated string the caller
 * owns (free with free()), *len (when not NULL) its length; the buffer is
 * then empty, as after buf_init(). Returns EXTLS_OK or EXTLS_ENOMEM (an
 * empty buffer still allocates its one byte); on failure nothing changes.
 */
enum extls_status buf_detach(struct buf *b, char **out, size_t *len);

#endif /* EXTLS_BUF_H */
