/* test_plot.c: the CSV reader, tick choice, and the charts of a run
 * directory drawn from the fixtures in tests/fixtures/plot (written by
 * make_fixtures.py there). Charts are decoded and checked pixel by pixel:
 * size, non-blank plot areas, and bar and band edges where the values put
 * them; the comparison charts from two loaded fixtures. Run from the
 * repository root. */
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
#include "output.h"
#include "csvread.h"
#include "errors.h"
#include "plot.h"

#define FIX "tests/fixtures/plot/"

static fs_plot_geom geom[FS_PLOT_NCHARTS];

/* ---- helpers ---- */

/* Draws a fixture into a fresh temp directory; returns its status. */
static fs_status draw_fixture(const char *name, char *out, size_t n, fs_err *err)
{
    char dir[4096];
    fs_plot_opts o;

    fs_plot_opts_default(&o);
    o.geom = geom;
    if (tmpdir(out, n) == NULL)
        return FS_EIO;
    o.outdir = out;
    snprintf(dir, sizeof dir, FIX "%s", name);
    fs_err_clear(err);
    return fs_plot_run_dir(dir, &o, err);
}

/* Every chart of a drawn directory: right size, every panel with finite
 * scales and some ink in its plot area. Returns a failure note or NULL. */
static const char *check_all_charts(const char *out, int w, int h, char *why, size_t n)
{
    int k, i;
    for (k = 0; k < FS_PLOT_NCHARTS; k++) {
        const char *name = fs_plot_chart_name((fs_plot_chart)k);
        cairo_surface_t *s = load_png(out, name);
        if (s == NULL) {
            snprintf(why, n, "%s.png missing or unreadable", name);
            return why;
        }
        if (cairo_image_surface_get_width(s) != w || cairo_image_surface_get_height(s) != h) {
            snprintf(why, n, "%s.png is %dx%d", name, cairo_image_surface_get_width(s),
                     cairo_image_surface_get_height(s));
            cairo_surface_destroy(s);
            return why;
        }
        if (geom[k].npanels < 1) {
            snprintf(why, n, "%s has no panels", name);
            cairo_surface_destroy(s);
            return why;
        }
        for (i = 0; i < geom[k].npanels; i++) {
            const fs_panel *p = &geom[k].panel[i];
            long ink;
            if (!panel_finite(p)) {
                snprintf(why, n, "%s panel %d has a non-finite or empty scale", name, i);
                cairo_surface_destroy(s);
                return why;
            }
            ink = ink_in(s, &p->area);
            if (ink < 40) {
                snprintf(why, n, "%s panel %d is blank (%ld ink pixels)", name, i, ink);
                cairo_surface_destroy(s);
                return why;
            }
        }
        cairo_surface_destroy(s);
    }
    return NULL;
}

/* ---- the CSV reader ---- */

static void test_csv_quoting(void)
{
    char dir[64], path[128];
    fs_err err;
    fs_csv *c;
    double v;
    int col;

    CHECK(tmpdir(dir, sizeof dir) != NULL);
    snprintf(path, sizeof path, "%s/q.csv", dir);
    CHECK(write_text(path, "name,value,note\r\n\"a, \"\"b\"\"\",1.5,\"two\nlines\"\n"
                           "plain,,x\n\nlast,-2e3,\n") == 0);
    c = fs_csv_read(path, &err);
    CHECK(c != NULL);
    CHECK(fs_csv_nrows(c) == 3 && fs_csv_ncols(c) == 3);
    CHECK(strcmp(fs_csv_str(c, 0, 0), "a, \"b\"") == 0);
    CHECK(strcmp(fs_csv_str(c, 0, 2), "two\nlines") == 0);
    CHECK(fs_csv_line(c, 1) == 4 && fs_csv_line(c, 2) == 6);
    col = fs_csv_col(c, "value");
    CHECK(col == 1 && fs_csv_col(c, "nope") == -1);
    CHECK(fs_csv_num(c, 0, col, &v, &err) == FS_OK && v == 1.5);
    CHECK(fs_csv_num(c, 1, col, &v, &err) == FS_OK && isnan(v));
    CHECK(fs_csv_num_req(c, 1, col, &v, &err) == FS_ECONFIG);
    CHECK(fs_csv_num(c, 2, col, &v, &err) == FS_OK && v == -2000);
    CHECK(fs_csv_num(c, 1, 2, &v, &err) == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "q.csv:4:3: column 'note': expected a number, got 'x'");
    CHECK(fs_csv_require(c, "missing", &col, &err) == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "no column 'missing'");
    fs_csv_free(c);
    unlink(path);
    rmdir(dir);
}

/* Text a spreadsheet would run as a formula is written with a leading
 * quote (OWASP), and read back as it was. */
static void test_csv_formula_guard(void)
{
    static const char *const texts[] = {
        "=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)",
        "\tx", "'quoted", "''", "plain", "a=b", "", "-"
    };
    char dir[64], path[128], line[256];
    size_t i, n = sizeof texts / sizeof texts[0];
    fs_err err;
    fs_csv *c;
    FILE *f;

    CHECK(tmpdir(dir, sizeof dir) != NULL);
    snprintf(path, sizeof path, "%s/g.csv", dir);
    CHECK((f = fopen(path, "w")) != NULL);
    fputs("name\n", f);
    for (i = 0; i < n; i++)
        fs_csv_field(f, texts[i]), fputc('\n', f);
    fclose(f);
    /* No cell of the file starts with a formula character. */
    CHECK((f = fopen(path, "r")) != NULL);
    while (fgets(line, sizeof line, f) != NULL) {
        const char *cell = line[0] == '"' ? line + 1 : line;
        CHECKF(strchr("=+-@\t", cell[0]) == NULL, "cell %s", line);
    }
    fclose(f);
    c = fs_csv_read(path, &err);
    CHECK(c != NULL);
    CHECK(fs_csv_nrows(c) == n - 1);   /* the empty text is a blank line */
    for (i = 0; i + 1 < n; i++) {
        size_t k = i < 10 ? i : i + 1;
        CHECKF(strcmp(fs_csv_str(c, i, 0), texts[k]) == 0, "row %zu: '%s', wrote '%s'", i,
               fs_csv_str(c, i, 0), texts[k]);
    }
    fs_csv_free(c);
    unlink(path);
    rmdir(dir);
}

