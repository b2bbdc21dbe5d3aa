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

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "esc.h"
#include "export.h"
#include "filter.h"
#include "gzin.h"
#include "match.h"
#include "merge.h"
#include "progress.h"
#include "nagios.h"
#include "reader.h"
#include "report.h"
#include "row.h"
#include "server.h"
#include "session.h"
#include "state.h"
#include "threshold.h"
#include "walk.h"
#include "when.h"

#define READ_BUF (64 * 1024)
#define MALFORMED_SHOWN 10         /* malformed rows named per input without --verbose */
#define AHEAD_PER_JOB 2            /* inputs a worker may finish before the merge reaches them */
#define EXPIRY_MS (60 * 60 * 1000) /* --state: a session quiet this long (log time) is over */

struct run;

/* Counts of one worker, added up at the end. */
struct tally {
    struct agg *groups, *by_connector, *by_remote, *by_day;
    struct report_totals totals;
    int64_t clock_ms;                /* latest row time seen */
    uint64_t count[EXTLS_N_CLASSES]; /* counted sessions per class, for the thresholds */
    struct when when;                /* day/hour keys in the --tz zone */
    enum extls_status fatal;
    struct server_names servers; /* named by receive connectors, for --by server */
};

/* What one input left for the main thread. */
struct result {
    int ready;
    char *diag; /* stderr text, in order */
    size_t diag_len;
    struct session **open; /* sessions still open at its end */
    size_t n_open;
    int read;              /* counted as a file read */
    int skipped;           /* another kind of log in a walked folder */
    int failed;            /* could not be read, wholly or partly */
    int errors;            /* problems that make the exit status 2 */
    char error[256];       /* the first of them, for --nagios */
    int resumable;         /* --state: rec says where to go on next time */
    struct state_file rec; /* --state: its new record (rec.path borrowed) */
};

struct worker {
    struct run *run;
    struct reader *reader;
    struct matcher *matcher;
    struct session_table *sessions;
    struct filter *filter;
    struct tally tally;
    struct gzin *gz; /* plain or gzip bytes of the input being read */
    char *buf;
    pthread_t thread;
    int prints_progress; /* run by the main thread: may draw the progress line */

    char head[STATE_HEAD]; /* --state: the first plain bytes of the input being read */
    size_t head_got;
    uint32_t cur;           /* index of the input being read */
    uint64_t cur_malformed; /* malformed rows in it */
    struct result *res;     /* its result */
    FILE *diag;             /* its diagnostics (memory stream) */
};

struct run {
    const struct cli_config *cfg;
    FILE *out, *err;
    struct input_list inputs;
    struct result *results;
    unsigned n_workers;
    struct worker *workers;
    struct session_table *carry; /* sessions open across inputs; main thread only */
    struct filter *filter;       /* the main thread's filter, for carried sessions */
    struct tally main;           /* counts of sessions folded from carry */
    int walk_errors;             /* paths that could not be read or walked */
    struct state *state;         /* --state: loaded at start, saved at the end; else NULL */
    unsigned char *claimed;      /* per state file record: an input has its path */
    char **state_paths;          /* files of carried sessions that are not inputs */
    size_t n_state_paths;
    struct progress *progress; /* drawn by the main thread only; NULL before setup */
    char first_error[256];     /* first error printed, without "extls: " (--nagios) */

    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint32_t next;   /* next input to hand to a worker */
    uint32_t merged; /* inputs merged so far */
    int stop;        /* a fatal error: workers take no more inputs */
};

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

static void
error(struct run *r, const char *fmt, ...)
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
static void
werror(struct worker *w, const char *fmt, ...)
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

static const char *
display_path(const struct run *r, uint32_t idx)
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
        diag(w->diag, "", "%s:%llu: %s", display_path(w->run, w->cur), (unsigned long long)line,
             why);
}

static void
on_row(const struct reader_row *rr, void *user)
{
    struct worker *w = user;
    struct row row;
    struct match_facts f;
    if (w->tally.fatal)
        return;
    const char *why = row_decode(rr, &row);
    if (why) {
        malformed(w, rr->line, why);
        return;
    }
    match_row(w->matcher, &row, &f);
    w->tally.totals.rows++;
    if (row.time_ms > w->tally.clock_ms)
        w->tally.clock_ms = row.time_ms;
    w->tally.fatal = session_table_add(w->sessions, &row, &f, w->cur);
}

