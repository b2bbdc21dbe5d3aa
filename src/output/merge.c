/* SPDX-License-Identifier: MIT */
/*
 * merge.c: reports read by jsonin, their groups added into one agg table,
 * their totals added with overflow checks; regrouping for output.
 */
#include "merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idset.h"
#include "jsonin.h"
#include "platform.h"

struct merge {
    struct jsonin *in;
    struct agg *groups; /* keyed as the reports; NULL until a report with groups */
    enum agg_key keys[AGG_N_KEYS];
    size_t n_keys;
    char *keys_from;      /* name of the first report with groups */
    const char *cur_name; /* the report being read (borrowed for the call) */
    int cur_checked;      /* its keys were compared with keys[] */
    struct report_totals totals;
    struct agg *view, *conn;  /* regrouped tables made by merge_report() */
    struct agg *remote, *day; /* the same, for the table's and the page's sections */
    char *servers;            /* the server key's values, ", "-joined, for the page */
    struct idset files;       /* regular files read, so that none is read twice */
    char err[JSONIN_ERR_MAX + 128];
    char flaw[160]; /* why the report added last is not a clean source's, or "" */
};

static enum extls_status
on_group(const struct agg_group *g, const enum agg_key *keys, size_t n_keys, char *why,
         size_t why_len, void *user)
{
    struct merge *m = user;
    if (!m->groups) {
        m->groups = agg_new(keys, n_keys);
        m->keys_from = strdup(m->cur_name);
        if (!m->groups || !m->keys_from)
            return EXTLS_ENOMEM;
        memcpy(m->keys, keys, n_keys * sizeof(keys[0]));
        m->n_keys = n_keys;
        m->cur_checked = 1;
    }
    if (!m->cur_checked) {
        if (n_keys != m->n_keys || memcmp(keys, m->keys, n_keys * sizeof(keys[0])) != 0) {
            char a[128], b[128];
            snprintf(why, why_len, "groups keyed by '%s', but those of '%s' by '%s'",
                     jsonin_key_list(keys, n_keys, a, sizeof(a)), m->keys_from,
                     jsonin_key_list(m->keys, m->n_keys, b, sizeof(b)));
            return EXTLS_EPARSE;
        }
        m->cur_checked = 1;
    }
    enum extls_status st = agg_add_group(m->groups, g->key, g);
    if (st == EXTLS_ETOOBIG)
        snprintf(why, why_len, "this group's sessions, added to the reports before, pass 2^64-1");
    return st;
}

struct merge *
merge_new(void)
{
    struct merge *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    struct jsonin_callbacks cb = {on_group, m};
    m->in = jsonin_new(&cb);
    if (!m->in) {
        free(m);
        return NULL;
    }
    report_totals_init(&m->totals);
    idset_init(&m->files);
    return m;
}

void
merge_free(struct merge *m)
{
    if (!m)
        return;
    jsonin_free(m->in);
    agg_free(m->groups);
    agg_free(m->view);
    agg_free(m->conn);
    agg_free(m->remote);
    agg_free(m->day);
    free(m->servers);
    free(m->keys_from);
    idset_release(&m->files);
    free(m);
}

/*
 * Why a report with totals t does not stand for a clean source (into buf),
 * or "": its run could not read some inputs, saw nothing, or read only
 * malformed rows.
 */
static void
judge_totals(const struct report_totals *t, char *buf, size_t len)
{
    buf[0] = '\0';
    if (t->files_failed)
        snprintf(buf, len, "incomplete: %llu input%s of its run could not be read (files_failed)",
                 (unsigned long long)t->files_failed, t->files_failed == 1 ? "" : "s");
    else if (!t->files)
        snprintf(buf, len, "its run saw nothing: no SMTP protocol log read (files 0)");
    else if (!t->rows && t->malformed)
        snprintf(buf, len, "its run saw nothing: all %llu rows read were malformed",
                 (unsigned long long)t->malformed);
}

/* After jsonin read one report (status st): its totals into the merge. */
static enum extls_status
add_totals(struct merge *m, enum extls_status st, const char *name)
{
    if (st != EXTLS_OK) {
        snprintf(m->err, sizeof(m->err), "%s", jsonin_errmsg(m->in));
        return st;
    }
    struct report_totals t = *jsonin_totals(m->in);
    judge_totals(&t, m->flaw, sizeof(m->flaw));
    /*
     * A report whose run saw nothing counts as one input that could not be
     * read: the merged report keeps the flag, and a merge of it flags it again.
     */
    if (m->flaw[0] && !t.files_failed)
        t.files_failed = 1;
    if (report_totals_add(&m->totals, &t) != EXTLS_OK) {
        snprintf(m->err, sizeof(m->err), "%s: its totals, added to the reports before, pass 2^64-1",
                 name);
        return EXTLS_ETOOBIG;
    }
    return EXTLS_OK;
}

/* 1 if fd is a regular file read before; else 0, noting it (-1: out of memory). */
static int
read_before(struct merge *m, int fd)
{
    struct platform_stat st;
    if (platform_fstat(fd, &st) != 0 || st.kind != PLATFORM_FILE)
        return 0;
    int fresh = idset_add(&m->files, st.dev, st.ino);
    return fresh < 0 ? -1 : !fresh;
}

enum extls_status
merge_add_fd(struct merge *m, int fd, const char *name)
{
    m->flaw[0] = '\0';
    int again = read_before(m, fd);
    if (again)
        return again > 0 ? EXTLS_OK : EXTLS_ENOMEM;
    m->cur_name = name;
    m->cur_checked = 0;
    m->err[0] = '\0';
    return add_totals(m, jsonin_read_fd(m->in, fd, name), name);
}

