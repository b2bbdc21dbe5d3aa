/* SPDX-License-Identifier: MIT */
/*
 * test_match.c: the facts match_row() takes from hand-built rows (TLS
 * markers, ciphers, failures, STARTTLS commands, reply codes, host names,
 * certificate rows of both formats) and match_protocol_class() on every
 * protocol spelling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "match.h"

/* The exact TLS rows of the format document, §6.3. */
static const char q16_success[] =
    "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm "
    "CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits "
    "and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits";
static const char cn13_success[] =
    "TLS protocol SP_PROT_TLS1_0_CLIENT negotiation succeeded using bulk encryption algorithm "
    "CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA1 with strength 160 bits "
    "and key exchange algorithm CALG_ECDHE with strength 256 bits";

static int
setup(void **state)
{
    *state = matcher_new();
    return *state ? 0 : -1;
}

static int
teardown(void **state)
{
    matcher_free(*state);
    return 0;
}

static struct span
fld(const char *s)
{
    struct span f = {s, strlen(s)};
    return f;
}

/* A row of log `dir` with event `ev`, data and context; other fields plausible. */
static struct row
mk(enum extls_dir dir, enum row_event ev, const char *data, const char *context)
{
    struct row r;
    memset(&r, 0, sizeof(r));
    r.dir = dir;
    r.time_ms = 1673452804113LL;
    r.seq = 7;
    r.event = ev;
    r.connector = fld("EXCHANGE\\Default Frontend EXCHANGE");
    r.session = fld("08DAF3D4A1B2C3D4");
    r.local = fld("10.10.10.10:25");
    r.remote_ep = fld("95.10.20.33");
    r.data = fld(data);
    r.context = fld(context);
    r.line = 1;
    return r;
}

/* match_row() with the return value checked against f.flags. */
static unsigned
match(void **state, const struct row *r, struct match_facts *f)
{
    memset(f, 0xa5, sizeof(*f)); /* garbage: match_row must set flags itself */
    unsigned flags = match_row(*state, r, f);
    assert_int_equal(flags, f->flags);
    return flags;
}

/* f is exactly the bytes s (and lies inside `within`). */
static void
assert_text(struct span f, const char *s, const char *within)
{
    if (f.len != strlen(s) || memcmp(f.ptr, s, f.len) != 0)
        fail_msg("got '%.*s', want '%s'", (int)f.len, f.ptr, s);
    assert_true(f.ptr >= within && f.ptr + f.len <= within + strlen(within));
}

/* Information row with text in the context column: TLS_OK with class cls and proto. */
static void
assert_marker(void **state, const char *context, enum extls_class cls, const char *proto)
{
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", context);
    struct match_facts f;
    unsigned flags = match(state, &r, &f);
    if (!(flags & MATCH_TLS_OK))
        fail_msg("no marker in '%s' (flags %#x)", context, flags);
    assert_int_equal(flags & (MATCH_TLS_FAILED | MATCH_TLS_CMD | MATCH_REPLY | MATCH_HOST), 0);
    if (f.cls != cls)
        fail_msg("'%s': class %d, want %d", context, (int)f.cls, (int)cls);
    assert_text(f.proto, proto, r.context.ptr);
}

/* The row gives no facts at all. */
static void
assert_nothing(void **state, const struct row *r)
{
    struct match_facts f;
    unsigned flags = match(state, r, &f);
    if (flags != 0)
        fail_msg("data '%.*s' context '%.*s': flags %#x, want 0", (int)r->data.len, r->data.ptr,
                 (int)r->context.len, r->context.ptr, flags);
}

static void
assert_algo(const struct match_algo *a, const char *name, unsigned bits, const char *within)
{
    assert_text(a->name, name, within);
    assert_int_equal(a->bits, bits);
}

static void
q16_receive_success_row(void **state)
{
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", q16_success);
    struct match_facts f;
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK | MATCH_CIPHER);
    assert_int_equal(f.cls, EXTLS_TLS1_2);
    assert_text(f.proto, "SP_PROT_TLS1_2_SERVER", q16_success);
    assert_ptr_equal(f.proto.ptr, q16_success + strlen("TLS protocol "));
    assert_algo(&f.cipher, "CALG_AES_128", 128, q16_success);
    assert_algo(&f.mac, "CALG_SHA_256", 0, q16_success);
    assert_algo(&f.kx, "CALG_ECDH_EPHEM", 256, q16_success);
}

static void
cn13_send_success_row(void **state)
{
    struct row r = mk(EXTLS_DIR_SEND, ROW_INFO, "", cn13_success);
    struct match_facts f;
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK | MATCH_CIPHER);
    assert_int_equal(f.cls, EXTLS_TLS1_0);
    assert_text(f.proto, "SP_PROT_TLS1_0_CLIENT", cn13_success);
    assert_algo(&f.cipher, "CALG_AES_256", 256, cn13_success);
    assert_algo(&f.mac, "CALG_SHA1", 160, cn13_success);
    assert_algo(&f.kx, "CALG_ECDHE", 256, cn13_success);
}

/* Every SchannelProtocols name of a version, both roles, in the "TLS protocol" form. */
static void
protocol_names_in_success_rows(void **state)
{
    static const struct {
        const char *version;
        enum extls_class cls;
    } v[] = {
        {"SSL2", EXTLS_SSL2},     {"SSL3", EXTLS_SSL3},     {"TLS1_0", EXTLS_TLS1_0},
        {"TLS1_1", EXTLS_TLS1_1}, {"TLS1_2", EXTLS_TLS1_2}, {"TLS1_3", EXTLS_TLS1_3},
    };
    static const char *const roles[] = {"SERVER", "CLIENT"};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        for (size_t k = 0; k < 2; k++) {
            char proto[64], text[256];
            snprintf(proto, sizeof(proto), "SP_PROT_%s_%s", v[i].version, roles[k]);
            snprintf(text, sizeof(text), "TLS protocol %s negotiation succeeded", proto);
            assert_marker(state, text, v[i].cls, proto);
            /* The same name alone, without the "TLS protocol" wording. */
            assert_marker(state, proto, v[i].cls, proto);
            /* Microsoft's hyphen spelling. */
            proto[7] = '-';
            snprintf(text, sizeof(text), "TLS protocol %s negotiation succeeded", proto);
            assert_marker(state, text, v[i].cls, proto);
            assert_marker(state, proto, v[i].cls, proto);
        }
    }
    assert_marker(state, "TLS protocol SP_PROT-TLS1_0_CLIENT negotiation succeeded", EXTLS_TLS1_0,
                  "SP_PROT-TLS1_0_CLIENT");
}

