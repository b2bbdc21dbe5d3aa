/* SPDX-License-Identifier: MIT */
/*
 * run_state.c: the --state side of a run: where each input goes on, which
 * sessions are carried in and out, which are counted because they were
 * quiet for the hold window (judged by the clock of their own series: the
 * log folder and direction of their first row's file), which rows are
 * late, and the running counts saved. The file format itself is state.c's.
 */
#include "run_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict.h"
#include "esc.h"
#include "platform.h"
#include "isotime.h"

void
run_incr_release(struct run_incr *incr)
{
    struct state *st[2] = {incr->state, incr->next_state};
    for (int i = 0; i < 2; i++) {
        if (st[i])
            state_release(st[i]);
        free(st[i]);
    }
    free(incr->claimed);
    for (size_t i = 0; i < incr->n_state_paths; i++)
        free(incr->state_paths[i]);
    free(incr->state_paths);
    hashidx_release(&incr->input_idx);
    hashidx_release(&incr->state_idx);
}

/* Do two tables group by the same keys in the same order? */
static int
same_keys(const struct agg *a, const struct agg *b)
{
    size_t na, nb;
    const enum agg_key *ka = agg_keys(a, &na), *kb = agg_keys(b, &nb);
    return na == nb && memcmp(ka, kb, na * sizeof(*ka)) == 0;
}

static uint64_t
path_hash(const char *path)
{
    return state_checksum(path, strlen(path));
}

/* Index of input `path`, or -1. */
static long
input_index(const struct run *r, const char *path)
{
    struct hashidx_iter it;
    uint32_t i;
    hashidx_find(&r->incr.input_idx, path_hash(path), &it);
    while (hashidx_next(&it, &i)) {
        if (i < r->inputs.n && strcmp(r->inputs.v[i].path, path) == 0)
            return (long)i;
    }
    return -1;
}

/* Index of a carried session's file: an input, or an extra path. */
static uint32_t
file_index(struct run *r, const char *path)
{
    long in = input_index(r, path);
    if (in >= 0)
        return (uint32_t)in;
    struct hashidx_iter it;
    uint32_t i;
    uint64_t h = path_hash(path);
    hashidx_find(&r->incr.state_idx, h, &it);
    while (hashidx_next(&it, &i)) {
        if (i < r->incr.n_state_paths && strcmp(r->incr.state_paths[i], path) == 0)
            return (uint32_t)(r->inputs.n + i);
    }
    char **p = realloc(r->incr.state_paths, (r->incr.n_state_paths + 1) * sizeof(*p));
    char *copy = strdup(path);
    if (p)
        r->incr.state_paths = p;
    if (!p || !copy ||
        hashidx_add(&r->incr.state_idx, h, (uint32_t)r->incr.n_state_paths) != EXTLS_OK) {
        free(copy);
        r->main.fatal = EXTLS_ENOMEM;
        return 0;
    }
    p[r->incr.n_state_paths] = copy;
    return (uint32_t)(r->inputs.n + r->incr.n_state_paths++);
}

/* The text of a time for option records: the value itself, so "-7d" stays "-7d". */
static const char *
text_or_empty(const char *s)
{
    return s ? s : "";
}

/*
 * The options that shape the numbers, in a fixed order: a state written
 * with other values would mix counts of different meaning. --report,
 * --fail-on, --warn-on, --nagios, --quiet, --jobs, --full-parse shape no
 * count and may change from run to run.
 */
static enum extls_status
collect_opts(const struct cli_config *cfg, struct state *st)
{
    char by[256] = "", hold[32];
    /* The running counts kept: per group (machine formats), or the tables of the page. */
    const char *tables = "json, jsonl, csv or tsv";
    if (cfg->command == CLI_SESSIONS)
        tables = "jsonl, csv or tsv";
    else if (cfg->nagios)
        tables = "(none: --nagios)";
    else if (cfg->format == REPORT_TABLE || cfg->format == REPORT_HTML)
        tables = "table or html";
    for (size_t i = 0; cfg->command == CLI_REPORT && !cfg->nagios && cfg->format != REPORT_TABLE &&
                       cfg->format != REPORT_HTML && i < cfg->n_by;
         i++) {
        size_t len = strlen(by);
        snprintf(by + len, sizeof(by) - len, "%s%s", i ? "," : "", agg_key_name(cfg->by[i]));
    }
    snprintf(hold, sizeof(hold), "%" PRId64 "m", cfg->hold_ms / 60000);
    char classes[160] = "";
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        size_t len = strlen(classes);
        if (cfg->classes & (1u << c))
            snprintf(classes + len, sizeof(classes) - len, "%s%s", len ? "," : "",
                     extls_class_name((enum extls_class)c));
    }
    const char *kv[][2] = {
        {"command", cfg->command == CLI_SESSIONS ? "sessions" : "report"},
        {"format", tables},
        {"by", by},
        {"direction", cfg->direction == EXTLS_DIR_UNKNOWN ? "" : extls_dir_name(cfg->direction)},
        {"connector", text_or_empty(cfg->connector)},
        {"remote", text_or_empty(cfg->remote)},
        {"since", text_or_empty(cfg->since_text)},
        {"until", text_or_empty(cfg->until_text)},
        {"tz", cfg->tz == CALENDAR_LOCAL ? "local" : "utc"},
        {"server", text_or_empty(cfg->server)},
        {"hold", hold},
        {"class", classes},
    };
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
        enum extls_status rc = state_set_opt(st, kv[i][0], kv[i][1]);
        if (rc != EXTLS_OK)
            return rc;
    }
    return EXTLS_OK;
}

