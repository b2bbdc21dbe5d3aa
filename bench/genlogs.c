/* SPDX-License-Identifier: MIT */
/*
 * genlogs.c: seeded generator of realistic Exchange 2016/2019 SMTP protocol
 * logs for the benchmark (bench/run) and the bench smoke test. Writes a
 * FrontEnd receive and a Hub send file series (BOM, header, CRLF rows,
 * hourly names, rollover at a size cap) with many sessions interleaved, so
 * some sessions cross files. Not part of extls (never installed); it borrows only its calendar
 * (isotime.h). The same options always give the same bytes.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* gmtime_r, mkdir, clock_gettime when built alone */
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "isotime.h"

#define MIB (1024ull * 1024ull)
#define OUT_BUF (4u * 1024u * 1024u) /* write buffer per file series */
#define TAIL_MAX 4096                /* longest event,data,context of a row */
#define LINE_BUF (2 * TAIL_MAX)      /* one row with its fixed fields, plus a planted one */
#define SESSION_ROWS 128             /* rows one session may have */
#define ARENA_SIZE 32768             /* pre-rendered row tails of one session */
#define RECV_SLOTS 36                /* receive sessions open at once */
#define SEND_SLOTS 12                /* send sessions open at once */
#define N_SLOTS (RECV_SLOTS + SEND_SLOTS)
#define N_REMOTES 500
#define SERVER "EXCH01"
#define SERVER_FQDN "EXCH01.contoso.com"
#define SERVER_IP "10.0.0.5"
#define HUB_IP "10.0.0.6"

/* Session classes, in extls's names; the mix is in per mille. */
enum cls { C_TLS12, C_TLS10, C_TLS11, C_SSL3, C_TLS13, C_UNKNOWN, C_FAILED, C_NONE, N_CLS };
static const char *const cls_name[N_CLS] = {"tls1_2", "tls1_0",      "tls1_1",     "ssl3",
                                            "tls1_3", "tls_unknown", "tls_failed", "none"};
static const unsigned cls_mix[N_CLS] = {625, 80, 30, 5, 10, 30, 20, 200};

enum dir { D_RECV, D_SEND };

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
static size_t fmt(char *dst, size_t cap, const char *f, ...) PRINTF_LIKE(3, 4);
struct slot;
static void add_rowf(struct slot *s, char ev, const char *ctx, const char *f, ...)
    PRINTF_LIKE(4, 5);

