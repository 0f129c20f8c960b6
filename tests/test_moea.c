/* test_moea.c: the search module (moea.h) on standard problems with known
 * Pareto fronts, its hypervolume on exact cases, constraint domination,
 * the epsilon archive and reproducibility.
 *
 * How the pass marks are derived (not tuned): a search that has converged
 * to within delta of the true front in every objective, and spread its
 * population-size set of points evenly along it, has at least the
 * hypervolume of the true front sampled at N evenly spaced points and
 * shifted by delta in every objective. The pass mark of each problem is
 * that hypervolume over the true front's, computed here for N = the
 * population and delta = 1% of the front's range in each objective (a
 * convergence a reader would call "on the front"). For ZDT1 it comes to
 * more than the 0.95 the issue asks for (checked below). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "moea.h"

#define PI 3.14159265358979323846

typedef struct prob {
    int kind;    /* 1 ZDT1, 2 ZDT2, 3 ZDT3, 4 DTLZ2, 5 Srinivas, 6 one-variable */
    int nv;
    long calls;
} prob;

static void eval_one(int kind, int nv, const double *x, double *f, double *g)
{
    if (kind >= 1 && kind <= 3) {
        double s = 0;
        for (int i = 1; i < nv; i++)
            s += x[i];
        double gg = 1 + 9 * s / (nv - 1), h;
        double r = x[0] / gg;
        h = kind == 1 ? 1 - sqrt(r) : kind == 2 ? 1 - r * r : 1 - sqrt(r) - r * sin(10 * PI * x[0]);
        f[0] = x[0];
        f[1] = gg * h;
    } else if (kind == 4) {
        double s = 0;
        for (int i = 2; i < nv; i++)
            s += (x[i] - 0.5) * (x[i] - 0.5);
        double a = x[0] * PI / 2, b = x[1] * PI / 2;
        f[0] = (1 + s) * cos(a) * cos(b);
        f[1] = (1 + s) * cos(a) * sin(b);
        f[2] = (1 + s) * sin(a);
    } else if (kind == 5) {
        f[0] = 2 + (x[0] - 2) * (x[0] - 2) + (x[1] - 1) * (x[1] - 1);
        f[1] = 9 * x[0] - (x[1] - 1) * (x[1] - 1);
        g[0] = x[0] * x[0] + x[1] * x[1] - 225;
        g[1] = x[0] - 3 * x[1] + 10;
    } else {
        /* one integer variable: minimise (x - 37)^2, and a second
         * objective that agrees, so the front is one point */
        f[0] = (x[0] - 37) * (x[0] - 37);
        f[1] = fabs(x[0] - 37);
    }
}

static fs_status eval(void *ctx, int n, const double *x, double *f, double *g, fs_err *err)
{
    (void)err;
    prob *p = ctx;
    int no = p->kind == 4 ? 3 : 2, nc = p->kind == 5 ? 2 : 0;
    /* evaluated backwards: the search must not depend on the order */
    for (int k = n - 1; k >= 0; k--)
        eval_one(p->kind, p->nv, x + (size_t)k * p->nv, f + (size_t)k * no,
                 g ? g + (size_t)k * nc : NULL);
    p->calls += n;
    return FS_OK;
}

/* The true front sampled at n points, into f (n x no). */
static void true_front(int kind, int n, double *f)
{
    for (int i = 0; i < n; i++) {
        double t = (double)i / (n - 1);
        if (kind == 1 || kind == 2) {
            f[2 * i] = t;
            f[2 * i + 1] = kind == 1 ? 1 - sqrt(t) : 1 - t * t;
        } else if (kind == 3) {
            f[2 * i] = t;
            f[2 * i + 1] = 1 - sqrt(t) - t * sin(10 * PI * t);
        }
    }
}

