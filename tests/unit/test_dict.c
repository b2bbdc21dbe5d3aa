/* SPDX-License-Identifier: MIT */
/*
 * test_dict.c: the hash table: keys found again after growth, colliding
 * hashes told apart by the equality callback (called only on equal
 * hashes), deletion that keeps the rest of a probe run findable, owned
 * records freed, walks by hash in insertion order, and sizes too
 * large for memory refused with EXTLS_ETOOBIG / EXTLS_ENOMEM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dict.h"

/* Under ASan, a refused huge allocation returns NULL (as without it) instead of aborting. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

/* What the callbacks saw. */
struct counts {
    unsigned eq_calls;
    unsigned freed;
    uint64_t fixed_hash; /* the hash of every key of `colliding` */
};

static uint64_t
str_hash(const void *key, void *user)
{
    (void)user;
    return dict_hash_bytes(DICT_HASH_SEED, key, strlen(key));
}

static int
str_eq(const void *stored, const void *key, void *user)
{
    ((struct counts *)user)->eq_calls++;
    return strcmp(stored, key) == 0;
}

/* Every key hashes alike: one probe run holds them all. */
static uint64_t
fixed_hash(const void *key, void *user)
{
    (void)key;
    return ((struct counts *)user)->fixed_hash;
}

/* A key -> value map: records holding both, looked up by their key string. */
struct pair {
    char *key, *val;
};

static int
pair_eq(const void *rec, const void *key, void *user)
{
    (void)user;
    return strcmp(((const struct pair *)rec)->key, key) == 0;
}

static void
pair_free(void *rec, void *user)
{
    struct pair *p = rec;
    ((struct counts *)user)->freed++;
    free(p->key);
    free(p->val);
    free(p);
}

static const struct dict_type strings = {str_hash, str_eq, NULL};
static const struct dict_type pairs = {str_hash, pair_eq, pair_free};
static const struct dict_type colliding = {fixed_hash, str_eq, NULL};

static char *
key_text(unsigned i)
{
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "key-%u", i);
    char *s = strdup(tmp);
    assert_non_null(s);
    return s;
}

/* "key-0" .. "key-<n-1>", each added to d (when d is not NULL); free with free_keys(). */
static char **
make_keys(unsigned n, struct dict *d)
{
    char **keys = calloc(n, sizeof(*keys));
    assert_non_null(keys);
    for (unsigned i = 0; i < n; i++) {
        keys[i] = key_text(i);
        if (d)
            assert_int_equal(dict_add(d, keys[i]), EXTLS_OK);
    }
    return keys;
}

