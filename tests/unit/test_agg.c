/* SPDX-License-Identifier: MIT */
/*
 * test_agg.c: sessions counted per group: grouping by the selected keys,
 * counters, first/last start, the latest host, and the bytewise sort order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agg.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct span
fld(const char *s)
{
    struct span f = {s, strlen(s)};
    return f;
}

/* Field with an explicit length (may hold NUL or 0xff bytes). */
static struct span
fldn(const char *s, size_t len)
{
    struct span f = {s, len};
    return f;
}

/* Keys of one session, every key given (the table uses the selected ones). */
static void
keys(struct span k[AGG_N_KEYS], const char *dir, const char *conn, const char *remote,
     const char *day, const char *ehlo, const char *cipher)
{
    k[AGG_DIRECTION] = fld(dir);
    k[AGG_CONNECTOR] = fld(conn);
    k[AGG_REMOTE] = fld(remote);
    k[AGG_DAY] = fld(day);
    k[AGG_EHLO] = fld(ehlo);
    k[AGG_CIPHER] = fld(cipher);
    k[AGG_HOUR] = fld("");
}

static void
add(struct agg *a, const struct span k[AGG_N_KEYS], enum extls_class cls, int64_t start,
    const char *host)
{
    assert_int_equal(agg_add(a, k, cls, start, fld(host)), EXTLS_OK);
}

static void
assert_field(struct span f, const char *want, size_t len)
{
    assert_non_null(f.ptr);
    assert_int_equal(f.len, len);
    assert_memory_equal(f.ptr, want, len);
    assert_int_equal(f.ptr[len], '\0');
}

static void
key_names_round_trip(void **state)
{
    (void)state;
    static const char *const want[AGG_N_KEYS] = {"direction", "connector", "remote", "day",
                                                 "ehlo",      "cipher",    "server", "hour"};
    for (int k = 0; k < AGG_N_KEYS; k++) {
        assert_string_equal(agg_key_name((enum agg_key)k), want[k]);
        assert_int_equal(agg_key_parse(want[k], strlen(want[k])), k);
    }
    /* The length counts, not a NUL. */
    assert_int_equal(agg_key_parse("remote,day", 6), AGG_REMOTE);
    assert_int_equal(agg_key_parse("day", 2), -1);
    assert_int_equal(agg_key_parse("dayx", 4), -1);
    assert_int_equal(agg_key_parse("host", 4), -1);
    assert_int_equal(agg_key_parse("", 0), -1);
}

static void
keys_kept_in_agg_new_order(void **state)
{
    (void)state;
    const enum agg_key order[] = {AGG_EHLO, AGG_DIRECTION, AGG_CIPHER};
    struct agg *a = agg_new(order, N(order));
    assert_non_null(a);
    size_t n = 99;
    const enum agg_key *got = agg_keys(a, &n);
    assert_int_equal(n, 3);
    assert_int_equal(got[0], AGG_EHLO);
    assert_int_equal(got[1], AGG_DIRECTION);
    assert_int_equal(got[2], AGG_CIPHER);
    assert_int_equal(agg_size(a), 0);
    assert_null(agg_sorted(a));
    agg_free(a);
    agg_free(NULL);
}

