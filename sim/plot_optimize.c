/* plot_optimize.c: the charts of a search, read back from its CSV files
 * (see plot_optimize.h). */
#include "plot_optimize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "csvread.h"
#include "fsio.h"

#define MAXV 48   /* levers + objectives shown */

typedef struct search_files {
    fs_csv *meta, *eval, *front, *gens;
    char name[256];
    int nlev, nobj, ncon;
    char lev[MAXV][160], levlabel[MAXV][160];
    double lo[MAXV], hi[MAXV];
    char obj[MAXV][160], objlabel[MAXV][160];
    int maximize[MAXV];
    char con_label[8][160], con_stat[8][16];
    double con_value[8];
    int con_ge[8];
} search_files;

static void files_free(search_files *s)
{
    fs_csv_free(s->meta);
    fs_csv_free(s->eval);
    fs_csv_free(s->front);
    fs_csv_free(s->gens);
}

static fs_csv *read_in(const char *dir, const char *name, fs_err *err)
{
    char path[4400];
    if (!fs_path_join(path, sizeof path, dir, name)) {
        fs_err_set(err, FS_EUSAGE, "path too long: %s/%s", dir, name);
        return NULL;
    }
    return fs_csv_read(path, err);
}

static fs_status load_meta(search_files *s, fs_err *err)
{
    int ck, cc, cl, clo, chi, cs, cst, cv;
    fs_csv *m = s->meta;
    if (fs_csv_require(m, "kind", &ck, err) || fs_csv_require(m, "column", &cc, err) ||
        fs_csv_require(m, "label", &cl, err) || fs_csv_require(m, "lo", &clo, err) ||
        fs_csv_require(m, "hi", &chi, err) || fs_csv_require(m, "sense", &cs, err) ||
        fs_csv_require(m, "statistic", &cst, err) || fs_csv_require(m, "value", &cv, err))
        return err->code;
    for (size_t r = 0; r < fs_csv_nrows(m); r++) {
        const char *k = fs_csv_str(m, r, ck);
        if (!strcmp(k, "name")) {
            snprintf(s->name, sizeof s->name, "%s", fs_csv_str(m, r, cl));
        } else if (!strcmp(k, "lever") && s->nlev < MAXV / 2) {
            int j = s->nlev++;
            snprintf(s->lev[j], sizeof s->lev[j], "%s", fs_csv_str(m, r, cc));
            snprintf(s->levlabel[j], sizeof s->levlabel[j], "%s", fs_csv_str(m, r, cl));
            if (fs_csv_num_req(m, r, clo, &s->lo[j], err) || fs_csv_num_req(m, r, chi, &s->hi[j], err))
                return err->code;
        } else if (!strcmp(k, "objective") && s->nobj < MAXV / 2) {
            int j = s->nobj++;
            snprintf(s->obj[j], sizeof s->obj[j], "%s", fs_csv_str(m, r, cc));
            snprintf(s->objlabel[j], sizeof s->objlabel[j], "%s", fs_csv_str(m, r, cl));
            s->maximize[j] = !strcmp(fs_csv_str(m, r, cs), "maximize");
        } else if (!strcmp(k, "constraint") && s->ncon < 8) {
            int j = s->ncon++;
            snprintf(s->con_label[j], sizeof s->con_label[j], "%s", fs_csv_str(m, r, cl));
            snprintf(s->con_stat[j], sizeof s->con_stat[j], "%s", fs_csv_str(m, r, cst));
            s->con_ge[j] = !strcmp(fs_csv_str(m, r, cs), ">=");
            if (fs_csv_num_req(m, r, cv, &s->con_value[j], err))
                return err->code;
        }
    }
    if (s->nlev == 0 || s->nobj == 0)
        return fs_err_set(err, FS_ECONFIG, "%s: expected lever and objective rows",
                          fs_csv_path(m));
    return FS_OK;
}

/* Column `name` of c as numbers (n = its rows), malloc'd. */
static double *column(const fs_csv *c, const char *name, fs_err *err)
{
    int col;
    size_t n = fs_csv_nrows(c);
    if (fs_csv_require(c, name, &col, err))
        return NULL;
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t r = 0; r < n; r++)
        if (fs_csv_num(c, r, col, &v[r], err)) {
            free(v);
            return NULL;
        }
    return v;
}

static void extent(const double *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
}

