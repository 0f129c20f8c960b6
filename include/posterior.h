/* posterior.h: a calibration's posterior (the weighted particles of
 * `foresight calibrate`'s posterior.csv) as the parameter values of runs.
 * Run i takes the values of one particle, drawn by weight from a stream
 * that depends on (seed, i / 2) alone: runs 2j and 2j + 1 share the
 * particle of pair j, so that the spread within pairs measures chance and
 * the rest of the variance the parameters (docs/MODEL.md, "Parameter
 * uncertainty"). The draw comes from substream FS_RNG_MAJOR_POSTERIOR of
 * stream (seed, j), which the model never touches, so the run's own draws
 * are those of a run without a posterior, and common random numbers hold
 * between scenarios, sweep points and an inject's muted copy. A posterior
 * and the particle scenarios built from it are owned by the caller
 * (fs_posterior_free and fs_posterior_scenarios_free accept NULL). */
#ifndef FS_POSTERIOR_H
#define FS_POSTERIOR_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "errors.h"
#include "load.h"
#include "metrics.h"
#include "scenario.h"
#include "stats.h"

#define FS_POSTERIOR_MAX_PARAMS    64
#define FS_POSTERIOR_MAX_PARTICLES 100000

typedef struct fs_posterior {
    char *dir;            /* the directory, as given */
    char *file;           /* dir/posterior.csv */
    int nparams;
    char **paths;         /* [nparams] setting paths, as --set takes them */
    char **labels;        /* [nparams] their labels from priors.csv beside it, or
                           * the paths when it is missing or names none */
    int *integer;         /* [nparams] integer settings (from the scenario) */
    int n;                /* particles */
    double *value;        /* [n * nparams] particle p's values at p * nparams */
    double *weight;       /* [n] normalised weights */
    double *cum;          /* [n] running sums of the weights, in particle order */
    double *mean;         /* [nparams] weighted means of the values */
    uint64_t hash;        /* FNV-1a (64-bit) of posterior.csv's bytes */
} fs_posterior;

/* Reads dir/posterior.csv (and the labels of dir/priors.csv, when it is
 * there and reads as foresight calibrate writes it): a header `particle,<path>...,weight,distance`
 * (distance may be left out) with 1 to FS_POSTERIOR_MAX_PARAMS setting
 * paths, then 1 to FS_POSTERIOR_MAX_PARTICLES rows numbered 0, 1, ... in
 * order, with finite values and weights >= 0 summing to 1 within 1e-9.
 * Anything else, a missing file included, is FS_ECONFIG naming the file,
 * the line and the column, what was expected and what was found; FS_ENOMEM
 * when out of memory. */
fs_status fs_posterior_read(const char *dir, fs_posterior **out, fs_err *err);
void fs_posterior_free(fs_posterior *p);

/* The FNV-1a of dir/posterior.csv's bytes (fs_posterior's hash) without
 * reading its particles: what a checkpoint adds to its base scenario's
 * hash, so that a resume notices a posterior changed in between.
 * FS_ECONFIG naming the file when it cannot be read. */
fs_status fs_posterior_hash(const char *dir, uint64_t *h, fs_err *err);

/* The particle run `run` uses: that of pair run / 2, drawn by weight with
 * r (a generator from fs_rng_alloc, repositioned here). Never a particle of
 * weight 0. */
int fs_posterior_pick(const fs_posterior *p, gsl_rng *r, uint64_t seed, long run);

/* Checks p against sc, the scenario its values will be applied to: every
 * path must name a numeric setting of sc (fs_scenario_get), and an integer
 * setting must get whole values; fills p->integer. FS_ECONFIG naming the
 * file, the column and sc's file otherwise. */
fs_status fs_posterior_check(fs_posterior *p, const fs_scenario *sc, fs_err *err);

/* Refuses (FS_ECONFIG) a path of the n paths that p also sets: a setting
 * fixed by `what` ("--set", "the sweep's parameters") that the posterior
 * would draw. */
fs_status fs_posterior_overlap(const fs_posterior *p, const char *const *paths, int n,
                               const char *what, fs_err *err);

/* For a sweep or search file `file` over base (loaded with its --set
 * options sets): when base names a posterior, reads it and checks it
 * against base (fs_posterior_check) and against the --set paths and the
 * file's n parameter paths (fs_posterior_overlap), before any point runs.
 * FS_OK when base names none; else errors as those functions', prefixed
 * with file. */
