/* SPDX-License-Identifier: MIT */
/*
 * test_jsonin.c: the strict reader of extls JSON reports: the exact groups
 * and totals it hands out (under every read chunk size), string escapes,
 * skipped members, and every rejection with its file:line:column.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jsonin.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The "tls" member of a group, in class order ssl2 .. none. */
#define TLS(a, b, c, d, e, f, g, h, i)                                                             \
    "\"tls\":{\"ssl2\":" #a ",\"ssl3\":" #b ",\"tls1_0\":" #c ",\"tls1_1\":" #d ",\"tls1_2\":" #e  \
    ",\"tls1_3\":" #f ",\"tls_unknown\":" #g ",\"tls_failed\":" #h ",\"none\":" #i "}"

#define T1 "\"2023-01-11T15:00:00.000Z\""
#define T2 "\"2023-01-11T15:30:00.000Z\""

/* Totals of a report with `s` sessions (given as text) from T1 to T2. */
#define TOTALS(s)                                                                                  \
    "{\"files\":1,\"rows\":5,\"malformed_rows\":0,\"sessions\":" s ",\"files_skipped\":0,"         \
    "\"files_failed\":0,\"sessions_excluded\":0,\"first\":" T1 ",\"last\":" T2 "}"

/* The report up to its first group, for two sessions. */
#define HEAD "{\"schema\":\"extls/1\",\"totals\":" TOTALS("2") ",\"groups\":["

/* A good group of two sessions keyed by direction and connector. */
#define GROUP2                                                                                     \
    "{\"direction\":\"receive\",\"connector\":\"EX\\\\A\",\"sessions\":2," TLS(                    \
        0, 0, 1, 0, 1, 0, 0, 0, 0) ",\"first\":" T1 ",\"last\":" T2 "}"

/* What the callback saw, as text: one line per group. */
struct seen {
    char log[8192];
    size_t len;
    char last_key[64]; /* bytes of the last group's connector key */
    size_t last_key_len;
    enum extls_status fail_with; /* returned by the callback when not EXTLS_OK */
};

static enum extls_status
on_group(const struct agg_group *g, const enum agg_key *keys, size_t n_keys, char *why,
         size_t why_len, void *user)
{
    struct seen *s = user;
    if (s->fail_with != EXTLS_OK) {
        snprintf(why, why_len, "refused by the test");
        return s->fail_with;
    }
    s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, "keys=");
    for (size_t i = 0; i < n_keys; i++)
        s->len +=
            (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, "%s%s=%.*s", i ? "," : "",
                             agg_key_name(keys[i]), (int)g->key[keys[i]].len, g->key[keys[i]].ptr);
    s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len,
                               " sessions=%llu tls=", (unsigned long long)g->sessions);
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, "%s%llu", c ? "," : "",
                                   (unsigned long long)g->count[c]);
    s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, " %lld..%lld\n",
                               (long long)g->first_ms, (long long)g->last_ms);
    /* Keys not in the report read as "". */
    for (int k = 0; k < AGG_N_KEYS; k++) {
        int listed = 0;
        for (size_t i = 0; i < n_keys; i++)
            listed |= keys[i] == (enum agg_key)k;
        if (!listed)
            assert_int_equal(g->key[k].len, 0);
    }
    assert_int_equal(g->host.len, 0);
    s->last_key_len = g->key[AGG_CONNECTOR].len;
    if (s->last_key_len <= sizeof(s->last_key))
        memcpy(s->last_key, g->key[AGG_CONNECTOR].ptr, s->last_key_len);
    return EXTLS_OK;
}

/* Read text[0..len) in pieces of `chunk`; the callback's record in *s. */
static enum extls_status
read_text(const char *text, size_t len, size_t chunk, struct seen *s, char *msg, size_t msg_len)
{
    struct jsonin_callbacks cb = {on_group, s};
    struct jsonin *j = jsonin_new(&cb);
    assert_non_null(j);
    enum extls_status st = jsonin_read_mem(j, text, len, chunk, "t.json");
    snprintf(msg, msg_len, "%s", jsonin_errmsg(j));
    if (st == EXTLS_OK)
        assert_string_equal(jsonin_errmsg(j), "");
    jsonin_free(j);
    return st;
}

