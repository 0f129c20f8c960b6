/* budget.h: refusing, before anything is allocated, a batch of scenario
 * evaluations that could not finish or fit in memory.
 * Commands that run one base scenario at many points (foresight sweep; a
 * search such as discover or optimize) describe the batch in an
 * fs_budget and call fs_budget_check once, after loading and before
 * allocating per-point arrays or starting an engine:
 *
 *     fs_budget b = {sweep_file, npoints, runs, threads, bytes_per_point};
 *     if (fs_budget_check(base, &b, err) != FS_OK) return err->code;
 *
 * Work is counted as `run` counts it (runs x steps x actors x (threats +
 * 2) per point, FS_MAX_WORK in all: runner.h); memory is the engines'
 * (fs_runner_engine_bytes, one per thread, as when points run side by
 * side) plus what the caller keeps per point, against half of the
 * machine's physical memory. Nothing is owned or kept. */
#ifndef FS_BUDGET_H
#define FS_BUDGET_H

#include "errors.h"
#include "scenario.h"

typedef struct fs_budget {
    const char *file;      /* the file messages name (the sweep file, ...) */
    double points;         /* scenario evaluations: design points, candidates */
    long runs;             /* runs per point */
    int threads;           /* engines running at once (>= 1) */
    double point_bytes;    /* bytes the caller keeps per point (designs,
                            * results, what its outputs read back) */
} fs_budget;

/* FS_OK, or FS_ECONFIG (exit 2) with a message giving the estimate, the
 * limit and what to lower: points x runs of work above FS_MAX_WORK, or
 * memory above the limit (naming how many points would fit). */
fs_status fs_budget_check(const fs_scenario *base, const fs_budget *b, fs_err *err);

#endif