/* Values .NET prints in decimal (TLS 1.3 on builds whose enum lacks it). */
static void
decimal_protocols_in_success_rows(void **state)
{
    static const struct {
        const char *value;
        enum extls_class cls;
    } v[] = {
        {"4", EXTLS_SSL2},
        {"8", EXTLS_SSL2},
        {"16", EXTLS_SSL3},
        {"32", EXTLS_SSL3},
        {"64", EXTLS_TLS1_0},
        {"128", EXTLS_TLS1_0},
        {"256", EXTLS_TLS1_1},
        {"512", EXTLS_TLS1_1},
        {"1024", EXTLS_TLS1_2},
        {"2048", EXTLS_TLS1_2},
        {"4096", EXTLS_TLS1_3},
        {"8192", EXTLS_TLS1_3},
        {"0", EXTLS_TLS_UNKNOWN},
        {"1", EXTLS_TLS_UNKNOWN},
        {"2", EXTLS_TLS_UNKNOWN},
        {"192", EXTLS_TLS_UNKNOWN},
        {"99999", EXTLS_TLS_UNKNOWN},
        {"16384", EXTLS_TLS_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char text[400];
        snprintf(text, sizeof(text),
                 "TLS protocol %s negotiation succeeded using bulk encryption algorithm "
                 "CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with "
                 "strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 "
                 "bits",
                 v[i].value);
        assert_marker(state, text, v[i].cls, v[i].value);
    }
}

/* An unknown protocol in the "TLS protocol" wording is still a marker: TLS_UNKNOWN. */
static void
unknown_protocol_is_tls_unknown(void **state)
{
    assert_marker(state, "TLS protocol SP_PROT_PCT1_SERVER negotiation succeeded",
                  EXTLS_TLS_UNKNOWN, "SP_PROT_PCT1_SERVER");
    assert_marker(state, "TLS protocol SP_PROT_TLS1_4_SERVER negotiation succeeded",
                  EXTLS_TLS_UNKNOWN, "SP_PROT_TLS1_4_SERVER");
    assert_marker(state, "TLS protocol SP_PROT_TLS1_2_SERVERX negotiation succeeded",
                  EXTLS_TLS_UNKNOWN, "SP_PROT_TLS1_2_SERVERX");
    assert_marker(state, "TLS protocol Zero negotiation succeeded", EXTLS_TLS_UNKNOWN, "Zero");
    assert_marker(state, "TLS protocol 0x400 negotiation succeeded", EXTLS_TLS_UNKNOWN, "0x400");
}

/* A success row cut before the algorithms: marker without MATCH_CIPHER. */
static void
marker_without_cipher_part(void **state)
{
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "",
                      "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded");
    struct match_facts f;
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK);
    assert_int_equal(f.cls, EXTLS_TLS1_2);
}

/* The cipher pattern of match.c, the reference the plain cipher search must equal. */
static const char cipher_reference[] =
    "bulk encryption algorithm (\\S+) with strength (\\d+) bits, "
    "MAC hash algorithm (\\S+) with strength (\\d+) bits "
    "and key exchange algorithm (\\S+) with strength (\\d+) bits";

/* match_row() on a success row with context ctx[0..len) against PCRE2 with cipher_reference. */
static void
assert_cipher_as_pcre2(void **state, pcre2_code *re, pcre2_match_data *md, const char *ctx,
                       size_t len)
{
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", "");
    r.context.ptr = ctx;
    r.context.len = len;
    struct match_facts f;
    unsigned flags = match(state, &r, &f);
    assert_true(flags & MATCH_TLS_OK);
    int rc = pcre2_match(re, (PCRE2_SPTR)ctx, len, 0, 0, md, NULL);
    if ((rc >= 0) != ((flags & MATCH_CIPHER) != 0))
        fail_msg("'%.*s': pcre2 %d, flags %#x", (int)len, ctx, rc, flags);
    if (rc < 0)
        return;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    const struct match_algo *a[3] = {&f.cipher, &f.mac, &f.kx};
    for (int i = 0; i < 3; i++) {
        PCRE2_SIZE s = ov[2 * (1 + 2 * i)], e = ov[2 * (1 + 2 * i) + 1];
        if (a[i]->name.ptr != ctx + s || a[i]->name.len != e - s)
            fail_msg("'%.*s': name %d differs", (int)len, ctx, i);
        unsigned long v = 0;
        for (PCRE2_SIZE k = ov[2 * (2 + 2 * i)]; k < ov[2 * (2 + 2 * i) + 1] && v < 100000000ul;
             k++)
            v = v * 10 + (unsigned long)(ctx[k] - '0');
        assert_int_equal(a[i]->bits, (unsigned)v);
    }
}

/*
 * The cipher part found without PCRE2 equals what cipher_reference finds:
 * the exact row, and every byte of its cipher part replaced by one of a set
 * (white space, control and non-ASCII bytes, digits, letters), deleted, or
 * the text cut there, and a repeated first literal.
 */
static void
cipher_search_equals_pcre2(void **state)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)cipher_reference, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    pcre2_match_data *md = pcre2_match_data_create(8, NULL);
    assert_non_null(re);
    assert_non_null(md);
    static const char head[] = "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using ";
    static const char tail[] =
        "bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm "
        "CALG_SHA_256 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with "
        "strength 256 bits";
    static const char bytes[] = {' ',        '\t',       '\n', '\v', '\r', 0x01, 0x7f,
                                 (char)0x85, (char)0xa0, '\0', '5',  'x',  'b',  ','};
    char text[512];
    size_t h = strlen(head), t = strlen(tail);
    memcpy(text, head, h);
    memcpy(text + h, tail, t);
    assert_cipher_as_pcre2(state, re, md, text, h + t);
    for (size_t i = 0; i < t; i++) {
        for (size_t b = 0; b < sizeof(bytes); b++) {
            memcpy(text + h, tail, t);
            text[h + i] = bytes[b];
            assert_cipher_as_pcre2(state, re, md, text, h + t);
        }
        memcpy(text + h, tail, i); /* byte i deleted */
        memcpy(text + h + i, tail + i + 1, t - i - 1);
        assert_cipher_as_pcre2(state, re, md, text, h + t - 1);
        memcpy(text + h, tail, t); /* cut before byte i */
        assert_cipher_as_pcre2(state, re, md, text, h + i);
    }
    static const char twice[] = "bulk encryption algorithm bulk encryption algorithm ";
    size_t w = strlen(twice);
    memcpy(text + h, twice, w);
    memcpy(text + h + w, tail + strlen("bulk encryption algorithm "),
           t - strlen("bulk encryption algorithm "));
    assert_cipher_as_pcre2(state, re, md, text, h + w + t - strlen("bulk encryption algorithm "));
    pcre2_match_data_free(md);
    pcre2_code_free(re);
}

