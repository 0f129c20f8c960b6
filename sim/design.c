/* design.c: grid, random, Latin hypercube, Sobol (Saltelli), Morris and
 * one-at-a-time designs. Everything is checked before anything is
 * allocated; the random kinds draw from one Philox stream. */
#include "design.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>

struct fs_design {
    fs_design_kind kind;
    int k, npoints;
    int nbase;          /* N for sobol, r for morris, npoints otherwise */
    int p;              /* morris grid levels */
    double delta;       /* morris step in unit coordinates */
    double *x;          /* [npoints * k] parameter values */
    double *u;          /* [npoints * k] unit-cube coordinates */
    double *lo, *hi;    /* [k] */
    int *integer;       /* [k] */
    int *changed;       /* [npoints] morris only: the parameter changed */
};

static const char *const kind_names[] = {
    "grid", "random", "lhs", "sobol", "morris", "oat"
};

/* ---- names and checks ---- */

/* A parameter's name for messages: its own, or "parameter j". */
static const char *pname(const fs_sparam *p, int j, char *buf, size_t n)
{
    if (p[j].name != NULL && p[j].name[0] != '\0')
        return p[j].name;
    snprintf(buf, n, "parameter %d", j);
    return buf;
}

static int is_integral(double v)
{
    return isfinite(v) && v == floor(v);
}

/* The value of level l of n evenly spaced levels over [lo, hi]. */
static double even_level(const fs_sparam *q, int l, int n)
{
    double u = (double)l / (n - 1), v = (1.0 - u) * q->lo + u * q->hi;
    return q->integer ? round(v) : v;
}

static fs_status check_levels(const fs_sparam *p, int j, fs_err *err)
{
    char b[32];
    const fs_sparam *q = &p[j];
    int l, m;

    if (q->levels == NULL)
        return fs_err_set(err, FS_ECONFIG, "%s: %d levels given but no values",
                          pname(p, j, b, sizeof b), q->nlevels);
    for (l = 0; l < q->nlevels; l++) {
        double v = q->levels[l];
        if (!isfinite(v) || v < q->lo || v > q->hi)
            return fs_err_set(err, FS_ECONFIG, "%s: level %g is outside [%g, %g]",
                              pname(p, j, b, sizeof b), v, q->lo, q->hi);
        if (q->integer && !is_integral(v))
            return fs_err_set(err, FS_ECONFIG, "%s: integer parameter has level %g",
                              pname(p, j, b, sizeof b), v);
        for (m = 0; m < l; m++)
            if (q->levels[m] == v)
                return fs_err_set(err, FS_ECONFIG, "%s: level %g is given twice",
                                  pname(p, j, b, sizeof b), v);
    }
    return FS_OK;
}

static fs_status check_param(const fs_sparam *p, int j, fs_err *err)
{
    char b[32];
    const fs_sparam *q = &p[j];

    if (!isfinite(q->lo) || !isfinite(q->hi))
        return fs_err_set(err, FS_ECONFIG, "%s: bounds must be finite numbers",
                          pname(p, j, b, sizeof b));
    if (q->lo > q->hi)
        return fs_err_set(err, FS_ECONFIG, "%s: lower bound %g is above upper bound %g",
                          pname(p, j, b, sizeof b), q->lo, q->hi);
    if (q->integer && (!is_integral(q->lo) || !is_integral(q->hi)))
        return fs_err_set(err, FS_ECONFIG, "%s: integer parameter needs integer bounds, "
                          "not [%g, %g]", pname(p, j, b, sizeof b), q->lo, q->hi);
    if (q->nlevels < 0)
        return fs_err_set(err, FS_ECONFIG, "%s: negative number of levels (%d)",
                          pname(p, j, b, sizeof b), q->nlevels);
    if (q->nlevels > 0)
        return check_levels(p, j, err);
    return FS_OK;
}

/* Points of a grid, or an error when a parameter has too few levels or
 * the product exceeds the limit. */
