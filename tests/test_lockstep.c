/* test_lockstep.c: the lockstep model (lockstep.h) against itself and
 * against model.c. A run's bytes must not depend on the block size, the
 * block's first run or the instruction set; with nothing random the
 * trajectories are model.c's to the last bit; with randomness on, the
 * headline totals agree with model.c's in distribution; a block whose
 * runs each have their own scenario gives each run the bytes it has
 * alone. Fixed seeds
 * throughout. Run from the repository's root (it reads scenarios/). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scen.h"
#include "errors.h"
#include "load.h"
#include "lockstep.h"

#ifndef SEED
#define SEED 20240322u
#endif

static fs_scenario *load_baseline(void)
{
    fs_scenario *sc = NULL;
    fs_err e;
    if (fs_load_scenario("scenarios/sco_baseline.cfg", NULL, 0, &sc, &e) != FS_OK) {
        fprintf(stderr, "test_lockstep: %s\n", e.msg);
        return NULL;
    }
    return sc;
}

/* A small scenario with every lane-divergent path on: volatility, plots of
 * two threats, scheduled injects left to chance, hazards, an attack with
 * drawn casualties and an origin, a join, a leave, mechanisms switched
 * on and off, a border change with an end. */
static fs_scenario *busy(void)
{
    fs_scenario *sc = scen_new(4, 2, 36);
    fs_inject *in;
    int g, a;

    sc->actors[3].role = FS_ROLE_EXTERNAL;
    sc->actors[2].role = FS_ROLE_OBSERVER;
    for (g = 0; g < 2; g++) {
        fs_threat *th = &sc->threats[g];
        th->growth = 0.05 + 0.03 * g;
        th->mobility = 0.2;
        th->plot_rate = 0.01 + 0.01 * g;
        th->volatility = 0.2 + 0.1 * g;
        th->online_recruitment = 0.3;
        th->attrition = 0.1;
        th->lethality_mean = 4.0 + 20.0 * g;
        th->lethality_dispersion = 0.6;
        for (a = 0; a < 4; a++) {
            th->presence[a] = a == 3 ? 40.0 : 8.0 + 3.0 * a + g;
            th->capacity[a] = 60.0 + 10.0 * a;
        }
    }
    sc->dynamics = (fs_dynamics){0.6, 0.02, 0.01, 0.05, 0.1, 0.05, 0.05, 0.02};
    scen_border(sc, 0, 1, 0.3);
    scen_border(sc, 1, 2, 0.4);
    scen_border(sc, 2, 3, 0.5);
    scen_border(sc, 0, 3, 0.2);
    scen_mech(sc, FS_MECH_INTEL_SHARING, 0.5, 0, 1, -1);
    scen_mech(sc, FS_MECH_JOINT_DRILL, 0.8, 0, 1, 2, -1)->period = 6;
    scen_mech(sc, FS_MECH_BORDER_OPERATION, 0.4, 2, 3, -1);
    scen_mech(sc, FS_MECH_COUNTER_RADICALISATION, 0.3, 0, 1, 2, -1)->enabled = 0;
    in = scen_inject(sc, FS_INJ_JOIN, 5);
    in->mechanism = 0, in->actor = 2, in->probability = 0.5;
    in = scen_inject(sc, FS_INJ_LEAVE, 20);
    in->mechanism = 0, in->actor = 1, in->probability = 0.4;
    in = scen_inject(sc, FS_INJ_MECHANISM_ON, 0);
    in->mechanism = 3, in->hazard = 0.1, in->start = 1, in->end = 30;
    in = scen_inject(sc, FS_INJ_MECHANISM_OFF, 25);
    in->mechanism = 2, in->probability = 0.5;
    in = scen_inject(sc, FS_INJ_ATTACK, 0);
    in->actor = 1, in->actor2 = 0, in->threat = 1, in->attacks = 2;
    in->hazard = 0.05, in->start = 3, in->end = 33, in->repeat = 1;
    in = scen_inject(sc, FS_INJ_BORDER_CHANGE, 8);
    in->border = 2, in->factor = 2.0, in->until = 15, in->probability = 0.7;
    in = scen_inject(sc, FS_INJ_THREAT_SURGE, 0);
    in->threat = 0, in->actor = 3, in->factor = 1.5, in->add = 2.0;
    in->hazard = 0.03, in->start = 1, in->end = 36;
    in = scen_inject(sc, FS_INJ_TRUST_SHOCK, 0);
    in->actor = 0, in->actor2 = 1, in->delta = -0.2, in->hazard = 0.05;
    in->start = 1, in->end = 36, in->repeat = 1;
    return sc;
}

/* busy with a threat whose lethality mean (80) takes plots' casualties
 * from the gamma mixture instead of inversion (lockstep_state.h). */
static fs_scenario *busy_heavy(void)
{
    fs_scenario *sc = busy();
    sc->threats[1].lethality_mean = 80.0;
    return sc;
}

/* Runs run0 .. run0 + n - 1 in blocks of W (the last block part-used). */
static double *lock_runs(const fs_scenario *sc, int W, fs_isa isa, uint64_t run0, int n)
{
    fs_lockstep *L = fs_lockstep_alloc_isa(sc, W, isa);
    fs_layout l;
    double *obs;
    int i;

    fs_layout_init(&l, sc);
    obs = malloc((size_t)n * l.ncells * sizeof *obs);
    if (L == NULL || obs == NULL) {
        fs_lockstep_free(L);
        free(obs);
        return NULL;
    }
    for (i = 0; i < n; i += W)
        fs_lockstep_run(L, SEED, run0 + i, n - i < W ? n - i : W, obs + (size_t)i * l.ncells);
    fs_lockstep_free(L);
    return obs;
}

