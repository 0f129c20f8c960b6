/* plot_load.c: reads a run directory's CSV files (docs/OUTPUTS.md) into an
 * fs_plot_data for the charts, checking each file against its format. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "fsio.h"

#define PATH_LEN 4096
#define MAX_STEPS 100000

static const char *const series_names[FS_SERIES_N] = {
    "threat_index", "plots", "foiled", "attacks", "casualties", "cohesion", "cost"
};
static const char *const summary_names[FS_SUM_N] = {
    "attacks", "foiled", "casualties", "cost"
};



/* Reads numeric columns idx[0..n-1] of a row into out[]. */
static fs_status csv_nums(const fs_csv *c, size_t row, const int *idx, double *out, int n,
                          fs_err *err)
{
    int i;
    for (i = 0; i < n; i++)
        if (fs_csv_num(c, row, idx[i], &out[i], err) != FS_OK)
            return FS_ECONFIG;
    return FS_OK;
}

static char *dup_str(const char *s)
{
    return strdup(s ? s : "");
}

static double *nan_array(size_t n)
{
    double *a = malloc((n ? n : 1) * sizeof *a);
    size_t i;
    for (i = 0; a && i < n; i++)
        a[i] = NAN;
    return a;
}

/* One block holds the six arrays of a band; mean is its start. */
static int band_alloc(fs_band *b, int n)
{
    double *blk = nan_array((size_t)6 * n);
    if (blk == NULL)
        return -1;
    b->mean = blk;
    b->p5 = blk + n;
    b->p25 = blk + 2 * n;
    b->p50 = blk + 3 * n;
    b->p75 = blk + 4 * n;
    b->p95 = blk + 5 * n;
    return 0;
}

/* Parses an integer step field in 0..steps. */
static fs_status csv_step(const fs_csv *c, size_t row, int col, int steps, int *out, fs_err *err)
{
    double v;
    if (fs_csv_num_req(c, row, col, &v, err) != FS_OK)
        return FS_ECONFIG;
    if (v != floor(v) || v < 0 || v > steps)
        return fs_csv_error(c, row, col, err, "step %s is not a whole number in 0..%d",
                            fs_csv_str(c, row, col), steps);
    *out = (int)v;
    return FS_OK;
}

static fs_status meta_number(const fs_csv *c, size_t row, int col, double *out, fs_err *err)
{
    return fs_csv_num_req(c, row, col, out, err);
}

static fs_status load_meta(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "key", "value" };
    int col[2], have_steps = 0;
    double steps = 0;
    size_t r;

    if (fs_csv_require_all(c, names, col, 2, err) != FS_OK)
        return FS_ECONFIG;
    d->runs = NAN;
    d->mass_casualty = NAN;
    d->failure_stability = NAN;
    d->escalation_ratio = NAN;
    for (r = 0; r < fs_csv_nrows(c); r++) {
        const char *k = fs_csv_str(c, r, col[0]), *v = fs_csv_str(c, r, col[1]);
        char **slot = strcmp(k, "name") == 0 ? &d->name
                      : strcmp(k, "step_unit") == 0 ? &d->step_unit
                      : strcmp(k, "seed") == 0 ? &d->seed : NULL;
        if (slot) {
            free(*slot);
            if ((*slot = dup_str(v)) == NULL)
                return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
        } else if (strcmp(k, "steps") == 0) {
            if (meta_number(c, r, col[1], &steps, err) != FS_OK)
                return FS_ECONFIG;
            if (steps != floor(steps) || steps < 0 || steps > MAX_STEPS)
                return fs_csv_error(c, r, col[1], err, "steps must be a whole number in 0..%d",
                                    MAX_STEPS);
            have_steps = 1;
        } else if (strcmp(k, "runs") == 0) {
            if (meta_number(c, r, col[1], &d->runs, err) != FS_OK)
                return FS_ECONFIG;
        } else if (strcmp(k, "mass_casualty") == 0) {
            if (fs_csv_num(c, r, col[1], &d->mass_casualty, err) != FS_OK)
                return FS_ECONFIG;
        } else if (strcmp(k, "failure_stability") == 0) {
            if (fs_csv_num(c, r, col[1], &d->failure_stability, err) != FS_OK)
                return FS_ECONFIG;
        } else if (strcmp(k, "escalation_ratio") == 0) {
            if (fs_csv_num(c, r, col[1], &d->escalation_ratio, err) != FS_OK)
                return FS_ECONFIG;
        }
    }
    if (!have_steps || d->name == NULL || isnan(d->runs))
        return fs_err_set(err, FS_ECONFIG, "%s: needs the keys name, steps and runs",
                          fs_csv_path(c));
    if (d->step_unit == NULL && (d->step_unit = dup_str("step")) == NULL)
        return FS_ENOMEM;
    if (d->seed == NULL && (d->seed = dup_str("?")) == NULL)
        return FS_ENOMEM;
    d->steps = (int)steps;
    return FS_OK;
}

