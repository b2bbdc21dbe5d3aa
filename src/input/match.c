/* SPDX-License-Identifier: MIT */
/*
 * match.c: PCRE2 patterns for the TLS rows, plain string tests for the
 * STARTTLS dialogue and host names. Patterns are compiled once; match data
 * is created once and reused for every row. The cipher pattern has no
 * backtracking to do, and is searched by plain code that gives its leftmost
 * match (PCRE2 runs it only for a field with a byte it may class otherwise).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "match.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

/*
 * Group 1: the protocol of a "TLS protocol <P> negotiation" row;
 * group 2: a bare marker, a whole word (not "SP_PROT_TLS1_2_SERVERX");
 * group 3: a failure.
 */
static const char marker_pattern[] = "\\s*(?:TLS protocol (\\S+) negotiation"
                                     "|(SP_PROT[_-](?:SSL[23]|TLS1_[0-3])_(?:SERVER|CLIENT))\\s*$"
                                     "|(TLS negotiation failed))";

static const char cipher_pattern[] = "bulk encryption algorithm (\\S+) with strength (\\d+) bits, "
                                     "MAC hash algorithm (\\S+) with strength (\\d+) bits "
                                     "and key exchange algorithm (\\S+) with strength (\\d+) bits";

struct matcher {
    pcre2_code *marker;
    pcre2_code *cipher;
    pcre2_match_data *md;
    int jit; /* both patterns JIT-compiled */
};

static pcre2_code *
compile(const char *pattern, uint32_t options, int *jit)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &err, &off, NULL);
    if (re && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0)
        *jit = 0;
    return re;
}

struct matcher *
matcher_new(void)
{
    struct matcher *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->jit = 1;
    m->marker = compile(marker_pattern, PCRE2_ANCHORED, &m->jit);
    m->cipher = compile(cipher_pattern, 0, &m->jit);
    m->md = pcre2_match_data_create(8, NULL);
    if (!m->marker || !m->cipher || !m->md) {
        matcher_free(m);
        return NULL;
    }
    return m;
}

void
matcher_free(struct matcher *m)
{
    if (!m)
        return;
    pcre2_code_free(m->marker);
    pcre2_code_free(m->cipher);
    pcre2_match_data_free(m->md);
    free(m);
}

static int
run(struct matcher *m, const pcre2_code *re, struct span f)
{
    if (m->jit)
        return pcre2_jit_match(re, (PCRE2_SPTR)f.ptr, f.len, 0, 0, m->md, NULL);
    return pcre2_match(re, (PCRE2_SPTR)f.ptr, f.len, 0, 0, m->md, NULL);
}

/* Group g of the last match as a field; len 0 when unset. */
static struct span
group(struct matcher *m, struct span f, int g)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    struct span out = {f.ptr, 0};
    if (ov[2 * g] != PCRE2_UNSET) {
        out.ptr = f.ptr + ov[2 * g];
        out.len = ov[2 * g + 1] - ov[2 * g];
    }
    return out;
}

static unsigned
to_uint(struct span f)
{
    unsigned long v = 0;
    for (size_t i = 0; i < f.len && v < 100000000ul; i++)
        v = v * 10 + (unsigned long)(f.ptr[i] - '0');
    return (unsigned)v;
}

