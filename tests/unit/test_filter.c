/* SPDX-License-Identifier: MIT */
/*
 * test_filter.c: which sessions a run counts: start-time bounds, direction,
 * connector regex and remote address / CIDR block, alone and combined.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "filter.h"

/* 2023-01-11T16:00:00.000Z */
#define T0 1673452800000LL

static const struct span conn_default = {"EX01\\Default Frontend EX01", 26};

/* A session with the fields filters look at. */
static struct session
sess(enum extls_dir dir, const struct span *conn, int64_t start_ms, const char *remote)
{
    struct session s;
    memset(&s, 0, sizeof(s));
    s.dir = dir;
    s.connector = conn;
    s.start_ms = start_ms;
    s.end_ms = start_ms;
    snprintf(s.remote, sizeof(s.remote), "%s", remote);
    return s;
}

/* Does a filter made of only `spec` count a session from `remote`? */
static int
remote_in(const char *spec, const char *remote)
{
    struct filter *f = filter_new();
    assert_non_null(f);
    assert_int_equal(filter_remote(f, spec), EXTLS_OK);
    struct session s = sess(EXTLS_DIR_RECEIVE, &conn_default, T0, remote);
    int in = filter_match(f, &s);
    filter_free(f);
    return in;
}

/* Does a filter made of only `pattern` count a session of connector `conn`? */
static int
connector_in(const char *pattern, const char *conn, size_t len)
{
    char err[256] = "";
    struct span c = {conn, len};
    struct filter *f = filter_new();
    assert_non_null(f);
    assert_int_equal(filter_connector(f, pattern, err, sizeof(err)), EXTLS_OK);
    assert_string_equal(err, "");
    struct session s = sess(EXTLS_DIR_RECEIVE, &c, T0, "192.0.2.1");
    int in = filter_match(f, &s);
    filter_free(f);
    return in;
}

static void
new_filter_counts_everything(void **state)
{
    (void)state;
    struct filter *f = filter_new();
    assert_non_null(f);
    struct session a = sess(EXTLS_DIR_RECEIVE, &conn_default, T0, "192.0.2.1");
    struct session b = sess(EXTLS_DIR_SEND, &conn_default, INT64_MIN, "");
    struct session c = sess(EXTLS_DIR_UNKNOWN, &conn_default, INT64_MAX - 1, "not an address");
    assert_true(filter_match(f, &a));
    assert_true(filter_match(f, &b));
    assert_true(filter_match(f, &c));
    filter_free(f);
    filter_free(NULL);
}

static void
since_inclusive_until_exclusive(void **state)
{
    (void)state;
    struct filter *f = filter_new();
    assert_non_null(f);
    filter_since(f, T0);
    filter_until(f, T0 + 1000);
    struct session s = sess(EXTLS_DIR_RECEIVE, &conn_default, T0 - 1, "192.0.2.1");
    assert_false(filter_match(f, &s));
    s.start_ms = T0;
    assert_true(filter_match(f, &s));
    s.start_ms = T0 + 999;
    assert_true(filter_match(f, &s));
    s.start_ms = T0 + 1000;
    assert_false(filter_match(f, &s));
    /* Only the start counts: a session running past `until` is in. */
    s.start_ms = T0 + 500;
    s.end_ms = T0 + 5000;
    assert_true(filter_match(f, &s));
    filter_free(f);
}

static void
since_or_until_alone(void **state)
{
    (void)state;
    struct filter *f = filter_new();
    assert_non_null(f);
    filter_until(f, T0);
    struct session s = sess(EXTLS_DIR_SEND, &conn_default, INT64_MIN, "192.0.2.1");
    assert_true(filter_match(f, &s));
    s.start_ms = T0 - 1;
    assert_true(filter_match(f, &s));
    s.start_ms = T0;
    assert_false(filter_match(f, &s));
    filter_free(f);

    f = filter_new();
    assert_non_null(f);
    filter_since(f, T0);
    s.start_ms = T0 - 1;
    assert_false(filter_match(f, &s));
    s.start_ms = INT64_MAX - 1;
    assert_true(filter_match(f, &s));
    filter_free(f);
}

