/* SPDX-License-Identifier: MIT */
/*
 * split.c: one input read in pieces by every worker.
 *
 * A run over one large input (a big file, or standard input such as
 * `zcat *.gz | extls -`) would use one core whatever --jobs says. Here the
 * input (plain or gzip) is read into pieces of about cfg->piece_bytes,
 * each ending at the first line end from that size on, by one worker at a
 * time in input order; the worker that read a piece parses it (its bytes
 * still in that core's cache) into its own session table, and the main
 * thread merges their results strictly in input order, as
 * pool.c merges files: the diagnostics with line numbers made absolute,
 * the sessions still open at a piece's end carried on, as sessions across
 * rotated files are (session.h). Where the pieces are cut depends on the
 * bytes alone, never on --jobs, so every -j gives the same output.
 *
 * A piece but the first starts with the header state in force there
 * (direction, columns). The filling follows it: a scratch reader (the
 * tracker) is fed every header line of each piece ('#' at a line start,
 * found with memchr), and of the first piece every line until the kind of
 * log and the direction are known, so that it takes the same decisions as
 * the piece's own reader. Until then, or when a line passes the slack past
 * a cut, the rest of the input goes to one reader as the last piece (a
 * tail, read from the input by its worker); when a header line rejects the
 * rest of the input, that piece is the last and the rest is not read, as
 * without pieces. Each piece's reader ends in the header state the next
 * piece was given; the merge checks it.
 *
 * A named file that is not gzip is read directly once the first piece is
 * filled: the filler only cuts (cut_direct() reads around each cut), and
 * every worker reads its own piece at the same time (platform_pread()),
 * then waits for the header state at its start from the piece before,
 * follows its own header lines, if any, and passes the state on
 * (direct_chain()) before parsing it. A piece that ends the input (its
 * headers reject the rest, or the file was cut short under it) drops the
 * pieces already cut after it, unread.
 *
 * Memory: the ring of pieces (jobs + 2 buffers of 2 MiB + 1 MiB slack) and
 * the sessions open at the pieces' ends.
 */
#include "run.h"
#include "run_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

#define SLACK ((size_t)1 << 20) /* bytes a piece may read past its size to end its last line */
#define SPARE_PIECES 2          /* pieces beyond one per worker: being filled, waiting */
#define READ_STEP ((size_t)256 << 10) /* bytes read at a time (their header lines followed hot) */
#define CUT_WINDOW ((size_t)16 << 10) /* bytes read at a time to find a direct piece's cut */

enum piece_state { PIECE_FREE, PIECE_FILLED, PIECE_TAKEN, PIECE_DONE };

struct piece {
    char *data; /* cap bytes, owned, reused */
    size_t len;
    uint64_t offset;              /* input offset of data[0] */
    struct reader_pos start;      /* header state at its start (all but the first) */
    struct reader_pos next_start; /* the state the next piece starts with */
    struct reader_pos end;        /* the state its reader ended in */
    int first, last;
    int tail;        /* its reader goes on reading the input to its end */
    int direct;      /* its worker reads it from the file: [offset, offset + len), or to the end */
    int read_failed; /* the last: reading the input failed after it (end_error) */
    char end_error[320];
    enum piece_state state;
    struct result res; /* diag, open sessions, kind, skipped, errors, error, clock_ms */
    uint64_t lines, rows, malformed;
};

struct split {
    struct piece *ring;
    unsigned n;
    size_t piece_bytes, cap;
    uint64_t filled, taken, merged; /* pieces so far */
    int eof;                        /* the last piece is filled */
    int fd;
    struct gzin *gz;
    struct reader *tracker;
    int tracking;   /* the tracker knows the kind and direction */
    int direct_ok;  /* a named file, not gzip: the pieces after the first may be direct */
    int direct;     /* pieces are cut here and read by their workers (direct) */
    uint64_t known; /* pieces whose end state is known (all filled ones but direct) */
    struct reader_pos next_pos; /* the header state at the start of piece `known` */
    uint64_t valid;             /* pieces before the last one (the rest are dropped unread) */
    struct reader **trackers;   /* per worker: the header lines of its direct pieces */
    unsigned n_trackers;
    int filling; /* a worker fills a piece (one at a time, in input order) */
    char *carry; /* bytes read past the last cut */
    size_t n_carry;
    uint64_t offset;     /* input offset of the next piece */
    uint64_t counted;    /* bytes added to the progress */
    uint64_t counted_to; /* direct: the progress has the bytes before this offset */

