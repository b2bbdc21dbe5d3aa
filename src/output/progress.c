/* SPDX-License-Identifier: MIT */
/*
 * progress.c: count bytes atomically, render "done of total, rate, ETA"
 * and decide when to draw or erase. Writes only through the callback.
 */
#include "progress.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct progress {
    atomic_uint_least64_t done; /* bytes read; the only member other threads touch */
    int64_t total;              /* -1: unknown */
    int enabled;                /* drawing allowed (cleared by progress_stop) */
    struct progress_io io;
    int64_t start_ms;
    int64_t drawn_ms; /* time of the last draw; valid when shown_len > 0 or drew */
    int drew;         /* drawn at least once */
    size_t shown_len; /* length of the line on screen, 0 if none */
};

int
progress_wanted(int err_is_tty, int quiet, int out_live_tty)
{
    return err_is_tty && !quiet && !out_live_tty;
}

static int64_t
monotonic_ms(void *user)
{
    (void)user;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct progress *
progress_new(int enabled, int64_t total, const struct progress_io *io)
{
    struct progress *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    atomic_init(&p->done, 0);
    p->total = total < 0 ? -1 : total;
    p->io = *io;
    if (!p->io.clock)
        p->io.clock = monotonic_ms;
    if (!p->io.width)
        p->io.width = 80;
    p->enabled = enabled && p->io.write;
    p->start_ms = p->io.clock(p->io.clock_user);
    return p;
}

void
progress_free(struct progress *p)
{
    free(p);
}

void
progress_add(struct progress *p, uint64_t bytes)
{
    if (p && bytes)
        atomic_fetch_add_explicit(&p->done, bytes, memory_order_relaxed);
}

uint64_t
progress_done(const struct progress *p)
{
    /* C11 atomic_load takes a pointer to non-const. */
    return p ? atomic_load_explicit((atomic_uint_least64_t *)&p->done, memory_order_relaxed) : 0;
}

int
progress_active(const struct progress *p)
{
    return p && p->enabled;
}

/* "123 B", "1.5 KiB", ... "12.0 TiB": binary units, one decimal above bytes. */
static void
format_size(double v, char *buf, size_t cap)
{
    static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (v < 1024) {
        snprintf(buf, cap, "%.0f B", v);
        return;
    }
    int u = 0; /* v >= 1024 here: at least KiB */
    v /= 1024;
    while (u < 4 && v >= 1024) {
        v /= 1024;
        u++;
    }
    /* 1023.96 KiB would print as "1024.0 KiB": say 1.0 MiB instead. */
    if (v >= 1023.95 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(buf, cap, "%.1f %s", v, unit[u]);
}

/* Seconds as m:ss, or h:mm:ss from an hour on. */
static void
format_eta(uint64_t s, char *buf, size_t cap)
{
    if (s >= 3600)
        snprintf(buf, cap, "%llu:%02u:%02u", (unsigned long long)(s / 3600),
                 (unsigned)(s / 60 % 60), (unsigned)(s % 60));
    else
        snprintf(buf, cap, "%u:%02u", (unsigned)(s / 60), (unsigned)(s % 60));
}

size_t
progress_render(uint64_t done, int64_t total, int64_t elapsed_ms, char *buf, size_t cap)
{
    char d[32], t[32], r[32], eta[32];
    double rate = elapsed_ms > 0 ? (double)done * 1000.0 / (double)elapsed_ms : 0.0;
    format_size((double)done, d, sizeof(d));
    format_size(rate, r, sizeof(r));
    char line[256]; /* room for any value of the parts, cut below */
    if (total < 0) {
        snprintf(line, sizeof(line), "extls: %s, %s/s", d, r);
    } else {
        uint64_t all = (uint64_t)total;
        uint64_t left = done < all ? all - done : 0;
        unsigned pct = all == 0 || done >= all ? 100 : (unsigned)((double)done * 100.0 / all);
        format_size((double)all, t, sizeof(t));
        if (left == 0)
            snprintf(eta, sizeof(eta), "0:00");
        else if (rate <= 0)
            snprintf(eta, sizeof(eta), "--:--");
        else
            format_eta((uint64_t)((double)left / rate + 0.5), eta, sizeof(eta));
        snprintf(line, sizeof(line), "extls: %s of %s (%u%%), %s/s, ETA %s", d, t, pct, r, eta);
    }
    size_t len = strlen(line);
    if (cap == 0)
        return 0;
    if (len > cap - 1)
        len = cap - 1;
    memcpy(buf, line, len);
    buf[len] = '\0';
    return len;
}

/* One write: "\r", `text`, spaces up to `pad_to` columns, and a final "\r" if `cr`. */
static void
emit(struct progress *p, const char *text, size_t len, size_t pad_to, int cr)
{
    char out[PROGRESS_LINE_MAX + 2];
    size_t n = 0;
    out[n++] = '\r';
    memcpy(out + n, text, len);
    n += len;
    for (; len < pad_to; len++)
        out[n++] = ' ';
    if (cr)
        out[n++] = '\r';
    p->io.write(out, n, p->io.write_user);
}

void
progress_tick(struct progress *p)
{
    if (!progress_active(p))
        return;
    int64_t now = p->io.clock(p->io.clock_user);
    if (now - p->start_ms < PROGRESS_DELAY_MS)
        return;
    if (p->drew && now - p->drawn_ms < PROGRESS_INTERVAL_MS)
        return;
    char line[PROGRESS_LINE_MAX];
    size_t cap = p->io.width < sizeof(line) ? p->io.width : sizeof(line);
    size_t len = progress_render(progress_done(p), p->total, now - p->start_ms, line, cap);
    emit(p, line, len, p->shown_len, 0);
    p->shown_len = len;
    p->drew = 1;
    p->drawn_ms = now;
}

void
progress_clear(struct progress *p)
{
    if (!progress_active(p) || !p->shown_len)
        return;
    emit(p, "", 0, p->shown_len, 1);
    p->shown_len = 0;
}

void
progress_stop(struct progress *p)
{
    progress_clear(p);
    if (p)
        p->enabled = 0;
}
