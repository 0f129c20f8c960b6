/* briefing.c: a plain-language reading of a run for a workshop. */
#include "briefing.h"
#include "mdtext.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "posterior.h"
#include "reported.h"
#include "rng.h"
#include "stats.h"

static double tot_mean(const fs_results *res, int k)
{
    return fs_acc_moments(res->acc, fs_cell_tot(res->lay, k))->mean;
}

static double tot_q(const fs_results *res, int k, double q)
{
    return fs_acc_quantile(res->acc, fs_cell_tot(res->lay, k), q);
}

static double actor_mean(const fs_results *res, int a, int k)
{
    return fs_acc_moments(res->acc, fs_cell_at(res->lay, a, k))->mean;
}

static void pct(FILE *f, double p)
{
    if (p > 0.0 && p < 0.0005)
        fputs("<0.1%", f);
    else
        fprintf(f, "%.1f%%", fs_percent(p));
}

/* Words for the kinds a facilitator reads (the file's names are for
 * analysts). */
static const char *inject_words(fs_inject_kind k)
{
    switch (k) {
    case FS_INJ_ATTACK: return "attack";
    case FS_INJ_CAPACITY_SHOCK: return "capacity shock";
    case FS_INJ_STABILITY_SHOCK: return "stability shock";
    case FS_INJ_TRUST_SHOCK: return "trust shock";
    case FS_INJ_THREAT_SURGE: return "threat surge";
    case FS_INJ_MECHANISM_ON: return "a mechanism switched on";
    case FS_INJ_MECHANISM_OFF: return "a mechanism switched off";
    case FS_INJ_JOIN: return "an actor joins a mechanism";
    case FS_INJ_BORDER_CHANGE: return "a border's permeability changes";
    case FS_INJ_LEAVE: return "an actor leaves a mechanism";
    }
    return fs_inject_kind_name(k);
}

static const char *mech_words(fs_mech_kind k)
{
    switch (k) {
    case FS_MECH_INTEL_SHARING: return "intelligence sharing";
    case FS_MECH_JOINT_DRILL: return "joint drill";
    case FS_MECH_BORDER_OPERATION: return "border operation";
    case FS_MECH_COUNTER_RADICALISATION: return "counter-radicalisation";
    }
    return fs_mech_kind_name(k);
}

/* "the region" in the headline: members and observers, and which
 * external territories are left out, by name. */
static void region_words(FILE *f, const fs_scenario *sc)
{
    int a, n = 0, ext = 0;
    for (a = 0; a < sc->nactors; a++)
        ext += sc->actors[a].role == FS_ROLE_EXTERNAL;
    fputs("the region", f);
    if (ext == 0)
        return;
    fputs(" (its members and observers; ", f);
    for (a = 0; a < sc->nactors; a++) {
        if (sc->actors[a].role != FS_ROLE_EXTERNAL)
            continue;
        fprintf(f, "%s%s", n == 0 ? "" : n == ext - 1 ? " and " : ", ", sc->actors[a].name);
        n++;
    }
    fputs(ext == 1 ? ", an external territory, is left out)" : ", external territories, are "
          "left out)", f);
}

/* Whether inject j is an attack whose own casualties make it a
 * mass-casualty attack (each attack's casualties: casualties_per_attack,
 * or its share of the inject's total, as docs/MODEL.md counts it). */
static int scripted_mc(const fs_scenario *sc, const fs_inject *j)
{
    return j->kind == FS_INJ_ATTACK && j->casualties >= 0.0 && j->attacks > 0 &&
           (j->per_attack ? j->casualties : j->casualties / j->attacks)
               >= sc->outcomes.mass_casualty;
}

/* A note under the headline: a mass-casualty share that counts attacks
 * the scenario scripts, which happen whatever the model does. */
static void scripted_mass_casualty(FILE *f, const fs_scenario *sc, const fs_results *res)
{
    int i, n = 0;
    for (i = 0; i < sc->ninjects; i++) {
        const fs_inject *j = &sc->injects[i];
        double fired = fs_acc_moments(res->acc, fs_cell_inj(res->lay, i, FS_IN_FIRED))->mean;
        if (!scripted_mc(sc, j))
            continue;
        fputs(n++ ? " " : "\nNote: the mass-casualty share counts the scenario's own "
              "scripted attacks. ", f);
        fprintf(f, "**%s** (", j->label);
        if (j->hazard <= 0.0)
            fprintf(f, "%s %d, ", sc->step_unit, j->step);
        if (j->per_attack && j->attacks > 1)
            fprintf(f, "%d attacks of %.4g casualties each", j->attacks, j->casualties);
        else
            fprintf(f, "%.4g casualties", j->casualties);
        if (!j->per_attack && j->attacks > 1)
            fprintf(f, " over %d attacks", j->attacks);
        fputs(") is itself one, so every run in which it fires has one: ", f);
        pct(f, fired);
        fputs(" of runs.", f);
    }
    if (n)
        fputs(" The share therefore says nothing about the model's own attacks: for those, "
              "compare with the scenario without the scripted attack (foresight compare).\n", f);
}

