/* SPDX-License-Identifier: MIT */
/*
 * cli.h: argv -> struct cli_config. Options are defined once, in the
 * table in cli.c, from which both the parser and --help are generated.
 * Nothing here opens files or prints, except cli_help().
 */
#ifndef EXTLS_CLI_H
#define EXTLS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agg.h"
#include "extls.h"
#include "report.h"
#include "threshold.h"
#include "calendar.h"

enum cli_command {
    CLI_REPORT = 0, /* extls [OPTIONS] PATH...: the summary */
    CLI_SESSIONS,   /* extls sessions [OPTIONS] PATH...: one record per session */
    CLI_MERGE,      /* extls merge [OPTIONS] REPORT...: JSON reports combined (merge.h) */
};

/* Parsed command line; every pointer borrows from argv. */
struct cli_config {
    enum cli_command command;
    enum report_format format;
    enum agg_key by[AGG_N_KEYS]; /* --by, in the order given (merge: n_by 0 without --by) */
    size_t n_by;
    int by_given;                  /* --by was given (table, html: a section grouped by it) */
    unsigned classes;              /* --class: bit 1 << class (enum extls_class) counted; 0: all */
    int wide;                      /* --wide: the table at its full width */
    int64_t since, until;          /* INT64_MIN / INT64_MAX when not given */
    int64_t now_ms;                /* the clock at startup, ms since 1970 (CLI_NOW_ENV) */
    const char *since_text;        /* --since as given, or NULL */
    const char *until_text;        /* --until as given, or NULL */
    enum calendar_zone tz;         /* --tz: zone of day boundaries and day/hour keys */
    enum extls_dir direction;      /* EXTLS_DIR_UNKNOWN: both */
    const char *connector;         /* --connector pattern or NULL */
    const char *remote;            /* --remote address or CIDR, or NULL */
    const char *server;            /* --server name, or NULL (servername.h) */
    struct threshold_list fail_on; /* --fail-on; empty when not given */
    struct threshold_list warn_on; /* --warn-on (needs --nagios); empty when not given */
    int nagios;                    /* --nagios: one status line, Nagios exit codes */
    int quiet, verbose;
    unsigned jobs;          /* --jobs; 0: one per online CPU */
    size_t piece_bytes;     /* one input read in pieces of about this size (CLI_PIECE_ENV) */
    int full_parse;         /* --full-parse */
    const char *state_path; /* --state FILE, or NULL */
    int64_t wait_ms;        /* --wait: how long to wait for the state's lock (0: not at all) */
    const char *output;     /* --output FILE, or NULL: standard output */
    int report_all;         /* --report all (else new) */
    int report_given;       /* --report was given */
    int64_t hold_ms;        /* --hold: incomplete sessions quiet this long are counted */
    int hold_given;         /* --hold was given */
    int help, version;      /* --help / --version given: print and exit 0 */
    int show_usage;         /* after a CLI_EUSAGE: print the usage lines too (no input) */
    char *const *paths;
    size_t n_paths;
};

#define CLI_MAX_JOBS 256
#define CLI_HOLD_DEFAULT_MS (24 * 3600 * 1000LL) /* --hold default: 24 h */

enum cli_status {
    CLI_OK = 0,
    CLI_EUSAGE, /* bad command line; the message is in err */
};

/*
 * Test seam: the environment variable EXTLS_NOW, an ISO 8601 UTC time
 * (yyyy-mm-ddThh:mm[:ss[.fff]][Z]), pins the clock so that tests of
 * relative times (today, yesterday, -7d) and of files still being written
 * give fixed outputs. cli_parse() reads it once, at startup, into
 * cfg->now_ms (the system clock when it is not set or not a time), the
 * run's one clock; a value that is not a time is a usage error when
 * --since/--until need the clock. Not meant for production use (extls(1),
 * ENVIRONMENT).
 */
#define CLI_NOW_ENV "EXTLS_NOW"

/*
 * Test seam: EXTLS_PIECE_SIZE, a number of bytes (1 to CLI_PIECE_MAX), sets
 * cfg->piece_bytes, the size of the pieces one large input is read in
 * (default CLI_PIECE_DEFAULT), so that tests cut small inputs into many
 * pieces; any other value is ignored. Not meant for production use.
 */
#define CLI_PIECE_ENV "EXTLS_PIECE_SIZE"
#define CLI_PIECE_DEFAULT ((size_t)2 << 20)
#define CLI_PIECE_MAX ((size_t)1 << 30)

/*
 * Parse argv into *cfg (fully overwritten). On CLI_EUSAGE, `err` (err_len
 * bytes) holds a one-line message without the program name, and
 * cfg->nagios still says whether "--nagios" was among the arguments, so
 * the error can be reported as a Nagios status line.
 *
 * --since/--until words relative to now (today, yesterday, -7d) use
 * cfg->now_ms: the clock, or CLI_NOW_ENV when set.
 */
enum cli_status cli_parse(struct cli_config *cfg, int argc, char **argv, char *err, size_t err_len);

/* Print the usage text, generated from the option table. */
void cli_help(FILE *out);

/* Print the usage lines and a pointer to --help (after a usage error). */
void cli_usage(FILE *out);

#endif /* EXTLS_CLI_H */
