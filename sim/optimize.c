/* optimize.c: running a search (optimize.h): every lever mix the search
 * proposes is run on every future of the ensemble with the same random
 * streams, its robustness statistics are handed to the search (moea.h) as
 * objectives and constraints, and each generation's mixes are appended to
 * the checkpoint, so that a resumed search replays the recorded values and
 * goes on exactly as an uninterrupted one. */
#include "optimize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "dist.h"
#include "engine.h"
#include "evaluate.h"
#include "fsio.h"
#include "moea.h"
#include "optimize_report.h"
#include "outlock.h"

struct fs_search_run {
    const fs_search *s;
    int threads;
    char outdir[4096];
    int E;                  /* futures (1: the base scenario alone) */
    double *futures;        /* E x nuncertain */
    fs_moea *moea;
    const char *paths[FS_SEARCH_MAX_LEVERS + FS_SEARCH_MAX_UNCERTAIN];
    int integer[FS_SEARCH_MAX_LEVERS + FS_SEARCH_MAX_UNCERTAIN];
    fs_eval_spec spec;
    fs_scenario_text *text; /* the base scenario's files, read once */
    fs_outlock *lock;       /* rank 0: this process alone writes into outdir */
    fs_opt_table all;       /* every mix evaluated, in order */
    int nrec;               /* width of a checkpoint record */
    int nregret;            /* objectives scored by regret */
    double *best;           /* E x nobj: each regret objective's best value per future */
    double *pf, *pse;       /* every mix evaluated: E x nobj values per future, and errors */
    long pcap;
    double *ck_y, *ck_se;   /* recorded mixes (resume) */
    unsigned char *ck_done;
    int ck_n;
    fs_ckpt *ckpt;
    fs_ckpt_id id;
    double *gen_hv;
    int *gen_archive, *gen_feasible;
    double norm_lo[FS_SEARCH_MAX_OBJECTIVES], norm_hi[FS_SEARCH_MAX_OBJECTIVES];
    double t_eval, t_cb, t_total; /* seconds: in the runs, in the callback, in iterate */
    long evaluated;         /* mixes run (not replayed) */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- robustness statistics over the futures ---- */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of v[0..n-1] (sorted into w), interpolated between order
 * statistics (Hyndman and Fan's type 7); *at: the order statistic nearest. */
static double quantile(const double *v, int n, double q, double *w, int *at)
{
    memcpy(w, v, (size_t)n * sizeof *w);
    qsort(w, (size_t)n, sizeof *w, cmp_dbl);
    double h = (n - 1) * q;
    int lo = (int)floor(h);
    double val = lo + 1 < n ? w[lo] + (h - lo) * (w[lo + 1] - w[lo]) : w[lo];
    double near = w[(int)floor(h + 0.5)];
    for (int e = 0; e < n; e++)
        if (v[e] == near) {
            *at = e;
            break;
        }
    return val;
}

/* One statistic of one output over the futures: y and se hold E values. */
static void robust(fs_robust stat, int maximize, double thr, const double *y, const double *se,
                   int E, double *w, double *val, double *sd)
{
    int at = 0;
    double s = 0, v = 0;
    switch (stat) {
    case FS_ROBUST_MEAN:
        for (int e = 0; e < E; e++) {
            v += y[e];
            s += se[e] * se[e];
        }
        *val = v / E;
        *sd = sqrt(s) / E;
        return;
    case FS_ROBUST_P90:
        *val = quantile(y, E, maximize ? 0.1 : 0.9, w, &at);
        *sd = se[at];
        return;
    case FS_ROBUST_MAX:
        for (int e = 1; e < E; e++)
            if (maximize ? y[e] < y[at] : y[e] > y[at])
                at = e;
        *val = y[at];
        *sd = se[at];
        return;
    case FS_ROBUST_SATISFICING:
        for (int e = 0; e < E; e++)
            v += maximize ? y[e] >= thr : y[e] <= thr;
        *val = v / E;
        *sd = NAN;
        return;
    case FS_ROBUST_REGRET:   /* relative to the other mixes: regret_of */
        *val = *sd = NAN;
        return;
    }
}

/* A mix's objectives and constraints from its E x noutputs results. */
static void mix_stats(const fs_search *s, int E, const double *y, const double *se,
                      double *obj, double *obj_se, double *con)
{
    double *v = malloc((size_t)E * 3 * sizeof *v);
    if (!v) {
        for (int k = 0; k < s->nobj; k++)
            obj[k] = obj_se[k] = NAN;
        for (int k = 0; k < s->ncon; k++)
            con[k] = NAN;
        return;
    }
    double *vs = v + E, *w = v + 2 * E;
    for (int k = 0; k < s->nobj + s->ncon; k++) {
        int out = k < s->nobj ? s->obj[k].out : s->con[k - s->nobj].out;
        for (int e = 0; e < E; e++) {
            v[e] = y[(size_t)e * s->noutputs + out];
            vs[e] = se[(size_t)e * s->noutputs + out];
        }
        double val, sd;
        if (k < s->nobj) {
            const fs_search_obj *o = &s->obj[k];
            robust(o->stat, o->maximize, o->threshold, v, vs, E, w, &obj[k], &obj_se[k]);
        } else {
            robust(s->con[k - s->nobj].stat, 0, 0, v, vs, E, w, &val, &sd);
            con[k - s->nobj] = val;
        }
    }
    free(v);
}

/* Folds one mix's values per future (pf: E rows of nobj) into the best
 * value per future of each regret objective (best: NAN where none yet). */
static void best_update(const fs_search *s, int E, const double *pf, double *best)
{
    for (int k = 0; k < s->nobj; k++)
        for (int e = 0; s->obj[k].stat == FS_ROBUST_REGRET && e < E; e++) {
            double v = pf[(size_t)e * s->nobj + k], *b = &best[(size_t)e * s->nobj + k];
            if (isnan(*b) || (s->obj[k].maximize ? v > *b : v < *b))
                *b = v;
        }
}

/* A mix's regret objectives: its largest shortfall, over the futures,
 * from the best value per future (Savage's minimax regret, as EMA
 * Workbench's and Rhodium's); the standard error is the mix's own in the
 * future that sets it. */
static void regret_of(const fs_search *s, int E, const double *pf, const double *pse,
                      const double *best, double *obj, double *obj_se)
{
    for (int k = 0; k < s->nobj; k++) {
        if (s->obj[k].stat != FS_ROBUST_REGRET)
            continue;
        int at = 0;
        double worst = -INFINITY;
        for (int e = 0; e < E; e++) {
            size_t i = (size_t)e * s->nobj + k;
            double d = s->obj[k].maximize ? best[i] - pf[i] : pf[i] - best[i];
            if (d > worst || isnan(d)) {
                worst = d;
                at = e;
                if (isnan(d))
                    break;
            }
        }
        obj[k] = worst;
        obj_se[k] = pse[(size_t)at * s->nobj + k];
    }
}

/* The search's view: every objective minimised, constraints g <= 0. */
static void to_moea(const fs_search *s, const double *obj, const double *con, double *f,
                    double *g)
{
    for (int k = 0; k < s->nobj; k++)
        f[k] = fs_search_obj_larger_better(&s->obj[k]) ? -obj[k] : obj[k];
    for (int k = 0; k < s->ncon; k++)
        g[k] = s->con[k].ge ? s->con[k].value - con[k] : con[k] - s->con[k].value;
}

/* Runs mixes x (n rows of levers) on every future of fut (E rows) with
 * `runs` runs on streams (seed, i), into obj, obj_se and con. */
static fs_status run_mixes(const fs_search_run *r, int n, const double *x, const double *fut,
                           int E, long runs, uint64_t seed, double *obj, double *obj_se,
                           double *con, double *pf, double *pse, fs_err *err)
{
    const fs_search *s = r->s;
    int k = s->nlevers + s->nuncertain;
    size_t np = (size_t)n * E;
    double *pts = calloc(np * k, sizeof *pts), *y = malloc(np * s->noutputs * sizeof *y);
    double *se = malloc(np * s->noutputs * sizeof *se);
    fs_eval_spec spec = r->spec;
    fs_status st = FS_OK;
    spec.runs = runs;
    spec.seed = seed;
    if (!pts || !y || !se) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory evaluating %d mixes", n);
        goto done;
    }
    for (int m = 0; m < n; m++)
        for (int e = 0; e < E; e++) {
            double *p = pts + ((size_t)m * E + e) * k;
            memcpy(p, x + (size_t)m * s->nlevers, (size_t)s->nlevers * sizeof *p);
            if (s->nuncertain)
                memcpy(p + s->nlevers, fut + (size_t)e * s->nuncertain,
                       (size_t)s->nuncertain * sizeof *p);
        }
    if ((st = fs_eval_batch(&spec, (int)np, pts, r->threads, y, se, err)) != FS_OK)
        goto done;
    for (int m = 0; m < n; m++)
        mix_stats(s, E, y + (size_t)m * E * s->noutputs, se + (size_t)m * E * s->noutputs,
                  obj + (size_t)m * s->nobj, obj_se + (size_t)m * s->nobj,
                  con + (size_t)m * s->ncon);
    /* each objective's output per future, for the regret */
    for (size_t i = 0; i < np; i++)
        for (int j = 0; j < s->nobj; j++) {
            pf[i * s->nobj + j] = y[i * s->noutputs + s->obj[j].out];
            pse[i * s->nobj + j] = se[i * s->noutputs + s->obj[j].out];
        }
done:
    free(pts);
    free(y);
    free(se);
    return st;
}

/* ---- the callback: recorded mixes are replayed, the others run ---- */

static fs_status eval_cb_timed(void *ctx, int n, const double *x, double *f, double *g,
                               fs_err *err);

static fs_status eval_cb(void *ctx, int n, const double *x, double *f, double *g, fs_err *err)
{
    fs_search_run *r = ctx;
    double t0 = now();
    fs_status st = eval_cb_timed(ctx, n, x, f, g, err);
    r->t_cb += now() - t0;
    return st;
}

/* Keeps mix `idx`'s values per future (regret searches only). */
static fs_status keep_futures(fs_search_run *r, long idx, const double *pf, const double *pse,
                              fs_err *err)
{
    size_t w = (size_t)r->E * r->s->nobj;
    if (idx >= r->pcap) {
        long cap = r->pcap ? 2 * r->pcap : 256;
        while (cap <= idx)
            cap *= 2;
        double *a = realloc(r->pf, (size_t)cap * w * sizeof *a);
        if (a)
            r->pf = a;
        double *b = realloc(r->pse, (size_t)cap * w * sizeof *b);
        if (b)
            r->pse = b;
        if (!a || !b)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        r->pcap = cap;
    }
    memcpy(r->pf + (size_t)idx * w, pf, w * sizeof *pf);
    memcpy(r->pse + (size_t)idx * w, pse, w * sizeof *pse);
    return FS_OK;
}

/* Every regret objective of mix i of the table, against the best so far. */
static void regret_row(fs_search_run *r, long i, double *obj, double *obj_se)
{
    size_t w = (size_t)r->E * r->s->nobj;
    regret_of(r->s, r->E, r->pf + (size_t)i * w, r->pse + (size_t)i * w, r->best, obj, obj_se);
}

static fs_status eval_cb_timed(void *ctx, int n, const double *x, double *f, double *g,
                               fs_err *err)
{
    fs_search_run *r = ctx;
    const fs_search *s = r->s;
    int L = s->nlevers, no = s->nobj, nc = s->ncon, E = r->E;
    size_t w = (size_t)E * no, pw = r->nregret ? w : 0;
    long first = r->all.n;
    double *obj = malloc((size_t)n * no * sizeof *obj), *obj_se = malloc((size_t)n * no * sizeof *obj_se);
    double *con = malloc((size_t)n * (nc ? nc : 1) * sizeof *con);
    double *pf = malloc((size_t)n * w * sizeof *pf), *pse = malloc((size_t)n * w * sizeof *pse);
    double *miss = malloc((size_t)n * L * sizeof *miss);
    int *which = malloc((size_t)n * sizeof *which), nmiss = 0;
    fs_status st = FS_OK;
    if (!obj || !obj_se || !con || !pf || !pse || !miss || !which) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory");
        goto done;
    }
    for (int m = 0; m < n; m++) {
        long idx = first + m;
        const double *rec = r->ck_y + (size_t)idx * r->nrec;
        const double *rse = r->ck_se + (size_t)idx * r->nrec;
        if (idx < r->ck_n && r->ck_done[idx] && !memcmp(rec, x + (size_t)m * L, (size_t)L * sizeof *rec)) {
            memcpy(obj + (size_t)m * no, rec + L, (size_t)no * sizeof *obj);
            memcpy(obj_se + (size_t)m * no, rse, (size_t)no * sizeof *obj);
            memcpy(con + (size_t)m * nc, rec + L + no, (size_t)nc * sizeof *con);
            memcpy(pf + (size_t)m * w, rec + L + no + nc, pw * sizeof *pf);
            memcpy(pse + (size_t)m * w, rse + L + no + nc, pw * sizeof *pse);
            continue;
        }
        which[nmiss] = m;
        memcpy(miss + (size_t)nmiss++ * L, x + (size_t)m * L, (size_t)L * sizeof *miss);
    }
    if (nmiss) {
        double *o2 = malloc((size_t)nmiss * no * sizeof *o2), *s2 = malloc((size_t)nmiss * no * sizeof *s2);
        double *c2 = malloc((size_t)nmiss * (nc ? nc : 1) * sizeof *c2);
        double *p2 = malloc((size_t)nmiss * w * sizeof *p2), *q2 = malloc((size_t)nmiss * w * sizeof *q2);
        double t0 = now();
        if (!o2 || !s2 || !c2 || !p2 || !q2)
            st = fs_err_set(err, FS_ENOMEM, "out of memory");
        else
            st = run_mixes(r, nmiss, miss, r->futures, E, s->runs, s->seed, o2, s2, c2, p2, q2,
                           err);
        r->t_eval += now() - t0;
        r->evaluated += nmiss;
        for (int q = 0; st == FS_OK && q < nmiss; q++) {
            int m = which[q];
            memcpy(obj + (size_t)m * no, o2 + (size_t)q * no, (size_t)no * sizeof *obj);
            memcpy(obj_se + (size_t)m * no, s2 + (size_t)q * no, (size_t)no * sizeof *obj);
            memcpy(con + (size_t)m * nc, c2 + (size_t)q * nc, (size_t)nc * sizeof *con);
            memcpy(pf + (size_t)m * w, p2 + (size_t)q * w, w * sizeof *pf);
            memcpy(pse + (size_t)m * w, q2 + (size_t)q * w, w * sizeof *pse);
        }
        free(o2);
        free(s2);
        free(c2);
        free(p2);
        free(q2);
        if (st != FS_OK)
            goto done;
    }
    /* regret: the best per future takes in the whole batch first, so the
     * batch's order does not matter */
    for (int m = 0; m < n && r->nregret; m++)
        best_update(s, E, pf + (size_t)m * w, r->best);
    for (int m = 0; m < n && st == FS_OK; m++) {
        if (r->nregret) {
            regret_of(s, E, pf + (size_t)m * w, pse + (size_t)m * w, r->best,
                      obj + (size_t)m * no, obj_se + (size_t)m * no);
            st = keep_futures(r, first + m, pf + (size_t)m * w, pse + (size_t)m * w, err);
        }
        to_moea(s, obj + (size_t)m * no, con + (size_t)m * nc, f + (size_t)m * no,
                g ? g + (size_t)m * nc : NULL);
        if (st == FS_OK)
            st = fs_opt_table_add(&r->all, x + (size_t)m * L, obj + (size_t)m * no,
                                  obj_se + (size_t)m * no, con + (size_t)m * nc, err);
    }
    /* the generation's mixes go to the checkpoint, each synced */
    double *yrec = malloc((size_t)r->nrec * 2 * sizeof *yrec);
    if (!yrec && st == FS_OK)
        st = fs_err_set(err, FS_ENOMEM, "out of memory");
    for (int m = 0; m < n && st == FS_OK && r->ckpt; m++) {
        long idx = first + m;
        if (idx < r->ck_n && r->ck_done[idx])
            continue;
        double *yse = yrec + r->nrec;
        memset(yrec, 0, (size_t)r->nrec * 2 * sizeof *yrec);
        memcpy(yrec, x + (size_t)m * L, (size_t)L * sizeof *yrec);
        memcpy(yrec + L, obj + (size_t)m * no, (size_t)no * sizeof *yrec);
        memcpy(yrec + L + no, con + (size_t)m * nc, (size_t)nc * sizeof *yrec);
        memcpy(yrec + L + no + nc, pf + (size_t)m * w, pw * sizeof *yrec);
        memcpy(yse, obj_se + (size_t)m * no, (size_t)no * sizeof *yrec);
        memcpy(yse + L + no + nc, pse + (size_t)m * w, pw * sizeof *yrec);
        st = fs_ckpt_append(r->ckpt, (int)idx, yrec, yse, err);
    }
    free(yrec);
done:
    if (st != FS_OK)
        r->all.n = first;
    free(obj);
    free(obj_se);
    free(con);
    free(pf);
    free(pse);
    free(miss);
    free(which);
    return st;
}

