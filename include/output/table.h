/* SPDX-License-Identifier: MIT */
/*
 * table.h: aligned text columns for the people's table, fitted to a width.
 *
 * A table is printed in two passes over the same rows: pass 0 measures
 * every cell, table_layout() then chooses the columns and their widths,
 * pass 1 prints. Columns are declared once (struct table_col): a column
 * marked TABLE_FULL exists only in the full layout, TABLE_COMPACT only in
 * the compact one, others in both.
 *
 * Layout for a width limit (0: no limit, the full layout at natural widths):
 *   1. the full layout, shrinking TABLE_SHRINK columns (never below their
 *      `min`) until the row fits;
 *   2. else the compact layout, shrunk the same way; while it still does not
 *      fit, the column with the highest `drop` rank (0: never dropped) is
 *      left out and the shrinking starts again.
 * A shrunk cell keeps its start and end with "…" (U+2026) in the middle,
 * cut between whole characters as written: never inside a UTF-8 sequence
 * nor inside the \xHH escape of a control byte. Cells are written with esc_text() (control
 * characters and invalid UTF-8 as \xHH); widths are display columns.
 */
#ifndef EXTLS_TABLE_H
#define EXTLS_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "isotime.h"

#define TABLE_MAX_COLS 24
#define TABLE_GAP 2 /* spaces between columns */

enum table_flags {
    TABLE_RIGHT = 1,   /* right-aligned (numbers) */
    TABLE_SHRINK = 2,  /* may be shortened with "…" in the middle */
    TABLE_FULL = 4,    /* only in the full layout */
    TABLE_COMPACT = 8, /* only in the compact layout */
};

struct table_col {
    const char *title;
    unsigned flags; /* enum table_flags */
    unsigned min;   /* TABLE_SHRINK: narrowest width */
    unsigned drop;  /* compact layout: left out first when highest; 0 never */
};

/* One cell; `s` borrowed until the row is passed to table_row(). */
struct table_cell {
    const char *s;
    size_t len;
    int quote;             /* print in double quotes (edge spaces would be invisible) */
    char num[ISOTIME_BUF]; /* storage for numbers and times */
};

/* A table being measured or printed; members private. */
struct table {
    FILE *out;
    const struct table_col *cols;
    size_t n_cols;
    unsigned limit;                 /* width to fit; 0: none */
    size_t natural[TABLE_MAX_COLS]; /* widest cell of each column */
    size_t width[TABLE_MAX_COLS];   /* chosen widths */
    unsigned shown;                 /* bit i: column i printed */
    int pass;                       /* 0: measure, 1: print */
    int cut;                        /* compact layout, or a column narrower than its widest cell */
    int shortened;                  /* pass 1 printed a cell shortened with "…" */
};

/* Start pass 0 of a table of n (<= TABLE_MAX_COLS) columns for `out`. */
void table_init(struct table *t, FILE *out, const struct table_col *cols, size_t n, unsigned limit);

/* The title row (measured or printed, as table_row()). */
void table_header(struct table *t);

/* Measure (pass 0) or print (pass 1) one row: a cell for every column, also those not shown. */
void table_row(struct table *t, const struct table_cell *cells);

/* After pass 0: choose the layout and start pass 1. */
void table_layout(struct table *t);

/* Cell setters. */
void table_cell_text(struct table_cell *c, const char *s, size_t len);
/* A logged value: quoted when it starts or ends with a space or tab. */
void table_cell_value(struct table_cell *c, const char *s, size_t len);
void table_cell_num(struct table_cell *c, uint64_t v);

#endif /* EXTLS_TABLE_H */
