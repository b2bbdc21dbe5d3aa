/* SPDX-License-Identifier: MIT */
/*
 * lock.c: the --state lock on every system (see lock.h): the lock file
 * beside the state, attempts polled until the wait is over, the holder's
 * process id written into the file and read back for the message of a run
 * that finds it taken. The system's lock calls are in lock_posix.c or
 * lock_win.c (lock_int.h); the file is opened through the platform module.
 */
#include "lock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock_int.h"
#include "platform.h"
#include "isotime.h"

struct lock {
    int fd; /* the open lock file, locked */
};

/*
 * The holder's process id: the system's when it says, else what the holder
 * wrote into the file; 0 when neither says.
 */
static long
holder_pid(int fd)
{
    long pid = lock_os_holder_pid(fd);
    if (pid > 0)
        return pid;
    char text[32];
    size_t n = lock_os_read_head(fd, text, sizeof(text) - 1);
    if (n == 0)
        return 0;
    text[n] = '\0';
    char *end;
    pid = strtol(text, &end, 10);
    return end != text && pid > 0 ? pid : 0;
}

/* Write our process id into the locked file; best effort, the lock is what counts. */
static void
write_pid(int fd)
{
    char text[32];
    int n = snprintf(text, sizeof(text), "%lu\n", lock_os_pid());
    if (n > 0)
        lock_os_write_head(fd, text, (size_t)n);
}

/*
 * The message of a lock another run holds, with its pid when known, and
 * the time waited for it (wait_ms > 0) as --wait takes it.
 */
static void
in_use(char *msg, size_t msg_len, const char *state_path, long pid, int64_t wait_ms)
{
    char who[48] = "", waited[ISOTIME_BUF + 16] = "", d[ISOTIME_BUF];
    if (pid)
        snprintf(who, sizeof(who), " (pid %ld)", pid);
    if (wait_ms > 0)
        snprintf(waited, sizeof(waited), " after waiting %s", isotime_format_duration(wait_ms, d));
    snprintf(msg, msg_len, "%s: %sin use by another extls run%s%s", state_path,
             wait_ms > 0 ? "still " : "", who, waited);
}

/*
 * Take the lock of the open lock file fd (named `path`), polling up to
 * wait_ms. EXTLS_OK, or EXTLS_EBUSY / EXTLS_EIO with `msg`.
 */
static enum extls_status
take(int fd, const char *path, const char *state_path, int64_t wait_ms, char *msg, size_t msg_len)
{
    int64_t deadline = lock_os_now_ms() + (wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        char why[128];
        enum lock_try r = lock_os_try(fd, why, sizeof(why));
        if (r == LOCK_TAKEN)
            return EXTLS_OK;
        if (r == LOCK_FAILED) {
            snprintf(msg, msg_len, "%s: cannot lock: %s", path, why);
            return EXTLS_EIO;
        }
        if (r == LOCK_INTERRUPTED)
            continue;
        int64_t left = deadline - lock_os_now_ms();
        if (left <= 0) {
            in_use(msg, msg_len, state_path, holder_pid(fd), wait_ms);
            return EXTLS_EBUSY;
        }
        lock_os_sleep_ms(left < LOCK_POLL_MS ? left : LOCK_POLL_MS);
    }
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
    /* Through the platform module: long and UNC paths, UTF-8 names on Windows. */
    l->fd = platform_open_rw(path);
    if (l->fd < 0) {
        snprintf(msg, msg_len, "%s: cannot create the lock file: %s", path, strerror(errno));
        free(path);
        free(l);
        return EXTLS_EIO;
    }
    enum extls_status st = take(l->fd, path, state_path, wait_ms, msg, msg_len);
    free(path);
    if (st != EXTLS_OK) {
        close(l->fd);
        free(l);
        return st;
    }
    write_pid(l->fd);
    *out = l;
    return EXTLS_OK;
}

void
lock_release(struct lock *l)
{
    if (!l)
        return;
    lock_os_write_head(l->fd, "", 0); /* the pid cleared */
    lock_os_unlock(l->fd);
    close(l->fd); /* releases the lock on POSIX systems */
    free(l);
}