/* Re-scores mixes already evaluated (the population and the archive, as
 * moea.h asks) from their recorded values: their regrets against the
 * best per future as it is now. */
static fs_status rescore_cb(void *ctx, int n, const double *x, double *f, double *g,
                            fs_err *err)
{
    fs_search_run *r = ctx;
    const fs_search *s = r->s;
    double obj[FS_SEARCH_MAX_OBJECTIVES], obj_se[FS_SEARCH_MAX_OBJECTIVES];
    for (int m = 0; m < n; m++) {
        long i = fs_opt_table_find(&r->all, x + (size_t)m * s->nlevers);
        if (i < 0)
            return fs_err_set(err, FS_ERUNTIME, "search: a mix to re-score was never evaluated");
        memcpy(obj, r->all.obj + (size_t)i * s->nobj, (size_t)s->nobj * sizeof *obj);
        regret_row(r, i, obj, obj_se);
        to_moea(s, obj, r->all.con + (size_t)i * s->ncon, f + (size_t)m * s->nobj,
                g ? g + (size_t)m * s->ncon : NULL);
    }
    return FS_OK;
}

/* ---- open, iterate ---- */

static void hash_str(uint64_t *h, const char *s)
{
    *h = fs_fnv1a(*h, s ? s : "", strlen(s ? s : "") + 1);
}