static void headline(FILE *f, const fs_scenario *sc, const fs_results *res)
{
    static const char *names[FS_OUT_N] = {"Escalation", "Fracture", "Contained",
                                          "Mass-casualty attack"};
    static const char *what[FS_OUT_N] = {
        "threat index ends at or above %.3g times its start, or a member's stability falls below %.3g",
        "cohesion (mean member trust) ends more than %.3g below its start",
        "threat index ends at or below %.3g times its start, with no escalation or fracture",
        "at least one attack with %.4g or more casualties"
    };
    const fs_outcomes *o = &sc->outcomes;
    int k;

    fputs("## Headline\n\n", f);
    fputs("| outcome | probability | 95% interval | meaning |\n", f);
    fputs("| --- | ---: | --- | --- |\n", f);
    for (k = 0; k < FS_OUT_N; k++) {
        const fs_moments *m = fs_acc_moments(res->acc,
                                             fs_cell_out(res->lay, k));
        double count = nearbyint(m->mean * m->n), lo, hi;
        fs_wilson95(count, m->n, &lo, &hi);
        fprintf(f, "| %s | ", names[k]);
        pct(f, m->mean);
        fputs(" | ", f);
        pct(f, lo);
        fputs(" to ", f);
        pct(f, hi);
        fputs(" | ", f);
        switch (k) {
        case FS_OUT_ESCALATION: fprintf(f, what[k], o->escalation_ratio, o->failure_stability); break;
        case FS_OUT_FRACTURE: fprintf(f, what[k], o->fracture_drop); break;
        case FS_OUT_CONTAINED: fprintf(f, what[k], o->contained_ratio); break;
        default: fprintf(f, what[k], o->mass_casualty); break;
        }
        fputs(" |\n", f);
    }
    scripted_mass_casualty(f, sc, res);
    fprintf(f, "\nOver %d %ss ", sc->steps, sc->step_unit);
    region_words(f, sc);
    fprintf(f, " sees on average %.1f plots, of which %.1f are foiled, "
            "and %.1f successful attacks (median %.0f, 90%% of runs between %.0f and %.0f) "
            "with %.0f casualties (median %.0f, 95th percentile %.0f).\n",
            tot_mean(res, FS_TOT_PLOTS), tot_mean(res, FS_TOT_FOILED),
            tot_mean(res, FS_TOT_ATTACKS), tot_q(res, FS_TOT_ATTACKS, 0.5),
            tot_q(res, FS_TOT_ATTACKS, 0.05), tot_q(res, FS_TOT_ATTACKS, 0.95),
            tot_mean(res, FS_TOT_CASUALTIES), tot_q(res, FS_TOT_CASUALTIES, 0.5),
            tot_q(res, FS_TOT_CASUALTIES, 0.95));
    {
        /* One precision for the four, from the largest: whole cells from 100 up. */
        double i0 = tot_mean(res, FS_TOT_THREAT_START), med = tot_q(res, FS_TOT_THREAT_FINAL, 0.5);
        double lo = tot_q(res, FS_TOT_THREAT_FINAL, 0.05), hi = tot_q(res, FS_TOT_THREAT_FINAL, 0.95);
        double big = fmax(fmax(fabs(i0), fabs(hi)), fabs(med));
        int d = big >= 100 ? 0 : big >= 10 ? 1 : 2;
        fprintf(f, "The regional threat index moves from %.*f to a median of %.*f "
                "(90%% of runs between %.*f and %.*f); cohesion moves from %.3f to %.3f on "
                "average.\n\n", d, i0, d, med, d, lo, d, hi,
                tot_mean(res, FS_TOT_COHESION_START), tot_mean(res, FS_TOT_COHESION_FINAL));
    }
}

/* With a posterior: how much of each headline's variance is parameter
 * uncertainty and how much chance (law of total variance, from pairs of
 * runs sharing a particle), and the parameter that explains most alone. */
