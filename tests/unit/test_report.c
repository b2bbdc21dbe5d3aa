/* SPDX-License-Identifier: MIT */
/*
 * test_report.c: the summary in every format (report_write()) and the
 * per-session records of 'extls sessions' (export.c), compared as whole
 * outputs against text worked out by hand; plus write errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agg.h"
#include "export.h"
#include "isotime.h"
#include "match.h"
#include "report.h"
#include "row.h"
#include "session.h"

/* 2023-01-11T16:00:00.000Z */
#define T0 1673452800000LL
#define DAY_MS 86400000LL

/* A wide-character connector name: 6 CJK characters, 18 bytes, 12 columns. */
#define CJK "\xE5\x8F\x97\xE4\xBF\xA1\xE3\x82\xB3\xE3\x83\x8D\xE3\x82\xAF\xE3\x82\xBF"

/* The "tls" member of a JSON group, in class order ssl2 .. none. */
#define TLS(a, b, c, d, e, f, g, h, i)                                                             \
    "\"tls\":{\"ssl2\":" #a ",\"ssl3\":" #b ",\"tls1_0\":" #c ",\"tls1_1\":" #d ",\"tls1_2\":" #e  \
    ",\"tls1_3\":" #f ",\"tls_unknown\":" #g ",\"tls_failed\":" #h ",\"none\":" #i "}"

/* One session to count: values of the keys used here, its class and start. */
struct sess {
    const char *dir, *conn, *remote, *day, *host;
    enum extls_class cls;
    int64_t ms;
};

static struct span
field(const char *s)
{
    struct span f = {s ? s : "", s ? strlen(s) : 0};
    return f;
}

/* A table grouping by keys[0..nk) holding the n sessions of v. */
static struct agg *
build(const enum agg_key *keys, size_t nk, const struct sess *v, size_t n)
{
    struct agg *a = agg_new(keys, nk);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++) {
        struct span key[AGG_N_KEYS] = {0};
        for (int k = 0; k < AGG_N_KEYS; k++)
            key[k] = field("");
        key[AGG_DIRECTION] = field(v[i].dir);
        key[AGG_CONNECTOR] = field(v[i].conn);
        key[AGG_REMOTE] = field(v[i].remote);
        key[AGG_DAY] = field(v[i].day);
        assert_int_equal(agg_add(a, key, v[i].cls, v[i].ms, field(v[i].host)), EXTLS_OK);
    }
    return a;
}

static const enum agg_key default_keys[] = {AGG_DIRECTION, AGG_CONNECTOR, AGG_REMOTE};

/* Three groups for the machine formats; sorted: receive/EX, receive/Relay, send/EX. */
static const struct sess machine_sessions[] = {
    {"send", "EX\\Default", "198.51.100.7", NULL, "mx.example.net", EXTLS_TLS1_2, T0 + 1000},
    {"receive", "Relay, \"Partner\"", "192.0.2.10", NULL, NULL, EXTLS_TLS1_0, T0 + 2000},
    {"send", "EX\\Default", "198.51.100.7", NULL, NULL, EXTLS_TLS1_2, T0 + 5123},
    {"receive", "Relay, \"Partner\"", "192.0.2.10", NULL, NULL, EXTLS_NONE, T0},
    {"receive", "EX\\Default", "192.0.2.10", NULL, NULL, EXTLS_TLS1_3, T0 + 3000},
    {"receive", "Relay, \"Partner\"", "192.0.2.10", NULL, NULL, EXTLS_TLS_FAILED, T0 + 1500},
};

static const struct report_totals machine_totals = {
    .files = 2,
    .files_skipped = 1,
    .files_failed = 0,
    .rows = 57,
    .malformed = 3,
    .sessions = 6,
    .excluded = 2,
    .first_ms = T0,
    .last_ms = T0 + 5123,
};

static const struct report_totals empty_totals = {.first_ms = INT64_MAX, .last_ms = INT64_MIN};

/* report_write() into a string; the status must be `want_st`. Caller frees. */
static char *
render(struct report *r, enum extls_status want_st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(report_write(out, r), want_st);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(strlen(buf), len);
    return buf;
}

/* Render the machine-format report in `fmt` and compare it with `want`. */
static void
check_machine(enum report_format fmt, const struct report_totals *totals, int empty,
              const char *want)
{
    struct report r = {.format = fmt, .totals = *totals};
    r.groups = build(default_keys, 3, machine_sessions,
                     empty ? 0 : sizeof(machine_sessions) / sizeof(machine_sessions[0]));
    char *got = render(&r, EXTLS_OK);
    assert_string_equal(got, want);
    free(got);
    agg_free(r.groups);
}

#define TOTALS_JSON                                                                                \
    "{\"files\":2,\"rows\":57,\"malformed_rows\":3,\"sessions\":6,\"files_skipped\":1,"            \
    "\"files_failed\":0,\"sessions_excluded\":2,\"first\":\"2023-01-11T16:00:00.000Z\","           \
    "\"last\":\"2023-01-11T16:00:05.123Z\"}"

#define EMPTY_TOTALS_JSON                                                                          \
    "{\"files\":0,\"rows\":0,\"malformed_rows\":0,\"sessions\":0,\"files_skipped\":0,"             \
    "\"files_failed\":0,\"sessions_excluded\":0,\"first\":null,\"last\":null}"

/* The "tls" member for groups whose sessions are all of one class, or mixed. */
#define TLS_TLS1_2_X1 TLS(0, 0, 0, 0, 1, 0, 0, 0, 0)
#define TLS_TLS1_2_X2 TLS(0, 0, 0, 0, 2, 0, 0, 0, 0)
#define TLS_TLS1_3_X1 TLS(0, 0, 0, 0, 0, 1, 0, 0, 0)
#define TLS_NONE_X1 TLS(0, 0, 0, 0, 0, 0, 0, 0, 1)
#define TLS_MIXED TLS(0, 0, 1, 0, 0, 0, 0, 1, 1) /* tls1_0, tls_failed, none */

#define GROUP1                                                                                     \
    "\"direction\":\"receive\",\"connector\":\"EX\\\\Default\",\"remote\":\"192.0.2.10\","         \
    "\"sessions\":1," TLS_TLS1_3_X1 ",\"first\":\"2023-01-11T16:00:03.000Z\","                     \
    "\"last\":\"2023-01-11T16:00:03.000Z\",\"legacy\":0,\"with_tls\":1"