/* Unselected keys do not split groups and read as "" in the group. */
static void
unselected_keys_ignored(void **state)
{
    (void)state;
    const enum agg_key order[] = {AGG_REMOTE};
    struct agg *a = agg_new(order, N(order));
    assert_non_null(a);
    struct span k[AGG_N_KEYS];
    char remote[] = "95.10.20.33";
    keys(k, "receive", "Default EX01", remote, "2024-03-13", "a.test", "CALG_AES_128");
    add(a, k, EXTLS_TLS1_2, 1000, "a.test");
    keys(k, "send", "Internet", remote, "2024-03-14", "b.test", "");
    add(a, k, EXTLS_NONE, 2000, "b.test");
    keys(k, "receive", "Default EX01", "95.10.20.34", "2024-03-13", "a.test", "CALG_AES_128");
    add(a, k, EXTLS_TLS1_2, 3000, "a.test");
    assert_int_equal(agg_size(a), 2);
    /* Values are copied: changing the caller's bytes changes no group. */
    memset(remote, 'x', strlen(remote));
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    assert_field(g[0]->key[AGG_REMOTE], "95.10.20.33", 11);
    assert_int_equal(g[0]->sessions, 2);
    assert_int_equal(g[0]->count[EXTLS_TLS1_2], 1);
    assert_int_equal(g[0]->count[EXTLS_NONE], 1);
    assert_field(g[1]->key[AGG_REMOTE], "95.10.20.34", 11);
    assert_int_equal(g[1]->sessions, 1);
    for (int i = 0; i < 2; i++) {
        for (int key = 0; key < AGG_N_KEYS; key++) {
            if (key != AGG_REMOTE)
                assert_field(g[i]->key[key], "", 0);
        }
    }
    agg_free(a);
}

/* No key selected: every session in one group. */
static void
no_keys_one_group(void **state)
{
    (void)state;
    const enum agg_key order[] = {AGG_DAY}; /* not used: n = 0 */
    struct agg *a = agg_new(order, 0);
    assert_non_null(a);
    size_t n = 99;
    agg_keys(a, &n);
    assert_int_equal(n, 0);
    struct span k[AGG_N_KEYS];
    keys(k, "receive", "A", "1", "2024-03-13", "", "");
    add(a, k, EXTLS_SSL3, 5, "");
    keys(k, "send", "B", "2", "2024-03-14", "e", "c");
    add(a, k, EXTLS_TLS1_3, 7, "");
    assert_int_equal(agg_size(a), 1);
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    assert_int_equal(g[0]->sessions, 2);
    for (int key = 0; key < AGG_N_KEYS; key++)
        assert_field(g[0]->key[key], "", 0);
    agg_free(a);
}

static void
counts_sum_and_first_last_start(void **state)
{
    (void)state;
    const enum agg_key order[] = {AGG_DIRECTION, AGG_CONNECTOR};
    struct agg *a = agg_new(order, N(order));
    assert_non_null(a);
    struct span k[AGG_N_KEYS];
    keys(k, "receive", "Default EX01", "1.2.3.4", "2024-03-13", "h", "c");
    /* Class c gets c + 1 sessions, starts out of order, including negatives. */
    static const int64_t starts[] = {500, -20, 900, 30, 1700000000000, -21, 0};
    size_t n_start = 0;
    uint64_t total = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        for (int i = 0; i <= c; i++) {
            add(a, k, (enum extls_class)c, starts[n_start++ % N(starts)], "");
            total++;
        }
    }
    assert_int_equal(total, 45);
    assert_int_equal(agg_size(a), 1);
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    assert_int_equal(g[0]->sessions, 45);
    uint64_t sum = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        assert_int_equal(g[0]->count[c], (uint64_t)c + 1);
        sum += g[0]->count[c];
    }
    assert_int_equal(sum, g[0]->sessions);
    assert_int_equal(g[0]->first_ms, -21);
    assert_int_equal(g[0]->last_ms, 1700000000000);
    /* No session had a host. */
    assert_field(g[0]->host, "", 0);
    assert_field(g[0]->key[AGG_DIRECTION], "receive", 7);
    assert_field(g[0]->key[AGG_CONNECTOR], "Default EX01", 12);
    agg_free(a);
}

/* Add (start, host) pairs to a fresh one-group table; check the host kept. */
static void
host_after(const int64_t *start, const char *const *host, size_t n, const char *want,
           int64_t want_ms)
{
    const enum agg_key order[] = {AGG_REMOTE};
    struct agg *a = agg_new(order, N(order));
    assert_non_null(a);
    struct span k[AGG_N_KEYS];
    keys(k, "receive", "C", "1.2.3.4", "2024-03-13", "", "");
    for (size_t i = 0; i < n; i++)
        add(a, k, EXTLS_NONE, start[i], host[i]);
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    assert_field(g[0]->host, want, strlen(want));
    assert_int_equal(g[0]->host_ms, want_ms);
    agg_free(a);
}

