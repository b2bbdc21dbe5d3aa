/* SPDX-License-Identifier: MIT */
/*
 * test_merge.c: JSON reports combined: the exact merged report worked out
 * by hand, the same bytes for every order and grouping of three reports
 * (associative, commutative), one report giving its own bytes back,
 * regrouping, key mismatches, counter overflow and the table's limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "merge.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define TLS(a, b, c, d, e, f, g, h, i)                                                             \
    "\"tls\":{\"ssl2\":" #a ",\"ssl3\":" #b ",\"tls1_0\":" #c ",\"tls1_1\":" #d ",\"tls1_2\":" #e  \
    ",\"tls1_3\":" #f ",\"tls_unknown\":" #g ",\"tls_failed\":" #h ",\"none\":" #i "}"

#define TOTALS(files, rows, bad, sessions, skipped, failed, excluded, first, last)                 \
    "{\"schema\":\"extls/1\",\n\"totals\":{\"files\":" #files ",\"rows\":" #rows                   \
    ",\"malformed_rows\":" #bad ",\"sessions\":" #sessions ",\"files_skipped\":" #skipped          \
    ",\"files_failed\":" #failed ",\"sessions_excluded\":" #excluded ",\"first\":" first           \
    ",\"last\":" last "},\n\"groups\":["

#define GROUP(dir, conn, sessions, tls, first, last, legacy, with_tls)                             \
    "{\"direction\":\"" dir "\",\"connector\":\"" conn "\",\"sessions\":" #sessions "," tls        \
    ",\"first\":\"" first "\",\"last\":\"" last "\",\"legacy\":" #legacy                           \
    ",\"with_tls\":" #with_tls "}"

#define D1 "2023-01-11T"
#define D2 "2023-01-12T"

/* Three reports, each as extls writes it. */
static const char report_a[] =
    TOTALS(2, 100, 1, 3, 0, 0, 1, "\"" D1 "10:00:00.000Z\"", "\"" D1 "12:00:00.000Z\"") "\n" GROUP(
        "receive", "EX1\\\\Default", 2, TLS(0, 0, 0, 0, 1, 0, 0, 0, 1), D1 "10:00:00.000Z",
        D1 "11:00:00.000Z", 0, 1) ",\n" GROUP("send", "Outbound", 1, TLS(0, 0, 1, 0, 0, 0, 0, 0, 0),
                                              D1 "12:00:00.000Z", D1 "12:00:00.000Z", 1,
                                              1) "\n]}\n";

static const char report_b[] =
    TOTALS(1, 50, 0, 4, 1, 0, 0, "\"" D1 "09:00:00.000Z\"", "\"" D1 "11:30:00.000Z\"") "\n" GROUP(
        "receive", "EX2\\\\Default", 1, TLS(0, 0, 0, 0, 1, 0, 0, 0, 0), D1 "09:00:00.000Z",
        D1 "09:00:00.000Z", 0, 1) ",\n" GROUP("send", "Outbound", 3, TLS(0, 0, 0, 0, 2, 0, 0, 1, 0),
                                              D1 "09:30:00.000Z", D1 "11:30:00.000Z", 0,
                                              2) "\n]}\n";

static const char report_c[] =
    TOTALS(3, 70, 0, 2, 0, 1, 0, "\"" D2 "08:00:00.000Z\"", "\"" D2 "08:05:00.000Z\"") "\n" GROUP(
        "receive", "EX1\\\\Default", 1, TLS(0, 1, 0, 0, 0, 0, 0, 0, 0), D2 "08:00:00.000Z",
        D2 "08:00:00.000Z", 1, 1) ",\n" GROUP("send", "Out\\\"bound \xC3\xA9", 1,
                                              TLS(0, 0, 0, 0, 0, 0, 0, 0, 1), D2 "08:05:00.000Z",
                                              D2 "08:05:00.000Z", 0, 0) "\n]}\n";

