/* SPDX-License-Identifier: MIT */
/*
 * fuzz_esc.c: the output escapers on arbitrary bytes (log fields reach
 * every output format: connector ids, EHLO names, protocols). Each output
 * is decoded by an independent reader of its format and must give back the
 * input:
 *   - esc_json(): one JSON string, valid UTF-8 (checked against Unicode's
 *     table of well-formed byte sequences), no raw control character;
 *     decoded, the input with every byte that does not start a well-formed
 *     sequence replaced by U+FFFD;
 *   - esc_csv(): one RFC 4180 field that parses back to the input;
 *   - esc_tsv(): the input with TAB, LF, CR written as \t \n \r and
 *     every other byte unchanged;
 *   - esc_field() for a terminal (CSV and TSV) and esc_text(): valid UTF-8
 *     without control characters (C0, DEL, C1) or bidi formatting characters; esc_text()'s width
 * equal to esc_text_width(); spreadsheet CSV never starts a cell with a formula trigger.
 */
#include <string.h>

#include "esc.h"
#include "fuzz.h"

struct buf {
    char *p;
    size_t n;
};

/* Length of the well-formed UTF-8 sequence at s (Unicode table 3-7), or 0. */
static size_t
wellformed(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c <= 0x7F)
        return 1;
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    }
    return len;
}

