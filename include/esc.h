/* SPDX-License-Identifier: MIT */
/*
 * esc.h: writing byte strings safely into each output format. Log fields
 * are raw bytes (the data column may hold invalid UTF-8), so every writer
 * states what it does with such bytes.
 */
#ifndef EXTLS_ESC_H
#define EXTLS_ESC_H

#include <stddef.h>
#include <stdio.h>

/*
 * A JSON string with its quotes. Invalid UTF-8 sequences become U+FFFD
 * (the output is always valid UTF-8); control characters become \uXXXX.
 */
void esc_json(FILE *out, const char *s, size_t len);

/*
 * One RFC 4180 field: quoted (with doubled quotes) when it contains a
 * comma, quote, CR or LF; bytes otherwise unchanged.
 */
void esc_csv(FILE *out, const char *s, size_t len);

/*
 * One TSV field: backslash, TAB, LF and CR are written as \\ \t \n \r
 * (the convention of PostgreSQL's text format); other bytes unchanged.
 */
void esc_tsv(FILE *out, const char *s, size_t len);

/*
 * For terminals: printable UTF-8 unchanged, control characters and
 * invalid bytes as \xHH. Returns the display width written, counting
 * East Asian wide characters as two columns.
 */
size_t esc_text(FILE *out, const char *s, size_t len);

/* The display width esc_text() would write. */
size_t esc_text_width(const char *s, size_t len);

/*
 * Length of the valid UTF-8 sequence at s[0..len) and its code point in
 * *cp; 0 when s does not start with one (or len is 0).
 */
size_t esc_utf8_next(const unsigned char *s, size_t len, unsigned *cp);

#endif /* EXTLS_ESC_H */
