/* SPDX-License-Identifier: MIT */
/*
 * run.h: one whole run: find the inputs, read them through
 * reader -> row -> match -> session, count completed sessions, and write
 * the report or the per-session records. Diagnostics go to `err`, data to
 * `out`; nothing else is printed.
 */
#ifndef EXTLS_RUN_H
#define EXTLS_RUN_H

#include <stdio.h>

#include "cli.h"

/* Exit codes, as documented in extls(1). */
enum extls_exit {
    EXTLS_EXIT_OK = 0,      /* success */
    EXTLS_EXIT_FAIL_ON = 1, /* a counted session is in a --fail-on class */
    EXTLS_EXIT_ERROR = 2,   /* usage error, an input could not be read, or output failed */
};

/* Execute `cfg`; returns an enum extls_exit value. */
int run(const struct cli_config *cfg, FILE *out, FILE *err);

#endif /* EXTLS_RUN_H */
