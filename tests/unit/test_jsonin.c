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
        s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len, "%s%s=%.*s",
                                   i ? "," : "", agg_key_name(keys[i]),
                                   g->key[keys[i]].len > 64 ? 64 : (int)g->key[keys[i]].len,
                                   g->key[keys[i]].ptr);
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
        "\"totals\":{\"files\":9223372036854775807,\"rows\":5,\"malformed_rows\":0,"
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
        assert_true(t->files == INT64_MAX);
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

/* Totals with the given files, sessions, first and last (texts). */
#define TOTX(files, sessions, first, last)                                                         \
    "{\"files\":" files ",\"rows\":5,\"malformed_rows\":0,\"sessions\":" sessions                  \
    ",\"files_skipped\":0,\"files_failed\":0,\"sessions_excluded\":0,\"first\":" first             \
    ",\"last\":" last "}"

/* A whole report without groups, its totals given. */
#define NOGROUPS(totals) "{\"schema\":\"extls/1\",\"totals\":" totals ",\"groups\":[]}"

/* A whole report without sessions, files given (to test a counter). */
#define FILES(files) NOGROUPS(TOTX(files, "0", "null", "null"))

static const struct bad bad_inputs[] = {
    /* The document: JSON errors are jansson's, at the token it names. */
    {"`", "empty input: expected an extls JSON report", EXTLS_EPARSE},
    {"  \n `[]", "expected '{' (an extls JSON report), found an array", EXTLS_EPARSE},
    {"`\xEF\xBB{}", "unable to decode byte 0xef", EXTLS_EPARSE},
    {HEAD GROUP2 "]} `x", "end of file expected near 'x'", EXTLS_EPARSE},
    {HEAD GROUP2 "]}\n`{}", "end of file expected near '{'", EXTLS_EPARSE},
    {"{\"schema\":`\"extls/2\"}", "schema 'extls/2' is not extls/1", EXTLS_EPARSE},
    {"{\"schema\":`2}", "expected the string \"extls/1\", found a number", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\"`}", "the report has no member 'totals'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":" TOTX("1", "0", "null", "null") "`}",
     "the report has no member 'groups'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":" TOTX("1", "0", "null", "null") ",\"groups\":`{}}",
     "expected '[' (the groups), found an object", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",`\"schema\":\"extls/1\"}", "duplicate object key near '\"schema\"'",
     EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",`}", "string or '}' expected near '}'", EXTLS_EPARSE},
    {"{\"schema\" `\"extls/1\"}", "':' expected near '\"extls/1\"'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\"`]", "'}' expected near ']'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":" TOTALS("2") ",\"groups\":[" GROUP2 "`}",
     "']' expected near '}'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":" TOTALS("2") ",\"groups\":[`1]}",
     "expected '{' (a group), found a number", EXTLS_EPARSE},
    {"{`\"sche", "premature end of input near '\"sche'", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",`", "string or '}' expected near end of file", EXTLS_EPARSE},
    {"{`\"a\\u0000\":1}", "NUL byte in object key not supported near '\"a\\u0000\"'", EXTLS_EPARSE},
    /* Counters. */
    {FILES("`-1"), "negative number: counters are unsigned", EXTLS_EPARSE},
    {FILES("`1.5"), "not an integer: counters are whole numbers", EXTLS_EPARSE},
    {FILES("`1e3"), "not an integer: counters are whole numbers", EXTLS_EPARSE},
    {FILES("`2.0"), "not an integer: counters are whole numbers", EXTLS_EPARSE},
    {FILES("`01"), "invalid token near '0'", EXTLS_EPARSE},
    {FILES("`9223372036854775808"), "too big integer near '9223372036854775808'", EXTLS_EPARSE},
    {FILES("`-9223372036854775809"), "too big negative integer near '-9223372036854775809'",
     EXTLS_EPARSE},
    /* A token longer than 20 bytes is not quoted: the place is its last byte. */
    {FILES("9999999999999999999999`9"), "too big integer", EXTLS_EPARSE},
    {FILES("`\"1\""), "expected an unsigned integer, found a string", EXTLS_EPARSE},
    {FILES("`null"), "expected an unsigned integer, found null", EXTLS_EPARSE},
    {FILES("`{}"), "expected an unsigned integer, found an object", EXTLS_EPARSE},
    {FILES("`true"), "expected an unsigned integer, found a boolean", EXTLS_EPARSE},
    {"{\"totals\":{\"files\":`}", "unexpected token near '}'", EXTLS_EPARSE},
    /* Totals. */
    {"{\"schema\":\"extls/1\",\"totals\":`[]}", "expected '{' (the totals), found an array",
     EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":{\"files\":1,\"rows\":5,\"malformed_rows\":0,"
     "\"sessions\":0,\"files_skipped\":0,\"files_failed\":0,\"sessions_excluded\":0,"
     "\"first\":null`},\"groups\":[]}",
     "totals has no member 'last'", EXTLS_EPARSE},
    {NOGROUPS("`" TOTX("1", "2", "null", "null")),
     "totals: first and last must be null exactly when sessions is 0", EXTLS_EPARSE},
    {NOGROUPS("`" TOTX("1", "0", "null", T2)),
     "totals: first and last must be null exactly when sessions is 0", EXTLS_EPARSE},
    {NOGROUPS("`" TOTX("1", "1", T2, T1)), "totals: first is after last", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"totals\":`" TOTALS("3") ",\"groups\":[" GROUP2 "]}",
     "totals.sessions is 3, the groups count 2", EXTLS_EPARSE},
    {"{\"schema\":\"extls/1\",\"groups\":[" GROUP2 "],\"totals\":`" TOTALS("1") "}",
     "totals.sessions is 1, the groups count 2", EXTLS_EPARSE},
    {NOGROUPS(TOTX("1", "1", "`\"2023-01-11T15:00:00Z\"", T2)),
     "bad time '2023-01-11T15:00:00Z': expected yyyy-mm-ddThh:mm:ss.fffZ", EXTLS_EPARSE},
    {NOGROUPS(TOTX("1", "1", "`\"2023-02-30T15:00:00.000Z\"", T2)),
     "bad time '2023-02-30T15:00:00.000Z': expected yyyy-mm-ddThh:mm:ss.fffZ", EXTLS_EPARSE},
    {NOGROUPS(TOTX("1", "1", "`1", T2)), "expected a time string or null, found a number",
     EXTLS_EPARSE},
    /* Groups. */
    {HEAD "`{\"direction\":\"receive\",\"sessions\":0," TLS(0, 0, 0, 0, 0, 0, 0, 0, 0) TAIL,
     "a group without sessions", EXTLS_EPARSE},
    {HEAD "`{\"direction\":\"receive\",\"sessions\":2," TLS(0, 0, 1, 0, 0, 0, 0, 0, 0) TAIL,
     "the tls counters do not sum to the group's 2 sessions", EXTLS_EPARSE},
    /* 2 * (2^63 - 1) + 4 wraps to 2. */
    {HEAD "`{\"direction\":\"receive\",\"sessions\":2," TLS(0, 0, 9223372036854775807, 0,
                                                            9223372036854775807, 0, 0, 0, 4) TAIL,
     "the tls counters do not sum to the group's 2 sessions", EXTLS_EPARSE},
    {HEAD "`{\"direction\":\"receive\",\"sessions\":2," TLS(
         0, 0, 1, 0, 1, 0, 0, 0, 0) ",\"first\":" T2 ",\"last\":" T1 "}]}",
     "the group's first is after its last", EXTLS_EPARSE},
    {HEAD "{\"direction\":\"receive\",\"sessions\":2," TLS(0, 0, 1, 0, 1, 0, 0, 0,
                                                           0) ",\"first\":`null,\"last\":" T1 "}]}",
     "a group's first and last are never null", EXTLS_EPARSE},
    {HEAD "`{\"direction\":\"receive\",\"sessions\":2,\"first\":" T1 ",\"last\":" T2 "}]}",
     "the group has no member 'tls'", EXTLS_EPARSE},
    {HEAD "`{\"sessions\":2," TLS(0, 0, 1, 0, 1, 0, 0, 0, 0) ",\"first\":" T1 "}]}",
     "the group has no member 'last'", EXTLS_EPARSE},
    {HEAD "{\"sessions\":2,\"tls\":`{\"ssl2\":0,\"ssl3\":0,\"tls1_0\":1,\"tls1_1\":0,"
          "\"tls1_2\":1,\"tls1_3\":0,\"tls_unknown\":0,\"tls_failed\":0}" TAIL,
     "tls has no member 'none'", EXTLS_EPARSE},
    {HEAD "{\"sessions\":2,\"tls\":`[]" TAIL, "expected '{' (tls), found an array", EXTLS_EPARSE},
    {HEAD "{\"sessions\":2,\"tls\":{\"ssl2\":0,`\"ssl2\":0", "duplicate object key near '\"ssl2\"'",
     EXTLS_EPARSE},
    {HEAD "{\"direction\":\"send\",`\"direction\":\"send\"",
     "duplicate object key near '\"direction\"'", EXTLS_EPARSE},
    {HEAD "{\"sessions\":2,`\"sessions\":2", "duplicate object key near '\"sessions\"'",
     EXTLS_EPARSE},
    {HEAD "{\"direction\":`1,\"sessions\":2," TLS(0, 0, 1, 0, 1, 0, 0, 0, 0) TAIL,
     "expected a string (the value of a key), found a number", EXTLS_EPARSE},
    {HEAD GROUP2 ",`{\"connector\":\"EX\\\\A\",\"direction\":\"receive\",\"sessions\":2," TLS(
         0, 0, 1, 0, 1, 0, 0, 0, 0) TAIL,
     "group keyed by 'connector,direction', the first group by 'direction,connector'",
     EXTLS_EPARSE},
    {HEAD GROUP2 ",`{\"sessions\":2," TLS(0, 0, 1, 0, 1, 0, 0, 0, 0) TAIL,
     "group keyed by '(no key)', the first group by 'direction,connector'", EXTLS_EPARSE},
    /* Strings: jansson names the string (from its quote). */
    {HEAD "{\"connector\":`\"a\x01\"", "control character 0x1 near '\"a'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"a\t\"", "control character 0x9 near '\"a'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"a\\x\"", "invalid escape near '\"a\\x'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"a\\ud83d\"", "invalid Unicode '\\uD83D' near '\"a\\ud83d\"'",
     EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\\ude00\"", "invalid Unicode '\\uDE00' near '\"\\ude00\"'",
     EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\\ud83d\\u0041\"",
     "invalid Unicode '\\uD83D\\u0041' near '\"\\ud83d\\u0041\"'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\\ud83d\\n\"", "invalid Unicode '\\uD83D' near '\"\\ud83d\\n\"'",
     EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\\u12g4\"", "invalid escape near '\"\\u12g'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"a\xC3\x28\"", "unable to decode byte 0xc3 near '\"a'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\xC0\xAF\"", "unable to decode byte 0xc0 near '\"'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\xED\xA0\x80\"", "unable to decode byte 0xed near '\"'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\xF4\x90\x80\x80\"", "unable to decode byte 0xf4 near '\"'",
     EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\xE2\x82\"", "unable to decode byte 0xe2 near '\"'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\x80\"", "unable to decode byte 0x80 near '\"'", EXTLS_EPARSE},
    {HEAD "{\"connector\":`\"\xFF\"", "unable to decode byte 0xff near '\"'", EXTLS_EPARSE},
    /* Members extls ignores still follow the grammar. */
    {"{\"x\":`nul}", "invalid token near 'nul'", EXTLS_EPARSE},
    {"{\"x\":`True}", "invalid token near 'True'", EXTLS_EPARSE},
    {"{\"x\":`-}", "invalid token near '-'", EXTLS_EPARSE},
    {"{\"x\":`1.e5}", "invalid token near '1.'", EXTLS_EPARSE},
    {"{\"x\":`1e}", "invalid token near '1e'", EXTLS_EPARSE},
    {"{\"x\":[1,`]}", "unexpected token near ']'", EXTLS_EPARSE},
    {"{\"x\":[1 `2]}", "']' expected near '2'", EXTLS_EPARSE},
    {"{\"x\":{`1:2}}", "string or '}' expected near '1'", EXTLS_EPARSE},
    {"{\"x\":`\x01}", "invalid token near '?'", EXTLS_EPARSE},
    {"{\"x\":`\"\\", "invalid escape near '\"\\'", EXTLS_EPARSE},
    {"{\"x\":`1e400}", "real number overflow near '1e400'", EXTLS_EPARSE},
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
    assert_string_equal(msg, "t.json:4:3: expected '{' (the totals), found a number");
    /* A syntax error after a line break and a multi-byte character: columns in bytes. */
    static const char utf8[] = "{\"x\":\"\xC3\xA9\",\n\"y\":\"\xC3\xA9\" 1}";
    assert_int_equal(read_text(utf8, sizeof(utf8) - 1, 0, &s, msg, sizeof(msg)), EXTLS_EPARSE);
    assert_string_equal(msg, "t.json:2:10: '}' expected near '1'");
}