static void uncertainty(FILE *f, const fs_results *res)
{
    static const int heads[] = {FS_HEAD_ESCALATION, FS_HEAD_ATTACKS, FS_HEAD_CASUALTIES,
                                FS_HEAD_THREAT_FINAL, FS_HEAD_COHESION_FINAL};
    const fs_posterior *p = res->posterior;
    fs_posterior_split sp;
    int i, k, top = -1;
    double top_r2 = -1.0;

    if (p == NULL || res->post == NULL)
        return;
    fprintf(f, "## Parameter uncertainty\n\nEach run drew its parameter values from the "
            "posterior of a calibration (%d particles over ", p->n);
    for (k = 0; k < p->nparams; k++) {
        fputs(k == 0 ? "" : k + 1 < p->nparams ? ", " : " and ", f);
        fs_md_put(f, p->labels[k]);
        if (strcmp(p->labels[k], p->paths[k]) != 0) {
            fputs(" (", f);
            fs_md_put(f, p->paths[k]);
            fputs(")", f);
        }
    }
    fputs("), by weight, each pair of consecutive runs sharing one. So the spread of every result "
          "above is parameter uncertainty and chance together. The law of total variance "
          "splits each headline's variance: chance is half the mean squared difference "
          "between the two runs of a pair, parameters the rest; \"alone\" is the largest share one "
          "parameter explains by itself (its squared correlation with the result over the "
          "runs).\n\n", f);
    fputs("| result | parameters | chance | the parameter that matters most (alone) |\n", f);
    fputs("| --- | ---: | ---: | --- |\n", f);
    for (i = 0; i < (int)(sizeof heads / sizeof heads[0]); i++) {
        const fs_moments *y = fs_acc_moments(res->acc, fs_headline_cell(res->lay, heads[i]));
        fs_posterior_split_of(p, res->post, y, heads[i], &sp);
        fprintf(f, "| %s | ", fs_briefing_headline_label(fs_headline_name(heads[i])));
        if (isnan(sp.param_share)) {
            fputs("- | - | no variance (or too few pairs) |\n", f);
            continue;
        }
        fprintf(f, "%.0f%% | %.0f%% | ", 100.0 * sp.param_share, 100.0 * (1.0 - sp.param_share));
        if (sp.best < 0) {
            fputs("- |\n", f);
        } else {
            fs_md_put(f, p->labels[sp.best]);
            fprintf(f, " (%.0f%%) |\n", 100.0 * sp.r2[sp.best]);
        }
        if (heads[i] == FS_HEAD_ESCALATION && sp.best >= 0)
            top = sp.best, top_r2 = sp.r2[sp.best];
    }
    fprintf(f, "\nFrom %.0f pairs of runs: shares within a few points of each other are not "
            "told apart.", sp.pairs);
    if (top >= 0) {
        fputs(" For escalation the parameter that matters most is ", f);
        fs_md_put(f, p->labels[top]);
        fprintf(f, ": alone it explains %.0f%% of the variance.", 100.0 * top_r2);
    }
    fputs("\n\n", f);
}

/* Decimals for a row of figures: none when all are whole or the largest is
 * 100 or more, else one from 10 up, else two. */
static int figure_decimals(const double *x, int n)
{
    double big = 0.0;
    int i, whole = 1;
    for (i = 0; i < n; i++) {
        big = fmax(big, fabs(x[i]));
        whole &= x[i] == floor(x[i]);
    }
    return whole || big >= 100 ? 0 : big >= 10 ? 1 : 2;
}

/* The scenario's reported figures against the simulated run totals they
 * name: median and the 90% of runs between p5 and p95. */
static void reported(FILE *f, const fs_scenario *sc, const fs_results *res)
{
    int i, inside = 0;
    if (sc->nreported == 0)
        return;
    fputs("## Reported against simulated\n\n", f);
    fputs("| figure | reported | simulated median | 90% of runs | inside? | model quantity |\n", f);
    fputs("| --- | ---: | ---: | ---: | --- | --- |\n", f);
    for (i = 0; i < sc->nreported; i++) {
        const fs_reported *r = &sc->reported[i];
        int cell = fs_reported_cell(sc, res->lay, r->metric, NULL, 0);
        double med = fs_acc_quantile(res->acc, cell, 0.5);
        double lo = fs_acc_quantile(res->acc, cell, 0.05), hi = fs_acc_quantile(res->acc, cell, 0.95);
        const char *verdict = r->value < lo ? "no, below" : r->value > hi ? "no, above" : "yes";
        inside += r->value >= lo && r->value <= hi;
        double row[4] = {r->value, med, lo, hi};
        int d = figure_decimals(row, 4);
        fprintf(f, "| %s | %.*f | %.*f | %.*f to %.*f | %s | `%s` |\n", r->label, d, r->value,
                d, med, d, lo, d, hi, verdict, r->metric);
    }
    fprintf(f, "\n%d of the %d reported figures lie within the 90%% of runs.", inside,
            sc->nreported);
    for (i = 0; i < sc->nreported; i++) {
        int j = 0;
        while (j < i && strcmp(sc->reported[j].source, sc->reported[i].source) != 0)
            j++;
        if (j == i && sc->reported[i].source[0])
            fprintf(f, " Source: %s.", sc->reported[i].source);
    }
    fputs(" A figure inside the interval is consistent with the model; it is a validation "
          "only if it was not used to set the model's rates.\n\n", f);
}

/* Actors ranked by mean casualties, then attacks. */
static const fs_results *rank_results;
static int rank_cmp(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    double ca = actor_mean(rank_results, a, FS_AT_CASUALTIES);
    double cb = actor_mean(rank_results, b, FS_AT_CASUALTIES);
    if (ca != cb)
        return ca < cb ? 1 : -1;
    ca = actor_mean(rank_results, a, FS_AT_ATTACKS);
    cb = actor_mean(rank_results, b, FS_AT_ATTACKS);
    if (ca != cb)
        return ca < cb ? 1 : -1;
    return a - b;
}

