/* sweep_output.c: sweep output names ("attacks.[AF].p95",
 * "stability.[TJ].p5@24") read against the base scenario, and the cell of
 * a point's accumulator each one reads. */
#include "sweep_output.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

#define NAMEN 160

static const char *const stat_names[] = {"mean", "p5", "p25", "p50", "p75", "p95"};

/* The parts of a name: metric, [id] (or ""), statistic, @step (-1). */
typedef struct parts {
    char metric[NAMEN], id[NAMEN], stat[NAMEN];
    int step;
} parts;

static int fail(char *msg, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Splits "metric[.[id]].stat[@step]": 0, or -1 (msg set) when the shape
 * is wrong, 1 when it has neither a statistic nor a step. */
static int split(const char *name, const fs_scenario *sc, parts *p, char *msg, size_t n)
{
    char body[NAMEN];
    const char *at = strrchr(name, '@'), *dot, *br;
    size_t len = at ? (size_t)(at - name) : strlen(name);

    p->step = -1;
    p->id[0] = '\0';
    if (len >= sizeof body)
        return fail(msg, n, "\"%.60s...\": too long for an output name", name);
    memcpy(body, name, len);
    body[len] = '\0';
    if (at) {
        char *end;
        long s = strtol(at + 1, &end, 10);
        if (!isdigit((unsigned char)at[1]) || *end != '\0')
            return fail(msg, n, "\"%s\": expected a step number after '@', found \"%s\"",
                        name, at + 1);
        if (s > sc->steps)
            return fail(msg, n, "\"%s\": step %ld is beyond the base scenario's %d steps "
                        "(steps are 0 to %d)", name, s, sc->steps, sc->steps);
        p->step = (int)s;
    }
    dot = strrchr(body, '.');
    if (dot == NULL && at == NULL)
        return 1;   /* no shape at all: the caller lists what outputs are */
    if (dot == NULL || (br = strchr(body, ']')) > dot)
        return fail(msg, n, "\"%s\": expected a statistic (.mean, .p5, .p25, .p50, .p75 or "
                    ".p95) after the metric", name);
    snprintf(p->stat, sizeof p->stat, "%s", dot + 1);
    len = (size_t)(dot - body);
    br = strstr(body, ".[");
    if (br && br < dot) {
        if (body[len - 1] != ']' || (size_t)(br - body) + 2 >= len)
            return fail(msg, n, "\"%s\": expected metric.[id].statistic", name);
        snprintf(p->id, sizeof p->id, "%.*s", (int)(len - 1 - (size_t)(br - body) - 2), br + 2);
        len = (size_t)(br - body);
    }
    snprintf(p->metric, sizeof p->metric, "%.*s", (int)len, body);
    return 0;
}

static int find_name(const char *s, const char *(*name)(int), int count)
{
    int k;
    for (k = 0; k < count; k++)
        if (strcmp(s, name(k)) == 0)
            return k;
    return -1;
}

/* An actor id, with a suggestion when unknown. */
static int actor_of(const fs_scenario *sc, const char *id, const char *name, char *msg,
                    size_t n)
{
    const char *ids[FS_MAX_ACTORS];
    char hint[512];
    int a = fs_scenario_actor(sc, id);

    if (a >= 0)
        return a;
    for (a = 0; a < sc->nactors; a++)
        ids[a] = sc->actors[a].id;
    fs_suggest(hint, sizeof hint, id, ids, sc->nactors, "actors are");
    return fail(msg, n, "unknown actor '%s' in \"%s\"%s", id, name, hint);
}

/* "A-B" into two actors (either order; stored a < b). */
static int pair_of(const fs_scenario *sc, const char *id, const char *name,
                   fs_sweep_output *o, char *msg, size_t n)
{
    char a[NAMEN];
    const char *dash = strchr(id, '-');
    int x, y;

    if (dash == NULL)
        return fail(msg, n, "\"%s\": trust takes a pair of actors, such as trust.[%s-%s]",
                    name, sc->actors[0].id, sc->nactors > 1 ? sc->actors[1].id : "B");
    snprintf(a, sizeof a, "%.*s", (int)(dash - id), id);
    if ((x = actor_of(sc, a, name, msg, n)) < 0 || (y = actor_of(sc, dash + 1, name, msg, n)) < 0)
        return -1;
    if (x == y)
        return fail(msg, n, "\"%s\": a pair of two different actors", name);
    o->a = x < y ? x : y;
    o->b = x < y ? y : x;
    return 0;
}

/* Per-actor or per-threat totals, and final trust: run totals with [id]. */
static int read_total_of(const parts *p, const char *name, const fs_scenario *sc,
                         fs_sweep_output *o, char *msg, size_t n)
{
    int at = find_name(p->metric, fs_actor_total_name, FS_AT_N);
    int th = find_name(p->metric, fs_threat_total_name, FS_TH_N);
    int g = fs_scenario_threat(sc, p->id);

    if (strcmp(p->metric, "trust") == 0) {
        o->scope = FS_SO_PAIR;
        return pair_of(sc, p->id, name, o, msg, n);
    }
    if (find_name(p->metric, fs_actor_series_name, FS_TA_N) >= 0)
        return fail(msg, n, "\"%s\": %s is a time series: give a step, as in %s.[%s].%s@%d%s",
                    name, p->metric, p->metric, p->id, p->stat, sc->steps,
                    strcmp(p->metric, "stability") == 0 ? " (or use final_stability or "
                    "min_stability)" : "");
    if (th >= 0 && g >= 0 && (at < 0 || fs_scenario_actor(sc, p->id) < 0)) {
        o->scope = FS_SO_THREAT, o->metric = th, o->a = g;
        return 0;
    }
    if (at < 0 && th >= 0)
        return fail(msg, n, "\"%s\": %s is a total of a threat; unknown threat '%s' (threats "
                    "are: %s%s)", name, p->metric, p->id, sc->nthreats ? sc->threats[0].id
                    : "none", sc->nthreats > 1 ? ", ..." : "");
    if (at < 0) {
        const char *cands[FS_AT_N + FS_TH_N + FS_TA_N + 1];
        char hint[512];
        int k, c = 0;
        for (k = 0; k < FS_AT_N; k++)
            cands[c++] = fs_actor_total_name(k);
        for (k = 0; k < FS_TH_N; k++)
            cands[c++] = fs_threat_total_name(k);
        cands[c++] = "trust";
        fs_suggest(hint, sizeof hint, p->metric, cands, c, "metrics of an actor, a threat "
                   "or a pair are");
        return fail(msg, n, "unknown metric '%s' in \"%s\"%s", p->metric, name, hint);
    }
    o->scope = FS_SO_ACTOR, o->metric = at;
    return (o->a = actor_of(sc, p->id, name, msg, n)) < 0 ? -1 : 0;
}

/* Time series at a step: region, an actor's, a tracked pair's trust. */
static int read_series(const parts *p, const char *name, const fs_scenario *sc,
                       fs_sweep_output *o, char *msg, size_t n)
{
    int k;

    if (p->id[0] == '\0') {
        if ((k = find_name(p->metric, fs_region_series_name, FS_TS_NREGION)) >= 0) {
            o->scope = FS_SO_REGION_STEP, o->metric = k;
            if (k == FS_TS_ESCALATED && o->stat >= 0)
                return fail(msg, n, "\"%s\": escalated is 0 or 1 in each run: its mean "
                            "(escalated.mean@%d) is the share escalated", name, p->step);
            return 0;
        }
        if (find_name(p->metric, fs_total_name, FS_TOT_N) >= 0)
            return fail(msg, n, "\"%s\": %s is a run total, not a time series: write %s.%s",
                        name, p->metric, p->metric, p->stat);
    } else if (strcmp(p->metric, "trust") == 0) {
        fs_layout l;
        o->scope = FS_SO_PAIR_STEP;
        if (pair_of(sc, p->id, name, o, msg, n) < 0)
            return -1;
        fs_layout_init(&l, sc);
        for (k = 0; k < l.ntracked; k++)
            if (l.tracked_a[k] == o->a && l.tracked_b[k] == o->b)
                return 0;
        return fail(msg, n, "\"%s\": the trust of %s is recorded at every step only for "
                    "pairs an inject acts on (%d in this scenario); its final value is "
                    "trust.[%s].%s", name, p->id, l.ntracked, p->id, p->stat);
    } else if ((k = find_name(p->metric, fs_actor_series_name, FS_TA_N)) >= 0) {
        o->scope = FS_SO_ACTOR_STEP, o->metric = k;
        return (o->a = actor_of(sc, p->id, name, msg, n)) < 0 ? -1 : 0;
    }
    {
        const char *cands[FS_TS_NREGION + FS_TA_N + 1];
        char hint[512];
        int c = 0;
        for (k = 0; k < FS_TS_NREGION; k++)
            cands[c++] = fs_region_series_name(k);
        for (k = 0; k < FS_TA_N; k++)
            cands[c++] = fs_actor_series_name(k);
        cands[c++] = "trust";
        fs_suggest(hint, sizeof hint, p->metric, cands, c, "time series are");
        return fail(msg, n, "unknown time series '%s' in \"%s\"%s", p->metric, name, hint);
    }
}

int fs_sweep_output_parse(const char *name, const fs_scenario *sc, fs_sweep_output *o,
                          char *msg, size_t n)
{
    parts p;
    int k;

    o->outcome = 0, o->a = o->b = -1, o->step = -1, o->stat = -1, o->metric = 0;
    if ((k = find_name(name, fs_outcome_name, FS_OUT_N)) >= 0) {
        o->outcome = 1, o->scope = FS_SO_OUTCOME, o->metric = k;
        return 0;
    }
    if ((k = split(name, sc, &p, msg, n)) != 0)
        return k;
    for (k = 0; k < 6 && strcmp(p.stat, stat_names[k]) != 0; k++)
        ;
    if (k == 6)
        return fail(msg, n, "\"%s\": expected a statistic mean, p5, p25, p50, p75 or p95 "
                    "after '%s%s%s%s.', found \"%s\"", name, p.metric, p.id[0] ? ".[" : "",
                    p.id, p.id[0] ? "]" : "", p.stat);
    o->stat = k - 1;
    o->step = p.step;
    if (p.step >= 0)
        return read_series(&p, name, sc, o, msg, n);
    if (p.id[0])
        return read_total_of(&p, name, sc, o, msg, n);
    if ((k = find_name(p.metric, fs_total_name, FS_TOT_N)) >= 0) {
        o->scope = FS_SO_TOTAL, o->metric = k;
        return 0;
    }
    if (find_name(p.metric, fs_region_series_name, FS_TS_NREGION) >= 0)
        return fail(msg, n, "\"%s\": %s is a time series: give a step, as in %s.%s@%d",
                    name, p.metric, p.metric, p.stat, sc->steps);
    return 1;   /* the caller's message: unknown output, with suggestions */
}

int fs_sweep_output_cell(const fs_sweep_output *o, const fs_layout *l)
{
    if (o->step > l->steps || o->a >= l->nactors)
        return -1;
    switch (o->scope) {
    case FS_SO_OUTCOME: return fs_cell_out(l, o->metric);
    case FS_SO_TOTAL: return fs_cell_tot(l, o->metric);
    case FS_SO_ACTOR: return fs_cell_at(l, o->a, o->metric);
    case FS_SO_THREAT: return o->a < l->nthreats ? fs_cell_th(l, o->a, o->metric) : -1;
    case FS_SO_PAIR: return o->b < l->nactors ? fs_cell_trust(l, o->a, o->b) : -1;
    case FS_SO_REGION_STEP: return fs_cell_ts(l, o->step, o->metric);
    case FS_SO_ACTOR_STEP: return fs_cell_ta(l, o->step, o->a, o->metric);
    case FS_SO_PAIR_STEP: {
        int k;
        for (k = 0; k < l->ntracked; k++)
            if (l->tracked_a[k] == o->a && l->tracked_b[k] == o->b)
                return fs_cell_tp(l, o->step, k);
        return -1;
    }
    }
    return -1;
}

int fs_sweep_output_needs_sketch(const fs_sweep_output *o)
{
    return o->stat >= 0 && o->scope != FS_SO_OUTCOME && o->scope != FS_SO_TOTAL;
}

void fs_sweep_output_metric(const fs_sweep_output *o, const fs_scenario *sc, char *buf,
                            size_t n)
{
    char at[24] = "";

    if (o->step >= 0)
        snprintf(at, sizeof at, "@%d", o->step);
    switch (o->scope) {
    case FS_SO_OUTCOME:
        snprintf(buf, n, "%s", fs_outcome_name(o->metric));
        break;
    case FS_SO_TOTAL:
        snprintf(buf, n, "%s", fs_total_name(o->metric));
        break;
    case FS_SO_ACTOR:
        snprintf(buf, n, "%s.[%s]", fs_actor_total_name(o->metric), sc->actors[o->a].id);
        break;
    case FS_SO_THREAT:
        snprintf(buf, n, "%s.[%s]", fs_threat_total_name(o->metric), sc->threats[o->a].id);
        break;
    case FS_SO_PAIR:
    case FS_SO_PAIR_STEP:
        snprintf(buf, n, "trust.[%s-%s]%s", sc->actors[o->a].id, sc->actors[o->b].id, at);
        break;
    case FS_SO_REGION_STEP:
        snprintf(buf, n, "%s%s", fs_region_series_name(o->metric), at);
        break;
    default:
        snprintf(buf, n, "%s.[%s]%s", fs_actor_series_name(o->metric), sc->actors[o->a].id,
                 at);
    }
}
