/* SPDX-License-Identifier: MIT */
/*
 * gzin.c: sniff the gzip magic, then either pass bytes through or inflate
 * them with zlib member after member. Knows nothing about logs or rows.
 */
#include "gzin.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

enum gzin_mode {
    GZIN_SNIFF = 0, /* fewer than two bytes seen: not decided yet */
    GZIN_PLAIN,     /* pass through */
    GZIN_GZIP,      /* inflate */
};

struct gzin {
    int fd;                   /* borrowed */
    enum gzin_mode mode;      /* decided by the first two bytes */
    int eof;                  /* read(2) returned 0 */
    int in_member;            /* inflate has started a member that has not ended */
    enum extls_status status; /* sticky error, EXTLS_OK if none */
    size_t read_max;          /* bytes asked of read(2) at a time */
    uint64_t bytes_in;        /* read from fd since gzin_begin() */
    uint64_t members;         /* gzip members completed */
    z_stream z;               /* next_in/avail_in: unread bytes of in[], in both modes */
    int z_ready;              /* inflateInit2() succeeded */
    char msg[GZIN_MSG];
    unsigned char in[GZIN_BUF];
};

struct gzin *
gzin_new(void)
{
    struct gzin *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    /* 16 + 15: gzip wrapper only, largest window; zlib's own allocator. */
    if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
        free(g);
        return NULL;
    }
    g->z_ready = 1;
    g->read_max = GZIN_BUF;
    gzin_begin(g, -1);
    return g;
}

void
gzin_free(struct gzin *g)
{
    if (!g)
        return;
    if (g->z_ready)
        inflateEnd(&g->z);
    free(g);
}

void
gzin_begin(struct gzin *g, int fd)
{
    g->fd = fd;
    g->mode = GZIN_SNIFF;
    g->eof = 0;
    g->in_member = 0;
    g->status = EXTLS_OK;
    g->bytes_in = 0;
    g->members = 0;
    g->msg[0] = '\0';
    g->z.next_in = g->in;
    g->z.avail_in = 0;
    inflateReset(&g->z);
}

void
gzin_set_read_max(struct gzin *g, size_t max)
{
    g->read_max = max >= 1 && max <= GZIN_BUF ? max : GZIN_BUF;
}

/* Record a sticky error and its message (printf-style); returns the error. */
static enum extls_status
fail(struct gzin *g, enum extls_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
    va_end(ap);
    g->status = st;
    return st;
}

/* read(2) into dst, retrying on EINTR; sets eof at the end. Returns bytes or -1 (errno). */
static ssize_t
read_some(struct gzin *g, void *dst, size_t cap)
{
    if (cap > g->read_max)
        cap = g->read_max;
    for (;;) {
        ssize_t n = read(g->fd, dst, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            g->eof = 1;
        if (n > 0)
            g->bytes_in += (uint64_t)n;
        return n;
    }
}

/* Append one read(2) to the unread bytes of in[] (moved to its front). */
static enum extls_status
fill(struct gzin *g)
{
    if (g->z.avail_in && g->z.next_in != g->in)
        memmove(g->in, g->z.next_in, g->z.avail_in);
    g->z.next_in = g->in;
    ssize_t n = read_some(g, g->in + g->z.avail_in, sizeof(g->in) - g->z.avail_in);
    if (n < 0)
        return fail(g, EXTLS_EIO, "%s", strerror(errno));
    g->z.avail_in += (uInt)n;
    return EXTLS_OK;
}

/* Pass-through: first what sniffing buffered, then read(2) straight into buf. */
static enum extls_status
read_plain(struct gzin *g, char *buf, size_t cap, size_t *n)
{
    if (g->z.avail_in) {
        size_t k = g->z.avail_in < cap ? g->z.avail_in : cap;
        memcpy(buf, g->z.next_in, k);
        g->z.next_in += k;
        g->z.avail_in -= (uInt)k;
        *n = k;
        return EXTLS_OK;
    }
    if (g->eof)
        return EXTLS_OK;
    ssize_t k = read_some(g, buf, cap);
    if (k < 0)
        return fail(g, EXTLS_EIO, "%s", strerror(errno));
    *n = (size_t)k;
    return EXTLS_OK;
}

/*
 * Inflate into buf until it is full, the input runs dry after some output
 * (so a pipe is not waited on while there is something to return), the
 * input ends, or an error. An error after some output is kept for the next
 * call.
 */
static enum extls_status
read_gzip(struct gzin *g, char *buf, size_t cap, size_t *n)
{
    if (cap > UINT_MAX)
        cap = UINT_MAX;
    g->z.next_out = (unsigned char *)buf;
    g->z.avail_out = (uInt)cap;
    while (g->z.avail_out) {
        if (!g->z.avail_in) {
            if (g->z.avail_out < cap || g->eof)
                break;
            if (fill(g) != EXTLS_OK)
                break;
            if (!g->z.avail_in)
                break; /* end of input */
        }
        g->in_member = 1;
        int rc = inflate(&g->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            /* A member ended; whatever follows must be another one. */
            g->in_member = 0;
            g->members++;
            inflateReset(&g->z);
        } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
            fail(g, EXTLS_EPARSE, "corrupt gzip data: %s", g->z.msg ? g->z.msg : "bad data");
            break;
        } else if (rc == Z_MEM_ERROR) {
            fail(g, EXTLS_ENOMEM, "out of memory");
            break;
        } else if (rc == Z_BUF_ERROR && g->z.avail_in && g->z.avail_out) {
            /* No progress with room on both sides: zlib says this cannot happen. */
            fail(g, EXTLS_EPARSE, "corrupt gzip data: inflate made no progress");
            break;
        }
    }
    if (g->status == EXTLS_OK && g->eof && !g->z.avail_in && g->in_member)
        fail(g, EXTLS_EPARSE, "truncated gzip stream after %llu bytes",
             (unsigned long long)g->bytes_in);
    *n = cap - g->z.avail_out;
    return *n ? EXTLS_OK : g->status;
}

enum extls_status
gzin_read(struct gzin *g, char *buf, size_t cap, size_t *n)
{
    *n = 0;
    if (g->status != EXTLS_OK || cap == 0)
        return g->status;
    if (g->mode == GZIN_SNIFF) {
        while (g->z.avail_in < 2 && !g->eof) {
            if (fill(g) != EXTLS_OK)
                return g->status;
        }
        int magic = g->z.avail_in >= 2 && g->in[0] == 0x1F && g->in[1] == 0x8B;
        g->mode = magic ? GZIN_GZIP : GZIN_PLAIN;
    }
    if (g->mode == GZIN_PLAIN)
        return read_plain(g, buf, cap, n);
    return read_gzip(g, buf, cap, n);
}

const char *
gzin_message(const struct gzin *g)
{
    return g->msg;
}

uint64_t
gzin_bytes_in(const struct gzin *g)
{
    return g->bytes_in;
}

int
gzin_is_gzip(const struct gzin *g)
{
    return g->mode == GZIN_GZIP;
}

uint64_t
gzin_members(const struct gzin *g)
{
    return g->members;
}
