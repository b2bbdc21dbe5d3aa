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
#include "state_int.h"
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
    hashidx_init(&st->by_id);
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
    hashidx_release(&st->by_id);
    hashidx_release(&st->by_series);
    hashidx_release(&st->by_key);
    memset(st, 0, sizeof(*st));
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
    state_write_tables(st, t);
    for (size_t i = 0; i < st->n_aggs; i++) {
        if (st->aggs[i])
            agg_record_write(t, i, st->aggs[i]);
    }
    if (!t->failed)
        record_putf(t, "end\t%016" PRIx64 "\n", state_checksum(t->text.ptr, t->text.len));
}

/* "PATH: what failed: the system's reason", from errno; EXTLS_EIO. */
static enum extls_status
io_error(char *err, size_t err_len, const char *what, const char *path)
{
    snprintf(err, err_len, "%s: %s: %s", path, what, strerror(errno));
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
        snprintf(err, err_len, "%s: out of memory writing the state", path);
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
        rc = io_error(err, err_len, "cannot create the state's temporary file", tmp);
        goto out;
    }
    for (size_t done = 0; done < t.text.len;) {
        ssize_t n = write(fd, t.text.ptr + done, t.text.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = io_error(err, err_len, "cannot write the state's temporary file", tmp);
            close(fd);
            platform_unlink(tmp);
            goto out;
        }
        done += (size_t)n;
    }
    if (platform_fsync(fd) != 0 || close(fd) != 0) {
        rc = io_error(err, err_len, "cannot write the state's temporary file", tmp);
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
        rc = io_error(err, err_len, "cannot replace the state file", path);
        platform_unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return EXTLS_OK;
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
    char *n = record_copy_n(name, nlen), *v = record_copy_n(value, vlen);
    enum extls_status rc = n && v ? state_set_opt(st, n, v) : EXTLS_ENOMEM;
    free(n);
    free(v);
    if (rc != EXTLS_OK)
        p->why = rc == EXTLS_ENOMEM ? "out of memory" : "too many option records";
}

/* The reader of each record kind but the first line's and "end". */
static const struct {
    const char *kind;
    void (*read)(struct record_in *p, struct state *st);
} readers[] = {
    {"opt", read_opt},
    {"series", state_read_series},
    {"folded", state_read_folded},
    {"totals", read_totals},
    {"file", state_read_file_record},
    {"open", state_read_open},
    {"agg", read_agg},
    {"group", read_group},
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

/*
 * Refuse a state file of another format: name its format and this
 * program's, and what to do. buf (owned, freed here) holds its `size`
 * bytes, the format number from `at` on. EXTLS_EPARSE with `err`.
 */
static enum extls_status
other_version(struct state *st, char *buf, size_t size, size_t at, const char *path, char *err,
              size_t err_len)
{
    size_t n = 0;
    while (at + n < size && n < 9 && buf[at + n] >= '0' && buf[at + n] <= '9')
        n++;
    if (n == 0 || at + n >= size || buf[at + n] != '\n')
        snprintf(err, err_len, "%s: not an extls state file (no state format number)", path);
    else
        snprintf(err, err_len,
                 "%s: written in state format %.*s by another extls version; this extls (%s) "
                 "reads state format %d only: run the extls that wrote it, or remove %s to start "
                 "over (the next run with --state then reads every file in full)",
                 path, (int)n, buf + at, EXTLS_VERSION, STATE_VERSION, path);
    free(buf);
    state_release(st);
    return state_init(st) == EXTLS_OK ? EXTLS_EPARSE : EXTLS_ENOMEM;
}

enum extls_status
state_load(struct state *st, const char *path, char *err, size_t err_len)
{
    int fd = platform_open_read(path);
    if (fd < 0) {
        if (errno == ENOENT)
            return EXTLS_OK;
        return io_error(err, err_len, "cannot open the state file", path);
    }
    struct platform_stat sb;
    if (platform_fstat(fd, &sb) != 0 || sb.kind != PLATFORM_FILE ||
        (uint64_t)sb.size > STATE_MAX_BYTES) {
        close(fd);
        snprintf(err, err_len, "%s: not a regular file of at most 1 GiB (--state)", path);
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
                n < 0 ? io_error(err, err_len, "cannot read the state file", path) : EXTLS_EPARSE;
            if (n == 0)
                snprintf(err, err_len, "%s: the state file shrank while being read", path);
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
        return other_version(st, buf, size, magic_len + 1, path, err, err_len);
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
            snprintf(err, err_len, "%s:%u: bad state file: %s", path, p.lineno, why);
        else
            snprintf(err, err_len, "%s: %s", path, why);
        free(buf);
        state_release(st);
        return state_init(st) == EXTLS_OK ? EXTLS_EPARSE : EXTLS_ENOMEM;
    }
    st->raw = buf;
    st->raw_len = size;
    st->loaded = 1;
    return EXTLS_OK;
}
