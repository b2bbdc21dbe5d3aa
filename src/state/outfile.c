/* SPDX-License-Identifier: MIT */
/*
 * outfile.c: the report written to a temporary file and renamed into
 * place when complete, and the flush-and-fsync of a report on a stream.
 */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commit.h"
#include "platform.h"

struct outfile {
    const char *path; /* borrowed: the final name */
    char *tmp;        /* owned: the temporary file beside it */
    FILE *f;          /* open on tmp until outfile_finish() */
    int keep;         /* committed or disowned: do not remove tmp */
};

/* "PATH: cannot WHAT: the system's reason"; EXTLS_EIO. */
static enum extls_status
io_error(char *msg, size_t msg_len, const char *what, const char *path, int errnum)
{
    snprintf(msg, msg_len, "%s: cannot %s: %s", path, what, strerror(errnum));
    return EXTLS_EIO;
}

enum extls_status
outfile_open(struct outfile **out, const char *path, char *msg, size_t msg_len)
{
    *out = NULL;
    struct platform_stat sb;
    if (platform_lstat(path, &sb) == 0 && sb.kind != PLATFORM_FILE) {
        snprintf(msg, msg_len,
                 "%s: not a regular file: --output replaces its file by a new one, so name a "
                 "file, not a device, folder or link",
                 path);
        return EXTLS_EINVAL;
    }
    struct outfile *o = calloc(1, sizeof(*o));
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!o || !tmp) {
        free(o);
        free(tmp);
        return EXTLS_ENOMEM;
    }
    o->path = path;
    o->tmp = tmp;
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
    int fd = platform_open_new(tmp);
    if (fd < 0 && errno == EEXIST) {
        /* Left by a killed process that had our pid: ours to replace. */
        platform_unlink(tmp);
        fd = platform_open_new(tmp);
    }
    if (fd < 0) {
        enum extls_status rc =
            io_error(msg, msg_len, "create the report's temporary file", tmp, errno);
        free(tmp);
        free(o);
        return rc;
    }
    o->f = fdopen(fd, "wb"); /* "b": no newline translation on Windows */
    if (!o->f) {
        close(fd);
        platform_unlink(tmp);
        free(tmp);
        free(o);
        return EXTLS_ENOMEM;
    }
    *out = o;
    return EXTLS_OK;
}

FILE *
outfile_stream(struct outfile *o)
{
    return o->f;
}

const char *
outfile_temp(const struct outfile *o)
{
    return o->tmp;
}

const char *
outfile_path(const struct outfile *o)
{
    return o->path;
}

enum extls_status
outfile_finish(struct outfile *o, char *msg, size_t msg_len)
{
    if (!o->f)
        return EXTLS_OK;
    FILE *f = o->f;
    o->f = NULL;
    int bad = fflush(f) != 0 || ferror(f);
    int errnum = errno;
    if (!bad && platform_fsync(fileno(f)) != 0) {
        bad = 1;
        errnum = errno;
    }
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        errnum = errno;
    }
    if (bad)
        return io_error(msg, msg_len, "write the report", o->tmp, errnum ? errnum : EIO);
    return EXTLS_OK;
}

enum extls_status
outfile_commit(struct outfile *o, char *msg, size_t msg_len)
{
    enum extls_status rc = commit_replace(o->tmp, o->path, msg, msg_len);
    if (rc == EXTLS_OK)
        o->keep = 1;
    return rc;
}

void
outfile_disown(struct outfile *o)
{
    o->keep = 1;
}

void
outfile_free(struct outfile *o)
{
    if (!o)
        return;
    if (o->f)
        fclose(o->f);
    if (!o->keep)
        platform_unlink(o->tmp);
    free(o->tmp);
    free(o);
}

enum extls_status
outfile_sync_stream(FILE *f, char *msg, size_t msg_len)
{
    struct platform_stat sb;
    if (fflush(f) != 0 || ferror(f)) {
        snprintf(msg, msg_len, "cannot write output: %s", strerror(errno ? errno : EIO));
        return EXTLS_EIO;
    }
    int fd = fileno(f);
    if (fd >= 0 && platform_fstat(fd, &sb) == 0 && sb.kind == PLATFORM_FILE &&
        platform_fsync(fd) != 0) {
        snprintf(msg, msg_len, "cannot write output: %s", strerror(errno));
        return EXTLS_EIO;
    }
    return EXTLS_OK;
}
