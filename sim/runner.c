/* runner.c: one run or comparison, from files to an output directory. */
#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "briefing.h"
#include "chart.h"
#include "compare.h"
#include "csvread.h"
#include "effects.h"
#include "engine.h"
#include "footprint.h"
#include "fsio.h"
#include "headroom.h"
#include "metrics.h"
#include "outlock.h"
#include "output.h"
#include "plot.h"
#include "posterior.h"
#include "report.h"
#include "scenario.h"

#define LABEL_MAX 256

struct fs_runner {
    fs_run_opts o;
    int k;
    fs_scenario *sc[FS_MAX_COMPARE];
    /* run: the copies that measure each scheduled inject (effects.h) */
    fs_effects_plan plan;
    fs_scenario *muted[FS_MAX_EFFECTS];
    fs_scenario *base;     /* the scenario's baseline, run beside it */
    fs_posterior *post;    /* the posterior the runs draw parameters from, or NULL */
    fs_scenario **parts[FS_MAX_COMPARE];   /* each engine scenario's particles */
    int cells_of[2][FS_MAX_PAIR_CELLS];   /* paired cells of the copies, the baseline */
    fs_effects *effects;
    char labels[FS_MAX_COMPARE][LABEL_MAX];   /* compare: each scenario's subdirectory */
    char outdir[4096];
    char replaces[5200];     /* what an earlier run left in outdir, if another's */
    fs_engine *eng;
    fs_outset *set;        /* every file of the run or comparison */
    fs_outlock *lock;      /* this process alone writes into outdir */
    long chunk;
    double started;
    char notes[4096];      /* warnings for the user (fs_runner_notes) */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The base name of a file without its directory and .cfg. */
static void file_label(const char *file, char *buf, size_t n)
{
    const char *base = strrchr(file, '/');
    size_t len;
    base = base ? base + 1 : file;
    len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    if (len > n - 16)
        len = n - 16;   /* room for a "-N" suffix */
    snprintf(buf, n, "%.*s", (int)len, base);
}

/* Compared scenarios go into subdirectories named after their files;
 * repeated names get "-N" with N the scenario's position. */
static void make_labels(fs_runner *r)
{
    int i, j;
    for (i = 0; i < r->k; i++) {
        file_label(r->o.files[i], r->labels[i], LABEL_MAX);
        for (j = 0; j < i; j++)
            if (strcmp(r->labels[i], r->labels[j]) == 0)
                snprintf(r->labels[i] + strlen(r->labels[i]), 16, "-%d", i + 1);
    }
}

/* The scenarios the engine runs side by side: the files', then the muted
 * copies, then the baseline. */
static int engine_scenarios(const fs_runner *r, fs_scenario **all)
{
    int i;
    for (i = 0; i < r->k; i++)
        all[i] = r->sc[i];
    for (i = 0; i < r->plan.n; i++)
        all[r->k + i] = r->muted[i];
    if (r->base)
        all[r->k + r->plan.n] = r->base;
    return r->k + r->plan.n + (r->base != NULL);
}

static fs_status load_posterior(fs_runner *r, fs_scenario *const *all, int nall, fs_err *err);

static fs_status load_all(fs_runner *r, fs_err *err)
{
    fs_scenario *all[FS_MAX_COMPARE];
    int i, n;

    for (i = 0; i < r->k; i++) {
        if (fs_load_scenario(r->o.files[i], r->o.sets, r->o.nsets, &r->sc[i], err) != FS_OK) {
            /* A --set message names no file; in a comparison say which
             * scenario it failed for. */
            if (r->k > 1 && strncmp(err->msg, "--set ", 6) == 0) {
                char msg[FS_ERR_MSG_MAX];
                snprintf(msg, sizeof msg, "%s", err->msg);
                fs_err_set(err, err->code, "%s: %s", r->o.files[i], msg);
            }
            return err->code;
        }
        if (r->sc[i]->steps != r->sc[0]->steps)
            return fs_err_set(err, FS_ECONFIG, "%s: steps = %d, but %s has %d: compared "
                              "scenarios need the same horizon", r->o.files[i],
                              r->sc[i]->steps, r->o.files[0], r->sc[0]->steps);
        if (strcmp(r->sc[i]->step_unit, r->sc[0]->step_unit) != 0)
            return fs_err_set(err, FS_ECONFIG, "%s: step_unit = \"%s\", but %s has \"%s\": "
                              "compared scenarios need the same time step", r->o.files[i],
                              r->sc[i]->step_unit, r->o.files[0], r->sc[0]->step_unit);
    }
    if (r->k > 1)
        fs_compare_unlike((const fs_scenario *const *)r->sc, r->o.files, r->k,
                          r->o.have_seed, r->o.runs > 0, r->notes, sizeof r->notes);
    /* A run measures its scheduled injects: one muted copy each. */
    if (r->k == 1 && !r->o.no_effects) {
        fs_effects_plan_make(&r->plan, r->sc[0]);
        fs_effects_unmeasured(r->sc[0], r->notes, sizeof r->notes);
    }
    for (i = 0; i < r->plan.n; i++) {
        if (fs_load_scenario(r->o.files[0], r->o.sets, r->o.nsets, &r->muted[i], err) != FS_OK)
            return err->code;
        r->muted[i]->injects[r->plan.inject[i]].muted = 1;
    }
    /* And against its baseline, as written (no --set): the plan left room. */
    if (r->k == 1 && r->sc[0]->baseline && !r->o.no_effects) {
        if (fs_load_baseline(r->sc[0], &r->base, err) != FS_OK)
            return err->code;
        fs_effects_plan_baseline(&r->plan, r->sc[0], r->base);
    }
    /* Common random numbers: one seed and one run count for all. */
    n = engine_scenarios(r, all);
    for (i = 0; i < n; i++) {
        all[i]->runs = r->o.runs > 0 ? r->o.runs : r->sc[0]->runs;
        all[i]->seed = r->o.have_seed ? r->o.seed : r->sc[0]->seed;
    }
    return load_posterior(r, all, n, err);
}

/* ---- parameters drawn from a posterior ---- */

/* How a particle's scenario is loaded: a file with the --set options (none
 * for the baseline), then the particle's values; an inject muted for its
 * copy. */
typedef struct particle_src {
    const char *file;
    const fs_override *sets;
    int nsets;
    int mute;              /* inject index, or -1 */
} particle_src;

static fs_status load_particle(void *ctx, const fs_override *ov, int nov, fs_scenario **out,
                               fs_err *err)
{
    const particle_src *src = ctx;
    fs_override all[256 + FS_POSTERIOR_MAX_PARAMS];
    int n = src->nsets < 256 ? src->nsets : 256;

    if (n > 0)
        memcpy(all, src->sets, (size_t)n * sizeof *all);
    if (nov > 0)
        memcpy(all + n, ov, (size_t)nov * sizeof *all);
    if (fs_load_scenario(src->file, all, n + nov, out, err) != FS_OK)
        return err->code;
    if (src->mute >= 0)
        (*out)->injects[src->mute].muted = 1;
    return FS_OK;
}

/* Reads the posterior the scenarios name and builds the particles of
 * every scenario the engine runs. Compared scenarios must name the same
 * one (or none: then none is used). */
static fs_status load_posterior(fs_runner *r, fs_scenario *const *all, int nall, fs_err *err)
{
    const char *dir = r->sc[0]->posterior;
    const char *paths[256];
    int i;

    for (i = 1; i < r->k; i++)
        if ((dir == NULL) != (r->sc[i]->posterior == NULL) ||
            (dir && strcmp(dir, r->sc[i]->posterior) != 0))
            return fs_err_set(err, FS_ECONFIG, "%s: posterior = \"%s\", but %s has %s%s%s: "
                              "compared scenarios draw their parameters from one posterior",
                              r->o.files[i], r->sc[i]->posterior ? r->sc[i]->posterior : "",
                              r->o.files[0], dir ? "\"" : "none", dir ? dir : "",
                              dir ? "\"" : "");
    if (dir == NULL)
        return FS_OK;
    if (fs_posterior_read(dir, &r->post, err) != FS_OK)
        return err->code;
    for (i = 0; i < r->o.nsets && i < 256; i++)
        paths[i] = r->o.sets[i].path;
    if (fs_posterior_overlap(r->post, paths, i, "--set", err) != FS_OK)
        return err->code;
    for (i = 0; i < nall; i++) {
        int copy = i - r->k;   /* muted copy, then the baseline */
        particle_src src = {r->o.files[i < r->k ? i : 0], r->o.sets, r->o.nsets, -1};
        if (copy >= 0 && copy < r->plan.n)
            src.mute = r->plan.inject[copy];
        if (all[i] == r->base) {
            src.file = r->base->path;
            src.nsets = 0;
        }
        if (fs_posterior_check(r->post, all[i], err) != FS_OK ||
            fs_posterior_scenarios(r->post, all[i], all[i]->runs, load_particle, &src,
                                   &r->parts[i], err) != FS_OK)
            return err->code;
    }
    return FS_OK;
}

/* ---- refusing runs too large to be sane ---- */

#define GIB (1024.0 * 1024.0 * 1024.0)

/* The limit on memory: half the machine's physical memory (8 GiB if it
 * cannot be found), so that a run never pushes the machine into swap. */
static double memory_limit(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || size <= 0)
        return 8.0 * GIB;
    return 0.5 * (double)pages * (double)size;
}

