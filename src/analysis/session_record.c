/* SPDX-License-Identifier: MIT */
/*
 * session_record.c: writing and reading an open session's "open" record
 * of the state file (see session_record.h).
 */
#include "session_record.h"

#include <stdlib.h>

#include "cert.h"
#include "session_int.h"

/* The certificate bookkeeping: item count, header ring, then each item. */
static void
write_cert(struct record_out *o, const struct cert *c)
{
    struct cert_item items[CERT_ITEMS];
    unsigned n_head = 0, next_head = 0;
    size_t n = c ? cert_items(c, items, &n_head, &next_head) : 0;
    record_put_u(o, n);
    record_put_u(o, n_head);
    record_put_u(o, next_head);
    for (size_t i = 0; i < n; i++) {
        record_put_u(o, items[i].what);
        record_put_u(o, items[i].kind);
        record_put_u(o, items[i].slot);
        record_put_u(o, items[i].seq);
        record_put_field(o, items[i].text ? items[i].text : "", items[i].len);
    }
}

void
session_record_write(struct record_out *o, const struct session *s, const char *path)
{
    record_put(o, "open", 4);
    record_put_str(o, path);
    record_put_u(o, (uint64_t)s->dir);
    record_put_field(o, s->connector->ptr, s->connector->len);
    record_put_field(o, s->sid, s->sid_len);
    record_put_i(o, s->start_ms);
    record_put_i(o, s->end_ms);
    record_put_u(o, s->rows);
    record_put_str(o, s->remote);
    record_put_str(o, s->local);
    record_put_u(o, s->host != NULL);
    record_put_field(o, s->host ? s->host : "", s->host ? s->host_len : 0);
    record_put_u(o, (uint64_t)s->host_kind);
    record_put_span(o, s->proto);
    const struct session_algo *a[3] = {&s->cipher, &s->mac, &s->kx};
    for (int i = 0; i < 3; i++) {
        record_put_span(o, a[i]->name);
        record_put_u(o, a[i]->bits);
    }
    record_put_u(o, s->line);
    record_put_u(o, s->flags);
    record_put_u(o, (uint64_t)s->marker_cls);
    const uint64_t seqs[] = {s->min_seq,  s->marker_seq,  s->remote_seq, s->local_seq,
                             s->host_seq, s->pending_seq, s->disc_seq,   s->lead_seq};
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
        record_put_u(o, seqs[i]);
    record_put_u(o, (uint64_t)(s->lead_220 != 0));
    record_put_u(o, s->n_cmd);
    for (unsigned i = 0; i < SESSION_SEQS; i++)
        record_put_u(o, i < s->n_cmd ? s->cmd_seq[i] : 0);
    record_put_u(o, s->n_ok220);
    for (unsigned i = 0; i < SESSION_SEQS; i++)
        record_put_u(o, i < s->n_ok220 ? s->ok220_seq[i] : 0);
    write_cert(o, s->cert);
    record_put(o, "\n", 1);
}

/* Read the certificate bookkeeping into s (none when the count is 0). */
static void
read_cert(struct record_in *in, struct session *s)
{
    struct cert_item items[CERT_ITEMS];
    size_t n_items = (size_t)record_take_range(in, CERT_ITEMS);
    unsigned n_head = (unsigned)record_take_range(in, CERT_HEADS);
    unsigned next_head = (unsigned)record_take_range(in, CERT_HEADS);
    for (size_t i = 0; i < n_items; i++) {
        items[i].what = (unsigned)record_take_range(in, CERT_ITEM_HEAD);
        items[i].kind = (unsigned)record_take_range(in, 255);
        items[i].slot = (unsigned)record_take_range(in, 255);
        items[i].seq = record_take_u(in);
        items[i].text = record_take(in, &items[i].len);
        if (items[i].what == CERT_ITEM_HEAD)
            items[i].text = NULL;
    }
    if (!in->why && n_items && !(s->cert = cert_restore(items, n_items, n_head, next_head)))
        in->why = "bad certificate record";
}

/* The facts and bookkeeping after the key. */
static void
read_facts(struct record_in *in, struct strpool *pool, struct session *s)
{
    s->start_ms = record_take_i(in);
    s->end_ms = record_take_i(in);
    s->rows = record_take_u(in);
    record_take_text(in, s->remote, sizeof(s->remote));
    record_take_text(in, s->local, sizeof(s->local));
    uint64_t has_host = record_take_range(in, 1);
    size_t hlen;
    char *host = record_take_copy(in, &hlen);
    if (has_host) {
        s->host = host;
        s->host_len = hlen;
        if (!s->host || hlen > EXTLS_NAME_MAX)
            record_fail(in, "bad host name");
    } else {
        free(host);
    }
    s->host_kind = (enum match_host_kind)record_take_range(in, MATCH_HOST_250);
    s->proto = record_take_span(in, pool);
    struct session_algo *a[3] = {&s->cipher, &s->mac, &s->kx};
    for (int i = 0; i < 3; i++) {
        a[i]->name = record_take_span(in, pool);
        a[i]->bits = (unsigned)record_take_range(in, UINT32_MAX);
    }
    s->line = record_take_u(in);
    s->flags = (unsigned)record_take_range(in, 0xFFFF);
    s->marker_cls = (enum extls_class)record_take_range(in, EXTLS_N_CLASSES - 1);
    uint64_t *seqs[] = {&s->min_seq,  &s->marker_seq,  &s->remote_seq, &s->local_seq,
                        &s->host_seq, &s->pending_seq, &s->disc_seq,   &s->lead_seq};
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
        *seqs[i] = record_take_u(in);
    s->lead_220 = (int)record_take_range(in, 1);
    s->n_cmd = (unsigned)record_take_range(in, SESSION_SEQS);
    for (unsigned i = 0; i < SESSION_SEQS; i++)
        s->cmd_seq[i] = record_take_u(in);
    s->n_ok220 = (unsigned)record_take_range(in, SESSION_SEQS);
    for (unsigned i = 0; i < SESSION_SEQS; i++)
        s->ok220_seq[i] = record_take_u(in);
    read_cert(in, s);
}

struct session *
session_record_read(struct record_in *in, struct strpool *pool, char **path)
{
    size_t plen, clen, slen;
    *path = record_take_copy(in, &plen);
    enum extls_dir dir = (enum extls_dir)record_take_range(in, EXTLS_DIR_SEND);
    const char *conn = record_take(in, &clen);
    const char *sid = record_take(in, &slen);
    struct session *s = *path && slen ? session_alloc(sid, slen) : NULL;
    if (!s) {
        record_fail(in, slen ? "out of memory" : "empty session id");
        free(*path);
        *path = NULL;
        return NULL;
    }
    s->dir = dir;
    s->connector = strpool_intern(pool, conn, clen);
    read_facts(in, pool, s);
    if (!s->connector)
        record_fail(in, "out of memory");
    if (in->why) {
        session_free(s);
        free(*path);
        *path = NULL;
        return NULL;
    }
    return s;
}
