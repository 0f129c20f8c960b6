/* optimize_load.c: reading and validating search files. Every message
 * names the search file, the line and the setting; every lever and
 * uncertainty path and bound is checked against the base scenario. */
#include "optimize.h"

#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgread.h"
#include "posterior.h"

typedef fs_cfg_ctx ctx;

static const char *top_keys[] = {"name", "description", "base", "runs", "seed", "levers",
                                 "uncertainties", "ensemble", "objectives", "constraints",
                                 "algorithm"};
static const char *var_keys[] = {"path", "lo", "hi", "label"};
static const char *ens_keys[] = {"n", "design", "seed"};
static const char *obj_keys[] = {"output", "sense", "statistic", "threshold"};
static const char *alg_keys[] = {"type", "population", "generations", "epsilons", "seed"};
static const char *robust_names[] = {"mean", "p90", "max", "satisficing", "regret"};

static fs_status nomem(const ctx *c)
{
    return fs_err_set(c->err, FS_ENOMEM, "out of memory reading %s", c->file);
}

static fs_status get_number(const ctx *c, const config_setting_t *g, const char *key,
                            const char *where, int required, double *v)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    if (s == NULL)
        return required ? fs_cfg_fail_at(c, g, where, "missing required key '%s'", key) : FS_OK;
    if (fs_cfg_as_number(s, v) != 0)
        return fs_cfg_fail_at(c, s, where, "%s: expected a number, found %s", key,
                              fs_cfg_type_name(s));
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
        return fs_cfg_fail_at(c, s, where, "expected an integer >= 0");
    *out = (uint64_t)v;
    return FS_OK;
}

/* A lever or uncertainty: path, lo < hi (integral for an integer
 * setting), both accepted by the base scenario. */
static fs_status read_var(const ctx *c, const fs_search *s, const config_setting_t *g,
                          const char *list, int i, fs_search_var *v)
{
    char where[96], w2[128];
    double base;
    fs_scenario *sc = NULL;
    fs_status st;

    snprintf(where, sizeof where, "%s.[%d]", list, i + 1);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, where, "expected a group { path = ...; lo = ...; hi = ...; }, "
                              "found %s", fs_cfg_type_name(g));
    if ((st = fs_cfg_check_keys(c, g, where, var_keys, strcmp(list, "levers") ? 3 : 4)) ||
        (st = fs_cfg_get_string(c, g, "path", where, 1, &v->path)) ||
        (st = fs_cfg_get_string(c, g, "label", where, 0, &v->label)) ||
        (st = get_number(c, g, "lo", where, 1, &v->lo)) ||
        (st = get_number(c, g, "hi", where, 1, &v->hi)))
        return st;
    if (fs_load_scenario(s->base_path, s->sets, s->nsets, &sc, c->err) != FS_OK)
        return c->err->code;
    snprintf(w2, sizeof w2, "%s.path", where);
    int bad = fs_scenario_get(sc, v->path, &base, &v->integer) != 0 || !strcmp(v->path, "runs");
    fs_scenario_free(sc);
    if (bad)
        return fs_cfg_fail_at(c, config_setting_get_member(g, "path"), w2,
                              "\"%s\" names no numeric setting of the base scenario %s (paths "
                              "are written as --set takes them, e.g. mechanisms.[rats].intensity)",
                              v->path, s->base_path);
    for (int k = 0; k < s->nsets; k++)
        if (!strcmp(s->sets[k].path, v->path))
            return fs_cfg_fail_at(c, config_setting_get_member(g, "path"), w2, "\"%s\" is both "
                                  "in the search and set by --set", v->path);
    snprintf(w2, sizeof w2, "%s.hi", where);
    if (!(v->lo < v->hi))
        return fs_cfg_fail_at(c, config_setting_get_member(g, "hi"), w2,
                              "expected hi > lo (%g), found %g", v->lo, v->hi);
    if (v->integer && (v->lo != floor(v->lo) || v->hi != floor(v->hi)))
        return fs_cfg_fail_at(c, config_setting_get_member(g, "lo"), where,
                              "%s is an integer setting: expected integral lo and hi, found "
                              "%g and %g", v->path, v->lo, v->hi);
    for (int j = 0; j < 2; j++) {
        snprintf(w2, sizeof w2, "%s.%s", where, j ? "hi" : "lo");
        if ((st = fs_cfg_try_value(c, s->base_path, NULL, s->sets, s->nsets,
                                   config_setting_get_member(g, j ? "hi" : "lo"), w2, v->path,
                                   j ? v->hi : v->lo, v->integer)))
            return st;
    }
    if (!v->label && !(v->label = strdup(v->path)))
        return nomem(c);
    return FS_OK;
}