/* A sketch of a cell whose values vary, in a thread and merged, as
 * measured over a few hundred runs (footprint.h): the guard of commands
 * that run many points (budget.h) counts them so. */
#define SKETCH_LIVELY 2700.0
#define SKETCH_LIVELY_MERGED 1800.0

double fs_runner_engine_bytes(const fs_scenario *sc, int threads)
{
    return fs_footprint_bound(&sc, 1, threads, 0, SKETCH_LIVELY, SKETCH_LIVELY_MERGED) -
           FS_FOOTPRINT_PROCESS;
}

double fs_runner_memory_limit(void) { return memory_limit(); }

fs_status fs_runner_check_size(const fs_scenario *const *sc, int k, long runs, int threads,
                               int charts, const char *what, fs_err *err)
{
    double need, limit = memory_limit(), work = 0;
    fs_footprint fp;
    int i, fit, piloted = 0;

    for (i = 0; i < k; i++)
        work += (double)runs * sc[i]->steps * sc[i]->nactors * (sc[i]->nthreats + 2);
    if (work > FS_MAX_WORK)
        return fs_err_set(err, FS_ECONFIG, "%s: %ld runs x %d steps x %d actors x (%d "
                          "threats + 2)%s is %.2g units of work, more than the limit of "
                          "%.0e (about %.0f hours on one core); lower the runs (-n), or the "
                          "steps, actors or threats", sc[0]->path, runs, sc[0]->steps,
                          sc[0]->nactors, sc[0]->nthreats,
                          what ? what : "", work, FS_MAX_WORK,
                          FS_MAX_WORK / 2e7 / 3600);
    /* Far below the limit, or above it with the smallest sketches: no pilot. */
    if (fs_footprint_bound(sc, k, threads, charts, FS_FOOTPRINT_SKETCH_HIGH,
                           FS_FOOTPRINT_SKETCH_HIGH) <= limit)
        return FS_OK;
    need = fs_footprint_bound(sc, k, threads, charts, FS_FOOTPRINT_SKETCH_MIN,
                              FS_FOOTPRINT_SKETCH_MIN);
    if (need > limit) {
        /* linear in the threads: fixed + threads x per thread */
        double fixed = fs_footprint_bound(sc, k, 0, charts, FS_FOOTPRINT_SKETCH_MIN,
                                          FS_FOOTPRINT_SKETCH_MIN);
        fit = (int)fmin((limit - fixed) / ((need - fixed) / threads), threads - 1.0);
        if (fit >= 1)
            return fs_err_set(err, FS_ECONFIG, "%s: %d steps x %d actors with %d threads "
                              "would need at least %.1f GiB of memory, more than the limit "
                              "of %.1f GiB (half of this machine's memory); use fewer threads "
                              "(-j %d at most), or fewer steps or actors", sc[0]->path,
                              sc[0]->steps, sc[0]->nactors, threads, need / GIB, limit / GIB,
                              fit);
    } else {
        /* Near the limit: the pilot measures the sketches. */
        if (fs_footprint_pilot(sc, k, charts, &fp, err) != FS_OK)
            return err->code;
        piloted = 1;
        if ((need = fs_footprint_bytes(&fp, threads)) <= limit)
            return FS_OK;
        for (fit = threads - 1; fit >= 1 && fs_footprint_bytes(&fp, fit) > limit; fit--)
            ;
        if (fit >= 1)
            return fs_err_set(err, FS_ECONFIG, "%s: %d steps x %d actors with %d threads "
                              "would need about %.1f GiB of memory, more than the limit of "
                              "%.1f GiB (half of this machine's memory); use fewer threads "
                              "(-j %d fits), or fewer steps or actors", sc[0]->path,
                              sc[0]->steps, sc[0]->nactors, threads, need / GIB, limit / GIB,
                              fit);
        need = fs_footprint_bytes(&fp, 1);
    }
    return fs_err_set(err, FS_ECONFIG, "%s: %d steps x %d actors would need %s %.1f GiB "
                      "of memory even with one thread, more than the limit of %.1f GiB "
                      "(half of this machine's memory); lower the steps or actors%s",
                      sc[0]->path, sc[0]->steps, sc[0]->nactors,
                      piloted ? "about" : "at least", need / GIB,
                      limit / GIB, k > 1 ? ", or compare fewer scenarios" : "");
}

