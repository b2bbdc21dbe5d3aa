/* SPDX-License-Identifier: MIT */
/*
 * test_idset.c: the set of file identities: new, seen again, same inode on
 * another device, many (the table grows and every one is still found).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "idset.h"

static void
added_once(void **state)
{
    (void)state;
    struct idset s;
    idset_init(&s);
    assert_int_equal(idset_add(&s, 1, 2), 1);
    assert_int_equal(idset_add(&s, 1, 2), 0);
    assert_int_equal(idset_add(&s, 2, 1), 1); /* dev and ino are not interchangeable */
    assert_int_equal(idset_add(&s, 1, 3), 1);
    assert_int_equal(idset_add(&s, 0, 0), 1);
    assert_int_equal(idset_add(&s, 0, 0), 0);
    idset_release(&s);
    idset_init(&s); /* empty again after release */
    assert_int_equal(idset_add(&s, 1, 2), 1);
    idset_release(&s);
}

static void
many_all_found(void **state)
{
    (void)state;
    struct idset s;
    idset_init(&s);
    for (uint64_t i = 0; i < 20000; i++)
        assert_int_equal(idset_add(&s, i % 7, i * 2654435761u), 1);
    for (uint64_t i = 0; i < 20000; i++)
        assert_int_equal(idset_add(&s, i % 7, i * 2654435761u), 0);
    assert_int_equal(idset_add(&s, 7, 0), 1);
    idset_release(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(added_once),
        cmocka_unit_test(many_all_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
