/* engine.c: blocks of runs in parallel, merged in a fixed order.
 * Threads claim blocks in order from a shared counter. A thread that
 * finishes the next block to merge merges it at once, then any parked
 * blocks that follow; one that finishes ahead of its turn parks its block
 * (its pending moments and runs.csv text) in a slot and goes on, so no
 * thread waits for another unless every slot is full. With several
 * scenarios, a worker runs run i of each in turn, all on stream (seed, i),
 * and records the differences of their headline metrics. A worker takes
 * a block FS_LOCKSTEP_W runs at a time (a part): the lockstep model writes
 * the part's observations as columns, a cell's runs side by side (model.c
 * run by run into the same columns), then the runs are taken in run order
 * and the cells' moments and sketches one cell at a time, so nothing after
 * the runs depends on which model ran them. */
#include "engine.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#include "fsio.h"
#include "lockstep.h"
#include "model.h"
#include "posterior.h"
#include "rng.h"

/* What one thread owns: per scenario a model, the block's observation
 * vectors, an accumulator (moments of the current block, sketches of all
 * its runs) and its share of the first-mass-casualty histogram; the
 * block's paired differences; the text of the block's runs.csv rows. */
typedef struct worker {
    gsl_rng *rng;
    fs_model *model[FS_MAX_COMPARE];
    fs_lockstep *ls[FS_MAX_COMPARE];   /* with the lockstep model */
    int q[FS_BLOCK];                   /* each run's particle, or -1 */
    const fs_scenario *lsc[FS_LOCKSTEP_W];
    /* The observations of FS_LOCKSTEP_W runs of the block (a part) in
     * columns: the part's run r's cell c at obs[i][c * FS_LOCKSTEP_W + r]
     * (CELL), so that a cell's runs are side by side for its moments and
     * sketch, and small enough to stay in cache until they are counted. */
    double *obs[FS_MAX_COMPARE];
    double *vec[FS_MAX_COMPARE];   /* model.c's run, before its column */
    fs_acc *acc[FS_MAX_COMPARE];
    uint64_t *first_mc[FS_MAX_COMPARE];
    double *diff;                  /* FS_BLOCK vectors of paired differences */
    fs_acc *pair;
    char *rows[FS_MAX_COMPARE];    /* runs.csv rows of each scenario */
    size_t rows_len[FS_MAX_COMPARE], rows_cap[FS_MAX_COMPARE];
    /* With a posterior: the generator that draws particles, the scenario
     * each model is bound to, and the paired statistics of the block. */
    gsl_rng *prng;
    const fs_scenario *bound[FS_MAX_COMPARE];
    double *pobs;                  /* one vector of post_lay.ncells */
    double head[2][FS_MAX_COMPARE][FS_HEAD_N];   /* headlines of the pair's runs */
    fs_acc *post[FS_MAX_COMPARE];
} worker;

/* Cell c of the run whose column starts at o. */
#define CELL(o, c) ((o)[(size_t)(c) * FS_LOCKSTEP_W])

/* A finished block waiting for its turn to be merged. */
typedef struct slot {
    long block;           /* -1 when free */
    long last;            /* one past its last run */
    int bad;
    fs_acc *acc[FS_MAX_COMPARE];   /* pending moments only (no sketches) */
    fs_acc *pair;
    fs_acc *post[FS_MAX_COMPARE];
    char *rows[FS_MAX_COMPARE];
    size_t rows_len[FS_MAX_COMPARE], rows_cap[FS_MAX_COMPARE];
} slot;

