/* SPDX-License-Identifier: MIT */
/*
 * reader.h: bytes of one protocol log -> rows of named fields.
 *
 * Model. The input is split into physical lines at LF (a CR before the LF
 * is dropped). Exchange never writes a raw line break inside a field (it
 * writes the two characters "\r" / "\n" instead), so one line is one row:
 * a quote left open at the end of a line makes that row malformed, and the
 * next line is read afresh. This keeps line numbers exact and confines any
 * damage to the line that carries it.
 *
 * - A UTF-8 byte order mark at the start of a line is skipped.
 * - Lines starting with '#' are header lines: "#Log-type:" sets the
 *   direction, "#Fields:" maps column names to positions. They may recur
 *   anywhere (concatenated files). Before any "#Fields:" the standard
 *   nine-column order is assumed.
 * - Blank lines are not rows; they are counted in stats.blank_lines.
 * - Every other line is parsed by libcsv (strict quoting, no trimming of
 *   spaces, fields capped at EXTLS_FIELD_MAX) and must have exactly as many
 *   fields as the current "#Fields:" line names. A shortcut yields exactly
 *   what libcsv would: the block scanner (scan.h) marks the line feeds,
 *   commas and quotes of each fed piece in one pass, and a line whose
 *   fields are all in the writer's canonical form (unquoted without '"',
 *   or wholly quoted with doubled inner quotes) and that has at most 128
 *   commas and quotes is cut at its marks; any other line goes to libcsv,
 *   which also names every malformed one. reader_set_full_parse() sends
 *   every line to libcsv; results are equal (tests compare both on every
 *   input). Rows that fail any of this are reported through the problem
 *   callback and not delivered.
 * - A last line without a line end (a file still being written) is
 *   reported as malformed, never delivered (reader_stop() leaves it unread
 *   instead).
 *
 * What the input is (stats.kind) is decided from its first lines, before
 * any row: "#Log-type: SMTP Receive|Send Protocol Log", a "#Fields:" line
 * with the protocol columns, or a first data line in a file whose
 * direction is known from its name or folder (dir_hint) make it a protocol
 * log. A "#Log-type:" naming another log, a control byte in the first
 * data line (binary; with a hint only when that line has fewer commas than
 * a row, so a file of NUL bytes is binary whatever its name), and in a file
 * without a direction hint a "#Fields:" line without the protocol columns
 * (IIS's space-separated ones, message tracking's) or a first data line
 * with no protocol header before it make it something else, reported once
 * as READER_WRONG_LOG (the rest is skipped). With a hint, a bad "#Fields:"
 * line is a READER_FILE_ERROR.
 *
 * The reader does not interpret field contents (times, events): see row.h.
 * It never prints; problems go to the callback with the line number.
 */
#ifndef EXTLS_READER_H
#define EXTLS_READER_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"

/* The columns extls knows, in the standard order of the "#Fields:" line. */
enum reader_col {
    READER_DATE_TIME = 0,
    READER_CONNECTOR_ID,
    READER_SESSION_ID,
    READER_SEQUENCE_NUMBER,
    READER_LOCAL_ENDPOINT,
    READER_REMOTE_ENDPOINT,
    READER_EVENT,
    READER_DATA,
    READER_CONTEXT,
    READER_N_COLS
};

/* Column name as written in "#Fields:" (e.g. "session-id"). */
const char *reader_col_name(enum reader_col col);

/* One delivered row. Borrowed: valid during the row callback only. */
struct reader_row {
    struct span col[READER_N_COLS]; /* a column absent from #Fields is "" */
    enum extls_dir dir;             /* never EXTLS_DIR_UNKNOWN */
    uint64_t line;                  /* 1-based physical line number */
};

enum reader_problem {
    READER_MALFORMED_ROW, /* one row skipped; reading goes on */
    READER_FILE_ERROR,    /* the rest of the input is skipped (bad header, unknown direction) */
    READER_WRONG_LOG,     /* not a protocol log (stats.kind says what); the rest is skipped */
};