    /* The merge (main thread). */
    uint64_t line_base; /* lines of the pieces merged */
    uint64_t named;     /* malformed rows named */
    uint64_t rows, malformed;
    struct result sum; /* the input's result, from its pieces */
};

static enum extls_status
tracker_row(const struct reader_row *row, void *user)
{
    (void)row;
    (void)user;
    return EXTLS_OK;
}

static enum extls_status
tracker_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    (void)kind;
    (void)line;
    (void)msg;
    (void)user;
    return EXTLS_OK; /* the piece's own reader reports it; rejection shows in the stats */
}

int
split_wanted(const struct cli_config *cfg, const struct input_list *inputs)
{
    return cfg->command != CLI_MERGE && !cfg->state_path && inputs->n == 1;
}

enum extls_status
split_init(struct run *r)
{
    struct split *s = calloc(1, sizeof(*s));
    if (!s)
        return EXTLS_ENOMEM;
    r->split = s;
    static const struct reader_callbacks cb = {tracker_row, tracker_problem, NULL};
    s->piece_bytes = r->cfg->piece_bytes;
    s->cap = s->piece_bytes + SLACK;
    s->n = r->n_workers > 1 ? r->n_workers + SPARE_PIECES : 1;
    s->fd = -1;
    s->ring = calloc(s->n, sizeof(*s->ring));
    s->carry = malloc(s->cap);
    s->gz = gzin_new();
    s->tracker = reader_new(&cb);
    s->valid = UINT64_MAX;
    s->trackers = calloc(r->n_workers, sizeof(*s->trackers));
    s->n_trackers = r->n_workers;
    if (!s->ring || !s->carry || !s->gz || !s->tracker || !s->trackers)
        return EXTLS_ENOMEM;
    for (unsigned i = 0; i < r->n_workers; i++) {
        s->trackers[i] = reader_new(&cb);
        if (!s->trackers[i])
            return EXTLS_ENOMEM;
    }
    for (unsigned i = 0; i < s->n; i++) {
        s->ring[i].data = malloc(s->cap);
        if (!s->ring[i].data)
            return EXTLS_ENOMEM;
    }
    return EXTLS_OK;
}

void
split_free(struct split *s)
{
    if (!s)
        return;
    for (unsigned i = 0; s->ring && i < s->n; i++) {
        struct piece *p = &s->ring[i];
        free(p->data);
        free(p->res.diag);
        for (size_t k = 0; k < p->res.n_open; k++)
            session_free(p->res.open[k]);
        free(p->res.open);
    }
    free(s->ring);
    free(s->carry);
    gzin_free(s->gz);
    reader_free(s->tracker);
    for (unsigned i = 0; s->trackers && i < s->n_trackers; i++)
        reader_free(s->trackers[i]);
    free(s->trackers);
    free(s);
}

static int
same_state(const struct reader_pos *a, const struct reader_pos *b)
{
    return a->dir == b->dir && a->n_fields == b->n_fields &&
           memcmp(a->pos_of, b->pos_of, sizeof(a->pos_of)) == 0;
}

/* Is the tracker sure of what the input is (no later data line can reject it)? */
static int
tracker_sure(const struct reader *t)
{
    const struct reader_stats *st = reader_stats(t);
    struct reader_pos pos;
    reader_get_pos(t, &pos);
    return !st->rejected && st->kind == EXTLS_KIND_PROTOCOL && pos.dir != EXTLS_DIR_UNKNOWN;
}