/* splitmix64: small, fast, and the same everywhere. */
struct rng {
    uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned
rng_below(struct rng *r, unsigned n)
{
    return (unsigned)(((rng_next(r) >> 32) * n) >> 32);
}

/* True with probability pm per mille. */
static int
rng_pm(struct rng *r, unsigned pm)
{
    return rng_below(r, 1000) < pm;
}

static enum cls
draw_class(struct rng *r)
{
    unsigned x = rng_below(r, 1000), acc = 0;
    for (int c = 0; c < N_CLS; c++) {
        acc += cls_mix[c];
        if (x < acc)
            return (enum cls)c;
    }
    return C_NONE;
}

static void
die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("genlogs: ", stderr);
    vfprintf(stderr, fmt, ap);
    putc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* snprintf that dies instead of truncating; returns the length written. */
static size_t
fmt(char *dst, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(dst, cap, f, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap)
        die("internal error: text too long for its buffer");
    return (size_t)n;
}

/* ---- calendar: the project's own (isotime.h) ---- */

/* yyyymmdd of day `day` (days since 1970-01-01), for file names. */
static void
compact_day(int64_t day, char out[9])
{
    char iso[ISOTIME_BUF];
    isotime_format_day(day * 86400000, iso);
    memcpy(out, iso, 4);
    memcpy(out + 4, iso + 5, 2);
    memcpy(out + 6, iso + 8, 2);
    out[8] = '\0';
}

/* "Mon, 11 Mar 2024 08:59:10 +0000", the date in Exchange's 220 banner. */
static void
format_banner_date(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* ---- fixed tables: connectors and remote hosts ---- */

struct connector {
    const char *id; /* connector-id as logged */
    enum dir dir;
    unsigned weight;   /* share of this direction's sessions */
    unsigned lo, hi;   /* remote hosts it talks to: remotes[lo, hi) */
    const char *local; /* receive: local endpoint; send: local address */
    int anon;          /* Exchange to Exchange: X-ANONYMOUSTLS instead of STARTTLS */
    char esc[96];      /* id CSV-escaped (filled at start) */
};

/*
 * Remote hosts: [0, 360) internet IPv4, [360, 390) IPv6, [390, 470) internal
 * 10.x clients and devices, [470, 500) other Exchange servers.
 */
static struct connector connectors[] = {
    {SERVER "\\Default Frontend " SERVER, D_RECV, 60, 0, 390, SERVER_IP ":25", 0, ""},
    {SERVER "\\Client Frontend " SERVER, D_RECV, 8, 390, 470, SERVER_IP ":587", 0, ""},
    {SERVER "\\Outbound Proxy Frontend " SERVER, D_RECV, 10, 470, 500, SERVER_IP ":717", 1, ""},
    {SERVER "\\Relay, Printers and Scanners", D_RECV, 8, 420, 500, SERVER_IP ":25", 0, ""},
    {SERVER "\\Partner TLS " SERVER, D_RECV, 8, 300, 380, SERVER_IP ":25", 0, ""},
    {SERVER "\\Legacy Apps " SERVER, D_RECV, 6, 400, 460, SERVER_IP ":2525", 0, ""},
    {"Outbound to Office 365", D_SEND, 40, 0, 40, HUB_IP, 0, ""},
    {"Internet Send Connector", D_SEND, 35, 40, 390, HUB_IP, 0, ""},
    {"Intra-Organization SMTP Send Connector", D_SEND, 15, 470, 500, HUB_IP, 1, ""},
    {"Smart Host, Backup Route", D_SEND, 10, 380, 400, HUB_IP, 0, ""},
};
#define N_CONNECTORS (sizeof(connectors) / sizeof(connectors[0]))

struct remote {
    char addr[48]; /* address as in "Hello [addr]" */
    char ep[56];   /* address as in an endpoint: a.b.c.d or [v6] */
    char name[64]; /* host name: receive EHLO argument, send greeting */
    enum cls home; /* the class its sessions usually end in */
    int no_tls;    /* a server that does not offer STARTTLS (send) */
};

static struct remote remotes[N_REMOTES];

static const char *const domains[] = {
    "example.net",  "example.org", "example.com",  "fabrikam.example",  "tailspin.example",
    "wingtip.test", "adatum.test", "litware.test", "northwind.example", "woodgrove.test",
};
#define N_DOMAINS (sizeof(domains) / sizeof(domains[0]))

static void
init_remotes(struct rng *r)
{
    static const char *const v4net[3] = {"192.0.2", "198.51.100", "203.0.113"};
    for (unsigned i = 0; i < N_REMOTES; i++) {
        struct remote *h = &remotes[i];
        const char *dom = domains[i % N_DOMAINS];
        if (i < 360) {
            fmt(h->addr, sizeof(h->addr), "%s.%u", v4net[i % 3], 1 + i / 3);
        } else if (i < 388) {
            fmt(h->addr, sizeof(h->addr), "2001:db8:%x:%x::%x", 0x10 + i % 7, i, 25 + i % 3);
        } else if (i < 390) {
            fmt(h->addr, sizeof(h->addr), "fe80::%x:c3ff:fed4:%x%%11", 0xa100 + i, i);
        } else {
            fmt(h->addr, sizeof(h->addr), "10.%u.%u.%u", 20 + (i - 390) / 100, (i - 390) % 100 / 10,
                10 + (i - 390) % 10 * 20);
        }
        if (strchr(h->addr, ':'))
            fmt(h->ep, sizeof(h->ep), "[%s]", h->addr);
        else
            fmt(h->ep, sizeof(h->ep), "%s", h->addr);
        unsigned k = rng_below(r, 100);
        if (i >= 470)
            fmt(h->name, sizeof(h->name), "EXCH%02u.contoso.com", i - 468);
        else if (i >= 390)
            fmt(h->name, sizeof(h->name), "%s%u", k < 20 ? "ylmf-pc" : "mfp-", i);
        else if (k < 5)
            fmt(h->name, sizeof(h->name), "[%s]", h->addr);
        else
            fmt(h->name, sizeof(h->name), "mail%u.%s", i, dom);
        h->home = draw_class(r);
        h->no_tls = h->home == C_NONE && rng_pm(r, 700);
    }
}

/* ---- output: one file series per direction ---- */

struct series {
    const char *prefix;  /* RECV / SEND */
    const char *logtype; /* #Log-type: value */
    char dir[4096];
    FILE *f;
    char *buf;
    size_t len;
    uint64_t file_bytes; /* bytes in the current file */
    int64_t hour;        /* hours since the epoch of the current file */
    unsigned instance;
    uint64_t files, rows;
};

struct gen {
    struct rng rng;
    struct series ser[2];
    uint64_t cap;    /* rollover size */
    uint64_t target; /* total bytes to write */
    uint64_t total;  /* bytes written */
    uint64_t rows, sessions, malformed, markers, sp_prot_rows;
    uint64_t cls_count[N_CLS];
    uint64_t next_sid[2];
    uint64_t malformed_every; /* one planted malformed row per this many rows */
    uint64_t malformed_phase;
    int64_t now_us;   /* simulated clock */
    int64_t day;      /* day of day_str */
    char day_str[12]; /* "yyyy-mm-ddT" */
};

/*
 * --out -: one stream on standard output, for tests that must not store
 * the corpus. Each buffer of a series goes out behind its own header block
 * (a concatenated log, which extls reads), so rows keep their direction.
 */
static int to_stdout;

static void
series_flush(struct series *s)
{
    if (to_stdout && s->len) {
        char head[256];
        size_t n = fmt(head, sizeof(head),
                       "#Software: Microsoft Exchange Server\r\n#Log-type: %s\r\n"
                       "#Fields: date-time,connector-id,session-id,sequence-number,"
                       "local-endpoint,remote-endpoint,event,data,context\r\n",
                       s->logtype);
        if (fwrite(head, 1, n, stdout) != n || fwrite(s->buf, 1, s->len, stdout) != s->len)
            die("cannot write to standard output: %s", strerror(errno));
        s->len = 0;
        return;
    }
    if (s->len && fwrite(s->buf, 1, s->len, s->f) != s->len)
        die("cannot write in '%s': %s", s->dir, strerror(errno));
    s->len = 0;
}

static void
series_close(struct series *s)
{
    if (to_stdout) {
        series_flush(s);
        return;
    }
    if (!s->f)
        return;
    series_flush(s);
    if (fclose(s->f) != 0)
        die("cannot write in '%s': %s", s->dir, strerror(errno));
    s->f = NULL;
}

static void
series_put(struct gen *g, struct series *s, const char *p, size_t n)
{
    if (s->len + n > OUT_BUF)
        series_flush(s);
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->file_bytes += n;
    g->total += n;
}

/* mkdir -p; dies on failure. */
static void
make_dirs(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n >= sizeof(tmp))
        die("path too long: '%s'", path);
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        char c = tmp[i];
        tmp[i] = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            die("cannot create '%s': %s", tmp, strerror(errno));
        tmp[i] = c;
    }
}