static void test_csv_errors(void)
{
    char dir[64], path[128];
    fs_err err;

    CHECK(tmpdir(dir, sizeof dir) != NULL);
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    CHECK(write_text(path, "a,b\n1,2\n3\n") == 0);
    CHECK(fs_csv_read(path, &err) == NULL && err.code == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "bad.csv:3: 1 fields, but the header has 2");
    CHECK(write_text(path, "a,b\n\"open,2\n") == 0);
    CHECK(fs_csv_read(path, &err) == NULL && err.code == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "unterminated quoted field");
    CHECK(write_text(path, "a,b\n\"x\"y,2\n") == 0);
    CHECK(fs_csv_read(path, &err) == NULL);
    CHECK_STR_CONTAINS(err.msg, "bad.csv:2:1: text after a closing quote");
    unlink(path);
    CHECK(fs_csv_read(path, &err) == NULL && err.code == FS_EIO);
    CHECK_STR_CONTAINS(err.msg, "bad.csv");
    rmdir(dir);
}

/* ---- ticks and text ---- */

static void test_nice_ticks(void)
{
    fs_scale sc;
    fs_ticks t;
    int i;

    fs_nice_ticks(0, 97, 0, 0, 0, 6, &sc, &t);
    CHECK(sc.lo == 0 && sc.hi == 100 && t.n == 6 && t.v[1] == 20 && t.decimals == 0);
    fs_nice_ticks(0, 1, 0, 0, 1, 6, &sc, &t);
    CHECK(sc.lo == 0 && sc.hi == 1 && t.n == 6 && fabs(t.v[3] - 0.6) < 1e-12 && t.decimals == 1);
    fs_nice_ticks(0.5, 60.5, 0, 1, 1, 7, &sc, &t);
    CHECK(t.v[0] == 10 && t.v[t.n - 1] == 60);
    fs_nice_ticks(3, 2000, 1, 0, 0, 8, &sc, &t);
    CHECK(sc.log && sc.lo == 2 && sc.hi == 2000);
    for (i = 0; i < t.n; i++)
        CHECK(t.v[i] >= sc.lo && t.v[i] <= sc.hi);
    fs_nice_ticks(5, 5, 0, 0, 0, 6, &sc, &t);
    CHECK(isfinite(sc.lo) && isfinite(sc.hi) && sc.hi > sc.lo && t.n >= 2);
    fs_nice_ticks(NAN, NAN, 0, 0, 0, 6, &sc, &t);
    CHECK(sc.lo == 0 && sc.hi == 1);
    fs_nice_ticks(0, 0, 1, 0, 0, 6, &sc, &t);
    CHECK(sc.lo > 0 && isfinite(sc.hi) && t.n >= 1);
}

static void test_format_number(void)
{
    char buf[64];
    fs_format_number(buf, sizeof buf, 12500, 0);
    CHECK(strcmp(buf, "12\xe2\x80\x89" "500") == 0);
    fs_format_number(buf, sizeof buf, 2500, 0);
    CHECK(strcmp(buf, "2500") == 0);
    fs_format_number(buf, sizeof buf, -0.25, 2);
    CHECK(strcmp(buf, "\xe2\x88\x92" "0.25") == 0);
    fs_format_number(buf, sizeof buf, -0.001, 2);
    CHECK(strcmp(buf, "0.00") == 0);
}

/* Chart percentages round as the briefings do (fs_percent), one decimal. */
static void test_format_percent(void)
{
    static const struct { double p; const char *want; } t[] = {
        { 0.3555, "35.6%" }, { 0.165, "16.5%" }, { 0.1485, "14.9%" }, { 0.16, "16.0%" },
        { 1, "100.0%" }, { 0, "0.0%" }, { 0.0004, "0.0%" }, { 0.0005, "0.1%" },
    };
    char buf[64];
    size_t i;
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        fs_format_percent(buf, sizeof buf, t[i].p);
        CHECKF(strcmp(buf, t[i].want) == 0, "%g gives %s, not %s", t[i].p, buf, t[i].want);
    }
}

static void test_font_check(void)
{
    fs_err err;
    fs_err_clear(&err);
    CHECKF(fs_chart_font_check(&err) == FS_OK, "%s", err.msg);
}

/* The rightmost column with ink in rows [y0, y1) of s, or -1 when the
 * band has none; *n gets the number of ink pixels in the band. */
static int ink_right(cairo_surface_t *s, int y0, int y1, long *n)
{
    int x, y, right = -1, w = cairo_image_surface_get_width(s);
    *n = 0;
    for (y = y0; y < y1; y++)
        for (x = 0; x < w; x++)
            if (is_ink(s, x, y)) {
                (*n)++;
                if (x > right)
                    right = x;
            }
    return right;
}

/* A long tick label drawn whole and shortened with an ellipsis: the widths
 * fs_chart_text returns, and the ink the PNG holds (the text is really
 * drawn, reaches about its measured width, and the shortened label stays
 * inside its limit); a chart that is finished but freed uncommitted leaves
 * no file. */
