/* plot_calibrate.c: the charts of a calibration, from its files alone
 * (plot_calibrate.h): marginals, pairs, the predictive check and the
 * tolerance by generation. */
#include "plot_calibrate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "fsio.h"

#define MAXBINS 120
#define CURVE 300      /* points of a prior density curve */
#define PAIRS_MAX 8    /* parameters in the pairs plot */

static fs_rgb grey(double v)
{
    fs_rgb g = {v, v, v};
    return g;
}

static fs_legend_item item(const char *label, fs_rgb col, fs_key key, double alpha)
{
    fs_legend_item it = {label, col, key, alpha, NULL, 0};
    return it;
}

/* v with three significant digits, thin spaces between thousands. */
static void num3(char *buf, size_t n, double v)
{
    int d = v == 0 || !isfinite(v) || v == floor(v) ? 0 : 2 - (int)floor(log10(fabs(v)));
    fs_format_number(buf, n, v, d < 0 ? 0 : d > 8 ? 8 : d);
}

static void source_note(const fs_cdir *c, char *buf, size_t n, const char *text,
                        const char *files)
{
    size_t len = strlen(c->dir);
    snprintf(buf, n, "%s\nSource: %s in %s%s.", text, files, len > 200 ? "..." : "",
             len > 200 ? c->dir + len - 200 : c->dir);
}

static void subtitle(const fs_cdir *c, char *buf, size_t n)
{
    char runs[64];
    fs_format_number(runs, sizeof runs, c->runs[c->ngens - 1], 0);
    snprintf(buf, n, "%zu weighted particles (effective sample size %.0f) after %d "
             "generation%s; %s model runs in all", c->n, c->ess, c->ngens,
             c->ngens == 1 ? "" : "s", runs);
}

/* ---- histograms ---- */

/* How a parameter's (or a target's) values are binned on its axis: bins of
 * width bw from edge0 in t = x (or log10 x when log). */
typedef struct bins {
    double lo, hi;     /* the axis range, in x */
    int log, integer;
    double edge0, bw;
    int nb;
} bins;

static double tx(const bins *b, double x) { return b->log ? log10(x) : x; }
static double xt(const bins *b, double t) { return b->log ? pow(10, t) : t; }

/* Bins over [lo, hi] that cut the core of the data (its 0.5% to 99.5%
 * weighted quantiles, spread over `core` bins) finely enough. */
static void bins_make(bins *b, double lo, double hi, int log, int integer, double qlo,
                      double qhi, int core)
{
    double span;
    b->log = log && lo > 0;
    b->integer = integer;
    if (integer) {
        b->edge0 = floor(lo + 0.5) - 0.5;
        span = floor(hi + 0.5) + 0.5 - b->edge0;
        b->bw = fmax(1, ceil(span / 60));
        b->nb = (int)ceil(span / b->bw);
        b->lo = b->edge0, b->hi = b->edge0 + b->nb * b->bw;
        return;
    }
    b->lo = lo, b->hi = hi > lo ? hi : lo + 1;
    b->edge0 = tx(b, b->lo);
    span = tx(b, b->hi) - b->edge0;
    b->bw = tx(b, qhi) - tx(b, qlo) > 0 ? (tx(b, qhi) - tx(b, qlo)) / core : span / 40;
    if (!(b->bw > 0) || span / b->bw > MAXBINS)
        b->bw = span / MAXBINS;
    b->nb = (int)ceil(span / b->bw - 1e-9);
    if (b->nb < 1)
        b->nb = 1;
}

/* Weighted mass of x in each bin, divided by the bin's width: a density
 * per unit of t (per integer for integer bins). w NULL: each value counts
 * 1 (then the heights are counts, not divided). */
static void bins_fill(const bins *b, const double *x, const double *w, size_t n, double *h)
{
    size_t i;
    int k;
    for (k = 0; k < b->nb; k++)
        h[k] = 0;
    for (i = 0; i < n; i++) {
        double t = tx(b, x[i]);
        k = (int)floor((t - b->edge0) / b->bw);
        k = k < 0 ? 0 : k >= b->nb ? b->nb - 1 : k;
        h[k] += w ? w[i] : 1;
    }
    if (w)
        for (k = 0; k < b->nb; k++)
            h[k] /= b->bw;
}

