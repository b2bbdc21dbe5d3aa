/* SPDX-License-Identifier: MIT */
/*
 * diag.c: diagnostics of a run: the escaped message lines, errors of the run and of the input a
 * worker reads, malformed rows, the walk's and the arguments' messages.
 */
#include "run.h"
#include "run_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"

/*
 * One diagnostic line: prefix, then the message with control characters
 * and invalid UTF-8 written as \xHH (esc_text()), so that a file name or an
 * argument cannot break the line or drive the terminal.
 */
static void
vdiag(FILE *out, const char *prefix, const char *fmt, va_list ap)
{
    char small[512], *s = small;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof(small), fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(small)) {
        s = malloc((size_t)n + 1);
        if (s)
            vsnprintf(s, (size_t)n + 1, fmt, ap);
        else
            s = small, n = (int)sizeof(small) - 1;
    }
    fputs(prefix, out);
    esc_text(out, s, (size_t)n);
    putc('\n', out);
    if (s != small)
        free(s);
}

void
diag_line(FILE *out, const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(out, prefix, fmt, ap);
    va_end(ap);
}

/* An error line on out; the message is also kept in first[] when that is still empty. */
static void
verror(FILE *out, char *first, size_t first_len, const char *fmt, va_list ap)
{
    if (!first[0]) {
        va_list copy;
        va_copy(copy, ap);
        vsnprintf(first, first_len, fmt, copy);
        va_end(copy);
    }
    vdiag(out, "extls: ", fmt, ap);
}

void
run_error(struct run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    progress_clear(r->progress);
    verror(r->err, r->first_error, sizeof(r->first_error), fmt, ap);
    va_end(ap);
}

/* A note (not an error) in the current input's diagnostics. */
void
diag_wnote(struct worker *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(w->diag, "extls: ", fmt, ap);
    va_end(ap);
}

/* An error line in the current input's diagnostics (the first is kept). */
void
run_werror(struct worker *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(w->diag, w->res->error, sizeof(w->res->error), fmt, ap);
    va_end(ap);
}

const char *
run_display_path(const struct run *r, uint32_t idx)
{
    const char *p = r->inputs.v[idx].path;
    return strcmp(p, "-") == 0 ? "(standard input)" : p;
}

#define MSG_TEXT 512 /* longest message of a located line */

/*
 * "extls: PATH:LINE: message" in the diagnostics of the input a worker
 * reads; an error is kept as its first (for --nagios) unless one is. In a
 * piece of an input read in pieces (split.c) the line number is relative
 * to the piece: it is written between two DIAG_LINE_MARK bytes, and a row
 * named as malformed starts with DIAG_NAMED_ROW, for the merge to rewrite
 * (escaped text never holds those bytes).
 */
enum wat_kind { WAT_NOTE, WAT_ERROR, WAT_NAMED_ROW };

static void
wat(struct worker *w, enum wat_kind kind, uint64_t line, const char *msg)
{
    const char *path = run_display_path(w->run, w->cur);
    const char *loc =
        w->piece ? "%s:" DIAG_LINE_MARK_S "%llu" DIAG_LINE_MARK_S ": %s" : "%s:%llu: %s";
    if (kind == WAT_ERROR && !w->res->error[0])
        snprintf(w->res->error, sizeof(w->res->error), loc, path, (unsigned long long)line, msg);
    if (kind == WAT_NAMED_ROW && w->piece)
        putc(DIAG_NAMED_ROW, w->diag);
    fputs("extls: ", w->diag);
    esc_text(w->diag, path, strlen(path));
    fprintf(w->diag, w->piece ? ":" DIAG_LINE_MARK_S "%llu" DIAG_LINE_MARK_S ": " : ":%llu: ",
            (unsigned long long)line);
    esc_text(w->diag, msg, strlen(msg));
    putc('\n', w->diag);
}

