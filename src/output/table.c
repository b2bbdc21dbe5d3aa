/* SPDX-License-Identifier: MIT */
/*
 * table.c: measuring, fitting and printing aligned columns (table.h).
 */
#include "table.h"

#include <string.h>

#include "esc.h"

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026, one column */

void
table_init(struct table *t, FILE *out, const struct table_col *cols, size_t n, unsigned limit)
{
    memset(t, 0, sizeof(*t));
    t->out = out;
    t->cols = cols;
    t->n_cols = n < TABLE_MAX_COLS ? n : TABLE_MAX_COLS;
    t->limit = limit;
    for (size_t i = 0; i < t->n_cols; i++)
        t->natural[i] = strlen(cols[i].title);
}

void
table_cell_text(struct table_cell *c, const char *s, size_t len)
{
    c->s = s;
    c->len = len;
    c->quote = 0;
}

void
table_cell_value(struct table_cell *c, const char *s, size_t len)
{
    table_cell_text(c, s, len);
    c->quote = len && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t');
}

void
table_cell_num(struct table_cell *c, uint64_t v)
{
    snprintf(c->num, sizeof(c->num), "%llu", (unsigned long long)v);
    table_cell_text(c, c->num, strlen(c->num));
}

static size_t
cell_width(const struct table_cell *c)
{
    return esc_text_width(c->s, c->len) + (c->quote ? 2 : 0);
}

/* Width of the columns in `shown` with their gaps. */
static size_t
total(const struct table *t, unsigned shown)
{
    size_t sum = 0, n = 0;
    for (size_t i = 0; i < t->n_cols; i++) {
        if (shown & (1u << i)) {
            sum += t->width[i];
            n++;
        }
    }
    return sum + (n ? (n - 1) * TABLE_GAP : 0);
}

/* Narrowest width column i may take. */
static size_t
floor_of(const struct table *t, size_t i)
{
    if (!(t->cols[i].flags & TABLE_SHRINK))
        return t->natural[i];
    size_t m = t->cols[i].min < 3 ? 3 : t->cols[i].min;
    return m < t->natural[i] ? m : t->natural[i];
}

/* Widths with the shrinkable columns capped at `cap` (never below their floor). */
static void
apply_cap(struct table *t, unsigned shown, size_t cap)
{
    for (size_t i = 0; i < t->n_cols; i++) {
        if (!(shown & (1u << i)))
            continue;
        size_t w = t->natural[i];
        if ((t->cols[i].flags & TABLE_SHRINK) && w > cap)
            w = cap > floor_of(t, i) ? cap : floor_of(t, i);
        t->width[i] = w;
    }
}

/*
 * Shrink the columns of `shown` to fit the limit: the largest cap on the
 * shrinkable columns that fits, then the room left given one column each
 * to those still cut. Returns 1 if the row fits.
 */
static int
shrink(struct table *t, unsigned shown)
{
    size_t hi = 0;
    for (size_t i = 0; i < t->n_cols; i++) {
        if ((shown & (1u << i)) && t->natural[i] > hi)
            hi = t->natural[i];
    }
    apply_cap(t, shown, hi);
    if (total(t, shown) <= t->limit)
        return 1;
    size_t lo = 0; /* invariant: cap hi does not fit */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        apply_cap(t, shown, mid);
        if (total(t, shown) <= t->limit)
            lo = mid;
        else
            hi = mid;
    }
    apply_cap(t, shown, lo);
    if (total(t, shown) > t->limit)
        return 0;
    size_t room = t->limit - total(t, shown);
    for (size_t i = 0; i < t->n_cols && room; i++) {
        if ((shown & (1u << i)) && t->width[i] < t->natural[i] && t->width[i] == lo) {
            t->width[i]++;
            room--;
        }
    }
    return 1;
}

/* The columns of one layout: those without the other layout's flag. */
static unsigned
layout_cols(const struct table *t, unsigned not_flag)
{
    unsigned shown = 0;
    for (size_t i = 0; i < t->n_cols; i++) {
        if (!(t->cols[i].flags & not_flag))
            shown |= 1u << i;
    }
    return shown;
}

