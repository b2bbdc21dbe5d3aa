/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pipeline.c: arbitrary bytes through reader -> row -> match ->
 * session, the pipeline of one input in src/run/run.c, with invariants checked
 * on every input, not only "no crash":
 *
 *   1. every folded session is counted in exactly one class (the class
 *      counters sum to the sessions) and the rows of the folded sessions
 *      add up to the rows decoded: no row is lost or invented;
 *   2. the same bytes fed whole or in pieces of arbitrary size (split points
 *      derived from the input) give identical results: every event, in
 *      order, and the final counts;
 *   3. the fast splitter and reader_set_full_parse(1) give identical results;
 *   4. with a fixed "#Log-type:" line before the bytes, rows + malformed
 *      rows equal the number of data lines an independent line splitter
 *      counts (see count_data_lines()), unless the input was rejected
 *      (a bad "#Fields:" or another "#Log-type:"), after which the reader
 *      skips the rest by design;
 *   5. the same bytes cut into several inputs at line ends, each read into
 *      its own session table, drained and adopted into one carry table in
 *      input order (as run.c does), still count every decoded row in
 *      exactly one folded session;
 *   6. folding the sessions left open at the end through
 *      session_table_drain() + session_table_adopt() into an empty table
 *      gives what session_table_flush() gives.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "match.h"
#include "reader.h"
#include "row.h"
#include "session.h"

static const char log_type[] = "#Log-type: SMTP Receive Protocol Log\r\n";

/* Everything one pass produced; two passes must agree on all of it. */
struct outcome {
    FILE *log; /* every event, in order, as text */
    char *text;
    size_t text_len;
    uint64_t rows;         /* rows decoded (row_decode() accepted them) */
    uint64_t malformed;    /* reader-malformed + row_decode() rejects */
    uint64_t decode_bad;   /* row_decode() rejects alone */
    uint64_t sessions;     /* sessions folded */
    uint64_t session_rows; /* sum of their rows */
    uint64_t cls[EXTLS_N_CLASSES];
    int rejected;
};

struct pass {
    struct outcome *o;
    struct session_table *sessions;
    struct matcher *matcher;
    uint32_t file;
};

static struct matcher *matcher;

/* splitmix64: the split points come from the input's own hash. */
static uint64_t
next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t
hash_input(const uint8_t *data, size_t size)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    return h;
}

/* Length of the next piece: often 0 or 1 byte, sometimes a few KiB. */
static size_t
piece_len(uint64_t *s)
{
    uint64_t r = next_rand(s);
    switch (r & 3) {
    case 0:
        return 1;
    case 1:
        return (size_t)(r >> 8) % 8;
    case 2:
        return (size_t)(r >> 8) % 65;
    default:
        return (size_t)(r >> 8) % 4097;
    }
}

static void
put_field(FILE *log, const char *what, const char *p, size_t n)
{
    fprintf(log, " %s[%zu]=", what, n);
    if (n)
        fwrite(p, 1, n, log);
}

static enum extls_status
on_row(const struct reader_row *rr, void *user)
{
    struct pass *p = user;
    struct row row;
    struct match_facts f;
    const char *why = row_decode(rr, &row);
    fprintf(p->o->log, "row %u:%llu", p->file, (unsigned long long)rr->line);
    if (why) {
        fprintf(p->o->log, " bad %s\n", why);
        p->o->malformed++;
        p->o->decode_bad++;
        return EXTLS_OK;
    }
    unsigned flags = match_row(p->matcher, &row, &f);
    fprintf(p->o->log, " seq=%llu ev=%c facts=%#x\n", (unsigned long long)row.seq, row.event,
            flags);
    p->o->rows++;
    FUZZ_CHECK(session_table_add(p->sessions, &row, &f, p->file) == EXTLS_OK);
    return EXTLS_OK;
}

static enum extls_status
on_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    struct pass *p = user;
    fprintf(p->o->log, "problem %u:%llu kind=%d %s\n", p->file, (unsigned long long)line, (int)kind,
            msg);
    if (kind == READER_MALFORMED_ROW)
        p->o->malformed++;
    else
        p->o->rejected = 1;
    return EXTLS_OK;
}

