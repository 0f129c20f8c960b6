/* test_effects.c: each scheduled inject measured against its muted copy
 * (effects.h). A muted inject makes the same draws and changes nothing, so
 * the paired differences are the inject's effect alone: exact where the
 * effect is deterministic, within 4.5 standard errors where it is drawn. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "effects.h"
#include "engine.h"
#include "errors.h"
#include "metrics.h"
#include "model.h"
#include "rng.h"
#include "scen.h"
#include "stats.h"

#define Z 4.5

/* The scenarios a test builds twice: once as is, once with a muted copy. */
typedef fs_scenario *(*builder)(void);

/* Runs build() and one muted copy per planned inject side by side, as the
 * runner does, and measures the table. */
static fs_engine *measure(builder build, long runs, fs_scenario **sc, fs_scenario **copies,
                          fs_effects_plan *p, fs_effects *t)
{
    const fs_scenario *all[FS_MAX_COMPARE];
    fs_engine_opts o;
    fs_engine *e;
    fs_err err;
    int j;

    *sc = build();
    fs_effects_plan_make(p, *sc);
    all[0] = *sc;
    for (j = 0; j < p->n; j++) {
        copies[j] = build();
        copies[j]->injects[p->inject[j]].muted = 1;
        all[j + 1] = copies[j];
    }
    memset(&o, 0, sizeof o);
    o.runs = runs, o.seed = (*sc)->seed, o.threads = 2;
    o.pair_cells = p->cells, o.npair_cells = p->ncells;
    for (j = 1; j <= p->n; j++)
        o.pair_cells_of[j] = p->cells;
    e = fs_engine_alloc_many(all, 1 + p->n, &o, &err);
    if (e == NULL || fs_engine_iterate(e, runs, &err) != FS_OK ||
        fs_engine_finish(e, &err) != FS_OK) {
        fprintf(stderr, "engine: %s\n", err.msg);
        fs_engine_free(e);
        return NULL;
    }
    fs_effects_measure(t, p, *sc, e, 0);
    return e;
}

static void release(fs_engine *e, fs_scenario *sc, fs_scenario **copies, int n)
{
    int j;
    fs_engine_free(e);
    fs_scenario_free(sc);
    for (j = 0; j < n; j++)
        fs_scenario_free(copies[j]);
}

static const fs_effect *row(const fs_effects *t, int inject, const char *metric, int step)
{
    int k;
    for (k = 0; k < t->n; k++)
        if (t->row[k].inject == inject && strcmp(t->row[k].metric, metric) == 0 &&
            t->row[k].step == step)
            return &t->row[k];
    return NULL;
}

/* Three members, no threats, no trust dynamics: a trust shock of -0.24 on
 * A0-A1 at step 2 (a hazard inject beside it is not measured). */
static fs_scenario *trust_shock(void)
{
    fs_scenario *sc = scen_new(3, 1, 20);
    fs_inject *in = scen_inject(sc, FS_INJ_TRUST_SHOCK, 2);
    in->actor = 0, in->actor2 = 1, in->delta = -0.24;
    in = scen_inject(sc, FS_INJ_STABILITY_SHOCK, 0);
    in->actor = 2, in->delta = -0.1, in->hazard = 0.1, in->start = 1, in->end = 20;
    return sc;
}

/* The trust shock's effect is exact and the same in every run: final
 * trust -0.24, trust 12 steps later -0.24, cohesion (mean of the three
 * member pairs) -0.08, short of a fracture (a drop of more than 0.1);
 * every other headline exactly 0. */
static void test_deterministic_effect(void)
{
    fs_scenario *sc, *copies[FS_MAX_EFFECTS];
    fs_effects_plan p;
    fs_effects t;
    fs_engine *e = measure(trust_shock, 300, &sc, copies, &p, &t);
    const fs_effect *r;
    int k;

    CHECK(e != NULL);
    CHECK(p.n == 1 && p.inject[0] == 0 && p.skipped == 0);
    CHECK((r = row(&t, 0, "final_trust", 0)) != NULL);
    CHECK(r->a == 0 && r->b == 1);
    CHECK_NEAR(r->with, 0.26, 1e-15);
    CHECK_NEAR(r->without, 0.5, 1e-15);
    CHECK_NEAR(r->effect, -0.24, 1e-15);
    CHECK(r->lo95 == r->effect && r->hi95 == r->effect);
    CHECK((r = row(&t, 0, "trust", 14)) != NULL);
    CHECK_NEAR(r->effect, -0.24, 1e-15);
    CHECK((r = row(&t, 0, "cohesion_final", 0)) != NULL);
    CHECK_NEAR(r->effect, -0.08, 1e-15);
    for (k = 0; k < t.n; k++) {
        r = &t.row[k];
        if (strcmp(r->metric, "final_trust") && strcmp(r->metric, "trust") &&
            strcmp(r->metric, "cohesion_final"))
            CHECKF(r->effect == 0.0 && r->lo95 == 0.0 && r->hi95 == 0.0, "%s", r->metric);
    }
    release(e, sc, copies, p.n);
}

/* Two members, one threat with plots everywhere, no feedback from attacks
 * (alpha = kappa = tau = 0): an injected attack with drawn casualties
 * (lethality mean 5, size 0.5) on A0 at step 4, with probability 1. */
static fs_scenario *drawn_attack(void)
{
    fs_scenario *sc = scen_new(2, 1, 12);
    fs_inject *in = scen_inject(sc, FS_INJ_ATTACK, 4);
    sc->threats[0].plot_rate = 0.05;
    sc->threats[0].presence[0] = 20, sc->threats[0].presence[1] = 10;
    in->actor = 0, in->threat = 0;
    return sc;
}

