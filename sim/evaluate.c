/* evaluate.c: running points of a base scenario and reading their
 * outputs (see evaluate.h). */
#include "evaluate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "dist.h"
#include "engine.h"
#include "fsio.h"
#include "metrics.h"
#include "model.h"
#include "rng.h"
#include "output.h"
#include "posterior.h"
#include "stats.h"

/* One output of a finished point: its value and Monte Carlo standard error. */
static void output_value(const fs_sweep_output *o, const fs_engine *e, double *y, double *se)
{
    const fs_acc *acc = fs_engine_acc(e);
    const fs_layout *l = fs_engine_layout(e);
    const fs_moments *m;
    int cell = fs_sweep_output_cell(o, l);

    if (cell < 0) {   /* a step beyond this point's horizon */
        *y = *se = NAN;
        return;
    }
    m = fs_acc_moments(acc, cell);
    if (o->outcome) {
        *y = m->n > 0 ? m->mean : NAN;
        *se = m->n > 0 ? sqrt(*y * (1.0 - *y) / m->n) : NAN;
        return;
    }
    if (o->stat < 0) {
        *y = m->n > 0 ? m->mean : NAN;
        *se = m->n > 0 ? fs_moments_sd(m) / sqrt(m->n) : NAN;
    } else {
        /* A quantile's standard error, sqrt(q (1 - q) / n) / f(x_q), with
         * the density f estimated from the quantiles either side. */
        double q = fs_quantiles[o->stat], d = fmin(0.025, fmin(q, 1.0 - q) / 2.0);
        *y = fs_acc_quantile(acc, cell, q);
        *se = m->n > 0 ? (fs_acc_quantile(acc, cell, q + d) - fs_acc_quantile(acc, cell, q - d))
                         / (2.0 * d) * sqrt(q * (1.0 - q) / m->n) : NAN;
    }
}

static void format_value(char *buf, size_t n, double v, int integer)
{
    if (integer)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.17g", v);
}

/* Loads the base with the --set overrides, x, then the nextra overrides
 * extra (a posterior particle's values). */
static fs_status load_with(const fs_eval_spec *s, const double *x, const fs_override *extra,
                           int nextra, fs_scenario **sc, fs_err *err)
{
    fs_override ov[FS_SWEEP_MAX_PARAMS + 256 + FS_POSTERIOR_MAX_PARAMS];
    char text[FS_SWEEP_MAX_PARAMS][64];
    int j, n = s->nsets < 256 ? s->nsets : 256;

    *sc = NULL;
    if (s->nparams > FS_SWEEP_MAX_PARAMS)
        return fs_err_set(err, FS_ECONFIG, "%d parameters; at most %d", s->nparams,
                          FS_SWEEP_MAX_PARAMS);
    if (n > 0)
        memcpy(ov, s->sets, (size_t)n * sizeof *ov);
    for (j = 0; j < s->nparams; j++) {
        format_value(text[j], sizeof text[j], x[j], s->integer[j]);
        ov[n].path = s->paths[j];
        ov[n].value = text[j];
        n++;
    }
    for (j = 0; j < nextra && j < FS_POSTERIOR_MAX_PARAMS; j++)
        ov[n++] = extra[j];
    if ((s->base_text ? fs_load_scenario_text(s->base_text, ov, n, sc, err)
                      : fs_load_scenario(s->base_path, ov, n, sc, err)) != FS_OK)
        return err->code;
    (*sc)->runs = s->runs;
    (*sc)->seed = s->seed;
    return FS_OK;
}

fs_status fs_eval_load(const fs_eval_spec *s, const double *x, fs_scenario **sc, int *refused,
                       fs_err *err)
{
    fs_status st = load_with(s, x, NULL, 0, sc, err);
    if (st != FS_OK && refused)
        *refused = st == FS_ECONFIG || st == FS_EUSAGE;
    return st;
}

/* A point's particle scenarios: the point, then the particle's values. */
typedef struct point_src {
    const fs_eval_spec *s;
    const double *x;
} point_src;

static fs_status load_particle(void *ctx, const fs_override *ov, int nov, fs_scenario **out,
                               fs_err *err)
{
    const point_src *src = ctx;
    return load_with(src->s, src->x, ov, nov, out, err);
}

/* With a posterior named by the point's scenario: reads it and builds the
 * particles the point's runs use (*post NULL when it names none). */
