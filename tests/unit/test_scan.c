/* SPDX-License-Identifier: MIT */
/*
 * test_scan.c: the block scanner. Every implementation this CPU runs must
 * give the masks of a byte-by-byte reference written here, on chosen
 * blocks, on random buffers dense in structural bytes, and at every
 * alignment of the input pointer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan.h"

/* The reference: bit i of each mask from byte i, one at a time. */
static void
reference(const char *p, struct scan_masks *m)
{
    m->nl = m->comma = m->quote = 0;
    for (unsigned i = 0; i < SCAN_BLOCK; i++) {
        if (p[i] == '\n')
            m->nl |= (uint64_t)1 << i;
        if (p[i] == ',')
            m->comma |= (uint64_t)1 << i;
        if (p[i] == '"')
            m->quote |= (uint64_t)1 << i;
    }
}

/* Check every available implementation on n_blocks blocks at p. */
static int
check_all(const char *p, size_t n_blocks)
{
    struct scan_masks got[8], want;
    int ran = 0;
    assert_true(n_blocks <= 8);
    for (int impl = 0; impl < SCAN_N_IMPL; impl++) {
        memset(got, 0xA5, sizeof(got));
        if (scan_blocks_with((enum scan_impl)impl, p, n_blocks, got) != 0)
            continue;
        ran++;
        for (size_t b = 0; b < n_blocks; b++) {
            reference(p + b * SCAN_BLOCK, &want);
            if (got[b].nl != want.nl || got[b].comma != want.comma || got[b].quote != want.quote)
                fail_msg("%s, block %zu: nl %016llx comma %016llx quote %016llx, want %016llx "
                         "%016llx %016llx",
                         scan_impl_name((enum scan_impl)impl), b, (unsigned long long)got[b].nl,
                         (unsigned long long)got[b].comma, (unsigned long long)got[b].quote,
                         (unsigned long long)want.nl, (unsigned long long)want.comma,
                         (unsigned long long)want.quote);
        }
    }
    memset(got, 0xA5, sizeof(got));
    scan_blocks(p, n_blocks, got);
    for (size_t b = 0; b < n_blocks; b++) {
        reference(p + b * SCAN_BLOCK, &want);
        assert_true(got[b].nl == want.nl && got[b].comma == want.comma &&
                    got[b].quote == want.quote);
    }
    return ran;
}

/* Structural bytes at both ends of a block and of each 16/32-byte lane; bytes with the high bit. */
static void
chosen_blocks(void **state)
{
    (void)state;
    char b[2 * SCAN_BLOCK];
    memset(b, 'x', sizeof(b));
    b[0] = '\n';
    b[15] = ',';
    b[16] = '"';
    b[31] = '\n';
    b[32] = ',';
    b[47] = '"';
    b[48] = '\xAC'; /* ',' with the high bit set is not a comma */
    b[49] = '\x8A'; /* nor is this a line feed */
    b[50] = '\xA2';
    b[63] = '"';
    b[64] = ',';
    b[127] = '\n';
    struct scan_masks m[2];
    scan_blocks(b, 2, m);
    assert_true(m[0].nl == ((uint64_t)1 << 0 | (uint64_t)1 << 31));
    assert_true(m[0].comma == ((uint64_t)1 << 15 | (uint64_t)1 << 32));
    assert_true(m[0].quote == ((uint64_t)1 << 16 | (uint64_t)1 << 47 | (uint64_t)1 << 63));
    assert_true(m[1].nl == (uint64_t)1 << 63 && m[1].comma == 1 && m[1].quote == 0);
    /* the portable scanner is always there, and so is what scan_best() names */
    assert_int_equal(check_all(b, 2) >= 1, 1);
    assert_int_equal(scan_blocks_with(SCAN_PORTABLE, b, 2, m), 0);
    assert_int_equal(scan_blocks_with(scan_best(), b, 2, m), 0);
    assert_int_equal(scan_blocks_with(SCAN_N_IMPL, b, 2, m), -1);
    assert_string_equal(scan_impl_name(SCAN_AVX2), "avx2");
    assert_string_equal(scan_impl_name(SCAN_SSE2), "sse2");
    assert_string_equal(scan_impl_name(SCAN_PORTABLE), "portable");
}

static uint64_t
rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Random buffers, dense in structural bytes, at every alignment. */
static void
random_blocks_every_alignment(void **state)
{
    (void)state;
    static const char alphabet[] = "\n,\"\n,\"ab\r\0\xAC\x8A\xA2\xFF";
    char buf[8 * SCAN_BLOCK + SCAN_BLOCK];
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    for (int iter = 0; iter < 2000; iter++) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = alphabet[rng_next(&seed) % (sizeof(alphabet) - 1)];
        size_t align = (size_t)iter % SCAN_BLOCK;
        size_t n = 1 + rng_next(&seed) % 8;
        check_all(buf + align, n);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chosen_blocks),
        cmocka_unit_test(random_blocks_every_alignment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
