/* SPDX-License-Identifier: MIT */
/*
 * main.c: parse the command line, run, return the exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "esc.h"
#include "nagios.h"
#include "platform.h"
#include "run.h"

/* Exit status after --help / --version: a failed write is an error too. */
static int
flushed(void)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return EXTLS_EXIT_OK;
    platform_end_if_reader_gone(stdout);
    fprintf(stderr, "extls: cannot write output: %s\n", strerror(errno));
    return EXTLS_EXIT_ERROR;
}

int
main(int argc, char **argv)
{
    struct cli_config cfg;
    char err[256];
    static char outbuf[1 << 16];
    static char errbuf[1 << 13];

    /* SIGPIPE, UTF-8 arguments, binary standard streams (see platform.h). */
    platform_init(&argc, &argv);
    /* Each message leaves in one write, whole: runs sharing a log file (cron's
     * mail, a wrapper's 2>>) never interleave inside a line. */
    setvbuf(stderr, errbuf, _IOLBF, sizeof(errbuf));
    if (cli_parse(&cfg, argc, argv, err, sizeof(err)) != CLI_OK) {
        fputs("extls: ", stderr);
        esc_text(stderr, err, strlen(err)); /* arguments are quoted in it: keep them harmless */
        putc('\n', stderr);
        if (cfg.show_usage && !cfg.nagios)
            cli_usage(stderr);
        if (!cfg.nagios)
            return EXTLS_EXIT_ERROR;
        char line[NAGIOS_LINE_MAX];
        enum nagios_state st = nagios_unknown(line, err);
        fputs(line, stdout);
        return (int)st;
    }
    if (cfg.help) {
        cli_help(stdout);
        return flushed();
    }
    if (cfg.version) {
        printf("extls %s\n", EXTLS_VERSION);
        return flushed();
    }
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    return run(&cfg, stdout, stderr);
}
