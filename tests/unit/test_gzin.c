/* SPDX-License-Identifier: MIT */
/*
 * test_gzin.c: gzip inflated through a file descriptor, compared byte for
 * byte with what was compressed (by zlib, here): whole; one byte per
 * read(2) and per output byte; through a pipe fed one byte per write;
 * output returned before waiting on a pipe for more input;
 * several members; cut at many offsets; damaged CRC, length, header and
 * deflate data; trailing garbage; non-gzip input passed through untouched;
 * empty inputs; read errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "gzin.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

struct bytes {
    unsigned char *p;
    size_t n;
};

static void
bytes_append(struct bytes *b, const void *p, size_t n)
{
    b->p = realloc(b->p, b->n + n + 1);
    assert_non_null(b->p);
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* `n` bytes of log-like text that deflate cannot shrink much (hex from an LCG). */
static struct bytes
sample_text(size_t n)
{
    struct bytes b = {0};
    uint64_t x = 42;
    char line[128];
    for (unsigned i = 0; b.n < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t y = x * 0x9E3779B97F4A7C15ull;
        int len =
            snprintf(line, sizeof(line), "2023-01-11T15:00:%02u.%03uZ,%016llX,%u,*,,%llx%llx\r\n",
                     i % 60, i % 1000, (unsigned long long)x, i, (unsigned long long)(x >> 20),
                     (unsigned long long)(y ^ (y >> 29)));
        size_t k = (size_t)len < n - b.n ? (size_t)len : n - b.n;
        bytes_append(&b, line, k);
    }
    return b;
}

/* One gzip member holding `src`, as zlib writes it (10-byte header, no name). */
static struct bytes
gz(const struct bytes *src)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    struct bytes out = {0};
    out.p = malloc(deflateBound(&z, src->n) + 16);
    assert_non_null(out.p);
    z.next_in = src->p;
    z.avail_in = (uInt)src->n;
    z.next_out = out.p;
    z.avail_out = (uInt)(deflateBound(&z, src->n) + 16);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.n = z.total_out;
    deflateEnd(&z);
    return out;
}