static void
put_algo(FILE *log, const char *what, const struct session_algo *a)
{
    if (a->name)
        put_field(log, what, a->name->ptr, a->name->len);
    fprintf(log, "/%u", a->bits);
}

static enum extls_status
on_done(const struct session *s, void *user)
{
    struct outcome *o = user;
    enum extls_class cls = session_classify(s);
    FUZZ_CHECK((unsigned)cls < EXTLS_N_CLASSES);
    FUZZ_CHECK(s->rows > 0);
    FUZZ_CHECK(s->start_ms <= s->end_ms);
    FUZZ_CHECK(s->sid_len > 0 && strlen(s->sid) <= s->sid_len);
    FUZZ_CHECK(strlen(s->remote) <= SESSION_ADDR_MAX && strlen(s->local) <= SESSION_ADDR_MAX);
    FUZZ_CHECK(!s->host || (s->host_len > 0 && s->host_len <= EXTLS_NAME_MAX));
    /* A logged protocol decides the class; a known version needs one. */
    FUZZ_CHECK(!s->proto || cls <= EXTLS_TLS1_3 || cls == EXTLS_TLS_UNKNOWN);
    FUZZ_CHECK(cls > EXTLS_TLS1_3 || s->proto);
    o->sessions++;
    o->session_rows += s->rows;
    o->cls[cls]++;
    fprintf(o->log, "done %s cls=%s start=%lld end=%lld rows=%llu at=%u:%llu",
            extls_dir_name(s->dir), extls_class_name(cls), (long long)s->start_ms,
            (long long)s->end_ms, (unsigned long long)s->rows, s->file,
            (unsigned long long)s->line);
    put_field(o->log, "conn", s->connector->ptr, s->connector->len);
    put_field(o->log, "sid", s->sid, s->sid_len);
    put_field(o->log, "remote", s->remote, strlen(s->remote));
    put_field(o->log, "local", s->local, strlen(s->local));
    if (s->host)
        put_field(o->log, "host", s->host, s->host_len);
    fprintf(o->log, " kind=%d", (int)s->host_kind);
    if (s->proto)
        put_field(o->log, "proto", s->proto->ptr, s->proto->len);
    put_algo(o->log, "cipher", &s->cipher);
    put_algo(o->log, "mac", &s->mac);
    put_algo(o->log, "kx", &s->kx);
    fputc('\n', o->log);
    return EXTLS_OK;
}

static void
outcome_init(struct outcome *o)
{
    memset(o, 0, sizeof(*o));
    o->log = open_memstream(&o->text, &o->text_len);
    FUZZ_CHECK(o->log != NULL);
}

static void
outcome_close(struct outcome *o)
{
    fprintf(o->log, "rows=%llu malformed=%llu sessions=%llu rejected=%d\n",
            (unsigned long long)o->rows, (unsigned long long)o->malformed,
            (unsigned long long)o->sessions, o->rejected);
    FUZZ_CHECK(fclose(o->log) == 0);
    o->log = NULL;
}

/* Invariant 1, and the reader's own line accounting. */
static void
check_counts(const struct outcome *o)
{
    uint64_t sum = 0;
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        sum += o->cls[c];
    FUZZ_CHECK(sum == o->sessions);
    FUZZ_CHECK(o->session_rows == o->rows);
    FUZZ_CHECK(o->sessions <= o->rows);
}

static void
check_reader_stats(const struct reader *r, const struct outcome *o)
{
    const struct reader_stats *st = reader_stats(r);
    FUZZ_CHECK(st->rows == o->rows + o->decode_bad);
    FUZZ_CHECK(st->malformed + o->decode_bad == o->malformed);
    FUZZ_CHECK(!st->rejected == !o->rejected);
    /* Every line is a header, blank, row, malformed or skipped one; a line
     * that rejects the file is uncounted: a data line before any direction
     * is known, or a first line of binary data (whatever the direction). */
    uint64_t sum = st->header_lines + st->blank_lines + st->rows + st->malformed + st->skipped;
    FUZZ_CHECK(sum == st->lines || (st->rejected && sum + 1 == st->lines));
}