static void test_ellipsis(void)
{
    char dir[64], path[128];
    const char *name = "Islamic Republic of Pakistan";
    fs_chart *c;
    fs_err err;
    cairo_surface_t *s;
    double full, cut, cut2, lh;
    int right;
    long n;

    CHECK(tmpdir(dir, sizeof dir) != NULL);
    snprintf(path, sizeof path, "%s/t.png", dir);
    /* Half the design size: text large enough to measure its ink. */
    c = fs_chart_open(path, FS_CHART_PNG, 800, 500, &err);
    CHECK(c != NULL);
    full = fs_chart_text_width(c, FS_TEXT_TICK, name);
    lh = fs_chart_line_height(c, FS_TEXT_TICK);
    CHECKF(full > 60 && full < 700 && lh > 6 && lh < 30, "width %g, line height %g", full, lh);
    /* Enough room: drawn whole, top left at (10, 10). Too little: shortened
     * to fit, top left at (10, 40). */
    cut = fs_chart_text(c, FS_TEXT_TICK, name, 10, 10, 0, 0, full + 5, fs_palette(FS_BLACK), 0);
    CHECK(fabs(cut - full) < 1);
    cut2 = fs_chart_text(c, FS_TEXT_TICK, name, 10, 40, 0, 0, full / 2, fs_palette(FS_BLACK), 0);
    CHECK(cut2 <= full / 2 + 1 && cut2 > 10);
    CHECK(fs_chart_finish(c, &err) == FS_OK);
    CHECKF(fs_chart_commit(c, &err) == FS_OK, "%s", err.msg);
    fs_chart_free(c);

    s = load_png(dir, "t");
    CHECK(s != NULL);
    /* The whole label: ink, from near x = 10 to near x = 10 + full (glyph
     * side bearings leave a pixel or two; the last letter, 'n', ends close
     * to the advance width). */
    right = ink_right(s, 10, 10 + (int)ceil(lh), &n);
    CHECKF(n > 100, "whole label: %ld ink pixels", n);
    CHECKF(right > 10 + 0.9 * full && right <= 10 + full + 2,
           "whole label: ink ends at x = %d, its width is %g from x = 10", right, full);
    /* The shortened label: ink, ending within its limit full / 2 (and
     * within the width returned), and clearly past half of it. */
    right = ink_right(s, 40, 40 + (int)ceil(lh), &n);
    CHECKF(n > 50, "shortened label: %ld ink pixels", n);
    CHECKF(right <= 10 + full / 2 + 1 && right <= 10 + cut2 + 1 && right > 10 + full / 4,
           "shortened label: ink ends at x = %d, limit %g, drawn width %g", right,
           10 + full / 2, cut2);
    /* Nothing between or below the two rows. */
    ink_right(s, 10 + (int)ceil(lh) + 1, 39, &n);
    CHECKF(n == 0, "%ld ink pixels between the rows", n);
    ink_right(s, 41 + (int)ceil(lh), 500, &n);
    CHECKF(n == 0, "%ld ink pixels below the rows", n);
    cairo_surface_destroy(s);
    CHECK(unlink(path) == 0);

    /* Finished but not committed: no file under the final name, and no
     * temp file left. */
    c = fs_chart_open(path, FS_CHART_PNG, 800, 500, &err);
    CHECK(c != NULL);
    fs_chart_text(c, FS_TEXT_TICK, name, 10, 10, 0, 0, 0, fs_palette(FS_BLACK), 0);
    CHECK(fs_chart_finish(c, &err) == FS_OK);
    fs_chart_free(c);
    CHECK(access(path, F_OK) != 0);
    CHECK(count_files(dir) == 0);
    rmdir(dir);
}

/* ---- charts of the normal fixture ---- */

static void test_normal_charts(void)
{
    char out[64], why[256];
    const char *bad;
    fs_err err;

    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    bad = check_all_charts(out, FS_CHART_WIDTH, FS_CHART_HEIGHT, why, sizeof why);
    CHECKF(bad == NULL, "%s", bad);
    CHECK(count_files(out) == FS_PLOT_NCHARTS);   /* no temp files left */
    CHECK(geom[FS_PLOT_STABILITY].npanels >= 1 && geom[FS_PLOT_STABILITY].npanels <= 12);
    CHECK(geom[FS_PLOT_TRUST].npanels == 3);
    CHECK(geom[FS_PLOT_THREAT_INDEX].npanels == 2);   /* plot and strip */
    rm_rf(out);
}

/* The strip under the threat chart has a row per inject and mechanism
 * (the normal fixture has 5 of each; rows run top down, so the scale
 * starts at the last row), and is left out when there is neither. */