static fs_status load_summary(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "metric", "n", "mean", "sd", "se", "min", "p5",
                                         "p25", "p50", "p75", "p95", "max" };
    int col[12], i;
    size_t r;

    for (i = 0; i < FS_SUM_N; i++) {
        double *v = &d->summary[i].n;
        int j;
        for (j = 0; j < 11; j++)
            v[j] = NAN;
    }
    if (fs_csv_require_all(c, names, col, 12, err) != FS_OK)
        return FS_ECONFIG;
    for (r = 0; r < fs_csv_nrows(c); r++) {
        for (i = 0; i < FS_SUM_N; i++)
            if (strcmp(fs_csv_str(c, r, col[0]), summary_names[i]) == 0)
                break;
        if (i < FS_SUM_N && csv_nums(c, r, col + 1, &d->summary[i].n, 11, err) != FS_OK)
            return FS_ECONFIG;
    }
    return FS_OK;
}

static int actor_index(const fs_plot_data *d, const char *id)
{
    int i;
    for (i = 0; i < d->nactors; i++)
        if (strcmp(d->actors[i].id, id) == 0)
            return i;
    return -1;
}

static fs_status load_actors(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "actor", "name", "role" };
    size_t r, n = fs_csv_nrows(c);
    int col[3];

    if (fs_csv_require_all(c, names, col, 3, err) != FS_OK)
        return FS_ECONFIG;
    d->actors = calloc(n ? n : 1, sizeof *d->actors);
    if (d->actors == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
    for (r = 0; r < n; r++) {
        fs_plot_actor *a;
        if (fs_csv_str(c, r, col[0])[0] == '\0')
            return fs_csv_error(c, r, col[0], err, "empty actor id");
        if (actor_index(d, fs_csv_str(c, r, col[0])) >= 0)
            continue;
        a = &d->actors[d->nactors++];
        a->id = dup_str(fs_csv_str(c, r, col[0]));
        a->name = dup_str(fs_csv_str(c, r, col[1])[0] ? fs_csv_str(c, r, col[1])
                                                       : fs_csv_str(c, r, col[0]));
        a->role = dup_str(fs_csv_str(c, r, col[2]));
        if (a->id == NULL || a->name == NULL || a->role == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
    }
    return FS_OK;
}

static fs_status alloc_series(fs_plot_data *d, fs_err *err)
{
    int i, n = d->steps + 1;

    for (i = 0; i < FS_SERIES_N; i++)
        if (band_alloc(&d->region[i], n) != 0)
            goto nomem;
    d->stability = calloc(d->nactors ? d->nactors : 1, sizeof *d->stability);
    d->trust_initial = nan_array((size_t)d->nactors * d->nactors);
    d->trust_final = nan_array((size_t)d->nactors * d->nactors);
    d->p_escalated = nan_array(n);
    d->first_mass_casualty = nan_array(n);
    d->p_mass_casualty_by = nan_array(n);
    if (!d->stability || !d->trust_initial || !d->trust_final || !d->p_escalated
        || !d->first_mass_casualty || !d->p_mass_casualty_by)
        goto nomem;
    for (i = 0; i < d->nactors; i++)
        if (band_alloc(&d->stability[i], n) != 0)
            goto nomem;
    return FS_OK;
nomem:
    return fs_err_set(err, FS_ENOMEM, "out of memory loading %s", d->dir);
}

static void band_set(fs_band *b, int step, const double *v)
{
    b->mean[step] = v[0];
    b->p5[step] = v[1];
    b->p25[step] = v[2];
    b->p50[step] = v[3];
    b->p75[step] = v[4];
    b->p95[step] = v[5];
}

/* The index of pair scope ("A-B") among the tracked pairs, added on first
 * sight: -1 past FS_PLOT_MAX_PAIRS (left out), -2 when it is not a pair of
 * known actors, -3 out of memory. Ids have no '-' now, but directories
 * written before may hold some, so every '-' is tried as the joint. */
static int pair_index(fs_plot_data *d, const char *scope)
{
    const char *dash;
    char id[256];
    int a = -1, b = -1, i;

    for (dash = strchr(scope, '-'); dash; dash = strchr(dash + 1, '-')) {
        if ((size_t)(dash - scope) >= sizeof id)
            break;
        memcpy(id, scope, (size_t)(dash - scope));
        id[dash - scope] = '\0';
        if ((a = actor_index(d, id)) >= 0 && (b = actor_index(d, dash + 1)) >= 0)
            break;
    }
    if (a < 0 || b < 0)
        return -2;
    for (i = 0; i < d->npairs; i++)
        if (d->pair_a[i] == a && d->pair_b[i] == b)
            return i;
    if (d->npairs == FS_PLOT_MAX_PAIRS)
        return -1;
    if (band_alloc(&d->pair_trust[d->npairs], d->steps + 1) != 0)
        return -3;
    d->pair_a[d->npairs] = a;
    d->pair_b[d->npairs] = b;
    return d->npairs++;
}

static fs_status load_timeseries(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "step", "metric", "scope", "mean", "p5", "p25",
                                         "p50", "p75", "p95" };
    int col[9], step = 0, i;
    double v[6];
    size_t r;

    if (fs_csv_require_all(c, names, col, 9, err) != FS_OK)
        return FS_ECONFIG;
    for (r = 0; r < fs_csv_nrows(c); r++) {
        const char *metric = fs_csv_str(c, r, col[1]), *scope = fs_csv_str(c, r, col[2]);
        fs_band *b = NULL;
        if (csv_step(c, r, col[0], d->steps, &step, err) != FS_OK)
            return FS_ECONFIG;
        if (strcmp(scope, "region") == 0) {
            for (i = 0; i < FS_SERIES_N; i++)
                if (strcmp(metric, series_names[i]) == 0)
                    b = &d->region[i];
        } else if (strcmp(metric, "stability") == 0) {
            i = actor_index(d, scope);
            if (i < 0)
                return fs_csv_error(c, r, col[2], err, "actor '%s' is not in actors.csv", scope);
            b = &d->stability[i];
        } else if (strcmp(metric, "trust") == 0) {
            if ((i = pair_index(d, scope)) == -2)
                return fs_csv_error(c, r, col[2], err, "expected a pair A-B of actors in "
                                    "actors.csv, found '%s'", scope);
            if (i == -3)
                return fs_err_set(err, FS_ENOMEM, "out of memory loading %s", d->dir);
            b = i >= 0 ? &d->pair_trust[i] : NULL;
        }
        if (b == NULL)
            continue;
        if (csv_nums(c, r, col + 3, v, 6, err) != FS_OK)
            return FS_ECONFIG;
        band_set(b, step, v);
    }
    return FS_OK;
}