/* An fd reading exactly `n` bytes of `p`: an unlinked temporary file. */
static int
fd_of(const void *p, size_t n)
{
    char path[] = "/tmp/extls-gzin-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, p, n), (ssize_t)n);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* Everything gzin_read() yields from fd (cap bytes per call); returns the final status. */
static enum extls_status
drain(struct gzin *g, int fd, size_t read_max, size_t cap, struct bytes *out)
{
    char *buf = malloc(cap ? cap : 1);
    assert_non_null(buf);
    memset(out, 0, sizeof(*out));
    bytes_append(out, "", 0);
    gzin_begin(g, fd);
    gzin_set_read_max(g, read_max);
    enum extls_status st;
    for (;;) {
        size_t n = 12345;
        st = gzin_read(g, buf, cap, &n);
        if (st != EXTLS_OK) {
            assert_int_equal(n, 0);
            break;
        }
        assert_true(n <= cap);
        if (n == 0)
            break;
        bytes_append(out, buf, n);
    }
    free(buf);
    /* The end, or the error, is sticky. */
    char c;
    size_t n = 1;
    assert_int_equal(gzin_read(g, &c, 1, &n), st);
    assert_int_equal(n, 0);
    return st;
}

static void
assert_same(const struct bytes *got, const struct bytes *want)
{
    assert_int_equal(got->n, want->n);
    assert_memory_equal(got->p, want->p, want->n);
}

/* got is a prefix of want (what a cut stream yields). */
static void
assert_prefix(const struct bytes *got, const struct bytes *want)
{
    assert_true(got->n <= want->n);
    assert_memory_equal(got->p, want->p, got->n);
}

static int
setup(void **state)
{
    *state = gzin_new();
    return *state ? 0 : -1;
}

static int
teardown(void **state)
{
    gzin_free(*state);
    return 0;
}

static void
whole_stream(void **state)
{
    struct gzin *g = *state;
    struct bytes plain = sample_text(300000), z = gz(&plain), out;
    assert_true(z.n > 2 * GZIN_BUF); /* several refills of the input buffer */
    int fd = fd_of(z.p, z.n);
    assert_int_equal(drain(g, fd, GZIN_BUF, 65536, &out), EXTLS_OK);
    assert_same(&out, &plain);
    assert_int_equal(gzin_is_gzip(g), 1);
    assert_int_equal(gzin_members(g), 1);
    assert_int_equal(gzin_bytes_in(g), z.n);
    assert_string_equal(gzin_message(g), "");
    close(fd);
    free(out.p);
    free(z.p);
    free(plain.p);
}

static void
every_read_and_output_size(void **state)
{
    struct gzin *g = *state;
    struct bytes plain = sample_text(20000), z = gz(&plain), out;
    static const size_t reads[] = {1, 2, 3, 7, 10, 11, 4096, GZIN_BUF};
    static const size_t caps[] = {1, 2, 5, 4096, 65536};
    int fd = fd_of(z.p, z.n);
    for (size_t i = 0; i < N_OF(reads); i++) {
        for (size_t k = 0; k < N_OF(caps); k++) {
            assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
            if (drain(g, fd, reads[i], caps[k], &out) != EXTLS_OK)
                fail_msg("read_max %zu, cap %zu: %s", reads[i], caps[k], gzin_message(g));
            assert_same(&out, &plain);
            assert_int_equal(gzin_bytes_in(g), z.n);
            free(out.p);
        }
    }
    close(fd);
    free(z.p);
    free(plain.p);
}

struct feeder {
    int fd;
    const struct bytes *b;
};

/* Write the bytes into the pipe one write(2) per byte, then close it. */
static void *
feed_one_by_one(void *arg)
{
    struct feeder *f = arg;
    for (size_t i = 0; i < f->b->n; i++) {
        if (write(f->fd, f->b->p + i, 1) != 1)
            break;
    }
    close(f->fd);
    return NULL;
}

static void
pipe_fed_one_byte_at_a_time(void **state)
{
    struct gzin *g = *state;
    struct bytes plain = sample_text(30000), z = gz(&plain), out;
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct feeder f = {p[1], &z};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, feed_one_by_one, &f), 0);
    assert_int_equal(drain(g, p[0], 1, 100, &out), EXTLS_OK);
    pthread_join(t, NULL);
    close(p[0]);
    assert_same(&out, &plain);
    assert_int_equal(gzin_bytes_in(g), z.n);
    free(out.p);
    free(z.p);
    free(plain.p);
}

static void
returns_output_without_waiting_for_more_input(void **state)
{
    struct gzin *g = *state;
    struct bytes plain = sample_text(40000), z = gz(&plain), out = {0};
    assert_true(z.n < 60000); /* fits in the pipe */
    int p[2];
    assert_int_equal(pipe(p), 0);
    /* Half the stream is in the pipe and the writer stays open: with the read end
     * non-blocking, a second read(2) would fail (EAGAIN), so gzin must return the
     * bytes it inflated from the first one. */
    size_t half = z.n / 2;
    assert_int_equal(write(p[1], z.p, half), (ssize_t)half);
    int flags = fcntl(p[0], F_GETFL);
    assert_int_equal(fcntl(p[0], F_SETFL, flags | O_NONBLOCK), 0);
    gzin_begin(g, p[0]);
    char *buf = malloc(sizeof(char) * 200000);
    assert_non_null(buf);
    size_t n = 0;
    assert_int_equal(gzin_read(g, buf, 200000, &n), EXTLS_OK);
    assert_true(n > 0);
    bytes_append(&out, buf, n);
    assert_prefix(&out, &plain);
    assert_int_equal(gzin_bytes_in(g), half);
    /* The rest, blocking again. */
    assert_int_equal(fcntl(p[0], F_SETFL, flags), 0);
    assert_int_equal(write(p[1], z.p + half, z.n - half), (ssize_t)(z.n - half));
    close(p[1]);
    for (;;) {
        assert_int_equal(gzin_read(g, buf, 200000, &n), EXTLS_OK);
        if (n == 0)
            break;
        bytes_append(&out, buf, n);
    }
    close(p[0]);
    assert_same(&out, &plain);
    free(buf);
    free(out.p);
    free(z.p);
    free(plain.p);
}

