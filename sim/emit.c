/* emit.c: a scenario back out as text: the complete libconfig file that
 * fs_scenario_write produces (it loads into the same scenario), and the
 * human summary that `foresight check` prints. */
#include "load.h"

#include <stdlib.h>
#include <string.h>

#ifndef FS_VERSION
#define FS_VERSION "0.0.0"
#endif

/* ---- writing ---- */

/* The shortest "%.*g" text that reads back as exactly v, with a decimal
 * point added when needed so that libconfig reads a float, not an int. */
static void format_double(char *buf, size_t n, double v)
{
    int prec;

    for (prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (strpbrk(buf, ".eEn") == NULL && strlen(buf) + 3 <= n)
        strcat(buf, ".0");
}

static void put_double(FILE *f, const char *key, double v)
{
    char buf[40];
    format_double(buf, sizeof buf, v);
    fprintf(f, "%s = %s;", key, buf);
}

/* A string as a libconfig literal: quotes, backslashes and control
 * characters escaped; other bytes (UTF-8) written as they are. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void put_string(FILE *f, const char *key, const char *s)
{
    fprintf(f, "%s = ", key);
    put_quoted(f, s);
    fputc(';', f);
}

/* Ends an element of a list: a comma unless it is the last. */
static void end_element(FILE *f, int i, int n)
{
    fputs(i + 1 < n ? ",\n" : "\n", f);
}

static void write_top(const fs_scenario *sc, FILE *f)
{
    fputs("# A complete scenario, written by foresight with every default filled in.\n", f);
    put_string(f, "version", FS_VERSION);
    fputc('\n', f);
    put_string(f, "name", sc->name);
    fputc('\n', f);
    put_string(f, "description", sc->description);
    fputc('\n', f);
    put_string(f, "question", sc->question);
    if (sc->baseline) {
        fputc('\n', f);
        put_string(f, "baseline", sc->baseline);
    }
    if (sc->posterior) {
        fputc('\n', f);
        put_string(f, "posterior", sc->posterior);
    }
    fprintf(f, "\nsteps = %d;\n", sc->steps);
    put_string(f, "step_unit", sc->step_unit);
    fprintf(f, "\nruns = %ld;\nseed = %lluL;\n", sc->runs, (unsigned long long)sc->seed);
    put_string(f, "rng", sc->rng);
    fputs("\n\n", f);
}

static void write_actors(const fs_scenario *sc, FILE *f)
{
    int i;

    fputs("actors = (\n", f);
    for (i = 0; i < sc->nactors; i++) {
        const fs_actor *a = &sc->actors[i];
        fputs("    { ", f);
        put_string(f, "id", a->id);
        fputc(' ', f);
        put_string(f, "name", a->name);
        fputc(' ', f);
        put_string(f, "role", fs_role_name(a->role));
        fputs("\n      ", f);
        put_double(f, "capacity", a->capacity);
        fputc(' ', f);
        put_double(f, "intel", a->intel);
        fputc(' ', f);
        put_double(f, "stability", a->stability);
        fputc(' ', f);
        put_double(f, "resilience", a->resilience);
        fputs(" }", f);
        end_element(f, i, sc->nactors);
    }
    fputs(");\n\n", f);
}

static void write_borders(const fs_scenario *sc, FILE *f)
{
    int i;

    fputs("borders = (\n", f);
    for (i = 0; i < sc->nborders; i++) {
        const fs_border *b = &sc->borders[i];
        fputs("    { ", f);
        put_string(f, "a", sc->actors[b->a].id);
        fputc(' ', f);
        put_string(f, "b", sc->actors[b->b].id);
        fputc(' ', f);
        put_double(f, "permeability", b->permeability);
        fputs(" }", f);
        end_element(f, i, sc->nborders);
    }
    fputs(");\n\n", f);
}

/* presence or capacity: the actors whose value differs from def. */
static void write_actor_map(const fs_scenario *sc, FILE *f, const char *key,
                            const double *v, double def)
{
    int a;

    fprintf(f, "        %s = {", key);
    for (a = 0; a < sc->nactors; a++)
        if (v[a] != def) {
            fputc(' ', f);
            put_double(f, sc->actors[a].id, v[a]);
        }
    fputs(" };\n", f);
}

static void write_threats(const fs_scenario *sc, FILE *f)
{
    int i;

    fputs("threats = (\n", f);
    for (i = 0; i < sc->nthreats; i++) {
        const fs_threat *t = &sc->threats[i];
        fputs("    {\n        ", f);
        put_string(f, "id", t->id);
        fputs("\n        ", f);
        put_string(f, "name", t->name);
        fputs("\n        ", f);
        put_double(f, "growth", t->growth);
        fputs("\n        ", f);
        put_double(f, "carrying_capacity", t->carrying_capacity);
        fputs("\n        ", f);
        put_double(f, "mobility", t->mobility);
        fputs("\n        ", f);
        put_double(f, "plot_rate", t->plot_rate);
        fputs("\n        ", f);
        put_double(f, "volatility", t->volatility);
        fputs("\n        ", f);
        put_double(f, "online_recruitment", t->online_recruitment);
        fputs("\n        ", f);
        put_double(f, "attrition", t->attrition);
        fputs("\n        lethality = { ", f);
        put_double(f, "mean", t->lethality_mean);
        fputc(' ', f);
        put_double(f, "dispersion", t->lethality_dispersion);
        fputs(" };\n", f);
        write_actor_map(sc, f, "presence", t->presence, 0.0);
        write_actor_map(sc, f, "capacity", t->capacity, t->carrying_capacity);
        fputs("    }", f);
        end_element(f, i, sc->nthreats);
    }
    fputs(");\n\n", f);
}

/* trust or interoperability: the default and the pairs that differ. */
static void write_matrix(const fs_scenario *sc, FILE *f, const char *key,
                         double def, const double *m)
{
    int a, b, n = sc->nactors, first = 1;

    fprintf(f, "%s = {\n    ", key);
    put_double(f, "default", def);
    fputs("\n    pairs = (", f);
    for (a = 0; a < n; a++)
        for (b = a + 1; b < n; b++) {
            if (m[a * n + b] == def)
                continue;
            fputs(first ? "\n        { " : ",\n        { ", f);
            put_string(f, "a", sc->actors[a].id);
            fputc(' ', f);
            put_string(f, "b", sc->actors[b].id);
            fputc(' ', f);
            put_double(f, "value", m[a * n + b]);
            fputs(" }", f);
            first = 0;
        }
    fputs(first ? " );\n};\n\n" : "\n    );\n};\n\n", f);
}

static void write_participants(const fs_scenario *sc, const fs_mechanism *m, FILE *f)
{
    int k;

    if (m->kind == FS_MECH_BORDER_OPERATION) {
        fputs("        borders = (", f);
        for (k = 0; k < m->nborders; k++) {
            const fs_border *b = &sc->borders[m->borders[k]];
            fputs(k ? ", [" : " [", f);
            put_quoted(f, sc->actors[b->a].id);
            fputs(", ", f);
            put_quoted(f, sc->actors[b->b].id);
            fputc(']', f);
        }
        fputs(" );\n", f);
        return;
    }
    fputs("        participants = [", f);
    for (k = 0; k < m->nparticipants; k++) {
        fputs(k ? ", " : " ", f);
        put_quoted(f, sc->actors[m->participants[k]].id);
    }
    fputs(" ];\n", f);
}

static void write_mechanisms(const fs_scenario *sc, FILE *f)
{
    int i;

    fputs("mechanisms = (\n", f);
    for (i = 0; i < sc->nmechanisms; i++) {
        const fs_mechanism *m = &sc->mechanisms[i];
        fputs("    {\n        ", f);
        put_string(f, "id", m->id);
        fputs("\n        ", f);
        put_string(f, "name", m->name);
        fputs("\n        ", f);
        put_string(f, "type", fs_mech_kind_name(m->kind));
        fputc('\n', f);
        write_participants(sc, m, f);
        fputs("        ", f);
        put_double(f, "intensity", m->intensity);
        fputs("\n        ", f);
        put_double(f, "cost", m->cost);
        fprintf(f, "\n        start = %d;\n        end = %d;\n", m->start, m->end);
        if (m->kind == FS_MECH_JOINT_DRILL)
            fprintf(f, "        period = %d;\n", m->period);
        fprintf(f, "        enabled = %s;\n    }", m->enabled ? "true" : "false");
        end_element(f, i, sc->nmechanisms);
    }
    fputs(");\n\n", f);
}

static void put_ref(FILE *f, const char *key, const char *id)
{
    fputs("\n        ", f);
    put_string(f, key, id);
}

static void put_num(FILE *f, const char *key, double v)
{
    fputs("\n        ", f);
    put_double(f, key, v);
}

/* The keys of an inject that its type takes. */
static void write_inject_targets(const fs_scenario *sc, const fs_inject *j, FILE *f)
{
    switch (j->kind) {
    case FS_INJ_ATTACK:
        put_ref(f, "target", sc->actors[j->actor].id);
        put_ref(f, "threat", sc->threats[j->threat].id);
        fprintf(f, "\n        attacks = %d;", j->attacks);
        if (j->casualties >= 0)
            put_num(f, j->per_attack ? "casualties_per_attack" : "casualties", j->casualties);
        if (j->actor2 >= 0)
            put_ref(f, "origin", sc->actors[j->actor2].id);
        break;
    case FS_INJ_CAPACITY_SHOCK:
    case FS_INJ_STABILITY_SHOCK:
    case FS_INJ_TRUST_SHOCK:
        put_ref(f, "target", sc->actors[j->actor].id);
        if (j->kind == FS_INJ_TRUST_SHOCK)
            put_ref(f, "other", sc->actors[j->actor2].id);
        put_num(f, "delta", j->delta);
        break;
    case FS_INJ_THREAT_SURGE:
        put_ref(f, "threat", sc->threats[j->threat].id);
        if (j->actor >= 0)
            put_ref(f, "target", sc->actors[j->actor].id);
        put_num(f, "factor", j->factor);
        put_num(f, "add", j->add);
        break;
    case FS_INJ_JOIN:
    case FS_INJ_LEAVE:
        put_ref(f, "mechanism", sc->mechanisms[j->mechanism].id);
        put_ref(f, "target", sc->actors[j->actor].id);
        break;
    case FS_INJ_BORDER_CHANGE:
        fputs("\n        border = [", f);
        put_quoted(f, sc->actors[sc->borders[j->border].a].id);
        fputs(", ", f);
        put_quoted(f, sc->actors[sc->borders[j->border].b].id);
        fputs("];", f);
        if (j->value >= 0)
            put_num(f, "value", j->value);
        else
            put_num(f, "factor", j->factor);
        if (j->until > 0)
            fprintf(f, "\n        until = %d;", j->until);
        break;
    default:
        put_ref(f, "mechanism", sc->mechanisms[j->mechanism].id);
    }
}

static void write_injects(const fs_scenario *sc, FILE *f)
{
    int i;

    fputs("injects = (\n", f);
    for (i = 0; i < sc->ninjects; i++) {
        const fs_inject *j = &sc->injects[i];
        fputs("    {\n        ", f);
        put_string(f, "id", j->id);
        put_ref(f, "label", j->label);
        put_ref(f, "type", fs_inject_kind_name(j->kind));
        if (j->hazard > 0) {
            put_num(f, "hazard", j->hazard);
            fprintf(f, "\n        start = %d;\n        end = %d;\n        repeat = %s;",
                    j->start, j->end, j->repeat ? "true" : "false");
        } else {
            fprintf(f, "\n        step = %d;", j->step);
            put_num(f, "probability", j->probability);
        }
        fprintf(f, "\n        measure = %s;", j->measure ? "true" : "false");
        write_inject_targets(sc, j, f);
        fputs("\n    }", f);
        end_element(f, i, sc->ninjects);
    }
    fputs(");\n\n", f);
}

static void write_settings(FILE *f, const char *key, const char *const *names,
                           const double *v, int n)
{
    int i;

    fprintf(f, "%s = {\n", key);
    for (i = 0; i < n; i++) {
        fputs("    ", f);
        put_double(f, names[i], v[i]);
        fputc('\n', f);
    }
    fputs("};\n", f);
}

static void write_globals(const fs_scenario *sc, FILE *f)
{
    static const char *const out_names[] = {
        "escalation_ratio", "failure_stability", "fracture_drop",
        "contained_ratio", "mass_casualty"};
    static const char *const dyn_names[] = {
        "phi", "alpha", "kappa", "tau", "gamma", "eta", "rho_T", "epsilon"};
    const fs_outcomes *o = &sc->outcomes;
    const fs_dynamics *d = &sc->dynamics;
    double ov[5], dv[8];

    ov[0] = o->escalation_ratio;
    ov[1] = o->failure_stability;
    ov[2] = o->fracture_drop;
    ov[3] = o->contained_ratio;
    ov[4] = o->mass_casualty;
    dv[0] = d->sharing_efficiency;
    dv[1] = d->attack_stability;
    dv[2] = d->casualty_stability;
    dv[3] = d->blame;
    dv[4] = d->drill_trust;
    dv[5] = d->drill_interop;
    dv[6] = d->trust_recovery;
    dv[7] = d->interop_decay;
    write_settings(f, "outcomes", out_names, ov, 5);
    fputc('\n', f);
    write_settings(f, "dynamics", dyn_names, dv, 8);
}

static void write_reported(const fs_scenario *sc, FILE *f)
{
    int i;
    if (sc->nreported == 0)
        return;
    fputs("\nreported = (\n", f);
    for (i = 0; i < sc->nreported; i++) {
        const fs_reported *r = &sc->reported[i];
        fputs("    {\n        ", f);
        put_string(f, "label", r->label);
        put_ref(f, "metric", r->metric);
        put_num(f, "value", r->value);
        if (r->source[0])
            put_ref(f, "source", r->source);
        fputs("\n    }", f);
        end_element(f, i, sc->nreported);
    }
    fputs(");\n", f);
}

fs_status fs_scenario_write(const fs_scenario *sc, FILE *f, fs_err *err)
{
    write_top(sc, f);
    write_actors(sc, f);
    write_borders(sc, f);
    write_threats(sc, f);
    write_matrix(sc, f, "trust", sc->trust_default, sc->trust);
    write_matrix(sc, f, "interoperability", sc->interop_default, sc->interop);
    write_mechanisms(sc, f);
    write_injects(sc, f);
    write_globals(sc, f);
    write_reported(sc, f);
    if (ferror(f))
        return fs_err_set(err, FS_EIO, "writing the scenario %s failed", sc->name);
    return FS_OK;
}

/* ---- describing ---- */

#define COLS 8
#define CELL 256

/* A small text table: rows of cells, printed with aligned columns. */
typedef struct table {
    char (*cell)[COLS][CELL];
    int rows, cols, cap;
} table;

static void table_add(table *t, const char *const *cells, int n)
{
    int c;

    if (t->rows == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        void *p = realloc(t->cell, (size_t)cap * sizeof *t->cell);
        if (p == NULL)
            return;   /* a summary missing rows is better than none */
        t->cell = p;
        t->cap = cap;
    }
    for (c = 0; c < COLS; c++)
        snprintf(t->cell[t->rows][c], CELL, "%s", c < n ? cells[c] : "");
    if (n > t->cols)
        t->cols = n;
    t->rows++;
}

static void table_print(table *t, FILE *f)
{
    int w[COLS] = {0}, r, c, len;

    for (r = 0; r < t->rows; r++)
        for (c = 0; c < t->cols; c++) {
            len = (int)strlen(t->cell[r][c]);
            if (len > w[c])
                w[c] = len;
        }
    for (r = 0; r < t->rows; r++) {
        int last = t->cols - 1;
        while (last > 0 && t->cell[r][last][0] == '\0')
            last--;
        fputs("  ", f);
        for (c = 0; c < last; c++)
            fprintf(f, "%-*s  ", w[c], t->cell[r][c]);
        fputs(t->cell[r][last], f);
        fputc('\n', f);
    }
    free(t->cell);
    t->cell = NULL;
    t->rows = t->cols = t->cap = 0;
}

static void num(char *buf, double v)
{
    snprintf(buf, CELL, "%.3g", v);
}

/* The "from" column: where an element was written ("" for a scenario
 * built in memory). */
static const char *from(const char *where)
{
    return where ? where : "";
}

static void describe_actors(const fs_scenario *sc, FILE *f)
{
    static const char *const head[] = {"id", "name", "role", "capacity", "intel",
                                       "stability", "resilience", "from"};
    char c[4][CELL];
    table t = {0};
    int i;

    fprintf(f, "\nActors (%d)\n", sc->nactors);
    table_add(&t, head, 8);
    for (i = 0; i < sc->nactors; i++) {
        const fs_actor *a = &sc->actors[i];
        const char *row[8];
        num(c[0], a->capacity);
        num(c[1], a->intel);
        num(c[2], a->stability);
        num(c[3], a->resilience);
        row[0] = a->id;
        row[1] = a->name;
        row[2] = fs_role_name(a->role);
        row[3] = c[0];
        row[4] = c[1];
        row[5] = c[2];
        row[6] = c[3];
        row[7] = from(a->from);
        table_add(&t, row, 8);
    }
    table_print(&t, f);
}

static void describe_borders(const fs_scenario *sc, FILE *f)
{
    static const char *const head[] = {"border", "permeability", "from"};
    char pair[CELL], p[CELL];
    table t = {0};
    int i;

    fprintf(f, "\nBorders (%d)\n", sc->nborders);
    if (sc->nborders == 0)
        return;
    table_add(&t, head, 3);
    for (i = 0; i < sc->nborders; i++) {
        const char *row[3];
        snprintf(pair, sizeof pair, "%s - %s", sc->actors[sc->borders[i].a].id,
                 sc->actors[sc->borders[i].b].id);
        num(p, sc->borders[i].permeability);
        row[0] = pair;
        row[1] = p;
        row[2] = from(sc->borders[i].from);
        table_add(&t, row, 3);
    }
    table_print(&t, f);
}

/* "AF 100, TJ 20": the actors a threat is present in. */
static void where_present(const fs_scenario *sc, const fs_threat *t, char *buf,
                          size_t n, double *total)
{
    size_t k = 0;
    int a;

    buf[0] = '\0';
    *total = 0;
    for (a = 0; a < sc->nactors; a++) {
        if (t->presence[a] <= 0)
            continue;
        *total += t->presence[a];
        if (k + 48 < n)
            k += (size_t)snprintf(buf + k, n - k, "%s%s %.4g", k ? ", " : "",
                                  sc->actors[a].id, t->presence[a]);
        else if (k + 5 < n && strcmp(buf + k - 3, "...") != 0)
            k += (size_t)snprintf(buf + k, n - k, ", ...");
    }
    if (k == 0)
        snprintf(buf, n, "nowhere");
}

static void describe_threats(const fs_scenario *sc, FILE *f)
{
    static const char *const head[] = {"id", "name", "presence", "growth", "plot rate",
                                       "where", "from"};
    char where[CELL], tot[CELL], g[CELL], pr[CELL];
    table t = {0};
    double total;
    int i;

    fprintf(f, "\nThreats (%d)\n", sc->nthreats);
    if (sc->nthreats == 0)
        return;
    table_add(&t, head, 7);
    for (i = 0; i < sc->nthreats; i++) {
        const fs_threat *th = &sc->threats[i];
        const char *row[7];
        where_present(sc, th, where, sizeof where, &total);
        snprintf(tot, sizeof tot, "%.4g cells", total);
        num(g, th->growth);
        num(pr, th->plot_rate);
        row[0] = th->id;
        row[1] = th->name;
        row[2] = tot;
        row[3] = g;
        row[4] = pr;
        row[5] = where;
        row[6] = from(th->from);
        table_add(&t, row, 7);
    }
    table_print(&t, f);
}

static void participants_text(const fs_scenario *sc, const fs_mechanism *m, char *buf,
                              size_t n)
{
    size_t k = 0;
    int i;

    buf[0] = '\0';
    if (m->kind == FS_MECH_BORDER_OPERATION) {
        for (i = 0; i < m->nborders && k + 40 < n; i++) {
            const fs_border *b = &sc->borders[m->borders[i]];
            k += (size_t)snprintf(buf + k, n - k, "%s%s-%s", i ? ", " : "borders ",
                                  sc->actors[b->a].id, sc->actors[b->b].id);
        }
    } else {
        for (i = 0; i < m->nparticipants && k + 40 < n; i++)
            k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? " " : "",
                                  sc->actors[m->participants[i]].id);
    }
    if (i < (m->kind == FS_MECH_BORDER_OPERATION ? m->nborders : m->nparticipants))
        snprintf(buf + k, n - k, " ...");
}

