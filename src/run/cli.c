/* SPDX-License-Identifier: MIT */
/*
 * cli.c: the option table, getopt_long driven by it, and --help generated
 * from it. What each value means and which options go together:
 * cli_check.c.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_int.h"

struct opt {
    const char *name;
    int id;
    const char *arg; /* NULL: no argument */
    const char *help;
};

static const struct opt options[] = {
    {"format", OPT_FORMAT, "FMT",
     "output format: table (default), json, jsonl, csv, tsv, html, excel-csv, xlsx; "
     "for 'sessions': jsonl (default), csv, tsv, excel-csv, xlsx"},
    {"by", OPT_BY, "KEYS",
     "group by these comma-separated keys: direction, connector, remote, day, hour, ehlo, "
     "cipher, server (default: direction,connector,remote; table and html: a section "
     "grouped by them)"},
    {"wide", OPT_WIDE, NULL,
     "table: print every column in full (default: fit the terminal, or COLUMNS, or 100 "
     "columns)"},
    {"since", OPT_SINCE, "TIME",
     "only sessions starting at or after TIME (ISO 8601, UTC; or today, yesterday, "
     "-7d, -12h, -30m)"},
    {"until", OPT_UNTIL, "TIME", "only sessions starting before TIME (same forms)"},
    {"tz", OPT_TZ, "ZONE",
     "days of today, yesterday, bare dates and the day/hour keys: utc (default), local "
     "(the machine's zone, TZ honoured) or a tz database name (Europe/Berlin)"},
    {"direction", OPT_DIRECTION, "DIR", "only receive or only send sessions"},
    {"connector", OPT_CONNECTOR, "REGEX", "only connectors whose id matches REGEX (PCRE2)"},
    {"remote", OPT_REMOTE, "ADDR", "only remote hosts with this address or in this CIDR block"},
    {"class", OPT_CLASS, "LIST",
     "only sessions of these classes (comma-separated; 'legacy' = ssl2,ssl3,tls1_0,tls1_1)"},
    {"fail-on", OPT_FAIL_ON, "LIST",
     "exit 1 if any counted session is in one of these classes (comma-separated; "
     "'legacy' = ssl2,ssl3,tls1_0,tls1_1), or past a threshold: tls1_0>0, none>5%, legacy>=1; "
     "or too few: sessions<1, rows<1 (rows read by this run)"},
    {"warn-on", OPT_WARN_ON, "LIST", "with --nagios: WARNING past these (same forms)"},
    {"nagios", OPT_NAGIOS, NULL,
     "print one Nagios plugin status line with perfdata; exit 0 OK, 1 WARNING, "
     "2 CRITICAL (--fail-on), 3 UNKNOWN"},
    {"server", OPT_SERVER, "NAME",
     "the Exchange server the logs come from, for the 'server' key (default: the "
     "server named by the receive connector ids)"},
    {"quiet", OPT_QUIET, NULL,
     "no warnings about malformed rows or skipped files, no notes, no progress line"},
    {"verbose", OPT_VERBOSE, NULL,
     "name every malformed row, not only the first 10 per file, and every file skipped in a "
     "folder"},
    {"state", OPT_STATE, "FILE",
     "incremental run: read only what is new since the run that wrote FILE, carry open "
     "sessions, keep running counts in FILE"},
    {"report", OPT_REPORT, "WHAT",
     "with --state: new (default: sessions completed in this run) or all (running counts and "
     "the sessions still open)"},
    {"hold", OPT_HOLD, "DURATION",
     "with --state: count an incomplete session once its log has gone on this long without it: "
     "30m, 12h, 2d (default 24h)"},
    {"wait", OPT_WAIT, "DURATION",
     "with --state: if another run holds FILE, wait up to DURATION for it (30, 30s, 5m, 1h; "
     "default: exit 2 at once)"},
    {"output", OPT_OUTPUT, "FILE",
     "write the report to FILE, replacing it only when complete (a failed run leaves the old "
     "one); with --state, the state advances with it"},
    {"jobs", OPT_JOBS, "N",
     "read N files at a time, or one file or standard input in pieces on N threads (default: "
     "one per CPU; 'sessions' uses 1)"},
    {"full-parse", OPT_FULL_PARSE, NULL,
     "parse every row with libcsv, also rows without quotes (slower; same results)"},
    {"help", OPT_HELP, NULL, "show this help and exit"},
    {"version", OPT_VERSION, NULL, "show the version and exit"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

/* Options 'merge' takes; the others concern reading logs. */
static int
merge_option(int id)
{
    return id == OPT_FORMAT || id == OPT_BY || id == OPT_FAIL_ON || id == OPT_WARN_ON ||
           id == OPT_NAGIOS || id == OPT_QUIET || id == OPT_HELP || id == OPT_VERSION ||
           id == OPT_WIDE;
}

static void
defaults(struct cli_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->format = REPORT_TABLE;
    cfg->by[0] = AGG_DIRECTION;
    cfg->by[1] = AGG_CONNECTOR;
    cfg->by[2] = AGG_REMOTE;
    cfg->n_by = 3;
    cfg->since = INT64_MIN;
    cfg->hold_ms = CLI_HOLD_DEFAULT_MS;
    cfg->until = INT64_MAX;
}

/* "--nagios" anywhere before "--": known even when parsing fails early. */
static int
nagios_given(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--nagios") == 0)
            return 1;
    }
    return 0;
}

enum cli_status
cli_parse(struct cli_config *cfg, int argc, char **argv, char *err, size_t err_len)
{
    struct option longopts[N_OPTIONS + 1];
    char shortopts[2 * N_OPTIONS + 2];
    size_t ns = 0;
    shortopts[ns++] = ':';
    for (size_t i = 0; i < N_OPTIONS; i++) {
        longopts[i].name = options[i].name;
        longopts[i].has_arg = options[i].arg ? required_argument : no_argument;
        longopts[i].flag = NULL;
        longopts[i].val = options[i].id;
        if (options[i].id < 256) {
            shortopts[ns++] = (char)options[i].id;
            if (options[i].arg)
                shortopts[ns++] = ':';
        }
    }
    memset(&longopts[N_OPTIONS], 0, sizeof(longopts[0]));
    shortopts[ns] = '\0';

    defaults(cfg);
    cfg->nagios = nagios_given(argc, argv);
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "sessions") == 0) {
        cfg->command = CLI_SESSIONS;
        first = 2;
    } else if (argc > 1 && strcmp(argv[1], "merge") == 0) {
        cfg->command = CLI_MERGE;
        cfg->n_by = 0;
        first = 2;
    }
    int format_given = 0;
    optind = 0; /* glibc: full re-initialisation, so cli_parse() can run again */
    opterr = 0;
    int sub_argc = argc - first + 1;
    char **sub_argv = argv + first - 1;
    for (;;) {
        int id = getopt_long(sub_argc, sub_argv, shortopts, longopts, NULL);
        if (id == -1)
            break;
        if (id == '?') {
            /* glibc reports "--quiet=1" as '?' with optopt set to the flag's id. */
            for (size_t i = 0; i < N_OPTIONS; i++) {
                if (optopt && options[i].id == optopt)
                    return cli_usage_error(err, err_len, "option '--%s' takes no value",
                                           options[i].name);
            }
            if (optopt)
                return cli_usage_error(err, err_len, "unknown option '-%c' (try --help)", optopt);
            return cli_usage_error(err, err_len, "unknown option '%s' (try --help)",
                                   sub_argv[optind - 1]);
        }
        if (id == ':') {
            /* BSD-style getopt (mingw-w64) reports "--quiet=1" here, not as '?'. */
            const char *arg = sub_argv[optind - 1];
            for (size_t i = 0; strncmp(arg, "--", 2) == 0 && strchr(arg, '=') && i < N_OPTIONS;
                 i++) {
                if (optopt && options[i].id == optopt && !options[i].arg)
                    return cli_usage_error(err, err_len, "option '--%s' takes no value",
                                           options[i].name);
            }
            return cli_usage_error(err, err_len, "option '%s' needs a value", arg);
        }
        for (size_t i = 0; cfg->command == CLI_MERGE && !merge_option(id) && i < N_OPTIONS; i++) {
            if (options[i].id == id)
                return cli_usage_error(err, err_len, "option '--%s' does not apply to 'merge'",
                                       options[i].name);
        }
        enum cli_status st = cli_apply(cfg, id, optarg, &format_given, err, err_len);
        if (st != CLI_OK && optarg && optarg[0] == '-' &&
            (optarg[1] == '-' || (optarg[1] && strchr(shortopts + 1, optarg[1])))) {
            /* "extls -f -q csv": the value is missing, the next option was taken for it. */
            size_t n = strlen(err);
            snprintf(err + n, err_len - n,
                     " ('%s' is taken as the value of '%s': give the value "
                     "right after the option)",
                     optarg, sub_argv[optind - 2]);
        }
        if (st != CLI_OK)
            return st;
    }
    if (cfg->help || cfg->version)
        return CLI_OK;
    enum cli_status st = cli_check(cfg, format_given, err, err_len);
    if (st != CLI_OK)
        return st;
    cfg->paths = sub_argv + optind;
    cfg->n_paths = (size_t)(sub_argc - optind);
    if (cfg->n_paths == 0 && cfg->command == CLI_MERGE)
        return cli_usage_error(
            err, err_len,
            "no input: name JSON reports (extls --format json), or - for standard "
            "input");
    if (cfg->n_paths == 0) {
        cfg->show_usage = 1;
        return cli_usage_error(err, err_len,
                               "no input: name log files, folders, or - for standard input");
    }
    return CLI_OK;
}

