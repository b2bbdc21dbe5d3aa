/* SPDX-License-Identifier: MIT */
/*
 * cli.c: the option table, getopt_long driven by it, and value checks.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xlsx.h"
#include "xtime.h"

enum opt_id {
    OPT_FORMAT = 'f',
    OPT_BY = 'b',
    OPT_DIRECTION = 'd',
    OPT_CONNECTOR = 'c',
    OPT_REMOTE = 'r',
    OPT_QUIET = 'q',
    OPT_VERBOSE = 'v',
    OPT_HELP = 'h',
    OPT_VERSION = 'V',
    OPT_JOBS = 'j',
    OPT_OUTPUT = 'o',
    OPT_SINCE = 256,
    OPT_UNTIL,
    OPT_FAIL_ON,
    OPT_FULL_PARSE,
    OPT_STATE,
    OPT_REPORT,
    OPT_SERVER,
    OPT_TZ,
    OPT_WARN_ON,
    OPT_NAGIOS,
    OPT_WAIT,
    OPT_HOLD,
    OPT_CLASS,
    OPT_WIDE,
};

struct opt {
    const char *name;
    int id;
    const char *arg; /* NULL: no argument */
    const char *help;
};

/*
 * A duration: N followed by one of `units` (s, m, h, d), or bare N when
 * `bare` is a unit ('s'); from `min` up to `max_ms`. 0 and *ms, or -1.
 * --hold takes 30m, 12h, 2d; --wait 30, 30s, 5m, 1h.
 */
static int
parse_duration(const char *s, const char *units, char bare, uint64_t min, int64_t max_ms,
               int64_t *ms)
{
    char *end;
    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    char u = *end ? *end : bare;
    if (errno || !u || !strchr(units, u) || (*end && end[1]))
        return -1;
    int64_t unit = u == 's' ? 1000 : u == 'm' ? 60000 : u == 'h' ? 3600000 : 86400000;
    if (n < min || n > (unsigned long long)(max_ms / unit))
        return -1;
    *ms = (int64_t)n * unit;
    return 0;
}

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
    {"jobs", OPT_JOBS, "N", "read N files at a time (default: one per CPU; 'sessions' uses 1)"},
    {"full-parse", OPT_FULL_PARSE, NULL,
     "parse every row with libcsv, also rows without quotes (slower; same results)"},
    {"help", OPT_HELP, NULL, "show this help and exit"},
    {"version", OPT_VERSION, NULL, "show the version and exit"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static enum cli_status
usage_error(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return CLI_EUSAGE;
}

/* --class: class names and "legacy", comma-separated, into a class bit mask; 0 if bad. */
static unsigned
parse_classes(const char *list)
{
    unsigned mask = 0;
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        int c = extls_class_parse(p, len);
        if (c >= 0) {
            mask |= 1u << c;
        } else if (len == 6 && memcmp(p, "legacy", 6) == 0) {
            for (int k = 0; k < EXTLS_N_CLASSES; k++) {
                if (extls_class_is_legacy((enum extls_class)k))
                    mask |= 1u << k;
            }
        } else {
            return 0;
        }
        if (!p[len])
            return mask;
        p += len + 1;
    }
}

