/* SPDX-License-Identifier: MIT */
/*
 * rss_check.c: memory stays bounded by open sessions, not input size.
 * Runs `genlogs --out - --mb MB | extls --format json -` (a pipe: nothing
 * is stored), takes extls's peak RSS from wait4()'s rusage, and fails if it
 * is over LIMIT MiB, if either side fails, or if extls's row or malformed
 * row count differs from what genlogs wrote. With AS_MIB, extls (not
 * genlogs) runs with RLIMIT_AS, i.e. `ulimit -v`, at AS_MIB MiB of address
 * space, and must still complete.
 * usage: rss_check GENLOGS EXTLS MB LIMIT_MIB [AS_MIB]
 */
#define _DEFAULT_SOURCE /* wait4() */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Start argv with stdin/stdout/stderr from the given descriptors (-1: keep),
 * limited to as_mib MiB of address space when as_mib > 0.
 */
static pid_t
spawn(char *const argv[], int in, int out, int err, long as_mib)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (as_mib > 0) {
        struct rlimit lim = {(rlim_t)as_mib << 20, (rlim_t)as_mib << 20};
        if (setrlimit(RLIMIT_AS, &lim) != 0) {
            perror("rss_check: setrlimit");
            _exit(127);
        }
    }
    if (in >= 0)
        dup2(in, STDIN_FILENO);
    if (out >= 0)
        dup2(out, STDOUT_FILENO);
    if (err >= 0)
        dup2(err, STDERR_FILENO);
    for (int fd = 3; fd < 64; fd++)
        close(fd);
    execv(argv[0], argv);
    fprintf(stderr, "rss_check: cannot run '%s': %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* The number after `key` in a file's text, or -1. */
static long long
number_after(const char *path, const char *key)
{
    static char text[1 << 16];
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *p = strstr(text, key);
    return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

int
main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: rss_check GENLOGS EXTLS MB LIMIT_MIB [AS_MIB]\n");
        return 2;
    }
    long limit_mib = strtol(argv[4], NULL, 10);
    long as_mib = argc == 6 ? strtol(argv[5], NULL, 10) : 0;
    char json[] = "/tmp/rss_check_json_XXXXXX", stats[] = "/tmp/rss_check_stats_XXXXXX";
    int jfd = mkstemp(json), sfd = mkstemp(stats);
    int pipefd[2];
    if (jfd < 0 || sfd < 0 || pipe(pipefd) != 0) {
        perror("rss_check");
        return 2;
    }
    char *gen_argv[] = {argv[1], "--out", "-", "--mb", argv[3], "--seed", "11", NULL};
    char *ext_argv[] = {argv[2], "--quiet", "--format", "json", "-", NULL};
    pid_t gen = spawn(gen_argv, -1, pipefd[1], sfd, 0);
    pid_t ext = spawn(ext_argv, pipefd[0], jfd, -1, as_mib);
    close(pipefd[0]);
    close(pipefd[1]);

    int gen_status, ext_status;
    struct rusage ru;
    if (waitpid(gen, &gen_status, 0) < 0 || wait4(ext, &ext_status, 0, &ru) < 0) {
        perror("rss_check: wait");
        return 2;
    }
    long long want = number_after(stats, "\nrows="), got = number_after(json, "\"rows\":");
    long long want_bad = number_after(stats, "\nmalformed=");
    long long bad = number_after(json, "\"malformed_rows\":");
    long peak_mib = ru.ru_maxrss / 1024; /* ru_maxrss is in KiB on Linux */
    unlink(json);
    unlink(stats);
    int fail = 0;
    if (!WIFEXITED(gen_status) || WEXITSTATUS(gen_status) != 0) {
        fprintf(stderr, "FAIL: genlogs did not exit 0\n");
        fail = 1;
    }
    if (!WIFEXITED(ext_status) || WEXITSTATUS(ext_status) != 0) {
        fprintf(stderr, "FAIL: extls did not exit 0\n");
        fail = 1;
    }
    if (want < 0 || got != want || bad != want_bad) {
        fprintf(stderr, "FAIL: extls counted %lld rows, %lld malformed; genlogs wrote %lld, %lld\n",
                got, bad, want, want_bad);
        fail = 1;
    }
    if (peak_mib > limit_mib) {
        fprintf(stderr, "FAIL: extls peak RSS %ld MiB > %ld MiB\n", peak_mib, limit_mib);
        fail = 1;
    }
    printf("%s: %s MiB through a pipe, %lld rows (%lld malformed), extls peak RSS %ld MiB "
           "(limit %ld), address space limit %ld MiB\n",
           fail ? "FAIL" : "ok", argv[3], got, bad, peak_mib, limit_mib, as_mib);
    return fail;
}
