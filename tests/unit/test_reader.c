/* SPDX-License-Identifier: MIT */
/*
 * test_reader.c: the reader's exact callback event sequence (rows with all
 * nine fields, direction and line; problems with kind, line and message) and
 * its stats, for every way of cutting the input into reader_feed() calls:
 * whole, one byte per call, and every two-way split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "extls.h"
#include "reader.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define KIB64 ((size_t)64 * 1024)

/* ---- recording the events ------------------------------------------- */

/* One callback as it happened; field bytes and message are copies. */
struct event {
    int is_row;
    uint64_t line;
    enum extls_dir dir;       /* rows only */
    char *col[READER_N_COLS]; /* rows only */
    size_t col_len[READER_N_COLS];
    enum reader_problem kind; /* problems only */
    char *msg;                /* problems only */
};

struct recorder {
    struct event *ev;
    size_t n, cap;
};

struct harness {
    struct reader *r;
    struct recorder rec;
};

static struct event *
recorder_push(struct recorder *rec)
{
    if (rec->n == rec->cap) {
        rec->cap = rec->cap ? rec->cap * 2 : 16;
        rec->ev = realloc(rec->ev, rec->cap * sizeof(*rec->ev));
        assert_non_null(rec->ev);
    }
    struct event *e = &rec->ev[rec->n++];
    memset(e, 0, sizeof(*e));
    return e;
}

static void
recorder_clear(struct recorder *rec)
{
    for (size_t i = 0; i < rec->n; i++) {
        for (int c = 0; c < READER_N_COLS; c++)
            free(rec->ev[i].col[c]);
        free(rec->ev[i].msg);
    }
    rec->n = 0;
}

/* Row callback: copy every field (borrowed for the call only). */
static enum extls_status
on_row(const struct reader_row *row, void *user)
{
    struct event *e = recorder_push(user);
    e->is_row = 1;
    e->line = row->line;
    e->dir = row->dir;
    for (int c = 0; c < READER_N_COLS; c++) {
        const struct span *f = &row->col[c];
        assert_non_null(f->ptr);
        e->col[c] = malloc(f->len + 1);
        assert_non_null(e->col[c]);
        memcpy(e->col[c], f->ptr, f->len);
        e->col[c][f->len] = '\0';
        e->col_len[c] = f->len;
    }
    return EXTLS_OK;
}

static enum extls_status
on_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    struct event *e = recorder_push(user);
    e->line = line;
    e->kind = kind;
    assert_non_null(msg);
    e->msg = strdup(msg);
    assert_non_null(e->msg);
    return EXTLS_OK;
}

static int
setup(void **state)
{
    struct harness *h = calloc(1, sizeof(*h));
    if (!h)
        return -1;
    struct reader_callbacks cb = {on_row, on_problem, &h->rec};
    h->r = reader_new(&cb);
    if (!h->r) {
        free(h);
        return -1;
    }
    *state = h;
    return 0;
}

static int
teardown(void **state)
{
    struct harness *h = *state;
    recorder_clear(&h->rec);
    free(h->rec.ev);
    reader_free(h->r);
    free(h);
    return 0;
}

/* ---- expectations ---------------------------------------------------- */

struct bytes {
    const char *s;
    size_t len;
};

/* A string literal with its exact length (embedded NULs included). */
#define B(lit)                                                                                     \
    {                                                                                              \
        (lit), sizeof(lit) - 1                                                                     \
    }

struct want {
    int is_row;
    uint64_t line;
    enum extls_dir dir;
    struct bytes col[READER_N_COLS];
    enum reader_problem kind;
    const char *msg;
};

#define ROW(ln, d, c0, c1, c2, c3, c4, c5, c6, c7, c8)                                             \
    {                                                                                              \
        .is_row = 1, .line = (ln), .dir = (d),                                                     \
        .col = {B(c0), B(c1), B(c2), B(c3), B(c4), B(c5), B(c6), B(c7), B(c8)},                    \
    }
#define PROBLEM(k, ln, m)                                                                          \
    {                                                                                              \
        .is_row = 0, .line = (ln), .kind = (k), .msg = (m)                                         \
    }

/* One input and everything the reader must report for it. */
struct tcase {
    const char *in;
    size_t len;
    enum extls_dir hint;
    const struct want *want;
    size_t n_want;
    struct reader_stats st; /* `bytes` is checked against `len` */
};

#define INPUT(lit) .in = (lit), .len = sizeof(lit) - 1

static const char *
kind_name(enum reader_problem k)
{
    switch (k) {
    case READER_MALFORMED_ROW:
        return "malformed";
    case READER_FILE_ERROR:
        return "file error";
    case READER_WRONG_LOG:
        return "wrong log";
    }
    return "?";
}

/* Compare the recorded events with the expected ones, one by one. */
static void
expect_events(const struct recorder *rec, const struct want *want, size_t n_want, const char *how)
{
    size_t n = rec->n < n_want ? rec->n : n_want;
    for (size_t i = 0; i < n; i++) {
        const struct event *e = &rec->ev[i];
        const struct want *w = &want[i];
        if (e->is_row != w->is_row || e->line != w->line)
            fail_msg("%s: event %zu is a %s at line %" PRIu64 ", want a %s at line %" PRIu64
                     " (got message '%s')",
                     how, i, e->is_row ? "row" : "problem", e->line, w->is_row ? "row" : "problem",
                     w->line, e->msg ? e->msg : "");
        if (!w->is_row) {
            if (e->kind != w->kind || strcmp(e->msg, w->msg) != 0)
                fail_msg("%s: line %" PRIu64 ": got %s '%s', want %s '%s'", how, w->line,
                         kind_name(e->kind), e->msg, kind_name(w->kind), w->msg);
            continue;
        }
        if (e->dir != w->dir)
            fail_msg("%s: line %" PRIu64 ": direction %s, want %s", how, w->line,
                     extls_dir_name(e->dir), extls_dir_name(w->dir));
        for (int c = 0; c < READER_N_COLS; c++) {
            const struct bytes *wc = &w->col[c];
            if (e->col_len[c] == wc->len && memcmp(e->col[c], wc->s, wc->len) == 0)
                continue;
            fail_msg("%s: line %" PRIu64 ": %s is '%.*s' (%zu bytes), want '%.*s' (%zu bytes)", how,
                     w->line, reader_col_name((enum reader_col)c),
                     (int)(e->col_len[c] > 60 ? 60 : e->col_len[c]), e->col[c], e->col_len[c],
                     (int)(wc->len > 60 ? 60 : wc->len), wc->s, wc->len);
        }
    }
    if (rec->n != n_want)
        fail_msg("%s: %zu events, want %zu", how, rec->n, n_want);
}

#define CHECK_STAT(f)                                                                              \
    do {                                                                                           \
        if ((uint64_t)got->f != (uint64_t)want->f)                                                 \
            fail_msg("%s: stats." #f " = %" PRIu64 ", want %" PRIu64, how, (uint64_t)got->f,       \
                     (uint64_t)want->f);                                                           \
    } while (0)

static void
expect_stats(const struct reader_stats *got, const struct reader_stats *want, const char *how)
{
    CHECK_STAT(lines);
    CHECK_STAT(rows);
    CHECK_STAT(malformed);
    CHECK_STAT(header_lines);
    CHECK_STAT(blank_lines);
    CHECK_STAT(skipped);
    CHECK_STAT(bytes);
    CHECK_STAT(good_offset);
    CHECK_STAT(rejected);
}

/*
 * Run one case on a fresh reader_begin(): feed the first `first` bytes in
 * one call, the rest in calls of `step` bytes, then reader_finish().
 */
static void
replay(struct harness *h, const struct tcase *tc, size_t first, size_t step)
{
    char how[96];
    snprintf(how, sizeof(how), "fed as %zu bytes, then %zu-byte pieces", first, step);
    recorder_clear(&h->rec);
    reader_begin(h->r, tc->hint);
    size_t off = first < tc->len ? first : tc->len;
    assert_int_equal(reader_feed(h->r, tc->in, off), EXTLS_OK);
    while (off < tc->len) {
        size_t n = tc->len - off < step ? tc->len - off : step;
        assert_int_equal(reader_feed(h->r, tc->in + off, n), EXTLS_OK);
        off += n;
    }
    assert_int_equal(reader_finish(h->r), EXTLS_OK);
    expect_events(&h->rec, tc->want, tc->n_want, how);
    struct reader_stats st = tc->st;
    st.bytes = tc->len;
    expect_stats(reader_stats(h->r), &st, how);
}

