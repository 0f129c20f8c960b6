/* test_calibrate_coverage.c: the coverage of calibrate's credible
 * intervals on synthetic data, through the model and the calibrate module
 * (calibrate.h): R times, a true plot rate is drawn from the prior, the
 * reported figure is simulated from the model at that rate, a calibration
 * file with that figure is written, loaded and calibrated, and the
 * posterior is read back from its files (posterior.csv, generations.csv);
 * the share of the repetitions whose 90% (and 50%) weighted credible
 * interval, as calibrate.md computes it, holds the truth is checked
 * against the nominal level.
 *
 * The setting is the conjugate one of tests/cli_calibrate.sh
 * (fixtures/calibrate/poisson.cfg: every dynamic off, so the plots of
 * steps 13-24 are Poisson with mean 900 * plot_rate) with a gamma(2, 100)
 * prior on the plot rate. The target's uncertainty is absolute with sd 1,
 * so the distance is |plots - figure| (a count's sd would be 0 for a
 * figure of 0, which the prior makes 1% likely): integer, and 0 only for
 * a run that reproduces the figure. The tolerance falls to 0 (each
 * calibration's last tolerance is checked), where ABC accepts exactly the
 * runs that reproduce the figure, so the weighted particles sample the
 * exact posterior gamma(2 + y, 1000).
 *
 * Why the count is binomial. The truth is a draw from the prior and the
 * figure a draw from the model at the truth, so given the figure the truth
 * is a draw from the exact posterior: an exact posterior's central q
 * interval holds it with probability exactly q (Cook, Gelman and Rubin
 * 2006; Talts et al. 2018), whatever the figure. Repetitions have their
 * own truth, figure and calibration seed, so the count of intervals that
 * hold the truth is Binomial(R, q). The intervals come from N weighted
 * particles rather than the posterior itself: for N unweighted
 * independent draws the truth is equally likely at each of the N + 1
 * ranks among them, so the interval between the draws of ranks
 * ceil(0.05 N) and ceil(0.95 N) (the weighted quantiles with equal
 * weights) holds it with probability 0.9 N / (N + 1), 0.891 for N = 100:
 * a shift of 0.009 R, 0.42 binomial standard errors at R = 200 (0.495
 * for the 50% interval: 0.24 of them). The importance weights (an
 * effective sample size of 70 to 100 in 196 calibrations of the 200, at
 * least 44 in all; checked above 25) and the particles' dependence add
 * Monte Carlo noise of the same order to the ends of the interval.
 *
 * The band: the count within 4.5 binomial standard errors
 * sqrt(R q (1 - q)) of R q, on both sides, since at a tolerance of 0 the
 * method is exact. With R = 200: the 90% intervals 180 +- 19.1 (161 to
 * 199), the 50% intervals 100 +- 31.8 (69 to 131). The runs go through
 * the lockstep model (evaluate.h); the 90% intervals hold the truth 173
 * times of 200 (0.865, 1.6 standard errors below 180) and the 50%
 * intervals 104 times (0.520). What it catches: intervals too narrow (the
 * 50% interval reported as the 90% one holds the truth 104 times of 200)
 * or centred off the truth (a figure misread by 3 plots, three quarters
 * of the posterior sd of a typical figure of 18: 150 of 200 and 68 of
 * 200).
 * What it cannot: averaged over the prior, the prior's own intervals
 * cover at the nominal rate too, and a final tolerance of 2.5 plots
 * instead of 0 (a posterior a little too wide) still gives 178 and 106;
 * tests/cli_calibrate.sh checks the posterior's mean and sd against the
 * exact ones for one figure. R = 200 calibrations of N = 100 particles
 * take about 6 s on one thread.
 *
 * Fixed seeds throughout (the truth's stream, the figure's, and each
 * calibration's), and a calibration is the same bytes for any thread
 * count (checked on the first repetition), so the count never changes
 * from run to run. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "abc.h"
#include "calibrate.h"
#include "calibrate_report.h"
#include "check.h"
#include "errors.h"
#include "evaluate.h"
#include "plot_calibrate.h"
#include "rng.h"

/* Under AddressSanitizer, whose purpose is the memory of every path (which
 * any repetition takes), 50 repetitions in a quarter of the time, with the
 * same 4.5 standard errors: 90% intervals 45 +- 9.5 (36 to 50), 50%
 * intervals 25 +- 15.9 (10 to 40); they hold the truth 44 and 30 times. */
