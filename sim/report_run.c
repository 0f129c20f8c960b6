/* report_run.c: the report of a run directory (report_kind.h): where its
 * charts go in briefing.md, their text alternatives in numbers, the
 * inject effects table, and the footer. */
#include <math.h>
#include <string.h>

#include "html.h"
#include "plot.h"
#include "report_kind.h"

#define DATA(r) ((const fs_plot_data *)fs_report_data(r))
#define NUM(x) fs_report_num(f, (x), 3)

/* The last step with a value in a band's median (NaN rows are skipped). */
static int last_step(const fs_plot_data *d, const double *v)
{
    int t = d->steps;
    while (t > 0 && isnan(v[t]))
        t--;
    return t;
}

static void unit(const fs_plot_data *d, FILE *f, int t)
{
    fprintf(f, "%s %d", d->step_unit ? d->step_unit : "step", t);
}

static void d_outcomes(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    int i;
    (void)chart;
    fprintf(f, "Outcome probabilities over %.0f runs, each with its 95%% interval: ", d->runs);
    for (i = 0; i < d->noutcomes; i++) {
        fprintf(f, "%s%s ", i ? "; " : "", d->outcomes[i].name);
        fs_report_pct(f, d->outcomes[i].probability);
        fputs(" (", f);
        fs_report_pct(f, d->outcomes[i].lo95);
        fputs(" to ", f);
        fs_report_pct(f, d->outcomes[i].hi95);
        fputs(")", f);
    }
    fputs(".", f);
}

static void d_early(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    int q, t;
    (void)chart;
    fputs("Share of runs escalated, and with a mass-casualty attack, by ", f);
    for (q = 1; q <= 4; q++) {
        t = d->steps * q / 4;
        fputs(q > 1 ? "; " : "", f);
        unit(d, f, t);
        fputs(": ", f);
        fs_report_pct(f, d->p_escalated[t]);
        fputs(" and ", f);
        fs_report_pct(f, d->p_mass_casualty_by[t]);
    }
    fputs(".", f);
}

/* "from A in step 0 to a median of B in step T (90% of runs between C
 * and D)" for a band. */
static void band_line(const fs_plot_data *d, const fs_band *b, FILE *f)
{
    int t = last_step(d, b->p50);
    fputs("from a median of ", f);
    NUM(b->p50[0]);
    fputs(" in ", f);
    unit(d, f, 0);
    fputs(" to ", f);
    NUM(b->p50[t]);
    fputs(" in ", f);
    unit(d, f, t);
    fputs(" (90% of runs between ", f);
    NUM(b->p5[t]);
    fputs(" and ", f);
    NUM(b->p95[t]);
    fputs(")", f);
}

static void d_threat(const fs_report *r, const char *chart, FILE *f)
{
    (void)chart;
    fputs("The regional threat index by step, median with the 50% and 90% bands of runs: ", f);
    band_line(DATA(r), &DATA(r)->region[FS_SERIES_THREAT_INDEX], f);
    fputs(".", f);
}

static void stat_line(const fs_plot_stat *s, FILE *f)
{
    fputs("mean ", f);
    NUM(s->mean);
    fputs(", median ", f);
    NUM(s->p50);
    fputs(", 90% of runs between ", f);
    NUM(s->p5);
    fputs(" and ", f);
    NUM(s->p95);
}

static void d_attacks(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    (void)chart;
    fprintf(f, "Successful attacks and foiled plots in the region over %d %ss, so far and "
            "per step. Attacks per run: ", d->steps, d->step_unit ? d->step_unit : "step");
    stat_line(&d->summary[FS_SUM_ATTACKS], f);
    fputs("; foiled plots per run: ", f);
    stat_line(&d->summary[FS_SUM_FOILED], f);
    fputs(".", f);
}

static void d_casualties(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    (void)chart;
    fputs("The distribution of casualties in the region per run: ", f);
    stat_line(&d->summary[FS_SUM_CASUALTIES], f);
    fprintf(f, "; largest %.0f.", d->summary[FS_SUM_CASUALTIES].max);
}