/*
 * The host of the latest session that had one; an empty host is skipped;
 * a tie on the start keeps the bytewise smaller name (agg.c), so the result
 * does not depend on the order of the sessions.
 */
static void
host_of_latest_session(void **state)
{
    (void)state;
    static const int64_t s1[] = {100, 50, 200};
    static const char *const h1[] = {"mx1.test", "old.test", ""};
    host_after(s1, h1, N(s1), "mx1.test", 100);
    static const int64_t s2[] = {50, 100, 150};
    static const char *const h2[] = {"old.test", "mx1.test", "new.test"};
    host_after(s2, h2, N(s2), "new.test", 150);
    /* Ties at 100, in two orders; "aa" is a prefix of "aaa", so smaller. */
    static const int64_t s3[] = {100, 100, 100, 100, 90};
    static const char *const h3[] = {"mx1.test", "aaa", "mx0.test", "aa", "0"};
    host_after(s3, h3, N(s3), "aa", 100);
    static const char *const h4[] = {"aa", "mx0.test", "aaa", "mx1.test", "0"};
    host_after(s3, h4, N(s3), "aa", 100);
    /* Bytes >= 0x80 sort after ASCII. */
    static const int64_t s5[] = {7, 7};
    static const char *const h5[] = {"z.test", "\xc3\xa9.test"};
    host_after(s5, h5, N(s5), "z.test", 7);
    static const char *const h6[] = {"\xc3\xa9.test", "z.test"};
    host_after(s5, h6, N(s5), "z.test", 7);
}

struct pair {
    const char *conn, *remote;
};

/* Sessions with (connector, remote) values, some twice, added in this order. */
static const struct pair sort_input[] = {
    {"b", "1"}, {"a", "2"}, {"ab", ""}, {"a", "10"},    {"", "z"},         {"a", ""},
    {"a", "1"}, {"Z", "1"}, {"a", "2"}, {"a\x80", "0"}, {"\xc3\xa9", "1"}, {"", "z"},
};

static void
check_sorted(const enum agg_key *order, size_t n_order, const struct pair *want, size_t n)
{
    struct agg *a = agg_new(order, n_order);
    assert_non_null(a);
    struct span k[AGG_N_KEYS];
    for (size_t i = 0; i < N(sort_input); i++) {
        keys(k, "receive", sort_input[i].conn, sort_input[i].remote, "2024-03-13", "e", "c");
        add(a, k, EXTLS_NONE, (int64_t)i, "");
    }
    assert_int_equal(agg_size(a), n);
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    for (size_t i = 0; i < n; i++) {
        assert_field(g[i]->key[AGG_CONNECTOR], want[i].conn, strlen(want[i].conn));
        assert_field(g[i]->key[AGG_REMOTE], want[i].remote, strlen(want[i].remote));
        assert_field(g[i]->key[AGG_DAY], "", 0);
        int twice = (strcmp(want[i].conn, "a") == 0 && strcmp(want[i].remote, "2") == 0) ||
                    (strcmp(want[i].conn, "") == 0 && strcmp(want[i].remote, "z") == 0);
        assert_int_equal(g[i]->sessions, twice ? 2 : 1);
    }
    agg_free(a);
}

/* Bytewise, key by key in agg_new() order: a prefix first, "" first, 0x80+ last. */
static void
sorted_key_by_key_bytewise(void **state)
{
    (void)state;
    const enum agg_key conn_remote[] = {AGG_CONNECTOR, AGG_REMOTE};
    static const struct pair by_conn[] = {
        {"", "z"},  {"Z", "1"}, {"a", ""},      {"a", "1"}, {"a", "10"},
        {"a", "2"}, {"ab", ""}, {"a\x80", "0"}, {"b", "1"}, {"\xc3\xa9", "1"},
    };
    check_sorted(conn_remote, N(conn_remote), by_conn, N(by_conn));
    const enum agg_key remote_conn[] = {AGG_REMOTE, AGG_CONNECTOR};
    static const struct pair by_remote[] = {
        {"a", ""},  {"ab", ""},        {"a\x80", "0"}, {"Z", "1"}, {"a", "1"},
        {"b", "1"}, {"\xc3\xa9", "1"}, {"a", "10"},    {"a", "2"}, {"", "z"},
    };
    check_sorted(remote_conn, N(remote_conn), by_remote, N(by_remote));
}

