/* SPDX-License-Identifier: MIT */
/*
 * test_record.c: state-file records: every byte survives escaping and
 * splitting, numbers read back exactly, and bad fields set the first error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hash64.h"
#include "record.h"

/* Write a record with every kind of field, split it and take each back. */
static void
test_round_trip(void **state)
{
    (void)state;
    char bytes[256];
    for (int i = 0; i < 256; i++)
        bytes[i] = (char)(i == 0 ? 'a' : i); /* NUL ends a record text: the reader rejects it */
    struct strpool *pool = strpool_new();
    struct span sp = {"CALG_AES_256", 12};
    struct record_out o;
    record_out_init(&o);
    record_put(&o, "kind", 4);
    record_put_field(&o, bytes, sizeof(bytes));
    record_put_u(&o, UINT64_MAX);
    record_put_i(&o, INT64_MIN);
    record_put_span(&o, &sp);
    record_put_span(&o, NULL);
    record_put_str(&o, "a\tb\\c");
    assert_false(o.failed);
    assert_null(memchr(o.text.ptr, '\n', o.text.len)); /* one line */

    char *line = strdup(o.text.ptr);
    struct record_in in;
    memset(&in, 0, sizeof(in));
    assert_int_equal(record_split(&in, line), 0);
    assert_int_equal(in.n, 9); /* a span is two fields: present, bytes */
    size_t len;
    const char *f = record_take(&in, &len);
    assert_int_equal(len, 4);
    assert_memory_equal(f, "kind", 4);
    f = record_take(&in, &len);
    assert_int_equal(len, sizeof(bytes));
    assert_memory_equal(f, bytes, sizeof(bytes));
    assert_true(record_take_u(&in) == UINT64_MAX);
    assert_true(record_take_i(&in) == INT64_MIN);
    const struct span *got = record_take_span(&in, pool);
    assert_non_null(got);
    assert_int_equal(got->len, 12);
    assert_memory_equal(got->ptr, "CALG_AES_256", 12);
    assert_null(record_take_span(&in, pool));
    char text[8];
    record_take_text(&in, text, sizeof(text));
    assert_string_equal(text, "a\tb\\c");
    assert_null(in.why);
    record_take(&in, &len); /* one too many */
    assert_string_equal(in.why, "too few fields");
    free(line);
    record_out_release(&o);
    strpool_free(pool);
}

/* Bad numbers, ranges and escapes: the first error is kept, values are 0. */
static void
test_strict_fields(void **state)
{
    (void)state;
    char line[] = "k\t12x\t7\t99999999999999999999999\t-1";
    struct record_in in;
    memset(&in, 0, sizeof(in));
    assert_int_equal(record_split(&in, line), 0);
    size_t len;
    record_take(&in, &len);
    assert_int_equal(record_take_u(&in), 0);
    assert_string_equal(in.why, "bad number");
    in.why = NULL;
    assert_int_equal(record_take_range(&in, 6), 0);
    assert_string_equal(in.why, "value out of range");
    record_fail(&in, "later error");
    assert_string_equal(in.why, "value out of range");
    in.why = NULL;
    assert_int_equal(record_take_u(&in), 0); /* overflows 64 bits */
    assert_string_equal(in.why, "bad number");
    in.why = NULL;
    assert_int_equal(record_take_i(&in), -1);
    assert_null(in.why);

    char bad[] = "k\tx\\q";
    assert_int_equal(record_split(&in, bad), -1);
    char hex[] = "k\t\\x4";
    assert_int_equal(record_split(&in, hex), -1);
}

/* The state checksum is hash64: fixed values, so a change to it cannot pass unseen. */
static void
test_hash64_fixed(void **state)
{
    (void)state;
    assert_true(hash64("extls-state", 11) == 0x14380ccde260336full);
    assert_true(hash64("", 0) == 0x3836f0681055a942ull);
    assert_true(hash64("abcdefgh", 8) != hash64("abcdefgi", 8));
    assert_true(hash64("abc", 3) != hash64("abc\0", 4)); /* the length is hashed */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_strict_fields),
        cmocka_unit_test(test_hash64_fixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