static int cmp_f1(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

/* Srinivas's front: the non-dominated feasible points of a G x G grid
 * over the box (its hypervolume approaches the true one from below; the
 * front's textbook form, x1 = -2.5, leaves out its ends on the
 * constraints). Returns how many there are (at most G * G) in f. */
static int srinivas_front(int G, double *f)
{
    int n = 0;
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++) {
            double x[2] = {-20 + 40.0 * i / (G - 1), -20 + 40.0 * j / (G - 1)}, g[2];
            eval_one(5, 2, x, f + 2 * n, g);
            if (g[0] <= 0 && g[1] <= 0)
                n++;
        }
    qsort(f, (size_t)n, 2 * sizeof *f, cmp_f1);
    int k = 0;
    double best = INFINITY;
    for (int i = 0; i < n; i++)
        if (f[2 * i + 1] < best) {
            best = f[2 * i + 1];
            f[2 * k] = f[2 * i];
            f[2 * k + 1] = f[2 * i + 1];
            k++;
        }
    return k;
}

/* DTLZ2's front on an m x m grid of angles (n = m * m points). */
static void dtlz2_front(int m, double *f)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++) {
            double x[12] = {(double)i / (m - 1), (double)j / (m - 1)};
            for (int k = 2; k < 12; k++)
                x[k] = 0.5;
            eval_one(4, 12, x, f + (size_t)(i * m + j) * 3, NULL);
        }
}

/* The pass mark: HV(N-point front shifted by delta) / HV(true front). */
static double pass_mark(const double *fine, int nfine, const double *coarse, int ncoarse, int no,
                        const double *ref)
{
    double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int i = 0; i < nfine; i++)
        for (int k = 0; k < no; k++) {
            lo[k] = fmin(lo[k], fine[i * no + k]);
            hi[k] = fmax(hi[k], fine[i * no + k]);
        }
    double *s = malloc((size_t)ncoarse * no * sizeof *s);
    for (int i = 0; i < ncoarse; i++)
        for (int k = 0; k < no; k++)
            s[i * no + k] = coarse[i * no + k] + 0.01 * (hi[k] - lo[k]);
    double r = fs_moea_hypervolume(ncoarse, no, s, ref) / fs_moea_hypervolume(nfine, no, fine, ref);
    free(s);
    return r;
}

/* Runs a search and returns the hypervolume of its archive. */
static double search(int kind, int nv, int pop, int gens, uint64_t seed, const double *eps,
                     const double *ref, long *calls)
{
    double lo[30], hi[30];
    int no = kind == 4 ? 3 : 2;
    for (int i = 0; i < nv; i++) {
        lo[i] = kind == 5 ? -20 : 0;
        hi[i] = kind == 5 ? 20 : 1;
    }
    fs_moea_problem p = {nv, no, kind == 5 ? 2 : 0, lo, hi, NULL};
    fs_moea_opts o = {.population = pop, .seed = seed, .epsilons = eps};
    fs_err err;
    fs_moea *m = fs_moea_alloc(&p, &o, &err);
    if (!m)
        return -1;
    prob pr = {kind, nv, 0};
    for (int t = 0; t < gens; t++)
        if (fs_moea_step(m, eval, &pr, &err) != FS_OK) {
            fs_moea_free(m);
            return -1;
        }
    const double *f, *cv;
    int na = fs_moea_archive(m, NULL, &f, NULL, &cv);
    double v = fs_moea_hypervolume(na, no, f, ref);
    for (int a = 0; a < na; a++)
        if (cv[a] > 0)
            v = -2;
    *calls = pr.calls;
    fs_moea_free(m);
    return v;
}

