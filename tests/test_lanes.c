/* test_lanes.c: lanes.h. The words against rng.h's stream, bit for bit;
 * every draw and exp and log the same bits on every instruction set this
 * processor runs; exp and log against libm in ulps; each draw's moments
 * and probabilities against exact values. Fixed seeds throughout. */
#include "check.h"
#include "lanes.h"
#include "rng.h"

#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>

#define N 64   /* lanes in most tests */

static fs_isa isas[FS_ISA_N];
static int nisa;

/* The stream of lane i, word by word, from rng.h: fs_rng_seed, then
 * fs_rng_substream unless major is -1. */
static void scalar_words(uint64_t seed, uint64_t run, int64_t major, uint32_t minor,
                         uint32_t *w, int count)
{
    gsl_rng *r = fs_rng_alloc();
    int j;
    fs_rng_seed(r, seed, run);
    if (major >= 0)
        fs_rng_substream(r, (uint32_t)major, minor);
    for (j = 0; j < count; j++)
        w[j] = (uint32_t)gsl_rng_get(r);
    gsl_rng_free(r);
}

/* 37 words a lane (past nine refills and a part-spent block) in 16 lanes,
 * for seeds, runs and substreams of every size, on every set. */
static void test_philox_matches_rng(void)
{
    static const struct {
        uint64_t seed, run0;
        int64_t major;
        uint32_t minor;
    } cases[] = {
        {0, 0, -1, 0}, {20240601, 0, -1, 0}, {20240601, 1000, 0, 0}, {1, 5, 1, 0},
        {0xffffffffffffffffULL, 0xfffffffffffffff8ULL, 0xffffffff, 4095},
        {42, 1ULL << 32, 312, 7}, {0x123456789abcdefULL, 99, FS_RNG_MAJOR_POSTERIOR, 0},
        {7, 0, 3, 4096 + 9},   /* minor << 20 wraps in 32 bits, as in rng.c */
    };
    uint32_t want[37], got[37][16];
    size_t c;
    int s, i, j;

    for (s = 0; s < nisa; s++)
        for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            fs_lanes *L = fs_lanes_alloc_isa(16, isas[s]);
            CHECK(L != NULL);
            fs_lanes_seed(L, cases[c].seed, cases[c].run0);
            if (cases[c].major >= 0)
                fs_lanes_substream(L, (uint32_t)cases[c].major, cases[c].minor);
            for (j = 0; j < 37; j++)
                fs_lanes_words(L, got[j]);
            for (i = 0; i < 16; i++) {
                scalar_words(cases[c].seed, cases[c].run0 + i, cases[c].major, cases[c].minor,
                             want, 37);
                for (j = 0; j < 37; j++)
                    CHECKF(got[j][i] == want[j], "%s case %zu lane %d word %d: %08x, rng.h %08x",
                           fs_lanes_isa_name(isas[s]), c, i, j, got[j][i], want[j]);
            }
            fs_lanes_free(L);
        }
}

/* Lanes of different seeds, and a draw's word count: after a Poisson
 * (2 words, PTRS retrying in some lanes) and a negative binomial (5), the
 * next word is word 8 of each lane's substream. */
static void test_words_per_draw(void)
{
    fs_lanes *L = fs_lanes_alloc(16);
    double mu[16], p[16], size[16], out[16];
    uint32_t w[16], want[9];
    int i;

    CHECK(L != NULL);
    for (i = 0; i < 16; i++) {
        fs_lanes_seed_lane(L, i, 1000 + i, 7 * i);
        mu[i] = i % 2 ? 55.0 : 0.7;
        p[i] = 0.03, size[i] = 0.35;
    }
    fs_lanes_substream(L, 9, 3);
    fs_lanes_uniform(L, out);
    fs_lanes_poisson(L, mu, 1e3, out);
    fs_lanes_negbin(L, p, size, 1e8, out);
    fs_lanes_words(L, w);
    for (i = 0; i < 16; i++) {
        scalar_words(1000 + i, 7 * i, 9, 3, want, 9);
        CHECKF(w[i] == want[8], "lane %d", i);
    }
    fs_lanes_free(L);
}

static uint64_t bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* A run of every draw kind with parameters that reach each branch: means
 * of 0, NaN, below and above PTRS's 10 and past the cap; the casualties'
 * heavy tail and shapes either side of 1. */
