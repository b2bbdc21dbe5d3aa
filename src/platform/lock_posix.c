/* SPDX-License-Identifier: MIT */
/*
 * lock_posix.c: the --state lock on POSIX systems (see lock_int.h): a
 * write lock on the whole lock file with fcntl(), polled by lock.c while
 * waiting. On Linux it is an open file description lock (F_OFD_SETLK,
 * Linux 3.15+): owned by the descriptor lock.c opened, so that closing
 * some other descriptor of the same file (an input named by mistake) does
 * not release it, and two locks in one process exclude each other too.
 * Elsewhere, or on an older kernel, it is a classic record lock (F_SETLK),
 * owned by the process. Both vanish with the process, and both are the
 * locks NFS carries to the server through its lock manager.
 */
#define _GNU_SOURCE /* F_OFD_SETLK, F_OFD_GETLK */
#include "lock_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef F_OFD_SETLK
#define SET_LOCK F_OFD_SETLK
#define GET_LOCK F_OFD_GETLK
#else
#define SET_LOCK F_SETLK
#define GET_LOCK F_GETLK
#endif

/*
 * fcntl() lock command `cmd` (SET_LOCK or GET_LOCK) over the whole file;
 * falls back to classic record locks where a kernel does not know the OFD
 * commands (EINVAL).
 */
static int
whole_file(int fd, short type, int cmd, struct flock *fl)
{
    memset(fl, 0, sizeof(*fl));
    fl->l_type = type;
    fl->l_whence = SEEK_SET;
    fl->l_start = 0;
    fl->l_len = 0; /* to the end, however long */
    int rc = fcntl(fd, cmd, fl);
    if (rc != 0 && errno == EINVAL && cmd != F_SETLK && cmd != F_GETLK) {
        fl->l_type = type;
        rc = fcntl(fd, cmd == SET_LOCK ? F_SETLK : F_GETLK, fl);
    }
    return rc;
}

enum lock_try
lock_os_try(int fd, char *why, size_t why_len)
{
    struct flock fl;
    if (whole_file(fd, F_WRLCK, SET_LOCK, &fl) == 0)
        return LOCK_TAKEN;
    int e = errno;
    if (e == EINTR)
        return LOCK_INTERRUPTED;
    if (e == EACCES || e == EAGAIN)
        return LOCK_HELD;
    snprintf(why, why_len, "%s", strerror(e));
    return LOCK_FAILED;
}

/* The kernel's answer for classic record locks; OFD locks have no owner process. */
long
lock_os_holder_pid(int fd)
{
    struct flock fl;
    if (whole_file(fd, F_WRLCK, GET_LOCK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0)
        return (long)fl.l_pid;
    return 0;
}

size_t
lock_os_read_head(int fd, char *buf, size_t cap)
{
    ssize_t n = pread(fd, buf, cap, 0);
    return n > 0 ? (size_t)n : 0;
}

void
lock_os_write_head(int fd, const char *text, size_t n)
{
    if (ftruncate(fd, 0) == 0 && n > 0)
        (void)!pwrite(fd, text, n, 0);
}

void
lock_os_unlock(int fd)
{
    (void)fd; /* close() releases the lock */
}

unsigned long
lock_os_pid(void)
{
    return (unsigned long)getpid();
}

int64_t
lock_os_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
lock_os_sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
