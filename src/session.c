/* SPDX-License-Identifier: MIT */
/*
 * session.c: the open-session hash table (linear probing with
 * backward-shift deletion) and the per-row merge rules.
 */
#include "session.h"

#include <stdlib.h>
#include <string.h>

/* session.flags */
#define S_SEQ0 0x01       /* the row with sequence-number 0 was seen */
#define S_DISCONNECT 0x02 /* a '-' row was seen */
#define S_MARKER 0x04     /* marker_cls/proto/cipher are set */
#define S_FAILED 0x08     /* "TLS negotiation failed" */
#define S_ACCEPTED 0x10   /* a TLS command got 220 as the next reply, in row order */
#define S_PENDING 0x20    /* a TLS command awaits its reply (pending_seq) */
#define S_REMOTE 0x40
#define S_LOCAL 0x80
#define S_SAW_CMD 0x100    /* a TLS command was seen */
#define S_LEAD_REPLY 0x200 /* lead_seq/lead_220: the first reply, seen before any command */

#define CONN_CACHE 8

/* A certificate header row: its seq and enum match_cert_kind (0: none). */
struct cert_head {
    uint64_t seq;
    unsigned kind;
};

/* A subject or thumbprint and the seq of its row. */
struct cert_value {
    char *text; /* heap, NUL-terminated; NULL: none */
    size_t len;
    uint64_t seq;
};

#define CERT_SUBJECT 0
#define CERT_THUMB 1
#define CERT_WAITS 2 /* values kept waiting for their header, per kind */

/*
 * The peer's certificate facts of a session (rules in session.h), made at
 * its first certificate row. A waiting value is a subject or thumbprint
 * row whose header has not been seen: kept until a header decides it, and
 * only while it could still win (its seq is below the taken value's). A
 * file boundary cuts at most one block, so one value of each kind waits per
 * boundary; with more waiting than CERT_WAITS, the lowest seqs wait.
 */
struct session_cert {
    struct cert_value taken[2];            /* [CERT_SUBJECT], [CERT_THUMB] */
    struct cert_value wait[2][CERT_WAITS]; /* unused entries have text NULL */
    struct cert_head head[SESSION_SEQS];   /* the last headers seen (a ring) */
    unsigned n_head, next_head;            /* entries used; the one to replace next */
};

/* What a value row is, once its block header is (or is not) known. */
enum cert_verdict {
    CERT_DROP, /* a value of another block (our own certificate) */
    CERT_TAKE, /* a value of the peer's certificate */
    CERT_WAIT, /* header not seen (yet) */
};

struct slot {
    uint64_t hash;
    struct session *s; /* NULL: empty */
};

struct session_table {
    struct slot *slot;
    size_t cap; /* power of two */
    size_t n, peak;
    struct strpool *pool;
    const struct span *conns[CONN_CACHE]; /* connectors seen last: rows repeat a few of them */
    unsigned conn_next;                   /* the entry of conns[] to replace next */
    session_done_fn *done;
    void *user;
};

struct session_table *
session_table_new(session_done_fn *done, void *user)
{
    struct session_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cap = 1024;
    t->slot = calloc(t->cap, sizeof(*t->slot));
    t->pool = strpool_new();
    if (!t->slot || !t->pool) {
        session_table_free(t);
        return NULL;
    }
    t->done = done;
    t->user = user;
    return t;
}

static void
cert_free(struct session_cert *c)
{
    if (!c)
        return;
    for (int k = 0; k < 2; k++) {
        free(c->taken[k].text);
        for (int i = 0; i < CERT_WAITS; i++)
            free(c->wait[k][i].text);
    }
    free(c);
}

void
session_free(struct session *s)
{
    if (!s)
        return;
    if (s->sid != s->sid_buf)
        free(s->sid);
    free(s->host);
    cert_free(s->cert);
    free(s);
}

void
session_table_free(struct session_table *t)
{
    if (!t)
        return;
    if (t->slot) {
        for (size_t i = 0; i < t->cap; i++)
            session_free(t->slot[i].s);
    }
    free(t->slot);
    strpool_free(t->pool);
    free(t);
}

