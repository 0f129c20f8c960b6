/* plot.c: the eight charts of a run directory, drawn from an fs_plot_data
 * (plot_load.c) with the primitives of chart.h. All charts are written to
 * temp files first and renamed only when every one of them succeeded. */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsio.h"
#include "stats.h"

#define PATH_LEN 4096
#define MAX_MARKERS 256
#define LABEL_LEN 200

static const char *const chart_names[FS_PLOT_NCHARTS] = {
    "threat_index", "attacks", "outcomes", "casualties", "trust", "stability",
    "cohesion_cost", "early_warning"
};

/* What every chart of one run shares. */
typedef struct plot_ctx {
    const fs_plot_data *d;
    char subtitle[256];
    char xlabel[128];
    char dir[320];       /* the run directory, for footnotes (its tail if long) */
    double *xs;          /* steps 0..steps as doubles */
    double *stairs;      /* room for 7 series of 2n points (draw_band_steps) */
    int n;               /* steps + 1 */
} plot_ctx;

void fs_plot_opts_default(fs_plot_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = FS_CHART_PNG;
    o->width = FS_CHART_WIDTH;
    o->height = FS_CHART_HEIGHT;
}

const char *fs_plot_chart_name(fs_plot_chart which)
{
    return (int)which >= 0 && which < FS_PLOT_NCHARTS ? chart_names[which] : "chart";
}

/* ---- small helpers ---- */

/* The colour of a metric or outcome in every chart; `fallback` (a series
 * index) for names without one. */
static fs_rgb named_colour(const char *m, int fallback)
{
    static const struct { const char *name; fs_colour col; } map[] = {
        { "threat_index", FS_BLUE }, { "attacks", FS_VERMILLION },
        { "foiled", FS_BLUISH_GREEN }, { "casualties", FS_REDDISH_PURPLE },
        { "mass_casualty", FS_REDDISH_PURPLE }, { "cost", FS_ORANGE },
        { "cohesion", FS_SKY_BLUE }, { "fracture", FS_SKY_BLUE },
        { "escalation", FS_VERMILLION }, { "contained", FS_BLUISH_GREEN },
        { "stability", FS_BLACK },
    };
    size_t i;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, m) == 0)
            return fs_palette(map[i].col);
    return fallback < 0 ? fs_palette(FS_GREY) : fs_series_colour(fallback);
}

static fs_rgb metric_colour(const char *m)
{
    return named_colour(m, -1);
}

static fs_rgb grey(double v)
{
    fs_rgb k = { v, v, v };
    return k;
}

/* "mass_casualty" -> "Mass-casualty attack", others capitalised. */
static void outcome_label(const char *name, char *buf, size_t n)
{
    size_t i;
    if (strcmp(name, "mass_casualty") == 0) {
        snprintf(buf, n, "Mass-casualty attack");
        return;
    }
    snprintf(buf, n, "%s", name);
    for (i = 0; buf[i]; i++)
        if (buf[i] == '_')
            buf[i] = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

static void range_add(double *lo, double *hi, const double *v, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (v[i] < *lo)
            *lo = v[i];
        if (v[i] > *hi)
            *hi = v[i];
    }
}

/* Smallest and largest finite value of a band (all its arrays). */
static void band_range(const fs_band *b, int n, double *lo, double *hi)
{
    range_add(lo, hi, b->mean, n);
    range_add(lo, hi, b->p5, n);
    range_add(lo, hi, b->p50, n);
    range_add(lo, hi, b->p95, n);
}

static void draw_band(fs_chart *c, const fs_panel *p, const plot_ctx *x, const fs_band *b,
                      fs_rgb col, int with50, int with_mean)
{
    fs_chart_band(c, p, x->xs, b->p5, b->p95, x->n, col, 0.16);
    if (with50)
        fs_chart_band(c, p, x->xs, b->p25, b->p75, x->n, col, 0.30);
    if (with_mean)
        fs_chart_line(c, p, x->xs, b->mean, x->n, col, 1.5, 1);
    fs_chart_line(c, p, x->xs, b->p50, x->n, col, 2.6, 0);
}

static fs_legend_item legend(const char *label, fs_rgb col, fs_key key, double alpha)
{
    fs_legend_item it = { label, col, key, alpha, NULL, 0 };
    return it;
}

/* A band key in the colours of the two series whose bands it stands for. */
static fs_legend_item legend2(const char *label, const fs_rgb *cols, double alpha)
{
    fs_legend_item it = { label, cols[0], FS_KEY_BAND, alpha, cols, 2 };
    return it;
}

static fs_axis_spec step_axis(const plot_ctx *x, int with_label)
{
    fs_axis_spec a;
    memset(&a, 0, sizeof a);
    a.label = with_label ? x->xlabel : NULL;
    a.lo = 0;
    a.hi = x->d->steps > 0 ? x->d->steps : 1;
    a.integer = 1;
    a.fixed = 1;
    return a;
}

/* A little room above the largest value, so a flat maximum is not drawn
 * on the frame's top edge. */
static double headroom(double hi)
{
    return hi > 0 ? hi * 1.04 : 1;
}

static fs_axis_spec value_axis(const char *label, double lo, double hi, int integer)
{
    fs_axis_spec a;
    memset(&a, 0, sizeof a);
    a.label = label;
    a.lo = lo;
    a.hi = hi;
    a.integer = integer;
    return a;
}

/* Splits a box into a top part of height h and returns the rest below. */
static fs_rect split_top(fs_rect *box, double h)
{
    fs_rect rest = *box;
    box->h = h;
    rest.y += h;
    rest.h -= h;
    return rest;
}

/* The footnote: what the chart shows (text, plus a remark when there is a
 * single run and `bands`), then the source files. */
static void footnote_bands(const plot_ctx *x, char *buf, size_t n, const char *text,
                           int bands, const char *files)
{
    const char *one = bands && x->d->runs == 1
                      ? " With a single run the bands collapse onto the line." : "";
    snprintf(buf, n, "%s%s\nSource: %s in %s.", text, one, files, x->dir);
}

static void footnote(const plot_ctx *x, char *buf, size_t n, const char *text, const char *files)
{
    footnote_bands(x, buf, n, text, 0, files);
}

/* "Counted in the region: members and observers (Afghanistan, an
 * external territory, is left out)." after text, as the briefing says
 * it; the region totals leave external territories out. */
static void region_note(const fs_plot_data *d, const char *text, char *buf, size_t n)
{
    size_t len;
    int a, ext = 0, k = 0;

    for (a = 0; a < d->nactors; a++)
        ext += strcmp(d->actors[a].role, "external") == 0;
    len = (size_t)snprintf(buf, n, "%s Counted in the region: its members and observers", text);
    if (ext == 0 || len >= n) {
        if (len < n)
            snprintf(buf + len, n - len, ".");
        return;
    }
    len += (size_t)snprintf(buf + len, n - len, " (");
    for (a = 0; a < d->nactors && len < n; a++) {
        if (strcmp(d->actors[a].role, "external") != 0)
            continue;
        len += (size_t)snprintf(buf + len, n - len, "%s%s", k == 0 ? "" : k == ext - 1 ? " and "
                                : ", ", d->actors[a].name);
        k++;
    }
    if (len < n)
        snprintf(buf + len, n - len, ext == 1 ? ", external, is left out)."
                                              : ", external, are left out).");
}

/* Draws the frame, titled with what the chart shows and the scenario's
 * name ("Attacks and foiled plots — SCO baseline"), as the effects and
 * comparison charts name what they show. */
static fs_rect frame(const plot_ctx *x, fs_chart *c, const char *what, const char *foot)
{
    char title[512];
    snprintf(title, sizeof title, "%s — %s", what, x->d->name);
    return fs_chart_frame(c, title, x->subtitle, foot);
}

/* ---- 1. threat index ---- */

#define STRIP_ROWS 64   /* injects and mechanisms drawn in the strip */

static const char *unit_name(const fs_plot_data *d)
{
    return d->step_unit && d->step_unit[0] ? d->step_unit : "step";
}

/* A hazard inject may fire at any step of its window; a scheduled one
 * fires (perhaps) at its step. */
static int inject_hazard(const fs_plot_inject *in)
{
    return !isfinite(in->step) && isfinite(in->start) && isfinite(in->end);
}

/* The strip row's label: "Crocus City Hall attack (month 3)", "ISKP surge
 * in Afghanistan (hazard, fired in 44.3% of runs)". */
static void inject_label(const fs_plot_data *d, const fs_plot_inject *in, char *buf, size_t n)
{
    char pc[64];
    int fired = isfinite(in->fired_share) && in->fired_share > 0;

    fs_format_percent(pc, sizeof pc, fired ? in->fired_share : in->probability);
    if (inject_hazard(in)) {
        if (fired)
            snprintf(buf, n, "%s (hazard, fired in %s of runs)", in->label, pc);
        else
            snprintf(buf, n, "%s (hazard, never fired)", in->label);
    } else if (!(isfinite(in->probability) && in->probability < 1)) {
        snprintf(buf, n, "%s (%s %g)", in->label, unit_name(d), in->step);
    } else if (fired) {
        snprintf(buf, n, "%s (%s %g, fired in %s of runs)", in->label, unit_name(d), in->step,
                 pc);
    } else {
        snprintf(buf, n, "%s (%s %g, probability %s)", in->label, unit_name(d), in->step, pc);
    }
}

/* The injects the strip shows (scheduled or hazard), in file order, into
 * idx; counts each kind. */
static int strip_injects(const fs_plot_data *d, int *idx, int max, int *nsched, int *nhazard)
{
    int i, k = 0;

    *nsched = *nhazard = 0;
    for (i = 0; i < d->ninjects && k < max; i++) {
        const fs_plot_inject *in = &d->injects[i];
        if (inject_hazard(in))
            (*nhazard)++;
        else if (isfinite(in->step))
            (*nsched)++;
        else
            continue;
        idx[k++] = i;
    }
    return k;
}

/* Half the width of a tick in the strip, in steps: visible at any horizon. */
static double strip_tick(const fs_plot_data *d)
{
    return fmax(0.15, d->steps / 300.0);
}