static void hash_num(uint64_t *h, double v)
{
    *h = fs_fnv1a(*h, &v, sizeof v);
}

/* The identity of a search: its resolved settings and its base scenario
 * as resolved (defaults, includes, --set), as a sweep's (sweep.c). */
static fs_status search_id(const fs_search *s, fs_ckpt_id *id, fs_err *err)
{
    uint64_t h = FS_FNV_INIT;
    hash_num(&h, (double)s->runs), hash_num(&h, (double)s->seed);
    for (int i = 0; i < s->nlevers + s->nuncertain; i++) {
        const fs_search_var *v = i < s->nlevers ? &s->levers[i] : &s->uncertain[i - s->nlevers];
        hash_str(&h, v->path), hash_num(&h, v->lo), hash_num(&h, v->hi);
    }
    hash_num(&h, s->nfutures), hash_num(&h, s->ensemble_design);
    hash_num(&h, (double)s->ensemble_seed);
    for (int k = 0; k < s->nobj; k++)
        hash_str(&h, s->obj[k].name), hash_num(&h, s->obj[k].maximize),
            hash_num(&h, s->obj[k].threshold);
    for (int k = 0; k < s->ncon; k++)
        hash_str(&h, s->con[k].text);
    hash_num(&h, s->population), hash_num(&h, s->generations), hash_num(&h, (double)s->algo_seed);
    for (int k = 0; s->have_epsilons && k < s->nobj; k++)
        hash_num(&h, s->epsilons[k]);
    for (int i = 0; i < s->nsets; i++)
        hash_str(&h, s->sets[i].path), hash_str(&h, s->sets[i].value);
    id->settings = h;
    fs_scenario *sc = NULL;
    fs_status st = fs_load_scenario(s->base_path, s->sets, s->nsets, &sc, err);
    if (st == FS_OK)
        st = fs_ckpt_base_hash(sc, &id->base, err);
    fs_scenario_free(sc);
    return st;
}

