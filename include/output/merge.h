/* SPDX-License-Identifier: MIT */
/*
 * merge.h: JSON reports ('extls --format json', schema "extls/1", read by
 * jsonin.h) combined into one exact report, for 'extls merge'.
 *
 * Groups with the same key values are one group: their counters added,
 * first/last widened to the earliest first and latest last. Totals are
 * added the same way. Every report must be grouped by the same keys in the
 * same order; a report without groups fits any keys. The result is sorted
 * by key as extls sorts, so merging is associative and commutative: any
 * order and any grouping of the same reports gives the same bytes, and one
 * report merged alone gives its own bytes back (as long as its key values
 * are distinct as text: extls writes invalid UTF-8 as U+FFFD, so keys that
 * differed only there become one group).
 *
 * Memory grows with the number of distinct groups only.
 */
#ifndef EXTLS_MERGE_H
#define EXTLS_MERGE_H

#include <stddef.h>

#include "agg.h"
#include "extls.h"
#include "report.h"

struct merge;

/* New, empty merge; NULL when out of memory. Caller owns, free with merge_free(). */
struct merge *merge_new(void);

/* merge_free(NULL) is a no-op. */
void merge_free(struct merge *m);

/*
 * Read one report from `fd` (not closed) and add it; `name` names it in
 * messages (copied). A regular file already read (same device and inode,
 * e.g. named twice or through a link) is not read again. Returns EXTLS_OK; EXTLS_EPARSE for a
 * malformed report or one keyed differently from the reports before; EXTLS_ETOOBIG when a cap or a
 * 64-bit counter would be exceeded; EXTLS_EIO; EXTLS_ENOMEM. On failure merge_errmsg() says why and
 * the merge holds part of the report: report nothing from it.
 */
enum extls_status merge_add_fd(struct merge *m, int fd, const char *name);

/* The same from data[0..len) (read `chunk` bytes at a time, 0: all). */
enum extls_status merge_add_mem(struct merge *m, const void *data, size_t len, size_t chunk,
                                const char *name);

/* Sessions per class over every report added so far (all 0 when none has groups). */
void merge_class_totals(const struct merge *m, uint64_t count[EXTLS_N_CLASSES]);

/* The totals added so far (first_ms INT64_MAX, last_ms INT64_MIN when no session); borrowed. */
const struct report_totals *merge_totals(const struct merge *m);

/* Why the last call failed, "file:line:column: reason" or "reason"; borrowed. */
const char *merge_errmsg(const struct merge *m);

/*
 * After a merge_add_*() that returned EXTLS_OK: why the report just added
 * does not stand for a clean source, or "" when it does (also for a file
 * read before, which was judged then). Its run could not read some inputs
 * (totals.files_failed not 0: "incomplete: N inputs of its run could not
 * be read (files_failed)"), saw nothing (totals.files 0), or read only
 * malformed rows (rows 0, malformed_rows not). A report without groups but
 * with files read, none failed, is clean: a quiet day. The report is merged
 * all the same; 'extls merge' names it and exits 2. A report that saw
 * nothing adds 1 to the merged totals' files_failed (one input of the
 * merged report that could not be read), so that the merged report is
 * flagged in turn when merged again, at any depth; such a report merged
 * alone does not give its own bytes back. Borrowed, valid until the next
 * merge_add_*().
 */
const char *merge_flaw(const struct merge *m);

/*
 * The combined report in *r (its agg tables and strings borrowed, valid
 * until the next merge_report() or merge_free()). `by[0..n_by)` regroups by
 * these keys, which must all be keys of the reports (sums over the others
 * are exact); n_by 0 keeps the reports' keys. REPORT_TABLE and REPORT_HTML
 * need reports keyed by at least direction and connector and give the
 * per-connector section; the remote-host sections (to fix, per remote host)
 * when they are keyed by direction and remote too (reports carry no host
 * names); the days when keyed by day; a section grouped by `by` when n_by is
 * not 0; r->servers, the values of the server key. Returns EXTLS_OK,
 * EXTLS_EINVAL (message in merge_errmsg()) or EXTLS_ENOMEM.
 */
enum extls_status merge_report(struct merge *m, enum report_format fmt, const enum agg_key *by,
                               size_t n_by, struct report *r);

#endif /* EXTLS_MERGE_H */
