/* SPDX-License-Identifier: MIT */
/*
 * row.h: the typed view of one protocol-log row. row_decode() checks and
 * converts the fields a reader delivered; a row it rejects is malformed
 * (the caller reports it with its location).
 */
#ifndef EXTLS_ROW_H
#define EXTLS_ROW_H

#include <stdint.h>

#include "reader.h"

/* Protocol events, as written in the event column. */
enum row_event {
    ROW_CONNECT = '+',
    ROW_DISCONNECT = '-',
    ROW_SEND = '>',    /* bytes this server wrote */
    ROW_RECEIVE = '<', /* bytes the peer sent */
    ROW_INFO = '*',    /* Exchange's own information rows */
};

/* One decoded row; all fields borrowed from the reader row it came from. */
struct row {
    enum extls_dir dir;
    int64_t time_ms; /* date-time, ms since the epoch, UTC */
    uint64_t seq;    /* sequence-number */
    enum row_event event;
    struct span connector; /* connector-id, bytes as logged */
    struct span session;   /* session-id, bytes as logged (not empty) */
    struct span local;     /* local-endpoint, may be empty */
    struct span remote_ep; /* remote-endpoint as logged; its address by row_endpoint_address() */
    struct span data;
    struct span context;
    uint64_t line;
};

/*
 * Decode `in` into `out`. Returns NULL on success, else a static reason
 * ("unparsable date-time", ...) and `out` is unspecified.
 */
const char *row_decode(const struct reader_row *in, struct row *out);

/*
 * Address part of an endpoint: "a.b.c.d:port" -> "a.b.c.d",
 * "[v6%scope]:port" -> "v6%scope"; anything else is returned whole.
 */
struct span row_endpoint_address(struct span ep);

#endif /* EXTLS_ROW_H */
