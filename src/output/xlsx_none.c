/* SPDX-License-Identifier: MIT */
/*
 * xlsx_none.c: xlsx.h for a build without libxlsxwriter (the Windows build
 * today): --format xlsx is refused when the options are parsed, so nothing
 * here is reached; every call fails cleanly all the same.
 */
#include "xlsx.h"

int
xlsx_available(void)
{
    return 0;
}

enum extls_status
xlsx_write_report(FILE *out, struct report *r)
{
    (void)out;
    (void)r;
    return EXTLS_EINVAL;
}

struct xlsx *
xlsx_sessions_new(int64_t created_ms, enum extls_status *st)
{
    (void)created_ms;
    *st = EXTLS_EINVAL;
    return NULL;
}

enum extls_status
xlsx_session(struct xlsx *x, const struct export_record *rec)
{
    (void)x;
    (void)rec;
    return EXTLS_EINVAL;
}

enum extls_status
xlsx_finish(struct xlsx *x, FILE *out)
{
    (void)x;
    (void)out;
    return EXTLS_EINVAL;
}

void
xlsx_free(struct xlsx *x)
{
    (void)x;
}
