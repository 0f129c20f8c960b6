/* bench.c: the figures `make bench` prints (not a test).
 *   bench floor FILE [RUNS]   model time per run against the bare random
 *                              draws the model made, replayed (the RNG floor)
 *   bench threads FILE RUNS   runs per second with 1 and 2 threads
 *   bench rss CMD ARGS...     runs CMD and prints its wall time and peak RSS
 *   bench prim N K R          PRIM on N cases x K inputs with R resamples, one thread
 *   bench lanes [DRAWS]       lanes.h's draws on each instruction set against
 *                              GSL's scalar draws (taus2, ziggurat), one thread
 *   bench engine FILE RUNS THREADS model|lockstep   the engine once
 *   bench lockstep FILE [RUNS] [W]   the lockstep model (lockstep.h), W runs a
 *                              block, against model.c run by run and against
 *                              the model's draws made with plain GSL */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

#include "engine.h"
#include "lockstep.h"
#include "load.h"
#include "model.h"
#include "prim.h"
#include "optimize.h"
#include "calibrate.h"
#include "rng.h"
#include "lanes.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static fs_scenario *load(const char *file)
{
    fs_scenario *sc;
    fs_err e;
    if (fs_load_scenario(file, NULL, 0, &sc, &e) != FS_OK) {
        fprintf(stderr, "bench: %s\n", e.msg);
        exit(2);
    }
    return sc;
}

static double engine_time_of(const fs_scenario *sc, long runs, int threads, int lockstep)
{
    fs_engine_opts o;
    fs_engine *e;
    fs_err err;
    double t0;
    memset(&o, 0, sizeof o);
    o.runs = runs, o.seed = sc->seed, o.threads = threads, o.runwise = !lockstep;
    t0 = now();
    e = fs_engine_run(sc, &o, &err);
    if (e == NULL) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    fs_engine_free(e);
    return now() - t0;
}

/* The engine as the commands run it: the lockstep model. */
static double engine_time(const fs_scenario *sc, long runs, int threads)
{
    return engine_time_of(sc, runs, threads, 1);
}

/* Replays recorded draws on a fresh generator, moving to each recorded
 * substream when substreams is 1; returns a checksum so the compiler
 * cannot drop the work. Inlined, so each caller's loop has its own copy. */
static inline double replay_draws(const fs_draw *d, size_t n, gsl_rng *r, int substreams)
{
    double sum = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        switch (d[i].kind) {
        case FS_DRAW_UNIFORM: sum += gsl_rng_uniform(r); break;
        case FS_DRAW_LOGNORMAL:
            sum += exp(d[i].p1 * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.5 * d[i].p1 * d[i].p1);
            break;
        case FS_DRAW_POISSON: sum += gsl_ran_poisson(r, d[i].p1); break;
        case FS_DRAW_SUBSTREAM:
            if (substreams)
                fs_rng_substream(r, (uint32_t)d[i].p1, (uint32_t)d[i].p2);
            break;
        default: sum += gsl_ran_negative_binomial(r, d[i].p1, d[i].p2); break;
        }
    }
    return sum;
}

static double replay(const fs_draw *d, size_t n, gsl_rng *r)
{
    return replay_draws(d, n, r, 1);
}

#define REPEATS 5

/* Runs 0 .. runs-1 of sc through model.c on r, as the engine runs them. */
static void model_runs(const fs_scenario *sc, fs_model *m, gsl_rng *r, long runs, double *obs)
{
    long i;
    int t;
    for (i = 0; i < runs; i++) {
        fs_rng_seed(r, sc->seed, i);
        fs_model_start(m, r, obs);
        for (t = 1; t <= sc->steps; t++)
            fs_model_step(m, r, obs);
        fs_model_finish(m, obs);
    }
}

