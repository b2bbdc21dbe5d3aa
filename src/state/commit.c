/* SPDX-License-Identifier: MIT */
/*
 * commit.c: several temporary files renamed into place as one, through a
 * journal that the next run completes after a crash (see commit.h). Only
 * the platform module's calls: open, write, fsync, rename, unlink.
 */
#include "commit.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

#define MAGIC "extls-commit-1"
#define JOURNAL_MAX (64 * 1024) /* far more than COMMIT_MAX_PAIRS paths */

void
commit_init(struct commit *c)
{
    memset(c, 0, sizeof(*c));
}

void
commit_add(struct commit *c, const char *tmp, const char *final)
{
    assert(c->n < COMMIT_MAX_PAIRS);
    c->tmp[c->n] = tmp;
    c->final[c->n] = final;
    c->n++;
}

/* "PATH: cannot WHAT: the system's reason", from errno; EXTLS_EIO. */
static enum extls_status
io_error(char *msg, size_t msg_len, const char *what, const char *path)
{
    snprintf(msg, msg_len, "%s: cannot %s: %s", path, what, strerror(errno));
    return EXTLS_EIO;
}

/* Make the renames in the folder holding `path` durable; best effort. */
static void
sync_folder(const char *path)
{
    platform_sync_folder_of(path);
}

enum extls_status
commit_replace(const char *tmp, const char *final, char *msg, size_t msg_len)
{
    if (platform_rename(tmp, final) != 0)
        return io_error(msg, msg_len, "replace", final);
    sync_folder(final);
    return EXTLS_OK;
}

/* Write all of buf to fd; -1 with errno set. */
static int
write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Append a NUL-terminated string to a growing buffer; -1 when it would not fit. */
static int
put(char *buf, size_t *len, const char *s)
{
    size_t n = strlen(s) + 1;
    if (*len + n > JOURNAL_MAX)
        return -1;
    memcpy(buf + *len, s, n);
    *len += n;
    return 0;
}

/*
 * Append `path` to the journal as an absolute path, so that the next run
 * finds the files whatever its working folder; -1 when it does not fit.
 */
static int
put_absolute(char *buf, size_t *len, const char *path)
{
    char *abs = platform_absolute(path);
    if (!abs)
        return -1;
    int rc = put(buf, len, abs);
    free(abs);
    return rc;
}

/* Make the renames of a journal's pairs whose temporary file is still there. */
static enum extls_status
roll_forward(const char *const *tmp, const char *const *final, size_t n, size_t *n_done, char *msg,
             size_t msg_len)
{
    for (size_t i = 0; i < n; i++) {
        struct platform_stat sb;
        if (platform_lstat(tmp[i], &sb) != 0) {
            if (errno == ENOENT)
                continue; /* renamed already */
            return io_error(msg, msg_len, "look at", tmp[i]);
        }
        if (platform_rename(tmp[i], final[i]) != 0)
            return io_error(msg, msg_len, "replace", final[i]);
        (*n_done)++;
    }
    for (size_t i = 0; i < n; i++)
        sync_folder(final[i]);
    return EXTLS_OK;
}

/* Remove the journal once its renames are made, and make that durable. */
static enum extls_status
drop_journal(const char *journal, char *msg, size_t msg_len)
{
    if (platform_unlink(journal) != 0 && errno != ENOENT)
        return io_error(msg, msg_len, "remove the commit journal", journal);
    sync_folder(journal);
    return EXTLS_OK;
}

enum extls_status
commit_apply(const struct commit *c, const char *journal, int *committed, char *msg, size_t msg_len)
{
    *committed = 0;
    char *buf = malloc(JOURNAL_MAX);
    size_t jlen = strlen(journal);
    char *jtmp = malloc(jlen + 32);
    if (!buf || !jtmp) {
        free(buf);
        free(jtmp);
        return EXTLS_ENOMEM;
    }
    snprintf(jtmp, jlen + 32, "%s.tmp.%ld", journal, (long)getpid());
    size_t len = 0;
    int fits = put(buf, &len, MAGIC) == 0;
    for (size_t i = 0; fits && i < c->n; i++)
        fits = put_absolute(buf, &len, c->tmp[i]) == 0 && put_absolute(buf, &len, c->final[i]) == 0;
    fits = fits && put(buf, &len, "") == 0;
    enum extls_status rc = EXTLS_OK;
    int fd = -1;
    if (!fits) {
        snprintf(msg, msg_len,
                 "%s: cannot write the commit journal: paths too long, or no working folder",
                 journal);
        rc = EXTLS_EIO;
        goto out;
    }
    fd = platform_open_write(jtmp);
    if (fd < 0) {
        rc = io_error(msg, msg_len, "create the commit journal", jtmp);
        goto out;
    }
    if (write_all(fd, buf, len) != 0 || platform_fsync(fd) != 0) {
        rc = io_error(msg, msg_len, "write the commit journal", jtmp);
        close(fd);
        platform_unlink(jtmp);
        goto out;
    }
    if (close(fd) != 0) {
        rc = io_error(msg, msg_len, "write the commit journal", jtmp);
        platform_unlink(jtmp);
        goto out;
    }
    if (platform_rename(jtmp, journal) != 0) {
        rc = io_error(msg, msg_len, "replace", journal);
        platform_unlink(jtmp);
        goto out;
    }
    sync_folder(journal);
    *committed = 1; /* from here on the next run completes what fails */
    size_t done = 0;
    rc = roll_forward(c->tmp, c->final, c->n, &done, msg, msg_len);
    if (rc == EXTLS_OK)
        rc = drop_journal(journal, msg, msg_len);
out:
    free(buf);
    free(jtmp);
    return rc;
}

