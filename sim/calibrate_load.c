/* calibrate_load.c: reading and validating calibration files. Every
 * message names the file, the line and the setting; every parameter's
 * path and prior is checked against the base scenario (the prior is
 * truncated to the setting's range, and one that lies outside it is
 * refused), every target's output against the quantities a run has. */
#include "calibrate.h"

#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgread.h"
#include "suggest.h"

typedef fs_cfg_ctx ctx;

static const char *top_keys[] = {"name", "description", "base", "runs", "seed", "parameters",
                                 "targets", "method"};
static const char *param_keys[] = {"path", "label", "prior"};
static const char *prior_keys[] = {"type", "lo", "hi", "mean", "sd", "alpha", "beta", "shape",
                                   "rate"};
static const char *target_keys[] = {"name", "output", "figure", "uncertainty", "sd", "source"};
static const char *method_keys[] = {"type", "particles", "generations", "quantile", "tolerance",
                                    "min_acceptance", "budget", "predictive"};
static const char *prior_names[] = {"uniform", "loguniform", "normal", "lognormal", "beta",
                                    "gamma"};
static const char *unc_names[] = {"relative", "absolute", "count"};

/* Each family's two keys, in the order of fs_prior's a and b. */
static const char *family_keys[6][2] = {{"lo", "hi"}, {"lo", "hi"}, {"mean", "sd"},
                                        {"mean", "sd"}, {"alpha", "beta"}, {"shape", "rate"}};

static fs_status nomem(const ctx *c)
{
    return fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
}

static fs_status get_number(const ctx *c, const config_setting_t *g, const char *key,
                            const char *where, int required, double *v)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    char w[256];
    if (s == NULL)
        return required ? fs_cfg_fail_at(c, g, where, "missing required key '%s'", key) : FS_OK;
    snprintf(w, sizeof w, "%s%s%s", where, where[0] ? "." : "", key);
    if (fs_cfg_as_number(s, v) != 0)
        return fs_cfg_fail_at(c, s, w, "expected a number, found %s", fs_cfg_type_name(s));
    return FS_OK;
}

static fs_status get_seed(const ctx *c, const config_setting_t *g, const char *key,
                          const char *where, uint64_t *out)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    long long v;
    if (s == NULL)
        return FS_OK;
    v = config_setting_type(s) == CONFIG_TYPE_INT ? config_setting_get_int(s)
      : config_setting_type(s) == CONFIG_TYPE_INT64 ? config_setting_get_int64(s) : -1;
    if (v < 0)
        return fs_cfg_fail_at(c, s, where, "expected an integer >= 0, found %s",
                              fs_cfg_type_name(s));
    *out = (uint64_t)v;
    return FS_OK;
}

/* A word among names[0..n-1]: its index, or an error with a suggestion. */
static fs_status one_of(const ctx *c, const config_setting_t *s, const char *where,
                        const char *word, const char *const *names, int n, int *out)
{
    char hint[256];
    for (int k = 0; k < n; k++)
        if (!strcmp(word, names[k])) {
            *out = k;
            return FS_OK;
        }
    fs_suggest(hint, sizeof hint, word, names, n, "expected one of");
    return fs_cfg_fail_at(c, s, where, "unknown \"%s\"%s", word, hint);
}

/* The prior group of parameter p (at where): its family and two numbers,
 * truncated to [lo, hi], the setting's range. */