static void draw_all(fs_lanes *L, int lanes, int rounds, double *out)
{
    double par[N], par2[N];
    int r, i, at = 0;

    fs_lanes_seed(L, 20240601, 11);
    for (r = 0; r < rounds; r++) {
        fs_lanes_substream(L, (uint32_t)r, (uint32_t)(r % 5));
        fs_lanes_uniform(L, out + at), at += lanes;
        fs_lanes_normal(L, out + at), at += lanes;
        for (i = 0; i < lanes; i++)
            par[i] = 0.05 + 0.03 * i;
        fs_lanes_lognormal(L, par, out + at), at += lanes;
        for (i = 0; i < lanes; i++)
            par[i] = i == 0 ? 0.0 : i == 1 ? NAN : i == 2 ? -1.0 : 0.02 * i * i * (1 + r % 3);
        fs_lanes_poisson(L, par, 1e3, out + at), at += lanes;
        for (i = 0; i < lanes; i++) {
            par[i] = i == 0 ? 0.0 : i == 1 ? 1.5 : 0.35 / (0.35 + (0.5 + i) * (1 + r % 4));
            par2[i] = 0.2 + 0.1 * (i % 20);
        }
        fs_lanes_negbin(L, par, par2, 1e8, out + at), at += lanes;
    }
}

/* Every draw the same bits on every set, and the lane-by-lane Poisson
 * search the same as the search in step. */
static void test_draws_identical_across_sets(void)
{
    enum { ROUNDS = 40, LEN = 5 * N * ROUNDS };
    double *ref = malloc(LEN * sizeof *ref), *got = malloc(LEN * sizeof *got);
    int s, i;
    fs_lanes *L;

    CHECK(ref && got);
    L = fs_lanes_alloc_isa(N, FS_ISA_SCALAR);
    CHECK(L != NULL);
    draw_all(L, N, ROUNDS, ref);
    fs_lanes_free(L);
    for (s = 0; s <= nisa; s++) {
        L = fs_lanes_alloc_isa(N, s < nisa ? isas[s] : FS_ISA_SCALAR);
        if (s == nisa)
            fs_lanes_tune(L, FS_LANES_POISSON_PERLANE, FS_LANES_PTRS_FROM, FS_LANES_NB_AUTO);
        draw_all(L, N, ROUNDS, got);
        for (i = 0; i < LEN; i++)
            CHECKF(bits(got[i]) == bits(ref[i]), "%s%s: value %d is %.17g, scalar %.17g",
                   fs_lanes_isa_name(fs_lanes_isa(L)), s == nisa ? " per lane" : "", i,
                   got[i], ref[i]);
        fs_lanes_free(L);
    }
    /* The negative binomial's search in step and lane by lane, every lane
     * searching: the same bits. */
    for (s = 0; s < 2; s++) {
        L = fs_lanes_alloc_isa(N, isas[nisa - 1]);
        fs_lanes_tune(L, FS_LANES_POISSON_LOCKSTEP, FS_LANES_PTRS_FROM,
                      s ? FS_LANES_NB_LANE : FS_LANES_NB_STEP);
        draw_all(L, N, ROUNDS / 4, s ? got : ref);
        fs_lanes_free(L);
    }
    CHECK(memcmp(ref, got, 5 * N * (ROUNDS / 4) * sizeof *ref) == 0);
    free(ref), free(got);
}

/* A lane's draws do not depend on its neighbours: the first 8 of 64 lanes
 * give the same values as 8 lanes alone (block size never matters). */
static void test_lanes_independent(void)
{
    enum { ROUNDS = 20 };
    static double wide[5 * N * ROUNDS], narrow[5 * 8 * ROUNDS];
    fs_lanes *W = fs_lanes_alloc(N), *S = fs_lanes_alloc(8);
    int b, i;

    CHECK(W && S);
    draw_all(W, N, ROUNDS, wide);
    draw_all(S, 8, ROUNDS, narrow);
    for (b = 0; b < 5 * ROUNDS; b++)
        for (i = 0; i < 8; i++)
            CHECKF(bits(wide[b * N + i]) == bits(narrow[b * 8 + i]), "draw %d lane %d", b, i);
    fs_lanes_free(W), fs_lanes_free(S);
}