struct fs_engine {
    int k;
    const fs_scenario *sc[FS_MAX_COMPARE];
    fs_layout lay[FS_MAX_COMPARE];
    fs_layout pair_lay;   /* only ncells: (k - 1) * pw, then the cross pairs */
    int pw;               /* paired cells per scenario: FS_HEAD_N + extras */
    int ncross;           /* opts.all_pairs: k (k - 1) / 2 pairs i < j, each
                           * FS_HEAD_N differences j - i, then FS_HEAD_N of
                           * those plus the cost's difference */
    int pcell[FS_MAX_COMPARE][FS_HEAD_N + FS_MAX_PAIR_CELLS];   /* their cells */
    fs_engine_opts opts;
    int nworkers;
    worker *w;
    int nslots;
    slot *slots;
    fs_acc *total[FS_MAX_COMPARE];
    fs_acc *pair_total;
    uint64_t *first_mc[FS_MAX_COMPARE];
    long done;
    fs_layout post_lay;   /* only ncells: fs_posterior_ncells */
    fs_acc *post_total[FS_MAX_COMPARE];
};

static void worker_release(const fs_engine *e, worker *w)
{
    int i;
    if (w->rng)
        gsl_rng_free(w->rng);
    for (i = 0; i < e->k; i++) {
        fs_model_free(w->model[i]);
        fs_lockstep_free(w->ls[i]);
        free(w->obs[i]);
        free(w->vec[i]);
        fs_acc_free(w->acc[i]);
        free(w->first_mc[i]);
        free(w->rows[i]);
    }
    free(w->diff);
    fs_acc_free(w->pair);
    if (w->prng)
        gsl_rng_free(w->prng);
    free(w->pobs);
    for (i = 0; i < e->k; i++)
        fs_acc_free(w->post[i]);
}

/* The extra sketched cells of opts.sketch_cells, in scenario 0's acc. */
static int add_sketches(const fs_engine *e, fs_acc *acc)
{
    int i;
    for (i = 0; i < e->opts.nsketch_cells; i++)
        if (fs_acc_add_sketch(acc, e->opts.sketch_cells[i]) != 0)
            return -1;
    return 0;
}

static int worker_init(const fs_engine *e, worker *w)
{
    int i;
    w->rng = fs_rng_alloc();
    if (w->rng == NULL)
        return -1;
    for (i = 0; i < e->k; i++) {
        if (!e->opts.runwise) {
            if ((w->ls[i] = fs_lockstep_alloc(e->sc[i], FS_LOCKSTEP_W)) == NULL)
                return -1;
            fs_lockstep_columns(w->ls[i], FS_LOCKSTEP_W);
        } else if ((w->model[i] = fs_model_alloc(e->sc[i])) == NULL ||
                   (w->vec[i] = malloc((size_t)e->lay[i].ncells * sizeof *w->vec[i])) == NULL)
            return -1;
        w->obs[i] = malloc((size_t)FS_LOCKSTEP_W * e->lay[i].ncells * sizeof *w->obs[i]);
        w->acc[i] = fs_acc_alloc(&e->lay[i], e->opts.totals_only ? FS_SKETCH_TOTALS
                                                                 : FS_SKETCH_ALL);
        if (w->acc[i] && i == 0 && add_sketches(e, w->acc[i]) != 0)
            return -1;
        w->first_mc[i] = calloc(e->sc[i]->steps + 1, sizeof *w->first_mc[i]);
        if (!w->obs[i] || !w->acc[i] || !w->first_mc[i])
            return -1;
    }
    if (e->k > 1) {
        w->diff = malloc((size_t)FS_BLOCK * e->pair_lay.ncells * sizeof *w->diff);
        w->pair = fs_acc_alloc(&e->pair_lay, FS_SKETCH_NONE);
        if (w->diff == NULL || w->pair == NULL)
            return -1;
    }
    if (e->opts.posterior) {
        w->prng = fs_rng_alloc();
        w->pobs = malloc((size_t)e->post_lay.ncells * sizeof *w->pobs);
        if (w->prng == NULL || w->pobs == NULL)
            return -1;
        for (i = 0; i < e->k; i++) {
            w->bound[i] = e->sc[i];
            if ((w->post[i] = fs_acc_alloc(&e->post_lay, FS_SKETCH_NONE)) == NULL)
                return -1;
        }
    }
    return 0;
}