/* Start the next file of the series for a row at time ms (new hour: instance 1). */
static void
series_rollover(struct gen *g, struct series *s, int64_t ms)
{
    int64_t hour = ms / 3600000;
    series_close(s);
    s->instance = hour == s->hour ? s->instance + 1 : 1;
    s->hour = hour;
    if (to_stdout) { /* series_flush() writes the header */
        s->files++;
        s->file_bytes = 0;
        return;
    }
    char path[4200], ymd[9];
    compact_day(hour / 24, ymd);
    fmt(path, sizeof(path), "%s/%s%s%02u-%u.LOG", s->dir, s->prefix, ymd, (unsigned)(hour % 24),
        s->instance);
    s->f = fopen(path, "wbx");
    if (!s->f)
        die("cannot create '%s': %s (use an empty --out folder)", path, strerror(errno));
    s->files++;
    s->file_bytes = 0;
    char date[ISOTIME_BUF], head[512];
    isotime_format(ms, date);
    size_t n = fmt(head, sizeof(head),
                   "\xEF\xBB\xBF#Software: Microsoft Exchange Server\r\n"
                   "#Version: 15.0.0.0\r\n"
                   "#Log-type: %s\r\n"
                   "#Date: %s\r\n"
                   "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,"
                   "remote-endpoint,event,data,context\r\n",
                   s->logtype, date);
    series_put(g, s, head, n);
}

/* ---- sessions: every row's tail (event,data,context) is rendered up front ---- */

struct slot {
    int active;
    enum dir dir;
    enum cls cls;
    const struct connector *conn;
    const struct remote *rem;
    char sid[17];
    char local[64];  /* local endpoint, written from the '+' row on (send) */
    char remote[72]; /* remote endpoint */
    unsigned n_rows, next;
    int connected; /* while building: the '+' row has been added */
    uint16_t off[SESSION_ROWS + 1];
    uint8_t has_local[SESSION_ROWS];
    uint8_t marker[SESSION_ROWS]; /* 1: TLS protocol row, 2: and it says SP_PROT */
    char arena[ARENA_SIZE];
};

/* Append s (CSV-escaped: quoted if it has a comma or quote) to dst. */
static size_t
csv_escape(char *dst, const char *s)
{
    size_t n = 0;
    if (!strpbrk(s, ",\"")) {
        n = strlen(s);
        memcpy(dst, s, n);
        return n;
    }
    dst[n++] = '"';
    for (; *s; s++) {
        if (*s == '"')
            dst[n++] = '"';
        dst[n++] = *s;
    }
    dst[n++] = '"';
    return n;
}

/* Add one row "ev,data,context" to the session being built. */
static void
add_row(struct slot *s, char ev, const char *data, const char *ctx)
{
    size_t at = s->off[s->n_rows];
    /* Worst case: both fields quoted, every byte doubled. */
    size_t worst = 2 * (strlen(data) + strlen(ctx)) + 8;
    if (s->n_rows >= SESSION_ROWS || worst > TAIL_MAX || at + worst > ARENA_SIZE)
        die("internal error: session too long");
    char *p = s->arena + at;
    size_t n = 0;
    p[n++] = ev;
    p[n++] = ',';
    n += csv_escape(p + n, data);
    p[n++] = ',';
    n += csv_escape(p + n, ctx);
    s->has_local[s->n_rows] = (uint8_t)(s->dir == D_RECV || s->connected);
    s->marker[s->n_rows] = 0;
    s->n_rows++;
    s->off[s->n_rows] = (uint16_t)(at + n);
}

/* add_row with a printf-formatted data field. */
static void
add_rowf(struct slot *s, char ev, const char *ctx, const char *f, ...)
{
    char data[1024];
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(data, sizeof(data), f, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(data))
        die("internal error: row too long");
    add_row(s, ev, data, ctx);
}

static void
hex(struct rng *r, char *out, unsigned n)
{
    static const char digits[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < n; i++)
        out[i] = digits[rng_below(r, 16)];
    out[n] = '\0';
}

