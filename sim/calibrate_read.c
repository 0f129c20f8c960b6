/* calibrate_read.c: a calibration directory read back from its CSV files
 * and checked against itself (plot_calibrate.h), with the sums the charts
 * and report.html print: weighted quantiles, correlations, the priors'
 * densities with their truncation. */
#include "plot_calibrate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "csvread.h"
#include "fsio.h"

static const char *const prior_names[] = {"uniform", "loguniform", "normal", "lognormal",
                                          "beta", "gamma"};
#define NPRIORS (int)(sizeof prior_names / sizeof prior_names[0])

/* ---- the priors ---- */

/* The untruncated family's density and distribution function. */
static double family_pdf(const fs_prior *p, double x)
{
    switch (p->kind) {
    case FS_PRIOR_UNIFORM: return x >= p->a && x <= p->b ? 1 / (p->b - p->a) : 0;
    case FS_PRIOR_LOGUNIFORM: return x >= p->a && x <= p->b ? 1 / (x * log(p->b / p->a)) : 0;
    case FS_PRIOR_NORMAL: return gsl_ran_gaussian_pdf(x - p->a, p->b);
    case FS_PRIOR_LOGNORMAL: return x > 0 ? gsl_ran_lognormal_pdf(x, p->a, p->b) : 0;
    case FS_PRIOR_BETA: return x >= 0 && x <= 1 ? gsl_ran_beta_pdf(x, p->a, p->b) : 0;
    default: return x >= 0 ? gsl_ran_gamma_pdf(x, p->a, 1 / p->b) : 0;
    }
}

static double family_cdf(const fs_prior *p, double x)
{
    if (x == -INFINITY)
        return 0;
    if (x == INFINITY)
        return 1;
    switch (p->kind) {
    case FS_PRIOR_UNIFORM: return fmin(fmax((x - p->a) / (p->b - p->a), 0), 1);
    case FS_PRIOR_LOGUNIFORM:
        return x <= p->a ? 0 : fmin(log(x / p->a) / log(p->b / p->a), 1);
    case FS_PRIOR_NORMAL: return gsl_cdf_gaussian_P(x - p->a, p->b);
    case FS_PRIOR_LOGNORMAL: return x > 0 ? gsl_cdf_lognormal_P(x, p->a, p->b) : 0;
    case FS_PRIOR_BETA: return x <= 0 ? 0 : x >= 1 ? 1 : gsl_cdf_beta_P(x, p->a, p->b);
    default: return x > 0 ? gsl_cdf_gamma_P(x, p->a, 1 / p->b) : 0;
    }
}

static double family_quantile(const fs_prior *p, double q)
{
    switch (p->kind) {
    case FS_PRIOR_UNIFORM: return p->a + q * (p->b - p->a);
    case FS_PRIOR_LOGUNIFORM: return p->a * pow(p->b / p->a, q);
    case FS_PRIOR_NORMAL: return p->a + gsl_cdf_gaussian_Pinv(q, p->b);
    case FS_PRIOR_LOGNORMAL: return gsl_cdf_lognormal_Pinv(q, p->a, p->b);
    case FS_PRIOR_BETA: return gsl_cdf_beta_Pinv(q, p->a, p->b);
    default: return gsl_cdf_gamma_Pinv(q, p->a, 1 / p->b);
    }
}

/* The family's mass inside [lo, hi]. */
static double prior_mass(const fs_prior *p)
{
    return family_cdf(p, p->hi) - family_cdf(p, p->lo);
}

double fs_cdir_prior_pdf(const fs_prior *p, double x)
{
    double m = prior_mass(p);
    if (!(x >= p->lo && x <= p->hi) || !(m > 0))
        return 0;
    return family_pdf(p, x) / m;
}

double fs_cdir_prior_cdf(const fs_prior *p, double x)
{
    double m = prior_mass(p), f0 = family_cdf(p, p->lo);
    if (!(m > 0))
        return NAN;
    if (x <= p->lo)
        return 0;
    if (x >= p->hi)
        return 1;
    return fmin(fmax((family_cdf(p, x) - f0) / m, 0), 1);
}

