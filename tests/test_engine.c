/* test_engine.c: results do not depend on the thread count, run i always
 * uses stream (seed, i), and the quantiles reported match the exact
 * quantiles of the runs within the sketch's alpha (0.39%); with either
 * model (model.c run by run, or the lockstep model in blocks), and with
 * the lockstep each run is what lockstep.h gives it in a block of another
 * size, on its posterior particle too. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "engine.h"
#include "lockstep.h"
#include "metrics.h"
#include "model.h"
#include "output.h"
#include "posterior.h"
#include "rng.h"
#include "scen.h"
#include "stats.h"
#include "sketch.h"

/* A scenario with every process on. */
static fs_scenario *busy(void)
{
    fs_scenario *sc = scen_new(4, 2, 24);
    fs_inject *in;
    int g;
    for (g = 0; g < 2; g++) {
        fs_threat *th = &sc->threats[g];
        th->growth = 0.04, th->mobility = 0.1, th->plot_rate = 0.02;
        th->volatility = 0.15, th->online_recruitment = 0.4, th->attrition = 0.05;
        th->lethality_mean = 8, th->lethality_dispersion = 0.3;
        th->presence[g] = 30, th->presence[3] = 10;
    }
    sc->actors[3].role = FS_ROLE_EXTERNAL;
    sc->dynamics = (fs_dynamics){0.5, 0.02, 0.01, 0.05, 0.1, 0.1, 0.05, 0.01};
    scen_border(sc, 0, 1, 0.5);
    scen_border(sc, 1, 2, 0.3);
    scen_border(sc, 2, 3, 0.8);
    scen_mech(sc, FS_MECH_INTEL_SHARING, 0.6, 0, 1, 2, -1);
    scen_mech(sc, FS_MECH_JOINT_DRILL, 0.5, 0, 1, 2, -1)->period = 6;
    scen_mech(sc, FS_MECH_BORDER_OPERATION, 0.7, 2, -1);
    in = scen_inject(sc, FS_INJ_ATTACK, 5);
    in->actor = 0, in->threat = 0, in->probability = 0.5;
    in = scen_inject(sc, FS_INJ_TRUST_SHOCK, 1);
    in->actor = 0, in->actor2 = 2, in->delta = -0.2, in->hazard = 0.05, in->step = 0;
    in->start = 1, in->end = 24;
    return sc;
}

/* Which model the engines of the tests below run (fs_engine_opts.runwise: !lockstep). */
static int lockstep;

static fs_engine *run(const fs_scenario *sc, long runs, int threads, FILE *rows)
{
    fs_engine_opts o;
    fs_err e;
    memset(&o, 0, sizeof o);
    o.runs = runs, o.seed = 777, o.threads = threads, o.runs_csv[0] = rows;
    o.runwise = !lockstep;
    return fs_engine_run(sc, &o, &e);
}

/* Every moment and quantile of every cell, bit for bit. */
static int same_results(const fs_engine *a, const fs_engine *b)
{
    const fs_layout *l = fs_engine_layout(a);
    int c, q;
    for (c = 0; c < l->ncells; c++) {
        const fs_moments *ma = fs_acc_moments(fs_engine_acc(a), c);
        const fs_moments *mb = fs_acc_moments(fs_engine_acc(b), c);
        if (memcmp(ma, mb, sizeof *ma) != 0)
            return 0;
        for (q = 0; q < 5; q++) {
            double x = fs_acc_quantile(fs_engine_acc(a), c, fs_quantiles[q]);
            double y = fs_acc_quantile(fs_engine_acc(b), c, fs_quantiles[q]);
            if (memcmp(&x, &y, sizeof x) != 0)
                return 0;
        }
    }
    return memcmp(fs_engine_first_mc(a), fs_engine_first_mc(b),
                  (l->steps + 1) * sizeof(uint64_t)) == 0;
}

static char *slurp(FILE *f)
{
    long n;
    char *s;
    fflush(f);
    n = ftell(f);
    s = calloc(n + 1, 1);
    rewind(f);
    if (fread(s, 1, n, f) != (size_t)n) {
        free(s);
        return NULL;
    }
    return s;
}

