/* SPDX-License-Identifier: MIT */
/*
 * xlsx.h: Excel workbooks (libxlsxwriter), for the report and for the
 * per-session records.
 *
 * Every logged string is written as a string cell, never as a formula,
 * whatever its first character; its invalid UTF-8 and noncharacters become
 * U+FFFD, control characters their visible symbol (U+2400 + code, U+2421
 * for DEL), as on the HTML page; the underscore of a literal "_xHHHH_" is
 * written as "_x005F_" (else Excel would show the character HHHH); and it
 * is cut at 32767 UTF-16 units (the cell limit). Counts are number cells ("#,##0"), times date-time
 * cells (UTC, "yyyy-mm-dd hh:mm:ss.000"), days date cells. Every sheet has a bold, frozen header
 * row and an autofilter over its rows.
 *
 * The workbook is built in a temporary folder (TMPDIR, else /tmp) with
 * libxlsxwriter's constant-memory mode, so memory does not grow with the
 * number of rows, and copied to the output stream when finished. Nothing
 * here prints.
 */
#ifndef EXTLS_XLSX_H
#define EXTLS_XLSX_H

#include <stdio.h>

#include "export.h"
#include "extls.h"
#include "report.h"

/*
 * 1 when this extls was built with libxlsxwriter; 0 when not (then
 * src/output/xlsx_none.c stands in, --format xlsx is a usage error, and the
 * functions below are never called).
 */
int xlsx_available(void);

/*
 * The report as a workbook on `out`: sheets "connectors" (r->by_connector),
 * "remote hosts" (r->by_remote, when not NULL), "days" (r->by_day, when
 * not NULL) and "totals"; its creation time r->generated_ms (0: the
 * clock). Returns EXTLS_OK, EXTLS_ENOMEM, or EXTLS_EIO (a temporary file or
 * `out` could not be written; errno is set).
 */
enum extls_status xlsx_write_report(FILE *out, struct report *r);

/* A workbook of session records being written ('extls sessions'). */
struct xlsx;

/*
 * Start a workbook with a "sessions" sheet and its header row, created at
 * created_ms (ms since 1970; 0: the clock). Returns NULL when the
 * temporary workbook cannot be made (*st says why). Caller owns the
 * result, free with xlsx_free().
 */
struct xlsx *xlsx_sessions_new(int64_t created_ms, enum extls_status *st);

/*
 * Add one session record (export_fill()). Past the 1048575 rows a sheet
 * holds, the records go on in "sessions 2", "sessions 3", ...
 */
enum extls_status xlsx_session(struct xlsx *x, const struct export_record *rec);

/* Finish the workbook and copy it to `out`; EXTLS_OK or EXTLS_EIO/ENOMEM. */
enum extls_status xlsx_finish(struct xlsx *x, FILE *out);

/* Free the workbook and remove its temporary files; NULL is a no-op. */
void xlsx_free(struct xlsx *x);

#endif /* EXTLS_XLSX_H */