static int ncells(const fs_scenario *sc)
{
    fs_layout l;
    fs_layout_init(&l, sc);
    return l.ncells;
}

/* (1) Runs 0..39 with W = 8 and W = 16, and runs 5..36 from blocks that
 * start at run 5, give the same bytes. */
static void check_block_invariance(fs_scenario *sc)
{
    fs_isa best = fs_lanes_isa_best();
    int nc = ncells(sc);
    double *a = lock_runs(sc, 8, best, 0, 40), *b = lock_runs(sc, 16, best, 0, 40);
    double *c = lock_runs(sc, 16, best, 5, 32), *d = lock_runs(sc, 24, best, 0, 40);
    int ok = a && b && c && d;

    if (ok)
        ok = memcmp(a, b, (size_t)40 * nc * sizeof *a) == 0 &&
             memcmp(a, d, (size_t)40 * nc * sizeof *a) == 0 &&
             memcmp(a + (size_t)5 * nc, c, (size_t)32 * nc * sizeof *a) == 0;
    free(a), free(b), free(c), free(d);
    CHECK(ok);
}

static void test_block_invariance_baseline(void)
{
    fs_scenario *sc = load_baseline();
    CHECK(sc != NULL);
    check_block_invariance(sc);
    fs_scenario_free(sc);
}

static void test_block_invariance_busy(void)
{
    fs_scenario *sc = busy(), *h = busy_heavy();
    check_block_invariance(sc);
    if (!check_current_failed)
        check_block_invariance(h);
    fs_scenario_free(sc);
    fs_scenario_free(h);
}

/* (2) The reference path and every wider one give the same bytes. */
static void check_isa_invariance(fs_scenario *sc)
{
    int nc = ncells(sc), isa, ok = 1;
    double *ref = lock_runs(sc, 16, FS_ISA_SCALAR, 0, 32);

    CHECK(ref != NULL);
    for (isa = FS_ISA_SSE2; isa < FS_ISA_N && ok; isa++) {
        double *o;
        if (!fs_lanes_isa_available((fs_isa)isa))
            continue;
        o = lock_runs(sc, 16, (fs_isa)isa, 0, 32);
        ok = o != NULL && memcmp(ref, o, (size_t)32 * nc * sizeof *o) == 0;
        if (!ok)
            fprintf(stderr, "  %s differs from scalar\n", fs_lanes_isa_name((fs_isa)isa));
        free(o);
    }
    free(ref);
    CHECK(ok);
}

static void test_isa_invariance(void)
{
    fs_scenario *sc = load_baseline(), *b = busy(), *h = busy_heavy();
    CHECK(sc != NULL);
    check_isa_invariance(sc);
    if (!check_current_failed)
        check_isa_invariance(b);
    if (!check_current_failed)
        check_isa_invariance(h);
    fs_scenario_free(sc);
    fs_scenario_free(b);
    fs_scenario_free(h);
}

/* (3) With nothing random, each lane is model.c's run to the last bit:
 * the lanes compute model.c's expressions in model.c's order (the same
 * association, no contraction into fused multiply-adds), so there is no
 * tolerance. Compared bit for bit (memcmp: NaN cells are the same NaN). */
static void check_deterministic(const fs_scenario *sc)
{
    int nc = ncells(sc), W = 16, i, c;
    double *lock = lock_runs(sc, W, fs_lanes_isa_best(), 0, 3);
    double *ref = scen_run(sc, SEED, 0, NULL);

    CHECK(lock != NULL);
    for (i = 0; i < 3; i++)
        for (c = 0; c < nc; c++)
            if (memcmp(&lock[(size_t)i * nc + c], &ref[c], sizeof *ref) != 0) {
                fprintf(stderr, "  run %d cell %d: lockstep %.17g, model %.17g\n", i, c,
                        lock[(size_t)i * nc + c], ref[c]);
                free(lock), free(ref);
                CHECK(0);
            }
    free(lock), free(ref);
}

/* The busy scenario with its randomness switched off: no volatility, no
 * plots, every inject scheduled and certain. */
static void make_deterministic(fs_scenario *sc)
{
    int g, i;
    for (g = 0; g < sc->nthreats; g++)
        sc->threats[g].volatility = 0.0, sc->threats[g].plot_rate = 0.0;
    for (i = 0; i < sc->ninjects; i++) {
        fs_inject *in = &sc->injects[i];
        if (in->hazard > 0.0)
            in->hazard = 0.0, in->step = in->start + 2 + i;
        in->probability = 1.0;
        if (in->kind == FS_INJ_ATTACK && in->casualties < 0.0)
            in->casualties = 60.0;   /* a total: 30 each, under mass_casualty */
    }
}

static void test_deterministic_busy(void)
{
    fs_scenario *sc = busy();
    fs_inject *in;
    make_deterministic(sc);
    /* A certain attack with given casualties and no origin (blamed on
     * inflows), a mass-casualty one, shocks and a surge of every actor. */
    in = scen_inject(sc, FS_INJ_ATTACK, 12);
    in->actor = 2, in->threat = 0, in->casualties = 80.0, in->per_attack = 1;
    in = scen_inject(sc, FS_INJ_CAPACITY_SHOCK, 14);
    in->actor = 1, in->delta = -0.3;
    in = scen_inject(sc, FS_INJ_STABILITY_SHOCK, 16);
    in->actor = 0, in->delta = -0.5;
    in = scen_inject(sc, FS_INJ_THREAT_SURGE, 18);
    in->threat = 1, in->factor = 1.2, in->add = 1.0;
    check_deterministic(sc);
    fs_scenario_free(sc);
}

