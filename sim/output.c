/* output.c: CSV files from the engine's accumulated statistics. */
#include "output.h"

#include <math.h>
#include <string.h>

#include "metrics.h"
#include "posterior.h"
#include "rng.h"
#include "stats.h"

#ifndef FS_VERSION
#define FS_VERSION "0.0.0"
#endif

const double fs_quantiles[5] = {0.05, 0.25, 0.5, 0.75, 0.95};

void fs_csv_field(FILE *f, const char *s)
{
    const char *p;
    int guard, quoted;

    if (s == NULL)
        return;
    /* A spreadsheet runs a cell that starts with = + - @ (or a tab or CR
     * before one) as a formula: OWASP's remedy is a leading single quote,
     * which spreadsheets hide. A text starting with a quote gets one too,
     * so that readers (fs_csv_read) drop exactly one and get it back. */
    guard = s[0] != '\0' && strchr("=+-@\t\r'", s[0]) != NULL;
    quoted = strpbrk(s, ",\"\n\r") != NULL;

    if (quoted)
        fputc('"', f);
    if (guard)
        fputc('\'', f);
    for (p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    if (quoted)
        fputc('"', f);
}

/* A number, or an empty field when it does not exist. */
static void num(FILE *f, double x)
{
    if (isnan(x) || isinf(x))
        return;
    if (x == 0.0)
        x = 0.0;   /* no "-0" */
    fprintf(f, "%.10g", x);
}

static void sep_num(FILE *f, double x)
{
    fputc(',', f);
    num(f, x);
}

static void quantiles(FILE *f, const fs_acc *acc, int cell)
{
    int q;
    for (q = 0; q < 5; q++)
        sep_num(f, fs_acc_quantile(acc, cell, fs_quantiles[q]));
}

static void write_meta(FILE *f, const fs_scenario *sc, const fs_results *r)
{
    char buf[64];
    fputs("key,value\n", f);
    fputs("name,", f), fs_csv_field(f, sc->name), fputc('\n', f);
    fputs("description,", f), fs_csv_field(f, sc->description), fputc('\n', f);
    fputs("question,", f), fs_csv_field(f, sc->question), fputc('\n', f);
    fprintf(f, "steps,%d\n", sc->steps);
    fputs("step_unit,", f), fs_csv_field(f, sc->step_unit), fputc('\n', f);
    fprintf(f, "runs,%ld\n", sc->runs);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)sc->seed);
    fprintf(f, "seed,%s\n", buf);
    fprintf(f, "rng,%s\n", FS_RNG_NAME);
    fprintf(f, "version,%s\n", FS_VERSION);
    fprintf(f, "model,%s\n", r->model);
    fputs("mass_casualty,", f), num(f, sc->outcomes.mass_casualty), fputc('\n', f);
    fputs("failure_stability,", f), num(f, sc->outcomes.failure_stability), fputc('\n', f);
    fputs("escalation_ratio,", f), num(f, sc->outcomes.escalation_ratio), fputc('\n', f);
    if (r->posterior) {   /* which posterior the parameters came from */
        fputs("posterior,", f), fs_csv_field(f, r->posterior->file), fputc('\n', f);
        fprintf(f, "posterior_fnv1a,%016llx\n", (unsigned long long)r->posterior->hash);
        fprintf(f, "posterior_particles,%d\n", r->posterior->n);
    }
}

static void write_summary(FILE *f, const fs_acc *acc, const fs_layout *l)
{
    int k;
    fputs("metric,n,mean,sd,se,min,p5,p25,p50,p75,p95,max\n", f);
    for (k = 0; k < FS_TOT_N; k++) {
        int c = fs_cell_tot(l, k);
        const fs_moments *m = fs_acc_moments(acc, c);
        double sd = fs_moments_sd(m);
        fprintf(f, "%s,%.0f", fs_total_name(k), m->n);
        if (m->n > 0) {
            sep_num(f, m->mean);
            sep_num(f, sd);
            sep_num(f, sd / sqrt(m->n));
            sep_num(f, m->min);
        } else {
            fputs(",,,,", f);
        }
        quantiles(f, acc, c);
        sep_num(f, m->n > 0 ? m->max : NAN);
        fputc('\n', f);
    }
}

