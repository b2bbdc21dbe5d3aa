/* SPDX-License-Identifier: MIT */
/*
 * fuzz_match.c: match_row(), match_protocol_class() and row_decode() on
 * arbitrary field values, each compared with an independent reimplementation
 * of what match.h and row.h promise (written from the documentation, not
 * from match.c / row.c / isotime.c).
 *
 * Input: byte 0 picks the event, byte 1 the direction; the rest is cut at
 * NUL bytes into data, context, date-time, sequence-number and
 * remote-endpoint (missing pieces are empty).
 */
#define _DEFAULT_SOURCE /* timegm() */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "match.h"
#include "row.h"
#include "isotime.h"

struct piece {
    const char *p;
    size_t n;
};

/* PCRE2's \s with its default tables: space, \t, \n, \v, \f, \r. */
static int
pcre_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
at(struct piece f, size_t i, const char *lit)
{
    size_t k = strlen(lit);
    return i + k <= f.n && memcmp(f.p + i, lit, k) == 0;
}

/* Model of match_protocol_class(), from match.h. */
static enum extls_class
ref_class(struct piece f)
{
    static const char *const versions[] = {"SSL2", "SSL3", "TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"};
    if (f.n > 8 && (at(f, 0, "SP_PROT_") || at(f, 0, "SP_PROT-"))) {
        for (int v = 0; v < 6; v++) {
            for (int role = 0; role < 2; role++) {
                char name[32];
                snprintf(name, sizeof(name), "%s_%s", versions[v], role ? "CLIENT" : "SERVER");
                if (f.n == 8 + strlen(name) && at(f, 8, name))
                    return (enum extls_class)(EXTLS_SSL2 + v);
            }
        }
        return EXTLS_TLS_UNKNOWN;
    }
    /* A decimal SchannelProtocols value: the server or client bit of a version. */
    if (f.n == 0)
        return EXTLS_TLS_UNKNOWN;
    for (size_t i = 0; i < f.n; i++) {
        if (!is_digit(f.p[i]))
            return EXTLS_TLS_UNKNOWN;
    }
    size_t i = 0;
    while (i < f.n && f.p[i] == '0')
        i++;
    if (f.n - i > 5)
        return EXTLS_TLS_UNKNOWN;
    unsigned long v = 0;
    for (; i < f.n; i++)
        v = v * 10 + (unsigned long)(f.p[i] - '0');
    for (int k = 0; k < 12; k++) {
        if (v == 4ul << k)
            return (enum extls_class)(EXTLS_SSL2 + k / 2);
    }
    return EXTLS_TLS_UNKNOWN;
}

/* "TLS protocol <non-space run> negotiation" at i; the run in *proto. */
static int
ref_alt_proto(struct piece f, size_t i, struct piece *proto)
{
    if (!at(f, i, "TLS protocol "))
        return 0;
    size_t a = i + 13, b = a;
    while (b < f.n && !pcre_space((unsigned char)f.p[b]))
        b++;
    if (b == a || !at(f, b, " negotiation"))
        return 0;
    proto->p = f.p + a;
    proto->n = b - a;
    return 1;
}

/* SP_PROT[_-]<V>_(SERVER|CLIENT) at i, followed by nothing but white space. */
static int
ref_alt_bare(struct piece f, size_t i, struct piece *proto)
{
    static const char *const versions[] = {"SSL2", "SSL3", "TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"};
    if (!at(f, i, "SP_PROT_") && !at(f, i, "SP_PROT-"))
        return 0;
    for (int v = 0; v < 6; v++) {
        size_t j = i + 8;
        if (!at(f, j, versions[v]))
            continue;
        j += strlen(versions[v]);
        if (!at(f, j, "_SERVER") && !at(f, j, "_CLIENT"))
            continue;
        j += 7;
        size_t k = j;
        while (k < f.n && pcre_space((unsigned char)f.p[k]))
            k++;
        if (k != f.n)
            continue;
        proto->p = f.p + i;
        proto->n = j - i;
        return 1;
    }
    return 0;
}

/*
 * The marker of a field, which must start it (after white space): 0 none,
 * 1 protocol (in *proto), 2 failure.
 */
static int
ref_marker(struct piece f, struct piece *proto)
{
    size_t i = 0;
    while (i < f.n && pcre_space((unsigned char)f.p[i]))
        i++;
    if (ref_alt_proto(f, i, proto) || ref_alt_bare(f, i, proto))
        return 1;
    if (at(f, i, "TLS negotiation failed"))
        return 2;
    return 0;
}

/*
 * "<lit><run>" at *i, the run non-empty and of the bytes `digits` says
 * (digits, or anything but white space); the run in *out, *i past it.
 */