static fs_status read_prior(const ctx *c, const fs_calib *cal, const fs_scenario_text *text,
                            const config_setting_t *pg, const char *where, fs_cal_param *p,
                            double lo, double hi, int lo_open)
{
    const config_setting_t *g = config_setting_get_member(pg, "prior");
    char w[160], w2[200], *type = NULL, msg[256];
    int kind = 0;
    fs_status st;

    snprintf(w, sizeof w, "%s.prior", where);
    if (g == NULL)
        return fs_cfg_fail_at(c, pg, where, "missing required key 'prior' (a group such as "
                              "{ type = \"uniform\"; lo = 0.1; hi = 0.5; })");
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, w, "expected a group such as { type = \"uniform\"; lo = "
                              "0.1; hi = 0.5; }, found %s", fs_cfg_type_name(g));
    if ((st = fs_cfg_check_keys(c, g, w, prior_keys, 9)) ||
        (st = fs_cfg_get_string(c, g, "type", w, 1, &type)))
        return st;
    snprintf(w2, sizeof w2, "%s.type", w);
    st = one_of(c, config_setting_get_member(g, "type"), w2, type, prior_names, 6, &kind);
    free(type);
    if (st)
        return st;
    for (int k = 0; k < 9; k++) {
        const config_setting_t *m = config_setting_get_member(g, prior_keys[k]);
        if (m && k > 0 && strcmp(prior_keys[k], family_keys[kind][0]) &&
            strcmp(prior_keys[k], family_keys[kind][1])) {
            snprintf(w2, sizeof w2, "%s.%s", w, prior_keys[k]);
            return fs_cfg_fail_at(c, m, w2, "a %s prior takes %s and %s, not %s",
                                  prior_names[kind], family_keys[kind][0],
                                  family_keys[kind][1], prior_keys[k]);
        }
    }
    fs_prior *pr = &p->prior;
    pr->kind = kind;
    if ((st = get_number(c, g, family_keys[kind][0], w, 1, &pr->a)) ||
        (st = get_number(c, g, family_keys[kind][1], w, 1, &pr->b)))
        return st;
    /* the setting's range, within the family's own domain */
    pr->lo = kind == FS_PRIOR_UNIFORM || kind == FS_PRIOR_NORMAL ? lo : fmax(lo, 0);
    pr->hi = kind == FS_PRIOR_BETA ? fmin(hi, 1) : hi;
    if (fs_prior_check(pr, msg, sizeof msg) != 0)
        return fs_cfg_fail_at(c, g, w, "%s", msg);
    /* A prior that puts values outside the setting's range is refused
     * where the file says so plainly: a uniform's ends, a location
     * outside the range. */
    char range[96];
    snprintf(range, sizeof range, "%c%g, %s", lo_open ? '(' : '[', lo,
             isinf(hi) ? "inf)" : "");
    if (!isinf(hi))
        snprintf(range + strlen(range), sizeof range - strlen(range), "%g]", hi);
    if (kind == FS_PRIOR_UNIFORM || kind == FS_PRIOR_LOGUNIFORM) {
        for (int j = 0; j < 2; j++) {
            double v = j ? pr->b : pr->a;
            snprintf(w2, sizeof w2, "%s.%s", w, j ? "hi" : "lo");
            if (v < lo || v > hi || (lo_open && v == lo))
                return fs_cfg_fail_at(c, config_setting_get_member(g, j ? "hi" : "lo"), w2,
                                      "%g is outside the range of %s, %s: a prior must lie "
                                      "within the values the setting takes", v, p->path,
                                      range);
            if ((st = fs_cfg_try_value(c, cal->base_path, text, cal->sets, cal->nsets,
                                       config_setting_get_member(g, j ? "hi" : "lo"), w2,
                                       p->path, v, p->prior.integer)))
                return st;
        }
    } else {
        double loc = kind == FS_PRIOR_LOGNORMAL ? exp(pr->a)
                   : kind == FS_PRIOR_NORMAL ? pr->a : NAN;
        if (!isnan(loc) && (loc < lo || loc > hi)) {
            snprintf(w2, sizeof w2, "%s.mean", w);
            return fs_cfg_fail_at(c, config_setting_get_member(g, "mean"), w2,
                                  "the prior's %s %g is outside the range of %s, %s: a "
                                  "prior must lie within the values the setting takes",
                                  kind == FS_PRIOR_LOGNORMAL ? "median exp(mean)" : "mean",
                                  loc, p->path, range);
        }
        if (kind == FS_PRIOR_BETA && (lo > 0 || hi < 1))
            return fs_cfg_fail_at(c, g, w, "a beta prior lies on [0, 1], but %s takes %s "
                                  "only: use a uniform or a normal prior", p->path, range);
        if (kind == FS_PRIOR_GAMMA && lo > 0)
            return fs_cfg_fail_at(c, g, w, "a gamma prior lies on [0, inf), but %s takes %s "
                                  "only: use a uniform or a normal prior", p->path, range);
    }
    return FS_OK;
}

