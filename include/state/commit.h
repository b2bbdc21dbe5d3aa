/* SPDX-License-Identifier: MIT */
/*
 * commit.h: files that must change together, all or none, across crashes.
 *
 * Model. Each new file is first written completely to a temporary file
 * beside its final name (and fsynced). Then commit_apply() writes a journal
 * naming every (temporary, final) pair: to its own temporary file, fsynced,
 * then renamed into place. That rename is the commit point. The renames of
 * the pairs follow, then the folders are fsynced and the journal removed.
 *
 * A crash (kill -9, power loss) before the commit point leaves every final
 * file as it was (the temporary files are garbage); after it, the journal
 * is there, and commit_recover(), called by the next process under the same
 * lock before it reads anything, completes the renames: a pair whose
 * temporary file is gone was renamed already. So either every final file
 * is replaced, or (until the next run) none is.
 *
 * The journal holds "extls-commit-1", then each pair's two paths (made
 * absolute, so a run from another working folder finds them), then an empty
 * string, each ended by a NUL byte. Nothing here prints; POSIX
 * rename() replaces a file atomically (a Windows port uses MoveFileEx()).
 */
#ifndef EXTLS_COMMIT_H
#define EXTLS_COMMIT_H

#include <stddef.h>

#include "extls.h"

#define COMMIT_SUFFIX ".commit" /* the journal beside a state file */
#define COMMIT_MAX_PAIRS 8

struct commit {
    const char *tmp[COMMIT_MAX_PAIRS];   /* borrowed until commit_apply() returns */
    const char *final[COMMIT_MAX_PAIRS]; /* borrowed likewise */
    size_t n;
};

/* An empty set of renames. */
void commit_init(struct commit *c);

/* Add one rename (paths borrowed); at most COMMIT_MAX_PAIRS (else assert). */
void commit_add(struct commit *c, const char *tmp, const char *final);

/*
 * Make every added rename happen as one (see the model), with the journal
 * at `journal`. *committed is set to 1 once the commit point is passed.
 * Errors (EXTLS_EIO, EXTLS_ENOMEM), `msg` (msg_len bytes) saying why:
 *   *committed 0: nothing changed; the temporary files are the caller's to
 *                 remove;
 *   *committed 1: some renames may be missing; the journal stays, and
 *                 commit_recover() completes them (the temporary files
 *                 must stay).
 */
enum extls_status commit_apply(const struct commit *c, const char *journal, int *committed,
                               char *msg, size_t msg_len);

/*
 * Complete the commit an earlier process left at `journal`, if any, and
 * remove the journal. *n_done counts the renames made now. A missing
 * journal is EXTLS_OK with *n_done 0. A journal that is not one of ours
 * is EXTLS_EPARSE; a failed rename EXTLS_EIO (the journal stays, to be
 * tried again); `msg` says why.
 */
enum extls_status commit_recover(const char *journal, size_t *n_done, char *msg, size_t msg_len);

/* Which temporary files commit_remove_stale() removes. */
enum commit_stale {
    COMMIT_STALE_ANY_PID,  /* every one but this process's own */
    COMMIT_STALE_DEAD_PID, /* those of processes that no longer exist */
};

/*
 * Remove the temporary files a killed run left beside `final`: the names
 * final + ".tmp." + a process id (decimal digits only), as this module,
 * state.h and outfile.h make them, chosen by `which`; never this process's
 * own. Best effort: files that cannot be listed or removed are left.
 * Returns how many were removed. Call it only under the lock that every
 * writer of those names holds (the state's lock, lock.h): see run.c.
 */
size_t commit_remove_stale(const char *final, enum commit_stale which);

/*
 * Replace `final` with the complete file `tmp` (one rename) and fsync the
 * folder. On EXTLS_EIO `msg` says why and both files are as they were.
 */
enum extls_status commit_replace(const char *tmp, const char *final, char *msg, size_t msg_len);

#endif /* EXTLS_COMMIT_H */