static void
direction_only(void **state)
{
    (void)state;
    struct filter *f = filter_new();
    assert_non_null(f);
    struct session r = sess(EXTLS_DIR_RECEIVE, &conn_default, T0, "192.0.2.1");
    struct session s = sess(EXTLS_DIR_SEND, &conn_default, T0, "192.0.2.1");
    struct session u = sess(EXTLS_DIR_UNKNOWN, &conn_default, T0, "192.0.2.1");
    filter_direction(f, EXTLS_DIR_RECEIVE);
    assert_true(filter_match(f, &r));
    assert_false(filter_match(f, &s));
    assert_false(filter_match(f, &u));
    filter_direction(f, EXTLS_DIR_SEND);
    assert_false(filter_match(f, &r));
    assert_true(filter_match(f, &s));
    assert_false(filter_match(f, &u));
    filter_direction(f, EXTLS_DIR_UNKNOWN); /* both again */
    assert_true(filter_match(f, &r));
    assert_true(filter_match(f, &s));
    filter_free(f);
}

static void
connector_regex_unanchored_and_anchored(void **state)
{
    (void)state;
    const char *c = conn_default.ptr;
    size_t n = conn_default.len;
    assert_true(connector_in("Default", c, n));
    assert_true(connector_in("Frontend", c, n));
    assert_false(connector_in("^Default", c, n));
    assert_true(connector_in("^EX01\\\\Default", c, n));
    assert_true(connector_in("EX01$", c, n));
    assert_false(connector_in("^EX01$", c, n));
    assert_false(connector_in("default", c, n)); /* case-sensitive */
    assert_true(connector_in("(?i)default", c, n));
    assert_true(connector_in("^Relay$", "Relay", 5));
    assert_false(connector_in("^Relay$", "Relay2", 6));
    assert_true(connector_in("", "", 0));
}

static void
connector_matched_as_bytes(void **state)
{
    (void)state;
    /* Invalid UTF-8 in the connector id: '.' is one byte, no UTF error. */
    assert_true(connector_in("^caf.$", "caf\xE9", 4));
    assert_false(connector_in("^caf.$", "caf\xC3\xA9", 5));
    assert_true(connector_in("^caf..$", "caf\xC3\xA9", 5));
    /* The length is the pstr's, not strlen(): bytes after a NUL count. */
    assert_true(connector_in("^a\\x00b$", "a\0b", 3));
    assert_false(connector_in("^a$", "a\0b", 3));
}

static void
bad_connector_regex_is_einval_with_message(void **state)
{
    (void)state;
    char err[256] = "";
    struct filter *f = filter_new();
    assert_non_null(f);
    assert_int_equal(filter_connector(f, "^Relay", err, sizeof(err)), EXTLS_OK);
    assert_int_equal(filter_connector(f, "(Default", err, sizeof(err)), EXTLS_EINVAL);
    assert_non_null(strstr(err, "missing closing parenthesis"));
    const char *tail = " at offset 8";
    size_t el = strlen(err), tl = strlen(tail);
    assert_true(el > tl);
    assert_string_equal(err + el - tl, tail);
    /* The earlier pattern stays in force. */
    struct session relay_s = sess(EXTLS_DIR_SEND, &conn_default, T0, "192.0.2.1");
    struct span relay = {"Relay out", 9};
    relay_s.connector = &relay;
    struct session def_s = sess(EXTLS_DIR_SEND, &conn_default, T0, "192.0.2.1");
    assert_true(filter_match(f, &relay_s));
    assert_false(filter_match(f, &def_s));
    assert_int_equal(filter_connector(f, "a{2,1}", err, sizeof(err)), EXTLS_EINVAL);
    assert_true(err[0] != '\0');
    /* A later good pattern replaces the first one. */
    assert_int_equal(filter_connector(f, "Default", err, sizeof(err)), EXTLS_OK);
    assert_false(filter_match(f, &relay_s));
    assert_true(filter_match(f, &def_s));
    filter_free(f);
}

static void
remote_exact_ipv4(void **state)
{
    (void)state;
    assert_true(remote_in("192.0.2.10", "192.0.2.10"));
    assert_false(remote_in("192.0.2.10", "192.0.2.11"));
    assert_false(remote_in("192.0.2.10", "192.0.2.100"));
    assert_false(remote_in("192.0.2.10", "192.0.2.1"));
    assert_true(remote_in("192.0.2.10/32", "192.0.2.10"));
    assert_false(remote_in("192.0.2.10/32", "192.0.2.11"));
}