enum extls_class
match_protocol_class(const char *s, size_t len)
{
    static const struct {
        const char *name;
        enum extls_class cls;
    } names[] = {
        {"SSL2", EXTLS_SSL2},     {"SSL3", EXTLS_SSL3},     {"TLS1_0", EXTLS_TLS1_0},
        {"TLS1_1", EXTLS_TLS1_1}, {"TLS1_2", EXTLS_TLS1_2}, {"TLS1_3", EXTLS_TLS1_3},
    };
    /* SchannelProtocols values: server and client bit of each version. */
    static const struct {
        unsigned long value;
        enum extls_class cls;
    } values[] = {
        {4, EXTLS_SSL2},      {8, EXTLS_SSL2},      {16, EXTLS_SSL3},     {32, EXTLS_SSL3},
        {64, EXTLS_TLS1_0},   {128, EXTLS_TLS1_0},  {256, EXTLS_TLS1_1},  {512, EXTLS_TLS1_1},
        {1024, EXTLS_TLS1_2}, {2048, EXTLS_TLS1_2}, {4096, EXTLS_TLS1_3}, {8192, EXTLS_TLS1_3},
    };

    if (len > 8 && memcmp(s, "SP_PROT", 7) == 0 && (s[7] == '_' || s[7] == '-')) {
        const char *v = s + 8;
        size_t vlen = len - 8;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            size_t n = strlen(names[i].name);
            if (vlen < n + 1 || memcmp(v, names[i].name, n) != 0)
                continue;
            const char *role = v + n;
            size_t rlen = vlen - n;
            if ((rlen == 7 && memcmp(role, "_SERVER", 7) == 0) ||
                (rlen == 7 && memcmp(role, "_CLIENT", 7) == 0))
                return names[i].cls;
        }
        return EXTLS_TLS_UNKNOWN;
    }
    while (len > 1 && s[0] == '0') { /* leading zeros do not change the value */
        s++;
        len--;
    }
    if (len == 0 || len > 9)
        return EXTLS_TLS_UNKNOWN;
    unsigned long n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return EXTLS_TLS_UNKNOWN;
        n = n * 10 + (unsigned long)(s[i] - '0');
    }
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        if (values[i].value == n)
            return values[i].cls;
    }
    return EXTLS_TLS_UNKNOWN;
}

/*
 * Can marker_pattern match fld? Every branch starts, after the leading \s*,
 * with "TLS " or "SP_PROT", so most fields are told apart here without
 * running PCRE2. A byte past ASCII where the literal would start is left
 * to PCRE2 (its character tables decide whether it is a space).
 */
static int
may_be_marker(struct span fld)
{
    size_t i = 0;
    while (i < fld.len && (fld.ptr[i] == ' ' || (fld.ptr[i] >= '\t' && fld.ptr[i] <= '\r')))
        i++;
    if (i == fld.len)
        return 0;
    if ((unsigned char)fld.ptr[i] >= 0x80)
        return 1;
    struct span rest = {fld.ptr + i, fld.len - i};
    return (rest.len >= 4 && memcmp(rest.ptr, "TLS ", 4) == 0) ||
           (rest.len >= 7 && memcmp(rest.ptr, "SP_PROT", 7) == 0);
}

/* Does `lit` (a string literal) lie at p[i..], within len? */
#define LIT_AT(p, i, len, lit)                                                                     \
    ((len) - (i) >= sizeof(lit) - 1 && memcmp((p) + (i), lit, sizeof(lit) - 1) == 0)

/*
 * cipher_pattern tried at `at`, just past its first literal, without PCRE2:
 * each \S+ or \d+ is followed by a literal that starts with a space, so it
 * can only match its longest run and nothing backtracks. Sets the names and
 * bits in *f (also, partly, when it fails); returns 1 on a match, 0 when
 * there is none at `at`, -1 when a run ends at a byte past ASCII or at a
 * control byte that is not white space (PCRE2's tables decide those).
 */
