/* SPDX-License-Identifier: MIT */
/*
 * lock_int.h: the system's side of the --state lock, private to the lock
 * module. src/platform/lock.c holds what every system shares (the lock file's
 * name, waiting and polling, the holder's process id as text, messages);
 * one of src/platform/lock_posix.c (fcntl() locks) and src/platform/lock_win.c (LockFileEx())
 * implements the calls below on the descriptor lock.c opened with
 * platform_open_rw().
 */
#ifndef EXTLS_LOCK_INT_H
#define EXTLS_LOCK_INT_H

#include <stddef.h>
#include <stdint.h>

/* What one attempt to take the lock gave. */
enum lock_try {
    LOCK_TAKEN = 0,   /* the lock is ours */
    LOCK_HELD,        /* another holder has it: wait or give up */
    LOCK_INTERRUPTED, /* a signal came first: try again at once */
    LOCK_FAILED,      /* the system refuses: `why` says why */
};

/*
 * Try once, without waiting, to take the exclusive lock of the open lock
 * file fd. On LOCK_FAILED, `why` (why_len bytes) holds the system's reason.
 */
enum lock_try lock_os_try(int fd, char *why, size_t why_len);

/*
 * The holder's process id as the system reports it (POSIX record locks
 * name their owner), or 0 when the system does not say: lock.c then reads
 * the id the holder wrote into the file.
 */
long lock_os_holder_pid(int fd);

/* Up to cap bytes from the start of the file into buf; the count, or 0. */
size_t lock_os_read_head(int fd, char *buf, size_t cap);

/*
 * Empty the file, then write text (n bytes, none when 0) at its start; best
 * effort, the lock is what counts.
 */
void lock_os_write_head(int fd, const char *text, size_t n);

/* Give up the lock held on fd, before it is closed (POSIX: closing does it). */
void lock_os_unlock(int fd);

/* This process's id. */
unsigned long lock_os_pid(void);

/* Milliseconds on a monotonic clock. */
int64_t lock_os_now_ms(void);

/* Sleep ms milliseconds. */
void lock_os_sleep_ms(int64_t ms);

#endif /* EXTLS_LOCK_INT_H */