static void exposed(FILE *f, const fs_scenario *sc, const fs_results *res)
{
    int order[FS_MAX_ACTORS], n = 0, a, i, shown = 0;

    for (a = 0; a < sc->nactors; a++)
        order[n++] = a;
    rank_results = res;
    qsort(order, n, sizeof *order, rank_cmp);
    fputs("## Most exposed actors\n\n", f);
    fputs("| actor | role | attacks (mean) | foiled (mean) | casualties (mean) | final stability (mean) | lowest stability (mean) |\n", f);
    fputs("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n", f);
    for (i = 0; i < n && shown < 5; i++) {
        a = order[i];
        if (actor_mean(res, a, FS_AT_ATTACKS) <= 0.0 && shown > 0)
            break;
        fprintf(f, "| %s | %s | %.2f | %.2f | %.1f | %.3f | %.3f |\n", sc->actors[a].name,
                fs_role_name(sc->actors[a].role), actor_mean(res, a, FS_AT_ATTACKS),
                actor_mean(res, a, FS_AT_FOILED), actor_mean(res, a, FS_AT_CASUALTIES),
                actor_mean(res, a, FS_AT_FINAL_STABILITY), actor_mean(res, a, FS_AT_MIN_STABILITY));
        shown++;
    }
    fputs("\nEvery actor's figures are in actors.csv.\n\n", f);
}

/* "median (p5-p95)" of threat g's total k, integers when the counts are. */
static void th_cell(FILE *f, const fs_results *res, int g, int k)
{
    int c = fs_cell_th(res->lay, g, k);
    fprintf(f, " %.0f (%.0f-%.0f) |", fs_acc_quantile(res->acc, c, 0.5),
            fs_acc_quantile(res->acc, c, 0.05), fs_acc_quantile(res->acc, c, 0.95));
}

/* Per threat network, in non-external actors: what it tried, what was
 * stopped and what security pressure removed (threats.csv). */
static void networks(FILE *f, const fs_scenario *sc, const fs_results *res)
{
    int g;
    if (sc->nthreats == 0)
        return;
    fprintf(f, "## Threat networks\n\nOver the %d %ss, in members and observers (external "
            "territories left out): median, with 90%% of runs in brackets.\n\n", sc->steps,
            sc->step_unit);
    fputs("| network | plots | foiled | successful attacks | casualties | cells removed |\n", f);
    fputs("| --- | ---: | ---: | ---: | ---: | ---: |\n", f);
    for (g = 0; g < sc->nthreats; g++) {
        fprintf(f, "| %s |", sc->threats[g].name);
        th_cell(f, res, g, FS_TH_PLOTS);
        th_cell(f, res, g, FS_TH_FOILED);
        th_cell(f, res, g, FS_TH_ATTACKS);
        th_cell(f, res, g, FS_TH_CASUALTIES);
        th_cell(f, res, g, FS_TH_REMOVED);
        fputc('\n', f);
    }
    fputs("\nMeans and quartiles are in threats.csv.\n\n", f);
}

/* Decimals for an effect and its interval: two significant digits of the
 * interval's half-width, but no more than three of the effect itself; at
 * most 6. */
