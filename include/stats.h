/* stats.h: accumulating run observations without storing the runs.
 * An fs_acc holds, for every cell of a layout, moments (count, mean, M2,
 * min, max) and, for the cells that want one, a quantile sketch. Memory is
 * fixed by the layout, never by the number of runs. Moments are merged
 * with Chan et al.'s pairwise formula; callers must add and merge in a
 * fixed order (the engine does: runs in order within a block, blocks in
 * order), because floating-point sums depend on order. Sketches have
 * integer counts and merge in any order. An fs_acc is owned by its
 * creator; fs_acc_free accepts NULL. */
#ifndef FS_STATS_H
#define FS_STATS_H

#include <stdint.h>
#include "metrics.h"
#include "sketch.h"

typedef struct fs_moments {
    double n;     /* observations (NaN observations are not counted) */
    double mean;
    double m2;    /* sum of squared deviations from the mean */
    double min, max;
} fs_moments;

void fs_moments_reset(fs_moments *s);
/* Welford's update; a NaN x is ignored. */
void fs_moments_add(fs_moments *s, double x);
/* into := into (+) from, Chan, Golub and LeVeque (1979). */
void fs_moments_merge(fs_moments *into, const fs_moments *from);
/* Sample standard deviation (n-1); 0 when n < 2. */
double fs_moments_sd(const fs_moments *s);

typedef struct fs_acc fs_acc;

/* Which cells get a quantile sketch besides their moments. */
enum {
    FS_SKETCH_NONE = 0,   /* moments only */
    FS_SKETCH_ALL,        /* every cell that wants one (fs_cell_wants_sketch) */
    FS_SKETCH_TOTALS      /* the run totals only: what a sweep point reads */
};

/* An accumulator for layout l (copied) with the sketches `sketches` says.
 * NULL when out of memory. */
fs_acc *fs_acc_alloc(const fs_layout *l, int sketches);

/* Gives cell a quantile sketch if it has none, so that fs_acc_quantile
 * can answer for it. Every accumulator merged with a must get the same
 * cells. Returns 0, or -1 when memory runs out. */
int fs_acc_add_sketch(fs_acc *a, int cell);
void fs_acc_free(fs_acc *a);

/* Forgets the moments and the runs added since the last merge (sketches
 * are kept). */
void fs_acc_reset_moments(fs_acc *a);

/* Adds one run's observation vector (l->ncells doubles) to a's pending
 * block and its sketches. NaN cells are skipped. Returns 0, or one of the
 * FS_ACC_ codes below (out of memory, or an infinite value, which no
 * sketch counts). The block reaches moments only through
 * fs_acc_merge_moments. */
int fs_acc_add_run(fs_acc *a, const double *obs);

/* Adds nruns observation vectors stored one after another in obs (run r's
 * cell c at obs[r * ncells + c]), in run order; the same result as nruns
 * calls of fs_acc_add_run, but cell by cell, which touches each sketch's
 * memory once instead of once per run. */
int fs_acc_add_runs(fs_acc *a, const double *obs, int nruns);

/* The two halves of fs_acc_add_runs, for a caller that adds each run's
 * moments as soon as it has the vector: fs_acc_add_moments for each run in
 * run order, then fs_acc_add_sketches once for all of them (0, or one of
 * the codes below). */
void fs_acc_add_moments(fs_acc *a, const double *obs);
int fs_acc_add_sketches(fs_acc *a, const double *obs, int nruns);

/* Runs whose sketch keys fs_acc_add_columns keeps before the buckets
 * count them (fs_acc_flush): each cell's buckets are touched once per
 * FS_ACC_KEY_RUNS runs. A cell's keys take FS_ACC_KEY_SLOT words of 4
 * bytes (8 spare, for the AVX-512 pass's whole stores). */
#define FS_ACC_KEY_RUNS 64
#define FS_ACC_KEY_SLOT (FS_ACC_KEY_RUNS + 8)

/* fs_acc_add_runs for runs stored as columns: run r's cell c at
 * obs[c * stride + r] (stride >= nruns, nruns <= FS_ACC_KEY_RUNS), the
 * layout of engine.c's parts (fs_lockstep_columns). The same moments
 * and, after fs_acc_flush, the same sketches, to the bit, as
 * fs_acc_add_runs on the same runs in rows. 0 or an FS_ACC_ code. */
int fs_acc_add_columns(fs_acc *a, const double *obs, int nruns, size_t stride);

/* fs_acc_add_columns counts each value's bucket later, for
 * FS_ACC_KEY_RUNS runs at once (nruns is at most that in a call): this
 * counts what waits. Call it before reading or merging a's sketches. 0,
 * or FS_ACC_NOMEM when a sketch could not grow (its sketches are then
 * fit only to be freed). */
int fs_acc_flush(fs_acc *a);

/* What fs_acc_add_sketches returns besides 0: a sketch could not grow, or
 * a value was infinite (not counted; the model overflowed). */
#define FS_ACC_NOMEM    (-1)
#define FS_ACC_INFINITE (-2)

/* Exchanges the runs pending in a (added since its last reset) with those
 * pending in b, in O(1); sketches stay where they are. Both must have the
 * same layout. Lets a caller park a finished block for merging later. */
void fs_acc_swap_pending(fs_acc *a, fs_acc *b);

/* Merges the runs added to from since its last reset into into's moments,
 * cell by cell, as one block. */
void fs_acc_merge_moments(fs_acc *into, const fs_acc *from);
/* Merges from's sketches into into's. 0, or -1 when out of memory. */
int fs_acc_merge_sketches(fs_acc *into, const fs_acc *from);

const fs_moments *fs_acc_moments(const fs_acc *a, int cell);
/* The cell's sketch, or NULL when it keeps none. */
const fs_sketch *fs_acc_sketch(const fs_acc *a, int cell);
/* Bytes of a's sketches (fs_sketch_bytes with `merged`, summed). */
double fs_acc_sketch_bytes(const fs_acc *a, int merged);
/* The q-quantile of a cell (rounded for integer cells); NaN when the cell
 * has no sketch or no observations. */
double fs_acc_quantile(const fs_acc *a, int cell, double q);

/* 95% Wilson score interval for k successes in n trials. */
void fs_wilson95(double k, double n, double *lo, double *hi);

/* 100 p rounded to one decimal, halves away from zero, judged on the
 * decimal value: 0.1485 gives 14.9 although its double lies just below
 * 0.1485 (printf's %.1f of 100 p gives 14.8). Every percentage the
 * briefings and charts print goes through it, so that they agree. */
double fs_percent(double p);

/* Whether a paired difference diff (95% interval lo to hi, between means
 * with and without) is worth a facilitator's word: the interval excludes
 * zero, and it is at least half a point for a probability, else at least
 * 1% of the larger mean (1e-3 when neither mean is known, as in files
 * from before they were written). The briefings and charts share it. */
int fs_material(int probability, double diff, double lo, double hi, double with,
                double without);

/* The standard normal's 0.975 quantile, for every 95% interval. */
#define FS_Z95 1.959963984540054

#endif