static void describe_mechanisms(const fs_scenario *sc, FILE *f)
{
    static const char *const head[] = {"id", "type", "intensity", "window", "period",
                                       "cost", "participants", "from"};
    char h[CELL], win[CELL], per[CELL], cost[CELL], who[CELL];
    table t = {0};
    int i;

    fprintf(f, "\nMechanisms (%d)\n", sc->nmechanisms);
    if (sc->nmechanisms == 0)
        return;
    table_add(&t, head, 8);
    for (i = 0; i < sc->nmechanisms; i++) {
        const fs_mechanism *m = &sc->mechanisms[i];
        const char *row[8];
        num(h, m->intensity);
        snprintf(win, sizeof win, "steps %d-%d%s", m->start, m->end,
                 m->enabled ? "" : " (off)");
        if (m->kind == FS_MECH_JOINT_DRILL)
            snprintf(per, sizeof per, "every %d", m->period);
        else
            snprintf(per, sizeof per, "-");
        num(cost, m->cost);
        participants_text(sc, m, who, sizeof who);
        row[0] = m->id;
        row[1] = fs_mech_kind_name(m->kind);
        row[2] = h;
        row[3] = win;
        row[4] = per;
        row[5] = cost;
        row[6] = who;
        row[7] = from(m->from);
        table_add(&t, row, 8);
    }
    table_print(&t, f);
}