enum extls_status
merge_add_mem(struct merge *m, const void *data, size_t len, size_t chunk, const char *name)
{
    m->cur_name = name;
    m->cur_checked = 0;
    m->err[0] = '\0';
    m->flaw[0] = '\0';
    return add_totals(m, jsonin_read_mem(m->in, data, len, chunk, name), name);
}

void
merge_class_totals(const struct merge *m, uint64_t count[EXTLS_N_CLASSES])
{
    if (m->groups) {
        agg_class_totals(m->groups, count);
        return;
    }
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        count[c] = 0;
}

const struct report_totals *
merge_totals(const struct merge *m)
{
    return &m->totals;
}

const char *
merge_errmsg(const struct merge *m)
{
    return m->err;
}

const char *
merge_flaw(const struct merge *m)
{
    return m->flaw;
}

/* A new table keyed by by[0..n) holding the groups of src (NULL: none). */
static struct agg *
regroup(const struct agg *src, const enum agg_key *by, size_t n)
{
    struct agg *a = agg_new(by, n);
    if (a && src && agg_merge(a, src) != EXTLS_OK) {
        agg_free(a);
        return NULL;
    }
    return a;
}

static int
has_key(const struct merge *m, enum agg_key k)
{
    for (size_t i = 0; i < m->n_keys; i++) {
        if (m->keys[i] == k)
            return 1;
    }
    return 0;
}

/* The distinct values of the server key, ", "-joined (sorted); NULL when none or no memory. */
static char *
server_list(const struct merge *m)
{
    static const enum agg_key by[] = {AGG_SERVER};
    struct agg *a = has_key(m, AGG_SERVER) ? regroup(m->groups, by, 1) : NULL;
    const struct agg_group *const *v = a ? agg_sorted(a) : NULL;
    size_t n = a ? agg_size(a) : 0, len = 0;
    char *out = NULL;
    for (size_t i = 0; v && i < n; i++)
        len += v[i]->key[AGG_SERVER].len + 2;
    if (v && len && (out = malloc(len + 1)) != NULL) {
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
            struct span f = v[i]->key[AGG_SERVER];
            if (!f.len)
                continue;
            if (at) {
                memcpy(out + at, ", ", 2);
                at += 2;
            }
            memcpy(out + at, f.ptr, f.len);
            at += f.len;
        }
        out[at] = '\0';
    }
    agg_free(a);
    return out;
}

/*
 * The people's formats (table, html): per-connector section; the remote
 * hosts (to fix, per remote host) when keyed by direction and remote; the
 * days when keyed by day; a --by section when by is given.
 */
static enum extls_status
people_report(struct merge *m, const enum agg_key *by, size_t n_by, struct report *r)
{
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    static const enum agg_key day_keys[] = {AGG_DAY};
    char have[128];
    if (m->groups && !(has_key(m, AGG_DIRECTION) && has_key(m, AGG_CONNECTOR))) {
        snprintf(m->err, sizeof(m->err),
                 "the %s needs reports grouped by direction and connector; these are grouped by "
                 "'%s': use --format json, jsonl, csv or tsv",
                 r->format == REPORT_HTML ? "page" : "table",
                 jsonin_key_list(m->keys, m->n_keys, have, sizeof(have)));
        return EXTLS_EINVAL;
    }
    m->conn = regroup(m->groups, conn_keys, 2);
    r->by_connector = m->conn;
    if (!m->conn)
        return EXTLS_ENOMEM;
    if (has_key(m, AGG_DIRECTION) && has_key(m, AGG_REMOTE)) {
        m->remote = regroup(m->groups, remote_keys, 2);
        r->by_remote = m->remote;
        if (!m->remote)
            return EXTLS_ENOMEM;
    }
    if (has_key(m, AGG_DAY)) {
        m->day = regroup(m->groups, day_keys, 1);
        r->by_day = m->day;
        if (!m->day)
            return EXTLS_ENOMEM;
    }
    if (n_by) {
        m->view = regroup(m->groups, by, n_by);
        r->groups = m->view;
        if (!m->view)
            return EXTLS_ENOMEM;
    }
    m->servers = server_list(m);
    r->servers = m->servers;
    return EXTLS_OK;
}

enum extls_status
merge_report(struct merge *m, enum report_format fmt, const enum agg_key *by, size_t n_by,
             struct report *r)
{
    char have[128];
    agg_free(m->view);
    agg_free(m->conn);
    agg_free(m->remote);
    agg_free(m->day);
    free(m->servers);
    m->view = m->conn = m->remote = m->day = NULL;
    m->servers = NULL;
    memset(r, 0, sizeof(*r));
    r->format = fmt;
    r->totals = m->totals;
    m->err[0] = '\0';
    for (size_t i = 0; m->groups && i < n_by; i++) {
        if (!has_key(m, by[i])) {
            snprintf(m->err, sizeof(m->err),
                     "cannot group by '%s': the reports are grouped by '%s'", agg_key_name(by[i]),
                     jsonin_key_list(m->keys, m->n_keys, have, sizeof(have)));
            return EXTLS_EINVAL;
        }
    }
    if (fmt == REPORT_TABLE || fmt == REPORT_HTML)
        return people_report(m, by, n_by, r);
    if (n_by == 0 && m->groups) {
        r->groups = m->groups;
        return EXTLS_OK;
    }
    m->view = regroup(m->groups, by, n_by);
    r->groups = m->view;
    return m->view ? EXTLS_OK : EXTLS_ENOMEM;
}