static fs_status grid_size(const fs_sparam *p, int k, int n, int64_t *np, fs_err *err)
{
    char b[32];
    int64_t size = 1;
    int j, l;

    for (j = 0; j < k; j++) {
        int nl = p[j].nlevels > 0 ? p[j].nlevels : n;
        if (p[j].nlevels == 0 && n < 2)
            return fs_err_set(err, FS_ECONFIG, "grid design: %s has no levels and the "
                              "number of levels n is %d (at least 2)",
                              pname(p, j, b, sizeof b), n);
        for (l = 1; p[j].nlevels == 0 && p[j].integer && l < nl; l++)
            if (even_level(&p[j], l, nl) == even_level(&p[j], l - 1, nl))
                return fs_err_set(err, FS_ECONFIG, "grid design: integer %s on [%g, %g] "
                                  "cannot have %d distinct levels",
                                  pname(p, j, b, sizeof b), p[j].lo, p[j].hi, nl);
        size *= nl;
        if (size > FS_DESIGN_MAX_POINTS)
            return fs_err_set(err, FS_ECONFIG, "grid design: more than %d points "
                              "(the limit) after %d parameters", FS_DESIGN_MAX_POINTS, j + 1);
    }
    *np = size;
    return FS_OK;
}

static fs_status morris_check(const fs_sparam *p, int k, const fs_design_opts *o, fs_err *err)
{
    char b[32];
    int pl = o->p == 0 ? 4 : o->p, j;
    double delta = pl / (2.0 * (pl - 1));

    if (o->r < 2)
        return fs_err_set(err, FS_ECONFIG, "morris design: r = %d trajectories, "
                          "at least 2 are needed for sigma", o->r);
    if (pl < 2 || pl % 2 != 0 || pl > 1000)
        return fs_err_set(err, FS_ECONFIG, "morris design: p = %d levels, "
                          "expected an even number from 2 to 1000", pl);
    for (j = 0; j < k; j++)
        if (p[j].integer && delta * (p[j].hi - p[j].lo) < 1.0)
            return fs_err_set(err, FS_ECONFIG, "morris design: integer %s on [%g, %g] "
                              "is too narrow for steps of %g of its range "
                              "(need (hi - lo) * %g >= 1)", pname(p, j, b, sizeof b),
                              p[j].lo, p[j].hi, delta, delta);
    return FS_OK;
}

static fs_status oat_check(const fs_sparam *p, int k, const fs_design_opts *o, fs_err *err)
{
    char b[32];
    int j;

    for (j = 0; o->base != NULL && j < k; j++) {
        double v = o->base[j];
        if (!isfinite(v) || v < p[j].lo || v > p[j].hi)
            return fs_err_set(err, FS_ECONFIG, "oat design: base value %g of %s is "
                              "outside [%g, %g]", v, pname(p, j, b, sizeof b),
                              p[j].lo, p[j].hi);
        if (p[j].integer && !is_integral(v))
            return fs_err_set(err, FS_ECONFIG, "oat design: integer %s has base value %g",
                              pname(p, j, b, sizeof b), v);
    }
    return FS_OK;
}

/* The number of points of a design, after every check on its options. */
static fs_status design_size(fs_design_kind kind, const fs_sparam *p, int k,
                             const fs_design_opts *o, int64_t *np, fs_err *err)
{
    fs_status s;

    switch (kind) {
    case FS_DESIGN_GRID:
        return grid_size(p, k, o->n, np, err);
    case FS_DESIGN_RANDOM:
    case FS_DESIGN_LHS:
        if (o->n < 1)
            return fs_err_set(err, FS_ECONFIG, "%s design: n = %d points, at least 1",
                              fs_design_kind_name(kind), o->n);
        *np = o->n;
        return FS_OK;
    case FS_DESIGN_SOBOL:
        if (k > FS_SOBOL_MAX_PARAMS)
            return fs_err_set(err, FS_ECONFIG, "sobol design: %d parameters, at most %d "
                              "(GSL's Sobol sequence has 40 dimensions and Saltelli's "
                              "scheme needs 2 per parameter)", k, FS_SOBOL_MAX_PARAMS);
        if (o->n < 2)
            return fs_err_set(err, FS_ECONFIG, "sobol design: N = %d base rows, at least 2",
                              o->n);
        *np = (int64_t)o->n * (k + 2);
        return FS_OK;
    case FS_DESIGN_MORRIS:
        if ((s = morris_check(p, k, o, err)) != FS_OK)
            return s;
        *np = (int64_t)o->r * (k + 1);
        return FS_OK;
    case FS_DESIGN_OAT:
        if ((s = oat_check(p, k, o, err)) != FS_OK)
            return s;
        *np = 2 * (int64_t)k + 1;
        return FS_OK;
    }
    return fs_err_set(err, FS_ECONFIG, "unknown design kind %d", (int)kind);
}