/* Where scenario i's files go in the set: the directory itself for a run,
 * the scenario's subdirectory to compare. */
static const char *sub_of(const fs_runner *r, int i)
{
    return r->k == 1 ? "" : r->labels[i];
}

/* ---- what the output directory held before ---- */

static int has_file(const char *dir, const char *name)
{
    char path[4096];
    return fs_path_join(path, sizeof path, dir, name) != NULL && access(path, F_OK) == 0;
}


/* Appends "\"name\"" to buf (of size n), after ", " unless it is first. */
static void add_name(char *buf, size_t n, const char *name)
{
    size_t k = strlen(buf);
    if (k + 1 < n)
        snprintf(buf + k, n - k, "%s\"%s\"", k ? ", " : "", name);
}

/* The scenario names an earlier run, comparison or sweep wrote into dir
 * (its meta.csv's name, or compare.csv's names in order) into buf, and
 * which of the three it was into *kind ('r', 'c' or 's'); buf is empty
 * when dir holds none of them. A file that cannot be read or parsed is
 * taken for none; only running out of memory is an error. */
static fs_status names_in(const char *dir, char *buf, size_t n, char *kind, fs_err *err)
{
    const char *name;
    fs_csv *c = NULL;
    fs_err e;
    size_t row;
    int col, key, val;

    buf[0] = '\0';
    fs_err_clear(&e);
    *kind = has_file(dir, "compare.csv") ? 'c' : has_file(dir, "sweep_outputs.csv") ? 's' : 'r';
    name = *kind == 'c' ? "compare.csv" : "meta.csv";
    if (!has_file(dir, name))
        return FS_OK;
    if (fs_csv_open_in(dir, name, &c, &e) != FS_OK)
        return e.code == FS_ENOMEM ? fs_err_set(err, FS_ENOMEM, "%s", e.msg) : FS_OK;
    col = fs_csv_col(c, "name");
    key = fs_csv_col(c, "key");
    val = fs_csv_col(c, "value");
    for (row = 0; row < fs_csv_nrows(c); row++) {
        if (*kind == 'c' && col >= 0 && (row == 0 || strcmp(fs_csv_str(c, row, col),
                                                            fs_csv_str(c, row - 1, col)) != 0))
            add_name(buf, n, fs_csv_str(c, row, col));
        else if (*kind != 'c' && key >= 0 && val >= 0 && buf[0] == '\0'
                 && strcmp(fs_csv_str(c, row, key), "name") == 0)
            add_name(buf, n, fs_csv_str(c, row, val));
    }
    fs_csv_free(c);
    return FS_OK;
}

