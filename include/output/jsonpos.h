/* SPDX-License-Identifier: MIT */
/*
 * jsonpos.h: where a value is in a JSON text that is already known to be
 * valid. jansson's tree keeps no positions; jsonin.c walks the raw text
 * with these functions to place its schema errors at file:line:column.
 *
 * Model. A value is reached from the root by a path: at each level the
 * index of a member (objects, in document order) or of an element
 * (arrays). The walk trusts the grammar (it only tells strings, with their
 * escapes, from structure), allocates nothing and recurses nowhere. On
 * text that is not valid JSON the answers are some offset <= len, never a
 * read out of bounds.
 */
#ifndef EXTLS_JSONPOS_H
#define EXTLS_JSONPOS_H

#include <stddef.h>

/*
 * Offset in text[0..len) of the value at path[0..n) (n 0: the root): its
 * first byte, or its last byte when `end` (the closing brace of an
 * object). len when the text holds no such value (the path is wrong for it).
 */
size_t jsonpos_find(const char *text, size_t len, const size_t *path, size_t n, int end);

/* The 1-based line and column (counted in bytes) of offset `off`; lines end with '\n'. */
void jsonpos_line_col(const char *text, size_t len, size_t off, unsigned long long *line,
                      unsigned long long *col);

#endif /* EXTLS_JSONPOS_H */