/*
 * A recorded --hold ("1440m", as the state keeps it) as the option takes
 * it ("24h") into buf (ISOTIME_BUF bytes); other text unchanged.
 */
static const char *
hold_text(const char *recorded, char *buf)
{
    char *end;
    long long min = strtoll(recorded, &end, 10);
    if (end == recorded || strcmp(end, "m") != 0 || min < 0 || min > INT64_MAX / 60000)
        return recorded;
    return isotime_format_duration((int64_t)min * 60000, buf);
}

/*
 * Compare the loaded state's options with this run's; 0, or -1 after
 * naming the first that differs.
 */
static int
check_opts(struct run *r, const struct state *want)
{
    const struct state *have = r->incr.state;
    for (size_t i = 0; i < want->n_opts; i++) {
        const char *name = want->opts[i].name, *mine = want->opts[i].value;
        const char *theirs = state_get_opt(have, name);
        if (theirs && strcmp(theirs, mine) == 0)
            continue;
        const char *was = theirs && theirs[0] ? theirs : "(none)", *is = mine[0] ? mine : "(none)";
        char was_d[ISOTIME_BUF], is_d[ISOTIME_BUF];
        if (strcmp(name, "hold") == 0) { /* recorded in minutes; shown as the option takes it */
            was = hold_text(was, was_d);
            is = hold_text(is, is_d);
        }
        if (strcmp(name, "command") == 0)
            run_error(r,
                      "%s: written by 'extls %s', this run is 'extls %s': use the same "
                      "options as the run that wrote it, or another state file",
                      r->cfg->state_path, was, is);
        else
            run_error(r,
                      "%s: written with --%s %s, this run has --%s %s: use the same "
                      "options as the run that wrote it, or another state file",
                      r->cfg->state_path, name, was, name, is);
        return -1;
    }
    return 0;
}

/*
 * --state, before reading: load the state, check it was written for the
 * same kind of report, and carry its open sessions into this run. Returns
 * -1 after printing why (the state file is left as it is).
 */
int
run_state_begin(struct run *r)
{
    char msg[1024];
    const char *path = r->cfg->state_path;
    for (size_t i = 0; i < r->inputs.n; i++) {
        if (strcmp(r->inputs.v[i].path, "-") == 0) {
            run_error(r, "--state cannot follow standard input: name files or folders");
            return -1;
        }
    }
    r->incr.state = malloc(sizeof(*r->incr.state));
    if (!r->incr.state || state_init(r->incr.state) != EXTLS_OK) {
        run_error(r, "%s", extls_strerror(EXTLS_ENOMEM));
        return -1;
    }
    enum extls_status st = state_load(r->incr.state, path, msg, sizeof(msg));
    if (st != EXTLS_OK) {
        run_error(r, "%s", st == EXTLS_ENOMEM ? extls_strerror(st) : msg);
        return -1;
    }
    if (r->incr.state->loaded) {
        struct state want;
        int bad = state_init(&want) != EXTLS_OK || collect_opts(r->cfg, &want) != EXTLS_OK;
        if (bad)
            run_error(r, "%s", extls_strerror(EXTLS_ENOMEM));
        else
            bad = check_opts(r, &want) != 0;
        state_release(&want);
        if (bad)
            return -1;
    }
    struct agg *mine[STATE_MAX_AGGS];
    size_t n = tally_tables(&r->main, mine);
    if (r->incr.state->loaded && r->incr.state->n_aggs != n) {
        run_error(r,
                  "%s: written for another output (format or command); use the same "
                  "options, or a new state file",
                  path);
        return -1;
    }
    for (size_t i = 0; i < r->incr.state->n_aggs; i++) {
        if (!same_keys(r->incr.state->aggs[i], mine[i])) {
            run_error(r,
                      "%s: written for other --by keys; use the same options, or a new "
                      "state file",
                      path);
            return -1;
        }
    }
    for (size_t i = 0; i < r->inputs.n; i++) {
        if (hashidx_add(&r->incr.input_idx, path_hash(r->inputs.v[i].path), (uint32_t)i) !=
            EXTLS_OK) {
            run_error(r, "%s", extls_strerror(EXTLS_ENOMEM));
            return -1;
        }
    }
    r->incr.claimed = calloc(r->incr.state->n_files + 1, 1);
    if (!r->incr.claimed) {
        run_error(r, "%s", extls_strerror(EXTLS_ENOMEM));
        return -1;
    }
    for (size_t i = 0; i < r->incr.state->n_files; i++)
        r->incr.claimed[i] = input_index(r, r->incr.state->files[i].path) >= 0;
    /* Sessions left open last time come first: their rows precede this run's. */
    for (size_t i = 0; i < r->incr.state->n_open && !r->main.fatal; i++) {
        struct session *s = r->incr.state->open[i];
        s->file = file_index(r, r->incr.state->open_path[i]);
        r->incr.state->open[i] = NULL;
        if (!r->main.fatal)
            r->main.fatal = session_table_adopt(r->carry, s);
        else
            session_free(s);
    }
    return r->main.fatal ? -1 : 0;
}