/* Is the '#' at h, in [d, h], at the start of a line (after a byte order mark, maybe)? */
static int
header_start(const char *d, const char *h, const char **line)
{
    if (h == d || h[-1] == '\n') {
        *line = h;
        return 1;
    }
    if (h - d >= 3 && memcmp(h - 3, "\xEF\xBB\xBF", 3) == 0 && (h - 3 == d || h[-4] == '\n')) {
        *line = h - 3;
        return 1;
    }
    return 0;
}

/*
 * Until the tracker is sure of what the input is: feed it the complete
 * lines of p from *done on, one by one, till it is sure or rejects the
 * rest; *done moves past them.
 */
static enum extls_status
track_lines(struct split *s, const struct piece *p, size_t *done)
{
    const char *d = p->data, *end = d + p->len, *q = d + *done;
    enum extls_status st = EXTLS_OK;
    while (!s->tracking && st == EXTLS_OK && !reader_stats(s->tracker)->rejected) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        if (!nl)
            break;
        st = reader_feed(s->tracker, q, (size_t)(nl + 1 - q));
        q = nl + 1;
        s->tracking = tracker_sure(s->tracker);
    }
    *done = (size_t)(q - d);
    return st;
}

/* Just past the last line end in d[from, to), or from when there is none. */
static size_t
last_line_end(const char *d, size_t from, size_t to)
{
    while (to > from && d[to - 1] != '\n')
        to--;
    return to;
}

/* The first header line of d at or after h, before end: its '#', and its start in *line. */
static const char *
next_header(const char *d, const char *h, const char *end, const char **line)
{
    while (h < end && (h = memchr(h, '#', (size_t)(end - h))) != NULL) {
        if (header_start(d, h, line))
            return h;
        h++;
    }
    return NULL;
}

/* Feed tracker t the header lines of d in [from, to) (whole lines). */
static enum extls_status
follow_headers(struct reader *t, const char *d, size_t from, size_t to)
{
    const char *end = d + to, *line;
    enum extls_status st = EXTLS_OK;
    for (const char *h = d + from; st == EXTLS_OK && (h = next_header(d, h, end, &line));) {
        const char *nl = memchr(h, '\n', (size_t)(end - h));
        const char *next = nl ? nl + 1 : end;
        st = reader_feed(t, line, (size_t)(next - line));
        h = next;
        if (reader_stats(t)->rejected)
            break;
    }
    return st;
}

/*
 * Read the next piece of the input into p (by one worker at a time, no lock held): at
 * least piece_bytes, cut after the first line end from there, once the
 * tracker is sure of the input; the last piece ends the input, or is cut
 * after a line that rejects the rest, or is a tail.
 */
