/* SPDX-License-Identifier: MIT */
/*
 * sys/resource.h for the Windows build of the unit tests: getrusage()
 * with the one field they read, ru_maxrss (peak working set, in KiB as on
 * Linux), from GetProcessMemoryInfo().
 */
#ifndef EXTLS_TESTS_SYS_RESOURCE_H
#define EXTLS_TESTS_SYS_RESOURCE_H

#include <windows.h>

#include <psapi.h>

#define RUSAGE_SELF 0

struct rusage {
    long ru_maxrss; /* peak resident set, KiB */
};

static inline int
getrusage(int who, struct rusage *ru)
{
    PROCESS_MEMORY_COUNTERS pmc;
    ru->ru_maxrss = 0;
    if (who != RUSAGE_SELF || !K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof(pmc)))
        return -1;
    ru->ru_maxrss = (long)(pmc.PeakWorkingSetSize / 1024);
    return 0;
}

#endif /* EXTLS_TESTS_SYS_RESOURCE_H */