/* ("ab","") and ("a","b") are different groups, as are ("a\xff","") and ("a","\xff"). */
static void
key_boundaries_split_groups(void **state)
{
    (void)state;
    const enum agg_key order[] = {AGG_CONNECTOR, AGG_REMOTE};
    struct agg *a = agg_new(order, N(order));
    assert_non_null(a);
    struct span k[AGG_N_KEYS];
    keys(k, "receive", "", "", "d", "e", "c");
    static const struct {
        const char *conn;
        size_t conn_len;
        const char *remote;
        size_t remote_len;
        int times;
    } in[] = {
        {"ab", 2, "", 0, 1},    {"a", 1, "b", 1, 2},   {"a\xff", 2, "", 0, 3},
        {"a", 1, "\xff", 1, 4}, {"a\0b", 3, "", 0, 5}, {"a", 1, "\0b", 2, 6},
    };
    for (size_t i = 0; i < N(in); i++) {
        k[AGG_CONNECTOR] = fldn(in[i].conn, in[i].conn_len);
        k[AGG_REMOTE] = fldn(in[i].remote, in[i].remote_len);
        for (int t = 0; t < in[i].times; t++)
            add(a, k, EXTLS_NONE, 0, "");
    }
    assert_int_equal(agg_size(a), 6);
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    /* Sorted: "a" (remotes "\0b" < "b" < "\xff"), "a\0b", "ab", "a\xff". */
    static const size_t want[] = {5, 1, 3, 4, 0, 2};
    for (size_t i = 0; i < N(want); i++) {
        size_t w = want[i];
        assert_field(g[i]->key[AGG_CONNECTOR], in[w].conn, in[w].conn_len);
        assert_field(g[i]->key[AGG_REMOTE], in[w].remote, in[w].remote_len);
        assert_int_equal(g[i]->sessions, (uint64_t)in[w].times);
    }
    agg_free(a);
}

/* agg_sorted() is valid until the next agg_add(): a new group must show up. */
static void
sorted_refreshed_after_add(void **state)
{
    (void)state;
    const enum agg_key order[] = {AGG_EHLO};
    struct agg *a = agg_new(order, N(order));
    assert_non_null(a);
    struct span k[AGG_N_KEYS];
    keys(k, "receive", "C", "r", "d", "m.test", "c");
    add(a, k, EXTLS_TLS1_2, 10, "");
    keys(k, "receive", "C", "r", "d", "x.test", "c");
    add(a, k, EXTLS_TLS1_0, 20, "");
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    assert_field(g[0]->key[AGG_EHLO], "m.test", 6);
    assert_field(g[1]->key[AGG_EHLO], "x.test", 6);
    /* Asking twice without an add gives the same answer. */
    assert_ptr_equal(agg_sorted(a), g);
    /* Existing group: counters change, groups do not. */
    add(a, k, EXTLS_TLS1_0, 5, "");
    g = agg_sorted(a);
    assert_non_null(g);
    assert_int_equal(agg_size(a), 2);
    assert_int_equal(g[1]->sessions, 2);
    assert_int_equal(g[1]->count[EXTLS_TLS1_0], 2);
    assert_int_equal(g[1]->first_ms, 5);
    assert_int_equal(g[1]->last_ms, 20);
    /* A new group sorting first. */
    keys(k, "receive", "C", "r", "d", "a.test", "c");
    add(a, k, EXTLS_NONE, 30, "");
    g = agg_sorted(a);
    assert_non_null(g);
    assert_int_equal(agg_size(a), 3);
    assert_field(g[0]->key[AGG_EHLO], "a.test", 6);
    assert_field(g[1]->key[AGG_EHLO], "m.test", 6);
    assert_field(g[2]->key[AGG_EHLO], "x.test", 6);
    assert_int_equal(g[0]->count[EXTLS_NONE], 1);
    agg_free(a);
}