/* When the output directory holds another scenario's results (or another
 * set of compared scenarios, or a sweep), says in r->replaces whose, and
 * whose replace them. */
static fs_status held_results(fs_runner *r, fs_err *err)
{
    char old[400], new_[400] = "", kind;
    int i;

    r->replaces[0] = '\0';
    if (names_in(r->outdir, old, sizeof old, &kind, err) != FS_OK)
        return err->code;
    for (i = 0; i < r->k; i++)
        add_name(new_, sizeof new_, r->sc[i]->name);
    if (old[0] == '\0' || (strcmp(old, new_) == 0 && kind == (r->k > 1 ? 'c' : 'r')))
        return FS_OK;
    snprintf(r->replaces, sizeof r->replaces, "%s holds the results of %s%s; this %s of "
             "%s replaces them", r->outdir, kind == 'c' ? "the comparison of " : kind == 's'
             ? "the sweep " : "", old, r->k > 1 ? "comparison" : "run", new_);
    return FS_OK;
}

const char *fs_runner_replaces(const fs_runner *r)
{
    return r->replaces[0] ? r->replaces : NULL;
}

fs_runner *fs_runner_open(const fs_run_opts *o, fs_err *err)
{
    fs_runner *r = calloc(1, sizeof *r);
    fs_scenario *all[FS_MAX_COMPARE];
    fs_engine_opts eo;
    char what[128] = "";
    int i, nall;

    if (r == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    r->o = *o;
    r->k = o->nfiles;
    r->chunk = 256;
    if (r->k < 1 || r->k > FS_MAX_COMPARE) {
        fs_err_set(err, FS_EUSAGE, "expected 1 to %d scenario files, found %d",
                   FS_MAX_COMPARE, r->k);
        goto fail;
    }
    if (load_all(r, err) != FS_OK)
        goto fail;
    nall = engine_scenarios(r, all);
    /* The copies and the baseline are not the user's files: say what they are. */
    if (r->plan.n > 0 || r->base)
        snprintf(what, sizeof what, ", times %d for %s%s%s%s,", nall,
                 r->plan.n ? "the copies that measure its scheduled inject" : "",
                 r->plan.n > 1 ? "s" : "", r->plan.n && r->base ? " and " : "",
                 r->base ? "its baseline" : "");
    else if (r->k > 1)
        snprintf(what, sizeof what, ", summed over the scenarios,");
    if (fs_runner_check_size((const fs_scenario *const *)all, nall, r->sc[0]->runs,
                             o->threads > 0 ? o->threads : 1, o->charts, what, err) != FS_OK)
        goto fail;
    make_labels(r);
    if (o->outdir)
        snprintf(r->outdir, sizeof r->outdir, "%s", o->outdir);
    else if (r->k == 1)
        snprintf(r->outdir, sizeof r->outdir, "plots/%s", r->labels[0]);
    else
        snprintf(r->outdir, sizeof r->outdir, "plots/compare");
    if (o->charts && fs_chart_font_check(err) != FS_OK)
        goto fail;
    if (held_results(r, err) != FS_OK || fs_mkdir_made(r->outdir, err) != FS_OK ||
        (r->lock = fs_outlock_take(r->outdir, err)) == NULL)
        goto fail;
    if ((r->set = fs_outset_new(r->outdir, err)) == NULL)
        goto fail;
    memset(&eo, 0, sizeof eo);
    eo.runs = r->sc[0]->runs;
    eo.seed = r->sc[0]->seed;
    eo.threads = o->threads;
    /* runs.csv is written as the runs finish: in the run directory, or in
     * each compared scenario's. */
    for (i = 0; o->runs_csv && i < r->k; i++) {
        char name[LABEL_MAX + 16];
        snprintf(name, sizeof name, "%s%sruns.csv", sub_of(r, i), r->k == 1 ? "" : "/");
        if ((eo.runs_csv[i] = fs_outset_open_keep(r->set, name, err)) == NULL)
            goto fail;
        fs_output_runs_header(eo.runs_csv[i]);
    }
    eo.all_pairs = r->k > 1;
    eo.pair_cells = r->plan.cells;
    eo.npair_cells = r->plan.ncells;
    fs_effects_cells_of(&r->plan, 1, r->cells_of[0]);
    fs_effects_cells_of(&r->plan, 1 + r->plan.n, r->cells_of[1]);
    for (i = 1; i < nall; i++)
        eo.pair_cells_of[i] = r->cells_of[i <= r->plan.n ? 0 : 1];
    eo.posterior = r->post;
    for (i = 0; r->post && i < nall; i++)
        eo.particles[i] = r->parts[i];
    r->eng = fs_engine_alloc_many((const fs_scenario *const *)all, nall, &eo, err);
    if (r->eng == NULL)
        goto fail;
    r->started = now();
    return r;
fail:
    fs_runner_free(r);
    return NULL;
}

fs_status fs_runner_iterate(fs_runner *r, fs_err *err)
{
    fs_status st = fs_engine_iterate(r->eng, r->chunk, err);
    double el = now() - r->started;

    /* Interrupted before any file was committed: nothing is written. */
    if (st == FS_EINTR)
        strncat(err->msg, "; no output written", sizeof err->msg - strlen(err->msg) - 1);
    /* Grow chunks to about a quarter of a second of work. */
    if (st == FS_OK && el > 0) {
        long want = (long)(fs_engine_done(r->eng) / el * 0.25);
        if (want > r->chunk)
            r->chunk = want;
    }
    return st;
}

long fs_runner_done(const fs_runner *r) { return fs_engine_done(r->eng); }
long fs_runner_total(const fs_runner *r) { return r->sc[0]->runs; }
const char *fs_runner_outdir(const fs_runner *r) { return r->outdir; }
const char *fs_runner_name(const fs_runner *r) { return r->sc[0]->name; }
const char *fs_runner_notes(const fs_runner *r) { return r->notes; }

/* One scenario's run files: the CSVs, the resolved scenario, the briefing. */
static fs_status write_run(fs_outset *set, const char *sub, const fs_scenario *sc,
                           const fs_results *res, const fs_effects *fx,
                           const fs_scenario *base, fs_err *err)
{
    FILE *f;
    if (fs_output_write(set, sub, sc, res, err) != FS_OK)
        return err->code;
    if (fx) {
        if ((f = fs_output_open(set, sub, "inject_effects.csv", err)) == NULL)
            return err->code;
        fs_effects_write_csv(f, fx, sc);
    }
    if (fx && fx->nbase > 0 && base) {
        if ((f = fs_output_open(set, sub, "baseline.csv", err)) == NULL)
            return err->code;
        fs_effects_write_baseline_csv(f, fx, sc, base->name);
    }
    if ((f = fs_output_open(set, sub, "scenario.resolved.cfg", err)) == NULL)
        return err->code;
    if (fs_scenario_write(sc, f, err) != FS_OK)
        return fs_outset_failed(set, err);
    if ((f = fs_output_open(set, sub, "briefing.md", err)) == NULL)
        return err->code;
    if (fs_briefing_write(f, sc, res, fx, base, err) != FS_OK)
        return fs_outset_failed(set, err);
    return FS_OK;
}

static fs_status write_compare(fs_runner *r, fs_err *err)
{
    const char *dirs[FS_MAX_COMPARE];
    const fs_scenario *const *sc = (const fs_scenario *const *)r->sc;
    fs_outset *top = r->set;
    fs_results res;
    FILE *f;
    int i;

    for (i = 0; i < r->k; i++) {
        dirs[i] = r->labels[i];
        res = fs_engine_results(r->eng, i);
        if (write_run(top, r->labels[i], r->sc[i], &res, NULL, NULL, err) != FS_OK)
            return err->code;
    }
    if ((f = fs_outset_open(top, "compare.csv", err)) == NULL)
        return err->code;
    if (fs_compare_write_csv(f, sc, dirs, r->k, r->eng, err) != FS_OK)
        return fs_outset_failed(top, err);
    if ((f = fs_outset_open(top, "compare_pairs.csv", err)) == NULL)
        return err->code;
    if (fs_compare_write_pairs(f, sc, r->k, r->eng, err) != FS_OK)
        return fs_outset_failed(top, err);
    if ((f = fs_outset_open(top, "briefing.md", err)) == NULL)
        return err->code;
    if (fs_compare_write_briefing(f, sc, dirs, r->k, r->eng, r->notes, err) != FS_OK)
        return fs_outset_failed(top, err);
    return FS_OK;
}

/* Files an earlier run may have left in a run directory that this run
 * might not write again: they would disagree with the new numbers. Every
 * chart (each format, drawn again after the commit unless --no-charts) and
 * the optional tables, and a comparison's compare.csv (a run into a
 * comparison's directory would otherwise leave it, and `plot` would take
 * the directory for a comparison). The files every run writes are simply
 * replaced; files foresight never writes are left alone. */
static const char *const optional_tables[] = { "runs.csv", "inject_effects.csv", "baseline.csv",
                                               "compare.csv", "compare_pairs.csv",
                                               "report.html" };
static const char *const extra_charts[] = {
    "trust_pairs", "effects_outcomes", "effects_trust", "compare_threat_index",
    "compare_outcomes", "compare_difference"
};

/* Lists sub/name.EXT as stale for every chart format. */
static fs_status stale_chart(fs_outset *set, const char *sub, const char *name, fs_err *err)
{
    static const fs_chart_format fmts[] = { FS_CHART_PNG, FS_CHART_PDF, FS_CHART_SVG };
    char file[LABEL_MAX + 128];
    size_t i;

    for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        snprintf(file, sizeof file, "%s.%s", name, fs_chart_format_ext(fmts[i]));
        if (fs_output_remove(set, sub, file, err) != FS_OK)
            return err->code;
    }
    return FS_OK;
}

