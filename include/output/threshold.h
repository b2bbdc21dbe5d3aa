/* SPDX-License-Identifier: MIT */
/*
 * threshold.h: the --fail-on / --warn-on lists. A list is comma-separated
 * items, each a quantity optionally followed by a comparison (>, >=, <,
 * <=) and a value:
 *
 *     tls1_0>0   none>5%   legacy>=1   tls_failed>10   none>0.5%
 *     sessions<1   rows<1   legacy<5   tls1_2<90%
 *
 * The quantities are the sessions of a class, "legacy" (ssl2 + ssl3 +
 * tls1_0 + tls1_1, summed), "sessions" (all counted sessions) and "rows"
 * (rows read). A class or legacy takes a count or a percentage of the
 * counted sessions; sessions and rows take a count. A bare name means
 * name>0. A list matches when any item does. A percentage never matches
 * when no session was counted, whatever the comparison (sessions<1 is the
 * item for that). Percentages have at most 3 decimals and are compared
 * exactly (integer arithmetic). Nothing here allocates or prints.
 */
#ifndef EXTLS_THRESHOLD_H
#define EXTLS_THRESHOLD_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"

/* Items per list: a hard cap. */
#define THRESHOLD_MAX 32

/* Name indexes past the classes (class names use their enum extls_class). */
#define THRESHOLD_LEGACY EXTLS_N_CLASSES         /* ssl2 + ssl3 + tls1_0 + tls1_1 */
#define THRESHOLD_SESSIONS (EXTLS_N_CLASSES + 1) /* all counted sessions */
#define THRESHOLD_ROWS (EXTLS_N_CLASSES + 2)     /* rows read */

/* Buffer size that always holds threshold_format()'s output. */
#define THRESHOLD_TEXT 48

enum threshold_op {
    THRESHOLD_GT = 0, /* > */
    THRESHOLD_GE,     /* >= */
    THRESHOLD_LT,     /* < */
    THRESHOLD_LE,     /* <= */
};

/* One item. */
struct threshold {
    int name;             /* enum extls_class, or THRESHOLD_LEGACY / _SESSIONS / _ROWS */
    enum threshold_op op; /* comparison */
    int percent;          /* value is a percentage, in thousandths of a percent */
    uint64_t value;       /* a count, or 0..100000 (thousandths of a percent) */
};

/* A parsed list; plain data, copy freely. */
struct threshold_list {
    struct threshold item[THRESHOLD_MAX];
    size_t n;
};

/* What a list is judged on; plain data. */
struct threshold_counts {
    uint64_t count[EXTLS_N_CLASSES]; /* counted sessions per class */
    uint64_t sessions;               /* counted sessions (the sum of count[]) */
    uint64_t rows;                   /* rows read (report totals.rows) */
};

/*
 * Parse `text` into *list. Returns EXTLS_OK, or EXTLS_EPARSE with a
 * one-line reason in `err` (err_len bytes; the caller names the option and
 * the text) and *list unchanged.
 */
enum extls_status threshold_parse(struct threshold_list *list, const char *text, char *err,
                                  size_t err_len);

/*
 * The quantity an item looks at: its class's sessions, the sum of the
 * legacy classes, the sessions, or the rows.
 */
uint64_t threshold_count(const struct threshold *t, const struct threshold_counts *c);

/* 1 if the item matches these counts, else 0. */
int threshold_match(const struct threshold *t, const struct threshold_counts *c);

/* 1 if any item of the list matches (0 for an empty list). */
int threshold_list_match(const struct threshold_list *list, const struct threshold_counts *c);

/*
 * The item in canonical form ("legacy>0", "none>=5.5%", "sessions<1") into
 * buf (THRESHOLD_TEXT bytes); returns buf.
 */
char *threshold_format(const struct threshold *t, char *buf);

#endif /* EXTLS_THRESHOLD_H */
