/* SPDX-License-Identifier: MIT */
/*
 * test_progress.c: the progress line, byte for byte, on a fake clock: when
 * it is decided to show, first drawn, redrawn, erased and stopped; its
 * text for known and unknown totals, units, ETA forms and narrow
 * terminals; bytes counted from several threads at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "progress.h"

#define MIB (1024ull * 1024ull)
#define GIB (1024ull * MIB)

/* A fake terminal: everything written, in order, and a clock set by hand. */
struct term {
    char text[4096];
    size_t len;
    unsigned writes;
    int64_t now;
};

static void
term_write(const char *text, size_t len, void *user)
{
    struct term *t = user;
    assert_true(t->len + len < sizeof(t->text));
    memcpy(t->text + t->len, text, len);
    t->len += len;
    t->text[t->len] = '\0';
    t->writes++;
}

static int64_t
term_clock(void *user)
{
    struct term *t = user;
    return t->now;
}

/* What was written since the last call, then forget it. */
static const char *
written(struct term *t)
{
    static char copy[sizeof(t->text)];
    memcpy(copy, t->text, t->len + 1);
    t->len = 0;
    t->text[0] = '\0';
    return copy;
}

static struct progress *
make(struct term *t, int enabled, int64_t total, unsigned width)
{
    memset(t, 0, sizeof(*t));
    t->now = 5000; /* any start: only differences count */
    struct progress_io io = {term_write, t, term_clock, t, width};
    struct progress *p = progress_new(enabled, total, &io);
    assert_non_null(p);
    return p;
}

static void
wanted_only_on_a_quiet_free_terminal(void **state)
{
    (void)state;
    assert_int_equal(progress_wanted(1, 0, 0), 1);
    assert_int_equal(progress_wanted(0, 0, 0), 0); /* stderr is a file or a pipe */
    assert_int_equal(progress_wanted(1, 1, 0), 0); /* --quiet */
    assert_int_equal(progress_wanted(1, 0, 1), 0); /* records stream to the terminal */
    assert_int_equal(progress_wanted(0, 1, 1), 0);
}