static void bins_draw(fs_chart *c, const fs_panel *p, const bins *b, const double *h,
                      fs_rgb col, double alpha)
{
    int k;
    for (k = 0; k < b->nb; k++)
        if (h[k] > 0)
            fs_chart_bar(c, p, xt(b, b->edge0 + k * b->bw), xt(b, b->edge0 + (k + 1) * b->bw),
                         0, h[k], col, alpha);
}

static double max_of(const double *v, int n)
{
    double m = 0;
    int i;
    for (i = 0; i < n; i++)
        if (isfinite(v[i]))
            m = fmax(m, v[i]);
    return m;
}

/* The prior on the bins' axis: a density curve per unit of t, or for an
 * integer its probability per integer, bin by bin (as steps). Returns the
 * number of points in px, py. */
static int prior_curve(const fs_prior *p, const bins *b, double *px, double *py)
{
    int i, n = 0;
    if (b->integer) {
        for (i = 0; i < b->nb; i++) {
            double a = b->edge0 + i * b->bw, z = a + b->bw;
            double m = (fs_cdir_prior_cdf(p, z) - fs_cdir_prior_cdf(p, a)) / b->bw;
            px[n] = a, py[n++] = m;
            px[n] = z, py[n++] = m;
        }
        return n;
    }
    for (i = 0; i < CURVE; i++) {
        double t = tx(b, b->lo) + (tx(b, b->hi) - tx(b, b->lo)) * i / (CURVE - 1);
        double x = xt(b, t);
        px[n] = x;
        py[n++] = fs_cdir_prior_pdf(p, x) * (b->log ? x * M_LN10 : 1);
    }
    return n;
}

/* A parameter's bins: its axis spans the prior's central 99% and every
 * particle; log for a loguniform or lognormal prior over two decades. */
static void param_bins(const fs_cdir *c, int k, int core, bins *b)
{
    const fs_cdir_param *q = &c->param[k];
    const fs_prior *p = &q->prior;
    double lo = fmin(fs_cdir_prior_quantile(p, 0.005), q->x[q->order[0]]);
    double hi = fmax(fs_cdir_prior_quantile(p, 0.995), q->x[q->order[c->n - 1]]);
    int log = (p->kind == FS_PRIOR_LOGUNIFORM || p->kind == FS_PRIOR_LOGNORMAL) && lo > 0 &&
              hi / lo >= 50;
    bins_make(b, lo, hi, log, p->integer,
              fs_weighted_quantile(q->x, c->weight, q->order, c->n, 0.005),
              fs_weighted_quantile(q->x, c->weight, q->order, c->n, 0.995), core);
}

static const char *density_label(const bins *b)
{
    if (b->integer)
        return b->bw == 1 ? "probability" : "probability per integer";
    return "density";
}

/* ---- calibrate_marginals ---- */