static void
remote_ipv4_blocks(void **state)
{
    (void)state;
    assert_true(remote_in("192.0.2.0/24", "192.0.2.0"));
    assert_true(remote_in("192.0.2.0/24", "192.0.2.255"));
    assert_false(remote_in("192.0.2.0/24", "192.0.3.0"));
    assert_false(remote_in("192.0.2.0/24", "192.0.1.255"));
    /* Host bits in the spec are ignored. */
    assert_true(remote_in("192.0.2.77/24", "192.0.2.1"));
    /* /0 is every IPv4 address (and only those). */
    assert_true(remote_in("0.0.0.0/0", "0.0.0.0"));
    assert_true(remote_in("0.0.0.0/0", "255.255.255.255"));
    assert_true(remote_in("10.1.2.3/0", "192.0.2.1"));
    assert_false(remote_in("0.0.0.0/0", "2001:db8::1"));
}

static void
remote_ipv4_prefix_boundary_bits(void **state)
{
    (void)state;
    assert_true(remote_in("192.0.2.4/31", "192.0.2.4"));
    assert_true(remote_in("192.0.2.4/31", "192.0.2.5"));
    assert_false(remote_in("192.0.2.4/31", "192.0.2.3"));
    assert_false(remote_in("192.0.2.4/31", "192.0.2.6"));
    assert_true(remote_in("192.0.2.128/25", "192.0.2.128"));
    assert_true(remote_in("192.0.2.128/25", "192.0.2.255"));
    assert_false(remote_in("192.0.2.128/25", "192.0.2.127"));
    assert_true(remote_in("192.0.2.0/23", "192.0.3.255"));
    assert_false(remote_in("192.0.2.0/23", "192.0.4.0"));
    assert_false(remote_in("192.0.2.0/23", "192.0.1.255"));
    assert_true(remote_in("128.0.0.0/1", "255.255.255.255"));
    assert_false(remote_in("128.0.0.0/1", "127.255.255.255"));
    assert_true(remote_in("172.16.0.0/12", "172.31.255.255"));
    assert_false(remote_in("172.16.0.0/12", "172.32.0.0"));
}