static fs_status load_trust(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "a", "b", "initial", "final_mean" };
    int col[4], k, a = 0, b = 0, n = d->nactors;
    double v[2];
    size_t r;

    if (fs_csv_require_all(c, names, col, 4, err) != FS_OK)
        return FS_ECONFIG;
    for (r = 0; r < fs_csv_nrows(c); r++) {
        for (k = 0; k < 2; k++) {
            int idx = actor_index(d, fs_csv_str(c, r, col[k]));
            if (idx < 0)
                return fs_csv_error(c, r, col[k], err, "actor '%s' is not in actors.csv",
                                    fs_csv_str(c, r, col[k]));
            if (k == 0)
                a = idx;
            else
                b = idx;
        }
        if (csv_nums(c, r, col + 2, v, 2, err) != FS_OK)
            return FS_ECONFIG;
        d->trust_initial[a * n + b] = d->trust_initial[b * n + a] = v[0];
        d->trust_final[a * n + b] = d->trust_final[b * n + a] = v[1];
    }
    return FS_OK;
}

static fs_status load_mechanisms(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "mechanism", "name", "type", "start", "end",
                                         "period", "mean_active_steps" };
    size_t r, n = fs_csv_nrows(c);
    int col[7];

    if (n == 0)
        return FS_OK;
    if (fs_csv_require_all(c, names, col, 7, err) != FS_OK)
        return FS_ECONFIG;
    d->mechanisms = calloc(n, sizeof *d->mechanisms);
    if (d->mechanisms == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
    for (r = 0; r < n; r++) {
        fs_plot_mechanism *m = &d->mechanisms[d->nmechanisms++];
        m->id = dup_str(fs_csv_str(c, r, col[0]));
        m->name = dup_str(fs_csv_str(c, r, col[1])[0] ? fs_csv_str(c, r, col[1]) : m->id);
        m->type = dup_str(fs_csv_str(c, r, col[2]));
        if (!m->id || !m->name || !m->type)
            return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
        if (csv_nums(c, r, col + 3, &m->start, 4, err) != FS_OK)
            return FS_ECONFIG;
        if (isnan(m->start) || isnan(m->end))
            return fs_csv_error(c, r, -1, err, "mechanism '%s' needs start and end", m->id);
    }
    return FS_OK;
}

