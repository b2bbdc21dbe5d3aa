/* SPDX-License-Identifier: MIT */
/*
 * report.h: the summary in each output format.
 *
 * Machine formats (json, jsonl, csv, tsv) print one record per group of
 * `groups`, in its sorted order, with the keys it was built with
 * (docs/report-schema.md). The table format prints, for people:
 *   - "To fix first": the remote hosts of `by_remote` (direction, remote)
 *     on SSL 2/3 or TLS 1.0/1.1, most such sessions first, and the send
 *     partners whose every session went without TLS; each list cut at 10
 *     rows unless `wide`;
 *   - a per-connector section (`by_connector`), a per-remote-host section
 *     (`by_remote`, legacy users first), a per-day section when there is
 *     more than one day (`by_day`), a section per `groups` group when the
 *     table is asked for --by (`groups` non-NULL), and a footer.
 * Every section fits `width` columns (table.h: long names shortened with
 * "…", per-class columns replaced by legacy/tls_failed/none counts) unless
 * `wide`. Every percentage is a share of the sessions of its row:
 * tls% = with_tls / sessions, legacy% = legacy / sessions (extls.h).
 * The html format (html.h) shows the same lists and tables with charts.
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
    REPORT_HTML,      /* html.h */
    REPORT_EXCEL_CSV, /* CSV for spreadsheets: BOM, CRLF, no formulas (esc.h ESC_FORMULA) */
    REPORT_XLSX,      /* an Excel workbook (xlsx.h) */
};

/* The UTF-8 byte-order mark that starts spreadsheet CSV. */
#define REPORT_BOM "\xEF\xBB\xBF"

/* The format names, comma-separated, for messages (`sessions`: those of 'extls sessions'). */
const char *report_format_list(int sessions);

/*
 * The esc_field() style (esc.h) of a CSV/TSV field in format `fmt`, written
 * to a terminal when `terminal` is nonzero.
 */
unsigned report_esc_style(enum report_format fmt, int terminal);

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
    /* files_skipped by kind, for the table's last line (not in JSON: 0 in merged reports) */
    uint64_t skipped_kind[EXTLS_N_KINDS];
};

/* Totals of nothing: every counter 0, first_ms INT64_MAX, last_ms INT64_MIN. */
void report_totals_init(struct report_totals *t);

/*
 * Add the counters of `b` into `a` (files, rows, sessions, ..., skipped
 * files by kind) and widen a's first/last to cover b's. Returns EXTLS_OK, or
 * EXTLS_ETOOBIG when a sum would pass 2^64-1: `a` is then unchanged.
 */
enum extls_status report_totals_add(struct report_totals *a, const struct report_totals *b);

struct report {
    enum report_format format;
    struct report_totals totals;
    struct agg *groups;       /* machine formats */
    struct agg *by_connector; /* table */
    struct agg *by_remote;    /* table; NULL: no per-remote section (merged reports) */
    struct agg *by_day;       /* table, html: grouped by day; NULL or one group: no table section */
    int local_days;           /* by_day holds days of the machine's zone, not UTC */
    int terminal;             /* out is a terminal: CSV/TSV show control bytes as \xHH */
    unsigned width;           /* table: the width to fit (term.h) */
    int wide;                 /* table: every column in full, every row of the to-fix lists */
    const char *servers;      /* html: the Exchange servers reported on, or NULL */
    int64_t generated_ms;     /* html, xlsx: when the report was made (0: not shown / the clock) */
    int saw_nothing;          /* table, html: nothing read: the to-fix part says so */
};

/* Longest text report_pct() writes, with its NUL. */
#define REPORT_PCT_BUF 16

/*
 * A share for people, `part` of `whole` in percent: "0%", "100%", "-"
 * (whole 0), one decimal below 10% ("0.5%", "<0.1%"), else whole percents,
 * never rounded to 0% or 100% when it is neither (">99%"). Returns buf.
 */
const char *report_pct(uint64_t part, uint64_t whole, char buf[REPORT_PCT_BUF]);

/* The to-fix lists (table and html): a remote host with SSL 2/3 or TLS 1.0/1.1 sessions. */
int report_is_legacy_host(const struct agg_group *g);

/* A send-direction remote host whose every session went without TLS (class none). */
int report_is_plain_partner(const struct agg_group *g);

/*
 * The groups of v[0..n) that pass `keep` (report_is_legacy_host(), ...),
 * in their order, into w (the caller's array of n entries, borrowed
 * pointers); returns how many.
 */
size_t report_select(const struct agg_group *const *v, size_t n,
                     int (*keep)(const struct agg_group *), const struct agg_group **w);

/*
 * Write the report to `out`. Returns EXTLS_OK, EXTLS_ENOMEM, or EXTLS_EIO
 * when the stream reports an error (errno is then set by the stream).
 */
enum extls_status report_write(FILE *out, struct report *r);

#endif /* EXTLS_REPORT_H */