/* 2023-01-11T15:00:00.000Z and T2 in ms. */
#define MS1 1673449200000LL
#define MS2 1673451000000LL

static void
good_report_under_every_chunk_size(void **state)
{
    (void)state;
    /* Members out of order, extra members of every kind, white space. */
    static const char text[] =
        "\xEF\xBB\xBF \r\n{ \"groups\" : [ " GROUP2 " ,\n"
        "{\"extra\":{\"a\":[1,-2,3.5e+7,-0.25E-3,true,false,null,\"s\\u00e9\",{}],\"b\":[]},"
        "\"direction\":\"send\",\"last\":" T2 ",\"connector\":\"Out\",\"first\":" T2 ","
        "\"tls\":{\"none\":3,\"tls_failed\":0,\"tls_unknown\":0,\"tls1_3\":0,\"tls1_2\":0,"
        "\"tls1_1\":0,\"tls1_0\":0,\"ssl3\":0,\"ssl2\":0,\"future\":7},\"sessions\":3}\n"
        "],\n\"schema\":\"extls/1\",\"note\":\"made by hand\","
        "\"totals\":{\"files\":18446744073709551615,\"rows\":5,\"malformed_rows\":0,"
        "\"sessions\":5,\"files_skipped\":1,\"files_failed\":2,\"sessions_excluded\":3,"
        "\"first\":" T1 ",\"last\":" T2 ",\"x\":null}}\n\t ";
    static const char want[] =
        "keys=direction=receive,connector=EX\\A sessions=2 tls=0,0,1,0,1,0,0,0,0 "
        "1673449200000..1673451000000\n"
        "keys=direction=send,connector=Out sessions=3 tls=0,0,0,0,0,0,0,0,3 "
        "1673451000000..1673451000000\n";
    static const size_t chunks[] = {0, 1, 2, 3, 7, 64, 4096};
    for (size_t i = 0; i < N(chunks); i++) {
        struct seen s = {0};
        char msg[JSONIN_ERR_MAX];
        struct jsonin_callbacks cb = {on_group, &s};
        struct jsonin *j = jsonin_new(&cb);
        assert_non_null(j);
        assert_int_equal(jsonin_read_mem(j, text, sizeof(text) - 1, chunks[i], "t.json"), EXTLS_OK);
        (void)msg;
        assert_string_equal(s.log, want);
        const struct report_totals *t = jsonin_totals(j);
        assert_true(t->files == UINT64_MAX);
        assert_int_equal(t->rows, 5);
        assert_int_equal(t->malformed, 0);
        assert_int_equal(t->sessions, 5);
        assert_int_equal(t->files_skipped, 1);
        assert_int_equal(t->files_failed, 2);
        assert_int_equal(t->excluded, 3);
        assert_true(t->first_ms == MS1);
        assert_true(t->last_ms == MS2);
        jsonin_free(j);
    }
}

/* No groups: no callback; null times read as "none". */
static void
report_without_groups(void **state)
{
    (void)state;
    static const char text[] =
        "{\"schema\":\"extls/1\",\n\"totals\":{\"files\":2,\"rows\":0,\"malformed_rows\":0,"
        "\"sessions\":0,\"files_skipped\":0,\"files_failed\":0,\"sessions_excluded\":4,"
        "\"first\":null,\"last\":null},\n\"groups\":[]}\n";
    struct seen s = {0};
    struct jsonin_callbacks cb = {on_group, &s};
    struct jsonin *j = jsonin_new(&cb);
    assert_non_null(j);
    assert_int_equal(jsonin_read_mem(j, text, sizeof(text) - 1, 0, "e.json"), EXTLS_OK);
    assert_int_equal(s.len, 0);
    const struct report_totals *t = jsonin_totals(j);
    assert_int_equal(t->files, 2);
    assert_int_equal(t->excluded, 4);
    assert_true(t->first_ms == INT64_MAX);
    assert_true(t->last_ms == INT64_MIN);
    /* The same reader reads the next report afresh. */
    static const char two[] = HEAD GROUP2 "]}";
    assert_int_equal(jsonin_read_mem(j, two, sizeof(two) - 1, 0, "e2.json"), EXTLS_OK);
    assert_int_equal(jsonin_totals(j)->sessions, 2);
    jsonin_free(j);
    jsonin_free(NULL);
}