/*
 * Whole input in one call, one byte per call, and split in two at every
 * position; all of it twice: with the quote-free fast path and with every
 * line through libcsv (reader_set_full_parse), which must agree exactly.
 */
static void
check_case(struct harness *h, const struct tcase *tc)
{
    for (int full = 0; full < 2; full++) {
        reader_set_full_parse(h->r, full);
        replay(h, tc, tc->len, tc->len);
        replay(h, tc, 1, 1);
        for (size_t k = 0; k <= tc->len; k++)
            replay(h, tc, k, tc->len);
    }
    reader_set_full_parse(h->r, 0);
}

/*
 * For inputs too large for a full split sweep: whole, 64 KiB reads (what
 * run.c does), one byte per call, and a split at each listed position.
 */
static void
check_large_case(struct harness *h, const struct tcase *tc, const size_t *splits, size_t n_splits)
{
    for (int full = 0; full < 2; full++) {
        reader_set_full_parse(h->r, full);
        replay(h, tc, tc->len, tc->len);
        replay(h, tc, KIB64, KIB64);
        replay(h, tc, 1, 1);
        for (size_t i = 0; i < n_splits; i++) {
            assert_true(splits[i] <= tc->len);
            replay(h, tc, splits[i], tc->len);
        }
    }
    reader_set_full_parse(h->r, 0);
}

/* ---- building large inputs ------------------------------------------ */

struct buf {
    char *p;
    size_t len, cap;
};

static char *
buf_grow(struct buf *b, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    char *at = b->p + b->len;
    b->len += n;
    return at;
}

static void
buf_add(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    memcpy(buf_grow(b, n), s, n);
}

/* Append `n` bytes of a repeating a..z pattern; returns their offset. */
static size_t
buf_fill(struct buf *b, size_t n)
{
    size_t off = b->len;
    char *at = buf_grow(b, n);
    for (size_t i = 0; i < n; i++)
        at[i] = (char)('a' + i % 26);
    return off;
}

/* ---- shared input pieces ---------------------------------------------- */

#define RECV EXTLS_DIR_RECEIVE
#define SEND EXTLS_DIR_SEND
#define MALFORMED READER_MALFORMED_ROW

#define BOM "\xEF\xBB\xBF"
#define RECV_LOG "SMTP Receive Protocol Log"
#define SEND_LOG "SMTP Send Protocol Log"
#define FIELDS_STD                                                                                 \
    "date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,"      \
    "data,context"
/* The five header lines Exchange writes at the top of a new file. */
#define HEADER(eol, type)                                                                          \
    "#Software: Microsoft Exchange Server" eol "#Version: 15.0.0.0" eol "#Log-type: " type eol     \
    "#Date: 2024-03-13T09:00:00.000Z" eol "#Fields: " FIELDS_STD eol

#define T0 "2024-03-13T09:01:18.723Z"
#define T1 "2024-03-13T09:01:18.724Z"
#define T2 "2024-03-13T09:01:18.725Z"
#define CONN "EX01\\Default Frontend EX01"
#define SID "08DC42C8FF236A1F"
#define LOC "10.0.0.5:25"
#define REM "192.0.2.7:56026"
/* The first six fields (and their commas) of a row of session SID. */
#define PRE(t, seq) t "," CONN "," SID "," seq "," LOC "," REM ","
/* The expected row for PRE(t, seq) followed by event, data and context. */
#define WROW(ln, d, t, seq, ev, data, ctx) ROW(ln, d, t, CONN, SID, seq, LOC, REM, ev, data, ctx)

#define MSG_NO_DIR                                                                                 \
    "cannot tell receive from send log: no '#Log-type:' line and the file name does not start "    \
    "with RECV or SEND"
#define MSG_NO_EOL "last row has no line end (file cut off or still being written)"
#define MSG_FIELD_TOO_LONG "field longer than 1048576 bytes"
#define MSG_LINE_TOO_LONG "line longer than 4194304 bytes"

#define TLS_TEXT                                                                                   \
    "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm "    \
    "CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits "   \
    "and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits"

/* ---- line ends, BOM, headers, direction ------------------------------ */

