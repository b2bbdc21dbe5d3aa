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

#include "agg_record.h"
#include "hash64.h"
#include "hashidx.h"
#include "platform.h"
#include "record.h"
#include "session_record.h"
#include "strpool.h"

#define MAGIC "extls-state"
#define STATE_MAX_BYTES (1ull << 30) /* a larger file is not ours */

uint64_t
state_checksum(const void *buf, size_t len)
{
    return hash64(buf, len);
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
serialize(struct state *st, struct record_out *t)
{
    record_putf(t, "%s\t%d\n", MAGIC, STATE_VERSION);
    for (size_t i = 0; i < st->n_opts; i++) {
        record_put(t, "opt", 3);
        record_put_str(t, st->opts[i].name);
        record_put_str(t, st->opts[i].value);
        record_put(t, "\n", 1);
    }
    const struct report_totals *tt = &st->totals;
    record_put(t, "totals", 6);
    const uint64_t tot[] = {tt->files,     tt->files_skipped, tt->files_failed, tt->rows,
                            tt->malformed, tt->sessions,      tt->excluded,     tt->late_rows};
    for (size_t i = 0; i < sizeof(tot) / sizeof(tot[0]); i++)
        record_put_u(t, tot[i]);
    record_put_i(t, tt->first_ms);
    record_put_i(t, tt->last_ms);
    record_put(t, "\n", 1);
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
    for (size_t i = 0; i < st->n_aggs; i++) {
        if (st->aggs[i])
            agg_record_write(t, i, st->aggs[i]);
    }
    if (!t->failed)
        record_putf(t, "end\t%016" PRIx64 "\n", state_checksum(t->text.ptr, t->text.len));
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
    struct record_out t;
    record_out_init(&t);
    serialize(st, &t);
    if (t.failed) {
        record_out_release(&t);
        snprintf(err, err_len, "out of memory writing state '%s'", path);
        return EXTLS_ENOMEM;
    }
    if (st->raw && st->raw_len == t.text.len && memcmp(st->raw, t.text.ptr, t.text.len) == 0) {
        record_out_release(&t);
        return EXTLS_OK; /* nothing changed: leave the file alone */
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp) {
        record_out_release(&t);
        return EXTLS_ENOMEM;
    }
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    enum extls_status rc = EXTLS_OK;
    int fd = platform_open_write(tmp);
    if (fd < 0) {
        rc = io_error(err, err_len, "create", tmp);
        goto out;
    }
    for (size_t done = 0; done < t.text.len;) {
        ssize_t n = write(fd, t.text.ptr + done, t.text.len - done);
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
    record_out_release(&t);
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

static void
read_open(struct record_in *p, struct state *st)
{
    char *path;
    struct session *s = session_record_read(p, st->pool, &path);
    if (s && state_add_open(st, s, path) != EXTLS_OK)
        p->why = "out of memory"; /* state_add_open() freed s */
    free(path);
}

static void
read_agg(struct record_in *p, struct state *st)
{
    uint64_t idx;
    struct agg *a = agg_record_read_table(p, STATE_MAX_AGGS - 1, &idx);
    if (a && idx != st->n_aggs) {
        agg_free(a);
        p->why = "tables out of order";
    } else if (a) {
        st->aggs[st->n_aggs++] = a;
    }
}

static void
read_group(struct record_in *p, struct state *st)
{
    uint64_t idx = record_take_u(p);
    if (idx >= st->n_aggs)
        record_fail(p, "group of an unknown table");
    else
        agg_record_read_group(p, st->aggs[idx]);
}

static void
read_file_record(struct record_in *p, struct state *st)
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
    char *copy = copy_n(path, len);
    f.path = copy;
    if (!copy || state_add_file(st, &f) != EXTLS_OK)
        p->why = "out of memory";
    free(copy);
}

static void
read_totals(struct record_in *p, struct state *st)
{
    struct report_totals *t = &st->totals;
    uint64_t *tot[] = {&t->files,     &t->files_skipped, &t->files_failed, &t->rows,
                       &t->malformed, &t->sessions,      &t->excluded,     &t->late_rows};
    for (size_t i = 0; i < sizeof(tot) / sizeof(tot[0]); i++)
        *tot[i] = record_take_u(p);
    t->first_ms = record_take_i(p);
    t->last_ms = record_take_i(p);
}

static void
read_opt(struct record_in *p, struct state *st)
{
    size_t nlen, vlen;
    const char *name = record_take(p, &nlen);
    const char *value = record_take(p, &vlen);
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
read_series(struct record_in *p, struct state *st)
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

static void
read_folded(struct record_in *p, struct state *st)
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

/* The reader of each record kind but the first line's and "end". */
static const struct {
    const char *kind;
    void (*read)(struct record_in *p, struct state *st);
} readers[] = {
    {"opt", read_opt},       {"series", read_series},    {"folded", read_folded},
    {"totals", read_totals}, {"file", read_file_record}, {"open", read_open},
    {"agg", read_agg},       {"group", read_group},
};

/* Check the first line: the magic and the version. 0 or -1 with p->why set. */
static int
read_magic(struct record_in *p, const char *kind)
{
    if (strcmp(kind, MAGIC) != 0) {
        p->why = "not an extls state file";
        return -1;
    }
    uint64_t v = record_take_u(p);
    if (p->why || v != STATE_VERSION) {
        p->why = "written by another version of extls";
        return -1;
    }
    return 0;
}

/* Read one record of a known kind (not the first line); "end" returns 1. */
static int
read_record(struct record_in *p, struct state *st, const char *kind)
{
    if (strcmp(kind, "end") == 0)
        return 1;
    for (size_t k = 0; k < sizeof(readers) / sizeof(readers[0]); k++) {
        if (strcmp(kind, readers[k].kind) == 0) {
            readers[k].read(p, st);
            return 0;
        }
    }
    p->why = "unknown record";
    return 0;
}

/* Parse the whole text (checksum already verified); 0 or -1 with p->why set. */
static int
parse_records(struct record_in *p, struct state *st, char *text)
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
        if (record_split(p, line) != 0) {
            p->why = "bad escape or too many fields";
            return -1;
        }
        size_t len;
        const char *kind = record_take(p, &len);
        if (p->lineno == 1) {
            if (read_magic(p, kind) != 0)
                return -1;
        } else if (read_record(p, st, kind)) {
            return *next ? (p->why = "data after the end record", -1) : 0;
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
    struct record_in p;
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