/* The marker may stand in the data column when context has none. */
static void
marker_in_data_column(void **state)
{
    struct match_facts f;
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, q16_success, "");
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK | MATCH_CIPHER);
    assert_int_equal(f.cls, EXTLS_TLS1_2);
    assert_text(f.proto, "SP_PROT_TLS1_2_SERVER", q16_success);
    assert_algo(&f.kx, "CALG_ECDH_EPHEM", 256, q16_success);

    /* A bare marker alone in data, context empty. */
    r = mk(EXTLS_DIR_SEND, ROW_INFO, "SP_PROT_TLS1_1_CLIENT", "");
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK);
    assert_int_equal(f.cls, EXTLS_TLS1_1);
    assert_text(f.proto, "SP_PROT_TLS1_1_CLIENT", r.data.ptr);

    /*
     * 2026-11-27: data labelled by context is the peer's (certificate
     * fields, user names): a client could pick its class by naming its
     * certificate after a marker. Data is read only when context is empty.
     */
    static const char *const labels[] = {"Certificate subject", "Certificate alternate names",
                                         "authenticated", "Some unrelated context text"};
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "SP_PROT_SSL3_SERVER", labels[i]);
        assert_int_equal(match(state, &r, &f) & (MATCH_TLS_OK | MATCH_TLS_FAILED), 0);
        r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, q16_success, labels[i]);
        assert_int_equal(match(state, &r, &f) & (MATCH_TLS_OK | MATCH_TLS_FAILED), 0);
    }

    /* The context column is searched first. */
    r = mk(EXTLS_DIR_SEND, ROW_INFO, "SP_PROT_TLS1_1_CLIENT", cn13_success);
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK | MATCH_CIPHER);
    assert_int_equal(f.cls, EXTLS_TLS1_0);
}

/* Markers count at the start of a field (bare ones as the whole field), not inside text. */
static void
bare_marker_inside_text(void **state)
{
    /* A bare marker counts as a whole field (spaces around it allowed) ... */
    assert_marker(state, "SP_PROT_TLS1_2_CLIENT", EXTLS_TLS1_2, "SP_PROT_TLS1_2_CLIENT");
    assert_marker(state, "  SP_PROT-TLS1_1_SERVER ", EXTLS_TLS1_1, "SP_PROT-TLS1_1_SERVER");
    /* ... and the TLS rows' texts at the start of a field. */
    assert_marker(state, " TLS protocol SP_PROT_TLS1_0_SERVER negotiation succeeded", EXTLS_TLS1_0,
                  "SP_PROT_TLS1_0_SERVER");
    /* Inside other text it is somebody's words (a user name, a subject): ignored. */
    struct match_facts f;
    static const char *const texts[] = {
        "Protocol: SP_PROT_TLS1_2_CLIENT.",
        "(SP_PROT-TLS1_1_SERVER)",
        "User Name: SP_PROT_SSL3_SERVER",
        "User Name: TLS protocol SP_PROT_SSL3_SERVER negotiation",
        "CN=TLS negotiation failed",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", texts[i]);
        assert_int_equal(match(state, &r, &f), 0);
    }
}

/*
 * Any run of \s before a marker (space, tab, LF, VT, FF, CR): the markers
 * count; fields that only start like one (a prefix of "TLS " or "SP_PROT",
 * blanks alone) give nothing.
 */
static void
white_space_before_markers(void **state)
{
    static const char *const blanks[] = {" ", "\t", "\n", "\v", "\f", "\r", " \t\r\n\v\f "};
    char text[256];
    struct match_facts f;
    for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
        snprintf(text, sizeof(text), "%sTLS protocol SP_PROT_TLS1_1_SERVER negotiation", blanks[i]);
        assert_marker(state, text, EXTLS_TLS1_1, "SP_PROT_TLS1_1_SERVER");
        snprintf(text, sizeof(text), "%sSP_PROT_SSL3_CLIENT", blanks[i]);
        assert_marker(state, text, EXTLS_SSL3, "SP_PROT_SSL3_CLIENT");
        snprintf(text, sizeof(text), "%sTLS negotiation failed with error", blanks[i]);
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", text);
        assert_int_equal(match(state, &r, &f), MATCH_TLS_FAILED);
    }
    static const char *const texts[] = {
        "TLS",
        "TLSprotocol SP_PROT_TLS1_2_SERVER negotiation",
        "SP_PRO",
        "SP_PROT",
        "       ",
        "\t\t\t\t\t\t\t\t",
        "TLS  protocol SP_PROT_TLS1_2_SERVER negotiation",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", texts[i]);
        assert_nothing(state, &r);
        r = mk(EXTLS_DIR_SEND, ROW_INFO, texts[i], "");
        assert_nothing(state, &r);
    }
}

/*
 * Near misses of a bare marker: the name must be a whole SchannelProtocols
 * version and role, standing as its own word.
 */
static void
bare_near_misses_are_not_markers(void **state)
{
    static const char *const texts[] = {
        "SP_PROT_TLS1_4_SERVER",   "SP_PROT_TLS1_2_SERVERX",
        "SP_PROT_TLS1_2_SERVER_2", "XSP_PROT_TLS1_2_SERVER",
        "SP_PROT_TLS1_2",          "SP_PROT_TLS1_2_SERVE",
        "SP_PROT_TLS12_SERVER",    "SP_PROT_SSL1_SERVER",
        "SP_PROT_PCT1_SERVER",     "sp_prot_tls1_2_server",
        "SP_PROT TLS1_2_SERVER",   "SP_PROT_TLS1_2-SERVER",
        "SP_PROT_TLS1_2_BOTH",     "TLS protocol  negotiation succeeded",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", texts[i]);
        assert_nothing(state, &r);
        r = mk(EXTLS_DIR_SEND, ROW_INFO, texts[i], "");
        assert_nothing(state, &r);
    }
}

static void
negotiation_failed_rows(void **state)
{
    static const char *const texts[] = {
        "TLS negotiation failed with error UnknownCredentials",
        "TLS negotiation failed with error NoCredentials",
        "TLS negotiation failed with error SocketError",
        "TLS negotiation failed, fatal exception",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct match_facts f;
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", texts[i]);
        assert_int_equal(match(state, &r, &f), MATCH_TLS_FAILED);
        r = mk(EXTLS_DIR_SEND, ROW_INFO, texts[i], "");
        assert_int_equal(match(state, &r, &f), MATCH_TLS_FAILED);
    }
    /* Other failures are not TLS negotiation failures. */
    struct row r = mk(EXTLS_DIR_SEND, ROW_INFO, "",
                      "Outbound TLS authentication failed for auth level 1 with error 2");
    assert_nothing(state, &r);
    r = mk(EXTLS_DIR_SEND, ROW_INFO, "", "Tls cipher strength is too weak");
    assert_nothing(state, &r);
}