static int decimals(const fs_effect *r)
{
    double hw = 0.5 * (r->hi95 - r->lo95), ax = fabs(r->effect);
    int d = hw > 0.0 ? 1 - (int)floor(log10(hw)) : 6;
    if (ax > 0.0 && d > 2 - (int)floor(log10(ax)))
        d = 2 - (int)floor(log10(ax));
    if (ax == 0.0 && hw == 0.0)
        d = 2;
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* Whether the interval excludes zero. */
static int clear(const fs_effect *r)
{
    return r->lo95 > 0.0 || r->hi95 < 0.0;
}

/* An effect worth a facilitator's word: clear, and not negligible: at
 * least half a point for a probability, else at least 1% of the larger of
 * the two means. */
int fs_briefing_effect_material(const fs_effect *r)
{
    return fs_material(r->outcome, r->effect, r->lo95, r->hi95, r->with, r->without);
}

/* Whether the interval shows at d decimals (its ends differ). */
static int interval_shows(const fs_effect *r, int d)
{
    char lo[64], hi[64];
    snprintf(lo, sizeof lo, "%.*f", d, r->lo95);
    snprintf(hi, sizeof hi, "%.*f", d, r->hi95);
    return r->hi95 > r->lo95 && strcmp(lo, hi) != 0;
}

/* Decimals that show an interval of some width: d when its ends differ at
 * d, else two significant digits of its half-width (at most 9), so that
 * every interval of a table is printed, however narrow. */
static int interval_decimals(const fs_effect *r, int d)
{
    double hw = 0.5 * (r->hi95 - r->lo95);
    int di;
    if (interval_shows(r, d) || !(hw > 0.0))
        return d;
    di = 1 - (int)floor(log10(hw));
    return di < d ? d : di > 9 ? 9 : di;
}

static void amount(FILE *f, double x, int d, int sign)
{
    if (x == 0.0 || fabs(x) < 0.5 * pow(10.0, -d)) {
        /* Rounds to zero: no sign ("-0.00", or "+0.000000" for a small
         * negative, would say more than the digits know). */
        fprintf(f, "%.*f", d, 0.0);
        return;
    }
    fprintf(f, sign ? "%+.*f" : "%.*f", d, x);
}

/* A probability difference in points, rounded as fs_percent rounds. */
static void points(FILE *f, double p)
{
    amount(f, fs_percent(p), 1, 1);
}

/* "95% interval lo to hi" after lead, at d decimals. */
static void put_interval(FILE *f, const char *lead, const fs_effect *r, int d)
{
    fputs(lead, f);
    fputs("95% interval ", f);
    amount(f, r->lo95, d, 1);
    fputs(" to ", f);
    amount(f, r->hi95, d, 1);
}

const char *fs_briefing_headline_label(const char *metric)
{
    static const char *const region[][2] = {
        {"escalation", "escalation"}, {"fracture", "fracture"},
        {"contained", "containment"}, {"mass_casualty", "a mass-casualty attack"},
        {"attacks", "attacks in the region"}, {"casualties", "casualties in the region"},
        {"threat_index_final", "the final threat index"},
        {"cohesion_final", "final cohesion"},
        {"min_member_stability", "the lowest member stability"},
        {"cost", "mechanism cost"}};
    size_t i;
    for (i = 0; i < sizeof region / sizeof region[0]; i++)
        if (strcmp(metric, region[i][0]) == 0)
            return region[i][1];
    return metric;
}

void fs_briefing_effect_amount(FILE *f, const fs_effect *r)
{
    int d;
    if (r->outcome) {
        points(f, r->effect);
        fputs(" points", f);
        if (isfinite(r->lo95)) {
            fputs(" (95% interval ", f);
            points(f, r->lo95);
            fputs(" to ", f);
            points(f, r->hi95);
            fputc(')', f);
        }
        return;
    }
    d = decimals(r);
    amount(f, r->effect, d, 1);
    if (interval_shows(r, d)) {
        put_interval(f, " (", r, d);
        fputc(')', f);
    } else if (r->hi95 == r->lo95) {
        fputs(" in every run", f);
    }
}

/* What row r measures, in words: "escalation", "attacks in Russia", ... */
static void effect_name(FILE *f, const fs_scenario *sc, const fs_effect *r)
{
    if (r->a < 0) {
        fputs(fs_briefing_headline_label(r->metric), f);
    } else if (r->b < 0) {
        fprintf(f, strcmp(r->metric, "final_stability") == 0 ? "final stability of %s"
                                                             : "%s in %s",
                strcmp(r->metric, "final_stability") == 0 ? sc->actors[r->a].name : r->metric,
                sc->actors[r->a].name);
    } else if (r->step > 0) {
        fprintf(f, "trust between %s and %s in %s %d", sc->actors[r->a].name,
                sc->actors[r->b].name, sc->step_unit, r->step);
    } else {
        fprintf(f, "trust between %s and %s at the end", sc->actors[r->a].name,
                sc->actors[r->b].name);
    }
}

/* "attacks in Russia 2.31 vs 1.24 without (+1.07, 95% interval +0.98 to
 * +1.16)"; probabilities in percent and points. */
static void effect_text(FILE *f, const fs_scenario *sc, const fs_effect *r)
{
    double big = fmax(fabs(r->with), fabs(r->without));
    /* The two means to three significant digits (no more than the effect). */
    int d, d3 = big >= 100 ? 0 : big >= 10 ? 1 : big >= 1 ? 2 : 3;
    effect_name(f, sc, r);
    fputc(' ', f);
    if (r->outcome) {
        pct(f, r->with);
        fputs(" vs ", f);
        pct(f, r->without);
        fputs(" without (", f);
        points(f, r->effect);
        fputs(" points, 95% interval ", f);
        points(f, r->lo95);
        fputs(" to ", f);
        points(f, r->hi95);
        fputc(')', f);
        return;
    }
    d = decimals(r);
    amount(f, r->with, d < d3 ? d : d3, 0);
    fputs(" vs ", f);
    amount(f, r->without, d < d3 ? d : d3, 0);
    fputs(" without (", f);
    amount(f, r->effect, d, 1);
    if (interval_shows(r, d))
        put_interval(f, ", ", r, d);
    else if (r->hi95 == r->lo95)
        fputs(" in every run", f);
    fputc(')', f);
}

/* The measured effects of inject i: those whose interval excludes zero,
 * then the rest by name. */
/* The names of inject i's rows of one kind (0: clear but small, 1:
 * within the noise) after lead; how many. */
static int effect_names(FILE *f, const fs_scenario *sc, const fs_effects *fx, int i, int kind,
                        const char *lead)
{
    int k, m = 0;
    for (k = 0; k < fx->n; k++) {
        const fs_effect *r = &fx->row[k];
        if (r->inject != i || fs_briefing_effect_material(r) || (kind == 0) != clear(r))
            continue;
        if (kind == 1 && r->effect == 0.0 && r->lo95 == 0.0 && r->hi95 == 0.0)
            continue;   /* identical in every run: not worth a word */
        fputs(m++ ? ", " : lead, f);
        effect_name(f, sc, r);
    }
    if (m)
        fputc('.', f);
    return m;
}

static void inject_effects(FILE *f, const fs_scenario *sc, const fs_effects *fx, int i)
{
    int k, n = 0;
    for (k = 0; k < fx->n; k++) {
        const fs_effect *r = &fx->row[k];
        if (r->inject != i || !fs_briefing_effect_material(r))
            continue;
        fputs(n++ ? "; " : " Against the same runs without it: ", f);
        effect_text(f, sc, r);
    }
    fputs(n ? "." : " Against the same runs without it, no effect of 1% or more stands out of "
                    "the noise.", f);
    effect_names(f, sc, fx, i, 0, " Clear but under 1%: ");
    effect_names(f, sc, fx, i, 1, " Within the noise (95% interval includes zero): ");
}

/* "Russia-Tajikistan 0.635 vs 0.641 (-0.0062, 95% interval ...)". */
static void trust_move(FILE *f, const fs_scenario *sc, const fs_effect *r)
{
    int d = decimals(r);
    fprintf(f, "%s-%s ", sc->actors[r->a].name, sc->actors[r->b].name);
    amount(f, r->with, d < 3 ? d : 3, 0);
    fputs(" vs ", f);
    amount(f, r->without, d < 3 ? d : 3, 0);
    fputs(" (", f);
    amount(f, r->effect, d, 1);
    if (r->hi95 > r->lo95)
        put_interval(f, ", ", r, interval_decimals(r, d));
    else if (r->hi95 == r->lo95)
        fputs(", the same in every run", f);
    fputc(')', f);
}

/* The pairs whose final trust differs most from the baseline's (material
 * differences only), largest first, at most TRUST_MOVES. */
#define TRUST_MOVES 5
static void baseline_trust(FILE *f, const fs_scenario *sc, const fs_effects *fx)
{
    const fs_effect *top[TRUST_MOVES];
    int k, j, n = 0;

    for (k = FS_HEAD_N; k < fx->nbase; k++) {
        const fs_effect *r = &fx->base[k];
        if (!fs_briefing_effect_material(r))
            continue;
        /* Insert by |effect|, ties in pair order. */
        for (j = n < TRUST_MOVES ? n++ : TRUST_MOVES; j > 0 &&
             fabs(top[j - 1]->effect) < fabs(r->effect); j--)
            if (j < TRUST_MOVES)
                top[j] = top[j - 1];
        if (j < TRUST_MOVES)
            top[j] = r;
    }
    if (n == 0) {
        /* Say so, with the largest difference: a workshop asking about a
         * pair's trust must not be met with silence. */
        const fs_effect *big = NULL;
        for (k = FS_HEAD_N; k < fx->nbase; k++)
            if (big == NULL || fabs(fx->base[k].effect) > fabs(big->effect))
                big = &fx->base[k];
        if (big == NULL)
            return;
        fputs("No pair's final trust differs clearly from the baseline's (95% interval "
              "excluding zero) by 1% or more. The largest difference: ", f);
        trust_move(f, sc, big);
        fputs(clear(big) ? ", clear but small. Every pair is in baseline.csv.\n\n"
                         : ", within the noise. Every pair is in baseline.csv.\n\n", f);
        return;
    }
    fputs("Final trust that differs most from the baseline's (mean; every pair is in "
          "baseline.csv): ", f);
    for (k = 0; k < n; k++) {
        fputs(k ? "; " : "", f);
        trust_move(f, sc, top[k]);
    }
    fputs(".\n\n", f);
}

/* The headlines against the baseline, as a table. */
static void against_baseline(FILE *f, const fs_scenario *sc, const fs_effects *fx,
                             const fs_scenario *base)
{
    int k, j, common = 0;
    if (fx == NULL || base == NULL || fx->nbase == 0)
        return;
    for (k = 0; k < sc->nactors; k++)
        for (j = 0; j < base->nactors; j++)
            common += strcmp(sc->actors[k].id, base->actors[j].id) == 0;
    fprintf(f, "## Against the baseline\n\nMeasured against **%s** (%s), run beside it "
            "on the same random numbers (run i of both starts from the same stream), so "
            "that the mean of the run-by-run differences estimates what this scenario "
            "changes, with a narrower interval than two separate runs would give. In bold: "
            "differences whose 95%% interval excludes zero and that are at least 1%% of the "
            "value (half a point for a probability); every figure is in baseline.csv.\n\n",
            base->name, strrchr(sc->baseline, '/') ? strrchr(sc->baseline, '/') + 1
                                                   : sc->baseline);
    if (common != sc->nactors || common != base->nactors)
        fprintf(f, "Note: the two scenarios have different actors (%d in common of %d here "
                "and %d in the baseline), so the region-wide figures compare different "
                "regions.\n\n", common, sc->nactors, base->nactors);
    fputs("| metric | this scenario | baseline | difference | 95% interval |\n", f);
    fputs("| --- | ---: | ---: | ---: | --- |\n", f);
    for (k = 0; k < fx->nbase && k < FS_HEAD_N; k++) {
        const fs_effect *r = &fx->base[k];
        int bold = fs_briefing_effect_material(r), d = decimals(r);
        fputs("| ", f);
        effect_name(f, sc, r);
        if (r->outcome) {
            fputs(" | ", f);
            pct(f, r->with);
            fputs(" | ", f);
            pct(f, r->without);
            fputs(bold ? " | **" : " | ", f);
            points(f, r->effect);
            fprintf(f, " points%s | ", bold ? "**" : "");
            if (isfinite(r->lo95)) {
                points(f, r->lo95);
                fputs(" to ", f);
                points(f, r->hi95);
            } else {
                fputs("none (one run)", f);
            }
            fputs(" |\n", f);
            continue;
        }
        fputs(" | ", f);
        amount(f, r->with, d < 3 ? d : 3, 0);
        fputs(" | ", f);
        amount(f, r->without, d < 3 ? d : 3, 0);
        fputs(bold ? " | **" : " | ", f);
        amount(f, r->effect, d, 1);
        fputs(bold ? "** | " : " | ", f);
        if (r->hi95 > r->lo95) {
            /* Every row gets its interval, at the digits it needs. */
            amount(f, r->lo95, interval_decimals(r, d), 1);
            fputs(" to ", f);
            amount(f, r->hi95, interval_decimals(r, d), 1);
        } else if (r->hi95 == r->lo95) {
            fputs("the same in every run", f);
        } else {
            fputs("none (one run)", f);
        }
        fputs(" |\n", f);
    }
    fputc('\n', f);
    baseline_trust(f, sc, fx);
}

/* Whether inject i was measured. */
static int measured(const fs_effects *fx, int i)
{
    int k;
    for (k = 0; fx && k < fx->n; k++)
        if (fx->row[k].inject == i)
            return 1;
    return 0;
}

static void injects(FILE *f, const fs_scenario *sc, const fs_results *res, const fs_effects *fx)
{
    const fs_layout *l = res->lay;
    int i, any = 0;

    if (sc->ninjects == 0)
        return;
    for (i = 0; i < sc->ninjects; i++)
        any += measured(fx, i);
    fputs("## Injects and what they did\n\n", f);
    if (any)
        fputs("Each measured inject (the scheduled ones, and a hazard with measure = true) is "
              "measured against the same runs without it: a copy of "
              "the scenario in which it changes nothing, each run of it starting from the "
              "same random numbers as the run it pairs with. Drift, drills and the other "
              "injects are in both, and the two runs draw the same numbers for the same "
              "purposes step by step, so the mean of the run-by-run differences estimates "
              "what the inject alone does, with a narrow interval. (The runs without it "
              "keep every other inject, so they are not the baseline's runs.) Intervals are 95% normal "
              "intervals of the paired differences; with some fifteen figures per inject, one "
              "can exclude zero by chance now and then. Every figure is in "
              "inject_effects.csv.\n\n", f);
    for (i = 0; i < sc->ninjects; i++) {
        const fs_inject *in = &sc->injects[i];
        double fired = fs_acc_moments(res->acc, fs_cell_inj(l, i, FS_IN_FIRED))->mean;
        const fs_moments *first = fs_acc_moments(res->acc, fs_cell_inj(l, i, FS_IN_FIRST_STEP));
        fprintf(f, "- **%s** (%s", in->label, inject_words(in->kind));
        if (in->hazard > 0.0)
            fprintf(f, ", hazard %.3g per %s in %ss %d-%d): fired in ", in->hazard,
                    sc->step_unit, sc->step_unit, in->start, in->end);
        else
            fprintf(f, ", %s %d, probability %.3g): fired in ", sc->step_unit, in->step,
                    in->probability);
        pct(f, fired);
        fputs(" of runs", f);
        if (first->n > 0 && in->hazard > 0.0)
            fprintf(f, ", first in %s %.1f on average", sc->step_unit, first->mean);
        fputc('.', f);
        if (measured(fx, i) && first->n == 0) {
            fputs(" It never fired, so it changed nothing here.", f);
        } else if (measured(fx, i)) {
            inject_effects(f, sc, fx, i);
            /* Where it did not fire the copy's run is the same run, so the
             * effect where it fired is the average divided by the share. */
            if (fired < 1.0 && first->n > 0)
                fprintf(f, " These average over all runs, including the %.1f%% in which it "
                        "did not fire; in the runs where it fired, the effects are %.3g times "
                        "as large.", fs_percent(1.0 - fired), 1.0 / fired);
        } else if (fx && fx->off)
            fputs(" Not measured: the run had --no-effects.", f);
        else if (!in->measure)
            fputs(" Its effect is part of the runs' spread (to measure it against the same "
                  "runs without it, set measure = true on it in the scenario file).", f);
        else if (fx)
            fprintf(f, " Not measured: a run measures at most %d injects, and this one comes after them; compare "
                    "with the scenario without it (foresight compare).",
                    FS_MAX_EFFECTS - (sc->baseline != NULL));
        else
            fputs(" Run this scenario alone (foresight run) to measure what it did.", f);
        fputc('\n', f);
    }
    fputs("\n", f);
}

static void mechanisms(FILE *f, const fs_scenario *sc, const fs_results *res)
{
    const fs_layout *l = res->lay;
    int k;

    if (sc->nmechanisms == 0) {
        fputs("## Mechanisms\n\nThe scenario has no cooperation mechanisms.\n\n", f);
        return;
    }
    fputs("## Mechanisms and their cost\n\n", f);
    fprintf(f, "| mechanism | type | intensity | window | active %ss (mean) | cost (mean) |\n",
            sc->step_unit);
    fputs("| --- | --- | ---: | --- | ---: | ---: |\n", f);
    for (k = 0; k < sc->nmechanisms; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        fprintf(f, "| %s | %s | %.2f | %ss %d-%d | %.1f | %.2f |\n", mc->name,
                mech_words(mc->kind), mc->intensity, sc->step_unit, mc->start, mc->end,
                fs_acc_moments(res->acc, fs_cell_mech(l, k, FS_MC_ACTIVE_STEPS))->mean,
                fs_acc_moments(res->acc, fs_cell_mech(l, k, FS_MC_COST))->mean);
    }
    fprintf(f, "\nTotal cost: %.2f on average (each mechanism's cost per active %s times "
            "its intensity", tot_mean(res, FS_TOT_COST), sc->step_unit);
    for (k = 0; k < sc->nmechanisms; k++)
        if (sc->mechanisms[k].kind == FS_MECH_JOINT_DRILL) {
            fprintf(f, "; a drill programme costs in every %s of its window, not only in "
                    "drill %ss", sc->step_unit, sc->step_unit);
            break;
        }
    fputs(").\n\n", f);
}

static fs_status write_briefing(FILE *f, const fs_scenario *sc, const fs_results *res,
                                const fs_effects *fx, const fs_scenario *base, fs_err *err)
{
    fprintf(f, "# Briefing: %s\n\n", sc->name);
    if (sc->description[0])
        fprintf(f, "%s\n\n", sc->description);
    if (sc->question[0])
        fprintf(f, "**The question.** %s\n\n", sc->question);
    fprintf(f, "%ld runs over %d %ss, seed %llu, generator %s. Probabilities are shares "
            "of runs, with 95%% Wilson intervals; they describe the model's uncertainty "
            "given its assumptions, not a forecast.\n\n",
            sc->runs, sc->steps, sc->step_unit, (unsigned long long)sc->seed, FS_RNG_NAME);
    headline(f, sc, res);
    uncertainty(f, res);
    reported(f, sc, res);
    against_baseline(f, sc, fx, base);
    exposed(f, sc, res);
    networks(f, sc, res);
    injects(f, sc, res, fx);
    mechanisms(f, sc, res);
    fprintf(f, "## Files\n\nNumbers: summary.csv, outcomes.csv, timeseries.csv, actors.csv, "
            "threats.csv, trust.csv%s%s. Settings: scenario.resolved.cfg (run it to reproduce "
            "these numbers exactly). Charts: the image files in this directory (after "
            "--no-charts, foresight plot DIR draws them).\n",
            fx && fx->n > 0 ? ", inject_effects.csv" : "",
            fx && fx->nbase > 0 ? ", baseline.csv" : "");
    if (ferror(f))
        return fs_err_set(err, FS_EIO, "cannot write briefing.md: %s",
                          strerror(errno ? errno : EIO));
    return FS_OK;
}

fs_status fs_briefing_write(FILE *f, const fs_scenario *sc, const fs_results *res,
                            const fs_effects *fx, const fs_scenario *base, fs_err *err)
{
    /* The scenario's texts are data: written as Markdown that shows them
     * as they are (mdtext.h), never as markup. */
    fs_scenario *v = fs_scenario_text_view(sc, fs_md_text);
    fs_scenario *vb = base ? fs_scenario_text_view(base, fs_md_text) : NULL;
    fs_status st;

    if (v == NULL || (base && vb == NULL))
        st = fs_err_set(err, FS_ENOMEM, "out of memory writing briefing.md");
    else
        st = write_briefing(f, v, res, fx, vb, err);
    fs_scenario_view_free(v);
    fs_scenario_view_free(vb);
    return st;
}