static void
on_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    struct worker *w = user;
    switch (kind) {
    case READER_MALFORMED_ROW:
        malformed(w, line, msg);
        break;
    case READER_WRONG_LOG:
        if (w->run->inputs.v[w->cur].from_dir && line <= 8) {
            /* Another kind of Exchange log in a walked folder: skip it. */
            w->res->skipped = 1;
            if (w->run->cfg->verbose)
                wnote(w, "skipping '%s': %s", display_path(w->run, w->cur), msg);
            break;
        }
        /* fall through */
    case READER_FILE_ERROR:
        werror(w, "%s:%llu: %s; rest of file skipped", display_path(w->run, w->cur),
               (unsigned long long)line, msg);
        w->res->errors++;
        break;
    }
}

/* The path of input index idx; indexes past the inputs name files of carried sessions. */
static const char *
input_path(const struct run *r, uint32_t idx)
{
    if (idx < r->inputs.n)
        return r->inputs.v[idx].path;
    idx -= (uint32_t)r->inputs.n;
    return idx < r->n_state_paths ? r->state_paths[idx] : "?";
}

/* Count one finished session (or write it out) in a tally. */
static void
count_session(struct run *r, struct tally *t, struct filter *flt, const struct session *s)
{
    if (t->fatal)
        return;
    int by_server = t->groups && (agg_keys_mask(t->groups) & AGG_BIT(AGG_SERVER));
    if (by_server && !r->cfg->server)
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
        export_session(r->out, r->cfg->format, s, input_path(r, s->file),
                       server_of(r->cfg->server, s->dir, s->connector->ptr, s->connector->len));
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
    struct reader_field host = {s->host ? s->host : "", s->host ? s->host_len : 0};
    struct reader_field key[AGG_N_KEYS] = {
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
        t->fatal = agg_add(t->by_day, key, cls, s->start_ms, (struct reader_field){"", 0});
}

/* A session completed inside one input. */
static void
on_done_in_input(const struct session *s, void *user)
{
    struct worker *w = user;
    count_session(w->run, &w->tally, w->filter, s);
}

/* A session completed when inputs were joined (main thread). */
static void
on_done_carried(const struct session *s, void *user)
{
    struct run *r = user;
    count_session(r, &r->main, r->filter, s);
}

static void
walk_error(const char *path, int errnum, void *user)
{
    struct run *r = user;
    error(r, "cannot read '%s': %s", path, strerror(errnum));
}

/* Read up to `cap` plain bytes through gzin; returns the count or -1 (error reported). */
static ssize_t
read_plain(struct worker *w, uint32_t idx, char *buf, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        size_t n;
        enum extls_status st = gzin_read(w->gz, buf + got, cap - got, &n);
        if (st != EXTLS_OK) {
            if (st == EXTLS_ENOMEM)
                w->tally.fatal = st;
            else
                werror(w, "%s: %s", display_path(w->run, idx), gzin_message(w->gz));
            return -1;
        }
        if (n == 0)
            break;
        got += n;
    }
    return (ssize_t)got;
}

/*
 * --state: position input idx (open as fd, gzin begun) where the last run
 * stopped, or at its start. Reads its first STATE_HEAD plain bytes into
 * w->head (they identify the file); the file is the one read last time
 * when those bytes match its record's (and, uncompressed, it is not
 * shorter), found by path or, renamed, by those bytes. Bytes already read
 * that the reader must see next are left in *pending. Returns -1 on a read
 * error (reported).
 */