static void test_threads_identical(void)
{
    fs_scenario *sc = busy();
    FILE *f1 = tmpfile(), *f2 = tmpfile(), *f3 = tmpfile();
    fs_engine *e1 = run(sc, 1003, 1, f1), *e2 = run(sc, 1003, 2, f2), *e3 = run(sc, 1003, 3, f3);
    char *s1, *s2, *s3;
    CHECK(e1 && e2 && e3);
    CHECK(fs_engine_lockstep(e1) == lockstep);
    CHECK(fs_engine_done(e1) == 1003);
    CHECK(same_results(e1, e2));
    CHECK(same_results(e1, e3));
    s1 = slurp(f1), s2 = slurp(f2), s3 = slurp(f3);
    CHECK(s1 && s2 && s3);
    CHECK(strcmp(s1, s2) == 0 && strcmp(s1, s3) == 0);
    CHECK(strncmp(s1, "0,", 2) == 0);
    CHECK(strstr(s1, "\n1002,") != NULL);
    free(s1), free(s2), free(s3);
    fclose(f1), fclose(f2), fclose(f3);
    fs_engine_free(e1), fs_engine_free(e2), fs_engine_free(e3);
    fs_scenario_free(sc);
}

/* Run i of a 10-run engine equals a lone model run on stream (seed, i),
 * and the engine's quantiles match exact lower quantiles of those runs. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The engine's quantiles of cell against the exact lower quantiles of the
 * R runs' values vals (sorted here), within the sketch's alpha; its min
 * and max exactly; and the runs differ (different streams). */
static void check_quantiles(const fs_engine *e, int cell, double *vals, long R)
{
    int q;
    qsort(vals, R, sizeof *vals, cmp_double);
    for (q = 0; q < 5; q++) {
        double exact = vals[(long)floor(fs_quantiles[q] * (R - 1))];
        double est = fs_acc_quantile(fs_engine_acc(e), cell, fs_quantiles[q]);
        CHECK_NEAR(est, exact, FS_SKETCH_ALPHA * fabs(exact) + 1e-12);
    }
    CHECK(fs_acc_moments(fs_engine_acc(e), cell)->min == vals[0]);
    CHECK(fs_acc_moments(fs_engine_acc(e), cell)->max == vals[R - 1]);
    CHECK(vals[0] != vals[R - 1]);
}

static void test_streams_and_quantiles(void)
{
    fs_scenario *sc = busy();
    const long R = 400;
    fs_engine *e = run(sc, R, 2, NULL);
    fs_layout l;
    fs_model *m = fs_model_alloc(sc);
    gsl_rng *r = fs_rng_alloc();
    double *obs, *vals;
    long i;
    int t, cell;

    CHECK(e && m && r);
    fs_layout_init(&l, sc);
    obs = malloc(l.ncells * sizeof *obs);
    vals = malloc(R * sizeof *vals);
    cell = fs_cell_tot(&l, FS_TOT_THREAT_FINAL);
    for (i = 0; i < R; i++) {
        fs_rng_seed(r, 777, (uint64_t)i);
        fs_model_start(m, r, obs);
        for (t = 1; t <= sc->steps; t++)
            fs_model_step(m, r, obs);
        fs_model_finish(m, obs);
        vals[i] = obs[cell];
    }
    check_quantiles(e, cell, vals, R);
    free(obs), free(vals);
    gsl_rng_free(r);
    fs_model_free(m);
    fs_engine_free(e);
    fs_scenario_free(sc);
}

/* Iterating in uneven chunks gives the same result as one call. */
static void test_chunks_identical(void)
{
    fs_scenario *sc = busy();
    fs_engine_opts o;
    fs_err err;
    fs_engine *a = run(sc, 500, 2, NULL), *b;
    memset(&o, 0, sizeof o);
    o.runs = 500, o.seed = 777, o.threads = 2, o.runwise = !lockstep;
    b = fs_engine_alloc(sc, &o, &err);
    CHECK(a && b);
    CHECK(fs_engine_iterate(b, 7, &err) == FS_OK);
    CHECK(fs_engine_iterate(b, 100, &err) == FS_OK);
    CHECK(fs_engine_iterate(b, 1000, &err) == FS_OK);
    CHECK(fs_engine_done(b) == 500);
    CHECK(fs_engine_finish(b, &err) == FS_OK);
    /* Blocks are aligned to run 0, so chunking cannot change them... */
    CHECK(same_results(a, b));
    fs_engine_free(a), fs_engine_free(b);
    fs_scenario_free(sc);
}