/* Nesting: JSONIN_DEPTH_MAX levels pass, one more is refused where it opens. */
static void
nesting_capped(void **state)
{
    (void)state;
    static char text[2 * JSONIN_DEPTH_MAX + 1024];
    /* The root object is level 1; "x" holds levels 2 .. 2 + n - 1. */
    for (int n = JSONIN_DEPTH_MAX - 1; n <= JSONIN_DEPTH_MAX; n++) {
        int at = snprintf(text, sizeof(text), "%s", "{\"x\":");
        for (int i = 0; i < n; i++)
            text[at++] = '[';
        for (int i = 0; i < n; i++)
            text[at++] = ']';
        at += snprintf(text + at, sizeof(text) - (size_t)at, ",%s", HEAD GROUP2 "]}" + 1);
        struct seen s = {0};
        char msg[JSONIN_ERR_MAX], want[64];
        enum extls_status st = read_text(text, (size_t)at, 0, &s, msg, sizeof(msg));
        if (n == JSONIN_DEPTH_MAX - 1) {
            assert_int_equal(st, EXTLS_OK);
            assert_string_equal(s.log, "keys=direction=receive,connector=EX\\A sessions=2 "
                                       "tls=0,0,1,0,1,0,0,0,0 1673449200000..1673451000000\n");
        } else {
            assert_int_equal(st, EXTLS_ETOOBIG);
            snprintf(want, sizeof(want), "t.json:1:%d: maximum parsing depth reached near '['",
                     5 + JSONIN_DEPTH_MAX);
            assert_string_equal(msg, want);
        }
    }
}