int
run_late_rows(struct run *r, struct tally *t, FILE *diag, const struct session *s)
{
    const struct state_folded *f = state_find_folded(r->incr.state, s->dir, s->connector->ptr,
                                                     s->connector->len, s->sid, s->sid_len);
    if (!f)
        return 0;
    t->totals.late_rows += s->rows;
    if (!r->cfg->quiet) {
        char when[ISOTIME_BUF];
        if (diag == r->err)
            progress_clear(r->progress);
        fprintf(diag, "extls: ");
        esc_text(diag, run_input_path(r, s->file), strlen(run_input_path(r, s->file)));
        fprintf(diag, ":%llu: %llu late row%s of session ", (unsigned long long)s->line,
                (unsigned long long)s->rows, s->rows == 1 ? "" : "s");
        esc_text(diag, s->sid, s->sid_len);
        fprintf(diag, " (counted in an earlier run, quiet since %s): not counted again\n",
                isotime_format(f->end_ms, when));
    }
    return 1;
}

/* The folder part of a path ("" for a bare name), as a length. */
static size_t
folder_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

/*
 * Index in st->series of the series of a file and direction, added (with
 * clock `clock_ms`) when new; the clock is raised to clock_ms. -1 when out
 * of memory.
 */
static long
series_of(struct state *st, const char *path, enum extls_dir dir, int64_t clock_ms)
{
    size_t len = folder_len(path);
    long i = state_find_series(st, dir, path, len);
    if (i < 0) {
        uint32_t idx;
        if (state_add_series(st, dir, path, len, clock_ms, &idx) != EXTLS_OK)
            return -1;
        return (long)idx;
    }
    if (clock_ms > st->series[i].clock_ms)
        st->series[i].clock_ms = clock_ms;
    return i;
}

/*
 * The series clocks after this run: the old ones (same indexes), raised by
 * the rows read now. Returns EXTLS_OK or EXTLS_ENOMEM.
 */
static enum extls_status
advance_clocks(struct run *r, struct state *next)
{
    const struct state *old = r->incr.state;
    for (size_t i = 0; i < old->n_series; i++) {
        const struct state_series *se = &old->series[i];
        uint32_t idx;
        if (state_add_series(next, se->dir, se->folder, strlen(se->folder), se->clock_ms, &idx) !=
            EXTLS_OK)
            return EXTLS_ENOMEM;
    }
    for (size_t i = 0; i < r->inputs.n; i++) {
        for (int d = EXTLS_DIR_RECEIVE; d <= EXTLS_DIR_SEND; d++) {
            int64_t c = r->results[i].clock_ms[d];
            if (c != INT64_MIN && series_of(next, r->inputs.v[i].path, (enum extls_dir)d, c) < 0)
                return EXTLS_ENOMEM;
        }
    }
    return EXTLS_OK;
}

/* Is t more than `span` before clock? (No overflow near INT64_MIN.) */
static int
before(int64_t t, int64_t clock, int64_t span)
{
    return clock >= INT64_MIN + span && t < clock - span;
}

