/* SPDX-License-Identifier: MIT */
/*
 * session.c: the open-session hash table (linear probing with
 * backward-shift deletion): finds the open session of a row, folds it when
 * complete. The merge rules are in session_merge.c.
 */
#include "session.h"

#include "cert.h"
#include "hash64.h"
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

#define CONN_CACHE 8
#define SPARE_MAX 32 /* folded sessions kept for reuse: no malloc/free pair per session */

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
    struct session *spare[SPARE_MAX];     /* folded sessions, emptied, to be reused */
    unsigned n_spare;
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

/* Free what session s owns, not s itself. */
static void
release_members(struct session *s)
{
    if (s->sid != s->sid_buf)
        free(s->sid);
    free(s->host);
    cert_free(s->cert);
}

void
session_free(struct session *s)
{
    if (!s)
        return;
    release_members(s);
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
    for (unsigned i = 0; i < t->n_spare; i++)
        free(t->spare[i]);
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

const char *
session_cert_subject(const struct session *s, size_t *len)
{
    if (!s->cert) {
        *len = 0;
        return NULL;
    }
    return cert_subject(s->cert, len);
}

const char *
session_cert_thumbprint(const struct session *s)
{
    return s->cert ? cert_thumbprint(s->cert) : NULL;
}

/*
 * Hash of a session key from its direction and session id. The connector
 * is left out, so a row is found without interning its connector first;
 * sessions with the same id on two connectors share a hash and are told
 * apart by key_eq().
 */
static uint64_t
key_hash(enum extls_dir dir, const char *sid, size_t len)
{
    /* Exchange's ids have 16 bytes: hash64() inlined for that constant length has no loop. */
    uint64_t h = len == 16 ? hash64(sid, 16) : hash64(sid, len);
    return h ^ ((uint64_t)dir * 0x9E3779B97F4A7C15ull);
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

/* Are two session ids of length len the same? Exchange's have 16 bytes: two words, no call. */
static inline int
same_sid(const char *a, const char *b, size_t len)
{
    if (len != 16)
        return memcmp(a, b, len) == 0;
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, a, 8);
    memcpy(&a1, a + 8, 8);
    memcpy(&b0, b, 8);
    memcpy(&b1, b + 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

static int
key_eq(const struct session *s, enum extls_dir dir, struct span conn, const char *sid, size_t len)
{
    return s->dir == dir && s->sid_len == len && same_sid(s->sid, sid, len) &&
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

/* Give the zeroed session s its id; -1 when out of memory (s unchanged). */
static int
set_sid(struct session *s, const char *sid, size_t len)
{
    s->sid = len < sizeof(s->sid_buf) ? s->sid_buf : malloc(len + 1);
    if (!s->sid)
        return -1;
    memcpy(s->sid, sid, len);
    s->sid[len] = '\0';
    s->sid_len = len;
    return 0;
}

struct session *
session_alloc(const char *sid, size_t len)
{
    struct session *s = calloc(1, sizeof(*s));
    if (s && set_sid(s, sid, len) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* Keep the folded session s (in no slot) for session_create(), or free it. */
static void
recycle(struct session_table *t, struct session *s)
{
    if (t->n_spare == SPARE_MAX) {
        session_free(s);
        return;
    }
    release_members(s);
    t->spare[t->n_spare++] = s;
}

static struct session *
session_create(struct session_table *t, enum extls_dir dir, const struct span *conn,
               const struct row *r)
{
    struct session *s;
    if (t->n_spare) {
        s = t->spare[t->n_spare - 1];
        memset(s, 0, sizeof(*s)); /* as calloc() would give it */
        if (set_sid(s, r->session.ptr, r->session.len) != 0)
            return NULL; /* s stays a spare */
        t->n_spare--;
    } else {
        s = session_alloc(r->session.ptr, r->session.len);
    }
    if (!s)
        return NULL;
    s->dir = dir;
    s->connector = conn;
    s->start_ms = INT64_MAX;
    s->end_ms = INT64_MIN;
    s->min_seq = UINT64_MAX;
    return s;
}

/*
 * Find the open session with this key: *found is it or NULL, *at its slot
 * or the empty slot a new session takes (the table is grown first when a
 * new one would fill it over half). -1 when out of memory (table unchanged).
 * Inline: it runs for every row, and a call passing its eight arguments
 * cost more than the probe itself (callgrind).
 */
static inline int
find(struct session_table *t, uint64_t h, enum extls_dir dir, struct span conn, const char *sid,
     size_t len, struct session **found, size_t *at)
{
    for (;;) {
        size_t mask = t->cap - 1, i = h & mask;
        struct session *s;
        while ((s = t->slot[i].s) != NULL) {
            if (t->slot[i].hash == h && key_eq(s, dir, conn, sid, len))
                break;
            i = (i + 1) & mask;
        }
        if (s || (t->n + 1) * 2 <= t->cap) {
            *found = s;
            *at = i;
            return 0;
        }
        if (grow(t) != 0)
            return -1;
    }
}

/* Put s in the empty slot i. */
static void
put_at(struct session_table *t, size_t i, uint64_t h, struct session *s)
{
    t->slot[i].hash = h;
    t->slot[i].s = s;
    if (++t->n > t->peak)
        t->peak = t->n;
}

/* Fold the session in slot i, all its rows in; done's status. */
static enum extls_status
fold_at(struct session_table *t, size_t i)
{
    struct session *s = t->slot[i].s;
    remove_at(t, i);
    enum extls_status st = t->done(s, t->user);
    recycle(t, s);
    return st;
}

/* Fold the session in slot i when all its rows are in; done's status. */
static inline enum extls_status
fold_if_complete(struct session_table *t, size_t i)
{
    return session_is_complete(t->slot[i].s) ? fold_at(t, i) : EXTLS_OK;
}

enum extls_status
session_table_add(struct session_table *t, const struct row *r, const struct match_facts *f,
                  uint32_t file)
{
    uint64_t h = key_hash(r->dir, r->session.ptr, r->session.len);
    struct session *s;
    size_t i;
    if (find(t, h, r->dir, r->connector, r->session.ptr, r->session.len, &s, &i) != 0)
        return EXTLS_ENOMEM;
    if (!s) {
        const struct span *conn = connector_of(t, r->connector);
        if (!conn)
            return EXTLS_ENOMEM;
        s = session_create(t, r->dir, conn, r);
        if (!s)
            return EXTLS_ENOMEM;
        put_at(t, i, h, s);
    }
    enum extls_status st = session_merge_row(t->pool, s, r, f, file);
    if (st != EXTLS_OK)
        return st;
    return fold_if_complete(t, i);
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

enum extls_status
session_table_flush(struct session_table *t)
{
    size_t n;
    struct session **all = session_table_drain(t, &n);
    if (!all)
        return t->n ? EXTLS_ENOMEM : EXTLS_OK;
    enum extls_status st = EXTLS_OK;
    for (size_t i = 0; i < n; i++) {
        if (st == EXTLS_OK)
            st = t->done(all[i], t->user);
        session_free(all[i]);
    }
    free(all);
    return st;
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
    struct session *d;
    size_t i;
    if (find(t, h, s->dir, conn, s->sid, s->sid_len, &d, &i) != 0) {
        session_free(s);
        return EXTLS_ENOMEM;
    }
    if (!d) {
        put_at(t, i, h, s);
    } else {
        session_merge(d, s);
        session_free(s);
    }
    return fold_if_complete(t, i);
}