/* Block sums merged with Chan's formula agree with a two-pass computation
 * on data far from zero (where naive sums of squares would fail). */
static void test_moments(void)
{
    fs_scenario *sc = scen_new(1, 0, 0);
    fs_layout l;
    fs_acc *total, *block;
    double *obs, xs[1000], mean = 0, m2 = 0;
    int i, c = 0;
    gsl_rng *r = fs_rng_alloc();

    fs_layout_init(&l, sc);
    total = fs_acc_alloc(&l, FS_SKETCH_NONE);
    block = fs_acc_alloc(&l, FS_SKETCH_NONE);
    obs = calloc(l.ncells, sizeof *obs);
    CHECK(total && block && obs);
    for (i = 0; i < 1000; i++)
        xs[i] = 1e9 + gsl_rng_uniform(r);
    for (i = 0; i < 1000; i++) {
        obs[c] = xs[i];
        fs_acc_add_run(block, obs);
        if (i % 16 == 15 || i == 999) {
            fs_acc_merge_moments(total, block);
            fs_acc_reset_moments(block);
        }
    }
    for (i = 0; i < 1000; i++)
        mean += xs[i] / 1000;
    for (i = 0; i < 1000; i++)
        m2 += (xs[i] - mean) * (xs[i] - mean);
    CHECK(fs_acc_moments(total, c)->n == 1000);
    CHECK_NEAR(fs_acc_moments(total, c)->mean, mean, 1e-6);
    CHECK_NEAR(fs_acc_moments(total, c)->m2, m2, 1e-6 * m2);
    {
        /* The sd itself against the uniform's sqrt(1/12), within Z standard
         * errors of the sample sd. For n independent draws with variance
         * s2 and fourth central moment m4, Var(sample variance) =
         * m4/n - s2^2 (n-3)/(n(n-1)); by the delta method (sd = sqrt(var),
         * d sd / d var = 1/(2 sd)) the sample sd has standard error
         * sqrt(Var(sample variance)) / (2 sqrt(s2)). For U(0,1), s2 = 1/12
         * and m4 = 1/80: at n = 1000 that is 0.00409. (The offset 1e9
         * rounds each draw to a multiple of 2^-23, which adds a variance
         * of at most 2^-46/12: nothing at this scale.) The stream is fixed
         * (fs_rng_alloc: stream (0, 0)), so the check is deterministic; Z
         * = 4 means a correct sd would fail it for only about 6 in 100 000
         * streams, while an sd off by 6% or more (0.017) always fails. */
        const double n = 1000, s2 = 1.0 / 12, m4 = 1.0 / 80, Z = 4;
        double var_s2 = m4 / n - s2 * s2 * (n - 3) / (n * (n - 1));
        double se_sd = sqrt(var_s2) / (2 * sqrt(s2));
        CHECK_NEAR(fs_moments_sd(fs_acc_moments(total, c)), sqrt(s2), Z * se_sd);
    }
    free(obs);
    fs_acc_free(total);
    fs_acc_free(block);
    gsl_rng_free(r);
    fs_scenario_free(sc);
}

/* A model that overflows to infinity is reported as such (a runtime
 * error naming the likely parameters), not as running out of memory. */
static void test_infinite_values(void)
{
    fs_scenario *sc = scen_new(2, 1, 5);
    fs_engine_opts o;
    fs_engine *eng;
    fs_err e;

    sc->threats[0].growth = 1e308;
    sc->threats[0].presence[0] = 100.0;
    sc->threats[0].capacity[0] = 1e308;
    memset(&o, 0, sizeof o);
    o.runs = 70, o.seed = 1, o.threads = 2, o.runwise = !lockstep;
    eng = fs_engine_run(sc, &o, &e);
    CHECK(eng == NULL);
    CHECK(e.code == FS_ERUNTIME);
    CHECKF(strstr(e.msg, "infinite value") != NULL, "%s", e.msg);
    fs_engine_free(eng);
    fs_scenario_free(sc);
}

