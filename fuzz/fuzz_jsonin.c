/* SPDX-License-Identifier: MIT */
/*
 * fuzz_jsonin.c: the JSON report reader of 'extls merge' (jsonin.h) on
 * arbitrary bytes, through its public interface only. Invariants:
 *
 * - The same bytes read in one piece and in pieces (of a size taken from
 *   the input) give the same status, message and groups.
 * - An accepted report: its groups, counted into a table keyed as the
 *   report, and its totals, written by extls's own JSON writer
 *   (report.h), read back: the same totals, the same class totals and
 *   sessions, and writing what was read back gives the same bytes. When
 *   the writer replaced nothing by U+FFFD (keys that are noncharacters),
 *   the groups read back are the written ones, key by key and counter by
 *   counter. (Groups merged from duplicates never pass 2^63-1: they sum
 *   to totals.sessions, which the reader held.)
 * - A refused report: a message "fuzz:LINE:COLUMN: reason" whose line
 *   and column lie inside the input ("fuzz: reason" for the size caps),
 *   the callback never called, the totals those of an empty report, and
 *   the same reader then reads a known report exactly (nothing of the
 *   failed read is left behind). Leaks and out-of-bounds accesses are the
 *   sanitizers'.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "fuzz.h"
#include "jsonin.h"
#include "report.h"

/* What a read produced: its groups counted into a table keyed as the report. */
struct sink {
    struct agg *a; /* NULL until the first group */
    size_t calls;
};

static enum extls_status
on_group(const struct agg_group *g, const enum agg_key *keys, size_t n_keys, char *why,
         size_t why_len, void *user)
{
    struct sink *s = user;
    (void)why, (void)why_len;
    s->calls++;
    FUZZ_CHECK(g->sessions > 0);
    if (!s->a)
        s->a = agg_new(keys, n_keys);
    if (!s->a)
        return EXTLS_ENOMEM;
    return agg_add_group(s->a, g->key, g);
}

/* Read data[0..len) in pieces of `chunk` into a fresh sink; the reader is kept in *jp. */
static enum extls_status
read_into(struct jsonin **jp, struct sink *s, const void *data, size_t len, size_t chunk)
{
    memset(s, 0, sizeof(*s));
    struct jsonin_callbacks cb = {on_group, s};
    *jp = jsonin_new(&cb);
    if (!*jp)
        abort();
    return jsonin_read_mem(*jp, data, len, chunk, "fuzz");
}

static void
sink_release(struct sink *s)
{
    agg_free(s->a);
    s->a = NULL;
}

/* The report with totals `t` and the groups of `s`, as extls writes JSON; caller frees. */
static char *
write_json(const struct report_totals *t, struct sink *s, size_t *len)
{
    if (!s->a)
        s->a = agg_new(NULL, 0);
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f || !s->a)
        abort();
    struct report r = {.format = REPORT_JSON, .totals = *t, .groups = s->a};
    FUZZ_CHECK(report_write(f, &r) == EXTLS_OK);
    FUZZ_CHECK(fclose(f) == 0);
    return buf;
}

static int
same_totals(const struct report_totals *a, const struct report_totals *b)
{
    return a->files == b->files && a->files_skipped == b->files_skipped &&
           a->files_failed == b->files_failed && a->rows == b->rows &&
           a->malformed == b->malformed && a->sessions == b->sessions &&
           a->excluded == b->excluded && a->first_ms == b->first_ms && a->last_ms == b->last_ms;
}

/* Tables a and b hold the same groups in the same order, byte for byte. */
static void
check_same_groups(struct agg *a, struct agg *b)
{
    size_t nk;
    const enum agg_key *keys = agg_keys(a, &nk);
    FUZZ_CHECK(agg_size(a) == agg_size(b));
    const struct agg_group *const *va = agg_sorted(a), *const *vb = agg_sorted(b);
    for (size_t i = 0; i < agg_size(a); i++) {
        for (size_t k = 0; k < nk; k++) {
            const struct span *x = &va[i]->key[keys[k]], *y = &vb[i]->key[keys[k]];
            FUZZ_CHECK(x->len == y->len && memcmp(x->ptr, y->ptr, x->len) == 0);
        }
        FUZZ_CHECK(va[i]->sessions == vb[i]->sessions);
        FUZZ_CHECK(memcmp(va[i]->count, vb[i]->count, sizeof(va[i]->count)) == 0);
        FUZZ_CHECK(va[i]->first_ms == vb[i]->first_ms && va[i]->last_ms == vb[i]->last_ms);
    }
}

/* s[0..len) holds U+FFFD (what the writer puts for a noncharacter). */
static int
has_replacement(const char *s, size_t len)
{
    for (size_t i = 0; i + 3 <= len; i++) {
        if (memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)
            return 1;
    }
    return 0;
}

