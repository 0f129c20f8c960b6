/* test_abc.c: the ABC-SMC module (abc.h): its truncated priors against
 * exact densities and moments, calibrations against exact posteriors
 * (gamma-Poisson, normal mean), the coverage of credible intervals on
 * synthetic data, determinism, save/restore and the stop rules.
 *
 * Every statistical check has a fixed seed and a tolerance of 5 standard
 * errors of its estimator (derived where it is checked), plus the ABC
 * approximation error where there is one; seeds are never tuned. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "abc.h"
#include "check.h"
#include "errors.h"
#include "rng.h"

/* ---- priors ---- */

static fs_prior mk(int kind, double a, double b, double lo, double hi, int integer)
{
    fs_prior p = {kind, a, b, lo, hi, integer};
    return p;
}

static void test_prior_names(void)
{
    for (int k = FS_PRIOR_UNIFORM; k <= FS_PRIOR_GAMMA; k++)
        CHECK(fs_prior_kind_of(fs_prior_name(k)) == k);
    CHECK(fs_prior_kind_of("gauss") == -1);
    CHECK(fs_prior_kind_of(NULL) == -1);
    CHECK(fs_prior_name(6) == NULL && fs_prior_name(-1) == NULL);
    CHECK(strcmp(fs_prior_name(FS_PRIOR_LOGNORMAL), "lognormal") == 0);
}

static void test_prior_check(void)
{
    static const struct {
        fs_prior p;
        const char *msg;
    } bad[] = {
        {{FS_PRIOR_NORMAL, 0, 0, -INFINITY, INFINITY, 0}, "sd must be > 0, found 0"},
        {{FS_PRIOR_LOGNORMAL, 0, -1, -INFINITY, INFINITY, 0}, "sd must be > 0, found -1"},
        {{FS_PRIOR_NORMAL, NAN, 1, -INFINITY, INFINITY, 0}, "mean must be finite"},
        {{FS_PRIOR_UNIFORM, 2, 1, -INFINITY, INFINITY, 0}, "finite lo < hi, found 2 and 1"},
        {{FS_PRIOR_UNIFORM, 0, INFINITY, -INFINITY, INFINITY, 0}, "finite lo < hi"},
        {{FS_PRIOR_LOGUNIFORM, 0, 1, -INFINITY, INFINITY, 0}, "0 < lo < hi, found 0 and 1"},
        {{FS_PRIOR_BETA, 0, 1, -INFINITY, INFINITY, 0}, "alpha must be > 0, found 0"},
        {{FS_PRIOR_BETA, 1, -2, -INFINITY, INFINITY, 0}, "beta must be > 0, found -2"},
        {{FS_PRIOR_GAMMA, 2, 0, -INFINITY, INFINITY, 0}, "rate must be > 0, found 0"},
        {{FS_PRIOR_GAMMA, -1, 1, -INFINITY, INFINITY, 0}, "shape must be > 0, found -1"},
        {{FS_PRIOR_NORMAL, 0, 1, 2, 1, 0}, "the range [2, 1] is empty"},
        {{FS_PRIOR_NORMAL, 0, 1, NAN, 1, 0}, "is empty"},
        {{FS_PRIOR_NORMAL, 0, 1, INFINITY, INFINITY, 0}, "is empty"},
        {{FS_PRIOR_UNIFORM, 0, 1, 2, 3, 0}, "no prior mass in the range [2, 3]"},
        {{FS_PRIOR_NORMAL, 0, 1, 50, 60, 0}, "no prior mass"},
        {{FS_PRIOR_NORMAL, 0, 1, 0.5, 0.5, 0}, "no prior mass"},
        {{FS_PRIOR_BETA, 2, 2, -3, -1, 0}, "no prior mass"},
        {{FS_PRIOR_UNIFORM, 0, 10, 0.2, 0.8, 1}, "holds no integer"},
        {{17, 0, 1, 0, 1, 0}, "unknown prior kind 17"},
    };
    char msg[256];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        msg[0] = 0;
        CHECKF(fs_prior_check(&bad[i].p, msg, sizeof msg) == -1, "case %zu accepted", i);
        CHECK_STR_CONTAINS(msg, bad[i].msg);
    }
    fs_prior ok[] = {
        mk(FS_PRIOR_NORMAL, 0, 1, 0, 0, 1),       /* a single integer */
        mk(FS_PRIOR_NORMAL, 0, 1, 8, 9, 0),       /* far in the tail, mass 6e-16 */
        mk(FS_PRIOR_GAMMA, 2, 1, 0, INFINITY, 1),
        mk(FS_PRIOR_UNIFORM, 0, 1, -INFINITY, INFINITY, 0),
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        CHECKF(fs_prior_check(&ok[i], msg, sizeof msg) == 0, "case %zu: %s", i, msg);
    /* a single integer has all the mass */
    CHECK_NEAR(fs_prior_logpdf(&ok[0], 0), 0, 1e-12);
    CHECK(fs_prior_logpdf(&ok[0], 1) == -INFINITY);
    CHECK(fs_prior_logpdf(&ok[3], NAN) == -INFINITY);
    CHECK(fs_prior_logpdf(&ok[3], 1.5) == -INFINITY);
}

/* The continuous priors checked below: untruncated, truncated on both
 * sides, on one side, and far in a tail. */
