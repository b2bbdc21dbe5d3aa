/* SPDX-License-Identifier: MIT */
/*
 * agg_record.h: an aggregate table (agg.h) as records of the state file
 * (record.h), so a run with --state carries its running counts to the
 * next: one "agg" record (the table's index and its key names), then one
 * "group" record per group, in the table's sorted order.
 */
#ifndef EXTLS_AGG_RECORD_H
#define EXTLS_AGG_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "record.h"

/* Append the records of table a, the idx-th of its state (o->failed when out of memory). */
void agg_record_write(struct record_out *o, size_t idx, struct agg *a);

/*
 * Read the fields of an "agg" record (its kind taken already): a new empty
 * table with its keys (caller owns, free with agg_free()) and its index in
 * *idx, at most max_idx; NULL with in->why set when bad or out of memory.
 */
struct agg *agg_record_read_table(struct record_in *in, uint64_t max_idx, uint64_t *idx);

/*
 * Read the fields of a "group" record after its table index: add the
 * group to a. Sets in->why when bad (counts that do not add up) or out of
 * memory.
 */
void agg_record_read_group(struct record_in *in, struct agg *a);

#endif /* EXTLS_AGG_RECORD_H */