static int has_sub_file(const char *dir, const char *sub, const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s%s%s", dir, sub, sub[0] ? "/" : "", name);
    return access(path, F_OK) == 0;
}

/* Lists as stale in the set what an earlier run left in dir/sub, only when
 * an earlier run or comparison wrote there (it has their meta.csv or
 * compare.csv): elsewhere files of these names are the user's. */
static fs_status remove_stale(fs_outset *set, const char *dir, const char *sub, fs_err *err)
{
    size_t i;
    int k;

    if (!has_sub_file(dir, sub, "meta.csv") && !has_sub_file(dir, sub, "compare.csv"))
        return FS_OK;
    for (i = 0; i < sizeof optional_tables / sizeof optional_tables[0]; i++)
        if (fs_output_remove(set, sub, optional_tables[i], err) != FS_OK)
            return err->code;
    for (k = 0; k < FS_PLOT_NCHARTS; k++)
        if (stale_chart(set, sub, fs_plot_chart_name((fs_plot_chart)k), err) != FS_OK)
            return err->code;
    for (i = 0; i < sizeof extra_charts / sizeof extra_charts[0]; i++)
        if (stale_chart(set, sub, extra_charts[i], err) != FS_OK)
            return err->code;
    return FS_OK;
}

/* A comparison's charts are drawn as `plot` draws its directory: each
 * scenario's, then the comparison's, loading each scenario once; an
 * interruption names the comparison's directory. */