/* Each strip row holds its label above and its bar below: the bar spans
 * [row + BAR_TOP, row + BAR_BOTTOM] in category units. */
#define BAR_TOP 0.02
#define BAR_BOTTOM 0.42

/* Inject rows 0..n-1 of the strip: a scheduled inject as a dark tick at
 * its step (an event); a hazard inject as a light bar over its window with
 * a ring at its mean first firing (an average over runs, not an event). */
static void draw_inject_strip(fs_chart *c, const fs_panel *p, const fs_plot_data *d,
                              const int *idx, int n)
{
    double tick = strip_tick(d);
    int i;

    for (i = 0; i < n; i++) {
        const fs_plot_inject *in = &d->injects[idx[i]];
        if (inject_hazard(in)) {
            double lo = fmax(in->start, 0), hi = fmin(in->end, d->steps);
            double y = i + 0.5 * (BAR_TOP + BAR_BOTTOM);
            double r = 0.5 * (fs_panel_py(p, i + BAR_BOTTOM) - fs_panel_py(p, i + BAR_TOP))
                       / fs_chart_unit(c);
            if (hi >= lo)
                fs_chart_rect(c, p, lo - (hi - lo < 2 * tick ? tick : 0), i + BAR_TOP,
                              hi + (hi - lo < 2 * tick ? tick : 0), i + BAR_BOTTOM, grey(0.86), 1);
            if (in->fired_share > 0 && isfinite(in->mean_fire_step)) {
                fs_chart_point(c, p, in->mean_fire_step, y, r * 1.15, grey(0.1));
                fs_chart_point(c, p, in->mean_fire_step, y, r * 0.6, fs_palette(FS_YELLOW));
            }
        } else if (isfinite(in->step)) {
            fs_chart_rect(c, p, in->step - tick, i + BAR_TOP - 0.1, in->step + tick,
                          i + BAR_BOTTOM + 0.05, grey(0.1), 1);
        }
    }
}

/* Mechanism rows from row0 on: the active window as a grey bar, a joint
 * drill's drills as dark ticks on it. */
static void draw_mechanism_strip(fs_chart *c, const fs_panel *p, const fs_plot_data *d, int row0)
{
    double tick = strip_tick(d);
    int i;

    for (i = 0; i < d->nmechanisms && row0 + i < STRIP_ROWS; i++) {
        const fs_plot_mechanism *m = &d->mechanisms[i];
        double lo = fmax(m->start, 0), hi = fmin(m->end, d->steps), t, y = row0 + i;
        if (hi < lo)
            continue;
        if (hi - lo < 2 * tick)
            lo -= tick, hi += tick;
        fs_chart_rect(c, p, lo, y + BAR_TOP, hi, y + BAR_BOTTOM, grey(0.62), 1);
        if (strcmp(m->type, "joint_drill") != 0 || !(m->period > 0))
            continue;
        for (t = m->start; t <= m->end && t <= d->steps; t += m->period)
            fs_chart_rect(c, p, t - tick, y + BAR_TOP, t + tick, y + BAR_BOTTOM, grey(0.1), 1);
    }
}

/* The strip's row labels, each above its bar at the plot's left edge. */
static void draw_strip_labels(fs_chart *c, const fs_panel *p, const char *const *names, int n)
{
    double u = fs_chart_unit(c);
    int i;
    for (i = 0; i < n; i++)
        fs_chart_text(c, FS_TEXT_TICK, names[i], p->area.x + 2 * u,
                      fs_panel_py(p, i + BAR_TOP) - 1.5 * u, 0, 1, p->area.w - 4 * u,
                      grey(0.15), 0);
}

/* What the footnote says of the strip, by what the scenario has. */
static const char *strip_note(int ninj, int nmech)
{
    if (ninj && nmech)
        return "Bands: 50% and 90% of runs. Strip under the chart: one row per inject (dark "
               "tick: a scheduled inject's step; light bar: a hazard inject's window, with a "
               "ring at its mean first firing over the runs where it fired), then one per "
               "mechanism (grey bar: active window; dark ticks: joint drills).";
    if (ninj)
        return "Bands: 50% and 90% of runs. Strip under the chart: one row per inject (dark "
               "tick: a scheduled inject's step; light bar: a hazard inject's window, with a "
               "ring at its mean first firing over the runs where it fired). No mechanisms "
               "in this scenario.";
    if (nmech)
        return "Bands: 50% and 90% of runs. Strip under the chart: one row per mechanism "
               "(grey bar: active window; dark ticks: joint drills). No injects in this "
               "scenario.";
    return "Bands: 50% and 90% of runs. No injects and no mechanisms in this scenario.";
}

/* The escalation threshold, escalation_ratio times the threat index at
 * step 0 (the same in every run), or NaN when meta.csv lacks the ratio. */
static double escalation_threshold(const fs_plot_data *d, const fs_band *b)
{
    double start = b->p50[0];
    if (!isfinite(d->escalation_ratio) || !isfinite(start) || !(start > 0))
        return NAN;
    return d->escalation_ratio * start;
}

/* The threshold as a dashed line across the panel, labelled at its right. */
static void draw_threshold(fs_chart *c, const fs_panel *p, const fs_plot_data *d, double thr)
{
    double xs[2] = { 0, d->steps > 0 ? d->steps : 1 }, ys[2] = { thr, thr };
    double u = fs_chart_unit(c);
    char lab[160], v[64];
    fs_rgb col = fs_palette(FS_VERMILLION);
    fs_chart_line(c, p, xs, ys, 2, col, 1.8, 1);
    fs_format_number(v, sizeof v, thr, thr >= 100 ? 0 : 1);
    snprintf(lab, sizeof lab, "Escalation threshold: %g × start (%s)", d->escalation_ratio, v);
    fs_chart_text(c, FS_TEXT_TICK, lab, p->area.x + p->area.w - 4 * u,
                  fs_panel_py(p, thr) - 3 * u, 1, 1, p->area.w * 0.6, col, 0);
}

static void draw_threat(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    const fs_band *b = &d->region[FS_SERIES_THREAT_INDEX];
    fs_rgb col = metric_colour("threat_index");
    int idx[STRIP_ROWS];
    char lab[STRIP_ROWS][LABEL_LEN], sched[LABEL_LEN], thlab[LABEL_LEN];
    const char *names[STRIP_ROWS];
    fs_legend_item leg[7];
    fs_panel_spec ms, ss;
    fs_panel p, sp;
    fs_rect body, strip;
    char foot[1024], note[256];
    double lo = HUGE_VAL, hi = -HUGE_VAL, u = fs_chart_unit(c);
    double thr = escalation_threshold(d, b);
    int nl = 0, ni, nm, nr, nsched, nhaz, i;

    ni = strip_injects(d, idx, STRIP_ROWS, &nsched, &nhaz);
    nm = d->nmechanisms < STRIP_ROWS - ni ? d->nmechanisms : STRIP_ROWS - ni;
    nr = ni + nm;
    footnote_bands(x, foot, sizeof foot, strip_note(ni, nm), 1,
                   "timeseries.csv, injects.csv, mechanisms.csv, meta.csv");
    body = frame(x, c, "Regional threat index", foot);
    leg[nl++] = legend("Median threat index", col, FS_KEY_LINE, 1);
    leg[nl++] = legend("50% of runs (p25–p75)", col, FS_KEY_BAND, 0.42);
    leg[nl++] = legend("90% of runs (p5–p95)", col, FS_KEY_BAND, 0.16);
    if (isfinite(thr)) {
        snprintf(thlab, sizeof thlab, "Escalation threshold (%g × start)", d->escalation_ratio);
        leg[nl++] = legend(thlab, fs_palette(FS_VERMILLION), FS_KEY_DASH, 1);
    }
    if (nsched) {
        snprintf(sched, sizeof sched, "Scheduled inject: dashed line and strip tick at its %s",
                 unit_name(d));
        leg[nl++] = legend(sched, grey(0.3), FS_KEY_MARKER, 1);
    }
    if (nhaz)
        leg[nl++] = legend("Hazard inject: window in the strip, ring at mean first firing",
                           grey(0.86), FS_KEY_WINDOW, 1);
    body = fs_chart_legend(c, body, leg, nl);

    memset(&ms, 0, sizeof ms);
    memset(&ss, 0, sizeof ss);
    strip = body;
    if (nr > 0) {
        /* A row: its label's line above a bar about half as high. */
        double row = fs_chart_line_height(c, FS_TEXT_TICK) * 1.9;
        double rows = fmin(nr * row, body.h * 0.38);
        double extra = fs_chart_line_height(c, FS_TEXT_TICK) + fs_chart_line_height(c, FS_TEXT_LABEL)
                       + 30 * u;
        strip = split_top(&body, body.h - rows - extra);
        for (i = 0; i < ni; i++) {
            inject_label(d, &d->injects[idx[i]], lab[i], sizeof lab[i]);
            names[i] = lab[i];
        }
        for (i = 0; i < nm; i++)
            names[ni + i] = d->mechanisms[i].name;
        ss.box = strip;
        ss.x = step_axis(x, 1);
        ss.y.cats = names;
        ss.y.ncats = nr;
        ss.y.hide_ticklabels = 1;
    }
    band_range(b, x->n, &lo, &hi);
    ms.box = body;
    ms.x = step_axis(x, nr == 0);
    ms.x.hide_ticklabels = nr > 0;
    ms.y = value_axis("Threat index (threat cells)", 0,
                      fmax(headroom(hi), isfinite(thr) ? thr * 1.08 : 0), 0);
    ms.left = fs_chart_panel_left(c, &ms);
    if (nr > 0) {
        /* The strip's labels sit in its rows, so the chart keeps the
         * usual margin and the whole width. */
        ms.left = ss.left = fmax(ms.left, fs_chart_panel_left(c, &ss));
        ms.bottom = 10 * u;
    }
    p = fs_chart_panel(c, &ms);
    draw_band(c, &p, x, b, col, 1, 0);
    if (isfinite(thr))
        draw_threshold(c, &p, d, thr);
    for (i = 0; i < ni; i++)
        if (!inject_hazard(&d->injects[idx[i]]))
            fs_chart_vline(c, &p, d->injects[idx[i]].step, grey(0.3), 1.6, 1);
    if (!(hi > lo)) {
        if (isfinite(lo) && lo != 0)
            snprintf(note, sizeof note, "The threat index is %g at every step of every run.", lo);
        else
            snprintf(note, sizeof note, isfinite(lo)
                     ? "The threat index is 0 at every step of every run (no threat presence)."
                     : "timeseries.csv has no threat index rows.");
        fs_chart_note(c, &p, note);
    }
    if (nr > 0) {
        sp = fs_chart_panel(c, &ss);
        draw_inject_strip(c, &sp, d, idx, ni);
        draw_mechanism_strip(c, &sp, d, ni);
        draw_strip_labels(c, &sp, names, nr);
        if (ni > 0 && nm > 0) {
            /* A rule between the injects' rows and the mechanisms'. */
            double rx[2] = { 0, d->steps > 0 ? d->steps : 1 }, ry[2] = { ni - 0.5, ni - 0.5 };
            fs_chart_line(c, &sp, rx, ry, 2, grey(0.6), 1, 0);
        }
    }
}