/* 50000 groups (table growth), each added twice in a scrambled order. */
static void
many_groups(void **state)
{
    (void)state;
    enum { N_GROUPS = 50000 };
    const enum agg_key order[] = {AGG_DAY, AGG_REMOTE};
    struct agg *a = agg_new(order, N(order));
    assert_non_null(a);
    struct span k[AGG_N_KEYS];
    char remote[16];
    keys(k, "receive", "C", "", "2024-03-13", "e", "c");
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < N_GROUPS; i++) {
            unsigned j = (unsigned)(((uint64_t)i * 7919u + (unsigned)pass * 12345u) % N_GROUPS);
            snprintf(remote, sizeof(remote), "r%08u", j);
            k[AGG_REMOTE] = fld(remote);
            assert_int_equal(agg_add(a, k, pass ? EXTLS_NONE : EXTLS_TLS1_2,
                                     (int64_t)j * 10 + pass * 5, fld(pass ? "" : "h.test")),
                             EXTLS_OK);
        }
        assert_int_equal(agg_size(a), N_GROUPS);
    }
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    for (unsigned j = 0; j < N_GROUPS; j++) {
        snprintf(remote, sizeof(remote), "r%08u", j);
        if (g[j]->key[AGG_REMOTE].len != 9 || memcmp(g[j]->key[AGG_REMOTE].ptr, remote, 9) != 0)
            fail_msg("group %u is %s, want %s", j, g[j]->key[AGG_REMOTE].ptr, remote);
        if (g[j]->sessions != 2 || g[j]->count[EXTLS_TLS1_2] != 1 || g[j]->count[EXTLS_NONE] != 1 ||
            g[j]->first_ms != (int64_t)j * 10 || g[j]->last_ms != (int64_t)j * 10 + 5 ||
            g[j]->host_ms != (int64_t)j * 10 || strcmp(g[j]->host.ptr, "h.test") != 0)
            fail_msg("group %u has wrong counters", j);
    }
    agg_free(a);
}

/* A whole group added: counts summed, range widened; overflow refused. */
static void
add_group_sums_and_refuses_overflow(void **state)
{
    (void)state;
    const enum agg_key order[] = {AGG_SERVER, AGG_DIRECTION};
    struct agg *a = agg_new(order, N(order));
    assert_non_null(a);
    struct span k[AGG_N_KEYS];
    keys(k, "send", "Outbound", "1.2.3.4", "", "", "");
    k[AGG_SERVER] = fld("EX01");
    struct agg_group g;
    memset(&g, 0, sizeof(g));
    g.sessions = 3;
    g.count[EXTLS_TLS1_2] = 2;
    g.count[EXTLS_NONE] = 1;
    g.first_ms = 10;
    g.last_ms = 20;
    g.host = fld("mx.test");
    g.host_ms = 20;
    assert_int_equal(agg_add_group(a, k, &g), EXTLS_OK);
    g.first_ms = 5;
    g.last_ms = 8;
    assert_int_equal(agg_add_group(a, k, &g), EXTLS_OK);
    assert_int_equal(agg_size(a), 1);
    const struct agg_group *const *v = agg_sorted(a);
    assert_non_null(v);
    assert_field(v[0]->key[AGG_SERVER], "EX01", 4);
    assert_field(v[0]->key[AGG_DIRECTION], "send", 4);
    assert_field(v[0]->key[AGG_CONNECTOR], "", 0);
    assert_int_equal(v[0]->sessions, 6);
    assert_int_equal(v[0]->count[EXTLS_TLS1_2], 4);
    assert_int_equal(v[0]->count[EXTLS_NONE], 2);
    assert_int_equal(v[0]->first_ms, 5);
    assert_int_equal(v[0]->last_ms, 20);
    assert_string_equal(v[0]->host.ptr, "mx.test");
    /* One more session than fits: refused, the group unchanged. */
    struct agg_group big;
    memset(&big, 0, sizeof(big));
    big.sessions = UINT64_MAX - 5;
    big.count[EXTLS_SSL2] = UINT64_MAX - 5;
    big.first_ms = 1;
    big.last_ms = 99;
    big.host.ptr = "";
    assert_int_equal(agg_add_group(a, k, &big), EXTLS_ETOOBIG);
    v = agg_sorted(a);
    assert_int_equal(v[0]->sessions, 6);
    assert_int_equal(v[0]->count[EXTLS_SSL2], 0);
    assert_int_equal(v[0]->first_ms, 5);
    assert_int_equal(v[0]->last_ms, 20);
    big.sessions = big.count[EXTLS_SSL2] = UINT64_MAX - 6;
    assert_int_equal(agg_add_group(a, k, &big), EXTLS_OK);
    assert_true(agg_sorted(a)[0]->sessions == UINT64_MAX);
    agg_free(a);
}