static int slot_init(const fs_engine *e, slot *s)
{
    int i;
    s->block = -1;
    for (i = 0; i < e->k; i++)
        if ((s->acc[i] = fs_acc_alloc(&e->lay[i], FS_SKETCH_NONE)) == NULL)
            return -1;
    if (e->k > 1 && (s->pair = fs_acc_alloc(&e->pair_lay, FS_SKETCH_NONE)) == NULL)
        return -1;
    for (i = 0; e->opts.posterior && i < e->k; i++)
        if ((s->post[i] = fs_acc_alloc(&e->post_lay, FS_SKETCH_NONE)) == NULL)
            return -1;
    return 0;
}

fs_engine *fs_engine_alloc_many(const fs_scenario *const *sc, int k,
                                const fs_engine_opts *o, fs_err *err)
{
    fs_engine *e;
    int i;

    if (k < 1 || k > FS_MAX_COMPARE || o->npair_cells < 0 || o->npair_cells > FS_MAX_PAIR_CELLS) {
        fs_err_set(err, FS_EUSAGE, "an engine runs 1 to %d scenarios and pairs at most %d "
                   "extra cells", FS_MAX_COMPARE, FS_MAX_PAIR_CELLS);
        return NULL;
    }
    if ((e = calloc(1, sizeof *e)) == NULL)
        goto nomem;
    e->k = k;
    e->opts = *o;
    if (e->opts.threads < 1)
        e->opts.threads = 1;
    e->pw = FS_HEAD_N + o->npair_cells;
    e->opts.pair_cells = NULL;
    memset(e->opts.pair_cells_of, 0, sizeof e->opts.pair_cells_of);
    for (i = 0; i < k; i++) {
        int h;
        e->sc[i] = sc[i];
        fs_layout_init(&e->lay[i], sc[i]);
        for (h = 0; h < e->pw; h++) {
            const int *of = i == 0 ? o->pair_cells : o->pair_cells_of[i];
            int cell = h < FS_HEAD_N ? fs_headline_cell(&e->lay[i], h)
                       : of ? of[h - FS_HEAD_N] : -1;
            e->pcell[i][h] = cell;
            if (cell == -1 && h >= FS_HEAD_N && i > 0)
                continue;   /* not paired: NaN, which no moment counts */
            if (cell < 0 || cell >= e->lay[i].ncells) {
                fs_err_set(err, FS_EUSAGE, "paired cell %d is outside scenario %d's layout",
                           cell, i);
                free(e);
                return NULL;
            }
        }
    }
    if (o->posterior)
        e->post_lay.ncells = fs_posterior_ncells(o->posterior);
    /* A posterior whose particles change a scenario's draws cannot share
     * lockstep blocks: model.c runs every run then, whatever the blocks. */
    for (i = 0; !e->opts.runwise && o->posterior && i < k; i++) {
        int q;
        for (q = 0; q < o->posterior->n; q++)
            if (o->particles[i][q] && !fs_lockstep_compatible(sc[i], o->particles[i][q])) {
                e->opts.runwise = 1;
                break;
            }
    }
    e->ncross = o->all_pairs ? k * (k - 1) / 2 : 0;
    e->pair_lay.ncells = (k - 1) * e->pw + e->ncross * 2 * FS_HEAD_N;
    e->nworkers = e->opts.threads;
    e->nslots = 2 * e->nworkers;
    e->w = calloc(e->nworkers, sizeof *e->w);
    e->slots = calloc(e->nslots, sizeof *e->slots);
    if (e->w == NULL || e->slots == NULL)
        goto nomem;
    for (i = 0; i < k; i++) {
        e->total[i] = fs_acc_alloc(&e->lay[i], o->totals_only ? FS_SKETCH_TOTALS
                                                              : FS_SKETCH_ALL);
        if (e->total[i] && i == 0 && add_sketches(e, e->total[i]) != 0)
            goto nomem;
        e->first_mc[i] = calloc(sc[i]->steps + 1, sizeof *e->first_mc[i]);
        if (e->total[i] == NULL || e->first_mc[i] == NULL)
            goto nomem;
        if (o->posterior &&
            (e->post_total[i] = fs_acc_alloc(&e->post_lay, FS_SKETCH_NONE)) == NULL)
            goto nomem;
    }
    if (k > 1 && (e->pair_total = fs_acc_alloc(&e->pair_lay, FS_SKETCH_NONE)) == NULL)
        goto nomem;
    for (i = 0; i < e->nworkers; i++)
        if (worker_init(e, &e->w[i]) != 0)
            goto nomem;
    for (i = 0; i < e->nslots; i++)
        if (slot_init(e, &e->slots[i]) != 0)
            goto nomem;
    return e;
nomem:
    fs_engine_free(e);
    fs_err_set(err, FS_ENOMEM, "out of memory allocating the engine's workspaces");
    return NULL;
}

