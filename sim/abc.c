/* abc.c: ABC-SMC with adaptive tolerances and a multivariate normal
 * kernel, truncated priors by CDF inversion, and text save/restore with a
 * checksum. See abc.h for the contract. */
#include "abc.h"

#include <float.h>
#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "checkpoint.h"
#include "lanes.h"
#include "rng.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define LOG_SQRT_2PI 0.91893853320467274178
#define PROPOSAL_BITS 40
#define PROPOSAL_MASK ((UINT64_C(1) << PROPOSAL_BITS) - 1)
#define MAX_REPLICATES 100000
#define MAX_GENERATIONS 100000

/* ---- priors ---- */

static const char *const prior_names[] = {"uniform", "loguniform", "normal", "lognormal",
                                          "beta", "gamma"};
#define NKINDS ((int)(sizeof prior_names / sizeof *prior_names))

const char *fs_prior_name(int kind)
{
    return kind >= 0 && kind < NKINDS ? prior_names[kind] : NULL;
}

int fs_prior_kind_of(const char *name)
{
    for (int k = 0; name && k < NKINDS; k++)
        if (strcmp(name, prior_names[k]) == 0)
            return k;
    return -1;
}

/* The family's own support. */
static void family_support(const fs_prior *p, double *lo, double *hi)
{
    switch (p->kind) {
    case FS_PRIOR_UNIFORM:
    case FS_PRIOR_LOGUNIFORM: *lo = p->a; *hi = p->b; break;
    case FS_PRIOR_NORMAL: *lo = -INFINITY; *hi = INFINITY; break;
    case FS_PRIOR_BETA: *lo = 0; *hi = 1; break;
    default: *lo = 0; *hi = INFINITY; break;   /* lognormal, gamma */
    }
}

/* The interval the continuous prior is truncated to: [lo, hi] within the
 * family's support; an integer prior's is widened by half a unit on each
 * side ([ceil(lo) - 1/2, floor(hi) + 1/2]) so that rounding gives each
 * integer of [lo, hi] the mass of its own unit cell. */
static void prior_interval(const fs_prior *p, double *lo, double *hi)
{
    double l, h, tl = p->lo, th = p->hi;
    family_support(p, &l, &h);
    if (p->integer) {
        tl = ceil(tl) - 0.5;
        th = floor(th) + 0.5;
    }
    *lo = tl > l ? tl : l;
    *hi = th < h ? th : h;
}

