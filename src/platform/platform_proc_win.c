/* SPDX-License-Identifier: MIT */
/*
 * platform_proc_win.c: the platform interface on Windows (mingw-w64) for
 * the process as a whole (see platform.h): the UTF-8 command line, binary
 * standard streams and the console's code page, pipes whose reader has
 * gone, the terminal, processors, the environment, local time in the
 * machine's zone, memory streams, and a faster memchr(). Files and folders:
 * platform_win.c.
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

#include "platform_win_int.h"
#include "tzrule.h"

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
            v[i] = win_utf8_of(wargv[i]);
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

/* The handle of descriptor fd; INVALID_HANDLE_VALUE if fd is not open (or < 0). */
static HANDLE
handle_of(int fd)
{
    return fd < 0 ? INVALID_HANDLE_VALUE : (HANDLE)_get_osfhandle(fd);
}

void
platform_end_if_reader_gone(FILE *out)
{
    int fd = out ? _fileno(out) : -1;
    HANDLE h = handle_of(fd);
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

unsigned
platform_cpu_count(void)
{
    /* every processor group, not only the one this thread runs in */
    DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n ? (unsigned)n : 1;
}

int
platform_process_alive(long pid)
{
    if (pid <= 0 || pid > (long)MAXDWORD)
        return 0;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    if (!h)
        return GetLastError() == ERROR_ACCESS_DENIED; /* exists, not ours to look at */
    DWORD code = 0;
    int alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
    CloseHandle(h);
    return alive;
}

int
platform_isatty(int fd)
{
    HANDLE h = handle_of(fd);
    DWORD mode;
    return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode) != 0;
}

unsigned
platform_term_width(int fd)
{
    HANDLE h = handle_of(fd);
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (h == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(h, &info))
        return 0;
    int w = info.srWindow.Right - info.srWindow.Left + 1;
    return w > 0 ? (unsigned)w : 0;
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
    int fd = win_fd_of_handle(h, _O_RDWR);
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

int
platform_localtime(time_t t, struct tm *out)
{
    /* TZ in the POSIX form is honoured as on POSIX systems; Windows has no
     * zone database, so a name such as "Europe/Berlin" is not understood
     * and the zone set in Windows is used instead (as when TZ is not set). */
    const char *tz = getenv("TZ");
    if (tz && *tz && tzrule_localtime(tz[0] == ':' ? tz + 1 : tz, t, out) == 0)
        return 0;
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