static const fs_prior cont[] = {
    {FS_PRIOR_UNIFORM, -1, 3, -INFINITY, INFINITY, 0},
    {FS_PRIOR_UNIFORM, -1, 3, 0, 10, 0},
    {FS_PRIOR_LOGUNIFORM, 0.01, 100, -INFINITY, INFINITY, 0},
    {FS_PRIOR_LOGUNIFORM, 0.01, 100, 0.5, 2, 0},
    {FS_PRIOR_NORMAL, 1, 2, -INFINITY, INFINITY, 0},
    {FS_PRIOR_NORMAL, 1, 2, 0, 4, 0},
    {FS_PRIOR_NORMAL, 1, 2, -INFINITY, 0, 0},
    {FS_PRIOR_NORMAL, 0, 1, 4, INFINITY, 0},
    {FS_PRIOR_LOGNORMAL, 0.5, 0.8, -INFINITY, INFINITY, 0},
    {FS_PRIOR_LOGNORMAL, 0.5, 0.8, 1, 5, 0},
    {FS_PRIOR_BETA, 0.5, 0.5, -INFINITY, INFINITY, 0},
    {FS_PRIOR_BETA, 2, 5, 0.1, 0.3, 0},
    {FS_PRIOR_BETA, 3, 1.5, 0.9, INFINITY, 0},
    {FS_PRIOR_GAMMA, 2, 0.5, -INFINITY, INFINITY, 0},
    {FS_PRIOR_GAMMA, 0.7, 3, 0.1, 1, 0},
    {FS_PRIOR_GAMMA, 2, 1, 12, INFINITY, 0},
};
#define NCONT (sizeof cont / sizeof *cont)

static void support(const fs_prior *p, double *l, double *h)
{
    double sl = -INFINITY, sh = INFINITY;
    if (p->kind <= FS_PRIOR_LOGUNIFORM) {
        sl = p->a;
        sh = p->b;
    } else if (p->kind == FS_PRIOR_BETA) {
        sl = 0;
        sh = 1;
    } else if (p->kind != FS_PRIOR_NORMAL) {
        sl = 0;
    }
    *l = fmax(sl, p->lo);
    *h = fmin(sh, p->hi);
}

static double density(double x, void *v)
{
    return exp(fs_prior_logpdf(v, x));
}

/* The log density integrates to 1 over the truncation interval (GSL's
 * adaptive quadrature, which takes the beta's integrable end
 * singularities; its error estimate is far below the 1e-6 allowed). */
static void test_prior_normalised(void)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    CHECK(ws);
    for (size_t i = 0; i < NCONT; i++) {
        const fs_prior *p = &cont[i];
        double l, h, v = NAN, e;
        support(p, &l, &h);
        gsl_function f = {density, (void *)p};
        int rc;
        if (isinf(l) && isinf(h))
            rc = gsl_integration_qagi(&f, 1e-12, 1e-10, 1000, ws, &v, &e);
        else if (isinf(h))
            rc = gsl_integration_qagiu(&f, l, 1e-12, 1e-10, 1000, ws, &v, &e);
        else if (isinf(l))
            rc = gsl_integration_qagil(&f, h, 1e-12, 1e-10, 1000, ws, &v, &e);
        else
            rc = gsl_integration_qags(&f, l, h, 1e-12, 1e-10, 1000, ws, &v, &e);
        if (rc != 0 || fabs(v - 1) > 1e-6) {
            gsl_integration_workspace_free(ws);
            CHECKF(0, "prior %zu: integral %.12g (rc %d, error %g)", i, v, rc, e);
        }
        /* outside the interval: nothing */
        if (isfinite(l))
            CHECK(fs_prior_logpdf(p, l - 1e-9 * (1 + fabs(l))) == -INFINITY);
        if (isfinite(h))
            CHECK(fs_prior_logpdf(p, h + 1e-9 * (1 + fabs(h))) == -INFINITY);
    }
    gsl_integration_workspace_free(ws);
    /* an integer prior: its masses sum to 1 (cells of gamma(3, 0.5) on
     * the integers 1..20, the continuous prior on [0.5, 20.5]) and each
     * is the continuous prior's mass of the cell, renormalised */
    fs_prior g = mk(FS_PRIOR_GAMMA, 3, 0.5, 1, 20, 1);
    double s = 0, z = gsl_cdf_gamma_P(20.5, 3, 2) - gsl_cdf_gamma_P(0.5, 3, 2);
    for (int k = -2; k <= 25; k++) {
        double m = exp(fs_prior_logpdf(&g, k));
        s += m;
        double want = k < 1 || k > 20 ? 0
                      : (gsl_cdf_gamma_P(k + 0.5, 3, 2) - gsl_cdf_gamma_P(k - 0.5, 3, 2)) / z;
        CHECK_NEAR(m, want, 1e-12);
        /* the mass holds over the whole cell */
        CHECK(fs_prior_logpdf(&g, k + 0.3) == fs_prior_logpdf(&g, k));
    }
    CHECK_NEAR(s, 1, 1e-12);
}

/* E[X^k] of the truncated prior (k = 1, 2), in closed form from GSL's
 * CDFs, independent of the module's inversion. */
