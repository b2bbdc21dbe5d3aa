/* SPDX-License-Identifier: MIT */
/*
 * test_row.c: row_decode() field checks and conversions, one rejection reason
 * at a time, and row_endpoint_address() on the endpoint forms Exchange writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "row.h"

/* 2023-01-11T16:00:04.113Z: 19368 days after the epoch, 16:00:04.113. */
#define MS_Q16 (19368LL * 86400000 + 16LL * 3600000 + 4113)

static struct span
fld(const char *s)
{
    struct span f = {s, strlen(s)};
    return f;
}

/* A well-formed receive row (the Q16 STARTTLS command, sequence 7). */
static struct reader_row
good_row(void)
{
    struct reader_row r;
    memset(&r, 0, sizeof(r));
    r.col[READER_DATE_TIME] = fld("2023-01-11T16:00:04.113Z");
    r.col[READER_CONNECTOR_ID] = fld("EXCHANGE\\Default Frontend EXCHANGE");
    r.col[READER_SESSION_ID] = fld("08DAF3D4A1B2C3D4");
    r.col[READER_SEQUENCE_NUMBER] = fld("7");
    r.col[READER_LOCAL_ENDPOINT] = fld("10.10.10.10:25");
    r.col[READER_REMOTE_ENDPOINT] = fld("95.10.20.33:56026");
    r.col[READER_EVENT] = fld("<");
    r.col[READER_DATA] = fld("STARTTLS");
    r.col[READER_CONTEXT] = fld("");
    r.dir = EXTLS_DIR_RECEIVE;
    r.line = 42;
    return r;
}

/* The field f is exactly the bytes of s, and borrowed at `at`. */
static void
assert_field(struct span f, const char *at, const char *s)
{
    assert_int_equal(f.len, strlen(s));
    assert_memory_equal(f.ptr, s, f.len);
    assert_ptr_equal(f.ptr, at);
}

static void
decode_good_receive_row(void **state)
{
    (void)state;
    struct reader_row in = good_row();
    struct row out;
    assert_null(row_decode(&in, &out));
    assert_int_equal(out.dir, EXTLS_DIR_RECEIVE);
    assert_int_equal(out.time_ms, MS_Q16);
    assert_int_equal(out.seq, 7);
    assert_int_equal(out.event, ROW_RECEIVE);
    assert_int_equal(out.line, 42);
    /* Every text field is borrowed from the reader row, not copied. */
    assert_field(out.connector, in.col[READER_CONNECTOR_ID].ptr,
                 "EXCHANGE\\Default Frontend EXCHANGE");
    assert_field(out.session, in.col[READER_SESSION_ID].ptr, "08DAF3D4A1B2C3D4");
    assert_field(out.local, in.col[READER_LOCAL_ENDPOINT].ptr, "10.10.10.10:25");
    assert_true(out.remote_ep.ptr == in.col[READER_REMOTE_ENDPOINT].ptr &&
                out.remote_ep.len == in.col[READER_REMOTE_ENDPOINT].len);
    assert_field(row_endpoint_address(out.remote_ep), in.col[READER_REMOTE_ENDPOINT].ptr,
                 "95.10.20.33");
    assert_field(out.data, in.col[READER_DATA].ptr, "STARTTLS");
    assert_int_equal(out.context.len, 0);
}

static void
decode_every_event_char(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum row_event event;
    } cases[] = {
        {"+", ROW_CONNECT}, {"-", ROW_DISCONNECT}, {">", ROW_SEND},
        {"<", ROW_RECEIVE}, {"*", ROW_INFO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct reader_row in = good_row();
        struct row out;
        in.col[READER_EVENT] = fld(cases[i].text);
        assert_null(row_decode(&in, &out));
        assert_int_equal(out.event, cases[i].event);
    }
    assert_int_equal(ROW_CONNECT, '+');
    assert_int_equal(ROW_DISCONNECT, '-');
    assert_int_equal(ROW_SEND, '>');
    assert_int_equal(ROW_RECEIVE, '<');
    assert_int_equal(ROW_INFO, '*');
}

