/* SPDX-License-Identifier: MIT */
/*
 * fault_shim.c: an LD_PRELOAD library for the exactly-once tests that makes
 * one chosen file operation of extls fail, or kills extls just before it.
 *
 *   EXTLS_FAULT=OP:N[:ACT]    OP is write, fsync or rename; the Nth such call
 *                             (from 1) on a path under EXTLS_FAULT_DIR fails
 *                             with errno EXTLS_FAULT_ERRNO (a number, default
 *                             EIO); with ":kill" the process gets SIGKILL
 *                             instead (a crash at that point); with ":stop" it
 *                             stops (SIGSTOP) and, once continued, makes the
 *                             call (a run held at that point)
 *   EXTLS_FAULT_DIR=DIR       only paths equal to DIR or under DIR/ count
 *   EXTLS_FAULT_LOG=FILE      when the fault fires, "OP N PATH" is appended
 *
 * A write or fsync counts by the path its descriptor is open on
 * (/proc/self/fd), a rename by either of its paths. Writes made inside the C
 * library's stdio (the report stream) do not pass through here; the tests
 * reach those with a file size limit instead. Not part of extls; built only
 * for the tests.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t write(int fd, const void *buf, size_t n);
int fsync(int fd);
int rename(const char *from, const char *to);

static int
under_dir(const char *path)
{
    const char *dir = getenv("EXTLS_FAULT_DIR");
    if (!dir || !path)
        return 0;
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int
fd_under_dir(int fd, char *path, size_t cap)
{
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, path, cap - 1);
    if (k <= 0)
        return 0;
    path[k] = '\0';
    return under_dir(path);
}

/*
 * Count one call of `op` on `path`; returns 1 when this is the call to fail
 * (errno set), after killing the process if so asked.
 */
static int
fault(const char *op, const char *path)
{
    static unsigned long seen[3];
    static const char *const ops[3] = {"write", "fsync", "rename"};
    const char *spec = getenv("EXTLS_FAULT");
    size_t len = strlen(op);
    if (!spec || strncmp(spec, op, len) != 0 || spec[len] != ':')
        return 0;
    int k = 0;
    while (strcmp(ops[k], op) != 0)
        k++;
    char *end;
    unsigned long want = strtoul(spec + len + 1, &end, 10);
    if (++seen[k] != want)
        return 0;
    const char *log = getenv("EXTLS_FAULT_LOG");
    FILE *f = log ? fopen(log, "a") : NULL;
    if (f) {
        fprintf(f, "%s %lu %s\n", op, want, path);
        fclose(f);
    }
    if (strcmp(end, ":kill") == 0)
        raise(SIGKILL);
    if (strcmp(end, ":stop") == 0) {
        raise(SIGSTOP);
        return 0;
    }
    const char *e = getenv("EXTLS_FAULT_ERRNO");
    errno = e ? (int)strtol(e, NULL, 10) : EIO;
    return 1;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    char path[4096];
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (fd > 2 && fd_under_dir(fd, path, sizeof(path)) && fault("write", path))
        return -1;
    return real(fd, buf, n);
}

int
fsync(int fd)
{
    static int (*real)(int);
    char path[4096];
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    if (fd_under_dir(fd, path, sizeof(path)) && fault("fsync", path))
        return -1;
    return real(fd);
}

int
rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if ((under_dir(from) || under_dir(to)) && fault("rename", to))
        return -1;
    return real(from, to);
}
