/* SPDX-License-Identifier: MIT */
/*
 * row.c: field checks and conversions for one row (time, sequence number,
 * event, endpoint address).
 */
#include "row.h"

#include <string.h>

#include "isotime.h"

/*
 * Where the only colon of ep is: its offset, or ep.len when ep has none
 * or more than one. The first by memchr() (the C library's vector search
 * costs less than a loop here), the rest, a port as a rule, byte by byte.
 */
static size_t
only_colon(struct span ep)
{
    const char *c = ep.len ? memchr(ep.ptr, ':', ep.len) : NULL;
    if (!c)
        return ep.len;
    for (const char *p = c + 1; p < ep.ptr + ep.len; p++) {
        if (*p == ':')
            return ep.len;
    }
    return (size_t)(c - ep.ptr);
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
    out->remote_ep = c[READER_REMOTE_ENDPOINT];
    out->data = c[READER_DATA];
    out->context = c[READER_CONTEXT];
    out->line = in->line;
    return NULL;
}
