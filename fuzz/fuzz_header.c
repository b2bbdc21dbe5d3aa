/* SPDX-License-Identifier: MIT */
/*
 * fuzz_header.c: header lines ("#Log-type:", "#Fields:", any other '#'
 * line) against an independent model of what reader.h promises. The input
 * is cut into lines at LF; every line is fed to the reader (a direction
 * hint taken from the input's hash: none, receive or send). The model
 * predicts, line by line, whether the input is rejected, the direction and
 * the column map; then probe rows are fed: one with as many fields as the
 * last accepted "#Fields:" names, each field naming its position, which
 * must arrive with every known column taken from the predicted position
 * (or empty when absent), and one with a field too many, which must be
 * malformed with the exact message.
 */
#include <string.h>

#include "fuzz.h"
#include "reader.h"

#define MODEL_MAX_COLUMNS 64

struct model {
    int rejected;
    enum extls_dir dir;
    unsigned n_fields;
    int pos[READER_N_COLS];
    int protocol; /* a valid #Log-type or #Fields line, or a first data line, said what it is */
};

struct seen {
    uint64_t probe_line; /* line of the full probe row */
    int probe_rows;      /* probe rows delivered */
    int probe_bad;       /* the short/long probe reported malformed */
    char bad_msg[128];
    const struct model *m;
};

static int
is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

/* The value after "#<name>:" in [s, s+n), trimmed of spaces and tabs, or NULL. */
static const char *
model_value(const char *s, size_t n, const char *name, size_t *vlen)
{
    size_t k = strlen(name);
    if (n < 2 + k || s[0] != '#' || strncmp(s + 1, name, k) != 0 || s[1 + k] != ':')
        return NULL;
    const char *v = s + 2 + k, *end = s + n;
    while (v < end && is_blank_char(*v))
        v++;
    while (end > v && is_blank_char(end[-1]))
        end--;
    *vlen = (size_t)(end - v);
    return v;
}

/* The model of a "#Fields:" value; 0 when the reader must reject it. */
static int
model_fields(struct model *m, const char *v, size_t n)
{
    static const char *const names[READER_N_COLS] = {
        "date-time",       "connector-id", "session-id", "sequence-number", "local-endpoint",
        "remote-endpoint", "event",        "data",       "context"};
    int pos[READER_N_COLS];
    for (int c = 0; c < READER_N_COLS; c++)
        pos[c] = -1;
    unsigned count = 0;
    size_t i = 0;
    for (;;) {
        size_t j = i;
        while (j < n && v[j] != ',')
            j++;
        if (count == MODEL_MAX_COLUMNS)
            return 0;
        size_t a = i, b = j;
        while (a < b && is_blank_char(v[a]))
            a++;
        while (b > a && is_blank_char(v[b - 1]))
            b--;
        for (int c = 0; c < READER_N_COLS; c++) {
            if (b - a == strlen(names[c]) && memcmp(v + a, names[c], b - a) == 0) {
                if (pos[c] >= 0)
                    return 0;
                pos[c] = (int)count;
            }
        }
        count++;
        if (j == n)
            break;
        i = j + 1;
    }
    for (int c = 0; c < READER_N_COLS; c++) {
        if (pos[c] < 0 && c != READER_LOCAL_ENDPOINT)
            return 0;
    }
    memcpy(m->pos, pos, sizeof(pos));
    m->n_fields = count;
    return 1;
}

/* Advance the model by one physical line (without its LF). */
static void
model_line(struct model *m, const char *s, size_t n)
{
    if (m->rejected)
        return;
    if (n && s[n - 1] == '\r')
        n--;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (n == 0)
        return;
    size_t vlen;
    const char *v;
    if (s[0] != '#') {
        if (m->dir == EXTLS_DIR_UNKNOWN) {
            m->rejected = 1; /* a data row of unknown direction */
            return;
        }
        if (!m->protocol) {
            /* The first data line under a direction from the name: binary data
             * when it holds a control byte (not TAB) and too few commas for a row. */
            int control = 0;
            unsigned commas = 0;
            for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                control |= (c < 0x20 && c != '\t') || c == 0x7f;
                commas += c == ',';
            }
            if (control && commas + 1 < m->n_fields)
                m->rejected = 1;
            m->protocol = 1;
        }
        return;
    }
    if ((v = model_value(s, n, "Log-type", &vlen)) != NULL) {
        if (vlen == 25 && memcmp(v, "SMTP Receive Protocol Log", 25) == 0)
            m->dir = EXTLS_DIR_RECEIVE;
        else if (vlen == 22 && memcmp(v, "SMTP Send Protocol Log", 22) == 0)
            m->dir = EXTLS_DIR_SEND;
        else
            m->rejected = 1;
        m->protocol |= !m->rejected;
    } else if ((v = model_value(s, n, "Fields", &vlen)) != NULL) {
        if (!model_fields(m, v, vlen))
            m->rejected = 1;
        m->protocol |= !m->rejected;
    }
}