static int
cipher_at(struct span fld, size_t at, struct match_facts *f)
{
    struct match_algo *a[3] = {&f->cipher, &f->mac, &f->kx};
    const char *p = fld.ptr;
    size_t i = at, len = fld.len;
    for (int k = 0; k < 3; k++) {
        size_t name = i;
        unsigned char c = 0;
        while (i < len && (c = (unsigned char)p[i]) > ' ' && c < 0x80)
            i++; /* \S: no \s byte is above ' ' */
        if (i < len && c >= 0x80)
            return -1;
        if (i < len && c < ' ' && !(c >= '\t' && c <= '\r'))
            return -1; /* a control byte, \S too: rare, PCRE2 takes it */
        size_t name_len = i - name;
        if (name_len == 0 || !LIT_AT(p, i, len, " with strength "))
            return 0;
        i += sizeof(" with strength ") - 1;
        size_t digits = i;
        while (i < len && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == digits)
            return 0;
        a[k]->name.ptr = p + name;
        a[k]->name.len = name_len;
        a[k]->bits = to_uint((struct span){p + digits, i - digits});
        if (k == 0 && LIT_AT(p, i, len, " bits, MAC hash algorithm "))
            i += sizeof(" bits, MAC hash algorithm ") - 1;
        else if (k == 1 && LIT_AT(p, i, len, " bits and key exchange algorithm "))
            i += sizeof(" bits and key exchange algorithm ") - 1;
        else if (k == 2 && LIT_AT(p, i, len, " bits"))
            return 1;
        else
            return (i < len && (unsigned char)p[i] >= 0x80) ? -1 : 0;
    }
    return 0; /* not reached */
}

/*
 * The cipher, MAC and key exchange of a "negotiation succeeded" field, as
 * cipher_pattern's leftmost match gives them (it is tried at each place its
 * first literal appears, in order); PCRE2 decides a field where
 * cipher_at() cannot. 1 when found.
 */
static int
cipher_field(struct matcher *m, struct span fld, struct match_facts *f)
{
    static const char head[] = "bulk encryption algorithm ";
    const size_t n = sizeof(head) - 1;
    size_t i = 0;
    for (;;) {
        const char *hit = i + n <= fld.len ? memchr(fld.ptr + i, 'b', fld.len - n + 1 - i) : NULL;
        if (!hit)
            return 0;
        i = (size_t)(hit - fld.ptr);
        if (memcmp(hit, head, n) == 0) {
            int found = cipher_at(fld, i + n, f);
            if (found > 0)
                return 1;
            if (found < 0)
                break; /* PCRE2 decides the whole field */
        }
        i++;
    }
    if (run(m, m->cipher, fld) < 0)
        return 0;
    struct match_algo *a[3] = {&f->cipher, &f->mac, &f->kx};
    for (int k = 0; k < 3; k++) {
        a[k]->name = group(m, fld, 1 + 2 * k);
        a[k]->bits = to_uint(group(m, fld, 2 + 2 * k));
    }
    return 1;
}

/* Search one information-row field; 1 when it decided something. */
static int
info_field(struct matcher *m, struct span fld, struct match_facts *f)
{
    if (fld.len < 7 || !may_be_marker(fld) || run(m, m->marker, fld) < 0)
        return 0;
    struct span proto = group(m, fld, 1);
    if (!proto.len)
        proto = group(m, fld, 2);
    if (!proto.len) {
        f->flags |= MATCH_TLS_FAILED;
        return 1;
    }
    f->flags |= MATCH_TLS_OK;
    f->proto = proto;
    f->cls = match_protocol_class(proto.ptr, proto.len);
    if (cipher_field(m, fld, f))
        f->flags |= MATCH_CIPHER;
    return 1;
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive: does f start with the word `w` (followed by end or space)? */
static int
starts_word(struct span f, const char *w)
{
    size_t n = strlen(w);
    if (f.len < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)f.ptr[i]) != lower((unsigned char)w[i]))
            return 0;
    }
    return f.len == n || f.ptr[n] == ' ' || f.ptr[n] == '\t';
}

/* The first space-delimited token at or after offset `at`. */
static struct span
token(struct span f, size_t at)
{
    struct span t = {f.ptr + f.len, 0};
    while (at < f.len && (f.ptr[at] == ' ' || f.ptr[at] == '\t'))
        at++;
    size_t end = at;
    while (end < f.len && f.ptr[end] != ' ' && f.ptr[end] != '\t')
        end++;
    t.ptr = f.ptr + at;
    t.len = end - at;
    if (t.len > EXTLS_NAME_MAX)
        t.len = EXTLS_NAME_MAX;
    return t;
}