static fs_status check_all(fs_design_kind kind, const fs_sparam *p, int k,
                           const fs_design_opts *o, int64_t *np, fs_err *err)
{
    fs_status s;
    int j;

    if (k < 1)
        return fs_err_set(err, FS_ECONFIG, "a design needs at least one parameter (k = %d)", k);
    if (k > FS_DESIGN_MAX_PARAMS)
        return fs_err_set(err, FS_ECONFIG, "%d parameters, at most %d", k,
                          FS_DESIGN_MAX_PARAMS);
    if (p == NULL || o == NULL)
        return fs_err_set(err, FS_ECONFIG, "design: no parameters or no options given");
    for (j = 0; j < k; j++)
        if ((s = check_param(p, j, err)) != FS_OK)
            return s;
    if ((s = design_size(kind, p, k, o, np, err)) != FS_OK)
        return s;
    if (*np > FS_DESIGN_MAX_POINTS)
        return fs_err_set(err, FS_ECONFIG, "%s design: %lld points, more than the limit %d",
                          fs_design_kind_name(kind), (long long)*np, FS_DESIGN_MAX_POINTS);
    return FS_OK;
}

/* ---- unit coordinates to values ---- */

/* Level-based designs (grid, morris, oat): lo + u (hi - lo), written so
 * that u = 0 and u = 1 give lo and hi exactly, and rounded to the nearest
 * integer for integer parameters. */
static double level_value(const fs_design *d, int j, double u)
{
    double v = (1.0 - u) * d->lo[j] + u * d->hi[j];
    if (v < d->lo[j])
        v = d->lo[j];
    if (v > d->hi[j])
        v = d->hi[j];
    return d->integer[j] ? round(v) : v;
}

/* Sampling designs (random, lhs, sobol): as level_value for continuous
 * parameters; an integer parameter takes lo + floor(u (hi - lo + 1)), so
 * each of its hi - lo + 1 values owns an equal share of [0, 1). Rounding
 * lo + u (hi - lo) instead would give lo and hi half the weight of the
 * values between them. */
static double sample_value(const fs_design *d, int j, double u)
{
    double m, v;

    if (!d->integer[j])
        return level_value(d, j, u);
    m = d->hi[j] - d->lo[j];
    v = floor(u * (m + 1.0));
    return d->lo[j] + (v > m ? m : v);
}

static void fill_values(fs_design *d, int sampled)
{
    int i, j;

    for (i = 0; i < d->npoints; i++)
        for (j = 0; j < d->k; j++) {
            double u = d->u[(size_t)i * d->k + j];
            d->x[(size_t)i * d->k + j] = sampled ? sample_value(d, j, u) : level_value(d, j, u);
        }
}

/* ---- the designs ---- */

/* The unit coordinate of value v of parameter j; 1/2 when lo = hi. */
static double unit_of(const fs_design *d, int j, double v)
{
    double w = d->hi[j] - d->lo[j];
    return w > 0.0 ? (v - d->lo[j]) / w : 0.5;
}

/* Grid: point i's level of parameter j is digit j of i in the mixed radix
 * of the level counts, parameter k-1 the fastest. Explicit levels keep
 * their exact values. */