size_t
session_table_open(const struct session_table *t)
{
    return t->n;
}

size_t
session_table_peak(const struct session_table *t)
{
    return t->peak;
}

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

/*
 * Hash of a session key from its direction and session id, eight bytes at
 * a time (ids are 16 hex digits). The connector is left out, so a row is
 * found without interning its connector first; sessions with the same id
 * on two connectors share a hash and are told apart by key_eq().
 */
static uint64_t
key_hash(enum extls_dir dir, const char *sid, size_t len)
{
    uint64_t h = ((uint64_t)dir << 61) ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, sid + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h = (h << 31) | (h >> 33);
    }
    if (i < len) {
        uint64_t w = 0;
        memcpy(&w, sid + i, len - i);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    }
    /* MurmurHash3's finaliser: every input bit reaches the low bits used as index. */
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 33);
}

/* The interned connector of a row: from the small cache, else the pool. */
static const struct span *
connector_of(struct session_table *t, struct span c)
{
    for (unsigned k = 0; k < CONN_CACHE; k++) {
        const struct span *p = t->conns[k];
        if (p && p->len == c.len && memcmp(p->ptr, c.ptr, c.len) == 0)
            return p;
    }
    const struct span *p = strpool_intern(t->pool, c.ptr, c.len);
    if (p) {
        t->conns[t->conn_next] = p;
        t->conn_next = (t->conn_next + 1) % CONN_CACHE;
    }
    return p;
}

static int
key_eq(const struct session *s, enum extls_dir dir, struct span conn, const char *sid, size_t len)
{
    return s->dir == dir && s->sid_len == len && memcmp(s->sid, sid, len) == 0 &&
           s->connector->len == conn.len && memcmp(s->connector->ptr, conn.ptr, conn.len) == 0;
}

/* Double the table; unchanged on failure. */
static int
grow(struct session_table *t)
{
    size_t cap = t->cap * 2;
    struct slot *slot = calloc(cap, sizeof(*slot));
    if (!slot)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slot[i].s)
            continue;
        size_t j = t->slot[i].hash & (cap - 1);
        while (slot[j].s)
            j = (j + 1) & (cap - 1);
        slot[j] = t->slot[i];
    }
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
    return 0;
}