#if defined(__SANITIZE_ADDRESS__)
#define REPS 50
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPS 50
#endif
#endif
#ifndef REPS
#define REPS 200
#endif
#define PARTICLES 100
#define BASE "tests/fixtures/calibrate/poisson.cfg"
#define TRUTH_SEED UINT64_C(2026)    /* the truths: stream (TRUTH_SEED, rep) */
#define DATA_SEED UINT64_C(0xDA7A)   /* the figures: see figure() */
#define CAL_SEED 1000                /* repetition rep calibrates with seed CAL_SEED + rep */

static char dir[64];

/* Writes the calibration file of a repetition into dir/cal.cfg: the
 * figure y, the seed. */
static int write_file(const char *base, double y, long seed)
{
    char path[128];
    FILE *f;
    snprintf(path, sizeof path, "%s/cal.cfg", dir);
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    fprintf(f, "name = \"coverage\";\nbase = \"%s\";\nruns = 1;\nseed = %ld;\n"
            "parameters = ( { path = \"threats.[net].plot_rate\";\n"
            "  prior = { type = \"gamma\"; shape = 2.0; rate = 100.0; }; } );\n"
            "targets = ( { name = \"plots\"; output = \"plots.[net]@13-24\"; figure = %.1f;\n"
            "  uncertainty = \"absolute\"; sd = 1.0; } );\n"
            "method = { particles = %d; generations = 30; quantile = 0.2; tolerance = 0.001;\n"
            "  predictive = 0; };\n", base, seed, y, PARTICLES);
    return fclose(f);
}

/* The reported figure at plot rate theta: one run of the base scenario
 * through the evaluation loop, on the stream (fs_calib_seed(DATA_SEED,
 * rep), 0), which no candidate of any calibration here runs on (theirs
 * are fs_calib_seed(CAL_SEED + rep, id)). */
static fs_status figure(const fs_calib *c, double theta, int rep, double *y, fs_err *err)
{
    const char *path = c->params[0].path;
    int integer = 0;
    uint64_t seed = fs_calib_seed(DATA_SEED, (uint64_t)rep);
    fs_eval_spec s = {c->base_path, NULL, NULL, 0, 1, &path, &integer, 1, 0, 0, NULL, NULL};
    return fs_eval_batch_runs(&s, 1, &theta, &seed, 1, &c->targets[0].value, 1, y, err);
}

/* One calibration of dir/cal.cfg into dir/out with `threads` threads,
 * read back from its files: the 90% and 50% weighted credible intervals
 * (lo90, hi90, lo50, hi50), the last tolerance, the posterior's
 * effective sample size, the generations and the runs. */
typedef struct outcome {
    double iv[4], tolerance, ess;
    int generations;
    long runs;
} outcome;

