/* SPDX-License-Identifier: MIT */
/*
 * xlsx.c: Excel workbooks with libxlsxwriter (see xlsx.h).
 */
#include "xlsx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "agg.h"
#include "esc.h"
#include "isotime.h"

#define XLSX_MAX_ROW 1048575u   /* last row index of a sheet */
#define XLSX_MAX_UNITS 32767u   /* UTF-16 units in one cell */
#define XLSX_EPOCH_DAYS 25569.0 /* 1970-01-01 as an Excel serial day */

struct xlsx {
    lxw_workbook *wb;
    char dir[4096];  /* temporary folder */
    char path[4200]; /* the workbook in it */
    lxw_format *head, *count, *time, *day;
    lxw_worksheet *ws; /* sheet being written (sessions) */
    uint32_t row;      /* next row of ws */
    unsigned n_sheets;
    char *buf; /* one cell's text */
    size_t cap;
    enum extls_status st; /* first error */
};

/* Status of a libxlsxwriter result; the first error is kept in x->st. */
static enum extls_status
check(struct xlsx *x, lxw_error e)
{
    if (e == LXW_NO_ERROR)
        return x->st;
    if (x->st == EXTLS_OK) {
        x->st = e == LXW_ERROR_MEMORY_MALLOC_FAILED ? EXTLS_ENOMEM : EXTLS_EIO;
        if (x->st == EXTLS_EIO && !errno)
            errno = EIO;
    }
    return x->st;
}

static enum extls_status
open_book(struct xlsx *x, int64_t created_ms)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    memset(x, 0, sizeof(*x));
    if ((size_t)snprintf(x->dir, sizeof(x->dir), "%s/extls-XXXXXX", tmp) >= sizeof(x->dir)) {
        errno = ENAMETOOLONG;
        return EXTLS_EIO;
    }
    if (!mkdtemp(x->dir)) {
        x->dir[0] = '\0';
        return EXTLS_EIO;
    }
    snprintf(x->path, sizeof(x->path), "%s/extls.xlsx", x->dir);
    lxw_workbook_options opt = {
        .constant_memory = LXW_TRUE, .tmpdir = x->dir, .use_zip64 = LXW_TRUE};
    x->wb = workbook_new_opt(x->path, &opt);
    if (!x->wb)
        return EXTLS_ENOMEM;
    if (created_ms > 0) {
        /* The document's creation time: reproducible with SOURCE_DATE_EPOCH. */
        lxw_doc_properties props = {.created = (time_t)(created_ms / 1000)};
        if (workbook_set_properties(x->wb, &props) != LXW_NO_ERROR)
            return EXTLS_ENOMEM;
    }
    x->head = workbook_add_format(x->wb);
    x->count = workbook_add_format(x->wb);
    x->time = workbook_add_format(x->wb);
    x->day = workbook_add_format(x->wb);
    if (!x->head || !x->count || !x->time || !x->day)
        return EXTLS_ENOMEM;
    format_set_bold(x->head);
    format_set_num_format(x->count, "#,##0");
    format_set_num_format(x->time, "yyyy-mm-dd hh:mm:ss.000");
    format_set_num_format(x->day, "yyyy-mm-dd");
    return EXTLS_OK;
}

/* Remove the temporary workbook and its folder (libxlsxwriter removes its own files). */
static void
close_book(struct xlsx *x)
{
    if (x->wb) {
        workbook_close(x->wb);
        x->wb = NULL;
    }
    if (x->path[0])
        unlink(x->path);
    if (x->dir[0])
        rmdir(x->dir);
    free(x->buf);
    x->buf = NULL;
}