static void check_problem(int kind, int nv, int pop, int gens, const double *eps,
                          const double *ref, long budget)
{
    enum { FINE = 20001, N = 100, G = 801 };
    static double fine[G * G * 2], coarse[N * 2];
    int nfine = FINE;
    if (kind == 5) {
        /* N of the grid's front points, evenly spaced along it */
        nfine = srinivas_front(G, fine);
        for (int i = 0; i < N; i++)
            memcpy(coarse + 2 * i, fine + 2 * (size_t)((long)i * (nfine - 1) / (N - 1)),
                   2 * sizeof *coarse);
    } else {
        true_front(kind, FINE, fine);
        true_front(kind, N, coarse);
    }
    double truth = fs_moea_hypervolume(nfine, 2, fine, ref);
    double mark = pass_mark(fine, nfine, coarse, N, 2, ref);
    long calls = 0;
    double hv = search(kind, nv, pop, gens, 11, eps, ref, &calls);
    fprintf(stderr, "  problem %d: hypervolume %.5f of %.5f (%.4f; pass mark %.4f) in %ld evaluations\n",
            kind, hv, truth, hv / truth, mark, calls);
    CHECK(calls <= budget);
    CHECKF(hv / truth >= mark, "%.4f < %.4f", hv / truth, mark);
    if (kind == 1)
        CHECK(mark >= 0.95);
}

/* Budget 25,000 evaluations: population 100, 250 generations. */
static void test_zdt1(void)
{
    double eps[2] = {0.005, 0.005}, ref[2] = {1.1, 1.1};
    check_problem(1, 30, 100, 250, eps, ref, 25000);
}

static void test_zdt2(void)
{
    double eps[2] = {0.005, 0.005}, ref[2] = {1.1, 1.1};
    check_problem(2, 30, 100, 250, eps, ref, 25000);
}

static void test_zdt3(void)
{
    double eps[2] = {0.005, 0.005}, ref[2] = {1.1, 1.1};
    check_problem(3, 30, 100, 250, eps, ref, 25000);
}

/* Srinivas and Deb (1994): two constraints; budget 10,000 evaluations. */
static void test_srinivas(void)
{
    double eps[2] = {1, 1}, ref[2] = {250, 10};
    check_problem(5, 2, 100, 100, eps, ref, 10000);
}

/* DTLZ2 with 3 objectives and 12 variables; budget 25,000 evaluations.
 * The true hypervolume with reference (1.1, 1.1, 1.1) is exact:
 * 1.1^3 - pi/6 (the unit sphere's octant). */
static void test_dtlz2(void)
{
    enum { M = 10 };
    double ref[3] = {1.1, 1.1, 1.1}, eps[3] = {0.02, 0.02, 0.02};
    double front[M * M * 3];
    dtlz2_front(M, front);
    double truth = 1.331 - PI / 6;
    /* the pass mark from a 10 x 10 grid of the front (100 points, the
     * population), shifted by 1% of the range (0.01) */
    for (int i = 0; i < M * M * 3; i++)
        front[i] += 0.01;
    double mark = fs_moea_hypervolume(M * M, 3, front, ref) / truth;
    long calls = 0;
    double hv = search(4, 12, 100, 250, 11, eps, ref, &calls);
    fprintf(stderr, "  DTLZ2: hypervolume %.5f of %.5f (%.4f; pass mark %.4f) in %ld evaluations\n",
            hv, truth, hv / truth, mark, calls);
    CHECK(calls <= 25000);
    CHECKF(hv / truth >= mark, "%.4f < %.4f", hv / truth, mark);
}