#define GROUP2                                                                                     \
    "\"direction\":\"receive\",\"connector\":\"Relay, \\\"Partner\\\"\","                          \
    "\"remote\":\"192.0.2.10\",\"sessions\":3," TLS_MIXED                                          \
    ",\"first\":\"2023-01-11T16:00:00.000Z\","                                                     \
    "\"last\":\"2023-01-11T16:00:02.000Z\",\"legacy\":1,\"with_tls\":1"
#define GROUP3                                                                                     \
    "\"direction\":\"send\",\"connector\":\"EX\\\\Default\",\"remote\":\"198.51.100.7\","          \
    "\"sessions\":2," TLS_TLS1_2_X2 ",\"first\":\"2023-01-11T16:00:01.000Z\","                     \
    "\"last\":\"2023-01-11T16:00:05.123Z\",\"legacy\":0,\"with_tls\":2"

static void
format_names_parse(void **state)
{
    (void)state;
    assert_int_equal(report_format_parse("table"), REPORT_TABLE);
    assert_int_equal(report_format_parse("json"), REPORT_JSON);
    assert_int_equal(report_format_parse("jsonl"), REPORT_JSONL);
    assert_int_equal(report_format_parse("csv"), REPORT_CSV);
    assert_int_equal(report_format_parse("tsv"), REPORT_TSV);
    assert_int_equal(report_format_parse("JSON"), -1);
    assert_int_equal(report_format_parse("js"), -1);
    assert_int_equal(report_format_parse(""), -1);
}

static void
json_document_sorted_groups(void **state)
{
    (void)state;
    check_machine(REPORT_JSON, &machine_totals, 0,
                  "{\"schema\":\"extls/1\",\n"
                  "\"totals\":" TOTALS_JSON ",\n"
                  "\"groups\":[\n"
                  "{" GROUP1 "},\n"
                  "{" GROUP2 "},\n"
                  "{" GROUP3 "}\n"
                  "]}\n");
}

static void
json_empty_report(void **state)
{
    (void)state;
    check_machine(REPORT_JSON, &empty_totals, 1,
                  "{\"schema\":\"extls/1\",\n"
                  "\"totals\":" EMPTY_TOTALS_JSON ",\n"
                  "\"groups\":[]}\n");
}

static void
jsonl_groups_then_totals(void **state)
{
    (void)state;
    check_machine(REPORT_JSONL, &machine_totals, 0,
                  "{\"type\":\"group\"," GROUP1 "}\n"
                  "{\"type\":\"group\"," GROUP2 "}\n"
                  "{\"type\":\"group\"," GROUP3 "}\n"
                  "{\"type\":\"totals\",\"schema\":\"extls/1\",\"totals\":" TOTALS_JSON "}\n");
}

static void
jsonl_empty_report(void **state)
{
    (void)state;
    check_machine(REPORT_JSONL, &empty_totals, 1,
                  "{\"type\":\"totals\",\"schema\":\"extls/1\",\"totals\":" EMPTY_TOTALS_JSON
                  "}\n");
}

static void
jsonl_uses_the_keys_and_order_given(void **state)
{
    (void)state;
    static const enum agg_key keys[] = {AGG_REMOTE, AGG_DAY};
    static const struct sess v[] = {
        {"receive", "A", "192.0.2.10", "2023-01-12", NULL, EXTLS_TLS1_2, T0 + DAY_MS},
        {"send", "B", "192.0.2.10", "2023-01-11", NULL, EXTLS_NONE, T0},
        {"receive", "C", "10.0.0.1", "2023-01-11", NULL, EXTLS_TLS1_3, T0},
    };
    struct report r = {.format = REPORT_JSONL, .totals = empty_totals};
    r.groups = build(keys, 2, v, 3);
    char *got = render(&r, EXTLS_OK);
    assert_string_equal(
        got, "{\"type\":\"group\",\"remote\":\"10.0.0.1\",\"day\":\"2023-01-11\","
             "\"sessions\":1," TLS_TLS1_3_X1 ",\"first\":\"2023-01-11T16:00:00.000Z\","
             "\"last\":\"2023-01-11T16:00:00.000Z\",\"legacy\":0,\"with_tls\":1}\n"
             "{\"type\":\"group\",\"remote\":\"192.0.2.10\",\"day\":\"2023-01-11\","
             "\"sessions\":1," TLS_NONE_X1 ",\"first\":\"2023-01-11T16:00:00.000Z\","
             "\"last\":\"2023-01-11T16:00:00.000Z\",\"legacy\":0,\"with_tls\":0}\n"
             "{\"type\":\"group\",\"remote\":\"192.0.2.10\",\"day\":\"2023-01-12\","
             "\"sessions\":1," TLS_TLS1_2_X1 ",\"first\":\"2023-01-12T16:00:00.000Z\","
             "\"last\":\"2023-01-12T16:00:00.000Z\",\"legacy\":0,\"with_tls\":1}\n"
             "{\"type\":\"totals\",\"schema\":\"extls/1\",\"totals\":" EMPTY_TOTALS_JSON "}\n");
    free(got);
    agg_free(r.groups);
}

#define CSV_HEADER                                                                                 \
    "direction,connector,remote,sessions,ssl2,ssl3,tls1_0,tls1_1,tls1_2,tls1_3,tls_unknown,"       \
    "tls_failed,none,first,last,legacy,with_tls\n"

static void
csv_rfc4180_quoting(void **state)
{
    (void)state;
    check_machine(REPORT_CSV, &machine_totals, 0,
                  CSV_HEADER "receive,EX\\Default,192.0.2.10,1,0,0,0,0,0,1,0,0,0,"
                             "2023-01-11T16:00:03.000Z,2023-01-11T16:00:03.000Z,0,1\n"
                             "receive,\"Relay, \"\"Partner\"\"\",192.0.2.10,3,0,0,1,0,0,0,0,1,1,"
                             "2023-01-11T16:00:00.000Z,2023-01-11T16:00:02.000Z,1,1\n"
                             "send,EX\\Default,198.51.100.7,2,0,0,0,0,2,0,0,0,0,"
                             "2023-01-11T16:00:01.000Z,2023-01-11T16:00:05.123Z,0,2\n");
}

/*
 * 2026-12-04: a group's numbers and times are written without fprintf():
 * the widest counts (20 digits) and a timestamp past year 9999 come out as
 * the printf() formats say, in JSON and in CSV.
 */
