/* test_sketch.c: the quantile sketch against exact lower quantiles of the
 * same data, merge order independence, bucket iteration and edge cases. */
#include "check.h"
#include "errors.h"
#include "rng.h"
#include "sketch.h"

#include <float.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>

static const double qs[] = {0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};
#define NQ (sizeof qs / sizeof qs[0])

enum { N = 20000 };
static double data[N], sorted[N];

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Data sets: 0 uniform [0,1), 1 lognormal(0, 2), 2 integers 0..20,
 * 3 mixed zeros and positives, 4 normal(0, 5) with negatives,
 * 5 negatives only, 6 a single repeated value, 7 two values,
 * 8 a wide range 1e-8..1e12 with both signs, 9 and 10 a narrow spread,
 * uniform within 0.2% of 0.6 and of -0.6 (a bucket or two). */
#define NSETS 11

static int make_data(int set, gsl_rng *r)
{
    int i, n = N;

    fs_rng_seed(r, 1000 + (uint64_t)set, 0);
    for (i = 0; i < n; i++) {
        switch (set) {
        case 0: data[i] = gsl_rng_uniform(r); break;
        case 1: data[i] = gsl_ran_lognormal(r, 0, 2); break;
        case 2: data[i] = (double)gsl_rng_uniform_int(r, 21); break;
        case 3: data[i] = gsl_rng_uniform(r) < 0.3 ? 0.0 : gsl_ran_exponential(r, 2); break;
        case 4: data[i] = gsl_ran_gaussian(r, 5); break;
        case 5: data[i] = -gsl_ran_lognormal(r, 1, 1); break;
        case 6: data[i] = 0.4321; break;
        case 7: data[i] = i % 3 ? 2.5 : -7.25; break;
        case 9: data[i] = 0.6 + 0.0012 * gsl_rng_uniform(r); break;
        case 10: data[i] = -0.6 - 0.0012 * gsl_rng_uniform(r); break;
        default:
            data[i] = (gsl_rng_uniform(r) < 0.5 ? -1 : 1) * pow(10, gsl_ran_flat(r, -8, 12));
        }
    }
    if (set == 6)
        n = 1;
    return n;
}

static double exact_quantile(int n, double q)
{
    return sorted[(size_t)floor(q * (n - 1))];
}

/* |est - exact| <= alpha |exact|, plus a slack of 1e-12 relative for the
 * rounding of the window around a bucket (and 1e-12 absolute near 0). */
static double tolerance(double exact)
{
    return FS_SKETCH_ALPHA * fabs(exact) + 1e-12 * fmax(1.0, fabs(exact));
}

/* Adds data set `set` to s and leaves it sorted in `sorted`: its size, or
 * -1 when an add fails. */
static int fill(fs_sketch *s, int set, gsl_rng *r)
{
    int i, n = make_data(set, r);
    for (i = 0; i < n; i++)
        if (fs_sketch_add(s, data[i]) != 0)
            return -1;
    memcpy(sorted, data, (size_t)n * sizeof *data);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
    return n;
}

static void test_quantiles(void)
{
    gsl_rng *r = fs_rng_alloc();
    int set, n;
    size_t k;

    CHECK(r != NULL);
    for (set = 0; set < NSETS; set++) {
        fs_sketch *s = fs_sketch_alloc();
        CHECK(s != NULL);
        CHECK((n = fill(s, set, r)) >= 0);
        CHECK(fs_sketch_count(s) == (uint64_t)n);
        CHECK(fs_sketch_min(s) == sorted[0]);
        CHECK(fs_sketch_max(s) == sorted[n - 1]);
        for (k = 0; k < NQ; k++) {
            double est = fs_sketch_quantile(s, qs[k]);
            double ex = exact_quantile(n, qs[k]);
            CHECKF(fabs(est - ex) <= tolerance(ex),
                   "set %d q %g: est %.17g exact %.17g", set, qs[k], est, ex);
        }
        /* q = 0 and q = 1 are the exact extremes, thanks to clamping. */
        CHECK(fs_sketch_quantile(s, 0) == sorted[0]);
        CHECK(fs_sketch_quantile(s, 1) == sorted[n - 1]);
        fs_sketch_free(s);
    }
    gsl_rng_free(r);
}