/* The "TLS protocol ... negotiation succeeded" row of class c. */
static void
add_tls_row(struct gen *g, struct slot *s)
{
    static const char *const names[] = {
        [C_TLS12] = "SP_PROT_TLS1_2",
        [C_TLS10] = "SP_PROT_TLS1_0",
        [C_TLS11] = "SP_PROT_TLS1_1",
        [C_SSL3] = "SP_PROT_SSL3",
    };
    const char *role = s->dir == D_RECV ? "_SERVER" : "_CLIENT";
    char proto[40], text[400];
    const char *cipher;
    if (s->cls == C_TLS13)
        fmt(proto, sizeof(proto), "%s", s->dir == D_RECV ? "4096" : "8192");
    else
        fmt(proto, sizeof(proto), "%s%s", names[s->cls], role);
    switch (s->cls) {
    case C_TLS12:
        cipher = rng_pm(&g->rng, 600)
                     ? "CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with "
                       "strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength "
                       "384"
                     : "CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with "
                       "strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength "
                       "256";
        break;
    case C_TLS13:
        cipher = "CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with "
                 "strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384";
        break;
    case C_SSL3:
        cipher = "CALG_RC4 with strength 128 bits, MAC hash algorithm CALG_MD5 with strength 128 "
                 "bits and key exchange algorithm CALG_RSA_KEYX with strength 2048";
        break;
    default:
        cipher = rng_pm(&g->rng, 700)
                     ? "CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA1 with "
                       "strength 160 bits and key exchange algorithm CALG_ECDHE with strength 256"
                     : "CALG_3DES with strength 168 bits, MAC hash algorithm CALG_SHA1 with "
                       "strength 160 bits and key exchange algorithm CALG_RSA_KEYX with strength "
                       "2048";
        break;
    }
    fmt(text, sizeof(text),
        "TLS protocol %s negotiation succeeded using bulk encryption algorithm %s bits", proto,
        cipher);
    add_row(s, '*', "", text);
    s->marker[s->n_rows - 1] = (uint8_t)(s->cls == C_TLS13 ? 1 : 2);
}

static const char cert_fields[] =
    " certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject "
    "alternate names";

/* Our own certificate: one-row form (2016/2019), or the older six rows. */
static void
add_own_cert(struct slot *s, int six_rows)
{
    static const char subject[] = "CN=" SERVER_FQDN ", O=Contoso Ltd, L=Seattle, C=US";
    static const char issuer[] = "CN=Contoso Issuing CA 2, DC=contoso, DC=com";
    static const char serial[] = "5A00000012D4A1B3C7E9F0A2B40000000012D4";
    static const char thumb[] = "3D2F8A71C0B9E4D6A5F31827C6B0D9E4F1A23B7C";
    if (six_rows) {
        add_row(s, '*', "", "Sending certificate");
        add_row(s, '*', subject, "Certificate subject");
        add_row(s, '*', issuer, "Certificate issuer name");
        add_row(s, '*', serial, "Certificate serial number");
        add_row(s, '*', thumb, "Certificate thumbprint");
        add_row(s, '*', SERVER_FQDN ";mail.contoso.com;autodiscover.contoso.com",
                "Certificate alternate names");
        return;
    }
    char ctx[160];
    fmt(ctx, sizeof(ctx), "Sending%s", cert_fields);
    add_rowf(s, '*', ctx,
             " %s %s %s %s 2023-06-01T00:00:00.000Z 2025-06-01T00:00:00.000Z " SERVER_FQDN
             ";mail.contoso.com;autodiscover.contoso.com",
             subject, issuer, serial, thumb);
}

static const char *const tls_errors[] = {"UnknownCredentials", "SocketError", "ConnectionReset",
                                         "AlgorithmMismatch", "IllegalMessage"};

/* 220 banner with the date and commas (receive). */
static void
add_banner(struct slot *s, int64_t ms)
{
    char date[64];
    format_banner_date(ms, date, sizeof(date));
    add_rowf(s, '>', "", "220 " SERVER_FQDN " Microsoft ESMTP MAIL Service ready at %s", date);
}