static fs_status point_posterior(const fs_eval_spec *s, const double *x, const fs_scenario *sc,
                                 fs_posterior **post, fs_scenario ***parts, fs_err *err)
{
    const char *paths[256];
    point_src src = {s, x};
    int i;

    *post = NULL;
    *parts = NULL;
    if (sc->posterior == NULL)
        return FS_OK;
    if (s->posterior) {   /* read once, checked then: only the particles to build */
        if (fs_posterior_scenarios(s->posterior, sc, s->runs, load_particle, &src, parts,
                                   err) != FS_OK)
            return err->code;
        *post = (fs_posterior *)s->posterior;
        return FS_OK;
    }
    for (i = 0; i < s->nsets && i < 256; i++)
        paths[i] = s->sets[i].path;
    if (fs_posterior_read(sc->posterior, post, err) != FS_OK ||
        fs_posterior_check(*post, sc, err) != FS_OK ||
        fs_posterior_overlap(*post, paths, i, "--set", err) != FS_OK ||
        fs_posterior_overlap(*post, s->paths, s->nparams, "a parameter of the sweep or "
                             "search", err) != FS_OK ||
        fs_posterior_scenarios(*post, sc, s->runs, load_particle, &src, parts, err) != FS_OK) {
        fs_posterior_free(*post);
        *post = NULL;
        return err->code;
    }
    return FS_OK;
}

fs_status fs_eval_run(const fs_eval_spec *s, const double *x, const fs_scenario *sc,
                      int threads, double *y, double *se, fs_err *err)
{
    fs_engine *e;
    fs_engine_opts eo;
    fs_layout l;
    fs_posterior *post;
    fs_scenario **parts;
    int j, sketch[FS_SWEEP_MAX_OUTPUTS];

    if (point_posterior(s, x, sc, &post, &parts, err) != FS_OK)
        return err->code;
    memset(&eo, 0, sizeof eo);
    fs_layout_init(&l, sc);
    eo.runs = s->runs;
    eo.seed = s->seed;
    eo.threads = threads;
    eo.totals_only = 1;   /* a point reads outcomes and run totals, and the */
    eo.sketch_cells = sketch;   /* quantiles its outputs name */
    eo.posterior = post;
    eo.particles[0] = parts;
    for (j = 0; j < s->noutputs && j < FS_SWEEP_MAX_OUTPUTS; j++)
        if (fs_sweep_output_needs_sketch(&s->outputs[j]))
            sketch[eo.nsketch_cells++] = fs_sweep_output_cell(&s->outputs[j], &l);
    e = fs_engine_run(sc, &eo, err);
    for (j = 0; e && j < s->noutputs; j++)
        output_value(&s->outputs[j], e, &y[j], &se[j]);
    fs_engine_free(e);
    if (post)
        fs_posterior_scenarios_free(parts, post->n);
    if (post != s->posterior)
        fs_posterior_free(post);
    return e ? FS_OK : err->code;
}

fs_status fs_eval_point(const fs_eval_spec *s, const double *x, int threads, double *y,
                        double *se, fs_err *err)
{
    fs_scenario *sc;
    fs_status st = fs_eval_load(s, x, &sc, NULL, err);
    if (st == FS_OK)
        st = fs_eval_run(s, x, sc, threads, y, se, err);
    fs_scenario_free(sc);
    return st;
}

/* What a batch runs at each point: fs_eval_point's statistics over the
 * runs (y and se rows of noutputs), or every run's values (y rows of
 * runs x nv, no se). */
typedef struct batch_job {
    const fs_eval_spec *s;
    const double *x;
    double *y, *se;
    int width;                /* doubles per point in y (and se) */
    const uint64_t *seeds;    /* per-run mode: each point's stream seed */
    int nv;
    const fs_runvalue *v;
    struct run_cache *cache;  /* per-run mode: one per thread, or NULL */
    int ncache;
} batch_job;

#define MAX_RUNVALUES 64

/* What a thread keeps between the points of a per-run batch: the first
 * point's scenario, model, generator and observations. When every
 * parameter is a setting fs_scenario_set writes, a later point's values
 * are written into that scenario in place (the same doubles loading would
 * give) and the model rebound, instead of loading the base again: a
 * calibration's candidates each run once or a few times, and loading
 * would cost more than the runs. */
typedef struct run_cache {
    fs_scenario *sc;
    fs_model *m;
    gsl_rng *r;
    double *obs;
} run_cache;

static void cache_free(run_cache *c)
{
    if (c->m)
        fs_model_free(c->m);
    if (c->r)
        gsl_rng_free(c->r);
    free(c->obs);
    fs_scenario_free(c->sc);
    memset(c, 0, sizeof *c);
}

/* Whether point values can be written into sc in place: every path a
 * real setting fs_scenario_set writes (tried with sc's own values). */