static fs_status calibrate(int threads, outcome *o, fs_err *err)
{
    char file[128], out[128];
    static const double q[4] = {0.05, 0.95, 0.25, 0.75};
    fs_calib *c = NULL;
    fs_calib_run *r = NULL;
    fs_cdir *d = NULL;
    int *idx = NULL;
    fs_status st;
    snprintf(file, sizeof file, "%s/cal.cfg", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    if ((st = fs_calib_load(file, NULL, 0, NULL, &c, err)) != FS_OK)
        goto done;
    if ((r = fs_calib_run_open(c, threads, out, NULL, err)) == NULL) {
        st = err->code;
        goto done;
    }
    while (st == FS_OK && !fs_calib_run_finished(r))
        st = fs_calib_run_iterate(r, err);
    if (st != FS_OK || (st = fs_calib_run_finish(r, err)) != FS_OK)
        goto done;
    o->runs = fs_calib_run_runs(r);
    if ((d = fs_cdir_load(out, err)) == NULL) {
        st = err->code;
        goto done;
    }
    if ((idx = malloc(d->n * sizeof *idx)) == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory");
        goto done;
    }
    for (int k = 0; k < 4; k++)
        o->iv[k] = fs_calib_wquantile(d->param[0].x, d->weight, (int)d->n, q[k], idx);
    o->generations = d->ngens;
    o->tolerance = d->tolerance[d->ngens - 1];
    o->ess = d->ess;
done:
    free(idx);
    fs_cdir_free(d);
    fs_calib_run_free(r);
    fs_calib_free(c);
    return st;
}

static void test_coverage(void)
{
    char base[4096], file[128];
    fs_err err = {0};
    fs_calib *c = NULL;
    gsl_rng *g = fs_rng_alloc();
    int in90 = 0, in50 = 0, maxgen = 0;
    double miness = INFINITY;
    long runs = 0;
    CHECK(g && realpath(BASE, base));
    /* the template: the prior (as the calibration truncates it) and the
     * target's quantity */
    snprintf(file, sizeof file, "%s/cal.cfg", dir);
    CHECK(write_file(base, 1, CAL_SEED) == 0);
    fs_status st = fs_calib_load(file, NULL, 0, NULL, &c, &err);
    CHECKF(st == FS_OK, "%s", err.msg);
    for (int rep = 0; rep < REPS && st == FS_OK; rep++) {
        outcome o, o1;
        double y;
        fs_rng_seed(g, TRUTH_SEED, (uint64_t)rep);
        double truth = fs_prior_draw(&c->params[0].prior, g);
        if ((st = figure(c, truth, rep, &y, &err)) != FS_OK)
            break;
        if (write_file(base, y, CAL_SEED + rep) != 0) {
            st = fs_err_set(&err, FS_EIO, "cannot write %s/cal.cfg", dir);
            break;
        }
        if ((st = calibrate(1, &o, &err)) != FS_OK)
            break;
        if (rep == 0 && (st = calibrate(2, &o1, &err)) == FS_OK &&
            memcmp(o.iv, o1.iv, sizeof o.iv) != 0)
            st = fs_err_set(&err, FS_ERUNTIME, "1 and 2 threads give other intervals");
        if (st == FS_OK && o.tolerance != 0)
            st = fs_err_set(&err, FS_ERUNTIME, "repetition %d (figure %g): the last tolerance "
                            "is %g after %d generations, not 0", rep, y, o.tolerance,
                            o.generations);
        in90 += o.iv[0] <= truth && truth <= o.iv[1];
        in50 += o.iv[2] <= truth && truth <= o.iv[3];
        maxgen = o.generations > maxgen ? o.generations : maxgen;
        miness = o.ess < miness ? o.ess : miness;
        runs += o.runs;
    }
    fs_calib_free(c);
    gsl_rng_free(g);
    CHECKF(st == FS_OK, "%s", err.msg);
    double se90 = sqrt(REPS * 0.9 * 0.1), se50 = sqrt(REPS * 0.5 * 0.5);
    printf("  note: %d calibrations of %d particles (at most %d generations, ESS at least "
           "%.1f, %ld runs): the 90%% intervals held the truth %d times (%.3f; band %.1f to "
           "%.1f), the 50%% intervals %d times (%.3f; band %.1f to %.1f)\n", REPS, PARTICLES,
           maxgen, miness, runs,
           in90, (double)in90 / REPS, REPS * 0.9 - 4.5 * se90, REPS * 0.9 + 4.5 * se90, in50,
           (double)in50 / REPS, REPS * 0.5 - 4.5 * se50, REPS * 0.5 + 4.5 * se50);
    fflush(stdout);
    CHECK(miness > 0.25 * PARTICLES);
    CHECK_NEAR(in90, REPS * 0.9, 4.5 * se90);
    CHECK_NEAR(in50, REPS * 0.5, 4.5 * se50);
}

int main(void)
{
    char cmd[128];
    fs_gsl_quiet();
    snprintf(dir, sizeof dir, "/tmp/test_calibrate_coverage.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_coverage);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test_calibrate_coverage: cannot remove %s\n", dir);
    return check_report();
}
