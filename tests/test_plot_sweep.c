/* test_plot_sweep.c: the charts of a sweep directory, drawn from the
 * fixtures in tests/fixtures/sweep (written by make_fixtures.py there).
 * Charts are decoded and checked: which files appear, their size, ink in
 * every plot area, a tornado bar's ends where its values put them, the
 * Sobol and tornado orders, identical bytes on a second draw, and errors
 * that name the file and line. Run from the repository root. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>

#include "check.h"
#include "pngcheck.h"
#include "chart.h"
#include "csvread.h"
#include "errors.h"
#include "plot.h"
#include "plot_sweep.h"

#define FIX "tests/fixtures/sweep/"
#define MAXG 16

static fs_sweep_geom geom[MAXG];
static int ngeom;

/* ---- helpers ---- */

/* Copies the six files of fixture `name` into dir. */
static int copy_fixture(const char *name, const char *dir)
{
    static const char *const files[] = { "meta.csv", "sweep_params.csv", "sweep_outputs.csv",
                                         "sweep.csv", "sensitivity.csv", "tornado.csv" };
    char src[4096], dst[4096];
    size_t i;

    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        long len = 0;
        unsigned char *buf;
        FILE *fp;
        snprintf(src, sizeof src, FIX "%s/%s", name, files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
        if ((buf = slurp(src, &len)) == NULL)
            return -1;
        fp = fopen(dst, "wb");
        if (fp == NULL || fwrite(buf, 1, len, fp) != (size_t)len) {
            free(buf);
            if (fp)
                fclose(fp);
            return -1;
        }
        free(buf);
        if (fclose(fp) != 0)
            return -1;
    }
    return 0;
}

/* Draws a fixture into a fresh temp directory at w x h; returns its status. */
static fs_status draw_sized(const char *name, char *out, size_t n, int w, int h, fs_err *err)
{
    char dir[4096];
    fs_plot_opts o;

    fs_plot_opts_default(&o);
    o.width = w;
    o.height = h;
    memset(geom, 0, sizeof geom);
    ngeom = 0;
    if (tmpdir(out, n) == NULL)
        return FS_EIO;
    o.outdir = out;
    snprintf(dir, sizeof dir, FIX "%s", name);
    fs_err_clear(err);
    return fs_plot_sweep_dir_geom(dir, &o, geom, MAXG, &ngeom, err);
}

static fs_status draw_fixture(const char *name, char *out, size_t n, fs_err *err)
{
    return draw_sized(name, out, n, FS_CHART_WIDTH, FS_CHART_HEIGHT, err);
}

static const fs_sweep_geom *find_geom(const char *name)
{
    int i;
    for (i = 0; i < ngeom && i < MAXG; i++)
        if (strcmp(geom[i].name, name) == 0)
            return &geom[i];
    return NULL;
}

/* Every chart drawn: right size, every panel with finite scales and ink
 * in its plot area. Returns a failure note or NULL. */
static const char *check_charts(const char *out, int w, int h, char *why, size_t n)
{
    int k, i;
    for (k = 0; k < ngeom && k < MAXG; k++) {
        cairo_surface_t *s = load_png(out, geom[k].name);
        if (s == NULL) {
            snprintf(why, n, "%.100s.png missing or unreadable", geom[k].name);
            return why;
        }
        if (cairo_image_surface_get_width(s) != w || cairo_image_surface_get_height(s) != h) {
            snprintf(why, n, "%.100s.png is %dx%d", geom[k].name, cairo_image_surface_get_width(s),
                     cairo_image_surface_get_height(s));
            cairo_surface_destroy(s);
            return why;
        }
        if (geom[k].plot.npanels < 1) {
            snprintf(why, n, "%.100s has no panels", geom[k].name);
            cairo_surface_destroy(s);
            return why;
        }
        for (i = 0; i < geom[k].plot.npanels; i++) {
            const fs_panel *p = &geom[k].plot.panel[i];
            long ink;
            if (!panel_finite(p)) {
                snprintf(why, n, "%.100s panel %d has a non-finite or empty scale", geom[k].name, i);
                cairo_surface_destroy(s);
                return why;
            }
            ink = ink_in(s, &p->area);
            if (ink < 40) {
                snprintf(why, n, "%.100s panel %d is blank (%ld ink pixels)", geom[k].name, i, ink);
                cairo_surface_destroy(s);
                return why;
            }
        }
        cairo_surface_destroy(s);
    }
    return NULL;
}

