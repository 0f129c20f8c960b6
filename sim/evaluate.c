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
#include "load.h"
#include "lockstep.h"
#include "metrics.h"
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
    struct lane_cache *cache; /* per-run mode: one per thread */
    int ncache;
    int nwin;                 /* per-run mode: the stepwise values' windows */
    fs_lockstep_window win[FS_LOCKSTEP_MAX_WATCH];
    int wof[FS_LOCKSTEP_MAX_WATCH];   /* value k's window, or -1 */
} batch_job;

/* ---- Per-run values, through the lockstep model (lockstep.h) ----
 *
 * The runs of a rank's points are lanes, (point, run) in order, and
 * every LANES of them make a block: a calibration whose candidates each
 * run once fills every lane of a block with a candidate of its own. Each
 * lane runs its point's scenario on stream (the point's seed, run), and
 * its numbers are those of that run alone (fs_lockstep_run_lanes): never
 * of the block, so never of the packing, the threads or the ranks. */

#define LANES FS_LOCKSTEP_W
#define MAX_RUNVALUES FS_LOCKSTEP_MAX_WATCH

/* What a thread keeps from block to block (and, in an fs_eval_runs, from
 * batch to batch): a lockstep workspace bound to a scenario of its own
 * (ref: a point's, loaded for it and never written), and the scenarios of
 * the points a block runs, one a slot. When every parameter is a setting
 * fs_scenario_set writes, a slot is loaded once and a later point's
 * values are written into it in place (the same doubles loading would
 * give): a calibration's candidates each run once or a few times, and
 * loading would cost more than the runs. Otherwise each block loads its
 * points afresh. */
typedef struct lane_cache {
    fs_scenario *ref;
    fs_lockstep *L;
    fs_layout lay;            /* ref's: every compatible scenario's */
    double *obs;              /* LANES rows of lay.ncells */
    int settable;             /* -1 until the first load tells, then 0 or 1 */
    double lo[FS_SWEEP_MAX_PARAMS], hi[FS_SWEEP_MAX_PARAMS];  /* what the loader */
    int lo_open[FS_SWEEP_MAX_PARAMS];                         /* accepts, when settable */
    fs_scenario *slot[LANES];
} lane_cache;

static void cache_unbind(lane_cache *c)
{
    fs_lockstep_free(c->L);
    fs_scenario_free(c->ref);
    free(c->obs);
    c->L = NULL, c->ref = NULL, c->obs = NULL;
}

static void cache_free(lane_cache *c)
{
    cache_unbind(c);
    for (int k = 0; k < LANES; k++)
        fs_scenario_free(c->slot[k]);
    memset(c, 0, sizeof *c);
    c->settable = -1;
}

/* Whether point values can be written into sc in place: every path a
 * real setting fs_scenario_set writes (tried with sc's own values) whose
 * range the loader tells (kept in c), so that a value the loader would
 * refuse is still loaded, and refused, whichever slot it meets. */
static int settable(const fs_eval_spec *s, fs_scenario *sc, lane_cache *c)
{
    int nsets = s->nsets < 256 ? s->nsets : 256;
    if (s->base_text == NULL || s->nparams > FS_SWEEP_MAX_PARAMS)
        return 0;
    for (int k = 0; k < s->nparams; k++) {
        double v;
        int isint;
        fs_err err;
        if (s->integer[k] || fs_scenario_get(sc, s->paths[k], &v, &isint) != 0 || isint ||
            fs_scenario_set(sc, s->paths[k], v) != 0 ||
            fs_load_range(s->base_text, s->sets, nsets, s->paths[k], &c->lo[k], &c->hi[k],
                          &c->lo_open[k], &err) != FS_OK)
            return 0;
    }
    return 1;
}