/* Remove slot i, shifting back the entries of its probe run. */
static void
remove_at(struct session_table *t, size_t i)
{
    size_t mask = t->cap - 1;
    t->slot[i].s = NULL;
    t->n--;
    for (size_t j = (i + 1) & mask; t->slot[j].s; j = (j + 1) & mask) {
        size_t home = t->slot[j].hash & mask;
        /* Move j back to i if its home is not in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            t->slot[i] = t->slot[j];
            t->slot[j].s = NULL;
            i = j;
        }
    }
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

/* The kind of the remembered header at seq - back; 0 when unknown. */
static unsigned
head_kind(const struct session_cert *c, uint64_t seq, uint64_t back)
{
    if (seq < back)
        return 0;
    seq -= back;
    for (unsigned i = 0; i < c->n_head; i++) {
        if (c->head[i].seq == seq)
            return c->head[i].kind;
    }
    return 0;
}

/* A subject row at seq: its header is at seq - 1. */
static enum cert_verdict
subject_verdict(const struct session_cert *c, uint64_t seq)
{
    unsigned k = head_kind(c, seq, 1);
    if (k)
        return k == MATCH_CERT_REMOTE_HEAD ? CERT_TAKE : CERT_DROP;
    return seq == 0 ? CERT_DROP : CERT_WAIT;
}

/*
 * A thumbprint row at seq: right after "Received certificate" (seq - 1),
 * or the fourth row of a block (header at seq - 4). A header at seq - 1
 * decides first: a block's thumbprint never follows a header directly.
 */
static enum cert_verdict
thumb_verdict(const struct session_cert *c, uint64_t seq)
{
    unsigned k = head_kind(c, seq, 1);
    if (k)
        return k == MATCH_CERT_RECEIVED_HEAD ? CERT_TAKE : CERT_DROP;
    k = head_kind(c, seq, 4);
    if (k)
        return k == MATCH_CERT_REMOTE_HEAD ? CERT_TAKE : CERT_DROP;
    return seq == 0 ? CERT_DROP : CERT_WAIT;
}

/* The verdict on a value of kind k (CERT_SUBJECT, CERT_THUMB) at seq. */
static enum cert_verdict
verdict(const struct session_cert *c, int k, uint64_t seq)
{
    return k == CERT_SUBJECT ? subject_verdict(c, seq) : thumb_verdict(c, seq);
}

/*
 * The waiting slot a value at seq would use: a free one, else the one with
 * the highest seq above it; -1 when none, or when seq waits already (an
 * input read twice).
 */
static int
wait_slot(const struct session_cert *c, int k, uint64_t seq)
{
    int best = -1, free_slot = -1;
    for (int i = 0; i < CERT_WAITS; i++) {
        const struct cert_value *w = &c->wait[k][i];
        if (!w->text) {
            free_slot = i;
            continue;
        }
        if (w->seq == seq)
            return -1;
        if (w->seq > seq && (best < 0 || w->seq > c->wait[k][best].seq))
            best = i;
    }
    return free_slot >= 0 ? free_slot : best;
}

/* Would a value of kind k at seq with verdict v be kept? */
static int
wanted(const struct session_cert *c, int k, uint64_t seq, enum cert_verdict v)
{
    if (v == CERT_DROP || (c->taken[k].text && seq >= c->taken[k].seq))
        return 0;
    return v == CERT_TAKE || wait_slot(c, k, seq) >= 0;
}

/* Keep *val (its text heap; ownership taken) as taken or waiting value of kind k, or free it. */
static void
place(struct session_cert *c, int k, struct cert_value val, enum cert_verdict v)
{
    if (!wanted(c, k, val.seq, v)) {
        free(val.text);
        return;
    }
    if (v == CERT_WAIT) {
        struct cert_value *w = &c->wait[k][wait_slot(c, k, val.seq)];
        free(w->text);
        *w = val;
        return;
    }
    free(c->taken[k].text);
    c->taken[k] = val;
    /* Waiting values above it can no longer win. */
    for (int i = 0; i < CERT_WAITS; i++) {
        struct cert_value *w = &c->wait[k][i];
        if (w->text && w->seq > val.seq) {
            free(w->text);
            w->text = NULL;
        }
    }
}

/* Settle the waiting values the remembered headers now decide. */
static void
settle(struct session_cert *c)
{
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < CERT_WAITS; i++) {
            struct cert_value w = c->wait[k][i];
            if (!w.text)
                continue;
            enum cert_verdict v = verdict(c, k, w.seq);
            if (v != CERT_WAIT) {
                c->wait[k][i].text = NULL;
                place(c, k, w, v);
            }
        }
    }
}

/* A header row at seq: remember it and decide the waiting values. */
static void
add_head(struct session_cert *c, uint64_t seq, unsigned kind)
{
    struct cert_head h = {seq, kind};
    if (head_kind(c, seq, 0))
        return; /* a duplicate seq: the first header seen stays */
    /* Keep the latest: in row order, a value row's header is among the last few. */
    c->head[c->next_head] = h;
    c->next_head = (c->next_head + 1) % SESSION_SEQS;
    if (c->n_head < SESSION_SEQS)
        c->n_head++;
    settle(c);
}

/* Length of the first max bytes of p[0..len), not cutting a UTF-8 sequence. */
static size_t
cut_utf8(const char *p, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    for (int k = 0; k < 3 && n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80; k++)
        n--;
    if (((unsigned char)p[n] & 0xC0) == 0x80)
        n = max; /* not UTF-8: cut at the cap */
    return n;
}

