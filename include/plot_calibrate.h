/* plot_calibrate.h: a calibration directory (foresight calibrate) read
 * back from its files alone, priors.csv, posterior.csv, generations.csv,
 * targets.csv and predictive.csv (docs/OUTPUTS.md, "Calibration
 * directories"), and its charts: calibrate_marginals (each parameter's
 * prior density against its weighted posterior), calibrate_pairs (the
 * weighted posterior two parameters at a time, with correlations),
 * calibrate_predictive (each target's posterior predictive distribution
 * against the reported figure and its sd) and calibrate_tolerance
 * (tolerance, acceptance rate and effective sample size by generation).
 * Ownership: an fs_cdir belongs to whoever loaded it and is released
 * with fs_cdir_free; its arrays and strings live as long as it does.
 * Every chart file is written through a temp name. */
#ifndef FS_PLOT_CALIBRATE_H
#define FS_PLOT_CALIBRATE_H

#include <stddef.h>
#include "abc.h"
#include "errors.h"
#include "plot.h"

/* A parameter: its row of priors.csv and its column of posterior.csv. */
typedef struct fs_cdir_param {
    char *path;          /* the setting path, as posterior.csv's header has it */
    char *label;
    fs_prior prior;      /* family, a, b, truncation [lo, hi], integer */
    double *x;           /* [n] each particle's value */
    size_t *order;       /* [n] particle indices by increasing value */
} fs_cdir_param;

/* A target: its row of targets.csv and its column of predictive.csv. */
typedef struct fs_cdir_target {
    char *name, *output, *uncertainty, *source, *mapping;
    double figure, sd;
    int held_out;
    double *draw;        /* [ndraws] the target's value in each predictive draw */
    size_t *order;       /* [ndraws] draws by increasing value */
} fs_cdir_target;

typedef struct fs_cdir {
    char *dir;
    int nparams;
    fs_cdir_param *param;
    size_t n;            /* particles */
    double *weight, *distance;
    double ess;          /* 1 / sum of squared weights */
    int ngens;           /* rows of generations.csv, in its order */
    double *gen, *tolerance, *proposed, *simulated, *accepted, *acceptance, *gen_ess, *runs;
    int ntargets;
    fs_cdir_target *target;
    size_t ndraws;
} fs_cdir;

/* Reads the calibration directory dir. NULL with err filled on failure:
 * FS_EIO when a file cannot be read, FS_ECONFIG naming file:line (and the
 * column) and what was expected when one is malformed or disagrees with
 * another (a posterior column that is no parameter of priors.csv, a value
 * outside its prior's range, weights that do not sum to 1, a predictive
 * column that is no target), FS_ENOMEM. */
fs_cdir *fs_cdir_load(const char *dir, fs_err *err);

/* Releases c. Accepts NULL. */
void fs_cdir_free(fs_cdir *c);

/* Whether dir holds a calibration (its posterior.csv). */
int fs_cdir_present(const char *dir);

/* The q-quantile (0 <= q <= 1) of the weighted sample x[0..n-1] with
 * weights w (>= 0, not all 0; NULL: equal weights), exactly: the smallest
 * x[i] whose cumulative weight, summed in increasing order of x, reaches
 * q times the total. order lists the indices by increasing x (NULL: x is
 * sorted already). NaN when n is 0. */
double fs_weighted_quantile(const double *x, const double *w, const size_t *order, size_t n,
                            double q);

/* The weighted Pearson correlation of parameters i and j over the
 * particles; NaN when either does not vary. */
double fs_cdir_corr(const fs_cdir *c, int i, int j);

/* The prior's density at x (truncation to [lo, hi] included, so that it
 * integrates to 1 over it), and its distribution function; for an integer
 * parameter these are those of the unrounded value (the probability of
 * the integer k is cdf(k + 0.5) - cdf(k - 0.5)). */
double fs_cdir_prior_pdf(const fs_prior *p, double x);
double fs_cdir_prior_cdf(const fs_prior *p, double x);

/* The prior's q-quantile (0 < q < 1), truncation included. */
double fs_cdir_prior_quantile(const fs_prior *p, double q);

/* "gamma (shape 4, rate 8)", with ", truncated to [0, 1]" when the
 * truncation cuts off prior mass and ", integer" for an integer. */
void fs_cdir_prior_text(const fs_prior *p, char *buf, size_t n);

/* Draws every chart of an already loaded calibration into opts->outdir
 * (default: its directory) in opts' format and size (opts may be NULL).
 * Either every chart file is written, or (on failure) none is replaced. */
fs_status fs_plot_calibrate_data(const fs_cdir *c, const fs_plot_opts *opts, fs_err *err);

/* Loads the calibration directory dir and draws its charts. */
fs_status fs_plot_calibrate(const char *dir, const fs_plot_opts *opts, fs_err *err);

#endif
