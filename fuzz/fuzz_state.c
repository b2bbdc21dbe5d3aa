/* SPDX-License-Identifier: MIT */
/*
 * fuzz_state.c: the --state file reader (state.h) on arbitrary bytes. Odd
 * inputs are sealed with a valid checksum record first (any "end" record of
 * theirs dropped), so the parser behind the checksum is reached; even ones
 * are taken as they are. A file it refuses leaves the state empty; a file it
 * accepts is saved again, and that copy must load and save to the very same
 * bytes (the format round-trips, and nothing loaded is half-used).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "state.h"
#include "strpool.h"

/* The bytes of a file, whole (state files here are small). */
static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    FUZZ_CHECK(f != NULL);
    char *buf = malloc(1u << 22);
    FUZZ_CHECK(buf != NULL);
    *len = fread(buf, 1, 1u << 22, f);
    fclose(f);
    return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64];
    char in[96], out1[96], out2[96], err[512];
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/fuzz_state_XXXXXX");
        FUZZ_CHECK(mkdtemp(dir) != NULL);
    }
    snprintf(in, sizeof(in), "%s/in", dir);
    snprintf(out1, sizeof(out1), "%s/out1", dir);
    snprintf(out2, sizeof(out2), "%s/out2", dir);
    FILE *f = fopen(in, "wb");
    FUZZ_CHECK(f != NULL);
    size_t body = size;
    if (size & 1) {
        /* Drop a last "end" record, then seal what is left. */
        for (size_t i = size; i-- > 0;) {
            if ((i == 0 || data[i - 1] == '\n') && size - i >= 4 &&
                memcmp(data + i, "end\t", 4) == 0) {
                body = i;
                break;
            }
        }
    }
    FUZZ_CHECK(fwrite(data, 1, body, f) == body);
    if (size & 1)
        fprintf(f, "end\t%016llx\n", (unsigned long long)state_checksum(data, body));
    fclose(f);

    struct state a;
    FUZZ_CHECK(state_init(&a) == EXTLS_OK);
    enum extls_status st = state_load(&a, in, err, sizeof(err));
    if (st != EXTLS_OK) {
        FUZZ_CHECK(st == EXTLS_EPARSE || st == EXTLS_EIO || st == EXTLS_ENOMEM);
        FUZZ_CHECK(!a.loaded && a.n_files == 0 && a.n_open == 0 && a.n_aggs == 0);
        state_release(&a);
        return 0;
    }
    /* Accepted: save it anew (not skipped as unchanged), load, save again. */
    free(a.raw);
    a.raw = NULL;
    a.raw_len = 0;
    unlink(out1);
    FUZZ_CHECK(state_save(&a, out1, err, sizeof(err)) == EXTLS_OK);
    struct state b;
    FUZZ_CHECK(state_init(&b) == EXTLS_OK);
    FUZZ_CHECK(state_load(&b, out1, err, sizeof(err)) == EXTLS_OK);
    FUZZ_CHECK(b.n_files == a.n_files && b.n_open == a.n_open && b.n_aggs == a.n_aggs);
    free(b.raw);
    b.raw = NULL;
    b.raw_len = 0;
    unlink(out2);
    FUZZ_CHECK(state_save(&b, out2, err, sizeof(err)) == EXTLS_OK);
    size_t n1, n2;
    char *t1 = slurp(out1, &n1), *t2 = slurp(out2, &n2);
    FUZZ_CHECK(n1 == n2 && memcmp(t1, t2, n1) == 0);
    free(t1);
    free(t2);
    state_release(&a);
    state_release(&b);
    return 0;
}
