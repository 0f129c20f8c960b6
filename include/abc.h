/* abc.h: approximate Bayesian computation by sequential Monte Carlo
 * (ABC-SMC: Toni, Welch, Strelkowa, Ipsen and Stumpf 2009; Beaumont,
 * Cornuet, Marin and Robert 2009) with adaptive tolerances (each
 * generation's tolerance is a quantile of the previous generation's
 * accepted distances, as Del Moral, Doucet and Jasra 2012 and Drovandi and
 * Pettitt 2011), an adaptive perturbation kernel (a multivariate normal
 * with twice the weighted covariance of the previous population: Beaumont
 * et al. 2009, Filippi et al. 2013), importance weights, and the effective
 * sample size of every generation.
 *
 * It knows nothing about scenarios: the caller simulates through a
 * callback that takes a whole batch of candidate parameter vectors and
 * returns each one's distance to the data, so that it can spread them over
 * threads and processes. Each candidate carries an id unique within the
 * calibration (generation and proposal number), from which the caller
 * derives the candidate's random streams, so the result never depends on
 * how candidates are batched, threaded or distributed.
 *
 * Determinism: generation t draws its proposals only from the random
 * stream (seed, t), one proposal after another; proposals are simulated in
 * batches of `batch` and accepted in proposal order until `particles` are
 * accepted (a batch's extra acceptances are dropped), so a calibration
 * depends on its seed and the distances the callback returns, nothing
 * else. A calibration is saved after any generation (fs_abc_save) and
 * restored (fs_abc_restore) bit for bit, so a resumed calibration is
 * byte-identical to an uninterrupted one.
 *
 * An fs_abc is owned by its allocator and released with fs_abc_free
 * (accepts NULL); arrays its accessors return live until the next step or
 * the free. */
#ifndef FS_ABC_H
#define FS_ABC_H

#include <stdint.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include "errors.h"

#define FS_ABC_MAX_PARAMS 64
#define FS_ABC_MAX_PARTICLES 1000000

/* Prior families. a and b are:
 *   uniform     lo, hi (a < b)
 *   loguniform  lo, hi (0 < a < b): log x uniform
 *   normal      mean, sd (sd > 0)
 *   lognormal   mean and sd of log x (sd > 0)
 *   beta        alpha, beta (> 0), on [0, 1]
 *   gamma       shape, rate (> 0), on [0, inf) */
typedef enum fs_prior_kind {
    FS_PRIOR_UNIFORM = 0,
    FS_PRIOR_LOGUNIFORM,
    FS_PRIOR_NORMAL,
    FS_PRIOR_LOGNORMAL,
    FS_PRIOR_BETA,
    FS_PRIOR_GAMMA
} fs_prior_kind;

/* A prior: a family, its two parameters, and the interval [lo, hi] it is
 * truncated to (the setting's own range; -INFINITY / INFINITY where the
 * setting has no bound). integer != 0: the setting is an integer; the
 * prior is then read as the distribution of the value rounded to the
 * nearest integer, and perturbed values are rounded too. Precisely: the
 * continuous prior is truncated to [ceil(lo) - 1/2, floor(hi) + 1/2] and
 * rounded, so each integer of [lo, hi] has the mass of its unit cell, and
 * fs_prior_logpdf gives the log of that mass (at any x of the cell). In
 * the importance weights the kernel's density is taken at the rounded
 * point rather than integrated over its cell: an approximation, good
 * while the kernel's sd is well above 1, cruder below. */
typedef struct fs_prior {
    int kind;            /* fs_prior_kind */
    double a, b;
    double lo, hi;
    int integer;
} fs_prior;

/* "uniform", "loguniform", ...; NULL for an unknown kind. */
const char *fs_prior_name(int kind);

/* The kind named `name`, or -1. */
int fs_prior_kind_of(const char *name);

/* Checks p: parameters in their domain, the truncation interval non-empty
 * and holding prior mass (a uniform entirely outside [lo, hi] is refused).
 * 0, or -1 with msg saying what is wrong in words ("sd must be > 0, found
 * 0"). */
int fs_prior_check(const fs_prior *p, char *msg, size_t n);

/* The log density of p at x, truncation included (normalised), or
 * -INFINITY outside its support. */
double fs_prior_logpdf(const fs_prior *p, double x);

/* A draw from p (truncation by inversion of the CDF, so one uniform per
 * draw: a draw never loops). */
double fs_prior_draw(const fs_prior *p, gsl_rng *r);

/* The problem: nparams parameters with their priors (copied). */
typedef struct fs_abc_problem {
    int nparams;
    const fs_prior *priors;
} fs_abc_problem;

/* Options; zero means the default, given in brackets. Only the priors,
 * particles, replicates, quantile and seed set a calibration's course
 * (fs_abc_restore refuses a file saved under others); the stop rules and
 * the batch may change between save and restore.
 *   particles       accepted particles per generation [1000]
 *   generations     stop after this many generations [8]
 *   quantile        generation t's tolerance is this quantile of
 *                   generation t-1's particles' distances (weighted;
 *                   a particle's distance is the median of its
 *                   replicates within its generation's tolerance, so
 *                   the tolerances shrink with replicates too) [0.5]
 *   tolerance       stop once a generation's tolerance is at or below it
 *                   [0: no such stop]
 *   min_acceptance  stop when a generation's acceptance rate (accepted /
 *                   proposed) falls below it: a generation that has not
 *                   accepted `particles` within particles /
 *                   min_acceptance proposals ends as incomplete and is
 *                   not kept; in (0, 1] [0.005]
 *   max_simulations stop before a generation once this many candidates
 *                   have been simulated in all; a generation that reaches
 *                   it midway ends as incomplete and is not kept
 *                   [0: no budget]
 *   replicates      simulations per candidate (a scenario's runs) [1]
 *   batch           candidates per callback call, at most [particles];
 *                   the candidates of a last batch after the one that
 *                   completes a generation are dropped and not counted,
 *                   so that the records do not depend on the batch
 *   seed            the calibration's random streams [0 is a seed]
 * With replicates M > 1, a candidate is accepted when at least one of its
 * M distances is within the tolerance, and its weight is multiplied by the
 * share of them that are (Del Moral, Doucet and Jasra 2012): an unbiased
 * estimate of the ABC likelihood, so the posterior is that of one
 * simulation within the tolerance, with less variance in the weights. */
