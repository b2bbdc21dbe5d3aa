/* SPDX-License-Identifier: MIT */
/*
 * test_session.c: rows joined into sessions (fold and flush rules), the
 * order-independent merge of their facts, and the class of each session.
 * Rows are built by hand and run through the real matcher, so each test
 * reads like an excerpt of a protocol log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match.h"
#include "row.h"
#include "session.h"
#include "isotime.h"

#define MAX_GOT 16
#define RECV EXTLS_DIR_RECEIVE
#define SEND EXTLS_DIR_SEND
#define DAY "2024-03-13T"

#define TLS12_SERVER                                                                               \
    "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm "    \
    "CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits "   \
    "and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits"
#define TLS10_SERVER                                                                               \
    "TLS protocol SP_PROT_TLS1_0_SERVER negotiation succeeded using bulk encryption algorithm "    \
    "CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA1 with strength 160 bits "    \
    "and key exchange algorithm CALG_ECDHE with strength 256 bits"
#define TLS12_CLIENT                                                                               \
    "TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm "    \
    "CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits "   \
    "and key exchange algorithm CALG_ECDHE with strength 384 bits"
#define TLS_16384                                                                                  \
    "TLS protocol 16384 negotiation succeeded using bulk encryption algorithm CALG_AES_256 with "  \
    "strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange "    \
    "algorithm CALG_ECDHE with strength 384 bits"
#define EHLO_ANSWER                                                                                \
    "250  mail.contoso.test Hello [95.10.20.33] SIZE 37748736 PIPELINING DSN "                     \
    "ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM 8BITMIME BINARYMIME CHUNKING XRDST"

/* What a test keeps of one folded session (the callback's pointer is borrowed). */
struct got {
    enum extls_dir dir;
    char connector[4096];
    size_t connector_len;
    char sid[2048];
    size_t sid_len;
    int64_t start_ms, end_ms;
    uint64_t rows;
    char remote[SESSION_ADDR_MAX + 1];
    char local[SESSION_ADDR_MAX + 1];
    int has_host;
    char host[EXTLS_NAME_MAX + 1];
    size_t host_len;
    enum match_host_kind host_kind;
    char proto[64]; /* "" without marker */
    char cipher[32], mac[32], kx[32];
    unsigned cipher_bits, mac_bits, kx_bits;
    uint32_t file;
    uint64_t line;
    enum extls_class cls;
    int has_subject, has_thumb;
    char subject[SESSION_SUBJECT_MAX + 1]; /* the peer's certificate */
    size_t subject_len;
    char thumb[SESSION_THUMB_MAX + 1];
};

/* Fixture: a matcher, a table, the default endpoints of new rows, and the folds seen. */
struct fx {
    struct matcher *m;
    struct session_table *t;
    uint32_t file;      /* input index given to session_table_add() */
    uint64_t line;      /* line of the last row fed; incremented per row */
    const char *remote; /* remote endpoint of the next rows, as logged */
    const char *local;  /* local endpoint of the next rows */
    size_t n_got;
    struct got got[MAX_GOT];
};

/* One row of a log excerpt; the time is the time of day on DAY. */
struct lrow {
    uint64_t seq;
    const char *tod;
    char event;
    const char *data;
    const char *context;
};

static void
copy_pstr(char *dst, size_t cap, const struct span *p)
{
    dst[0] = '\0';
    if (!p)
        return;
    assert_true(p->len < cap);
    memcpy(dst, p->ptr, p->len);
    dst[p->len] = '\0';
}

static enum extls_status
on_done(const struct session *s, void *user)
{
    struct fx *x = user;
    assert_true(x->n_got < MAX_GOT);
    struct got *g = &x->got[x->n_got++];
    memset(g, 0, sizeof(*g));
    g->dir = s->dir;
    assert_true(s->connector->len < sizeof(g->connector));
    memcpy(g->connector, s->connector->ptr, s->connector->len);
    g->connector_len = s->connector->len;
    assert_true(s->sid_len < sizeof(g->sid));
    memcpy(g->sid, s->sid, s->sid_len);
    assert_int_equal(s->sid[s->sid_len], '\0');
    g->sid_len = s->sid_len;
    g->start_ms = s->start_ms;
    g->end_ms = s->end_ms;
    g->rows = s->rows;
    memcpy(g->remote, s->remote, sizeof(g->remote));
    memcpy(g->local, s->local, sizeof(g->local));
    if (s->host) {
        assert_true(s->host_len <= EXTLS_NAME_MAX);
        g->has_host = 1;
        memcpy(g->host, s->host, s->host_len);
        g->host_len = s->host_len;
        g->host_kind = s->host_kind;
    }
    copy_pstr(g->proto, sizeof(g->proto), s->proto);
    copy_pstr(g->cipher, sizeof(g->cipher), s->cipher.name);
    copy_pstr(g->mac, sizeof(g->mac), s->mac.name);
    copy_pstr(g->kx, sizeof(g->kx), s->kx.name);
    g->cipher_bits = s->cipher.bits;
    g->mac_bits = s->mac.bits;
    g->kx_bits = s->kx.bits;
    g->file = s->file;
    g->line = s->line;
    g->cls = session_classify(s);
    size_t len = 99;
    const char *subject = session_cert_subject(s, &len);
    if (subject) {
        assert_true(len <= SESSION_SUBJECT_MAX);
        assert_int_equal(subject[len], '\0');
        g->has_subject = 1;
        memcpy(g->subject, subject, len + 1);
        g->subject_len = len;
    } else {
        assert_int_equal(len, 0);
    }
    const char *thumb = session_cert_thumbprint(s);
    if (thumb) {
        assert_true(strlen(thumb) >= 1 && strlen(thumb) <= SESSION_THUMB_MAX);
        g->has_thumb = 1;
        strcpy(g->thumb, thumb);
    }
    return EXTLS_OK;
}

static int
setup(void **state)
{
    struct fx *x = calloc(1, sizeof(*x));
    if (!x)
        return -1;
    x->m = matcher_new();
    x->t = session_table_new(on_done, x);
    x->remote = "95.10.20.33";
    x->local = "10.10.10.10:25";
    if (!x->m || !x->t)
        return -1;
    *state = x;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *x = *state;
    session_table_free(x->t);
    matcher_free(x->m);
    free(x);
    return 0;
}

static struct span
fld(const char *s)
{
    struct span f = {s, strlen(s)};
    return f;
}

static int64_t
ms(const char *iso)
{
    int64_t v = 0;
    assert_int_equal(isotime_parse(iso, strlen(iso), &v), 0);
    return v;
}

/* One row: decode by hand, match, add; session_table_add()'s status. */
static enum extls_status
feed_status(struct fx *x, enum extls_dir dir, const char *conn, const char *sid, uint64_t seq,
            const char *time, char event, const char *data, const char *context)
{
    struct row r;
    memset(&r, 0, sizeof(r));
    r.dir = dir;
    r.time_ms = ms(time);
    r.seq = seq;
    r.event = (enum row_event)event;
    r.connector = fld(conn);
    r.session = fld(sid);
    r.local = fld(x->local);
    r.remote_ep = fld(x->remote);
    r.data = fld(data);
    r.context = fld(context);
    r.line = ++x->line;
    struct match_facts f;
    memset(&f, 0, sizeof(f));
    match_row(x->m, &r, &f);
    return session_table_add(x->t, &r, &f, x->file);
}

/* One row, which must be added without error. */
static void
feed(struct fx *x, enum extls_dir dir, const char *conn, const char *sid, uint64_t seq,
     const char *time, char event, const char *data, const char *context)
{
    assert_int_equal(feed_status(x, dir, conn, sid, seq, time, event, data, context), EXTLS_OK);
}

/* Feed rows[from..to) of a log excerpt, forwards or backwards. */
static void
feed_log(struct fx *x, enum extls_dir dir, const char *conn, const char *sid,
         const struct lrow *rows, size_t from, size_t to, int backwards)
{
    char time[ISOTIME_BUF];
    for (size_t k = from; k < to; k++) {
        const struct lrow *r = &rows[backwards ? to - 1 - (k - from) : k];
        snprintf(time, sizeof(time), DAY "%sZ", r->tod);
        feed(x, dir, conn, sid, r->seq, time, r->event, r->data, r->context);
    }
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A receive session negotiating TLS 1.2 (shape of a 2016 FrontEnd log). */
static const struct lrow recv_tls12[] = {
    {0, "09:01:18.700", '+', "", ""},
    {1, "09:01:18.701", '*', "SMTPSubmit SMTPAcceptAnySender", "Set Session Permissions"},
    {2, "09:01:18.702", '>', "220 mail.contoso.test Microsoft ESMTP MAIL Service ready", ""},
    {3, "09:01:18.750", '<', "EHLO client.fabrikam.test", ""},
    {4, "09:01:18.751", '>', EHLO_ANSWER, ""},
    {5, "09:01:18.800", '<', "STARTTLS", ""},
    {6, "09:01:18.801", '>', "220 2.0.0 SMTP server ready", ""},
    {7, "09:01:18.850", '*', "", TLS12_SERVER},
    {8, "09:01:18.900", '<', "EHLO later.fabrikam.test", ""},
    {9, "09:01:18.901", '>', EHLO_ANSWER, ""},
    {10, "09:01:19.000", '<', "QUIT", ""},
    {11, "09:01:19.001", '>', "221 2.0.0 Closing connection.", ""},
    {12, "09:01:19.010", '-', "", "Local"},
};

/* Everything a fold reports for recv_tls12 fed as "conn"/"sid" from the first row on. */
static void
check_recv_tls12(const struct got *g, uint32_t file, uint64_t line)
{
    assert_int_equal(g->dir, EXTLS_DIR_RECEIVE);
    assert_string_equal(g->connector, "Default Frontend EX01");
    assert_int_equal(g->connector_len, 21);
    assert_string_equal(g->sid, "08DC42C8FF236A1F");
    assert_int_equal(g->sid_len, 16);
    assert_int_equal(g->start_ms, ms(DAY "09:01:18.700Z"));
    assert_int_equal(g->end_ms, ms(DAY "09:01:19.010Z"));
    assert_int_equal(g->rows, 13);
    assert_string_equal(g->remote, "95.10.20.33");
    assert_string_equal(g->local, "10.10.10.10:25");
    assert_true(g->has_host);
    assert_string_equal(g->host, "client.fabrikam.test"); /* seq 3, not the seq 8 EHLO */
    assert_int_equal(g->host_len, 20);
    assert_int_equal(g->host_kind, MATCH_HOST_EHLO);
    assert_string_equal(g->proto, "SP_PROT_TLS1_2_SERVER");
    assert_string_equal(g->cipher, "CALG_AES_128");
    assert_int_equal(g->cipher_bits, 128);
    assert_string_equal(g->mac, "CALG_SHA_256");
    assert_int_equal(g->mac_bits, 0);
    assert_string_equal(g->kx, "CALG_ECDH_EPHEM");
    assert_int_equal(g->kx_bits, 256);
    assert_int_equal(g->file, file);
    assert_int_equal(g->line, line);
    assert_int_equal(g->cls, EXTLS_TLS1_2);
}

static void
tls12_session_folds_on_disconnect(void **state)
{
    struct fx *x = *state;
    x->file = 3;
    x->line = 40; /* first row is line 41 */
    feed_log(x, RECV, "Default Frontend EX01", "08DC42C8FF236A1F", recv_tls12, 0, 12, 0);
    assert_int_equal(x->n_got, 0);
    assert_int_equal(session_table_open(x->t), 1);
    feed_log(x, RECV, "Default Frontend EX01", "08DC42C8FF236A1F", recv_tls12, 12, 13, 0);
    assert_int_equal(x->n_got, 1);
    assert_int_equal(session_table_open(x->t), 0);
    check_recv_tls12(&x->got[0], 3, 41);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
}

static void
reversed_session_gives_same_facts(void **state)
{
    struct fx *x = *state;
    x->file = 5;
    x->line = 100; /* rows get lines 101..113, seq 0 is fed last: line 113 */
    feed_log(x, RECV, "Default Frontend EX01", "08DC42C8FF236A1F", recv_tls12, 1, 13, 1);
    /* '-' is in, seq 0 is not: still open. */
    assert_int_equal(x->n_got, 0);
    assert_int_equal(session_table_open(x->t), 1);
    feed_log(x, RECV, "Default Frontend EX01", "08DC42C8FF236A1F", recv_tls12, 0, 1, 0);
    assert_int_equal(x->n_got, 1);
    assert_int_equal(session_table_open(x->t), 0);
    check_recv_tls12(&x->got[0], 5, 113);
}

/*
 * 2026-12-04: a row's remote endpoint is reduced to its address only when
 * the row would set the session's remote: the same address as before, and
 * an endpoint of no address (":25", "[]:25") still never wins.
 */
static void
remote_address_from_lowest_seq_endpoint(void **state)
{
    struct fx *x = *state;
    const char *c = "Default EX01", *sid = "08DC000000000002";
    x->local = "10.0.0.9:25";
    x->remote = "192.0.2.9:4711";
    feed(x, RECV, c, sid, 3, DAY "10:00:03.000Z", '<', "EHLO three.test", "");
    x->remote = "[2001:db8::7]:25";
    feed(x, RECV, c, sid, 2, DAY "10:00:02.000Z", '>', "250 2.1.0 Sender OK", "");
    x->remote = ":25";
    feed(x, RECV, c, sid, 1, DAY "10:00:01.000Z", '>', "220 mail.contoso.test ready", "");
    x->remote = "[]:25";
    feed(x, RECV, c, sid, 0, DAY "10:00:00.000Z", '+', "", "");
    x->remote = "192.0.2.4:25";
    feed(x, RECV, c, sid, 4, DAY "10:00:04.000Z", '-', "", "Remote");
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
    assert_string_equal(x->got[0].remote, "2001:db8::7");
    /* Several colons without brackets: a bare IPv6 address, taken whole. */
    sid = "08DC000000000003";
    x->remote = "2001:db8::8";
    feed(x, RECV, c, sid, 1, DAY "10:00:01.000Z", '+', "", "");
    x->remote = "192.0.2.1:25";
    feed(x, RECV, c, sid, 2, DAY "10:00:02.000Z", '-', "", "Remote");
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 2);
    assert_string_equal(x->got[1].remote, "2001:db8::8");
}

