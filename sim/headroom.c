/* headroom.c: address space left under ulimit -v. */
#include "headroom.h"

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#define MIB (1024.0 * 1024.0)

static double as_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return INFINITY;
    return (double)rl.rlim_cur;
}

/* The process's mapped size in bytes, from /proc/self/statm; 0 if unknown. */
static double mapped(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    long size = sysconf(_SC_PAGE_SIZE);

    if (f == NULL)
        return 0;
    if (fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    fclose(f);
    return (double)pages * (double)(size > 0 ? size : 4096);
}

double fs_headroom(void)
{
    double limit = as_limit();
    return isinf(limit) ? INFINITY : limit - mapped();
}

void fs_headroom_setup(void)
{
    if (!isinf(as_limit())) {
        mallopt(M_ARENA_MAX, 1);
        return;
    }
    /* Fixed thresholds: glibc's own slide with the blocks freed, and once
     * a command has freed an engine's blocks (a few hundred KB each) it
     * would map every later engine's afresh and fault their pages in, at
     * every point of a sweep, search or calibration. */
    mallopt(M_MMAP_THRESHOLD, FS_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, 2 * FS_MMAP_THRESHOLD);
}

fs_status fs_headroom_charts(fs_err *err)
{
    double limit = as_limit(), room = fs_headroom();

    if (room >= FS_CHART_HEADROOM)
        return FS_OK;
    return fs_err_set(err, FS_ERUNTIME, "not enough memory to draw the charts: the "
                      "address-space limit (ulimit -v) is %.0f MiB, %.0f MiB of it in use, "
                      "and drawing needs about %.0f MiB more; raise the limit, or run with "
                      "--no-charts and draw them later with 'foresight plot DIR'",
                      limit / MIB, (limit - room) / MIB, FS_CHART_HEADROOM / MIB);
}