static void
remote_ipv6(void **state)
{
    (void)state;
    assert_true(remote_in("2001:db8::/32", "2001:db8::"));
    assert_true(remote_in("2001:db8::/32", "2001:db8::1"));
    assert_true(remote_in("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_false(remote_in("2001:db8::/32", "2001:db9::1"));
    assert_false(remote_in("2001:db8::/32", "2001:db7:ffff::1"));
    assert_true(remote_in("2001:db8::1/128", "2001:db8::1"));
    assert_true(remote_in("2001:db8::1", "2001:DB8:0:0:0:0:0:1")); /* same address */
    assert_false(remote_in("2001:db8::1/128", "2001:db8::2"));
    assert_true(remote_in("fe80::/10", "febf::1"));
    assert_false(remote_in("fe80::/10", "fec0::1"));
    assert_true(remote_in("::/0", "::1"));
}

static void
remote_family_mismatch_never_matches(void **state)
{
    (void)state;
    assert_false(remote_in("::/0", "192.0.2.1"));
    assert_false(remote_in("2001:db8::/32", "192.0.2.1"));
    /* IPv4-mapped IPv6 is not folded into IPv4. */
    assert_false(remote_in("192.0.2.0/24", "::ffff:192.0.2.1"));
    assert_true(remote_in("::ffff:0:0/96", "::ffff:192.0.2.1"));
}

static void
remote_zone_suffix_dropped(void **state)
{
    (void)state;
    assert_true(remote_in("fe80::1", "fe80::1%11"));
    assert_true(remote_in("fe80::/10", "fe80::1%eth0"));
    assert_false(remote_in("fe80::2", "fe80::1%11"));
}

static void
remote_text_not_an_address(void **state)
{
    (void)state;
    assert_false(remote_in("0.0.0.0/0", ""));
    assert_false(remote_in("::/0", ""));
    assert_false(remote_in("0.0.0.0/0", "mail.example.com"));
    assert_false(remote_in("0.0.0.0/0", "192.0.2.1:25"));
    assert_false(remote_in("::/0", "[2001:db8::1]"));
}

static void
bad_remote_specs_einval(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "300.1.1.1",  "1.2.3.4/33",   "2001:db8::/129", "",           "1.2.3.4/",
        "abc",        "/24",          "1.2.3/24",       "1.2.3.4/-1", "1.2.3.4/2a",
        "1.2.3.4/ 8", "1.2.3.4/0024", "fe80::1%11",     "1.2.3.4 ",   "1.2.3.4/24/8",
    };
    struct filter *f = filter_new();
    assert_non_null(f);
    assert_int_equal(filter_remote(f, "192.0.2.0/24"), EXTLS_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (filter_remote(f, bad[i]) != EXTLS_EINVAL)
            fail_msg("'%s' accepted", bad[i]);
    }
    /* The filter set before the bad specs still applies. */
    struct session in = sess(EXTLS_DIR_RECEIVE, &conn_default, T0, "192.0.2.9");
    struct session out = sess(EXTLS_DIR_RECEIVE, &conn_default, T0, "198.51.100.9");
    assert_true(filter_match(f, &in));
    assert_false(filter_match(f, &out));
    filter_free(f);
}

static void
all_filters_must_agree(void **state)
{
    (void)state;
    char err[256];
    struct filter *f = filter_new();
    assert_non_null(f);
    filter_since(f, T0);
    filter_until(f, T0 + 60000);
    filter_direction(f, EXTLS_DIR_RECEIVE);
    assert_int_equal(filter_connector(f, "Default", err, sizeof(err)), EXTLS_OK);
    assert_int_equal(filter_remote(f, "192.0.2.0/24"), EXTLS_OK);
    struct span relay = {"Relay", 5};
    struct session s = sess(EXTLS_DIR_RECEIVE, &conn_default, T0 + 1, "192.0.2.9");
    assert_true(filter_match(f, &s));
    struct session t = s;
    t.start_ms = T0 + 60000;
    assert_false(filter_match(f, &t));
    t = s;
    t.dir = EXTLS_DIR_SEND;
    assert_false(filter_match(f, &t));
    t = s;
    t.connector = &relay;
    assert_false(filter_match(f, &t));
    t = s;
    strcpy(t.remote, "192.0.3.9");
    assert_false(filter_match(f, &t));
    filter_free(f);
}

/* --class: a session without TLS rows is `none`; only masks holding none count it. */
static void
classes_mask(void **state)
{
    (void)state;
    struct filter *f = filter_new();
    assert_non_null(f);
    struct session s = sess(EXTLS_DIR_SEND, &conn_default, T0, "192.0.2.1");
    assert_int_equal(session_classify(&s), EXTLS_NONE);
    filter_classes(f, 1u << EXTLS_TLS1_0 | 1u << EXTLS_TLS1_1);
    assert_false(filter_match(f, &s));
    filter_classes(f, 1u << EXTLS_NONE | 1u << EXTLS_TLS_FAILED);
    assert_true(filter_match(f, &s));
    filter_classes(f, 0);
    assert_true(filter_match(f, &s));
    filter_free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_filter_counts_everything),
        cmocka_unit_test(since_inclusive_until_exclusive),
        cmocka_unit_test(since_or_until_alone),
        cmocka_unit_test(direction_only),
        cmocka_unit_test(connector_regex_unanchored_and_anchored),
        cmocka_unit_test(connector_matched_as_bytes),
        cmocka_unit_test(bad_connector_regex_is_einval_with_message),
        cmocka_unit_test(remote_exact_ipv4),
        cmocka_unit_test(remote_ipv4_blocks),
        cmocka_unit_test(remote_ipv4_prefix_boundary_bits),
        cmocka_unit_test(remote_ipv6),
        cmocka_unit_test(remote_family_mismatch_never_matches),
        cmocka_unit_test(remote_zone_suffix_dropped),
        cmocka_unit_test(remote_text_not_an_address),
        cmocka_unit_test(bad_remote_specs_einval),
        cmocka_unit_test(all_filters_must_agree),
        cmocka_unit_test(classes_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
