/* SPDX-License-Identifier: MIT */
/*
 * extls.h: names shared by every module: status codes, log directions,
 * TLS session classes and the hard limits of the input model.
 * Nothing here allocates or prints.
 */
#ifndef EXTLS_EXTLS_H
#define EXTLS_EXTLS_H

#include <stddef.h>
#include <stdint.h>

#define EXTLS_VERSION "1.0.0"

/* Longest field the reader accepts (bytes after CSV unquoting). */
#define EXTLS_FIELD_MAX (1024u * 1024u)
/* Longest physical line the reader buffers; a longer one is malformed. */
#define EXTLS_LINE_MAX (4u * 1024u * 1024u)
/* Longest EHLO/host name kept per session; longer names are cut. */
#define EXTLS_NAME_MAX 255u

/*
 * A byte string borrowed from somewhere else: not owned, not necessarily
 * NUL-terminated, may contain NULs. Whoever hands one out says how long it
 * stays valid (a reader field: during the row callback; an interned
 * string: until its pool is freed).
 */
struct span {
    const char *ptr;
    size_t len;
};

/* Bytewise order of two spans (a prefix first): <0, 0 or >0, as memcmp(). */
int extls_span_cmp(struct span a, struct span b);

/* Result of every fallible library call. */
enum extls_status {
    EXTLS_OK = 0,
    EXTLS_ENOMEM,  /* allocation failed */
    EXTLS_EIO,     /* read or write failed; errno-based detail in the message */
    EXTLS_EPARSE,  /* input could not be parsed */
    EXTLS_ETOOBIG, /* a hard size cap was hit */
    EXTLS_EINVAL,  /* bad argument (e.g. a regular expression that does not compile) */
    EXTLS_EBUSY,   /* held by another process (the --state lock) */
};

/* Static text for a status code; never NULL. */
const char *extls_strerror(enum extls_status st);

/* Which protocol log a row came from. */
enum extls_dir {
    EXTLS_DIR_UNKNOWN = 0,
    EXTLS_DIR_RECEIVE,
    EXTLS_DIR_SEND,
};

/* "receive", "send" or "unknown". */
const char *extls_dir_name(enum extls_dir dir);

/*
 * The class of one session, in report order. Exactly one per session,
 * decided by session_classify() (see session.h for the rules).
 */
enum extls_class {
    EXTLS_SSL2 = 0,
    EXTLS_SSL3,
    EXTLS_TLS1_0,
    EXTLS_TLS1_1,
    EXTLS_TLS1_2,
    EXTLS_TLS1_3,
    EXTLS_TLS_UNKNOWN,
    EXTLS_TLS_FAILED,
    EXTLS_NONE,
    EXTLS_N_CLASSES
};

/* "ssl2" ... "none": the names used in every output format and --fail-on. */
const char *extls_class_name(enum extls_class cls);

/* Class from its name; returns -1 for an unknown name. */
int extls_class_parse(const char *name, size_t len);

/* Index of name[0..len) in names[0..n) (exact bytes), or -1: the parser of every name table. */
int extls_name_index(const char *const *names, int n, const char *name, size_t len);

/* True for the classes an administrator wants gone: SSL 2/3, TLS 1.0/1.1. */
int extls_class_is_legacy(enum extls_class cls);

/*
 * What an input is, as its first lines tell (reader.h decides), or why a
 * walked folder's file was not read (walk.h: EXTLS_KIND_OTHER_FILE).
 */
enum extls_kind {
    EXTLS_KIND_UNKNOWN = 0,      /* nothing read says: empty, or header lines that do not tell */
    EXTLS_KIND_PROTOCOL,         /* an SMTP protocol log */
    EXTLS_KIND_MESSAGE_TRACKING, /* #Log-type: Message Tracking Log */
    EXTLS_KIND_CONNECTIVITY,     /* #Log-type: ... Connectivity Log */
    EXTLS_KIND_AGENT,            /* #Log-type: Agent Log */
    EXTLS_KIND_IIS,              /* #Software: Microsoft Internet Information Services */
    EXTLS_KIND_OTHER_LOG,        /* another log with a header (#Log-type, #Fields) */
    EXTLS_KIND_NO_HEADER,        /* text with no log header, no direction from its name */
    EXTLS_KIND_BINARY,           /* a control byte in its first line */
    EXTLS_KIND_OTHER_FILE,       /* not named *.log / *.log.gz, or not a regular file */
};
#define EXTLS_N_KINDS 10

/* "message tracking log" (n == 1) or "message tracking logs"; "?" out of range. */
const char *extls_kind_name(enum extls_kind kind, uint64_t n);

/*
 * The two shares every report speaks of, from counts per class: `legacy`,
 * the sessions on SSL 2/3 or TLS 1.0/1.1; `with_tls`, the sessions that
 * negotiated TLS (any version, also one not logged: ssl2 to tls_unknown;
 * not tls_failed, not none). Every percentage extls prints is one of them
 * (or a class count) over all the sessions of the same row or report.
 */
uint64_t extls_legacy_count(const uint64_t count[EXTLS_N_CLASSES]);
uint64_t extls_with_tls_count(const uint64_t count[EXTLS_N_CLASSES]);

#endif /* EXTLS_EXTLS_H */
