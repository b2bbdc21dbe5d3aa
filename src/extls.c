/* SPDX-License-Identifier: MIT */
/*
 * extls.c: the name tables behind extls.h.
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
extls_class_parse(const char *name, size_t len)
{
    for (int i = 0; i < EXTLS_N_CLASSES; i++) {
        if (strlen(class_names[i]) == len && memcmp(class_names[i], name, len) == 0)
            return i;
    }
    return -1;
}

int
extls_class_is_legacy(enum extls_class cls)
{
    return cls == EXTLS_SSL2 || cls == EXTLS_SSL3 || cls == EXTLS_TLS1_0 || cls == EXTLS_TLS1_1;
}
