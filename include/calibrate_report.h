/* calibrate_report.h: the files a finished calibration writes
 * (docs/CALIBRATE.md, "Outputs"): priors.csv, posterior.csv,
 * generations.csv, targets.csv, predictive.csv and calibrate.md, the
 * answer in words (each parameter's posterior against its prior, what the
 * targets cannot identify, pairs that trade off, the posterior predictive
 * check of every target, the held-out one's included), committed together
 * (outset.h). Also the statistics it reads them with, for tests. Nothing
 * here owns the calibration or its arrays. */
#ifndef FS_CALIBRATE_REPORT_H
#define FS_CALIBRATE_REPORT_H

#include "abc.h"
#include "calibrate.h"
#include "errors.h"

typedef struct fs_calib_result {
    const fs_calib *c;
    int n;                     /* posterior particles */
    const double *theta;       /* n rows of nparams */
    const double *w;           /* normalised weights */
    const double *dist;
    int ngen;
    const fs_abc_gen *gen;
    int stop;                  /* the stop rule that held (abc.h) */
    long cut;                  /* candidates simulated in a generation cut short */
    int ndraws;                /* predictive draws */
    const int *draw_particle;  /* each draw's particle */
    const double *pred;        /* ndraws rows of ntargets: each target's value */
} fs_calib_result;

/* Writes every file into outdir, all or none. */
fs_status fs_calib_write(const char *outdir, const fs_calib_result *r, fs_err *err);

/* The q-quantile of the prior p (truncation included), by inversion of
 * its CDF. */
double fs_calib_prior_quantile(const fs_prior *p, double q);

/* The weighted q-quantile of x[0..n-1] with weights w (sum 1): the
 * smallest x whose cumulative weight, in increasing order of x, reaches
 * q. idx is workspace of n ints. */
double fs_calib_wquantile(const double *x, const double *w, int n, double q, int *idx);

/* The share of v[0..n-1] below y, ties counted half (the figure's
 * quantile within a predictive distribution); NaN values are left out;
 * NaN when none is left. */
double fs_calib_rank(const double *v, int n, double y);

#endif
