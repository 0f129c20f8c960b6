/* load.c: scenario files into a validated fs_scenario. libconfig parses the
 * text include.c prepares; --set overrides edit the parsed tree; then every
 * section is checked against the schema (docs/SCENARIO.md) and copied into
 * the scenario. The first problem found is the one reported. */
#include "load.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libconfig.h>

#include "load_include.h"
#include "suggest.h"

#define PATHN 320   /* a setting path: a few ids of at most FS_MAX_ID chars */

typedef struct loader {
    fs_source src;
    config_t cfg;
    const char *file;
    fs_scenario *sc;
    fs_err *err;
} loader;

/* ---- the schema: valid keys of each section ---- */

static const char *const top_keys[] = {
    "name", "description", "question", "baseline", "version", "steps", "step_unit",
    "runs", "seed", "rng", "actors", "borders", "threats", "trust", "interoperability",
    "mechanisms", "injects", "outcomes", "dynamics", NULL};
static const char *const actor_keys[] = {
    "id", "name", "role", "capacity", "intel", "stability", "resilience", NULL};
static const char *const border_keys[] = {"a", "b", "permeability", NULL};
static const char *const threat_keys[] = {
    "id", "name", "growth", "carrying_capacity", "mobility", "plot_rate",
    "volatility", "online_recruitment", "attrition", "lethality", "presence",
    "capacity", NULL};
static const char *const lethality_keys[] = {"mean", "dispersion", NULL};
static const char *const matrix_keys[] = {"default", "pairs", NULL};
static const char *const pair_keys[] = {"a", "b", "value", NULL};
static const char *const mech_keys[] = {
    "id", "name", "type", "participants", "borders", "intensity", "cost",
    "start", "end", "period", "enabled", NULL};
static const char *const inject_keys[] = {
    "id", "label", "type", "step", "probability", "hazard", "start", "end",
    "repeat", "measure", "target", "threat", "attacks", "casualties", "origin", "delta",
    "other", "factor", "add", "mechanism", NULL};
static const char *const outcome_keys[] = {
    "escalation_ratio", "failure_stability", "fracture_drop",
    "contained_ratio", "mass_casualty", NULL};
static const char *const dynamics_keys[] = {
    "phi", "alpha", "kappa", "tau", "gamma", "eta", "rho_T", "epsilon", NULL};

/* Keys each inject type takes besides the common ones (id, label, type and
 * timing), indexed by fs_inject_kind. */
static const char *const inject_type_keys[][6] = {
    {"target", "threat", "attacks", "casualties", "origin", NULL},
    {"target", "delta", NULL},
    {"target", "delta", NULL},
    {"target", "other", "delta", NULL},
    {"threat", "target", "factor", "add", NULL},
    {"mechanism", NULL},
    {"mechanism", NULL},
    {"mechanism", "target", NULL}};
static const char *const inject_common_keys[] = {
    "id", "label", "type", "step", "probability", "hazard", "start", "end",
    "repeat", "measure", NULL};

static const char *const role_names[] = {"member", "observer", "partner", "external", NULL};
static const char *const mech_names[] = {
    "intel_sharing", "joint_drill", "border_operation", "counter_radicalisation", NULL};
static const char *const inject_names[] = {
    "attack", "capacity_shock", "stability_shock", "trust_shock", "threat_surge",
    "mechanism_on", "mechanism_off", "join", NULL};

/* Sections as --set walks them: what a path segment selects next. */
typedef enum ctx {
    C_LEAF, C_TOP, C_ACTORS, C_ACTOR, C_BORDERS, C_BORDER, C_THREATS, C_THREAT,
    C_LETHALITY, C_ACTORMAP, C_MATRIX, C_PAIRS, C_PAIR, C_MECHS, C_MECH,
    C_INJECTS, C_INJECT, C_OUTCOMES, C_DYNAMICS
} ctx;

static const char *const *ctx_keys(ctx c)
{
    switch (c) {
    case C_TOP: return top_keys;
    case C_ACTOR: return actor_keys;
    case C_BORDER: return border_keys;
    case C_THREAT: return threat_keys;
    case C_LETHALITY: return lethality_keys;
    case C_MATRIX: return matrix_keys;
    case C_PAIR: return pair_keys;
    case C_MECH: return mech_keys;
    case C_INJECT: return inject_keys;
    case C_OUTCOMES: return outcome_keys;
    case C_DYNAMICS: return dynamics_keys;
    default: return NULL;
    }
}

static ctx ctx_child(ctx c, const char *key)
{
    static const struct { ctx parent; const char *key; ctx child; } map[] = {
        {C_TOP, "actors", C_ACTORS}, {C_TOP, "borders", C_BORDERS},
        {C_TOP, "threats", C_THREATS}, {C_TOP, "trust", C_MATRIX},
        {C_TOP, "interoperability", C_MATRIX}, {C_TOP, "mechanisms", C_MECHS},
        {C_TOP, "injects", C_INJECTS}, {C_TOP, "outcomes", C_OUTCOMES},
        {C_TOP, "dynamics", C_DYNAMICS}, {C_THREAT, "lethality", C_LETHALITY},
        {C_THREAT, "presence", C_ACTORMAP}, {C_THREAT, "capacity", C_ACTORMAP},
        {C_MATRIX, "pairs", C_PAIRS}};
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].parent == c && strcmp(map[i].key, key) == 0)
            return map[i].child;
    return C_LEAF;
}

static ctx ctx_element(ctx list)
{
    switch (list) {
    case C_ACTORS: return C_ACTOR;
    case C_BORDERS: return C_BORDER;
    case C_THREATS: return C_THREAT;
    case C_PAIRS: return C_PAIR;
    case C_MECHS: return C_MECH;
    case C_INJECTS: return C_INJECT;
    default: return C_LEAF;
    }
}

/* ---- small helpers ---- */