/* Does s start with "_xHHHH_", which spreadsheets read as an escaped character? */
static int
xml_escape_like(const unsigned char *s, size_t len)
{
    if (len < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
        return 0;
    for (int k = 2; k < 6; k++) {
        if (!strchr("0123456789ABCDEFabcdef", s[k]) || !s[k])
            return 0;
    }
    return 1;
}

/* s[0..len) as the NUL-terminated text of a cell in x->buf (see xlsx.h); NULL on ENOMEM. */
static const char *
cell_text(struct xlsx *x, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t need = 3 * len + 1; /* every input byte becomes at most 3 output bytes */
    if (need > x->cap) {
        char *p = realloc(x->buf, need);
        if (!p)
            return NULL;
        x->buf = p;
        x->cap = need;
    }
    size_t o = 0, units = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = esc_utf8_next(s + i, len - i, &cp);
        char rep[3] = "\xEF\xBF\xBD"; /* U+FFFD for a byte that starts no character */
        int replaced = n == 0 || esc_visible(cp, rep);
        unsigned u = n == 4 ? 2 : 1;
        int escape = xml_escape_like(s + i, len - i);
        if (units + u + (escape ? 6 : 0) > XLSX_MAX_UNITS)
            break;
        units += u + (escape ? 6 : 0);
        if (escape) { /* Excel would read "_x0041_" as "A": write its underscore as _x005F_ */
            memcpy(x->buf + o, "_x005F", 6);
            o += 6;
        }
        if (replaced) {
            memcpy(x->buf + o, rep, 3);
            o += 3;
        } else {
            memcpy(x->buf + o, s + i, n);
            o += n;
        }
        i += n ? n : 1;
    }
    x->buf[o] = '\0';
    return x->buf;
}

/* A logged or fixed string: always a string cell (never a formula), nothing for "". */
static void
put_text(struct xlsx *x, lxw_worksheet *ws, uint32_t row, uint16_t col, const char *s, size_t len)
{
    if (!len)
        return;
    const char *t = cell_text(x, s, len);
    if (!t) {
        if (x->st == EXTLS_OK)
            x->st = EXTLS_ENOMEM;
        return;
    }
    check(x, worksheet_write_string(ws, row, col, t, NULL));
}

static void
put_count(struct xlsx *x, lxw_worksheet *ws, uint32_t row, uint16_t col, uint64_t v)
{
    check(x, worksheet_write_number(ws, row, col, (double)v, x->count));
}

/* A UTC instant as a date-time cell; nothing for "no time" (INT64_MIN/MAX). */
static void
put_time(struct xlsx *x, lxw_worksheet *ws, uint32_t row, uint16_t col, int64_t ms)
{
    if (ms == INT64_MIN || ms == INT64_MAX)
        return;
    int64_t whole = ms / 86400000; /* days and the fraction apart: exact to the ms */
    double days = (double)whole + (double)(ms % 86400000) / 86400000.0;
    check(x, worksheet_write_number(ws, row, col, days + XLSX_EPOCH_DAYS, x->time));
}

/* A day key "yyyy-mm-dd" as a date cell (anything else as text). */
static void
put_day(struct xlsx *x, lxw_worksheet *ws, uint32_t row, uint16_t col, struct span f)
{
    const char *p = f.ptr;
    int digits = f.len == 10 && p[4] == '-' && p[7] == '-';
    for (size_t i = 0; digits && i < 10; i++)
        digits = i == 4 || i == 7 || (p[i] >= '0' && p[i] <= '9');
    if (digits) {
        unsigned y =
            (unsigned)((p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'));
        unsigned m = (unsigned)((p[5] - '0') * 10 + (p[6] - '0'));
        unsigned d = (unsigned)((p[8] - '0') * 10 + (p[9] - '0'));
        if (m >= 1 && m <= 12 && d >= 1 && d <= 31) {
            double serial = (double)isotime_days_from_civil(y, m, d) + XLSX_EPOCH_DAYS;
            check(x, worksheet_write_number(ws, row, col, serial, x->day));
            return;
        }
    }
    put_text(x, ws, row, col, f.ptr, f.len);
}

/* A new sheet with its header row (frozen) and column widths. */
static lxw_worksheet *
add_sheet(struct xlsx *x, const char *name, const char *const *heads, const double *widths,
          uint16_t n)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (!ws) {
        if (x->st == EXTLS_OK)
            x->st = EXTLS_ENOMEM;
        return NULL;
    }
    x->n_sheets++;
    worksheet_freeze_panes(ws, 1, 0);
    for (uint16_t c = 0; c < n; c++) {
        check(x, worksheet_set_column(ws, c, c, widths[c], NULL));
        check(x, worksheet_write_string(ws, 0, c, heads[c], x->head));
    }
    return ws;
}

static void
finish_sheet(struct xlsx *x, lxw_worksheet *ws, uint32_t rows, uint16_t n_cols)
{
    check(x, worksheet_autofilter(ws, 0, 0, rows ? rows : 1, (lxw_col_t)(n_cols - 1)));
}

/* Copy the finished workbook to out. */
static enum extls_status
copy_out(struct xlsx *x, FILE *out)
{
    lxw_error e = workbook_close(x->wb);
    x->wb = NULL;
    if (e != LXW_NO_ERROR)
        return check(x, e);
    if (x->st != EXTLS_OK)
        return x->st;
    FILE *in = fopen(x->path, "rb");
    if (!in)
        return EXTLS_EIO;
    char buf[1 << 15];
    size_t n;
    int bad = 0;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (fwrite(buf, 1, n, out) != n) {
            bad = 1;
            break;
        }
    }
    if (ferror(in))
        bad = 1;
    fclose(in);
    if (bad || fflush(out) != 0 || ferror(out))
        return EXTLS_EIO;
    return EXTLS_OK;
}