static fs_status read_param(const ctx *c, fs_calib *cal, const fs_scenario_text *text,
                            const fs_scenario *base, const config_setting_t *g, int i)
{
    fs_cal_param *p = &cal->params[i];
    char where[64], w2[96];
    double lo, hi;
    int lo_open = 0, integer = 0;
    fs_status st;

    snprintf(where, sizeof where, "parameters.[%d]", i + 1);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, where, "expected a group { path = ...; prior = { ... }; }, "
                              "found %s", fs_cfg_type_name(g));
    if ((st = fs_cfg_check_keys(c, g, where, param_keys, 3)) ||
        (st = fs_cfg_get_string(c, g, "path", where, 1, &p->path)) ||
        (st = fs_cfg_get_string(c, g, "label", where, 0, &p->label)))
        return st;
    snprintf(w2, sizeof w2, "%s.path", where);
    const config_setting_t *ps = config_setting_get_member(g, "path");
    if (fs_scenario_get(base, p->path, &p->base, &integer) != 0 || !strcmp(p->path, "runs") ||
        !strcmp(p->path, "seed") || !strcmp(p->path, "steps"))
        return fs_cfg_fail_at(c, ps, w2, "\"%s\" names no numeric setting of the base "
                              "scenario %s that a calibration can fit (paths are written as "
                              "--set takes them, e.g. threats.[iskp].plot_rate)", p->path,
                              cal->base_path);
    for (int k = 0; k < cal->nsets; k++)
        if (!strcmp(cal->sets[k].path, p->path))
            return fs_cfg_fail_at(c, ps, w2, "\"%s\" is both fitted and set by --set", p->path);
    for (int k = 0; k < i; k++)
        if (!strcmp(cal->params[k].path, p->path))
            return fs_cfg_fail_at(c, ps, w2, "\"%s\" is fitted twice (parameters.[%d] too)",
                                  p->path, k + 1);
    p->prior.integer = integer;
    /* the setting's range: the loader's, read with the setting written
     * out (a default is read without one) */
    {
        fs_override ov[257];
        char val[64];
        int n = cal->nsets < 256 ? cal->nsets : 256;
        if (n > 0)
            memcpy(ov, cal->sets, (size_t)n * sizeof *ov);
        snprintf(val, sizeof val, integer ? "%.0f" : "%.17g", p->base);
        ov[n].path = p->path;
        ov[n].value = val;
        if (fs_load_range(text, ov, n + 1, p->path, &lo, &hi, &lo_open, c->err) != FS_OK)
            return fs_cfg_fail_at(c, ps, w2, "\"%s\": its range of values cannot be read from "
                                  "the base scenario %s", p->path, cal->base_path);
    }
    if ((st = read_prior(c, cal, text, g, where, p, lo, hi, lo_open)))
        return st;
    if (!p->label && !(p->label = strdup(p->path)))
        return nomem(c);
    return FS_OK;
}

static fs_status read_target(const ctx *c, fs_calib *cal, const fs_scenario *base,
                             const config_setting_t *g, int i)
{
    fs_cal_target *t = &cal->targets[i];
    char where[64], w2[96], msg[1024], *unc = NULL, words[512];
    fs_status st;

    snprintf(where, sizeof where, "targets.[%d]", i + 1);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, where, "expected a group { name = ...; output = ...; figure "
                              "= ...; uncertainty = ...; }, found %s", fs_cfg_type_name(g));
    if ((st = fs_cfg_check_keys(c, g, where, target_keys, 6)) ||
        (st = fs_cfg_get_string(c, g, "name", where, 1, &t->name)) ||
        (st = fs_cfg_get_string(c, g, "output", where, 1, &t->output)) ||
        (st = fs_cfg_get_string(c, g, "source", where, 0, &t->source)) ||
        (st = get_number(c, g, "figure", where, 1, &t->figure)) ||
        (st = fs_cfg_get_string(c, g, "uncertainty", where, 1, &unc)))
        goto done;
    snprintf(w2, sizeof w2, "%s.name", where);
    if (!t->name[0] || strpbrk(t->name, ",\"\n\r")) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "name"), w2, "expected a non-empty "
                            "name without commas, quotes or newlines (a column of "
                            "predictive.csv), found \"%s\"", t->name);
        goto done;
    }
    for (int k = 0; k < i; k++)
        if (!strcmp(cal->targets[k].name, t->name)) {
            st = fs_cfg_fail_at(c, config_setting_get_member(g, "name"), w2, "\"%s\" names "
                                "targets.[%d] too", t->name, k + 1);
            goto done;
        }
    snprintf(w2, sizeof w2, "%s.output", where);
    if (fs_runvalue_parse(t->output, base, &t->value, msg, sizeof msg) != 0) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "output"), w2, "%s", msg);
        goto done;
    }
    fs_runvalue_describe(&t->value, base, words, sizeof words);
    if (!(t->mapping = strdup(words)) || (!t->source && !(t->source = strdup("")))) {
        st = nomem(c);
        goto done;
    }
    snprintf(w2, sizeof w2, "%s.uncertainty", where);
    if ((st = one_of(c, config_setting_get_member(g, "uncertainty"), w2, unc, unc_names, 3,
                     &t->uncertainty)))
        goto done;
    const config_setting_t *sds = config_setting_get_member(g, "sd");
    snprintf(w2, sizeof w2, "%s.sd", where);
    if (t->uncertainty == FS_UNC_COUNT) {
        if (sds) {
            st = fs_cfg_fail_at(c, sds, w2, "a count's sd is the square root of its figure "
                                "(Poisson): give no sd, or use \"absolute\"");
            goto done;
        }
        if (!(t->figure > 0)) {
            st = fs_cfg_fail_at(c, config_setting_get_member(g, "figure"), where, "a count's "
                                "sd is the square root of its figure, and a figure of %g gives "
                                "none: use uncertainty = \"absolute\" with an sd > 0",
                                t->figure);
            goto done;
        }
        t->given = NAN;
        t->sd = sqrt(t->figure);
    } else {
        if ((st = get_number(c, g, "sd", where, 1, &t->given)))
            goto done;
        if (!(t->given > 0)) {
            st = fs_cfg_fail_at(c, sds, w2, "expected an uncertainty > 0 (a figure known "
                                "exactly cannot be compared with a stochastic model), found %g",
                                t->given);
            goto done;
        }
        t->sd = t->uncertainty == FS_UNC_RELATIVE ? t->given * fabs(t->figure) : t->given;
        if (!(t->sd > 0)) {
            st = fs_cfg_fail_at(c, sds, w2, "a relative sd of a figure of 0 is 0: use "
                                "uncertainty = \"absolute\"");
            goto done;
        }
    }