/* Exact hypervolumes: boxes and a staircase. */
static void test_hypervolume(void)
{
    double one[3] = {0.5, 0.5, 0.5}, ref[3] = {1, 1, 1};
    CHECK_NEAR(fs_moea_hypervolume(1, 3, one, ref), 0.125, 1e-15);
    double two[4] = {0, 0.5, 0.5, 0};
    CHECK_NEAR(fs_moea_hypervolume(2, 2, two, ref), 0.75, 1e-15);
    /* three 3-d points: inclusion-exclusion by hand */
    double p3[9] = {0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0};
    /* each box 0.25 (1 x .5 x .5); pairwise overlaps .125 each; triple .125 */
    CHECK_NEAR(fs_moea_hypervolume(3, 3, p3, ref), 3 * 0.25 - 3 * 0.125 + 0.125, 1e-15);
    /* a dominated point and a point outside the box add nothing */
    double p4[12] = {0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0, 0.6, 0.6, 0.6};
    CHECK_NEAR(fs_moea_hypervolume(4, 3, p4, ref), 0.5, 1e-15);
    double p5[6] = {0.5, 0.5, 0.5, 2, 0, 0};
    CHECK_NEAR(fs_moea_hypervolume(2, 3, p5, ref), 0.125, 1e-15);
    /* ZDT1's front, densely sampled: 1.21 - 1/3 within the sampling error */
    enum { FINE = 20001 };
    static double fine[FINE * 2];
    true_front(1, FINE, fine);
    double r2[2] = {1.1, 1.1};
    CHECK_NEAR(fs_moea_hypervolume(FINE, 2, fine, r2), 1.21 - 1.0 / 3, 1e-4);
}

static void test_dominance(void)
{
    double a[2] = {1, 2}, b[2] = {2, 2}, c[2] = {0, 3};
    CHECK(fs_moea_dominates(2, a, 0, b, 0));
    CHECK(!fs_moea_dominates(2, b, 0, a, 0));
    CHECK(!fs_moea_dominates(2, a, 0, c, 0) && !fs_moea_dominates(2, c, 0, a, 0));
    CHECK(!fs_moea_dominates(2, a, 0, a, 0));
    /* feasibility first, then the smaller violation */
    CHECK(fs_moea_dominates(2, b, 0, a, 0.1));
    CHECK(fs_moea_dominates(2, b, 0.1, a, 0.2));
    CHECK(!fs_moea_dominates(2, a, 0.2, b, 0.1));
}

/* The same seed gives the same archive bit for bit, whatever order the
 * callback evaluates in (it evaluates backwards above); another seed
 * gives another search. */
static void test_reproducible(void)
{
    double ref[2] = {1.1, 10}, eps[2] = {0.01, 0.01};
    long c;
    double a = search(1, 30, 20, 20, 5, eps, ref, &c);
    double b = search(1, 30, 20, 20, 5, eps, ref, &c);
    double d = search(1, 30, 20, 20, 6, eps, ref, &c);
    CHECKF(a > 0 && a == b, "%.17g %.17g", a, b);
    CHECK(a != d);
}

/* An integer variable stays an integer and the search finds the optimum. */
static void test_integer(void)
{
    double lo[1] = {0}, hi[1] = {100};
    int integer[1] = {1};
    fs_moea_problem p = {1, 2, 0, lo, hi, integer};
    fs_moea_opts o = {.population = 8, .seed = 1};
    fs_err err;
    fs_moea *m = fs_moea_alloc(&p, &o, &err);
    CHECK(m);
    prob pr = {6, 1, 0};
    int ok = 1;
    for (int t = 0; t < 30 && ok; t++)
        ok = fs_moea_step(m, eval, &pr, &err) == FS_OK;
    const double *x;
    int n = fs_moea_population(m, &x, NULL, NULL, NULL, NULL);
    int integral = 1, found = 0;
    for (int i = 0; i < n; i++) {
        integral &= x[i] == floor(x[i]);
        found |= x[i] == 37;
    }
    fs_moea_free(m);
    CHECK(ok && n == 8);
    CHECK(integral);
    CHECK(found);
}

/* The epsilon archive keeps one candidate per box and only
 * non-dominated boxes. */