/* Markers in command and reply rows come from the peer and are ignored. */
static void
markers_in_peer_rows_ignored(void **state)
{
    static const char *const texts[] = {
        "MAIL FROM:<SP_PROT_TLS1_0_SERVER@x>",
        "RCPT TO:<TLS protocol SP_PROT_TLS1_2_SERVER negotiation@x>",
        "TLS negotiation failed",
        q16_success,
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, texts[i], "");
        assert_nothing(state, &r);
        r = mk(EXTLS_DIR_SEND, ROW_RECEIVE, texts[i], "");
        assert_nothing(state, &r);
        r = mk(EXTLS_DIR_RECEIVE, ROW_SEND, texts[i], "");
        assert_nothing(state, &r);
        r = mk(EXTLS_DIR_SEND, ROW_SEND, texts[i], "");
        assert_nothing(state, &r);
        /* Nor does the context column of such rows count. */
        r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, "NOOP", texts[i]);
        assert_nothing(state, &r);
    }
    /* A reply mentioning a marker is only a reply. */
    struct match_facts f;
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_SEND, "250 2.1.0 <SP_PROT_TLS1_0_SERVER@x> ok", "");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    assert_int_equal(f.reply_code, 250);
}

static void
connect_and_disconnect_rows_give_nothing(void **state)
{
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_CONNECT, "", q16_success);
    assert_nothing(state, &r);
    r = mk(EXTLS_DIR_SEND, ROW_DISCONNECT, "220 x", "TLS negotiation failed");
    assert_nothing(state, &r);
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", "");
    assert_nothing(state, &r);
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "None", "Set Session Permissions");
    assert_nothing(state, &r);
}

static void
starttls_commands(void **state)
{
    static const char *const cmds[] = {"STARTTLS",       "starttls",       "StartTls",
                                       "X-ANONYMOUSTLS", "x-anonymoustls", "STARTTLS ",
                                       "STARTTLS extra"};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        struct match_facts f;
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, cmds[i], "");
        if (match(state, &r, &f) != MATCH_TLS_CMD)
            fail_msg("receive '<' '%s' is not a command", cmds[i]);
        r = mk(EXTLS_DIR_SEND, ROW_SEND, cmds[i], "");
        if (match(state, &r, &f) != MATCH_TLS_CMD)
            fail_msg("send '>' '%s' is not a command", cmds[i]);
    }
}

static void
starttls_not_a_command(void **state)
{
    /* The server's side of the dialogue: receive '>' and send '<'. */
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_SEND, "STARTTLS", "");
    assert_nothing(state, &r);
    r = mk(EXTLS_DIR_SEND, ROW_RECEIVE, "STARTTLS", "");
    assert_nothing(state, &r);
    static const char *const near[] = {
        "STARTTLSX", "STARTTL", "X-ANONYMOUSTLS1", " STARTTLS", "XSTARTTLS", "250-STARTTLS", ""};
    for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
        r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, near[i], "");
        assert_nothing(state, &r);
        r = mk(EXTLS_DIR_SEND, ROW_SEND, near[i], "");
        assert_nothing(state, &r);
    }
    /* An information row saying STARTTLS is no command either. */
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "STARTTLS", "");
    assert_nothing(state, &r);
}

/* Reply row of direction dir: receive '>' or send '<'. */
static struct row
reply(enum extls_dir dir, const char *data)
{
    return mk(dir, dir == EXTLS_DIR_RECEIVE ? ROW_SEND : ROW_RECEIVE, data, "");
}

static void
reply_codes(void **state)
{
    static const struct {
        const char *text;
        int code;
    } ok[] = {
        {"220 2.0.0 SMTP server ready", 220},
        {"454 4.7.0 Cannot accept TLS as maximum TLS rate exceeded for server", 454},
        {"250-STARTTLS", 250},
        {"250 CHUNKING", 250},
        {"334 <authentication response>", 334},
        {"100", 100},
        {"599 x", 599},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct match_facts f;
        /* Receive side: never a host, so exactly MATCH_REPLY. */
        struct row r = reply(EXTLS_DIR_RECEIVE, ok[i].text);
        if (match(state, &r, &f) != MATCH_REPLY)
            fail_msg("'%s' is not a reply (flags %#x)", ok[i].text, f.flags);
        assert_int_equal(f.reply_code, ok[i].code);
    }
}

static void
not_reply_codes(void **state)
{
    static const char *const bad[] = {"2200 x", "abc", "22",  "",       "22a ok", "220x",
                                      "600 x",  "099", "000", " 220 x", "2.0.0 x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct row r = reply(EXTLS_DIR_RECEIVE, bad[i]);
        assert_nothing(state, &r);
        r = reply(EXTLS_DIR_SEND, bad[i]);
        assert_nothing(state, &r);
    }
    /* A reply code in a command row is no reply. */
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, "220 x", "");
    assert_nothing(state, &r);
}

/* The host and its kind from one row; flags must be exactly `flags`. */
static void
assert_host(void **state, const struct row *r, unsigned flags, enum match_host_kind kind,
            const char *host)
{
    struct match_facts f;
    unsigned got = match(state, r, &f);
    if (got != flags)
        fail_msg("'%.*s': flags %#x, want %#x", (int)r->data.len, r->data.ptr, got, flags);
    assert_int_equal(f.host_kind, kind);
    assert_text(f.host, host, r->data.ptr);
}

static void
ehlo_host_on_receive(void **state)
{
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, "EHLO client.example.com", "");
    assert_host(state, &r, MATCH_HOST, MATCH_HOST_EHLO, "client.example.com");
    r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, "HELO x", "");
    assert_host(state, &r, MATCH_HOST, MATCH_HOST_EHLO, "x");
    r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, "ehlo  [192.0.2.1]", "");
    assert_host(state, &r, MATCH_HOST, MATCH_HOST_EHLO, "[192.0.2.1]");
    r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, "EHLO ylmf-pc trailing words", "");
    assert_host(state, &r, MATCH_HOST, MATCH_HOST_EHLO, "ylmf-pc");
}