/* ---- 2. attacks and foiled plots ---- */

/* Per-step counts are small integers, so their per-step quantiles say
 * little (a median of 0, bands of 0 to 2). The chart shows what does vary:
 * the expected count accumulated over time (the sum of the per-step means,
 * exact), with the spread of the run totals at the end (summary.csv), and
 * the per-step mean, which shows when attacks come (an inject's spike). */
static void draw_attacks(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    const fs_band *att = &d->region[FS_SERIES_ATTACKS], *fo = &d->region[FS_SERIES_FOILED];
    const fs_plot_stat *ta = &d->summary[FS_SUM_ATTACKS], *tf = &d->summary[FS_SUM_FOILED];
    fs_rgb ca = metric_colour("attacks"), cf = metric_colour("foiled"), two[2];
    double *cum_a = x->stairs, *cum_f = x->stairs + x->n, hi = 0, phi = 0, left, w;
    double sa = 0, sf = 0;
    int t, none_att, none_fo;
    fs_legend_item leg[4];
    fs_panel_spec s[2];
    fs_panel p;
    fs_rect body, lower;
    char foot[2048], per[96], text[768];

    two[0] = ca, two[1] = cf;
    snprintf(per, sizeof per, "Mean per %s", d->step_unit && d->step_unit[0] ? d->step_unit
                                                                          : "step");
    for (t = 0; t < x->n; t++) {
        /* Step 0 is the start: nothing has happened yet. */
        sa += t > 0 && isfinite(att->mean[t]) ? att->mean[t] : 0;
        sf += t > 0 && isfinite(fo->mean[t]) ? fo->mean[t] : 0;
        cum_a[t] = sa, cum_f[t] = sf;
        if (t > 0)
            phi = fmax(phi, fmax(att->mean[t], fo->mean[t]));
    }
    hi = fmax(fmax(sa, sf), fmax(isfinite(ta->p95) ? ta->p95 : 0, isfinite(tf->p95) ? tf->p95 : 0));
    none_att = ta->max == 0 || !(sa > 0);
    none_fo = tf->max == 0 || !(sf > 0);
    region_note(d, "Top: the mean number so far over runs (the sum of the per-step means); "
                "bars at the end: the run totals, 50% (dark) and 90% (light) of runs. "
                "Bottom: the mean in each step, which shows when attacks come.",
                text, sizeof text);
    footnote(x, foot, sizeof foot, text, "timeseries.csv, summary.csv");
    body = frame(x, c, "Attacks and foiled plots", foot);
    leg[0] = legend("Successful attacks", ca, FS_KEY_LINE, 1);
    leg[1] = legend("Foiled plots", cf, FS_KEY_LINE, 1);
    leg[2] = legend2("Run totals: 50% of runs", two, 0.42);
    leg[3] = legend2("90% of runs", two, 0.16);
    body = fs_chart_legend(c, body, leg, 4);
    lower = split_top(&body, body.h * 0.58);
    memset(s, 0, sizeof s);
    s[0].box = body;
    s[0].title = none_att ? "So far, mean over runs: no successful attack in any run"
                          : "So far, mean over runs, and the spread of the run totals";
    s[0].x = step_axis(x, 0);
    /* Room right of the horizon for the totals' bars. */
    w = s[0].x.hi * 0.035 > 0.6 ? s[0].x.hi * 0.035 : 0.6;
    s[0].x.hi += 3 * w;
    s[0].y = value_axis("Number so far", 0, headroom(hi), 0);
    s[1].box = lower;
    s[1].box.y += 10 * fs_chart_unit(c);
    s[1].box.h -= 10 * fs_chart_unit(c);
    s[1].title = per;
    s[1].x = step_axis(x, 1);
    s[1].x.hi = s[0].x.hi;
    s[1].y = value_axis(per, 0, headroom(phi), 0);
    left = fmax(fs_chart_panel_left(c, &s[0]), fs_chart_panel_left(c, &s[1]));
    s[0].left = s[1].left = left;
    s[1].top = 0;
    p = fs_chart_panel(c, &s[0]);
    fs_chart_line(c, &p, x->xs, cum_f, x->n, cf, 2.6, 0);
    fs_chart_line(c, &p, x->xs, cum_a, x->n, ca, 2.6, 0);
    {
        double x0 = d->steps + w, x1 = d->steps + 2 * w;
        if (isfinite(tf->p5) && isfinite(tf->p95)) {
            fs_chart_rect(c, &p, x0, tf->p5, x0 + 0.8 * w, tf->p95, cf, 0.16);
            fs_chart_rect(c, &p, x0, tf->p25, x0 + 0.8 * w, tf->p75, cf, 0.42);
        }
        if (isfinite(ta->p5) && isfinite(ta->p95)) {
            fs_chart_rect(c, &p, x1, ta->p5, x1 + 0.8 * w, ta->p95, ca, 0.16);
            fs_chart_rect(c, &p, x1, ta->p25, x1 + 0.8 * w, ta->p75, ca, 0.42);
        }
    }
    if (none_att && none_fo)
        fs_chart_note(c, &p, "No attacks and no foiled plots in any run.");
    else if (none_att)
        fs_chart_note(c, &p, "No successful attack in any run.");
    p = fs_chart_panel(c, &s[1]);
    {
        double *xs = x->stairs + 2 * (size_t)x->n, *va = xs + 2 * (size_t)x->n,
               *vf = va + 2 * (size_t)x->n;
        for (t = 0; t < x->n; t++) {
            xs[2 * t] = x->xs[t] - 0.5;
            xs[2 * t + 1] = x->xs[t] + 0.5;
            va[2 * t] = va[2 * t + 1] = t > 0 ? att->mean[t] : NAN;
            vf[2 * t] = vf[2 * t + 1] = t > 0 ? fo->mean[t] : NAN;
        }
        fs_chart_line(c, &p, xs, vf, 2 * x->n, cf, 2.0, 0);
        fs_chart_line(c, &p, xs, va, 2 * x->n, ca, 2.0, 0);
    }
    if (none_att && none_fo)
        fs_chart_note(c, &p, "Zero in every step of every run.");
    else if (none_att)
        fs_chart_note(c, &p, "No successful attack in any run: the attacks line lies on the axis.");
}

/* ---- 3. outcome probabilities ---- */

/* When each outcome is judged (docs/MODEL.md, Outcomes): three at the
 * horizon, escalation partly at any step, a mass-casualty attack at any
 * time in the run. NULL for a name the charts do not know. */
static const char *outcome_when(const char *name)
{
    static const struct { const char *name, *when; } w[] = {
        { "escalation", "escalation: the threat index at the horizon at or above its escalation "
                        "ratio times its start, or a member's stability below its failure level "
                        "at any time" },
        { "fracture", "fracture: cohesion at the horizon more than its fracture drop below its "
                      "start" },
        { "contained", "contained: the threat index at the horizon at or below its contained "
                       "ratio times its start, without escalation or fracture" },
        { "mass_casualty", "mass-casualty attack: at least one, at any time in the run" },
    };
    size_t i;
    for (i = 0; i < sizeof w / sizeof w[0]; i++)
        if (strcmp(w[i].name, name) == 0)
            return w[i].when;
    return NULL;
}

/* "Bars: share of runs with each outcome (escalation: ...; ...)". */
static void outcomes_note(const plot_ctx *x, char *buf, size_t n)
{
    const fs_plot_data *d = x->d;
    size_t l;
    int i, k = 0;

    l = (size_t)snprintf(buf, n, "Bars: share of runs with each outcome");
    for (i = 0; i < d->noutcomes && l < n; i++) {
        const char *w = outcome_when(d->outcomes[i].name);
        if (w)
            l += (size_t)snprintf(buf + l, n - l, "%s%s", k++ ? "; " : " (", w);
    }
    if (l < n)
        snprintf(buf + l, n - l, "%s; whiskers: 95%% Wilson score interval.", k ? ")" : "");
}

static void draw_outcomes(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    const char *cats[64];
    char names[64][64], foot[1536], note[1024], val[64], cnt[96];
    fs_panel_spec s;
    fs_panel p;
    fs_rect body;
    int i, n = d->noutcomes < 64 ? d->noutcomes : 64;

    outcomes_note(x, note, sizeof note);
    footnote(x, foot, sizeof foot, note, "outcomes.csv");
    body = frame(x, c, "Outcome probabilities", foot);
    for (i = 0; i < n; i++) {
        outcome_label(d->outcomes[i].name, names[i], sizeof names[i]);
        cats[i] = names[i];
    }
    memset(&s, 0, sizeof s);
    s.box = body;
    s.x.cats = cats;
    s.x.ncats = n > 0 ? n : 1;
    if (n == 0)
        cats[0] = "";
    s.y = value_axis("Probability (share of runs)", 0, 1.14, 0);
    s.y.fixed = 1;
    s.y.percent = 1;
    p = fs_chart_panel(c, &s);
    for (i = 0; i < n; i++) {
        const fs_plot_outcome *o = &d->outcomes[i];
        fs_rgb col = named_colour(o->name, i);
        double top = fmax(o->probability, isfinite(o->hi95) ? o->hi95 : o->probability);
        double ty = fs_panel_py(&p, top) - 6 * fs_chart_unit(c);
        fs_chart_rect(c, &p, i - 0.34, 0, i + 0.34, o->probability, col, 0.9);
        fs_chart_whisker(c, &p, i, o->lo95, o->hi95, grey(0.15));
        fs_format_percent(val, sizeof val, o->probability);
        snprintf(cnt, sizeof cnt, "%.0f of %.0f runs", o->count, o->runs);
        fs_chart_text(c, FS_TEXT_TICK, cnt, fs_panel_px(&p, i), ty, 0.5, 1, 0, grey(0.35), 0);
        ty -= fs_chart_line_height(c, FS_TEXT_TICK);
        fs_chart_text(c, FS_TEXT_PANEL, val, fs_panel_px(&p, i), ty, 0.5, 1, 0, grey(0.1), 0);
    }
    if (n == 0)
        fs_chart_note(c, &p, "outcomes.csv has no rows.");
}

