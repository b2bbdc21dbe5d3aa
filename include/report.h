/* SPDX-License-Identifier: MIT */
/*
 * report.h: the summary in each output format.
 *
 * Machine formats (json, jsonl, csv, tsv) print one record per group of
 * `groups`, in its sorted order, with the keys it was built with. The table
 * format prints, for people, a per-connector section (`by_connector`,
 * grouped by direction and connector), a per-remote-host section
 * (`by_remote`, grouped by direction and remote; legacy protocol users
 * first), when the sessions span more than one day a per-day section
 * (`by_day`, grouped by day) and a one-line footer. The html format
 * (html.h) shows the same tables with charts, and the sessions per day.
 */
#ifndef EXTLS_REPORT_H
#define EXTLS_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "agg.h"
#include "extls.h"

enum report_format {
    REPORT_TABLE = 0,
    REPORT_JSON,
    REPORT_JSONL,
    REPORT_CSV,
    REPORT_TSV,
    REPORT_HTML, /* html.h */
};

/* Format from its name ("table", "json", ...); -1 for an unknown name. */
int report_format_parse(const char *name);

/* The name of a format ("table", "json", ...). */
const char *report_format_name(enum report_format f);

/* Run-wide counters. */
struct report_totals {
    uint64_t files;            /* inputs read (fully or partly) */
    uint64_t files_skipped;    /* files found in directories and not read (name, log type) */
    uint64_t files_failed;     /* inputs that could not be read, or only partly */
    uint64_t rows;             /* rows used */
    uint64_t malformed;        /* rows reported as malformed */
    uint64_t sessions;         /* sessions counted in the groups */
    uint64_t excluded;         /* sessions left out by --since/--until/--direction/... */
    uint64_t late_rows;        /* --state: rows of a session counted in an earlier run */
    int64_t first_ms, last_ms; /* earliest / latest counted session start; INT64_MAX/MIN if none */
};

struct report {
    enum report_format format;
    struct report_totals totals;
    struct agg *groups;       /* machine formats */
    struct agg *by_connector; /* table */
    struct agg *by_remote;    /* table; NULL: no per-remote section (merged reports) */
    struct agg *by_day;       /* table, html: grouped by day; NULL or one group: no table section */
    int local_days;           /* by_day holds days of the machine's zone, not UTC */
};

/*
 * Write the report to `out`. Returns EXTLS_OK, EXTLS_ENOMEM, or EXTLS_EIO
 * when the stream reports an error (errno is then set by the stream).
 */
enum extls_status report_write(FILE *out, struct report *r);

#endif /* EXTLS_REPORT_H */