static void
build_receive(struct gen *g, struct slot *s)
{
    struct rng *r = &g->rng;
    int64_t ms = g->now_us / 1000;
    char when[ISOTIME_BUF];
    isotime_format(ms, when);
    const char *cmd = s->conn->anon ? "X-ANONYMOUSTLS" : "STARTTLS";

    add_row(s, '+', "", "");
    if (rng_pm(r, 500))
        add_row(s, '*',
                "SMTPSubmit SMTPAcceptAnySender SMTPAcceptAuthoritativeDomainSender "
                "AcceptRoutingHeaders",
                "Set Session Permissions");
    add_banner(s, ms);
    add_rowf(s, '<', "", "EHLO %s", s->rem->name);
    add_rowf(s, '>', "",
             "250  " SERVER_FQDN " Hello [%s] SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES "
             "STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING "
             "SMTPUTF8 XRDST",
             s->rem->addr);
    if (s->cls != C_NONE) {
        add_row(s, '<', cmd, "");
        add_row(s, '>', "220 2.0.0 SMTP server ready", "");
        add_own_cert(s, s->cls == C_UNKNOWN);
        if (s->cls == C_FAILED) {
            char ctx[96];
            fmt(ctx, sizeof(ctx), "TLS negotiation failed with error %s",
                tls_errors[rng_below(r, 5)]);
            add_row(s, '*', "", ctx);
            add_row(s, '-', "", rng_pm(r, 500) ? "Local" : "Remote(ConnectionReset)");
            return;
        }
        if (s->cls != C_UNKNOWN)
            add_tls_row(g, s);
        add_rowf(s, '<', "", "EHLO %s", s->rem->name);
        add_row(s, '*', "", "Client certificate chain validation status: 'EmptyCertificate'");
        add_row(s, '*', "", "TlsDomainCapabilities='None'; Status='NoRemoteCertificate'");
        add_rowf(s, '>', "",
                 "250  " SERVER_FQDN " Hello [%s] SIZE 37748736 PIPELINING DSN "
                 "ENHANCEDSTATUSCODES AUTH NTLM LOGIN X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME "
                 "CHUNKING SMTPUTF8 XRDST",
                 s->rem->addr);
    } else if (!s->rem->no_tls && rng_pm(r, 250)) {
        add_row(s, '<', cmd, "");
        add_row(s, '>', "454 4.7.0 Cannot accept TLS as maximum TLS rate exceeded for server", "");
    }

    unsigned k = rng_below(r, 100);
    unsigned n_msg = k < 6 ? 0 : k < 60 ? 1 : k < 86 ? 2 : 3;
    for (unsigned m = 0; m < n_msg; m++) {
        unsigned size = 2000 + rng_below(r, 200000);
        add_rowf(s, '<', "", "MAIL FROM:<user%u@%s> SIZE=%u", rng_below(r, 5000),
                 domains[rng_below(r, N_DOMAINS)], size);
        add_rowf(s, '*', "receiving message", "%s;%s;%u", s->sid, when, m + 1);
        add_row(s, '>', "250 2.1.0 Sender OK", "");
        unsigned n_rcpt = 1 + (rng_pm(r, 250) ? 1 + rng_below(r, 2) : 0);
        for (unsigned i = 0; i < n_rcpt; i++) {
            add_rowf(s, '<', "", "RCPT TO:<staff%u@contoso.com>", rng_below(r, 3000));
            add_row(s, '>',
                    rng_pm(r, 30) ? "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not "
                                    "found by SMTP address lookup"
                                  : "250 2.1.5 Recipient OK",
                    "");
        }
        if (rng_pm(r, 500)) {
            add_rowf(s, '<', "", "BDAT %u LAST", size);
        } else {
            add_row(s, '<', "DATA", "");
            add_row(s, '>', "354 Start mail input; end with <CRLF>.<CRLF>", "");
        }
        char id[24];
        hex(r, id, 16);
        add_rowf(s, '>', "",
                 "250 2.6.0 <%s@%s> [InternalId=%llu, Hostname=" SERVER_FQDN
                 "] Queued mail for delivery",
                 id, domains[rng_below(r, N_DOMAINS)],
                 (unsigned long long)(rng_next(r) % 100000000000000ull));
    }
    if (rng_pm(r, 900)) {
        add_row(s, '<', "QUIT", "");
        add_row(s, '>', "221 2.0.0 Service closing transmission channel", "");
        add_row(s, '-', "", "Local");
    } else {
        add_row(s, '-', "", rng_pm(r, 500) ? "Remote(ConnectionReset)" : "Remote(SocketError)");
    }
}

/* The remote server's multi-row EHLO answer (send). */
static void
add_ehlo_answer(struct slot *s, int starttls)
{
    add_rowf(s, '<', "", "250-%s Hello [" HUB_IP "]", s->rem->name);
    add_row(s, '<', "250-SIZE 157286400", "");
    add_row(s, '<', "250-PIPELINING", "");
    add_row(s, '<', "250-DSN", "");
    add_row(s, '<', "250-ENHANCEDSTATUSCODES", "");
    if (starttls)
        add_row(s, '<', s->conn->anon ? "250-X-ANONYMOUSTLS" : "250-STARTTLS", "");
    add_row(s, '<', "250-8BITMIME", "");
    add_row(s, '<', "250-BINARYMIME", "");
    add_row(s, '<', "250 CHUNKING", "");
}