static fs_status load_injects(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "inject", "label", "type", "step", "probability",
                                         "hazard", "start", "end", "fired_share",
                                         "mean_fire_step" };
    size_t r, n = fs_csv_nrows(c);
    int col[10], pcol = fs_csv_col(c, "pair"), tcol = fs_csv_col(c, "target");

    if (n == 0)
        return FS_OK;
    if (fs_csv_require_all(c, names, col, 10, err) != FS_OK)
        return FS_ECONFIG;
    d->injects = calloc(n, sizeof *d->injects);
    if (d->injects == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
    for (r = 0; r < n; r++) {
        fs_plot_inject *in = &d->injects[d->ninjects++];
        in->id = dup_str(fs_csv_str(c, r, col[0]));
        in->label = dup_str(fs_csv_str(c, r, col[1])[0] ? fs_csv_str(c, r, col[1]) : in->id);
        in->type = dup_str(fs_csv_str(c, r, col[2]));
        if (!in->id || !in->label || !in->type)
            return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
        if (csv_nums(c, r, col + 3, &in->step, 7, err) != FS_OK)
            return FS_ECONFIG;
        /* The pair it acts on; older files lack the column, where a trust
         * shock's target is its pair. */
        in->pair = dup_str(pcol >= 0 ? fs_csv_str(c, r, pcol)
                           : tcol >= 0 && strcmp(in->type, "trust_shock") == 0
                           ? fs_csv_str(c, r, tcol) : "");
        if (!in->pair)
            return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
    }
    return FS_OK;
}

