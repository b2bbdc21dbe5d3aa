/* SPDX-License-Identifier: MIT */
/*
 * platform.h: what differs between POSIX systems and Windows, in one place.
 *
 * Two implementations share this interface; CMake compiles exactly one:
 * src/platform/platform_posix.c (Linux and other POSIX systems) or, on Windows
 * (built with mingw-w64), src/platform/platform_win.c (files and folders) with
 * src/platform/platform_proc_win.c (process, console, clock, memory streams). The
 * Windows side computes POSIX TZ rules (tzrule.h) and parses IP addresses
 * (iptext.h) with plain C modules. Nothing else in extls but the lock's
 * system calls (src/platform/lock_posix.c, src/platform/lock_win.c) includes a system header
 * that exists on only one of them.
 *
 * Paths are UTF-8 strings everywhere in extls. On Windows they are
 * converted to UTF-16 and made absolute with the \\?\ (or \\?\UNC\) prefix
 * before each system call, so drive letters, '/' or '\' separators,
 * \\server\share paths and paths longer than 260 characters all work.
 * Files are opened for reading with read, write and delete sharing, so a
 * log that Exchange holds open for writing is readable while it grows.
 *
 * Functions that fail return -1 (or NULL) and set errno to the POSIX
 * value (Windows error codes are mapped: ENOENT, EACCES, ENOTDIR, EEXIST,
 * ENOSPC, else EIO), so callers report strerror(errno) the same way on
 * both systems. File descriptors are C runtime descriptors: read(),
 * write(), lseek() and close() work on them on both systems.
 */
#ifndef EXTLS_PLATFORM_H
#define EXTLS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* What a path names. */
enum platform_kind {
    PLATFORM_OTHER = 0, /* pipe, console, device, ... */
    PLATFORM_FILE,      /* regular file */
    PLATFORM_DIR,       /* folder */
};

/* What extls needs to know about a file (links are followed). */
struct platform_stat {
    uint64_t dev;            /* device (POSIX st_dev) or volume serial number (Windows) */
    uint64_t ino;            /* inode (POSIX st_ino) or file index (Windows) */
    int64_t size;            /* bytes, for regular files */
    int64_t mtime_s;         /* last modification, seconds since 1970 (UTC) */
    enum platform_kind kind; /* file, folder or other */
};

/*
 * Process set-up, first thing in main(). POSIX: SIGPIPE back to its
 * default action, so a reader that goes away ends extls quietly (status
 * 141) even if it was ignored. Windows: replaces *argv with the command
 * line in UTF-8 (from the UTF-16 one; the array is owned by the platform
 * module for the life of the process), puts the standard streams in binary
 * mode (output bytes identical to the POSIX build), and makes the console
 * show UTF-8.
 */
void platform_init(int *argc, char ***argv);

/* Open an existing file for reading. Returns a descriptor, or -1 (errno). */
int platform_open_read(const char *path);

/*
 * Create or truncate a file for writing (mode 0644 on POSIX). Returns a
 * descriptor, or -1 (errno).
 */
int platform_open_write(const char *path);

/*
 * Open a file for reading and writing, creating it (mode 0644 on POSIX)
 * when missing; its contents are kept. Returns a descriptor, or -1 (errno).
 */
int platform_open_rw(const char *path);

/*
 * Create a new file for writing; fails with EEXIST if `path` exists
 * (O_CREAT | O_EXCL, mode 0666 before the umask, on POSIX). Returns a
 * descriptor, or -1 (errno).
 */
int platform_open_new(const char *path);

/* Information about a path (links followed). 0, or -1 (errno). */
int platform_stat(const char *path, struct platform_stat *st);

/*
 * Information about a path itself: a symbolic link (or, on Windows, any
 * reparse point such as a junction) is PLATFORM_OTHER, not followed.
 * 0, or -1 (errno).
 */
int platform_lstat(const char *path, struct platform_stat *st);

/*
 * `path` made absolute against the working folder (POSIX: the working
 * folder, '/', path, unless path starts with '/'; Windows: GetFullPathNameW,
 * in UTF-8). Caller owns, free with free(); NULL (errno).
 */
char *platform_absolute(const char *path);

/* Information about an open descriptor. 0, or -1 (errno). */
int platform_fstat(int fd, struct platform_stat *st);

/*
 * Read up to n bytes at offset `at` of the regular file open as fd,
 * without using or moving its current position (POSIX pread(); Windows:
 * ReadFile at an offset, which moves it). Bytes read (0 at the end), or -1
 * (errno). Threads may read one descriptor at once.
 */
