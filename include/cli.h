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
    int64_t since, until;     /* INT64_MIN / INT64_MAX when not given */
    enum extls_dir direction; /* EXTLS_DIR_UNKNOWN: both */
    const char *connector;    /* --connector pattern or NULL */
    const char *remote;       /* --remote address or CIDR, or NULL */
    const char *server;       /* --server name, or NULL (server.h) */
    unsigned fail_on;         /* bit per enum extls_class */
    int quiet, verbose;
    unsigned jobs;          /* --jobs; 0: one per online CPU */
    int full_parse;         /* --full-parse */
    const char *state_path; /* --state FILE, or NULL */
    int report_all;         /* --report all (else new) */
    int report_given;       /* --report was given */
    int help, version;      /* --help / --version given: print and exit 0 */
    char *const *paths;
    size_t n_paths;
};

#define CLI_MAX_JOBS 256

enum cli_status {
    CLI_OK = 0,
    CLI_EUSAGE, /* bad command line; the message is in err */
};

/*
 * Parse argv into *cfg (fully overwritten). On CLI_EUSAGE, `err` (err_len
 * bytes) holds a one-line message without the program name.
 */
enum cli_status cli_parse(struct cli_config *cfg, int argc, char **argv, char *err, size_t err_len);

/* Print the usage text, generated from the option table. */
void cli_help(FILE *out);

#endif /* EXTLS_CLI_H */