double fs_cdir_prior_quantile(const fs_prior *p, double q)
{
    double f0 = family_cdf(p, p->lo), f1 = family_cdf(p, p->hi);
    double x = family_quantile(p, f0 + q * (f1 - f0));
    return fmin(fmax(x, p->lo), p->hi);
}

void fs_cdir_prior_text(const fs_prior *p, char *buf, size_t n)
{
    static const char *const ab[][2] = {{"from", "to"}, {"from", "to"}, {"mean", "sd"},
                                        {"mean of log", "sd of log"}, {"alpha", "beta"},
                                        {"shape", "rate"}};
    int k = p->kind >= 0 && p->kind < NPRIORS ? p->kind : 0;
    size_t len;
    if (k == FS_PRIOR_UNIFORM || k == FS_PRIOR_LOGUNIFORM)
        snprintf(buf, n, "%s from %.4g to %.4g", prior_names[k], p->a, p->b);
    else
        snprintf(buf, n, "%s (%s %.4g, %s %.4g)", prior_names[k], ab[k][0], p->a, ab[k][1], p->b);
    len = strlen(buf);
    /* Truncation is worth saying only where it cuts off prior mass. */
    if (prior_mass(p) < 1 - 1e-9 && len < n)
        snprintf(buf + len, n - len, ", truncated to [%.4g, %.4g]", p->lo, p->hi);
    len = strlen(buf);
    if (p->integer && len < n)
        snprintf(buf + len, n - len, ", rounded to integers");
}

/* ---- weighted sums ---- */

double fs_weighted_quantile(const double *x, const double *w, const size_t *order, size_t n,
                            double q)
{
    double total = 0, cum = 0;
    size_t i;
    if (n == 0)
        return NAN;
    for (i = 0; i < n; i++)
        total += w ? w[order ? order[i] : i] : 1;
    for (i = 0; i < n; i++) {
        size_t k = order ? order[i] : i;
        cum += w ? w[k] : 1;
        if (cum >= q * total)
            return x[k];
    }
    return x[order ? order[n - 1] : n - 1];
}

