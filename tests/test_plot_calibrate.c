/* test_plot_calibrate.c: a calibration directory read back and drawn
 * (plot_calibrate.h): weighted quantiles and the priors' densities against
 * exact values, the four charts drawn from tests/fixtures/calibrate/rats
 * (a hand-made directory of 300 weighted particles over 4 parameters),
 * and every kind of malformed file refused with its file, line and what
 * was expected, leaving no chart behind. */
#include "check.h"
#include "pngcheck.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "plot_calibrate.h"

#define FIX "tests/fixtures/calibrate/rats"

static void test_weighted_quantile(void)
{
    /* Weights that are sums of powers of two, so that every cumulative
     * sum is exact and each q below falls strictly on one side of it. */
    const double x[] = {3, 1, 2, 4}, w[] = {0.125, 0.25, 0.375, 0.25};
    const size_t order[] = {1, 2, 0, 3};
    const double sorted[] = {1, 2, 3, 4};
    /* Sorted: 1 (0.25), 2 (0.375), 3 (0.125), 4 (0.25); cumulative 0.25,
     * 0.625, 0.75, 1: the q-quantile is the first value reaching q. */
    CHECK(fs_weighted_quantile(x, w, order, 4, 0) == 1);
    CHECK(fs_weighted_quantile(x, w, order, 4, 0.25) == 1);
    CHECK(fs_weighted_quantile(x, w, order, 4, 0.26) == 2);
    CHECK(fs_weighted_quantile(x, w, order, 4, 0.625) == 2);
    CHECK(fs_weighted_quantile(x, w, order, 4, 0.7) == 3);
    CHECK(fs_weighted_quantile(x, w, order, 4, 0.75) == 3);
    CHECK(fs_weighted_quantile(x, w, order, 4, 0.76) == 4);
    CHECK(fs_weighted_quantile(x, w, order, 4, 1) == 4);
    /* Unnormalised weights give the same answer. */
    {
        const double w8[] = {1, 2, 3, 2};
        CHECK(fs_weighted_quantile(x, w8, order, 4, 0.7) == 3);
    }
    /* Equal weights, sorted input: the lower median of an even count. */
    CHECK(fs_weighted_quantile(sorted, NULL, NULL, 4, 0.5) == 2);
    CHECK(fs_weighted_quantile(sorted, NULL, NULL, 4, 0.51) == 3);
    CHECK(isnan(fs_weighted_quantile(sorted, NULL, NULL, 0, 0.5)));
}

/* Simpson's rule over [a, b] with n (even) intervals. */
static double integrate(const fs_prior *p, double a, double b, int n)
{
    double h = (b - a) / n, s = fs_cdir_prior_pdf(p, a) + fs_cdir_prior_pdf(p, b);
    int i;
    for (i = 1; i < n; i++)
        s += fs_cdir_prior_pdf(p, a + i * h) * (i % 2 ? 4 : 2);
    return s * h / 3;
}

static void test_prior_density(void)
{
    const fs_prior priors[] = {
        {FS_PRIOR_UNIFORM, 1, 12, 1, 12, 1},
        {FS_PRIOR_LOGUNIFORM, 0.01, 1, 0.01, 1, 0},
        {FS_PRIOR_NORMAL, 0.5, 0.2, 0, 1, 0},
        {FS_PRIOR_LOGNORMAL, 0, 0.5, 0.5, 3, 0},
        {FS_PRIOR_BETA, 2, 5, 0.1, 1, 0},
        {FS_PRIOR_GAMMA, 4, 8, 0, INFINITY, 0},
    };
    size_t i;
    for (i = 0; i < sizeof priors / sizeof priors[0]; i++) {
        const fs_prior *p = &priors[i];
        double lo = p->lo, hi = isfinite(p->hi) ? p->hi : fs_cdir_prior_quantile(p, 1 - 1e-12);
        double med = fs_cdir_prior_quantile(p, 0.5);
        /* The truncated density integrates to 1 over [lo, hi] (Simpson
         * with 20000 intervals on these smooth densities: error < 1e-8;
         * the gamma's tail past its 1 - 1e-12 quantile is 1e-12), and the
         * quantile inverts the distribution function (GSL's inverses are
         * good to about 1e-10). The loguniform's 1/x and the rest are
         * smooth inside [lo, hi]. */
        CHECK_NEAR(integrate(p, lo, hi, 20000), 1, 1e-7);
        CHECK_NEAR(fs_cdir_prior_cdf(p, med), 0.5, 1e-8);
        CHECK(fs_cdir_prior_pdf(p, lo - 1) == 0);
        CHECK(!isfinite(p->hi) || fs_cdir_prior_cdf(p, p->hi + 1) == 1);
    }
    /* The truncated normal's density at its mean, exactly: phi(0) / sd
     * divided by the mass inside [0, 1], 2 sd either side. */
    CHECK_NEAR(fs_cdir_prior_pdf(&priors[2], 0.5),
               gsl_ran_gaussian_pdf(0, 0.2) / (gsl_cdf_ugaussian_P(2.5) - gsl_cdf_ugaussian_P(-2.5)),
               1e-12);
    /* An integer uniform on 1..12 read as rounded: 1 and 12 get half a
     * unit each, 2..11 one unit, of 11. */
    CHECK_NEAR(fs_cdir_prior_cdf(&priors[0], 1.5), 0.5 / 11, 1e-15);
    CHECK_NEAR(fs_cdir_prior_cdf(&priors[0], 2.5) - fs_cdir_prior_cdf(&priors[0], 1.5),
               1.0 / 11, 1e-15);
}