static enum extls_status
fill(struct run *r, struct split *s, struct piece *p, int tick)
{
    const char *path = run_display_path(r, 0);
    p->first = s->filled == 0;
    p->last = p->tail = p->read_failed = p->direct = 0;
    p->end_error[0] = '\0';
    p->offset = s->offset;
    if (!p->first)
        reader_get_pos(s->tracker, &p->start);
    memcpy(p->data, s->carry, s->n_carry);
    p->len = s->n_carry;
    s->n_carry = 0;
    size_t cut = 0, from = 0, tracked = 0;
    enum extls_status st;
    for (;;) {
        if (!s->tracking) {
            st = track_lines(s, p, &tracked);
            if (st != EXTLS_OK)
                return st;
            if (reader_stats(s->tracker)->rejected) {
                p->last = 1; /* its reader skips the rest, which is not read */
                break;
            }
        }
        if (s->tracking && p->len >= s->piece_bytes) {
            size_t at = from > s->piece_bytes - 1 ? from : s->piece_bytes - 1;
            if (at + 1 < tracked)
                at = tracked - 1; /* the line end the tracker stopped after */
            const char *nl = memchr(p->data + at, '\n', p->len - at);
            if (nl) {
                cut = (size_t)(nl - p->data) + 1;
                break;
            }
            from = p->len;
        }
        if (p->len == s->cap) {
            p->tail = p->last = 1; /* no cut within the slack: the rest in one reader */
            break;
        }
        size_t n;
        size_t want = s->cap - p->len < READ_STEP ? s->cap - p->len : READ_STEP;
        st = gzin_read(s->gz, p->data + p->len, want, &n);
        progress_add(r->progress, gzin_bytes_in(s->gz) - s->counted);
        s->counted = gzin_bytes_in(s->gz);
        if (tick)
            progress_tick(r->progress); /* the main thread draws it */
        if (st == EXTLS_EIO || st == EXTLS_EPARSE) {
            snprintf(p->end_error, sizeof(p->end_error), "%s: %s; rows before it counted", path,
                     gzin_message(s->gz));
            p->read_failed = p->last = 1;
            break;
        }
        if (st != EXTLS_OK)
            return st;
        size_t lim = p->len + n < s->piece_bytes - 1 ? p->len + n : s->piece_bytes - 1;
        if (s->tracking && lim > tracked) {
            /* Its header lines while they are in the cache: lines ending before any cut. */
            size_t upto = last_line_end(p->data, tracked, lim);
            st = follow_headers(s->tracker, p->data, tracked, upto);
            tracked = upto;
            if (st != EXTLS_OK)
                return st;
            if (reader_stats(s->tracker)->rejected) {
                p->len += n;
                p->last = 1; /* the rest is skipped by its reader, and not read */
                break;
            }
        }
        if (n == 0) {
            p->last = 1;
            p->read_failed =
                !gzin_is_gzip(s->gz) &&
                input_shrank(s->fd, s->offset + p->len, path, p->end_error, sizeof(p->end_error));
            break;
        }
        p->len += n;
    }
    if (cut) {
        s->n_carry = p->len - cut;
        memcpy(s->carry, p->data + cut, s->n_carry);
        p->len = cut;
    }
    s->offset += p->len;
    if (p->last)
        return EXTLS_OK;
    st = follow_headers(s->tracker, p->data, tracked, p->len);
    if (st == EXTLS_OK && reader_stats(s->tracker)->rejected) {
        p->last = 1; /* the rest is skipped by its reader, and not read */
        s->n_carry = 0;
    }
    reader_get_pos(s->tracker, &p->next_start);
    return st;
}

/*
 * Cut the next piece of a named plain file without reading it (direct, by
 * one worker at a time, no lock held): it ends after the first line end
 * from piece_bytes on, as fill() cuts, found by reading around that place
 * only. When there is none within the slack, or the file ends first (or a
 * read fails, which its worker meets again), the piece is the last, read
 * to the end of the file.
 */
static void
cut_direct(struct split *s, struct piece *p)
{
    p->first = 0;
    p->last = p->tail = p->read_failed = 0;
    p->direct = 1;
    p->end_error[0] = '\0';
    p->offset = s->offset;
    uint64_t at = s->offset + s->piece_bytes - 1, lim = s->offset + s->cap;
    while (at < lim) {
        size_t want = lim - at < CUT_WINDOW ? (size_t)(lim - at) : CUT_WINDOW;
        long long n = platform_pread(s->fd, s->carry, want, at);
        if (n <= 0)
            break;
        const char *nl = memchr(s->carry, '\n', (size_t)n);
        if (nl) {
            uint64_t cut = at + (uint64_t)(nl - s->carry) + 1;
            p->len = (size_t)(cut - s->offset);
            s->offset = cut;
            return;
        }
        at += (uint64_t)n;
    }
    p->len = 0;
    p->tail = p->last = 1;
}

/* Add the bytes [from, to) of a direct piece to the progress, once. */
static void
direct_progress(struct run *r, const struct split *s, uint64_t from, uint64_t to)
{
    if (from < s->counted_to)
        from = s->counted_to;
    if (to > from)
        progress_add(r->progress, to - from);
}

/*
 * Read the bytes of direct piece p into it (its worker, no lock held): a
 * piece cut by cut_direct() whole, the last up to the end of the file or
 * of its buffer (its reader reads on). A read error, or a file that ends
 * before the cut (truncated meanwhile), makes it the last.
 */
