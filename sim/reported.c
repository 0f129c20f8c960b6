/* reported.c: naming the run total a reported figure is compared with. */
#include "reported.h"

#include <stdio.h>
#include <string.h>

static const char *const threat_metrics[FS_TH_N] = {
    "plots", "foiled", "attacks", "casualties", "removed", "final_presence"};
static const char *const actor_metrics[FS_AT_N] = {
    "attacks", "foiled", "casualties", "final_stability", "min_stability"};

static int index_of(const char *const *names, int n, const char *s)
{
    int i;
    for (i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* "threats.[ID].NAME": the index of ID by find and of NAME among names;
 * -1 when the text is not of that form or either is unknown. */
static int element_metric(const fs_scenario *sc, const char *s, const char *prefix,
                          int (*find)(const fs_scenario *, const char *),
                          const char *const *names, int nnames, int *which)
{
    char id[FS_MAX_ID + 1];
    const char *close;
    size_t len = strlen(prefix);
    int e;
    if (strncmp(s, prefix, len) != 0 || s[len] != '[' || (close = strchr(s + len, ']')) == NULL
        || close[1] != '.' || (size_t)(close - (s + len + 1)) > FS_MAX_ID)
        return -1;
    snprintf(id, sizeof id, "%.*s", (int)(close - (s + len + 1)), s + len + 1);
    if ((e = find(sc, id)) < 0 || (*which = index_of(names, nnames, close + 2)) < 0)
        return -1;
    return e;
}

int fs_reported_cell(const fs_scenario *sc, const fs_layout *l, const char *metric,
                     char *hint, size_t n)
{
    int k, e;
    for (k = 0; k < FS_TOT_N; k++)
        if (k != FS_TOT_FIRST_MASS_CASUALTY && strcmp(metric, fs_total_name(k)) == 0)
            return fs_cell_tot(l, k);
    if ((e = element_metric(sc, metric, "threats.", fs_scenario_threat, threat_metrics,
                            FS_TH_N, &k)) >= 0)
        return fs_cell_th(l, e, k);
    if ((e = element_metric(sc, metric, "actors.", fs_scenario_actor, actor_metrics,
                            FS_AT_N, &k)) >= 0)
        return fs_cell_at(l, e, k);
    if (hint)
        snprintf(hint, n, "a run total of summary.csv (plots, foiled, attacks, casualties, "
                 "removed, cost, threat_index_final, ...), threats.[ID].METRIC (plots, "
                 "foiled, attacks, casualties, removed, final_presence) with a threat's id, "
                 "or actors.[ID].METRIC (attacks, foiled, casualties, final_stability, "
                 "min_stability) with an actor's id");
    return -1;
}
