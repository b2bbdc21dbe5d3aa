/* SPDX-License-Identifier: MIT */
/*
 * verdict.c: the exit status and the Nagios line of a run or of 'extls merge', judged on its
 * counts.
 */
#include "run.h"
#include "run_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nagios.h"
#include "platform.h"

/*
 * When the report is made, for the page and the workbook: SOURCE_DATE_EPOCH (seconds since
 * 1970, the reproducible-builds convention) when set, else the clock.
 */
int64_t
run_report_time(void)
{
    const char *fixed = getenv("SOURCE_DATE_EPOCH");
    if (fixed && *fixed) {
        char *end;
        long long sec = strtoll(fixed, &end, 10);
        if (!*end && sec > 0 && sec < 253402300800LL) /* before year 10000 */
            return (int64_t)sec * 1000;
    }
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * --nagios: the one status line for a run that ended with exit status
 * `code` on `out`: errors (code 2) are UNKNOWN with the first error's text
 * `first_error`, else the state the thresholds give for `c`. Returns the
 * Nagios exit code, or -1 when the line could not be written.
 */
int
verdict_nagios_line(FILE *out, const struct cli_config *cfg, int code, const char *first_error,
                    const struct threshold_counts *c)
{
    char line[NAGIOS_LINE_MAX];
    enum nagios_state st;
    if (code == EXTLS_EXIT_ERROR)
        st = nagios_unknown(line, first_error[0] ? first_error : "error");
    else
        st = nagios_status(line, &cfg->fail_on, &cfg->warn_on, c);
    fputs(line, out);
    if (fflush(out) != 0 || ferror(out)) {
        platform_end_if_reader_gone(out);
        return -1;
    }
    return (int)st;
}

/* The counts --fail-on and --warn-on judge: the reported sessions, the rows read by this run. */
void
verdict_counts(const struct run *r, uint64_t rows, struct threshold_counts *c)
{
    memcpy(c->count, r->main.count, sizeof(c->count));
    c->sessions = r->main.totals.sessions;
    c->rows = rows;
}

/* --nagios for a run: the status line; returns the Nagios exit code. */
int
verdict_finish_nagios(struct run *r, int code, uint64_t rows)
{
    struct threshold_counts c;
    verdict_counts(r, rows, &c);
    int st = verdict_nagios_line(r->out, r->cfg, code, r->first_error, &c);
    if (st < 0) {
        run_error(r, "cannot write output: %s", strerror(errno));
        return NAGIOS_UNKNOWN;
    }
    return st;
}

int
verdict_saw_nothing(const struct run *r, uint64_t rows)
{
    if (rows)
        return 0;
    if (r->main.totals.malformed)
        return 1;
    for (size_t i = 0; i < r->cfg->n_paths; i++) {
        if (r->found[i].protocol)
            return 0;
    }
    return 1;
}
