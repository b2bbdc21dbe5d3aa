/* SPDX-License-Identifier: MIT */
/*
 * fuzz_scan.c: the block scanner and the reader's fast path built on it,
 * against references, on arbitrary bytes:
 *
 *   1. every scanner implementation this CPU runs gives, for every block
 *      of the input at two alignments, the masks a byte-at-a-time loop
 *      written here gives;
 *   2. the reader with its fast path delivers exactly the events (rows
 *      with every field byte, problems with line and message) and the
 *      stats of the reader sending every line through libcsv
 *      (reader_set_full_parse), the fast one fed whole, in pieces whose
 *      sizes come from the first input byte, and one byte at a time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reader.h"
#include "scan.h"

/* ---- 1. masks ---------------------------------------------------------- */

static void
check_masks(const char *p, size_t n_blocks)
{
    struct scan_masks got[4];
    for (size_t b0 = 0; b0 < n_blocks; b0 += 4) {
        size_t nb = n_blocks - b0 < 4 ? n_blocks - b0 : 4;
        for (int impl = 0; impl < SCAN_N_IMPL; impl++) {
            if (scan_blocks_with((enum scan_impl)impl, p + b0 * SCAN_BLOCK, nb, got) != 0)
                continue;
            for (size_t b = 0; b < nb; b++) {
                const char *blk = p + (b0 + b) * SCAN_BLOCK;
                uint64_t nl = 0, comma = 0, quote = 0;
                for (unsigned i = 0; i < SCAN_BLOCK; i++) {
                    nl |= (uint64_t)(blk[i] == '\n') << i;
                    comma |= (uint64_t)(blk[i] == ',') << i;
                    quote |= (uint64_t)(blk[i] == '"') << i;
                }
                FUZZ_CHECK(got[b].nl == nl && got[b].comma == comma && got[b].quote == quote);
            }
        }
    }
}

/* ---- 2. reader events -------------------------------------------------- */

/* All events of one pass, serialised: rows and problems, with their bytes. */
struct trace {
    char *p;
    size_t len, cap;
};

static void
put(struct trace *t, const void *s, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n)
            cap *= 2;
        t->p = realloc(t->p, cap);
        FUZZ_CHECK(t->p != NULL);
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

static enum extls_status
on_row(const struct reader_row *row, void *user)
{
    struct trace *t = user;
    put(t, "R", 1);
    put(t, &row->line, sizeof(row->line));
    put(t, &row->dir, sizeof(row->dir));
    for (int c = 0; c < READER_N_COLS; c++) {
        put(t, &row->col[c].len, sizeof(row->col[c].len));
        put(t, row->col[c].ptr, row->col[c].len);
    }
    return EXTLS_OK;
}

static enum extls_status
on_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    struct trace *t = user;
    put(t, "P", 1);
    put(t, &kind, sizeof(kind));
    put(t, &line, sizeof(line));
    put(t, msg, strlen(msg) + 1);
    return EXTLS_OK;
}

static struct trace traces[2];
static struct reader *readers[2];

/* One pass of reader `which` over data, in pieces of `piece` bytes (0: whole); the stats after. */
static void
pass(int which, int full, const char *data, size_t size, size_t piece, struct reader_stats *st)
{
    struct reader *r = readers[which];
    traces[which].len = 0;
    reader_set_full_parse(r, full);
    reader_begin(r, EXTLS_DIR_RECEIVE);
    for (size_t off = 0; off < size;) {
        size_t n = piece && piece < size - off ? piece : size - off;
        FUZZ_CHECK(reader_feed(r, data + off, n) == EXTLS_OK);
        off += n;
    }
    FUZZ_CHECK(reader_finish(r) == EXTLS_OK);
    *st = *reader_stats(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1u << 20)
        return 0;
    if (!readers[0]) {
        for (int i = 0; i < 2; i++) {
            struct reader_callbacks cb = {on_row, on_problem, &traces[i]};
            readers[i] = reader_new(&cb);
            FUZZ_CHECK(readers[i] != NULL);
        }
    }
    /* 1: whole blocks of the input, at its start and one byte in. */
    check_masks((const char *)data, size / SCAN_BLOCK);
    if (size > 1)
        check_masks((const char *)data + 1, (size - 1) / SCAN_BLOCK);

    /* 2: libcsv for every line, against the fast path fed three ways. */
    size_t piece = size ? 1 + data[0] % 97 : 1;
    size_t pieces[3] = {0, piece, 1};
    struct reader_stats ref, got;
    pass(0, 1, (const char *)data, size, 0, &ref);
    for (int i = 0; i < 3; i++) {
        if (pieces[i] == 1 && size > 4096)
            continue; /* one byte at a time: small inputs only */
        pass(1, 0, (const char *)data, size, pieces[i], &got);
        FUZZ_CHECK(traces[0].len == traces[1].len);
        FUZZ_CHECK(!traces[0].len || memcmp(traces[0].p, traces[1].p, traces[0].len) == 0);
        FUZZ_CHECK(memcmp(&ref, &got, sizeof(ref)) == 0);
    }
    return 0;
}
