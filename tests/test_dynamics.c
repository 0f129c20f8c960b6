/* test_dynamics.c: analytic checks of the model's dynamics that
 * test_model.c leaves out: the casualty distribution, stability losses,
 * interoperability through border closure, each outcome threshold on both
 * sides, the blame split, and the capacity_shock, mechanism_on,
 * threat_surge (all actors) and repeating hazard injects. Deterministic
 * checks compare to the bit or within 1e-12; statistical ones use fixed
 * seeds and 4.5 standard errors of the estimator, computed analytically. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "check.h"
#include "engine.h"
#include "errors.h"
#include "metrics.h"
#include "model.h"
#include "rng.h"
#include "scen.h"
#include "stats.h"

#define Z 4.5

/* One run of sc on stream (seed, run): its observations (malloc'd). */
static double *one_run(const fs_scenario *sc, uint64_t seed, long run)
{
    return scen_run(sc, seed, run, NULL);
}

static fs_engine *engine(const fs_scenario *sc, long runs)
{
    fs_engine_opts o;
    fs_err e;
    fs_engine *eng;
    memset(&o, 0, sizeof o);
    o.runs = runs;
    o.seed = sc->seed;
    o.threads = 2;
    eng = fs_engine_run(sc, &o, &e);
    if (eng == NULL)
        fprintf(stderr, "engine: %s\n", e.msg);
    return eng;
}

static double cell_mean(const fs_engine *eng, int cell)
{
    return fs_acc_moments(fs_engine_acc(eng), cell)->mean;
}

/* 1. Casualties of an attack ~ NB(size k, p = k/(k+mu)): mean mu, variance
 * sigma^2 = mu + mu^2/k, P(X=0) = p^k. A hazard-1 repeating attack inject
 * draws one attack per step, so each step's casualties are one draw.
 * se: mean sqrt(sigma^2/n); P(X=0) sqrt(p0(1-p0)/n); sample variance
 * sqrt((mu4 - sigma^4 (n-3)/(n-1))/n) with mu4 = kappa4 + 3 kappa2^2,
 * kappa4 = k q (1 + 4q + q^2)/p^4 (q = 1 - p). */
static void test_casualty_negbin(void)
{
    const int T = 1000, R = 40;
    const double mu = 6.0, k = 1.5, p = k / (k + mu), q = 1 - p;
    const double n = (double)T * R, var = mu + mu * mu / k, p0 = pow(p, k);
    const double mu4 = k * q * (1 + 4 * q + q * q) / pow(p, 4) + 3 * var * var;
    fs_scenario *sc = scen_new(1, 1, T);
    fs_inject *in = scen_inject(sc, FS_INJ_ATTACK, 0);
    fs_layout l;
    fs_moments mo;
    double zeros = 0, *obs;
    int run, t;

    sc->threats[0].lethality_mean = mu;
    sc->threats[0].lethality_dispersion = k;
    in->actor = 0, in->threat = 0, in->hazard = 1.0, in->repeat = 1;
    in->start = 1, in->end = T;
    fs_layout_init(&l, sc);
    fs_moments_reset(&mo);
    for (run = 0; run < R; run++) {
        obs = one_run(sc, 2024, run);
        for (t = 1; t <= T; t++) {
            double c = obs[fs_cell_ts(&l, t, FS_TS_CASUALTIES)];
            CHECK(obs[fs_cell_ts(&l, t, FS_TS_ATTACKS)] == 1.0);
            fs_moments_add(&mo, c);
            zeros += c == 0.0;
        }
        free(obs);
    }
    CHECK_NEAR(mo.mean, mu, Z * sqrt(var / n));
    CHECK_NEAR(mo.m2 / (n - 1), var, Z * sqrt((mu4 - var * var * (n - 3) / (n - 1)) / n));
    CHECK_NEAR(zeros / n, p0, Z * sqrt(p0 * (1 - p0) / n));
    fs_scenario_free(sc);
}

/* 2. Stability: S <- clamp(S + rho (s - S) - alpha attacks - kappa
 * log1p(casualties), 0, 1), with injected attacks counted. A stability
 * shock first moves S off its baseline so that the rho term is not 0. */