/* The index of output o among s->outputs, adding it when new. */
static int output_index(fs_search *s, fs_sweep_output *o)
{
    for (int k = 0; k < s->noutputs; k++)
        if (strcmp(s->outputs[k].name, o->name) == 0) {
            free(o->name);
            return k;
        }
    s->outputs[s->noutputs] = *o;
    return s->noutputs++;
}

int fs_search_obj_larger_better(const fs_search_obj *o)
{
    return o->stat == FS_ROBUST_SATISFICING || (o->maximize && o->stat != FS_ROBUST_REGRET);
}

static int parse_robust(const char *name, fs_robust *r)
{
    for (int k = 0; k < 5; k++)
        if (strcmp(name, robust_names[k]) == 0) {
            *r = (fs_robust)k;
            return 0;
        }
    return -1;
}

static fs_status read_objective(const ctx *c, fs_search *s, const fs_scenario *base,
                                const config_setting_t *g, int i)
{
    fs_search_obj *ob = &s->obj[i];
    char where[64], w2[96], *sense = NULL, *stat = NULL, text[256];
    fs_sweep_output o;
    fs_status st;

    memset(&o, 0, sizeof o);
    snprintf(where, sizeof where, "objectives.[%d]", i + 1);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, where, "expected a group { output = ...; sense = ...; "
                              "statistic = ...; }, found %s", fs_cfg_type_name(g));
    if ((st = fs_cfg_check_keys(c, g, where, obj_keys, 4)) ||
        (st = fs_cfg_get_string(c, g, "sense", where, 0, &sense)) ||
        (st = fs_cfg_get_string(c, g, "statistic", where, 0, &stat)))
        goto done;
    const config_setting_t *os = config_setting_get_member(g, "output");
    snprintf(w2, sizeof w2, "%s.output", where);
    if (os == NULL) {
        st = fs_cfg_fail_at(c, g, where, "missing required key 'output'");
        goto done;
    }
    if (config_setting_type(os) != CONFIG_TYPE_STRING) {
        st = fs_cfg_fail_at(c, os, w2, "expected a string such as \"escalation\" or "
                            "\"cost.mean\", found %s", fs_cfg_type_name(os));
        goto done;
    }
    if ((st = fs_cfg_output(c, os, w2, config_setting_get_string(os), base, &o))) {
        free(o.name);
        goto done;
    }
    ob->out = output_index(s, &o);
    snprintf(w2, sizeof w2, "%s.sense", where);
    if (sense && strcmp(sense, "minimize") && strcmp(sense, "maximize")) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "sense"), w2,
                            "expected \"minimize\" or \"maximize\", found \"%s\"", sense);
        goto done;
    }
    ob->maximize = sense && !strcmp(sense, "maximize");
    snprintf(w2, sizeof w2, "%s.statistic", where);
    if (stat && parse_robust(stat, &ob->stat)) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "statistic"), w2,
                            "expected mean, p90, max, satisficing or regret, found \"%s\"",
                            stat);
        goto done;
    }
    if (ob->stat == FS_ROBUST_SATISFICING) {
        if ((st = get_number(c, g, "threshold", where, 1, &ob->threshold)))
            goto done;
    } else if (config_setting_get_member(g, "threshold")) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "threshold"), where,
                            "threshold is for statistic = \"satisficing\" only");
        goto done;
    }
    /* The short name charts and sentences use: what is taken over the
     * futures, said so ("cost.mean (averaged over futures)", never "cost.mean
     * (mean)"). No comma: it is a CSV field of search_meta.csv. */
    {
        static const char *const over[] = {"averaged over futures", "p90 over futures",
                                           "worst future", "share of futures meeting %g",
                                           "regret over futures"};
        char how[64];
        snprintf(how, sizeof how, over[ob->stat], ob->threshold);
        snprintf(text, sizeof text, "%s (%s)", s->outputs[ob->out].name, how);
    }
    if (!(ob->name = strdup(text)))
        st = nomem(c);