void
diag_wnote_at(struct worker *w, uint64_t line, const char *fmt, ...)
{
    char msg[MSG_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    wat(w, WAT_NOTE, line, msg);
}

void
diag_malformed(struct worker *w, uint64_t line, const char *why)
{
    const struct cli_config *cfg = w->run->cfg;
    w->tally.totals.malformed++;
    w->cur_malformed++;
    if (!cfg->quiet && (cfg->verbose || w->cur_malformed <= MALFORMED_SHOWN))
        wat(w, WAT_NAMED_ROW, line, why);
}

enum extls_status
diag_on_problem(enum reader_problem kind, uint64_t line, const char *msg, void *user)
{
    struct worker *w = user;
    switch (kind) {
    case READER_MALFORMED_ROW:
        diag_malformed(w, line, msg);
        break;
    case READER_WRONG_LOG:
        if (w->run->inputs.v[w->cur].from_dir &&
            reader_stats(w->reader)->kind != EXTLS_KIND_PROTOCOL) {
            /* Not a protocol log, in a walked folder: skip it (counted by kind). */
            w->res->skipped = 1;
            if (w->run->cfg->verbose)
                diag_wnote(w, "%s: skipped: %s", run_display_path(w->run, w->cur), msg);
            break;
        }
        /* fall through */
    case READER_FILE_ERROR: {
        char text[MSG_TEXT];
        snprintf(text, sizeof(text), "%s; rest of file skipped", msg);
        wat(w, WAT_ERROR, line, text);
        w->res->errors++;
        break;
    }
    }
    return EXTLS_OK;
}

/*
 * A hint for a path that does not exist but reads like a word of the
 * command line put in the wrong place ("extls -q sessions FILE", "extls
 * -f csv json FILE"): "" otherwise.
 */
static const char *
misplaced_hint(const char *path, int errnum)
{
    static const char *const values[] = {"json",  "jsonl", "csv",       "tsv",     "html",
                                         "table", "xlsx",  "excel-csv", "receive", "send",
                                         "new",   "all",   "utc",       "local"};
    if (errnum != ENOENT)
        return "";
    if (strcmp(path, "sessions") == 0 || strcmp(path, "merge") == 0)
        return " (a subcommand goes first: extls sessions|merge [OPTIONS] PATH...)";
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        if (strcmp(path, values[i]) == 0)
            return " (an option value goes right after its option, e.g. --format csv, "
                   "--direction send)";
    }
    return "";
}

void
diag_walk_error(const char *path, int errnum, void *user)
{
    struct run *r = user;
    run_error(r, "%s: %s%s", path, strerror(errnum), misplaced_hint(path, errnum));
}

/* --verbose: a file of a walked folder skipped by its name or type. */
void
diag_walk_skip(const char *path, void *user)
{
    struct run *r = user;
    diag_line(r->err, "extls: ", "%s: skipped: not named *.log or *.log.gz, or not a regular file",
              path);
}

/*
 * "PATH: no SMTP protocol logs found (what it holds instead)", as an error,
 * for path argument i.
 */
static void
no_logs_error(struct run *r, size_t i)
{
    const struct arg_found *f = &r->found[i];
    char what[512];
    size_t at = 0;
    what[0] = '\0';
    for (int k = 0; k < EXTLS_N_KINDS && at < sizeof(what); k++) {
        if (f->kind[k])
            at += (size_t)snprintf(what + at, sizeof(what) - at, "%s%llu %s", at ? ", " : "",
                                   (unsigned long long)f->kind[k],
                                   extls_kind_name((enum extls_kind)k, f->kind[k]));
    }
    const char *path = strcmp(r->cfg->paths[i], "-") == 0 ? "(standard input)" : r->cfg->paths[i];
    int is_dir = i < r->inputs.n_args && r->inputs.args[i].is_dir;
    if (f->malformed_only && !is_dir)
        run_error(r, "%s: no valid row read (malformed rows only)", path);
    else if (f->malformed_only)
        run_error(r, "%s: no valid row read (%llu file%s of malformed rows only%s%s)", path,
                  (unsigned long long)f->malformed_only, f->malformed_only == 1 ? "" : "s",
                  at ? ", " : "", what);
    else
        run_error(r, "%s: no SMTP protocol logs found (%s)", path, at ? what : "no files");
}

/*
 * Nothing seen is not clean: a folder argument in which no SMTP protocol
 * log was found (an empty folder, a failed mount, logging switched off, only
 * other logs, or files named like protocol logs whose rows were all
 * malformed), and, when no argument gave any, every argument that did not
 * already fail, is an error. Returns the number of such errors.
 */
int
diag_check_found(struct run *r)
{
    int errors = 0, any = 0;
    for (size_t i = 0; i < r->cfg->n_paths; i++)
        any |= r->found[i].protocol != 0;
    for (size_t i = 0; i < r->cfg->n_paths; i++) {
        const struct arg_found *f = &r->found[i];
        int is_dir = i < r->inputs.n_args && r->inputs.args[i].is_dir;
        int failed = f->errors || (i < r->inputs.n_args && r->inputs.args[i].errors);
        /* A file read through another argument is judged there. */
        int again = i < r->inputs.n_args && r->inputs.args[i].again;
        if (f->protocol || failed || again || (!is_dir && any))
            continue;
        no_logs_error(r, i);
        errors++;
    }
    return errors;
}

/*
 * Rows were read and every one was malformed (a binary or foreign file named
 * like a protocol log, a damaged copy, junk appended since the last --state
 * run): nothing was seen, said once as an error, unless diag_check_found()
 * already said it per path. Returns the number of errors (0 or 1); `rows`
 * are the good rows read.
 */
int
diag_check_rows(struct run *r, uint64_t rows, int found_errors)
{
    uint64_t bad = r->main.totals.malformed;
    if (rows || !bad || found_errors)
        return 0;
    run_error(r,
              "no valid row read: all %llu row%s malformed (not SMTP protocol logs, or damaged "
              "ones)",
              (unsigned long long)bad, bad == 1 ? " was" : "s were");
    return 1;
}
