/* scenario.c: releasing and querying a resolved scenario. */
#include "scenario.h"

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
    }
    for (i = 0; i < sc->nthreats; i++) {
        free(sc->threats[i].id);
        free(sc->threats[i].name);
        free(sc->threats[i].presence);
        free(sc->threats[i].capacity);
    }
    for (i = 0; i < sc->nmechanisms; i++) {
        free(sc->mechanisms[i].id);
        free(sc->mechanisms[i].name);
        free(sc->mechanisms[i].participants);
        free(sc->mechanisms[i].borders);
    }
    for (i = 0; i < sc->ninjects; i++) {
        free(sc->injects[i].id);
        free(sc->injects[i].label);
    }
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
    free(sc->step_unit);
    free(sc->rng);
    free(sc);
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
                                  "mechanism_off", "join"};
    return (unsigned)k < 8 ? names[k] : "?";
}
