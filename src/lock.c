/* SPDX-License-Identifier: MIT */
/*
 * lock.c: the --state lock on POSIX systems: a write lock on the whole lock
 * file with fcntl(), polled while waiting. On Linux it is an open file
 * description lock (F_OFD_SETLK, Linux 3.15+): owned by the descriptor
 * lock.c opened, so that closing some other descriptor of the same file
 * (an input named by mistake) does not release it, and two locks in one
 * process exclude each other too. Elsewhere, or on an older kernel, it is a
 * classic record lock (F_SETLK), owned by the process. Both vanish with the
 * process, and both are the locks NFS carries to the server through its lock
 * manager.
 */
#define _GNU_SOURCE /* F_OFD_SETLK, F_OFD_GETLK */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct lock {
    int fd; /* the open lock file, write-locked */
};

/* Milliseconds on a monotonic clock. */
static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

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

/*
 * The holder's process id: the kernel's when it says (classic record
 * locks; OFD locks have no owner process), else what the holder wrote into
 * the file; 0 when neither says.
 */
static long
holder_pid(int fd)
{
    struct flock fl;
    if (whole_file(fd, F_WRLCK, GET_LOCK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0)
        return (long)fl.l_pid;
    char text[32];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    char *end;
    long pid = strtol(text, &end, 10);
    return end != text && pid > 0 ? pid : 0;
}

/* Write our pid into the locked file; best effort, the lock is what counts. */
static void
write_pid(int fd)
{
    char text[32];
    int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && n > 0)
        (void)!pwrite(fd, text, (size_t)n, 0);
}

enum extls_status
lock_acquire(struct lock **out, const char *state_path, int64_t wait_ms, char *msg, size_t msg_len)
{
    *out = NULL;
    size_t len = strlen(state_path);
    char *path = malloc(len + sizeof(LOCK_SUFFIX));
    struct lock *l = malloc(sizeof(*l));
    if (!path || !l) {
        free(path);
        free(l);
        return EXTLS_ENOMEM;
    }
    snprintf(path, len + sizeof(LOCK_SUFFIX), "%s%s", state_path, LOCK_SUFFIX);
    l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (l->fd < 0) {
        snprintf(msg, msg_len, "cannot create lock file '%s': %s", path, strerror(errno));
        free(path);
        free(l);
        return EXTLS_EIO;
    }
    int64_t deadline = now_ms() + (wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        struct flock fl;
        if (whole_file(l->fd, F_WRLCK, SET_LOCK, &fl) == 0)
            break;
        int e = errno;
        if (e != EACCES && e != EAGAIN && e != EINTR) {
            snprintf(msg, msg_len, "cannot lock '%s': %s", path, strerror(e));
            close(l->fd);
            free(path);
            free(l);
            return EXTLS_EIO;
        }
        int64_t left = deadline - now_ms();
        if (e != EINTR && left <= 0) {
            long pid = holder_pid(l->fd);
            if (pid)
                snprintf(msg, msg_len, "%s: in use by another extls run (pid %ld)", state_path,
                         pid);
            else
                snprintf(msg, msg_len, "%s: in use by another extls run", state_path);
            close(l->fd);
            free(path);
            free(l);
            return EXTLS_EBUSY;
        }
        if (e != EINTR)
            sleep_ms(left < LOCK_POLL_MS ? left : LOCK_POLL_MS);
    }
    write_pid(l->fd);
    free(path);
    *out = l;
    return EXTLS_OK;
}

void
lock_release(struct lock *l)
{
    if (!l)
        return;
    (void)!ftruncate(l->fd, 0);
    close(l->fd); /* releases the lock */
    free(l);
}