static int floor_cmd(const char *file, long runs)
{
    fs_scenario *sc = load(file);
    fs_model *m = fs_model_alloc(sc);
    gsl_rng *r = fs_rng_alloc();
    fs_layout l;
    double *obs, t0, model_s, floor_s, total_s, sum;
    size_t cap = 0, n;
    fs_draw *buf;
    long i;
    int t, rep;

    fs_layout_init(&l, sc);
    obs = malloc(l.ncells * sizeof *obs);
    /* First pass: count the draws, to size the trace. */
    buf = malloc(sizeof *buf);
    fs_model_trace(m, buf, 0);
    for (i = 0; i < runs; i++) {
        fs_rng_seed(r, sc->seed, i);
        fs_model_start(m, r, obs);
        for (t = 1; t <= sc->steps; t++)
            fs_model_step(m, r, obs);
    }
    cap = fs_model_traced(m);
    free(buf);
    buf = malloc((cap ? cap : 1) * sizeof *buf);
    fs_model_trace(m, buf, cap);
    for (i = 0; i < runs; i++) {
        fs_rng_seed(r, sc->seed, i);
        fs_model_start(m, r, obs);
        for (t = 1; t <= sc->steps; t++)
            fs_model_step(m, r, obs);
    }
    n = fs_model_traced(m);
    fs_model_trace(m, NULL, 0);
    /* A shared machine's speed drifts within seconds, so the three are
     * timed in turn REPEATS times and each keeps its fastest time: the
     * least disturbed measure of the work itself. */
    model_s = floor_s = total_s = HUGE_VAL;
    sum = 0.0;
    for (rep = 0; rep < REPEATS; rep++) {
        double s;
        /* The model, untraced, with its recording, as the engine runs it. */
        t0 = now();
        model_runs(sc, m, r, runs, obs);
        if ((s = now() - t0) < model_s)
            model_s = s;
        t0 = now();
        fs_rng_seed(r, sc->seed, 0);
        sum += replay(buf, n, r);
        if ((s = now() - t0) < floor_s)
            floor_s = s;
        /* The whole engine on one thread with model.c: the model and the
         * statistics. */
        if ((s = engine_time_of(sc, runs, 1, 0)) < total_s)
            total_s = s;
    }
    printf("rng floor: %zu draws in %ld runs (%.0f per run), bare draws %.2f us/run\n"
           "  model alone %.2f us/run: model/floor = %.2f\n"
           "  engine with model.c, one thread (model and statistics) %.2f us/run: total/floor = %.2f\n"
           "  (each the fastest of %d timings taken in turn)  [checksum %.3g]\n",
           n, runs, (double)n / runs, 1e6 * floor_s / runs, 1e6 * model_s / runs,
           model_s / floor_s, 1e6 * total_s / runs, total_s / floor_s, REPEATS, sum);
    free(buf), free(obs);
    gsl_rng_free(r);
    fs_model_free(m);
    fs_scenario_free(sc);
    return 0;
}

/* The draws model.c made, one at a time with GSL's taus2 and ziggurat in
 * a loop and nothing else (no substreams): the plain scalar floor. */
static double replay_plain(const fs_draw *d, size_t n, gsl_rng *r)
{
    return replay_draws(d, n, r, 0);
}

/* Time per run of the lockstep model (blocks of W, one thread) against
 * model.c run by run as engine.c runs it (fs_model_start, _step and
 * _finish on each run's stream) and against the plain GSL draws of the
 * same runs; the three timed in turn LOCK_REPEATS times, the fastest
 * kept: short turns, many of them, so that each of the three meets the
 * shared machine's quiet moments as often as the others. */
#define LOCK_REPEATS 15

