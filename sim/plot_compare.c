/* plot_compare.c: the charts of `foresight compare`, drawn from already
 * loaded run directories (plot_load.c) and paired differences. Scenario i
 * is always drawn in fs_series_colour(i). */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCEN 16
#define MAX_ROWS 256

static fs_rgb grey(double v)
{
    fs_rgb k = { v, v, v };
    return k;
}

/* The legend entry of scenario i, in its colour. */
static fs_legend_item series_key(const char *label, int i, fs_key key)
{
    fs_legend_item it = { label, fs_series_colour(i), key, 1, NULL, 0 };
    return it;
}

/* Opens a chart with the options' format and size. */
static fs_chart *compare_open(const char *path, const fs_plot_opts *opts, fs_err *err)
{
    fs_plot_opts o;
    fs_plot_opts_resolve(opts, &o);
    return fs_chart_open(path, o.format, o.width, o.height, err);
}

/* Finishes and commits a drawn chart; frees it in every case. */
static fs_status compare_close(fs_chart *c, fs_err *err)
{
    fs_status st = fs_chart_finish(c, err);
    if (st == FS_OK)
        st = fs_chart_commit(c, err);
    fs_chart_free(c);
    return st;
}

static void compare_subtitle(const fs_plot_data *const *runs, int n, char *buf, size_t len)
{
    const fs_plot_data *d = runs[0];
    snprintf(buf, len, "%d scenarios · %.0f runs each with common random numbers · seed %s · "
             "horizon %d %ss", n, d->runs, d->seed, d->steps, d->step_unit);
}

/* "Months since the start", from the run's step unit. */
static void step_label(const fs_plot_data *d, char *buf, size_t len)
{
    const char *u = d->step_unit && d->step_unit[0] ? d->step_unit : "step";
    size_t n = strlen(u);
    snprintf(buf, len, "%c%s%s since the start", u[0] >= 'a' && u[0] <= 'z' ? u[0] - 'a' + 'A'
             : u[0], u + 1, u[n - 1] == 's' ? "" : "s");
}

/* An outcome's name as outcomes.png writes it: "mass_casualty" (or
 * "mass casualty") -> "Mass-casualty attack", others capitalised with
 * spaces. name holds len bytes. */
