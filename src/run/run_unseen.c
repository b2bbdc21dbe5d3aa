/* SPDX-License-Identifier: MIT */
/*
 * run_unseen.c: --state records of files a run did not see: kept when the
 * path argument they lie under failed, hit an error, held no log, or is not
 * one of this run's (the state used with other paths); dropped only when
 * their folder was walked cleanly and the file is gone. Path arguments are
 * looked up by hash, once per separator of a record's path.
 */
#include "run_int.h"

#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "platform.h"

/* A path argument as a look-up key: path[0..len). */
struct arg_key {
    const char *path;
    size_t len;
};

static int
arg_eq(const void *rec, const void *key, void *user)
{
    const struct run *r = user;
    const char *a = r->cfg->paths[dict_rec_pos(rec)];
    const struct arg_key *k = key;
    return strncmp(a, k->path, k->len) == 0 && a[k->len] == '\0';
}

static const struct dict_type arg_set = {NULL, arg_eq, NULL};

/*
 * Were the files under path argument i all seen by this run? Not when it
 * could not be read or walked wholly (a missing folder, a failed mount,
 * an unlistable subfolder), when one of its inputs could not be read (it
 * may have been a renamed file whose record has its old path), or when it
 * yielded no log (an empty folder; its files read through another argument
 * excepted).
 */
static int
arg_walked(const struct run *r, size_t i)
{
    const struct walk_arg *a = i < r->inputs.n_args ? &r->inputs.args[i] : NULL;
    if (!a || a->errors || r->found[i].errors)
        return 0;
    return r->found[i].protocol != 0 || a->again != 0;
}

/*
 * The path arguments, by their text, in args (records: index in
 * cfg->paths); ok[i]: argument i (the first of equal ones) was walked
 * wholly. Returns EXTLS_OK or EXTLS_ENOMEM.
 */
static enum extls_status
index_args(const struct run *r, struct dict *args, unsigned char *ok)
{
    for (size_t i = 0; i < r->cfg->n_paths; i++) {
        const char *p = r->cfg->paths[i];
        struct arg_key k = {p, strlen(p)};
        uint64_t h = dict_hash_bytes(DICT_HASH_SEED, k.path, k.len);
        void *had = dict_find_hashed(args, &k, h);
        ok[i] = (unsigned char)arg_walked(r, i);
        if (had)
            ok[dict_rec_pos(had)] &= ok[i];
        else if (dict_insert_hashed(args, h, dict_pos_rec(i)) != EXTLS_OK)
            return EXTLS_ENOMEM;
    }
    return EXTLS_OK;
}

/*
 * Keep the record of a file this run did not see (path)? Dropped only
 * when a path argument it lies under was walked wholly (the file is gone:
 * rotated away, deleted); kept when one it lies under was not (its folder
 * may be back next time), and when it lies under none (the state is also
 * used with other paths). The argument texts are looked up for each
 * prefix of the path that ends at a separator (and the whole path): the
 * walk names a file under argument A as A, a separator unless A ends in
 * one, then the rest.
 */
static int
keep_unseen(const struct dict *args, const unsigned char *ok, const char *path)
{
    int under = 0;
    size_t len = strlen(path);
    for (size_t k = 0; k <= len; k++) {
        if (k < len && !platform_is_sep(path[k]))
            continue;
        for (size_t n = k; n <= k + 1 && n <= len; n++) {
            struct arg_key key = {path, n};
            void *rec = dict_find_hashed(args, &key, dict_hash_bytes(DICT_HASH_SEED, path, n));
            if (!rec)
                continue;
            if (!ok[dict_rec_pos(rec)])
                return 1;
            under = 1;
        }
    }
    return !under;
}

/*
 * The records of the files of the old state this run did not see: neither
 * an input's path nor gone on from by an input (renamed), kept by
 * keep_unseen()'s rule. Returns EXTLS_OK or EXTLS_ENOMEM.
 */
enum extls_status
run_keep_unseen_files(const struct run *r, const struct state *old, struct state *next)
{
    if (!old->n_files)
        return EXTLS_OK;
    unsigned char *seen = malloc(old->n_files), *ok = calloc(r->cfg->n_paths + 1, 1);
    struct dict args;
    dict_init(&args, &arg_set, (void *)r);
    enum extls_status st = seen && ok ? index_args(r, &args, ok) : EXTLS_ENOMEM;
    if (st == EXTLS_OK) {
        memcpy(seen, r->incr.claimed, old->n_files);
        for (size_t i = 0; i < r->inputs.n; i++) {
            const struct state_file *f = r->results[i].from;
            if (f)
                seen[f - old->files] = 1;
        }
    }
    for (size_t i = 0; i < old->n_files && st == EXTLS_OK; i++) {
        if (!seen[i] && keep_unseen(&args, ok, old->files[i].path))
            st = state_add_file(next, &old->files[i]);
    }
    dict_release(&args);
    free(seen);
    free(ok);
    return st;
}