static void
ehlo_without_host_or_not_from_client(void **state)
{
    static const char *const none[] = {"EHLO", "EHLO ", "EHLOX host", "HELLO host", "XEHLO h"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, none[i], "");
        assert_nothing(state, &r);
    }
    /* Our own EHLO in a send log names us, not the remote host. */
    struct row r = mk(EXTLS_DIR_SEND, ROW_SEND, "EHLO mail.example.org", "");
    assert_nothing(state, &r);
    /* The server echoing EHLO text on the receive side is not a command. */
    r = mk(EXTLS_DIR_RECEIVE, ROW_SEND, "EHLO client.example.com", "");
    assert_nothing(state, &r);
}

static void
send_side_reply_hosts(void **state)
{
    struct row r = reply(EXTLS_DIR_SEND, "220 mx.example.net ESMTP ready");
    assert_host(state, &r, MATCH_REPLY | MATCH_HOST, MATCH_HOST_BANNER, "mx.example.net");
    r = reply(EXTLS_DIR_SEND, "250-mx.example.net Hello [203.0.113.5]");
    assert_host(state, &r, MATCH_REPLY | MATCH_HOST, MATCH_HOST_250, "mx.example.net");
    r = reply(EXTLS_DIR_SEND,
              "250  HOST Hello [203.0.113.5] SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES "
              "STARTTLS X-ANONYMOUSTLS AUTH NTLM 8BITMIME BINARYMIME CHUNKING XRDST");
    assert_host(state, &r, MATCH_REPLY | MATCH_HOST, MATCH_HOST_250, "HOST");
    r = reply(EXTLS_DIR_SEND,
              "220 host.example.com Microsoft ESMTP MAIL Service ready at Wed, 13 Mar 2024");
    assert_host(state, &r, MATCH_REPLY | MATCH_HOST, MATCH_HOST_BANNER, "host.example.com");
    /* Non-Exchange servers answer EHLO with a bare name; single-label names need "Hello". */
    r = reply(EXTLS_DIR_SEND, "250-mx2.example.net");
    assert_host(state, &r, MATCH_REPLY | MATCH_HOST, MATCH_HOST_250, "mx2.example.net");
    r = reply(EXTLS_DIR_SEND, "250-EXCH01 Hello [10.1.2.3]");
    assert_host(state, &r, MATCH_REPLY | MATCH_HOST, MATCH_HOST_250, "EXCH01");
}

/* Later lines of a multi-row EHLO answer are keywords, not the host (2026-11-27). */
static void
ehlo_keyword_lines_name_no_host(void **state)
{
    static const char *const lines[] = {"250-SIZE 37748736", "250-PIPELINING", "250 XSHADOW",
                                        "250-AUTH NTLM LOGIN", "250 CHUNKING"};
    struct match_facts f;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        struct row r = reply(EXTLS_DIR_SEND, lines[i]);
        assert_int_equal(match(state, &r, &f), MATCH_REPLY);
        assert_int_equal(f.reply_code, 250);
    }
}

static void
reply_without_host(void **state)
{
    struct match_facts f;
    /* The STARTTLS go-ahead starts with an enhanced status code, not a host. */
    struct row r = reply(EXTLS_DIR_SEND, "220 2.0.0 SMTP server ready");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    assert_int_equal(f.reply_code, 220);
    r = reply(EXTLS_DIR_SEND, "250 2.1.0 Sender OK");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    r = reply(EXTLS_DIR_SEND, "220");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    r = reply(EXTLS_DIR_SEND, "220 ");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    /* Only 220 and 250 name the host. */
    r = reply(EXTLS_DIR_SEND, "421 mx.example.net Service not available");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    assert_int_equal(f.reply_code, 421);
    /* Receive side: the reply is ours, so it never names the remote host. */
    r = reply(EXTLS_DIR_RECEIVE, "220 mail.example.org Microsoft ESMTP MAIL Service ready");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    r = reply(EXTLS_DIR_RECEIVE, "250-mail.example.org Hello [95.10.20.33]");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
}

/* A host longer than EXTLS_NAME_MAX is cut to EXTLS_NAME_MAX bytes. */
static void
long_host_cut_to_name_max(void **state)
{
    char name[EXTLS_NAME_MAX + 46];
    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    char ehlo[sizeof(name) + 16], banner[sizeof(name) + 16];
    snprintf(ehlo, sizeof(ehlo), "EHLO %s", name);
    snprintf(banner, sizeof(banner), "220 %s ESMTP", name);

    struct match_facts f;
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, ehlo, "");
    assert_int_equal(match(state, &r, &f), MATCH_HOST);
    assert_ptr_equal(f.host.ptr, ehlo + 5);
    assert_int_equal(f.host.len, EXTLS_NAME_MAX);

    r = reply(EXTLS_DIR_SEND, banner);
    assert_int_equal(match(state, &r, &f), MATCH_REPLY | MATCH_HOST);
    assert_int_equal(f.host_kind, MATCH_HOST_BANNER);
    assert_ptr_equal(f.host.ptr, banner + 4);
    assert_int_equal(f.host.len, EXTLS_NAME_MAX);

    /* Exactly EXTLS_NAME_MAX bytes is kept whole. */
    name[EXTLS_NAME_MAX] = '\0';
    snprintf(ehlo, sizeof(ehlo), "HELO %s", name);
    r = mk(EXTLS_DIR_RECEIVE, ROW_RECEIVE, ehlo, "");
    assert_int_equal(match(state, &r, &f), MATCH_HOST);
    assert_int_equal(f.host.len, EXTLS_NAME_MAX);
}

