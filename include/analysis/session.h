/* SPDX-License-Identifier: MIT */
/*
 * session.h: rows joined into SMTP sessions, and each session's TLS class.
 *
 * A session is the set of rows sharing (direction, connector-id,
 * session-id), from any number of inputs, in any order. The table keeps a
 * session open while rows may still come; it is folded (handed to the
 * `done` callback, then forgotten) as soon as its first row
 * (sequence-number 0), its disconnect row ('-') and as many rows as the
 * disconnect's sequence number implies have been seen (Exchange numbers the
 * rows of a session 0, 1, 2, ...), so memory holds only sessions in
 * progress, and a session read newest file first is not folded before its
 * middle rows arrive. session_table_flush() folds the rest at the end of
 * input. Every fact is merged so that the order in which rows
 * arrive never changes the result: the earliest time wins for the start,
 * the lowest sequence number for the remote address, host name, marker and
 * origin.
 *
 * Class, first rule that applies (session_classify()):
 *   1. a protocol marker (match.h) -> ssl2 .. tls1_3, or tls_unknown for a
 *      protocol name extls does not know;
 *   2. "TLS negotiation failed" -> tls_failed;
 *   3. a STARTTLS / X-ANONYMOUSTLS command the server accepted: the next
 *      reply row after it (or, when rows arrive out of order, the row with
 *      the next sequence number) is a 220 -> tls_unknown;
 *   4. otherwise -> none.
 *
 * The remote party's certificate is reassembled by cert.h from the
 * session's certificate rows, in any order; a session has one from its
 * first certificate row on.
 */
#ifndef EXTLS_SESSION_H
#define EXTLS_SESSION_H

#include <stdint.h>

#include "cert.h"
#include "extls.h"
#include "match.h"
#include "row.h"
#include "strpool.h"

#define SESSION_ADDR_MAX 63 /* longest endpoint kept (bytes) */
#define SESSION_SEQS 4      /* STARTTLS commands / 220 replies remembered per session */
#define SESSION_SUBJECT_MAX CERT_SUBJECT_MAX /* longest certificate subject kept (bytes) */
#define SESSION_THUMB_MAX CERT_THUMB_MAX     /* longest thumbprint kept (hex digits) */

struct session_algo {
    const struct span *name; /* interned; NULL when not logged */
    unsigned bits;
};

/*
 * One session. The fields above `private` are what callbacks read; all
 * pointers are borrowed, valid during the `done` callback only.
 */
struct session {
    enum extls_dir dir;
    const struct span *connector; /* interned connector-id */
    char *sid;                    /* session-id, NUL-terminated (may point into sid_buf) */
    size_t sid_len;
    int64_t start_ms;                  /* earliest row */
    int64_t end_ms;                    /* latest row */
    uint64_t rows;                     /* rows seen */
    char remote[SESSION_ADDR_MAX + 1]; /* remote address, no port; "" if never logged */
    char local[SESSION_ADDR_MAX + 1];  /* local endpoint as logged; "" if never logged */
    char *host;                        /* EHLO / greeting host name; NULL if none */
    size_t host_len;
    enum match_host_kind host_kind;
    const struct span *proto; /* protocol as logged; NULL without marker */
    struct session_algo cipher, mac, kx;
    uint32_t file; /* input index of the row with the lowest sequence number */
    uint64_t line; /* and its line */

    /* private: bookkeeping of the merge rules */
    char sid_buf[24]; /* storage for session ids up to 23 bytes (Exchange's are 16) */
    unsigned flags;
    enum extls_class marker_cls;
    uint64_t min_seq, marker_seq, remote_seq, local_seq, host_seq, pending_seq, disc_seq;
    uint64_t lead_seq; /* first reply before any TLS command (merging across inputs) */
    int lead_220;
    uint64_t cmd_seq[SESSION_SEQS], ok220_seq[SESSION_SEQS];
    unsigned n_cmd, n_ok220;
    struct cert *cert; /* NULL until a certificate row is seen */
};

/* The class of a session (rules above). */
enum extls_class session_classify(const struct session *s);

/*
 * The remote party's certificate subject as logged, cut at
 * SESSION_SUBJECT_MAX bytes (not inside a UTF-8 sequence), with its length
 * in *len; NULL (and *len 0) when none was logged. Borrowed like s.
 */
const char *session_cert_subject(const struct session *s, size_t *len);

/*
 * Its thumbprint as logged (1..SESSION_THUMB_MAX hex digits,
 * NUL-terminated); NULL when none was logged. Borrowed like s.
 */
const char *session_cert_thumbprint(const struct session *s);

/*
 * Called once per session when it is folded; `s` is borrowed for the call.
 * Returns EXTLS_OK or an error, which the table function that folded the
 * session returns (the session is folded and freed either way; a flush
 * then folds the rest without calling done again).
 */
typedef enum extls_status session_done_fn(const struct session *s, void *user);

struct session_table;

/* New empty table; NULL when out of memory. Caller owns, free with session_table_free(). */
struct session_table *session_table_new(session_done_fn *done, void *user);

/* Free the table and open sessions without folding them; NULL is a no-op. */
void session_table_free(struct session_table *t);

/*
 * Add one decoded row with its facts; `file` is the caller's index of the
 * input it came from. May fold the session. Returns EXTLS_OK or
 * EXTLS_ENOMEM (the table is then unchanged but for that row's session).
 */
enum extls_status session_table_add(struct session_table *t, const struct row *row,
                                    const struct match_facts *f, uint32_t file);

/*
 * Hand over every open session without folding it; the table is then
 * empty. Returns an array of *n sessions, earliest start first then by key
 * (as session_table_flush() folds them; NULL when *n is 0, or when out
 * of memory: then *n is 0 and the table unchanged). Caller owns the array
 * (free()) and the sessions (session_table_adopt() or session_free()).
 */
struct session **session_table_drain(struct session_table *t, size_t *n);

/*
 * Take ownership of `s`, an open session drained from another table:
 * merge it into the open session with the same key as if its rows followed
 * that session's rows, or add it; fold the result when complete. `s` must
 * not be used afterwards. Returns EXTLS_OK or EXTLS_ENOMEM (s is freed).
 */
enum extls_status session_table_adopt(struct session_table *t, struct session *s);

/*
 * A zeroed session with this session id (copied), for code that rebuilds
 * sessions (the state file reader). NULL when out of memory. Caller owns,
 * free with session_free() or hand to session_table_adopt().
 */
struct session *session_alloc(const char *sid, size_t len);

/* Free a session that is in no table; session_free(NULL) is a no-op. */
void session_free(struct session *s);

/* Fold every open session, earliest start first; the table is then empty. */
enum extls_status session_table_flush(struct session_table *t);

/* Sessions currently open. */
size_t session_table_open(const struct session_table *t);

/* Largest number of sessions open at once so far. */
size_t session_table_peak(const struct session_table *t);

#endif /* EXTLS_SESSION_H */
