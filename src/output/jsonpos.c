/* SPDX-License-Identifier: MIT */
/*
 * jsonpos.c: a walk over valid JSON text that skips values by their first
 * byte: strings to their closing quote (past escapes), objects and arrays
 * by counting brackets outside strings, other values to the next
 * delimiter.
 */
#include "jsonpos.h"

#include <string.h>

static size_t
skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* Past the string whose quote is at i. */
static size_t
skip_string(const char *s, size_t len, size_t i)
{
    for (i++; i < len && s[i] != '"'; i++) {
        if (s[i] == '\\')
            i++;
    }
    return i < len ? i + 1 : len;
}

/* Past the value that starts at i. */
static size_t
skip_value(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return len;
    if (s[i] == '"')
        return skip_string(s, len, i);
    if (s[i] != '{' && s[i] != '[') {
        while (i < len && s[i] && !strchr(",]} \t\r\n", s[i]))
            i++;
        return i;
    }
    size_t depth = 0;
    do {
        if (s[i] == '"') {
            i = skip_string(s, len, i);
            continue;
        }
        depth += s[i] == '{' || s[i] == '[';
        depth -= s[i] == '}' || s[i] == ']';
        i++;
    } while (depth > 0 && i < len);
    return i;
}

/* Start of the k-th member value (object) or element (array) of the container at i. */
static size_t
nth(const char *s, size_t len, size_t i, size_t k)
{
    if (i >= len || (s[i] != '{' && s[i] != '['))
        return len;
    int object = s[i] == '{';
    i = skip_ws(s, len, i + 1);
    for (size_t m = 0; i < len && s[i] != '}' && s[i] != ']'; m++) {
        if (object) /* the name, white space, ':', white space */
            i = skip_ws(s, len, skip_ws(s, len, skip_string(s, len, i)) + 1);
        if (m == k)
            return i;
        i = skip_ws(s, len, skip_value(s, len, i));
        if (i >= len || s[i] != ',')
            return len; /* the container ends before member k */
        i = skip_ws(s, len, i + 1);
    }
    return len;
}

size_t
jsonpos_find(const char *text, size_t len, const size_t *path, size_t n, int end)
{
    size_t i = skip_ws(text, len, 0);
    for (size_t d = 0; d < n && i < len; d++)
        i = nth(text, len, i, path[d]);
    if (end && i < len)
        i = skip_value(text, len, i) - 1;
    return i < len ? i : len;
}

void
jsonpos_line_col(const char *text, size_t len, size_t off, unsigned long long *line,
                 unsigned long long *col)
{
    size_t start = 0;
    *line = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    }
    *col = (unsigned long long)(off - start) + 1;
}