/* The two outcomes must be identical, event for event. */
static void
check_same(const struct outcome *a, const struct outcome *b, const char *what)
{
    if (a->text_len == b->text_len && memcmp(a->text, b->text, a->text_len) == 0)
        return;
    size_t i = 0;
    while (i < a->text_len && i < b->text_len && a->text[i] == b->text[i])
        i++;
    while (i > 0 && a->text[i - 1] != '\n')
        i--;
    fprintf(stderr, "fuzz_pipeline: %s differ from line:\n--- first\n%.300s\n--- second\n%.300s\n",
            what, a->text + i, b->text + i);
    FUZZ_CHECK(!"identical outcomes");
}

/* One reader per parse mode, reused across inputs as run.c does; its
 * callbacks reach the current pass through cur_pass[]. */
static struct reader *readers[2];
static struct pass cur_pass[2];

/*
 * One input through one reader into one fresh session table. `seed` 0
 * feeds the bytes whole, else in pieces drawn from that seed. `via_drain`
 * folds the sessions left open through drain + adopt into a second table.
 */
static void
run_pass(int full, enum extls_dir hint, const char *prefix, const uint8_t *data, size_t size,
         uint64_t seed, int via_drain, struct outcome *o)
{
    struct reader *r = readers[full];
    struct pass *p = &cur_pass[full];
    outcome_init(o);
    p->o = o;
    p->sessions = session_table_new(on_done, o);
    p->matcher = matcher;
    p->file = 0;
    FUZZ_CHECK(p->sessions != NULL);
    reader_begin(r, hint);
    if (prefix)
        FUZZ_CHECK(reader_feed(r, prefix, strlen(prefix)) == EXTLS_OK);
    if (seed == 0) {
        FUZZ_CHECK(reader_feed(r, (const char *)data, size) == EXTLS_OK);
    } else {
        uint64_t s = seed;
        for (size_t off = 0; off < size;) {
            size_t n = piece_len(&s);
            if (n > size - off)
                n = size - off;
            FUZZ_CHECK(reader_feed(r, (const char *)data + off, n) == EXTLS_OK);
            off += n;
        }
    }
    FUZZ_CHECK(reader_finish(r) == EXTLS_OK);
    check_reader_stats(r, o);
    if (via_drain) {
        size_t n;
        struct session **open = session_table_drain(p->sessions, &n);
        FUZZ_CHECK(session_table_open(p->sessions) == 0);
        struct session_table *carry = session_table_new(on_done, o);
        FUZZ_CHECK(carry != NULL);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(session_table_adopt(carry, open[i]) == EXTLS_OK);
        free(open);
        FUZZ_CHECK(session_table_open(carry) == n);
        FUZZ_CHECK(session_table_flush(carry) == EXTLS_OK);
        session_table_free(carry);
    } else {
        FUZZ_CHECK(session_table_flush(p->sessions) == EXTLS_OK);
    }
    FUZZ_CHECK(session_table_open(p->sessions) == 0);
    session_table_free(p->sessions);
    p->sessions = NULL;
    outcome_close(o);
    check_counts(o);
}

/*
 * Invariant 5: the bytes cut at line ends into inputs, each with its own
 * table (done callbacks count into `o`), open sessions adopted by `carry`
 * in input order, as run.c merges them.
 */
static void
run_inputs(const uint8_t *data, size_t size, uint64_t seed, struct outcome *o)
{
    struct reader *r = readers[0];
    struct pass *p = &cur_pass[0];
    outcome_init(o);
    struct session_table *carry = session_table_new(on_done, o);
    FUZZ_CHECK(carry != NULL);
    p->o = o;
    p->matcher = matcher;
    uint64_t s = seed;
    size_t off = 0;
    for (uint32_t file = 0; off < size || file == 0; file++) {
        /* This input ends after a random number of lines (or the rest). */
        size_t end = off, lines = (size_t)(next_rand(&s) % 6);
        while (end < size && lines > 0) {
            if (data[end++] == '\n')
                lines--;
        }
        if (lines > 0 || next_rand(&s) % 4 == 0)
            end = size;
        p->sessions = session_table_new(on_done, o);
        p->file = file;
        FUZZ_CHECK(p->sessions != NULL);
        reader_begin(r, EXTLS_DIR_RECEIVE);
        FUZZ_CHECK(reader_feed(r, (const char *)data + off, end - off) == EXTLS_OK);
        FUZZ_CHECK(reader_finish(r) == EXTLS_OK);
        size_t n;
        struct session **open = session_table_drain(p->sessions, &n);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(session_table_adopt(carry, open[i]) == EXTLS_OK);
        free(open);
        session_table_free(p->sessions);
        p->sessions = NULL;
        off = end;
    }
    FUZZ_CHECK(session_table_flush(carry) == EXTLS_OK);
    session_table_free(carry);
    outcome_close(o);
    check_counts(o);
}

