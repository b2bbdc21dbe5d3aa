/* SPDX-License-Identifier: MIT */
/*
 * gzin.c: sniff the gzip magic, then either pass bytes through or inflate
 * them member after member: with ISA-L's streaming inflate for regular
 * files when built with it, with zlib otherwise, and with zlib again to
 * name what is wrong when ISA-L finds a member damaged (the file is read
 * again from that member's start, the bytes already delivered skipped).
 * Knows nothing about logs or rows.
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

#include "platform.h"

#ifndef EXTLS_HAVE_ISAL
#define EXTLS_HAVE_ISAL 0 /* set by CMake when libisal-dev is found */
#endif
#if EXTLS_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

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
    uint64_t bytes_in;        /* read from fd since gzin_begin() (each byte once) */
    uint64_t pos;             /* offset in the input after the last read(2) */
    uint64_t members;         /* gzip members completed */
    z_stream z;               /* next_in/avail_in: unread bytes of in[], in every mode */
    int z_ready;              /* inflateInit2() succeeded */
    enum gzin_engine want;    /* engine for regular files (gzin_set_engine()) */
    enum gzin_engine engine;  /* engine inflating the current input */
    off_t origin;             /* file offset of the input's first byte (ISA-L: seekable) */
    uint64_t member_start;    /* input offset of the current member's first byte */
    uint64_t member_out;      /* bytes of the current member delivered */
    uint64_t skip;            /* zlib: bytes to inflate and drop (delivered by ISA-L already) */
    int fresh;                /* ISA-L: the member's header is not checked yet */
#if EXTLS_HAVE_ISAL
    struct inflate_state *isal; /* ISA-L's state, allocated on first use */
#endif
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
    g->want = gzin_engine_available(GZIN_ISAL) ? GZIN_ISAL : GZIN_ZLIB;
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
#if EXTLS_HAVE_ISAL
    free(g->isal);
#endif
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
    g->pos = 0;
    g->members = 0;
    g->msg[0] = '\0';
    g->z.next_in = g->in;
    g->z.avail_in = 0;
    inflateReset(&g->z);
    g->engine = GZIN_ZLIB;
    g->member_start = 0;
    g->member_out = 0;
    g->skip = 0;
}

int
gzin_engine_available(enum gzin_engine e)
{
    return e == GZIN_ZLIB || (e == GZIN_ISAL && EXTLS_HAVE_ISAL);
}

int
gzin_set_engine(struct gzin *g, enum gzin_engine e)
{
    if (!gzin_engine_available(e))
        return -1;
    g->want = e;
    return 0;
}

enum gzin_engine
gzin_engine(const struct gzin *g)
{
    return g->engine;
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
        if (n > 0) {
            g->pos += (uint64_t)n;
            if (g->pos > g->bytes_in)
                g->bytes_in = g->pos; /* bytes read again count once */
        }
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
 * zlib: inflate into buf until it is full, the input runs dry after some
 * output (so a pipe is not waited on while there is something to return),
 * the input ends, or an error. Returns the bytes produced; an error is left
 * in g->status (after some output, for the next call).
 */
static size_t
inflate_zlib(struct gzin *g, char *buf, size_t cap)
{
    if (cap > UINT_MAX)
        cap = UINT_MAX;
    g->z.next_out = (unsigned char *)buf;
    g->z.avail_out = (uInt)cap;
    while (g->z.avail_out) {
        if (!g->z.avail_in && !g->eof) {
            if (g->z.avail_out < cap)
                break; /* return what there is rather than wait */
            if (fill(g) != EXTLS_OK)
                break;
        }
        uInt had = g->z.avail_in, room = g->z.avail_out;
        if (had)
            g->in_member = 1;
        else if (!g->in_member)
            break; /* the end, between members */
        /* With no input left, inflate() still writes what it holds back. */
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
        } else if (room == g->z.avail_out && had == g->z.avail_in) {
            if (!had)
                break; /* the input ended inside a member */
            /* No progress with room on both sides: zlib says this cannot happen. */
            fail(g, EXTLS_EPARSE, "corrupt gzip data: inflate made no progress");
            break;
        }
    }
    if (g->status == EXTLS_OK && g->eof && !g->z.avail_in && g->in_member && g->z.avail_out)
        fail(g, EXTLS_EPARSE, "gzip data cut short after %llu bytes",
             (unsigned long long)g->bytes_in);
    return cap - g->z.avail_out;
}

/* zlib, first dropping what ISA-L delivered of the member being read again. */
static enum extls_status
read_gzip(struct gzin *g, char *buf, size_t cap, size_t *n)
{
    while (g->skip) {
        size_t k = inflate_zlib(g, buf, g->skip < cap ? (size_t)g->skip : cap);
        if (k == 0)
            return g->status; /* zlib stopped before ISA-L did */
        g->skip -= k;
    }
    *n = inflate_zlib(g, buf, cap);
    return *n ? EXTLS_OK : g->status;
}

#if EXTLS_HAVE_ISAL
/* Start ISA-L on a new member (gzip wrapper: header parsed, CRC and length checked). */
static void
isal_member(struct gzin *g)
{
    isal_inflate_reset(g->isal);
    g->isal->crc_flag = ISAL_GZIP;
    g->member_start = g->pos - g->z.avail_in;
    g->member_out = 0;
    g->fresh = 1;
}