static void d_cohesion(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    const fs_band *c = &d->region[FS_SERIES_COHESION];
    int t = last_step(d, c->mean);
    (void)chart;
    fputs("Cohesion (mean trust between members) moves from ", f);
    NUM(c->mean[0]);
    fputs(" to ", f);
    NUM(c->mean[t]);
    fputs(" on average; the cumulative cost of the cooperation mechanisms reaches ", f);
    NUM(d->summary[FS_SUM_COST].mean);
    fputs(" on average.", f);
}

/* The pair (i, j), i != j, of the lowest (sign 1) or highest (sign -1)
 * final trust. */
static double trust_extreme(const fs_plot_data *d, int sign, int *bi, int *bj)
{
    double best = NAN, v;
    int i, j, n = d->nactors;
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++) {
            v = d->trust_final[i * n + j];
            if (!isnan(v) && (isnan(best) || sign * v < sign * best))
                best = v, *bi = i, *bj = j;
        }
    return best;
}

static void d_trust(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    int s, a = 0, b = 0, n = d->nactors;
    (void)chart;
    fprintf(f, "Trust between the %d actors, initial and mean final, as heatmaps. ", n);
    for (s = 1; s >= -1; s -= 2) {
        double v = trust_extreme(d, s, &a, &b);
        if (isnan(v))
            continue;
        fprintf(f, "%s final trust: %s and %s, ", s > 0 ? "Lowest" : "Highest",
                d->actors[a].name, d->actors[b].name);
        NUM(v);
        fputs(" (initially ", f);
        NUM(d->trust_initial[a * n + b]);
        fputs(s > 0 ? "). " : ").", f);
    }
}

static void d_stability(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    int i, k, shown[3] = { -1, -1, -1 };
    (void)chart;
    fputs("Stability of each actor by step, median over runs. Lowest at the end: ", f);
    for (k = 0; k < 3 && k < d->nactors; k++) {
        int best = -1;
        for (i = 0; i < d->nactors; i++) {
            double v = d->stability[i].p50[last_step(d, d->stability[i].p50)];
            if (i == shown[0] || i == shown[1] || isnan(v))
                continue;
            if (best < 0 || v < d->stability[best].p50[last_step(d, d->stability[best].p50)])
                best = i;
        }
        if (best < 0)
            break;
        shown[k] = best;
        fprintf(f, "%s%s ", k ? ", " : "", d->actors[best].name);
        NUM(d->stability[best].p50[last_step(d, d->stability[best].p50)]);
    }
    fputs(".", f);
}

static void d_pairs(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    int k;
    (void)chart;
    fputs("Trust between the pairs the injects act on, median with bands: ", f);
    for (k = 0; k < d->npairs; k++) {
        fprintf(f, "%s%s and %s ", k ? "; " : "", d->actors[d->pair_a[k]].name,
                d->actors[d->pair_b[k]].name);
        band_line(d, &d->pair_trust[k], f);
    }
    fputs(".", f);
}

static void diff_line(FILE *f, double diff, double lo, double hi, double scale)
{
    fprintf(f, "%+.3g (95%% interval %+.3g to %+.3g)", diff * scale, lo * scale, hi * scale);
}

static void d_effects(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    int i, n = 0, zero = 0;
    (void)chart;
    fputs("Differences in outcome probabilities, in percentage points, with 95% intervals: ", f);
    for (i = 0; i < d->neffects; i++) {
        const fs_plot_effect *e = &d->effects[i];
        if (!e->outcome)
            continue;
        if (e->diff == 0 && e->lo == 0 && e->hi == 0) {
            zero++;
            continue;
        }
        fprintf(f, "%s%s, %s ", n++ ? "; " : "", d->source[e->source], e->metric);
        diff_line(f, e->diff, e->lo, e->hi, 100);
    }
    fprintf(f, "%s%d more exactly zero.", n ? "; " : "", zero);
}

static void d_effects_trust(const fs_report *r, const char *chart, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    fs_plot_diff rows[24];
    char labels[24][FS_PLOT_DIFF_LABEL];
    int n, i, small = 0, beyond = 0;
    (void)chart;
    n = fs_plot_trust_rows(d, rows, labels, 24, &small, &beyond);
    fputs("Differences in trust between pairs (0 to 1), with 95% intervals: ", f);
    for (i = 0; i < n; i++) {
        fprintf(f, "%s%s, %s ", i ? "; " : "", d->source[rows[i].scenario - 1], rows[i].metric);
        diff_line(f, rows[i].diff, rows[i].lo, rows[i].hi, 1);
    }
    fprintf(f, "%s%d more not material.", n ? "; " : "", small + beyond);
}