static void
direct_read(struct worker *w, struct split *s, struct piece *p)
{
    struct run *r = w->run;
    const char *path = run_display_path(r, 0);
    size_t want = p->tail ? s->cap : p->len, got = 0;
    while (got < want) {
        long long n = platform_pread(s->fd, p->data + got, want - got, p->offset + got);
        if (n < 0) {
            snprintf(p->end_error, sizeof(p->end_error), "%s: %s; rows before it counted", path,
                     strerror(errno));
            p->read_failed = p->last = 1;
            p->tail = 0;
            break;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    direct_progress(r, s, p->offset, p->offset + got);
    if (got < want && !p->read_failed) {
        if (p->tail) { /* the end of the file: was it truncated below what was read? */
            p->read_failed =
                input_shrank(s->fd, p->offset + got, path, p->end_error, sizeof(p->end_error));
        } else { /* it ends before the cut: truncated since it was cut */
            if (!input_shrank(s->fd, p->offset + want, path, p->end_error, sizeof(p->end_error)))
                snprintf(p->end_error, sizeof(p->end_error),
                         "%s: truncated while being read (%llu bytes read, %llu left)", path,
                         (unsigned long long)p->offset + want, (unsigned long long)p->offset + got);
            p->read_failed = 1;
        }
        p->last = 1;
        p->tail = 0;
    }
    p->len = got;
}

/*
 * The header state of direct piece p (number idx) and of the next piece:
 * it waits for the pieces before p to say theirs, follows the header lines
 * of p, if any, in its worker's own tracker, and says it for the next.
 * Returns 0 when p is not to be read: an earlier piece was the last (its
 * headers rejected the rest, or the file was cut short) or the run stops.
 */
static int
direct_chain(struct worker *w, struct split *s, struct piece *p, uint64_t idx)
{
    struct run *r = w->run;
    const char *line;
    int headers = !p->last && next_header(p->data, p->data, p->data + p->len, &line);
    pthread_mutex_lock(&r->lock);
    while (s->known < idx && idx < s->valid && !r->stop)
        pthread_cond_wait(&r->changed, &r->lock);
    int keep = !r->stop && idx < s->valid;
    p->start = s->next_pos;
    pthread_mutex_unlock(&r->lock);
    if (!keep)
        return 0;
    enum extls_status st = EXTLS_OK;
    p->next_start = p->start;
    if (headers) {
        struct reader *t = s->trackers[w - r->workers];
        struct reader_pos at = p->start;
        at.offset = p->offset;
        at.line = 0;
        reader_resume(t, &at);
        st = follow_headers(t, p->data, 0, p->len);
        if (reader_stats(t)->rejected)
            p->last = 1; /* the rest is skipped by its reader, and not read */
        reader_get_pos(t, &p->next_start);
    }
    pthread_mutex_lock(&r->lock);
    if (st != EXTLS_OK) {
        w->tally.fatal = st;
        r->stop = 1;
    }
    s->known = idx + 1;
    s->next_pos = p->next_start;
    if (p->last) {
        s->valid = idx + 1;
        s->eof = 1;
    }
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
    return st == EXTLS_OK;
}

/*
 * The rest of the file after the buffer of direct piece p, the last (its
 * worker): as input_feed_rest() reads it. 1 when reading failed (said).
 */
static int
direct_rest(struct worker *w, struct split *s, const struct piece *p)
{
    struct run *r = w->run;
    const char *path = run_display_path(r, 0);
    uint64_t at = p->offset + p->len;
    for (;;) {
        long long n = platform_pread(s->fd, w->buf, READ_BUF, at);
        if (n < 0) {
            run_werror(w, "%s: %s; rows before it counted", path, strerror(errno));
            return 1;
        }
        if (n == 0) {
            char msg[320];
            if (!input_shrank(s->fd, at, path, msg, sizeof(msg)))
                return 0;
            run_werror(w, "%s", msg);
            return 1;
        }
        direct_progress(r, s, at, at + (uint64_t)n);
        if (w->prints_progress)
            progress_tick(r->progress);
        at += (uint64_t)n;
        enum extls_status st = reader_feed(w->reader, w->buf, (size_t)n);
        if (st != EXTLS_OK && !w->tally.fatal)
            w->tally.fatal = st;
        if (w->tally.fatal || reader_stats(w->reader)->rejected)
            return 0;
    }
}

/* Read piece p with worker w (any thread). */
static void
piece_read(struct worker *w, struct split *s, struct piece *p)
{
    struct run *r = w->run;
    struct result *res = &p->res;
    memset(res, 0, sizeof(*res));
    for (int d = 0; d < 3; d++)
        res->clock_ms[d] = INT64_MIN;
    w->cur = 0;
    w->cur_malformed = 0;
    w->rows_before = w->tally.totals.rows;
    w->res = res;
    w->piece = 1;
    w->diag = platform_memstream(&res->diag, &res->diag_len);
    if (!w->diag) {
        w->tally.fatal = EXTLS_ENOMEM;
        w->piece = 0;
        return;
    }
    if (p->first) {
        reader_begin(w->reader, r->inputs.v[0].hint);
    } else {
        struct reader_pos at = p->start;
        at.offset = p->offset;
        at.line = 0;
        reader_resume(w->reader, &at);
    }
    enum extls_status st = reader_feed(w->reader, p->data, p->len);
    if (st != EXTLS_OK && !w->tally.fatal)
        w->tally.fatal = st;
    int read_failed = p->read_failed;
    if (p->tail && !w->tally.fatal && !reader_stats(w->reader)->rejected)
        read_failed =
            p->direct ? direct_rest(w, s, p) : input_feed_rest(w, s->gz, s->fd, 0, &s->counted);
    if (p->end_error[0])
        run_werror(w, "%s", p->end_error);
    if (p->last)
        input_finish(w, s->gz, s->fd, 0, read_failed);
    if (read_failed) {
        res->errors++;
        res->failed = 1;
    }
    const struct reader_stats *rs = reader_stats(w->reader);
    p->lines = rs->lines;
    p->rows = w->tally.totals.rows - w->rows_before;
    p->malformed = w->cur_malformed;
    res->kind = rs->kind;
    reader_get_pos(w->reader, &p->end);
    if (platform_memstream_close(w->diag, &res->diag, &res->diag_len) != 0 && !w->tally.fatal)
        w->tally.fatal = EXTLS_ENOMEM;
    w->diag = NULL;
    w->piece = 0;
    res->open = session_table_drain(w->sessions, &res->n_open);
    if (!res->open && session_table_open(w->sessions) && !w->tally.fatal)
        w->tally.fatal = EXTLS_ENOMEM;
}

/*
 * Copy a piece's diagnostics [t, t + n) to out with its line numbers made
 * absolute, naming no more malformed rows than one input names.
 */
static void
write_diag(struct run *r, struct split *s, FILE *out, const char *t, size_t n)
{
    const char *end = t + n;
    while (t < end) {
        const char *nl = memchr(t, '\n', (size_t)(end - t));
        const char *next = nl ? nl + 1 : end;
        if (*t == DIAG_NAMED_ROW) {
            t++;
            if (!r->cfg->verbose && s->named >= MALFORMED_SHOWN) {
                t = next;
                continue;
            }
            s->named++;
        }
        for (const char *m; t < next; t = m + 1) {
            m = memchr(t, DIAG_LINE_MARK, (size_t)(next - t));
            if (!m) {
                fwrite(t, 1, (size_t)(next - t), out);
                t = next;
                break;
            }
            fwrite(t, 1, (size_t)(m - t), out);
            char *num_end;
            unsigned long long rel = strtoull(m + 1, &num_end, 10);
            fprintf(out, "%llu", (unsigned long long)(s->line_base + rel));
            m = num_end; /* the closing mark */
        }
    }
}

/* The first error of a piece, its line number made absolute, into the input's. */
static void
keep_error(struct split *s, const char *e)
{
    const char *m = strchr(e, DIAG_LINE_MARK);
    if (!m) {
        snprintf(s->sum.error, sizeof(s->sum.error), "%s", e);
        return;
    }
    char *num_end;
    unsigned long long rel = strtoull(m + 1, &num_end, 10);
    const char *rest = *num_end == DIAG_LINE_MARK ? num_end + 1 : num_end;
    snprintf(s->sum.error, sizeof(s->sum.error), "%.*s%llu%s", (int)(m - e), e,
             (unsigned long long)(s->line_base + rel), rest);
}

/* Merge piece p into the run (main thread, in input order). */
static void
merge_piece(struct run *r, struct split *s, struct piece *p)
{
    struct result *res = &p->res;
    if (res->diag_len) {
        progress_clear(r->progress);
        write_diag(r, s, r->err, res->diag, res->diag_len);
    }
    free(res->diag);
    res->diag = NULL;
    if (res->error[0] && !s->sum.error[0])
        keep_error(s, res->error);
    for (size_t i = 0; i < res->n_open; i++) {
        if (r->main.fatal) {
            session_free(res->open[i]);
            continue;
        }
        res->open[i]->line += s->line_base;
        r->main.fatal = session_table_adopt(r->carry, res->open[i]);
    }
    free(res->open);
    res->open = NULL;
    res->n_open = 0;
    if (p->first) {
        s->sum.kind = res->kind;
        s->sum.skipped = res->skipped;
    }
    s->sum.errors += res->errors;
    s->sum.failed |= res->failed;
    for (int d = 0; d < 3; d++)
        if (res->clock_ms[d] > s->sum.clock_ms[d])
            s->sum.clock_ms[d] = res->clock_ms[d];
    s->line_base += p->lines;
    s->rows += p->rows;
    s->malformed += p->malformed;
    if (!p->last && !r->main.fatal && !same_state(&p->end, &p->next_start)) {
        run_error(r, "%s: internal error: its pieces disagree on the header in force at line %llu",
                  run_display_path(r, 0), (unsigned long long)s->line_base);
        r->main.fatal = EXTLS_EPARSE;
    }
}

/* The input's result once every piece is merged: merged like a whole input's. */
static void
merge_input(struct run *r, struct split *s)
{
    const struct cli_config *cfg = r->cfg;
    struct result *res = run_result(r, 0);
    int errors = s->sum.errors;
    *res = s->sum;
    res->read = !res->skipped;
    res->malformed_only = s->rows == 0 && s->malformed;
    if (res->read && !cfg->quiet && !cfg->verbose && s->malformed > MALFORMED_SHOWN) {
        progress_clear(r->progress);
        diag_line(r->err,
                  "extls: ", "%s: %llu malformed rows in all, %llu not named (use --verbose)",
                  run_display_path(r, 0), (unsigned long long)s->malformed,
                  (unsigned long long)(s->malformed - MALFORMED_SHOWN));
    }
    res->errors = errors;
    pool_merge_result(r, 0);
    r->merged = 1;
}

/* May a worker fill the next piece (r->lock held)? */
static int
can_fill(const struct run *r, const struct split *s)
{
    return !r->stop && !s->eof && !s->filling && s->filled - s->merged < s->n;
}

/*
 * Fill the next piece and read it with worker w (r->lock held, and held
 * again on return): pieces are filled by one worker at a time, in input
 * order, and read by the worker that filled them, their bytes still in its
 * core's cache. Returns 0 after a fatal error.
 */
static int
fill_and_read(struct worker *w, struct split *s)
{
    struct run *r = w->run;
    uint64_t idx = s->filled;
    struct piece *p = &s->ring[idx % s->n];
    int direct = s->direct;
    s->filling = 1;
    pthread_mutex_unlock(&r->lock);
    enum extls_status st = EXTLS_OK;
    if (direct)
        cut_direct(s, p);
    else
        st = fill(r, s, p, w->prints_progress);
    pthread_mutex_lock(&r->lock);
    s->filling = 0;
    if (st != EXTLS_OK) {
        w->tally.fatal = st;
        r->stop = 1;
        pthread_cond_broadcast(&r->changed);
        return 0;
    }
    p->state = PIECE_TAKEN;
    s->eof |= p->last;
    s->filled++;
    if (!direct) {
        s->known = idx + 1;
        s->next_pos = p->next_start;
        if (s->direct_ok && !p->last && s->tracking && !gzin_is_gzip(s->gz)) {
            /* The next pieces are cut here and read by their workers at once. */
            s->direct = 1;
            s->n_carry = 0;
            s->counted_to = s->counted;
        }
    }
    pthread_cond_broadcast(&r->changed); /* the next piece may be filled */
    pthread_mutex_unlock(&r->lock);
    int keep = 1;
    if (direct) {
        direct_read(w, s, p);
        keep = direct_chain(w, s, p, idx);
    }
    if (keep)
        piece_read(w, s, p);
    pthread_mutex_lock(&r->lock);
    p->state = PIECE_DONE;
    if (w->tally.fatal)
        r->stop = 1;
    pthread_cond_broadcast(&r->changed);
    return !w->tally.fatal;
}

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    struct run *r = w->run;
    struct split *s = r->split;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->stop && !s->eof && !can_fill(r, s))
            pthread_cond_wait(&r->changed, &r->lock);
        if (!can_fill(r, s) || !fill_and_read(w, s))
            break;
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/*
 * The main thread merges the pieces in input order, oldest first, as soon
 * as each is read; while none is ready it fills and reads one itself (as
 * worker 0), so that -jN runs N threads (with -j1, it alone, in turn).
 */
static void
read_threaded(struct run *r, struct split *s, unsigned started)
{
    struct worker *w0 = &r->workers[0];
    w0->prints_progress = 1;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        if (r->stop)
            break;
        struct piece *oldest = &s->ring[s->merged % s->n];
        if (s->merged < s->filled && oldest->state == PIECE_DONE) {
            int dropped = s->merged >= s->valid; /* after the last piece: not read */
            pthread_mutex_unlock(&r->lock);
            if (!dropped)
                merge_piece(r, s, oldest);
            pthread_mutex_lock(&r->lock);
            oldest->state = PIECE_FREE;
            s->merged++;
            if (r->main.fatal)
                r->stop = 1;
            pthread_cond_broadcast(&r->changed); /* a slot is free */
            continue;
        }
        if (s->eof && s->merged == s->filled)
            break;
        if (can_fill(r, s)) {
            if (!fill_and_read(w0, s))
                break;
            continue;
        }
        pool_wait(r, &r->changed);
    }
    r->stop = 1;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
    for (unsigned i = 1; i <= started; i++)
        pthread_join(r->workers[i].thread, NULL);
}

