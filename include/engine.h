/* engine.h: the Monte Carlo runner, for one scenario or several side by
 * side (common random numbers: run i of every scenario draws from stream
 * (seed, i), and paired differences of headline metrics are accumulated).
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
#include "lockstep.h"
#include "scenario.h"
#include "stats.h"

struct fs_posterior;

#define FS_BLOCK 64
#define FS_MAX_COMPARE 8   /* scenarios one engine runs side by side */

typedef struct fs_engine_opts {
    long runs;           /* total runs */
    uint64_t seed;
    int threads;         /* >= 1 */
    FILE *runs_csv[FS_MAX_COMPARE];   /* where not NULL, one row per run of
                                       * scenario i is written to runs_csv[i],
                                       * in run order */
    int totals_only;     /* quantiles of the run totals only (a sweep point's
                          * outputs); every cell still has its moments */
    const int *sketch_cells;  /* with totals_only: more cells of scenario 0
                               * whose quantiles are wanted (a sweep's outputs
                               * such as attacks.[AF].p95); read while the
                               * engine is set up, not kept */
    int nsketch_cells;
    /* Cells paired run by run after the headlines (k > 1 only): pair_cells
     * in scenario 0's layout, and for each scenario i >= 1 the matching
     * cells of its own layout in pair_cells_of[i] (-1 where it has no
     * counterpart; NULL: the headlines only). At most FS_MAX_PAIR_CELLS;
     * copied. */
    const int *pair_cells;
    const int *pair_cells_of[FS_MAX_COMPARE];
    int npair_cells;
    int all_pairs;       /* also pair every two scenarios' headlines
                          * (fs_engine_cross) */
    /* Parameter uncertainty (posterior.h): when posterior is not NULL, run
     * `run` of scenario i runs on particles[i][q] (a scenario of the same
     * shape as scenario i; posterior->n entries, read not owned) for the
     * particle q = fs_posterior_pick(posterior, .., seed, run), the same q
     * for every scenario, and the engine accumulates each scenario's paired
     * statistics (fs_posterior_observe) into fs_results.post. */
    const struct fs_posterior *posterior;
    fs_scenario *const *particles[FS_MAX_COMPARE];
    /* 0 (the default): runs go through the lockstep model (lockstep.h),
     * FS_LOCKSTEP_W runs side by side, each block's rows then accumulated
     * in run order as below; 1: model.c, run by run, the reference the
     * tests hold the lockstep model to. The two draw differently (the same
     * distributions, not the same numbers); each gives the same bytes for
     * any thread count. With a posterior whose particles differ from their
     * scenario in more than magnitudes (fs_lockstep_compatible) the engine
     * runs model.c throughout (fs_engine_lockstep says which). */
    int runwise;
} fs_engine_opts;

/* The model the engine runs by default, as a checkpoint records it
 * (checkpoint.h): a checkpoint of another model's runs is not resumed. */
#define FS_ENGINE_MODEL "lockstep 1"
/* The same for model.c run by run (fs_engine_opts.runwise), as meta.csv
 * names it. */
#define FS_ENGINE_MODEL_RUNWISE "model.c 1"

/* Runs a lockstep block holds: a divisor of FS_BLOCK, the lockstep
 * model's fastest width. */
#define FS_LOCKSTEP_W FS_LOCKSTEP_FAST_W

#define FS_MAX_PAIR_CELLS 160

typedef struct fs_engine fs_engine;

/* Allocates every per-thread workspace up front. NULL with err set
 * (FS_ENOMEM) on failure. */
fs_engine *fs_engine_alloc(const fs_scenario *sc, const fs_engine_opts *o, fs_err *err);

/* The same for k scenarios (1 <= k <= FS_MAX_COMPARE) with the same number
 * of steps, run side by side. */
fs_engine *fs_engine_alloc_many(const fs_scenario *const *sc, int k,
                                const fs_engine_opts *o, fs_err *err);
void fs_engine_free(fs_engine *e);

/* Runs about `runs` more runs (whole blocks; fewer at the end). Returns
 * FS_OK, FS_EINTR when fs_interrupted was set (the runs of blocks already
 * begun are finished, then it stops), FS_ENOMEM or FS_EIO (runs.csv). */
fs_status fs_engine_iterate(fs_engine *e, long runs, fs_err *err);

/* 1 when the engine runs the lockstep model, 0 when model.c. */
int fs_engine_lockstep(const fs_engine *e);

/* Runs completed so far. */
long fs_engine_done(const fs_engine *e);

/* Bytes the threads' quantile sketches of every scenario take
 * (fs_sketch_bytes), in *threads, and what the same sketches merged into
 * empty totals would take, in *merged. Before finish (which merges them
 * into the totals), a measure of how the sketches grow with the runs. */
void fs_engine_sketch_bytes(const fs_engine *e, double *threads, double *merged);

/* Merges the threads' sketches into the totals; call once, after the last
 * iterate. */
fs_status fs_engine_finish(fs_engine *e, fs_err *err);

/* The totals (valid after finish), the layout, and the number of runs whose
 * first mass-casualty attack fell on each step 0..steps, of the first
 * scenario; the _of forms for scenario i. */
const fs_acc *fs_engine_acc(const fs_engine *e);
const fs_layout *fs_engine_layout(const fs_engine *e);
const uint64_t *fs_engine_first_mc(const fs_engine *e);
int fs_engine_count(const fs_engine *e);
const fs_acc *fs_engine_acc_of(const fs_engine *e, int i);
const fs_layout *fs_engine_layout_of(const fs_engine *e, int i);
const uint64_t *fs_engine_first_mc_of(const fs_engine *e, int i);

/* Paired differences, scenario i minus scenario 0 for i >= 1, run by run:
 * with W = fs_engine_pair_width(e), the moments of cell (i - 1) * W + h
 * hold the mean and spread of headline h's difference (metrics.h) for
 * h < FS_HEAD_N, and of opts.pair_cells[h - FS_HEAD_N] after them (no
 * runs where scenario i has no counterpart). NULL when there is one
 * scenario. */
const fs_acc *fs_engine_pairs(const fs_engine *e);
int fs_engine_pair_width(const fs_engine *e);

/* With opts.all_pairs (and k > 1): the moments of headline h's paired
 * difference, scenario j minus scenario i (0 <= i < j < k), run by run;
 * with plus_cost, of that difference plus the cost's (FS_HEAD_COST)
 * difference, whose spread gives the covariance of the two. NULL without
 * all_pairs or for indices out of range. Valid after fs_engine_finish. */
const fs_moments *fs_engine_cross(const fs_engine *e, int i, int j, int h, int plus_cost);

/* One scenario's results, as the outputs read them: valid while the
 * engine lives, after fs_engine_finish. */
typedef struct fs_results {
    const fs_acc *acc;
    const fs_layout *lay;
    const uint64_t *first_mc;   /* steps + 1 counts */
    const struct fs_posterior *posterior;   /* NULL: the parameters were fixed */
    const fs_acc *post;         /* with a posterior: the paired statistics'
                                 * moments (posterior.h), else NULL */
    const char *model;          /* which model ran the runs: FS_ENGINE_MODEL,
                                 * or FS_ENGINE_MODEL_RUNWISE run by run */
} fs_results;

fs_results fs_engine_results(const fs_engine *e, int i);

/* Runs the whole scenario with no progress reporting (init, iterate, finish). */
fs_engine *fs_engine_run(const fs_scenario *sc, const fs_engine_opts *o, fs_err *err);

#endif