static void test_stability_losses(void)
{
    fs_scenario *sc = scen_new(2, 1, 2);
    const double alpha = 0.03, kappa = 0.02, rho = 0.1, s = 0.7;
    fs_inject *in;
    fs_layout l;
    double *obs, S;

    sc->dynamics.attack_stability = alpha;
    sc->dynamics.casualty_stability = kappa;
    in = scen_inject(sc, FS_INJ_STABILITY_SHOCK, 1);
    in->actor = 0, in->delta = -0.2;
    in = scen_inject(sc, FS_INJ_ATTACK, 1);
    in->actor = 0, in->threat = 0, in->attacks = 3, in->casualties = 20;
    in = scen_inject(sc, FS_INJ_ATTACK, 2);    /* floors S at 0 */
    in->actor = 1, in->threat = 0, in->attacks = 40, in->casualties = 1e6;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 3, 0);
    S = s + -0.2;
    S = S + rho * (s - S) - alpha * 3 - kappa * log1p(20.0);   /* step 1 */
    CHECK(obs[fs_cell_ta(&l, 1, 0, FS_TA_STABILITY)] == S);
    S = S + rho * (s - S);                                     /* step 2 */
    CHECK(obs[fs_cell_ta(&l, 2, 0, FS_TA_STABILITY)] == S);
    CHECK(obs[fs_cell_ta(&l, 1, 1, FS_TA_STABILITY)] == s);
    CHECK(obs[fs_cell_ta(&l, 2, 1, FS_TA_STABILITY)] == 0.0);
    free(obs);
    fs_scenario_free(sc);
}

/* 3. Drills raise interoperability, X <- X + h eta (1 - X), then
 * X <- X (1 - epsilon); a border operation closes its border by
 * B = h_b (0.5 + 0.5 X), and the flow is m pi (1 - B) P. X0 = 0.2, a drill
 * at step 1 only; presence replayed step by step. The border is written
 * (1, 0), so it reads X[1][0]: X must stay symmetric. */
static void test_drill_interop_closes_border(void)
{
    fs_scenario *sc = scen_new(2, 1, 3);
    const double h = 0.5, eta = 0.3, eps = 0.1, hb = 0.8, mp = 0.25 * 0.8;
    fs_layout l;
    double *obs, X = 0.2, P0 = 100, P1 = 0;
    int t;

    sc->threats[0].mobility = 0.25;
    sc->threats[0].presence[0] = 100;
    sc->interop[1] = sc->interop[2] = X;
    sc->dynamics.drill_interop = eta;
    sc->dynamics.interop_decay = eps;
    scen_border(sc, 1, 0, 0.8);
    scen_mech(sc, FS_MECH_JOINT_DRILL, h, 0, 1, -1);   /* period 12 */
    scen_mech(sc, FS_MECH_BORDER_OPERATION, hb, 0, -1);
    fs_layout_init(&l, sc);
    obs = one_run(sc, 4, 0);
    for (t = 1; t <= 3; t++) {
        double B = hb * (0.5 + 0.5 * X), w = mp * (1.0 - B);
        double f01 = w * P0, f10 = w * P1;
        P0 = P0 + 0.0 + f10 - f01 - 0.0;
        P1 = P1 + 0.0 + f01 - f10 - 0.0;
        CHECK_NEAR(obs[fs_cell_ta(&l, t, 0, FS_TA_PRESENCE)], P0, 1e-12 * 100);
        CHECK_NEAR(obs[fs_cell_ta(&l, t, 1, FS_TA_PRESENCE)], P1, 1e-12 * 100);
        if (t == 1)
            X += h * eta * (1 - X);
        X *= 1 - eps;
    }
    free(obs);
    fs_scenario_free(sc);
}

/* 4. Outcomes (fs_model_finish), each threshold hit exactly and missed by a
 * power of two either side (all values exact in binary):
 *   escalation: (I0 > 0 and IT >= 1.5 I0) or min_t member S < 0.25;
 *   fracture:   CT < C0 - 0.125;
 *   contained:  IT <= 0.75 I0 (IT = 0 when I0 = 0), not escalation,
 *               not fracture;
 *   mass_casualty: one attack with casualties >= 50 in a non-external
 *               actor. */
static fs_scenario *outcome_scen(void)
{
    fs_scenario *sc = scen_new(2, 1, 2);
    int a;
    sc->threats[0].presence[0] = 100;
    for (a = 0; a < 2; a++)
        sc->actors[a].stability = 0.75, sc->actors[a].resilience = 0.0;
    sc->outcomes.escalation_ratio = 1.5;
    sc->outcomes.contained_ratio = 0.75;
    sc->outcomes.fracture_drop = 0.125;
    sc->outcomes.failure_stability = 0.25;
    sc->outcomes.mass_casualty = 50;
    return sc;
}