static int
valid_utf8(const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = wellformed((const unsigned char *)p + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

static void
put_utf8(struct buf *b, unsigned cp)
{
    unsigned char *o = (unsigned char *)b->p + b->n;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        b->n += 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        b->n += 2;
    } else {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        b->n += 3;
    }
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode one JSON string token that must fill [p, p+n); 0 on success. */
static int
json_decode(const char *p, size_t n, struct buf *out)
{
    if (n < 2 || p[0] != '"' || p[n - 1] != '"')
        return -1;
    for (size_t i = 1; i < n - 1; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c == '"')
            return -1; /* raw control character, or an unescaped quote inside */
        if (c != '\\') {
            out->p[out->n++] = (char)c;
            continue;
        }
        if (++i >= n - 1)
            return -1;
        switch (p[i]) {
        case '"':
        case '\\':
        case '/':
            out->p[out->n++] = p[i];
            break;
        case 'n':
            out->p[out->n++] = '\n';
            break;
        case 'r':
            out->p[out->n++] = '\r';
            break;
        case 't':
            out->p[out->n++] = '\t';
            break;
        case 'b':
            out->p[out->n++] = '\b';
            break;
        case 'f':
            out->p[out->n++] = '\f';
            break;
        case 'u': {
            if (i + 4 >= n - 1)
                return -1;
            unsigned cp = 0;
            for (int k = 1; k <= 4; k++) {
                int h = hexval(p[i + (size_t)k]);
                if (h < 0)
                    return -1;
                cp = cp * 16 + (unsigned)h;
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                return -1; /* extls never needs surrogate pairs: it escapes only C0 and DEL */
            put_utf8(out, cp);
            i += 4;
            break;
        }
        default:
            return -1;
        }
    }
    return 0;
}

static struct buf
capture(void (*fn)(FILE *, const char *, size_t), const char *s, size_t n)
{
    struct buf b = {NULL, 0};
    FILE *f = open_memstream(&b.p, &b.n);
    FUZZ_CHECK(f != NULL);
    fn(f, s, n);
    FUZZ_CHECK(fclose(f) == 0);
    return b;
}

static void
field_tsv_terminal(FILE *f, const char *s, size_t n)
{
    esc_field(f, ESC_TERMINAL, '\t', s, n);
}

static void
field_csv_terminal_formula(FILE *f, const char *s, size_t n)
{
    esc_field(f, ESC_TERMINAL | ESC_FORMULA, ',', s, n);
}

static void
text_writer(FILE *f, const char *s, size_t n)
{
    size_t w = esc_text(f, s, n);
    FUZZ_CHECK(w == esc_text_width(s, n));
}

/* A bidirectional formatting character (UTF-8 bytes) at p[i]? Written from the list. */
static int
bidi_at(const char *p, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)p + i;
    if (i + 1 < n && u[0] == 0xD8 && u[1] == 0x9C)
        return 1; /* U+061C */
    if (i + 2 >= n || u[0] != 0xE2)
        return 0;
    if (u[1] == 0x80)
        return u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xAA && u[2] <= 0xAE);
    return u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const unsigned char *u = data;

    /* JSON */
    struct buf j = capture(esc_json, s, size);
    FUZZ_CHECK(valid_utf8(j.p, j.n));
    struct buf dec = {malloc(j.n + 1), 0};
    FUZZ_CHECK(dec.p != NULL);
    FUZZ_CHECK(json_decode(j.p, j.n, &dec) == 0);
    struct buf want = {malloc(3 * size + 1), 0};
    FUZZ_CHECK(want.p != NULL);
    for (size_t i = 0; i < size;) {
        size_t k = wellformed(u + i, size - i);
        if (k == 0) {
            memcpy(want.p + want.n, "\xEF\xBF\xBD", 3);
            want.n += 3;
            i++;
        } else {
            memcpy(want.p + want.n, s + i, k);
            want.n += k;
            i += k;
        }
    }
    FUZZ_CHECK(dec.n == want.n && memcmp(dec.p, want.p, want.n) == 0);
    free(j.p);
    free(dec.p);
    free(want.p);

    /* CSV: quoted exactly when needed, and parses back. */
    struct buf c = capture(esc_csv, s, size);
    int special = 0;
    for (size_t i = 0; i < size; i++)
        special |= s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!special) {
        FUZZ_CHECK(c.n == size && memcmp(c.p, s, size) == 0);
    } else {
        FUZZ_CHECK(c.n >= 2 && c.p[0] == '"' && c.p[c.n - 1] == '"');
        size_t k = 0;
        for (size_t i = 1; i < c.n - 1; i++, k++) {
            if (c.p[i] == '"') {
                FUZZ_CHECK(i + 1 < c.n - 1 && c.p[i + 1] == '"');
                i++;
            }
            FUZZ_CHECK(k < size && c.p[i] == s[k]);
        }
        FUZZ_CHECK(k == size);
    }
    free(c.p);

    /* TSV: TAB LF CR as \\t \\n \\r, every other byte as it is. */
    struct buf t = capture(esc_tsv, s, size);
    size_t k = 0;
    for (size_t i = 0; i < size; i++) {
        const char *rep = s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n" : s[i] == '\r' ? "\\r" : NULL;
        if (rep) {
            FUZZ_CHECK(k + 2 <= t.n && memcmp(t.p + k, rep, 2) == 0);
            k += 2;
        } else {
            FUZZ_CHECK(k < t.n && t.p[k] == (char)s[i]);
            k++;
        }
    }
    FUZZ_CHECK(k == t.n);
    free(t.p);

    /* CSV/TSV for a terminal: no control byte, valid UTF-8, no C1 control. */
    for (int sep = 0; sep < 2; sep++) {
        struct buf f = capture(sep ? field_tsv_terminal : field_csv_terminal_formula, s, size);
        FUZZ_CHECK(valid_utf8(f.p, f.n));
        for (size_t i = 0; i < f.n; i++) {
            unsigned char ch = (unsigned char)f.p[i];
            FUZZ_CHECK(ch >= 0x20 && ch != 0x7F);
            FUZZ_CHECK(!(ch == 0xC2 && i + 1 < f.n && (unsigned char)f.p[i + 1] < 0xA0));
            FUZZ_CHECK(!bidi_at(f.p, f.n, i));
        }
        /* Spreadsheet CSV: no cell starts with a formula trigger. */
        if (!sep)
            FUZZ_CHECK(!f.n || (f.p[0] == '"' ? !esc_is_formula(f.p + 1, f.n - 1)
                                              : !esc_is_formula(f.p, f.n)));
        free(f.p);
    }

    /* Terminal text */
    struct buf x = capture(text_writer, s, size);
    FUZZ_CHECK(valid_utf8(x.p, x.n));
    for (size_t i = 0; i < x.n; i++) {
        unsigned char ch = (unsigned char)x.p[i];
        FUZZ_CHECK(ch >= 0x20 && ch != 0x7F);
        FUZZ_CHECK(!(ch == 0xC2 && i + 1 < x.n && (unsigned char)x.p[i + 1] < 0xA0));
        FUZZ_CHECK(!bidi_at(x.p, x.n, i));
    }
    free(x.p);
    return 0;
}