/* The remote-host order of the table and the page: legacy first, then volume, then key. */
static void
legacy_first_order(void **state)
{
    (void)state;
    static const enum agg_key keys[] = {AGG_DIRECTION, AGG_REMOTE};
    struct agg *a = agg_new(keys, 2);
    assert_non_null(a);
    struct {
        const char *dir, *remote;
        enum extls_class cls;
    } add[] = {
        {"receive", "10.0.0.2", EXTLS_TLS1_2}, {"receive", "10.0.0.2", EXTLS_TLS1_2},
        {"receive", "10.0.0.2", EXTLS_TLS1_2}, {"send", "10.0.0.9", EXTLS_TLS1_0},
        {"receive", "10.0.0.3", EXTLS_SSL2},   {"receive", "10.0.0.3", EXTLS_NONE},
        {"receive", "10.0.0.1", EXTLS_TLS1_1}, {"receive", "10.0.0.4", EXTLS_NONE},
        {"receive", "10.0.0.5", EXTLS_NONE},
    };
    for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++) {
        struct span key[AGG_N_KEYS] = {{"", 0}};
        key[AGG_DIRECTION] = (struct span){add[i].dir, strlen(add[i].dir)};
        key[AGG_REMOTE] = (struct span){add[i].remote, strlen(add[i].remote)};
        assert_int_equal(agg_add(a, key, add[i].cls, 0, (struct span){"", 0}), EXTLS_OK);
    }
    const struct agg_group *v[6];
    memcpy(v, agg_sorted(a), sizeof(v));
    qsort(v, 6, sizeof(v[0]), agg_cmp_legacy_first);
    /* 10.0.0.3 (1 legacy, 2 sessions) before the 1-legacy, 1-session ones (by key:
     * receive 10.0.0.1 before send 10.0.0.9); then 10.0.0.2 (3 sessions); then 10.0.0.4, .5. */
    static const char *const want[] = {"10.0.0.3", "10.0.0.1", "10.0.0.9",
                                       "10.0.0.2", "10.0.0.4", "10.0.0.5"};
    for (int i = 0; i < 6; i++)
        assert_memory_equal(v[i]->key[AGG_REMOTE].ptr, want[i], strlen(want[i]));
    agg_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(legacy_first_order),
        cmocka_unit_test(key_names_round_trip),
        cmocka_unit_test(keys_kept_in_agg_new_order),
        cmocka_unit_test(unselected_keys_ignored),
        cmocka_unit_test(no_keys_one_group),
        cmocka_unit_test(counts_sum_and_first_last_start),
        cmocka_unit_test(host_of_latest_session),
        cmocka_unit_test(sorted_key_by_key_bytewise),
        cmocka_unit_test(key_boundaries_split_groups),
        cmocka_unit_test(sorted_refreshed_after_add),
        cmocka_unit_test(many_groups),
        cmocka_unit_test(add_group_sums_and_refuses_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
