/* scen.h: building small scenarios in C for model and engine tests, with
 * every process switched off unless a test turns it on. The scenario is
 * owned by the test and released with fs_scenario_free. */
#ifndef FS_TEST_SCEN_H
#define FS_TEST_SCEN_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "metrics.h"
#include "model.h"
#include "rng.h"
#include "scenario.h"

static inline char *scen_str(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    strcpy(p, s);
    return p;
}

/* nactors members A0..An-1 (capacity 0.5, intel 0.5, stability 0.7,
 * resilience 0.1), nthreats threats G0.. with no dynamics and no presence,
 * trust 0.5 everywhere, interoperability 0, all dynamics constants 0. */
static inline fs_scenario *scen_new(int nactors, int nthreats, int steps)
{
    fs_scenario *sc = calloc(1, sizeof *sc);
    char buf[32];
    int a, b, g;

    sc->path = scen_str("test.cfg");
    sc->name = scen_str("test");
    sc->description = scen_str("");
    sc->question = scen_str("");
    sc->step_unit = scen_str("month");
    sc->rng = scen_str("philox4x32-10");
    sc->steps = steps;
    sc->runs = 100;
    sc->seed = 12345;
    sc->nactors = nactors;
    sc->actors = calloc(nactors, sizeof *sc->actors);
    for (a = 0; a < nactors; a++) {
        snprintf(buf, sizeof buf, "A%d", a);
        sc->actors[a].id = scen_str(buf);
        sc->actors[a].name = scen_str(buf);
        sc->actors[a].role = FS_ROLE_MEMBER;
        sc->actors[a].capacity = 0.5;
        sc->actors[a].intel = 0.5;
        sc->actors[a].stability = 0.7;
        sc->actors[a].resilience = 0.1;
    }
    sc->nthreats = nthreats;
    sc->threats = calloc(nthreats ? nthreats : 1, sizeof *sc->threats);
    for (g = 0; g < nthreats; g++) {
        fs_threat *th = &sc->threats[g];
        snprintf(buf, sizeof buf, "G%d", g);
        th->id = scen_str(buf);
        th->name = scen_str(buf);
        th->carrying_capacity = 1000.0;
        th->lethality_mean = 5.0;
        th->lethality_dispersion = 0.5;
        th->presence = calloc(nactors, sizeof *th->presence);
        th->capacity = calloc(nactors, sizeof *th->capacity);
        for (a = 0; a < nactors; a++)
            th->capacity[a] = 1000.0;
    }
    sc->borders = calloc(64, sizeof *sc->borders);
    sc->mechanisms = calloc(16, sizeof *sc->mechanisms);
    sc->injects = calloc(16, sizeof *sc->injects);
    sc->trust_default = 0.5;
    sc->trust = calloc((size_t)nactors * nactors, sizeof *sc->trust);
    sc->interop = calloc((size_t)nactors * nactors, sizeof *sc->interop);
    for (a = 0; a < nactors; a++)
        for (b = 0; b < nactors; b++) {
            sc->trust[a * nactors + b] = a == b ? 1.0 : 0.5;
            sc->interop[a * nactors + b] = a == b ? 1.0 : 0.0;
        }
    sc->outcomes.escalation_ratio = 1.5;
    sc->outcomes.failure_stability = 0.25;
    sc->outcomes.fracture_drop = 0.1;
    sc->outcomes.contained_ratio = 0.8;
    sc->outcomes.mass_casualty = 50.0;
    return sc;
}

static inline void scen_border(fs_scenario *sc, int a, int b, double pi)
{
    fs_border *bd = &sc->borders[sc->nborders++];
    bd->a = a, bd->b = b, bd->permeability = pi;
}

static inline void scen_trust(fs_scenario *sc, int a, int b, double v)
{
    sc->trust[a * sc->nactors + b] = sc->trust[b * sc->nactors + a] = v;
}

/* A mechanism over participants (a list ending with -1), active 1..steps. */
static inline fs_mechanism *scen_mech(fs_scenario *sc, fs_mech_kind kind, double h, ...)
{
    fs_mechanism *mc = &sc->mechanisms[sc->nmechanisms];
    char buf[32];
    va_list ap;
    int a;

    snprintf(buf, sizeof buf, "M%d", sc->nmechanisms);
    sc->nmechanisms++;
    mc->id = scen_str(buf);
    mc->name = scen_str(buf);
    mc->kind = kind;
    mc->intensity = h;
    mc->start = 1;
    mc->end = sc->steps;
    mc->period = 12;
    mc->enabled = 1;
    mc->participants = calloc(sc->nactors, sizeof *mc->participants);
    mc->borders = calloc(64, sizeof *mc->borders);
    va_start(ap, h);
    while ((a = va_arg(ap, int)) >= 0) {
        if (kind == FS_MECH_BORDER_OPERATION)
            mc->borders[mc->nborders++] = a;
        else
            mc->participants[mc->nparticipants++] = a;
    }
    va_end(ap);
    return mc;
}

static inline fs_inject *scen_inject(fs_scenario *sc, fs_inject_kind kind, int step)
{
    fs_inject *in = &sc->injects[sc->ninjects];
    char buf[32];
    snprintf(buf, sizeof buf, "I%d", sc->ninjects);
    sc->ninjects++;
    in->id = scen_str(buf);
    in->label = scen_str(buf);
    in->kind = kind;
    in->step = step;
    in->measure = step > 0;
    in->probability = 1.0;
    in->actor = in->actor2 = in->threat = in->mechanism = -1;
    in->attacks = 1;
    in->casualties = -1.0;
    in->factor = 1.0;
    in->value = -1.0;
    in->border = -1;
    return in;
}

/* One run of sc on stream (seed, run), as the engine makes it: its
 * observations (malloc'd, the caller frees them) and, through D when not
 * NULL, the detection of the last step. */
static inline double *scen_run(const fs_scenario *sc, uint64_t seed, long run, double *D)
{
    fs_layout l;
    fs_model *m = fs_model_alloc(sc);
    gsl_rng *r = fs_rng_alloc();
    double *obs;
    int t;

    fs_layout_init(&l, sc);
    obs = malloc(l.ncells * sizeof *obs);
    fs_rng_seed(r, seed, (uint64_t)run);
    fs_model_start(m, r, obs);
    for (t = 1; t <= sc->steps; t++)
        fs_model_step(m, r, obs);
    fs_model_finish(m, obs);
    if (D)
        memcpy(D, fs_model_detection(m), sc->nactors * sizeof *D);
    fs_model_free(m);
    gsl_rng_free(r);
    return obs;
}

#endif
