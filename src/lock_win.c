/* SPDX-License-Identifier: MIT */
/*
 * lock_win.c: the --state lock on Windows (see lock.h): LockFileEx() with
 * LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY on the whole lock
 * file, polled while waiting. The lock belongs to the handle this module
 * opened: closing another handle of the same file does not release it, two
 * locks in one process exclude each other, and Windows drops it when the
 * process ends however it ends. The holder's process id is written to the
 * lock file, outside the locked range, for the message of a run that finds
 * it taken (a locked range cannot be read by others on Windows).
 */
#include "lock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <io.h>
#include <windows.h>

#include "platform.h"

/* The locked range: far past any content, so the pid text stays readable. */
#define LOCK_OFFSET_HIGH 0x7FFFFFFFu
#define LOCK_LENGTH 1u

struct lock {
    int fd;   /* the open lock file (C runtime descriptor) */
    HANDLE h; /* its handle, locked */
};

static int
try_lock(HANDLE h)
{
    OVERLAPPED at = {0};
    at.OffsetHigh = LOCK_OFFSET_HIGH;
    return LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, LOCK_LENGTH, 0,
                      &at) != 0;
}

/* The holder's process id, from the lock file's text; 0 if unknown. */
static long
holder_pid(HANDLE h)
{
    char text[32];
    DWORD n = 0;
    OVERLAPPED at = {0};
    if (!ReadFile(h, text, sizeof(text) - 1, &n, &at) || n == 0)
        return 0;
    text[n] = '\0';
    char *end;
    long pid = strtol(text, &end, 10);
    return end != text && pid > 0 ? pid : 0;
}

/* Write our process id at the start of the file; best effort, the lock is what counts. */
static void
write_pid(HANDLE h, unsigned long pid)
{
    char text[32];
    int n = snprintf(text, sizeof(text), "%lu\n", pid);
    DWORD done;
    OVERLAPPED at = {0};
    LARGE_INTEGER zero = {0};
    if (n > 0 && SetFilePointerEx(h, zero, NULL, FILE_BEGIN) && SetEndOfFile(h))
        (void)WriteFile(h, text, (DWORD)n, &done, &at);
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
    /* Opened through the platform module (long and UNC paths, UTF-8 names). */
    int fd = platform_open_rw(path);
    if (fd < 0) {
        snprintf(msg, msg_len, "cannot create lock file '%s': %s", path, strerror(errno));
        free(path);
        free(l);
        return EXTLS_EIO;
    }
    l->fd = fd;
    l->h = (HANDLE)_get_osfhandle(fd);
    ULONGLONG deadline = GetTickCount64() + (ULONGLONG)(wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        if (try_lock(l->h))
            break;
        DWORD e = GetLastError();
        if (e != ERROR_LOCK_VIOLATION && e != ERROR_IO_PENDING) {
            snprintf(msg, msg_len, "cannot lock '%s': error %lu", path, (unsigned long)e);
            close(fd);
            free(path);
            free(l);
            return EXTLS_EIO;
        }
        ULONGLONG now = GetTickCount64();
        if (now >= deadline) {
            long pid = holder_pid(l->h);
            if (pid)
                snprintf(msg, msg_len, "%s: in use by another extls run (pid %ld)", state_path,
                         pid);
            else
                snprintf(msg, msg_len, "%s: in use by another extls run", state_path);
            close(fd);
            free(path);
            free(l);
            return EXTLS_EBUSY;
        }
        ULONGLONG left = deadline - now;
        Sleep((DWORD)(left < LOCK_POLL_MS ? left : LOCK_POLL_MS));
    }
    write_pid(l->h, GetCurrentProcessId());
    free(path);
    *out = l;
    return EXTLS_OK;
}

void
lock_release(struct lock *l)
{
    if (!l)
        return;
    LARGE_INTEGER zero = {0};
    if (SetFilePointerEx(l->h, zero, NULL, FILE_BEGIN))
        (void)SetEndOfFile(l->h); /* the pid cleared */
    OVERLAPPED at = {0};
    at.OffsetHigh = LOCK_OFFSET_HIGH;
    (void)UnlockFileEx(l->h, 0, LOCK_LENGTH, 0, &at);
    close(l->fd);
    free(l);
}
