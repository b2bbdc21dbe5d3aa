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
 * (the output is always valid UTF-8); control characters (C0, DEL and the
 * C1 range U+0080..U+009F) become \uXXXX, so the text is safe to print.
 */
void esc_json(FILE *out, const char *s, size_t len);

/*
 * One RFC 4180 field: quoted (with doubled quotes) when it contains a
 * comma, quote, CR or LF; bytes otherwise unchanged.
 */
void esc_csv(FILE *out, const char *s, size_t len);

/*
 * One TSV field: TAB, LF and CR are written as \t \n \r; every other byte,
 * backslashes included, unchanged, so that `cut -f2` prints a field without
 * those three bytes exactly as logged. (A field that holds both a real tab
 * and the two characters backslash-t cannot be told apart: JSON and CSV keep
 * every byte.)
 */
void esc_tsv(FILE *out, const char *s, size_t len);

/*
 * HTML text or attribute value: & < > " ' as &amp; &lt; &gt; &quot; &#39;;
 * invalid UTF-8 (one U+FFFD per byte that starts no valid sequence) and
 * noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF) as U+FFFD; C0 control
 * characters and DEL as their Unicode control pictures (U+2400..U+241F,
 * U+2421: a tab shows as a visible mark), C1 controls as U+FFFD (esc_visible()). Everything
 * else is copied unchanged, so the text is valid UTF-8 and well-formed XML.
 */
void esc_html(FILE *out, const char *s, size_t len);

/*
 * The visible stand-in of a character that text for people (HTML, a
 * spreadsheet cell) must not hold as it is: C0 controls and DEL as their
 * Unicode control pictures (U+2400..U+241F, U+2421), C1 controls and
 * noncharacters as U+FFFD. Writes its 3 UTF-8 bytes to rep and returns 3,
 * or returns 0 (rep untouched) for any other character.
 */
size_t esc_visible(unsigned cp, char rep[3]);

/*
 * What a CSV/TSV field is written for, as bit flags (0: a file or a pipe,
 * the format's own rules above).
 */
enum esc_style {
    ESC_TERMINAL = 1, /* for a terminal: as esc_text(), control and bidi
                         characters and invalid UTF-8 as \xHH (TSV: TAB LF CR
                         still \t \n \r) */
    ESC_FORMULA = 2,  /* CSV for spreadsheets: a field that starts with = + - @
                         TAB or CR gets a leading apostrophe, so that no
                         spreadsheet evaluates it as a formula */
};

/*
 * One field of a delimited format: CSV when sep is ',', TSV when it is
 * '\t', with the ESC_* flags of `style`.
 */
void esc_field(FILE *out, unsigned style, char sep, const char *s, size_t len);

/* Nonzero if a spreadsheet could read s[0..len) as a formula (ESC_FORMULA). */
int esc_is_formula(const char *s, size_t len);

/*
 * For terminals: printable UTF-8 unchanged, control characters (C0, DEL,
 * C1), the bidirectional formatting characters (U+061C, U+200E/F,
 * U+202A-202E, U+2066-2069) and invalid bytes as \xHH. Returns the display width written, counting
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