void
table_layout(struct table *t)
{
    t->pass = 1;
    t->shown = layout_cols(t, TABLE_COMPACT);
    memcpy(t->width, t->natural, sizeof(t->width));
    if (!t->limit || shrink(t, t->shown)) {
        for (size_t i = 0; i < t->n_cols; i++)
            t->cut |= (t->shown & (1u << i)) && t->width[i] < t->natural[i];
        return;
    }
    t->cut = 1;
    t->shown = layout_cols(t, TABLE_FULL);
    while (!shrink(t, t->shown)) {
        size_t worst = t->n_cols;
        for (size_t i = 0; i < t->n_cols; i++) {
            if ((t->shown & (1u << i)) && t->cols[i].drop &&
                (worst == t->n_cols || t->cols[i].drop > t->cols[worst].drop))
                worst = i;
        }
        if (worst == t->n_cols)
            return; /* nothing left to drop: wider than the limit */
        t->shown &= ~(1u << worst);
    }
}

/*
 * The unit at s[0..len) that a cut may not split: one valid UTF-8
 * character, or the bytes esc_text() writes as \xHH escapes together (a
 * C1 control character's two bytes, or one invalid byte). Returns its
 * length (>= 1 when len > 0) and its display width in *w.
 */
static size_t
cut_unit(const char *s, size_t len, size_t *w)
{
    unsigned cp;
    size_t k = esc_utf8_next((const unsigned char *)s, len, &cp);
    if (k == 0)
        k = 1;
    *w = esc_text_width(s, k);
    return k;
}

/*
 * Write s[0..len) (escaped) in `w` display columns: whole when it fits,
 * else its start and end around "…", each made of whole units
 * (cut_unit()), so that no character and no escape is split. Returns the
 * columns written.
 */
static size_t
put_cut(FILE *out, const char *s, size_t len, size_t w)
{
    size_t full = esc_text_width(s, len);
    if (full <= w)
        return esc_text(out, s, len);
    if (w == 0)
        return 0;
    size_t keep = w - 1, head = (keep + 1) / 2;
    /* The head: units while they fit in `head` columns. */
    size_t a = 0, used = 0;
    while (a < len) {
        size_t cw, k = cut_unit(s + a, len - a, &cw);
        if (used + cw > head)
            break;
        used += cw;
        a += k;
    }
    /*
     * The tail: the first unit boundary b at or after a from which the rest
     * fits in the columns left (keep - used); `before` is the width of
     * s[0..b).
     */
    size_t b = a, before = used, tail = keep - used;
    while (b < len && full - before > tail) {
        size_t cw, k = cut_unit(s + b, len - b, &cw);
        before += cw;
        b += k;
    }
    esc_text(out, s, a);
    fputs(ELLIPSIS, out);
    esc_text(out, s + b, len - b);
    return used + 1 + (full - before);
}

/* Print one cell in column i (pass 1). `last`: the last column shown (no padding after). */
static void
print_cell(struct table *t, size_t i, const struct table_cell *c, int last)
{
    size_t w = t->width[i], natural = cell_width(c);
    int right = t->cols[i].flags & TABLE_RIGHT;
    if (natural > w) {
        t->shortened = 1;
        size_t inner = w > 2 && c->quote ? w - 2 : w, got;
        if (c->quote && w > 2)
            putc('"', t->out);
        got = put_cut(t->out, c->s, c->len, inner);
        if (c->quote && w > 2) {
            putc('"', t->out);
            got += 2;
        }
        if (!last && got < w)
            fprintf(t->out, "%*s", (int)(w - got), "");
        return;
    }
    if (right)
        fprintf(t->out, "%*s", (int)(w - natural), "");
    if (c->quote)
        putc('"', t->out);
    esc_text(t->out, c->s, c->len);
    if (c->quote)
        putc('"', t->out);
    if (!right && !last)
        fprintf(t->out, "%*s", (int)(w - natural), "");
}

void
table_row(struct table *t, const struct table_cell *cells)
{
    if (t->pass == 0) {
        for (size_t i = 0; i < t->n_cols; i++) {
            size_t w = cell_width(&cells[i]);
            if (w > t->natural[i])
                t->natural[i] = w;
        }
        return;
    }
    size_t lastcol = 0;
    for (size_t i = 0; i < t->n_cols; i++) {
        if (t->shown & (1u << i))
            lastcol = i;
    }
    int first = 1;
    for (size_t i = 0; i < t->n_cols; i++) {
        if (!(t->shown & (1u << i)))
            continue;
        if (!first)
            fprintf(t->out, "%*s", TABLE_GAP, "");
        first = 0;
        print_cell(t, i, &cells[i], i == lastcol);
    }
    putc('\n', t->out);
}

void
table_header(struct table *t)
{
    struct table_cell cells[TABLE_MAX_COLS];
    for (size_t i = 0; i < t->n_cols; i++)
        table_cell_text(&cells[i], t->cols[i].title, strlen(t->cols[i].title));
    table_row(t, cells);
}
