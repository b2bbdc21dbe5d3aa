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
    uint64_t legacy = 0;
    for (int k = 0; k < EXTLS_N_CLASSES; k++) {
        if (extls_class_is_legacy((enum extls_class)k))
            legacy += count[k];
    }
    struct line l = {buf, 0};
    buf[0] = '\0';
    add(&l, "EXTLS %s - %llu session%s, %llu legacy", nagios_state_name(st),
        (unsigned long long)sessions, sessions == 1 ? "" : "s", (unsigned long long)legacy);
    add_matches(&l, "critical", crit, c);
    add_matches(&l, "warning", warn, c);
    add(&l, " | sessions=%llu", (unsigned long long)sessions);
    for (int k = 0; k < EXTLS_N_CLASSES; k++)
        add(&l, " %s=%llu", extls_class_name((enum extls_class)k), (unsigned long long)count[k]);
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