/* ---- the report ---- */

#define CLASS_WIDTH 9.0

/* One group sheet: its key columns, sessions, classes, first, last. */
static void
group_sheet(struct xlsx *x, const char *name, struct agg *a, const enum agg_key *keys, size_t nk,
            int with_host)
{
    const char *heads[16];
    double widths[16];
    uint16_t n = 0;
    for (size_t i = 0; i < nk; i++) {
        heads[n] = agg_key_name(keys[i]);
        widths[n++] = keys[i] == AGG_DIRECTION ? 10 : keys[i] == AGG_DAY ? 12 : 36;
    }
    if (with_host)
        heads[n] = "ehlo", widths[n++] = 36;
    heads[n] = "sessions", widths[n++] = 10;
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        heads[n] = extls_class_name((enum extls_class)c), widths[n++] = CLASS_WIDTH;
    heads[n] = "first", widths[n++] = 24;
    heads[n] = "last", widths[n++] = 24;
    lxw_worksheet *ws = add_sheet(x, name, heads, widths, n);
    if (!ws)
        return;
    const struct agg_group *const *v = agg_sorted(a);
    size_t rows = agg_size(a);
    if (rows && !v) {
        x->st = EXTLS_ENOMEM;
        return;
    }
    if (rows > XLSX_MAX_ROW)
        rows = XLSX_MAX_ROW; /* a million groups: the rest are in the JSON report only */
    for (size_t g = 0; g < rows && x->st == EXTLS_OK; g++) {
        uint32_t row = (uint32_t)g + 1;
        uint16_t c = 0;
        for (size_t i = 0; i < nk; i++, c++) {
            if (keys[i] == AGG_DAY)
                put_day(x, ws, row, c, v[g]->key[keys[i]]);
            else
                put_text(x, ws, row, c, v[g]->key[keys[i]].ptr, v[g]->key[keys[i]].len);
        }
        if (with_host)
            put_text(x, ws, row, c++, v[g]->host.ptr, v[g]->host.len);
        put_count(x, ws, row, c++, v[g]->sessions);
        for (int k = 0; k < EXTLS_N_CLASSES; k++)
            put_count(x, ws, row, c++, v[g]->count[k]);
        put_time(x, ws, row, c++, v[g]->first_ms);
        put_time(x, ws, row, c++, v[g]->last_ms);
    }
    finish_sheet(x, ws, (uint32_t)rows, n);
}

static void
totals_sheet(struct xlsx *x, const struct report_totals *t)
{
    static const char *const heads[] = {"total", "value"};
    static const double widths[] = {20, 24};
    lxw_worksheet *ws = add_sheet(x, "totals", heads, widths, 2);
    if (!ws)
        return;
    const struct {
        const char *name;
        uint64_t v;
    } rows[] = {
        {"files", t->files},
        {"rows", t->rows},
        {"malformed_rows", t->malformed},
        {"sessions", t->sessions},
        {"files_skipped", t->files_skipped},
        {"files_failed", t->files_failed},
        {"sessions_excluded", t->excluded},
    };
    uint32_t r = 1;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++, r++) {
        put_text(x, ws, r, 0, rows[i].name, strlen(rows[i].name));
        put_count(x, ws, r, 1, rows[i].v);
    }
    put_text(x, ws, r, 0, "first", 5);
    put_time(x, ws, r++, 1, t->first_ms);
    put_text(x, ws, r, 0, "last", 4);
    put_time(x, ws, r, 1, t->last_ms);
    finish_sheet(x, ws, r, 2);
}