/* The distance in ulps between y and the reference r (same sign, finite). */
static double ulps(double y, double r)
{
    if (y == r)
        return 0.0;
    if (!isfinite(y) || !isfinite(r) || (y < 0) != (r < 0))
        return INFINITY;
    return fabs((double)(int64_t)(bits(y) - bits(r)));
}

/* The error of y in units of the last place of the double nearest the
 * long double r (x87's 64-bit significand: a reference 2^11 times finer);
 * below 2^-1022 the unit is 2^-1074. */
static double ulp_err(double y, long double r)
{
    double rd = (double)r, unit;
    int e;
    if (fabs(rd) < 0x1p-1022)
        unit = 0x1p-1074;
    else {
        frexp(rd, &e);
        unit = ldexp(1.0, e - 53);
    }
    return (double)(fabsl((long double)y - r) / unit);
}

/* exp and log against glibc's at 2^20 arguments each, spread over the
 * whole range: at most 1 ulp apart, and within 1 ulp of the true value
 * (expl and logl); the special values; the same bits on every set. */
static void test_exp_log_accuracy(void)
{
    enum { M = 1 << 20 };
    double *x = malloc(M * sizeof *x), *y = malloc(M * sizeof *y), *z = malloc(M * sizeof *z);
    double worst_exp = 0, worst_log = 0, true_exp = 0, true_log = 0;
    gsl_rng *r = fs_rng_alloc();
    int i, s;

    CHECK(x && y && z && r);
    for (i = 0; i < M; i++)
        x[i] = i % 4 ? -745.0 + 1454.7 * gsl_rng_uniform(r) : (gsl_rng_uniform(r) - 0.5) * 1e-3;
    fs_lanes_exp(fs_lanes_isa_best(), M, x, y);
    for (i = 0; i < M; i++) {
        double e = exp(x[i]), d;
        /* Subnormal results: an absolute ulp of 2^-1074. */
        d = e < 0x1p-1022 ? fabs(y[i] - e) / 0x1p-1074 : ulps(y[i], e);
        CHECKF(d <= 1.0, "exp(%.17g) = %.17g, libm %.17g", x[i], y[i], e);
        worst_exp = d > worst_exp ? d : worst_exp;
        d = ulp_err(y[i], expl((long double)x[i]));
        CHECKF(d < 1.0, "exp(%.17g) = %.17g: %.3g ulp from expl", x[i], y[i], d);
        true_exp = d > true_exp ? d : true_exp;
    }
    for (s = 0; s < nisa; s++) {
        fs_lanes_exp(isas[s], M, x, z);
        CHECK(memcmp(y, z, M * sizeof *y) == 0);
    }
    /* log: log-uniform over every binade, subnormals included, and near 1. */
    for (i = 0; i < M; i++)
        x[i] = i % 4 ? ldexp(1.0 + gsl_rng_uniform(r), (int)(gsl_rng_uniform_int(r, 2098)) - 1074)
                     : 1.0 + (gsl_rng_uniform(r) - 0.5) * 1e-2;
    fs_lanes_log(fs_lanes_isa_best(), M, x, y);
    for (i = 0; i < M; i++) {
        double d = ulps(y[i], log(x[i]));
        CHECKF(d <= 1.0, "log(%.17g) = %.17g, libm %.17g", x[i], y[i], log(x[i]));
        worst_log = d > worst_log ? d : worst_log;
        d = ulp_err(y[i], logl((long double)x[i]));
        CHECKF(d < 1.0, "log(%.17g) = %.17g: %.3g ulp from logl", x[i], y[i], d);
        true_log = d > true_log ? d : true_log;
    }
    for (s = 0; s < nisa; s++) {
        fs_lanes_log(isas[s], M, x, z);
        CHECK(memcmp(y, z, M * sizeof *y) == 0);
    }
    {
        double sx[8] = {0.0, -0.0, -1.0, INFINITY, -INFINITY, NAN, 0x1p-1074, 1.0}, sy[8];
        double ex[6] = {-INFINITY, INFINITY, NAN, 709.79, -745.2, 0.0}, ey[6];
        fs_lanes_log(fs_lanes_isa_best(), 8, sx, sy);
        CHECK(sy[0] == -INFINITY && sy[1] == -INFINITY && isnan(sy[2]) && sy[3] == INFINITY);
        CHECK(isnan(sy[4]) && isnan(sy[5]) && sy[6] == log(0x1p-1074) && sy[7] == 0.0);
        fs_lanes_exp(fs_lanes_isa_best(), 6, ex, ey);
        CHECK(ey[0] == 0.0 && ey[1] == INFINITY && isnan(ey[2]) && ey[3] == INFINITY);
        CHECK(ey[4] == 0.0 && ey[5] == 1.0);
    }
    printf("  exp: at most %.0f ulp from libm, %.3f ulp from the true value; log: at most %.0f "
           "ulp from libm, %.3f ulp from the true value\n", worst_exp, true_exp, worst_log, true_log);
    gsl_rng_free(r);
    free(x), free(y), free(z);
}

