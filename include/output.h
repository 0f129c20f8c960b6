/* output.h: the CSV files of a finished run (formats in docs/OUTPUTS.md).
 * Every file goes into an fs_outset, so that the caller commits all of a
 * run's files together or none. Nothing here owns the scenario or engine. */
#ifndef FS_OUTPUT_H
#define FS_OUTPUT_H

#include <stdio.h>
#include "engine.h"
#include "errors.h"
#include "outset.h"
#include "scenario.h"

/* Opens and writes meta.csv, summary.csv, timeseries.csv, outcomes.csv,
 * actors.csv, trust.csv, mechanisms.csv, injects.csv, earlywarning.csv and
 * distributions.csv in set, in subdirectory sub ("" for none). sc->runs
 * and sc->seed must be those of the run. */
fs_status fs_output_write(fs_outset *set, const char *sub, const fs_scenario *sc,
                          const fs_results *r, fs_err *err);

/* fs_outset_open and fs_outset_remove of sub/name ("" sub: name). */
FILE *fs_output_open(fs_outset *set, const char *sub, const char *name, fs_err *err);
fs_status fs_output_remove(fs_outset *set, const char *sub, const char *name, fs_err *err);

/* The header line of runs.csv (the engine writes the rows). */
void fs_output_runs_header(FILE *f);

/* Writes s as one CSV field, quoted only when it must be. Text that
 * starts with = + - @ TAB CR or ' gets a leading ' (no spreadsheet formula
 * can run from a scenario's text); fs_csv_read removes it again. */
void fs_csv_field(FILE *f, const char *s);

/* The quantile levels every output reports: 0.05 0.25 0.5 0.75 0.95. */
extern const double fs_quantiles[5];

#endif