static int lockstep_cmd(const char *file, long runs, int W)
{
    fs_scenario *sc = load(file);
    fs_model *m = fs_model_alloc(sc);
    fs_lockstep *L = fs_lockstep_alloc(sc, W);
    gsl_rng *r = fs_rng_alloc(), *taus = gsl_rng_alloc(gsl_rng_taus2);
    fs_layout l;
    double *obs, *lobs, t0, model_s, lock_s, plain_s, eng_m = HUGE_VAL, eng_l = HUGE_VAL, sum = 0.0;
    size_t cap, n;
    fs_draw *buf;
    long i;
    int t, rep;

    if (L == NULL || m == NULL || r == NULL || taus == NULL) {
        fprintf(stderr, "bench: lockstep: out of memory or W=%d not a multiple of %d\n", W,
                FS_LANES_MULTIPLE);
        return 1;
    }
    fs_layout_init(&l, sc);
    obs = malloc(l.ncells * sizeof *obs);
    lobs = malloc((size_t)W * l.ncells * sizeof *lobs);
    /* The draws of the runs, traced once (counted, then recorded). */
    buf = malloc(sizeof *buf);
    for (rep = 0; rep < 2; rep++) {
        fs_model_trace(m, buf, rep ? fs_model_traced(m) : 0);
        for (i = 0; i < runs; i++) {
            fs_rng_seed(r, sc->seed, i);
            fs_model_start(m, r, obs);
            for (t = 1; t <= sc->steps; t++)
                fs_model_step(m, r, obs);
        }
        if (rep == 0) {
            cap = fs_model_traced(m);
            free(buf);
            buf = malloc((cap ? cap : 1) * sizeof *buf);
        }
    }
    n = fs_model_traced(m);
    fs_model_trace(m, NULL, 0);
    model_s = lock_s = plain_s = HUGE_VAL;
    for (rep = 0; rep < LOCK_REPEATS; rep++) {
        double s;
        t0 = now();
        model_runs(sc, m, r, runs, obs);
        if ((s = now() - t0) < model_s)
            model_s = s;
        sum += obs[0];
        t0 = now();
        for (i = 0; i < runs; i += W)
            fs_lockstep_run(L, sc->seed, (uint64_t)i, runs - i < W ? (int)(runs - i) : W, lobs);
        if ((s = now() - t0) < lock_s)
            lock_s = s;
        sum += lobs[0];
        t0 = now();
        gsl_rng_set(taus, 1);
        sum += replay_plain(buf, n, taus);
        if ((s = now() - t0) < plain_s)
            plain_s = s;
        /* The engine as `run` drives it (statistics, every sketch), one
         * thread, with each model. */
        if ((s = engine_time_of(sc, runs, 1, 0)) < eng_m)
            eng_m = s;
        if ((s = engine_time_of(sc, runs, 1, 1)) < eng_l)
            eng_l = s;
    }
    printf("lockstep: %s, %ld runs, blocks of %d (draws on %s), one thread:\n"
           "  lockstep %.2f us/run, model.c run by run %.2f us/run: model/lockstep = %.2f\n"
           "  plain GSL draws (taus2, ziggurat; %.0f a run) %.2f us/run: lockstep/plain = %.2f\n"
           "  the engine (statistics and sketches as `run`), blocks of %d: lockstep %.2f "
           "us/run, model.c %.2f us/run: model/lockstep = %.2f; lockstep engine/plain = %.2f\n"
           "  (each the fastest of %d timings taken in turn)  [checksum %.3g]\n",
           file, runs, W, fs_lanes_isa_name(fs_lanes_isa_best()), 1e6 * lock_s / runs,
           1e6 * model_s / runs, model_s / lock_s, (double)n / runs, 1e6 * plain_s / runs,
           lock_s / plain_s, FS_LOCKSTEP_W, 1e6 * eng_l / runs, 1e6 * eng_m / runs,
           eng_m / eng_l, eng_l / plain_s, LOCK_REPEATS, sum);
    free(buf), free(obs), free(lobs);
    gsl_rng_free(r);
    gsl_rng_free(taus);
    fs_lockstep_free(L);
    fs_model_free(m);
    fs_scenario_free(sc);
    return 0;
}

/* The engine alone, once, with one model: for profiles and long timings. */
static int engine_cmd(const char *file, long runs, int threads, const char *model)
{
    fs_scenario *sc = load(file);
    int lock = strcmp(model, "lockstep") == 0;
    double t = engine_time_of(sc, runs, threads, lock);
    printf("engine (%s): %ld runs, %d threads: %.2f s, %.2f us/run\n", lock ? "lockstep" : "model.c",
           runs, threads, t, 1e6 * t / runs);
    fs_scenario_free(sc);
    return 0;
}