static void
group_numbers_at_their_widest(void **state)
{
    (void)state;
    struct agg_group g;
    memset(&g, 0, sizeof(g));
    for (int k = 0; k < AGG_N_KEYS; k++)
        g.key[k] = field("");
    g.key[AGG_DIRECTION] = field("send");
    g.sessions = UINT64_MAX;
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        g.count[c] = 1000000000000000000ull + (uint64_t)c * 100000007ull;
    g.first_ms = isotime_days_from_civil(10000, 1, 1) * DAY_MS + 1;
    g.last_ms = isotime_days_from_civil(10000, 1, 1) * DAY_MS + DAY_MS - 1;
    char tls[512], tail[256], want[2048];
    int n = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        n += snprintf(tls + n, sizeof(tls) - (size_t)n, ",%" PRIu64, g.count[c]);
    snprintf(tail, sizeof(tail), "%" PRIu64 ",%" PRIu64, extls_legacy_count(g.count),
             extls_with_tls_count(g.count));
    for (int csv = 0; csv < 2; csv++) {
        struct report r = {.format = csv ? REPORT_CSV : REPORT_JSON, .totals = empty_totals};
        r.groups = agg_new(default_keys, 1);
        assert_non_null(r.groups);
        assert_int_equal(agg_add_group(r.groups, g.key, &g), EXTLS_OK);
        char *got = render(&r, EXTLS_OK);
        if (csv) {
            snprintf(want, sizeof(want),
                     "direction,sessions,ssl2,ssl3,tls1_0,tls1_1,tls1_2,tls1_3,tls_unknown,"
                     "tls_failed,none,first,last,legacy,with_tls\n"
                     "send,18446744073709551615%s,10000-01-01T00:00:00.001Z,"
                     "10000-01-01T23:59:59.999Z,%s\n",
                     tls, tail);
        } else {
            char json_tls[768];
            int m = 0;
            for (int c = 0; c < EXTLS_N_CLASSES; c++)
                m += snprintf(json_tls + m, sizeof(json_tls) - (size_t)m, "%s\"%s\":%" PRIu64,
                              c ? "," : "", extls_class_name((enum extls_class)c), g.count[c]);
            snprintf(want, sizeof(want),
                     "{\"schema\":\"extls/1\",\n\"totals\":" EMPTY_TOTALS_JSON ",\n"
                     "\"groups\":[\n{\"direction\":\"send\",\"sessions\":18446744073709551615,"
                     "\"tls\":{%s},\"first\":\"10000-01-01T00:00:00.001Z\","
                     "\"last\":\"10000-01-01T23:59:59.999Z\",\"legacy\":%" PRIu64
                     ",\"with_tls\":%" PRIu64 "}\n]}\n",
                     json_tls, extls_legacy_count(g.count), extls_with_tls_count(g.count));
        }
        assert_string_equal(got, want);
        free(got);
        agg_free(r.groups);
    }
}

static void
csv_empty_report_is_header_only(void **state)
{
    (void)state;
    check_machine(REPORT_CSV, &empty_totals, 1, CSV_HEADER);
}

#define TSV_HEADER                                                                                 \
    "direction\tconnector\tremote\tsessions\tssl2\tssl3\ttls1_0\ttls1_1\ttls1_2\ttls1_3\t"         \
    "tls_unknown\ttls_failed\tnone\tfirst\tlast\tlegacy\twith_tls\n"

static void
tsv_backslash_as_logged(void **state)
{
    (void)state;
    check_machine(REPORT_TSV, &machine_totals, 0,
                  TSV_HEADER
                  "receive\tEX\\Default\t192.0.2.10\t1\t0\t0\t0\t0\t0\t1\t0\t0\t0\t"
                  "2023-01-11T16:00:03.000Z\t2023-01-11T16:00:03.000Z\t0\t1\n"
                  "receive\tRelay, \"Partner\"\t192.0.2.10\t3\t0\t0\t1\t0\t0\t0\t0\t1\t1\t"
                  "2023-01-11T16:00:00.000Z\t2023-01-11T16:00:02.000Z\t1\t1\n"
                  "send\tEX\\Default\t198.51.100.7\t2\t0\t0\t0\t0\t2\t0\t0\t0\t0\t"
                  "2023-01-11T16:00:01.000Z\t2023-01-11T16:00:05.123Z\t0\t2\n");
}

static void
tsv_empty_report_is_header_only(void **state)
{
    (void)state;
    check_machine(REPORT_TSV, &empty_totals, 1, TSV_HEADER);
}