static double exact_moment(const fs_prior *p, int k)
{
    double l, h;
    support(p, &l, &h);
    double a = p->a, b = p->b;
    switch (p->kind) {
    case FS_PRIOR_UNIFORM:
        return k == 1 ? (l + h) / 2 : (l * l + l * h + h * h) / 3;
    case FS_PRIOR_LOGUNIFORM:
        return (pow(h, k) - pow(l, k)) / (k * log(h / l));
    case FS_PRIOR_NORMAL: {
        double al = (l - a) / b, be = (h - a) / b;
        double z = isinf(al) ? gsl_cdf_ugaussian_P(be) : gsl_cdf_ugaussian_Q(al) - gsl_cdf_ugaussian_Q(be);
        double pa = isinf(al) ? 0 : gsl_ran_ugaussian_pdf(al), pb = isinf(be) ? 0 : gsl_ran_ugaussian_pdf(be);
        double apa = isinf(al) ? 0 : al * pa, bpb = isinf(be) ? 0 : be * pb;
        double r = (pa - pb) / z, mean = a + b * r;
        double var = b * b * (1 + (apa - bpb) / z - r * r);
        return k == 1 ? mean : var + mean * mean;
    }
    case FS_PRIOR_LOGNORMAL: {
        double ll = l > 0 ? log(l) : -INFINITY, lh = log(h);
        double z = gsl_cdf_ugaussian_P((lh - a) / b) - gsl_cdf_ugaussian_P((ll - a) / b);
        double s = b * b * k;
        return exp(k * a + k * k * b * b / 2) *
               (gsl_cdf_ugaussian_P((lh - a - s) / b) - gsl_cdf_ugaussian_P((ll - a - s) / b)) / z;
    }
    case FS_PRIOR_BETA: {
        double z = gsl_cdf_beta_P(h, a, b) - gsl_cdf_beta_P(l, a, b);
        return exp(gsl_sf_lnbeta(a + k, b) - gsl_sf_lnbeta(a, b)) *
               (gsl_cdf_beta_P(h, a + k, b) - gsl_cdf_beta_P(l, a + k, b)) / z;
    }
    default: {
        /* upper tails by Q, so that [12, inf) keeps its digits */
        double z = gsl_cdf_gamma_Q(l, a, 1 / b) - gsl_cdf_gamma_Q(h, a, 1 / b);
        return exp(gsl_sf_lngamma(a + k) - gsl_sf_lngamma(a) - k * log(b)) *
               (gsl_cdf_gamma_Q(l, a + k, 1 / b) - gsl_cdf_gamma_Q(h, a + k, 1 / b)) / z;
    }
    }
}

/* Draws' mean and variance against the exact truncated moments. With n
 * draws the sample mean's standard error is sd / sqrt(n) (the exact sd);
 * the sample variance's is sqrt((m4 - s^4) / n), m4 the sample's fourth
 * central moment (its own reported error, as GSL's Monte Carlo tests do).
 * Each within 5 of them; every draw inside the interval. */
#define NDRAW 20000
static void test_prior_draws(void)
{
    gsl_rng *r = fs_rng_alloc();
    double *x = malloc(NDRAW * sizeof *x);
    if (!r || !x) {
        free(x);
        if (r) gsl_rng_free(r);
        CHECK(0);
    }
    int fail = -1;
    double got = 0, want = 0, tol = 0;
    for (size_t i = 0; i < NCONT && fail < 0; i++) {
        const fs_prior *p = &cont[i];
        double l, h;
        support(p, &l, &h);
        fs_rng_seed(r, 20261205, i);
        double m = 0;
        for (int j = 0; j < NDRAW; j++) {
            x[j] = fs_prior_draw(p, r);
            if (!(x[j] >= l && x[j] <= h))
                fail = (int)i;
            m += x[j];
        }
        m /= NDRAW;
        double m2 = 0, m4 = 0;
        for (int j = 0; j < NDRAW; j++) {
            double d = (x[j] - m) * (x[j] - m);
            m2 += d;
            m4 += d * d;
        }
        m2 /= NDRAW;
        m4 /= NDRAW;
        double e1 = exact_moment(p, 1), var = exact_moment(p, 2) - e1 * e1;
        if (fabs(m - e1) > 5 * sqrt(var / NDRAW)) {
            fail = (int)i; got = m; want = e1; tol = 5 * sqrt(var / NDRAW);
        } else if (fabs(m2 - var) > 5 * sqrt((m4 - m2 * m2) / NDRAW)) {
            fail = (int)i; got = m2; want = var; tol = 5 * sqrt((m4 - m2 * m2) / NDRAW);
        }
    }
    /* an integer prior: a die (uniform on [0.5, 6.5], rounded): mean 3.5,
     * variance 35/12; every draw an integer of 1..6 */
    fs_prior die = mk(FS_PRIOR_UNIFORM, -10, 10, 1, 6, 1);
    fs_rng_seed(r, 20261205, 100);
    double m = 0, m2 = 0;
    int nonint = 0;
    for (int j = 0; j < NDRAW; j++) {
        double v = fs_prior_draw(&die, r);
        nonint += v != floor(v) || v < 1 || v > 6;
        m += v;
        m2 += v * v;
    }
    m /= NDRAW;
    gsl_rng_free(r);
    free(x);
    CHECKF(fail < 0, "prior %d: %.10g, exact %.10g, tolerance %.3g", fail, got, want, tol);
    CHECK(nonint == 0);
    CHECK_NEAR(m, 3.5, 5 * sqrt(35.0 / 12 / NDRAW));
    /* the die's fourth central moment is 3535/240, so the variance's
     * standard error is sqrt((3535/240 - (35/12)^2) / n) */
    CHECK_NEAR(m2 / NDRAW - m * m, 35.0 / 12,
               5 * sqrt((3535.0 / 240 - 35.0 / 12 * 35.0 / 12) / NDRAW));
}

