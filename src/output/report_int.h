/* SPDX-License-Identifier: MIT */
/*
 * report_int.h: the table format (report_table.c) for report_write(); not
 * for use outside the report module (its interface is report.h).
 */
#ifndef EXTLS_REPORT_INT_H
#define EXTLS_REPORT_INT_H

#include <stdio.h>

#include "report.h"

/*
 * The table format of r (report.h) to `out`. Returns EXTLS_OK or
 * EXTLS_ENOMEM; write errors are left in the stream for report_write().
 */
enum extls_status report_table_write(FILE *out, struct report *r);

#endif /* EXTLS_REPORT_INT_H */
