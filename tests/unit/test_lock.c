/* SPDX-License-Identifier: MIT */
/*
 * test_lock.c: the --state lock: exclusive between processes, the holder's
 * pid in the message and the file, a bounded wait, released on
 * lock_release() and when the holder is killed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lock.h"

struct fixture {
    char dir[64];
    char state[128];
    char lockfile[160];
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_lock_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->state, sizeof(f->state), "%s/S", f->dir);
    snprintf(f->lockfile, sizeof(f->lockfile), "%s/S.lock", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    unlink(f->lockfile);
    rmdir(f->dir);
    free(f);
    return 0;
}

static long
file_pid(const char *path)
{
    FILE *fp = fopen(path, "r");
    char line[32] = "";
    if (!fp)
        return -1;
    if (!fgets(line, sizeof(line), fp))
        line[0] = '\0';
    fclose(fp);
    return strtol(line, NULL, 10); /* 0 for an empty file */
}

/*
 * In a child process: try to take the lock (waiting wait_ms); exit 0 when
 * taken, 1 when busy with the expected message naming `holder`, 2 else.
 */
static int
child_try(const char *state_path, int64_t wait_ms, pid_t holder)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct lock *l = NULL;
        char msg[256], want[256];
        enum extls_status st = lock_acquire(&l, state_path, wait_ms, msg, sizeof(msg));
        /* After a wait the message says so, in the option's units (only 120 ms waits here). */
        const char *waited = wait_ms > 0 ? " after waiting 120ms" : "";
        assert_true(wait_ms == 0 || wait_ms == 120);
        snprintf(want, sizeof(want), "%s: %sin use by another extls run (pid %ld)%s", state_path,
                 wait_ms > 0 ? "still " : "", (long)holder, waited);
        if (st == EXTLS_OK)
            _exit(l ? 0 : 2);
        if (st == EXTLS_EBUSY && !l && strcmp(msg, want) == 0)
            _exit(1);
        fprintf(stderr, "child: status %d, message \"%s\"\n", (int)st, msg);
        _exit(2);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void
exclusive_and_released(void **state)
{
    struct fixture *f = *state;
    struct lock *l = NULL;
    char msg[256] = "";
    assert_int_equal(lock_acquire(&l, f->state, 0, msg, sizeof(msg)), EXTLS_OK);
    assert_non_null(l);
    assert_int_equal(file_pid(f->lockfile), (long)getpid());
    assert_int_equal(child_try(f->state, 0, getpid()), 1);   /* busy at once */
    assert_int_equal(child_try(f->state, 120, getpid()), 1); /* busy after waiting */
    lock_release(l);
    assert_int_equal(file_pid(f->lockfile), 0); /* the pid is cleared, the file stays */
    assert_int_equal(child_try(f->state, 0, 0), 0);
    lock_release(NULL);
}

/* A holder that dies (kill -9) leaves no lock behind; a waiter gets it when it is released. */
static void
dead_holder_never_blocks(void **state)
{
    struct fixture *f = *state;
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t holder = fork();
    assert_true(holder >= 0);
    if (holder == 0) {
        struct lock *l = NULL;
        char msg[256];
        if (lock_acquire(&l, f->state, 0, msg, sizeof(msg)) != EXTLS_OK)
            _exit(2);
        (void)!write(ready[1], "x", 1);
        for (;;)
            pause();
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(child_try(f->state, 0, holder), 1);
    kill(holder, SIGKILL);
    waitpid(holder, NULL, 0);
    assert_int_equal(file_pid(f->lockfile), (long)holder); /* stale content... */
    struct lock *l = NULL;
    char msg[256];
    assert_int_equal(lock_acquire(&l, f->state, 0, msg, sizeof(msg)), EXTLS_OK); /* ...no lock */
    lock_release(l);
    close(ready[0]);
    close(ready[1]);
}

static void
missing_folder_is_an_error(void **state)
{
    (void)state;
    struct lock *l = (struct lock *)1;
    char msg[256] = "";
    assert_int_equal(lock_acquire(&l, "/nonexistent-folder/S", 0, msg, sizeof(msg)), EXTLS_EIO);
    assert_null(l);
    assert_string_equal(msg, "/nonexistent-folder/S.lock: cannot create the lock file: No such "
                             "file or directory");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(exclusive_and_released, setup, teardown),
        cmocka_unit_test_setup_teardown(dead_holder_never_blocks, setup, teardown),
        cmocka_unit_test(missing_folder_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