/* Facts are taken from the lowest sequence number, whatever the arrival order. */
static void
lowest_seq_wins_for_remote_local_host_origin(void **state)
{
    struct fx *x = *state;
    const char *c = "Default EX01", *sid = "08DC000000000001";
    x->file = 2;
    x->line = 9;
    x->remote = "192.0.2.9";
    x->local = "10.0.0.9:25";
    feed(x, RECV, c, sid, 9, DAY "10:00:09.000Z", '<', "EHLO nine.test", "");
    x->file = 1;
    x->line = 2;
    x->remote = "192.0.2.2";
    x->local = "10.0.0.2:25";
    feed(x, RECV, c, sid, 2, DAY "10:00:02.000Z", '<', "HELO two.test", "");
    x->file = 0;
    x->line = 4;
    x->remote = "192.0.2.5";
    x->local = "10.0.0.5:25";
    /* An odd clock: seq 5 is the earliest row by time. */
    feed(x, RECV, c, sid, 5, DAY "09:59:59.000Z", '<', "EHLO five.test", "");
    x->remote = "";
    x->local = "";
    feed(x, RECV, c, sid, 1, DAY "10:00:01.000Z", '>', "220 mail.contoso.test ready", "");
    feed(x, RECV, c, sid, 12, DAY "10:00:12.000Z", '-', "", "Remote");
    assert_int_equal(x->n_got, 0);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
    const struct got *g = &x->got[0];
    assert_int_equal(g->rows, 5);
    assert_int_equal(g->start_ms, ms(DAY "09:59:59.000Z"));
    assert_int_equal(g->end_ms, ms(DAY "10:00:12.000Z"));
    /* Seq 1 logged no endpoints: the lowest seq that did wins. */
    assert_string_equal(g->remote, "192.0.2.2");
    assert_string_equal(g->local, "10.0.0.2:25");
    assert_string_equal(g->host, "two.test");
    assert_int_equal(g->host_kind, MATCH_HOST_EHLO);
    /* Origin: the seq 1 row (file 0, line 6). */
    assert_int_equal(g->file, 0);
    assert_int_equal(g->line, 6);
    assert_int_equal(g->cls, EXTLS_NONE);
    assert_int_equal(session_table_open(x->t), 0);
}

static void
endpoints_never_logged_are_empty(void **state)
{
    struct fx *x = *state;
    x->remote = "";
    x->local = "";
    feed(x, SEND, "Internet", "S1", 0, DAY "10:00:00.000Z", '*', "None", "Set Session Permissions");
    feed(x, SEND, "Internet", "S1", 1, DAY "10:00:00.001Z", '-', "", "Local");
    assert_int_equal(x->n_got, 1);
    assert_string_equal(x->got[0].remote, "");
    assert_string_equal(x->got[0].local, "");
    assert_false(x->got[0].has_host);
    assert_string_equal(x->got[0].proto, "");
    assert_string_equal(x->got[0].cipher, "");
    assert_int_equal(x->got[0].cls, EXTLS_NONE);
}

/*
 * Feed a short receive session with the middle rows given (seq 4, 5, ...)
 * and a disconnect after them; it must fold at its last row. Returns its class.
 */
static enum extls_class
recv_class(struct fx *x, const char *sid, const struct lrow *mid, size_t n, int backwards)
{
    static const struct lrow head[] = {
        {0, "11:00:00.000", '+', "", ""},
        {1, "11:00:00.001", '>', "220 mail.contoso.test Microsoft ESMTP MAIL Service ready", ""},
        {2, "11:00:00.002", '<', "EHLO client.test", ""},
        {3, "11:00:00.003", '>', EHLO_ANSWER, ""},
    };
    const struct lrow tail = {4 + n, "11:00:09.000", '-', "", "Local"};
    size_t before = x->n_got;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(mid[i].seq, 4 + i);
    if (!backwards) {
        feed_log(x, RECV, "Default EX01", sid, head, 0, N(head), 0);
        feed_log(x, RECV, "Default EX01", sid, mid, 0, n, 0);
        feed_log(x, RECV, "Default EX01", sid, &tail, 0, 1, 0);
    } else {
        feed_log(x, RECV, "Default EX01", sid, &tail, 0, 1, 0);
        feed_log(x, RECV, "Default EX01", sid, mid, 0, n, 1);
        feed_log(x, RECV, "Default EX01", sid, head, 0, N(head), 1);
    }
    assert_int_equal(x->n_got, before + 1);
    assert_int_equal(session_table_open(x->t), 0);
    return x->got[before].cls;
}

static void
no_tls_rows_is_none(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "MAIL FROM:<a@fabrikam.test>", ""},
        {5, "11:00:01.001", '>', "250 2.1.0 Sender OK", ""},
        {6, "11:00:01.002", '<', "QUIT", ""},
        {7, "11:00:01.003", '>', "221 2.0.0 Closing connection.", ""},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_NONE);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_NONE);
}

static void
starttls_accepted_without_marker_is_tls_unknown(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "STARTTLS", ""},
        {5, "11:00:01.001", '>', "220 2.0.0 SMTP server ready", ""},
        {6, "11:00:01.002", '*', "", "Sending certificate"},
        {7, "11:00:01.003", '<', "EHLO client.test", ""},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_TLS_UNKNOWN);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_TLS_UNKNOWN);
    assert_string_equal(x->got[0].proto, "");
}

static void
starttls_refused_is_none(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "STARTTLS", ""},
        {5, "11:00:01.001", '>',
         "454 4.7.0 Cannot accept TLS as maximum TLS rate exceeded for server", ""},
        {6, "11:00:01.002", '<', "MAIL FROM:<a@fabrikam.test>", ""},
        {7, "11:00:01.003", '>', "250 2.1.0 Sender OK", ""},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_NONE);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_NONE);
}

static void
starttls_refused_then_accepted_is_tls_unknown(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "STARTTLS", ""},
        {5, "11:00:01.001", '>', "454 4.7.0 Cannot accept TLS", ""},
        {6, "11:00:02.000", '<', "STARTTLS", ""},
        {7, "11:00:02.001", '>', "220 2.0.0 SMTP server ready", ""},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_TLS_UNKNOWN);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_TLS_UNKNOWN);
}

/* The 220 must answer the command: a 220 elsewhere (the banner) does not count. */
static void
reply_after_starttls_must_be_220(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "STARTTLS", ""},
        {5, "11:00:01.001", '*', "", "Tarpit for '0.00:00:05'"},
        {6, "11:00:01.002", '>', "500 5.3.3 Unrecognized command", ""},
        {7, "11:00:01.003", '<', "QUIT", ""},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_NONE);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_NONE);
    /* The next reply is a 220 even with an information row in between (in order). */
    static const struct lrow mid2[] = {
        {4, "11:00:01.000", '<', "STARTTLS", ""},
        {5, "11:00:01.001", '*', "", "Tarpit for '0.00:00:05'"},
        {6, "11:00:01.002", '>', "220 2.0.0 SMTP server ready", ""},
    };
    assert_int_equal(recv_class(x, "C", mid2, N(mid2), 0), EXTLS_TLS_UNKNOWN);
}

/*
 * STARTTLS before EHLO, refused, fed backwards: the banner 220 (lower seq)
 * arrives after the command but is no answer to it.
 */
static void
refused_starttls_reversed_after_banner_is_none(void **state)
{
    struct fx *x = *state;
    static const struct lrow rows[] = {
        {0, "11:00:00.000", '+', "", ""},
        {1, "11:00:00.001", '>', "220 mail.contoso.test Microsoft ESMTP MAIL Service ready", ""},
        {2, "11:00:00.100", '<', "STARTTLS", ""},
        {3, "11:00:00.101", '>', "503 5.5.2 Send hello first", ""},
        {4, "11:00:00.200", '-', "", "Remote"},
    };
    feed_log(x, RECV, "Default EX01", "A", rows, 0, N(rows), 0);
    feed_log(x, RECV, "Default EX01", "B", rows, 0, N(rows), 1);
    /* Command and its reply first, then the rest backwards. */
    feed_log(x, RECV, "Default EX01", "C", rows, 2, 3, 0);
    feed_log(x, RECV, "Default EX01", "C", rows, 0, 2, 1);
    feed_log(x, RECV, "Default EX01", "C", rows, 3, 5, 0);
    assert_int_equal(x->n_got, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(x->got[i].cls, EXTLS_NONE);
}

static void
x_anonymoustls_accepted_is_tls_unknown(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "X-ANONYMOUSTLS", ""},
        {5, "11:00:01.001", '>', "220 2.0.0 SMTP server ready", ""},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_TLS_UNKNOWN);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_TLS_UNKNOWN);
}

static void
failure_beats_accepted_starttls(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "STARTTLS", ""},
        {5, "11:00:01.001", '>', "220 2.0.0 SMTP server ready", ""},
        {6, "11:00:01.002", '*', "", "Sending certificate"},
        {7, "11:00:01.050", '*', "", "TLS negotiation failed with error UnknownCredentials"},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_TLS_FAILED);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_TLS_FAILED);
    assert_string_equal(x->got[0].proto, "");
}

/* A failed handshake retried successfully: the marker decides. */
static void
marker_beats_failure_and_starttls(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "STARTTLS", ""},
        {5, "11:00:01.001", '>', "220 2.0.0 SMTP server ready", ""},
        {6, "11:00:01.050", '*', "", "TLS negotiation failed with error SocketError"},
        {7, "11:00:02.000", '<', "STARTTLS", ""},
        {8, "11:00:02.001", '>', "220 2.0.0 SMTP server ready", ""},
        {9, "11:00:02.050", '*', "", TLS10_SERVER},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_TLS1_0);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_TLS1_0);
    assert_string_equal(x->got[1].proto, "SP_PROT_TLS1_0_SERVER");
    assert_string_equal(x->got[1].cipher, "CALG_AES_256");
    assert_int_equal(x->got[1].mac_bits, 160);
    assert_string_equal(x->got[1].kx, "CALG_ECDHE");
}