static void build_grid(fs_design *d, const fs_sparam *p, int n)
{
    int i, j;

    for (i = 0; i < d->npoints; i++) {
        int rest = i;
        for (j = d->k - 1; j >= 0; j--) {
            int nl = p[j].nlevels > 0 ? p[j].nlevels : n, l = rest % nl;
            size_t c = (size_t)i * d->k + j;
            rest /= nl;
            if (p[j].nlevels > 0) {
                d->x[c] = p[j].levels[l];
                d->u[c] = unit_of(d, j, d->x[c]);
            } else {
                d->u[c] = (double)l / (nl - 1);
                d->x[c] = level_value(d, j, d->u[c]);
            }
        }
    }
}

static void build_random(fs_design *d, gsl_rng *r)
{
    size_t c, n = (size_t)d->npoints * d->k;

    for (c = 0; c < n; c++)
        d->u[c] = gsl_rng_uniform(r);
    fill_values(d, 1);
}

/* Latin hypercube: per dimension, a random permutation assigns the n
 * strata [s/n, (s+1)/n) to the points, then a uniform draw places each
 * point within its stratum. */
static fs_status build_lhs(fs_design *d, gsl_rng *r, fs_err *err)
{
    int n = d->npoints, i, j;
    int *perm = malloc((size_t)n * sizeof *perm);

    if (perm == NULL)
        return fs_err_set(err, FS_ENOMEM, "lhs design: out of memory");
    for (j = 0; j < d->k; j++) {
        for (i = 0; i < n; i++)
            perm[i] = i;
        gsl_ran_shuffle(r, perm, (size_t)n, sizeof *perm);
        for (i = 0; i < n; i++)
            d->u[(size_t)i * d->k + j] = (perm[i] + gsl_rng_uniform(r)) / n;
    }
    free(perm);
    fill_values(d, 1);
    return FS_OK;
}

/* Saltelli: row j of the 2k-dimensional Sobol sequence gives A's row j
 * (its first k coordinates) and B's row j (its last k). GSL's generator
 * starts at the sequence's second point, (1/2, ..., 1/2): the all-zero
 * first point is never returned, so nothing is skipped here. Blocks:
 * A (rows 0..N-1), B (N..2N-1), AB_i ((2+i)N..(3+i)N-1) = A with column i
 * taken from B. */
static fs_status build_sobol(fs_design *d, fs_err *err)
{
    int N = d->nbase, k = d->k, i, j, c;
    double v[2 * FS_SOBOL_MAX_PARAMS];
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));

    if (q == NULL)
        return fs_err_set(err, FS_ENOMEM, "sobol design: out of memory");
    for (j = 0; j < N; j++) {
        if (gsl_qrng_get(q, v) != 0) {
            gsl_qrng_free(q);
            return fs_err_set(err, FS_ERUNTIME, "sobol design: GSL's Sobol sequence "
                              "ran out after %d points", j);
        }
        for (c = 0; c < k; c++) {
            d->u[(size_t)j * k + c] = v[c];
            d->u[((size_t)N + j) * k + c] = v[k + c];
        }
        for (i = 0; i < k; i++)
            for (c = 0; c < k; c++)
                d->u[((size_t)(2 + i) * N + j) * k + c] = c == i ? v[k + c] : v[c];
    }
    gsl_qrng_free(q);
    fill_values(d, 1);
    return FS_OK;
}

/* One Morris trajectory (Morris 1991; Saltelli et al. 2008, ch. 3) at rows
 * t(k+1)..t(k+1)+k. Levels are l/(p-1), l = 0..p-1, and a step is p/2
 * levels (delta = p / (2(p-1))). Each parameter gets a base level in
 * 0..p/2-1 and a sign: a + sign starts at the base and steps up, a - sign
 * starts p/2 levels higher and steps down, so every point stays on the
 * grid. The parameters then move one at a time in a random order. */
