/* report_calibrate.c: the report of a calibration directory
 * (report_kind.h): calibrate.md with the marginals under the posterior,
 * the pairs under the trade-offs, the predictive check and targets.csv
 * as a table under the predictive check, the tolerance under how it ran,
 * and a footer with the counts and the checksums of the files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "html.h"
#include "plot_calibrate.h"
#include "report_kind.h"

#define CAL(r) ((const fs_cdir *)fs_report_data(r))
#define G3(x) num(f, (x))

/* x with 3 significant digits, or as a whole number from 1000 on (a
 * figure of 4400 reads "4400", not "4.4e+03"). */
static void num(FILE *f, double x)
{
    if (fabs(x) >= 1000 && fabs(x) < 1e15)
        fprintf(f, "%.0f", x);
    else
        fs_report_num(f, x, 3);
}

static void interval(FILE *f, double e, double lo, double hi)
{
    num(f, e);
    fputs(" (", f);
    num(f, lo);
    fputs(" to ", f);
    num(f, hi);
    fputs(")", f);
}

static void *load(const char *dir, fs_err *err)
{
    return fs_cdir_load(dir, err);
}

static void release(void *data)
{
    fs_cdir_free(data);
}

static fs_status draw(const char *dir, void *data, const fs_plot_opts *o, fs_err *err)
{
    (void)dir;
    return fs_plot_calibrate_data(data, o, err);
}

static double wq(const fs_cdir *c, int k, double q)
{
    return fs_weighted_quantile(c->param[k].x, c->weight, c->param[k].order, c->n, q);
}

static void d_marginals(const fs_report *r, const char *chart, FILE *f)
{
    const fs_cdir *c = CAL(r);
    char prior[256];
    int k;
    (void)chart;
    fprintf(f, "Each parameter's prior density against its posterior (%zu weighted particles, "
            "effective sample size ", c->n);
    fs_report_num(f, c->ess, 3);
    fputs("): ", f);
    for (k = 0; k < c->nparams; k++) {
        const fs_prior *p = &c->param[k].prior;
        double plo = fs_cdir_prior_quantile(p, 0.05), phi = fs_cdir_prior_quantile(p, 0.95);
        if (p->integer)
            plo = floor(plo + 0.5), phi = floor(phi + 0.5);
        double lo = wq(c, k, 0.05), hi = wq(c, k, 0.95);
        fs_cdir_prior_text(p, prior, sizeof prior);
        fprintf(f, "%s%s: prior %s, its 90%% from ", k ? "; " : "", c->param[k].label, prior);
        G3(plo);
        fputs(" to ", f);
        G3(phi);
        fputs(", posterior median ", f);
        interval(f, wq(c, k, 0.5), lo, hi);
        if (phi > plo) {
            fputs(", ", f);
            fs_report_num(f, 100 * (hi - lo) / (phi - plo), 2);
            fputs("% of the prior's width", f);
        }
    }
    fputs(".", f);
}

typedef struct pair {
    int i, j;
    double r;
} pair;

static int by_strength(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    double u = isnan(x->r) ? -1 : fabs(x->r), v = isnan(y->r) ? -1 : fabs(y->r);
    return u > v ? -1 : u < v ? 1 : x->i != y->i ? x->i - y->i : x->j - y->j;
}

static void d_pairs(const fs_report *r, const char *chart, FILE *f)
{
    const fs_cdir *c = CAL(r);
    int k = c->nparams, n = 0, i, j, shown;
    pair *p = malloc((size_t)(k * (k - 1) / 2 + 1) * sizeof *p);
    (void)chart;
    fprintf(f, "The weighted posterior of every pair of the %d parameters: each particle as a "
            "dot sized by its weight, each parameter's posterior on the diagonal", k);
    if (p == NULL || k < 2) {
        fputs(".", f);
        free(p);
        return;
    }
    for (i = 0; i < k; i++)
        for (j = i + 1; j < k; j++)
            p[n].i = i, p[n].j = j, p[n++].r = fs_cdir_corr(c, i, j);
    qsort(p, (size_t)n, sizeof *p, by_strength);
    shown = n < 10 ? n : 10;
    fprintf(f, ", and the weighted correlations%s: ", shown < n ? ", strongest first" : "");
    for (i = 0; i < shown; i++) {
        fprintf(f, "%s%s and %s ", i ? "; " : "", c->param[p[i].i].label, c->param[p[i].j].label);
        fs_report_num(f, p[i].r, 2);
    }
    if (shown < n) {
        fprintf(f, "; the other %d pairs are weaker", n - shown);
    }
    fputs(".", f);
    free(p);
}

