/* SPDX-License-Identifier: MIT */
/*
 * test_servername.c: the server of a session (--server, the receive connector
 * id's server part), the names seen over a run in any order, and filling
 * in the server of send sessions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "servername.h"

static void
assert_field(struct span f, const char *want)
{
    assert_int_equal(f.len, strlen(want));
    assert_memory_equal(f.ptr, want, f.len);
}

#define OF(given, dir, conn) server_of((given), (dir), (conn), strlen(conn))

static void
server_of_a_session(void **state)
{
    (void)state;
    /* Receive connectors are "SERVER\Name". */
    assert_field(OF(NULL, EXTLS_DIR_RECEIVE, "EX2019\\Default Frontend EX2019"), "EX2019");
    assert_field(OF(NULL, EXTLS_DIR_RECEIVE, "EX01\\Relay\\odd"), "EX01");
    /* Send connectors name no server; nor do odd receive ids. */
    assert_field(OF(NULL, EXTLS_DIR_SEND, "EX2019\\Outbound"), "");
    assert_field(OF(NULL, EXTLS_DIR_SEND, "Outbound to Internet"), "");
    assert_field(OF(NULL, EXTLS_DIR_RECEIVE, "Default EX01"), "");
    assert_field(OF(NULL, EXTLS_DIR_RECEIVE, "\\Default"), "");
    assert_field(OF(NULL, EXTLS_DIR_RECEIVE, ""), "");
    /* --server wins for every session. */
    assert_field(OF("MBX01", EXTLS_DIR_RECEIVE, "EX2019\\Default"), "MBX01");
    assert_field(OF("MBX01", EXTLS_DIR_SEND, "Outbound"), "MBX01");
    /* The server part is at most EXTLS_NAME_MAX bytes. */
    char id[EXTLS_NAME_MAX + 16];
    memset(id, 'S', EXTLS_NAME_MAX);
    strcpy(id + EXTLS_NAME_MAX, "\\Default");
    struct span f = OF(NULL, EXTLS_DIR_RECEIVE, id);
    assert_int_equal(f.len, EXTLS_NAME_MAX);
    assert_ptr_equal(f.ptr, id);
    memset(id, 'S', EXTLS_NAME_MAX + 1);
    strcpy(id + EXTLS_NAME_MAX + 1, "\\Default");
    assert_field(OF(NULL, EXTLS_DIR_RECEIVE, id), "");
    /* The length counts, not a NUL: the backslash past len is not seen. */
    assert_field(server_of(NULL, EXTLS_DIR_RECEIVE, "EX01\\A", 4), "");
}

static void
note(struct server_names *s, enum extls_dir dir, const char *conn)
{
    assert_int_equal(server_names_note(s, dir, conn, strlen(conn)), EXTLS_OK);
}

static void
names_seen_in_any_order(void **state)
{
    (void)state;
    struct server_names a, b, c;
    server_names_init(&a);
    server_names_init(&b);
    server_names_init(&c);
    size_t len = 99;
    assert_null(server_names_only(&a, &len));
    /* Send sessions and ids without a server part note nothing. */
    note(&a, EXTLS_DIR_SEND, "EX9\\Outbound");
    note(&a, EXTLS_DIR_RECEIVE, "Default");
    assert_null(a.min);
    note(&a, EXTLS_DIR_RECEIVE, "EX2019\\Default");
    note(&a, EXTLS_DIR_RECEIVE, "EX2019\\Client");
    const char *only = server_names_only(&a, &len);
    assert_non_null(only);
    assert_int_equal(len, 6);
    assert_memory_equal(only, "EX2019", 6);
    /* b sees two servers; merged either way round the range is the same. */
    note(&b, EXTLS_DIR_RECEIVE, "EX2020\\Default");
    note(&b, EXTLS_DIR_RECEIVE, "EX2019\\Default");
    note(&b, EXTLS_DIR_RECEIVE, "EX20\\Default");
    assert_null(server_names_only(&b, &len));
    assert_int_equal(server_names_merge(&c, &b), EXTLS_OK);
    assert_int_equal(server_names_merge(&c, &a), EXTLS_OK);
    assert_int_equal(server_names_merge(&a, &b), EXTLS_OK);
    assert_string_equal(a.min, "EX20");
    assert_string_equal(a.max, "EX2020");
    assert_string_equal(c.min, "EX20");
    assert_string_equal(c.max, "EX2020");
    assert_null(server_names_only(&a, &len));
    /* Merging an empty set changes nothing. */
    server_names_release(&b);
    assert_null(b.min);
    assert_int_equal(server_names_merge(&a, &b), EXTLS_OK);
    assert_string_equal(a.min, "EX20");
    server_names_release(&a);
    server_names_release(&c);
}