/* The normal quantile against GSL's inverse (gsl_cdf_ugaussian_Pinv):
 * within 1e-15 relative (plus 1e-300) over the uniforms a word can give. */
static void test_normal_quantile(void)
{
    fs_lanes *L = fs_lanes_alloc(N);
    uint32_t w[N];
    double z[N];
    int r, i;

    CHECK(L != NULL);
    for (r = 0; r < 2000; r++) {
        /* Words from both ends and the middle, then the stream's own. */
        fs_lanes_seed(L, 5, 64 * r);
        fs_lanes_words(L, w);
        fs_lanes_seed(L, 5, 64 * r);
        fs_lanes_normal(L, z);
        for (i = 0; i < N; i++) {
            double u = ((double)w[i] + 0.5) * 0x1p-32, want = gsl_cdf_ugaussian_Pinv(u);
            CHECKF(fabs(z[i] - want) <= 1e-14 * fabs(want) + 1e-300, "u %.17g: %.17g, GSL %.17g",
                   u, z[i], want);
        }
    }
    fs_lanes_free(L);
}

/* Moments from R rounds of N lanes. Each check allows 5 standard errors
 * of its estimator: sqrt(var / n) for a mean, sqrt((mu4 - var^2) / n) for
 * a variance (mu4 the fourth central moment), sqrt(p (1 - p) / n) for a
 * probability; the draws are fixed by the seeds, so a check that passes
 * passes every time. */
#define R 4000
#define NS ((double)R * N)

typedef struct { double s1, s2, zero, below; } mom;

static void add(mom *m, const double *x, double cut)
{
    int i;
    for (i = 0; i < N; i++) {
        m->s1 += x[i];
        m->s2 += x[i] * x[i];
        m->zero += x[i] == 0.0;
        m->below += x[i] <= cut;
    }
}

static double mean(const mom *m)
{
    return m->s1 / NS;
}

static double var(const mom *m)
{
    return (m->s2 - m->s1 * m->s1 / NS) / (NS - 1);
}

static void test_uniform_normal_lognormal(void)
{
    fs_lanes *L = fs_lanes_alloc(N);
    mom u = {0}, z = {0}, ln = {0};
    double x[N], sig[N], s = 0.5, lv = exp(s * s) - 1;
    int r, i;

    CHECK(L != NULL);
    for (i = 0; i < N; i++)
        sig[i] = s;
    fs_lanes_seed(L, 314159, 0);
    for (r = 0; r < R; r++) {
        fs_lanes_uniform(L, x);
        for (i = 0; i < N; i++)
            CHECK(x[i] > 0.0 && x[i] < 1.0);
        add(&u, x, 0.25);
        fs_lanes_normal(L, x);
        add(&z, x, 1.0);
        fs_lanes_lognormal(L, sig, x);
        add(&ln, x, 1.0);
    }
    /* Uniform: mean 1/2, variance 1/12 (mu4 = 1/80), P(U <= 1/4) = 1/4. */
    CHECK_NEAR(mean(&u), 0.5, 5 * sqrt(1 / 12.0 / NS));
    CHECK_NEAR(var(&u), 1 / 12.0, 5 * sqrt((1 / 80.0 - 1 / 144.0) / NS));
    CHECK_NEAR(u.below / NS, 0.25, 5 * sqrt(0.25 * 0.75 / NS));
    /* Normal: mean 0, variance 1 (mu4 = 3), P(Z <= 1) = Phi(1). */
    CHECK_NEAR(mean(&z), 0.0, 5 * sqrt(1 / NS));
    CHECK_NEAR(var(&z), 1.0, 5 * sqrt(2 / NS));
    CHECK_NEAR(z.below / NS, gsl_cdf_ugaussian_P(1.0), 5 * sqrt(0.25 / NS));
    /* Log-normal factor: mean 1, variance e^{s^2} - 1; P(X <= 1) =
     * P(Z <= s / 2). */
    CHECK_NEAR(mean(&ln), 1.0, 5 * sqrt(lv / NS));
    CHECK_NEAR(ln.below / NS, gsl_cdf_ugaussian_P(s / 2), 5 * sqrt(0.25 / NS));
    fs_lanes_free(L);
}