static void surge(fs_scenario *sc, double factor, double add)
{
    fs_inject *in = scen_inject(sc, FS_INJ_THREAT_SURGE, 1);
    in->actor = 0, in->threat = 0, in->factor = factor, in->add = add;
}

static void shock(fs_scenario *sc, fs_inject_kind kind, int step, double delta)
{
    fs_inject *in = scen_inject(sc, kind, step);
    in->actor = 1, in->actor2 = 0, in->delta = delta;
}

static void attack(fs_scenario *sc, int actor, int n, double cas)
{
    fs_inject *in = scen_inject(sc, FS_INJ_ATTACK, 1);
    in->actor = actor, in->threat = 0, in->attacks = n, in->casualties = cas;
}

/* Runs sc (then frees it) and compares its four outcome flags. */
static int outcomes_are(fs_scenario *sc, int esc, int frac, int cont, int mc)
{
    fs_layout l;
    double *obs;
    int ok;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 5, 0);
    ok = obs[fs_cell_out(&l, FS_OUT_ESCALATION)] == esc &&
         obs[fs_cell_out(&l, FS_OUT_FRACTURE)] == frac &&
         obs[fs_cell_out(&l, FS_OUT_CONTAINED)] == cont &&
         obs[fs_cell_out(&l, FS_OUT_MASS_CASUALTY)] == mc;
    if (!ok)
        fprintf(stderr, "  outcomes %g %g %g %g\n", obs[fs_cell_out(&l, 0)],
                obs[fs_cell_out(&l, 1)], obs[fs_cell_out(&l, 2)], obs[fs_cell_out(&l, 3)]);
    free(obs);
    fs_scenario_free(sc);
    return ok;
}

static void test_outcome_thresholds(void)
{
    const double e = 1.0 / 1024, f = 1.0 / (1 << 20);
    fs_scenario *sc;

    /* Escalation by threat: IT = 150 = 1.5 I0 counts; 150 - 100e does not. */
    sc = outcome_scen(), surge(sc, 1.5, 0);
    CHECK(outcomes_are(sc, 1, 0, 0, 0));
    sc = outcome_scen(), surge(sc, 1.5 - e, 0);
    CHECK(outcomes_are(sc, 0, 0, 0, 0));
    /* Contained: IT = 75 = 0.75 I0 counts; 75 + 100e does not. */
    sc = outcome_scen(), surge(sc, 0.75, 0);
    CHECK(outcomes_are(sc, 0, 0, 1, 0));
    sc = outcome_scen(), surge(sc, 0.75 + e, 0);
    CHECK(outcomes_are(sc, 0, 0, 0, 0));
    /* Fracture: CT = 0.375 = C0 - 0.125 is not; a hair less is, and then
     * a contained threat is not contained. */
    sc = outcome_scen(), surge(sc, 0.75, 0), shock(sc, FS_INJ_TRUST_SHOCK, 1, -0.125);
    CHECK(outcomes_are(sc, 0, 0, 1, 0));
    sc = outcome_scen(), surge(sc, 0.75, 0), shock(sc, FS_INJ_TRUST_SHOCK, 1, -0.125 - f);
    CHECK(outcomes_are(sc, 0, 1, 0, 0));
    /* Escalation by stability: S = 0.25 is not a failure; a hair less is,
     * even when S is back at 0.75 - f by the horizon; and it excludes
     * contained. */
    sc = outcome_scen(), surge(sc, 0.75, 0), shock(sc, FS_INJ_STABILITY_SHOCK, 1, -0.5);
    CHECK(outcomes_are(sc, 0, 0, 1, 0));
    sc = outcome_scen(), surge(sc, 0.75, 0), shock(sc, FS_INJ_STABILITY_SHOCK, 1, -0.5 - f);
    shock(sc, FS_INJ_STABILITY_SHOCK, 2, 0.5);
    CHECK(outcomes_are(sc, 1, 0, 0, 0));
    /* I0 = 0: contained only while IT = 0; escalation by threat once it
     * holds one cell (no ratio of 0 can be reached). */
    sc = outcome_scen(), sc->threats[0].presence[0] = 0;
    CHECK(outcomes_are(sc, 0, 0, 1, 0));
    sc = outcome_scen(), sc->threats[0].presence[0] = 0, surge(sc, 1, 1);
    CHECK(outcomes_are(sc, 1, 0, 0, 0));
    sc = outcome_scen(), sc->threats[0].presence[0] = 0, surge(sc, 1, 1 - e);
    CHECK(outcomes_are(sc, 0, 0, 0, 0));
    /* Mass casualty: 50 in one attack counts, just under 50 does not, two
     * attacks share 100 as 50 each (99 as 49.5 each: no), and an external
     * actor never counts. */
    sc = outcome_scen(), attack(sc, 0, 1, 50);
    CHECK(outcomes_are(sc, 0, 0, 0, 1));
    sc = outcome_scen(), attack(sc, 0, 1, nextafter(50, 0));
    CHECK(outcomes_are(sc, 0, 0, 0, 0));
    sc = outcome_scen(), attack(sc, 1, 2, 100);
    CHECK(outcomes_are(sc, 0, 0, 0, 1));
    sc = outcome_scen(), attack(sc, 1, 2, 99);
    CHECK(outcomes_are(sc, 0, 0, 0, 0));
    sc = outcome_scen(), sc->actors[1].role = FS_ROLE_EXTERNAL, attack(sc, 1, 1, 500);
    CHECK(outcomes_are(sc, 0, 0, 0, 0));
}

