/* SPDX-License-Identifier: MIT */
/*
 * count.c: a finished session into group keys and counts: the tallies of workers and of the main
 * thread, and the filter each uses.
 */
#include "run.h"
#include "run_int.h"

#include <string.h>

#include "xlsx.h"

void
run_session_header(struct run *r)
{
    if (r->header_due) {
        export_header(r->out, r->cfg->format);
        r->header_due = 0;
    }
}

/* Count one finished session (or write it out) in a tally. */
enum extls_status
run_count_session(struct run *r, struct tally *t, struct filter *flt, const struct session *s)
{
    enum extls_status st;
    int by_server = t->groups && (agg_keys_mask(t->groups) & AGG_BIT(AGG_SERVER));
    if ((by_server || r->cfg->format == REPORT_HTML) && !r->cfg->server) {
        st = server_names_note(&t->servers, s->dir, s->connector->ptr, s->connector->len);
        if (st != EXTLS_OK)
            return st;
    }
    if (!filter_match(flt, s)) {
        t->totals.excluded++;
        return EXTLS_OK;
    }
    enum extls_class cls = session_classify(s);
    t->totals.sessions++;
    if (s->start_ms < t->totals.first_ms)
        t->totals.first_ms = s->start_ms;
    if (s->start_ms > t->totals.last_ms)
        t->totals.last_ms = s->start_ms;
    t->count[cls]++;
    if (r->cfg->command == CLI_SESSIONS) {
        struct span server =
            server_of(r->cfg->server, s->dir, s->connector->ptr, s->connector->len);
        if (r->xlsx) {
            struct export_record rec;
            export_fill(&rec, s, run_input_path(r, s->file), server);
            return xlsx_session(r->xlsx, &rec);
        }
        run_session_header(r);
        export_session(r->out, r->cfg->format, r->esc_style, s, run_input_path(r, s->file), server);
        return EXTLS_OK;
    }

    /* Day, hour and cipher cost work: only when grouped by them. */
    const char *day = "", *hour = "";
    char cipher[3 * (EXTLS_NAME_MAX + 16)];
    /* Only the terminator: zeroing the whole buffer cost ~100 instructions a session. */
    cipher[0] = '\0';
    if (t->by_day ||
        (t->groups && (agg_keys_mask(t->groups) & (AGG_BIT(AGG_DAY) | AGG_BIT(AGG_HOUR)))))
        calendar_keys(&t->when, s->start_ms, &day, &hour);
    if (t->groups && (agg_keys_mask(t->groups) & AGG_BIT(AGG_CIPHER)))
        export_cipher(s, cipher, sizeof(cipher));
    const char *dir = extls_dir_name(s->dir);
    struct span host = {s->host ? s->host : "", s->host ? s->host_len : 0};
    struct span key[AGG_N_KEYS] = {
        [AGG_DIRECTION] = {dir, strlen(dir)},
        [AGG_CONNECTOR] = {s->connector->ptr, s->connector->len},
        [AGG_REMOTE] = {s->remote, strlen(s->remote)},
        [AGG_DAY] = {day, strlen(day)},
        [AGG_EHLO] = host,
        [AGG_CIPHER] = {cipher, strlen(cipher)},
        [AGG_SERVER] = by_server
                           ? server_of(r->cfg->server, s->dir, s->connector->ptr, s->connector->len)
                           : host,
        [AGG_HOUR] = {hour, strlen(hour)},
    };
    struct agg *targets[3] = {t->groups, t->by_connector, t->by_remote};
    for (int i = 0; i < 3; i++) {
        if (targets[i] && (st = agg_add(targets[i], key, cls, s->start_ms, host)) != EXTLS_OK)
            return st;
    }
    if (t->by_day) /* no host: the day section shows none */
        return agg_add(t->by_day, key, cls, s->start_ms, (struct span){"", 0});
    return EXTLS_OK;
}

/* A session completed inside one input. */
enum extls_status
count_done_in_input(const struct session *s, void *user)
{
    struct worker *w = user;
    if (w->run->incr.state && run_late_rows(w->run, &w->tally, w->diag, s))
        return EXTLS_OK;
    return run_count_session(w->run, &w->tally, w->filter, s);
}

/* A session completed when inputs were joined (main thread). */
enum extls_status
count_done_carried(const struct session *s, void *user)
{
    struct run *r = user;
    if (r->incr.state && run_late_rows(r, &r->main, r->err, s))
        return EXTLS_OK;
    return run_count_session(r, &r->main, r->filter, s);
}

/* Per-tally tables for the chosen output. */
enum extls_status
tally_init(struct tally *t, const struct cli_config *cfg)
{
    static const enum agg_key conn_keys[] = {AGG_DIRECTION, AGG_CONNECTOR};
    static const enum agg_key remote_keys[] = {AGG_DIRECTION, AGG_REMOTE};
    static const enum agg_key day_keys[] = {AGG_DAY};
    memset(t, 0, sizeof(*t));
    t->totals.first_ms = INT64_MAX;
    t->totals.last_ms = INT64_MIN;
    t->clock_ms = INT64_MIN;
    calendar_init(&t->when, cfg->tz);
    if (cfg->command != CLI_REPORT || cfg->nagios)
        return EXTLS_OK;
    if (cfg->format == REPORT_TABLE || cfg->format == REPORT_HTML || cfg->format == REPORT_XLSX) {
        t->by_connector = agg_new(conn_keys, 2);
        t->by_remote = agg_new(remote_keys, 2);
        t->by_day = agg_new(day_keys, 1);
        if (cfg->by_given) /* a section grouped by --by as well */
            t->groups = agg_new(cfg->by, cfg->n_by);
        return t->by_connector && t->by_remote && t->by_day && (t->groups || !cfg->by_given)
                   ? EXTLS_OK
                   : EXTLS_ENOMEM;
    }
    t->groups = agg_new(cfg->by, cfg->n_by);
    return t->groups ? EXTLS_OK : EXTLS_ENOMEM;
}

