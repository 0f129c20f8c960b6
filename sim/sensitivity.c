/* sensitivity.c: Sobol indices with bootstrap intervals, Morris elementary
 * effects and one-at-a-time effects, from a design and its outputs. */
#include "sensitivity.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ---- results ---- */

/* n arrays of k doubles in one block, every value NaN; NULL when out of
 * memory. */
static double *nan_block(int k, int n)
{
    size_t i, len = (size_t)k * (size_t)n;
    double *b = malloc(len * sizeof *b);

    for (i = 0; b != NULL && i < len; i++)
        b[i] = NAN;
    return b;
}

static void fill_nan(double *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        b[i] = NAN;
}

fs_sobol *fs_sobol_alloc(int k)
{
    fs_sobol *s;
    double *b;

    if (k < 1 || (s = calloc(1, sizeof *s)) == NULL)
        return NULL;
    if ((b = nan_block(k, 8)) == NULL) {
        free(s);
        return NULL;
    }
    s->k = k;
    s->s1 = b;
    s->s1_se = b + k;
    s->s1_lo = b + 2 * k;
    s->s1_hi = b + 3 * k;
    s->st = b + 4 * k;
    s->st_se = b + 5 * k;
    s->st_lo = b + 6 * k;
    s->st_hi = b + 7 * k;
    s->mean = s->var = NAN;
    return s;
}

void fs_sobol_free(fs_sobol *s)
{
    if (s == NULL)
        return;
    free(s->s1);
    free(s);
}

fs_morris *fs_morris_alloc(int k)
{
    fs_morris *m;
    double *b;

    if (k < 1 || (m = calloc(1, sizeof *m)) == NULL)
        return NULL;
    if ((b = nan_block(k, 4)) == NULL) {
        free(m);
        return NULL;
    }
    m->k = k;
    m->mu = b;
    m->mu_star = b + k;
    m->sigma = b + 2 * k;
    m->mu_star_se = b + 3 * k;
    return m;
}

void fs_morris_free(fs_morris *m)
{
    if (m == NULL)
        return;
    free(m->mu);
    free(m);
}

fs_oat *fs_oat_alloc(int k)
{
    fs_oat *o;
    double *b;

    if (k < 1 || (o = calloc(1, sizeof *o)) == NULL)
        return NULL;
    if ((b = nan_block(k, 3)) == NULL) {
        free(o);
        return NULL;
    }
    o->k = k;
    o->base = NAN;
    o->low = b;
    o->high = b + k;
    o->swing = b + 2 * k;
    return o;
}

void fs_oat_free(fs_oat *o)
{
    if (o == NULL)
        return;
    free(o->low);
    free(o);
}

/* ---- shared checks ---- */

static fs_status check_design(const fs_design *d, fs_design_kind kind, int k, const char *what,
                              fs_err *err)
{
    if (d == NULL || fs_design_get_kind(d) != kind)
        return fs_err_set(err, FS_ECONFIG, "%s need a %s design, not %s", what,
                          fs_design_kind_name(kind),
                          d == NULL ? "none" : fs_design_kind_name(fs_design_get_kind(d)));
    if (k != fs_design_nparams(d))
        return fs_err_set(err, FS_ECONFIG, "%s: result is for %d parameters, the design "
                          "has %d", what, k, fs_design_nparams(d));
    return FS_OK;
}

