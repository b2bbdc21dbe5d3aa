/* SPDX-License-Identifier: MIT */
/*
 * scan.c: line feeds, commas and quotes of 64-byte blocks as bit masks,
 * with AVX2 (run-time choice), SSE2 or plain C. See scan.h. Knows nothing
 * about lines, fields or quoting rules.
 */
#include "scan.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__) &&                             \
    (defined(__GNUC__) || defined(__clang__))
#define SCAN_X86 1
#include <immintrin.h>
#else
#define SCAN_X86 0
#endif

/* Plain C: one byte at a time (the reference the vector versions must equal). */
static void
scan_portable(const char *p, size_t n_blocks, struct scan_masks *out)
{
    for (size_t b = 0; b < n_blocks; b++, p += SCAN_BLOCK) {
        uint64_t nl = 0, comma = 0, quote = 0;
        for (unsigned i = 0; i < SCAN_BLOCK; i++) {
            uint64_t bit = (uint64_t)1 << i;
            unsigned char c = (unsigned char)p[i];
            nl |= c == '\n' ? bit : 0;
            comma |= c == ',' ? bit : 0;
            quote |= c == '"' ? bit : 0;
        }
        out[b].nl = nl;
        out[b].comma = comma;
        out[b].quote = quote;
    }
}

#if SCAN_X86
/* Bits of the bytes equal to `c` in 16 bytes at p. */
static inline uint64_t
eq16(__m128i v, char c)
{
    return (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

static void
scan_sse2(const char *p, size_t n_blocks, struct scan_masks *out)
{
    for (size_t b = 0; b < n_blocks; b++, p += SCAN_BLOCK) {
        uint64_t nl = 0, comma = 0, quote = 0;
        for (unsigned k = 0; k < 4; k++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
            nl |= eq16(v, '\n') << (16 * k);
            comma |= eq16(v, ',') << (16 * k);
            quote |= eq16(v, '"') << (16 * k);
        }
        out[b].nl = nl;
        out[b].comma = comma;
        out[b].quote = quote;
    }
}

/* Bits of the bytes equal to `c` in the 64 bytes lo:hi. */
__attribute__((target("avx2"))) static inline uint64_t
eq64(__m256i lo, __m256i hi, char c)
{
    __m256i k = _mm256_set1_epi8(c);
    uint64_t a = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, k));
    uint64_t b = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, k));
    return a | b << 32;
}

__attribute__((target("avx2"))) static void
scan_avx2(const char *p, size_t n_blocks, struct scan_masks *out)
{
    for (size_t b = 0; b < n_blocks; b++, p += SCAN_BLOCK) {
        __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
        __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
        out[b].nl = eq64(lo, hi, '\n');
        out[b].comma = eq64(lo, hi, ',');
        out[b].quote = eq64(lo, hi, '"');
    }
}
#endif

enum scan_impl
scan_best(void)
{
#if SCAN_X86
    if (__builtin_cpu_supports("avx2"))
        return SCAN_AVX2;
    return SCAN_SSE2;
#else
    return SCAN_PORTABLE;
#endif
}

int
scan_blocks_with(enum scan_impl impl, const char *p, size_t n_blocks, struct scan_masks *out)
{
    switch (impl) {
    case SCAN_PORTABLE:
        scan_portable(p, n_blocks, out);
        return 0;
#if SCAN_X86
    case SCAN_SSE2:
        scan_sse2(p, n_blocks, out);
        return 0;
    case SCAN_AVX2:
        if (!__builtin_cpu_supports("avx2"))
            return -1;
        scan_avx2(p, n_blocks, out);
        return 0;
#endif
    default:
        return -1;
    }
}

void
scan_blocks(const char *p, size_t n_blocks, struct scan_masks *out)
{
#if SCAN_X86
    if (__builtin_cpu_supports("avx2"))
        scan_avx2(p, n_blocks, out);
    else
        scan_sse2(p, n_blocks, out);
#else
    scan_portable(p, n_blocks, out);
#endif
}

const char *
scan_impl_name(enum scan_impl impl)
{
    switch (impl) {
    case SCAN_PORTABLE:
        return "portable";
    case SCAN_SSE2:
        return "sse2";
    case SCAN_AVX2:
        return "avx2";
    default:
        return "?";
    }
}