/* The family's CDF (upper = 0) or survival function (upper = 1) at x. */
static double family_cdf(const fs_prior *p, double x, int upper)
{
    double l, h, v;
    family_support(p, &l, &h);
    if (x <= l)
        return upper ? 1 : 0;
    if (x >= h)
        return upper ? 0 : 1;
    switch (p->kind) {
    case FS_PRIOR_UNIFORM:
        v = upper ? (p->b - x) / (p->b - p->a) : (x - p->a) / (p->b - p->a);
        break;
    case FS_PRIOR_LOGUNIFORM: {
        double la = log(p->a), lb = log(p->b), lx = log(x);
        v = upper ? (lb - lx) / (lb - la) : (lx - la) / (lb - la);
        break;
    }
    case FS_PRIOR_NORMAL:
        v = upper ? gsl_cdf_gaussian_Q(x - p->a, p->b) : gsl_cdf_gaussian_P(x - p->a, p->b);
        break;
    case FS_PRIOR_LOGNORMAL:
        v = upper ? gsl_cdf_lognormal_Q(x, p->a, p->b) : gsl_cdf_lognormal_P(x, p->a, p->b);
        break;
    case FS_PRIOR_BETA:
        v = upper ? gsl_cdf_beta_Q(x, p->a, p->b) : gsl_cdf_beta_P(x, p->a, p->b);
        break;
    default:
        v = upper ? gsl_cdf_gamma_Q(x, p->a, 1 / p->b) : gsl_cdf_gamma_P(x, p->a, 1 / p->b);
        break;
    }
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The inverse of family_cdf. */
static double family_inv(const fs_prior *p, double v, int upper)
{
    switch (p->kind) {
    case FS_PRIOR_UNIFORM:
        return upper ? p->b - v * (p->b - p->a) : p->a + v * (p->b - p->a);
    case FS_PRIOR_LOGUNIFORM: {
        double la = log(p->a), lb = log(p->b);
        return exp(upper ? lb - v * (lb - la) : la + v * (lb - la));
    }
    case FS_PRIOR_NORMAL:
        return p->a + (upper ? gsl_cdf_gaussian_Qinv(v, p->b) : gsl_cdf_gaussian_Pinv(v, p->b));
    case FS_PRIOR_LOGNORMAL:
        return upper ? gsl_cdf_lognormal_Qinv(v, p->a, p->b) : gsl_cdf_lognormal_Pinv(v, p->a, p->b);
    case FS_PRIOR_BETA:
        return upper ? gsl_cdf_beta_Qinv(v, p->a, p->b) : gsl_cdf_beta_Pinv(v, p->a, p->b);
    default:
        return upper ? gsl_cdf_gamma_Qinv(v, p->a, 1 / p->b) : gsl_cdf_gamma_Pinv(v, p->a, 1 / p->b);
    }
}

/* c log v, taken as 0 when c is 0 (a beta or gamma of shape 1 at 0). */
static double xlogy(double c, double v)
{
    return c == 0 ? 0 : c * log(v);
}

/* The family's log density at x inside its support (untruncated). */
static double family_logpdf(const fs_prior *p, double x)
{
    switch (p->kind) {
    case FS_PRIOR_UNIFORM:
        return -log(p->b - p->a);
    case FS_PRIOR_LOGUNIFORM:
        return -log(x) - log(log(p->b) - log(p->a));
    case FS_PRIOR_NORMAL: {
        double z = (x - p->a) / p->b;
        return -0.5 * z * z - log(p->b) - LOG_SQRT_2PI;
    }
    case FS_PRIOR_LOGNORMAL: {
        if (!(x > 0))
            return -INFINITY;
        double z = (log(x) - p->a) / p->b;
        return -0.5 * z * z - log(x) - log(p->b) - LOG_SQRT_2PI;
    }
    case FS_PRIOR_BETA:
        return xlogy(p->a - 1, x) + xlogy(p->b - 1, 1 - x) - gsl_sf_lnbeta(p->a, p->b);
    default:
        return p->a * log(p->b) + xlogy(p->a - 1, x) - p->b * x - gsl_sf_lngamma(p->a);
    }
}

/* The prior mass of [l, h] (within the family's support): a difference
 * of CDFs in the lower half, of survival functions in the upper half, so
 * that a truncation far in a tail keeps its digits. *upper says which. */
static double family_mass(const fs_prior *p, double l, double h, int *upper)
{
    int up = family_cdf(p, l, 0) > 0.5;
    if (upper)
        *upper = up;
    return up ? family_cdf(p, l, 1) - family_cdf(p, h, 1) : family_cdf(p, h, 0) - family_cdf(p, l, 0);
}

static int finite2(double a, double b)
{
    return isfinite(a) && isfinite(b);
}

int fs_prior_check(const fs_prior *p, char *msg, size_t n)
{
    const char *name = fs_prior_name(p->kind);
    if (!name) {
        snprintf(msg, n, "unknown prior kind %d", p->kind);
        return -1;
    }
    switch (p->kind) {
    case FS_PRIOR_UNIFORM:
        if (!finite2(p->a, p->b) || !(p->a < p->b)) {
            snprintf(msg, n, "uniform: needs finite lo < hi, found %g and %g", p->a, p->b);
            return -1;
        }
        break;
    case FS_PRIOR_LOGUNIFORM:
        if (!finite2(p->a, p->b) || !(p->a > 0) || !(p->a < p->b)) {
            snprintf(msg, n, "loguniform: needs finite 0 < lo < hi, found %g and %g", p->a, p->b);
            return -1;
        }
        break;
    case FS_PRIOR_NORMAL:
    case FS_PRIOR_LOGNORMAL:
        if (!isfinite(p->a)) {
            snprintf(msg, n, "%s: mean must be finite, found %g", name, p->a);
            return -1;
        }
        if (!isfinite(p->b) || !(p->b > 0)) {
            snprintf(msg, n, "%s: sd must be > 0, found %g", name, p->b);
            return -1;
        }
        break;
    case FS_PRIOR_BETA:
    case FS_PRIOR_GAMMA:
        if (!isfinite(p->a) || !(p->a > 0)) {
            snprintf(msg, n, "%s: %s must be > 0, found %g", name,
                     p->kind == FS_PRIOR_BETA ? "alpha" : "shape", p->a);
            return -1;
        }
        if (!isfinite(p->b) || !(p->b > 0)) {
            snprintf(msg, n, "%s: %s must be > 0, found %g", name,
                     p->kind == FS_PRIOR_BETA ? "beta" : "rate", p->b);
            return -1;
        }
        break;
    }
    if (isnan(p->lo) || isnan(p->hi) || p->lo == INFINITY || p->hi == -INFINITY ||
        !(p->lo <= p->hi)) {
        snprintf(msg, n, "%s: the range [%g, %g] is empty", name, p->lo, p->hi);
        return -1;
    }
    if (p->integer && !(ceil(p->lo) <= floor(p->hi))) {
        snprintf(msg, n, "%s: the range [%g, %g] holds no integer", name, p->lo, p->hi);
        return -1;
    }
    double l, h;
    prior_interval(p, &l, &h);
    if (!(l < h) || !(family_mass(p, l, h, NULL) > 0)) {
        snprintf(msg, n, "%s(%g, %g): no prior mass in the range [%g, %g]", name, p->a, p->b,
                 p->lo, p->hi);
        return -1;
    }
    return 0;
}

/* The integer nearest x (halves away from zero would do as well; this
 * is the rounding of perturbed values everywhere). */
static double round_half_up(double x)
{
    return floor(x + 0.5);
}

/* fs_prior_logpdf given p's truncation interval [l, h] and its mass z
 * there (prior_interval, family_mass): the same value, without the CDFs
 * that find z. */
static double logpdf_in(const fs_prior *p, double x, double l, double h, double z)
{
    if (isnan(x))
        return -INFINITY;
    if (!(z > 0))
        return -INFINITY;
    if (p->integer) {
        double k = round_half_up(x);
        if (k < ceil(p->lo) || k > floor(p->hi))
            return -INFINITY;
        double cl = k - 0.5 > l ? k - 0.5 : l, ch = k + 0.5 < h ? k + 0.5 : h;
        double m = cl < ch ? family_mass(p, cl, ch, NULL) : 0;
        return m > 0 ? log(m / z) : -INFINITY;
    }
    if (x < l || x > h)
        return -INFINITY;
    return family_logpdf(p, x) - log(z);
}

/* Whether logpdf_in is finite at every x of p's truncation interval [l,
 * h] (z the mass there), so that l <= x <= h alone says x is in the
 * support: a continuous uniform or log-uniform prior whose constant terms
 * are finite. For those, -log(x) is finite too (0 < a <= l <= x <= h <=
 * b, all finite), and a row's sum of such terms, each well inside
 * +-3000, is finite. Other priors have points of infinite density (a
 * beta's or gamma's end, an integer's empty cell) and are asked of their
 * density. */
static int interval_is_support(const fs_prior *p, double z)
{
    if (p->integer || !(z > 0) || !isfinite(log(z)))
        return 0;
    if (p->kind == FS_PRIOR_UNIFORM)
        return isfinite(log(p->b - p->a));
    if (p->kind == FS_PRIOR_LOGUNIFORM)
        return isfinite(log(log(p->b) - log(p->a)));
    return 0;
}

double fs_prior_logpdf(const fs_prior *p, double x)
{
    double l, h;
    if (isnan(x))
        return -INFINITY;
    prior_interval(p, &l, &h);
    return logpdf_in(p, x, l, h, family_mass(p, l, h, NULL));
}

/* The value of p's truncated distribution at quantile u in (0, 1), before
 * an integer prior's rounding, clamped into the truncation interval (an
 * inversion that fails or rounds out of it gives the nearer end). */
static double prior_quantile(const fs_prior *p, double u)
{
    double l, h;
    int upper;
    prior_interval(p, &l, &h);
    double z = family_mass(p, l, h, &upper);
    double x = upper ? family_inv(p, family_cdf(p, l, 1) - u * z, 1)
                     : family_inv(p, family_cdf(p, l, 0) + u * z, 0);
    if (!(x >= l))
        x = l;
    if (!(x <= h))
        x = h;
    return x;
}

/* Rounds an integer parameter's value into its range. */
static double integer_value(const fs_prior *p, double x)
{
    double k = round_half_up(x), lo = ceil(p->lo), hi = floor(p->hi);
    return k < lo ? lo : k > hi ? hi : k;
}

double fs_prior_draw(const fs_prior *p, gsl_rng *r)
{
    double x = prior_quantile(p, gsl_rng_uniform_pos(r));
    return p->integer ? integer_value(p, x) : x;
}

/* ---- the calibration ---- */

#define GUIDE 1024

struct fs_abc {
    int np;
    fs_prior *pri;
    double *pl, *ph, *pz;   /* each prior's truncation interval and mass there */
    /* 1 where the truncation interval alone is the prior's support (its
     * log density finite all over it), 0 where only the density says;
     * all_interval: 1 for every parameter */
    unsigned char interval[FS_ABC_MAX_PARAMS];
    int all_interval;
    /* options, defaults filled in */
    int particles, replicates, generations, batch;
    double quantile, tolerance, min_acceptance;
    long max_simulations;
    uint64_t seed, hash;
    long max_proposals;   /* per generation: particles / min_acceptance */
    gsl_rng *rng;
    int stop;
    long cut;   /* candidates simulated in a generation a stop rule cut short */
    /* history */
    int ngen, gcap;
    fs_abc_gen *hist;
    /* population: n rows */
    int n;
    double *theta, *w, *dist;
    /* the generation being built (swapped in when complete) */
    double *ntheta, *nw, *ndist;
    /* kernel: the lower Cholesky factor of its covariance (np x np), the
     * cumulative weights for resampling, the old particles whitened (all
     * particles' first parameter, then all their second, ...) and
     * the logs of their weights (for the kernel densities) */
    double *chol, *cum, *white, *lwold;
    /* where a resampling search starts (Chen and Asau's guide table):
     * guide[j] is the first i with cum[i] > j gstep, gstep = cum[n-1] /
     * GUIDE */
    int guide[GUIDE];
    double gstep;
    double *terms;   /* [2 nterms rows of particles] a thread's kernel
                      * terms, then their exponentials */
    int nterms;
    fs_isa isa;      /* the exponentials' path (lanes.h: the same bits on all) */
    int threads;     /* for the weights; 0: OpenMP's default */
    /* accepted candidates' shares of replicates within the tolerance */
    double *share;
    /* a batch: rows of theta, ids, distances; one candidate's replicates */
    double *bt, *bd, *rep;
    uint64_t *bid;
    int *iwork;   /* 2 particles ints, for sorting */
};

void fs_abc_set_threads(fs_abc *a, int threads)
{
    a->threads = threads > 0 ? threads : 0;
}

void fs_abc_free(fs_abc *a)
{
    if (!a)
        return;
    free(a->pri);
    free(a->pl);
    if (a->rng)
        gsl_rng_free(a->rng);
    free(a->hist);
    free(a->theta); free(a->w); free(a->dist);
    free(a->ntheta); free(a->nw); free(a->ndist);
    free(a->chol); free(a->cum); free(a->white); free(a->lwold); free(a->share);
    free(a->terms);
    free(a->bt); free(a->bd); free(a->rep); free(a->bid); free(a->iwork);
    free(a);
}

static fs_status check_options(const fs_abc_problem *p, const fs_abc_opts *o, fs_err *err)
{
    char msg[512];
    if (p->nparams < 1 || p->nparams > FS_ABC_MAX_PARAMS || !p->priors)
        return fs_err_set(err, FS_ECONFIG, "calibration: %d parameters; expected 1 to %d",
                          p->nparams, FS_ABC_MAX_PARAMS);
    for (int i = 0; i < p->nparams; i++)
        if (fs_prior_check(&p->priors[i], msg, sizeof msg))
            return fs_err_set(err, FS_ECONFIG, "calibration: the prior of parameter %d: %s",
                              i + 1, msg);
    if (o->particles < 0 || o->particles > FS_ABC_MAX_PARTICLES)
        return fs_err_set(err, FS_ECONFIG, "calibration: particles %d; expected 1 to %d",
                          o->particles, FS_ABC_MAX_PARTICLES);
    if (o->replicates < 0 || o->replicates > MAX_REPLICATES)
        return fs_err_set(err, FS_ECONFIG, "calibration: replicates %d; expected 1 to %d",
                          o->replicates, MAX_REPLICATES);
    if (o->generations < 0 || o->generations > MAX_GENERATIONS)
        return fs_err_set(err, FS_ECONFIG, "calibration: generations %d; expected 1 to %d",
                          o->generations, MAX_GENERATIONS);
    if (!(o->quantile >= 0 && o->quantile <= 1))
        return fs_err_set(err, FS_ECONFIG, "calibration: quantile %g; expected in (0, 1]",
                          o->quantile);
    if (!(o->tolerance >= 0) || !isfinite(o->tolerance))
        return fs_err_set(err, FS_ECONFIG, "calibration: tolerance %g; expected a number >= 0",
                          o->tolerance);
    if (!(o->min_acceptance >= 0 && o->min_acceptance <= 1))
        return fs_err_set(err, FS_ECONFIG,
                          "calibration: min_acceptance %g; expected in (0, 1]", o->min_acceptance);
    if (o->max_simulations < 0)
        return fs_err_set(err, FS_ECONFIG, "calibration: max_simulations %ld; expected >= 0",
                          o->max_simulations);
    if (o->batch < 0 || o->batch > FS_ABC_MAX_PARTICLES)
        return fs_err_set(err, FS_ECONFIG, "calibration: batch %d; expected 1 to %d", o->batch,
                          FS_ABC_MAX_PARTICLES);
    return FS_OK;
}

/* The hash of what sets the calibration's course: the priors, particles,
 * replicates, quantile and seed. The stop rules and the batch only say
 * when to stop and how to simulate, so a saved calibration may be resumed
 * under other ones. */
static uint64_t options_hash(const fs_abc *a)
{
    uint64_t h = fs_fnv1a(FS_FNV_INIT, "foresight-abc 1", 15);
    h = fs_fnv1a(h, &a->np, sizeof a->np);
    for (int i = 0; i < a->np; i++) {
        const fs_prior *p = &a->pri[i];
        double v[4] = {p->a, p->b, p->lo, p->hi};
        h = fs_fnv1a(h, &p->kind, sizeof p->kind);
        h = fs_fnv1a(h, v, sizeof v);
        h = fs_fnv1a(h, &p->integer, sizeof p->integer);
    }
    h = fs_fnv1a(h, &a->particles, sizeof a->particles);
    h = fs_fnv1a(h, &a->replicates, sizeof a->replicates);
    h = fs_fnv1a(h, &a->quantile, sizeof a->quantile);
    return fs_fnv1a(h, &a->seed, sizeof a->seed);
}

fs_abc *fs_abc_alloc(const fs_abc_problem *p, const fs_abc_opts *o, fs_err *err)
{
    if (check_options(p, o, err) != FS_OK)
        return NULL;
    fs_abc *a = calloc(1, sizeof *a);
    if (!a)
        goto fail;
    a->np = p->nparams;
    a->particles = o->particles ? o->particles : 1000;
    a->replicates = o->replicates ? o->replicates : 1;
    a->generations = o->generations ? o->generations : 8;
    a->quantile = o->quantile > 0 ? o->quantile : 0.5;
    a->tolerance = o->tolerance;
    a->min_acceptance = o->min_acceptance > 0 ? o->min_acceptance : 0.005;
    a->max_simulations = o->max_simulations;
    a->batch = o->batch ? o->batch : a->particles;
    a->seed = o->seed;
    double mp = floor(a->particles / a->min_acceptance);
    a->max_proposals = mp < (double)(1L << PROPOSAL_BITS) ? (long)mp : 1L << PROPOSAL_BITS;
    size_t np = (size_t)a->np, n = (size_t)a->particles, b = (size_t)a->batch;
    size_t m = (size_t)a->replicates;
    a->pri = malloc(np * sizeof *a->pri);
    a->pl = malloc(3 * np * sizeof *a->pl);
    a->rng = fs_rng_alloc();
    a->theta = malloc(n * np * sizeof *a->theta);
    a->w = malloc(n * sizeof *a->w);
    a->dist = malloc(n * sizeof *a->dist);
    a->ntheta = malloc(n * np * sizeof *a->ntheta);
    a->nw = malloc(n * sizeof *a->nw);
    a->ndist = malloc(n * sizeof *a->ndist);
    a->chol = malloc(np * np * sizeof *a->chol);
    a->cum = malloc(n * sizeof *a->cum);
    a->white = malloc(n * np * sizeof *a->white);
    a->lwold = malloc(n * sizeof *a->lwold);
    a->terms = malloc(2 * n * sizeof *a->terms);
    a->nterms = 1;
    a->isa = fs_lanes_isa_best();
    a->share = malloc(n * sizeof *a->share);
    a->bt = malloc(b * np * sizeof *a->bt);
    a->bd = malloc(b * m * sizeof *a->bd);
    a->rep = malloc(m * sizeof *a->rep);
    a->bid = malloc(b * sizeof *a->bid);
    a->iwork = malloc(2 * n * sizeof *a->iwork);
    if (!a->pri || !a->pl || !a->rng || !a->theta || !a->w || !a->dist || !a->ntheta || !a->nw ||
        !a->ndist || !a->chol || !a->cum || !a->white || !a->lwold || !a->terms || !a->share || !a->bt ||
        !a->bd || !a->rep || !a->bid || !a->iwork)
        goto fail;
    memcpy(a->pri, p->priors, np * sizeof *a->pri);
    a->ph = a->pl + np;
    a->pz = a->ph + np;
    for (size_t i = 0; i < np; i++) {
        a->pri[i].integer = a->pri[i].integer != 0;
        prior_interval(&a->pri[i], &a->pl[i], &a->ph[i]);
        a->pz[i] = family_mass(&a->pri[i], a->pl[i], a->ph[i], NULL);
        a->interval[i] = (unsigned char)interval_is_support(&a->pri[i], a->pz[i]);
    }
    a->all_interval = 1;
    for (size_t i = 0; i < np; i++)
        a->all_interval &= a->interval[i];
    a->hash = options_hash(a);
    return a;
fail:
    fs_abc_free(a);
    fs_err_set(err, FS_ENOMEM, "calibration: out of memory");
    return NULL;
}

/* ---- the kernel ---- */

/* A stable merge sort of indices by key (ties keep index order). */
static void merge_sort(int *idx, int n, const double *key, int *tmp)
{
    if (n < 2)
        return;
    int h = n / 2;
    merge_sort(idx, h, key, tmp);
    merge_sort(idx + h, n - h, key, tmp);
    int i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = key[idx[j]] < key[idx[i]] ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, (size_t)n * sizeof *idx);
}