static void write_timeseries(FILE *f, const fs_scenario *sc, const fs_acc *acc,
                             const fs_layout *l)
{
    int t, k, a;
    fputs("step,metric,scope,mean,p5,p25,p50,p75,p95\n", f);
    for (t = 0; t <= sc->steps; t++) {
        for (k = 0; k < FS_TS_NREGION; k++) {
            int c = fs_cell_ts(l, t, k);
            fprintf(f, "%d,%s,region", t, fs_region_series_name(k));
            sep_num(f, fs_acc_moments(acc, c)->mean);
            if (k == FS_TS_ESCALATED)
                fputs(",,,,,", f);
            else
                quantiles(f, acc, c);
            fputc('\n', f);
        }
        for (k = 0; k < FS_TA_N; k++) {
            for (a = 0; a < sc->nactors; a++) {
                int c = fs_cell_ta(l, t, a, k);
                fprintf(f, "%d,%s,", t, fs_actor_series_name(k));
                fs_csv_field(f, sc->actors[a].id);
                sep_num(f, fs_acc_moments(acc, c)->mean);
                quantiles(f, acc, c);
                fputc('\n', f);
            }
        }
        for (k = 0; k < l->ntracked; k++) {
            int c = fs_cell_tp(l, t, k);
            char pair[2 * FS_MAX_ID + 2];
            snprintf(pair, sizeof pair, "%s-%s", sc->actors[l->tracked_a[k]].id,
                     sc->actors[l->tracked_b[k]].id);
            fprintf(f, "%d,trust,", t);
            fs_csv_field(f, pair);
            sep_num(f, fs_acc_moments(acc, c)->mean);
            quantiles(f, acc, c);
            fputc('\n', f);
        }
    }
}

static void write_outcomes(FILE *f, const fs_acc *acc, const fs_layout *l)
{
    int k;
    fputs("outcome,count,runs,probability,lo95,hi95\n", f);
    for (k = 0; k < FS_OUT_N; k++) {
        const fs_moments *m = fs_acc_moments(acc, fs_cell_out(l, k));
        double count = nearbyint(m->mean * m->n), lo, hi;
        fs_wilson95(count, m->n, &lo, &hi);
        fprintf(f, "%s,%.0f,%.0f", fs_outcome_name(k), count, m->n);
        sep_num(f, m->n > 0 ? count / m->n : NAN);
        sep_num(f, lo);
        sep_num(f, hi);
        fputc('\n', f);
    }
}

static void write_actors(FILE *f, const fs_scenario *sc, const fs_acc *acc,
                         const fs_layout *l)
{
    int a, k;
    fputs("actor,name,role,metric,mean,sd,p5,p25,p50,p75,p95\n", f);
    for (a = 0; a < sc->nactors; a++) {
        for (k = 0; k < FS_AT_N; k++) {
            int c = fs_cell_at(l, a, k);
            const fs_moments *m = fs_acc_moments(acc, c);
            fs_csv_field(f, sc->actors[a].id);
            fputc(',', f);
            fs_csv_field(f, sc->actors[a].name);
            fprintf(f, ",%s,%s", fs_role_name(sc->actors[a].role), fs_actor_total_name(k));
            sep_num(f, m->mean);
            sep_num(f, fs_moments_sd(m));
            quantiles(f, acc, c);
            fputc('\n', f);
        }
    }
}

static void write_threats(FILE *f, const fs_scenario *sc, const fs_acc *acc,
                          const fs_layout *l)
{
    int g, k;
    fputs("threat,name,metric,mean,sd,p5,p25,p50,p75,p95\n", f);
    for (g = 0; g < sc->nthreats; g++) {
        for (k = 0; k < FS_TH_N; k++) {
            int c = fs_cell_th(l, g, k);
            const fs_moments *m = fs_acc_moments(acc, c);
            fs_csv_field(f, sc->threats[g].id);
            fputc(',', f);
            fs_csv_field(f, sc->threats[g].name);
            fprintf(f, ",%s", fs_threat_total_name(k));
            sep_num(f, m->mean);
            sep_num(f, fs_moments_sd(m));
            quantiles(f, acc, c);
            fputc('\n', f);
        }
    }
}

static void write_trust(FILE *f, const fs_scenario *sc, const fs_acc *acc,
                        const fs_layout *l)
{
    int a, b, n = sc->nactors;
    fputs("a,b,initial,final_mean,final_p5,final_p50,final_p95\n", f);
    for (a = 0; a < n; a++) {
        for (b = a + 1; b < n; b++) {
            int c = fs_cell_trust(l, a, b);
            fs_csv_field(f, sc->actors[a].id);
            fputc(',', f);
            fs_csv_field(f, sc->actors[b].id);
            sep_num(f, sc->trust[a * n + b]);
            sep_num(f, fs_acc_moments(acc, c)->mean);
            sep_num(f, fs_acc_quantile(acc, c, 0.05));
            sep_num(f, fs_acc_quantile(acc, c, 0.5));
            sep_num(f, fs_acc_quantile(acc, c, 0.95));
            fputc('\n', f);
        }
    }
}

