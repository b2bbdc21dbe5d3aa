/* SPDX-License-Identifier: MIT */
/*
 * fuzz_jsonin.c: libFuzzer harness for the JSON report reader (jsonin.h).
 * Not part of the normal build. Build and run, from the source root:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L \
 *       -Iinclude tests/fuzz/fuzz_jsonin.c src/jsonin.c src/agg.c src/esc.c \
 *       src/extls.c src/strpool.c src/xtime.c -o fuzz_jsonin
 *   mkdir -p corpus && cp tests/golden/e2e/json_2010.out tests/merge-data/exchange2019.json corpus/
 *   ./fuzz_jsonin -max_len=65536 corpus
 */
#include <stddef.h>
#include <stdint.h>

#include "jsonin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return jsonin_fuzz_one(data, size);
}