/* ---- 4. casualties histogram ---- */

#define MAX_BINS 60

typedef struct histo {
    int nb, log, integer;
    double edge[MAX_BINS + 1], count[MAX_BINS];
    double zero, pmin, pmax, ymax, total;
} histo;

static void histo_edges(histo *h)
{
    int i, k0, k1;
    double step, lo, hi, raw, start;

    if (h->log) {
        k0 = (int)floor(log10(h->pmin) * 5 + 1e-9);
        k1 = (int)ceil(log10(h->pmax) * 5 - 1e-9);
        if (k1 <= k0)
            k1 = k0 + 1;
        step = ceil((k1 - k0) / (double)MAX_BINS);
        h->nb = (int)ceil((k1 - k0) / step);
        for (i = 0; i <= h->nb; i++)
            h->edge[i] = pow(10, (k0 + i * step) / 5.0);
        return;
    }
    lo = h->pmin;
    hi = h->pmax;
    if (hi - lo < 0.2 * hi) {
        /* One value, or a narrow cluster: bins finer than the sketch's
         * buckets (2% wide) would invent detail, so centre the values in a
         * readable range instead. */
        double mid = (lo + hi) / 2;
        lo = mid * 0.5;
        hi = mid * 1.5;
    }
    raw = (hi - lo) / 25;
    step = pow(10, floor(log10(raw)));
    step *= raw / step <= 1 ? 1 : raw / step <= 2 ? 2 : raw / step <= 5 ? 5 : 10;
    if (h->integer && step < 1)
        step = 1;
    start = floor(lo / step) * step;
    h->nb = (int)floor((hi - start) / step) + 1;
    if (h->nb > MAX_BINS) {
        h->nb = MAX_BINS;
        step = (hi - start) / (MAX_BINS - 1);
    }
    for (i = 0; i <= h->nb; i++)
        h->edge[i] = start + i * step - (h->integer ? 0.5 : 0);
}

/* The value a sketch bucket's runs are drawn at. A bucket holds
 * (lo, hi], and casualty totals are whole numbers: when the bucket holds
 * a single integer every run in it has that total (the bucket (0.990, 1]
 * holds the runs with exactly 1 casualty, which its middle would put left
 * of 1, in the wrong bin). Wider buckets are drawn at their middle. */
static double bucket_integer(const fs_plot_bucket *b)
{
    double k = floor(b->hi);
    return k > b->lo && k - 1 <= b->lo ? k : NAN;
}

static double bucket_value(const fs_plot_bucket *b, const histo *h)
{
    double k = bucket_integer(b);
    if (isfinite(k))
        return k;
    return h->log ? sqrt(fmax(b->lo, h->pmin) * b->hi) : (b->lo + b->hi) / 2;
}

static void histo_fill(histo *h, const fs_plot_data *d)
{
    int i, j;

    memset(h, 0, sizeof *h);
    h->pmin = HUGE_VAL;
    h->integer = 1;
    for (i = 0; i < d->nbuckets; i++) {
        const fs_plot_bucket *b = &d->buckets[i];
        h->total += b->count;
        if (b->hi <= 0) {
            h->zero += b->count;
            continue;
        }
        if (b->count <= 0)
            continue;
        /* From the integer a bucket holds, so that the runs with exactly
         * 1 casualty start the axis at 1 rather than at 0.63. */
        h->pmin = fmin(h->pmin, isfinite(bucket_integer(b)) ? bucket_integer(b)
                                : b->lo > 0 ? b->lo : b->hi);
        h->pmax = fmax(h->pmax, b->hi);
        if (b->lo != floor(b->lo) || b->hi != floor(b->hi))
            h->integer = 0;
    }
    h->ymax = h->zero;
    if (!(h->pmax > 0))
        return;
    h->log = h->pmax / h->pmin > 100;
    histo_edges(h);
    for (i = 0; i < d->nbuckets; i++) {
        const fs_plot_bucket *b = &d->buckets[i];
        double v;
        if (b->hi <= 0 || b->count <= 0)
            continue;
        v = bucket_value(b, h);
        /* Bin j is [edge j, edge j+1); the slack absorbs an edge computed
         * a hair above the integer it stands for. */
        for (j = 0; j < h->nb - 1 && v >= h->edge[j + 1] * (1 - 1e-12); j++)
            ;
        h->count[j] += b->count;
    }
    for (j = 0; j < h->nb; j++)
        h->ymax = fmax(h->ymax, h->count[j]);
}

typedef struct stat_mark {
    const char *name, *short_name;
    double v;
    int dashed;
    double shade;
} stat_mark;

static void draw_casualties(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    const fs_plot_stat *st = &d->summary[FS_SUM_CASUALTIES];
    static const char *const zero_cat[] = { "0" };
    stat_mark sm[3] = { { "Mean", "mean", st->mean, 0, 0.1 },
                        { "Median", "median", st->p50, 1, 0.1 },
                        { "95th percentile", "p95", st->p95, 1, 0.45 } };
    fs_marker mz[3], mp[3];
    char lab[3][96], foot[2048], note[256], num[64], text[768];
    fs_rgb col = metric_colour("casualties");
    fs_panel_spec zs, ps;
    fs_panel zp, pp;
    fs_rect body, zbox;
    histo h;
    double u = fs_chart_unit(c), top, bottom;
    int i, nz = 0, np = 0, show_zero;

    histo_fill(&h, d);
    show_zero = h.zero > 0 || h.nb == 0;
    region_note(d, show_zero
                ? "Runs by total casualties over the horizon, re-binned from the sketch buckets "
                  "(relative error at most 0.4%); the bar at 0 counts runs without casualties. "
                  "Mean, median and 95th percentile of all runs."
                : "Runs by total casualties over the horizon, re-binned from the sketch buckets "
                  "(relative error at most 0.4%); every run had casualties. Mean, median and "
                  "95th percentile of all runs.", text, sizeof text);
    footnote(x, foot, sizeof foot, text, "distributions.csv, summary.csv");
    body = frame(x, c, "Casualties per run", foot);
    memset(&zs, 0, sizeof zs);
    memset(&ps, 0, sizeof ps);
    zbox = body;
    if (show_zero) {
        zbox.w = fmax(200 * u, body.w * 0.14);
        body.x += zbox.w + 12 * u;
        body.w -= zbox.w + 12 * u;
    }
    zs.box = zbox;
    zs.x.cats = zero_cat;
    zs.x.ncats = 1;
    zs.x.label = "No casualties";
    zs.y = value_axis("Runs", 0, headroom(h.ymax), 1);
    ps.box = body;
    ps.x = value_axis(h.log ? "Total casualties per run (log scale)" : "Total casualties per run",
                      h.nb ? h.edge[0] : 0, h.nb ? h.edge[h.nb] : 1, h.integer);
    ps.x.log = h.log;
    ps.x.fixed = 1;
    ps.y = value_axis(show_zero ? NULL : "Runs", 0, headroom(h.ymax), 1);
    ps.y.hide_ticklabels = show_zero;
    for (i = 0; i < 3; i++) {
        fs_marker *m;
        int j, k;
        if (!isfinite(sm[i].v))
            continue;
        for (j = 0; j < i && sm[j].v != sm[i].v; j++)
            ;
        if (j < i)
            continue;   /* drawn with an earlier statistic of the same value */
        lab[i][0] = '\0';
        for (k = i; k < 3; k++) {
            if (sm[k].v != sm[i].v)
                continue;
            if (lab[i][0])
                strcat(lab[i], ", ");
            strcat(lab[i], lab[i][0] ? sm[k].short_name : sm[k].name);
        }
        fs_format_number(num, sizeof num, sm[i].v,
                         fabs(sm[i].v) < 10 && sm[i].v != floor(sm[i].v));
        strcat(lab[i], " ");
        strcat(lab[i], num);
        m = sm[i].v > 0 && h.nb ? &mp[np++] : &mz[nz++];
        m->x = sm[i].v > 0 && h.nb ? sm[i].v : 0;
        m->wlo = m->whi = NAN;
        m->label = lab[i];
        m->col = grey(sm[i].shade);
        m->dashed = sm[i].dashed;
    }
    zp = fs_chart_panel_layout(c, &zs);
    pp = fs_chart_panel_layout(c, &ps);
    top = fmax(show_zero ? fs_chart_markers_height(c, &zp, mz, nz) : 0,
               fs_chart_markers_height(c, &pp, mp, np));
    bottom = fmax(zs.box.y + zs.box.h - zp.area.y - zp.area.h,
                  ps.box.y + ps.box.h - pp.area.y - pp.area.h);
    zs.top = ps.top = top;
    zs.bottom = ps.bottom = bottom;
    if (show_zero) {
        zp = fs_chart_panel(c, &zs);
        fs_chart_rect(c, &zp, -0.3, 0, 0.3, h.zero, col, 0.9);
        fs_chart_markers(c, &zp, mz, nz);
    }
    pp = fs_chart_panel(c, &ps);
    for (i = 0; i < h.nb; i++)
        if (h.count[i] > 0)
            fs_chart_bar(c, &pp, h.edge[i], h.edge[i + 1], 0, h.count[i], col, 0.9);
    fs_chart_markers(c, &pp, mp, np);
    if (h.nb == 0) {
        if (d->nbuckets == 0)
            snprintf(note, sizeof note, "distributions.csv has no casualties buckets.");
        else
            snprintf(note, sizeof note, "No casualties in any run: all %.0f runs are in the "
                     "bar at 0.", h.zero);
        fs_chart_note(c, &pp, note);
    }
}

