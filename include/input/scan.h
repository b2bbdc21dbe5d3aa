/* SPDX-License-Identifier: MIT */
/*
 * scan.h: the structural bytes of a buffer (line feeds, commas, double
 * quotes) as bit masks, 64 bytes at a time.
 *
 * Model. A block is 64 consecutive bytes; its masks have bit i set when
 * byte i of the block is '\n', ',' or '"'. Nothing else is looked at: no
 * state runs from one block to the next, so blocks can be scanned in any
 * order and a line or a quoted field may span blocks. Turning masks into
 * rows (and deciding what a quote means) is the reader's job.
 *
 * Three implementations give identical masks: AVX2 (chosen at run time
 * where the CPU has it), SSE2 (the x86 baseline) and a portable one for
 * every other target. scan_blocks() picks the best the CPU offers; tests
 * and fuzz targets call scan_blocks_with() to check each against the others.
 *
 * Nothing here allocates, prints or keeps state.
 */
#ifndef EXTLS_SCAN_H
#define EXTLS_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_BLOCK 64 /* bytes per block, one bit each */

/* The masks of one block. */
struct scan_masks {
    uint64_t nl;    /* '\n' */
    uint64_t comma; /* ',' */
    uint64_t quote; /* '"' */
};

enum scan_impl {
    SCAN_PORTABLE = 0, /* plain C, any target */
    SCAN_SSE2,         /* x86 with SSE2 */
    SCAN_AVX2,         /* x86 with AVX2 (checked at run time) */
    SCAN_N_IMPL
};

/*
 * Masks of `n_blocks` whole blocks starting at `p` (all n_blocks * 64 bytes
 * readable) into out[0 .. n_blocks), with the best implementation this CPU
 * runs. `p` needs no alignment.
 */
void scan_blocks(const char *p, size_t n_blocks, struct scan_masks *out);

/* The same with a given implementation; returns -1 (out untouched) if this CPU or build lacks it.
 */
int scan_blocks_with(enum scan_impl impl, const char *p, size_t n_blocks, struct scan_masks *out);

/* The implementation scan_blocks() uses here. */
enum scan_impl scan_best(void);

/* Name of an implementation ("avx2", "sse2", "portable"); static text. */
const char *scan_impl_name(enum scan_impl impl);

#endif /* EXTLS_SCAN_H */
