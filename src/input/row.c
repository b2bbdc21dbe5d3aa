/* SPDX-License-Identifier: MIT */
/*
 * row.c: field checks and conversions for one row (time, sequence number,
 * event, endpoint address).
 */
#include "row.h"

#include <stdint.h>
#include <string.h>

#include "isotime.h"

/* Eight bytes at p as a little-endian number (byte i in bits 8i..8i+7). */
static inline uint64_t
load_le64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* The top bit of each byte of w that is ':', no other bit (exact, no carries across bytes). */
static inline uint64_t
colon_bits(uint64_t w)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    uint64_t t = w ^ 0x3A3A3A3A3A3A3A3Aull; /* ':' bytes become 0 */
    return ~(((t & low7) + low7) | t | low7);
}

/*
 * Where the only colon of ep is: its offset, or ep.len when ep has none
 * or more than one. Eight bytes at a time (the last eight overlapping the
 * word before, shifted past what was seen); bytes past ep.len are never read.
 */
static size_t
only_colon(struct span ep)
{
    size_t colon = ep.len;
    int colons = 0;
    if (ep.len < 8) {
        for (size_t i = 0; i < ep.len; i++) {
            if (ep.ptr[i] == ':') {
                colon = i;
                colons++;
            }
        }
        return colons == 1 ? colon : ep.len;
    }
    for (size_t i = 0; i < ep.len; i += 8) {
        uint64_t m;
        if (i + 8 <= ep.len)
            m = colon_bits(load_le64(ep.ptr + i));
        else
            m = colon_bits(load_le64(ep.ptr + ep.len - 8)) >> (8 * (i + 8 - ep.len));
        if (!m)
            continue;
        if (colons == 0) {
            colon = i + (size_t)__builtin_ctzll(m) / 8;
            colons = 1;
            m &= m - 1;
        }
        if (m)
            return ep.len;
    }
    return colon;
}

struct span
row_endpoint_address(struct span ep)
{
    struct span a = ep;
    if (ep.len >= 2 && ep.ptr[0] == '[') {
        const char *close = memchr(ep.ptr, ']', ep.len);
        if (close) {
            a.ptr = ep.ptr + 1;
            a.len = (size_t)(close - ep.ptr) - 1;
        }
        return a;
    }
    /* "a.b.c.d:port": exactly one colon; a bare IPv6 address has several. */
    a.len = only_colon(ep);
    return a;
}

static int
parse_seq(struct span f, uint64_t *out)
{
    uint64_t v = 0;
    if (f.len == 0 || f.len > 19)
        return -1;
    for (size_t i = 0; i < f.len; i++) {
        if (f.ptr[i] < '0' || f.ptr[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(f.ptr[i] - '0');
    }
    *out = v;
    return 0;
}

const char *
row_decode(const struct reader_row *in, struct row *out)
{
    const struct span *c = in->col;
    if (isotime_parse(c[READER_DATE_TIME].ptr, c[READER_DATE_TIME].len, &out->time_ms) != 0)
        return "unparsable date-time";
    if (c[READER_SESSION_ID].len == 0)
        return "empty session-id";
    if (parse_seq(c[READER_SEQUENCE_NUMBER], &out->seq) != 0)
        return "unparsable sequence-number";
    if (c[READER_EVENT].len != 1)
        return "unknown event";
    switch (c[READER_EVENT].ptr[0]) {
    case '+':
    case '-':
    case '<':
    case '>':
    case '*':
        break;
    default:
        return "unknown event";
    }
    out->event = (enum row_event)c[READER_EVENT].ptr[0];
    out->dir = in->dir;
    out->connector = c[READER_CONNECTOR_ID];
    out->session = c[READER_SESSION_ID];
    out->local = c[READER_LOCAL_ENDPOINT];
    out->remote = row_endpoint_address(c[READER_REMOTE_ENDPOINT]);
    out->data = c[READER_DATA];
    out->context = c[READER_CONTEXT];
    out->line = in->line;
    return NULL;
}
