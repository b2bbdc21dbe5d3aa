/* SPDX-License-Identifier: MIT */
/*
 * input.c: the read loop of one input: open, resume point, reader callbacks into the session table,
 * and the checks that the file did not change under it.
 */
#include "run.h"
#include "run_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

enum extls_status
input_on_row(const struct reader_row *rr, void *user)
{
    struct worker *w = user;
    struct row row;
    struct match_facts f;
    if (w->tally.fatal)
        return w->tally.fatal;
    const char *why = row_decode(rr, &row);
    if (why) {
        diag_malformed(w, rr->line, why);
        return EXTLS_OK;
    }
    match_row(w->matcher, &row, &f);
    w->tally.totals.rows++;
    if (row.time_ms > w->tally.clock_ms)
        w->tally.clock_ms = row.time_ms;
    if (row.time_ms > w->res->clock_ms[row.dir])
        w->res->clock_ms[row.dir] = row.time_ms;
    /* Counting a session folded here may have failed too: keep that error. */
    enum extls_status st = session_table_add(w->sessions, &row, &f, w->cur);
    if (st != EXTLS_OK)
        w->tally.fatal = st;
    return w->tally.fatal;
}

/*
 * At the end of a regular file: was it truncated below the `got` bytes
 * read (a log rotated or cleaned up meanwhile)? Then the rest is lost:
 * the message (without "extls: ") goes to msg and the input counts as
 * partly read. Growth needs nothing: read() goes on to the new end, and a
 * last line still being written is a malformed row.
 */
int
input_shrank(int fd, uint64_t got, const char *path, char *msg, size_t msg_len)
{
    struct platform_stat st;
    if (platform_fstat(fd, &st) != 0 || st.kind != PLATFORM_FILE || (uint64_t)st.size >= got)
        return 0;
    snprintf(msg, msg_len, "%s: truncated while being read (%llu bytes read, %llu left)", path,
             (unsigned long long)got, (unsigned long long)st.size);
    return 1;
}

/*
 * May input idx (open as fd, read to its end) still be written? An
 * uncompressed regular file that is the newest of its series (walk.h) and
 * changed less than GROWING_S before the run: then a last line without a
 * line end is a row not complete yet, not a malformed one. A cut inside an
 * older file of the series, an old file, a gzip file or a pipe is reported.
 */
static int
still_written(struct worker *w, const struct gzin *gz, int fd, uint32_t idx)
{
    const struct input *in = &w->run->inputs.v[idx];
    struct platform_stat st;
    if (!in->newest || gzin_is_gzip(gz) || platform_fstat(fd, &st) != 0 || st.kind != PLATFORM_FILE)
        return 0;
    return st.mtime_s > w->run->now_s - GROWING_S;
}

/*
 * --state: does the next run go on where this one stopped reading? Yes
 * after a clean read; after an error (a damaged gzip member, a file that
 * shrank, a line that rejects the rest) too, once any line was read: those
 * rows are counted now, so the next run starts after them (and meets the
 * same error again until the file is repaired or replaced) instead of
 * counting them again from an older record.
 */
static int
resume_here(struct worker *w, int read_failed)
{
    struct reader_pos at;
    if (!read_failed && !reader_stats(w->reader)->rejected)
        return 1;
    reader_get_pos(w->reader, &at);
    return at.offset > 0;
}

/*
 * --state: position input idx (open as fd, gzin begun) where the last run
 * stopped (resume.h), or at its start; bytes the reader must see next in
 * *pending. *shorter: the file is shorter than where the last run stopped
 * (said, unless --quiet): read nothing now. Returns -1 on an error
 * (reported, or out of memory: fatal).
 */
static int
resume_input(struct worker *w, int fd, uint32_t idx, const char **pending, size_t *n_pending,
             int *shorter)
{
    struct run *r = w->run;
    const struct input *in = &r->inputs.v[idx];
    struct resume_place place;
    enum extls_status st =
        resume_point(&w->resume, r->incr.state, r->incr.claimed, in->path, run_display_path(r, idx),
                     in->hint, fd, w->gz, w->reader, w->buf, READ_BUF, &place);
    if (st == EXTLS_ENOMEM) {
        w->tally.fatal = st;
        return -1;
    }
    if (st != EXTLS_OK) {
        run_werror(w, "%s", w->resume.err);
        return -1;
    }
    if (place.replaced)
        run_werror(w, "%s: truncated or replaced since the last run; reading it from the start",
                   in->path);
    if (place.shorter && !r->cfg->quiet)
        diag_wnote(w, "%s: shorter than when last read; read again once it has grown back",
                   run_display_path(r, idx));
    w->res->from = place.rec;
    *shorter = place.shorter;
    *pending = place.pending;
    *n_pending = place.n_pending;
    return 0;
}