static fs_status load_outcomes(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "outcome", "count", "runs", "probability", "lo95",
                                         "hi95" };
    size_t r, n = fs_csv_nrows(c);
    int col[6];

    if (fs_csv_require_all(c, names, col, 6, err) != FS_OK)
        return FS_ECONFIG;
    d->outcomes = calloc(n ? n : 1, sizeof *d->outcomes);
    if (d->outcomes == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
    for (r = 0; r < n; r++) {
        fs_plot_outcome *o = &d->outcomes[d->noutcomes++];
        if ((o->name = dup_str(fs_csv_str(c, r, col[0]))) == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
        if (csv_nums(c, r, col + 1, &o->count, 5, err) != FS_OK)
            return FS_ECONFIG;
        if (!(o->probability >= 0 && o->probability <= 1))
            return fs_csv_error(c, r, col[3], err, "probability '%s' is not in [0, 1]",
                                fs_csv_str(c, r, col[3]));
    }
    return FS_OK;
}

static fs_status load_earlywarning(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "step", "p_escalated", "first_mass_casualty",
                                         "p_mass_casualty_by" };
    int col[4], step = 0;
    double v[3];
    size_t r;

    if (fs_csv_require_all(c, names, col, 4, err) != FS_OK)
        return FS_ECONFIG;
    for (r = 0; r < fs_csv_nrows(c); r++) {
        if (csv_step(c, r, col[0], d->steps, &step, err) != FS_OK
            || csv_nums(c, r, col + 1, v, 3, err) != FS_OK)
            return FS_ECONFIG;
        d->p_escalated[step] = v[0];
        d->first_mass_casualty[step] = v[1];
        d->p_mass_casualty_by[step] = v[2];
    }
    return FS_OK;
}

static fs_status load_distributions(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "metric", "lo", "hi", "count" };
    size_t r, n = fs_csv_nrows(c);
    int col[4];

    if (fs_csv_require_all(c, names, col, 4, err) != FS_OK)
        return FS_ECONFIG;
    d->buckets = calloc(n ? n : 1, sizeof *d->buckets);
    if (d->buckets == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
    for (r = 0; r < n; r++) {
        fs_plot_bucket *b = &d->buckets[d->nbuckets];
        if (strcmp(fs_csv_str(c, r, col[0]), "casualties") != 0)
            continue;
        if (fs_csv_num_req(c, r, col[1], &b->lo, err) != FS_OK
            || fs_csv_num_req(c, r, col[2], &b->hi, err) != FS_OK
            || fs_csv_num_req(c, r, col[3], &b->count, err) != FS_OK)
            return FS_ECONFIG;
        if (b->hi < b->lo || b->count < 0)
            return fs_csv_error(c, r, -1, err, "bucket needs lo <= hi and count >= 0");
        d->nbuckets++;
    }
    return FS_OK;
}

typedef fs_status (*loader)(fs_plot_data *, const fs_csv *, fs_err *);

/* Opens one file, runs its loader, closes it. */
/* The columns that name a row of each file a run writes (foresight writes
 * one row per key), or NULL for a file not checked. */
static const char *const *row_keys(const char *name, int *n)
{
    static const char *const meta[] = {"key"}, *const actors[] = {"actor", "metric"},
        *const metric[] = {"metric"}, *const ts[] = {"step", "metric", "scope"},
        *const outcome[] = {"outcome"}, *const trust[] = {"a", "b"},
        *const mech[] = {"mechanism"}, *const inject[] = {"inject"}, *const step[] = {"step"},
        *const dist[] = {"metric", "lo"};
    static const struct { const char *file; const char *const *keys; int n; } t[] = {
        {"meta.csv", meta, 1}, {"actors.csv", actors, 2}, {"summary.csv", metric, 1},
        {"timeseries.csv", ts, 3}, {"outcomes.csv", outcome, 1}, {"trust.csv", trust, 2},
        {"mechanisms.csv", mech, 1}, {"injects.csv", inject, 1},
        {"earlywarning.csv", step, 1}, {"distributions.csv", dist, 2}};
    size_t i;
    for (i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].file, name) == 0) {
            *n = t[i].n;
            return t[i].keys;
        }
    return NULL;
}