/* The futures: a design over the uncertainties, or the base alone. */
static fs_status make_futures(const fs_search *s, int n, uint64_t seed, double **out, int *E,
                              fs_err *err)
{
    fs_sparam sp[FS_SEARCH_MAX_UNCERTAIN];
    *out = NULL;
    *E = 1;
    if (n == 0 || s->nuncertain == 0)
        return FS_OK;
    memset(sp, 0, sizeof sp);
    for (int j = 0; j < s->nuncertain; j++) {
        sp[j].lo = s->uncertain[j].lo;
        sp[j].hi = s->uncertain[j].hi;
        sp[j].integer = s->uncertain[j].integer;
        sp[j].name = s->uncertain[j].path;
    }
    fs_design_opts o = {.n = n, .seed = seed};
    fs_design *d = fs_design_alloc(s->ensemble_design, sp, s->nuncertain, &o, err);
    if (!d)
        return err->code;
    *out = malloc((size_t)n * s->nuncertain * sizeof **out);
    if (*out)
        memcpy(*out, fs_design_points(d), (size_t)n * s->nuncertain * sizeof **out);
    fs_design_free(d);
    if (!*out)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    *E = n;
    return FS_OK;
}

static fs_status start_checkpoint(fs_search_run *r, const fs_ckpt_id *resume, fs_err *err)
{
    const fs_search *s = r->s;
    size_t np = (size_t)s->population * s->generations;
    if (search_id(s, &r->id, err) != FS_OK)
        return err->code;
    r->id.npoints = (int)np;
    r->id.noutputs = r->nrec;
    if (resume && (resume->settings != r->id.settings || resume->base != r->id.base))
        return fs_err_set(err, FS_ECONFIG, "%s: the search file %s or its base scenario %s "
                          "changed since the search started, or a foresight whose model draws "
                          "differently started it (this one runs " FS_ENGINE_MODEL "); start "
                          "it afresh without --resume",
                          r->outdir, s->path, s->base_path);
    r->ck_y = calloc(np * r->nrec, sizeof *r->ck_y);
    r->ck_se = calloc(np * r->nrec, sizeof *r->ck_se);
    r->ck_done = calloc(np, 1);
    if (!r->ck_y || !r->ck_se || !r->ck_done)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    r->ck_n = (int)np;
    int ndone = 0, rank0 = fs_dist_rank() == 0;
    fs_status st = FS_OK;
    /* every rank replays the recorded mixes; rank 0 alone writes, and
     * holds the directory's lock (outlock.h) for the whole search */
    if (rank0 && (r->lock = fs_outlock_take(r->outdir, err)) == NULL)
        st = err->code;
    else if (resume)
    {
        /* Damaged or torn records are dropped (their mixes run again) and
         * the file rewritten with the intact ones before appending. */
        fs_ckpt_damage dmg;
        memset(&dmg, 0, sizeof dmg);
        st = fs_ckpt_scan(r->outdir, &r->id, r->ck_y, r->ck_se, r->ck_done, &ndone, &dmg, err);
        if (st == FS_OK && rank0 && dmg.bytes > 0)
            st = fs_ckpt_repair(r->outdir, &r->id, 0, 1, err);
    }
    else if (rank0 && (fs_ckpt_clear(r->outdir, err) != FS_OK ||
                       fs_ckpt_write_resume(r->outdir, s->path, s->sets, s->nsets, &r->id,
                                            err) != FS_OK))
        st = err->code;
    if (st == FS_OK && rank0 && (r->ckpt = fs_ckpt_open(r->outdir, 0, &r->id, !resume, err)) == NULL)
        st = err->code;
    fs_status all = (fs_status)fs_dist_max((int)st);
    if (all != FS_OK && st == FS_OK) {
        fs_err_set(err, all, "%s", "");
        err->everywhere = 1;
    }
    return all;
}