static void
build_send(struct gen *g, struct slot *s)
{
    struct rng *r = &g->rng;
    int64_t ms = g->now_us / 1000;
    const char *cmd = s->conn->anon ? "X-ANONYMOUSTLS" : "STARTTLS";
    const char *dom = strchr(s->rem->name, '.') ? strchr(s->rem->name, '.') + 1 : "example.net";

    add_row(s, '*', s->conn->anon ? "SMTPSendEXCH50 SendRoutingHeaders SendAs" : "None",
            "Set Session Permissions");
    add_row(s, '*', "", "attempting to connect");
    if (s->cls == C_NONE && rng_pm(r, 60)) {
        char ctx[400];
        fmt(ctx, sizeof(ctx),
            "Failed to connect. Winsock error code: 10060, Win32 error code: 10060, "
            "Destination domain: %s, Error Message: A connection attempt failed because the "
            "connected party did not properly respond after a period of time, or established "
            "connection failed because connected host has failed to respond %s:25.",
            dom, s->rem->addr);
        add_row(s, '*', "", ctx);
        return; /* no disconnect row: the session never connected */
    }
    s->connected = 1;
    add_row(s, '+', "", "");
    if (s->conn->anon || rng_pm(r, 500)) {
        char date[64];
        format_banner_date(ms, date, sizeof(date));
        add_rowf(s, '<', "", "220 %s Microsoft ESMTP MAIL Service ready at %s", s->rem->name, date);
    } else {
        add_rowf(s, '<', "", "220 %s ESMTP Postfix", s->rem->name);
    }
    add_row(s, '>', "EHLO " SERVER_FQDN, "");
    int offered = s->cls != C_NONE || !s->rem->no_tls;
    add_ehlo_answer(s, offered);
    if (s->cls == C_NONE && offered) {
        add_row(s, '>', cmd, "");
        add_row(s, '<', "454 4.7.0 TLS not available due to local problem", "");
    } else if (s->cls != C_NONE) {
        char thumb[41], serial[33], ctx[160];
        hex(r, thumb, 40);
        hex(r, serial, 32);
        add_row(s, '>', cmd, "");
        add_row(s, '<', "220 2.0.0 SMTP server ready", "");
        fmt(ctx, sizeof(ctx), "Remote%s", cert_fields);
        add_rowf(s, '*', ctx,
                 " CN=%s, O=Example Mail, C=US CN=Example TLS Issuing CA 01, O=Example Trust, "
                 "C=US %s %s 2024-01-15T00:00:00.000Z 2025-01-15T23:59:59.000Z %s;mail.%s",
                 s->rem->name, serial, thumb, s->rem->name, dom);
        if (s->cls == C_FAILED) {
            char fail[96];
            fmt(fail, sizeof(fail), "TLS negotiation failed with error %s",
                tls_errors[rng_below(r, 5)]);
            add_row(s, '*', "", fail);
            add_row(s, '-', "", "Local");
            return;
        }
        if (s->cls != C_UNKNOWN)
            add_tls_row(g, s);
        add_row(s, '*', "", "Received certificate");
        add_row(s, '*', thumb, "Certificate thumbprint");
        add_row(s, '>', "EHLO " SERVER_FQDN, "");
        add_ehlo_answer(s, 0);
    }

    unsigned k = rng_below(r, 100);
    unsigned n_msg = k < 55 ? 1 : k < 85 ? 2 : 3;
    for (unsigned m = 0; m < n_msg; m++) {
        unsigned size = 2000 + rng_below(r, 200000);
        char id[24];
        hex(r, id, 16);
        char ctx[160];
        fmt(ctx, sizeof(ctx),
            "sending message with RecordId %llu and InternetMessageId <%s@" SERVER_FQDN ">",
            (unsigned long long)(rng_next(r) % 100000000000ull), id);
        add_row(s, '*', "", ctx);
        add_rowf(s, '>', "", "MAIL FROM:<staff%u@contoso.com> SIZE=%u", rng_below(r, 3000), size);
        unsigned n_rcpt = 1 + (rng_pm(r, 200) ? 1 : 0);
        for (unsigned i = 0; i < n_rcpt; i++)
            add_rowf(s, '>', "", "RCPT TO:<user%u@%s>", rng_below(r, 5000), dom);
        add_row(s, '<', "250 2.1.0 Sender OK", "");
        for (unsigned i = 0; i < n_rcpt; i++)
            add_row(s, '<', "250 2.1.5 Recipient OK", "");
        add_rowf(s, '>', "", "BDAT %u LAST", size);
        add_rowf(s, '<', "", "250 2.6.0 <%s@" SERVER_FQDN "> Queued mail for delivery", id);
    }
    add_row(s, '>', "QUIT", "");
    add_row(s, '<', "221 2.0.0 Service closing transmission channel", "");
    add_row(s, '-', "", "Local");
}

/* Weighted pick of a connector of direction d. */
static const struct connector *
pick_connector(struct rng *r, enum dir d)
{
    unsigned total = 0;
    for (size_t i = 0; i < N_CONNECTORS; i++)
        total += connectors[i].dir == d ? connectors[i].weight : 0;
    unsigned x = rng_below(r, total);
    for (size_t i = 0; i < N_CONNECTORS; i++) {
        if (connectors[i].dir != d)
            continue;
        if (x < connectors[i].weight)
            return &connectors[i];
        x -= connectors[i].weight;
    }
    return NULL; /* not reached */
}

/* Start a new session in slot s. */
static void
session_new(struct gen *g, struct slot *s, enum dir d)
{
    struct rng *r = &g->rng;
    s->active = 1;
    s->dir = d;
    s->n_rows = s->next = 0;
    s->connected = 0;
    s->off[0] = 0;
    s->conn = pick_connector(r, d);
    s->rem = &remotes[s->conn->lo + rng_below(r, s->conn->hi - s->conn->lo)];
    /* Hosts mostly behave the same way every time. */
    s->cls = rng_pm(r, 850) ? s->rem->home : draw_class(r);
    if (s->cls != C_NONE && d == D_SEND && s->rem->no_tls)
        s->cls = C_NONE;
    fmt(s->sid, sizeof(s->sid), "%016llX", (unsigned long long)g->next_sid[d]++);
    unsigned port = 1024 + rng_below(r, 64000);
    if (d == D_RECV) {
        fmt(s->local, sizeof(s->local), "%s", s->conn->local);
        fmt(s->remote, sizeof(s->remote), "%s:%u", s->rem->ep, port);
        build_receive(g, s);
    } else {
        fmt(s->local, sizeof(s->local), "%s:%u", s->conn->local, port);
        fmt(s->remote, sizeof(s->remote), "%s:25", s->rem->ep);
        build_send(g, s);
    }
}