done:
    free(sense);
    free(stat);
    return st;
}

/* "escalation p90 <= 0.10" */
static fs_status read_constraint(const ctx *c, fs_search *s, const fs_scenario *base,
                                 const config_setting_t *g, int i)
{
    fs_search_con *cn = &s->con[i];
    char where[64], out[128], stat[32], op[8], rest[64];
    double v;
    fs_sweep_output o;

    snprintf(where, sizeof where, "constraints.[%d]", i + 1);
    if (config_setting_type(g) != CONFIG_TYPE_STRING)
        return fs_cfg_fail_at(c, g, where, "expected a string such as \"escalation p90 <= 0.10\", "
                              "found %s", fs_cfg_type_name(g));
    const char *t = config_setting_get_string(g);
    if (sscanf(t, "%127s %31s %7s %lf %63s", out, stat, op, &v, rest) != 4 ||
        (strcmp(op, "<=") && strcmp(op, ">=")) || !isfinite(v) ||
        parse_robust(stat, &cn->stat) || cn->stat == FS_ROBUST_SATISFICING ||
        cn->stat == FS_ROBUST_REGRET)
        return fs_cfg_fail_at(c, g, where, "expected \"OUTPUT STATISTIC <= VALUE\" or \">=\" "
                              "with a statistic mean, p90 or max, e.g. \"escalation p90 <= "
                              "0.10\", found \"%s\"", t);
    cn->ge = op[0] == '>';
    cn->value = v;
    if (!(cn->text = strdup(t)))
        return nomem(c);
    memset(&o, 0, sizeof o);
    fs_status st = fs_cfg_output(c, g, where, out, base, &o);
    if (st) {
        free(o.name);
        return st;
    }
    cn->out = output_index(s, &o);
    return FS_OK;
}

static fs_status read_vars(const ctx *c, const config_t *cf, fs_search *s, const char *key,
                           int required, int max, fs_search_var *v, int *n)
{
    const config_setting_t *l = config_lookup(cf, key);
    if (l == NULL)
        return required ? fs_cfg_fail_at(c, NULL, key, "missing required section '%s'", key)
                        : FS_OK;
    if (config_setting_type(l) != CONFIG_TYPE_LIST ||
        config_setting_length(l) < (required ? 1 : 0) || config_setting_length(l) > max)
        return fs_cfg_fail_at(c, l, key, "expected a list of %d to %d groups ( { path = ...; lo = "
                              "...; hi = ...; }, ... ), found %s of %d", required ? 1 : 0, max,
                              fs_cfg_type_name(l), config_setting_length(l));
    for (int i = 0; i < config_setting_length(l); i++) {
        fs_status st = read_var(c, s, config_setting_get_elem(l, i), key, i, &v[i]);
        *n = i + 1;
        if (st)
            return st;
    }
    return FS_OK;
}

