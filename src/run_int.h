/* SPDX-License-Identifier: MIT */
/*
 * run_int.h: what run.c (the pipeline) and run_state.c (its --state glue)
 * share: the run, its workers, their counts and per-input results. Private
 * to those two files.
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
#include "report.h"
#include "server.h"
#include "session.h"
#include "state.h"
#include "walk.h"
#include "when.h"

#define READ_BUF (64 * 1024)
#define MALFORMED_SHOWN 10 /* malformed rows named per input without --verbose */
#define AHEAD_PER_JOB 2    /* inputs a worker may finish before the merge reaches them */

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
    int64_t clock_ms[3];   /* latest row time read, per enum extls_dir; INT64_MIN: none */
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
    struct state *state;         /* --state: loaded at start; else NULL */
    struct state *next_state;    /* --state: what to save once the report is delivered */
    struct lock *state_lock;     /* --state: held for the whole run */
    struct outfile *outfile;     /* --output: the report's temporary file; else NULL */
    unsigned char *claimed;      /* per state file record: an input has its path */
    char **state_paths;          /* files of carried sessions that are not inputs */
    size_t n_state_paths;
    struct hashidx input_idx;  /* --state: input paths -> index */
    struct hashidx state_idx;  /* --state: state_paths -> index */
    struct progress *progress; /* drawn by the main thread only; NULL before setup */
    char first_error[256];     /* first error printed, without "extls: " (--nagios) */

    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint32_t next;   /* next input to hand to a worker */
    uint32_t merged; /* inputs merged so far */
    int stop;        /* a fatal error: workers take no more inputs */
};

/* "extls: " and the message on r->err, escaped (the first is kept for --nagios). */
void run_error(struct run *r, const char *fmt, ...);

/* The same, in the diagnostics of the input a worker is reading. */
void run_werror(struct worker *w, const char *fmt, ...);

/* Input idx's path for messages ("(standard input)" for -). */
const char *run_display_path(const struct run *r, uint32_t idx);

/* Input idx's path; indexes past the inputs name files of carried sessions. */
const char *run_input_path(const struct run *r, uint32_t idx);

/* Count one finished session (or write it out) in a tally. */
void run_count_session(struct run *r, struct tally *t, struct filter *flt, const struct session *s);

/* Server rule 3 (server.h) for --by server, and the warning about unnamed sessions. */
enum extls_status run_fill_servers(struct run *r);

/* run_state.c: --state. */

/*
 * Position input idx (open as fd, gzin begun) where the last run stopped,
 * or at its start; bytes already read that the reader must see next are
 * left in *pending. Returns -1 on a read error (reported).
 */
int run_resume_point(struct worker *w, int fd, uint32_t idx, const char **pending,
                     size_t *n_pending);

/* The state record of input idx after reading it. */
void run_new_record(struct worker *w, int fd, uint32_t idx);

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

#endif /* EXTLS_RUN_INT_H */
