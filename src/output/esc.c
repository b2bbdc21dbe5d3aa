/* SPDX-License-Identifier: MIT */
/*
 * esc.c: output escaping for JSON, CSV, TSV, HTML and terminal text: the
 * one place that decides how a logged byte string is written into an output.
 */
#include "esc.h"

#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* C0, DEL and C1 control characters: never written as they are for people. */
static int
is_control(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
}

/*
 * What a terminal must not be given as it is: the control characters, and
 * the bidirectional formatting characters (U+061C, U+200E/F, U+202A-202E,
 * U+2066-2069), which reorder the text after them on screen (a host name
 * could make a line read as another).
 */
static int
is_term_unsafe(unsigned cp)
{
    return is_control(cp) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t
esc_utf8_next(const unsigned char *s, size_t len, unsigned *cp)
{
    if (len == 0)
        return 0;
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80, c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800, c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/*
 * Walk s[0..len) as UTF-8: each valid character goes to put() (code point
 * and its bytes), each byte that starts no valid sequence becomes U+FFFD.
 */
static void
each_char(FILE *out, const char *str, size_t len,
          void (*put)(FILE *out, unsigned cp, const unsigned char *bytes, size_t n))
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = esc_utf8_next(s + i, len - i, &cp);
        if (n == 0) {
            fputs(REPLACEMENT, out);
            i++;
            continue;
        }
        put(out, cp, s + i, n);
        i += n;
    }
}

/* One character of a JSON string. */
static void
json_char(FILE *out, unsigned cp, const unsigned char *bytes, size_t n)
{
    if (cp == '"' || cp == '\\') {
        putc('\\', out);
        putc((int)cp, out);
    } else if (cp == '\n') {
        fputs("\\n", out);
    } else if (cp == '\r') {
        fputs("\\r", out);
    } else if (cp == '\t') {
        fputs("\\t", out);
    } else if (is_control(cp)) {
        fprintf(out, "\\u%04x", cp);
    } else {
        fwrite(bytes, 1, n, out);
    }
}

/* A byte json_char() writes as it is, alone: printable ASCII but '"' and '\\'. */
static int
json_plain(char c)
{
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void
esc_json(FILE *out, const char *s, size_t len)
{
    putc('"', out);
    /* Runs of plain bytes in one write (names are mostly ASCII); the rest char by char. */
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && json_plain(s[j]))
            j++;
        if (j > i) {
            fwrite(s + i, 1, j - i, out);
            i = j;
            continue;
        }
        unsigned cp;
        size_t n = esc_utf8_next((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) {
            fputs(REPLACEMENT, out);
            i++;
        } else {
            json_char(out, cp, (const unsigned char *)s + i, n);
            i += n;
        }
    }
    putc('"', out);
}

void
esc_csv(FILE *out, const char *s, size_t len)
{
    int quote = 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, len, out);
        return;
    }
    putc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            putc('"', out);
        putc(s[i], out);
    }
    putc('"', out);
}

void
esc_tsv(FILE *out, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '\t':
            rep = "\\t";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        default:
            continue;
        }
        fwrite(s + start, 1, i - start, out);
        fputs(rep, out);
        start = i + 1;
    }
    fwrite(s + start, 1, len - start, out);
}

/* U+FDD0..U+FDEF and the last two code points of every plane. */
static int
is_noncharacter(unsigned cp)
{
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

/* The characters HTML text and attribute values must not hold as they are. */
static const char *const html_entity[0x80] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

size_t
esc_visible(unsigned cp, char rep[3])
{
    if (cp < 0x20 || cp == 0x7F) { /* control pictures U+2400 + cp, U+2421 for DEL */
        rep[0] = (char)0xE2, rep[1] = (char)0x90, rep[2] = (char)(cp == 0x7F ? 0xA1 : 0x80 + cp);
        return 3;
    }
    if (is_control(cp) || is_noncharacter(cp)) {
        rep[0] = (char)0xEF, rep[1] = (char)0xBF, rep[2] = (char)0xBD; /* REPLACEMENT, no NUL */
        return 3;
    }
    return 0;
}

/* One character of HTML text or of an attribute value. */
static void
html_char(FILE *out, unsigned cp, const unsigned char *bytes, size_t n)
{
    char rep[3];
    if (cp < 0x80 && html_entity[cp])
        fputs(html_entity[cp], out);
    else if (esc_visible(cp, rep))
        fwrite(rep, 1, 3, out);
    else
        fwrite(bytes, 1, n, out);
}

void
esc_html(FILE *out, const char *s, size_t len)
{
    each_char(out, s, len, html_char);
}

static int
is_wide(unsigned cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
           (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* Shared walk of esc_text() and esc_text_width(); out may be NULL. */
static size_t
text(FILE *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t width = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = esc_utf8_next(s + i, len - i, &cp);
        if (n == 0 || is_term_unsafe(cp)) {
            size_t bad = n ? n : 1;
            for (size_t k = 0; k < bad; k++) {
                if (out)
                    fprintf(out, "\\x%02X", s[i + k]);
                width += 4;
            }
            i += bad;
            continue;
        }
        if (out)
            fwrite(s + i, 1, n, out);
        width += is_wide(cp) ? 2 : 1;
        i += n;
    }
    return width;
}

size_t
esc_text(FILE *out, const char *s, size_t len)
{
    return text(out, s, len);
}

size_t
esc_text_width(const char *s, size_t len)
{
    return text(NULL, s, len);
}

int
esc_is_formula(const char *s, size_t len)
{
    return len && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                   s[0] == '\r');
}

/* A character unsafe for a terminal or an invalid UTF-8 byte at s[i]: how many bytes esc_text()
 * would escape. */
static size_t
control_len(const unsigned char *s, size_t len, size_t *n_char)
{
    unsigned cp;
    size_t n = esc_utf8_next(s, len, &cp);
    *n_char = n ? n : 1;
    if (n == 0 || is_term_unsafe(cp))
        return *n_char;
    return 0;
}

/*
 * The bytes of one CSV/TSV field, without its quotes: quotes doubled when
 * `quoted` (CSV), control characters and invalid UTF-8 as \xHH when
 * ESC_TERMINAL (TSV: TAB LF CR as \t \n \r), TSV's TAB LF CR always.
 */
static void
field_body(FILE *out, unsigned style, char sep, const char *str, size_t len, int quoted)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < len;) {
        size_t n = 1, bad = 0;
        if (style & ESC_TERMINAL)
            bad = control_len(s + i, len - i, &n);
        if (sep == '\t' && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
            fputs(s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n" : "\\r", out);
        } else if (bad) {
            for (size_t k = 0; k < bad; k++)
                fprintf(out, "\\x%02X", s[i + k]);
        } else {
            if (quoted && s[i] == '"')
                putc('"', out);
            fwrite(s + i, 1, n, out);
        }
        i += n;
    }
}

void
esc_field(FILE *out, unsigned style, char sep, const char *s, size_t len)
{
    if (sep == ',' && (style & ESC_FORMULA) && esc_is_formula(s, len)) {
        /* Quoted, so that a leading TAB or CR stays inside the field with its apostrophe. */
        fputs("\"'", out);
        field_body(out, style, sep, s, len, 1);
        putc('"', out);
        return;
    }
    if (!(style & ESC_TERMINAL)) {
        if (sep == ',')
            esc_csv(out, s, len);
        else
            esc_tsv(out, s, len);
        return;
    }
    int quote = 0;
    for (size_t i = 0; sep == ',' && i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (quote)
        putc('"', out);
    field_body(out, style, sep, s, len, quote);
    if (quote)
        putc('"', out);
}
