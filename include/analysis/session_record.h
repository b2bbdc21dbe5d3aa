/* SPDX-License-Identifier: MIT */
/*
 * session_record.h: an open session as one "open" record of the state
 * file (record.h), so that a session cut by the end of a run continues
 * exactly in the next: every fact and every piece of merge bookkeeping,
 * its certificate's included. Only the session module knows the fields.
 */
#ifndef EXTLS_SESSION_RECORD_H
#define EXTLS_SESSION_RECORD_H

#include "record.h"
#include "session.h"
#include "strpool.h"

/* Append the record of s, whose first row came from the file `path`. */
void session_record_write(struct record_out *o, const struct session *s, const char *path);

/*
 * Read the fields of an "open" record (its kind taken already). Returns
 * the session (caller owns, free with session_free(); strings interned in
 * pool) and in *path the file of its first row (caller owns, free()); NULL
 * with in->why set when the record is bad or out of memory.
 */
struct session *session_record_read(struct record_in *in, struct strpool *pool, char **path);

#endif /* EXTLS_SESSION_RECORD_H */
