/* briefing.h: briefing.md, the text a facilitator reads aloud.
 * It states the scenario's question, the headline outcome probabilities
 * with their 95% intervals, the scenario against its baseline, the most
 * exposed actors, each threat network's plots, foiled plots, attacks,
 * casualties and removed cells, each inject and what it did (measured
 * against the same runs without it), and what the mechanisms cost, from
 * the same statistics the CSV files hold. */
#ifndef FS_BRIEFING_H
#define FS_BRIEFING_H

#include <stdio.h>
#include "effects.h"
#include "engine.h"
#include "errors.h"
#include "scenario.h"

/* Writes the briefing for a finished engine to f; fx, when not NULL, holds
 * the measured effects of the scheduled injects (a run's; a comparison's
 * scenarios have none) and, with base (the scenario's baseline), the
 * differences against it. FS_EIO on a stream error. */
fs_status fs_briefing_write(FILE *f, const fs_scenario *sc, const fs_results *r,
                            const fs_effects *fx, const fs_scenario *base, fs_err *err);

/* For the comparison's briefing: the words for a headline metric
 * ("final cohesion" for cohesion_final), and an effect with its 95%
 * interval at the precision the interval carries ("+1.03 (95% interval
 * +0.99 to +1.07)"; probabilities in percentage points). */
const char *fs_briefing_headline_label(const char *metric);
void fs_briefing_effect_amount(FILE *f, const fs_effect *r);

/* Whether an effect is worth a facilitator's word: its 95% interval
 * excludes zero and it is at least half a point (a probability) or 1% of
 * the larger of the two means. The briefings and charts share the rule. */
int fs_briefing_effect_material(const fs_effect *r);

#endif
