/* load.h: reading scenario files (libconfig) into a validated fs_scenario.
 * Everything is checked before anything runs: syntax errors give
 * "file:line: message"; semantic errors give "file:line: path: expected ...,
 * found ...", where path is the setting's path as --set takes it
 * (threats.[iskp].growth, actors.[TJ].capacity, dynamics.tau). Unknown keys
 * are errors with a "did you mean" suggestion. `@include "x.cfg"` resolves
 * relative to the including file. A scenario returned is owned by the
 * caller (fs_scenario_free); on error nothing is returned and err holds the
 * message (FS_ECONFIG for the file's content, FS_EUSAGE for a bad --set,
 * FS_EIO when the file cannot be read, FS_ENOMEM). */
#ifndef FS_LOAD_H
#define FS_LOAD_H

#include <stdio.h>
#include "errors.h"
#include "scenario.h"

/* One --set PATH=VALUE override, applied to the file's settings before
 * validation. The value is read as libconfig reads a scalar (integer,
 * float, true/false, or a string, quoted or bare). */
typedef struct fs_override {
    const char *path;
    const char *value;
} fs_override;

/* Splits "PATH=VALUE" (as given to --set) into o, pointing into arg's
 * storage after replacing '=' with '\0'. FS_EUSAGE if there is no '='. */
fs_status fs_override_parse(char *arg, fs_override *o, fs_err *err);

/* Loads and validates the scenario file `file`, applying the nov overrides
 * ov in order. FS_OK and *out (owned by the caller) on success; else *out
 * is NULL and err holds the message. */
fs_status fs_load_scenario(const char *file, const fs_override *ov, int nov,
                           fs_scenario **out, fs_err *err);

/* Loads and validates `file` as fs_load_scenario does, then writes to f
 * one line per path that --set takes in it (the bash completion's list):
 * every scalar key of every section, element and actor map, in the order
 * of the schema and of the file's elements (actors.[TJ].capacity,
 * injects.[hit].casualties, threats.[iskp].presence.AF, dynamics.tau).
 * Keys holding a list are left out; ids are not listed as keys. Nothing
 * is written when the file does not load (err says why). */
fs_status fs_load_paths(const char *file, const fs_override *ov, int nov, FILE *f,
                        fs_err *err);

/* Loads sc's baseline (sc->baseline; *out NULL when it has none) as
 * written, with no overrides, and checks that it can stand beside sc: the
 * same horizon, and not sc's own file. Errors (FS_ECONFIG) say that it is
 * the baseline of sc->path. */
fs_status fs_load_baseline(const fs_scenario *sc, fs_scenario **out, fs_err *err);

/* The same for a scenario text in memory (len bytes, need not be
 * NUL-terminated) that stands for the file `name`: messages name it, and
 * its @include lines resolve relative to name's directory. Used by the
 * fuzzer and by callers that hold the text already. */
fs_status fs_load_scenario_buffer(const char *name, const char *text, size_t len,
                                  const fs_override *ov, int nov, fs_scenario **out,
                                  fs_err *err);

/* A scenario file and everything it includes, read once: loading from it
 * never touches the disk again, so that many loads (a sweep's points) see
 * one version of the files, whatever happens to them meanwhile. Owned by
 * the caller; fs_scenario_text_free accepts NULL. */
typedef struct fs_scenario_text fs_scenario_text;

/* Reads file, its includes, and the scenarios it extends (with theirs),
 * and loads it once to check it: errors as fs_load_scenario's (FS_ECONFIG
 * naming the file, FS_ENOMEM). Loads from the text then resolve extends
 * and baseline paths as they were at this read. */
fs_status fs_scenario_text_read(const char *file, fs_scenario_text **out, fs_err *err);

/* fs_load_scenario from a text read earlier: the same scenario and the
 * same messages as loading the file then. Thread-safe for one text. */
fs_status fs_load_scenario_text(const fs_scenario_text *t, const fs_override *ov, int nov,
                                fs_scenario **out, fs_err *err);
void fs_scenario_text_free(fs_scenario_text *t);

/* The range the loader accepts for the numeric setting `path` (as --set
 * takes it) of the text t with ov applied: [*lo, *hi], -INFINITY or
 * INFINITY where unbounded; *lo_open when the lower bound itself is
 * refused ("> 0"). FS_OK, or FS_ECONFIG when the scenario does not load or
 * reads no number at path (a calibration's prior is truncated to it). */
fs_status fs_load_range(const fs_scenario_text *t, const fs_override *ov, int nov,
                        const char *path, double *lo, double *hi, int *lo_open, fs_err *err);

/* Writes the scenario as a complete libconfig file: every setting after
 * defaults and overrides, with seed, rng and the program version, so that
 * loading it gives the same scenario (each double printed with the fewest
 * of 15, 16 or 17 significant digits that read back to the same value). Writing the result of loading that file again gives identical
 * bytes. Returns FS_EIO if the stream reports an error. */
fs_status fs_scenario_write(const fs_scenario *sc, FILE *f, fs_err *err);

/* Prints the short human summary `foresight check` shows: actors with
 * roles, borders, threats with where they are present, mechanisms with
 * participants and active windows, injects with timing, horizon, runs,
 * seed. */
void fs_scenario_describe(const fs_scenario *sc, FILE *f);

#endif