static fs_status draw_marginals(const void *data, fs_chart *ch, fs_err *err)
{
    const fs_cdir *c = data;
    double u = fs_chart_unit(ch), left = 0, h[MAXBINS], px[2 * MAXBINS + CURVE],
           py[2 * MAXBINS + CURVE];
    int k, cols, rows, logs = 0, core = (int)fmin(30, fmax(8, round(2 * cbrt(c->ess))));
    char sub[512], foot[1024];
    fs_legend_item leg[4];
    fs_rect body;

    (void)err;
    for (k = 0; k < c->nparams; k++) {
        bins bn;
        param_bins(c, k, core, &bn);
        logs |= bn.log;
    }
    subtitle(c, sub, sizeof sub);
    source_note(c, foot, sizeof foot, logs
                ? "Bars: the posterior, each particle counted by its weight. Line: the prior's "
                  "density, exactly as priors.csv states it (an integer parameter's "
                  "probability of each value; on a log axis, density per decade). Where the "
                  "bars are much narrower than the line, the reported figures taught something "
                  "about the parameter; where they follow it, they did not."
                : "Bars: the posterior, each particle counted by its weight. Line: the prior's "
                  "density, exactly as priors.csv states it (an integer parameter's "
                  "probability of each value). Where the bars are much narrower than the line, "
                  "the reported figures taught something about the parameter; where they "
                  "follow it, they did not.", "priors.csv, posterior.csv");
    body = fs_chart_frame(ch, "Calibration: what the reported figures say about each parameter",
                          sub, foot);
    leg[0] = item("Posterior (weighted particles)", fs_palette(FS_SKY_BLUE), FS_KEY_BAR, 1);
    leg[1] = item("Prior", fs_palette(FS_BLACK), FS_KEY_LINE, 1);
    leg[2] = item("Posterior median", fs_palette(FS_BLUE), FS_KEY_MARKER, 1);
    leg[3] = item("90% credible interval (5% to 95%)", fs_palette(FS_BLUE), FS_KEY_BAND, 0.12);
    body = fs_chart_legend(ch, body, leg, 4);
    fs_chart_grid_shape(c->nparams, body, 1.7, &cols, &rows);
    for (int pass = 0; pass < 2; pass++)
        for (k = 0; k < c->nparams; k++) {
            const fs_cdir_param *q = &c->param[k];
            double pw = body.w / cols, ph = body.h / rows, ymax, y5, y50, y95;
            char title[512], prior[256], l50[100], l90[140], a[48], b2[48], c2[48];
            fs_panel_spec ps;
            fs_panel p;
            fs_marker m[2];
            bins bn;
            int np;

            param_bins(c, k, core, &bn);
            bins_fill(&bn, q->x, c->weight, c->n, h);
            np = prior_curve(&q->prior, &bn, px, py);
            ymax = max_of(h, bn.nb);
            ymax = fmax(ymax, fmin(max_of(py, np), 2.5 * ymax)) * 1.06;
            fs_cdir_prior_text(&q->prior, prior, sizeof prior);
            snprintf(title, sizeof title, "Prior: %s", prior);
            memset(&ps, 0, sizeof ps);
            ps.box.x = body.x + (k % cols) * pw;
            ps.box.y = body.y + (k / cols) * ph;
            ps.box.w = pw - 18 * u;
            ps.box.h = ph - 12 * u;
            ps.title = title;
            ps.x.label = q->label;
            ps.x.lo = bn.lo, ps.x.hi = bn.hi, ps.x.fixed = 1, ps.x.log = bn.log;
            ps.x.integer = bn.integer;
            ps.y.label = k % cols == 0 ? density_label(&bn) : NULL;
            ps.y.lo = 0, ps.y.hi = ymax > 0 ? ymax : 1;
            if (pass == 0) {
                left = fmax(left, fs_chart_panel_left(ch, &ps));
                continue;
            }
            ps.left = left;
            if (k % cols != 0)
                ps.y.label = density_label(&bn);   /* same margin in every panel */
            y5 = fs_weighted_quantile(q->x, c->weight, q->order, c->n, 0.05);
            y50 = fs_weighted_quantile(q->x, c->weight, q->order, c->n, 0.5);
            y95 = fs_weighted_quantile(q->x, c->weight, q->order, c->n, 0.95);
            num3(a, sizeof a, y50), num3(b2, sizeof b2, y5), num3(c2, sizeof c2, y95);
            snprintf(l50, sizeof l50, "median %s", a);
            snprintf(l90, sizeof l90, "90%%: %s to %s", b2, c2);
            m[0] = (fs_marker){y50, NAN, NAN, l50, fs_palette(FS_BLUE), 1};
            m[1] = (fs_marker){NAN, y5 - (bn.integer ? 0.5 : 0), y95 + (bn.integer ? 0.5 : 0),
                               l90, fs_palette(FS_BLUE), 0};
            p = fs_chart_panel_layout(ch, &ps);
            ps.top = fs_chart_markers_height(ch, &p, m, 2);
            p = fs_chart_panel(ch, &ps);
            /* The interval's ends widened to its bins' edges for an integer,
             * so that the shading covers the bars it counts. */
            fs_chart_rect(ch, &p, y5 - (bn.integer ? 0.5 : 0), 0, y95 + (bn.integer ? 0.5 : 0),
                          p.y.hi, fs_palette(FS_BLUE), 0.12);
            bins_draw(ch, &p, &bn, h, fs_palette(FS_SKY_BLUE), 1);
            fs_chart_line(ch, &p, px, py, np, fs_palette(FS_BLACK), 2.2, 0);
            fs_chart_markers(ch, &p, m, 2);
        }
    return FS_OK;
}

