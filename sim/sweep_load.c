/* sweep_load.c: reading and validating sweep files. Every message names
 * the sweep file, the line and the setting; every parameter path and
 * bound is checked against the base scenario before anything runs. */
#include "sweep.h"

#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgread.h"
#include "load_include.h"
#include "metrics.h"
#include "posterior.h"
#include "suggest.h"

typedef fs_cfg_ctx ctx;

static const char *top_keys[] = {"name", "description", "base", "runs", "seed", "design",
                                 "parameters", "outputs", "discovery"};
static const char *design_keys[] = {"type", "n", "r", "p", "seed", "bootstrap"};
static const char *param_keys[] = {"path", "lo", "hi", "levels", "kind", "label"};

/* "file:line: path: message", the line mapped through includes. */
fs_status fs_cfg_fail_at(const ctx *c, const config_setting_t *s, const char *path,
                         const char *fmt, ...)
{
    char msg[FS_ERR_MSG_MAX / 2];
    const char *file = c->file;
    int line = s ? (int)config_setting_source_line(s) : 0, real = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        file = fs_source_where(c->src, line, &real);
    if (real > 0)
        return fs_err_set(c->err, FS_ECONFIG, "%s:%d: %s: %s", file, real, path, msg);
    return fs_err_set(c->err, FS_ECONFIG, "%s: %s: %s", file, path, msg);
}

const char *fs_cfg_type_name(const config_setting_t *s)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a number";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_GROUP: return "a group";
    case CONFIG_TYPE_ARRAY: return "an array";
    case CONFIG_TYPE_LIST: return "a list";
    default: return "something else";
    }
}

/* Unknown keys in a group are errors, with a suggestion. */
fs_status fs_cfg_check_keys(const ctx *c, const config_setting_t *g, const char *path,
                            const char *const *keys, int nkeys)
{
    int i, j, n = config_setting_length(g);
    char hint[512], where[256];
    for (i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(g, i);
        const char *name = config_setting_name(s);
        for (j = 0; j < nkeys && strcmp(name, keys[j]) != 0; j++)
            ;
        if (j < nkeys)
            continue;
        fs_suggest(hint, sizeof hint, name, keys, nkeys, "valid keys are");
        snprintf(where, sizeof where, "%s%s%s", path, path[0] ? "." : "", name);
        return fs_cfg_fail_at(c, s, where, "unknown key '%s'%s", name, hint);
    }
    return FS_OK;
}

fs_status fs_cfg_get_string(const ctx *c, const config_setting_t *g, const char *key,
                            const char *path, int required, char **out)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    const char *v;
    unsigned cp;
    long bad;
    if (s == NULL) {
        if (required)
            return fs_cfg_fail_at(c, g, path, "missing required key '%s'", key);
        return FS_OK;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fs_cfg_fail_at(c, s, path, "expected a string, found %s", fs_cfg_type_name(s));
    v = config_setting_get_string(s);
    if ((bad = fs_utf8_invalid(v)) >= 0)
        return fs_cfg_fail_at(c, s, path, "expected UTF-8 text, found the byte 0x%02X at byte %ld "
                       "of the string (save the file as UTF-8)", (unsigned char)v[bad],
                       bad + 1);
    if ((bad = fs_text_control(v, &cp)) >= 0)
        return fs_cfg_fail_at(c, s, path, "expected text without control characters, found "
                       "U+%04X%s at byte %ld of the string", cp, fs_control_name(cp), bad + 1);
    free(*out);
    if ((*out = strdup(v)) == NULL)
        return fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
    return FS_OK;
}

int fs_cfg_as_number(const config_setting_t *s, double *v)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: *v = config_setting_get_int(s); return 0;
    case CONFIG_TYPE_INT64: *v = (double)config_setting_get_int64(s); return 0;
    case CONFIG_TYPE_FLOAT: *v = config_setting_get_float(s); return isfinite(*v) ? 0 : -1;
    default: return -1;
    }
}

/* An integer setting in [lo, hi], or the default when absent. */
fs_status fs_cfg_get_long(const ctx *c, const config_setting_t *g, const char *key,
                          const char *path, long lo, long hi, long *out)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    long long v;
    if (s == NULL)
        return FS_OK;
    if (config_setting_type(s) == CONFIG_TYPE_INT)
        v = config_setting_get_int(s);
    else if (config_setting_type(s) == CONFIG_TYPE_INT64)
        v = config_setting_get_int64(s);
    else
        return fs_cfg_fail_at(c, s, path, "expected an integer in %ld..%ld, found %s", lo, hi,
                       fs_cfg_type_name(s));
    if (v < lo || v > hi)
        return fs_cfg_fail_at(c, s, path, "expected an integer in %ld..%ld, found %lld", lo, hi, v);
    *out = (long)v;
    return FS_OK;
}