/* ---- 5. trust heatmap ---- */

static void trust_panel(fs_chart *c, fs_panel_spec *s, const fs_plot_data *d, const double *v,
                        const double *base, double range, const char **names)
{
    const char *widest = base ? "−0.00" : "0.00";
    char buf[64];
    fs_panel p;
    int i, j, n = d->nactors;

    s->x.cats = s->y.cats = names;
    s->x.ncats = s->y.ncats = n;
    p = fs_chart_panel(c, s);
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            double t = v[i * n + j];
            fs_rgb fill;
            if (i == j || isnan(t)) {
                fs_chart_cell(c, &p, j, i, grey(0.93), i == j ? "" : "–", widest);
                continue;
            }
            if (base) {
                t -= base[i * n + j];
                fill = fs_diverging(t / range);
                fs_format_number(buf, sizeof buf, t, 2);
                if (t > 0.005)
                    memmove(buf + 1, buf, strlen(buf) + 1), buf[0] = '+';
            } else {
                fill = fs_sequential(t);
                fs_format_number(buf, sizeof buf, t, 2);
            }
            fs_chart_cell(c, &p, j, i, fill, buf, widest);
        }
    }
}

static void draw_trust(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    const char *names[MAX_MARKERS];
    static const char *const titles[3] = { "Initial trust", "Mean final trust",
                                           "Change (final − initial)" };
    fs_panel_spec s[3];
    fs_rect body, bar;
    char foot[1024];
    double u = fs_chart_unit(c), range = 0, left, small, w, gap = 16 * u;
    int i, n = d->nactors, k;

    footnote(x, foot, sizeof foot,
             "Trust between each pair of actors, 0 (none) to 1 (full), symmetric; the change "
             "panel's colours are centred on no change (each pair's initial value).",
             "trust.csv, actors.csv");
    body = frame(x, c, "Trust between actors", foot);
    for (i = 0; i < n && i < (int)(sizeof names / sizeof names[0]); i++)
        names[i] = d->actors[i].name;
    for (i = 0; i < n * n; i++)
        if (isfinite(d->trust_final[i] - d->trust_initial[i]))
            range = fmax(range, fabs(d->trust_final[i] - d->trust_initial[i]));
    range = range < 0.05 ? 0.05 : ceil(range * 20) / 20;
    bar = body;
    bar.h = 44 * u;
    body.h -= bar.h + 8 * u;
    bar.y = body.y + body.h + 8 * u;
    memset(s, 0, sizeof s);
    s[0].box = body;
    s[0].x.cats = s[0].y.cats = names;
    s[0].x.ncats = s[0].y.ncats = n > 0 ? n : 1;
    left = fs_chart_panel_left(c, &s[0]);
    s[1].y.hide_ticklabels = 1;
    small = fs_chart_panel_left(c, &s[1]);
    /* The change panel's values carry a sign ("+0.05", "−0.14"): its cells
     * are a quarter wider, so that they print as large as the others'. */
    w = (body.w - left - 2 * gap) / 3.25;
    for (k = 0; k < 3; k++) {
        s[k].box = body;
        s[k].box.x = body.x + (k ? left + k * (w + gap) - small : 0);
        s[k].box.w = k == 2 ? 1.25 * w + small : k ? w + small : left + w;
        s[k].title = titles[k];
        s[k].y.hide_ticklabels = k > 0;
        s[k].left = k ? small : left;
    }
    if (n < 2) {
        fs_panel p;
        s[0].box = body;
        s[0].x.cats = s[0].y.cats = names;
        p = fs_chart_panel(c, &s[0]);
        fs_chart_note(c, &p, "Trust needs at least two actors.");
        return;
    }
    trust_panel(c, &s[0], d, d->trust_initial, NULL, 1, names);
    trust_panel(c, &s[1], d, d->trust_final, NULL, 1, names);
    trust_panel(c, &s[2], d, d->trust_final, d->trust_initial, range, names);
    for (k = 0; k < 3; k++) {
        const fs_panel *p = fs_chart_panel_at(c, k);
        fs_rect b = bar;
        b.x = p->area.x;
        b.w = p->area.w;
        if (k < 2)
            fs_chart_colourbar(c, b, 0, 1, 0, 1, "Trust");
        else
            fs_chart_colourbar(c, b, -range, range, 1, 2, "Change");
    }
}

/* ---- 6. stability small multiples ---- */


/* Small multiples on a fixed 0..1 axis: panel i of n in a grid of cols
 * columns, cell size pw x ph within body, the y label on the left column
 * only and step labels on the bottom row only. panel_spec fills the spec
 * (its box at body's corner with left = 0 for measuring, at its cell with
 * the common left margin for drawing). */
typedef struct grid {
    fs_rect body;
    int n, cols;
    double pw, ph, left;
    const char *ylab;
} grid;

static grid grid_make(fs_rect body, int n, double aspect, const char *ylab)
{
    grid g;
    int rows;
    g.body = body, g.n = n, g.ylab = ylab, g.left = 0;
    fs_chart_grid_shape(n, body, aspect, &g.cols, &rows);
    g.pw = body.w / g.cols;
    g.ph = body.h / rows;
    return g;
}

static fs_panel_spec grid_spec(const plot_ctx *x, fs_chart *c, const grid *g, int i,
                               const char *title)
{
    double u = fs_chart_unit(c);
    fs_panel_spec s;
    memset(&s, 0, sizeof s);
    s.box.x = g->body.x + (i % g->cols) * g->pw;
    s.box.y = g->body.y + (i / g->cols) * g->ph;
    s.box.w = g->pw - 14 * u;
    s.box.h = g->ph - 10 * u;
    s.title = title;
    s.y = value_axis((i % g->cols) == 0 ? g->ylab : NULL, 0, 1, 0);
    s.y.fixed = 1;
    s.x = step_axis(x, i >= g->n - g->cols);
    s.left = g->left;
    s.bottom = fs_chart_line_height(c, FS_TEXT_TICK) + fs_chart_line_height(c, FS_TEXT_LABEL)
               + 24 * u;
    return s;
}

/* The widest left margin any panel needs, so that all line up. */
static void grid_measure(const plot_ctx *x, fs_chart *c, grid *g)
{
    int i;
    for (i = 0; i < g->n; i++) {
        fs_panel_spec s = grid_spec(x, c, g, i, NULL);
        s.left = 0, s.bottom = 0;
        g->left = fmax(g->left, fs_chart_panel_left(c, &s));
    }
}

/* How far an actor's stability moves: the spread of its 90% band over the
 * horizon (lowest p5 to highest p95), which covers a drift of the median. */
#define STABILITY_MOVES 0.05
static double stability_spread(const fs_band *b, int n)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    range_add(&lo, &hi, b->p5, n);
    range_add(&lo, &hi, b->p95, n);
    range_add(&lo, &hi, b->p50, n);
    return hi >= lo ? hi - lo : 0;
}

/* The footnote's list of the actors left out as stable, with their
 * stability at the start: "China 0.90, Russia 0.75". */
static void stable_list(const plot_ctx *x, const int *moves, char *buf, size_t n)
{
    const fs_plot_data *d = x->d;
    size_t len = 0;
    int i, k = 0;
    buf[0] = '\0';
    for (i = 0; i < d->nactors && i < MAX_MARKERS && len < n; i++) {
        if (moves[i])
            continue;
        len += (size_t)snprintf(buf + len, n - len, "%s%s %.2f", k++ ? ", " : "",
                                d->actors[i].name, d->stability[i].p50[0]);
    }
}

static void draw_stability(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    fs_rgb col = metric_colour("stability");
    fs_legend_item leg[3];
    fs_rect body;
    char foot[2048], fail[96], text[1600], flat[1200];
    double fs = d->failure_stability;
    int moves[MAX_MARKERS];
    grid g;
    int i, k, nleg = 2, nmove = 0;

    /* Actors past MAX_MARKERS (more than any scenario has) are all shown. */
    for (i = 0; i < d->nactors; i++)
        nmove += i >= MAX_MARKERS
                 || (moves[i] = stability_spread(&d->stability[i], x->n) >= STABILITY_MOVES);
    if (nmove == 0) {
        /* Nothing moves: every actor. */
        for (i = 0; i < d->nactors && i < MAX_MARKERS; i++)
            moves[i] = 1;
        nmove = d->nactors;
    }
    if (nmove < d->nactors) {
        stable_list(x, moves, flat, sizeof flat);
        snprintf(text, sizeof text, "Stability of each actor whose stability moves, 0 (failed) "
                 "to 1 (fully stable), on the same axis in every panel. Not shown, within %.2f "
                 "of one value over the whole horizon in 90%% of runs (stability at the "
                 "start): %s.", STABILITY_MOVES, flat);
    } else {
        snprintf(text, sizeof text, "Stability of each actor, 0 (failed) to 1 (fully stable), "
                 "on the same axis in every panel.");
    }
    footnote_bands(x, foot, sizeof foot, text, 1, "timeseries.csv, actors.csv, meta.csv");
    body = frame(x, c, nmove < d->nactors ? "Stability of the actors whose stability moves"
                                          : "Stability of each actor", foot);
    leg[0] = legend("Median stability", col, FS_KEY_LINE, 1);
    leg[1] = legend("90% of runs (p5–p95)", col, FS_KEY_BAND, 0.16);
    if (isfinite(fs)) {
        snprintf(fail, sizeof fail, "Failure threshold (%.3g): a member below it is escalation",
                 fs);
        leg[nleg++] = legend(fail, grey(0.35), FS_KEY_DASH, 1);
    }
    body = fs_chart_legend(c, body, leg, nleg);
    g = grid_make(body, nmove, 1.5, "Stability");
    if (d->nactors == 0) {
        fs_panel_spec s;
        fs_panel p;
        memset(&s, 0, sizeof s);
        s.box = body;
        s.x = step_axis(x, 1);
        s.y = value_axis("Stability", 0, 1, 0);
        s.y.fixed = 1;
        p = fs_chart_panel(c, &s);
        fs_chart_note(c, &p, "actors.csv lists no actors.");
        return;
    }
    grid_measure(x, c, &g);
    for (i = 0, k = 0; i < d->nactors; i++) {
        fs_panel_spec s;
        fs_panel p;
        if (i < MAX_MARKERS && !moves[i])
            continue;
        s = grid_spec(x, c, &g, k++, d->actors[i].name);
        p = fs_chart_panel(c, &s);
        if (isfinite(fs) && strcmp(d->actors[i].role, "member") == 0) {
            double hx[2] = {0, d->steps}, hy[2] = {fs, fs};
            fs_chart_line(c, &p, hx, hy, 2, grey(0.35), 1.2, 1);
        }
        draw_band(c, &p, x, &d->stability[i], col, 0, 0);
    }
}

