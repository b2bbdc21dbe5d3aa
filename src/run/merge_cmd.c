/* SPDX-License-Identifier: MIT */
/*
 * merge_cmd.c: the 'extls merge' subcommand: reports read, merged, written and judged.
 */
#include "run.h"
#include "run_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merge.h"
#include "nagios.h"
#include "platform.h"
#include "term.h"

/*
 * 'extls merge': every report read, or nothing written. Then the report
 * (or with --nagios the status line) and the exit status, judged like a
 * run's on the merged counts. A report whose own run saw nothing or could
 * not read some inputs (merge_flaw()) is named on `err` and merged all the
 * same, as a run reports the inputs it could read: the merged report is
 * written, and the exit status is 2 (UNKNOWN), whatever the counts.
 */
int
run_merge(const struct cli_config *cfg, FILE *out, FILE *err)
{
    char first_error[256] = "";
    char first_flaw[256] = ""; /* the first report flawed, for --nagios */
    struct merge *m = merge_new();
    enum extls_status st = m ? EXTLS_OK : EXTLS_ENOMEM;
    for (size_t i = 0; st == EXTLS_OK && i < cfg->n_paths; i++) {
        const char *path = cfg->paths[i];
        int is_stdin = strcmp(path, "-") == 0;
        int fd = is_stdin ? STDIN_FILENO : platform_open_read(path);
        if (fd < 0) {
            snprintf(first_error, sizeof(first_error), "%s: %s", path, strerror(errno));
            st = EXTLS_EIO;
            break;
        }
        const char *name = is_stdin ? "(standard input)" : path;
        st = merge_add_fd(m, fd, name);
        if (!is_stdin)
            close(fd);
        if (st == EXTLS_OK && merge_flaw(m)[0]) {
            diag_line(err, "extls: ", "%s: %s", name, merge_flaw(m));
            if (!first_flaw[0])
                snprintf(first_flaw, sizeof(first_flaw), "%s: %s", name, merge_flaw(m));
        }
    }
    struct report rep;
    if (st == EXTLS_OK && !cfg->nagios)
        st = merge_report(m, cfg->format, cfg->by, cfg->n_by, &rep);
    int write_failed = 0;
    if (st == EXTLS_OK && !cfg->nagios) {
        rep.terminal = platform_isatty(fileno(out));
        rep.width = term_columns(fileno(out), getenv("COLUMNS"));
        rep.wide = cfg->wide;
        rep.generated_ms = cfg->format == REPORT_HTML ? run_report_time() : 0;
        st = report_write(out, &rep);
        write_failed = st == EXTLS_EIO;
    }
    const char *msg = first_error; /* the error, if any */
    if (!msg[0] && write_failed)
        platform_end_if_reader_gone(out);
    if (!msg[0] && write_failed)
        snprintf(first_error, sizeof(first_error), "cannot write output: %s", strerror(errno));
    else if (!msg[0] && st != EXTLS_OK)
        msg = m && merge_errmsg(m)[0] ? merge_errmsg(m) : extls_strerror(st);
    if (msg[0])
        diag_line(err, "extls: ", "%s", msg);
    int code = st == EXTLS_OK ? EXTLS_EXIT_OK : EXTLS_EXIT_ERROR;
    struct threshold_counts c;
    memset(&c, 0, sizeof(c));
    if (st == EXTLS_OK) {
        merge_class_totals(m, c.count);
        c.sessions = merge_totals(m)->sessions;
        c.rows = merge_totals(m)->rows;
        if (threshold_list_match(&cfg->fail_on, &c))
            code = EXTLS_EXIT_FAIL_ON;
        if (first_flaw[0]) {
            code = EXTLS_EXIT_ERROR; /* said as each came */
            msg = first_flaw;
        }
    }
    if (cfg->nagios) {
        code = verdict_nagios_line(out, cfg, code, msg, &c);
        if (code < 0) {
            diag_line(err, "extls: ", "cannot write output: %s", strerror(errno));
            code = NAGIOS_UNKNOWN;
        }
    }
    merge_free(m);
    return code;
}
