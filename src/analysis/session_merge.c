/* SPDX-License-Identifier: MIT */
/*
 * session_merge.c: the merge rules of a session's facts, in one place.
 * Merging a row is merging the session of that row alone, so the order in
 * which rows and parts of a session arrive never changes the result; and
 * the class a merged session gets.
 */
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

enum extls_class
session_classify(const struct session *s)
{
    if (s->flags & S_MARKER)
        return s->marker_cls;
    if (s->flags & S_FAILED)
        return EXTLS_TLS_FAILED;
    if (s->flags & S_ACCEPTED)
        return EXTLS_TLS_UNKNOWN;
    for (unsigned i = 0; i < s->n_cmd; i++) {
        for (unsigned j = 0; j < s->n_ok220; j++) {
            if (s->ok220_seq[j] == s->cmd_seq[i] + 1)
                return EXTLS_TLS_UNKNOWN;
        }
    }
    return EXTLS_NONE;
}

static void
copy_bounded(char *dst, struct span f)
{
    size_t n = f.len > SESSION_ADDR_MAX ? SESSION_ADDR_MAX : f.len;
    memcpy(dst, f.ptr, n);
    dst[n] = '\0';
}

static int
set_string(char **dst, size_t *dst_len, struct span f)
{
    size_t n = f.len > EXTLS_NAME_MAX ? EXTLS_NAME_MAX : f.len;
    char *p = malloc(n + 1);
    if (!p)
        return -1;
    memcpy(p, f.ptr, n);
    p[n] = '\0';
    free(*dst);
    *dst = p;
    *dst_len = n;
    return 0;
}

static void
remember(uint64_t *arr, unsigned *n, uint64_t seq)
{
    for (unsigned i = 0; i < *n; i++) {
        if (arr[i] == seq)
            return;
    }
    if (*n < SESSION_SEQS)
        arr[(*n)++] = seq;
}

/*
 * The rules of the facts kept from one row (the one with the lowest
 * sequence number for the endpoints): session_merge() applies them, and
 * session_merge_row() asks them first, so that a row copies only the facts
 * that will be kept.
 */
static int
remote_wins(const struct session *s, uint64_t seq)
{
    return !(s->flags & S_REMOTE) || seq < s->remote_seq;
}

static int
local_wins(const struct session *s, uint64_t seq)
{
    return !(s->flags & S_LOCAL) || seq < s->local_seq;
}

/* Is (kind, seq) a better host source than what s has? */
static int
better_host(const struct session *s, enum match_host_kind kind, uint64_t seq)
{
    if (!s->host)
        return 1;
    if (kind != s->host_kind)
        return kind < s->host_kind;
    return seq < s->host_seq;
}

/*
 * Merge `src`, the rows of a later input, into `dst`, as if src's rows had
 * followed dst's. Takes ownership of src's strings it keeps.
 */
void
session_merge(struct session *dst, struct session *src)
{
    if (src->start_ms < dst->start_ms)
        dst->start_ms = src->start_ms;
    if (src->end_ms > dst->end_ms)
        dst->end_ms = src->end_ms;
    dst->rows += src->rows;
    if (src->min_seq < dst->min_seq) {
        dst->min_seq = src->min_seq;
        dst->file = src->file;
        dst->line = src->line;
    }
    dst->flags |= src->flags & (S_SEQ0 | S_FAILED | S_ACCEPTED);
    if ((src->flags & S_DISCONNECT) &&
        (!(dst->flags & S_DISCONNECT) || src->disc_seq > dst->disc_seq)) {
        dst->flags |= S_DISCONNECT;
        dst->disc_seq = src->disc_seq;
    }
    if ((src->flags & S_REMOTE) && remote_wins(dst, src->remote_seq)) {
        memcpy(dst->remote, src->remote, sizeof(dst->remote));
        dst->remote_seq = src->remote_seq;
        dst->flags |= S_REMOTE;
    }
    if ((src->flags & S_LOCAL) && local_wins(dst, src->local_seq)) {
        memcpy(dst->local, src->local, sizeof(dst->local));
        dst->local_seq = src->local_seq;
        dst->flags |= S_LOCAL;
    }
    if (src->host && better_host(dst, src->host_kind, src->host_seq)) {
        free(dst->host);
        dst->host = src->host;
        dst->host_len = src->host_len;
        dst->host_kind = src->host_kind;
        dst->host_seq = src->host_seq;
        src->host = NULL;
    }
    if ((src->flags & S_MARKER) &&
        (!(dst->flags & S_MARKER) || src->marker_seq < dst->marker_seq)) {
        dst->proto = src->proto;
        dst->cipher = src->cipher;
        dst->mac = src->mac;
        dst->kx = src->kx;
        dst->marker_cls = src->marker_cls;
        dst->marker_seq = src->marker_seq;
        dst->flags |= S_MARKER;
    }
    for (unsigned i = 0; i < src->n_cmd; i++)
        remember(dst->cmd_seq, &dst->n_cmd, src->cmd_seq[i]);
    for (unsigned i = 0; i < src->n_ok220; i++)
        remember(dst->ok220_seq, &dst->n_ok220, src->ok220_seq[i]);
    /* A command left pending at the end of dst meets src's first reply. */
    if ((dst->flags & S_PENDING) && (src->flags & S_LEAD_REPLY) &&
        src->lead_seq > dst->pending_seq) {
        if (src->lead_220)
            dst->flags |= S_ACCEPTED;
        dst->flags &= ~(unsigned)S_PENDING;
    }
    if (src->flags & S_SAW_CMD) {
        dst->flags = (dst->flags & ~(unsigned)S_PENDING) | (src->flags & S_PENDING);
        dst->pending_seq = src->pending_seq;
    }
    if (!(dst->flags & (S_SAW_CMD | S_LEAD_REPLY)) && (src->flags & S_LEAD_REPLY)) {
        dst->flags |= S_LEAD_REPLY;
        dst->lead_seq = src->lead_seq;
        dst->lead_220 = src->lead_220;
    }
    dst->flags |= src->flags & S_SAW_CMD;
    if (src->cert && !dst->cert) {
        dst->cert = src->cert;
        src->cert = NULL;
    } else if (src->cert) {
        cert_merge(dst->cert, src->cert);
    }
}