static void
table_sections_and_footer(void **state)
{
    (void)state;
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const struct sess conn[] = {
        {"send", "Relay", NULL, NULL, NULL, EXTLS_TLS_UNKNOWN, T0},
        {"receive", "Default", NULL, NULL, NULL, EXTLS_TLS1_2, T0},
        {"receive", CJK, NULL, NULL, NULL, EXTLS_NONE, T0},
        {"send", "Outbound", NULL, NULL, NULL, EXTLS_SSL2, T0},
        {"receive", "Default", NULL, NULL, NULL, EXTLS_TLS1_0, T0},
        {"send", "Outbound", NULL, NULL, NULL, EXTLS_TLS1_1, T0},
        {"receive", "Default", NULL, NULL, NULL, EXTLS_NONE, T0},
        {"receive", CJK, NULL, NULL, NULL, EXTLS_TLS_FAILED, T0},
        {"send", "Outbound", NULL, NULL, NULL, EXTLS_TLS1_2, T0},
        {"receive", "Default", NULL, NULL, NULL, EXTLS_TLS1_2, T0},
    };
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    static const struct sess remote[] = {
        {"receive", NULL, "192.0.2.10", NULL, "old-name.example", EXTLS_TLS1_2, T0},
        {"receive", NULL, "192.0.2.10", NULL, "mail.example.com", EXTLS_TLS1_2, T0 + 1000},
        {"receive", NULL, "192.0.2.9", NULL, "old.example.net", EXTLS_TLS1_0, T0 + 2000},
        {"send", NULL, "198.51.100.7", NULL, "mx.partner.example", EXTLS_SSL3, T0 + 3000},
        {"send", NULL, "198.51.100.7", NULL, NULL, EXTLS_TLS1_1, T0 + 4000},
        {"receive", NULL, "2001:db8::1", NULL, NULL, EXTLS_NONE, T0 + 5000},
        {"receive", NULL, "192.0.2.11", NULL, "evil\x1B[2J", EXTLS_TLS1_2, T0 + 6000},
        {"send", NULL, "203.0.113.5", NULL, "a.example", EXTLS_TLS1_3, T0 + 7000},
    };
    struct report r = {
        .format = REPORT_TABLE,
        .wide = 1,
        .totals = {.files = 3,
                   .files_skipped = 1,
                   .files_failed = 1,
                   .rows = 120,
                   .malformed = 2,
                   .sessions = 10,
                   .excluded = 4,
                   .first_ms = T0,
                   .last_ms = T0 + 7000},
    };
    r.by_connector = build(conn_keys, 2, conn, sizeof(conn) / sizeof(conn[0]));
    r.by_remote = build(remote_keys, 2, remote, sizeof(remote) / sizeof(remote[0]));
    char *got = render(&r, EXTLS_OK);
    /*
     * Wide: the full layout. To fix: the two hosts with legacy sessions, most
     * first. Connector section: every share of the row's sessions: 75% =
     * 3/4 with TLS, 25% = 1/4 legacy; 67% = 2/3 with ssl2 counted as legacy.
     * The CJK name is 12 columns wide, so it sets the column width. Remote
     * section: most legacy sessions first, then most sessions, then by key
     * bytes ("192.0.2.11" < "2001:db8::1"); last seen to the minute.
     */
    assert_string_equal(
        got,
        "To fix first\n"
        "2 remote hosts still on SSL 2/3 or TLS 1.0/1.1:\n"
        "direction  remote        ehlo                legacy  sessions  protocols    last\n"
        "send       198.51.100.7  mx.partner.example       2         2  ssl3,tls1_1  "
        "2023-01-11 16:00\n"
        "receive    192.0.2.9     old.example.net          1         1  tls1_0       "
        "2023-01-11 16:00\n"
        "\n"
        "TLS use per connector (tls%, legacy%: of its sessions)\n"
        "direction  connector     sessions  ssl2  ssl3  tls1_0  tls1_1  tls1_2  tls1_3  "
        "tls_unknown  tls_failed  none  tls%  legacy%\n"
        "receive    Default              4     0     0       1       0       2       0        "
        "    0           0     1   75%      25%\n"
        "receive    " CJK "         2     0     0       0       0       0       0            "
        "0           1     1    0%       0%\n"
        "send       Outbound             3     1     0       0       1       1       0        "
        "    0           0     0  100%      67%\n"
        "send       Relay                1     0     0       0       0       0       0        "
        "    1           0     0  100%       0%\n"
        "\n"
        "TLS use per remote host (legacy first; last seen: UTC)\n"
        "direction  remote        ehlo                sessions  ssl2  ssl3  tls1_0  tls1_1  "
        "tls1_2  tls1_3  tls_unknown  tls_failed  none  last\n"
        "send       198.51.100.7  mx.partner.example         2     0     1       0       1    "
        "   0       0            0           0     0  2023-01-11 16:00\n"
        "receive    192.0.2.9     old.example.net            1     0     0       1       0    "
        "   0       0            0           0     0  2023-01-11 16:00\n"
        "receive    192.0.2.10    mail.example.com           2     0     0       0       0    "
        "   2       0            0           0     0  2023-01-11 16:00\n"
        "receive    192.0.2.11    evil\\x1B[2J                1     0     0       0       0   "
        "    1       0            0           0     0  2023-01-11 16:00\n"
        "receive    2001:db8::1                              1     0     0       0       0    "
        "   0       0            0           0     1  2023-01-11 16:00\n"
        "send       203.0.113.5   a.example                  1     0     0       0       0    "
        "   0       1            0           0     0  2023-01-11 16:00\n"
        "\n"
        "3 files (1 skipped) (1 with a read error), 120 rows, 2 malformed, 10 sessions (4 more "
        "excluded by filters)\n"
        "sessions starting 2023-01-11T16:00:00.000Z to 2023-01-11T16:00:07.000Z\n");
    free(got);
    agg_free(r.by_connector);
    agg_free(r.by_remote);
}

/* report_pct(): whole percents, one decimal below 10%, never rounded to 0% or 100%. */
static void
pct_texts(void **state)
{
    (void)state;
    char b[REPORT_PCT_BUF];
    assert_string_equal(report_pct(0, 0, b), "-");
    assert_string_equal(report_pct(0, 7, b), "0%");
    assert_string_equal(report_pct(7, 7, b), "100%");
    assert_string_equal(report_pct(2, 7, b), "29%");
    assert_string_equal(report_pct(1, 200, b), "0.5%");
    assert_string_equal(report_pct(1, 100000, b), "<0.1%");
    assert_string_equal(report_pct(199, 200, b), ">99%");
    assert_string_equal(report_pct(1, 12, b), "8.3%");
    assert_string_equal(report_pct(UINT64_MAX, UINT64_MAX, b), "100%");
}

/*
 * 12 legacy hosts and 11 send partners without TLS at 60 columns: each
 * to-fix list shows 10 and says how many more; --wide shows them all. A
 * --by section follows the others.
 */
static void
table_to_fix_cut_and_by_section(void **state)
{
    (void)state;
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    static const enum agg_key by_keys[] = {AGG_DIRECTION};
    struct sess v[23];
    char names[23][16];
    for (int i = 0; i < 23; i++) {
        snprintf(names[i], sizeof(names[i]), "192.0.2.%d", 100 + i);
        v[i] = (struct sess){i < 12 ? "receive" : "send",        "C",   names[i], NULL, "h",
                             i < 12 ? EXTLS_TLS1_0 : EXTLS_NONE, T0 + i};
    }
    struct report r = {.format = REPORT_TABLE, .totals = empty_totals, .width = 60};
    r.by_connector = build(conn_keys, 2, v, 23);
    r.by_remote = build(remote_keys, 2, v, 23);
    r.groups = build(by_keys, 1, v, 23);
    char *got = render(&r, EXTLS_OK);
    char *conn = strstr(got, "\nTLS use per connector");
    assert_non_null(conn);
    *conn = '\0'; /* the to-fix lists only, for a moment */
    assert_non_null(strstr(got, "12 remote hosts still on SSL 2/3 or TLS 1.0/1.1"));
    assert_non_null(strstr(got, "receive    192.0.2.109"));
    assert_null(strstr(got, "receive    192.0.2.110"));
    assert_non_null(strstr(got, "... 2 more: see the per-remote-host section, or --wide\n"));
    assert_non_null(strstr(got, "\n11 send partners that never started TLS:\n"));
    assert_non_null(strstr(got, "... 1 more: see the per-remote-host section, or --wide\n"));
    *conn = '\n';
    assert_non_null(strstr(got, "\nTLS use per direction (--by; tls%, legacy%: of its "
                                "sessions)\n"
                                "direction  sessions  legacy  tls_failed  none  tls%  legacy%\n"
                                "receive          12      12           0     0  100%     100%\n"
                                "send             11       0           0    11    0%       0%\n"));
    /* Columns folded and left out, but no name shortened: not "cut". */
    assert_non_null(strstr(got, "\nlegacy: SSL 2/3, TLS 1.0/1.1; --wide shows every column\n"));
    assert_null(strstr(got, "cut to fit"));
    for (const char *l = got; *l;) {
        size_t n = strcspn(l, "\n");
        if (n > 60)
            fail_msg("line of %zu bytes at 60 columns: %.*s", n, (int)n, l);
        l += n + (l[n] != '\0');
    }
    free(got);
    r.wide = 1;
    got = render(&r, EXTLS_OK);
    conn = strstr(got, "\nTLS use per connector");
    assert_non_null(conn);
    *conn = '\0';
    assert_non_null(strstr(got, "receive    192.0.2.110"));
    assert_null(strstr(got, "more: see"));
    free(got);
    agg_free(r.by_connector);
    agg_free(r.by_remote);
    agg_free(r.groups);
}

