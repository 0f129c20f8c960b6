/* test_evaluate.c: per-run values (evaluate.h, fs_eval_batch_runs and
 * fs_eval_runs), as a calibration reads its candidates. A point's values
 * must depend only on its x, its seed and the run: never on the thread
 * count, the batch's size or order, the points it shares a lockstep block
 * with, whether its scenario was loaded or written in place, or whether
 * it can share a block at all. And they must be what a block of its own
 * scenario alone gives (lockstep.h), windows included. Fixed seeds; run
 * from the repository's root (it reads scenarios/). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "errors.h"
#include "evaluate.h"
#include "load.h"
#include "lockstep.h"

#define BASE "scenarios/rats_2011_2015.cfg"
#define NPTS 37
#define RUNS 3
#define MAXV 16

/* The quantities read from every run: totals, outcomes, a level, a
 * regional series, and windows of a threat's and an actor's flows, two of
 * them over the whole run (which must equal the totals: IDENT). */
static const char *names[] = {
    "foiled.[jihadist]", "removed.[support]", "removed.[jihadist]", "attacks.[TJ]",
    "escalation", "threat_index@60", "plots@1-60", "foiled.[jihadist]@13-36",
    "removed.[jihadist]@0-60", "attacks.[TJ]@1-12", "attacks.[TJ]@0-60",
    "casualties.[KG]@30-30", "removed.[support]@0-0",
};
#define NV ((int)(sizeof names / sizeof names[0]))
static const int ident[][2] = {{2, 8}, {3, 10}};   /* a total and its whole window */

static fs_scenario_text *text;
static fs_scenario *base;
static fs_runvalue vals[MAXV];

static int setup(void)
{
    fs_err e;
    char msg[512];
    if (fs_scenario_text_read(BASE, &text, &e) != FS_OK ||
        fs_load_scenario_text(text, NULL, 0, &base, &e) != FS_OK) {
        fprintf(stderr, "test_evaluate: %s\n", e.msg);
        return -1;
    }
    for (int k = 0; k < NV; k++)
        if (fs_runvalue_parse(names[k], base, &vals[k], msg, sizeof msg) != 0) {
            fprintf(stderr, "test_evaluate: %s\n", msg);
            return -1;
        }
    return 0;
}

static const char *paths3[] = {"threats.[jihadist].plot_rate", "threats.[jihadist].attrition",
                               "mechanisms.[rats].intensity"};
static const int integer3[] = {0, 0, 0};

static fs_eval_spec spec_of(const char *const *paths, int nparams, long runs)
{
    fs_eval_spec s = {BASE, text, NULL, 0, nparams, paths, integer3, runs, 0, 0, NULL, NULL};
    return s;
}

/* Point i: its three values and its seed. */
static void point(int i, double *x, uint64_t *seed)
{
    x[0] = 0.0005 + 0.00005 * i;
    x[1] = 0.1 + 0.01 * (i % 7);
    x[2] = 0.2 + 0.02 * (i % 11);
    *seed = UINT64_C(1000) + (uint64_t)i * 7919u;
}

static void points(int n, double *x, uint64_t *seeds)
{
    for (int i = 0; i < n; i++)
        point(i, x + 3 * i, &seeds[i]);
}

/* The rows of points idx[0..n-1] (indices into point()), run with
 * `threads` threads in one batch. */
static fs_status batch_of(const int *idx, int n, long runs, int threads, double *out,
                          fs_err *err)
{
    double x[3 * NPTS];
    uint64_t seeds[NPTS];
    fs_eval_spec s = spec_of(paths3, 3, runs);
    for (int i = 0; i < n; i++)
        point(idx[i], x + 3 * i, &seeds[i]);
    return fs_eval_batch_runs(&s, n, x, seeds, NV, vals, threads, out, err);
}