/* The directory part of path ("" for none), into buf. */
static void dirname_of(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        buf[0] = '\0';
    else
        snprintf(buf, n, "%.*s/", (int)(slash - path + 1) - 1, path);
}

/* A design key the design type never reads would be silently ignored (r
 * with lhs, bootstrap with morris): refused, naming the types it is for. */
static fs_status design_keys_apply(const ctx *c, const config_setting_t *g,
                                   fs_design_kind kind)
{
    static const struct { const char *key, *types; unsigned kinds; } use[] = {
        {"n", "grid, random, lhs and sobol",
         1u << FS_DESIGN_GRID | 1u << FS_DESIGN_RANDOM | 1u << FS_DESIGN_LHS
         | 1u << FS_DESIGN_SOBOL},
        {"r", "morris", 1u << FS_DESIGN_MORRIS},
        {"p", "morris", 1u << FS_DESIGN_MORRIS},
        {"seed", "random, lhs and morris",
         1u << FS_DESIGN_RANDOM | 1u << FS_DESIGN_LHS | 1u << FS_DESIGN_MORRIS},
        {"bootstrap", "sobol", 1u << FS_DESIGN_SOBOL}};
    const config_setting_t *s;
    char where[64];
    size_t i;

    for (i = 0; i < sizeof use / sizeof use[0]; i++) {
        if ((s = config_setting_get_member(g, use[i].key)) == NULL
            || (use[i].kinds & 1u << kind))
            continue;
        snprintf(where, sizeof where, "design.%s", use[i].key);
        return fs_cfg_fail_at(c, s, where, "key '%s' does not apply to a design of type %s "
                       "(it is for %s)", use[i].key, fs_design_kind_name(kind), use[i].types);
    }
    return FS_OK;
}

static fs_status read_design(const ctx *c, const config_t *cf, fs_sweep *sw)
{
    const config_setting_t *g = config_lookup(cf, "design");
    char *type = NULL;
    long v;
    fs_status st;

    if (g == NULL)
        return fs_cfg_fail_at(c, NULL, "design", "missing required section 'design' "
                       "(e.g. design = { type = \"sobol\"; n = 256; };)");
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, "design", "expected a group, found %s", fs_cfg_type_name(g));
    if ((st = fs_cfg_check_keys(c, g, "design", design_keys, 6)) != FS_OK ||
        (st = fs_cfg_get_string(c, g, "type", "design.type", 1, &type)) != FS_OK)
        return st;
    if (fs_design_kind_parse(type, &sw->design) != 0 || sw->design == FS_DESIGN_OAT) {
        static const char *kinds[] = {"grid", "random", "lhs", "sobol", "morris"};
        char hint[256];
        fs_suggest(hint, sizeof hint, type, kinds, 5, "valid types are");
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "type"), "design.type",
                     "expected one of grid, random, lhs, sobol or morris, found \"%s\"%s",
                     type, hint);
        free(type);
        return st;
    }
    free(type);
    if ((st = design_keys_apply(c, g, sw->design)) != FS_OK)
        return st;
    /* Defaults: 256 base samples for sobol, 100 points for random and
     * lhs, 5 levels for grid, 10 trajectories on 4 levels for morris. */
    v = sw->design == FS_DESIGN_SOBOL ? 256 : sw->design == FS_DESIGN_GRID ? 5 : 100;
    if ((st = fs_cfg_get_long(c, g, "n", "design.n", 1, 10000000, &v)) != FS_OK)
        return st;
    sw->dopts.n = (int)v;
    v = 10;
    if ((st = fs_cfg_get_long(c, g, "r", "design.r", 1, 100000, &v)) != FS_OK)
        return st;
    sw->dopts.r = (int)v;
    v = 4;
    if ((st = fs_cfg_get_long(c, g, "p", "design.p", 2, 1000, &v)) != FS_OK)
        return st;
    sw->dopts.p = (int)v;
    v = 1000;
    if ((st = fs_cfg_get_long(c, g, "bootstrap", "design.bootstrap", 10, 100000, &v)) != FS_OK)
        return st;
    sw->bootstrap = (int)v;
    sw->dopts.seed = sw->seed;
    if (config_setting_get_member(g, "seed")) {
        long long s;
        const config_setting_t *m = config_setting_get_member(g, "seed");
        if (config_setting_type(m) == CONFIG_TYPE_INT)
            s = config_setting_get_int(m);
        else if (config_setting_type(m) == CONFIG_TYPE_INT64)
            s = config_setting_get_int64(m);
        else
            return fs_cfg_fail_at(c, m, "design.seed", "expected an integer >= 0, found %s",
                           fs_cfg_type_name(m));
        if (s < 0)
            return fs_cfg_fail_at(c, m, "design.seed", "expected an integer >= 0, found %lld", s);
        sw->dopts.seed = (uint64_t)s;
    }
    return FS_OK;
}