/* A value from a row: copied (subjects cut at SESSION_SUBJECT_MAX) only if kept. */
static int
offer(struct session_cert *c, int k, uint64_t seq, struct span f, enum cert_verdict v)
{
    if (!wanted(c, k, seq, v))
        return 0;
    struct cert_value val = {NULL, f.len, seq};
    if (k == CERT_SUBJECT)
        val.len = cut_utf8(f.ptr, f.len, SESSION_SUBJECT_MAX);
    else if (val.len > SESSION_THUMB_MAX)
        val.len = SESSION_THUMB_MAX; /* match.c gives no more digits than this */
    val.text = malloc(val.len + 1);
    if (!val.text)
        return -1;
    memcpy(val.text, f.ptr, val.len);
    val.text[val.len] = '\0';
    place(c, k, val, v);
    return 0;
}

/* Merge one certificate row into s; -1 when out of memory (s keeps its other facts). */
static int
merge_cert_row(struct session *s, const struct match_cert *mc, uint64_t seq)
{
    struct session_cert *c = s->cert;
    if (!c) {
        c = calloc(1, sizeof(*c));
        if (!c)
            return -1;
        s->cert = c;
    }
    switch (mc->kind) {
    case MATCH_CERT_REMOTE_HEAD:
    case MATCH_CERT_RECEIVED_HEAD:
    case MATCH_CERT_OTHER_HEAD:
        add_head(c, seq, mc->kind);
        return 0;
    case MATCH_CERT_SUBJECT:
        return offer(c, CERT_SUBJECT, seq, mc->subject, subject_verdict(c, seq));
    case MATCH_CERT_THUMBPRINT:
        return offer(c, CERT_THUMB, seq, mc->thumbprint, thumb_verdict(c, seq));
    case MATCH_CERT_REMOTE_ROW:
        if (offer(c, CERT_THUMB, seq, mc->thumbprint, CERT_TAKE) != 0)
            return -1;
        return mc->subject.ptr ? offer(c, CERT_SUBJECT, seq, mc->subject, CERT_TAKE) : 0;
    }
    return 0;
}

/*
 * Merge src's certificate facts into dst (another part of the same
 * session): src's headers decide dst's waiting values, dst's headers src's.
 * Moves what it keeps out of src; allocates nothing.
 */
static void
merge_cert(struct session_cert *dst, struct session_cert *src)
{
    for (unsigned i = 0; i < src->n_head; i++)
        add_head(dst, src->head[i].seq, src->head[i].kind);
    for (int k = 0; k < 2; k++) {
        if (src->taken[k].text) {
            place(dst, k, src->taken[k], CERT_TAKE);
            src->taken[k].text = NULL;
        }
        for (int i = 0; i < CERT_WAITS; i++) {
            struct cert_value w = src->wait[k][i];
            if (w.text) {
                src->wait[k][i].text = NULL;
                place(dst, k, w, verdict(dst, k, w.seq));
            }
        }
    }
}

const char *
session_cert_subject(const struct session *s, size_t *len)
{
    if (!s->cert || !s->cert->taken[CERT_SUBJECT].text) {
        *len = 0;
        return NULL;
    }
    *len = s->cert->taken[CERT_SUBJECT].len;
    return s->cert->taken[CERT_SUBJECT].text;
}

const char *
session_cert_thumbprint(const struct session *s)
{
    return s->cert ? s->cert->taken[CERT_THUMB].text : NULL;
}