/* The charts expected, in drawing order, as one comma-separated list. */
static int names_are(const char *want)
{
    char got[2048] = "";
    int i;
    for (i = 0; i < ngeom && i < MAXG; i++) {
        if (i)
            strcat(got, ",");
        strcat(got, geom[i].name);
    }
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  charts: %s\n  wanted: %s\n", got, want);
    return strcmp(got, want) == 0;
}

/* A fixture's whole draw: status, chart names, files, non-blank charts. */
static void draw_and_check(const char *name, const char *want)
{
    char out[64], why[256];
    const char *bad;
    fs_err err;
    int n = 1, i;

    for (i = 0; want[i]; i++)
        n += want[i] == ',';
    CHECKF(draw_fixture(name, out, sizeof out, &err) == FS_OK, "%s: %s", name, err.msg);
    CHECK(ngeom == n);
    CHECK(names_are(want));
    CHECK(count_files(out) == n);   /* no temp files left */
    bad = check_charts(out, FS_CHART_WIDTH, FS_CHART_HEIGHT, why, sizeof why);
    rm_rf(out);
    CHECKF(bad == NULL, "%s: %s", name, bad);
}

/* ---- the fixtures ---- */

static void test_sobol6(void)
{
    draw_and_check("sobol6", "tornado_p_escalation,sobol_p_escalation,scatter_p_escalation,"
                   "tornado_casualties_p95,sobol_casualties_p95,scatter_casualties_p95");
    CHECK(find_geom("scatter_p_escalation")->plot.npanels == 6);
    CHECK(find_geom("tornado_p_escalation")->nrows == 6);
}

static void test_morris12(void)
{
    draw_and_check("morris12", "tornado_p_escalation,morris_p_escalation,scatter_p_escalation");
    CHECK(find_geom("scatter_p_escalation")->plot.npanels == 12);
    CHECK(find_geom("tornado_p_escalation")->nrows == 12);
}

static void test_grid2(void)
{
    draw_and_check("grid2", "tornado_p_escalation,heatmap_p_escalation,scatter_p_escalation,"
                   "tornado_casualties_mean,heatmap_casualties_mean,scatter_casualties_mean");
}

static void test_lhs12(void)
{
    draw_and_check("lhs12", "tornado_p_escalation,scatter_p_escalation");
    CHECK(find_geom("scatter_p_escalation")->plot.npanels == 12);
}

static void test_one_param(void)
{
    draw_and_check("one_param", "tornado_p_escalation,scatter_p_escalation,"
                   "tornado_attacks_mean,scatter_attacks_mean");
    CHECK(find_geom("tornado_attacks_mean")->nrows == 1);
}

static void test_all_equal(void)
{
    draw_and_check("all_equal", "tornado_p_escalation,sobol_p_escalation,scatter_p_escalation");
}

/* ---- where the marks are ---- */

/* The tornado.csv values (at_low, at_high) of one parameter and output. */
static int tornado_values(const char *fix, const char *param, const char *output, double *lo,
                          double *hi)
{
    char path[256];
    fs_err err;
    fs_csv *c;
    size_t r;
    int ok = 0;

    snprintf(path, sizeof path, FIX "%s/tornado.csv", fix);
    c = fs_csv_read(path, &err);
    if (c == NULL)
        return 0;
    for (r = 0; r < fs_csv_nrows(c); r++)
        if (strcmp(fs_csv_str(c, r, fs_csv_col(c, "parameter")), param) == 0
            && strcmp(fs_csv_str(c, r, fs_csv_col(c, "output")), output) == 0)
            ok = fs_csv_num(c, r, fs_csv_col(c, "at_low"), lo, &err) == FS_OK
                 && fs_csv_num(c, r, fs_csv_col(c, "at_high"), hi, &err) == FS_OK;
    fs_csv_free(c);
    return ok;
}