/* Loads the base scenario with the overrides plus path=value, to check
 * that value is acceptable there. */
static fs_status try_value(const ctx *c, const fs_sweep *sw, const config_setting_t *at,
                           const char *where, const char *path, double value, int integer)
{
    return fs_cfg_try_value(c, sw->base_path, sw->base_text, sw->sets, sw->nsets, at, where, path, value,
                            integer);
}

fs_status fs_cfg_try_value(const fs_cfg_ctx *c, const char *base_path,
                           const fs_scenario_text *text, const fs_override *sets,
                           int nsets, const config_setting_t *at, const char *where,
                           const char *path, double value, int integer)
{
    fs_override ov[FS_SWEEP_MAX_PARAMS + 256];
    char val[64];
    fs_scenario *sc = NULL;
    fs_err e;
    int n = nsets < 256 ? nsets : 256;

    if (n > 0)
        memcpy(ov, sets, (size_t)n * sizeof *ov);
    if (integer)
        snprintf(val, sizeof val, "%.0f", value);
    else
        snprintf(val, sizeof val, "%.17g", value);
    ov[n].path = path;
    ov[n].value = val;
    if ((text ? fs_load_scenario_text(text, ov, n + 1, &sc, &e)
              : fs_load_scenario(base_path, ov, n + 1, &sc, &e)) != FS_OK)
        return fs_cfg_fail_at(c, at, where, "the base scenario does not accept this value: %s", e.msg);
    fs_scenario_free(sc);
    return FS_OK;
}

/* The element's name and the key: "mechanisms.[rats].intensity" is "RATS
 * intelligence sharing: intensity"; a path with no named element
 * (dynamics.tau, steps, trust.pairs.[IN-PK].value) is its own label. */
static fs_status default_label(const ctx *c, const fs_scenario *sc, fs_sweep_param *p)
{
    static const char *const sections[] = {"actors.[", "threats.[", "mechanisms.[", "injects.["};
    const char *path = p->path, *name = NULL, *close;
    char id[FS_MAX_ID + 1];
    int s, i;

    for (s = 0; s < 4 && strncmp(path, sections[s], strlen(sections[s])) != 0; s++)
        ;
    close = s < 4 ? strstr(path, "].") : NULL;
    if (close && (size_t)(close - path) - strlen(sections[s]) <= FS_MAX_ID) {
        snprintf(id, sizeof id, "%.*s", (int)(close - path - strlen(sections[s])),
                 path + strlen(sections[s]));
        for (i = 0; s == 0 && i < sc->nactors; i++)
            if (strcmp(sc->actors[i].id, id) == 0) name = sc->actors[i].name;
        for (i = 0; s == 1 && i < sc->nthreats; i++)
            if (strcmp(sc->threats[i].id, id) == 0) name = sc->threats[i].name;
        for (i = 0; s == 2 && i < sc->nmechanisms; i++)
            if (strcmp(sc->mechanisms[i].id, id) == 0) name = sc->mechanisms[i].name;
        for (i = 0; s == 3 && i < sc->ninjects; i++)
            if (strcmp(sc->injects[i].id, id) == 0) name = sc->injects[i].label;
    }
    if (name == NULL || name[0] == '\0')
        p->label = strdup(path);
    else if ((p->label = malloc(strlen(name) + strlen(close + 2) + 3)) != NULL)
        sprintf(p->label, "%s: %s", name, close + 2);
    return p->label ? FS_OK : fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
}

/* Every name of discovery.inputs must be a parameter's path or label: a
 * typo is caught before the sweep runs, not after. */
static fs_status discovery_inputs(const ctx *c, const config_setting_t *at, const fs_sweep *sw)
{
    const char *p = sw->discovery->inputs;
    int j;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        for (j = 0; j < sw->nparams; j++)
            if ((strlen(sw->params[j].path) == n && strncmp(p, sw->params[j].path, n) == 0) ||
                (strlen(sw->params[j].label) == n && strncmp(p, sw->params[j].label, n) == 0))
                break;
        if (j == sw->nparams)
            return fs_cfg_fail_at(c, at, "discovery.inputs", "'%.*s' is no parameter of the sweep (give "
                           "parameters by path or label, separated by commas)",
                           (int)(n < 200 ? n : 200), p);
        p += n + (p[n] == ',');
    }
    return FS_OK;
}