static fs_chart *open_chart(const char *outdir, const char *name, const fs_plot_opts *o,
                            fs_err *err)
{
    char file[256], path[4400];
    snprintf(file, sizeof file, "%s.%s", name, fs_chart_format_ext(o->format));
    if (!fs_path_join(path, sizeof path, outdir, file)) {
        fs_err_set(err, FS_EUSAGE, "path too long: %s/%s", outdir, file);
        return NULL;
    }
    return fs_chart_open(path, o->format, o->width, o->height, err);
}

static fs_legend_item item(const char *label, fs_rgb col, fs_key key, double alpha)
{
    fs_legend_item it = {label, col, key, alpha, NULL, 0};
    return it;
}

/* The constraint drawn on the trade-off: one on objective k's output and
 * statistic ("escalation_p90" and "escalation p90 <= 0.1"), or -1. */
static int constraint_on(const search_files *s, int k)
{
    for (int j = 0; j < s->ncon; j++) {
        char id[200];
        char out[160];
        if (sscanf(s->con_label[j], "%159s", out) != 1)
            continue;
        snprintf(id, sizeof id, "%s_%s", out, s->con_stat[j]);
        if (!strcmp(id, s->obj[k]))
            return j;
    }
    return -1;
}

/* The trade-off between the first two objectives. */
static fs_status draw_tradeoff(const search_files *s, fs_chart *c, fs_err *err)
{
    size_t ne = fs_csv_nrows(s->eval), nf = fs_csv_nrows(s->front);
    char oos0[200], oos1[200], sub[512];
    double *ex = column(s->eval, s->obj[0], err), *ey = ex ? column(s->eval, s->obj[1], err) : NULL;
    double *feas = ey ? column(s->eval, "feasible", err) : NULL;
    double *fx = feas ? column(s->front, s->obj[0], err) : NULL;
    double *fy = fx ? column(s->front, s->obj[1], err) : NULL;
    snprintf(oos0, sizeof oos0, "%s_oos", s->obj[0]);
    snprintf(oos1, sizeof oos1, "%s_oos", s->obj[1]);
    double *ox = fy ? column(s->front, oos0, err) : NULL, *oy = ox ? column(s->front, oos1, err) : NULL;
    double *xa = malloc((ne + 1) * sizeof *xa), *ya = malloc((ne + 1) * sizeof *ya);
    fs_status st = FS_OK;
    if (!oy || !xa || !ya) {
        st = err->code ? err->code : fs_err_set(err, FS_ENOMEM, "out of memory");
        goto done;
    }
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    extent(ex, ne, &xlo, &xhi), extent(ey, ne, &ylo, &yhi);
    extent(ox, nf, &xlo, &xhi), extent(oy, nf, &ylo, &yhi);
    int cj = constraint_on(s, 1);
    if (cj >= 0)
        extent(&s->con_value[cj], 1, &ylo, &yhi);
    snprintf(sub, sizeof sub, "%zu mixes evaluated; the final set of %zu in sample and out of "
             "sample (fresh futures and streams, 5x the runs)", ne, nf);
    char title[400];
    snprintf(title, sizeof title, "The trade-off: %s", s->name);
    fs_rect body = fs_chart_frame(c, title, sub, "Source: evaluations.csv, pareto.csv");
    fs_legend_item leg[5] = {
        item("infeasible mix", fs_palette(FS_GREY), FS_KEY_BAR, 1),
        item("feasible mix", fs_palette(FS_SKY_BLUE), FS_KEY_BAR, 1),
        item("final set, in sample", fs_palette(FS_BLUE), FS_KEY_BAR, 1),
        item("final set, out of sample", fs_palette(FS_VERMILLION), FS_KEY_BAR, 1),
        item(cj >= 0 ? s->con_label[cj] : "", fs_palette(FS_BLACK), FS_KEY_DASH, 1)};
    body = fs_chart_legend(c, body, leg, cj >= 0 ? 5 : 4);
    fs_panel_spec ps;
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.x.label = s->objlabel[0];
    ps.x.lo = xlo, ps.x.hi = xhi;
    ps.y.label = s->objlabel[1];
    ps.y.lo = ylo, ps.y.hi = yhi;
    fs_panel p = fs_chart_panel(c, &ps);
    for (int pass = 0; pass < 2; pass++) {
        size_t k = 0;
        for (size_t i = 0; i < ne; i++)
            if ((feas[i] == 1) == pass)
                xa[k] = ex[i], ya[k++] = ey[i];
        fs_chart_dots(c, &p, xa, ya, (int)k, 3.5, fs_palette(pass ? FS_SKY_BLUE : FS_GREY),
                      pass ? 0.55 : 0.4);
    }
    if (cj >= 0) {
        double lx[2] = {p.x.lo, p.x.hi}, ly[2] = {s->con_value[cj], s->con_value[cj]};
        fs_chart_line(c, &p, lx, ly, 2, fs_palette(FS_BLACK), 1.5, 1);
    }
    for (size_t i = 0; i < nf; i++) {
        double lx[2] = {fx[i], ox[i]}, ly[2] = {fy[i], oy[i]};
        fs_chart_line(c, &p, lx, ly, 2, fs_palette(FS_GREY), 1, 0);
    }
    for (size_t i = 0; i < nf; i++) {
        fs_chart_point(c, &p, fx[i], fy[i], 6, fs_palette(FS_BLUE));
        fs_chart_point(c, &p, ox[i], oy[i], 5, fs_palette(FS_VERMILLION));
    }
    if (nf == 0)
        fs_chart_note(c, &p, "The search kept no mix");
done:
    free(ex), free(ey), free(feas), free(fx), free(fy), free(ox), free(oy), free(xa), free(ya);
    return st;
}