/* The lockstep engine's runs are lockstep.h's runs on streams (seed, i),
 * whatever the block: blocks of 8 starting at run 8j here against the
 * engine's 16 (runs.csv compared row by row, the first mass-casualty
 * histogram count by count), and its quantiles are those runs' exact
 * quantiles within the sketch's alpha. */
static void test_lockstep_runs(void)
{
    fs_scenario *sc = busy();
    const long R = 403;   /* a short last block */
    FILE *f = tmpfile();
    fs_engine *e;
    fs_lockstep *L = fs_lockstep_alloc(sc, 8);
    fs_layout l;
    double *obs, *vals;
    uint64_t *mc;
    char *rows, line[512];
    const char *p;
    long i;
    int cell, ok = 1, j;

    lockstep = 1;
    e = run(sc, R, 2, f);
    lockstep = 0;
    CHECK(e && L && f);
    CHECK(fs_engine_lockstep(e) == 1);
    fs_layout_init(&l, sc);
    obs = malloc(8 * l.ncells * sizeof *obs);
    vals = malloc(R * sizeof *vals);
    mc = calloc(sc->steps + 1, sizeof *mc);
    rows = slurp(f);
    CHECK(rows != NULL);
    cell = fs_cell_tot(&l, FS_TOT_THREAT_FINAL);
    p = rows;
    for (i = 0; i < R; i += 8) {
        int n = R - i < 8 ? (int)(R - i) : 8;
        fs_lockstep_run(L, 777, (uint64_t)i, n, obs);
        for (j = 0; j < n; j++) {
            const double *o = obs + (size_t)j * l.ncells;
            double f1 = o[fs_cell_tot(&l, FS_TOT_FIRST_MASS_CASUALTY)];
            char mcs[32] = "";
            const char *nl = p ? strchr(p, '\n') : NULL;
            vals[i + j] = o[cell];
            mc[isnan(f1) ? 0 : (int)f1]++;
            if (!isnan(f1))
                snprintf(mcs, sizeof mcs, "%.0f", f1);
            snprintf(line, sizeof line,
                     "%ld,%.0f,%.0f,%.0f,%.0f,%.10g,%.10g,%.10g,%.0f,%.0f,%.0f,%s", i + j,
                     o[fs_cell_tot(&l, FS_TOT_PLOTS)], o[fs_cell_tot(&l, FS_TOT_FOILED)],
                     o[fs_cell_tot(&l, FS_TOT_ATTACKS)], o[fs_cell_tot(&l, FS_TOT_CASUALTIES)],
                     o[fs_cell_tot(&l, FS_TOT_THREAT_FINAL)],
                     o[fs_cell_tot(&l, FS_TOT_COHESION_FINAL)], o[fs_cell_tot(&l, FS_TOT_COST)],
                     o[fs_cell_out(&l, FS_OUT_ESCALATION)], o[fs_cell_out(&l, FS_OUT_FRACTURE)],
                     o[fs_cell_out(&l, FS_OUT_CONTAINED)], mcs);
            if (nl == NULL || (size_t)(nl - p) != strlen(line) || strncmp(p, line, nl - p)) {
                CHECKF(0, "run %ld: %.60s", i + j, line);
                ok = 0;
                break;
            }
            p = nl + 1;
        }
        if (!ok)
            break;
    }
    CHECK(ok && p && *p == '\0');
    CHECK(memcmp(mc, fs_engine_first_mc(e), (sc->steps + 1) * sizeof *mc) == 0);
    check_quantiles(e, cell, vals, R);
    free(obs), free(vals), free(mc), free(rows);
    fclose(f);
    fs_lockstep_free(L);
    fs_engine_free(e);
    fs_scenario_free(sc);
}

/* Adds a bucket's count to *(uint64_t *)arg. */
static void add_count(double lo, double hi, uint64_t count, void *arg)
{
    (void)lo, (void)hi;
    *(uint64_t *)arg += count;
}

