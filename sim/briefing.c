/* briefing.c: a plain-language reading of a run for a workshop. */
#include "briefing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "rng.h"
#include "stats.h"

static double ts_mean(const fs_results *res, int t, int metric)
{
    return fs_acc_moments(res->acc, fs_cell_ts(res->lay, t, metric))->mean;
}

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
    if (p > 0.0 && p < 0.001)
        fputs("<0.1%", f);
    else
        fprintf(f, "%.1f%%", 100.0 * p);
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
    fprintf(f, "\nOver %d %ss the region sees on average %.1f plots, of which %.1f are foiled, "
            "and %.1f successful attacks (median %.0f, 90%% of runs between %.0f and %.0f) "
            "with %.0f casualties (median %.0f, 95th percentile %.0f).\n",
            sc->steps, sc->step_unit, tot_mean(res, FS_TOT_PLOTS), tot_mean(res, FS_TOT_FOILED),
            tot_mean(res, FS_TOT_ATTACKS), tot_q(res, FS_TOT_ATTACKS, 0.5),
            tot_q(res, FS_TOT_ATTACKS, 0.05), tot_q(res, FS_TOT_ATTACKS, 0.95),
            tot_mean(res, FS_TOT_CASUALTIES), tot_q(res, FS_TOT_CASUALTIES, 0.5),
            tot_q(res, FS_TOT_CASUALTIES, 0.95));
    fprintf(f, "The regional threat index moves from %.4g to a median of %.4g "
            "(90%% of runs between %.4g and %.4g); cohesion moves from %.3f to %.3f on average.\n\n",
            tot_mean(res, FS_TOT_THREAT_START), tot_q(res, FS_TOT_THREAT_FINAL, 0.5),
            tot_q(res, FS_TOT_THREAT_FINAL, 0.05), tot_q(res, FS_TOT_THREAT_FINAL, 0.95),
            tot_mean(res, FS_TOT_COHESION_START), tot_mean(res, FS_TOT_COHESION_FINAL));
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

/* Mean of a region metric over steps [from, to], clamped to the horizon. */
static double window_mean(const fs_results *res, int steps, int metric, int from, int to)
{
    double s = 0.0;
    int t, n = 0;
    if (from < 1) from = 1;
    if (to > steps) to = steps;
    for (t = from; t <= to; t++, n++)
        s += ts_mean(res, t, metric);
    return n ? s / n : NAN;
}

/* The tracked index of pair (a, b), or -1. */
static int tracked(const fs_layout *l, int a, int b)
{
    int j, t;
    if (a > b)
        t = a, a = b, b = t;
    for (j = 0; j < l->ntracked; j++)
        if (l->tracked_a[j] == a && l->tracked_b[j] == b)
            return j;
    return -1;
}

/* "trust between A and B: x before, y after, z twelve steps later, w at the end". */
static void pair_trust(FILE *f, const fs_scenario *sc, const fs_results *res, const fs_inject *in,
                       int t)
{
    const fs_layout *l = res->lay;
    const fs_acc *acc = res->acc;
    int j = tracked(l, in->actor, in->actor2), later = t + 12 > sc->steps ? sc->steps : t + 12;
    if (j < 0)
        return;
    fprintf(f, " Trust between %s and %s: %.3f before, %.3f after (median %.3f), "
            "%.3f at step %d, %.3f at the end (initial %.3f)",
            sc->actors[in->actor].name, sc->actors[in->actor2].name,
            fs_acc_moments(acc, fs_cell_tp(l, t - 1, j))->mean,
            fs_acc_moments(acc, fs_cell_tp(l, t, j))->mean,
            fs_acc_quantile(acc, fs_cell_tp(l, t, j), 0.5),
            fs_acc_moments(acc, fs_cell_tp(l, later, j))->mean, later,
            fs_acc_moments(acc, fs_cell_tp(l, sc->steps, j))->mean,
            sc->trust[in->actor * sc->nactors + in->actor2]);
    fputc('.', f);
}

