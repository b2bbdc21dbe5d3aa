/* SPDX-License-Identifier: MIT */
/*
 * servername.c: the server part of receive connector ids, the names seen over
 * a run, and filling in the server of sessions that log none.
 */
#include "servername.h"

#include <stdlib.h>
#include <string.h>

void
server_names_init(struct server_names *s)
{
    memset(s, 0, sizeof(*s));
}

void
server_names_release(struct server_names *s)
{
    free(s->min);
    free(s->max);
    server_names_init(s);
}

/* The server part of a receive connector id; len 0 when it has none. */
static struct span
prefix(enum extls_dir dir, const char *connector, size_t len)
{
    struct span f = {"", 0};
    if (dir != EXTLS_DIR_RECEIVE)
        return f;
    const char *bs = memchr(connector, '\\', len);
    if (!bs || bs == connector || (size_t)(bs - connector) > EXTLS_NAME_MAX)
        return f;
    f.ptr = connector;
    f.len = (size_t)(bs - connector);
    return f;
}

struct span
server_of(const char *given, enum extls_dir dir, const char *connector, size_t len)
{
    if (given) {
        struct span f = {given, strlen(given)};
        return f;
    }
    return prefix(dir, connector, len);
}

static int
cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    return extls_span_cmp((struct span){a, alen}, (struct span){b, blen});
}

/* Replace *slot by a copy of name; -1 when out of memory (slot unchanged). */
static int
set(char **slot, size_t *slot_len, const char *name, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, name, len);
    copy[len] = '\0';
    free(*slot);
    *slot = copy;
    *slot_len = len;
    return 0;
}

/* Note one name. */
static enum extls_status
note(struct server_names *s, const char *name, size_t len)
{
    if (!s->min || cmp(name, len, s->min, s->min_len) < 0) {
        if (set(&s->min, &s->min_len, name, len) != 0)
            return EXTLS_ENOMEM;
    }
    if (!s->max || cmp(name, len, s->max, s->max_len) > 0) {
        if (set(&s->max, &s->max_len, name, len) != 0)
            return EXTLS_ENOMEM;
    }
    return EXTLS_OK;
}

enum extls_status
server_names_note(struct server_names *s, enum extls_dir dir, const char *connector, size_t len)
{
    struct span f = prefix(dir, connector, len);
    return f.len ? note(s, f.ptr, f.len) : EXTLS_OK;
}

enum extls_status
server_names_merge(struct server_names *dst, const struct server_names *src)
{
    if (!src->min)
        return EXTLS_OK;
    enum extls_status st = note(dst, src->min, src->min_len);
    return st == EXTLS_OK ? note(dst, src->max, src->max_len) : st;
}

const char *
server_names_only(const struct server_names *s, size_t *len)
{
    if (!s->min || cmp(s->min, s->min_len, s->max, s->max_len) != 0)
        return NULL;
    *len = s->min_len;
    return s->min;
}

static int
keyed_by_server(const struct agg *a)
{
    return (agg_keys_mask(a) & AGG_BIT(AGG_SERVER)) != 0;
}

uint64_t
server_unnamed(struct agg *a)
{
    uint64_t n = 0;
    if (!keyed_by_server(a))
        return 0;
    size_t size = agg_size(a);
    const struct agg_group *const *g = agg_sorted(a);
    for (size_t i = 0; g && i < size; i++) {
        if (g[i]->key[AGG_SERVER].len == 0)
            n += g[i]->sessions;
    }
    return n;
}

enum extls_status
server_fill(struct agg **a, const char *name, size_t len)
{
    size_t size = agg_size(*a), n_keys;
    if (!keyed_by_server(*a) || size == 0 || server_unnamed(*a) == 0)
        return EXTLS_OK;
    const struct agg_group *const *g = agg_sorted(*a);
    const enum agg_key *keys = agg_keys(*a, &n_keys);
    struct agg *out = agg_new(keys, n_keys);
    if (!g || !out) {
        agg_free(out);
        return EXTLS_ENOMEM;
    }
    for (size_t i = 0; i < size; i++) {
        struct span key[AGG_N_KEYS];
        memcpy(key, g[i]->key, sizeof(key));
        if (key[AGG_SERVER].len == 0) {
            key[AGG_SERVER].ptr = name;
            key[AGG_SERVER].len = len;
        }
        enum extls_status st = agg_add_group(out, key, g[i]);
        if (st != EXTLS_OK) {
            agg_free(out);
            return st;
        }
    }
    agg_free(*a);
    *a = out;
    return EXTLS_OK;
}
