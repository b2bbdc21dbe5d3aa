/* SPDX-License-Identifier: MIT */
/*
 * test_hashidx.c: the hash -> position index: every position stored under
 * a hash is found again, colliding hashes share a walk, growth keeps all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hashidx.h"

/* The positions under hash h, as a bit set of positions below 64. */
static uint64_t
walk(const struct hashidx *x, uint64_t h, unsigned *n)
{
    struct hashidx_iter it;
    uint32_t pos;
    uint64_t set = 0;
    *n = 0;
    hashidx_find(x, h, &it);
    while (hashidx_next(&it, &pos)) {
        assert_true(pos < 64);
        set |= 1ull << pos;
        (*n)++;
    }
    return set;
}

static void
empty_index_finds_nothing(void **state)
{
    (void)state;
    struct hashidx x;
    unsigned n;
    hashidx_init(&x);
    assert_int_equal(walk(&x, 42, &n), 0);
    assert_int_equal(n, 0);
    hashidx_release(&x);
    hashidx_release(&x); /* released twice: still empty */
}

static void
collisions_share_a_walk(void **state)
{
    (void)state;
    struct hashidx x;
    unsigned n;
    hashidx_init(&x);
    assert_int_equal(hashidx_add(&x, 7, 1), EXTLS_OK);
    assert_int_equal(hashidx_add(&x, 7, 5), EXTLS_OK);
    assert_int_equal(hashidx_add(&x, 8, 2), EXTLS_OK);
    assert_int_equal(hashidx_add(&x, 7, 5), EXTLS_OK); /* duplicates are kept, as given */
    assert_int_equal(walk(&x, 7, &n), (1ull << 1) | (1ull << 5));
    assert_int_equal(n, 3);
    assert_int_equal(walk(&x, 8, &n), 1ull << 2);
    assert_int_equal(n, 1);
    assert_int_equal(walk(&x, 9, &n), 0);
    assert_int_equal(hashidx_add(&x, 1, UINT32_MAX), EXTLS_EINVAL);
    hashidx_release(&x);
}

/* 100 000 positions under hashes that share their low bits: all found after growth. */
static void
growth_keeps_everything(void **state)
{
    (void)state;
    struct hashidx x;
    hashidx_init(&x);
    for (uint32_t i = 0; i < 100000; i++)
        assert_int_equal(hashidx_add(&x, (uint64_t)i << 40, i), EXTLS_OK);
    for (uint32_t i = 0; i < 100000; i += 997) {
        struct hashidx_iter it;
        uint32_t pos, found = 0;
        hashidx_find(&x, (uint64_t)i << 40, &it);
        while (hashidx_next(&it, &pos)) {
            assert_int_equal(pos, i);
            found++;
        }
        assert_int_equal(found, 1);
    }
    hashidx_release(&x);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_index_finds_nothing),
        cmocka_unit_test(collisions_share_a_walk),
        cmocka_unit_test(growth_keeps_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