static int
ref_run_after(struct piece f, size_t *i, const char *lit, int digits, struct piece *out)
{
    if (!at(f, *i, lit))
        return 0;
    size_t a = *i + strlen(lit), b = a;
    while (b < f.n && (digits ? is_digit(f.p[b]) : !pcre_space((unsigned char)f.p[b])))
        b++;
    if (b == a)
        return 0;
    out->p = f.p + a;
    out->n = b - a;
    *i = b;
    return 1;
}

/* The leftmost cipher sentence: names and bit counts of cipher, MAC, key exchange. */
static int
ref_cipher(struct piece f, struct piece name[3], struct piece bits[3])
{
    static const char *const intro[3] = {"bulk encryption algorithm ", " bits, MAC hash algorithm ",
                                         " bits and key exchange algorithm "};
    for (size_t start = 0; start < f.n; start++) {
        size_t i = start;
        int k = 0;
        for (; k < 3; k++) {
            if (!ref_run_after(f, &i, intro[k], 0, &name[k]) ||
                !ref_run_after(f, &i, " with strength ", 1, &bits[k]))
                break;
        }
        if (k == 3 && at(f, i, " bits"))
            return 1;
    }
    return 0;
}

static int
inside(struct span sub, struct piece f)
{
    return sub.ptr >= f.p && sub.ptr + sub.len <= f.p + f.n;
}

static int
same(struct span a, struct piece b)
{
    return a.ptr == b.p && a.len == b.n;
}

/* Information rows: the context decides, else the data when context is empty. */
static void
check_info(const struct match_facts *f, struct piece data, struct piece context)
{
    struct piece proto, fld = context;
    int kind = ref_marker(context, &proto);
    if (!kind && context.n == 0) {
        fld = data;
        kind = ref_marker(data, &proto);
    }
    FUZZ_CHECK(!!(f->flags & MATCH_TLS_OK) == (kind == 1));
    FUZZ_CHECK(!!(f->flags & MATCH_TLS_FAILED) == (kind == 2));
    /* Certificate rows (MATCH_CERT) are checked by test_match and test_session. */
    FUZZ_CHECK(
        (f->flags & ~(unsigned)(MATCH_TLS_OK | MATCH_TLS_FAILED | MATCH_CIPHER | MATCH_CERT)) == 0);
    if (kind != 1) {
        FUZZ_CHECK(!(f->flags & MATCH_CIPHER));
        return;
    }
    FUZZ_CHECK(same(f->proto, proto));
    FUZZ_CHECK(f->cls == ref_class(proto));
    struct piece name[3], bits[3];
    int cipher = ref_cipher(fld, name, bits);
    FUZZ_CHECK(!!(f->flags & MATCH_CIPHER) == cipher);
    if (!cipher)
        return;
    const struct match_algo *a[3] = {&f->cipher, &f->mac, &f->kx};
    for (int k = 0; k < 3; k++) {
        FUZZ_CHECK(same(a[k]->name, name[k]));
        if (bits[k].n <= 8) {
            unsigned v = 0;
            for (size_t i = 0; i < bits[k].n; i++)
                v = v * 10 + (unsigned)(bits[k].p[i] - '0');
            FUZZ_CHECK(a[k]->bits == v);
        }
    }
}

/*
 * The first word of f (up to its first space or tab) is `upper` (written
 * in capitals; the C locale's toupper() folds the field's ASCII letters).
 */
static int
ref_starts_word(struct piece f, const char *upper)
{
    size_t n = strlen(upper);
    size_t w = 0;
    while (w < f.n && f.p[w] != ' ' && f.p[w] != '\t')
        w++;
    if (w != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (toupper((unsigned char)f.p[i]) != (unsigned char)upper[i])
            return 0;
    }
    return 1;
}