fs_engine *fs_engine_alloc(const fs_scenario *sc, const fs_engine_opts *o, fs_err *err)
{
    return fs_engine_alloc_many(&sc, 1, o, err);
}

void fs_engine_free(fs_engine *e)
{
    int i, j;
    if (e == NULL)
        return;
    if (e->w)
        for (i = 0; i < e->nworkers; i++)
            worker_release(e, &e->w[i]);
    free(e->w);
    if (e->slots)
        for (i = 0; i < e->nslots; i++) {
            for (j = 0; j < e->k; j++) {
                fs_acc_free(e->slots[i].acc[j]);
                fs_acc_free(e->slots[i].post[j]);
                free(e->slots[i].rows[j]);
            }
            fs_acc_free(e->slots[i].pair);
        }
    free(e->slots);
    for (i = 0; i < e->k; i++) {
        fs_acc_free(e->total[i]);
        fs_acc_free(e->post_total[i]);
        free(e->first_mc[i]);
    }
    fs_acc_free(e->pair_total);
    free(e);
}

static int rows_append(worker *w, int i, const char *s, size_t n)
{
    if (w->rows_len[i] + n + 1 > w->rows_cap[i]) {
        size_t cap = w->rows_cap[i] ? 2 * w->rows_cap[i] : 8192;
        char *p;
        while (cap < w->rows_len[i] + n + 1)
            cap *= 2;
        p = realloc(w->rows[i], cap);
        if (p == NULL)
            return -1;
        w->rows[i] = p;
        w->rows_cap[i] = cap;
    }
    memcpy(w->rows[i] + w->rows_len[i], s, n);
    w->rows_len[i] += n;
    w->rows[i][w->rows_len[i]] = '\0';
    return 0;
}

/* One runs.csv row of scenario i, from the run's column o. */
static int runs_row(worker *w, int i, const fs_layout *l, long run, const double *o)
{
    char buf[512], mc[32] = "";
    double first = CELL(o, fs_cell_tot(l, FS_TOT_FIRST_MASS_CASUALTY));
    int n;

    if (!isnan(first))
        snprintf(mc, sizeof mc, "%.0f", first);
    n = snprintf(buf, sizeof buf, "%ld,%.0f,%.0f,%.0f,%.0f,%.10g,%.10g,%.10g,%.0f,%.0f,%.0f,%s\n",
                 run, CELL(o, fs_cell_tot(l, FS_TOT_PLOTS)),
                 CELL(o, fs_cell_tot(l, FS_TOT_FOILED)), CELL(o, fs_cell_tot(l, FS_TOT_ATTACKS)),
                 CELL(o, fs_cell_tot(l, FS_TOT_CASUALTIES)),
                 CELL(o, fs_cell_tot(l, FS_TOT_THREAT_FINAL)),
                 CELL(o, fs_cell_tot(l, FS_TOT_COHESION_FINAL)),
                 CELL(o, fs_cell_tot(l, FS_TOT_COST)), CELL(o, fs_cell_out(l, FS_OUT_ESCALATION)),
                 CELL(o, fs_cell_out(l, FS_OUT_FRACTURE)),
                 CELL(o, fs_cell_out(l, FS_OUT_CONTAINED)), mc);
    return rows_append(w, i, buf, (size_t)n);
}