/*
 * Is what starts here a gzip header zlib would take as far as ISA-L looks
 * (magic, deflate, no reserved flag: ISA-L ignores those)? 1 yes, 0 no,
 * -1 read error. At the end of the input there is nothing to judge: yes.
 */
static int
isal_header_ok(struct gzin *g)
{
    while (g->z.avail_in < 4 && !g->eof) {
        if (fill(g) != EXTLS_OK)
            return -1;
    }
    const unsigned char *h = g->z.next_in;
    if (g->z.avail_in == 0)
        return 1;
    return g->z.avail_in >= 4 && h[0] == 0x1F && h[1] == 0x8B && h[2] == 8 && !(h[3] & 0xE0);
}

/*
 * ISA-L found the current member damaged: read it again with zlib from its
 * first byte, dropping the bytes already delivered, so that the error (and
 * any byte before it) is zlib's. Returns EXTLS_OK or a sticky error.
 */
static enum extls_status
isal_to_zlib(struct gzin *g)
{
    if (lseek(g->fd, g->origin + (off_t)g->member_start, SEEK_SET) < 0)
        return fail(g, EXTLS_EIO, "%s", strerror(errno));
    g->pos = g->member_start;
    g->eof = 0;
    g->z.next_in = g->in;
    g->z.avail_in = 0;
    inflateReset(&g->z);
    g->skip = g->member_out;
    g->engine = GZIN_ZLIB;
    return EXTLS_OK;
}

/*
 * ISA-L: as inflate_zlib(), handing over to zlib on the first error.
 * ISA-L takes input ahead into its own bit buffer, so at the end of the
 * input it is called with none until it makes no more progress: a member
 * still open then is handed over too (zlib tells a cut-off member from a
 * damaged one, in its words).
 */
static enum extls_status
read_isal(struct gzin *g, char *buf, size_t cap, size_t *n)
{
    struct inflate_state *s = g->isal;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    s->next_out = (uint8_t *)buf;
    s->avail_out = (uint32_t)cap;
    while (s->avail_out) {
        if (!g->z.avail_in && !g->eof) {
            if (s->avail_out < cap)
                break; /* return what there is rather than wait */
            if (fill(g) != EXTLS_OK)
                break;
        }
        if (g->fresh) {
            int ok = isal_header_ok(g);
            if (ok < 0)
                break;
            g->fresh = 0;
            if (!ok) {
                *n = cap - s->avail_out;
                g->in_member = 1;
                if (isal_to_zlib(g) != EXTLS_OK)
                    return *n ? EXTLS_OK : g->status;
                return *n ? EXTLS_OK : read_gzip(g, buf, cap, n);
            }
        }
        if (g->z.avail_in)
            g->in_member = 1;
        s->next_in = g->z.next_in;
        s->avail_in = g->z.avail_in;
        uint32_t room = s->avail_out, had = s->avail_in;
        int rc = isal_inflate(s);
        g->z.next_in = s->next_in;
        g->z.avail_in = s->avail_in;
        g->member_out += room - s->avail_out;
        int stuck = had && had == s->avail_in && room == s->avail_out;
        if (rc != ISAL_DECOMP_OK || stuck) {
            *n = cap - s->avail_out;
            if (isal_to_zlib(g) != EXTLS_OK)
                return *n ? EXTLS_OK : g->status;
            return *n ? EXTLS_OK : read_gzip(g, buf, cap, n);
        }
        if (s->block_state == ISAL_BLOCK_FINISH) {
            /* A member ended; whatever follows must be another one. */
            g->in_member = 0;
            g->members++;
            isal_member(g);
            continue;
        }
        if (g->eof && !had && room == s->avail_out)
            break; /* nothing more will come */
    }
    *n = cap - s->avail_out;
    if (g->status == EXTLS_OK && g->eof && !g->z.avail_in && g->in_member && s->avail_out) {
        /* Cut off inside a member: zlib says whether it is only that. */
        if (isal_to_zlib(g) != EXTLS_OK)
            return *n ? EXTLS_OK : g->status;
        return *n ? EXTLS_OK : read_gzip(g, buf, cap, n);
    }
    return *n ? EXTLS_OK : g->status;
}

/* ISA-L for a seekable regular file (a damaged member is read again by zlib), when wanted. */
static void
choose_engine(struct gzin *g)
{
    struct platform_stat st;
    if (g->want != GZIN_ISAL || platform_fstat(g->fd, &st) != 0 || st.kind != PLATFORM_FILE)
        return;
    off_t at = lseek(g->fd, 0, SEEK_CUR);
    if (at < 0 || (uint64_t)at < g->pos)
        return;
    if (!g->isal) {
        g->isal = malloc(sizeof(*g->isal));
        if (!g->isal)
            return; /* zlib will do */
    }
    isal_inflate_init(g->isal);
    g->origin = at - (off_t)g->pos;
    isal_member(g);
    g->engine = GZIN_ISAL;
}
#else
static void
choose_engine(struct gzin *g)
{
    (void)g;
}

static enum extls_status
read_isal(struct gzin *g, char *buf, size_t cap, size_t *n)
{
    return read_gzip(g, buf, cap, n);
}
#endif

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
        if (magic)
            choose_engine(g);
    }
    if (g->mode == GZIN_PLAIN)
        return read_plain(g, buf, cap, n);
    if (g->engine == GZIN_ISAL)
        return read_isal(g, buf, cap, n);
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