static int
resume_point(struct worker *w, int fd, uint32_t idx, const char **pending, size_t *n_pending)
{
    struct run *r = w->run;
    const char *path = r->inputs.v[idx].path;
    ssize_t got = read_plain(w, idx, w->head, STATE_HEAD);
    *pending = NULL;
    *n_pending = 0;
    if (got < 0)
        return -1;
    w->head_got = (size_t)got;
    const struct state_file *rec = state_find_file(r->state, path);
    if (!rec && w->head_got == STATE_HEAD) {
        uint64_t h = state_head_hash(w->head, STATE_HEAD);
        for (size_t i = 0; i < r->state->n_files && !rec; i++) {
            const struct state_file *f = &r->state->files[i];
            if (!r->claimed[i] && f->head_len == STATE_HEAD && f->head_hash == h)
                rec = f;
        }
    }
    struct stat sb;
    int ok = rec && w->head_got >= rec->head_len &&
             state_head_hash(w->head, (size_t)rec->head_len) == rec->head_hash;
    if (ok && !gzin_is_gzip(w->gz))
        ok = fstat(fd, &sb) == 0 && (uint64_t)sb.st_size >= rec->pos.offset;
    if (ok && !gzin_is_gzip(w->gz)) {
        /* Uncompressed: jump there. */
        if (lseek(fd, (off_t)rec->pos.offset, SEEK_SET) < 0) {
            werror(w, "cannot seek in '%s': %s", path, strerror(errno));
            return -1;
        }
        gzin_begin(w->gz, fd);
        reader_resume(w->reader, &rec->pos);
        return 0;
    }
    if (ok) {
        /* Compressed: inflate again up to there. */
        uint64_t at = w->head_got;
        if (rec->pos.offset <= at) {
            *pending = w->head + rec->pos.offset;
            *n_pending = (size_t)(at - rec->pos.offset);
            reader_resume(w->reader, &rec->pos);
            return 0;
        }
        for (;;) {
            ssize_t n = read_plain(w, idx, w->buf, READ_BUF);
            if (n < 0)
                return -1;
            if (n == 0)
                break; /* ended before the saved position: replaced */
            if (at + (uint64_t)n > rec->pos.offset) {
                size_t skip = (size_t)(rec->pos.offset - at);
                *pending = w->buf + skip;
                *n_pending = (size_t)n - skip;
                reader_resume(w->reader, &rec->pos);
                return 0;
            }
            at += (uint64_t)n;
            if (at == rec->pos.offset) {
                reader_resume(w->reader, &rec->pos);
                return 0;
            }
        }
        if (lseek(fd, 0, SEEK_SET) < 0) {
            werror(w, "cannot seek in '%s': %s", path, strerror(errno));
            return -1;
        }
        gzin_begin(w->gz, fd);
        got = read_plain(w, idx, w->head, STATE_HEAD);
        if (got < 0)
            return -1;
        w->head_got = (size_t)got;
    }
    if (rec)
        werror(w, "'%s' was truncated or replaced since the last run; reading it from the start",
               path);
    reader_begin(w->reader, r->inputs.v[idx].hint);
    *pending = w->head;
    *n_pending = w->head_got;
    return 0;
}