static fs_status load_file(fs_plot_data *d, const char *name, loader fn, fs_err *err)
{
    fs_csv *c = NULL;
    fs_status st = fs_csv_open_in(d->dir, name, &c, err);
    const char *const *keys;
    int nkeys = 0;
    if (st == FS_OK && (keys = row_keys(name, &nkeys)) != NULL)
        st = fs_csv_unique(c, keys, nkeys, err);
    if (st == FS_OK)
        st = fn(d, c, err);
    fs_csv_free(c);
    return st;
}

/* A file that older run directories, and compared scenarios, lack. */
static fs_status load_optional(fs_plot_data *d, const char *name, loader fn, fs_err *err)
{
    char path[4096];
    if (fs_path_join(path, sizeof path, d->dir, name) == NULL || access(path, F_OK) != 0)
        return FS_OK;
    return load_file(d, name, fn, err);
}

/* The source index of label, added if new; -1 when there are too many,
 * -2 out of memory. */
static int effect_source(fs_plot_data *d, const char *label)
{
    int i;
    for (i = 0; i < d->nsources; i++)
        if (strcmp(d->source[i], label) == 0)
            return i;
    if (d->nsources == FS_PLOT_MAX_SOURCES)
        return -1;
    if ((d->source[i] = dup_str(label)) == NULL)
        return -2;
    return d->nsources++;
}