/* The weighted q-quantile of the population's distances: the smallest
 * distance whose cumulative weight (in order of distance, ties by index)
 * reaches q. */
static double weighted_quantile(const fs_abc *a, double q)
{
    int *idx = a->iwork, *tmp = a->iwork + a->n;
    for (int i = 0; i < a->n; i++)
        idx[i] = i;
    merge_sort(idx, a->n, a->dist, tmp);
    double c = 0;
    for (int k = 0; k < a->n; k++) {
        c += a->w[idx[k]];
        if (c >= q)
            return a->dist[idx[k]];
    }
    return a->dist[idx[a->n - 1]];
}

/* A variance for parameter k when the population does not vary in it
 * (one particle, or all alike): a tenth of the prior's spread (its
 * interquartile range over 1.349, a normal's sd), squared; at least a
 * quarter for an integer, so that its neighbours are proposed. */
static double fallback_variance(const fs_prior *p)
{
    double s = (prior_quantile(p, 0.75) - prior_quantile(p, 0.25)) / 1.349;
    double v = 0.01 * s * s;
    if (p->integer && !(v >= 0.25))
        v = 0.25;
    return v > 0 && isfinite(v) ? v : 1;
}

/* The kernel of the next generation: the lower Cholesky factor of twice
 * the population's weighted covariance (Beaumont et al. 2009). A
 * parameter in which the population does not vary gets its own fallback
 * variance and no correlation; a covariance that is still not positive
 * definite (collinear particles) falls back to its diagonal. */
