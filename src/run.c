/* SPDX-License-Identifier: MIT */
/*
 * run.c: the pipeline of one run, and every diagnostic it prints.
 *
 * Each input is read by a worker with its own reader, matcher, session
 * table, filter and counts. Sessions that complete inside one input are
 * counted by that worker; at the end of each input the sessions still open
 * are handed, with the input's diagnostics, to the main thread, which
 * merges them into one table of carried sessions strictly in input order.
 * With --jobs 1 the main thread is the only worker; with more, workers read
 * inputs in parallel (at most a few inputs ahead of the merge) and their
 * counts are added at the end. Either way the merge order, and so every
 * number and message, is the same.
 *
 * With --state, where each input goes on and which sessions are carried
 * between runs is run_state.c's (run_int.h holds what the two share). The
 * order of a --state run is this file's: take the state's lock (lock.h) and
 * finish a commit an interrupted run left (commit.h); read; write the
 * report; deliver it (flushed and fsynced, or, with --output, complete in
 * its temporary file, outfile.h); only then replace the state, together
 * with the --output file. A report that is not delivered never marks its
 * sessions done.
 *
 * Malformed rows are named as "file:line: reason" (the first 10 per input
 * unless --verbose, then a count); inputs that cannot be read are named and
 * make the exit status 2, the others are still reported.
 *
 * Inputs are read through gzin (gzip inflated on the way; a damaged member
 * is "file: reason"). On a terminal the main thread, the only one that
 * writes to stderr, draws the progress line and erases it before any other
 * message; workers only add to its atomic byte count.
 */
#include "run.h"
#include "run_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "commit.h"
#include "esc.h"
#include "export.h"
#include "filter.h"
#include "gzin.h"
#include "lock.h"
#include "match.h"
#include "merge.h"
#include "progress.h"
#include "nagios.h"
#include "outfile.h"
#include "platform.h"
#include "reader.h"
#include "report.h"
#include "row.h"
#include "server.h"
#include "session.h"
#include "state.h"
#include "term.h"
#include "threshold.h"
#include "walk.h"
#include "when.h"
#include "xtime.h"
#include "xlsx.h"

/*
 * One diagnostic line: prefix, then the message with control characters
 * and invalid UTF-8 written as \xHH (esc_text()), so that a file name or an
 * argument cannot break the line or drive the terminal.
 */
static void
vdiag(FILE *out, const char *prefix, const char *fmt, va_list ap)
{
    char small[512], *s = small;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof(small), fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(small)) {
        s = malloc((size_t)n + 1);
        if (s)
            vsnprintf(s, (size_t)n + 1, fmt, ap);
        else
            s = small, n = (int)sizeof(small) - 1;
    }
    fputs(prefix, out);
    esc_text(out, s, (size_t)n);
    putc('\n', out);
    if (s != small)
        free(s);
}

static void
diag(FILE *out, const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(out, prefix, fmt, ap);
    va_end(ap);
}

void
run_error(struct run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    progress_clear(r->progress);
    if (!r->first_error[0]) {
        va_list copy;
        va_copy(copy, ap);
        vsnprintf(r->first_error, sizeof(r->first_error), fmt, copy);
        va_end(copy);
    }
    vdiag(r->err, "extls: ", fmt, ap);
    va_end(ap);
}

/* A note (not an error) in the current input's diagnostics. */
static void
wnote(struct worker *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(w->diag, "extls: ", fmt, ap);
    va_end(ap);
}

/* An error line in the current input's diagnostics (the first is kept). */
void
run_werror(struct worker *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!w->res->error[0]) {
        va_list copy;
        va_copy(copy, ap);
        vsnprintf(w->res->error, sizeof(w->res->error), fmt, copy);
        va_end(copy);
    }
    vdiag(w->diag, "extls: ", fmt, ap);
    va_end(ap);
}

const char *
run_display_path(const struct run *r, uint32_t idx)
{
    const char *p = r->inputs.v[idx].path;
    return strcmp(p, "-") == 0 ? "(standard input)" : p;
}

static void
malformed(struct worker *w, uint64_t line, const char *why)
{
    const struct cli_config *cfg = w->run->cfg;
    w->tally.totals.malformed++;
    w->cur_malformed++;
    if (!cfg->quiet && (cfg->verbose || w->cur_malformed <= MALFORMED_SHOWN))
        diag(w->diag, "extls: ", "%s:%llu: %s", run_display_path(w->run, w->cur),
             (unsigned long long)line, why);
}

static enum extls_status
on_row(const struct reader_row *rr, void *user)
{
    struct worker *w = user;
    struct row row;
    struct match_facts f;
    if (w->tally.fatal)
        return w->tally.fatal;
    const char *why = row_decode(rr, &row);
    if (why) {
        malformed(w, rr->line, why);
        return EXTLS_OK;
    }
    match_row(w->matcher, &row, &f);
    w->tally.totals.rows++;
    if (row.time_ms > w->tally.clock_ms)
        w->tally.clock_ms = row.time_ms;
    if (row.time_ms > w->res->clock_ms[row.dir])
        w->res->clock_ms[row.dir] = row.time_ms;
    w->tally.fatal = session_table_add(w->sessions, &row, &f, w->cur);
    return w->tally.fatal;
}

static enum extls_status
on_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    struct worker *w = user;
    switch (kind) {
    case READER_MALFORMED_ROW:
        malformed(w, line, msg);
        break;
    case READER_WRONG_LOG:
        if (w->run->inputs.v[w->cur].from_dir &&
            reader_stats(w->reader)->kind != EXTLS_KIND_PROTOCOL) {
            /* Not a protocol log, in a walked folder: skip it (counted by kind). */
            w->res->skipped = 1;
            if (w->run->cfg->verbose)
                wnote(w, "%s: skipped: %s", run_display_path(w->run, w->cur), msg);
            break;
        }
        /* fall through */
    case READER_FILE_ERROR:
        run_werror(w, "%s:%llu: %s; rest of file skipped", run_display_path(w->run, w->cur),
                   (unsigned long long)line, msg);
        w->res->errors++;
        break;
    }
    return EXTLS_OK;
}