/* The lockstep model writing columns (fs_lockstep_columns) writes the
 * cells it writes in rows, and an accumulator fed the columns (16 runs a
 * call, flushed) holds, to the bit, the moments and sketches of one fed
 * the rows, over blocks of 64 runs and a short last one. */
static void test_columns_as_rows(void)
{
    enum { R = 403, P = 16, B = 64 };
    fs_scenario *sc = busy();
    fs_lockstep *L = fs_lockstep_alloc(sc, P), *C = fs_lockstep_alloc(sc, P);
    fs_layout l;
    fs_acc *tr, *tc, *ar, *ac;
    double *rows, *cols;
    int i, j, c, same = 1, q;

    fs_layout_init(&l, sc);
    tr = fs_acc_alloc(&l, FS_SKETCH_ALL), tc = fs_acc_alloc(&l, FS_SKETCH_ALL);
    ar = fs_acc_alloc(&l, FS_SKETCH_ALL), ac = fs_acc_alloc(&l, FS_SKETCH_ALL);
    rows = malloc((size_t)P * l.ncells * sizeof *rows);
    cols = malloc((size_t)P * l.ncells * sizeof *cols);
    CHECK(L && C && tr && tc && ar && ac && rows && cols);
    fs_lockstep_columns(C, P);
    for (i = 0; i < R; i += P) {
        int n = R - i < P ? R - i : P;
        if (i % B == 0) {
            fs_acc_reset_moments(ar);
            fs_acc_reset_moments(ac);
        }
        fs_lockstep_run(L, 777, (uint64_t)i, n, rows);
        fs_lockstep_run(C, 777, (uint64_t)i, n, cols);
        for (j = 0; j < n; j++)
            for (c = 0; c < l.ncells; c++)
                same &= memcmp(&rows[(size_t)j * l.ncells + c], &cols[(size_t)c * P + j],
                               sizeof(double)) == 0;
        CHECK(fs_acc_add_runs(ar, rows, n) == 0);
        CHECK(fs_acc_add_columns(ac, cols, n, P) == 0);
        if (i + n == R || (i + n) % B == 0) {
            fs_acc_merge_moments(tr, ar);
            fs_acc_merge_moments(tc, ac);
        }
    }
    CHECK(same);
    CHECK(fs_acc_flush(ac) == 0);
    CHECK(fs_acc_merge_sketches(tr, ar) == 0);
    CHECK(fs_acc_merge_sketches(tc, ac) == 0);
    for (c = 0; c < l.ncells; c++) {
        const fs_moments *a = fs_acc_moments(tr, c), *b = fs_acc_moments(tc, c);
        same &= memcmp(a, b, sizeof *a) == 0;
        if (fs_acc_sketch(tr, c) == NULL) {
            same &= fs_acc_sketch(tc, c) == NULL;
            continue;
        }
        same &= fs_sketch_count(fs_acc_sketch(tr, c)) == fs_sketch_count(fs_acc_sketch(tc, c));
        for (q = 0; q <= 20; q++) {
            double x = fs_sketch_quantile(fs_acc_sketch(tr, c), q / 20.0);
            double y = fs_sketch_quantile(fs_acc_sketch(tc, c), q / 20.0);
            same &= memcmp(&x, &y, sizeof x) == 0;
        }
    }
    CHECKF(same, "the columns' moments and sketches differ from the rows'");
    CHECK(fs_sketch_count(fs_acc_sketch(tc, fs_cell_tot(&l, FS_TOT_THREAT_FINAL))) == R);
    {
        /* A sketch given to a cell after columns were added counts the
         * columns that follow, and the others' waiting keys are kept. */
        fs_acc *x = fs_acc_alloc(&l, FS_SKETCH_TOTALS);
        int late = fs_cell_ts(&l, 3, FS_TS_THREAT), tot = fs_cell_tot(&l, FS_TOT_THREAT_FINAL);
        CHECK(x != NULL && fs_acc_sketch(x, late) == NULL);
        fs_lockstep_run(C, 777, 0, P, cols);
        CHECK(fs_acc_add_columns(x, cols, P, P) == 0);
        CHECK(fs_acc_add_sketch(x, late) == 0 && fs_acc_sketch(x, late) != NULL);
        CHECK(fs_acc_add_columns(x, cols, 5, P) == 0);
        CHECK(fs_acc_flush(x) == 0);
        CHECK(fs_sketch_count(fs_acc_sketch(x, late)) == 5);
        CHECK(fs_sketch_count(fs_acc_sketch(x, tot)) == P + 5);
        {
            uint64_t in_buckets = 0;
            fs_sketch_foreach(fs_acc_sketch(x, tot), add_count, &in_buckets);
            CHECK(in_buckets == P + 5);
        }
        fs_acc_free(x);
    }
    free(rows), free(cols);
    fs_acc_free(tr), fs_acc_free(tc), fs_acc_free(ar), fs_acc_free(ac);
    fs_lockstep_free(L), fs_lockstep_free(C);
    fs_scenario_free(sc);
}