/* ---- models simulated through the callback ---- */

/* Gamma-Poisson: nobs counts, each Poisson(theta T); the distance is
 * |S - S_obs| for S the sum of the counts (sufficient for theta). With a
 * gamma(a, b) prior the exact posterior is gamma(a + S_obs, b + nobs T).
 * Normal mean: nobs draws of N(theta, 1); the distance is |mean - obs|.
 * Uniform noise: the distance is uniform on (0, 1) whatever theta (for
 * the stop rules). Replicate j of candidate id draws from stream
 * (seed, id), substream j. */
enum { POISSON, NORMAL, NOISE, INF_DIST, NAN_DIST, FAIL, INTEGER };

typedef struct model {
    int kind, nobs;
    double T, obs;
    uint64_t seed;
    gsl_rng *r;
    long calls, sims;
    int np;
    int fail_call;      /* FAIL: fail on this call, NAN_DIST: NaN on it */
    int replicates;
} model;

static fs_status simulate(void *ctx, int n, const double *theta, const uint64_t *id, double *dist,
                          fs_err *err)
{
    model *m = ctx;
    m->calls++;
    m->sims += n;
    if (m->kind == FAIL && m->calls == m->fail_call)
        return fs_err_set(err, FS_EIO, "model: the simulator failed");
    for (int i = 0; i < n; i++) {
        const double *x = theta + (size_t)i * m->np;
        for (int j = 0; j < m->replicates; j++) {
            double *d = dist + (size_t)i * m->replicates + j;
            fs_rng_seed(m->r, m->seed, id[i]);
            fs_rng_substream(m->r, (uint32_t)j, 0);
            if (m->kind == POISSON) {
                double s = 0;
                for (int k = 0; k < m->nobs; k++)
                    s += gsl_ran_poisson(m->r, x[0] * m->T);
                *d = fabs(s - m->obs);
            } else if (m->kind == NORMAL) {
                double s = 0;
                for (int k = 0; k < m->nobs; k++)
                    s += x[0] + gsl_ran_gaussian_ziggurat(m->r, 1.0);
                *d = fabs(s / m->nobs - m->obs);
            } else if (m->kind == INF_DIST) {
                *d = INFINITY;
            } else if (m->kind == INTEGER) {
                *d = fabs(x[0] - 4) + 0.5 * gsl_rng_uniform(m->r);
            } else {
                *d = gsl_rng_uniform(m->r);
                if (m->kind == NAN_DIST && m->calls == m->fail_call && i == n / 2)
                    *d = NAN;
            }
        }
    }
    return FS_OK;
}

static model model_make(int kind, int np, int replicates)
{
    model m = {kind, 10, 1, 0, 77, fs_rng_alloc(), 0, 0, np, 0, replicates};
    return m;
}

/* Weighted mean and sd of parameter k of the population. */
static void post_moments(const fs_abc *a, int np, int k, double *mean, double *sd)
{
    const double *th, *w;
    int n = fs_abc_population(a, &th, &w, NULL);
    double m = 0, v = 0;
    for (int i = 0; i < n; i++)
        m += w[i] * th[(size_t)i * np + k];
    for (int i = 0; i < n; i++)
        v += w[i] * (th[(size_t)i * np + k] - m) * (th[(size_t)i * np + k] - m);
    *mean = m;
    *sd = sqrt(v);
}

/* Runs steps until a stop rule holds (at most 100). */
static fs_status run_all(fs_abc *a, model *m, fs_err *err)
{
    fs_status st = FS_OK;
    for (int g = 0; g < 100 && st == FS_OK && !fs_abc_stopped(a); g++)
        st = fs_abc_step(a, simulate, m, err);
    return st;
}

/* The gamma-Poisson calibration against its exact posterior: prior
 * gamma(2, 1), 10 counts with T = 1 summing to 23, so the posterior is
 * gamma(25, 11). The tolerances shrink to 0 (the 0.25 quantile of integer
 * distances reaches 0 once a quarter of a population matches exactly,
 * checked below), where ABC is exact, so no approximation error is
 * added. The last population is an importance sample of the posterior:
 * its weighted mean's standard error is sd / sqrt(ESS), and its weighted
 * sd's sd sqrt((kurtosis - 1) / (4 ESS)) (kurtosis 3 + 6/25 for gamma(25,
 * .)); each within 5 of them. */