static void
members_one_after_another(void **state)
{
    struct gzin *g = *state;
    struct bytes a = sample_text(70000), b = sample_text(333), empty = {0};
    bytes_append(&empty, "", 0);
    struct bytes za = gz(&a), zb = gz(&b), ze = gz(&empty);
    struct bytes cat = {0}, want = {0}, out;
    bytes_append(&cat, za.p, za.n);
    bytes_append(&cat, ze.p, ze.n);
    bytes_append(&cat, zb.p, zb.n);
    bytes_append(&want, a.p, a.n);
    bytes_append(&want, b.p, b.n);
    int fd = fd_of(cat.p, cat.n);
    static const size_t reads[] = {1, 9, GZIN_BUF};
    for (size_t i = 0; i < N_OF(reads); i++) {
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_int_equal(drain(g, fd, reads[i], 4000, &out), EXTLS_OK);
        assert_same(&out, &want);
        assert_int_equal(gzin_members(g), 3);
        free(out.p);
    }
    close(fd);
    /* Cut exactly after the first member: a whole, shorter stream. */
    fd = fd_of(za.p, za.n);
    assert_int_equal(drain(g, fd, GZIN_BUF, 65536, &out), EXTLS_OK);
    assert_same(&out, &a);
    close(fd);
    free(out.p);
    free(cat.p);
    free(want.p);
    free(za.p);
    free(zb.p);
    free(ze.p);
    free(a.p);
    free(b.p);
    free(empty.p);
}

/* Reading the first `cut` bytes of z must fail as truncated after yielding a prefix. */
static void
check_cut(struct gzin *g, const struct bytes *z, size_t cut, const struct bytes *plain,
          size_t read_max, struct bytes *out)
{
    char want[GZIN_MSG];
    snprintf(want, sizeof(want), "gzip data cut short after %zu bytes", cut);
    int fd = fd_of(z->p, cut);
    if (drain(g, fd, read_max, 8192, out) != EXTLS_EPARSE)
        fail_msg("cut at %zu of %zu: not an error", cut, z->n);
    close(fd);
    assert_string_equal(gzin_message(g), want);
    assert_prefix(out, plain);
}

static void
truncated_at_many_offsets(void **state)
{
    struct gzin *g = *state;
    struct bytes plain = sample_text(150000), z = gz(&plain), out;
    assert_true(z.n > GZIN_BUF + 1);
    /* Inside the magic+header, the first block, the middle, before and inside the trailer. */
    const size_t cuts[] = {2,       3,       9,       10,      11,     100, GZIN_BUF, GZIN_BUF + 1,
                           z.n / 2, z.n - 9, z.n - 8, z.n - 5, z.n - 1};
    for (size_t i = 0; i < N_OF(cuts); i++) {
        check_cut(g, &z, cuts[i], &plain, GZIN_BUF, &out);
        /* All the deflate data is there, only the trailer is missing: all bytes came out. */
        if (cuts[i] >= z.n - 8)
            assert_same(&out, &plain);
        free(out.p);
        check_cut(g, &z, cuts[i], &plain, 3, &out);
        free(out.p);
    }
    /* Some plain bytes come out of a stream cut in the middle. */
    check_cut(g, &z, z.n / 2, &plain, GZIN_BUF, &out);
    assert_true(out.n > plain.n / 4);
    free(out.p);
    free(z.p);
    free(plain.p);
}