static void
table_empty_report(void **state)
{
    (void)state;
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    struct report r = {.format = REPORT_TABLE, .totals = empty_totals, .width = 100};
    r.by_connector = build(conn_keys, 2, NULL, 0);
    r.by_remote = build(remote_keys, 2, NULL, 0);
    char *got = render(&r, EXTLS_OK);
    /*
     * Headers only, each column as wide as its title; at 100 columns the
     * connector and remote sections take the compact layout, and the note
     * says so (nothing is cut: no name is shortened); no time range without
     * sessions.
     */
    assert_string_equal(got,
                        "To fix first\n"
                        "nothing: no legacy remote host, no send partner without TLS\n"
                        "\n"
                        "TLS use per connector (tls%, legacy%: of its sessions)\n"
                        "direction  connector  sessions  legacy  tls_failed  none  tls%  legacy%\n"
                        "\n"
                        "TLS use per remote host (legacy first; last seen: UTC)\n"
                        "direction  remote  ehlo  sessions  legacy  tls_failed  none  last\n"
                        "\n"
                        "0 files, 0 rows, 0 malformed, 0 sessions\n"
                        "legacy: SSL 2/3, TLS 1.0/1.1; --wide shows every column\n");
    free(got);
    /* The same report of a run that saw nothing: what to fix is unknown, not "nothing". */
    r.saw_nothing = 1;
    got = render(&r, EXTLS_OK);
    assert_non_null(
        strstr(got, "To fix first\nunknown: nothing was read (see the errors above)\n\n"));
    assert_null(strstr(got, "nothing: no legacy"));
    free(got);
    agg_free(r.by_connector);
    agg_free(r.by_remote);
}

/* The per-day section: only with more than one day, titled by the zone of its days. */
static void
table_day_section(void **state)
{
    (void)state;
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    static const enum agg_key day_keys[] = {AGG_DAY};
    static const struct sess days[] = {
        {NULL, NULL, NULL, "2023-01-12", NULL, EXTLS_TLS1_0, T0 + DAY_MS},
        {NULL, NULL, NULL, "2023-01-11", NULL, EXTLS_TLS1_2, T0},
        {NULL, NULL, NULL, "2023-01-12", NULL, EXTLS_NONE, T0 + DAY_MS},
        {NULL, NULL, NULL, "2023-01-11", NULL, EXTLS_TLS_UNKNOWN, T0},
        {NULL, NULL, NULL, "2023-01-12", NULL, EXTLS_TLS1_2, T0 + DAY_MS},
        {NULL, NULL, NULL, "2023-01-11", NULL, EXTLS_SSL3, T0},
        {NULL, NULL, NULL, "2023-01-12", NULL, EXTLS_TLS_UNKNOWN, T0 + DAY_MS},
    };
    struct report r = {.format = REPORT_TABLE, .totals = empty_totals, .local_days = 1, .wide = 1};
    r.by_connector = build(conn_keys, 2, NULL, 0);
    r.by_remote = build(remote_keys, 2, NULL, 0);
    r.by_day = build(day_keys, 1, days, sizeof(days) / sizeof(days[0]));
    char *got = render(&r, EXTLS_OK);
    /* 2023-01-11: 3 with TLS of 3, 1 legacy of 3 (33%); 2023-01-12: 3 of 4 with TLS
     * (75%), 1 legacy of 4 (25%): shares of all the day's sessions. */
    assert_string_equal(got, "To fix first\n"
                             "nothing: no legacy remote host, no send partner without TLS\n"
                             "\n"
                             "TLS use per connector (tls%, legacy%: of its sessions)\n"
                             "direction  connector  sessions  ssl2  ssl3  tls1_0  tls1_1  tls1_2  "
                             "tls1_3  tls_unknown  tls_failed  none  tls%  legacy%\n"
                             "\n"
                             "TLS use per remote host (legacy first; last seen: UTC)\n"
                             "direction  remote  ehlo  sessions  ssl2  ssl3  tls1_0  tls1_1  "
                             "tls1_2  tls1_3  tls_unknown  tls_failed  none  last\n"
                             "\n"
                             "TLS use per day (local time; tls%, legacy%: of its sessions)\n"
                             "day         sessions  ssl2  ssl3  tls1_0  tls1_1  tls1_2  tls1_3  "
                             "tls_unknown  tls_failed  none  tls%  legacy%\n"
                             "2023-01-11         3     0     1       0       0       1       0     "
                             "       1           0     0  100%      33%\n"
                             "2023-01-12         4     0     0       1       0       1       0     "
                             "       1           0     1   75%      25%\n"
                             "\n"
                             "0 files, 0 rows, 0 malformed, 0 sessions\n");
    free(got);
    agg_free(r.by_day);
    /* One day: no section (and UTC would be the title). */
    r.by_day = build(day_keys, 1, days, 1);
    r.local_days = 0;
    got = render(&r, EXTLS_OK);
    assert_null(strstr(got, "per day"));
    free(got);
    agg_free(r.by_day);
    agg_free(r.by_connector);
    agg_free(r.by_remote);
}

/* Every format, with and without groups, to a stream whose writes fail. */
static void
write_error_is_eio(void **state)
{
    (void)state;
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    static const enum report_format formats[] = {REPORT_TABLE, REPORT_JSON, REPORT_JSONL,
                                                 REPORT_CSV, REPORT_TSV};
    size_t n_sess = sizeof(machine_sessions) / sizeof(machine_sessions[0]);
    for (int empty = 0; empty < 2; empty++) {
        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
            char vbuf[16];
            FILE *out = fopen("/dev/full", "w");
            assert_non_null(out);
            assert_int_equal(setvbuf(out, vbuf, _IOFBF, sizeof(vbuf)), 0);
            struct report r = {.format = formats[i], .totals = machine_totals};
            r.groups = build(default_keys, 3, machine_sessions, empty ? 0 : n_sess);
            r.by_connector = build(conn_keys, 2, machine_sessions, empty ? 0 : n_sess);
            r.by_remote = build(remote_keys, 2, machine_sessions, empty ? 0 : n_sess);
            assert_int_equal(report_write(out, &r), EXTLS_EIO);
            fclose(out);
            agg_free(r.groups);
            agg_free(r.by_connector);
            agg_free(r.by_remote);
        }
    }
}

