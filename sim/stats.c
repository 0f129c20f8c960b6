/* stats.c: moments and sketches over the cells of a layout. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

/* Runs added with fs_acc_add_run go into shifted sums first: with k the
 * first value seen, s1 = sum (x - k) and s2 = sum (x - k)^2. That needs no
 * division per value (Welford's update needs one) and loses no accuracy
 * when values stay near k; fs_acc_merge_moments turns them into moments. */
typedef struct raw {
    double n, k, s1, s2, min, max;
} raw;

struct fs_acc {
    fs_layout lay;
    fs_moments *mom;     /* [ncells] merged moments */
    raw *raw;            /* [ncells] runs added since the last reset */
    fs_sketch **sk;      /* [ncells], NULL where no sketch */
};

void fs_moments_reset(fs_moments *s)
{
    s->n = 0.0;
    s->mean = 0.0;
    s->m2 = 0.0;
    s->min = INFINITY;
    s->max = -INFINITY;
}

void fs_moments_add(fs_moments *s, double x)
{
    double d;
    if (isnan(x))
        return;
    s->n += 1.0;
    d = x - s->mean;
    s->mean += d / s->n;
    s->m2 += d * (x - s->mean);
    if (x < s->min)
        s->min = x;
    if (x > s->max)
        s->max = x;
}

void fs_moments_merge(fs_moments *into, const fs_moments *from)
{
    double n, d;
    if (from->n == 0.0)
        return;
    if (into->n == 0.0) {
        *into = *from;
        return;
    }
    n = into->n + from->n;
    d = from->mean - into->mean;
    into->mean += d * (from->n / n);
    into->m2 += from->m2 + d * d * (into->n * from->n / n);
    into->n = n;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
}

double fs_moments_sd(const fs_moments *s)
{
    if (s->n < 2.0)
        return 0.0;
    return sqrt(s->m2 / (s->n - 1.0));
}

fs_acc *fs_acc_alloc(const fs_layout *l, int sketches)
{
    fs_acc *a = calloc(1, sizeof *a);
    int c;

    if (a == NULL)
        return NULL;
    a->lay = *l;
    a->mom = malloc((size_t)l->ncells * sizeof *a->mom);
    a->raw = malloc((size_t)l->ncells * sizeof *a->raw);
    a->sk = calloc((size_t)l->ncells, sizeof *a->sk);
    if (a->mom == NULL || a->raw == NULL || a->sk == NULL)
        goto fail;
    fs_acc_reset_moments(a);
    if (sketches == FS_SKETCH_NONE)
        return a;
    for (c = 0; c < l->ncells; c++) {
        if (!fs_cell_wants_sketch(l, c) ||
            (sketches == FS_SKETCH_TOTALS && (c < l->tot || c >= l->tot + FS_TOT_N)))
            continue;
        a->sk[c] = fs_sketch_alloc();
        if (a->sk[c] == NULL)
            goto fail;
    }
    return a;
fail:
    fs_acc_free(a);
    return NULL;
}

void fs_acc_free(fs_acc *a)
{
    int c;
    if (a == NULL)
        return;
    if (a->sk)
        for (c = 0; c < a->lay.ncells; c++)
            fs_sketch_free(a->sk[c]);
    free(a->sk);
    free(a->raw);
    free(a->mom);
    free(a);
}

void fs_acc_reset_moments(fs_acc *a)
{
    int c;
    for (c = 0; c < a->lay.ncells; c++) {
        fs_moments_reset(&a->mom[c]);
        a->raw[c].n = 0.0;
    }
}

static void raw_add(raw *r, double x)
{
    double d;
    if (r->n == 0.0) {
        r->n = 1.0;
        r->k = x;
        r->s1 = r->s2 = 0.0;
        r->min = r->max = x;
        return;
    }
    d = x - r->k;
    r->n += 1.0;
    r->s1 += d;
    r->s2 += d * d;
    if (x < r->min)
        r->min = x;
    if (x > r->max)
        r->max = x;
}

int fs_acc_add_runs(fs_acc *a, const double *obs, int nruns)
{
    int c, r, n = a->lay.ncells, bad = 0;
    for (c = 0; c < n; c++) {
        raw *rw = &a->raw[c];
        fs_sketch *sk = a->sk[c];
        for (r = 0; r < nruns; r++) {
            double x = obs[(size_t)r * n + c];
            if (isnan(x))
                continue;
            raw_add(rw, x);
            if (sk && fs_sketch_add(sk, x) != 0)
                bad = -1;
        }
    }
    return bad;
}

int fs_acc_add_run(fs_acc *a, const double *obs)
{
    return fs_acc_add_runs(a, obs, 1);
}

void fs_acc_swap_pending(fs_acc *a, fs_acc *b)
{
    raw *t = a->raw;
    a->raw = b->raw;
    b->raw = t;
}

void fs_acc_merge_moments(fs_acc *into, const fs_acc *from)
{
    fs_moments m;
    int c;
    for (c = 0; c < into->lay.ncells; c++) {
        const raw *r = &from->raw[c];
        if (r->n == 0.0)
            continue;
        m.n = r->n;
        m.mean = r->k + r->s1 / r->n;
        m.m2 = r->s2 - r->s1 * r->s1 / r->n;
        if (m.m2 < 0.0)
            m.m2 = 0.0;
        m.min = r->min;
        m.max = r->max;
        fs_moments_merge(&into->mom[c], &m);
    }
}

int fs_acc_merge_sketches(fs_acc *into, const fs_acc *from)
{
    int c;
    for (c = 0; c < into->lay.ncells; c++)
        if (into->sk[c] && from->sk[c] && fs_sketch_merge(into->sk[c], from->sk[c]) != 0)
            return -1;
    return 0;
}

const fs_moments *fs_acc_moments(const fs_acc *a, int cell)
{
    return &a->mom[cell];
}

const fs_sketch *fs_acc_sketch(const fs_acc *a, int cell)
{
    return a->sk[cell];
}

double fs_acc_quantile(const fs_acc *a, int cell, double q)
{
    double v;
    if (a->sk[cell] == NULL || fs_sketch_count(a->sk[cell]) == 0)
        return NAN;
    v = fs_sketch_quantile(a->sk[cell], q);
    /* The sketch is within 0.5%, so for integers below 100 rounding
     * recovers the exact value; above that it is the nearest integer. */
    return fs_cell_is_integer(&a->lay, cell) ? nearbyint(v) : v;
}

void fs_wilson95(double k, double n, double *lo, double *hi)
{
    const double z = FS_Z95;
    double p, den, mid, half;
    if (n <= 0.0) {
        *lo = NAN;
        *hi = NAN;
        return;
    }
    p = k / n;
    den = 1.0 + z * z / n;
    mid = (p + z * z / (2.0 * n)) / den;
    half = z * sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / den;
    /* At k = 0 and k = n the bound is exactly 0 or 1; computed, it is off
     * by rounding. */
    *lo = k <= 0.0 || mid - half < 0.0 ? 0.0 : mid - half;
    *hi = k >= n || mid + half > 1.0 ? 1.0 : mid + half;
}