/* 4a. casualties_per_attack (per_attack): a double bombing with 50 dead in
 * each is a mass-casualty attack, 2 x 50 = 100 casualties in the step; with
 * 49.5 each it is not. The total form (casualties = 99 over 2 attacks) is
 * the same as 49.5 each. */
static void test_casualties_per_attack(void)
{
    fs_scenario *sc;
    fs_layout l;
    double *obs;

    sc = outcome_scen(), attack(sc, 1, 2, 50), sc->injects[0].per_attack = 1;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 5, 0);
    CHECK(obs[fs_cell_ts(&l, 1, FS_TS_CASUALTIES)] == 100.0);
    CHECK(obs[fs_cell_ts(&l, 1, FS_TS_ATTACKS)] == 2.0);
    free(obs);
    CHECK(outcomes_are(sc, 0, 0, 0, 1));
    sc = outcome_scen(), attack(sc, 1, 2, 49.5), sc->injects[0].per_attack = 1;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 5, 0);
    CHECK(obs[fs_cell_ts(&l, 1, FS_TS_CASUALTIES)] == 99.0);
    free(obs);
    CHECK(outcomes_are(sc, 0, 0, 0, 0));
}

/* 4b. Mass casualty from plots: N ~ Poisson(lambda P (1 - S/2)) = Poisson(1)
 * attacks (D = 0), each mass with p_M = P(X >= M) for X ~ NB(k=4, p=1/2),
 * so P(mass_casualty) = 1 - exp(-p_M); se sqrt(P(1-P)/R). With M = 4,
 * P(X = M) = 35/256 separates >= from >. */
static void test_mass_casualty_plots(void)
{
    fs_scenario *sc = scen_new(1, 1, 1);
    const long R = 20000;
    double pm, P;
    fs_engine *eng;

    sc->actors[0].intel = 0.0;
    sc->actors[0].stability = 0.0;
    sc->threats[0].plot_rate = 0.01;
    sc->threats[0].presence[0] = 100;
    sc->threats[0].lethality_mean = 4.0;
    sc->threats[0].lethality_dispersion = 4.0;
    sc->outcomes.mass_casualty = 4.0;
    pm = gsl_cdf_negative_binomial_Q(3, 0.5, 4.0);
    P = 1 - exp(-pm);
    eng = engine(sc, R);
    CHECK(eng != NULL);
    CHECK_NEAR(cell_mean(eng, fs_cell_out(fs_engine_layout(eng), FS_OUT_MASS_CASUALTY)),
               P, Z * sqrt(P * (1 - P) / R));
    fs_engine_free(eng);
    fs_scenario_free(sc);
}

/* 5. Blame split: actor 1 takes f01 = 0.5*1.0*200 = 100 cells from actor 0
 * and f21 = 0.5*0.6*100 = 30 from actor 2 (F = 130; its own outflow of
 * 0.5*1.6*50 = 40 does not count), then 3 injected attacks without origin.
 * Each neighbour b loses tau (f_b1 / F) 3 (1 - h_1b), with intel sharing
 * h = 0.4 between 1 and 2. */
