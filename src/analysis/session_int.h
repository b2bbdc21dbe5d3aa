/* SPDX-License-Identifier: MIT */
/*
 * session_int.h: what the files of the session module share (session.c:
 * the table; session_merge.c: the merge rules; session_record.c: the
 * state-file records). Not for other modules.
 */
#ifndef EXTLS_SESSION_INT_H
#define EXTLS_SESSION_INT_H

#include "session.h"

/* session.flags */
#define S_SEQ0 0x01       /* the row with sequence-number 0 was seen */
#define S_DISCONNECT 0x02 /* a '-' row was seen */
#define S_MARKER 0x04     /* marker_cls/proto/cipher are set */
#define S_FAILED 0x08     /* "TLS negotiation failed" */
#define S_ACCEPTED 0x10   /* a TLS command got 220 as the next reply, in row order */
#define S_PENDING 0x20    /* a TLS command awaits its reply (pending_seq) */
#define S_REMOTE 0x40
#define S_LOCAL 0x80
#define S_SAW_CMD 0x100    /* a TLS command was seen */
#define S_LEAD_REPLY 0x200 /* lead_seq/lead_220: the first reply, seen before any command */

/*
 * Merge the facts of row r (with its matched facts f, from input `file`)
 * into s: strings interned in pool. Returns EXTLS_OK or EXTLS_ENOMEM (s
 * then lacks that row's facts).
 */
enum extls_status session_merge_row(struct strpool *pool, struct session *s, const struct row *r,
                                    const struct match_facts *f, uint32_t file);

/*
 * Merge src, the rows of a later input, into dst, as if src's rows had
 * followed dst's. Takes ownership of src's strings it keeps; src must then
 * only be freed. Interned strings must be of the same pool.
 */
void session_merge(struct session *dst, struct session *src);

/*
 * Are all rows of s in? The first row (seq 0) and the disconnect row have
 * been seen, and as many rows as the disconnect's sequence number implies
 * (Exchange numbers rows 0, 1, 2, ... per session). When rows arrive out
 * of order (files read newest first) this waits for the middle rows; when
 * a log lacks rows the session stays open until the end of input. Inline:
 * it is asked once per row.
 */
static inline int
session_is_complete(const struct session *s)
{
    return (s->flags & (S_SEQ0 | S_DISCONNECT)) == (S_SEQ0 | S_DISCONNECT) && s->rows > s->disc_seq;
}

#endif /* EXTLS_SESSION_INT_H */