/* The path of input index idx; indexes past the inputs name files of carried sessions. */
const char *
run_input_path(const struct run *r, uint32_t idx)
{
    if (idx < r->inputs.n)
        return r->inputs.v[idx].path;
    idx -= (uint32_t)r->inputs.n;
    return idx < r->n_state_paths ? r->state_paths[idx] : "?";
}

/* Count one finished session (or write it out) in a tally. */
void
run_count_session(struct run *r, struct tally *t, struct filter *flt, const struct session *s)
{
    if (t->fatal)
        return;
    int by_server = t->groups && (agg_keys_mask(t->groups) & AGG_BIT(AGG_SERVER));
    if ((by_server || r->cfg->format == REPORT_HTML) && !r->cfg->server)
        t->fatal = server_names_note(&t->servers, s->dir, s->connector->ptr, s->connector->len);
    if (!filter_match(flt, s)) {
        t->totals.excluded++;
        return;
    }
    enum extls_class cls = session_classify(s);
    t->totals.sessions++;
    if (s->start_ms < t->totals.first_ms)
        t->totals.first_ms = s->start_ms;
    if (s->start_ms > t->totals.last_ms)
        t->totals.last_ms = s->start_ms;
    t->count[cls]++;
    if (r->cfg->command == CLI_SESSIONS) {
        struct span server =
            server_of(r->cfg->server, s->dir, s->connector->ptr, s->connector->len);
        if (r->xlsx) {
            struct export_record rec;
            export_fill(&rec, s, run_input_path(r, s->file), server);
            t->fatal = xlsx_session(r->xlsx, &rec);
        } else {
            export_session(r->out, r->cfg->format, r->esc_style, s, run_input_path(r, s->file),
                           server);
        }
        return;
    }

    /* Day, hour and cipher cost work: only when grouped by them. */
    const char *day = "", *hour = "";
    char cipher[3 * (EXTLS_NAME_MAX + 16)] = "";
    if (t->by_day ||
        (t->groups && (agg_keys_mask(t->groups) & (AGG_BIT(AGG_DAY) | AGG_BIT(AGG_HOUR)))))
        when_keys(&t->when, s->start_ms, &day, &hour);
    if (t->groups && (agg_keys_mask(t->groups) & AGG_BIT(AGG_CIPHER)))
        export_cipher(s, cipher, sizeof(cipher));
    const char *dir = extls_dir_name(s->dir);
    struct span host = {s->host ? s->host : "", s->host ? s->host_len : 0};
    struct span key[AGG_N_KEYS] = {
        [AGG_DIRECTION] = {dir, strlen(dir)},
        [AGG_CONNECTOR] = {s->connector->ptr, s->connector->len},
        [AGG_REMOTE] = {s->remote, strlen(s->remote)},
        [AGG_DAY] = {day, strlen(day)},
        [AGG_EHLO] = host,
        [AGG_CIPHER] = {cipher, strlen(cipher)},
        [AGG_SERVER] = by_server
                           ? server_of(r->cfg->server, s->dir, s->connector->ptr, s->connector->len)
                           : host,
        [AGG_HOUR] = {hour, strlen(hour)},
    };
    struct agg *targets[3] = {t->groups, t->by_connector, t->by_remote};
    for (int i = 0; i < 3; i++) {
        if (targets[i] && t->fatal == EXTLS_OK)
            t->fatal = agg_add(targets[i], key, cls, s->start_ms, host);
    }
    if (t->by_day && t->fatal == EXTLS_OK) /* no host: the day section shows none */
        t->fatal = agg_add(t->by_day, key, cls, s->start_ms, (struct span){"", 0});
}

/* A session completed inside one input. */
static void
on_done_in_input(const struct session *s, void *user)
{
    struct worker *w = user;
    if (w->run->state && run_late_rows(w->run, &w->tally, w->diag, s))
        return;
    run_count_session(w->run, &w->tally, w->filter, s);
}

/* A session completed when inputs were joined (main thread). */
static void
on_done_carried(const struct session *s, void *user)
{
    struct run *r = user;
    if (r->state && run_late_rows(r, &r->main, r->err, s))
        return;
    run_count_session(r, &r->main, r->filter, s);
}

/*
 * A hint for a path that does not exist but reads like a word of the
 * command line put in the wrong place ("extls -q sessions FILE", "extls
 * -f csv json FILE"): "" otherwise.
 */
static const char *
misplaced_hint(const char *path, int errnum)
{
    static const char *const values[] = {"json",  "jsonl", "csv",       "tsv",     "html",
                                         "table", "xlsx",  "excel-csv", "receive", "send",
                                         "new",   "all",   "utc",       "local"};
    if (errnum != ENOENT)
        return "";
    if (strcmp(path, "sessions") == 0 || strcmp(path, "merge") == 0)
        return " (a subcommand goes first: extls sessions|merge [OPTIONS] PATH...)";
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        if (strcmp(path, values[i]) == 0)
            return " (an option value goes right after its option, e.g. --format csv, "
                   "--direction send)";
    }
    return "";
}

static void
walk_error(const char *path, int errnum, void *user)
{
    struct run *r = user;
    run_error(r, "%s: %s%s", path, strerror(errnum), misplaced_hint(path, errnum));
}

/* --verbose: a file of a walked folder skipped by its name or type. */
static void
walk_skip(const char *path, void *user)
{
    struct run *r = user;
    diag(r->err, "extls: ", "skipping '%s': not named *.log or *.log.gz, or not a regular file",
         path);
}

/*
 * At the end of a regular file: was it truncated below what was read (a
 * log rotated or cleaned up meanwhile)? Then the rest is lost: say so and
 * count the input as partly read. Growth needs nothing: read() goes on to
 * the new end, and a last line still being written is a malformed row.
 */
