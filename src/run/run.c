/* SPDX-License-Identifier: MIT */
/*
 * run.c: the order of one run, and nothing else: set up, read every input
 * (pool.c: the workers; input.c: one input), count (count.c), write the
 * report, deliver it, save the state (run_state.c), judge the exit status
 * (verdict.c); every message is worded by diag.c.
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
 * between runs is run_state.c's and resume.c's (run_int.h holds what the
 * files of a run share). The
 * order of a --state run is this file's: take the state's lock (lock.h) and
 * finish a commit an interrupted run left (commit.h); read; write the
 * report; deliver it (flushed and fsynced, or, with --output, complete in
 * its temporary file, outfile.h); only then replace the state, together
 * with the --output file. A report that is not delivered never marks its
 * sessions done. A --state or --output run that saw nothing
 * (verdict_saw_nothing(): no protocol log read, or only malformed rows)
 * delivers no report and leaves the state and the --output file as they
 * were: an empty report would read as all clean.
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
#include <stdlib.h>
#include <string.h>

#include "commit.h"
#include "esc.h"
#include "platform.h"
#include "term.h"
#include "xlsx.h"

/* The path of input index idx; indexes past the inputs name files of carried sessions. */
const char *
run_input_path(const struct run *r, uint32_t idx)
{
    if (idx < r->inputs.n)
        return r->inputs.v[idx].path;
    idx -= (uint32_t)r->inputs.n;
    return idx < r->incr.n_state_paths ? r->incr.state_paths[idx] : "?";
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
            .local_days = r->cfg->tz == CALENDAR_LOCAL,
            .terminal = (r->esc_style & ESC_TERMINAL) != 0,
            .width = term_columns(fileno(r->out), getenv("COLUMNS")),
            .wide = r->cfg->wide,
            .servers = server_text(r, servers, sizeof(servers)),
            .generated_ms = r->cfg->format == REPORT_HTML || r->cfg->format == REPORT_XLSX
                                ? run_report_time()
                                : 0,
            .saw_nothing = r->saw_nothing,
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
    run_session_header(r);
    if (fflush(r->out) != 0 || ferror(r->out))
        return -1;
    return 0;
}

