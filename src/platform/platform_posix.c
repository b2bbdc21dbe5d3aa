/* SPDX-License-Identifier: MIT */
/*
 * platform_posix.c: the platform interface on Linux and other POSIX
 * systems, a thin layer over the system calls (see platform.h).
 */
#include "platform.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

void
platform_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_DFL);
}

int
platform_open_read(const char *path)
{
    return open(path, O_RDONLY | O_CLOEXEC);
}

int
platform_open_write(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

int
platform_open_rw(const char *path)
{
    return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
}

int
platform_open_new(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
}

static void
from_stat(const struct stat *sb, struct platform_stat *st)
{
    st->dev = (uint64_t)sb->st_dev;
    st->ino = (uint64_t)sb->st_ino;
    st->size = (int64_t)sb->st_size;
    st->mtime_s = (int64_t)sb->st_mtime;
    st->kind = S_ISREG(sb->st_mode)   ? PLATFORM_FILE
               : S_ISDIR(sb->st_mode) ? PLATFORM_DIR
                                      : PLATFORM_OTHER;
}

/* What `call` (stat or lstat) says about path, into st. 0, or -1 (errno). */
static int
stat_with(int (*call)(const char *, struct stat *), const char *path, struct platform_stat *st)
{
    struct stat sb;
    if (call(path, &sb) != 0)
        return -1;
    from_stat(&sb, st);
    return 0;
}

int
platform_stat(const char *path, struct platform_stat *st)
{
    return stat_with(stat, path, st);
}

int
platform_lstat(const char *path, struct platform_stat *st)
{
    return stat_with(lstat, path, st);
}

char *
platform_absolute(const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    char cwd[4096];
    if (!getcwd(cwd, sizeof(cwd)))
        return NULL;
    size_t n = strlen(cwd) + 1 + strlen(path) + 1;
    char *abs = malloc(n);
    if (!abs) {
        errno = ENOMEM;
        return NULL;
    }
    snprintf(abs, n, "%s/%s", cwd, path);
    return abs;
}

int
platform_fstat(int fd, struct platform_stat *st)
{
    struct stat sb;
    int rc = fstat(fd, &sb); /* 0 or -1 */
    if (rc == 0)
        from_stat(&sb, st);
    return rc;
}

long long
platform_pread(int fd, void *buf, size_t n, uint64_t at)
{
    if (at > (uint64_t)INT64_MAX) {
        errno = EINVAL;
        return -1;
    }
    ssize_t got;
    do {
        got = pread(fd, buf, n, (off_t)at);
    } while (got < 0 && errno == EINTR);
    return got;
}

int
platform_fsync(int fd)
{
    return fsync(fd);
}

/* The folder part of path ("." if none) into dir. */
static void
folder_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, cap, ".");
        return;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= cap)
        n = cap - 1;
    memcpy(dir, path, n);
    dir[n] = '\0';
}

void
platform_sync_folder_of(const char *path)
{
    char dir[4096];
    folder_of(path, dir, sizeof(dir));
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd); /* best effort: some file systems refuse it on folders */
        close(dfd);
    }
}

int
platform_rename(const char *from, const char *to)
{
    return rename(from, to);
}

int
platform_replace(const char *from, const char *to)
{
    if (rename(from, to) != 0)
        return -1;
    platform_sync_folder_of(to);
    return 0;
}

int
platform_unlink(const char *path)
{
    return unlink(path);
}

int
platform_mkdir(const char *path)
{
    return mkdir(path, 0755);
}

int
platform_rmdir(const char *path)
{
    return rmdir(path);
}

struct platform_dir {
    DIR *d;
};

struct platform_dir *
platform_dir_open(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    struct platform_dir *pd = malloc(sizeof(*pd));
    if (!pd) {
        closedir(d);
        errno = ENOMEM;
        return NULL;
    }
    pd->d = d;
    return pd;
}

int
platform_dir_next(struct platform_dir *d, const char **name)
{
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d->d);
        if (!e)
            return errno ? -1 : 0;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        *name = e->d_name;
        return 1;
    }
}

void
platform_dir_close(struct platform_dir *d)
{
    if (!d)
        return;
    closedir(d->d);
    free(d);
}

int
platform_is_sep(char c)
{
    return c == '/';
}

int
platform_localtime(time_t t, struct tm *out)
{
    return localtime_r(&t, out) ? 0 : -1;
}

void
platform_end_if_reader_gone(FILE *out)
{
    (void)out;
}

int
platform_isatty(int fd)
{
    return fd >= 0 && isatty(fd);
}

unsigned
platform_term_width(int fd)
{
    struct winsize ws;
    if (fd < 0 || ioctl(fd, TIOCGWINSZ, &ws) != 0)
        return 0;
    return ws.ws_col;
}

unsigned
platform_cpu_count(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 0 ? (unsigned)cpus : 1;
}

int
platform_process_alive(long pid)
{
    if (pid <= 0 || (long)(pid_t)pid != pid)
        return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

FILE *
platform_memstream(char **buf, size_t *len)
{
    return open_memstream(buf, len);
}

int
platform_memstream_close(FILE *f, char **buf, size_t *len)
{
    (void)buf; /* open_memstream() fills them itself */
    (void)len;
    return fclose(f);
}

int
platform_parse_ip(const char *s, unsigned char out[16])
{
    if (inet_pton(AF_INET, s, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, s, out) == 1)
        return 16;
    return 0;
}

int
platform_setenv(const char *name, const char *value)
{
    return setenv(name, value, 1);
}