static void
unknown_protocol_is_tls_unknown(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '<', "STARTTLS", ""},
        {5, "11:00:01.001", '>', "220 2.0.0 SMTP server ready", ""},
        {6, "11:00:01.050", '*', "", TLS_16384},
        {7, "11:00:01.060", '*', "", "TLS negotiation failed with error TimedOut"},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_TLS_UNKNOWN);
    assert_string_equal(x->got[0].proto, "16384");
    assert_string_equal(x->got[0].cipher, "CALG_AES_256");
    assert_int_equal(x->got[0].kx_bits, 384);
    /* The marker, not the failure, decides: still tls_unknown. */
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_TLS_UNKNOWN);
}

/* Two markers: the one with the lower sequence number, with its own cipher. */
static void
marker_with_lowest_seq_wins(void **state)
{
    struct fx *x = *state;
    static const struct lrow mid[] = {
        {4, "11:00:01.000", '*', "", TLS12_SERVER},
        {5, "11:00:01.001", '*', "", TLS10_SERVER},
    };
    assert_int_equal(recv_class(x, "A", mid, N(mid), 0), EXTLS_TLS1_2);
    assert_int_equal(recv_class(x, "B", mid, N(mid), 1), EXTLS_TLS1_2);
    for (int i = 0; i < 2; i++) {
        assert_string_equal(x->got[i].proto, "SP_PROT_TLS1_2_SERVER");
        assert_string_equal(x->got[i].cipher, "CALG_AES_128");
        assert_string_equal(x->got[i].kx, "CALG_ECDH_EPHEM");
    }
    /* A bare marker (no cipher) with the lower seq: its class, no cipher. */
    static const struct lrow bare[] = {
        {4, "11:00:01.000", '*', "SP_PROT_TLS1_1_SERVER", ""},
        {5, "11:00:01.001", '*', "", TLS12_SERVER},
    };
    assert_int_equal(recv_class(x, "C", bare, N(bare), 1), EXTLS_TLS1_1);
    assert_string_equal(x->got[2].proto, "SP_PROT_TLS1_1_SERVER");
    assert_string_equal(x->got[2].cipher, "");
    assert_string_equal(x->got[2].mac, "");
    assert_string_equal(x->got[2].kx, "");
}

/* A send session: the command is '>' and the reply '<'. */
static const struct lrow send_starttls[] = {
    {0, "12:00:00.000", '*', "SendRoutingHeaders", "Set Session Permissions"},
    {1, "12:00:00.001", '*', "", "attempting to connect"},
    {2, "12:00:00.100", '+', "", ""},
    {3, "12:00:00.200", '<', "220 mx.fabrikam.test Microsoft ESMTP MAIL Service ready", ""},
    {4, "12:00:00.201", '>', "EHLO mail.contoso.test", ""},
    {5, "12:00:00.300", '<', "250-mx2.fabrikam.test Hello [198.51.100.7]", ""},
    {6, "12:00:00.301", '<', "250-STARTTLS", ""},
    {7, "12:00:00.302", '<', "250 SMTPUTF8", ""},
    {8, "12:00:00.303", '>', "STARTTLS", ""},
    {9, "12:00:00.400", '<', "220 2.0.0 SMTP server ready", ""},
    {10, "12:00:00.500", '>', "QUIT", ""},
    {11, "12:00:00.501", '-', "", "Local"},
};

static void
send_direction_starttls_accepted(void **state)
{
    struct fx *x = *state;
    x->local = "";
    x->remote = "198.51.100.25";
    feed_log(x, SEND, "Internet", "08DC000000000ABC", send_starttls, 0, N(send_starttls), 0);
    feed_log(x, SEND, "Internet", "08DC000000000ABD", send_starttls, 0, N(send_starttls), 1);
    assert_int_equal(x->n_got, 2);
    for (int i = 0; i < 2; i++) {
        const struct got *g = &x->got[i];
        assert_int_equal(g->dir, EXTLS_DIR_SEND);
        assert_int_equal(g->cls, EXTLS_TLS_UNKNOWN);
        /* The banner host, not the 250 host; "220 2.0.0" gives none. */
        assert_string_equal(g->host, "mx.fabrikam.test");
        assert_int_equal(g->host_kind, MATCH_HOST_BANNER);
        assert_string_equal(g->remote, "198.51.100.25");
        assert_int_equal(g->start_ms, ms(DAY "12:00:00.000Z"));
    }
}

/* On a send log '<' is the server's reply: a '<,STARTTLS' / '>,220' pair is no command. */
static void
send_direction_mirrored_rows_are_none(void **state)
{
    struct fx *x = *state;
    feed(x, SEND, "Internet", "M", 0, DAY "12:00:00.000Z", '+', "", "");
    feed(x, SEND, "Internet", "M", 1, DAY "12:00:00.001Z", '<', "STARTTLS", "");
    feed(x, SEND, "Internet", "M", 2, DAY "12:00:00.002Z", '>', "220 2.0.0 SMTP server ready", "");
    feed(x, SEND, "Internet", "M", 3, DAY "12:00:00.003Z", '-', "", "Local");
    assert_int_equal(x->n_got, 1);
    assert_int_equal(x->got[0].cls, EXTLS_NONE);
    assert_false(x->got[0].has_host);
    /* And the same pair on a receive log is a command and its acceptance. */
    feed(x, RECV, "Internet", "M", 0, DAY "12:00:00.000Z", '+', "", "");
    feed(x, RECV, "Internet", "M", 1, DAY "12:00:00.001Z", '<', "STARTTLS", "");
    feed(x, RECV, "Internet", "M", 2, DAY "12:00:00.002Z", '>', "220 2.0.0 SMTP server ready", "");
    feed(x, RECV, "Internet", "M", 3, DAY "12:00:00.003Z", '-', "", "Local");
    assert_int_equal(x->n_got, 2);
    assert_int_equal(x->got[1].cls, EXTLS_TLS_UNKNOWN);
}

static void
send_marker_session(void **state)
{
    struct fx *x = *state;
    static const struct lrow rows[] = {
        {0, "12:00:00.000", '*', "None", "Set Session Permissions"},
        {1, "12:00:00.001", '+', "", ""},
        {2, "12:00:00.200", '<', "220 2.0.0 SMTP server ready", ""},
        {3, "12:00:00.201", '>', "EHLO mail.contoso.test", ""},
        {4, "12:00:00.300", '<', "250-mx2.fabrikam.test Hello [198.51.100.7]", ""},
        {5, "12:00:00.303", '>', "STARTTLS", ""},
        {6, "12:00:00.400", '<', "220 2.0.0 SMTP server ready", ""},
        {7, "12:00:00.450", '*', "", TLS12_CLIENT},
        {8, "12:00:00.501", '-', "", "Remote"},
    };
    feed_log(x, SEND, "Outbound to Office 365", "S", rows, 0, N(rows), 0);
    assert_int_equal(x->n_got, 1);
    const struct got *g = &x->got[0];
    assert_int_equal(g->cls, EXTLS_TLS1_2);
    assert_string_equal(g->proto, "SP_PROT_TLS1_2_CLIENT");
    assert_string_equal(g->cipher, "CALG_AES_256");
    assert_string_equal(g->mac, "CALG_SHA_384");
    assert_int_equal(g->kx_bits, 384);
    /* Status-code banner: the 250 host is the only one. */
    assert_string_equal(g->host, "mx2.fabrikam.test");
    assert_int_equal(g->host_kind, MATCH_HOST_250);
}

/* A STARTTLS at the end of one input, its 220 first in the next one. */
static const struct lrow split_file0[] = {
    {0, "23:59:59.900", '+', "", ""},
    {1, "23:59:59.901", '>', "220 mail.contoso.test Microsoft ESMTP MAIL Service ready", ""},
    {2, "23:59:59.950", '<', "EHLO client.test", ""},
    {3, "23:59:59.951", '>', EHLO_ANSWER, ""},
    {4, "23:59:59.999", '<', "STARTTLS", ""},
};
static const struct lrow split_file1[] = {
    {5, "23:59:59.999", '>', "220 2.0.0 SMTP server ready", ""},
    {6, "23:59:59.999", '*', "", "Sending certificate"},
    {7, "23:59:59.999", '<', "QUIT", ""},
    {8, "23:59:59.999", '-', "", "Remote"},
};

static void
starttls_reply_in_next_file(void **state)
{
    struct fx *x = *state;
    x->file = 0;
    x->line = 0;
    feed_log(x, RECV, "Default EX01", "SPLIT", split_file0, 0, N(split_file0), 0);
    x->file = 1;
    x->line = 4; /* after the #-header of the next file */
    feed_log(x, RECV, "Default EX01", "SPLIT", split_file1, 0, N(split_file1), 0);
    assert_int_equal(x->n_got, 1);
    const struct got *g = &x->got[0];
    assert_int_equal(g->cls, EXTLS_TLS_UNKNOWN);
    assert_int_equal(g->rows, 9);
    assert_int_equal(g->file, 0);
    assert_int_equal(g->line, 1);
    assert_string_equal(g->host, "client.test");
}

/*
 * The same split fed next file first, while the session is still being
 * written (no '-' yet): rows arrive out of order, the seq+1 rule decides.
 */
static void
starttls_split_fed_in_reverse_file_order(void **state)
{
    struct fx *x = *state;
    x->file = 1;
    x->line = 4;
    feed_log(x, RECV, "Default EX01", "SPLIT", split_file1, 0, N(split_file1) - 1, 0);
    x->file = 0;
    x->line = 0;
    feed_log(x, RECV, "Default EX01", "SPLIT", split_file0, 0, N(split_file0), 0);
    assert_int_equal(x->n_got, 0);
    assert_int_equal(session_table_open(x->t), 1);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
    const struct got *g = &x->got[0];
    assert_int_equal(g->cls, EXTLS_TLS_UNKNOWN);
    assert_int_equal(g->rows, 8);
    assert_int_equal(g->file, 0);
    assert_int_equal(g->line, 1);
    assert_int_equal(g->start_ms, ms(DAY "23:59:59.900Z"));
}

/*
 * The same split, next file first, this time with its '-' row: seq 0 and
 * '-' are in as soon as file 0 starts, but the session waits for its middle
 * rows (seq 1..4) and folds once, at its last row.
 */
static void
reverse_file_order_with_disconnect_is_one_session(void **state)
{
    struct fx *x = *state;
    x->file = 1;
    x->line = 4;
    feed_log(x, RECV, "Default EX01", "SPLIT", split_file1, 0, N(split_file1), 0);
    x->file = 0;
    x->line = 0;
    for (size_t i = 0; i < N(split_file0); i++) {
        assert_int_equal(x->n_got, 0);
        assert_int_equal(session_table_open(x->t), 1);
        feed_log(x, RECV, "Default EX01", "SPLIT", split_file0, i, i + 1, 0);
    }
    assert_int_equal(x->n_got, 1);
    assert_int_equal(session_table_open(x->t), 0);
    const struct got *g = &x->got[0];
    assert_int_equal(g->rows, 9);
    assert_int_equal(g->cls, EXTLS_TLS_UNKNOWN);
    assert_int_equal(g->file, 0);
    assert_int_equal(g->line, 1);
    assert_string_equal(g->host, "client.test");
    assert_int_equal(g->start_ms, ms(DAY "23:59:59.900Z"));
}

