/* SPDX-License-Identifier: MIT */
/*
 * threshold.h: the --fail-on / --warn-on lists. A list is comma-separated
 * items, each a class name or "legacy" (ssl2+ssl3+tls1_0+tls1_1, summed),
 * optionally followed by > or >= and a count or a percentage of the
 * counted sessions:
 *
 *     tls1_0>0   none>5%   legacy>=1   tls_failed>10   none>0.5%
 *
 * A bare name means name>0. A list matches when any item does. A
 * percentage never matches when no session was counted. Percentages have
 * at most 3 decimals and are compared exactly (integer arithmetic).
 * Nothing here allocates or prints.
 */
#ifndef EXTLS_THRESHOLD_H
#define EXTLS_THRESHOLD_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"

/* Items per list: a hard cap. */
#define THRESHOLD_MAX 32

/* The name index of "legacy" (class names use their enum extls_class). */
#define THRESHOLD_LEGACY EXTLS_N_CLASSES

/* Buffer size that always holds threshold_format()'s output. */
#define THRESHOLD_TEXT 48

enum threshold_op {
    THRESHOLD_GT = 0, /* > */
    THRESHOLD_GE,     /* >= */
};

/* One item. */
struct threshold {
    int name;             /* enum extls_class, or THRESHOLD_LEGACY */
    enum threshold_op op; /* comparison */
    int percent;          /* value is a percentage, in thousandths of a percent */
    uint64_t value;       /* a count, or 0..100000 (thousandths of a percent) */
};

/* A parsed list; plain data, copy freely. */
struct threshold_list {
    struct threshold item[THRESHOLD_MAX];
    size_t n;
};

/*
 * Parse `text` into *list. Returns EXTLS_OK, or EXTLS_EPARSE with a
 * one-line reason in `err` (err_len bytes; the caller names the option and
 * the text) and *list unchanged.
 */
enum extls_status threshold_parse(struct threshold_list *list, const char *text, char *err,
                                  size_t err_len);

/* The sessions an item counts: its class, or the sum of the legacy classes. */
uint64_t threshold_count(const struct threshold *t, const uint64_t count[EXTLS_N_CLASSES]);

/*
 * 1 if the item matches these per-class counts of `sessions` counted
 * sessions, else 0.
 */
int threshold_match(const struct threshold *t, const uint64_t count[EXTLS_N_CLASSES],
                    uint64_t sessions);

/* 1 if any item of the list matches (0 for an empty list). */
int threshold_list_match(const struct threshold_list *list, const uint64_t count[EXTLS_N_CLASSES],
                         uint64_t sessions);

/*
 * The item in canonical form ("legacy>0", "none>=5.5%") into buf
 * (THRESHOLD_TEXT bytes); returns buf.
 */
char *threshold_format(const struct threshold *t, char *buf);

#endif /* EXTLS_THRESHOLD_H */
