/* SPDX-License-Identifier: MIT */
/*
 * reader_int.h: what the reader's three files share, private to them:
 * reader.c (lines: feeding, carrying, the block scanner's marks, rows
 * delivered), reader_header.c (header lines, columns and the kind of log)
 * and reader_fields.c (a data line cut into fields: the canonical quoted
 * form by its marks, anything else by libcsv).
 */
#ifndef EXTLS_READER_INT_H
#define EXTLS_READER_INT_H

#include <csv.h>

#include "buf.h"
#include "reader.h"
#include "scan.h"

#define MAX_COLUMNS 64 /* most columns a "#Fields:" line may name */
#define MSG_MAX 160
#define MARKS_MAX 128 /* commas and quotes a line may have for the fast path */

struct field_pos {
    const char *ptr; /* fast path: the field's bytes (in the line, or row) */
    size_t off;      /* libcsv path: offset of the field's bytes in row */
    size_t len;
};

struct reader {
    struct reader_callbacks cb;
    struct csv_parser csv;
    int csv_ready;            /* csv holds an initialised parser */
    enum extls_status failed; /* what stopped the reader (a callback's or its own error) */

    enum extls_dir dir;        /* direction for data rows */
    int pos_of[READER_N_COLS]; /* field position of each known column, -1 if absent */
    unsigned n_fields;         /* fields a row must have */
    int std_layout;            /* exactly the nine columns in the standard order */

    struct buf carry; /* start of a line that continues in the next feed */
    int overlong;     /* the carried line passed EXTLS_LINE_MAX; its bytes are dropped */
    int full_parse;   /* send every line through libcsv, even without quotes */

    struct buf row; /* field bytes that differ from the line (unquoted, libcsv's copies) */
    struct field_pos fields[MAX_COLUMNS];
    unsigned nf;      /* fields seen in the current row (may exceed MAX_COLUMNS) */
    int row_nomem;    /* row could not grow */
    int field_toobig; /* a field passed EXTLS_FIELD_MAX */

    /* The current line's commas and quotes, in order (from the block scanner). */
    const char *marks[MARKS_MAX + SCAN_BLOCK];
    unsigned n_marks; /* how many (past MARKS_MAX: too many, only counted) */
    int marks_quoted; /* some mark is a quote */
    int marks_valid;  /* marks belong to the line being processed */

    struct reader_stats st;
    struct reader_pos reject_pos; /* where the line that rejected the input starts */
    int saw_header;               /* a '#' line was read in this input */
    int iis;                      /* "#Software:" named IIS */
    char msg[MSG_MAX];
};

/* Tell the problem callback (counted in the stats); returns what it returns. */
enum extls_status reader_report(struct reader *r, enum reader_problem kind, const char *msg);

/* reader_header.c */

/* The standard nine columns in their order (before any "#Fields:"). */
void reader_standard_columns(struct reader *r);

/* After a change of columns: note whether they are the standard nine, in order. */
void reader_note_layout(struct reader *r);

/* A '#' line [s, n): "#Log-type:", "#Fields:", "#Software:" or another. */
enum extls_status reader_header_line(struct reader *r, const char *s, size_t n);

/*
 * The first data line of an input not yet known to be a protocol log:
 * decide; when it is not one, it is reported and r->st.rejected set.
 */
enum extls_status reader_first_data_line(struct reader *r, const char *s, size_t n);

/* reader_fields.c */

/* Set up r->csv (strict, no trimming, no terminators, capped fields). */
enum extls_status reader_csv_setup(struct reader *r);

/* Forget the fields of a split attempt. */
void reader_fields_reset(struct reader *r);

/*
 * Fields of the line [s, n) from its marks, when every field is in the
 * writer's canonical form; -1 for any other line (nothing delivered).
 */
int reader_split_marks(struct reader *r, const char *s, size_t n);

/*
 * Fields of the line [s, n) by libcsv. Returns 1 when the line was
 * malformed (reported; *st holds the callback's status) or an error
 * status is in *st, else 0 (fields at r->row.ptr + off).
 */
int reader_split_csv(struct reader *r, const char *s, size_t n, enum extls_status *st);

#endif /* EXTLS_READER_INT_H */