static void test_blame_split(void)
{
    fs_scenario *sc = scen_new(3, 1, 1);
    const double tau = 0.01, f01 = 0.5 * 1.0 * 200, f21 = 0.5 * 0.6 * 100;
    fs_inject *in;
    fs_layout l;
    double *obs;

    sc->threats[0].mobility = 0.5;
    sc->threats[0].presence[0] = 200;
    sc->threats[0].presence[1] = 50;
    sc->threats[0].presence[2] = 100;
    sc->dynamics.blame = tau;
    scen_border(sc, 0, 1, 1.0);
    scen_border(sc, 2, 1, 0.6);
    scen_mech(sc, FS_MECH_INTEL_SHARING, 0.4, 1, 2, -1);
    in = scen_inject(sc, FS_INJ_ATTACK, 1);
    in->actor = 1, in->threat = 0, in->attacks = 3, in->casualties = 0;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 6, 0);
    CHECK_NEAR(obs[fs_cell_trust(&l, 0, 1)], 0.5 - tau * (f01 / (f01 + f21)) * 3, 1e-15);
    CHECK_NEAR(obs[fs_cell_trust(&l, 1, 2)],
               0.5 - tau * (f21 / (f01 + f21)) * 3 * (1 - 0.4), 1e-15);
    CHECK(obs[fs_cell_trust(&l, 0, 2)] == 0.5);
    free(obs);
    fs_scenario_free(sc);
}

/* 6a. capacity_shock: c <- clamp(c + delta, 0, 1) for the rest of the run,
 * so D = 1 - (1 - i c) two steps later: c = 0.3, 1 (clamped) and 0
 * (clamped). */
static void test_capacity_shock(void)
{
    fs_scenario *sc = scen_new(3, 0, 3);
    const double delta[3] = {-0.2, 0.8, -0.9};
    fs_layout l;
    fs_model *m;
    gsl_rng *r = fs_rng_alloc();
    double *obs;
    int a;

    for (a = 0; a < 3; a++) {
        fs_inject *in = scen_inject(sc, FS_INJ_CAPACITY_SHOCK, 1);
        in->actor = a, in->delta = delta[a];
    }
    m = fs_model_alloc(sc);
    fs_layout_init(&l, sc);
    obs = malloc(l.ncells * sizeof *obs);
    fs_rng_seed(r, 7, 0);
    fs_model_start(m, r, obs);
    fs_model_step(m, r, obs);
    fs_model_step(m, r, obs);
    fs_model_step(m, r, obs);
    CHECK(fs_model_detection(m)[0] == 1.0 - (1.0 - 0.5 * (0.5 + -0.2)));
    CHECK(fs_model_detection(m)[1] == 0.5);
    CHECK(fs_model_detection(m)[2] == 0.0);
    free(obs);
    fs_model_free(m);
    gsl_rng_free(r);
    fs_scenario_free(sc);
}

/* 6b. mechanism_on at step 3 on an enabled = false intel sharing (h = 0.5,
 * cost 2, phi = 1): D0 = d0 = 0.25 at steps 1-2, then
 * 1 - (1 - d0)(1 - phi h T d1) from step 3; cost 2*0.5 per step from 3. */
static void test_mechanism_on(void)
{
    fs_scenario *sc = scen_new(2, 0, 5);
    const double shared = 1.0 - (1.0 - 0.25) * (1.0 - 1.0 * 0.5 * 0.5 * 0.25);
    fs_mechanism *mc;
    fs_inject *in;
    fs_layout l;
    fs_model *m;
    gsl_rng *r = fs_rng_alloc();
    double *obs;
    int t;

    sc->dynamics.sharing_efficiency = 1.0;
    mc = scen_mech(sc, FS_MECH_INTEL_SHARING, 0.5, 0, 1, -1);
    mc->enabled = 0, mc->cost = 2.0;
    in = scen_inject(sc, FS_INJ_MECHANISM_ON, 3);
    in->mechanism = 0;
    m = fs_model_alloc(sc);
    fs_layout_init(&l, sc);
    obs = malloc(l.ncells * sizeof *obs);
    fs_rng_seed(r, 8, 0);
    fs_model_start(m, r, obs);
    for (t = 1; t <= 5; t++) {
        fs_model_step(m, r, obs);
        CHECK(fs_model_detection(m)[0] == (t < 3 ? 1.0 - (1.0 - 0.25) : shared));
        CHECK(obs[fs_cell_ts(&l, t, FS_TS_COST)] == (t < 3 ? 0.0 : 1.0 * (t - 2)));
    }
    fs_model_finish(m, obs);
    CHECK(obs[fs_cell_mech(&l, 0, FS_MC_ACTIVE_STEPS)] == 3.0);
    CHECK(obs[fs_cell_mech(&l, 0, FS_MC_COST)] == 3.0);
    CHECK(obs[fs_cell_tot(&l, FS_TOT_COST)] == 3.0);
    free(obs);
    fs_model_free(m);
    gsl_rng_free(r);
    fs_scenario_free(sc);
}