/* One run of scenario i on stream (seed, run) into obs; with a posterior,
 * on particle q's scenario. */
static void run_one(fs_engine *e, worker *w, int i, long run, int q, double *obs)
{
    int t;
    if (q >= 0 && w->bound[i] != e->opts.particles[i][q]) {
        w->bound[i] = e->opts.particles[i][q];
        fs_model_rebind(w->model[i], w->bound[i]);
    }
    fs_rng_seed(w->rng, e->opts.seed, (uint64_t)run);
    fs_model_start(w->model[i], w->rng, obs);
    for (t = 1; t <= e->sc[i]->steps; t++)
        fs_model_step(w->model[i], w->rng, obs);
    fs_model_finish(w->model[i], obs);
}

/* The paired statistics of run `run` of scenario i (particle q, its
 * observations o). Blocks start at even runs, so a pair's two runs fall
 * in the same block and go through the same worker in order. */
static void post_observe(const fs_engine *e, worker *w, int i, long run, int q, const double *o)
{
    double *y = w->head[run & 1][i];
    int h;
    for (h = 0; h < FS_HEAD_N; h++)
        y[h] = CELL(o, e->pcell[i][h]);
    fs_posterior_observe(e->opts.posterior, q, y, run & 1 ? w->head[0][i] : NULL, w->pobs);
    fs_acc_add_moments(w->post[i], w->pobs);
}

/* What went wrong in a block, worst last: a block reports the worst. */
#define BAD_NOMEM    1
#define BAD_INFINITE 2

/* Run r of the block (p of its part): every pair's headline differences, j minus i, and
 * each plus the cost's difference (fs_engine_cross). */
static void cross_pairs(const fs_engine *e, worker *w, int r, int p)
{
    double *d = w->diff + (size_t)r * e->pair_lay.ncells + (e->k - 1) * e->pw;
    int i, j, h;
    for (i = 0; i < e->k; i++)
        for (j = i + 1; j < e->k; j++, d += 2 * FS_HEAD_N) {
            const double *a = w->obs[i] + p, *b = w->obs[j] + p;
            for (h = 0; h < FS_HEAD_N; h++)
                d[h] = CELL(b, e->pcell[j][h]) - CELL(a, e->pcell[i][h]);
            for (h = 0; h < FS_HEAD_N; h++)
                d[FS_HEAD_N + h] = d[h] + d[FS_HEAD_COST];
        }
}

/* Runs r0 .. r0 + nused - 1 of scenario i (a part of the block that
 * starts at run first) through the lockstep model into w->obs[i]'s
 * columns, each run on its particle w->q[] with a posterior. */
static void run_lockstep(fs_engine *e, worker *w, int i, long first, long r0, int nused)
{
    int r;
    if (e->opts.posterior) {
        for (r = 0; r < nused; r++)
            w->lsc[r] = e->opts.particles[i][w->q[r0 - first + r]];
        fs_lockstep_run_each(w->ls[i], w->lsc, e->opts.seed, (uint64_t)r0, nused, w->obs[i]);
    } else
        fs_lockstep_run(w->ls[i], e->opts.seed, (uint64_t)r0, nused, w->obs[i]);
}

/* Runs r0 .. r0 + nused - 1 (nused <= FS_LOCKSTEP_W), a part of the block
 * that starts at run first, of every scenario on worker w: the model into
 * w->obs's columns, then each run's first mass-casualty step, posterior
 * statistics, runs.csv row and paired differences in run order, then the
 * part's moments and sketches cell by cell. Returns 0 or a BAD_ code. */