static void injects(FILE *f, const fs_scenario *sc, const fs_results *res)
{
    const fs_layout *l = res->lay;
    const int W = 6;
    int i;

    if (sc->ninjects == 0)
        return;
    fputs("## Injects and what followed\n\n", f);
    fprintf(f, "For scheduled injects: averages over runs, %d %ss before and after the "
            "inject's step (its own step counts as after).\n\n", W, sc->step_unit);
    for (i = 0; i < sc->ninjects; i++) {
        const fs_inject *in = &sc->injects[i];
        double fired = fs_acc_moments(res->acc, fs_cell_inj(l, i, FS_IN_FIRED))->mean;
        const fs_moments *first = fs_acc_moments(res->acc, fs_cell_inj(l, i, FS_IN_FIRST_STEP));
        int t;
        fprintf(f, "- **%s** (%s", in->label, fs_inject_kind_name(in->kind));
        if (in->hazard > 0.0)
            fprintf(f, ", hazard %.3g per %s in steps %d-%d): fired in ", in->hazard,
                    sc->step_unit, in->start, in->end);
        else
            fprintf(f, ", step %d, probability %.3g): fired in ", in->step, in->probability);
        pct(f, fired);
        fputs(" of runs", f);
        if (first->n == 0) {
            fputs(".\n", f);
            continue;
        }
        if (in->hazard > 0.0) {
            /* Averages over all runs would mix runs where it fired at
             * different steps with runs where it never fired. */
            fprintf(f, ", first at step %.1f on average. Its effect is in the runs' "
                    "spread; compare with a run of the scenario without it "
                    "(foresight compare) to measure it.\n", first->mean);
            continue;
        }
        t = in->step;
        fprintf(f, ". Attacks per %s: %.3f before, %.3f after; cohesion: %.3f at step %d, "
                "%.3f %d %ss later; threat index: %.4g before, %.4g after",
                sc->step_unit, window_mean(res, sc->steps, FS_TS_ATTACKS, t - W, t - 1),
                window_mean(res, sc->steps, FS_TS_ATTACKS, t, t + W - 1),
                ts_mean(res, t - 1, FS_TS_COHESION), t - 1,
                ts_mean(res, t + W - 1 > sc->steps ? sc->steps : t + W - 1, FS_TS_COHESION),
                (t + W - 1 > sc->steps ? sc->steps : t + W - 1) - (t - 1),
                sc->step_unit, window_mean(res, sc->steps, FS_TS_THREAT, t - W, t - 1),
                window_mean(res, sc->steps, FS_TS_THREAT, t, t + W - 1));
        if (fired < 1.0)
            fputs(" (averages over all runs, including those in which it did not fire)", f);
        fputc('.', f);
        pair_trust(f, sc, res, in, t);
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
    fputs("| mechanism | type | intensity | window | active steps (mean) | cost (mean) |\n", f);
    fputs("| --- | --- | ---: | --- | ---: | ---: |\n", f);
    for (k = 0; k < sc->nmechanisms; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        fprintf(f, "| %s | %s | %.2f | steps %d-%d | %.1f | %.2f |\n", mc->name,
                fs_mech_kind_name(mc->kind), mc->intensity, mc->start, mc->end,
                fs_acc_moments(res->acc, fs_cell_mech(l, k, FS_MC_ACTIVE_STEPS))->mean,
                fs_acc_moments(res->acc, fs_cell_mech(l, k, FS_MC_COST))->mean);
    }
    fprintf(f, "\nTotal cost: %.2f on average (cost per active step times intensity).\n\n",
            tot_mean(res, FS_TOT_COST));
}

fs_status fs_briefing_write(FILE *f, const fs_scenario *sc, const fs_results *res, fs_err *err)
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
    exposed(f, sc, res);
    injects(f, sc, res);
    mechanisms(f, sc, res);
    fputs("## Files\n\nNumbers: summary.csv, outcomes.csv, timeseries.csv, actors.csv, "
          "trust.csv. Settings: scenario.resolved.cfg (run it to reproduce these numbers "
          "exactly). Charts: the PNG files in this directory.\n", f);
    if (ferror(f))
        return fs_err_set(err, FS_EIO, "cannot write briefing.md");
    return FS_OK;
}