/* Merge the facts of one row into its session. */
static enum extls_status
merge_row(struct session_table *t, struct session *s, const struct row *r,
          const struct match_facts *f, uint32_t file)
{
    uint64_t seq = r->seq;
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
    if (r->remote.len && (!(s->flags & S_REMOTE) || seq < s->remote_seq)) {
        copy_bounded(s->remote, r->remote);
        s->remote_seq = seq;
        s->flags |= S_REMOTE;
    }
    if (r->local.len && (!(s->flags & S_LOCAL) || seq < s->local_seq)) {
        copy_bounded(s->local, r->local);
        s->local_seq = seq;
        s->flags |= S_LOCAL;
    }
    if (!f->flags)
        return EXTLS_OK;

    if ((f->flags & MATCH_TLS_OK) && (!(s->flags & S_MARKER) || seq < s->marker_seq)) {
        const struct span *proto = strpool_intern(t->pool, f->proto.ptr, f->proto.len);
        if (!proto)
            return EXTLS_ENOMEM;
        struct session_algo a[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
        if (f->flags & MATCH_CIPHER) {
            const struct match_algo *m[3] = {&f->cipher, &f->mac, &f->kx};
            for (int i = 0; i < 3; i++) {
                a[i].name = strpool_intern(t->pool, m[i]->name.ptr, m[i]->name.len);
                if (!a[i].name)
                    return EXTLS_ENOMEM;
                a[i].bits = m[i]->bits;
            }
        }
        s->proto = proto;
        s->cipher = a[0];
        s->mac = a[1];
        s->kx = a[2];
        s->marker_cls = f->cls;
        s->marker_seq = seq;
        s->flags |= S_MARKER;
    }
    if (f->flags & MATCH_TLS_FAILED)
        s->flags |= S_FAILED;
    if (f->flags & MATCH_TLS_CMD) {
        remember(s->cmd_seq, &s->n_cmd, seq);
        s->flags |= S_PENDING | S_SAW_CMD;
        s->pending_seq = seq;
    }
    if (f->flags & MATCH_REPLY) {
        if (!(s->flags & (S_SAW_CMD | S_LEAD_REPLY))) {
            s->flags |= S_LEAD_REPLY;
            s->lead_seq = seq;
            s->lead_220 = f->reply_code == 220;
        }
        if (f->reply_code == 220)
            remember(s->ok220_seq, &s->n_ok220, seq);
        if ((s->flags & S_PENDING) && seq > s->pending_seq) {
            if (f->reply_code == 220)
                s->flags |= S_ACCEPTED;
            s->flags &= ~(unsigned)S_PENDING;
        }
    }
    if ((f->flags & MATCH_HOST) && better_host(s, f->host_kind, seq)) {
        if (set_string(&s->host, &s->host_len, f->host) != 0)
            return EXTLS_ENOMEM;
        s->host_kind = f->host_kind;
        s->host_seq = seq;
    }
    if ((f->flags & MATCH_CERT) && merge_cert_row(s, &f->cert, seq) != 0)
        return EXTLS_ENOMEM;
    return EXTLS_OK;
}

/*
 * Every row is in: the first row (seq 0) and the disconnect row have been
 * seen, and as many rows as the disconnect's sequence number implies
 * (Exchange numbers rows 0, 1, 2, ... per session). When rows arrive out
 * of order (files read newest first) this waits for the middle rows; when a
 * log lacks rows the session stays open until the end of input.
 */
static int
is_complete(const struct session *s)
{
    return (s->flags & (S_SEQ0 | S_DISCONNECT)) == (S_SEQ0 | S_DISCONNECT) && s->rows > s->disc_seq;
}

struct session *
session_alloc(const char *sid, size_t len)
{
    struct session *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->sid = len < sizeof(s->sid_buf) ? s->sid_buf : malloc(len + 1);
    if (!s->sid) {
        free(s);
        return NULL;
    }
    memcpy(s->sid, sid, len);
    s->sid[len] = '\0';
    s->sid_len = len;
    return s;
}

static struct session *
session_create(enum extls_dir dir, const struct span *conn, const struct row *r)
{
    struct session *s = session_alloc(r->session.ptr, r->session.len);
    if (!s)
        return NULL;
    s->dir = dir;
    s->connector = conn;
    s->start_ms = INT64_MAX;
    s->end_ms = INT64_MIN;
    s->min_seq = UINT64_MAX;
    return s;
}

enum extls_status
session_table_add(struct session_table *t, const struct row *r, const struct match_facts *f,
                  uint32_t file)
{
    uint64_t h = key_hash(r->dir, r->session.ptr, r->session.len);
    size_t mask = t->cap - 1, i = h & mask;
    struct session *s;
    while ((s = t->slot[i].s) != NULL) {
        if (t->slot[i].hash == h && key_eq(s, r->dir, r->connector, r->session.ptr, r->session.len))
            break;
        i = (i + 1) & mask;
    }
    if (!s) {
        if ((t->n + 1) * 2 > t->cap) {
            if (grow(t) != 0)
                return EXTLS_ENOMEM;
            return session_table_add(t, r, f, file);
        }
        const struct span *conn = connector_of(t, r->connector);
        if (!conn)
            return EXTLS_ENOMEM;
        s = session_create(r->dir, conn, r);
        if (!s)
            return EXTLS_ENOMEM;
        t->slot[i].hash = h;
        t->slot[i].s = s;
        if (++t->n > t->peak)
            t->peak = t->n;
    }
    enum extls_status st = merge_row(t, s, r, f, file);
    if (st != EXTLS_OK)
        return st;
    if (is_complete(s)) {
        remove_at(t, i);
        t->done(s, t->user);
        session_free(s);
    }
    return EXTLS_OK;
}

/* Flush order: earliest start first, then direction, connector, session-id. */
static int
cmp_open(const void *a, const void *b)
{
    const struct session *x = *(struct session *const *)a;
    const struct session *y = *(struct session *const *)b;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    if (x->dir != y->dir)
        return x->dir < y->dir ? -1 : 1;
    if (x->connector != y->connector) {
        size_t n = x->connector->len < y->connector->len ? x->connector->len : y->connector->len;
        int c = memcmp(x->connector->ptr, y->connector->ptr, n);
        if (c)
            return c;
        return x->connector->len < y->connector->len ? -1 : 1;
    }
    size_t n = x->sid_len < y->sid_len ? x->sid_len : y->sid_len;
    int c = memcmp(x->sid, y->sid, n);
    if (c)
        return c;
    return (x->sid_len > y->sid_len) - (x->sid_len < y->sid_len);
}

enum extls_status
session_table_flush(struct session_table *t)
{
    if (t->n == 0)
        return EXTLS_OK;
    struct session **all = malloc(t->n * sizeof(*all));
    if (!all)
        return EXTLS_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slot[i].s) {
            all[n++] = t->slot[i].s;
            t->slot[i].s = NULL;
        }
    }
    t->n = 0;
    qsort(all, n, sizeof(*all), cmp_open);
    for (size_t i = 0; i < n; i++) {
        t->done(all[i], t->user);
        session_free(all[i]);
    }
    free(all);
    return EXTLS_OK;
}