static void test_fixture_loads(void)
{
    fs_err err;
    fs_cdir *c = fs_cdir_load(FIX, &err);
    double sum = 0;
    size_t i;
    CHECKF(c != NULL, "%s", err.msg);
    CHECK(c->nparams == 4 && c->n == 300 && c->ngens == 8 && c->ntargets == 3 &&
          c->ndraws == 400);
    CHECK(c->param[3].prior.integer && !c->param[0].prior.integer);
    CHECK(c->param[0].prior.kind == FS_PRIOR_GAMMA && c->param[0].prior.hi == INFINITY);
    CHECK(c->tolerance[0] == INFINITY && c->tolerance[7] == 0.84);
    CHECK(c->target[0].held_out && !c->target[1].held_out);
    for (i = 0; i < c->n; i++)
        sum += c->weight[i];
    CHECK_NEAR(sum, 1, 1e-12);
    CHECK(c->ess > 200 && c->ess <= 300);
    /* The fixture's posterior was made with a correlation of -0.75
     * between the first two parameters. */
    CHECK(fs_cdir_corr(c, 0, 1) < -0.6);
    CHECK(fabs(fs_cdir_corr(c, 0, 2)) < 0.2);
    fs_cdir_free(c);
}

static void test_charts_drawn(void)
{
    static const char *const names[] = {"calibrate_marginals", "calibrate_pairs",
                                        "calibrate_predictive", "calibrate_tolerance"};
    static const int panels[] = {4, 10, 3, 3};
    fs_plot_geom geom[FS_PLOT_NCHARTS];
    fs_plot_opts o;
    fs_err err;
    char dir[64];
    int i, k;
    CHECK(tmpdir(dir, sizeof dir) != NULL);
    fs_plot_opts_default(&o);
    o.outdir = dir;
    o.geom = geom;
    CHECKF(fs_plot_calibrate(FIX, &o, &err) == FS_OK, "%s", err.msg);
    CHECK(count_files(dir) == 4);
    for (i = 0; i < 4; i++) {
        cairo_surface_t *s = load_png(dir, names[i]);
        CHECKF(s != NULL, "%s", names[i]);
        CHECK(cairo_image_surface_get_width(s) == 1600 &&
              cairo_image_surface_get_height(s) == 1000);
        CHECKF(geom[i].npanels == panels[i], "%s: %d panels", names[i], geom[i].npanels);
        for (k = 0; k < geom[i].npanels; k++) {
            CHECK(panel_finite(&geom[i].panel[k]));
            /* Every panel has data in it: bars, dots or a line. */
            CHECKF(ink_in(s, &geom[i].panel[k].area) > 200, "%s panel %d empty", names[i], k);
        }
        cairo_surface_destroy(s);
    }
    /* A small size and another format. */
    o.width = 800, o.height = 500, o.format = FS_CHART_SVG, o.geom = NULL;
    CHECKF(fs_plot_calibrate(FIX, &o, &err) == FS_OK, "%s", err.msg);
    CHECK(count_files(dir) == 8);
    rm_rf(dir);
}

/* ---- malformed files ---- */

static const char *const good[5][2] = {
    {"priors.csv", "parameter,label,prior,a,b,lo,hi,integer\n"
                   "a,Rate a,normal,0.5,0.2,0,1,0\n"
                   "b,,uniform,1,5,1,5,1\n"},
    {"posterior.csv", "particle,a,b,weight,distance\n"
                      "0,0.25,2,0.25,1.5\n"
                      "1,0.5,3,0.5,0.5\n"
                      "2,0.75,4,0.25,1\n"},
    {"generations.csv", "generation,tolerance,proposed,simulated,accepted,acceptance_rate,ess,runs\n"
                        "0,inf,3,3,3,1,3,30\n"
                        "1,2,6,6,3,0.5,2.6666666666666665,90\n"},
    {"targets.csv", "target,output,figure,sd,uncertainty,source,held_out,mapping\n"
                    "t1,x,10,1,absolute,a page,0,x in words\n"
                    "t2,y,20,2,relative,a page,1,y in words\n"},
    {"predictive.csv", "draw,particle,t1,t2\n"
                       "0,1,9,19\n"
                       "1,2,11,22\n"},
};