/* Every escape, surrogate pairs and raw UTF-8 decode to the exact bytes. */
static void
string_escapes_decoded(void **state)
{
    (void)state;
    static const char text[] = HEAD
        "{\"direction\":\"receive\",\"connector\":"
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\u0000"
        "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\x7F\","
        "\"sessions\":2," TLS(0, 0, 1, 0, 1, 0, 0, 0, 0) ",\"first\":" T1 ",\"last\":" T2 "}]}";
    static const char want[] = "\"\\/\b\f\n\r\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
                               "\0\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\x7F";
    for (size_t chunk = 0; chunk < 4; chunk++) {
        struct seen s = {0};
        char msg[JSONIN_ERR_MAX];
        assert_int_equal(read_text(text, sizeof(text) - 1, chunk, &s, msg, sizeof(msg)), EXTLS_OK);
        assert_int_equal(s.last_key_len, sizeof(want) - 1);
        assert_memory_equal(s.last_key, want, sizeof(want) - 1);
    }
}

/*
 * A rejected input: the backquote in `in` marks where the error must be
 * reported (it is removed before reading).
 */
struct bad {
    const char *in;
    const char *why;
    enum extls_status st;
};

#define TAIL ",\"first\":" T1 ",\"last\":" T2 "}]}"

static const struct bad bad_inputs[] = {
    /* The document. */
    {"`", "empty input: expected an extls JSON report", EXTLS_EPARSE},
    {"  \n `[]", "unexpected '[': expected '{' (an extls JSON report)", EXTLS_EPARSE},
    {"`\xEF\xBB{}", "invalid UTF-8 at the start", EXTLS_EPARSE},
    {HEAD GROUP2 "]} `x", "unexpected data after the report", EXTLS_EPARSE},
    {HEAD GROUP2 "]}\n`{}", "unexpected data after the report", EXTLS_EPARSE},
    {"{\"schema\":`\"extls/2\"}", "schema 'extls/2' is not extls/1", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\"`}", "the report has no member 'totals'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",`\"schema\":\"extls/1\"}", "member 'schema' given twice",
     EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",`}", "unexpected '}': expected a member name", EXTLS_EPARSE},
    {"{\"schema\" `\"extls/1\"}", "unexpected '\"': expected ':'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\"`]", "unexpected ']': expected ',' or '}'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":" TOTALS("2") ",\"groups\":[" GROUP2 "`}",
     "unexpected '}': expected ',' or ']'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":" TOTALS("2") ",\"groups\":[`1]}",
     "unexpected '1': expected '{' (a group)", EXTLS_EPARSE},
    {"{\"sche`", "unexpected end of input in a string", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",`", "unexpected end of input: expected a member name", EXTLS_EPARSE},
    /* Counters. */
    {"{\"totals\":{\"files\":`-1", "negative number: counters are unsigned", EXTLS_EPARSE},
    {"{\"totals\":{\"files\":`1.5}", "not an integer: counters are whole numbers", EXTLS_EPARSE},
    {"{\"totals\":{\"files\":`1e3}", "not an integer: counters are whole numbers", EXTLS_EPARSE},
    {"{\"totals\":{\"files\":`01}", "leading zero in a number", EXTLS_EPARSE},
    {"{\"totals\":{\"files\":`18446744073709551616}", "number larger than 18446744073709551615",
     EXTLS_EPARSE},
    {"{\"totals\":{\"files\":`99999999999999999999999}", "number larger than 18446744073709551615",
     EXTLS_EPARSE},
    {"{\"totals\":{\"files\":`\"1\"}", "unexpected '\"': expected an unsigned integer",
     EXTLS_EPARSE},
    {"{\"totals\":{\"files\":`}", "unexpected '}': expected an unsigned integer", EXTLS_EPARSE},
    /* Totals. */
    {"{\"totals\":{\"files\":1,\"rows\":5,\"malformed_rows\":0,\"sessions\":2,"
     "\"files_skipped\":0,\"files_failed\":0,\"sessions_excluded\":0,\"first\":" T1 "`}",
     "totals has no member 'last'", EXTLS_EPARSE},
    {"{\"totals\":`{\"files\":1,\"rows\":5,\"malformed_rows\":0,\"sessions\":2,"
     "\"files_skipped\":0,\"files_failed\":0,\"sessions_excluded\":0,\"first\":null,"
     "\"last\":null}",
     "totals: first and last must be null exactly when sessions is 0", EXTLS_EPARSE},
    {"{\"totals\":`{\"files\":1,\"rows\":5,\"malformed_rows\":0,\"sessions\":0,"
     "\"files_skipped\":0,\"files_failed\":0,\"sessions_excluded\":0,\"first\":null,"
     "\"last\":" T2 "}",
     "totals: first and last must be null exactly when sessions is 0", EXTLS_EPARSE},
    {"{\"totals\":`{\"files\":1,\"rows\":5,\"malformed_rows\":0,\"sessions\":1,"
     "\"files_skipped\":0,\"files_failed\":0,\"sessions_excluded\":0,\"first\":" T2 ","
     "\"last\":" T1 "}",
     "totals: first is after last", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":`" TOTALS("3") ",\"groups\":[" GROUP2 "]}",
     "totals.sessions is 3, the groups count 2", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"groups\":[" GROUP2 "],\"totals\":`" TOTALS("1") "}",
     "totals.sessions is 1, the groups count 2", EXTLS_EPARSE},
    {"{\"totals\":{\"first\":`\"2023-01-11T15:00:00Z\"",
     "bad time '2023-01-11T15:00:00Z': expected yyyy-mm-ddThh:mm:ss.fffZ", EXTLS_EPARSE},
    {"{\"totals\":{\"first\":`\"2023-02-30T15:00:00.000Z\"",
     "bad time '2023-02-30T15:00:00.000Z': expected yyyy-mm-ddThh:mm:ss.fffZ", EXTLS_EPARSE},
    {"{\"totals\":{\"first\":`1}", "unexpected '1': expected a time string or null", EXTLS_EPARSE},
    /* Groups. */
    {HEAD "`{\"direction\":\"receive\",\"sessions\":0," TLS(0, 0, 0, 0, 0, 0, 0, 0, 0) TAIL,
     "a group without sessions", EXTLS_EPARSE},
    {HEAD "`{\"direction\":\"receive\",\"sessions\":2," TLS(0, 0, 1, 0, 0, 0, 0, 0, 0) TAIL,
     "the tls counters do not sum to the group's 2 sessions", EXTLS_EPARSE},
    {HEAD "`{\"direction\":\"receive\",\"sessions\":2," TLS(0, 0, 18446744073709551615, 0, 3, 0, 0,
                                                            0, 0) TAIL,
     "the tls counters do not sum to the group's 2 sessions", EXTLS_EPARSE},
    {HEAD "`{\"direction\":\"receive\",\"sessions\":2," TLS(
         0, 0, 1, 0, 1, 0, 0, 0, 0) ",\"first\":" T2 ",\"last\":" T1 "}]}",
     "the group's first is after its last", EXTLS_EPARSE},
    {HEAD "{\"direction\":\"receive\",\"sessions\":2," TLS(0, 0, 1, 0, 1, 0, 0, 0,
                                                           0) ",\"first\":`null,\"last\":" T1 "}]}",
     "a group's first and last are never null", EXTLS_EPARSE},
    {HEAD "`{\"direction\":\"receive\",\"sessions\":2,\"first\":" T1 ",\"last\":" T2 "}]}",
     "the group has no member 'tls'", EXTLS_EPARSE},
    {HEAD "{\"sessions\":2,\"tls\":`{\"ssl2\":0,\"ssl3\":0,\"tls1_0\":1,\"tls1_1\":0,"
          "\"tls1_2\":1,\"tls1_3\":0,\"tls_unknown\":0,\"tls_failed\":0}" TAIL,
     "tls has no member 'none'", EXTLS_EPARSE},
    {HEAD "{\"sessions\":2,\"tls\":{\"ssl2\":0,`\"ssl2\":0", "member 'ssl2' given twice",
     EXTLS_EPARSE},
    {HEAD "{\"direction\":\"send\",`\"direction\":\"send\"", "member 'direction' given twice",
     EXTLS_EPARSE},
    {HEAD "{\"sessions\":2,`\"sessions\":2", "member 'sessions' given twice", EXTLS_EPARSE},
    {HEAD "{\"direction\":`1", "unexpected '1': expected a string (the value of a key)",
     EXTLS_EPARSE},
    {HEAD GROUP2 ",`{\"connector\":\"EX\\\\A\",\"direction\":\"receive\",\"sessions\":2," TLS(
         0, 0, 1, 0, 1, 0, 0, 0, 0) TAIL,
     "group keyed by 'connector,direction', the first group by 'direction,connector'",
     EXTLS_EPARSE},
    {HEAD GROUP2 ",`{\"sessions\":2," TLS(0, 0, 1, 0, 1, 0, 0, 0, 0) TAIL,
     "group keyed by '(no key)', the first group by 'direction,connector'", EXTLS_EPARSE},
    /* Strings. */
    {HEAD "{\"connector\":\"a`\x01\"", "control character 0x01 in a string (write it as \\u0001)",
     EXTLS_EPARSE},
    {HEAD "{\"connector\":\"a`\t\"", "control character 0x09 in a string (write it as \\u0009)",
     EXTLS_EPARSE},
    {HEAD "{\"connector\":\"a\\`x\"",
     "unexpected 'x': expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
     EXTLS_EPARSE},
    {HEAD "{\"connector\":\"a`\\ud83d\"", "lone high surrogate \\uD83D", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\\ude00\"", "lone low surrogate \\uDE00", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\\ud83d\\u0041\"", "lone high surrogate \\uD83D", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\\ud83d\\n\"", "lone high surrogate \\uD83D", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"\\u12`g4\"", "unexpected 'g': expected four hex digits after \\u",
     EXTLS_EPARSE},
    {HEAD "{\"connector\":\"a`\xC3\x28\"", "invalid UTF-8 in a string", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\xC0\xAF\"", "invalid UTF-8 in a string", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\xED\xA0\x80\"", "invalid UTF-8 in a string", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\xF4\x90\x80\x80\"", "invalid UTF-8 in a string", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\xE2\x82\"", "invalid UTF-8 in a string", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\x80\"", "invalid UTF-8 in a string", EXTLS_EPARSE},
    {HEAD "{\"connector\":\"`\xFF\"", "invalid UTF-8 in a string", EXTLS_EPARSE},
    /* Skipped members still follow the grammar. */
    {"{\"x\":`nul}", "unknown literal: expected null", EXTLS_EPARSE},
    {"{\"x\":`True}", "unexpected 'T': expected a value", EXTLS_EPARSE},
    {"{\"x\":-`}", "unexpected '}': expected a digit", EXTLS_EPARSE},
    {"{\"x\":1.`e5}", "unexpected 'e': expected a digit after '.'", EXTLS_EPARSE},
    {"{\"x\":1e`}", "unexpected '}': expected a digit in the exponent", EXTLS_EPARSE},
    {"{\"x\":[1,`]}", "unexpected ']': expected a value", EXTLS_EPARSE},
    {"{\"x\":[1 `2]}", "unexpected '2': expected ',' or ']'", EXTLS_EPARSE},
    {"{\"x\":{`1:2}}", "unexpected '1': expected a member name", EXTLS_EPARSE},
    {"{\"x\":`\x01}", "unexpected byte 0x01: expected a value", EXTLS_EPARSE},
    {"{\"x\":\"\\`",
     "unexpected end of input: expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r "
     "\\t \\uXXXX)",
     EXTLS_EPARSE},
};