static void
truncated_second_member(void **state)
{
    struct gzin *g = *state;
    struct bytes a = sample_text(5000), b = sample_text(9000);
    struct bytes za = gz(&a), zb = gz(&b), cat = {0}, want = {0}, out;
    bytes_append(&cat, za.p, za.n);
    bytes_append(&cat, zb.p, zb.n / 2);
    bytes_append(&want, a.p, a.n);
    bytes_append(&want, b.p, b.n);
    check_cut(g, &cat, cat.n, &want, GZIN_BUF, &out);
    assert_true(out.n >= a.n); /* the whole first member came out */
    assert_int_equal(gzin_members(g), 1);
    free(out.p);
    /* Only the magic of a second member. */
    cat.n = za.n;
    bytes_append(&cat, "\x1f\x8b", 2);
    check_cut(g, &cat, cat.n, &a, 1, &out);
    assert_same(&out, &a);
    free(out.p);
    free(cat.p);
    free(want.p);
    free(za.p);
    free(zb.p);
    free(a.p);
    free(b.p);
}

/* z with byte `at` xor `mask` must yield (a prefix of) plain, then fail with `msg`. */
static void
check_corrupt(struct gzin *g, const struct bytes *z, size_t at, unsigned mask,
              const struct bytes *plain, const char *msg, struct bytes *out)
{
    struct bytes bad = {0};
    bytes_append(&bad, z->p, z->n);
    bad.p[at] ^= (unsigned char)mask;
    int fd = fd_of(bad.p, bad.n);
    assert_int_equal(drain(g, fd, GZIN_BUF, 65536, out), EXTLS_EPARSE);
    close(fd);
    assert_string_equal(gzin_message(g), msg);
    assert_prefix(out, plain);
    free(bad.p);
}

static void
corrupt_checks_header_and_data(void **state)
{
    struct gzin *g = *state;
    struct bytes plain = sample_text(100000), z = gz(&plain), out;
    /* CRC-32 and length are checked after all data came out: every byte was delivered. */
    check_corrupt(g, &z, z.n - 8, 0x01, &plain, "corrupt gzip data: incorrect data check", &out);
    assert_same(&out, &plain);
    free(out.p);
    check_corrupt(g, &z, z.n - 4, 0x01, &plain, "corrupt gzip data: incorrect length check", &out);
    assert_same(&out, &plain);
    free(out.p);
    /* Compression method 8 -> 7. */
    check_corrupt(g, &z, 2, 0x0F, &plain, "corrupt gzip data: unknown compression method", &out);
    assert_int_equal(out.n, 0);
    free(out.p);
    /* First deflate block header: BFINAL=1, BTYPE=11 (reserved). */
    check_corrupt(g, &z, 10, z.p[10] ^ 0x07, &plain, "corrupt gzip data: invalid block type", &out);
    assert_int_equal(out.n, 0);
    free(out.p);
    free(z.p);
    free(plain.p);
}

static void
trailing_garbage_after_member(void **state)
{
    struct gzin *g = *state;
    struct bytes plain = sample_text(1000), z = gz(&plain), out;
    bytes_append(&z, "garbage\n", 8);
    int fd = fd_of(z.p, z.n);
    assert_int_equal(drain(g, fd, GZIN_BUF, 65536, &out), EXTLS_EPARSE);
    close(fd);
    assert_string_equal(gzin_message(g), "corrupt gzip data: incorrect header check");
    assert_same(&out, &plain);
    free(out.p);
    free(z.p);
    free(plain.p);
}

