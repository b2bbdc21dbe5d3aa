/* SPDX-License-Identifier: MIT */
/*
 * run_int.h: what the files of one run share: the run, its workers, their
 * counts and per-input results. run.c orchestrates; pool.c runs the
 * workers, input.c reads one input, count.c turns finished sessions into
 * counts, diag.c words every diagnostic, verdict.c judges the exit status,
 * merge_cmd.c is 'extls merge', run_state.c the --state glue. Private to
 * those files.
 */
#ifndef EXTLS_RUN_INT_H
#define EXTLS_RUN_INT_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "agg.h"
#include "cli.h"
#include "filter.h"
#include "gzin.h"
#include "lock.h"
#include "hashidx.h"
#include "match.h"
#include "outfile.h"
#include "progress.h"
#include "reader.h"
#include "resume.h"
#include "report.h"
#include "servername.h"
#include "session.h"
#include "state.h"
#include "threshold.h"
#include "walk.h"
#include "calendar.h"

#define READ_BUF (64 * 1024)
#define MALFORMED_SHOWN 10       /* malformed rows named per input without --verbose */
#define AHEAD_PER_JOB 8          /* inputs a worker may finish before the merge reaches them */
#define GROWING_S (24 * 60 * 60) /* a newest file changed this recently may still be written */

struct run;

/* What the inputs of one path argument turned out to be ("no SMTP protocol logs found"). */
struct arg_found {
    uint64_t protocol;            /* inputs read as SMTP protocol logs, with a good row or none */
    uint64_t malformed_only;      /* protocol logs whose rows read were all malformed */
    uint64_t kind[EXTLS_N_KINDS]; /* the other inputs (skipped, or with nothing to read) by kind */
    unsigned errors;              /* inputs that could not be read, wholly or partly */
};

/* Counts of one worker, added up at the end. */
struct tally {
    struct agg *groups, *by_connector, *by_remote, *by_day;
    struct report_totals totals;
    int64_t clock_ms;                /* latest row time seen */
    uint64_t count[EXTLS_N_CLASSES]; /* counted sessions per class, for the thresholds */
    struct calendar when;            /* day/hour keys in the --tz zone */
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
    int read;              /* read (files counts it when kind is a protocol log) */
    int skipped;           /* another kind of log in a walked folder */
    enum extls_kind kind;  /* what it turned out to be (reader.h) */
    int failed;            /* could not be read, wholly or partly */
    int errors;            /* problems that make the exit status 2 */
    int malformed_only;    /* rows were read, every one malformed */
    char error[256];       /* the first of them, for --nagios */
    int resumable;         /* --state: rec says where to go on next time */
    struct state_file rec; /* --state: its new record (rec.path borrowed) */
    int64_t clock_ms[3];   /* latest row time read, per enum extls_dir; INT64_MIN: none */
    /* --state: the old record it went on from (borrowed from the loaded state), or NULL */
    const struct state_file *from;
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

    struct resume resume;   /* --state: where the input being read goes on */
    uint32_t cur;           /* index of the input being read */
    uint64_t cur_malformed; /* malformed rows in it */
    uint64_t rows_before;   /* tally.totals.rows when it began: its good rows are the rest */
    struct result *res;     /* its result */
    FILE *diag;             /* its diagnostics (memory stream) */
    int piece;              /* it reads a piece of an input (split.c): lines relative to it */
};

/* What a run holds only for --state: run_state.c sets it up and tears it down. */
struct run_incr {
    struct state *state;      /* loaded at start; NULL without --state */
    struct state *next_state; /* what to save once the report is delivered */
    struct lock *state_lock;  /* held for the whole run */
    unsigned char *claimed;   /* per state file record: an input has its path */
    char **state_paths;       /* files of carried sessions that are not inputs */
    size_t n_state_paths;
    struct hashidx input_idx; /* input paths -> index */
    struct hashidx state_idx; /* state_paths -> index */
};

struct run {
    const struct cli_config *cfg;
    FILE *out, *err;
    struct input_list inputs;
    struct result *results; /* run_result(): one per input with --state, else a ring */
    size_t n_results;
    unsigned n_workers;
    struct worker *workers;
    struct session_table *carry; /* sessions open across inputs; main thread only */
    struct filter *filter;       /* the main thread's filter, for carried sessions */
    struct tally main;           /* counts of sessions folded from carry */
    int walk_errors;             /* paths that could not be read or walked */
    int saw_nothing;             /* verdict_saw_nothing(), once every input was read */
    struct run_incr incr;        /* --state only (run_state.c's) */
    struct outfile *outfile;     /* --output: the report's temporary file; else NULL */
    struct arg_found *found;     /* per path argument: what its inputs were */
    int64_t now_s;               /* the run's time (EXTLS_NOW if set), for "still being written" */
    struct progress *progress;   /* drawn by the main thread only; NULL before setup */
    char first_error[256];       /* first error printed, without "extls: " (--nagios) */
    unsigned esc_style;          /* esc_field() style of CSV/TSV text (report_esc_style()) */
    struct xlsx *xlsx;           /* 'sessions --format xlsx': the workbook; else NULL */
    int header_due;              /* 'sessions': its header is written before the first record */

