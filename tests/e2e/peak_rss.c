/* SPDX-License-Identifier: MIT */
/*
 * peak_rss.c: run a command (its stdin, stdout and stderr inherited) and
 * write its peak resident set size in KiB, from wait4()'s rusage, to a
 * file; the exit status is the command's (128 + signal if killed). With
 * --as MIB the command runs with RLIMIT_AS (ulimit -v) at MIB MiB, while
 * whatever feeds its stdin runs outside the limit.
 * usage: peak_rss [--as MIB] REPORT_FILE COMMAND [ARG...]
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

int
main(int argc, char **argv)
{
    long as_mib = 0;
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "--as") == 0) {
        as_mib = strtol(argv[2], NULL, 10);
        i = 3;
    }
    if (argc - i < 2) {
        fprintf(stderr, "usage: peak_rss [--as MIB] REPORT_FILE COMMAND [ARG...]\n");
        return 2;
    }
    const char *report = argv[i];
    pid_t pid = fork();
    if (pid < 0) {
        perror("peak_rss: fork");
        return 2;
    }
    if (pid == 0) {
        if (as_mib > 0) {
            struct rlimit lim = {(rlim_t)as_mib << 20, (rlim_t)as_mib << 20};
            if (setrlimit(RLIMIT_AS, &lim) != 0) {
                perror("peak_rss: setrlimit");
                _exit(127);
            }
        }
        execvp(argv[i + 1], argv + i + 1);
        fprintf(stderr, "peak_rss: cannot run '%s': %s\n", argv[i + 1], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("peak_rss: wait4");
        return 2;
    }
    FILE *f = fopen(report, "w");
    if (!f || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f) != 0) {
        perror("peak_rss: report");
        return 2;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
