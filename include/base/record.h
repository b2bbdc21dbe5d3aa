/* SPDX-License-Identifier: MIT */
/*
 * record.h: the records of the state file (state.h), one a line: a kind,
 * then fields, each after a TAB and escaped (\\ \t \n \r \xHH), so that a
 * field may hold any byte. The writer appends records to a growable text;
 * the reader splits one line into fields in place and takes them one by
 * one, strictly: a missing, malformed or out-of-range field sets the
 * first error (`why`) and yields 0 or "", so a record reader may take all
 * its fields and check `why` once at the end.
 *
 * Each module writes and reads its own records with these (session_record.h,
 * agg_record.h, state.c); state.c holds the container (version, checksum,
 * atomic save). Nothing here prints or exits.
 */
#ifndef EXTLS_RECORD_H
#define EXTLS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "extls.h"
#include "strpool.h"

#define RECORD_MAX_FIELDS 160 /* fields of the longest record ("open") */

/* The text being written. Out of memory sets `failed` and stops growing: check it at the end. */
struct record_out {
    struct buf text; /* owned; text.ptr/text.len may be read */
    int failed;
};

/* An empty text. */
void record_out_init(struct record_out *o);

/* Free the text. */
void record_out_release(struct record_out *o);

/* Append raw bytes (a record's kind, its line end). */
void record_put(struct record_out *o, const char *s, size_t n);

/* Append printf-style text of at most 127 bytes, unescaped. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void
record_putf(struct record_out *o, const char *fmt, ...);

/* A TAB then s[0..n) escaped. */
void record_put_field(struct record_out *o, const char *s, size_t n);

/* A TAB then the C string s escaped. */
void record_put_str(struct record_out *o, const char *s);

/* A TAB then v in decimal. */
void record_put_u(struct record_out *o, uint64_t v);
void record_put_i(struct record_out *o, int64_t v);

/* An optional string: 0/1 (present), then its bytes ("" when p is NULL). */
void record_put_span(struct record_out *o, const struct span *p);

/* One record being read; fields point into the line (split in place). */
struct record_in {
    char *field[RECORD_MAX_FIELDS]; /* borrowed from the line */
    size_t len[RECORD_MAX_FIELDS];
    size_t n, at;    /* fields, next field to take */
    unsigned lineno; /* of the record, from 1 */
    const char *why; /* the first error; NULL while none */
};

/*
 * Split `line` (NUL-terminated, no line end) at TABs and unescape each
 * field in place; the first field is the kind. Returns 0, or -1 on a bad
 * escape or more than RECORD_MAX_FIELDS fields.
 */
int record_split(struct record_in *in, char *line);

/* Set the first error (a later one is dropped). */
void record_fail(struct record_in *in, const char *why);

/* The next field (borrowed from the line; not NUL-terminated), its length in *len. */
const char *record_take(struct record_in *in, size_t *len);

/* The next field as an unsigned or signed decimal number. */
uint64_t record_take_u(struct record_in *in);
int64_t record_take_i(struct record_in *in);

/* The next field as an unsigned number of at most max (never a larger value: 0 then). */
uint64_t record_take_range(struct record_in *in, uint64_t max);

/* An optional string written by record_put_span(), interned in pool; NULL when absent. */
const struct span *record_take_span(struct record_in *in, struct strpool *pool);

/* The next field copied into dst (cap bytes with its NUL); longer is an error. */
void record_take_text(struct record_in *in, char *dst, size_t cap);

/* strndup(), which not every C library has: at most n bytes of s, NUL-terminated; NULL on ENOMEM.
 */
char *record_copy_n(const char *s, size_t n);

/* The next field copied to the heap, NUL-terminated (caller owns, free()); NULL when out of memory.
 */
char *record_take_copy(struct record_in *in, size_t *len);

#endif /* EXTLS_RECORD_H */