static void
teardown(struct run *r)
{
    if (r->results) {
        for (size_t i = 0; i < r->n_results; i++) {
            free(r->results[i].diag);
            for (size_t k = 0; k < r->results[i].n_open; k++)
                session_free(r->results[i].open[k]);
            free(r->results[i].open);
        }
    }
    split_free(r->split);
    session_table_free(r->carry);
    filter_free(r->filter);
    progress_free(r->progress);
    for (unsigned i = 0; r->workers && i < r->n_workers; i++)
        worker_release(&r->workers[i]);
    free(r->workers);
    free(r->results);
    tally_release(&r->main);
    run_incr_release(&r->incr);
    outfile_free(r->outfile); /* removes the temporary file of a report not delivered */
    free(r->found);
    xlsx_free(r->xlsx);
    input_list_release(&r->inputs);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->changed);
    pthread_cond_destroy(&r->ready);
    lock_release(r->incr.state_lock); /* last: everything of this run is done */
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
    st = count_make_filter(r, &r->filter);
    if (st != EXTLS_OK)
        return st;
    if (cfg->verbose) /* as the notes of files skipped for their first lines */
        input_list_on_skip(&r->inputs, diag_walk_skip, r);
    r->walk_errors = walk_paths(&r->inputs, cfg->paths, cfg->n_paths, diag_walk_error, r);
    if (r->walk_errors < 0)
        return EXTLS_ENOMEM;
    r->now_s = cfg->now_ms / 1000; /* the clock of cli.h: EXTLS_NOW when set */
    r->found = calloc(cfg->n_paths ? cfg->n_paths : 1, sizeof(*r->found));
    if (!r->found)
        return EXTLS_ENOMEM;
    for (size_t i = 0; i < r->inputs.n_args; i++)
        r->found[i].kind[EXTLS_KIND_OTHER_FILE] = r->inputs.args[i].skipped;
    r->progress = make_progress(r);
    if (!r->progress)
        return EXTLS_ENOMEM;
    int split = split_wanted(cfg, &r->inputs);
    r->n_workers = pool_choose_workers(cfg, split ? CLI_MAX_JOBS : r->inputs.n);
    r->workers = calloc(r->n_workers, sizeof(*r->workers));
    /* One slot per input with --state (its record is saved), else a ring. */
    r->n_results = r->inputs.n;
    if (!cfg->state_path && r->n_results > (size_t)r->n_workers * AHEAD_PER_JOB)
        r->n_results = (size_t)r->n_workers * AHEAD_PER_JOB;
    if (r->n_results == 0)
        r->n_results = 1;
    r->results = calloc(r->n_results, sizeof(*r->results));
    r->carry = session_table_new(count_done_carried, r);
    if (!r->workers || !r->results || !r->carry)
        return EXTLS_ENOMEM;
    for (unsigned i = 0; i < r->n_workers; i++) {
        st = worker_init(r, &r->workers[i]);
        if (st != EXTLS_OK)
            return st;
    }
    return split ? split_init(r) : EXTLS_OK;
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
 * Under the state's lock, after the journal of a killed run was completed
 * (its temporary files are then renamed or garbage): remove the temporary
 * files runs killed earlier left beside the state, its journal and the
 * --output report. Every writer of STATE.tmp.PID and STATE.commit.tmp.PID
 * holds this lock, so any of them not ours is garbage, whatever its pid
 * (a pid check could be fooled by a reused pid). The report's temporary
 * files may belong to a run on another state file (or none) writing the
 * same --output: only those of processes that no longer exist are removed.
 * (Two state files sharing one --output are not supported: a killed run of
 * the other state whose journal is still pending would lose its report.)
 */
static void
remove_stale_temps(struct run *r, const char *journal)
{
    size_t n = commit_remove_stale(r->cfg->state_path, COMMIT_STALE_ANY_PID) +
               commit_remove_stale(journal, COMMIT_STALE_ANY_PID);
    if (r->cfg->output)
        n += commit_remove_stale(r->cfg->output, COMMIT_STALE_DEAD_PID);
    if (n && r->cfg->verbose && !r->cfg->quiet)
        diag_line(r->err, "extls: ", "%s: removed %zu temporary file%s left by killed runs",
                  r->cfg->state_path, n, n == 1 ? "" : "s");
}

/*
 * --state, before anything else: take the state's lock (held until the
 * end of the run), then complete the commit of a run killed in the middle
 * of one (commit.h), so that what it delivered and what it marked done
 * agree, and remove what killed runs left. Returns -1 after printing why.
 */
