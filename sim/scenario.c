/* scenario.c: releasing and querying a resolved scenario. */
#include "scenario.h"

#include <stddef.h>

#include <stdlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fs_scenario_free(fs_scenario *sc)
{
    int i;

    if (sc == NULL)
        return;
    for (i = 0; i < sc->nactors; i++) {
        free(sc->actors[i].id);
        free(sc->actors[i].name);
        free(sc->actors[i].from);
    }
    for (i = 0; i < sc->nborders; i++)
        free(sc->borders[i].from);
    for (i = 0; i < sc->nthreats; i++) {
        free(sc->threats[i].id);
        free(sc->threats[i].name);
        free(sc->threats[i].presence);
        free(sc->threats[i].capacity);
        free(sc->threats[i].from);
    }
    for (i = 0; i < sc->nmechanisms; i++) {
        free(sc->mechanisms[i].id);
        free(sc->mechanisms[i].name);
        free(sc->mechanisms[i].participants);
        free(sc->mechanisms[i].borders);
        free(sc->mechanisms[i].from);
    }
    for (i = 0; i < sc->ninjects; i++) {
        free(sc->injects[i].id);
        free(sc->injects[i].label);
        free(sc->injects[i].from);
    }
    for (i = 0; i < sc->nchanges; i++)
        free(sc->changes[i]);
    free(sc->changes);
    free(sc->extends);
    for (i = 0; i < sc->nreported; i++) {
        free(sc->reported[i].label);
        free(sc->reported[i].metric);
        free(sc->reported[i].source);
    }
    free(sc->reported);
    free(sc->actors);
    free(sc->borders);
    free(sc->threats);
    free(sc->mechanisms);
    free(sc->injects);
    free(sc->trust);
    free(sc->interop);
    free(sc->path);
    free(sc->name);
    free(sc->description);
    free(sc->question);
    free(sc->baseline);
    free(sc->posterior);
    free(sc->step_unit);
    free(sc->rng);
    free(sc);
}

/* Copies n elements of size `size` (a view's own arrays of shared structs). */
static void *copy_array(const void *a, int n, size_t size)
{
    void *b = malloc(n > 0 ? (size_t)n * size : 1);
    if (b != NULL && n > 0)
        memcpy(b, a, (size_t)n * size);
    return b;
}

fs_scenario *fs_scenario_text_view(const fs_scenario *sc, fs_text_fn fn)
{
    fs_scenario *v = calloc(1, sizeof *v);
    int i, bad = 0;

    if (v == NULL)
        return NULL;
    *v = *sc;
    v->name = v->description = v->question = v->step_unit = NULL;
    v->actors = copy_array(sc->actors, sc->nactors, sizeof *sc->actors);
    v->threats = copy_array(sc->threats, sc->nthreats, sizeof *sc->threats);
    v->mechanisms = copy_array(sc->mechanisms, sc->nmechanisms, sizeof *sc->mechanisms);
    v->injects = copy_array(sc->injects, sc->ninjects, sizeof *sc->injects);
    if (!v->actors || !v->threats || !v->mechanisms || !v->injects) {
        v->nactors = v->nthreats = v->nmechanisms = v->ninjects = 0;
        fs_scenario_view_free(v);
        return NULL;
    }
    for (i = 0; i < v->nactors; i++)
        bad |= (v->actors[i].name = fn(sc->actors[i].name)) == NULL;
    for (i = 0; i < v->nthreats; i++)
        bad |= (v->threats[i].name = fn(sc->threats[i].name)) == NULL;
    for (i = 0; i < v->nmechanisms; i++)
        bad |= (v->mechanisms[i].name = fn(sc->mechanisms[i].name)) == NULL;
    for (i = 0; i < v->ninjects; i++)
        bad |= (v->injects[i].label = fn(sc->injects[i].label)) == NULL;
    bad |= (v->name = fn(sc->name)) == NULL;
    bad |= (v->description = fn(sc->description)) == NULL;
    bad |= (v->question = fn(sc->question)) == NULL;
    bad |= (v->step_unit = fn(sc->step_unit)) == NULL;
    if (bad) {
        fs_scenario_view_free(v);
        return NULL;
    }
    return v;
}

void fs_scenario_view_free(fs_scenario *v)
{
    int i;

    if (v == NULL)
        return;
    for (i = 0; v->actors && i < v->nactors; i++)
        free(v->actors[i].name);
    for (i = 0; v->threats && i < v->nthreats; i++)
        free(v->threats[i].name);
    for (i = 0; v->mechanisms && i < v->nmechanisms; i++)
        free(v->mechanisms[i].name);
    for (i = 0; v->injects && i < v->ninjects; i++)
        free(v->injects[i].label);
    free(v->actors);
    free(v->threats);
    free(v->mechanisms);
    free(v->injects);
    free(v->name);
    free(v->description);
    free(v->question);
    free(v->step_unit);
    free(v);
}