static fs_status charts(fs_runner *r, fs_err *err)
{
    /* The engine's memory is still mapped: check the room again. */
    if (fs_headroom_charts(err) != FS_OK)
        return err->code;
    if (r->k == 1)
        return fs_plot_run_dir(r->outdir, &r->o.plot, err);
    return fs_compare_plot(r->outdir, &r->o.plot, 1, err);
}

/* report.html, in each scenario's directory and in the comparison's. */
static fs_status reports(fs_runner *r, fs_err *err)
{
    char sub[4096];
    int i;

    for (i = 0; r->k > 1 && i < r->k; i++)
        if (fs_path_join(sub, sizeof sub, r->outdir, r->labels[i]) != NULL &&
            fs_report_write(sub, NULL, err) != FS_OK)
            return err->code;
    return fs_report_write(r->outdir, NULL, err);
}

/* The charts and the reports. The reports read only the CSV files, which
 * are in place, and draw their own charts in a temporary directory: with
 * more than one thread they are written beside the charts, on a second
 * thread (report.h), so that they cost the run next to nothing. */
static fs_status draw(fs_runner *r, fs_err *err)
{
    fs_err e2;
    fs_status a = FS_OK, b = FS_OK;
    int both = !r->o.plot.no_report;

    fs_err_clear(&e2);
#pragma omp parallel sections num_threads(2) if (both && r->o.threads > 1)
    {
#pragma omp section
        a = charts(r, err);
#pragma omp section
        b = both ? reports(r, &e2) : FS_OK;
    }
    if (a == FS_OK && b != FS_OK)
        *err = e2;
    return a != FS_OK ? a : b;
}