/* ---- calibrate_pairs ---- */

/* Whether parameter k is drawn on a log axis in the pairs plot: a
 * loguniform or lognormal prior whose particles span a decade or more. */
static int pairs_log(const fs_cdir *c, int k, double lo, double hi)
{
    int f = c->param[k].prior.kind;
    return (f == FS_PRIOR_LOGUNIFORM || f == FS_PRIOR_LOGNORMAL) && lo > 0 && hi / lo >= 10;
}

/* The grid's cell of row i, column j: the left column and the bottom row
 * hold the tick labels, so their boxes reach into the margins. */
static void pairs_cell(fs_panel_spec *ps, fs_rect grid, int k, int i, int j, double left,
                       double bottom, double gap)
{
    double cw = grid.w / k, chh = grid.h / k;
    memset(ps, 0, sizeof *ps);
    ps->box.x = grid.x + j * cw - (j == 0 ? left : 0);
    ps->box.y = grid.y + i * chh;
    ps->box.w = cw + (j == 0 ? left : 0) - gap;
    ps->box.h = chh + (i == k - 1 ? bottom : 0) - gap;
    ps->left = j == 0 ? left : 0;
    ps->bottom = i == k - 1 ? bottom : 0;
}

static fs_status draw_pairs(const void *data, fs_chart *ch, fs_err *err)
{
    const fs_cdir *c = data;
    /* Past 8 parameters the cells are too small to read: the first 8. */
    int k = c->nparams < PAIRS_MAX ? c->nparams : PAIRS_MAX, i, j, cls, core = (int)fmin(30, fmax(8, round(2 * cbrt(c->ess))));
    double u = fs_chart_unit(ch), h[MAXBINS], wmax = 0, lo[FS_ABC_MAX_PARAMS],
           hi[FS_ABC_MAX_PARAMS], left, bottom, gap = 14 * u;
    int lg[FS_ABC_MAX_PARAMS];
    double *xs = malloc(c->n * sizeof *xs), *ys = malloc(c->n * sizeof *ys);
    char sub[512], foot[1024], text[700];
    fs_legend_item leg[3];
    fs_rgb rcols[2] = {fs_diverging(-0.6), fs_diverging(0.6)};
    fs_rect body, grid;
    fs_status st = FS_OK;

    if (xs == NULL || ys == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory");
        goto done;
    }
    subtitle(c, sub, sizeof sub);
    snprintf(text, sizeof text, "%sOn the diagonal: each parameter's weighted posterior, "
             "titled with its label; the row and the column through it share its axis. "
             "Below the diagonal: each particle as a dot, larger and darker the more it "
             "weighs. Above it: the weighted correlation of the two parameters (blue "
             "positive, vermillion negative); a strong one means the figures fix a "
             "combination of the two rather than each.",
             c->nparams > k ? "The first 8 parameters of priors.csv (report.html lists every "
             "pair's correlation). " : "");
    source_note(c, foot, sizeof foot, text, "priors.csv, posterior.csv");
    body = fs_chart_frame(ch, "Calibration: the posterior two parameters at a time", sub, foot);
    leg[0] = item("Particle (larger and darker: more weight)", fs_palette(FS_BLUE), FS_KEY_BAR, 0.6);
    leg[1] = item("Posterior of one parameter (weighted)", fs_palette(FS_SKY_BLUE), FS_KEY_BAR, 1);
    leg[2] = item("Weighted correlation r (negative, positive)", fs_diverging(-0.6), FS_KEY_BAR, 1);
    leg[2].cols = rcols, leg[2].ncols = 2;
    body = fs_chart_legend(ch, body, leg, 3);
    for (size_t m = 0; m < c->n; m++)
        wmax = fmax(wmax, c->weight[m]);
    for (i = 0; i < k; i++) {
        const fs_cdir_param *q = &c->param[i];
        lo[i] = q->x[q->order[0]], hi[i] = q->x[q->order[c->n - 1]];
        /* An integer's bars are centred on its values: half a unit more
         * each side; a parameter that does not vary gets the same. */
        if (q->prior.integer || !(hi[i] > lo[i]))
            lo[i] -= 0.5, hi[i] += 0.5;
        lg[i] = pairs_log(c, i, lo[i], hi[i]);
    }
    /* Room for the tick labels of the left column and for the tick labels
     * and axis titles (the setting paths) of the bottom row. */
    left = 0;
    for (i = 1; i < k; i++) {
        fs_panel_spec ps;
        memset(&ps, 0, sizeof ps);
        ps.box.h = (body.h - 80 * u) / k;
        ps.y.lo = lo[i], ps.y.hi = hi[i], ps.y.log = lg[i];
        ps.y.integer = c->param[i].prior.integer;
        left = fmax(left, fs_chart_panel_left(ch, &ps));
    }
    left = fmax(left, fs_chart_line_height(ch, FS_TEXT_LABEL) + 40 * u);
    bottom = fs_chart_line_height(ch, FS_TEXT_LABEL) + fs_chart_line_height(ch, FS_TEXT_TICK)
             + 24 * u;
    grid.x = body.x + left, grid.y = body.y;
    grid.w = body.w - left, grid.h = body.h - bottom;
    /* Each parameter's axis as the bottom row widens it to round ticks, so
     * that its row (y) and its column (x) show the same range. */
    for (j = 0; j < k; j++) {
        fs_panel_spec ps;
        fs_panel p;
        pairs_cell(&ps, grid, k, k - 1, j, left, bottom, gap);
        ps.x.lo = lo[j], ps.x.hi = hi[j], ps.x.log = lg[j];
        ps.x.integer = c->param[j].prior.integer;
        p = fs_chart_panel_layout(ch, &ps);
        lo[j] = p.x.lo, hi[j] = p.x.hi;
    }
    for (i = 0; i < k; i++)
        for (j = 0; j < k; j++) {
            fs_panel_spec ps;
            fs_panel p;
            pairs_cell(&ps, grid, k, i, j, left, bottom, gap);
            ps.x.lo = lo[j], ps.x.hi = hi[j], ps.x.log = lg[j], ps.x.fixed = 1;
            ps.x.integer = c->param[j].prior.integer;
            ps.x.hide_ticklabels = i != k - 1;
            ps.x.label = i == k - 1 ? c->param[j].path : NULL;
            ps.y.hide_ticklabels = j != 0;
            if (i < j) {
                /* A correlation: the whole cell coloured by it. */
                double r = fs_cdir_corr(c, i, j);
                char t[48], v[32];
                ps.x.lo = ps.y.lo = -0.5, ps.x.hi = ps.y.hi = 0.5;
                ps.x.log = 0, ps.x.fixed = ps.y.fixed = 1;
                p = fs_chart_panel_layout(ch, &ps);
                fs_format_number(v, sizeof v, r, 2);
                snprintf(t, sizeof t, isnan(r) ? "r n/a" : "r = %s", v);
                fs_chart_cell(ch, &p, 0, 0, fs_diverging(isnan(r) ? NAN : r * 0.85), t,
                              "r = −0.00");
                continue;
            }
            if (i == j) {
                bins bn;
                bins_make(&bn, lo[i], hi[i], lg[i], c->param[i].prior.integer, lo[i], hi[i],
                          core);
                bins_fill(&bn, c->param[i].x, c->weight, c->n, h);
                ps.title = c->param[i].label;
                ps.y.lo = 0, ps.y.hi = max_of(h, bn.nb) * 1.08, ps.y.fixed = 1;
                ps.y.hide_ticklabels = 1;
                p = fs_chart_panel(ch, &ps);
                bins_draw(ch, &p, &bn, h, fs_palette(FS_SKY_BLUE), 1);
                continue;
            }
            ps.y.lo = lo[i], ps.y.hi = hi[i], ps.y.log = lg[i], ps.y.fixed = 1;
            ps.y.integer = c->param[i].prior.integer;
            p = fs_chart_panel(ch, &ps);
            /* Four weight classes, lightest first, so heavy particles are on top. */
            for (cls = 0; cls < 4; cls++) {
                size_t m, nn = 0;
                for (m = 0; m < c->n; m++) {
                    int w = wmax > 0 ? (int)fmin(3, floor(4 * c->weight[m] / wmax)) : 3;
                    if (w == cls)
                        xs[nn] = c->param[j].x[m], ys[nn++] = c->param[i].x[m];
                }
                fs_chart_dots(ch, &p, xs, ys, (int)nn, 1.8 + 1.1 * cls, fs_palette(FS_BLUE),
                              0.22 + 0.16 * cls);
            }
        }
done:
    free(xs), free(ys);
    return st;
}