static void
not_gzip_passes_through(void **state)
{
    struct gzin *g = *state;
    struct bytes big = sample_text(200000), out;
    static const struct {
        const char *p;
        size_t n;
    } cases[] = {
        {"\x1f", 1},         /* half a magic */
        {"\x1f\x8c", 2},     /* not the magic */
        {"\x8b\x1f\x8b", 3}, /* magic not at the start */
        {"\x1f\x00\x8b", 3},
        {"#Software: Microsoft Exchange Server\r\n", 38},
        {"\xef\xbb\xbf#Fields: date-time\n", 23},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct bytes want = {(unsigned char *)cases[i].p, cases[i].n};
        for (size_t read_max = 1; read_max <= 2; read_max++) {
            int fd = fd_of(cases[i].p, cases[i].n);
            assert_int_equal(drain(g, fd, read_max, 2, &out), EXTLS_OK);
            close(fd);
            assert_same(&out, &want);
            assert_int_equal(gzin_is_gzip(g), 0);
            assert_int_equal(gzin_bytes_in(g), cases[i].n);
            free(out.p);
        }
    }
    int fd = fd_of(big.p, big.n);
    assert_int_equal(drain(g, fd, GZIN_BUF, 10000, &out), EXTLS_OK);
    close(fd);
    assert_same(&out, &big);
    assert_int_equal(gzin_is_gzip(g), 0);
    free(out.p);
    free(big.p);
}

static void
empty_inputs(void **state)
{
    struct gzin *g = *state;
    struct bytes empty = {0}, out;
    bytes_append(&empty, "", 0);
    /* An empty file: plain, nothing. */
    int fd = fd_of("", 0);
    assert_int_equal(drain(g, fd, GZIN_BUF, 100, &out), EXTLS_OK);
    close(fd);
    assert_int_equal(out.n, 0);
    assert_int_equal(gzin_is_gzip(g), 0);
    free(out.p);
    /* A gzip member of nothing (20 bytes): gzip, nothing, no error. */
    struct bytes z = gz(&empty);
    assert_int_equal(z.n, 20);
    fd = fd_of(z.p, z.n);
    assert_int_equal(drain(g, fd, GZIN_BUF, 100, &out), EXTLS_OK);
    close(fd);
    assert_int_equal(out.n, 0);
    assert_int_equal(gzin_is_gzip(g), 1);
    assert_int_equal(gzin_members(g), 1);
    free(out.p);
    /* A zero-byte buffer asks for nothing and changes nothing. */
    fd = fd_of(z.p, z.n);
    gzin_begin(g, fd);
    size_t n = 7;
    char c;
    assert_int_equal(gzin_read(g, &c, 0, &n), EXTLS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(gzin_bytes_in(g), 0);
    close(fd);
    free(z.p);
    free(empty.p);
}

static void
read_errors_are_sticky_until_begin(void **state)
{
    struct gzin *g = *state;
    struct bytes out;
    /* read(2) of a directory: EISDIR. */
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(drain(g, fd, GZIN_BUF, 100, &out), EXTLS_EIO);
    close(fd);
    assert_string_equal(gzin_message(g), strerror(EISDIR));
    free(out.p);
    assert_int_equal(drain(g, -1, GZIN_BUF, 100, &out), EXTLS_EIO);
    assert_string_equal(gzin_message(g), strerror(EBADF));
    free(out.p);
    /* A new input clears the error and the message. */
    fd = fd_of("ab", 2);
    assert_int_equal(drain(g, fd, GZIN_BUF, 100, &out), EXTLS_OK);
    close(fd);
    assert_int_equal(out.n, 2);
    assert_string_equal(gzin_message(g), "");
    free(out.p);
}

static int
setup_zlib(void **state)
{
    struct gzin *g = gzin_new();
    *state = g;
    return g && gzin_set_engine(g, GZIN_ZLIB) == 0 ? 0 : -1;
}

static int
setup_isal(void **state)
{
    struct gzin *g = gzin_new();
    *state = g;
    return g && gzin_set_engine(g, GZIN_ISAL) == 0 ? 0 : -1;
}

/* The engine: ISA-L (when wanted and built) for a regular file, zlib for a pipe and after damage.
 */
static void
engine_per_input(void **state)
{
    struct gzin *g = *state;
    int isal = gzin_engine_available(GZIN_ISAL);
    assert_int_equal(gzin_set_engine(g, GZIN_ISAL), isal ? 0 : -1);
    struct bytes plain = sample_text(5000), z = gz(&plain), out;
    int fd = fd_of(z.p, z.n);
    char c;
    size_t n;
    gzin_begin(g, fd);
    assert_int_equal(gzin_engine(g), GZIN_ZLIB); /* nothing read yet */
    assert_int_equal(gzin_read(g, &c, 1, &n), EXTLS_OK);
    assert_int_equal(gzin_engine(g), isal ? GZIN_ISAL : GZIN_ZLIB);
    close(fd);

    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], z.p, z.n), (ssize_t)z.n);
    close(p[1]);
    assert_int_equal(drain(g, p[0], GZIN_BUF, 4096, &out), EXTLS_OK);
    assert_int_equal(gzin_engine(g), GZIN_ZLIB);
    assert_same(&out, &plain);
    close(p[0]);
    free(out.p);

    z.p[z.n - 8] ^= 1; /* CRC: zlib reads the member again and names it */
    fd = fd_of(z.p, z.n);
    assert_int_equal(drain(g, fd, GZIN_BUF, 4096, &out), EXTLS_EPARSE);
    assert_int_equal(gzin_engine(g), GZIN_ZLIB);
    assert_string_equal(gzin_message(g), "corrupt gzip data: incorrect data check");
    assert_same(&out, &plain);
    assert_int_equal(gzin_bytes_in(g), z.n); /* bytes read again count once */
    close(fd);
    assert_int_equal(gzin_set_engine(g, GZIN_ZLIB), 0);
    free(out.p);
    free(z.p);
    free(plain.p);
}