static void morris_trajectory(fs_design *d, gsl_rng *r, int t, int *lev, int *sgn, int *ord)
{
    int k = d->k, half = d->p / 2, j, m;
    size_t row0 = (size_t)t * (k + 1);

    for (j = 0; j < k; j++)
        lev[j] = (int)gsl_rng_uniform_int(r, (unsigned long)half);
    for (j = 0; j < k; j++) {
        sgn[j] = gsl_rng_uniform_int(r, 2) ? 1 : -1;
        if (sgn[j] < 0)
            lev[j] += half;
        ord[j] = j;
    }
    gsl_ran_shuffle(r, ord, (size_t)k, sizeof *ord);
    for (m = 0; m <= k; m++) {
        if (m > 0)
            lev[ord[m - 1]] += sgn[ord[m - 1]] * half;
        d->changed[row0 + m] = m > 0 ? ord[m - 1] : -1;
        for (j = 0; j < k; j++)
            d->u[(row0 + m) * k + j] = (double)lev[j] / (d->p - 1);
    }
}

static fs_status build_morris(fs_design *d, gsl_rng *r, fs_err *err)
{
    int *w = malloc(3 * (size_t)d->k * sizeof *w), t;

    d->changed = malloc((size_t)d->npoints * sizeof *d->changed);
    if (w == NULL || d->changed == NULL) {
        free(w);
        return fs_err_set(err, FS_ENOMEM, "morris design: out of memory");
    }
    for (t = 0; t < d->nbase; t++)
        morris_trajectory(d, r, t, w, w + d->k, w + 2 * d->k);
    free(w);
    fill_values(d, 0);
    return FS_OK;
}

/* One at a time: the base point, then for each parameter its lo and its
 * hi with the others at base. */
static void build_oat(fs_design *d, const double *base)
{
    int k = d->k, i, j;

    for (j = 0; j < k; j++) {
        double b = base != NULL ? base[j] : (d->lo[j] + d->hi[j]) / 2;
        if (d->integer[j])
            b = round(b);
        for (i = 0; i < d->npoints; i++) {
            d->x[(size_t)i * k + j] = b;
            d->u[(size_t)i * k + j] = unit_of(d, j, b);
        }
        d->x[(size_t)(1 + 2 * j) * k + j] = d->lo[j];
        d->u[(size_t)(1 + 2 * j) * k + j] = 0.0;
        d->x[(size_t)(2 + 2 * j) * k + j] = d->hi[j];
        d->u[(size_t)(2 + 2 * j) * k + j] = 1.0;
    }
}

static fs_status build(fs_design *d, const fs_sparam *p, const fs_design_opts *o, fs_err *err)
{
    fs_status s = FS_OK;
    gsl_rng *r = NULL;

    if (d->kind == FS_DESIGN_RANDOM || d->kind == FS_DESIGN_LHS || d->kind == FS_DESIGN_MORRIS) {
        if ((r = fs_rng_alloc()) == NULL)
            return fs_err_set(err, FS_ENOMEM, "design: out of memory");
        fs_rng_seed(r, o->seed, FS_DESIGN_STREAM);
    }
    switch (d->kind) {
    case FS_DESIGN_GRID: build_grid(d, p, o->n); break;
    case FS_DESIGN_RANDOM: build_random(d, r); break;
    case FS_DESIGN_LHS: s = build_lhs(d, r, err); break;
    case FS_DESIGN_SOBOL: s = build_sobol(d, err); break;
    case FS_DESIGN_MORRIS: s = build_morris(d, r, err); break;
    case FS_DESIGN_OAT: build_oat(d, o->base); break;
    }
    gsl_rng_free(r);
    return s;
}

fs_status fs_design_count(fs_design_kind kind, const fs_sparam *p, int k,
                          const fs_design_opts *o, int *npoints, fs_err *err)
{
    int64_t np = 0;
    fs_status st = check_all(kind, p, k, o, &np, err);
    *npoints = st == FS_OK ? (int)np : 0;
    return st;
}

