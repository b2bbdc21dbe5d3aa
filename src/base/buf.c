/* SPDX-License-Identifier: MIT */
/*
 * buf.c: the growable byte buffer of buf.h: doubled from 64 bytes, never
 * past its cap (plus the '\0'); printf-style appends format in place.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What ptr points at before the first growth; never written. */
static char buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
    b->ptr = buf_empty;
    b->len = 0;
    b->cap = 0;
    b->max = max < BUF_NO_MAX ? max : BUF_NO_MAX;
}

void
buf_release(struct buf *b)
{
    if (b->cap)
        free(b->ptr);
    buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
    if (b->cap)
        buf_setlen(b, 0);
}

enum extls_status
buf_grow(struct buf *b, size_t extra)
{
    if (extra > b->max - b->len)
        return EXTLS_ETOOBIG;
    size_t need = b->len + extra + 1; /* max <= SIZE_MAX / 2: no overflow */
    if (need <= b->cap)
        return EXTLS_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->cap ? b->ptr : NULL, cap);
    if (!p)
        return EXTLS_ENOMEM;
    if (!b->cap)
        p[0] = '\0';
    b->ptr = p;
    b->cap = cap;
    return EXTLS_OK;
}

void
buf_setlen(struct buf *b, size_t len)
{
    b->len = len;
    if (b->cap)
        b->ptr[len] = '\0';
}

enum extls_status
buf_add(struct buf *b, const void *data, size_t len)
{
    enum extls_status st = buf_grow(b, len);
    if (st != EXTLS_OK)
        return st;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    buf_setlen(b, b->len + len);
    return EXTLS_OK;
}

enum extls_status
buf_addch(struct buf *b, int c)
{
    char ch = (char)c;
    return buf_add(b, &ch, 1);
}

enum extls_status
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    size_t room = b->cap ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->ptr + b->len : NULL, room, fmt, ap);
    enum extls_status st = EXTLS_OK;
    if (n < 0) {
        st = EXTLS_EINVAL;
    } else if ((size_t)n >= room) {
        st = buf_grow(b, (size_t)n);
        if (st == EXTLS_OK)
            vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, again);
    }
    va_end(again);
    if (st == EXTLS_OK)
        buf_setlen(b, b->len + (size_t)n);
    else if (b->cap)
        b->ptr[b->len] = '\0'; /* undo what a too-small first try wrote */
    return st;
}

enum extls_status
buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum extls_status st = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return st;
}

enum extls_status
buf_detach(struct buf *b, char **out, size_t *len)
{
    if (!b->cap && buf_grow(b, 0) != EXTLS_OK)
        return EXTLS_ENOMEM;
    *out = b->ptr;
    if (len)
        *len = b->len;
    b->cap = 0;
    buf_init(b, b->max);
    return EXTLS_OK;
}