/* A metric that varies little (all runs in a bucket or two, as a final
 * trust or cohesion often does): its quantiles still spread between min
 * and max, strictly increasing, each within alpha of the exact one. */
static void test_narrow_spread(void)
{
    static const double q[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    gsl_rng *r = fs_rng_alloc();
    int set, k, n;

    CHECK(r != NULL);
    for (set = 9; set <= 10; set++) {
        fs_sketch *s = fs_sketch_alloc();
        double prev;
        CHECK(s != NULL);
        CHECK((n = fill(s, set, r)) >= 0);
        prev = fs_sketch_min(s);
        for (k = 0; k < 5; k++) {
            double est = fs_sketch_quantile(s, q[k]), ex = exact_quantile(n, q[k]);
            CHECKF(est > prev, "set %d: q %g gives %.17g, not above %.17g", set, q[k], est, prev);
            CHECK(fabs(est - ex) <= tolerance(ex));
            /* Much closer than alpha here: within the data's own spread. */
            CHECKF(fabs(est - ex) <= 0.0012, "set %d q %g: est %.17g exact %.17g", set, q[k],
                   est, ex);
            prev = est;
        }
        CHECK(prev < fs_sketch_max(s));
        fs_sketch_free(s);
    }
    gsl_rng_free(r);
}

/* Ranks are floor(q (n-1)) exactly: with values 1..5 spaced far wider than
 * a bucket, the answer identifies the rank. */
static void test_rank(void)
{
    fs_sketch *s = fs_sketch_alloc();
    int i;

    CHECK(s != NULL);
    for (i = 5; i >= 1; i--)
        CHECK(fs_sketch_add(s, i * 10.0) == 0);
    CHECK_NEAR(fs_sketch_quantile(s, 0.24), 10, 0.1);
    CHECK_NEAR(fs_sketch_quantile(s, 0.25), 20, 0.2);
    CHECK_NEAR(fs_sketch_quantile(s, 0.49), 20, 0.2);
    CHECK_NEAR(fs_sketch_quantile(s, 0.5), 30, 0.3);
    CHECK_NEAR(fs_sketch_quantile(s, 0.99), 40, 0.4);
    CHECK(fs_sketch_quantile(s, 1) == 50);
    fs_sketch_free(s);
}

/* foreach output, recorded for comparison. */
typedef struct bucket_log {
    int n;
    double lo[32768], hi[32768];
    uint64_t count[32768];
} bucket_log;

static void record(double lo, double hi, uint64_t count, void *arg)
{
    bucket_log *b = arg;

    if (b->n < 32768) {
        b->lo[b->n] = lo;
        b->hi[b->n] = hi;
        b->count[b->n] = count;
    }
    b->n++;
}

static bucket_log log_a, log_b;

static int same_sketch(const fs_sketch *a, const fs_sketch *b)
{
    size_t k;
    double qa, qb;

    if (fs_sketch_count(a) != fs_sketch_count(b))
        return 0;
    if (memcmp(&(double){fs_sketch_min(a)}, &(double){fs_sketch_min(b)}, sizeof(double)) != 0 ||
        memcmp(&(double){fs_sketch_max(a)}, &(double){fs_sketch_max(b)}, sizeof(double)) != 0)
        return 0;
    for (k = 0; k <= 100; k++) {
        qa = fs_sketch_quantile(a, k / 100.0);
        qb = fs_sketch_quantile(b, k / 100.0);
        if (memcmp(&qa, &qb, sizeof qa) != 0)
            return 0;
    }
    memset(&log_a, 0, sizeof log_a);
    memset(&log_b, 0, sizeof log_b);
    fs_sketch_foreach(a, record, &log_a);
    fs_sketch_foreach(b, record, &log_b);
    return memcmp(&log_a, &log_b, sizeof log_a) == 0;
}

/* Counting a strided column in one call is counting its values one by
 * one: NaN skipped, an infinity skipped and noted, zeros, negatives and
 * values below the store's range (which then grows), in 1 to 64 values
 * at a stride of 3. */
static void test_strided(void)
{
    enum { NV = 64, STRIDE = 3 };
    double col[NV * STRIDE];
    int n, i, inf, ok = 1;
    for (i = 0; i < NV * STRIDE; i++)
        col[i] = 1000.0;   /* the other columns: never counted */
    for (i = 0; i < NV; i++) {
        double v = (i % 7 == 0) ? 5.0 : (i % 5 == 0) ? 0.0 : (i % 11 == 0) ? -2.5 - i
                   : 40.0 - 0.6 * i;
        col[i * STRIDE] = v;
    }
    col[9 * STRIDE] = NAN;
    col[20 * STRIDE] = INFINITY;
    for (n = 1; n <= NV; n++) {
        fs_sketch *a = fs_sketch_alloc(), *b = fs_sketch_alloc();
        int noted = 0;
        inf = 0;
        CHECK(fs_sketch_add_strided(a, col, STRIDE, n, &inf) == 0);
        for (i = 0; i < n; i++) {
            double v = col[i * STRIDE];
            if (isinf(v))
                noted = 1;
            else if (!isnan(v))
                fs_sketch_add(b, v);
        }
        ok &= same_sketch(a, b) && inf == noted;
        fs_sketch_free(a), fs_sketch_free(b);
    }
    CHECK(ok);
}

/* Counts in seen[0], [1], [2] the values of buckets holding 1, 2 and 3. */
static void count_buckets(double lo, double hi, uint64_t count, void *arg)
{
    uint64_t *seen = arg;
    int v = lo <= 1.0 && 1.0 < hi ? 0 : lo <= 2.0 && 2.0 < hi ? 1 : lo <= 3.0 && 3.0 < hi ? 2 : -1;
    if (v >= 0)
        seen[v] += count;
}

/* Staging values and adding their keys later is adding them: the same
 * column as test_strided (NaN, an infinity, zeros, negatives, values
 * below the store's range), in 1 to 64 values, staged in pieces of up to
 * 7 values against one sketch, the keys added after each piece or after
 * all of them. */
static void test_staged(void)
{
    enum { NV = 64 };
    double col[NV];
    uint32_t keys[NV];
    int n, i, ok = 1, late;
    for (i = 0; i < NV; i++)
        col[i] = (i % 7 == 0) ? 5.0 : (i % 5 == 0) ? 0.0 : (i % 11 == 0) ? -2.5 - i
                 : 40.0 - 0.6 * i;
    col[9] = NAN;
    col[20] = INFINITY;
    col[33] = -0.0;
    for (late = 0; late < 2; late++)
        for (n = 1; n <= NV; n++) {
            fs_sketch *a = fs_sketch_alloc(), *b = fs_sketch_alloc();
            int inf_a = 0, inf_b = 0, m = 0;
            CHECK(fs_sketch_add_strided(a, col, 1, n, &inf_a) == 0);
            for (i = 0; i < n; i += 7) {
                int k = n - i < 7 ? n - i : 7, got;
                got = fs_sketch_stage(b, col + i, k, keys + m, &inf_b);
                ok &= got >= 0 && got <= k;
                if (!late) {
                    ok &= fs_sketch_add_keys(b, keys + m, got) == 0;
                    got = 0;
                }
                m += got;
            }
            if (late)
                ok &= fs_sketch_add_keys(b, keys, m) == 0;
            ok &= same_sketch(a, b) && inf_a == inf_b;
            fs_sketch_free(a), fs_sketch_free(b);
        }
    CHECK(ok);
}

/* Counts past a bucket's 2 bytes (FS_SKETCH_LOW_MAX): 200,000 values in
 * one bucket, added one by one, staged, and merged from two sketches of
 * 40,000 each (whose sum needs the high words neither had), count as
 * many, with the quantiles of the values around them right. */
static void test_wide_counts(void)
{
    enum { N1 = 200000, N2 = 40000 };
    fs_sketch *a = fs_sketch_alloc(), *b = fs_sketch_alloc(), *c = fs_sketch_alloc(),
              *d = fs_sketch_alloc();
    static uint32_t keys[N1];
    static double x[N1];
    uint64_t seen[3] = {0, 0, 0};
    int i, inf = 0, m;
    CHECK(a && b && c && d);
    for (i = 0; i < N1; i++)
        x[i] = i < 100 ? 1.0 : i < N1 - 100 ? 2.0 : 3.0;
    for (i = 0; i < N1; i++)
        CHECK(fs_sketch_add(a, x[i]) == 0);
    m = fs_sketch_stage(b, x, N1, keys, &inf);
    CHECK(m == N1 && inf == 0);
    CHECK(fs_sketch_add_keys(b, keys, m) == 0);
    for (i = 0; i < N2; i++) {
        CHECK(fs_sketch_add(c, 2.0) == 0);
        CHECK(fs_sketch_add(d, 2.0) == 0);
    }
    CHECK(fs_sketch_merge(c, d) == 0);
    CHECK(same_sketch(a, b));
    fs_sketch_foreach(a, count_buckets, seen);
    CHECK(seen[0] == 100 && seen[1] == N1 - 200 && seen[2] == 100);
    seen[0] = seen[1] = seen[2] = 0;
    fs_sketch_foreach(c, count_buckets, seen);
    CHECK(seen[1] == 2 * N2 && seen[0] == 0 && seen[2] == 0);
    CHECK(fs_sketch_count(c) == 2 * N2);
    CHECK(fabs(fs_sketch_quantile(a, 0.0002) - 1.0) <= FS_SKETCH_ALPHA * 1.0);
    CHECK(fabs(fs_sketch_quantile(a, 0.5) - 2.0) <= FS_SKETCH_ALPHA * 2.0);
    CHECK(fabs(fs_sketch_quantile(a, 0.9996) - 3.0) <= FS_SKETCH_ALPHA * 3.0);
    fs_sketch_free(a), fs_sketch_free(b), fs_sketch_free(c), fs_sketch_free(d);
}

/* Splitting the data into k parts (contiguous or interleaved) and merging
 * in forward, reverse or tree order gives the sketch of all the data. */
static void test_merge(void)
{
    enum { K = 7 };
    gsl_rng *r = fs_rng_alloc();
    int set, i, n, k, split, order;

    CHECK(r != NULL);
    for (set = 0; set < NSETS; set++) {
        fs_sketch *all = fs_sketch_alloc();
        CHECK(all != NULL);
        n = make_data(set, r);
        for (i = 0; i < n; i++)
            CHECK(fs_sketch_add(all, data[i]) == 0);
        for (split = 0; split < 2; split++)
            for (order = 0; order < 3; order++) {
                fs_sketch *part[K], *m = fs_sketch_alloc();
                CHECK(m != NULL);
                for (k = 0; k < K; k++) {
                    part[k] = fs_sketch_alloc();
                    CHECK(part[k] != NULL);
                }
                for (i = 0; i < n; i++) {
                    k = split == 0 ? (int)((long)i * K / n) : i % K;
                    CHECK(fs_sketch_add(part[k], data[i]) == 0);
                }
                if (order == 0)
                    for (k = 0; k < K; k++)
                        CHECK(fs_sketch_merge(m, part[k]) == 0);
                else if (order == 1)
                    for (k = K - 1; k >= 0; k--)
                        CHECK(fs_sketch_merge(m, part[k]) == 0);
                else {
                    int step;
                    for (step = 1; step < K; step *= 2)
                        for (k = 0; k + step < K; k += 2 * step)
                            CHECK(fs_sketch_merge(part[k], part[k + step]) == 0);
                    CHECK(fs_sketch_merge(m, part[0]) == 0);
                }
                CHECKF(same_sketch(all, m), "set %d split %d order %d", set, split, order);
                for (k = 0; k < K; k++)
                    fs_sketch_free(part[k]);
                fs_sketch_free(m);
            }
        fs_sketch_free(all);
    }
    gsl_rng_free(r);
}

/* Merging an empty sketch changes nothing; merging into an empty one
 * copies. */
static void test_merge_empty(void)
{
    fs_sketch *a = fs_sketch_alloc(), *e = fs_sketch_alloc(), *c = fs_sketch_alloc();

    CHECK(a != NULL && e != NULL && c != NULL);
    CHECK(fs_sketch_add(a, 3.0) == 0);
    CHECK(fs_sketch_add(a, -0.5) == 0);
    CHECK(fs_sketch_add(a, 0.0) == 0);
    CHECK(fs_sketch_merge(a, e) == 0);
    CHECK(fs_sketch_count(a) == 3);
    CHECK(fs_sketch_merge(c, a) == 0);
    CHECK(same_sketch(a, c));
    CHECK(fs_sketch_merge(e, e) == 0);
    CHECK(fs_sketch_count(e) == 0);
    fs_sketch_free(a);
    fs_sketch_free(e);
    fs_sketch_free(c);
}

typedef struct foreach_check {
    double prev_hi;
    uint64_t total;
    int buckets, ok;
} foreach_check;

static void check_bucket(double lo, double hi, uint64_t count, void *arg)
{
    foreach_check *f = arg;

    if (!(lo <= hi) || lo < f->prev_hi || count == 0)
        f->ok = 0;
    f->prev_hi = hi;
    f->total += count;
    f->buckets++;
}

/* Counts sum to n, buckets ascend without overlap, and each bucket's count
 * is the number of values in [lo, hi) (or (lo, hi] for negatives). */
static void test_foreach(void)
{
    gsl_rng *r = fs_rng_alloc();
    int set, i, n, b;

    CHECK(r != NULL);
    for (set = 0; set < NSETS; set++) {
        fs_sketch *s = fs_sketch_alloc();
        foreach_check f = {-INFINITY, 0, 0, 1};
        CHECK(s != NULL);
        n = make_data(set, r);
        for (i = 0; i < n; i++)
            CHECK(fs_sketch_add(s, data[i]) == 0);
        fs_sketch_foreach(s, check_bucket, &f);
        CHECKF(f.ok, "set %d", set);
        CHECK(f.total == (uint64_t)n);
        memset(&log_a, 0, sizeof log_a);
        fs_sketch_foreach(s, record, &log_a);
        CHECK(log_a.n == f.buckets && log_a.n < 32768);
        for (b = 0; b < log_a.n; b++) {
            double lo = log_a.lo[b], hi = log_a.hi[b];
            uint64_t inside = 0;
            for (i = 0; i < n; i++) {
                double x = data[i];
                if (lo == 0 && hi == 0 ? fabs(x) < FS_SKETCH_MIN
                    : hi > 0 ? x >= lo && x < hi : x > lo && x <= hi)
                    inside++;
            }
            CHECKF(inside == log_a.count[b], "set %d bucket [%g, %g]: %llu values, count %llu",
                   set, lo, hi, (unsigned long long)inside, (unsigned long long)log_a.count[b]);
        }
        fs_sketch_free(s);
    }
    gsl_rng_free(r);
}

/* One value at a time: its bucket contains it, and its bounds are in a
 * ratio between 1 + 1/256 and 1 + 1/128 (128 buckets to a power of 2). */
static void test_bucket_range(void)
{
    gsl_rng *r = fs_rng_alloc();
    fs_sketch *s = fs_sketch_alloc();
    double gamma = (1 + FS_SKETCH_ALPHA) / (1 - FS_SKETCH_ALPHA), widest = 1, narrowest = 2;
    int i;

    CHECK(r != NULL && s != NULL);
    CHECK_NEAR(gamma, 1 + 1.0 / 128, 1e-15);
    fs_rng_seed(r, 77, 0);
    for (i = 0; i < 20000; i++) {
        double x = pow(10, gsl_ran_flat(r, -8.9, 300)), lo, hi;
        if (i % 2)
            x = -x;
        fs_sketch_reset(s);
        CHECK(fs_sketch_add(s, x) == 0);
        memset(&log_a, 0, sizeof log_a);
        fs_sketch_foreach(s, record, &log_a);
        CHECK(log_a.n == 1 && log_a.count[0] == 1);
        lo = log_a.lo[0];
        hi = log_a.hi[0];
        CHECKF(lo * (1 - 1e-12 * (lo > 0 ? 1 : -1)) <= x && x <= hi * (1 + 1e-12 * (hi > 0 ? 1 : -1)),
               "%.17g not in [%.17g, %.17g]", x, lo, hi);
        {
            double w = x > 0 ? hi / lo : lo / hi;
            CHECKF(w >= 1 + 1.0 / 256 - 1e-12 && w <= gamma * (1 + 1e-12), "width %.17g", w);
            widest = fmax(widest, w);
            narrowest = fmin(narrowest, w);
        }
        CHECK(fs_sketch_quantile(s, 0.5) == x);
    }
    /* 20000 draws reach both ends of the range of widths. */
    CHECK_NEAR(widest, gamma, 1e-4);
    CHECK_NEAR(narrowest, 1 + 1.0 / 256, 1e-4);
    fs_sketch_free(s);
    gsl_rng_free(r);
}

/* Extreme magnitudes land in a bucket and report within alpha. */
static void test_extremes(void)
{
    static const double xs[] = {FS_SKETCH_MIN, 2e-9, 1e-300 + 1, DBL_MAX, -DBL_MAX,
                                DBL_MAX / 3, -FS_SKETCH_MIN, 1e-10, -1e-10, DBL_MIN, 5e-324};
    fs_sketch *s = fs_sketch_alloc();
    size_t i;
    double q;

    CHECK(s != NULL);
    for (i = 0; i < sizeof xs / sizeof xs[0]; i++)
        CHECK(fs_sketch_add(s, xs[i]) == 0);
    CHECK(fs_sketch_count(s) == sizeof xs / sizeof xs[0]);
    CHECK(fs_sketch_min(s) == -DBL_MAX);
    CHECK(fs_sketch_max(s) == DBL_MAX);
    /* Sorted: -DBL_MAX, -1e-9, then four zeros (|x| < 1e-9), 1e-9, 2e-9,
     * 1, DBL_MAX/3, DBL_MAX: rank floor(q * 10). */
    q = fs_sketch_quantile(s, 0.1);
    CHECK_NEAR(q, -FS_SKETCH_MIN, tolerance(FS_SKETCH_MIN));
    CHECK(fs_sketch_quantile(s, 0.2) == 0);
    CHECK(fs_sketch_quantile(s, 0.5) == 0);
    CHECK_NEAR(fs_sketch_quantile(s, 0.6), FS_SKETCH_MIN, tolerance(FS_SKETCH_MIN));
    CHECK_NEAR(fs_sketch_quantile(s, 0.8), 1.0, tolerance(1.0));
    q = fs_sketch_quantile(s, 0.9);
    CHECKF(fabs(q / (DBL_MAX / 3) - 1) <= FS_SKETCH_ALPHA + 1e-12, "%g", q);
    CHECK(fs_sketch_quantile(s, 1) == DBL_MAX);
    fs_sketch_free(s);
}

static void test_empty_and_invalid(void)
{
    fs_sketch *s = fs_sketch_alloc();

    CHECK(s != NULL);
    CHECK(fs_sketch_count(s) == 0);
    CHECK(isnan(fs_sketch_quantile(s, 0.5)));
    CHECK(isnan(fs_sketch_min(s)) && isnan(fs_sketch_max(s)));
    CHECK(fs_sketch_add(s, NAN) == -1);
    CHECK(fs_sketch_add(s, INFINITY) == -1);
    CHECK(fs_sketch_add(s, -INFINITY) == -1);
    CHECK(fs_sketch_count(s) == 0);
    CHECK(isnan(fs_sketch_quantile(s, 0)));
    memset(&log_a, 0, sizeof log_a);
    fs_sketch_foreach(s, record, &log_a);
    CHECK(log_a.n == 0);
    CHECK(fs_sketch_add(s, 2.0) == 0);
    CHECK(fs_sketch_add(s, NAN) == -1);
    CHECK(fs_sketch_count(s) == 1);
    CHECK(fs_sketch_quantile(s, 0.3) == 2.0);
    CHECK(isnan(fs_sketch_quantile(s, NAN)));
    /* reset empties but keeps working */
    fs_sketch_reset(s);
    CHECK(fs_sketch_count(s) == 0);
    CHECK(isnan(fs_sketch_quantile(s, 0.5)));
    CHECK(isnan(fs_sketch_min(s)));
    memset(&log_a, 0, sizeof log_a);
    fs_sketch_foreach(s, record, &log_a);
    CHECK(log_a.n == 0);
    CHECK(fs_sketch_add(s, -3.0) == 0);
    CHECK(fs_sketch_quantile(s, 0.5) == -3.0);
    fs_sketch_free(s);
    fs_sketch_free(NULL);
}

/* Signed zeros: -0.0 and 0.0 in either order give identical sketches. */
static void test_signed_zero(void)
{
    fs_sketch *a = fs_sketch_alloc(), *b = fs_sketch_alloc();

    CHECK(a != NULL && b != NULL);
    CHECK(fs_sketch_add(a, -0.0) == 0 && fs_sketch_add(a, 0.0) == 0);
    CHECK(fs_sketch_add(b, 0.0) == 0 && fs_sketch_add(b, -0.0) == 0);
    CHECK(same_sketch(a, b));
    fs_sketch_free(a);
    fs_sketch_free(b);
}

/* Heap in use by the allocator, or 0 where it cannot be measured (under
 * sanitizers or valgrind the check then passes trivially). */
static size_t heap_in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks;
}