/* Rows of baseline.csv (base = 1) or inject_effects.csv into d->effects. */
static fs_status load_effects_rows(fs_plot_data *d, const fs_csv *c, int base, fs_err *err)
{
    static const char *const bnames[] = { "baseline", "metric", "target", "kind",
                                          "difference", "difference_lo95", "difference_hi95" };
    static const char *const inames[] = { "label", "metric", "target", "kind", "effect",
                                          "effect_lo95", "effect_hi95", "step" };
    size_t r, n = fs_csv_nrows(c);
    fs_plot_effect *e;
    int col[8], wcol[2];

    if (n == 0)
        return FS_OK;
    if (fs_csv_require_all(c, base ? bnames : inames, col, base ? 7 : 8, err) != FS_OK)
        return FS_ECONFIG;
    /* The means compared, for the charts' materiality rule; optional. */
    wcol[0] = fs_csv_col(c, base ? "scenario" : "with");
    wcol[1] = fs_csv_col(c, base ? "baseline_value" : "without");
    e = realloc(d->effects, (d->neffects + n) * sizeof *e);
    if (e == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
    d->effects = e;
    for (r = 0; r < n; r++) {
        char label[300];
        fs_plot_effect *x = &d->effects[d->neffects];
        if (base) {
            snprintf(label, sizeof label, "Against %s", fs_csv_str(c, r, col[0]));
            if (d->base_name == NULL && (d->base_name = dup_str(fs_csv_str(c, r, col[0]))) == NULL)
                return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
        } else {
            snprintf(label, sizeof label, "%s", fs_csv_str(c, r, col[0]));
        }
        memset(x, 0, sizeof *x);
        if ((x->source = effect_source(d, label)) == -2)
            return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
        if (x->source < 0)
            continue;   /* beyond the chart's colours: in the CSV only */
        x->metric = dup_str(fs_csv_str(c, r, col[1]));
        x->target = dup_str(fs_csv_str(c, r, col[2]));
        d->neffects++;
        if (x->metric == NULL || x->target == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
        x->outcome = strcmp(fs_csv_str(c, r, col[3]), "probability") == 0;
        x->step = NAN;
        x->with = x->without = NAN;
        if (csv_nums(c, r, col + 4, &x->diff, 3, err) != FS_OK ||
            (wcol[0] >= 0 && fs_csv_num(c, r, wcol[0], &x->with, err) != FS_OK) ||
            (wcol[1] >= 0 && fs_csv_num(c, r, wcol[1], &x->without, err) != FS_OK) ||
            (!base && fs_csv_str(c, r, col[7])[0] &&
             fs_csv_num(c, r, col[7], &x->step, err) != FS_OK))
            return FS_ECONFIG;
    }
    return FS_OK;
}

static fs_status load_baseline(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    return load_effects_rows(d, c, 1, err);
}

static fs_status load_inject_effects(fs_plot_data *d, const fs_csv *c, fs_err *err)
{
    return load_effects_rows(d, c, 0, err);
}

fs_plot_data *fs_plot_data_load(const char *dir, fs_err *err)
{
    fs_plot_data *d = calloc(1, sizeof *d);

    if (d == NULL || (d->dir = strdup(dir)) == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory loading %s", dir);
        goto fail;
    }
    if (load_file(d, "meta.csv", load_meta, err) != FS_OK
        || load_file(d, "actors.csv", load_actors, err) != FS_OK
        || alloc_series(d, err) != FS_OK
        || load_file(d, "summary.csv", load_summary, err) != FS_OK
        || load_file(d, "timeseries.csv", load_timeseries, err) != FS_OK
        || load_file(d, "outcomes.csv", load_outcomes, err) != FS_OK
        || load_file(d, "trust.csv", load_trust, err) != FS_OK
        || load_file(d, "mechanisms.csv", load_mechanisms, err) != FS_OK
        || load_file(d, "injects.csv", load_injects, err) != FS_OK
        || load_file(d, "earlywarning.csv", load_earlywarning, err) != FS_OK
        || load_file(d, "distributions.csv", load_distributions, err) != FS_OK
        || load_optional(d, "baseline.csv", load_baseline, err) != FS_OK
        || load_optional(d, "inject_effects.csv", load_inject_effects, err) != FS_OK)
        goto fail;
    return d;
fail:
    fs_plot_data_free(d);
    return NULL;
}

void fs_plot_data_free(fs_plot_data *d)
{
    int i;

    if (d == NULL)
        return;
    for (i = 0; i < FS_SERIES_N; i++)
        free(d->region[i].mean);
    for (i = 0; d->stability && i < d->nactors; i++)
        free(d->stability[i].mean);
    for (i = 0; i < d->npairs; i++)
        free(d->pair_trust[i].mean);
    for (i = 0; i < d->nactors; i++) {
        free(d->actors[i].id);
        free(d->actors[i].name);
        free(d->actors[i].role);
    }
    for (i = 0; i < d->nmechanisms; i++) {
        free(d->mechanisms[i].id);
        free(d->mechanisms[i].name);
        free(d->mechanisms[i].type);
    }
    for (i = 0; i < d->ninjects; i++) {
        free(d->injects[i].id);
        free(d->injects[i].label);
        free(d->injects[i].type);
        free(d->injects[i].pair);
    }
    for (i = 0; i < d->noutcomes; i++)
        free(d->outcomes[i].name);
    for (i = 0; i < d->neffects; i++) {
        free(d->effects[i].metric);
        free(d->effects[i].target);
    }
    for (i = 0; i < d->nsources; i++)
        free(d->source[i]);
    free(d->effects);
    free(d->base_name);
    free(d->stability);
    free(d->actors);
    free(d->mechanisms);
    free(d->injects);
    free(d->outcomes);
    free(d->buckets);
    free(d->trust_initial);
    free(d->trust_final);
    free(d->p_escalated);
    free(d->first_mass_casualty);
    free(d->p_mass_casualty_by);
    free(d->name);
    free(d->step_unit);
    free(d->seed);
    free(d->dir);
    free(d);
}
