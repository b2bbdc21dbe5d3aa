/* SPDX-License-Identifier: MIT */
/*
 * state_index.c: the tables a state carries to the next run and their
 * look-ups: input files (by path, and by the hash of their first bytes
 * for a file renamed since), series and their clocks, sessions folded by
 * the hold window, sessions still open; and the records of each. state.c
 * holds the container around them.
 */
#include "state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg_record.h"
#include "hash64.h"
#include "hashidx.h"
#include "platform.h"
#include "record.h"
#include "session_record.h"
#include "state_int.h"
#include "strpool.h"

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

static uint64_t
id_hash(uint64_t dev, uint64_t ino)
{
    uint64_t id[2] = {dev, ino};
    return hash_bytes(HASH_SEED, id, sizeof(id));
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
        (d->head_len == STATE_HEAD && hashidx_add(&st->by_head, d->head_hash, at) != EXTLS_OK) ||
        ((d->dev || d->ino) && hashidx_add(&st->by_id, id_hash(d->dev, d->ino), at) != EXTLS_OK)) {
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

const struct state_file *
state_find_identity(const struct state *st, uint64_t dev, uint64_t ino, const void *head,
                    size_t head_got)
{
    struct hashidx_iter it;
    uint32_t i;
    if (!dev && !ino)
        return NULL;
    hashidx_find(&st->by_id, id_hash(dev, ino), &it);
    const struct state_file *best = NULL;
    while (hashidx_next(&it, &i)) {
        const struct state_file *f = i < st->n_files ? &st->files[i] : NULL;
        if (!f || f->dev != dev || f->ino != ino || (best && f > best) || f->head_len > head_got)
            continue;
        if (state_head_hash(head, (size_t)f->head_len) == f->head_hash)
            best = f; /* the first record, as a scan would find */
    }
    return best;
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

enum extls_status
state_add_series(struct state *st, enum extls_dir dir, const char *folder, size_t len,
                 int64_t clock_ms, uint32_t *idx)
{
    if (st->n_series >= UINT32_MAX - 1 ||
        reserve((void **)&st->series, &st->cap_series, st->n_series, sizeof(*st->series)) != 0)
        return EXTLS_ENOMEM;
    struct state_series *s = &st->series[st->n_series];
    s->folder = record_copy_n(folder, len);
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
    f->sid = record_copy_n(sid, sid_len);
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

static void
write_pos(struct record_out *t, const struct reader_pos *p)
{
    record_put_u(t, p->offset);
    record_put_u(t, p->line);
    record_put_u(t, (uint64_t)p->dir);
    record_put_u(t, p->n_fields);
    for (int c = 0; c < READER_N_COLS; c++)
        record_put_i(t, p->pos_of[c]);
}

static void
take_pos(struct record_in *p, struct reader_pos *pos)
{
    pos->offset = record_take_u(p);
    pos->line = record_take_u(p);
    pos->dir = (enum extls_dir)record_take_range(p, EXTLS_DIR_SEND);
    pos->n_fields = (unsigned)record_take_range(p, 64);
    for (int c = 0; c < READER_N_COLS; c++) {
        int64_t v = record_take_i(p);
        if (v < -1 || v >= (int64_t)pos->n_fields)
            record_fail(p, "bad column position");
        pos->pos_of[c] = (int)v;
    }
    if (pos->dir == EXTLS_DIR_UNKNOWN)
        record_fail(p, "bad direction");
}

void
state_read_open(struct record_in *p, struct state *st)
{
    char *path;
    struct session *s = session_record_read(p, st->pool, &path);
    if (s && state_add_open(st, s, path) != EXTLS_OK)
        p->why = "out of memory"; /* state_add_open() freed s */
    free(path);
}

void
state_read_file_record(struct record_in *p, struct state *st)
{
    struct state_file f;
    size_t len;
    f.dev = record_take_u(p);
    f.ino = record_take_u(p);
    f.head_len = record_take_range(p, STATE_HEAD);
    const char *hex = record_take(p, &len);
    char buf[17], *end;
    if (len != 16) {
        record_fail(p, "bad hash");
        return;
    }
    memcpy(buf, hex, 16);
    buf[16] = '\0';
    f.head_hash = strtoull(buf, &end, 16);
    if (*end)
        record_fail(p, "bad hash");
    take_pos(p, &f.pos);
    const char *path = record_take(p, &len);
    if (len == 0 || memchr(path, '\0', len))
        record_fail(p, "bad path");
    if (p->why)
        return;
    char *copy = record_copy_n(path, len);
    f.path = copy;
    if (!copy || state_add_file(st, &f) != EXTLS_OK)
        p->why = "out of memory";
    free(copy);
}

void
state_read_series(struct record_in *p, struct state *st)
{
    enum extls_dir dir = (enum extls_dir)record_take_range(p, EXTLS_DIR_SEND);
    int64_t clock = record_take_i(p);
    size_t len;
    const char *folder = record_take(p, &len);
    uint32_t idx;
    if (!p->why && (dir == EXTLS_DIR_UNKNOWN || memchr(folder, '\0', len) ||
                    state_find_series(st, dir, folder, len) >= 0))
        p->why = "bad series record";
    if (!p->why && state_add_series(st, dir, folder, len, clock, &idx) != EXTLS_OK)
        p->why = "out of memory";
}

void
state_read_folded(struct record_in *p, struct state *st)
{
    uint64_t series = record_take_u(p);
    enum extls_dir dir = (enum extls_dir)record_take_range(p, EXTLS_DIR_SEND);
    int64_t end = record_take_i(p);
    size_t clen, slen;
    const char *conn = record_take(p, &clen);
    const char *sid = record_take(p, &slen);
    if (!p->why && (series >= st->n_series || dir == EXTLS_DIR_UNKNOWN || slen == 0))
        p->why = "bad folded-session record";
    if (!p->why &&
        state_add_folded(st, (uint32_t)series, dir, conn, clen, sid, slen, end) != EXTLS_OK)
        p->why = "out of memory";
}

void
state_write_tables(const struct state *st, struct record_out *t)
{
    for (size_t i = 0; i < st->n_files; i++) {
        const struct state_file *f = &st->files[i];
        record_put(t, "file", 4);
        record_put_u(t, f->dev);
        record_put_u(t, f->ino);
        record_put_u(t, f->head_len);
        record_putf(t, "\t%016" PRIx64, f->head_hash);
        write_pos(t, &f->pos);
        record_put_str(t, f->path);
        record_put(t, "\n", 1);
    }
    for (size_t i = 0; i < st->n_series; i++) {
        const struct state_series *se = &st->series[i];
        record_put(t, "series", 6);
        record_put_u(t, (uint64_t)se->dir);
        record_put_i(t, se->clock_ms);
        record_put_str(t, se->folder);
        record_put(t, "\n", 1);
    }
    for (size_t i = 0; i < st->n_open; i++)
        session_record_write(t, st->open[i], st->open_path[i]);
    for (size_t i = 0; i < st->n_folded; i++) {
        const struct state_folded *f = &st->folded[i];
        record_put(t, "folded", 6);
        record_put_u(t, f->series);
        record_put_u(t, (uint64_t)f->dir);
        record_put_i(t, f->end_ms);
        record_put_field(t, f->connector->ptr, f->connector->len);
        record_put_field(t, f->sid, f->sid_len);
        record_put(t, "\n", 1);
    }
}