/* An accepted report (totals t, groups in s) written and read back. */
static void
check_round_trip(const struct report_totals *t, struct sink *s)
{
    size_t len1, len2;
    char *t1 = write_json(t, s, &len1);
    struct jsonin *j;
    struct sink back;
    enum extls_status st = read_into(&j, &back, t1, len1, 0);
    if (st != EXTLS_OK)
        fprintf(stderr, "written report refused: %s\n%.*s\n", jsonin_errmsg(j), (int)len1, t1);
    FUZZ_CHECK(st == EXTLS_OK);
    FUZZ_CHECK(same_totals(jsonin_totals(j), t));
    char *t2 = write_json(jsonin_totals(j), &back, &len2);
    FUZZ_CHECK(len1 == len2 && memcmp(t1, t2, len1) == 0);
    uint64_t ca[EXTLS_N_CLASSES], cb[EXTLS_N_CLASSES];
    agg_class_totals(s->a, ca);
    agg_class_totals(back.a, cb);
    FUZZ_CHECK(memcmp(ca, cb, sizeof(ca)) == 0);
    if (!has_replacement(t1, len1))
        check_same_groups(s->a, back.a);
    free(t1);
    free(t2);
    sink_release(&back);
    jsonin_free(j);
}

/* "fuzz:LINE:COLUMN: reason" with the place inside data[0..len). */
static void
check_message(const char *msg, const uint8_t *data, size_t len)
{
    static const char prefix[] = "fuzz:";
    FUZZ_CHECK(strncmp(msg, prefix, sizeof(prefix) - 1) == 0);
    char *end;
    unsigned long long line = strtoull(msg + sizeof(prefix) - 1, &end, 10);
    FUZZ_CHECK(*end == ':');
    unsigned long long col = strtoull(end + 1, &end, 10);
    FUZZ_CHECK(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    unsigned long long lines = 1, line_len = 0;
    for (size_t i = skip; i < len; i++) {
        if (lines == line && data[i] != '\n')
            line_len++;
        lines += data[i] == '\n';
    }
    FUZZ_CHECK(line >= 1 && line <= lines);
    FUZZ_CHECK(col >= 1 && col <= line_len + 1);
}

/* A good report the reader must read exactly after any failure. */
static const char known[] =
    "{\"schema\":\"extls/1\",\"totals\":{\"files\":1,\"rows\":4,\"malformed_rows\":0,"
    "\"sessions\":2,\"files_skipped\":0,\"files_failed\":0,\"sessions_excluded\":0,"
    "\"first\":\"2023-01-11T15:00:00.000Z\",\"last\":\"2023-01-11T15:30:00.000Z\"},"
    "\"groups\":[{\"direction\":\"receive\",\"sessions\":2,\"tls\":{\"ssl2\":0,\"ssl3\":0,"
    "\"tls1_0\":1,\"tls1_1\":0,\"tls1_2\":1,\"tls1_3\":0,\"tls_unknown\":0,\"tls_failed\":0,"
    "\"none\":0},\"first\":\"2023-01-11T15:00:00.000Z\",\"last\":\"2023-01-11T15:30:00.000Z\"}]}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonin *j, *pieces;
    struct sink s, sp;
    enum extls_status st = read_into(&j, &s, data, size, 0);
    enum extls_status sp_st = read_into(&pieces, &sp, data, size, 1 + size % 13);
    FUZZ_CHECK(st == sp_st);
    FUZZ_CHECK(strcmp(jsonin_errmsg(j), jsonin_errmsg(pieces)) == 0);
    FUZZ_CHECK(same_totals(jsonin_totals(j), jsonin_totals(pieces)));
    FUZZ_CHECK(s.calls == sp.calls);
    if (s.a && sp.a)
        check_same_groups(s.a, sp.a);
    sink_release(&sp);
    jsonin_free(pieces);

    if (st == EXTLS_OK) {
        FUZZ_CHECK(jsonin_errmsg(j)[0] == '\0');
        check_round_trip(jsonin_totals(j), &s);
    } else {
        FUZZ_CHECK(st == EXTLS_EPARSE || st == EXTLS_ETOOBIG || st == EXTLS_ENOMEM);
        /* The size caps name no place ("fuzz: too many small values: ..."). */
        int placeless = st == EXTLS_ETOOBIG && strncmp(jsonin_errmsg(j), "fuzz: ", 6) == 0;
        if (st != EXTLS_ENOMEM) {
            if (!placeless)
                check_message(jsonin_errmsg(j), data, size);
            FUZZ_CHECK(s.calls == 0);
        }
        const struct report_totals *t = jsonin_totals(j);
        FUZZ_CHECK(t->files == 0 && t->rows == 0 && t->sessions == 0 && t->excluded == 0 &&
                   t->malformed == 0 && t->files_skipped == 0 && t->files_failed == 0 &&
                   t->first_ms == INT64_MAX && t->last_ms == INT64_MIN);
        sink_release(&s);
        s.calls = 0;
        FUZZ_CHECK(jsonin_read_mem(j, known, sizeof(known) - 1, 0, "known") == EXTLS_OK);
        FUZZ_CHECK(jsonin_errmsg(j)[0] == '\0');
        FUZZ_CHECK(jsonin_totals(j)->sessions == 2 && jsonin_totals(j)->rows == 4);
        FUZZ_CHECK(s.calls == 1 && s.a && agg_size(s.a) == 1);
    }
    sink_release(&s);
    jsonin_free(j);
    return 0;
}