/* Poisson at means either side of the switch to PTRS and at the cap:
 * mean lambda, variance lambda (mu4 = lambda (1 + 3 lambda)), P(0). */
static void test_poisson(void)
{
    static const double lams[] = {0.3, 4.0, 9.99, 10.0, 37.5, 1000.0};
    fs_lanes *L = fs_lanes_alloc(N);
    double mu[N], x[N];
    size_t c;
    int r, i;

    CHECK(L != NULL);
    for (c = 0; c < sizeof lams / sizeof lams[0]; c++) {
        double lam = lams[c];
        mom m = {0};
        /* The last one asks for 5000 and is capped at 1000. */
        for (i = 0; i < N; i++)
            mu[i] = lam == 1000.0 ? 5000.0 : lam;
        fs_lanes_seed(L, 2718 + c, 0);
        for (r = 0; r < R; r++) {
            fs_lanes_poisson(L, mu, 1e3, x);
            for (i = 0; i < N; i++)
                CHECK(x[i] >= 0 && x[i] == floor(x[i]));
            add(&m, x, floor(lam));
        }
        CHECKF(fabs(mean(&m) - lam) <= 5 * sqrt(lam / NS), "lambda %g: mean %.6g", lam, mean(&m));
        CHECKF(fabs(var(&m) - lam) <= 5 * sqrt((lam + 2 * lam * lam) / NS), "lambda %g: var %.6g",
               lam, var(&m));
        {
            double p0 = exp(-lam), pb = gsl_cdf_poisson_P((unsigned)floor(lam), lam);
            CHECK_NEAR(m.zero / NS, p0, 5 * sqrt(p0 * (1 - p0) / NS) + 1e-12);
            CHECKF(fabs(m.below / NS - pb) <= 5 * sqrt(pb * (1 - pb) / NS),
                   "lambda %g: P(X <= %g) %.6g, exact %.6g", lam, floor(lam), m.below / NS, pb);
        }
    }
    fs_lanes_free(L);
}

/* The negative binomial with the shipped threats' heavy tail, with a
 * shape above 1 and with a mean past the search's reach: mean m = k (1 - p) / p, P(0) = p^k, P(X <= 5) from GSL.
 * Its variance is m + m^2 / k; the mean's standard error follows. */
static void test_negbin(void)
{
    static const struct { double mean, k; } cs[] = {{12.0, 0.35}, {8.0, 0.4}, {3.0, 2.5}, {60.0, 20.0}, {300.0, 3.0}};
    fs_lanes *L = fs_lanes_alloc(N);
    double p[N], k[N], x[N];
    size_t c;
    int r, i;

    CHECK(L != NULL);
    /* Each case twice: as fs_lanes_negbin draws it (the first four by
     * search, the last by the gamma mixture), then by the mixture alone. */
    for (c = 0; c < 2 * sizeof cs / sizeof cs[0]; c++) {
        int mode = c < sizeof cs / sizeof cs[0] ? FS_LANES_NB_AUTO : FS_LANES_NB_MIXTURE;
        size_t cc = c % (sizeof cs / sizeof cs[0]);
        double pp = cs[cc].k / (cs[cc].k + cs[cc].mean), v = cs[cc].mean + cs[cc].mean * cs[cc].mean / cs[cc].k;
        double p0 = pow(pp, cs[cc].k), p5 = gsl_cdf_negative_binomial_P(5, pp, cs[cc].k);
        mom m = {0};
        for (i = 0; i < N; i++)
            p[i] = pp, k[i] = cs[cc].k;
        fs_lanes_tune(L, FS_LANES_POISSON_LOCKSTEP, FS_LANES_PTRS_FROM, mode);
        fs_lanes_seed(L, 1618 + c, 0);
        for (r = 0; r < R; r++) {
            fs_lanes_negbin(L, p, k, 1e8, x);
            add(&m, x, 5.0);
        }
        CHECKF(fabs(mean(&m) - cs[cc].mean) <= 5 * sqrt(v / NS), "case %zu: mean %.6g", c, mean(&m));
        CHECKF(fabs(m.zero / NS - p0) <= 5 * sqrt(p0 * (1 - p0) / NS), "case %zu: P(0) %.6g, exact %.6g",
               c, m.zero / NS, p0);
        CHECKF(fabs(m.below / NS - p5) <= 5 * sqrt(p5 * (1 - p5) / NS), "case %zu: P(<=5) %.6g, exact %.6g",
               c, m.below / NS, p5);
    }
    fs_lanes_free(L);
}

