/* SPDX-License-Identifier: MIT */
/*
 * test_buf.c: the growable buffer: always '\0'-terminated, grows across
 * many doublings keeping its bytes, printf-style appends of any length,
 * the hard cap (EXTLS_ETOOBIG) and out-of-memory (EXTLS_ENOMEM) leaving
 * the buffer unchanged, and detach handing the memory over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

/* Under ASan, a refused huge allocation returns NULL (as without it) instead of aborting. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static void
empty_buffer_is_an_empty_string(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 100);
    assert_non_null(b.ptr);
    assert_string_equal(b.ptr, "");
    assert_int_equal(b.len, 0);
    buf_reset(&b);
    buf_release(&b);
    buf_release(&b); /* twice: still empty */
    assert_string_equal(b.ptr, "");
}

/* One byte at a time to 100000 bytes, then whole blocks: every byte kept. */
static void
growth_keeps_the_bytes(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    for (unsigned i = 0; i < 100000; i++)
        assert_int_equal(buf_addch(&b, 'a' + (int)(i % 26)), EXTLS_OK);
    assert_int_equal(b.len, 100000);
    assert_int_equal(b.ptr[b.len], '\0');
    for (unsigned i = 0; i < 100000; i++)
        assert_int_equal(b.ptr[i], 'a' + (int)(i % 26));
    char block[5000];
    memset(block, 'z', sizeof(block));
    for (int i = 0; i < 10; i++)
        assert_int_equal(buf_add(&b, block, sizeof(block)), EXTLS_OK);
    assert_int_equal(b.len, 150000);
    assert_int_equal(b.ptr[99999], 'a' + 99999 % 26);
    assert_int_equal(b.ptr[149999], 'z');
    assert_int_equal(b.ptr[150000], '\0');
    assert_int_equal(buf_add(&b, NULL, 0), EXTLS_OK); /* nothing added */
    assert_int_equal(b.len, 150000);
    buf_release(&b);
    assert_int_equal(b.len, 0);
}

/* Bytes with NULs inside are kept; reset reuses the memory. */
static void
binary_bytes_and_reset(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 64);
    assert_int_equal(buf_add(&b, "a\0b", 3), EXTLS_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.ptr, "a\0b", 4);
    char *mem = b.ptr;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    assert_int_equal(buf_add(&b, "xy", 2), EXTLS_OK);
    assert_ptr_equal(b.ptr, mem);
    assert_string_equal(b.ptr, "xy");
    buf_release(&b);
}

/* Writing in place after buf_grow(), then buf_setlen(). */
static void
grow_then_write_in_place(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1000);
    assert_int_equal(buf_add(&b, "ab", 2), EXTLS_OK);
    assert_int_equal(buf_grow(&b, 500), EXTLS_OK);
    memset(b.ptr + b.len, 'q', 500);
    buf_setlen(&b, b.len + 500);
    assert_int_equal(b.len, 502);
    assert_int_equal(b.ptr[1], 'b');
    assert_int_equal(b.ptr[501], 'q');
    assert_int_equal(b.ptr[502], '\0');
    buf_setlen(&b, 1);
    assert_string_equal(b.ptr, "a");
    buf_release(&b);
}

static void
addf_formats_any_length(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    assert_int_equal(buf_addf(&b, "%s=%d", "n", 42), EXTLS_OK);
    assert_string_equal(b.ptr, "n=42");
    /* Longer than the room left: formatted again after growing. */
    assert_int_equal(buf_addf(&b, ";%0300d;", 7), EXTLS_OK);
    assert_int_equal(b.len, 4 + 302);
    assert_int_equal(b.ptr[4], ';');
    assert_int_equal(b.ptr[5], '0');
    assert_int_equal(b.ptr[304], '7');
    assert_int_equal(b.ptr[305], ';');
    assert_int_equal(b.ptr[306], '\0');
    assert_int_equal(buf_addf(&b, "%s", ""), EXTLS_OK);
    assert_int_equal(b.len, 306);
    buf_release(&b);
}

/* The hard cap: exactly `max` bytes fit; one more is ETOOBIG and changes nothing. */
static void
cap_is_etoobig_and_unchanged(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_add(&b, "0123456789", 10), EXTLS_OK);
    assert_int_equal(buf_addch(&b, 'x'), EXTLS_ETOOBIG);
    assert_int_equal(buf_grow(&b, 1), EXTLS_ETOOBIG);
    assert_int_equal(buf_grow(&b, SIZE_MAX), EXTLS_ETOOBIG);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.ptr, "0123456789");
    buf_setlen(&b, 5);
    /* A formatted append that would pass the cap: refused, no stray bytes. */
    assert_int_equal(buf_addf(&b, "%s", "abcdefgh"), EXTLS_ETOOBIG);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.ptr, "01234");
    assert_int_equal(buf_addf(&b, "%s", "abcde"), EXTLS_OK);
    assert_string_equal(b.ptr, "01234abcde");
    buf_release(&b);
}

/* More than memory can hold: ENOMEM, the contents unchanged and usable. */
static void
huge_growth_is_enomem(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    assert_int_equal(buf_add(&b, "keep", 4), EXTLS_OK);
    assert_int_equal(buf_grow(&b, (size_t)1 << 60), EXTLS_ENOMEM);
    assert_int_equal(buf_grow(&b, BUF_NO_MAX), EXTLS_ETOOBIG); /* len + extra passes the cap */
    assert_string_equal(b.ptr, "keep");
    assert_int_equal(buf_addch(&b, '!'), EXTLS_OK);
    assert_string_equal(b.ptr, "keep!");
    buf_release(&b);
}

static void
detach_hands_over_the_memory(void **state)
{
    (void)state;
    struct buf b;
    char *s;
    size_t len;
    buf_init(&b, 100);
    assert_int_equal(buf_add(&b, "hello", 5), EXTLS_OK);
    assert_int_equal(buf_detach(&b, &s, &len), EXTLS_OK);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    assert_ptr_not_equal(b.ptr, s);
    free(s);
    /* An empty buffer still gives an allocated empty string. */
    assert_int_equal(buf_detach(&b, &s, NULL), EXTLS_OK);
    assert_string_equal(s, "");
    free(s);
    /* The cap survives a detach. */
    assert_int_equal(buf_grow(&b, 101), EXTLS_ETOOBIG);
    buf_release(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_buffer_is_an_empty_string),
        cmocka_unit_test(growth_keeps_the_bytes),
        cmocka_unit_test(binary_bytes_and_reset),
        cmocka_unit_test(grow_then_write_in_place),
        cmocka_unit_test(addf_formats_any_length),
        cmocka_unit_test(cap_is_etoobig_and_unchanged),
        cmocka_unit_test(huge_growth_is_enomem),
        cmocka_unit_test(detach_hands_over_the_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