int fs_scenario_actor(const fs_scenario *sc, const char *id)
{
    int i;
    for (i = 0; i < sc->nactors; i++)
        if (strcmp(sc->actors[i].id, id) == 0)
            return i;
    return -1;
}

int fs_scenario_threat(const fs_scenario *sc, const char *id)
{
    int i;
    for (i = 0; i < sc->nthreats; i++)
        if (strcmp(sc->threats[i].id, id) == 0)
            return i;
    return -1;
}

int fs_scenario_mechanism(const fs_scenario *sc, const char *id)
{
    int i;
    for (i = 0; i < sc->nmechanisms; i++)
        if (strcmp(sc->mechanisms[i].id, id) == 0)
            return i;
    return -1;
}

const char *fs_role_name(fs_role r)
{
    static const char *names[] = {"member", "observer", "partner", "external"};
    return (unsigned)r < 4 ? names[r] : "?";
}

const char *fs_mech_kind_name(fs_mech_kind k)
{
    static const char *names[] = {"intel_sharing", "joint_drill",
                                  "border_operation", "counter_radicalisation"};
    return (unsigned)k < 4 ? names[k] : "?";
}

const char *fs_inject_kind_name(fs_inject_kind k)
{
    static const char *names[] = {"attack", "capacity_shock", "stability_shock",
                                  "trust_shock", "threat_surge", "mechanism_on",
                                  "mechanism_off", "join", "border_change", "leave"};
    return (unsigned)k < 10 ? names[k] : "?";
}

/* ---- settings by path ---- */

typedef struct field {
    const char *name;
    size_t offset;
    int is_int;
} field;

#define F(type, member, isint) {#member, offsetof(type, member), isint}

static const field actor_fields[] = {
    F(fs_actor, capacity, 0), F(fs_actor, intel, 0), F(fs_actor, stability, 0),
    F(fs_actor, resilience, 0), {NULL, 0, 0}
};
static const field threat_fields[] = {
    F(fs_threat, growth, 0), F(fs_threat, carrying_capacity, 0), F(fs_threat, mobility, 0),
    F(fs_threat, plot_rate, 0), F(fs_threat, volatility, 0), F(fs_threat, online_recruitment, 0),
    F(fs_threat, attrition, 0), {NULL, 0, 0}
};
static const field mech_fields[] = {
    F(fs_mechanism, intensity, 0), F(fs_mechanism, cost, 0), F(fs_mechanism, start, 1),
    F(fs_mechanism, end, 1), F(fs_mechanism, period, 1), {NULL, 0, 0}
};
static const field inject_fields[] = {
    F(fs_inject, step, 1), F(fs_inject, probability, 0), F(fs_inject, hazard, 0),
    F(fs_inject, start, 1), F(fs_inject, end, 1), F(fs_inject, attacks, 1),
    F(fs_inject, casualties, 0), {"casualties_per_attack", offsetof(fs_inject, casualties), 0},
    F(fs_inject, delta, 0), F(fs_inject, factor, 0), F(fs_inject, value, 0),
    F(fs_inject, until, 1),
    F(fs_inject, add, 0), {NULL, 0, 0}
};
static const field outcome_fields[] = {
    F(fs_outcomes, escalation_ratio, 0), F(fs_outcomes, failure_stability, 0),
    F(fs_outcomes, fracture_drop, 0), F(fs_outcomes, contained_ratio, 0),
    F(fs_outcomes, mass_casualty, 0), {NULL, 0, 0}
};
/* The dynamics keys are the brief's symbols, not the member names. */
static const field dynamics_fields[] = {
    {"phi", offsetof(fs_dynamics, sharing_efficiency), 0},
    {"alpha", offsetof(fs_dynamics, attack_stability), 0},
    {"kappa", offsetof(fs_dynamics, casualty_stability), 0},
    {"tau", offsetof(fs_dynamics, blame), 0},
    {"gamma", offsetof(fs_dynamics, drill_trust), 0},
    {"eta", offsetof(fs_dynamics, drill_interop), 0},
    {"rho_T", offsetof(fs_dynamics, trust_recovery), 0},
    {"epsilon", offsetof(fs_dynamics, interop_decay), 0},
    {NULL, 0, 0}
};

#undef F

static int get_field(const void *base, const field *f, const char *name, double *v, int *isint)
{
    for (; f->name; f++) {
        if (strcmp(f->name, name) != 0)
            continue;
        *isint = f->is_int;
        *v = f->is_int ? (double)*(const int *)((const char *)base + f->offset)
                       : *(const double *)((const char *)base + f->offset);
        return 0;
    }
    return -1;
}