/* Set names, FS_ISA, and refusals. */
/* Many rows of log-normals in one call are, bit for bit, the rows of as
 * many single draws, on every set the machine runs: 1, 3, 16, 17 and 40
 * rows (across the call's 16-row chunks and Philox's 4-word blocks), with
 * a uniform between (so the rows start at every word of a block), and
 * the inversion draw of the negative binomial given p^size is the one
 * that computes it. */
static void test_many_rows(void)
{
    enum { NL = 24, MAXR = 40 };
    static const int nrows[] = {1, 3, 16, 17, 40};
    double sig[NL], a[MAXR * NL], b[MAXR * NL], u[NL], p[NL], k[NL], p0[NL], x1[NL], x2[NL];
    int isa, i, j, r, same = 1, same_nb = 1;

    for (i = 0; i < NL; i++) {
        sig[i] = 0.05 + 0.04 * i;
        p[i] = 0.3 + 0.02 * i;
        k[i] = 0.35 + 0.1 * i;
        p0[i] = k[i] * log(p[i]);
    }
    for (isa = 0; isa < FS_ISA_N; isa++) {
        fs_lanes *A = fs_lanes_alloc_isa(NL, (fs_isa)isa), *B = fs_lanes_alloc_isa(NL, (fs_isa)isa);
        if (!A || !B) {
            fs_lanes_free(A), fs_lanes_free(B);
            continue;
        }
        fs_lanes_seed(A, 5, 100), fs_lanes_seed(B, 5, 100);
        for (j = 0; j < (int)(sizeof nrows / sizeof nrows[0]); j++) {
            fs_lanes_uniform(A, u), fs_lanes_uniform(B, u);
            fs_lanes_lognormal_rows(A, nrows[j], sig, a);
            for (r = 0; r < nrows[j]; r++)
                fs_lanes_lognormal(B, sig, b + (size_t)r * NL);
            same &= memcmp(a, b, (size_t)nrows[j] * NL * sizeof *a) == 0;
        }
        fs_lanes_log((fs_isa)isa, NL, p, p0);
        for (i = 0; i < NL; i++)
            p0[i] = k[i] * p0[i];
        fs_lanes_exp((fs_isa)isa, NL, p0, p0);
        fs_lanes_negbin_inversion(A, p, k, p0, x1);
        fs_lanes_negbin_inversion(B, p, k, NULL, x2);
        same_nb &= memcmp(x1, x2, sizeof x1) == 0;
        fs_lanes_free(A), fs_lanes_free(B);
    }
    CHECK(same);
    CHECK(same_nb);
}

/* The inversion draw of the negative binomial walks a table of its
 * cumulative probabilities: it must give, lane by lane, the count the
 * kernels' sequential search gives from the same word, computed here
 * the plain way. Sixteen parameter sets a call (more than the tables
 * kept, so they are rebuilt), means from 0 to 8000 (past a table's
 * length, where the search goes on from its end), p = 1, lanes out of
 * range (0) and a NaN p^size. With and without p^size given, on every
 * set. Then LONG draws from four sets only, whose tables stay and grow,
 * so that their guides are walked from every bucket. */
