/* SPDX-License-Identifier: MIT */
/*
 * cli_check.c: the values of the options (formats, keys, classes, times,
 * durations, numbers) into struct cli_config, and the rules on which
 * options go together, with the usage error that says why not.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_int.h"
#include "xlsx.h"
#include "isotime.h"

enum cli_status
cli_usage_error(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return CLI_EUSAGE;
}

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

#define BAD_TIME                                                                                   \
    "bad time '%s': use yyyy-mm-dd, yyyy-mm-ddThh:mm[:ss[.fff]][Z], today, yesterday, or -N "      \
    "with d, h or m"

/*
 * The run's clock into cfg->now_ms, then --since/--until into milliseconds,
 * now that --tz is known. EXTLS_NOW (the test seam of cli.h) is read here
 * and nowhere else in this module; a value that is not a time is an error
 * only when a relative word needs the clock.
 */
/* The size of the pieces one large input is read in: CLI_PIECE_ENV (the test seam of cli.h). */
static size_t
piece_bytes(void)
{
    const char *v = getenv(CLI_PIECE_ENV);
    char *end;
    if (!v || *v < '1' || *v > '9')
        return CLI_PIECE_DEFAULT;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    return *end || errno || n > CLI_PIECE_MAX ? CLI_PIECE_DEFAULT : (size_t)n;
}