done:
    free(unc);
    return st;
}

static fs_status read_list(const ctx *c, const config_t *cf, const char *key, int max,
                           const char *shape, const config_setting_t **out)
{
    const config_setting_t *l = config_lookup(cf, key);
    if (l == NULL)
        return fs_cfg_fail_at(c, NULL, key, "missing required section '%s'", key);
    if (config_setting_type(l) != CONFIG_TYPE_LIST || config_setting_length(l) < 1 ||
        config_setting_length(l) > max)
        return fs_cfg_fail_at(c, l, key, "expected a list of 1 to %d groups ( %s, ... ), found "
                              "%s of %d", max, shape, fs_cfg_type_name(l),
                              config_setting_length(l));
    *out = l;
    return FS_OK;
}

static fs_status read_method(const ctx *c, const config_t *cf, fs_calib *cal)
{
    const config_setting_t *g = config_lookup(cf, "method");
    char *type = NULL;
    long particles = 1000, gens = 8, budget = 0, pred = -1;
    double q = 0.5, tol = 0, minacc = 0.005;
    fs_status st = FS_OK;

    if (g && config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, "method", "expected a group { type = \"abc-smc\"; particles "
                              "= ...; generations = ...; }, found %s", fs_cfg_type_name(g));
    if (g && ((st = fs_cfg_check_keys(c, g, "method", method_keys, 8)) ||
              (st = fs_cfg_get_string(c, g, "type", "method.type", 0, &type)) ||
              (st = fs_cfg_get_long(c, g, "particles", "method.particles", 10, 100000,
                                    &particles)) ||
              (st = fs_cfg_get_long(c, g, "generations", "method.generations", 1, 1000, &gens)) ||
              (st = fs_cfg_get_long(c, g, "budget", "method.budget", 0, 2000000000L, &budget)) ||
              (st = fs_cfg_get_long(c, g, "predictive", "method.predictive", 0, 100000, &pred)) ||
              (st = get_number(c, g, "quantile", "method", 0, &q)) ||
              (st = get_number(c, g, "tolerance", "method", 0, &tol)) ||
              (st = get_number(c, g, "min_acceptance", "method", 0, &minacc))))
        goto done;
    if (type && strcmp(type, "abc-smc")) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "type"), "method.type",
                            "expected \"abc-smc\", found \"%s\"", type);
        goto done;
    }
    if (!(q > 0 && q < 1)) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "quantile"), "method.quantile",
                            "expected a number in (0, 1), found %g", q);
        goto done;
    }
    if (!(tol >= 0)) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "tolerance"), "method.tolerance",
                            "expected a number >= 0, found %g", tol);
        goto done;
    }
    if (!(minacc >= 0 && minacc < 1)) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "min_acceptance"),
                            "method.min_acceptance", "expected a number in [0, 1), found %g",
                            minacc);
        goto done;
    }
    if (budget > 0 && budget < particles * cal->runs) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "budget"), "method.budget",
                            "%ld runs cannot fill even the first generation (%ld particles x "
                            "%ld runs = %ld): expected 0 (no budget) or at least %ld", budget,
                            particles, cal->runs, particles * cal->runs, particles * cal->runs);
        goto done;
    }
    cal->opts.particles = (int)particles;
    cal->opts.generations = (int)gens;
    cal->opts.quantile = q;
    cal->opts.tolerance = tol;
    /* abc.h reads 0 as its default: a tiny positive rate stands for "none" */
    cal->opts.min_acceptance = minacc > 0 ? minacc : 1e-300;
    cal->opts.max_simulations = budget / cal->runs;
    cal->opts.replicates = (int)cal->runs;
    cal->opts.batch = (int)particles;
    cal->opts.seed = cal->seed;
    cal->budget = budget;
    cal->predictive = pred >= 0 ? (int)pred : (int)(particles < 1000 ? particles : 1000);
