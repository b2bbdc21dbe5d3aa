/* SPDX-License-Identifier: MIT */
/*
 * test_walk.c: natural ordering, direction hints from names, and walking a
 * real directory tree built under a mkdtemp() directory (links, loops,
 * skipped files, errors), removed again by the group teardown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "walk.h"

static int
sign(int v)
{
    return (v > 0) - (v < 0);
}

/* walk_natural_cmp(a, b) has sign `want`, and the reverse the opposite sign. */
static void
check_cmp(const char *a, const char *b, int want)
{
    int got = sign(walk_natural_cmp(a, b));
    int rev = sign(walk_natural_cmp(b, a));
    if (got != want || rev != -want)
        fail_msg("cmp('%s', '%s') = %d, reverse %d; want %d", a, b, got, rev, want);
}

static void
natural_cmp_digit_runs_as_numbers(void **state)
{
    (void)state;
    check_cmp("RECV2023011116-2.LOG", "RECV2023011116-10.LOG", -1);
    check_cmp("RECV2023011116-9.LOG", "RECV2023011116-10.LOG", -1);
    check_cmp("RECV2023011109-1.LOG", "RECV2023011110-1.LOG", -1);           /* hour 09 < 10 */
    check_cmp("RECV2023011123-5.LOG", "RECV2023011200-1.LOG", -1);           /* next day */
    check_cmp("RECV20230111-1.LOG", "RECV2023011100-1.LOG", -1);             /* fewer digits */
    check_cmp("x123456789012345678901234", "x123456789012345678901235", -1); /* > 64 bits */
    check_cmp("a2b", "a10a", -1);
}

static void
natural_cmp_leading_zeros_and_equal(void **state)
{
    (void)state;
    check_cmp("a02", "a10", -1);
    check_cmp("a001b", "a1c", -1);
    check_cmp("a01", "a1", 0); /* same number: equal here, strcmp breaks the tie in sorting */
    check_cmp("a0", "a00", 0);
    check_cmp("RECV2023011116-1.LOG", "RECV2023011116-1.LOG", 0);
    check_cmp("", "", 0);
}

static void
natural_cmp_text(void **state)
{
    (void)state;
    check_cmp("abc", "abd", -1);
    check_cmp("a", "a1", -1);
    check_cmp("", "a", -1);
    check_cmp("RECV1.LOG", "SEND1.LOG", -1);
    check_cmp("log", "LOG", 1);   /* bytewise, case-sensitive */
    check_cmp("az", "a\xE9", -1); /* unsigned bytes */
    check_cmp("a-1", "a1", -1);   /* '-' < '1' */
}