/* Two scenarios side by side in lockstep: each one's results are those of
 * an engine of its own (the paired differences come from the same rows). */
static void test_lockstep_compare(void)
{
    fs_scenario *a = busy(), *b = busy();
    const fs_scenario *both[2];
    fs_engine_opts o;
    fs_engine *pair, *solo;
    fs_err err;

    b->threats[0].plot_rate = 0.04;
    both[0] = a, both[1] = b;
    memset(&o, 0, sizeof o);
    o.runs = 300, o.seed = 777, o.threads = 2, o.runwise = 0;
    pair = fs_engine_alloc_many(both, 2, &o, &err);
    CHECK(pair != NULL);
    CHECK(fs_engine_iterate(pair, 300, &err) == FS_OK && fs_engine_finish(pair, &err) == FS_OK);
    lockstep = 1;
    solo = run(b, 300, 1, NULL);
    lockstep = 0;
    CHECK(solo != NULL);
    {
        const fs_layout *l = fs_engine_layout_of(pair, 1);
        int c, same = 1;
        for (c = 0; c < l->ncells; c++)
            same &= memcmp(fs_acc_moments(fs_engine_acc_of(pair, 1), c),
                           fs_acc_moments(fs_engine_acc(solo), c), sizeof(fs_moments)) == 0;
        CHECK(same);
        /* The paired difference of plots: b's mean minus a's. */
        CHECK_NEAR(fs_acc_moments(fs_engine_pairs(pair), FS_HEAD_N * 0 + 0)->n, 300, 0);
    }
    fs_engine_free(pair), fs_engine_free(solo);
    fs_scenario_free(a), fs_scenario_free(b);
}

/* A posterior in lockstep: run i is lockstep.h's run i on its particle
 * (the one fs_posterior_pick gives (seed, i)) in a block of its own; and a
 * posterior whose particles change the draws (a volatility set to 0 where
 * the scenario's is above 0) runs model.c instead, as fs_engine_lockstep
 * says. */
static fs_status load_particle(void *ctx, const fs_override *ov, int nov, fs_scenario **out,
                               fs_err *err)
{
    int k;
    (void)ctx;
    *out = busy();
    for (k = 0; k < nov; k++)
        if (fs_scenario_set(*out, ov[k].path, atof(ov[k].value)) != 0)
            return fs_err_set(err, FS_ECONFIG, "%s: not settable", ov[k].path);
    return FS_OK;
}

static fs_posterior *posterior_of(const char *text)
{
    char dir[] = "/tmp/test_engine.XXXXXX", path[64];
    fs_posterior *p = NULL;
    fs_err e;
    FILE *f;
    if (mkdtemp(dir) == NULL)
        return NULL;
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    if ((f = fopen(path, "w")) == NULL)
        return NULL;
    fputs(text, f);
    fclose(f);
    if (fs_posterior_read(dir, &p, &e) != FS_OK)
        p = NULL;
    remove(path);
    rmdir(dir);
    return p;
}