/* 6c. threat_surge without an actor: P <- P factor + add in every actor,
 * external ones included. */
static void test_surge_all_actors(void)
{
    fs_scenario *sc = scen_new(3, 1, 1);
    const double P[3] = {10, 0, 4};
    fs_inject *in;
    fs_layout l;
    double *obs;
    int a;

    sc->actors[2].role = FS_ROLE_EXTERNAL;
    for (a = 0; a < 3; a++)
        sc->threats[0].presence[a] = P[a];
    in = scen_inject(sc, FS_INJ_THREAT_SURGE, 1);
    in->threat = 0, in->factor = 2.0, in->add = 1.5;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 9, 0);
    for (a = 0; a < 3; a++)
        CHECK(obs[fs_cell_ta(&l, 1, a, FS_TA_PRESENCE)] == P[a] * 2.0 + 1.5);
    CHECK(obs[fs_cell_ts(&l, 1, FS_TS_THREAT)] == 21.5 + 1.5);   /* external left out */
    free(obs);
    fs_scenario_free(sc);
}

/* 6c'. Above its capacity presence declines to K at most: a surge to 50 K
 * with r = 0.1 (the discrete logistic alone would take it to
 * 50K + 0.1 * 50K * (1 - 50) < 0, and so to 0) leaves exactly K after one
 * step, which then stays (growth 0 at K). Just above K the logistic step
 * is unchanged: 1.2 K loses 0.1 * 1.2K * 0.2 = 0.024 K. */
static void test_surge_above_capacity(void)
{
    fs_scenario *sc = scen_new(1, 1, 3);
    fs_inject *in;
    fs_layout l;
    double *obs;

    sc->threats[0].growth = 0.1;
    sc->threats[0].presence[0] = 100.0;
    in = scen_inject(sc, FS_INJ_THREAT_SURGE, 1);
    in->actor = 0, in->threat = 0, in->factor = 500.0;   /* 50 K */
    fs_layout_init(&l, sc);
    obs = one_run(sc, 3, 0);
    CHECK(obs[fs_cell_ta(&l, 1, 0, FS_TA_PRESENCE)] == 1000.0);
    CHECK(obs[fs_cell_ta(&l, 3, 0, FS_TA_PRESENCE)] == 1000.0);
    free(obs);
    in->factor = 12.0;                                   /* 1.2 K */
    obs = one_run(sc, 3, 0);
    CHECK(fabs(obs[fs_cell_ta(&l, 1, 0, FS_TA_PRESENCE)] - (1200.0 - 24.0)) < 1e-9);
    free(obs);
    fs_scenario_free(sc);
}

/* 6d. A repeating hazard inject (q = 0.3, window 3..10, n = 8 steps) fires
 * Binomial(n, q) times: mean n q, se sqrt(n q (1-q)/R); it fires at least
 * once with probability 1 - (1-q)^n, se sqrt(P(1-P)/R). Each firing is one
 * attack with no casualties, so the attack count is the firing count. */
static void test_hazard_repeat(void)
{
    fs_scenario *sc = scen_new(1, 1, 12);
    const long R = 20000;
    const double q = 0.3, n = 8, once = 1 - pow(1 - q, n);
    fs_inject *in = scen_inject(sc, FS_INJ_ATTACK, 0);
    fs_engine *eng;
    const fs_layout *l;

    in->actor = 0, in->threat = 0, in->casualties = 0;
    in->hazard = q, in->repeat = 1, in->start = 3, in->end = 10;
    eng = engine(sc, R);
    CHECK(eng != NULL);
    l = fs_engine_layout(eng);
    CHECK_NEAR(cell_mean(eng, fs_cell_at(l, 0, FS_AT_ATTACKS)), n * q,
               Z * sqrt(n * q * (1 - q) / R));
    CHECK_NEAR(cell_mean(eng, fs_cell_inj(l, 0, FS_IN_FIRED)), once,
               Z * sqrt(once * (1 - once) / R));
    fs_engine_free(eng);
    fs_scenario_free(sc);
}

