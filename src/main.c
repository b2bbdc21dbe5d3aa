/* SPDX-License-Identifier: MIT */
/*
 * main.c: parse the command line, run, return the exit code.
 */
#include <stdio.h>

#include "cli.h"
#include "nagios.h"
#include "run.h"

int
main(int argc, char **argv)
{
    struct cli_config cfg;
    char err[256];
    static char outbuf[1 << 16];

    if (cli_parse(&cfg, argc, argv, err, sizeof(err)) != CLI_OK) {
        fprintf(stderr, "extls: %s\n", err);
        if (!cfg.nagios)
            return EXTLS_EXIT_ERROR;
        char line[NAGIOS_LINE_MAX];
        enum nagios_state st = nagios_unknown(line, err);
        fputs(line, stdout);
        return (int)st;
    }
    if (cfg.help) {
        cli_help(stdout);
        return fflush(stdout) == 0 ? EXTLS_EXIT_OK : EXTLS_EXIT_ERROR;
    }
    if (cfg.version) {
        printf("extls %s\n", EXTLS_VERSION);
        return fflush(stdout) == 0 ? EXTLS_EXIT_OK : EXTLS_EXIT_ERROR;
    }
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    return run(&cfg, stdout, stderr);
}
