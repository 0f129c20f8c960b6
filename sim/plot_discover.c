/* plot_discover.c: the charts of a discovery, from its files alone:
 * the coverage-density trade-off, box 1's limits and the scatter of the
 * two most restrictive inputs (docs/DISCOVERY.md, "Charts"). */
#include "plot_discover.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "csvread.h"
#include "fsio.h"

#define TXT 512
#define MAX_ROWS 44     /* restricted inputs drawn on the limits chart */

/* A value of discovery_meta.csv, "" when absent. */
static const char *meta(const fs_csv *c, const char *key)
{
    size_t i;
    for (i = 0; i < fs_csv_nrows(c); i++)
        if (strcmp(fs_csv_str(c, i, 0), key) == 0 && fs_csv_ncols(c) > 1)
            return fs_csv_str(c, i, 1);
    return "";
}

typedef struct disc {
    char dir[320];
    fs_csv *meta, *traj, *boxes, *cases;
    int tc[7];           /* discovery.csv: search, box, coverage, density, cases, restricted, chosen */
    int bc[11];          /* boxes.csv columns, see load */
    int cc[3];           /* discovery_cases.csv: x, y, interest */
    char title[TXT], sub[TXT];
    int cart;
} disc;

static void disc_free(disc *d)
{
    fs_csv_free(d->meta), fs_csv_free(d->traj), fs_csv_free(d->boxes), fs_csv_free(d->cases);
}

static fs_status disc_load(disc *d, const char *dir, fs_err *err)
{
    static const char *const tn[] = {"search", "box", "coverage", "density", "cases",
                                     "restricted", "chosen"};
    static const char *const bn[] = {"box", "input", "label", "kind", "restricted", "lower",
                                     "upper", "range_lo", "range_hi", "quasi_p",
                                     "resample_share"};
    static const char *const cn[] = {"x", "y", "interest"};
    size_t len = strlen(dir);

    memset(d, 0, sizeof *d);
    snprintf(d->dir, sizeof d->dir, "%s%s", len > 300 ? "..." : "", len > 300 ? dir + len - 300 : dir);
    if (fs_csv_open_in(dir, "discovery_meta.csv", &d->meta, err) != FS_OK ||
        fs_csv_open_in(dir, "discovery.csv", &d->traj, err) != FS_OK ||
        fs_csv_open_in(dir, "boxes.csv", &d->boxes, err) != FS_OK ||
        fs_csv_open_in(dir, "discovery_cases.csv", &d->cases, err) != FS_OK ||
        fs_csv_require_all(d->traj, tn, d->tc, 7, err) != FS_OK ||
        fs_csv_require_all(d->boxes, bn, d->bc, 11, err) != FS_OK ||
        fs_csv_require_all(d->cases, cn, d->cc, 3, err) != FS_OK)
        return err->code;
    d->cart = strcmp(meta(d->meta, "method"), "cart") == 0;
    snprintf(d->title, sizeof d->title, "When does it go wrong? %s", meta(d->meta, "title"));
    snprintf(d->sub, sizeof d->sub, "Cases of interest: %s (%s of %s cases); %s",
             meta(d->meta, "condition"), meta(d->meta, "cases_of_interest"),
             meta(d->meta, "cases"), d->cart ? "classification tree (CART)" : "PRIM");
    return FS_OK;
}

/* A number of one of the tables; NaN for an empty cell. */
static fs_status cell(const fs_csv *c, size_t r, int col, double *v, fs_err *err)
{
    return fs_csv_num(c, r, col, v, err);
}

static fs_rgb grey(double v)
{
    fs_rgb g = {v, v, v};
    return g;
}

static void footnote(const disc *d, char *buf, size_t n, const char *text, const char *files)
{
    snprintf(buf, n, "%s\nSource: %s in %s.", text, files, d->dir);
}

/* ---- the trade-off: coverage against density ---- */

