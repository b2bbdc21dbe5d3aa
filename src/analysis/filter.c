/* SPDX-License-Identifier: MIT */
/*
 * filter.c: session filters. The address filter compares the network
 * prefix bytewise after platform_parse_ip(); IPv4-mapped IPv6 addresses are not
 * folded into IPv4.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "filter.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

struct filter {
    int64_t since, until;
    enum extls_dir dir; /* EXTLS_DIR_UNKNOWN: both */
    pcre2_code *conn_re;
    pcre2_match_data *md;
    int has_net;
    int family;            /* address length: 4 (IPv4) or 16 (IPv6) */
    unsigned char net[16]; /* network address */
    unsigned prefix;       /* prefix length in bits */
    unsigned classes;      /* bit 1 << class: counted; 0: all */
};

struct filter *
filter_new(void)
{
    struct filter *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->since = INT64_MIN;
    f->until = INT64_MAX;
    return f;
}

void
filter_free(struct filter *f)
{
    if (!f)
        return;
    pcre2_code_free(f->conn_re);
    pcre2_match_data_free(f->md);
    free(f);
}

void
filter_since(struct filter *f, int64_t ms)
{
    f->since = ms;
}

void
filter_until(struct filter *f, int64_t ms)
{
    f->until = ms;
}

void
filter_direction(struct filter *f, enum extls_dir dir)
{
    f->dir = dir;
}

enum extls_status
filter_connector(struct filter *f, const char *pattern, char *err, size_t err_len)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
    if (!re) {
        char msg[120];
        pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
        snprintf(err, err_len, "%s at offset %zu", msg, (size_t)off);
        return EXTLS_EINVAL;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!md) {
        pcre2_code_free(re);
        return EXTLS_ENOMEM;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    pcre2_code_free(f->conn_re);
    pcre2_match_data_free(f->md);
    f->conn_re = re;
    f->md = md;
    return EXTLS_OK;
}

/* Longest text of an IPv6 address, with its NUL (POSIX's INET6_ADDRSTRLEN). */
#define ADDR_TEXT_MAX 46

/* Parse an address into bytes; returns its length (4 or 16) or 0. */
static int
parse_addr(const char *s, unsigned char *out)
{
    return platform_parse_ip(s, out);
}

enum extls_status
filter_remote(struct filter *f, const char *spec)
{
    char addr[ADDR_TEXT_MAX + 8];
    const char *slash = strchr(spec, '/');
    size_t alen = slash ? (size_t)(slash - spec) : strlen(spec);
    if (alen == 0 || alen >= sizeof(addr))
        return EXTLS_EINVAL;
    memcpy(addr, spec, alen);
    addr[alen] = '\0';
    unsigned char net[16] = {0};
    int family = parse_addr(addr, net);
    if (!family)
        return EXTLS_EINVAL;
    unsigned max = family == 4 ? 32 : 128, prefix = max;
    if (slash) {
        const char *p = slash + 1;
        if (!*p || strlen(p) > 3)
            return EXTLS_EINVAL;
        prefix = 0;
        for (; *p; p++) {
            if (*p < '0' || *p > '9')
                return EXTLS_EINVAL;
            prefix = prefix * 10 + (unsigned)(*p - '0');
        }
        if (prefix > max)
            return EXTLS_EINVAL;
    }
    f->has_net = 1;
    f->family = family;
    f->prefix = prefix;
    memcpy(f->net, net, sizeof(net));
    return EXTLS_OK;
}

static int
in_net(const struct filter *f, const char *remote)
{
    unsigned char a[16] = {0};
    char buf[SESSION_ADDR_MAX + 1];
    /* Drop an IPv6 zone ("fe80::1%11") before parsing. */
    size_t n = strcspn(remote, "%");
    memcpy(buf, remote, n);
    buf[n] = '\0';
    if (parse_addr(buf, a) != f->family)
        return 0;
    unsigned full = f->prefix / 8, rest = f->prefix % 8;
    if (memcmp(a, f->net, full) != 0)
        return 0;
    if (rest) {
        unsigned char mask = (unsigned char)(0xFF << (8 - rest));
        if ((a[full] & mask) != (f->net[full] & mask))
            return 0;
    }
    return 1;
}

void
filter_classes(struct filter *f, unsigned mask)
{
    f->classes = mask;
}

int
filter_match(struct filter *f, const struct session *s)
{
    if (s->start_ms < f->since || s->start_ms >= f->until)
        return 0;
    if (f->dir != EXTLS_DIR_UNKNOWN && s->dir != f->dir)
        return 0;
    if (f->conn_re && pcre2_match(f->conn_re, (PCRE2_SPTR)s->connector->ptr, s->connector->len, 0,
                                  0, f->md, NULL) < 0)
        return 0;
    if (f->has_net && !in_net(f, s->remote))
        return 0;
    if (f->classes && !(f->classes & (1u << session_classify(s))))
        return 0;
    return 1;
}