/* Input without the marker, and the marker's line and column. */
static size_t
unmark(const char *in, char *out, unsigned long *line, unsigned long *col)
{
    size_t n = 0;
    *line = 1, *col = 1;
    int found = 0;
    for (const char *p = in; *p; p++) {
        if (*p == '`') {
            found = 1;
            continue;
        }
        out[n++] = *p;
        if (!found) {
            if (*p == '\n')
                (*line)++, *col = 1;
            else
                (*col)++;
        }
    }
    assert_true(found);
    return n;
}

static void
rejections_name_line_and_column(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(bad_inputs); i++) {
        static char text[4096];
        unsigned long line, col;
        size_t len = unmark(bad_inputs[i].in, text, &line, &col);
        char want[JSONIN_ERR_MAX];
        snprintf(want, sizeof(want), "t.json:%lu:%lu: %s", line, col, bad_inputs[i].why);
        for (size_t chunk = 0; chunk < 3; chunk++) {
            struct seen s = {0};
            char msg[JSONIN_ERR_MAX];
            enum extls_status st = read_text(text, len, chunk, &s, msg, sizeof(msg));
            if (st != bad_inputs[i].st || strcmp(msg, want) != 0)
                fail_msg("case %zu (chunk %zu): status %d, message\n  %s\nwanted\n  %s", i, chunk,
                         (int)st, msg, want);
        }
    }
}