static void inject_timing(const fs_inject *j, char *buf, size_t n)
{
    if (j->hazard > 0)
        snprintf(buf, n, "hazard %.3g/step in %d-%d%s", j->hazard, j->start, j->end,
                 j->repeat ? ", repeats" : "");
    else if (j->probability < 1)
        snprintf(buf, n, "step %d with p=%.3g", j->step, j->probability);
    else
        snprintf(buf, n, "step %d", j->step);
}

static void inject_target(const fs_scenario *sc, const fs_inject *j, char *buf, size_t n)
{
    const char *a = j->actor >= 0 ? sc->actors[j->actor].id : "every actor";

    switch (j->kind) {
    case FS_INJ_ATTACK:
        snprintf(buf, n, "%s by %s", a, sc->threats[j->threat].id);
        break;
    case FS_INJ_TRUST_SHOCK:
        snprintf(buf, n, "%s - %s", a, sc->actors[j->actor2].id);
        break;
    case FS_INJ_THREAT_SURGE:
        snprintf(buf, n, "%s in %s", sc->threats[j->threat].id, a);
        break;
    case FS_INJ_MECHANISM_ON:
    case FS_INJ_MECHANISM_OFF:
        snprintf(buf, n, "%s", sc->mechanisms[j->mechanism].id);
        break;
    case FS_INJ_JOIN:
        snprintf(buf, n, "%s joins %s", a, sc->mechanisms[j->mechanism].id);
        break;
    case FS_INJ_LEAVE:
        snprintf(buf, n, "%s leaves %s", a, sc->mechanisms[j->mechanism].id);
        break;
    case FS_INJ_BORDER_CHANGE:
        snprintf(buf, n, "border %s - %s", sc->actors[sc->borders[j->border].a].id,
                 sc->actors[sc->borders[j->border].b].id);
        break;
    default:
        snprintf(buf, n, "%s", a);
    }
}

