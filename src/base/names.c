/* SPDX-License-Identifier: MIT */
/*
 * names.c: the name tables behind extls.h.
 */
#include "extls.h"

#include <string.h>

static const char *const class_names[EXTLS_N_CLASSES] = {
    "ssl2", "ssl3", "tls1_0", "tls1_1", "tls1_2", "tls1_3", "tls_unknown", "tls_failed", "none",
};

const char *
extls_strerror(enum extls_status st)
{
    switch (st) {
    case EXTLS_OK:
        return "success";
    case EXTLS_ENOMEM:
        return "out of memory";
    case EXTLS_EIO:
        return "input/output error";
    case EXTLS_EPARSE:
        return "parse error";
    case EXTLS_ETOOBIG:
        return "size limit exceeded";
    case EXTLS_EINVAL:
        return "invalid argument";
    case EXTLS_EBUSY:
        return "in use by another process";
    }
    return "unknown error";
}

const char *
extls_dir_name(enum extls_dir dir)
{
    switch (dir) {
    case EXTLS_DIR_RECEIVE:
        return "receive";
    case EXTLS_DIR_SEND:
        return "send";
    case EXTLS_DIR_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *
extls_class_name(enum extls_class cls)
{
    if ((unsigned)cls >= EXTLS_N_CLASSES)
        return "?";
    return class_names[cls];
}

int
extls_span_cmp(struct span a, struct span b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

int
extls_name_index(const char *const *names, int n, const char *name, size_t len)
{
    for (int i = 0; i < n; i++) {
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    }
    return -1;
}

int
extls_class_parse(const char *name, size_t len)
{
    return extls_name_index(class_names, EXTLS_N_CLASSES, name, len);
}

int
extls_class_is_legacy(enum extls_class cls)
{
    return cls == EXTLS_SSL2 || cls == EXTLS_SSL3 || cls == EXTLS_TLS1_0 || cls == EXTLS_TLS1_1;
}

const char *
extls_kind_name(enum extls_kind kind, uint64_t n)
{
    static const char *const names[EXTLS_N_KINDS][2] = {
        {"empty file", "empty files"},
        {"SMTP protocol log", "SMTP protocol logs"},
        {"message tracking log", "message tracking logs"},
        {"connectivity log", "connectivity logs"},
        {"agent log", "agent logs"},
        {"IIS log", "IIS logs"},
        {"log of another type", "logs of other types"},
        {"file without a log header", "files without a log header"},
        {"binary file", "binary files"},
        {"other file", "other files"},
    };
    if ((unsigned)kind >= EXTLS_N_KINDS)
        return "?";
    return names[kind][n != 1];
}

uint64_t
extls_legacy_count(const uint64_t count[EXTLS_N_CLASSES])
{
    return count[EXTLS_SSL2] + count[EXTLS_SSL3] + count[EXTLS_TLS1_0] + count[EXTLS_TLS1_1];
}

uint64_t
extls_with_tls_count(const uint64_t count[EXTLS_N_CLASSES])
{
    uint64_t n = 0;
    for (int c = EXTLS_SSL2; c <= EXTLS_TLS_UNKNOWN; c++)
        n += count[c];
    return n;
}