fs_search_run *fs_search_run_open(const fs_search *s, int threads, const char *outdir,
                                  const fs_ckpt_id *resume, fs_err *err)
{
    fs_search_run *r = calloc(1, sizeof *r);
    double lo[FS_SEARCH_MAX_LEVERS], hi[FS_SEARCH_MAX_LEVERS];
    int integer[FS_SEARCH_MAX_LEVERS];
    if (!r) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    r->s = s;
    r->threads = threads;
    snprintf(r->outdir, sizeof r->outdir, "%s", outdir);
    for (int i = 0; i < s->nlevers + s->nuncertain; i++) {
        const fs_search_var *v = i < s->nlevers ? &s->levers[i] : &s->uncertain[i - s->nlevers];
        r->paths[i] = v->path;
        r->integer[i] = v->integer;
    }
    for (int i = 0; i < s->nlevers; i++) {
        lo[i] = s->levers[i].lo;
        hi[i] = s->levers[i].hi;
        integer[i] = s->levers[i].integer;
    }
    /* Every mix loads the base from the files as they were read here,
     * never from the disk again (an edit or a failed read mid-search). */
    if (fs_scenario_text_read(s->base_path, &r->text, err) != FS_OK)
        goto fail;
    fs_eval_spec spec = {s->base_path, r->text, s->sets, s->nsets, s->nlevers + s->nuncertain,
                         r->paths, r->integer, s->runs, s->seed, s->noutputs, s->outputs,
                         s->posterior};
    r->spec = spec;
    r->nrec = s->nlevers + s->nobj + s->ncon;
    for (int k = 0; k < s->nobj; k++)
        r->nregret += s->obj[k].stat == FS_ROBUST_REGRET;
    fs_moea_problem p = {s->nlevers, s->nobj, s->ncon, lo, hi, integer};
    fs_moea_opts o = {.population = s->population, .seed = s->algo_seed,
                      .epsilons = s->have_epsilons ? s->epsilons : NULL};
    r->gen_hv = calloc((size_t)s->generations, sizeof *r->gen_hv);
    r->gen_archive = calloc((size_t)s->generations, sizeof *r->gen_archive);
    r->gen_feasible = calloc((size_t)s->generations, sizeof *r->gen_feasible);
    if (!r->gen_hv || !r->gen_archive || !r->gen_feasible) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        goto fail;
    }
    if (fs_opt_table_init(&r->all, s, err) != FS_OK ||
        make_futures(s, s->nfutures, s->ensemble_seed, &r->futures, &r->E, err) != FS_OK ||
        (r->moea = fs_moea_alloc(&p, &o, err)) == NULL || fs_mkdir_p(outdir, err) != FS_OK)
        goto fail;
    if (r->nregret) {
        /* a regret search records each mix's values per future too */
        size_t w = (size_t)r->E * s->nobj;
        r->nrec += (int)w;
        if (!(r->best = malloc(w * sizeof *r->best))) {
            fs_err_set(err, FS_ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < w; i++)
            r->best[i] = NAN;
        fs_moea_set_rescore(r->moea, rescore_cb, r);
    }
    if (start_checkpoint(r, resume, err) != FS_OK)
        goto fail;
    return r;
fail:
    fs_search_run_free(r);
    return NULL;
}