static void
protocol_class_direct(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        enum extls_class cls;
    } v[] = {
        {"SP_PROT_SSL2_SERVER", EXTLS_SSL2},
        {"SP_PROT_SSL2_CLIENT", EXTLS_SSL2},
        {"SP_PROT_SSL3_SERVER", EXTLS_SSL3},
        {"SP_PROT_SSL3_CLIENT", EXTLS_SSL3},
        {"SP_PROT_TLS1_0_SERVER", EXTLS_TLS1_0},
        {"SP_PROT_TLS1_0_CLIENT", EXTLS_TLS1_0},
        {"SP_PROT_TLS1_1_SERVER", EXTLS_TLS1_1},
        {"SP_PROT_TLS1_1_CLIENT", EXTLS_TLS1_1},
        {"SP_PROT_TLS1_2_SERVER", EXTLS_TLS1_2},
        {"SP_PROT_TLS1_2_CLIENT", EXTLS_TLS1_2},
        {"SP_PROT_TLS1_3_SERVER", EXTLS_TLS1_3},
        {"SP_PROT_TLS1_3_CLIENT", EXTLS_TLS1_3},
        {"SP_PROT-TLS1_0_CLIENT", EXTLS_TLS1_0},
        {"SP_PROT-TLS1_2_SERVER", EXTLS_TLS1_2},
        {"SP_PROT-SSL3_CLIENT", EXTLS_SSL3},
        {"4", EXTLS_SSL2},
        {"8", EXTLS_SSL2},
        {"16", EXTLS_SSL3},
        {"32", EXTLS_SSL3},
        {"64", EXTLS_TLS1_0},
        {"128", EXTLS_TLS1_0},
        {"256", EXTLS_TLS1_1},
        {"512", EXTLS_TLS1_1},
        {"1024", EXTLS_TLS1_2},
        {"2048", EXTLS_TLS1_2},
        {"4096", EXTLS_TLS1_3},
        {"8192", EXTLS_TLS1_3},
        /* Leading zeros do not change the value, however many (2026-11-27,
         * found by fuzz_match: ten digits were unknown, nine were not). */
        {"0064", EXTLS_TLS1_0},
        {"0000000004", EXTLS_SSL2},
        {"000000000000000000008192", EXTLS_TLS1_3},
        {"00", EXTLS_TLS_UNKNOWN},
        /* Unknown: other values, combinations, hex, other names, near misses. */
        {"0", EXTLS_TLS_UNKNOWN},
        {"1", EXTLS_TLS_UNKNOWN},
        {"2", EXTLS_TLS_UNKNOWN},
        {"192", EXTLS_TLS_UNKNOWN},
        {"3072", EXTLS_TLS_UNKNOWN},
        {"16384", EXTLS_TLS_UNKNOWN},
        {"99999", EXTLS_TLS_UNKNOWN},
        {"4294968320", EXTLS_TLS_UNKNOWN},           /* 2^32 + 1024: no wrap to TLS1_2 */
        {"18446744073709552640", EXTLS_TLS_UNKNOWN}, /* 2^64 + 1024 */
        {"-1024", EXTLS_TLS_UNKNOWN},
        {"+1024", EXTLS_TLS_UNKNOWN},
        {"1024 ", EXTLS_TLS_UNKNOWN},
        {"0x400", EXTLS_TLS_UNKNOWN},
        {"400", EXTLS_TLS_UNKNOWN},
        {"", EXTLS_TLS_UNKNOWN},
        {"Zero", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_PCT1_SERVER", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_PCT1_CLIENT", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_TLS1_4_SERVER", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_TLS1_2_SERVERX", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_TLS1_2_SERVE", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_TLS1_2_", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_TLS1_2", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_TLS1_SERVER", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_", EXTLS_TLS_UNKNOWN},
        {"SP_PROT", EXTLS_TLS_UNKNOWN},
        {"SP_PROT.TLS1_2_SERVER", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_TLS1_2-SERVER", EXTLS_TLS_UNKNOWN},
        {"sp_prot_tls1_2_server", EXTLS_TLS_UNKNOWN},
        {"XSP_PROT_TLS1_2_SERVER", EXTLS_TLS_UNKNOWN},
        {"SP_PROT_TLS1_2_SERVER, SP_PROT_TLS1_2_CLIENT", EXTLS_TLS_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        enum extls_class got = match_protocol_class(v[i].s, strlen(v[i].s));
        if (got != v[i].cls)
            fail_msg("'%s': class %d, want %d", v[i].s, (int)got, (int)v[i].cls);
    }
    /* Only `len` bytes count. */
    assert_int_equal(match_protocol_class("SP_PROT_TLS1_2_SERVERX", 21), EXTLS_TLS1_2);
    assert_int_equal(match_protocol_class("10245", 4), EXTLS_TLS1_2);
    assert_int_equal(match_protocol_class("SP_PROT_TLS1_2_SERVER", 20), EXTLS_TLS_UNKNOWN);
}

/* The matcher keeps no state between rows: a marker row after others gives the same facts. */
static void
matcher_reusable_across_rows(void **state)
{
    struct match_facts f;
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", "TLS negotiation failed, fatal exception");
    assert_int_equal(match(state, &r, &f), MATCH_TLS_FAILED);
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", "TLS protocol 8192 negotiation succeeded");
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK);
    assert_int_equal(f.cls, EXTLS_TLS1_3);
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", q16_success);
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK | MATCH_CIPHER);
    assert_algo(&f.cipher, "CALG_AES_128", 128, q16_success);
    r = mk(EXTLS_DIR_SEND, ROW_INFO, "", "SP_PROT_SSL3_CLIENT");
    assert_int_equal(match(state, &r, &f), MATCH_TLS_OK);
    assert_int_equal(f.cls, EXTLS_SSL3);
}

/* A certificate row of kind k; returns the facts. */
static struct match_facts
cert_facts(void **state, const struct row *r, enum match_cert_kind k)
{
    struct match_facts f;
    unsigned flags = match(state, r, &f);
    if (flags != MATCH_CERT)
        fail_msg("data '%.*s' context '%.*s': flags %#x, want MATCH_CERT", (int)r->data.len,
                 r->data.ptr, (int)r->context.len, r->context.ptr, flags);
    assert_int_equal(f.cert.kind, k);
    return f;
}

/* The older 6-row blocks (2010 sample, receive session 08D41673730BD5C5), row by row. */
static void
certificate_block_rows(void **state)
{
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", "Remote certificate");
    cert_facts(state, &r, MATCH_CERT_REMOTE_HEAD);
    r = mk(EXTLS_DIR_SEND, ROW_INFO, "", "Received certificate");
    cert_facts(state, &r, MATCH_CERT_RECEIVED_HEAD);
    static const char *const others[] = {
        "Sending certificate",       "Validated received certificate", "SmartHost certificate",
        "Secure domain certificate", "DirectTrust certificate",        "Proxy target certificate",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", others[i]);
        cert_facts(state, &r, MATCH_CERT_OTHER_HEAD);
    }

    static const char subject[] = "CN=mail.partner.example.org, O=Partner Example GmbH, C=DE";
    r = mk(EXTLS_DIR_SEND, ROW_INFO, subject, "Certificate subject");
    struct match_facts f = cert_facts(state, &r, MATCH_CERT_SUBJECT);
    assert_ptr_equal(f.cert.subject.ptr, subject);
    assert_int_equal(f.cert.subject.len, strlen(subject));
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", "Certificate subject"); /* empty subject */
    f = cert_facts(state, &r, MATCH_CERT_SUBJECT);
    assert_int_equal(f.cert.subject.len, 0);

    static const char thumb[] = "BED24B5054E4407DED127E55248CB5DF7F81D40A";
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, thumb, "Certificate thumbprint");
    f = cert_facts(state, &r, MATCH_CERT_THUMBPRINT);
    assert_text(f.cert.thumbprint, thumb, thumb);
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "bed24b5054e4407ded127e55248cb5df7f81d40a",
           "Certificate thumbprint");
    cert_facts(state, &r, MATCH_CERT_THUMBPRINT);

    /* The other rows of a block say nothing. */
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "CN=edge01", "Certificate issuer name");
    assert_nothing(state, &r);
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "839B2C303EB9C2524E88656473B69248",
           "Certificate serial number");
    assert_nothing(state, &r);
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "edge01;edge01.example.com", "Certificate alternate names");
    assert_nothing(state, &r);
}

