/* engine.c: blocks of runs in parallel, merged in a fixed order.
 * Threads claim blocks in order from a shared counter. A thread that
 * finishes the next block to merge merges it at once, then any parked
 * blocks that follow; one that finishes ahead of its turn parks its block
 * (its pending moments and runs.csv text) in a slot and goes on, so no
 * thread waits for another unless every slot is full. */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#include "fsio.h"
#include "model.h"
#include "rng.h"

/* What one thread owns: its model, generator, observation vector, an
 * accumulator (moments of the current block, sketches of all its runs),
 * its share of the first-mass-casualty histogram, and the text of the
 * current block's runs.csv rows. */
typedef struct worker {
    fs_model *model;
    gsl_rng *rng;
    double *obs;          /* FS_BLOCK observation vectors, one per run of the block */
    fs_acc *acc;
    uint64_t *first_mc;
    char *rows;
    size_t rows_len, rows_cap;
} worker;

/* A finished block waiting for its turn to be merged. */
typedef struct slot {
    long block;           /* -1 when free */
    long last;            /* one past its last run */
    int bad;
    fs_acc *acc;          /* pending moments only (no sketches) */
    char *rows;
    size_t rows_len, rows_cap;
} slot;

struct fs_engine {
    const fs_scenario *sc;
    fs_engine_opts opts;
    fs_layout lay;
    int nworkers;
    worker *w;
    int nslots;
    slot *slots;
    fs_acc *total;
    uint64_t *first_mc;
    long done;
};

static void worker_release(worker *w)
{
    fs_model_free(w->model);
    if (w->rng)
        gsl_rng_free(w->rng);
    free(w->obs);
    fs_acc_free(w->acc);
    free(w->first_mc);
    free(w->rows);
}

fs_engine *fs_engine_alloc(const fs_scenario *sc, const fs_engine_opts *o, fs_err *err)
{
    fs_engine *e = calloc(1, sizeof *e);
    int i;

    if (e == NULL)
        goto nomem;
    e->sc = sc;
    e->opts = *o;
    if (e->opts.threads < 1)
        e->opts.threads = 1;
    fs_layout_init(&e->lay, sc);
    e->nworkers = e->opts.threads;
    e->w = calloc(e->nworkers, sizeof *e->w);
    e->total = fs_acc_alloc(&e->lay, 1);
    e->first_mc = calloc(sc->steps + 1, sizeof *e->first_mc);
    e->nslots = 2 * e->nworkers;
    e->slots = calloc(e->nslots, sizeof *e->slots);
    if (e->w == NULL || e->total == NULL || e->first_mc == NULL || e->slots == NULL)
        goto nomem;
    for (i = 0; i < e->nslots; i++) {
        e->slots[i].block = -1;
        if ((e->slots[i].acc = fs_acc_alloc(&e->lay, 0)) == NULL)
            goto nomem;
    }
    for (i = 0; i < e->nworkers; i++) {
        worker *w = &e->w[i];
        w->model = fs_model_alloc(sc);
        w->rng = fs_rng_alloc();
        w->obs = malloc((size_t)FS_BLOCK * e->lay.ncells * sizeof *w->obs);
        w->acc = fs_acc_alloc(&e->lay, 1);
        w->first_mc = calloc(sc->steps + 1, sizeof *w->first_mc);
        if (!w->model || !w->rng || !w->obs || !w->acc || !w->first_mc)
            goto nomem;
    }
    return e;
nomem:
    fs_engine_free(e);
    fs_err_set(err, FS_ENOMEM, "out of memory allocating the engine's workspaces");
    return NULL;
}

void fs_engine_free(fs_engine *e)
{
    int i;
    if (e == NULL)
        return;
    if (e->w)
        for (i = 0; i < e->nworkers; i++)
            worker_release(&e->w[i]);
    free(e->w);
    if (e->slots)
        for (i = 0; i < e->nslots; i++) {
            fs_acc_free(e->slots[i].acc);
            free(e->slots[i].rows);
        }
    free(e->slots);
    fs_acc_free(e->total);
    free(e->first_mc);
    free(e);
}

static int rows_append(worker *w, const char *s, size_t n)
{
    if (w->rows_len + n + 1 > w->rows_cap) {
        size_t cap = w->rows_cap ? 2 * w->rows_cap : 8192;
        char *p;
        while (cap < w->rows_len + n + 1)
            cap *= 2;
        p = realloc(w->rows, cap);
        if (p == NULL)
            return -1;
        w->rows = p;
        w->rows_cap = cap;
    }
    memcpy(w->rows + w->rows_len, s, n);
    w->rows_len += n;
    w->rows[w->rows_len] = '\0';
    return 0;
}