/* ---- 7. cohesion and cost ---- */

static void draw_cohesion_cost(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    const fs_band *co = &d->region[FS_SERIES_COHESION], *cost = &d->region[FS_SERIES_COST];
    fs_rgb cc = metric_colour("cohesion"), ck = metric_colour("cost"), two[2];
    fs_legend_item leg[4];
    fs_panel_spec s[2];
    fs_panel p;
    fs_rect body, lower;
    char foot[1024];
    double clo = HUGE_VAL, chi = -HUGE_VAL, klo = 0, khi = -HUGE_VAL, left;

    two[0] = cc, two[1] = ck;
    band_range(co, x->n, &clo, &chi);
    band_range(cost, x->n, &klo, &khi);
    footnote_bands(x, foot, sizeof foot, "Lines: median over runs; bands: 50% and 90% of runs. "
                   "The cohesion axis is zoomed to the data.", 1, "timeseries.csv");
    body = frame(x, c, "Cohesion and cost of cooperation", foot);
    leg[0] = legend("Cohesion (median)", cc, FS_KEY_LINE, 1);
    leg[1] = legend("Cumulative cost (median)", ck, FS_KEY_LINE, 1);
    leg[2] = legend2("50% of runs", two, 0.42);
    leg[3] = legend2("90% of runs", two, 0.16);
    body = fs_chart_legend(c, body, leg, 4);
    lower = split_top(&body, body.h * 0.5);
    memset(s, 0, sizeof s);
    s[0].box = body;
    s[0].title = "Cohesion: mean trust between members";
    s[0].x = step_axis(x, 0);
    s[0].y = value_axis("Mean member trust (0–1)", clo, chi, 0);
    s[1].box = lower;
    s[1].box.y += 10 * fs_chart_unit(c);
    s[1].box.h -= 10 * fs_chart_unit(c);
    s[1].title = "Cumulative cost of cooperation mechanisms";
    s[1].x = step_axis(x, 1);
    s[1].y = value_axis("Cost (scenario cost units)", 0, headroom(khi), 0);
    left = fmax(fs_chart_panel_left(c, &s[0]), fs_chart_panel_left(c, &s[1]));
    s[0].left = s[1].left = left;
    p = fs_chart_panel(c, &s[0]);
    draw_band(c, &p, x, co, cc, 1, 0);
    if (!isfinite(clo))
        fs_chart_note(c, &p, "timeseries.csv has no cohesion rows.");
    else if (!(chi > clo))
        fs_chart_note(c, &p, "Cohesion does not change in any run.");
    p = fs_chart_panel(c, &s[1]);
    draw_band(c, &p, x, cost, ck, 1, 0);
    if (!(khi > 0))
        fs_chart_note(c, &p, "No mechanism cost in any run.");
}

/* ---- 8. early warning ---- */

static void draw_early_warning(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    const char *u = unit_name(d);
    fs_rgb ce = metric_colour("escalation"), cm = metric_colour("mass_casualty");
    fs_legend_item leg[3];
    fs_panel_spec s[2];
    fs_panel p;
    fs_rect body, lower;
    char foot[1024], note[512], thr[64], lab[3][160], title[2][96];
    double total = 0, ymax = 0, elo = HUGE_VAL, ehi = -HUGE_VAL, mlo = HUGE_VAL, phi = 0, left;
    int i;

    for (i = 0; i < x->n; i++) {
        double v = d->first_mass_casualty[i];
        if (isfinite(v)) {
            total += v;
            ymax = fmax(ymax, v);
        }
    }
    range_add(&elo, &ehi, d->p_escalated, x->n);
    range_add(&mlo, &phi, d->p_mass_casualty_by, x->n);
    phi = fmax(phi, ehi);
    fs_format_number(thr, sizeof thr, d->mass_casualty, 0);
    snprintf(note, sizeof note, "Escalation condition in a %s: threat index at or above its "
             "escalation ratio times its start, or a member's stability below its failure level "
             "in that %s or before; in the last %s its share is the escalation probability. "
             "Mass casualty: an attack with at least %s casualties.", u, u, u,
             isfinite(d->mass_casualty) ? thr : "the threshold");
    footnote(x, foot, sizeof foot, note, "earlywarning.csv, meta.csv");
    body = frame(x, c, "Early warning: escalation and mass-casualty attacks over time", foot);
    snprintf(lab[0], sizeof lab[0], ehi > 0 ? "Share of runs in the escalation condition in "
             "that %s" : "Share of runs in the escalation condition: none in any %s", u);
    snprintf(lab[1], sizeof lab[1], "Share of runs with a mass-casualty attack by that %s", u);
    snprintf(lab[2], sizeof lab[2], "Runs whose first mass-casualty attack fell in that %s", u);
    leg[0] = legend(lab[0], ce, FS_KEY_LINE, 1);
    leg[1] = legend(lab[1], cm, FS_KEY_DASH, 1);
    leg[2] = legend(lab[2], cm, FS_KEY_BAR, 1);
    body = fs_chart_legend(c, body, leg, 3);
    lower = split_top(&body, body.h * 0.55);
    memset(s, 0, sizeof s);
    snprintf(title[0], sizeof title[0], "Share of runs, %s by %s", u, u);
    snprintf(title[1], sizeof title[1], "The %s of the first mass-casualty attack", u);
    s[0].box = body;
    s[0].title = title[0];
    s[0].x = step_axis(x, 0);
    /* Zoomed to the data like the other charts: shares near 30% would
     * hug the floor of a fixed 0-100% axis. */
    s[0].y = value_axis("Share of runs", 0, phi > 0 ? fmin(1, phi * 1.1) : 1, 0);
    s[0].y.percent = 1;
    s[1].box = lower;
    s[1].box.y += 10 * fs_chart_unit(c);
    s[1].box.h -= 10 * fs_chart_unit(c);
    s[1].title = title[1];
    s[1].x = step_axis(x, 1);
    s[0].x.lo = s[1].x.lo = -0.5;   /* room for the bars at both ends */
    s[0].x.hi = s[1].x.hi = x->d->steps + 0.5;
    s[1].y = value_axis("Runs", 0, headroom(ymax), 1);
    left = fmax(fs_chart_panel_left(c, &s[0]), fs_chart_panel_left(c, &s[1]));
    s[0].left = s[1].left = left;
    p = fs_chart_panel(c, &s[0]);
    fs_chart_line(c, &p, x->xs, d->p_mass_casualty_by, x->n, cm, 2.2, 1);
    fs_chart_line(c, &p, x->xs, d->p_escalated, x->n, ce, 2.8, 0);
    if (ehi <= 0 && total == 0)
        fs_chart_note(c, &p, "The escalation condition never held and no mass-casualty "
                      "attack happened, in any run.");
    else if (ehi <= 0)
        fs_chart_note(c, &p, "The escalation condition never held, in any run.");
    p = fs_chart_panel(c, &s[1]);
    for (i = 0; i < x->n; i++)
        if (d->first_mass_casualty[i] > 0)
            fs_chart_bar(c, &p, i - 0.45, i + 0.45, 0, d->first_mass_casualty[i], cm, 0.9);
    if (total == 0) {
        snprintf(note, sizeof note, "No mass-casualty attack in any run (threshold: %s "
                 "casualties in one attack).", isfinite(d->mass_casualty) ? thr : "?");
        fs_chart_note(c, &p, note);
    }
}

/* ---- drawing every chart ---- */

typedef void (*chart_fn)(const plot_ctx *, fs_chart *);

static const chart_fn chart_fns[FS_PLOT_NCHARTS] = {
    draw_threat, draw_attacks, draw_outcomes, draw_casualties, draw_trust, draw_stability,
    draw_cohesion_cost, draw_early_warning
};

static void ctx_init(plot_ctx *x, const fs_plot_data *d)
{
    const char *unit = d->step_unit && d->step_unit[0] ? d->step_unit : "step";
    size_t ul = strlen(unit);
    const char *plural = (d->steps == 1 || unit[ul - 1] == 's') ? "" : "s";
    char runs[64];

    x->d = d;
    x->n = d->steps + 1;
    fs_format_number(runs, sizeof runs, d->runs, 0);
    snprintf(x->subtitle, sizeof x->subtitle, "%s run%s · seed %s · horizon %d %s%s", runs,
             d->runs == 1 ? "" : "s", d->seed, d->steps, unit, plural);
    snprintf(x->xlabel, sizeof x->xlabel, "%c%s%s since the start", unit[0] >= 'a' && unit[0] <= 'z'
             ? unit[0] - 'a' + 'A' : unit[0], unit + 1, unit[ul - 1] == 's' ? "" : "s");
    ul = strlen(d->dir);
    if (ul < 300)
        memcpy(x->dir, d->dir, ul + 1);
    else
        snprintf(x->dir, sizeof x->dir, "…%s", d->dir + ul - 280);
}

static void record_geom(fs_plot_geom *g, const fs_chart *c, const fs_plot_opts *o)
{
    int i;
    g->width = o->width;
    g->height = o->height;
    g->npanels = fs_chart_npanels(c);
    for (i = 0; i < g->npanels; i++)
        g->panel[i] = *fs_chart_panel_at(c, i);
}

