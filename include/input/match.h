/* SPDX-License-Identifier: MIT */
/*
 * match.h: the facts one row contributes to its session's TLS verdict.
 *
 * Information rows ('*'), written by Exchange itself, are matched with
 * PCRE2, anchored at the start of the context column (or of the data column
 * when context is empty), for:
 *   - a protocol marker: "TLS protocol <P> negotiation ..." or a bare
 *     SP_PROT_<V>_SERVER|CLIENT as the whole field, also with the hyphen
 *     spelling SP_PROT-<V> found in Microsoft's guidance. <P> is a
 *     SchannelProtocols name or, for values the enum lacks (TLS 1.3), its
 *     decimal number;
 *   - the cipher, MAC and key exchange of a "negotiation succeeded" row
 *     (the pattern's leftmost match, found by plain code for ASCII text);
 *   - "TLS negotiation failed".
 * Text anywhere else may be the peer's (commands, replies, certificate
 * subjects, user names) and is never taken for a marker: a client must
 * not choose its own class.
 * Command and reply rows are checked with plain string tests for the
 * STARTTLS / X-ANONYMOUSTLS command, the reply code, and the remote host's
 * name (receive: the client's EHLO/HELO argument; send: the host in the
 * server's 220/250 reply; a 220 token with '*' is a banner masked by a
 * firewall's SMTP inspection and names nothing).
 *
 * Certificate rows (format document §6.2), information rows only, are told
 * apart by their context column:
 *   - the older block: a header row with empty data ("Remote certificate",
 *     "Sending certificate", ...), then "Certificate subject", issuer,
 *     serial, "Certificate thumbprint", alternate names, one row each; or
 *     "Received certificate" followed by one "Certificate thumbprint" row.
 *     Each row is reported alone (its kind and value): which block a value
 *     row belongs to is decided from sequence numbers by session.c;
 *   - the newer one-row form, context "Remote certificate Subject Issuer
 *     name ...": data is " <subject> <issuer> <serial> <thumbprint>
 *     <not before> <not after> <alternate names>", split from the right;
 *     the subject ends at the first space that starts an issuer attribute
 *     ("CN=", "O=", ...), i.e. a space outside quotes not preceded by ','
 *     or '+' and followed by <letters/digits/dots>'='. The one-row form of
 *     our own certificate ("Sending certificate Subject ...") gives nothing;
 *   - the one-row block of Exchange 2016 CU2 (no dates), after the header
 *     "Remote certificate": context "Remote certificate Certificate subject
 *     Certificate issuer name Certificate serial number Certificate
 *     thumbprint" with data " <subject> <issuer> <serial> <thumbprint>"
 *     (split as above), or context "Remote certificate" with data
 *     "Certificate subject <subject> Certificate issuer name <issuer>
 *     Certificate serial number <serial> Certificate thumbprint <thumbprint>".
 * A thumbprint is 1 to MATCH_THUMB_MAX hex digits; anything else in its
 * place is not reported.
 */
#ifndef EXTLS_MATCH_H
#define EXTLS_MATCH_H

#include "extls.h"
#include "row.h"

/* Flags in match_facts.flags. */
#define MATCH_TLS_OK 0x01     /* protocol marker found: cls and proto are set */
#define MATCH_TLS_FAILED 0x02 /* "TLS negotiation failed" */
#define MATCH_CIPHER 0x04     /* cipher, mac, kx and their bits are set */
#define MATCH_TLS_CMD 0x08    /* STARTTLS or X-ANONYMOUSTLS command from the TLS client */
#define MATCH_REPLY 0x10      /* an SMTP reply from the TLS server: reply_code is set */
#define MATCH_HOST 0x20       /* host is set */
#define MATCH_CERT 0x40       /* a certificate row: cert is set */

#define MATCH_THUMB_MAX 40 /* hex digits of a SHA-1 thumbprint */

/* What the host name was taken from, best first. */
enum match_host_kind {
    MATCH_HOST_EHLO = 1, /* receive: the client's EHLO/HELO argument */
    MATCH_HOST_BANNER,   /* send: the server's 220 greeting */
    MATCH_HOST_250,      /* send: the server's 250 reply to EHLO */
};

/* Certificate rows (all '*'). */
enum match_cert_kind {
    MATCH_CERT_REMOTE_HEAD = 1, /* "Remote certificate": the peer's 6-row block starts */
    MATCH_CERT_RECEIVED_HEAD,   /* "Received certificate": the peer's thumbprint row follows */
    MATCH_CERT_OTHER_HEAD,      /* "Sending certificate" and other "... certificate" headers */
    MATCH_CERT_SUBJECT,         /* "Certificate subject": subject (of some block) */
    MATCH_CERT_THUMBPRINT,      /* "Certificate thumbprint": thumbprint (of some block) */
    MATCH_CERT_REMOTE_ROW,      /* one-row form of the peer's certificate: thumbprint, subject */
};

struct match_cert {
    enum match_cert_kind kind;
    struct span subject;    /* SUBJECT, REMOTE_ROW; ptr NULL when it could not be split */
    struct span thumbprint; /* THUMBPRINT, REMOTE_ROW */
};

struct match_algo {
    struct span name; /* e.g. CALG_AES_256; borrowed from the row */
    unsigned bits;
};

/* Facts of one row. Every field is borrowed from the row passed in. */
struct match_facts {
    unsigned flags;
    enum extls_class cls; /* with MATCH_TLS_OK: SSL2..TLS1_3 or TLS_UNKNOWN */
    struct span proto;    /* with MATCH_TLS_OK: the protocol as logged */
    struct match_algo cipher, mac, kx;
    int reply_code;                 /* with MATCH_REPLY: 100..599 */
    enum match_host_kind host_kind; /* with MATCH_HOST */
    struct span host;
    struct match_cert cert; /* with MATCH_CERT */
};

struct matcher;

/*
 * Compile the patterns (JIT where available). Returns NULL when out of
 * memory. Caller owns, free with matcher_free().
 */
struct matcher *matcher_new(void);

/* matcher_free(NULL) is a no-op. */
void matcher_free(struct matcher *m);

/* Fill *f with the facts of `row`; returns f->flags (0: nothing of interest). */
unsigned match_row(struct matcher *m, const struct row *row, struct match_facts *f);

/*
 * The class of a logged protocol: "SP_PROT_TLS1_2_SERVER", "SP_PROT-TLS1_0_CLIENT",
 * a decimal SchannelProtocols value ("8192"); anything else is TLS_UNKNOWN.
 */
enum extls_class match_protocol_class(const char *s, size_t len);

#endif /* EXTLS_MATCH_H */