/* A key value of EXTLS_FIELD_MAX bytes passes, one more byte does not. */
static void
string_length_capped(void **state)
{
    (void)state;
    for (size_t extra = 0; extra < 2; extra++) {
        size_t n = EXTLS_FIELD_MAX + extra;
        char *text = malloc(n + 1024);
        assert_non_null(text);
        int at = snprintf(text, 1024, "%s", HEAD "{\"connector\":\"");
        memset(text + at, 'a', n);
        at += (int)n;
        at += snprintf(text + at, 1024, "\",\"sessions\":2," TLS(0, 0, 1, 0, 1, 0, 0, 0, 0) TAIL);
        struct seen s = {0};
        char msg[JSONIN_ERR_MAX];
        enum extls_status st = read_text(text, (size_t)at, 0, &s, msg, sizeof(msg));
        if (extra == 0) {
            assert_int_equal(st, EXTLS_OK);
            assert_int_equal(s.last_key_len, EXTLS_FIELD_MAX);
        } else {
            assert_int_equal(st, EXTLS_ETOOBIG);
            assert_string_equal(msg, "t.json:1:232: string longer than 1048576 bytes");
        }
        free(text);
    }
}

/* Reports of JSONIN_SIZE_MAX bytes are read; one byte more is refused before parsing. */
static void
size_capped(void **state)
{
    (void)state;
    static const char head[] = HEAD GROUP2 "]}";
    char *text = malloc(JSONIN_SIZE_MAX + 1u);
    assert_non_null(text);
    memcpy(text, head, sizeof(head) - 1);
    memset(text + sizeof(head) - 1, ' ', JSONIN_SIZE_MAX + 1u - (sizeof(head) - 1));
    struct seen s = {0};
    char msg[JSONIN_ERR_MAX];
    assert_int_equal(read_text(text, JSONIN_SIZE_MAX, 0, &s, msg, sizeof(msg)), EXTLS_OK);
    memset(&s, 0, sizeof(s));
    assert_int_equal(read_text(text, JSONIN_SIZE_MAX + 1u, 0, &s, msg, sizeof(msg)), EXTLS_ETOOBIG);
    assert_string_equal(msg, "t.json: larger than 64 MiB, the most a report may be");
    assert_int_equal(s.len, 0);

    /* The same from a file, which is not read past the cap. */
    char path[] = "/tmp/test_jsonin_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, JSONIN_SIZE_MAX + 1u), (ssize_t)(JSONIN_SIZE_MAX + 1u));
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    struct jsonin_callbacks cb = {on_group, &s};
    struct jsonin *j = jsonin_new(&cb);
    assert_non_null(j);
    assert_int_equal(jsonin_read_fd(j, fd, "big.json"), EXTLS_ETOOBIG);
    assert_string_equal(jsonin_errmsg(j), "big.json: larger than 64 MiB, the most a report may be");
    assert_int_equal(ftruncate(fd, JSONIN_SIZE_MAX), 0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(jsonin_read_fd(j, fd, "big.json"), EXTLS_OK);
    assert_int_equal(jsonin_totals(j)->sessions, 2);
    jsonin_free(j);
    close(fd);
    unlink(path);
    free(text);
}

/*
 * A text of small values whose tree would pass JSONIN_TREE_FACTOR times
 * its size is refused, without a place (jansson stops where memory ran
 * out); the reader then works as before.
 */
static void
tree_budget_capped(void **state)
{
    (void)state;
    size_t n = 1u << 20, len = 0;
    char *text = malloc(3 * n + 64);
    assert_non_null(text);
    len += (size_t)sprintf(text, "{\"x\":[");
    for (size_t i = 0; i < n; i++) {
        memcpy(text + len, "{},", 3);
        len += 3;
    }
    len += (size_t)sprintf(text + len - 1, "]}") - 1;
    struct seen s = {0};
    char msg[JSONIN_ERR_MAX];
    assert_int_equal(read_text(text, len, 0, &s, msg, sizeof(msg)), EXTLS_ETOOBIG);
    assert_string_equal(msg, "t.json: too many small values: parsed, the report would take more "
                             "than 20 times its size");
    free(text);
    static const char good[] = HEAD GROUP2 "]}";
    assert_int_equal(read_text(good, sizeof(good) - 1, 0, &s, msg, sizeof(msg)), EXTLS_OK);
    assert_int_equal(s.len > 0, 1);
}

/*
 * All or nothing: a report refused for any reason, even one found after
 * good groups, hands out no group, and its totals read as empty; the
 * reader then reads the next report afresh.
 */
static void
refused_report_hands_out_nothing(void **state)
{
    (void)state;
    static const char *const texts[] = {
        /* The second group is bad. */
        HEAD GROUP2 ",{\"direction\":\"send\",\"connector\":\"Out\",\"sessions\":1," TLS(
            0, 0, 0, 0, 0, 0, 0, 0, 0) TAIL,
        /* The totals disagree with good groups. */
        "{\"schema\":\"extls/1\",\"totals\":" TOTALS("5") ",\"groups\":[" GROUP2 "," GROUP2 "]}",
        /* Good groups, a syntax error after them. */
        HEAD GROUP2 "]",
    };
    struct seen s = {0};
    struct jsonin_callbacks cb = {on_group, &s};
    struct jsonin *j = jsonin_new(&cb);
    assert_non_null(j);
    for (size_t i = 0; i < N(texts); i++) {
        assert_int_equal(jsonin_read_mem(j, texts[i], strlen(texts[i]), 0, "t.json"), EXTLS_EPARSE);
        assert_int_equal(s.len, 0);
        const struct report_totals *t = jsonin_totals(j);
        assert_true(t->files == 0 && t->rows == 0 && t->sessions == 0);
        assert_true(t->first_ms == INT64_MAX && t->last_ms == INT64_MIN);
    }
    static const char good[] = HEAD GROUP2 "]}";
    assert_int_equal(jsonin_read_mem(j, good, sizeof(good) - 1, 0, "t.json"), EXTLS_OK);
    assert_string_equal(jsonin_errmsg(j), "");
    assert_int_equal(jsonin_totals(j)->sessions, 2);
    assert_int_equal(jsonin_totals(j)->rows, 5);
    assert_string_equal(s.log, "keys=direction=receive,connector=EX\\A sessions=2 "
                               "tls=0,0,1,0,1,0,0,0,0 1673449200000..1673451000000\n");
    jsonin_free(j);
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
    assert_string_equal(jsonin_errmsg(j), "/tmp: cannot read: Is a directory");
    close(dir);
    jsonin_free(j);
}

/*
 * Deterministic mutations of a good report: each is either accepted or
 * refused with a place and no group handed out (the fuzz target fuzz_jsonin
 * checks more on arbitrary bytes).
 */
static void
mutations_accepted_or_placed(void **state)
{
    (void)state;
    static const char base[] = "{\"schema\":\"extls/1\",\"totals\":" TOTALS(
        "3") ",\"groups\":[" GROUP2
             ",{\"direction\":\"send\",\"connector\":\"\\u00e9\",\"sessions\":1," TLS(
                 0, 0, 0, 0, 0, 0, 0, 0, 1) TAIL;
    static const char bytes[] = "{}[]\",:\\u0123456789eE.-+ \nnulltruefalse\xC3\xA9\xFF";
    uint32_t rng = 12345;
    size_t accepted = 0;
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
        struct seen s = {0};
        char msg[JSONIN_ERR_MAX];
        if (read_text(text, len, round % 5, &s, msg, sizeof(msg)) == EXTLS_OK) {
            accepted++;
            continue;
        }
        unsigned long line, col;
        char rest[8];
        if (sscanf(msg, "t.json:%lu:%lu: %7s", &line, &col, rest) != 3)
            fail_msg("mutation %d: message without a place: %s", round, msg);
        if (s.len != 0)
            fail_msg("mutation %d: refused (%s) after handing out %s", round, msg, s.log);
    }
    /* Some mutations stay valid (e.g. a digit for a digit); most do not. */
    assert_true(accepted > 0);
    assert_true(accepted < 1500);
}