static void test_lockstep_posterior(void)
{
    fs_scenario *sc = busy();
    fs_posterior *p = posterior_of("particle,threats.[G0].plot_rate,dynamics.tau,weight\n"
                                   "0,0.01,0.2,0.3\n1,0.05,0.5,0.3\n2,0.03,0.8,0.4\n");
    fs_posterior *flat = posterior_of("particle,threats.[G1].volatility,weight\n"
                                      "0,0.15,0.5\n1,0,0.5\n");
    fs_scenario **parts = NULL, **fparts = NULL;
    fs_engine_opts o;
    fs_engine *e;
    fs_lockstep *L;
    fs_layout l;
    gsl_rng *r = fs_rng_alloc();
    FILE *f = tmpfile();
    fs_err err;
    double *obs;
    char *rows, *s;
    long i, R = 130;
    int ok = 1;

    CHECK(p && flat && r && f);
    CHECK(fs_posterior_scenarios(p, sc, R, load_particle, NULL, &parts, &err) == FS_OK);
    CHECK(fs_posterior_scenarios(flat, sc, R, load_particle, NULL, &fparts, &err) == FS_OK);
    memset(&o, 0, sizeof o);
    o.runs = R, o.seed = 777, o.threads = 2, o.runwise = 0, o.posterior = p;
    o.particles[0] = parts, o.runs_csv[0] = f;
    e = fs_engine_run(sc, &o, &err);
    CHECK(e && fs_engine_lockstep(e) == 1);
    fs_layout_init(&l, sc);
    obs = malloc(l.ncells * sizeof *obs);
    L = fs_lockstep_alloc(sc, 8);
    rows = slurp(f);
    CHECK(obs && L && rows);
    for (i = 0, s = rows; i < R && ok; i++) {
        int q = fs_posterior_pick(p, r, 777, i);
        const fs_scenario *one = parts[q];
        char want[64];
        CHECK(fs_lockstep_run_each(L, &one, 777, (uint64_t)i, 1, obs) == 0);
        snprintf(want, sizeof want, "%ld,%.0f,%.0f,%.0f,%.0f,%.10g,", i,
                 obs[fs_cell_tot(&l, FS_TOT_PLOTS)], obs[fs_cell_tot(&l, FS_TOT_FOILED)],
                 obs[fs_cell_tot(&l, FS_TOT_ATTACKS)], obs[fs_cell_tot(&l, FS_TOT_CASUALTIES)],
                 obs[fs_cell_tot(&l, FS_TOT_THREAT_FINAL)]);
        ok = strncmp(s, want, strlen(want)) == 0;
        CHECKF(ok, "run %ld: %.40s against %s", i, s, want);
        s = strchr(s, '\n');
        s = s ? s + 1 : s;
    }
    fs_engine_free(e);
    o.posterior = flat, o.particles[0] = fparts, o.runs_csv[0] = NULL;
    e = fs_engine_run(sc, &o, &err);
    CHECK(e && fs_engine_lockstep(e) == 0);
    fs_engine_free(e);
    free(obs), free(rows);
    fclose(f);
    fs_lockstep_free(L);
    gsl_rng_free(r);
    fs_posterior_scenarios_free(parts, p->n);
    fs_posterior_scenarios_free(fparts, flat->n);
    fs_posterior_free(p), fs_posterior_free(flat);
    fs_scenario_free(sc);
}

static void test_wilson(void)
{
    double lo, hi;
    fs_wilson95(0, 100, &lo, &hi);
    CHECK(lo == 0.0);
    CHECK_NEAR(hi, 0.036994, 1e-6);
    fs_wilson95(50, 100, &lo, &hi);
    CHECK_NEAR(lo, 0.403832, 1e-6);
    CHECK_NEAR(hi, 0.596168, 1e-6);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_threads_identical);
    RUN(test_streams_and_quantiles);
    RUN(test_chunks_identical);
    RUN(test_moments);
    RUN(test_infinite_values);
    RUN(test_wilson);
    /* The same with the lockstep model. */
    lockstep = 1;
    RUN(test_threads_identical);
    RUN(test_chunks_identical);
    RUN(test_infinite_values);
    lockstep = 0;
    RUN(test_lockstep_runs);
    RUN(test_columns_as_rows);
    RUN(test_lockstep_compare);
    RUN(test_lockstep_posterior);
    return check_report();
}
