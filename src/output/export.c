/* SPDX-License-Identifier: MIT */
/*
 * export.c: per-session records.
 */
#include "export.h"

#include <inttypes.h>
#include <string.h>

#include "esc.h"
#include "isotime.h"

static const char *const columns[] = {
    "direction",       "connector",   "session", "start",    "class",
    "remote",          "ehlo",        "end",     "local",    "protocol",
    "cipher",          "cipher_bits", "mac",     "mac_bits", "kx",
    "kx_bits",         "rows",        "file",    "line",     "cert_subject",
    "cert_thumbprint", "server",
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))
_Static_assert(N_COLUMNS == EXPORT_N_COLUMNS, "export columns");

static const enum export_kind kinds[EXPORT_N_COLUMNS] = {
    [3] = EXPORT_TIME, [7] = EXPORT_TIME, [11] = EXPORT_NUM, [13] = EXPORT_NUM,
    [15] = EXPORT_NUM, [16] = EXPORT_NUM, [18] = EXPORT_NUM,
};

const char *
export_column(size_t i, enum export_kind *kind)
{
    *kind = kinds[i];
    return columns[i];
}

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

static const char *
eol_of(enum report_format fmt)
{
    return fmt == REPORT_EXCEL_CSV ? "\r\n" : "\n";
}

void
export_header(FILE *out, enum report_format fmt)
{
    if (fmt == REPORT_JSONL || fmt == REPORT_XLSX)
        return;
    if (fmt == REPORT_EXCEL_CSV)
        fputs(REPORT_BOM, out);
    for (size_t i = 0; i < N_COLUMNS; i++)
        fprintf(out, "%s%s", i ? (fmt == REPORT_TSV ? "\t" : ",") : "", columns[i]);
    fputs(eol_of(fmt), out);
}

/* Column c: text. */
static void
set_text(struct export_record *rec, size_t c, const char *s, size_t len)
{
    rec->text[c] = s ? s : "";
    rec->len[c] = s ? len : 0;
    rec->present[c] = 1;
}

static void
set_num(struct export_record *rec, size_t c, int64_t v, int present)
{
    rec->num[c] = v;
    rec->present[c] = present;
    rec->text[c] = "";
    rec->len[c] = 0;
}

static void
set_time(struct export_record *rec, size_t c, int64_t ms, char *buf)
{
    isotime_format(ms, buf);
    set_text(rec, c, buf, strlen(buf));
    rec->num[c] = ms;
}

static void
set_str(struct export_record *rec, size_t c, const char *s)
{
    set_text(rec, c, s ? s : "", s ? strlen(s) : 0);
}

void
export_fill(struct export_record *rec, const struct session *s, const char *file,
            struct span server)
{
    size_t c = 0;
    set_str(rec, c++, extls_dir_name(s->dir));
    set_text(rec, c++, s->connector->ptr, s->connector->len);
    set_text(rec, c++, s->sid, s->sid_len);
    set_time(rec, c++, s->start_ms, rec->time_buf[0]);
    set_str(rec, c++, extls_class_name(session_classify(s)));
    set_str(rec, c++, s->remote);
    set_text(rec, c++, s->host ? s->host : "", s->host ? s->host_len : 0);
    set_time(rec, c++, s->end_ms, rec->time_buf[1]);
    set_str(rec, c++, s->local);
    set_text(rec, c++, s->proto ? s->proto->ptr : "", s->proto ? s->proto->len : 0);
    const struct session_algo *a[3] = {&s->cipher, &s->mac, &s->kx};
    for (int i = 0; i < 3; i++) {
        const struct span *name = a[i]->name;
        set_text(rec, c++, name ? name->ptr : "", name ? name->len : 0);
        set_num(rec, c++, a[i]->bits, name != NULL);
    }
    set_num(rec, c++, (int64_t)s->rows, 1);
    set_str(rec, c++, file);
    set_num(rec, c++, (int64_t)s->line, 1);
    size_t subject_len = 0;
    const char *subject = session_cert_subject(s, &subject_len);
    set_text(rec, c++, subject ? subject : "", subject ? subject_len : 0);
    set_str(rec, c++, session_cert_thumbprint(s));
    set_text(rec, c++, server.ptr, server.len);
}

void
export_session(FILE *out, enum report_format fmt, unsigned style, const struct session *s,
               const char *file, struct span server)
{
    struct export_record rec;
    export_fill(&rec, s, file, server);
    char sep = fmt == REPORT_TSV ? '\t' : ',';
    for (size_t c = 0; c < N_COLUMNS; c++) {
        if (fmt == REPORT_JSONL)
            fprintf(out, "%s\"%s\":", c ? "," : "{", columns[c]);
        else if (c)
            putc(sep, out);
        if (kinds[c] == EXPORT_NUM) {
            if (rec.present[c])
                fprintf(out, "%" PRId64, rec.num[c]);
            else if (fmt == REPORT_JSONL)
                fputs("null", out);
        } else if (fmt == REPORT_JSONL) {
            esc_json(out, rec.text[c], rec.len[c]);
        } else {
            esc_field(out, style, sep, rec.text[c], rec.len[c]);
        }
    }
    fputs(fmt == REPORT_JSONL ? "}\n" : eol_of(fmt), out);
}