static int run_part(fs_engine *e, worker *w, long first, long r0, int nused)
{
    long run;
    int i, h, bad = 0;

    for (i = 0; !e->opts.runwise && i < e->k; i++)
        run_lockstep(e, w, i, first, r0, nused);
    for (run = r0; run < r0 + nused; run++) {
        int r = (int)(run - first), p = (int)(run - r0);
        int q = w->q[r];
        for (i = 0; i < e->k; i++) {
            double *o = w->obs[i] + p;
            double mc;
            if (e->opts.runwise) {
                int c;
                run_one(e, w, i, run, q, w->vec[i]);
                for (c = 0; c < e->lay[i].ncells; c++)
                    CELL(o, c) = w->vec[i][c];
            }
            /* The first mass-casualty step (NaN: none), from the run's
             * cell, whichever model ran it. */
            mc = CELL(o, fs_cell_tot(&e->lay[i], FS_TOT_FIRST_MASS_CASUALTY));
            w->first_mc[i][isnan(mc) ? 0 : (int)mc]++;
            if (q >= 0)
                post_observe(e, w, i, run, q, o);
            if (e->opts.runs_csv[i] && runs_row(w, i, &e->lay[i], run, o) != 0)
                bad = BAD_NOMEM;
        }
        for (i = 1; i < e->k; i++) {
            const double *a = w->obs[0] + p, *b = w->obs[i] + p;
            double *d = w->diff + (size_t)r * e->pair_lay.ncells + (i - 1) * e->pw;
            for (h = 0; h < e->pw; h++)
                d[h] = e->pcell[i][h] < 0 ? NAN
                                          : CELL(b, e->pcell[i][h]) - CELL(a, e->pcell[0][h]);
        }
        if (e->ncross)
            cross_pairs(e, w, r, p);
        if (e->k > 1)
            fs_acc_add_moments(w->pair, w->diff + (size_t)r * e->pair_lay.ncells);
    }
    for (i = 0; i < e->k; i++) {
        int rc = fs_acc_add_columns(w->acc[i], w->obs[i], nused, FS_LOCKSTEP_W);
        if (rc == FS_ACC_INFINITE)
            bad = BAD_INFINITE;
        else if (rc != 0 && bad == 0)
            bad = BAD_NOMEM;
    }
    return bad;
}

/* Runs [first, last) of every scenario on worker w into its accumulators,
 * FS_LOCKSTEP_W runs at a time, so that their columns stay in cache from
 * the model to the statistics; returns 0 or the worst BAD_ code. */
static int run_block(fs_engine *e, worker *w, long first, long last)
{
    long run, r0;
    int i, bad = 0;

    for (i = 0; i < e->k; i++) {
        w->rows_len[i] = 0;
        fs_acc_reset_moments(w->acc[i]);
    }
    if (e->k > 1)
        fs_acc_reset_moments(w->pair);
    for (i = 0; e->opts.posterior && i < e->k; i++)
        fs_acc_reset_moments(w->post[i]);
    for (run = first; run < last; run++)
        w->q[run - first] = e->opts.posterior ? fs_posterior_pick(e->opts.posterior, w->prng,
                                                                  e->opts.seed, run) : -1;
    for (r0 = first; r0 < last; r0 += FS_LOCKSTEP_W) {
        int b = run_part(e, w, first, r0, (int)(last - r0 < FS_LOCKSTEP_W ? last - r0
                                                                            : FS_LOCKSTEP_W));
        if (b > bad)
            bad = b;
    }
    return bad;
}

/* Merges one finished block into the totals (the caller holds the lock
 * and has checked that it is the block's turn). */
static void merge_block(fs_engine *e, fs_acc *const *acc, const fs_acc *pair,
                        fs_acc *const *post, char *const *rows, const size_t *len, long last,
                        int bad, int *failed, int *io)
{
    int i;
    if (bad > *failed)
        *failed = bad;
    for (i = 0; i < e->k; i++)
        fs_acc_merge_moments(e->total[i], acc[i]);
    for (i = 0; e->opts.posterior && i < e->k; i++)
        fs_acc_merge_moments(e->post_total[i], post[i]);
    if (e->k > 1)
        fs_acc_merge_moments(e->pair_total, pair);
    for (i = 0; i < e->k; i++)
        if (e->opts.runs_csv[i] && len[i] &&
            fwrite(rows[i], 1, len[i], e->opts.runs_csv[i]) != len[i] && !*io)
            *io = errno ? errno : EIO;   /* the reason, for the message */
    e->done = last;
}