/* FS_ERUNTIME naming the first point whose output is not finite. */
static fs_status check_finite(const double *y, int n, const char *what, fs_err *err)
{
    int i;

    for (i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return fs_err_set(err, FS_ERUNTIME, "%s: the output at design point %d is %s",
                              what, i, isnan(y[i]) ? "NaN" : "infinite");
    return FS_OK;
}

/* ---- Sobol ---- */

/* Mean and variance (divided by 2N) of f(A) and f(B) over rows idx (the
 * identity when idx is NULL), two-pass. */
static double sobol_var(const double *y, int N, const int *idx, double *mean)
{
    double s = 0.0, q = 0.0, m;
    int j;

    for (j = 0; j < N; j++) {
        int r = idx != NULL ? idx[j] : j;
        s += y[r] + y[N + r];
    }
    m = s / (2.0 * N);
    for (j = 0; j < N; j++) {
        int r = idx != NULL ? idx[j] : j;
        q += (y[r] - m) * (y[r] - m) + (y[N + r] - m) * (y[N + r] - m);
    }
    *mean = m;
    return q / (2.0 * N);
}

/* S1 (Saltelli et al. 2010) and ST (Jansen 1999) of parameter i over rows
 * idx, outputs centred by c, variance v:
 *   S1_i = mean_j f(B)_j (f(AB_i)_j - f(A)_j) / V
 *   ST_i = mean_j (f(A)_j - f(AB_i)_j)^2 / (2 V)
 * Centring (as SALib does) leaves S1's expectation unchanged and cuts its
 * variance when the mean is large against the spread; ST does not move. */
static void sobol_one(const double *y, int N, int i, const int *idx, double c, double v,
                      double *s1, double *st)
{
    const double *ab = y + (size_t)(2 + i) * N;
    double n1 = 0.0, n2 = 0.0;
    int j;

    for (j = 0; j < N; j++) {
        int r = idx != NULL ? idx[j] : j;
        double a = y[r] - c, b = y[N + r] - c, x = ab[r] - c;
        n1 += b * (x - a);
        n2 += (a - x) * (a - x);
    }
    *s1 = n1 / N / v;
    *st = n2 / (2.0 * N) / v;
}

/* One bootstrap replicate: N rows drawn with replacement from stream
 * (seed, 2^64 - 2 - b), every index in reps1/repst column `kept`. Returns
 * 1 when kept, 0 when the resample's variance is zero. */
static int sobol_replicate(const double *y, int N, int k, double c, gsl_rng *r, uint64_t seed,
                           int b, int *idx, double *reps1, double *repst, int kept, int nboot)
{
    double m, v;
    int j, i;

    fs_rng_seed(r, seed, UINT64_MAX - 1 - (uint64_t)b);
    for (j = 0; j < N; j++)
        idx[j] = (int)gsl_rng_uniform_int(r, (unsigned long)N);
    v = sobol_var(y, N, idx, &m);
    if (!(v > 0.0))
        return 0;
    for (i = 0; i < k; i++)
        sobol_one(y, N, i, idx, c, v, &reps1[(size_t)i * nboot + kept],
                  &repst[(size_t)i * nboot + kept]);
    return 1;
}

/* Standard deviation and 2.5%, 97.5% percentiles of n replicates (sorted
 * in place); NaN when fewer than 2. */
static void summarise(double *rep, int n, double *se, double *lo, double *hi)
{
    if (n < 2) {
        *se = *lo = *hi = NAN;
        return;
    }
    gsl_sort(rep, 1, (size_t)n);
    *se = gsl_stats_sd(rep, 1, (size_t)n);
    *lo = gsl_stats_quantile_from_sorted_data(rep, 1, (size_t)n, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(rep, 1, (size_t)n, 0.975);
}

static void sobol_clear(fs_sobol *out)
{
    fill_nan(out->s1, 8 * (size_t)out->k);
    out->mean = out->var = NAN;
    out->nboot = 0;
}

static fs_status sobol_bootstrap(const fs_design *d, const double *y, int nboot, uint64_t seed,
                                 fs_sobol *out, fs_err *err)
{
    int N = fs_design_nbase(d), k = out->k, b, i, kept = 0;
    int *idx = malloc((size_t)N * sizeof *idx);
    double *reps = malloc(2 * (size_t)k * (size_t)nboot * sizeof *reps);
    gsl_rng *r = fs_rng_alloc();
    fs_status s = FS_OK;

    if (idx == NULL || reps == NULL || r == NULL) {
        s = fs_err_set(err, FS_ENOMEM, "sobol indices: out of memory for %d bootstrap "
                       "replicates", nboot);
        goto fail;
    }
    for (b = 0; b < nboot; b++)
        kept += sobol_replicate(y, N, k, out->mean, r, seed, b, idx, reps,
                                reps + (size_t)k * nboot, kept, nboot);
    for (i = 0; i < k; i++) {
        summarise(reps + (size_t)i * nboot, kept, &out->s1_se[i], &out->s1_lo[i],
                  &out->s1_hi[i]);
        summarise(reps + ((size_t)k + i) * nboot, kept, &out->st_se[i], &out->st_lo[i],
                  &out->st_hi[i]);
    }
    out->nboot = kept;
fail:
    gsl_rng_free(r);
    free(reps);
    free(idx);
    return s;
}

fs_status fs_sobol_indices(const fs_design *d, const double *y, int nboot, uint64_t seed,
                           fs_sobol *out, fs_err *err)
{
    const char *what = "sobol indices";
    fs_status s;
    int N, i;

    if (out == NULL)
        return fs_err_set(err, FS_ECONFIG, "%s: no result to fill", what);
    sobol_clear(out);
    if ((s = check_design(d, FS_DESIGN_SOBOL, out->k, what, err)) != FS_OK)
        return s;
    if (nboot == 0)
        nboot = FS_SOBOL_NBOOT_DEFAULT;
    if (nboot < 2)
        return fs_err_set(err, FS_ECONFIG, "%s: %d bootstrap replicates, at least 2", what,
                          nboot);
    if ((s = check_finite(y, fs_design_npoints(d), what, err)) != FS_OK)
        return s;
    N = fs_design_nbase(d);
    out->var = sobol_var(y, N, NULL, &out->mean);
    if (!(out->var > 0.0)) {
        out->mean = out->var = NAN;
        return fs_err_set(err, FS_ERUNTIME, "%s: the output is constant over the design "
                          "(variance 0), so its indices are undefined", what);
    }
    for (i = 0; i < out->k; i++)
        sobol_one(y, N, i, NULL, out->mean, out->var, &out->s1[i], &out->st[i]);
    if ((s = sobol_bootstrap(d, y, nboot, seed, out, err)) != FS_OK)
        sobol_clear(out);
    return s;
}

/* ---- Morris ---- */

/* The step from point i - 1 to point i in unit coordinates of parameter
 * j: +-delta, or for an integer parameter the rounded step over the range. */
static double morris_step(const fs_design *d, int i, int j)
{
    const double *x0 = fs_design_point(d, i - 1), *x1 = fs_design_point(d, i);
    const double *u0 = fs_design_unit(d, i - 1), *u1 = fs_design_unit(d, i);

    if (fs_design_is_integer(d, j))
        return (x1[j] - x0[j]) / (fs_design_hi(d, j) - fs_design_lo(d, j));
    return u1[j] > u0[j] ? fs_design_morris_delta(d) : -fs_design_morris_delta(d);
}

/* Welford's update of a running mean and sum of squared deviations. */
static void welford(double *mean, double *m2, double x, int n)
{
    double dx = x - *mean;
    *mean += dx / n;
    *m2 += dx * (x - *mean);
}

fs_status fs_morris_indices(const fs_design *d, const double *y, fs_morris *out, fs_err *err)
{
    const char *what = "morris indices";
    fs_status s;
    int k, r, t, m, j;

    if (out == NULL)
        return fs_err_set(err, FS_ECONFIG, "%s: no result to fill", what);
    fill_nan(out->mu, 4 * (size_t)out->k);
    if ((s = check_design(d, FS_DESIGN_MORRIS, out->k, what, err)) != FS_OK)
        return s;
    if ((s = check_finite(y, fs_design_npoints(d), what, err)) != FS_OK)
        return s;
    k = out->k;
    r = out->r = fs_design_nbase(d);
    /* mu and mu_star hold running means, sigma and mu_star_se the sums of
     * squared deviations, until the last trajectory. */
    for (j = 0; j < 4 * k; j++)
        out->mu[j] = 0.0;
    for (t = 0; t < r; t++)
        for (m = 1; m <= k; m++) {
            int i = t * (k + 1) + m;
            double ee;
            j = fs_design_morris_changed(d, i);
            ee = (y[i] - y[i - 1]) / morris_step(d, i, j);
            welford(&out->mu[j], &out->sigma[j], ee, t + 1);
            welford(&out->mu_star[j], &out->mu_star_se[j], fabs(ee), t + 1);
        }
    for (j = 0; j < k; j++) {
        out->sigma[j] = sqrt(out->sigma[j] / (r - 1));
        out->mu_star_se[j] = sqrt(out->mu_star_se[j] / (r - 1)) / sqrt((double)r);
    }
    return FS_OK;
}

/* ---- one at a time ---- */

fs_status fs_oat_effects(const fs_design *d, const double *y, fs_oat *out, fs_err *err)
{
    const char *what = "one-at-a-time effects";
    fs_status s;
    int j;

    if (out == NULL)
        return fs_err_set(err, FS_ECONFIG, "%s: no result to fill", what);
    fill_nan(out->low, 3 * (size_t)out->k);
    out->base = NAN;
    if ((s = check_design(d, FS_DESIGN_OAT, out->k, what, err)) != FS_OK)
        return s;
    if ((s = check_finite(y, fs_design_npoints(d), what, err)) != FS_OK)
        return s;
    out->base = y[0];
    for (j = 0; j < out->k; j++) {
        out->low[j] = y[1 + 2 * j] - y[0];
        out->high[j] = y[2 + 2 * j] - y[0];
        out->swing[j] = fabs(y[2 + 2 * j] - y[1 + 2 * j]);
    }
    return FS_OK;
}

int fs_sobol_flags_of(double s1, double s1_lo, double st)
{
    int f = 0;
    if (isfinite(s1) && (s1 < 0.0 || s1 > 1.0))
        f |= FS_SOBOL_S1_RANGE;
    if (isfinite(st) && (st < 0.0 || st > 1.0))
        f |= FS_SOBOL_ST_RANGE;
    if (isfinite(s1_lo) && isfinite(st) && s1_lo > st)
        f |= FS_SOBOL_S1_ABOVE_ST;
    return f;
}

int fs_sobol_flags(const fs_sobol *s, int j)
{
    return s && j >= 0 && j < s->k ? fs_sobol_flags_of(s->s1[j], s->s1_lo[j], s->st[j]) : 0;
}
