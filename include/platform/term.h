/* SPDX-License-Identifier: MIT */
/*
 * term.h: how wide the terminal is that a stream writes to, for the people's
 * table and the progress line. term_width() is the only function that asks
 * the operating system (a port replaces its body); term_columns() adds the
 * rule the table follows.
 */
#ifndef EXTLS_TERM_H
#define EXTLS_TERM_H

/* Width the table assumes when neither a terminal nor COLUMNS says otherwise. */
#define TERM_DEFAULT_COLUMNS 100u

/* Columns of the terminal open on fd; 0 when fd is no terminal or its size is unknown. */
unsigned term_width(int fd);

/*
 * The width the table fits by default: the terminal's own width when fd is
 * a terminal, else `columns` (the COLUMNS environment variable, or NULL)
 * when it is a number from 1 to 100000, else TERM_DEFAULT_COLUMNS.
 */
unsigned term_columns(int fd, const char *columns);

#endif /* EXTLS_TERM_H */