/* 10^6 values in [0.3, 0.9] need about 55 buckets; allow a few hundred
 * (8 bytes each, both stores) plus the struct. Repeating the values does
 * not grow memory. */
static void test_memory(void)
{
    gsl_rng *r = fs_rng_alloc();
    size_t before, after, mid;
    fs_sketch *s;
    int i;

    CHECK(r != NULL);
    fs_rng_seed(r, 5, 5);
    before = heap_in_use();
    s = fs_sketch_alloc();
    CHECK(s != NULL);
    for (i = 0; i < 100000; i++)
        CHECK(fs_sketch_add(s, gsl_ran_flat(r, 0.3, 0.9)) == 0);
    mid = heap_in_use();
    for (i = 0; i < 900000; i++)
        CHECK(fs_sketch_add(s, gsl_ran_flat(r, 0.3, 0.9)) == 0);
    after = heap_in_use();
    CHECKF(after <= before + 300 * sizeof(uint64_t) + 256, "%zu bytes", after - before);
    CHECK(after == mid);
    CHECK(fs_sketch_count(s) == 1000000);
    fs_sketch_free(s);
    gsl_rng_free(r);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_quantiles);
    RUN(test_rank);
    RUN(test_narrow_spread);
    RUN(test_merge);
    RUN(test_merge_empty);
    RUN(test_foreach);
    RUN(test_bucket_range);
    RUN(test_extremes);
    RUN(test_empty_and_invalid);
    RUN(test_signed_zero);
    RUN(test_memory);
    RUN(test_strided);
    RUN(test_staged);
    RUN(test_wide_counts);
    return check_report();
}
