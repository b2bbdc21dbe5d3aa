/* SPDX-License-Identifier: MIT */
/*
 * fuzz_jsonin.c: the JSON report reader of 'extls merge' (jsonin.h) on
 * arbitrary bytes: it must accept or refuse them without crashing, leaking
 * or reading out of bounds; jsonin_fuzz_one() also checks that a report it
 * accepts has class counters that sum to its sessions (its own checks).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "jsonin.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)jsonin_fuzz_one(data, size);
    return 0;
}