/* Lines count from 1 and reset the column; a BOM does not count as a column. */
static void
line_numbers(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF{\"schema\":\"extls/1\",\n\n  \"totals\":\n\t 7}";
    struct seen s = {0};
    char msg[JSONIN_ERR_MAX];
    assert_int_equal(read_text(text, sizeof(text) - 1, 0, &s, msg, sizeof(msg)), EXTLS_EPARSE);
    assert_string_equal(msg, "t.json:4:3: unexpected '7': expected '{'");
}

/* Nesting: 32 levels pass, the 33rd is refused where it opens. */
static void
nesting_capped(void **state)
{
    (void)state;
    char text[2048];
    /* The root object is level 1; "x" holds levels 2 .. 2 + n - 1. */
    for (int n = 31; n <= 32; n++) {
        int at = snprintf(text, sizeof(text), "%s", "{\"x\":");
        for (int i = 0; i < n; i++)
            text[at++] = '[';
        for (int i = 0; i < n; i++)
            text[at++] = ']';
        at += snprintf(text + at, sizeof(text) - (size_t)at, ",%s", HEAD GROUP2 "]}" + 1);
        struct seen s = {0};
        char msg[JSONIN_ERR_MAX];
        enum extls_status st = read_text(text, (size_t)at, 0, &s, msg, sizeof(msg));
        if (n == 31) {
            assert_int_equal(st, EXTLS_OK);
        } else {
            assert_int_equal(st, EXTLS_ETOOBIG);
            assert_string_equal(msg, "t.json:1:37: nesting deeper than 32");
        }
    }
    /* Objects count too. */
    char objs[512];
    int at = snprintf(objs, sizeof(objs), "{");
    for (int i = 0; i < 32; i++)
        at += snprintf(objs + at, sizeof(objs) - (size_t)at, "\"a\":{");
    struct seen s = {0};
    char msg[JSONIN_ERR_MAX];
    assert_int_equal(read_text(objs, (size_t)at, 0, &s, msg, sizeof(msg)), EXTLS_ETOOBIG);
    assert_string_equal(msg, "t.json:1:161: nesting deeper than 32");
}

/* A decoded string of EXTLS_FIELD_MAX bytes passes, one more byte does not. */
static void
string_length_capped(void **state)
{
    (void)state;
    for (size_t extra = 0; extra < 2; extra++) {
        size_t n = EXTLS_FIELD_MAX + extra;
        char *text = malloc(n + 64);
        assert_non_null(text);
        int at = snprintf(text, 64, "{\"x\":\"");
        memset(text + at, 'a', n);
        at += (int)n;
        at += snprintf(text + at, 64, "\"");
        struct seen s = {0};
        char msg[JSONIN_ERR_MAX];
        enum extls_status st = read_text(text, (size_t)at, 0, &s, msg, sizeof(msg));
        if (extra == 0) {
            /* Read in full: the error is the next thing missing. */
            assert_int_equal(st, EXTLS_EPARSE);
            assert_string_equal(msg, "t.json:1:1048584: unexpected end of input: expected ',' "
                                     "or '}'");
        } else {
            assert_int_equal(st, EXTLS_ETOOBIG);
            assert_string_equal(msg, "t.json:1:6: string longer than 1048576 bytes");
        }
        free(text);
    }
}

/* A callback's refusal stops the reading, located at its group. */
static void
callback_refusal(void **state)
{
    (void)state;
    static const char text[] = HEAD "\n " GROUP2 "]}";
    struct seen s = {0};
    s.fail_with = EXTLS_ETOOBIG;
    char msg[JSONIN_ERR_MAX];
    assert_int_equal(read_text(text, sizeof(text) - 1, 0, &s, msg, sizeof(msg)), EXTLS_ETOOBIG);
    assert_string_equal(msg, "t.json:2:2: refused by the test");
}

/* From a file descriptor; a folder cannot be read. */
static void
read_from_fd(void **state)
{
    (void)state;
    static const char text[] = HEAD GROUP2 "]}\n";
    char path[] = "/tmp/test_jsonin_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    struct seen s = {0};
    struct jsonin_callbacks cb = {on_group, &s};
    struct jsonin *j = jsonin_new(&cb);
    assert_non_null(j);
    assert_int_equal(jsonin_read_fd(j, fd, path), EXTLS_OK);
    assert_int_equal(jsonin_totals(j)->sessions, 2);
    close(fd);
    unlink(path);

    int dir = open("/tmp", O_RDONLY);
    assert_true(dir >= 0);
    assert_int_equal(jsonin_read_fd(j, dir, "/tmp"), EXTLS_EIO);
    assert_string_equal(jsonin_errmsg(j), "error reading '/tmp': Is a directory");
    close(dir);
    jsonin_free(j);
}

/*
 * The fuzzing entry point on deterministic mutations of a good report:
 * never a crash or leak (the sanitizer build checks), and the plain reader
 * either accepts a mutation or names a place in it.
 */
static void
fuzz_entry_on_mutations(void **state)
{
    (void)state;
    static const char base[] = "{\"schema\":\"extls/1\",\"totals\":" TOTALS(
        "3") ",\"groups\":[" GROUP2
             ",{\"direction\":\"send\",\"connector\":\"\\u00e9\",\"sessions\":1," TLS(
                 0, 0, 0, 0, 0, 0, 0, 0, 1) TAIL;
    static const char bytes[] = "{}[]\",:\\u0123456789eE.-+ \nnulltruefalse\xC3\xA9\xFF";
    uint32_t rng = 12345;
    size_t accepted = 0;
    struct seen good = {0};
    char good_msg[JSONIN_ERR_MAX];
    assert_int_equal(read_text(base, sizeof(base) - 1, 0, &good, good_msg, sizeof(good_msg)),
                     EXTLS_OK);
    assert_int_equal(jsonin_fuzz_one((const uint8_t *)base, sizeof(base) - 1), 0);
    assert_int_equal(jsonin_fuzz_one((const uint8_t *)"", 0), 0);
    assert_int_equal(jsonin_fuzz_one(NULL, 0), 0);
    for (int round = 0; round < 3000; round++) {
        char text[sizeof(base) + 8];
        size_t len = sizeof(base) - 1;
        memcpy(text, base, len);
        for (int k = 0; k < 1 + round % 3; k++) {
            rng = rng * 1103515245u + 12345u;
            size_t at = (rng >> 8) % len;
            rng = rng * 1103515245u + 12345u;
            char b = bytes[(rng >> 8) % (sizeof(bytes) - 1)];
            switch (round % 4) {
            case 0: /* replace */
                text[at] = b;
                break;
            case 1: /* cut */
                len = at;
                break;
            case 2: /* delete */
                memmove(text + at, text + at + 1, len - at - 1);
                len--;
                break;
            default: /* insert */
                if (len < sizeof(text)) {
                    memmove(text + at + 1, text + at, len - at);
                    text[at] = b;
                    len++;
                }
            }
            if (len == 0)
                break;
        }
        assert_int_equal(jsonin_fuzz_one((const uint8_t *)text, len), 0);
        struct seen s = {0};
        char msg[JSONIN_ERR_MAX];
        if (read_text(text, len, 0, &s, msg, sizeof(msg)) == EXTLS_OK) {
            accepted++;
            continue;
        }
        unsigned long line, col;
        char rest[8];
        if (sscanf(msg, "t.json:%lu:%lu: %7s", &line, &col, rest) != 3)
            fail_msg("mutation %d: message without a place: %s", round, msg);
    }
    /* Some mutations stay valid (e.g. a digit for a digit); most do not. */
    assert_true(accepted > 0);
    assert_true(accepted < 1500);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_report_under_every_chunk_size),
        cmocka_unit_test(report_without_groups),
        cmocka_unit_test(string_escapes_decoded),
        cmocka_unit_test(rejections_name_line_and_column),
        cmocka_unit_test(line_numbers),
        cmocka_unit_test(nesting_capped),
        cmocka_unit_test(string_length_capped),
        cmocka_unit_test(callback_refusal),
        cmocka_unit_test(read_from_fd),
        cmocka_unit_test(fuzz_entry_on_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