void fs_search_run_free(fs_search_run *r)
{
    if (!r)
        return;
    free(r->futures);
    free(r->best);
    free(r->pf);
    free(r->pse);
    fs_moea_free(r->moea);
    fs_opt_table_free(&r->all);
    free(r->ck_y);
    free(r->ck_se);
    free(r->ck_done);
    fs_ckpt_close(r->ckpt);
    free(r->gen_hv);
    free(r->gen_archive);
    free(r->gen_feasible);
    fs_scenario_text_free(r->text);
    fs_outlock_release(r->lock);
    free(r);
}

int fs_search_run_finished(const fs_search_run *r)
{
    return fs_moea_generations(r->moea) >= r->s->generations;
}

int fs_search_run_generation(const fs_search_run *r) { return fs_moea_generations(r->moea); }
long fs_search_run_evaluated(const fs_search_run *r) { return r->evaluated; }

void fs_search_run_times(const fs_search_run *r, double *eval, double *callback, double *total)
{
    *eval = r->t_eval;
    *callback = r->t_cb;
    *total = r->t_total;
}

/* The archive's hypervolume, its objectives scaled by generation 0's
 * ranges, against the reference point 1.1 in every scaled objective. */
static double archive_hv(fs_search_run *r, int *nfeas)
{
    const double *f, *cv;
    int na = fs_moea_archive(r->moea, NULL, &f, NULL, &cv), no = r->s->nobj, k = 0;
    double *z = malloc((size_t)(na ? na : 1) * no * sizeof *z), ref[FS_SEARCH_MAX_OBJECTIVES];
    if (!z)
        return NAN;
    for (int j = 0; j < no; j++)
        ref[j] = 1.1;
    for (int a = 0; a < na; a++) {
        if (cv[a] > 0)
            continue;
        for (int j = 0; j < no; j++) {
            double d = r->norm_hi[j] - r->norm_lo[j];
            z[(size_t)k * no + j] = (f[(size_t)a * no + j] - r->norm_lo[j]) / (d > 0 ? d : 1);
        }
        k++;
    }
    *nfeas = k;
    double v = fs_moea_hypervolume(k, no, z, ref);
    free(z);
    return v;
}