int
split_read_all(struct run *r)
{
    struct split *s = r->split;
    const struct input *in = &r->inputs.v[0];
    int is_stdin = strcmp(in->path, "-") == 0;
    s->fd = is_stdin ? STDIN_FILENO : platform_open_read(in->path);
    if (s->fd < 0)
        return pool_read_all(r); /* which says why */
    gzin_begin(s->gz, s->fd);
    reader_begin(s->tracker, in->hint);
    struct platform_stat st;
    s->direct_ok = !is_stdin && platform_fstat(s->fd, &st) == 0 && st.kind == PLATFORM_FILE;
    for (int d = 0; d < 3; d++)
        s->sum.clock_ms[d] = INT64_MIN;
    unsigned started = 0; /* worker threads 1..started; the main thread is worker 0 */
    while (started + 1 < r->n_workers && pthread_create(&r->workers[started + 1].thread, NULL,
                                                        worker_main, &r->workers[started + 1]) == 0)
        started++;
    read_threaded(r, s, started);
    if (!is_stdin)
        close(s->fd);
    s->fd = -1;
    int fatal = r->main.fatal;
    for (unsigned i = 0; i < r->n_workers; i++)
        fatal |= r->workers[i].tally.fatal;
    if (!fatal && s->eof && s->merged == s->filled)
        merge_input(r, s);
    progress_stop(r->progress);
    return run_result(r, 0)->errors;
}