    pthread_mutex_t lock;
    pthread_cond_t changed; /* workers wait on it (and split.c's main thread) */
    pthread_cond_t ready;   /* pool.c's main thread waits on it: the input it merges next */
    unsigned waiting;       /* workers waiting for the merge to catch up (pool.c) */
    uint32_t next;          /* next input to hand to a worker */
    uint32_t merged;        /* inputs merged so far */
    int stop;               /* a fatal error: workers take no more inputs */
    struct split *split;    /* the one input read in pieces by every worker (split.c); else NULL */
};

/*
 * The result slot of input idx. With --state every input keeps its own
 * (its record is saved at the end); otherwise a slot serves inputs
 * n_results apart, the most that may be read ahead of the merge, and is
 * cleared once merged, so memory does not grow with the number of files.
 */
static inline struct result *
run_result(struct run *r, uint32_t idx)
{
    return &r->results[idx % r->n_results];
}

/* "extls: " and the message on r->err, escaped (the first is kept for --nagios). */
void run_error(struct run *r, const char *fmt, ...);

/* The same, in the diagnostics of the input a worker is reading. */
void run_werror(struct worker *w, const char *fmt, ...);

/* Input idx's path for messages ("(standard input)" for -). */
const char *run_display_path(const struct run *r, uint32_t idx);

/* Input idx's path; indexes past the inputs name files of carried sessions. */
const char *run_input_path(const struct run *r, uint32_t idx);

/* 'sessions': write the header of the records now, if not written yet. */
void run_session_header(struct run *r);

/* Count one finished session (or write it out) in a tally. */
enum extls_status run_count_session(struct run *r, struct tally *t, struct filter *flt,
                                    const struct session *s);

/* Server rule 3 (servername.h) for --by server, and the warning about unnamed sessions. */
enum extls_status run_fill_servers(struct run *r);

/* diag.c: diagnostics (every message a run writes to stderr but the progress line). */

/* One line on out: prefix, then the message escaped (esc_text()). */
void diag_line(FILE *out, const char *prefix, const char *fmt, ...);

/* A note in the diagnostics of the input a worker reads (printed when it is merged). */
void diag_wnote(struct worker *w, const char *fmt, ...);

/* A note "PATH:LINE: message" in the diagnostics of the input a worker reads. */
void diag_wnote_at(struct worker *w, uint64_t line, const char *fmt, ...);

/*
 * In the diagnostics of a piece (split.c): a line number relative to the
 * piece stands between two DIAG_LINE_MARK bytes, and the line that names a
 * malformed row starts with DIAG_NAMED_ROW; split.c rewrites both.
 */
#define DIAG_LINE_MARK '\x01'
#define DIAG_LINE_MARK_S "\x01"
#define DIAG_NAMED_ROW '\x02'

/* A malformed row: counted, and named as file:line: why (the first few unless --verbose). */
void diag_malformed(struct worker *w, uint64_t line, const char *why);

/* The reader's problem callback (user: the worker). */
enum extls_status diag_on_problem(enum reader_problem kind, uint64_t line, const char *msg,
                                  void *user);

/* walk_paths() callbacks (user: the run): a path that cannot be read, a path skipped. */
void diag_walk_error(const char *path, int errnum, void *user);
void diag_walk_skip(const char *path, void *user);

/* Name the path arguments that held no logs (or malformed rows only); the number of errors. */
int diag_check_found(struct run *r);

/*
 * Say that every row read (`rows` good ones) was malformed, when so and when
 * diag_check_found() found no error (`found_errors`); the number of errors.
 */
int diag_check_rows(struct run *r, uint64_t rows, int found_errors);

/* count.c: finished sessions into counts. */

/* session_table callbacks: count a session folded in a worker's input / from the carry table. */
enum extls_status count_done_in_input(const struct session *s, void *user);
enum extls_status count_done_carried(const struct session *s, void *user);

/* A tally with the tables the command needs; EXTLS_OK or EXTLS_ENOMEM. */
enum extls_status tally_init(struct tally *t, const struct cli_config *cfg);

/* Free a tally's tables. */
void tally_release(struct tally *t);

#define TALLY_TABLES 4 /* groups, by connector, by remote, by day */

/* The tally's tables that exist, in that order, into out[TALLY_TABLES]; their count. */
size_t tally_tables(struct tally *t, struct agg **out);

/* Add the row and session totals of b into a (not the file counts). */
void tally_add_totals(struct report_totals *a, const struct report_totals *b);

/* Add src's counts into dst (src keeps its own). */
void tally_add(struct tally *dst, struct tally *src);

/* The filter of the run's options (caller owns, filter_free()); -1-style status after printing why.
 */
enum extls_status count_make_filter(struct run *r, struct filter **out);

/* input.c: one input. */

/* The reader's row callback (user: the worker). */
enum extls_status input_on_row(const struct reader_row *rr, void *user);

/* Read input idx into the worker's session table and tally; its result in w->res. */
void input_read(struct worker *w, uint32_t idx);

