/* SPDX-License-Identifier: MIT */
/*
 * run_state.c: the --state side of a run: where each input goes on, which
 * sessions are carried in and out, and the running counts saved. The file
 * format itself is state.c's.
 */
#include "run_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

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
                run_werror(w, "%s: %s", run_display_path(w->run, idx), gzin_message(w->gz));
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
int
run_resume_point(struct worker *w, int fd, uint32_t idx, const char **pending, size_t *n_pending)
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
    struct platform_stat sb;
    int ok = rec && w->head_got >= rec->head_len &&
             state_head_hash(w->head, (size_t)rec->head_len) == rec->head_hash;
    if (ok && !gzin_is_gzip(w->gz))
        ok = platform_fstat(fd, &sb) == 0 && (uint64_t)sb.size >= rec->pos.offset;
    if (ok && !gzin_is_gzip(w->gz)) {
        /* Uncompressed: jump there. */
        if (lseek(fd, (off_t)rec->pos.offset, SEEK_SET) < 0) {
            run_werror(w, "cannot seek in '%s': %s", path, strerror(errno));
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
            run_werror(w, "cannot seek in '%s': %s", path, strerror(errno));
            return -1;
        }
        gzin_begin(w->gz, fd);
        got = read_plain(w, idx, w->head, STATE_HEAD);
        if (got < 0)
            return -1;
        w->head_got = (size_t)got;
    }
    if (rec)
        run_werror(w,
                   "'%s' was truncated or replaced since the last run; reading it from the start",
                   path);
    reader_begin(w->reader, r->inputs.v[idx].hint);
    *pending = w->head;
    *n_pending = w->head_got;
    return 0;
}

/* --state: the record of input idx after reading it. */
void
run_new_record(struct worker *w, int fd, uint32_t idx)
{
    struct result *res = &w->run->results[idx];
    struct state_file *f = &res->rec;
    struct platform_stat sb;
    reader_get_pos(w->reader, &f->pos);
    f->head_len = f->pos.offset < STATE_HEAD ? f->pos.offset : STATE_HEAD;
    if (f->head_len > w->head_got)
        f->head_len = w->head_got; /* cannot happen: the reader saw these bytes */
    f->path = w->run->inputs.v[idx].path;
    int known = platform_fstat(fd, &sb) == 0;
    f->dev = known ? sb.dev : 0;
    f->ino = known ? sb.ino : 0;
    f->head_hash = state_head_hash(w->head, (size_t)f->head_len);
    res->resumable = 1;
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
int
run_state_begin(struct run *r)
{
    char msg[512];
    const char *path = r->cfg->state_path;
    for (size_t i = 0; i < r->inputs.n; i++) {
        if (strcmp(r->inputs.v[i].path, "-") == 0) {
            run_error(r, "--state cannot follow standard input: name files or folders");
            return -1;
        }
    }
    r->state = malloc(sizeof(*r->state));
    if (!r->state || state_init(r->state) != EXTLS_OK) {
        run_error(r, "%s", extls_strerror(EXTLS_ENOMEM));
        return -1;
    }
    enum extls_status st = state_load(r->state, path, msg, sizeof(msg));
    if (st != EXTLS_OK) {
        run_error(r, "%s", st == EXTLS_ENOMEM ? extls_strerror(st) : msg);
        return -1;
    }
    struct agg *mine[STATE_MAX_AGGS];
    size_t n = tally_tables(&r->main, mine);
    if (r->state->loaded && r->state->n_aggs != n) {
        run_error(r,
                  "state '%s' was written for another output (format or command); use the same "
                  "options, or a new state file",
                  path);
        return -1;
    }
    for (size_t i = 0; i < r->state->n_aggs; i++) {
        if (!same_keys(r->state->aggs[i], mine[i])) {
            run_error(r,
                      "state '%s' was written for other --by keys; use the same options, or a new "
                      "state file",
                      path);
            return -1;
        }
    }
    r->claimed = calloc(r->state->n_files + 1, 1);
    if (!r->claimed) {
        run_error(r, "%s", extls_strerror(EXTLS_ENOMEM));
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
int
run_state_end(struct run *r)
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
            run_count_session(r, &r->main, r->filter, s);
            session_free(s);
        } else if (!r->main.fatal) {
            r->main.fatal = state_add_open(&next, s, run_input_path(r, s->file));
        } else {
            session_free(s);
        }
    }
    free(open);
    if (!r->main.fatal && r->main.groups)
        r->main.fatal = run_fill_servers(r);

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
            run_error(r, "%s", msg);
            errors++;
        }
    }
    state_release(&next);
    return errors;
}