done:
    free(type);
    return st;
}

static fs_status read_calib(const ctx *c, const config_t *cf, fs_calib *cal,
                            const char *hold_out)
{
    const config_setting_t *root = config_root_setting(cf), *l;
    char *base = NULL;
    long runs = 1;
    fs_scenario *sc = NULL;
    fs_scenario_text *text = NULL;
    fs_status st;

    if (config_setting_get_member(root, "actors") && !config_setting_get_member(root, "base"))
        return fs_err_set(c->err, FS_ECONFIG, "%s is a scenario file (it has 'actors'), not a "
                          "calibration file: use 'foresight run %s', or name it as the 'base' "
                          "of a calibration file (docs/CALIBRATE.md)", c->file, c->file);
    if ((config_setting_get_member(root, "levers") || config_setting_get_member(root, "design")) &&
        !config_setting_get_member(root, "targets"))
        return fs_err_set(c->err, FS_ECONFIG, "%s is a %s file, not a calibration file: use "
                          "'foresight %s %s' (docs/CALIBRATE.md describes calibration files)",
                          c->file, config_setting_get_member(root, "levers") ? "search" : "sweep",
                          config_setting_get_member(root, "levers") ? "optimize" : "sweep",
                          c->file);
    if ((st = fs_cfg_check_keys(c, root, "", top_keys, 8)) ||
        (st = fs_cfg_get_string(c, root, "name", "name", 0, &cal->name)) ||
        (st = fs_cfg_get_string(c, root, "description", "description", 0, &cal->description)) ||
        (st = fs_cfg_get_string(c, root, "base", "base", 1, &base)) ||
        (st = fs_cfg_get_long(c, root, "runs", "runs", 1, 10000, &runs)))
        goto done;
    cal->runs = runs;
    const char *slash = strrchr(c->file, '/');
    size_t dl = slash && base[0] != '/' ? (size_t)(slash - c->file + 1) : 0;
    if (!(cal->base_path = malloc(dl + strlen(base) + 1))) {
        st = nomem(c);
        goto done;
    }
    sprintf(cal->base_path, "%.*s%s", (int)dl, c->file, base);
    if (fs_scenario_text_read(cal->base_path, &text, c->err) != FS_OK ||
        fs_load_scenario_text(text, cal->sets, cal->nsets, &sc, c->err) != FS_OK) {
        fs_status code = c->err->code;
        char msg[FS_ERR_MSG_MAX / 2];
        snprintf(msg, sizeof msg, "%.1000s", c->err->msg);
        fs_cfg_fail_at(c, config_lookup(cf, "base"), "base", "%s", msg);
        st = c->err->code = code == FS_EUSAGE || code == FS_ENOMEM ? code : FS_ECONFIG;
        goto done;
    }
    if (!(cal->base_name = strdup(sc->name ? sc->name : "")) ||
        (!cal->name && !(cal->name = strdup(sc->name ? sc->name : cal->base_path)))) {
        st = nomem(c);
        goto done;
    }
    /* --set runs=N and seed=S replace the file's */
    int set_runs = 0, set_seed = 0;
    for (int k = 0; k < cal->nsets; k++) {
        set_runs |= !strcmp(cal->sets[k].path, "runs");
        set_seed |= !strcmp(cal->sets[k].path, "seed");
    }
    cal->seed = sc->seed;
    if (set_runs) {
        if (sc->runs > 10000) {
            st = fs_err_set(c->err, FS_EUSAGE, "--set runs=%ld: a calibration takes 1 to 10000 "
                            "runs per particle", sc->runs);
            goto done;
        }
        cal->runs = sc->runs;
    }
    if (!set_seed && (st = get_seed(c, root, "seed", "seed", &cal->seed)))
        goto done;
    if ((st = read_list(c, cf, "parameters", FS_CAL_MAX_PARAMS,
                        "{ path = ...; prior = { type = ...; ... }; }", &l)))
        goto done;
    for (int i = 0; i < config_setting_length(l); i++) {
        cal->nparams = i + 1;
        if ((st = read_param(c, cal, text, sc, config_setting_get_elem(l, i), i)))
            goto done;
    }
    if ((st = read_list(c, cf, "targets", FS_CAL_MAX_TARGETS,
                        "{ name = ...; output = ...; figure = ...; uncertainty = ...; }", &l)))
        goto done;
    for (int i = 0; i < config_setting_length(l); i++) {
        cal->ntargets = i + 1;
        if ((st = read_target(c, cal, sc, config_setting_get_elem(l, i), i)))
            goto done;
    }
    cal->held = -1;
    if (hold_out) {
        const char *names[FS_CAL_MAX_TARGETS];
        char hint[512];
        for (int i = 0; i < cal->ntargets; i++) {
            names[i] = cal->targets[i].name;
            if (!strcmp(hold_out, names[i]))
                cal->held = i;
        }
        if (cal->held < 0) {
            fs_suggest(hint, sizeof hint, hold_out, names, cal->ntargets, "targets are");
            st = fs_err_set(c->err, FS_EUSAGE, "--hold-out: %s has no target '%s'%s", c->file,
                            hold_out, hint);
            goto done;
        }
        if (cal->ntargets < 2) {
            st = fs_err_set(c->err, FS_EUSAGE, "--hold-out %s: %s has no other target to fit "
                            "to", hold_out, c->file);
            goto done;
        }
        cal->targets[cal->held].held_out = 1;
    }
    st = read_method(c, cf, cal);
done:
    fs_scenario_free(sc);
    fs_scenario_text_free(text);
    free(base);
    return st;
}