fs_status fs_search_run_iterate(fs_search_run *r, fs_err *err)
{
    double t0 = now();
    int g = fs_moea_generations(r->moea);
    if (g >= r->s->generations)
        return FS_OK;
    fs_status st = fs_moea_step(r->moea, eval_cb, r, err);
    if (st != FS_OK) {
        if (st == FS_EINTR)
            return fs_err_set(err, FS_EINTR, "interrupted; the generations finished so far are "
                              "in %s/checkpoint; finish it with: foresight optimize --resume %s",
                              r->outdir, r->outdir);
        char msg[FS_ERR_MSG_MAX / 2];
        snprintf(msg, sizeof msg, "%.1000s", err->msg);
        return fs_err_set(err, st, "%s: %s", r->s->path, msg);
    }
    if (g == 0) {
        const double *f;
        int n = fs_moea_population(r->moea, NULL, &f, NULL, NULL, NULL);
        for (int j = 0; j < r->s->nobj; j++) {
            r->norm_lo[j] = INFINITY;
            r->norm_hi[j] = -INFINITY;
            for (int i = 0; i < n; i++) {
                r->norm_lo[j] = fmin(r->norm_lo[j], f[(size_t)i * r->s->nobj + j]);
                r->norm_hi[j] = fmax(r->norm_hi[j], f[(size_t)i * r->s->nobj + j]);
            }
        }
    }
    r->gen_hv[g] = archive_hv(r, &r->gen_feasible[g]);
    r->gen_archive[g] = fs_moea_archive(r->moea, NULL, NULL, NULL, NULL);
    r->t_total += now() - t0;
    return FS_OK;
}

