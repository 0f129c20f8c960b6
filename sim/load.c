/* load.c: scenario files into a validated fs_scenario. libconfig parses the
 * text include.c prepares; --set overrides edit the parsed tree; then every
 * section is checked against the schema (docs/SCENARIO.md) and copied into
 * the scenario. The first problem found is the one reported. */
#include "load.h"
#include "reported.h"

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
    fs_source own;           /* the text read for this load, if any */
    const fs_source *src;    /* the text parsed: own, or one read earlier */
    const struct fs_scenario_text *text;  /* files read earlier, or NULL */
    struct fs_scenario_text *record;      /* where to keep the files read, or NULL */
    config_t cfg;
    const char *file;
    fs_scenario *sc;
    fs_err *err;
    unsigned set_line;   /* while a file's `set` entry applies: its line */
    char **notes;        /* what extending files changed (fs_scenario.changes) */
    int nnotes;
    char *extends;       /* absolute path of the scenario this file extends */
    FILE *paths;         /* fs_load_paths: where to list the paths --set takes */
    const char *probe;   /* fs_load_range: the path whose range is wanted */
    double probe_lo, probe_hi;
    int probe_flags, probe_found;
} loader;

/* ---- the schema: valid keys of each section ---- */

static const char *const top_keys[] = {
    "name", "description", "question", "baseline", "posterior", "version", "steps",
    "step_unit", "runs", "seed", "rng", "actors", "borders", "threats", "trust", "interoperability",
    "mechanisms", "injects", "outcomes", "dynamics", "reported", NULL};
static const char *const reported_keys[] = {"label", "metric", "value", "source", NULL};
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
    "repeat", "measure", "target", "threat", "attacks", "casualties",
    "casualties_per_attack", "origin", "delta",
    "other", "factor", "add", "mechanism", "border", "value", "until", NULL};
static const char *const outcome_keys[] = {
    "escalation_ratio", "failure_stability", "fracture_drop",
    "contained_ratio", "mass_casualty", NULL};
static const char *const dynamics_keys[] = {
    "phi", "alpha", "kappa", "tau", "gamma", "eta", "rho_T", "epsilon", NULL};

/* Keys each inject type takes besides the common ones (id, label, type and
 * timing), indexed by fs_inject_kind. */
static const char *const inject_type_keys[][7] = {
    {"target", "threat", "attacks", "casualties", "casualties_per_attack", "origin", NULL},
    {"target", "delta", NULL},
    {"target", "delta", NULL},
    {"target", "other", "delta", NULL},
    {"threat", "target", "factor", "add", NULL},
    {"mechanism", NULL},
    {"mechanism", NULL},
    {"mechanism", "target", NULL},
    {"border", "factor", "value", "until", NULL},
    {"mechanism", "target", NULL}};
static const char *const inject_common_keys[] = {
    "id", "label", "type", "step", "probability", "hazard", "start", "end",
    "repeat", "measure", NULL};

static const char *const role_names[] = {"member", "observer", "partner", "external", NULL};
static const char *const mech_names[] = {
    "intel_sharing", "joint_drill", "border_operation", "counter_radicalisation", NULL};
static const char *const inject_names[] = {
    "attack", "capacity_shock", "stability_shock", "trust_shock", "threat_surge",
    "mechanism_on", "mechanism_off", "join", "border_change", "leave", NULL};

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
        const char *f = fs_source_where(L->src, (int)p->line, &line);
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
    if (L->probe && strcmp(path, L->probe) == 0) {
        L->probe_found = 1;
        L->probe_lo = r.flags & LO ? r.lo : -INFINITY;
        L->probe_hi = r.flags & HI ? r.hi : INFINITY;
        L->probe_flags = r.flags;
    }
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
    if (L->probe && strcmp(path, L->probe) == 0) {
        L->probe_found = 1;
        L->probe_lo = (double)lo;
        L->probe_hi = (double)hi;
        L->probe_flags = LO | HI;
    }
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

/* A scenario file and its includes, read once, with the scenarios it
 * extends (each with its includes), as fs_scenario_text_read found them. */
struct fs_scenario_text {
    char *file;
    fs_source src;
    int nchain;
    struct {
        char *path;
        fs_source src;
    } chain[FS_MAX_INCLUDE_DEPTH + 1];
    int npaths;              /* extends and baseline paths, as realpath gave them */
    struct {
        char *joined, *real;
    } paths[2 * (FS_MAX_INCLUDE_DEPTH + 1)];
};