static void test_tornado_bar_edges(void)
{
    char out[64];
    fs_err err;
    cairo_surface_t *s;
    const fs_sweep_geom *g;
    const fs_panel *p;
    double lo, hi, want_l, want_r;
    int x, y, left = -1, right = -1;

    /* threats.[iskp].growth (parameter 1) has the largest swing. */
    CHECK(tornado_values("sobol6", "threats.[iskp].growth", "p_escalation", &lo, &hi));
    CHECK(hi > lo);
    CHECKF(draw_fixture("sobol6", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    g = find_geom("tornado_p_escalation");
    CHECK(g != NULL && g->plot.npanels == 1);
    CHECK(g->row_param[0] == 1);
    p = &g->plot.panel[0];
    s = load_png(out, "tornado_p_escalation");
    CHECK(s != NULL);
    y = (int)lround(fs_panel_py(p, 0));
    for (x = (int)p->area.x + 2; x < (int)(p->area.x + p->area.w) && left < 0; x++)
        if (saturated(s, x, y))
            left = x;
    for (x = (int)(p->area.x + p->area.w) - 2; x > (int)p->area.x && right < 0; x--)
        if (saturated(s, x, y))
            right = x;
    cairo_surface_destroy(s);
    rm_rf(out);
    want_l = fs_panel_px(p, lo);
    want_r = fs_panel_px(p, hi);
    CHECKF(fabs(left + 0.5 - want_l) <= 2, "bar starts at %d, at_low implies %.1f", left, want_l);
    CHECKF(fabs(right + 0.5 - want_r) <= 2, "bar ends at %d, at_high implies %.1f", right, want_r);
}

/* A probability's heatmap cell prints a percentage, as the run charts do:
 * grid2's cell at intensity 0, period 3 holds 0.45, so its text is as wide
 * as "45.0%", not "0.45". The scatter's y axis leaves a margin around the
 * data, so no dot sits on the axis. */
static void test_heatmap_percent_scatter_margin(void)
{
    char out[64], path[128];
    fs_err err;
    cairo_surface_t *s;
    const fs_sweep_geom *g;
    const fs_panel *p;
    fs_chart *c;
    double x0, x1, y0, y1, wpct, wdec, lo = HUGE_VAL, hi = -HUGE_VAL;
    int x, y, r0, g0, b0, left = -1, right = -1;

    CHECKF(draw_fixture("grid2", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    g = find_geom("heatmap_p_escalation");
    CHECK(g != NULL && g->plot.npanels == 1);
    p = &g->plot.panel[0];
    s = load_png(out, "heatmap_p_escalation");
    CHECK(s != NULL);
    x0 = fs_panel_px(p, -0.5), x1 = fs_panel_px(p, 0.5);
    y0 = fs_panel_py(p, p->y.lo - 0.5), y1 = fs_panel_py(p, p->y.lo + 0.5);
    if (y0 > y1) { double t = y0; y0 = y1; y1 = t; }
    pixel(s, (int)x0 + 4, (int)y0 + 4, &r0, &g0, &b0);
    for (x = (int)x0 + 4; x < (int)x1 - 4; x++)
        for (y = (int)y0 + 4; y < (int)y1 - 4; y++) {
            int r, gg, b;
            pixel(s, x, y, &r, &gg, &b);
            if (abs(r - r0) + abs(gg - g0) + abs(b - b0) > 120) {
                if (left < 0)
                    left = x;
                right = x;
            }
        }
    cairo_surface_destroy(s);
    snprintf(path, sizeof path, "%s/w.png", out);
    c = fs_chart_open(path, FS_CHART_PNG, FS_CHART_WIDTH, FS_CHART_HEIGHT, &err);
    CHECK(c != NULL);
    wpct = fs_chart_text_width(c, FS_TEXT_VALUE, "45.0%");
    wdec = fs_chart_text_width(c, FS_TEXT_VALUE, "0.45");
    fs_chart_free(c);
    CHECKF(left >= 0 && fabs((right - left + 1) - wpct) < fabs((right - left + 1) - wdec),
           "cell text %d px wide; \"45.0%%\" is %.0f, \"0.45\" %.0f", right - left + 1, wpct, wdec);
    g = find_geom("scatter_p_escalation");
    CHECK(g != NULL && g->plot.npanels >= 1);
    p = &g->plot.panel[0];
    {
        fs_csv *csv;
        size_t i;
        snprintf(path, sizeof path, FIX "grid2/sweep.csv");
        csv = fs_csv_read(path, &err);
        CHECK(csv != NULL);
        for (i = 0; csv && i < fs_csv_nrows(csv); i++) {
            double v;
            if (fs_csv_num(csv, i, fs_csv_col(csv, "p_escalation"), &v, &err) == FS_OK)
                lo = fmin(lo, v), hi = fmax(hi, v);
        }
        fs_csv_free(csv);
    }
    CHECKF(p->y.lo < lo - 0.03 * (hi - lo) && p->y.hi > hi + 0.03 * (hi - lo),
           "scatter y axis %g..%g for data %g..%g", p->y.lo, p->y.hi, lo, hi);
    rm_rf(out);
}

/* The mean row of the dark (whisker) pixels in column x between rows y0
 * and y1, or NAN when there are none. */
static double dark_row(cairo_surface_t *s, int x, int y0, int y1)
{
    double sum = 0;
    int y, n = 0;
    for (y = y0; y < y1; y++)
        if (luma(s, x, y) < 90 && !saturated(s, x, y))
            sum += y, n++;
    return n ? sum / n : NAN;
}

/* The two ends' whiskers can be told apart: the low end's runs above the
 * bar's middle, the high end's below, where both used to lie on the
 * middle line and overlap into one. */
static void test_tornado_whiskers_apart(void)
{
    char out[64];
    fs_err err;
    cairo_surface_t *s;
    const fs_sweep_geom *g;
    const fs_panel *p;
    double lo, hi, yc, rh, ylo, yhi;

    CHECK(tornado_values("sobol6", "threats.[iskp].growth", "p_escalation", &lo, &hi));
    CHECKF(draw_fixture("sobol6", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    g = find_geom("tornado_p_escalation");
    CHECK(g != NULL && g->row_param[0] == 1);
    p = &g->plot.panel[0];
    s = load_png(out, "tornado_p_escalation");
    CHECK(s != NULL);
    yc = fs_panel_py(p, 0);
    rh = p->area.h / g->nrows;
    ylo = dark_row(s, (int)lround(fs_panel_px(p, lo)), (int)(yc - 0.4 * rh), (int)(yc + 0.4 * rh));
    yhi = dark_row(s, (int)lround(fs_panel_px(p, hi)), (int)(yc - 0.4 * rh), (int)(yc + 0.4 * rh));
    cairo_surface_destroy(s);
    rm_rf(out);
    CHECKF(ylo < yc - 2 && yhi > yc + 2, "whiskers at y = %.1f (low end) and %.1f (high end), "
           "the bar's middle at %.1f", ylo, yhi, yc);
}

static void test_tornado_order(void)
{
    char out[64];
    fs_err err;
    const fs_sweep_geom *g;
    double lo, hi, prev = HUGE_VAL;
    int i;

    CHECKF(draw_fixture("lhs12", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    rm_rf(out);
    g = find_geom("tornado_p_escalation");
    CHECK(g != NULL && g->nrows == 12);
    for (i = 0; i < g->nrows; i++) {
        static const char *const paths[] = {
            "mechanisms.[rats].intensity", "threats.[iskp].growth", "actors.[TJ].capacity",
            "dynamics.tau", "injects.[crocus_city_hall].probability",
            "mechanisms.[joint_drill].period", "actors.[KZ].capacity", "actors.[UZ].capacity",
            "threats.[iskp].recruitment_from_afghanistan_outflow",
            "mechanisms.[intelligence_sharing].intensity", "mechanisms.[border_patrol].budget",
            "dynamics.trust_decay" };
        CHECK(g->row_param[i] >= 0 && g->row_param[i] < 12);
        CHECK(tornado_values("lhs12", paths[g->row_param[i]], "p_escalation", &lo, &hi));
        CHECKF(fabs(hi - lo) <= prev + 1e-12, "row %d swing %g above the row before", i,
               fabs(hi - lo));
        prev = fabs(hi - lo);
    }
}

static void test_sobol_order(void)
{
    static const int want[6] = { 0, 1, 4, 2, 3, 5 };   /* by ST in the fixture */
    char out[64];
    fs_err err;
    const fs_sweep_geom *g;
    int i;

    CHECKF(draw_fixture("sobol6", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    rm_rf(out);
    g = find_geom("sobol_p_escalation");
    CHECK(g != NULL && g->nrows == 6);
    for (i = 0; i < 6; i++)
        CHECKF(g->row_param[i] == want[i], "column %d shows parameter %d", i, g->row_param[i]);
    /* The y axis reaches at least 1 and below the lowest interval (-0.29). */
    CHECK(g->plot.panel[0].y.hi >= 1 && g->plot.panel[0].y.lo <= -0.29);
}

static void test_heatmap_colours(void)
{
    char out[64];
    fs_err err;
    cairo_surface_t *s;
    const fs_sweep_geom *g;
    const fs_panel *p;
    double dark, light;

    CHECKF(draw_fixture("grid2", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    g = find_geom("heatmap_casualties_mean");
    CHECK(g != NULL);
    p = &g->plot.panel[0];
    s = load_png(out, "heatmap_casualties_mean");
    CHECK(s != NULL);
    /* Highest value (1750) at intensity 0, period 12: the top left cell;
     * lowest (900) at intensity 1, period 3: bottom right. Sample near a
     * corner of each cell, away from the printed value. */
    dark = luma(s, (int)fs_panel_px(p, -0.4), (int)fs_panel_py(p, -0.4));
    light = luma(s, (int)fs_panel_px(p, 4 - 0.4), (int)fs_panel_py(p, 3 - 0.4));
    cairo_surface_destroy(s);
    rm_rf(out);
    CHECKF(dark < 120 && light > 220, "top left %.0f, bottom right %.0f", dark, light);
    CHECK(p->x.lo == -0.5 && p->x.hi == 4.5);
}

/* ---- determinism, sizes, formats ---- */

static void test_deterministic(void)
{
    char a[64], b[64], pa[512], pb[512], names[MAXG][FS_SWEEP_CHART_NAME_MAX];
    fs_err err;
    int k, n;

    CHECKF(draw_fixture("morris12", a, sizeof a, &err) == FS_OK, "%s", err.msg);
    n = ngeom;
    for (k = 0; k < n; k++)
        snprintf(names[k], sizeof names[k], "%.150s", geom[k].name);
    CHECKF(draw_fixture("morris12", b, sizeof b, &err) == FS_OK, "%s", err.msg);
    CHECK(ngeom == n);
    for (k = 0; k < n; k++) {
        snprintf(pa, sizeof pa, "%.60s/%.160s.png", a, names[k]);
        snprintf(pb, sizeof pb, "%.60s/%.160s.png", b, names[k]);
        CHECKF(same_bytes(pa, pb), "%s differs between two draws", names[k]);
    }
    rm_rf(a);
    rm_rf(b);
}

static void test_small_size(void)
{
    char out[64], why[256];
    const char *bad;
    fs_err err;

    CHECKF(draw_sized("sobol6", out, sizeof out, 800, 500, &err) == FS_OK, "%s", err.msg);
    bad = check_charts(out, 800, 500, why, sizeof why);
    rm_rf(out);
    CHECKF(bad == NULL, "%s", bad);
}

static void test_pdf(void)
{
    char out[64], path[256];
    fs_plot_opts o;
    fs_err err;
    long len = 0;
    unsigned char *head;

    fs_plot_opts_default(&o);
    o.format = FS_CHART_PDF;
    CHECK(tmpdir(out, sizeof out) != NULL);
    o.outdir = out;
    CHECKF(fs_plot_sweep_dir(FIX "grid2", &o, &err) == FS_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/heatmap_p_escalation.pdf", out);
    head = slurp(path, &len);
    CHECK(head != NULL && len > 1000 && memcmp(head, "%PDF", 4) == 0);
    free(head);
    CHECK(count_files(out) == 6);
    rm_rf(out);
}

/* ---- errors ---- */

static void test_bad_number(void)
{
    char out[64];
    fs_err err;
    fs_status st = draw_fixture("bad_number", out, sizeof out, &err);

    CHECK(st == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "bad_number/sweep.csv:4:4: column 'p_escalation': expected a "
                       "number, got '0.53x'");
    CHECK(count_files(out) == 0);
    rm_rf(out);
}

static void test_missing_file(void)
{
    char out[64];
    fs_err err;
    fs_status st = draw_fixture("missing_file", out, sizeof out, &err);

    CHECK(st == FS_EIO);
    CHECK_STR_CONTAINS(err.msg, "missing_file/tornado.csv");
    CHECK(count_files(out) == 0);
    rm_rf(out);
}

/* A copy of grid2 with one file replaced; returns the status of drawing it. */
static fs_status draw_altered(const char *file, const char *text, fs_err *err)
{
    char dir[64], path[256];
    fs_status st;

    if (tmpdir(dir, sizeof dir) == NULL || copy_fixture("grid2", dir) != 0)
        return FS_EIO;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (write_text(path, text) != 0)
        return FS_EIO;
    fs_err_clear(err);
    st = fs_plot_sweep_dir(dir, NULL, err);
    if (count_files(dir) != 6)   /* no chart beside the copied files */
        st = FS_ERUNTIME;
    rm_rf(dir);
    return st;
}

static void test_inconsistent_files(void)
{
    fs_err err;

    CHECK(draw_altered("sensitivity.csv", "method,parameter,output,index,estimate,lo95,hi95,se\n"
                       "sobol,dynamics.nope,p_escalation,S1,0.1,0,0.2,0.05\n", &err) == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "sensitivity.csv:2:2: unknown parameter 'dynamics.nope'");
    CHECK(draw_altered("sensitivity.csv", "method,parameter,output,index,estimate,lo95,hi95,se\n"
                       "sobol,mechanisms.[joint_drill].period,p_escalation,S2,0.1,0,0.2,0.05\n",
                       &err) == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "sensitivity.csv:2:4: index 'S2' is not one of S1, ST");
    CHECK(draw_altered("sweep_params.csv", "index,path,kind,lo,hi,integer,base\n"
                       "0,mechanisms.[intelligence_sharing].intensity,lever,0,1,0,0.3\n"
                       "1,mechanisms.[joint_drill].period,policy,3,12,1,6\n", &err) == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "sweep_params.csv:3:3: kind must be 'lever' or 'uncertainty'");
    CHECK(draw_altered("sweep_outputs.csv", "index,name,kind,metric,statistic\n"
                       "0,p_escalation,outcome,escalation,\n1,p.escalation,outcome,escalation,\n"
                       "2,p_escalation_,outcome,escalation,\n", &err) == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "sweep_outputs.csv:3:2: outputs 'p_escalation' and 'p.escalation'");
    CHECK(draw_altered("sweep.csv", "point,mechanisms.[intelligence_sharing].intensity,"
                       "p_escalation,casualties_mean\n0,0,0.4,1500\n", &err) == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "sweep.csv");
    CHECK_STR_CONTAINS(err.msg, "mechanisms.[joint_drill].period");
    CHECK(draw_altered("meta.csv", "key,value\nname,x\n", &err) == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "meta.csv: needs the keys name and design");
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_sobol6);
    RUN(test_morris12);
    RUN(test_grid2);
    RUN(test_lhs12);
    RUN(test_one_param);
    RUN(test_all_equal);
    RUN(test_tornado_bar_edges);
    RUN(test_tornado_order);
    RUN(test_tornado_whiskers_apart);
    RUN(test_heatmap_percent_scatter_margin);
    RUN(test_sobol_order);
    RUN(test_heatmap_colours);
    RUN(test_deterministic);
    RUN(test_small_size);
    RUN(test_pdf);
    RUN(test_bad_number);
    RUN(test_missing_file);
    RUN(test_inconsistent_files);
    return check_report();
}
