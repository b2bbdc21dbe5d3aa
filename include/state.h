/* SPDX-License-Identifier: MIT */
/*
 * state.h: what an incremental run (--state FILE) carries to the next one.
 *
 * Per input file: its identity (device, inode, a hash of its first 4 KiB)
 * and the reader position after its last complete row. The sessions still
 * open at the end of the run, with the path of the file of their first row.
 * The running counts (the aggregate tables of the run's output and the
 * totals), and the latest row time seen (the clock that expires sessions
 * that will never complete).
 *
 * The file is text, one record a line, fields separated by TAB and escaped
 * (\\ \t \n \r \xHH), with a version on the first line and an FNV-1a
 * checksum of everything before it on the last. Loading checks both and
 * every field strictly: a damaged or foreign file is rejected with a
 * message and never half-used. Saving writes a temporary file in the same
 * folder, fsyncs it, renames it over the old one and fsyncs the folder, so
 * a crash at any point leaves either the old or the new state.
 */
#ifndef EXTLS_STATE_H
#define EXTLS_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "extls.h"
#include "reader.h"
#include "report.h"
#include "session.h"

#define STATE_VERSION 1
#define STATE_HEAD 4096  /* bytes of a file hashed to recognise it */
#define STATE_MAX_AGGS 4 /* groups, by connector, by remote, by day */

struct state_file {
    char *path;        /* owned */
    uint64_t dev, ino; /* identity when last read */
    uint64_t head_len; /* bytes hashed: min(STATE_HEAD, pos.offset) */
    uint64_t head_hash;
    struct reader_pos pos; /* where to go on reading */
};

struct state {
    struct state_file *files; /* owned */
    size_t n_files, cap_files;
    struct session **open; /* owned: sessions still open */
    char **open_path;      /* owned: the file of each open session's first row */
    size_t n_open, cap_open;
    int64_t clock_ms;                 /* latest row time seen; INT64_MIN if none */
    struct agg *aggs[STATE_MAX_AGGS]; /* owned: running counts; NULL when absent */
    size_t n_aggs;
    struct report_totals totals;
    int loaded; /* a state file existed and was read */
    /* private */
    struct strpool *pool; /* connectors and names of the open sessions */
    char *raw;            /* the file's bytes as loaded, to skip identical rewrites */
    size_t raw_len;
};

/* An empty state (a first run). */
enum extls_status state_init(struct state *st);

/* Free everything the state owns; it is then unusable until state_init(). */
void state_release(struct state *st);

/*
 * Read `path` into a fresh state (state_init() first). A missing file is
 * not an error: st->loaded stays 0. On EXTLS_EPARSE (damaged, truncated or
 * another version) or EXTLS_EIO, `err` (err_len bytes) says why and the
 * state is left empty.
 */
enum extls_status state_load(struct state *st, const char *path, char *err, size_t err_len);

/*
 * Write the state to `path` atomically (see above), unless the bytes equal
 * what was loaded. On EXTLS_EIO `err` says why; the old file is untouched.
 */
enum extls_status state_save(struct state *st, const char *path, char *err, size_t err_len);

/*
 * The first half of state_save(): write the state to a temporary file
 * beside `path` (path + ".tmp." + pid), fsynced and closed, complete but
 * not in place; renaming it over `path` is the caller's (with other files
 * that must change together, see commit.h). *tmp gets its name (caller
 * owns, free()), or NULL when the bytes equal what was loaded and there is
 * nothing to replace. On error *tmp is NULL, no temporary file is left,
 * `err` says why, and `path` is untouched.
 */
enum extls_status state_save_temp(struct state *st, const char *path, char **tmp, char *err,
                                  size_t err_len);

/* Add a file record (copies path). Returns EXTLS_OK or EXTLS_ENOMEM. */
enum extls_status state_add_file(struct state *st, const struct state_file *f);

/* The record of `path`, or NULL. */
const struct state_file *state_find_file(const struct state *st, const char *path);

/*
 * Keep an open session (takes ownership of s; copies path). Its connector
 * and names are re-interned in the state's own pool. Returns EXTLS_OK or
 * EXTLS_ENOMEM (s is then freed).
 */
enum extls_status state_add_open(struct state *st, struct session *s, const char *path);

/* FNV-1a 64 of a file's first bytes, as stored in head_hash. */
uint64_t state_head_hash(const void *buf, size_t len);

#endif /* EXTLS_STATE_H */
