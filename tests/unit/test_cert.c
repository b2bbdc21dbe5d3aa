/* SPDX-License-Identifier: MIT */
/*
 * test_cert.c: the peer certificate of one session from its rows: blocks
 * in order and cut by a file boundary, our own certificate left out, two
 * parts merged in either order, the state-file items round trip and the
 * UTF-8-safe cut of long subjects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cert.h"

#define SUBJ "CN=mx.example.org"
#define THUMB "0123456789ABCDEF0123456789ABCDEF01234567"
#define OURS "CN=our.example.net"
#define OUR_THUMB "FEDCBA9876543210FEDCBA9876543210FEDCBA98"

static void
head(struct cert *c, enum match_cert_kind kind, uint64_t seq)
{
    struct match_cert mc = {kind, {NULL, 0}, {NULL, 0}};
    assert_int_equal(cert_add_row(c, &mc, seq), EXTLS_OK);
}

static void
subject(struct cert *c, const char *text, uint64_t seq)
{
    struct match_cert mc = {MATCH_CERT_SUBJECT, {text, strlen(text)}, {NULL, 0}};
    assert_int_equal(cert_add_row(c, &mc, seq), EXTLS_OK);
}

static void
thumb(struct cert *c, const char *text, uint64_t seq)
{
    struct match_cert mc = {MATCH_CERT_THUMBPRINT, {NULL, 0}, {text, strlen(text)}};
    assert_int_equal(cert_add_row(c, &mc, seq), EXTLS_OK);
}

static void
assert_cert(const struct cert *c, const char *subj, const char *th)
{
    size_t len;
    const char *s = cert_subject(c, &len);
    if (!subj) {
        assert_null(s);
        assert_int_equal(len, 0);
    } else {
        assert_non_null(s);
        assert_int_equal(len, strlen(subj));
        assert_memory_equal(s, subj, len);
    }
    if (!th)
        assert_null(cert_thumbprint(c));
    else
        assert_string_equal(cert_thumbprint(c), th);
}

/* Our own block (Sending certificate) first, then the peer's: only the peer's is taken. */
static void
test_block_in_order(void **state)
{
    (void)state;
    struct cert *c = cert_new();
    assert_non_null(c);
    assert_cert(c, NULL, NULL);
    head(c, MATCH_CERT_OTHER_HEAD, 3);
    subject(c, OURS, 4);
    thumb(c, OUR_THUMB, 7);
    assert_cert(c, NULL, NULL);
    head(c, MATCH_CERT_REMOTE_HEAD, 10);
    subject(c, SUBJ, 11);
    thumb(c, THUMB, 14);
    assert_cert(c, SUBJ, THUMB);
    cert_free(c);
    cert_free(NULL);
}

/* Values read before their header (newest file first) wait, then the header decides. */
static void
test_values_wait_for_header(void **state)
{
    (void)state;
    struct cert *c = cert_new();
    subject(c, SUBJ, 11);
    thumb(c, THUMB, 14);
    assert_cert(c, NULL, NULL);
    head(c, MATCH_CERT_REMOTE_HEAD, 10);
    assert_cert(c, SUBJ, THUMB);
    cert_free(c);

    c = cert_new();
    subject(c, OURS, 4);
    head(c, MATCH_CERT_OTHER_HEAD, 3);
    assert_cert(c, NULL, NULL);
    cert_free(c);
}

/* "Received certificate": the thumbprint row right after it; the one-row form. */
static void
test_received_and_one_row(void **state)
{
    (void)state;
    struct cert *c = cert_new();
    head(c, MATCH_CERT_RECEIVED_HEAD, 5);
    thumb(c, THUMB, 6);
    assert_cert(c, NULL, THUMB);
    struct match_cert mc = {MATCH_CERT_REMOTE_ROW, {"CN=a", 4}, {OUR_THUMB, strlen(OUR_THUMB)}};
    assert_int_equal(cert_add_row(c, &mc, 2), EXTLS_OK); /* a lower seq wins */
    assert_cert(c, "CN=a", OUR_THUMB);
    cert_free(c);
}

/* Two parts of one session merge to the same result in either order. */
static void
test_merge_either_order(void **state)
{
    (void)state;
    for (int order = 0; order < 2; order++) {
        struct cert *a = cert_new(), *b = cert_new();
        head(a, MATCH_CERT_REMOTE_HEAD, 10); /* part read first: the header only */
        subject(b, SUBJ, 11);                /* part read next: the values */
        thumb(b, THUMB, 14);
        struct cert *dst = order ? b : a, *src = order ? a : b;
        cert_merge(dst, src);
        cert_free(src);
        assert_cert(dst, SUBJ, THUMB);
        cert_free(dst);
    }
}

/* Items carry waiting values and headers to a restored certificate exactly. */
static void
test_items_round_trip(void **state)
{
    (void)state;
    struct cert *c = cert_new();
    subject(c, SUBJ, 11);
    head(c, MATCH_CERT_OTHER_HEAD, 3);
    struct cert_item items[CERT_ITEMS];
    unsigned n_head, next_head;
    size_t n = cert_items(c, items, &n_head, &next_head);
    assert_int_equal(n, 1 + CERT_HEADS); /* one waiting subject, the header ring */
    assert_int_equal(n_head, 1);
    assert_int_equal(next_head, 1);
    assert_int_equal(items[0].what, CERT_ITEM_WAIT);
    assert_int_equal(items[0].seq, 11);
    struct cert *r = cert_restore(items, n, n_head, next_head);
    assert_non_null(r);
    head(r, MATCH_CERT_REMOTE_HEAD, 10);
    thumb(r, THUMB, 14);
    assert_cert(r, SUBJ, THUMB);
    cert_free(r);

    items[0].slot = 9; /* no such waiting place */
    assert_null(cert_restore(items, n, n_head, next_head));
    assert_null(cert_restore(items, 0, CERT_HEADS + 1, 0));
    cert_free(c);
}

/* A subject over CERT_SUBJECT_MAX bytes is cut before a UTF-8 sequence, not inside it. */
static void
test_subject_cut(void **state)
{
    (void)state;
    char long_subj[CERT_SUBJECT_MAX + 8];
    memset(long_subj, 'a', sizeof(long_subj) - 1);
    long_subj[sizeof(long_subj) - 1] = '\0';
    memcpy(long_subj + CERT_SUBJECT_MAX - 1, "\xC3\xA9", 2); /* é across the cap */
    struct cert *c = cert_new();
    struct match_cert mc = {MATCH_CERT_REMOTE_ROW, {long_subj, strlen(long_subj)}, {THUMB, 40}};
    assert_int_equal(cert_add_row(c, &mc, 1), EXTLS_OK);
    size_t len;
    const char *s = cert_subject(c, &len);
    assert_int_equal(len, CERT_SUBJECT_MAX - 1);
    assert_memory_equal(s, long_subj, len);
    cert_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_in_order),       cmocka_unit_test(test_values_wait_for_header),
        cmocka_unit_test(test_received_and_one_row), cmocka_unit_test(test_merge_either_order),
        cmocka_unit_test(test_items_round_trip),     cmocka_unit_test(test_subject_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