#define USAGE                                                                                      \
    "usage: extls [OPTIONS] PATH...\n"                                                             \
    "       extls sessions [OPTIONS] PATH...\n"                                                    \
    "       extls merge [OPTIONS] REPORT.json...\n"

void
cli_usage(FILE *out)
{
    fputs(USAGE "Try 'extls --help' for more information.\n", out);
}

#define HELP_WIDTH 80 /* --help fits an 80-column terminal */
#define HELP_LEFT 24  /* width of the option column */

/* One option: its left column, then the help words wrapped to HELP_WIDTH. */
static void
help_text(FILE *out, const char *left, const char *help)
{
    const size_t room = HELP_WIDTH - HELP_LEFT - 3;
    int first = 1;
    while (*help) {
        size_t len = strlen(help), cut = len;
        if (len > room) {
            cut = room;
            while (cut > 0 && help[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = room;
        }
        fprintf(out, "  %-*s %.*s\n", HELP_LEFT, first ? left : "", (int)cut, help);
        first = 0;
        help += cut;
        while (*help == ' ')
            help++;
    }
}

void
cli_help(FILE *out)
{
    fputs(USAGE "\n"
                "Report TLS protocol use in Exchange SMTP protocol logs (SmtpReceive / SmtpSend),\n"
                "per connector and remote host, counting each session once. PATH is a log file,\n"
                "a folder (searched for *.log and *.log.gz files) or - for standard input; gzip\n"
                "input is inflated on the way. 'sessions' writes one record per session instead\n"
                "of the summary. 'merge' adds up JSON reports (--format json, e.g. one per\n"
                "server or day) into one (json by default).\n"
                "\n"
                "Options:\n",
          out);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char left[48];
        const struct opt *o = &options[i];
        if (o->id < 256)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->id, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        help_text(out, left, o->help);
    }
    fputs("\n"
          "Classes: ssl2 ssl3 tls1_0 tls1_1 tls1_2 tls1_3 tls_unknown tls_failed none.\n"
          "Exit status: 0 success, 1 --fail-on matched, 2 usage error, an input could not\n"
          "be read, the output not written, or the --state file in use by another run;\n"
          "with --nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. See extls(1).\n",
          out);
}
