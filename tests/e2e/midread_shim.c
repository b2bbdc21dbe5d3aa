/* SPDX-License-Identifier: MIT */
/*
 * midread_shim.c: an LD_PRELOAD library for the robustness tests that
 * changes a file while extls is reading it, at an exact point rather than
 * a moment: right after the first read() of the file named by
 * EXTLS_SHIM_PATH has returned data, it applies EXTLS_SHIM_ACTION once:
 *   truncate:N    cut the file to N bytes (a log rotated or cleaned up)
 *   append:FILE   append the bytes of FILE (a log still being written)
 * Not part of extls; built only for the tests.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t read(int fd, void *buf, size_t n);

/* Append the bytes of `from` to `to`; the shim's own I/O goes around read(). */
static void
append(const char *to, const char *from)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "ab");
    char block[4096];
    size_t got;
    while (in && out && (got = fread(block, 1, sizeof(block), in)) > 0)
        fwrite(block, 1, got, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
}

static void
act(const char *path, const char *action)
{
    if (strncmp(action, "truncate:", 9) == 0) {
        if (truncate(path, strtoll(action + 9, NULL, 10)) != 0)
            perror("midread_shim: truncate");
    } else if (strncmp(action, "append:", 7) == 0) {
        append(path, action + 7);
    }
}

ssize_t
read(int fd, void *buf, size_t n)
{
    static ssize_t (*real_read)(int, void *, size_t);
    static int done;
    if (!real_read)
        real_read = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
    ssize_t got = real_read(fd, buf, n);
    const char *path = getenv("EXTLS_SHIM_PATH"), *action = getenv("EXTLS_SHIM_ACTION");
    if (done || got <= 0 || !path || !action)
        return got;
    char link[64], target[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, target, sizeof(target) - 1);
    if (k > 0) {
        target[k] = '\0';
        if (strcmp(target, path) == 0) {
            done = 1;
            act(path, action);
        }
    }
    return got;
}