/* ---- export.c: one record per session ---- */

static const struct span conn_ex = {"EX\\Default", 10};
static const struct span conn_relay = {"Relay, \"Partner\"", 16};
static const struct span proto_tls12 = {"SP_PROT_TLS1_2_SERVER", 21};
static const struct span alg_aes = {"CALG_AES_256", 12};
static const struct span alg_sha = {"CALG_SHA_384", 12};
static const struct span alg_ecdh = {"CALG_ECDH_EPHEM", 15};

static char sid1[] = "08DAF3B5D1C2A001";
static char sid2[] = "08DAF3B5D1C2A002";
static char host1[] = "mail.example.com";

/* A receive session with protocol and cipher suite logged. */
static void
session_with_cipher(struct session *s)
{
    memset(s, 0, sizeof(*s));
    s->dir = EXTLS_DIR_RECEIVE;
    s->connector = &conn_ex;
    s->sid = sid1;
    s->sid_len = strlen(sid1);
    s->start_ms = T0;
    s->end_ms = T0 + 5123;
    s->rows = 12;
    strcpy(s->remote, "192.0.2.10");
    strcpy(s->local, "10.0.0.5:25");
    s->host = host1;
    s->host_len = strlen(host1);
    s->proto = &proto_tls12;
    s->cipher.name = &alg_aes;
    s->cipher.bits = 256;
    s->mac.name = &alg_sha;
    s->mac.bits = 0;
    s->kx.name = &alg_ecdh;
    s->kx.bits = 384;
    s->line = 42;
    /* The class comes from session_classify(); its private merge state is set here
     * through rule 3 (a TLS command at sequence 3 answered by 220 at sequence 4). */
    s->n_cmd = 1;
    s->cmd_seq[0] = 3;
    s->n_ok220 = 1;
    s->ok220_seq[0] = 4;
}

/* A send session without TLS: no host, protocol, cipher or local endpoint. */
static void
session_without_cipher(struct session *s)
{
    memset(s, 0, sizeof(*s));
    s->dir = EXTLS_DIR_SEND;
    s->connector = &conn_relay;
    s->sid = sid2;
    s->sid_len = strlen(sid2);
    s->start_ms = T0 + 1000;
    s->end_ms = T0 + 2000;
    s->rows = 3;
    strcpy(s->remote, "2001:db8::1");
    s->line = 7;
}

/* export_header() then export_session() for both sessions, into a string. */
static char *
export_both(enum report_format fmt)
{
    struct session s1, s2;
    session_with_cipher(&s1);
    session_without_cipher(&s2);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    export_header(out, fmt);
    export_session(out, fmt, 0, &s1, "logs/RECV2023011116-1.LOG", (struct span){"EX", 2});
    export_session(out, fmt, 0, &s2, "-", (struct span){"", 0});
    assert_int_equal(fclose(out), 0);
    return buf;
}

static void
export_jsonl_records(void **state)
{
    (void)state;
    char *got = export_both(REPORT_JSONL);
    assert_string_equal(
        got,
        "{\"direction\":\"receive\",\"connector\":\"EX\\\\Default\",\"session\":"
        "\"08DAF3B5D1C2A001\","
        "\"start\":\"2023-01-11T16:00:00.000Z\",\"class\":\"tls_unknown\",\"remote\":\"192.0.2."
        "10\","
        "\"ehlo\":\"mail.example.com\",\"end\":\"2023-01-11T16:00:05.123Z\","
        "\"local\":\"10.0.0.5:25\",\"protocol\":\"SP_PROT_TLS1_2_SERVER\","
        "\"cipher\":\"CALG_AES_256\",\"cipher_bits\":256,\"mac\":\"CALG_SHA_384\",\"mac_bits\":0,"
        "\"kx\":\"CALG_ECDH_EPHEM\",\"kx_bits\":384,\"rows\":12,"
        "\"file\":\"logs/RECV2023011116-1.LOG\",\"line\":42,\"cert_subject\":\"\","
        "\"cert_thumbprint\":\"\",\"server\":\"EX\"}\n"
        "{\"direction\":\"send\",\"connector\":\"Relay, \\\"Partner\\\"\","
        "\"session\":\"08DAF3B5D1C2A002\",\"start\":\"2023-01-11T16:00:01.000Z\","
        "\"class\":\"none\",\"remote\":\"2001:db8::1\",\"ehlo\":\"\","
        "\"end\":\"2023-01-11T16:00:02.000Z\",\"local\":\"\",\"protocol\":\"\","
        "\"cipher\":\"\",\"cipher_bits\":null,\"mac\":\"\",\"mac_bits\":null,"
        "\"kx\":\"\",\"kx_bits\":null,\"rows\":3,\"file\":\"-\",\"line\":7,"
        "\"cert_subject\":\"\",\"cert_thumbprint\":\"\",\"server\":\"\"}\n");
    free(got);
}

static void
export_csv_records(void **state)
{
    (void)state;
    char *got = export_both(REPORT_CSV);
    assert_string_equal(got, "direction,connector,session,start,class,remote,ehlo,end,local,"
                             "protocol,cipher,cipher_bits,mac,mac_bits,kx,kx_bits,rows,file,line,"
                             "cert_subject,cert_thumbprint,server\n"
                             "receive,EX\\Default,08DAF3B5D1C2A001,2023-01-11T16:00:00.000Z,"
                             "tls_unknown,192.0.2.10,mail.example.com,2023-01-11T16:00:05.123Z,"
                             "10.0.0.5:25,SP_PROT_TLS1_2_SERVER,CALG_AES_256,256,CALG_SHA_384,0,"
                             "CALG_ECDH_EPHEM,384,12,logs/RECV2023011116-1.LOG,42,,,EX\n"
                             "send,\"Relay, \"\"Partner\"\"\",08DAF3B5D1C2A002,"
                             "2023-01-11T16:00:01.000Z,none,2001:db8::1,,"
                             "2023-01-11T16:00:02.000Z,,,,,,,,,3,-,7,,,\n");
    free(got);
}