static void
render_known_total(void **state)
{
    (void)state;
    char buf[PROGRESS_LINE_MAX];
    /* 1.5 GiB of 4 GiB in 8 s: 192 MiB/s; 2.5 GiB left = 2560 MiB / 192 = 13.33 s. */
    size_t n = progress_render(3 * GIB / 2, (int64_t)(4 * GIB), 8000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 1.5 GiB of 4.0 GiB (37%), 192.0 MiB/s, ETA 0:13");
    assert_int_equal(n, strlen(buf));
    /* Small numbers in bytes and KiB; 100 B/s leaves 900 B for 9 s. */
    progress_render(100, 1000, 1000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 100 B of 1000 B (10%), 100 B/s, ETA 0:09");
    progress_render(1536, 10 * 1024, 2000, buf, sizeof(buf)); /* 8704 B left at 768 B/s: 11.3 s */
    assert_string_equal(buf, "extls: 1.5 KiB of 10.0 KiB (15%), 768 B/s, ETA 0:11");
    /* An hour and more: h:mm:ss. 1 MiB/s with 4000 MiB left. */
    progress_render(10 * MIB, (int64_t)(4010 * MIB), 10000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 10.0 MiB of 3.9 GiB (0%), 1.0 MiB/s, ETA 1:06:40");
    /* Nothing read yet: no rate, no ETA. */
    progress_render(0, 1000, 3000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 0 B of 1000 B (0%), 0 B/s, ETA --:--");
    /* More read than the sizes said (a file grew): 100%, nothing left. */
    progress_render(2000, 1000, 1000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 2.0 KiB of 1000 B (100%), 2.0 KiB/s, ETA 0:00");
    /* Only empty files. */
    progress_render(0, 0, 1000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 0 B of 0 B (100%), 0 B/s, ETA 0:00");
    /* Just under a unit boundary rounds up to the next unit, not "1024.0 KiB". */
    progress_render(MIB - 1, -1, 1000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 1.0 MiB, 1.0 MiB/s");
}

static void
render_unknown_total(void **state)
{
    (void)state;
    char buf[PROGRESS_LINE_MAX];
    progress_render(5 * GIB / 4, -1, 2500, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 1.2 GiB, 512.0 MiB/s");
    progress_render(3ull * 1024 * GIB, -1, 1000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 3.0 TiB, 3.0 TiB/s");
}

static void
render_cut_to_buffer(void **state)
{
    (void)state;
    char buf[12];
    size_t n = progress_render(100, 1000, 1000, buf, sizeof(buf));
    assert_string_equal(buf, "extls: 100 ");
    assert_int_equal(n, 11);
    assert_int_equal(progress_render(100, 1000, 1000, buf, 0), 0);
}

static void
drawn_after_delay_then_at_most_every_interval(void **state)
{
    (void)state;
    struct term t;
    struct progress *p = make(&t, 1, 4000, 0);
    progress_add(p, 1000);
    progress_tick(p);
    t.now += PROGRESS_DELAY_MS - 1;
    progress_tick(p);
    assert_int_equal(t.writes, 0); /* a short run shows nothing */
    t.now += 1;                    /* 1 s after the start: 1000 B/s, 3000 B left */
    progress_tick(p);
    assert_string_equal(written(&t), "\rextls: 1000 B of 3.9 KiB (25%), 1000 B/s, ETA 0:03");
    progress_add(p, 1000);
    t.now += PROGRESS_INTERVAL_MS - 1;
    progress_tick(p);
    assert_string_equal(written(&t), ""); /* too soon */
    t.now += 1;                           /* 1.25 s: 2000 B, 1600 B/s, 1.25 s left */
    progress_tick(p);
    assert_string_equal(written(&t), "\rextls: 2.0 KiB of 3.9 KiB (50%), 1.6 KiB/s, ETA 0:01");
    assert_int_equal(progress_done(p), 2000);
    progress_free(p);
}

static void
shorter_line_overwrites_longer_and_clear_erases(void **state)
{
    (void)state;
    struct term t;
    struct progress *p = make(&t, 1, -1, 0);
    progress_add(p, 999);
    t.now += 1000;
    progress_tick(p); /* 999 B/s */
    assert_string_equal(written(&t), "\rextls: 999 B, 999 B/s");
    t.now += 10000; /* 11 s: 90.8 B/s, one column shorter, padded with a space */
    progress_tick(p);
    assert_string_equal(written(&t), "\rextls: 999 B, 91 B/s ");
    /* Erase: spaces over the line (20 columns), cursor back at its start. */
    progress_clear(p);
    assert_string_equal(written(&t), "\r                    \r");
    progress_clear(p);
    assert_string_equal(written(&t), ""); /* nothing shown, nothing to erase */
    /* Redrawn at the next tick once the interval has passed, with no padding. */
    progress_tick(p);
    assert_string_equal(written(&t), "");
    t.now += PROGRESS_INTERVAL_MS;
    progress_tick(p);
    assert_string_equal(written(&t), "\rextls: 999 B, 89 B/s"); /* 11.25 s */
    progress_free(p);
}

static void
stop_erases_and_silences(void **state)
{
    (void)state;
    struct term t;
    struct progress *p = make(&t, 1, 100, 0);
    /* Stopped before it was ever drawn: nothing at all. */
    progress_stop(p);
    t.now += 5000;
    progress_tick(p);
    assert_int_equal(t.writes, 0);
    assert_int_equal(progress_active(p), 0);
    progress_free(p);

    p = make(&t, 1, 100, 0);
    progress_add(p, 50);
    t.now += 2000;
    progress_tick(p);
    assert_string_equal(written(&t), "\rextls: 50 B of 100 B (50%), 25 B/s, ETA 0:02");
    progress_stop(p);
    assert_string_equal(written(&t), "\r                                            \r");
    t.now += 5000;
    progress_tick(p);
    progress_clear(p);
    progress_stop(p);
    assert_int_equal(t.writes, 2);
    progress_free(p);
}

static void
disabled_never_writes_but_counts(void **state)
{
    (void)state;
    struct term t;
    struct progress *p = make(&t, 0, 100, 0);
    assert_int_equal(progress_active(p), 0);
    progress_add(p, 70);
    for (int i = 0; i < 20; i++) {
        t.now += 1000;
        progress_tick(p);
        progress_clear(p);
    }
    progress_stop(p);
    assert_int_equal(t.writes, 0);
    assert_int_equal(progress_done(p), 70);
    progress_free(p);
    /* Without a write callback it is disabled too. */
    struct progress_io io = {NULL, NULL, term_clock, &t, 0};
    p = progress_new(1, 100, &io);
    assert_int_equal(progress_active(p), 0);
    progress_free(p);
}

static void
null_progress_does_nothing(void **state)
{
    (void)state;
    progress_add(NULL, 5);
    progress_tick(NULL);
    progress_clear(NULL);
    progress_stop(NULL);
    progress_free(NULL);
    assert_int_equal(progress_done(NULL), 0);
    assert_int_equal(progress_active(NULL), 0);
}

static void
cut_to_terminal_width(void **state)
{
    (void)state;
    struct term t;
    struct progress *p = make(&t, 1, 4000, 20);
    progress_add(p, 1000);
    t.now += 1000;
    progress_tick(p);
    /* 19 columns: never the last one, where a terminal would wrap. */
    assert_string_equal(written(&t), "\rextls: 1000 B of 3.");
    progress_clear(p);
    assert_string_equal(written(&t), "\r                   \r");
    progress_free(p);
}

#define N_THREADS 4
#define N_ADDS 100000

static void *
add_many(void *arg)
{
    for (int i = 0; i < N_ADDS; i++)
        progress_add(arg, 3);
    return NULL;
}

static void
counted_from_many_threads(void **state)
{
    (void)state;
    struct term t;
    struct progress *p = make(&t, 1, -1, 0);
    pthread_t th[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, add_many, p), 0);
    /* The printer reads while they add. */
    uint64_t last = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t now = progress_done(p);
        assert_true(now >= last);
        last = now;
    }
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(progress_done(p), (uint64_t)N_THREADS * N_ADDS * 3);
    progress_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wanted_only_on_a_quiet_free_terminal),
        cmocka_unit_test(render_known_total),
        cmocka_unit_test(render_unknown_total),
        cmocka_unit_test(render_cut_to_buffer),
        cmocka_unit_test(drawn_after_delay_then_at_most_every_interval),
        cmocka_unit_test(shorter_line_overwrites_longer_and_clear_erases),
        cmocka_unit_test(stop_erases_and_silences),
        cmocka_unit_test(disabled_never_writes_but_counts),
        cmocka_unit_test(null_progress_does_nothing),
        cmocka_unit_test(cut_to_terminal_width),
        cmocka_unit_test(counted_from_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
