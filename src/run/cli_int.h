/* SPDX-License-Identifier: MIT */
/*
 * cli_int.h: what the two files of the cli module share: the option ids
 * (cli.c holds the option table, getopt_long and --help; cli_check.c the
 * values and how options combine). Private to them; the interface is cli.h.
 */
#ifndef EXTLS_CLI_INT_H
#define EXTLS_CLI_INT_H

#include <stddef.h>

#include "cli.h"

enum opt_id {
    OPT_FORMAT = 'f',
    OPT_BY = 'b',
    OPT_DIRECTION = 'd',
    OPT_CONNECTOR = 'c',
    OPT_REMOTE = 'r',
    OPT_QUIET = 'q',
    OPT_VERBOSE = 'v',
    OPT_HELP = 'h',
    OPT_VERSION = 'V',
    OPT_JOBS = 'j',
    OPT_OUTPUT = 'o',
    OPT_SINCE = 256,
    OPT_UNTIL,
    OPT_FAIL_ON,
    OPT_FULL_PARSE,
    OPT_STATE,
    OPT_REPORT,
    OPT_SERVER,
    OPT_TZ,
    OPT_WARN_ON,
    OPT_NAGIOS,
    OPT_WAIT,
    OPT_HOLD,
    OPT_CLASS,
    OPT_WIDE,
};

/* Format a usage error into err (err_len bytes); returns CLI_EUSAGE. */
enum cli_status cli_usage_error(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Option `id` with its value `arg` (NULL for options without one) into
 * cfg; *format_given set by --format. CLI_OK, or CLI_EUSAGE with err.
 */
enum cli_status cli_apply(struct cli_config *cfg, int id, const char *arg, int *format_given,
                          char *err, size_t err_len);

/*
 * After the last option: the defaults that depend on the command, the
 * combinations that do not go together, and --since/--until resolved
 * against --tz and the clock. CLI_OK, or CLI_EUSAGE with err.
 */
enum cli_status cli_check(struct cli_config *cfg, int format_given, char *err, size_t err_len);

#endif /* EXTLS_CLI_INT_H */