static void test_deterministic_baseline(void)
{
    fs_scenario *sc = load_baseline();
    CHECK(sc != NULL);
    make_deterministic(sc);
    check_deterministic(sc);
    fs_scenario_free(sc);
}

/* (4) Agreement in distribution. For a headline total Y, model.c's runs
 * give a mean m1 with standard error s1 / sqrt(n1) and the lockstep runs
 * (independent streams: different draws from different generators) m2
 * with s2 / sqrt(n2). If both have the same mean, m1 - m2 has mean 0 and
 * standard deviation se = sqrt(s1^2 / n1 + s2^2 / n2), and with n = 4000
 * runs each it is close to normal: |m1 - m2| > 4.5 se has probability
 * about 7e-6 per comparison, and the seeds are fixed, so the test cannot
 * flake. An indicator (escalation) is a total of 0s and 1s, the same test.
 * Every total below is a sum over 60 steps; casualties are the heaviest
 * tailed (negative binomial of size 0.5), whose sample variance at n =
 * 4000 is still a fair estimate (its tail is geometric). */
static void compare_distributions(const fs_scenario *sc, int n)
{
    static const struct { int tot; int out; const char *name; } h[] = {
        {FS_TOT_PLOTS, -1, "plots"}, {FS_TOT_ATTACKS, -1, "attacks"},
        {FS_TOT_CASUALTIES, -1, "casualties"}, {FS_TOT_THREAT_FINAL, -1, "final threat"},
        {FS_TOT_COHESION_FINAL, -1, "cohesion"}, {FS_TOT_MIN_MEMBER_STABILITY, -1, "min stability"},
        {FS_TOT_REMOVED, -1, "removed"}, {-1, FS_OUT_ESCALATION, "escalation"},
        {-1, FS_OUT_CONTAINED, "contained"},
    };
    fs_layout l;
    double *lock, *obs;
    fs_model *m = fs_model_alloc(sc);
    gsl_rng *r = fs_rng_alloc();
    size_t j;
    int i, t;

    fs_layout_init(&l, sc);
    lock = lock_runs(sc, 16, fs_lanes_isa_best(), 0, n);
    obs = malloc((size_t)n * l.ncells * sizeof *obs);
    CHECK(lock != NULL && obs != NULL && m != NULL && r != NULL);
    /* model.c's runs on seed SEED + 1: independent of the lockstep's. */
    for (i = 0; i < n; i++) {
        double *o = obs + (size_t)i * l.ncells;
        fs_rng_seed(r, SEED + 1, (uint64_t)i);
        fs_model_start(m, r, o);
        for (t = 1; t <= sc->steps; t++)
            fs_model_step(m, r, o);
        fs_model_finish(m, o);
    }
    for (j = 0; j < sizeof h / sizeof h[0]; j++) {
        int cell = h[j].tot >= 0 ? fs_cell_tot(&l, h[j].tot) : fs_cell_out(&l, h[j].out);
        double s[2] = {0, 0}, ss[2] = {0, 0}, mean[2], var[2], se;
        int k;
        for (k = 0; k < 2; k++) {
            const double *o = k ? lock : obs;
            for (i = 0; i < n; i++)
                s[k] += o[(size_t)i * l.ncells + cell];
            mean[k] = s[k] / n;
            for (i = 0; i < n; i++) {
                double d = o[(size_t)i * l.ncells + cell] - mean[k];
                ss[k] += d * d;
            }
            var[k] = ss[k] / (n - 1);
        }
        se = sqrt(var[0] / n + var[1] / n);
        if (getenv("FS_TEST_VERBOSE"))
            fprintf(stderr, "  %-14s model %.5g lockstep %.5g (se %.3g, z %.2f)\n", h[j].name,
                    mean[0], mean[1], se, se > 0 ? (mean[1] - mean[0]) / se : 0.0);
        CHECKF(fabs(mean[0] - mean[1]) <= 4.5 * se + 1e-12 * fabs(mean[0]),
               "%s: model %.6g, lockstep %.6g, se %.3g", h[j].name, mean[0], mean[1], se);
    }
    free(lock), free(obs);
    fs_model_free(m);
    gsl_rng_free(r);
}

static void test_distribution_baseline(void)
{
    fs_scenario *sc = load_baseline();
    CHECK(sc != NULL);
    compare_distributions(sc, getenv("FS_TEST_N") ? atoi(getenv("FS_TEST_N")) : 4000);
    fs_scenario_free(sc);
}

static void test_distribution_busy(void)
{
    fs_scenario *sc = busy(), *h = busy_heavy();
    compare_distributions(sc, 4000);
    if (!check_current_failed)
        compare_distributions(h, 4000);
    fs_scenario_free(sc);
    fs_scenario_free(h);
}

/* The busy scenario with magnitudes changed by v (0, 1, 2): the numbers
 * a posterior's particles vary, draws unchanged. */
