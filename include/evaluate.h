/* evaluate.h: the evaluation loop shared by sweeps, searches and
 * calibrations: a batch of points, each a vector of values for numbered
 * setting paths of a base scenario, is run with `runs` runs on the random
 * streams (seed, 0 .. runs-1) (common random numbers: every point sees the
 * same streams), and each point's outputs are read with their Monte Carlo
 * standard errors. Points are spread over threads, each on a one-thread
 * engine, and each point's results go to its own rows, so the numbers are
 * the same bytes for any thread count. The caller owns every array; the
 * spec's pointers must outlive the calls. */
#ifndef FS_EVALUATE_H
#define FS_EVALUATE_H

#include <stdint.h>
#include "errors.h"
#include "load.h"
#include "runvalue.h"
#include "sweep.h"

typedef struct fs_eval_spec {
    const char *base_path;           /* the base scenario file */
    const fs_scenario_text *base_text;  /* the same, read once (load.h); NULL:
                                        * read base_path at every point */
    const fs_override *sets;         /* applied to every point (--set) */
    int nsets;
    int nparams;                     /* at most FS_SWEEP_MAX_PARAMS */
    const char *const *paths;        /* nparams setting paths, as --set takes them */
    const int *integer;              /* nparams flags: write the value as an integer */
    long runs;
    uint64_t seed;
    int noutputs;
    const fs_sweep_output *outputs;  /* what to read from each point */
    const struct fs_posterior *posterior;  /* the posterior the base names, read
                                           * once by the caller; NULL: read it
                                           * at every point that names one */
} fs_eval_spec;

/* Loads point x's scenario (the base with the --set overrides and x, the
 * spec's runs and seed) into *sc, owned by the caller. *refused (when not
 * NULL) is set when the base scenario refuses x's settings (FS_ECONFIG or
 * FS_EUSAGE from the loader), not for a failure to read. */
fs_status fs_eval_load(const fs_eval_spec *s, const double *x, fs_scenario **sc, int *refused,
                       fs_err *err);

/* Runs a loaded point's scenario (point x's, from fs_eval_load) with its
 * runs spread over `threads` threads and reads the outputs into y and se
 * (noutputs values each; NaN for an output the scenario does not have,
 * such as a step beyond its horizon). When the scenario names a posterior
 * (posterior.h), run i takes the values of its particle, loaded as point
 * x with the particle's values applied last; a posterior that sets one of
 * the point's paths or a --set path is refused (FS_ECONFIG). sc stays the
 * caller's. */
fs_status fs_eval_run(const fs_eval_spec *s, const double *x, const fs_scenario *sc,
                      int threads, double *y, double *se, fs_err *err);

/* fs_eval_load then fs_eval_run: one point x (nparams values). FS_OK, or
 * the loader's or engine's status with err set (FS_EINTR on a signal). */
fs_status fs_eval_point(const fs_eval_spec *s, const double *x, int threads, double *y,
                        double *se, fs_err *err);

/* Runs n points (x: n rows of nparams) over `threads` threads into y and
 * se (n rows of noutputs). Collective under MPI: every rank passes the
 * same points, claims them a few at a time from a counter the ranks share
 * (dist.h), runs the ones it claimed and ends with every point's results
 * (each point's in its own rows), the same bytes for any rank count. On
 * failure returns the status of the first failing point by index, with
 * err naming the point's values; every rank returns a failure when any
 * rank fails (with err->everywhere set and an empty message on a rank
 * whose own points all ran). */
fs_status fs_eval_batch(const fs_eval_spec *s, int n, const double *x, int threads, double *y,
                        double *se, fs_err *err);

/* Per-run values, for calibrations: point i (a row of x) is loaded as
 * fs_eval_load does and run s->runs times through the lockstep model
 * (lockstep.h), run r on the random stream (seeds[i], r) (so a point's
 * runs depend on its own seed alone, not on the spec's), and after each
 * run the nv quantities of v (at most 64) are read into out: n rows of
 * runs x nv values (run-major), NaN where a run has none. The runs of
 * all the points are packed into blocks of FS_LOCKSTEP_W lanes, points
 * after points, so that points of one run each fill whole blocks; a run's
 * values are those of its run alone, never of the points it shares a
 * block with. A point whose scenario's draws differ from the others'
 * (fs_lockstep_compatible: a volatility set to exactly 0, say) runs in
 * blocks of its own, with the same values. Points are spread over ranks
 * in contiguous equal shares, and each share's blocks over threads, with
 * fs_eval_batch's failures, and every rank ends with every row, the same
 * bytes for any thread or rank count and any instruction set. */
fs_status fs_eval_batch_runs(const fs_eval_spec *s, int n, const double *x,
                             const uint64_t *seeds, int nv, const fs_runvalue *v, int threads,
                             double *out, fs_err *err);

/* The same, keeping between batches what each thread loaded: its
 * lockstep workspace and the scenarios of a block's points, into which a
 * later point's values are written in place when every parameter is a
 * setting fs_scenario_set writes (docs/CALIBRATE.md, "Loading"). A
 * calibration runs many small batches of one spec's points, and loading
 * a block's scenarios afresh for each would cost more than its runs.
 * Ownership: an fs_eval_runs is the caller's, released with
 * fs_eval_runs_free (NULL is fine); it keeps no pointer to the spec or
 * the arrays after a call. A batch whose spec loads other scenarios than
 * the previous batch's (another base, --set list, paths or integer
 * flags, compared as pointers) drops what was kept; runs and seed may
 * change. NULL when out of memory. */
typedef struct fs_eval_runs fs_eval_runs;
fs_eval_runs *fs_eval_runs_alloc(int threads);
void fs_eval_runs_free(fs_eval_runs *w);
fs_status fs_eval_runs_batch(fs_eval_runs *w, const fs_eval_spec *s, int n, const double *x,
                             const uint64_t *seeds, int nv, const fs_runvalue *v, double *out,
                             fs_err *err);

#endif
