/* SPDX-License-Identifier: MIT */
/*
 * nagios.h: the one status line of a Nagios / Icinga plugin (--nagios),
 *
 *     EXTLS OK - 40 sessions, 0 legacy | sessions=40 ssl2=0 ... none=3
 *     EXTLS CRITICAL - 40 sessions, 7 legacy; critical: legacy>0 (7) | ...
 *     EXTLS UNKNOWN - cannot open 'x.log': No such file or directory
 *
 * and its state, which is the plugin's exit code. The line is built in a
 * caller's buffer; nothing here prints or allocates.
 */
#ifndef EXTLS_NAGIOS_H
#define EXTLS_NAGIOS_H

#include <stdint.h>

#include "extls.h"
#include "threshold.h"

/* Plugin states, equal to the exit codes Nagios expects. */
enum nagios_state {
    NAGIOS_OK = 0,
    NAGIOS_WARNING = 1,
    NAGIOS_CRITICAL = 2,
    NAGIOS_UNKNOWN = 3,
};

/* Buffer size that always holds a status line (longer text is cut). */
#define NAGIOS_LINE_MAX 4096

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *nagios_state_name(enum nagios_state st);

/*
 * The status line (ending in '\n') for these counts into buf
 * (NAGIOS_LINE_MAX bytes): CRITICAL
 * if an item of `crit` matches, else WARNING if one of `warn` does, else
 * OK. The text names each matching item with its value ("none>5% (12.5%)"),
 * critical ones first; perfdata gives sessions and every class count.
 * Returns the state.
 */
enum nagios_state nagios_status(char *buf, const struct threshold_list *crit,
                                const struct threshold_list *warn,
                                const struct threshold_counts *c);

/*
 * The UNKNOWN line for error text `msg` into buf (NAGIOS_LINE_MAX bytes).
 * Control characters and '|' (which starts perfdata) in msg become '?'.
 * Returns NAGIOS_UNKNOWN.
 */
enum nagios_state nagios_unknown(char *buf, const char *msg);

#endif /* EXTLS_NAGIOS_H */