int
xlsx_available(void)
{
    return 1;
}

enum extls_status
xlsx_write_report(FILE *out, struct report *r)
{
    static const enum agg_key conn[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote[] = {AGG_DIRECTION, AGG_REMOTE};
    static const enum agg_key day[] = {AGG_DAY};
    struct xlsx x;
    enum extls_status st = open_book(&x, r->generated_ms);
    if (st == EXTLS_OK) {
        group_sheet(&x, "connectors", r->by_connector, conn, 2, 0);
        if (r->by_remote)
            group_sheet(&x, "remote hosts", r->by_remote, remote, 2, 1);
        if (r->by_day)
            group_sheet(&x, "days", r->by_day, day, 1, 0);
        totals_sheet(&x, &r->totals);
        st = copy_out(&x, out);
    }
    int saved = errno;
    close_book(&x);
    errno = saved;
    return st;
}

/* ---- session records ---- */

static double
column_width(size_t c, enum export_kind kind)
{
    if (kind == EXPORT_TIME)
        return 24;
    if (kind == EXPORT_NUM || c == 0 || c == 4)
        return 10;
    return 30;
}

static enum extls_status
sessions_sheet(struct xlsx *x)
{
    const char *heads[EXPORT_N_COLUMNS];
    double widths[EXPORT_N_COLUMNS];
    for (size_t c = 0; c < EXPORT_N_COLUMNS; c++) {
        enum export_kind kind;
        heads[c] = export_column(c, &kind);
        widths[c] = column_width(c, kind);
    }
    char name[32];
    if (x->n_sheets)
        snprintf(name, sizeof(name), "sessions %u", x->n_sheets + 1);
    else
        snprintf(name, sizeof(name), "sessions");
    x->ws = add_sheet(x, name, heads, widths, EXPORT_N_COLUMNS);
    x->row = 1;
    return x->st;
}

struct xlsx *
xlsx_sessions_new(int64_t created_ms, enum extls_status *st)
{
    struct xlsx *x = malloc(sizeof(*x));
    if (!x) {
        *st = EXTLS_ENOMEM;
        return NULL;
    }
    *st = open_book(x, created_ms);
    if (*st == EXTLS_OK)
        *st = sessions_sheet(x);
    if (*st != EXTLS_OK) {
        int saved = errno;
        xlsx_free(x);
        errno = saved;
        return NULL;
    }
    return x;
}

enum extls_status
xlsx_session(struct xlsx *x, const struct export_record *rec)
{
    if (x->st != EXTLS_OK)
        return x->st;
    if (x->row > XLSX_MAX_ROW) {
        finish_sheet(x, x->ws, x->row - 1, EXPORT_N_COLUMNS);
        if (sessions_sheet(x) != EXTLS_OK)
            return x->st;
    }
    for (size_t c = 0; c < EXPORT_N_COLUMNS; c++) {
        enum export_kind kind;
        export_column(c, &kind);
        if (kind == EXPORT_TIME)
            put_time(x, x->ws, x->row, (uint16_t)c, rec->num[c]);
        else if (kind == EXPORT_NUM && rec->present[c])
            put_count(x, x->ws, x->row, (uint16_t)c, (uint64_t)rec->num[c]);
        else if (kind == EXPORT_TEXT)
            put_text(x, x->ws, x->row, (uint16_t)c, rec->text[c], rec->len[c]);
    }
    x->row++;
    return x->st;
}

enum extls_status
xlsx_finish(struct xlsx *x, FILE *out)
{
    if (x->st == EXTLS_OK)
        finish_sheet(x, x->ws, x->row - 1, EXPORT_N_COLUMNS);
    return copy_out(x, out);
}

void
xlsx_free(struct xlsx *x)
{
    if (!x)
        return;
    close_book(x);
    free(x);
}
