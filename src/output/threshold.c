/* SPDX-License-Identifier: MIT */
/*
 * threshold.c: parsing and evaluating --fail-on / --warn-on items.
 * Percentages are compared as count * 100000 against value * sessions in
 * 128-bit products, so 5% of 100 sessions is exactly 5 and never 5.0000001.
 */
#include "threshold.h"

#include <stdio.h>
#include <string.h>

#define PCT_SCALE 1000u            /* value units per percent */
#define PCT_MAX (100u * PCT_SCALE) /* 100% */

/* Messages; the caller adds "bad --fail-on 'TEXT': ". */
#define E_NAME                                                                                     \
    "use classes ssl2, ssl3, tls1_0, tls1_1, tls1_2, tls1_3, tls_unknown, tls_failed, none, "      \
    "legacy, or sessions or rows"
#define E_OP "compare with >, >=, < or <="
#define E_NUMBER "expected a count or a percentage after the comparison"
#define E_COUNT_ONLY "sessions and rows take a count, not a percentage"
#define E_WHOLE "a count is a whole number"
#define E_DECIMALS "at most 3 decimals in a percentage"
#define E_PCT "a percentage is at most 100"
#define E_BIG "count too large"
#define E_MANY "at most 32 thresholds"

static enum extls_status
fail(char *err, size_t err_len, const char *msg)
{
    snprintf(err, err_len, "%s", msg);
    return EXTLS_EPARSE;
}

/* Name of `len` bytes at p: a class, THRESHOLD_LEGACY, or -1. */
static int
parse_name(const char *p, size_t len)
{
    int c = extls_class_parse(p, len);
    if (c >= 0)
        return c;
    if (len == 6 && memcmp(p, "legacy", 6) == 0)
        return THRESHOLD_LEGACY;
    if (len == 8 && memcmp(p, "sessions", 8) == 0)
        return THRESHOLD_SESSIONS;
    if (len == 4 && memcmp(p, "rows", 4) == 0)
        return THRESHOLD_ROWS;
    return -1;
}

/*
 * The number at p up to `end` ("12", "5%", "0.25%") into *t; NULL on
 * success, else the message.
 */
static const char *
parse_value(const char *p, const char *end, struct threshold *t)
{
    uint64_t whole = 0, frac = 0;
    int big = 0;
    size_t n_whole = 0, n_frac = 0;
    for (; p < end && *p >= '0' && *p <= '9'; p++, n_whole++) {
        unsigned d = (unsigned)(*p - '0');
        if (whole > (UINT64_MAX - d) / 10)
            big = 1;
        else
            whole = whole * 10 + d;
    }
    int dot = p < end && *p == '.';
    if (dot) {
        for (p++; p < end && *p >= '0' && *p <= '9'; p++, n_frac++) {
            if (n_frac < 3)
                frac = frac * 10 + (unsigned)(*p - '0');
        }
    }
    int percent = p < end && *p == '%';
    if (percent)
        p++;
    if (n_whole == 0 || (dot && n_frac == 0) || p != end)
        return E_NUMBER;
    if (!percent) {
        if (dot)
            return E_WHOLE;
        if (big)
            return E_BIG;
        t->percent = 0;
        t->value = whole;
        return NULL;
    }
    if (n_frac > 3)
        return E_DECIMALS;
    for (size_t i = n_frac; i < 3; i++)
        frac *= 10;
    if (big || whole > 100 || whole * PCT_SCALE + frac > PCT_MAX)
        return E_PCT;
    t->percent = 1;
    t->value = whole * PCT_SCALE + frac;
    return NULL;
}

/* One item p..end into *t; NULL on success, else the message. */
static const char *
parse_item(const char *p, const char *end, struct threshold *t)
{
    const char *op = p;
    while (op < end && !strchr("<>=!", *op))
        op++;
    t->name = parse_name(p, (size_t)(op - p));
    if (t->name < 0)
        return E_NAME;
    if (op == end) {
        t->op = THRESHOLD_GT;
        t->percent = 0;
        t->value = 0;
        return NULL;
    }
    if (*op != '>' && *op != '<')
        return E_OP;
    int less = *op == '<';
    op++;
    t->op = less ? THRESHOLD_LT : THRESHOLD_GT;
    if (op < end && *op == '=') {
        t->op = less ? THRESHOLD_LE : THRESHOLD_GE;
        op++;
    }
    const char *why = parse_value(op, end, t);
    if (!why && t->percent && (t->name == THRESHOLD_SESSIONS || t->name == THRESHOLD_ROWS))
        return E_COUNT_ONLY;
    return why;
}

