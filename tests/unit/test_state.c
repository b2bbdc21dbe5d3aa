/* SPDX-License-Identifier: MIT */
/*
 * test_state.c: the --state file: exact round trips of every field, atomic
 * replacement, and strict refusal of damaged, truncated or foreign files;
 * the look-up of a file record by identity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "strpool.h"

struct fixture {
    char dir[64];
    char path[128];
    struct strpool *pool;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_state_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/state", f->dir);
    f->pool = strpool_new();
    *state = f;
    return f->pool ? 0 : -1;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    strpool_free(f->pool);
    free(f);
    return 0;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

static void
spill(const char *path, const char *buf, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, len, fp), len);
    fclose(fp);
}

/* A session with every field set, including the bookkeeping ones. */
static struct session *
full_session(struct strpool *pool)
{
    static const char sid[] = "08DC6A0000000001";
    struct session *s = session_alloc(sid, strlen(sid));
    assert_non_null(s);
    s->dir = EXTLS_DIR_SEND;
    s->connector = strpool_intern(pool, "Out\tbound\\ \"x\"\n", 16);
    s->start_ms = -5;
    s->end_ms = 1700000000123;
    s->rows = 41;
    strcpy(s->remote, "2001:db8::25");
    strcpy(s->local, "[2001:db8::1]:25");
    s->host = strdup("caf\xE9\x01-pc");
    s->host_len = strlen(s->host);
    s->host_kind = MATCH_HOST_BANNER;
    s->proto = strpool_intern(pool, "SP_PROT_TLS1_2_CLIENT", 21);
    s->cipher.name = strpool_intern(pool, "CALG_AES_256", 12);
    s->cipher.bits = 256;
    s->mac.name = strpool_intern(pool, "CALG_SHA_384", 12);
    s->kx.name = strpool_intern(pool, "CALG_ECDHE", 10);
    s->kx.bits = 384;
    s->file = 3;
    s->line = 77;
    s->flags = 0x3FF;
    s->marker_cls = EXTLS_TLS1_2;
    s->min_seq = 0;
    s->marker_seq = 11;
    s->remote_seq = 1;
    s->local_seq = 2;
    s->host_seq = 4;
    s->pending_seq = 9;
    s->disc_seq = UINT64_MAX;
    s->lead_seq = 6;
    s->lead_220 = 1;
    s->n_cmd = 2;
    s->cmd_seq[0] = 8;
    s->cmd_seq[1] = 20;
    s->n_ok220 = 1;
    s->ok220_seq[0] = 3;
    return s;
}

static void
fill(struct state *st, struct strpool *pool)
{
    struct state_file f = {0};
    f.path = "logs/RECV20231011-1.LOG";
    f.dev = 2049;
    f.ino = 123456789;
    f.head_len = 4096;
    f.head_hash = 0xFEDCBA9876543210ull;
    f.pos.offset = 1048576;
    f.pos.line = 8123;
    f.pos.dir = EXTLS_DIR_RECEIVE;
    f.pos.n_fields = 10;
    for (int c = 0; c < READER_N_COLS; c++)
        f.pos.pos_of[c] = c == READER_LOCAL_ENDPOINT ? -1 : c + 1;
    assert_int_equal(state_add_file(st, &f), EXTLS_OK);
    f.path = "logs/with\ttab.log";
    f.head_len = 17;
    assert_int_equal(state_add_file(st, &f), EXTLS_OK);
    assert_int_equal(state_add_open(st, full_session(pool), "logs/first\\file.LOG"), EXTLS_OK);

    static const enum agg_key keys[] = {AGG_CONNECTOR, AGG_DAY};
    st->aggs[0] = agg_new(keys, 2);
    assert_non_null(st->aggs[0]);
    st->n_aggs = 1;
    struct span key[AGG_N_KEYS] = {{"", 0}};
    key[AGG_CONNECTOR] = (struct span){"EX\\Default ", 11};
    key[AGG_DAY] = (struct span){"2023-10-11", 10};
    assert_int_equal(agg_add(st->aggs[0], key, EXTLS_TLS1_0, 1000, (struct span){"h1", 2}),
                     EXTLS_OK);
    assert_int_equal(agg_add(st->aggs[0], key, EXTLS_NONE, 900, (struct span){"", 0}), EXTLS_OK);
    assert_int_equal(state_set_opt(st, "direction", "receive"), EXTLS_OK);
    assert_int_equal(state_set_opt(st, "connector", "a\tb\\c"), EXTLS_OK);
    uint32_t se;
    assert_int_equal(state_add_series(st, EXTLS_DIR_RECEIVE, "logs/ex01", 9, 1700000000999, &se),
                     EXTLS_OK);
    assert_int_equal(state_add_folded(st, se, EXTLS_DIR_RECEIVE, "EX\\Default ", 11,
                                      "08DC6A0000000002", 16, 1699999000000),
                     EXTLS_OK);
    st->totals.late_rows = 7;
    st->totals.files = 2;
    st->totals.rows = 99;
    st->totals.malformed = 1;
    st->totals.sessions = 2;
    st->totals.first_ms = 900;
    st->totals.last_ms = 1000;
}