long long platform_pread(int fd, void *buf, size_t n, uint64_t at);

/* Write a file's data through to the disk. 0, or -1 (errno). */
int platform_fsync(int fd);

/*
 * Replace `to` by `from` atomically and durably: after a crash the
 * destination is either the old file or the new one, whole. POSIX:
 * rename() then fsync() of the folder (best effort). Windows: MoveFileExW
 * with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH. 0, or -1 (errno).
 */
int platform_replace(const char *from, const char *to);

/*
 * Rename `from` to `to`, replacing `to` atomically if it exists. POSIX:
 * rename(); Windows: MoveFileExW with MOVEFILE_REPLACE_EXISTING |
 * MOVEFILE_WRITE_THROUGH (on disk when it returns). 0, or -1 (errno).
 */
int platform_rename(const char *from, const char *to);

/*
 * Make the renames and creations in the folder holding `path` durable:
 * POSIX: fsync() of that folder, best effort (some file systems refuse it);
 * Windows: nothing left to do after platform_rename(). Never fails.
 */
void platform_sync_folder_of(const char *path);

/* Delete a file. 0, or -1 (errno). */
int platform_unlink(const char *path);

/* Create a folder (mode 0755 on POSIX). 0, or -1 (errno; EEXIST if it exists). */
int platform_mkdir(const char *path);

/* Delete an empty folder. 0, or -1 (errno). */
int platform_rmdir(const char *path);

/* A folder being listed (opaque). */
struct platform_dir;

/* Start listing folder `path`. Caller owns, free with platform_dir_close(); NULL (errno). */
struct platform_dir *platform_dir_open(const char *path);

/*
 * Next entry of the folder ("." and ".." are left out): *name is borrowed
 * until the next call. Returns 1 with an entry, 0 at the end, -1 (errno).
 */
int platform_dir_next(struct platform_dir *d, const char **name);

/* End the listing; NULL is a no-op. */
void platform_dir_close(struct platform_dir *d);

/*
 * 1 if `c` separates folders in a path: '/' on POSIX; '/' or '\' on
 * Windows.
 */
int platform_is_sep(char c);

/*
 * Local wall-clock time of instant `t` in the machine's zone (POSIX: TZ
 * honoured; Windows: the zone set in Windows, with its daylight-saving
 * rules). 0, or -1 if it cannot be represented.
 */
int platform_localtime(time_t t, struct tm *out);

/*
 * Called when writing to `out` failed: if its reader has gone (a closed
 * pipe), end the process quietly with status 141, as SIGPIPE does on POSIX
 * systems; else return. POSIX: SIGPIPE has ended the process before any
 * such failure is seen (platform_init() made sure), so this returns.
 * Windows has no SIGPIPE: a write to a closed pipe fails with EINVAL; the
 * system's own error (ERROR_NO_DATA) tells it apart.
 */
void platform_end_if_reader_gone(FILE *out);

/* setenv(name, value, 1): 0, or -1 (errno). */
int platform_setenv(const char *name, const char *value);

/* 1 if descriptor fd is a terminal (a console on Windows), else 0. */
int platform_isatty(int fd);

/* Columns of the terminal on descriptor fd; 0 if unknown or not a terminal. */
unsigned platform_term_width(int fd);

/* Processors online (at least 1). */
unsigned platform_cpu_count(void);

/*
 * 1 if a process with id `pid` (> 0) exists now, also one of another user
 * (POSIX: kill(pid, 0) succeeds or fails with EPERM; Windows: OpenProcess()
 * gives a process still active, or is refused access); 0 if none does.
 */
int platform_process_alive(long pid);

/*
 * A stream writing into memory: what is written is in *buf (*len bytes,
 * NUL-terminated) once platform_memstream_close() returned 0. Caller owns
 * *buf then, free with free(). NULL when out of memory.
 */
FILE *platform_memstream(char **buf, size_t *len);

/* Close a platform_memstream() stream and fill *buf and *len. 0, or EOF. */
int platform_memstream_close(FILE *f, char **buf, size_t *len);

/*
 * Parse a numeric IPv4 (dotted quad) or IPv6 address into out[] (network
 * order). Returns 4 or 16, the address length, or 0 if `s` is neither.
 */
int platform_parse_ip(const char *s, unsigned char out[16]);

#endif /* EXTLS_PLATFORM_H */
