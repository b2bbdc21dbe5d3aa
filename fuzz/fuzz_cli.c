/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cli.c: cli_parse() on arbitrary command lines. Byte 0 sets the size
 * of the error buffer (1..256); the rest is cut at NUL bytes into
 * arguments after "extls". Checked on every input: a usage error leaves a
 * NUL-terminated, non-empty message within the buffer (it quotes the
 * argument as given, line breaks included); an
 * accepted command line yields a configuration inside its documented
 * ranges (a known format and direction, distinct --by keys, --jobs within
 * 1..CLI_MAX_JOBS or 0, --fail-on classes only, --since before --until, at
 * least one path unless --help/--version, the paths taken from the
 * arguments); and parsing the same arguments again (cli_parse() resets
 * getopt_long()) gives the same result.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"

#define MAX_ARGS 64

static void
check_config(const struct cli_config *c, char **argv, int argc)
{
    FUZZ_CHECK(c->command == CLI_REPORT || c->command == CLI_SESSIONS || c->command == CLI_MERGE);
    FUZZ_CHECK((unsigned)c->format <= REPORT_XLSX);
    FUZZ_CHECK((c->n_by >= 1 || c->command == CLI_MERGE) && c->n_by <= AGG_N_KEYS);
    for (size_t i = 0; i < c->n_by; i++) {
        FUZZ_CHECK((unsigned)c->by[i] < AGG_N_KEYS);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(c->by[i] != c->by[j]);
    }
    FUZZ_CHECK(c->direction == EXTLS_DIR_UNKNOWN || c->direction == EXTLS_DIR_RECEIVE ||
               c->direction == EXTLS_DIR_SEND);
    FUZZ_CHECK(c->jobs <= CLI_MAX_JOBS);
    FUZZ_CHECK(c->fail_on.n <= THRESHOLD_MAX && c->warn_on.n <= THRESHOLD_MAX);
    /* A class, legacy, sessions or rows; sessions and rows are counts, never shares. */
    for (size_t i = 0; i < c->fail_on.n + c->warn_on.n; i++) {
        const struct threshold *t =
            i < c->fail_on.n ? &c->fail_on.item[i] : &c->warn_on.item[i - c->fail_on.n];
        FUZZ_CHECK(t->name >= 0 && t->name <= THRESHOLD_ROWS);
        FUZZ_CHECK(!t->percent || t->name <= THRESHOLD_LEGACY);
    }
    if (c->help || c->version)
        return;
    FUZZ_CHECK(c->since < c->until);
    FUZZ_CHECK(c->n_paths >= 1 && c->n_paths < (size_t)argc);
    for (size_t i = 0; i < c->n_paths; i++) {
        int found = 0;
        for (int k = 1; k < argc; k++)
            found |= c->paths[i] == argv[k];
        FUZZ_CHECK(found);
    }
    if (c->command == CLI_SESSIONS)
        FUZZ_CHECK(c->format == REPORT_JSONL || c->format == REPORT_CSV ||
                   c->format == REPORT_TSV || c->format == REPORT_EXCEL_CSV ||
                   c->format == REPORT_XLSX);
    if (c->command == CLI_SESSIONS)
        FUZZ_CHECK(!c->report_all);
    if (c->command == CLI_MERGE)
        FUZZ_CHECK(c->format != REPORT_XLSX);
}

static int
same_string(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Field by field: a struct threshold has padding, whose bytes are indeterminate. */
static int
same_thresholds(const struct threshold_list *a, const struct threshold_list *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const struct threshold *x = &a->item[i], *y = &b->item[i];
        if (x->name != y->name || x->op != y->op || x->percent != y->percent ||
            x->value != y->value)
            return 0;
    }
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /*
     * Relative times (today, -7d) read the clock; two parses of the same
     * arguments must agree, so the clock is pinned (cli.c reads EXTLS_NOW).
     */
    setenv("EXTLS_NOW", "2023-01-12T06:00:00Z", 1);
    if (size < 1 || size > 4096)
        return 0;
    size_t err_len = (size_t)data[0] + 1;
    char *text = malloc(size);
    FUZZ_CHECK(text != NULL);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "extls";
    for (char *p = text; p < text + size - 1 && argc <= MAX_ARGS; p += strlen(p) + 1)
        argv[argc++] = p;
    if (size == 1)
        argc = 1;
    argv[argc] = NULL;
    char *again[MAX_ARGS + 2]; /* getopt_long() permutes argv: keep the original order */
    memcpy(again, argv, sizeof(argv));

    struct cli_config a, b;
    char err[257], err2[257];
    memset(err, 'X', sizeof(err));
    enum cli_status st = cli_parse(&a, argc, argv, err, err_len);
    FUZZ_CHECK(st == CLI_OK || st == CLI_EUSAGE);
    if (st == CLI_EUSAGE) {
        FUZZ_CHECK(memchr(err, '\0', err_len) != NULL);
        FUZZ_CHECK(err_len == 1 || err[0] != '\0');
        FUZZ_CHECK(err[err_len] == 'X'); /* nothing written past the buffer */
    } else {
        check_config(&a, argv, argc);
    }

    /* Again, from the same arguments: the same outcome. */
    enum cli_status st2 = cli_parse(&b, argc, again, err2, err_len);
    FUZZ_CHECK(st2 == st);
    if (st == CLI_EUSAGE) {
        FUZZ_CHECK(strcmp(err, err2) == 0);
    } else {
        FUZZ_CHECK(a.command == b.command && a.format == b.format && a.n_by == b.n_by);
        FUZZ_CHECK(memcmp(a.by, b.by, a.n_by * sizeof(a.by[0])) == 0);
        FUZZ_CHECK(a.since == b.since && a.until == b.until && a.direction == b.direction);
        FUZZ_CHECK(same_string(a.connector, b.connector) && same_string(a.remote, b.remote));
        FUZZ_CHECK(same_thresholds(&a.fail_on, &b.fail_on));
        FUZZ_CHECK(same_thresholds(&a.warn_on, &b.warn_on));
        FUZZ_CHECK(a.quiet == b.quiet && a.verbose == b.verbose);
        FUZZ_CHECK(a.jobs == b.jobs && a.full_parse == b.full_parse);
        FUZZ_CHECK(a.help == b.help && a.version == b.version);
        if (!a.help && !a.version) {
            FUZZ_CHECK(a.n_paths == b.n_paths);
            for (size_t i = 0; i < a.n_paths; i++)
                FUZZ_CHECK(strcmp(a.paths[i], b.paths[i]) == 0);
        }
    }
    free(text);
    return 0;
}