fs_status fs_posterior_check_batch(const fs_scenario *base, const fs_override *sets, int nsets,
                                   const char *const *paths, int n, const char *file,
                                   fs_err *err);

/* Particle q's values as --set overrides: ov[k] for path k, its text in
 * text[k] (64 bytes each). */
void fs_posterior_overrides(const fs_posterior *p, int q, fs_override *ov, char (*text)[64]);

/* How a caller loads its scenario with a particle's overrides (applied
 * after its own), into *out owned by the caller. */
typedef fs_status (*fs_posterior_loader)(void *ctx, const fs_override *ov, int nov,
                                         fs_scenario **out, fs_err *err);

/* The scenario of every particle that runs 0 .. runs-1 of seed use
 * (p->n entries; NULL for particles no run uses), loaded with `load`, each
 * with base's runs and seed. At most min(particles of positive weight,
 * (runs + 1) / 2) scenarios are built. A particle whose values the
 * scenario refuses (a value outside a setting's range) is FS_ECONFIG
 * naming the posterior's file and the particle; one that changes the
 * model's layout (the number of steps, actors, threats, mechanisms,
 * injects, borders or tracked pairs, a border's ends or an actor's role)
 * is refused too. */
fs_status fs_posterior_scenarios(const fs_posterior *p, const fs_scenario *base, long runs,
                                 fs_posterior_loader load, void *ctx, fs_scenario ***out,
                                 fs_err *err);
void fs_posterior_scenarios_free(fs_scenario **sc, int n);

/* The paired statistics a run with a posterior accumulates per scenario
 * (engine.h), cell by cell over runs: for each headline h (metrics.h)
 * cell h holds (Y_2j - Y_2j+1)^2 / 2 on the odd run of each pair (NaN on
 * the even one), cell FS_HEAD_N + k the run's value of parameter k minus
 * its posterior mean, and cell fs_posterior_cross_cell(p, h, k) that
 * centred value times Y_h. */
int fs_posterior_ncells(const fs_posterior *p);
static inline int fs_posterior_theta_cell(int k) { return FS_HEAD_N + k; }
static inline int fs_posterior_cross_cell(const fs_posterior *p, int h, int k)
{
    return FS_HEAD_N + p->nparams + h * p->nparams + k;
}

/* Fills out (fs_posterior_ncells values) for a run of particle q whose
 * headline values are y (FS_HEAD_N); prev: the headlines of the even run
 * of its pair when this run is the odd one, else NULL. */
void fs_posterior_observe(const fs_posterior *p, int q, const double *y, const double *prev,
                          double *out);

/* One headline's variance split by the law of total variance
 * (docs/MODEL.md, "Parameter uncertainty"): Var Y = E[Var(Y | theta)] +
 * Var(E[Y | theta]). */
typedef struct fs_posterior_split {
    double pairs;         /* pairs of runs that estimate the within part */
    double total;         /* Var Y over all runs (n - 1 denominator) */
    double within;        /* E[Var(Y | theta)]: mean of (Y_2j - Y_2j+1)^2 / 2 */
    double param_share;   /* Var(E[Y | theta]) / Var Y (fs_posterior_param_share) */
    double r2[FS_POSTERIOR_MAX_PARAMS];   /* each parameter's squared correlation
                                           * with Y over runs: the share of Var Y
                                           * a straight line in it explains;
                                           * NaN when it does not vary */
    int best;             /* the parameter with the largest r2; -1 when none */
} fs_posterior_split;

/* The split of headline h from the paired statistics post (fs_results.post)
 * and y, the moments of h's cell over all runs. */
void fs_posterior_split_of(const fs_posterior *p, const fs_acc *post, const fs_moments *y,
                           int h, fs_posterior_split *out);

/* The law of total variance from a run's paired statistics: with the
 * total variance `total` of a headline over all runs and `within`, the
 * mean of (Y_2j - Y_2j+1)^2 / 2 over pairs (an unbiased estimate of
 * E[Var(Y | theta)]), the share of the total that is parameter
 * uncertainty, Var(E[Y | theta]) / total, clamped to [0, 1]; NaN when
 * total is not positive. */
double fs_posterior_param_share(double total, double within);

#endif