static int in_list(const char *s, const char *const *list)
{
    int i;
    for (i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return i;
    return -1;
}

static int count_list(const char *const *list)
{
    int n = 0;
    while (list[n])
        n++;
    return n;
}

/* An id: a letter, then letters, digits or '_'. Not '-', which joins the
 * two actors of a border or pair in a path (borders.[A-B]): with "A-B" an
 * actor id, borders.[A-B-C] could be read two ways. */
static int valid_id(const char *s)
{
    size_t i;

    if (s == NULL || !isalpha((unsigned char)s[0]) || strlen(s) > FS_MAX_ID)
        return 0;
    for (i = 1; s[i]; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return 1;
}

/* Shortest "%.*g" text that reads back as exactly v. */
static void format_double(char *buf, size_t n, double v)
{
    int prec;
    for (prec = 15; prec < 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
    snprintf(buf, n, "%.17g", v);
}

/* Appends s to the NUL-terminated buf of size n, truncating. */
static void append(char *buf, size_t n, const char *s)
{
    size_t k = strlen(buf);
    while (*s && k + 1 < n)
        buf[k++] = *s++;
    buf[k] = '\0';
}

static void join_path(char *buf, const char *parent, const char *key)
{
    buf[0] = '\0';
    append(buf, PATHN, parent);
    if (parent[0])
        append(buf, PATHN, ".");
    append(buf, PATHN, key);
}

static const char *string_of(const config_setting_t *s)
{
    return s && s->type == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
}

static config_setting_t *member(const config_setting_t *g, const char *key)
{
    return g && g->type == CONFIG_TYPE_GROUP ? config_setting_get_member(g, key) : NULL;
}

/* The path of element i of a list: [id] when it has a valid id, [a-b] for
 * borders and pairs, else its position [i+1]. */
static void element_path(char *buf, const char *list, const config_setting_t *e, int i)
{
    const char *id = string_of(member(e, "id"));
    const char *a = string_of(member(e, "a")), *b = string_of(member(e, "b"));

    if (valid_id(id))
        snprintf(buf, PATHN, "%s.[%s]", list, id);
    else if (id == NULL && valid_id(a) && valid_id(b))
        snprintf(buf, PATHN, "%s.[%s-%s]", list, a, b);
    else
        snprintf(buf, PATHN, "%s.[%d]", list, i + 1);
}

/* ---- messages ---- */

static const fs_override *set_by(const config_setting_t *s)
{
    return s ? (const fs_override *)config_setting_get_hook(s) : NULL;
}

/* The arguments of "%.*s%s" that print s, cut to 200 characters and "..."
 * when longer, so that a huge --set still leaves room for the reason. */
#define CLIP(s) (int)(strlen(s) > 200 ? 200 : strlen(s)), (s), (strlen(s) > 200 ? "..." : "")

/* "file:line: path: message", or "--set P=V: message" for a setting an
 * override wrote. A setting without a line (one --set created) is placed at
 * its nearest ancestor that has one, else at the file alone. */
static fs_status fail_at(loader *L, const config_setting_t *s, const char *path,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static fs_status fail_at(loader *L, const config_setting_t *s, const char *path,
                         const char *fmt, ...)
{
    char where[FS_ERR_MSG_MAX / 2], msg[FS_ERR_MSG_MAX / 2];
    const fs_override *ov = set_by(s);
    const config_setting_t *p = s;
    va_list ap;
    int line;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ov != NULL)
        return fs_err_set(L->err, FS_ECONFIG, "--set %.*s%s=%.*s%s: %s", CLIP(ov->path),
                          CLIP(ov->value), msg);
    while (p && p->line == 0)
        p = p->parent;
    if (p) {
        const char *f = fs_source_where(&L->src, (int)p->line, &line);
        snprintf(where, sizeof where, "%s:%d", f, line);
    } else {
        snprintf(where, sizeof where, "%s", L->file);
    }
    return fs_err_set(L->err, FS_ECONFIG, "%s: %s%s%s", where, path,
                      path[0] ? ": " : "", msg);
}

/* What a setting holds, for "found ...". */
static void describe_found(const config_setting_t *s, char *buf, size_t n)
{
    const fs_override *ov = set_by(s);
    char num[40];

    if (ov != NULL) {   /* what the user typed */
        snprintf(buf, n, s->type == CONFIG_TYPE_STRING && ov->value[0] != '"'
                 ? "\"%.60s\"" : "%.60s", ov->value);
        return;
    }
    switch (s->type) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        /* A hex literal is shown as written: 0xFFFFFFFFFFFFFFFF is stored
         * as -1, which the file never says. */
        if (config_setting_get_format(s) == CONFIG_FORMAT_HEX)
            snprintf(buf, n, "0x%llX (%llu)", (unsigned long long)config_setting_get_int64(s),
                     (unsigned long long)config_setting_get_int64(s));
        else
            snprintf(buf, n, "%lld", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        format_double(num, sizeof num, config_setting_get_float(s));
        snprintf(buf, n, "%s%s", num, strpbrk(num, ".en") ? "" : ".0");
        break;
    case CONFIG_TYPE_STRING:
        snprintf(buf, n, "a string \"%.60s%s\"", config_setting_get_string(s),
                 strlen(config_setting_get_string(s)) > 60 ? "..." : "");
        break;
    case CONFIG_TYPE_BOOL:
        snprintf(buf, n, "%s", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_GROUP:
        snprintf(buf, n, "a group { ... }");
        break;
    case CONFIG_TYPE_ARRAY:
        snprintf(buf, n, "an array [ ... ]");
        break;
    case CONFIG_TYPE_LIST:
        snprintf(buf, n, "a list ( ... )");
        break;
    default:
        snprintf(buf, n, "nothing");
    }
}

static fs_status expected(loader *L, const config_setting_t *s, const char *path,
                          const char *what)
{
    char found[128];
    describe_found(s, found, sizeof found);
    return fail_at(L, s, path, "expected %s, found %s", what, found);
}

static fs_status missing(loader *L, const config_setting_t *g, const char *gpath,
                         const char *key)
{
    if (gpath[0] == '\0')
        return fail_at(L, g, "", "missing required key '%s' at the top level", key);
    return fail_at(L, g, gpath, "missing required key '%s'", key);
}

/* Rejects any key of group g that is not in keys. */
static fs_status check_keys(loader *L, const config_setting_t *g, const char *gpath,
                            const char *const *keys)
{
    char path[PATHN], hint[FS_ERR_MSG_MAX / 2];
    const config_setting_t *s;
    int i, n = config_setting_length(g);

    for (i = 0; i < n; i++) {
        s = config_setting_get_elem(g, (unsigned)i);
        if (in_list(s->name, keys) >= 0)
            continue;
        join_path(path, gpath, s->name);
        fs_suggest(hint, sizeof hint, s->name, keys, count_list(keys), "valid keys are");
        return fail_at(L, s, path, "unknown key '%s'%s", s->name, hint);
    }
    return FS_OK;
}

/* ---- scalar readers ---- */

enum { LO = 1, HI = 2, LO_OPEN = 4 };
typedef struct range { double lo, hi; int flags; } range;
static const range R_UNIT = {0, 1, LO | HI};
static const range R_NONNEG = {0, 0, LO};
static const range R_POS = {0, 0, LO | LO_OPEN};
static const range R_DELTA = {-1, 1, LO | HI};
static const range R_HAZARD = {0, 1, LO | HI | LO_OPEN};
static const range R_VOLATILITY = {0, 5, LO | HI};
/* Cells and casualties are bounded so that the model's Poisson means stay
 * finite and its run time sane (docs/SCENARIO.md, Limits). */
#define MAX_AMOUNT 1e6
static const range R_AMOUNT = {0, MAX_AMOUNT, LO | HI};
static const range R_AMOUNT_POS = {0, MAX_AMOUNT, LO | HI | LO_OPEN};
static const range R_FACTOR = {0, 1000, LO | HI};
/* Rates are bounded too: a growth or plot rate of 1e308 passes ">= 0" and
 * then overflows the first step to infinity. The bounds sit far above any
 * real scenario (a growth rate of 10 multiplies a small network elevenfold
 * in one step) and keep every product the model forms finite. */
static const range R_RATE = {0, 10, LO | HI};        /* growth, recruitment */
static const range R_PER_CELL = {0, 100, LO | HI};   /* plot_rate, attrition */
static const range R_DISPERSION = {0, MAX_AMOUNT, LO | HI | LO_OPEN};
#define MAX_COST 1e12
static const range R_COST = {0, MAX_COST, LO | HI};

static void describe_range(char *buf, size_t n, range r)
{
    char lo[40], hi[40];

    format_double(lo, sizeof lo, r.lo);
    format_double(hi, sizeof hi, r.hi);
    if ((r.flags & LO) && (r.flags & HI))
        snprintf(buf, n, "a number in %c%s, %s]", r.flags & LO_OPEN ? '(' : '[', lo, hi);
    else if (r.flags & LO)
        snprintf(buf, n, "a number %s %s", r.flags & LO_OPEN ? ">" : ">=", lo);
    else
        snprintf(buf, n, "a number");
}

static fs_status num_at(loader *L, const config_setting_t *s, const char *path,
                        range r, double *out)
{
    char what[128];
    double v;

    if (s->type == CONFIG_TYPE_FLOAT)
        v = config_setting_get_float(s);
    else if (s->type == CONFIG_TYPE_INT || s->type == CONFIG_TYPE_INT64)
        v = (double)config_setting_get_int64(s);
    else
        return expected(L, s, path, "a number");
    if (!isfinite(v))
        return expected(L, s, path, "a finite number");
    describe_range(what, sizeof what, r);
    if (((r.flags & LO) && (v < r.lo || ((r.flags & LO_OPEN) && v == r.lo)))
        || ((r.flags & HI) && v > r.hi))
        return expected(L, s, path, what);
    *out = v;
    return FS_OK;
}

static fs_status get_num(loader *L, const config_setting_t *g, const char *gpath,
                         const char *key, int required, double def, range r, double *out)
{
    char path[PATHN];
    const config_setting_t *s = member(g, key);

    if (s == NULL) {
        *out = def;
        return required ? missing(L, g, gpath, key) : FS_OK;
    }
    join_path(path, gpath, key);
    return num_at(L, s, path, r, out);
}

static fs_status int_at(loader *L, const config_setting_t *s, const char *path,
                        long long lo, long long hi, long long *out)
{
    char what[80];
    long long v;

    snprintf(what, sizeof what, "an integer in %lld..%lld", lo, hi);
    if (s->type != CONFIG_TYPE_INT && s->type != CONFIG_TYPE_INT64)
        return expected(L, s, path, s->type == CONFIG_TYPE_FLOAT ? what : "an integer");
    v = config_setting_get_int64(s);
    if (v < lo || v > hi)
        return expected(L, s, path, what);
    *out = v;
    return FS_OK;
}

static fs_status get_int(loader *L, const config_setting_t *g, const char *gpath,
                         const char *key, int required, long long def, long long lo,
                         long long hi, long long *out)
{
    char path[PATHN];
    const config_setting_t *s = member(g, key);

    if (s == NULL) {
        *out = def;
        return required ? missing(L, g, gpath, key) : FS_OK;
    }
    join_path(path, gpath, key);
    return int_at(L, s, path, lo, hi, out);
}

/* An int field: same as get_int, stored into an int. */
static fs_status get_i(loader *L, const config_setting_t *g, const char *gpath,
                       const char *key, int required, int def, int lo, int hi, int *out)
{
    long long v;
    fs_status st = get_int(L, g, gpath, key, required, def, lo, hi, &v);
    *out = (int)v;
    return st;
}

static fs_status get_bool(loader *L, const config_setting_t *g, const char *gpath,
                          const char *key, int def, int *out)
{
    char path[PATHN];
    const config_setting_t *s = member(g, key);

    *out = def;
    if (s == NULL)
        return FS_OK;
    join_path(path, gpath, key);
    if (s->type != CONFIG_TYPE_BOOL)
        return expected(L, s, path, "true or false");
    *out = config_setting_get_bool(s);
    return FS_OK;
}

/* A string setting, or NULL (and FS_OK) when absent and not required. */
static fs_status get_string(loader *L, const config_setting_t *g, const char *gpath,
                            const char *key, int required, const char **out)
{
    char path[PATHN];
    const config_setting_t *s = member(g, key);
    unsigned cp;
    long bad;

    *out = NULL;
    if (s == NULL)
        return required ? missing(L, g, gpath, key) : FS_OK;
    join_path(path, gpath, key);
    if (s->type != CONFIG_TYPE_STRING)
        return expected(L, s, path, "a string");
    *out = config_setting_get_string(s);
    if (strlen(*out) > FS_MAX_TEXT) {
        char what[64];
        snprintf(what, sizeof what, "a string of at most %d characters", FS_MAX_TEXT);
        return fail_at(L, s, path, "expected %s, found one of %zu", what, strlen(*out));
    }
    if ((bad = fs_utf8_invalid(*out)) >= 0)
        return fail_at(L, s, path, "expected UTF-8 text, found the byte 0x%02X at byte %ld "
                       "of the string%s", (unsigned char)(*out)[bad], bad + 1,
                       set_by(s) ? "" : " (save the file as UTF-8)");
    if ((bad = fs_text_control(*out, &cp)) >= 0)
        return fail_at(L, s, path, "expected text without control characters, found "
                       "U+%04X%s at byte %ld of the string", cp, fs_control_name(cp), bad + 1);
    return FS_OK;
}

static fs_status dup_string(loader *L, const char *s, char **out)
{
    *out = strdup(s);
    return *out ? FS_OK : fs_err_set(L->err, FS_ENOMEM, "out of memory loading %s", L->file);
}

/* A text field copied into the scenario, def when absent. */
static fs_status get_text(loader *L, const config_setting_t *g, const char *gpath,
                          const char *key, int required, const char *def, char **out)
{
    const char *s;
    fs_status st = get_string(L, g, gpath, key, required, &s);
    if (st != FS_OK)
        return st;
    return dup_string(L, s ? s : def, out);
}

/* One of names (a NULL-terminated list); def when absent, -1 for required. */
static fs_status get_enum(loader *L, const config_setting_t *g, const char *gpath,
                          const char *key, int def, const char *const *names, int *out)
{
    char path[PATHN], what[256], found[128];
    const char *s;
    size_t k = 0;
    int i;
    fs_status st = get_string(L, g, gpath, key, def < 0, &s);

    if (st != FS_OK)
        return st;
    if (s == NULL) {
        *out = def;
        return FS_OK;
    }
    if ((*out = in_list(s, names)) >= 0)
        return FS_OK;
    k = (size_t)snprintf(what, sizeof what, "one of");
    for (i = 0; names[i]; i++)
        k += (size_t)snprintf(what + k, sizeof what - k, "%s \"%s\"",
                              i == 0 ? "" : names[i + 1] ? "," : " or", names[i]);
    join_path(path, gpath, key);
    if ((i = fs_closest(s, names, count_list(names))) < 0)
        return expected(L, member(g, key), path, what);
    describe_found(member(g, key), found, sizeof found);
    return fail_at(L, member(g, key), path, "expected %s, found %s; did you mean \"%s\"?",
                   what, found, names[i]);
}

/* ---- references ---- */

static fs_status unknown_ref(loader *L, const config_setting_t *s, const char *path,
                             const char *kind, const char *name, const char *const *ids,
                             int n)
{
    char hint[FS_ERR_MSG_MAX / 2], what[48];
    snprintf(what, sizeof what, "%ss are", kind);
    fs_suggest(hint, sizeof hint, name, ids, n, what);
    return fail_at(L, s, path, "unknown %s '%s'%s", kind, name, hint);
}

/* Resolves a string setting naming an actor (kind 'a'), a threat ('t') or a
 * mechanism ('m') into its index. */
static fs_status ref_at(loader *L, const config_setting_t *s, const char *path,
                        int kind, int *out)
{
    const fs_scenario *sc = L->sc;
    const char *ids[FS_MAX_ACTORS + FS_MAX_MECHANISMS];
    const char *name;
    int i, n;

    if (s->type != CONFIG_TYPE_STRING)
        return expected(L, s, path, kind == 'a' ? "an actor id" : kind == 't'
                        ? "a threat id" : "a mechanism id");
    name = config_setting_get_string(s);
    *out = kind == 'a' ? fs_scenario_actor(sc, name) : kind == 't'
           ? fs_scenario_threat(sc, name) : fs_scenario_mechanism(sc, name);
    if (*out >= 0)
        return FS_OK;
    n = kind == 'a' ? sc->nactors : kind == 't' ? sc->nthreats : sc->nmechanisms;
    for (i = 0; i < n; i++)
        ids[i] = kind == 'a' ? sc->actors[i].id : kind == 't' ? sc->threats[i].id
                 : sc->mechanisms[i].id;
    return unknown_ref(L, s, path, kind == 'a' ? "actor" : kind == 't' ? "threat"
                       : "mechanism", name, ids, n);
}

static fs_status get_ref(loader *L, const config_setting_t *g, const char *gpath,
                         const char *key, int required, int kind, int *out)
{
    char path[PATHN];
    const config_setting_t *s = member(g, key);

    *out = -1;
    if (s == NULL)
        return required ? missing(L, g, gpath, key) : FS_OK;
    join_path(path, gpath, key);
    return ref_at(L, s, path, kind, out);
}

/* The id field of element i of an array of structs whose first id field is
 * at base and whose elements are stride bytes apart. */
static const char *nth_id(char *const *base, size_t stride, int i)
{
    return *(char *const *)((const char *)base + (size_t)i * stride);
}

/* The id of a list element: required, well formed and unique among the
 * first n elements' ids (kind names them in the message). */
static fs_status get_id(loader *L, const config_setting_t *g, const char *gpath,
                        const char *kind, char *const *earlier, size_t stride, int n,
                        char **out)
{
    char path[PATHN], what[128];
    const config_setting_t *s = member(g, "id");
    const char *id;
    int i;
    fs_status st = get_string(L, g, gpath, "id", 1, &id);

    if (st != FS_OK)
        return st;
    join_path(path, gpath, "id");
    if (!valid_id(id)) {
        snprintf(what, sizeof what, "an id (a letter, then letters, digits or '_'; "
                 "at most %d characters)", FS_MAX_ID);
        if (isalpha((unsigned char)id[0]) && strchr(id, '-') && strlen(id) <= FS_MAX_ID)
            return fail_at(L, s, path, "expected %s, found \"%s\": '-' joins the two "
                           "actors of a border or pair in paths such as borders.[A-B]; "
                           "write '_' instead", what, id);
        return expected(L, s, path, what);
    }
    for (i = 0; i < n; i++) {
        const char *other = nth_id(earlier, stride, i);
        if (other && strcmp(other, id) == 0)
            return fail_at(L, s, path, "duplicate %s id '%s'", kind, id);
    }
    return dup_string(L, id, out);
}

/* The section `key` of the root: NULL if absent, an error if not of type. */
static fs_status section(loader *L, const char *key, int type, int required,
                         config_setting_t **out)
{
    config_setting_t *root = config_root_setting(&L->cfg);

    *out = config_setting_get_member(root, key);
    if (*out == NULL)
        return required ? missing(L, root, "", key) : FS_OK;
    if ((*out)->type != type)
        return expected(L, *out, key, type == CONFIG_TYPE_LIST
                        ? "a list ( { ... }, ... )" : "a group { ... }");
    return FS_OK;
}

/* Element i of a list section, which must be a group. */
static fs_status element(loader *L, const config_setting_t *list, const char *lpath,
                         int i, const char *const *keys, config_setting_t **e,
                         char *path)
{
    *e = config_setting_get_elem(list, (unsigned)i);
    element_path(path, lpath, *e, i);
    if ((*e)->type != CONFIG_TYPE_GROUP)
        return expected(L, *e, path, "a group { ... }");
    return keys ? check_keys(L, *e, path, keys) : FS_OK;
}

static fs_status list_size(loader *L, const config_setting_t *list, const char *path,
                           int lo, int hi, const char *what, int *n)
{
    *n = list ? config_setting_length(list) : 0;
    if (list && *n < lo)
        return fail_at(L, list, path, "expected at least %d %s, found an empty list", lo, what);
    if (*n > hi)
        return fail_at(L, list, path, "expected at most %d %ss, found %d", hi, what, *n);
    return FS_OK;
}

static fs_status nomem(loader *L)
{
    return fs_err_set(L->err, FS_ENOMEM, "out of memory loading %s", L->file);
}

/* ---- sections ---- */

/* baseline: a path relative to the file that sets it (the scenario file
 * for a --set), kept absolute so that scenario.resolved.cfg finds it from
 * anywhere. Only its existence is checked here; the runner loads it. */
static fs_status load_baseline(loader *L, config_setting_t *root)
{
    config_setting_t *s = member(root, "baseline");
    const config_setting_t *p = s;
    char joined[PATH_MAX], abs[PATH_MAX];
    const char *given, *from = L->file, *slash;
    int line, n;
    fs_status st = get_string(L, root, "", "baseline", 0, &given);

    if (st != FS_OK || given == NULL || given[0] == '\0')
        return st;   /* "" is no baseline: --set baseline="" switches it off */
    while (p && p->line == 0)
        p = p->parent;
    if (p && set_by(s) == NULL)
        from = fs_source_where(&L->src, (int)p->line, &line);
    slash = strrchr(from, '/');
    n = given[0] == '/' || slash == NULL
            ? snprintf(joined, sizeof joined, "%s", given)
            : snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - from), from, given);
    if (n < 0 || (size_t)n >= sizeof joined)
        return fail_at(L, s, "baseline", "path too long");
    if (realpath(joined, abs) == NULL)
        return fail_at(L, s, "baseline", "cannot read the baseline scenario \"%s\" (%s): %s",
                       given, joined, strerror(errno));
    return dup_string(L, abs, &L->sc->baseline);
}

static fs_status load_top(loader *L)
{
    config_setting_t *root = config_root_setting(&L->cfg);
    fs_scenario *sc = L->sc;
    const char *rng, *version;
    long long v;
    fs_status st;

    if ((st = check_keys(L, root, "", top_keys)) != FS_OK
        || (st = get_text(L, root, "", "name", 1, "", &sc->name)) != FS_OK
        || (sc->name[0] == '\0'
            && (st = expected(L, member(root, "name"), "name", "a non-empty name (charts "
                              "and the briefing show it)")) != FS_OK)
        || (st = get_text(L, root, "", "description", 0, "", &sc->description)) != FS_OK
        || (st = get_text(L, root, "", "question", 0, "", &sc->question)) != FS_OK
        || (st = get_string(L, root, "", "version", 0, &version)) != FS_OK
        || (st = get_i(L, root, "", "steps", 0, 60, 1, FS_MAX_STEPS, &sc->steps)) != FS_OK
        || (st = get_text(L, root, "", "step_unit", 0, "month", &sc->step_unit)) != FS_OK
        || (st = get_int(L, root, "", "runs", 0, 1000, 1, FS_MAX_RUNS, &v)) != FS_OK)
        return st;
    sc->runs = (long)v;
    if ((st = get_int(L, root, "", "seed", 0, 1, 0, LLONG_MAX, &v)) != FS_OK
        || (st = get_string(L, root, "", "rng", 0, &rng)) != FS_OK)
        return st;
    sc->seed = (uint64_t)v;
    if (rng && strcmp(rng, "philox4x32-10") != 0)
        return expected(L, member(root, "rng"), "rng",
                        "\"philox4x32-10\" (the only generator)");
    if ((st = load_baseline(L, root)) != FS_OK)
        return st;
    return dup_string(L, "philox4x32-10", &sc->rng);
}

static fs_status load_actor(loader *L, const config_setting_t *e, const char *path, int i)
{
    fs_actor *a = &L->sc->actors[i];
    int role;
    fs_status st;

    if ((st = get_id(L, e, path, "actor", &L->sc->actors[0].id, sizeof *a, i, &a->id))
            != FS_OK
        || (st = get_text(L, e, path, "name", 0, a->id, &a->name)) != FS_OK
        || (st = get_enum(L, e, path, "role", FS_ROLE_MEMBER, role_names, &role)) != FS_OK
        || (st = get_num(L, e, path, "capacity", 0, 0.5, R_UNIT, &a->capacity)) != FS_OK
        || (st = get_num(L, e, path, "intel", 0, 0.5, R_UNIT, &a->intel)) != FS_OK
        || (st = get_num(L, e, path, "stability", 0, 0.7, R_UNIT, &a->stability)) != FS_OK)
        return st;
    a->role = (fs_role)role;
    return get_num(L, e, path, "resilience", 0, 0.1, R_UNIT, &a->resilience);
}

static fs_status load_actors(loader *L)
{
    config_setting_t *list, *e;
    char path[PATHN];
    int i, n;
    fs_status st;

    if ((st = section(L, "actors", CONFIG_TYPE_LIST, 1, &list)) != FS_OK
        || (st = list_size(L, list, "actors", 1, FS_MAX_ACTORS, "actor", &n)) != FS_OK)
        return st;
    L->sc->actors = calloc((size_t)n, sizeof *L->sc->actors);
    if (L->sc->actors == NULL)
        return nomem(L);
    L->sc->nactors = n;
    for (i = 0; i < n; i++)
        if ((st = element(L, list, "actors", i, actor_keys, &e, path)) != FS_OK
            || (st = load_actor(L, e, path, i)) != FS_OK)
            return st;
    return FS_OK;
}

/* Two actor references a and b of a border or a pair: distinct. */
static fs_status actor_pair(loader *L, const config_setting_t *e, const char *path,
                            const char *what, int *a, int *b)
{
    fs_status st;

    if ((st = get_ref(L, e, path, "a", 1, 'a', a)) != FS_OK
        || (st = get_ref(L, e, path, "b", 1, 'a', b)) != FS_OK)
        return st;
    if (*a == *b)
        return fail_at(L, member(e, "b"), path, "a %s joins two different actors, "
                       "found '%s' on both sides", what, L->sc->actors[*a].id);
    return FS_OK;
}

static fs_status load_borders(loader *L)
{
    config_setting_t *list, *e;
    fs_scenario *sc = L->sc;
    char path[PATHN];
    int i, j, n;
    fs_status st;

    if ((st = section(L, "borders", CONFIG_TYPE_LIST, 0, &list)) != FS_OK
        || (st = list_size(L, list, "borders", 0, FS_MAX_BORDERS, "border", &n)) != FS_OK)
        return st;
    sc->borders = calloc((size_t)n + 1, sizeof *sc->borders);
    if (sc->borders == NULL)
        return nomem(L);
    for (i = 0; i < n; i++) {
        fs_border *b = &sc->borders[i];
        if ((st = element(L, list, "borders", i, border_keys, &e, path)) != FS_OK
            || (st = actor_pair(L, e, path, "border", &b->a, &b->b)) != FS_OK
            || (st = get_num(L, e, path, "permeability", 1, 0, R_UNIT,
                             &b->permeability)) != FS_OK)
            return st;
        for (j = 0; j < i; j++)
            if ((sc->borders[j].a == b->a && sc->borders[j].b == b->b)
                || (sc->borders[j].a == b->b && sc->borders[j].b == b->a))
                return fail_at(L, e, path, "duplicate border between '%s' and '%s'",
                               sc->actors[b->a].id, sc->actors[b->b].id);
        sc->nborders = i + 1;
    }
    return FS_OK;
}

/* presence or capacity: a group keyed by actor id, filled into v. */
static fs_status actor_map(loader *L, const config_setting_t *g, const char *gpath,
                           const char *key, range r, double *v)
{
    config_setting_t *m = member(g, key), *s;
    char path[PATHN], epath[PATHN];
    int i, a;
    fs_status st;

    if (m == NULL)
        return FS_OK;
    join_path(path, gpath, key);
    if (m->type != CONFIG_TYPE_GROUP)
        return expected(L, m, path, "a group { <actor id> = <number>; ... }");
    for (i = 0; i < config_setting_length(m); i++) {
        s = config_setting_get_elem(m, (unsigned)i);
        join_path(epath, path, s->name);
        a = fs_scenario_actor(L->sc, s->name);
        if (a < 0) {
            const char *ids[FS_MAX_ACTORS];
            int k;
            for (k = 0; k < L->sc->nactors; k++)
                ids[k] = L->sc->actors[k].id;
            return unknown_ref(L, s, epath, "actor", s->name, ids, L->sc->nactors);
        }
        if ((st = num_at(L, s, epath, r, &v[a])) != FS_OK)
            return st;
    }
    return FS_OK;
}

static fs_status load_threat(loader *L, const config_setting_t *e, const char *path, int i)
{
    fs_threat *t = &L->sc->threats[i];
    const config_setting_t *leth = member(e, "lethality");
    char lpath[PATHN];
    int a, n = L->sc->nactors;
    fs_status st;

    if ((st = get_id(L, e, path, "threat", &L->sc->threats[0].id, sizeof *t, i, &t->id))
            != FS_OK
        || (st = get_text(L, e, path, "name", 0, t->id, &t->name)) != FS_OK
        || (st = get_num(L, e, path, "growth", 0, 0, R_RATE, &t->growth)) != FS_OK
        || (st = get_num(L, e, path, "carrying_capacity", 0, 1000, R_AMOUNT_POS,
                         &t->carrying_capacity)) != FS_OK
        || (st = get_num(L, e, path, "mobility", 0, 0, R_UNIT, &t->mobility)) != FS_OK
        || (st = get_num(L, e, path, "plot_rate", 0, 0, R_PER_CELL, &t->plot_rate)) != FS_OK
        || (st = get_num(L, e, path, "volatility", 0, 0, R_VOLATILITY,
                         &t->volatility)) != FS_OK
        || (st = get_num(L, e, path, "online_recruitment", 0, 0, R_RATE,
                         &t->online_recruitment)) != FS_OK
        || (st = get_num(L, e, path, "attrition", 0, 0, R_PER_CELL, &t->attrition)) != FS_OK)
        return st;
    join_path(lpath, path, "lethality");
    if (leth && leth->type != CONFIG_TYPE_GROUP)
        return expected(L, leth, lpath, "a group { mean = ...; dispersion = ...; }");
    if ((leth && (st = check_keys(L, leth, lpath, lethality_keys)) != FS_OK)
        || (st = get_num(L, leth, lpath, "mean", 0, 5, R_AMOUNT_POS, &t->lethality_mean))
            != FS_OK
        || (st = get_num(L, leth, lpath, "dispersion", 0, 0.5, R_DISPERSION,
                         &t->lethality_dispersion)) != FS_OK)
        return st;
    t->presence = calloc((size_t)n, sizeof *t->presence);
    t->capacity = calloc((size_t)n, sizeof *t->capacity);
    if (t->presence == NULL || t->capacity == NULL)
        return nomem(L);
    for (a = 0; a < n; a++)
        t->capacity[a] = t->carrying_capacity;
    if ((st = actor_map(L, e, path, "presence", R_AMOUNT, t->presence)) != FS_OK)
        return st;
    return actor_map(L, e, path, "capacity", R_AMOUNT_POS, t->capacity);
}

static fs_status load_threats(loader *L)
{
    config_setting_t *list, *e;
    char path[PATHN];
    int i, n;
    fs_status st;

    if ((st = section(L, "threats", CONFIG_TYPE_LIST, 0, &list)) != FS_OK
        || (st = list_size(L, list, "threats", 0, FS_MAX_THREATS, "threat", &n)) != FS_OK)
        return st;
    L->sc->threats = calloc((size_t)n + 1, sizeof *L->sc->threats);
    if (L->sc->threats == NULL)
        return nomem(L);
    L->sc->nthreats = n;
    for (i = 0; i < n; i++)
        if ((st = element(L, list, "threats", i, threat_keys, &e, path)) != FS_OK
            || (st = load_threat(L, e, path, i)) != FS_OK)
            return st;
    return FS_OK;
}

/* trust or interoperability: a default and pairs, into a symmetric matrix
 * with a unit diagonal. */
static fs_status load_matrix(loader *L, const char *key, double def0, double *def,
                             double **out)
{
    config_setting_t *g, *pairs, *e;
    char ppath[PATHN], path[PATHN];
    int n = L->sc->nactors, i, a, b, np;
    double v;
    char *seen = NULL;
    fs_status st;

    if ((st = section(L, key, CONFIG_TYPE_GROUP, 0, &g)) != FS_OK
        || (g && (st = check_keys(L, g, key, matrix_keys)) != FS_OK)
        || (st = get_num(L, g, key, "default", 0, def0, R_UNIT, def)) != FS_OK)
        return st;
    *out = malloc((size_t)n * (size_t)n * sizeof **out);
    seen = calloc((size_t)n * (size_t)n, 1);
    if (*out == NULL || seen == NULL) {
        st = nomem(L);
        goto fail;
    }
    for (i = 0; i < n * n; i++)
        (*out)[i] = i / n == i % n ? 1.0 : *def;
    pairs = member(g, "pairs");
    join_path(ppath, key, "pairs");
    if (pairs && pairs->type != CONFIG_TYPE_LIST) {
        st = expected(L, pairs, ppath, "a list ( { a = ...; b = ...; value = ...; }, ... )");
        goto fail;
    }
    np = pairs ? config_setting_length(pairs) : 0;
    for (i = 0; i < np; i++) {
        if ((st = element(L, pairs, ppath, i, pair_keys, &e, path)) != FS_OK
            || (st = actor_pair(L, e, path, "pair", &a, &b)) != FS_OK
            || (st = get_num(L, e, path, "value", 1, 0, R_UNIT, &v)) != FS_OK)
            goto fail;
        if (seen[a * n + b]) {
            st = fail_at(L, e, path, "duplicate pair '%s'-'%s'", L->sc->actors[a].id,
                         L->sc->actors[b].id);
            goto fail;
        }
        seen[a * n + b] = seen[b * n + a] = 1;
        (*out)[a * n + b] = (*out)[b * n + a] = v;
    }
    st = FS_OK;
fail:
    free(seen);
    return st;
}

/* A key that the mechanism or inject type does not take. */
static fs_status not_applicable(loader *L, const config_setting_t *g, const char *gpath,
                                const char *key, const char *what, const char *type)
{
    char path[PATHN];
    join_path(path, gpath, key);
    return fail_at(L, member(g, key), path, "key '%s' does not apply to %s of type %s",
                   key, what, type);
}

static fs_status add_participant(loader *L, fs_mechanism *m, const config_setting_t *s,
                                 const char *path, int a)
{
    const fs_actor *act = &L->sc->actors[a];
    int k;

    if (act->role == FS_ROLE_EXTERNAL)
        return fail_at(L, s, path, "actor '%s' has role external, and external actors "
                       "cannot take part in a mechanism", act->id);
    for (k = 0; k < m->nparticipants; k++)
        if (m->participants[k] == a)
            return fail_at(L, s, path, "actor '%s' is listed twice", act->id);
    m->participants[m->nparticipants++] = a;
    return FS_OK;
}

static fs_status load_participants(loader *L, fs_mechanism *m, const config_setting_t *e,
                                   const char *mpath)
{
    const config_setting_t *p = member(e, "participants");
    const char *word = string_of(p);
    char path[PATHN];
    int i, a, n;
    fs_status st;

    if (p == NULL)
        return missing(L, e, mpath, "participants");
    join_path(path, mpath, "participants");
    m->participants = calloc((size_t)L->sc->nactors, sizeof *m->participants);
    if (m->participants == NULL)
        return nomem(L);
    if (word && (strcmp(word, "members") == 0 || strcmp(word, "all") == 0)) {
        for (a = 0; a < L->sc->nactors; a++)
            if (L->sc->actors[a].role == FS_ROLE_MEMBER
                || (word[0] == 'a' && L->sc->actors[a].role != FS_ROLE_EXTERNAL))
                m->participants[m->nparticipants++] = a;
        if (m->nparticipants == 0)
            return fail_at(L, p, path, "expected at least 1 participant, found none: "
                           "no actor is %s", word[0] == 'a' ? "a non-external actor"
                           : "a member");
        return FS_OK;
    }
    if (p->type != CONFIG_TYPE_ARRAY && p->type != CONFIG_TYPE_LIST)
        return expected(L, p, path, "an array of actor ids, \"members\" or \"all\"");
    n = config_setting_length(p);
    if (n == 0)
        return fail_at(L, p, path, "expected at least 1 participant, found an empty list");
    if (n > L->sc->nactors)
        return fail_at(L, p, path, "expected at most %d participants, found %d",
                       L->sc->nactors, n);
    for (i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(p, (unsigned)i);
        if ((st = ref_at(L, s, path, 'a', &a)) != FS_OK
            || (st = add_participant(L, m, s, path, a)) != FS_OK)
            return st;
    }
    return FS_OK;
}

/* One element of a border_operation's borders: a pair of actor ids that
 * names a declared border. */
static fs_status border_ref(loader *L, const config_setting_t *s, const char *path, int *out)
{
    const fs_scenario *sc = L->sc;
    int a, b, j;
    fs_status st;

    if ((s->type != CONFIG_TYPE_ARRAY && s->type != CONFIG_TYPE_LIST)
        || config_setting_length(s) != 2)
        return expected(L, s, path, "a pair of actor ids [\"A\", \"B\"]");
    if ((st = ref_at(L, config_setting_get_elem(s, 0), path, 'a', &a)) != FS_OK
        || (st = ref_at(L, config_setting_get_elem(s, 1), path, 'a', &b)) != FS_OK)
        return st;
    for (j = 0; j < sc->nborders; j++)
        if ((sc->borders[j].a == a && sc->borders[j].b == b)
            || (sc->borders[j].a == b && sc->borders[j].b == a)) {
            *out = j;
            return FS_OK;
        }
    return fail_at(L, s, path, "no border between '%s' and '%s' is declared in borders",
                   sc->actors[a].id, sc->actors[b].id);
}

static fs_status load_mech_borders(loader *L, fs_mechanism *m, const config_setting_t *e,
                                   const char *mpath)
{
    const config_setting_t *p = member(e, "borders");
    char path[PATHN];
    int i, k, n, b = -1;
    fs_status st;

    if (p == NULL)
        return missing(L, e, mpath, "borders");
    join_path(path, mpath, "borders");
    if (p->type != CONFIG_TYPE_LIST)
        return expected(L, p, path, "a list of actor-id pairs ( [\"A\", \"B\"], ... )");
    n = config_setting_length(p);
    if (n == 0)
        return fail_at(L, p, path, "expected at least 1 border, found an empty list");
    m->borders = calloc((size_t)n, sizeof *m->borders);
    if (m->borders == NULL)
        return nomem(L);
    for (i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(p, (unsigned)i);
        if ((st = border_ref(L, s, path, &b)) != FS_OK)
            return st;
        for (k = 0; k < m->nborders; k++)
            if (m->borders[k] == b)
                return fail_at(L, s, path, "the border '%s'-'%s' is listed twice",
                               L->sc->actors[L->sc->borders[b].a].id,
                               L->sc->actors[L->sc->borders[b].b].id);
        m->borders[m->nborders++] = b;
    }
    return FS_OK;
}

/* start and end of an active window inside the horizon. */
static fs_status load_window(loader *L, const config_setting_t *e, const char *path,
                             int *start, int *end)
{
    fs_status st = get_i(L, e, path, "start", 0, 1, 1, L->sc->steps, start);
    if (st != FS_OK)
        return st;
    return get_i(L, e, path, "end", 0, L->sc->steps, *start, L->sc->steps, end);
}

static fs_status load_mechanism(loader *L, const config_setting_t *e, const char *path,
                                int i)
{
    fs_mechanism *m = &L->sc->mechanisms[i];
    const char *tname;
    int kind;
    fs_status st;

    if ((st = get_id(L, e, path, "mechanism", &L->sc->mechanisms[0].id, sizeof *m, i,
                     &m->id)) != FS_OK
        || (st = get_text(L, e, path, "name", 0, m->id, &m->name)) != FS_OK
        || (st = get_enum(L, e, path, "type", -1, mech_names, &kind)) != FS_OK)
        return st;
    m->kind = (fs_mech_kind)kind;
    tname = mech_names[kind];
    if (m->kind == FS_MECH_BORDER_OPERATION && member(e, "participants"))
        return not_applicable(L, e, path, "participants", "a mechanism", tname);
    if (m->kind != FS_MECH_BORDER_OPERATION && member(e, "borders"))
        return not_applicable(L, e, path, "borders", "a mechanism", tname);
    if (m->kind != FS_MECH_JOINT_DRILL && member(e, "period"))
        return not_applicable(L, e, path, "period", "a mechanism", tname);
    st = m->kind == FS_MECH_BORDER_OPERATION ? load_mech_borders(L, m, e, path)
         : load_participants(L, m, e, path);
    if (st != FS_OK
        || (st = get_num(L, e, path, "intensity", 1, 0, R_UNIT, &m->intensity)) != FS_OK
        || (st = get_num(L, e, path, "cost", 0, 0, R_COST, &m->cost)) != FS_OK
        || (st = load_window(L, e, path, &m->start, &m->end)) != FS_OK)
        return st;
    if (m->kind == FS_MECH_JOINT_DRILL
        && (st = get_i(L, e, path, "period", 0, 12, 1, FS_MAX_STEPS, &m->period)) != FS_OK)
        return st;
    return get_bool(L, e, path, "enabled", 1, &m->enabled);
}

static fs_status load_mechanisms(loader *L)
{
    config_setting_t *list, *e;
    char path[PATHN];
    int i, n;
    fs_status st;

    if ((st = section(L, "mechanisms", CONFIG_TYPE_LIST, 0, &list)) != FS_OK
        || (st = list_size(L, list, "mechanisms", 0, FS_MAX_MECHANISMS, "mechanism", &n))
            != FS_OK)
        return st;
    L->sc->mechanisms = calloc((size_t)n + 1, sizeof *L->sc->mechanisms);
    if (L->sc->mechanisms == NULL)
        return nomem(L);
    L->sc->nmechanisms = n;
    for (i = 0; i < n; i++)
        if ((st = element(L, list, "mechanisms", i, mech_keys, &e, path)) != FS_OK
            || (st = load_mechanism(L, e, path, i)) != FS_OK)
            return st;
    return FS_OK;
}

/* Keys of an inject: common ones, those of its type, and for any other
 * known key a "does not apply" error. */
static fs_status inject_keys_ok(loader *L, const config_setting_t *e, const char *path,
                                int kind)
{
    const char *const *own = inject_type_keys[kind];
    const config_setting_t *s;
    char hint[FS_ERR_MSG_MAX / 2], kpath[PATHN];
    const char *valid[32];
    int i, n = 0;

    for (i = 0; inject_common_keys[i]; i++)
        valid[n++] = inject_common_keys[i];
    for (i = 0; own[i]; i++)
        valid[n++] = own[i];
    for (i = 0; i < config_setting_length(e); i++) {
        s = config_setting_get_elem(e, (unsigned)i);
        join_path(kpath, path, s->name);
        if (in_list(s->name, inject_common_keys) >= 0 || in_list(s->name, own) >= 0)
            continue;
        if (in_list(s->name, inject_keys) >= 0)
            return not_applicable(L, e, path, s->name, "an inject", inject_names[kind]);
        fs_suggest(hint, sizeof hint, s->name, valid, n, "valid keys are");
        return fail_at(L, s, kpath, "unknown key '%s'%s", s->name, hint);
    }
    return FS_OK;
}

static fs_status load_timing(loader *L, fs_inject *j, const config_setting_t *e,
                             const char *path)
{
    static const char *const hazard_only[] = {"start", "end", "repeat", NULL};
    const config_setting_t *step = member(e, "step"), *hazard = member(e, "hazard");
    char kpath[PATHN];
    int i;
    fs_status st;

    if (step && hazard) {
        join_path(kpath, path, "hazard");
        return fail_at(L, hazard, kpath, "give either step or hazard, not both");
    }
    if (step == NULL && hazard == NULL)
        return fail_at(L, e, path, "missing required key 'step' or 'hazard'");
    if (step) {
        for (i = 0; hazard_only[i]; i++)
            if (member(e, hazard_only[i])) {
                join_path(kpath, path, hazard_only[i]);
                return fail_at(L, member(e, hazard_only[i]), kpath, "key '%s' applies "
                               "only to an inject with a hazard", hazard_only[i]);
            }
        if ((st = get_i(L, e, path, "step", 1, 0, 1, L->sc->steps, &j->step)) != FS_OK
            || (st = get_bool(L, e, path, "measure", 1, &j->measure)) != FS_OK)
            return st;
        j->start = j->end = j->step;
        return get_num(L, e, path, "probability", 0, 1, R_UNIT, &j->probability);
    }
    if (member(e, "probability")) {
        join_path(kpath, path, "probability");
        return fail_at(L, member(e, "probability"), kpath, "key 'probability' applies "
                       "only to an inject with a step; a hazard is already a probability");
    }
    j->probability = 1;
    if ((st = get_num(L, e, path, "hazard", 1, 0, R_HAZARD, &j->hazard)) != FS_OK
        || (st = load_window(L, e, path, &j->start, &j->end)) != FS_OK
        || (st = get_bool(L, e, path, "measure", 0, &j->measure)) != FS_OK)
        return st;
    return get_bool(L, e, path, "repeat", 0, &j->repeat);
}

/* The inject's second actor (key: an attack's origin, a trust shock's
 * other side) into j->actor2, -1 when absent and not required: an actor
 * other than the target. */
static fs_status get_other_actor(loader *L, fs_inject *j, const config_setting_t *e,
                                 const char *path, const char *key, int required)
{
    char kpath[PATHN];
    fs_status st = get_ref(L, e, path, key, required, 'a', &j->actor2);

    if (st != FS_OK || j->actor2 != j->actor)
        return st;
    join_path(kpath, path, key);
    return fail_at(L, member(e, key), kpath, "expected an actor other than the target, "
                   "found '%s' again", L->sc->actors[j->actor].id);
}

static fs_status load_attack(loader *L, fs_inject *j, const config_setting_t *e,
                             const char *path)
{
    long long n;
    fs_status st;

    if ((st = get_ref(L, e, path, "target", 1, 'a', &j->actor)) != FS_OK
        || (st = get_ref(L, e, path, "threat", 1, 't', &j->threat)) != FS_OK
        || (st = get_int(L, e, path, "attacks", 0, 1, 1, 1000000, &n)) != FS_OK
        || (st = get_num(L, e, path, "casualties", 0, -1, R_AMOUNT, &j->casualties))
            != FS_OK)
        return st;
    j->attacks = (int)n;
    /* An origin is the neighbour blamed: the target cannot blame itself. */
    return get_other_actor(L, j, e, path, "origin", 0);
}

static fs_status load_shock(loader *L, fs_inject *j, const config_setting_t *e,
                            const char *path)
{
    fs_status st = get_ref(L, e, path, "target", 1, 'a', &j->actor);

    if (st == FS_OK && j->kind == FS_INJ_TRUST_SHOCK)
        st = get_other_actor(L, j, e, path, "other", 1);
    if (st != FS_OK
        || (st = get_num(L, e, path, "delta", 1, 0, R_DELTA, &j->delta)) != FS_OK)
        return st;
    /* As for a surge: an inject that changes nothing is a mistake. */
    if (j->delta == 0) {
        char kpath[PATHN];
        join_path(kpath, path, "delta");
        return fail_at(L, member(e, "delta"), kpath, "a shock that changes nothing "
                       "(delta 0); set a delta in [-1, 0) or (0, 1]");
    }
    return FS_OK;
}

static fs_status load_surge(loader *L, fs_inject *j, const config_setting_t *e,
                            const char *path)
{
    fs_status st;

    if ((st = get_ref(L, e, path, "threat", 1, 't', &j->threat)) != FS_OK
        || (st = get_ref(L, e, path, "target", 0, 'a', &j->actor)) != FS_OK
        || (st = get_num(L, e, path, "factor", 0, 1, R_FACTOR, &j->factor)) != FS_OK
        || (st = get_num(L, e, path, "add", 0, 0, R_AMOUNT, &j->add)) != FS_OK)
        return st;
    if (j->factor == 1 && j->add == 0)
        return fail_at(L, e, path, "a surge that changes nothing (factor 1, add 0); "
                       "set factor or add");
    return FS_OK;
}

static fs_status load_join(loader *L, fs_inject *j, const config_setting_t *e,
                           const char *path)
{
    const fs_mechanism *m;
    char kpath[PATHN];
    int k;
    fs_status st;

    if ((st = get_ref(L, e, path, "mechanism", 1, 'm', &j->mechanism)) != FS_OK)
        return st;
    m = &L->sc->mechanisms[j->mechanism];
    if (m->kind == FS_MECH_BORDER_OPERATION) {
        join_path(kpath, path, "mechanism");
        return fail_at(L, member(e, "mechanism"), kpath, "expected a mechanism with "
                       "participants, found '%s', a border_operation", m->id);
    }
    if ((st = get_ref(L, e, path, "target", 1, 'a', &j->actor)) != FS_OK)
        return st;
    join_path(kpath, path, "target");
    if (L->sc->actors[j->actor].role == FS_ROLE_EXTERNAL)
        return fail_at(L, member(e, "target"), kpath, "actor '%s' has role external, and "
                       "external actors cannot join a mechanism", L->sc->actors[j->actor].id);
    for (k = 0; k < m->nparticipants; k++)
        if (m->participants[k] == j->actor)
            return fail_at(L, member(e, "target"), kpath, "actor '%s' already takes part "
                           "in '%s'", L->sc->actors[j->actor].id, m->id);
    /* A second join of the same actor could only repeat the first: two
     * chances of joining are one inject with a hazard or a probability. */
    for (k = 0; &L->sc->injects[k] != j; k++) {
        const fs_inject *o = &L->sc->injects[k];
        if (o->kind == FS_INJ_JOIN && o->mechanism == j->mechanism && o->actor == j->actor)
            return fail_at(L, member(e, "target"), kpath, "actor '%s' already joins '%s' "
                           "by inject '%s'; an actor joins a mechanism once",
                           L->sc->actors[j->actor].id, m->id, o->id);
    }
    return FS_OK;
}

static fs_status load_inject(loader *L, const config_setting_t *e, const char *path,
                             int i)
{
    fs_inject *j = &L->sc->injects[i];
    int kind;
    fs_status st;

    j->actor = j->actor2 = j->threat = j->mechanism = -1;
    j->factor = 1;
    if ((st = get_id(L, e, path, "inject", &L->sc->injects[0].id, sizeof *j, i, &j->id))
            != FS_OK
        || (st = get_enum(L, e, path, "type", -1, inject_names, &kind)) != FS_OK
        || (st = inject_keys_ok(L, e, path, kind)) != FS_OK
        || (st = get_text(L, e, path, "label", 0, j->id, &j->label)) != FS_OK
        || (st = load_timing(L, j, e, path)) != FS_OK)
        return st;
    j->kind = (fs_inject_kind)kind;
    switch (j->kind) {
    case FS_INJ_ATTACK: return load_attack(L, j, e, path);
    case FS_INJ_CAPACITY_SHOCK:
    case FS_INJ_STABILITY_SHOCK:
    case FS_INJ_TRUST_SHOCK: return load_shock(L, j, e, path);
    case FS_INJ_THREAT_SURGE: return load_surge(L, j, e, path);
    case FS_INJ_JOIN: return load_join(L, j, e, path);
    default: return get_ref(L, e, path, "mechanism", 1, 'm', &j->mechanism);
    }
}

static fs_status load_injects(loader *L)
{
    config_setting_t *list, *e;
    char path[PATHN];
    int i, n;
    fs_status st;

    if ((st = section(L, "injects", CONFIG_TYPE_LIST, 0, &list)) != FS_OK
        || (st = list_size(L, list, "injects", 0, FS_MAX_INJECTS, "inject", &n)) != FS_OK)
        return st;
    L->sc->injects = calloc((size_t)n + 1, sizeof *L->sc->injects);
    if (L->sc->injects == NULL)
        return nomem(L);
    L->sc->ninjects = n;
    for (i = 0; i < n; i++)
        if ((st = element(L, list, "injects", i, NULL, &e, path)) != FS_OK
            || (st = load_inject(L, e, path, i)) != FS_OK)
            return st;
    return FS_OK;
}

static fs_status load_outcomes(loader *L)
{
    fs_outcomes *o = &L->sc->outcomes;
    config_setting_t *g;
    const char *p = "outcomes";
    fs_status st;

    if ((st = section(L, p, CONFIG_TYPE_GROUP, 0, &g)) != FS_OK
        || (g && (st = check_keys(L, g, p, outcome_keys)) != FS_OK)
        || (st = get_num(L, g, p, "escalation_ratio", 0, 1.5, R_POS, &o->escalation_ratio))
            != FS_OK
        || (st = get_num(L, g, p, "failure_stability", 0, 0.25, R_UNIT,
                         &o->failure_stability)) != FS_OK
        || (st = get_num(L, g, p, "fracture_drop", 0, 0.1, R_UNIT, &o->fracture_drop))
            != FS_OK
        || (st = get_num(L, g, p, "contained_ratio", 0, 0.8, R_POS, &o->contained_ratio))
            != FS_OK)
        return st;
    return get_num(L, g, p, "mass_casualty", 0, 50, R_POS, &o->mass_casualty);
}

static fs_status load_dynamics(loader *L)
{
    fs_dynamics *d = &L->sc->dynamics;
    struct { const char *key; double def; range r; double *out; } k[] = {
        {"phi", 0.5, R_UNIT, &d->sharing_efficiency},
        {"alpha", 0.02, R_NONNEG, &d->attack_stability},
        {"kappa", 0.01, R_NONNEG, &d->casualty_stability},
        {"tau", 0.05, R_NONNEG, &d->blame},
        {"gamma", 0.1, R_UNIT, &d->drill_trust},
        {"eta", 0.1, R_UNIT, &d->drill_interop},
        {"rho_T", 0.05, R_UNIT, &d->trust_recovery},
        {"epsilon", 0.01, R_UNIT, &d->interop_decay}};
    config_setting_t *g;
    size_t i;
    fs_status st;

    if ((st = section(L, "dynamics", CONFIG_TYPE_GROUP, 0, &g)) != FS_OK
        || (g && (st = check_keys(L, g, "dynamics", dynamics_keys)) != FS_OK))
        return st;
    for (i = 0; i < sizeof k / sizeof k[0]; i++)
        if ((st = get_num(L, g, "dynamics", k[i].key, 0, k[i].def, k[i].r, k[i].out))
                != FS_OK)
            return st;
    return FS_OK;
}

static fs_status build(loader *L)
{
    fs_scenario *sc = L->sc;
    fs_status st;

    if ((st = dup_string(L, L->file, &sc->path)) != FS_OK
        || (st = load_top(L)) != FS_OK
        || (st = load_actors(L)) != FS_OK
        || (st = load_borders(L)) != FS_OK
        || (st = load_threats(L)) != FS_OK
        || (st = load_matrix(L, "trust", 0.5, &sc->trust_default, &sc->trust)) != FS_OK
        || (st = load_matrix(L, "interoperability", 0.0, &sc->interop_default,
                             &sc->interop)) != FS_OK
        || (st = load_mechanisms(L)) != FS_OK
        || (st = load_injects(L)) != FS_OK
        || (st = load_outcomes(L)) != FS_OK)
        return st;
    return load_dynamics(L);
}

/* ---- --set ---- */

typedef struct seg {
    char text[PATHN];
    int bracket;       /* 1 for [id] */
} seg;

static fs_status usage(const fs_override *ov, fs_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static fs_status usage(const fs_override *ov, fs_err *err, const char *fmt, ...)
{
    char msg[FS_ERR_MSG_MAX / 2];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fs_err_set(err, FS_EUSAGE, "--set %.*s%s=%.*s%s: %s", CLIP(ov->path),
                      CLIP(ov->value), msg);
}

/* Splits a path such as threats.[iskp].growth into segments. */
static int split_path(const char *p, seg *segs, int max)
{
    int n = 0;
    size_t k;

    while (*p && n < max) {
        if (*p == '[') {
            const char *e = strchr(p, ']');
            if (e == NULL || e == p + 1 || (size_t)(e - p) >= PATHN)
                return -1;
            k = (size_t)(e - p - 1);
            memcpy(segs[n].text, p + 1, k);
            segs[n].bracket = 1;
            p = e + 1;
        } else {
            k = strcspn(p, ".[");
            if (k == 0 || k >= PATHN)
                return -1;
            memcpy(segs[n].text, p, k);
            segs[n].bracket = 0;
            p += k;
        }
        segs[n++].text[k] = '\0';
        if (*p == '.')
            p++;
        else if (*p && *p != '[')
            return -1;
        if (p[-1] == '.' && *p == '\0')
            return -1;
    }
    return *p ? -1 : n;
}

/* The element of a list that [key] selects: by id, by "a-b" (either order)
 * for borders and pairs, or by 1-based position. */
static config_setting_t *find_element(config_setting_t *list, const char *key)
{
    char ab[2 * FS_MAX_ID + 8];
    int i, n = config_setting_length(list);
    config_setting_t *e;
    char *end;
    long pos;

    for (i = 0; i < n; i++) {
        e = config_setting_get_elem(list, (unsigned)i);
        const char *id = string_of(member(e, "id"));
        const char *a = string_of(member(e, "a")), *b = string_of(member(e, "b"));
        if (id && strcmp(id, key) == 0)
            return e;
        if (a && b) {
            snprintf(ab, sizeof ab, "%s-%s", a, b);
            if (strcmp(ab, key) == 0)
                return e;
            snprintf(ab, sizeof ab, "%s-%s", b, a);
            if (strcmp(ab, key) == 0)
                return e;
        }
    }
    errno = 0;
    pos = strtol(key, &end, 10);
    if (*end == '\0' && errno == 0 && pos >= 1 && pos <= n)
        return config_setting_get_elem(list, (unsigned)(pos - 1));
    return NULL;
}

/* The ids of the elements of a list, for suggestions. */
static int element_ids(const config_setting_t *list, const char **out, int max)
{
    int i, n = 0;
    for (i = 0; i < config_setting_length(list) && n < max; i++) {
        const char *id = string_of(member(config_setting_get_elem(list, (unsigned)i), "id"));
        if (valid_id(id))
            out[n++] = id;
    }
    return n;
}

/* The keys a --set may name inside a section: the schema's, or for
 * presence and capacity the actor ids the file declares. */
static int valid_keys(loader *L, ctx c, const char **out, int max)
{
    const char *const *keys = ctx_keys(c);
    config_setting_t *actors;
    int i, n = 0;

    if (keys) {
        for (i = 0; keys[i] && n < max; i++)
            out[n++] = keys[i];
        return n;
    }
    actors = config_setting_get_member(config_root_setting(&L->cfg), "actors");
    for (i = 0; actors && actors->type == CONFIG_TYPE_LIST
                && i < config_setting_length(actors) && n < max; i++) {
        const char *id = string_of(member(config_setting_get_elem(actors, (unsigned)i), "id"));
        if (valid_id(id))
            out[n++] = id;
    }
    return n;
}

static int contains(const char **keys, int n, const char *s)
{
    int k;
    for (k = 0; k < n; k++)
        if (strcmp(keys[k], s) == 0)
            return 1;
    return 0;
}

/* Reads a --set value as libconfig reads a scalar. Returns the type. */
static int parse_value(const char *v, long long *i, double *f, char *str, size_t n)
{
    char *end;
    size_t k;

    if (*v && strspn(v, "0123456789+-.eE") == strlen(v)) {
        errno = 0;
        *i = strtoll(v, &end, 10);
        if (*end == '\0' && errno == 0)
            return *i > INT32_MAX || *i < INT32_MIN ? CONFIG_TYPE_INT64 : CONFIG_TYPE_INT;
        *f = strtod(v, &end);
        if (*end == '\0' && isfinite(*f))
            return CONFIG_TYPE_FLOAT;
    }
    if (strcasecmp(v, "true") == 0 || strcasecmp(v, "false") == 0) {
        *i = strcasecmp(v, "true") == 0;
        return CONFIG_TYPE_BOOL;
    }
    k = strlen(v);
    if (k >= 2 && v[0] == '"' && v[k - 1] == '"') {
        size_t o = 0, j;
        for (j = 1; j + 1 < k && o + 1 < n; j++) {
            if (v[j] == '\\' && j + 2 < k)
                j++;
            str[o++] = v[j];
        }
        str[o] = '\0';
    } else {
        snprintf(str, n, "%s", v);
    }
    return CONFIG_TYPE_STRING;
}

/* Keys whose value is always a string (or an id): a --set of one takes
 * the text as it is, so that --set name=2024 names the scenario "2024"
 * rather than failing as a number where a string is expected. */
static const char *const string_keys[] = {
    "name", "description", "question", "baseline", "version", "step_unit", "rng", "id",
    "role", "type", "label", "target", "threat", "origin", "other", "mechanism", "a", "b",
    NULL};

/* Stores the override's value as member `key` of group g (of kind c),
 * replacing a setting of another type. */
static fs_status set_leaf(loader *L, config_setting_t *g, ctx c, const char *key,
                          const fs_override *ov)
{
    config_setting_t *s = config_setting_get_member(g, key);
    char str[FS_MAX_TEXT + 1];
    long long i = 0;
    double f = 0;
    int type;

    /* Longer than any string setting may be (quotes aside): refused here,
     * before parse_value would cut it to fit str. */
    if (strlen(ov->value) > FS_MAX_TEXT + 2)
        return usage(ov, L->err, "expected a value of at most %d characters, found one of %zu",
                     FS_MAX_TEXT, strlen(ov->value));
    type = parse_value(ov->value, &i, &f, str, sizeof str);
    if (type != CONFIG_TYPE_STRING && c != C_ACTORMAP && in_list(key, string_keys) >= 0) {
        type = CONFIG_TYPE_STRING;
        snprintf(str, sizeof str, "%s", ov->value);
    }

    if (s && s->type == CONFIG_TYPE_FLOAT
        && (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)) {
        type = CONFIG_TYPE_FLOAT;
        f = (double)i;
    }
    if (s && s->type != type) {
        config_setting_remove(g, key);
        s = NULL;
    }
    if (s == NULL)
        s = config_setting_add(g, key, type);
    if (s == NULL)
        return nomem(L);
    if (type == CONFIG_TYPE_INT)
        config_setting_set_int(s, (int)i);
    else if (type == CONFIG_TYPE_INT64)
        config_setting_set_int64(s, i);
    else if (type == CONFIG_TYPE_FLOAT)
        config_setting_set_float(s, f);
    else if (type == CONFIG_TYPE_BOOL)
        config_setting_set_bool(s, (int)i);
    else if (!config_setting_set_string(s, str))
        return nomem(L);
    config_setting_set_hook(s, (void *)ov);
    return FS_OK;
}

static fs_status apply_override(loader *L, const fs_override *ov)
{
    seg segs[8];
    const char *keys[FS_MAX_ACTORS + 32];
    char hint[FS_ERR_MSG_MAX / 2], at[PATHN] = "";
    config_setting_t *cur = config_root_setting(&L->cfg), *next;
    ctx c = C_TOP;
    int n = split_path(ov->path, segs, 8), i, nk;

    if (n <= 0)
        return usage(ov, L->err, "expected a path such as threats.[iskp].growth or "
                     "dynamics.tau");
    for (i = 0; i < n; i++) {
        int last = i == n - 1;
        if (segs[i].bracket) {
            if (cur->type != CONFIG_TYPE_LIST || ctx_element(c) == C_LEAF)
                return usage(ov, L->err, "%s is not a list; [...] selects an element "
                             "of a list", at[0] ? at : "the top level");
            next = find_element(cur, segs[i].text);
            if (next == NULL) {
                nk = element_ids(cur, keys, (int)(sizeof keys / sizeof keys[0]));
                fs_suggest(hint, sizeof hint, segs[i].text, keys, nk, "ids are");
                return usage(ov, L->err, "%s has no element [%s]%s", at, segs[i].text,
                             hint);
            }
            if (last)
                return usage(ov, L->err, "cannot replace a whole element; set one of "
                             "its keys, such as %s.[%s].%s", at, segs[i].text,
                             ctx_keys(ctx_element(c))[1]);
            append(at, sizeof at, ".[");
            append(at, sizeof at, segs[i].text);
            append(at, sizeof at, "]");
            cur = next;
            c = ctx_element(c);
            continue;
        }
        if (cur->type != CONFIG_TYPE_GROUP || c == C_LEAF)
            return usage(ov, L->err, "%s is not a group; it has no key '%s'",
                         at, segs[i].text);
        nk = valid_keys(L, c, keys, (int)(sizeof keys / sizeof keys[0]));
        if (!contains(keys, nk, segs[i].text)) {
            fs_suggest(hint, sizeof hint, segs[i].text, keys, nk,
                    c == C_ACTORMAP ? "actors are" : "valid keys are");
            return usage(ov, L->err, "unknown %s '%s'%s%s%s",
                         c == C_ACTORMAP ? "actor" : "key", segs[i].text,
                         at[0] ? " in " : "", at, hint);
        }
        if (last)
            return set_leaf(L, cur, c, segs[i].text, ov);
        next = config_setting_get_member(cur, segs[i].text);
        c = ctx_child(c, segs[i].text);
        if (next == NULL) {
            if (ctx_keys(c) == NULL && c != C_ACTORMAP)
                return usage(ov, L->err, "the scenario has no %s%s%s to select from",
                             at, at[0] ? "." : "", segs[i].text);
            if (c != C_MATRIX && c != C_OUTCOMES && c != C_DYNAMICS && c != C_LETHALITY
                && c != C_ACTORMAP)
                return usage(ov, L->err, "the scenario has no %s%s%s to select from",
                             at, at[0] ? "." : "", segs[i].text);
            next = config_setting_add(cur, segs[i].text, CONFIG_TYPE_GROUP);
            if (next == NULL)
                return nomem(L);
        }
        if (at[0])
            append(at, sizeof at, ".");
        append(at, sizeof at, segs[i].text);
        cur = next;
    }
    return FS_OK;
}

/* ---- entry points ---- */

fs_status fs_override_parse(char *arg, fs_override *o, fs_err *err)
{
    char *eq = strchr(arg, '=');

    if (eq == NULL || eq == arg)
        return fs_err_set(err, FS_EUSAGE, "--set %s: expected PATH=VALUE, such as "
                          "--set threats.[iskp].growth=0.05", arg);
    *eq = '\0';
    o->path = arg;
    o->value = eq + 1;
    return FS_OK;
}

/* A sweep file given where a scenario is expected would fail on its first
 * key ("unknown key 'base'"), which hides the real mistake: say what the
 * file is and which command reads it. */
static fs_status not_a_sweep(loader *L)
{
    config_setting_t *root = config_root_setting(&L->cfg);

    if (member(root, "base") == NULL || member(root, "parameters") == NULL
        || member(root, "actors") != NULL)
        return FS_OK;
    return fs_err_set(L->err, FS_ECONFIG, "%s is a sweep file (it has 'base' and "
                      "'parameters'), not a scenario: use 'foresight sweep %s'",
                      L->file, L->file);
}

/* Parses L->src (already read), applies the overrides and builds the
 * scenario; on success *out owns it. Releases everything L holds. */
static fs_status load_source(loader *L, const fs_override *ov, int nov,
                             fs_scenario **out)
{
    fs_status st;
    int i;

    config_init(&L->cfg);
    if (!config_read_string(&L->cfg, L->src.text)) {
        st = fs_source_syntax_error(&L->src, &L->cfg, "scenario", L->err);
        goto fail;
    }
    if ((st = not_a_sweep(L)) != FS_OK)
        goto fail;
    for (i = 0; i < nov; i++)
        if ((st = apply_override(L, &ov[i])) != FS_OK)
            goto fail;
    L->sc = calloc(1, sizeof *L->sc);
    if (L->sc == NULL) {
        st = nomem(L);
        goto fail;
    }
    if ((st = build(L)) != FS_OK)
        goto fail;
    *out = L->sc;
    L->sc = NULL;
fail:
    fs_scenario_free(L->sc);
    config_destroy(&L->cfg);
    fs_source_release(&L->src);
    return st;
}

fs_status fs_load_scenario(const char *file, const fs_override *ov, int nov,
                           fs_scenario **out, fs_err *err)
{
    loader L;
    fs_status st;

    memset(&L, 0, sizeof L);
    L.file = file;
    L.err = err;
    *out = NULL;
    st = fs_source_read(&L.src, file, "scenario", err);
    if (st != FS_OK)
        return st;
    return load_source(&L, ov, nov, out);
}

fs_status fs_load_baseline(const fs_scenario *sc, fs_scenario **out, fs_err *err)
{
    char self[PATH_MAX], msg[FS_ERR_MSG_MAX / 2];
    fs_status st;

    *out = NULL;
    if (sc->baseline == NULL)
        return FS_OK;
    if (realpath(sc->path, self) != NULL && strcmp(self, sc->baseline) == 0)
        return fs_err_set(err, FS_ECONFIG, "%s: baseline: names this scenario itself; a "
                          "baseline is another scenario to measure it against", sc->path);
    if ((st = fs_load_scenario(sc->baseline, NULL, 0, out, err)) != FS_OK) {
        if (st != FS_ECONFIG)
            return st;
        snprintf(msg, sizeof msg, "%.900s", err->msg);
        return fs_err_set(err, FS_ECONFIG, "%s: in its baseline: %s", sc->path, msg);
    }
    if ((*out)->steps != sc->steps) {
        st = fs_err_set(err, FS_ECONFIG, "%s: baseline %s has steps = %d, this scenario %d: "
                        "a baseline needs the same horizon (--set baseline=\"\" runs "
                        "without it)", sc->path, sc->baseline, (*out)->steps, sc->steps);
        fs_scenario_free(*out);
        *out = NULL;
    }
    return st;
}

fs_status fs_load_scenario_buffer(const char *name, const char *text, size_t len,
                                  const fs_override *ov, int nov, fs_scenario **out,
                                  fs_err *err)
{
    loader L;
    fs_status st;

    memset(&L, 0, sizeof L);
    L.file = name;
    L.err = err;
    *out = NULL;
    st = fs_source_read_buffer(&L.src, name, text, len, "scenario", err);
    if (st != FS_OK)
        return st;
    return load_source(&L, ov, nov, out);
}