/* A send row before connect: empty local endpoint, sequence 0, IPv6 target. */
static void
decode_send_row_empty_local_ipv6_remote(void **state)
{
    (void)state;
    struct reader_row in = good_row();
    struct row out;
    in.dir = EXTLS_DIR_SEND;
    in.col[READER_CONNECTOR_ID] = fld("Outbound to Office 365");
    in.col[READER_SEQUENCE_NUMBER] = fld("0");
    in.col[READER_LOCAL_ENDPOINT] = fld("");
    in.col[READER_REMOTE_ENDPOINT] = fld("[2001:db8::25]:25");
    in.col[READER_EVENT] = fld("*");
    in.col[READER_DATA] = fld("");
    in.col[READER_CONTEXT] = fld("attempting to connect");
    assert_null(row_decode(&in, &out));
    assert_int_equal(out.dir, EXTLS_DIR_SEND);
    assert_int_equal(out.seq, 0);
    assert_int_equal(out.local.len, 0);
    assert_field(row_endpoint_address(out.remote_ep), in.col[READER_REMOTE_ENDPOINT].ptr + 1,
                 "2001:db8::25");
    assert_field(out.context, in.col[READER_CONTEXT].ptr, "attempting to connect");
    assert_int_equal(out.event, ROW_INFO);
}

static void
decode_large_sequence_numbers(void **state)
{
    (void)state;
    struct reader_row in = good_row();
    struct row out;
    in.col[READER_SEQUENCE_NUMBER] = fld("4294967296"); /* past 32 bits */
    assert_null(row_decode(&in, &out));
    assert_int_equal(out.seq, 4294967296ULL);
    in.col[READER_SEQUENCE_NUMBER] = fld("9999999999999999999"); /* 19 digits: the limit */
    assert_null(row_decode(&in, &out));
    assert_true(out.seq == 9999999999999999999ULL);
    in.col[READER_SEQUENCE_NUMBER] = fld("0000000000000000015"); /* leading zeros */
    assert_null(row_decode(&in, &out));
    assert_int_equal(out.seq, 15);
}

static void
decode_ipv4_and_ipv6_endpoints(void **state)
{
    (void)state;
    struct reader_row in = good_row();
    struct row out;
    in.col[READER_LOCAL_ENDPOINT] = fld("[fe80::1%11]:25");
    in.col[READER_REMOTE_ENDPOINT] = fld("[fe80::2%11]:49152");
    assert_null(row_decode(&in, &out));
    /* Only the remote endpoint is reduced to its address. */
    assert_field(out.local, in.col[READER_LOCAL_ENDPOINT].ptr, "[fe80::1%11]:25");
    assert_field(row_endpoint_address(out.remote_ep), in.col[READER_REMOTE_ENDPOINT].ptr + 1,
                 "fe80::2%11");
    in.col[READER_REMOTE_ENDPOINT] = fld("192.0.2.1:25");
    assert_null(row_decode(&in, &out));
    assert_field(row_endpoint_address(out.remote_ep), in.col[READER_REMOTE_ENDPOINT].ptr,
                 "192.0.2.1");
}

/* Replace column `col` of a good row with `text` (of length len) and decode. */
static const char *
decode_with(enum reader_col col, const char *text, size_t len)
{
    struct reader_row in = good_row();
    struct row out;
    in.col[col].ptr = text;
    in.col[col].len = len;
    return row_decode(&in, &out);
}

static void
reject_bad_date_time(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "2023-01-11", "2023-13-11T16:00:04.113Z", "2023-01-11T16:00:04.113Z ", "date-time",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_string_equal(decode_with(READER_DATE_TIME, bad[i], strlen(bad[i])),
                            "unparsable date-time");
}

static void
reject_empty_session_id(void **state)
{
    (void)state;
    assert_string_equal(decode_with(READER_SESSION_ID, "", 0), "empty session-id");
}

static void
reject_bad_sequence_number(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "-1",
        "1a",
        "a1",
        " 1",
        "1 ",
        "+1",
        "0x10",
        "18446744073709551615",  /* 20 digits, even though it fits in 64 bits */
        "99999999999999999999",  /* 20 digits */
        "100000000000000000000", /* 21 digits */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = decode_with(READER_SEQUENCE_NUMBER, bad[i], strlen(bad[i]));
        if (!why || strcmp(why, "unparsable sequence-number") != 0)
            fail_msg("sequence '%s': %s", bad[i], why ? why : "accepted");
    }
}

static void
reject_unknown_event(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "x", "++", "<>", " ", "**", "=", "+ "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = decode_with(READER_EVENT, bad[i], strlen(bad[i]));
        if (!why || strcmp(why, "unknown event") != 0)
            fail_msg("event '%s': %s", bad[i], why ? why : "accepted");
    }
    /* A NUL byte must not be found by strchr() as the set's terminator. */
    assert_string_equal(decode_with(READER_EVENT, "\0", 1), "unknown event");
    assert_string_equal(decode_with(READER_EVENT, "*\0", 2), "unknown event");
}