static void inject_size(const fs_inject *j, double mass, char *buf, size_t n)
{
    switch (j->kind) {
    case FS_INJ_ATTACK:
        if (j->casualties >= 0 && (j->per_attack || j->attacks == 1))
            snprintf(buf, n, "%d attack%s, %.4g casualties%s", j->attacks,
                     j->attacks == 1 ? "" : "s", j->casualties, j->attacks == 1 ? ""
                     : " each");
        else if (j->casualties >= 0)
            snprintf(buf, n, "%d attacks, %.4g casualties in all (%.4g each%s)", j->attacks,
                     j->casualties, j->casualties / j->attacks,
                     j->casualties / j->attacks < mass && j->casualties >= mass
                     ? ", each under mass_casualty" : "");
        else
            snprintf(buf, n, "%d attack%s", j->attacks, j->attacks == 1 ? "" : "s");
        break;
    case FS_INJ_CAPACITY_SHOCK:
    case FS_INJ_STABILITY_SHOCK:
    case FS_INJ_TRUST_SHOCK:
        snprintf(buf, n, "delta %+.3g", j->delta);
        break;
    case FS_INJ_THREAT_SURGE:
        snprintf(buf, n, "x%.3g %+.3g cells", j->factor, j->add);
        break;
    case FS_INJ_BORDER_CHANGE: {
        char until[48] = "";
        if (j->until > 0)
            snprintf(until, sizeof until, " until step %d", j->until);
        if (j->value >= 0)
            snprintf(buf, n, "permeability %.3g%s", j->value, until);
        else
            snprintf(buf, n, "permeability x%.3g%s", j->factor, until);
        break;
    }
    default:
        buf[0] = '\0';
    }
}

