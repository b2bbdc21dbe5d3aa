/* SPDX-License-Identifier: MIT */
/*
 * cert.c: the peer certificate of one session from its rows in any order
 * (rules in cert.h): headers remembered in a ring, values taken or kept
 * waiting for their header.
 */
#include "cert.h"

#include <stdlib.h>
#include <string.h>

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
 * The peer's certificate facts of a session (rules in cert.h), made at
 * its first certificate row. A waiting value is a subject or thumbprint
 * row whose header has not been seen: kept until a header decides it, and
 * only while it could still win (its seq is below the taken value's). A
 * file boundary cuts at most one block, so one value of each kind waits per
 * boundary; with more waiting than CERT_WAITS, the lowest seqs wait.
 */
struct cert {
    struct cert_value taken[2];            /* [CERT_SUBJECT], [CERT_THUMB] */
    struct cert_value wait[2][CERT_WAITS]; /* unused entries have text NULL */
    struct cert_head head[CERT_HEADS];     /* the last headers seen (a ring) */
    unsigned n_head, next_head;            /* entries used; the one to replace next */
};

/* What a value row is, once its block header is (or is not) known. */
enum cert_verdict {
    CERT_DROP, /* a value of another block (our own certificate) */
    CERT_TAKE, /* a value of the peer's certificate */
    CERT_WAIT, /* header not seen (yet) */
};

struct cert *
cert_new(void)
{
    return calloc(1, sizeof(struct cert));
}

void
cert_free(struct cert *c)
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

/* The kind of the remembered header at seq - back; 0 when unknown. */
static unsigned
head_kind(const struct cert *c, uint64_t seq, uint64_t back)
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
subject_verdict(const struct cert *c, uint64_t seq)
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
thumb_verdict(const struct cert *c, uint64_t seq)
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
verdict(const struct cert *c, int k, uint64_t seq)
{
    return k == CERT_SUBJECT ? subject_verdict(c, seq) : thumb_verdict(c, seq);
}

/*
 * The waiting slot a value at seq would use: a free one, else the one with
 * the highest seq above it; -1 when none, or when seq waits already (an
 * input read twice).
 */
static int
wait_slot(const struct cert *c, int k, uint64_t seq)
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
wanted(const struct cert *c, int k, uint64_t seq, enum cert_verdict v)
{
    if (v == CERT_DROP || (c->taken[k].text && seq >= c->taken[k].seq))
        return 0;
    return v == CERT_TAKE || wait_slot(c, k, seq) >= 0;
}

/* Keep *val (its text heap; ownership taken) as taken or waiting value of kind k, or free it. */
static void
place(struct cert *c, int k, struct cert_value val, enum cert_verdict v)
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
settle(struct cert *c)
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
add_head(struct cert *c, uint64_t seq, unsigned kind)
{
    struct cert_head h = {seq, kind};
    if (head_kind(c, seq, 0))
        return; /* a duplicate seq: the first header seen stays */
    /* Keep the latest: in row order, a value row's header is among the last few. */
    c->head[c->next_head] = h;
    c->next_head = (c->next_head + 1) % CERT_HEADS;
    if (c->n_head < CERT_HEADS)
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

/* A value from a row: copied (subjects cut at CERT_SUBJECT_MAX) only if kept. */
static int
offer(struct cert *c, int k, uint64_t seq, struct span f, enum cert_verdict v)
{
    if (!wanted(c, k, seq, v))
        return 0;
    struct cert_value val = {NULL, f.len, seq};
    if (k == CERT_SUBJECT)
        val.len = cut_utf8(f.ptr, f.len, CERT_SUBJECT_MAX);
    else if (val.len > CERT_THUMB_MAX)
        val.len = CERT_THUMB_MAX; /* match.c gives no more digits than this */
    val.text = malloc(val.len + 1);
    if (!val.text)
        return -1;
    memcpy(val.text, f.ptr, val.len);
    val.text[val.len] = '\0';
    place(c, k, val, v);
    return 0;
}

enum extls_status
cert_add_row(struct cert *c, const struct match_cert *mc, uint64_t seq)
{
    int rc = 0;
    switch (mc->kind) {
    case MATCH_CERT_REMOTE_HEAD:
    case MATCH_CERT_RECEIVED_HEAD:
    case MATCH_CERT_OTHER_HEAD:
        add_head(c, seq, mc->kind);
        break;
    case MATCH_CERT_SUBJECT:
        rc = offer(c, CERT_SUBJECT, seq, mc->subject, subject_verdict(c, seq));
        break;
    case MATCH_CERT_THUMBPRINT:
        rc = offer(c, CERT_THUMB, seq, mc->thumbprint, thumb_verdict(c, seq));
        break;
    case MATCH_CERT_REMOTE_ROW:
        rc = offer(c, CERT_THUMB, seq, mc->thumbprint, CERT_TAKE);
        if (rc == 0 && mc->subject.ptr)
            rc = offer(c, CERT_SUBJECT, seq, mc->subject, CERT_TAKE);
        break;
    }
    return rc == 0 ? EXTLS_OK : EXTLS_ENOMEM;
}

void
cert_merge(struct cert *dst, struct cert *src)
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
cert_subject(const struct cert *c, size_t *len)
{
    *len = c->taken[CERT_SUBJECT].text ? c->taken[CERT_SUBJECT].len : 0;
    return c->taken[CERT_SUBJECT].text;
}

const char *
cert_thumbprint(const struct cert *c)
{
    return c->taken[CERT_THUMB].text;
}

size_t
cert_items(const struct cert *c, struct cert_item *out, unsigned *n_head, unsigned *next_head)
{
    size_t n = 0;
    *n_head = c->n_head;
    *next_head = c->next_head;
    for (unsigned k = 0; k < 2; k++) {
        const struct cert_value *v = &c->taken[k];
        if (v->text)
            out[n++] = (struct cert_item){CERT_ITEM_TAKEN, k, 0, v->seq, v->text, v->len};
        for (unsigned w = 0; w < CERT_WAITS; w++) {
            v = &c->wait[k][w];
            if (v->text)
                out[n++] = (struct cert_item){CERT_ITEM_WAIT, k, w, v->seq, v->text, v->len};
        }
    }
    for (unsigned h = 0; h < CERT_HEADS; h++) {
        const struct cert_head *hd = &c->head[h];
        out[n++] = (struct cert_item){CERT_ITEM_HEAD, hd->kind, h, hd->seq, NULL, 0};
    }
    return n;
}

struct cert *
cert_restore(const struct cert_item *items, size_t n, unsigned n_head, unsigned next_head)
{
    if (n_head > CERT_HEADS || next_head >= CERT_HEADS)
        return NULL;
    struct cert *c = cert_new();
    if (!c)
        return NULL;
    c->n_head = n_head;
    c->next_head = next_head;
    for (size_t i = 0; i < n; i++) {
        const struct cert_item *it = &items[i];
        struct cert_value *v = NULL;
        if (it->what == CERT_ITEM_HEAD) {
            if (it->slot >= CERT_HEADS)
                goto bad;
            c->head[it->slot].kind = it->kind;
            c->head[it->slot].seq = it->seq;
            continue;
        }
        if (it->kind > CERT_THUMB)
            goto bad;
        if (it->what == CERT_ITEM_TAKEN)
            v = &c->taken[it->kind];
        else if (it->what == CERT_ITEM_WAIT && it->slot < CERT_WAITS)
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
    return c;
bad:
    cert_free(c);
    return NULL;
}