/* A + B + C, worked out by hand. */
static const char merged_abc[] =
    TOTALS(6, 220, 1, 9, 1, 1, 1, "\"" D1 "09:00:00.000Z\"", "\"" D2 "08:05:00.000Z\"") "\n" GROUP(
        "receive", "EX1\\\\Default", 3, TLS(0, 1, 0, 0, 1, 0, 0, 0, 1), D1 "10:00:00.000Z",
        D2 "08:00:00.000Z", 1,
        2) ",\n" GROUP("receive", "EX2\\\\Default", 1, TLS(0, 0, 0, 0, 1, 0, 0, 0, 0),
                       D1 "09:00:00.000Z", D1 "09:00:00.000Z", 0,
                       1) ",\n" GROUP("send", "Out\\\"bound \xC3\xA9", 1,
                                      TLS(0, 0, 0, 0, 0, 0, 0, 0, 1), D2 "08:05:00.000Z",
                                      D2 "08:05:00.000Z", 0,
                                      0) ",\n" GROUP("sen"
                                                     "d",
                                                     "Out"
                                                     "bou"
                                                     "nd",
                                                     4, TLS(0, 0, 1, 0, 2, 0, 0, 1, 0),
                                                     D1 "09:"
                                                        "30:"
                                                        "00."
                                                        "000"
                                                        "Z",
                                                     D1 "12:"
                                                        "00:"
                                                        "00."
                                                        "000"
                                                        "Z",
                                                     1, 3) "\n]}\n";

/* A report without groups (its keys unknown). */
static const char report_empty[] = TOTALS(1, 0, 2, 0, 0, 1, 5, "null", "null") "]}\n";

/* Merge texts[0..n) and write the result in `fmt`; returns the status, output in *out. */
static enum extls_status
merge_texts(const char *const *texts, const char *const *names, size_t n, enum report_format fmt,
            const enum agg_key *by, size_t n_by, char **out, char *msg, size_t msg_len)
{
    struct merge *m = merge_new();
    assert_non_null(m);
    enum extls_status st = EXTLS_OK;
    for (size_t i = 0; i < n && st == EXTLS_OK; i++)
        st = merge_add_mem(m, texts[i], strlen(texts[i]), i % 3, names ? names[i] : "r.json");
    struct report r;
    if (st == EXTLS_OK)
        st = merge_report(m, fmt, by, n_by, &r);
    *out = NULL;
    if (st == EXTLS_OK) {
        size_t len;
        FILE *f = open_memstream(out, &len);
        assert_non_null(f);
        assert_int_equal(report_write(f, &r), EXTLS_OK);
        assert_int_equal(fclose(f), 0);
    }
    snprintf(msg, msg_len, "%s", merge_errmsg(m));
    merge_free(m);
    return st;
}

/* The JSON of merging texts[0..n); fails the test on any error. */
static char *
merged(const char *const *texts, size_t n)
{
    char *out, msg[600];
    enum extls_status st =
        merge_texts(texts, NULL, n, REPORT_JSON, NULL, 0, &out, msg, sizeof(msg));
    if (st != EXTLS_OK)
        fail_msg("merge failed: %s", msg);
    return out;
}

static void
three_reports_by_hand(void **state)
{
    (void)state;
    const char *const v[] = {report_a, report_b, report_c};
    char *out = merged(v, 3);
    assert_string_equal(out, merged_abc);
    free(out);
}

