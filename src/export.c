/* SPDX-License-Identifier: MIT */
/*
 * export.c: per-session records.
 */
#include "export.h"

#include <inttypes.h>
#include <string.h>

#include "esc.h"
#include "xtime.h"

static const char *const columns[] = {
    "direction",       "connector",   "session", "start",    "class",
    "remote",          "ehlo",        "end",     "local",    "protocol",
    "cipher",          "cipher_bits", "mac",     "mac_bits", "kx",
    "kx_bits",         "rows",        "file",    "line",     "cert_subject",
    "cert_thumbprint", "server",
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

char *
export_cipher(const struct session *s, char *buf, size_t len)
{
    if (!s->cipher.name) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, len, "%s/%u %s/%u %s/%u", s->cipher.name->ptr, s->cipher.bits, s->mac.name->ptr,
             s->mac.bits, s->kx.name->ptr, s->kx.bits);
    return buf;
}

void
export_header(FILE *out, enum report_format fmt)
{
    if (fmt == REPORT_JSONL)
        return;
    for (size_t i = 0; i < N_COLUMNS; i++)
        fprintf(out, "%s%s", i ? (fmt == REPORT_CSV ? "," : "\t") : "", columns[i]);
    putc('\n', out);
}

/* A text value: JSON member, or CSV/TSV field. */
static void
put_text(FILE *out, enum report_format fmt, size_t col, const char *s, size_t len)
{
    if (fmt == REPORT_JSONL) {
        fprintf(out, "%s\"%s\":", col ? "," : "{", columns[col]);
        esc_json(out, s, len);
        return;
    }
    if (col)
        putc(fmt == REPORT_CSV ? ',' : '\t', out);
    if (fmt == REPORT_CSV)
        esc_csv(out, s, len);
    else
        esc_tsv(out, s, len);
}

static void
put_num(FILE *out, enum report_format fmt, size_t col, uint64_t v, int present)
{
    if (fmt == REPORT_JSONL) {
        fprintf(out, ",\"%s\":", columns[col]);
        if (present)
            fprintf(out, "%" PRIu64, v);
        else
            fputs("null", out);
        return;
    }
    putc(fmt == REPORT_CSV ? ',' : '\t', out);
    if (present)
        fprintf(out, "%" PRIu64, v);
}

static void
put_str(FILE *out, enum report_format fmt, size_t col, const char *s)
{
    put_text(out, fmt, col, s ? s : "", s ? strlen(s) : 0);
}

void
export_session(FILE *out, enum report_format fmt, const struct session *s, const char *file,
               struct reader_field server)
{
    char start[XTIME_BUF], end[XTIME_BUF];
    const struct pstr *none = NULL;
    size_t c = 0;
    put_str(out, fmt, c++, extls_dir_name(s->dir));
    put_text(out, fmt, c++, s->connector->ptr, s->connector->len);
    put_text(out, fmt, c++, s->sid, s->sid_len);
    put_str(out, fmt, c++, xtime_format(s->start_ms, start));
    put_str(out, fmt, c++, extls_class_name(session_classify(s)));
    put_str(out, fmt, c++, s->remote);
    put_text(out, fmt, c++, s->host ? s->host : "", s->host_len);
    put_str(out, fmt, c++, xtime_format(s->end_ms, end));
    put_str(out, fmt, c++, s->local);
    put_text(out, fmt, c++, s->proto ? s->proto->ptr : "", s->proto ? s->proto->len : 0);
    const struct session_algo *a[3] = {&s->cipher, &s->mac, &s->kx};
    for (int i = 0; i < 3; i++) {
        const struct pstr *name = a[i]->name ? a[i]->name : none;
        put_text(out, fmt, c++, name ? name->ptr : "", name ? name->len : 0);
        put_num(out, fmt, c++, a[i]->bits, name != NULL);
    }
    put_num(out, fmt, c++, s->rows, 1);
    put_str(out, fmt, c++, file);
    put_num(out, fmt, c++, s->line, 1);
    size_t subject_len;
    const char *subject = session_cert_subject(s, &subject_len);
    put_text(out, fmt, c++, subject ? subject : "", subject_len);
    put_str(out, fmt, c++, session_cert_thumbprint(s));
    put_text(out, fmt, c++, server.ptr, server.len);
    fputs(fmt == REPORT_JSONL ? "}\n" : "\n", out);
}