/*
 * A regular file (fd) shorter than the `got` bytes read from it was
 * truncated while being read: 1, with the message (path first, no
 * "extls: ") in msg; else 0.
 */
int input_shrank(int fd, uint64_t got, const char *path, char *msg, size_t msg_len);

/*
 * Feed input idx from gz (begun on fd) to the worker's reader till its end,
 * a read error (said) or a line that rejects the rest; *counted: its bytes
 * added to the progress so far. Returns 1 when a read error ended it.
 */
int input_feed_rest(struct worker *w, struct gzin *gz, int fd, uint32_t idx, uint64_t *counted);

/*
 * Input idx read to its end without --state: its last line, when not
 * complete, is a malformed row, or a row still being written (left unread)
 * in the newest file of a series. Nothing when a read error ended it.
 */
void input_finish(struct worker *w, const struct gzin *gz, int fd, uint32_t idx, int read_failed);

/* pool.c: the workers. */

/* Set up a worker of run r; EXTLS_OK or EXTLS_ENOMEM. */
enum extls_status worker_init(struct run *r, struct worker *w);

/* Free a worker's reader, matcher, table, filter and tally. */
void worker_release(struct worker *w);

/* How many workers for n_inputs inputs (--jobs, or the processors). */
unsigned pool_choose_workers(const struct cli_config *cfg, size_t n_inputs);

/* Read every input with the workers, merging results in input order; the number of errors. */
int pool_read_all(struct run *r);

/* Merge input idx's result into the run (main thread, in input order). */
void pool_merge_result(struct run *r, uint32_t idx);

/* Wait (r->lock held) on cond for a worker to signal, drawing the progress line meanwhile. */
void pool_wait(struct run *r, pthread_cond_t *cond);

/* split.c: one input read in pieces by every worker. */

/*
 * Does the run read its one input in pieces (split.c)? A run without
 * --state over one input (a file of any size, or standard input), so that
 * the same bytes give the same result named or piped, plain or gzip. The
 * pieces do not depend on --jobs.
 */
int split_wanted(const struct cli_config *cfg, const struct input_list *inputs);

/* Set up r->split (r->n_workers known); EXTLS_OK or EXTLS_ENOMEM. */
enum extls_status split_init(struct run *r);

/* Free r->split; NULL is a no-op. */
void split_free(struct split *s);

/* Read the one input in pieces with the workers, merging in order; the number of errors. */
int split_read_all(struct run *r);

/* verdict.c: the exit status. */

/* The report's time: SOURCE_DATE_EPOCH when set, else the clock (ms since 1970). */
int64_t run_report_time(void);

/* Write the Nagios line for code and counts c; its Nagios status, or -1 on a write error. */
int verdict_nagios_line(FILE *out, const struct cli_config *cfg, int code, const char *first_error,
                        const struct threshold_counts *c);

/* The counts --fail-on and the Nagios thresholds judge, with `rows` rows read. */
void verdict_counts(const struct run *r, uint64_t rows, struct threshold_counts *c);

/* The Nagios line of a run and its exit status. */
int verdict_finish_nagios(struct run *r, int code, uint64_t rows);

/*
 * 1 when the run saw nothing, after every input was read with `rows` good
 * rows: no path argument gave an SMTP protocol log (none found, or none
 * readable) and no row was read, or rows were read and every one was
 * malformed. Such a run is never clean (exit status 2); with --state or
 * --output it delivers no report and leaves the state and the --output
 * file as they were; the people's table and page say that nothing was
 * read instead of what to fix first. Else 0.
 */
int verdict_saw_nothing(const struct run *r, uint64_t rows);

/* merge_cmd.c: 'extls merge'; the exit status. */
int run_merge(const struct cli_config *cfg, FILE *out, FILE *err);

/* run_state.c: --state. */

/* Free what --state held but its lock (released last, by the caller). */
void run_incr_release(struct run_incr *incr);

/* Load the state and carry its open sessions in; -1 after printing why. */
int run_state_begin(struct run *r);

/*
 * Expire or keep open sessions, and prepare the state to save (r->next_state),
 * with the running counts; saving it is the caller's, once the report is
 * delivered. Returns the number of errors.
 */
int run_state_end(struct run *r);

/*
 * A session about to be counted: is it part of one folded (counted) in an
 * earlier run? Then its rows are late rows: added to t's totals, named on
 * `diag` (unless --quiet), and the session is not counted. Returns 1 then,
 * else 0. Safe from worker threads (the state is only read).
 */
int run_late_rows(struct run *r, struct tally *t, FILE *diag, const struct session *s);

/*
 * --state (run_unseen.c): add to `next` the records of `old` for files this
 * run did not see, where the rule keeps them (a path argument that failed,
 * hit an error or held no log, or a path under none of this run's).
 * Returns EXTLS_OK or EXTLS_ENOMEM.
 */
enum extls_status run_keep_unseen_files(const struct run *r, const struct state *old,
                                        struct state *next);

#endif /* EXTLS_RUN_INT_H */