typedef struct fs_abc_opts {
    int particles;
    int replicates;
    int generations;
    double quantile;
    double tolerance;
    double min_acceptance;
    long max_simulations;
    int batch;
    uint64_t seed;
} fs_abc_opts;

/* Simulates n candidates: theta holds n rows of nparams values, id[i] is
 * candidate i's id (unique in the calibration: generation * 2^40 +
 * proposal number); fills dist (n rows of `replicates` distances, each
 * >= 0; INFINITY: that simulation produced nothing comparable, never
 * within a tolerance). Replicate j of candidate i should draw from a
 * stream fixed by (id[i], j). Any status but FS_OK stops the
 * step with that status and err as the callback set it; NaN or a negative
 * distance is refused (FS_ERUNTIME). Candidates outside the priors'
 * support are never passed. The step does not poll for signals: the
 * callback returns FS_EINTR when interrupted. */
typedef fs_status (*fs_abc_sim_fn)(void *ctx, int n, const double *theta, const uint64_t *id,
                                   double *dist, fs_err *err);

typedef struct fs_abc fs_abc;

/* A calibration of p with options o: NULL with err set (FS_ECONFIG naming
 * the bad option or prior, FS_ENOMEM). Nothing is simulated yet. */
fs_abc *fs_abc_alloc(const fs_abc_problem *p, const fs_abc_opts *o, fs_err *err);
void fs_abc_free(fs_abc *a);

/* The threads the method's own work may use (the kernel weights): at most
 * threads (the caller's -j), 0 for OpenMP's default. The numbers are the
 * same for any count. */
void fs_abc_set_threads(fs_abc *a, int threads);

/* Why a calibration stopped. */
enum {
    FS_ABC_RUNNING = 0,
    FS_ABC_STOP_GENERATIONS,   /* the number of generations asked for */
    FS_ABC_STOP_TOLERANCE,     /* the tolerance asked for was reached */
    FS_ABC_STOP_ACCEPTANCE,    /* acceptance rate below min_acceptance */
    FS_ABC_STOP_BUDGET,        /* max_simulations spent */
    FS_ABC_STOP_EMPTY          /* generation 0 accepted no particle: no
                                * candidate gave a finite distance */
};

/* Runs one generation. Generation 0 draws from the priors and accepts
 * every candidate with a finite distance (its tolerance is the largest
 * accepted distance; with replicates, any finite one, weighted by the
 * share finite); generation t >= 1 resamples the previous population
 * by weight, perturbs with the kernel, rejects candidates outside the
 * priors' support without simulating them (they count as proposed, not as
 * simulated), simulates the rest and accepts those within the tolerance,
 * then weights them (prior density over the kernel mixture density) and
 * normalises. On failure (the callback's, or FS_EINTR) the calibration is
 * unchanged. When a stop rule holds already, does nothing and returns
 * FS_OK. */
fs_status fs_abc_step(fs_abc *a, fs_abc_sim_fn fn, void *ctx, fs_err *err);

/* The stop rule that holds (FS_ABC_RUNNING while none does). */
int fs_abc_stopped(const fs_abc *a);

/* Candidates simulated in the generation a stop rule cut short (the
 * acceptance rate or the budget): that generation is not kept, so its
 * simulations are in no record of fs_abc_history, but they were spent.
 * 0 when no generation was cut short. */
long fs_abc_cut_short(const fs_abc *a);

/* One generation's record. */
typedef struct fs_abc_gen {
    int generation;
    double tolerance;
    long proposed;       /* candidates proposed (outside the priors included) */
    long simulated;      /* candidates simulated */
    long accepted;
    double acceptance;   /* accepted / proposed */
    double ess;          /* (sum w)^2 / sum w^2 of the accepted particles */
    long simulations;    /* candidates simulated since the start */
} fs_abc_gen;

/* Generations kept so far and their records (n rows). */
int fs_abc_history(const fs_abc *a, const fs_abc_gen **g);

/* The current population: n particles (rows of nparams), their
 * normalised weights and distances (the median of each particle's
 * replicates within the tolerance). n is 0 before the first step. */
int fs_abc_population(const fs_abc *a, const double **theta, const double **w,
                      const double **dist);

/* Saves the calibration (options' hash, history, population; the kernel
 * follows from the population) to f
 * as text with every double exact (%a), with a closing checksum line.
 * FS_EIO on a write error. */
fs_status fs_abc_save(const fs_abc *a, FILE *f, fs_err *err);

/* Restores into a (freshly allocated with the same problem and options) what
 * fs_abc_save wrote. FS_ECONFIG when the file belongs to other options or
 * is torn or tampered (the checksum), naming what is wrong; a is then
 * unchanged. The stop rule is evaluated again under a's options; a
 * generation that ended incomplete was never saved, so a resumed
 * calibration runs it again (and stops the same way). */
fs_status fs_abc_restore(fs_abc *a, FILE *f, fs_err *err);

#endif