static void
bom_crlf_header_not_rows(void **state)
{
    /* Header lines 1-5 are not rows; only one CR before the LF is dropped. */
    static const struct want want[] = {
        WROW(6, RECV, T0, "0", "+", "", ""),
        WROW(7, RECV, T1, "1", "<", "EHLO mail.example.org", ""),
        WROW(8, RECV, T2, "2", ">", "250 OK", "ctx\r"),
    };
    struct tcase tc = {
        INPUT(BOM HEADER("\r\n", RECV_LOG) PRE(T0, "0") "+,,\r\n" PRE(
            T1, "1") "<,EHLO mail.example.org,\r\n" PRE(T2, "2") ">,250 OK,ctx\r\r\n"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 8, .rows = 3, .header_lines = 5},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
lf_only_line_ends(void **state)
{
    /* A CR that is not right before the LF is data. */
    static const struct want want[] = {
        WROW(6, RECV, T0, "0", "+", "", ""),
        WROW(7, RECV, T1, "1", "<", "a\rb", ""),
    };
    struct tcase tc = {
        INPUT(HEADER("\n", RECV_LOG) PRE(T0, "0") "+,,\n" PRE(T1, "1") "<,a\rb,\n"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 7, .rows = 2, .header_lines = 5},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
log_type_send_overrides_hint(void **state)
{
    static const struct want want[] = {
        WROW(6, SEND, T0, "0", "*", "None", "Set Session Permissions"),
    };
    struct tcase tc = {
        INPUT(BOM HEADER("\r\n", SEND_LOG) PRE(T0, "0") "*,None,Set Session Permissions\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 6, .rows = 1, .header_lines = 5},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
concatenated_file_bom_mid_stream(void **state)
{
    /* A second file (with its own BOM) appended: its header switches to send. */
    static const struct want want[] = {
        WROW(6, RECV, T0, "0", "+", "", ""),
        WROW(12, SEND, T1, "1", "-", "", ""),
    };
    struct tcase tc = {
        INPUT(BOM HEADER("\r\n", RECV_LOG) PRE(T0, "0") "+,,\r\n" BOM HEADER("\r\n", SEND_LOG)
                  PRE(T1, "1") "-,,\r\n"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 12, .rows = 2, .header_lines = 10},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
dir_hint_used_without_log_type(void **state)
{
    static const struct want want_send[] = {
        WROW(3, SEND, T0, "0", "*", "", "attempting to connect"),
        WROW(4, SEND, T1, "1", "+", "", ""),
    };
    struct tcase send = {
        INPUT("#Software: Microsoft Exchange Server\r\n#Fields: " FIELDS_STD
              "\r\n" PRE(T0, "0") "*,,attempting to connect\r\n" PRE(T1, "1") "+,,\r\n"),
        .hint = EXTLS_DIR_SEND,
        .want = want_send,
        .n_want = N_OF(want_send),
        .st = {.lines = 4, .rows = 2, .header_lines = 2},
    };
    send.st.good_offset = send.len;
    check_case(*state, &send);

    /* No header at all: the standard nine columns and the hint. */
    static const struct want want_recv[] = {
        WROW(1, RECV, T0, "0", "+", "", ""),
    };
    struct tcase recv = {
        INPUT(PRE(T0, "0") "+,,\r\n"), .hint = EXTLS_DIR_RECEIVE,     .want = want_recv,
        .n_want = N_OF(want_recv),     .st = {.lines = 1, .rows = 1},
    };
    recv.st.good_offset = recv.len;
    check_case(*state, &recv);
}

static void
unknown_direction_rejects_rest(void **state)
{
    /* The first data row has no direction: nothing after it is looked at. */
    static const struct want want[] = {
        PROBLEM(READER_FILE_ERROR, 3, MSG_NO_DIR),
    };
    struct tcase tc = {
        INPUT("#Software: Microsoft Exchange Server\r\n#Fields: " FIELDS_STD "\r\n" PRE(
            T0, "0") "+,,\r\n" PRE(T1, "1") "<,EHLO x,\r\n"
                                            "#Log-type: " SEND_LOG "\r\n" PRE(T2, "2") "-,,\r\n"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 6, .header_lines = 2, .skipped = 3, .rejected = 1},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
other_log_type_is_wrong_log(void **state)
{
    /* Everything after the "#Log-type:" line is skipped, an unfinished tail too. */
    static const struct want want[] = {
        PROBLEM(READER_WRONG_LOG, 3, "not an SMTP protocol log (#Log-type: Message Tracking Log)"),
    };
#define WRONG_HEAD BOM HEADER("\r\n", "Message Tracking Log") PRE(T0, "0") "+,,\r\n"
    struct tcase tc = {
        INPUT(WRONG_HEAD "2024-03-13T09:0"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 7,
               .header_lines = 3,
               .skipped = 4,
               .rejected = 1,
               .good_offset = sizeof(WRONG_HEAD) - 1},
    };
#undef WRONG_HEAD
    check_case(*state, &tc);
}

/* ---- what an input is (stats.kind) ----------------------------------- */

/*
 * What the first lines make of an input: its kind, and the one problem
 * reported (none: -1), fed whole, one byte at a time and split everywhere.
 */
struct kind_case {
    const char *name;
    struct bytes in;
    enum extls_dir hint;
    enum extls_kind kind;
    int problem; /* enum reader_problem, or -1 */
    const char *msg;
};

static void
input_kinds(void **state)
{
    struct harness *h = *state;
    static const struct kind_case cases[] = {
        {"protocol header", B(BOM HEADER("\r\n", RECV_LOG)), EXTLS_DIR_UNKNOWN, EXTLS_KIND_PROTOCOL,
         -1, NULL},
        {"#Fields alone", B("#Fields: " FIELDS_STD "\r\n"), EXTLS_DIR_RECEIVE, EXTLS_KIND_PROTOCOL,
         -1, NULL},
        {"no header, name hint", B(PRE(T0, "0") "+,,\r\n"), EXTLS_DIR_SEND, EXTLS_KIND_PROTOCOL, -1,
         NULL},
        /* Binary whatever the name: control bytes in a line too short to be a row. */
        {"no header, name hint, binary", B("MZ\x90\x00\x03,\r\n"), EXTLS_DIR_RECEIVE,
         EXTLS_KIND_BINARY, READER_WRONG_LOG, "not an SMTP protocol log (binary data)"},
        {"no header, name hint, NUL bytes without a line end", B("\0\0\0\0"), EXTLS_DIR_SEND,
         EXTLS_KIND_BINARY, READER_WRONG_LOG, "not an SMTP protocol log (binary data)"},
        /* A control byte in a line with a row's commas: a row (its bytes are delivered). */
        {"no header, name hint, control byte in a row", B("a,b,c,d,e,f,g,h\x01,\r\n"),
         EXTLS_DIR_RECEIVE, EXTLS_KIND_PROTOCOL, -1, NULL},
        {"no header, name hint, short text line", B("a,b\r\n"), EXTLS_DIR_RECEIVE,
         EXTLS_KIND_PROTOCOL, READER_MALFORMED_ROW, "expected 9 fields, found 2"},
        {"empty", B(""), EXTLS_DIR_UNKNOWN, EXTLS_KIND_UNKNOWN, -1, NULL},
        {"blank lines and a BOM", B(BOM "\r\n\r\n"), EXTLS_DIR_UNKNOWN, EXTLS_KIND_UNKNOWN, -1,
         NULL},
        {"header that does not tell", B("#Software: Microsoft Exchange Server\r\n"),
         EXTLS_DIR_UNKNOWN, EXTLS_KIND_UNKNOWN, -1, NULL},
        {"message tracking", B(BOM HEADER("\r\n", "Message Tracking Log")), EXTLS_DIR_RECEIVE,
         EXTLS_KIND_MESSAGE_TRACKING, READER_WRONG_LOG,
         "not an SMTP protocol log (#Log-type: Message Tracking Log)"},
        {"connectivity", B("#Log-type: Transport Connectivity Log\r\n"), EXTLS_DIR_UNKNOWN,
         EXTLS_KIND_CONNECTIVITY, READER_WRONG_LOG,
         "not an SMTP protocol log (#Log-type: Transport Connectivity Log)"},
        {"agent", B("#Log-type: Agent Log\n"), EXTLS_DIR_UNKNOWN, EXTLS_KIND_AGENT,
         READER_WRONG_LOG, "not an SMTP protocol log (#Log-type: Agent Log)"},
        {"another type", B("#Log-type: Routing Table Log\n"), EXTLS_DIR_UNKNOWN,
         EXTLS_KIND_OTHER_LOG, READER_WRONG_LOG,
         "not an SMTP protocol log (#Log-type: Routing Table Log)"},
        {"IIS",
         B("#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
           "#Date: 2023-01-11 00:00:02\r\n#Fields: date time s-ip cs-method\r\n"
           "2023-01-11 00:00:02 10.1.0.20 POST\r\n"),
         EXTLS_DIR_UNKNOWN, EXTLS_KIND_IIS, READER_WRONG_LOG,
         "not an SMTP protocol log (#Fields: date time s-ip cs-method)"},
        {"other W3C fields", B("#Fields: date time c-ip cs-username s-sitename s-computername\n"),
         EXTLS_DIR_UNKNOWN, EXTLS_KIND_OTHER_LOG, READER_WRONG_LOG,
         "not an SMTP protocol log (#Fields: date time c-ip cs-username s-sitename "
         "s-computername)"},
        {"bad #Fields with a name hint", B("#Fields: date time\n"), EXTLS_DIR_RECEIVE,
         EXTLS_KIND_UNKNOWN, READER_FILE_ERROR, "#Fields lacks column 'date-time'"},
        {"setup log",
         B("[01/11/2023 09:14:02.0190] [0] Starting Microsoft Exchange Server 2019 Setup\r\n"),
         EXTLS_DIR_UNKNOWN, EXTLS_KIND_NO_HEADER, READER_WRONG_LOG,
         "not an SMTP protocol log, or one without its header: no '#Log-type:' line and the "
         "file name does not start with RECV or SEND"},
        {"binary", B("MZ\x90\x00\x03\x00\r\n"), EXTLS_DIR_UNKNOWN, EXTLS_KIND_BINARY,
         READER_WRONG_LOG, "not an SMTP protocol log (binary data)"},
        {"binary without a line end",
         B("\x7f"
           "ELF\x02\x01"),
         EXTLS_DIR_UNKNOWN, EXTLS_KIND_BINARY, READER_WRONG_LOG,
         "not an SMTP protocol log (binary data)"},
        {"data after a header that does not tell", B("#Software: X\r\na,b\r\n"), EXTLS_DIR_UNKNOWN,
         EXTLS_KIND_OTHER_LOG, READER_WRONG_LOG,
         "not an SMTP protocol log (no '#Log-type:' or '#Fields:' line before the first row)"},
        /* Known to be a protocol log: another log appended is not a skip. */
        {"protocol log, then message tracking",
         B(HEADER("\r\n", RECV_LOG) "#Log-type: Message Tracking Log\r\n"), EXTLS_DIR_UNKNOWN,
         EXTLS_KIND_PROTOCOL, READER_WRONG_LOG,
         "not an SMTP protocol log (#Log-type: Message Tracking Log)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct kind_case *c = &cases[i];
        for (size_t split = 0; split <= c->in.len; split++) {
            const size_t steps[] = {1, c->in.len ? c->in.len : 1}; /* one byte, or the rest */
            for (size_t k = 0; k < 2; k++) {
                size_t step = steps[k];
                recorder_clear(&h->rec);
                reader_begin(h->r, c->hint);
                assert_int_equal(reader_feed(h->r, c->in.s, split), EXTLS_OK);
                for (size_t off = split; off < c->in.len; off += step) {
                    size_t n = c->in.len - off < step ? c->in.len - off : step;
                    assert_int_equal(reader_feed(h->r, c->in.s + off, n), EXTLS_OK);
                }
                assert_int_equal(reader_finish(h->r), EXTLS_OK);
                const struct reader_stats *st = reader_stats(h->r);
                if (st->kind != c->kind)
                    fail_msg("%s (split %zu, step %zu): kind %d, want %d", c->name, split, step,
                             (int)st->kind, (int)c->kind);
                if (c->problem < 0) {
                    if (h->rec.n && !h->rec.ev[0].is_row)
                        fail_msg("%s: unexpected problem '%s'", c->name, h->rec.ev[0].msg);
                    continue;
                }
                if (h->rec.n < 1 || h->rec.ev[0].is_row ||
                    h->rec.ev[0].kind != (enum reader_problem)c->problem ||
                    strcmp(h->rec.ev[0].msg, c->msg) != 0)
                    fail_msg("%s: first event is not the problem '%s' (got '%s')", c->name, c->msg,
                             h->rec.n ? h->rec.ev[0].msg : "nothing");
            }
        }
    }
}

/*
 * A last line held back unread (reader_stop(): a file still being
 * written) still says what the input is when nothing before it did: NUL
 * bytes are binary data, not an empty file; its line number is the next
 * line's and it is not counted. A protocol log's partial row says nothing.
 */
static void
stop_still_tells_the_kind(void **state)
{
    struct harness *h = *state;
    static const char nuls[4096] = {0};
    recorder_clear(&h->rec);
    reader_begin(h->r, EXTLS_DIR_UNKNOWN);
    assert_int_equal(reader_feed(h->r, nuls, sizeof(nuls)), EXTLS_OK);
    assert_int_equal(reader_stop(h->r), EXTLS_OK);
    const struct reader_stats *st = reader_stats(h->r);
    assert_int_equal(st->kind, EXTLS_KIND_BINARY);
    assert_true(st->rejected);
    assert_int_equal(st->lines, 0);
    assert_int_equal(h->rec.n, 1);
    assert_int_equal(h->rec.ev[0].kind, READER_WRONG_LOG);
    assert_int_equal(h->rec.ev[0].line, 1);
    assert_string_equal(h->rec.ev[0].msg, "not an SMTP protocol log (binary data)");

    /* The same in a file named like a receive log (RECV...): binary all the same. */
    recorder_clear(&h->rec);
    reader_begin(h->r, EXTLS_DIR_RECEIVE);
    assert_int_equal(reader_feed(h->r, nuls, sizeof(nuls)), EXTLS_OK);
    assert_int_equal(reader_stop(h->r), EXTLS_OK);
    assert_int_equal(reader_stats(h->r)->kind, EXTLS_KIND_BINARY);
    assert_true(reader_stats(h->r)->rejected);
    assert_int_equal(h->rec.n, 1);
    assert_int_equal(h->rec.ev[0].kind, READER_WRONG_LOG);
    assert_string_equal(h->rec.ev[0].msg, "not an SMTP protocol log (binary data)");

    /* Nothing at all: still unknown (empty), nothing said. */
    recorder_clear(&h->rec);
    reader_begin(h->r, EXTLS_DIR_UNKNOWN);
    assert_int_equal(reader_stop(h->r), EXTLS_OK);
    assert_int_equal(reader_stats(h->r)->kind, EXTLS_KIND_UNKNOWN);
    assert_int_equal(h->rec.n, 0);

    /* A header, then a partial row: a protocol log, the row left unread. */
    recorder_clear(&h->rec);
    reader_begin(h->r, EXTLS_DIR_UNKNOWN);
    static const char text[] = HEADER("\r\n", RECV_LOG) "2023-01-11T08:14:02.190Z,EX";
    assert_int_equal(reader_feed(h->r, text, sizeof(text) - 1), EXTLS_OK);
    assert_int_equal(reader_stop(h->r), EXTLS_OK);
    assert_int_equal(reader_stats(h->r)->kind, EXTLS_KIND_PROTOCOL);
    assert_false(reader_stats(h->r)->rejected);
    assert_int_equal(h->rec.n, 0);
}

/* A resumed input was a protocol log: reader_resume() says so. */
static void
resumed_input_is_a_protocol_log(void **state)
{
    struct harness *h = *state;
    struct reader_pos pos;
    reader_begin(h->r, EXTLS_DIR_UNKNOWN);
    assert_int_equal(reader_feed(h->r, HEADER("\n", SEND_LOG), sizeof(HEADER("\n", SEND_LOG)) - 1),
                     EXTLS_OK);
    reader_get_pos(h->r, &pos);
    reader_begin(h->r, EXTLS_DIR_UNKNOWN);
    assert_int_equal(reader_stats(h->r)->kind, EXTLS_KIND_UNKNOWN);
    reader_resume(h->r, &pos);
    assert_int_equal(reader_stats(h->r)->kind, EXTLS_KIND_PROTOCOL);
}

/* ---- #Fields ----------------------------------------------------------- */

static void
fields_reordered_mapped_by_name(void **state)
{
    static const struct want want[] = {
        WROW(2, RECV, T0, "3", "<", "EHLO x.example", "ctx-here"),
    };
    struct tcase tc = {
        INPUT("#Fields: event,session-id,date-time,data,context,connector-id,sequence-number,"
              "remote-endpoint,local-endpoint\r\n"
              "<," SID "," T0 ",EHLO x.example,ctx-here," CONN ",3," REM "," LOC "\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 2, .rows = 1, .header_lines = 1},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
fields_lacking_session_id_is_file_error(void **state)
{
    static const struct want want[] = {
        PROBLEM(READER_FILE_ERROR, 1, "#Fields lacks column 'session-id'"),
    };
    struct tcase tc = {
        INPUT("#Fields: date-time,connector-id,sequence-number,local-endpoint,remote-endpoint,"
              "event,data,context\r\n" T0 "," CONN ",0," LOC "," REM ",+,,\r\n"
              "#Fields: " FIELDS_STD "\r\n" PRE(T1, "1") "+,,\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 4, .header_lines = 1, .skipped = 3, .rejected = 1},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
fields_without_local_endpoint(void **state)
{
    /* local-endpoint is optional: delivered as "", and rows now have 8 fields. */
    static const struct want want[] = {
        ROW(2, RECV, T0, CONN, SID, "0", "", REM, "+", "", ""),
        PROBLEM(MALFORMED, 3, "expected 8 fields, found 9"),
    };
    struct tcase tc = {
        INPUT("#Fields: date-time,connector-id,session-id,sequence-number,remote-endpoint,event,"
              "data,context\r\n" T0 "," CONN "," SID ",0," REM ",+,,\r\n" PRE(T1, "1") "+,,\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 3, .rows = 1, .malformed = 1, .header_lines = 1},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
unknown_columns_ignored(void **state)
{
    static const struct want want[] = {
        WROW(2, RECV, T0, "0", "<", "EHLO x", "ctx"),
        PROBLEM(MALFORMED, 3, "expected 12 fields, found 9"),
    };
    struct tcase tc = {
        INPUT("#Fields: x-first,date-time,connector-id,session-id,sequence-number,local-endpoint,"
              "remote-endpoint,x-mid,event,data,context,x-last\r\n"
              "junk1," T0 "," CONN "," SID ",0," LOC "," REM
              ",junk2,<,EHLO x,ctx,junk3\r\n" PRE(T1, "1") "+,,\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 3, .rows = 1, .malformed = 1, .header_lines = 1},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
second_fields_line_changes_mapping(void **state)
{
    static const struct want want[] = {
        WROW(6, RECV, T0, "0", "+", "", ""),
        ROW(8, RECV, T1, CONN, SID, "1", "", REM, "<", "EHLO x", ""),
        PROBLEM(MALFORMED, 9, "expected 8 fields, found 9"),
    };
    struct tcase tc = {
        INPUT(HEADER("\r\n", RECV_LOG) PRE(T0, "0") "+,,\r\n"
                                                    "#Fields: date-time,session-id,connector-id,"
                                                    "sequence-number,remote-endpoint,event,data,"
                                                    "context\r\n" T1 "," SID "," CONN ",1," REM
                                                    ",<,EHLO x,\r\n" PRE(T2, "2") "-,,\r\n"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 9, .rows = 2, .malformed = 1, .header_lines = 6},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

/* ---- field contents ----------------------------------------------------- */

static void
quoted_fields_with_commas_and_doubled_quotes(void **state)
{
    static const struct want want[] = {
        WROW(1, RECV, T0, "7", "*", "", TLS_TEXT),
        WROW(2, RECV, T1, "8", "<", "say \"hi\", ok", ""),
        WROW(3, RECV, T2, "9", "*", "\"", "a,b\""),
    };
    struct tcase tc = {
        INPUT(PRE(T0, "7") "*,,\"" TLS_TEXT "\"\r\n" PRE(
            T1, "8") "<,\"say \"\"hi\"\", ok\",\"\"\r\n" PRE(T2, "9") "*,\"\"\"\",\"a,b\"\"\"\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 3, .rows = 3},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
spaces_kept_byte_exact(void **state)
{
    /* Connector ids can end in a space; nothing is trimmed, quoted or not. */
    static const struct want want[] = {
        ROW(1, RECV, T0, "EX\\Default ", SID, "0", " " LOC, REM, "<", "  EHLO  x  ", " \tctx\t"),
        ROW(2, RECV, T1, " EX\\Default ", SID, "1", LOC, REM, ">", "  250 ok ", ""),
    };
    struct tcase tc = {
        INPUT(T0 ",EX\\Default ," SID ",0, " LOC "," REM ",<,  EHLO  x  , \tctx\t\r\n" T1
                 ",\" EX\\Default \"," SID ",1," LOC "," REM ",>,\"  250 ok \",\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 2, .rows = 2},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
empty_fields_and_trailing_empty_context(void **state)
{
    /* The reader does not judge contents: a row of empty fields is a row. */
    static const struct want want[] = {
        ROW(1, RECV, T0, "", "", "", "", "", "", "", ""),
        ROW(2, RECV, "", "", "", "", "", "", "", "", ""),
        WROW(3, RECV, T1, "1", "+", "", ""),
    };
    struct tcase tc = {
        INPUT(T0 ",,,,,,,,\r\n,,,,,,,,\r\n" PRE(T1, "1") "+,,\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 3, .rows = 3},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
raw_bytes_and_nul_delivered_unchanged(void **state)
{
    /* Data is raw wire bytes: invalid UTF-8 and NUL pass through, lengths exact. */
    static const struct want want[] = {
        WROW(1, RECV, T0, "5", "<", "caf\xE9 \xFF\0z", "a\0,b"),
        WROW(2, RECV, T1, "6", "<", "\0", ""),
    };
    static const struct bytes lens[] = {B("caf\xE9 \xFF\0z"), B("a\0,b")};
    assert_int_equal(lens[0].len, 8);
    assert_int_equal(lens[1].len, 4);
    struct tcase tc = {
        INPUT(PRE(T0, "5") "<,caf\xE9 \xFF\0z,\"a\0,b\"\r\n" PRE(T1, "6") "<,\0,\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 2, .rows = 2},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

/* ---- malformed rows ------------------------------------------------------ */

static void
wrong_field_count_is_malformed(void **state)
{
    static const struct want want[] = {
        PROBLEM(MALFORMED, 1, "expected 9 fields, found 8"),
        PROBLEM(MALFORMED, 2, "expected 9 fields, found 10"),
        PROBLEM(MALFORMED, 3, "expected 9 fields, found 1"),
        WROW(4, RECV, T2, "2", "+", "", ""),
    };
    struct tcase tc = {
        INPUT(PRE(T0, "0") "+,\r\n" PRE(T1, "1") "+,,,\r\n   \r\n" PRE(T2, "2") "+,,\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 4, .rows = 1, .malformed = 3},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
unterminated_quote_confined_to_its_line(void **state)
{
    /* The open quote does not swallow the line end: the next line is fresh. */
    static const struct want want[] = {
        PROBLEM(MALFORMED, 1, "unterminated quoted field"),
        WROW(2, RECV, T1, "8", "*", "", "x, y"),
        PROBLEM(MALFORMED, 3, "unterminated quoted field"),
        WROW(4, RECV, T2, "9", "-", "", ""),
    };
    struct tcase tc = {
        INPUT(PRE(T0, "7") "*,,\"TLS protocol SP_PROT_TLS1_2_SERVER negotiation\r\n" PRE(
            T1, "8") "*,,\"x, y\"\r\n" PRE(T1, "8") "<,\"EHLO \"\"x\"\",\r\n" PRE(T2, "9") "-,,\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 4, .rows = 2, .malformed = 2},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
misplaced_quote_is_malformed(void **state)
{
    /*
     * PRE() is 99 bytes, so "<," puts the data field at column 102: the
     * quote of ab"c is column 104; in "ab"c libcsv stops at the 'c' after
     * the closing quote, column 106.
     */
    static const struct want want[] = {
        PROBLEM(MALFORMED, 1, "misplaced quote at column 104"),
        PROBLEM(MALFORMED, 2, "misplaced quote at column 106"),
        WROW(3, RECV, T1, "4", "<", "ab", ""),
    };
    struct tcase tc = {
        INPUT(PRE(T0, "3") "<,ab\"c,\r\n" PRE(T0, "3") "<,\"ab\"c,\r\n" PRE(T1, "4") "<,ab,\r\n"),
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 3, .rows = 1, .malformed = 2},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

static void
blank_lines_counted_not_rows(void **state)
{
    /* Line numbers are physical: blank and header lines count. */
    static const struct want want[] = {
        WROW(8, RECV, T0, "0", "+", "", ""),
        WROW(10, RECV, T1, "1", "-", "", ""),
    };
    struct tcase tc = {
        INPUT("\n" HEADER("\r\n", RECV_LOG) "\r\n" PRE(T0, "0") "+,,\r\n\n" PRE(T1, "1") "-,,\r\n"
                                                                                         "\r\n"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 11, .rows = 2, .header_lines = 5, .blank_lines = 4},
    };
    tc.st.good_offset = tc.len;
    check_case(*state, &tc);
}

/* ---- the end of the input ------------------------------------------------- */

#define COMPLETE HEADER("\r\n", RECV_LOG) PRE(T0, "0") "+,,\r\n"

static void
last_row_without_line_end_is_malformed(void **state)
{
    /* A file still being written: the cut row is never delivered. */
    static const struct want want[] = {
        WROW(6, RECV, T0, "0", "+", "", ""),
        PROBLEM(MALFORMED, 7, MSG_NO_EOL),
    };
    struct tcase tc = {
        INPUT(COMPLETE PRE(T1, "1") "-,,"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 7,
               .rows = 1,
               .malformed = 1,
               .header_lines = 5,
               .good_offset = sizeof(COMPLETE) - 1},
    };
    check_case(*state, &tc);

    /* A CR is not a line end either. */
    struct tcase cr = tc;
    cr.in = COMPLETE PRE(T1, "1") "-,,\r";
    cr.len = sizeof(COMPLETE PRE(T1, "1") "-,,\r") - 1;
    check_case(*state, &cr);
}

static void
last_header_or_blank_line_without_line_end_is_fine(void **state)
{
    static const struct want want[] = {
        WROW(6, RECV, T0, "0", "+", "", ""),
    };
    struct tcase header = {
        INPUT(COMPLETE "#Software: Microsoft Exchange Server"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 7, .rows = 1, .header_lines = 6, .good_offset = sizeof(COMPLETE) - 1},
    };
    check_case(*state, &header);

    struct tcase blank = {
        INPUT(COMPLETE "\r"),
        .hint = EXTLS_DIR_UNKNOWN,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 7,
               .rows = 1,
               .header_lines = 5,
               .blank_lines = 1,
               .good_offset = sizeof(COMPLETE) - 1},
    };
    check_case(*state, &blank);
}

/* ---- caps and buffer boundaries -------------------------------------------- */

static void
field_over_cap_is_malformed(void **state)
{
    struct buf b = {0};
    /* Line 1: a data field of exactly EXTLS_FIELD_MAX bytes is delivered. */
    buf_add(&b, PRE(T0, "0") "<,");
    size_t d1 = buf_fill(&b, EXTLS_FIELD_MAX);
    buf_add(&b, ",\r\n");
    /* Line 2: one byte more is malformed. */
    buf_add(&b, PRE(T0, "1") "<,");
    buf_fill(&b, EXTLS_FIELD_MAX + 1);
    buf_add(&b, ",\r\n");
    /* Line 3: quoted, at the cap (libcsv holds the closing quote too). */
    buf_add(&b, PRE(T0, "2") "<,\"");
    size_t d3 = buf_fill(&b, EXTLS_FIELD_MAX);
    buf_add(&b, "\",\r\n");
    /* Line 4: far over the cap (libcsv's own buffer cap is hit). */
    buf_add(&b, PRE(T0, "3") "*,,");
    buf_fill(&b, 2 * EXTLS_FIELD_MAX);
    buf_add(&b, "\r\n");
    size_t row5 = b.len;
    buf_add(&b, PRE(T1, "4") "-,,\r\n");

    struct want want[] = {
        WROW(1, RECV, T0, "0", "<", "", ""), PROBLEM(MALFORMED, 2, MSG_FIELD_TOO_LONG),
        WROW(3, RECV, T0, "2", "<", "", ""), PROBLEM(MALFORMED, 4, MSG_FIELD_TOO_LONG),
        WROW(5, RECV, T1, "4", "-", "", ""),
    };
    want[0].col[READER_DATA] = (struct bytes){b.p + d1, EXTLS_FIELD_MAX};
    want[2].col[READER_DATA] = (struct bytes){b.p + d3, EXTLS_FIELD_MAX};
    struct tcase tc = {
        .in = b.p,
        .len = b.len,
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 5, .rows = 3, .malformed = 2, .good_offset = b.len},
    };
    const size_t splits[] = {0,      d1,       d1 + EXTLS_FIELD_MAX,     d1 + EXTLS_FIELD_MAX + 2,
                             d3 - 1, d3,       d3 + EXTLS_FIELD_MAX / 2, row5 - 1,
                             row5,   b.len - 1};
    check_large_case(*state, &tc, splits, N_OF(splits));
    free(b.p);
}

/*
 * Append a well-formed row whose line is `line_len` bytes: connector, data
 * and context EXTLS_FIELD_MAX bytes each, the session id takes the rest.
 * off[] gets the offsets of those four fields; returns the session id length.
 */
static size_t
add_wide_row(struct buf *b, size_t line_len, size_t off[4])
{
    const size_t fixed = sizeof(T0 ",,,5," LOC "," REM ",*,,") - 1;
    size_t start = b->len;
    size_t sid_len = line_len - 3 * (size_t)EXTLS_FIELD_MAX - fixed;
    assert_true(sid_len <= EXTLS_FIELD_MAX);
    buf_add(b, T0 ",");
    off[0] = buf_fill(b, EXTLS_FIELD_MAX);
    buf_add(b, ",");
    off[1] = buf_fill(b, sid_len);
    buf_add(b, ",5," LOC "," REM ",*,");
    off[2] = buf_fill(b, EXTLS_FIELD_MAX);
    buf_add(b, ",");
    off[3] = buf_fill(b, EXTLS_FIELD_MAX);
    assert_int_equal(b->len - start, line_len);
    buf_add(b, "\n");
    return sid_len;
}

/*
 * Regression, 2026-11-27: a line over EXTLS_LINE_MAX that arrived whole in
 * one reader_feed() call skipped the line cap and was parsed (line 1 here
 * was delivered as a row); only a line carried across calls was capped.
 */
static void
line_over_cap_is_malformed_next_line_parsed(void **state)
{
    struct buf b = {0};
    size_t off1[4], off3[4];
    /* Line 1: a well-formed row, but EXTLS_LINE_MAX + 1 bytes before the LF. */
    add_wide_row(&b, EXTLS_LINE_MAX + 1, off1);
    size_t lf1 = b.len - 1;
    /* Line 2: ordinary. */
    buf_add(&b, PRE(T0, "1") "+,,\n");
    /* Line 3: the same shape at exactly EXTLS_LINE_MAX bytes: a row. */
    size_t row3 = b.len;
    size_t sid_len = add_wide_row(&b, EXTLS_LINE_MAX, off3);

    struct want want[] = {
        PROBLEM(MALFORMED, 1, MSG_LINE_TOO_LONG),
        WROW(2, RECV, T0, "1", "+", "", ""),
        ROW(3, RECV, T0, "", "", "5", LOC, REM, "*", "", ""),
    };
    want[2].col[READER_CONNECTOR_ID] = (struct bytes){b.p + off3[0], EXTLS_FIELD_MAX};
    want[2].col[READER_SESSION_ID] = (struct bytes){b.p + off3[1], sid_len};
    want[2].col[READER_DATA] = (struct bytes){b.p + off3[2], EXTLS_FIELD_MAX};
    want[2].col[READER_CONTEXT] = (struct bytes){b.p + off3[3], EXTLS_FIELD_MAX};
    struct tcase tc = {
        .in = b.p,
        .len = b.len,
        .hint = EXTLS_DIR_RECEIVE,
        .want = want,
        .n_want = N_OF(want),
        .st = {.lines = 3, .rows = 2, .malformed = 1, .good_offset = b.len},
    };
    const size_t splits[] = {0,        1,    off1[2],  lf1,     lf1 + 1,
                             row3 - 1, row3, row3 + 1, off3[2], b.len - 1};
    check_large_case(*state, &tc, splits, N_OF(splits));
    free(b.p);
}

static void
overlong_line_not_buffered(void **state)
{
    /*
     * A 256 MiB line streamed in 64 KiB reads: the reader keeps at most
     * EXTLS_LINE_MAX of it, so the process's peak memory must not grow by
     * anything near the line's size. (Runs first, while the peak is low.)
     */
    struct harness *h = *state;
    const size_t total = (size_t)256 * 1024 * 1024;
    char *chunk = malloc(KIB64);
    assert_non_null(chunk);
    memset(chunk, 'x', KIB64);
    struct rusage before, after;
    assert_int_equal(getrusage(RUSAGE_SELF, &before), 0);

    recorder_clear(&h->rec);
    reader_begin(h->r, EXTLS_DIR_RECEIVE);
    for (size_t off = 0; off < total; off += KIB64)
        assert_int_equal(reader_feed(h->r, chunk, KIB64), EXTLS_OK);
    static const char tail[] = "\r\n" PRE(T0, "0") "+,,\r\n";
    assert_int_equal(reader_feed(h->r, tail, sizeof(tail) - 1), EXTLS_OK);
    assert_int_equal(reader_finish(h->r), EXTLS_OK);

    assert_int_equal(getrusage(RUSAGE_SELF, &after), 0);
    free(chunk);
    /* ru_maxrss is in KiB on Linux. */
    assert_true(after.ru_maxrss - before.ru_maxrss < 32 * 1024);

    static const struct want want[] = {
        PROBLEM(MALFORMED, 1, MSG_LINE_TOO_LONG),
        WROW(2, RECV, T0, "0", "+", "", ""),
    };
    expect_events(&h->rec, want, N_OF(want), "256 MiB line in 64 KiB reads");
    struct reader_stats st = {
        .lines = 2,
        .rows = 1,
        .malformed = 1,
        .bytes = total + sizeof(tail) - 1,
        .good_offset = total + sizeof(tail) - 1,
    };
    expect_stats(reader_stats(h->r), &st, "256 MiB line in 64 KiB reads");
}

static void
row_straddling_64k_boundary(void **state)
{
    /*
     * A long data field pushes row 7's line end to each position from 3
     * bytes before to 3 bytes after offset 65536 (where run.c's second read
     * starts), the field quoted or not; the CR and LF fall on either side.
     */
    for (int quoted = 0; quoted <= 1; quoted++) {
        for (int delta = -3; delta <= 3; delta++) {
            struct buf b = {0};
            buf_add(&b, BOM HEADER("\r\n", RECV_LOG) PRE(T0, "0") "+,,\r\n" PRE(T1, "1") "<,");
            if (quoted)
                buf_add(&b, "\"");
            const size_t after_len = sizeof(",ctx\r") - 1 + (size_t)quoted;
            size_t data_len = (size_t)((long)KIB64 + delta) - b.len - after_len;
            size_t data = buf_fill(&b, data_len);
            buf_add(&b, quoted ? "\",ctx\r" : ",ctx\r");
            assert_int_equal(b.len, (size_t)((long)KIB64 + delta));
            buf_add(&b, "\n" PRE(T2, "2") "-,,\r\n");

            struct want want[] = {
                WROW(6, RECV, T0, "0", "+", "", ""),
                WROW(7, RECV, T1, "1", "<", "", "ctx"),
                WROW(8, RECV, T2, "2", "-", "", ""),
            };
            want[1].col[READER_DATA] = (struct bytes){b.p + data, data_len};
            struct tcase tc = {
                .in = b.p,
                .len = b.len,
                .hint = EXTLS_DIR_UNKNOWN,
                .want = want,
                .n_want = N_OF(want),
                .st = {.lines = 8, .rows = 3, .header_lines = 5, .good_offset = b.len},
            };
            size_t splits[2 * 8 + 1 + 3];
            size_t n = 0;
            for (size_t k = KIB64 - 8; k <= KIB64 + 8; k++)
                splits[n++] = k;
            splits[n++] = data - 1;
            splits[n++] = data;
            splits[n++] = data + 1;
            check_large_case(*state, &tc, splits, n);
            replay(*state, &tc, 4096, 4096);
            free(b.p);
        }
    }
}

/* ---- lifecycle -------------------------------------------------------------- */

static void
begin_resets_state(void **state)
{
    struct harness *h = *state;
    recorder_clear(&h->rec);

    /* Input 1: send, reordered #Fields, and a partial line left in the reader. */
    static const char in1[] = "#Log-type: " SEND_LOG "\r\n#Fields: event,session-id,date-time,"
                              "data,context,connector-id,sequence-number,remote-endpoint\r\n"
                              "2024-03-13T09:01";
    reader_begin(h->r, EXTLS_DIR_UNKNOWN);
    assert_int_equal(reader_feed(h->r, in1, sizeof(in1) - 1), EXTLS_OK);
    assert_int_equal(reader_stats(h->r)->header_lines, 2);

    /* Input 2: plain nine-column rows; direction from the new hint. */
    static const char in2[] = PRE(T0, "0") "+,,\r\n";
    reader_begin(h->r, EXTLS_DIR_RECEIVE);
    assert_int_equal(reader_feed(h->r, in2, sizeof(in2) - 1), EXTLS_OK);
    assert_int_equal(reader_finish(h->r), EXTLS_OK);
    static const struct want want2[] = {
        WROW(1, RECV, T0, "0", "+", "", ""),
    };
    expect_events(&h->rec, want2, N_OF(want2), "after reader_begin");
    struct reader_stats st2 = {
        .lines = 1, .rows = 1, .bytes = sizeof(in2) - 1, .good_offset = sizeof(in2) - 1};
    expect_stats(reader_stats(h->r), &st2, "after reader_begin");

    /* A rejected input does not carry over either. */
    recorder_clear(&h->rec);
    static const char in3[] = "#Log-type: Message Tracking Log\r\n" PRE(T0, "0") "+,,\r\n";
    reader_begin(h->r, EXTLS_DIR_RECEIVE);
    assert_int_equal(reader_feed(h->r, in3, sizeof(in3) - 1), EXTLS_OK);
    assert_int_equal(reader_finish(h->r), EXTLS_OK);
    assert_int_equal(reader_stats(h->r)->rejected, 1);
    reader_begin(h->r, EXTLS_DIR_SEND);
    assert_int_equal(reader_feed(h->r, in2, sizeof(in2) - 1), EXTLS_OK);
    assert_int_equal(reader_finish(h->r), EXTLS_OK);
    static const struct want want3[] = {
        PROBLEM(READER_WRONG_LOG, 1, "not an SMTP protocol log (#Log-type: Message Tracking Log)"),
        WROW(1, SEND, T0, "0", "+", "", ""),
    };
    expect_events(&h->rec, want3, N_OF(want3), "after a rejected input");
    expect_stats(reader_stats(h->r), &st2, "after a rejected input");
}

static void
free_null_is_noop(void **state)
{
    (void)state;
    reader_free(NULL);
}

/* ---- differential: fast paths against libcsv ------------------------ */

static uint64_t
rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Compare two recordings event by event, fields byte for byte. */
static void
same_events(const struct recorder *a, const struct recorder *b, const char *input, size_t len)
{
    int same = a->n == b->n;
    for (size_t i = 0; same && i < a->n; i++) {
        const struct event *x = &a->ev[i], *y = &b->ev[i];
        same = x->is_row == y->is_row && x->line == y->line && x->dir == y->dir &&
               x->kind == y->kind && (!x->msg) == (!y->msg) && (!x->msg || !strcmp(x->msg, y->msg));
        for (int c = 0; same && x->is_row && c < READER_N_COLS; c++)
            same =
                x->col_len[c] == y->col_len[c] && memcmp(x->col[c], y->col[c], x->col_len[c]) == 0;
    }
    if (!same)
        fail_msg("fast path and libcsv differ on input '%.*s'", (int)(len > 300 ? 300 : len),
                 input);
}

/*
 * 2026-11-27: the quote-aware fast path must split every line exactly as
 * libcsv does (or hand it to libcsv). Random lines over an alphabet rich in
 * quotes, commas, spaces and CRs, each 9-field-ish, read both ways.
 */
static void
fast_paths_equal_libcsv_on_random_lines(void **state)
{
    struct harness *h = *state;
    static const char alphabet[] = "\"\",,,,, a\rbc\t\xe9\0x";
    struct recorder fast = {0};
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    char line[256];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = rng_next(&seed) % 60, n = 0;
        for (size_t i = 0; i < len; i++)
            line[n++] = alphabet[rng_next(&seed) % (sizeof(alphabet) - 1)];
        if (rng_next(&seed) % 4 == 0) /* sometimes a well-formed 9-field row */
            n = (size_t)snprintf(line, sizeof(line), "t,c,s,%d,l,r,%c,\"%s\",%s", iter % 7,
                                 "+-<>*"[iter % 5], iter % 3 ? "a,\"\"b" : "", "x");
        line[n++] = '\n';
        for (int full = 1; full >= 0; full--) {
            recorder_clear(&h->rec);
            reader_set_full_parse(h->r, full);
            reader_begin(h->r, EXTLS_DIR_RECEIVE);
            assert_int_equal(reader_feed(h->r, line, n), EXTLS_OK);
            assert_int_equal(reader_finish(h->r), EXTLS_OK);
            if (full) {
                /* keep the libcsv recording; the harness recorder is reused */
                struct recorder tmp = fast;
                fast = h->rec;
                h->rec = tmp;
            }
        }
        same_events(&fast, &h->rec, line, n);
    }
    reader_set_full_parse(h->r, 0);
    recorder_clear(&fast);
    free(fast.ev);
}

/* Feed `len` bytes in pieces of random size (1 .. 2 * `piece`), then finish. */
static void
feed_pieces(struct reader *r, const char *in, size_t len, size_t piece, uint64_t *seed)
{
    size_t off = 0;
    while (off < len) {
        size_t n = piece ? 1 + rng_next(seed) % (2 * piece) : len;
        if (n > len - off)
            n = len - off;
        assert_int_equal(reader_feed(r, in + off, n), EXTLS_OK);
        off += n;
    }
    assert_int_equal(reader_finish(r), EXTLS_OK);
}

/*
 * 2026-12-03: the block scanner finds lines, commas and quotes for a whole
 * read buffer at once, so lines and quoted fields cross 64-byte blocks and
 * 4 KiB scan chunks, and a line may have more commas than the fast path
 * keeps (then libcsv takes it). Random documents of many lines, fed whole,
 * in random pieces and one byte at a time, must read exactly as libcsv
 * reads them.
 */
static void
block_scanner_equals_libcsv_on_random_documents(void **state)
{
    struct harness *h = *state;
    static const char alphabet[] = "\"\",,,,, a\rbc\t\xef\xbb\xbf\n\n#x";
    struct recorder ref = {0};
    uint64_t seed = 0xD1B54A32D192ED03ull;
    struct buf doc = {0};
    for (int iter = 0; iter < 300; iter++) {
        doc.len = 0;
        int n_lines = 1 + (int)(rng_next(&seed) % 60);
        for (int l = 0; l < n_lines; l++) {
            unsigned kind = (unsigned)(rng_next(&seed) % 6);
            char row[160];
            if (kind == 0) { /* noise, any length up to ~300 bytes */
                size_t len = rng_next(&seed) % 300;
                for (size_t i = 0; i < len; i++)
                    *buf_grow(&doc, 1) = alphabet[rng_next(&seed) % (sizeof(alphabet) - 1)];
            } else if (kind == 1) { /* a quoted field long enough to cross blocks */
                snprintf(row, sizeof(row), "t,c,s,%d,l,r,*,,\"", l);
                buf_add(&doc, row);
                size_t len = rng_next(&seed) % 200;
                for (size_t i = 0; i < len; i++) {
                    unsigned c = (unsigned)(rng_next(&seed) % 8);
                    buf_add(&doc, c == 0 ? "\"\"" : c == 1 ? "," : "y");
                }
                buf_add(&doc, rng_next(&seed) % 8 ? "\"" : "\"x");
            } else if (kind == 2) { /* more commas than the fast path keeps */
                buf_add(&doc, "t,c,s,1,l,r,<,\"");
                for (int i = 0; i < 150; i++)
                    buf_add(&doc, ",");
                buf_add(&doc, "\",");
            } else {
                snprintf(row, sizeof(row), "2024-03-11T09:00:00.%03dZ,c,s%d,%d,l,r,%c,%s,%s", l,
                         l % 5, l, "+-<>*"[l % 5], kind == 3 ? "\"a,\"\"b\"" : "d",
                         kind == 4 ? "\"x, y\"" : "");
                buf_add(&doc, row);
            }
            buf_add(&doc, rng_next(&seed) % 5 ? "\n" : "\r\n");
        }
        if (rng_next(&seed) % 4 == 0)
            buf_add(&doc, "t,c,s,1,l,r,<,cut"); /* no line end */
        reader_set_full_parse(h->r, 1);
        recorder_clear(&h->rec);
        reader_begin(h->r, EXTLS_DIR_RECEIVE);
        feed_pieces(h->r, doc.p, doc.len, 0, &seed);
        struct recorder tmp = ref;
        ref = h->rec;
        h->rec = tmp;
        reader_set_full_parse(h->r, 0);
        size_t pieces[] = {0, 1, 37, 300, 5000};
        for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
            recorder_clear(&h->rec);
            reader_begin(h->r, EXTLS_DIR_RECEIVE);
            feed_pieces(h->r, doc.p, doc.len, pieces[i], &seed);
            same_events(&ref, &h->rec, doc.p, doc.len);
        }
    }
    recorder_clear(&ref);
    free(ref.ev);
    free(doc.p);
}

/* Callbacks that fail on the n-th call (rows and problems alike), counting the calls. */
struct failing {
    unsigned calls, fail_at;
    enum extls_status st;
};

static enum extls_status
failing_call(struct failing *f)
{
    return ++f->calls == f->fail_at ? f->st : EXTLS_OK;
}

static enum extls_status
failing_row(const struct reader_row *row, void *user)
{
    (void)row;
    return failing_call(user);
}

static enum extls_status
failing_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    (void)kind;
    (void)line;
    (void)msg;
    return failing_call(user);
}

/*
 * A callback's error stops the reader at once: reader_feed() returns it,
 * no later line of the piece is read, and the reader keeps refusing
 * (reader_finish() too) until reader_begin().
 */
static void
callback_error_stops_reader(void **state)
{
    (void)state;
    static const char text[] = "#Log-type: SMTP Receive Protocol Log\n"
                               "a,b,c,d,e,f,g,h,i\n"
                               "a,b,c\n" /* malformed: the problem callback, call 2 */
                               "a,b,c,d,e,f,g,h,i\n"
                               "a,b,c,d,e,f,g,h,i";
    struct failing f = {0, 2, EXTLS_ETOOBIG};
    struct reader_callbacks cb = {failing_row, failing_problem, &f};
    struct reader *r = reader_new(&cb);
    assert_non_null(r);
    reader_begin(r, EXTLS_DIR_UNKNOWN);
    assert_int_equal(reader_feed(r, text, sizeof(text) - 1), EXTLS_ETOOBIG);
    assert_int_equal(f.calls, 2);
    assert_int_equal(reader_stats(r)->rows, 1);
    assert_int_equal(reader_stats(r)->lines, 3);
    assert_int_equal(reader_feed(r, "\n", 1), EXTLS_ETOOBIG);
    assert_int_equal(reader_finish(r), EXTLS_ETOOBIG);
    assert_int_equal(f.calls, 2);
    assert_int_equal(reader_stats(r)->lines, 3);
    /* A new input reads again; the unterminated last line is reported at the end. */
    f.fail_at = 0;
    reader_begin(r, EXTLS_DIR_UNKNOWN);
    assert_int_equal(reader_feed(r, text, sizeof(text) - 1), EXTLS_OK);
    assert_int_equal(reader_finish(r), EXTLS_OK);
    assert_int_equal(f.calls, 2 + 4);
    assert_int_equal(reader_stats(r)->rows, 2);
    /* An error from the problem callback about the unterminated last line, in reader_finish(). */
    f.calls = 0;
    f.fail_at = 4;
    f.st = EXTLS_ENOMEM;
    reader_begin(r, EXTLS_DIR_UNKNOWN);
    assert_int_equal(reader_feed(r, text, sizeof(text) - 1), EXTLS_OK);
    assert_int_equal(reader_finish(r), EXTLS_ENOMEM);
    assert_int_equal(f.calls, 4);
    reader_free(r);
}

/*
 * 2026-12-04: a row of the standard columns with no quote and nine fields
 * goes from the line loop straight to the row, past the per-line checks.
 * The lines next to that case (CR LF, a byte-order mark or a lone 0xEF
 * byte before a row, CR CR LF, blank, '#', a field more or less, a quote,
 * empty fields) must read exactly as libcsv reads them, whole and in pieces;
 * the BOM row arrives without its mark.
 */
static void
direct_rows_equal_libcsv(void **state)
{
    struct harness *h = *state;
#define T "2024-03-11T09:00:00.000Z"
    static const char doc[] =
        "#Software: Microsoft Exchange Server\r\n"
        "#Log-type: SMTP Receive Protocol Log\r\n"
        "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,"
        "remote-endpoint,event,data,context\r\n" T ",c,s,1,l,r,+,,\r\n"
        "\xEF\xBB\xBF" T ",c,s,2,l,r,*,d,x\n"
        "\xEF" T ",c,s,3,l,r,*,d,x\n"
        "\r\n"
        "\n" T ",c,s,4,l,r,*,d,x,y\n" T ",c,s,5,l,r,*,d\n" T ",c,s,6,l,r,*,\"d\",x\n" T
        ",c,s,7,l,r,*,d,x\r\r\n"
        ",,,,,,,,\n"
        "#Software: again\n" T ",c,s,8,l,r,-,,\n";
#undef T
    size_t len = sizeof(doc) - 1;
    struct recorder ref = {0};
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    reader_set_full_parse(h->r, 1);
    recorder_clear(&h->rec);
    reader_begin(h->r, EXTLS_DIR_UNKNOWN);
    feed_pieces(h->r, doc, len, 0, &seed);
    struct recorder tmp = ref;
    ref = h->rec;
    h->rec = tmp;
    reader_set_full_parse(h->r, 0);
    /* Rows 1, 2, 3, 6, 7, 8 and the empty one; the BOM row without its mark. */
    size_t rows = 0;
    for (size_t i = 0; i < ref.n; i++) {
        rows += (size_t)ref.ev[i].is_row;
        if (ref.ev[i].is_row && ref.ev[i].col_len[READER_SEQUENCE_NUMBER] == 1 &&
            ref.ev[i].col[READER_SEQUENCE_NUMBER][0] == '2')
            assert_string_equal(ref.ev[i].col[READER_DATE_TIME], "2024-03-11T09:00:00.000Z");
    }
    assert_int_equal(rows, 7);
    size_t pieces[] = {0, 1, 7, 64, 100};
    for (size_t i = 0; i < N_OF(pieces); i++) {
        recorder_clear(&h->rec);
        reader_begin(h->r, EXTLS_DIR_UNKNOWN);
        feed_pieces(h->r, doc, len, pieces[i], &seed);
        same_events(&ref, &h->rec, doc, len);
    }
    recorder_clear(&ref);
    free(ref.ev);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fast_paths_equal_libcsv_on_random_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(block_scanner_equals_libcsv_on_random_documents, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(direct_rows_equal_libcsv, setup, teardown),
        cmocka_unit_test_setup_teardown(overlong_line_not_buffered, setup, teardown),
        cmocka_unit_test_setup_teardown(bom_crlf_header_not_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(lf_only_line_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(log_type_send_overrides_hint, setup, teardown),
        cmocka_unit_test_setup_teardown(concatenated_file_bom_mid_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(dir_hint_used_without_log_type, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_direction_rejects_rest, setup, teardown),
        cmocka_unit_test_setup_teardown(other_log_type_is_wrong_log, setup, teardown),
        cmocka_unit_test_setup_teardown(fields_reordered_mapped_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(fields_lacking_session_id_is_file_error, setup, teardown),
        cmocka_unit_test_setup_teardown(input_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(stop_still_tells_the_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(resumed_input_is_a_protocol_log, setup, teardown),
        cmocka_unit_test_setup_teardown(fields_without_local_endpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_columns_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(second_fields_line_changes_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(quoted_fields_with_commas_and_doubled_quotes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(spaces_kept_byte_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_fields_and_trailing_empty_context, setup, teardown),
        cmocka_unit_test_setup_teardown(raw_bytes_and_nul_delivered_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_field_count_is_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(unterminated_quote_confined_to_its_line, setup, teardown),
        cmocka_unit_test_setup_teardown(misplaced_quote_is_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(blank_lines_counted_not_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(last_row_without_line_end_is_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(last_header_or_blank_line_without_line_end_is_fine, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(field_over_cap_is_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(line_over_cap_is_malformed_next_line_parsed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(row_straddling_64k_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(begin_resets_state, setup, teardown),
        cmocka_unit_test(callback_error_stops_reader),
        cmocka_unit_test(free_null_is_noop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