static struct span
fld(const char *s)
{
    struct span f = {s, strlen(s)};
    return f;
}

/* One session for the table: direction, connector, server, class, start. */
static void
add(struct agg *a, const char *dir, const char *conn, const char *server, enum extls_class cls,
    int64_t ms)
{
    struct span key[AGG_N_KEYS];
    for (int k = 0; k < AGG_N_KEYS; k++)
        key[k] = fld("");
    key[AGG_DIRECTION] = fld(dir);
    key[AGG_CONNECTOR] = fld(conn);
    key[AGG_SERVER] = fld(server);
    assert_int_equal(agg_add(a, key, cls, ms, fld("")), EXTLS_OK);
}

static void
fill_unnamed_groups(void **state)
{
    (void)state;
    static const enum agg_key by[] = {AGG_SERVER, AGG_DIRECTION};
    struct agg *a = agg_new(by, 2);
    assert_non_null(a);
    add(a, "receive", "EX1\\Default", "EX1", EXTLS_TLS1_2, 100);
    add(a, "send", "Outbound", "", EXTLS_TLS1_0, 50);
    add(a, "send", "Outbound", "", EXTLS_NONE, 300);
    add(a, "receive", "Default", "", EXTLS_SSL3, 10); /* a receive id without server part */
    assert_int_equal(agg_size(a), 3);
    assert_int_equal(server_unnamed(a), 3);
    struct agg *before = a;
    assert_int_equal(server_fill(&a, "EX1", 3), EXTLS_OK);
    assert_ptr_not_equal(a, before);
    assert_int_equal(server_unnamed(a), 0);
    assert_int_equal(agg_size(a), 2);
    const struct agg_group *const *g = agg_sorted(a);
    assert_non_null(g);
    /* EX1/receive: the named group and the unnamed receive session together. */
    assert_field(g[0]->key[AGG_SERVER], "EX1");
    assert_field(g[0]->key[AGG_DIRECTION], "receive");
    assert_int_equal(g[0]->sessions, 2);
    assert_int_equal(g[0]->count[EXTLS_SSL3], 1);
    assert_int_equal(g[0]->count[EXTLS_TLS1_2], 1);
    assert_int_equal(g[0]->first_ms, 10);
    assert_int_equal(g[0]->last_ms, 100);
    assert_field(g[1]->key[AGG_SERVER], "EX1");
    assert_field(g[1]->key[AGG_DIRECTION], "send");
    assert_int_equal(g[1]->sessions, 2);
    assert_int_equal(g[1]->count[EXTLS_TLS1_0], 1);
    assert_int_equal(g[1]->count[EXTLS_NONE], 1);
    assert_int_equal(g[1]->first_ms, 50);
    assert_int_equal(g[1]->last_ms, 300);
    /* Nothing left to fill: the table stays as it is. */
    before = a;
    assert_int_equal(server_fill(&a, "EX2", 3), EXTLS_OK);
    assert_ptr_equal(a, before);
    agg_free(a);

    /* Not keyed by server: untouched, nothing unnamed. */
    static const enum agg_key dir_only[] = {AGG_DIRECTION};
    a = agg_new(dir_only, 1);
    assert_non_null(a);
    add(a, "send", "Outbound", "", EXTLS_NONE, 1);
    before = a;
    assert_int_equal(server_unnamed(a), 0);
    assert_int_equal(server_fill(&a, "EX1", 3), EXTLS_OK);
    assert_ptr_equal(a, before);
    agg_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(server_of_a_session),
        cmocka_unit_test(names_seen_in_any_order),
        cmocka_unit_test(fill_unnamed_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