/* Every order and every grouping of A, B, C: the same bytes. */
static void
associative_and_commutative(void **state)
{
    (void)state;
    static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                   {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    const char *const r[] = {report_a, report_b, report_c};
    for (int p = 0; p < 6; p++) {
        const char *x = r[perm[p][0]], *y = r[perm[p][1]], *z = r[perm[p][2]];
        /* x + y + z at once */
        const char *const all[] = {x, y, z};
        char *flat = merged(all, 3);
        /* (x + y) + z */
        const char *const xy[] = {x, y};
        char *left_in = merged(xy, 2);
        const char *const left_v[] = {left_in, z};
        char *left = merged(left_v, 2);
        /* x + (y + z) */
        const char *const yz[] = {y, z};
        char *right_in = merged(yz, 2);
        const char *const right_v[] = {x, right_in};
        char *right = merged(right_v, 2);
        assert_string_equal(flat, merged_abc);
        assert_string_equal(left, merged_abc);
        assert_string_equal(right, merged_abc);
        free(flat), free(left_in), free(left), free(right_in), free(right);
    }
}

/* One report alone gives its own bytes back. */
static void
one_report_is_its_own_merge(void **state)
{
    (void)state;
    const char *const v[] = {report_a, report_b, report_c, merged_abc, report_empty};
    for (size_t i = 0; i < N(v); i++) {
        char *out = merged(&v[i], 1);
        assert_string_equal(out, v[i]);
        free(out);
    }
    /*
     * A report of an older extls, without the derived members legacy and
     * with_tls: read alike, written with them (schema extls/1 is additive).
     */
    char old[sizeof(report_a)];
    size_t o = 0;
    for (const char *p = report_a; *p;) {
        const char *cut = strstr(p, ",\"legacy\":");
        const char *end = cut ? strchr(cut, '}') : NULL;
        size_t n = cut && end ? (size_t)(cut - p) : strlen(p);
        memcpy(old + o, p, n);
        o += n;
        p += n;
        if (cut && end)
            p = end;
    }
    old[o] = '\0';
    assert_null(strstr(old, "with_tls"));
    const char *const ov[] = {old};
    char *from_old = merged(ov, 1);
    assert_string_equal(from_old, report_a);
    free(from_old);

    /* And a whole real report, as the e2e golden file holds it. */
    FILE *f = fopen("tests/golden/e2e/json_2010.out", "rb");
    assert_non_null(f);
    static char real[1 << 16];
    size_t n = fread(real, 1, sizeof(real) - 1, f);
    fclose(f);
    assert_true(n > 1000 && n < sizeof(real) - 1);
    real[n] = '\0';
    const char *const rv[] = {real};
    char *out = merged(rv, 1);
    assert_string_equal(out, real);
    free(out);
}

/* A report without groups fits any keys; its totals still count. */
static void
report_without_groups(void **state)
{
    (void)state;
    const char *const v[] = {report_empty, report_a, report_empty};
    char *out = merged(v, 3);
    const char *groups_a = strstr(report_a, "\n{");
    assert_non_null(groups_a);
    char want[4096];
    snprintf(want, sizeof(want), "%s%s",
             TOTALS(4, 100, 5, 3, 0, 2, 11, "\"" D1 "10:00:00.000Z\"", "\"" D1 "12:00:00.000Z\""),
             groups_a);
    assert_string_equal(out, want);
    free(out);

    const char *const ee[] = {report_empty, report_empty};
    out = merged(ee, 2);
    assert_string_equal(out, TOTALS(2, 0, 4, 0, 0, 2, 10, "null", "null") "]}\n");
    free(out);

    /* CSV without any key known: no key columns. */
    char msg[600];
    assert_int_equal(merge_texts(ee, NULL, 2, REPORT_CSV, NULL, 0, &out, msg, sizeof(msg)),
                     EXTLS_OK);
    assert_string_equal(out, "sessions,ssl2,ssl3,tls1_0,tls1_1,tls1_2,tls1_3,tls_unknown,"
                             "tls_failed,none,first,last,legacy,with_tls\n");
    free(out);
}

/* Regrouping by fewer keys adds the groups up exactly. */
static void
regroup_by_fewer_keys(void **state)
{
    (void)state;
    const char *const v[] = {report_a, report_b, report_c};
    static const enum agg_key by_dir[] = {AGG_DIRECTION};
    char *out, msg[600];
    assert_int_equal(merge_texts(v, NULL, 3, REPORT_CSV, by_dir, 1, &out, msg, sizeof(msg)),
                     EXTLS_OK);
    assert_string_equal(
        out, "direction,sessions,ssl2,ssl3,tls1_0,tls1_1,tls1_2,tls1_3,tls_unknown,tls_failed,"
             "none,first,last,legacy,with_tls\n"
             "receive,4,0,1,0,0,2,0,0,0,1,2023-01-11T09:00:00.000Z,2023-01-12T08:00:00.000Z,1,3\n"
             "send,5,0,0,1,0,2,0,0,1,1,2023-01-11T09:30:00.000Z,2023-01-12T08:05:00.000Z,1,3\n");
    free(out);

    static const enum agg_key by_conn[] = {AGG_CONNECTOR};
    assert_int_equal(merge_texts(v, NULL, 3, REPORT_TSV, by_conn, 1, &out, msg, sizeof(msg)),
                     EXTLS_OK);
    assert_string_equal(
        out, "connector\tsessions\tssl2\tssl3\ttls1_0\ttls1_1\ttls1_2\ttls1_3\ttls_unknown\t"
             "tls_failed\tnone\tfirst\tlast\tlegacy\twith_tls\n"
             "EX1\\Default\t3\t0\t1\t0\t0\t1\t0\t0\t0\t1\t2023-01-11T10:00:00.000Z\t"
             "2023-01-12T08:00:00.000Z\t1\t2\n"
             "EX2\\Default\t1\t0\t0\t0\t0\t1\t0\t0\t0\t0\t2023-01-11T09:00:00.000Z\t"
             "2023-01-11T09:00:00.000Z\t0\t1\n"
             "Out\"bound \xC3\xA9\t1\t0\t0\t0\t0\t0\t0\t0\t0\t1\t2023-01-12T08:05:00.000Z\t"
             "2023-01-12T08:05:00.000Z\t0\t0\n"
             "Outbound\t4\t0\t0\t1\t0\t2\t0\t0\t1\t0\t2023-01-11T09:30:00.000Z\t"
             "2023-01-11T12:00:00.000Z\t1\t3\n");
    free(out);

    static const enum agg_key by_day[] = {AGG_DIRECTION, AGG_DAY};
    assert_int_equal(merge_texts(v, NULL, 3, REPORT_CSV, by_day, 2, &out, msg, sizeof(msg)),
                     EXTLS_EINVAL);
    assert_null(out);
    assert_string_equal(msg, "cannot group by 'day': the reports are grouped by "
                             "'direction,connector'");
}

/* Reports keyed differently are refused, naming both. */
static void
different_keys_refused(void **state)
{
    (void)state;
    static const char by_dir[] =
        TOTALS(1, 1, 0, 1, 0, 0, 0, "\"" D1 "10:00:00.000Z\"",
               "\"" D1 "10:00:00.000Z\"") "\n"
                                          "{\"direction\":\"send\",\"sessions\":1," TLS(
                                              0, 0, 0, 0, 0, 0, 0, 0,
                                              1) ",\"first\":\"" D1 "10:00:00.000Z\",\"last\":\"" D1
                                                 "10:00:00.000Z\"}\n]}\n";
    char *out, msg[600];
    const char *const v1[] = {report_empty, report_a, by_dir};
    const char *const n1[] = {"e.json", "a.json", "d.json"};
    assert_int_equal(merge_texts(v1, n1, 3, REPORT_JSON, NULL, 0, &out, msg, sizeof(msg)),
                     EXTLS_EPARSE);
    assert_string_equal(msg, "d.json:4:1: groups keyed by 'direction', but those of 'a.json' by "
                             "'direction,connector'");
    const char *const v2[] = {by_dir, report_a};
    const char *const n2[] = {"d.json", "a.json"};
    assert_int_equal(merge_texts(v2, n2, 2, REPORT_JSON, NULL, 0, &out, msg, sizeof(msg)),
                     EXTLS_EPARSE);
    assert_string_equal(msg, "a.json:4:1: groups keyed by 'direction,connector', but those of "
                             "'d.json' by 'direction'");
    /* The same keys in another order are other keys. */
    static const char swapped[] =
        TOTALS(1, 1, 0, 1, 0, 0, 0, "\"" D1 "10:00:00.000Z\"",
               "\"" D1
               "10:00:00.000Z\"") "\n"
                                  "{\"connector\":\"X\",\"direction\":\"send\",\"sessions\":1," TLS(
                                      0, 0, 0, 0, 0, 0, 0, 0, 1) ",\"first\":\"" D1
                                                                 "10:00:00.000Z\",\"last\":\"" D1
                                                                 "10:00:00.000Z\"}\n]}\n";
    const char *const v3[] = {report_a, swapped};
    const char *const n3[] = {"a.json", "s.json"};
    assert_int_equal(merge_texts(v3, n3, 2, REPORT_JSON, NULL, 0, &out, msg, sizeof(msg)),
                     EXTLS_EPARSE);
    assert_string_equal(msg, "s.json:4:1: groups keyed by 'connector,direction', but those of "
                             "'a.json' by 'direction,connector'");
    /* The table needs direction and connector. */
    const char *const v4[] = {by_dir};
    assert_int_equal(merge_texts(v4, NULL, 1, REPORT_TABLE, NULL, 0, &out, msg, sizeof(msg)),
                     EXTLS_EINVAL);
    assert_string_equal(msg, "the table needs reports grouped by direction and connector; these "
                             "are grouped by 'direction': use --format json, jsonl, csv or tsv");
}

/*
 * Sums past 2^64 - 1 are refused, not wrapped. A report's counters are at
 * most 2^63 - 1 (jsonin.h), so it takes more than two reports.
 */
static void
overflow_refused(void **state)
{
    (void)state;
    static const char huge[] =
        TOTALS(1, 1, 0, 9223372036854775807, 0, 0, 0, "\"" D1 "10:00:00.000Z\"",
               "\"" D1
               "10:00:00.000Z\"") "\n" GROUP("send", "Outbound", 9223372036854775807,
                                             TLS(0, 0, 0, 0, 0, 0, 0, 0, 9223372036854775807),
                                             D1 "10:00:00.000Z", D1 "10:00:00.000Z", 0, 0) "\n]}\n";
    char *out, msg[600];
    /* 2 * (2^63 - 1) = 2^64 - 2 sessions of send/Outbound, then 3 more. */
    const char *const v[] = {huge, huge, report_b};
    const char *const n[] = {"huge.json", "huge2.json", "b.json"};
    assert_int_equal(merge_texts(v, n, 3, REPORT_JSON, NULL, 0, &out, msg, sizeof(msg)),
                     EXTLS_ETOOBIG);
    assert_string_equal(msg, "b.json:5:1: this group's sessions, added to the reports before, "
                             "pass 2^64-1");
    /* Totals alone: a group of its own, but files overflow. */
    static const char many_files[] =
        TOTALS(9223372036854775807, 0, 0, 0, 0, 0, 0, "null", "null") "]}\n";
    const char *const w[] = {report_b, many_files, many_files, report_a};
    const char *const wn[] = {"b.json", "m.json", "m2.json", "a.json"};
    assert_int_equal(merge_texts(w, wn, 4, REPORT_JSON, NULL, 0, &out, msg, sizeof(msg)),
                     EXTLS_ETOOBIG);
    assert_string_equal(msg, "a.json: its totals, added to the reports before, pass 2^64-1");
    /* A malformed report names its place. */
    const char *const bad[] = {report_a, "{\"schema\":\"extls/1\",\n  \"totals\":[]}"};
    const char *const bn[] = {"a.json", "bad.json"};
    assert_int_equal(merge_texts(bad, bn, 2, REPORT_JSON, NULL, 0, &out, msg, sizeof(msg)),
                     EXTLS_EPARSE);
    assert_string_equal(msg, "bad.json:2:12: expected '{' (the totals), found an array");
}

/* The table: per-connector section only, as the reports allow. */
static void
table_per_connector_only(void **state)
{
    (void)state;
    struct merge *m = merge_new();
    assert_non_null(m);
    assert_int_equal(merge_add_mem(m, report_a, strlen(report_a), 0, "a"), EXTLS_OK);
    assert_int_equal(merge_add_mem(m, report_c, strlen(report_c), 0, "c"), EXTLS_OK);
    struct report r;
    assert_int_equal(merge_report(m, REPORT_TABLE, NULL, 0, &r), EXTLS_OK);
    assert_null(r.by_remote);
    assert_null(r.groups);
    assert_non_null(r.by_connector);
    assert_int_equal(agg_size(r.by_connector), 3);
    assert_int_equal(r.totals.files, 5);
    char *out;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    assert_int_equal(report_write(f, &r), EXTLS_OK);
    fclose(f);
    assert_string_equal(
        out,
        "TLS use per connector (tls%, legacy%: of its sessions)\n"
        "direction  connector    sessions  ssl2  ssl3  tls1_0  tls1_1  tls1_2  tls1_3  "
        "tls_unknown  tls_failed  none  tls%  legacy%\n"
        "receive    EX1\\Default         3     0     1       0       0       1       0  "
        "          0           0     1   67%      33%\n"
        "send       Out\"bound \xC3\xA9         1     0     0       0       0       0       0  "
        "          0           0     1    0%       0%\n"
        "send       Outbound            1     0     0       1       0       0       0  "
        "          0           0     0  100%     100%\n"
        "\n5 files (1 with a read error), 170 rows, 1 malformed, 5 sessions (1 more excluded by "
        "filters)\nsessions starting 2023-01-11T10:00:00.000Z to 2023-01-12T08:05:00.000Z\n");
    free(out);
    /* Class totals, which --fail-on judges (run.c derives them from the groups). */
    uint64_t count[EXTLS_N_CLASSES];
    static const uint64_t want[EXTLS_N_CLASSES] = {
        [EXTLS_SSL3] = 1, [EXTLS_TLS1_0] = 1, [EXTLS_TLS1_2] = 1, [EXTLS_NONE] = 2};
    agg_class_totals(r.by_connector, count);
    assert_memory_equal(count, want, sizeof(want));
    merge_free(m);
    merge_free(NULL);
}

/* A file named twice (or through a link) is read once; a pipe every time. */
static void
same_file_read_once(void **state)
{
    (void)state;
    char path[] = "/tmp/test_merge_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, report_a, strlen(report_a)), (ssize_t)strlen(report_a));
    close(fd);
    char link[sizeof(path) + 8];
    snprintf(link, sizeof(link), "%s.lnk", path);
    assert_int_equal(symlink(path, link), 0);
    struct merge *m = merge_new();
    assert_non_null(m);
    const char *names[] = {path, link, path};
    for (int i = 0; i < 3; i++) {
        fd = open(names[i], O_RDONLY);
        assert_true(fd >= 0);
        assert_int_equal(merge_add_fd(m, fd, names[i]), EXTLS_OK);
        close(fd);
        /* report_a is clean; a file read before is not judged again */
        assert_string_equal(merge_flaw(m), "");
    }
    /* Two pipes carrying the same bytes are two reports. */
    for (int i = 0; i < 2; i++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        assert_int_equal(write(p[1], report_b, strlen(report_b)), (ssize_t)strlen(report_b));
        close(p[1]);
        assert_int_equal(merge_add_fd(m, p[0], "pipe"), EXTLS_OK);
        close(p[0]);
    }
    struct report r;
    assert_int_equal(merge_report(m, REPORT_JSON, NULL, 0, &r), EXTLS_OK);
    assert_int_equal(r.totals.files, 2 + 1 + 1);
    assert_int_equal(r.totals.sessions, 3 + 4 + 4);
    merge_free(m);
    unlink(link);
    unlink(path);
}

/* The flaw of each report added, or "" (merge_flaw() after merge_add_mem()). */
static void
flaws_of(const char *const *texts, size_t n, const char **want)
{
    struct merge *m = merge_new();
    assert_non_null(m);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(merge_add_mem(m, texts[i], strlen(texts[i]), 0, "r.json"), EXTLS_OK);
        assert_string_equal(merge_flaw(m), want[i]);
    }
    merge_free(m);
}