static void describe_injects(const fs_scenario *sc, FILE *f)
{
    static const char *const head[] = {"id", "type", "timing", "target", "size", "from"};
    char when[CELL], what[CELL], size[CELL];
    table t = {0};
    int i;

    fprintf(f, "\nInjects (%d)\n", sc->ninjects);
    if (sc->ninjects == 0)
        return;
    table_add(&t, head, 6);
    for (i = 0; i < sc->ninjects; i++) {
        const fs_inject *j = &sc->injects[i];
        const char *row[6];
        inject_timing(j, when, sizeof when);
        inject_target(sc, j, what, sizeof what);
        inject_size(j, sc->outcomes.mass_casualty, size, sizeof size);
        row[0] = j->id;
        row[1] = fs_inject_kind_name(j->kind);
        row[2] = when;
        row[3] = what;
        row[4] = size;
        row[5] = from(j->from);
        table_add(&t, row, 6);
    }
    table_print(&t, f);
}

/* What the extending files changed in the scenarios they extend. */
static void describe_changes(const fs_scenario *sc, FILE *f)
{
    int i;

    if (sc->nchanges == 0)
        return;
    fprintf(f, "\nChanges to the scenario it extends (%d)\n", sc->nchanges);
    for (i = 0; i < sc->nchanges; i++)
        fprintf(f, "  %s\n", sc->changes[i]);
}