static void check_gamma_poisson(int replicates, int batch)
{
    fs_err err = {0};
    fs_prior pr = mk(FS_PRIOR_GAMMA, 2, 1, 0, INFINITY, 0);
    fs_abc_problem p = {1, &pr};
    fs_abc_opts o = {.particles = 1000, .replicates = replicates, .generations = 30,
                     .quantile = 0.25, .tolerance = 1e-9, .batch = batch, .seed = 5};
    model m = model_make(POISSON, 1, replicates);
    m.obs = 23;
    fs_abc *a = fs_abc_alloc(&p, &o, &err);
    CHECK(a && m.r);
    fs_status st = run_all(a, &m, &err);
    const fs_abc_gen *g;
    int ng = fs_abc_history(a, &g);
    double mean, sd, ess = g[ng - 1].ess;
    post_moments(a, 1, 0, &mean, &sd);
    if (getenv("ABC_VERBOSE"))
        for (int t = 0; t < ng; t++)
            fprintf(stderr, "gen %d tol %g proposed %ld sim %ld acc %g ess %g sims %ld | mean %g sd %g\n",
                    g[t].generation, g[t].tolerance, g[t].proposed, g[t].simulated, g[t].acceptance,
                    g[t].ess, g[t].simulations, mean, sd);
    int stop = fs_abc_stopped(a);
    fs_abc_free(a);
    gsl_rng_free(m.r);
    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(stop == FS_ABC_STOP_TOLERANCE);
    double pm = 25.0 / 11, psd = 5.0 / 11, kurt = 3 + 6.0 / 25;
    CHECK(ess > 100);
    CHECK_NEAR(mean, pm, 5 * psd / sqrt(ess));
    CHECK_NEAR(sd, psd, 5 * psd * sqrt((kurt - 1) / (4 * ess)));
}

static void test_gamma_poisson(void)
{
    check_gamma_poisson(1, 0);
}

/* The replicates path: 3 simulations per candidate, weighted by the
 * share within the tolerance; the same exact posterior. */
static void test_gamma_poisson_replicates(void)
{
    check_gamma_poisson(3, 128);
}

/* The ABC target of the normal-mean case at tolerance eps: prior
 * N(0, tau^2) times the ABC likelihood P(|mean - y| <= eps | theta) =
 * Phi((y + eps - theta) / s) - Phi((y - eps - theta) / s), s = 1 /
 * sqrt(nobs): its mean and sd by quadrature. */
typedef struct abc_target {
    double tau, y, eps, s;
    int k;
} abc_target;

static double target_fn(double th, void *v)
{
    const abc_target *t = v;
    double l = gsl_cdf_gaussian_P(t->y + t->eps - th, t->s) - gsl_cdf_gaussian_P(t->y - t->eps - th, t->s);
    return gsl_ran_gaussian_pdf(th, t->tau) * l * pow(th, t->k);
}

static void normal_target(abc_target *t, double *mean, double *sd)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    double m[3], e;
    gsl_function f = {target_fn, t};
    for (t->k = 0; t->k < 3; t->k++)
        gsl_integration_qags(&f, t->y - 10, t->y + 10, 0, 1e-10, 1000, ws, &m[t->k], &e);
    gsl_integration_workspace_free(ws);
    *mean = m[1] / m[0];
    *sd = sqrt(m[2] / m[0] - *mean * *mean);
}

/* The normal mean: prior N(0, 3^2), 20 draws of N(theta, 1) averaging
 * 1.3. The exact posterior is normal with precision 1/9 + 20; ABC at
 * the last tolerance eps targets the prior times the ABC likelihood
 * (normal_target), which is what the population is checked against:
 * weighted mean within 5 sd / sqrt(ESS), weighted sd within 5 sd
 * sqrt((kurtosis - 1) / (4 ESS)) with kurtosis 3 (the target is normal
 * convolved with a uniform much narrower than it; its kurtosis is below
 * 3, so 3 is the larger, safer value). The ABC approximation error (the
 * target against the exact posterior) is checked to be small too: at
 * most 5% of the posterior sd in the mean, 5% in the sd. */
static void test_normal_mean(void)
{
    fs_err err = {0};
    fs_prior pr = mk(FS_PRIOR_NORMAL, 0, 3, -INFINITY, INFINITY, 0);
    fs_abc_problem p = {1, &pr};
    fs_abc_opts o = {.particles = 1000, .generations = 9, .seed = 11};
    model m = model_make(NORMAL, 1, 1);
    m.nobs = 20;
    m.obs = 1.3;
    fs_abc *a = fs_abc_alloc(&p, &o, &err);
    CHECK(a && m.r);
    fs_status st = run_all(a, &m, &err);
    const fs_abc_gen *g;
    int ng = fs_abc_history(a, &g);
    double mean, sd, ess = g[ng - 1].ess, eps = g[ng - 1].tolerance;
    post_moments(a, 1, 0, &mean, &sd);
    int stop = fs_abc_stopped(a);
    fs_abc_free(a);
    gsl_rng_free(m.r);
    CHECKF(st == FS_OK, "%s", err.msg);
    CHECK(stop == FS_ABC_STOP_GENERATIONS && ng == 9);
    double prec = 1.0 / 9 + 20, pm = 20 * 1.3 / prec, psd = sqrt(1 / prec);
    abc_target t = {3, 1.3, eps, 1 / sqrt(20.0), 0};
    double tm, tsd;
    normal_target(&t, &tm, &tsd);
    if (getenv("ABC_VERBOSE"))
        fprintf(stderr, "normal: eps %g ess %g mean %g sd %g target %g %g exact %g %g\n", eps,
                ess, mean, sd, tm, tsd, pm, psd);
    CHECK(eps < 0.1);
    CHECK(fabs(tm - pm) < 0.05 * psd && fabs(tsd - psd) < 0.05 * psd);
    CHECK(ess > 100);
    CHECK_NEAR(mean, tm, 5 * tsd / sqrt(ess));
    CHECK_NEAR(sd, tsd, 5 * tsd * sqrt(2 / (4 * ess)));
}