/* Writes the small good directory into dir with file `name` replaced by
 * text (name NULL: all good). */
static int write_dir(const char *dir, const char *name, const char *text)
{
    char path[256];
    int i;
    for (i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, good[i][0]);
        if (write_text(path, name && strcmp(name, good[i][0]) == 0 ? text : good[i][1]) != 0)
            return -1;
    }
    return 0;
}

static void test_small_dir_draws(void)
{
    char dir[64];
    fs_err err;
    fs_cdir *c;
    CHECK(tmpdir(dir, sizeof dir) != NULL);
    CHECK(write_dir(dir, NULL, NULL) == 0);
    c = fs_cdir_load(dir, &err);
    CHECKF(c != NULL, "%s", err.msg);
    /* Weighted median of a: 0.25 (0.25), 0.5 (0.5): cumulative 0.75 >= 0.5. */
    CHECK(fs_weighted_quantile(c->param[0].x, c->weight, c->param[0].order, c->n, 0.5) == 0.5);
    CHECK(strcmp(c->param[1].label, "b") == 0);   /* no label: the path */
    fs_cdir_free(c);
    CHECKF(fs_plot_calibrate(dir, NULL, &err) == FS_OK, "%s", err.msg);
    CHECK(count_files(dir) == 9);
    rm_rf(dir);
}