/* ---- calibrate_predictive ---- */

static fs_status draw_predictive(const void *data, fs_chart *ch, fs_err *err)
{
    const fs_cdir *c = data;
    double u = fs_chart_unit(ch), left = 0, h[MAXBINS];
    int k, cols, rows, held = 0;
    char sub[512], foot[1200];
    fs_legend_item leg[5];
    fs_rect body;

    (void)err;
    for (k = 0; k < c->ntargets; k++)
        held |= c->target[k].held_out;
    snprintf(sub, sizeof sub, "Each target's value in one model run for each of %zu draws "
             "from the posterior, against the figure reported", c->ndraws);
    source_note(c, foot, sizeof foot, "A draw picks a particle by its weight and runs the "
                "model once with its values, so the bars are what the reported figure could "
                "have been if the posterior is right. The shaded band is the reported figure "
                "plus or minus the sd the fit used (relative, absolute, or the square root of "
                "a count). A held-out target was left out of the fit: its panel tests the "
                "posterior on a figure it never saw.", "targets.csv, predictive.csv");
    body = fs_chart_frame(ch, "Calibration: the posterior predictive check", sub, foot);
    leg[0] = item("Predictive draws (fitted target)", fs_palette(FS_SKY_BLUE), FS_KEY_BAR, 1);
    leg[1] = item("Predictive draws (held-out target)", fs_palette(FS_REDDISH_PURPLE),
                  FS_KEY_BAR, 0.55);
    leg[2] = item("Reported figure", fs_palette(FS_VERMILLION), FS_KEY_LINE, 1);
    leg[3] = item("Reported figure ± 1 sd", fs_palette(FS_ORANGE), FS_KEY_BAND, 0.25);
    leg[4] = item("90% of the draws", fs_palette(FS_BLUE), FS_KEY_WINDOW, 0.3);
    if (!held)
        leg[1] = leg[4];
    body = fs_chart_legend(ch, body, leg, held ? 5 : 4);
    fs_chart_grid_shape(c->ntargets, body, 1.7, &cols, &rows);
    for (int pass = 0; pass < 2; pass++)
        for (k = 0; k < c->ntargets; k++) {
            const fs_cdir_target *g = &c->target[k];
            double pw = body.w / cols, ph = body.h / rows, lo, hi, q5, q95, below = 0;
            char title[600], fig[48], l1[96], l2[128], a[48], b2[48];
            int integer = 1;
            size_t i;
            fs_panel_spec ps;
            fs_panel p;
            fs_marker m[2];
            bins bn;

            lo = g->figure - 2 * g->sd, hi = g->figure + 2 * g->sd;
            for (i = 0; i < c->ndraws; i++) {
                lo = fmin(lo, g->draw[i]), hi = fmax(hi, g->draw[i]);
                integer &= g->draw[i] == floor(g->draw[i]);
                below += g->draw[i] <= g->figure;
            }
            q5 = fs_weighted_quantile(g->draw, NULL, g->order, c->ndraws, 0.05);
            q95 = fs_weighted_quantile(g->draw, NULL, g->order, c->ndraws, 0.95);
            bins_make(&bn, lo, hi, 0, integer && hi - lo <= 60, q5, q95, 14);
            bins_fill(&bn, g->draw, NULL, c->ndraws, h);
            num3(fig, sizeof fig, g->figure);
            if (c->ndraws)
                snprintf(title, sizeof title, "%s%s: %.0f%% of draws at or below %s", g->name,
                         g->held_out ? " (held out of the fit)" : "",
                         100.0 * below / (double)c->ndraws, fig);
            else
                snprintf(title, sizeof title, "%s%s", g->name,
                         g->held_out ? " (held out of the fit)" : "");
            memset(&ps, 0, sizeof ps);
            ps.box.x = body.x + (k % cols) * pw;
            ps.box.y = body.y + (k / cols) * ph;
            ps.box.w = pw - 18 * u;
            ps.box.h = ph - 12 * u;
            ps.title = title;
            ps.x.label = g->mapping[0] ? g->mapping : g->output;
            ps.x.lo = bn.lo, ps.x.hi = bn.hi, ps.x.fixed = 1;
            ps.y.label = "draws";
            ps.y.lo = 0, ps.y.hi = fmax(1, max_of(h, bn.nb) * 1.06), ps.y.integer = 1;
            if (pass == 0) {
                left = fmax(left, fs_chart_panel_left(ch, &ps));
                continue;
            }
            ps.left = left;
            snprintf(l1, sizeof l1, "reported %s", fig);
            num3(a, sizeof a, q5), num3(b2, sizeof b2, q95);
            snprintf(l2, sizeof l2, "90%% of draws: %s to %s", a, b2);
            m[0] = (fs_marker){g->figure, NAN, NAN, l1, fs_palette(FS_VERMILLION), 0};
            m[1] = (fs_marker){NAN, q5, q95, l2, fs_palette(FS_BLUE), 0};
            p = fs_chart_panel_layout(ch, &ps);
            ps.top = fs_chart_markers_height(ch, &p, m, c->ndraws ? 2 : 1);
            p = fs_chart_panel(ch, &ps);
            fs_chart_rect(ch, &p, g->figure - g->sd, p.y.lo, g->figure + g->sd, p.y.hi,
                          fs_palette(FS_ORANGE), 0.25);
            bins_draw(ch, &p, &bn, h, fs_palette(g->held_out ? FS_REDDISH_PURPLE : FS_SKY_BLUE),
                      g->held_out ? 0.55 : 1);
            fs_chart_markers(ch, &p, m, c->ndraws ? 2 : 1);
            fs_chart_vline(ch, &p, g->figure, fs_palette(FS_VERMILLION), 2.5, 0);
            if (c->ndraws == 0)
                fs_chart_note(ch, &p, "predictive.csv holds no draw");
        }
    return FS_OK;
}