/* The discovery section: the options of foresight discover as keys. */
static fs_status read_discovery(const ctx *c, const config_t *cf, fs_sweep *sw)
{
    const config_setting_t *g = config_lookup(cf, "discovery");
    int i, n;
    fs_err e;

    if (g == NULL)
        return FS_OK;
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, "discovery", "expected a group { output = \"escalation\"; above "
                       "= 0.2; }, found %s", fs_cfg_type_name(g));
    if ((sw->discovery = malloc(sizeof *sw->discovery)) == NULL)
        return fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
    fs_disc_opts_default(sw->discovery);
    n = config_setting_length(g);
    for (i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(g, i);
        const char *key = config_setting_name(m);
        char text[64], where[96];
        const char *value = text;
        double v;
        snprintf(where, sizeof where, "discovery.%s", key);
        if (config_setting_type(m) == CONFIG_TYPE_STRING)
            value = config_setting_get_string(m);
        else if (fs_cfg_as_number(m, &v) == 0)
            snprintf(text, sizeof text, "%.17g", v);
        else if (config_setting_type(m) == CONFIG_TYPE_FLOAT)
            return fs_cfg_fail_at(c, m, where, "expected a finite number, found %g",
                           config_setting_get_float(m));
        else
            return fs_cfg_fail_at(c, m, where, "expected a number or a string, found %s",
                           fs_cfg_type_name(m));
        fs_err_clear(&e);
        if (fs_disc_opt_set(sw->discovery, key, value, &e) != FS_OK)
            return fs_cfg_fail_at(c, m, where, "%s", e.msg);
    }
    fs_err_clear(&e);
    if (fs_disc_opts_check(sw->discovery, &e) != FS_OK)
        return fs_cfg_fail_at(c, g, "discovery", "%s", e.msg);
    for (i = 0; i < sw->noutputs; i++)
        if (strcmp(sw->outputs[i].name, sw->discovery->output) == 0)
            break;
    if (i == sw->noutputs)
        return fs_cfg_fail_at(c, config_setting_get_member(g, "output"), "discovery.output", "\"%s\" "
                       "is not one of the sweep's outputs", sw->discovery->output);
    return discovery_inputs(c, config_setting_get_member(g, "inputs"), sw);
}