static void
round_trip_is_exact(void **state)
{
    struct fixture *fx = *state;
    struct state a, b;
    char err[256];
    assert_int_equal(state_init(&a), EXTLS_OK);
    fill(&a, fx->pool);
    assert_int_equal(state_save(&a, fx->path, err, sizeof(err)), EXTLS_OK);
    size_t len1;
    char *first = slurp(fx->path, &len1);

    assert_int_equal(state_init(&b), EXTLS_OK);
    assert_int_equal(state_load(&b, fx->path, err, sizeof(err)), EXTLS_OK);
    assert_true(b.loaded);
    assert_int_equal(b.n_files, 2);
    assert_string_equal(b.files[1].path, "logs/with\ttab.log");
    assert_int_equal(b.files[0].head_hash, 0xFEDCBA9876543210ull);
    assert_int_equal(b.files[0].pos.pos_of[READER_LOCAL_ENDPOINT], -1);
    assert_int_equal(b.files[0].pos.n_fields, 10);
    assert_int_equal(b.n_open, 1);
    const struct session *s = b.open[0];
    assert_string_equal(b.open_path[0], "logs/first\\file.LOG");
    assert_memory_equal(s->connector->ptr, "Out\tbound\\ \"x\"\n", 16);
    assert_string_equal(s->sid, "08DC6A0000000001");
    assert_int_equal(s->start_ms, -5);
    assert_int_equal(s->disc_seq, UINT64_MAX);
    assert_string_equal(s->host, "caf\xE9\x01-pc");
    assert_int_equal(s->mac.bits, 0);
    assert_memory_equal(s->mac.name->ptr, "CALG_SHA_384", 12);
    assert_int_equal(s->cmd_seq[1], 20);
    assert_int_equal(s->lead_220, 1);
    assert_int_equal(b.n_series, 1);
    assert_string_equal(b.series[0].folder, "logs/ex01");
    assert_int_equal(b.series[0].clock_ms, 1700000000999);
    assert_int_equal(state_find_series(&b, EXTLS_DIR_RECEIVE, "logs/ex01", 9), 0);
    assert_int_equal(state_find_series(&b, EXTLS_DIR_SEND, "logs/ex01", 9), -1);
    assert_string_equal(state_get_opt(&b, "connector"), "a\tb\\c");
    assert_string_equal(state_get_opt(&b, "direction"), "receive");
    assert_null(state_get_opt(&b, "by"));
    const struct state_folded *fo =
        state_find_folded(&b, EXTLS_DIR_RECEIVE, "EX\\Default ", 11, "08DC6A0000000002", 16);
    assert_non_null(fo);
    assert_int_equal(fo->end_ms, 1699999000000);
    assert_null(state_find_folded(&b, EXTLS_DIR_SEND, "EX\\Default ", 11, "08DC6A0000000002", 16));
    assert_null(
        state_find_folded(&b, EXTLS_DIR_RECEIVE, "EX\\Default", 10, "08DC6A0000000002", 16));
    assert_int_equal(b.totals.late_rows, 7);
    assert_non_null(state_find_file(&b, "logs/with\ttab.log"));
    assert_null(state_find_file(&b, "logs/with"));
    assert_int_equal(agg_size(b.aggs[0]), 1);
    const struct agg_group *g = agg_sorted(b.aggs[0])[0];
    assert_int_equal(g->sessions, 2);
    assert_int_equal(g->count[EXTLS_TLS1_0], 1);
    assert_int_equal(g->first_ms, 900);
    assert_memory_equal(g->host.ptr, "h1", 2);

    /* Saving what was loaded writes the same bytes (here: nothing at all). */
    struct stat before, after;
    assert_int_equal(stat(fx->path, &before), 0);
    assert_int_equal(state_save(&b, fx->path, err, sizeof(err)), EXTLS_OK);
    assert_int_equal(stat(fx->path, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino); /* not replaced */
    size_t len2;
    char *second = slurp(fx->path, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(first, second, len1);
    free(first);
    free(second);
    state_release(&a);
    state_release(&b);
}

static void
missing_file_is_a_first_run(void **state)
{
    struct fixture *fx = *state;
    struct state st;
    char err[256] = "";
    assert_int_equal(state_init(&st), EXTLS_OK);
    assert_int_equal(state_load(&st, fx->path, err, sizeof(err)), EXTLS_OK);
    assert_false(st.loaded);
    assert_int_equal(st.n_files, 0);
    state_release(&st);
}

/* Load `text` (len bytes) and expect EXTLS_EPARSE with `why` in the message. */
static void
refused(struct fixture *fx, const char *text, size_t len, const char *why)
{
    struct state st;
    char err[1024] = "";
    spill(fx->path, text, len);
    assert_int_equal(state_init(&st), EXTLS_OK);
    assert_int_equal(state_load(&st, fx->path, err, sizeof(err)), EXTLS_EPARSE);
    if (!strstr(err, why))
        fail_msg("message '%s' lacks '%s'", err, why);
    assert_false(st.loaded);
    assert_int_equal(st.n_files + st.n_open + st.n_aggs, 0); /* nothing half-used */
    state_release(&st);
}

/* Re-seal a hand-edited text with a valid checksum. */
static size_t
seal(char *text, size_t len)
{
    return len + (size_t)sprintf(text + len, "end\t%016llx\n",
                                 (unsigned long long)state_checksum(text, len));
}

static void
damaged_states_refused(void **state)
{
    struct fixture *fx = *state;
    struct state a;
    char err[256];
    assert_int_equal(state_init(&a), EXTLS_OK);
    fill(&a, fx->pool);
    assert_int_equal(state_save(&a, fx->path, err, sizeof(err)), EXTLS_OK);
    state_release(&a);
    size_t len;
    char *good = slurp(fx->path, &len);
    char *bad = malloc(len + 4096);
    assert_non_null(bad);

    memcpy(bad, good, len);
    bad[40] ^= 1;
    refused(fx, bad, len, "checksum mismatch");
    refused(fx, good, len - 5, "no end record");
    refused(fx, good, len / 2, "no end record");
    refused(fx, "", 0, "not an extls state file");
    refused(fx, "hello\n", 6, "not an extls state file");

    /* Another version: refused before the rest is even looked at. */
    memcpy(bad, good, len);
    bad[strlen("extls-state\t")] = '3';
    char other[600];
    snprintf(other, sizeof(other),
             "%s: written in state format 3 by another extls version; this extls (%s) reads "
             "state format %d only: run the extls that wrote it, or remove %s to start over (the "
             "next run with --state then reads every file in full)",
             fx->path, EXTLS_VERSION, STATE_VERSION, fx->path);
    refused(fx, bad, len, other);
    /* The older format: refused with what to do. */
    bad[strlen("extls-state\t")] = '1';
    refused(fx, bad, len, "move it aside and start a new state file");

    /* Well-sealed but wrong inside: each names its line. */
    static const char *const bodies[][2] = {
        {"extls-state\t2\nopt\tby\tx\ty\n", ":2: bad state file: too many fields"},
        {"extls-state\t2\nopt\n", ":2: bad state file: too few fields"},
        {"extls-state\t2\nwhat\t1\n", ":2: bad state file: unknown record"},
        {"extls-state\t2\nseries\t1\t1x\tf\n", ":2: bad state file: bad number"},
        {"extls-state\t2\ntotals\t1\t2\t3\t4\t5\t6\t99999999999999999999999\t0\t0\t0\n",
         ":2: bad state file: bad number"},
        {"extls-state\t2\nagg\t0\t1\tport\n", ":2: bad state file: unknown key"},
        {"extls-state\t2\ngroup\t0\tx\t1\t1\t0\t0\t0\t0\t0\t0\t0\t0\t1\t1\t1\t\n",
         ":2: bad state file: group of an unknown table"},
        {"extls-state\t2\nagg\t0\t1\tday\ngroup\t0\t2023-10-"
         "11\t2\t1\t0\t0\t0\t0\t0\t0\t0\t0\t1\t1\t"
         "1\t\n",
         ":3: bad state file: class counts do not add up"},
        {"extls-state\t2\nopt\tby\t1\\q\n", ":2: bad state file: bad escape"},
        {"extls-state\t2\nopt\tby\ta\nopt\tby\tb\n", ":3: bad state file: bad option record"},
        {"extls-state\t2\nseries\t1\t5\tf\nseries\t1\t6\tf\n",
         ":3: bad state file: bad series record"},
        {"extls-state\t2\nseries\t0\t5\tf\n", ":2: bad state file: bad series record"},
        {"extls-state\t2\nfolded\t0\t1\t5\tc\ts\n",
         ":2: bad state file: bad folded-session record"},
        {"extls-state\t2\nseries\t1\t5\tf\nfolded\t0\t1\t5\tc\t\n",
         ":3: bad state file: bad folded-session record"},
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        size_t n = strlen(bodies[i][0]);
        memcpy(bad, bodies[i][0], n);
        n = seal(bad, n);
        refused(fx, bad, n, bodies[i][1]);
    }
    free(bad);
    free(good);
}

/*
 * The state of a run that dies between writing its new state and renaming
 * it into place (what a crash there leaves): the old file intact, the new
 * one complete beside it. (Crashes of the whole program at that point are
 * tests/e2e/exactly-once.sh's, with an LD_PRELOAD shim.)
 */
static void
temporary_save_keeps_old_state(void **state)
{
    struct fixture *fx = *state;
    struct state a;
    char err[256];
    assert_int_equal(state_init(&a), EXTLS_OK);
    fill(&a, fx->pool);
    assert_int_equal(state_save(&a, fx->path, err, sizeof(err)), EXTLS_OK);
    size_t len;
    char *before = slurp(fx->path, &len);
    char *tmp = (char *)1;
    /* Unchanged: nothing to write, no temporary file. */
    struct state same;
    assert_int_equal(state_init(&same), EXTLS_OK);
    assert_int_equal(state_load(&same, fx->path, err, sizeof(err)), EXTLS_OK);
    assert_int_equal(state_save_temp(&same, fx->path, &tmp, err, sizeof(err)), EXTLS_OK);
    assert_null(tmp);
    state_release(&same);
    a.totals.rows++; /* something to write */
    assert_int_equal(state_save_temp(&a, fx->path, &tmp, err, sizeof(err)), EXTLS_OK);
    assert_non_null(tmp);
    char want[160];
    snprintf(want, sizeof(want), "%s.tmp.%ld", fx->path, (long)getpid());
    assert_string_equal(tmp, want);
    size_t len2;
    char *after = slurp(fx->path, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(before, after, len); /* the old state is intact */
    /* The temporary file is complete: it loads, with the new clock. */
    struct state b;
    assert_int_equal(state_init(&b), EXTLS_OK);
    assert_int_equal(state_load(&b, tmp, err, sizeof(err)), EXTLS_OK);
    assert_int_equal(b.totals.rows, a.totals.rows);
    state_release(&b);
    unlink(tmp);
    free(tmp);
    state_release(&a);
    free(before);
    free(after);
}

static void
save_into_missing_folder_fails_cleanly(void **state)
{
    (void)state;
    struct state a;
    char err[256] = "";
    assert_int_equal(state_init(&a), EXTLS_OK);
    assert_int_equal(state_save(&a, "/nonexistent-folder/state", err, sizeof(err)), EXTLS_EIO);
    char want[256];
    snprintf(want, sizeof(want),
             "/nonexistent-folder/state.tmp.%ld: cannot create the state's temporary file: No "
             "such file or directory",
             (long)getpid());
    assert_string_equal(err, want);
    state_release(&a);
}

/* A file record (dev, ino) whose first head_len bytes of text were recorded. */
static void
add_known(struct state *st, const char *path, uint64_t dev, uint64_t ino, const char *text,
          size_t head_len)
{
    struct state_file f;
    memset(&f, 0, sizeof(f));
    f.path = (char *)path;
    f.dev = dev;
    f.ino = ino;
    f.head_len = head_len;
    f.head_hash = state_head_hash(text, head_len);
    f.pos.offset = head_len;
    f.pos.dir = EXTLS_DIR_RECEIVE;
    assert_int_equal(state_add_file(st, &f), EXTLS_OK);
}

/*
 * By identity: a small file under another path is found when its recorded
 * head is the start of what it holds now; an inode reused by another file,
 * a head longer than the bytes given, and the unknown identity (0, 0) are
 * not. Several records of one identity: the first whose head matches.
 */
static void
identity_finds_same_file(void **state)
{
    (void)state;
    static const char text[] = "#Software: Microsoft Exchange Server\r\nrow one\r\n";
    static const char other[] = "#Software: something else entirely\r\n";
    size_t len = strlen(text);
    struct state a;
    assert_int_equal(state_init(&a), EXTLS_OK);
    add_known(&a, "logs/RECV1.LOG", 7, 42, text, 20);
    add_known(&a, "old/x.log", 0, 0, text, 20);
    add_known(&a, "logs/SEND1.LOG", 7, 43, other, strlen(other));
    add_known(&a, "logs/RECV1-again.LOG", 7, 42, text, len);
    /* renamed, read further since: the first record of the identity */
    const struct state_file *f = state_find_identity(&a, 7, 42, text, len);
    assert_non_null(f);
    assert_string_equal(f->path, "logs/RECV1.LOG");
    /* fewer bytes than the second record's head: still the first */
    f = state_find_identity(&a, 7, 42, text, 20);
    assert_non_null(f);
    assert_string_equal(f->path, "logs/RECV1.LOG");
    assert_null(state_find_identity(&a, 7, 42, text, 19));  /* shorter than any head */
    assert_null(state_find_identity(&a, 7, 43, text, len)); /* inode reused: another head */
    assert_null(state_find_identity(&a, 8, 42, text, len)); /* another device */
    assert_null(state_find_identity(&a, 0, 0, text, len));  /* unknown identity */
    state_release(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip_is_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_file_is_a_first_run, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_states_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(temporary_save_keeps_old_state, setup, teardown),
        cmocka_unit_test(save_into_missing_folder_fails_cleanly),
        cmocka_unit_test(identity_finds_same_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
