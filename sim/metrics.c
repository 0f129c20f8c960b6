/* metrics.c: the layout of one run's observation vector. */
#include "metrics.h"

static void track_pair(fs_layout *l, int a, int b)
{
    int j, t;
    if (a < 0 || b < 0 || a == b)
        return;
    if (a > b)
        t = a, a = b, b = t;
    for (j = 0; j < l->ntracked; j++)
        if (l->tracked_a[j] == a && l->tracked_b[j] == b)
            return;
    if (l->ntracked == FS_MAX_TRACKED)
        return;
    l->tracked_a[l->ntracked] = a;
    l->tracked_b[l->ntracked] = b;
    l->ntracked++;
}

void fs_layout_init(fs_layout *l, const fs_scenario *sc)
{
    int i;

    l->ntracked = 0;
    for (i = 0; i < sc->ninjects; i++) {
        const fs_inject *in = &sc->injects[i];
        if (in->kind == FS_INJ_TRUST_SHOCK || in->kind == FS_INJ_ATTACK)
            track_pair(l, in->actor, in->actor2);
    }
    l->steps = sc->steps;
    l->nactors = sc->nactors;
    l->nthreats = sc->nthreats;
    l->nmechanisms = sc->nmechanisms;
    l->ninjects = sc->ninjects;
    l->npairs = sc->nactors * (sc->nactors - 1) / 2;
    l->per_step = FS_TS_NREGION + sc->nactors * FS_TA_N + l->ntracked;
    l->ts = 0;
    l->tot = l->ts + (sc->steps + 1) * l->per_step;
    l->atot = l->tot + FS_TOT_N;
    l->thr = l->atot + sc->nactors * FS_AT_N;
    l->trust = l->thr + sc->nthreats * FS_TH_N;
    l->mech = l->trust + l->npairs;
    l->inj = l->mech + sc->nmechanisms * FS_MC_N;
    l->out = l->inj + sc->ninjects * FS_IN_N;
    l->ncells = l->out + FS_OUT_N;
}

int fs_cell_wants_sketch(const fs_layout *l, int cell)
{
    if (cell < l->tot) {
        /* The share of runs escalated is a mean of 0s and 1s: its
         * quantiles would say nothing. */
        return (cell - l->ts) % l->per_step != FS_TS_ESCALATED;
    }
    return cell < l->mech;
}

static int region_integer(int metric)
{
    return metric == FS_TS_PLOTS || metric == FS_TS_FOILED ||
           metric == FS_TS_ATTACKS || metric == FS_TS_CASUALTIES ||
           metric == FS_TS_ESCALATED;
}

int fs_cell_is_integer(const fs_layout *l, int cell)
{
    if (cell < l->tot) {
        int k = (cell - l->ts) % l->per_step;
        return k < FS_TS_NREGION && region_integer(k);
    }
    if (cell < l->atot) {
        int k = cell - l->tot;
        return k == FS_TOT_PLOTS || k == FS_TOT_FOILED || k == FS_TOT_ATTACKS ||
               k == FS_TOT_CASUALTIES || k == FS_TOT_FIRST_MASS_CASUALTY;
    }
    if (cell < l->thr) {
        int k = (cell - l->atot) % FS_AT_N;
        return k == FS_AT_ATTACKS || k == FS_AT_FOILED || k == FS_AT_CASUALTIES;
    }
    if (cell < l->trust) {
        int k = (cell - l->thr) % FS_TH_N;
        return k == FS_TH_PLOTS || k == FS_TH_FOILED || k == FS_TH_ATTACKS ||
               k == FS_TH_CASUALTIES;
    }
    return cell >= l->mech;
}

int fs_headline_cell(const fs_layout *l, int h)
{
    static const int tot[] = {FS_TOT_ATTACKS, FS_TOT_CASUALTIES, FS_TOT_THREAT_FINAL,
                              FS_TOT_COHESION_FINAL, FS_TOT_MIN_MEMBER_STABILITY,
                              FS_TOT_COST};
    if (h < FS_HEAD_ATTACKS)
        return fs_cell_out(l, h);   /* the outcome enums come first, in order */
    return fs_cell_tot(l, tot[h - FS_HEAD_ATTACKS]);
}

const char *fs_headline_name(int h)
{
    static const char *names[FS_HEAD_N] = {
        "escalation", "fracture", "contained", "mass_casualty", "attacks", "casualties",
        "threat_index_final", "cohesion_final", "min_member_stability", "cost"
    };
    return (unsigned)h < FS_HEAD_N ? names[h] : "?";
}

int fs_headline_is_outcome(int h)
{
    return h < FS_HEAD_ATTACKS;
}

const char *fs_total_name(int k)
{
    static const char *names[FS_TOT_N] = {
        "plots", "foiled", "attacks", "casualties", "threat_index_start",
        "threat_index_final", "threat_index_peak", "cohesion_start", "cohesion_final",
        "min_member_stability", "cost", "first_mass_casualty_step", "removed"
    };
    return (unsigned)k < FS_TOT_N ? names[k] : "?";
}

const char *fs_region_series_name(int k)
{
    static const char *names[FS_TS_NREGION] = {
        "threat_index", "plots", "foiled", "attacks", "casualties", "cohesion",
        "cost", "escalated", "removed"
    };
    return (unsigned)k < FS_TS_NREGION ? names[k] : "?";
}

const char *fs_actor_series_name(int k)
{
    static const char *names[FS_TA_N] = {"stability", "presence"};
    return (unsigned)k < FS_TA_N ? names[k] : "?";
}

const char *fs_actor_total_name(int k)
{
    static const char *names[FS_AT_N] = {
        "attacks", "foiled", "casualties", "final_stability", "min_stability"
    };
    return (unsigned)k < FS_AT_N ? names[k] : "?";
}

const char *fs_threat_total_name(int k)
{
    static const char *names[FS_TH_N] = {
        "plots", "foiled", "attacks", "casualties", "removed", "final_presence"
    };
    return (unsigned)k < FS_TH_N ? names[k] : "?";
}

const char *fs_outcome_name(int k)
{
    static const char *names[FS_OUT_N] = {"escalation", "fracture", "contained",
                                          "mass_casualty"};
    return (unsigned)k < FS_OUT_N ? names[k] : "?";
}