static int
parse_by(struct cli_config *cfg, const char *list)
{
    cfg->n_by = 0;
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        int k = agg_key_parse(p, len);
        if (k < 0)
            return -1;
        for (size_t i = 0; i < cfg->n_by; i++) {
            if (cfg->by[i] == (enum agg_key)k)
                return -1;
        }
        cfg->by[cfg->n_by++] = (enum agg_key)k;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

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

#define BAD_TIME                                                                                   \
    "bad time '%s': use yyyy-mm-dd, yyyy-mm-ddThh:mm[:ss[.fff]][Z], today, yesterday, or -N "      \
    "with d, h or m"

/*
 * --since/--until into milliseconds, now that --tz is known. The clock is
 * read only for relative words; EXTLS_NOW replaces it (testing aid).
 */
static enum cli_status
resolve_times(struct cli_config *cfg, char *err, size_t err_len)
{
    int64_t now = 0;
    if ((cfg->since_text && when_is_relative(cfg->since_text)) ||
        (cfg->until_text && when_is_relative(cfg->until_text))) {
        const char *fixed = getenv("EXTLS_NOW");
        struct timespec ts;
        if (fixed) {
            if (xtime_parse_bound(fixed, strlen(fixed), &now) != 0)
                return usage_error(err, err_len,
                                   "bad EXTLS_NOW '%s': use yyyy-mm-ddThh:mm[:ss[.fff]][Z]", fixed);
        } else if (clock_gettime(CLOCK_REALTIME, &ts) == 0) {
            now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        }
    }
    /* The forms were checked in apply(): these cannot fail. */
    if (cfg->since_text)
        when_parse(cfg->since_text, cfg->tz, now, &cfg->since);
    if (cfg->until_text)
        when_parse(cfg->until_text, cfg->tz, now, &cfg->until);
    return CLI_OK;
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

/* One option's value into cfg. */
static enum cli_status
apply(struct cli_config *cfg, int id, const char *arg, int *format_given, char *err, size_t err_len)
{
    int v;
    switch (id) {
    case OPT_FORMAT:
        v = report_format_parse(arg);
        if (v < 0)
            return usage_error(err, err_len, "unknown format '%s': use %s", arg,
                               report_format_list(0));
        cfg->format = (enum report_format)v;
        *format_given = 1;
        break;
    case OPT_BY:
        cfg->by_given = 1;
        if (parse_by(cfg, arg) != 0)
            return usage_error(err, err_len,
                               "bad --by '%s': use distinct keys from direction, connector, "
                               "remote, day, hour, ehlo, cipher, server",
                               arg);
        cfg->by_given = 1;
        break;
    case OPT_CLASS:
        cfg->classes = parse_classes(arg);
        if (!cfg->classes)
            return usage_error(err, err_len,
                               "bad --class '%s': use names from ssl2, ssl3, tls1_0, tls1_1, "
                               "tls1_2, tls1_3, tls_unknown, tls_failed, none, legacy",
                               arg);
        break;
    case OPT_WIDE:
        cfg->wide = 1;
        break;
    case OPT_SINCE:
    case OPT_UNTIL: {
        int64_t ms; /* the form only: the value needs --tz and the clock (resolve_times) */
        if (when_parse(arg, WHEN_UTC, 0, &ms) != 0)
            return usage_error(err, err_len, BAD_TIME, arg);
        if (id == OPT_SINCE)
            cfg->since_text = arg;
        else
            cfg->until_text = arg;
        break;
    }
    case OPT_TZ:
        v = when_zone_parse(arg);
        if (v < 0 && when_zone_use(arg) == 0)
            v = WHEN_LOCAL; /* an IANA name: now the process's zone */
        if (v < 0)
            return usage_error(err, err_len,
                               "bad --tz '%s': use utc, local, or a zone of the tz database "
                               "such as Europe/Berlin",
                               arg);
        cfg->tz = (enum when_zone)v;
        break;
    case OPT_DIRECTION:
        if (strcmp(arg, "receive") == 0)
            cfg->direction = EXTLS_DIR_RECEIVE;
        else if (strcmp(arg, "send") == 0)
            cfg->direction = EXTLS_DIR_SEND;
        else
            return usage_error(err, err_len, "bad direction '%s': use receive or send", arg);
        break;
    case OPT_CONNECTOR:
        cfg->connector = arg;
        break;
    case OPT_REMOTE:
        cfg->remote = arg;
        break;
    case OPT_SERVER:
        if (!arg[0] || strlen(arg) > EXTLS_NAME_MAX)
            return usage_error(err, err_len, "bad --server: give a name of 1 to %u bytes",
                               (unsigned)EXTLS_NAME_MAX);
        cfg->server = arg;
        break;
    case OPT_FAIL_ON:
    case OPT_WARN_ON: {
        char why[128];
        struct threshold_list *l = id == OPT_FAIL_ON ? &cfg->fail_on : &cfg->warn_on;
        if (threshold_parse(l, arg, why, sizeof(why)) != EXTLS_OK)
            return usage_error(err, err_len, "bad --%s '%s': %s",
                               id == OPT_FAIL_ON ? "fail-on" : "warn-on", arg, why);
        break;
    }
    case OPT_NAGIOS:
        cfg->nagios = 1;
        break;
    case OPT_QUIET:
        cfg->quiet = 1;
        break;
    case OPT_JOBS: {
        char *end;
        long n = strtol(arg, &end, 10);
        if (end == arg || *end || n < 1 || n > CLI_MAX_JOBS)
            return usage_error(err, err_len, "bad --jobs '%s': use a number from 1 to %d", arg,
                               CLI_MAX_JOBS);
        cfg->jobs = (unsigned)n;
        break;
    }
    case OPT_FULL_PARSE:
        cfg->full_parse = 1;
        break;
    case OPT_STATE:
        if (!*arg)
            return usage_error(err, err_len, "--state needs a file name");
        cfg->state_path = arg;
        break;
    case OPT_HOLD:
        if (parse_duration(arg, "mhd", 0, 1, 36500LL * 86400000, &cfg->hold_ms) != 0)
            return usage_error(err, err_len,
                               "bad --hold '%s': use minutes, hours or days, e.g. 90m, 24h, 7d",
                               arg);
        cfg->hold_given = 1;
        break;
    case OPT_REPORT:
        if (strcmp(arg, "new") == 0)
            cfg->report_all = 0;
        else if (strcmp(arg, "all") == 0)
            cfg->report_all = 1;
        else
            return usage_error(err, err_len, "bad --report '%s': use new or all", arg);
        cfg->report_given = 1;
        break;
    case OPT_WAIT:
        if (parse_duration(arg, "smh", 's', 0, 86400000, &cfg->wait_ms) != 0)
            return usage_error(err, err_len,
                               "bad --wait '%s': use a number of seconds, or N with s, m or h "
                               "(at most 24h)",
                               arg);
        break;
    case OPT_OUTPUT:
        if (!*arg)
            return usage_error(err, err_len, "--output needs a file name");
        cfg->output = arg;
        break;
    case OPT_VERBOSE:
        cfg->verbose = 1;
        break;
    case OPT_HELP:
        cfg->help = 1;
        break;
    case OPT_VERSION:
        cfg->version = 1;
        break;
    default:
        return usage_error(err, err_len, "unknown option (try --help)");
    }
    return CLI_OK;
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
                    return usage_error(err, err_len, "option '--%s' takes no value",
                                       options[i].name);
            }
            if (optopt)
                return usage_error(err, err_len, "unknown option '-%c' (try --help)", optopt);
            return usage_error(err, err_len, "unknown option '%s' (try --help)",
                               sub_argv[optind - 1]);
        }
        if (id == ':') {
            /* BSD-style getopt (mingw-w64) reports "--quiet=1" here, not as '?'. */
            const char *arg = sub_argv[optind - 1];
            for (size_t i = 0; strncmp(arg, "--", 2) == 0 && strchr(arg, '=') && i < N_OPTIONS;
                 i++) {
                if (optopt && options[i].id == optopt && !options[i].arg)
                    return usage_error(err, err_len, "option '--%s' takes no value",
                                       options[i].name);
            }
            return usage_error(err, err_len, "option '%s' needs a value", arg);
        }
        for (size_t i = 0; cfg->command == CLI_MERGE && !merge_option(id) && i < N_OPTIONS; i++) {
            if (options[i].id == id)
                return usage_error(err, err_len, "option '--%s' does not apply to 'merge'",
                                   options[i].name);
        }
        enum cli_status st = apply(cfg, id, optarg, &format_given, err, err_len);
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
    if (cfg->command == CLI_SESSIONS) {
        if (!format_given)
            cfg->format = REPORT_JSONL;
        else if (cfg->format != REPORT_JSONL && cfg->format != REPORT_CSV &&
                 cfg->format != REPORT_TSV && cfg->format != REPORT_EXCEL_CSV &&
                 cfg->format != REPORT_XLSX)
            return usage_error(err, err_len, "'sessions' writes %s", report_format_list(1));
    }
    if (cfg->command == CLI_MERGE && !format_given)
        cfg->format = REPORT_JSON;
    if (cfg->command == CLI_SESSIONS && cfg->report_all)
        return usage_error(err, err_len,
                           "'sessions' writes each session once, in the run that counts it: "
                           "--report all does not apply");
    if (cfg->format == REPORT_XLSX && !xlsx_available())
        return usage_error(err, err_len,
                           "this extls was built without libxlsxwriter: --format xlsx is not "
                           "available (use excel-csv)");
    if (cfg->command == CLI_MERGE && cfg->format == REPORT_XLSX)
        return usage_error(err, err_len,
                           "'merge' writes table, json, jsonl, csv, tsv, excel-csv, html");
    if (cfg->command == CLI_REPORT && cfg->format == REPORT_XLSX && cfg->by_given && !cfg->nagios)
        return usage_error(err, err_len,
                           "--by does not apply to xlsx (its sheets are connectors, remote hosts, "
                           "days): use csv, tsv or json for other groupings");
    if (cfg->command == CLI_SESSIONS && cfg->nagios)
        return usage_error(err, err_len, "'sessions' cannot be used with --nagios");
    /* --by is honoured by every summary format; never ignored silently elsewhere. */
    if (cfg->command == CLI_SESSIONS && cfg->by_given)
        return usage_error(err, err_len,
                           "'sessions' writes one record per session: --by does "
                           "not apply (it groups the summary)");
    if (cfg->nagios && cfg->by_given)
        return usage_error(err, err_len, "--nagios prints one status line: --by does not apply");
    if (cfg->warn_on.n && !cfg->nagios)
        return usage_error(err, err_len, "--warn-on needs --nagios");
    enum cli_status st = resolve_times(cfg, err, err_len);
    if (st != CLI_OK)
        return st;
    if (cfg->since >= cfg->until)
        return usage_error(err, err_len, "--since must be before --until");
    if (cfg->report_given && !cfg->state_path)
        return usage_error(err, err_len, "--report goes with --state");
    if (cfg->wait_ms && !cfg->state_path)
        return usage_error(err, err_len, "--wait goes with --state");
    if (cfg->output && cfg->state_path && strcmp(cfg->output, cfg->state_path) == 0)
        return usage_error(err, err_len, "--output and --state must name different files");
    if (cfg->output && cfg->nagios)
        return usage_error(err, err_len,
                           "--nagios prints its line on standard output: drop --output");
    if (cfg->hold_given && !cfg->state_path)
        return usage_error(err, err_len, "--hold goes with --state");
    cfg->paths = sub_argv + optind;
    cfg->n_paths = (size_t)(sub_argc - optind);
    if (cfg->n_paths == 0 && cfg->command == CLI_MERGE)
        return usage_error(err, err_len,
                           "no input: name JSON reports (extls --format json), or - for standard "
                           "input");
    if (cfg->n_paths == 0) {
        cfg->show_usage = 1;
        return usage_error(err, err_len,
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