static int settable(const fs_eval_spec *s, fs_scenario *sc)
{
    for (int k = 0; k < s->nparams; k++) {
        double v;
        int isint;
        if (s->integer[k] || fs_scenario_get(sc, s->paths[k], &v, &isint) != 0 || isint ||
            fs_scenario_set(sc, s->paths[k], v) != 0)
            return 0;
    }
    return 1;
}

static int thread_num(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* Point x's runs one by one on streams (seed, 0..runs-1), each run's nv
 * quantities into out (runs rows of nv). */
static fs_status run_values(const batch_job *j, const double *x, uint64_t seed, double *out,
                            fs_err *err)
{
    fs_scenario *sc = NULL;
    fs_model *m = NULL;
    gsl_rng *r = NULL;
    double *obs = NULL, acc[MAX_RUNVALUES];
    fs_layout l;
    fs_status st = FS_OK;
    int tid = thread_num();
    run_cache *c = j->cache && tid < j->ncache ? &j->cache[tid] : NULL;

    if (j->nv > MAX_RUNVALUES)
        return fs_err_set(err, FS_ECONFIG, "%d quantities per run; at most %d", j->nv,
                          MAX_RUNVALUES);
    if (c && c->sc) {   /* this thread's scenario, with x written in */
        for (int k = 0; k < j->s->nparams; k++)
            fs_scenario_set(c->sc, j->s->paths[k], x[k]);
        sc = c->sc, m = c->m, r = c->r, obs = c->obs;
        fs_model_rebind(m, sc);
        fs_layout_init(&l, sc);
    } else {
        if ((st = fs_eval_load(j->s, x, &sc, NULL, err)) != FS_OK)
            return st;
        fs_layout_init(&l, sc);
        m = fs_model_alloc(sc);
        r = fs_rng_alloc();
        obs = malloc((size_t)l.ncells * sizeof *obs);
        if (!m || !r || !obs) {
            st = fs_err_set(err, FS_ENOMEM, "out of memory running a point");
            goto done;
        }
        if (c && settable(j->s, sc)) {   /* kept for the thread's next points */
            c->sc = sc, c->m = m, c->r = r, c->obs = obs;
        }
    }
    for (long run = 0; run < j->s->runs; run++) {
        int k;
        fs_rng_seed(r, seed, (uint64_t)run);
        for (k = 0; k < j->nv; k++)
            acc[k] = 0;
        fs_model_start(m, r, obs);
        for (k = 0; k < j->nv; k++)
            if (fs_runvalue_stepwise(&j->v[k]))
                fs_runvalue_step(&j->v[k], m, 0, &acc[k]);
        for (int t = 1; t <= sc->steps; t++) {
            fs_model_step(m, r, obs);
            for (k = 0; k < j->nv; k++)
                if (fs_runvalue_stepwise(&j->v[k]))
                    fs_runvalue_step(&j->v[k], m, t, &acc[k]);
        }
        fs_model_finish(m, obs);
        for (k = 0; k < j->nv; k++)
            out[(size_t)run * j->nv + k] = fs_runvalue_read(&j->v[k], &l, obs, acc[k]);
    }
done:
    if (c && c->sc == sc && sc)
        return st;   /* the cache's */
    free(obs);
    if (r)
        gsl_rng_free(r);
    fs_model_free(m);
    fs_scenario_free(sc);
    return st;
}

/* Point i into its own rows of y and se; the first failure by index is kept. */
static void batch_point(const batch_job *j, int i, int *bad, fs_err *perr)
{
    const fs_eval_spec *s = j->s;
    fs_err e;
    fs_status st;
    int stop;
#pragma omp atomic read
    stop = fs_interrupted;
    if (stop)
        return;
    size_t k = (size_t)j->width * i;
    const double *x = j->x + (size_t)i * s->nparams;
    if (j->seeds)
        st = run_values(j, x, j->seeds[i], j->y + k, &e);
    else
        st = fs_eval_point(s, x, 1, j->y + k, j->se + k, &e);
    if (st != FS_OK) {
#pragma omp critical(fs_eval_error)
        if (*bad < 0 || i < *bad) {
            *bad = i;
            *perr = e;
        }
    }
}

/* Several ranks: the points are handed out from a counter they share, a
 * claim of one point per thread at a time, so that no rank waits long for
 * the slowest (points differ in cost by their levers); mine marks the
 * points this rank ran (NULL: out of memory). 0, or -1 when the counter
 * or mine could not be had. */
static int batch_shared(const batch_job *j, int n, int threads, unsigned char *mine, int *bad,
                        fs_err *perr)
{
    fs_dist_counter *c = fs_dist_counter_open();
    if (!c || !mine) {   /* opened anyway: opening is collective */
        fs_dist_counter_close(c);
        return -1;
    }
    for (;;) {
        long at = fs_dist_counter_add(c, threads);
        if (at >= n)
            break;
        int first = (int)at, last = at + threads < n ? (int)at + threads : n;
        for (int i = first; i < last; i++)
            mine[i] = 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (int i = first; i < last; i++)
            batch_point(j, i, bad, perr);
    }
    fs_dist_counter_close(c);
    return 0;
}

/* Several ranks, many cheap points (a calibration's candidates: each a
 * run or a few, of one scenario, so of about one cost): rank r runs the
 * r-th of size contiguous equal shares, with no shared counter to open
 * and ask (a collective, and a round trip per claim, which would cost
 * more than the points). */
static void batch_static(const batch_job *j, int n, int threads, unsigned char *mine, int *bad,
                         fs_err *perr)
{
    long size = fs_dist_size(), rank = fs_dist_rank();
    int first = (int)(n * rank / size), last = (int)(n * (rank + 1) / size);
    for (int i = first; i < last; i++)
        mine[i] = 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int i = first; i < last; i++)
        batch_point(j, i, bad, perr);
}

