/* SPDX-License-Identifier: MIT */
/*
 * platform_win.c: the platform interface on Windows (mingw-w64), see
 * platform.h. Paths arrive in UTF-8 and go to the wide (UTF-16) Win32
 * calls as absolute \\?\ paths; files are opened through CreateFileW (read,
 * write and delete sharing) and handed to the C runtime as descriptors, so
 * the rest of extls reads them with read() as on POSIX.
 */
#include "platform.h"

#include <emmintrin.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include <shellapi.h>

#include "xtime.h"

/* errno for the calling thread's last Win32 error. */
static int
errno_of_last_error(void)
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
static wchar_t *
wide_of(const char *s)
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
static char *
utf8_of(const wchar_t *w)
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
static wchar_t *
win_path(const char *path)
{
    wchar_t *w = wide_of(path);
    if (!w)
        return NULL;
    if (wcsncmp(w, L"\\\\?\\", 4) == 0 || wcsncmp(w, L"\\\\.\\", 4) == 0)
        return w;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    wchar_t *full = n ? malloc((size_t)n * sizeof(*full)) : NULL;
    DWORD got = full ? GetFullPathNameW(w, n, full, NULL) : 0;
    if (got == 0 || got >= n) {
        errno = !n || (full && !got) ? errno_of_last_error() : full ? ENAMETOOLONG : ENOMEM;
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

/* The command line in UTF-8, owned for the life of the process. */
static char **utf8_argv;

/* The console's output code page before extls set UTF-8 (0: not changed). */
static UINT console_cp;

static void
restore_console_cp(void)
{
    if (console_cp)
        SetConsoleOutputCP(console_cp);
}

void
platform_init(int *argc, char ***argv)
{
    int n = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    if (wargv && n > 0) {
        char **v = calloc((size_t)n + 1, sizeof(*v));
        int ok = v != NULL;
        for (int i = 0; ok && i < n; i++) {
            v[i] = utf8_of(wargv[i]);
            ok = v[i] != NULL;
        }
        if (ok) {
            utf8_argv = v;
            *argc = n;
            *argv = v;
        } else if (v) {
            for (int i = 0; i < n; i++)
                free(v[i]);
            free(v);
        }
    }
    LocalFree(wargv);
    /* Bytes out as on POSIX: no "\n" -> "\r\n", no end at a 0x1A byte in. */
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
    /* extls writes UTF-8: let the console show it whatever its code page
     * (and give the console its own back at exit). */
    UINT cp = GetConsoleOutputCP();
    if (cp && cp != CP_UTF8 && SetConsoleOutputCP(CP_UTF8)) {
        console_cp = cp;
        atexit(restore_console_cp);
    }
}

/* A C runtime descriptor for handle h (closed on failure); -1 (errno). */
static int
fd_of_handle(HANDLE h, int flags)
{
    if (h == INVALID_HANDLE_VALUE) {
        errno = errno_of_last_error();
        return -1;
    }
    int fd = _open_osfhandle((intptr_t)h, flags | _O_BINARY);
    if (fd < 0) {
        CloseHandle(h);
        errno = EMFILE;
    }
    return fd;
}

int
platform_open_read(const char *path)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    HANDLE h =
        CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    free(w);
    return fd_of_handle(h, _O_RDONLY);
}

int
platform_open_write(const char *path)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    HANDLE h = CreateFileW(w, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    return fd_of_handle(h, _O_WRONLY);
}

int
platform_open_rw(const char *path)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    HANDLE h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    return fd_of_handle(h, _O_RDWR);
}

int
platform_open_new(const char *path)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    HANDLE h = CreateFileW(w, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    return fd_of_handle(h, _O_WRONLY);
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
        errno = errno_of_last_error();
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

int
platform_stat(const char *path, struct platform_stat *st)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    /* No access asked: attributes only; FILE_FLAG_BACKUP_SEMANTICS opens folders too. */
    HANDLE h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        errno = errno_of_last_error();
        return -1;
    }
    int rc = stat_handle(h, st);
    CloseHandle(h);
    return rc;
}