/* The muted attack still draws its casualties, so the runs stay paired:
 * plots and foiled plots are the same in every run (effect exactly 0, no
 * spread) and attacks rise by exactly 1. Casualties rise by the negative
 * binomial's mean mu = 5, within Z se with variance mu + mu^2/k. Were the
 * muted copy to skip the draws, its plots would differ run by run. */
static void test_muted_draws_stay_paired(void)
{
    const long R = 20000;
    fs_scenario *sc, *copies[FS_MAX_EFFECTS];
    fs_effects_plan p;
    fs_effects t;
    fs_engine *e = measure(drawn_attack, R, &sc, copies, &p, &t);
    const fs_effect *r;
    double mu = 5.0, var = mu + mu * mu / 0.5;

    CHECK(e != NULL && p.n == 1);
    CHECK((r = row(&t, 0, "attacks", 0)) != NULL && r->a == -1);
    CHECK(r->effect == 1.0 && r->lo95 == 1.0 && r->hi95 == 1.0);
    /* Plots: every run of the copy equals its run with the attack. */
    {
        const fs_layout *l = fs_engine_layout(e);
        const fs_moments *a = fs_acc_moments(fs_engine_acc_of(e, 0), fs_cell_tot(l, FS_TOT_PLOTS));
        const fs_moments *b = fs_acc_moments(fs_engine_acc_of(e, 1), fs_cell_tot(l, FS_TOT_PLOTS));
        CHECK(a->mean == b->mean && a->m2 == b->m2 && a->min == b->min && a->max == b->max);
        CHECK(a->mean > 1.0);
    }
    CHECK((r = row(&t, 0, "casualties", 0)) != NULL);
    CHECK_NEAR(r->effect, mu, Z * sqrt(var / R));
    /* Its interval is the paired differences' own: about 1.96 sqrt(var/R). */
    CHECK_NEAR(0.5 * (r->hi95 - r->lo95), 1.959963984540054 * sqrt(var / R),
               0.1 * 1.959963984540054 * sqrt(var / R));
    release(e, sc, copies, p.n);
}

/* A trust shock with probability 0.4: in the runs where it does not fire
 * the copy's run is the same run, so the average effect is -0.24 times the
 * share of runs in which it fired, exactly. */
static fs_scenario *maybe_shock(void)
{
    fs_scenario *sc = trust_shock();
    sc->injects[0].probability = 0.4;
    return sc;
}

static void test_probability_scales_effect(void)
{
    const long R = 5000;
    fs_scenario *sc, *copies[FS_MAX_EFFECTS];
    fs_effects_plan p;
    fs_effects t;
    fs_engine *e = measure(maybe_shock, R, &sc, copies, &p, &t);
    const fs_effect *r;
    double fired;

    CHECK(e != NULL);
    fired = fs_acc_moments(fs_engine_acc(e), fs_cell_inj(fs_engine_layout(e), 0, FS_IN_FIRED))->mean;
    CHECK_NEAR(fired, 0.4, Z * sqrt(0.4 * 0.6 / R));
    CHECK((r = row(&t, 0, "final_trust", 0)) != NULL);
    CHECK_NEAR(r->effect, -0.24 * fired, 1e-12);
    CHECK(r->lo95 < r->effect && r->hi95 > r->effect);
    release(e, sc, copies, p.n);
}

/* The plan: scheduled injects only, in order, at most FS_MAX_EFFECTS; the
 * extra cells of a pair inject are shared, not repeated. */
static void test_plan(void)
{
    fs_scenario *sc = scen_new(3, 1, 30);
    fs_effects_plan p;
    int i;

    for (i = 0; i < FS_MAX_EFFECTS + 2; i++) {
        fs_inject *in = scen_inject(sc, FS_INJ_TRUST_SHOCK, 1 + i);
        in->actor = 0, in->actor2 = 1, in->delta = -0.01;
    }
    sc->injects[1].hazard = 0.5, sc->injects[1].step = 0, sc->injects[1].measure = 0;
    sc->injects[1].start = 1, sc->injects[1].end = 30;
    fs_effects_plan_make(&p, sc);
    CHECK(p.n == FS_MAX_EFFECTS && p.skipped == 1);
    CHECK(p.inject[0] == 0 && p.inject[1] == 2 && p.inject[FS_MAX_EFFECTS - 1] == FS_MAX_EFFECTS);
    /* Each: A0's attacks, casualties, final stability, final trust A0-A1,
     * and trust 12 steps after its own step (a cell of its own). */
    CHECK(p.nextra[0] == 5 && p.nextra[1] == 5);
    CHECK(p.extra[0][3] == p.extra[1][3] && p.extra[0][4] != p.extra[1][4]);
    CHECK(p.ncells == 4 + FS_MAX_EFFECTS);
    /* A hazard with measure set is measured like the rest. */
    sc->injects[1].measure = 1;
    fs_effects_plan_make(&p, sc);
    CHECK(p.n == FS_MAX_EFFECTS && p.inject[1] == 1 && p.skipped == 2);
    sc->injects[1].measure = 0;
    /* With a baseline, one copy fewer: it runs beside them. */
    sc->baseline = scen_str("/nowhere/base.cfg");
    fs_effects_plan_make(&p, sc);
    CHECK(p.n == FS_MAX_EFFECTS - 1 && p.skipped == 2);
    fs_scenario_free(sc);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_deterministic_effect);
    RUN(test_muted_draws_stay_paired);
    RUN(test_probability_scales_effect);
    RUN(test_plan);
    return check_report();
}