/*
 * Make `one` (zeroed by the caller) the session of row r alone, to be
 * merged into `into`: every fact of the row, except the endpoints and the
 * host name when the rules above say `into` keeps its own (they would be
 * copied only to be dropped), so that session_merge() decides which fact
 * wins. Strings are interned in the pool, the host name and certificate
 * are on the heap (one owns them).
 */
static enum extls_status
session_of_row(struct strpool *pool, struct session *one, const struct session *into,
               const struct row *r, const struct match_facts *f, uint32_t file)
{
    uint64_t seq = r->seq;
    one->start_ms = one->end_ms = r->time_ms;
    one->rows = 1;
    one->min_seq = seq;
    one->file = file;
    one->line = r->line;
    if (seq == 0)
        one->flags |= S_SEQ0;
    if (r->event == ROW_DISCONNECT) {
        one->flags |= S_DISCONNECT;
        one->disc_seq = seq;
    }
    if (r->remote.len && remote_wins(into, seq)) {
        copy_bounded(one->remote, r->remote);
        one->remote_seq = seq;
        one->flags |= S_REMOTE;
    }
    if (r->local.len && local_wins(into, seq)) {
        copy_bounded(one->local, r->local);
        one->local_seq = seq;
        one->flags |= S_LOCAL;
    }
    if (f->flags & MATCH_TLS_OK) {
        one->proto = strpool_intern(pool, f->proto.ptr, f->proto.len);
        if (!one->proto)
            return EXTLS_ENOMEM;
        one->cipher = one->mac = one->kx = (struct session_algo){NULL, 0};
        if (f->flags & MATCH_CIPHER) {
            const struct match_algo *m[3] = {&f->cipher, &f->mac, &f->kx};
            struct session_algo *a[3] = {&one->cipher, &one->mac, &one->kx};
            for (int i = 0; i < 3; i++) {
                a[i]->name = strpool_intern(pool, m[i]->name.ptr, m[i]->name.len);
                if (!a[i]->name)
                    return EXTLS_ENOMEM;
                a[i]->bits = m[i]->bits;
            }
        }
        one->marker_cls = f->cls;
        one->marker_seq = seq;
        one->flags |= S_MARKER;
    }
    if (f->flags & MATCH_TLS_FAILED)
        one->flags |= S_FAILED;
    if (f->flags & MATCH_TLS_CMD) {
        remember(one->cmd_seq, &one->n_cmd, seq);
        one->flags |= S_PENDING | S_SAW_CMD;
        one->pending_seq = seq;
    }
    if (f->flags & MATCH_REPLY) {
        if (!(one->flags & S_SAW_CMD)) {
            one->flags |= S_LEAD_REPLY;
            one->lead_seq = seq;
            one->lead_220 = f->reply_code == 220;
        }
        if (f->reply_code == 220)
            remember(one->ok220_seq, &one->n_ok220, seq);
    }
    if ((f->flags & MATCH_HOST) && better_host(into, f->host_kind, seq)) {
        if (set_string(&one->host, &one->host_len, f->host) != 0)
            return EXTLS_ENOMEM;
        one->host_kind = f->host_kind;
        one->host_seq = seq;
    }
    if (f->flags & MATCH_CERT) {
        one->cert = cert_new();
        if (!one->cert || cert_add_row(one->cert, &f->cert, seq) != EXTLS_OK)
            return EXTLS_ENOMEM;
    }
    return EXTLS_OK;
}

/* Merge the facts of one row into its session: merge the session of that row alone. */
enum extls_status
session_merge_row(struct strpool *pool, struct session *s, const struct row *r,
                  const struct match_facts *f, uint32_t file)
{
    /* Only what session_merge() reads unconditionally is set here: the rest
     * is set with the flag that makes it read (zeroing the whole struct per
     * row costs a fifth of the run time). */
    struct session one;
    one.flags = 0;
    one.n_cmd = one.n_ok220 = 0;
    one.host = NULL;
    one.cert = NULL;
    enum extls_status st = session_of_row(pool, &one, s, r, f, file);
    if (st == EXTLS_OK)
        session_merge(s, &one);
    free(one.host);
    cert_free(one.cert);
    return st;
}
/*
 * Every row is in: the first row (seq 0) and the disconnect row have been
 * seen, and as many rows as the disconnect's sequence number implies
 * (Exchange numbers rows 0, 1, 2, ... per session). When rows arrive out
 * of order (files read newest first) this waits for the middle rows; when a
 * log lacks rows the session stays open until the end of input.
 */
int
session_is_complete(const struct session *s)
{
    return (s->flags & (S_SEQ0 | S_DISCONNECT)) == (S_SEQ0 | S_DISCONNECT) && s->rows > s->disc_seq;
}