int
platform_lstat(const char *path, struct platform_stat *st)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    HANDLE h =
        CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                    OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        errno = errno_of_last_error();
        return -1;
    }
    int rc = stat_handle(h, st);
    FILE_ATTRIBUTE_TAG_INFO tag;
    if (rc == 0 && GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag, sizeof(tag)) &&
        (tag.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
        st->kind = PLATFORM_OTHER;
    CloseHandle(h);
    return rc;
}

char *
platform_absolute(const char *path)
{
    wchar_t *w = wide_of(path);
    if (!w)
        return NULL;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    wchar_t *full = n ? malloc((size_t)n * sizeof(*full)) : NULL;
    DWORD got = full ? GetFullPathNameW(w, n, full, NULL) : 0;
    free(w);
    char *abs = got && got < n ? utf8_of(full) : NULL;
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

int
platform_fsync(int fd)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    if (!FlushFileBuffers(h)) {
        errno = errno_of_last_error();
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
        errno = errno_of_last_error();
    free(wf);
    free(wt);
    return ok ? 0 : -1;
}

int
platform_unlink(const char *path)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    int ok = DeleteFileW(w);
    if (!ok)
        errno = errno_of_last_error();
    free(w);
    return ok ? 0 : -1;
}

int
platform_mkdir(const char *path)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    int ok = CreateDirectoryW(w, NULL);
    if (!ok)
        errno = errno_of_last_error();
    free(w);
    return ok ? 0 : -1;
}

int
platform_rmdir(const char *path)
{
    wchar_t *w = win_path(path);
    if (!w)
        return -1;
    int ok = RemoveDirectoryW(w);
    if (!ok)
        errno = errno_of_last_error();
    free(w);
    return ok ? 0 : -1;
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
                                               : errno_of_last_error();
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
                errno = errno_of_last_error();
                return -1;
            }
        }
        d->pending = 0;
        const wchar_t *n = d->data.cFileName;
        if (wcscmp(n, L".") == 0 || wcscmp(n, L"..") == 0)
            continue;
        free(d->name);
        d->name = utf8_of(n);
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

/*
 * TZ in the POSIX form ("CET-1CEST,M3.5.0,M10.5.0/3", "<+0545>-5:45",
 * "EST5EDT"), honoured as on POSIX systems; Windows has no zone database,
 * so a zone name such as "Europe/Berlin" is not understood and the zone set
 * in Windows is used instead (as when TZ is not set).
 */
struct tz_rule {
    char kind;   /* 'M' (month.week.day), 'J' (Julian day 1..365, no Feb 29), 'D' (day 0..365) */
    int m, w, d; /* M: month, week 1..5, weekday 0..6; J/D: the day in d */
    long time;   /* seconds after local midnight (default 2 h) */
};

struct tz_posix {
    long std_off, dst_off; /* seconds to add to local time for UTC (west positive) */
    int has_dst;
    struct tz_rule start, end;
};

/* The zone name: letters, or anything between < and >. */
static const char *
tz_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q && q - p >= 2 ? q + 1 : NULL;
    }
    const char *q = p;
    while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))
        q++;
    return q - p >= 3 ? q : NULL;
}

/* [+|-]hh[:mm[:ss]] into *sec; NULL if malformed. */
static const char *
tz_time(const char *p, long *sec)
{
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    long part[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i && *p != ':')
            break;
        if (i)
            p++;
        if (*p < '0' || *p > '9')
            return NULL;
        long v = 0;
        while (*p >= '0' && *p <= '9' && v < 1000)
            v = v * 10 + (*p++ - '0');
        part[i] = v;
    }
    if (part[0] > 167 || part[1] > 59 || part[2] > 59)
        return NULL;
    *sec = (part[0] * 3600 + part[1] * 60 + part[2]) * (neg ? -1 : 1);
    return p;
}

static const char *
tz_number(const char *p, int *v)
{
    if (*p < '0' || *p > '9')
        return NULL;
    *v = 0;
    while (*p >= '0' && *p <= '9' && *v < 1000)
        *v = *v * 10 + (*p++ - '0');
    return p;
}

