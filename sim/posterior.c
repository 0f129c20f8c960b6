/* posterior.c: reading a posterior, drawing particles for runs, and
 * building each particle's scenario (see posterior.h). */
#include "posterior.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "csvread.h"
#include "fileread.h"
#include "fsio.h"
#include "metrics.h"
#include "rng.h"

void fs_posterior_free(fs_posterior *p)
{
    int k;
    if (p == NULL)
        return;
    for (k = 0; p->paths && k < p->nparams; k++)
        free(p->paths[k]);
    for (k = 0; p->labels && k < p->nparams; k++)
        free(p->labels[k]);
    free(p->paths);
    free(p->labels);
    free(p->integer);
    free(p->value);
    free(p->weight);
    free(p->cum);
    free(p->mean);
    free(p->dir);
    free(p->file);
    free(p);
}

/* FNV-1a of the file's bytes (read again: the CSV reader keeps no copy). */
static fs_status file_hash(const char *path, uint64_t *h, fs_err *err)
{
    FILE *f = fs_open_regular(path, "a posterior.csv", FS_CSV_MAX_BYTES, err);
    char buf[65536];
    size_t n;

    if (f == NULL)
        return FS_ECONFIG;
    *h = FS_FNV_INIT;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        *h = fs_fnv1a(*h, buf, n);
    n = ferror(f);
    fclose(f);
    return n ? fs_err_set(err, FS_ECONFIG, "%s: cannot be read to the end", path) : FS_OK;
}

fs_status fs_posterior_hash(const char *dir, uint64_t *h, fs_err *err)
{
    char path[4096];
    if (fs_path_join(path, sizeof path, dir, "posterior.csv") == NULL)
        return fs_err_set(err, FS_ECONFIG, "posterior %s: path too long", dir);
    return file_hash(path, h, err);
}