static void outcome_words(const char *name, size_t len, char *buf, size_t n)
{
    size_t i;
    if (len == 13 && (strncmp(name, "mass_casualty", 13) == 0
                      || strncmp(name, "mass casualty", 13) == 0)) {
        snprintf(buf, n, "Mass-casualty attack");
        return;
    }
    snprintf(buf, n, "%.*s", (int)len, name);
    for (i = 0; buf[i]; i++)
        if (buf[i] == '_')
            buf[i] = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

/* A row's name: an outcome's identifier ("mass_casualty"), as
 * compare.csv names it, in words ("Mass-casualty attack"), as the outcome
 * charts name it (the chart's title says these are probabilities); any
 * other label (effects_trust's pairs) as it is. */
static const char *row_name(const char *metric, char *buf, size_t n)
{
    static const char *const outcomes[] = { "escalation", "fracture", "contained",
                                            "mass_casualty" };
    size_t i;
    for (i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        if (strcmp(metric, outcomes[i]) == 0) {
            outcome_words(metric, strlen(metric), buf, n);
            return buf;
        }
    return metric;
}

static fs_status check_runs(const fs_plot_data *const *runs, int n, fs_err *err)
{
    int i;
    for (i = 0; runs && i < n; i++)
        if (runs[i] == NULL)
            return fs_err_set(err, FS_EUSAGE, "compare chart: scenario %d has no data", i);
    if (runs == NULL || n < 1 || n > MAX_SCEN)
        return fs_err_set(err, FS_EUSAGE, "compare charts need 1 to %d scenarios, got %d",
                          MAX_SCEN, n);
    return FS_OK;
}


/* One scenario's panel of compare_threat_index: its 90% and 50% bands and
 * median in its colour, and (after the first) the reference's median as a
 * dashed grey line to read it against. */
static void threat_panel(fs_chart *c, const fs_panel *p, const fs_plot_data *const *runs, int i,
                         const double *xs)
{
    const fs_band *b = &runs[i]->region[FS_SERIES_THREAT_INDEX];
    int m = runs[i]->steps + 1;
    fs_chart_band(c, p, xs, b->p5, b->p95, m, fs_series_colour(i), 0.16);
    fs_chart_band(c, p, xs, b->p25, b->p75, m, fs_series_colour(i), 0.30);
    if (i > 0) {
        const fs_band *r = &runs[0]->region[FS_SERIES_THREAT_INDEX];
        fs_chart_line(c, p, xs, r->p50, runs[0]->steps + 1, grey(0.25), 1.6, 1);
    }
    fs_chart_line(c, p, xs, b->p50, m, fs_series_colour(i), 2.6, 0);
}

fs_status fs_plot_compare_threat(const char *path, const fs_plot_data *const *runs, int n,
                                 const fs_plot_opts *opts, fs_err *err)
{
    fs_legend_item leg[4];
    fs_rgb keys[MAX_SCEN];
    fs_panel_spec s;
    fs_rect body;
    fs_chart *c;
    char sub[256], xlabel[96], ref[220];
    double hi = 0, *xs = NULL, u, pw, ph, left = 0;
    int i, k, steps = 0, cols, rows;

    if (check_runs(runs, n, err) != FS_OK)
        return FS_EUSAGE;
    for (i = 0; i < n; i++) {
        const fs_band *b = &runs[i]->region[FS_SERIES_THREAT_INDEX];
        steps = runs[i]->steps > steps ? runs[i]->steps : steps;
        for (k = 0; k <= runs[i]->steps; k++)
            if (isfinite(b->p95[k]) && b->p95[k] > hi)
                hi = b->p95[k];
        keys[i] = fs_series_colour(i);
    }
    xs = malloc((steps + 1) * sizeof *xs);
    if (xs == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory drawing %s", path);
    for (k = 0; k <= steps; k++)
        xs[k] = k;
    c = compare_open(path, opts, err);
    if (c == NULL) {
        free(xs);
        return err ? err->code : FS_EIO;
    }
    u = fs_chart_unit(c);
    compare_subtitle(runs, n, sub, sizeof sub);
    body = fs_chart_frame(c, "Regional threat index: scenarios compared", sub,
                          "One panel per scenario, on the same axes: the median over runs, "
                          "and the bands of 50% and 90% of runs (p25–p75, p5–p95), in the "
                          "scenario's colour; the reference's median is repeated as a dashed "
                          "line in the others' panels.\nSource: timeseries.csv of each "
                          "scenario's run directory.");
    snprintf(ref, sizeof ref, "Median of the reference (%s)", runs[0]->name);
    leg[0] = series_key("Median (in each scenario's colour)", 0, FS_KEY_LINE);
    leg[0].col = grey(0.3);
    leg[1] = series_key("50% of runs", 0, FS_KEY_BAND);
    leg[1].alpha = 0.42, leg[1].cols = keys, leg[1].ncols = n;
    leg[2] = series_key("90% of runs", 0, FS_KEY_BAND);
    leg[2].alpha = 0.16, leg[2].cols = keys, leg[2].ncols = n;
    leg[3] = series_key(ref, 0, FS_KEY_DASH);
    leg[3].col = grey(0.25);
    body = fs_chart_legend(c, body, leg, n > 1 ? 4 : 3);
    step_label(runs[0], xlabel, sizeof xlabel);
    fs_chart_grid_shape(n, body, 1.5, &cols, &rows);
    pw = body.w / cols;
    ph = body.h / rows;
    for (i = 0; i < n; i++) {
        memset(&s, 0, sizeof s);
        s.box.w = pw - 16 * u;
        s.box.h = ph - 10 * u;
        s.title = runs[i]->name;
        s.y.label = "Threat index";
        s.y.lo = 0;
        s.y.hi = hi > 0 ? hi * 1.04 : 1;
        left = fmax(left, fs_chart_panel_left(c, &s));
    }
    for (i = 0; i < n; i++) {
        fs_panel p;
        memset(&s, 0, sizeof s);
        s.box.x = body.x + (i % cols) * pw;
        s.box.y = body.y + (i / cols) * ph;
        s.box.w = pw - 16 * u;
        s.box.h = ph - 10 * u;
        s.title = runs[i]->name;
        s.left = left;
        s.x.label = i >= n - cols ? xlabel : NULL;
        s.x.lo = 0;
        s.x.hi = steps > 0 ? steps : 1;
        s.x.integer = s.x.fixed = 1;
        s.y.label = (i % cols) == 0 ? "Threat index" : NULL;
        s.y.hide_ticklabels = (i % cols) != 0;
        s.y.lo = 0;
        s.y.hi = hi > 0 ? hi * 1.04 : 1;
        s.y.fixed = 1;
        s.bottom = fs_chart_line_height(c, FS_TEXT_TICK) + fs_chart_line_height(c, FS_TEXT_LABEL)
                   + 24 * u;
        p = fs_chart_panel(c, &s);
        threat_panel(c, &p, runs, i, xs);
    }
    free(xs);
    return compare_close(c, err);
}

fs_status fs_plot_compare_outcomes(const char *path, const fs_plot_data *const *runs, int n,
                                   const fs_plot_opts *opts, fs_err *err)
{
    const fs_plot_data *ref = runs[0];
    fs_legend_item leg[MAX_SCEN];
    const char *cats[64];
    char names[64][64], sub[256], val[64];
    fs_panel_spec s;
    fs_panel p;
    fs_rect body;
    fs_chart *c;
    double w;
    int i, j, k, nout;

    if (check_runs(runs, n, err) != FS_OK)
        return FS_EUSAGE;
    nout = ref->noutcomes < 64 ? ref->noutcomes : 64;
    c = compare_open(path, opts, err);
    if (c == NULL)
        return err ? err->code : FS_EIO;
    compare_subtitle(runs, n, sub, sizeof sub);
    body = fs_chart_frame(c, "Outcome probabilities: scenarios compared", sub,
                          "Bars: share of runs with each outcome (a mass-casualty attack at any "
                          "time in the run, the others judged at the horizon, escalation also "
                          "by a member's stability at any time; see outcomes.png); whiskers: "
                          "95% Wilson score interval.\nSource: outcomes.csv of each scenario's "
                          "run directory.");
    for (i = 0; i < n; i++)
        leg[i] = series_key(runs[i]->name, i, FS_KEY_BAR);
    body = fs_chart_legend(c, body, leg, n);
    for (i = 0; i < nout; i++) {
        const char *o = ref->outcomes[i].name;
        outcome_words(o, strlen(o), names[i], sizeof names[i]);
        cats[i] = names[i];
    }
    memset(&s, 0, sizeof s);
    s.box = body;
    s.x.cats = cats;
    s.x.ncats = nout > 0 ? nout : 1;
    if (nout == 0)
        cats[0] = "";
    s.y.label = "Probability (share of runs)";
    s.y.lo = 0;
    s.y.hi = 1.08;
    s.y.fixed = s.y.percent = 1;
    p = fs_chart_panel(c, &s);
    w = 0.8 / n;
    for (i = 0; i < nout; i++) {
        for (j = 0; j < n; j++) {
            const fs_plot_outcome *o = NULL;
            double x0 = i - 0.4 + j * w, xc = x0 + w / 2;
            for (k = 0; k < runs[j]->noutcomes; k++)
                if (strcmp(runs[j]->outcomes[k].name, ref->outcomes[i].name) == 0)
                    o = &runs[j]->outcomes[k];
            if (o == NULL)
                continue;
            fs_chart_bar(c, &p, x0, x0 + w, 0, o->probability, fs_series_colour(j), 0.9);
            fs_chart_whisker(c, &p, xc, o->lo95, o->hi95, grey(0.15));
            fs_format_percent(val, sizeof val, o->probability);
            if (fs_chart_text_width(c, FS_TEXT_VALUE, val) < fs_panel_px(&p, w) - fs_panel_px(&p, 0))
                fs_chart_text(c, FS_TEXT_VALUE, val, fs_panel_px(&p, xc),
                              fs_panel_py(&p, fmax(o->probability, o->hi95)) - 4 * fs_chart_unit(c),
                              0.5, 1, 0, grey(0.1), 0);
        }
    }
    if (nout == 0)
        fs_chart_note(c, &p, "The first scenario's outcomes.csv has no rows.");
    return compare_close(c, err);
}

fs_status fs_plot_compare_diff(const char *path, const char *title, const char *xlabel,
                               const char *subtitle, const char *note,
                               const char *const *names, int nnames,
                               const fs_plot_data *const *runs, const fs_plot_diff *d,
                               int n, double min_half, const fs_plot_opts *opts, fs_err *err)
{
    int drawn[MAX_SCEN] = {0};
    static const char *const none = "";
    const char *cats[MAX_ROWS];
    int order[MAX_ROWS], used[MAX_ROWS] = {0};
    fs_legend_item leg[MAX_SCEN];
    char ref[512], sub[256], shown[MAX_ROWS][32];
    fs_panel_spec s;
    fs_panel p;
    fs_rect body;
    fs_chart *c = NULL;
    double lo = 0, hi = 0;
    int i, j, m = n < MAX_ROWS ? n : MAX_ROWS, nrow = 0, nleg = 0;

    /* Rows grouped by metric, in the order metrics first appear; the
     * metric is named on the first row of its group, and colours name the
     * scenarios in the legend. */
    for (i = 0; i < m; i++) {
        if (used[i])
            continue;
        for (j = i; j < m; j++) {
            if (used[j] || strcmp(d[j].metric, d[i].metric) != 0)
                continue;
            used[j] = 1;
            cats[nrow] = j == i ? row_name(d[i].metric, shown[nrow], sizeof shown[nrow]) : none;
            order[nrow++] = j;
        }
    }
    for (i = 0; i < m; i++) {
        if (isfinite(d[i].lo))
            lo = fmin(lo, d[i].lo);
        if (isfinite(d[i].hi))
            hi = fmax(hi, d[i].hi);
        if (isfinite(d[i].diff))
            lo = fmin(lo, d[i].diff), hi = fmax(hi, d[i].diff);
        if (d[i].scenario >= 0 && d[i].scenario < MAX_SCEN)
            drawn[d[i].scenario] = 1;
    }
    /* At least min_half either side of zero where the data lie: a
     * difference of 0.01 on an axis of 0 to 0.014 would look large. */
    if (min_half > 0) {
        if (lo < 0 || hi <= 0)
            lo = fmin(lo, -min_half);
        if (hi > 0 || lo >= 0)
            hi = fmax(hi, min_half);
    }
    for (i = 1; i < nnames && i < MAX_SCEN; i++)
        if (drawn[i])
            leg[nleg++] = series_key(names[i], i, FS_KEY_WHISKER);
    c = compare_open(path, opts, err);
    if (c == NULL)
        return err ? err->code : FS_EIO;
    sub[0] = '\0';
    if (runs && nnames > 0 && runs[0])
        compare_subtitle(runs, nnames, sub, sizeof sub);
    snprintf(ref, sizeof ref, "%s%sReference: %s%s%s", subtitle ? subtitle : "",
             subtitle ? " · " : "", nnames > 0 ? names[0] : "the first scenario",
             sub[0] ? " · " : "", sub);
    body = fs_chart_frame(c, title ? title : "Differences to the reference scenario", ref,
                          note ? note
                               : "Points: paired difference to the reference scenario (common "
                                 "random numbers); whiskers: 95% interval. Right of the zero "
                                 "line: higher than the reference.\nSource: compare.csv.");
    if (nleg > 0)
        body = fs_chart_legend(c, body, leg, nleg);
    memset(&s, 0, sizeof s);
    s.box = body;
    s.y.cats = nrow > 0 ? cats : &none;
    s.y.ncats = nrow > 0 ? nrow : 1;
    s.y.cat_groups = 1;
    s.x.label = xlabel ? xlabel : "Difference to the reference scenario";
    s.x.lo = lo;
    s.x.hi = hi;
    p = fs_chart_panel(c, &s);
    fs_chart_vline(c, &p, 0, grey(0.2), 1.5, 0);
    for (i = 0; i < nrow; i++) {
        const fs_plot_diff *r = &d[order[i]];
        fs_rgb col = fs_series_colour(r->scenario);
        fs_chart_hwhisker(c, &p, i, r->lo, r->hi, col);
        fs_chart_point(c, &p, r->diff, i, 6, col);
    }
    if (nrow == 0)
        fs_chart_note(c, &p, "No differences to draw.");
    return compare_close(c, err);
}
