/* SPDX-License-Identifier: MIT */
/*
 * record.c: writing and strictly reading the escaped, TAB-separated
 * records of the state file (see record.h).
 */
#include "record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
record_out_init(struct record_out *o)
{
    buf_init(&o->text, BUF_NO_MAX);
    o->failed = 0;
}

void
record_out_release(struct record_out *o)
{
    buf_release(&o->text);
}

void
record_put(struct record_out *o, const char *s, size_t n)
{
    if (!o->failed && buf_add(&o->text, s, n) != EXTLS_OK)
        o->failed = 1;
}

void
record_putf(struct record_out *o, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    record_put(o, buf, n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void
record_put_field(struct record_out *o, const char *s, size_t n)
{
    record_put(o, "\t", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\')
            record_put(o, "\\\\", 2);
        else if (c == '\t')
            record_put(o, "\\t", 2);
        else if (c == '\n')
            record_put(o, "\\n", 2);
        else if (c == '\r')
            record_put(o, "\\r", 2);
        else if (c < 0x20 || c == 0x7F)
            record_putf(o, "\\x%02X", c);
        else
            record_put(o, s + i, 1);
    }
}

void
record_put_str(struct record_out *o, const char *s)
{
    record_put_field(o, s, strlen(s));
}

void
record_put_u(struct record_out *o, uint64_t v)
{
    record_putf(o, "\t%" PRIu64, v);
}

void
record_put_i(struct record_out *o, int64_t v)
{
    record_putf(o, "\t%" PRId64, v);
}

void
record_put_span(struct record_out *o, const struct span *p)
{
    record_put_u(o, p != NULL);
    record_put_field(o, p ? p->ptr : "", p ? p->len : 0);
}

/* Unescape one field in place from s; its end in *end. 0, or -1 on a bad escape. */
static int
unescape(char *s, char **end)
{
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
            char hex[3] = {r[1], r[2], 0}, *x;
            long v = strtol(hex, &x, 16);
            if (*x)
                return -1;
            *w++ = (char)v;
            r += 2;
        } else {
            return -1;
        }
    }
    *end = w;
    return 0;
}

int
record_split(struct record_in *in, char *line)
{
    in->n = 0;
    in->at = 0;
    for (char *s = line;;) {
        char *tab = strchr(s, '\t'), *end;
        if (tab)
            *tab = '\0';
        if (in->n == RECORD_MAX_FIELDS || unescape(s, &end) != 0)
            return -1;
        in->field[in->n] = s;
        in->len[in->n] = (size_t)(end - s);
        in->n++;
        if (!tab)
            return 0;
        s = tab + 1;
    }
}

void
record_fail(struct record_in *in, const char *why)
{
    if (!in->why)
        in->why = why;
}

const char *
record_take(struct record_in *in, size_t *len)
{
    if (in->at >= in->n) {
        record_fail(in, "too few fields");
        *len = 0;
        return "";
    }
    *len = in->len[in->at];
    return in->field[in->at++];
}

uint64_t
record_take_u(struct record_in *in)
{
    size_t len;
    const char *s = record_take(in, &len);
    uint64_t v = 0;
    if (len == 0 || len > 20)
        record_fail(in, "bad number");
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10) {
            record_fail(in, "bad number");
            return 0;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v;
}

int64_t
record_take_i(struct record_in *in)
{
    size_t len;
    const char *s = record_take(in, &len);
    char buf[32], *end;
    if (len == 0 || len >= sizeof(buf)) {
        record_fail(in, "bad number");
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end)
        record_fail(in, "bad number");
    return (int64_t)v;
}

uint64_t
record_take_range(struct record_in *in, uint64_t max)
{
    uint64_t v = record_take_u(in);
    if (v > max) {
        record_fail(in, "value out of range");
        return 0; /* never an out-of-range value, even to a caller that reads on */
    }
    return v;
}

const struct span *
record_take_span(struct record_in *in, struct strpool *pool)
{
    uint64_t present = record_take_range(in, 1);
    size_t len;
    const char *s = record_take(in, &len);
    if (!present)
        return NULL;
    const struct span *ps = strpool_intern(pool, s, len);
    if (!ps)
        record_fail(in, "out of memory");
    return ps;
}

void
record_take_text(struct record_in *in, char *dst, size_t cap)
{
    size_t len;
    const char *s = record_take(in, &len);
    if (len >= cap) {
        record_fail(in, "field too long");
        len = cap - 1;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
}

char *
record_copy_n(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *
record_take_copy(struct record_in *in, size_t *len)
{
    const char *s = record_take(in, len);
    return record_copy_n(s, *len);
}