/* The places of a tally's tables (NULL tables included). */
static void
tally_slots(struct tally *t, struct agg **slot[TALLY_TABLES])
{
    slot[0] = &t->groups;
    slot[1] = &t->by_connector;
    slot[2] = &t->by_remote;
    slot[3] = &t->by_day;
}

void
tally_release(struct tally *t)
{
    struct agg **slot[TALLY_TABLES];
    tally_slots(t, slot);
    for (int i = 0; i < TALLY_TABLES; i++)
        agg_free(*slot[i]);
    server_names_release(&t->servers);
}

size_t
tally_tables(struct tally *t, struct agg **out)
{
    struct agg **slot[TALLY_TABLES];
    size_t n = 0;
    tally_slots(t, slot);
    for (int i = 0; i < TALLY_TABLES; i++) {
        if (*slot[i])
            out[n++] = *slot[i];
    }
    return n;
}

void
tally_add_totals(struct report_totals *a, const struct report_totals *b)
{
    a->rows += b->rows;
    a->malformed += b->malformed;
    a->sessions += b->sessions;
    a->excluded += b->excluded;
    a->late_rows += b->late_rows;
    if (b->first_ms < a->first_ms)
        a->first_ms = b->first_ms;
    if (b->last_ms > a->last_ms)
        a->last_ms = b->last_ms;
}

/*
 * Add src's counts into dst; src's tables are freed. Merging is
 * commutative, so the smaller table of each pair is merged into the larger
 * (swapped into dst if need be): at the peak, memory holds one copy of the
 * groups, not two.
 */
void
tally_add(struct tally *dst, struct tally *src)
{
    struct agg **d[TALLY_TABLES], **s[TALLY_TABLES];
    tally_slots(dst, d);
    tally_slots(src, s);
    for (int i = 0; i < TALLY_TABLES; i++) {
        if (!*d[i] || !*s[i] || dst->fatal)
            continue;
        if (agg_size(*d[i]) < agg_size(*s[i])) {
            struct agg *larger = *s[i];
            *s[i] = *d[i];
            *d[i] = larger;
        }
        dst->fatal = agg_merge(*d[i], *s[i]);
        agg_free(*s[i]);
        *s[i] = NULL;
    }
    tally_add_totals(&dst->totals, &src->totals);
    if (src->clock_ms > dst->clock_ms)
        dst->clock_ms = src->clock_ms;
    for (int c = 0; c < EXTLS_N_CLASSES; c++)
        dst->count[c] += src->count[c];
    if (!dst->fatal)
        dst->fatal = server_names_merge(&dst->servers, &src->servers);
    if (!dst->fatal)
        dst->fatal = src->fatal;
}

/* The filter of the command line; EXTLS_EINVAL after printing why. */
enum extls_status
count_make_filter(struct run *r, struct filter **out)
{
    const struct cli_config *cfg = r->cfg;
    struct filter *f = filter_new();
    *out = f;
    if (!f)
        return EXTLS_ENOMEM;
    filter_since(f, cfg->since);
    filter_until(f, cfg->until);
    filter_direction(f, cfg->direction);
    filter_classes(f, cfg->classes);
    if (cfg->connector) {
        char msg[200];
        enum extls_status st = filter_connector(f, cfg->connector, msg, sizeof(msg));
        if (st == EXTLS_EINVAL)
            run_error(r, "bad --connector pattern '%s': %s", cfg->connector, msg);
        if (st != EXTLS_OK)
            return st;
    }
    if (cfg->remote && filter_remote(f, cfg->remote) != EXTLS_OK) {
        run_error(r, "bad --remote '%s': use an IPv4 or IPv6 address, optionally with /PREFIX",
                  cfg->remote);
        return EXTLS_EINVAL;
    }
    return EXTLS_OK;
}

/*
 * Server rule 3 (servername.h) for --by server, and a warning about sessions
 * left without a server name.
 */
enum extls_status
run_fill_servers(struct run *r)
{
    size_t len = 0;
    const struct server_names *seen = &r->main.servers;
    const char *only = server_names_only(seen, &len);
    enum extls_status st = only ? server_fill(&r->main.groups, only, len) : EXTLS_OK;
    uint64_t unnamed = server_unnamed(r->main.groups);
    if (st != EXTLS_OK || !unnamed || r->cfg->quiet)
        return st;
    if (seen->min)
        run_error(r,
                  "%llu sessions have no server name: send logs name none, and the receive "
                  "connectors name several servers ('%s' to '%s'); run once per server with "
                  "--server NAME",
                  (unsigned long long)unnamed, seen->min, seen->max);
    else
        run_error(r,
                  "%llu sessions have no server name: send logs name none, and no receive "
                  "connector names one; give --server NAME",
                  (unsigned long long)unnamed);
    return EXTLS_OK;
}