/* 7. border_change: from step 3 to step 5 (until = 5) the border's
 * permeability is pi' = value (or pi * factor, clamped to [0, 1]); from
 * step 6 it is pi again. With growth, attrition and volatility 0 and one
 * border, P0 <- P0 + 0 + m pi' P1 - m pi' P0 - 0 exactly as the model
 * sums it, so the presences compare to the bit. */
static void border_change_run(double value, double factor, int until)
{
    const int T = 8;
    fs_scenario *sc = scen_new(2, 1, T);
    const double mob = 0.25, pi = 0.5;
    double P0 = 100, P1 = 0, *obs;
    fs_inject *in;
    fs_layout l;
    int t;

    sc->threats[0].mobility = mob;
    sc->threats[0].presence[0] = P0;
    scen_border(sc, 0, 1, pi);
    in = scen_inject(sc, FS_INJ_BORDER_CHANGE, 3);
    in->border = 0, in->value = value, in->factor = factor, in->until = until;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 3, 0);
    for (t = 1; t <= T; t++) {
        double p = t >= 3 && (until == 0 || t <= until)
                   ? (value >= 0 ? value : fmin(pi * factor, 1.0)) : pi;
        double w = mob * p * 1.0, n0, n1;
        n0 = P0 + 0.0 + w * P1 - w * P0 - 0.0;
        n1 = P1 + 0.0 + w * P0 - w * P1 - 0.0;
        P0 = n0 < 0 ? 0 : n0, P1 = n1 < 0 ? 0 : n1;
        CHECKF(obs[fs_cell_ta(&l, t, 0, FS_TA_PRESENCE)] == P0
               && obs[fs_cell_ta(&l, t, 1, FS_TA_PRESENCE)] == P1,
               "step %d: %.17g %.17g, expected %.17g %.17g", t,
               obs[fs_cell_ta(&l, t, 0, FS_TA_PRESENCE)],
               obs[fs_cell_ta(&l, t, 1, FS_TA_PRESENCE)], P0, P1);
    }
    free(obs);
    fs_scenario_free(sc);
}

static void test_border_change(void)
{
    border_change_run(0.0, 1.0, 5);    /* closed for steps 3-5, then reopened */
    border_change_run(-1, 0.2, 0);     /* a crisis: 20% of pi for the rest of the run */
    border_change_run(-1, 3.0, 4);     /* opened wide: pi * 3 clamped to 1 */
}

/* 7b. leave, the inverse of join: with A1 out of the sharing mechanism
 * from step 3, A0's detection is its own again, 1 - (1 - d0). A muted
 * leave (the runner's counterfactual) changes nothing. */
static void test_leave(void)
{
    fs_scenario *sc = scen_new(2, 0, 5);
    const double shared = 1.0 - (1.0 - 0.25) * (1.0 - 1.0 * 0.5 * 0.5 * 0.25);
    fs_inject *in;
    fs_layout l;
    fs_model *m;
    gsl_rng *r = fs_rng_alloc();
    double *obs;
    int t, muted;

    sc->dynamics.sharing_efficiency = 1.0;
    scen_mech(sc, FS_MECH_INTEL_SHARING, 0.5, 0, 1, -1);
    in = scen_inject(sc, FS_INJ_LEAVE, 3);
    in->mechanism = 0, in->actor = 1;
    fs_layout_init(&l, sc);
    obs = malloc(l.ncells * sizeof *obs);
    for (muted = 0; muted < 2; muted++) {
        in->muted = muted;
        m = fs_model_alloc(sc);
        fs_rng_seed(r, 8, 0);
        fs_model_start(m, r, obs);
        for (t = 1; t <= 5; t++) {
            fs_model_step(m, r, obs);
            CHECK(fs_model_detection(m)[0] == (t < 3 || muted ? shared : 0.25));
        }
        fs_model_free(m);
    }
    free(obs);
    gsl_rng_free(r);
    fs_scenario_free(sc);
}