static void test_archive(void)
{
    double ref[2] = {1.1, 1.1}, eps[2] = {0.1, 0.1};
    double lo[30] = {0}, hi[30];
    for (int i = 0; i < 30; i++)
        hi[i] = 1;
    fs_moea_problem p = {30, 2, 0, lo, hi, NULL};
    fs_moea_opts o = {.population = 40, .seed = 2, .epsilons = eps};
    fs_err err;
    fs_moea *m = fs_moea_alloc(&p, &o, &err);
    CHECK(m);
    prob pr = {1, 30, 0};
    for (int t = 0; t < 40; t++)
        fs_moea_step(m, eval, &pr, &err);
    const double *f;
    int na = fs_moea_archive(m, NULL, &f, NULL, NULL);
    int ok = na > 0 && na <= 12;
    for (int a = 0; a < na && ok; a++)
        for (int b = 0; b < na && ok; b++) {
            if (a == b)
                continue;
            double ba0 = floor(f[2 * a] / 0.1), ba1 = floor(f[2 * a + 1] / 0.1);
            double bb0 = floor(f[2 * b] / 0.1), bb1 = floor(f[2 * b + 1] / 0.1);
            if (ba0 <= bb0 && ba1 <= bb1)
                ok = 0;   /* a's box dominates or equals b's */
        }
    (void)ref;
    fs_moea_free(m);
    CHECK(ok);
}

static void test_bad_options(void)
{
    double lo[1] = {1}, hi[1] = {0};
    fs_moea_problem p = {1, 2, 0, lo, hi, NULL};
    fs_moea_opts o = {.population = 10};
    fs_err err;
    CHECK(fs_moea_alloc(&p, &o, &err) == NULL);
    CHECK(err.code == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "variable 1");
    hi[0] = 2;
    o.population = 7;
    CHECK(fs_moea_alloc(&p, &o, &err) == NULL);
    CHECK_STR_CONTAINS(err.msg, "population 7");
}

/* Re-scoring (fs_moea_set_rescore): objectives that drift with the search
 * (a shift that grows each generation, as regret grows with the best found)
 * are re-scored in the population and the archive before the survivors
 * are chosen, so after every step each of them carries the current shift:
 * f1 + f2 = 1 + 2 shift on every row. Without the re-scoring the parents
 * and the archive keep the shift they were evaluated with. */
static fs_status eval_shift(void *ctx, int n, const double *x, double *f, double *g,
                            fs_err *err)
{
    const double *shift = ctx;
    (void)g, (void)err;
    for (int i = 0; i < n; i++) {
        f[2 * i] = x[i] + *shift;
        f[2 * i + 1] = 1 - x[i] + *shift;
    }
    return FS_OK;
}

static void test_rescore(void)
{
    double lo[1] = {0}, hi[1] = {1}, shift = 0;
    fs_moea_problem p = {1, 2, 0, lo, hi, NULL};
    fs_moea_opts o = {.population = 8, .seed = 4};
    fs_err err;
    fs_moea *m = fs_moea_alloc(&p, &o, &err);
    CHECK(m);
    fs_moea_set_rescore(m, eval_shift, &shift);
    int ok = 1, drift = 0, na = 0;
    for (int t = 0; t < 5 && ok; t++) {
        shift = 0.25 * t;
        ok = fs_moea_step(m, eval_shift, &shift, &err) == FS_OK;
        const double *f, *af;
        int n = fs_moea_population(m, NULL, &f, NULL, NULL, NULL);
        na = fs_moea_archive(m, NULL, &af, NULL, NULL);
        for (int i = 0; i < n; i++)
            drift |= fabs(f[2 * i] + f[2 * i + 1] - (1 + 2 * shift)) > 1e-12;
        for (int a = 0; a < na; a++)
            drift |= fabs(af[2 * a] + af[2 * a + 1] - (1 + 2 * shift)) > 1e-12;
    }
    fs_moea_free(m);
    CHECK(ok && na > 0);
    CHECK(!drift);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_hypervolume);
    RUN(test_dominance);
    RUN(test_bad_options);
    RUN(test_integer);
    RUN(test_archive);
    RUN(test_rescore);
    RUN(test_reproducible);
    RUN(test_zdt1);
    RUN(test_zdt2);
    RUN(test_zdt3);
    RUN(test_dtlz2);
    RUN(test_srinivas);
    return check_report();
}