static void
export_tsv_records(void **state)
{
    (void)state;
    char *got = export_both(REPORT_TSV);
    assert_string_equal(
        got, "direction\tconnector\tsession\tstart\tclass\tremote\tehlo\tend\tlocal\t"
             "protocol\tcipher\tcipher_bits\tmac\tmac_bits\tkx\tkx_bits\trows\tfile\t"
             "line\tcert_subject\tcert_thumbprint\tserver\n"
             "receive\tEX\\Default\t08DAF3B5D1C2A001\t2023-01-11T16:00:00.000Z\t"
             "tls_unknown\t192.0.2.10\tmail.example.com\t2023-01-11T16:00:05.123Z\t"
             "10.0.0.5:25\tSP_PROT_TLS1_2_SERVER\tCALG_AES_256\t256\tCALG_SHA_384\t0\t"
             "CALG_ECDH_EPHEM\t384\t12\tlogs/RECV2023011116-1.LOG\t42\t\t\tEX\n"
             "send\tRelay, \"Partner\"\t08DAF3B5D1C2A002\t2023-01-11T16:00:01.000Z\t"
             "none\t2001:db8::1\t\t2023-01-11T16:00:02.000Z\t\t\t\t\t\t\t\t\t3\t-\t7\t\t\t\n");
    free(got);
}

/* The records of export_cert_columns, one stream per format. */
struct cert_out {
    char *buf[3];
    size_t len[3];
    FILE *out[3];
};

static const enum report_format cert_fmts[3] = {REPORT_JSONL, REPORT_CSV, REPORT_TSV};

static enum extls_status
on_cert_session(const struct session *s, void *user)
{
    struct cert_out *o = user;
    for (int i = 0; i < 3; i++)
        export_session(o->out[i], cert_fmts[i], 0, s, "SEND.LOG", (struct span){"", 0});
    return EXTLS_OK;
}

/*
 * The peer's certificate as the last two columns, escaped per format: a
 * subject with a comma, quotes and UTF-8 (from a 6-row block, not our own
 * block before it).
 */
static void
export_cert_columns(void **state)
{
    (void)state;
    static const struct {
        uint64_t seq;
        char event;
        const char *data, *context;
    } rows[] = {
        {0, '+', "", ""},
        {1, '*', "", "Sending certificate"},
        {2, '*', "CN=ours", "Certificate subject"},
        {3, '*', "CN=ours", "Certificate issuer name"},
        {4, '*', "01", "Certificate serial number"},
        {5, '*', "AAAA", "Certificate thumbprint"},
        {6, '*', "ours", "Certificate alternate names"},
        {7, '*', "", "Remote certificate"},
        {8, '*', "CN=mx.example.net, O=\"Soci\xC3\xA9t\xC3\xA9, Inc.\"", "Certificate subject"},
        {9, '*', "CN=CA", "Certificate issuer name"},
        {10, '*', "02", "Certificate serial number"},
        {11, '*', "9DEBC71C4C786D1D1318540F8AB53AFC0000BEEF", "Certificate thumbprint"},
        {12, '*', "mx.example.net", "Certificate alternate names"},
        {13, '-', "", "Local"},
    };
    struct cert_out o;
    for (int i = 0; i < 3; i++) {
        o.buf[i] = NULL;
        o.out[i] = open_memstream(&o.buf[i], &o.len[i]);
        assert_non_null(o.out[i]);
    }
    struct matcher *m = matcher_new();
    struct session_table *t = session_table_new(on_cert_session, &o);
    assert_non_null(m);
    assert_non_null(t);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct row r;
        memset(&r, 0, sizeof(r));
        r.dir = EXTLS_DIR_SEND;
        r.time_ms = T0;
        r.seq = rows[i].seq;
        r.event = (enum row_event)rows[i].event;
        r.connector = (struct span){"Out", 3};
        r.session = (struct span){"S1", 2};
        r.local = (struct span){"", 0};
        r.remote_ep = (struct span){"192.0.2.25", 10};
        r.data = (struct span){rows[i].data, strlen(rows[i].data)};
        r.context = (struct span){rows[i].context, strlen(rows[i].context)};
        r.line = 3 + i;
        struct match_facts f;
        match_row(m, &r, &f);
        assert_int_equal(session_table_add(t, &r, &f, 0), EXTLS_OK);
    }
    session_table_free(t);
    matcher_free(m);
    for (int i = 0; i < 3; i++)
        assert_int_equal(fclose(o.out[i]), 0);
    assert_string_equal(
        o.buf[0], "{\"direction\":\"send\",\"connector\":\"Out\",\"session\":\"S1\","
                  "\"start\":\"2023-01-11T16:00:00.000Z\",\"class\":\"none\","
                  "\"remote\":\"192.0.2.25\",\"ehlo\":\"\",\"end\":\"2023-01-11T16:00:00.000Z\","
                  "\"local\":\"\",\"protocol\":\"\",\"cipher\":\"\",\"cipher_bits\":null,"
                  "\"mac\":\"\",\"mac_bits\":null,\"kx\":\"\",\"kx_bits\":null,\"rows\":14,"
                  "\"file\":\"SEND.LOG\",\"line\":3,"
                  "\"cert_subject\":\"CN=mx.example.net, O=\\\"Soci\xC3\xA9t\xC3\xA9, Inc.\\\"\","
                  "\"cert_thumbprint\":\"9DEBC71C4C786D1D1318540F8AB53AFC0000BEEF\","
                  "\"server\":\"\"}\n");
    assert_string_equal(o.buf[1], "send,Out,S1,2023-01-11T16:00:00.000Z,none,192.0.2.25,,"
                                  "2023-01-11T16:00:00.000Z,,,,,,,,,14,SEND.LOG,3,"
                                  "\"CN=mx.example.net, O=\"\"Soci\xC3\xA9t\xC3\xA9, Inc.\"\"\","
                                  "9DEBC71C4C786D1D1318540F8AB53AFC0000BEEF,\n");
    assert_string_equal(o.buf[2], "send\tOut\tS1\t2023-01-11T16:00:00.000Z\tnone\t192.0.2.25\t\t"
                                  "2023-01-11T16:00:00.000Z\t\t\t\t\t\t\t\t\t14\tSEND.LOG\t3\t"
                                  "CN=mx.example.net, O=\"Soci\xC3\xA9t\xC3\xA9, Inc.\"\t"
                                  "9DEBC71C4C786D1D1318540F8AB53AFC0000BEEF\t\n");
    for (int i = 0; i < 3; i++)
        free(o.buf[i]);
}

