/* SPDX-License-Identifier: MIT */
/*
 * test_lock_inprocess.c: the --state lock within one process, on every
 * system (Linux, and Windows under Wine, where test_lock and its fork()
 * do not run): a second lock on the same state is refused with this
 * process's id, at once or after a bounded wait; the pid is written while
 * held and cleared on release; the lock can be taken again after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"

struct fixture {
    char state[512];    /* the state file's path (never created) */
    char lockfile[520]; /* its lock file */
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = getenv("TEMP"); /* Windows */
    if (!tmp || !*tmp)
        tmp = "/tmp";
    snprintf(f->state, sizeof(f->state), "%s/extls_test_lock_%ld.state", tmp, (long)getpid());
    snprintf(f->lockfile, sizeof(f->lockfile), "%s%s", f->state, LOCK_SUFFIX);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    remove(f->lockfile);
    free(f);
    return 0;
}

/* The lock file's content. */
static void
lockfile_is(const struct fixture *f, const char *want)
{
    char text[64] = "";
    FILE *fp = fopen(f->lockfile, "rb");
    assert_non_null(fp);
    size_t n = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    assert_string_equal(text, want);
}

static void
second_lock_refused_then_free(void **state)
{
    struct fixture *f = *state;
    char pid_line[32], busy[600], waited[600], msg[600];
    snprintf(pid_line, sizeof(pid_line), "%ld\n", (long)getpid());
    snprintf(busy, sizeof(busy), "%s: in use by another extls run (pid %ld)", f->state,
             (long)getpid());
    snprintf(waited, sizeof(waited),
             "%s: still in use by another extls run (pid %ld) after waiting 150ms", f->state,
             (long)getpid());
    assert_int_equal(3 * LOCK_POLL_MS, 150);

    struct lock *a = NULL, *b = (struct lock *)1;
    assert_int_equal(lock_acquire(&a, f->state, 0, msg, sizeof(msg)), EXTLS_OK);
    assert_non_null(a);
    lockfile_is(f, pid_line);

    assert_int_equal(lock_acquire(&b, f->state, 0, msg, sizeof(msg)), EXTLS_EBUSY);
    assert_null(b);
    assert_string_equal(msg, busy);
    msg[0] = '\0';
    assert_int_equal(lock_acquire(&b, f->state, 3 * LOCK_POLL_MS, msg, sizeof(msg)), EXTLS_EBUSY);
    assert_string_equal(msg, waited);
    lockfile_is(f, pid_line); /* a refused attempt leaves the holder's pid */

    lock_release(a);
    lockfile_is(f, "");
    assert_int_equal(lock_acquire(&b, f->state, 0, msg, sizeof(msg)), EXTLS_OK);
    lockfile_is(f, pid_line);
    lock_release(b);
    lockfile_is(f, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(second_lock_refused_then_free, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
