/* SPDX-License-Identifier: MIT */
/*
 * jsonin.h: a strict, bounded reader for extls's own JSON report (schema
 * "extls/1", what --format json writes), for 'extls merge'.
 *
 * Model. The input is one JSON text (RFC 8259, UTF-8, an optional leading
 * byte order mark) holding one object:
 *
 *   {"schema":"extls/1",
 *    "totals":{"files":N,"rows":N,"malformed_rows":N,"sessions":N,
 *              "files_skipped":N,"files_failed":N,"sessions_excluded":N,
 *              "first":T,"last":T},
 *    "groups":[{KEY:S,...,"sessions":N,"tls":{"ssl2":N,...,"none":N},
 *               "first":T,"last":T},...]}
 *
 * - Members may come in any order. Members extls does not know are skipped
 *   after being checked as JSON (the schema allows extra members); a known
 *   member given twice is an error.
 * - A KEY is a group member named like a --by key (agg.h: "direction",
 *   "connector", ...) with a string value. Every group of one report has
 *   the same keys in the same order.
 * - N (in known members) is an unsigned 64-bit integer: no sign, fraction,
 *   exponent or leading zero, at most 18446744073709551615. Numbers in
 *   skipped members follow the JSON grammar.
 * - T is "yyyy-mm-ddThh:mm:ss.fffZ" exactly as extls writes it. Totals
 *   have null for both when they count no session; groups never.
 * - Strings are valid UTF-8 without raw control characters; escapes are
 *   \" \\ \/ \b \f \n \r \t and \uXXXX, with surrogate pairs for code
 *   points above U+FFFF (a lone surrogate is an error). A decoded string
 *   is at most EXTLS_FIELD_MAX bytes, nesting at most JSONIN_DEPTH_MAX.
 * - Consistency: a group has at least one session, its tls counters sum to
 *   its sessions, first <= last; totals.sessions is the sum over the
 *   groups. Nothing but white space may follow the object.
 *
 * Memory: one decoded string and the key values of the group being read;
 * each group is handed to the callback as soon as it is complete, so
 * memory does not grow with the number of groups or the input size.
 *
 * Errors stop the reading; the message is "NAME:LINE:COLUMN: reason" with
 * 1-based line and column (column in bytes) of the offending token.
 * Nothing here prints.
 */
#ifndef EXTLS_JSONIN_H
#define EXTLS_JSONIN_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "extls.h"
#include "report.h"

#define JSONIN_DEPTH_MAX 32 /* deepest nesting of arrays and objects */
#define JSONIN_ERR_MAX 512  /* longest message, with the location */

/*
 * Callbacks, registered once. `group` receives one complete group: its
 * key values in g->key (the others {"", 0}), counts, first/last (host
 * empty); `keys` lists its n_keys keys in the order they appeared. All
 * borrowed for the call. Returning anything but EXTLS_OK stops the
 * reading with that status; the callback then writes the reason (without
 * location) into why[0..why_len).
 */
struct jsonin_callbacks {
    enum extls_status (*group)(const struct agg_group *g, const enum agg_key *keys, size_t n_keys,
                               char *why, size_t why_len, void *user);
    void *user;
};

struct jsonin;

/* New reader; NULL when out of memory. Caller owns, free with jsonin_free(). */
struct jsonin *jsonin_new(const struct jsonin_callbacks *cb);

/* jsonin_free(NULL) is a no-op. */
void jsonin_free(struct jsonin *j);

/*
 * Read one report from the file descriptor `fd` (not closed), naming it
 * `name` in messages (borrowed for the call). Returns EXTLS_OK,
 * EXTLS_EPARSE (malformed or inconsistent), EXTLS_ETOOBIG (a cap was hit),
 * EXTLS_EIO (read error; errno's text in the message), EXTLS_ENOMEM, or
 * the status a callback returned.
 */
enum extls_status jsonin_read_fd(struct jsonin *j, int fd, const char *name);

/*
 * The same from memory: `data[0..len)` handed to the parser `chunk` bytes
 * at a time (0: all at once; tests use 1 to cross every refill boundary).
 */
enum extls_status jsonin_read_mem(struct jsonin *j, const void *data, size_t len, size_t chunk,
                                  const char *name);

/* Message of the last failed read ("" after success); borrowed, valid until the next read. */
const char *jsonin_errmsg(const struct jsonin *j);

/* The totals of the last report read successfully; borrowed, valid until the next read. */
const struct report_totals *jsonin_totals(const struct jsonin *j);

/*
 * Entry point for fuzzing (libFuzzer's LLVMFuzzerTestOneInput calls it):
 * reads data[0..len) as one report, its groups counted into a table, and
 * frees everything. Always returns 0.
 */
int jsonin_fuzz_one(const uint8_t *data, size_t len);

#endif /* EXTLS_JSONIN_H */
