/* SPDX-License-Identifier: MIT */
/*
 * export.h: one record per session ('extls sessions'), as JSON Lines, CSV
 * or TSV. Records are written as sessions complete, so output streams.
 *
 * Columns (CSV/TSV header, JSON member names): direction, connector,
 * session, start, class, remote, ehlo, end, local, protocol, cipher,
 * cipher_bits, mac, mac_bits, kx, kx_bits, rows, file, line,
 * cert_subject, cert_thumbprint (the remote party's certificate, see
 * session.h; "" when not logged).
 */
#ifndef EXTLS_EXPORT_H
#define EXTLS_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "session.h"
#include "isotime.h"

#define EXPORT_N_COLUMNS 22

/* What a column holds. */
enum export_kind {
    EXPORT_TEXT = 0, /* text[i] (len[i] bytes, raw as logged) */
    EXPORT_NUM,      /* num[i], or no value (JSON null, empty cell) when !present[i] */
    EXPORT_TIME,     /* num[i] milliseconds since 1970 (UTC); text[i] its ISO 8601 form */
};

/*
 * One session as a record of EXPORT_N_COLUMNS values, the columns above in
 * that order. Text pointers are borrowed from the session, `file` and
 * `server`, and from the record itself (times), valid while they are.
 */
struct export_record {
    const char *text[EXPORT_N_COLUMNS];
    size_t len[EXPORT_N_COLUMNS];
    int64_t num[EXPORT_N_COLUMNS];
    int present[EXPORT_N_COLUMNS];
    char time_buf[2][ISOTIME_BUF]; /* storage of the start and end texts */
};

/* Column i's name (i < EXPORT_N_COLUMNS) and kind. */
const char *export_column(size_t i, enum export_kind *kind);

/*
 * Fill *rec from session `s`; `file` is the path of its first row's input,
 * `server` its server by rules 1 and 2 of servername.h (records stream out as
 * sessions complete, before rule 3 could apply: a send session's server is
 * empty unless --server is given).
 */
void export_fill(struct export_record *rec, const struct session *s, const char *file,
                 struct span server);

/*
 * Write the CSV/TSV header row (nothing for JSON Lines); excel-csv starts
 * with a byte-order mark and ends lines in CRLF.
 */
void export_header(FILE *out, enum report_format fmt);

/*
 * Write one session as JSON Lines, CSV, excel-csv or TSV; `style` is the
 * esc_field() style of its text fields (report_esc_style()).
 */
void export_session(FILE *out, enum report_format fmt, unsigned style, const struct session *s,
                    const char *file, struct span server);

/*
 * The session's cipher suite as one key, "CALG_AES_128/128 CALG_SHA_256/0
 * CALG_ECDH_EPHEM/256" (bulk, MAC, key exchange with strengths), "" when no
 * cipher was logged. Writes at most `len` bytes including the NUL; returns buf.
 */
char *export_cipher(const struct session *s, char *buf, size_t len);

#endif /* EXTLS_EXPORT_H */