static void
free_keys(char **keys, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

static void
empty_table_finds_nothing(void **state)
{
    (void)state;
    struct counts c = {0};
    struct dict d;
    dict_init(&d, &strings, &c);
    assert_null(dict_find(&d, "x"));
    assert_int_equal(dict_delete(&d, "x"), 0);
    assert_int_equal(dict_size(&d), 0);
    struct dict_iter it;
    dict_iter_init(&it, &d);
    assert_null(dict_iter_next(&it));
    dict_iter_hash(&it, &d, 42);
    assert_null(dict_iter_next(&it));
    assert_null(dict_iter_next(&it));
    dict_release(&d);
    dict_release(&d); /* released twice: still empty */
    assert_int_equal(c.eq_calls, 0);
}

/* 20000 keys through many doublings: each found as stored, absent keys not. */
static void
growth_keeps_every_entry(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct counts c = {0};
    struct dict d;
    dict_init(&d, &strings, &c);
    char **keys = make_keys(N, &d);
    assert_int_equal(dict_size(&d), N);
    c.eq_calls = 0;
    for (unsigned i = 0; i < N; i++) {
        char probe[32];
        snprintf(probe, sizeof(probe), "key-%u", i);
        assert_ptr_equal(dict_find(&d, probe), keys[i]);
    }
    /* Equality runs only on equal 64-bit hashes: once per hit here. */
    assert_int_equal(c.eq_calls, N);
    assert_null(dict_find(&d, "key-20000"));
    assert_null(dict_find(&d, ""));
    /* A walk over all sees each entry once. */
    struct dict_iter it;
    const char *rec;
    size_t seen = 0;
    unsigned char *visited = calloc(N, 1);
    assert_non_null(visited);
    dict_iter_init(&it, &d);
    while ((rec = dict_iter_next(&it)) != NULL) {
        unsigned i = (unsigned)strtoul(rec + 4, NULL, 10);
        assert_true(i < N);
        assert_ptr_equal(keys[i], rec);
        assert_int_equal(visited[i]++, 0);
        seen++;
    }
    assert_int_equal(seen, N);
    free(visited);
    dict_release(&d);
    free_keys(keys, N);
}

static void
equal_key_is_refused(void **state)
{
    (void)state;
    struct counts c = {0};
    struct dict d;
    char a[] = "same", b[] = "same";
    dict_init(&d, &strings, &c);
    assert_int_equal(dict_add(&d, a), EXTLS_OK);
    assert_int_equal(dict_add(&d, b), EXTLS_EINVAL);
    assert_int_equal(dict_add(&d, NULL), EXTLS_EINVAL);
    assert_int_equal(dict_size(&d), 1);
    assert_ptr_equal(dict_find(&d, "same"), a);
    assert_ptr_equal(dict_find(&d, b), a);
    /* dict_insert_hashed() keeps a second record under an equal key. */
    assert_int_equal(dict_insert_hashed(&d, dict_hash(&d, b), b), EXTLS_OK);
    assert_int_equal(dict_size(&d), 2);
    assert_ptr_equal(dict_find(&d, "same"), a); /* the first one added */
    assert_int_equal(dict_delete(&d, "same"), 1);
    assert_ptr_equal(dict_find(&d, "same"), b);
    dict_release(&d);
}

/*
 * All keys under one hash, placed to wrap around the end of the table:
 * each is told apart by equality, and deleting from the middle of the run
 * keeps the rest findable (entries shift back, no tombstone).
 */
static void
collisions_and_deletion(void **state)
{
    (void)state;
    enum { N = 40 };
    struct counts c = {0};
    struct dict d;
    c.fixed_hash = 0x123456789abcdefull;
    dict_init(&d, &colliding, &c);
    char **keys = make_keys(N, &d);
    for (unsigned i = 0; i < N; i += 3)
        assert_int_equal(dict_delete(&d, keys[i]), 1);
    assert_int_equal(dict_delete(&d, "key-0"), 0); /* gone already */
    assert_int_equal(dict_delete(&d, "nope"), 0);
    assert_int_equal(dict_size(&d), N - (N + 2) / 3);
    for (unsigned i = 0; i < N; i++) {
        if (i % 3 == 0)
            assert_null(dict_find(&d, keys[i]));
        else
            assert_ptr_equal(dict_find(&d, keys[i]), keys[i]);
    }
    /* Deleted keys can come back. */
    assert_int_equal(dict_add(&d, keys[3]), EXTLS_OK);
    assert_ptr_equal(dict_find(&d, "key-3"), keys[3]);
    dict_release(&d);
    free_keys(keys, N);
}

/* Deletion among ordinary hashes, many rounds: the table stays consistent. */
static void
deletion_rounds(void **state)
{
    (void)state;
    enum { N = 3000 };
    struct counts c = {0};
    struct dict d;
    dict_init(&d, &strings, &c);
    char **keys = make_keys(N, &d);
    for (unsigned i = 0; i < N; i++) {
        if (i % 2)
            assert_int_equal(dict_delete(&d, keys[i]), 1);
    }
    assert_int_equal(dict_size(&d), N / 2);
    for (unsigned i = 0; i < N; i++)
        assert_int_equal(dict_find(&d, keys[i]) != NULL, i % 2 == 0);
    dict_release(&d);
    free_keys(keys, N);
}

/*
 * A key -> value map of owned records looked up by a key of another type:
 * records freed on delete and release, values changed in place.
 */
static void
owned_records_are_freed(void **state)
{
    (void)state;
    struct counts c = {0};
    struct dict d;
    dict_init(&d, &pairs, &c);
    for (unsigned i = 0; i < 100; i++) {
        struct pair *p = malloc(sizeof(*p));
        assert_non_null(p);
        p->key = key_text(i);
        p->val = key_text(i + 1000);
        assert_null(dict_find(&d, p->key));
        assert_int_equal(dict_insert_hashed(&d, dict_hash(&d, p->key), p), EXTLS_OK);
    }
    struct pair *p = dict_find(&d, "key-5");
    assert_string_equal(p->val, "key-1005");
    assert_int_equal(dict_delete(&d, "key-5"), 1);
    assert_int_equal(c.freed, 1);
    assert_null(dict_find(&d, "key-5"));
    assert_string_equal(((struct pair *)dict_find(&d, "key-6"))->val, "key-1006");
    dict_release(&d);
    assert_int_equal(c.freed, 100);
    assert_int_equal(dict_size(&d), 0);
}

/*
 * A multimap without keys of its own (hashidx's use): positions stored
 * under caller-computed hashes, walked by hash in the order they were
 * added, across growth and with other hashes in between.
 */
static void
walk_by_hash_in_insertion_order(void **state)
{
    (void)state;
    struct dict d = {0}; /* zeroed: a table with no type */
    for (uintptr_t i = 1; i <= 500; i++)
        assert_int_equal(dict_insert_hashed(&d, i % 5, (void *)i), EXTLS_OK);
    assert_int_equal(dict_insert_hashed(&d, 1, NULL), EXTLS_EINVAL);
    struct dict_iter it;
    void *rec;
    uintptr_t want = 3;
    dict_iter_hash(&it, &d, 3);
    while ((rec = dict_iter_next(&it)) != NULL) {
        assert_int_equal((uintptr_t)rec, want);
        want += 5;
    }
    assert_int_equal(want, 503);
    dict_iter_hash(&it, &d, 77);
    assert_null(dict_iter_next(&it));
    dict_release(&d);
}

/* Reserve makes room once; later adds up to it keep the same slots. */
static void
reserve_then_add(void **state)
{
    (void)state;
    struct counts c = {0};
    struct dict d;
    dict_init(&d, &strings, &c);
    assert_int_equal(dict_reserve(&d, 200), EXTLS_OK);
    const struct dict_slot *slots = d.slot;
    char **keys = make_keys(200, &d);
    assert_ptr_equal(d.slot, slots);                  /* no regrowth */
    assert_int_equal(dict_reserve(&d, 10), EXTLS_OK); /* never shrinks */
    assert_ptr_equal(d.slot, slots);
    dict_release(&d);
    free_keys(keys, 200);
}

/* Sizes beyond memory: refused, the table unchanged and still usable. */
static void
huge_sizes_are_refused(void **state)
{
    (void)state;
    struct counts c = {0};
    struct dict d;
    char k[] = "k";
    dict_init(&d, &strings, &c);
    assert_int_equal(dict_add(&d, k), EXTLS_OK);
    assert_int_equal(dict_reserve(&d, SIZE_MAX), EXTLS_ETOOBIG);
    assert_int_equal(dict_reserve(&d, SIZE_MAX / 4 + 1), EXTLS_ETOOBIG);
    assert_int_equal(dict_reserve(&d, (size_t)1 << 60), EXTLS_ETOOBIG); /* slots overflow size_t */
    /* Representable, but more than any address space: the allocation fails. */
    assert_int_equal(dict_reserve(&d, (size_t)1 << 55), EXTLS_ENOMEM);
    assert_int_equal(dict_size(&d), 1);
    assert_ptr_equal(dict_find(&d, "k"), k);
    dict_release(&d);
}

static void
hash_bytes_is_fnv1a(void **state)
{
    (void)state;
    /* FNV-1a 64 reference values. */
    assert_true(dict_hash_bytes(DICT_HASH_SEED, "", 0) == 0xcbf29ce484222325ull);
    assert_true(dict_hash_bytes(DICT_HASH_SEED, "a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(dict_hash_bytes(DICT_HASH_SEED, "foobar", 6) == 0x85944171f73967e8ull);
    /* Continuing a hash equals hashing the concatenation. */
    assert_true(dict_hash_bytes(dict_hash_bytes(DICT_HASH_SEED, "foo", 3), "bar", 3) ==
                0x85944171f73967e8ull);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_table_finds_nothing),
        cmocka_unit_test(growth_keeps_every_entry),
        cmocka_unit_test(equal_key_is_refused),
        cmocka_unit_test(collisions_and_deletion),
        cmocka_unit_test(deletion_rounds),
        cmocka_unit_test(owned_records_are_freed),
        cmocka_unit_test(walk_by_hash_in_insertion_order),
        cmocka_unit_test(reserve_then_add),
        cmocka_unit_test(huge_sizes_are_refused),
        cmocka_unit_test(hash_bytes_is_fnv1a),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
