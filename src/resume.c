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

/* The record of the file whose first bytes rs holds: by path, else (a full head) by content. */
static const struct state_file *
find_record(const struct resume *rs, const struct state *st, const unsigned char *claimed,
            const char *path)
{
    const struct state_file *rec = state_find_file(st, path);
    if (!rec && rs->head_got == STATE_HEAD)
        rec = state_find_head(st, state_head_hash(rs->head, STATE_HEAD), claimed);
    return rec;
}

/*
 * A gzip input that is the file of rec: inflate again up to rec's place.
 * Returns EXTLS_OK with *found 1 when there, 0 when the input ended
 * before it (replaced).
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
            break; /* ended before the saved position: replaced */
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
    const struct state_file *rec = find_record(rs, st, claimed, path);
    struct platform_stat sb;
    int ok = rec && rs->head_got >= rec->head_len &&
             state_head_hash(rs->head, (size_t)rec->head_len) == rec->head_hash;
    int gzip = gzin_is_gzip(gz);
    if (ok && !gzip && rs->head_got < STATE_HEAD && rs->head_got == rec->pos.offset) {
        /* A small file read to its end, which is where the last run stopped: no seek
         * (a file known and unchanged, the common case, costs no more system calls). */
        reader_resume(rd, &rec->pos);
        return EXTLS_OK;
    }
    if (ok && !gzip)
        ok = platform_fstat(fd, &sb) == 0 && (uint64_t)sb.size >= rec->pos.offset;
    if (ok && !gzip) {
        /* Uncompressed: jump there. */
        if (lseek(fd, (off_t)rec->pos.offset, SEEK_SET) < 0)
            return seek_error(rs, path);
        gzin_begin(gz, fd);
        reader_resume(rd, &rec->pos);
        return EXTLS_OK;
    }
    if (ok) {
        /* Compressed: inflate again up to there. */
        int found;
        err = inflate_to(rs, rec, display, gz, buf, cap, place, &found);
        if (err != EXTLS_OK)
            return err;
        if (found) {
            reader_resume(rd, &rec->pos);
            return EXTLS_OK;
        }
        if (lseek(fd, 0, SEEK_SET) < 0)
            return seek_error(rs, path);
        gzin_begin(gz, fd);
        err = read_plain(rs, gz, display, rs->head, STATE_HEAD, &rs->head_got);
        if (err != EXTLS_OK)
            return err;
    }
    place->replaced = rec != NULL;
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