static void park(fs_engine *e, slot *s, worker *w, long b, long last, int bad)
{
    char *t;
    size_t cap;
    int i;
    s->block = b, s->last = last, s->bad = bad;
    for (i = 0; i < e->k; i++)
        fs_acc_swap_pending(s->acc[i], w->acc[i]);
    if (e->k > 1)
        fs_acc_swap_pending(s->pair, w->pair);
    for (i = 0; e->opts.posterior && i < e->k; i++)
        fs_acc_swap_pending(s->post[i], w->post[i]);
    for (i = 0; i < e->k; i++) {
        t = s->rows[i], s->rows[i] = w->rows[i], w->rows[i] = t;
        cap = s->rows_cap[i], s->rows_cap[i] = w->rows_cap[i], w->rows_cap[i] = cap;
        s->rows_len[i] = w->rows_len[i];
        w->rows_len[i] = 0;
    }
}

/* Hands a finished block over: merges it and the parked blocks after it if
 * it is next, else parks it. Returns 0, or -1 when every slot is taken (the
 * caller retries after the next block in order is merged). */
static int deliver(fs_engine *e, worker *w, long b, long last, int bad, long *next,
                   int *failed, int *io)
{
    int i, found;
    if (b != *next) {
        for (i = 0; i < e->nslots; i++) {
            if (e->slots[i].block < 0) {
                park(e, &e->slots[i], w, b, last, bad);
                return 0;
            }
        }
        return -1;
    }
    merge_block(e, w->acc, w->pair, w->post, w->rows, w->rows_len, last, bad, failed, io);
    (*next)++;
    do {
        found = 0;
        for (i = 0; i < e->nslots; i++) {
            slot *s = &e->slots[i];
            if (s->block != *next)
                continue;
            merge_block(e, s->acc, s->pair, s->post, s->rows, s->rows_len, s->last, s->bad,
                        failed, io);
            s->block = -1;
            (*next)++;
            found = 1;
        }
    } while (found);
    return 0;
}

fs_status fs_engine_iterate(fs_engine *e, long runs, fs_err *err)
{
    long start = e->done, end = e->done + runs, nblocks, claim = 0, next = 0;
    int failed = 0, stopped = 0, io = 0;

    /* Blocks are aligned to multiples of FS_BLOCK from run 0, whatever the
     * chunks asked for, so chunking never changes the merge order. */
    end = (end + FS_BLOCK - 1) / FS_BLOCK * FS_BLOCK;
    if (end > e->opts.runs)
        end = e->opts.runs;
    if (end <= start)
        return FS_OK;
    nblocks = (end - start + FS_BLOCK - 1) / FS_BLOCK;

#pragma omp parallel num_threads(e->nworkers)
    {
        worker *w = &e->w[omp_get_thread_num()];
        for (;;) {
            long b, first, last;
            int bad, done = 0;
#pragma omp critical(fs_engine_claim)
            {
                if (fs_interrupted)
                    stopped = 1;
                b = stopped || failed ? nblocks : claim++;
            }
            if (b >= nblocks)
                break;
            first = start + b * FS_BLOCK;
            last = first + FS_BLOCK < end ? first + FS_BLOCK : end;
            bad = run_block(e, w, first, last);
            while (!done) {
#pragma omp critical(fs_engine_merge)
                done = deliver(e, w, b, last, bad, &next, &failed, &io) == 0;
            }
        }
        /* The sketches' staged values into their buckets, each thread its
         * own, so that what follows reads whole sketches. */
        for (int i = 0; i < e->k; i++)
            if (fs_acc_flush(w->acc[i]) != 0) {
#pragma omp critical(fs_engine_merge)
                if (failed < BAD_NOMEM)
                    failed = BAD_NOMEM;
            }
    }
    if (failed == BAD_INFINITE)
        return fs_err_set(err, FS_ERUNTIME, "a run produced an infinite value: the "
                          "scenario's rates make presence, plots or casualties overflow "
                          "(check growth, plot_rate, lethality, surges and capacities)");
    if (failed)
        return fs_err_set(err, FS_ENOMEM, "out of memory while accumulating statistics");
    if (io)
        return fs_err_set(err, FS_EIO, "cannot write runs.csv: %s", strerror(io));
    if (stopped || e->done < end)
        return fs_err_set(err, FS_EINTR, "interrupted after %ld of %ld runs",
                          e->done, e->opts.runs);
    return FS_OK;
}