struct session **
session_table_drain(struct session_table *t, size_t *n)
{
    *n = 0;
    if (t->n == 0)
        return NULL;
    struct session **all = malloc(t->n * sizeof(*all));
    if (!all)
        return NULL;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slot[i].s) {
            all[(*n)++] = t->slot[i].s;
            t->slot[i].s = NULL;
        }
    }
    t->n = 0;
    /* Slot order depends on pointer values: sort, so adoption order is reproducible. */
    qsort(all, *n, sizeof(*all), cmp_open);
    return all;
}

/* Re-intern a string of another table's pool in this one. */
static int
reintern(struct session_table *t, const struct span **p)
{
    if (!*p)
        return 0;
    *p = strpool_intern(t->pool, (*p)->ptr, (*p)->len);
    return *p ? 0 : -1;
}

/*
 * Merge `src`, the rows of a later input, into `dst`, as if src's rows had
 * followed dst's. Takes ownership of src's strings it keeps.
 */
static void
merge_session(struct session *dst, struct session *src)
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
    if ((src->flags & S_REMOTE) &&
        (!(dst->flags & S_REMOTE) || src->remote_seq < dst->remote_seq)) {
        memcpy(dst->remote, src->remote, sizeof(dst->remote));
        dst->remote_seq = src->remote_seq;
        dst->flags |= S_REMOTE;
    }
    if ((src->flags & S_LOCAL) && (!(dst->flags & S_LOCAL) || src->local_seq < dst->local_seq)) {
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
        merge_cert(dst->cert, src->cert);
    }
}