static fs_scenario *busy_variant(int v)
{
    fs_scenario *sc = busy();
    sc->threats[0].plot_rate *= 1.0 + 0.5 * v;
    sc->threats[1].attrition += 0.05 * v;
    sc->threats[1].volatility += 0.1 * v;
    sc->threats[0].lethality_mean += 3.0 * v;
    sc->threats[0].presence[1] += v;
    sc->threats[1].capacity[2] -= 10.0 * v;
    sc->actors[1].intel -= 0.1 * v;
    sc->actors[0].resilience += 0.05 * v;
    sc->borders[1].permeability -= 0.1 * v;
    sc->mechanisms[0].intensity -= 0.2 * v;
    sc->mechanisms[1].cost += v;
    sc->injects[0].probability = 0.3 + 0.2 * v;
    sc->injects[2].hazard = 0.1 + 0.05 * v;
    sc->injects[7].delta = -0.1 * (v + 1);
    scen_trust(sc, 0, 2, 0.5 + 0.1 * v);
    sc->dynamics.blame += 0.01 * v;
    sc->dynamics.trust_recovery += 0.02 * v;
    sc->outcomes.escalation_ratio += 0.1 * v;
    return sc;
}

/* (5) A block of runs each with its own scenario: every run's bytes are
 * those it has in a block of its scenario alone, on every path. */
static void test_scenario_per_run(void)
{
    fs_scenario *v[3] = {busy_variant(0), busy_variant(1), busy_variant(2)};
    const fs_scenario *each[16];
    int nc = ncells(v[0]), i, ok = 1, isa;
    double *mixed = malloc((size_t)16 * nc * sizeof *mixed), *alone[3];

    for (i = 0; i < 16; i++)
        each[i] = v[(i * 7) % 3];
    for (i = 0; i < 3; i++)
        alone[i] = lock_runs(v[i], 16, fs_lanes_isa_best(), 100, 16);
    for (isa = 0; isa < FS_ISA_N && ok; isa++) {
        fs_lockstep *L;
        if (!fs_lanes_isa_available((fs_isa)isa))
            continue;
        L = fs_lockstep_alloc_isa(v[0], 16, (fs_isa)isa);
        ok = L != NULL && fs_lockstep_run_each(L, each, SEED, 100, 16, mixed) == 0;
        for (i = 0; i < 16 && ok; i++)
            ok = memcmp(mixed + (size_t)i * nc, alone[(i * 7) % 3] + (size_t)i * nc,
                        (size_t)nc * sizeof *mixed) == 0;
        fs_lockstep_free(L);
    }
    /* The three differ: the test would see a lane reading another's. */
    ok = ok && memcmp(alone[0], alone[1], (size_t)16 * nc * sizeof *mixed) != 0 &&
         memcmp(alone[1], alone[2], (size_t)16 * nc * sizeof *mixed) != 0;
    for (i = 0; i < 3; i++)
        free(alone[i]), fs_scenario_free(v[i]);
    free(mixed);
    CHECK(ok);
}

/* The busy scenario (heavy: busy_heavy) scaled by v: plot rates and
 * presence by 1 + 2v (so one lane may need many more plots than another),
 * and busy_variant's other magnitudes. */
static fs_scenario *busy_scaled(int v, int heavy)
{
    fs_scenario *sc = busy_variant(v % 3);
    int g, a;
    for (g = 0; g < sc->nthreats; g++) {
        sc->threats[g].plot_rate *= 1.0 + 2.0 * v;
        for (a = 0; a < sc->nactors; a++)
            sc->threats[g].presence[a] *= 1.0 + 2.0 * v;
    }
    if (heavy)
        sc->threats[1].lethality_mean = 80.0 + 10.0 * v;
    return sc;
}

/* Every threat flow and every actor flow of sc over steps first..last:
 * G * 5 + A * 3 windows into w (at most FS_LOCKSTEP_MAX_WATCH). */
static int all_windows(const fs_scenario *sc, int first, int last, fs_lockstep_window *w)
{
    static const int am[3] = {FS_AT_ATTACKS, FS_AT_FOILED, FS_AT_CASUALTIES};
    int n = 0, g, a, m;
    for (g = 0; g < sc->nthreats; g++)
        for (m = FS_TH_PLOTS; m <= FS_TH_REMOVED; m++)
            w[n++] = (fs_lockstep_window){g, -1, m, first, last};
    for (a = 0; a < sc->nactors; a++)
        for (m = 0; m < 3; m++)
            w[n++] = (fs_lockstep_window){-1, a, am[m], first, last};
    return n;
}

#define NLANES 24

/* Each lane's own block: run runs[i] of scenario each[i] on seed
 * seeds[i], alone in a workspace allocated for that scenario, with the
 * windows w watched (sums: NLANES rows of nw). */
static double *lanes_alone(const fs_scenario *const *each, const uint64_t *seeds,
                           const uint64_t *runs, int nc, const fs_lockstep_window *w, int nw,
                           double *sums)
{
    double *alone = malloc((size_t)NLANES * nc * sizeof *alone);
    int i, k;
    for (i = 0; alone && i < NLANES; i++) {
        fs_lockstep *L = fs_lockstep_alloc(each[i], 8);
        if (L == NULL || fs_lockstep_watch(L, w, nw) != 0) {
            fs_lockstep_free(L);
            free(alone);
            return NULL;
        }
        fs_lockstep_run(L, seeds[i], runs[i], 1, alone + (size_t)i * nc);
        for (k = 0; k < nw; k++)
            sums[i * nw + k] = fs_lockstep_watched(L, k, 0);
        fs_lockstep_free(L);
    }
    return alone;
}

/* (6) A block whose lanes each have their own scenario, seed and run:
 * lane i's bytes are those of its run alone in a block of its scenario,
 * on every path, for blocks of 8, 16 and 24 with a lane left unused. */