/* One runs.csv row, from the run's observation vector o. */
static int runs_row(worker *w, const fs_layout *l, long run, const double *o)
{
    char buf[512], mc[32] = "";
    double first = o[fs_cell_tot(l, FS_TOT_FIRST_MASS_CASUALTY)];
    int n;

    if (!isnan(first))
        snprintf(mc, sizeof mc, "%.0f", first);
    n = snprintf(buf, sizeof buf, "%ld,%.0f,%.0f,%.0f,%.0f,%.10g,%.10g,%.10g,%.0f,%.0f,%.0f,%s\n",
                 run, o[fs_cell_tot(l, FS_TOT_PLOTS)], o[fs_cell_tot(l, FS_TOT_FOILED)],
                 o[fs_cell_tot(l, FS_TOT_ATTACKS)], o[fs_cell_tot(l, FS_TOT_CASUALTIES)],
                 o[fs_cell_tot(l, FS_TOT_THREAT_FINAL)], o[fs_cell_tot(l, FS_TOT_COHESION_FINAL)],
                 o[fs_cell_tot(l, FS_TOT_COST)], o[fs_cell_out(l, FS_OUT_ESCALATION)],
                 o[fs_cell_out(l, FS_OUT_FRACTURE)], o[fs_cell_out(l, FS_OUT_CONTAINED)], mc);
    return rows_append(w, buf, (size_t)n);
}

/* Runs [first, last) on worker w into its accumulator. */
static int run_block(fs_engine *e, worker *w, long first, long last)
{
    const fs_scenario *sc = e->sc;
    long run;
    int t, bad = 0;

    fs_acc_reset_moments(w->acc);
    w->rows_len = 0;
    for (run = first; run < last; run++) {
        double *obs = w->obs + (size_t)(run - first) * e->lay.ncells;
        fs_rng_seed(w->rng, e->opts.seed, (uint64_t)run);
        fs_model_start(w->model, w->rng, obs);
        for (t = 1; t <= sc->steps; t++)
            fs_model_step(w->model, w->rng, obs);
        fs_model_finish(w->model, obs);
        w->first_mc[fs_model_first_mass_casualty(w->model)]++;
        if (e->opts.runs_csv && runs_row(w, &e->lay, run, obs) != 0)
            bad = 1;
    }
    if (fs_acc_add_runs(w->acc, w->obs, (int)(last - first)) != 0)
        bad = 1;
    return bad;
}

/* Merges one finished block into the totals (the caller holds the lock
 * and has checked that it is the block's turn). */
static void merge_block(fs_engine *e, fs_acc *acc, const char *rows, size_t len, long last,
                        int bad, int *failed, int *io)
{
    if (bad)
        *failed = 1;
    fs_acc_merge_moments(e->total, acc);
    if (e->opts.runs_csv && len && fwrite(rows, 1, len, e->opts.runs_csv) != len)
        *io = 1;
    e->done = last;
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
            slot *s = &e->slots[i];
            char *t;
            size_t cap;
            if (s->block >= 0)
                continue;
            s->block = b, s->last = last, s->bad = bad;
            fs_acc_swap_pending(s->acc, w->acc);
            t = s->rows, s->rows = w->rows, w->rows = t;
            cap = s->rows_cap, s->rows_cap = w->rows_cap, w->rows_cap = cap;
            s->rows_len = w->rows_len;
            w->rows_len = 0;
            return 0;
        }
        return -1;
    }
    merge_block(e, w->acc, w->rows, w->rows_len, last, bad, failed, io);
    (*next)++;
    do {
        found = 0;
        for (i = 0; i < e->nslots; i++) {
            slot *s = &e->slots[i];
            if (s->block != *next)
                continue;
            merge_block(e, s->acc, s->rows, s->rows_len, s->last, s->bad, failed, io);
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
    }
    if (failed)
        return fs_err_set(err, FS_ENOMEM, "out of memory while accumulating statistics");
    if (io)
        return fs_err_set(err, FS_EIO, "cannot write runs.csv");
    if (stopped || e->done < end)
        return fs_err_set(err, FS_EINTR, "interrupted after %ld of %ld runs",
                          e->done, e->opts.runs);
    return FS_OK;
}

long fs_engine_done(const fs_engine *e)
{
    return e->done;
}

fs_status fs_engine_finish(fs_engine *e, fs_err *err)
{
    int i, t;
    for (i = 0; i < e->nworkers; i++) {
        if (fs_acc_merge_sketches(e->total, e->w[i].acc) != 0)
            return fs_err_set(err, FS_ENOMEM, "out of memory merging quantile sketches");
        for (t = 0; t <= e->sc->steps; t++)
            e->first_mc[t] += e->w[i].first_mc[t];
    }
    return FS_OK;
}

const fs_acc *fs_engine_acc(const fs_engine *e)
{
    return e->total;
}

const fs_layout *fs_engine_layout(const fs_engine *e)
{
    return &e->lay;
}

const uint64_t *fs_engine_first_mc(const fs_engine *e)
{
    return e->first_mc;
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
