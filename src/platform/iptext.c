/* SPDX-License-Identifier: MIT */
/*
 * iptext.c: numeric IPv4 and IPv6 addresses from text, in plain C (see
 * iptext.h).
 */
#include "iptext.h"

#include <string.h>

/* Dotted-quad IPv4, as POSIX inet_pton() takes it: four decimal parts of
 * 0..255, no leading zeros, nothing else. 1 if parsed. */
static int
parse_ipv4(const char *s, unsigned char out[4])
{
    unsigned char tmp[4];
    int parts = 0;
    while (parts < 4) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned v = 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned)(*s - '0');
            if (v > 255 || (s > start && *start == '0'))
                return 0;
            s++;
        }
        tmp[parts++] = (unsigned char)v;
        if (parts < 4) {
            if (*s != '.')
                return 0;
            s++;
        }
    }
    if (*s)
        return 0;
    memcpy(out, tmp, 4);
    return 1;
}

/* The value of hex digit c, or -1. */
static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20; /* 'A'..'F' to 'a'..'f'; nothing else lands there */
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* IPv6 text form (RFC 4291 2.2: groups, one "::", a dotted-quad tail). 1 if parsed. */
static int
parse_ipv6(const char *s, unsigned char out[16])
{
    unsigned char tmp[16] = {0};
    int n = 0, gap = -1; /* bytes filled; where "::" is */
    if (s[0] == ':') {
        if (s[1] != ':')
            return 0;
        s++;
    }
    const char *group = s;
    unsigned v = 0;
    int digits = 0;
    for (;;) {
        char c = *s++;
        int h = hex_value(c);
        if (h >= 0) {
            if (++digits > 4)
                return 0;
            v = v << 4 | (unsigned)h;
            continue;
        }
        if (c == ':') {
            group = s;
            if (!digits) {
                if (gap >= 0)
                    return 0;
                gap = n;
                continue;
            }
            if (*s == '\0' || n + 2 > 16)
                return 0;
            tmp[n++] = (unsigned char)(v >> 8);
            tmp[n++] = (unsigned char)v;
            v = 0;
            digits = 0;
            continue;
        }
        if (c == '.' && n + 4 <= 16 && parse_ipv4(group, tmp + n)) {
            n += 4;
            digits = 0;
            break;
        }
        if (c != '\0')
            return 0;
        break;
    }
    if (digits) {
        if (n + 2 > 16)
            return 0;
        tmp[n++] = (unsigned char)(v >> 8);
        tmp[n++] = (unsigned char)v;
    }
    if (gap >= 0) {
        if (n == 16)
            return 0;
        memmove(tmp + 16 - (n - gap), tmp + gap, (size_t)(n - gap));
        memset(tmp + gap, 0, (size_t)(16 - n));
        n = 16;
    }
    if (n != 16)
        return 0;
    memcpy(out, tmp, 16);
    return 1;
}

int
iptext_parse(const char *s, unsigned char out[16])
{
    if (parse_ipv4(s, out))
        return 4;
    if (parse_ipv6(s, out))
        return 16;
    return 0;
}