static void kernel_build(fs_abc *a)
{
    int np = a->np, n = a->n;
    double *c = a->chol, mean[FS_ABC_MAX_PARAMS];
    for (int k = 0; k < np; k++) {
        mean[k] = 0;
        for (int i = 0; i < n; i++)
            mean[k] += a->w[i] * a->theta[(size_t)i * np + k];
    }
    for (int k = 0; k < np; k++)
        for (int l = 0; l <= k; l++) {
            double s = 0;
            for (int i = 0; i < n; i++)
                s += a->w[i] * (a->theta[(size_t)i * np + k] - mean[k]) *
                     (a->theta[(size_t)i * np + l] - mean[l]);
            c[k * np + l] = c[l * np + k] = 2 * s;
        }
    double diag[FS_ABC_MAX_PARAMS];
    for (int k = 0; k < np; k++) {
        double scale = fabs(mean[k]) > 1 ? fabs(mean[k]) : 1;
        if (!(c[k * np + k] > 1e-24 * scale * scale) || !isfinite(c[k * np + k])) {
            for (int l = 0; l < np; l++)
                c[k * np + l] = c[l * np + k] = 0;
            c[k * np + k] = fallback_variance(&a->pri[k]);
        }
        diag[k] = c[k * np + k];
    }
    gsl_matrix_view m = gsl_matrix_view_array(c, (size_t)np, (size_t)np);
    int ok = gsl_linalg_cholesky_decomp1(&m.matrix) == GSL_SUCCESS;
    for (int k = 0; ok && k < np; k++) {
        double l = c[k * np + k];
        if (!(l > 1e-6 * sqrt(diag[k])) || !isfinite(l))
            ok = 0;
    }
    for (int k = 0; k < np; k++)
        for (int l = 0; l < np; l++)
            if (l > k || !ok)
                c[k * np + l] = !ok && l == k ? sqrt(diag[k]) : l > k ? 0 : c[k * np + l];
    /* cumulative weights for resampling, summed in index order */
    double s = 0;
    for (int i = 0; i < n; i++)
        a->cum[i] = s += a->w[i];
    a->gstep = a->cum[n - 1] / GUIDE;
    for (int i = 0, j = 0; j < GUIDE; j++) {
        while (i < n - 1 && !(a->cum[i] > j * a->gstep))
            i++;
        a->guide[j] = i;
    }
}