static fs_status read_param(const ctx *c, const config_setting_t *g, int i, fs_sweep *sw)
{
    fs_sweep_param *p = &sw->params[i];
    const config_setting_t *lev, *lo, *hi;
    char where[64], w2[80];
    char *kind = NULL;
    fs_status st;
    int j, isint;

    snprintf(where, sizeof where, "parameters.[%d]", i + 1);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, where, "expected a group { path = ...; lo = ...; hi = ...; }, "
                       "found %s", fs_cfg_type_name(g));
    if ((st = fs_cfg_check_keys(c, g, where, param_keys, 6)) != FS_OK ||
        (st = fs_cfg_get_string(c, g, "path", where, 1, &p->path)) != FS_OK ||
        (snprintf(w2, sizeof w2, "%s.label", where) > 0 &&
         (st = fs_cfg_get_string(c, g, "label", w2, 0, &p->label)) != FS_OK) ||
        (st = fs_cfg_get_string(c, g, "kind", where, 0, &kind)) != FS_OK)
        goto done;
    snprintf(w2, sizeof w2, "%s.path", where);
    if (fs_scenario_get(sw->base, p->path, &p->base, &isint) != 0 ||
        strcmp(p->path, "runs") == 0) {
        /* The loader knows the paths best: ask it, for its suggestion. */
        fs_override probe = {p->path, "0"};
        fs_scenario *sc = NULL;
        fs_err e;
        fs_err_clear(&e);
        if (strcmp(p->path, "runs") != 0 &&
            fs_load_scenario_text(sw->base_text, &probe, 1, &sc, &e) == FS_EUSAGE)
            st = fs_cfg_fail_at(c, config_setting_get_member(g, "path"), w2, "%.900s", e.msg);
        else
            st = fs_cfg_fail_at(c, config_setting_get_member(g, "path"), w2, "\"%s\" names no "
                         "numeric setting of the base scenario %s (paths are written as --set "
                         "takes them, e.g. mechanisms.[rats].intensity; runs per point are the "
                         "sweep's runs)", p->path, sw->base_path);
        fs_scenario_free(sc);
        goto done;
    }
    p->integer = isint;
    if (p->label && p->label[0] == '\0') {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "label"), where, "label: expected a "
                     "readable name (charts and sweep.md show it), found \"\"");
        goto done;
    }
    if (p->label == NULL && (st = default_label(c, sw->base, p)) != FS_OK)
        goto done;
    for (j = 0; j < i; j++)
        if (strcmp(sw->params[j].path, p->path) == 0) {
            st = fs_cfg_fail_at(c, g, w2, "\"%s\" is swept twice (also parameters.[%d])", p->path,
                         j + 1);
            goto done;
        }
    for (j = 0; j < sw->nsets; j++)
        if (strcmp(sw->sets[j].path, p->path) == 0) {
            st = fs_cfg_fail_at(c, g, w2, "\"%s\" is both swept and set by --set", p->path);
            goto done;
        }
    p->lever = 0;
    if (kind && strcmp(kind, "lever") == 0)
        p->lever = 1;
    else if (kind && strcmp(kind, "uncertainty") != 0) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "kind"), where, "kind: expected "
                     "\"lever\" or \"uncertainty\", found \"%s\"", kind);
        goto done;
    }
    lev = config_setting_get_member(g, "levels");
    lo = config_setting_get_member(g, "lo");
    hi = config_setting_get_member(g, "hi");
    if (lev) {
        int n = config_setting_length(lev);
        if (lo || hi) {
            st = fs_cfg_fail_at(c, g, where, "give either levels or lo and hi, not both");
            goto done;
        }
        if (sw->design != FS_DESIGN_GRID) {
            st = fs_cfg_fail_at(c, lev, where, "levels are for grid designs; this sweep's design is "
                         "%s: give lo and hi", fs_design_kind_name(sw->design));
            goto done;
        }
        if ((config_setting_type(lev) != CONFIG_TYPE_ARRAY &&
             config_setting_type(lev) != CONFIG_TYPE_LIST) || n < 1 || n > FS_SWEEP_MAX_LEVELS) {
            st = fs_cfg_fail_at(c, lev, where, "levels: expected an array of 1 to %d numbers",
                         FS_SWEEP_MAX_LEVELS);
            goto done;
        }
        if ((p->levels = malloc((size_t)n * sizeof *p->levels)) == NULL) {
            st = fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
            goto done;
        }
        p->nlevels = n;
        for (j = 0; j < n; j++) {
            if (fs_cfg_as_number(config_setting_get_elem(lev, j), &p->levels[j]) != 0 ||
                (isint && p->levels[j] != floor(p->levels[j]))) {
                st = fs_cfg_fail_at(c, lev, where, "levels: element %d: expected %s", j + 1,
                             isint ? "an integer" : "a finite number");
                goto done;
            }
            p->lo = j == 0 || p->levels[j] < p->lo ? p->levels[j] : p->lo;
            p->hi = j == 0 || p->levels[j] > p->hi ? p->levels[j] : p->hi;
        }
    } else {
        if (lo == NULL || hi == NULL) {
            st = fs_cfg_fail_at(c, g, where, "missing required key '%s' (a range lo..hi%s)",
                         lo ? "hi" : "lo", sw->design == FS_DESIGN_GRID ? ", or levels" : "");
            goto done;
        }
        if (fs_cfg_as_number(lo, &p->lo) != 0 || fs_cfg_as_number(hi, &p->hi) != 0) {
            const config_setting_t *b = fs_cfg_as_number(lo, &p->lo) ? lo : hi;
            char found[48];
            if (config_setting_type(b) == CONFIG_TYPE_FLOAT)   /* too large: inf */
                snprintf(found, sizeof found, "%g", config_setting_get_float(b));
            else
                snprintf(found, sizeof found, "%s", fs_cfg_type_name(b));
            snprintf(w2, sizeof w2, "%s.%s", where, b == lo ? "lo" : "hi");
            st = fs_cfg_fail_at(c, b, w2, "expected a finite number, found %s", found);
            goto done;
        }
        if (p->lo > p->hi) {
            st = fs_cfg_fail_at(c, lo, where, "lo = %g is above hi = %g", p->lo, p->hi);
            goto done;
        }
        if (isint && (p->lo != floor(p->lo) || p->hi != floor(p->hi))) {
            st = fs_cfg_fail_at(c, lo, where, "%s is an integer setting: expected integer bounds, "
                         "found %g..%g", p->path, p->lo, p->hi);
            goto done;
        }
    }
    snprintf(w2, sizeof w2, "%s.lo", where);
    if ((st = try_value(c, sw, lo ? lo : lev, w2, p->path, p->lo, isint)) != FS_OK)
        goto done;
    snprintf(w2, sizeof w2, "%s.hi", where);
    st = try_value(c, sw, hi ? hi : lev, w2, p->path, p->hi, isint);
