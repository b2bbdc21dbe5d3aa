/* SPDX-License-Identifier: MIT */
/*
 * resume.h: where an input goes on in an incremental run (--state).
 *
 * An input is the file read last time when its first plain bytes hash as
 * its record says (the first STATE_HEAD, or all it had when it was
 * shorter). Its record is found by path; else (renamed, archived, or its
 * folder named another way: a link, a relative path) by its identity
 * (device and inode, state_find_identity()); else, with a full head, by
 * those bytes. Then reading goes on there: an uncompressed file is
 * seeked, a gzip file inflated again up to there. A file with its head
 * but now shorter than where the last run stopped (a copy job in the
 * middle of overwriting it) is not read at all: the caller is told, and
 * its record stays as it was until it has grown back. Otherwise the input
 * is read from its start, and the caller is told it was replaced when a
 * record of its path existed (a record matched by identity alone, whose
 * inode now belongs to another file, is not worth a word). After reading,
 * resume_record() makes the input's new record.
 *
 * The module knows the state's records, the input's descriptor, its gzin
 * and its reader, passed in; nothing of the run or its workers. It never
 * prints: errors come back as a status with a message in `err`.
 */
#ifndef EXTLS_RESUME_H
#define EXTLS_RESUME_H

#include <stddef.h>

#include "extls.h"
#include "gzin.h"
#include "reader.h"
#include "state.h"

/* One input's resume bookkeeping (the caller's, one per reader). */
struct resume {
    char head[STATE_HEAD]; /* the input's first plain bytes */
    size_t head_got;       /* how many */
    char err[8192];        /* why, after EXTLS_EIO */
};

/* What resume_point() says about the input besides its status. */
struct resume_place {
    const char *pending; /* bytes already read that the reader must see next (borrowed from */
    size_t n_pending;    /* rs->head or buf); NULL/0 when none */
    int replaced;        /* a record existed but the input is not that file: read from its start */
    int shorter;         /* the file of rec, shorter now than rec's place: read nothing, keep rec
                            as it is (the reader is resumed at its place) */
    const struct state_file *rec; /* the record resumed after (borrowed from the state), or NULL */
};

/*
 * Position the input `path` (open as fd, gz begun on it, shown as
 * `display` in messages, direction hint `hint`) where the run that saved
 * st stopped, or at its start: the reader is begun or resumed. Records
 * marked in claimed[] (may be NULL) are not matched by content. buf
 * (cap bytes, borrowed) is scratch for inflating up to the saved place.
 * Returns EXTLS_OK (with *place filled), EXTLS_EIO (a read or seek error,
 * message in rs->err) or EXTLS_ENOMEM.
 */
enum extls_status resume_point(struct resume *rs, const struct state *st,
                               const unsigned char *claimed, const char *path, const char *display,
                               enum extls_dir hint, int fd, struct gzin *gz, struct reader *rd,
                               char *buf, size_t cap, struct resume_place *place);

/*
 * The record of the input `path` (open as fd) after its reader stopped:
 * identity, head hash and the reader's position. out->path is `path`
 * (borrowed).
 */
void resume_record(const struct resume *rs, const struct reader *rd, int fd, const char *path,
                   struct state_file *out);

#endif /* EXTLS_RESUME_H */