/* Splits "[x].rest" into x (copied into key) and rest; rest may be "". */
static const char *bracket(const char *p, char *key, size_t n)
{
    const char *end;
    if (*p != '[' || (end = strchr(p, ']')) == NULL || (size_t)(end - p - 1) >= n)
        return NULL;
    memcpy(key, p + 1, (size_t)(end - p - 1));
    key[end - p - 1] = '\0';
    end++;
    return *end == '.' ? end + 1 : end;
}

/* An element by id, or by 1-based position written as a number. */
static int element(const char *key, int count, int (*find)(const fs_scenario *, const char *),
                   const fs_scenario *sc)
{
    char *end;
    long i = strtol(key, &end, 10);
    if (*key != '\0' && *end == '\0')
        return i >= 1 && i <= count ? (int)i - 1 : -1;
    return find(sc, key);
}

/* "A-B" into two actor indices. */
static int pair(const fs_scenario *sc, const char *key, int *a, int *b)
{
    char buf[2 * FS_MAX_ID + 2], *dash;
    if (strlen(key) >= sizeof buf)
        return -1;
    strcpy(buf, key);
    if ((dash = strchr(buf, '-')) == NULL)
        return -1;
    *dash = '\0';
    *a = fs_scenario_actor(sc, buf);
    *b = fs_scenario_actor(sc, dash + 1);
    return *a >= 0 && *b >= 0 && *a != *b ? 0 : -1;
}

static int get_matrix(const fs_scenario *sc, const double *m, double dflt, const char *rest,
                      double *v)
{
    char key[2 * FS_MAX_ID + 2];
    const char *tail;
    int a, b;
    if (strcmp(rest, "default") == 0) {
        *v = dflt;
        return 0;
    }
    if (strncmp(rest, "pairs.", 6) != 0 || (tail = bracket(rest + 6, key, sizeof key)) == NULL
        || strcmp(tail, "value") != 0 || pair(sc, key, &a, &b) != 0)
        return -1;
    *v = m[a * sc->nactors + b];
    return 0;
}

static int get_threat(const fs_scenario *sc, const fs_threat *th, const char *rest, double *v,
                      int *isint)
{
    int a;
    if (strncmp(rest, "lethality.", 10) == 0) {
        rest += 10;
        *isint = 0;
        if (strcmp(rest, "mean") == 0)
            return *v = th->lethality_mean, 0;
        if (strcmp(rest, "dispersion") == 0)
            return *v = th->lethality_dispersion, 0;
        return -1;
    }
    if (strncmp(rest, "presence.", 9) == 0 || strncmp(rest, "capacity.", 9) == 0) {
        if ((a = fs_scenario_actor(sc, rest + 9)) < 0)
            return -1;
        *isint = 0;
        *v = rest[0] == 'p' ? th->presence[a] : th->capacity[a];
        return 0;
    }
    return get_field(th, threat_fields, rest, v, isint);
}

int fs_scenario_get(const fs_scenario *sc, const char *path, double *v, int *isint)
{
    char key[FS_MAX_TEXT];
    const char *rest;
    int i, a, b;

    *isint = 0;
    if (strcmp(path, "steps") == 0)
        return *isint = 1, *v = sc->steps, 0;
    if (strcmp(path, "runs") == 0)
        return *isint = 1, *v = (double)sc->runs, 0;
    if (strncmp(path, "dynamics.", 9) == 0)
        return get_field(&sc->dynamics, dynamics_fields, path + 9, v, isint);
    if (strncmp(path, "outcomes.", 9) == 0)
        return get_field(&sc->outcomes, outcome_fields, path + 9, v, isint);
    if (strncmp(path, "trust.", 6) == 0)
        return get_matrix(sc, sc->trust, sc->trust_default, path + 6, v);
    if (strncmp(path, "interoperability.", 17) == 0)
        return get_matrix(sc, sc->interop, sc->interop_default, path + 17, v);
    if (strncmp(path, "borders.", 8) == 0) {
        if ((rest = bracket(path + 8, key, sizeof key)) == NULL || strcmp(rest, "permeability")
            || pair(sc, key, &a, &b) != 0)
            return -1;
        for (i = 0; i < sc->nborders; i++)
            if ((sc->borders[i].a == a && sc->borders[i].b == b) ||
                (sc->borders[i].a == b && sc->borders[i].b == a))
                return *v = sc->borders[i].permeability, 0;
        return -1;
    }
    if (strncmp(path, "actors.", 7) == 0) {
        if ((rest = bracket(path + 7, key, sizeof key)) == NULL ||
            (i = element(key, sc->nactors, fs_scenario_actor, sc)) < 0)
            return -1;
        return get_field(&sc->actors[i], actor_fields, rest, v, isint);
    }
    if (strncmp(path, "threats.", 8) == 0) {
        if ((rest = bracket(path + 8, key, sizeof key)) == NULL ||
            (i = element(key, sc->nthreats, fs_scenario_threat, sc)) < 0)
            return -1;
        return get_threat(sc, &sc->threats[i], rest, v, isint);
    }
    if (strncmp(path, "mechanisms.", 11) == 0) {
        if ((rest = bracket(path + 11, key, sizeof key)) == NULL ||
            (i = element(key, sc->nmechanisms, fs_scenario_mechanism, sc)) < 0)
            return -1;
        return get_field(&sc->mechanisms[i], mech_fields, rest, v, isint);
    }
    if (strncmp(path, "injects.", 8) == 0) {
        if ((rest = bracket(path + 8, key, sizeof key)) == NULL)
            return -1;
        for (i = 0; i < sc->ninjects; i++)
            if (strcmp(sc->injects[i].id, key) == 0)
                return get_field(&sc->injects[i], inject_fields, rest, v, isint);
        return -1;
    }
    return -1;
}

