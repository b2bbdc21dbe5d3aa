/* SPDX-License-Identifier: MIT */
/*
 * posix_compat.h: the few POSIX calls the unit tests use (not extls
 * itself, whose system calls go through platform.h), mapped to the C
 * runtime for the Windows build of the tests. Force-included into every
 * unit test of that build (tests/windows/windows.cmake); never used on
 * POSIX systems.
 */
#ifndef EXTLS_TESTS_POSIX_COMPAT_H
#define EXTLS_TESTS_POSIX_COMPAT_H

#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "platform.h"

static inline int
compat_setenv(const char *name, const char *value, int overwrite)
{
    if (!overwrite && getenv(name))
        return 0;
    return _putenv_s(name, value) == 0 ? 0 : -1;
}
#define setenv compat_setenv

static inline int
compat_unsetenv(const char *name)
{
    return _putenv_s(name, "") == 0 ? 0 : -1;
}
#define unsetenv compat_unsetenv

/* open_memstream(): the platform module's, whose buffer is filled by fclose(). */
#define COMPAT_MEMSTREAMS 16
static struct {
    FILE *f;
    char **buf;
    size_t *len;
} compat_ms[COMPAT_MEMSTREAMS];

static inline FILE *
compat_open_memstream(char **buf, size_t *len)
{
    for (int i = 0; i < COMPAT_MEMSTREAMS; i++) {
        if (!compat_ms[i].f) {
            FILE *f = platform_memstream(buf, len);
            if (f) {
                compat_ms[i].f = f;
                compat_ms[i].buf = buf;
                compat_ms[i].len = len;
            }
            return f;
        }
    }
    errno = EMFILE;
    return NULL;
}
#define open_memstream compat_open_memstream

static inline int
compat_fclose(FILE *f)
{
    for (int i = 0; i < COMPAT_MEMSTREAMS; i++) {
        if (f && compat_ms[i].f == f) {
            compat_ms[i].f = NULL;
            return platform_memstream_close(f, compat_ms[i].buf, compat_ms[i].len);
        }
    }
    return fclose(f);
}
#define fclose compat_fclose

static inline int
compat_pipe(int fds[2])
{
    return _pipe(fds, 1 << 16, _O_BINARY);
}
#define pipe compat_pipe

static inline int
compat_mkdir(const char *path, int mode)
{
    (void)mode;
    return _mkdir(path);
}
#define mkdir(path, mode) compat_mkdir(path, mode)

static inline char *
compat_mkdtemp(char *templ)
{
    if (_mktemp_s(templ, strlen(templ) + 1) != 0 || _mkdir(templ) != 0)
        return NULL;
    return templ;
}
#define mkdtemp compat_mkdtemp

#define lstat stat

/*
 * Time zones: extls.exe reads TZ in the POSIX form and otherwise uses the
 * zone set in Windows; it has no zone database. So the tests' oracle is
 * the platform module's local time, and zone database files (seen through
 * Wine's Z: drive) count as absent, as on Windows.
 */
static inline struct tm *
compat_localtime_r(const time_t *t, struct tm *tm)
{
    return platform_localtime(*t, tm) == 0 ? tm : NULL;
}
#undef localtime_r
#define localtime_r compat_localtime_r

static inline int
compat_access(const char *path, int mode)
{
    if (strncmp(path, "/usr/share/zoneinfo/", 20) == 0) {
        errno = ENOENT;
        return -1;
    }
    return _access(path, mode);
}
#define access compat_access

#endif /* EXTLS_TESTS_POSIX_COMPAT_H */