static fs_status read_ensemble(const ctx *c, const config_t *cf, fs_search *s)
{
    const config_setting_t *g = config_lookup(cf, "ensemble");
    char *design = NULL;
    long n = 0;
    fs_status st;
    s->ensemble_design = FS_DESIGN_LHS;
    s->ensemble_seed = s->seed;
    if (g == NULL) {
        s->nfutures = s->nuncertain ? 20 : 0;
        return FS_OK;
    }
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, "ensemble", "expected a group { n = ...; design = ...; "
                              "seed = ...; }, found %s", fs_cfg_type_name(g));
    n = s->nuncertain ? 20 : 0;
    if ((st = fs_cfg_check_keys(c, g, "ensemble", ens_keys, 3)) ||
        (st = fs_cfg_get_long(c, g, "n", "ensemble.n", 0, FS_SEARCH_MAX_FUTURES, &n)) ||
        (st = fs_cfg_get_string(c, g, "design", "ensemble.design", 0, &design)) ||
        (st = get_seed(c, g, "seed", "ensemble.seed", &s->ensemble_seed)))
        goto done;
    if (design && (fs_design_kind_parse(design, &s->ensemble_design) ||
                   (s->ensemble_design != FS_DESIGN_LHS && s->ensemble_design != FS_DESIGN_RANDOM))) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "design"), "ensemble.design",
                            "expected \"lhs\" or \"random\", found \"%s\"", design);
        goto done;
    }
    if (n > 0 && s->nuncertain == 0) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "n"), "ensemble.n",
                            "%ld futures, but the search names no uncertainties to draw them "
                            "from (n = 0: the base scenario alone)", n);
        goto done;
    }
    s->nfutures = (int)n;
done:
    free(design);
    return st;
}

static fs_status read_algorithm(const ctx *c, const config_t *cf, fs_search *s)
{
    const config_setting_t *g = config_lookup(cf, "algorithm"), *e;
    char *type = NULL;
    long pop = 48, gens = 60;
    fs_status st;
    s->algo_seed = s->seed;
    if (g && config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fs_cfg_fail_at(c, g, "algorithm", "expected a group { type = \"nsga2\"; population "
                              "= ...; generations = ...; }, found %s", fs_cfg_type_name(g));
    if (g && ((st = fs_cfg_check_keys(c, g, "algorithm", alg_keys, 5)) ||
              (st = fs_cfg_get_string(c, g, "type", "algorithm.type", 0, &type)) ||
              (st = fs_cfg_get_long(c, g, "population", "algorithm.population", 4, 10000, &pop)) ||
              (st = fs_cfg_get_long(c, g, "generations", "algorithm.generations", 1, 100000, &gens)) ||
              (st = get_seed(c, g, "seed", "algorithm.seed", &s->algo_seed))))
        goto done;
    if (type && strcmp(type, "nsga2")) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "type"), "algorithm.type",
                            "expected \"nsga2\", found \"%s\"", type);
        goto done;
    }
    if (pop % 2) {
        st = fs_cfg_fail_at(c, config_setting_get_member(g, "population"), "algorithm.population",
                            "expected an even number, found %ld", pop);
        goto done;
    }
    s->population = (int)pop;
    s->generations = (int)gens;
    st = FS_OK;
    if (g && (e = config_setting_get_member(g, "epsilons"))) {
        if ((config_setting_type(e) != CONFIG_TYPE_ARRAY && config_setting_type(e) != CONFIG_TYPE_LIST) ||
            config_setting_length(e) != s->nobj) {
            st = fs_cfg_fail_at(c, e, "algorithm.epsilons", "expected an array of %d numbers "
                                "> 0 (one per objective)", s->nobj);
            goto done;
        }
        for (int k = 0; k < s->nobj; k++)
            if (fs_cfg_as_number(config_setting_get_elem(e, k), &s->epsilons[k]) ||
                !(s->epsilons[k] > 0)) {
                st = fs_cfg_fail_at(c, e, "algorithm.epsilons", "entry %d: expected a number "
                                    "> 0", k + 1);
                goto done;
            }
        s->have_epsilons = 1;
    }
done:
    free(type);
    return st;
}