/* The real-valued fields of `f` fs_scenario_set may write: the table's,
 * less those of `except`. */
static double *plain_field(void *base, const field *f, const char *name, const char *except)
{
    if (except && strcmp(name, except) == 0)
        return NULL;
    for (; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f->is_int ? NULL : (double *)((char *)base + f->offset);
    return NULL;
}

int fs_scenario_set(fs_scenario *sc, const char *path, double value)
{
    char key[FS_MAX_TEXT];
    const char *rest;
    double *p = NULL;
    int i, a;

    if (strncmp(path, "dynamics.", 9) == 0)
        p = plain_field(&sc->dynamics, dynamics_fields, path + 9, NULL);
    else if (strncmp(path, "outcomes.", 9) == 0)
        p = plain_field(&sc->outcomes, outcome_fields, path + 9, NULL);
    else if (strncmp(path, "actors.", 7) == 0) {
        if ((rest = bracket(path + 7, key, sizeof key)) != NULL &&
            (i = element(key, sc->nactors, fs_scenario_actor, sc)) >= 0)
            p = plain_field(&sc->actors[i], actor_fields, rest, NULL);
    } else if (strncmp(path, "threats.", 8) == 0) {
        if ((rest = bracket(path + 8, key, sizeof key)) != NULL &&
            (i = element(key, sc->nthreats, fs_scenario_threat, sc)) >= 0) {
            fs_threat *th = &sc->threats[i];
            if (strcmp(rest, "lethality.mean") == 0)
                p = &th->lethality_mean;
            else if (strcmp(rest, "lethality.dispersion") == 0)
                p = &th->lethality_dispersion;
            else if ((strncmp(rest, "presence.", 9) == 0 || strncmp(rest, "capacity.", 9) == 0)
                     && (a = fs_scenario_actor(sc, rest + 9)) >= 0)
                p = rest[0] == 'p' ? &th->presence[a] : &th->capacity[a];
            else   /* carrying_capacity is every actor's capacity's default */
                p = plain_field(th, threat_fields, rest, "carrying_capacity");
        }
    } else if (strncmp(path, "mechanisms.", 11) == 0) {
        if ((rest = bracket(path + 11, key, sizeof key)) != NULL &&
            (i = element(key, sc->nmechanisms, fs_scenario_mechanism, sc)) >= 0 &&
            (strcmp(rest, "intensity") == 0 || strcmp(rest, "cost") == 0))
            p = plain_field(&sc->mechanisms[i], mech_fields, rest, NULL);
    }
    if (p == NULL)
        return -1;
    *p = value;
    return 0;
}

void fs_scenario_incidence(const fs_scenario *sc, int *inc_start, int *inc)
{
    int a, e, n = 0;
    for (a = 0; a < sc->nactors; a++) {
        inc_start[a] = n;
        for (e = 0; e < sc->nborders; e++) {
            if (sc->borders[e].a == a)
                inc[n++] = 2 * e + 1;
            else if (sc->borders[e].b == a)
                inc[n++] = 2 * e;
        }
    }
    inc_start[sc->nactors] = n;
}

int fs_scenario_cohesion_pairs(const fs_scenario *sc, int *pairs)
{
    int a, b, pass, n = 0, A = sc->nactors;
    for (pass = 0; pass < 2 && n == 0; pass++)
        for (a = 0; a < A; a++) {
            fs_role ra = sc->actors[a].role;
            if (pass == 0 ? ra != FS_ROLE_MEMBER : ra == FS_ROLE_EXTERNAL)
                continue;
            for (b = a + 1; b < A; b++) {
                fs_role rb = sc->actors[b].role;
                if (pass == 0 ? rb != FS_ROLE_MEMBER : rb == FS_ROLE_EXTERNAL)
                    continue;
                pairs[n++] = a * A + b;
            }
        }
    return n;
}
