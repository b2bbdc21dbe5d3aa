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
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agg.h"
#include "export.h"
#include "filter.h"
#include "match.h"
#include "reader.h"
#include "report.h"
#include "row.h"
#include "session.h"
#include "walk.h"
#include "xtime.h"

#define READ_BUF (64 * 1024)
#define MALFORMED_SHOWN 10 /* malformed rows named per input without --verbose */
#define AHEAD_PER_JOB 2    /* inputs a worker may finish before the merge reaches them */

struct run;

/* Counts of one worker, added up at the end. */
struct tally {
    struct agg *groups, *by_connector, *by_remote;
    struct report_totals totals;
    int fail_matched;
    enum extls_status fatal;
};

/* What one input left for the main thread. */
struct result {
    int ready;
    char *diag; /* stderr text, in order */
    size_t diag_len;
    struct session **open; /* sessions still open at its end */
    size_t n_open;
    int read;    /* counted as a file read */
    int skipped; /* another kind of log in a walked folder */
    int failed;  /* could not be read, wholly or partly */
    int errors;  /* problems that make the exit status 2 */
};

struct worker {
    struct run *run;
    struct reader *reader;
    struct matcher *matcher;
    struct session_table *sessions;
    struct filter *filter;
    struct tally tally;
    char *buf;
    pthread_t thread;

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

    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint32_t next;   /* next input to hand to a worker */
    uint32_t merged; /* inputs merged so far */
    int stop;        /* a fatal error: workers take no more inputs */
};

static void
error(struct run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("extls: ", r->err);
    vfprintf(r->err, fmt, ap);
    putc('\n', r->err);
    va_end(ap);
}

/* An error line in the current input's diagnostics. */
static void
werror(struct worker *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("extls: ", w->diag);
    vfprintf(w->diag, fmt, ap);
    putc('\n', w->diag);
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
        fprintf(w->diag, "%s:%llu: %s\n", display_path(w->run, w->cur), (unsigned long long)line,
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
                werror(w, "skipping '%s': %s", display_path(w->run, w->cur), msg);
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

/* Count one finished session (or write it out) in a tally. */
static void
count_session(struct run *r, struct tally *t, struct filter *flt, const struct session *s)
{
    if (t->fatal)
        return;
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
    if (r->cfg->fail_on & (1u << cls))
        t->fail_matched = 1;
    if (r->cfg->command == CLI_SESSIONS) {
        export_session(r->out, r->cfg->format, s, r->inputs.v[s->file].path);
        return;
    }

    /* Day and cipher cost a format each: only when grouped by them. */
    char day[XTIME_BUF] = "", cipher[3 * (EXTLS_NAME_MAX + 16)] = "";
    if (t->groups && (agg_keys_mask(t->groups) & AGG_BIT(AGG_DAY)))
        xtime_format_day(s->start_ms, day);
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
    };
    struct agg *targets[3] = {t->groups, t->by_connector, t->by_remote};
    for (int i = 0; i < 3; i++) {
        if (targets[i] && t->fatal == EXTLS_OK)
            t->fatal = agg_add(targets[i], key, cls, s->start_ms, host);
    }
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
    reader_begin(w->reader, in->hint);
    int read_failed = 0;
    for (;;) {
        ssize_t n = read(fd, w->buf, READ_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            werror(w, "error reading '%s': %s", display_path(r, idx), strerror(errno));
            read_failed = 1;
            break;
        }
        if (n == 0) {
            read_failed = shrank(w, fd, idx);
            break;
        }
        enum extls_status st = reader_feed(w->reader, w->buf, (size_t)n);
        if (st != EXTLS_OK && !w->tally.fatal)
            w->tally.fatal = st;
        if (w->tally.fatal || reader_stats(w->reader)->rejected)
            break;
    }
    if (!read_failed && !w->tally.fatal) {
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
            werror(w, "%s: %llu malformed rows in all, %llu not named (use --verbose)",
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
    if (res->diag_len)
        fwrite(res->diag, 1, res->diag_len, r->err);
    free(res->diag);
    res->diag = NULL;
    r->main.totals.files += (uint64_t)res->read;
    r->main.totals.files_skipped += (uint64_t)res->skipped;
    r->main.totals.files_failed += (uint64_t)res->failed;
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
    memset(t, 0, sizeof(*t));
    t->totals.first_ms = INT64_MAX;
    t->totals.last_ms = INT64_MIN;
    if (cfg->command != CLI_REPORT)
        return EXTLS_OK;
    if (cfg->format == REPORT_TABLE) {
        t->by_connector = agg_new(conn_keys, 2);
        t->by_remote = agg_new(remote_keys, 2);
        return t->by_connector && t->by_remote ? EXTLS_OK : EXTLS_ENOMEM;
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
    struct agg **d[3] = {&dst->groups, &dst->by_connector, &dst->by_remote};
    struct agg **s[3] = {&src->groups, &src->by_connector, &src->by_remote};
    for (int i = 0; i < 3; i++) {
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
    dst->fail_matched |= src->fail_matched;
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
    w->buf = malloc(READ_BUF);
    if (!w->reader || !w->matcher || !w->sessions || !w->buf)
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
    for (uint32_t i = 0; i < r->inputs.n; i++) {
        if (threaded) {
            pthread_mutex_lock(&r->lock);
            while (!r->results[i].ready && !r->stop)
                pthread_cond_wait(&r->changed, &r->lock);
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
    for (unsigned i = 0; r->workers && i < r->n_workers; i++)
        worker_release(&r->workers[i]);
    free(r->workers);
    free(r->results);
    tally_release(&r->main);
    input_list_release(&r->inputs);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->changed);
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

int
run(const struct cli_config *cfg, FILE *out, FILE *err)
{
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
        teardown(&r);
        return EXTLS_EXIT_ERROR;
    }
    int errors = r.walk_errors;
    r.main.totals.files_skipped += r.inputs.skipped;
    r.main.totals.files_failed += (uint64_t)r.walk_errors;
    if (cfg->command == CLI_SESSIONS)
        export_header(out, cfg->format);

    errors += read_all(&r);
    if (!r.main.fatal)
        r.main.fatal = session_table_flush(r.carry);
    for (unsigned i = 0; i < r.n_workers; i++)
        tally_add(&r.main, &r.workers[i].tally);

    int code = EXTLS_EXIT_OK;
    int write_failed = 0;
    if (!r.main.fatal)
        write_failed = finish_output(&r) != 0;
    if (r.main.fatal) {
        error(&r, "%s", extls_strerror(r.main.fatal));
        code = EXTLS_EXIT_ERROR;
    } else if (write_failed) {
        error(&r, "cannot write output: %s", strerror(errno));
        code = EXTLS_EXIT_ERROR;
    } else if (errors) {
        code = EXTLS_EXIT_ERROR;
    } else if (r.main.fail_matched) {
        code = EXTLS_EXIT_FAIL_ON;
    }
    teardown(&r);
    return code;
}
