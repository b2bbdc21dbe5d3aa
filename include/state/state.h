/* SPDX-License-Identifier: MIT */
/*
 * state.h: what an incremental run (--state FILE) carries to the next one.
 *
 * The options that shape the numbers (filters, --by, --server, --hold,
 * command and format), as name/value pairs: a run with other ones is
 * refused. Per input file: its identity (device, inode, a hash of its
 * first 4 KiB) and the reader position after its last complete row. Per
 * series (a log folder and a direction: one server's SmtpReceive or
 * SmtpSend log), its clock: the latest row time seen in it, which alone
 * decides when a session of that series has been quiet for the hold
 * window. The sessions still open at the end of the run, with the path of
 * the file of their first row. The keys of the sessions folded because
 * they were quiet for the hold window (their rows may still turn up: those
 * are late rows, never a new session), kept until their series' clock is
 * two hold windows past their last row. The running counts (the aggregate
 * tables of the run's output and the totals).
 *
 * The file is text, one record a line, fields separated by TAB and escaped
 * (\\ \t \n \r \xHH), with a version on the first line and a checksum
 * (state_checksum()) of everything before it on the last. Loading checks both and
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
#include "hashidx.h"
#include "reader.h"
#include "report.h"
#include "session.h"

#define STATE_VERSION 2
#define STATE_HEAD 4096  /* bytes of a file hashed to recognise it */
#define STATE_MAX_AGGS 4 /* groups, by connector, by remote, by day */

struct state_file {
    char *path;        /* owned */
    uint64_t dev, ino; /* identity when last read */
    uint64_t head_len; /* bytes hashed: min(STATE_HEAD, pos.offset) */
    uint64_t head_hash;
    struct reader_pos pos; /* where to go on reading */
};

#define STATE_MAX_OPTS 16 /* option records */

/* One option that shapes the numbers, as text ("direction" = "receive"). */
struct state_opt {
    char *name, *value; /* owned */
};

/* A series: the logs of one folder and direction (one server's log of one kind). */
struct state_series {
    char *folder; /* owned; "" for a file named without a folder */
    enum extls_dir dir;
    int64_t clock_ms; /* latest row time seen in it; INT64_MIN if none */
};

/* A session folded because it was quiet for the hold window. */
struct state_folded {
    uint32_t series; /* index in series[] */
    enum extls_dir dir;
    const struct span *connector; /* interned in the state's pool */
    char *sid;                    /* owned, NUL-terminated */
    size_t sid_len;
    int64_t end_ms; /* its latest row */
};

struct state {
    struct state_opt opts[STATE_MAX_OPTS];
    size_t n_opts;
    struct state_file *files; /* owned */
    size_t n_files, cap_files;
    struct state_series *series; /* owned */
    size_t n_series, cap_series;
    struct session **open; /* owned: sessions still open */
    char **open_path;      /* owned: the file of each open session's first row */
    size_t n_open, cap_open;
    struct state_folded *folded; /* owned */
    size_t n_folded, cap_folded;
    struct agg *aggs[STATE_MAX_AGGS]; /* owned: running counts; NULL when absent */
    size_t n_aggs;
    struct report_totals totals;
    int loaded; /* a state file existed and was read */
    /* private */
    struct strpool *pool; /* connectors and names of the open sessions */
    char *raw;            /* the file's bytes as loaded, to skip identical rewrites */
    size_t raw_len;
    struct hashidx by_path, by_head, by_id, by_series, by_key; /* look-ups into the arrays */
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

/* The record of `path`, or NULL. O(1) on average. */
const struct state_file *state_find_file(const struct state *st, const char *path);

/*
 * A record whose first STATE_HEAD bytes hash to `head_hash` and whose
 * index i has no mark in skip[i] (skip may be NULL), or NULL. For a file
 * renamed since (archived): found by its content.
 */
const struct state_file *state_find_head(const struct state *st, uint64_t head_hash,
                                         const unsigned char *skip);

/*
 * The first record (lowest index) of the file with identity (dev, ino)
 * whose recorded head is the start of head[0..head_got): the same file,
 * whatever its path now (renamed, archived, or its folder named another
 * way), small files included. NULL when none, and when the records of
 * that identity have another head (the inode was reused by another file).
 * Identity (0, 0), unknown, matches nothing. O(1) on average.
 */
const struct state_file *state_find_identity(const struct state *st, uint64_t dev, uint64_t ino,
                                             const void *head, size_t head_got);

/*
 * Record an option (both strings copied; value NULL is stored as ""). The
 * order of calls is the order kept. EXTLS_OK, EXTLS_ENOMEM or
 * EXTLS_ETOOBIG (more than STATE_MAX_OPTS).
 */
enum extls_status state_set_opt(struct state *st, const char *name, const char *value);

/* The value recorded for option `name`, or NULL when none. */
const char *state_get_opt(const struct state *st, const char *name);

/* Index of the series (dir, folder[0..len)), or -1. */
long state_find_series(const struct state *st, enum extls_dir dir, const char *folder, size_t len);

/* Add a series (folder copied); its index in *idx. EXTLS_OK or EXTLS_ENOMEM. */
enum extls_status state_add_series(struct state *st, enum extls_dir dir, const char *folder,
                                   size_t len, int64_t clock_ms, uint32_t *idx);

/*
 * Remember a session folded by the hold window (connector and sid
 * copied). `series` must be an index of st->series. EXTLS_OK or
 * EXTLS_ENOMEM.
 */
enum extls_status state_add_folded(struct state *st, uint32_t series, enum extls_dir dir,
                                   const char *conn, size_t conn_len, const char *sid,
                                   size_t sid_len, int64_t end_ms);

/* The folded session with this key, or NULL. O(1) on average; threads may call it at once. */
const struct state_folded *state_find_folded(const struct state *st, enum extls_dir dir,
                                             const char *conn, size_t conn_len, const char *sid,
                                             size_t sid_len);

/*
 * Keep an open session (takes ownership of s; copies path). Its connector
 * and names are re-interned in the state's own pool. Returns EXTLS_OK or
 * EXTLS_ENOMEM (s is then freed).
 */
enum extls_status state_add_open(struct state *st, struct session *s, const char *path);

/* The hash of a file's first bytes, as stored in head_hash. */
uint64_t state_head_hash(const void *buf, size_t len);

/* The 64-bit checksum of the "end" record (and of head_hash), of buf[0..len). */
uint64_t state_checksum(const void *buf, size_t len);

#endif /* EXTLS_STATE_H */