static void test_negbin_inversion_table(void)
{
    enum { NL = 16, DRAWS = 300, LONG = 3000 };
    static const int kept[4] = {0, 2, 6, 9};
    static const double ps[NL] = {0.3, 0.5, 0.05, 0.9, 1.0, 0.0002, 0.01, 0.7,
                                  0.2, 0.45, 0.0, 1.5, 0.08, 0.6, 0.33, 0.001};
    static const double ks[NL] = {2.857, 1.0, 0.35, 5.0, 2.0, 1.6, 0.5, 20.0,
                                  1.0, 3.0, 2.0, 1.0, -1.0, 0.9, 7.5, 8.0};
    double p[NL], k[NL], p0[NL], x[NL], xn[NL];
    uint32_t w[NL];
    int isa, d, i, same = 1, big = 0, zero = 1;

    for (isa = 0; isa < nisa; isa++) {
        fs_lanes *A = fs_lanes_alloc_isa(NL, isas[isa]), *B = fs_lanes_alloc_isa(NL, isas[isa]);
        CHECK(A != NULL && B != NULL);
        if (!A || !B) {
            fs_lanes_free(A), fs_lanes_free(B);
            continue;
        }
        fs_lanes_seed(A, 77, 1000), fs_lanes_seed(B, 77, 1000);
        for (d = 0; d < DRAWS + LONG; d++) {
            /* Rotate the parameters among the lanes, so that the sets come
             * in every order. */
            for (i = 0; i < NL; i++) {
                int set = d < DRAWS ? (i + d) % NL : kept[(i + d) % 4];
                p[i] = ps[set];
                k[i] = ks[set];
            }
            fs_lanes_log(isas[isa], NL, p, p0);
            for (i = 0; i < NL; i++)
                p0[i] = k[i] * p0[i];
            fs_lanes_exp(isas[isa], NL, p0, p0);
            if (d % 2 && d % 7 == 3)
                p0[5] = NAN;   /* a NaN probability of 0 stops the search at 0 */
            fs_lanes_negbin_inversion(A, p, k, d % 2 ? p0 : NULL, x);
            fs_lanes_words(B, w);
            for (i = 0; i < NL; i++) {
                double u = ((double)(int32_t)(w[i] ^ 0x80000000u) + 2147483648.5) * 0x1p-32;
                double P = p0[i], F = p0[i], q = 1.0 - p[i], n = 0.0;
                int it;
                if (p[i] > 0.0 && p[i] <= 1.0 && k[i] > 0.0) {
                    for (it = 1; it <= 100000 && u > F; it++) {
                        double r = 1.0 / it, km1 = it - 1;
                        P = P * ((q * k[i] + q * km1) * r);
                        F = F + P;
                    }
                    n = it - 1;
                }
                xn[i] = n;
                big |= n > 1024;
                zero &= p[i] > 0.0 && p[i] <= 1.0 && k[i] > 0.0 ? 1 : x[i] == 0.0;
            }
            same &= memcmp(x, xn, sizeof x) == 0;
        }
        fs_lanes_free(A), fs_lanes_free(B);
    }
    CHECK(same);
    CHECK(big);    /* some draws went past a table's end */
    CHECK(zero);
}

static void test_isa_choice(void)
{
    fs_isa isa;
    CHECK(fs_lanes_isa_parse("avx2", &isa) == 0 && isa == FS_ISA_AVX2);
    CHECK(fs_lanes_isa_parse("avx3", &isa) == -1);
    CHECK(fs_lanes_isa_available(FS_ISA_SCALAR));
    setenv("FS_ISA", "scalar", 1);
    CHECK(fs_lanes_isa_best() == FS_ISA_SCALAR);
    setenv("FS_ISA", "sse2", 1);
    CHECK(fs_lanes_isa_best() <= FS_ISA_SSE2);
    unsetenv("FS_ISA");
    CHECK(fs_lanes_alloc(12) == NULL && fs_lanes_alloc(0) == NULL);
    fs_lanes_free(NULL);
}

int main(void)
{
    int s;
    for (s = 0; s < FS_ISA_N; s++)
        if (fs_lanes_isa_available((fs_isa)s))
            isas[nisa++] = (fs_isa)s;
    printf("  instruction sets here:");
    for (s = 0; s < nisa; s++)
        printf(" %s", fs_lanes_isa_name(isas[s]));
    printf(" (FS_ISA chooses %s)\n", fs_lanes_isa_name(fs_lanes_isa_best()));
    RUN(test_philox_matches_rng);
    RUN(test_words_per_draw);
    RUN(test_draws_identical_across_sets);
    RUN(test_lanes_independent);
    RUN(test_exp_log_accuracy);
    RUN(test_normal_quantile);
    RUN(test_uniform_normal_lognormal);
    RUN(test_poisson);
    RUN(test_negbin);
    RUN(test_negbin_inversion_table);
    RUN(test_isa_choice);
    RUN(test_many_rows);
    return check_report();
}