/* Near misses of certificate rows. */
static void
certificate_row_near_misses(void **state)
{
    static const char *const bad_thumbs[] = {
        "",
        "BED24B5054E4407DED127E55248CB5DF7F81D40A0", /* 41 digits */
        "BED24B5054E4407DED127E55248CB5DF7F81D40G",
        "BED24B50 54E4407DED127E55248CB5DF7F81D40A",
    };
    for (size_t i = 0; i < sizeof(bad_thumbs) / sizeof(bad_thumbs[0]); i++) {
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, bad_thumbs[i], "Certificate thumbprint");
        assert_nothing(state, &r);
    }
    static const char *const not_heads[] = {
        "Remote certificate ",
        "Remote certificates",
        "certificate",
        " certificate",
        "Client certificate chain validation status: 'Valid'",
    };
    for (size_t i = 0; i < sizeof(not_heads) / sizeof(not_heads[0]); i++) {
        struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", not_heads[i]);
        assert_nothing(state, &r);
    }
    /* Names are case-sensitive: any other "... certificate" header is not the peer's. */
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "", "remote certificate");
    cert_facts(state, &r, MATCH_CERT_OTHER_HEAD);
    /* A header has empty data. */
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "x", "Remote certificate");
    assert_nothing(state, &r);
    /* Context must be exact. */
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, "CN=x", "Certificate subject ");
    assert_nothing(state, &r);
}

/* Certificate text in command or reply rows comes from the peer: ignored. */
static void
certificate_rows_only_from_information_rows(void **state)
{
    static const char one_row[] =
        " CN=edge01 CN=edge01 70827E7A86016E3DAD799E3B20935241 "
        "D3FFD91ADB939BAE6E2105D9BB3D423BC050949C 2021-03-22T07:40:11.000Z "
        "2026-03-22T07:40:11.000Z edge01";
    static const char *const rows[][2] = {
        {"", "Remote certificate"},
        {"", "Received certificate"},
        {"", "Sending certificate"},
        {"CN=evil", "Certificate subject"},
        {"BED24B5054E4407DED127E55248CB5DF7F81D40A", "Certificate thumbprint"},
        {one_row, "Remote certificate Subject Issuer name Serial number Thumbprint Not before "
                  "Not after Subject alternate names"},
    };
    static const enum row_event events[] = {ROW_RECEIVE, ROW_SEND, ROW_CONNECT, ROW_DISCONNECT};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        for (size_t e = 0; e < sizeof(events) / sizeof(events[0]); e++) {
            struct row r = mk(EXTLS_DIR_RECEIVE, events[e], rows[i][0], rows[i][1]);
            struct match_facts f;
            assert_int_equal(match(state, &r, &f) & MATCH_CERT, 0);
        }
    }
}

#define ONE_ROW_CONTEXT(who)                                                                       \
    who " certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject "  \
        "alternate names"

/* One-row form: subject and thumbprint of data d, or (subject NULL) no subject found. */
static void
assert_one_row(void **state, const char *d, const char *subject, const char *thumb)
{
    struct row r = mk(EXTLS_DIR_SEND, ROW_INFO, d, ONE_ROW_CONTEXT("Remote"));
    struct match_facts f = cert_facts(state, &r, MATCH_CERT_REMOTE_ROW);
    assert_text(f.cert.thumbprint, thumb, d);
    if (!subject) {
        assert_null(f.cert.subject.ptr);
        return;
    }
    assert_non_null(f.cert.subject.ptr);
    assert_text(f.cert.subject, subject, d);
}

/* The newer one-row form, split from the right (2019 sample rows, then harder subjects). */
static void
one_row_remote_certificate(void **state)
{
    static const char *const t = "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2";
    /* Self-signed (2019 sample, receive 08DAF1E72EC948A1). */
    assert_one_row(state,
                   " CN=EX2016B CN=EX2016B CBC90207FF7DA37FC88969A6C2168EE4 "
                   "2FEB42D4F8AC04672E800A434FADC5970F6405AE 2018-02-01T10:02:03.000Z "
                   "2023-02-01T10:02:03.000Z EX2016B;EX2016B.contoso.test",
                   "CN=EX2016B", "2FEB42D4F8AC04672E800A434FADC5970F6405AE");
    /* Subject and issuer with spaces and commas (2019 sample, send 08DAF1E72EC948EB). */
    assert_one_row(state,
                   " CN=mail.partner.example.org, O=Partner Example GmbH, L=Hamburg, C=DE "
                   "CN=Example TLS RSA CA 2022, O=Example Trust, C=US "
                   "40F96DE4E8B4B45CAB1F294CA047123F D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 "
                   "2022-06-07T00:00:00.000Z 2023-07-08T23:59:59.000Z "
                   "mail.partner.example.org;autodiscover.partner.example.org",
                   "CN=mail.partner.example.org, O=Partner Example GmbH, L=Hamburg, C=DE", t);
    /* No alternate names: the data ends in a space. */
    assert_one_row(state,
                   " CN=a CN=b 01 "
                   "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 ",
                   "CN=a", t);
    /* An empty subject. */
    assert_one_row(state, "  CN=Issuer CA 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 x",
                   "", t);
    /* An issuer without CN; a quoted value holding " CN="; a multi-valued RDN. */
    assert_one_row(
        state,
        " CN=mx.example.net, O=\"Example CN=Inc, Ltd\" OU=Go Daddy Class 2, O=\"The Go "
        "Daddy Group, Inc.\", C=US 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 "
        "mx.example.net",
        "CN=mx.example.net, O=\"Example CN=Inc, Ltd\"", t);
    assert_one_row(state,
                   " CN=a + SERIALNUMBER=7 OID.2.5.4.97=VATDE-1, CN=CA 01 "
                   "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 a",
                   "CN=a + SERIALNUMBER=7", t);
    /* No leading space (trimmed by some tool): still split. */
    assert_one_row(state, "CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 a",
                   "CN=a", t);
    /* No issuer attribute to split at: the thumbprint alone. */
    assert_one_row(state, " CN=a 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 a", NULL, t);
    assert_one_row(state, " 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 a", NULL, t);
}

