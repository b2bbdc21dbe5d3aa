/* SPDX-License-Identifier: MIT */
/*
 * test_resume.c: where an input goes on with --state: a new file from its
 * start, a known plain file seeked to its saved place, a known gzip file
 * inflated up to it, replaced files read again from the start (and said),
 * files shorter than their saved place not read at all, a small file
 * renamed since found by its identity, and the record made after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "platform.h"
#include "resume.h"

#define TEXT "line one\nline two\nline three\n"
#define SAVED 9 /* after "line one\n" */

struct fixture {
    char plain[64], gz[64], other[64];
    struct state st;
    struct gzin *gzin;
    struct reader *reader;
    struct resume rs;
    char buf[16]; /* small scratch: inflating crosses its size */
};

static enum extls_status
no_row(const struct reader_row *row, void *user)
{
    (void)row;
    (void)user;
    return EXTLS_OK;
}

static enum extls_status
no_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    (void)kind;
    (void)line;
    (void)msg;
    (void)user;
    return EXTLS_OK;
}

static int
setup(void **state)
{
    struct fixture *x = calloc(1, sizeof(*x));
    snprintf(x->plain, sizeof(x->plain), "test_resume_%ld.log", (long)getpid());
    snprintf(x->gz, sizeof(x->gz), "test_resume_%ld.log.gz", (long)getpid());
    snprintf(x->other, sizeof(x->other), "test_resume_%ld.old", (long)getpid());
    FILE *f = fopen(x->plain, "wb");
    fputs(TEXT, f);
    fclose(f);
    gzFile g = gzopen(x->gz, "wb");
    gzputs(g, TEXT);
    gzclose(g);
    assert_int_equal(state_init(&x->st), EXTLS_OK);
    struct reader_callbacks cb = {no_row, no_problem, NULL};
    x->gzin = gzin_new();
    x->reader = reader_new(&cb);
    assert_non_null(x->gzin);
    assert_non_null(x->reader);
    *state = x;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *x = *state;
    unlink(x->plain);
    unlink(x->gz);
    state_release(&x->st);
    gzin_free(x->gzin);
    reader_free(x->reader);
    free(x);
    return 0;
}

/* A record of `path` whose first head_len bytes were head, saved at offset. */
static void
add_record(struct fixture *x, const char *path, const char *head, size_t head_len, uint64_t offset)
{
    struct state_file rec;
    memset(&rec, 0, sizeof(rec));
    rec.path = (char *)path;
    rec.head_len = head_len;
    rec.head_hash = state_head_hash(head, head_len);
    rec.pos.offset = offset;
    rec.pos.line = 1;
    rec.pos.dir = EXTLS_DIR_RECEIVE;
    for (int c = 0; c < READER_N_COLS; c++)
        rec.pos.pos_of[c] = -1;
    assert_int_equal(state_add_file(&x->st, &rec), EXTLS_OK);
}

/* Resume `path`; the plain bytes the reader gets next (pending, then the rest) into out. */
static enum extls_status
resume(struct fixture *x, const char *path, struct resume_place *place, char *out, size_t cap)
{
    int fd = platform_open_read(path);
    assert_true(fd >= 0);
    gzin_begin(x->gzin, fd);
    enum extls_status st = resume_point(&x->rs, &x->st, NULL, path, path, EXTLS_DIR_UNKNOWN, fd,
                                        x->gzin, x->reader, x->buf, sizeof(x->buf), place);
    size_t len = place->n_pending;
    memcpy(out, place->pending ? place->pending : "", len);
    size_t n;
    while (gzin_read(x->gzin, out + len, cap - len - 1, &n) == EXTLS_OK && n > 0)
        len += n;
    out[len] = '\0';
    struct state_file rec;
    resume_record(&x->rs, x->reader, fd, path, &rec);
    assert_string_equal(rec.path, path);
    assert_true(rec.dev != 0 || rec.ino != 0);
    close(fd);
    return st;
}

/* No record: the whole file, nothing said. */
static void
test_new_file(void **state)
{
    struct fixture *x = *state;
    struct resume_place place;
    char got[128];
    assert_int_equal(resume(x, x->plain, &place, got, sizeof(got)), EXTLS_OK);
    assert_false(place.replaced);
    assert_string_equal(got, TEXT);
    assert_int_equal(x->rs.head_got, strlen(TEXT));
}