/*
 * A report whose run could not read some inputs, saw no file, or read only
 * malformed rows is flawed; one with files read and no group (a quiet day)
 * is clean. Flawed reports are merged all the same.
 */
static void
flawed_reports(void **state)
{
    (void)state;
    static const char quiet[] = TOTALS(3, 0, 0, 0, 0, 0, 0, "null", "null") "]}\n";
    static const char no_file[] = TOTALS(0, 0, 0, 0, 4, 0, 0, "null", "null") "]}\n";
    static const char malformed_only[] = TOTALS(1, 0, 27, 0, 0, 0, 0, "null", "null") "]}\n";
    static const char failed_two[] = TOTALS(0, 0, 0, 0, 0, 2, 0, "null", "null") "]}\n";
    const char *const texts[] = {report_a,       quiet,      report_c,     no_file,
                                 malformed_only, failed_two, report_empty, report_b};
    const char *want[] = {
        "",
        "",
        "incomplete: 1 input of its run could not be read (files_failed)",
        "its run saw nothing: no SMTP protocol log read (files 0)",
        "its run saw nothing: all 27 rows read were malformed",
        "incomplete: 2 inputs of its run could not be read (files_failed)",
        "incomplete: 1 input of its run could not be read (files_failed)",
        "",
    };
    flaws_of(texts, N(texts), want);
    /*
     * Merged all the same: the totals of every report, each report that saw
     * nothing counted as one input that could not be read (4 + 2).
     */
    char *out = merged(texts, N(texts));
    assert_non_null(strstr(out, "\"totals\":{\"files\":11,\"rows\":220,\"malformed_rows\":30,"));
    assert_non_null(strstr(out, "\"files_failed\":6,"));
    free(out);
}