/*
 * Invariant 4's independent count: split the stream at LF; a line (without
 * its LF) longer than EXTLS_LINE_MAX is one malformed row whatever it holds;
 * otherwise drop one CR at its end and a UTF-8 BOM at its start, and count
 * it unless it is then empty or starts with '#'. A last line without LF
 * counts the same way (it is malformed, but a row-or-malformed line all the
 * same; a last header line is still a header).
 */
static uint64_t
count_data_lines(const char *s, size_t n)
{
    uint64_t count = 0;
    size_t start = 0;
    while (start < n) {
        size_t end = start;
        while (end < n && s[end] != '\n')
            end++;
        const char *line = s + start;
        size_t len = end - start;
        if (len > EXTLS_LINE_MAX) {
            count++;
        } else {
            if (len > 0 && line[len - 1] == '\r')
                len--;
            if (len >= 3 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
                (unsigned char)line[2] == 0xBF) {
                line += 3;
                len -= 3;
            }
            if (len > 0 && line[0] != '#')
                count++;
        }
        start = end + 1;
    }
    return count;
}

static void
setup(void)
{
    if (matcher)
        return;
    matcher = matcher_new();
    FUZZ_CHECK(matcher != NULL);
    for (int full = 0; full < 2; full++) {
        struct reader_callbacks cb = {on_row, on_problem, &cur_pass[full]};
        readers[full] = reader_new(&cb);
        FUZZ_CHECK(readers[full] != NULL);
        reader_set_full_parse(readers[full], full);
    }
}

static void
outcome_free(struct outcome *o)
{
    free(o->text);
    o->text = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    uint64_t h = hash_input(data, size);
    uint64_t seed1 = h | 1, seed2 = (h * 0x9E3779B97F4A7C15ull) | 1;
    struct outcome whole, pieces, full, full_pieces;

    /* With a known direction: invariants 1-4 and 6. */
    run_pass(0, EXTLS_DIR_UNKNOWN, log_type, data, size, 0, 0, &whole);
    run_pass(0, EXTLS_DIR_UNKNOWN, log_type, data, size, seed1, 0, &pieces);
    run_pass(1, EXTLS_DIR_UNKNOWN, log_type, data, size, 0, 0, &full);
    run_pass(1, EXTLS_DIR_UNKNOWN, log_type, data, size, seed2, 1, &full_pieces);
    check_same(&whole, &pieces, "whole and pieces");
    check_same(&whole, &full, "fast and full parse");
    check_same(&whole, &full_pieces, "flush and drain+adopt, in pieces, full parse");
    if (!whole.rejected) {
        uint64_t want = count_data_lines(log_type, strlen(log_type));
        /* The prefix ends in LF: its lines and the input's never mix. */
        want += count_data_lines((const char *)data, size);
        FUZZ_CHECK(whole.rows + whole.malformed == want);
    }
    outcome_free(&whole);
    outcome_free(&pieces);
    outcome_free(&full);
    outcome_free(&full_pieces);

    /* The bytes alone, direction from a "file name" hint or none. */
    enum extls_dir hint = (enum extls_dir)(h % 3);
    run_pass(0, hint, NULL, data, size, 0, 0, &whole);
    run_pass(1, hint, NULL, data, size, seed1, 0, &pieces);
    check_same(&whole, &pieces, "whole fast and pieces full parse, no header");
    outcome_free(&whole);
    outcome_free(&pieces);

    /* Invariant 5. */
    run_inputs(data, size, seed2, &whole);
    outcome_free(&whole);
    return 0;
}