/* The key list of messages: comma-joined names, "(no key)", cut to the buffer. */
static void
key_list_for_messages(void **state)
{
    (void)state;
    const enum agg_key keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    char buf[64], small[8];
    assert_string_equal(jsonin_key_list(keys, 2, buf, sizeof(buf)), "direction,connector");
    assert_string_equal(jsonin_key_list(keys, 1, buf, sizeof(buf)), "direction");
    assert_string_equal(jsonin_key_list(keys, 0, buf, sizeof(buf)), "(no key)");
    assert_string_equal(jsonin_key_list(keys, 2, small, sizeof(small)), "directi");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_report_under_every_chunk_size),
        cmocka_unit_test(report_without_groups),
        cmocka_unit_test(key_list_for_messages),
        cmocka_unit_test(string_escapes_decoded),
        cmocka_unit_test(rejections_name_line_and_column),
        cmocka_unit_test(line_numbers),
        cmocka_unit_test(nesting_capped),
        cmocka_unit_test(string_length_capped),
        cmocka_unit_test(size_capped),
        cmocka_unit_test(tree_budget_capped),
        cmocka_unit_test(refused_report_hands_out_nothing),
        cmocka_unit_test(callback_refusal),
        cmocka_unit_test(read_from_fd),
        cmocka_unit_test(mutations_accepted_or_placed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
