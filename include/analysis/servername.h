/* SPDX-License-Identifier: MIT */
/*
 * servername.h: the Exchange server a session ran on, for the `server` key
 * (--by server, --server NAME).
 *
 * Exchange names every receive connector "SERVER\Name" and writes that id
 * into each row of a receive log. Send connectors belong to the
 * organisation (any of their source servers may use one), so send rows
 * name no server. The server of a session is, by the first rule that
 * applies:
 *   1. --server NAME given: NAME, for every session of the run;
 *   2. a receive session whose connector id has a part before its first
 *      backslash of 1 to EXTLS_NAME_MAX bytes: that part;
 *   3. when rule 2 names exactly one server over the whole run (every
 *      session read, also those the filters leave out): that server, the
 *      run being over one server's logs;
 *   4. otherwise "" (unknown): several servers' send logs in one run
 *      cannot be told apart; run extls once per server with --server.
 * Rule 3 is applied when every input has been read (server_fill()), so
 * no result depends on the order in which sessions complete.
 */
#ifndef EXTLS_SERVERNAME_H
#define EXTLS_SERVERNAME_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "extls.h"
#include "reader.h"

/*
 * The servers rule 2 named, kept as the bytewise smallest and largest
 * (so noting and merging commute). Read-only for callers; min is NULL
 * until a name is noted; min equal to max means exactly one.
 */
struct server_names {
    char *min, *max; /* owned copies */
    size_t min_len, max_len;
};

void server_names_init(struct server_names *s);

/* Free the copies and re-initialise. */
void server_names_release(struct server_names *s);

/*
 * The server of a session by rules 1 and 2: `given` (--server, or NULL),
 * else the connector id's server part, else "". Borrowed from the
 * arguments (or static).
 */
struct span server_of(const char *given, enum extls_dir dir, const char *connector, size_t len);

/* Note the server rule 2 names for a session, if any. EXTLS_OK or EXTLS_ENOMEM (s unchanged). */
enum extls_status server_names_note(struct server_names *s, enum extls_dir dir,
                                    const char *connector, size_t len);

/* Note every name of `src` in `dst`. EXTLS_OK or EXTLS_ENOMEM. */
enum extls_status server_names_merge(struct server_names *dst, const struct server_names *src);

/* The one name noted (borrowed; *len its length), or NULL for none or several. */
const char *server_names_only(const struct server_names *s, size_t *len);

/*
 * Rule 3: groups of *a with an empty server key get `name` (merged into a
 * group already named so, if any). *a is replaced by a new table (the old
 * one freed); nothing happens when *a is not keyed by server or no group
 * lacks a name. EXTLS_OK, or EXTLS_ENOMEM / EXTLS_ETOOBIG (*a unchanged).
 */
enum extls_status server_fill(struct agg **a, const char *name, size_t len);

/* Sessions in groups of `a` whose server key is empty (0 if not keyed by server). */
uint64_t server_unnamed(struct agg *a);

#endif /* EXTLS_SERVERNAME_H */
