/* calibrate.c: running a calibration (calibrate.h): ABC-SMC (abc.h) over
 * the calibration's parameters, every candidate's runs through the shared
 * evaluation loop (evaluate.h) on streams fixed by (seed, candidate id,
 * replicate), each run's distance to the reported figures; every
 * generation is saved, and the finished posterior goes through a
 * posterior predictive check before the files are written. */
#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>

#include "bgfile.h"
#include "budget.h"
#include "calibrate_report.h"
#include "dist.h"
#include "engine.h"
#include "evaluate.h"
#include "fsio.h"
#include "outlock.h"
#include "rng.h"

#define STATE_NAME "abc.state"
#define HOLD_NAME "hold-out"

struct fs_calib_run {
    const fs_calib *c;
    int threads;
    char outdir[4096];
    fs_abc *abc;
    const char *paths[FS_CAL_MAX_PARAMS];
    int integer[FS_CAL_MAX_PARAMS];
    fs_runvalue values[FS_CAL_MAX_TARGETS];
    fs_eval_spec spec;
    fs_eval_runs *eval;       /* what each thread keeps from batch to batch */
    fs_scenario_text *text;   /* the base scenario's files, read once */
    fs_outlock *lock;         /* rank 0: this process alone writes into outdir */
    fs_bgfile *saver;         /* rank 0: DIR/checkpoint/abc.state, saved on its own thread */
    fs_ckpt_id id;
    long nan_runs[FS_CAL_MAX_TARGETS];   /* runs without a value, per target */
    long sim_runs;            /* runs simulated by this process's calls */
    double t_cb, t_total;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* SplitMix64's finaliser (Steele, Lea and Flood 2014). */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t fs_calib_seed(uint64_t seed, uint64_t id)
{
    return mix64(seed ^ mix64(id + UINT64_C(0x9e3779b97f4a7c15)));
}

/* ---- the simulation callback ---- */

/* A run's distance: the root mean square of the fitted targets'
 * standardised differences (value - figure) / sd; INFINITY when a fitted
 * target has no value in the run. */
static double distance(const fs_calib *c, const double *v)
{
    double s = 0;
    int m = 0;
    for (int k = 0; k < c->ntargets; k++) {
        if (c->targets[k].held_out)
            continue;
        if (isnan(v[k]))
            return INFINITY;
        double z = (v[k] - c->targets[k].figure) / c->targets[k].sd;
        s += z * z;
        m++;
    }
    return sqrt(s / m);
}

static fs_status simulate(fs_calib_run *r, int n, const double *theta, const uint64_t *id,
                          long runs, double *out, fs_err *err)
{
    const fs_calib *c = r->c;
    uint64_t *seeds = malloc((size_t)(n ? n : 1) * sizeof *seeds);
    fs_eval_spec spec = r->spec;
    fs_status st;
    if (!seeds)
        return fs_err_set(err, FS_ENOMEM, "out of memory simulating %d candidates", n);
    for (int i = 0; i < n; i++)
        seeds[i] = fs_calib_seed(c->seed, id[i]);
    spec.runs = runs;
    st = fs_eval_runs_batch(r->eval, &spec, n, theta, seeds, c->ntargets, r->values, out, err);
    free(seeds);
    return st;
}

static fs_status sim_cb(void *ctx, int n, const double *theta, const uint64_t *id, double *dist,
                        fs_err *err)
{
    fs_calib_run *r = ctx;
    const fs_calib *c = r->c;
    double t0 = now();
    size_t nrow = (size_t)c->runs * c->ntargets;
    double *out = malloc((size_t)(n ? n : 1) * nrow * sizeof *out);
    fs_status st;
    if (!out)
        return fs_err_set(err, FS_ENOMEM, "out of memory simulating %d candidates", n);
    st = simulate(r, n, theta, id, c->runs, out, err);
    for (int i = 0; st == FS_OK && i < n; i++)
        for (long j = 0; j < c->runs; j++) {
            const double *v = out + (size_t)i * nrow + (size_t)j * c->ntargets;
            dist[(size_t)i * c->runs + j] = distance(c, v);
            for (int k = 0; k < c->ntargets; k++)
                r->nan_runs[k] += isnan(v[k]);
        }
    if (st == FS_OK)
        r->sim_runs += (long)n * c->runs;
    free(out);
    r->t_cb += now() - t0;
    return st;
}

/* ---- identity, checkpoint ---- */

static void hash_str(uint64_t *h, const char *s)
{
    *h = fs_fnv1a(*h, s ? s : "", strlen(s ? s : "") + 1);
}

static void hash_num(uint64_t *h, double v)
{
    *h = fs_fnv1a(*h, &v, sizeof v);
}

/* The identity of a calibration: its resolved settings and its base
 * scenario as resolved (defaults, includes, --set), as a search's. */
static fs_status calib_id(const fs_calib_run *r, fs_ckpt_id *id, fs_err *err)
{
    const fs_calib *c = r->c;
    uint64_t h = FS_FNV_INIT;
    hash_str(&h, "calibrate 1");
    hash_num(&h, (double)c->runs), hash_num(&h, (double)c->seed);
    for (int i = 0; i < c->nparams; i++) {
        const fs_prior *p = &c->params[i].prior;
        hash_str(&h, c->params[i].path);
        hash_num(&h, p->kind), hash_num(&h, p->a), hash_num(&h, p->b);
        hash_num(&h, p->lo), hash_num(&h, p->hi), hash_num(&h, p->integer);
    }
    for (int k = 0; k < c->ntargets; k++) {
        const fs_cal_target *t = &c->targets[k];
        hash_str(&h, t->name), hash_str(&h, t->output);
        hash_num(&h, t->figure), hash_num(&h, t->uncertainty), hash_num(&h, t->sd);
        hash_num(&h, t->held_out);
    }
    const fs_abc_opts *o = &c->opts;
    hash_num(&h, o->particles), hash_num(&h, o->generations), hash_num(&h, o->quantile);
    hash_num(&h, o->tolerance), hash_num(&h, o->min_acceptance);
    hash_num(&h, (double)o->max_simulations), hash_num(&h, c->predictive);
    for (int i = 0; i < c->nsets; i++)
        hash_str(&h, c->sets[i].path), hash_str(&h, c->sets[i].value);
    id->settings = h;
    id->npoints = c->opts.particles;
    id->noutputs = c->ntargets;
    fs_scenario *sc = NULL;
    fs_status st = fs_load_scenario_text(r->text, c->sets, c->nsets, &sc, err);
    if (st == FS_OK)
        st = fs_ckpt_base_hash(sc, &id->base, err);
    fs_scenario_free(sc);
    return st;
}

static int ckpt_path(const char *outdir, const char *name, char *buf, size_t n)
{
    return snprintf(buf, n, "%s/checkpoint/%s", outdir, name) < (int)n ? 0 : -1;
}

/* Saves the calibration after a generation (rank 0), atomically: the
 * state is formatted here and goes to disk on a thread of its own
 * (bgfile.h) while the next generation runs (after the last, while the
 * predictive check runs); fs_bgfile_wait says whether it got there. A
 * save that failed before is reported by the next. */
static fs_status save_state(const fs_calib_run *r, fs_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory saving the calibration");
    if (fs_abc_save(r->abc, m, err) != FS_OK) {
        fclose(m);
        free(buf);
        return err->code;
    }
    if (fclose(m) != 0) {
        free(buf);
        return fs_err_set(err, FS_ENOMEM, "out of memory saving the calibration");
    }
    return fs_bgfile_save(r->saver, buf, len, err);
}

static fs_status write_hold_out(const fs_calib_run *r, fs_err *err)
{
    char path[4400];
    fs_afile *af;
    if (ckpt_path(r->outdir, HOLD_NAME, path, sizeof path))
        return fs_err_set(err, FS_EUSAGE, "output directory name too long");
    if (r->c->held < 0) {
        unlink(path);
        return FS_OK;
    }
    if ((af = fs_afile_open(path, err)) == NULL)
        return err->code;
    fprintf(fs_afile_stream(af), "%s\n", r->c->targets[r->c->held].name);
    return fs_afile_commit(af, err);
}

fs_status fs_calib_read_hold_out(const char *outdir, char **name, fs_err *err)
{
    char path[4400], line[1024];
    FILE *f;
    *name = NULL;
    if (ckpt_path(outdir, HOLD_NAME, path, sizeof path))
        return fs_err_set(err, FS_EUSAGE, "output directory name too long");
    if ((f = fopen(path, "r")) == NULL)
        return errno == ENOENT ? FS_OK : fs_err_set(err, FS_EIO, "cannot read %s: %s", path,
                                                    strerror(errno));
    if (!fgets(line, sizeof line, f) || !strchr(line, '\n')) {
        fclose(f);
        return fs_err_set(err, FS_ECONFIG, "%s: torn or damaged; start the calibration "
                          "afresh without --resume", path);
    }
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    if (!(*name = strdup(line)))
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    return FS_OK;
}

/* Removes the checkpoint: the state, the hold-out, resume.cfg, the
 * directory (a save still on its way is waited for first). */
static void remove_checkpoint(const fs_calib_run *r)
{
    const char *outdir = r->outdir;
    char path[4400];
    if (r->saver)
        fs_bgfile_wait(r->saver, NULL);
    if (!ckpt_path(outdir, STATE_NAME, path, sizeof path))
        unlink(path);
    if (!ckpt_path(outdir, HOLD_NAME, path, sizeof path))
        unlink(path);
    fs_ckpt_remove(outdir);
}

/* Every rank restores the last generation saved (none: start afresh). */
static fs_status restore_state(fs_calib_run *r, fs_err *err)
{
    char path[4400];
    FILE *f;
    if (ckpt_path(r->outdir, STATE_NAME, path, sizeof path))
        return fs_err_set(err, FS_EUSAGE, "output directory name too long");
    if ((f = fopen(path, "r")) == NULL)
        return errno == ENOENT ? FS_OK : fs_err_set(err, FS_EIO, "cannot read %s: %s", path,
                                                    strerror(errno));
    fs_status st = fs_abc_restore(r->abc, f, err);
    fclose(f);
    if (st != FS_OK) {
        char msg[FS_ERR_MSG_MAX / 2];
        snprintf(msg, sizeof msg, "%.1000s", err->msg);
        return fs_err_set(err, st, "%s: %s; start the calibration afresh without --resume",
                          path, msg);
    }
    return FS_OK;
}

/* The writer of DIR/checkpoint/abc.state (rank 0). */
static fs_bgfile *open_saver(const fs_calib_run *r, fs_err *err)
{
    char path[4400];
    if (ckpt_path(r->outdir, STATE_NAME, path, sizeof path)) {
        fs_err_set(err, FS_EUSAGE, "output directory name too long");
        return NULL;
    }
    return fs_bgfile_open(path, err);
}

static fs_status start_checkpoint(fs_calib_run *r, const fs_ckpt_id *resume, fs_err *err)
{
    const fs_calib *c = r->c;
    int rank0 = fs_dist_rank() == 0;
    fs_status st = FS_OK;
    if (calib_id(r, &r->id, err) != FS_OK)
        return err->code;
    if (resume && (resume->settings != r->id.settings || resume->base != r->id.base))
        return fs_err_set(err, FS_ECONFIG, "%s: the calibration file %s or its base scenario "
                          "%s changed since the calibration started, or a foresight whose model "
                          "draws differently started it (this one runs " FS_ENGINE_MODEL "); "
                          "start it afresh without --resume", r->outdir, c->path, c->base_path);
    if (rank0 && (r->lock = fs_outlock_take(r->outdir, err)) == NULL)
        st = err->code;
    else if (rank0 && (r->saver = open_saver(r, err)) == NULL)
        st = err->code;
    else if (resume)
        st = restore_state(r, err);
    else if (rank0) {
        char path[4400];
        if (!ckpt_path(r->outdir, STATE_NAME, path, sizeof path))
            unlink(path);
        if (fs_ckpt_clear(r->outdir, err) != FS_OK ||
            fs_ckpt_write_resume(r->outdir, c->path, c->sets, c->nsets, &r->id, err) != FS_OK ||
            write_hold_out(r, err) != FS_OK)
            st = err->code;
    }
    fs_status all = (fs_status)fs_dist_max((int)st);
    if (all != FS_OK && st == FS_OK) {
        fs_err_set(err, all, "%s", "");
        err->everywhere = 1;
    }
    return all;
}

/* ---- open, iterate ---- */

fs_calib_run *fs_calib_run_open(const fs_calib *c, int threads, const char *outdir,
                                const fs_ckpt_id *resume, fs_err *err)
{
    fs_calib_run *r = calloc(1, sizeof *r);
    fs_prior priors[FS_CAL_MAX_PARAMS];
    fs_scenario *base = NULL;
    if (!r) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    r->c = c;
    r->threads = threads;
    snprintf(r->outdir, sizeof r->outdir, "%s", outdir);
    for (int i = 0; i < c->nparams; i++) {
        r->paths[i] = c->params[i].path;
        r->integer[i] = c->params[i].prior.integer;
        priors[i] = c->params[i].prior;
    }
    for (int k = 0; k < c->ntargets; k++)
        r->values[k] = c->targets[k].value;
    /* Every candidate loads the base from the files as they were read
     * here, never from the disk again. */
    if (fs_scenario_text_read(c->base_path, &r->text, err) != FS_OK ||
        fs_load_scenario_text(r->text, c->sets, c->nsets, &base, err) != FS_OK)
        goto fail;
    /* the work and memory: at most every candidate the stop rules allow
     * (the budget, else generations at the lowest acceptance rate), and
     * a generation's candidates in memory at once */
    {
        double most = c->opts.max_simulations > 0 ? (double)c->opts.max_simulations
                      : (double)c->opts.particles * c->opts.generations /
                            fmax(c->opts.min_acceptance, 0.005);
        fs_budget work = {c->path, most, c->runs, threads, 0};
        fs_budget mem = {c->path, (double)c->opts.particles, c->runs, threads,
                         8.0 * (c->nparams * 3 + c->runs * (c->ntargets + 1) + 4)};
        if (fs_budget_check(base, &work, err) != FS_OK || fs_budget_check(base, &mem, err) != FS_OK)
            goto fail;
    }
    fs_eval_spec spec = {c->base_path, r->text, c->sets, c->nsets, c->nparams, r->paths,
                         r->integer, c->runs, c->seed, 0, NULL, NULL};
    r->spec = spec;
    if ((r->eval = fs_eval_runs_alloc(threads)) == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        goto fail;
    }
    fs_abc_problem p = {c->nparams, priors};
    if ((r->abc = fs_abc_alloc(&p, &c->opts, err)) == NULL || fs_mkdir_made(outdir, err) != FS_OK ||
        start_checkpoint(r, resume, err) != FS_OK)
        goto fail;
    fs_abc_set_threads(r->abc, threads);
    fs_scenario_free(base);
    return r;
fail:
    fs_scenario_free(base);
    fs_calib_run_free(r);
    return NULL;
}

void fs_calib_run_free(fs_calib_run *r)
{
    if (!r)
        return;
    fs_bgfile_free(r->saver);   /* a save on its way reaches the disk first */
    fs_abc_free(r->abc);
    fs_eval_runs_free(r->eval);
    fs_scenario_text_free(r->text);
    fs_outlock_release(r->lock);
    /* A calibration that wrote nothing (an empty posterior, a failure
     * before its first checkpoint) leaves no empty directory it made. */
    fs_fsio_remove_made();
    free(r);
}

int fs_calib_run_finished(const fs_calib_run *r)
{
    return fs_abc_stopped(r->abc) != FS_ABC_RUNNING;
}

int fs_calib_run_generation(const fs_calib_run *r)
{
    const fs_abc_gen *g;
    return fs_abc_history(r->abc, &g);
}

long fs_calib_run_runs(const fs_calib_run *r)
{
    const fs_abc_gen *g;
    int n = fs_abc_history(r->abc, &g);
    return ((n > 0 ? g[n - 1].simulations : 0) + fs_abc_cut_short(r->abc)) * r->c->runs;
}

void fs_calib_run_times(const fs_calib_run *r, double *callback, double *total)
{
    *callback = r->t_cb;
    *total = r->t_total;
}

fs_status fs_calib_run_iterate(fs_calib_run *r, fs_err *err)
{
    double t0 = now();
    fs_status st;
    if (fs_calib_run_finished(r))
        return FS_OK;
    st = fs_abc_step(r->abc, sim_cb, r, err);
    if (st != FS_OK) {
        r->t_total += now() - t0;
        if (st == FS_EINTR)
            return fs_err_set(err, FS_EINTR, "interrupted; the generations finished so far are "
                              "in %s/checkpoint; finish it with: foresight calibrate --resume %s",
                              r->outdir, r->outdir);
        if (err->everywhere && !err->msg[0])
            return st;
        char msg[FS_ERR_MSG_MAX / 2];
        snprintf(msg, sizeof msg, "%.1000s", err->msg);
        return fs_err_set(err, st, "%s: %s", r->c->path, msg);
    }
    /* rank 0 saves the generation (the one before must have reached the
     * disk; the last one goes while the predictive check runs, and
     * finish waits for it); every rank learns whether it could */
    fs_status mine = fs_dist_rank() == 0 && fs_abc_stopped(r->abc) != FS_ABC_STOP_EMPTY
                     ? save_state(r, err) : FS_OK;
    fs_status all = (fs_status)fs_dist_max((int)mine);
    r->t_total += now() - t0;
    if (all != FS_OK && mine == FS_OK) {
        fs_err_set(err, all, "%s", "");
        err->everywhere = 1;
    }
    return all;
}

/* ---- finish: the predictive check, then the files ---- */

/* Draw d's particle: by weight, from stream (seed, d) at a substream of
 * its own (no model run draws there). */
static int draw_particle(gsl_rng *g, uint64_t seed, int d, const double *w, int n)
{
    fs_rng_seed(g, seed, (uint64_t)d);
    fs_rng_substream(g, UINT32_C(0xCA1B), 0);
    double u = gsl_rng_uniform(g), cum = 0;
    for (int i = 0; i < n; i++) {
        cum += w[i];
        if (u < cum)
            return i;
    }
    for (int i = n - 1; i > 0; i--)   /* rounding left u above the sum */
        if (w[i] > 0)
            return i;
    return 0;
}

/* Which fitted targets had no value in any run, for the empty message. */
static void empty_message(const fs_calib_run *r, fs_err *err)
{
    const fs_calib *c = r->c;
    char names[1024] = "";
    size_t w = 0;
    for (int k = 0; k < c->ntargets; k++)
        if (!c->targets[k].held_out && r->sim_runs > 0 && r->nan_runs[k] == r->sim_runs &&
            w + 200 < sizeof names)
            w += (size_t)snprintf(names + w, sizeof names - w, "%s%s (%s)", w ? ", " : "",
                                  c->targets[k].name, c->targets[k].output);
    fs_err_set(err, FS_ERUNTIME, "%s: the posterior is empty: every candidate of the first "
               "generation was rejected, because no run gave every fitted target a value%s%s. "
               "Nothing was written. Choose targets the model produces in every run, or "
               "widen the priors (docs/CALIBRATE.md)", c->path,
               w ? "; these had none in any run: " : "", names);
}

fs_status fs_calib_run_finish(fs_calib_run *r, fs_err *err)
{
    const fs_calib *c = r->c;
    const double *theta, *w, *dist;
    const fs_abc_gen *gen;
    int n = fs_abc_population(r->abc, &theta, &w, &dist);
    int ngen = fs_abc_history(r->abc, &gen), D = c->predictive, P = c->nparams;
    int *part = NULL;
    double *x = NULL, *pred = NULL;
    uint64_t *ids = NULL;
    gsl_rng *g = NULL;
    fs_status st = FS_OK;

    if (fs_abc_stopped(r->abc) == FS_ABC_STOP_EMPTY || n == 0) {
        empty_message(r, err);
        if (fs_dist_rank() == 0)
            remove_checkpoint(r);
        return FS_ERUNTIME;
    }
    part = malloc((size_t)(D ? D : 1) * sizeof *part);
    x = malloc((size_t)(D ? D : 1) * P * sizeof *x);
    ids = malloc((size_t)(D ? D : 1) * sizeof *ids);
    pred = malloc((size_t)(D ? D : 1) * c->ntargets * sizeof *pred);
    g = fs_rng_alloc();
    if (!part || !x || !ids || !pred || !g) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory for the predictive check");
        goto done;
    }
    for (int d = 0; d < D; d++) {
        part[d] = draw_particle(g, c->seed, d, w, n);
        memcpy(x + (size_t)d * P, theta + (size_t)part[d] * P, (size_t)P * sizeof *x);
        ids[d] = FS_CAL_PREDICTIVE_ID + (uint64_t)d;
    }
    {
        double t0 = now();
        st = D > 0 ? simulate(r, D, x, ids, 1, pred, err) : FS_OK;
        r->t_cb += now() - t0;
    }
    if (st != FS_OK) {
        if (!(err->everywhere && !err->msg[0])) {
            char msg[FS_ERR_MSG_MAX / 2];
            snprintf(msg, sizeof msg, "%.1000s", err->msg);
            fs_err_set(err, st, "%s: the predictive check: %s", c->path, msg);
        }
        goto done;
    }
    if (fs_dist_rank() != 0)
        goto done;   /* rank 0 writes, once the last generation is saved */
    if ((st = fs_bgfile_wait(r->saver, err)) != FS_OK)
        goto done;
    fs_calib_result res = {c, n, theta, w, dist, ngen, gen, fs_abc_stopped(r->abc),
                           fs_abc_cut_short(r->abc), D, part,
                           pred};
    if ((st = fs_calib_write(r->outdir, &res, err)) != FS_OK)
        goto done;
    fs_fsio_keep_made();
    remove_checkpoint(r);
done:
    if (g)
        gsl_rng_free(g);
    free(part);
    free(x);
    free(ids);
    free(pred);
    return st;
}