/* ---- calibrate_tolerance ---- */

static fs_status draw_tolerance(const void *data, fs_chart *ch, fs_err *err)
{
    const fs_cdir *c = data;
    double u = fs_chart_unit(ch), left = 0, tlo = INFINITY, thi = 0, alo = INFINITY, ahi = 0;
    double ehi = (double)c->n, xhi = c->ngens > 1 ? c->ngens - 1 : 1;
    int i, pass, untol = 0;
    char sub[512], foot[1024];
    fs_legend_item leg[2];
    fs_rect body;
    fs_panel_spec ps[3];
    const char *names[3] = {"Tolerance: the largest distance accepted",
                            "Acceptance rate: accepted / proposed",
                            "Effective sample size of the weighted particles"};

    (void)err;
    for (i = 0; i < c->ngens; i++) {
        if (isfinite(c->tolerance[i]) && c->tolerance[i] > 0)
            tlo = fmin(tlo, c->tolerance[i]), thi = fmax(thi, c->tolerance[i]);
        else
            untol++;
        if (c->acceptance[i] > 0)
            alo = fmin(alo, c->acceptance[i]), ahi = fmax(ahi, c->acceptance[i]);
        ehi = fmax(ehi, c->gen_ess[i]);
    }
    subtitle(c, sub, sizeof sub);
    source_note(c, foot, sizeof foot, "Each generation accepts particles whose simulated "
                "figures lie within its tolerance of the reported ones (the distance "
                "combines every fitted target, each in units of its sd). A tolerance that "
                "stops falling, an acceptance rate near zero or an effective sample size far "
                "below the particles drawn are signs to stop or to widen the priors.",
                "generations.csv, posterior.csv");
    body = fs_chart_frame(ch, "Calibration: tolerance, acceptance and effective sample size by "
                          "generation", sub, foot);
    leg[0] = item("By generation", fs_palette(FS_BLUE), FS_KEY_LINE, 1);
    leg[1] = item("Particles per generation (the most the sample size can be)",
                  fs_palette(FS_GREY), FS_KEY_DASH, 1);
    body = fs_chart_legend(ch, body, leg, 2);
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < 3; i++) {
            fs_panel_spec *s = &ps[i];
            double ph = body.h / 3;
            if (pass == 1) {
                s->left = left;
                continue;
            }
            memset(s, 0, sizeof *s);
            s->box.x = body.x, s->box.y = body.y + i * ph;
            s->box.w = body.w, s->box.h = ph - 10 * u;
            s->title = names[i];
            s->x.lo = 0, s->x.hi = xhi, s->x.integer = 1, s->x.fixed = 1;
            s->x.hide_ticklabels = i != 2;
            s->x.label = i == 2 ? "generation" : NULL;
            s->bottom = fs_chart_line_height(ch, FS_TEXT_TICK) +
                        fs_chart_line_height(ch, FS_TEXT_LABEL) + 24 * u;
            if (i == 0) {
                s->y.label = "distance";
                s->y.lo = isfinite(tlo) ? tlo : 0, s->y.hi = thi > 0 ? thi : 1;
                s->y.log = isfinite(tlo) && thi / tlo >= 20;
                if (!s->y.log)
                    s->y.lo = 0;
            } else if (i == 1) {
                s->y.label = "acceptance rate";
                s->y.lo = isfinite(alo) ? alo : 0, s->y.hi = ahi > 0 ? ahi : 1;
                s->y.log = isfinite(alo) && ahi / alo >= 20;
                s->y.percent = 1;
                if (!s->y.log)
                    s->y.lo = 0;
            } else {
                s->y.label = "effective sample size";
                s->y.lo = 0, s->y.hi = ehi * 1.05;
            }
            left = fmax(left, fs_chart_panel_left(ch, s));
        }
    for (i = 0; i < 3; i++) {
        fs_panel p = fs_chart_panel(ch, &ps[i]);
        const double *v = i == 0 ? c->tolerance : i == 1 ? c->acceptance : c->gen_ess;
        double *y = malloc((size_t)c->ngens * sizeof *y);
        int g;
        if (y == NULL)
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        for (g = 0; g < c->ngens; g++)
            y[g] = isfinite(v[g]) && (!ps[i].y.log || v[g] > 0) ? v[g] : NAN;
        fs_chart_line(ch, &p, c->gen, y, c->ngens, fs_palette(FS_BLUE), 2.5, 0);
        fs_chart_dots(ch, &p, c->gen, y, c->ngens, 4, fs_palette(FS_BLUE), 1);
        if (i == 2) {
            double lx[2] = {p.x.lo, p.x.hi}, ly[2] = {(double)c->n, (double)c->n};
            fs_chart_line(ch, &p, lx, ly, 2, fs_palette(FS_GREY), 1.5, 1);
        }
        if (i == 0 && untol == c->ngens)
            fs_chart_note(ch, &p, "No generation had a finite tolerance: every prior draw "
                                  "was accepted");
        else if (i == 0 && untol > 0)
            fs_chart_text(ch, FS_TEXT_TICK, "generation 0: no tolerance (prior draws)",
                          p.area.x + 8 * u, p.area.y + 6 * u, 0, 0, p.area.w * 0.5,
                          grey(0.3), 0);
        free(y);
    }
    return FS_OK;
}

/* ---- files ---- */

fs_status fs_plot_calibrate_data(const fs_cdir *c, const fs_plot_opts *opts, fs_err *err)
{
    static const char *const names[] = {"calibrate_marginals", "calibrate_pairs",
                                        "calibrate_predictive", "calibrate_tolerance"};
    static const fs_plot_draw_fn fns[] = {draw_marginals, draw_pairs, draw_predictive,
                                          draw_tolerance};
    return fs_plot_set(c->dir, opts, 4, names, fns, c, err);
}

fs_status fs_plot_calibrate(const char *dir, const fs_plot_opts *opts, fs_err *err)
{
    fs_cdir *c = fs_cdir_load(dir, err);
    fs_status st;
    if (c == NULL)
        return err->code;
    st = fs_plot_calibrate_data(c, opts, err);
    fs_cdir_free(c);
    return st;
}