/* ",Mm.w.d[/time]", ",Jn[/time]" or ",n[/time]". */
static const char *
tz_rule(const char *p, struct tz_rule *r)
{
    if (*p++ != ',')
        return NULL;
    r->time = 7200;
    r->m = r->w = r->d = 0;
    if (*p == 'M') {
        r->kind = 'M';
        if (!(p = tz_number(p + 1, &r->m)) || *p++ != '.' || !(p = tz_number(p, &r->w)) ||
            *p++ != '.' || !(p = tz_number(p, &r->d)))
            return NULL;
        if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d > 6)
            return NULL;
    } else {
        r->kind = *p == 'J' ? 'J' : 'D';
        if (!(p = tz_number(p + (*p == 'J'), &r->d)) || r->d > 365 || (r->kind == 'J' && r->d < 1))
            return NULL;
    }
    if (*p == '/')
        p = tz_time(p + 1, &r->time);
    return p;
}

/* Parse a POSIX TZ value; 1 if it is one. */
static int
tz_parse(const char *p, struct tz_posix *z)
{
    memset(z, 0, sizeof(*z));
    if (!(p = tz_name(p)))
        return 0;
    if (*p == '\0') /* "UTC", "GMT": no offset */
        return 1;
    if (!(p = tz_time(p, &z->std_off)))
        return 0;
    if (*p == '\0')
        return 1;
    if (!(p = tz_name(p)))
        return 0;
    z->has_dst = 1;
    z->dst_off = z->std_off - 3600;
    if (*p && *p != ',' && !(p = tz_time(p, &z->dst_off)))
        return 0;
    if (*p == '\0') /* no rules: those of the United States */
        return tz_rule(",M3.2.0", &z->start) && tz_rule(",M11.1.0", &z->end);
    if (!(p = tz_rule(p, &z->start)) || !(p = tz_rule(p, &z->end)))
        return 0;
    return *p == '\0';
}

static int64_t
floor_div64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

