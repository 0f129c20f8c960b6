/* cfgread.h: the pieces the sweep and search file loaders share (defined
 * in sim/sweep_load.c): messages that name the file, the line (through
 * includes) and the setting, typed getters, and the validation of a
 * parameter value against the base scenario and of an output name.
 * Nothing here allocates except fs_cfg_get_string's copy (the caller's)
 * and fs_cfg_output's name (the output's, freed with its owner). */
#ifndef FS_CFGREAD_H
#define FS_CFGREAD_H

#include <libconfig.h>
#include "errors.h"
#include "load.h"
#include "load_include.h"
#include "sweep.h"

typedef struct fs_cfg_ctx {
    const fs_source *src;
    const char *file;
    fs_err *err;
} fs_cfg_ctx;

/* Sets c->err to FS_ECONFIG "file:line: path: message" (s may be NULL:
 * no line) and returns FS_ECONFIG. */
fs_status fs_cfg_fail_at(const fs_cfg_ctx *c, const config_setting_t *s, const char *path,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "an integer", "a string", ...: for "expected X, found Y" messages. */
const char *fs_cfg_type_name(const config_setting_t *s);

/* FS_ECONFIG for a key of group g not among keys[0..nkeys-1], with a
 * suggestion. */
fs_status fs_cfg_check_keys(const fs_cfg_ctx *c, const config_setting_t *g, const char *path,
                            const char *const *keys, int nkeys);

/* g's string member key into *out (malloc'd; the old value freed); absent
 * is an error when required, else *out is left alone. */
fs_status fs_cfg_get_string(const fs_cfg_ctx *c, const config_setting_t *g, const char *key,
                            const char *path, int required, char **out);

/* A finite number (integer or float) into *v: 0, or -1 for anything else. */
int fs_cfg_as_number(const config_setting_t *s, double *v);

/* g's integer member key in [lo, hi] into *out; absent leaves *out alone. */
fs_status fs_cfg_get_long(const fs_cfg_ctx *c, const config_setting_t *g, const char *key,
                          const char *path, long lo, long hi, long *out);

/* Whether the base scenario (with sets) accepts path = value; FS_ECONFIG
 * at setting `at` (named where) with the loader's reason otherwise. The
 * base is loaded from text when not NULL (read once, load.h), else from
 * base_path. */
fs_status fs_cfg_try_value(const fs_cfg_ctx *c, const char *base_path,
                           const fs_scenario_text *text, const fs_override *sets,
                           int nsets, const config_setting_t *at, const char *where,
                           const char *path, double value, int integer);

/* Parses an output name ("escalation", "casualties.mean",
 * "attacks.[AF].p95", "stability.[TJ].p5@24": sweep_output.h) of the base
 * scenario written at setting s into o (o->name malloc'd). */
fs_status fs_cfg_output(const fs_cfg_ctx *c, const config_setting_t *s, const char *where,
                        const char *name, const fs_scenario *base, fs_sweep_output *o);

#endif