enum extls_status
threshold_parse(struct threshold_list *list, const char *text, char *err, size_t err_len)
{
    struct threshold_list l;
    l.n = 0;
    for (const char *p = text;;) {
        const char *end = p + strcspn(p, ",");
        if (l.n == THRESHOLD_MAX)
            return fail(err, err_len, E_MANY);
        const char *why = parse_item(p, end, &l.item[l.n]);
        if (why)
            return fail(err, err_len, why);
        l.n++;
        if (!*end)
            break;
        p = end + 1;
    }
    *list = l;
    return EXTLS_OK;
}

uint64_t
threshold_count(const struct threshold *t, const struct threshold_counts *c)
{
    if (t->name == THRESHOLD_SESSIONS)
        return c->sessions;
    if (t->name == THRESHOLD_ROWS)
        return c->rows;
    if (t->name != THRESHOLD_LEGACY)
        return c->count[t->name];
    return extls_legacy_count(c->count);
}

/* a * b as a 128-bit number hi:lo. */
static void
mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    *lo = (ll & 0xffffffffu) | (mid << 32);
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* Sign of a * b - c * d. */
static int
cmp_products(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t h1, l1, h2, l2;
    mul64(a, b, &h1, &l1);
    mul64(c, d, &h2, &l2);
    if (h1 != h2)
        return h1 > h2 ? 1 : -1;
    return (l1 > l2) - (l1 < l2);
}

int
threshold_match(const struct threshold *t, const struct threshold_counts *counts)
{
    uint64_t n = threshold_count(t, counts);
    int c;
    if (t->percent) {
        if (counts->sessions == 0)
            return 0;
        c = cmp_products(n, PCT_MAX, t->value, counts->sessions); /* n/sessions vs value/PCT_MAX */
    } else {
        c = (n > t->value) - (n < t->value);
    }
    switch (t->op) {
    case THRESHOLD_GT:
        return c > 0;
    case THRESHOLD_GE:
        return c >= 0;
    case THRESHOLD_LT:
        return c < 0;
    case THRESHOLD_LE:
        return c <= 0;
    }
    return 0;
}

int
threshold_list_match(const struct threshold_list *list, const struct threshold_counts *c)
{
    for (size_t i = 0; i < list->n; i++) {
        if (threshold_match(&list->item[i], c))
            return 1;
    }
    return 0;
}

char *
threshold_format(const struct threshold *t, char *buf)
{
    static const char *const ops[] = {">", ">=", "<", "<="};
    const char *name = t->name == THRESHOLD_LEGACY     ? "legacy"
                       : t->name == THRESHOLD_SESSIONS ? "sessions"
                       : t->name == THRESHOLD_ROWS     ? "rows"
                                                   : extls_class_name((enum extls_class)t->name);
    const char *op = (unsigned)t->op <= THRESHOLD_LE ? ops[t->op] : "?";
    if (!t->percent) {
        snprintf(buf, THRESHOLD_TEXT, "%s%s%llu", name, op, (unsigned long long)t->value);
        return buf;
    }
    unsigned frac = (unsigned)(t->value % PCT_SCALE);
    unsigned digits = 3;
    for (; digits && frac % 10 == 0; digits--)
        frac /= 10;
    if (digits)
        snprintf(buf, THRESHOLD_TEXT, "%s%s%llu.%0*u%%", name, op,
                 (unsigned long long)(t->value / PCT_SCALE), (int)digits, frac);
    else
        snprintf(buf, THRESHOLD_TEXT, "%s%s%llu%%", name, op,
                 (unsigned long long)(t->value / PCT_SCALE));
    return buf;
}