static int threads_cmd(const char *file, long runs)
{
    fs_scenario *sc = load(file);
    double t1 = engine_time(sc, runs, 1), t2 = engine_time(sc, runs, 2);
    printf("engine: %ld runs: 1 thread %.2f s (%.0f runs/s per core), 2 threads %.2f s "
           "(%.0f runs/s); speed-up 1->2 threads %.2fx\n",
           runs, t1, runs / t1, t2, runs / t2, t1 / t2);
    fs_scenario_free(sc);
    return 0;
}

static int rss_cmd(char **argv)
{
    struct rusage ru;
    double t0 = now();
    int status;
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
        return 1;
    printf("wall %.2f s, peak RSS %.1f MB, exit %d\n", now() - t0, ru.ru_maxrss / 1024.0,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* PRIM on n cases of k uniform inputs (cases of interest in a planted
 * box x1 < 0.3 and x2 > 0.6, 10% label noise) with R bootstrap
 * resamples on one thread: the sort, the search and the resamples timed
 * apart. */
static int prim_cmd(int n, int k, int R)
{
    double *x = malloc((size_t)n * k * sizeof *x), t0, t1, t2, t3, *share = malloc(k * sizeof *share);
    unsigned char *y = malloc((size_t)n);
    gsl_rng *g = fs_rng_alloc();
    fs_prim_data d = {n, k, NULL, NULL};
    fs_prim_opts o;
    fs_prim_result r;
    fs_prim_sorted *s;
    fs_err e;
    int i, j;

    fs_rng_seed(g, 1, 0);
    for (i = 0; i < n; i++) {
        for (j = 0; j < k; j++)
            x[(size_t)j * n + i] = gsl_rng_uniform(g);
        y[i] = (x[i] < 0.3 && x[n + i] > 0.6) ^ (gsl_rng_uniform(g) < 0.1);
    }
    d.x = x, d.y = y;
    fs_prim_opts_default(&o);
    t0 = now();
    s = fs_prim_sort(&d, &e);
    t1 = now();
    if (s == NULL || fs_prim_run(&d, s, NULL, &o, &r, &e) != FS_OK)
        return fprintf(stderr, "bench: %s\n", e.msg), 1;
    t2 = now();
    if (fs_prim_resample(&d, s, &o, R, 1, 1, share, &e) != FS_OK)
        return fprintf(stderr, "bench: %s\n", e.msg), 1;
    t3 = now();
    printf("prim: %d cases x %d inputs, one thread: sort %.2f s, search %.2f s (%d boxes on the "
           "trajectory), %d resamples %.2f s; total %.2f s (bar: at most 5 s)\n", n, k, t1 - t0,
           t2 - t1, r.nsteps, R, t3 - t2, t3 - t0);
    fs_prim_result_free(&r);
    fs_prim_sorted_free(s);
    gsl_rng_free(g);
    free(x), free(y), free(share);
    return 0;
}

/* A search's own work against the runs it evaluates: the search file run
 * as `foresight optimize` runs it (without the out-of-sample runs and the
 * files), timing the runs, the evaluation callback and the whole. */
static int optimize_cmd(const char *file, int threads)
{
    fs_search *s = NULL;
    fs_search_run *r = NULL;
    fs_err e;
    char dir[] = "/tmp/fs-bench-optimize-XXXXXX";
    double ev, cb, tot;
    if (!mkdtemp(dir) || fs_search_load(file, NULL, 0, &s, &e) != FS_OK ||
        !(r = fs_search_run_open(s, threads, dir, NULL, &e))) {
        fprintf(stderr, "bench: %s\n", e.msg);
        fs_search_free(s);
        return 1;
    }
    while (!fs_search_run_finished(r))
        if (fs_search_run_iterate(r, &e) != FS_OK) {
            fprintf(stderr, "bench: %s\n", e.msg);
            break;
        }
    fs_search_run_times(r, &ev, &cb, &tot);
    printf("optimize: %s, %ld mixes x %d futures x %ld runs, -j%d: runs %.2f s, statistics "
           "and checkpoint %.3f s, search (sorting, crowding, breeding, archive, hypervolume) "
           "%.4f s = %.4f%% of the runs' time (bar: at most 5%%)\n", file,
           fs_search_run_evaluated(r), s->nfutures ? s->nfutures : 1, s->runs, threads, ev,
           cb - ev, tot - cb, 100 * (tot - cb) / ev);
    fs_search_run_free(r);
    fs_ckpt_remove(dir);
    rmdir(dir);
    fs_search_free(s);
    return 0;
}

/* A calibration's own work against the runs it spends: the calibration
 * file run as `foresight calibrate` runs it (without the predictive check
 * and the files), timing the simulation callback (the candidates' runs and
 * distances) and the generations as a whole (proposals, weights, the
 * kernel, the checkpoint). Each generation's checkpoint is formatted in
 * that time and goes to disk on a thread of its own while the next
 * generation runs (the last one while the predictive check would), so
 * the wait for the disk is counted only where a generation waits on it. */
static int calibrate_cmd(const char *file, int threads)
{
    fs_calib *c = NULL;
    fs_calib_run *r = NULL;
    fs_err e;
    char dir[] = "/tmp/fs-bench-calibrate-XXXXXX";
    double cb, tot;
    if (!mkdtemp(dir) || fs_calib_load(file, NULL, 0, NULL, &c, &e) != FS_OK ||
        !(r = fs_calib_run_open(c, threads, dir, NULL, &e))) {
        fprintf(stderr, "bench: %s\n", e.msg);
        fs_calib_free(c);
        return 1;
    }
    while (!fs_calib_run_finished(r))
        if (fs_calib_run_iterate(r, &e) != FS_OK) {
            fprintf(stderr, "bench: %s\n", e.msg);
            break;
        }
    fs_calib_run_times(r, &cb, &tot);
    printf("calibrate: %s, %d generations, %ld runs, -j%d: runs (the simulation callback) "
           "%.2f s, the method (proposals, weights, kernel, checkpoint) %.4f s = %.3f%% of "
           "the runs' time (bar: at most 5%%)\n", file, fs_calib_run_generation(r),
           fs_calib_run_runs(r), threads, cb, tot - cb, 100 * (tot - cb) / cb);
    fs_calib_run_free(r);
    char path[200];
    snprintf(path, sizeof path, "%s/checkpoint/abc.state", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/checkpoint/hold-out", dir);
    unlink(path);
    fs_ckpt_remove(dir);
    snprintf(path, sizeof path, "%s/.foresight.lock", dir);
    unlink(path);
    rmdir(dir);
    fs_calib_free(c);
    return 0;
}

/* ---- bench lanes: ns per draw, one thread. ---- */

#define BL_W 64   /* lanes: eight AVX-512 vectors, as a lockstep block might hold */

enum { BL_UNIFORM, BL_NORMAL, BL_LOGNORMAL, BL_POISSON, BL_NEGBIN };

typedef struct bl_kind {
    const char *name;
    int kind;
    double a, b;   /* sigma; a Poisson's mean; a negative binomial's mean and size */
} bl_kind;

/* A Poisson's lanes spread their means from a/2 to 3a/2 (mean a), as the
 * lanes of a block differ in state; GSL draws the same means in turn. */
static double bl_mean(const bl_kind *k, int i)
{
    return k->a * (0.5 + (i % 8) / 7.0);
}

/* Seconds for `draws` draws of kind k one at a time with GSL's r. */
static double bl_gsl(const bl_kind *k, gsl_rng *r, long draws, double *sink)
{
    double t0 = now(), s = 0.0, p = k->b / (k->b + k->a);
    long i;
    switch (k->kind) {
    case BL_UNIFORM:
        for (i = 0; i < draws; i++)
            s += gsl_rng_uniform(r);
        break;
    case BL_NORMAL:
        for (i = 0; i < draws; i++)
            s += gsl_ran_gaussian_ziggurat(r, 1.0);
        break;
    case BL_LOGNORMAL:
        for (i = 0; i < draws; i++)
            s += exp(k->a * gsl_ran_gaussian_ziggurat(r, 1.0) - 0.5 * k->a * k->a);
        break;
    case BL_POISSON:
        for (i = 0; i < draws; i++)
            s += gsl_ran_poisson(r, bl_mean(k, (int)(i % BL_W)));
        break;
    default:
        for (i = 0; i < draws; i++)
            s += gsl_ran_negative_binomial(r, p, k->b);
        break;
    }
    *sink += s;
    return now() - t0;
}

/* Seconds for `draws` draws (rounded to whole calls) of kind k from L. */
static double bl_lanes(const bl_kind *k, fs_lanes *L, long draws, double *sink)
{
    double par[BL_W], par2[BL_W], x[BL_W], t0, s = 0.0;
    long c, calls = draws / BL_W;
    int i;
    for (i = 0; i < BL_W; i++) {
        par[i] = k->kind == BL_POISSON ? bl_mean(k, i) : k->kind == BL_NEGBIN ? k->b / (k->b + k->a) : k->a;
        par2[i] = k->b;
    }
    fs_lanes_seed(L, 1, 0);
    t0 = now();
    for (c = 0; c < calls; c++) {
        switch (k->kind) {
        case BL_UNIFORM: fs_lanes_uniform(L, x); break;
        case BL_NORMAL: fs_lanes_normal(L, x); break;
        case BL_LOGNORMAL: fs_lanes_lognormal(L, par, x); break;
        case BL_POISSON: fs_lanes_poisson(L, par, 1e3, x); break;
        default: fs_lanes_negbin(L, par, par2, 1e8, x); break;
        }
        s += x[c % BL_W];
        /* A new substream now and then, as the model takes one per phase;
         * the side blocks start afresh there. */
        if (c % 64 == 63)
            fs_lanes_substream(L, (uint32_t)(c / 64), 0);
    }
    *sink += s;
    return now() - t0;
}

#define BL_REPEATS 5

/* How the lanes are tuned (fs_lanes_tune). */
typedef struct bl_tune {
    int method;
    double ptrs_from;
    int negbin;
} bl_tune;

/* ns per draw of GSL with taus2 (ns[0]) and with Philox (ns[1]) and of
 * each path (ns[2 + isa], 0 when the processor lacks it): the fastest of
 * BL_REPEATS timings taken in turn. Prints them, each path's as a ratio
 * to taus2's. */
static void bl_row(const bl_kind *k, long draws, bl_tune tu, double *sink, double *ns)
{
    gsl_rng *g[2] = {gsl_rng_alloc(gsl_rng_taus2), fs_rng_alloc()};
    double best[2 + FS_ISA_N];
    fs_lanes *L[FS_ISA_N];
    long done = draws / BL_W * BL_W;
    int s, rep;

    for (s = 0; s < 2 + FS_ISA_N; s++)
        best[s] = HUGE_VAL;
    for (s = 0; s < FS_ISA_N; s++)
        if ((L[s] = fs_lanes_alloc_isa(BL_W, (fs_isa)s)) != NULL)
            fs_lanes_tune(L[s], tu.method, tu.ptrs_from, tu.negbin);
    for (rep = 0; rep < BL_REPEATS; rep++)
        for (s = 0; s < 2 + FS_ISA_N; s++) {
            double t;
            if (s < 2)
                t = bl_gsl(k, g[s], draws, sink) / draws;
            else if (L[s - 2])
                t = bl_lanes(k, L[s - 2], draws, sink) / done;
            else
                continue;
            best[s] = t < best[s] ? t : best[s];
        }
    printf("  %-26s %6.2f %6.2f", k->name, 1e9 * best[0], 1e9 * best[1]);
    for (s = 0; s < 2 + FS_ISA_N; s++) {
        ns[s] = best[s] < HUGE_VAL ? 1e9 * best[s] : 0.0;
        if (s < 2)
            continue;
        if (L[s - 2] == NULL)
            printf("  %15s", "-");
        else
            printf("  %6.2f (%5.2fx)", ns[s], ns[s] / ns[0]);
        fs_lanes_free(L[s - 2]);
    }
    printf("\n");
    gsl_rng_free(g[0]);
    gsl_rng_free(g[1]);
}

static void bl_header(const char *title)
{
    int s;
    if (*title)
        printf("%s\n", title);
    printf("  %-26s %6s %6s", "draw", "taus2", "philox");
    for (s = 0; s < FS_ISA_N; s++)
        printf("  %-15s", fs_lanes_isa_name((fs_isa)s));
    printf("\n");
}

static void bl_rows(const char *title, const bl_kind *k, size_t nk, long draws, bl_tune tu,
                    double *sink)
{
    double ns[2 + FS_ISA_N];
    size_t i;
    bl_header(title);
    for (i = 0; i < nk; i++)
        bl_row(&k[i], draws, tu, sink, ns);
}

static int lanes_cmd(long draws)
{
    static const bl_kind kinds[] = {
        {"uniform", BL_UNIFORM, 0, 0},
        {"normal", BL_NORMAL, 0, 0},
        {"log-normal, sigma 0.3", BL_LOGNORMAL, 0.3, 0},
        {"Poisson, mean 0.5", BL_POISSON, 0.5, 0},
        {"Poisson, mean 3", BL_POISSON, 3, 0},
        {"Poisson, mean 30", BL_POISSON, 30, 0},
        {"Poisson, mean 300", BL_POISSON, 300, 0},
        {"neg. binomial, 12, k 0.35", BL_NEGBIN, 12, 0.35},
        {"neg. binomial, 3, k 2.5", BL_NEGBIN, 3, 2.5},
        {"neg. binomial, 200, k 5", BL_NEGBIN, 200, 5},
    };
    /* The baseline's draws per run (issue figures: 390 uniform, 2154
     * log-normal, 720 Poisson, 101 negative binomial), with the kinds
     * above standing in for them. */
    static const struct { int row; double per_run; } mix[] = {{0, 390}, {2, 2154}, {3, 720}, {7, 101}};
    static const bl_kind pois[] = {
        {"Poisson, mean 3", BL_POISSON, 3, 0},
        {"Poisson, mean 8", BL_POISSON, 8, 0},
        {"Poisson, mean 15", BL_POISSON, 15, 0},
        {"Poisson, mean 25", BL_POISSON, 25, 0},
        {"Poisson, mean 40", BL_POISSON, 40, 0},
    };
    static const bl_kind nb[] = {
        {"neg. binomial, 3, k 2.5", BL_NEGBIN, 3, 2.5},
        {"neg. binomial, 12, k 0.35", BL_NEGBIN, 12, 0.35},
        {"neg. binomial, 20, k 3", BL_NEGBIN, 20, 3},
        {"neg. binomial, 40, k 1", BL_NEGBIN, 40, 1},
        {"neg. binomial, 80, k 2", BL_NEGBIN, 80, 2},
    };
    const bl_tune deflt = {FS_LANES_POISSON_LOCKSTEP, FS_LANES_PTRS_FROM, FS_LANES_NB_AUTO};
    double sink = 0.0, ns[sizeof kinds / sizeof kinds[0]][2 + FS_ISA_N], run[2 + FS_ISA_N] = {0};
    size_t i;
    int s;

    printf("lanes: ns per draw on one thread, %d lanes at a time; GSL draws one at a time "
           "(taus2 with the ziggurat, and the engine's Philox); each path's time as a ratio "
           "to GSL taus2's (each the fastest of %d timings taken in turn)\n", BL_W, BL_REPEATS);
    bl_header("");
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        bl_row(&kinds[i], draws, deflt, &sink, ns[i]);
    for (i = 0; i < sizeof mix / sizeof mix[0]; i++)
        for (s = 0; s < 2 + FS_ISA_N; s++)
            run[s] += 1e-3 * mix[i].per_run * ns[mix[i].row][s];
    printf("  the baseline's draws per run (390 uniform, 2154 log-normal, 720 Poisson of mean "
           "0.5, 101 negative binomial 12, k 0.35): GSL taus2 %.1f us, Philox %.1f us",
           run[0], run[1]);
    for (s = 0; s < FS_ISA_N; s++)
        if (run[2 + s] > 0)
            printf("; %s %.1f us (%.2fx)", fs_lanes_isa_name((fs_isa)s), run[2 + s],
                   run[2 + s] / run[0]);
    printf("\n");
    printf("lanes: the alternatives (a Poisson's lanes have means from half to 1.5 times the "
           "mean named)\n");
    bl_rows("  Poisson: search in step below 10, PTRS from 10 (the default)", pois, 5, draws,
            (bl_tune){FS_LANES_POISSON_LOCKSTEP, 10.0, FS_LANES_NB_AUTO}, &sink);
    bl_rows("  Poisson: search lane by lane below 10, PTRS from 10", pois, 5, draws,
            (bl_tune){FS_LANES_POISSON_PERLANE, 10.0, FS_LANES_NB_AUTO}, &sink);
    bl_rows("  Poisson: search in step below 20, PTRS from 20", pois, 5, draws,
            (bl_tune){FS_LANES_POISSON_LOCKSTEP, 20.0, FS_LANES_NB_AUTO}, &sink);
    bl_rows("  Poisson: search in step below 40, PTRS from 40", pois, 5, draws,
            (bl_tune){FS_LANES_POISSON_LOCKSTEP, 40.0, FS_LANES_NB_AUTO}, &sink);
    bl_rows("  negative binomial: gamma-Poisson mixture in every lane", nb, 5, draws,
            (bl_tune){FS_LANES_POISSON_LOCKSTEP, FS_LANES_PTRS_FROM, FS_LANES_NB_MIXTURE}, &sink);
    bl_rows("  negative binomial: search in step in every lane", nb, 5, draws,
            (bl_tune){FS_LANES_POISSON_LOCKSTEP, FS_LANES_PTRS_FROM, FS_LANES_NB_STEP}, &sink);
    bl_rows("  negative binomial: search lane by lane in every lane (the default where mean "
            "+ 4 sd < 250)", nb, 5, draws,
            (bl_tune){FS_LANES_POISSON_LOCKSTEP, FS_LANES_PTRS_FROM, FS_LANES_NB_LANE}, &sink);
    printf("  [checksum %.6g]\n", sink);
    return 0;
}

int main(int argc, char **argv)
{
    fs_gsl_quiet();
    if (argc >= 3 && strcmp(argv[1], "floor") == 0)
        return floor_cmd(argv[2], argc > 3 ? atol(argv[3]) : 2000);
    if (argc >= 3 && strcmp(argv[1], "lockstep") == 0)
        return lockstep_cmd(argv[2], argc > 3 ? atol(argv[3]) : 2000, argc > 4 ? atoi(argv[4]) : 16);
    if (argc >= 6 && strcmp(argv[1], "engine") == 0)
        return engine_cmd(argv[2], atol(argv[3]), atoi(argv[4]), argv[5]);
    if (argc >= 4 && strcmp(argv[1], "threads") == 0)
        return threads_cmd(argv[2], atol(argv[3]));
    if (argc >= 3 && strcmp(argv[1], "rss") == 0)
        return rss_cmd(argv + 2);
    if (argc >= 5 && strcmp(argv[1], "prim") == 0)
        return prim_cmd(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (argc >= 3 && strcmp(argv[1], "optimize") == 0)
        return optimize_cmd(argv[2], argc > 3 ? atoi(argv[3]) : 2);
    if (argc >= 3 && strcmp(argv[1], "calibrate") == 0)
        return calibrate_cmd(argv[2], argc > 3 ? atoi(argv[3]) : 2);
    if (argc >= 2 && strcmp(argv[1], "lanes") == 0)
        return lanes_cmd(argc > 2 ? atol(argv[2]) : 1L << 18);
    fprintf(stderr, "usage: bench floor FILE [RUNS] | engine FILE RUNS THREADS model|lockstep | "
            "lockstep FILE [RUNS] [W] | threads FILE RUNS | "
            "rss CMD ARGS... | prim CASES INPUTS RESAMPLES | optimize FILE [THREADS] | "
            "calibrate FILE [THREADS] | lanes [DRAWS]\n");
    return 2;
}
