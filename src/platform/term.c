/* SPDX-License-Identifier: MIT */
/*
 * term.c: the terminal's width (POSIX: TIOCGWINSZ), and the table's rule
 * for the width to fit.
 */
#include "term.h"

#include "platform.h"

#include <stdlib.h>

unsigned
term_width(int fd)
{
    return platform_term_width(fd);
}

unsigned
term_columns(int fd, const char *columns)
{
    unsigned w = term_width(fd);
    if (w)
        return w;
    if (columns && *columns) {
        char *end;
        long n = strtol(columns, &end, 10);
        if (!*end && n >= 1 && n <= 100000)
            return (unsigned)n;
    }
    return TERM_DEFAULT_COLUMNS;
}
