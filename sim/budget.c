/* budget.c: the work and memory guard of batches of scenario evaluations. */
#include "budget.h"

#include "runner.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

fs_status fs_budget_check(const fs_scenario *base, const fs_budget *b, fs_err *err)
{
    int threads = b->threads < 1 ? 1 : b->threads;
    double per_run = (double)base->steps * base->nactors * (base->nthreats + 2);
    double work = b->points * (double)b->runs * per_run;
    double engines = threads * fs_runner_engine_bytes(base, 1);
    double need = engines + b->points * b->point_bytes, limit = fs_runner_memory_limit();

    if (work > FS_MAX_WORK)
        return fs_err_set(err, FS_ECONFIG, "%s: %.0f points x %ld runs x %d steps x %d actors "
                          "x (%d threats + 2) is %.2g units of work, more than the limit of "
                          "%.0e (about %.0f hours on one core); use fewer points or runs",
                          b->file, b->points, b->runs, base->steps, base->nactors,
                          base->nthreats, work, FS_MAX_WORK, FS_MAX_WORK / 2e7 / 3600);
    if (need <= limit)
        return FS_OK;
    if (limit > engines && b->point_bytes > 0)
        return fs_err_set(err, FS_ECONFIG, "%s: %.0f points would need about %.1f GiB of "
                          "memory (%.0f bytes a point, and %.2f GiB for %d engines), more than "
                          "the limit of %.1f GiB (half of this machine's memory); use at most "
                          "%.0f points", b->file, b->points, need / GIB, b->point_bytes,
                          engines / GIB, threads, limit / GIB,
                          (limit - engines) / b->point_bytes);
    return fs_err_set(err, FS_ECONFIG, "%s: %d engines of %d steps x %d actors would need "
                      "about %.1f GiB of memory, more than the limit of %.1f GiB (half of "
                      "this machine's memory); use fewer threads, or fewer steps or actors",
                      b->file, threads, base->steps, base->nactors, engines / GIB,
                      limit / GIB);
}