static fs_status draw_tradeoff(const void *data, fs_chart *c, fs_err *err)
{
    const disc *d = data;
    size_t n = fs_csv_nrows(d->traj), i;
    double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    double thr = atof(meta(d->meta, "threshold")), u = fs_chart_unit(c);
    int used[12] = {0}, maxres = 0, nleg = 0, k;
    fs_legend_item leg[14];
    char foot[1024], lab[12][48];
    fs_panel_spec ps;
    fs_panel p;
    fs_rect body;
    fs_status st = FS_OK;

    if (x == NULL || y == NULL) {
        free(x), free(y);
        return fs_err_set(err, FS_ENOMEM, "out of memory drawing %s", d->dir);
    }
    footnote(d, foot, sizeof foot, d->cart
             ? "Each dot is a leaf of the tree: the share of all cases of interest it holds "
               "(coverage) against the share of its cases that are of interest (density). "
               "Ringed: the leaves reported as boxes."
             : "Each dot is a box on the peeling trajectory, from every case (bottom right) to "
               "the smallest box (top left): the share of the cases of interest it holds "
               "(coverage) against the share of its cases that are of interest (density). "
               "Ringed: the boxes reported (as peeled; boxes.csv holds them after pasting). Dashed: the "
               "density threshold.",
             "discovery.csv, discovery_meta.csv");
    body = fs_chart_frame(c, d->title, d->sub, foot);
    for (i = 0; i < n; i++) {
        double r;
        if ((st = cell(d->traj, i, d->tc[5], &r, err)) != FS_OK)
            goto done;
        k = (int)fmin(fmax(r, 0), 11);
        used[k] = 1;
        maxres = k > maxres ? k : maxres;
    }
    for (k = 0; k <= maxres; k++)
        if (used[k]) {
            snprintf(lab[nleg], sizeof lab[nleg], "%d input%s restricted", k, k == 1 ? "" : "s");
            leg[nleg].label = lab[nleg], leg[nleg].col = fs_series_colour(k);
            leg[nleg].key = FS_KEY_BAR, leg[nleg].alpha = 1, leg[nleg].cols = NULL;
            leg[nleg].ncols = 0, nleg++;
        }
    body = fs_chart_legend(c, body, leg, nleg);
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.x.label = "Coverage: share of all cases of interest inside the box";
    ps.y.label = "Density: share of the box's cases that are of interest";
    ps.x.lo = ps.y.lo = 0, ps.x.hi = ps.y.hi = 1;
    ps.x.fixed = ps.y.fixed = 1, ps.x.percent = ps.y.percent = 1;
    p = fs_chart_panel(c, &ps);
    if (!d->cart) {
        double tx[2] = {0, 1}, ty[2] = {thr, thr};
        fs_chart_line(c, &p, tx, ty, 2, grey(0.5), 1.5, 1);
        /* Each search's trajectory as a thin line. */
        for (i = 0; i < n;) {
            size_t j = i, m = 0;
            double s0, s;
            cell(d->traj, i, d->tc[0], &s0, err);
            for (; j < n && cell(d->traj, j, d->tc[0], &s, err) == FS_OK && s == s0; j++, m++) {
                cell(d->traj, j, d->tc[2], &x[m], err);
                cell(d->traj, j, d->tc[3], &y[m], err);
            }
            fs_chart_line(c, &p, x, y, (int)m, grey(0.6), 1.2, 0);
            i = j;
        }
    }
    for (i = 0; i < n; i++) {
        double cx, cy, r, ch;
        if ((st = cell(d->traj, i, d->tc[2], &cx, err)) != FS_OK ||
            (st = cell(d->traj, i, d->tc[3], &cy, err)) != FS_OK ||
            (st = cell(d->traj, i, d->tc[5], &r, err)) != FS_OK ||
            (st = cell(d->traj, i, d->tc[6], &ch, err)) != FS_OK)
            goto done;
        if (ch > 0) {
            char t[32];
            fs_chart_point(c, &p, cx, cy, 11, grey(0.15));
            fs_chart_point(c, &p, cx, cy, 8.5, grey(1));
            snprintf(t, sizeof t, "Box %.0f", ch);
            fs_chart_text(c, FS_TEXT_LABEL, t, fs_panel_px(&p, cx) + 14 * u,
                          fs_panel_py(&p, cy) - 12 * u, 0, 1, 0, grey(0.1), 0);
        }
        fs_chart_point(c, &p, cx, cy, 5.5, fs_series_colour((int)fmin(fmax(r, 0), 11)));
    }
done:
    free(x), free(y);
    return st;
}

/* ---- box 1's limits ---- */

