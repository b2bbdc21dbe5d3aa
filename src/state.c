/* SPDX-License-Identifier: MIT */
/*
 * state.c: the --state file: writing it atomically, reading it strictly.
 */
#include "state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hashidx.h"
#include "platform.h"
#include "strpool.h"

#define MAGIC "extls-state"
#define STATE_MAX_BYTES (1ull << 30) /* a larger file is not ours */
#define MAX_FIELDS 160               /* fields of the longest record ("open") */

/*
 * Eight bytes at a time (read little-endian, so the value is the same on
 * every machine), multiply and rotate, then MurmurHash3's finaliser: about
 * eight times the speed of byte-wise FNV-1a on the 4 KiB heads of 100 000
 * files and on multi-megabyte state texts.
 */
uint64_t
state_checksum(const void *buf, size_t len)
{
    const unsigned char *p = buf;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w = (uint64_t)p[i] | (uint64_t)p[i + 1] << 8 | (uint64_t)p[i + 2] << 16 |
                     (uint64_t)p[i + 3] << 24 | (uint64_t)p[i + 4] << 32 |
                     (uint64_t)p[i + 5] << 40 | (uint64_t)p[i + 6] << 48 | (uint64_t)p[i + 7] << 56;
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h = (h << 31) | (h >> 33);
    }
    uint64_t w = 0;
    for (size_t k = 0; i + k < len; k++)
        w |= (uint64_t)p[i + k] << (8 * k);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 33);
}

uint64_t
state_head_hash(const void *buf, size_t len)
{
    return state_checksum(buf, len);
}

enum extls_status
state_init(struct state *st)
{
    memset(st, 0, sizeof(*st));
    st->totals.first_ms = INT64_MAX;
    st->totals.last_ms = INT64_MIN;
    hashidx_init(&st->by_path);
    hashidx_init(&st->by_head);
    hashidx_init(&st->by_series);
    hashidx_init(&st->by_key);
    st->pool = strpool_new();
    return st->pool ? EXTLS_OK : EXTLS_ENOMEM;
}

void
state_release(struct state *st)
{
    for (size_t i = 0; i < st->n_opts; i++) {
        free(st->opts[i].name);
        free(st->opts[i].value);
    }
    for (size_t i = 0; i < st->n_files; i++)
        free(st->files[i].path);
    free(st->files);
    for (size_t i = 0; i < st->n_series; i++)
        free(st->series[i].folder);
    free(st->series);
    for (size_t i = 0; i < st->n_open; i++) {
        session_free(st->open[i]);
        free(st->open_path[i]);
    }
    free(st->open);
    free(st->open_path);
    for (size_t i = 0; i < st->n_folded; i++)
        free(st->folded[i].sid);
    free(st->folded);
    for (size_t i = 0; i < st->n_aggs; i++)
        agg_free(st->aggs[i]);
    strpool_free(st->pool);
    free(st->raw);
    hashidx_release(&st->by_path);
    hashidx_release(&st->by_head);
    hashidx_release(&st->by_series);
    hashidx_release(&st->by_key);
    memset(st, 0, sizeof(*st));
}