static int
is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 -> year, month 1..12, day 1..31. */
static void
civil_of(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div64(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Local seconds (since the epoch, on the local scale) at which rule r fires in year y. */
static int64_t
tz_rule_local(const struct tz_rule *r, int64_t y)
{
    int64_t jan1 = xtime_days_from_civil(y, 1, 1), day;
    if (r->kind == 'J')
        day = jan1 + r->d - 1 + (is_leap(y) && r->d >= 60);
    else if (r->kind == 'D')
        day = jan1 + r->d;
    else {
        int64_t first = xtime_days_from_civil(y, (unsigned)r->m, 1);
        int64_t wday = floor_div64(first + 4, 7) * -7 + first + 4; /* 0 = Sunday */
        day = first + (r->d - wday + 7) % 7 + (int64_t)(r->w - 1) * 7;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int len = mdays[r->m - 1] + (r->m == 2 && is_leap(y));
        while (day >= first + len)
            day -= 7;
    }
    return day * 86400 + r->time;
}

/* Seconds to add to UTC for local time at instant t in zone z. */
static long
tz_offset(const struct tz_posix *z, int64_t t)
{
    if (!z->has_dst)
        return -z->std_off;
    int64_t y;
    int m, d;
    civil_of(floor_div64(t - z->std_off, 86400), &y, &m, &d);
    /* Transitions as UTC instants: start in standard time, end in daylight time. */
    int64_t start = tz_rule_local(&z->start, y) + z->std_off;
    int64_t end = tz_rule_local(&z->end, y) + z->dst_off;
    int dst = start < end ? t >= start && t < end : !(t >= end && t < start);
    return -(dst ? z->dst_off : z->std_off);
}

/* Split local seconds into *out. */
static void
tm_of(int64_t local, struct tm *out)
{
    int64_t days = floor_div64(local, 86400), y;
    int64_t secs = local - days * 86400;
    int m, d;
    civil_of(days, &y, &m, &d);
    memset(out, 0, sizeof(*out));
    out->tm_year = (int)(y - 1900);
    out->tm_mon = m - 1;
    out->tm_mday = d;
    out->tm_hour = (int)(secs / 3600);
    out->tm_min = (int)(secs / 60 % 60);
    out->tm_sec = (int)(secs % 60);
    out->tm_wday = (int)(days - floor_div64(days + 4, 7) * 7 + 4);
    out->tm_isdst = -1;
}

int
platform_localtime(time_t t, struct tm *out)
{
    const char *tz = getenv("TZ");
    struct tz_posix z;
    if (tz && *tz && tz_parse(tz[0] == ':' ? tz + 1 : tz, &z)) {
        tm_of((int64_t)t + tz_offset(&z, (int64_t)t), out);
        return 0;
    }
    /* FILETIME counts 100 ns from 1601-01-01; time_t seconds from 1970-01-01. */
    if (t < -11644473600LL || t > 910692730085LL)
        return -1;
    int64_t ticks = ((int64_t)t + 11644473600LL) * 10000000LL;
    FILETIME ft = {(DWORD)(ticks & 0xFFFFFFFF), (DWORD)((uint64_t)ticks >> 32)};
    SYSTEMTIME utc, local;
    DYNAMIC_TIME_ZONE_INFORMATION zone; /* with the rules of each year, not only this one's */
    if (GetDynamicTimeZoneInformation(&zone) == TIME_ZONE_ID_INVALID ||
        !FileTimeToSystemTime(&ft, &utc) || !SystemTimeToTzSpecificLocalTimeEx(&zone, &utc, &local))
        return -1;
    memset(out, 0, sizeof(*out));
    out->tm_year = local.wYear - 1900;
    out->tm_mon = local.wMonth - 1;
    out->tm_mday = local.wDay;
    out->tm_hour = local.wHour;
    out->tm_min = local.wMinute;
    out->tm_sec = local.wSecond;
    out->tm_wday = local.wDayOfWeek;
    out->tm_isdst = -1;
    return 0;
}

void
platform_end_if_reader_gone(FILE *out)
{
    int fd = out ? _fileno(out) : -1;
    HANDLE h = fd >= 0 ? (HANDLE)_get_osfhandle(fd) : INVALID_HANDLE_VALUE;
    if (h == INVALID_HANDLE_VALUE || GetFileType(h) != FILE_TYPE_PIPE)
        return;
    /* The C runtime keeps the system's error of the failed write in _doserrno. */
    unsigned long e = (unsigned long)_doserrno;
    DWORD done;
    if (e != ERROR_NO_DATA && e != ERROR_BROKEN_PIPE && !WriteFile(h, "", 0, &done, NULL))
        e = GetLastError();
    if (e == ERROR_NO_DATA || e == ERROR_BROKEN_PIPE || e == ERROR_PIPE_NOT_CONNECTED)
        _exit(141); /* 128 + SIGPIPE, the status a POSIX shell shows */
}

int
platform_isatty(int fd)
{
    if (fd < 0)
        return 0;
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    DWORD mode;
    return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode) != 0;
}

unsigned
platform_term_width(int fd)
{
    if (fd < 0)
        return 0;
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (h == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(h, &info))
        return 0;
    int w = info.srWindow.Right - info.srWindow.Left + 1;
    return w > 0 ? (unsigned)w : 0;
}

unsigned
platform_cpu_count(void)
{
    DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n > 0 ? (unsigned)n : 1;
}

/*
 * The C runtime has no open_memstream(): the stream is a temporary file
 * (deleted when closed, kept in memory by the cache as far as it can be),
 * read back into memory when closed.
 */
FILE *
platform_memstream(char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    wchar_t dir[MAX_PATH + 1], name[MAX_PATH + 1];
    DWORD n = GetTempPathW(MAX_PATH + 1, dir);
    if (n == 0 || n > MAX_PATH || !GetTempFileNameW(dir, L"xtl", 0, name))
        return NULL;
    HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        DeleteFileW(name);
        return NULL;
    }
    int fd = fd_of_handle(h, _O_RDWR);
    if (fd < 0)
        return NULL;
    FILE *f = _fdopen(fd, "w+b");
    if (!f)
        _close(fd);
    return f;
}