/* Checks run in column order: the first bad field is the one reported. */
static void
first_bad_field_is_reported(void **state)
{
    (void)state;
    struct reader_row in = good_row();
    struct row out;
    in.col[READER_SESSION_ID] = fld("");
    in.col[READER_SEQUENCE_NUMBER] = fld("x");
    in.col[READER_EVENT] = fld("x");
    assert_string_equal(row_decode(&in, &out), "empty session-id");
    in.col[READER_DATE_TIME] = fld("x");
    assert_string_equal(row_decode(&in, &out), "unparsable date-time");
    in = good_row();
    in.col[READER_SEQUENCE_NUMBER] = fld("x");
    in.col[READER_EVENT] = fld("x");
    assert_string_equal(row_decode(&in, &out), "unparsable sequence-number");
}

/* row_endpoint_address() on s; asserts the result is the substring want at s + off. */
static void
assert_address(const char *s, size_t off, const char *want)
{
    struct span a = row_endpoint_address(fld(s));
    if (a.len != strlen(want) || memcmp(a.ptr, want, a.len) != 0)
        fail_msg("address of '%s' = '%.*s', want '%s'", s, (int)a.len, a.ptr, want);
    assert_ptr_equal(a.ptr, s + off);
}

static void
endpoint_address_forms(void **state)
{
    (void)state;
    assert_address("192.0.2.1:25", 0, "192.0.2.1");
    assert_address("10.10.10.10:56026", 0, "10.10.10.10");
    assert_address("[2001:db8::1]:25", 1, "2001:db8::1");
    assert_address("[fe80::1%11]:587", 1, "fe80::1%11");
    assert_address("[::1]:25", 1, "::1");
    assert_address("", 0, "");
    /* Anything else is returned whole. */
    assert_address("2001:db8::1", 0, "2001:db8::1");
    assert_address("::1", 0, "::1");
    assert_address("host", 0, "host");
    assert_address("[", 0, "[");
    assert_address("[2001:db8::1", 0, "[2001:db8::1");
}

/* The field's length is honoured: bytes past it are not looked at. */
static void
endpoint_address_respects_length(void **state)
{
    (void)state;
    struct span ep = {"192.0.2.1:25", 9};
    struct span a = row_endpoint_address(ep);
    assert_ptr_equal(a.ptr, ep.ptr);
    assert_int_equal(a.len, 9);
    struct span v6 = {"[2001:db8::1]:25", 5}; /* "[2001" */
    a = row_endpoint_address(v6);
    assert_ptr_equal(a.ptr, v6.ptr);
    assert_int_equal(a.len, 5);
}

/* The rule of row_endpoint_address() one byte at a time: the only colon's offset, else len. */
static size_t
only_colon_bytewise(const char *s, size_t len)
{
    size_t colon = len, colons = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ':') {
            colon = i;
            colons++;
        }
    }
    return colons == 1 ? colon : len;
}

/*
 * Every length up to 40 with no colon, one colon or two colons at every
 * pair of places (the word-at-a-time search against the byte rule), read
 * from a copy with colons just past its end, which must not count.
 */
static void
endpoint_address_colon_at_every_place(void **state)
{
    (void)state;
    char s[48];
    for (size_t len = 1; len <= 40; len++) {
        for (size_t a = 0; a <= len; a++) {
            for (size_t b = a; b <= len; b++) {
                memset(s, ':', sizeof(s));
                memset(s, '7', len);
                if (a < len)
                    s[a] = ':';
                if (b < len)
                    s[b] = ':';
                struct span ep = {s, len};
                struct span got = row_endpoint_address(ep);
                size_t want = only_colon_bytewise(s, len);
                if (got.ptr != s || got.len != want)
                    fail_msg("len %zu, colons at %zu and %zu: %zu, want %zu", len, a, b, got.len,
                             want);
            }
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_good_receive_row),
        cmocka_unit_test(decode_every_event_char),
        cmocka_unit_test(decode_send_row_empty_local_ipv6_remote),
        cmocka_unit_test(decode_large_sequence_numbers),
        cmocka_unit_test(decode_ipv4_and_ipv6_endpoints),
        cmocka_unit_test(reject_bad_date_time),
        cmocka_unit_test(reject_empty_session_id),
        cmocka_unit_test(reject_bad_sequence_number),
        cmocka_unit_test(reject_unknown_event),
        cmocka_unit_test(first_bad_field_is_reported),
        cmocka_unit_test(endpoint_address_forms),
        cmocka_unit_test(endpoint_address_respects_length),
        cmocka_unit_test(endpoint_address_colon_at_every_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
