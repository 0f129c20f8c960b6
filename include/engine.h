/* engine.h: the Monte Carlo runner.
 * Runs are grouped in blocks of FS_BLOCK consecutive runs. Threads take
 * blocks in any order (OpenMP, dynamic), but each block's moments are
 * merged into the totals in block order, and sketches have integer counts,
 * so the results are identical bit for bit for every thread count. Run i
 * always draws from stream (seed, i). The work is split into init /
 * iterate / finish calls so that the caller can report progress between
 * iterations and stop on a signal. An engine is owned by the caller
 * (fs_engine_free accepts NULL); it reads the scenario without owning it. */
#ifndef FS_ENGINE_H
#define FS_ENGINE_H

#include <stdint.h>
#include <stdio.h>
#include "errors.h"
#include "scenario.h"
#include "stats.h"

#define FS_BLOCK 64

typedef struct fs_engine_opts {
    long runs;           /* total runs */
    uint64_t seed;
    int threads;         /* >= 1 */
    FILE *runs_csv;      /* when not NULL, one row per run is written here, in run order */
} fs_engine_opts;

typedef struct fs_engine fs_engine;

/* Allocates every per-thread workspace up front. NULL with err set
 * (FS_ENOMEM) on failure. */
fs_engine *fs_engine_alloc(const fs_scenario *sc, const fs_engine_opts *o, fs_err *err);
void fs_engine_free(fs_engine *e);

/* Runs about `runs` more runs (whole blocks; fewer at the end). Returns
 * FS_OK, FS_EINTR when fs_interrupted was set (the runs of blocks already
 * begun are finished, then it stops), FS_ENOMEM or FS_EIO (runs.csv). */
fs_status fs_engine_iterate(fs_engine *e, long runs, fs_err *err);

/* Runs completed so far. */
long fs_engine_done(const fs_engine *e);

/* Merges the threads' sketches into the totals; call once, after the last
 * iterate. */
fs_status fs_engine_finish(fs_engine *e, fs_err *err);

/* The totals (valid after finish), the layout, and the number of runs whose
 * first mass-casualty attack fell on each step 0..steps. */
const fs_acc *fs_engine_acc(const fs_engine *e);
const fs_layout *fs_engine_layout(const fs_engine *e);
const uint64_t *fs_engine_first_mc(const fs_engine *e);

/* Runs the whole scenario with no progress reporting (init, iterate, finish). */
fs_engine *fs_engine_run(const fs_scenario *sc, const fs_engine_opts *o, fs_err *err);

#endif
