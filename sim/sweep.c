/* sweep.c: running a sweep's points and writing what they say.
 * Points are shared out over threads, each run on a one-thread engine,
 * or, when points have many runs, run one after another with their runs
 * spread over the threads; either way run i of every point uses stream
 * (seed, i) and every point's numbers are the same for any thread count.
 * Results are kept per point (memory grows with points, never with runs). */
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <omp.h>

#include "budget.h"
#include "dist.h"
#include "engine.h"
#include "evaluate.h"
#include "fsio.h"
#include "headroom.h"
#include "mdtext.h"
#include "outset.h"
#include "metrics.h"
#include "outlock.h"
#include "output.h"
#include "plot_sweep.h"
#include "posterior.h"
#include "rng.h"
#include "oatpair.h"
#include "report.h"
#include "sensitivity.h"
#include "stats.h"

#ifndef FS_VERSION
#define FS_VERSION "0.0.0"
#endif

struct fs_sweep_run {
    const fs_sweep *sw;
    int threads;
    char outdir[4096];
    fs_design *design;
    fs_design *oat;       /* one at a time around the base values */
    int nd, noat, total;  /* design points, OAT points, both */
    double *y, *se;       /* [total x noutputs] */
    unsigned char *have;  /* [total] the point's results are known */
    int *mine;            /* points still to run, ascending: all of them
                           * (dynamic) or this rank's share (static) */
    int nmine;
    fs_dist_counter *counter;  /* dynamic: the next index into mine to hand out */
    int cursor;           /* static: the next index into mine */
    int handed;           /* indices of mine handed out, as this rank last saw */
    int ran;              /* points this rank ran */
    int finished;         /* a claim found nothing left */
    int batch;
    int inner;            /* threads inside each point (1: points in parallel) */
    int dynamic;          /* hand points out from a shared counter */
    double started;
    fs_ckpt_id id;
    fs_ckpt *ckpt;        /* this rank's checkpoint file */
    fs_outlock *lock;     /* rank 0: this sweep alone writes into outdir */
    char note[5000];      /* what opening it found and dropped, or "" */
    int bad_point;        /* a point's settings were refused */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void hash_str(uint64_t *h, const char *s)
{
    *h = fs_fnv1a(*h, s ? s : "", strlen(s ? s : "") + 1);
}

static void hash_num(uint64_t *h, double v)
{
    *h = fs_fnv1a(*h, &v, sizeof v);
}

fs_status fs_sweep_id(const fs_sweep *sw, fs_ckpt_id *id, fs_err *err)
{
    uint64_t h = FS_FNV_INIT;
    int i, j;

    hash_str(&h, sw->name);
    hash_str(&h, sw->description);
    hash_num(&h, (double)sw->runs);
    hash_num(&h, (double)sw->seed);
    hash_num(&h, sw->design);
    hash_num(&h, sw->dopts.n), hash_num(&h, sw->dopts.r), hash_num(&h, sw->dopts.p);
    hash_num(&h, (double)sw->dopts.seed), hash_num(&h, sw->bootstrap);
    for (i = 0; i < sw->nparams; i++) {
        const fs_sweep_param *p = &sw->params[i];
        hash_str(&h, p->path);
        hash_num(&h, p->lever), hash_num(&h, p->lo), hash_num(&h, p->hi);
        for (j = 0; j < p->nlevels; j++)
            hash_num(&h, p->levels[j]);
    }
    for (i = 0; i < sw->noutputs; i++)
        hash_str(&h, sw->outputs[i].name);
    for (i = 0; i < sw->nsets; i++)
        hash_str(&h, sw->sets[i].path), hash_str(&h, sw->sets[i].value);
    id->settings = h;
    /* The base scenario as resolved (defaults, includes, --set): any edit
     * that changes a point's results changes this. */
    if (fs_ckpt_base_hash(sw->base, &id->base, err) != FS_OK)
        return err->code;
    id->noutputs = sw->noutputs;
    return FS_OK;
}

/* A fresh sweep in r->outdir: refuses to throw away an unfinished one,
 * then clears the old checkpoint and records the new sweep. Rank 0 only. */
static fs_status fresh_checkpoint(fs_sweep_run *r, fs_err *err)
{
    char *file = NULL;
    fs_override *sets = NULL;
    fs_ckpt_id old;
    int nsets = 0, ndone = 0;
    fs_status st = FS_OK;
    fs_err e;

    if (fs_ckpt_read_resume(r->outdir, &file, &sets, &nsets, &old, &e) == FS_OK) {
        fs_err e2;
        double *y = malloc((size_t)old.npoints * old.noutputs * sizeof *y);
        double *se = malloc((size_t)old.npoints * old.noutputs * sizeof *se);
        unsigned char *have = malloc((size_t)old.npoints);
        if (y && se && have && fs_ckpt_scan(r->outdir, &old, y, se, have, &ndone, NULL, &e2) == FS_OK
            && ndone < old.npoints)
            st = fs_err_set(err, FS_EUSAGE, "%s holds an unfinished sweep (%d of %d "
                            "points done): finish it with 'foresight sweep --resume %s', "
                            "or remove %s/checkpoint to start over", r->outdir, ndone,
                            old.npoints, r->outdir, r->outdir);
        free(y), free(se), free(have);
        fs_ckpt_resume_free(file, sets, nsets);
        if (st != FS_OK)
            return st;
    }
    if ((st = fs_ckpt_clear(r->outdir, err)) != FS_OK)
        return st;
    return fs_ckpt_write_resume(r->outdir, r->sw->path, r->sw->sets, r->sw->nsets, &r->id, err);
}

/* Starts or resumes the checkpoint. With several ranks, rank 0 alone
 * decides on a fresh start (others would race its rewrite of resume.cfg)
 * and every rank agrees on the outcome before going on. */
static fs_status start_checkpoint(fs_sweep_run *r, const fs_ckpt_id *resume, fs_err *err)
{
    char what[128];
    int rank = fs_dist_rank(), size = fs_dist_size(), ndone = 0, i, j, agreed;
    fs_ckpt_damage dmg;
    fs_status st = FS_OK;

    memset(&dmg, 0, sizeof dmg);
    /* Rank 0 holds the directory's lock for the whole job: a second
     * sweep, run or plot into it is refused before anything is read. */
    if (rank == 0 && (r->lock = fs_outlock_take(r->outdir, err)) == NULL)
        st = err->code;
    else if (resume) {
        if (resume->settings != r->id.settings || resume->npoints != r->id.npoints ||
            resume->noutputs != r->id.noutputs)
            st = fs_err_set(err, FS_ECONFIG, "%s changed since the sweep in %s began "
                            "(%s): resume refused; undo the change, or start the changed "
                            "sweep in another directory", r->sw->path, r->outdir,
                            (fs_ckpt_id_change(resume, &r->id, what, sizeof what), what));
        else if (resume->base != r->id.base)
            st = fs_err_set(err, FS_ECONFIG, "the base scenario %s%s%s%s changed since the "
                            "sweep in %s began (hash %016llx, now %016llx), or the sweep was "
                            "begun by a foresight whose model draws differently (this one "
                            "runs " FS_ENGINE_MODEL "): resume refused; undo the change, or "
                            "start the sweep again in another directory",
                            r->sw->base_path,
                            r->sw->base->posterior ? " (or the posterior it names, " : "",
                            r->sw->base->posterior ? r->sw->base->posterior : "",
                            r->sw->base->posterior ? "/posterior.csv)" : "", r->outdir,
                            (unsigned long long)resume->base, (unsigned long long)r->id.base);
        else
            st = fs_ckpt_scan(r->outdir, &r->id, r->y, r->se, r->have, &ndone, &dmg, err);
    } else if (rank == 0) {
        st = fresh_checkpoint(r, err);
    }
    if ((agreed = fs_dist_max((int)st)) != FS_OK) {
        if (st == FS_OK)   /* another rank's refusal: rank 0 says why */
            fs_err_set(err, (fs_status)agreed, "%s", rank == 0 ? "another rank could not "
                       "read the checkpoint" : "");
        err->everywhere = size > 1;
        return err->code;
    }
    /* Damaged or torn records are dropped (and said so), the intact ones
     * kept, and each damaged file rewritten before anything is appended. */
    if (dmg.bytes > 0) {
        snprintf(r->note, sizeof r->note, "%s: dropped %lld damaged or torn checkpoint "
                 "record%s (%lld bytes%s); kept the %d intact points, the dropped ones run "
                 "again", dmg.first, dmg.records, dmg.records == 1 ? "" : "s", dmg.bytes,
                 dmg.files > 1 ? ", in this and other rank files" : "", ndone);
        if (fs_ckpt_repair(r->outdir, &r->id, rank, size, err) != FS_OK)
            return err->code;
    }
    if ((r->ckpt = fs_ckpt_open(r->outdir, rank, &r->id, resume == NULL, err)) == NULL)
        return err->code;
    /* Dynamic: every missing point, handed out from a shared counter.
     * Static: every size-th missing point from this rank's number on. */
    for (i = 0, j = 0; i < r->total; i++)
        if (!r->have[i] && (r->dynamic || j++ % size == rank))
            r->mine[r->nmine++] = i;
    return FS_OK;
}

/* Refuses a sweep too long or too large before its design is built: the
 * design's and the one-at-a-time points, each with the sweep's runs. Per
 * point it keeps the design's row, 2 doubles per output (value and
 * standard error), and its charts read sweep.csv's row back (a double per
 * parameter and 2 per output), plus SWEEP_POINT_BYTES of flags, indices
 * and buffers. Measured: 100,000 random points, 3 parameters, 3 outputs,
 * with charts: 201 bytes a point above the smoke sweep's peak RSS
 * (/usr/bin/time -f %M); this says 208. */
#define SWEEP_POINT_BYTES 40.0
static fs_status check_budget(const fs_sweep *sw, const fs_sparam *sp, int threads,
                              fs_err *err)
{
    fs_budget b;
    int np;

    if (fs_design_count(sw->design, sp, sw->nparams, &sw->dopts, &np, err) != FS_OK)
        return err->code;
    b.file = sw->path;
    b.points = (double)np + 2.0 * sw->nparams + 1;
    b.runs = sw->runs;
    b.threads = threads;
    b.point_bytes = fs_design_point_bytes(sw->design, sw->nparams) +
                    2.0 * sw->noutputs * sizeof(double) +
                    (sw->nparams + 2.0 * sw->noutputs) * sizeof(double) + SWEEP_POINT_BYTES;
    return fs_budget_check(sw->base, &b, err);
}

fs_sweep_run *fs_sweep_run_open(const fs_sweep *sw, int threads, const char *outdir,
                                const fs_ckpt_id *resume, int dynamic, fs_err *err)
{
    fs_sweep_run *r = calloc(1, sizeof *r);
    fs_sparam sp[FS_SWEEP_MAX_PARAMS];
    double base[FS_SWEEP_MAX_PARAMS];
    fs_design_opts o;
    int i;

    if (r == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    r->sw = sw;
    r->threads = threads < 1 ? 1 : threads;
    r->dynamic = dynamic;
    snprintf(r->outdir, sizeof r->outdir, "%s", outdir);
    fs_sweep_sparams(sw, sp);
    if (check_budget(sw, sp, r->threads, err) != FS_OK ||
        (r->design = fs_design_alloc(sw->design, sp, sw->nparams, &sw->dopts, err)) == NULL)
        goto fail;
    /* The tornado's base point: each parameter at its base value, brought
     * into its range when the base scenario lies outside it. */
    for (i = 0; i < sw->nparams; i++) {
        const fs_sweep_param *p = &sw->params[i];
        base[i] = p->base < p->lo ? p->lo : p->base > p->hi ? p->hi : p->base;
        sp[i].nlevels = 0;
        sp[i].levels = NULL;
    }
    memset(&o, 0, sizeof o);
    o.base = base;
    if ((r->oat = fs_design_alloc(FS_DESIGN_OAT, sp, sw->nparams, &o, err)) == NULL)
        goto fail;
    r->nd = fs_design_npoints(r->design);
    r->noat = fs_design_npoints(r->oat);
    r->total = r->nd + r->noat;
    r->y = malloc((size_t)r->total * sw->noutputs * sizeof *r->y);
    r->se = malloc((size_t)r->total * sw->noutputs * sizeof *r->se);
    r->have = calloc((size_t)r->total, 1);
    r->mine = malloc((size_t)r->total * sizeof *r->mine);
    if (r->y == NULL || r->se == NULL || r->have == NULL || r->mine == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory for %d points", r->total);
        goto fail;
    }
    if (fs_mkdir_p(r->outdir, err) != FS_OK || fs_sweep_id(sw, &r->id, err) != FS_OK)
        goto fail;
    r->id.npoints = r->total;
    if (start_checkpoint(r, resume, err) != FS_OK)
        goto fail;
    if (r->dynamic && (r->counter = fs_dist_counter_open()) == NULL) {
        fs_err_set(err, FS_ENOMEM, "cannot set up the shared point counter");
        goto fail;
    }
    /* Points with many runs split their runs over the threads, one point
     * after another; points with few runs run side by side. The engine's
     * results do not depend on its thread count, so neither do the files. */
    r->inner = sw->runs >= 8L * FS_BLOCK * r->threads ? r->threads : 1;
    r->batch = r->inner > 1 ? 1 : 8 * r->threads;
    r->started = now();
    return r;
fail:
    fs_sweep_run_free(r);
    return NULL;
}

void fs_sweep_run_free(fs_sweep_run *r)
{
    if (r == NULL)
        return;
    fs_ckpt_close(r->ckpt);
    fs_outlock_release(r->lock);
    fs_dist_counter_close(r->counter);
    fs_design_free(r->design);
    fs_design_free(r->oat);
    free(r->y);
    free(r->se);
    free(r->have);
    free(r->mine);
    free(r);
}

int fs_sweep_run_done(const fs_sweep_run *r) { return r->handed; }
int fs_sweep_run_total(const fs_sweep_run *r) { return r->nmine; }
int fs_sweep_run_ran(const fs_sweep_run *r) { return r->ran; }
int fs_sweep_run_finished(const fs_sweep_run *r) { return r->finished; }
int fs_sweep_run_bad_point(const fs_sweep_run *r) { return r->bad_point; }
const char *fs_sweep_run_note(const fs_sweep_run *r) { return r->note[0] ? r->note : NULL; }

/* The parameter values of point i (design points first, then OAT). */
static const double *point_values(const fs_sweep_run *r, int i)
{
    return i < r->nd ? fs_design_point(r->design, i) : fs_design_point(r->oat, i - r->nd);
}

/* The sweep as the evaluation loop takes it (evaluate.h); paths and
 * integer must hold nparams entries. */
static fs_eval_spec eval_spec(const fs_sweep *sw, const char **paths, int *integer)
{
    fs_eval_spec s;
    int j;
    for (j = 0; j < sw->nparams; j++) {
        paths[j] = sw->params[j].path;
        integer[j] = sw->params[j].integer;
    }
    memset(&s, 0, sizeof s);
    s.base_path = sw->base_path;
    s.base_text = sw->base_text;   /* read once: never from the disk again */
    s.sets = sw->sets;
    s.nsets = sw->nsets;
    s.nparams = sw->nparams;
    s.paths = paths;
    s.integer = integer;
    s.runs = sw->runs;
    s.seed = sw->seed;
    s.noutputs = sw->noutputs;
    s.outputs = sw->outputs;
    s.posterior = sw->posterior;
    return s;
}

/* Loads point i's scenario: the base scenario (as the sweep read it once)
 * with the --set overrides and the point's values, the sweep's runs and
 * seed. *refused (when not NULL) is set when the base scenario refuses the
 * point's settings. */
static fs_status load_point(const fs_sweep_run *r, int i, fs_scenario **sc, int *refused,
                            fs_err *err)
{
    const char *paths[FS_SWEEP_MAX_PARAMS];
    int integer[FS_SWEEP_MAX_PARAMS];
    fs_eval_spec s = eval_spec(r->sw, paths, integer);
    return fs_eval_load(&s, point_values(r, i), sc, refused, err);
}

/* Runs point i on `threads` threads. */
static fs_status run_point(const fs_sweep_run *r, int i, int threads, double *y, double *se,
                           int *refused, fs_err *err)
{
    const char *paths[FS_SWEEP_MAX_PARAMS];
    int integer[FS_SWEEP_MAX_PARAMS];
    fs_eval_spec s = eval_spec(r->sw, paths, integer);
    fs_scenario *sc;
    fs_status st = fs_eval_load(&s, point_values(r, i), &sc, refused, err);
    if (st == FS_OK)
        st = fs_eval_run(&s, point_values(r, i), sc, threads, y, se, err);
    fs_scenario_free(sc);
    return st;
}

/* The tornado's ends against its base point, paired run by run
 * (oatpair.h): OAT point 0 is the base, 1 + 2p and 2 + 2p parameter p's
 * low and high settings, run again side by side on their shared streams.
 * An output that is a quantile over runs has no run-by-run difference: its
 * interval is the unpaired one from the points' own standard errors. Into
 * pl and ph, [nparams x noutputs]. */
static fs_status oat_pairs(const fs_sweep_run *r, fs_oat_pair *pl, fs_oat_pair *ph, fs_err *err)
{
    const fs_sweep *sw = r->sw;
    int p, j, k = sw->noutputs;
    fs_scenario *sc[3] = { NULL, NULL, NULL };
    fs_status st = load_point(r, r->nd, &sc[0], NULL, err);

    for (p = 0; st == FS_OK && p < sw->nparams; p++) {
        fs_oat_pair *ends[2] = { pl + (size_t)p * k, ph + (size_t)p * k };
        int e;
        if ((st = load_point(r, r->nd + 1 + 2 * p, &sc[1], NULL, err)) != FS_OK
            || (st = load_point(r, r->nd + 2 + 2 * p, &sc[2], NULL, err)) != FS_OK
            || (st = fs_oat_pair_run(sc[0], sc[1], sc[2], sw->outputs, k, sw->runs, sw->seed,
                                     r->threads, ends[0], ends[1], err)) != FS_OK)
            break;
        for (e = 0; e < 2; e++)
            for (j = 0; j < k; j++) {
                fs_oat_pair *q = &ends[e][j];
                size_t at = (size_t)(r->nd + 1 + 2 * p + e) * k + j, b = (size_t)r->nd * k + j;
                if (q->paired)
                    continue;
                q->diff = r->y[at] - r->y[b];
                q->se = sqrt(r->se[at] * r->se[at] + r->se[b] * r->se[b]);
                q->lo = q->diff - FS_Z95 * q->se;
                q->hi = q->diff + FS_Z95 * q->se;
            }
        fs_scenario_free(sc[1]);
        fs_scenario_free(sc[2]);
        sc[1] = sc[2] = NULL;
    }
    fs_scenario_free(sc[0]);
    fs_scenario_free(sc[1]);
    fs_scenario_free(sc[2]);
    return st;
}

/* Appends to err's message that the finished points are kept and how to
 * finish the sweep: after any failure that is not the sweep's own fault. */
static void kept_hint(const fs_sweep_run *r, fs_err *err)
{
    size_t n = strlen(err->msg);
    snprintf(err->msg + n, sizeof err->msg - n, "; every finished point is kept in "
             "%s/checkpoint: finish it with 'foresight sweep --resume %s'", r->outdir,
             r->outdir);
}

/* Runs point i into the result arrays; on failure records it in *bad,
 * *perr and *prefused when it is the first failing point so far. */
static void one_point(fs_sweep_run *r, int i, int *bad, fs_err *perr, int *prefused)
{
    int k = r->sw->noutputs, stop, refused = 0;
    fs_err e;
#pragma omp atomic read
    stop = fs_interrupted;
    if (stop)
        return;
    if (run_point(r, i, r->inner, r->y + (size_t)i * k, r->se + (size_t)i * k, &refused,
                  &e) == FS_OK) {
        fs_status st;
#pragma omp critical(fs_sweep_checkpoint)
        st = fs_ckpt_append(r->ckpt, i, r->y + (size_t)i * k, r->se + (size_t)i * k, &e);
        if (st == FS_OK)
            return;
    } else if (e.code == FS_EINTR) {
        return;   /* not the point's fault: iterate reports the interrupt */
    }
#pragma omp critical(fs_sweep_error)
    {
        /* Report the first failing point, whatever thread saw it. */
        if (*bad < 0 || i < *bad) {
            *bad = i;
            *perr = e;
            *prefused = refused;
        }
    }
}

fs_status fs_sweep_run_iterate(fs_sweep_run *r, fs_err *err)
{
    int first, last, i, bad = -1, refused = 0, n = r->batch;
    int least = r->inner > 1 ? 1 : r->threads;
    int share = (r->nmine - r->handed) / (2 * fs_dist_size());
    fs_err perr;
    double el;

    /* Guided: claims shrink as the points run out, so that no rank is
     * left with a long tail while the others wait. */
    if (r->dynamic && n > share)
        n = share > least ? share : least;
    if (r->dynamic) {
        long at = fs_dist_counter_add(r->counter, n);
        first = at < r->nmine ? (int)at : r->nmine;
    } else {
        first = r->cursor;
        r->cursor += n;
    }
    last = first + n < r->nmine ? first + n : r->nmine;
    r->handed = last;
    if (first >= r->nmine) {
        r->finished = 1;
        return FS_OK;
    }
    fs_err_clear(&perr);
    /* Points one after another, each spread over the threads, or points
     * side by side on one thread each. (No parallel region may surround
     * the first kind: the engine's own would become a nested region, which
     * OpenMP runs on one thread.) */
    if (r->inner > 1) {
        for (i = first; i < last; i++)
            one_point(r, r->mine[i], &bad, &perr, &refused);
    } else {
#pragma omp parallel for num_threads(r->threads) schedule(dynamic, 1)
        for (i = first; i < last; i++)
            one_point(r, r->mine[i], &bad, &perr, &refused);
    }
    if (bad >= 0) {
        char where[1024];
        const double *x = point_values(r, bad);
        size_t w = 0;
        int j;
        for (j = 0; j < r->sw->nparams && w + 80 < sizeof where; j++)
            w += (size_t)snprintf(where + w, sizeof where - w, "%s%s=%g", j ? ", " : "",
                                  r->sw->params[j].path, x[j]);
        r->bad_point = refused;
        fs_err_set(err, perr.code, "%s: point %d (%s): %s", r->sw->path, bad, where,
                   perr.msg);
        if (!refused)
            kept_hint(r, err);
        return err->code;
    }
    if (fs_interrupted)
        return fs_err_set(err, FS_EINTR, "interrupted; the points finished so far are in "
                          "%s/checkpoint; finish it with: foresight sweep --resume %s",
                          r->outdir, r->outdir);
    r->ran += last - first;
    /* Batches of about a second: the threads meet at the end of each. */
    el = now() - r->started;
    if (el > 0) {
        int want = (int)(r->ran / el * 1.0);
        if (want > r->batch)
            r->batch = want;
    }
    return FS_OK;
}

/* ---- files ---- */

static void num(FILE *f, double x)
{
    fputc(',', f);
    if (isfinite(x))
        fprintf(f, "%.10g", x == 0.0 ? 0.0 : x);
}

static void write_values(FILE *f, const fs_sweep *sw, const double *x)
{
    int j;
    for (j = 0; j < sw->nparams; j++) {
        if (sw->params[j].integer)
            fprintf(f, ",%.0f", x[j]);
        else
            num(f, x[j]);
    }
}

static void write_sweep_csv(FILE *f, const fs_sweep_run *r)
{
    const fs_sweep *sw = r->sw;
    int i, j, k = sw->noutputs;
    fputs("point", f);
    for (j = 0; j < sw->nparams; j++)
        fputc(',', f), fs_csv_field(f, sw->params[j].path);
    for (j = 0; j < k; j++) {
        char se[300];
        snprintf(se, sizeof se, "%s_se", sw->outputs[j].name);
        fputc(',', f), fs_csv_field(f, sw->outputs[j].name);
        fputc(',', f), fs_csv_field(f, se);
    }
    fputc('\n', f);
    for (i = 0; i < r->nd; i++) {
        fprintf(f, "%d", i);
        write_values(f, sw, point_values(r, i));
        for (j = 0; j < k; j++) {
            num(f, r->y[(size_t)i * k + j]);
            num(f, r->se[(size_t)i * k + j]);
        }
        fputc('\n', f);
    }
}

static void write_params_csv(FILE *f, const fs_sweep *sw)
{
    int j;
    fputs("index,path,kind,lo,hi,integer,base,label\n", f);
    for (j = 0; j < sw->nparams; j++) {
        const fs_sweep_param *p = &sw->params[j];
        fprintf(f, "%d,", j);
        fs_csv_field(f, p->path);
        fprintf(f, ",%s", p->lever ? "lever" : "uncertainty");
        num(f, p->lo), num(f, p->hi);
        fprintf(f, ",%d", p->integer);
        num(f, p->base);
        fputc(',', f), fs_csv_field(f, p->label);
        fputc('\n', f);
    }
}

static void write_outputs_csv(FILE *f, const fs_sweep *sw)
{
    static const char *stats[] = {"p5", "p25", "p50", "p75", "p95"};
    char metric[160];
    int j;
    fputs("index,name,kind,metric,statistic\n", f);
    for (j = 0; j < sw->noutputs; j++) {
        const fs_sweep_output *o = &sw->outputs[j];
        fprintf(f, "%d,", j);
        fs_csv_field(f, o->name);
        fs_sweep_output_metric(o, sw->base, metric, sizeof metric);
        fputs(o->outcome ? ",outcome," : ",summary,", f);
        fs_csv_field(f, metric);
        fprintf(f, ",%s\n", o->outcome ? "" : o->stat < 0 ? "mean" : stats[o->stat]);
    }
}

/* Per output: the sensitivity results, kept for the csv and sweep.md. */
typedef struct analysis {
    fs_sobol *sobol;
    fs_morris *morris;
    fs_oat *oat;
    int has_nan;        /* some point's value is NaN: no indices */
    double spread;      /* sd of the output over the design points */
    double noise;       /* median Monte Carlo standard error per point */
} analysis;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static fs_status analyse(const fs_sweep_run *r, int j, analysis *a, double *buf, fs_err *err)
{
    const fs_sweep *sw = r->sw;
    int i, k = sw->noutputs, n = 0;
    double mean = 0.0, m2 = 0.0;
    fs_status st = FS_OK;

    memset(a, 0, sizeof *a);
    for (i = 0; i < r->nd; i++) {
        buf[i] = r->y[(size_t)i * k + j];
        if (!isfinite(buf[i]))
            a->has_nan = 1;
    }
    for (i = 0; i < r->nd; i++) {
        if (!isfinite(buf[i]))
            continue;
        n++;
        mean += (buf[i] - mean) / n;
    }
    for (i = 0; i < r->nd; i++)
        if (isfinite(buf[i]))
            m2 += (buf[i] - mean) * (buf[i] - mean);
    a->spread = n > 1 ? sqrt(m2 / (n - 1)) : 0.0;
    if (!a->has_nan && sw->design == FS_DESIGN_SOBOL) {
        fs_err e;
        if ((a->sobol = fs_sobol_alloc(sw->nparams)) == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        /* A flat output has no variance to share out: indices are NaN. */
        if (fs_sobol_indices(r->design, buf, sw->bootstrap, sw->seed, a->sobol, &e) != FS_OK &&
            e.code == FS_ENOMEM)
            return fs_err_set(err, FS_ENOMEM, "%s", e.msg);
    } else if (!a->has_nan && sw->design == FS_DESIGN_MORRIS) {
        fs_err e;
        if ((a->morris = fs_morris_alloc(sw->nparams)) == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        if (fs_morris_indices(r->design, buf, a->morris, &e) != FS_OK && e.code == FS_ENOMEM)
            return fs_err_set(err, FS_ENOMEM, "%s", e.msg);
    }
    for (i = 0; i < r->noat; i++)
        buf[i] = r->y[(size_t)(r->nd + i) * k + j];
    if ((a->oat = fs_oat_alloc(sw->nparams)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    {
        fs_err e;
        if (fs_oat_effects(r->oat, buf, a->oat, &e) != FS_OK && e.code == FS_ENOMEM)
            st = fs_err_set(err, FS_ENOMEM, "%s", e.msg);
    }
    for (i = 0; i < r->nd; i++)
        buf[i] = r->se[(size_t)i * k + j];
    qsort(buf, r->nd, sizeof *buf, cmp_double);
    a->noise = buf[r->nd / 2];
    return st;
}

static void analysis_free(analysis *a)
{
    fs_sobol_free(a->sobol);
    fs_morris_free(a->morris);
    fs_oat_free(a->oat);
}

static void write_sensitivity(FILE *f, const fs_sweep *sw, const analysis *an)
{
    int j, p;
    fputs("method,parameter,output,index,estimate,lo95,hi95,se\n", f);
    for (j = 0; j < sw->noutputs; j++) {
        const analysis *a = &an[j];
        for (p = 0; p < sw->nparams; p++) {
            const char *path = sw->params[p].path, *out = sw->outputs[j].name;
#define ROW(method, index) fprintf(f, "%s,", method), fs_csv_field(f, path), fputc(',', f), \
                           fs_csv_field(f, out), fprintf(f, ",%s", index)
            if (a->sobol) {
                ROW("sobol", "S1");
                num(f, a->sobol->s1[p]), num(f, a->sobol->s1_lo[p]), num(f, a->sobol->s1_hi[p]);
                num(f, a->sobol->s1_se[p]), fputc('\n', f);
                ROW("sobol", "ST");
                num(f, a->sobol->st[p]), num(f, a->sobol->st_lo[p]), num(f, a->sobol->st_hi[p]);
                num(f, a->sobol->st_se[p]), fputc('\n', f);
            }
            if (a->morris) {
                ROW("morris", "mu");
                num(f, a->morris->mu[p]), fputs(",,,\n", f);
                ROW("morris", "mu_star");
                num(f, a->morris->mu_star[p]), fputs(",,", f), num(f, a->morris->mu_star_se[p]);
                fputc('\n', f);
                ROW("morris", "sigma");
                num(f, a->morris->sigma[p]), fputs(",,,\n", f);
            }
#undef ROW
        }
    }
}

static void write_tornado(FILE *f, const fs_sweep_run *r, const analysis *an,
                          const fs_oat_pair *pl, const fs_oat_pair *ph)
{
    const fs_sweep *sw = r->sw;
    int j, p;
    int k = sw->noutputs;
    fputs("parameter,output,base_value,low_setting,high_setting,at_base,at_low,at_high,swing,"
          "se_base,se_low,se_high,paired,diff_se_low,diff_se_high,low_diff_lo95,"
          "low_diff_hi95,high_diff_lo95,high_diff_hi95\n", f);
    for (j = 0; j < sw->noutputs; j++) {
        const fs_oat *o = an[j].oat;
        for (p = 0; p < sw->nparams; p++) {
            fs_csv_field(f, sw->params[p].path);
            fputc(',', f);
            fs_csv_field(f, sw->outputs[j].name);
            num(f, fs_design_point(r->oat, 0)[p]);
            num(f, sw->params[p].lo), num(f, sw->params[p].hi);
            num(f, o->base), num(f, o->base + o->low[p]), num(f, o->base + o->high[p]);
            num(f, o->swing[p]);
            /* The standard errors of the three points' means: OAT point 0
             * is the base, 1 + 2p the low and 2 + 2p the high setting. */
            num(f, r->se[(size_t)r->nd * k + j]);
            num(f, r->se[(size_t)(r->nd + 1 + 2 * p) * k + j]);
            num(f, r->se[(size_t)(r->nd + 2 + 2 * p) * k + j]);
            {
                const fs_oat_pair *a = &pl[(size_t)p * k + j], *b = &ph[(size_t)p * k + j];
                fprintf(f, ",%d", a->paired);
                num(f, a->se), num(f, b->se);
                num(f, a->lo), num(f, a->hi), num(f, b->lo), num(f, b->hi);
            }
            fputc('\n', f);
        }
    }
}

static void write_meta(FILE *f, const fs_sweep_run *r)
{
    const fs_sweep *sw = r->sw;
    fputs("key,value\nname,", f), fs_csv_field(f, sw->name), fputc('\n', f);
    fputs("description,", f), fs_csv_field(f, sw->description ? sw->description : "");
    fputs("\nbase,", f), fs_csv_field(f, sw->base->name), fputc('\n', f);
    fprintf(f, "design,%s\npoints,%d\noat_points,%d\nruns_per_point,%ld\nseed,%llu\n"
            "rng,%s\nversion,%s\nmodel,%s\nsteps,%d\n", fs_design_kind_name(sw->design), r->nd,
            r->noat, sw->runs, (unsigned long long)sw->seed, FS_RNG_NAME, FS_VERSION,
            FS_ENGINE_MODEL, sw->base->steps);
    fputs("step_unit,", f), fs_csv_field(f, sw->base->step_unit), fputc('\n', f);
    if (sw->posterior) {   /* which posterior every point's parameters came from */
        fputs("posterior,", f), fs_csv_field(f, sw->posterior->file), fputc('\n', f);
        fprintf(f, "posterior_fnv1a,%016llx\n", (unsigned long long)sw->posterior->hash);
        fprintf(f, "posterior_particles,%d\n", sw->posterior->n);
    }
}

/* ---- sweep.md ---- */

static const analysis *rank_an;
static int rank_by(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    double va, vb;
    if (rank_an->sobol)
        va = rank_an->sobol->st[a], vb = rank_an->sobol->st[b];
    else if (rank_an->morris)
        va = rank_an->morris->mu_star[a], vb = rank_an->morris->mu_star[b];
    else
        va = rank_an->oat->swing[a], vb = rank_an->oat->swing[b];
    if (!isfinite(va)) va = -1;
    if (!isfinite(vb)) vb = -1;
    return va != vb ? (va < vb ? 1 : -1) : a - b;
}

/* Base rows N of a Sobol design: its points are N (k + 2). */
static int sobol_rows(const fs_sweep_run *r)
{
    return r->sw->nparams > 0 ? r->nd / (r->sw->nparams + 2) : 0;
}

/* sweep.md's checks of the Sobol estimates: indices outside [0, 1], S1
 * above ST beyond its interval, too few base rows; and what to do.
 * Returns whether anything was flagged. */
static int sobol_checks(FILE *f, const fs_sweep_run *r, const analysis *a)
{
    const fs_sweep *sw = r->sw;
    int p, n = sobol_rows(r), any = 0;
    if (a->sobol == NULL || !isfinite(a->sobol->st[0]))
        return 0;
    for (p = 0; p < sw->nparams; p++) {
        int fl = fs_sobol_flags(a->sobol, p);
        if (fl == 0)
            continue;
        fprintf(f, "%s`%s`:", any++ ? "; " : "- **Check the indices:** ", sw->params[p].path);
        if (fl & FS_SOBOL_S1_RANGE)
            fprintf(f, " S1 = %.3f is outside [0, 1]", a->sobol->s1[p]);
        if (fl & FS_SOBOL_ST_RANGE)
            fprintf(f, "%s ST = %.3f is outside [0, 1]", fl & FS_SOBOL_S1_RANGE ? "," : "",
                    a->sobol->st[p]);
        if (fl & FS_SOBOL_S1_ABOVE_ST)
            fprintf(f, "%s S1 (%.3f, interval from %.3f) is above ST (%.3f) beyond its interval",
                    fl & (FS_SOBOL_S1_RANGE | FS_SOBOL_ST_RANGE) ? "," : "", a->sobol->s1[p],
                    a->sobol->s1_lo[p], a->sobol->st[p]);
    }
    if (n < FS_SOBOL_SMALL_N)
        fprintf(f, "%sN = %d base rows is small (Sobol estimates scatter widely below %d)",
                any++ ? "; " : "- **Check the indices:** ", n, FS_SOBOL_SMALL_N);
    if (any)
        fprintf(f, ". True indices lie in [0, 1] with S1 at most ST, so these are estimator "
                "noise, not effects: raise `design.n` (base rows; the design runs N (k + 2) "
                "points) and `runs` (runs per point) until they settle.\n");
    return any;
}

static void brief_output(FILE *f, const fs_sweep_run *r, int j, const analysis *a)
{
    const fs_sweep *sw = r->sw;
    int order[FS_SWEEP_MAX_PARAMS], p, i, kind, bad;

    fprintf(f, "## %s\n\n", sw->outputs[j].name);
    if (a->has_nan)
        fputs("Some points have no value for this output (no run had the event), so no "
              "sensitivity indices were computed for it.\n\n", f);
    for (p = 0; p < sw->nparams; p++)
        order[p] = p;
    rank_an = a;
    qsort(order, sw->nparams, sizeof *order, rank_by);
    if (a->sobol && isfinite(a->sobol->st[order[0]])) {
        fputs("Parameters by total Sobol index (share of the output's variance they take "
              "part in, interactions included):\n\n| parameter | kind | S1 (95% interval) | "
              "ST (95% interval) |\n| --- | --- | ---: | ---: |\n", f);
        for (i = 0; i < sw->nparams; i++) {
            p = order[i];
            fprintf(f, "| %s | %s | %.3f (%.3f to %.3f) | %.3f (%.3f to %.3f) |\n",
                    sw->params[p].label, sw->params[p].lever ? "lever" : "uncertainty",
                    a->sobol->s1[p], a->sobol->s1_lo[p], a->sobol->s1_hi[p], a->sobol->st[p],
                    a->sobol->st_lo[p], a->sobol->st_hi[p]);
        }
        fputc('\n', f);
    } else if (a->sobol) {
        fputs("The output does not vary over the design's points: no variance to share "
              "out.\n\n", f);
    } else if (a->morris) {
        fputs("Parameters by Morris mu* (mean absolute elementary effect; sigma large "
              "against mu* means nonlinear or interacting):\n\n| parameter | kind | mu* | "
              "sigma |\n| --- | --- | ---: | ---: |\n", f);
        for (i = 0; i < sw->nparams; i++) {
            p = order[i];
            fprintf(f, "| %s | %s | %.4g | %.4g |\n", sw->params[p].label,
                    sw->params[p].lever ? "lever" : "uncertainty", a->morris->mu_star[p],
                    a->morris->sigma[p]);
        }
        fputc('\n', f);
    }
    /* Levers and uncertainties apart, from the one-at-a-time points. */
    for (kind = 1; kind >= 0; kind--) {
        int best = -1;
        for (p = 0; p < sw->nparams; p++)
            if (sw->params[p].lever == kind && isfinite(a->oat->swing[p]) &&
                (best < 0 || a->oat->swing[p] > a->oat->swing[best]))
                best = p;
        if (best < 0)
            continue;
        fprintf(f, "- The %s that moves it most one at a time: %s, from %.4g at %g to %.4g "
                "at %g (base %.4g).\n", kind ? "lever" : "uncertainty", sw->params[best].label,
                a->oat->base + a->oat->low[best], sw->params[best].lo,
                a->oat->base + a->oat->high[best], sw->params[best].hi, a->oat->base);
    }
    bad = sobol_checks(f, r, a);
    if (a->spread > 0 && a->noise > 0.3 * a->spread)
        fprintf(f, "- **Warning:** the Monte Carlo noise per point (median standard error "
                "%.3g) is large against the spread of the output over the points (sd %.3g): "
                "the indices mix noise with effects. Raise `runs`.\n", a->noise, a->spread);
    else
        fprintf(f, "- Monte Carlo noise per point (median standard error %.3g) is small "
                "against the spread over the points (sd %.3g)%s.\n", a->noise, a->spread,
                bad ? ", but the indices fail the checks above" : "");
    fputc('\n', f);
}

static void write_brief(FILE *f, const fs_sweep_run *r, const analysis *an)
{
    const fs_sweep *sw = r->sw;
    int j;
    /* The sweep's and the scenario's texts are data (mdtext.h). */
    fputs("# Sweep: ", f), fs_md_put(f, sw->name), fputs("\n\n", f);
    if (sw->description && sw->description[0])
        fs_md_put(f, sw->description), fputs("\n\n", f);
    fputs("Base scenario: ", f), fs_md_put(f, sw->base->name);
    fputs(" (", f), fs_md_put(f, sw->base_given);
    fprintf(f, ", relative to the sweep file). Design: %s, %d points, "
            "plus %d one-at-a-time "
            "points around the base values; %ld runs per point, seed %llu. Every point "
            "uses the same random streams (common random numbers), so differences between "
            "points are not drowned in run-to-run noise.\n\n",
            fs_design_kind_name(sw->design), r->nd, r->noat, sw->runs,
            (unsigned long long)sw->seed);
    for (j = 0; j < sw->noutputs; j++)
        brief_output(f, r, j, &an[j]);
    fputs("Files: sweep.csv (every point), sensitivity.csv, tornado.csv, sweep_params.csv, "
          "sweep_outputs.csv, meta.csv.\n", f);
}

/* The sweep file's discovery section: foresight discover on the finished
 * directory, its reading appended to sweep.md (rewritten atomically). */
static fs_status discover_section(const fs_sweep_run *r, int charts, const fs_plot_opts *plot,
                                  fs_err *err)
{
    char path[4096], *reading = NULL, *old = NULL;
    size_t len = 0;
    fs_afile *af = NULL;
    FILE *in;
    fs_status st;
    fs_disc_opts o = *r->sw->discovery;

    o.threads = r->threads;
    if ((st = fs_discover(r->outdir, &o, r->outdir, charts, plot, &reading, err)) != FS_OK)
        return st;
    if (fs_path_join(path, sizeof path, r->outdir, "sweep.md") == NULL ||
        (in = fopen(path, "r")) == NULL) {
        free(reading);
        return fs_err_set(err, FS_EIO, "%s/sweep.md: cannot read it back", r->outdir);
    }
    {
        FILE *m = open_memstream(&old, &len);
        int ch;
        while (m && (ch = fgetc(in)) != EOF)
            fputc(ch, m);
        if (m)
            fclose(m);
        fclose(in);
    }
    if (old == NULL || (af = fs_afile_open(path, err)) == NULL) {
        free(reading), free(old);
        return old == NULL ? fs_err_set(err, FS_ENOMEM, "out of memory") : err->code;
    }
    fprintf(fs_afile_stream(af), "%s\n## When does it go wrong?\n\n%s", old, reading);
    free(reading), free(old);
    return fs_afile_commit(af, err);
}

fs_status fs_sweep_run_finish(fs_sweep_run *r, int charts, const fs_plot_opts *plot,
                              fs_err *err)
{
    const fs_sweep *sw = r->sw;
    analysis *an = calloc((size_t)sw->noutputs, sizeof *an);
    double *buf = malloc((size_t)(r->total > 0 ? r->total : 1) * sizeof *buf);
    fs_oat_pair *pl = NULL, *ph = NULL;
    fs_outset *set = NULL;
    fs_status st = FS_OK;
    FILE *f;
    int j;

    if (an == NULL || buf == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory");
        goto done;
    }
    if (!r->finished) {
        st = fs_err_set(err, FS_ERUNTIME, "finish called with points still to hand out "
                        "(%d of %d handed out)", r->handed, r->nmine);
        goto done;
    }
    /* Every rank's points are in the checkpoint files once all are here. */
    fs_ckpt_close(r->ckpt);
    r->ckpt = NULL;
    fs_dist_barrier();
    if (fs_dist_rank() != 0)
        goto done;
    {
        int ndone;
        if ((st = fs_ckpt_scan(r->outdir, &r->id, r->y, r->se, r->have, &ndone, NULL, err)) != FS_OK)
            goto done;
        if (ndone < r->total) {
            st = fs_err_set(err, FS_ERUNTIME, "%s/checkpoint holds %d of %d points: a rank "
                            "did not finish; resume with 'foresight sweep --resume %s'",
                            r->outdir, ndone, r->total, r->outdir);
            goto done;
        }
    }
    for (j = 0; j < sw->noutputs; j++)
        if ((st = analyse(r, j, &an[j], buf, err)) != FS_OK)
            goto done;
    pl = calloc((size_t)sw->nparams * sw->noutputs, sizeof *pl);
    ph = calloc((size_t)sw->nparams * sw->noutputs, sizeof *ph);
    if (pl == NULL || ph == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory pairing the tornado's ends");
        goto done;
    }
    if ((st = oat_pairs(r, pl, ph, err)) != FS_OK)
        goto done;
    if ((set = fs_outset_new(r->outdir, err)) == NULL) {
        st = err->code;
        kept_hint(r, err);
        goto done;
    }
#define OPEN(name) if ((f = fs_outset_open(set, name, err)) == NULL) { st = err->code; goto done; }
    OPEN("sweep.csv");
    write_sweep_csv(f, r);
    OPEN("sweep_params.csv");
    write_params_csv(f, sw);
    OPEN("sweep_outputs.csv");
    write_outputs_csv(f, sw);
    OPEN("sensitivity.csv");
    write_sensitivity(f, sw, an);
    OPEN("tornado.csv");
    write_tornado(f, r, an, pl, ph);
    OPEN("meta.csv");
    write_meta(f, r);
    OPEN("sweep.md");
    write_brief(f, r, an);
#undef OPEN
    if (fs_interrupted) {
        st = fs_err_set(err, FS_EINTR, "interrupted; no output written; every point is in "
                        "%s/checkpoint: finish it with: foresight sweep --resume %s",
                        r->outdir, r->outdir);
        goto done;
    }
    st = fs_outset_commit(set, err);
    set = NULL;
    if (st != FS_OK)
        kept_hint(r, err);
    /* The discovery first: the report holds its section. */
    if (st == FS_OK && sw->discovery)
        st = discover_section(r, charts, plot, err);
    /* report.html beside the charts, on a second thread (report.h). */
    if (st == FS_OK && charts && (st = fs_headroom_charts(err)) == FS_OK) {
        fs_plot_opts o = *plot;
        fs_err e2;
        fs_status rs = FS_OK;
        o.outdir = NULL;
        fs_err_clear(&e2);
#pragma omp parallel sections num_threads(2) if (!plot->no_report && r->threads > 1)
        {
#pragma omp section
            st = fs_plot_sweep_dir(r->outdir, &o, err);
#pragma omp section
            rs = plot->no_report ? FS_OK : fs_report_write(r->outdir, NULL, &e2);
        }
        if (st == FS_OK && rs != FS_OK) {
            *err = e2;
            st = rs;
        }
    }
done:
    if (set != NULL && st != FS_OK && st != FS_EINTR)
        kept_hint(r, err);
    fs_outset_abort(set);
    if (an)
        for (j = 0; j < sw->noutputs; j++)
            analysis_free(&an[j]);
    free(an);
    free(buf);
    free(pl);
    free(ph);
    return st;
}