static fs_status draw_limits(const void *data, fs_chart *c, fs_err *err)
{
    const disc *d = data;
    size_t n = fs_csv_nrows(d->boxes), i;
    int rows[MAX_ROWS], nr = 0, j, resample = atoi(meta(d->meta, "resample")), kinds = 0;
    const char *cats[MAX_ROWS];
    double u = fs_chart_unit(c);
    char foot[1024], head[TXT];
    fs_legend_item leg[3];
    fs_panel_spec ps;
    fs_panel p;
    fs_rect body;

    footnote(d, foot, sizeof foot, "Each row is an input box 1 restricts: the grey bar its "
             "full range, the coloured bar the box's range within it (values at its ends). "
             "Right: the quasi-p-value of the restriction (one-sided binomial test against the "
             "box without it; small = the restriction matters) and, with resampling, the share of "
             "bootstrap resamples whose box restricts the input.", "boxes.csv, "
             "discovery_meta.csv");
    body = fs_chart_frame(c, d->title, d->sub, foot);
    for (i = 0; i < n && nr < MAX_ROWS - 4; i++) {
        double b, r;
        if (cell(d->boxes, i, d->bc[0], &b, err) != FS_OK ||
            cell(d->boxes, i, d->bc[4], &r, err) != FS_OK)
            return err->code;
        if (b == 1 && r == 1)
            cats[nr] = fs_csv_str(d->boxes, i, d->bc[2]), rows[nr++] = (int)i;
    }
    for (j = 0; j < nr; j++) {
        const char *k = fs_csv_str(d->boxes, (size_t)rows[j], d->bc[3]);
        kinds |= strcmp(k, "lever") == 0 ? 1 : strcmp(k, "uncertainty") == 0 ? 2 : 4;
    }
    leg[0] = (fs_legend_item){"Full range", grey(0.85), FS_KEY_BAR, 1, NULL, 0};
    j = 1;
    if (kinds & 2)
        leg[j++] = (fs_legend_item){"Uncertainty: the box's range", fs_palette(FS_BLUE),
                                    FS_KEY_BAR, 1, NULL, 0};
    if (kinds & 1)
        leg[j++] = (fs_legend_item){"Lever: the box's range", fs_palette(FS_VERMILLION),
                                    FS_KEY_BAR, 1, NULL, 0};
    if (kinds & 4 || kinds == 0)
        leg[j++] = (fs_legend_item){"The box's range", fs_palette(FS_BLUE), FS_KEY_BAR, 1,
                                    NULL, 0};
    body = fs_chart_legend(c, body, leg, j);
    for (j = nr; j < 4; j++)
        cats[j] = "";   /* few rows stay thin */
    snprintf(head, sizeof head, "Box 1: its limits within each input's full range%s",
             resample > 0 ? " (and how often resamples restrict it)" : "");
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.title = head;
    ps.x.label = "Position within the input's full range (0 = its lowest value, 1 = its highest)";
    ps.x.lo = 0, ps.x.hi = 1, ps.x.fixed = 1;
    ps.y.cats = cats, ps.y.ncats = nr > 4 ? nr : 4;
    ps.y.lo = ps.y.ncats - 0.5, ps.y.hi = -0.5, ps.y.fixed = 1;
    ps.left = 0;
    {
        /* Room on the right for the quasi-p text. */
        fs_rect b2 = body;
        b2.w -= 340 * u;
        ps.box = b2;
    }
    p = fs_chart_panel(c, &ps);
    if (nr == 0) {
        fs_chart_note(c, &p, "Box 1 restricts no input: no region of the inputs holds the "
                             "cases of interest more densely than the whole.");
        return FS_OK;
    }
    for (j = 0; j < nr; j++) {
        double lo, hi, rlo, rhi, qp, sh, a, b;
        char t[96], v[64];
        int lever = strcmp(fs_csv_str(d->boxes, (size_t)rows[j], d->bc[3]), "lever") == 0;
        if (cell(d->boxes, (size_t)rows[j], d->bc[5], &lo, err) != FS_OK ||
            cell(d->boxes, (size_t)rows[j], d->bc[6], &hi, err) != FS_OK ||
            cell(d->boxes, (size_t)rows[j], d->bc[7], &rlo, err) != FS_OK ||
            cell(d->boxes, (size_t)rows[j], d->bc[8], &rhi, err) != FS_OK ||
            cell(d->boxes, (size_t)rows[j], d->bc[9], &qp, err) != FS_OK ||
            cell(d->boxes, (size_t)rows[j], d->bc[10], &sh, err) != FS_OK)
            return err->code;
        a = rhi > rlo ? (lo - rlo) / (rhi - rlo) : 0;
        b = rhi > rlo ? (hi - rlo) / (rhi - rlo) : 1;
        fs_chart_rect(c, &p, 0, j - 0.32, 1, j + 0.32, grey(0.85), 1);
        fs_chart_rect(c, &p, fmax(a, 0), j - 0.22, fmin(b, 1), j + 0.22,
                      fs_palette(lever ? FS_VERMILLION : FS_BLUE), 1);
        /* The limits, at the restricted ends only. */
        snprintf(v, sizeof v, "%.3g", lo);
        if (lo > rlo)
            fs_chart_text(c, FS_TEXT_TICK, v, fs_panel_px(&p, fmax(a, 0)) - 4 * u,
                          fs_panel_py(&p, j), 1, 0.5, 0, grey(0.1), 0);
        snprintf(v, sizeof v, "%.3g", hi);
        if (hi < rhi)
            fs_chart_text(c, FS_TEXT_TICK, v, fs_panel_px(&p, fmin(b, 1)) + 4 * u,
                          fs_panel_py(&p, j), 0, 0.5, 0, grey(0.1), 0);
        if (qp < 0.001)
            snprintf(t, sizeof t, "quasi-p < 0.001");
        else
            snprintf(t, sizeof t, "quasi-p %.2g", qp);
        if (isfinite(sh))
            snprintf(t + strlen(t), sizeof t - strlen(t), "; %.0f%% of resamples", 100 * sh);
        fs_chart_text(c, FS_TEXT_TICK, t, p.area.x + p.area.w + 14 * u, fs_panel_py(&p, j),
                      0, 0.5, 330 * u, qp < 0.05 ? grey(0.1) : fs_palette(FS_VERMILLION), 0);
    }
    return FS_OK;
}

