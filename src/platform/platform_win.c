/* SPDX-License-Identifier: MIT */
/*
 * platform_win.c: the platform interface on Windows (mingw-w64), files and
 * folders (see platform.h). Paths arrive in UTF-8 and go to the wide
 * (UTF-16) Win32 calls as absolute \\?\ paths; files are opened through
 * CreateFileW (read, write and delete sharing) and handed to the C runtime
 * as descriptors, so the rest of extls reads them with read() as on POSIX.
 * Process, console, clock and memory streams: platform_proc_win.c.
 */
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "iptext.h"
#include "platform_win_int.h"

/* errno for the calling thread's last Win32 error. */
int
win_errno(void)
{
    switch (GetLastError()) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
    case ERROR_BAD_PATHNAME:
    case ERROR_FILENAME_EXCED_RANGE:
        return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
    case ERROR_PRIVILEGE_NOT_HELD:
        return EACCES;
    case ERROR_DIRECTORY:
        return ENOTDIR;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
        return EEXIST;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        return ENOSPC;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return ENOMEM;
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA:
        return EPIPE;
    default:
        return EIO;
    }
}

/* UTF-8 -> UTF-16. Caller owns, free with free(); NULL (errno) if not valid UTF-8 or no memory. */
wchar_t *
win_wide_of(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    if (n <= 0) {
        errno = ENOENT; /* no file has a name that is not valid UTF-8 */
        return NULL;
    }
    wchar_t *w = malloc((size_t)n * sizeof(*w));
    if (!w) {
        errno = ENOMEM;
        return NULL;
    }
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
    return w;
}

/* UTF-16 -> UTF-8. Caller owns, free with free(); NULL (errno) if no memory. */
char *
win_utf8_of(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0) {
        errno = EINVAL;
        return NULL;
    }
    char *s = malloc((size_t)n);
    if (!s) {
        errno = ENOMEM;
        return NULL;
    }
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

/*
 * The path for a wide Win32 call: absolute (GetFullPathNameW also turns '/'
 * into '\' and resolves "." and ".."), with the \\?\ prefix (\\?\UNC\ for
 * \\server\share) that lifts the 260-character limit. Device paths (\\.\,
 * \\?\) are kept as they are. Caller owns, free with free(); NULL (errno).
 */
wchar_t *
win_path(const char *path)
{
    wchar_t *w = win_wide_of(path);
    if (!w)
        return NULL;
    if (wcsncmp(w, L"\\\\?\\", 4) == 0 || wcsncmp(w, L"\\\\.\\", 4) == 0)
        return w;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    wchar_t *full = n ? malloc((size_t)n * sizeof(*full)) : NULL;
    DWORD got = full ? GetFullPathNameW(w, n, full, NULL) : 0;
    if (got == 0 || got >= n) {
        errno = !n || (full && !got) ? win_errno() : full ? ENAMETOOLONG : ENOMEM;
        free(w);
        free(full);
        return NULL;
    }
    free(w);
    if (wcsncmp(full, L"\\\\.\\", 4) == 0) /* a device such as NUL or CON */
        return full;
    int unc = full[0] == L'\\' && full[1] == L'\\';
    const wchar_t *prefix = unc ? L"\\\\?\\UNC\\" : L"\\\\?\\";
    const wchar_t *rest = unc ? full + 2 : full;
    size_t np = wcslen(prefix), nr = wcslen(rest);
    wchar_t *out = malloc((np + nr + 1) * sizeof(*out));
    if (!out) {
        free(full);
        errno = ENOMEM;
        return NULL;
    }
    memcpy(out, prefix, np * sizeof(*out));
    memcpy(out + np, rest, (nr + 1) * sizeof(*out));
    free(full);
    return out;
}

/* A C runtime descriptor for handle h (closed on failure); -1 (errno). */
int
win_fd_of_handle(HANDLE h, int flags)
{
    if (h == INVALID_HANDLE_VALUE) {
        errno = win_errno();
        return -1;
    }
    int fd = _open_osfhandle((intptr_t)h, flags | _O_BINARY);
    if (fd < 0) {
        CloseHandle(h);
        errno = EMFILE;
    }
    return fd;
}

/*
 * Open `path` with CreateFileW(access, share, disposition, attributes) as
 * a C runtime descriptor opened with crt_flags; -1 (errno).
 */