static void
fold_needs_seq0_and_disconnect(void **state)
{
    struct fx *x = *state;
    const char *c = "Default EX01";
    /* seq 0 then '-'. */
    feed(x, RECV, c, "F1", 0, DAY "08:00:00.000Z", '+', "", "");
    assert_int_equal(session_table_open(x->t), 1);
    feed(x, RECV, c, "F1", 1, DAY "08:00:00.001Z", '<', "EHLO a.test", "");
    assert_int_equal(session_table_open(x->t), 1);
    assert_int_equal(x->n_got, 0);
    feed(x, RECV, c, "F1", 2, DAY "08:00:00.002Z", '-', "", "Local");
    assert_int_equal(session_table_open(x->t), 0);
    assert_int_equal(x->n_got, 1);
    /* '-' then seq 0. */
    feed(x, RECV, c, "F2", 2, DAY "08:00:00.002Z", '-', "", "Local");
    assert_int_equal(session_table_open(x->t), 1);
    feed(x, RECV, c, "F2", 1, DAY "08:00:00.001Z", '<', "EHLO a.test", "");
    assert_int_equal(session_table_open(x->t), 1);
    assert_int_equal(x->n_got, 1);
    feed(x, RECV, c, "F2", 0, DAY "08:00:00.000Z", '+', "", "");
    assert_int_equal(session_table_open(x->t), 0);
    assert_int_equal(x->n_got, 2);
    assert_string_equal(x->got[1].sid, "F2");
    assert_int_equal(x->got[1].rows, 3);
    /* Seq 0 and '-' (seq 3) are in, seq 1 and 2 are not: open until they are. */
    feed(x, RECV, c, "F4", 0, DAY "08:00:00.000Z", '+', "", "");
    feed(x, RECV, c, "F4", 3, DAY "08:00:00.003Z", '-', "", "Local");
    assert_int_equal(session_table_open(x->t), 1);
    feed(x, RECV, c, "F4", 2, DAY "08:00:00.002Z", '<', "QUIT", "");
    assert_int_equal(session_table_open(x->t), 1);
    assert_int_equal(x->n_got, 2);
    feed(x, RECV, c, "F4", 1, DAY "08:00:00.001Z", '<', "EHLO a.test", "");
    assert_int_equal(session_table_open(x->t), 0);
    assert_int_equal(x->n_got, 3);
    assert_string_equal(x->got[2].sid, "F4");
    assert_int_equal(x->got[2].rows, 4);
    /* A '-' alone with seq 0 folds at once. */
    feed(x, RECV, c, "F3", 0, DAY "08:00:00.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 4);
    assert_int_equal(x->got[3].rows, 1);
    assert_int_equal(session_table_open(x->t), 0);
}

static void
session_without_seq0_waits_for_flush(void **state)
{
    struct fx *x = *state;
    feed(x, RECV, "Default EX01", "CUT", 7, DAY "08:00:07.000Z", '<', "QUIT", "");
    feed(x, RECV, "Default EX01", "CUT", 8, DAY "08:00:08.000Z", '-', "", "Local");
    /* Many more '-' rows do not fold it either. */
    feed(x, RECV, "Default EX01", "CUT", 8, DAY "08:00:08.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 0);
    assert_int_equal(session_table_open(x->t), 1);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
    assert_int_equal(x->got[0].rows, 3);
    assert_int_equal(session_table_open(x->t), 0);
    /* The table is empty: flushing again folds nothing. */
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
    /* The table is usable after a flush. */
    feed(x, RECV, "Default EX01", "CUT", 0, DAY "08:00:00.000Z", '+', "", "");
    feed(x, RECV, "Default EX01", "CUT", 1, DAY "08:00:01.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 2);
    assert_int_equal(x->got[1].rows, 2);
}

/* The same input read twice: enough rows, but no seq 0, so no fold. */
static void
duplicate_rows_without_seq0_do_not_fold(void **state)
{
    struct fx *x = *state;
    for (int pass = 0; pass < 2; pass++) {
        feed(x, RECV, "Default EX01", "DUP", 1, DAY "08:00:01.000Z", '<', "QUIT", "");
        feed(x, RECV, "Default EX01", "DUP", 2, DAY "08:00:02.000Z", '-', "", "Local");
    }
    assert_int_equal(x->n_got, 0);
    assert_int_equal(session_table_open(x->t), 1);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
    assert_int_equal(x->got[0].rows, 4);
}

/* A middle row never logged (lost, or malformed): open until the end of input. */
static void
session_missing_a_row_waits_for_flush(void **state)
{
    struct fx *x = *state;
    feed(x, RECV, "Default EX01", "GAP", 0, DAY "08:00:00.000Z", '+', "", "");
    feed(x, RECV, "Default EX01", "GAP", 1, DAY "08:00:01.000Z", '<', "STARTTLS", "");
    feed(x, RECV, "Default EX01", "GAP", 2, DAY "08:00:02.000Z", '>', "220 2.0.0 SMTP server ready",
         "");
    feed(x, RECV, "Default EX01", "GAP", 4, DAY "08:00:04.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 0);
    assert_int_equal(session_table_open(x->t), 1);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
    assert_int_equal(x->got[0].rows, 4);
    assert_int_equal(x->got[0].cls, EXTLS_TLS_UNKNOWN);
    assert_int_equal(x->got[0].end_ms, ms(DAY "08:00:04.000Z"));
    assert_int_equal(session_table_open(x->t), 0);
}

static void
flush_order_is_start_then_key(void **state)
{
    struct fx *x = *state;
    /* (start, dir, connector, sid), fed in scrambled order; none has seq 0. */
    feed(x, SEND, "Conn A", "1", 3, DAY "10:00:00.000Z", '<', "250 OK", "");
    feed(x, RECV, "Conn B", "1", 3, DAY "10:00:00.000Z", '<', "QUIT", "");
    feed(x, RECV, "Conn A", "2", 3, DAY "10:00:00.000Z", '<', "QUIT", "");
    feed(x, RECV, "Conn A ", "0", 3, DAY "10:00:00.000Z", '<', "QUIT", "");
    feed(x, RECV, "Conn A", "10", 3, DAY "10:00:00.000Z", '<', "QUIT", "");
    feed(x, SEND, "Conn Z", "9", 3, DAY "09:59:59.999Z", '<', "250 OK", "");
    feed(x, RECV, "Conn A", "10", 4, DAY "09:00:00.000Z", '-', "", "Local"); /* earlier row */
    feed(x, RECV, "Conn A", "1", 3, DAY "10:00:00.000Z", '<', "QUIT", "");
    feed(x, RECV, "Conn A", "1000", 3, DAY "10:00:00.000Z", '<', "QUIT", "");
    feed(x, RECV, "Conn A", "100", 3, DAY "10:00:00.000Z", '<', "QUIT", "");
    assert_int_equal(session_table_open(x->t), 9);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(session_table_open(x->t), 0);
    assert_int_equal(x->n_got, 9);
    static const struct {
        enum extls_dir dir;
        const char *conn, *sid;
    } want[] = {
        {RECV, "Conn A", "10"}, /* 09:00:00.000 */
        {SEND, "Conn Z", "9"},  /* 09:59:59.999 */
        /* 10:00:00.000: receive before send; connector bytewise, a prefix first; sid bytewise */
        {RECV, "Conn A", "1"},
        {RECV, "Conn A", "100"},
        {RECV, "Conn A", "1000"},
        {RECV, "Conn A", "2"},
        {RECV, "Conn A ", "0"},
        {RECV, "Conn B", "1"},
        {SEND, "Conn A", "1"},
    };
    for (size_t i = 0; i < N(want); i++) {
        assert_int_equal(x->got[i].dir, want[i].dir);
        assert_string_equal(x->got[i].connector, want[i].conn);
        assert_string_equal(x->got[i].sid, want[i].sid);
    }
}

static void
sid_reused_after_fold_is_new_session(void **state)
{
    struct fx *x = *state;
    static const struct lrow plain[] = {
        {0, "13:00:00.000", '+', "", ""},
        {1, "13:00:00.001", '<', "EHLO first.test", ""},
        {2, "13:00:00.002", '-', "", "Local"},
    };
    static const struct lrow tls[] = {
        {0, "14:00:00.000", '+', "", ""},
        {1, "14:00:00.001", '<', "EHLO second.test", ""},
        {2, "14:00:00.050", '*', "", TLS12_SERVER},
        {3, "14:00:00.100", '-', "", "Local"},
    };
    feed_log(x, RECV, "Default EX01", "REUSED", plain, 0, N(plain), 0);
    feed_log(x, RECV, "Default EX01", "REUSED", tls, 0, N(tls), 0);
    assert_int_equal(x->n_got, 2);
    assert_int_equal(session_table_open(x->t), 0);
    assert_int_equal(x->got[0].rows, 3);
    assert_int_equal(x->got[0].cls, EXTLS_NONE);
    assert_string_equal(x->got[0].host, "first.test");
    assert_int_equal(x->got[1].rows, 4);
    assert_int_equal(x->got[1].cls, EXTLS_TLS1_2);
    assert_string_equal(x->got[1].host, "second.test");
    assert_int_equal(x->got[1].start_ms, ms(DAY "14:00:00.000Z"));
}

static void
same_sid_other_connector_or_direction_is_other_session(void **state)
{
    struct fx *x = *state;
    const char *sid = "08DC42C8FF236A1F";
    /* Interleaved, so every row must find its own session. */
    feed(x, RECV, "Default EX01", sid, 0, DAY "15:00:00.000Z", '+', "", "");
    feed(x, RECV, "Client Proxy EX01", sid, 0, DAY "15:00:00.001Z", '+', "", "");
    feed(x, SEND, "Default EX01", sid, 0, DAY "15:00:00.002Z", '+', "", "");
    feed(x, RECV, "Default EX01", sid, 1, DAY "15:00:00.010Z", '*', "", TLS12_SERVER);
    feed(x, RECV, "Client Proxy EX01", sid, 1, DAY "15:00:00.011Z", '*', "", TLS10_SERVER);
    feed(x, SEND, "Default EX01", sid, 1, DAY "15:00:00.012Z", '*', "",
         "TLS negotiation failed with error SocketError");
    assert_int_equal(session_table_open(x->t), 3);
    assert_int_equal(session_table_peak(x->t), 3);
    feed(x, SEND, "Default EX01", sid, 2, DAY "15:00:00.020Z", '-', "", "Local");
    feed(x, RECV, "Client Proxy EX01", sid, 2, DAY "15:00:00.021Z", '-', "", "Local");
    feed(x, RECV, "Default EX01", sid, 2, DAY "15:00:00.022Z", '-', "", "Local");
    assert_int_equal(x->n_got, 3);
    assert_int_equal(x->got[0].dir, EXTLS_DIR_SEND);
    assert_string_equal(x->got[0].connector, "Default EX01");
    assert_int_equal(x->got[0].cls, EXTLS_TLS_FAILED);
    assert_int_equal(x->got[1].dir, EXTLS_DIR_RECEIVE);
    assert_string_equal(x->got[1].connector, "Client Proxy EX01");
    assert_int_equal(x->got[1].cls, EXTLS_TLS1_0);
    assert_int_equal(x->got[2].dir, EXTLS_DIR_RECEIVE);
    assert_string_equal(x->got[2].connector, "Default EX01");
    assert_int_equal(x->got[2].cls, EXTLS_TLS1_2);
    for (int i = 0; i < 3; i++)
        assert_int_equal(x->got[i].rows, 3);
}

static void
connector_with_trailing_space_is_other_session(void **state)
{
    struct fx *x = *state;
    /* Alternate the two spellings row by row. */
    feed(x, RECV, "Default EX01", "T", 0, DAY "16:00:00.000Z", '+', "", "");
    feed(x, RECV, "Default EX01 ", "T", 0, DAY "16:00:00.000Z", '+', "", "");
    feed(x, RECV, "Default EX01", "T", 1, DAY "16:00:00.001Z", '<', "STARTTLS", "");
    feed(x, RECV, "Default EX01 ", "T", 1, DAY "16:00:00.001Z", '<', "EHLO b.test", "");
    feed(x, RECV, "Default EX01", "T", 2, DAY "16:00:00.002Z", '>', "220 2.0.0 SMTP server ready",
         "");
    assert_int_equal(session_table_open(x->t), 2);
    feed(x, RECV, "Default EX01 ", "T", 2, DAY "16:00:00.003Z", '-', "", "Local");
    feed(x, RECV, "Default EX01", "T", 3, DAY "16:00:00.004Z", '-', "", "Local");
    assert_int_equal(x->n_got, 2);
    assert_int_equal(x->got[0].connector_len, 13);
    assert_int_equal(x->got[0].rows, 3);
    assert_string_equal(x->got[0].host, "b.test");
    assert_int_equal(x->got[0].cls, EXTLS_NONE);
    assert_int_equal(x->got[1].connector_len, 12);
    assert_int_equal(x->got[1].rows, 4);
    assert_false(x->got[1].has_host);
    assert_int_equal(x->got[1].cls, EXTLS_TLS_UNKNOWN);
}

static void
receive_host_is_first_ehlo_or_helo_by_seq(void **state)
{
    struct fx *x = *state;
    const char *c = "Default EX01";
    feed(x, RECV, c, "H", 4, DAY "10:00:04.000Z", '<', "EHLO four.test", "");
    feed(x, RECV, c, "H", 2, DAY "10:00:02.000Z", '<', "HELO two.test", "");
    feed(x, RECV, c, "H", 3, DAY "10:00:03.000Z", '<', "EHLO three.test", "");
    /* A receive 220 banner names us, not the remote host. */
    feed(x, RECV, c, "H", 1, DAY "10:00:01.000Z", '>', "220 mail.contoso.test ready", "");
    feed(x, RECV, c, "H", 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, RECV, c, "H", 5, DAY "10:00:05.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 1);
    assert_string_equal(x->got[0].host, "two.test");
    assert_int_equal(x->got[0].host_kind, MATCH_HOST_EHLO);
    /* Address literal as sent; a receive session without EHLO has no host. */
    feed(x, RECV, c, "L", 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, RECV, c, "L", 1, DAY "10:00:01.000Z", '>', "220 mail.contoso.test ready", "");
    feed(x, RECV, c, "L", 2, DAY "10:00:02.000Z", '-', "", "Remote");
    feed(x, RECV, c, "M", 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, RECV, c, "M", 1, DAY "10:00:01.000Z", '<', "EHLO [95.10.20.33]", "");
    feed(x, RECV, c, "M", 2, DAY "10:00:02.000Z", '-', "", "Remote");
    assert_int_equal(x->n_got, 3);
    assert_false(x->got[1].has_host);
    assert_string_equal(x->got[2].host, "[95.10.20.33]");
}

/*
 * Send: the 220 greeting's host is preferred to the 250 one (match.h: host
 * kinds "best first"), even when the 250 row has the lower sequence number.
 */
static void
send_banner_host_beats_250_host(void **state)
{
    struct fx *x = *state;
    const char *c = "Internet";
    feed(x, SEND, c, "B", 3, DAY "10:00:03.000Z", '<', "250-mx250.test Hello [198.51.100.7]", "");
    feed(x, SEND, c, "B", 2, DAY "10:00:02.000Z", '<', "250-mxlow.test Hello [198.51.100.7]", "");
    feed(x, SEND, c, "B", 5, DAY "10:00:05.000Z", '<', "220 mxbanner.test ESMTP", "");
    feed(x, SEND, c, "B", 4, DAY "10:00:04.000Z", '<', "250-mx4.test Hello [198.51.100.7]", "");
    feed(x, SEND, c, "B", 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, SEND, c, "B", 1, DAY "10:00:01.000Z", '*', "", "attempting to connect");
    feed(x, SEND, c, "B", 6, DAY "10:00:06.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 1);
    assert_string_equal(x->got[0].host, "mxbanner.test");
    assert_int_equal(x->got[0].host_kind, MATCH_HOST_BANNER);
    /* Two banners: lowest seq. Two 250s only: lowest seq. */
    feed(x, SEND, c, "C", 7, DAY "10:00:07.000Z", '<', "220 seven.test ESMTP", "");
    feed(x, SEND, c, "C", 6, DAY "10:00:06.000Z", '<', "220 six.test ESMTP", "");
    feed(x, SEND, c, "D", 7, DAY "10:00:07.000Z", '<', "250-seven.test Hello", "");
    feed(x, SEND, c, "D", 6, DAY "10:00:06.000Z", '<', "250-six.test Hello", "");
    feed(x, SEND, c, "D", 8, DAY "10:00:08.000Z", '<', "220 2.0.0 SMTP server ready", "");
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 3);
    assert_string_equal(x->got[1].sid, "C");
    assert_string_equal(x->got[1].host, "six.test");
    assert_int_equal(x->got[1].host_kind, MATCH_HOST_BANNER);
    assert_string_equal(x->got[2].sid, "D");
    assert_string_equal(x->got[2].host, "six.test");
    assert_int_equal(x->got[2].host_kind, MATCH_HOST_250);
}

static void
status_code_220_gives_no_host(void **state)
{
    struct fx *x = *state;
    feed(x, SEND, "Internet", "S", 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, SEND, "Internet", "S", 1, DAY "10:00:01.000Z", '<', "220 2.0.0 SMTP server ready", "");
    feed(x, SEND, "Internet", "S", 2, DAY "10:00:02.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 1);
    assert_false(x->got[0].has_host);
}

/*
 * Certificates. A receive session whose client presents a certificate, in
 * the older 6-row format (2010 sample, session 08D419E2358BCBE9, renumbered):
 * our own block, the client's block, the TLS row, the client's thumbprint.
 */
#define OUR_THUMB "EB3F0274263283D78FA322658268B57DC34533F3"
#define EDGE_THUMB "BED24B5054E4407DED127E55248CB5DF7F81D40A"
static const struct lrow recv_client_cert[] = {
    {0, "12:05:13.100", '+', "", ""},
    {1, "12:05:13.101", '>', "220 EX2010.corp.example.com Microsoft ESMTP MAIL Service ready", ""},
    {2, "12:05:13.150", '<', "EHLO edge01.example.com", ""},
    {3, "12:05:13.151", '>', "250-EX2010.corp.example.com Hello [10.0.0.31]", ""},
    {4, "12:05:13.200", '<', "STARTTLS", ""},
    {5, "12:05:13.201", '>', "220 2.0.0 SMTP server ready", ""},
    {6, "12:05:13.207", '*', "", "Sending certificate"},
    {7, "12:05:13.207", '*', "CN=EX2010", "Certificate subject"},
    {8, "12:05:13.207", '*', "CN=EX2010", "Certificate issuer name"},
    {9, "12:05:13.207", '*', "AD3977425726B8D7990FED702D6109EE", "Certificate serial number"},
    {10, "12:05:13.207", '*', OUR_THUMB, "Certificate thumbprint"},
    {11, "12:05:13.207", '*', "EX2010;EX2010.corp.example.com", "Certificate alternate names"},
    {12, "12:05:13.208", '*', "", "Remote certificate"},
    {13, "12:05:13.208", '*', "CN=edge01", "Certificate subject"},
    {14, "12:05:13.208", '*', "CN=edge01", "Certificate issuer name"},
    {15, "12:05:13.208", '*', "839B2C303EB9C2524E88656473B69248", "Certificate serial number"},
    {16, "12:05:13.208", '*', EDGE_THUMB, "Certificate thumbprint"},
    {17, "12:05:13.208", '*', "edge01;edge01.example.com", "Certificate alternate names"},
    {18, "12:05:13.294", '*', "", TLS10_SERVER},
    {19, "12:05:13.294", '*', "", "Received certificate"},
    {20, "12:05:13.294", '*', EDGE_THUMB, "Certificate thumbprint"},
    {21, "12:05:13.300", '<', "EHLO edge01.example.com", ""},
    {22, "12:05:13.301", '<', "QUIT", ""},
    {23, "12:05:13.302", '-', "", "Local"},
};

/* A send session: the server's block only (2010 sample, session 08D41673730BD5F2). */
#define MX_THUMB "BD9FDA42E7E7E584542CE60B799B45DCED189181"
static const struct lrow send_server_cert[] = {
    {0, "08:43:41.100", '*', "None", "Set Session Permissions"},
    {1, "08:43:41.101", '+', "", ""},
    {2, "08:43:41.200", '<', "220 mx.example.net ESMTP", ""},
    {3, "08:43:41.201", '>', "STARTTLS", ""},
    {4, "08:43:41.623", '<', "220 2.0.0 Ready to start TLS", ""},
    {5, "08:43:41.624", '*', "", "Remote certificate"},
    {6, "08:43:41.624", '*', "CN=mx.example.net", "Certificate subject"},
    {7, "08:43:41.624", '*', "\"CN=Example Issuing CA 1, O=Example Trust, C=US\"",
     "Certificate issuer name"},
    {8, "08:43:41.624", '*', "9DEBC71C4C786D1D1318540F8AB53AFC", "Certificate serial number"},
    {9, "08:43:41.624", '*', MX_THUMB, "Certificate thumbprint"},
    {10, "08:43:41.624", '*', "mx.example.net", "Certificate alternate names"},
    {11, "08:43:41.625", '>', "EHLO mail.example.com", ""},
    {12, "08:43:41.700", '-', "", "Local"},
};

/* Our own certificate only, both formats: no peer certificate. */
static const struct lrow recv_own_cert_only[] = {
    {0, "15:00:01.000", '+', "", ""},
    {1, "15:00:01.001", '<', "STARTTLS", ""},
    {2, "15:00:01.002", '>', "220 2.0.0 SMTP server ready", ""},
    {3, "15:00:01.003", '*', "", "Sending certificate"},
    {4, "15:00:01.003", '*', "CN=mail.contoso.test", "Certificate subject"},
    {5, "15:00:01.003", '*', "CN=Example CA", "Certificate issuer name"},
    {6, "15:00:01.003", '*', "47F577A9D7DE2A1BBA86F3359ED15311", "Certificate serial number"},
    {7, "15:00:01.003", '*', "2CAED9C5969396A0796A05A242DC5EB5C7DA9EE8", "Certificate thumbprint"},
    {8, "15:00:01.003", '*', "mail.contoso.test", "Certificate alternate names"},
    {9, "15:00:01.004", '*',
     " CN=mail.contoso.test CN=Example TLS RSA CA 2022, O=Example Trust, C=US "
     "47F577A9D7DE2A1BBA86F3359ED15311 2CAED9C5969396A0796A05A242DC5EB5C7DA9EE8 "
     "2022-11-02T00:00:00.000Z 2023-12-03T23:59:59.000Z mail.contoso.test",
     "Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after "
     "Subject alternate names"},
    {10, "15:00:01.100", '*', "", TLS12_SERVER},
    {11, "15:00:01.200", '-', "", "Local"},
};

/* Feed a whole excerpt as session sid; one fold, checked and returned. */
static const struct got *
feed_whole(struct fx *x, enum extls_dir dir, const char *sid, const struct lrow *rows, size_t n,
           int backwards)
{
    size_t before = x->n_got;
    feed_log(x, dir, "Default EX2010", sid, rows, 0, n, backwards);
    assert_int_equal(x->n_got, before + 1);
    assert_int_equal(session_table_open(x->t), 0);
    return &x->got[before];
}

static void
assert_cert(const struct got *g, const char *subject, const char *thumb)
{
    if (subject) {
        assert_true(g->has_subject);
        assert_string_equal(g->subject, subject);
        assert_int_equal(g->subject_len, strlen(subject));
    } else {
        assert_false(g->has_subject);
    }
    if (thumb) {
        assert_true(g->has_thumb);
        assert_string_equal(g->thumb, thumb);
    } else {
        assert_false(g->has_thumb);
    }
}

static void
client_certificate_of_6_row_block(void **state)
{
    struct fx *x = *state;
    assert_cert(feed_whole(x, RECV, "F", recv_client_cert, N(recv_client_cert), 0), "CN=edge01",
                EDGE_THUMB);
    assert_cert(feed_whole(x, RECV, "B", recv_client_cert, N(recv_client_cert), 1), "CN=edge01",
                EDGE_THUMB);
    /* The class and cipher are unchanged by the certificate rows. */
    assert_int_equal(x->got[0].cls, EXTLS_TLS1_0);
    assert_string_equal(x->got[0].proto, "SP_PROT_TLS1_0_SERVER");
}

static void
server_certificate_of_6_row_block(void **state)
{
    struct fx *x = *state;
    assert_cert(feed_whole(x, SEND, "F", send_server_cert, N(send_server_cert), 0),
                "CN=mx.example.net", MX_THUMB);
    assert_cert(feed_whole(x, SEND, "B", send_server_cert, N(send_server_cert), 1),
                "CN=mx.example.net", MX_THUMB);
}

/* Feed one row of an excerpt with endpoints of its own (none for every third sequence number). */
static void
feed_own_endpoints(struct fx *x, enum extls_dir dir, const char *conn, const char *sid,
                   const struct lrow *r)
{
    char time[ISOTIME_BUF], remote[32] = "", local[32] = "";
    snprintf(time, sizeof(time), DAY "%sZ", r->tod);
    if (r->seq % 3 != 1) {
        snprintf(remote, sizeof(remote), "192.0.2.%u", (unsigned)(r->seq % 200));
        snprintf(local, sizeof(local), "10.0.0.%u:25", (unsigned)(r->seq % 200));
    }
    const char *keep_remote = x->remote, *keep_local = x->local;
    x->remote = remote;
    x->local = local;
    feed(x, dir, conn, sid, r->seq, time, r->event, r->data, r->context);
    x->remote = keep_remote;
    x->local = keep_local;
}

static void
assert_same_got(const struct got *a, const struct got *b)
{
    assert_int_equal(a->dir, b->dir);
    assert_int_equal(a->connector_len, b->connector_len);
    assert_memory_equal(a->connector, b->connector, a->connector_len);
    assert_int_equal(a->sid_len, b->sid_len);
    assert_memory_equal(a->sid, b->sid, a->sid_len);
    assert_int_equal(a->start_ms, b->start_ms);
    assert_int_equal(a->end_ms, b->end_ms);
    assert_int_equal(a->rows, b->rows);
    assert_string_equal(a->remote, b->remote);
    assert_string_equal(a->local, b->local);
    assert_int_equal(a->has_host, b->has_host);
    assert_int_equal(a->host_len, b->host_len);
    assert_memory_equal(a->host, b->host, a->host_len);
    assert_int_equal(a->host_kind, b->host_kind);
    assert_string_equal(a->proto, b->proto);
    assert_string_equal(a->cipher, b->cipher);
    assert_string_equal(a->mac, b->mac);
    assert_string_equal(a->kx, b->kx);
    assert_int_equal(a->cipher_bits, b->cipher_bits);
    assert_int_equal(a->mac_bits, b->mac_bits);
    assert_int_equal(a->kx_bits, b->kx_bits);
    assert_int_equal(a->file, b->file);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->cls, b->cls);
    assert_int_equal(a->has_subject, b->has_subject);
    assert_int_equal(a->subject_len, b->subject_len);
    assert_memory_equal(a->subject, b->subject, a->subject_len);
    assert_int_equal(a->has_thumb, b->has_thumb);
    assert_string_equal(a->thumb, b->thumb);
}

/*
 * A row merged into its open session gives what merging the session of
 * that row alone gives: each excerpt fed row by row into one table, and
 * each of its rows fed into a table of its own, drained and adopted into
 * another, in order, backwards and shuffled, with endpoints that differ
 * per row. Both must fold the same session.
 */
static void
row_merge_equals_adopting_one_row_sessions(void **state)
{
    struct fx *x = *state;
    static const struct lrow refused[] = {
        {0, "11:00:00.000", '+', "", ""},
        {1, "11:00:00.001", '>', "220 mail.contoso.test Microsoft ESMTP MAIL Service ready", ""},
        {2, "11:00:00.100", '<', "EHLO client.test", ""},
        {3, "11:00:00.101", '>', EHLO_ANSWER, ""},
        {4, "11:00:00.200", '<', "STARTTLS", ""},
        {5, "11:00:00.201", '>', "454 4.7.0 TLS not available due to temporary reason", ""},
        {6, "11:00:00.300", '<', "MAIL FROM:<a@fabrikam.test>", ""},
        {7, "11:00:00.301", '>', "250 2.1.0 Sender OK", ""},
        {8, "11:00:00.400", '-', "", "Remote"},
    };
    static const struct {
        enum extls_dir dir;
        const struct lrow *rows;
        size_t n;
    } logs[] = {
        {RECV, refused, N(refused)},
        {RECV, recv_tls12, N(recv_tls12)},
        {SEND, send_starttls, N(send_starttls)},
        {RECV, recv_client_cert, N(recv_client_cert)},
        {SEND, send_server_cert, N(send_server_cert)},
    };
    struct fx *y = calloc(1, sizeof(*y)), *scratch = calloc(1, sizeof(*scratch));
    assert_non_null(y);
    assert_non_null(scratch);
    y->t = session_table_new(on_done, y);
    assert_non_null(y->t);
    uint32_t lcg = 7;
    for (size_t l = 0; l < N(logs); l++) {
        for (int order = 0; order < 8; order++) {
            size_t idx[32], n = logs[l].n;
            assert_true(n <= N(idx));
            for (size_t i = 0; i < n; i++)
                idx[i] = order == 1 ? n - 1 - i : i;
            for (size_t i = n; order >= 2 && i > 1; i--) {
                lcg = lcg * 1103515245u + 12345u;
                size_t j = (lcg >> 8) % i, tmp = idx[i - 1];
                idx[i - 1] = idx[j];
                idx[j] = tmp;
            }
            x->n_got = y->n_got = 0;
            x->line = 0;
            for (size_t i = 0; i < n; i++)
                feed_own_endpoints(x, logs[l].dir, "Conn EX01", "08DC00000000AB01",
                                   &logs[l].rows[idx[i]]);
            x->line = 0;
            struct session_table *keep = x->t;
            for (size_t i = 0; i < n; i++) {
                x->t = session_table_new(on_done, scratch);
                assert_non_null(x->t);
                feed_own_endpoints(x, logs[l].dir, "Conn EX01", "08DC00000000AB01",
                                   &logs[l].rows[idx[i]]);
                size_t k;
                struct session **v = session_table_drain(x->t, &k);
                assert_int_equal(k, 1);
                assert_int_equal(session_table_adopt(y->t, v[0]), EXTLS_OK);
                free(v);
                session_table_free(x->t);
            }
            x->t = keep;
            assert_int_equal(session_table_flush(x->t), EXTLS_OK);
            assert_int_equal(session_table_flush(y->t), EXTLS_OK);
            assert_int_equal(scratch->n_got, 0);
            assert_int_equal(x->n_got, 1);
            assert_int_equal(y->n_got, 1);
            assert_same_got(&x->got[0], &y->got[0]);
        }
    }
    session_table_free(y->t);
    free(y);
    free(scratch);
}

static void
own_certificate_is_not_the_peers(void **state)
{
    struct fx *x = *state;
    assert_cert(feed_whole(x, RECV, "F", recv_own_cert_only, N(recv_own_cert_only), 0), NULL, NULL);
    assert_cert(feed_whole(x, RECV, "B", recv_own_cert_only, N(recv_own_cert_only), 1), NULL, NULL);
    assert_int_equal(x->got[1].cls, EXTLS_TLS1_2);
}

/* The one-row form (2019 sample, send session 08DAF1E72EC948EB), then its thumbprint row. */
static void
one_row_server_certificate(void **state)
{
    struct fx *x = *state;
    static const struct lrow rows[] = {
        {0, "16:31:26.800", '*', "None", "Set Session Permissions"},
        {1, "16:31:26.801", '+', "", ""},
        {2, "16:31:26.910", '>', "STARTTLS", ""},
        {3, "16:31:26.910", '<', "220 2.0.0 SMTP server ready", ""},
        {4, "16:31:26.911", '*',
         " CN=mail.partner.example.org, O=Partner Example GmbH, L=Hamburg, C=DE CN=Example TLS "
         "RSA CA 2022, O=Example Trust, C=US 40F96DE4E8B4B45CAB1F294CA047123F "
         "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022-06-07T00:00:00.000Z "
         "2023-07-08T23:59:59.000Z mail.partner.example.org;autodiscover.partner.example.org",
         "Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after "
         "Subject alternate names"},
        {5, "16:31:26.911", '*', "", TLS12_CLIENT},
        {6, "16:31:26.911", '*', "", "Received certificate"},
        {7, "16:31:26.911", '*', "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2",
         "Certificate thumbprint"},
        {8, "16:31:27.499", '-', "", "Local"},
    };
    for (int back = 0; back < 2; back++)
        assert_cert(feed_whole(x, SEND, back ? "B" : "F", rows, N(rows), back),
                    "CN=mail.partner.example.org, O=Partner Example GmbH, L=Hamburg, C=DE",
                    "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2");
}

/* "Received certificate" and its thumbprint alone (2013 send log, CN13): no subject. */
static void
thumbprint_only_form(void **state)
{
    struct fx *x = *state;
    static const struct lrow rows[] = {
        {0, "10:00:00.000", '+', "", ""},
        {1, "10:00:00.001", '*', "", TLS10_SERVER},
        {2, "10:00:00.001", '*', "", "Received certificate"},
        {3, "10:00:00.001", '*', "318E2DAC3588A3AC593E02DE57EC66E1860753CC",
         "Certificate thumbprint"},
        {4, "10:00:00.002", '-', "", "Local"},
    };
    for (int back = 0; back < 2; back++)
        assert_cert(feed_whole(x, SEND, back ? "B" : "F", rows, N(rows), back), NULL,
                    "318E2DAC3588A3AC593E02DE57EC66E1860753CC");
}

/* Value rows count only at their place after the header: seq h+1 (subject), h+4 or h+1. */
static void
value_rows_out_of_place_are_ignored(void **state)
{
    struct fx *x = *state;
    static const struct lrow rows[] = {
        {0, "10:00:00.000", '+', "", ""},
        {1, "10:00:00.001", '*', "", "Received certificate"},
        {2, "10:00:00.001", '*', "", "Client certificate chain validation status: 'Valid'"},
        {3, "10:00:00.001", '*', "318E2DAC3588A3AC593E02DE57EC66E1860753CC",
         "Certificate thumbprint"}, /* h+2 of Received */
        {4, "10:00:00.002", '*', "", "Remote certificate"},
        {5, "10:00:00.002", '*', "CN=issuer first", "Certificate issuer name"},
        {6, "10:00:00.002", '*', "CN=not the subject", "Certificate subject"}, /* h+2 */
        {7, "10:00:00.002", '*', "AAAA", "Certificate thumbprint"},            /* h+3 */
        {8, "10:00:00.002", '*', "BBBB", "Certificate thumbprint"},            /* h+4: taken */
        {9, "10:00:00.003", '-', "", "Local"},
    };
    for (int back = 0; back < 2; back++)
        assert_cert(feed_whole(x, RECV, back ? "B" : "F", rows, N(rows), back), NULL, "BBBB");
}

/* Two peer certificates: the lowest sequence number wins, in any order. */
static void
lowest_seq_certificate_wins(void **state)
{
    struct fx *x = *state;
    static const struct lrow rows[] = {
        {0, "10:00:00.000", '+', "", ""},
        {1, "10:00:00.001", '*', "", "Received certificate"},
        {2, "10:00:00.001", '*', "1111", "Certificate thumbprint"},
        {3, "10:00:00.002", '*', "", "Remote certificate"},
        {4, "10:00:00.002", '*', "CN=first", "Certificate subject"},
        {5, "10:00:00.002", '*', "CN=x", "Certificate issuer name"},
        {6, "10:00:00.002", '*', "01", "Certificate serial number"},
        {7, "10:00:00.002", '*', "2222", "Certificate thumbprint"},
        {8, "10:00:00.002", '*', "a", "Certificate alternate names"},
        {9, "10:00:00.003", '*', " CN=second CN=x 01 3333 2022 2023 b",
         "Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after "
         "Subject alternate names"},
        {10, "10:00:00.004", '-', "", "Local"},
    };
    for (int back = 0; back < 2; back++)
        assert_cert(feed_whole(x, RECV, back ? "B" : "F", rows, N(rows), back), "CN=first", "1111");
    /* Without the first two blocks the one-row form gives both. */
    x->n_got = 0;
    feed_log(x, RECV, "Default EX2010", "C", rows, 9, 11, 0);
    feed_log(x, RECV, "Default EX2010", "C", rows, 0, 1, 0);
    feed(x, RECV, "Default EX2010", "C", 1, DAY "10:00:00.001Z", '<', "NOOP", "");
    for (uint64_t q = 2; q < 9; q++)
        feed(x, RECV, "Default EX2010", "C", q, DAY "10:00:00.001Z", '>', "250 OK", "");
    assert_int_equal(x->n_got, 1);
    assert_cert(&x->got[0], "CN=second", "3333");
}

/* A done callback that fails, counting its calls. */
static enum extls_status
on_done_fails(const struct session *s, void *user)
{
    (void)s;
    ++*(unsigned *)user;
    return EXTLS_ENOMEM;
}

/*
 * The error of the done callback is what the folding call returns: the
 * add of a session's last row, and a flush (which calls done no more
 * after the first error, yet frees every session: ASan/valgrind check).
 */
static void
done_error_is_returned(void **state)
{
    struct fx *x = *state;
    unsigned calls = 0;
    struct session_table *keep = x->t;
    x->t = session_table_new(on_done_fails, &calls);
    assert_non_null(x->t);
    char time[ISOTIME_BUF];
    size_t last = N(recv_tls12) - 1;
    feed_log(x, EXTLS_DIR_RECEIVE, "EX\\Default", "SID1", recv_tls12, 0, last, 0);
    snprintf(time, sizeof(time), DAY "%sZ", recv_tls12[last].tod);
    assert_int_equal(feed_status(x, EXTLS_DIR_RECEIVE, "EX\\Default", "SID1", recv_tls12[last].seq,
                                 time, recv_tls12[last].event, recv_tls12[last].data,
                                 recv_tls12[last].context),
                     EXTLS_ENOMEM);
    assert_int_equal(calls, 1);
    feed_log(x, EXTLS_DIR_RECEIVE, "EX\\Default", "SID2", recv_tls12, 0, 5, 0);
    feed_log(x, EXTLS_DIR_RECEIVE, "EX\\Default", "SID3", recv_tls12, 0, 5, 0);
    assert_int_equal(session_table_flush(x->t), EXTLS_ENOMEM);
    assert_int_equal(calls, 2);
    assert_false(session_table_open(x->t));
    session_table_free(x->t);
    x->t = keep;
}

/* No done callback may run on the per-input tables of the split tests. */
static enum extls_status
on_done_never(const struct session *s, void *user)
{
    (void)s;
    (void)user;
    fail_msg("a part of a split session was folded on its own");
    return EXTLS_OK;
}

/* Rows [from, to) of an excerpt into table t (as input `file`), through the real matcher. */
static void
feed_part(struct fx *x, struct session_table *t, enum extls_dir dir, const char *sid,
          const struct lrow *rows, size_t from, size_t to)
{
    struct session_table *keep = x->t;
    x->t = t;
    feed_log(x, dir, "Default EX2010", sid, rows, from, to, 0);
    x->t = keep;
}

/* Move every open session of `from` into x->t (as run.c does at the end of an input). */
static void
adopt_all(struct fx *x, struct session_table *from)
{
    size_t n = 0;
    struct session **open = session_table_drain(from, &n);
    assert_int_equal(n, 1);
    assert_int_equal(session_table_adopt(x->t, open[0]), EXTLS_OK);
    free(open);
}

/*
 * The excerpt cut into two inputs at every row: rows [0, k) and [k, n).
 * Each cut is read (1) into one table, earlier part first; (2) into one
 * table, later part first; (3) and (4) into a table per part, merged with
 * session_table_drain()/session_table_adopt() in both orders. All give the
 * peer's subject and thumbprint.
 */
static void
check_every_cut(struct fx *x, enum extls_dir dir, const struct lrow *rows, size_t n,
                const char *subject, const char *thumb)
{
    for (size_t k = 1; k < n; k++) {
        for (int how = 0; how < 4; how++) {
            x->n_got = 0;
            int later_first = how % 2;
            size_t cut[2][2] = {{0, k}, {k, n}};
            if (how < 2) {
                for (int p = 0; p < 2; p++) {
                    size_t *c = cut[later_first ? 1 - p : p];
                    feed_log(x, dir, "Default EX2010", "CUT", rows, c[0], c[1], 0);
                }
            } else {
                struct session_table *part[2];
                for (int p = 0; p < 2; p++) {
                    part[p] = session_table_new(on_done_never, NULL);
                    assert_non_null(part[p]);
                    feed_part(x, part[p], dir, "CUT", rows, cut[p][0], cut[p][1]);
                }
                adopt_all(x, part[later_first]);
                assert_int_equal(x->n_got, 0);
                adopt_all(x, part[!later_first]);
                session_table_free(part[0]);
                session_table_free(part[1]);
            }
            if (x->n_got != 1)
                fail_msg("cut at %zu, way %d: %zu folds", k, how, x->n_got);
            if (!subject != !x->got[0].has_subject || !thumb != !x->got[0].has_thumb ||
                (subject && strcmp(subject, x->got[0].subject) != 0) ||
                (thumb && strcmp(thumb, x->got[0].thumb) != 0))
                fail_msg("cut at %zu, way %d: subject '%s' thumbprint '%s'", k, how,
                         x->got[0].subject, x->got[0].thumb);
            assert_int_equal(x->got[0].rows, n);
            assert_int_equal(session_table_open(x->t), 0);
        }
    }
}

/* A block cut by a file boundary, files read in either order, one table or merged. */
static void
certificate_block_split_across_inputs(void **state)
{
    struct fx *x = *state;
    check_every_cut(x, RECV, recv_client_cert, N(recv_client_cert), "CN=edge01", EDGE_THUMB);
    check_every_cut(x, SEND, send_server_cert, N(send_server_cert), "CN=mx.example.net", MX_THUMB);
    check_every_cut(x, RECV, recv_own_cert_only, N(recv_own_cert_only), NULL, NULL);
}

/*
 * Our own block cut after its header, the later input read first: our
 * subject and thumbprint wait, the peer's block (whole in the later input)
 * is taken although its seqs are higher; our header then drops ours.
 */
static void
own_values_waiting_for_their_header(void **state)
{
    struct fx *x = *state;
    feed_log(x, RECV, "Default EX2010", "W", recv_client_cert, 7, N(recv_client_cert), 0);
    feed_log(x, RECV, "Default EX2010", "W", recv_client_cert, 0, 7, 0);
    assert_int_equal(x->n_got, 1);
    assert_cert(&x->got[0], "CN=edge01", EDGE_THUMB);
}

/*
 * Two boundaries cut both blocks and the peer's header is read last
 * (inputs rows 7..11, 13..23, 0..6, then 12): both its values and ours wait
 * at once, in the two waiting places.
 */
static void
both_blocks_waiting_at_once(void **state)
{
    struct fx *x = *state;
    feed_log(x, RECV, "Default EX2010", "W", recv_client_cert, 7, 12, 0);
    feed_log(x, RECV, "Default EX2010", "W", recv_client_cert, 13, N(recv_client_cert), 0);
    feed_log(x, RECV, "Default EX2010", "W", recv_client_cert, 0, 7, 0);
    assert_int_equal(x->n_got, 0);
    feed_log(x, RECV, "Default EX2010", "W", recv_client_cert, 12, 13, 0);
    assert_int_equal(x->n_got, 1);
    assert_cert(&x->got[0], "CN=edge01", EDGE_THUMB);
    /* Without the peer's header its block never counts; the "Received certificate" row does. */
    feed_log(x, RECV, "Default EX2010", "Y", recv_client_cert, 13, N(recv_client_cert), 0);
    feed_log(x, RECV, "Default EX2010", "Y", recv_client_cert, 0, 12, 0);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 2);
    assert_cert(&x->got[1], NULL, EDGE_THUMB);
}

/* The same inputs read twice while values wait: a value waits once, not in both places. */
static void
input_read_twice_while_waiting(void **state)
{
    struct fx *x = *state;
    size_t n = N(recv_client_cert) - 1; /* no '-': the session is flushed */
    for (int pass = 0; pass < 2; pass++)
        feed_log(x, RECV, "Default EX2010", "D", recv_client_cert, 7, 12, 0);
    for (int pass = 0; pass < 2; pass++)
        feed_log(x, RECV, "Default EX2010", "D", recv_client_cert, 13, n, 0);
    feed_log(x, RECV, "Default EX2010", "D", recv_client_cert, 12, 13, 0);
    feed_log(x, RECV, "Default EX2010", "D", recv_client_cert, 0, 7, 0);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(x->n_got, 1);
    assert_cert(&x->got[0], "CN=edge01", EDGE_THUMB);
}

/* Many other headers before the peer's block: the latest headers are remembered. */
static void
many_certificate_headers(void **state)
{
    struct fx *x = *state;
    feed(x, RECV, "C", "H", 0, DAY "10:00:00.000Z", '+', "", "");
    uint64_t q = 1;
    for (int i = 0; i < 3 * SESSION_SEQS; i++)
        feed(x, RECV, "C", "H", q++, DAY "10:00:00.001Z", '*', "", "SmartHost certificate");
    feed(x, RECV, "C", "H", q++, DAY "10:00:00.002Z", '*', "", "Remote certificate");
    feed(x, RECV, "C", "H", q++, DAY "10:00:00.002Z", '*', "CN=peer", "Certificate subject");
    feed(x, RECV, "C", "H", q++, DAY "10:00:00.002Z", '-', "", "Local");
    assert_int_equal(x->n_got, 1);
    assert_cert(&x->got[0], "CN=peer", NULL);
}

/* A subject longer than SESSION_SUBJECT_MAX is cut, not inside a UTF-8 sequence. */
static void
long_subject_cut_at_character(void **state)
{
    struct fx *x = *state;
    static char utf8[3 + 300 + 1], raw[3 + 300 + 1];
    memcpy(utf8, "CN=", 3);
    memset(utf8 + 3, 'a', SESSION_SUBJECT_MAX - 4); /* "é" (C3 A9) at bytes 254, 255 */
    memcpy(utf8 + SESSION_SUBJECT_MAX - 1, "\xC3\xA9", 2);
    memset(utf8 + SESSION_SUBJECT_MAX + 1, 'b', 40);
    memcpy(raw, "CN=", 3);
    memset(raw + 3, 0x80, 300); /* not UTF-8: cut at the cap */
    const char *subj[2] = {utf8, raw};
    for (int i = 0; i < 2; i++) {
        const char *sid = i ? "R" : "U";
        feed(x, SEND, "C", sid, 0, DAY "10:00:00.000Z", '*', "", "Remote certificate");
        feed(x, SEND, "C", sid, 1, DAY "10:00:00.000Z", '*', subj[i], "Certificate subject");
        feed(x, SEND, "C", sid, 2, DAY "10:00:00.000Z", '-', "", "Local");
    }
    assert_int_equal(x->n_got, 2);
    assert_int_equal(x->got[0].subject_len, SESSION_SUBJECT_MAX - 1);
    assert_memory_equal(x->got[0].subject, utf8, SESSION_SUBJECT_MAX - 1);
    assert_int_equal(x->got[1].subject_len, SESSION_SUBJECT_MAX);
    assert_memory_equal(x->got[1].subject, raw, SESSION_SUBJECT_MAX);
}

static void
long_ids_and_names(void **state)
{
    struct fx *x = *state;
    static char conn[3001], sid_a[1201], sid_b[1201], ehlo[5 + 300 + 1];
    static char remote[101], local[101];
    for (int i = 0; i < 3000; i++)
        conn[i] = (char)('A' + i % 26);
    memset(sid_a, '7', 1200);
    memset(sid_b, '7', 1200);
    sid_b[1199] = '8'; /* differs in the last byte only */
    memcpy(ehlo, "EHLO ", 5);
    memset(ehlo + 5, 'h', 300);
    memset(remote, '2', 100);
    memset(local, '1', 100);
    x->remote = remote;
    x->local = local;
    feed(x, RECV, conn, sid_a, 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, RECV, conn, sid_b, 0, DAY "10:00:00.001Z", '+', "", "");
    feed(x, RECV, conn, sid_a, 1, DAY "10:00:01.000Z", '<', ehlo, "");
    assert_int_equal(session_table_open(x->t), 2);
    feed(x, RECV, conn, sid_b, 1, DAY "10:00:01.001Z", '-', "", "Local");
    feed(x, RECV, conn, sid_a, 2, DAY "10:00:02.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 2);
    assert_int_equal(x->got[0].sid_len, 1200);
    assert_memory_equal(x->got[0].sid, sid_b, 1200);
    assert_int_equal(x->got[0].rows, 2);
    assert_int_equal(x->got[1].sid_len, 1200);
    assert_memory_equal(x->got[1].sid, sid_a, 1200);
    assert_int_equal(x->got[1].rows, 3);
    assert_int_equal(x->got[1].connector_len, 3000);
    assert_memory_equal(x->got[1].connector, conn, 3000);
    /* Names are cut at EXTLS_NAME_MAX, endpoints at SESSION_ADDR_MAX. */
    assert_int_equal(x->got[1].host_len, EXTLS_NAME_MAX);
    assert_int_equal(strlen(x->got[1].host), EXTLS_NAME_MAX);
    assert_int_equal(x->got[1].host[0], 'h');
    assert_int_equal(strlen(x->got[1].remote), SESSION_ADDR_MAX);
    assert_int_equal(strlen(x->got[1].local), SESSION_ADDR_MAX);
    assert_memory_equal(x->got[1].remote, remote, SESSION_ADDR_MAX);
}

static void
peak_counts_most_open_at_once(void **state)
{
    struct fx *x = *state;
    assert_int_equal(session_table_peak(x->t), 0);
    feed(x, RECV, "C", "1", 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, RECV, "C", "2", 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, RECV, "C", "3", 0, DAY "10:00:00.000Z", '+', "", "");
    feed(x, RECV, "C", "1", 1, DAY "10:00:00.000Z", '-', "", "Local");
    feed(x, RECV, "C", "2", 1, DAY "10:00:00.000Z", '-', "", "Local");
    feed(x, RECV, "C", "4", 0, DAY "10:00:00.000Z", '+', "", "");
    assert_int_equal(session_table_open(x->t), 2);
    assert_int_equal(session_table_peak(x->t), 3);
    assert_int_equal(session_table_flush(x->t), EXTLS_OK);
    assert_int_equal(session_table_open(x->t), 0);
    assert_int_equal(session_table_peak(x->t), 3);
    /* A one-row session opens and folds in the same call. */
    feed(x, RECV, "C", "5", 0, DAY "10:00:00.000Z", '-', "", "Local");
    assert_int_equal(session_table_peak(x->t), 3);
}

/* Callback of many_sessions_fold_once: counts folds per session number. */
struct many {
    uint8_t *folds;
    enum extls_class *want;
    size_t n, bad;
};

static enum extls_status
on_many(const struct session *s, void *user)
{
    struct many *m = user;
    unsigned long id = strtoul(s->sid + 4, NULL, 16);
    if (id >= m->n || s->rows != 4 || session_classify(s) != m->want[id]) {
        m->bad++;
        return EXTLS_OK;
    }
    m->folds[id]++;
    return EXTLS_OK;
}

/* Rows of session `id`, numbered seq..seq+n; its class depends on id % 4. */
static void
many_row(struct session_table *t, struct matcher *mt, unsigned long id, uint64_t seq)
{
    char sid[32], conn[16];
    snprintf(sid, sizeof(sid), "08DC%012lX", id);
    snprintf(conn, sizeof(conn), "Conn %lu", id % 3);
    static const char *const mid[4][2] = {
        {"", TLS12_SERVER},
        {"", "TLS negotiation failed with error SocketError"},
        {"STARTTLS", "220 2.0.0 SMTP server ready"},
        {"QUIT", "221 2.0.0 Closing connection."},
    };
    struct row r;
    memset(&r, 0, sizeof(r));
    r.dir = id % 5 == 0 ? EXTLS_DIR_SEND : EXTLS_DIR_RECEIVE;
    r.time_ms = 1710320478700 + (int64_t)id;
    r.seq = seq;
    r.connector = fld(conn);
    r.session = fld(sid);
    r.local = fld("10.10.10.10:25");
    r.remote_ep = fld("95.10.20.33");
    r.data = fld("");
    r.context = fld("");
    int send = r.dir == EXTLS_DIR_SEND;
    switch (seq) {
    case 0:
        r.event = ROW_CONNECT;
        break;
    case 1:
    case 2: {
        int k = (int)(id % 4);
        if (k < 2) {
            r.event = ROW_INFO;
            r.context = fld(mid[k][1]);
            if (seq == 2)
                r.context = fld("Sending certificate");
        } else {
            /* command, then its reply, with the events of the direction */
            int cmd = seq == 1;
            r.event = cmd == send ? ROW_SEND : ROW_RECEIVE;
            r.data = fld(mid[k][cmd ? 0 : 1]);
        }
        break;
    }
    default:
        r.event = ROW_DISCONNECT;
        break;
    }
    struct match_facts f;
    memset(&f, 0, sizeof(f));
    match_row(mt, &r, &f);
    assert_int_equal(session_table_add(t, &r, &f, 0), EXTLS_OK);
}

/*
 * 100000 sessions, up to 20000 open at once (table growth), folded in a
 * scrambled order (backward-shift deletion in the middle of probe runs).
 */
static void
many_sessions_fold_once(void **state)
{
    struct fx *x = *state;
    enum { N_SESS = 100000, WINDOW = 20000 };
    static const enum extls_class cls[4] = {EXTLS_TLS1_2, EXTLS_TLS_FAILED, EXTLS_TLS_UNKNOWN,
                                            EXTLS_NONE};
    struct many m = {calloc(N_SESS, 1), calloc(N_SESS, sizeof(enum extls_class)), N_SESS, 0};
    unsigned long *open = calloc(WINDOW + 1, sizeof(*open));
    assert_non_null(m.folds);
    assert_non_null(m.want);
    assert_non_null(open);
    for (unsigned long id = 0; id < N_SESS; id++)
        m.want[id] = cls[id % 4];
    struct session_table *t = session_table_new(on_many, &m);
    assert_non_null(t);
    size_t n_open = 0;
    uint32_t lcg = 12345;
    for (unsigned long id = 0; id < N_SESS; id++) {
        many_row(t, x->m, id, 0);
        many_row(t, x->m, id, 1);
        open[n_open++] = id;
        if (n_open > WINDOW) {
            lcg = lcg * 1103515245u + 12345u;
            size_t k = (lcg >> 8) % n_open;
            unsigned long done = open[k];
            open[k] = open[--n_open];
            many_row(t, x->m, done, 2);
            many_row(t, x->m, done, 3);
        }
    }
    assert_int_equal(session_table_open(t), WINDOW);
    assert_int_equal(session_table_peak(t), WINDOW + 1);
    while (n_open) {
        unsigned long done = open[--n_open];
        many_row(t, x->m, done, 2);
        many_row(t, x->m, done, 3);
    }
    assert_int_equal(session_table_open(t), 0);
    assert_int_equal(m.bad, 0);
    for (size_t id = 0; id < N_SESS; id++) {
        if (m.folds[id] != 1)
            fail_msg("session %zu folded %u times", id, (unsigned)m.folds[id]);
    }
    session_table_free(t);
    free(open);
    free(m.folds);
    free(m.want);
}

/* Freeing a table with open sessions folds nothing and (under ASan) leaks nothing. */
static void
free_with_open_sessions(void **state)
{
    struct fx *x = *state;
    for (int i = 0; i < 2000; i++) {
        char sid[16];
        snprintf(sid, sizeof(sid), "OPEN%d", i);
        feed(x, RECV, i % 2 ? "Default EX01" : "Client EX01", sid, 1, DAY "10:00:00.000Z", '<',
             "EHLO open.test", "");
        feed(x, RECV, i % 2 ? "Default EX01" : "Client EX01", sid, 2, DAY "10:00:00.001Z", '*', "",
             TLS12_SERVER);
    }
    assert_int_equal(session_table_open(x->t), 2000);
    session_table_free(x->t);
    x->t = NULL;
    assert_int_equal(x->n_got, 0);
    session_table_free(NULL);
}

/*
 * 2026-12-04: the table reuses the memory of folded sessions. A session
 * folded after one that had everything (host, marker, cipher, certificate
 * blocks, an id too long for the inline buffer) must come out exactly as
 * the same rows did from fresh memory.
 */
static void
reused_session_starts_empty(void **state)
{
    struct fx *x = *state;
    const char *c = "Default EX2010", *sid = "08DC000000000009";
    x->remote = "";
    x->local = "";
    x->line = 0;
    feed(x, RECV, c, sid, 0, DAY "13:00:00.000Z", '+', "", "");
    feed(x, RECV, c, sid, 1, DAY "13:00:01.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 1);
    x->remote = "192.0.2.9:25";
    x->local = "10.0.0.5:25";
    feed_log(x, RECV, c, "08DC42C8FF236A1F-a-session-id-past-the-inline-buffer", recv_client_cert,
             0, N(recv_client_cert), 0);
    assert_int_equal(x->n_got, 2);
    assert_true(x->got[1].has_host && x->got[1].has_subject && x->got[1].proto[0]);
    x->remote = "";
    x->local = "";
    x->line = 0;
    feed(x, RECV, c, sid, 0, DAY "13:00:00.000Z", '+', "", "");
    feed(x, RECV, c, sid, 1, DAY "13:00:01.000Z", '-', "", "Local");
    assert_int_equal(x->n_got, 3);
    assert_memory_equal(&x->got[0], &x->got[2], sizeof(x->got[0]));
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(done_error_is_returned),
        T(tls12_session_folds_on_disconnect),
        T(reversed_session_gives_same_facts),
        T(lowest_seq_wins_for_remote_local_host_origin),
        T(endpoints_never_logged_are_empty),
        T(no_tls_rows_is_none),
        T(starttls_accepted_without_marker_is_tls_unknown),
        T(starttls_refused_is_none),
        T(starttls_refused_then_accepted_is_tls_unknown),
        T(reply_after_starttls_must_be_220),
        T(refused_starttls_reversed_after_banner_is_none),
        T(x_anonymoustls_accepted_is_tls_unknown),
        T(failure_beats_accepted_starttls),
        T(marker_beats_failure_and_starttls),
        T(unknown_protocol_is_tls_unknown),
        T(marker_with_lowest_seq_wins),
        T(send_direction_starttls_accepted),
        T(send_direction_mirrored_rows_are_none),
        T(send_marker_session),
        T(starttls_reply_in_next_file),
        T(starttls_split_fed_in_reverse_file_order),
        T(reverse_file_order_with_disconnect_is_one_session),
        T(fold_needs_seq0_and_disconnect),
        T(session_without_seq0_waits_for_flush),
        T(duplicate_rows_without_seq0_do_not_fold),
        T(session_missing_a_row_waits_for_flush),
        T(flush_order_is_start_then_key),
        T(sid_reused_after_fold_is_new_session),
        T(same_sid_other_connector_or_direction_is_other_session),
        T(connector_with_trailing_space_is_other_session),
        T(receive_host_is_first_ehlo_or_helo_by_seq),
        T(send_banner_host_beats_250_host),
        T(status_code_220_gives_no_host),
        T(client_certificate_of_6_row_block),
        T(server_certificate_of_6_row_block),
        T(own_certificate_is_not_the_peers),
        T(row_merge_equals_adopting_one_row_sessions),
        T(remote_address_from_lowest_seq_endpoint),
        T(reused_session_starts_empty),
        T(one_row_server_certificate),
        T(thumbprint_only_form),
        T(value_rows_out_of_place_are_ignored),
        T(lowest_seq_certificate_wins),
        T(certificate_block_split_across_inputs),
        T(own_values_waiting_for_their_header),
        T(both_blocks_waiting_at_once),
        T(input_read_twice_while_waiting),
        T(many_certificate_headers),
        T(long_subject_cut_at_character),
        T(long_ids_and_names),
        T(peak_counts_most_open_at_once),
        T(many_sessions_fold_once),
        T(free_with_open_sessions),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
