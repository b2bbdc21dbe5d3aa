/* SPDX-License-Identifier: MIT */
/*
 * test_iptext.c: numeric IP addresses from text: the bytes of known
 * addresses, forms refused, and (on POSIX systems) the verdict and bytes of
 * inet_pton() for every case and for every prefix of each case. (Under
 * Wine, test_platform checks the verdicts of platform_parse_ip().)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "iptext.h"

#ifndef _WIN32
#include <arpa/inet.h>
#endif

#ifndef _WIN32
static const char *const texts[] = {
    "0.0.0.0",
    "255.255.255.255",
    "192.0.2.1",
    "256.1.1.1",
    "1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "1.2.3.04",
    "1..2.3",
    " 1.2.3.4",
    "1.2.3.4 ",
    "::",
    "::1",
    "1::",
    "2001:db8::1",
    "2001:DB8:0:0:8:800:200C:417A",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1::2::3",
    ":1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:",
    "12345::1",
    "00001::1",
    "::ffff:192.0.2.1",
    "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::1.2.3",
    "::01.2.3.4",
    "::1.2.3.4.5",
    "fe80::1%1",
    "g::1",
    ":::",
    "1:::2",
    "",
    "::ffff:1.2.3.4:5",
    "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8",
};
#endif

/* Bytes of a few addresses, on every system. */
static void
known_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int len;
        unsigned char bytes[16];
    } cases[] = {
        {"2001:db8::1", 16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}},
        {"1:2:3:4:5:6:1.2.3.4", 16, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4}},
        {"::ffff:192.0.2.1", 16, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}},
        {"FFFF::aBcD", 16, {0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd}},
        {"198.51.100.7", 4, {198, 51, 100, 7}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned char out[16];
        assert_int_equal(iptext_parse(cases[i].text, out), cases[i].len);
        assert_memory_equal(out, cases[i].bytes, (size_t)cases[i].len);
    }
}

/* Refused forms leave out[] as it was. */
static void
refused_untouched(void **state)
{
    (void)state;
    unsigned char out[16];
    memset(out, 0xee, sizeof(out));
    assert_int_equal(iptext_parse("1:2:3:4:5:6:7:8:9", out), 0);
    assert_int_equal(iptext_parse("01.2.3.4", out), 0);
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 0xee);
}

#ifndef _WIN32
/* The verdict and bytes of `s` as inet_pton() gives them. */
static void
as_inet_pton(const char *s)
{
    unsigned char got[16] = {0}, want[16] = {0};
    int len = iptext_parse(s, got);
    int want_len = inet_pton(AF_INET, s, want) == 1    ? 4
                   : inet_pton(AF_INET6, s, want) == 1 ? 16
                                                       : 0;
    if (len != want_len)
        fail_msg("'%s': %d, inet_pton %d", s, len, want_len);
    assert_memory_equal(got, want, (size_t)len);
}

/* Every case and every prefix of it, as inet_pton() reads them. */
static void
same_as_inet_pton(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char text[64];
        size_t n = strlen(texts[i]);
        for (size_t k = 0; k <= n; k++) {
            memcpy(text, texts[i], k);
            text[k] = '\0';
            as_inet_pton(text);
        }
    }
}
#endif

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_bytes),
        cmocka_unit_test(refused_untouched),
#ifndef _WIN32
        cmocka_unit_test(same_as_inet_pton),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
