/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h: what every fuzz target shares. A target defines
 * LLVMFuzzerTestOneInput(); it is linked either with libFuzzer (clang,
 * -DEXTLS_FUZZ=ON, see fuzz/run) or with replay.c, whose main() feeds it
 * the seed corpus and the regression inputs under tests/fuzz/ in an
 * ordinary test build. Invariant failures abort() through FUZZ_CHECK, so
 * both drivers report them as crashes; assert() is not used, because
 * release builds compile it out.
 */
#ifndef EXTLS_FUZZ_H
#define EXTLS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with the failed condition and where it is, when `cond` is false. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif /* EXTLS_FUZZ_H */