int
input_feed_rest(struct worker *w, struct gzin *gz, int fd, uint32_t idx, uint64_t *counted)
{
    struct run *r = w->run;
    for (;;) {
        size_t n;
        enum extls_status st = gzin_read(gz, w->buf, READ_BUF, &n);
        progress_add(r->progress, gzin_bytes_in(gz) - *counted);
        *counted = gzin_bytes_in(gz);
        if (w->prints_progress)
            progress_tick(r->progress);
        if (st == EXTLS_EIO || st == EXTLS_EPARSE) {
            /*
             * A damaged gzip member ends the input; its partial last line is
             * not a row, the complete ones before it were counted.
             */
            run_werror(w, "%s: %s; rows before it counted", run_display_path(r, idx),
                       gzin_message(gz));
            return 1;
        }
        if (st != EXTLS_OK && !w->tally.fatal)
            w->tally.fatal = st;
        if (w->tally.fatal)
            return 0;
        if (n == 0) {
            /* A plain file shorter now than what was read was truncated meanwhile. */
            char msg[320];
            if (gzin_is_gzip(gz) || !input_shrank(fd, reader_stats(w->reader)->bytes,
                                                  run_display_path(r, idx), msg, sizeof(msg)))
                return 0;
            run_werror(w, "%s", msg);
            return 1;
        }
        st = reader_feed(w->reader, w->buf, n);
        if (st != EXTLS_OK && !w->tally.fatal)
            w->tally.fatal = st;
        if (w->tally.fatal || reader_stats(w->reader)->rejected)
            return 0;
    }
}

void
input_finish(struct worker *w, const struct gzin *gz, int fd, uint32_t idx, int read_failed)
{
    struct run *r = w->run;
    if (read_failed || w->tally.fatal)
        return;
    if (still_written(w, gz, fd, idx)) {
        const struct reader_stats *rs = reader_stats(w->reader);
        uint64_t line = rs->lines + 1;
        int partial = rs->bytes > rs->good_offset;
        enum extls_status st = reader_stop(w->reader); /* may say what the file is */
        if (st != EXTLS_OK)
            w->tally.fatal = st;
        if (partial && !rs->rejected && r->cfg->verbose && !r->cfg->quiet)
            diag_wnote_at(w, line,
                          "last row not complete yet (newest file of its series, changed in "
                          "the last 24 hours: still being written); not read");
        return;
    }
    enum extls_status st = reader_finish(w->reader);
    if (st != EXTLS_OK)
        w->tally.fatal = st;
}

/* Read one input; fills r->results[idx] (not yet marked ready). */
void
input_read(struct worker *w, uint32_t idx)
{
    struct run *r = w->run;
    const struct input *in = &r->inputs.v[idx];
    struct result *res = run_result(r, idx);
    int is_stdin = strcmp(in->path, "-") == 0;
    w->cur = idx;
    w->cur_malformed = 0;
    w->rows_before = w->tally.totals.rows;
    w->res = res;
    for (int d = 0; d < 3; d++)
        res->clock_ms[d] = INT64_MIN;
    w->diag = platform_memstream(&res->diag, &res->diag_len);
    if (!w->diag) {
        w->tally.fatal = EXTLS_ENOMEM;
        return;
    }
    int fd = is_stdin ? STDIN_FILENO : platform_open_read(in->path);
    if (fd < 0) {
        run_werror(w, "%s: %s", in->path, strerror(errno));
        res->errors++;
        res->failed = 1;
        goto out;
    }
    gzin_begin(w->gz, fd);
    const char *pending = NULL;
    size_t n_pending = 0;
    int shorter = 0;
    if (!r->incr.state || is_stdin) {
        reader_begin(w->reader, in->hint);
    } else if (resume_input(w, fd, idx, &pending, &n_pending, &shorter) != 0) {
        res->errors++;
        res->failed = 1;
        close(fd);
        goto out;
    }
    if (n_pending && !w->tally.fatal) {
        enum extls_status st = reader_feed(w->reader, pending, n_pending);
        if (st != EXTLS_OK)
            w->tally.fatal = st;
    }
    int read_failed = 0;
    uint64_t counted = 0; /* bytes of this input added to the progress */
    if (!shorter)
        read_failed = input_feed_rest(w, w->gz, fd, idx, &counted);
    if (shorter) {
        res->rec = *res->from; /* unchanged, till it has grown back */
        res->rec.path = in->path;
        res->resumable = 1;
    } else if (!w->tally.fatal && r->incr.state && resume_here(w, read_failed)) {
        /* A partial last line waits for the next run. */
        enum extls_status st = reader_stop(w->reader);
        if (st != EXTLS_OK)
            w->tally.fatal = st;
        resume_record(&w->resume, w->reader, fd, in->path, &res->rec);
        res->resumable = 1;
    } else {
        input_finish(w, w->gz, fd, idx, read_failed);
    }
    if (!is_stdin)
        close(fd);
    if (read_failed) {
        res->errors++;
        res->failed = 1;
    }
    res->kind = reader_stats(w->reader)->kind;
    res->malformed_only = w->tally.totals.rows == w->rows_before && w->cur_malformed;
    if (!res->skipped) {
        res->read = 1;
        if (!r->cfg->quiet && !r->cfg->verbose && w->cur_malformed > MALFORMED_SHOWN)
            diag_wnote(w, "%s: %llu malformed rows in all, %llu not named (use --verbose)",
                       run_display_path(r, idx), (unsigned long long)w->cur_malformed,
                       (unsigned long long)(w->cur_malformed - MALFORMED_SHOWN));
    }
out:
    if (platform_memstream_close(w->diag, &res->diag, &res->diag_len) != 0 && !w->tally.fatal)
        w->tally.fatal = EXTLS_ENOMEM;
    w->diag = NULL;
    res->open = session_table_drain(w->sessions, &res->n_open);
    if (!res->open && session_table_open(w->sessions) && !w->tally.fatal)
        w->tally.fatal = EXTLS_ENOMEM;
}