static void d_predictive(const fs_report *r, const char *chart, FILE *f)
{
    const fs_cdir *c = CAL(r);
    int k;
    (void)chart;
    fprintf(f, "Each target's value in one model run for each of %zu draws from the posterior, "
            "against the reported figure and its sd: ", c->ndraws);
    for (k = 0; k < c->ntargets; k++) {
        const fs_cdir_target *g = &c->target[k];
        size_t i, below = 0;
        for (i = 0; i < c->ndraws; i++)
            below += g->draw[i] <= g->figure;
        fprintf(f, "%s%s%s: reported ", k ? "; " : "", g->name,
                g->held_out ? " (held out of the fit)" : "");
        G3(g->figure);
        fputs(" (sd ", f);
        G3(g->sd);
        fputs(")", f);
        if (c->ndraws) {
            fputs(", predictive median ", f);
            interval(f, fs_weighted_quantile(g->draw, NULL, g->order, c->ndraws, 0.5),
                               fs_weighted_quantile(g->draw, NULL, g->order, c->ndraws, 0.05),
                               fs_weighted_quantile(g->draw, NULL, g->order, c->ndraws, 0.95));
            fputs(", ", f);
            fs_report_pct(f, (double)below / (double)c->ndraws);
            fputs(" of draws at or below it", f);
        }
    }
    fputs(".", f);
}

static void d_tolerance(const fs_report *r, const char *chart, FILE *f)
{
    const fs_cdir *c = CAL(r);
    int g, first = -1, last = c->ngens - 1;
    (void)chart;
    for (g = 0; g < c->ngens && first < 0; g++)
        if (isfinite(c->tolerance[g]))
            first = g;
    fprintf(f, "By generation (generations.csv, %d rows): ", c->ngens);
    if (first >= 0) {
        fputs("the tolerance from ", f);
        G3(c->tolerance[first]);
        fprintf(f, " at generation %d to ", first);
        G3(c->tolerance[last]);
        fprintf(f, " at generation %d; ", last);
    }
    fputs("the acceptance rate from ", f);
    fs_report_pct(f, c->acceptance[0]);
    fputs(" to ", f);
    fs_report_pct(f, c->acceptance[last]);
    fputs("; the effective sample size from ", f);
    G3(c->gen_ess[0]);
    fputs(" to ", f);
    G3(c->gen_ess[last]);
    fprintf(f, " of %zu particles; ", c->n);
    fprintf(f, "%.0f", c->runs[last]);
    fputs(" model runs in these generations (calibrate.md counts those of a generation "
          "a stop rule cut short too).", f);
}

static void t_targets(const fs_report *r, FILE *f)
{
    static const char *const cols[] = {"target", "figure", "sd", "uncertainty", "held_out",
                                       "mapping", "source"};
    static const char *const heads[] = {"target", "reported", "sd", "uncertainty", "held out",
                                        "model quantity", "source"};
    fs_csv *t = NULL;
    fs_err e;
    fs_err_clear(&e);
    if (fs_csv_open_in(fs_report_dir(r), "targets.csv", &t, &e) != FS_OK)
        return;
    fs_report_csv_table(f, t, "The targets (targets.csv)", cols, heads, 7);
    fs_csv_free(t);
}

static void footer(const fs_report *r, FILE *f)
{
    const fs_cdir *c = CAL(r);
    int k, held = 0;
    for (k = 0; k < c->ntargets; k++)
        held += c->target[k].held_out;
    fputs("<p>foresight ", f);
    fs_html_text(f, FS_VERSION);
    fprintf(f, ": a calibration of %d parameters to %d targets (%d held out), %zu particles "
            "after %d generations, ", c->nparams, c->ntargets - held, held, c->n, c->ngens);
    fprintf(f, "%.0f", c->runs[c->ngens - 1]);
    fputs(" model runs.</p>\n<p>To reproduce these numbers: <code>foresight calibrate "
          "FILE -o again</code> with the calibration file named in calibrate.md (its seed "
          "and settings are there too); <code>foresight plot DIR</code> redraws the charts "
          "from the files.</p>\n<p>", f);
    fs_report_checksum(r, f, fs_report_dir(r), "priors.csv");
    fputs("; ", f);
    fs_report_checksum(r, f, fs_report_dir(r), "posterior.csv");
    fputs("; ", f);
    fs_report_checksum(r, f, fs_report_dir(r), "targets.csv");
    fputs(".</p>\n", f);
}

static const fs_report_item items[] = {
    { "calibrate_marginals", "## What the figures taught", d_marginals, NULL },
    { "calibrate_pairs", "## Pairs that trade off", d_pairs, NULL },
    { "calibrate_predictive", "## Posterior predictive check", d_predictive, NULL },
    { NULL, "## Posterior predictive check", NULL, t_targets },
    { "calibrate_tolerance", "## Generations", d_tolerance, NULL },
};

const fs_report_kind fs_report_calibrate_kind = {
    "calibrate", "posterior.csv", "calibrate.md", items, (int)(sizeof items / sizeof items[0]),
    load, release, draw, footer
};