/* Rows from the TLS client (commands) and from the TLS server (replies). */
static void
check_dialogue(const struct match_facts *f, enum extls_dir dir, int command, struct piece data)
{
    if (command) {
        int tls = ref_starts_word(data, "STARTTLS") || ref_starts_word(data, "X-ANONYMOUSTLS");
        FUZZ_CHECK(!!(f->flags & MATCH_TLS_CMD) == tls);
        FUZZ_CHECK(!(f->flags & MATCH_REPLY));
        int ehlo = !tls && dir == EXTLS_DIR_RECEIVE &&
                   (ref_starts_word(data, "EHLO") || ref_starts_word(data, "HELO"));
        if (!ehlo) {
            FUZZ_CHECK(!(f->flags & MATCH_HOST));
            return;
        }
        size_t a = 4;
        while (a < data.n && (data.p[a] == ' ' || data.p[a] == '\t'))
            a++;
        size_t b = a;
        while (b < data.n && data.p[b] != ' ' && data.p[b] != '\t')
            b++;
        FUZZ_CHECK(!!(f->flags & MATCH_HOST) == (b > a));
        if (b > a) {
            struct piece host = {data.p + a, b - a > EXTLS_NAME_MAX ? EXTLS_NAME_MAX : b - a};
            FUZZ_CHECK(f->host_kind == MATCH_HOST_EHLO && same(f->host, host));
        }
        return;
    }
    FUZZ_CHECK(!(f->flags & MATCH_TLS_CMD));
    int reply = data.n >= 3 && data.p[0] >= '1' && data.p[0] <= '5' && is_digit(data.p[1]) &&
                is_digit(data.p[2]) && (data.n == 3 || data.p[3] == ' ' || data.p[3] == '-');
    FUZZ_CHECK(!!(f->flags & MATCH_REPLY) == reply);
    if (reply)
        FUZZ_CHECK(f->reply_code ==
                   (data.p[0] - '0') * 100 + (data.p[1] - '0') * 10 + (data.p[2] - '0'));
    if (f->flags & MATCH_HOST) {
        /* Send side only: the server's 220 banner or 250 greeting. */
        FUZZ_CHECK(reply && dir == EXTLS_DIR_SEND);
        FUZZ_CHECK(f->reply_code == 220 || f->reply_code == 250);
        FUZZ_CHECK(f->host_kind == (f->reply_code == 220 ? MATCH_HOST_BANNER : MATCH_HOST_250));
        FUZZ_CHECK(f->host.len > 0 && f->host.len <= EXTLS_NAME_MAX && inside(f->host, data));
        for (size_t i = 0; i < f->host.len; i++)
            FUZZ_CHECK(f->host.ptr[i] != ' ' && f->host.ptr[i] != '\t');
    }
}

/* Model of the date-time column: yyyy-MM-dd(T| )HH:mm:ss[.f{1,9}][Z], UTC. */
static int
ref_time(struct piece f, int64_t *ms)
{
    static const char shape[] = "dddd-dd-ddXdd:dd:dd";
    if (f.n < 19)
        return -1;
    for (size_t i = 0; i < 19; i++) {
        char c = f.p[i];
        if (shape[i] == 'd' ? !is_digit(c) : shape[i] == 'X' ? c != 'T' && c != ' ' : c != shape[i])
            return -1;
    }
    int v[6];
    static const size_t off[6] = {0, 5, 8, 11, 14, 17};
    for (int k = 0; k < 6; k++) {
        v[k] = 0;
        for (size_t i = off[k]; i < off[k] + (k ? 2u : 4u); i++)
            v[k] = v[k] * 10 + (f.p[i] - '0');
    }
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] + (v[1] == 2 && leap) ||
        v[3] > 23 || v[4] > 59 || v[5] > 59)
        return -1;
    size_t i = 19;
    int frac = 0;
    if (i < f.n && f.p[i] == '.') {
        size_t d = 0;
        for (i++; i < f.n && is_digit(f.p[i]); i++, d++) {
            if (d < 3)
                frac += (f.p[i] - '0') * (d == 0 ? 100 : d == 1 ? 10 : 1);
        }
        if (d < 1 || d > 9)
            return -1;
    }
    if (i < f.n && f.p[i] == 'Z')
        i++;
    if (i != f.n)
        return -1;
    struct tm tm = {0};
    tm.tm_year = v[0] - 1900;
    tm.tm_mon = v[1] - 1;
    tm.tm_mday = v[2];
    tm.tm_hour = v[3];
    tm.tm_min = v[4];
    tm.tm_sec = v[5];
    *ms = (int64_t)timegm(&tm) * 1000 + frac;
    return 0;
}

/*
 * Model of row_endpoint_address(): in "[...]..." what lies between the
 * brackets (the whole text when none closes), else the text before its
 * colon when it has exactly one, else the whole text.
 */
static struct piece
ref_address(struct piece e)
{
    size_t colons = 0, colon = e.n, close = e.n;
    for (size_t i = e.n; i-- > 0;) { /* from the end: the first ones win */
        if (e.p[i] == ':') {
            colons++;
            colon = i;
        }
        if (e.p[i] == ']')
            close = i;
    }
    if (e.n >= 2 && e.p[0] == '[') {
        if (close == e.n)
            return e;
        return (struct piece){e.p + 1, close - 1};
    }
    return colons == 1 ? (struct piece){e.p, colon} : e;
}