static fs_status read_search(const ctx *c, const config_t *cf, fs_search *s)
{
    const config_setting_t *root = config_root_setting(cf), *l;
    char *base = NULL;
    long runs = 100;
    fs_scenario *sc = NULL;
    fs_status st;

    if (config_setting_get_member(root, "actors") && !config_setting_get_member(root, "base"))
        return fs_err_set(c->err, FS_ECONFIG, "%s is a scenario file (it has 'actors'), not a "
                          "search file: use 'foresight run %s', or name it as the 'base' of a "
                          "search file (docs/OPTIMIZE.md)", c->file, c->file);
    if (config_setting_get_member(root, "design") && config_setting_get_member(root, "parameters"))
        return fs_err_set(c->err, FS_ECONFIG, "%s is a sweep file (it has 'design' and "
                          "'parameters'), not a search file: use 'foresight sweep %s' "
                          "(docs/OPTIMIZE.md describes search files)", c->file, c->file);
    if ((st = fs_cfg_check_keys(c, root, "", top_keys, 11)) ||
        (st = fs_cfg_get_string(c, root, "name", "name", 1, &s->name)) ||
        (!s->name[0] && (st = fs_cfg_fail_at(c, config_lookup(cf, "name"), "name",
                                             "expected a non-empty name (optimize.md and the "
                                             "charts show it), found \"\""))) ||
        (st = fs_cfg_get_string(c, root, "description", "description", 0, &s->description)) ||
        (st = fs_cfg_get_string(c, root, "base", "base", 1, &base)) ||
        (st = fs_cfg_get_long(c, root, "runs", "runs", 1, 10000000, &runs)))
        goto done;
    s->runs = runs;
    const char *slash = strrchr(c->file, '/');
    size_t dl = slash && base[0] != '/' ? (size_t)(slash - c->file + 1) : 0;
    if (!(s->base_path = malloc(dl + strlen(base) + 1))) {
        st = nomem(c);
        goto done;
    }
    sprintf(s->base_path, "%.*s%s", (int)dl, c->file, base);
    if (fs_load_scenario(s->base_path, s->sets, s->nsets, &sc, c->err) != FS_OK) {
        fs_status code = c->err->code;
        char msg[FS_ERR_MSG_MAX / 2];
        snprintf(msg, sizeof msg, "%.1000s", c->err->msg);
        fs_cfg_fail_at(c, config_lookup(cf, "base"), "base", "%s", msg);
        st = c->err->code = code == FS_EUSAGE || code == FS_ENOMEM ? code : FS_ECONFIG;
        goto done;
    }
    /* --set runs=N and seed=S replace the search file's (every mix runs
     * with the search's, so the base scenario's would have no effect) */
    int set_runs = 0, set_seed = 0;
    for (int k = 0; k < s->nsets; k++) {
        set_runs |= !strcmp(s->sets[k].path, "runs");
        set_seed |= !strcmp(s->sets[k].path, "seed");
    }
    s->seed = sc->seed;
    if (set_runs)
        s->runs = sc->runs;
    if ((!set_seed && (st = get_seed(c, root, "seed", "seed", &s->seed))) ||
        (st = read_vars(c, cf, s, "levers", 1, FS_SEARCH_MAX_LEVERS, s->levers, &s->nlevers)) ||
        (st = read_vars(c, cf, s, "uncertainties", 0, FS_SEARCH_MAX_UNCERTAIN, s->uncertain,
                        &s->nuncertain)) ||
        (st = read_ensemble(c, cf, s)))
        goto done;
    for (int i = 0; i < s->nlevers + s->nuncertain; i++)
        for (int j = 0; j < i; j++) {
            const fs_search_var *a = i < s->nlevers ? &s->levers[i] : &s->uncertain[i - s->nlevers];
            const fs_search_var *b = j < s->nlevers ? &s->levers[j] : &s->uncertain[j - s->nlevers];
            if (!strcmp(a->path, b->path)) {
                st = fs_cfg_fail_at(c, NULL, a->path, "named twice among the levers and "
                                    "uncertainties");
                goto done;
            }
        }
    if (!(l = config_lookup(cf, "objectives")) || config_setting_type(l) != CONFIG_TYPE_LIST ||
        config_setting_length(l) < 1 || config_setting_length(l) > FS_SEARCH_MAX_OBJECTIVES) {
        st = fs_cfg_fail_at(c, l, "objectives", "expected a list of 1 to %d groups ( { output = "
                            "...; sense = ...; statistic = ...; }, ... )",
                            FS_SEARCH_MAX_OBJECTIVES);
        goto done;
    }
    for (int i = 0; i < config_setting_length(l); i++) {
        s->nobj = i + 1;
        if ((st = read_objective(c, s, sc, config_setting_get_elem(l, i), i)))
            goto done;
    }
    if ((l = config_lookup(cf, "constraints"))) {
        if ((config_setting_type(l) != CONFIG_TYPE_LIST && config_setting_type(l) != CONFIG_TYPE_ARRAY) ||
            config_setting_length(l) > FS_SEARCH_MAX_CONSTRAINTS) {
            st = fs_cfg_fail_at(c, l, "constraints", "expected a list of at most %d strings such "
                                "as \"escalation p90 <= 0.10\"", FS_SEARCH_MAX_CONSTRAINTS);
            goto done;
        }
        for (int i = 0; i < config_setting_length(l); i++) {
            s->ncon = i + 1;
            if ((st = read_constraint(c, s, sc, config_setting_get_elem(l, i), i)))
                goto done;
        }
    }
    st = read_algorithm(c, cf, s);
done:
    fs_scenario_free(sc);   /* the base, kept to read the outputs' names */
    free(base);
    return st;
}

