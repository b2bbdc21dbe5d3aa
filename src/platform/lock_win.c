/* SPDX-License-Identifier: MIT */
/*
 * lock_win.c: the --state lock on Windows (see lock_int.h): LockFileEx()
 * with LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, polled by
 * lock.c while waiting. The lock belongs to the handle of the descriptor
 * lock.c opened: closing another handle of the same file does not release
 * it, two locks in one process exclude each other, and Windows drops it
 * when the process ends however it ends. The locked range lies far past
 * the file's content, so the holder's process id written at the start
 * stays readable by a run that finds it taken (a locked range cannot be
 * read by others on Windows).
 */
#include "lock_int.h"

#include <stdio.h>

#include <io.h>
#include <windows.h>

/* The locked range: far past any content, so the pid text stays readable. */
#define LOCK_OFFSET_HIGH 0x7FFFFFFFu
#define LOCK_LENGTH 1u

static HANDLE
handle_of(int fd)
{
    return (HANDLE)_get_osfhandle(fd);
}

enum lock_try
lock_os_try(int fd, char *why, size_t why_len)
{
    OVERLAPPED at = {0};
    at.OffsetHigh = LOCK_OFFSET_HIGH;
    if (LockFileEx(handle_of(fd), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0,
                   LOCK_LENGTH, 0, &at))
        return LOCK_TAKEN;
    DWORD e = GetLastError();
    if (e == ERROR_LOCK_VIOLATION || e == ERROR_IO_PENDING)
        return LOCK_HELD;
    snprintf(why, why_len, "error %lu", (unsigned long)e);
    return LOCK_FAILED;
}

long
lock_os_holder_pid(int fd)
{
    (void)fd; /* Windows does not say who holds a range */
    return 0;
}

size_t
lock_os_read_head(int fd, char *buf, size_t cap)
{
    DWORD n = 0;
    OVERLAPPED at = {0};
    if (!ReadFile(handle_of(fd), buf, (DWORD)cap, &n, &at))
        return 0;
    return n;
}

void
lock_os_write_head(int fd, const char *text, size_t n)
{
    HANDLE h = handle_of(fd);
    DWORD done;
    OVERLAPPED at = {0};
    LARGE_INTEGER zero = {0};
    if (SetFilePointerEx(h, zero, NULL, FILE_BEGIN) && SetEndOfFile(h) && n > 0)
        (void)WriteFile(h, text, (DWORD)n, &done, &at);
}

void
lock_os_unlock(int fd)
{
    OVERLAPPED at = {0};
    at.OffsetHigh = LOCK_OFFSET_HIGH;
    (void)UnlockFileEx(handle_of(fd), 0, LOCK_LENGTH, 0, &at);
}

unsigned long
lock_os_pid(void)
{
    return GetCurrentProcessId();
}

int64_t
lock_os_now_ms(void)
{
    return (int64_t)GetTickCount64();
}

void
lock_os_sleep_ms(int64_t ms)
{
    Sleep((DWORD)ms);
}
