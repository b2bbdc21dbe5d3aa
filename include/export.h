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

/* Write the CSV/TSV header row (nothing for JSON Lines). */
void export_header(FILE *out, enum report_format fmt);

/*
 * Write one session; `file` is the path of its first row's input, `server`
 * its server by rules 1 and 2 of server.h (records stream out as sessions
 * complete, before rule 3 could apply: a send session's server is empty
 * unless --server is given).
 */
void export_session(FILE *out, enum report_format fmt, const struct session *s, const char *file,
                    struct reader_field server);

/*
 * The session's cipher suite as one key, "CALG_AES_128/128 CALG_SHA_256/0
 * CALG_ECDH_EPHEM/256" (bulk, MAC, key exchange with strengths), "" when no
 * cipher was logged. Writes at most `len` bytes including the NUL; returns buf.
 */
char *export_cipher(const struct session *s, char *buf, size_t len);

#endif /* EXTLS_EXPORT_H */