/* The weighted quantile q of parameter 0 (n particles). */
static double wquantile(const double *th, const double *w, int n, double q)
{
    int best = -1;
    double c = 0, prev = -INFINITY;
    /* the particles in order of theta by repeated selection (n small) */
    for (;;) {
        int k = -1;
        for (int i = 0; i < n; i++)
            if (th[i] > prev && (k < 0 || th[i] < th[k]))
                k = i;
        if (k < 0)
            return th[best];
        for (int i = 0; i < n; i++)
            if (th[i] == th[k])
                c += w[i];
        best = k;
        prev = th[k];
        if (c >= q)
            return th[k];
    }
}

/* Coverage on synthetic data: 200 times, draw theta from the gamma(2, 1)
 * prior, 10 Poisson(theta) counts, calibrate (200 particles, down to
 * tolerance 0, where ABC is exact) and see whether the weighted 90%
 * credible interval (5% to 95%) holds theta. For an exact posterior the
 * hits are binomial(200, 0.9): mean 180, sd sqrt(200 0.9 0.1) = 4.24;
 * pass within 4.5 sd, so [161, 199]. The intervals' own Monte Carlo
 * error (200 particles) moves the coverage by far less than that. */
static void test_coverage(void)
{
    fs_err err = {0};
    fs_prior pr = mk(FS_PRIOR_GAMMA, 2, 1, 0, INFINITY, 0);
    fs_abc_problem p = {1, &pr};
    model m = model_make(POISSON, 1, 1);
    gsl_rng *r = fs_rng_alloc();
    CHECK(m.r && r);
    int hits = 0, reps = 200, exact = 0;
    fs_status st = FS_OK;
    for (int k = 0; k < reps && st == FS_OK; k++) {
        fs_rng_seed(r, 4242, (uint64_t)k);
        double truth = fs_prior_draw(&pr, r), s = 0;
        for (int j = 0; j < m.nobs; j++)
            s += gsl_ran_poisson(r, truth);
        m.obs = s;
        m.seed = 1000 + (uint64_t)k;
        fs_abc_opts o = {.particles = 200, .generations = 20, .quantile = 0.25,
                         .tolerance = 1e-9, .seed = (uint64_t)k};
        fs_abc *a = fs_abc_alloc(&p, &o, &err);
        if (!a) {
            st = FS_ENOMEM;
            break;
        }
        st = run_all(a, &m, &err);
        const double *th, *w;
        int n = fs_abc_population(a, &th, &w, NULL);
        exact += fs_abc_stopped(a) == FS_ABC_STOP_TOLERANCE;
        if (n > 0 && truth >= wquantile(th, w, n, 0.05) && truth <= wquantile(th, w, n, 0.95))
            hits++;
        fs_abc_free(a);
    }
    gsl_rng_free(r);
    gsl_rng_free(m.r);
    CHECKF(st == FS_OK, "%s", err.msg);
    if (getenv("ABC_VERBOSE"))
        fprintf(stderr, "coverage: %d hits of %d\n", hits, reps);
    CHECK(exact == reps);
    CHECK_NEAR(hits, 180, 4.5 * sqrt(200 * 0.9 * 0.1));
}

/* A small calibration of two parameters (normal mean and a uniform
 * nuisance) with the given batch, replicates and seed, run for gens
 * generations (or until stopped). */
static fs_abc *small_run(int batch, int gens, uint64_t seed, model *m, fs_err *err)
{
    static const fs_prior pr[2] = {{FS_PRIOR_NORMAL, 0, 3, -INFINITY, INFINITY, 0},
                                   {FS_PRIOR_UNIFORM, 0, 1, -INFINITY, INFINITY, 0}};
    fs_abc_problem p = {2, pr};
    fs_abc_opts o = {.particles = 100, .generations = 5, .batch = batch, .seed = seed};
    fs_abc *a = fs_abc_alloc(&p, &o, err);
    for (int g = 0; a && g < gens && !fs_abc_stopped(a); g++)
        if (fs_abc_step(a, simulate, m, err) != FS_OK)
            break;
    return a;
}

static int same_state(const fs_abc *a, const fs_abc *b, int np)
{
    const double *ta, *wa, *da, *tb, *wb, *db;
    const fs_abc_gen *ga, *gb;
    int n = fs_abc_population(a, &ta, &wa, &da), ng = fs_abc_history(a, &ga);
    if (n != fs_abc_population(b, &tb, &wb, &db) || ng != fs_abc_history(b, &gb))
        return 0;
    for (int t = 0; t < ng; t++)
        if (ga[t].generation != gb[t].generation || ga[t].tolerance != gb[t].tolerance ||
            ga[t].proposed != gb[t].proposed || ga[t].simulated != gb[t].simulated ||
            ga[t].accepted != gb[t].accepted || ga[t].acceptance != gb[t].acceptance ||
            ga[t].ess != gb[t].ess || ga[t].simulations != gb[t].simulations)
            return 0;
    return !memcmp(ta, tb, (size_t)n * np * sizeof *ta) && !memcmp(wa, wb, (size_t)n * sizeof *wa) &&
           !memcmp(da, db, (size_t)n * sizeof *da);
}