fs_status fs_calib_load(const char *file, const fs_override *ov, int nov, const char *hold_out,
                        fs_calib **out, fs_err *err)
{
    fs_source src;
    config_t cf;
    fs_calib *cal = calloc(1, sizeof *cal);
    fs_status st;
    ctx c = {&src, file, err};

    *out = NULL;
    memset(&src, 0, sizeof src);
    config_init(&cf);
    if (!cal || !(cal->path = strdup(file)) ||
        (nov > 0 && !(cal->sets = calloc((size_t)nov, sizeof *cal->sets)))) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory reading %s", file);
        goto fail;
    }
    for (int i = 0; i < nov; i++)
        cal->sets[i] = ov[i];
    cal->nsets = nov;
    if ((st = fs_source_read(&src, file, "calibration file", err)) != FS_OK)
        goto fail;
    if (config_read_string(&cf, src.text) != CONFIG_TRUE) {
        st = fs_source_syntax_error(&src, &cf, "calibration file", err);
        goto fail;
    }
    if ((st = read_calib(&c, &cf, cal, hold_out)) != FS_OK)
        goto fail;
    config_destroy(&cf);
    fs_source_release(&src);
    *out = cal;
    return FS_OK;
fail:
    config_destroy(&cf);
    fs_source_release(&src);
    fs_calib_free(cal);
    return st;
}

void fs_calib_free(fs_calib *cal)
{
    if (!cal)
        return;
    for (int i = 0; i < FS_CAL_MAX_PARAMS; i++) {
        free(cal->params[i].path);
        free(cal->params[i].label);
    }
    for (int i = 0; i < FS_CAL_MAX_TARGETS; i++) {
        free(cal->targets[i].name);
        free(cal->targets[i].output);
        free(cal->targets[i].source);
        free(cal->targets[i].mapping);
    }
    free(cal->path);
    free(cal->name);
    free(cal->description);
    free(cal->base_path);
    free(cal->base_name);
    free(cal->sets);
    free(cal);
}
