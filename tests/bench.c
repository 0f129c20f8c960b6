/* bench.c: the figures `make bench` prints (not a test).
 *   bench floor FILE [RUNS]   model time per run against the bare random
 *                              draws the model made, replayed (the RNG floor)
 *   bench threads FILE RUNS   runs per second with 1 and 2 threads
 *   bench rss CMD ARGS...     runs CMD and prints its wall time and peak RSS
 *   bench prim N K R          PRIM on N cases x K inputs with R resamples, one thread */
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
#include "load.h"
#include "model.h"
#include "prim.h"
#include "optimize.h"
#include "calibrate.h"
#include "rng.h"

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

static double engine_time(const fs_scenario *sc, long runs, int threads)
{
    fs_engine_opts o;
    fs_engine *e;
    fs_err err;
    double t0;
    memset(&o, 0, sizeof o);
    o.runs = runs, o.seed = sc->seed, o.threads = threads;
    t0 = now();
    e = fs_engine_run(sc, &o, &err);
    if (e == NULL) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    fs_engine_free(e);
    return now() - t0;
}

/* Replays recorded draws on a fresh generator; returns a checksum so the
 * compiler cannot drop the work. */
static double replay(const fs_draw *d, size_t n, gsl_rng *r)
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
        case FS_DRAW_SUBSTREAM: fs_rng_substream(r, (uint32_t)d[i].p1, (uint32_t)d[i].p2); break;
        default: sum += gsl_ran_negative_binomial(r, d[i].p1, d[i].p2); break;
        }
    }
    return sum;
}

#define REPEATS 5

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
        for (i = 0; i < runs; i++) {
            fs_rng_seed(r, sc->seed, i);
            fs_model_start(m, r, obs);
            for (t = 1; t <= sc->steps; t++)
                fs_model_step(m, r, obs);
            fs_model_finish(m, obs);
        }
        if ((s = now() - t0) < model_s)
            model_s = s;
        t0 = now();
        fs_rng_seed(r, sc->seed, 0);
        sum += replay(buf, n, r);
        if ((s = now() - t0) < floor_s)
            floor_s = s;
        /* The whole engine on one thread: the model and the statistics. */
        if ((s = engine_time(sc, runs, 1)) < total_s)
            total_s = s;
    }
    printf("rng floor: %zu draws in %ld runs (%.0f per run), bare draws %.2f us/run\n"
           "  model alone %.2f us/run: model/floor = %.2f\n"
           "  engine, one thread (model and statistics) %.2f us/run: total/floor = %.2f\n"
           "  (each the fastest of %d timings taken in turn)  [checksum %.3g]\n",
           n, runs, (double)n / runs, 1e6 * floor_s / runs, 1e6 * model_s / runs,
           model_s / floor_s, 1e6 * total_s / runs, total_s / floor_s, REPEATS, sum);
    free(buf), free(obs);
    gsl_rng_free(r);
    fs_model_free(m);
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
 * kernel, the checkpoint). */
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

int main(int argc, char **argv)
{
    fs_gsl_quiet();
    if (argc >= 3 && strcmp(argv[1], "floor") == 0)
        return floor_cmd(argv[2], argc > 3 ? atol(argv[3]) : 2000);
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
    fprintf(stderr, "usage: bench floor FILE [RUNS] | threads FILE RUNS | rss CMD ARGS... | "
            "prim CASES INPUTS RESAMPLES | optimize FILE [THREADS] | calibrate FILE [THREADS]\n");
    return 2;
}