/* The same calibration whatever the batch: 1, 7, particles. */
static void test_batch_determinism(void)
{
    fs_err err = {0};
    model m = model_make(NORMAL, 2, 1);
    m.obs = 1;
    fs_abc *a = small_run(1, 5, 9, &m, &err), *b = small_run(7, 5, 9, &m, &err);
    fs_abc *c = small_run(0, 5, 9, &m, &err);
    int ok = a && b && c && same_state(a, b, 2) && same_state(a, c, 2);
    int ng = a ? fs_abc_history(a, NULL) : 0;
    fs_abc_free(a); fs_abc_free(b); fs_abc_free(c);
    gsl_rng_free(m.r);
    CHECK(ok);
    CHECK(ng == 5);
}

/* Save after generation 2, restore into a fresh calibration, continue:
 * identical to the uninterrupted one. Torn, edited and other-seed files
 * are refused (FS_ECONFIG) and leave the calibration as it was. */
static void test_save_restore(void)
{
    fs_err err = {0};
    model m = model_make(NORMAL, 2, 1);
    m.obs = 1;
    fs_abc *full = small_run(0, 5, 9, &m, &err), *half = small_run(0, 2, 9, &m, &err);
    fs_abc *fresh = small_run(0, 0, 9, &m, &err), *other = small_run(0, 0, 10, &m, &err);
    FILE *f = tmpfile();
    char *text = NULL;
    long len = 0;
    int ok = full && half && fresh && other && f && fs_abc_save(half, f, &err) == FS_OK;
    if (ok) {
        len = ftell(f);
        rewind(f);
        text = malloc((size_t)len + 1);
        ok = text && fread(text, 1, (size_t)len, f) == (size_t)len;
        rewind(f);
    }
    fs_status so = ok ? fs_abc_restore(other, f, &err) : FS_OK;
    char msg_other[FS_ERR_MSG_MAX];
    snprintf(msg_other, sizeof msg_other, "%s", err.msg);
    int other_empty = other ? fs_abc_history(other, NULL) == 0 : 0;
    /* torn: the first half only */
    FILE *g = tmpfile();
    fs_status st = FS_OK, se = FS_OK;
    char msg_torn[FS_ERR_MSG_MAX] = "", msg_edit[FS_ERR_MSG_MAX] = "";
    if (ok && g) {
        fwrite(text, 1, (size_t)len / 2, g);
        rewind(g);
        st = fs_abc_restore(fresh, g, &err);
        snprintf(msg_torn, sizeof msg_torn, "%s", err.msg);
        fclose(g);
        g = tmpfile();
        char *d = strstr(text, "population");
        if (d && g) {
            d[20] = d[20] == '1' ? '2' : '1';   /* one digit of the population */
            fwrite(text, 1, (size_t)len, g);
            rewind(g);
            se = fs_abc_restore(fresh, g, &err);
            snprintf(msg_edit, sizeof msg_edit, "%s", err.msg);
            d[20] = d[20] == '1' ? '2' : '1';
        }
    }
    if (g)
        fclose(g);
    int fresh_empty = fresh ? fs_abc_history(fresh, NULL) == 0 : 0;
    if (f)
        rewind(f);
    fs_status sr = ok ? fs_abc_restore(fresh, f, &err) : FS_EIO;
    int same_half = ok && sr == FS_OK && same_state(fresh, half, 2);
    for (int k = 0; ok && k < 3; k++)
        if (fs_abc_step(fresh, simulate, &m, &err) != FS_OK)
            ok = 0;
    int same_full = ok && same_state(fresh, full, 2);
    if (f)
        fclose(f);
    free(text);
    fs_abc_free(full); fs_abc_free(half); fs_abc_free(fresh); fs_abc_free(other);
    gsl_rng_free(m.r);
    CHECK(ok);
    CHECK(so == FS_ECONFIG && other_empty);
    CHECK_STR_CONTAINS(msg_other, "other settings");
    CHECK(st == FS_ECONFIG && se == FS_ECONFIG && fresh_empty);
    CHECK_STR_CONTAINS(msg_torn, "incomplete");
    CHECK_STR_CONTAINS(msg_edit, "checksum");
    CHECK(sr == FS_OK && same_half);
    CHECK(same_full);
}