static enum cli_status
resolve_times(struct cli_config *cfg, char *err, size_t err_len)
{
    const char *fixed = getenv(CLI_NOW_ENV);
    int64_t now = 0;
    struct timespec ts;
    int fixed_ok = fixed && isotime_parse_bound(fixed, strlen(fixed), &now) == 0;
    if (!fixed_ok)
        now = clock_gettime(CLOCK_REALTIME, &ts) == 0
                  ? (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000
                  : 0;
    cfg->now_ms = now;
    if (fixed && !fixed_ok &&
        ((cfg->since_text && calendar_is_relative(cfg->since_text)) ||
         (cfg->until_text && calendar_is_relative(cfg->until_text))))
        return cli_usage_error(
            err, err_len, "bad " CLI_NOW_ENV " '%s': use yyyy-mm-ddThh:mm[:ss[.fff]][Z]", fixed);
    /* The forms were checked in cli_apply(): these cannot fail. */
    if (cfg->since_text)
        calendar_parse(cfg->since_text, cfg->tz, now, &cfg->since);
    if (cfg->until_text)
        calendar_parse(cfg->until_text, cfg->tz, now, &cfg->until);
    return CLI_OK;
}

/* Options without a value, and the field of struct cli_config each sets to 1. */
static const struct {
    int id;
    size_t field; /* offsetof(struct cli_config, the int field) */
} flags[] = {
    {OPT_WIDE, offsetof(struct cli_config, wide)},
    {OPT_NAGIOS, offsetof(struct cli_config, nagios)},
    {OPT_QUIET, offsetof(struct cli_config, quiet)},
    {OPT_FULL_PARSE, offsetof(struct cli_config, full_parse)},
    {OPT_VERBOSE, offsetof(struct cli_config, verbose)},
    {OPT_HELP, offsetof(struct cli_config, help)},
    {OPT_VERSION, offsetof(struct cli_config, version)},
};

enum cli_status
cli_apply(struct cli_config *cfg, int id, const char *arg, int *format_given, char *err,
          size_t err_len)
{
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (flags[i].id == id) {
            *(int *)(void *)((char *)cfg + flags[i].field) = 1;
            return CLI_OK;
        }
    }
    int v;
    switch (id) {
    case OPT_FORMAT:
        v = report_format_parse(arg);
        if (v < 0)
            return cli_usage_error(err, err_len, "unknown format '%s': use %s", arg,
                                   report_format_list(0));
        cfg->format = (enum report_format)v;
        *format_given = 1;
        break;
    case OPT_BY:
        cfg->by_given = 1;
        if (parse_by(cfg, arg) != 0)
            return cli_usage_error(err, err_len,
                                   "bad --by '%s': use distinct keys from direction, connector, "
                                   "remote, day, hour, ehlo, cipher, server",
                                   arg);
        cfg->by_given = 1;
        break;
    case OPT_CLASS:
        cfg->classes = parse_classes(arg);
        if (!cfg->classes)
            return cli_usage_error(err, err_len,
                                   "bad --class '%s': use names from ssl2, ssl3, tls1_0, tls1_1, "
                                   "tls1_2, tls1_3, tls_unknown, tls_failed, none, legacy",
                                   arg);
        break;
    case OPT_SINCE:
    case OPT_UNTIL: {
        int64_t ms; /* the form only: the value needs --tz and the clock (resolve_times()) */
        if (calendar_parse(arg, CALENDAR_UTC, 0, &ms) != 0)
            return cli_usage_error(err, err_len, BAD_TIME, arg);
        if (id == OPT_SINCE)
            cfg->since_text = arg;
        else
            cfg->until_text = arg;
        break;
    }
    case OPT_TZ:
        v = calendar_zone_parse(arg);
        if (v < 0 && calendar_zone_use(arg) == 0)
            v = CALENDAR_LOCAL; /* an IANA name: now the process's zone */
        if (v < 0)
            return cli_usage_error(err, err_len,
                                   "bad --tz '%s': use utc, local, or a zone of the tz database "
                                   "such as Europe/Berlin",
                                   arg);
        cfg->tz = (enum calendar_zone)v;
        break;
    case OPT_DIRECTION:
        if (strcmp(arg, "receive") == 0)
            cfg->direction = EXTLS_DIR_RECEIVE;
        else if (strcmp(arg, "send") == 0)
            cfg->direction = EXTLS_DIR_SEND;
        else
            return cli_usage_error(err, err_len, "bad direction '%s': use receive or send", arg);
        break;
    case OPT_CONNECTOR:
        cfg->connector = arg;
        break;
    case OPT_REMOTE:
        cfg->remote = arg;
        break;
    case OPT_SERVER:
        if (!arg[0] || strlen(arg) > EXTLS_NAME_MAX)
            return cli_usage_error(err, err_len, "bad --server: give a name of 1 to %u bytes",
                                   (unsigned)EXTLS_NAME_MAX);
        cfg->server = arg;
        break;
    case OPT_FAIL_ON:
    case OPT_WARN_ON: {
        char why[128];
        struct threshold_list *l = id == OPT_FAIL_ON ? &cfg->fail_on : &cfg->warn_on;
        if (threshold_parse(l, arg, why, sizeof(why)) != EXTLS_OK)
            return cli_usage_error(err, err_len, "bad --%s '%s': %s",
                                   id == OPT_FAIL_ON ? "fail-on" : "warn-on", arg, why);
        break;
    }
    case OPT_JOBS: {
        char *end;
        long n = strtol(arg, &end, 10);
        if (end == arg || *end || n < 1 || n > CLI_MAX_JOBS)
            return cli_usage_error(err, err_len, "bad --jobs '%s': use a number from 1 to %d", arg,
                                   CLI_MAX_JOBS);
        cfg->jobs = (unsigned)n;
        break;
    }
    case OPT_STATE:
    case OPT_OUTPUT:
        if (!*arg)
            return cli_usage_error(err, err_len, "--%s needs a file name",
                                   id == OPT_STATE ? "state" : "output");
        *(id == OPT_STATE ? &cfg->state_path : &cfg->output) = arg;
        break;
    case OPT_HOLD:
        if (parse_duration(arg, "mhd", 0, 1, 36500LL * 86400000, &cfg->hold_ms) != 0)
            return cli_usage_error(err, err_len,
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
            return cli_usage_error(err, err_len, "bad --report '%s': use new or all", arg);
        cfg->report_given = 1;
        break;
    case OPT_WAIT:
        if (parse_duration(arg, "smh", 's', 0, 86400000, &cfg->wait_ms) != 0)
            return cli_usage_error(err, err_len,
                                   "bad --wait '%s': use a number of seconds, or N with s, m or h "
                                   "(at most 24h)",
                                   arg);
        break;
    default:
        return cli_usage_error(err, err_len, "unknown option (try --help)");
    }
    return CLI_OK;
}

enum cli_status
cli_check(struct cli_config *cfg, int format_given, char *err, size_t err_len)
{
    if (cfg->command == CLI_SESSIONS) {
        if (!format_given)
            cfg->format = REPORT_JSONL;
        else if (cfg->format != REPORT_JSONL && cfg->format != REPORT_CSV &&
                 cfg->format != REPORT_TSV && cfg->format != REPORT_EXCEL_CSV &&
                 cfg->format != REPORT_XLSX)
            return cli_usage_error(err, err_len, "'sessions' writes %s", report_format_list(1));
    }
    if (cfg->command == CLI_MERGE && !format_given)
        cfg->format = REPORT_JSON;
    if (cfg->command == CLI_SESSIONS && cfg->report_all)
        return cli_usage_error(err, err_len,
                               "'sessions' writes each session once, in the run that counts it: "
                               "--report all does not apply");
    if (cfg->format == REPORT_XLSX && !xlsx_available())
        return cli_usage_error(err, err_len,
                               "this extls was built without libxlsxwriter: --format xlsx is not "
                               "available (use excel-csv)");
    if (cfg->command == CLI_MERGE && cfg->format == REPORT_XLSX)
        return cli_usage_error(err, err_len,
                               "'merge' writes table, json, jsonl, csv, tsv, excel-csv, html");
    if (cfg->command == CLI_REPORT && cfg->format == REPORT_XLSX && cfg->by_given && !cfg->nagios)
        return cli_usage_error(
            err, err_len,
            "--by does not apply to xlsx (its sheets are connectors, remote hosts, "
            "days): use csv, tsv or json for other groupings");
    if (cfg->command == CLI_SESSIONS && cfg->nagios)
        return cli_usage_error(err, err_len, "'sessions' cannot be used with --nagios");
    /* --by is honoured by every summary format; never ignored silently elsewhere. */
    if (cfg->command == CLI_SESSIONS && cfg->by_given)
        return cli_usage_error(err, err_len,
                               "'sessions' writes one record per session: --by does "
                               "not apply (it groups the summary)");
    if (cfg->nagios && cfg->by_given)
        return cli_usage_error(err, err_len,
                               "--nagios prints one status line: --by does not apply");
    if (cfg->warn_on.n && !cfg->nagios)
        return cli_usage_error(err, err_len, "--warn-on needs --nagios");
    enum cli_status st = resolve_times(cfg, err, err_len);
    if (st != CLI_OK)
        return st;
    cfg->piece_bytes = piece_bytes();
    if (cfg->since >= cfg->until)
        return cli_usage_error(err, err_len, "--since must be before --until");
    if (cfg->report_given && !cfg->state_path)
        return cli_usage_error(err, err_len, "--report goes with --state");
    if (cfg->wait_ms && !cfg->state_path)
        return cli_usage_error(err, err_len, "--wait goes with --state");
    if (cfg->output && cfg->state_path && strcmp(cfg->output, cfg->state_path) == 0)
        return cli_usage_error(err, err_len, "--output and --state must name different files");
    if (cfg->output && cfg->nagios)
        return cli_usage_error(err, err_len,
                               "--nagios prints its line on standard output: drop --output");
    if (cfg->hold_given && !cfg->state_path)
        return cli_usage_error(err, err_len, "--hold goes with --state");
    /* A window that moves with the clock skips the sessions that start before
     * one run's window but are read by the next one (and those still open). */
    if (cfg->state_path && ((cfg->since_text && calendar_is_relative(cfg->since_text)) ||
                            (cfg->until_text && calendar_is_relative(cfg->until_text))))
        return cli_usage_error(err, err_len,
                               "--state counts each session once, when it is read: a --since or "
                               "--until relative to now (%s) would skip sessions between runs; "
                               "give a fixed time or drop it",
                               cfg->since_text && calendar_is_relative(cfg->since_text)
                                   ? cfg->since_text
                                   : cfg->until_text);
    return CLI_OK;
}
