/* SPDX-License-Identifier: MIT */
/*
 * cert.h: the remote party's certificate of one SMTP session, reassembled
 * from its rows in any order.
 *
 * Exchange logs the peer's certificate (receive: the client's, when it
 * presented one; send: the server's), never our own, as
 *   - the one-row form "Remote certificate Subject ..." (match.h);
 *   - a 6-row block: a "Certificate subject" row at seq h+1 and a
 *     "Certificate thumbprint" row at h+4 belong to the "Remote
 *     certificate" header at seq h (rows of a block are numbered in a run);
 *   - "Received certificate" at seq h: the thumbprint row at h+1.
 * Each value is taken from the lowest sequence number that qualifies. A
 * value row that arrives before its header (a block cut by a file boundary,
 * files read newest first) waits until the header with seq h is seen; two
 * of each value can wait (a boundary cuts at most one block), the lowest
 * seqs when more do. The seqs and kinds of the last CERT_HEADS headers
 * seen are kept for value rows that come after them.
 *
 * A struct cert is made at a session's first certificate row (216 bytes on
 * 64-bit systems, plus at most three subjects of up to CERT_SUBJECT_MAX + 1
 * bytes and three thumbprints of up to CERT_THUMB_MAX + 1). It owns its
 * texts. Functions never print; out of memory leaves the object valid.
 */
#ifndef EXTLS_CERT_H
#define EXTLS_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"
#include "match.h"

#define CERT_HEADS 4                    /* certificate headers remembered */
#define CERT_SUBJECT_MAX EXTLS_NAME_MAX /* longest subject kept (bytes) */
#define CERT_THUMB_MAX MATCH_THUMB_MAX  /* longest thumbprint kept (hex digits) */

struct cert;

/* A new empty certificate; NULL when out of memory. Caller owns, free with cert_free(). */
struct cert *cert_new(void);

/* Free c and its texts; cert_free(NULL) is a no-op. */
void cert_free(struct cert *c);

/*
 * Add one certificate row (mc as match_row() decoded it) with sequence
 * number seq. Values are copied (subjects cut at CERT_SUBJECT_MAX bytes,
 * never inside a UTF-8 sequence) only when kept. Returns EXTLS_OK, or
 * EXTLS_ENOMEM (c then lacks that value but is otherwise unchanged).
 */
enum extls_status cert_add_row(struct cert *c, const struct match_cert *mc, uint64_t seq);

/*
 * Merge src, the certificate rows of another part of the same session, into
 * dst: src's headers decide dst's waiting values and dst's headers src's,
 * so the result does not depend on which part was read first. Moves what
 * it keeps out of src (src must then only be freed); allocates nothing.
 */
void cert_merge(struct cert *dst, struct cert *src);

/* The subject taken, with its length in *len; NULL (*len 0) when none. Borrowed like c. */
const char *cert_subject(const struct cert *c, size_t *len);

/* The thumbprint taken, NUL-terminated; NULL when none. Borrowed like c. */
const char *cert_thumbprint(const struct cert *c);

/*
 * The bookkeeping as flat items, for a state file to carry an open
 * session to the next run exactly.
 */
enum cert_what {
    CERT_ITEM_TAKEN = 0, /* kind: 0 subject, 1 thumbprint */
    CERT_ITEM_WAIT,      /* kind as above; slot: which waiting place */
    CERT_ITEM_HEAD,      /* kind: enum match_cert_kind (0: empty); slot: ring place */
};
#define CERT_ITEMS 12 /* most items a certificate has */

struct cert_item {
    unsigned what; /* enum cert_what */
    unsigned kind;
    unsigned slot;
    uint64_t seq;
    const char *text; /* TAKEN/WAIT: borrowed from c; HEAD: NULL */
    size_t len;
};

/*
 * Fill out[] (CERT_ITEMS places) and the header ring's fill and next
 * place; returns the count of items.
 */
size_t cert_items(const struct cert *c, struct cert_item *out, unsigned *n_head,
                  unsigned *next_head);

/*
 * A certificate rebuilt from items (texts copied). Returns NULL when the
 * items are invalid or out of memory. Caller owns, free with cert_free().
 */
struct cert *cert_restore(const struct cert_item *items, size_t n, unsigned n_head,
                          unsigned next_head);

#endif /* EXTLS_CERT_H */
