/* SPDX-License-Identifier: MIT */
/*
 * lock.h: one run per --state file at a time.
 *
 * Model. A run that uses a state file first takes an exclusive lock on a
 * lock file beside it (the state's path + ".lock") and keeps it until it
 * ends. The lock is the operating system's (POSIX: a write lock on the
 * whole file with fcntl(), see lock_posix.c; Windows: LockFileEx(), see
 * lock_win.c), not the file's existence: it vanishes with the
 * process, however it ends (kill -9, a crash, a reboot), so a stale lock
 * of a dead run never blocks. The file itself stays (removing it would let
 * two runs lock two different files); while locked it holds the holder's
 * process id, as text, for the message of the run that finds it taken.
 *
 * A second run either fails at once or waits, polling, up to a given time.
 *
 * Everything platform-specific about locking lives behind this interface
 * (src/platform/lock_int.h); nothing here prints.
 */
#ifndef EXTLS_LOCK_H
#define EXTLS_LOCK_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"

#define LOCK_SUFFIX ".lock"
#define LOCK_POLL_MS 50 /* between two attempts while waiting */

struct lock;

/*
 * Lock the state file `state_path` (its lock file is state_path +
 * LOCK_SUFFIX, created when missing). Waits up to wait_ms milliseconds
 * (0: not at all) for another run to finish. On success *out is the held
 * lock (caller owns, free with lock_release()). Errors, with `msg`
 * (msg_len bytes) saying why and *out NULL:
 *   EXTLS_EBUSY   another process holds it: "FILE: in use by another
 *                 extls run (pid N)" (the pid when it can be known), or
 *                 after a wait "FILE: still in use by another extls run
 *                 (pid N) after waiting 5m"
 *   EXTLS_EIO     the lock file cannot be created or locked
 *   EXTLS_ENOMEM
 */
enum extls_status lock_acquire(struct lock **out, const char *state_path, int64_t wait_ms,
                               char *msg, size_t msg_len);

/*
 * Give the lock up: its process id is cleared from the lock file and the
 * lock released. lock_release(NULL) is a no-op.
 */
void lock_release(struct lock *l);

#endif /* EXTLS_LOCK_H */