static void check_lanes(fs_scenario *const *v, int nv)
{
    static const uint64_t seed_of[3] = {SEED, SEED + 7, UINT64_C(0xfeedface12345678)};
    const fs_scenario *each[NLANES];
    uint64_t seeds[NLANES], runs[NLANES];
    fs_lockstep_window w[FS_LOCKSTEP_MAX_WATCH];
    double sa[NLANES * FS_LOCKSTEP_MAX_WATCH], sm[NLANES * FS_LOCKSTEP_MAX_WATCH];
    int nc = ncells(v[0]), i, k, ok = 1, isa, W, nw = all_windows(v[0], 2, 30, w);
    double *alone, *mixed = malloc((size_t)NLANES * nc * sizeof *mixed);

    for (i = 0; i < NLANES; i++) {
        each[i] = v[i % nv];
        seeds[i] = seed_of[i % 3];
        runs[i] = i % 4 == 3 ? (UINT64_C(1) << 40) + (uint64_t)i : (uint64_t)(i * 7919 % 1000);
    }
    alone = lanes_alone(each, seeds, runs, nc, w, nw, sa);
    CHECK(alone != NULL && mixed != NULL);
    for (isa = 0; isa < FS_ISA_N && ok; isa++) {
        if (!fs_lanes_isa_available((fs_isa)isa))
            continue;
        for (W = 8; W <= NLANES && ok; W += 8) {
            fs_lockstep *L = fs_lockstep_alloc_isa(v[0], W, (fs_isa)isa);
            int off, n;
            ok = L != NULL && fs_lockstep_watch(L, w, nw) == 0;
            for (off = 0; ok && off < NLANES; off += n) {
                n = NLANES - off < W - 1 ? NLANES - off : W - 1;
                ok = fs_lockstep_run_lanes(L, each + off, seeds + off, runs + off, n,
                                           mixed + (size_t)off * nc) == 0;
                for (i = 0; i < n; i++)
                    for (k = 0; k < nw; k++)
                        sm[(off + i) * nw + k] = fs_lockstep_watched(L, k, i);
            }
            for (i = 0; ok && i < NLANES; i++)
                if (memcmp(mixed + (size_t)i * nc, alone + (size_t)i * nc,
                           (size_t)nc * sizeof *mixed) != 0 ||
                    memcmp(sm + i * nw, sa + i * nw, (size_t)nw * sizeof *sm) != 0) {
                    fprintf(stderr, "  %s, W = %d: lane %d differs from its run alone\n",
                            fs_lanes_isa_name((fs_isa)isa), W, i);
                    ok = 0;
                }
            fs_lockstep_free(L);
        }
    }
    /* No lane's run is lane 0's: a lane that read another's scenario,
     * seed or run would be seen. */
    for (i = 1; ok && i < NLANES; i++)
        ok = memcmp(alone, alone + (size_t)i * nc, (size_t)nc * sizeof *alone) != 0 &&
             memcmp(sa, sa + i * nw, (size_t)nw * sizeof *sa) != 0;
    free(alone);
    free(mixed);
    CHECK(ok);
}

static void test_lanes_own_streams(void)
{
    fs_scenario *v[5], *h[5];
    int i;
    for (i = 0; i < 5; i++)
        v[i] = busy_scaled(i, 0), h[i] = busy_scaled(i, 1);
    check_lanes(v, 5);
    if (!check_current_failed)
        check_lanes(h, 5);
    for (i = 0; i < 5; i++)
        fs_scenario_free(v[i]), fs_scenario_free(h[i]);
}

/* Lanes of one scenario on consecutive runs of one seed are
 * fs_lockstep_run's block. */
static void test_lanes_as_block(void)
{
    fs_scenario *sc = load_baseline();
    uint64_t seeds[16], runs[16];
    double *a, *b;
    int nc, i, ok;
    CHECK(sc != NULL);
    nc = ncells(sc);
    for (i = 0; i < 16; i++)
        seeds[i] = SEED, runs[i] = 40 + (uint64_t)i;
    a = lock_runs(sc, 16, fs_lanes_isa_best(), 40, 16);
    b = malloc((size_t)16 * nc * sizeof *b);
    {
        fs_lockstep *L = fs_lockstep_alloc(sc, 16);
        ok = L && a && b && fs_lockstep_run_lanes(L, NULL, seeds, runs, 16, b) == 0 &&
             memcmp(a, b, (size_t)16 * nc * sizeof *a) == 0 &&
             fs_lockstep_run_lanes(L, NULL, seeds, runs, 0, b) == -1 &&
             fs_lockstep_run_lanes(L, NULL, seeds, runs, 17, b) == -1;
        fs_lockstep_free(L);
    }
    free(a), free(b);
    fs_scenario_free(sc);
    CHECK(ok);
}

/* With nothing random, each run of a mixed block is model.c's run of its
 * own scenario, to the last bit. */
static void test_scenario_per_run_deterministic(void)
{
    fs_scenario *v[3];
    const fs_scenario *each[8];
    int nc, i, c;
    double *mixed;

    for (i = 0; i < 3; i++) {
        v[i] = busy_variant(i);
        make_deterministic(v[i]);
    }
    nc = ncells(v[0]);
    mixed = malloc((size_t)8 * nc * sizeof *mixed);
    for (i = 0; i < 8; i++)
        each[i] = v[i % 3];
    {
        fs_lockstep *L = fs_lockstep_alloc(v[0], 8);
        int st = fs_lockstep_run_each(L, each, SEED, 0, 8, mixed);
        fs_lockstep_free(L);
        CHECK(st == 0);
    }
    for (i = 0; i < 8; i++) {
        double *ref = scen_run(v[i % 3], SEED, i, NULL);
        for (c = 0; c < nc; c++)
            if (memcmp(&mixed[(size_t)i * nc + c], &ref[c], sizeof *ref) != 0)
                break;
        free(ref);
        CHECKF(c == nc, "run %d cell %d differs from model.c", i, c);
    }
    for (i = 0; i < 3; i++)
        fs_scenario_free(v[i]);
    free(mixed);
}