/* The inject effects as a table: every row of inject_effects.csv. */
static void t_injects(const fs_report *r, FILE *f)
{
    const fs_plot_data *d = DATA(r);
    int i, first = d->base_name ? 1 : 0, any = 0;
    for (i = 0; i < d->neffects; i++)
        any |= d->effects[i].source >= first;
    if (!any)
        return;
    fputs("<div class=\"table\"><table>\n<caption>What each measured inject did, against the "
          "same runs without it (inject_effects.csv)</caption>\n<thead><tr><th>inject</th>"
          "<th>metric</th><th>target</th><th class=\"num\">with</th>"
          "<th class=\"num\">without</th><th class=\"num\">effect</th>"
          "<th class=\"num\">95% interval</th></tr></thead>\n<tbody>\n", f);
    for (i = 0; i < d->neffects; i++) {
        const fs_plot_effect *e = &d->effects[i];
        double s = e->outcome ? 100 : 1;
        if (e->source < first)
            continue;
        fputs("<tr><td>", f);
        fs_html_text(f, d->source[e->source]);
        fputs("</td><td>", f);
        fs_html_text(f, e->metric);
        if (!isnan(e->step))
            fprintf(f, " (step %.0f)", e->step);
        fputs("</td><td>", f);
        fs_html_text(f, e->target);
        fputs("</td><td class=\"num\">", f);
        fs_report_num(f, e->with * s, 4);
        fputs("</td><td class=\"num\">", f);
        fs_report_num(f, e->without * s, 4);
        fprintf(f, "</td><td class=\"num\">%+.3g%s</td><td class=\"num\">%+.3g to %+.3g</td>"
                "</tr>\n", e->diff * s, e->outcome ? " pts" : "", e->lo * s, e->hi * s);
    }
    fputs("</tbody></table></div>\n", f);
}

static void footer(const fs_report *r, FILE *f)
{
    fs_report_meta_html(r, f, "<p>foresight {version}, generator {rng}: {runs} runs over {steps} "
                        "steps, seed {seed}.</p>\n<p>To reproduce these numbers, in this "
                        "directory: <code>foresight run scenario.resolved.cfg -n {runs} -s "
                        "{seed} -o again</code> (the resolved scenario holds every setting, "
                        "--set options included).</p>\n<p>");
    fs_report_checksum(r, f, fs_report_dir(r), "scenario.resolved.cfg");
    fputs(".</p>\n", f);
}

static void *load(const char *dir, fs_err *err)
{
    return fs_plot_data_load(dir, err);
}

static void release(void *data)
{
    fs_plot_data_free(data);
}

static fs_status draw(const char *dir, void *data, const fs_plot_opts *o, fs_err *err)
{
    (void)dir;
    return fs_plot_data_draw(data, o, err);
}

#define HEAD_TABLE "| outcome | probability"
#define INDEX_LINE "regional threat index moves"
#define BASELINE "## Against the baseline"
#define INJECTS "## Injects and what they did"

static const fs_report_item items[] = {
    { "outcomes", HEAD_TABLE, d_outcomes, NULL },
    { "early_warning", HEAD_TABLE, d_early, NULL },
    { "threat_index", INDEX_LINE, d_threat, NULL },
    { "attacks", INDEX_LINE, d_attacks, NULL },
    { "casualties", INDEX_LINE, d_casualties, NULL },
    { "cohesion_cost", INDEX_LINE, d_cohesion, NULL },
    { "trust", INDEX_LINE, d_trust, NULL },
    { "effects_outcomes", BASELINE, d_effects, NULL },
    { "effects_trust", BASELINE, d_effects_trust, NULL },
    { "stability", "## Most exposed actors", d_stability, NULL },
    { NULL, INJECTS, NULL, t_injects },
    { "effects_outcomes", INJECTS, d_effects, NULL },
    { "effects_trust", INJECTS, d_effects_trust, NULL },
    { "trust_pairs", INJECTS, d_pairs, NULL },
};

const fs_report_kind fs_report_run_kind = {
    "run", "meta.csv", "briefing.md", items, (int)(sizeof items / sizeof items[0]),
    load, release, draw, footer
};
