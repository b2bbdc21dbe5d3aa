/* SPDX-License-Identifier: MIT */
/*
 * run.c: the pipeline of one run, and every diagnostic it prints.
 * Malformed rows are named as "file:line: reason" (the first 10 per input
 * unless --verbose, then a count); inputs that cannot be read are named
 * and make the exit status 2, the others are still reported.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
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

struct run {
    const struct cli_config *cfg;
    FILE *out, *err;
    struct input_list inputs;
    struct reader *reader;
    struct matcher *matcher;
    struct session_table *sessions;
    struct filter *filter;
    struct agg *groups, *by_connector, *by_remote;
    struct report_totals totals;
    char *buf;

    uint32_t cur;          /* index of the input being read */
    uint64_t cur_malformed; /* malformed rows in it */
    int cur_skipped;       /* it turned out to be another kind of log */
    int input_errors;      /* inputs that could not be read, wholly or partly */
    int fail_matched;
    enum extls_status fatal; /* out of memory: stop */
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

static const char *
cur_path(const struct run *r)
{
    const char *p = r->inputs.v[r->cur].path;
    return strcmp(p, "-") == 0 ? "(standard input)" : p;
}

static void
malformed(struct run *r, uint64_t line, const char *why)
{
    r->totals.malformed++;
    r->cur_malformed++;
    if (!r->cfg->quiet && (r->cfg->verbose || r->cur_malformed <= MALFORMED_SHOWN))
        fprintf(r->err, "%s:%llu: %s\n", cur_path(r), (unsigned long long)line, why);
}

static void
on_row(const struct reader_row *rr, void *user)
{
    struct run *r = user;
    struct row row;
    struct match_facts f;
    if (r->fatal)
        return;
    const char *why = row_decode(rr, &row);
    if (why) {
        malformed(r, rr->line, why);
        return;
    }
    match_row(r->matcher, &row, &f);
    r->totals.rows++;
    r->fatal = session_table_add(r->sessions, &row, &f, r->cur);
}

static void
on_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    struct run *r = user;
    switch (kind) {
    case READER_MALFORMED_ROW:
        malformed(r, line, msg);
        break;
    case READER_WRONG_LOG:
        if (r->inputs.v[r->cur].from_dir && line <= 8) {
            /* Another kind of Exchange log in a walked folder: skip it. */
            r->cur_skipped = 1;
            if (r->cfg->verbose)
                error(r, "skipping '%s': %s", cur_path(r), msg);
            break;
        }
        /* fall through */
    case READER_FILE_ERROR:
        error(r, "%s:%llu: %s; rest of file skipped", cur_path(r), (unsigned long long)line, msg);
        r->input_errors++;
        break;
    }
}

/* Fold one finished session into the counts (or write it out). */
static void
on_done(const struct session *s, void *user)
{
    struct run *r = user;
    if (r->fatal)
        return;
    if (!filter_match(r->filter, s)) {
        r->totals.excluded++;
        return;
    }
    enum extls_class cls = session_classify(s);
    r->totals.sessions++;
    if (s->start_ms < r->totals.first_ms)
        r->totals.first_ms = s->start_ms;
    if (s->start_ms > r->totals.last_ms)
        r->totals.last_ms = s->start_ms;
    if (r->cfg->fail_on & (1u << cls))
        r->fail_matched = 1;
    if (r->cfg->command == CLI_SESSIONS) {
        const char *file = r->inputs.v[s->file].path;
        export_session(r->out, r->cfg->format, s, file);
        return;
    }

    char day[XTIME_BUF], cipher[3 * (EXTLS_NAME_MAX + 16)];
    const char *dir = extls_dir_name(s->dir);
    struct reader_field host = {s->host ? s->host : "", s->host ? s->host_len : 0};
    struct reader_field key[AGG_N_KEYS] = {
        [AGG_DIRECTION] = {dir, strlen(dir)},
        [AGG_CONNECTOR] = {s->connector->ptr, s->connector->len},
        [AGG_REMOTE] = {s->remote, strlen(s->remote)},
        [AGG_DAY] = {xtime_format_day(s->start_ms, day), 10},
        [AGG_EHLO] = host,
        [AGG_CIPHER] = {export_cipher(s, cipher, sizeof(cipher)), 0},
    };
    key[AGG_CIPHER].len = strlen(cipher);
    struct agg *targets[3] = {r->groups, r->by_connector, r->by_remote};
    for (int i = 0; i < 3; i++) {
        if (targets[i] && r->fatal == EXTLS_OK)
            r->fatal = agg_add(targets[i], key, cls, s->start_ms, host);
    }
}

static void
walk_error(const char *path, int errnum, void *user)
{
    struct run *r = user;
    error(r, "cannot read '%s': %s", path, strerror(errnum));
    r->totals.files_failed++;
}

/* Read one input through the reader. */
static void
read_input(struct run *r, uint32_t idx)
{
    const struct input *in = &r->inputs.v[idx];
    int is_stdin = strcmp(in->path, "-") == 0;
    r->cur = idx;
    r->cur_malformed = 0;
    r->cur_skipped = 0;
    int fd = is_stdin ? STDIN_FILENO : open(in->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error(r, "cannot open '%s': %s", in->path, strerror(errno));
        r->input_errors++;
        r->totals.files_failed++;
        return;
    }
    reader_begin(r->reader, in->hint);
    int read_failed = 0;
    for (;;) {
        ssize_t n = read(fd, r->buf, READ_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error(r, "error reading '%s': %s", cur_path(r), strerror(errno));
            read_failed = 1;
            break;
        }
        if (n == 0)
            break;
        enum extls_status st = reader_feed(r->reader, r->buf, (size_t)n);
        if (st != EXTLS_OK && !r->fatal)
            r->fatal = st;
        if (r->fatal || reader_stats(r->reader)->rejected)
            break;
    }
    if (!read_failed && !r->fatal) {
        enum extls_status st = reader_finish(r->reader);
        if (st != EXTLS_OK)
            r->fatal = st;
    }
    if (!is_stdin)
        close(fd);
    if (read_failed) {
        r->input_errors++;
        r->totals.files_failed++;
    }
    if (r->cur_skipped) {
        r->totals.files_skipped++;
        return;
    }
    r->totals.files++;
    if (!r->cfg->quiet && !r->cfg->verbose && r->cur_malformed > MALFORMED_SHOWN)
        error(r, "%s: %llu malformed rows in all, %llu not named (use --verbose)", cur_path(r),
              (unsigned long long)r->cur_malformed,
              (unsigned long long)(r->cur_malformed - MALFORMED_SHOWN));
}