/* Opens, draws and finishes one chart into its temp file. */
static fs_chart *draw_one(const plot_ctx *x, const fs_plot_opts *o, const char *outdir, int k,
                          fs_err *err)
{
    char name[64], path[PATH_LEN];
    fs_chart *c;

    snprintf(name, sizeof name, "%s.%s", chart_names[k], fs_chart_format_ext(o->format));
    if (fs_path_join(path, sizeof path, outdir, name) == NULL) {
        fs_err_set(err, FS_EUSAGE, "output path too long: %s/%s", outdir, name);
        return NULL;
    }
    c = fs_chart_open(path, o->format, o->width, o->height, err);
    if (c == NULL)
        return NULL;
    chart_fns[k](x, c);
    if (o->geom)
        record_geom(&o->geom[k], c, o);
    if (fs_chart_finish(c, err) != FS_OK) {
        fs_chart_free(c);
        return NULL;
    }
    return c;
}

void fs_plot_opts_resolve(const fs_plot_opts *in, fs_plot_opts *o)
{
    if (in)
        *o = *in;
    else
        fs_plot_opts_default(o);
    if (o->width <= 0)
        o->width = FS_CHART_WIDTH;
    if (o->height <= 0)
        o->height = FS_CHART_HEIGHT;
}

fs_status fs_plot_set(const char *dir, const fs_plot_opts *opts, int n,
                      const char *const *names, const fs_plot_draw_fn *fns, const void *data,
                      fs_err *err)
{
    fs_chart **charts = calloc((size_t)n, sizeof *charts);
    fs_plot_opts o;
    const char *outdir;
    fs_status st = FS_OK;
    int i;

    if (charts == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory for %d charts", n);
    fs_plot_opts_resolve(opts, &o);
    outdir = o.outdir ? o.outdir : dir;
    if (o.outdir && (st = fs_mkdir_p(outdir, err)) != FS_OK)
        goto done;
    for (i = 0; i < n; i++) {
        char file[128], path[4096];
        snprintf(file, sizeof file, "%s.%s", names[i], fs_chart_format_ext(o.format));
        if (fs_path_join(path, sizeof path, outdir, file) == NULL) {
            st = fs_err_set(err, FS_EUSAGE, "output path too long: %s/%s", outdir, file);
            goto done;
        }
        if ((charts[i] = fs_chart_open(path, o.format, o.width, o.height, err)) == NULL ||
            fns[i](data, charts[i], err) != FS_OK || fs_chart_finish(charts[i], err) != FS_OK) {
            st = err->code;
            goto done;
        }
        if (o.geom && i < FS_PLOT_NCHARTS) {
            fs_plot_geom *g = &o.geom[i];
            int k;
            g->width = o.width, g->height = o.height;
            g->npanels = fs_chart_npanels(charts[i]);
            for (k = 0; k < g->npanels && k < FS_CHART_MAX_PANELS; k++)
                g->panel[k] = *fs_chart_panel_at(charts[i], k);
        }
    }
    for (i = 0; i < n && st == FS_OK; i++)
        st = fs_chart_commit(charts[i], err);
done:
    for (i = 0; i < n; i++)
        fs_chart_free(charts[i]);
    free(charts);
    return st;
}

/* ---- effects_outcomes and effects_trust: inject_effects.csv, baseline.csv ---- */

#define EFFECT_ROWS 96
#define BASE_TRUST_ROWS 8   /* the baseline's pairs that differ most */

/* Row of the difference charts for e, labelled label, values times k. */
static void effect_row(fs_plot_diff *row, const char *label, const fs_plot_effect *e, double k)
{
    row->metric = label;
    row->scenario = e->source + 1;
    row->diff = k * e->diff, row->lo = k * e->lo, row->hi = k * e->hi;
}

/* The briefing's rule (fs_material), so that the chart shows what the
 * briefing prints in bold. */
int fs_plot_effect_material(const fs_plot_effect *e)
{
    return fs_material(e->outcome, e->diff, e->lo, e->hi, e->with, e->without);
}

/* The name of the actor whose id is the n bytes at id; the id itself when
 * actors.csv does not list it. */
static void actor_name(const fs_plot_data *d, const char *id, size_t n, char *buf, size_t len)
{
    int i;
    for (i = 0; i < d->nactors; i++)
        if (strlen(d->actors[i].id) == n && strncmp(d->actors[i].id, id, n) == 0) {
            snprintf(buf, len, "%s", d->actors[i].name);
            return;
        }
    snprintf(buf, len, "%.*s", (int)n, id);
}

/* "RU-TJ" -> "Russia–Tajikistan", as trust.png names actors. Ids may
 * hold a '-' themselves, so the split is the one that names two actors. */
static void pair_name(const fs_plot_data *d, const char *pair, char *buf, size_t len)
{
    char a[64], b[64];
    const char *dash, *cut = strchr(pair, '-');
    int i;

    for (dash = cut; dash; dash = strchr(dash + 1, '-')) {
        int ka = 0, kb = 0;
        for (i = 0; i < d->nactors; i++) {
            ka |= strlen(d->actors[i].id) == (size_t)(dash - pair)
                  && strncmp(d->actors[i].id, pair, (size_t)(dash - pair)) == 0;
            kb |= strcmp(d->actors[i].id, dash + 1) == 0;
        }
        if (ka && kb) {
            cut = dash;
            break;
        }
    }
    if (cut == NULL) {
        snprintf(buf, len, "%s", pair);
        return;
    }
    actor_name(d, pair, (size_t)(cut - pair), a, sizeof a);
    actor_name(d, cut + 1, strlen(cut + 1), b, sizeof b);
    snprintf(buf, len, "%s–%s", a, b);
}

static int trust_effect(const fs_plot_effect *e)
{
    return strcmp(e->metric, "final_trust") == 0 || strcmp(e->metric, "trust") == 0;
}

static void trust_label(const fs_plot_data *d, const fs_plot_effect *e, char *buf, size_t n)
{
    char pair[140];
    pair_name(d, e->target, pair, sizeof pair);
    if (isnan(e->step))
        snprintf(buf, n, "%s at the end", pair);
    else
        snprintf(buf, n, "%s in %s %.0f", pair, unit_name(d), e->step);
}

int fs_plot_trust_rows(const fs_plot_data *d, fs_plot_diff *rows,
                       char (*labels)[FS_PLOT_DIFF_LABEL], int max, int *small, int *beyond)
{
    const fs_plot_effect *base[BASE_TRUST_ROWS];
    int i, j, n = 0, nb = 0, top = 0;

    *small = *beyond = 0;
    for (i = 0; i < d->neffects; i++) {
        const fs_plot_effect *e = &d->effects[i];
        if (!trust_effect(e))
            continue;
        if (!fs_plot_effect_material(e)) {
            (*small)++;
            continue;
        }
        if (!(d->base_name && e->source == 0))
            continue;
        /* The BASE_TRUST_ROWS largest of all the baseline's material
         * pairs, kept in order as they come (ties in file order). */
        nb++;
        for (j = top < BASE_TRUST_ROWS ? top++ : BASE_TRUST_ROWS;
             j > 0 && fabs(base[j - 1]->diff) < fabs(e->diff); j--)
            if (j < BASE_TRUST_ROWS)
                base[j] = base[j - 1];
        if (j < BASE_TRUST_ROWS)
            base[j] = e;
    }
    *beyond = nb > BASE_TRUST_ROWS ? nb - BASE_TRUST_ROWS : 0;
    for (i = 0; i < top && n < max; i++, n++) {
        trust_label(d, base[i], labels[n], sizeof labels[n]);
        effect_row(&rows[n], labels[n], base[i], 1);
    }
    for (i = 0; i < d->neffects && n < max; i++) {
        const fs_plot_effect *e = &d->effects[i];
        if (!trust_effect(e) || (d->base_name && e->source == 0)
            || !fs_plot_effect_material(e))
            continue;
        trust_label(d, e, labels[n], sizeof labels[n]);
        effect_row(&rows[n], labels[n], e, 1);
        n++;
    }
    return n;
}

/* effects_trust's footnote: note (which ends with its "\nSource: ..."
 * line) with what was left out said before the source. */
static void trust_note(char *buf, size_t n, const char *note, int small, int beyond)
{
    const char *src = strstr(note, "\nSource:");
    size_t head = src ? (size_t)(src - note) : strlen(note);
    char left[400] = "";

    if (small)
        snprintf(left, sizeof left, " Left out: %d difference%s whose 95%% interval includes "
                 "zero or that %s under 1%% of the value (the briefing's rule)%s", small,
                 small == 1 ? "" : "s", small == 1 ? "is" : "are", beyond ? ";" : ".");
    if (beyond)
        snprintf(left + strlen(left), sizeof left - strlen(left), "%s the baseline's %d "
                 "pair%s past the %d that differ most (all in baseline.csv).",
                 small ? "" : " Left out:", beyond, beyond == 1 ? "" : "s", BASE_TRUST_ROWS);
    snprintf(buf, n, "%.*s%s%s", (int)head, note, left, src ? src : "");
}

/* Draws the two effect charts when the run directory has the files. */
static fs_status draw_effects(const fs_plot_data *d, const fs_plot_opts *o, const char *outdir,
                              fs_err *err)
{
    char labels[EFFECT_ROWS][FS_PLOT_DIFF_LABEL];
    fs_plot_diff rows[EFFECT_ROWS];
    const char *names[FS_PLOT_MAX_SOURCES + 1];
    char path[4096], title[400], tnote[1200], sub[256];
    const char *ext = fs_chart_format_ext(o->format);
    int i, n = 0, small, beyond, injects = d->nsources - (d->base_name != NULL);
    const char *what = d->base_name && injects > 0
                       ? "what each inject changes, and against the baseline"
                       : d->base_name ? "against the baseline" : "what each inject changes";
    const char *note = d->base_name && injects > 0
        ? "Points: mean paired difference, run by run on the same random numbers, to the same "
          "runs without the inject, or to the baseline; whiskers: 95% interval. Right of the "
          "zero line: higher with the inject, or in this scenario.\nSource: "
          "inject_effects.csv, baseline.csv."
        : d->base_name
        ? "Points: mean paired difference, run by run on the same random numbers, to the "
          "baseline; whiskers: 95% interval. Right of the zero line: higher in this "
          "scenario.\nSource: baseline.csv."
        : "Points: mean paired difference, run by run on the same random numbers, to the same "
          "runs without the inject; whiskers: 95% interval. Right of the zero line: higher "
          "with the inject.\nSource: inject_effects.csv.";
    fs_status st;

    if (d->neffects == 0)
        return FS_OK;
    names[0] = d->base_name && injects > 0 ? "without the inject, or the baseline"
               : d->base_name ? "the baseline" : "the same runs without the inject";
    for (i = 0; i < d->nsources; i++)
        names[i + 1] = d->source[i];
    snprintf(title, sizeof title, "Outcome probabilities: %s — %s", what, d->name);
    snprintf(sub, sizeof sub, "%.0f runs · seed %s · horizon %d %ss", d->runs,
             d->seed ? d->seed : "?", d->steps, unit_name(d));
    for (i = 0; i < d->neffects && n < EFFECT_ROWS; i++) {
        const fs_plot_effect *e = &d->effects[i];
        if (!e->outcome)
            continue;
        /* Named as outcomes.png names them; the title says they are
         * probabilities. */
        outcome_label(e->metric, labels[n], sizeof labels[n]);
        effect_row(&rows[n], labels[n], e, 100);
        n++;
    }
    if ((size_t)snprintf(path, sizeof path, "%s/effects_outcomes.%s", outdir, ext) >= sizeof path)
        return fs_err_set(err, FS_EUSAGE, "output path too long: %s", outdir);
    if ((st = fs_plot_compare_diff(path, title, "Difference, in percentage points", sub, note,
                                   names, d->nsources + 1, NULL, rows, n, 5, o, err)) != FS_OK)
        return st;
    n = fs_plot_trust_rows(d, rows, labels, EFFECT_ROWS, &small, &beyond);
    if (n == 0 && small == 0)
        return FS_OK;   /* no trust rows at all */
    trust_note(tnote, sizeof tnote, note, small, beyond);
    snprintf(title, sizeof title, "Trust between pairs: %s — %s", what, d->name);
    if ((size_t)snprintf(path, sizeof path, "%s/effects_trust.%s", outdir, ext) >= sizeof path)
        return fs_err_set(err, FS_EUSAGE, "output path too long: %s", outdir);
    return fs_plot_compare_diff(path, title, "Difference in trust (0 to 1)", sub, tnote, names,
                                d->nsources + 1, NULL, rows, n, 0.05, o, err);
}

/* ---- trust_pairs: the pairs injects act on, step by step ---- */

/* Whether inject `in` acts on the trust of actors a and b (its pair, in
 * either order). */
static int inject_on_pair(const fs_plot_data *d, const fs_plot_inject *in, int a, int b)
{
    char ab[160], ba[160];
    if (in->pair == NULL || in->pair[0] == '\0')
        return 0;
    snprintf(ab, sizeof ab, "%s-%s", d->actors[a].id, d->actors[b].id);
    snprintf(ba, sizeof ba, "%s-%s", d->actors[b].id, d->actors[a].id);
    return strcmp(in->pair, ab) == 0 || strcmp(in->pair, ba) == 0;
}

/* The labelled markers of the injects that act on pair (a, b): a
 * scheduled one as a dashed line at its step, a hazard one as its window;
 * labels in lab. Returns how many. */
static int pair_markers(const fs_plot_data *d, int a, int b, fs_marker *m,
                        char (*lab)[LABEL_LEN], int max)
{
    int j, n = 0;
    for (j = 0; j < d->ninjects && n < max; j++) {
        const fs_plot_inject *in = &d->injects[j];
        if (!inject_on_pair(d, in, a, b) || !(isfinite(in->step) || inject_hazard(in)))
            continue;
        inject_label(d, in, lab[n], sizeof lab[n]);
        m[n].label = lab[n];
        m[n].col = grey(0.25);
        m[n].dashed = 1;
        m[n].x = inject_hazard(in) ? NAN : in->step;
        m[n].wlo = inject_hazard(in) ? fmax(in->start, 0) : NAN;
        m[n].whi = inject_hazard(in) ? fmin(in->end, d->steps) : NAN;
        n++;
    }
    return n;
}

/* One panel per tracked pair: its trust over time (median, 50% and 90% of
 * runs), its starting value, and the injects that act on that pair,
 * labelled (a scheduled one at its step, a hazard one over its window), so
 * that a shock and the recovery after it read directly ("what does the
 * attack do to Russia-Tajikistan trust?"); trust.png shows only start and
 * end. */
#define PAIR_MARKERS 8
static void draw_pairs_chart(const plot_ctx *x, fs_chart *c)
{
    const fs_plot_data *d = x->d;
    fs_rgb col = metric_colour("cohesion");
    fs_legend_item leg[5];
    fs_marker m[PAIR_MARKERS];
    char lab[PAIR_MARKERS][LABEL_LEN];
    fs_rect body;
    char foot[1024], title[256];
    grid g;
    int i, nleg = 0;

    footnote_bands(x, foot, sizeof foot, "Trust between the pairs that injects act on, 0 (none) "
                   "to 1 (full), on the same axis in every panel; each panel marks the injects "
                   "that act on its pair (dashed: a scheduled inject's step; shaded: a hazard "
                   "inject's window). Drills, drift and blame move trust too. trust.png shows "
                   "every pair's start and end.", 1, "timeseries.csv, trust.csv, injects.csv");
    body = frame(x, c, "Trust over time between the pairs injects act on", foot);
    leg[nleg++] = legend("Median trust", col, FS_KEY_LINE, 1);
    leg[nleg++] = legend("50% of runs (p25–p75)", col, FS_KEY_BAND, 0.42);
    leg[nleg++] = legend("90% of runs (p5–p95)", col, FS_KEY_BAND, 0.16);
    leg[nleg++] = legend("Trust at the start", grey(0.45), FS_KEY_DASH, 1);
    body = fs_chart_legend(c, body, leg, nleg);
    g = grid_make(body, d->npairs, 1.6, "Trust");
    grid_measure(x, c, &g);
    for (i = 0; i < d->npairs; i++) {
        int a = d->pair_a[i], b = d->pair_b[i];
        double t0 = d->trust_initial[a * d->nactors + b];
        int nm = pair_markers(d, a, b, m, lab, PAIR_MARKERS);
        fs_panel_spec s;
        fs_panel p;
        snprintf(title, sizeof title, "%s – %s", d->actors[a].name, d->actors[b].name);
        s = grid_spec(x, c, &g, i, title);
        if (nm > 0) {
            p = fs_chart_panel_layout(c, &s);
            s.top = fs_chart_markers_height(c, &p, m, nm);
        }
        p = fs_chart_panel(c, &s);
        if (isfinite(t0)) {
            double hx[2] = {0, d->steps}, hy[2] = {t0, t0};
            fs_chart_line(c, &p, hx, hy, 2, grey(0.45), 1.2, 1);
        }
        draw_band(c, &p, x, &d->pair_trust[i], col, 1, 0);
        if (nm > 0)
            fs_chart_markers(c, &p, m, nm);
    }
}

/* trust_pairs.<ext>, when timeseries.csv tracks any pair. */
static fs_status draw_pairs(const plot_ctx *x, const fs_plot_opts *o, const char *outdir,
                            fs_err *err)
{
    char path[PATH_LEN];
    fs_chart *c;
    fs_status st;

    if (x->d->npairs == 0)
        return FS_OK;
    if ((size_t)snprintf(path, sizeof path, "%s/trust_pairs.%s", outdir,
                         fs_chart_format_ext(o->format)) >= sizeof path)
        return fs_err_set(err, FS_EUSAGE, "output path too long: %s", outdir);
    if ((c = fs_chart_open(path, o->format, o->width, o->height, err)) == NULL)
        return err ? err->code : FS_EIO;
    draw_pairs_chart(x, c);
    if ((st = fs_chart_finish(c, err)) == FS_OK)
        st = fs_chart_commit(c, err);
    fs_chart_free(c);
    return st;
}

fs_status fs_plot_data_draw(const fs_plot_data *d, const fs_plot_opts *opts, fs_err *err)
{
    fs_chart *charts[FS_PLOT_NCHARTS] = { 0 };
    fs_plot_opts o;
    plot_ctx x;
    const char *outdir;
    fs_status st = FS_OK;
    int k;

    fs_plot_opts_resolve(opts, &o);
    outdir = o.outdir ? o.outdir : d->dir;
    memset(&x, 0, sizeof x);
    ctx_init(&x, d);
    x.xs = malloc(x.n * sizeof *x.xs);
    x.stairs = malloc((size_t)x.n * 2 * 7 * sizeof *x.stairs);
    if (x.xs == NULL || x.stairs == NULL) {
        free(x.xs);
        free(x.stairs);
        return fs_err_set(err, FS_ENOMEM, "out of memory drawing charts");
    }
    for (k = 0; k < x.n; k++)
        x.xs[k] = k;
    if (o.outdir && (st = fs_mkdir_p(outdir, err)) != FS_OK)
        goto fail;
    for (k = 0; k < FS_PLOT_NCHARTS; k++) {
        charts[k] = draw_one(&x, &o, outdir, k, err);
        if (charts[k] == NULL) {
            st = err ? err->code : FS_EIO;
            goto fail;
        }
    }
    for (k = 0; k < FS_PLOT_NCHARTS; k++) {
        fs_status cs = fs_chart_commit(charts[k], st == FS_OK ? err : NULL);
        if (cs != FS_OK && st == FS_OK)
            st = cs;
    }
    if (st == FS_OK)
        st = draw_pairs(&x, &o, outdir, err);
    if (st == FS_OK)
        st = draw_effects(d, &o, outdir, err);
fail:
    for (k = 0; k < FS_PLOT_NCHARTS; k++)
        fs_chart_free(charts[k]);
    free(x.xs);
    free(x.stairs);
    return st;
}

fs_status fs_plot_run_dir(const char *dir, const fs_plot_opts *opts, fs_err *err)
{
    fs_plot_data *d = fs_plot_data_load(dir, err);
    fs_status st;

    if (d == NULL)
        return err ? err->code : FS_EIO;
    st = fs_plot_data_draw(d, opts, err);
    fs_plot_data_free(d);
    return st;
}