/* Solves L y = x for y (L lower triangular, np x np). */
static void whiten(const double *chol, int np, const double *x, double *y)
{
    for (int k = 0; k < np; k++) {
        double s = x[k];
        for (int l = 0; l < k; l++)
            s -= chol[k * np + l] * y[l];
        y[k] = s / chol[k * np + k];
    }
}

/* ---- proposals ---- */

/* The log prior density of a row, -INFINITY outside the support (or at a
 * point where the density is infinite: a beta's end). */
static double row_logprior(const fs_abc *a, const double *x)
{
    double s = 0;
    for (int k = 0; k < a->np; k++)
        s += logpdf_in(&a->pri[k], x[k], a->pl[k], a->ph[k], a->pz[k]);
    return isfinite(s) ? s : -INFINITY;
}

/* Whether row x is in the priors' support: row_logprior(a, x) >
 * -INFINITY, answered from the truncation intervals where they say it
 * alone (interval_is_support), the densities computed only for the
 * other parameters. Most proposals of a narrow posterior fall outside,
 * and most priors are uniform or log-uniform: no log is taken for them. */
static int in_support(const fs_abc *a, const double *x)
{
    for (int k = 0; k < a->np; k++)
        if (a->interval[k] && !(x[k] >= a->pl[k] && x[k] <= a->ph[k]))
            return 0;
    return a->all_interval || row_logprior(a, x) > -INFINITY;
}

/* Draws proposal x of generation t: from the priors (t = 0), else a
 * particle resampled by weight and moved by the kernel, integer
 * parameters rounded. Returns 0 when x is outside the priors' support. */
static int propose(fs_abc *a, int t, double *x)
{
    int np = a->np;
    if (t == 0) {
        for (int k = 0; k < np; k++)
            x[k] = fs_prior_draw(&a->pri[k], a->rng);
        return 1;
    }
    double v = gsl_rng_uniform(a->rng) * a->cum[a->n - 1];
    /* the first particle whose cumulative weight exceeds v (the last when
     * none does), looked for from where the guide points: v / gstep is j
     * or more, to within rounding, so v is above (j - 1) gstep and every
     * cum before guide[j - 1] is at most v */
    double g = v / a->gstep;
    int j = g < GUIDE ? (int)g : GUIDE - 1, lo = a->guide[j > 0 ? j - 1 : 0];
    while (lo < a->n - 1 && !(a->cum[lo] > v))
        lo++;
    const double *p = a->theta + (size_t)lo * np;
    double z[FS_ABC_MAX_PARAMS];
    for (int k = 0; k < np; k++)
        z[k] = gsl_ran_gaussian_ziggurat(a->rng, 1.0);
    for (int k = 0; k < np; k++) {
        double s = p[k];
        for (int l = 0; l <= k; l++)
            s += a->chol[k * np + l] * z[l];
        x[k] = a->pri[k].integer ? round_half_up(s) : s;
    }
    return in_support(a, x);
}

/* The median of m values (sorted in place, m small). */
static double median(double *v, int m)
{
    for (int i = 1; i < m; i++) {
        double t = v[i];
        int j = i;
        for (; j > 0 && v[j - 1] > t; j--)
            v[j] = v[j - 1];
        v[j] = t;
    }
    return m % 2 ? v[m / 2] : 0.5 * v[m / 2 - 1] + 0.5 * v[m / 2];
}

/* ---- weights ---- */

/* The new population's log weights into nw: log prior + log share - log
 * of the kernel mixture sum_j w_j K(x_i | theta_j) (the kernel's constant
 * is the same for every i and drops out), the mixture summed in index
 * order after subtracting its largest term. Generation 0's proposals come
 * from the prior, so its weights are the shares alone. Then normalised. */