done:
    free(kind);
    return st;
}

static fs_status read_output(const ctx *c, const config_setting_t *s, int i, fs_sweep *sw)
{
    char where[64];
    snprintf(where, sizeof where, "outputs.[%d]", i + 1);
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fs_cfg_fail_at(c, s, where, "expected a string such as \"escalation\" or "
                       "\"casualties.mean\", found %s", fs_cfg_type_name(s));
    return fs_cfg_output(c, s, where, config_setting_get_string(s), sw->base, &sw->outputs[i]);
}

fs_status fs_cfg_output(const fs_cfg_ctx *c, const config_setting_t *s, const char *where,
                        const char *name, const fs_scenario *base, fs_sweep_output *o)
{
    char cands[FS_OUT_N + FS_TOT_N][72], hint[768], msg[FS_ERR_MSG_MAX / 2];
    const char *cp[FS_OUT_N + FS_TOT_N];
    int k, n = 0, r;

    if ((o->name = strdup(name)) == NULL)
        return fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
    if ((r = fs_sweep_output_parse(name, base, o, msg, sizeof msg)) == 0)
        return FS_OK;
    if (r < 0)
        return fs_cfg_fail_at(c, s, where, "%s", msg);
    for (k = 0; k < FS_OUT_N; k++)
        snprintf(cands[n], sizeof cands[0], "%s", fs_outcome_name(k)), cp[n] = cands[n], n++;
    for (k = 0; k < FS_TOT_N; k++)
        snprintf(cands[n], sizeof cands[0], "%s.mean", fs_total_name(k)), cp[n] = cands[n], n++;
    fs_suggest(hint, sizeof hint, name, cp, n, "outputs are an outcome, a summary metric "
               "with .mean or .p5 ... .p95, an actor's, threat's or pair's total such as "
               "attacks.[AF].mean or trust.[IN-PK].p5, or a time series at a step such as "
               "stability.[TJ].p5@24 (docs/SWEEP.md)");
    return fs_cfg_fail_at(c, s, where, "unknown output \"%s\"%s", name, hint);
}

/* Output i named again would give sweep.csv two columns of one name. */
static fs_status output_once(const ctx *c, const config_setting_t *s, int i,
                             const fs_sweep *sw)
{
    char where[64];
    int j;

    for (j = 0; j < i; j++)
        if (strcmp(sw->outputs[j].name, sw->outputs[i].name) == 0) {
            snprintf(where, sizeof where, "outputs.[%d]", i + 1);
            return fs_cfg_fail_at(c, s, where, "\"%s\" is listed twice (also outputs.[%d])",
                           sw->outputs[i].name, j + 1);
        }
    return FS_OK;
}

static fs_status read_list(const ctx *c, const config_t *cf, const char *key, int max,
                           int *count, const config_setting_t **out)
{
    const config_setting_t *s = config_lookup(cf, key);
    if (s == NULL)
        return fs_cfg_fail_at(c, NULL, key, "missing required section '%s'", key);
    if (config_setting_type(s) != CONFIG_TYPE_LIST && config_setting_type(s) != CONFIG_TYPE_ARRAY)
        return fs_cfg_fail_at(c, s, key, "expected a list of 1 to %d entries, found %s", max,
                       fs_cfg_type_name(s));
    if (config_setting_length(s) < 1 || config_setting_length(s) > max)
        return fs_cfg_fail_at(c, s, key, "expected a list of 1 to %d entries, found %d", max,
                       config_setting_length(s));
    *count = config_setting_length(s);
    *out = s;
    return FS_OK;
}

/* Whether a --set names key. --set runs=N and seed=S replace the sweep
 * file's runs and seed: the base scenario's would be ignored, since every
 * point runs with the sweep's. The base has already checked the value. */
static int set_on_command_line(const fs_sweep *sw, const char *key)
{
    int i;
    for (i = 0; i < sw->nsets; i++)
        if (strcmp(sw->sets[i].path, key) == 0)
            return 1;
    return 0;
}

/* A scenario given where a sweep file is expected would fail on its first
 * key ("unknown key 'question'"): say what it is and which command runs it. */
static fs_status not_a_scenario(const ctx *c, const config_setting_t *root)
{
    if (config_setting_get_member(root, "levers") && config_setting_get_member(root, "objectives"))
        return fs_err_set(c->err, FS_ECONFIG, "%s is a search file (it has 'levers' and "
                          "'objectives'), not a sweep file: use 'foresight optimize %s'",
                          c->file, c->file);
    if (config_setting_get_member(root, "actors") == NULL
        || config_setting_get_member(root, "base") != NULL)
        return FS_OK;
    return fs_err_set(c->err, FS_ECONFIG, "%s is a scenario file (it has 'actors'), not a "
                      "sweep file: use 'foresight run %s', or name it as the 'base' of a "
                      "sweep file (docs/SWEEP.md)", c->file, c->file);
}

