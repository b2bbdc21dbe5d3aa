/* SPDX-License-Identifier: MIT */
/*
 * progress.h: the progress line of a long run on a terminal.
 *
 * Model. Readers add the bytes they take from their inputs (any thread:
 * the counter is atomic); one thread, the printer, calls progress_tick()
 * now and then. The line appears only once PROGRESS_DELAY_MS have passed
 * since progress_new() (short runs never show it) and is redrawn at most
 * every PROGRESS_INTERVAL_MS:
 *
 *   extls: 1.5 GiB of 4.0 GiB (37%), 210.3 MiB/s, ETA 0:12
 *   extls: 1.5 GiB, 210.3 MiB/s                    (total unknown: stdin)
 *
 * The rate is the average since the start; the ETA assumes it holds.
 * Drawing is "\r" + the line (+ spaces over a longer previous line), with
 * the cursor left at its end; erasing is "\r", spaces, "\r". No colour, no
 * escape sequences. The printer must erase the line before writing
 * anything else to the same terminal; the next tick redraws it.
 *
 * The module never writes itself: text goes to a write callback, time comes
 * from a clock callback, and whether to show anything at all is decided by
 * the caller (see progress_wanted()), so tests can check every byte. Every
 * function accepts a NULL progress and then does nothing.
 */
#ifndef EXTLS_PROGRESS_H
#define EXTLS_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#define PROGRESS_DELAY_MS 1000   /* nothing is shown before this */
#define PROGRESS_INTERVAL_MS 250 /* at most one redraw per interval */
#define PROGRESS_LINE_MAX 128    /* longest line drawn, with its NUL */

/* Milliseconds on a monotonic clock. */
typedef int64_t progress_clock_fn(void *user);
/* Write `len` bytes of text to the terminal; borrowed for the call. */
typedef void progress_write_fn(const char *text, size_t len, void *user);

/* Where the line goes and where time comes from. */
struct progress_io {
    progress_write_fn *write;
    void *write_user;
    progress_clock_fn *clock; /* NULL: CLOCK_MONOTONIC */
    void *clock_user;
    unsigned width; /* terminal columns (the line is cut to width - 1); 0: 80 */
};

struct progress;

/*
 * Whether to show a progress line: only when standard error is a terminal,
 * not with --quiet, and not while data is written to a terminal as it is
 * produced (`out_live_tty`: per-session records going to a terminal).
 */
int progress_wanted(int err_is_tty, int quiet, int out_live_tty);

/*
 * New progress for `total` input bytes (-1: unknown), starting now. With
 * `enabled` 0 it counts but never writes. `io` is copied. NULL when out of
 * memory. Caller owns, free with progress_free().
 */
struct progress *progress_new(int enabled, int64_t total, const struct progress_io *io);

/* Free it (writes nothing; call progress_stop() first); progress_free(NULL) is a no-op. */
void progress_free(struct progress *p);

/* Count `bytes` more input read. Any thread. */
void progress_add(struct progress *p, uint64_t bytes);

/* Bytes counted so far. Any thread. */
uint64_t progress_done(const struct progress *p);

/* 1 when the line may be drawn (enabled and not stopped). */
int progress_active(const struct progress *p);

/* Redraw the line if it is time to. Printer thread only. */
void progress_tick(struct progress *p);

/* Erase the line if it is shown (before other output). Printer thread only. */
void progress_clear(struct progress *p);

/* Erase the line and never draw again. Printer thread only. */
void progress_stop(struct progress *p);

/*
 * The line for `done` of `total` bytes (-1: unknown) after `elapsed_ms`,
 * without "\r", cut to `cap` - 1 bytes. Returns its length.
 */
size_t progress_render(uint64_t done, int64_t total, int64_t elapsed_ms, char *buf, size_t cap);

#endif /* EXTLS_PROGRESS_H */
