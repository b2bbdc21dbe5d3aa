/* SPDX-License-Identifier: MIT */
/*
 * test_commit.c: renames made as one through a journal: applied, recovered
 * after an interruption (some renames made, some not), a damaged
 * journal refused, and the temporary files of killed runs removed.
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
#include <sys/wait.h>
#include <unistd.h>

#include "commit.h"
#include "platform.h"

struct fixture {
    char dir[64];
    char a[96], a_tmp[96], b[96], b_tmp[96], journal[96];
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_commit_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->a, sizeof(f->a), "%s/report", f->dir);
    snprintf(f->a_tmp, sizeof(f->a_tmp), "%s/report.tmp.1", f->dir);
    snprintf(f->b, sizeof(f->b), "%s/S", f->dir);
    snprintf(f->b_tmp, sizeof(f->b_tmp), "%s/S.tmp.1", f->dir);
    snprintf(f->journal, sizeof(f->journal), "%s/S.commit", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    const char *all[] = {f->a, f->a_tmp, f->b, f->b_tmp, f->journal};
    for (size_t i = 0; i < 5; i++)
        unlink(all[i]);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void
spill(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* The file's text ("" when missing). */
static const char *
text_of(const char *path)
{
    static char buf[256];
    buf[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (fp) {
        size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
        buf[n] = '\0';
        fclose(fp);
    }
    return buf;
}

static void
applied_together(void **state)
{
    struct fixture *f = *state;
    spill(f->a, "old report");
    spill(f->b, "old state");
    spill(f->a_tmp, "new report");
    spill(f->b_tmp, "new state");
    struct commit c;
    commit_init(&c);
    commit_add(&c, f->a_tmp, f->a);
    commit_add(&c, f->b_tmp, f->b);
    int committed = 0;
    char msg[256] = "";
    assert_int_equal(commit_apply(&c, f->journal, &committed, msg, sizeof(msg)), EXTLS_OK);
    assert_int_equal(committed, 1);
    assert_string_equal(text_of(f->a), "new report");
    assert_string_equal(text_of(f->b), "new state");
    assert_int_not_equal(access(f->journal, F_OK), 0);
    assert_int_not_equal(access(f->a_tmp, F_OK), 0);
    size_t done = 9;
    assert_int_equal(commit_recover(f->journal, &done, msg, sizeof(msg)), EXTLS_OK);
    assert_int_equal(done, 0); /* no journal: nothing to do */
}

/* A crash after the journal and the first rename: recovery makes the second. */
static void
recovered_after_a_crash(void **state)
{
    struct fixture *f = *state;
    spill(f->a, "new report"); /* renamed before the crash */
    spill(f->b, "old state");
    spill(f->b_tmp, "new state");
    char journal[512];
    size_t len = 0;
    const char *parts[] = {"extls-commit-1", f->a_tmp, f->a, f->b_tmp, f->b, ""};
    for (size_t i = 0; i < 6; i++) {
        memcpy(journal + len, parts[i], strlen(parts[i]) + 1);
        len += strlen(parts[i]) + 1;
    }
    FILE *fp = fopen(f->journal, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(journal, 1, len, fp), len);
    fclose(fp);
    size_t done = 0;
    char msg[256] = "";
    assert_int_equal(commit_recover(f->journal, &done, msg, sizeof(msg)), EXTLS_OK);
    assert_int_equal(done, 1);
    assert_string_equal(text_of(f->a), "new report");
    assert_string_equal(text_of(f->b), "new state");
    assert_int_not_equal(access(f->journal, F_OK), 0);

    /* Cut before its end: refused, left in place. */
    fp = fopen(f->journal, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(journal, 1, len - 1, fp), len - 1);
    fclose(fp);
    assert_int_equal(commit_recover(f->journal, &done, msg, sizeof(msg)), EXTLS_EPARSE);
    char want_bad[512];
    snprintf(want_bad, sizeof(want_bad),
             "%s: not an extls commit journal (damaged?); if no extls run is going, remove it",
             f->journal);
    assert_string_equal(msg, want_bad);
    assert_int_equal(access(f->journal, F_OK), 0);
    spill(f->journal, "something else");
    assert_int_equal(commit_recover(f->journal, &done, msg, sizeof(msg)), EXTLS_EPARSE);
}

/* A failure before the commit point changes nothing. */
static void
failure_before_the_journal_changes_nothing(void **state)
{
    struct fixture *f = *state;
    spill(f->a, "old report");
    spill(f->a_tmp, "new report");
    struct commit c;
    commit_init(&c);
    commit_add(&c, f->a_tmp, f->a);
    int committed = 1;
    char msg[256] = "";
    assert_int_equal(commit_apply(&c, "/nonexistent-folder/S.commit", &committed, msg, sizeof(msg)),
                     EXTLS_EIO);
    assert_int_equal(committed, 0);
    char want[256];
    snprintf(want, sizeof(want),
             "/nonexistent-folder/S.commit.tmp.%ld: cannot create the commit journal: No such "
             "file or directory",
             (long)getpid());
    assert_string_equal(msg, want);
    assert_string_equal(text_of(f->a), "old report");
    assert_string_equal(text_of(f->a_tmp), "new report");
}

/*
 * A rename that fails after the commit point leaves the journal, with
 * absolute paths (the next run may start elsewhere), for the next run.
 */
static void
failure_after_the_journal_is_left_for_recovery(void **state)
{
    struct fixture *f = *state;
    char cwd[4096], dir_final[128], inside[160], want[256];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(f->dir), 0);
    spill("r.tmp.1", "new report");
    snprintf(dir_final, sizeof(dir_final), "%s/busy", f->dir);
    snprintf(inside, sizeof(inside), "%s/busy/x", f->dir);
    assert_int_equal(mkdir(dir_final, 0700), 0);
    spill(inside, "x"); /* a non-empty folder cannot be replaced by a file */
    struct commit c;
    commit_init(&c);
    commit_add(&c, "r.tmp.1", "busy");
    int committed = 0;
    char msg[256] = "";
    assert_int_equal(commit_apply(&c, "S.commit", &committed, msg, sizeof(msg)), EXTLS_EIO);
    assert_int_equal(committed, 1);
    assert_int_equal(strncmp(msg, "busy: cannot replace: ", 22), 0);
    FILE *fp = fopen(f->journal, "rb");
    assert_non_null(fp);
    char journal[512];
    size_t len = fread(journal, 1, sizeof(journal), fp);
    fclose(fp);
    snprintf(want, sizeof(want), "extls-commit-1%c%s/r.tmp.1%c%s/busy%c", 0, f->dir, 0, f->dir, 0);
    size_t want_len = strlen("extls-commit-1") + 1 + strlen(f->dir) + 9 + strlen(f->dir) + 6 + 1;
    assert_int_equal(len, want_len);
    assert_memory_equal(journal, want, want_len);
    /* The folder made way: the next run completes the commit. */
    assert_int_equal(unlink(inside), 0);
    assert_int_equal(rmdir(dir_final), 0);
    assert_int_equal(chdir("/"), 0); /* another working folder */
    size_t done = 0;
    assert_int_equal(commit_recover(f->journal, &done, msg, sizeof(msg)), EXTLS_OK);
    assert_int_equal(done, 1);
    assert_string_equal(text_of(dir_final), "new report");
    assert_int_not_equal(access(f->journal, F_OK), 0);
    unlink(dir_final);
    assert_int_equal(chdir(cwd), 0);
}