/* Make room for one more element in a growable array; 0 or -1 (unchanged). */
static int
reserve(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, c * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

static uint64_t
path_hash(const char *path)
{
    return state_checksum(path, strlen(path));
}

enum extls_status
state_add_file(struct state *st, const struct state_file *f)
{
    if (st->n_files >= UINT32_MAX - 1 ||
        reserve((void **)&st->files, &st->cap_files, st->n_files, sizeof(*st->files)) != 0)
        return EXTLS_ENOMEM;
    struct state_file *d = &st->files[st->n_files];
    *d = *f;
    d->path = strdup(f->path);
    if (!d->path)
        return EXTLS_ENOMEM;
    uint32_t at = (uint32_t)st->n_files;
    if (hashidx_add(&st->by_path, path_hash(d->path), at) != EXTLS_OK ||
        (d->head_len == STATE_HEAD && hashidx_add(&st->by_head, d->head_hash, at) != EXTLS_OK)) {
        free(d->path);
        return EXTLS_ENOMEM; /* a stale index entry is harmless: look-ups compare the record */
    }
    st->n_files++;
    return EXTLS_OK;
}

const struct state_file *
state_find_file(const struct state *st, const char *path)
{
    struct hashidx_iter it;
    uint32_t i;
    hashidx_find(&st->by_path, path_hash(path), &it);
    while (hashidx_next(&it, &i)) {
        if (i < st->n_files && strcmp(st->files[i].path, path) == 0)
            return &st->files[i];
    }
    return NULL;
}

const struct state_file *
state_find_head(const struct state *st, uint64_t head_hash, const unsigned char *skip)
{
    struct hashidx_iter it;
    uint32_t i;
    hashidx_find(&st->by_head, head_hash, &it);
    const struct state_file *best = NULL;
    while (hashidx_next(&it, &i)) {
        if (i >= st->n_files || (skip && skip[i]))
            continue;
        const struct state_file *f = &st->files[i];
        if (f->head_len != STATE_HEAD || f->head_hash != head_hash)
            continue;
        if (!best || f < best)
            best = f; /* the first record, as a scan would find */
    }
    return best;
}

enum extls_status
state_set_opt(struct state *st, const char *name, const char *value)
{
    if (st->n_opts == STATE_MAX_OPTS)
        return EXTLS_ETOOBIG;
    struct state_opt *o = &st->opts[st->n_opts];
    o->name = strdup(name);
    o->value = strdup(value ? value : "");
    if (!o->name || !o->value) {
        free(o->name);
        free(o->value);
        return EXTLS_ENOMEM;
    }
    st->n_opts++;
    return EXTLS_OK;
}

const char *
state_get_opt(const struct state *st, const char *name)
{
    for (size_t i = 0; i < st->n_opts; i++) {
        if (strcmp(st->opts[i].name, name) == 0)
            return st->opts[i].value;
    }
    return NULL;
}

static uint64_t
series_hash(enum extls_dir dir, const char *folder, size_t len)
{
    unsigned char d = (unsigned char)dir;
    return hash_bytes(hash_bytes(HASH_SEED, &d, 1), folder, len);
}

long
state_find_series(const struct state *st, enum extls_dir dir, const char *folder, size_t len)
{
    struct hashidx_iter it;
    uint32_t i;
    hashidx_find(&st->by_series, series_hash(dir, folder, len), &it);
    while (hashidx_next(&it, &i)) {
        const struct state_series *s = i < st->n_series ? &st->series[i] : NULL;
        if (s && s->dir == dir && strlen(s->folder) == len && memcmp(s->folder, folder, len) == 0)
            return (long)i;
    }
    return -1;
}

/* strndup(), which not every C library has: at most n bytes of s, NUL-terminated. */
static char *
copy_n(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

enum extls_status
state_add_series(struct state *st, enum extls_dir dir, const char *folder, size_t len,
                 int64_t clock_ms, uint32_t *idx)
{
    if (st->n_series >= UINT32_MAX - 1 ||
        reserve((void **)&st->series, &st->cap_series, st->n_series, sizeof(*st->series)) != 0)
        return EXTLS_ENOMEM;
    struct state_series *s = &st->series[st->n_series];
    s->folder = copy_n(folder, len);
    if (!s->folder)
        return EXTLS_ENOMEM;
    s->dir = dir;
    s->clock_ms = clock_ms;
    *idx = (uint32_t)st->n_series;
    if (hashidx_add(&st->by_series, series_hash(dir, folder, len), *idx) != EXTLS_OK) {
        free(s->folder);
        return EXTLS_ENOMEM;
    }
    st->n_series++;
    return EXTLS_OK;
}

static uint64_t
key_hash(enum extls_dir dir, const char *conn, size_t conn_len, const char *sid, size_t sid_len)
{
    unsigned char d = (unsigned char)dir;
    uint64_t h = hash_bytes(HASH_SEED, &d, 1);
    h = hash_bytes(h, conn, conn_len);
    h = hash_bytes(h, "\t", 1); /* connector ids hold no TAB in their key role */
    return hash_bytes(h, sid, sid_len);
}

enum extls_status
state_add_folded(struct state *st, uint32_t series, enum extls_dir dir, const char *conn,
                 size_t conn_len, const char *sid, size_t sid_len, int64_t end_ms)
{
    if (st->n_folded >= UINT32_MAX - 1 ||
        reserve((void **)&st->folded, &st->cap_folded, st->n_folded, sizeof(*st->folded)) != 0)
        return EXTLS_ENOMEM;
    struct state_folded *f = &st->folded[st->n_folded];
    f->series = series;
    f->dir = dir;
    f->connector = strpool_intern(st->pool, conn, conn_len);
    f->sid = copy_n(sid, sid_len);
    f->sid_len = sid_len;
    f->end_ms = end_ms;
    if (!f->connector || !f->sid ||
        hashidx_add(&st->by_key, key_hash(dir, conn, conn_len, sid, sid_len),
                    (uint32_t)st->n_folded) != EXTLS_OK) {
        free(f->sid);
        return EXTLS_ENOMEM;
    }
    st->n_folded++;
    return EXTLS_OK;
}

const struct state_folded *
state_find_folded(const struct state *st, enum extls_dir dir, const char *conn, size_t conn_len,
                  const char *sid, size_t sid_len)
{
    if (!st->n_folded)
        return NULL;
    struct hashidx_iter it;
    uint32_t i;
    hashidx_find(&st->by_key, key_hash(dir, conn, conn_len, sid, sid_len), &it);
    while (hashidx_next(&it, &i)) {
        const struct state_folded *f = i < st->n_folded ? &st->folded[i] : NULL;
        if (f && f->dir == dir && f->sid_len == sid_len && f->connector->len == conn_len &&
            memcmp(f->sid, sid, sid_len) == 0 && memcmp(f->connector->ptr, conn, conn_len) == 0)
            return f;
    }
    return NULL;
}

enum extls_status
state_add_open(struct state *st, struct session *s, const char *path)
{
    if (st->n_open == st->cap_open) {
        size_t cap = st->cap_open ? st->cap_open * 2 : 64;
        struct session **o = realloc(st->open, cap * sizeof(*o));
        if (o)
            st->open = o;
        char **pp = o ? realloc(st->open_path, cap * sizeof(*pp)) : NULL;
        if (!o || !pp) {
            session_free(s);
            return EXTLS_ENOMEM;
        }
        st->open_path = pp;
        st->cap_open = cap;
    }
    char *copy = strdup(path);
    const struct span *keep[5] = {s->connector, s->proto, s->cipher.name, s->mac.name, s->kx.name};
    int bad = !copy;
    for (int i = 0; i < 5 && !bad; i++) {
        if (keep[i] && !(keep[i] = strpool_intern(st->pool, keep[i]->ptr, keep[i]->len)))
            bad = 1;
    }
    if (bad) {
        free(copy);
        session_free(s);
        return EXTLS_ENOMEM;
    }
    s->connector = keep[0];
    s->proto = keep[1];
    s->cipher.name = keep[2];
    s->mac.name = keep[3];
    s->kx.name = keep[4];
    st->open[st->n_open] = s;
    st->open_path[st->n_open] = copy;
    st->n_open++;
    return EXTLS_OK;
}

/* ---- writing ---- */

/* A growable text buffer; on allocation failure it sets `failed` and stops growing. */
struct text {
    char *p;
    size_t len, cap;
    int failed;
};

static void
put(struct text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p) {
            t->failed = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void
putf(struct text *t, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    put(t, buf, n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* A TAB then one escaped field. */
static void
put_field(struct text *t, const char *s, size_t n)
{
    put(t, "\t", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\')
            put(t, "\\\\", 2);
        else if (c == '\t')
            put(t, "\\t", 2);
        else if (c == '\n')
            put(t, "\\n", 2);
        else if (c == '\r')
            put(t, "\\r", 2);
        else if (c < 0x20 || c == 0x7F)
            putf(t, "\\x%02X", c);
        else
            put(t, s + i, 1);
    }
}

static void
put_str(struct text *t, const char *s)
{
    put_field(t, s, strlen(s));
}

static void
put_u(struct text *t, uint64_t v)
{
    putf(t, "\t%" PRIu64, v);
}

static void
put_i(struct text *t, int64_t v)
{
    putf(t, "\t%" PRId64, v);
}

static void
put_pstr(struct text *t, const struct span *p)
{
    put_u(t, p != NULL);
    put_field(t, p ? p->ptr : "", p ? p->len : 0);
}

static void
write_pos(struct text *t, const struct reader_pos *p)
{
    put_u(t, p->offset);
    put_u(t, p->line);
    put_u(t, (uint64_t)p->dir);
    put_u(t, p->n_fields);
    for (int c = 0; c < READER_N_COLS; c++)
        put_i(t, p->pos_of[c]);
}

static void
write_session(struct text *t, const struct session *s, const char *path)
{
    put(t, "open", 4);
    put_str(t, path);
    put_u(t, (uint64_t)s->dir);
    put_field(t, s->connector->ptr, s->connector->len);
    put_field(t, s->sid, s->sid_len);
    put_i(t, s->start_ms);
    put_i(t, s->end_ms);
    put_u(t, s->rows);
    put_str(t, s->remote);
    put_str(t, s->local);
    put_u(t, s->host != NULL);
    put_field(t, s->host ? s->host : "", s->host ? s->host_len : 0);
    put_u(t, (uint64_t)s->host_kind);
    put_pstr(t, s->proto);
    const struct session_algo *a[3] = {&s->cipher, &s->mac, &s->kx};
    for (int i = 0; i < 3; i++) {
        put_pstr(t, a[i]->name);
        put_u(t, a[i]->bits);
    }
    put_u(t, s->line);
    put_u(t, s->flags);
    put_u(t, (uint64_t)s->marker_cls);
    const uint64_t seqs[] = {s->min_seq,  s->marker_seq,  s->remote_seq, s->local_seq,
                             s->host_seq, s->pending_seq, s->disc_seq,   s->lead_seq};
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
        put_u(t, seqs[i]);
    put_u(t, (uint64_t)(s->lead_220 != 0));
    put_u(t, s->n_cmd);
    for (unsigned i = 0; i < SESSION_SEQS; i++)
        put_u(t, i < s->n_cmd ? s->cmd_seq[i] : 0);
    put_u(t, s->n_ok220);
    for (unsigned i = 0; i < SESSION_SEQS; i++)
        put_u(t, i < s->n_ok220 ? s->ok220_seq[i] : 0);
    struct cert_item items[CERT_ITEMS];
    unsigned n_head = 0, next_head = 0;
    size_t n = s->cert ? cert_items(s->cert, items, &n_head, &next_head) : 0;
    put_u(t, n);
    put_u(t, n_head);
    put_u(t, next_head);
    for (size_t i = 0; i < n; i++) {
        put_u(t, items[i].what);
        put_u(t, items[i].kind);
        put_u(t, items[i].slot);
        put_u(t, items[i].seq);
        put_field(t, items[i].text ? items[i].text : "", items[i].len);
    }
    put(t, "\n", 1);
}

static void
write_agg(struct text *t, size_t idx, struct agg *a)
{
    size_t nk;
    const enum agg_key *keys = agg_keys(a, &nk);
    put(t, "agg", 3);
    put_u(t, idx);
    put_u(t, nk);
    for (size_t k = 0; k < nk; k++)
        put_str(t, agg_key_name(keys[k]));
    put(t, "\n", 1);
    const struct agg_group *const *v = agg_sorted(a);
    size_t n = agg_size(a);
    if (n && !v) {
        t->failed = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct agg_group *g = v[i];
        put(t, "group", 5);
        put_u(t, idx);
        for (size_t k = 0; k < nk; k++)
            put_field(t, g->key[keys[k]].ptr, g->key[keys[k]].len);
        put_u(t, g->sessions);
        for (int c = 0; c < EXTLS_N_CLASSES; c++)
            put_u(t, g->count[c]);
        put_i(t, g->first_ms);
        put_i(t, g->last_ms);
        put_i(t, g->host_ms);
        put_field(t, g->host.ptr, g->host.len);
        put(t, "\n", 1);
    }
}

static void
serialize(struct state *st, struct text *t)
{
    putf(t, "%s\t%d\n", MAGIC, STATE_VERSION);
    for (size_t i = 0; i < st->n_opts; i++) {
        put(t, "opt", 3);
        put_str(t, st->opts[i].name);
        put_str(t, st->opts[i].value);
        put(t, "\n", 1);
    }
    const struct report_totals *tt = &st->totals;
    put(t, "totals", 6);
    const uint64_t tot[] = {tt->files,     tt->files_skipped, tt->files_failed, tt->rows,
                            tt->malformed, tt->sessions,      tt->excluded,     tt->late_rows};
    for (size_t i = 0; i < sizeof(tot) / sizeof(tot[0]); i++)
        put_u(t, tot[i]);
    put_i(t, tt->first_ms);
    put_i(t, tt->last_ms);
    put(t, "\n", 1);
    for (size_t i = 0; i < st->n_files; i++) {
        const struct state_file *f = &st->files[i];
        put(t, "file", 4);
        put_u(t, f->dev);
        put_u(t, f->ino);
        put_u(t, f->head_len);
        putf(t, "\t%016" PRIx64, f->head_hash);
        write_pos(t, &f->pos);
        put_str(t, f->path);
        put(t, "\n", 1);
    }
    for (size_t i = 0; i < st->n_series; i++) {
        const struct state_series *se = &st->series[i];
        put(t, "series", 6);
        put_u(t, (uint64_t)se->dir);
        put_i(t, se->clock_ms);
        put_str(t, se->folder);
        put(t, "\n", 1);
    }
    for (size_t i = 0; i < st->n_open; i++)
        write_session(t, st->open[i], st->open_path[i]);
    for (size_t i = 0; i < st->n_folded; i++) {
        const struct state_folded *f = &st->folded[i];
        put(t, "folded", 6);
        put_u(t, f->series);
        put_u(t, (uint64_t)f->dir);
        put_i(t, f->end_ms);
        put_field(t, f->connector->ptr, f->connector->len);
        put_field(t, f->sid, f->sid_len);
        put(t, "\n", 1);
    }
    for (size_t i = 0; i < st->n_aggs; i++) {
        if (st->aggs[i])
            write_agg(t, i, st->aggs[i]);
    }
    if (!t->failed)
        putf(t, "end\t%016" PRIx64 "\n", state_checksum(t->p, t->len));
}

static enum extls_status
io_error(char *err, size_t err_len, const char *what, const char *path)
{
    snprintf(err, err_len, "cannot %s '%s': %s", what, path, strerror(errno));
    return EXTLS_EIO;
}

enum extls_status
state_save_temp(struct state *st, const char *path, char **tmp_out, char *err, size_t err_len)
{
    *tmp_out = NULL;
    struct text t = {0};
    serialize(st, &t);
    if (t.failed) {
        free(t.p);
        snprintf(err, err_len, "out of memory writing state '%s'", path);
        return EXTLS_ENOMEM;
    }
    if (st->raw && st->raw_len == t.len && memcmp(st->raw, t.p, t.len) == 0) {
        free(t.p);
        return EXTLS_OK; /* nothing changed: leave the file alone */
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp) {
        free(t.p);
        return EXTLS_ENOMEM;
    }
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    enum extls_status rc = EXTLS_OK;
    int fd = platform_open_write(tmp);
    if (fd < 0) {
        rc = io_error(err, err_len, "create", tmp);
        goto out;
    }
    for (size_t done = 0; done < t.len;) {
        ssize_t n = write(fd, t.p + done, t.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = io_error(err, err_len, "write", tmp);
            close(fd);
            platform_unlink(tmp);
            goto out;
        }
        done += (size_t)n;
    }
    if (platform_fsync(fd) != 0 || close(fd) != 0) {
        rc = io_error(err, err_len, "write", tmp);
        platform_unlink(tmp);
        goto out;
    }
    *tmp_out = tmp;
    tmp = NULL;
out:
    free(tmp);
    free(t.p);
    return rc;
}

enum extls_status
state_save(struct state *st, const char *path, char *err, size_t err_len)
{
    char *tmp;
    enum extls_status rc = state_save_temp(st, path, &tmp, err, err_len);
    if (rc != EXTLS_OK || !tmp)
        return rc;
    if (platform_replace(tmp, path) != 0) {
        rc = io_error(err, err_len, "replace", path);
        platform_unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return EXTLS_OK;
}

/* ---- reading ---- */

struct parser {
    char *line; /* current record, split in place */
    char *field[MAX_FIELDS];
    size_t len[MAX_FIELDS];
    size_t n, at; /* fields, next field to take */
    unsigned lineno;
    const char *why; /* first error */
};

/* Split a record at TABs and unescape each field in place. */
static int
split(struct parser *p, char *line)
{
    p->n = 0;
    p->at = 0;
    for (char *s = line;;) {
        char *tab = strchr(s, '\t');
        if (tab)
            *tab = '\0';
        if (p->n == MAX_FIELDS)
            return -1;
        char *w = s;
        for (char *r = s; *r; r++) {
            if (*r != '\\') {
                *w++ = *r;
                continue;
            }
            r++;
            if (*r == '\\')
                *w++ = '\\';
            else if (*r == 't')
                *w++ = '\t';
            else if (*r == 'n')
                *w++ = '\n';
            else if (*r == 'r')
                *w++ = '\r';
            else if (*r == 'x' && r[1] && r[2]) {
                char hex[3] = {r[1], r[2], 0}, *end;
                long v = strtol(hex, &end, 16);
                if (*end)
                    return -1;
                *w++ = (char)v;
                r += 2;
            } else {
                return -1;
            }
        }
        p->field[p->n] = s;
        p->len[p->n] = (size_t)(w - s);
        p->n++;
        if (!tab)
            return 0;
        s = tab + 1;
    }
}

static const char *
take(struct parser *p, size_t *len)
{
    if (p->at >= p->n) {
        p->why = p->why ? p->why : "too few fields";
        *len = 0;
        return "";
    }
    *len = p->len[p->at];
    return p->field[p->at++];
}

static uint64_t
take_u(struct parser *p)
{
    size_t len;
    const char *s = take(p, &len);
    uint64_t v = 0;
    if (len == 0 || len > 20)
        p->why = p->why ? p->why : "bad number";
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10) {
            p->why = p->why ? p->why : "bad number";
            return 0;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v;
}

static int64_t
take_i(struct parser *p)
{
    size_t len;
    const char *s = take(p, &len);
    char buf[32], *end;
    if (len == 0 || len >= sizeof(buf)) {
        p->why = p->why ? p->why : "bad number";
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end)
        p->why = p->why ? p->why : "bad number";
    return (int64_t)v;
}

static uint64_t
take_range(struct parser *p, uint64_t max)
{
    uint64_t v = take_u(p);
    if (v > max) {
        p->why = p->why ? p->why : "value out of range";
        return 0; /* never an out-of-range value, even to a caller that reads on */
    }
    return v;
}

static const struct span *
take_pstr(struct parser *p, struct strpool *pool)
{
    uint64_t present = take_range(p, 1);
    size_t len;
    const char *s = take(p, &len);
    if (!present)
        return NULL;
    const struct span *ps = strpool_intern(pool, s, len);
    if (!ps)
        p->why = p->why ? p->why : "out of memory";
    return ps;
}

static void
take_pos(struct parser *p, struct reader_pos *pos)
{
    pos->offset = take_u(p);
    pos->line = take_u(p);
    pos->dir = (enum extls_dir)take_range(p, EXTLS_DIR_SEND);
    pos->n_fields = (unsigned)take_range(p, 64);
    for (int c = 0; c < READER_N_COLS; c++) {
        int64_t v = take_i(p);
        if (v < -1 || v >= (int64_t)pos->n_fields)
            p->why = p->why ? p->why : "bad column position";
        pos->pos_of[c] = (int)v;
    }
    if (pos->dir == EXTLS_DIR_UNKNOWN)
        p->why = p->why ? p->why : "bad direction";
}

static void
copy_addr(struct parser *p, char *dst, size_t cap)
{
    size_t len;
    const char *s = take(p, &len);
    if (len >= cap) {
        p->why = p->why ? p->why : "field too long";
        len = cap - 1;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
}

static void
read_open(struct parser *p, struct state *st)
{
    size_t plen, clen, slen, hlen;
    const char *path = take(p, &plen);
    char *pathcopy = copy_n(path, plen);
    enum extls_dir dir = (enum extls_dir)take_range(p, EXTLS_DIR_SEND);
    const char *conn = take(p, &clen);
    const char *sid = take(p, &slen);
    struct session *s = pathcopy && slen ? session_alloc(sid, slen) : NULL;
    if (!s) {
        free(pathcopy);
        p->why = p->why ? p->why : (slen ? "out of memory" : "empty session id");
        return;
    }
    s->dir = dir;
    s->connector = strpool_intern(st->pool, conn, clen);
    s->start_ms = take_i(p);
    s->end_ms = take_i(p);
    s->rows = take_u(p);
    copy_addr(p, s->remote, sizeof(s->remote));
    copy_addr(p, s->local, sizeof(s->local));
    uint64_t has_host = take_range(p, 1);
    const char *host = take(p, &hlen);
    if (has_host) {
        s->host = copy_n(host, hlen);
        s->host_len = hlen;
        if (!s->host || hlen > EXTLS_NAME_MAX)
            p->why = p->why ? p->why : "bad host name";
    }
    s->host_kind = (enum match_host_kind)take_range(p, MATCH_HOST_250);
    s->proto = take_pstr(p, st->pool);
    struct session_algo *a[3] = {&s->cipher, &s->mac, &s->kx};
    for (int i = 0; i < 3; i++) {
        a[i]->name = take_pstr(p, st->pool);
        a[i]->bits = (unsigned)take_range(p, UINT32_MAX);
    }
    s->line = take_u(p);
    s->flags = (unsigned)take_range(p, 0xFFFF);
    s->marker_cls = (enum extls_class)take_range(p, EXTLS_N_CLASSES - 1);
    uint64_t *seqs[] = {&s->min_seq,  &s->marker_seq,  &s->remote_seq, &s->local_seq,
                        &s->host_seq, &s->pending_seq, &s->disc_seq,   &s->lead_seq};
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
        *seqs[i] = take_u(p);
    s->lead_220 = (int)take_range(p, 1);
    s->n_cmd = (unsigned)take_range(p, SESSION_SEQS);
    for (unsigned i = 0; i < SESSION_SEQS; i++)
        s->cmd_seq[i] = take_u(p);
    s->n_ok220 = (unsigned)take_range(p, SESSION_SEQS);
    for (unsigned i = 0; i < SESSION_SEQS; i++)
        s->ok220_seq[i] = take_u(p);
    struct cert_item items[CERT_ITEMS];
    size_t n_items = (size_t)take_range(p, CERT_ITEMS);
    unsigned n_head = (unsigned)take_range(p, SESSION_SEQS);
    unsigned next_head = (unsigned)take_range(p, SESSION_SEQS);
    for (size_t i = 0; i < n_items; i++) {
        items[i].what = (unsigned)take_range(p, CERT_ITEM_HEAD);
        items[i].kind = (unsigned)take_range(p, 255);
        items[i].slot = (unsigned)take_range(p, 255);
        items[i].seq = take_u(p);
        items[i].text = take(p, &items[i].len);
        if (items[i].what == CERT_ITEM_HEAD)
            items[i].text = NULL;
    }
    if (!p->why && n_items && !(s->cert = cert_restore(items, n_items, n_head, next_head)))
        p->why = "bad certificate record";
    if (!s->connector)
        p->why = p->why ? p->why : "out of memory";
    if (p->why || state_add_open(st, s, pathcopy) != EXTLS_OK) {
        if (!p->why) {
            p->why = "out of memory";
            s = NULL; /* state_add_open() freed it */
        }
        session_free(s);
    }
    free(pathcopy);
}

static void
read_agg(struct parser *p, struct state *st)
{
    uint64_t idx = take_range(p, STATE_MAX_AGGS - 1);
    uint64_t nk = take_range(p, AGG_N_KEYS);
    enum agg_key keys[AGG_N_KEYS];
    for (uint64_t k = 0; k < nk && !p->why; k++) {
        size_t len;
        const char *name = take(p, &len);
        int key = agg_key_parse(name, len);
        if (key < 0)
            p->why = "unknown key";
        keys[k] = (enum agg_key)(key < 0 ? 0 : key);
    }
    if (p->why)
        return;
    if (idx != st->n_aggs) {
        p->why = "tables out of order";
        return;
    }
    st->aggs[idx] = agg_new(keys, (size_t)nk);
    if (!st->aggs[idx])
        p->why = "out of memory";
    else
        st->n_aggs++;
}

static void
read_group(struct parser *p, struct state *st)
{
    uint64_t idx = take_u(p);
    if (idx >= st->n_aggs) {
        p->why = p->why ? p->why : "group of an unknown table";
        return;
    }
    struct agg *a = st->aggs[idx];
    size_t nk;
    const enum agg_key *keys = agg_keys(a, &nk);
    struct agg_group g;
    memset(&g, 0, sizeof(g));
    for (int k = 0; k < AGG_N_KEYS; k++)
        g.key[k].ptr = "";
    for (size_t k = 0; k < nk; k++)
        g.key[keys[k]].ptr = take(p, &g.key[keys[k]].len);
    g.sessions = take_u(p);
    uint64_t sum = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        g.count[c] = take_u(p);
        sum += g.count[c];
    }
    g.first_ms = take_i(p);
    g.last_ms = take_i(p);
    g.host_ms = take_i(p);
    g.host.ptr = take(p, &g.host.len);
    if (sum != g.sessions)
        p->why = p->why ? p->why : "class counts do not add up";
    if (!p->why && agg_add_group(a, g.key, &g) != EXTLS_OK)
        p->why = "out of memory";
}

static void
read_file_record(struct parser *p, struct state *st)
{
    struct state_file f;
    size_t len;
    f.dev = take_u(p);
    f.ino = take_u(p);
    f.head_len = take_range(p, STATE_HEAD);
    const char *hex = take(p, &len);
    char buf[17], *end;
    if (len != 16) {
        p->why = p->why ? p->why : "bad hash";
        return;
    }
    memcpy(buf, hex, 16);
    buf[16] = '\0';
    f.head_hash = strtoull(buf, &end, 16);
    if (*end)
        p->why = p->why ? p->why : "bad hash";
    take_pos(p, &f.pos);
    const char *path = take(p, &len);
    if (len == 0 || memchr(path, '\0', len))
        p->why = p->why ? p->why : "bad path";
    if (p->why)
        return;
    char *copy = copy_n(path, len);
    f.path = copy;
    if (!copy || state_add_file(st, &f) != EXTLS_OK)
        p->why = "out of memory";
    free(copy);
}

static void
read_totals(struct parser *p, struct state *st)
{
    struct report_totals *t = &st->totals;
    uint64_t *tot[] = {&t->files,     &t->files_skipped, &t->files_failed, &t->rows,
                       &t->malformed, &t->sessions,      &t->excluded,     &t->late_rows};
    for (size_t i = 0; i < sizeof(tot) / sizeof(tot[0]); i++)
        *tot[i] = take_u(p);
    t->first_ms = take_i(p);
    t->last_ms = take_i(p);
}

static void
read_opt(struct parser *p, struct state *st)
{
    size_t nlen, vlen;
    const char *name = take(p, &nlen);
    const char *value = take(p, &vlen);
    if (p->why)
        return;
    char key[64];
    snprintf(key, sizeof(key), "%.*s", (int)(nlen < sizeof(key) ? nlen : sizeof(key) - 1), name);
    if (nlen == 0 || nlen >= sizeof(key) || memchr(name, '\0', nlen) || memchr(value, '\0', vlen) ||
        state_get_opt(st, key)) {
        p->why = "bad option record";
        return;
    }
    /* Unescaped fields are not NUL-terminated in place: copy them. */
    char *n = copy_n(name, nlen), *v = copy_n(value, vlen);
    enum extls_status rc = n && v ? state_set_opt(st, n, v) : EXTLS_ENOMEM;
    free(n);
    free(v);
    if (rc != EXTLS_OK)
        p->why = rc == EXTLS_ENOMEM ? "out of memory" : "too many option records";
}

static void
read_series(struct parser *p, struct state *st)
{
    enum extls_dir dir = (enum extls_dir)take_range(p, EXTLS_DIR_SEND);
    int64_t clock = take_i(p);
    size_t len;
    const char *folder = take(p, &len);
    uint32_t idx;
    if (!p->why && (dir == EXTLS_DIR_UNKNOWN || memchr(folder, '\0', len) ||
                    state_find_series(st, dir, folder, len) >= 0))
        p->why = "bad series record";
    if (!p->why && state_add_series(st, dir, folder, len, clock, &idx) != EXTLS_OK)
        p->why = "out of memory";
}

static void
read_folded(struct parser *p, struct state *st)
{
    uint64_t series = take_u(p);
    enum extls_dir dir = (enum extls_dir)take_range(p, EXTLS_DIR_SEND);
    int64_t end = take_i(p);
    size_t clen, slen;
    const char *conn = take(p, &clen);
    const char *sid = take(p, &slen);
    if (!p->why && (series >= st->n_series || dir == EXTLS_DIR_UNKNOWN || slen == 0))
        p->why = "bad folded-session record";
    if (!p->why &&
        state_add_folded(st, (uint32_t)series, dir, conn, clen, sid, slen, end) != EXTLS_OK)
        p->why = "out of memory";
}

/* Parse the whole text (checksum already verified); 0 or -1 with p->why set. */
static int
parse_records(struct parser *p, struct state *st, char *text)
{
    char *next = text;
    p->lineno = 0;
    while (*next) {
        char *line = next, *nl = strchr(line, '\n');
        if (!nl) {
            p->why = "record without line end";
            return -1;
        }
        *nl = '\0';
        next = nl + 1;
        p->lineno++;
        if (split(p, line) != 0) {
            p->why = "bad escape or too many fields";
            return -1;
        }
        size_t len;
        const char *kind = take(p, &len);
        if (p->lineno == 1) {
            uint64_t v = 0;
            if (strcmp(kind, MAGIC) != 0) {
                p->why = "not an extls state file";
                return -1;
            }
            v = take_u(p);
            if (p->why || v != STATE_VERSION) {
                p->why = "written by another version of extls";
                return -1;
            }
        } else if (strcmp(kind, "opt") == 0) {
            read_opt(p, st);
        } else if (strcmp(kind, "series") == 0) {
            read_series(p, st);
        } else if (strcmp(kind, "folded") == 0) {
            read_folded(p, st);
        } else if (strcmp(kind, "totals") == 0) {
            read_totals(p, st);
        } else if (strcmp(kind, "file") == 0) {
            read_file_record(p, st);
        } else if (strcmp(kind, "open") == 0) {
            read_open(p, st);
        } else if (strcmp(kind, "agg") == 0) {
            read_agg(p, st);
        } else if (strcmp(kind, "group") == 0) {
            read_group(p, st);
        } else if (strcmp(kind, "end") == 0) {
            return *next ? (p->why = "data after the end record", -1) : 0;
        } else {
            p->why = "unknown record";
        }
        if (!p->why && p->at != p->n)
            p->why = "too many fields";
        if (p->why)
            return -1;
    }
    p->why = "no end record (truncated?)";
    return -1;
}

enum extls_status
state_load(struct state *st, const char *path, char *err, size_t err_len)
{
    int fd = platform_open_read(path);
    if (fd < 0) {
        if (errno == ENOENT)
            return EXTLS_OK;
        return io_error(err, err_len, "open state", path);
    }
    struct platform_stat sb;
    if (platform_fstat(fd, &sb) != 0 || sb.kind != PLATFORM_FILE ||
        (uint64_t)sb.size > STATE_MAX_BYTES) {
        close(fd);
        snprintf(err, err_len, "state '%s' is not a regular file of at most 1 GiB", path);
        return EXTLS_EPARSE;
    }
    size_t size = (size_t)sb.size;
    char *buf = malloc(size + 1);
    if (!buf) {
        close(fd);
        return EXTLS_ENOMEM;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            enum extls_status rc =
                n < 0 ? io_error(err, err_len, "read state", path) : EXTLS_EPARSE;
            if (n == 0)
                snprintf(err, err_len, "state '%s' shrank while being read", path);
            free(buf);
            close(fd);
            return rc;
        }
        got += (size_t)n;
    }
    close(fd);
    buf[size] = '\0';

    /*
     * First the version (another version may have another layout), then the
     * last record, "end\t<checksum of everything before it>\n".
     */
    const char *why = NULL;
    char want_head[32];
    int head_len = snprintf(want_head, sizeof(want_head), "%s\t%d\n", MAGIC, STATE_VERSION);
    size_t magic_len = strlen(MAGIC);
    if (size < magic_len + 1 || memcmp(buf, MAGIC "\t", magic_len + 1) != 0)
        why = "not an extls state file";
    else if (size >= magic_len + 3 && memcmp(buf + magic_len + 1, "1\n", 2) == 0)
        why = "written in state format 1 by an older extls, which recorded neither the options "
              "of its run nor a clock per log folder; this extls reads format 2 only: move it "
              "aside and start a new state file (its first run reads every file in full)";
    else if (size < (size_t)head_len || memcmp(buf, want_head, (size_t)head_len) != 0)
        why = "written by another version of extls";
    char *end = size >= 2 ? buf + size - 2 : buf;
    while (end > buf && end[-1] != '\n')
        end--;
    if (why) {
        /* said above */
    } else if (size < 22 || buf[size - 1] != '\n' || strncmp(end, "end\t", 4) != 0) {
        why = "no end record (truncated?)";
    } else if (memchr(buf, '\0', size)) {
        why = "NUL byte in the file";
    } else {
        char *x;
        uint64_t want = strtoull(end + 4, &x, 16);
        if (x != buf + size - 1 || state_checksum(buf, (size_t)(end - buf)) != want)
            why = "checksum mismatch (damaged or edited)";
    }
    struct parser p;
    memset(&p, 0, sizeof(p));
    char *copy = NULL;
    if (!why) {
        copy = malloc(size + 1);
        if (!copy) {
            free(buf);
            return EXTLS_ENOMEM;
        }
        memcpy(copy, buf, size + 1);
        if (parse_records(&p, st, copy) != 0)
            why = p.why;
    }
    free(copy);
    if (why) {
        if (p.lineno)
            snprintf(err, err_len, "state '%s': line %u: %s", path, p.lineno, why);
        else
            snprintf(err, err_len, "state '%s': %s", path, why);
        free(buf);
        state_release(st);
        return state_init(st) == EXTLS_OK ? EXTLS_EPARSE : EXTLS_ENOMEM;
    }
    st->raw = buf;
    st->raw_len = size;
    st->loaded = 1;
    return EXTLS_OK;
}