enum extls_status
session_table_adopt(struct session_table *t, struct session *s)
{
    struct session_algo *algo[3] = {&s->cipher, &s->mac, &s->kx};
    if (reintern(t, &s->connector) || reintern(t, &s->proto)) {
        session_free(s);
        return EXTLS_ENOMEM;
    }
    for (int i = 0; i < 3; i++) {
        if (reintern(t, &algo[i]->name)) {
            session_free(s);
            return EXTLS_ENOMEM;
        }
    }
    uint64_t h = key_hash(s->dir, s->sid, s->sid_len);
    struct span conn = {s->connector->ptr, s->connector->len};
    size_t mask = t->cap - 1, i = h & mask;
    struct session *d;
    while ((d = t->slot[i].s) != NULL) {
        if (t->slot[i].hash == h && key_eq(d, s->dir, conn, s->sid, s->sid_len))
            break;
        i = (i + 1) & mask;
    }
    if (!d) {
        if ((t->n + 1) * 2 > t->cap) {
            if (grow(t) != 0) {
                session_free(s);
                return EXTLS_ENOMEM;
            }
            return session_table_adopt(t, s);
        }
        t->slot[i].hash = h;
        t->slot[i].s = s;
        if (++t->n > t->peak)
            t->peak = t->n;
        d = s;
    } else {
        merge_session(d, s);
        session_free(s);
    }
    if (is_complete(d)) {
        remove_at(t, i);
        t->done(d, t->user);
        session_free(d);
    }
    return EXTLS_OK;
}

size_t
session_cert_items(const struct session *s, struct session_cert_item *out, unsigned *n_head,
                   unsigned *next_head)
{
    const struct session_cert *c = s->cert;
    size_t n = 0;
    *n_head = *next_head = 0;
    if (!c)
        return 0;
    *n_head = c->n_head;
    *next_head = c->next_head;
    for (unsigned k = 0; k < 2; k++) {
        const struct cert_value *v = &c->taken[k];
        if (v->text)
            out[n++] =
                (struct session_cert_item){SESSION_CERT_TAKEN, k, 0, v->seq, v->text, v->len};
        for (unsigned w = 0; w < CERT_WAITS; w++) {
            v = &c->wait[k][w];
            if (v->text)
                out[n++] =
                    (struct session_cert_item){SESSION_CERT_WAIT, k, w, v->seq, v->text, v->len};
        }
    }
    for (unsigned h = 0; h < SESSION_SEQS; h++) {
        const struct cert_head *hd = &c->head[h];
        out[n++] = (struct session_cert_item){SESSION_CERT_HEAD, hd->kind, h, hd->seq, NULL, 0};
    }
    return n;
}

int
session_cert_restore(struct session *s, const struct session_cert_item *items, size_t n,
                     unsigned n_head, unsigned next_head)
{
    if (n_head > SESSION_SEQS || next_head >= SESSION_SEQS)
        return -1;
    struct session_cert *c = calloc(1, sizeof(*c));
    if (!c)
        return -1;
    c->n_head = n_head;
    c->next_head = next_head;
    for (size_t i = 0; i < n; i++) {
        const struct session_cert_item *it = &items[i];
        struct cert_value *v = NULL;
        if (it->what == SESSION_CERT_HEAD) {
            if (it->slot >= SESSION_SEQS)
                goto bad;
            c->head[it->slot].kind = it->kind;
            c->head[it->slot].seq = it->seq;
            continue;
        }
        if (it->kind > CERT_THUMB)
            goto bad;
        if (it->what == SESSION_CERT_TAKEN)
            v = &c->taken[it->kind];
        else if (it->what == SESSION_CERT_WAIT && it->slot < CERT_WAITS)
            v = &c->wait[it->kind][it->slot];
        if (!v || v->text || !it->text)
            goto bad;
        v->text = malloc(it->len + 1);
        if (!v->text)
            goto bad;
        memcpy(v->text, it->text, it->len);
        v->text[it->len] = '\0';
        v->len = it->len;
        v->seq = it->seq;
    }
    cert_free(s->cert);
    s->cert = c;
    return 0;
bad:
    cert_free(c);
    return -1;
}