static void write_mechanisms(FILE *f, const fs_scenario *sc, const fs_acc *acc,
                             const fs_layout *l)
{
    int k, j;
    fputs("mechanism,name,type,start,end,period,intensity,participants,"
          "cost_per_step,mean_active_steps,mean_cost\n", f);
    for (k = 0; k < sc->nmechanisms; k++) {
        const fs_mechanism *mc = &sc->mechanisms[k];
        fs_csv_field(f, mc->id);
        fputc(',', f);
        fs_csv_field(f, mc->name);
        fprintf(f, ",%s,%d,%d,", fs_mech_kind_name(mc->kind), mc->start, mc->end);
        if (mc->kind == FS_MECH_JOINT_DRILL)
            fprintf(f, "%d", mc->period);
        sep_num(f, mc->intensity);
        fputc(',', f);
        if (mc->kind == FS_MECH_BORDER_OPERATION) {
            for (j = 0; j < mc->nborders; j++) {
                const fs_border *bd = &sc->borders[mc->borders[j]];
                fprintf(f, "%s%s-%s", j ? " " : "", sc->actors[bd->a].id,
                        sc->actors[bd->b].id);
            }
        } else {
            for (j = 0; j < mc->nparticipants; j++)
                fprintf(f, "%s%s", j ? " " : "", sc->actors[mc->participants[j]].id);
        }
        sep_num(f, mc->cost);
        sep_num(f, fs_acc_moments(acc, fs_cell_mech(l, k, FS_MC_ACTIVE_STEPS))->mean);
        sep_num(f, fs_acc_moments(acc, fs_cell_mech(l, k, FS_MC_COST))->mean);
        fputc('\n', f);
    }
}

/* What an inject acts on, for the target column. */
static void inject_target(FILE *f, const fs_scenario *sc, const fs_inject *in)
{
    char buf[256];
    const char *a = in->actor >= 0 ? sc->actors[in->actor].id : "";
    const char *b = in->actor2 >= 0 ? sc->actors[in->actor2].id : "";
    switch (in->kind) {
    case FS_INJ_TRUST_SHOCK:
        snprintf(buf, sizeof buf, "%s-%s", a, b);
        break;
    case FS_INJ_MECHANISM_ON:
    case FS_INJ_MECHANISM_OFF:
        snprintf(buf, sizeof buf, "%s", sc->mechanisms[in->mechanism].id);
        break;
    case FS_INJ_JOIN:
        snprintf(buf, sizeof buf, "%s>%s", a, sc->mechanisms[in->mechanism].id);
        break;
    case FS_INJ_LEAVE:
        snprintf(buf, sizeof buf, "%s<%s", a, sc->mechanisms[in->mechanism].id);
        break;
    case FS_INJ_BORDER_CHANGE:
        snprintf(buf, sizeof buf, "%s-%s", sc->actors[sc->borders[in->border].a].id,
                 sc->actors[sc->borders[in->border].b].id);
        break;
    case FS_INJ_THREAT_SURGE:
        snprintf(buf, sizeof buf, "%s", in->actor >= 0 ? a : "all");
        break;
    default:
        snprintf(buf, sizeof buf, "%s", a);
        break;
    }
    fs_csv_field(f, buf);
}

/* The pair of actors whose trust the inject acts on, "A-B" as trust.csv
 * orders them: a trust shock's two actors, an attack's target and the
 * origin it is blamed on; nothing for the others. */
static void inject_pair(FILE *f, const fs_scenario *sc, const fs_inject *in)
{
    char buf[2 * FS_MAX_ID + 2];
    int a = in->actor, b = in->actor2;
    if (!(in->kind == FS_INJ_TRUST_SHOCK || in->kind == FS_INJ_ATTACK) || a < 0 || b < 0)
        return;
    snprintf(buf, sizeof buf, "%s-%s", sc->actors[a < b ? a : b].id, sc->actors[a < b ? b : a].id);
    fs_csv_field(f, buf);
}

