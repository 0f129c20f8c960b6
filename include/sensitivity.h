/* sensitivity.h: sensitivity indices from the outputs of a design.
 * The estimators read a design (design.h) and one output value per design
 * point, y[0..npoints-1]; they know nothing about scenarios. Result
 * structs come from their _alloc function, are owned by the caller and
 * released with the matching _free, which accepts NULL; an estimator
 * fills a result in place and allocates nothing that outlives the call.
 * Formulas, references and the bootstrap are in docs/SWEEP.md. */
#ifndef FS_SENSITIVITY_H
#define FS_SENSITIVITY_H

#include <stdint.h>
#include "design.h"
#include "errors.h"

#define FS_SOBOL_NBOOT_DEFAULT 1000

/* Sobol indices of one output, per parameter i = 0..k-1. The 95%
 * intervals are bootstrap percentile intervals; the standard errors are
 * the bootstrap replicates' standard deviation. Read-only for callers. */
typedef struct fs_sobol {
    int k;
    double *s1, *s1_se, *s1_lo, *s1_hi;  /* first order, Saltelli et al. 2010 */
    double *st, *st_se, *st_lo, *st_hi;  /* total, Jansen 1999 */
    double mean, var;   /* of the 2N values f(A), f(B); var divides by 2N */
    int nboot;          /* bootstrap replicates used (see fs_sobol_indices) */
} fs_sobol;

/* Morris statistics of one output, per parameter: the mean mu, the mean
 * absolute value mu_star and the standard deviation sigma (n - 1) of the
 * r elementary effects, and mu_star's standard error sd(|EE|) / sqrt(r). */
typedef struct fs_morris {
    int k;
    int r;
    double *mu, *mu_star, *sigma, *mu_star_se;
} fs_morris;

/* One-at-a-time effects of one output: y at the base point, and per
 * parameter y(lo) - y(base), y(hi) - y(base) and |y(hi) - y(lo)|. */
typedef struct fs_oat {
    int k;
    double base;
    double *low, *high, *swing;
} fs_oat;

/* What can be wrong with one parameter's Sobol estimates: an index outside
 * [0, 1] (true indices never are; estimates are, when N is small or the
 * runs per point are few), and S1 above ST by more than S1's own interval
 * allows (S1 <= ST always holds for the true indices). */
enum {
    FS_SOBOL_S1_RANGE = 1,
    FS_SOBOL_ST_RANGE = 2,
    FS_SOBOL_S1_ABOVE_ST = 4
};
/* Fewer base rows than this make a "small N" warning: the indices of
 * Saltelli's estimators scatter widely below a few hundred rows. */
#define FS_SOBOL_SMALL_N 128

/* The FS_SOBOL_* flags of parameter j of s (0 when its estimates are
 * fine or NaN). */
int fs_sobol_flags(const fs_sobol *s, int j);

/* The same from the numbers alone (sensitivity.csv's estimate and lo95). */
int fs_sobol_flags_of(double s1, double s1_lo, double st);

/* Results for k parameters, every value NaN until an estimator fills them.
 * NULL when k < 1 or out of memory. */
fs_sobol *fs_sobol_alloc(int k);
void fs_sobol_free(fs_sobol *s);
fs_morris *fs_morris_alloc(int k);
void fs_morris_free(fs_morris *m);
fs_oat *fs_oat_alloc(int k);
void fs_oat_free(fs_oat *o);

/* Sobol first-order and total indices of y over a Sobol design d, with
 * nboot bootstrap replicates (0 for FS_SOBOL_NBOOT_DEFAULT, otherwise at
 * least 2) drawn from seed: replicate b resamples the N rows of A, B and
 * every AB_i together, with replacement, from stream (seed, 2^64 - 2 - b),
 * so the intervals are the same on every machine. A replicate whose
 * resampled variance is zero is left out (out->nboot counts those kept).
 * Returns FS_OK; FS_ECONFIG when d is not a Sobol design, out->k differs
 * from d's k or nboot is wrong; FS_ERUNTIME, with every index NaN, when y
 * holds a NaN or an infinity or has zero variance over A and B (the
 * message says which); FS_ENOMEM. */
fs_status fs_sobol_indices(const fs_design *d, const double *y, int nboot, uint64_t seed,
                           fs_sobol *out, fs_err *err);

/* Morris statistics of y over a Morris design d. Elementary effects are
 * (y(x + delta e_i) - y(x)) / delta in unit coordinates, i.e. per whole
 * range of parameter i; for an integer parameter delta is the rounded
 * step over the range. Returns FS_OK; FS_ECONFIG when d is not a Morris
 * design or out->k differs; FS_ERUNTIME, with every statistic NaN, when y
 * holds a NaN or an infinity. A constant y gives zeros, not an error. */
fs_status fs_morris_indices(const fs_design *d, const double *y, fs_morris *out, fs_err *err);

/* One-at-a-time effects of y over an OAT design d. Returns FS_OK;
 * FS_ECONFIG when d is not an OAT design or out->k differs; FS_ERUNTIME,
 * with every effect NaN, when y holds a NaN or an infinity. */
fs_status fs_oat_effects(const fs_design *d, const double *y, fs_oat *out, fs_err *err);

#endif