/* One run of `engine` over z: status, message, bytes in and bytes out. */
struct outcome {
    enum extls_status st;
    char msg[GZIN_MSG];
    uint64_t bytes_in;
    struct bytes out;
};

static void
outcome_of(struct gzin *g, enum gzin_engine engine, const struct bytes *z, size_t cap,
           struct outcome *o)
{
    assert_int_equal(gzin_set_engine(g, engine), 0);
    int fd = fd_of(z->p, z->n);
    o->st = drain(g, fd, GZIN_BUF, cap, &o->out);
    close(fd);
    snprintf(o->msg, sizeof(o->msg), "%s", gzin_message(g));
    o->bytes_in = gzin_bytes_in(g);
}

/*
 * 2026-12-03: ISA-L and zlib must agree word for word on damaged files
 * (three members, bytes flipped at many offsets, and cuts at many
 * offsets), and on the bytes out: the same on a sound file, and zlib's a
 * prefix of ISA-L's before an error (ISA-L may decode a little more of a
 * damaged member before it gives up, as gzin.h says).
 */
static void
engines_agree_on_damaged_files(void **state)
{
    struct gzin *g = *state;
    if (!gzin_engine_available(GZIN_ISAL))
        skip();
    struct bytes a = sample_text(70000), b = sample_text(300), c = sample_text(20000);
    struct bytes za = gz(&a), zb = gz(&b), zc = gz(&c), z = {0};
    bytes_append(&z, za.p, za.n);
    bytes_append(&z, zb.p, zb.n);
    bytes_append(&z, zc.p, zc.n);
    struct outcome x, y;
    size_t caps[] = {65536, 777};
    size_t m2 = za.n, m3 = za.n + zb.n; /* where the second and third members start */
    for (size_t at = 0; at < z.n;) {
        /* Every bit of each header and of the last trailer; elsewhere a few bits, in steps. */
        int edge =
            at < 40 || (at >= m2 && at < m2 + 20) || (at >= m3 && at < m3 + 20) || z.n - at < 40;
        for (unsigned flip = 1; flip <= 0x80; flip <<= (edge ? 1 : 3)) {
            z.p[at] ^= (unsigned char)flip;
            size_t cap = caps[(at / 3) % 2];
            outcome_of(g, GZIN_ZLIB, &z, cap, &x);
            outcome_of(g, GZIN_ISAL, &z, cap, &y);
            z.p[at] ^= (unsigned char)flip;
            /* ISA-L may deliver more of a damaged member than zlib before the same error. */
            int same_out = x.st == EXTLS_OK ? x.out.n == y.out.n : x.out.n <= y.out.n;
            /* Compressed bytes read: equal when all was read (ISA-L reads ahead of an error). */
            if (x.st != y.st || strcmp(x.msg, y.msg) != 0 ||
                (x.st == EXTLS_OK && x.bytes_in != y.bytes_in) || !same_out ||
                memcmp(x.out.p, y.out.p, x.out.n) != 0)
                fail_msg("byte %zu ^ %#x: zlib %d '%s' %zu bytes out, ISA-L %d '%s' %zu bytes out",
                         at, flip, (int)x.st, x.msg, x.out.n, (int)y.st, y.msg, y.out.n);
            free(x.out.p);
            free(y.out.p);
        }
        at += edge ? 1 : 613;
    }
    for (size_t cut = 0; cut < z.n; cut += cut < 40 ? 1 : 997) {
        struct bytes part = {z.p, cut};
        outcome_of(g, GZIN_ZLIB, &part, 65536, &x);
        outcome_of(g, GZIN_ISAL, &part, 65536, &y);
        assert_int_equal(x.st, y.st);
        assert_string_equal(x.msg, y.msg);
        if (x.out.n != y.out.n || memcmp(x.out.p, y.out.p, x.out.n) != 0)
            fail_msg("cut at %zu: zlib %zu bytes out, ISA-L %zu (%s)", cut, x.out.n, y.out.n,
                     x.msg);
        free(x.out.p);
        free(y.out.p);
    }
    free(a.p), free(b.p), free(c.p), free(za.p), free(zb.p), free(zc.p), free(z.p);
}