/* Reply code of "NNN", "NNN text" or "NNN-text"; -1 if not a reply. */
static int
reply_code(struct span f)
{
    if (f.len < 3)
        return -1;
    for (int i = 0; i < 3; i++) {
        if (f.ptr[i] < '0' || f.ptr[i] > '9')
            return -1;
    }
    if (f.ptr[0] < '1' || f.ptr[0] > '5')
        return -1;
    if (f.len > 3 && f.ptr[3] != ' ' && f.ptr[3] != '-')
        return -1;
    return (f.ptr[0] - '0') * 100 + (f.ptr[1] - '0') * 10 + (f.ptr[2] - '0');
}

/* "2.0.0"-like enhanced status codes are not host names. */
static int
is_status_code(struct span t)
{
    return t.len >= 5 && t.ptr[0] >= '2' && t.ptr[0] <= '5' && t.ptr[1] == '.';
}

/*
 * A 250 line names the server only in the first line of its EHLO answer:
 * "250-host Hello [ip]" (Exchange) or "250-host.example" (most others);
 * later lines are keywords ("250-SIZE 36700160", "250 XSHADOW"). Accept a
 * token followed by "Hello", or one containing a dot.
 */
static int
is_ehlo_greeting(struct span data, struct span t)
{
    struct span next = token(data, (size_t)(t.ptr + t.len - data.ptr));
    if (next.len == 5 && memcmp(next.ptr, "Hello", 5) == 0)
        return 1;
    return memchr(t.ptr, '.', t.len) != NULL;
}

/* Command rows: from the client (receive: '<', send: '>'). */
static void
command_row(const struct row *row, struct match_facts *f)
{
    struct span d = row->data;
    if (starts_word(d, "STARTTLS") || starts_word(d, "X-ANONYMOUSTLS")) {
        f->flags |= MATCH_TLS_CMD;
    } else if (row->dir == EXTLS_DIR_RECEIVE &&
               (starts_word(d, "EHLO") || starts_word(d, "HELO"))) {
        struct span t = token(d, 4);
        if (t.len) {
            f->flags |= MATCH_HOST;
            f->host_kind = MATCH_HOST_EHLO;
            f->host = t;
        }
    }
}

/* Reply rows: from the server (receive: '>', send: '<'). */
static void
reply_row(const struct row *row, struct match_facts *f)
{
    int code = reply_code(row->data);
    if (code < 0)
        return;
    f->flags |= MATCH_REPLY;
    f->reply_code = code;
    if (row->dir != EXTLS_DIR_SEND || (code != 220 && code != 250))
        return;
    struct span t = token(row->data, 4);
    /*
     * A firewall's SMTP inspection may mask the banner ("220 *****..."):
     * a token with '*' is no host name, and the 250 reply names the host.
     */
    if (t.len && memchr(t.ptr, '*', t.len))
        return;
    if (t.len && !is_status_code(t) && (code == 220 || is_ehlo_greeting(row->data, t))) {
        f->flags |= MATCH_HOST;
        f->host_kind = code == 220 ? MATCH_HOST_BANNER : MATCH_HOST_250;
        f->host = t;
    }
}

/* Is f exactly the string `s`? */
static int
equals(struct span f, const char *s)
{
    size_t n = strlen(s);
    return f.len == n && memcmp(f.ptr, s, n) == 0;
}

static int
starts_with(struct span f, const char *s)
{
    size_t n = strlen(s);
    return f.len >= n && memcmp(f.ptr, s, n) == 0;
}