/* Parallel coordinates: one axis per lever (its range) and per objective
 * (the final set's range), a line per mix coloured by the first objective. */
static fs_status draw_levers(const search_files *s, fs_chart *c, fs_err *err)
{
    size_t nf = fs_csv_nrows(s->front);
    int na = s->nlev + s->nobj;
    double *v[MAXV] = {0}, lo[MAXV], hi[MAXV];
    const char *cats[MAXV];
    char sub[256], lab[MAXV][48];
    fs_status st = FS_OK;
    for (int a = 0; a < na; a++) {
        v[a] = column(s->front, a < s->nlev ? s->lev[a] : s->obj[a - s->nlev], err);
        if (!v[a]) {
            st = err->code;
            goto done;
        }
        if (a < s->nlev) {
            lo[a] = s->lo[a], hi[a] = s->hi[a];
        } else {
            lo[a] = INFINITY, hi[a] = -INFINITY;
            extent(v[a], nf, &lo[a], &hi[a]);
            if (!(hi[a] > lo[a]))
                lo[a] -= 0.5, hi[a] += 0.5;
        }
        cats[a] = a < s->nlev ? s->levlabel[a] : s->objlabel[a - s->nlev];
    }
    snprintf(sub, sizeof sub, "The %zu mixes of the final set, coloured by %s (darker: higher); "
             "each lever axis spans its range", nf, s->objlabel[0]);
    fs_rect body = fs_chart_frame(c, "The levers of the final set", sub, "Source: pareto.csv");
    double lh = fs_chart_line_height(c, FS_TEXT_LABEL) * 2.2;
    fs_rect bar = {body.x + body.w * 0.3, body.y, body.w * 0.4, lh};
    double olo = na > s->nlev ? lo[s->nlev] : 0, ohi = na > s->nlev ? hi[s->nlev] : 1;
    fs_chart_colourbar(c, bar, olo, ohi, 0, 2, s->objlabel[0]);
    body.y += lh * 1.6;
    body.h -= lh * 1.6;
    fs_panel_spec ps;
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.x.cats = cats;
    ps.x.ncats = na;
    ps.x.lo = -0.5, ps.x.hi = na - 0.5, ps.x.fixed = 1;
    /* Room above 1 and below 0 for each axis's end values, clear of the
     * lines. */
    ps.y.lo = -0.09, ps.y.hi = 1.09, ps.y.fixed = 1, ps.y.hide_ticklabels = 1;
    ps.y.label = "low end of each axis to high end";
    ps.bottom = 0;
    fs_panel p = fs_chart_panel(c, &ps);
    for (int a = 0; a < na; a++) {
        double x[2] = {a, a}, y[2] = {0, 1};
        fs_chart_line(c, &p, x, y, 2, fs_palette(FS_GREY), 1.2, 0);
        snprintf(lab[a], sizeof lab[a], "%.3g", hi[a]);
        fs_chart_text(c, FS_TEXT_TICK, lab[a], fs_panel_px(&p, a), fs_panel_py(&p, 1) - 3, 0.5, 1,
                      0, fs_palette(FS_BLACK), 0);
        snprintf(lab[a], sizeof lab[a], "%.3g", lo[a]);
        fs_chart_text(c, FS_TEXT_TICK, lab[a], fs_panel_px(&p, a), fs_panel_py(&p, 0) + 3, 0.5, 0,
                      0, fs_palette(FS_BLACK), 0);
    }
    for (size_t i = 0; i < nf; i++) {
        double x[MAXV], y[MAXV];
        for (int a = 0; a < na; a++) {
            x[a] = a;
            y[a] = hi[a] > lo[a] ? (v[a][i] - lo[a]) / (hi[a] - lo[a]) : 0.5;
        }
        double t = na > s->nlev && ohi > olo ? (v[s->nlev][i] - olo) / (ohi - olo) : 0.5;
        fs_chart_line(c, &p, x, y, na, fs_sequential(0.25 + 0.75 * t), 2, 0);
    }
    if (nf == 0)
        fs_chart_note(c, &p, "The search kept no mix");
done:
    for (int a = 0; a < na; a++)
        free(v[a]);
    return st;
}

