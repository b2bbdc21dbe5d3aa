/* SPDX-License-Identifier: MIT */
/*
 * agg_record.c: writing and reading an aggregate table's "agg" and "group"
 * records of the state file (see agg_record.h).
 */
#include "agg_record.h"

#include <string.h>

void
agg_record_write(struct record_out *o, size_t idx, struct agg *a)
{
    size_t nk;
    const enum agg_key *keys = agg_keys(a, &nk);
    record_put(o, "agg", 3);
    record_put_u(o, idx);
    record_put_u(o, nk);
    for (size_t k = 0; k < nk; k++)
        record_put_str(o, agg_key_name(keys[k]));
    record_put(o, "\n", 1);
    const struct agg_group *const *v = agg_sorted(a);
    size_t n = agg_size(a);
    if (n && !v) {
        o->failed = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct agg_group *g = v[i];
        record_put(o, "group", 5);
        record_put_u(o, idx);
        for (size_t k = 0; k < nk; k++)
            record_put_field(o, g->key[keys[k]].ptr, g->key[keys[k]].len);
        record_put_u(o, g->sessions);
        for (int c = 0; c < EXTLS_N_CLASSES; c++)
            record_put_u(o, g->count[c]);
        record_put_i(o, g->first_ms);
        record_put_i(o, g->last_ms);
        record_put_i(o, g->host_ms);
        record_put_field(o, g->host.ptr, g->host.len);
        record_put(o, "\n", 1);
    }
}

struct agg *
agg_record_read_table(struct record_in *in, uint64_t max_idx, uint64_t *idx)
{
    *idx = record_take_range(in, max_idx);
    uint64_t nk = record_take_range(in, AGG_N_KEYS);
    enum agg_key keys[AGG_N_KEYS];
    for (uint64_t k = 0; k < nk && !in->why; k++) {
        size_t len;
        const char *name = record_take(in, &len);
        int key = agg_key_parse(name, len);
        if (key < 0)
            in->why = "unknown key";
        keys[k] = (enum agg_key)(key < 0 ? 0 : key);
    }
    if (in->why)
        return NULL;
    struct agg *a = agg_new(keys, (size_t)nk);
    if (!a)
        in->why = "out of memory";
    return a;
}

void
agg_record_read_group(struct record_in *in, struct agg *a)
{
    size_t nk;
    const enum agg_key *keys = agg_keys(a, &nk);
    struct agg_group g;
    memset(&g, 0, sizeof(g));
    for (int k = 0; k < AGG_N_KEYS; k++)
        g.key[k].ptr = "";
    for (size_t k = 0; k < nk; k++)
        g.key[keys[k]].ptr = record_take(in, &g.key[keys[k]].len);
    g.sessions = record_take_u(in);
    uint64_t sum = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++) {
        g.count[c] = record_take_u(in);
        sum += g.count[c];
    }
    g.first_ms = record_take_i(in);
    g.last_ms = record_take_i(in);
    g.host_ms = record_take_i(in);
    g.host.ptr = record_take(in, &g.host.len);
    if (sum != g.sessions)
        record_fail(in, "class counts do not add up");
    if (!in->why && agg_add_group(a, g.key, &g) != EXTLS_OK)
        in->why = "out of memory";
}
