/* SPDX-License-Identifier: MIT */
/*
 * state_int.h: what state.c (the container: version, checksum, atomic
 * save, record dispatch) and state_index.c (the tables and their records)
 * share. Private to those two files.
 */
#ifndef EXTLS_STATE_INT_H
#define EXTLS_STATE_INT_H

#include "record.h"
#include "state.h"

/* Append the "file", "series", "open" and "folded" records, in that order. */
void state_write_tables(const struct state *st, struct record_out *t);

/* Read one record of each kind (its kind taken already) into st; errors in p->why. */
void state_read_file_record(struct record_in *p, struct state *st);
void state_read_series(struct record_in *p, struct state *st);
void state_read_open(struct record_in *p, struct state *st);
void state_read_folded(struct record_in *p, struct state *st);

#endif /* EXTLS_STATE_INT_H */