static void
check_decode(struct piece time, struct piece seq, struct piece endpoint, unsigned char event,
             enum extls_dir dir)
{
    static const char sid[] = "08DAF1E7C3A4B5D6";
    char ev = (char)event;
    struct reader_row in;
    memset(&in, 0, sizeof(in));
    for (int c = 0; c < READER_N_COLS; c++)
        in.col[c].ptr = "";
    in.col[READER_DATE_TIME] = (struct span){time.p, time.n};
    in.col[READER_SESSION_ID] = (struct span){sid, sizeof(sid) - 1};
    in.col[READER_SEQUENCE_NUMBER] = (struct span){seq.p, seq.n};
    in.col[READER_REMOTE_ENDPOINT] = (struct span){endpoint.p, endpoint.n};
    in.col[READER_EVENT] = (struct span){&ev, 1};
    in.dir = dir;
    in.line = 7;

    int64_t want_ms = 0;
    int time_ok = ref_time(time, &want_ms) == 0;
    int seq_ok = seq.n >= 1 && seq.n <= 19;
    uint64_t want_seq = 0;
    for (size_t i = 0; seq_ok && i < seq.n; i++) {
        seq_ok = is_digit(seq.p[i]);
        want_seq = want_seq * 10 + (uint64_t)(seq.p[i] - '0');
    }
    int ev_ok = ev && strchr("+-<>*", ev) != NULL;
    const char *want = !time_ok  ? "unparsable date-time"
                       : !seq_ok ? "unparsable sequence-number"
                       : !ev_ok  ? "unknown event"
                                 : NULL;
    struct row out;
    /* Once with the minute cache of isotime_parse() primed elsewhere, once with this minute. */
    for (int pass = 0; pass < 2; pass++) {
        int64_t ignored;
        if (pass == 0)
            FUZZ_CHECK(isotime_parse("1999-12-31T23:59:59.999Z", 24, &ignored) == 0);
        const char *why = row_decode(&in, &out);
        FUZZ_CHECK(why == want || (why && want && strcmp(why, want) == 0));
        if (why)
            continue;
        FUZZ_CHECK(out.time_ms == want_ms);
        FUZZ_CHECK(out.seq == want_seq);
        FUZZ_CHECK(out.event == (enum row_event)ev && out.dir == dir && out.line == 7);
    }

    /* row_endpoint_address(): "[v6]:port", "a.b.c.d:port", else whole. */
    struct span a = row_endpoint_address(in.col[READER_REMOTE_ENDPOINT]);
    struct piece want_a = ref_address(endpoint);
    FUZZ_CHECK(same(a, want_a));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct matcher *m;
    if (!m) {
        m = matcher_new();
        FUZZ_CHECK(m != NULL);
    }
    if (size < 2)
        return 0;
    static const char events[] = "+-<>*";
    unsigned char ev = data[0] < 5 ? (unsigned char)events[data[0]] : data[0];
    enum extls_dir dir = data[1] & 1 ? EXTLS_DIR_SEND : EXTLS_DIR_RECEIVE;
    struct piece p[5] = {{"", 0}, {"", 0}, {"", 0}, {"", 0}, {"", 0}};
    const char *s = (const char *)data + 2, *end = (const char *)data + size;
    for (int k = 0; k < 5 && s <= end; k++) {
        const char *nul = k < 4 ? memchr(s, '\0', (size_t)(end - s)) : NULL;
        const char *stop = nul ? nul : end;
        p[k].p = s;
        p[k].n = (size_t)(stop - s);
        s = stop + 1;
        if (!nul)
            break;
    }
    for (int k = 0; k < 5; k++)
        FUZZ_CHECK(match_protocol_class(p[k].p, p[k].n) == ref_class(p[k]));

    check_decode(p[2], p[3], p[4], ev, dir);

    if (!strchr("+-<>*", ev) || !ev)
        return 0;
    struct row row;
    memset(&row, 0, sizeof(row));
    row.dir = dir;
    row.event = (enum row_event)ev;
    row.data = (struct span){p[0].p, p[0].n};
    row.context = (struct span){p[1].p, p[1].n};
    struct match_facts f;
    unsigned flags = match_row(m, &row, &f);
    FUZZ_CHECK(flags == f.flags);
    if (ev == '*') {
        check_info(&f, p[0], p[1]);
    } else if (ev == '<' || ev == '>') {
        /* Commands come from the TLS client: '<' on receive, '>' on send. */
        int command = (ev == '<') == (dir == EXTLS_DIR_RECEIVE);
        check_dialogue(&f, dir, command, p[0]);
    } else {
        FUZZ_CHECK(flags == 0);
    }
    return 0;
}