static fs_status read_sweep(const ctx *c, const config_t *cf, fs_sweep *sw)
{
    const config_setting_t *root = config_root_setting(cf), *list;
    char dir[4096], *base = NULL;
    long runs = 200;
    fs_status st;
    int i, n;

    if ((st = not_a_scenario(c, root)) != FS_OK ||
        (st = fs_cfg_check_keys(c, root, "", top_keys, 9)) != FS_OK ||
        (st = fs_cfg_get_string(c, root, "name", "name", 1, &sw->name)) != FS_OK ||
        (sw->name[0] == '\0' &&
         (st = fs_cfg_fail_at(c, config_lookup(cf, "name"), "name", "expected a non-empty name "
                       "(charts and sweep.md show it), found \"\"")) != FS_OK) ||
        (st = fs_cfg_get_string(c, root, "description", "description", 0, &sw->description)) != FS_OK ||
        (st = fs_cfg_get_string(c, root, "base", "base", 1, &base)) != FS_OK ||
        (st = fs_cfg_get_long(c, root, "runs", "runs", 1, FS_MAX_RUNS, &runs)) != FS_OK)
        goto done;
    sw->runs = runs;
    dirname_of(c->file, dir, sizeof dir);
    if ((sw->base_path = malloc(strlen(dir) + strlen(base) + 1)) == NULL) {
        st = fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
        goto done;
    }
    sprintf(sw->base_path, "%s%s", base[0] == '/' ? "" : dir, base);
    sw->base_given = base;
    base = NULL;
    /* The base is read once: every later load (each bound here, each
     * point of the sweep) parses this text, never the files again. */
    if (fs_scenario_text_read(sw->base_path, &sw->base_text, c->err) != FS_OK ||
        fs_load_scenario_text(sw->base_text, sw->sets, sw->nsets, &sw->base, c->err) != FS_OK) {
        /* Name the sweep file's line; keep a --set usage error or out of
         * memory as such. */
        fs_status code = c->err->code;
        char msg[FS_ERR_MSG_MAX / 2];
        snprintf(msg, sizeof msg, "%.1000s", c->err->msg);
        fs_cfg_fail_at(c, config_lookup(cf, "base"), "base", "%s", msg);
        st = c->err->code = code == FS_EUSAGE || code == FS_ENOMEM ? code : FS_ECONFIG;
        goto done;
    }
    sw->seed = sw->base->seed;
    if (set_on_command_line(sw, "runs"))
        sw->runs = sw->base->runs;
    if (!set_on_command_line(sw, "seed") && config_lookup(cf, "seed")) {
        const config_setting_t *s = config_lookup(cf, "seed");
        long long v = config_setting_type(s) == CONFIG_TYPE_INT ? config_setting_get_int(s)
                    : config_setting_type(s) == CONFIG_TYPE_INT64 ? config_setting_get_int64(s)
                    : -1;
        if (v < 0) {
            st = fs_cfg_fail_at(c, s, "seed", "expected an integer >= 0");
            goto done;
        }
        sw->seed = (uint64_t)v;
    }
    if ((st = read_design(c, cf, sw)) != FS_OK)
        goto done;
    if ((st = read_list(c, cf, "parameters", FS_SWEEP_MAX_PARAMS, &n, &list)) != FS_OK)
        goto done;
    if ((sw->params = calloc((size_t)n, sizeof *sw->params)) == NULL) {
        st = fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
        goto done;
    }
    for (i = 0; i < n; i++) {
        sw->nparams = i + 1;
        if ((st = read_param(c, config_setting_get_elem(list, i), i, sw)) != FS_OK)
            goto done;
    }
    if ((st = read_list(c, cf, "outputs", FS_SWEEP_MAX_OUTPUTS, &n, &list)) != FS_OK)
        goto done;
    if ((sw->outputs = calloc((size_t)n, sizeof *sw->outputs)) == NULL) {
        st = fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
        goto done;
    }
    for (i = 0; i < n; i++) {
        sw->noutputs = i + 1;
        if ((st = read_output(c, config_setting_get_elem(list, i), i, sw)) != FS_OK
            || (st = output_once(c, config_setting_get_elem(list, i), i, sw)) != FS_OK)
            goto done;
    }
done:
    free(base);
    return st;
}