static enum extls_status
on_row(const struct reader_row *row, void *user)
{
    struct seen *z = user;
    if (!z->probe_line || row->line != z->probe_line)
        return EXTLS_OK; /* a data line of the input itself */
    const struct model *m = z->m;
    FUZZ_CHECK(row->dir == m->dir);
    for (int c = 0; c < READER_N_COLS; c++) {
        char want[16] = "";
        if (m->pos[c] >= 0)
            snprintf(want, sizeof(want), "v%d", m->pos[c]);
        FUZZ_CHECK(row->col[c].len == strlen(want));
        FUZZ_CHECK(memcmp(row->col[c].ptr, want, row->col[c].len) == 0);
    }
    z->probe_rows++;
    return EXTLS_OK;
}

static enum extls_status
on_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    struct seen *z = user;
    if (z->probe_line && line == z->probe_line + 1) {
        FUZZ_CHECK(kind == READER_MALFORMED_ROW);
        snprintf(z->bad_msg, sizeof(z->bad_msg), "%s", msg);
        z->probe_bad++;
    }
    return EXTLS_OK;
}

/* "v0,v1,...,v<n-1>\n" */
static size_t
probe_row(char *buf, size_t cap, unsigned n)
{
    size_t len = 0;
    for (unsigned i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%sv%u", i ? "," : "", i);
    buf[len++] = '\n';
    return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct reader *r;
    static struct seen z;
    if (!r) {
        struct reader_callbacks cb = {on_row, on_problem, &z};
        r = reader_new(&cb);
        FUZZ_CHECK(r != NULL);
    }
    if (size > 65536)
        return 0; /* long lines are the pipeline target's business */
    uint64_t h = 0;
    for (size_t i = 0; i < size; i++)
        h = h * 31 + data[i];
    struct model m = {0, (enum extls_dir)(h % 3), READER_N_COLS, {0}, 0};
    for (int c = 0; c < READER_N_COLS; c++)
        m.pos[c] = c;
    memset(&z, 0, sizeof(z));
    z.m = &m;

    reader_begin(r, m.dir);
    const char *s = (const char *)data;
    uint64_t lines = 0;
    for (size_t start = 0; start < size;) {
        const char *nl = memchr(s + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - s) : size;
        model_line(&m, s + start, end - start);
        FUZZ_CHECK(reader_feed(r, s + start, end - start) == EXTLS_OK);
        FUZZ_CHECK(reader_feed(r, "\n", 1) == EXTLS_OK);
        lines++;
        start = end + 1;
    }
    const struct reader_stats *st = reader_stats(r);
    FUZZ_CHECK(st->lines == lines);
    FUZZ_CHECK(!st->rejected == !m.rejected);
    if (m.rejected)
        return 0;

    /* Probe rows: exactly n_fields fields, then one too many. */
    static char buf[MODEL_MAX_COLUMNS * 8 + 16];
    z.probe_line = lines + 1;
    if (m.dir != EXTLS_DIR_UNKNOWN) {
        FUZZ_CHECK(reader_feed(r, buf, probe_row(buf, sizeof(buf), m.n_fields)) == EXTLS_OK);
        FUZZ_CHECK(z.probe_rows == 1);
        FUZZ_CHECK(reader_feed(r, buf, probe_row(buf, sizeof(buf), m.n_fields + 1)) == EXTLS_OK);
        char want[64];
        snprintf(want, sizeof(want), "expected %u fields, found %u", m.n_fields, m.n_fields + 1);
        FUZZ_CHECK(z.probe_bad == 1 && strcmp(z.bad_msg, want) == 0);
    } else {
        /* No direction yet: the first data row rejects the input. */
        FUZZ_CHECK(reader_feed(r, buf, probe_row(buf, sizeof(buf), m.n_fields)) == EXTLS_OK);
        FUZZ_CHECK(z.probe_rows == 0 && reader_stats(r)->rejected);
    }
    FUZZ_CHECK(reader_finish(r) == EXTLS_OK);
    return 0;
}