/* A scenario whose draws differ (an inject at another step, a threat
 * without volatility) cannot share a block, and nothing is run. */
static void test_scenario_per_run_refused(void)
{
    fs_scenario *a = busy(), *b = busy(), *c = busy(), *d = busy_heavy();
    const fs_scenario *each[8] = {a, b, a, a, a, a, a, a};
    fs_lockstep *L = fs_lockstep_alloc(a, 8);
    double *obs = malloc((size_t)8 * ncells(a) * sizeof *obs);
    int st1, st2, st3;

    b->injects[0].step = 6;
    c->threats[1].volatility = 0.0;
    st1 = fs_lockstep_run_each(L, each, SEED, 0, 8, obs);
    each[1] = c;
    st2 = fs_lockstep_run_each(L, each, SEED, 0, 8, obs);
    each[1] = d;   /* its plots' casualties are drawn another way */
    st3 = fs_lockstep_run_each(L, each, SEED, 0, 8, obs);
    {
        const uint64_t seeds[2] = {SEED, SEED}, runs[2] = {0, 1};
        each[1] = b;
        st3 = st3 == -1 ? fs_lockstep_run_lanes(L, each, seeds, runs, 2, obs) : 0;
    }
    fs_lockstep_free(L);
    fs_scenario_free(a), fs_scenario_free(b), fs_scenario_free(c), fs_scenario_free(d);
    free(obs);
    CHECK(st1 == -1 && st2 == -1 && st3 == -1);
}

/* ---- Window sums (fs_lockstep_watch). ---- */

/* Runs 0..n-1 of sc in blocks of 16 with the windows w watched: the
 * observations and the sums (n rows of nw). */
static int watched_runs(const fs_scenario *sc, const fs_lockstep_window *w, int nw, int n,
                        double *obs, double *sums)
{
    fs_lockstep *L = fs_lockstep_alloc(sc, 16);
    int nc = ncells(sc), i, l, k;
    if (L == NULL || fs_lockstep_watch(L, w, nw) != 0) {
        fs_lockstep_free(L);
        return -1;
    }
    for (i = 0; i < n; i += 16) {
        int used = n - i < 16 ? n - i : 16;
        fs_lockstep_run(L, SEED, (uint64_t)i, used, obs + (size_t)i * nc);
        for (l = 0; l < used; l++)
            for (k = 0; k < nw; k++)
                sums[(size_t)(i + l) * nw + k] = fs_lockstep_watched(L, k, l);
    }
    fs_lockstep_free(L);
    return 0;
}

/* (7) Over the whole run (steps 0 to steps) each window is, to the bit,
 * the run total of its cell: threats.csv's and actors.csv's. */
static void check_watch_totals(const fs_scenario *sc)
{
    fs_lockstep_window w[FS_LOCKSTEP_MAX_WATCH];
    fs_layout l;
    int nw = all_windows(sc, 0, sc->steps, w), n = 40, i, k, any = 0;
    double *obs = malloc((size_t)n * ncells(sc) * sizeof *obs);
    double *sums = malloc((size_t)n * nw * sizeof *sums);

    fs_layout_init(&l, sc);
    CHECK(obs && sums && watched_runs(sc, w, nw, n, obs, sums) == 0);
    for (i = 0; i < n; i++)
        for (k = 0; k < nw; k++) {
            const double *o = obs + (size_t)i * l.ncells;
            double cell = w[k].threat >= 0 ? o[fs_cell_th(&l, w[k].threat, w[k].metric)]
                                           : o[fs_cell_at(&l, w[k].actor, w[k].metric)];
            double v = sums[(size_t)i * nw + k];
            any += v != 0.0;
            if (memcmp(&v, &cell, sizeof v) != 0) {
                free(obs), free(sums);
                CHECKF(0, "run %d window %d (threat %d actor %d metric %d): %.17g, total %.17g",
                       i, k, w[k].threat, w[k].actor, w[k].metric, v, cell);
            }
        }
    free(obs), free(sums);
    CHECK(any > nw);   /* the sums are not all 0 */
}

static void test_watch_totals(void)
{
    fs_scenario *sc = load_baseline(), *b = busy(), *h = busy_heavy();
    CHECK(sc != NULL);
    check_watch_totals(sc);
    if (!check_current_failed)
        check_watch_totals(b);
    if (!check_current_failed)
        check_watch_totals(h);
    fs_scenario_free(sc), fs_scenario_free(b), fs_scenario_free(h);
}

/* (8) A window split in two adds up to the whole (counts exactly, the
 * cells removed, real numbers, within rounding), and over any window the
 * threats' plots, foiled plots, attacks, casualties and removed cells,
 * summed over threats, and the region's actors' foiled plots, attacks and
 * casualties, summed over actors, are the region's time series (FS_TS_*)
 * summed over those steps: the windows hold the steps they name, step 0
 * included. */