/* The posterior the base names, if any, checked before any mix runs. */
static fs_status check_posterior(const fs_search *s, fs_err *err)
{
    const char *paths[FS_SEARCH_MAX_LEVERS + FS_SEARCH_MAX_UNCERTAIN];
    fs_scenario *sc;
    fs_status st;
    int i, n = 0;

    for (i = 0; i < s->nlevers; i++)
        paths[n++] = s->levers[i].path;
    for (i = 0; i < s->nuncertain; i++)
        paths[n++] = s->uncertain[i].path;
    if ((st = fs_load_scenario(s->base_path, s->sets, s->nsets, &sc, err)) != FS_OK)
        return st;
    st = fs_posterior_check_batch(sc, s->sets, s->nsets, paths, n, s->path, err);
    fs_scenario_free(sc);
    return st;
}

fs_status fs_search_load(const char *file, const fs_override *ov, int nov, fs_search **out,
                         fs_err *err)
{
    fs_source src;
    config_t cf;
    fs_search *s = calloc(1, sizeof *s);
    fs_status st;
    ctx c = {&src, file, err};

    *out = NULL;
    memset(&src, 0, sizeof src);
    config_init(&cf);
    if (!s || !(s->path = strdup(file)) ||
        (nov > 0 && !(s->sets = calloc((size_t)nov, sizeof *s->sets)))) {
        st = fs_err_set(err, FS_ENOMEM, "out of memory reading %s", file);
        goto fail;
    }
    for (int i = 0; i < nov; i++)
        s->sets[i] = ov[i];
    s->nsets = nov;
    if ((st = fs_source_read(&src, file, "search file", err)) != FS_OK)
        goto fail;
    if (config_read_string(&cf, src.text) != CONFIG_TRUE) {
        st = fs_source_syntax_error(&src, &cf, "search file", err);
        goto fail;
    }
    if ((st = read_search(&c, &cf, s)) != FS_OK || (st = check_posterior(s, err)) != FS_OK)
        goto fail;
    config_destroy(&cf);
    fs_source_release(&src);
    *out = s;
    return FS_OK;
fail:
    config_destroy(&cf);
    fs_source_release(&src);
    fs_search_free(s);
    return st;
}

void fs_search_free(fs_search *s)
{
    if (!s)
        return;
    for (int i = 0; i < FS_SEARCH_MAX_LEVERS; i++) {
        free(s->levers[i].path);
        free(s->levers[i].label);
    }
    for (int i = 0; i < FS_SEARCH_MAX_UNCERTAIN; i++) {
        free(s->uncertain[i].path);
        free(s->uncertain[i].label);
    }
    for (int i = 0; i < FS_SEARCH_MAX_OBJECTIVES; i++)
        free(s->obj[i].name);
    for (int i = 0; i < FS_SEARCH_MAX_CONSTRAINTS; i++)
        free(s->con[i].text);
    for (int i = 0; i < s->noutputs; i++)
        free(s->outputs[i].name);
    free(s->path);
    free(s->name);
    free(s->description);
    free(s->base_path);
    free(s->sets);
    free(s);
}