/* The header: particle, the paths, weight, then at most distance. */
static fs_status read_header(fs_posterior *p, const fs_csv *c, int *wcol, fs_err *err)
{
    int k, j, nc = fs_csv_ncols(c);

    if (nc < 1 || strcmp(fs_csv_header(c, 0), "particle") != 0)
        return fs_err_set(err, FS_ECONFIG, "%s:1: expected the header particle,<setting "
                          "path>...,weight,distance (foresight calibrate's posterior.csv), "
                          "found '%s' first", p->file, nc ? fs_csv_header(c, 0) : "");
    *wcol = fs_csv_col(c, "weight");
    if (*wcol < 0)
        return fs_err_set(err, FS_ECONFIG, "%s:1: expected a column 'weight', found none",
                          p->file);
    if (*wcol < 2)
        return fs_err_set(err, FS_ECONFIG, "%s:1: expected at least one setting path "
                          "between 'particle' and 'weight', found none", p->file);
    if (nc > *wcol + 2 || (nc == *wcol + 2 && strcmp(fs_csv_header(c, nc - 1), "distance")))
        return fs_err_set(err, FS_ECONFIG, "%s:1: expected only 'distance' after 'weight', "
                          "found '%s'", p->file, fs_csv_header(c, *wcol + 1));
    p->nparams = *wcol - 1;
    if (p->nparams > FS_POSTERIOR_MAX_PARAMS)
        return fs_err_set(err, FS_ECONFIG, "%s:1: %d parameters; at most %d", p->file,
                          p->nparams, FS_POSTERIOR_MAX_PARAMS);
    if ((p->paths = calloc(p->nparams, sizeof *p->paths)) == NULL ||
        (p->integer = calloc(p->nparams, sizeof *p->integer)) == NULL ||
        (p->mean = calloc(p->nparams, sizeof *p->mean)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    for (k = 0; k < p->nparams; k++) {
        const char *h = fs_csv_header(c, k + 1);
        if (h[0] == '\0')
            return fs_err_set(err, FS_ECONFIG, "%s:1: column %d: expected a setting path, "
                              "found an empty name", p->file, k + 2);
        for (j = 0; j < k; j++)
            if (strcmp(p->paths[j], h) == 0)
                return fs_err_set(err, FS_ECONFIG, "%s:1: column %d: setting '%s' appears "
                                  "twice", p->file, k + 2, h);
        if ((p->paths[k] = strdup(h)) == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
    }
    return FS_OK;
}

static fs_status read_rows(fs_posterior *p, const fs_csv *c, int wcol, fs_err *err)
{
    size_t i, n = fs_csv_nrows(c);
    double sum = 0.0, v;
    int k;

    if (n == 0)
        return fs_err_set(err, FS_ECONFIG, "%s: expected at least one particle, found none "
                          "(every particle rejected?)", p->file);
    if (n > FS_POSTERIOR_MAX_PARTICLES)
        return fs_err_set(err, FS_ECONFIG, "%s: %zu particles; at most %d", p->file, n,
                          FS_POSTERIOR_MAX_PARTICLES);
    p->n = (int)n;
    if ((p->value = malloc(n * p->nparams * sizeof *p->value)) == NULL ||
        (p->weight = malloc(n * sizeof *p->weight)) == NULL ||
        (p->cum = malloc(n * sizeof *p->cum)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        if (fs_csv_num_req(c, i, 0, &v, err) != FS_OK)
            return FS_ECONFIG;
        if (v != (double)i)
            return fs_err_set(err, FS_ECONFIG, "%s:%d: column 'particle': expected %zu "
                              "(rows in particle order from 0), found '%s'", p->file,
                              fs_csv_line(c, i), i, fs_csv_str(c, i, 0));
        for (k = 0; k < p->nparams; k++)
            if (fs_csv_num_req(c, i, k + 1, &p->value[i * p->nparams + k], err) != FS_OK)
                return FS_ECONFIG;
        if (fs_csv_num_req(c, i, wcol, &v, err) != FS_OK)
            return FS_ECONFIG;
        if (!(v >= 0.0 && v <= 1.0))
            return fs_err_set(err, FS_ECONFIG, "%s:%d: column 'weight': expected a number "
                              "from 0 to 1, found '%s'", p->file, fs_csv_line(c, i),
                              fs_csv_str(c, i, wcol));
        p->weight[i] = v;
        sum += v;
        p->cum[i] = sum;
    }
    if (fabs(sum - 1.0) > 1e-9)
        return fs_err_set(err, FS_ECONFIG, "%s: the weights sum to %.17g; expected 1 "
                          "(within 1e-9: a posterior's weights are normalised)", p->file, sum);
    for (k = 0; k < p->nparams; k++) {
        double m = 0.0;
        for (i = 0; i < n; i++)
            m += p->weight[i] * p->value[i * p->nparams + k];
        p->mean[k] = m / sum;
    }
    return FS_OK;
}

/* The parameters' labels: priors.csv's `label` column where its
 * `parameter` names one of them, else the path. The file is optional (a
 * posterior.csv alone is a posterior), so it is read quietly: a missing or
 * unreadable one only leaves the paths. */
static fs_status read_labels(fs_posterior *p, fs_err *err)
{
    fs_csv *c = NULL;
    fs_err quiet;
    int k, pc = -1, lc = -1;

    if ((p->labels = calloc(p->nparams, sizeof *p->labels)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    fs_err_clear(&quiet);
    if (fs_csv_open_in(p->dir, "priors.csv", &c, &quiet) == FS_OK) {
        pc = fs_csv_col(c, "parameter");
        lc = fs_csv_col(c, "label");
    }
    for (k = 0; k < p->nparams; k++) {
        const char *label = p->paths[k];
        size_t i;
        for (i = 0; c && pc >= 0 && lc >= 0 && i < fs_csv_nrows(c); i++)
            if (strcmp(fs_csv_str(c, i, pc), p->paths[k]) == 0 && fs_csv_str(c, i, lc)[0])
                label = fs_csv_str(c, i, lc);
        if ((p->labels[k] = strdup(label)) == NULL) {
            fs_csv_free(c);
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        }
    }
    fs_csv_free(c);
    return FS_OK;
}

fs_status fs_posterior_read(const char *dir, fs_posterior **out, fs_err *err)
{
    fs_posterior *p = calloc(1, sizeof *p);
    fs_csv *c = NULL;
    char path[4096];
    int wcol = -1;
    fs_status st;

    *out = NULL;
    if (p == NULL || (p->dir = strdup(dir)) == NULL)
        goto nomem;
    if (fs_path_join(path, sizeof path, dir, "posterior.csv") == NULL)
        return fs_posterior_free(p), fs_err_set(err, FS_ECONFIG, "posterior %s: path too long",
                                                dir);
    if ((p->file = strdup(path)) == NULL)
        goto nomem;
    if ((c = fs_csv_read(path, err)) == NULL) {
        if (err->code == FS_EIO) {   /* a missing file is the user's to fix: exit 2 */
            char msg[FS_ERR_MSG_MAX];
            snprintf(msg, sizeof msg, "%s", err->msg);
            fs_err_set(err, FS_ECONFIG, "posterior %s: expected the output directory of "
                       "foresight calibrate, with its posterior.csv: %s", dir, msg);
        }
        fs_posterior_free(p);
        return err->code;
    }
    if ((st = read_header(p, c, &wcol, err)) != FS_OK ||
        (st = read_rows(p, c, wcol, err)) != FS_OK || (st = file_hash(path, &p->hash, err)) != FS_OK ||
        (st = read_labels(p, err)) != FS_OK) {
        fs_csv_free(c);
        fs_posterior_free(p);
        return st;
    }
    fs_csv_free(c);
    *out = p;
    return FS_OK;
nomem:
    fs_posterior_free(p);
    return fs_err_set(err, FS_ENOMEM, "out of memory");
}

int fs_posterior_pick(const fs_posterior *p, gsl_rng *r, uint64_t seed, long run)
{
    double u, hi, lo;
    int a = 0, b = p->n - 1;

    fs_rng_seed(r, seed, (uint64_t)(run / 2));
    fs_rng_substream(r, FS_RNG_MAJOR_POSTERIOR, 0);
    /* 64 random bits: u in [0, 1) with every weight resolved. */
    hi = (double)gsl_rng_get(r);
    lo = (double)gsl_rng_get(r);
    u = (hi + lo * 0x1p-32) * 0x1p-32 * p->cum[p->n - 1];
    /* The first particle whose running sum exceeds u: one of positive
     * weight, since its sum exceeds the one before. */
    while (a < b) {
        int m = a + (b - a) / 2;
        if (p->cum[m] > u)
            b = m;
        else
            a = m + 1;
    }
    while (a > 0 && p->weight[a] == 0.0)   /* u rounded up to the last sum */
        a--;
    return a;
}

fs_status fs_posterior_check(fs_posterior *p, const fs_scenario *sc, fs_err *err)
{
    int k, q;
    double v;
    for (k = 0; k < p->nparams; k++) {
        if (strcmp(p->paths[k], "runs") == 0 || strcmp(p->paths[k], "seed") == 0)
            return fs_err_set(err, FS_ECONFIG, "%s:1: column %d: '%s' is not a parameter of "
                              "the model: a posterior cannot set it", p->file, k + 2,
                              p->paths[k]);
        if (fs_scenario_get(sc, p->paths[k], &v, &p->integer[k]) != 0)
            return fs_err_set(err, FS_ECONFIG, "%s:1: column %d: '%s' is not a numeric "
                              "setting of %s (paths as --set takes them; foresight check "
                              "--paths lists them)", p->file, k + 2, p->paths[k], sc->path);
        for (q = 0; p->integer[k] && q < p->n; q++) {
            double x = p->value[q * p->nparams + k];
            if (x != floor(x))
                return fs_err_set(err, FS_ECONFIG, "%s: particle %d: %s: expected a whole "
                                  "number (an integer setting), found %.17g", p->file, q,
                                  p->paths[k], x);
        }
    }
    return FS_OK;
}

fs_status fs_posterior_overlap(const fs_posterior *p, const char *const *paths, int n,
                               const char *what, fs_err *err)
{
    int i, k;
    for (i = 0; i < n; i++)
        for (k = 0; k < p->nparams; k++)
            if (strcmp(paths[i], p->paths[k]) == 0)
                return fs_err_set(err, FS_ECONFIG, "%s sets %s, which the posterior %s draws "
                                  "for every run: leave it to one of them", what, paths[i],
                                  p->file);
    return FS_OK;
}

fs_status fs_posterior_check_batch(const fs_scenario *base, const fs_override *sets, int nsets,
                                   const char *const *paths, int n, const char *file,
                                   fs_err *err)
{
    const char *setp[256];
    fs_posterior *p = NULL;
    int i;
    fs_status st;

    if (base->posterior == NULL)
        return FS_OK;
    for (i = 0; i < nsets && i < 256; i++)
        setp[i] = sets[i].path;
    if ((st = fs_posterior_read(base->posterior, &p, err)) == FS_OK &&
        (st = fs_posterior_check(p, base, err)) == FS_OK &&
        (st = fs_posterior_overlap(p, setp, i, "--set", err)) == FS_OK)
        st = fs_posterior_overlap(p, paths, n, "a parameter of the file", err);
    fs_posterior_free(p);
    if (st == FS_ECONFIG) {
        char msg[FS_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        fs_err_set(err, st, "%s: %s", file, msg);
    }
    return st;
}

void fs_posterior_overrides(const fs_posterior *p, int q, fs_override *ov, char (*text)[64])
{
    int k;
    for (k = 0; k < p->nparams; k++) {
        double x = p->value[q * p->nparams + k];
        if (p->integer[k])
            snprintf(text[k], 64, "%.0f", x);
        else
            snprintf(text[k], 64, "%.17g", x);
        ov[k].path = p->paths[k];
        ov[k].value = text[k];
    }
}

/* Whether two scenarios give the model the same shape: a run on one
 * must fit the other's observation vectors and workspaces. */
static int same_shape(const fs_scenario *a, const fs_scenario *b)
{
    fs_layout la, lb;
    int i;
    memset(&la, 0, sizeof la);
    memset(&lb, 0, sizeof lb);
    fs_layout_init(&la, a);
    fs_layout_init(&lb, b);
    if (memcmp(&la, &lb, sizeof la) != 0 || a->nborders != b->nborders)
        return 0;
    for (i = 0; i < a->nborders; i++)
        if (a->borders[i].a != b->borders[i].a || a->borders[i].b != b->borders[i].b)
            return 0;
    for (i = 0; i < a->nactors; i++)
        if (a->actors[i].role != b->actors[i].role)
            return 0;
    return 1;
}

/* Marks in used the particles runs 0 .. runs-1 draw. */
static fs_status mark_used(const fs_posterior *p, const fs_scenario *base, long runs,
                           unsigned char *used, fs_err *err)
{
    long j, pairs = (runs + 1) / 2;
    int q;
    gsl_rng *r;

    if (pairs >= p->n) {   /* most will be drawn: build every one that can be */
        for (q = 0; q < p->n; q++)
            used[q] = p->weight[q] > 0.0;
        return FS_OK;
    }
    if ((r = fs_rng_alloc()) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    for (j = 0; j < pairs; j++)
        used[fs_posterior_pick(p, r, base->seed, 2 * j)] = 1;
    gsl_rng_free(r);
    return FS_OK;
}

fs_status fs_posterior_scenarios(const fs_posterior *p, const fs_scenario *base, long runs,
                                 fs_posterior_loader load, void *ctx, fs_scenario ***out,
                                 fs_err *err)
{
    fs_override ov[FS_POSTERIOR_MAX_PARAMS];
    char text[FS_POSTERIOR_MAX_PARAMS][64];
    fs_scenario **sc = calloc(p->n, sizeof *sc);
    unsigned char *used = calloc(p->n, 1);
    int q;
    fs_status st = FS_OK;

    *out = NULL;
    if (sc == NULL || used == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory");
        goto done;
    }
    if ((st = mark_used(p, base, runs, used, err)) != FS_OK)
        goto done;
    for (q = 0; q < p->n; q++) {
        if (!used[q])
            continue;
        fs_posterior_overrides(p, q, ov, text);
        if ((st = load(ctx, ov, p->nparams, &sc[q], err)) != FS_OK) {
            if (st == FS_ECONFIG || st == FS_EUSAGE) {
                char msg[FS_ERR_MSG_MAX];
                snprintf(msg, sizeof msg, "%s", err->msg);
                st = fs_err_set(err, FS_ECONFIG, "%s: particle %d: %s", p->file, q, msg);
            }
            goto done;
        }
        if (!same_shape(base, sc[q])) {
            st = fs_err_set(err, FS_ECONFIG, "%s: particle %d changes the model's layout of %s "
                            "(its steps, actors, threats, mechanisms, injects, borders, roles "
                            "or tracked pairs): a posterior can vary only settings that keep "
                            "it", p->file, q, base->path);
            goto done;
        }
        sc[q]->runs = base->runs;
        sc[q]->seed = base->seed;
    }
done:
    free(used);
    if (st != FS_OK) {
        fs_posterior_scenarios_free(sc, p->n);
        return st;
    }
    *out = sc;
    return FS_OK;
}

void fs_posterior_scenarios_free(fs_scenario **sc, int n)
{
    int q;
    if (sc == NULL)
        return;
    for (q = 0; q < n; q++)
        fs_scenario_free(sc[q]);
    free(sc);
}

double fs_posterior_param_share(double total, double within)
{
    double s;
    if (!(total > 0.0))
        return NAN;
    s = (total - within) / total;
    return s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s;
}

int fs_posterior_ncells(const fs_posterior *p)
{
    return FS_HEAD_N + p->nparams + FS_HEAD_N * p->nparams;
}

void fs_posterior_observe(const fs_posterior *p, int q, const double *y, const double *prev,
                          double *out)
{
    const double *th = p->value + (size_t)q * p->nparams;
    int h, k;
    for (h = 0; h < FS_HEAD_N; h++) {
        double d = prev ? y[h] - prev[h] : NAN;
        out[h] = 0.5 * d * d;
    }
    for (k = 0; k < p->nparams; k++) {
        double c = th[k] - p->mean[k];
        out[fs_posterior_theta_cell(k)] = c;
        for (h = 0; h < FS_HEAD_N; h++)
            out[fs_posterior_cross_cell(p, h, k)] = c * y[h];
    }
}

void fs_posterior_split_of(const fs_posterior *p, const fs_acc *post, const fs_moments *y,
                           int h, fs_posterior_split *out)
{
    const fs_moments *w = fs_acc_moments(post, h);
    double sd = fs_moments_sd(y);
    int k;

    out->pairs = w->n;
    out->total = sd * sd;
    out->within = w->n > 0 ? w->mean : NAN;
    out->param_share = w->n > 0 ? fs_posterior_param_share(out->total, out->within) : NAN;
    out->best = -1;
    for (k = 0; k < p->nparams; k++) {
        const fs_moments *t = fs_acc_moments(post, fs_posterior_theta_cell(k));
        const fs_moments *c = fs_acc_moments(post, fs_posterior_cross_cell(p, h, k));
        double st = fs_moments_sd(t);
        /* Cov(theta, Y) = E[theta_c Y] - E[theta_c] E[Y], theta_c centred on
         * the posterior mean so that the difference does not cancel. Both
         * cells count the runs where Y is a number. */
        double cov = c->n > 1 ? (c->mean - t->mean * y->mean) * c->n / (c->n - 1.0) : NAN;
        out->r2[k] = st > 0.0 && sd > 0.0 ? cov * cov / (st * st * out->total) : NAN;
        if (out->r2[k] > 1.0)
            out->r2[k] = 1.0;
        if (!isnan(out->r2[k]) && (out->best < 0 || out->r2[k] > out->r2[out->best]))
            out->best = k;
    }
}