/* Whether x lies where the loader accepts it (NaN never does). */
static int in_range(const lane_cache *c, int nparams, const double *x)
{
    for (int k = 0; k < nparams; k++) {
        if (!(x[k] >= c->lo[k] && x[k] <= c->hi[k]) || (c->lo_open[k] && x[k] == c->lo[k]))
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

/* Slot k holds point x's scenario: written in place, or loaded. */
static fs_status slot_point(const batch_job *j, lane_cache *c, int k, const double *x,
                            fs_err *err)
{
    fs_status st;
    if (c->slot[k] && c->settable == 1 && in_range(c, j->s->nparams, x)) {
        for (int p = 0; p < j->s->nparams; p++)
            fs_scenario_set(c->slot[k], j->s->paths[p], x[p]);
        return FS_OK;
    }
    fs_scenario_free(c->slot[k]);
    c->slot[k] = NULL;
    if ((st = fs_eval_load(j->s, x, &c->slot[k], NULL, err)) != FS_OK)
        return st;
    if (c->settable < 0)
        c->settable = settable(j->s, c->slot[k], c);
    return FS_OK;
}

/* A workspace for blocks of sc's points (sc becomes its own), with room
 * for a block's observations. */
static fs_status lanes_alloc(const fs_scenario *sc, fs_lockstep **L, fs_layout *lay,
                             double **obs, fs_err *err)
{
    fs_layout_init(lay, sc);
    *L = fs_lockstep_alloc(sc, LANES);
    *obs = malloc((size_t)LANES * lay->ncells * sizeof **obs);
    if (*L == NULL || *obs == NULL) {
        fs_lockstep_free(*L);
        free(*obs);
        *L = NULL, *obs = NULL;
        return fs_err_set(err, FS_ENOMEM, "out of memory running a point");
    }
    return FS_OK;
}

/* Binds the thread's workspace to a scenario of its own: point x's. */
static fs_status cache_bind(const batch_job *j, lane_cache *c, const double *x, fs_err *err)
{
    fs_status st;
    cache_unbind(c);
    if ((st = fs_eval_load(j->s, x, &c->ref, NULL, err)) != FS_OK)
        return st;
    return lanes_alloc(c->ref, &c->L, &c->lay, &c->obs, err);
}

/* The lanes of one block, each a (point, run) with the point's scenario
 * and seed. */
typedef struct lane_set {
    int n;
    const fs_scenario *sc[LANES];
    uint64_t seed[LANES], run[LANES];
    double *out[LANES];       /* where the lane's nv values go */
} lane_set;

/* Runs the lanes ls through L (a block), watching the job's windows
 * (which a workspace kept from an earlier batch may not), and reads each
 * lane's values. */
static fs_status lanes_run(const batch_job *j, fs_lockstep *L, const fs_layout *lay,
                           double *obs, const lane_set *ls, fs_err *err)
{
    if (fs_lockstep_watch(L, j->win, j->nwin) != 0)   /* parsed against the base */
        return fs_err_set(err, FS_ERUNTIME, "a quantity's window does not fit the point");
    if (fs_lockstep_run_lanes(L, ls->sc, ls->seed, ls->run, ls->n, obs) != 0)
        return fs_err_set(err, FS_ERUNTIME, "a point's scenario cannot share a lockstep "
                          "block");
    for (int l = 0; l < ls->n; l++)
        for (int k = 0; k < j->nv; k++) {
            double acc = j->wof[k] >= 0 ? fs_lockstep_watched(L, j->wof[k], l) : 0.0;
            ls->out[l][k] = fs_runvalue_read(&j->v[k], lay, obs + (size_t)l * lay->ncells, acc);
        }
    return FS_OK;
}

/* A point whose scenario cannot share the thread's blocks (its draws
 * differ: a volatility of exactly 0, say): its lanes in a block of their
 * own, on a workspace allocated for its scenario, so its numbers are
 * those it has whatever the other points are. */
static fs_status lanes_alone(const batch_job *j, const lane_set *ls, fs_err *err)
{
    fs_lockstep *L;
    fs_layout lay;
    double *obs;
    fs_status st = lanes_alloc(ls->sc[0], &L, &lay, &obs, err);
    if (st == FS_OK)
        st = lanes_run(j, L, &lay, obs, ls, err);
    fs_lockstep_free(L);
    free(obs);
    return st;
}

/* One block: lanes q0 .. q0 + nq - 1 of the points from first on. A
 * failure names the point (*point). */
static fs_status lane_block(const batch_job *j, lane_cache *c, int first, long q0, int nq,
                            int *point, fs_err *err)
{
    long runs = j->s->runs;
    int np = 0, pt[LANES], slot[LANES], fits[LANES], nfit = 0, k, l;
    lane_set ls;
    fs_status st;

    for (l = 0; l < nq; l++) {   /* the block's points, one a slot */
        int i = first + (int)((q0 + l) / runs);
        if (np == 0 || pt[np - 1] != i)
            pt[np++] = i;
        slot[l] = np - 1;
    }
    for (k = 0; k < np; k++) {
        *point = pt[k];
        if ((st = slot_point(j, c, k, j->x + (size_t)pt[k] * j->s->nparams, err)) != FS_OK)
            return st;
    }
    *point = pt[0];
    if (c->L == NULL && (st = cache_bind(j, c, j->x + (size_t)pt[0] * j->s->nparams, err))
        != FS_OK)
        return st;
    for (int pass = 0; pass < 2; pass++) {
        nfit = 0;
        for (l = 0; l < nq; l++)
            nfit += fits[l] = fs_lockstep_compatible(c->ref, c->slot[slot[l]]);
        if (pass || 2 * nfit >= nq)
            break;
        /* Most lanes cannot share the workspace's blocks: its scenario is
         * the odd one; bind it to a point of the others. */
        for (l = 0; fits[l]; l++)
            ;
        *point = pt[slot[l]];
        if ((st = cache_bind(j, c, j->x + (size_t)pt[slot[l]] * j->s->nparams, err)) != FS_OK)
            return st;
    }
    ls.n = 0;
    for (l = 0; l < nq; l++)
        if (fits[l]) {
            long q = q0 + l;
            int i = pt[slot[l]];
            ls.sc[ls.n] = c->slot[slot[l]];
            ls.seed[ls.n] = j->seeds[i];
            ls.run[ls.n] = (uint64_t)(q % runs);
            ls.out[ls.n++] = j->y + (size_t)i * j->width + (size_t)(q % runs) * j->nv;
        }
    *point = pt[0];
    if (ls.n > 0 && (st = lanes_run(j, c->L, &c->lay, c->obs, &ls, err)) != FS_OK)
        return st;
    for (k = 0; k < np; k++) {   /* each point that cannot share, alone */
        ls.n = 0;
        for (l = 0; l < nq; l++)
            if (!fits[l] && slot[l] == k) {
                long q = q0 + l;
                ls.sc[ls.n] = c->slot[k];
                ls.seed[ls.n] = j->seeds[pt[k]];
                ls.run[ls.n] = (uint64_t)(q % runs);
                ls.out[ls.n++] = j->y + (size_t)pt[k] * j->width + (size_t)(q % runs) * j->nv;
            }
        *point = pt[k];
        if (ls.n > 0 && (st = lanes_alone(j, &ls, err)) != FS_OK)
            return st;
    }
    return FS_OK;
}

/* Keeps the failure of the lowest point. */
static void note_failure(int i, const fs_err *e, int *bad, fs_err *perr)
{
#pragma omp critical(fs_eval_error)
    if (*bad < 0 || i < *bad) {
        *bad = i;
        *perr = *e;
    }
}

/* Points first .. last - 1, their runs packed into blocks of LANES lanes,
 * the blocks spread over threads. */
static void batch_lanes(const batch_job *j, int first, int last, int threads, int *bad,
                        fs_err *perr)
{
    long nlanes = (long)(last - first) * j->s->runs;
    long nblocks = (nlanes + LANES - 1) / LANES;
    (void)threads;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (long b = 0; b < nblocks; b++) {
        int stop, tid = thread_num(), point = first;
        long q0 = b * LANES;
        fs_err e;
#pragma omp atomic read
        stop = fs_interrupted;
        if (stop)
            continue;
        if (tid >= j->ncache) {   /* never: a cache for each thread */
            fs_err_set(&e, FS_ERUNTIME, "thread %d without a cache", tid);
            note_failure(first, &e, bad, perr);
        } else if (lane_block(j, &j->cache[tid], first, q0, (int)(nlanes - q0 < LANES ? nlanes - q0
                                                                            : LANES),
                       &point, &e) != FS_OK)
            note_failure(point, &e, bad, perr);
    }
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
    st = fs_eval_point(s, x, 1, j->y + k, j->se + k, &e);
    if (st != FS_OK)
        note_failure(i, &e, bad, perr);
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
 * more than the points); the runs of its share are packed into lockstep
 * blocks. */
static void batch_static(const batch_job *j, int n, int threads, unsigned char *mine, int *bad,
                         fs_err *perr)
{
    long size = fs_dist_size(), rank = fs_dist_rank();
    int first = (int)(n * rank / size), last = (int)(n * (rank + 1) / size);
    for (int i = first; i < last; i++)
        mine[i] = 1;
    batch_lanes(j, first, last, threads, bad, perr);
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
    } else if (j->seeds) {
        batch_lanes(j, 0, n, threads, &bad, &perr);
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
    batch_job j;
    memset(&j, 0, sizeof j);
    j.s = s, j.x = x, j.y = y, j.se = se, j.width = s->noutputs;
    return batch(&j, n, threads, err);
}

/* ---- fs_eval_runs: the per-thread caches, kept from batch to batch ---- */

struct fs_eval_runs {
    int threads;
    lane_cache *cache;        /* [threads] */
    fs_eval_spec spec;        /* what the caches' scenarios were loaded from */
    int bound;
};

fs_eval_runs *fs_eval_runs_alloc(int threads)
{
    fs_eval_runs *w = calloc(1, sizeof *w);
    if (threads < 1)
        threads = 1;
    if (w == NULL || (w->cache = calloc((size_t)threads, sizeof *w->cache)) == NULL) {
        free(w);
        return NULL;
    }
    w->threads = threads;
    for (int t = 0; t < threads; t++)
        w->cache[t].settable = -1;
    return w;
}

void fs_eval_runs_free(fs_eval_runs *w)
{
    if (w == NULL)
        return;
    for (int t = 0; t < w->threads; t++)
        cache_free(&w->cache[t]);
    free(w->cache);
    free(w);
}

/* 1 when a and b load the same scenarios for the same points (their runs,
 * seed and outputs aside). */
static int same_points(const fs_eval_spec *a, const fs_eval_spec *b)
{
    return a->base_path == b->base_path && a->base_text == b->base_text &&
           a->sets == b->sets && a->nsets == b->nsets && a->nparams == b->nparams &&
           a->paths == b->paths && a->integer == b->integer;
}

fs_status fs_eval_runs_batch(fs_eval_runs *w, const fs_eval_spec *s, int n, const double *x,
                             const uint64_t *seeds, int nv, const fs_runvalue *v, double *out,
                             fs_err *err)
{
    batch_job j;
    if (s->runs * nv > 1 << 20)
        return fs_err_set(err, FS_ECONFIG, "%ld runs x %d quantities per point: too many",
                          s->runs, nv);
    if (nv > MAX_RUNVALUES)
        return fs_err_set(err, FS_ECONFIG, "%d quantities per run; at most %d", nv,
                          MAX_RUNVALUES);
    if (w->bound && !same_points(&w->spec, s))
        for (int t = 0; t < w->threads; t++)
            cache_free(&w->cache[t]);
    w->spec = *s;
    w->bound = 1;
    memset(&j, 0, sizeof j);
    j.s = s, j.x = x, j.y = out, j.width = (int)(s->runs * nv), j.seeds = seeds;
    j.nv = nv, j.v = v, j.cache = w->cache, j.ncache = w->threads;
    for (int k = 0; k < nv; k++) {
        j.wof[k] = -1;
        if (fs_runvalue_window(&v[k], &j.win[j.nwin]) == 0)
            j.wof[k] = j.nwin++;
    }
    return batch(&j, n, w->threads, err);
}

fs_status fs_eval_batch_runs(const fs_eval_spec *s, int n, const double *x,
                             const uint64_t *seeds, int nv, const fs_runvalue *v, int threads,
                             double *out, fs_err *err)
{
    fs_eval_runs *w = fs_eval_runs_alloc(threads);
    fs_status st;
    if (w == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory running %d points", n);
    st = fs_eval_runs_batch(w, s, n, x, seeds, nv, v, out, err);
    fs_eval_runs_free(w);
    return st;
}