static void write_injects(FILE *f, const fs_scenario *sc, const fs_acc *acc,
                          const fs_layout *l)
{
    int i;
    fputs("inject,label,type,step,probability,hazard,start,end,target,"
          "fired_share,mean_fire_step,pair\n", f);
    for (i = 0; i < sc->ninjects; i++) {
        const fs_inject *in = &sc->injects[i];
        const fs_moments *first = fs_acc_moments(acc, fs_cell_inj(l, i, FS_IN_FIRST_STEP));
        fs_csv_field(f, in->id);
        fputc(',', f);
        fs_csv_field(f, in->label);
        fprintf(f, ",%s,", fs_inject_kind_name(in->kind));
        if (in->hazard > 0.0) {
            fputc(',', f);
            num(f, in->probability);
            sep_num(f, in->hazard);
            fprintf(f, ",%d,%d,", in->start, in->end);
        } else {
            fprintf(f, "%d,", in->step);
            num(f, in->probability);
            fputs(",0,,,", f);
        }
        inject_target(f, sc, in);
        sep_num(f, fs_acc_moments(acc, fs_cell_inj(l, i, FS_IN_FIRED))->mean);
        sep_num(f, first->n > 0 ? first->mean : NAN);
        fputc(',', f);
        inject_pair(f, sc, in);
        fputc('\n', f);
    }
}

static void write_earlywarning(FILE *f, const fs_scenario *sc, const fs_acc *acc,
                               const fs_layout *l, const uint64_t *first_mc)
{
    uint64_t cum = 0;
    int t;
    fputs("step,p_escalated,first_mass_casualty,p_mass_casualty_by\n", f);
    for (t = 0; t <= sc->steps; t++) {
        uint64_t here = t > 0 ? first_mc[t] : 0;
        cum += here;
        fprintf(f, "%d", t);
        sep_num(f, fs_acc_moments(acc, fs_cell_ts(l, t, FS_TS_ESCALATED))->mean);
        fprintf(f, ",%llu", (unsigned long long)here);
        sep_num(f, (double)cum / (double)sc->runs);
        fputc('\n', f);
    }
}

typedef struct bucket_ctx {
    FILE *f;
    const char *metric;
} bucket_ctx;

static void bucket_row(double lo, double hi, uint64_t count, void *arg)
{
    bucket_ctx *c = arg;
    fprintf(c->f, "%s", c->metric);
    sep_num(c->f, lo);
    sep_num(c->f, hi);
    fprintf(c->f, ",%llu\n", (unsigned long long)count);
}

static void write_distributions(FILE *f, const fs_acc *acc, const fs_layout *l)
{
    bucket_ctx c;
    c.f = f;
    fputs("metric,lo,hi,count\n", f);
    c.metric = "casualties";
    fs_sketch_foreach(fs_acc_sketch(acc, fs_cell_tot(l, FS_TOT_CASUALTIES)), bucket_row, &c);
    c.metric = "attacks";
    fs_sketch_foreach(fs_acc_sketch(acc, fs_cell_tot(l, FS_TOT_ATTACKS)), bucket_row, &c);
}

void fs_output_runs_header(FILE *f)
{
    fputs("run,plots,foiled,attacks,casualties,threat_index_final,cohesion_final,"
          "cost,escalation,fracture,contained,first_mass_casualty_step\n", f);
}

static const char *sub_name(char *buf, size_t n, const char *sub, const char *name)
{
    snprintf(buf, n, "%s%s%s", sub, sub[0] ? "/" : "", name);
    return buf;
}

FILE *fs_output_open(fs_outset *set, const char *sub, const char *name, fs_err *err)
{
    char buf[4096];
    return fs_outset_open(set, sub_name(buf, sizeof buf, sub, name), err);
}

fs_status fs_output_remove(fs_outset *set, const char *sub, const char *name, fs_err *err)
{
    char buf[4096];
    return fs_outset_remove(set, sub_name(buf, sizeof buf, sub, name), err);
}

fs_status fs_output_write(fs_outset *set, const char *sub, const fs_scenario *sc,
                          const fs_results *r, fs_err *err)
{
    const fs_acc *acc = r->acc;
    const fs_layout *l = r->lay;
    FILE *f;

#define OPEN(name) if ((f = fs_output_open(set, sub, name, err)) == NULL) return err->code
    OPEN("meta.csv");
    write_meta(f, sc, r);
    OPEN("summary.csv");
    write_summary(f, acc, l);
    OPEN("timeseries.csv");
    write_timeseries(f, sc, acc, l);
    OPEN("outcomes.csv");
    write_outcomes(f, acc, l);
    OPEN("actors.csv");
    write_actors(f, sc, acc, l);
    OPEN("threats.csv");
    write_threats(f, sc, acc, l);
    OPEN("trust.csv");
    write_trust(f, sc, acc, l);
    OPEN("mechanisms.csv");
    write_mechanisms(f, sc, acc, l);
    OPEN("injects.csv");
    write_injects(f, sc, acc, l);
    OPEN("earlywarning.csv");
    write_earlywarning(f, sc, acc, l, r->first_mc);
    OPEN("distributions.csv");
    write_distributions(f, acc, l);
#undef OPEN
    return FS_OK;
}
