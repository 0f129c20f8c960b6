/* runvalue.c: quantities of one run (runvalue.h), named as sweep outputs
 * are, without a statistic, and with a window of steps for flows. */
#include "runvalue.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

#define NAMEN 200

static int fail(char *msg, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The sweep parser's message speaks of the name it was given ("x.mean@3"):
 * put the user's name back in its place. */
static void own_name(char *msg, size_t n, const char *given, const char *name)
{
    char out[1024], *p;
    size_t gl = strlen(given), w = 0;
    const char *s = msg;
    while ((p = strstr(s, given)) != NULL && w + (size_t)(p - s) + strlen(name) < sizeof out) {
        memcpy(out + w, s, (size_t)(p - s));
        w += (size_t)(p - s);
        memcpy(out + w, name, strlen(name));
        w += strlen(name);
        s = p + gl;
    }
    snprintf(out + w, sizeof out - w, "%s", s);
    snprintf(msg, n, "%s", out);
}

static int unknown(const char *name, const char *body, char *msg, size_t n)
{
    const char *cands[FS_TOT_N + FS_OUT_N];
    char hint[512];
    int c = 0, k;
    for (k = 0; k < FS_TOT_N; k++)
        cands[c++] = fs_total_name(k);
    for (k = 0; k < FS_OUT_N; k++)
        cands[c++] = fs_outcome_name(k);
    fs_suggest(hint, sizeof hint, body, cands, c, "run totals are");
    return fail(msg, n, "unknown quantity \"%s\"%s (or a threat's or an actor's, such as "
                "foiled.[THREAT] or attacks.[ACTOR], with @FIRST-LAST for a window of steps)",
                name, hint);
}

static int region_flow(int metric)
{
    return metric == FS_TS_PLOTS || metric == FS_TS_FOILED || metric == FS_TS_ATTACKS ||
           metric == FS_TS_CASUALTIES || metric == FS_TS_REMOVED;
}

static int parse_window(const char *s, const char *name, const fs_scenario *sc, int *first,
                        int *last, char *msg, size_t n)
{
    char *end;
    long a, b;
    if (!isdigit((unsigned char)s[0]))
        return fail(msg, n, "\"%s\": expected a step or a window of steps after '@' (@24, "
                    "@13-36), found \"%s\"", name, s);
    a = strtol(s, &end, 10);
    b = a;
    if (*end == '-' && isdigit((unsigned char)end[1]))
        b = strtol(end + 1, &end, 10);
    if (*end != '\0')
        return fail(msg, n, "\"%s\": expected a step or a window of steps after '@' (@24, "
                    "@13-36), found \"%s\"", name, s);
    if (b < a || b > sc->steps)
        return fail(msg, n, "\"%s\": the window %ld-%ld is not within the base scenario's "
                    "steps 0 to %d (first <= last)", name, a, b, sc->steps);
    *first = (int)a;
    *last = (int)b;
    return 0;
}

int fs_runvalue_parse(const char *name, const fs_scenario *sc, fs_runvalue *v, char *msg,
                      size_t n)
{
    char body[NAMEN], sname[NAMEN + 32];
    const char *at = strrchr(name, '@');
    size_t len = at ? (size_t)(at - name) : strlen(name);
    int r;

    memset(v, 0, sizeof *v);
    v->first = v->last = -1;
    if (len == 0 || len >= sizeof body)
        return fail(msg, n, "\"%.60s\": expected a quantity such as removed, "
                    "foiled.[THREAT] or attacks.[ACTOR]@1-12", name);
    memcpy(body, name, len);
    body[len] = '\0';
    if (at == NULL) {
        v->kind = FS_RV_CELL;
        if (fs_sweep_output_parse(body, sc, &v->out, msg, n) == 0 && v->out.outcome)
            return 0;
        snprintf(sname, sizeof sname, "%s.mean", body);
        r = fs_sweep_output_parse(sname, sc, &v->out, msg, n);
        if (r == 1)
            return unknown(name, body, msg, n);
        if (r < 0) {
            own_name(msg, n, sname, name);
            return -1;
        }
        v->out.stat = -1;
        return 0;
    }
    if (parse_window(at + 1, name, sc, &v->first, &v->last, msg, n))
        return -1;
    /* a time series at the window's steps */
    char msg1[512] = "";
    snprintf(sname, sizeof sname, "%s.mean@%d", body, v->first);
    r = fs_sweep_output_parse(sname, sc, &v->out, msg1, sizeof msg1);
    if (r == 0) {
        v->kind = FS_RV_SERIES;
        v->out.stat = -1;
        if (v->first != v->last &&
            !(v->out.scope == FS_SO_REGION_STEP && region_flow(v->out.metric)))
            return fail(msg, n, "\"%s\": %s is a level, not a flow over steps: give one step, "
                        "as in %s@%d", name, body, body, v->last);
        return 0;
    }
    own_name(msg1, sizeof msg1, sname, name);
    /* a threat's or an actor's flow, summed over the window */
    snprintf(sname, sizeof sname, "%s.mean", body);
    r = fs_sweep_output_parse(sname, sc, &v->out, msg, n);
    if (r == 0 && v->out.scope == FS_SO_THREAT && v->out.metric != FS_TH_FINAL_PRESENCE) {
        v->kind = FS_RV_THREAT;
        v->out.stat = -1;
        return 0;
    }
    if (r == 0 && v->out.scope == FS_SO_ACTOR &&
        (v->out.metric == FS_AT_ATTACKS || v->out.metric == FS_AT_FOILED ||
         v->out.metric == FS_AT_CASUALTIES)) {
        v->kind = FS_RV_ACTOR;
        v->out.stat = -1;
        return 0;
    }
    if (r == 0)
        return fail(msg, n, "\"%s\": %s is a run total, not a flow over steps: write %s "
                    "without '@', or name a flow (plots, foiled, attacks, casualties, removed)",
                    name, body, body);
    if (r == 1 || strchr(body, '[') == NULL) {
        snprintf(msg, n, "%s", msg1);
        return -1;
    }
    own_name(msg, n, sname, name);
    return -1;
}

static const char *threat_words(int k)
{
    static const char *w[FS_TH_N] = {"plots", "foiled plots", "successful attacks",
                                     "casualties", "cells removed by security pressure",
                                     "cells present at the end"};
    return (unsigned)k < FS_TH_N ? w[k] : "?";
}

static const char *actor_words(int k)
{
    static const char *w[FS_AT_N] = {"successful attacks", "foiled plots", "casualties",
                                     "stability at the end", "lowest stability"};
    return (unsigned)k < FS_AT_N ? w[k] : "?";
}

static const char *region_words(int k)
{
    static const char *w[FS_TS_NREGION] = {"threat index", "plots", "foiled plots",
                                           "successful attacks", "casualties",
                                           "cohesion (mean member trust)",
                                           "cumulative mechanism cost", "escalation (0 or 1)",
                                           "cells removed by security pressure"};
    return (unsigned)k < FS_TS_NREGION ? w[k] : "?";
}

void fs_runvalue_describe(const fs_runvalue *v, const fs_scenario *sc, char *buf, size_t n)
{
    char win[128] = "";
    const char *unit = sc->step_unit ? sc->step_unit : "step";
    const fs_sweep_output *o = &v->out;

    if (v->first >= 0 && v->first != v->last)
        snprintf(win, sizeof win, ", summed over %ss %d to %d", unit, v->first, v->last);
    else if (v->first >= 0)
        snprintf(win, sizeof win, ", at %s %d", unit, v->first);
    else
        snprintf(win, sizeof win, ", over the whole run (%d %ss)", sc->steps, unit);
    switch (v->kind) {
    case FS_RV_THREAT:
        snprintf(buf, n, "%s of threat %s (%s) in the region's actors%s", threat_words(o->metric),
                 sc->threats[o->a].id, sc->threats[o->a].name, win);
        return;
    case FS_RV_ACTOR:
        snprintf(buf, n, "%s in %s (%s)%s", actor_words(o->metric), sc->actors[o->a].id,
                 sc->actors[o->a].name, win);
        return;
    case FS_RV_SERIES:
        if (o->scope == FS_SO_REGION_STEP)
            snprintf(buf, n, "%s in the region's actors%s", region_words(o->metric), win);
        else if (o->scope == FS_SO_ACTOR_STEP)
            snprintf(buf, n, "%s of %s (%s)%s", fs_actor_series_name(o->metric),
                     sc->actors[o->a].id, sc->actors[o->a].name, win);
        else
            snprintf(buf, n, "trust between %s and %s%s", sc->actors[o->a].id,
                     sc->actors[o->b].id, win);
        return;
    default:
        break;
    }
    switch (o->scope) {
    case FS_SO_OUTCOME:
        snprintf(buf, n, "whether the run ends in %s (1) or not (0)", fs_outcome_name(o->metric));
        return;
    case FS_SO_THREAT:
        snprintf(buf, n, "%s of threat %s (%s) in the region's actors%s", threat_words(o->metric),
                 sc->threats[o->a].id, sc->threats[o->a].name, win);
        return;
    case FS_SO_ACTOR:
        snprintf(buf, n, "%s in %s (%s)%s", actor_words(o->metric), sc->actors[o->a].id,
                 sc->actors[o->a].name, win);
        return;
    case FS_SO_PAIR:
        snprintf(buf, n, "final trust between %s and %s", sc->actors[o->a].id,
                 sc->actors[o->b].id);
        return;
    default:
        snprintf(buf, n, "%s (summary.csv) in the region's actors%s", fs_total_name(o->metric),
                 win);
    }
}

int fs_runvalue_stepwise(const fs_runvalue *v)
{
    return v->kind == FS_RV_THREAT || v->kind == FS_RV_ACTOR;
}

int fs_runvalue_window(const fs_runvalue *v, fs_lockstep_window *w)
{
    if (!fs_runvalue_stepwise(v))
        return -1;
    w->threat = v->kind == FS_RV_THREAT ? v->out.a : -1;
    w->actor = v->kind == FS_RV_ACTOR ? v->out.a : -1;
    w->metric = v->out.metric;
    w->first = v->first;
    w->last = v->last;
    return 0;
}

double fs_runvalue_read(const fs_runvalue *v, const fs_layout *l, const double *obs,
                        double acc)
{
    if (fs_runvalue_stepwise(v))
        return acc;
    if (v->kind == FS_RV_SERIES) {
        fs_sweep_output o = v->out;
        double s = 0;
        for (int t = v->first; t <= v->last; t++) {
            o.step = t;
            int cell = fs_sweep_output_cell(&o, l);
            if (cell < 0)
                return NAN;
            s += obs[cell];
        }
        return s;
    }
    int cell = fs_sweep_output_cell(&v->out, l);
    return cell < 0 ? NAN : obs[cell];
}
