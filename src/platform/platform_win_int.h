/* SPDX-License-Identifier: MIT */
/*
 * platform_win_int.h: what the Windows files of the platform module share
 * (src/platform/platform_win.c, src/platform/platform_proc_win.c): UTF-8 <-> UTF-16, the
 * \\?\ path form, Win32 errors as errno, handles as C runtime descriptors.
 * Private to those files; the interface is platform.h.
 */
#ifndef EXTLS_PLATFORM_WIN_INT_H
#define EXTLS_PLATFORM_WIN_INT_H

#include <wchar.h>

#include <windows.h>

/* errno for the calling thread's last Win32 error (ENOENT, EACCES, ... else EIO). */
int win_errno(void);

/* UTF-8 -> UTF-16. Caller owns, free with free(); NULL (errno) if not valid UTF-8 or no memory. */
wchar_t *win_wide_of(const char *s);

/* UTF-16 -> UTF-8. Caller owns, free with free(); NULL (errno) if no memory. */
char *win_utf8_of(const wchar_t *w);

/*
 * The path for a wide Win32 call: absolute, with the \\?\ (or \\?\UNC\)
 * prefix. Caller owns, free with free(); NULL (errno).
 */
wchar_t *win_path(const char *path);

/*
 * A C runtime descriptor (opened with `flags` | _O_BINARY) for handle h,
 * which it takes ownership of (closed on failure); -1 (errno) also when h
 * is INVALID_HANDLE_VALUE (errno from the last Win32 error).
 */
int win_fd_of_handle(HANDLE h, int flags);

#endif /* EXTLS_PLATFORM_WIN_INT_H */