static int omp_thread(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* Room for the kernel terms of as many threads as a parallel region
 * would start (one row at least, from the start); the threads to use. */
static int terms_rows(fs_abc *a)
{
    int want = 1;
#ifdef _OPENMP
    want = a->threads > 0 ? a->threads : omp_get_max_threads();
#endif
    if (want > a->nterms) {
        double *t = realloc(a->terms, (size_t)2 * want * a->particles * sizeof *t);
        if (t == NULL)
            return a->nterms;   /* fewer threads: the same sums */
        a->terms = t;
        a->nterms = want;
    }
    return want;
}

/* The kernel terms of a new particle y (whitened) against every old one
 * into term: term[j] = lwold[j] - q_j / 2, q_j the squared distance
 * from y to old particle j (a->white, parameter by parameter: nold
 * values of the first, then of the second, ...), summed over the
 * parameters in their order from 0. Returns the largest term: the same
 * value whatever the order it is looked for in (of a tie of +0 and -0
 * either gives the same exp(term - mx) and mx + log s below), a NaN term
 * passed over as `if (t > mx) mx = t` passes it over. */
static double kernel_term(const fs_abc *a, const double *y, int nold, int j)
{
    double q = 0;
    for (int k = 0; k < a->np; k++) {
        double d = y[k] - a->white[(size_t)k * nold + j];
        q += d * d;
    }
    return a->lwold[j] - 0.5 * q;
}

#ifdef __SSE2__
/* Four old particles at a time with SSE2 (every x86-64 has it), the same
 * operations for each side by side; max_pd(t, m) is t > m ? t : m. */
static double kernel_terms(const fs_abc *a, const double *y, int nold, double *term)
{
    const double *lw = a->lwold;
    __m128d yv[FS_ABC_MAX_PARAMS], half = _mm_set1_pd(0.5);
    __m128d m0 = _mm_set1_pd(-INFINITY), m1 = m0;
    double m[4], mx = -INFINITY;
    int np = a->np, j = 0;
    for (int k = 0; k < np; k++)
        yv[k] = _mm_set1_pd(y[k]);
    for (; j + 4 <= nold; j += 4) {
        const double *wk = a->white + j;
        __m128d q0 = _mm_setzero_pd(), q1 = q0;
        for (int k = 0; k < np; k++, wk += nold) {
            __m128d d0 = _mm_sub_pd(yv[k], _mm_loadu_pd(wk));
            __m128d d1 = _mm_sub_pd(yv[k], _mm_loadu_pd(wk + 2));
            q0 = _mm_add_pd(q0, _mm_mul_pd(d0, d0));
            q1 = _mm_add_pd(q1, _mm_mul_pd(d1, d1));
        }
        __m128d t0 = _mm_sub_pd(_mm_loadu_pd(lw + j), _mm_mul_pd(half, q0));
        __m128d t1 = _mm_sub_pd(_mm_loadu_pd(lw + j + 2), _mm_mul_pd(half, q1));
        _mm_storeu_pd(term + j, t0);
        _mm_storeu_pd(term + j + 2, t1);
        m0 = _mm_max_pd(t0, m0);
        m1 = _mm_max_pd(t1, m1);
    }
    _mm_storeu_pd(m, m0);
    _mm_storeu_pd(m + 2, m1);
    for (int l = 0; l < 4; l++)
        if (m[l] > mx)
            mx = m[l];
    for (; j < nold; j++)
        if ((term[j] = kernel_term(a, y, nold, j)) > mx)
            mx = term[j];
    return mx;
}
#else
static double kernel_terms(const fs_abc *a, const double *y, int nold, double *term)
{
    double mx = -INFINITY;
    for (int j = 0; j < nold; j++)
        if ((term[j] = kernel_term(a, y, nold, j)) > mx)
            mx = term[j];
    return mx;
}
#endif

static void weigh(fs_abc *a, int t)
{
    int np = a->np, n = a->particles, nold = a->n;
    if (t == 0) {
        for (int i = 0; i < n; i++)
            a->nw[i] = log(a->share[i]);
    } else {
        for (int j = 0; j < nold; j++) {
            double y[FS_ABC_MAX_PARAMS];
            whiten(a->chol, np, a->theta + (size_t)j * np, y);
            for (int k = 0; k < np; k++)
                a->white[(size_t)k * nold + j] = y[k];
            a->lwold[j] = a->w[j] > 0 ? log(a->w[j]) : -INFINITY;
        }
        /* each i on its own: threads change nothing in the sums; only
         * for populations large enough that the threads' start-up pays.
         * Each term is computed once, kept in the thread's row, then
         * summed in j's order after subtracting the largest. The rows
         * are handed out a few at a time, so that a thread slowed by
         * another process does not hold the others up. */
        int nth = terms_rows(a);
        (void)nth;   /* unused without OpenMP */
        #pragma omp parallel num_threads(nth) if ((double)n * nold * np > 2e5)
        {
            double *term = a->terms + (size_t)2 * omp_thread() * a->particles;
            double *ex = term + a->particles;
            #pragma omp for schedule(dynamic, 16)
            for (int i = 0; i < n; i++) {
                double y[FS_ABC_MAX_PARAMS], s = 0;
                const double *x = a->ntheta + (size_t)i * np;
                whiten(a->chol, np, x, y);
                double mx = kernel_terms(a, y, nold, term);
                /* The exponentials all at once, with lanes.h's exp (the
                 * same bits on every machine, where libm's can differ
                 * between versions and processors, and several times
                 * faster); summed in j's order, skipping those below
                 * -746, which are +0, and the NaNs. */
                for (int j = 0; j < nold; j++)
                    term[j] -= mx;
                fs_lanes_exp(a->isa, nold, term, ex);
                for (int j = 0; j < nold; j++)
                    if (term[j] > -746.0)
                        s += ex[j];
                a->nw[i] = row_logprior(a, x) + log(a->share[i]) - (mx + log(s));
            }
        }
    }
    double mx = -INFINITY, s = 0;
    for (int i = 0; i < n; i++)
        if (a->nw[i] > mx)
            mx = a->nw[i];
    for (int i = 0; i < n; i++)
        s += a->nw[i] = exp(a->nw[i] - mx);
    for (int i = 0; i < n; i++)
        a->nw[i] /= s;
}

/* ---- one generation ---- */

static void update_stop(fs_abc *a)
{
    a->stop = FS_ABC_RUNNING;
    if (a->ngen == 0)
        return;
    const fs_abc_gen *g = &a->hist[a->ngen - 1];
    if (a->ngen >= a->generations)
        a->stop = FS_ABC_STOP_GENERATIONS;
    else if (a->tolerance > 0 && g->tolerance <= a->tolerance)
        a->stop = FS_ABC_STOP_TOLERANCE;
    else if (a->max_simulations > 0 && g->simulations >= a->max_simulations)
        a->stop = FS_ABC_STOP_BUDGET;
}

static int history_grow(fs_abc *a, int need)
{
    if (need <= a->gcap)
        return 0;
    int cap = a->gcap ? a->gcap : 16;
    while (cap < need)
        cap *= 2;
    fs_abc_gen *h = realloc(a->hist, (size_t)cap * sizeof *h);
    if (!h)
        return -1;
    a->hist = h;
    a->gcap = cap;
    return 0;
}

/* Checks one candidate's replicates and counts those within eps. -1 with
 * err set on a NaN or negative distance. */
static int count_within(const fs_abc *a, const double *d, double eps, uint64_t id, fs_err *err)
{
    int within = 0;
    for (int j = 0; j < a->replicates; j++) {
        if (isnan(d[j]) || d[j] < 0) {
            fs_err_set(err, FS_ERUNTIME,
                       "calibration: generation %d, candidate %" PRIu64 ", replicate %d: "
                       "distance %g; expected a number >= 0 or infinity",
                       (int)(id >> PROPOSAL_BITS), id & PROPOSAL_MASK, j + 1,
                       d[j]);
            return -1;
        }
        if (isfinite(d[j]) && d[j] <= eps)
            within++;
    }
    return within;
}

fs_status fs_abc_step(fs_abc *a, fs_abc_sim_fn fn, void *ctx, fs_err *err)
{
    if (a->stop != FS_ABC_RUNNING)
        return FS_OK;
    if (history_grow(a, a->ngen + 1))
        return fs_err_set(err, FS_ENOMEM, "calibration: out of memory");
    int t = a->ngen, np = a->np, m = a->replicates, acc = 0, incomplete = 0;
    double eps = INFINITY, tol0 = 0;
    long k = 0, sim = 0, proposed = 0;
    long before = t ? a->hist[t - 1].simulations : 0;
    if (t > 0) {
        kernel_build(a);
        eps = weighted_quantile(a, a->quantile);
    }
    fs_rng_seed(a->rng, a->seed, (uint64_t)t);
    while (acc < a->particles) {
        long limit = a->batch;
        if (a->max_simulations > 0 && a->max_simulations - before - sim < limit)
            limit = a->max_simulations - before - sim;
        if (limit <= 0) {
            incomplete = FS_ABC_STOP_BUDGET;
            break;
        }
        int nb = 0;
        while (nb < limit && k < a->max_proposals) {
            uint64_t id = ((uint64_t)t << PROPOSAL_BITS) | (uint64_t)k++;
            if (propose(a, t, a->bt + (size_t)nb * np))
                a->bid[nb++] = id;
        }
        if (nb == 0) {
            proposed = k;
            incomplete = t == 0 && acc == 0 ? FS_ABC_STOP_EMPTY : FS_ABC_STOP_ACCEPTANCE;
            break;
        }
        fs_status st = fn(ctx, nb, a->bt, a->bid, a->bd, err);
        if (st != FS_OK)
            return st;
        for (int i = 0; i < nb && acc < a->particles; i++) {
            const double *d = a->bd + (size_t)i * m;
            int within = count_within(a, d, eps, a->bid[i], err);
            if (within < 0)
                return FS_ERUNTIME;
            sim++;
            if (within == 0)
                continue;
            memcpy(a->ntheta + (size_t)acc * np, a->bt + (size_t)i * np, (size_t)np * sizeof(double));
            int nr = 0;
            for (int j = 0; j < m; j++)
                if (isfinite(d[j]) && d[j] <= eps)
                    a->rep[nr++] = d[j];
            a->ndist[acc] = median(a->rep, nr);
            a->share[acc] = (double)within / m;
            if (a->ndist[acc] > tol0)
                tol0 = a->ndist[acc];
            if (++acc == a->particles)
                proposed = (long)(a->bid[i] & PROPOSAL_MASK) + 1;
        }
    }
    if (incomplete) {
        a->stop = incomplete;
        a->cut = sim;
        return FS_OK;
    }
    weigh(a, t);
    double s2 = 0;
    for (int i = 0; i < a->particles; i++)
        s2 += a->nw[i] * a->nw[i];
    fs_abc_gen *g = &a->hist[t];
    g->generation = t;
    g->tolerance = t == 0 ? tol0 : eps;
    g->proposed = proposed;
    g->simulated = sim;
    g->accepted = a->particles;
    g->acceptance = (double)a->particles / (double)proposed;
    g->ess = 1 / s2;
    g->simulations = before + sim;
    double *sw;
    sw = a->theta; a->theta = a->ntheta; a->ntheta = sw;
    sw = a->w; a->w = a->nw; a->nw = sw;
    sw = a->dist; a->dist = a->ndist; a->ndist = sw;
    a->n = a->particles;
    a->ngen = t + 1;
    update_stop(a);
    return FS_OK;
}

int fs_abc_stopped(const fs_abc *a)
{
    return a->stop;
}

long fs_abc_cut_short(const fs_abc *a)
{
    return a->cut;
}

int fs_abc_history(const fs_abc *a, const fs_abc_gen **g)
{
    if (g)
        *g = a->hist;
    return a->ngen;
}

int fs_abc_population(const fs_abc *a, const double **theta, const double **w,
                      const double **dist)
{
    if (theta) *theta = a->theta;
    if (w) *w = a->w;
    if (dist) *dist = a->dist;
    return a->n;
}

/* ---- save and restore ---- */

#define SAVE_MAGIC "foresight-abc 1"

/* Writes one line (printf-style) to f and adds its bytes to the checksum. */
static int save_line(FILE *f, uint64_t *h, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int save_line(FILE *f, uint64_t *h, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    char *p = buf;
    if ((size_t)n >= sizeof buf) {
        if (!(p = malloc((size_t)n + 1)))
            return -1;
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    *h = fs_fnv1a(*h, p, (size_t)n);
    int rc = fwrite(p, 1, (size_t)n, f) == (size_t)n ? 0 : -1;
    if (p != buf)
        free(p);
    return rc;
}

/* Writes v into buf as printf's "%a" does in the GNU C library, the
 * format the state has always been saved in: [-]0x1.hhhp+d for a normal
 * number, the trailing zero digits of its 52-bit fraction dropped (and
 * the point with them when none is left), 0x0.hhhp-1022 for a subnormal,
 * [-]0x0p+0, [-]inf and [-]nan. A population is thousands of numbers,
 * and printf's general machinery took most of a save's time. Returns the
 * length (at most 24; buf holds 32). */
static int hex_double(char *buf, double v)
{
    static const char digit[] = "0123456789abcdef";
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int n = 0, e = (int)(bits >> 52 & 0x7ff);
    uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
    if (bits >> 63)
        buf[n++] = '-';
    if (e == 0x7ff) {
        memcpy(buf + n, frac ? "nan" : "inf", 4);
        return n + 3;
    }
    buf[n++] = '0';
    buf[n++] = 'x';
    buf[n++] = e ? '1' : '0';
    if (frac) {
        buf[n++] = '.';
        for (int shift = 48; frac & ((UINT64_C(1) << (shift + 4)) - 1); shift -= 4)
            buf[n++] = digit[frac >> shift & 0xf];
    }
    int x = e ? e - 1023 : frac ? -1022 : 0;
    buf[n++] = 'p';
    buf[n++] = x < 0 ? '-' : '+';
    x = x < 0 ? -x : x;
    char d[4];
    int nd = 0;
    do
        d[nd++] = (char)('0' + x % 10);
    while ((x /= 10) > 0);
    while (nd > 0)
        buf[n++] = d[--nd];
    return n;
}

/* Writes a population row (its values, its weight and distance, as
 * "%a " each and "%a %a\n") and adds its bytes to the checksum. */
static int save_row(FILE *f, uint64_t *h, const double *x, int np, double w, double d)
{
    char buf[(FS_ABC_MAX_PARAMS + 2) * 25 + 8];
    int n = 0;
    for (int k = 0; k < np; k++) {
        n += hex_double(buf + n, x[k]);
        buf[n++] = ' ';
    }
    n += hex_double(buf + n, w);
    buf[n++] = ' ';
    n += hex_double(buf + n, d);
    buf[n++] = '\n';
    *h = fs_fnv1a(*h, buf, (size_t)n);
    return fwrite(buf, 1, (size_t)n, f) == (size_t)n ? 0 : -1;
}

fs_status fs_abc_save(const fs_abc *a, FILE *f, fs_err *err)
{
    uint64_t h = FS_FNV_INIT;
    int bad = save_line(f, &h, SAVE_MAGIC "\nhash %016" PRIx64 "\nparams %d particles %d "
                        "replicates %d\ngenerations %d\n", a->hash, a->np, a->particles,
                        a->replicates, a->ngen);
    for (int t = 0; !bad && t < a->ngen; t++) {
        const fs_abc_gen *g = &a->hist[t];
        bad = save_line(f, &h, "g %d %a %ld %ld %ld %a %a %ld\n", g->generation, g->tolerance,
                        g->proposed, g->simulated, g->accepted, g->acceptance, g->ess,
                        g->simulations);
    }
    bad = bad || save_line(f, &h, "population %d\n", a->n);
    for (int i = 0; !bad && i < a->n; i++)
        bad = save_row(f, &h, a->theta + (size_t)i * a->np, a->np, a->w[i], a->dist[i]);
    if (bad || fprintf(f, "checksum %016" PRIx64 "\n", h) < 0 || fflush(f) || ferror(f))
        return fs_err_set(err, FS_EIO, "calibration: cannot write the saved state");
    return FS_OK;
}

/* A cursor over the saved text. */
typedef struct reader {
    const char *p;
    int bad;
} reader;

static void skip_blanks(reader *r)
{
    while (*r->p == ' ')
        r->p++;
}

static void expect(reader *r, const char *word)
{
    skip_blanks(r);
    size_t n = strlen(word);
    if (strncmp(r->p, word, n) == 0)
        r->p += n;
    else
        r->bad = 1;
}

static double read_double(reader *r)
{
    skip_blanks(r);
    char *end;
    double v = strtod(r->p, &end);
    if (end == r->p || isnan(v))
        r->bad = 1;
    r->p = end;
    return v;
}

static long read_long(reader *r)
{
    skip_blanks(r);
    char *end;
    long v = strtol(r->p, &end, 10);
    if (end == r->p || v < 0)
        r->bad = 1;
    r->p = end;
    return v;
}

/* Reads all of f into a NUL-terminated buffer; NULL when out of memory or
 * on a read error (*eio set). */
static char *slurp(FILE *f, size_t *len, int *eio)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    *eio = 0;
    while (b) {
        n += fread(b + n, 1, cap - 1 - n, f);
        if (n < cap - 1)
            break;
        char *nb = realloc(b, 2 * cap);
        if (!nb) {
            free(b);
            return NULL;
        }
        b = nb;
        cap *= 2;
    }
    if (!b)
        return NULL;
    if (ferror(f)) {
        *eio = 1;
        free(b);
        return NULL;
    }
    b[n] = 0;
    *len = n;
    return b;
}

/* Parses the body (before the checksum line) into a's spare arrays and
 * hist; returns the generation count or -1 (with why). */
static int parse_body(fs_abc *a, reader *r, fs_abc_gen *hist, int gcap, int *npop,
                      const char **why)
{
    expect(r, SAVE_MAGIC "\nhash");
    skip_blanks(r);
    char *end;
    uint64_t hash = strtoull(r->p, &end, 16);
    if (r->bad || end == r->p) {
        *why = "its header is damaged";
        return -1;
    }
    r->p = end;
    if (hash != a->hash) {
        *why = "it belongs to other settings (priors, particles, replicates, quantile or seed)";
        return -1;
    }
    expect(r, "\nparams");
    long np = read_long(r);
    expect(r, "particles");
    long n = read_long(r);
    expect(r, "replicates");
    long m = read_long(r);
    expect(r, "\ngenerations");
    long ng = read_long(r);
    expect(r, "\n");
    if (r->bad || np != a->np || n != a->particles || m != a->replicates || ng > gcap) {
        *why = "its header is damaged";
        return -1;
    }
    for (long t = 0; t < ng && !r->bad; t++) {
        fs_abc_gen *g = &hist[t];
        expect(r, "g");
        g->generation = (int)read_long(r);
        g->tolerance = read_double(r);
        g->proposed = read_long(r);
        g->simulated = read_long(r);
        g->accepted = read_long(r);
        g->acceptance = read_double(r);
        g->ess = read_double(r);
        g->simulations = read_long(r);
        expect(r, "\n");
        if (g->generation != t || g->accepted != n)
            r->bad = 1;
    }
    expect(r, "population");
    long pn = read_long(r);
    expect(r, "\n");
    if (r->bad || pn != (ng > 0 ? n : 0)) {
        *why = "its history is damaged";
        return -1;
    }
    double sw = 0;
    for (long i = 0; i < pn && !r->bad; i++) {
        for (long k = 0; k < np; k++)
            a->ntheta[i * np + k] = read_double(r);
        a->nw[i] = read_double(r);
        a->ndist[i] = read_double(r);
        expect(r, "\n");
        if (!(a->nw[i] >= 0) || !isfinite(a->nw[i]) || a->ndist[i] < 0 ||
            row_logprior(a, a->ntheta + i * np) == -INFINITY)
            r->bad = 1;
        sw += a->nw[i];
    }
    if (r->bad || *r->p || (pn > 0 && !(sw > 0))) {
        *why = "its population is damaged";
        return -1;
    }
    *npop = (int)pn;
    return (int)ng;
}

fs_status fs_abc_restore(fs_abc *a, FILE *f, fs_err *err)
{
    size_t len = 0;
    int eio;
    char *buf = slurp(f, &len, &eio);
    if (!buf)
        return eio ? fs_err_set(err, FS_EIO, "calibration: cannot read the saved state")
                   : fs_err_set(err, FS_ENOMEM, "calibration: out of memory");
    fs_status st = FS_OK;
    fs_abc_gen *hist = NULL;
    const char *why = NULL;
    /* the checksum line: the last, over every byte before it */
    size_t body = len;
    if (body > 0 && buf[body - 1] == '\n')
        body--;
    while (body > 0 && buf[body - 1] != '\n')
        body--;
    uint64_t sum;
    char *end;
    if (len == 0 || strncmp(buf + body, "checksum ", 9) != 0 || buf[len - 1] != '\n') {
        why = "it is incomplete (no closing checksum line)";
        goto done;
    }
    sum = strtoull(buf + body + 9, &end, 16);
    if (end != buf + len - 1 || sum != fs_fnv1a(FS_FNV_INIT, buf, body)) {
        why = "its checksum does not match its contents (damaged or edited)";
        goto done;
    }
    buf[body] = 0;
    /* a generation line takes at least 20 bytes */
    int gcap = (int)(body / 20 + 1);
    if (!(hist = malloc((size_t)gcap * sizeof *hist))) {
        st = fs_err_set(err, FS_ENOMEM, "calibration: out of memory");
        goto done;
    }
    reader r = {buf, 0};
    int npop = 0, ng = parse_body(a, &r, hist, gcap, &npop, &why);
    if (ng < 0)
        goto done;
    if (history_grow(a, ng + 1)) {
        st = fs_err_set(err, FS_ENOMEM, "calibration: out of memory");
        goto done;
    }
    memcpy(a->hist, hist, (size_t)ng * sizeof *hist);
    a->ngen = ng;
    a->n = npop;
    double *sw;
    sw = a->theta; a->theta = a->ntheta; a->ntheta = sw;
    sw = a->w; a->w = a->nw; a->nw = sw;
    sw = a->dist; a->dist = a->ndist; a->ndist = sw;
    update_stop(a);
done:
    if (why)
        st = fs_err_set(err, FS_ECONFIG, "calibration: cannot resume from the saved state: %s", why);
    free(hist);
    free(buf);
    return st;
}