static fs_status draw_convergence(const search_files *s, fs_chart *c, fs_err *err)
{
    size_t n = fs_csv_nrows(s->gens);
    double *g = column(s->gens, "generation", err), *hv = g ? column(s->gens, "hypervolume", err) : NULL;
    double *fe = hv ? column(s->gens, "feasible", err) : NULL;
    if (!fe) {
        free(g), free(hv);
        return err->code;
    }
    double lo = 0, hi = -INFINITY, glo = 0, ghi = n ? (double)n - 1 : 1;
    extent(hv, n, &lo, &hi);
    fs_rect body = fs_chart_frame(c, "Convergence: hypervolume of the feasible archive by generation",
                                  "Objectives scaled by generation 0's ranges; reference point 1.1 "
                                  "in each; higher is better", "Source: generations.csv");
    fs_panel_spec ps;
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.x.label = "generation";
    ps.x.lo = glo, ps.x.hi = ghi > glo ? ghi : glo + 1, ps.x.integer = 1;
    ps.y.label = "hypervolume (scaled objectives)";
    ps.y.lo = lo, ps.y.hi = hi > lo ? hi : lo + 1;
    fs_panel p = fs_chart_panel(c, &ps);
    fs_chart_line(c, &p, g, hv, (int)n, fs_palette(FS_BLUE), 2.5, 0);
    fs_chart_dots(c, &p, g, hv, (int)n, 3.5, fs_palette(FS_BLUE), 1);
    int any = 0;
    for (size_t i = 0; i < n; i++)
        any |= fe[i] > 0;
    if (!any)
        fs_chart_note(c, &p, "No feasible mix in any generation: the hypervolume is 0");
    free(g), free(hv), free(fe);
    return FS_OK;
}

typedef fs_status (*draw_fn)(const search_files *, fs_chart *, fs_err *);

fs_status fs_plot_optimize(const char *dir, const fs_plot_opts *opts, fs_err *err)
{
    search_files s;
    fs_plot_opts o;
    fs_chart *ch[3] = {0};
    const char *names[3] = {"optimize_tradeoff", "optimize_levers", "optimize_convergence"};
    draw_fn fns[3] = {draw_tradeoff, draw_levers, draw_convergence};
    fs_status st = FS_OK;
    int n = 0;

    memset(&s, 0, sizeof s);
    fs_plot_opts_resolve(opts, &o);
    const char *outdir = o.outdir ? o.outdir : dir;
    if (!(s.meta = read_in(dir, "search.csv", err)) || !(s.eval = read_in(dir, "evaluations.csv", err)) ||
        !(s.front = read_in(dir, "pareto.csv", err)) || !(s.gens = read_in(dir, "generations.csv", err)) ||
        load_meta(&s, err) != FS_OK || (o.outdir && fs_mkdir_p(outdir, err) != FS_OK)) {
        st = err->code;
        goto done;
    }
    for (int k = 0; k < 3; k++) {
        if (k == 0 && s.nobj < 2)
            continue;   /* one objective: no trade-off to draw */
        if (!(ch[n] = open_chart(outdir, names[k], &o, err)) || (st = fns[k](&s, ch[n], err)) ||
            (st = fs_chart_finish(ch[n], err))) {
            st = err->code;
            n += ch[n] != NULL;
            goto done;
        }
        n++;
    }
    for (int k = 0; k < n && st == FS_OK; k++)
        st = fs_chart_commit(ch[k], err);
done:
    for (int k = 0; k < n; k++)
        fs_chart_free(ch[k]);
    files_free(&s);
    return st;
}