/* ---- the scatter of the two most restrictive inputs ---- */

/* Box 1's limits on input `name` (+-INFINITY where it is not restricted). */
static void limits_of(const disc *d, const char *name, double *lo, double *hi)
{
    size_t i;
    *lo = -INFINITY, *hi = INFINITY;
    for (i = 0; i < fs_csv_nrows(d->boxes); i++) {
        double b, r, l, h;
        if (strcmp(fs_csv_str(d->boxes, i, d->bc[1]), name) != 0 ||
            fs_csv_num(d->boxes, i, d->bc[0], &b, NULL) != FS_OK || b != 1 ||
            fs_csv_num(d->boxes, i, d->bc[4], &r, NULL) != FS_OK || r != 1 ||
            fs_csv_num(d->boxes, i, d->bc[5], &l, NULL) != FS_OK ||
            fs_csv_num(d->boxes, i, d->bc[6], &h, NULL) != FS_OK)
            continue;
        *lo = l, *hi = h;
    }
}

static fs_status draw_scatter(const void *data, fs_chart *c, fs_err *err)
{
    const disc *d = data;
    size_t n = fs_csv_nrows(d->cases), i, m0 = 0, m1 = 0;
    double *x0 = malloc((n + 1) * sizeof *x0), *y0 = malloc((n + 1) * sizeof *y0);
    double *x1 = malloc((n + 1) * sizeof *x1), *y1 = malloc((n + 1) * sizeof *y1);
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    double blx, bhx, bly, bhy, r = n > 20000 ? 1.6 : n > 2000 ? 2.6 : 4;
    char foot[1024], ylab[TXT];
    fs_legend_item leg[3];
    fs_panel_spec ps;
    fs_panel p;
    fs_rect body;
    fs_status st = FS_OK;

    if (!x0 || !y0 || !x1 || !y1) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory drawing %s", d->dir);
        goto done;
    }
    for (i = 0; i < n; i++) {
        double x, y, in;
        if ((st = fs_csv_num_req(d->cases, i, d->cc[0], &x, err)) != FS_OK ||
            (st = fs_csv_num_req(d->cases, i, d->cc[1], &y, err)) != FS_OK ||
            (st = fs_csv_num_req(d->cases, i, d->cc[2], &in, err)) != FS_OK)
            goto done;
        xlo = fmin(xlo, x), xhi = fmax(xhi, x), ylo = fmin(ylo, y), yhi = fmax(yhi, y);
        if (in == 1)
            x1[m1] = x, y1[m1++] = y;
        else
            x0[m0] = x, y0[m0++] = y;
    }
    footnote(d, foot, sizeof foot, "Each dot is a case: its values of the two inputs box 1 "
             "restricts most significantly (smallest quasi-p-values), coloured by whether its "
             "output makes it a case of interest. The rectangle is box 1 (an open side where "
             "the box does not restrict the input).", "discovery_cases.csv, boxes.csv, "
             "discovery_meta.csv");
    body = fs_chart_frame(c, d->title, d->sub, foot);
    leg[0] = (fs_legend_item){"Other cases", grey(0.6), FS_KEY_BAR, 1, NULL, 0};
    leg[1] = (fs_legend_item){"Cases of interest", fs_palette(FS_VERMILLION), FS_KEY_BAR, 1,
                              NULL, 0};
    leg[2] = (fs_legend_item){"Box 1", grey(0.1), FS_KEY_LINE, 1, NULL, 0};
    body = fs_chart_legend(c, body, leg, 3);
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.x.label = meta(d->meta, "scatter_x_label");
    snprintf(ylab, sizeof ylab, "%s", meta(d->meta, "scatter_y_label"));
    ps.y.label = ylab;
    ps.x.lo = xlo, ps.x.hi = xhi, ps.y.lo = ylo, ps.y.hi = yhi;
    p = fs_chart_panel(c, &ps);
    fs_chart_dots(c, &p, x0, y0, (int)m0, r, grey(0.55), 0.45);
    fs_chart_dots(c, &p, x1, y1, (int)m1, r, fs_palette(FS_VERMILLION), 0.75);
    limits_of(d, meta(d->meta, "scatter_x"), &blx, &bhx);
    limits_of(d, meta(d->meta, "scatter_y"), &bly, &bhy);
    {
        /* Open sides reach past the panel's edge, so that no line is drawn there. */
        double ex = (p.x.hi - p.x.lo) * 0.05, ey = (p.y.hi - p.y.lo) * 0.05;
        double L = isfinite(blx) ? blx : p.x.lo - ex, R = isfinite(bhx) ? bhx : p.x.hi + ex;
        double B = isfinite(bly) ? bly : p.y.lo - ey, T = isfinite(bhy) ? bhy : p.y.hi + ey;
        double bx[5] = {L, R, R, L, L}, by[5] = {B, B, T, T, B};
        fs_chart_rect(c, &p, L, B, R, T, fs_palette(FS_VERMILLION), 0.07);
        fs_chart_line(c, &p, bx, by, 5, grey(0.1), 2.5, 0);
        if (!isfinite(blx) && !isfinite(bhx) && !isfinite(bly) && !isfinite(bhy))
            fs_chart_text(c, FS_TEXT_LABEL, "Box 1 restricts neither input: it covers the "
                          "whole chart.", p.area.x + 12 * fs_chart_unit(c),
                          p.area.y + 10 * fs_chart_unit(c), 0, 0, p.area.w * 0.9, grey(0.1), 0);
    }
done:
    free(x0), free(y0), free(x1), free(y1);
    return st;
}

/* ---- files ---- */

int fs_plot_discover_present(const char *dir)
{
    char path[4096];
    return fs_path_join(path, sizeof path, dir, "discovery_meta.csv") != NULL &&
           access(path, F_OK) == 0;
}

fs_status fs_plot_discover_dir(const char *dir, const fs_plot_opts *opts, fs_err *err)
{
    static const char *const names[] = {"discovery_tradeoff", "discovery_limits",
                                        "discovery_scatter"};
    static const fs_plot_draw_fn fns[] = {draw_tradeoff, draw_limits, draw_scatter};
    disc d;
    fs_status st;

    if ((st = disc_load(&d, dir, err)) == FS_OK)
        st = fs_plot_set(dir, opts, 3, names, fns, &d, err);
    disc_free(&d);
    return st;
}