static int same_rows(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* One thread or two, the points in order or reversed, in one batch or in
 * batches of 5, 1 and 31 through one fs_eval_runs (as a calibration runs
 * its batches): the same bytes for every point. Its first run is the same
 * with runs = 1, and with 20 runs a point (over two blocks) keeps its
 * first three. */
static void test_threads_and_packing(void)
{
    int idx[NPTS], i;
    size_t row = (size_t)RUNS * NV, all = NPTS * row;
    double *a = malloc(all * sizeof *a), *b = malloc(all * sizeof *b);
    double *one = malloc((size_t)NPTS * NV * sizeof *one);
    double *many = malloc((size_t)4 * 20 * NV * sizeof *many);
    fs_err e;
    fs_status st;

    CHECK(a && b && one && many);
    for (i = 0; i < NPTS; i++)
        idx[i] = i;
    st = batch_of(idx, NPTS, RUNS, 1, a, &e);
    CHECKF(st == FS_OK, "%s", e.msg);
    st = batch_of(idx, NPTS, RUNS, 2, b, &e);
    CHECK(st == FS_OK && same_rows(a, b, all));
    for (i = 0; i < NPTS; i++)
        idx[i] = NPTS - 1 - i;
    st = batch_of(idx, NPTS, RUNS, 2, b, &e);
    CHECK(st == FS_OK);
    for (i = 0; i < NPTS; i++)
        CHECKF(same_rows(a + idx[i] * row, b + i * row, row), "point %d reversed", idx[i]);
    {
        fs_eval_runs *w = fs_eval_runs_alloc(2);
        double x[3 * NPTS];
        uint64_t seeds[NPTS];
        fs_eval_spec s = spec_of(paths3, 3, RUNS);
        int cut[4] = {0, 5, 6, NPTS};
        CHECK(w != NULL);
        points(NPTS, x, seeds);
        for (i = 0; st == FS_OK && i < 3; i++)
            st = fs_eval_runs_batch(w, &s, cut[i + 1] - cut[i], x + 3 * cut[i],
                                    seeds + cut[i], NV, vals, b + cut[i] * row, &e);
        fs_eval_runs_free(w);
        CHECK(st == FS_OK && same_rows(a, b, all));
    }
    for (i = 0; i < NPTS; i++)
        idx[i] = i;
    st = batch_of(idx, NPTS, 1, 2, one, &e);
    CHECK(st == FS_OK);
    for (i = 0; i < NPTS; i++)
        CHECKF(same_rows(a + i * row, one + (size_t)i * NV, NV), "point %d, runs = 1", i);
    st = batch_of(idx, 4, 20, 2, many, &e);
    CHECK(st == FS_OK);
    for (i = 0; i < 4; i++)
        CHECKF(same_rows(a + i * row, many + (size_t)i * 20 * NV, row), "point %d, 20 runs", i);
    /* the points differ: a lane reading another's scenario or seed shows */
    for (i = 1; i < NPTS; i++)
        CHECK(!same_rows(a, a + i * row, row));
    free(a), free(b), free(one), free(many);
}

/* Each value is what a block of the point's scenario alone gives: its
 * cells, and its windows' sums; a window over the whole run is the
 * run total. */
static void test_direct(void)
{
    double x[3], out[RUNS * NV], *obs = NULL;
    uint64_t seed;
    fs_eval_spec s = spec_of(paths3, 3, RUNS);
    fs_lockstep_window w[MAXV];
    int wof[MAXV], nw = 0, k;
    fs_err e;

    for (k = 0; k < NV; k++)
        wof[k] = fs_runvalue_window(&vals[k], &w[nw]) == 0 ? nw++ : -1;
    CHECK(nw == 6);
    for (int i = 0; i < NPTS; i += 12) {
        fs_scenario *sc = NULL;
        fs_lockstep *L;
        fs_layout lay;
        point(i, x, &seed);
        CHECK(fs_eval_batch_runs(&s, 1, x, &seed, NV, vals, 1, out, &e) == FS_OK);
        CHECK(fs_eval_load(&s, x, &sc, NULL, &e) == FS_OK);
        fs_layout_init(&lay, sc);
        L = fs_lockstep_alloc(sc, 8);
        obs = malloc((size_t)8 * lay.ncells * sizeof *obs);
        CHECK(L && obs && fs_lockstep_watch(L, w, nw) == 0);
        fs_lockstep_run(L, seed, 0, RUNS, obs);
        for (int r = 0; r < RUNS; r++) {
            for (k = 0; k < NV; k++) {
                double acc = wof[k] >= 0 ? fs_lockstep_watched(L, wof[k], r) : 0.0;
                double v = fs_runvalue_read(&vals[k], &lay, obs + (size_t)r * lay.ncells, acc);
                CHECKF(memcmp(&v, &out[r * NV + k], sizeof v) == 0, "point %d run %d %s: "
                       "%.17g, alone %.17g", i, r, names[k], out[r * NV + k], v);
            }
            for (k = 0; k < (int)(sizeof ident / sizeof ident[0]); k++)
                CHECKF(out[r * NV + ident[k][0]] == out[r * NV + ident[k][1]],
                       "%s %.17g, %s %.17g", names[ident[k][0]], out[r * NV + ident[k][0]],
                       names[ident[k][1]], out[r * NV + ident[k][1]]);
        }
        fs_lockstep_free(L);
        fs_scenario_free(sc);
        free(obs);
    }
}

/* A parameter fs_scenario_set cannot write (carrying_capacity, every
 * actor's capacity's default) loads each block's points afresh: the same
 * bytes for one thread, two, and each point alone. */
static void test_not_settable(void)
{
    static const char *paths[] = {"threats.[jihadist].carrying_capacity",
                                  "threats.[jihadist].plot_rate"};
    fs_eval_spec s = spec_of(paths, 2, 2);
    enum { N = 11 };
    double x[2 * N], a[N * 2 * NV], b[N * 2 * NV], c[2 * NV];
    uint64_t seeds[N];
    fs_err e;
    for (int i = 0; i < N; i++) {
        x[2 * i] = 50.0 + 10.0 * i;
        x[2 * i + 1] = 0.0006 + 0.0001 * i;
        seeds[i] = 77 + (uint64_t)i;
    }
    CHECK(fs_eval_batch_runs(&s, N, x, seeds, NV, vals, 1, a, &e) == FS_OK);
    CHECK(fs_eval_batch_runs(&s, N, x, seeds, NV, vals, 2, b, &e) == FS_OK);
    CHECK(same_rows(a, b, (size_t)N * 2 * NV));
    for (int i = 0; i < N; i++) {
        CHECK(fs_eval_batch_runs(&s, 1, x + 2 * i, &seeds[i], NV, vals, 1, c, &e) == FS_OK);
        CHECKF(same_rows(a + (size_t)i * 2 * NV, c, 2 * NV), "point %d alone", i);
    }
    CHECK(!same_rows(a, a + 2 * NV, 2 * NV));
}

/* A candidate whose volatility is exactly 0 draws no shocks, so it cannot
 * share a block with the others: it gets the same values mixed into a
 * batch (in the middle, first, or as most of it) as alone, and the others
 * the same as without it. */
static void test_incompatible(void)
{
    static const char *paths[] = {"threats.[jihadist].volatility",
                                  "threats.[jihadist].plot_rate"};
    fs_eval_spec s = spec_of(paths, 2, 2);
    enum { N = 20 };
    size_t row = 2 * NV;
    double x[2 * N], alone[N * 2 * NV], mixed[N * 2 * NV];
    uint64_t seeds[N];
    fs_err e;
    int i, t;
    for (i = 0; i < N; i++) {
        x[2 * i] = 0.03 + 0.005 * i;
        x[2 * i + 1] = 0.0006 + 0.00005 * i;
        seeds[i] = 500 + (uint64_t)i;
    }
    {   /* 0 and 0.03 cannot share a block; 0.03 and 0.08 can */
        fs_scenario *p = NULL, *q = NULL, *r = NULL;
        double z[2] = {0.0, 0.0006};
        CHECK(fs_eval_load(&s, x, &p, NULL, &e) == FS_OK && fs_eval_load(&s, z, &q, NULL, &e)
              == FS_OK && fs_eval_load(&s, x + 2 * (N - 1), &r, NULL, &e) == FS_OK);
        i = fs_lockstep_compatible(p, q) == 0 && fs_lockstep_compatible(p, r) == 1;
        fs_scenario_free(p), fs_scenario_free(q), fs_scenario_free(r);
        CHECK(i);
    }
    /* three layouts: 0 at point 7; at point 0 (the thread's first block
     * is bound to it); at every point but 3 and 12 */
    for (t = 0; t < 3; t++) {
        for (i = 0; i < N; i++)
            x[2 * i] = 0.03 + 0.005 * i;
        if (t == 0)
            x[2 * 7] = 0.0;
        else if (t == 1)
            x[0] = 0.0;
        else
            for (i = 0; i < N; i++)
                if (i != 3 && i != 12)
                    x[2 * i] = 0.0;
        for (i = 0; i < N; i++)
            CHECK(fs_eval_batch_runs(&s, 1, x + 2 * i, &seeds[i], NV, vals, 1, alone + i * row,
                                     &e) == FS_OK);
        for (int threads = 1; threads <= 2; threads++) {
            CHECK(fs_eval_batch_runs(&s, N, x, seeds, NV, vals, threads, mixed, &e) == FS_OK);
            for (i = 0; i < N; i++)
                CHECKF(same_rows(alone + i * row, mixed + i * row, row), "layout %d, point %d, "
                       "%d threads", t, i, threads);
        }
    }
    /* and a point with volatility 0 has its own values */
    CHECK(!same_rows(alone + 3 * row, alone + 4 * row, row));
}

/* One fs_eval_runs through batches that read other quantities, then
 * other parameters, then other runs: each batch the same bytes as with a
 * workspace of its own. */
static void test_workspace_kept(void)
{
    static const char *paths[] = {"threats.[jihadist].volatility",
                                  "threats.[jihadist].plot_rate"};
    enum { N = 9 };
    double x[3 * N], a[N * 4 * NV], b[N * 4 * NV];
    uint64_t seeds[N];
    fs_eval_spec s3 = spec_of(paths3, 3, RUNS), s2 = spec_of(paths, 2, 4);
    fs_eval_runs *w = fs_eval_runs_alloc(2);
    fs_err e;
    int ok = w != NULL;
    points(N, x, seeds);
    /* all the values, then the windows only, in another order */
    ok = ok && fs_eval_runs_batch(w, &s3, N, x, seeds, NV, vals, a, &e) == FS_OK &&
         fs_eval_runs_batch(w, &s3, N, x, seeds, NV - 7, vals + 7, a, &e) == FS_OK &&
         fs_eval_batch_runs(&s3, N, x, seeds, NV - 7, vals + 7, 1, b, &e) == FS_OK &&
         same_rows(a, b, (size_t)N * RUNS * (NV - 7));
    /* other parameters (volatility, plot rate), four runs */
    for (int i = 0; i < N; i++)
        x[2 * i] = 0.02 + 0.01 * i, x[2 * i + 1] = 0.0007;
    ok = ok && fs_eval_runs_batch(w, &s2, N, x, seeds, NV, vals, a, &e) == FS_OK &&
         fs_eval_batch_runs(&s2, N, x, seeds, NV, vals, 1, b, &e) == FS_OK &&
         same_rows(a, b, (size_t)N * 4 * NV);
    fs_eval_runs_free(w);
    fs_eval_runs_free(NULL);
    CHECK(ok);
}

/* A point the loader refuses fails the batch, and the lowest such point
 * is the one named. */
static void test_refused_point(void)
{
    double x[3 * NPTS], out[NPTS * RUNS * NV];
    uint64_t seeds[NPTS];
    fs_eval_spec s = spec_of(paths3, 3, RUNS);
    fs_err e;
    fs_status st;
    points(NPTS, x, seeds);
    x[3 * 20 + 2] = 2.0;
    x[3 * 9 + 2] = 1.5;
    st = fs_eval_batch_runs(&s, NPTS, x, seeds, NV, vals, 2, out, &e);
    CHECK(st != FS_OK);
    CHECK_STR_CONTAINS(e.msg, "mechanisms.[rats].intensity=1.5");
}

int main(void)
{
    if (setup() != 0)
        return 1;
    RUN(test_threads_and_packing);
    RUN(test_direct);
    RUN(test_not_settable);
    RUN(test_incompatible);
    RUN(test_workspace_kept);
    RUN(test_refused_point);
    fs_scenario_free(base);
    fs_scenario_text_free(text);
    return check_report();
}