static int
open_as(const char *path, DWORD access, DWORD share, DWORD disposition, DWORD attributes,
        int crt_flags)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    HANDLE h = CreateFileW(w, access, share, NULL, disposition, attributes, NULL);
    free(w);
    return win_fd_of_handle(h, crt_flags);
}

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

int
platform_open_read(const char *path)
{
    return open_as(path, GENERIC_READ, SHARE_ALL, OPEN_EXISTING,
                   FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, _O_RDONLY);
}

int
platform_open_write(const char *path)
{
    return open_as(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, CREATE_ALWAYS,
                   FILE_ATTRIBUTE_NORMAL, _O_WRONLY);
}

int
platform_open_rw(const char *path)
{
    return open_as(path, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, OPEN_ALWAYS,
                   FILE_ATTRIBUTE_NORMAL, _O_RDWR);
}

int
platform_open_new(const char *path)
{
    return open_as(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, CREATE_NEW,
                   FILE_ATTRIBUTE_NORMAL, _O_WRONLY);
}

/* Fill st from an open handle. 0, or -1 (errno). */
static int
stat_handle(HANDLE h, struct platform_stat *st)
{
    memset(st, 0, sizeof(*st));
    DWORD type = GetFileType(h);
    if (type != FILE_TYPE_DISK) {
        st->kind = PLATFORM_OTHER;
        return 0;
    }
    BY_HANDLE_FILE_INFORMATION fi;
    if (!GetFileInformationByHandle(h, &fi)) {
        errno = win_errno();
        return -1;
    }
    st->dev = fi.dwVolumeSerialNumber;
    st->ino = ((uint64_t)fi.nFileIndexHigh << 32) | fi.nFileIndexLow;
    st->size = (int64_t)(((uint64_t)fi.nFileSizeHigh << 32) | fi.nFileSizeLow);
    /* FILETIME: 100 ns units since 1601-01-01; 11644473600 s to 1970. */
    uint64_t ft =
        ((uint64_t)fi.ftLastWriteTime.dwHighDateTime << 32) | fi.ftLastWriteTime.dwLowDateTime;
    st->mtime_s = (int64_t)(ft / 10000000u) - 11644473600;
    st->kind = fi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY ? PLATFORM_DIR : PLATFORM_FILE;
    return 0;
}

/*
 * Information about `path`; a reparse point (symbolic link, junction) is
 * followed when `follow`, else it is PLATFORM_OTHER. 0, or -1 (errno).
 */
static int
stat_path(const char *path, int follow, struct platform_stat *st)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    /* No access asked: attributes only; FILE_FLAG_BACKUP_SEMANTICS opens folders too. */
    DWORD flags = FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT);
    HANDLE h = CreateFileW(w, 0, SHARE_ALL, NULL, OPEN_EXISTING, flags, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        errno = win_errno();
        return -1;
    }
    int rc = stat_handle(h, st);
    FILE_ATTRIBUTE_TAG_INFO tag;
    if (rc == 0 && !follow &&
        GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag, sizeof(tag)) &&
        (tag.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
        st->kind = PLATFORM_OTHER;
    CloseHandle(h);
    return rc;
}

int
platform_stat(const char *path, struct platform_stat *st)
{
    return stat_path(path, 1, st);
}

int
platform_lstat(const char *path, struct platform_stat *st)
{
    return stat_path(path, 0, st);
}

char *
platform_absolute(const char *path)
{
    wchar_t *w = win_wide_of(path);
    if (!w)
        return NULL;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    wchar_t *full = n ? malloc((size_t)n * sizeof(*full)) : NULL;
    DWORD got = full ? GetFullPathNameW(w, n, full, NULL) : 0;
    free(w);
    char *abs = got && got < n ? win_utf8_of(full) : NULL;
    if (!abs && !errno)
        errno = ENOMEM;
    free(full);
    return abs;
}

int
platform_fstat(int fd, struct platform_stat *st)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    return stat_handle(h, st);
}

long long
platform_pread(int fd, void *buf, size_t n, uint64_t at)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    OVERLAPPED o;
    memset(&o, 0, sizeof(o));
    o.Offset = (DWORD)at;
    o.OffsetHigh = (DWORD)(at >> 32);
    DWORD want = n > 0x40000000u ? 0x40000000u : (DWORD)n, got = 0;
    if (!ReadFile(h, buf, want, &got, &o)) {
        if (GetLastError() == ERROR_HANDLE_EOF)
            return 0;
        errno = win_errno();
        return -1;
    }
    return (long long)got;
}

