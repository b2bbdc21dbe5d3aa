/* SPDX-License-Identifier: MIT */
/*
 * jsonin.h: a strict, bounded reader for extls's own JSON report (schema
 * "extls/1", what --format json writes), for 'extls merge'. The JSON
 * grammar is libjansson's; this module checks the schema.
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
 * - Members may come in any order. Members extls does not know are
 *   ignored (the schema allows extra members; jansson has checked them as
 *   JSON); a member name given twice in any object is an error.
 * - A KEY is a group member named like a --by key (agg.h: "direction",
 *   "connector", ...) with a string value. Every group of one report has
 *   the same keys in the same order.
 * - N (in known members) is a non-negative integer written without
 *   fraction or exponent, at most 9223372036854775807 (2^63-1, the range
 *   of jansson's integers; no real log comes near it).
 * - T is "yyyy-mm-ddThh:mm:ss.fffZ" exactly as extls writes it. Totals
 *   have null for both when they count no session; groups never.
 * - Strings are valid UTF-8 without raw control characters; escapes are
 *   jansson's (RFC 8259's, a lone surrogate is an error; \u0000 is
 *   allowed). A key value is at most EXTLS_FIELD_MAX bytes decoded.
 *   Nesting is at most JSONIN_DEPTH_MAX deep.
 * - Consistency: a group has at least one session, its tls counters sum to
 *   its sessions, first <= last; totals.sessions is the sum over the
 *   groups. Nothing but white space may follow the object.
 *
 * All or nothing: the whole report is checked before the first group is
 * handed to the callback, so a report refused by these rules has called
 * the callback for no group (a callback that refuses a group stops the
 * reading after the groups before it).
 *
 * Memory: a report is read whole, at most JSONIN_SIZE_MAX bytes (larger
 * is EXTLS_ETOOBIG, refused before parsing), and parsed into a jansson
 * tree. Jansson allocates 11.6 to 13.8 times the text for reports as
 * extls writes them (about 3.2 KB per group keyed by direction, connector
 * and remote), but a text of many small values would take far more ("{}"
 * after "{}": 70 times), so every block jansson allocates while parsing
 * is charged, with 16 bytes for malloc's overhead, against a budget of
 * JSONIN_TREE_FACTOR times the text (plus 1 MiB); past it the report is
 * refused (EXTLS_ETOOBIG). At most 64 MiB of text and 1.25 GiB of tree,
 * both released before the read returns: memory does not grow with the
 * number of reports read. jsonin_new() installs the counting allocator
 * with json_set_alloc_funcs() (jansson's allocator is process-wide; extls
 * uses jansson nowhere else).
 *
 * Errors stop the reading; the message is "NAME:LINE:COLUMN: reason" with
 * 1-based line and column (column in bytes, a byte order mark not
 * counted). A schema error is located at the start of the offending value
 * (a missing member: at the closing brace of the root and totals objects,
 * at the opening brace of a group or tls object); a JSON syntax error at
 * the last byte jansson read, with jansson's wording. Nothing here prints.
 */
#ifndef EXTLS_JSONIN_H
#define EXTLS_JSONIN_H

#include <stddef.h>

#include "agg.h"
#include "extls.h"
#include "report.h"

#define JSONIN_SIZE_MAX (64u * 1024u * 1024u) /* largest report read, in bytes */
#define JSONIN_TREE_FACTOR 20u /* parsed tree at most this many times the text (+1 MiB) */
#define JSONIN_DEPTH_MAX 2048  /* deepest nesting (jansson's JSON_PARSER_MAX_DEPTH) */
#define JSONIN_ERR_MAX 512     /* longest message, with the location */

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
 * EXTLS_EPARSE (malformed or inconsistent), EXTLS_ETOOBIG (a cap was hit:
 * size, nesting, a key's length; also sessions summing past 2^64-1),
 * EXTLS_EIO (read error; errno's text in the message), EXTLS_ENOMEM, or
 * the status a callback returned. On failure the totals read as those of
 * an empty report; the reader is ready for the next read either way.
 */
enum extls_status jsonin_read_fd(struct jsonin *j, int fd, const char *name);

/*
 * The same from memory: `data[0..len)` (borrowed for the call) handed to
 * the parser `chunk` bytes at a time (0: all at once; tests use 1 to cross
 * every refill boundary of jansson's reader).
 */
enum extls_status jsonin_read_mem(struct jsonin *j, const void *data, size_t len, size_t chunk,
                                  const char *name);

/* Message of the last failed read ("" after success); borrowed, valid until the next read. */
const char *jsonin_errmsg(const struct jsonin *j);

/*
 * A group's key list for messages, "direction,connector" ("(no key)" for
 * none): written into buf[0..len), cut to fit; returns buf or the constant.
 */
const char *jsonin_key_list(const enum agg_key *keys, size_t n, char *buf, size_t len);

/* The totals of the last report read; borrowed, valid until the next read. */
const struct report_totals *jsonin_totals(const struct jsonin *j);

#endif /* EXTLS_JSONIN_H */