/* Every case, with the given setup (engine). */
#define GZIN_TESTS(setup)                                                                          \
    cmocka_unit_test_setup_teardown(whole_stream, setup, teardown),                                \
        cmocka_unit_test_setup_teardown(every_read_and_output_size, setup, teardown),              \
        cmocka_unit_test_setup_teardown(pipe_fed_one_byte_at_a_time, setup, teardown),             \
        cmocka_unit_test_setup_teardown(returns_output_without_waiting_for_more_input, setup,      \
                                        teardown),                                                 \
        cmocka_unit_test_setup_teardown(members_one_after_another, setup, teardown),               \
        cmocka_unit_test_setup_teardown(truncated_at_many_offsets, setup, teardown),               \
        cmocka_unit_test_setup_teardown(truncated_second_member, setup, teardown),                 \
        cmocka_unit_test_setup_teardown(corrupt_checks_header_and_data, setup, teardown),          \
        cmocka_unit_test_setup_teardown(trailing_garbage_after_member, setup, teardown),           \
        cmocka_unit_test_setup_teardown(not_gzip_passes_through, setup, teardown),                 \
        cmocka_unit_test_setup_teardown(empty_inputs, setup, teardown),                            \
        cmocka_unit_test_setup_teardown(read_errors_are_sticky_until_begin, setup, teardown)

int
main(void)
{
    const struct CMUnitTest zlib_tests[] = {
        GZIN_TESTS(setup_zlib),
        cmocka_unit_test_setup_teardown(engine_per_input, setup, teardown),
        cmocka_unit_test_setup_teardown(engines_agree_on_damaged_files, setup, teardown),
    };
    const struct CMUnitTest isal_tests[] = {GZIN_TESTS(setup_isal)};
    int rc = cmocka_run_group_tests_name("zlib", zlib_tests, NULL, NULL);
    if (gzin_engine_available(GZIN_ISAL))
        rc += cmocka_run_group_tests_name("isal", isal_tests, NULL, NULL);
    else
        print_message("ISA-L is not built in: the same cases with ISA-L are not run\n");
    return rc;
}