static void check_split(const fs_scenario *sc, int cut, double *obs, double *sums, int n)
{
    fs_lockstep_window w[FS_LOCKSTEP_MAX_WATCH];
    int k = 0, i, g, m, T = sc->steps;
    for (g = 0; g < sc->nthreats; g++)
        for (m = FS_TH_PLOTS; m <= FS_TH_REMOVED; m++) {
            w[k++] = (fs_lockstep_window){g, -1, m, 0, cut};
            w[k++] = (fs_lockstep_window){g, -1, m, cut + 1, T};
            w[k++] = (fs_lockstep_window){g, -1, m, 0, T};
        }
    CHECK(k <= FS_LOCKSTEP_MAX_WATCH);
    CHECK(watched_runs(sc, w, k, n, obs, sums) == 0);
    for (i = 0; i < n; i++) {
        int j;
        for (j = 0; j < k; j += 3) {
            const double *v = sums + (size_t)i * k + j;
            if (w[j].metric == FS_TH_REMOVED)
                CHECK_NEAR(v[0] + v[1], v[2], 1e-12 * fabs(v[2]));
            else
                CHECKF(v[0] + v[1] == v[2], "run %d cut %d window %d: %.17g + %.17g != %.17g",
                       i, cut, j, v[0], v[1], v[2]);
        }
    }
}

static void check_series(const fs_scenario *sc, int f, int e, double *obs, double *sums, int n)
{
    static const int ts[5] = {FS_TS_PLOTS, FS_TS_FOILED, FS_TS_ATTACKS, FS_TS_CASUALTIES,
                              FS_TS_REMOVED};
    static const int am[5] = {-1, FS_AT_FOILED, FS_AT_ATTACKS, FS_AT_CASUALTIES, -1};
    fs_lockstep_window w[FS_LOCKSTEP_MAX_WATCH];
    fs_layout l;
    int k = 0, i, g, a, m, nc = ncells(sc);
    fs_layout_init(&l, sc);
    for (g = 0; g < sc->nthreats; g++)
        for (m = FS_TH_PLOTS; m <= FS_TH_REMOVED; m++)
            w[k++] = (fs_lockstep_window){g, -1, m, f, e};
    for (a = 0; a < sc->nactors; a++)
        for (m = 1; m <= 3; m++)
            if (sc->actors[a].role != FS_ROLE_EXTERNAL)
                w[k++] = (fs_lockstep_window){-1, a, am[m], f, e};
    CHECK(k <= FS_LOCKSTEP_MAX_WATCH);
    CHECK(watched_runs(sc, w, k, n, obs, sums) == 0);
    for (i = 0; i < n; i++) {
        const double *o = obs + (size_t)i * nc, *v = sums + (size_t)i * k;
        for (m = 0; m < 5; m++) {
            double series = 0.0, th = 0.0, at = 0.0;
            int t, j;
            for (t = f; t <= e; t++)
                series += o[fs_cell_ts(&l, t, ts[m])];
            for (g = 0; g < sc->nthreats; g++)
                th += v[g * 5 + m];
            for (j = sc->nthreats * 5; j < k; j++)
                if (w[j].metric == am[m])
                    at += v[j];
            if (m == 4) {
                CHECK_NEAR(th, series, 1e-12 * fabs(series));
                continue;
            }
            CHECKF(th == series && (am[m] < 0 || at == series), "run %d steps %d-%d, "
                   "series %d: threats %.17g, actors %.17g, series %.17g", i, f, e, ts[m], th,
                   at, series);
        }
    }
}

static void check_watch_windows(const fs_scenario *sc)
{
    const int T = sc->steps, cut[4] = {0, 1, T / 3, T - 1};
    int n = 32, c;
    double *obs = malloc((size_t)n * ncells(sc) * sizeof *obs);
    double *sums = malloc((size_t)n * FS_LOCKSTEP_MAX_WATCH * sizeof *sums);
    for (c = 0; c < 4 && !check_current_failed; c++) {
        check_split(sc, cut[c], obs, sums, n);
        if (!check_current_failed)
            check_series(sc, cut[c], cut[c] + T / 4 < T ? cut[c] + T / 4 : T, obs, sums, n);
        if (!check_current_failed)
            check_series(sc, cut[c] + 1, cut[c] + 1, obs, sums, n);
    }
    free(obs), free(sums);
}

static void test_watch_windows(void)
{
    fs_scenario *sc = load_baseline(), *b = busy();
    CHECK(sc != NULL);
    check_watch_windows(sc);
    if (!check_current_failed)
        check_watch_windows(b);
    fs_scenario_free(sc), fs_scenario_free(b);
}

/* (9) With nothing random, each window is the sum of what model.c's step
 * gives (fs_model_threat_step, fs_model_actor_step) over the same steps,
 * added up the same way, to the bit: the flows mean the same at the same
 * point of the step, step 0 included. */