int fs_engine_lockstep(const fs_engine *e)
{
    return !e->opts.runwise;
}

long fs_engine_done(const fs_engine *e)
{
    return e->done;
}

fs_status fs_engine_finish(fs_engine *e, fs_err *err)
{
    int i, j, t;
    for (i = 0; i < e->nworkers; i++) {
        for (j = 0; j < e->k; j++) {
            if (fs_acc_merge_sketches(e->total[j], e->w[i].acc[j]) != 0)
                return fs_err_set(err, FS_ENOMEM, "out of memory merging quantile sketches");
            for (t = 0; t <= e->sc[j]->steps; t++)
                e->first_mc[j][t] += e->w[i].first_mc[j][t];
        }
    }
    return FS_OK;
}

int fs_engine_count(const fs_engine *e) { return e->k; }
const fs_acc *fs_engine_acc_of(const fs_engine *e, int i) { return e->total[i]; }
const fs_layout *fs_engine_layout_of(const fs_engine *e, int i) { return &e->lay[i]; }
const uint64_t *fs_engine_first_mc_of(const fs_engine *e, int i) { return e->first_mc[i]; }
const fs_acc *fs_engine_acc(const fs_engine *e) { return e->total[0]; }
const fs_layout *fs_engine_layout(const fs_engine *e) { return &e->lay[0]; }

void fs_engine_sketch_bytes(const fs_engine *e, double *threads, double *merged)
{
    int i, j;
    *threads = *merged = 0;
    for (j = 0; j < e->k; j++)
        for (i = 0; i < e->nworkers; i++) {
            *threads += fs_acc_sketch_bytes(e->w[i].acc[j], 0);
            *merged += fs_acc_sketch_bytes(e->w[i].acc[j], 1);
        }
}
const uint64_t *fs_engine_first_mc(const fs_engine *e) { return e->first_mc[0]; }
fs_results fs_engine_results(const fs_engine *e, int i)
{
    fs_results r;
    r.acc = e->total[i];
    r.lay = &e->lay[i];
    r.first_mc = e->first_mc[i];
    r.posterior = e->opts.posterior;
    r.post = e->post_total[i];
    r.model = e->opts.runwise ? FS_ENGINE_MODEL_RUNWISE : FS_ENGINE_MODEL;
    return r;
}

const fs_acc *fs_engine_pairs(const fs_engine *e) { return e->k > 1 ? e->pair_total : NULL; }
int fs_engine_pair_width(const fs_engine *e) { return e->pw; }

const fs_moments *fs_engine_cross(const fs_engine *e, int i, int j, int h, int plus_cost)
{
    int p;
    if (!e->ncross || i < 0 || j <= i || j >= e->k || h < 0 || h >= FS_HEAD_N)
        return NULL;
    p = i * e->k - i * (i + 1) / 2 + (j - i - 1);
    return fs_acc_moments(e->pair_total, (e->k - 1) * e->pw + p * 2 * FS_HEAD_N +
                                             (plus_cost ? FS_HEAD_N : 0) + h);
}

fs_engine *fs_engine_run(const fs_scenario *sc, const fs_engine_opts *o, fs_err *err)
{
    fs_engine *e = fs_engine_alloc(sc, o, err);
    if (e == NULL)
        return NULL;
    if (fs_engine_iterate(e, o->runs, err) != FS_OK || fs_engine_finish(e, err) != FS_OK) {
        fs_engine_free(e);
        return NULL;
    }
    return e;
}
