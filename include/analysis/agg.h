/* SPDX-License-Identifier: MIT */
/*
 * agg.h: sessions counted per group. A group is identified by the values
 * of the selected keys (--by); each group counts its sessions per class and
 * keeps the earliest and latest session start, and the host name of its
 * latest session. Keys are copied on first insert: memory grows with the
 * number of distinct groups only.
 */
#ifndef EXTLS_AGG_H
#define EXTLS_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"
#include "reader.h"

/* Grouping keys (output columns follow the order given to agg_new()). */
enum agg_key {
    AGG_DIRECTION = 0,
    AGG_CONNECTOR,
    AGG_REMOTE,
    AGG_DAY,
    AGG_EHLO,
    AGG_CIPHER,
    AGG_SERVER, /* the Exchange server (servername.h) */
    AGG_HOUR,   /* yyyy-mm-ddThh; last so the older keys keep their values */
    AGG_N_KEYS
};

#define AGG_BIT(k) (1u << (k))

/* Key name as used by --by and in output ("direction", ...). */
const char *agg_key_name(enum agg_key k);

/* Key from its name; -1 for an unknown name. */
int agg_key_parse(const char *name, size_t len);

/* One group; read-only for callers. */
struct agg_group {
    struct span key[AGG_N_KEYS]; /* selected keys only; others {"", 0} */
    uint64_t sessions;
    uint64_t count[EXTLS_N_CLASSES];
    int64_t first_ms, last_ms; /* earliest / latest session start */
    struct span host;          /* host name of the latest session that had one */
    int64_t host_ms;
};

struct agg;

/*
 * New table grouping by the `n` distinct keys in `order` (at most
 * AGG_N_KEYS); groups sort by those keys in that order. NULL when out of
 * memory.
 */
struct agg *agg_new(const enum agg_key *order, size_t n);

/* agg_free(NULL) is a no-op. */
void agg_free(struct agg *a);

/* The keys given to agg_new() as an AGG_BIT mask. */
unsigned agg_keys_mask(const struct agg *a);

/* The keys given to agg_new(), in order; *n receives their number. */
const enum agg_key *agg_keys(const struct agg *a, size_t *n);

/*
 * Count one session. `key` holds a value for every key (only the selected
 * ones are used); `host` may be empty. Values are copied. Returns EXTLS_OK
 * or EXTLS_ENOMEM (the session is then not counted; a new group may remain
 * with zero sessions).
 */
enum extls_status agg_add(struct agg *a, const struct span key[AGG_N_KEYS], enum extls_class cls,
                          int64_t start_ms, struct span host);

/*
 * Add every group of `src` into `dst` (same keys in the same order):
 * counts summed, first/last widened, host by the agg_add() rule. `src` is
 * unchanged. Returns EXTLS_OK, EXTLS_ETOOBIG or EXTLS_ENOMEM (dst then
 * holds part of src).
 */
enum extls_status agg_merge(struct agg *dst, const struct agg *src);

/*
 * Add one whole group `g` (its counts, first/last and host; its own keys
 * are ignored) under the key values `key` (only the selected ones are
 * used): into an existing group by the agg_merge() rule, or as a new one.
 * Used to regroup, to merge reports and to read a saved state. The class counts of `g` must sum
 * to its sessions. Returns EXTLS_OK, EXTLS_ETOOBIG when the sessions would
 * pass 2^64 - 1, or EXTLS_ENOMEM; on failure the group's counts are
 * unchanged (a new group may remain with zero sessions).
 */
enum extls_status agg_add_group(struct agg *a, const struct span key[AGG_N_KEYS],
                                const struct agg_group *g);

/* The class counts of all groups added up (every session counts in exactly one group). */
void agg_class_totals(const struct agg *a, uint64_t count[EXTLS_N_CLASSES]);

/*
 * qsort() comparator for arrays of `const struct agg_group *`: most
 * SSL 2/3 and TLS 1.0/1.1 sessions first, then most sessions, then by
 * direction, connector and remote (bytewise). The people's order of the
 * remote-host sections (table and html).
 */
int agg_cmp_legacy_first(const void *a, const void *b);

/* Number of groups. */
size_t agg_size(const struct agg *a);

/*
 * The groups sorted by key values (bytewise, key by key, in agg_new() order).
 * Borrowed: valid until the next agg_add() or agg_free(). NULL when out of
 * memory or empty.
 */
const struct agg_group *const *agg_sorted(struct agg *a);

#endif /* EXTLS_AGG_H */