/* The stop rules, NaN refusal and a failing callback. */
static void test_stops(void)
{
    fs_err err = {0};
    fs_prior pr = mk(FS_PRIOR_UNIFORM, 0, 1, -INFINITY, INFINITY, 0);
    fs_abc_problem p = {1, &pr};
    model m = model_make(NOISE, 1, 1);
    /* acceptance: about half accepted after generation 0, below 0.8 */
    fs_abc_opts o = {.particles = 100, .min_acceptance = 0.8, .seed = 1};
    fs_abc *a = fs_abc_alloc(&p, &o, &err);
    CHECK(a);
    run_all(a, &m, &err);
    int stop = fs_abc_stopped(a), ng = fs_abc_history(a, NULL);
    fs_abc_free(a);
    CHECK(stop == FS_ABC_STOP_ACCEPTANCE && ng == 1);
    /* budget: 100 in generation 0, the next stops midway at 250 */
    fs_abc_opts ob = {.particles = 100, .max_simulations = 250, .batch = 25, .seed = 1};
    m.sims = 0;
    a = fs_abc_alloc(&p, &ob, &err);
    CHECK(a);
    run_all(a, &m, &err);
    stop = fs_abc_stopped(a);
    ng = fs_abc_history(a, NULL);
    fs_abc_free(a);
    CHECK(stop == FS_ABC_STOP_BUDGET && ng == 1 && m.sims == 250);
    /* empty: every distance infinite */
    m.kind = INF_DIST;
    fs_abc_opts oe = {.particles = 50, .min_acceptance = 0.1};
    a = fs_abc_alloc(&p, &oe, &err);
    CHECK(a);
    run_all(a, &m, &err);
    stop = fs_abc_stopped(a);
    int n = fs_abc_population(a, NULL, NULL, NULL);
    fs_abc_free(a);
    CHECK(stop == FS_ABC_STOP_EMPTY && n == 0);
    /* NaN refused; a failing callback; both leave the calibration as it
     * was, and a retry gives the uninterrupted result */
    m.kind = NAN_DIST;
    m.calls = 0;
    m.fail_call = 2;
    fs_abc_opts on = {.particles = 100, .batch = 50, .generations = 3, .seed = 2};
    a = fs_abc_alloc(&p, &on, &err);
    fs_abc *b = fs_abc_alloc(&p, &on, &err);
    CHECK(a && b);
    fs_status s1 = fs_abc_step(a, simulate, &m, &err);
    CHECK(s1 == FS_ERUNTIME && fs_abc_history(a, NULL) == 0);
    CHECK_STR_CONTAINS(err.msg, "distance nan");
    m.kind = FAIL;
    m.calls = 0;
    m.fail_call = 4;
    fs_status s2 = fs_abc_step(a, simulate, &m, &err);
    fs_status s3 = fs_abc_step(a, simulate, &m, &err);
    int after_fail = fs_abc_history(a, NULL);
    fs_status s4 = run_all(a, &m, &err);
    m.kind = NOISE;
    run_all(b, &m, &err);
    int same = same_state(a, b, 1);
    if (getenv("ABC_VERBOSE")) {
        const fs_abc_gen *ga, *gb;
        int na = fs_abc_history(a, &ga), nb = fs_abc_history(b, &gb);
        for (int t = 0; t < na || t < nb; t++)
            fprintf(stderr, "a %ld %g | b %ld %g\n", t < na ? ga[t].proposed : -1, t < na ? ga[t].ess : 0,
                    t < nb ? gb[t].proposed : -1, t < nb ? gb[t].ess : 0);
    }
    fs_abc_free(a);
    fs_abc_free(b);
    gsl_rng_free(m.r);
    CHECKF(s2 == FS_OK && s3 == FS_EIO && after_fail == 1 && s4 == FS_OK && same,
           "%d %d %d %d %d", s2, s3, after_fail, s4, same);
}

/* Refused options; one particle (a singular covariance) and an integer
 * parameter run without trouble, the integer staying integral. */
static void test_edges(void)
{
    fs_err err = {0};
    fs_prior pr = mk(FS_PRIOR_UNIFORM, 0, 10, 0, 10, 1);
    fs_abc_problem p = {1, &pr};
    fs_abc_opts bad = {.quantile = 1.5};
    CHECK(fs_abc_alloc(&p, &bad, &err) == NULL && err.code == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "quantile");
    fs_prior wrong = mk(FS_PRIOR_NORMAL, 0, 0, -INFINITY, INFINITY, 0);
    fs_abc_problem pw = {1, &wrong};
    fs_abc_opts o1 = {0};
    CHECK(fs_abc_alloc(&pw, &o1, &err) == NULL);
    CHECK_STR_CONTAINS(err.msg, "parameter 1: normal: sd must be > 0");
    model m = model_make(INTEGER, 1, 1);
    fs_abc_opts oi = {.particles = 200, .generations = 6, .seed = 3};
    fs_abc *a = fs_abc_alloc(&p, &oi, &err);
    CHECK(a);
    fs_status st = run_all(a, &m, &err);
    const double *th, *w;
    int n = fs_abc_population(a, &th, &w, NULL), bad_int = 0;
    double at4 = 0;
    for (int i = 0; i < n; i++) {
        bad_int += th[i] != floor(th[i]) || th[i] < 0 || th[i] > 10;
        at4 += th[i] == 4 ? w[i] : 0;
    }
    fs_abc_free(a);
    fs_abc_opts o2 = {.particles = 1, .generations = 4};
    m.kind = NOISE;
    fs_prior pc = mk(FS_PRIOR_BETA, 2, 2, -INFINITY, INFINITY, 0);
    fs_abc_problem p1 = {1, &pc};
    a = fs_abc_alloc(&p1, &o2, &err);
    CHECK(a);
    fs_status st1 = run_all(a, &m, &err);
    n = fs_abc_population(a, &th, &w, NULL);
    double w0 = n ? w[0] : 0;
    fs_abc_free(a);
    gsl_rng_free(m.r);
    CHECKF(st == FS_OK && st1 == FS_OK, "%s", err.msg);
    CHECK(bad_int == 0 && at4 > 0.5);
    CHECK(n == 1 && w0 == 1);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_prior_names);
    RUN(test_prior_check);
    RUN(test_prior_normalised);
    RUN(test_prior_draws);
    RUN(test_gamma_poisson);
    RUN(test_gamma_poisson_replicates);
    RUN(test_normal_mean);
    RUN(test_coverage);
    RUN(test_batch_determinism);
    RUN(test_save_restore);
    RUN(test_stops);
    RUN(test_edges);
    return check_report();
}
