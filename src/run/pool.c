/* SPDX-License-Identifier: MIT */
/*
 * pool.c: the worker pool: workers set up and released, inputs handed out in order, results merged
 * strictly in input order.
 */
#include "run.h"
#include "run_int.h"

#include <stdlib.h>
#include <string.h>

#include "platform.h"

void
pool_merge_result(struct run *r, uint32_t idx)
{
    struct result *res = run_result(r, idx);
    if (res->diag_len) {
        progress_clear(r->progress);
        fwrite(res->diag, 1, res->diag_len, r->err);
    }
    free(res->diag);
    res->diag = NULL;
    /* Only inputs that turned out to be protocol logs count as files read. */
    r->main.totals.files += (uint64_t)(res->read && res->kind == EXTLS_KIND_PROTOCOL);
    r->main.totals.files_skipped += (uint64_t)res->skipped;
    r->main.totals.skipped_kind[res->kind] += (uint64_t)res->skipped;
    r->main.totals.files_failed += (uint64_t)res->failed;
    struct arg_found *f = &r->found[r->inputs.v[idx].arg];
    if (res->errors)
        f->errors++;
    else if (res->kind == EXTLS_KIND_PROTOCOL && res->malformed_only)
        f->malformed_only++;
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
        r->waiting++;
        while (!r->stop && r->next < r->inputs.n && r->next >= r->merged + ahead)
            pthread_cond_wait(&r->changed, &r->lock);
        r->waiting--;
        if (r->stop || r->next >= r->inputs.n)
            break;
        uint32_t idx = r->next++;
        pthread_mutex_unlock(&r->lock);
        input_read(w, idx);
        pthread_mutex_lock(&r->lock);
        run_result(r, idx)->ready = 1;
        if (w->tally.fatal)
            r->stop = 1;
        /* Wake the main thread only for the input it waits for (or to stop). */
        if (idx == r->merged || r->stop)
            pthread_cond_signal(&r->ready);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

enum extls_status
worker_init(struct run *r, struct worker *w)
{
    struct reader_callbacks cb = {input_on_row, diag_on_problem, w};
    w->run = r;
    enum extls_status st = count_make_filter(r, &w->filter);
    if (st != EXTLS_OK)
        return st;
    st = tally_init(&w->tally, r->cfg);
    if (st != EXTLS_OK)
        return st;
    w->reader = reader_new(&cb);
    w->matcher = matcher_new();
    w->sessions = session_table_new(count_done_in_input, w);
    w->gz = gzin_new();
    w->buf = malloc(READ_BUF);
    if (!w->reader || !w->matcher || !w->sessions || !w->gz || !w->buf)
        return EXTLS_ENOMEM;
    reader_set_full_parse(w->reader, r->cfg->full_parse);
    return EXTLS_OK;
}

void
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

unsigned
pool_choose_workers(const struct cli_config *cfg, size_t n_inputs)
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
 * While the progress line is shown, wake every interval to redraw it (the
 * main thread is its printer).
 */
void
pool_wait(struct run *r, pthread_cond_t *cond)
{
    if (!progress_active(r->progress)) {
        pthread_cond_wait(cond, &r->lock);
        return;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += PROGRESS_INTERVAL_MS * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(cond, &r->lock, &until);
    pthread_mutex_unlock(&r->lock);
    progress_tick(r->progress);
    pthread_mutex_lock(&r->lock);
}

/*
 * Read every input and merge in order; returns the number of input errors.
 * The main thread is worker 0: while the input it merges next is not read
 * yet, it reads the next one not taken itself, so that -jN runs N threads
 * and it seldom sleeps.
 */
int
pool_read_all(struct run *r)
{
    int errors = 0;
    unsigned started = 0; /* worker threads 1..started */
    while (started + 1 < r->n_workers && pthread_create(&r->workers[started + 1].thread, NULL,
                                                        worker_main, &r->workers[started + 1]) == 0)
        started++;
    struct worker *w0 = &r->workers[0];
    w0->prints_progress = 1;
    unsigned ahead = r->n_workers * AHEAD_PER_JOB;
    for (uint32_t i = 0; i < r->inputs.n; i++) {
        pthread_mutex_lock(&r->lock);
        while (!run_result(r, i)->ready && !r->stop) {
            if (r->next < r->inputs.n && r->next < r->merged + ahead) {
                uint32_t idx = r->next++;
                pthread_mutex_unlock(&r->lock);
                input_read(w0, idx);
                pthread_mutex_lock(&r->lock);
                run_result(r, idx)->ready = 1;
                if (w0->tally.fatal)
                    r->stop = 1;
                continue;
            }
            pool_wait(r, &r->ready);
        }
        int ready = run_result(r, i)->ready;
        pthread_mutex_unlock(&r->lock);
        if (!ready)
            break;
        errors += run_result(r, i)->errors;
        pool_merge_result(r, i);
        if (!r->cfg->state_path) /* the slot serves a later input */
            memset(run_result(r, i), 0, sizeof(struct result));
        pthread_mutex_lock(&r->lock);
        r->merged = i + 1;
        if (r->main.fatal)
            r->stop = 1;
        if (r->waiting || r->stop) /* a worker may go on */
            pthread_cond_broadcast(&r->changed);
        pthread_mutex_unlock(&r->lock);
        if (r->main.fatal)
            break;
    }
    pthread_mutex_lock(&r->lock);
    r->stop = 1;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
    for (unsigned i = 1; i <= started; i++)
        pthread_join(r->workers[i].thread, NULL);
    progress_stop(r->progress);
    return errors;
}