/* A process id that existed and no longer does: a child, exited and reaped. */
static long
dead_pid(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return (long)pid;
}

static void
processes_alive_or_not(void **state)
{
    (void)state;
    assert_int_equal(platform_process_alive((long)getpid()), 1);
    assert_int_equal(platform_process_alive(1), 1); /* init: another user's, still alive */
    assert_int_equal(platform_process_alive(dead_pid()), 0);
    assert_int_equal(platform_process_alive(0), 0);
    assert_int_equal(platform_process_alive(-5), 0);
}

/*
 * Temporary files of killed runs beside a final name: every one but this
 * process's own (any pid), or only those of processes gone (dead pid);
 * other names, folders and links are left alone.
 */
static void
stale_temporaries_removed(void **state)
{
    struct fixture *f = *state;
    char keep[12][128], gone[3][128];
    long dead = dead_pid(), live = (long)getppid();
    /* Removed with COMMIT_STALE_DEAD_PID already. */
    snprintf(gone[0], sizeof(gone[0]), "%s/S.tmp.%ld", f->dir, dead);
    snprintf(gone[1], sizeof(gone[1]), "%s/S.tmp.%ld", f->dir, 999999999L); /* no such pid */
    /* Removed only with COMMIT_STALE_ANY_PID: a live process's. */
    snprintf(gone[2], sizeof(gone[2]), "%s/S.tmp.%ld", f->dir, live);
    /* Never removed. */
    size_t n_keep = 0;
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/S.tmp.%ld", f->dir, (long)getpid()); /* ours */
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/S", f->dir);
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/S.tmp.", f->dir);
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/S.tmp.12x", f->dir);
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/S.tmp.-12", f->dir);
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/S.tmpx.%ld", f->dir, dead);
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/XS.tmp.%ld", f->dir, dead);
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/S.commit.tmp.%ld", f->dir,
             dead);                                                            /* another base */
    snprintf(keep[n_keep++], sizeof(keep[0]), "%s/S.tmp.12345678901", f->dir); /* 11 digits */
    for (size_t i = 0; i < 3; i++)
        spill(gone[i], "x");
    for (size_t i = 0; i < n_keep; i++)
        spill(keep[i], "x");
    char folder[128], link[128];
    snprintf(folder, sizeof(folder), "%s/S.tmp.%ld", f->dir, dead + 1000000L);
    snprintf(link, sizeof(link), "%s/S.tmp.%ld", f->dir, dead + 2000000L);
    assert_int_equal(mkdir(folder, 0700), 0);
    assert_int_equal(symlink("S", link), 0);

    assert_int_equal(commit_remove_stale(f->b, COMMIT_STALE_DEAD_PID), 2);
    assert_int_not_equal(access(gone[0], F_OK), 0);
    assert_int_not_equal(access(gone[1], F_OK), 0);
    assert_int_equal(access(gone[2], F_OK), 0); /* a live process's: left */
    assert_int_equal(commit_remove_stale(f->b, COMMIT_STALE_ANY_PID), 1);
    assert_int_not_equal(access(gone[2], F_OK), 0);
    for (size_t i = 0; i < n_keep; i++) {
        if (access(keep[i], F_OK) != 0)
            fail_msg("%s was removed", keep[i]);
        unlink(keep[i]);
    }
    struct stat sb;
    assert_int_equal(lstat(folder, &sb), 0);
    assert_int_equal(lstat(link, &sb), 0);
    rmdir(folder);
    unlink(link);
    /* A relative name: the working folder. */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(f->dir), 0);
    spill(gone[0], "x");
    assert_int_equal(commit_remove_stale("S", COMMIT_STALE_DEAD_PID), 1);
    assert_int_not_equal(access(gone[0], F_OK), 0);
    assert_int_equal(chdir(cwd), 0);
    /* A folder that cannot be listed: nothing, no error. */
    assert_int_equal(commit_remove_stale("/nonexistent-folder/S", COMMIT_STALE_ANY_PID), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(applied_together, setup, teardown),
        cmocka_unit_test(processes_alive_or_not),
        cmocka_unit_test_setup_teardown(stale_temporaries_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(recovered_after_a_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(failure_before_the_journal_changes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(failure_after_the_journal_is_left_for_recovery, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