static int
is_hex(struct span f)
{
    for (size_t i = 0; i < f.len; i++) {
        char c = f.ptr[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return f.len > 0;
}

static int
is_thumbprint(struct span f)
{
    return f.len <= MATCH_THUMB_MAX && is_hex(f);
}

/* Does an X.500 attribute type and '=' ("CN=", "OID.2.5.4.97=") start at p[0..n)? */
static int
attribute_at(const char *p, size_t n)
{
    if (n == 0 || !((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')))
        return 0;
    for (size_t i = 1; i < n && i < 64; i++) {
        char c = p[i];
        if (c == '=')
            return 1;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.'))
            return 0;
    }
    return 0;
}

/*
 * Split "<subject> <issuer>" (both distinguished names as .NET writes them:
 * RDNs joined by ", " or " + ", values with special characters quoted):
 * the issuer starts after the first space outside quotes that does not
 * follow ',' or '+' and precedes an attribute type. The subject may be
 * empty. Returns the subject; ptr NULL when there is no such space.
 */
static struct span
split_subject(struct span names)
{
    struct span subject = {NULL, 0};
    int quoted = 0;
    for (size_t i = 0; i < names.len; i++) {
        char c = names.ptr[i];
        if (c == '"')
            quoted = !quoted;
        if (c != ' ' || quoted)
            continue;
        if (i > 0 && (names.ptr[i - 1] == ',' || names.ptr[i - 1] == '+'))
            continue;
        if (attribute_at(names.ptr + i + 1, names.len - i - 1)) {
            subject.ptr = names.ptr;
            subject.len = i;
            return subject;
        }
    }
    return subject;
}

/*
 * The last n space-separated tokens of d, right to left, into tok[0..n)
 * (names before them may contain spaces); *names receives what precedes
 * them, less one leading space. 0 when d has fewer.
 */
static int
right_tokens(struct span d, struct span *tok, int n, struct span *names)
{
    size_t end = d.len;
    for (int i = 0; i < n; i++) {
        size_t sp = end;
        while (sp > 0 && d.ptr[sp - 1] != ' ')
            sp--;
        if (sp == 0)
            return 0;
        tok[i].ptr = d.ptr + sp;
        tok[i].len = end - sp;
        end = sp - 1;
    }
    names->ptr = d.ptr;
    names->len = end;
    if (names->len && names->ptr[0] == ' ') {
        names->ptr++;
        names->len--;
    }
    return 1;
}

/* c is the remote certificate's one row: its thumbprint and the subject out of `names`. */
static int
remote_row(struct match_cert *c, struct span thumbprint, struct span names)
{
    c->kind = MATCH_CERT_REMOTE_ROW;
    c->thumbprint = thumbprint;
    c->subject = split_subject(names);
    return 1;
}

/*
 * The one-row form: " <subject> <issuer> <serial> <thumbprint> <not before>
 * <not after> <alternate names>". The last five are taken from the right
 * (names may contain spaces); 0 when they do not have the expected shape.
 */
static int
cert_one_row(struct span d, struct match_cert *c)
{
    struct span tok[5]; /* alternate names, not after, not before, thumbprint, serial */
    struct span names;
    if (!right_tokens(d, tok, 5, &names))
        return 0;
    for (int i = 1; i <= 2; i++) {
        if (tok[i].len == 0 || tok[i].ptr[0] < '0' || tok[i].ptr[0] > '9')
            return 0;
    }
    if (!is_thumbprint(tok[3]) || !is_hex(tok[4]))
        return 0;
    return remote_row(c, tok[3], names);
}

/* Offset of the first `label` in d at or after `from`; d.len when absent. */
static size_t
find_label(struct span d, size_t from, const char *label)
{
    size_t n = strlen(label);
    for (size_t i = from; i + n <= d.len; i++) {
        if (memcmp(d.ptr + i, label, n) == 0)
            return i;
    }
    return d.len;
}

/*
 * The one-row block of Exchange 2016 CU2, no dates: after the "Remote
 * certificate" header, either the labels in context and the values in data
 * (" <subject> <issuer> <serial> <thumbprint>", taken from the right), or
 * labels and values in turn in data ("Certificate subject <subject>
 * Certificate issuer name <issuer> Certificate serial number <serial>
 * Certificate thumbprint <thumbprint>"). 0 when it has neither shape.
 */
static int
cert_cu2_row(struct span ctx, struct span d, struct match_cert *c)
{
    static const char subj[] = "Certificate subject ", iss[] = " Certificate issuer name ",
                      ser[] = " Certificate serial number ", thumb[] = " Certificate thumbprint ";
    if (d.len >= sizeof(subj) - 1 && memcmp(d.ptr, subj, sizeof(subj) - 1) == 0) {
        size_t a = find_label(d, 0, iss), b = find_label(d, a, ser), t = find_label(d, b, thumb);
        if (t == d.len)
            return 0;
        struct span tp = {d.ptr + t + sizeof(thumb) - 1, d.len - t - (sizeof(thumb) - 1)};
        if (!is_thumbprint(tp))
            return 0;
        c->kind = MATCH_CERT_REMOTE_ROW;
        c->thumbprint = tp;
        c->subject.ptr = d.ptr + sizeof(subj) - 1;
        c->subject.len = a - (sizeof(subj) - 1);
        return 1;
    }
    if (!starts_with(ctx, "Remote certificate Certificate subject") ||
        find_label(ctx, 0, "Not before") != ctx.len || find_label(ctx, 0, "alternate") != ctx.len)
        return 0;
    struct span tok[2]; /* thumbprint, serial */
    struct span names;
    if (!right_tokens(d, tok, 2, &names) || !is_thumbprint(tok[0]) || !is_hex(tok[1]))
        return 0;
    return remote_row(c, tok[0], names);
}

/* Information rows of certificate blocks; 1 when c is set. */
static int
cert_row(const struct row *row, struct match_cert *c)
{
    struct span ctx = row->context, d = row->data;
    c->subject.ptr = NULL;
    c->subject.len = 0;
    c->thumbprint = c->subject;
    if (equals(ctx, "Certificate subject")) {
        c->kind = MATCH_CERT_SUBJECT;
        c->subject = d;
        return 1;
    }
    if (equals(ctx, "Certificate thumbprint")) {
        c->kind = MATCH_CERT_THUMBPRINT;
        c->thumbprint = d;
        return is_thumbprint(d);
    }
    if (starts_with(ctx, "Remote certificate Subject"))
        return cert_one_row(d, c);
    if (starts_with(ctx, "Remote certificate Certificate subject") ||
        (equals(ctx, "Remote certificate") && d.len))
        return cert_cu2_row(ctx, d, c);
    static const char suffix[] = " certificate";
    size_t n = sizeof(suffix) - 1;
    if (d.len || ctx.len <= n || memcmp(ctx.ptr + ctx.len - n, suffix, n) != 0)
        return 0;
    if (equals(ctx, "Remote certificate"))
        c->kind = MATCH_CERT_REMOTE_HEAD;
    else if (equals(ctx, "Received certificate"))
        c->kind = MATCH_CERT_RECEIVED_HEAD;
    else
        c->kind = MATCH_CERT_OTHER_HEAD;
    return 1;
}

unsigned
match_row(struct matcher *m, const struct row *row, struct match_facts *f)
{
    f->flags = 0;
    switch (row->event) {
    case ROW_INFO:
        /*
         * Exchange writes its TLS rows with the text in the context column
         * and nothing in data. Rows whose data is the peer's (certificate
         * fields, user names) always name it in context, so data is only
         * searched when context is empty.
         */
        if (!info_field(m, row->context, f) && row->context.len == 0)
            info_field(m, row->data, f);
        if (cert_row(row, &f->cert))
            f->flags |= MATCH_CERT;
        break;
    case ROW_RECEIVE:
    case ROW_SEND:
        /* The client's commands: received in a receive log, sent in a send log. */
        if ((row->event == ROW_RECEIVE) == (row->dir == EXTLS_DIR_RECEIVE))
            command_row(row, f);
        else
            reply_row(row, f);
        break;
    case ROW_CONNECT:
    case ROW_DISCONNECT:
        break;
    }
    return f->flags;
}