/* A known plain file and a known gzip file go on after SAVED bytes. */
static void
test_known_files(void **state)
{
    struct fixture *x = *state;
    add_record(x, x->plain, TEXT, strlen(TEXT), SAVED);
    add_record(x, x->gz, TEXT, strlen(TEXT), SAVED);
    const char *paths[] = {x->plain, x->gz};
    for (int i = 0; i < 2; i++) {
        struct resume_place place;
        char got[128];
        assert_int_equal(resume(x, paths[i], &place, got, sizeof(got)), EXTLS_OK);
        assert_false(place.replaced);
        assert_string_equal(got, TEXT + SAVED);
        struct state_file rec;
        resume_record(&x->rs, x->reader, -1, paths[i], &rec);
        assert_int_equal(rec.pos.offset, SAVED); /* the reader resumed there */
        assert_int_equal(rec.head_len, SAVED);
        assert_true(rec.head_hash == state_head_hash(TEXT, SAVED));
    }
}

/* Read from the start and said: first bytes that do not hash as recorded. */
static void
test_replaced_files(void **state)
{
    struct fixture *x = *state;
    add_record(x, x->plain, "LINE", 4, SAVED);
    add_record(x, x->gz, "LINE", 4, SAVED);
    const char *paths[] = {x->plain, x->gz};
    for (int i = 0; i < 2; i++) {
        struct resume_place place;
        char got[128];
        assert_int_equal(resume(x, paths[i], &place, got, sizeof(got)), EXTLS_OK);
        assert_true(place.replaced);
        assert_false(place.shorter);
        assert_null(place.rec);
        assert_string_equal(got, TEXT);
    }
}

/*
 * A plain and a gzip file with their recorded head but shorter than their
 * saved place (a copy in the middle of overwriting them): nothing read,
 * not replaced, the reader left at the saved place.
 */
static void
test_shorter_files(void **state)
{
    struct fixture *x = *state;
    add_record(x, x->plain, TEXT, SAVED, 1000);
    add_record(x, x->gz, TEXT, SAVED, 1000);
    const char *paths[] = {x->plain, x->gz};
    for (int i = 0; i < 2; i++) {
        struct resume_place place;
        int fd = platform_open_read(paths[i]);
        assert_true(fd >= 0);
        gzin_begin(x->gzin, fd);
        assert_int_equal(resume_point(&x->rs, &x->st, NULL, paths[i], paths[i], EXTLS_DIR_UNKNOWN,
                                      fd, x->gzin, x->reader, x->buf, sizeof(x->buf), &place),
                         EXTLS_OK);
        assert_true(place.shorter);
        assert_false(place.replaced);
        assert_ptr_equal(place.rec, &x->st.files[i]);
        assert_int_equal(place.n_pending, 0);
        struct reader_pos at;
        reader_get_pos(x->reader, &at);
        assert_int_equal(at.offset, 1000); /* resumed there: the place stays */
        close(fd);
    }
}

/*
 * A small file renamed since (its record has another path, and the same
 * device and inode): found by identity and gone on from its saved place.
 * The same identity with another head (the inode reused by another file):
 * read from the start, and not said to be replaced.
 */
static void
test_renamed_small_file(void **state)
{
    struct fixture *x = *state;
    struct platform_stat sb;
    assert_int_equal(platform_stat(x->plain, &sb), 0);
    struct state_file rec;
    memset(&rec, 0, sizeof(rec));
    rec.path = x->other;
    rec.dev = sb.dev;
    rec.ino = sb.ino;
    rec.head_len = SAVED;
    rec.head_hash = state_head_hash(TEXT, SAVED);
    rec.pos.offset = SAVED;
    rec.pos.line = 1;
    rec.pos.dir = EXTLS_DIR_RECEIVE;
    for (int c = 0; c < READER_N_COLS; c++)
        rec.pos.pos_of[c] = -1;
    assert_int_equal(state_add_file(&x->st, &rec), EXTLS_OK);
    struct resume_place place;
    char got[128];
    assert_int_equal(resume(x, x->plain, &place, got, sizeof(got)), EXTLS_OK);
    assert_false(place.replaced);
    assert_ptr_equal(place.rec, &x->st.files[0]);
    assert_string_equal(got, TEXT + SAVED);

    x->st.files[0].head_hash = state_head_hash("LINE", 4); /* now another file's */
    assert_int_equal(resume(x, x->plain, &place, got, sizeof(got)), EXTLS_OK);
    assert_false(place.replaced);
    assert_null(place.rec);
    assert_string_equal(got, TEXT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_known_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shorter_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renamed_small_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