/*
 * --state, after reading: sessions of a series quiet for the hold window
 * (by that series' clock) are counted and remembered as folded, the
 * others carried; late rows were set aside as they came. The running
 * counts and file records go to the new state, moved into r->incr.next_state for
 * run.c to save once the report is delivered. With
 * --report all the report shows the running counts plus the sessions
 * still open as they stand (they stay open in the state), else this run's.
 * Returns the number of errors.
 */
int
run_state_end(struct run *r)
{
    struct state next;
    struct state *old = r->incr.state;
    int64_t hold = r->cfg->hold_ms;
    if (state_init(&next) != EXTLS_OK) {
        r->main.fatal = EXTLS_ENOMEM;
        return 0;
    }
    next.raw = old->raw; /* unchanged bytes need no rewrite */
    next.raw_len = old->raw_len;
    old->raw = NULL;
    if (collect_opts(r->cfg, &next) != EXTLS_OK || advance_clocks(r, &next) != EXTLS_OK)
        r->main.fatal = EXTLS_ENOMEM;

    /* Folded sessions are remembered until their series is two hold windows past them. */
    for (size_t i = 0; i < old->n_folded && !r->main.fatal; i++) {
        const struct state_folded *f = &old->folded[i];
        if (before(f->end_ms, next.series[f->series].clock_ms, 2 * hold))
            continue;
        r->main.fatal = state_add_folded(&next, f->series, f->dir, f->connector->ptr,
                                         f->connector->len, f->sid, f->sid_len, f->end_ms);
    }

    size_t n_open = 0;
    struct session **open = session_table_drain(r->carry, &n_open);
    if (!open && session_table_open(r->carry))
        r->main.fatal = EXTLS_ENOMEM;
    for (size_t i = 0; open && i < n_open; i++) {
        struct session *s = open[i];
        if (r->main.fatal || run_late_rows(r, &r->main, r->err, s)) {
            session_free(s);
            continue;
        }
        const char *path = run_input_path(r, s->file);
        long se = series_of(&next, path, s->dir, s->end_ms);
        if (se < 0) {
            r->main.fatal = EXTLS_ENOMEM;
            session_free(s);
        } else if (before(s->end_ms, next.series[se].clock_ms, hold)) {
            r->main.fatal = run_count_session(r, &r->main, r->filter, s);
            if (!r->main.fatal)
                r->main.fatal = state_add_folded(&next, (uint32_t)se, s->dir, s->connector->ptr,
                                                 s->connector->len, s->sid, s->sid_len, s->end_ms);
            session_free(s);
        } else {
            r->main.fatal = state_add_open(&next, s, path);
        }
    }
    free(open);
    if (!r->main.fatal && r->main.groups)
        r->main.fatal = run_fill_servers(r);

    /*
     * Files: this run's records; an input that failed before reading a line keeps its old one;
     * the records of files not seen, unless their folder was walked wholly (see keep_unseen()).
     */
    for (size_t i = 0; i < r->inputs.n && !r->main.fatal; i++) {
        const struct state_file *rec = NULL;
        if (r->results[i].resumable)
            rec = &r->results[i].rec;
        else
            rec = state_find_file(old, r->inputs.v[i].path);
        if (rec)
            r->main.fatal = state_add_file(&next, rec);
    }
    if (!r->main.fatal)
        r->main.fatal = run_keep_unseen_files(r, old, &next);

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
    tally_add_totals(t, o);

    int errors = 0;
    if (!r->main.fatal && r->cfg->report_all && r->cfg->command == CLI_REPORT) {
        /* Report the running counts: add the old ones into this run's tables... */
        for (size_t i = 0; i < n && i < old->n_aggs && !r->main.fatal; i++)
            r->main.fatal = agg_merge(mine[i], old->aggs[i]);
        r->main.totals = *t;
        /* ... and the sessions still open, as they stand (they stay open in the state). */
        for (size_t i = 0; i < next.n_open && !r->main.fatal; i++)
            r->main.fatal = run_count_session(r, &r->main, r->filter, next.open[i]);
        size_t len = 0;
        const char *only = server_names_only(&r->main.servers, &len);
        if (!r->main.fatal && only && r->main.groups)
            r->main.fatal = server_fill(&r->main.groups, only, len);
        if (n) /* --fail-on judges what is reported (server_fill() may replace the table) */
            agg_class_totals(r->main.groups ? r->main.groups : mine[0], r->main.count);
    }
    /* Moved, not copied: the state owns only heap blocks, none pointing into itself. */
    r->incr.next_state = r->main.fatal ? NULL : malloc(sizeof(*r->incr.next_state));
    if (r->incr.next_state)
        *r->incr.next_state = next;
    else
        state_release(&next);
    if (!r->incr.next_state && !r->main.fatal)
        r->main.fatal = EXTLS_ENOMEM;
    return errors;
}