static void test_watch_deterministic(void)
{
    fs_scenario *sc = busy();
    fs_lockstep_window w[FS_LOCKSTEP_MAX_WATCH];
    static const int win[4][2] = {{0, 0}, {0, 5}, {9, 20}, {3, 36}};
    int nw = 0, n = 3, i, k, t, wi;
    double *obs, *sums, want[FS_LOCKSTEP_MAX_WATCH];

    make_deterministic(sc);
    {   /* attacks in an observer and an external actor too */
        fs_inject *in = scen_inject(sc, FS_INJ_ATTACK, 12);
        in->actor = 2, in->threat = 0, in->casualties = 8.0, in->attacks = 3;
        in = scen_inject(sc, FS_INJ_ATTACK, 14);
        in->actor = 3, in->threat = 1, in->casualties = 5.0;
    }
    for (wi = 0; wi < 4; wi++) {
        fs_lockstep_window all[FS_LOCKSTEP_MAX_WATCH];
        int m = all_windows(sc, win[wi][0], win[wi][1], all);
        for (k = 0; k < m; k += 2)   /* every other: 4 x 11 windows */
            w[nw++] = all[k + wi % 2];
    }
    obs = malloc((size_t)n * ncells(sc) * sizeof *obs);
    sums = malloc((size_t)n * nw * sizeof *sums);
    CHECK(obs && sums && watched_runs(sc, w, nw, n, obs, sums) == 0);
    for (i = 0; i < n; i++) {
        fs_model *m = fs_model_alloc(sc);
        gsl_rng *r = fs_rng_alloc();
        double *o = malloc((size_t)ncells(sc) * sizeof *o);
        int any = 0;
        for (k = 0; k < nw; k++)
            want[k] = 0.0;
        fs_rng_seed(r, SEED, (uint64_t)i);
        for (t = 0; t <= sc->steps; t++) {
            if (t == 0)
                fs_model_start(m, r, o);
            else
                fs_model_step(m, r, o);
            for (k = 0; k < nw; k++) {
                double at, fo, ca, v;
                if (t < w[k].first || t > w[k].last)
                    continue;
                if (w[k].threat >= 0)
                    v = fs_model_threat_step(m)[w[k].threat * FS_TH_N + w[k].metric];
                else {
                    fs_model_actor_step(m, w[k].actor, &at, &fo, &ca);
                    v = w[k].metric == FS_AT_ATTACKS ? at : w[k].metric == FS_AT_FOILED ? fo : ca;
                }
                want[k] += v;
            }
        }
        fs_model_free(m);
        gsl_rng_free(r);
        free(o);
        for (k = 0; k < nw; k++) {
            any += want[k] != 0.0;
            if (memcmp(&want[k], &sums[(size_t)i * nw + k], sizeof *want) != 0) {
                fprintf(stderr, "  run %d window %d (threat %d actor %d metric %d, %d-%d): "
                        "lockstep %.17g, model.c %.17g\n", i, k, w[k].threat, w[k].actor,
                        w[k].metric, w[k].first, w[k].last, sums[(size_t)i * nw + k], want[k]);
                any = -1000;
            }
        }
        CHECK(any > 4);
    }
    free(obs), free(sums);
    fs_scenario_free(sc);
}

/* Windows that name what the scenario has not are refused, and a
 * workspace that watches nothing is the one it was. */
static void test_watch_refused(void)
{
    fs_scenario *sc = busy();
    fs_lockstep *L = fs_lockstep_alloc(sc, 8);
    fs_lockstep_window ok = {1, -1, FS_TH_REMOVED, 0, 36};
    fs_lockstep_window bad[] = {
        {2, -1, FS_TH_PLOTS, 0, 3}, {0, -1, FS_TH_FINAL_PRESENCE, 0, 3},
        {-1, 4, FS_AT_ATTACKS, 0, 3}, {-1, 0, FS_AT_MIN_STABILITY, 0, 3},
        {-1, -1, FS_AT_ATTACKS, 0, 3}, {0, -1, FS_TH_PLOTS, 4, 3}, {0, -1, FS_TH_PLOTS, -1, 3},
    };
    fs_lockstep_window many[FS_LOCKSTEP_MAX_WATCH + 1];
    double *a = malloc((size_t)8 * ncells(sc) * sizeof *a);
    double *b = malloc((size_t)8 * ncells(sc) * sizeof *b);
    int i, st = 0;
    CHECK(L && a && b);
    for (i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++)
        st |= fs_lockstep_watch(L, &bad[i], 1) != -1;
    for (i = 0; i <= FS_LOCKSTEP_MAX_WATCH; i++)
        many[i] = ok;
    st |= fs_lockstep_watch(L, many, FS_LOCKSTEP_MAX_WATCH + 1) != -1;
    st |= fs_lockstep_watch(L, many, FS_LOCKSTEP_MAX_WATCH) != 0;
    fs_lockstep_run(L, SEED, 0, 8, a);
    st |= fs_lockstep_watch(L, NULL, 0) != 0;
    fs_lockstep_run(L, SEED, 0, 8, b);
    st |= memcmp(a, b, (size_t)8 * ncells(sc) * sizeof *a) != 0;
    fs_lockstep_free(L);
    free(a), free(b);
    fs_scenario_free(sc);
    CHECK(st == 0);
}

/* Bad block sizes are refused. */
static void test_alloc(void)
{
    fs_scenario *sc = busy();
    fs_lockstep *L = fs_lockstep_alloc(sc, 12);
    CHECK(L == NULL);
    L = fs_lockstep_alloc(sc, 0);
    CHECK(L == NULL);
    L = fs_lockstep_alloc(sc, 8);
    CHECK(L != NULL && fs_lockstep_width(L) == 8);
    fs_lockstep_free(L);
    fs_lockstep_free(NULL);
    fs_scenario_free(sc);
}

int main(void)
{
    RUN(test_alloc);
    RUN(test_block_invariance_baseline);
    RUN(test_block_invariance_busy);
    RUN(test_isa_invariance);
    RUN(test_deterministic_busy);
    RUN(test_deterministic_baseline);
    RUN(test_scenario_per_run);
    RUN(test_scenario_per_run_deterministic);
    RUN(test_scenario_per_run_refused);
    RUN(test_lanes_own_streams);
    RUN(test_lanes_as_block);
    RUN(test_watch_totals);
    RUN(test_watch_windows);
    RUN(test_watch_deterministic);
    RUN(test_watch_refused);
    RUN(test_distribution_baseline);
    RUN(test_distribution_busy);
    return check_report();
}