static void
export_cipher_key(void **state)
{
    (void)state;
    struct session s;
    char buf[128];
    session_with_cipher(&s);
    assert_string_equal(export_cipher(&s, buf, sizeof(buf)),
                        "CALG_AES_256/256 CALG_SHA_384/0 CALG_ECDH_EPHEM/384");
    /* At most len bytes including the NUL. */
    char small[11];
    memset(small, 'x', sizeof(small));
    assert_ptr_equal(export_cipher(&s, small, 10), small);
    assert_string_equal(small, "CALG_AES_");
    assert_int_equal(small[10], 'x');
    session_without_cipher(&s);
    strcpy(buf, "stale");
    assert_string_equal(export_cipher(&s, buf, sizeof(buf)), "");
}

/* Totals of a report with every counter set from `base` upward (1, 2, 3, ...). */
static struct report_totals
totals_from(uint64_t base, int64_t first_ms, int64_t last_ms)
{
    struct report_totals t = {base,     base + 1, base + 2, base + 3, base + 4, base + 5,
                              base + 6, base + 7, first_ms, last_ms,  {0}};
    for (int k = 0; k < EXTLS_N_KINDS; k++)
        t.skipped_kind[k] = base + 8 + (uint64_t)k;
    return t;
}

static void
totals_add_sums_every_counter(void **state)
{
    (void)state;
    struct report_totals a = totals_from(10, 5000, 9000), before;
    struct report_totals b = totals_from(100, 4000, 8000);
    assert_int_equal(report_totals_add(&a, &b), EXTLS_OK);
    assert_int_equal(a.files, 110);
    assert_int_equal(a.files_skipped, 112);
    assert_int_equal(a.files_failed, 114);
    assert_int_equal(a.rows, 116);
    assert_int_equal(a.malformed, 118);
    assert_int_equal(a.sessions, 120);
    assert_int_equal(a.excluded, 122);
    assert_int_equal(a.late_rows, 124);
    for (int k = 0; k < EXTLS_N_KINDS; k++)
        assert_int_equal(a.skipped_kind[k], 126 + 2 * k);
    /* The range widens to cover both: earliest first, latest last. */
    assert_int_equal(a.first_ms, 4000);
    assert_int_equal(a.last_ms, 9000);
    /* Totals of nothing (report_totals_init()) change nothing. */
    struct report_totals none;
    memset(&none, 0xAB, sizeof(none));
    report_totals_init(&none);
    struct report_totals zero;
    memset(&zero, 0, sizeof(zero));
    zero.first_ms = INT64_MAX;
    zero.last_ms = INT64_MIN;
    assert_memory_equal(&none, &zero, sizeof(none));
    before = a;
    assert_int_equal(report_totals_add(&a, &none), EXTLS_OK);
    assert_memory_equal(&a, &before, sizeof(a));
}

static void
totals_add_overflow_leaves_sum_unchanged(void **state)
{
    (void)state;
    struct report_totals a = totals_from(10, 5000, 9000), before, b = {0};
    b.first_ms = 1;
    b.last_ms = 99999;
    b.rows = 1;
    /* Exactly 2^64-1 still fits. */
    a.late_rows = UINT64_MAX - 7;
    b.late_rows = 7;
    assert_int_equal(report_totals_add(&a, &b), EXTLS_OK);
    assert_int_equal(a.late_rows, UINT64_MAX);
    assert_int_equal(a.rows, 14);
    /* One more passes it: refused, and nothing of b is added, not even the rows before it. */
    before = a;
    b.late_rows = 1;
    assert_int_equal(report_totals_add(&a, &b), EXTLS_ETOOBIG);
    assert_memory_equal(&a, &before, sizeof(a));
    /* The same for the last counter checked, a kind of skipped file. */
    b.late_rows = 0;
    a.skipped_kind[EXTLS_N_KINDS - 1] = UINT64_MAX;
    b.skipped_kind[EXTLS_N_KINDS - 1] = 1;
    before = a;
    assert_int_equal(report_totals_add(&a, &b), EXTLS_ETOOBIG);
    assert_memory_equal(&a, &before, sizeof(a));
}

/* The to-fix selections keep the groups that pass, in their order, and nothing else. */
static void
select_keeps_order_and_only_what_passes(void **state)
{
    (void)state;
    struct agg_group g[4];
    memset(g, 0, sizeof(g));
    for (int i = 0; i < 4; i++) {
        g[i].key[AGG_DIRECTION] = (struct span){i % 2 ? "send" : "receive", i % 2 ? 4u : 7u};
        g[i].sessions = 10;
    }
    g[0].count[EXTLS_TLS1_2] = 10;                              /* receive, modern */
    g[1].count[EXTLS_NONE] = 10;                                /* send, never TLS */
    g[2].count[EXTLS_TLS1_0] = 1, g[2].count[EXTLS_TLS1_2] = 9; /* receive, legacy */
    g[3].count[EXTLS_SSL3] = 2, g[3].count[EXTLS_NONE] = 8;     /* send, legacy, some TLS */
    const struct agg_group *v[4] = {&g[0], &g[1], &g[2], &g[3]}, *w[4] = {0};
    assert_int_equal(report_select(v, 4, report_is_legacy_host, w), 2);
    assert_ptr_equal(w[0], &g[2]);
    assert_ptr_equal(w[1], &g[3]);
    assert_int_equal(report_select(v, 4, report_is_plain_partner, w), 1);
    assert_ptr_equal(w[0], &g[1]);
    assert_int_equal(report_select(v, 0, report_is_legacy_host, w), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_names_parse),
        cmocka_unit_test(totals_add_sums_every_counter),
        cmocka_unit_test(totals_add_overflow_leaves_sum_unchanged),
        cmocka_unit_test(select_keeps_order_and_only_what_passes),
        cmocka_unit_test(json_document_sorted_groups),
        cmocka_unit_test(group_numbers_at_their_widest),
        cmocka_unit_test(json_empty_report),
        cmocka_unit_test(jsonl_groups_then_totals),
        cmocka_unit_test(jsonl_empty_report),
        cmocka_unit_test(jsonl_uses_the_keys_and_order_given),
        cmocka_unit_test(csv_rfc4180_quoting),
        cmocka_unit_test(csv_empty_report_is_header_only),
        cmocka_unit_test(tsv_backslash_as_logged),
        cmocka_unit_test(tsv_empty_report_is_header_only),
        cmocka_unit_test(table_sections_and_footer),
        cmocka_unit_test(table_empty_report),
        cmocka_unit_test(pct_texts),
        cmocka_unit_test(table_to_fix_cut_and_by_section),
        cmocka_unit_test(table_day_section),
        cmocka_unit_test(write_error_is_eio),
        cmocka_unit_test(export_jsonl_records),
        cmocka_unit_test(export_csv_records),
        cmocka_unit_test(export_tsv_records),
        cmocka_unit_test(export_cert_columns),
        cmocka_unit_test(export_cipher_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
