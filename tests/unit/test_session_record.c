/* SPDX-License-Identifier: MIT */
/*
 * test_session_record.c: an open session's "open" record and an aggregate
 * table's "agg"/"group" records read back exactly (written again, the
 * bytes are the same), and bad records refused with their reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agg_record.h"
#include "cert.h"
#include "session_record.h"

#define SID "08DC6A0000000001"

/* A session with every kind of fact, its certificate half reassembled. */
static struct session *
make_session(struct strpool *pool)
{
    struct session *s = session_alloc(SID, strlen(SID));
    assert_non_null(s);
    s->dir = EXTLS_DIR_RECEIVE;
    s->connector = strpool_intern(pool, "EX01\\Default EX01", 17);
    s->start_ms = 1710000000000;
    s->end_ms = 1710000005000;
    s->rows = 7;
    strcpy(s->remote, "192.0.2.7");
    strcpy(s->local, "10.0.0.1:25");
    s->host = strdup("mx.example.org\twith tab");
    s->host_len = strlen(s->host);
    s->proto = strpool_intern(pool, "TLS1_2", 6);
    s->cipher.name = strpool_intern(pool, "CALG_AES_256", 12);
    s->cipher.bits = 256;
    s->line = 42;
    s->min_seq = 0;
    s->n_cmd = 1;
    s->cmd_seq[0] = 3;
    s->cert = cert_new();
    struct match_cert mc = {MATCH_CERT_SUBJECT, {"CN=a\nb", 6}, {NULL, 0}};
    assert_int_equal(cert_add_row(s->cert, &mc, 5), EXTLS_OK); /* waits for its header */
    return s;
}

/* Split the text's one record and take its kind; in->field borrowed from text. */
static void
open_record(struct record_in *in, char *text, const char *kind)
{
    memset(in, 0, sizeof(*in));
    char *nl = strchr(text, '\n');
    assert_non_null(nl);
    *nl = '\0';
    assert_int_equal(record_split(in, text), 0);
    size_t len;
    const char *k = record_take(in, &len);
    assert_int_equal(len, strlen(kind));
    assert_memory_equal(k, kind, len);
}

static void
test_session_round_trip(void **state)
{
    (void)state;
    struct strpool *pool = strpool_new();
    struct session *s = make_session(pool);
    struct record_out a, b;
    record_out_init(&a);
    record_out_init(&b);
    session_record_write(&a, s, "logs/RECV2024031301-1.LOG");
    assert_false(a.failed);
    char *text = strdup(a.text.ptr);
    struct record_in in;
    open_record(&in, text, "open");
    char *path;
    struct session *r = session_record_read(&in, pool, &path);
    assert_null(in.why);
    assert_non_null(r);
    assert_string_equal(path, "logs/RECV2024031301-1.LOG");
    assert_int_equal(in.at, in.n); /* every field taken */
    assert_string_equal(r->host, s->host);
    assert_true(r->connector == s->connector); /* interned in the same pool */
    assert_int_equal(r->cmd_seq[0], 3);
    session_record_write(&b, r, path);
    assert_string_equal(b.text.ptr, a.text.ptr);
    free(path);
    free(text);
    session_free(r);
    session_free(s);
    record_out_release(&a);
    record_out_release(&b);
    strpool_free(pool);
}

/* A bad record: the reason, no session, nothing leaked. */
static void
test_session_bad_records(void **state)
{
    (void)state;
    struct strpool *pool = strpool_new();
    struct record_in in;
    char *path;
    char empty_sid[] = "open\tx.log\t1\tEX01\t\n";
    open_record(&in, empty_sid, "open");
    assert_null(session_record_read(&in, pool, &path));
    assert_null(path);
    assert_string_equal(in.why, "empty session id");
    char short_rec[] = "open\tx.log\t1\tEX01\t" SID "\t5\n";
    open_record(&in, short_rec, "open");
    assert_null(session_record_read(&in, pool, &path));
    assert_string_equal(in.why, "too few fields");
    strpool_free(pool);
}

static void
test_agg_round_trip(void **state)
{
    (void)state;
    const enum agg_key keys[] = {AGG_CONNECTOR, AGG_DAY};
    struct agg *a = agg_new(keys, 2);
    struct span key[AGG_N_KEYS];
    for (int k = 0; k < AGG_N_KEYS; k++)
        key[k] = (struct span){"", 0};
    key[AGG_CONNECTOR] = (struct span){"EX01\\Default", 12};
    key[AGG_DAY] = (struct span){"2024-03-13", 10};
    assert_int_equal(agg_add(a, key, EXTLS_TLS1_2, 1710000000000, (struct span){"mx", 2}),
                     EXTLS_OK);
    assert_int_equal(agg_add(a, key, EXTLS_NONE, 1710000001000, (struct span){"", 0}), EXTLS_OK);
    struct record_out o, o2;
    record_out_init(&o);
    record_out_init(&o2);
    agg_record_write(&o, 1, a);
    char *text = strdup(o.text.ptr);
    char *group = strchr(text, '\n') + 1;
    struct record_in in;
    open_record(&in, text, "agg");
    uint64_t idx;
    struct agg *r = agg_record_read_table(&in, 3, &idx);
    assert_non_null(r);
    assert_int_equal(idx, 1);
    open_record(&in, group, "group");
    assert_int_equal(record_take_u(&in), 1);
    agg_record_read_group(&in, r);
    assert_null(in.why);
    assert_int_equal(agg_size(r), 1);
    agg_record_write(&o2, 1, r);
    assert_string_equal(o2.text.ptr, o.text.ptr);

    char bad[] = "agg\t0\t1\tnot-a-key\n";
    open_record(&in, bad, "agg");
    assert_null(agg_record_read_table(&in, 3, &idx));
    assert_string_equal(in.why, "unknown key");
    free(text);
    agg_free(a);
    agg_free(r);
    record_out_release(&o);
    record_out_release(&o2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_round_trip),
        cmocka_unit_test(test_session_bad_records),
        cmocka_unit_test(test_agg_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
