/* SPDX-License-Identifier: MIT */
/*
 * test_outfile.c: the --output file: replaced only when complete, the old
 * one kept when the report is not committed, special files refused.
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

#include "outfile.h"

struct fixture {
    char dir[64];
    char path[96];
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_outfile_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/report.html", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir); /* fails, and the test with it, if a temporary file was left */
    free(f);
    return 0;
}

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
replaced_when_complete(void **state)
{
    struct fixture *f = *state;
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs("previous", fp);
    fclose(fp);
    struct outfile *o = NULL;
    char msg[256] = "";
    assert_int_equal(outfile_open(&o, f->path, msg, sizeof(msg)), EXTLS_OK);
    char want[128];
    snprintf(want, sizeof(want), "%s.tmp.%ld", f->path, (long)getpid());
    assert_string_equal(outfile_temp(o), want);
    assert_string_equal(outfile_path(o), f->path);
    fputs("new report", outfile_stream(o));
    assert_string_equal(text_of(f->path), "previous"); /* not yet */
    assert_int_equal(outfile_finish(o, msg, sizeof(msg)), EXTLS_OK);
    assert_string_equal(text_of(f->path), "previous");
    assert_int_equal(outfile_commit(o, msg, sizeof(msg)), EXTLS_OK);
    assert_string_equal(text_of(f->path), "new report");
    outfile_free(o);
    assert_int_not_equal(access(want, F_OK), 0);
    outfile_free(NULL);
}

static void
not_committed_keeps_the_old_report(void **state)
{
    struct fixture *f = *state;
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs("previous", fp);
    fclose(fp);
    struct outfile *o = NULL;
    char msg[256] = "";
    assert_int_equal(outfile_open(&o, f->path, msg, sizeof(msg)), EXTLS_OK);
    fputs("half a rep", outfile_stream(o));
    outfile_free(o); /* a failed run: the temporary file goes */
    assert_string_equal(text_of(f->path), "previous");
}

static void
special_files_refused(void **state)
{
    struct fixture *f = *state;
    struct outfile *o = (struct outfile *)1;
    char msg[256] = "";
    assert_int_equal(outfile_open(&o, "/dev/null", msg, sizeof(msg)), EXTLS_EINVAL);
    assert_null(o);
    assert_string_equal(msg, "/dev/null: not a regular file: --output replaces its file by a new "
                             "one, so name a file, not a device, folder or link");
    assert_int_equal(outfile_open(&o, f->dir, msg, sizeof(msg)), EXTLS_EINVAL);
    assert_int_equal(symlink("elsewhere", f->path), 0);
    assert_int_equal(outfile_open(&o, f->path, msg, sizeof(msg)), EXTLS_EINVAL);
    assert_int_equal(outfile_open(&o, "/nonexistent-folder/r", msg, sizeof(msg)), EXTLS_EIO);
    char want[256];
    snprintf(want, sizeof(want),
             "/nonexistent-folder/r.tmp.%ld: cannot create the report's temporary file: No such "
             "file or directory",
             (long)getpid());
    assert_string_equal(msg, want);
}

static void
stream_synced(void **state)
{
    (void)state;
    char msg[256] = "";
    FILE *fp = tmpfile();
    assert_non_null(fp);
    fputs("report", fp);
    assert_int_equal(outfile_sync_stream(fp, msg, sizeof(msg)), EXTLS_OK);
    fclose(fp);
    fp = fopen("/dev/full", "w");
    if (fp) { /* Linux */
        fputs("report", fp);
        assert_int_equal(outfile_sync_stream(fp, msg, sizeof(msg)), EXTLS_EIO);
        assert_string_equal(msg, "cannot write output: No space left on device");
        fclose(fp);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(replaced_when_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(not_committed_keeps_the_old_report, setup, teardown),
        cmocka_unit_test_setup_teardown(special_files_refused, setup, teardown),
        cmocka_unit_test(stream_synced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