static void test_malformed(void)
{
    static const struct {
        const char *file, *text, *want;
    } bad[] = {
        {"priors.csv", "parameter,label,prior,a,b,lo,hi,integer\na,,gama,0,1,0,1,0\n",
         "priors.csv:2:3: column 'prior': expected uniform, loguniform, normal, lognormal, "
         "beta or gamma, got 'gama'"},
        {"priors.csv", "parameter,label,prior,a,b,lo,hi,integer\na,,normal,0.5,0,0,1,0\n"
                       "b,,uniform,1,5,1,5,1\n",
         "priors.csv:2:3: the normal prior of 'a': expected b (the sd) > 0, got 0"},
        {"priors.csv", "parameter,label,prior,a,b,lo,hi,integer\na,,uniform,2,3,0,1,0\n"
                       "b,,uniform,1,5,1,5,1\n",
         "priors.csv:2:3: the uniform prior of 'a': expected a truncation interval [0, 1] "
         "holding prior mass"},
        {"priors.csv", "parameter,label,prior,a,b,lo,hi,integer\na,,normal,0.5,0.2,0,1,2\n",
         "priors.csv:2:8: column 'integer': expected 0 or 1, got '2'"},
        {"priors.csv", "parameter,label,prior,a,b,lo,hi\na,,normal,0.5,0.2,0,1\n",
         "priors.csv:1: no column 'integer' in the header"},
        {"posterior.csv", "particle,a,weight,distance\n0,0.5,1,0\n",
         "posterior.csv:1: expected a column 'b' (parameter 2 of priors.csv), found none"},
        {"posterior.csv", "particle,a,b,c,weight,distance\n0,0.5,2,7,1,0\n",
         "posterior.csv:1: expected the columns particle, the 2 parameters of priors.csv, "
         "weight and distance; column 'c' is none of them"},
        {"posterior.csv", "particle,a,b,weight,distance\n0,0.5,2,0.5,0\n1,1.5,2,0.5,0\n",
         "posterior.csv:3:2: column 'a': expected a value within the prior's range [0, 1], "
         "got '1.5'"},
        {"posterior.csv", "particle,a,b,weight,distance\n0,0.5,2.5,1,0\n",
         "posterior.csv:2:3: column 'b': expected an integer within the prior's range [1, 5], "
         "got '2.5'"},
        {"posterior.csv", "particle,a,b,weight,distance\n0,0.5,2,0.5,0\n1,0.5,2,0.4,0\n",
         "posterior.csv: expected weights that sum to 1 (normalised), found a sum of 0.9"},
        {"posterior.csv", "particle,a,b,weight,distance\n0,0.5,2,0.5,0\n2,0.5,2,0.5,0\n",
         "posterior.csv:3:1: column 'particle': expected 1 (rows in particle order from 0), "
         "got '2'"},
        {"posterior.csv", "particle,a,b,weight,distance\n0,nan,2,1,0\n",
         "posterior.csv:2:2: column 'a': expected a number, got 'nan'"},
        {"posterior.csv", "particle,a,b,weight,distance\n0,0.5,2,1,-1\n",
         "posterior.csv:2:5: column 'distance': expected a number >= 0, got '-1'"},
        {"posterior.csv", "particle,a,b,weight,distance\n",
         "posterior.csv: expected the weighted particles of the final generation, found no row"},
        {"posterior.csv", "particle,a,b,weight,distance\n0,0.5,2,1\n",
         "posterior.csv:2"},
        {"generations.csv", "generation,tolerance,proposed,simulated,accepted,acceptance_rate,"
                            "ess,runs\n0,inf,3,3,3,1.5,3,30\n",
         "generations.csv:2:6: column 'acceptance_rate': expected a number from 0 to 1, got "
         "'1.5'"},
        {"generations.csv", "generation,tolerance,proposed,simulated,accepted,acceptance_rate,"
                            "ess,runs\n0,x,3,3,3,1,3,30\n",
         "generations.csv:2:2: column 'tolerance': expected a number, got 'x'"},
        {"generations.csv", "generation,tolerance,proposed,simulated,accepted,acceptance_rate,"
                            "ess,runs\n",
         "generations.csv: expected one row per generation (1 to 100000), found 0"},
        {"targets.csv", "target,output,figure,sd,uncertainty,source,held_out,mapping\n"
                        "t1,x,10,0,absolute,p,0,m\nt2,y,20,2,relative,p,1,m\n",
         "targets.csv:2:4: column 'sd': expected a number > 0, got '0'"},
        {"targets.csv", "target,output,figure,sd,uncertainty,source,held_out,mapping\n"
                        "t1,x,10,1,absolute,p,2,m\nt2,y,20,2,relative,p,1,m\n",
         "targets.csv:2:7: column 'held_out': expected 0 or 1, got '2'"},
        {"targets.csv", "target,output,figure,sd,uncertainty,source,held_out,mapping\n"
                        "t1,x,10,1,poisson,p,0,m\nt2,y,20,2,relative,p,1,m\n",
         "targets.csv:2:5: column 'uncertainty': expected relative, absolute or count, got "
         "'poisson'"},
        {"targets.csv", "target,output,figure,sd,uncertainty,source,held_out,mapping\n"
                        "t1,x,10,1,absolute,p,0,m\nt1,y,20,2,relative,p,1,m\n",
         "targets.csv"},
        {"predictive.csv", "draw,particle,t1\n0,1,9\n",
         "predictive.csv:1: expected a column 't2' (target 2 of targets.csv), found none"},
        {"predictive.csv", "draw,particle,t1,t2\n0,3,9,19\n",
         "predictive.csv:2:2: column 'particle': expected a particle of posterior.csv (0 to "
         "2), got '3'"},
        {"predictive.csv", "draw,particle,t1,t2\n1,0,9,19\n",
         "predictive.csv:2:1: column 'draw': expected 0 (draws in order from 0), got '1'"},
        {"predictive.csv", "draw,particle,t1,t2,t3\n0,0,9,19,1\n",
         "predictive.csv:1: expected the columns draw, particle and the 2 targets of "
         "targets.csv, found 5 columns"},
    };
    char dir[64];
    size_t i;
    CHECK(tmpdir(dir, sizeof dir) != NULL);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fs_err err;
        fs_status st;
        CHECK(write_dir(dir, bad[i].file, bad[i].text) == 0);
        fs_err_clear(&err);
        st = fs_plot_calibrate(dir, NULL, &err);
        CHECKF(st == FS_ECONFIG, "case %zu: status %d (%s)", i, st, err.msg);
        CHECK_STR_CONTAINS(err.msg, bad[i].want);
        CHECK(strncmp(err.msg, dir, strlen(dir)) == 0);   /* the file named with its path */
        CHECKF(count_files(dir) == 5, "case %zu: a chart was left behind", i);
    }
    /* A missing file is an I/O error naming it. */
    {
        char path[128];
        fs_err err;
        snprintf(path, sizeof path, "%s/targets.csv", dir);
        CHECK(write_dir(dir, NULL, NULL) == 0 && unlink(path) == 0);
        CHECK(fs_plot_calibrate(dir, NULL, &err) == FS_EIO);
        CHECK_STR_CONTAINS(err.msg, "targets.csv");
    }
    rm_rf(dir);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_weighted_quantile);
    RUN(test_prior_density);
    RUN(test_fixture_loads);
    RUN(test_charts_drawn);
    RUN(test_small_dir_draws);
    RUN(test_malformed);
    return check_report();
}