/* Write the time as yyyy-mm-ddThh:mm:ss.fffZ; the day part is cached. */
static size_t
put_time(struct gen *g, char *p, int64_t ms)
{
    int64_t day = ms / 86400000;
    if (day != g->day) {
        char iso[ISOTIME_BUF];
        fmt(g->day_str, sizeof(g->day_str), "%sT", isotime_format_day(ms, iso));
        g->day = day;
    }
    unsigned r = (unsigned)(ms % 86400000);
    unsigned h = r / 3600000, mi = r / 60000 % 60, s = r / 1000 % 60, f = r % 1000;
    memcpy(p, g->day_str, 11);
    p[11] = (char)('0' + h / 10);
    p[12] = (char)('0' + h % 10);
    p[13] = ':';
    p[14] = (char)('0' + mi / 10);
    p[15] = (char)('0' + mi % 10);
    p[16] = ':';
    p[17] = (char)('0' + s / 10);
    p[18] = (char)('0' + s % 10);
    p[19] = '.';
    p[20] = (char)('0' + f / 100);
    p[21] = (char)('0' + f / 10 % 10);
    p[22] = (char)('0' + f % 10);
    p[23] = 'Z';
    return 24;
}

static size_t
put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return n;
}

static size_t
put_uint(char *p, unsigned v)
{
    char tmp[12];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

/*
 * A planted malformed row next to a real one of session s: a cut line, an
 * impossible time, an unknown event or a bad sequence number, in turn.
 */
static size_t
malformed_row(struct gen *g, struct slot *s, char *p, int64_t ms)
{
    size_t n = 0;
    unsigned kind = (unsigned)(g->malformed % 4);
    if (kind == 1) {
        n += put_str(p, "2024-03-11T25:61:07.000Z");
    } else {
        n += put_time(g, p, ms);
    }
    p[n++] = ',';
    n += put_str(p + n, s->conn->esc);
    p[n++] = ',';
    n += put_str(p + n, s->sid);
    p[n++] = ',';
    if (kind == 3)
        n += put_str(p + n, "x7");
    else
        n += put_uint(p + n, s->next);
    p[n++] = ',';
    n += put_str(p + n, s->local);
    if (kind == 0)
        return n; /* cut after five fields */
    p[n++] = ',';
    n += put_str(p + n, s->remote);
    n += put_str(p + n, kind == 2 ? ",?,Tarpit for '0.00:00:05'," : ",*,Tarpit for '0.00:00:05',");
    return n;
}

/* Write the next row of slot s, rolling the file over first if needed. */
static void
emit(struct gen *g, struct slot *s)
{
    struct series *ser = &g->ser[s->dir];
    char line[LINE_BUF];
    int64_t ms = g->now_us / 1000;
    unsigned i = s->next;
    size_t n = put_time(g, line, ms);
    line[n++] = ',';
    n += put_str(line + n, s->conn->esc);
    line[n++] = ',';
    memcpy(line + n, s->sid, 16);
    n += 16;
    line[n++] = ',';
    n += put_uint(line + n, i);
    line[n++] = ',';
    if (s->has_local[i])
        n += put_str(line + n, s->local);
    line[n++] = ',';
    n += put_str(line + n, s->remote);
    line[n++] = ',';
    size_t tail = (size_t)(s->off[i + 1] - s->off[i]);
    memcpy(line + n, s->arena + s->off[i], tail);
    n += tail;
    line[n++] = '\r';
    line[n++] = '\n';
    int plant = (g->rows + g->malformed_phase) % g->malformed_every == 0;
    if (plant) {
        n += malformed_row(g, s, line + n, ms);
        line[n++] = '\r';
        line[n++] = '\n';
    }

    if ((!to_stdout && !ser->f) || ms / 3600000 != ser->hour || ser->file_bytes + n > g->cap)
        series_rollover(g, ser, ms);
    series_put(g, ser, line, n);
    ser->rows++;
    g->rows++;
    if (plant)
        g->malformed++;
    if (i == 0) {
        g->sessions++;
        g->cls_count[s->cls]++;
    }
    if (s->marker[i]) {
        g->markers++;
        g->sp_prot_rows += s->marker[i] == 2;
    }
    if (++s->next == s->n_rows)
        s->active = 0;
}

static void
usage(FILE *f)
{
    fputs("usage: genlogs --out DIR|- [--mb N] [--files-mb M] [--seed S] [--malformed-every K]\n"
          "               [--row-ms T]\n"
          "Write N MiB (default 100) of Exchange 2016/2019 SMTP protocol logs under DIR:\n"
          "FrontEnd/ProtocolLog/SmtpReceive/RECVyyyymmddHH-N.LOG and\n"
          "Hub/ProtocolLog/SmtpSend/SENDyyyymmddHH-N.LOG, a new file every M MiB\n"
          "(default 10) and every hour, with one malformed row per K rows (default\n"
          "100000), rows T ms apart on average (default 1; e.g. 5000 makes a few MiB\n"
          "span days). The same options give the same bytes.\n",
          f);
}

static unsigned long long
parse_num(const char *opt, const char *v, unsigned long long max)
{
    char *end;
    errno = 0;
    unsigned long long x = v ? strtoull(v, &end, 10) : 0;
    if (!v || errno || end == v || *end || x > max || v[0] == '-')
        die("bad value for %s: '%s'", opt, v ? v : "");
    return x;
}

int
main(int argc, char **argv)
{
    const char *out = NULL;
    unsigned long long mb = 100, files_mb = 10, seed = 1, malformed_every = 100000, row_ms = 1;
    for (int i = 1; i < argc; i += 2) { /* every option takes a value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--out") == 0 && v) {
            out = v;
        } else if (strcmp(a, "--mb") == 0) {
            mb = parse_num(a, v, 1ull << 30);
        } else if (strcmp(a, "--files-mb") == 0) {
            files_mb = parse_num(a, v, 1ull << 20);
        } else if (strcmp(a, "--malformed-every") == 0) {
            malformed_every = parse_num(a, v, UINT64_MAX);
        } else if (strcmp(a, "--row-ms") == 0) {
            row_ms = parse_num(a, v, 1000000);
        } else if (strcmp(a, "--seed") == 0) {
            seed = parse_num(a, v, UINT64_MAX);
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!out || mb == 0 || files_mb == 0 || malformed_every == 0 || row_ms == 0) {
        usage(stderr);
        return 2;
    }
    to_stdout = strcmp(out, "-") == 0;
    FILE *stats = to_stdout ? stderr : stdout;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    static struct gen g;
    static struct slot slots[N_SLOTS];
    g.rng.s = seed * 0x2545F4914F6CDD1Dull + 0x1234567ull;
    g.cap = files_mb * MIB;
    g.target = mb * MIB;
    g.day = -1;
    g.malformed_every = malformed_every;
    g.malformed_phase = rng_next(&g.rng) % malformed_every;
    g.now_us = isotime_days_from_civil(2024, 3, 11) * 86400000000ll +
               (8 * 3600 + 59 * 60 + 10) * 1000000ll;
    g.next_sid[D_RECV] = 0x08DC41A200000000ull + (seed % 4096) * 0x1000000ull;
    g.next_sid[D_SEND] = g.next_sid[D_RECV] + 0x80000000ull;
    init_remotes(&g.rng);
    for (size_t i = 0; i < N_CONNECTORS; i++)
        connectors[i].esc[csv_escape(connectors[i].esc, connectors[i].id)] = '\0';

    static const char *const sub[2] = {"FrontEnd/ProtocolLog/SmtpReceive",
                                       "Hub/ProtocolLog/SmtpSend"};
    static const char *const prefix[2] = {"RECV", "SEND"};
    static const char *const logtype[2] = {"SMTP Receive Protocol Log", "SMTP Send Protocol Log"};
    for (int d = 0; d < 2; d++) {
        struct series *s = &g.ser[d];
        s->prefix = prefix[d];
        s->logtype = logtype[d];
        s->hour = -1;
        fmt(s->dir, sizeof(s->dir), "%s/%s", out, sub[d]);
        if (!to_stdout)
            make_dirs(s->dir);
        s->buf = malloc(OUT_BUF);
        if (!s->buf)
            die("out of memory");
    }

    while (g.total < g.target) {
        g.now_us += rng_below(&g.rng, 2000 * (unsigned)row_ms); /* row_ms a row on average */
        unsigned k = rng_below(&g.rng, N_SLOTS);
        struct slot *s = &slots[k];
        if (!s->active)
            session_new(&g, s, k < RECV_SLOTS ? D_RECV : D_SEND);
        emit(&g, s);
    }
    series_close(&g.ser[0]);
    series_close(&g.ser[1]);
    free(g.ser[0].buf);
    free(g.ser[1].buf);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (to_stdout && fflush(stdout) != 0)
        die("cannot write to standard output: %s", strerror(errno));
    fprintf(stats, "seed=%llu\nmb=%llu\nfiles_mb=%llu\nbytes=%llu\n", seed, mb, files_mb,
            (unsigned long long)g.total);
    fprintf(stats, "files=%llu\nfiles_receive=%llu\nfiles_send=%llu\n",
            (unsigned long long)(g.ser[0].files + g.ser[1].files),
            (unsigned long long)g.ser[0].files, (unsigned long long)g.ser[1].files);
    fprintf(
        stats, "rows=%llu\nmalformed=%llu\nsessions=%llu\nmarker_rows=%llu\nsp_prot_rows=%llu\n",
        (unsigned long long)g.rows, (unsigned long long)g.malformed, (unsigned long long)g.sessions,
        (unsigned long long)g.markers, (unsigned long long)g.sp_prot_rows);
    for (int c = 0; c < N_CLS; c++)
        fprintf(stats, "planned_%s=%llu\n", cls_name[c], (unsigned long long)g.cls_count[c]);
    fprintf(stats, "seconds=%.3f\nmib_per_s=%.0f\n", secs, (double)g.total / (double)MIB / secs);
    return 0;
}