/* Create everything the run needs; EXTLS_EINVAL for a bad filter (message printed). */
static enum extls_status
setup(struct run *r)
{
    static const struct reader_callbacks cb_template = {on_row, on_problem, NULL};
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    const struct cli_config *cfg = r->cfg;
    struct reader_callbacks cb = cb_template;
    cb.user = r;

    r->filter = filter_new();
    if (!r->filter)
        return EXTLS_ENOMEM;
    filter_since(r->filter, cfg->since);
    filter_until(r->filter, cfg->until);
    filter_direction(r->filter, cfg->direction);
    if (cfg->connector) {
        char msg[200];
        enum extls_status st = filter_connector(r->filter, cfg->connector, msg, sizeof(msg));
        if (st == EXTLS_EINVAL)
            error(r, "bad --connector pattern '%s': %s", cfg->connector, msg);
        if (st != EXTLS_OK)
            return st;
    }
    if (cfg->remote && filter_remote(r->filter, cfg->remote) != EXTLS_OK) {
        error(r, "bad --remote '%s': use an IPv4 or IPv6 address, optionally with /PREFIX",
              cfg->remote);
        return EXTLS_EINVAL;
    }
    r->reader = reader_new(&cb);
    r->matcher = matcher_new();
    r->sessions = session_table_new(on_done, r);
    r->buf = malloc(READ_BUF);
    if (!r->reader || !r->matcher || !r->sessions || !r->buf)
        return EXTLS_ENOMEM;
    if (cfg->command == CLI_REPORT && cfg->format == REPORT_TABLE) {
        r->by_connector = agg_new(conn_keys, 2);
        r->by_remote = agg_new(remote_keys, 2);
        if (!r->by_connector || !r->by_remote)
            return EXTLS_ENOMEM;
    } else if (cfg->command == CLI_REPORT) {
        r->groups = agg_new(cfg->by, cfg->n_by);
        if (!r->groups)
            return EXTLS_ENOMEM;
    }
    return EXTLS_OK;
}

static void
teardown(struct run *r)
{
    reader_free(r->reader);
    matcher_free(r->matcher);
    session_table_free(r->sessions);
    filter_free(r->filter);
    agg_free(r->groups);
    agg_free(r->by_connector);
    agg_free(r->by_remote);
    input_list_release(&r->inputs);
    free(r->buf);
}

/* Write the summary or finish the session records; 0 or -1 on a write error. */
static int
finish_output(struct run *r)
{
    if (r->cfg->command == CLI_REPORT) {
        struct report rep = {
            .format = r->cfg->format,
            .totals = r->totals,
            .groups = r->groups,
            .by_connector = r->by_connector,
            .by_remote = r->by_remote,
        };
        enum extls_status st = report_write(r->out, &rep);
        if (st == EXTLS_ENOMEM)
            r->fatal = st;
        else if (st != EXTLS_OK)
            return -1;
        return 0;
    }
    if (fflush(r->out) != 0 || ferror(r->out))
        return -1;
    return 0;
}

int
run(const struct cli_config *cfg, FILE *out, FILE *err)
{
    struct run r;
    memset(&r, 0, sizeof(r));
    r.cfg = cfg;
    r.out = out;
    r.err = err;
    r.totals.first_ms = INT64_MAX;
    r.totals.last_ms = INT64_MIN;
    input_list_init(&r.inputs);

    int code = EXTLS_EXIT_OK;
    enum extls_status st = setup(&r);
    if (st == EXTLS_OK && walk_paths(&r.inputs, cfg->paths, cfg->n_paths, walk_error, &r) < 0)
        st = EXTLS_ENOMEM;
    if (st != EXTLS_OK) {
        if (st != EXTLS_EINVAL)
            error(&r, "%s", extls_strerror(st));
        teardown(&r);
        return EXTLS_EXIT_ERROR;
    }
    if (r.totals.files_failed)
        r.input_errors++;
    r.totals.files_skipped += r.inputs.skipped;
    if (cfg->command == CLI_SESSIONS)
        export_header(out, cfg->format);
    for (uint32_t i = 0; i < r.inputs.n && !r.fatal; i++)
        read_input(&r, i);
    if (!r.fatal)
        r.fatal = session_table_flush(r.sessions);
    int write_failed = 0;
    if (!r.fatal)
        write_failed = finish_output(&r) != 0;
    if (r.fatal) {
        error(&r, "%s", extls_strerror(r.fatal));
        code = EXTLS_EXIT_ERROR;
    } else if (write_failed) {
        error(&r, "cannot write output: %s", strerror(errno));
        code = EXTLS_EXIT_ERROR;
    } else if (r.input_errors) {
        code = EXTLS_EXIT_ERROR;
    } else if (r.fail_matched) {
        code = EXTLS_EXIT_FAIL_ON;
    }
    teardown(&r);
    return code;
}