int
platform_fsync(int fd)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    if (!FlushFileBuffers(h)) {
        errno = win_errno();
        return -1;
    }
    return 0;
}

void
platform_sync_folder_of(const char *path)
{
    (void)path; /* MOVEFILE_WRITE_THROUGH made the rename durable */
}

int
platform_rename(const char *from, const char *to)
{
    return platform_replace(from, to);
}

int
platform_replace(const char *from, const char *to)
{
    wchar_t *wf = win_path(from), *wt = wf ? win_path(to) : NULL;
    int ok = wt && MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
    if (wt && !ok)
        errno = win_errno();
    free(wf);
    free(wt);
    return ok ? 0 : -1;
}

/* Call fn (a Win32 call returning nonzero on success) on `path`. 0, or -1 (errno). */
static int
on_path(const char *path, int (*fn)(const wchar_t *w))
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    int ok = fn(w);
    if (!ok)
        errno = win_errno();
    free(w);
    return ok ? 0 : -1;
}

static int
delete_file(const wchar_t *w)
{
    return DeleteFileW(w) != 0;
}

static int
create_folder(const wchar_t *w)
{
    return CreateDirectoryW(w, NULL) != 0;
}

static int
remove_folder(const wchar_t *w)
{
    return RemoveDirectoryW(w) != 0;
}

int
platform_unlink(const char *path)
{
    return on_path(path, delete_file);
}

int
platform_mkdir(const char *path)
{
    return on_path(path, create_folder);
}

int
platform_rmdir(const char *path)
{
    return on_path(path, remove_folder);
}

struct platform_dir {
    HANDLE find;           /* INVALID_HANDLE_VALUE: the folder is empty */
    WIN32_FIND_DATAW data; /* the entry to return next, if pending */
    int pending;           /* data holds an entry not yet returned */
    char *name;            /* owned; the last entry returned, UTF-8 */
};

struct platform_dir *
platform_dir_open(const char *path)
{
    wchar_t *w = win_path(path);
    if (!w)
        return NULL;
    size_t n = wcslen(w);
    wchar_t *pattern = malloc((n + 3) * sizeof(*pattern));
    struct platform_dir *d = calloc(1, sizeof(*d));
    if (!pattern || !d) {
        free(w);
        free(pattern);
        free(d);
        errno = ENOMEM;
        return NULL;
    }
    memcpy(pattern, w, n * sizeof(*w));
    if (n && pattern[n - 1] != L'\\')
        pattern[n++] = L'\\';
    pattern[n++] = L'*';
    pattern[n] = 0;
    free(w);
    d->find = FindFirstFileExW(pattern, FindExInfoBasic, &d->data, FindExSearchNameMatch, NULL,
                               FIND_FIRST_EX_LARGE_FETCH);
    free(pattern);
    if (d->find == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        if (e != ERROR_FILE_NOT_FOUND) {
            errno = e == ERROR_PATH_NOT_FOUND  ? ENOENT
                    : e == ERROR_DIRECTORY     ? ENOTDIR
                    : e == ERROR_INVALID_NAME  ? ENOTDIR
                    : e == ERROR_ACCESS_DENIED ? EACCES
                                               : win_errno();
            free(d);
            return NULL;
        }
        return d; /* no entries at all */
    }
    d->pending = 1;
    return d;
}

int
platform_dir_next(struct platform_dir *d, const char **name)
{
    for (;;) {
        if (d->find == INVALID_HANDLE_VALUE)
            return 0;
        if (!d->pending) {
            if (!FindNextFileW(d->find, &d->data)) {
                if (GetLastError() == ERROR_NO_MORE_FILES)
                    return 0;
                errno = win_errno();
                return -1;
            }
        }
        d->pending = 0;
        const wchar_t *n = d->data.cFileName;
        if (wcscmp(n, L".") == 0 || wcscmp(n, L"..") == 0)
            continue;
        free(d->name);
        d->name = win_utf8_of(n);
        if (!d->name)
            return -1;
        *name = d->name;
        return 1;
    }
}

void
platform_dir_close(struct platform_dir *d)
{
    if (!d)
        return;
    if (d->find != INVALID_HANDLE_VALUE)
        FindClose(d->find);
    free(d->name);
    free(d);
}

int
platform_is_sep(char c)
{
    return c == '/' || c == '\\';
}

int
platform_parse_ip(const char *s, unsigned char out[16])
{
    return iptext_parse(s, out);
}