static void
dir_hint_from_file_name(void **state)
{
    (void)state;
    assert_int_equal(walk_dir_hint("RECV2023011116-1.LOG"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("recv2023011116-1.log"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("Recv.log"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("SEND20230111-1.LOG"), EXTLS_DIR_SEND);
    assert_int_equal(walk_dir_hint("/var/log/x/send1.log"), EXTLS_DIR_SEND);
    /* The file name beats any folder. */
    assert_int_equal(walk_dir_hint("SmtpSend/RECV1.LOG"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("SmtpReceive/SEND1.LOG"), EXTLS_DIR_SEND);
}

static void
dir_hint_from_nearest_folder(void **state)
{
    (void)state;
    assert_int_equal(walk_dir_hint("SmtpReceive/x.log"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("/logs/ProtocolLog/SmtpReceive/x.log"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("/logs/smtpsend/x.log"), EXTLS_DIR_SEND);
    assert_int_equal(walk_dir_hint("/logs/SMTPRECEIVE/2023/x.log"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("SmtpSend/old/SmtpReceive/x.log"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("SmtpReceive/old/SmtpSend/x.log"), EXTLS_DIR_SEND);
}

static void
dir_hint_none(void **state)
{
    (void)state;
    assert_int_equal(walk_dir_hint("x.log"), EXTLS_DIR_UNKNOWN);
    assert_int_equal(walk_dir_hint("-"), EXTLS_DIR_UNKNOWN);
    assert_int_equal(walk_dir_hint(""), EXTLS_DIR_UNKNOWN);
    assert_int_equal(walk_dir_hint("logs/other.log"), EXTLS_DIR_UNKNOWN);
    assert_int_equal(walk_dir_hint("logs/REC.log"), EXTLS_DIR_UNKNOWN);
    assert_int_equal(walk_dir_hint("logs/xRECV1.log"), EXTLS_DIR_UNKNOWN);
    /* Folder names must match whole. */
    assert_int_equal(walk_dir_hint("SmtpReceiveOld/x.log"), EXTLS_DIR_UNKNOWN);
    assert_int_equal(walk_dir_hint("MySmtpSend/x.log"), EXTLS_DIR_UNKNOWN);
    assert_int_equal(walk_dir_hint("RECV/x.log"), EXTLS_DIR_UNKNOWN);
    /* A file named like the folder is not a folder. */
    assert_int_equal(walk_dir_hint("logs/SmtpReceive"), EXTLS_DIR_UNKNOWN);
}

/* ---- walk_paths() on a real tree ---- */

#define MAX_ERRS 8

struct errs {
    size_t n;
    char path[MAX_ERRS][512];
    int errnum[MAX_ERRS];
};

static void
on_error(const char *path, int errnum, void *user)
{
    struct errs *e = user;
    assert_true(e->n < MAX_ERRS);
    snprintf(e->path[e->n], sizeof(e->path[0]), "%s", path);
    e->errnum[e->n++] = errnum;
}

/* The temporary root, e.g. /tmp/extls-walk-AbC123. */
static char root[64];

/* root + "/" + rel, in one of a few rotating buffers. */
static const char *
at(const char *rel)
{
    static char buf[8][600];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof(buf[0]), "%s/%s", root, rel);
    return p;
}

static void
make_dir(const char *rel)
{
    assert_int_equal(mkdir(at(rel), 0755), 0);
}

static void
make_file(const char *rel)
{
    FILE *f = fopen(at(rel), "w");
    assert_non_null(f);
    fputs("#Software: Microsoft Exchange Server\n", f);
    assert_int_equal(fclose(f), 0);
}

static void
make_link(const char *target, const char *rel)
{
    assert_int_equal(symlink(target, at(rel)), 0);
}

/* Everything created below root, in creation order (removed in reverse). */
static const char *const tree[] = {
    "tree",
    "tree/SmtpReceive",
    "tree/SmtpReceive/RECV2023011116-10.LOG",
    "tree/SmtpReceive/RECV2023011116-2.LOG",
    "tree/SmtpReceive/RECV2023011109-1.LOG",
    "tree/SmtpReceive/readme.txt",
    "tree/SmtpReceive/nested",
    "tree/SmtpReceive/nested/deep",
    "tree/SmtpReceive/nested/deep/x.Log",
    "tree/SmtpReceive/nested/deep/back",
    "tree/SmtpSend",
    "tree/SmtpSend/SEND20230111-1.log",
    "tree/SmtpSend/notes",
    "tree/SmtpSend/.log",
    "tree/SmtpSend/pipe.log",
    "tree/SmtpSend/dangling.log",
    "tree/SmtpSend/up",
    "tree/empty",
    "other",
    "other/dup.log",
    "other/notes.txt",
    "gz",
    "gz/RECV1.LOG.gz",
    "gz/SEND2.log.GZ",
    "gz/y.LOG",
    "gz/notes.gz",
    "gz/.log.gz",
    "gz/x.log.gz.bak",
    "gz/z.gz.log.x",
};
#define N_TREE (sizeof(tree) / sizeof(tree[0]))

static int
setup_tree(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof(root), "%s/extls-walk-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(root))
        return -1;
    make_dir("tree");
    make_dir("tree/SmtpReceive");
    make_file("tree/SmtpReceive/RECV2023011116-10.LOG");
    make_file("tree/SmtpReceive/RECV2023011116-2.LOG");
    make_file("tree/SmtpReceive/RECV2023011109-1.LOG");
    make_file("tree/SmtpReceive/readme.txt");
    make_dir("tree/SmtpReceive/nested");
    make_dir("tree/SmtpReceive/nested/deep");
    make_file("tree/SmtpReceive/nested/deep/x.Log");
    make_link("../..", "tree/SmtpReceive/nested/deep/back"); /* loop to SmtpReceive */
    make_dir("tree/SmtpSend");
    make_file("tree/SmtpSend/SEND20230111-1.log");
    make_file("tree/SmtpSend/notes");
    make_file("tree/SmtpSend/.log");
    assert_int_equal(mkfifo(at("tree/SmtpSend/pipe.log"), 0644), 0);
    make_link("nowhere.log", "tree/SmtpSend/dangling.log");
    make_link("..", "tree/SmtpSend/up"); /* loop to tree */
    make_dir("tree/empty");
    make_dir("other");
    make_link("../tree/SmtpReceive/RECV2023011116-2.LOG", "other/dup.log");
    make_file("other/notes.txt");
    make_dir("gz");
    make_file("gz/RECV1.LOG.gz");
    make_file("gz/SEND2.log.GZ");
    make_file("gz/y.LOG");
    make_file("gz/notes.gz");
    make_file("gz/.log.gz");
    make_file("gz/x.log.gz.bak");
    make_file("gz/z.gz.log.x");
    return 0;
}

static int
teardown_tree(void **state)
{
    (void)state;
    int rc = 0;
    for (size_t i = N_TREE; i-- > 0;) {
        struct stat st;
        const char *p = at(tree[i]);
        if (lstat(p, &st) != 0)
            continue;
        if ((S_ISDIR(st.st_mode) ? rmdir(p) : unlink(p)) != 0)
            rc = -1;
    }
    if (rmdir(root) != 0)
        rc = -1;
    return rc;
}

/* Expected input: path relative to root ("-" as is), hint, from_dir. */
struct want {
    const char *rel;
    enum extls_dir hint;
    int from_dir;
};

static void
check_list(const struct input_list *l, const struct want *w, size_t n)
{
    for (size_t i = 0; i < l->n && i < n; i++) {
        const char *p = strcmp(w[i].rel, "-") == 0 ? "-" : at(w[i].rel);
        if (strcmp(l->v[i].path, p) != 0)
            fail_msg("input %zu: got '%s', want '%s'", i, l->v[i].path, p);
        assert_int_equal(l->v[i].hint, w[i].hint);
        assert_int_equal(l->v[i].from_dir, w[i].from_dir);
    }
    assert_int_equal(l->n, n);
}

static void
walk_tree_links_skips_errors_and_order(void **state)
{
    (void)state;
    char p_tree[600], p_dup[600], p_send[600], p_missing[600], p_notes[600];
    snprintf(p_tree, sizeof(p_tree), "%s", at("tree"));
    snprintf(p_dup, sizeof(p_dup), "%s", at("other/dup.log"));
    snprintf(p_send, sizeof(p_send), "%s", at("tree/SmtpSend/SEND20230111-1.log"));
    snprintf(p_missing, sizeof(p_missing), "%s", at("tree/missing.log"));
    snprintf(p_notes, sizeof(p_notes), "%s", at("other/notes.txt"));
    char *paths[] = {p_tree, p_dup, "-", p_send, p_missing, p_notes};
    struct input_list l;
    struct errs e = {0};
    input_list_init(&l);
    assert_int_equal(walk_paths(&l, paths, 6, on_error, &e), 2);
    /* The dangling link found inside the tree, then the missing path named by the user. */
    assert_int_equal(e.n, 2);
    assert_string_equal(e.path[0], at("tree/SmtpSend/dangling.log"));
    assert_int_equal(e.errnum[0], ENOENT);
    assert_string_equal(e.path[1], p_missing);
    assert_int_equal(e.errnum[1], ENOENT);
    /* readme.txt, notes, .log and the FIFO pipe.log; links to seen files or folders are
     * neither read nor counted. Regression, 2026-11-27: a file named just ".log" was read,
     * because the suffix check measured the whole path instead of the file name. */
    assert_int_equal(l.skipped, 4);
    static const struct want want[] = {
        {"-", EXTLS_DIR_UNKNOWN, 0},
        {"other/notes.txt", EXTLS_DIR_UNKNOWN, 0},
        {"tree/SmtpReceive/RECV2023011109-1.LOG", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpReceive/RECV2023011116-2.LOG", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpReceive/RECV2023011116-10.LOG", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpReceive/nested/deep/x.Log", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpSend/SEND20230111-1.log", EXTLS_DIR_SEND, 1},
    };
    check_list(&l, want, sizeof(want) / sizeof(want[0]));
    input_list_release(&l);
    assert_int_equal(l.n, 0);
    assert_null(l.v);
}

static void
walk_link_named_first_wins(void **state)
{
    (void)state;
    /* The link is named before the folder holding its target: the link's path is kept. */
    char p_dup[600], p_recv[600];
    snprintf(p_dup, sizeof(p_dup), "%s", at("other/dup.log"));
    snprintf(p_recv, sizeof(p_recv), "%s", at("tree/SmtpReceive/"));
    char *paths[] = {p_dup, p_recv, p_dup};
    struct input_list l;
    struct errs e = {0};
    input_list_init(&l);
    assert_int_equal(walk_paths(&l, paths, 3, on_error, &e), 0);
    assert_int_equal(e.n, 0);
    assert_int_equal(l.skipped, 1); /* readme.txt */
    /* A trailing slash on the folder gives no double slash in the children. */
    static const struct want want[] = {
        {"other/dup.log", EXTLS_DIR_UNKNOWN, 0},
        {"tree/SmtpReceive/RECV2023011109-1.LOG", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpReceive/RECV2023011116-10.LOG", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpReceive/nested/deep/x.Log", EXTLS_DIR_RECEIVE, 1},
    };
    check_list(&l, want, sizeof(want) / sizeof(want[0]));
    input_list_release(&l);
}

static void
count_skipped(const char *path, void *user)
{
    (void)path;
    (*(int *)user)++;
}

/* Per argument: folder or not, files skipped by name, files reached again, the input's arg. */
static void
walk_per_argument(void **state)
{
    (void)state;
    char p_dup[600], p_recv[600], p_none[600];
    snprintf(p_dup, sizeof(p_dup), "%s", at("other/dup.log"));
    snprintf(p_recv, sizeof(p_recv), "%s", at("tree/SmtpReceive"));
    snprintf(p_none, sizeof(p_none), "%s", at("no/such/folder"));
    char *paths[] = {p_dup, p_recv, p_dup, p_none};
    struct input_list l;
    struct errs e = {0};
    int skips = 0;
    input_list_init(&l);
    input_list_on_skip(&l, count_skipped, &skips);
    assert_int_equal(walk_paths(&l, paths, 4, on_error, &e), 1);
    assert_int_equal(l.n_args, 4);
    assert_int_equal(skips, 1); /* readme.txt, told to the callback */
    assert_false(l.args[0].is_dir);
    assert_true(l.args[1].is_dir);
    assert_false(l.args[3].is_dir);
    assert_int_equal(l.args[0].skipped, 0);
    assert_int_equal(l.args[1].skipped, 1);
    assert_int_equal(l.args[0].again, 0);
    assert_int_equal(l.args[1].again, 2); /* the link to dup.log, the link back to a folder */
    assert_int_equal(l.args[2].again, 1); /* named twice */
    assert_int_equal(l.args[3].errors, 1);
    assert_int_equal(l.args[1].errors, 0);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.v[i].arg, strstr(l.v[i].path, "other/dup.log") ? 0 : 1);
    input_list_release(&l);
    assert_null(l.args);
    assert_null(l.on_skip);
}

static void
walk_folder_through_loop_link(void **state)
{
    (void)state;
    /* Entering the tree through its own loop link: every folder is still walked once,
     * under the link's path; the hint comes from the nearest SmtpReceive/SmtpSend. */
    char p_up[600];
    snprintf(p_up, sizeof(p_up), "%s", at("tree/SmtpSend/up"));
    char *paths[] = {p_up};
    struct input_list l;
    struct errs e = {0};
    input_list_init(&l);
    assert_int_equal(walk_paths(&l, paths, 1, on_error, &e), 1);
    assert_string_equal(e.path[0], at("tree/SmtpSend/up/SmtpSend/dangling.log"));
    assert_int_equal(e.errnum[0], ENOENT);
    assert_int_equal(l.skipped, 4);
    static const struct want want[] = {
        {"tree/SmtpSend/up/SmtpReceive/RECV2023011109-1.LOG", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpSend/up/SmtpReceive/RECV2023011116-2.LOG", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpSend/up/SmtpReceive/RECV2023011116-10.LOG", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpSend/up/SmtpReceive/nested/deep/x.Log", EXTLS_DIR_RECEIVE, 1},
        {"tree/SmtpSend/up/SmtpSend/SEND20230111-1.log", EXTLS_DIR_SEND, 1},
    };
    check_list(&l, want, sizeof(want) / sizeof(want[0]));
    input_list_release(&l);
}

/* Regression, 2026-11-27: an empty result called qsort() with a NULL array (UBSan). */
static void
walk_empty_folder_and_nothing(void **state)
{
    (void)state;
    char p_empty[600];
    snprintf(p_empty, sizeof(p_empty), "%s", at("tree/empty"));
    char *paths[] = {p_empty};
    struct input_list l;
    struct errs e = {0};
    input_list_init(&l);
    assert_int_equal(walk_paths(&l, paths, 1, on_error, &e), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.skipped, 0);
    assert_int_equal(walk_paths(&l, NULL, 0, on_error, &e), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(e.n, 0);
    input_list_release(&l);
}

static void
walk_named_file_read_whatever_its_name(void **state)
{
    (void)state;
    char p_notes[600], p_readme[600], p_fifo[600];
    snprintf(p_notes, sizeof(p_notes), "%s", at("tree/SmtpSend/notes"));
    snprintf(p_readme, sizeof(p_readme), "%s", at("tree/SmtpReceive/readme.txt"));
    snprintf(p_fifo, sizeof(p_fifo), "%s", at("tree/SmtpSend/pipe.log"));
    char *paths[] = {p_notes, p_readme, p_fifo};
    struct input_list l;
    struct errs e = {0};
    input_list_init(&l);
    assert_int_equal(walk_paths(&l, paths, 3, on_error, &e), 0);
    static const struct want want[] = {
        {"tree/SmtpReceive/readme.txt", EXTLS_DIR_RECEIVE, 0},
        {"tree/SmtpSend/notes", EXTLS_DIR_SEND, 0},
        {"tree/SmtpSend/pipe.log", EXTLS_DIR_SEND, 0},
    };
    check_list(&l, want, sizeof(want) / sizeof(want[0]));
    assert_int_equal(l.skipped, 0);
    input_list_release(&l);
}

/* Folders yield *.log and *.log.gz (any case); sizes come from stat(), -1 when unknown. */
static void
walk_gz_suffix_and_sizes(void **state)
{
    (void)state;
    char p_gz[600], p_fifo[600];
    snprintf(p_gz, sizeof(p_gz), "%s", at("gz"));
    snprintf(p_fifo, sizeof(p_fifo), "%s", at("tree/SmtpSend/pipe.log"));
    char *paths[] = {p_gz, "-", p_fifo};
    struct input_list l;
    struct errs e = {0};
    input_list_init(&l);
    assert_int_equal(walk_paths(&l, paths, 3, on_error, &e), 0);
    /* notes.gz, .log.gz (no name before .log), x.log.gz.bak, z.gz.log.x */
    assert_int_equal(l.skipped, 4);
    static const struct want want[] = {
        {"-", EXTLS_DIR_UNKNOWN, 0},
        {"gz/RECV1.LOG.gz", EXTLS_DIR_RECEIVE, 1},
        {"gz/SEND2.log.GZ", EXTLS_DIR_SEND, 1},
        {"gz/y.LOG", EXTLS_DIR_UNKNOWN, 1},
        {"tree/SmtpSend/pipe.log", EXTLS_DIR_SEND, 0},
    };
    check_list(&l, want, sizeof(want) / sizeof(want[0]));
    static const int64_t sizes[] = {-1, 37, 37, 37, -1}; /* make_file() writes 37 bytes */
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.v[i].size, sizes[i]);
    input_list_release(&l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(natural_cmp_digit_runs_as_numbers),
        cmocka_unit_test(natural_cmp_leading_zeros_and_equal),
        cmocka_unit_test(natural_cmp_text),
        cmocka_unit_test(dir_hint_from_file_name),
        cmocka_unit_test(dir_hint_from_nearest_folder),
        cmocka_unit_test(dir_hint_none),
        cmocka_unit_test(walk_tree_links_skips_errors_and_order),
        cmocka_unit_test(walk_link_named_first_wins),
        cmocka_unit_test(walk_per_argument),
        cmocka_unit_test(walk_folder_through_loop_link),
        cmocka_unit_test(walk_empty_folder_and_nothing),
        cmocka_unit_test(walk_named_file_read_whatever_its_name),
        cmocka_unit_test(walk_gz_suffix_and_sizes),
    };
    return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