enum extls_status
commit_recover(const char *journal, size_t *n_done, char *msg, size_t msg_len)
{
    *n_done = 0;
    int fd = platform_open_read(journal);
    if (fd < 0) {
        if (errno == ENOENT)
            return EXTLS_OK;
        return io_error(msg, msg_len, "open the commit journal", journal);
    }
    char *buf = malloc(JOURNAL_MAX + 1);
    if (!buf) {
        close(fd);
        return EXTLS_ENOMEM;
    }
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, JOURNAL_MAX + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            enum extls_status rc = io_error(msg, msg_len, "read the commit journal", journal);
            close(fd);
            free(buf);
            return rc;
        }
        if (n == 0 || (len += (size_t)n) > JOURNAL_MAX)
            break;
    }
    close(fd);
    /* Split into strings: magic, pairs, then the empty string at the very end. */
    const char *tmp[COMMIT_MAX_PAIRS], *final[COMMIT_MAX_PAIRS];
    size_t n = 0, at = 0, field = 0;
    int ended = 0;
    int ok = len <= JOURNAL_MAX && len > 0 && buf[len - 1] == '\0';
    while (ok && at < len) {
        const char *s = buf + at;
        size_t slen = strlen(s);
        at += slen + 1;
        if (field == 0) {
            ok = strcmp(s, MAGIC) == 0;
        } else if (slen == 0 && field % 2 == 1) {
            ended = 1; /* must be the last byte */
            break;
        } else if (slen == 0 || n == COMMIT_MAX_PAIRS) {
            ok = 0;
        } else if (field % 2 == 1) {
            tmp[n] = s;
        } else {
            final[n++] = s;
        }
        field++;
    }
    ok = ok && ended && at == len;
    enum extls_status rc = EXTLS_OK;
    if (!ok) {
        snprintf(msg, msg_len,
                 "%s: not an extls commit journal (damaged?); if no extls run is going, remove it",
                 journal);
        rc = EXTLS_EPARSE;
    } else {
        rc = roll_forward(tmp, final, n, n_done, msg, msg_len);
        if (rc == EXTLS_OK)
            rc = drop_journal(journal, msg, msg_len);
    }
    free(buf);
    return rc;
}

/* The process id of a temporary name base + ".tmp." + digits, or 0. */
static long
temp_pid(const char *name, const char *base, size_t base_len)
{
    static const char tag[] = ".tmp.";
    if (strncmp(name, base, base_len) != 0 || strncmp(name + base_len, tag, sizeof(tag) - 1) != 0)
        return 0;
    const char *digits = name + base_len + sizeof(tag) - 1;
    unsigned long long pid = 0;
    for (const char *p = digits; *p; p++) {
        if (*p < '0' || *p > '9' || p - digits >= 10)
            return 0;
        pid = pid * 10 + (unsigned)(*p - '0');
    }
    return pid <= (unsigned long long)LONG_MAX ? (long)pid : 0;
}

size_t
commit_remove_stale(const char *final, enum commit_stale which)
{
    size_t len = strlen(final), cut = len;
    while (cut > 0 && !platform_is_sep(final[cut - 1]))
        cut--;
    const char *base = final + cut;
    size_t base_len = len - cut;
    char *dir = malloc(cut + 2);
    if (!dir || base_len == 0) {
        free(dir);
        return 0;
    }
    if (cut == 0) {
        memcpy(dir, ".", 2);
    } else {
        memcpy(dir, final, cut); /* with its separator: "/" stays the root */
        dir[cut] = '\0';
    }
    struct platform_dir *d = platform_dir_open(dir);
    size_t removed = 0;
    const char *name;
    long self = (long)getpid();
    while (d && platform_dir_next(d, &name) == 1) {
        long pid = temp_pid(name, base, base_len);
        if (pid <= 0 || pid == self)
            continue;
        if (which == COMMIT_STALE_DEAD_PID && platform_process_alive(pid))
            continue;
        size_t plen = cut + strlen(name) + 1;
        char *path = malloc(plen);
        if (!path)
            break;
        snprintf(path, plen, "%s%s", cut == 0 ? "" : dir, name);
        struct platform_stat sb;
        if (platform_lstat(path, &sb) == 0 && sb.kind == PLATFORM_FILE &&
            platform_unlink(path) == 0)
            removed++;
        free(path);
    }
    platform_dir_close(d);
    free(dir);
    return removed;
}
