/* SPDX-License-Identifier: MIT */
/*
 * test_platform.c: the platform module, on the system it was built for
 * (Linux, and Windows under Wine): names in any language, paths longer
 * than 260 characters, file identity, reading a file another handle is
 * writing, reading at an offset, atomic replace, address parsing as POSIX inet_pton() does it,
 * POSIX TZ rules, memory streams; on Windows also drive letters,
 * backslashes and the \\?\ prefix.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform.h"
#include "walk.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#endif

/* A fresh scratch folder (in the system's temporary folder) per test. */
struct scratch {
    char dir[512];
};

static int
setup(void **state)
{
    struct scratch *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    const char *tmp = getenv("TMPDIR");
#ifdef _WIN32
    tmp = getenv("TEMP"); /* C:\users\...\Temp: a drive letter and backslashes */
#endif
    if (!tmp || !*tmp)
        tmp = "/tmp";
    /* Wine reuses small process ids: a folder left by an interrupted run of
     * another process with this id is passed over, not taken as failure. */
    static unsigned n;
    int rc;
    do {
        snprintf(s->dir, sizeof(s->dir), "%s/extls-platform-%ld-%u", tmp, (long)getpid(), n++);
        rc = platform_mkdir(s->dir);
    } while (rc != 0 && errno == EEXIST && n < 1000);
    if (rc != 0) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

/* Remove path and everything below it. */
static void
remove_tree(const char *path)
{
    struct platform_stat st;
    if (platform_stat(path, &st) != 0)
        return;
    if (st.kind == PLATFORM_DIR) {
        struct platform_dir *d = platform_dir_open(path);
        const char *name;
        while (d && platform_dir_next(d, &name) == 1) {
            size_t n = strlen(path) + strlen(name) + 2;
            char *child = malloc(n);
            if (!child)
                break;
            snprintf(child, n, "%s/%s", path, name);
            remove_tree(child);
            free(child);
        }
        platform_dir_close(d);
        platform_rmdir(path);
    } else {
        platform_unlink(path);
    }
}

static int
teardown(void **state)
{
    struct scratch *s = *state;
    remove_tree(s->dir);
    free(s);
    return 0;
}

/* Write `text` to a new file at path. */
static void
write_file(const char *path, const char *text)
{
    int fd = platform_open_write(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
    assert_int_equal(platform_fsync(fd), 0);
    assert_int_equal(close(fd), 0);
}

/* The whole file at path, NUL-terminated, into buf (cap bytes). */
static void
read_file(const char *path, char *buf, size_t cap)
{
    int fd = platform_open_read(path);
    assert_true(fd >= 0);
    size_t got = 0;
    for (;;) {
        int n = (int)read(fd, buf + got, (unsigned)(cap - 1 - got));
        assert_true(n >= 0);
        if (n == 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    close(fd);
}

static void
walk_err(const char *path, int errnum, void *user)
{
    (void)user;
    fail_msg("walk: %s: %s", path, strerror(errnum));
}

/* Names in any language: created, listed, read and walked in UTF-8. */
static void
names_in_any_language(void **state)
{
    struct scratch *s = *state;
    static const char folder[] = "Pr\xc3\xbc"
                                 "fung \xe6\x97\xa5\xe6\x9c\xac \xd0\x9b\xd0\xbe\xd0\xb3";
    static const char file[] = "RECV2023011115-\xc3\xa9\xe2\x82\xac.LOG";
    char sub[1024], path[1200];
    snprintf(sub, sizeof(sub), "%s/%s", s->dir, folder);
    snprintf(path, sizeof(path), "%s/%s", sub, file);
    assert_int_equal(platform_mkdir(sub), 0);
    write_file(path, "hello");

    struct platform_dir *d = platform_dir_open(sub);
    assert_non_null(d);
    const char *name;
    assert_int_equal(platform_dir_next(d, &name), 1);
    assert_string_equal(name, file);
    assert_int_equal(platform_dir_next(d, &name), 0);
    platform_dir_close(d);

    struct platform_stat st;
    assert_int_equal(platform_stat(path, &st), 0);
    assert_int_equal(st.kind, PLATFORM_FILE);
    assert_int_equal(st.size, 5);
    char buf[64];
    read_file(path, buf, sizeof(buf));
    assert_string_equal(buf, "hello");

    struct input_list l;
    input_list_init(&l);
    char *paths[] = {s->dir};
    assert_int_equal(walk_paths(&l, paths, 1, walk_err, NULL), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].path, path);
    assert_int_equal(l.v[0].hint, EXTLS_DIR_RECEIVE);
    input_list_release(&l);
}

/* Paths far longer than Windows' historical 260 characters. */
static void
long_paths(void **state)
{
    struct scratch *s = *state;
    char path[2048];
    size_t n = (size_t)snprintf(path, sizeof(path), "%s", s->dir);
    for (int level = 0; level < 8; level++) {
        n += (size_t)snprintf(path + n, sizeof(path) - n,
                              "/folder-%d-with-a-rather-long-name-to-pass-the-limit", level);
        assert_int_equal(platform_mkdir(path), 0);
    }
    snprintf(path + n, sizeof(path) - n, "/SEND20230111-1.log");
    assert_true(strlen(path) > 400);
    write_file(path, "long");
    char buf[16];
    read_file(path, buf, sizeof(buf));
    assert_string_equal(buf, "long");
    struct platform_stat st;
    assert_int_equal(platform_stat(path, &st), 0);
    assert_int_equal(st.size, 4);

    struct input_list l;
    input_list_init(&l);
    char *paths[] = {s->dir};
    assert_int_equal(walk_paths(&l, paths, 1, walk_err, NULL), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].path, path);
    assert_int_equal(l.v[0].hint, EXTLS_DIR_SEND);
    input_list_release(&l);
}

/* One file under two spellings is one identity; another file is another. */
static void
file_identity(void **state)
{
    struct scratch *s = *state;
    char a[600], a2[600], b[600];
    snprintf(a, sizeof(a), "%s/a.log", s->dir);
    snprintf(a2, sizeof(a2), "%s/./a.log", s->dir);
    snprintf(b, sizeof(b), "%s/b.log", s->dir);
    write_file(a, "a");
    write_file(b, "b");
    struct platform_stat sa, sa2, sb, sf;
    assert_int_equal(platform_stat(a, &sa), 0);
    assert_int_equal(platform_stat(a2, &sa2), 0);
    assert_int_equal(platform_stat(b, &sb), 0);
    assert_true(sa.dev == sa2.dev && sa.ino == sa2.ino);
    assert_false(sa.dev == sb.dev && sa.ino == sb.ino);
    int fd = platform_open_read(a);
    assert_true(fd >= 0);
    assert_int_equal(platform_fstat(fd, &sf), 0);
    close(fd);
    assert_true(sf.dev == sa.dev && sf.ino == sa.ino);
    assert_int_equal(sf.kind, PLATFORM_FILE);

    /* Given twice under two spellings, read once. */
    struct input_list l;
    input_list_init(&l);
    char *paths[] = {a, a2};
    assert_int_equal(walk_paths(&l, paths, 2, walk_err, NULL), 0);
    assert_int_equal(l.n, 1);
    input_list_release(&l);

    struct platform_stat sd;
    assert_int_equal(platform_stat(s->dir, &sd), 0);
    assert_int_equal(sd.kind, PLATFORM_DIR);
    errno = 0;
    assert_int_equal(platform_stat("no-such-file.log", &sd), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(platform_open_read("no-such-file.log"), -1);
    assert_int_equal(errno, ENOENT);
}

/*
 * A log another handle holds open for writing (as Exchange does) can be
 * read, and what is appended meanwhile is read too.
 */
static void
read_while_written(void **state)
{
    struct scratch *s = *state;
    char path[600];
    snprintf(path, sizeof(path), "%s/RECV2023011115-1.LOG", s->dir);
#ifdef _WIN32
    /* As Exchange writes its logs: others may read, not write nor delete. */
    wchar_t wpath[600];
    assert_true(MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, 600) > 0);
    HANDLE h = CreateFileW(wpath, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    int wfd = _open_osfhandle((intptr_t)h, _O_WRONLY | _O_BINARY);
#else
    int wfd = platform_open_write(path);
#endif
    assert_true(wfd >= 0);
    assert_int_equal(write(wfd, "first\n", 6), 6);
    int rfd = platform_open_read(path);
    assert_true(rfd >= 0);
    /* It grows after the reader opened it: the reader reads on to the new end. */
    assert_int_equal(write(wfd, "second\n", 7), 7);
    char buf[64];
    size_t got = 0;
    for (int n; (n = (int)read(rfd, buf + got, (unsigned)(sizeof(buf) - got))) > 0;)
        got += (size_t)n;
    assert_int_equal(got, 13);
    assert_memory_equal(buf, "first\nsecond\n", 13);
    struct platform_stat st;
    assert_int_equal(platform_fstat(rfd, &st), 0);
    assert_int_equal(st.size, 13);
    close(rfd);
    close(wfd);
}

/*
 * platform_pread() reads at any offset of a file another handle writes,
 * sees it grow, and gives 0 at its end and past it.
 */
static void
read_at_offsets(void **state)
{
    struct scratch *s = *state;
    char path[600];
    snprintf(path, sizeof(path), "%s/RECV2023011116-1.LOG", s->dir);
    int wfd = platform_open_write(path);
    assert_true(wfd >= 0);
    assert_int_equal(write(wfd, "0123456789", 10), 10);
    int rfd = platform_open_read(path);
    assert_true(rfd >= 0);
    char buf[32];
    assert_int_equal(platform_pread(rfd, buf, 4, 3), 4);
    assert_memory_equal(buf, "3456", 4);
    assert_int_equal(platform_pread(rfd, buf, sizeof(buf), 8), 2);
    assert_memory_equal(buf, "89", 2);
    assert_int_equal(platform_pread(rfd, buf, sizeof(buf), 10), 0);
    assert_int_equal(platform_pread(rfd, buf, sizeof(buf), 1000), 0);
    assert_int_equal(write(wfd, "abc", 3), 3);
    assert_int_equal(platform_pread(rfd, buf, sizeof(buf), 9), 4);
    assert_memory_equal(buf, "9abc", 4);
    assert_int_equal(platform_pread(rfd, buf, 1, 0), 1);
    assert_memory_equal(buf, "0", 1);
    close(rfd);
    close(wfd);
    assert_int_equal(platform_pread(-1, buf, 1, 0), -1);
}

/* platform_replace() puts the new file in place of the old one. */
static void
atomic_replace(void **state)
{
    struct scratch *s = *state;
    char dst[600], tmp[600];
    snprintf(dst, sizeof(dst), "%s/extls.state", s->dir);
    snprintf(tmp, sizeof(tmp), "%s/extls.state.tmp", s->dir);
    write_file(dst, "old");
    write_file(tmp, "new contents");
    assert_int_equal(platform_replace(tmp, dst), 0);
    char buf[64];
    read_file(dst, buf, sizeof(buf));
    assert_string_equal(buf, "new contents");
    struct platform_stat st;
    assert_int_equal(platform_stat(tmp, &st), -1);
    assert_int_equal(errno, ENOENT);
    /* Onto a path that does not exist yet. */
    snprintf(dst, sizeof(dst), "%s/fresh.state", s->dir);
    write_file(tmp, "first");
    assert_int_equal(platform_replace(tmp, dst), 0);
    read_file(dst, buf, sizeof(buf));
    assert_string_equal(buf, "first");
}

/* Opening modes: a new file only if absent; read-write keeps the contents. */
static void
create_modes(void **state)
{
    struct scratch *s = *state;
    char path[600];
    snprintf(path, sizeof(path), "%s/out.json", s->dir);
    int fd = platform_open_new(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "12345", 5), 5);
    assert_int_equal(close(fd), 0);
    assert_int_equal(platform_open_new(path), -1);
    assert_int_equal(errno, EEXIST);
    fd = platform_open_rw(path);
    assert_true(fd >= 0);
    char buf[16];
    assert_int_equal(read(fd, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "12345", 5);
    close(fd);
    char other[600];
    snprintf(other, sizeof(other), "%s/x.lock", s->dir);
    fd = platform_open_rw(other); /* created when missing */
    assert_true(fd >= 0);
    close(fd);
    struct platform_stat st;
    assert_int_equal(platform_stat(other, &st), 0);
    assert_int_equal(st.size, 0);
    assert_int_equal(platform_rename(other, path), 0); /* replaces */
    assert_int_equal(platform_stat(path, &st), 0);
    assert_int_equal(st.size, 0);
    platform_sync_folder_of(path);
}

/* Absolute paths, and lstat() of files and folders. */
static void
absolute_and_lstat(void **state)
{
    struct scratch *s = *state;
    char *abs = platform_absolute("RECV2023011115-1.LOG");
    assert_non_null(abs);
    size_t n = strlen(abs);
    assert_true(n > 21 && platform_is_sep(abs[n - 21]));
    assert_string_equal(abs + n - 20, "RECV2023011115-1.LOG");
#ifdef _WIN32
    assert_true(abs[1] == ':' || (abs[0] == '\\' && abs[1] == '\\'));
#else
    assert_true(abs[0] == '/');
#endif
    free(abs);
    abs = platform_absolute(s->dir);
    assert_non_null(abs);
    struct platform_stat a, b;
    assert_int_equal(platform_stat(abs, &a), 0);
    assert_int_equal(platform_lstat(s->dir, &b), 0);
    assert_int_equal(b.kind, PLATFORM_DIR);
    assert_true(a.dev == b.dev && a.ino == b.ino);
    free(abs);
    char path[600];
    snprintf(path, sizeof(path), "%s/f.log", s->dir);
    write_file(path, "x");
    assert_int_equal(platform_lstat(path, &b), 0);
    assert_int_equal(b.kind, PLATFORM_FILE);
    assert_int_equal(b.size, 1);
}

/* Numeric addresses, accepted and refused exactly as POSIX inet_pton(). */
static void
addresses(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int len;
    } cases[] = {
        {"192.0.2.1", 4},
        {"0.0.0.0", 4},
        {"255.255.255.255", 4},
        {"256.0.0.1", 0},
        {"01.2.3.4", 0},
        {"1.2.3", 0},
        {"1.2.3.4.5", 0},
        {"1.2.3.4 ", 0},
        {" 1.2.3.4", 0},
        {"1..2.3", 0},
        {"", 0},
        {"::", 16},
        {"::1", 16},
        {"2001:db8::1", 16},
        {"2001:DB8:0:0:8:800:200C:417A", 16},
        {"1:2:3:4:5:6:7:8", 16},
        {"1:2:3:4:5:6:7:8:9", 0},
        {"1:2:3:4:5:6:7::", 16},
        {"::2:3:4:5:6:7:8", 16},
        {"1::2::3", 0},
        {":1:2:3:4:5:6:7", 0},
        {"1:2:3:4:5:6:7:", 0},
        {"12345::1", 0},
        {"::ffff:192.0.2.1", 16},
        {"1:2:3:4:5:6:1.2.3.4", 16},
        {"1:2:3:4:5:6:7:1.2.3.4", 0},
        {"::1.2.3", 0},
        {"::01.2.3.4", 0},
        {"fe80::1%1", 0},
        {"g::1", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned char out[16];
        int got = platform_parse_ip(cases[i].text, out);
        if (got != cases[i].len)
            fail_msg("'%s': %d, want %d", cases[i].text, got, cases[i].len);
    }
    unsigned char out[16];
    static const unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                         0,    0,    0,    0,    0, 0, 0, 0x01};
    assert_int_equal(platform_parse_ip("2001:db8::1", out), 16);
    assert_memory_equal(out, v6, 16);
    static const unsigned char mapped[16] = {0, 0, 0,    0,    0,   0, 0, 0,
                                             0, 0, 0xff, 0xff, 192, 0, 2, 1};
    assert_int_equal(platform_parse_ip("::ffff:192.0.2.1", out), 16);
    assert_memory_equal(out, mapped, 16);
    static const unsigned char v4[4] = {198, 51, 100, 7};
    assert_int_equal(platform_parse_ip("198.51.100.7", out), 4);
    assert_memory_equal(out, v4, 4);
}

/* Local time of instant t (seconds) in zone tz, as "YYYY-MM-DD HH:MM:SS". */
static void
local_is(const char *tz, int64_t t, const char *want)
{
    assert_int_equal(setenv("TZ", tz, 1), 0);
    tzset();
    struct tm tm;
    assert_int_equal(platform_localtime((time_t)t, &tm), 0);
    char got[64];
    snprintf(got, sizeof(got), "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (strcmp(got, want) != 0)
        fail_msg("TZ=%s at %lld: %s, want %s", tz, (long long)t, got, want);
}

/* TZ in the POSIX form, on both systems. */
static void
posix_tz_rules(void **state)
{
    (void)state;
    static const char cet[] = "CET-1CEST,M3.5.0,M10.5.0/3";
    local_is(cet, 1673438400, "2023-01-11 13:00:00");       /* 2023-01-11T12:00Z */
    local_is(cet, 1679792399, "2023-03-26 01:59:59");       /* 00:59:59Z, last second of CET */
    local_is(cet, 1679792400, "2023-03-26 03:00:00");       /* 01:00Z: CEST */
    local_is(cet, 1698541199, "2023-10-29 02:59:59");       /* 00:59:59Z, last of CEST */
    local_is(cet, 1698541200, "2023-10-29 02:00:00");       /* 01:00Z: CET again */
    local_is("EST5EDT", 1678604400, "2023-03-12 03:00:00"); /* US rules by default; 07:00Z */
    local_is("<+0545>-5:45", 0, "1970-01-01 05:45:00");
    local_is("AEST-10AEDT,M10.1.0,M4.1.0/3", 1680364799, "2023-04-02 02:59:59"); /* AEDT */
    local_is("AEST-10AEDT,M10.1.0,M4.1.0/3", 1680364800, "2023-04-02 02:00:00"); /* AEST */
    local_is("UTC0", 951782400, "2000-02-29 00:00:00");
    local_is("<-03>3", -86400, "1969-12-30 21:00:00");
}

/* A memory stream holds what was written once closed. */
static void
memory_stream(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = platform_memstream(&buf, &len);
    assert_non_null(f);
    fputs("line one\n", f);
    fprintf(f, "%d\r\n", 42);
    assert_int_equal(platform_memstream_close(f, &buf, &len), 0);
    assert_int_equal(len, 13);
    assert_string_equal(buf, "line one\n42\r\n");
    free(buf);
}

/* Folder separators, and the direction hint taken from either. */
static void
separators(void **state)
{
    (void)state;
    assert_true(platform_is_sep('/'));
    assert_false(platform_is_sep(':'));
#ifdef _WIN32
    assert_true(platform_is_sep('\\'));
    assert_int_equal(walk_dir_hint("C:\\Exchange\\SmtpReceive\\x.log"), EXTLS_DIR_RECEIVE);
    assert_int_equal(walk_dir_hint("\\\\ex1\\logs$\\SmtpSend\\x.log"), EXTLS_DIR_SEND);
    assert_int_equal(walk_dir_hint("D:\\logs\\RECV2023011115-1.LOG"), EXTLS_DIR_RECEIVE);
#else
    assert_false(platform_is_sep('\\'));
#endif
}

#ifdef _WIN32
/* Drive letters, backslashes and the \\?\ prefix name the same file. */
static void
windows_path_forms(void **state)
{
    struct scratch *s = *state;
    char path[600];
    snprintf(path, sizeof(path), "%s/RECV2023011115-1.LOG", s->dir);
    write_file(path, "abc");
    wchar_t wfull[600];
    wchar_t wpath[600];
    assert_true(MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, 600) > 0);
    DWORD n = GetFullPathNameW(wpath, 600, wfull, NULL);
    assert_true(n > 3 && n < 600);
    char full[1200], prefixed[1300], mixed[1200];
    assert_true(WideCharToMultiByte(CP_UTF8, 0, wfull, -1, full, sizeof(full), NULL, NULL) > 0);
    assert_true(full[1] == ':' && full[2] == '\\'); /* X:\...\RECV... */
    snprintf(prefixed, sizeof(prefixed), "\\\\?\\%s", full);
    snprintf(mixed, sizeof(mixed), "%s", full);
    for (char *p = mixed; *p; p++) {
        if (*p == '\\' && (p - mixed) % 2)
            *p = '/';
    }
    struct platform_stat a, b, c, d;
    assert_int_equal(platform_stat(path, &a), 0);
    assert_int_equal(platform_stat(full, &b), 0);
    assert_int_equal(platform_stat(prefixed, &c), 0);
    assert_int_equal(platform_stat(mixed, &d), 0);
    assert_true(a.ino == b.ino && a.ino == c.ino && a.ino == d.ino);
    assert_true(a.dev == b.dev && a.dev == c.dev && a.dev == d.dev);
    char buf[16];
    read_file(full, buf, sizeof(buf));
    assert_string_equal(buf, "abc");
    /* A folder given with backslashes: the walk joins with '/' after it. */
    char folder[1200];
    snprintf(folder, sizeof(folder), "%s", full);
    *strrchr(folder, '\\') = '\0';
    struct input_list l;
    input_list_init(&l);
    char *paths[] = {folder};
    assert_int_equal(walk_paths(&l, paths, 1, walk_err, NULL), 0);
    assert_int_equal(l.n, 1);
    assert_non_null(strstr(l.v[0].path, "/RECV2023011115-1.LOG"));
    assert_int_equal(l.v[0].hint, EXTLS_DIR_RECEIVE);
    input_list_release(&l);
}
/*
 * The writer process of held_by_another_process: open `path` as Exchange
 * does (write access, others may only read), write a first line, say so
 * through event `ready`, wait for event `done`, write a second line, exit.
 */
static int
hold_open(const char *path, const char *ready, const char *done)
{
    wchar_t w[600];
    if (MultiByteToWideChar(CP_UTF8, 0, path, -1, w, 600) <= 0)
        return 3;
    HANDLE h = CreateFileW(w, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    HANDLE r = OpenEventA(EVENT_MODIFY_STATE, FALSE, ready);
    HANDLE d = OpenEventA(SYNCHRONIZE, FALSE, done);
    DWORD n;
    if (h == INVALID_HANDLE_VALUE || !r || !d || !WriteFile(h, "first\n", 6, &n, NULL))
        return 4;
    SetEvent(r);
    if (WaitForSingleObject(d, 60000) != WAIT_OBJECT_0 || !WriteFile(h, "second\n", 7, &n, NULL))
        return 5;
    CloseHandle(h);
    return 0;
}

/* A log that another process holds open for writing is read (Windows). */
static void
held_by_another_process(void **state)
{
    struct scratch *s = *state;
    char path[600], ready[64], done[64];
    snprintf(path, sizeof(path), "%s/RECV2023011116-1.LOG", s->dir);
    snprintf(ready, sizeof(ready), "extls-test-ready-%lu", (unsigned long)GetCurrentProcessId());
    snprintf(done, sizeof(done), "extls-test-done-%lu", (unsigned long)GetCurrentProcessId());
    HANDLE r = CreateEventA(NULL, TRUE, FALSE, ready), d = CreateEventA(NULL, TRUE, FALSE, done);
    assert_true(r && d);
    wchar_t self[600];
    assert_true(GetModuleFileNameW(NULL, self, 600) > 0);
    wchar_t cmd[2048], wpath[600], wready[64], wdone[64];
    MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, 600);
    MultiByteToWideChar(CP_UTF8, 0, ready, -1, wready, 64);
    MultiByteToWideChar(CP_UTF8, 0, done, -1, wdone, 64);
    _snwprintf(cmd, 2048, L"\"%ls\" --hold \"%ls\" %ls %ls", self, wpath, wready, wdone);
    STARTUPINFOW si = {.cb = sizeof(si)};
    PROCESS_INFORMATION pi;
    assert_true(CreateProcessW(self, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    assert_int_equal(WaitForSingleObject(r, 60000), WAIT_OBJECT_0);

    int fd = platform_open_read(path); /* while the other process writes it */
    assert_true(fd >= 0);
    char buf[64];
    assert_int_equal(read(fd, buf, sizeof(buf)), 6);
    assert_memory_equal(buf, "first\n", 6);
    struct platform_stat st;
    assert_int_equal(platform_fstat(fd, &st), 0);
    assert_int_equal(st.kind, PLATFORM_FILE);
    /* The writer goes on while extls has it open: nothing of ours stops it. */
    SetEvent(d);
    assert_int_equal(WaitForSingleObject(pi.hProcess, 60000), WAIT_OBJECT_0);
    DWORD code;
    assert_true(GetExitCodeProcess(pi.hProcess, &code));
    assert_int_equal(code, 0);
    assert_int_equal(read(fd, buf, sizeof(buf)), 7);
    assert_memory_equal(buf, "second\n", 7);
    close(fd);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(r);
    CloseHandle(d);
}
#endif

int
main(int argc, char **argv)
{
#ifdef _WIN32
    if (argc == 5 && strcmp(argv[1], "--hold") == 0)
        return hold_open(argv[2], argv[3], argv[4]);
#else
    (void)argc;
    (void)argv;
#endif
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(names_in_any_language, setup, teardown),
        cmocka_unit_test_setup_teardown(long_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(file_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(read_while_written, setup, teardown),
        cmocka_unit_test_setup_teardown(read_at_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(atomic_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(create_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(absolute_and_lstat, setup, teardown),
        cmocka_unit_test(addresses),
        cmocka_unit_test(posix_tz_rules),
        cmocka_unit_test(memory_stream),
        cmocka_unit_test(separators),
#ifdef _WIN32
        cmocka_unit_test_setup_teardown(windows_path_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(held_by_another_process, setup, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