void fs_scenario_describe(const fs_scenario *sc, FILE *f)
{
    fprintf(f, "Scenario  %s\n", sc->name);
    if (sc->description[0])
        fprintf(f, "          %s\n", sc->description);
    if (sc->question[0])
        fprintf(f, "Question  %s\n", sc->question);
    if (sc->extends)
        fprintf(f, "Extends   %s\n", sc->extends);
    if (sc->baseline)
        fprintf(f, "Baseline  %s\n", sc->baseline);
    if (sc->posterior)
        fprintf(f, "Posterior %s/posterior.csv\n", sc->posterior);
    fprintf(f, "Horizon   %d %s%s (steps 1-%d)\n", sc->steps, sc->step_unit,
            sc->steps == 1 ? "" : "s", sc->steps);
    fprintf(f, "Runs      %ld\nSeed      %llu\nRNG       %s\n", sc->runs,
            (unsigned long long)sc->seed, sc->rng);
    describe_actors(sc, f);
    describe_borders(sc, f);
    describe_threats(sc, f);
    describe_mechanisms(sc, f);
    describe_injects(sc, f);
    if (sc->nreported) {
        int i;
        fprintf(f, "\nReported figures (%d), each against the run total it names\n",
                sc->nreported);
        for (i = 0; i < sc->nreported; i++) {
            char v[64];
            format_double(v, sizeof v, sc->reported[i].value);
            fprintf(f, "  %s: %s (%s)\n", sc->reported[i].label, v, sc->reported[i].metric);
        }
    }
    describe_changes(sc, f);
}