fs_status fs_runner_finish(fs_runner *r, fs_err *err)
{
    fs_results res;
    fs_status st;
    int i;

    if (fs_engine_done(r->eng) < r->sc[0]->runs)
        return fs_err_set(err, FS_ERUNTIME, "finish called after %ld of %ld runs",
                          fs_engine_done(r->eng), r->sc[0]->runs);
    if (fs_engine_finish(r->eng, err) != FS_OK)
        return err->code;
    if (r->k == 1) {
        res = fs_engine_results(r->eng, 0);
        if ((r->effects = malloc(sizeof *r->effects)) == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        fs_effects_measure(r->effects, &r->plan, r->sc[0], r->eng,
                           r->base ? 1 + r->plan.n : 0);
        r->effects->off = r->o.no_effects;
        if (write_run(r->set, "", r->sc[0], &res, r->effects, r->base, err) != FS_OK)
            return err->code;
    } else if (write_compare(r, err) != FS_OK) {
        return err->code;
    }
    if (fs_interrupted)
        return fs_err_set(err, FS_EINTR, "interrupted; no output written");
    /* Every file was written completely: list what an earlier run left
     * (remove_stale), then commit the whole set at once. */
    if (remove_stale(r->set, r->outdir, "", err) != FS_OK)
        return err->code;
    for (i = 0; r->k > 1 && i < r->k; i++)
        if (remove_stale(r->set, r->outdir, r->labels[i], err) != FS_OK)
            return err->code;
    st = fs_outset_commit(r->set, err);
    r->set = NULL;
    if (st != FS_OK)
        return st;
    fs_fsio_keep_made();
    return r->o.charts ? draw(r, err) : FS_OK;
}

void fs_runner_free(fs_runner *r)
{
    int i;
    if (r == NULL)
        return;
    fs_outset_abort(r->set);
    /* Stopped before the commit: the directories it made are empty. */
    fs_fsio_remove_made();
    fs_engine_free(r->eng);
    for (i = 0; i < FS_MAX_COMPARE; i++)
        fs_scenario_free(r->sc[i]);
    for (i = 0; i < FS_MAX_EFFECTS; i++)
        fs_scenario_free(r->muted[i]);
    fs_scenario_free(r->base);
    for (i = 0; r->post && i < FS_MAX_COMPARE; i++)
        fs_posterior_scenarios_free(r->parts[i], r->post->n);
    fs_posterior_free(r->post);
    free(r->effects);
    fs_outlock_release(r->lock);
    free(r);
}
