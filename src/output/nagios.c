/* SPDX-License-Identifier: MIT */
/*
 * nagios.c: the --nagios status line, built with bounded appends into a
 * fixed buffer (text past NAGIOS_LINE_MAX - 1 bytes is cut, never
 * overflowed).
 */
#include "nagios.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *
nagios_state_name(enum nagios_state st)
{
    return (unsigned)st <= NAGIOS_UNKNOWN ? state_names[st] : "UNKNOWN";
}

/* A line being built: buf[0..len), always NUL-terminated. */
struct line {
    char *buf;
    size_t len;
};

static void
add(struct line *l, const char *fmt, ...)
{
    va_list ap;
    if (l->len >= NAGIOS_LINE_MAX - 1)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, NAGIOS_LINE_MAX - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n < NAGIOS_LINE_MAX - l->len ? (size_t)n : NAGIOS_LINE_MAX - 1 - l->len;
}

/* Keep room for the final '\n' even when the text was cut. */
static void
end_line(struct line *l)
{
    if (l->len > NAGIOS_LINE_MAX - 2)
        l->len = NAGIOS_LINE_MAX - 2;
    l->buf[l->len++] = '\n';
    l->buf[l->len] = '\0';
}

/* "; LABEL: item (value), item (value)" for the matching items of `list`. */
static void
add_matches(struct line *l, const char *label, const struct threshold_list *list,
            const struct threshold_counts *c)
{
    uint64_t sessions = c->sessions;
    int first = 1;
    for (size_t i = 0; i < list->n; i++) {
        const struct threshold *t = &list->item[i];
        if (!threshold_match(t, c))
            continue;
        char text[THRESHOLD_TEXT];
        if (first)
            add(l, "; %s: ", label);
        else
            add(l, ", ");
        first = 0;
        add(l, "%s (", threshold_format(t, text));
        uint64_t n = threshold_count(t, c);
        if (!t->percent) {
            add(l, "%llu)", (unsigned long long)n);
            continue;
        }
        /* For reading only: three decimals, trailing zeros dropped. */
        char pct[32];
        snprintf(pct, sizeof(pct), "%.3f", 100.0 * (double)n / (double)sessions);
        size_t k = strlen(pct);
        while (pct[k - 1] == '0')
            k--;
        if (pct[k - 1] == '.')
            k--;
        add(l, "%.*s%%)", (int)k, pct);
    }
}

/* Where an item alerts, as counts: above `high` and/or below `low`. */
struct bounds {
    int has_high, has_low;
    uint64_t high, low;
};

/*
 * Add item t, in a run of `sessions` sessions (a percentage becomes the
 * count it means here), to *b: `>` and `>=` items lower the bound above
 * which the label alerts, `<` and `<=` items raise the one below which it
 * does. An item that always or never matches adds nothing.
 */
static void
add_bound(struct bounds *b, const struct threshold *t, uint64_t sessions)
{
    uint64_t at; /* the value as a count: floor for > and <=, ceiling for >= and < */
    if (t->percent) {
        if (!sessions || t->value > UINT64_MAX / sessions)
            return;
        uint64_t p = t->value * sessions; /* 100000 x the count, exactly */
        int up = t->op == THRESHOLD_GE || t->op == THRESHOLD_LT;
        at = p / 100000 + (up && p % 100000 != 0);
    } else {
        at = t->value;
    }
    uint64_t high, low;
    switch (t->op) {
    case THRESHOLD_GT: /* count > at */
        high = at;
        break;
    case THRESHOLD_GE: /* count > at - 1 */
        if (at == 0)
            return;
        high = at - 1;
        break;
    case THRESHOLD_LT: /* count < at */
        if (at == 0)
            return;
        low = at;
        goto lower;
    case THRESHOLD_LE: /* count < at + 1 */
        if (at == UINT64_MAX)
            return;
        low = at + 1;
        goto lower;
    default:
        return;
    }
    if (!b->has_high || high < b->high)
        b->high = high, b->has_high = 1;
    return;
lower:
    if (!b->has_low || low > b->low)
        b->low = low, b->has_low = 1;
}

/*
 * ";warn;crit" of a perfdata label (class `name`, THRESHOLD_LEGACY or
 * THRESHOLD_SESSIONS): the items naming it in each list as one Nagios range,
 * "H" (alert above H), "L:" (alert below L) or "L:H" (either); nothing when
 * neither list names it.
 */
static void
add_thresholds(struct line *l, int name, const struct threshold_list *warn,
               const struct threshold_list *crit, uint64_t sessions)
{
    const struct threshold_list *lists[2] = {warn, crit};
    char part[2][48] = {"", ""};
    for (int k = 0; k < 2; k++) {
        struct bounds b = {0, 0, 0, 0};
        for (size_t i = 0; i < lists[k]->n; i++) {
            if (lists[k]->item[i].name == name)
                add_bound(&b, &lists[k]->item[i], sessions);
        }
        if (b.has_low && b.has_high)
            snprintf(part[k], sizeof(part[k]), "%llu:%llu", (unsigned long long)b.low,
                     (unsigned long long)b.high);
        else if (b.has_low)
            snprintf(part[k], sizeof(part[k]), "%llu:", (unsigned long long)b.low);
        else if (b.has_high)
            snprintf(part[k], sizeof(part[k]), "%llu", (unsigned long long)b.high);
    }
    if (part[1][0])
        add(l, ";%s;%s", part[0], part[1]);
    else if (part[0][0])
        add(l, ";%s", part[0]);
}

enum nagios_state
nagios_status(char *buf, const struct threshold_list *crit, const struct threshold_list *warn,
              const struct threshold_counts *c)
{
    const uint64_t *count = c->count;
    uint64_t sessions = c->sessions;
    enum nagios_state st = NAGIOS_OK;
    if (threshold_list_match(crit, c))
        st = NAGIOS_CRITICAL;
    else if (threshold_list_match(warn, c))
        st = NAGIOS_WARNING;
    uint64_t legacy = extls_legacy_count(count);
    struct line l = {buf, 0};
    buf[0] = '\0';
    add(&l, "EXTLS %s - %llu session%s, %llu legacy", nagios_state_name(st),
        (unsigned long long)sessions, sessions == 1 ? "" : "s", (unsigned long long)legacy);
    add_matches(&l, "critical", crit, c);
    add_matches(&l, "warning", warn, c);
    add(&l, " | sessions=%llu", (unsigned long long)sessions);
    add_thresholds(&l, THRESHOLD_SESSIONS, warn, crit, sessions);
    for (int k = 0; k < EXTLS_N_CLASSES; k++) {
        add(&l, " %s=%llu", extls_class_name((enum extls_class)k), (unsigned long long)count[k]);
        add_thresholds(&l, k, warn, crit, sessions);
    }
    add(&l, " legacy=%llu", (unsigned long long)legacy);
    add_thresholds(&l, THRESHOLD_LEGACY, warn, crit, sessions);
    end_line(&l);
    return st;
}

enum nagios_state
nagios_unknown(char *buf, const char *msg)
{
    struct line l = {buf, 0};
    buf[0] = '\0';
    add(&l, "EXTLS UNKNOWN - ");
    size_t from = l.len;
    add(&l, "%s", msg);
    for (size_t i = from; i < l.len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x20 || c == 0x7f || c == '|')
            buf[i] = '?';
    }
    end_line(&l);
    return NAGIOS_UNKNOWN;
}