/* Checks the design's size and options as building it would, naming the
 * file, without building it (a large design is refused by the sweep's
 * guard before it is allocated). */
static fs_status check_design(const ctx *c, const config_t *cf, const fs_sweep *sw)
{
    fs_sparam sp[FS_SWEEP_MAX_PARAMS];
    fs_err e;
    int np;
    fs_sweep_sparams(sw, sp);
    if (fs_design_count(sw->design, sp, sw->nparams, &sw->dopts, &np, &e) != FS_OK)
        return fs_cfg_fail_at(c, config_lookup(cf, "design"), "design", "%s", e.msg);
    return FS_OK;
}

/* The posterior the base names, if any, checked before any point runs. */
static fs_status check_posterior(fs_sweep *sw, fs_err *err)
{
    const char *paths[FS_SWEEP_MAX_PARAMS];
    int i;
    for (i = 0; i < sw->nparams; i++)
        paths[i] = sw->params[i].path;
    return fs_posterior_check_batch(sw->base, sw->sets, sw->nsets, paths, sw->nparams,
                                    sw->path, &sw->posterior, err);
}

/* Both entry points: the text from the file, or from memory (text != NULL). */
static fs_status load(const char *file, const char *text, size_t len, const fs_override *ov,
                      int nov, fs_sweep **out, fs_err *err)
{
    fs_source src;
    config_t cf;
    fs_sweep *sw = calloc(1, sizeof *sw);
    ctx c;
    fs_status st;
    int i;

    *out = NULL;
    memset(&src, 0, sizeof src);
    config_init(&cf);
    if (sw == NULL) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory reading %s", file);
        goto fail;
    }
    if ((sw->path = strdup(file)) == NULL ||
        (nov > 0 && (sw->sets = calloc((size_t)nov, sizeof *sw->sets)) == NULL)) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory reading %s", file);
        goto fail;
    }
    for (i = 0; i < nov; i++)
        sw->sets[i] = ov[i];
    sw->nsets = nov;
    st = text ? fs_source_read_buffer(&src, file, text, len, "sweep file", err)
              : fs_source_read(&src, file, "sweep file", err);
    if (st != FS_OK)
        goto fail;
    if (config_read_string(&cf, src.text) != CONFIG_TRUE) {
        st = fs_source_syntax_error(&src, &cf, "sweep file", err);
        goto fail;
    }
    c.src = &src;
    c.file = file;
    c.err = err;
    if ((st = read_sweep(&c, &cf, sw)) != FS_OK || (st = check_design(&c, &cf, sw)) != FS_OK
        || (st = read_discovery(&c, &cf, sw)) != FS_OK || (st = check_posterior(sw, err)) != FS_OK)
        goto fail;
    config_destroy(&cf);
    fs_source_release(&src);
    *out = sw;
    return FS_OK;
fail:
    config_destroy(&cf);
    fs_source_release(&src);
    fs_sweep_free(sw);
    return st;
}

fs_status fs_sweep_load(const char *file, const fs_override *ov, int nov, fs_sweep **out,
                        fs_err *err)
{
    return load(file, NULL, 0, ov, nov, out, err);
}

fs_status fs_sweep_load_buffer(const char *name, const char *text, size_t len,
                               const fs_override *ov, int nov, fs_sweep **out, fs_err *err)
{
    return load(name, text, len, ov, nov, out, err);
}

void fs_sweep_sparams(const fs_sweep *sw, fs_sparam *sp)
{
    int i;
    for (i = 0; i < sw->nparams; i++) {
        memset(&sp[i], 0, sizeof sp[i]);
        sp[i].lo = sw->params[i].lo;
        sp[i].hi = sw->params[i].hi;
        sp[i].integer = sw->params[i].integer;
        sp[i].nlevels = sw->params[i].nlevels;
        sp[i].levels = sw->params[i].levels;
        sp[i].name = sw->params[i].path;
    }
}

void fs_sweep_free(fs_sweep *sw)
{
    int i;
    if (sw == NULL)
        return;
    fs_posterior_free(sw->posterior);
    for (i = 0; i < sw->nparams; i++) {
        free(sw->params[i].path);
        free(sw->params[i].label);
        free(sw->params[i].levels);
    }
    for (i = 0; i < sw->noutputs; i++)
        free(sw->outputs[i].name);
    free(sw->params);
    free(sw->outputs);
    free(sw->sets);
    fs_scenario_free(sw->base);
    fs_disc_opts_release(sw->discovery);
    free(sw->discovery);
    fs_scenario_text_free(sw->base_text);
    free(sw->path);
    free(sw->name);
    free(sw->description);
    free(sw->base_path);
    free(sw->base_given);
    free(sw);
}