static void test_threat_strip_rows(void)
{
    char out[64];
    const fs_panel *strip = &geom[FS_PLOT_THREAT_INDEX].panel[1];
    fs_err err;

    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    rm_rf(out);
    CHECKF(strip->y.lo == 9.5 && strip->y.hi == -0.5, "strip rows %g..%g", strip->y.lo,
           strip->y.hi);
    CHECKF(draw_fixture("no_attacks", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    rm_rf(out);
    CHECK(geom[FS_PLOT_THREAT_INDEX].npanels == 1);
}

/* The threat chart keeps the usual left margin (the strip's labels sit in
 * its rows, above their bars, not in a margin a quarter of the width), and
 * the strip shares the chart's x positions; the labels are drawn. */
static void test_threat_strip_layout(void)
{
    char out[64];
    const fs_panel *main = &geom[FS_PLOT_THREAT_INDEX].panel[0];
    const fs_panel *strip = &geom[FS_PLOT_THREAT_INDEX].panel[1];
    fs_rect first;
    cairo_surface_t *s;
    fs_err err;

    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    s = load_png(out, "threat_index");
    CHECK(s != NULL);
    CHECKF(main->area.x < 0.1 * FS_CHART_WIDTH, "the threat panel starts at x = %.0f of %d",
           main->area.x, FS_CHART_WIDTH);
    CHECK(fabs(strip->area.x - main->area.x) < 0.5 && fabs(strip->area.w - main->area.w) < 0.5);
    /* The first row's label: ink in the upper half of row 0, left of the
     * crocus tick (month 18). */
    first.x = strip->area.x;
    first.w = fs_panel_px(strip, 15) - first.x;
    first.y = fs_panel_py(strip, -0.45);
    first.h = fs_panel_py(strip, -0.05) - first.y;
    CHECKF(ink_in(s, &first) > 150, "row 0 label: %ld ink pixels", ink_in(s, &first));
    cairo_surface_destroy(s);
    rm_rf(out);
}

/* In the strip, a scheduled inject is a dark tick at its step and a hazard
 * inject's mean first firing a ring with a light centre (an average, not
 * an event); the escalation threshold, 1.5 x the start (120), is a
 * vermillion dashed line across the threat panel. */
static void test_threat_marks(void)
{
    char out[64];
    const fs_panel *main = &geom[FS_PLOT_THREAT_INDEX].panel[0];
    const fs_panel *strip = &geom[FS_PLOT_THREAT_INDEX].panel[1];
    cairo_surface_t *s;
    fs_err err;
    int r, g, b, x, y, n = 0, w = 0;

    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    s = load_png(out, "threat_index");
    CHECK(s != NULL);
    /* crocus, row 0, month 18: dark. */
    pixel(s, (int)lround(fs_panel_px(strip, 18)), (int)lround(fs_panel_py(strip, 0.22)), &r, &g, &b);
    CHECKF(r < 80 && g < 80 && b < 80, "scheduled tick: rgb %d %d %d", r, g, b);
    /* surge, row 3, mean first firing 37.2: a light (yellow) centre. */
    pixel(s, (int)lround(fs_panel_px(strip, 37.2)), (int)lround(fs_panel_py(strip, 3.22)), &r, &g, &b);
    CHECKF(r > 180 && g > 150 && b < 120, "hazard mean first firing: rgb %d %d %d", r, g, b);
    /* The threshold line at 180. */
    y = (int)floor(fs_panel_py(main, 180));
    for (x = (int)main->area.x + 5; x < (int)(main->area.x + main->area.w) - 5; x++, w++) {
        int k, hit = 0;
        for (k = -1; k <= 1; k++) {
            pixel(s, x, y + k, &r, &g, &b);
            hit |= r > 180 && g > 60 && g < 150 && b < 90;
        }
        n += hit;
    }
    CHECKF(n > w / 4, "escalation threshold: %d of %d pixels on its row", n, w);
    cairo_surface_destroy(s);
    rm_rf(out);
}

/* Text stays legible on a small chart: at 800x500 (half the design size)
 * no role is smaller than 10 px, where scaling alone made footnotes 6.5
 * px; at the design size the sizes are the design's. */
static void test_small_chart_text(void)
{
    char dir[64], path[128];
    fs_chart *c;
    fs_err err;
    int role;

    CHECK(tmpdir(dir, sizeof dir) != NULL);
    snprintf(path, sizeof path, "%s/t.png", dir);
    c = fs_chart_open(path, FS_CHART_PNG, 800, 500, &err);
    CHECK(c != NULL);
    for (role = FS_TEXT_TITLE; role <= FS_TEXT_FOOT; role++)
        CHECKF(fs_chart_line_height(c, (fs_text_role)role) >= 11.5, "role %d: line height %.1f px "
               "at 800x500", role, fs_chart_line_height(c, (fs_text_role)role));
    fs_chart_free(c);
    c = fs_chart_open(path, FS_CHART_PNG, 1600, 1000, &err);
    CHECK(c != NULL);
    CHECKF(fs_chart_line_height(c, FS_TEXT_FOOT) < 17 && fs_chart_line_height(c, FS_TEXT_TITLE) > 30,
           "design size: foot %.1f, title %.1f px", fs_chart_line_height(c, FS_TEXT_FOOT),
           fs_chart_line_height(c, FS_TEXT_TITLE));
    fs_chart_free(c);
    rmdir(dir);
}

/* The trust chart's change panel has cells a quarter wider than the
 * others', so that its signed values ("+0.05") print as large as theirs. */
static void test_trust_change_cells(void)
{
    char out[64];
    const fs_panel *p0 = &geom[FS_PLOT_TRUST].panel[0], *p2 = &geom[FS_PLOT_TRUST].panel[2];
    fs_err err;

    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    rm_rf(out);
    CHECKF(p2->area.w > 1.2 * p0->area.w, "change panel %.0f px wide, initial %.0f px",
           p2->area.w, p0->area.w);
}

/* Scans a pixel column upwards from y0 while saturated; returns the first
 * row that is not. */
static int bar_top(cairo_surface_t *s, int x, int y0, int ymin)
{
    int y = y0;
    while (y > ymin && saturated(s, x, y))
        y--;
    return y;
}

static void test_outcome_bar_edge(void)
{
    char out[64];
    fs_err err;
    cairo_surface_t *s;
    const fs_panel *p = &geom[FS_PLOT_OUTCOMES].panel[0];
    int x, y0, top;
    double want;

    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    s = load_png(out, "outcomes");
    CHECK(s != NULL);
    /* escalation: 75 of 200 runs, the first bar; sample left of its whisker */
    x = (int)lround(fs_panel_px(p, -0.2));
    y0 = (int)(p->area.y + p->area.h) - 3;
    want = fs_panel_py(p, 0.375);
    top = bar_top(s, x, y0, (int)p->area.y);
    cairo_surface_destroy(s);
    rm_rf(out);
    CHECKF(fabs(top + 0.5 - want) <= 2, "bar top at %d, value implies %.1f", top, want);
}

static void test_casualty_zero_bar_edge(void)
{
    char out[64];
    fs_err err;
    cairo_surface_t *s;
    const fs_panel *p = &geom[FS_PLOT_CASUALTIES].panel[0];
    fs_plot_data *d;
    double zero = 0, want;
    int i, top;

    d = fs_plot_data_load(FIX "normal", &err);
    CHECKF(d != NULL, "%s", err.msg);
    for (i = 0; i < d->nbuckets; i++)
        if (d->buckets[i].hi <= 0)
            zero += d->buckets[i].count;
    fs_plot_data_free(d);
    CHECK(zero > 0);
    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    s = load_png(out, "casualties");
    CHECK(s != NULL);
    want = fs_panel_py(p, zero);
    top = bar_top(s, (int)lround(fs_panel_px(p, -0.15)), (int)(p->area.y + p->area.h) - 3,
                  (int)p->area.y);
    cairo_surface_destroy(s);
    rm_rf(out);
    CHECKF(fabs(top + 0.5 - want) <= 2, "zero bar top at %d, value implies %.1f", top, want);
}

/* The normal fixture's sketch bucket (0.980, 1] holds the 2 runs with
 * exactly 1 casualty: they belong in the bin from 1 up, which starts the
 * log axis, not in one ending at 1. */
static void test_casualty_integer_bin(void)
{
    char out[64];
    fs_err err;
    cairo_surface_t *s;
    const fs_panel *p = &geom[FS_PLOT_CASUALTIES].panel[1];
    int filled;

    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    s = load_png(out, "casualties");
    CHECK(s != NULL);
    CHECK(p->x.log);
    filled = saturated(s, (int)lround(fs_panel_px(p, 1.25)), (int)(p->area.y + p->area.h) - 3);
    cairo_surface_destroy(s);
    rm_rf(out);
    CHECKF(fabs(fs_panel_px(p, 1) - p->area.x) < 1, "the axis starts at %.1f px, 1 is at %.1f",
           p->area.x, fs_panel_px(p, 1));
    CHECK(filled);
}

static void test_threat_band_edge(void)
{
    char out[64];
    fs_err err;
    cairo_surface_t *s;
    const fs_panel *p = &geom[FS_PLOT_THREAT_INDEX].panel[0];
    fs_plot_data *d;
    double p95, want;
    int x, y, r, g, b, step = 7;

    d = fs_plot_data_load(FIX "normal", &err);
    CHECKF(d != NULL, "%s", err.msg);
    p95 = d->region[FS_SERIES_THREAT_INDEX].p95[step];
    fs_plot_data_free(d);
    CHECKF(draw_fixture("normal", out, sizeof out, &err) == FS_OK, "%s", err.msg);
    s = load_png(out, "threat_index");
    CHECK(s != NULL);
    x = (int)lround(fs_panel_px(p, step));
    want = fs_panel_py(p, p95);
    /* Down from the top of the plot area to the first blue-tinted pixel. */
    for (y = (int)p->area.y + 2; y < (int)(p->area.y + p->area.h); y++) {
        pixel(s, x, y, &r, &g, &b);
        if (b - r > 20)
            break;
    }
    cairo_surface_destroy(s);
    rm_rf(out);
    CHECKF(fabs(y + 0.5 - want) <= 2, "90%% band top at %d, p95 implies %.1f", y, want);
}

static void test_deterministic(void)
{
    char a[64], b[64], pa[128], pb[128];
    fs_err err;
    int k;

    CHECKF(draw_fixture("normal", a, sizeof a, &err) == FS_OK, "%s", err.msg);
    CHECKF(draw_fixture("normal", b, sizeof b, &err) == FS_OK, "%s", err.msg);
    for (k = 0; k < FS_PLOT_NCHARTS; k++) {
        snprintf(pa, sizeof pa, "%s/%s.png", a, fs_plot_chart_name((fs_plot_chart)k));
        snprintf(pb, sizeof pb, "%s/%s.png", b, fs_plot_chart_name((fs_plot_chart)k));
        CHECKF(same_bytes(pa, pb), "%s differs between two draws", pa);
    }
    rm_rf(a);
    rm_rf(b);
}

/* ---- degenerate fixtures ---- */

static void degenerate(const char *name)
{
    char out[64], why[256];
    const char *bad;
    fs_err err;

    CHECKF(draw_fixture(name, out, sizeof out, &err) == FS_OK, "%s: %s", name, err.msg);
    bad = check_all_charts(out, FS_CHART_WIDTH, FS_CHART_HEIGHT, why, sizeof why);
    rm_rf(out);
    CHECKF(bad == NULL, "%s: %s", name, bad);
}

static void test_no_attacks(void) { degenerate("no_attacks"); }
static void test_one_run(void) { degenerate("one_run"); }
static void test_all_equal(void) { degenerate("all_equal"); }
static void test_zero_presence(void) { degenerate("zero_presence"); }

/* ---- errors and formats ---- */

static void test_bad_number(void)
{
    char out[64];
    fs_err err;
    fs_status st = draw_fixture("bad_number", out, sizeof out, &err);

    CHECK(st == FS_ECONFIG);
    CHECK_STR_CONTAINS(err.msg, "summary.csv:3:3: column 'mean': expected a number, got '4x'");
    CHECK(count_files(out) == 0);
    rm_rf(out);
}

static void test_missing_file(void)
{
    char out[64];
    fs_err err;
    fs_status st = draw_fixture("missing_file", out, sizeof out, &err);

    CHECK(st == FS_EIO);
    CHECK_STR_CONTAINS(err.msg, "trust.csv");
    CHECK(count_files(out) == 0);
    rm_rf(out);
}

static void test_size_and_formats(void)
{
    char out[64], why[256], path[128], again[128];
    const char *bad;
    fs_plot_opts o;
    fs_err err;
    long len = 0;
    unsigned char *head;

    fs_plot_opts_default(&o);
    o.geom = geom;
    o.width = 800;
    o.height = 500;
    CHECK(tmpdir(out, sizeof out) != NULL);
    o.outdir = out;
    CHECKF(fs_plot_run_dir(FIX "normal", &o, &err) == FS_OK, "%s", err.msg);
    bad = check_all_charts(out, 800, 500, why, sizeof why);
    CHECKF(bad == NULL, "%s", bad);
    o.format = FS_CHART_PDF;
    CHECKF(fs_plot_run_dir(FIX "normal", &o, &err) == FS_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/trust.pdf", out);
    snprintf(again, sizeof again, "%s/trust_first.pdf", out);
    CHECK(rename(path, again) == 0);
    CHECKF(fs_plot_run_dir(FIX "normal", &o, &err) == FS_OK, "%s", err.msg);
    CHECK(same_bytes(path, again));   /* no creation date inside */
    head = slurp(path, &len);
    CHECK(head != NULL && len > 1000 && memcmp(head, "%PDF", 4) == 0);
    free(head);
    o.format = FS_CHART_SVG;
    CHECKF(fs_plot_run_dir(FIX "normal", &o, &err) == FS_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/stability.svg", out);
    head = slurp(path, &len);
    CHECK(head != NULL && len > 1000 && memcmp(head, "<?xml", 5) == 0);
    free(head);
    CHECK(count_files(out) == 3 * FS_PLOT_NCHARTS + 1);
    rm_rf(out);
}

static void test_format_parse(void)
{
    fs_chart_format f;
    fs_err err;
    CHECK(fs_chart_format_parse("svg", &f, &err) == FS_OK && f == FS_CHART_SVG);
    CHECK(fs_chart_format_parse("jpeg", &f, &err) == FS_EUSAGE);
    CHECK_STR_CONTAINS(err.msg, "jpeg");
    CHECK(strcmp(fs_chart_format_ext(FS_CHART_PDF), "pdf") == 0);
    CHECK(fs_chart_open("/tmp/x.png", FS_CHART_PNG, 10, 10, &err) == NULL && err.code == FS_EUSAGE);
}

static void test_compare_charts(void)
{
    static const char *const names[] = { "SCO baseline", "Single run" };
    const fs_plot_diff diffs[] = { { "escalation", 1, 0.625, 0.2, 0.9 },
                                   { "Casualties", 1, -12, -30, 4 } };
    const fs_plot_data *runs[2];
    fs_plot_data *a, *b;
    char out[64], path[128];
    const char *files[] = { "cmp_threat", "cmp_outcomes", "cmp_diff" };
    fs_err err;
    int k;

    a = fs_plot_data_load(FIX "normal", &err);
    b = fs_plot_data_load(FIX "one_run", &err);
    CHECK(a != NULL && b != NULL);
    runs[0] = a;
    runs[1] = b;
    CHECK(tmpdir(out, sizeof out) != NULL);
    snprintf(path, sizeof path, "%s/cmp_threat.png", out);
    CHECKF(fs_plot_compare_threat(path, runs, 2, NULL, &err) == FS_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/cmp_outcomes.png", out);
    CHECKF(fs_plot_compare_outcomes(path, runs, 2, NULL, &err) == FS_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/cmp_diff.png", out);
    CHECKF(fs_plot_compare_diff(path, NULL, NULL, NULL, NULL, names, 2, NULL, diffs, 2, 0, NULL, &err) == FS_OK, "%s",
           err.msg);
    fs_plot_data_free(a);
    fs_plot_data_free(b);
    for (k = 0; k < 3; k++) {
        cairo_surface_t *s = load_png(out, files[k]);
        fs_rect all = { 0, 0, FS_CHART_WIDTH, FS_CHART_HEIGHT };
        CHECK(s != NULL);
        CHECK(ink_in(s, &all) > 5000);
        cairo_surface_destroy(s);
    }
    CHECK(count_files(out) == 3);
    rm_rf(out);
}

/* Pixels of s close to colour col, and the rightmost of them. */
static long colour_pixels(cairo_surface_t *s, fs_rgb col, int *right)
{
    int x, y, r, g, b, w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    long n = 0;
    *right = -1;
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            pixel(s, x, y, &r, &g, &b);
            if (abs(r - (int)lround(255 * col.r)) < 12 && abs(g - (int)lround(255 * col.g)) < 12
                && abs(b - (int)lround(255 * col.b)) < 12) {
                n++;
                if (x > *right)
                    *right = x;
            }
        }
    return n;
}

/* The effect charts' difference plot lists in its legend only the series
 * it draws (the baseline had no row here), and scales to what is
 * material: differences of at most 0.014 on an axis of at least 0 to 0.05
 * stay in the left part of the panel instead of filling it. */
static void test_diff_legend_and_scale(void)
{
    static const char *const names[] = { "reference", "Against the baseline", "An inject" };
    const fs_plot_diff diffs[] = { { "A–B at the end", 2, 0.010, 0.006, 0.014 },
                                   { "B–C at the end", 2, 0.004, 0.002, 0.006 } };
    char out[64], path[128];
    cairo_surface_t *s;
    fs_err err;
    int right, right0;

    CHECK(tmpdir(out, sizeof out) != NULL);
    snprintf(path, sizeof path, "%s/d0.png", out);
    CHECKF(fs_plot_compare_diff(path, "t", "x", "sub", NULL, names, 3, NULL, diffs, 2, 0, NULL,
                                &err) == FS_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/d1.png", out);
    CHECKF(fs_plot_compare_diff(path, "t", "x", "sub", NULL, names, 3, NULL, diffs, 2, 0.05,
                                NULL, &err) == FS_OK, "%s", err.msg);
    s = load_png(out, "d0");
    CHECK(s != NULL);
    colour_pixels(s, fs_series_colour(2), &right0);
    cairo_surface_destroy(s);
    s = load_png(out, "d1");
    CHECK(s != NULL);
    CHECKF(colour_pixels(s, fs_series_colour(1), &right) == 0,
           "the legend lists a series with no rows");
    CHECK(colour_pixels(s, fs_series_colour(2), &right) > 100);
    cairo_surface_destroy(s);
    CHECKF(right0 > 0.9 * FS_CHART_WIDTH && right < 0.55 * FS_CHART_WIDTH,
           "rightmost whisker at x = %d on the data's own axis, %d on one of at least 0.05",
           right0, right);
    rm_rf(out);
}

/* Pixels close to colour col in columns [x0, x1) of s. */
static long colour_in(cairo_surface_t *s, fs_rgb col, int x0, int x1)
{
    int x, y, r, g, b, h = cairo_image_surface_get_height(s);
    long n = 0;
    for (y = 0; y < h; y++)
        for (x = x0; x < x1; x++) {
            pixel(s, x, y, &r, &g, &b);
            n += abs(r - (int)lround(255 * col.r)) < 12 && abs(g - (int)lround(255 * col.g)) < 12
                 && abs(b - (int)lround(255 * col.b)) < 12;
        }
    return n;
}

/* compare_threat_index draws each scenario in its own panel on shared
 * axes, so that bands no longer blend into one colour: two scenarios side
 * by side, the reference's median colour only in the left panel and the
 * other's only in the right (the reference's median is repeated there in
 * grey, not in its colour). */
static void test_compare_threat_panels(void)
{
    const fs_plot_data *runs[2];
    fs_plot_data *a, *b;
    char out[64], path[128];
    cairo_surface_t *s;
    fs_err err;
    long l0, l1, r0, r1;

    a = fs_plot_data_load(FIX "normal", &err);
    b = fs_plot_data_load(FIX "normal", &err);
    CHECK(a != NULL && b != NULL);
    runs[0] = a, runs[1] = b;
    CHECK(tmpdir(out, sizeof out) != NULL);
    snprintf(path, sizeof path, "%s/ct.png", out);
    CHECKF(fs_plot_compare_threat(path, runs, 2, NULL, &err) == FS_OK, "%s", err.msg);
    fs_plot_data_free(a);
    fs_plot_data_free(b);
    s = load_png(out, "ct");
    CHECK(s != NULL);
    /* Below the legend: its keys sit in the top 12% of the page. */
    l0 = colour_in(s, fs_series_colour(0), 0, FS_CHART_WIDTH / 2);
    l1 = colour_in(s, fs_series_colour(1), 0, FS_CHART_WIDTH / 2);
    r0 = colour_in(s, fs_series_colour(0), FS_CHART_WIDTH / 2, FS_CHART_WIDTH);
    r1 = colour_in(s, fs_series_colour(1), FS_CHART_WIDTH / 2, FS_CHART_WIDTH);
    cairo_surface_destroy(s);
    rm_rf(out);
    CHECKF(l0 > 200 && r1 > 200 && l1 < 60 && r0 < 60, "reference colour %ld left, %ld right; "
           "other colour %ld left, %ld right", l0, r0, l1, r1);
}

/* The normal fixture's files but timeseries.csv, copied into a fresh
 * temp directory dir; out gets another fresh one for the charts. */
static void copy_normal(char *dir, size_t ndir, char *out, size_t nout)
{
    static const char *const files[] = { "meta.csv", "actors.csv", "summary.csv", "outcomes.csv",
        "trust.csv", "mechanisms.csv", "injects.csv", "earlywarning.csv", "distributions.csv" };
    char src[256], dst[256];
    unsigned char *text;
    long len;
    size_t i;
    FILE *f;

    CHECK(tmpdir(dir, ndir) != NULL && tmpdir(out, nout) != NULL);
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(src, sizeof src, FIX "normal/%s", files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
        text = slurp(src, &len);
        CHECK(text != NULL && (f = fopen(dst, "wb")) != NULL);
        fwrite(text, 1, (size_t)len, f);
        fclose(f);
        free(text);
    }
}

/* dir/timeseries.csv (its path into dst) as the normal fixture's, left
 * open for the caller to append rows to and close. */
static FILE *normal_timeseries(const char *dir, char *dst, size_t n)
{
    long len;
    unsigned char *text = slurp(FIX "normal/timeseries.csv", &len);
    FILE *f;
    snprintf(dst, n, "%s/timeseries.csv", dir);
    f = text ? fopen(dst, "wb") : NULL;
    if (f)
        fwrite(text, 1, (size_t)len, f);
    free(text);
    return f;
}

/* The pairs timeseries.csv tracks (metric trust, scope "A-B"): loaded
 * step by step into pair_trust, and drawn as trust_pairs.png, one panel
 * per pair with a median that follows the data; no such chart without
 * them (the normal fixture's count in test_normal_charts). A scope that
 * is not a pair of known actors is an error naming the file. */
static void test_trust_pairs(void)
{
    char dir[64], out[64], dst[256];
    fs_plot_data *d;
    fs_plot_opts o;
    fs_err err;
    cairo_surface_t *png;
    FILE *f;
    int t;

    copy_normal(dir, sizeof dir, out, sizeof out);
    f = normal_timeseries(dir, dst, sizeof dst);
    CHECK(f != NULL);
    for (t = 0; t <= 60; t++)   /* trust falls from 0.6 to 0.3 at step 4, then recovers */
        fprintf(f, "%d,trust,RU-KZ,%g,%g,%g,%g,%g,%g\n", t, t < 4 ? 0.6 : 0.3 + t / 200.0,
                0.1, 0.2, t < 4 ? 0.6 : 0.3 + t / 200.0, 0.7, 0.8);
    fclose(f);
    d = fs_plot_data_load(dir, &err);
    CHECKF(d != NULL, "%s", err.msg);
    if (d == NULL)
        return;
    CHECK(d->npairs == 1 && strcmp(d->actors[d->pair_a[0]].id, "RU") == 0 &&
          strcmp(d->actors[d->pair_b[0]].id, "KZ") == 0);
    CHECK(d->pair_trust[0].p50[3] == 0.6 && d->pair_trust[0].p50[10] == 0.35);
    fs_plot_opts_default(&o);
    o.outdir = out;
    CHECKF(fs_plot_data_draw(d, &o, &err) == FS_OK, "%s", err.msg);
    fs_plot_data_free(d);
    png = load_png(out, "trust_pairs");
    CHECK(png != NULL);
    if (png) {
        fs_rect all = { 0, 0, FS_CHART_WIDTH, FS_CHART_HEIGHT };
        CHECK(cairo_image_surface_get_width(png) == FS_CHART_WIDTH);
        CHECK(ink_in(png, &all) > 1000);
        cairo_surface_destroy(png);
    }
    CHECK(count_files(out) == FS_PLOT_NCHARTS + 1);
    /* Not a pair of known actors. */
    f = fopen(dst, "a");
    CHECK(f != NULL);
    fputs("0,trust,RU-XX,0.5,0.5,0.5,0.5,0.5,0.5\n", f);
    fclose(f);
    d = fs_plot_data_load(dir, &err);
    CHECK(d == NULL && err.code == FS_ECONFIG);
    CHECKF(strstr(err.msg, "timeseries.csv") && strstr(err.msg, "RU-XX"), "%s", err.msg);
    rm_rf(dir);
    rm_rf(out);
}

/* Columns of s in [x0, x1) with at least `need` dark grey (unsaturated)
 * pixels in rows [y0, y1): vertical lines, solid or dashed. */
static int dark_columns(cairo_surface_t *s, int x0, int x1, int y0, int y1, int need)
{
    int x, y, cols = 0;
    for (x = x0; x < x1; x++) {
        int n = 0;
        for (y = y0; y < y1; y++)
            n += luma(s, x, y) < 120 && !saturated(s, x, y);
        cols += n >= need;
    }
    return cols;
}

/* trust_pairs marks in each panel only the injects that act on its pair:
 * the normal fixture's naval incident (a trust shock on IR-IN, month 25)
 * in the IR-IN panel, and nothing in the RU-KZ panel, which no inject
 * touches (the crocus attack and the sanctions shock, months 18 and 24,
 * act on no pair); the inject's pair is loaded from injects.csv. */
static void test_trust_pairs_markers(void)
{
    char dir[64], out[64], dst[256];
    fs_plot_data *d;
    fs_plot_opts o;
    fs_err err;
    cairo_surface_t *png;
    FILE *f;
    int t, left, right, h = FS_CHART_HEIGHT, w = FS_CHART_WIDTH;

    copy_normal(dir, sizeof dir, out, sizeof out);
    f = normal_timeseries(dir, dst, sizeof dst);
    CHECK(f != NULL);
    for (t = 0; t <= 60; t++)
        fprintf(f, "%d,trust,RU-KZ,0.6,0.55,0.58,0.6,0.62,0.65\n", t);
    for (t = 0; t <= 60; t++)
        fprintf(f, "%d,trust,IR-IN,0.5,0.45,0.48,0.5,0.52,0.55\n", t);
    fclose(f);
    d = fs_plot_data_load(dir, &err);
    CHECKF(d != NULL, "%s", err.msg);
    if (d == NULL)
        return;
    CHECK(d->npairs == 2 && d->ninjects == 5 && strcmp(d->injects[2].pair, "IR-IN") == 0
          && d->injects[0].pair[0] == '\0');
    fs_plot_opts_default(&o);
    o.outdir = out;
    CHECKF(fs_plot_data_draw(d, &o, &err) == FS_OK, "%s", err.msg);
    fs_plot_data_free(d);
    png = load_png(out, "trust_pairs");
    CHECK(png != NULL);
    if (png) {
        left = dark_columns(png, 0, w / 2, (int)(0.45 * h), (int)(0.8 * h), 100);
        right = dark_columns(png, w / 2, w, (int)(0.45 * h), (int)(0.8 * h), 100);
        CHECKF(left <= 3 && right > left, "vertical lines: %d columns in the RU-KZ panel "
               "(its axis only), %d in the IR-IN panel (axis and the naval incident)", left,
               right);
        cairo_surface_destroy(png);
    }
    rm_rf(dir);
    rm_rf(out);
}

/* stability shows the actors whose stability moves: in a copy of the
 * normal fixture whose China and Russia hold 0.9 throughout, 10 panels for
 * the 12 actors (the flat two are named in the footnote instead). */
static void test_stability_moving(void)
{
    char dir[64], out[64], dst[256], line[512];
    fs_plot_opts o;
    fs_err err;
    FILE *f, *in;

    copy_normal(dir, sizeof dir, out, sizeof out);
    snprintf(dst, sizeof dst, "%s/timeseries.csv", dir);
    in = fopen(FIX "normal/timeseries.csv", "r");
    f = fopen(dst, "w");
    CHECK(in != NULL && f != NULL);
    while (fgets(line, sizeof line, in)) {
        int t;
        char who[8];
        if (sscanf(line, "%d,stability,%2[A-Z],", &t, who) == 2
            && (strcmp(who, "CN") == 0 || strcmp(who, "RU") == 0))
            fprintf(f, "%d,stability,%s,0.9,0.9,0.9,0.9,0.9,0.9\n", t, who);
        else
            fputs(line, f);
    }
    fclose(in);
    fclose(f);
    fs_plot_opts_default(&o);
    o.outdir = out;
    o.geom = geom;
    CHECKF(fs_plot_run_dir(dir, &o, &err) == FS_OK, "%s", err.msg);
    CHECKF(geom[FS_PLOT_STABILITY].npanels == 10, "%d stability panels, expected 10",
           geom[FS_PLOT_STABILITY].npanels);
    rm_rf(dir);
    rm_rf(out);
}

/* effects_trust keeps what the briefing would print in bold: a trust
 * difference whose interval excludes zero and that is at least 1% of the
 * value; it names actors, and puts the baseline's rows first. */
static void test_effects_trust_rows(void)
{
    static char ft[] = "final_trust", tr[] = "trust", esc[] = "escalation";
    static char rutj[] = "RU-TJ", rukg[] = "RU-KG-N", tjkg[] = "TJ-KG-N", reg[] = "region";
    static char ru[] = "RU", tj[] = "TJ", kg[] = "KG-N", base[] = "SCO baseline";
    static char nru[] = "Russia", ntj[] = "Tajikistan", nkg[] = "Kyrgyzstan North";
    static char month[] = "month";
    fs_plot_actor actors[3] = { { ru, nru, NULL }, { tj, ntj, NULL }, { kg, nkg, NULL } };
    fs_plot_effect fx[] = {
        /* source, metric, target, step, outcome, diff, lo, hi, with, without */
        { 1, ft, rutj, NAN, 0, -0.0008, -0.0009, -0.0007, 0.635, 0.636 },  /* 0.13% */
        { 1, tr, rutj, 15, 0, -0.0118, -0.0119, -0.0117, 0.532, 0.544 },
        { 1, ft, tjkg, NAN, 0, -0.03, -0.06, 0.001, 0.60, 0.63 },          /* noise */
        { 1, esc, reg, NAN, 1, 0.2, 0.1, 0.3, 0.5, 0.3 },                  /* not trust */
        { 0, ft, rutj, NAN, 0, -0.0062, -0.0063, -0.0061, 0.635, 0.641 },  /* 0.97% */
        { 0, ft, rukg, NAN, 0, 0.0000313, 0.00002, 0.00004, NAN, NAN },    /* < 0.001 */
        { 0, ft, tjkg, NAN, 0, 0.02, 0.01, 0.03, 0.52, 0.50 },
    };
    fs_plot_data d;
    fs_plot_diff rows[8];
    char labels[8][FS_PLOT_DIFF_LABEL];
    int n, small, beyond;

    memset(&d, 0, sizeof d);
    d.step_unit = month;
    d.nactors = 3;
    d.actors = actors;
    d.effects = fx;
    d.neffects = (int)(sizeof fx / sizeof fx[0]);
    d.base_name = base;
    n = fs_plot_trust_rows(&d, rows, labels, 8, &small, &beyond);
    CHECKF(n == 2 && small == 4 && beyond == 0, "%d rows, %d small, %d beyond", n, small,
           beyond);
    if (n != 2)
        return;
    CHECKF(strcmp(rows[0].metric, "Tajikistan–Kyrgyzstan North at the end") == 0, "%s",
           rows[0].metric);
    CHECK(rows[0].scenario == 1);   /* the baseline, source 0, first */
    CHECKF(strcmp(rows[1].metric, "Russia–Tajikistan in month 15") == 0, "%s", rows[1].metric);
    CHECK(rows[1].scenario == 2);
    CHECK(fs_plot_effect_material(&fx[3]));      /* a probability: half a point */
    fx[3].diff = 0.004;
    CHECK(!fs_plot_effect_material(&fx[3]));

    /* 120 material baseline pairs, growing: the eight that differ most are
     * the last eight (past the first 96 rows), largest first, and the
     * other 112 are counted. */
    {
        enum { NB = 120 };
        fs_plot_effect many[NB];
        int i;
        for (i = 0; i < NB; i++) {
            fs_plot_effect e = { 0, ft, tjkg, NAN, 0, 0.01 + 0.001 * i, 0.005 + 0.001 * i,
                                 0.02 + 0.001 * i, 0.5 + 0.01 + 0.001 * i, 0.5 };
            many[i] = e;
        }
        d.effects = many;
        d.neffects = NB;
        n = fs_plot_trust_rows(&d, rows, labels, 8, &small, &beyond);
        CHECKF(n == 8 && small == 0 && beyond == NB - 8, "%d rows, %d small, %d beyond", n,
               small, beyond);
        for (i = 0; i < n; i++)
            CHECKF(fabs(rows[i].diff - (0.01 + 0.001 * (NB - 1 - i))) < 1e-12,
                   "row %d: %g", i, rows[i].diff);
    }
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_font_check);
    RUN(test_csv_quoting);
    RUN(test_csv_formula_guard);
    RUN(test_csv_errors);
    RUN(test_nice_ticks);
    RUN(test_format_number);
    RUN(test_format_percent);
    RUN(test_ellipsis);
    RUN(test_normal_charts);
    RUN(test_threat_strip_rows);
    RUN(test_threat_strip_layout);
    RUN(test_small_chart_text);
    RUN(test_trust_change_cells);
    RUN(test_threat_marks);
    RUN(test_outcome_bar_edge);
    RUN(test_casualty_zero_bar_edge);
    RUN(test_threat_band_edge);
    RUN(test_casualty_integer_bin);
    RUN(test_deterministic);
    RUN(test_no_attacks);
    RUN(test_one_run);
    RUN(test_all_equal);
    RUN(test_zero_presence);
    RUN(test_bad_number);
    RUN(test_missing_file);
    RUN(test_size_and_formats);
    RUN(test_format_parse);
    RUN(test_compare_charts);
    RUN(test_effects_trust_rows);
    RUN(test_diff_legend_and_scale);
    RUN(test_trust_pairs);
    RUN(test_compare_threat_panels);
    RUN(test_trust_pairs_markers);
    RUN(test_stability_moving);
    return check_report();
}
