/* SPDX-License-Identifier: MIT */
/*
 * session_merge.c: the merge rules of a session's facts, in one place.
 * Merging a row gives what merging the session of that row alone would
 * (session_merge_row() applies session_merge()'s rules in place, for a
 * source of one row), so the order in which rows and parts of a session
 * arrive never changes the result; and the class a merged session gets.
 */
#include "session_int.h"

#include "row.h"

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
 * The marker of a row that wins the session's marker: its protocol and
 * algorithm names interned in the pool, into *proto and a[0..3) (all NULL
 * without MATCH_CIPHER). -1 when out of memory.
 */
static int
intern_marker(struct strpool *pool, const struct match_facts *f, const struct span **proto,
              struct session_algo a[3])
{
    *proto = strpool_intern(pool, f->proto.ptr, f->proto.len);
    if (!*proto)
        return -1;
    a[0] = a[1] = a[2] = (struct session_algo){NULL, 0};
    if (f->flags & MATCH_CIPHER) {
        const struct match_algo *m[3] = {&f->cipher, &f->mac, &f->kx};
        for (int i = 0; i < 3; i++) {
            a[i].name = strpool_intern(pool, m[i]->name.ptr, m[i]->name.len);
            if (!a[i].name)
                return -1;
            a[i].bits = m[i]->bits;
        }
    }
    return 0;
}

/*
 * The certificate of a certificate row alone, to be merged like a session's
 * (cert_merge()); NULL when out of memory. Caller owns, free with
 * cert_free().
 */
static struct cert *
cert_of_row(const struct match_facts *f, uint64_t seq)
{
    struct cert *c = cert_new();
    if (c && cert_add_row(c, &f->cert, seq) != EXTLS_OK) {
        cert_free(c);
        return NULL;
    }
    return c;
}

/*
 * The facts of a row that keep something of it (a protocol marker, a host
 * name, a certificate row) merged into s by session_merge()'s rules for a
 * source of one row. What may fail (interning, copying the host name, the
 * row's certificate) is done before s changes: on failure s is unchanged.
 * Not inlined: few rows have such facts, and the registers it needs made
 * the entry of every row's merge dearer.
 */
__attribute__((noinline)) static enum extls_status
merge_kept_facts(struct strpool *pool, struct session *s, uint64_t seq, const struct match_facts *f)
{
    unsigned mf = f->flags;
    const struct span *proto = NULL;
    struct session_algo algo[3];
    char *host = NULL;
    size_t host_len = 0;
    struct cert *cert = NULL;
    int marker = (mf & MATCH_TLS_OK) && (!(s->flags & S_MARKER) || seq < s->marker_seq);
    int host_wins = (mf & MATCH_HOST) && better_host(s, f->host_kind, seq);
    if (marker && intern_marker(pool, f, &proto, algo) != 0)
        return EXTLS_ENOMEM;
    if (host_wins && set_string(&host, &host_len, f->host) != 0)
        return EXTLS_ENOMEM;
    if ((mf & MATCH_CERT) && !(cert = cert_of_row(f, seq))) {
        free(host);
        return EXTLS_ENOMEM;
    }

    if (host_wins) {
        free(s->host);
        s->host = host;
        s->host_len = host_len;
        s->host_kind = f->host_kind;
        s->host_seq = seq;
    }
    if (marker) {
        s->proto = proto;
        s->cipher = algo[0];
        s->mac = algo[1];
        s->kx = algo[2];
        s->marker_cls = f->cls;
        s->marker_seq = seq;
        s->flags |= S_MARKER;
    }
    if (cert && !s->cert) {
        s->cert = cert;
    } else if (cert) {
        cert_merge(s->cert, cert);
        cert_free(cert);
    }
    return EXTLS_OK;
}

/*
 * The TLS failure and the STARTTLS dialogue of a row merged into s by
 * session_merge()'s rules for a source of one row: a command is pending
 * until the next reply.
 */
static void
merge_dialogue(struct session *s, uint64_t seq, const struct match_facts *f)
{
    unsigned mf = f->flags;
    if (mf & MATCH_TLS_FAILED)
        s->flags |= S_FAILED;
    int cmd = (mf & MATCH_TLS_CMD) != 0;
    int lead = (mf & MATCH_REPLY) && !cmd; /* a reply before any command of the row */
    int ok220 = (mf & MATCH_REPLY) && f->reply_code == 220;
    if (cmd)
        remember(s->cmd_seq, &s->n_cmd, seq);
    if (ok220)
        remember(s->ok220_seq, &s->n_ok220, seq);
    if (lead && (s->flags & S_PENDING) && seq > s->pending_seq) {
        if (ok220)
            s->flags |= S_ACCEPTED;
        s->flags &= ~(unsigned)S_PENDING;
    }
    if (cmd) {
        s->flags |= S_PENDING;
        s->pending_seq = seq;
    }
    if (lead && !(s->flags & (S_SAW_CMD | S_LEAD_REPLY))) {
        s->flags |= S_LEAD_REPLY;
        s->lead_seq = seq;
        s->lead_220 = ok220;
    }
    if (cmd)
        s->flags |= S_SAW_CMD;
}

/*
 * Merge the facts of one row into its session, in place: exactly what
 * session_merge() does with the session of that row alone (each rule here,
 * in merge_kept_facts() and in merge_dialogue() is session_merge()'s rule
 * for a source of one row), without building that session. The three
 * parts touch different fields, so their order does not matter; the one
 * that may fail goes first.
 */
enum extls_status
session_merge_row(struct strpool *pool, struct session *s, const struct row *r,
                  const struct match_facts *f, uint32_t file)
{
    uint64_t seq = r->seq;
    if (f->flags & (MATCH_TLS_OK | MATCH_HOST | MATCH_CERT)) {
        enum extls_status st = merge_kept_facts(pool, s, seq, f);
        if (st != EXTLS_OK)
            return st;
    }
    if (f->flags & (MATCH_TLS_FAILED | MATCH_TLS_CMD | MATCH_REPLY))
        merge_dialogue(s, seq, f);
    if (r->time_ms < s->start_ms)
        s->start_ms = r->time_ms;
    if (r->time_ms > s->end_ms)
        s->end_ms = r->time_ms;
    s->rows++;
    if (seq < s->min_seq) {
        s->min_seq = seq;
        s->file = file;
        s->line = r->line;
    }
    if (seq == 0)
        s->flags |= S_SEQ0;
    if (r->event == ROW_DISCONNECT && (!(s->flags & S_DISCONNECT) || seq > s->disc_seq)) {
        s->flags |= S_DISCONNECT;
        s->disc_seq = seq;
    }
    if (r->remote_ep.len && remote_wins(s, seq)) {
        /* Only a row that sets the remote needs its address (after the first, few do). */
        struct span a = row_endpoint_address(r->remote_ep);
        if (a.len) {
            copy_bounded(s->remote, a);
            s->remote_seq = seq;
            s->flags |= S_REMOTE;
        }
    }
    if (r->local.len && local_wins(s, seq)) {
        copy_bounded(s->local, r->local);
        s->local_seq = seq;
        s->flags |= S_LOCAL;
    }
    return EXTLS_OK;
}