/*
 * Callbacks, registered once. `msg` is borrowed for the call; it holds the
 * reason only (e.g. "expected 9 fields, found 8"), the caller adds the
 * location. Each returns EXTLS_OK to go on, or an error status that stops
 * the reader: reader_feed() / reader_finish() return it (see there).
 */
struct reader_callbacks {
    enum extls_status (*row)(const struct reader_row *row, void *user);
    enum extls_status (*problem)(enum reader_problem kind, uint64_t line, const char *msg,
                                 void *user);
    void *user;
};

/* Counters for the current input, reset by reader_begin(). */
struct reader_stats {
    uint64_t lines;        /* physical lines seen, including a last partial one */
    uint64_t rows;         /* rows delivered to the row callback */
    uint64_t malformed;    /* rows reported as READER_MALFORMED_ROW */
    uint64_t header_lines; /* '#' lines */
    uint64_t blank_lines;  /* empty lines (or a lone CR) */
    uint64_t skipped;      /* lines not looked at after a file error */
    uint64_t bytes;        /* bytes fed */
    uint64_t good_offset;  /* bytes up to and including the last complete line */
    int rejected;          /* a READER_FILE_ERROR or READER_WRONG_LOG occurred */
    enum extls_kind kind;  /* what the input is, so far (see above; resumed: a protocol log) */
};

struct reader;

/* New reader; NULL when out of memory. Caller owns, free with reader_free(). */
struct reader *reader_new(const struct reader_callbacks *cb);

/* Free the reader; reader_free(NULL) is a no-op. */
void reader_free(struct reader *r);

/*
 * Start a new input. `dir_hint` is the direction to use until a
 * "#Log-type:" line says otherwise (from the file name, or
 * EXTLS_DIR_UNKNOWN, which makes a data row before any "#Log-type:" a
 * READER_FILE_ERROR). Resets header state and stats.
 */
void reader_begin(struct reader *r, enum extls_dir dir_hint);

/*
 * Feed the next `len` bytes of the input, in pieces of any size. Rows are
 * delivered as their line completes. Returns EXTLS_OK, EXTLS_ENOMEM, or
 * the error status a callback returned. On an error the reader stops
 * where it is (no more lines of the piece are read, no more callbacks
 * made) and every later reader_feed() / reader_finish() returns the same
 * status, until reader_begin() or reader_resume().
 */
enum extls_status reader_feed(struct reader *r, const char *buf, size_t len);

/* End of input: reports an unterminated last line. Returns as reader_feed(). */
enum extls_status reader_finish(struct reader *r);

/*
 * Where the reader stands after the last complete line of its input:
 * enough to go on reading the same input later from that byte (--state).
 */
struct reader_pos {
    uint64_t offset;           /* input bytes through the last complete line */
    uint64_t line;             /* lines through it */
    enum extls_dir dir;        /* direction in force there */
    unsigned n_fields;         /* fields a row must have there */
    int pos_of[READER_N_COLS]; /* column positions there (-1: absent) */
};

/*
 * The position after the last complete line fed so far. A partial last
 * line is not part of it: stop with reader_stop(), and the next run
 * re-reads that line from the saved offset. Once the input is rejected
 * (reader_stats().rejected), the start of the line that rejected it: the
 * lines before it were delivered, those from it on never are.
 */
void reader_get_pos(const struct reader *r, struct reader_pos *p);

/* Like reader_begin(), but go on from a saved position (fed bytes start at p->offset). */
void reader_resume(struct reader *r, const struct reader_pos *p);

/*
 * End of input without reporting a partial last line: it is left for a
 * later run. When nothing read so far said what the input is, that line
 * still decides it (binary data, no log header: READER_WRONG_LOG, as if it
 * were complete). Returns the problem callback's error, else EXTLS_OK.
 */
enum extls_status reader_stop(struct reader *r);

/* Send every data line through libcsv (on != 0), or let quote-free lines take the fast path. */
void reader_set_full_parse(struct reader *r, int on);

/* Counters of the current input; borrowed, valid until the next reader call. */
const struct reader_stats *reader_stats(const struct reader *r);

#endif /* EXTLS_READER_H */