/* One-row forms that are not the peer's certificate or not of the documented shape. */
static void
one_row_near_misses(void **state)
{
    static const char good[] = " CN=EX2019 CN=EX2019 8F991DBB754DB79A9911D2A467BB7243 "
                               "CE528DE1389E28F1BA7A666F2D0523AC822797BD "
                               "2019-06-14T09:12:40.000Z 2024-06-14T09:12:40.000Z EX2019";
    struct row r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, good, ONE_ROW_CONTEXT("Sending"));
    assert_nothing(state, &r);
    static const char *const bad[] = {
        /* localised dates with spaces: the thumbprint would be misplaced */
        " CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 1/2/2022 3:00:00 PM 2/3/2023 "
        "3:00:00 PM a",
        " CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 x2022 2023 a",
        " CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 x2023 a",
        " CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022  a",
        " CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2X 2022 2023 a",
        " CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2AA 2022 2023 a",
        " CN=a CN=b 0x1 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 a",
        "01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2 2022 2023 a",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, bad[i], ONE_ROW_CONTEXT("Remote"));
        assert_nothing(state, &r);
    }
}

/*
 * The one-row block of Exchange 2016 CU2 (2026-12-03): the labels of the
 * six-row block, no dates; labels in context and values in data, or labels
 * and values in turn in data after a "Remote certificate" context.
 */
#define CU2_CONTEXT                                                                                \
    "Remote certificate Certificate subject Certificate issuer name Certificate serial number "    \
    "Certificate thumbprint"
static void
cu2_one_row_certificate(void **state)
{
    static const char *const t = "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2";
    static const char in_context[] =
        " CN=mail.partner.example.org, O=Partner Example GmbH, C=DE CN=Example TLS RSA CA 2022, "
        "O=Example Trust, C=US 40F96DE4E8B4B45CAB1F294CA047123F "
        "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2";
    static const char in_turn[] =
        "Certificate subject CN=client.example.org, O=Example Certificate issuer name CN=CA 1 "
        "Certificate serial number 01AB Certificate thumbprint "
        "D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2";
    struct row r = mk(EXTLS_DIR_SEND, ROW_INFO, in_context, CU2_CONTEXT);
    struct match_facts f = cert_facts(state, &r, MATCH_CERT_REMOTE_ROW);
    assert_text(f.cert.thumbprint, t, in_context);
    assert_text(f.cert.subject, "CN=mail.partner.example.org, O=Partner Example GmbH, C=DE",
                in_context);
    r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, in_turn, "Remote certificate");
    f = cert_facts(state, &r, MATCH_CERT_REMOTE_ROW);
    assert_text(f.cert.thumbprint, t, in_turn);
    assert_text(f.cert.subject, "CN=client.example.org, O=Example", in_turn);
    /* Not of the shape: a bad thumbprint, labels missing, our own certificate. */
    static const char *const bad[][2] = {
        {" CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2X", CU2_CONTEXT},
        {" CN=a CN=b 0x1 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2", CU2_CONTEXT},
        {"D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2", CU2_CONTEXT},
        {"Certificate subject CN=a Certificate issuer name CN=b", "Remote certificate"},
        {"Certificate subject CN=a Certificate thumbprint XYZ", "Remote certificate"},
        {"CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2", "Remote certificate"},
        {" CN=a CN=b 01 D9A87F27A634DB2A9859904F0F7C4BEB3F1AC0F2",
         "Sending certificate Certificate subject Certificate issuer name Certificate serial "
         "number Certificate thumbprint"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = mk(EXTLS_DIR_RECEIVE, ROW_INFO, bad[i][0], bad[i][1]);
        assert_nothing(state, &r);
    }
}

/* A firewall's SMTP inspection masks the banner (2026-12-03): the 250 reply names the host. */
static void
masked_banner_names_no_host(void **state)
{
    struct match_facts f;
    struct row r = reply(EXTLS_DIR_SEND, "220 ********************************************");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    assert_int_equal(f.reply_code, 220);
    r = reply(EXTLS_DIR_SEND, "220 ****************************2*0****0*******2***0***0*");
    assert_int_equal(match(state, &r, &f), MATCH_REPLY);
    r = reply(EXTLS_DIR_SEND, "250-mx.partner.example Hello [192.0.2.10]");
    assert_host(state, &r, MATCH_REPLY | MATCH_HOST, MATCH_HOST_250, "mx.partner.example");
}

static void
matcher_free_null_is_noop(void **state)
{
    (void)state;
    matcher_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(q16_receive_success_row),
        cmocka_unit_test(cn13_send_success_row),
        cmocka_unit_test(protocol_names_in_success_rows),
        cmocka_unit_test(decimal_protocols_in_success_rows),
        cmocka_unit_test(unknown_protocol_is_tls_unknown),
        cmocka_unit_test(marker_without_cipher_part),
        cmocka_unit_test(cipher_search_equals_pcre2),
        cmocka_unit_test(marker_in_data_column),
        cmocka_unit_test(bare_marker_inside_text),
        cmocka_unit_test(bare_near_misses_are_not_markers),
        cmocka_unit_test(white_space_before_markers),
        cmocka_unit_test(negotiation_failed_rows),
        cmocka_unit_test(markers_in_peer_rows_ignored),
        cmocka_unit_test(connect_and_disconnect_rows_give_nothing),
        cmocka_unit_test(starttls_commands),
        cmocka_unit_test(starttls_not_a_command),
        cmocka_unit_test(reply_codes),
        cmocka_unit_test(not_reply_codes),
        cmocka_unit_test(ehlo_host_on_receive),
        cmocka_unit_test(ehlo_without_host_or_not_from_client),
        cmocka_unit_test(send_side_reply_hosts),
        cmocka_unit_test(masked_banner_names_no_host),
        cmocka_unit_test(reply_without_host),
        cmocka_unit_test(ehlo_keyword_lines_name_no_host),
        cmocka_unit_test(long_host_cut_to_name_max),
        cmocka_unit_test(protocol_class_direct),
        cmocka_unit_test(matcher_reusable_across_rows),
        cmocka_unit_test(certificate_block_rows),
        cmocka_unit_test(certificate_row_near_misses),
        cmocka_unit_test(certificate_rows_only_from_information_rows),
        cmocka_unit_test(one_row_remote_certificate),
        cmocka_unit_test(one_row_near_misses),
        cmocka_unit_test(cu2_one_row_certificate),
        cmocka_unit_test(matcher_free_null_is_noop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
