/* SPDX-License-Identifier: MIT */
/*
 * walk.h: command-line paths -> the list of inputs to read.
 *
 * A file argument is read whatever its name; "-" is standard input. A
 * directory is walked recursively (symbolic links followed, each directory
 * entered once, so link loops end) and its files named *.log or *.log.gz
 * (any case) are read; other files there are skipped and counted (per
 * path argument too, and named to a callback if one is set). A file reached twice
 * in one walk_paths() call (given twice, or through a link) is read once. The list is sorted in
 * natural order of the path (digit runs compare as numbers), which puts
 * Exchange's RECVyyyymmdd[HH]-N.LOG files of one folder in the order they
 * were written. Each input gets a direction hint from its name (RECV... /
 * SEND...) or, failing that, from a folder named SmtpReceive / SmtpSend.
 */
#ifndef EXTLS_WALK_H
#define EXTLS_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "extls.h"

struct input {
    char *path;          /* owned; "-" for standard input */
    enum extls_dir hint; /* from the name; EXTLS_DIR_UNKNOWN if none */
    int from_dir;        /* found by walking a directory (not named by the user) */
    int64_t size;        /* bytes (stat), -1 for standard input or not a regular file */
    uint32_t arg;        /* index of the path argument it came from */
    int newest;          /* the last input of its series (see walk_paths()) */
};

/* What the walk found under one path argument. */
struct walk_arg {
    int is_dir;       /* the argument is a directory */
    unsigned errors;  /* paths under it that could not be read or walked (itself included) */
    uint64_t skipped; /* files under it not named *.log / *.log.gz, or not regular files */
    uint64_t again;   /* files and folders under it already reached (another argument, a link) */
};

/* Called for a file skipped by its name or type; borrowed path. */
typedef void walk_skip_fn(const char *path, void *user);

struct input_list {
    struct input *v;
    size_t n, cap;
    uint64_t skipped;      /* files in walked directories not named *.log or *.log.gz */
    struct walk_arg *args; /* one per path argument of walk_paths() (owned), n_args of them */
    size_t n_args;
    walk_skip_fn *on_skip; /* NULL, or told of each skipped file (input_list_on_skip()) */
    void *skip_user;
};

/*
 * Called for a path that cannot be read or walked; `errnum` is the errno
 * value. Borrowed arguments.
 */
typedef void walk_error_fn(const char *path, int errnum, void *user);

/* Empty list. */
void input_list_init(struct input_list *l);

/* Free the contents; the list is then empty (and has no skip callback). */
void input_list_release(struct input_list *l);

/*
 * Tell fn (with user) of every file walk_paths() skips by its name or type,
 * in natural order at the end of the walk (their paths are kept till then).
 */
void input_list_on_skip(struct input_list *l, walk_skip_fn *fn, void *user);

/*
 * Add the inputs named by `paths` (n of them), then sort. Unreadable paths
 * go to `err` and are left out. l->args then has one entry per path (for
 * the last call). Each input's `newest` says whether it is the last, in
 * the sorted list, of its series: the inputs of the same folder whose file
 * names start with the same text before their first digit ("RECV", "SEND",
 * ASCII case ignored), i.e. the file Exchange writes to now. Returns the
 * number of such errors, or -1 when out of memory.
 */
int walk_paths(struct input_list *l, char *const *paths, size_t n, walk_error_fn *err, void *user);

/* Direction hint for a path (see above). */
enum extls_dir walk_dir_hint(const char *path);

/* Natural-order comparison used for sorting (digit runs numerically). */
int walk_natural_cmp(const char *a, const char *b);

#endif /* EXTLS_WALK_H */