double fs_cdir_corr(const fs_cdir *c, int i, int j)
{
    const double *x = c->param[i].x, *y = c->param[j].x, *w = c->weight;
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    size_t k;
    for (k = 0; k < c->n; k++)
        mx += w[k] * x[k], my += w[k] * y[k];
    for (k = 0; k < c->n; k++) {
        sxx += w[k] * (x[k] - mx) * (x[k] - mx);
        syy += w[k] * (y[k] - my) * (y[k] - my);
        sxy += w[k] * (x[k] - mx) * (y[k] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

/* ---- reading ---- */

/* A value and its index, sorted by value then index (so ties keep the
 * file's order and the result never depends on qsort). */
typedef struct keyed {
    double v;
    size_t i;
} keyed;

static int by_value(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

static size_t *sorted_order(const double *x, size_t n)
{
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    size_t *o = malloc((n ? n : 1) * sizeof *o), i;
    if (k == NULL || o == NULL) {
        free(k), free(o);
        return NULL;
    }
    for (i = 0; i < n; i++)
        k[i].v = x[i], k[i].i = i;
    qsort(k, n, sizeof *k, by_value);
    for (i = 0; i < n; i++)
        o[i] = k[i].i;
    free(k);
    return o;
}

/* A number that may be "inf" or "-inf" (priors.csv's lo and hi,
 * generations.csv's first tolerance); anything else as fs_csv_num_req. */
static fs_status num_inf(const fs_csv *t, size_t r, int col, double *v, fs_err *err)
{
    const char *s = fs_csv_str(t, r, col);
    if (strcmp(s, "inf") == 0 || strcmp(s, "-inf") == 0) {
        *v = s[0] == '-' ? -INFINITY : INFINITY;
        return FS_OK;
    }
    return fs_csv_num_req(t, r, col, v, err);
}

static char *copy_str(const char *s, fs_err *err)
{
    char *d = strdup(s);
    if (d == NULL)
        fs_err_set(err, FS_ENOMEM, "out of memory");
    return d;
}

static double *numbers(size_t n, fs_err *err)
{
    double *v = calloc(n ? n : 1, sizeof *v);
    if (v == NULL)
        fs_err_set(err, FS_ENOMEM, "out of memory");
    return v;
}

/* Whether the prior's numbers are in its family's domain; msg says how not. */
static int prior_ok(const fs_prior *p, char *msg, size_t n)
{
    int k = p->kind;
    if ((k == FS_PRIOR_UNIFORM || k == FS_PRIOR_LOGUNIFORM) && !(p->a < p->b))
        snprintf(msg, n, "a < b (the prior's range), got %g and %g", p->a, p->b);
    else if (k == FS_PRIOR_LOGUNIFORM && !(p->a > 0))
        snprintf(msg, n, "a > 0 for a loguniform prior, got %g", p->a);
    else if ((k == FS_PRIOR_NORMAL || k == FS_PRIOR_LOGNORMAL) && !(p->b > 0))
        snprintf(msg, n, "b (the sd) > 0, got %g", p->b);
    else if ((k == FS_PRIOR_BETA || k == FS_PRIOR_GAMMA) && !(p->a > 0 && p->b > 0))
        snprintf(msg, n, "a > 0 and b > 0, got %g and %g", p->a, p->b);
    else if (!(p->lo < p->hi))
        snprintf(msg, n, "lo < hi (the truncation interval), got %g and %g", p->lo, p->hi);
    else if (!(prior_mass(p) > 0))
        snprintf(msg, n, "a truncation interval [%g, %g] holding prior mass", p->lo, p->hi);
    else
        return 1;
    return 0;
}

static fs_status load_priors(fs_cdir *c, fs_err *err)
{
    static const char *const cols[] = {"parameter", "label", "prior", "a", "b", "lo", "hi",
                                       "integer"};
    int ix[8], k;
    fs_csv *t = NULL;
    fs_status st;
    char msg[256];

    if ((st = fs_csv_open_in(c->dir, "priors.csv", &t, err)) != FS_OK ||
        (st = fs_csv_require_all(t, cols, ix, 8, err)) != FS_OK)
        goto done;
    if (fs_csv_nrows(t) == 0 || fs_csv_nrows(t) > FS_ABC_MAX_PARAMS) {
        st = fs_err_set(err, FS_ECONFIG, "%s: expected 1 to %d parameters, one a row, found %zu",
                        fs_csv_path(t), FS_ABC_MAX_PARAMS, fs_csv_nrows(t));
        goto done;
    }
    c->nparams = (int)fs_csv_nrows(t);
    if ((c->param = calloc((size_t)c->nparams, sizeof *c->param)) == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory");
        goto done;
    }
    for (k = 0; k < c->nparams; k++) {
        fs_cdir_param *p = &c->param[k];
        const char *fam = fs_csv_str(t, (size_t)k, ix[2]);
        double integer;
        int f;
        for (f = 0; f < NPRIORS && strcmp(fam, prior_names[f]) != 0; f++)
            ;
        if (f == NPRIORS) {
            st = fs_csv_error(t, (size_t)k, ix[2], err, "column 'prior': expected uniform, "
                              "loguniform, normal, lognormal, beta or gamma, got '%s'", fam);
            goto done;
        }
        p->prior.kind = f;
        if ((st = fs_csv_num_req(t, (size_t)k, ix[3], &p->prior.a, err)) != FS_OK ||
            (st = fs_csv_num_req(t, (size_t)k, ix[4], &p->prior.b, err)) != FS_OK ||
            (st = num_inf(t, (size_t)k, ix[5], &p->prior.lo, err)) != FS_OK ||
            (st = num_inf(t, (size_t)k, ix[6], &p->prior.hi, err)) != FS_OK ||
            (st = fs_csv_num_req(t, (size_t)k, ix[7], &integer, err)) != FS_OK)
            goto done;
        if (integer != 0 && integer != 1) {
            st = fs_csv_error(t, (size_t)k, ix[7], err, "column 'integer': expected 0 or 1, "
                              "got '%s'", fs_csv_str(t, (size_t)k, ix[7]));
            goto done;
        }
        p->prior.integer = integer == 1;
        if (!prior_ok(&p->prior, msg, sizeof msg)) {
            st = fs_csv_error(t, (size_t)k, ix[2], err, "the %s prior of '%s': expected %s",
                              fam, fs_csv_str(t, (size_t)k, ix[0]), msg);
            goto done;
        }
        if (fs_csv_str(t, (size_t)k, ix[0])[0] == '\0') {
            st = fs_csv_error(t, (size_t)k, ix[0], err, "column 'parameter': expected a "
                              "setting path, got an empty field");
            goto done;
        }
        if ((p->path = copy_str(fs_csv_str(t, (size_t)k, ix[0]), err)) == NULL ||
            (p->label = copy_str(fs_csv_str(t, (size_t)k, ix[1])[0] ? fs_csv_str(t, (size_t)k, ix[1])
                            : p->path, err)) == NULL) {
            st = FS_ENOMEM;
            goto done;
        }
    }
    {
        static const char *const key[] = {"parameter"};
        st = fs_csv_unique(t, key, 1, err);
    }
done:
    fs_csv_free(t);
    return st;
}

static fs_status load_posterior(fs_cdir *c, fs_err *err)
{
    fs_csv *t = NULL;
    fs_status st;
    int ip, iw, id, k, col[FS_ABC_MAX_PARAMS];
    size_t r;
    double sum = 0, sq = 0;

    if ((st = fs_csv_open_in(c->dir, "posterior.csv", &t, err)) != FS_OK ||
        (st = fs_csv_require(t, "particle", &ip, err)) != FS_OK ||
        (st = fs_csv_require(t, "weight", &iw, err)) != FS_OK ||
        (st = fs_csv_require(t, "distance", &id, err)) != FS_OK)
        goto done;
    for (k = 0; k < c->nparams; k++)
        if ((col[k] = fs_csv_col(t, c->param[k].path)) < 0) {
            st = fs_err_set(err, FS_ECONFIG, "%s:1: expected a column '%s' (parameter %d of "
                            "priors.csv), found none", fs_csv_path(t), c->param[k].path, k + 1);
            goto done;
        }
    if (fs_csv_ncols(t) != c->nparams + 3) {
        for (k = 0; k < fs_csv_ncols(t); k++) {
            const char *h = fs_csv_header(t, k);
            int j, known = strcmp(h, "particle") == 0 || strcmp(h, "weight") == 0 ||
                           strcmp(h, "distance") == 0;
            for (j = 0; j < c->nparams && !known; j++)
                known = strcmp(h, c->param[j].path) == 0;
            if (!known)
                break;
        }
        st = fs_err_set(err, FS_ECONFIG, "%s:1: expected the columns particle, the %d "
                        "parameters of priors.csv, weight and distance; column '%s' is none of "
                        "them", fs_csv_path(t), c->nparams,
                        k < fs_csv_ncols(t) ? fs_csv_header(t, k) : "?");
        goto done;
    }
    if ((c->n = fs_csv_nrows(t)) == 0) {
        st = fs_err_set(err, FS_ECONFIG, "%s: expected the weighted particles of the final "
                        "generation, found no row", fs_csv_path(t));
        goto done;
    }
    if ((c->weight = numbers(c->n, err)) == NULL || (c->distance = numbers(c->n, err)) == NULL) {
        st = FS_ENOMEM;
        goto done;
    }
    for (k = 0; k < c->nparams; k++)
        if ((c->param[k].x = numbers(c->n, err)) == NULL) {
            st = FS_ENOMEM;
            goto done;
        }
    for (r = 0; r < c->n; r++) {
        double v;
        if ((st = fs_csv_num_req(t, r, ip, &v, err)) != FS_OK)
            goto done;
        if (v != (double)r) {
            st = fs_csv_error(t, r, ip, err, "column 'particle': expected %zu (rows in "
                              "particle order from 0), got '%s'", r, fs_csv_str(t, r, ip));
            goto done;
        }
        for (k = 0; k < c->nparams; k++) {
            const fs_prior *p = &c->param[k].prior;
            if ((st = fs_csv_num_req(t, r, col[k], &v, err)) != FS_OK)
                goto done;
            if (v < p->lo || v > p->hi || (p->integer && v != floor(v))) {
                st = fs_csv_error(t, r, col[k], err, "column '%s': expected %s within the "
                                  "prior's range [%g, %g], got '%s'", c->param[k].path,
                                  p->integer ? "an integer" : "a value", p->lo, p->hi,
                                  fs_csv_str(t, r, col[k]));
                goto done;
            }
            c->param[k].x[r] = v;
        }
        if ((st = fs_csv_num_req(t, r, iw, &c->weight[r], err)) != FS_OK ||
            (st = fs_csv_num_req(t, r, id, &c->distance[r], err)) != FS_OK)
            goto done;
        if (c->weight[r] < 0 || c->distance[r] < 0) {
            int w = c->weight[r] < 0;
            st = fs_csv_error(t, r, w ? iw : id, err, "column '%s': expected a number >= 0, "
                              "got '%s'", w ? "weight" : "distance",
                              fs_csv_str(t, r, w ? iw : id));
            goto done;
        }
        sum += c->weight[r];
        sq += c->weight[r] * c->weight[r];
    }
    /* Normalised weights written as %.17g sum to 1 within rounding. */
    if (!(fabs(sum - 1) <= 1e-6)) {
        st = fs_err_set(err, FS_ECONFIG, "%s: expected weights that sum to 1 (normalised), "
                        "found a sum of %.17g", fs_csv_path(t), sum);
        goto done;
    }
    c->ess = sum * sum / sq;
    for (k = 0; k < c->nparams; k++)
        if ((c->param[k].order = sorted_order(c->param[k].x, c->n)) == NULL) {
            st = fs_err_set(err, FS_ENOMEM, "out of memory");
            goto done;
        }
done:
    fs_csv_free(t);
    return st;
}

static fs_status load_generations(fs_cdir *c, fs_err *err)
{
    static const char *const cols[] = {"generation", "tolerance", "proposed", "simulated",
                                       "accepted", "acceptance_rate", "ess", "runs"};
    double **dst[8] = {&c->gen, &c->tolerance, &c->proposed, &c->simulated, &c->accepted,
                       &c->acceptance, &c->gen_ess, &c->runs};
    int ix[8], k;
    fs_csv *t = NULL;
    fs_status st;
    size_t r, n;

    if ((st = fs_csv_open_in(c->dir, "generations.csv", &t, err)) != FS_OK ||
        (st = fs_csv_require_all(t, cols, ix, 8, err)) != FS_OK)
        goto done;
    if ((n = fs_csv_nrows(t)) == 0 || n > 100000) {
        st = fs_err_set(err, FS_ECONFIG, "%s: expected one row per generation (1 to 100000), "
                        "found %zu", fs_csv_path(t), n);
        goto done;
    }
    c->ngens = (int)n;
    for (k = 0; k < 8; k++)
        if ((*dst[k] = numbers(n, err)) == NULL) {
            st = FS_ENOMEM;
            goto done;
        }
    for (r = 0; r < n; r++)
        for (k = 0; k < 8; k++) {
            double *v = &(*dst[k])[r];
            if ((st = k == 1 ? num_inf(t, r, ix[k], v, err)
                             : fs_csv_num_req(t, r, ix[k], v, err)) != FS_OK)
                goto done;
            if (k == 0 && *v != (double)r) {
                st = fs_csv_error(t, r, ix[0], err, "column 'generation': expected %zu "
                                  "(generations in order from 0), got '%s'", r,
                                  fs_csv_str(t, r, ix[0]));
                goto done;
            }
            if (*v < 0 || (k == 5 && *v > 1)) {
                st = fs_csv_error(t, r, ix[k], err, "column '%s': expected a number %s, got "
                                  "'%s'", cols[k], k == 5 ? "from 0 to 1" : ">= 0",
                                  fs_csv_str(t, r, ix[k]));
                goto done;
            }
        }
done:
    fs_csv_free(t);
    return st;
}

static fs_status load_targets(fs_cdir *c, fs_err *err)
{
    static const char *const cols[] = {"target", "output", "figure", "sd", "uncertainty",
                                       "source", "held_out", "mapping"};
    static const char *const key[] = {"target"};
    int ix[8], k;
    fs_csv *t = NULL;
    fs_status st;

    if ((st = fs_csv_open_in(c->dir, "targets.csv", &t, err)) != FS_OK ||
        (st = fs_csv_require_all(t, cols, ix, 8, err)) != FS_OK ||
        (st = fs_csv_unique(t, key, 1, err)) != FS_OK)
        goto done;
    if (fs_csv_nrows(t) == 0 || fs_csv_nrows(t) > 256) {
        st = fs_err_set(err, FS_ECONFIG, "%s: expected 1 to 256 targets, one a row, found %zu",
                        fs_csv_path(t), fs_csv_nrows(t));
        goto done;
    }
    c->ntargets = (int)fs_csv_nrows(t);
    if ((c->target = calloc((size_t)c->ntargets, sizeof *c->target)) == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory");
        goto done;
    }
    for (k = 0; k < c->ntargets; k++) {
        fs_cdir_target *g = &c->target[k];
        size_t r = (size_t)k;
        const char *u = fs_csv_str(t, r, ix[4]);
        double h;
        if ((st = fs_csv_num_req(t, r, ix[2], &g->figure, err)) != FS_OK ||
            (st = fs_csv_num_req(t, r, ix[3], &g->sd, err)) != FS_OK ||
            (st = fs_csv_num_req(t, r, ix[6], &h, err)) != FS_OK)
            goto done;
        if (!(g->sd > 0)) {
            st = fs_csv_error(t, r, ix[3], err, "column 'sd': expected a number > 0, got '%s'",
                              fs_csv_str(t, r, ix[3]));
            goto done;
        }
        if (h != 0 && h != 1) {
            st = fs_csv_error(t, r, ix[6], err, "column 'held_out': expected 0 or 1, got '%s'",
                              fs_csv_str(t, r, ix[6]));
            goto done;
        }
        if (strcmp(u, "relative") != 0 && strcmp(u, "absolute") != 0 && strcmp(u, "count") != 0) {
            st = fs_csv_error(t, r, ix[4], err, "column 'uncertainty': expected relative, "
                              "absolute or count, got '%s'", u);
            goto done;
        }
        if (fs_csv_str(t, r, ix[0])[0] == '\0') {
            st = fs_csv_error(t, r, ix[0], err, "column 'target': expected a name, got an "
                              "empty field");
            goto done;
        }
        g->held_out = h == 1;
        if ((g->name = copy_str(fs_csv_str(t, r, ix[0]), err)) == NULL ||
            (g->output = copy_str(fs_csv_str(t, r, ix[1]), err)) == NULL ||
            (g->uncertainty = copy_str(u, err)) == NULL ||
            (g->source = copy_str(fs_csv_str(t, r, ix[5]), err)) == NULL ||
            (g->mapping = copy_str(fs_csv_str(t, r, ix[7]), err)) == NULL) {
            st = FS_ENOMEM;
            goto done;
        }
    }
done:
    fs_csv_free(t);
    return st;
}

static fs_status load_predictive(fs_cdir *c, fs_err *err)
{
    fs_csv *t = NULL;
    fs_status st;
    int id, ip, k, col[256];
    size_t r;

    if ((st = fs_csv_open_in(c->dir, "predictive.csv", &t, err)) != FS_OK ||
        (st = fs_csv_require(t, "draw", &id, err)) != FS_OK ||
        (st = fs_csv_require(t, "particle", &ip, err)) != FS_OK)
        goto done;
    for (k = 0; k < c->ntargets; k++)
        if ((col[k] = fs_csv_col(t, c->target[k].name)) < 0) {
            st = fs_err_set(err, FS_ECONFIG, "%s:1: expected a column '%s' (target %d of "
                            "targets.csv), found none", fs_csv_path(t), c->target[k].name, k + 1);
            goto done;
        }
    if (fs_csv_ncols(t) != c->ntargets + 2) {
        st = fs_err_set(err, FS_ECONFIG, "%s:1: expected the columns draw, particle and the %d "
                        "targets of targets.csv, found %d columns", fs_csv_path(t), c->ntargets,
                        fs_csv_ncols(t));
        goto done;
    }
    c->ndraws = fs_csv_nrows(t);
    for (k = 0; k < c->ntargets; k++)
        if ((c->target[k].draw = numbers(c->ndraws, err)) == NULL) {
            st = FS_ENOMEM;
            goto done;
        }
    for (r = 0; r < c->ndraws; r++) {
        double v;
        if ((st = fs_csv_num_req(t, r, id, &v, err)) != FS_OK)
            goto done;
        if (v != (double)r) {
            st = fs_csv_error(t, r, id, err, "column 'draw': expected %zu (draws in order "
                              "from 0), got '%s'", r, fs_csv_str(t, r, id));
            goto done;
        }
        if ((st = fs_csv_num_req(t, r, ip, &v, err)) != FS_OK)
            goto done;
        if (v < 0 || v >= (double)c->n || v != floor(v)) {
            st = fs_csv_error(t, r, ip, err, "column 'particle': expected a particle of "
                              "posterior.csv (0 to %zu), got '%s'", c->n - 1,
                              fs_csv_str(t, r, ip));
            goto done;
        }
        for (k = 0; k < c->ntargets; k++)
            if ((st = fs_csv_num_req(t, r, col[k], &c->target[k].draw[r], err)) != FS_OK)
                goto done;
    }
    for (k = 0; k < c->ntargets; k++)
        if ((c->target[k].order = sorted_order(c->target[k].draw, c->ndraws)) == NULL) {
            st = fs_err_set(err, FS_ENOMEM, "out of memory");
            goto done;
        }
done:
    fs_csv_free(t);
    return st;
}

int fs_cdir_present(const char *dir)
{
    char path[4096];
    return fs_path_join(path, sizeof path, dir, "posterior.csv") != NULL &&
           access(path, F_OK) == 0;
}

fs_cdir *fs_cdir_load(const char *dir, fs_err *err)
{
    fs_cdir *c = calloc(1, sizeof *c);
    if (c == NULL || (c->dir = strdup(dir)) == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        fs_cdir_free(c);
        return NULL;
    }
    if (load_priors(c, err) != FS_OK || load_posterior(c, err) != FS_OK ||
        load_generations(c, err) != FS_OK || load_targets(c, err) != FS_OK ||
        load_predictive(c, err) != FS_OK) {
        fs_cdir_free(c);
        return NULL;
    }
    return c;
}

void fs_cdir_free(fs_cdir *c)
{
    int k;
    if (c == NULL)
        return;
    for (k = 0; c->param && k < c->nparams; k++) {
        free(c->param[k].path), free(c->param[k].label);
        free(c->param[k].x), free(c->param[k].order);
    }
    for (k = 0; c->target && k < c->ntargets; k++) {
        fs_cdir_target *g = &c->target[k];
        free(g->name), free(g->output), free(g->uncertainty), free(g->source);
        free(g->mapping), free(g->draw), free(g->order);
    }
    free(c->param), free(c->target), free(c->weight), free(c->distance);
    free(c->gen), free(c->tolerance), free(c->proposed), free(c->simulated);
    free(c->accepted), free(c->acceptance), free(c->gen_ess), free(c->runs);
    free(c->dir);
    free(c);
}