int
platform_memstream_close(FILE *f, char **buf, size_t *len)
{
    int bad = fflush(f) != 0 || ferror(f);
    long size = bad ? -1 : ftell(f);
    char *p = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (p) {
        rewind(f);
        if (size > 0 && fread(p, 1, (size_t)size, f) != (size_t)size) {
            free(p);
            p = NULL;
        }
    }
    if (fclose(f) != 0 || !p) {
        free(p);
        return EOF;
    }
    p[size] = '\0';
    *buf = p;
    *len = (size_t)size;
    return 0;
}

/* Dotted-quad IPv4, as POSIX inet_pton() takes it: four decimal parts of
 * 0..255, no leading zeros, nothing else. 1 if parsed. */
static int
parse_ipv4(const char *s, unsigned char out[4])
{
    unsigned char tmp[4];
    int parts = 0;
    while (parts < 4) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned v = 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned)(*s - '0');
            if (v > 255 || (s > start && *start == '0'))
                return 0;
            s++;
        }
        tmp[parts++] = (unsigned char)v;
        if (parts < 4) {
            if (*s != '.')
                return 0;
            s++;
        }
    }
    if (*s)
        return 0;
    memcpy(out, tmp, 4);
    return 1;
}

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* IPv6 text form (RFC 4291 2.2: groups, one "::", a dotted-quad tail). 1 if parsed. */
static int
parse_ipv6(const char *s, unsigned char out[16])
{
    unsigned char tmp[16] = {0};
    int n = 0, gap = -1; /* bytes filled; where "::" is */
    if (s[0] == ':') {
        if (s[1] != ':')
            return 0;
        s++;
    }
    const char *group = s;
    unsigned v = 0;
    int digits = 0;
    for (;;) {
        char c = *s++;
        int h = hex_value(c);
        if (h >= 0) {
            if (++digits > 4)
                return 0;
            v = v << 4 | (unsigned)h;
            continue;
        }
        if (c == ':') {
            group = s;
            if (!digits) {
                if (gap >= 0)
                    return 0;
                gap = n;
                continue;
            }
            if (*s == '\0' || n + 2 > 16)
                return 0;
            tmp[n++] = (unsigned char)(v >> 8);
            tmp[n++] = (unsigned char)v;
            v = 0;
            digits = 0;
            continue;
        }
        if (c == '.' && n + 4 <= 16 && parse_ipv4(group, tmp + n)) {
            n += 4;
            digits = 0;
            break;
        }
        if (c != '\0')
            return 0;
        break;
    }
    if (digits) {
        if (n + 2 > 16)
            return 0;
        tmp[n++] = (unsigned char)(v >> 8);
        tmp[n++] = (unsigned char)v;
    }
    if (gap >= 0) {
        if (n == 16)
            return 0;
        memmove(tmp + 16 - (n - gap), tmp + gap, (size_t)(n - gap));
        memset(tmp + gap, 0, (size_t)(16 - n));
        n = 16;
    }
    if (n != 16)
        return 0;
    memcpy(out, tmp, 16);
    return 1;
}

int
platform_parse_ip(const char *s, unsigned char out[16])
{
    if (parse_ipv4(s, out))
        return 4;
    if (parse_ipv6(s, out))
        return 16;
    return 0;
}

/*
 * memchr() for the hot loops of the reader: the C runtime's (msvcrt.dll)
 * compares byte by byte; this one 16 bytes at a time with SSE2 (every
 * x86-64 processor has it). Linked in place of the runtime's.
 */
void *
memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    unsigned char ch = (unsigned char)c;
    __m128i needle = _mm_set1_epi8((char)ch);
    while (n >= 16) {
        int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), needle));
        if (mask)
            return (void *)(p + __builtin_ctz((unsigned)mask));
        p += 16;
        n -= 16;
    }
    for (; n; n--, p++) {
        if (*p == ch)
            return (void *)p;
    }
    return NULL;
}

int
platform_setenv(const char *name, const char *value)
{
    if (_putenv_s(name, value) != 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}
