/* reported.h: figures a scenario reports from the real world (its
 * `reported` list, docs/SCENARIO.md), matched to the run totals the model
 * computes, so that the briefing can table them against the simulated
 * median and 90% of runs. Nothing here allocates; the scenario owns its
 * figures. */
#ifndef FS_REPORTED_H
#define FS_REPORTED_H

#include <stddef.h>
#include "metrics.h"
#include "scenario.h"

/* The cell of layout l (of scenario sc) that a reported figure's `metric`
 * names: a run total of summary.csv ("attacks", "removed", ...), a
 * threat's total of threats.csv ("threats.[jihadist].foiled") or an
 * actor's of actors.csv ("actors.[RU].casualties"). -1 when it names
 * none; then, when hint is not NULL, hint (n bytes) says what it takes. */
int fs_reported_cell(const fs_scenario *sc, const fs_layout *l, const char *metric,
                     char *hint, size_t n);

#endif