static int
shrank(struct worker *w, int fd, uint32_t idx)
{
    struct platform_stat st;
    uint64_t got = reader_stats(w->reader)->bytes;
    if (platform_fstat(fd, &st) != 0 || st.kind != PLATFORM_FILE || (uint64_t)st.size >= got)
        return 0;
    run_werror(w, "%s: truncated while being read (%llu bytes read, %llu left)",
               run_display_path(w->run, idx), (unsigned long long)got, (unsigned long long)st.size);
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
still_written(struct worker *w, int fd, uint32_t idx)
{
    const struct input *in = &w->run->inputs.v[idx];
    struct platform_stat st;
    if (!in->newest || gzin_is_gzip(w->gz) || platform_fstat(fd, &st) != 0 ||
        st.kind != PLATFORM_FILE)
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

/* Read one input; fills r->results[idx] (not yet marked ready). */
static void
read_input(struct worker *w, uint32_t idx)
{
    struct run *r = w->run;
    const struct input *in = &r->inputs.v[idx];
    struct result *res = &r->results[idx];
    int is_stdin = strcmp(in->path, "-") == 0;
    w->cur = idx;
    w->cur_malformed = 0;
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
    if (!r->state || is_stdin) {
        reader_begin(w->reader, in->hint);
    } else if (run_resume_point(w, fd, idx, &pending, &n_pending) != 0) {
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
    for (;;) {
        size_t n;
        enum extls_status st = gzin_read(w->gz, w->buf, READ_BUF, &n);
        progress_add(r->progress, gzin_bytes_in(w->gz) - counted);
        counted = gzin_bytes_in(w->gz);
        if (w->prints_progress)
            progress_tick(r->progress);
        if (st == EXTLS_EIO || st == EXTLS_EPARSE) {
            /* A damaged gzip member ends the input; its partial last line is not a row. */
            run_werror(w, "%s: %s", run_display_path(r, idx), gzin_message(w->gz));
            read_failed = 1;
            break;
        }
        if (st != EXTLS_OK && !w->tally.fatal)
            w->tally.fatal = st;
        if (w->tally.fatal)
            break;
        if (n == 0) {
            /* A plain file shorter now than what was read was truncated meanwhile. */
            read_failed = !gzin_is_gzip(w->gz) && shrank(w, fd, idx);
            break;
        }
        st = reader_feed(w->reader, w->buf, n);
        if (st != EXTLS_OK && !w->tally.fatal)
            w->tally.fatal = st;
        if (w->tally.fatal || reader_stats(w->reader)->rejected)
            break;
    }
    if (!w->tally.fatal && r->state && resume_here(w, read_failed)) {
        reader_stop(w->reader); /* a partial last line waits for the next run */
        run_new_record(w, fd, idx);
    } else if (!read_failed && !w->tally.fatal && still_written(w, fd, idx)) {
        const struct reader_stats *rs = reader_stats(w->reader);
        if (rs->bytes > rs->good_offset && !rs->rejected && r->cfg->verbose && !r->cfg->quiet)
            wnote(w,
                  "%s:%llu: last row not complete yet (newest file of its series, changed in "
                  "the last 24 hours: still being written); not read",
                  run_display_path(r, idx), (unsigned long long)rs->lines + 1);
        reader_stop(w->reader);
    } else if (!read_failed && !w->tally.fatal) {
        enum extls_status st = reader_finish(w->reader);
        if (st != EXTLS_OK)
            w->tally.fatal = st;
    }
    if (!is_stdin)
        close(fd);
    if (read_failed) {
        res->errors++;
        res->failed = 1;
    }
    res->kind = reader_stats(w->reader)->kind;
    if (!res->skipped) {
        res->read = 1;
        if (!r->cfg->quiet && !r->cfg->verbose && w->cur_malformed > MALFORMED_SHOWN)
            wnote(w, "%s: %llu malformed rows in all, %llu not named (use --verbose)",
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

/* Merge input idx's result into the run (main thread, in input order). */
static void
merge_result(struct run *r, uint32_t idx)
{
    struct result *res = &r->results[idx];
    if (res->diag_len) {
        progress_clear(r->progress);
        fwrite(res->diag, 1, res->diag_len, r->err);
    }
    free(res->diag);
    res->diag = NULL;
    r->main.totals.files += (uint64_t)res->read;
    r->main.totals.files_skipped += (uint64_t)res->skipped;
    r->main.totals.skipped_kind[res->kind] += (uint64_t)res->skipped;
    r->main.totals.files_failed += (uint64_t)res->failed;
    struct arg_found *f = &r->found[r->inputs.v[idx].arg];
    if (res->errors)
        f->errors++;
    else if (res->kind == EXTLS_KIND_PROTOCOL)
        f->protocol++;
    else
        f->kind[res->kind]++;
    if (res->errors && !r->first_error[0])
        memcpy(r->first_error, res->error, sizeof(r->first_error));
    for (size_t i = 0; i < res->n_open; i++) {
        if (r->main.fatal) {
            session_free(res->open[i]);
            continue;
        }
        r->main.fatal = session_table_adopt(r->carry, res->open[i]);
    }
    free(res->open);
    res->open = NULL;
    res->n_open = 0;
}

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    struct run *r = w->run;
    unsigned ahead = r->n_workers * AHEAD_PER_JOB;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->stop && r->next < r->inputs.n && r->next >= r->merged + ahead)
            pthread_cond_wait(&r->changed, &r->lock);
        if (r->stop || r->next >= r->inputs.n)
            break;
        uint32_t idx = r->next++;
        pthread_mutex_unlock(&r->lock);
        read_input(w, idx);
        pthread_mutex_lock(&r->lock);
        r->results[idx].ready = 1;
        if (w->tally.fatal)
            r->stop = 1;
        pthread_cond_broadcast(&r->changed);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* Per-tally tables for the chosen output. */
static enum extls_status
tally_init(struct tally *t, const struct cli_config *cfg)
{
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    static const enum agg_key day_keys[] = {AGG_DAY};
    memset(t, 0, sizeof(*t));
    t->totals.first_ms = INT64_MAX;
    t->totals.last_ms = INT64_MIN;
    t->clock_ms = INT64_MIN;
    when_init(&t->when, cfg->tz);
    if (cfg->command != CLI_REPORT || cfg->nagios)
        return EXTLS_OK;
    if (cfg->format == REPORT_TABLE || cfg->format == REPORT_HTML || cfg->format == REPORT_XLSX) {
        t->by_connector = agg_new(conn_keys, 2);
        t->by_remote = agg_new(remote_keys, 2);
        t->by_day = agg_new(day_keys, 1);
        if (cfg->by_given) /* a section grouped by --by as well */
            t->groups = agg_new(cfg->by, cfg->n_by);
        return t->by_connector && t->by_remote && t->by_day && (t->groups || !cfg->by_given)
                   ? EXTLS_OK
                   : EXTLS_ENOMEM;
    }
    t->groups = agg_new(cfg->by, cfg->n_by);
    return t->groups ? EXTLS_OK : EXTLS_ENOMEM;
}

static void
tally_release(struct tally *t)
{
    agg_free(t->groups);
    agg_free(t->by_connector);
    agg_free(t->by_remote);
    agg_free(t->by_day);
    server_names_release(&t->servers);
}

/*
 * Add src's counts into dst; src's tables are freed. Merging is
 * commutative, so the smaller table of each pair is merged into the larger
 * (swapped into dst if need be): at the peak, memory holds one copy of the
 * groups, not two.
 */
static void
tally_add(struct tally *dst, struct tally *src)
{
    struct agg **d[4] = {&dst->groups, &dst->by_connector, &dst->by_remote, &dst->by_day};
    struct agg **s[4] = {&src->groups, &src->by_connector, &src->by_remote, &src->by_day};
    for (int i = 0; i < 4; i++) {
        if (!*d[i] || !*s[i] || dst->fatal)
            continue;
        if (agg_size(*d[i]) < agg_size(*s[i])) {
            struct agg *larger = *s[i];
            *s[i] = *d[i];
            *d[i] = larger;
        }
        dst->fatal = agg_merge(*d[i], *s[i]);
        agg_free(*s[i]);
        *s[i] = NULL;
    }
    struct report_totals *a = &dst->totals;
    const struct report_totals *b = &src->totals;
    a->rows += b->rows;
    a->malformed += b->malformed;
    a->sessions += b->sessions;
    a->excluded += b->excluded;
    a->late_rows += b->late_rows;
    if (b->first_ms < a->first_ms)
        a->first_ms = b->first_ms;
    if (b->last_ms > a->last_ms)
        a->last_ms = b->last_ms;
    if (src->clock_ms > dst->clock_ms)
        dst->clock_ms = src->clock_ms;
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        dst->count[c] += src->count[c];
    if (!dst->fatal)
        dst->fatal = server_names_merge(&dst->servers, &src->servers);
    if (!dst->fatal)
        dst->fatal = src->fatal;
}

/* The filter of the command line; EXTLS_EINVAL after printing why. */
static enum extls_status
make_filter(struct run *r, struct filter **out)
{
    const struct cli_config *cfg = r->cfg;
    struct filter *f = filter_new();
    *out = f;
    if (!f)
        return EXTLS_ENOMEM;
    filter_since(f, cfg->since);
    filter_until(f, cfg->until);
    filter_direction(f, cfg->direction);
    filter_classes(f, cfg->classes);
    if (cfg->connector) {
        char msg[200];
        enum extls_status st = filter_connector(f, cfg->connector, msg, sizeof(msg));
        if (st == EXTLS_EINVAL)
            run_error(r, "bad --connector pattern '%s': %s", cfg->connector, msg);
        if (st != EXTLS_OK)
            return st;
    }
    if (cfg->remote && filter_remote(f, cfg->remote) != EXTLS_OK) {
        run_error(r, "bad --remote '%s': use an IPv4 or IPv6 address, optionally with /PREFIX",
                  cfg->remote);
        return EXTLS_EINVAL;
    }
    return EXTLS_OK;
}

static enum extls_status
worker_init(struct run *r, struct worker *w)
{
    struct reader_callbacks cb = {on_row, on_problem, w};
    w->run = r;
    enum extls_status st = make_filter(r, &w->filter);
    if (st != EXTLS_OK)
        return st;
    st = tally_init(&w->tally, r->cfg);
    if (st != EXTLS_OK)
        return st;
    w->reader = reader_new(&cb);
    w->matcher = matcher_new();
    w->sessions = session_table_new(on_done_in_input, w);
    w->gz = gzin_new();
    w->buf = malloc(READ_BUF);
    if (!w->reader || !w->matcher || !w->sessions || !w->gz || !w->buf)
        return EXTLS_ENOMEM;
    reader_set_full_parse(w->reader, r->cfg->full_parse);
    return EXTLS_OK;
}

static void
worker_release(struct worker *w)
{
    reader_free(w->reader);
    matcher_free(w->matcher);
    session_table_free(w->sessions);
    filter_free(w->filter);
    tally_release(&w->tally);
    gzin_free(w->gz);
    free(w->buf);
}

static unsigned
choose_workers(const struct cli_config *cfg, size_t n_inputs)
{
    unsigned n = cfg->jobs;
    if (n == 0) {
        n = platform_cpu_count();
    }
    if (cfg->command == CLI_SESSIONS)
        n = 1; /* records stream out as sessions complete, in one order */
    if (n > n_inputs)
        n = n_inputs ? (unsigned)n_inputs : 1;
    return n > CLI_MAX_JOBS ? CLI_MAX_JOBS : n;
}

/*
 * Wait (lock held) for a worker to signal; while the progress line is
 * shown, wake every interval to redraw it (the main thread is its printer).
 */
static void
wait_changed(struct run *r)
{
    if (!progress_active(r->progress)) {
        pthread_cond_wait(&r->changed, &r->lock);
        return;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += PROGRESS_INTERVAL_MS * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(&r->changed, &r->lock, &until);
    pthread_mutex_unlock(&r->lock);
    progress_tick(r->progress);
    pthread_mutex_lock(&r->lock);
}

/* Read every input and merge in order; returns the number of input errors. */
static int
read_all(struct run *r)
{
    int errors = 0;
    int threaded = r->n_workers > 1;
    unsigned started = 0;
    if (threaded) {
        for (; started < r->n_workers; started++) {
            if (pthread_create(&r->workers[started].thread, NULL, worker_main,
                               &r->workers[started]) != 0)
                break;
        }
        if (started == 0)
            threaded = 0;
    }
    if (!threaded)
        r->workers[0].prints_progress = 1; /* no other thread runs */
    for (uint32_t i = 0; i < r->inputs.n; i++) {
        if (threaded) {
            pthread_mutex_lock(&r->lock);
            while (!r->results[i].ready && !r->stop)
                wait_changed(r);
            int ready = r->results[i].ready;
            pthread_mutex_unlock(&r->lock);
            if (!ready)
                break;
        } else {
            read_input(&r->workers[0], i);
            if (r->workers[0].tally.fatal)
                break;
        }
        errors += r->results[i].errors;
        merge_result(r, i);
        pthread_mutex_lock(&r->lock);
        r->merged = i + 1;
        if (r->main.fatal)
            r->stop = 1;
        pthread_cond_broadcast(&r->changed);
        pthread_mutex_unlock(&r->lock);
        if (r->main.fatal)
            break;
    }
    if (threaded) {
        pthread_mutex_lock(&r->lock);
        r->stop = 1;
        pthread_cond_broadcast(&r->changed);
        pthread_mutex_unlock(&r->lock);
        for (unsigned i = 0; i < started; i++)
            pthread_join(r->workers[i].thread, NULL);
    }
    progress_stop(r->progress);
    return errors;
}

/*
 * When the report is made, for the page: SOURCE_DATE_EPOCH (seconds since
 * 1970, the reproducible-builds convention) when set, else the clock.
 */
static int64_t
report_time(void)
{
    const char *fixed = getenv("SOURCE_DATE_EPOCH");
    if (fixed && *fixed) {
        char *end;
        long long sec = strtoll(fixed, &end, 10);
        if (!*end && sec > 0 && sec < 253402300800LL) /* before year 10000 */
            return (int64_t)sec * 1000;
    }
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The servers a run reports on, for the page ("EX01", "EX01 ... EX09"); into buf. */
static const char *
server_text(const struct run *r, char *buf, size_t len)
{
    const struct server_names *s = &r->main.servers;
    if (r->cfg->server)
        return r->cfg->server;
    if (!s->min)
        return NULL;
    if (s->min_len == s->max_len && memcmp(s->min, s->max, s->min_len) == 0)
        snprintf(buf, len, "%.*s", (int)s->min_len, s->min);
    else
        snprintf(buf, len, "several, %.*s to %.*s", (int)s->min_len, s->min, (int)s->max_len,
                 s->max);
    return buf;
}

/* Write the summary or finish the session records; 0 or -1 on a write error. */
static int
finish_output(struct run *r)
{
    if (r->cfg->command == CLI_REPORT) {
        char servers[2 * EXTLS_NAME_MAX + 32];
        struct report rep = {
            .format = r->cfg->format,
            .totals = r->main.totals,
            .groups = r->main.groups,
            .by_connector = r->main.by_connector,
            .by_remote = r->main.by_remote,
            .by_day = r->main.by_day,
            .local_days = r->cfg->tz == WHEN_LOCAL,
            .terminal = (r->esc_style & ESC_TERMINAL) != 0,
            .width = term_columns(fileno(r->out), getenv("COLUMNS")),
            .wide = r->cfg->wide,
            .servers = server_text(r, servers, sizeof(servers)),
            .generated_ms = r->cfg->format == REPORT_HTML ? report_time() : 0,
        };
        enum extls_status st = report_write(r->out, &rep);
        if (st == EXTLS_ENOMEM)
            r->main.fatal = st;
        else if (st != EXTLS_OK)
            return -1;
        return 0;
    }
    if (r->xlsx) {
        enum extls_status st = xlsx_finish(r->xlsx, r->out);
        if (st == EXTLS_ENOMEM)
            r->main.fatal = st;
        else if (st != EXTLS_OK)
            return -1;
        return 0;
    }
    if (fflush(r->out) != 0 || ferror(r->out))
        return -1;
    return 0;
}

/*
 * --nagios: the one status line for a run that ended with exit status
 * `code` on `out`: errors (code 2) are UNKNOWN with the first error's text
 * `first_error`, else the state the thresholds give for `c`. Returns the
 * Nagios exit code, or -1 when the line could not be written.
 */
static int
nagios_line(FILE *out, const struct cli_config *cfg, int code, const char *first_error,
            const struct threshold_counts *c)
{
    char line[NAGIOS_LINE_MAX];
    enum nagios_state st;
    if (code == EXTLS_EXIT_ERROR)
        st = nagios_unknown(line, first_error[0] ? first_error : "error");
    else
        st = nagios_status(line, &cfg->fail_on, &cfg->warn_on, c);
    fputs(line, out);
    if (fflush(out) != 0 || ferror(out)) {
        platform_end_if_reader_gone(out);
        return -1;
    }
    return (int)st;
}

/* The counts --fail-on and --warn-on judge: the reported sessions, the rows read by this run. */
static void
judged_counts(const struct run *r, uint64_t rows, struct threshold_counts *c)
{
    memcpy(c->count, r->main.count, sizeof(c->count));
    c->sessions = r->main.totals.sessions;
    c->rows = rows;
}

/* --nagios for a run: the status line; returns the Nagios exit code. */
static int
finish_nagios(struct run *r, int code, uint64_t rows)
{
    struct threshold_counts c;
    judged_counts(r, rows, &c);
    int st = nagios_line(r->out, r->cfg, code, r->first_error, &c);
    if (st < 0) {
        run_error(r, "cannot write output: %s", strerror(errno));
        return NAGIOS_UNKNOWN;
    }
    return st;
}

static void
teardown(struct run *r)
{
    if (r->results) {
        for (size_t i = 0; i < r->inputs.n; i++) {
            free(r->results[i].diag);
            for (size_t k = 0; k < r->results[i].n_open; k++)
                session_free(r->results[i].open[k]);
            free(r->results[i].open);
        }
    }
    session_table_free(r->carry);
    filter_free(r->filter);
    progress_free(r->progress);
    for (unsigned i = 0; r->workers && i < r->n_workers; i++)
        worker_release(&r->workers[i]);
    free(r->workers);
    free(r->results);
    tally_release(&r->main);
    if (r->state) {
        state_release(r->state);
        free(r->state);
    }
    if (r->next_state) {
        state_release(r->next_state);
        free(r->next_state);
    }
    outfile_free(r->outfile); /* removes the temporary file of a report not delivered */
    free(r->claimed);
    free(r->found);
    xlsx_free(r->xlsx);
    for (size_t i = 0; i < r->n_state_paths; i++)
        free(r->state_paths[i]);
    free(r->state_paths);
    hashidx_release(&r->input_idx);
    hashidx_release(&r->state_idx);
    input_list_release(&r->inputs);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->changed);
    lock_release(r->state_lock); /* last: everything of this run is done */
}

static void
progress_write(const char *text, size_t len, void *user)
{
    struct run *r = user;
    fwrite(text, 1, len, r->err);
    fflush(r->err);
}

/* The progress line: on a terminal only (see progress_wanted()), total from the file sizes. */
static struct progress *
make_progress(struct run *r)
{
    int err_fd = fileno(r->err), out_fd = fileno(r->out);
    int live = r->cfg->command == CLI_SESSIONS && platform_isatty(out_fd);
    int on = progress_wanted(platform_isatty(err_fd), r->cfg->quiet, live);
    struct progress_io io = {progress_write, r, NULL, NULL, 0};
    if (on)
        io.width = term_width(err_fd);
    int64_t total = 0;
    for (size_t i = 0; i < r->inputs.n && total >= 0; i++)
        total = r->inputs.v[i].size < 0 ? -1 : total + r->inputs.v[i].size;
    return progress_new(on, total, &io);
}

static enum extls_status
setup(struct run *r)
{
    const struct cli_config *cfg = r->cfg;
    enum extls_status st = tally_init(&r->main, cfg);
    if (st != EXTLS_OK)
        return st;
    st = make_filter(r, &r->filter);
    if (st != EXTLS_OK)
        return st;
    if (cfg->verbose) /* as the notes of files skipped for their first lines */
        input_list_on_skip(&r->inputs, walk_skip, r);
    r->walk_errors = walk_paths(&r->inputs, cfg->paths, cfg->n_paths, walk_error, r);
    if (r->walk_errors < 0)
        return EXTLS_ENOMEM;
    const char *fixed = getenv("EXTLS_NOW"); /* a testing aid, as for --since */
    int64_t now_ms;
    if (fixed && xtime_parse_bound(fixed, strlen(fixed), &now_ms) == 0)
        r->now_s = now_ms / 1000;
    else
        r->now_s = (int64_t)time(NULL);
    r->found = calloc(cfg->n_paths ? cfg->n_paths : 1, sizeof(*r->found));
    if (!r->found)
        return EXTLS_ENOMEM;
    for (size_t i = 0; i < r->inputs.n_args; i++)
        r->found[i].kind[EXTLS_KIND_OTHER_FILE] = r->inputs.args[i].skipped;
    r->progress = make_progress(r);
    if (!r->progress)
        return EXTLS_ENOMEM;
    r->n_workers = choose_workers(cfg, r->inputs.n);
    r->workers = calloc(r->n_workers, sizeof(*r->workers));
    r->results = calloc(r->inputs.n ? r->inputs.n : 1, sizeof(*r->results));
    r->carry = session_table_new(on_done_carried, r);
    if (!r->workers || !r->results || !r->carry)
        return EXTLS_ENOMEM;
    for (unsigned i = 0; i < r->n_workers; i++) {
        st = worker_init(r, &r->workers[i]);
        if (st != EXTLS_OK)
            return st;
    }
    return EXTLS_OK;
}

/*
 * Server rule 3 (server.h) for --by server, and a warning about sessions
 * left without a server name.
 */
enum extls_status
run_fill_servers(struct run *r)
{
    size_t len = 0;
    const struct server_names *seen = &r->main.servers;
    const char *only = server_names_only(seen, &len);
    enum extls_status st = only ? server_fill(&r->main.groups, only, len) : EXTLS_OK;
    uint64_t unnamed = server_unnamed(r->main.groups);
    if (st != EXTLS_OK || !unnamed || r->cfg->quiet)
        return st;
    if (seen->min)
        run_error(r,
                  "%llu sessions have no server name: send logs name none, and the receive "
                  "connectors name several servers ('%s' to '%s'); run once per server with "
                  "--server NAME",
                  (unsigned long long)unnamed, seen->min, seen->max);
    else
        run_error(r,
                  "%llu sessions have no server name: send logs name none, and no receive "
                  "connector names one; give --server NAME",
                  (unsigned long long)unnamed);
    return EXTLS_OK;
}

/*
 * 'extls merge': every report read, or nothing written. Then the report
 * (or with --nagios the status line) and the exit status, judged like a
 * run's on the merged counts.
 */
static int
run_merge(const struct cli_config *cfg, FILE *out, FILE *err)
{
    char first_error[256] = "";
    struct merge *m = merge_new();
    enum extls_status st = m ? EXTLS_OK : EXTLS_ENOMEM;
    for (size_t i = 0; st == EXTLS_OK && i < cfg->n_paths; i++) {
        const char *path = cfg->paths[i];
        int is_stdin = strcmp(path, "-") == 0;
        int fd = is_stdin ? STDIN_FILENO : platform_open_read(path);
        if (fd < 0) {
            snprintf(first_error, sizeof(first_error), "%s: %s", path, strerror(errno));
            st = EXTLS_EIO;
            break;
        }
        st = merge_add_fd(m, fd, is_stdin ? "(standard input)" : path);
        if (!is_stdin)
            close(fd);
    }
    struct report rep;
    if (st == EXTLS_OK && !cfg->nagios)
        st = merge_report(m, cfg->format, cfg->by, cfg->n_by, &rep);
    int write_failed = 0;
    if (st == EXTLS_OK && !cfg->nagios) {
        rep.terminal = platform_isatty(fileno(out));
        rep.width = term_columns(fileno(out), getenv("COLUMNS"));
        rep.wide = cfg->wide;
        rep.generated_ms = cfg->format == REPORT_HTML ? report_time() : 0;
        st = report_write(out, &rep);
        write_failed = st == EXTLS_EIO;
    }
    const char *msg = first_error; /* the error, if any */
    if (!msg[0] && write_failed)
        platform_end_if_reader_gone(out);
    if (!msg[0] && write_failed)
        snprintf(first_error, sizeof(first_error), "cannot write output: %s", strerror(errno));
    else if (!msg[0] && st != EXTLS_OK)
        msg = m && merge_errmsg(m)[0] ? merge_errmsg(m) : extls_strerror(st);
    if (msg[0])
        diag(err, "extls: ", "%s", msg);
    int code = st == EXTLS_OK ? EXTLS_EXIT_OK : EXTLS_EXIT_ERROR;
    struct threshold_counts c;
    memset(&c, 0, sizeof(c));
    if (st == EXTLS_OK) {
        merge_class_totals(m, c.count);
        c.sessions = merge_totals(m)->sessions;
        c.rows = merge_totals(m)->rows;
        if (threshold_list_match(&cfg->fail_on, &c))
            code = EXTLS_EXIT_FAIL_ON;
    }
    if (cfg->nagios) {
        code = nagios_line(out, cfg, code, msg, &c);
        if (code < 0) {
            diag(err, "extls: ", "cannot write output: %s", strerror(errno));
            code = NAGIOS_UNKNOWN;
        }
    }
    merge_free(m);
    return code;
}

/* `path` + `suffix` (caller owns, free()), or NULL. */
static char *
path_with(const char *path, const char *suffix)
{
    size_t len = strlen(path) + strlen(suffix) + 1;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s%s", path, suffix);
    return p;
}

/*
 * --state, before anything else: take the state's lock (held until the
 * end of the run), then complete the commit of a run killed in the middle
 * of one (commit.h), so that what it delivered and what it marked done
 * agree. Returns -1 after printing why.
 */
static int
begin_exclusive(struct run *r)
{
    char msg[600];
    const char *path = r->cfg->state_path;
    enum extls_status st = lock_acquire(&r->state_lock, path, r->cfg->wait_ms, msg, sizeof(msg));
    if (st != EXTLS_OK) {
        run_error(r, "%s", st == EXTLS_ENOMEM ? extls_strerror(st) : msg);
        return -1;
    }
    char *journal = path_with(path, COMMIT_SUFFIX);
    size_t done = 0;
    st = journal ? commit_recover(journal, &done, msg, sizeof(msg)) : EXTLS_ENOMEM;
    free(journal);
    if (st != EXTLS_OK) {
        run_error(r, "%s", st == EXTLS_ENOMEM ? extls_strerror(st) : msg);
        return -1;
    }
    if (done && !r->cfg->quiet)
        diag(r->err, "extls: ",
             "%s: the last run was interrupted while putting its report and state in place; "
             "completed (%zu files)",
             path, done);
    return 0;
}

/*
 * The report is complete in r->out: deliver it, and only then commit the
 * state, so that the state never marks done a session whose report was
 * lost. Without --output the stream is flushed (and fsynced when it is a
 * regular file) before the state is replaced. With --output, the report's
 * temporary file is fsynced, and it replaces the old report together with
 * the state (one commit, commit.h), or alone without --state. Returns 0,
 * or -1 after printing why: then the old report and the old state are in
 * place, or, when the commit point was passed, the next run completes it.
 */
static int
deliver(struct run *r)
{
    char msg[600];
    const char *state_path = r->cfg->state_path;
    enum extls_status st = EXTLS_OK;
    if (r->outfile)
        st = outfile_finish(r->outfile, msg, sizeof(msg));
    else if (r->next_state)
        st = outfile_sync_stream(r->out, msg, sizeof(msg));
    char *tmp = NULL;
    if (st == EXTLS_OK && r->next_state)
        st = state_save_temp(r->next_state, state_path, &tmp, msg, sizeof(msg));
    if (st == EXTLS_OK && tmp && r->outfile) {
        char *journal = path_with(state_path, COMMIT_SUFFIX);
        struct commit c;
        int committed = 0;
        commit_init(&c);
        commit_add(&c, outfile_temp(r->outfile), outfile_path(r->outfile));
        commit_add(&c, tmp, state_path);
        st = journal ? commit_apply(&c, journal, &committed, msg, sizeof(msg)) : EXTLS_ENOMEM;
        free(journal);
        if (committed) {
            outfile_disown(r->outfile);
            if (st != EXTLS_OK)
                snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
                         "; the next run with this state completes it");
        } else if (tmp) {
            platform_unlink(tmp);
        }
    } else if (st == EXTLS_OK && tmp) {
        st = commit_replace(tmp, state_path, msg, sizeof(msg));
        if (st != EXTLS_OK)
            platform_unlink(tmp);
    } else if (st == EXTLS_OK && r->outfile) {
        st = outfile_commit(r->outfile, msg, sizeof(msg));
    }
    free(tmp);
    if (st == EXTLS_OK)
        return 0;
    run_error(r, "%s", st == EXTLS_ENOMEM ? extls_strerror(st) : msg);
    return -1;
}

/*
 * "PATH: no SMTP protocol logs found (what it holds instead)", as an error,
 * for path argument i.
 */
static void
no_logs_error(struct run *r, size_t i)
{
    const struct arg_found *f = &r->found[i];
    char what[512];
    size_t at = 0;
    what[0] = '\0';
    for (int k = 0; k < EXTLS_N_KINDS && at < sizeof(what); k++) {
        if (f->kind[k])
            at += (size_t)snprintf(what + at, sizeof(what) - at, "%s%llu %s", at ? ", " : "",
                                   (unsigned long long)f->kind[k],
                                   extls_kind_name((enum extls_kind)k, f->kind[k]));
    }
    const char *path = strcmp(r->cfg->paths[i], "-") == 0 ? "(standard input)" : r->cfg->paths[i];
    run_error(r, "%s: no SMTP protocol logs found (%s)", path, at ? what : "no files");
}

/*
 * Nothing seen is not clean: a folder argument in which no SMTP protocol
 * log was found (an empty folder, a failed mount, logging switched off, only
 * other logs), and, when no argument gave any, every argument that did not
 * already fail, is an error. Returns the number of such errors.
 */
static int
check_found(struct run *r)
{
    int errors = 0, any = 0;
    for (size_t i = 0; i < r->cfg->n_paths; i++)
        any |= r->found[i].protocol != 0;
    for (size_t i = 0; i < r->cfg->n_paths; i++) {
        const struct arg_found *f = &r->found[i];
        int is_dir = i < r->inputs.n_args && r->inputs.args[i].is_dir;
        int failed = f->errors || (i < r->inputs.n_args && r->inputs.args[i].errors);
        /* A file read through another argument is judged there. */
        int again = i < r->inputs.n_args && r->inputs.args[i].again;
        if (f->protocol || failed || again || (!is_dir && any))
            continue;
        no_logs_error(r, i);
        errors++;
    }
    return errors;
}

int
run(const struct cli_config *cfg, FILE *out, FILE *err)
{
    if (cfg->command == CLI_MERGE)
        return run_merge(cfg, out, err);
    struct run r;
    memset(&r, 0, sizeof(r));
    r.cfg = cfg;
    r.out = out;
    r.err = err;
    input_list_init(&r.inputs);
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.changed, NULL);

    enum extls_status st = EXTLS_OK;
    if (cfg->state_path && begin_exclusive(&r) != 0)
        st = EXTLS_EINVAL; /* said */
    if (st == EXTLS_OK && cfg->output) {
        char msg[600];
        st = outfile_open(&r.outfile, cfg->output, msg, sizeof(msg));
        if (st == EXTLS_OK)
            r.out = outfile_stream(r.outfile);
        else if (st != EXTLS_ENOMEM)
            run_error(&r, "%s", msg);
        if (st != EXTLS_OK && st != EXTLS_ENOMEM)
            st = EXTLS_EINVAL; /* said */
    }
    if (st == EXTLS_OK) {
        int out_fd = fileno(r.out);
        int out_tty = platform_isatty(out_fd);
        r.esc_style = report_esc_style(cfg->format, out_tty);
        if (out_tty && cfg->format == REPORT_XLSX && !cfg->nagios) {
            run_error(&r, "standard output is a terminal: an xlsx workbook is binary, redirect it "
                          "to a file (extls --format xlsx ... >report.xlsx)");
            st = EXTLS_EINVAL; /* said */
        }
    }
    if (st == EXTLS_OK)
        st = setup(&r);
    if (st == EXTLS_OK && cfg->command == CLI_SESSIONS && cfg->format == REPORT_XLSX)
        r.xlsx = xlsx_sessions_new(&st);
    if (st != EXTLS_OK) {
        if (st != EXTLS_EINVAL)
            run_error(&r, "%s", extls_strerror(st));
        int code = cfg->nagios ? finish_nagios(&r, EXTLS_EXIT_ERROR, 0) : EXTLS_EXIT_ERROR;
        teardown(&r);
        return code;
    }
    int errors = r.walk_errors;
    r.main.totals.files_skipped += r.inputs.skipped;
    r.main.totals.skipped_kind[EXTLS_KIND_OTHER_FILE] += r.inputs.skipped;
    r.main.totals.files_failed += (uint64_t)r.walk_errors;
    if (cfg->state_path && run_state_begin(&r) != 0) {
        teardown(&r);
        return EXTLS_EXIT_ERROR;
    }
    if (cfg->command == CLI_SESSIONS)
        export_header(r.out, cfg->format);

    errors += read_all(&r);
    for (unsigned i = 0; i < r.n_workers; i++)
        tally_add(&r.main, &r.workers[i].tally);
    uint64_t rows = r.main.totals.rows; /* read by this run (--report all adds earlier ones) */
    if (!r.main.fatal && r.merged == r.inputs.n)
        errors += check_found(&r);
    if (!r.main.fatal && r.state) {
        int loaded = r.state->loaded, malformed = r.main.totals.malformed != 0;
        errors += run_state_end(&r);
        /* A normal outcome, said in one line: rows<1 makes it an alert. */
        if (!r.main.fatal && loaded && !rows && !malformed && !errors && !cfg->quiet)
            diag(r.err, "extls: ", "no new rows since the last run (state '%s')", cfg->state_path);
    } else if (!r.main.fatal) {
        r.main.fatal = session_table_flush(r.carry);
        if (!r.main.fatal && r.main.groups)
            r.main.fatal = run_fill_servers(&r);
    }

    int code = EXTLS_EXIT_OK;
    int write_failed = 0;
    if (!r.main.fatal && !cfg->nagios)
        write_failed = finish_output(&r) != 0;
    if (r.main.fatal) {
        run_error(&r, "%s", extls_strerror(r.main.fatal));
        code = EXTLS_EXIT_ERROR;
    } else if (write_failed) {
        platform_end_if_reader_gone(r.out);
        run_error(&r, "cannot write output: %s", strerror(errno));
        code = EXTLS_EXIT_ERROR;
    } else if (deliver(&r) != 0 || errors) {
        code = EXTLS_EXIT_ERROR; /* deliver() said why; input errors were said as they came */
    } else {
        struct threshold_counts c;
        judged_counts(&r, rows, &c);
        if (threshold_list_match(&cfg->fail_on, &c))
            code = EXTLS_EXIT_FAIL_ON;
    }
    if (cfg->nagios)
        code = finish_nagios(&r, code, rows);
    teardown(&r);
    return code;
}