/* ---- finish: out of sample, then the files ---- */

fs_status fs_search_run_finish(fs_search_run *r, fs_err *err)
{
    const fs_search *s = r->s;
    const double *ax, *cv;
    int na = fs_moea_archive(r->moea, &ax, NULL, NULL, &cv);
    fs_opt_result res;
    double *fut = NULL;
    int E2 = 1;
    fs_status st;

    memset(&res, 0, sizeof res);
    res.search = s;
    res.all = &r->all;
    res.generations = s->generations;
    res.gen_hv = r->gen_hv;
    res.gen_archive = r->gen_archive;
    res.gen_feasible = r->gen_feasible;
    res.population = s->population;
    res.futures = r->E;
    /* every mix's regret against the best per future over every mix */
    for (long i = 0; r->nregret && i < r->all.n; i++)
        regret_row(r, i, r->all.obj + (size_t)i * s->nobj, r->all.obj_se + (size_t)i * s->nobj);
    /* the final set: the archive, found by looking its mixes up among
     * every mix evaluated (the archive keeps no statistics of its own) */
    if ((st = fs_opt_table_init(&res.front, s, err)) != FS_OK ||
        (st = fs_opt_table_init(&res.oos, s, err)) != FS_OK)
        goto done;
    for (int a = 0; a < na; a++) {
        long i = fs_opt_table_find(&r->all, ax + (size_t)a * s->nlevers);
        if (i < 0)
            continue;
        if ((st = fs_opt_table_add(&res.front, r->all.x + (size_t)i * s->nlevers,
                                   r->all.obj + (size_t)i * s->nobj,
                                   r->all.obj_se + (size_t)i * s->nobj,
                                   r->all.con + (size_t)i * s->ncon, err)) != FS_OK)
            goto done;
    }
    res.any_feasible = na > 0 && cv[0] <= 0;
    /* out of sample: a fresh ensemble (its seed + 1), fresh streams (the
     * search's seed + 1) and five times the runs */
    if ((st = make_futures(s, s->nfutures, s->ensemble_seed + 1, &fut, &E2, err)) != FS_OK)
        goto done;
    res.oos_futures = E2;
    res.oos_runs = 5 * s->runs;
    if (res.front.n > 0) {
        int n = (int)res.front.n;
        double *o = malloc((size_t)n * s->nobj * sizeof *o), *se = malloc((size_t)n * s->nobj * sizeof *se);
        double *c = malloc((size_t)n * (s->ncon ? s->ncon : 1) * sizeof *c);
        size_t w = (size_t)E2 * s->nobj;
        double *pf = malloc((size_t)n * w * sizeof *pf), *pse = malloc((size_t)n * w * sizeof *pse);
        double *best = malloc(w * sizeof *best);
        if (!o || !se || !c || !pf || !pse || !best)
            st = fs_err_set(err, FS_ENOMEM, "out of memory");
        else
            st = run_mixes(r, n, res.front.x, fut, E2, 5 * s->runs, s->seed + 1, o, se, c, pf,
                           pse, err);
        /* out of sample, regret is against the best of the final set */
        for (size_t i = 0; st == FS_OK && r->nregret && i < w; i++)
            best[i] = NAN;
        for (int m = 0; st == FS_OK && r->nregret && m < n; m++)
            best_update(s, E2, pf + (size_t)m * w, best);
        for (int m = 0; st == FS_OK && r->nregret && m < n; m++)
            regret_of(s, E2, pf + (size_t)m * w, pse + (size_t)m * w, best,
                      o + (size_t)m * s->nobj, se + (size_t)m * s->nobj);
        free(pf);
        free(pse);
        free(best);
        for (int m = 0; m < n && st == FS_OK; m++)
            st = fs_opt_table_add(&res.oos, res.front.x + (size_t)m * s->nlevers,
                                  o + (size_t)m * s->nobj, se + (size_t)m * s->nobj,
                                  c + (size_t)m * s->ncon, err);
        free(o);
        free(se);
        free(c);
        if (st != FS_OK)
            goto done;
    }
    if (fs_dist_rank() != 0)
        goto done;   /* rank 0 writes */
    if ((st = fs_opt_write(r->outdir, &res, err)) != FS_OK)
        goto done;
    fs_ckpt_close(r->ckpt);
    r->ckpt = NULL;
    fs_ckpt_remove(r->outdir);
done:
    free(fut);
    fs_opt_table_free(&res.front);
    fs_opt_table_free(&res.oos);
    return st;
}
