/* SPDX-License-Identifier: MIT */
/*
 * filter.h: which sessions a run counts (--since, --until, --direction,
 * --connector, --remote, --class). A session is in or out as a whole,
 * judged by its start time, direction, connector-id, remote address and
 * class.
 */
#ifndef EXTLS_FILTER_H
#define EXTLS_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "extls.h"
#include "session.h"

struct filter;

/* A filter that lets everything through; NULL when out of memory. Free with filter_free(). */
struct filter *filter_new(void);

/* filter_free(NULL) is a no-op. */
void filter_free(struct filter *f);

/* Count only sessions starting at or after `ms`. */
void filter_since(struct filter *f, int64_t ms);

/* Count only sessions starting before `ms`. */
void filter_until(struct filter *f, int64_t ms);

/* Count only sessions of this direction. */
void filter_direction(struct filter *f, enum extls_dir dir);

/*
 * Count only sessions whose connector-id matches the PCRE2 pattern (UTF
 * mode off: connector ids are matched as bytes). On EXTLS_EINVAL, `err`
 * (err_len bytes) receives PCRE2's message and the offset.
 */
enum extls_status filter_connector(struct filter *f, const char *pattern, char *err,
                                   size_t err_len);

/*
 * Count only sessions whose remote address is the given IPv4/IPv6 address
 * or lies in the given CIDR block ("192.0.2.0/24", "2001:db8::/32").
 * Returns EXTLS_EINVAL for text that is neither.
 */
enum extls_status filter_remote(struct filter *f, const char *spec);

/*
 * Count only sessions whose class is in `mask` (bit 1 << class, enum
 * extls_class); 0 lets every class through.
 */
void filter_classes(struct filter *f, unsigned mask);

/* 1 if the session is counted, 0 if excluded. */
int filter_match(struct filter *f, const struct session *s);

#endif /* EXTLS_FILTER_H */