/* --state: the record of input idx after reading it. */
static void
new_record(struct worker *w, int fd, uint32_t idx)
{
    struct result *res = &w->run->results[idx];
    struct state_file *f = &res->rec;
    struct stat sb;
    reader_get_pos(w->reader, &f->pos);
    f->head_len = f->pos.offset < STATE_HEAD ? f->pos.offset : STATE_HEAD;
    if (f->head_len > w->head_got)
        f->head_len = w->head_got; /* cannot happen: the reader saw these bytes */
    f->path = w->run->inputs.v[idx].path;
    f->dev = fstat(fd, &sb) == 0 ? (uint64_t)sb.st_dev : 0;
    f->ino = fstat(fd, &sb) == 0 ? (uint64_t)sb.st_ino : 0;
    f->head_hash = state_head_hash(w->head, (size_t)f->head_len);
    res->resumable = 1;
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
    struct stat st;
    uint64_t got = reader_stats(w->reader)->bytes;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size >= got)
        return 0;
    werror(w, "error reading '%s': truncated while being read (%llu bytes read, %llu left)",
           display_path(w->run, idx), (unsigned long long)got, (unsigned long long)st.st_size);
    return 1;
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
    w->diag = open_memstream(&res->diag, &res->diag_len);
    if (!w->diag) {
        w->tally.fatal = EXTLS_ENOMEM;
        return;
    }
    int fd = is_stdin ? STDIN_FILENO : open(in->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        werror(w, "cannot open '%s': %s", in->path, strerror(errno));
        res->errors++;
        res->failed = 1;
        goto out;
    }
    gzin_begin(w->gz, fd);
    const char *pending = NULL;
    size_t n_pending = 0;
    if (!r->state || is_stdin) {
        reader_begin(w->reader, in->hint);
    } else if (resume_point(w, fd, idx, &pending, &n_pending) != 0) {
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
            if (st == EXTLS_EIO)
                werror(w, "error reading '%s': %s", display_path(r, idx), gzin_message(w->gz));
            else
                werror(w, "%s: %s", display_path(r, idx), gzin_message(w->gz));
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
    if (!read_failed && !w->tally.fatal && r->state && !reader_stats(w->reader)->rejected) {
        reader_stop(w->reader); /* a partial last line waits for the next run */
        new_record(w, fd, idx);
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
    if (!res->skipped) {
        res->read = 1;
        if (!r->cfg->quiet && !r->cfg->verbose && w->cur_malformed > MALFORMED_SHOWN)
            wnote(w, "%s: %llu malformed rows in all, %llu not named (use --verbose)",
                  display_path(r, idx), (unsigned long long)w->cur_malformed,
                  (unsigned long long)(w->cur_malformed - MALFORMED_SHOWN));
    }
out:
    if (fclose(w->diag) != 0 && !w->tally.fatal)
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
    r->main.totals.files_failed += (uint64_t)res->failed;
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
    if (cfg->format == REPORT_TABLE || cfg->format == REPORT_HTML) {
        t->by_connector = agg_new(conn_keys, 2);
        t->by_remote = agg_new(remote_keys, 2);
        t->by_day = agg_new(day_keys, 1);
        return t->by_connector && t->by_remote && t->by_day ? EXTLS_OK : EXTLS_ENOMEM;
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
    if (cfg->connector) {
        char msg[200];
        enum extls_status st = filter_connector(f, cfg->connector, msg, sizeof(msg));
        if (st == EXTLS_EINVAL)
            error(r, "bad --connector pattern '%s': %s", cfg->connector, msg);
        if (st != EXTLS_OK)
            return st;
    }
    if (cfg->remote && filter_remote(f, cfg->remote) != EXTLS_OK) {
        error(r, "bad --remote '%s': use an IPv4 or IPv6 address, optionally with /PREFIX",
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
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus > 0 ? (unsigned)cpus : 1;
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

/* Write the summary or finish the session records; 0 or -1 on a write error. */
static int
finish_output(struct run *r)
{
    if (r->cfg->command == CLI_REPORT) {
        struct report rep = {
            .format = r->cfg->format,
            .totals = r->main.totals,
            .groups = r->main.groups,
            .by_connector = r->main.by_connector,
            .by_remote = r->main.by_remote,
            .by_day = r->main.by_day,
            .local_days = r->cfg->tz == WHEN_LOCAL,
        };
        enum extls_status st = report_write(r->out, &rep);
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
 * --nagios: print the one status line for a run that ended with exit
 * status `code`; returns the Nagios exit code. Errors (code 2) are
 * UNKNOWN, with the first error's text.
 */
static int
finish_nagios(struct run *r, int code)
{
    char line[NAGIOS_LINE_MAX];
    enum nagios_state st;
    if (code == EXTLS_EXIT_ERROR)
        st = nagios_unknown(line, r->first_error[0] ? r->first_error : "error");
    else
        st = nagios_status(line, &r->cfg->fail_on, &r->cfg->warn_on, r->main.count,
                           r->main.totals.sessions);
    fputs(line, r->out);
    if (fflush(r->out) != 0 || ferror(r->out)) {
        error(r, "cannot write output: %s", strerror(errno));
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
    free(r->claimed);
    for (size_t i = 0; i < r->n_state_paths; i++)
        free(r->state_paths[i]);
    free(r->state_paths);
    input_list_release(&r->inputs);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->changed);
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
    int live = r->cfg->command == CLI_SESSIONS && out_fd >= 0 && isatty(out_fd);
    int on = progress_wanted(err_fd >= 0 && isatty(err_fd), r->cfg->quiet, live);
    struct winsize ws;
    struct progress_io io = {progress_write, r, NULL, NULL, 0};
    if (on && ioctl(err_fd, TIOCGWINSZ, &ws) == 0)
        io.width = ws.ws_col;
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
    r->walk_errors = walk_paths(&r->inputs, cfg->paths, cfg->n_paths, walk_error, r);
    if (r->walk_errors < 0)
        return EXTLS_ENOMEM;
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
static enum extls_status
fill_servers(struct run *r)
{
    size_t len = 0;
    const struct server_names *seen = &r->main.servers;
    const char *only = server_names_only(seen, &len);
    enum extls_status st = only ? server_fill(&r->main.groups, only, len) : EXTLS_OK;
    uint64_t unnamed = server_unnamed(r->main.groups);
    if (st != EXTLS_OK || !unnamed || r->cfg->quiet)
        return st;
    if (seen->min)
        error(r,
              "%llu sessions have no server name: send logs name none, and the receive "
              "connectors name several servers ('%s' to '%s'); run once per server with "
              "--server NAME",
              (unsigned long long)unnamed, seen->min, seen->max);
    else
        error(r,
              "%llu sessions have no server name: send logs name none, and no receive "
              "connector names one; give --server NAME",
              (unsigned long long)unnamed);
    return EXTLS_OK;
}

/* 'extls merge': every report read, or nothing written. */
static int
run_merge(const struct cli_config *cfg, FILE *out, FILE *err)
{
    struct merge *m = merge_new();
    enum extls_status st = m ? EXTLS_OK : EXTLS_ENOMEM;
    for (size_t i = 0; st == EXTLS_OK && i < cfg->n_paths; i++) {
        const char *path = cfg->paths[i];
        int is_stdin = strcmp(path, "-") == 0;
        int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            diag(err, "extls: ", "cannot open '%s': %s", path, strerror(errno));
            merge_free(m);
            return EXTLS_EXIT_ERROR;
        }
        st = merge_add_fd(m, fd, is_stdin ? "(standard input)" : path);
        if (!is_stdin)
            close(fd);
    }
    struct report rep;
    if (st == EXTLS_OK)
        st = merge_report(m, cfg->format, cfg->by, cfg->n_by, &rep);
    if (st == EXTLS_OK)
        st = report_write(out, &rep);
    int code = EXTLS_EXIT_OK;
    if (st == EXTLS_EIO && !merge_errmsg(m)[0])
        fprintf(err, "extls: cannot write output: %s\n", strerror(errno));
    else if (st != EXTLS_OK)
        diag(err, "extls: ", "%s", m && merge_errmsg(m)[0] ? merge_errmsg(m) : extls_strerror(st));
    if (st != EXTLS_OK)
        code = EXTLS_EXIT_ERROR;
    else {
        uint64_t count[EXTLS_N_CLASSES];
        agg_class_totals(rep.groups ? rep.groups : rep.by_connector, count);
        if (threshold_list_match(&cfg->fail_on, count, rep.totals.sessions))
            code = EXTLS_EXIT_FAIL_ON;
    }
    merge_free(m);
    return code;
}

/* The tables of a tally, in a fixed order. */
static size_t
tally_tables(struct tally *t, struct agg **out)
{
    size_t n = 0;
    struct agg *all[STATE_MAX_AGGS] = {t->groups, t->by_connector, t->by_remote, t->by_day};
    for (int i = 0; i < STATE_MAX_AGGS; i++) {
        if (all[i])
            out[n++] = all[i];
    }
    return n;
}

/* Do two tables group by the same keys in the same order? */
static int
same_keys(const struct agg *a, const struct agg *b)
{
    size_t na, nb;
    const enum agg_key *ka = agg_keys(a, &na), *kb = agg_keys(b, &nb);
    return na == nb && memcmp(ka, kb, na * sizeof(*ka)) == 0;
}

/* Index of a carried session's file: an input, or an extra path. */
static uint32_t
file_index(struct run *r, const char *path)
{
    for (size_t i = 0; i < r->inputs.n; i++) {
        if (strcmp(r->inputs.v[i].path, path) == 0)
            return (uint32_t)i;
    }
    for (size_t i = 0; i < r->n_state_paths; i++) {
        if (strcmp(r->state_paths[i], path) == 0)
            return (uint32_t)(r->inputs.n + i);
    }
    char **p = realloc(r->state_paths, (r->n_state_paths + 1) * sizeof(*p));
    char *copy = strdup(path);
    if (!p || !copy) {
        free(copy);
        if (p)
            r->state_paths = p;
        r->main.fatal = EXTLS_ENOMEM;
        return 0;
    }
    r->state_paths = p;
    p[r->n_state_paths] = copy;
    return (uint32_t)(r->inputs.n + r->n_state_paths++);
}

/*
 * --state, before reading: load the state, check it was written for the
 * same kind of report, and carry its open sessions into this run. Returns
 * -1 after printing why (the state file is left as it is).
 */
static int
state_begin(struct run *r)
{
    char msg[512];
    const char *path = r->cfg->state_path;
    for (size_t i = 0; i < r->inputs.n; i++) {
        if (strcmp(r->inputs.v[i].path, "-") == 0) {
            error(r, "--state cannot follow standard input: name files or folders");
            return -1;
        }
    }
    r->state = malloc(sizeof(*r->state));
    if (!r->state || state_init(r->state) != EXTLS_OK) {
        error(r, "%s", extls_strerror(EXTLS_ENOMEM));
        return -1;
    }
    enum extls_status st = state_load(r->state, path, msg, sizeof(msg));
    if (st != EXTLS_OK) {
        error(r, "%s", st == EXTLS_ENOMEM ? extls_strerror(st) : msg);
        return -1;
    }
    struct agg *mine[STATE_MAX_AGGS];
    size_t n = tally_tables(&r->main, mine);
    if (r->state->loaded && r->state->n_aggs != n) {
        error(r,
              "state '%s' was written for another output (format or command); use the same "
              "options, or a new state file",
              path);
        return -1;
    }
    for (size_t i = 0; i < r->state->n_aggs; i++) {
        if (!same_keys(r->state->aggs[i], mine[i])) {
            error(r,
                  "state '%s' was written for other --by keys; use the same options, or a new "
                  "state file",
                  path);
            return -1;
        }
    }
    r->claimed = calloc(r->state->n_files + 1, 1);
    if (!r->claimed) {
        error(r, "%s", extls_strerror(EXTLS_ENOMEM));
        return -1;
    }
    for (size_t i = 0; i < r->state->n_files; i++) {
        for (size_t k = 0; k < r->inputs.n && !r->claimed[i]; k++)
            r->claimed[i] = strcmp(r->state->files[i].path, r->inputs.v[k].path) == 0;
    }
    /* Sessions left open last time come first: their rows precede this run's. */
    for (size_t i = 0; i < r->state->n_open && !r->main.fatal; i++) {
        struct session *s = r->state->open[i];
        s->file = file_index(r, r->state->open_path[i]);
        r->state->open[i] = NULL;
        if (!r->main.fatal)
            r->main.fatal = session_table_adopt(r->carry, s);
        else
            session_free(s);
    }
    return r->main.fatal ? -1 : 0;
}

/*
 * --state, after reading: sessions quiet for EXPIRY_MS of log time are
 * counted, the others carried; the running counts and file records go to
 * the new state, which is then saved. With --report all the report shows
 * the running counts, else this run's. Returns the number of errors.
 */
static int
state_end(struct run *r)
{
    char msg[512];
    struct state next;
    struct state *old = r->state;
    if (state_init(&next) != EXTLS_OK) {
        r->main.fatal = EXTLS_ENOMEM;
        return 0;
    }
    next.raw = old->raw; /* unchanged bytes need no rewrite */
    next.raw_len = old->raw_len;
    old->raw = NULL;
    next.clock_ms = old->clock_ms > r->main.clock_ms ? old->clock_ms : r->main.clock_ms;

    size_t n_open = 0;
    struct session **open = session_table_drain(r->carry, &n_open);
    if (!open && session_table_open(r->carry))
        r->main.fatal = EXTLS_ENOMEM;
    for (size_t i = 0; open && i < n_open; i++) {
        struct session *s = open[i];
        if (!r->main.fatal && next.clock_ms != INT64_MIN && s->end_ms < next.clock_ms - EXPIRY_MS) {
            count_session(r, &r->main, r->filter, s);
            session_free(s);
        } else if (!r->main.fatal) {
            r->main.fatal = state_add_open(&next, s, input_path(r, s->file));
        } else {
            session_free(s);
        }
    }
    free(open);
    if (!r->main.fatal && r->main.groups)
        r->main.fatal = fill_servers(r);

    /* Files: this run's records; an input that failed keeps its old record. */
    for (size_t i = 0; i < r->inputs.n && !r->main.fatal; i++) {
        const struct state_file *rec = NULL;
        if (r->results[i].resumable)
            rec = &r->results[i].rec;
        else
            rec = state_find_file(old, r->inputs.v[i].path);
        if (rec)
            r->main.fatal = state_add_file(&next, rec);
    }

    /* Running counts: the old ones plus this run's. */
    struct agg *mine[STATE_MAX_AGGS];
    size_t n = tally_tables(&r->main, mine);
    struct report_totals run_totals = r->main.totals;
    for (size_t i = 0; i < n && !r->main.fatal; i++) {
        size_t nk;
        const enum agg_key *keys = agg_keys(mine[i], &nk);
        next.aggs[i] = agg_new(keys, nk);
        next.n_aggs = i + 1;
        if (!next.aggs[i] || agg_merge(next.aggs[i], mine[i]) != EXTLS_OK ||
            (i < old->n_aggs && agg_merge(next.aggs[i], old->aggs[i]) != EXTLS_OK))
            r->main.fatal = EXTLS_ENOMEM;
    }
    struct report_totals *t = &next.totals;
    const struct report_totals *o = &old->totals;
    *t = run_totals;
    t->files = next.n_files;
    t->files_skipped = run_totals.files_skipped;
    t->files_failed = run_totals.files_failed;
    t->rows += o->rows;
    t->malformed += o->malformed;
    t->sessions += o->sessions;
    t->excluded += o->excluded;
    if (o->first_ms < t->first_ms)
        t->first_ms = o->first_ms;
    if (o->last_ms > t->last_ms)
        t->last_ms = o->last_ms;

    int errors = 0;
    if (!r->main.fatal && r->cfg->report_all) {
        /* Report the running counts: add the old ones into this run's tables. */
        for (size_t i = 0; i < n && i < old->n_aggs && !r->main.fatal; i++)
            r->main.fatal = agg_merge(mine[i], old->aggs[i]);
        r->main.totals = *t;
        if (n)
            agg_class_totals(mine[0], r->main.count); /* --fail-on judges what is reported */
    }
    if (!r->main.fatal) {
        enum extls_status st = state_save(&next, r->cfg->state_path, msg, sizeof(msg));
        if (st == EXTLS_ENOMEM) {
            r->main.fatal = st;
        } else if (st != EXTLS_OK) {
            error(r, "%s", msg);
            errors++;
        }
    }
    state_release(&next);
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

    enum extls_status st = setup(&r);
    if (st != EXTLS_OK) {
        if (st != EXTLS_EINVAL)
            error(&r, "%s", extls_strerror(st));
        int code = cfg->nagios ? finish_nagios(&r, EXTLS_EXIT_ERROR) : EXTLS_EXIT_ERROR;
        teardown(&r);
        return code;
    }
    int errors = r.walk_errors;
    r.main.totals.files_skipped += r.inputs.skipped;
    r.main.totals.files_failed += (uint64_t)r.walk_errors;
    if (cfg->state_path && state_begin(&r) != 0) {
        teardown(&r);
        return EXTLS_EXIT_ERROR;
    }
    if (cfg->command == CLI_SESSIONS)
        export_header(out, cfg->format);

    errors += read_all(&r);
    for (unsigned i = 0; i < r.n_workers; i++)
        tally_add(&r.main, &r.workers[i].tally);
    if (!r.main.fatal && r.state) {
        errors += state_end(&r);
    } else if (!r.main.fatal) {
        r.main.fatal = session_table_flush(r.carry);
        if (!r.main.fatal && r.main.groups)
            r.main.fatal = fill_servers(&r);
    }

    int code = EXTLS_EXIT_OK;
    int write_failed = 0;
    if (!r.main.fatal && !cfg->nagios)
        write_failed = finish_output(&r) != 0;
    if (r.main.fatal) {
        error(&r, "%s", extls_strerror(r.main.fatal));
        code = EXTLS_EXIT_ERROR;
    } else if (write_failed) {
        error(&r, "cannot write output: %s", strerror(errno));
        code = EXTLS_EXIT_ERROR;
    } else if (errors) {
        code = EXTLS_EXIT_ERROR;
    } else if (threshold_list_match(&cfg->fail_on, r.main.count, r.main.totals.sessions)) {
        code = EXTLS_EXIT_FAIL_ON;
    }
    if (cfg->nagios)
        code = finish_nagios(&r, code);
    teardown(&r);
    return code;
}