static int
begin_exclusive(struct run *r)
{
    char msg[600];
    const char *path = r->cfg->state_path;
    enum extls_status st =
        lock_acquire(&r->incr.state_lock, path, r->cfg->wait_ms, msg, sizeof(msg));
    if (st != EXTLS_OK) {
        run_error(r, "%s", st == EXTLS_ENOMEM ? extls_strerror(st) : msg);
        return -1;
    }
    char *journal = path_with(path, COMMIT_SUFFIX);
    size_t done = 0;
    st = journal ? commit_recover(journal, &done, msg, sizeof(msg)) : EXTLS_ENOMEM;
    if (st == EXTLS_OK)
        remove_stale_temps(r, journal);
    free(journal);
    if (st != EXTLS_OK) {
        run_error(r, "%s", st == EXTLS_ENOMEM ? extls_strerror(st) : msg);
        return -1;
    }
    if (done && !r->cfg->quiet)
        diag_line(r->err, "extls: ",
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
    else if (r->incr.next_state)
        st = outfile_sync_stream(r->out, msg, sizeof(msg));
    char *tmp = NULL;
    if (st == EXTLS_OK && r->incr.next_state)
        st = state_save_temp(r->incr.next_state, state_path, &tmp, msg, sizeof(msg));
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
    pthread_cond_init(&r.ready, NULL);

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
        r.xlsx = xlsx_sessions_new(run_report_time(), &st);
    if (st != EXTLS_OK) {
        if (st != EXTLS_EINVAL)
            run_error(&r, "%s", extls_strerror(st));
        int code = cfg->nagios ? verdict_finish_nagios(&r, EXTLS_EXIT_ERROR, 0) : EXTLS_EXIT_ERROR;
        teardown(&r);
        return code;
    }
    int errors = r.walk_errors;
    r.main.totals.files_skipped += r.inputs.skipped;
    r.main.totals.skipped_kind[EXTLS_KIND_OTHER_FILE] += r.inputs.skipped;
    r.main.totals.files_failed += (uint64_t)r.walk_errors;
    if (cfg->state_path && run_state_begin(&r) != 0) { /* it said why */
        int code = cfg->nagios ? verdict_finish_nagios(&r, EXTLS_EXIT_ERROR, 0) : EXTLS_EXIT_ERROR;
        teardown(&r);
        return code;
    }
    /* Written with the first record, or at the end of a run that delivers: not before nothing. */
    r.header_due = cfg->command == CLI_SESSIONS;

    errors += r.split ? split_read_all(&r) : pool_read_all(&r);
    for (unsigned i = 0; i < r.n_workers; i++)
        tally_add(&r.main, &r.workers[i].tally);
    uint64_t rows = r.main.totals.rows; /* read by this run (--report all adds earlier ones) */
    /*
     * Nothing seen is not clean; with --state or --output it delivers
     * nothing: the state and the --output file stay as they were.
     */
    int withhold = 0;
    if (!r.main.fatal && r.merged == r.inputs.n) {
        int found_errors = diag_check_found(&r);
        errors += found_errors + diag_check_rows(&r, rows, found_errors);
        r.saw_nothing = verdict_saw_nothing(&r, rows);
        withhold = (cfg->state_path || cfg->output) && r.saw_nothing;
    }
    if (!r.main.fatal && r.incr.state) {
        int loaded = r.incr.state->loaded, malformed = r.main.totals.malformed != 0;
        errors += run_state_end(&r);
        /* A normal outcome, said in one line: rows<1 makes it an alert. */
        if (!r.main.fatal && loaded && !rows && !malformed && !errors && !cfg->quiet)
            diag_line(r.err, "extls: ", "no new rows since the last run (state '%s')",
                      cfg->state_path);
    } else if (!r.main.fatal) {
        r.main.fatal = session_table_flush(r.carry);
        if (!r.main.fatal && r.main.groups)
            r.main.fatal = run_fill_servers(&r);
    }

    int code = EXTLS_EXIT_OK;
    int write_failed = 0;
    if (!r.main.fatal && !cfg->nagios && !withhold)
        write_failed = finish_output(&r) != 0;
    if (r.main.fatal) {
        run_error(&r, "%s", extls_strerror(r.main.fatal));
        code = EXTLS_EXIT_ERROR;
    } else if (write_failed) {
        platform_end_if_reader_gone(r.out);
        run_error(&r, "cannot write output: %s", strerror(errno));
        code = EXTLS_EXIT_ERROR;
    } else if (withhold || deliver(&r) != 0 || errors) {
        code = EXTLS_EXIT_ERROR; /* deliver() said why; input errors were said as they came */
    } else {
        struct threshold_counts c;
        verdict_counts(&r, rows, &c);
        if (threshold_list_match(&cfg->fail_on, &c))
            code = EXTLS_EXIT_FAIL_ON;
    }
    if (cfg->nagios)
        code = verdict_finish_nagios(&r, code, rows);
    teardown(&r);
    return code;
}
