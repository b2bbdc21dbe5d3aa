/* SPDX-License-Identifier: MIT */
/*
 * extls.h: names shared by every module: status codes, log directions,
 * TLS session classes and the hard limits of the input model.
 * Nothing here allocates or prints.
 */
#ifndef EXTLS_EXTLS_H
#define EXTLS_EXTLS_H

#include <stddef.h>

#define EXTLS_VERSION "1.0.0"

/* Longest field the reader accepts (bytes after CSV unquoting). */
#define EXTLS_FIELD_MAX (1024u * 1024u)
/* Longest physical line the reader buffers; a longer one is malformed. */
#define EXTLS_LINE_MAX (4u * 1024u * 1024u)
/* Longest EHLO/host name kept per session; longer names are cut. */
#define EXTLS_NAME_MAX 255u

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

/* True for the classes an administrator wants gone: SSL 2/3, TLS 1.0/1.1. */
int extls_class_is_legacy(enum extls_class cls);

#endif /* EXTLS_EXTLS_H */
