/* optimize_report.c: a search's tables and the files and words that
 * report it (see optimize_report.h). */
#include "optimize_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsio.h"
#include "outset.h"

#ifndef FS_VERSION
#define FS_VERSION "0.0.0"
#endif

static const char *stat_ids[] = {"mean", "p90", "max", "satisficing", "regret"};

fs_status fs_opt_table_init(fs_opt_table *t, const fs_search *s, fs_err *err)
{
    (void)err;
    memset(t, 0, sizeof *t);
    t->s = s;
    return FS_OK;
}

void fs_opt_table_free(fs_opt_table *t)
{
    free(t->x);
    free(t->obj);
    free(t->obj_se);
    free(t->con);
    memset(t, 0, sizeof *t);
}

static int grow(double **p, long cap, int w)
{
    double *q = realloc(*p, (size_t)cap * (w ? w : 1) * sizeof *q);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

fs_status fs_opt_table_add(fs_opt_table *t, const double *x, const double *obj,
                           const double *obj_se, const double *con, fs_err *err)
{
    const fs_search *s = t->s;
    int L = s->nlevers, no = s->nobj, nc = s->ncon;
    if (t->n == t->cap) {
        long cap = t->cap ? 2 * t->cap : 64;
        if (grow(&t->x, cap, L) || grow(&t->obj, cap, no) || grow(&t->obj_se, cap, no) ||
            grow(&t->con, cap, nc))
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        t->cap = cap;
    }
    memcpy(t->x + (size_t)t->n * L, x, (size_t)L * sizeof *x);
    memcpy(t->obj + (size_t)t->n * no, obj, (size_t)no * sizeof *obj);
    memcpy(t->obj_se + (size_t)t->n * no, obj_se, (size_t)no * sizeof *obj_se);
    memcpy(t->con + (size_t)t->n * nc, con, (size_t)nc * sizeof *con);
    t->n++;
    return FS_OK;
}

long fs_opt_table_find(const fs_opt_table *t, const double *x)
{
    int L = t->s->nlevers;
    for (long i = 0; i < t->n; i++)
        if (!memcmp(t->x + (size_t)i * L, x, (size_t)L * sizeof *x))
            return i;
    return -1;
}

int fs_opt_holds(const fs_search *s, int k, double v)
{
    return s->con[k].ge ? v >= s->con[k].value : v <= s->con[k].value;
}

static int all_hold(const fs_search *s, const double *con, int except)
{
    for (int k = 0; k < s->ncon; k++)
        if (k != except && !fs_opt_holds(s, k, con[k]))
            return 0;
    return 1;
}

/* ---- CSV ---- */

static void num(FILE *f, double x)
{
    fputc(',', f);
    if (isfinite(x))
        fprintf(f, "%.10g", x == 0.0 ? 0.0 : x);
}

/* "cost.mean_mean", "escalation_p90": an objective's column. */
static void obj_id(char *buf, size_t n, const fs_search *s, int k)
{
    snprintf(buf, n, "%s_%s", s->outputs[s->obj[k].out].name, stat_ids[s->obj[k].stat]);
}

/* Rows of the final set ordered by the first objective, best first. */
static int *front_order(const fs_opt_result *r)
{
    const fs_search *s = r->search;
    long n = r->front.n;
    int *o = malloc((size_t)(n ? n : 1) * sizeof *o);
    if (!o)
        return NULL;
    int sign = fs_search_obj_larger_better(&s->obj[0]) ? -1 : 1;
    for (long i = 0; i < n; i++)
        o[i] = (int)i;
    /* insertion sort: stable, and the set is small */
    for (long i = 1; i < n; i++) {
        int v = o[i];
        long j = i;
        while (j > 0 && sign * r->front.obj[(size_t)o[j - 1] * s->nobj] >
                        sign * r->front.obj[(size_t)v * s->nobj]) {
            o[j] = o[j - 1];
            j--;
        }
        o[j] = v;
    }
    return o;
}

static void write_pareto(FILE *f, const fs_opt_result *r, const int *order)
{
    const fs_search *s = r->search;
    char id[160];
    fputs("mix", f);
    for (int j = 0; j < s->nlevers; j++)
        fprintf(f, ",%s", s->levers[j].path);
    for (int k = 0; k < s->nobj; k++) {
        obj_id(id, sizeof id, s, k);
        fprintf(f, ",%s,%s_se,%s_oos,%s_oos_se", id, id, id, id);
    }
    for (int k = 0; k < s->ncon; k++)
        fprintf(f, ",constraint%d,constraint%d_holds,constraint%d_oos,constraint%d_oos_holds",
                k + 1, k + 1, k + 1, k + 1);
    fputs(",feasible,feasible_oos\n", f);
    for (long q = 0; q < r->front.n; q++) {
        long i = order[q];
        fprintf(f, "%ld", q + 1);
        for (int j = 0; j < s->nlevers; j++)
            num(f, r->front.x[(size_t)i * s->nlevers + j]);
        for (int k = 0; k < s->nobj; k++) {
            num(f, r->front.obj[(size_t)i * s->nobj + k]);
            num(f, r->front.obj_se[(size_t)i * s->nobj + k]);
            num(f, r->oos.obj[(size_t)i * s->nobj + k]);
            num(f, r->oos.obj_se[(size_t)i * s->nobj + k]);
        }
        for (int k = 0; k < s->ncon; k++) {
            double a = r->front.con[(size_t)i * s->ncon + k], b = r->oos.con[(size_t)i * s->ncon + k];
            num(f, a);
            fprintf(f, ",%d", fs_opt_holds(s, k, a));
            num(f, b);
            fprintf(f, ",%d", fs_opt_holds(s, k, b));
        }
        fprintf(f, ",%d,%d\n", all_hold(s, r->front.con + (size_t)i * s->ncon, -1),
                all_hold(s, r->oos.con + (size_t)i * s->ncon, -1));
    }
}

static void write_evaluations(FILE *f, const fs_opt_result *r)
{
    const fs_search *s = r->search;
    const fs_opt_table *t = r->all;
    char id[160];
    fputs("evaluation,generation", f);
    for (int j = 0; j < s->nlevers; j++)
        fprintf(f, ",%s", s->levers[j].path);
    for (int k = 0; k < s->nobj; k++) {
        obj_id(id, sizeof id, s, k);
        fprintf(f, ",%s,%s_se", id, id);
    }
    for (int k = 0; k < s->ncon; k++)
        fprintf(f, ",constraint%d", k + 1);
    fputs(",feasible\n", f);
    for (long i = 0; i < t->n; i++) {
        fprintf(f, "%ld,%ld", i + 1, i / r->population);
        for (int j = 0; j < s->nlevers; j++)
            num(f, t->x[(size_t)i * s->nlevers + j]);
        for (int k = 0; k < s->nobj; k++) {
            num(f, t->obj[(size_t)i * s->nobj + k]);
            num(f, t->obj_se[(size_t)i * s->nobj + k]);
        }
        for (int k = 0; k < s->ncon; k++)
            num(f, t->con[(size_t)i * s->ncon + k]);
        fprintf(f, ",%d\n", all_hold(s, t->con + (size_t)i * s->ncon, -1));
    }
}

static void write_generations(FILE *f, const fs_opt_result *r)
{
    fputs("generation,evaluations,hypervolume,archive,feasible\n", f);
    for (int g = 0; g < r->generations; g++) {
        fprintf(f, "%d,%ld", g, (long)(g + 1) * r->population);
        num(f, r->gen_hv[g]);
        fprintf(f, ",%d,%d\n", r->gen_archive[g], r->gen_feasible[g]);
    }
}

/* What the charts need to redraw from files alone. */
static void csv_text(FILE *f, const char *t)
{
    fputc('"', f);
    for (; *t; t++) {
        if (*t == '"')
            fputc('"', f);
        fputc(*t, f);
    }
    fputc('"', f);
}

static void write_search(FILE *f, const fs_opt_result *r)
{
    const fs_search *s = r->search;
    char id[160];
    fputs("kind,column,label,lo,hi,sense,statistic,value\n", f);
    fputs("name,,", f);
    csv_text(f, s->name);
    fputs(",,,,,\n", f);
    for (int j = 0; j < s->nlevers; j++) {
        fprintf(f, "lever,%s,", s->levers[j].path);
        csv_text(f, s->levers[j].label);
        num(f, s->levers[j].lo);
        num(f, s->levers[j].hi);
        fputs(",,,\n", f);
    }
    for (int k = 0; k < s->nobj; k++) {
        obj_id(id, sizeof id, s, k);
        fprintf(f, "objective,%s,%s,,,%s,%s", id, s->obj[k].name,
                s->obj[k].maximize ? "maximize" : "minimize", stat_ids[s->obj[k].stat]);
        num(f, s->obj[k].threshold);
        fputc('\n', f);
    }
    for (int k = 0; k < s->ncon; k++) {
        fprintf(f, "constraint,constraint%d,", k + 1);
        csv_text(f, s->con[k].text);
        fprintf(f, ",,,%s,%s", s->con[k].ge ? ">=" : "<=", stat_ids[s->con[k].stat]);
        num(f, s->con[k].value);
        fputc('\n', f);
    }
}

/* ---- optimize.md ---- */

static void describe_obj(char *buf, size_t n, const fs_search *s, int k)
{
    const fs_search_obj *o = &s->obj[k];
    const char *out = s->outputs[o->out].name;
    switch (o->stat) {
    case FS_ROBUST_MEAN: snprintf(buf, n, "%s (mean over the futures)", out); break;
    case FS_ROBUST_P90:
        snprintf(buf, n, "%s in the worst tenth of the futures (%s)", out,
                 o->maximize ? "10th percentile" : "90th percentile");
        break;
    case FS_ROBUST_MAX: snprintf(buf, n, "%s in the worst future", out); break;
    case FS_ROBUST_SATISFICING:
        snprintf(buf, n, "the share of futures with %s %s %g", out, o->maximize ? ">=" : "<=",
                 o->threshold);
        break;
    case FS_ROBUST_REGRET:
        snprintf(buf, n, "the regret on %s (the largest shortfall from the best mix found, "
                 "over the futures)", out);
        break;
    }
}

static void write_mix(FILE *f, const fs_search *s, const double *x)
{
    for (int j = 0; j < s->nlevers; j++)
        fprintf(f, "%s%s at %.3g", j ? (j + 1 == s->nlevers ? " and " : ", ") : "",
                s->levers[j].label, x[j]);
}

/* The best first objective among every mix evaluated that meets every
 * constraint but k, and constraint k at `target`; -1 when none does. */
static long best_under(const fs_search *s, const fs_opt_table *t, int k, double target)
{
    long best = -1;
    int sign = fs_search_obj_larger_better(&s->obj[0]) ? -1 : 1;
    for (long i = 0; i < t->n; i++) {
        const double *c = t->con + (size_t)i * s->ncon;
        if (!all_hold(s, c, k) || (s->con[k].ge ? c[k] < target : c[k] > target))
            continue;
        if (best < 0 || sign * t->obj[(size_t)i * s->nobj] < sign * t->obj[(size_t)best * s->nobj])
            best = i;
    }
    return best;
}

/* The closest any evaluated mix came to constraint k (others ignored). */
static double closest(const fs_search *s, const fs_opt_table *t, int k)
{
    double b = s->con[k].ge ? -INFINITY : INFINITY;
    for (long i = 0; i < t->n; i++) {
        double v = t->con[(size_t)i * s->ncon + k];
        b = s->con[k].ge ? fmax(b, v) : fmin(b, v);
    }
    return b;
}

static void brief_target(FILE *f, const fs_opt_result *r, long best)
{
    const fs_search *s = r->search;
    const fs_opt_table *t = r->all;
    double base = t->obj[(size_t)best * s->nobj];
    const fs_search_con *c = &s->con[0];
    double targets[2] = {c->ge ? c->value / 1.5 : c->value * 1.5,
                         c->ge ? c->value * 1.5 : c->value / 2};
    const char *what[2] = {"Relaxing", "Tightening"};
    fputs("\n", f);
    for (int q = 0; q < 2; q++) {
        long b = best_under(s, t, 0, targets[q]);
        fprintf(f, "%s the target (%s) to %.3g: ", what[q], c->text, targets[q]);
        if (b < 0) {
            fprintf(f, "no mix found reaches it; the closest reaches %.3g.\n", closest(s, t, 0));
            continue;
        }
        double v = t->obj[(size_t)b * s->nobj], d = v - base;
        if (d == 0)
            fprintf(f, "no better %s among the mixes found (%.4g).\n", s->obj[0].name, v);
        else
            fprintf(f, "%s %s by %.4g, to %.4g.\n", d < 0 ? "lowers" : "raises", s->obj[0].name,
                    fabs(d), v);
    }
    fprintf(f, "\n(These compare every one of the %ld mixes evaluated, in sample.)\n", t->n);
}

/* Levers the good mixes share, and those they disagree on. */
static void brief_levers(FILE *f, const fs_opt_result *r)
{
    const fs_search *s = r->search;
    const fs_opt_table *t = &r->front;
    if (t->n < 2)
        return;
    fprintf(f, "\n## What the %ld mixes of the final set share\n\n", t->n);
    for (int j = 0; j < s->nlevers; j++) {
        double lo = INFINITY, hi = -INFINITY, sum = 0, sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
        for (long i = 0; i < t->n; i++) {
            double x = t->x[(size_t)i * s->nlevers + j], y = t->obj[(size_t)i * s->nobj];
            lo = fmin(lo, x), hi = fmax(hi, x), sum += x;
            sx += x, sy += y, sxy += x * y, sxx += x * x, syy += y * y;
        }
        double spread = (hi - lo) / (s->levers[j].hi - s->levers[j].lo), n = (double)t->n;
        double cov = sxy / n - sx / n * sy / n, vx = sxx / n - sx / n * sx / n,
               vy = syy / n - sy / n * sy / n;
        double rho = vx > 0 && vy > 0 ? cov / sqrt(vx * vy) : 0;
        if (spread <= 0.15)
            fprintf(f, "- Shared: every mix sets %s at about %.3g (%.3g to %.3g).\n",
                    s->levers[j].label, sum / n, lo, hi);
        else if (spread >= 0.5)
            fprintf(f, "- Disputed: %s runs from %.3g to %.3g across the set%s.\n",
                    s->levers[j].label, lo, hi,
                    fabs(rho) >= 0.5 ? (rho > 0 ? ", higher with a higher first objective"
                                                : ", higher with a lower first objective")
                                     : "");
        else
            fprintf(f, "- Varies: %s from %.3g to %.3g.\n", s->levers[j].label, lo, hi);
    }
}

static void write_brief(FILE *f, const fs_opt_result *r, const int *order)
{
    const fs_search *s = r->search;
    char d[256];
    fprintf(f, "# %s\n\n", s->name);
    if (s->description)
        fprintf(f, "%s\n\n", s->description);
    fprintf(f, "Searched %d generations of %d mixes (%ld evaluations) of %d levers, each mix "
            "judged on %d future%s with %ld runs each, every mix on the same futures and random "
            "streams. The final set (%ld mix%s) was run again out of sample: %d fresh future%s, "
            "fresh random streams, %ld runs.\n\n", r->generations, r->population, r->all->n,
            s->nlevers, r->futures, r->futures == 1 ? "" : "s", s->runs, r->front.n,
            r->front.n == 1 ? "" : "es", r->oos_futures, r->oos_futures == 1 ? "" : "s",
            r->oos_runs);
    fputs("## The answer\n\n", f);
    describe_obj(d, sizeof d, s, 0);
    if (r->front.n == 0) {
        fputs("The search kept no mix.\n", f);
        return;
    }
    long b = order[0];
    const double *x = r->front.x + (size_t)b * s->nlevers;
    if (!r->any_feasible) {
        fputs("No mix found meets every constraint:", f);
        for (int k = 0; k < s->ncon; k++)
            fprintf(f, " %s%s", s->con[k].text, k + 1 < s->ncon ? ";" : ".");
        fputs(" The closest any mix came:", f);
        for (int k = 0; k < s->ncon; k++)
            fprintf(f, " %s %s %.3g at best (target %s %g)%s", s->outputs[s->con[k].out].name,
                    stat_ids[s->con[k].stat], closest(s, r->all, k), s->con[k].ge ? ">=" : "<=",
                    s->con[k].value, k + 1 < s->ncon ? ";" : ".");
        fputs(" The least-violating mix: ", f);
        write_mix(f, s, x);
        fputs(".\n", f);
        return;
    }
    fprintf(f, "The best mix by %s", d);
    if (s->ncon) {
        fputs(" that meets", f);
        for (int k = 0; k < s->ncon; k++)
            fprintf(f, "%s \"%s\"", k ? " and" : "", s->con[k].text);
    }
    fputs(": ", f);
    write_mix(f, s, x);
    fputs(".", f);
    for (int k = 0; k < s->nobj; k++)
        fprintf(f, " %s %.4g ± %.2g (out of sample %.4g).", s->obj[k].name,
                r->front.obj[(size_t)b * s->nobj + k], r->front.obj_se[(size_t)b * s->nobj + k],
                r->oos.obj[(size_t)b * s->nobj + k]);
    for (int k = 0; k < s->ncon; k++) {
        double o = r->oos.con[(size_t)b * s->ncon + k];
        fprintf(f, " Constraint \"%s\": %.3g in sample, %.3g out of sample (%s).", s->con[k].text,
                r->front.con[(size_t)b * s->ncon + k], o,
                fs_opt_holds(s, k, o) ? "still holds" : "no longer holds");
    }
    fputc('\n', f);
    if (s->ncon) {
        long ib = fs_opt_table_find(r->all, x);
        if (ib >= 0)
            brief_target(f, r, ib);
    }
    int held = 0;
    for (long i = 0; i < r->front.n; i++)
        held += all_hold(s, r->oos.con + (size_t)i * s->ncon, -1);
    if (s->ncon)
        fprintf(f, "\nOut of sample, %d of the %ld mixes of the final set still meet every "
                "constraint (a mix chosen for its in-sample figures tends to look better than it "
                "is: the winner's curse).\n", held, r->front.n);
    brief_levers(f, r);
    fputs("\nThe whole final set is in pareto.csv; every mix evaluated in evaluations.csv; the "
          "convergence in generations.csv.\n", f);
}

fs_status fs_opt_write(const char *outdir, const fs_opt_result *r, fs_err *err)
{
    fs_outset *set = fs_outset_new(outdir, err);
    int *order = front_order(r);
    FILE *f;
    if (!set || !order) {
        free(order);
        fs_outset_abort(set);
        return err->code ? err->code : fs_err_set(err, FS_ENOMEM, "out of memory");
    }
#define OPEN(name) if ((f = fs_outset_open(set, name, err)) == NULL) goto fail
    OPEN("pareto.csv");
    write_pareto(f, r, order);
    OPEN("evaluations.csv");
    write_evaluations(f, r);
    OPEN("generations.csv");
    write_generations(f, r);
    OPEN("search.csv");
    write_search(f, r);
    OPEN("optimize.md");
    write_brief(f, r, order);
#undef OPEN
    free(order);
    return fs_outset_commit(set, err);
fail:
    free(order);
    fs_outset_abort(set);
    return err->code;
}
