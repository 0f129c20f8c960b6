/* lockstep.h: the model (model.h, docs/MODEL.md) for a block of W runs at
 * once, side by side. The state of the block is a structure of arrays,
 * each quantity an array of W lanes, and each step's arithmetic runs over
 * the lanes in loops the compiler turns into vector instructions; the
 * random draws come W at a time from lanes.h. Lane i of a block holds run
 * run0 + i on stream (seed, run0 + i), with the model's substream plan
 * (substream (t, 0) the injects, (t, 1) the threats, (t, 2 + a) the plots
 * of actor a; the once-per-run inject draws at the stream's start). Every
 * lane makes the same kinds of draws in the same order whatever its
 * values, so a run's numbers depend only on (seed, run): never on W, on
 * which runs share its block, or on the instruction set lanes.h chose.
 *
 * The draws are lanes.h's, not GSL's, so a run's numbers differ from
 * fs_model's for the same stream; they agree in distribution, and where
 * nothing is random (no volatility, no plots, no hazards, no scheduled
 * inject left to chance) the trajectories are fs_model's to the last bit.
 * The observations are fs_model's: the cells of fs_layout, with the same
 * meaning (metrics.h).
 *
 * A block runs the scenario given to fs_lockstep_alloc (or
 * fs_lockstep_rebind), or one scenario per run of the same shape and
 * draws (fs_lockstep_run_each); fs_lockstep_run_lanes gives each lane its
 * own stream too, (seed, run) of any seed and run. Ownership: an fs_lockstep is the caller's,
 * released with fs_lockstep_free (NULL is fine); it reads the scenario,
 * which must outlive it, and keeps no pointer to the caller's arrays. It
 * allocates nothing after fs_lockstep_alloc and is not shared between
 * threads. */
#ifndef FS_LOCKSTEP_H
#define FS_LOCKSTEP_H

#include <stdint.h>
#include "lanes.h"
#include "metrics.h"
#include "scenario.h"

typedef struct fs_lockstep fs_lockstep;

/* The width whose blocks run fastest: the vector kernels have twins
 * compiled for exactly this many lanes (lockstep_state.h). Every other
 * multiple of FS_LANES_MULTIPLE gives the same bits. */
#define FS_LOCKSTEP_FAST_W 16

/* A workspace for blocks of W runs of sc (W a positive multiple of
 * FS_LANES_MULTIPLE), drawing with fs_lanes_isa_best(); NULL when out of
 * memory or W is not such a multiple. */
fs_lockstep *fs_lockstep_alloc(const fs_scenario *sc, int W);

/* The same with the instruction set isa for the draws; NULL also when the
 * processor cannot run it. The numbers are the same for every isa. */
fs_lockstep *fs_lockstep_alloc_isa(const fs_scenario *sc, int W, fs_isa isa);

void fs_lockstep_free(fs_lockstep *L);

/* Points L at sc for the blocks that follow: a scenario of the same shape
 * as the one L was allocated for (as fs_model_rebind). No allocation. */
void fs_lockstep_rebind(fs_lockstep *L, const fs_scenario *sc);

/* The block size W. */
int fs_lockstep_width(const fs_lockstep *L);

/* How the blocks that follow write obs. stride 0, the default: rows, as
 * fs_lockstep_run says. stride > 0 (at least nused): columns, cell c of
 * run run0 + i at obs[c * stride + i], so that a caller holding a cell's
 * values for many runs side by side (engine.c's blocks) gets each cell's
 * W values as one stretch. The numbers are the same either way. */
void fs_lockstep_columns(fs_lockstep *L, int stride);

/* Runs run0 .. run0 + W - 1 on streams (seed, run) from start to finish
 * and writes the first nused of them (1 <= nused <= W) into obs: nused
 * rows of fs_layout's ncells cells, row i for run run0 + i, each what
 * fs_model_start, _step and _finish record. */
void fs_lockstep_run(fs_lockstep *L, uint64_t seed, uint64_t run0, int nused, double *obs);

/* The same with a scenario for each run: run run0 + i on scs[i] (i <
 * nused; the unused lanes repeat scs[0]), as a posterior gives each run
 * its particle's numbers (posterior.h). Each must differ from L's
 * scenario in magnitudes only: the same layout, roles, borders,
 * mechanisms' members, kinds and windows, and the same draws (the same
 * threats with volatility above 0; injects of the same kinds, targets,
 * timing, repeat, number of attacks and whether they draw casualties, a
 * hazard or a once-per-run chance). Returns 0, or -1 and runs nothing
 * when one does not. A run's numbers are those it has in a block of its
 * scenario alone. */
int fs_lockstep_run_each(fs_lockstep *L, const fs_scenario *const *scs, uint64_t seed,
                         uint64_t run0, int nused, double *obs);

/* One block whose lane i (i < nused, 1 <= nused <= W) runs scenario
 * scs[i] (L's own in every lane when scs is NULL) on stream (seeds[i],
 * runs[i]), with the model's substream plan, and writes its observations
 * into row i of obs (nused rows of fs_layout's ncells cells). Lanes, seeds
 * and runs need not be related: a calibration packs the runs of many
 * candidates, each with its own seed, into one block. Each scenario must
 * be fs_lockstep_compatible with L's. Returns 0, or -1 and runs nothing
 * when one is not (or nused is out of range). Lane i's numbers are
 * exactly those of run runs[i] in fs_lockstep_run(seeds[i], runs[i], ...)
 * on a workspace allocated for scs[i] alone: never of the other lanes. */
int fs_lockstep_run_lanes(fs_lockstep *L, const fs_scenario *const *scs, const uint64_t *seeds,
                          const uint64_t *runs, int nused, double *obs);

/* A sum over a window of steps that blocks keep for each lane
 * (fs_lockstep_watch), as a calibration's targets read runs: a threat's
 * flow over the region's (non-external) actors (threat >= 0; metric
 * FS_TH_PLOTS, _FOILED, _ATTACKS, _CASUALTIES or _REMOVED: what
 * fs_model_threat_step gives model.c's step), or an actor's (threat -1,
 * actor >= 0; metric FS_AT_ATTACKS, _FOILED or _CASUALTIES: what
 * fs_model_actor_step gives), added up over steps first to last (step 0
 * is the start, whose flows are 0). */
typedef struct fs_lockstep_window {
    int threat, actor, metric;
    int first, last;
} fs_lockstep_window;

#define FS_LOCKSTEP_MAX_WATCH 64

/* Asks L to keep the n window sums of w (n <= FS_LOCKSTEP_MAX_WATCH) in
 * every lane of the blocks that follow, until the next call; n = 0 keeps
 * none, and then the blocks cost what they cost before. Returns 0, or -1
 * and keeps none when a window names a threat, actor or metric that L's
 * scenario has not, or 0 <= first <= last does not hold. No allocation. */
int fs_lockstep_watch(fs_lockstep *L, const fs_lockstep_window *w, int n);

/* After a block: window k's sum in lane i, the step's flows added in step
 * order from 0 (so a window of steps 0 to steps is, to the bit, the run
 * total the observations hold: fs_cell_th's or fs_cell_at's cell). */
double fs_lockstep_watched(const fs_lockstep *L, int k, int lane);

/* 1 when b can share a block with a (fs_lockstep_run_each): the same
 * shape and draws, magnitudes aside; else 0. */
int fs_lockstep_compatible(const fs_scenario *a, const fs_scenario *b);

#endif