/* A copy of src into dst (text, files and line map). */
static fs_status source_copy(fs_source *dst, const fs_source *src, fs_err *err)
{
    memset(dst, 0, sizeof *dst);
    if ((dst->text = malloc(src->len + 1)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    memcpy(dst->text, src->text, src->len + 1);
    dst->len = src->len;
    return fs_source_append(dst, src, err);
}

/* Reads the scenario `path` that L's file extends into dst: from the text
 * read earlier when L loads one (never from the disk again), else from the
 * file, keeping a copy when L records the files it reads. */
static fs_status read_extended(loader *L, const char *path, fs_source *dst)
{
    int i;
    fs_status st;

    if (L->text) {
        for (i = 0; i < L->text->nchain; i++)
            if (strcmp(L->text->chain[i].path, path) == 0)
                return source_copy(dst, &L->text->chain[i].src, L->err);
        return fs_err_set(L->err, FS_ECONFIG, "%s: extends %s, which was not read with it",
                          L->file, path);
    }
    if ((st = fs_source_read(dst, path, "scenario", L->err)) != FS_OK || L->record == NULL)
        return st;
    if (L->record->nchain > FS_MAX_INCLUDE_DEPTH)
        return fs_err_set(L->err, FS_ECONFIG, "%s: more than %d scenarios extend one another",
                          L->file, FS_MAX_INCLUDE_DEPTH);
    i = L->record->nchain;
    if ((L->record->chain[i].path = strdup(path)) == NULL)
        return nomem(L);
    if ((st = source_copy(&L->record->chain[i].src, dst, L->err)) != FS_OK) {
        free(L->record->chain[i].path);
        return st;
    }
    L->record->nchain++;
    return FS_OK;
}

/* The file a path setting s (key `key`, value `given`) names, relative to
 * the file that sets it (the scenario file for a --set): joined as
 * messages show it, and real, its absolute path; an error if unreadable. */
static fs_status relative_path(loader *L, const config_setting_t *s, const char *key,
                               const char *given, char *joined, char *real)
{
    const config_setting_t *p = s;
    const char *from = L->file, *slash;
    int line, n;

    while (p && p->line == 0)
        p = p->parent;
    if (p && set_by(s) == NULL)
        from = fs_source_where(L->src, (int)p->line, &line);
    slash = strrchr(from, '/');
    n = given[0] == '/' || slash == NULL
            ? snprintf(joined, PATH_MAX, "%s", given)
            : snprintf(joined, PATH_MAX, "%.*s/%s", (int)(slash - from), from, given);
    if (n < 0 || n >= PATH_MAX)
        return fail_at(L, s, key, "path too long");
    if (L->text) {   /* as it was when the text was read: no disk access */
        int i;
        for (i = 0; i < L->text->npaths; i++)
            if (strcmp(L->text->paths[i].joined, joined) == 0) {
                snprintf(real, PATH_MAX, "%s", L->text->paths[i].real);
                return FS_OK;
            }
    }
    if (realpath(joined, real) == NULL && strcmp(key, "posterior") == 0)
        return fail_at(L, s, key, "cannot find the calibration directory \"%s\" (%s): %s",
                       given, joined, strerror(errno));
    if (realpath(joined, real) == NULL)
        return fail_at(L, s, key, "cannot read the %s scenario \"%s\" (%s): %s",
                       strcmp(key, "extends") == 0 ? "extended" : "baseline", given, joined,
                       strerror(errno));
    if (L->record && L->record->npaths < 2 * (FS_MAX_INCLUDE_DEPTH + 1)) {
        int i = L->record->npaths;
        if ((L->record->paths[i].joined = strdup(joined)) == NULL ||
            (L->record->paths[i].real = strdup(real)) == NULL) {
            free(L->record->paths[i].joined);
            return nomem(L);
        }
        L->record->npaths++;
    }
    return FS_OK;
}

/* baseline: a path relative to the file that sets it (the scenario file
 * for a --set), kept absolute so that scenario.resolved.cfg finds it from
 * anywhere. Only its existence is checked here; the runner loads it. */
static fs_status load_baseline(loader *L, config_setting_t *root)
{
    char joined[PATH_MAX], abs[PATH_MAX];
    const char *given;
    fs_status st = get_string(L, root, "", "baseline", 0, &given);

    if (st != FS_OK || given == NULL || given[0] == '\0')
        return st;   /* "" is no baseline: --set baseline="" switches it off */
    if ((st = relative_path(L, member(root, "baseline"), "baseline", given, joined, abs))
            != FS_OK)
        return st;
    return dup_string(L, abs, &L->sc->baseline);
}

/* posterior: the directory of a calibration (foresight calibrate), a path
 * relative to the file that sets it, kept absolute as baseline is. Only
 * its existence is checked here; the runner reads its posterior.csv. */
static fs_status load_posterior(loader *L, config_setting_t *root)
{
    char joined[PATH_MAX], abs[PATH_MAX];
    const char *given;
    fs_status st = get_string(L, root, "", "posterior", 0, &given);

    if (st != FS_OK || given == NULL || given[0] == '\0')
        return st;   /* "" is none: --set posterior="" switches it off */
    if ((st = relative_path(L, member(root, "posterior"), "posterior", given, joined, abs))
            != FS_OK)
        return st;
    return dup_string(L, abs, &L->sc->posterior);
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
    if ((st = load_baseline(L, root)) != FS_OK || (st = load_posterior(L, root)) != FS_OK)
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
    /* casualties is the total over the attacks (each attack has an equal
     * share); casualties_per_attack, the common case, is each attack's. */
    if (member(e, "casualties_per_attack")) {
        char kpath[PATHN];
        join_path(kpath, path, "casualties_per_attack");
        if (member(e, "casualties"))
            return fail_at(L, member(e, "casualties"), kpath, "give casualties_per_attack "
                           "(each attack's) or casualties (the total, split evenly over "
                           "the attacks), not both");
        if ((st = get_num(L, e, path, "casualties_per_attack", 0, -1, R_AMOUNT,
                          &j->casualties)) != FS_OK)
            return st;
        j->per_attack = 1;
    }
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

/* The mechanism (one with participants) and the target actor of a join
 * or a leave inject. */
static fs_status membership_inject(loader *L, fs_inject *j, const config_setting_t *e,
                                   const char *path, const fs_mechanism **m)
{
    char kpath[PATHN];
    fs_status st;

    if ((st = get_ref(L, e, path, "mechanism", 1, 'm', &j->mechanism)) != FS_OK)
        return st;
    *m = &L->sc->mechanisms[j->mechanism];
    if ((*m)->kind == FS_MECH_BORDER_OPERATION) {
        join_path(kpath, path, "mechanism");
        return fail_at(L, member(e, "mechanism"), kpath, "expected a mechanism with "
                       "participants, found '%s', a border_operation", (*m)->id);
    }
    return get_ref(L, e, path, "target", 1, 'a', &j->actor);
}

static fs_status load_join(loader *L, fs_inject *j, const config_setting_t *e,
                           const char *path)
{
    const fs_mechanism *m;
    char kpath[PATHN];
    int k;
    fs_status st;

    if ((st = membership_inject(L, j, e, path, &m)) != FS_OK)
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

/* border_change: a border's permeability multiplied by `factor` or set to
 * `value` from the inject's step, until step `until` if given. */
static fs_status load_border_change(loader *L, fs_inject *j, const config_setting_t *e,
                                    const char *path)
{
    const config_setting_t *b = member(e, "border"), *u = member(e, "until");
    char kpath[PATHN];
    fs_status st;

    join_path(kpath, path, "border");
    if (b == NULL)
        return missing(L, e, path, "border");
    if ((st = border_ref(L, b, kpath, &j->border)) != FS_OK)
        return st;
    if (member(e, "factor") && member(e, "value")) {
        join_path(kpath, path, "value");
        return fail_at(L, member(e, "value"), kpath, "give factor (the permeability "
                       "multiplied) or value (the new permeability), not both");
    }
    if (member(e, "factor") == NULL && member(e, "value") == NULL)
        return fail_at(L, e, path, "missing required key 'factor' or 'value': the "
                       "permeability multiplied by factor, or set to value");
    if ((st = get_num(L, e, path, "factor", 0, 1, R_FACTOR, &j->factor)) != FS_OK
        || (st = get_num(L, e, path, "value", 0, -1, R_UNIT, &j->value)) != FS_OK)
        return st;
    if (j->value < 0 && j->factor == 1) {
        join_path(kpath, path, "factor");
        return fail_at(L, member(e, "factor"), kpath, "a border change that changes "
                       "nothing (factor 1); set a factor other than 1, or a value");
    }
    if (u == NULL)
        return FS_OK;
    join_path(kpath, path, "until");
    if (j->hazard > 0)
        return fail_at(L, u, kpath, "key 'until' applies only to an inject with a step");
    return get_i(L, e, path, "until", 0, 0, j->step, L->sc->steps, &j->until);
}

/* leave: the inverse of join; the actor must take part, or join first. */
static fs_status load_leave(loader *L, fs_inject *j, const config_setting_t *e,
                            const char *path)
{
    const fs_mechanism *m;
    char kpath[PATHN];
    int k;
    fs_status st;

    if ((st = membership_inject(L, j, e, path, &m)) != FS_OK)
        return st;
    for (k = 0; k < m->nparticipants; k++)
        if (m->participants[k] == j->actor)
            return FS_OK;
    for (k = 0; &L->sc->injects[k] != j; k++)
        if (L->sc->injects[k].kind == FS_INJ_JOIN && L->sc->injects[k].actor == j->actor
            && L->sc->injects[k].mechanism == j->mechanism)
            return FS_OK;
    join_path(kpath, path, "target");
    return fail_at(L, member(e, "target"), kpath, "actor '%s' does not take part in '%s' "
                   "and no earlier join inject adds it: it cannot leave",
                   L->sc->actors[j->actor].id, m->id);
}

static fs_status load_inject(loader *L, const config_setting_t *e, const char *path,
                             int i)
{
    fs_inject *j = &L->sc->injects[i];
    int kind;
    fs_status st;

    j->actor = j->actor2 = j->threat = j->mechanism = j->border = -1;
    j->factor = 1;
    j->value = -1;
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
    case FS_INJ_BORDER_CHANGE: return load_border_change(L, j, e, path);
    case FS_INJ_LEAVE: return load_leave(L, j, e, path);
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

/* "file:line" of element i of the top-level list `key`, into *out. */
static fs_status origin(loader *L, const char *key, int i, char **out)
{
    const config_setting_t *p = config_setting_get_elem(
        config_setting_get_member(config_root_setting(&L->cfg), key), (unsigned)i);
    char buf[PATH_MAX + 16];
    const char *f;
    int line = 0;

    while (p && p->line == 0)
        p = p->parent;
    f = p ? fs_source_where(L->src, (int)p->line, &line) : L->file;
    snprintf(buf, sizeof buf, "%s:%d", f, line);
    return dup_string(L, buf, out);
}

/* Where each element was written, and what extending files changed: what
 * `foresight check` shows beside the resolved scenario. */
static fs_status record_origins(loader *L)
{
    fs_scenario *sc = L->sc;
    fs_status st = FS_OK;
    int i;

    for (i = 0; i < sc->nactors && st == FS_OK; i++)
        st = origin(L, "actors", i, &sc->actors[i].from);
    for (i = 0; i < sc->nborders && st == FS_OK; i++)
        st = origin(L, "borders", i, &sc->borders[i].from);
    for (i = 0; i < sc->nthreats && st == FS_OK; i++)
        st = origin(L, "threats", i, &sc->threats[i].from);
    for (i = 0; i < sc->nmechanisms && st == FS_OK; i++)
        st = origin(L, "mechanisms", i, &sc->mechanisms[i].from);
    for (i = 0; i < sc->ninjects && st == FS_OK; i++)
        st = origin(L, "injects", i, &sc->injects[i].from);
    sc->changes = L->notes;
    sc->nchanges = L->nnotes;
    sc->extends = L->extends;
    L->notes = NULL;
    L->nnotes = 0;
    L->extends = NULL;
    return st;
}

/* reported: figures from the real world, each naming the run total it is
 * compared with (include/reported.h). */
static fs_status load_reported(loader *L)
{
    config_setting_t *list, *e;
    char path[PATHN], hint[512];
    fs_layout lay;
    int i, n;
    fs_status st;

    if ((st = section(L, "reported", CONFIG_TYPE_LIST, 0, &list)) != FS_OK
        || (st = list_size(L, list, "reported", 0, FS_MAX_REPORTED, "reported figure", &n))
            != FS_OK)
        return st;
    if ((L->sc->reported = calloc((size_t)n + 1, sizeof *L->sc->reported)) == NULL)
        return nomem(L);
    fs_layout_init(&lay, L->sc);
    for (i = 0; i < n; i++) {
        fs_reported *r = &L->sc->reported[i];
        L->sc->nreported = i + 1;
        if ((st = element(L, list, "reported", i, reported_keys, &e, path)) != FS_OK
            || (st = get_text(L, e, path, "label", 1, "", &r->label)) != FS_OK
            || (st = get_text(L, e, path, "metric", 1, "", &r->metric)) != FS_OK
            || (st = get_text(L, e, path, "source", 0, "", &r->source)) != FS_OK
            || (st = get_num(L, e, path, "value", 1, 0, R_AMOUNT, &r->value)) != FS_OK)
            return st;
        if (fs_reported_cell(L->sc, &lay, r->metric, hint, sizeof hint) < 0) {
            char mpath[PATHN];
            join_path(mpath, path, "metric");
            return fail_at(L, member(e, "metric"), mpath, "expected %s, found \"%s\"", hint,
                           r->metric);
        }
    }
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
        || (st = load_outcomes(L)) != FS_OK
        || (st = load_reported(L)) != FS_OK
        || (st = load_dynamics(L)) != FS_OK)
        return st;
    return record_origins(L);
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
    "name", "description", "question", "baseline", "posterior", "version", "step_unit",
    "rng", "id",
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
    if (L->set_line)
        s->line = L->set_line;   /* a file's `set` entry: placed at its line */
    else
        config_setting_set_hook(s, (void *)ov);
    return FS_OK;
}

/* The n segments of a path written back, with segment k as "[id]". */
static void join_segs(char *buf, size_t size, const seg *segs, int n, int k, const char *id)
{
    int i;
    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        int br = i == k || segs[i].bracket;
        if (i > 0)
            append(buf, size, ".");
        append(buf, size, br ? "[" : "");
        append(buf, size, i == k ? id : segs[i].text);
        append(buf, size, br ? "]" : "");
    }
}

/* A path that names a list's element without brackets (actors.TJ.capacity
 * for actors.[TJ].capacity): the path as it should be when segment k is an
 * element's id, or close to one; else the ids there are. */
static fs_status unbracketed(loader *L, const fs_override *ov, config_setting_t *list,
                             const seg *segs, int n, int k, const char *at)
{
    const char *ids[FS_MAX_ACTORS + 32];
    char hint[FS_ERR_MSG_MAX / 2], fixed[2 * PATHN];
    int nk = element_ids(list, ids, (int)(sizeof ids / sizeof ids[0])), best = -1;

    if (find_element(list, segs[k].text) == NULL
        && (best = fs_closest(segs[k].text, ids, nk)) < 0) {
        fs_suggest(hint, sizeof hint, segs[k].text, ids, nk, "ids are");
        return usage(ov, L->err, "%s is a list; select an element by its id in brackets, "
                     "as in %s.[id]%s", at, at, hint);
    }
    join_segs(fixed, sizeof fixed, segs, n, k, best >= 0 ? ids[best] : segs[k].text);
    return usage(ov, L->err, "%s is a list; select an element by its id in brackets: "
                 "did you mean %s?", at, fixed);
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
        if (cur->type == CONFIG_TYPE_LIST && ctx_element(c) != C_LEAF)
            return unbracketed(L, ov, cur, segs, n, i, at);
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

/* ---- extends: a scenario written as changes to another ----
 *
 * A file with `extends = "base.cfg";` starts from the base scenario's
 * settings (the base resolved first, so bases can extend bases). Its own
 * top-level settings replace the base's; `remove`, `replace` and `add`
 * (in that order) edit the base's lists element by element, by id (or
 * "A-B" for borders and pairs); `set` then changes single settings by
 * their --set path. The result is one libconfig tree that build() checks
 * as if it had been written out whole; each setting keeps the file and
 * line it was written at, through a source map that joins the base's map
 * and this file's (docs/SCENARIO.md, "Variants"). */

static const char *const delta_keys[] = {"extends", "set", "add", "replace", "remove", NULL};
static const char *const edit_lists[] = {
    "actors", "borders", "threats", "mechanisms", "injects", "trust", "interoperability",
    NULL};
static const char *const position_keys[] = {"before", "after", NULL};

/* Records what an extending file changed, for `foresight check`. */
static fs_status note(loader *L, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static fs_status note(loader *L, const config_setting_t *s, const char *fmt, ...)
{
    char msg[FS_ERR_MSG_MAX / 2], *line;
    char **p = realloc(L->notes, (size_t)(L->nnotes + 1) * sizeof *p);
    const char *f;
    int real;
    va_list ap;

    if (p == NULL)
        return nomem(L);
    L->notes = p;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    f = fs_source_where(L->src, (int)s->line, &real);
    line = malloc(strlen(f) + strlen(msg) + 16);
    if (line == NULL)
        return nomem(L);
    sprintf(line, "%s:%d: %s", f, real, msg);
    L->notes[L->nnotes++] = line;
    return FS_OK;
}

static void free_notes(loader *L)
{
    int i;
    for (i = 0; i < L->nnotes; i++)
        free(L->notes[i]);
    free(L->notes);
    L->notes = NULL;
    L->nnotes = 0;
}

/* Adds `by` to the line of s and of everything under it. */
static void shift_lines(config_setting_t *s, unsigned by)
{
    int i, n;

    if (s->line)
        s->line += by;
    if (!config_setting_is_aggregate(s))
        return;
    n = config_setting_length(s);
    for (i = 0; i < n; i++)
        shift_lines(config_setting_get_elem(s, (unsigned)i), by);
}

/* A deep copy of s as member `name` of parent (NULL name in a list or
 * array), keeping its line; keys of a group listed in skip are left out. */
static fs_status copy_setting(loader *L, config_setting_t *parent, const char *name,
                              const config_setting_t *s, const char *const *skip)
{
    config_setting_t *c = config_setting_add(parent, name, s->type);
    int i, n, ok = 1;

    if (c == NULL)
        return nomem(L);
    c->line = s->line;
    config_setting_set_format(c, s->format);
    switch (s->type) {
    case CONFIG_TYPE_INT:
        ok = config_setting_set_int(c, config_setting_get_int(s));
        break;
    case CONFIG_TYPE_INT64:
        ok = config_setting_set_int64(c, config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        ok = config_setting_set_float(c, config_setting_get_float(s));
        break;
    case CONFIG_TYPE_BOOL:
        ok = config_setting_set_bool(c, config_setting_get_bool(s));
        break;
    case CONFIG_TYPE_STRING:
        ok = config_setting_set_string(c, config_setting_get_string(s));
        break;
    default:
        n = config_setting_length(s);
        for (i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            fs_status st;
            if (skip && e->name && in_list(e->name, skip) >= 0)
                continue;
            if ((st = copy_setting(L, c, s->type == CONFIG_TYPE_GROUP ? e->name : NULL, e,
                                   NULL)) != FS_OK)
                return st;
        }
    }
    return ok ? FS_OK : nomem(L);
}

/* 1 when element e of a list is the one `key` names: its id, or for
 * borders and pairs "a-b" in either order. */
static int element_is(const config_setting_t *e, const char *key)
{
    char ab[2 * FS_MAX_ID + 8];
    const char *id = string_of(member(e, "id"));
    const char *a = string_of(member(e, "a")), *b = string_of(member(e, "b"));

    if (id)
        return strcmp(id, key) == 0;
    if (a == NULL || b == NULL)
        return 0;
    snprintf(ab, sizeof ab, "%s-%s", a, b);
    if (strcmp(ab, key) == 0)
        return 1;
    snprintf(ab, sizeof ab, "%s-%s", b, a);
    return strcmp(ab, key) == 0;
}

/* The key element e is known by ("rats", "TJ-AF") in buf, for notes. */
static const char *element_name(const config_setting_t *e, char *buf, size_t n)
{
    const char *id = string_of(member(e, "id"));
    const char *a = string_of(member(e, "a")), *b = string_of(member(e, "b"));

    if (id)
        snprintf(buf, n, "%s", id);
    else
        snprintf(buf, n, "%s-%s", a ? a : "?", b ? b : "?");
    return buf;
}

/* The key an added or replacing element is known by ("rats", "TJ-AF"), or
 * NULL (with the error set) when it has none. */
static const char *element_key(loader *L, const config_setting_t *e, const char *path,
                               char *buf, size_t n)
{
    const char *id = string_of(member(e, "id"));
    const char *a = string_of(member(e, "a")), *b = string_of(member(e, "b"));

    if (e->type == CONFIG_TYPE_GROUP && id && id[0])
        return id;
    if (e->type == CONFIG_TYPE_GROUP && id == NULL && a && b) {
        snprintf(buf, n, "%s-%s", a, b);
        return buf;
    }
    expected(L, e, path, "an element { id = \"...\"; ... } (or { a = \"A\"; b = \"B\"; "
             "... } for borders and pairs)");
    return NULL;
}

/* The elements of a list being edited, in order, as pointers into the base
 * tree or the extending file's tree. */
typedef struct elems {
    const config_setting_t **e;
    int n, cap;
} elems;

static int elems_find(const elems *v, const char *key)
{
    int i;
    for (i = 0; i < v->n; i++)
        if (element_is(v->e[i], key))
            return i;
    return -1;
}

static fs_status elems_insert(loader *L, elems *v, int at, const config_setting_t *e)
{
    if (v->n == v->cap) {
        int cap = v->cap ? 2 * v->cap : 32;
        const config_setting_t **p = realloc(v->e, (size_t)cap * sizeof *p);
        if (p == NULL)
            return nomem(L);
        v->e = p;
        v->cap = cap;
    }
    memmove(v->e + at + 1, v->e + at, (size_t)(v->n - at) * sizeof *v->e);
    v->e[at] = e;
    v->n++;
    return FS_OK;
}

/* "no element [x] in the base's injects; ids are: ..." */
static fs_status no_element(loader *L, const config_setting_t *s, const char *path,
                            const elems *v, const char *list, const char *key)
{
    const char *ids[FS_MAX_BORDERS + FS_MAX_INJECTS];
    char hint[FS_ERR_MSG_MAX / 2], ab[FS_MAX_BORDERS][2 * FS_MAX_ID + 2];
    int i, n = 0;

    for (i = 0; i < v->n && n < FS_MAX_BORDERS; i++) {
        const char *id = string_of(member(v->e[i], "id"));
        const char *a = string_of(member(v->e[i], "a")), *b = string_of(member(v->e[i], "b"));
        if (id == NULL && a && b) {
            snprintf(ab[n], sizeof ab[n], "%.*s-%.*s", FS_MAX_ID, a, FS_MAX_ID, b);
            id = ab[n];
        }
        if (id)
            ids[n++] = id;
    }
    fs_suggest(hint, sizeof hint, key, ids, n, "its elements are");
    return fail_at(L, s, path, "the scenario it extends has no %s [%s]%s", list, key, hint);
}

/* The place an added element goes: before or after the element its
 * `before` / `after` names, else at the end. */
static fs_status add_position(loader *L, const config_setting_t *e, const char *path,
                              const elems *v, const char *list, int *at)
{
    const config_setting_t *b = member(e, "before"), *a = member(e, "after");
    const config_setting_t *p = b ? b : a;
    char ppath[PATHN];
    int i;

    *at = v->n;
    if (p == NULL)
        return FS_OK;
    join_path(ppath, path, b ? "before" : "after");
    if (a && b)
        return fail_at(L, a, ppath, "give 'before' or 'after', not both");
    if (p->type != CONFIG_TYPE_STRING)
        return expected(L, p, ppath, "the id of an element of the list");
    if ((i = elems_find(v, config_setting_get_string(p))) < 0)
        return no_element(L, p, ppath, v, list, config_setting_get_string(p));
    *at = b ? i : i + 1;
    return FS_OK;
}

/* Applies one kind of edit (remove, replace or add) of the extending file
 * root d to the list `list` being built in v. */
static fs_status edit_list(loader *L, const config_setting_t *d, const char *verb,
                           const char *list, elems *v)
{
    const config_setting_t *ops = member(member(d, verb), list), *e;
    char path[PATHN], kb[2 * FS_MAX_ID + 8], nb[2 * FS_MAX_ID + 8];
    const char *key;
    int i, at, n;
    fs_status st;

    if (ops == NULL)
        return FS_OK;
    snprintf(path, sizeof path, "%s.%s", verb, list);
    if (strcmp(list, "trust") == 0)
        list = "trust.pairs";
    else if (strcmp(list, "interoperability") == 0)
        list = "interoperability.pairs";
    if (strcmp(verb, "remove") == 0 ? ops->type != CONFIG_TYPE_ARRAY
                                    : ops->type != CONFIG_TYPE_LIST)
        return expected(L, ops, path, strcmp(verb, "remove") == 0
                        ? "an array of ids [ \"id\", ... ]" : "a list ( { ... }, ... )");
    n = config_setting_length(ops);
    for (i = 0; i < n; i++) {
        e = config_setting_get_elem(ops, (unsigned)i);
        if (strcmp(verb, "remove") == 0) {
            if ((key = string_of(e)) == NULL)
                return expected(L, e, path, "an array of ids [ \"id\", ... ]");
            if ((at = elems_find(v, key)) < 0)
                return no_element(L, e, path, v, list, key);
            memmove(v->e + at, v->e + at + 1, (size_t)(v->n - at - 1) * sizeof *v->e);
            v->n--;
            if ((st = note(L, e, "remove %s.[%s]", list, key)) != FS_OK)
                return st;
            continue;
        }
        if ((key = element_key(L, e, path, kb, sizeof kb)) == NULL)
            return L->err->code;
        at = elems_find(v, key);
        if (strcmp(verb, "replace") == 0) {
            if (at < 0)
                return no_element(L, e, path, v, list, key);
            v->e[at] = e;
            if ((st = note(L, e, "replace %s.[%s]", list, key)) != FS_OK)
                return st;
            continue;
        }
        if (at >= 0)
            return fail_at(L, e, path, "the scenario it extends has %s [%s] already: "
                           "'replace' changes an element, 'add' adds a new one", list, key);
        if ((st = add_position(L, e, path, v, list, &at)) != FS_OK
            || (st = note(L, e, "add %s.[%s]%s%s", list, key, at < v->n ? " before " : "",
                          at < v->n ? element_name(v->e[at], nb, sizeof nb) : "")) != FS_OK
            || (st = elems_insert(L, v, at, e)) != FS_OK)
            return st;
    }
    return FS_OK;
}

/* Writes list `list` of parent (for trust and interoperability: their
 * `pairs`) into out: the base's elements (or the extending file's whole
 * list, if it writes one) edited by d's remove, replace and add. */
static fs_status edited_list(loader *L, config_setting_t *out, const char *name,
                             const config_setting_t *from, const config_setting_t *d,
                             const char *list)
{
    static const char *const verbs[] = {"remove", "replace", "add"};
    elems v = {0};
    config_setting_t *c;
    fs_status st = FS_OK;
    int i;

    if (from && from->type != CONFIG_TYPE_LIST)
        return copy_setting(L, out, name, from, NULL);   /* build() will say what is wrong */
    for (i = 0; from && i < config_setting_length(from) && st == FS_OK; i++)
        st = elems_insert(L, &v, v.n, config_setting_get_elem(from, (unsigned)i));
    for (i = 0; i < 3 && st == FS_OK; i++)
        st = edit_list(L, d, verbs[i], list, &v);
    if (st == FS_OK && (c = config_setting_add(out, name, CONFIG_TYPE_LIST)) == NULL)
        st = nomem(L);
    if (st == FS_OK && from)
        c->line = from->line;
    for (i = 0; i < v.n && st == FS_OK; i++)
        st = copy_setting(L, c, NULL, v.e[i], position_keys);
    free(v.e);
    return st;
}

static int edits_list(const config_setting_t *d, const char *list)
{
    return member(member(d, "remove"), list) || member(member(d, "replace"), list)
           || member(member(d, "add"), list);
}

/* Copies top-level setting s (the base's, or the extending file's
 * replacement) into root out, applying d's edits when it is an edited list
 * or a matrix whose pairs are edited. */
static fs_status merge_setting(loader *L, config_setting_t *out, const char *name,
                               const config_setting_t *s, const config_setting_t *d)
{
    config_setting_t *g;
    int i;
    fs_status st;

    if (in_list(name, edit_lists) < 0 || !edits_list(d, name))
        return copy_setting(L, out, name, s, NULL);
    if (strcmp(name, "trust") != 0 && strcmp(name, "interoperability") != 0)
        return edited_list(L, out, name, s, d, name);
    if (s && s->type != CONFIG_TYPE_GROUP)
        return copy_setting(L, out, name, s, NULL);
    if ((g = config_setting_add(out, name, CONFIG_TYPE_GROUP)) == NULL)
        return nomem(L);
    g->line = s ? s->line : 0;
    for (i = 0; s && i < config_setting_length(s); i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        if (strcmp(e->name, "pairs") != 0 && (st = copy_setting(L, g, e->name, e, NULL)) != FS_OK)
            return st;
    }
    return edited_list(L, g, "pairs", member(s, "pairs"), d, name);
}

/* Checks the shape of d's remove/replace/add groups: only list names. */
static fs_status check_edits(loader *L, const config_setting_t *d)
{
    int i;
    fs_status st;

    for (i = 1; i < 5; i++) {
        const config_setting_t *g = member(d, delta_keys[i]);
        if (g == NULL || i == 1)
            continue;
        if (g->type != CONFIG_TYPE_GROUP)
            return expected(L, g, delta_keys[i], "a group { injects = ...; ... } of the "
                            "lists it changes");
        if ((st = check_keys(L, g, delta_keys[i], edit_lists)) != FS_OK)
            return st;
    }
    return FS_OK;
}

/* Merges base root b and extending root d into the empty root out. */
static fs_status merge_roots(loader *L, config_setting_t *out, const config_setting_t *b,
                             const config_setting_t *d)
{
    int i;
    fs_status st;

    for (i = 0; i < config_setting_length(b); i++) {
        const config_setting_t *s = config_setting_get_elem(b, (unsigned)i);
        const config_setting_t *own = member(d, s->name);
        if ((st = merge_setting(L, out, s->name, own ? own : s, d)) != FS_OK)
            return st;
    }
    for (i = 0; i < config_setting_length(d); i++) {
        const config_setting_t *s = config_setting_get_elem(d, (unsigned)i);
        if (in_list(s->name, delta_keys) < 0 && member(b, s->name) == NULL
            && (st = merge_setting(L, out, s->name, s, d)) != FS_OK)
            return st;
    }
    for (i = 0; edit_lists[i]; i++)
        if (member(b, edit_lists[i]) == NULL && member(d, edit_lists[i]) == NULL
            && edits_list(d, edit_lists[i])
            && (st = merge_setting(L, out, edit_lists[i], NULL, d)) != FS_OK)
            return st;
    return FS_OK;
}

/* Applies the extending file's `set` entries ("path=value", as --set takes
 * them) to the merged tree. A setting one writes carries the entry's line,
 * and an error names the file and line rather than --set. */
static fs_status apply_sets(loader *L, const config_setting_t *sets)
{
    char buf[PATHN + FS_MAX_TEXT + 8], msg[FS_ERR_MSG_MAX / 2], *p, *q;
    const char *text, *f;
    fs_override ov;
    fs_status st;
    int i, real;

    if (sets == NULL)
        return FS_OK;
    if (sets->type != CONFIG_TYPE_ARRAY && sets->type != CONFIG_TYPE_LIST)
        return expected(L, sets, "set", "an array of \"path=value\" strings, as --set "
                        "takes them: set = [ \"mechanisms.[rats].intensity=1.0\" ];");
    for (i = 0; i < config_setting_length(sets); i++) {
        const config_setting_t *e = config_setting_get_elem(sets, (unsigned)i);
        if ((text = string_of(e)) == NULL || strchr(text, '=') == NULL
            || strlen(text) >= sizeof buf)
            return expected(L, e, "set", "\"path=value\", as --set takes it, such as "
                            "\"mechanisms.[rats].intensity=1.0\"");
        /* Spaces around the path and the '=' are allowed in a file. */
        p = buf + snprintf(buf, sizeof buf, "%s", text + strspn(text, " \t"));
        while (p > buf && (p[-1] == ' ' || p[-1] == '\t'))
            *--p = '\0';
        p = strchr(buf, '=');
        for (q = p; q > buf && (q[-1] == ' ' || q[-1] == '\t'); q--)
            ;
        memmove(q + 1, p + 1 + strspn(p + 1, " \t"), strlen(p + 1 + strspn(p + 1, " \t")) + 1);
        *q = '=';
        if ((st = fs_override_parse(buf, &ov, L->err)) == FS_OK) {
            L->set_line = e->line;
            st = apply_override(L, &ov);
            L->set_line = 0;
        }
        if (st == FS_ECONFIG || st == FS_EUSAGE) {
            snprintf(msg, sizeof msg, "%s", L->err->msg + (strncmp(L->err->msg, "--set ", 6)
                                                          == 0 ? 6 : 0));
            f = fs_source_where(L->src, (int)e->line, &real);
            return fs_err_set(L->err, FS_ECONFIG, "%s:%d: set %s", f, real, msg);
        }
        if (st != FS_OK || (st = note(L, e, "set %s", text)) != FS_OK)
            return st;
    }
    return FS_OK;
}

/* The files on the chain of extends, innermost last, to refuse a cycle. */
typedef struct chain {
    const char *real;
    const struct chain *up;
} chain;

/* Resolves L's `extends`, if it has one: L->cfg becomes the base scenario's
 * settings with this file's changes applied, and L->src the joined map. */
static fs_status resolve_extends(loader *L, const chain *up, int depth)
{
    config_setting_t *root = config_root_setting(&L->cfg), *ext = member(root, "extends");
    char joined[PATH_MAX], real[PATH_MAX], self[PATH_MAX];
    const chain *c;
    chain me;
    loader B;
    config_t D;
    fs_source tmp;
    fs_status st;
    int i;

    if (ext == NULL) {
        for (i = 1; delta_keys[i]; i++)
            if (member(root, delta_keys[i]))
                return fail_at(L, member(root, delta_keys[i]), delta_keys[i],
                               "'%s' changes the scenario a file extends, and this file "
                               "extends none: name it with extends = \"base.cfg\";",
                               delta_keys[i]);
        return FS_OK;
    }
    if (ext->type != CONFIG_TYPE_STRING || config_setting_get_string(ext)[0] == '\0')
        return expected(L, ext, "extends", "the file of the scenario this one starts "
                        "from, such as \"sco_baseline.cfg\"");
    if ((st = relative_path(L, ext, "extends", config_setting_get_string(ext), joined,
                            real)) != FS_OK
        || (st = check_edits(L, root)) != FS_OK)
        return st;
    me.real = realpath(L->file, self) ? self : L->file;
    me.up = up;
    for (c = &me; c; c = c->up)
        if (strcmp(c->real, real) == 0)
            return fail_at(L, ext, "extends", "\"%s\" extends, directly or through "
                           "others, this file: a cycle", config_setting_get_string(ext));
    if (depth >= FS_MAX_INCLUDE_DEPTH)
        return fail_at(L, ext, "extends", "more than %d scenarios extend one another",
                       FS_MAX_INCLUDE_DEPTH);

    memset(&B, 0, sizeof B);
    B.file = joined;
    B.err = L->err;
    B.text = L->text;
    B.record = L->record;
    B.src = &B.own;
    if ((st = read_extended(L, joined, &B.own)) != FS_OK)
        return st;
    config_init(&B.cfg);
    config_init(&D);
    if (!config_read_string(&B.cfg, B.own.text)) {
        st = fs_source_syntax_error(&B.own, &B.cfg, "scenario", L->err);
        goto out;
    }
    if ((st = resolve_extends(&B, &me, depth + 1)) != FS_OK
        || (st = fs_source_append(&B.own, L->src, L->err)) != FS_OK)
        goto out;
    shift_lines(root, (unsigned)(B.own.nlines - L->src->nlines));
    /* L takes the joined map as its own; what it owned goes with B. */
    tmp = L->own;
    L->own = B.own;
    L->src = &L->own;
    B.own = tmp;
    /* This file's tree moves aside (D); the merge is built in L->cfg. */
    for (i = 0; i < config_setting_length(root); i++) {
        const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        if ((st = copy_setting(L, config_root_setting(&D), s->name, s, NULL)) != FS_OK)
            goto out;
    }
    config_destroy(&L->cfg);
    config_init(&L->cfg);
    L->notes = B.notes;     /* the base's own changes come first */
    L->nnotes = B.nnotes;
    B.notes = NULL;
    B.nnotes = 0;
    free(L->extends);
    if ((L->extends = strdup(real)) == NULL) {
        st = nomem(L);
        goto out;
    }
    if ((st = merge_roots(L, config_root_setting(&L->cfg), config_root_setting(&B.cfg),
                          config_root_setting(&D))) == FS_OK)
        st = apply_sets(L, member(config_root_setting(&D), "set"));
out:
    free_notes(&B);
    free(B.extends);
    config_destroy(&D);
    config_destroy(&B.cfg);
    fs_source_release(&B.own);
    return st;
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

/* ---- the paths --set takes (foresight check --paths) ---- */

static void print_paths(FILE *f, const config_setting_t *g, ctx c, const char *at);

/* The path at.key, or the section it opens, for the group or element g of
 * kind c. Keys holding a list or array (participants, borders) are not
 * set as one value: they are left out. */
static void print_key(FILE *f, const config_setting_t *g, ctx c, const char *at,
                      const char *key)
{
    const config_setting_t *s = member(g, key), *e;
    char path[PATHN], el[PATHN];
    ctx k = ctx_child(c, key);
    int i;

    join_path(path, at, key);
    if (k == C_LEAF) {
        if (!(s && (s->type == CONFIG_TYPE_LIST || s->type == CONFIG_TYPE_ARRAY)))
            fprintf(f, "%s\n", path);
    } else if (ctx_element(k) != C_LEAF) {
        for (i = 0; s && s->type == CONFIG_TYPE_LIST && i < config_setting_length(s); i++) {
            e = config_setting_get_elem(s, (unsigned)i);
            element_path(el, path, e, i);
            print_paths(f, e, ctx_element(k), el);
        }
    } else {
        print_paths(f, s, k, path);
    }
}

/* Every path under the group g of kind c (g may be NULL: a section the file
 * leaves to its defaults). */
static void print_paths(FILE *f, const config_setting_t *g, ctx c, const char *at)
{
    const config_setting_t *actors, *root = g;
    const char *const *keys = ctx_keys(c);
    char path[PATHN];
    int i, kind;

    if (c == C_ACTORMAP) {
        while (root && root->parent)
            root = root->parent;
        actors = member(root, "actors");
        for (i = 0; actors && i < config_setting_length(actors); i++) {
            const char *id = string_of(member(config_setting_get_elem(actors, (unsigned)i), "id"));
            if (valid_id(id))
                join_path(path, at, id), fprintf(f, "%s\n", path);
        }
        return;
    }
    if (c == C_INJECT && (kind = in_list(string_of(member(g, "type")) ? string_of(member(g, "type"))
                                         : "", inject_names)) >= 0) {
        for (i = 1; inject_common_keys[i]; i++)
            print_key(f, g, c, at, inject_common_keys[i]);
        for (i = 0; inject_type_keys[kind][i]; i++)
            print_key(f, g, c, at, inject_type_keys[kind][i]);
        return;
    }
    for (i = 0; keys && keys[i]; i++)
        if (strcmp(keys[i], "id") != 0 && !((c == C_BORDER || c == C_PAIR)
                                           && (strcmp(keys[i], "a") == 0 || strcmp(keys[i], "b") == 0)))
            print_key(f, g, c, at, keys[i]);
}

/* Parses L->src (already read), applies the overrides and builds the
 * scenario; on success *out owns it. Releases everything L holds (own,
 * not a text read earlier). */
static fs_status load_source(loader *L, const fs_override *ov, int nov,
                             fs_scenario **out)
{
    fs_status st;
    int i;

    config_init(&L->cfg);
    if (!config_read_string(&L->cfg, L->src->text)) {
        st = fs_source_syntax_error(L->src, &L->cfg, "scenario", L->err);
        goto fail;
    }
    if ((st = not_a_sweep(L)) != FS_OK || (st = resolve_extends(L, NULL, 0)) != FS_OK)
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
    if (L->paths)
        print_paths(L->paths, config_root_setting(&L->cfg), C_TOP, "");
    *out = L->sc;
    L->sc = NULL;
fail:
    fs_scenario_free(L->sc);
    free_notes(L);
    free(L->extends);
    config_destroy(&L->cfg);
    fs_source_release(&L->own);
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
    L.src = &L.own;
    st = fs_source_read(&L.own, file, "scenario", err);
    if (st != FS_OK)
        return st;
    return load_source(&L, ov, nov, out);
}

fs_status fs_load_paths(const char *file, const fs_override *ov, int nov, FILE *f,
                        fs_err *err)
{
    loader L;
    fs_scenario *sc = NULL;
    fs_status st;

    memset(&L, 0, sizeof L);
    L.file = file;
    L.err = err;
    L.paths = f;
    L.src = &L.own;
    if ((st = fs_source_read(&L.own, file, "scenario", err)) != FS_OK)
        return st;
    st = load_source(&L, ov, nov, &sc);
    fs_scenario_free(sc);
    return st;
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
    L.src = &L.own;
    st = fs_source_read_buffer(&L.own, name, text, len, "scenario", err);
    if (st != FS_OK)
        return st;
    return load_source(&L, ov, nov, out);
}

fs_status fs_scenario_text_read(const char *file, fs_scenario_text **out, fs_err *err)
{
    fs_scenario_text *t = calloc(1, sizeof *t);
    fs_scenario *sc = NULL;
    fs_status st;
    loader L;

    *out = NULL;
    if (t == NULL || (t->file = strdup(file)) == NULL) {
        free(t);
        return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", file);
    }
    if ((st = fs_source_read(&t->src, file, "scenario", err)) != FS_OK) {
        fs_scenario_text_free(t);
        return st;
    }
    /* One load records the scenarios the file extends, read as it goes. */
    memset(&L, 0, sizeof L);
    L.file = t->file;
    L.err = err;
    L.src = &t->src;
    L.record = t;
    if ((st = load_source(&L, NULL, 0, &sc)) != FS_OK) {
        fs_scenario_text_free(t);
        return st;
    }
    fs_scenario_free(sc);
    *out = t;
    return FS_OK;
}

fs_status fs_load_scenario_text(const fs_scenario_text *t, const fs_override *ov, int nov,
                                fs_scenario **out, fs_err *err)
{
    loader L;

    memset(&L, 0, sizeof L);
    L.file = t->file;
    L.err = err;
    L.src = &t->src;
    L.text = t;
    *out = NULL;
    return load_source(&L, ov, nov, out);
}

fs_status fs_load_range(const fs_scenario_text *t, const fs_override *ov, int nov,
                        const char *path, double *lo, double *hi, int *lo_open, fs_err *err)
{
    loader L;
    fs_scenario *sc = NULL;
    fs_status st;

    memset(&L, 0, sizeof L);
    L.file = t->file;
    L.err = err;
    L.src = &t->src;
    L.text = t;
    L.probe = path;
    st = load_source(&L, ov, nov, &sc);
    fs_scenario_free(sc);
    if (st != FS_OK)
        return st;
    if (!L.probe_found)
        return fs_err_set(err, FS_ECONFIG, "%s: no numeric setting %s", t->file, path);
    *lo = L.probe_lo;
    *hi = L.probe_hi;
    *lo_open = (L.probe_flags & LO_OPEN) != 0;
    return FS_OK;
}

void fs_scenario_text_free(fs_scenario_text *t)
{
    int i;
    if (t == NULL)
        return;
    for (i = 0; i < t->nchain; i++) {
        free(t->chain[i].path);
        fs_source_release(&t->chain[i].src);
    }
    for (i = 0; i < t->npaths; i++) {
        free(t->paths[i].joined);
        free(t->paths[i].real);
    }
    fs_source_release(&t->src);
    free(t->file);
    free(t);
}
