/* SPDX-License-Identifier: MIT */
/*
 * iptext.h: a numeric IP address from text, as inet_pton() reads it.
 *
 * IPv4 is the dotted quad (four decimal parts 0..255, no leading zeros);
 * IPv6 the text form of RFC 4291 2.2 (up to eight groups of 1-4 hex digits,
 * one "::", an optional dotted-quad tail). No names, no zone ids, no
 * prefix lengths. The platform module on Windows uses it (the C runtime
 * there has no inet_pton() without the socket library); it is plain C, so
 * it builds and is tested on every system, against inet_pton() on POSIX.
 */
#ifndef EXTLS_IPTEXT_H
#define EXTLS_IPTEXT_H

/*
 * Parse `s` (NUL-terminated) into out[] in network order. Returns 4 (IPv4,
 * out[0..3] filled), 16 (IPv6, out[0..15]), or 0 if `s` is neither (out[]
 * unchanged).
 */
int iptext_parse(const char *s, unsigned char out[16]);

#endif /* EXTLS_IPTEXT_H */
