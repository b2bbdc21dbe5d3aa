/* SPDX-License-Identifier: MIT */
/*
 * resume.c: where an input goes on with --state, and its record after
 * reading (see resume.h).
 */
#include "resume.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

/* Read up to `cap` plain bytes through gzin into buf; the count in *got. */
static enum extls_status
read_plain(struct resume *rs, struct gzin *gz, const char *display, char *buf, size_t cap,
           size_t *got)
{
    *got = 0;
    while (*got < cap) {
        size_t n;
        enum extls_status st = gzin_read(gz, buf + *got, cap - *got, &n);
        if (st != EXTLS_OK) {
            if (st != EXTLS_ENOMEM)
                snprintf(rs->err, sizeof(rs->err), "%s: %s", display, gzin_message(gz));
            return st == EXTLS_ENOMEM ? st : EXTLS_EIO;
        }
        if (n == 0)
            break;
        *got += n;
    }
    return EXTLS_OK;
}

/* A seek error, in rs->err. */
static enum extls_status
seek_error(struct resume *rs, const char *path)
{
    snprintf(rs->err, sizeof(rs->err), "%s: cannot seek: %s", path, strerror(errno));
    return EXTLS_EIO;
}

/* Do the input's first bytes (in rs) hash as rec's head? */
static int
head_matches(const struct resume *rs, const struct state_file *rec)
{
    return rs->head_got >= rec->head_len &&
           state_head_hash(rs->head, (size_t)rec->head_len) == rec->head_hash;
}

/*
 * The record of the file (open as fd) whose first bytes rs holds, with a
 * head that matches: by path, else by identity, else (a full head, and no
 * record of the path) by content. NULL when none; *by_path is then the
 * record of the path whose head differs (replaced), or NULL.
 */
static const struct state_file *
find_record(const struct resume *rs, const struct state *st, const unsigned char *claimed,
            const char *path, int fd, const struct state_file **by_path)
{
    const struct state_file *rec = state_find_file(st, path);
    *by_path = NULL;
    if (rec && head_matches(rs, rec))
        return rec; /* the common case: no system call */
    *by_path = rec;
    struct platform_stat sb;
    const struct state_file *same = NULL;
    if (platform_fstat(fd, &sb) == 0)
        same = state_find_identity(st, sb.dev, sb.ino, rs->head, rs->head_got);
    if (same)
        return same;
    if (!rec && rs->head_got == STATE_HEAD) {
        same = state_find_head(st, state_head_hash(rs->head, STATE_HEAD), claimed);
        if (same && head_matches(rs, same))
            return same;
    }
    return NULL;
}

/*
 * A gzip input that is the file of rec: inflate again up to rec's place.
 * Returns EXTLS_OK with *found 1 when there, 0 when the input ended
 * before it (shorter now).
 */
static enum extls_status
inflate_to(struct resume *rs, const struct state_file *rec, const char *display, struct gzin *gz,
           char *buf, size_t cap, struct resume_place *place, int *found)
{
    uint64_t at = rs->head_got;
    *found = 1;
    if (rec->pos.offset <= at) {
        place->pending = rs->head + rec->pos.offset;
        place->n_pending = (size_t)(at - rec->pos.offset);
        return EXTLS_OK;
    }
    for (;;) {
        size_t n;
        enum extls_status st = read_plain(rs, gz, display, buf, cap, &n);
        if (st != EXTLS_OK)
            return st;
        if (n == 0)
            break; /* ended before the saved position: shorter now */
        if (at + (uint64_t)n > rec->pos.offset) {
            size_t skip = (size_t)(rec->pos.offset - at);
            place->pending = buf + skip;
            place->n_pending = n - skip;
            return EXTLS_OK;
        }
        at += (uint64_t)n;
        if (at == rec->pos.offset)
            return EXTLS_OK;
    }
    *found = 0;
    return EXTLS_OK;
}

enum extls_status
resume_point(struct resume *rs, const struct state *st, const unsigned char *claimed,
             const char *path, const char *display, enum extls_dir hint, int fd, struct gzin *gz,
             struct reader *rd, char *buf, size_t cap, struct resume_place *place)
{
    memset(place, 0, sizeof(*place));
    enum extls_status err = read_plain(rs, gz, display, rs->head, STATE_HEAD, &rs->head_got);
    if (err != EXTLS_OK)
        return err;
    const struct state_file *by_path;
    const struct state_file *rec = find_record(rs, st, claimed, path, fd, &by_path);
    struct platform_stat sb;
    int gzip = gzin_is_gzip(gz);
    if (rec && !gzip && rs->head_got < STATE_HEAD && rs->head_got == rec->pos.offset) {
        /* A small file read to its end, which is where the last run stopped: no seek
         * (a file known and unchanged, the common case, costs no more system calls). */
        reader_resume(rd, &rec->pos);
        place->rec = rec;
        return EXTLS_OK;
    }
    if (rec && !gzip && platform_fstat(fd, &sb) != 0) {
        by_path = rec; /* its size unknown: read it from the start, and say so */
        rec = NULL;
    }
    if (rec && !gzip) {
        place->rec = rec;
        reader_resume(rd, &rec->pos);
        if ((uint64_t)sb.size < rec->pos.offset) {
            place->shorter = 1; /* read nothing until it has grown back */
            return EXTLS_OK;
        }
        /* Uncompressed: jump there. */
        if (lseek(fd, (off_t)rec->pos.offset, SEEK_SET) < 0)
            return seek_error(rs, path);
        gzin_begin(gz, fd);
        return EXTLS_OK;
    }
    if (rec) {
        /* Compressed: inflate again up to there. */
        int found;
        err = inflate_to(rs, rec, display, gz, buf, cap, place, &found);
        if (err != EXTLS_OK)
            return err;
        place->rec = rec;
        place->shorter = !found;
        reader_resume(rd, &rec->pos);
        return EXTLS_OK;
    }
    place->replaced = by_path != NULL;
    reader_begin(rd, hint);
    place->pending = rs->head;
    place->n_pending = rs->head_got;
    return EXTLS_OK;
}

void
resume_record(const struct resume *rs, const struct reader *rd, int fd, const char *path,
              struct state_file *out)
{
    struct platform_stat sb;
    reader_get_pos(rd, &out->pos);
    out->head_len = out->pos.offset < STATE_HEAD ? out->pos.offset : STATE_HEAD;
    if (out->head_len > rs->head_got)
        out->head_len = rs->head_got; /* cannot happen: the reader saw these bytes */
    out->path = (char *)path;
    int have = platform_fstat(fd, &sb) == 0;
    out->dev = have ? sb.dev : 0;
    out->ino = have ? sb.ino : 0;
    out->head_hash = state_head_hash(rs->head, (size_t)out->head_len);
}