/* 8. What docs/MODEL.md says about recorded values. removed: attrition
 * k c D P = 100 * 0.5 * 0.25 * 10 = 125 cells against 10 present, so
 * presence is clipped to 0 and removed counts the 10 it could lose. The
 * peak threat index counts step 0 (presence only falls). Stability is
 * sampled after step 5: a shock of -0.5 at step 1 (0.7 -> 0.2) is pulled
 * back by resilience 0.5 within the step, to 0.45, which is the minimum;
 * without it the minimum is step 0's 0.7. */
static void test_recorded_values(void)
{
    fs_scenario *sc = scen_new(1, 1, 3);
    fs_inject *in;
    fs_layout l;
    double *obs;

    sc->threats[0].presence[0] = 10;
    sc->threats[0].attrition = 100;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 4, 0);
    CHECK(obs[fs_cell_ts(&l, 1, FS_TS_REMOVED)] == 10.0);
    CHECK(obs[fs_cell_ta(&l, 1, 0, FS_TA_PRESENCE)] == 0.0);
    CHECK(obs[fs_cell_tot(&l, FS_TOT_REMOVED)] == 10.0);
    CHECK(obs[fs_cell_tot(&l, FS_TOT_THREAT_PEAK)] == 10.0);
    CHECK(obs[fs_cell_at(&l, 0, FS_AT_MIN_STABILITY)] == 0.7);
    CHECK(obs[fs_cell_tot(&l, FS_TOT_MIN_MEMBER_STABILITY)] == 0.7);
    free(obs);
    /* Attrition that presence covers is removed whole: 0.01 * 0.125 * 10. */
    sc->threats[0].attrition = 0.01;
    obs = one_run(sc, 4, 0);
    CHECK(obs[fs_cell_ts(&l, 1, FS_TS_REMOVED)] == 0.01 * 0.5 * 0.25 * 10);
    free(obs);
    sc->actors[0].resilience = 0.5;
    in = scen_inject(sc, FS_INJ_STABILITY_SHOCK, 1);
    in->actor = 0, in->delta = -0.5;
    fs_layout_init(&l, sc);
    obs = one_run(sc, 4, 0);
    CHECK(fabs(obs[fs_cell_ta(&l, 1, 0, FS_TA_STABILITY)] - 0.45) < 1e-15);
    CHECK(obs[fs_cell_at(&l, 0, FS_AT_MIN_STABILITY)]
          == obs[fs_cell_ta(&l, 1, 0, FS_TA_STABILITY)]);
    CHECK(obs[fs_cell_tot(&l, FS_TOT_MIN_MEMBER_STABILITY)]
          == obs[fs_cell_ta(&l, 1, 0, FS_TA_STABILITY)]);
    free(obs);
    fs_scenario_free(sc);
}

/* 8b. docs/MODEL.md states what section 8 checks, and the growth cap's
 * condition as the code applies it. */
static void test_model_doc(void)
{
    FILE *f = fopen("docs/MODEL.md", "r");
    char *doc = NULL;
    size_t cap = 0;

    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(getdelim(&doc, &cap, '\0', f) > 0);
    fclose(f);
    CHECK_STR_CONTAINS(doc, "if P > K_ga:  growth <- max(growth, K_ga - P)");
    CHECK_STR_CONTAINS(doc, "| removed | cells removed by attrition");
    CHECK_STR_CONTAINS(doc, "max(0, P + growth + inflow - outflow)");
    CHECK_STR_CONTAINS(doc, "stability after step 5's");
    CHECK_STR_CONTAINS(doc, "the peak threat index\nis the largest of steps 0..T");
    CHECK_STR_CONTAINS(doc, "means after step 1");
    CHECK_STR_CONTAINS(doc, "not as plots");
    CHECK(strstr(doc, "A large surge would then wipe the threat out") == NULL);
    free(doc);
}

int main(void)
{
    fs_gsl_quiet();
    RUN(test_casualty_negbin);
    RUN(test_stability_losses);
    RUN(test_drill_interop_closes_border);
    RUN(test_outcome_thresholds);
    RUN(test_casualties_per_attack);
    RUN(test_border_change);
    RUN(test_leave);
    RUN(test_recorded_values);
    RUN(test_model_doc);
    RUN(test_mass_casualty_plots);
    RUN(test_blame_split);
    RUN(test_capacity_shock);
    RUN(test_mechanism_on);
    RUN(test_surge_all_actors);
    RUN(test_surge_above_capacity);
    RUN(test_hazard_repeat);
    return check_report();
}