/* What a design keeps per point: x and u, and Morris's changed flags. */
double fs_design_point_bytes(fs_design_kind kind, int k)
{
    return 2.0 * k * sizeof(double) + (kind == FS_DESIGN_MORRIS ? sizeof(int) : 0);
}

fs_design *fs_design_alloc(fs_design_kind kind, const fs_sparam *p, int k,
                           const fs_design_opts *o, fs_err *err)
{
    fs_design *d = NULL;
    int64_t np = 0;
    size_t n;
    int j;

    if (check_all(kind, p, k, o, &np, err) != FS_OK)
        return NULL;
    n = (size_t)np * (size_t)k;
    if ((d = calloc(1, sizeof *d)) == NULL)
        goto nomem;
    d->kind = kind;
    d->k = k;
    d->npoints = (int)np;
    d->nbase = kind == FS_DESIGN_SOBOL ? o->n : kind == FS_DESIGN_MORRIS ? o->r : (int)np;
    d->p = kind == FS_DESIGN_MORRIS ? (o->p == 0 ? 4 : o->p) : 0;
    d->delta = kind == FS_DESIGN_MORRIS ? d->p / (2.0 * (d->p - 1)) : 0.0;
    d->x = malloc(n * sizeof *d->x);
    d->u = malloc(n * sizeof *d->u);
    d->lo = malloc((size_t)k * sizeof *d->lo);
    d->hi = malloc((size_t)k * sizeof *d->hi);
    d->integer = malloc((size_t)k * sizeof *d->integer);
    if (d->x == NULL || d->u == NULL || d->lo == NULL || d->hi == NULL || d->integer == NULL)
        goto nomem;
    for (j = 0; j < k; j++) {
        d->lo[j] = p[j].lo;
        d->hi[j] = p[j].hi;
        d->integer[j] = p[j].integer != 0;
    }
    if (build(d, p, o, err) != FS_OK)
        goto fail;
    return d;
nomem:
    fs_err_set(err, FS_ENOMEM, "%s design: out of memory", fs_design_kind_name(kind));
fail:
    fs_design_free(d);
    return NULL;
}

void fs_design_free(fs_design *d)
{
    if (d == NULL)
        return;
    free(d->x);
    free(d->u);
    free(d->lo);
    free(d->hi);
    free(d->integer);
    free(d->changed);
    free(d);
}

/* ---- accessors ---- */

fs_design_kind fs_design_get_kind(const fs_design *d) { return d->kind; }
int fs_design_npoints(const fs_design *d) { return d->npoints; }
int fs_design_nparams(const fs_design *d) { return d->k; }
int fs_design_nbase(const fs_design *d) { return d->nbase; }
int fs_design_morris_levels(const fs_design *d) { return d->p; }
double fs_design_morris_delta(const fs_design *d) { return d->delta; }
const double *fs_design_points(const fs_design *d) { return d->x; }
const double *fs_design_units(const fs_design *d) { return d->u; }
double fs_design_lo(const fs_design *d, int j) { return d->lo[j]; }
double fs_design_hi(const fs_design *d, int j) { return d->hi[j]; }
int fs_design_is_integer(const fs_design *d, int j) { return d->integer[j]; }

const double *fs_design_point(const fs_design *d, int i)
{
    return d->x + (size_t)i * d->k;
}

const double *fs_design_unit(const fs_design *d, int i)
{
    return d->u + (size_t)i * d->k;
}

int fs_design_morris_changed(const fs_design *d, int i)
{
    return d->changed != NULL ? d->changed[i] : -1;
}

const char *fs_design_kind_name(fs_design_kind kind)
{
    if ((int)kind < 0 || (size_t)kind >= sizeof kind_names / sizeof kind_names[0])
        return "unknown";
    return kind_names[kind];
}

int fs_design_kind_parse(const char *name, fs_design_kind *kind)
{
    size_t i;

    for (i = 0; name != NULL && i < sizeof kind_names / sizeof kind_names[0]; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (fs_design_kind)i;
            return 0;
        }
    return -1;
}