static fs_status batch(const batch_job *j, int n, int threads, fs_err *err)
{
    const fs_eval_spec *s = j->s;
    int bad = -1, shared = fs_dist_size() > 1;
    unsigned char *mine = shared ? calloc((size_t)(n ? n : 1), 1) : NULL;
    fs_err perr;
    fs_status mine_st = FS_OK;
    (void)threads;   /* unused when built without OpenMP (the fuzzers) */
    fs_err_clear(&perr);
    if (shared && mine && j->seeds) {
        batch_static(j, n, threads, mine, &bad, &perr);
    } else if (shared) {
        if (batch_shared(j, n, threads, mine, &bad, &perr))
            mine_st = FS_ENOMEM;
    } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (int i = 0; i < n; i++)
            batch_point(j, i, &bad, &perr);
    }
    /* every rank agrees to stop when any must: the largest status wins */
    fs_status me = bad >= 0 ? perr.code : mine_st != FS_OK ? mine_st
                                        : fs_interrupted ? FS_EINTR : FS_OK;
    fs_status all = (fs_status)fs_dist_max((int)me);
    fs_status st = FS_OK;
    if (bad >= 0) {
        char where[1024];
        size_t w = 0;
        for (int k = 0; k < s->nparams && w + 80 < sizeof where; k++)
            w += (size_t)snprintf(where + w, sizeof where - w, "%s%s=%g", k ? ", " : "",
                                  s->paths[k], j->x[(size_t)bad * s->nparams + k]);
        st = fs_err_set(err, all, "point (%s): %s", where, perr.msg);
    } else if (me == FS_ENOMEM) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory handing out %d points", n);
    } else if (all == FS_EINTR || me == FS_EINTR) {
        st = fs_err_set(err, FS_EINTR, "interrupted");
    } else if (all != FS_OK) {
        fs_err_set(err, all, "%s", "");
        err->everywhere = 1;   /* another rank failed and says why */
        st = all;
    } else if (shared && (fs_dist_gather_owned(j->y, n, j->width, mine) ||
                          (j->se && fs_dist_gather_owned(j->se, n, j->width, mine)))) {
        st = fs_err_set(err, FS_ERUNTIME, "MPI could not gather the points' results");
    }
    free(mine);
    return st;
}

fs_status fs_eval_batch(const fs_eval_spec *s, int n, const double *x, int threads, double *y,
                        double *se, fs_err *err)
{
    batch_job j = {s, x, y, se, s->noutputs, NULL, 0, NULL, NULL, 0};
    return batch(&j, n, threads, err);
}

fs_status fs_eval_batch_runs(const fs_eval_spec *s, int n, const double *x,
                             const uint64_t *seeds, int nv, const fs_runvalue *v, int threads,
                             double *out, fs_err *err)
{
    batch_job j = {s, x, out, NULL, (int)(s->runs * nv), seeds, nv, v, NULL, 0};
    fs_status st;
    if (s->runs * nv > 1 << 20)
        return fs_err_set(err, FS_ECONFIG, "%ld runs x %d quantities per point: too many",
                          s->runs, nv);
    j.ncache = threads > 0 ? threads : 1;
    j.cache = calloc((size_t)j.ncache, sizeof *j.cache);   /* NULL: load every point */
    st = batch(&j, n, threads, err);
    for (int i = 0; j.cache && i < j.ncache; i++)
        cache_free(&j.cache[i]);
    free(j.cache);
    return st;
}