/*
 * A merged report keeps the flag of a report that saw nothing: merged
 * again, alone or beside a clean one, it is flagged, at any depth.
 */
static void
saw_nothing_survives_merging(void **state)
{
    (void)state;
    static const char no_file[] = TOTALS(0, 0, 0, 0, 4, 0, 0, "null", "null") "]}\n";
    static const char malformed_only[] = TOTALS(1, 0, 27, 0, 0, 0, 0, "null", "null") "]}\n";
    const char *const blind[] = {no_file, malformed_only};
    const char *want[] = {"incomplete: 1 input of its run could not be read (files_failed)", ""};
    for (size_t i = 0; i < N(blind); i++) {
        const char *const first[] = {report_a, blind[i]};
        char *m1 = merged(first, 2);
        assert_non_null(strstr(m1, "\"files_failed\":1,"));
        const char *const second[] = {m1, report_b};
        char *m2 = merged(second, 2);
        assert_non_null(strstr(m2, "\"files_failed\":1,"));
        const char *const third[] = {m2};
        char *m3 = merged(third, 1);
        assert_string_equal(m3, m2); /* a merged report merged alone: its own bytes */
        const char *const again[] = {m2, report_a};
        flaws_of(again, 2, want);
        free(m1);
        free(m2);
        free(m3);
    }
    /* Two blind reports: two inputs that could not be read. */
    char *both = merged(blind, 2);
    assert_non_null(strstr(both, "\"files_failed\":2,"));
    free(both);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(three_reports_by_hand),
        cmocka_unit_test(associative_and_commutative),
        cmocka_unit_test(one_report_is_its_own_merge),
        cmocka_unit_test(report_without_groups),
        cmocka_unit_test(regroup_by_fewer_keys),
        cmocka_unit_test(different_keys_refused),
        cmocka_unit_test(overflow_refused),
        cmocka_unit_test(table_per_connector_only),
        cmocka_unit_test(same_file_read_once),
        cmocka_unit_test(flawed_reports),
        cmocka_unit_test(saw_nothing_survives_merging),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
