/* calibrate_report.c: a finished calibration's files and words (see
 * calibrate_report.h). */
#include "calibrate_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "mdtext.h"
#include "output.h"
#include "outset.h"

/* Below this ratio of posterior to prior 90% interval width a parameter
 * counts as identified; at or above NOT_IDENTIFIED it is said plainly
 * that the targets do not identify it. */
#define IDENTIFIED 0.5
#define NOT_IDENTIFIED 0.8
/* A pair whose weighted posterior correlation is this strong trades off. */
#define STRONG_CORRELATION 0.5

/* ---- statistics ---- */

static double prior_cdf(const fs_prior *p, double x)
{
    switch (p->kind) {
    case FS_PRIOR_UNIFORM:
        return x <= p->a ? 0 : x >= p->b ? 1 : (x - p->a) / (p->b - p->a);
    case FS_PRIOR_LOGUNIFORM:
        return x <= p->a ? 0 : x >= p->b ? 1 : log(x / p->a) / log(p->b / p->a);
    case FS_PRIOR_NORMAL:
        return isinf(x) ? (x > 0) : gsl_cdf_gaussian_P(x - p->a, p->b);
    case FS_PRIOR_LOGNORMAL:
        return x <= 0 ? 0 : isinf(x) ? 1 : gsl_cdf_lognormal_P(x, p->a, p->b);
    case FS_PRIOR_BETA:
        return x <= 0 ? 0 : x >= 1 ? 1 : gsl_cdf_beta_P(x, p->a, p->b);
    case FS_PRIOR_GAMMA:
        return x <= 0 ? 0 : isinf(x) ? 1 : gsl_cdf_gamma_P(x, p->a, 1.0 / p->b);
    }
    return NAN;
}

static double prior_inv(const fs_prior *p, double u)
{
    switch (p->kind) {
    case FS_PRIOR_UNIFORM:
        return p->a + u * (p->b - p->a);
    case FS_PRIOR_LOGUNIFORM:
        return p->a * exp(u * log(p->b / p->a));
    case FS_PRIOR_NORMAL:
        return p->a + gsl_cdf_gaussian_Pinv(u, p->b);
    case FS_PRIOR_LOGNORMAL:
        return gsl_cdf_lognormal_Pinv(u, p->a, p->b);
    case FS_PRIOR_BETA:
        return gsl_cdf_beta_Pinv(u, p->a, p->b);
    case FS_PRIOR_GAMMA:
        return gsl_cdf_gamma_Pinv(u, p->a, 1.0 / p->b);
    }
    return NAN;
}

double fs_calib_prior_quantile(const fs_prior *p, double q)
{
    double flo = prior_cdf(p, p->lo), fhi = prior_cdf(p, p->hi);
    double u = flo + q * (fhi - flo);
    if (u <= 0)
        u = 1e-300;
    if (u >= 1)
        u = 1 - 1e-16;
    double x = prior_inv(p, u);
    return x < p->lo ? p->lo : x > p->hi ? p->hi : x;
}

static const double *sort_key;

static int by_key(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    double x = sort_key[i], y = sort_key[j];
    return x < y ? -1 : x > y ? 1 : (i > j) - (i < j);
}

double fs_calib_wquantile(const double *x, const double *w, int n, double q, int *idx)
{
    double cum = 0;
    for (int i = 0; i < n; i++)
        idx[i] = i;
    sort_key = x;
    qsort(idx, (size_t)n, sizeof *idx, by_key);
    for (int k = 0; k < n; k++) {
        cum += w[idx[k]];
        if (cum >= q)
            return x[idx[k]];
    }
    return n > 0 ? x[idx[n - 1]] : NAN;
}

double fs_calib_rank(const double *v, int n, double y)
{
    double below = 0;
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        below += v[i] < y ? 1.0 : v[i] == y ? 0.5 : 0.0;
        m++;
    }
    return m ? below / m : NAN;
}

/* The weighted mean and sd of column j of theta (P columns). */
static void wmoments(const fs_calib_result *r, int j, double *mean, double *sd)
{
    int P = r->c->nparams;
    double m = 0, v = 0;
    for (int i = 0; i < r->n; i++)
        m += r->w[i] * r->theta[(size_t)i * P + j];
    for (int i = 0; i < r->n; i++) {
        double d = r->theta[(size_t)i * P + j] - m;
        v += r->w[i] * d * d;
    }
    *mean = m;
    *sd = sqrt(v);
}

static double wcorr(const fs_calib_result *r, int a, int b)
{
    int P = r->c->nparams;
    double ma, sa, mb, sb, c = 0;
    wmoments(r, a, &ma, &sa);
    wmoments(r, b, &mb, &sb);
    for (int i = 0; i < r->n; i++)
        c += r->w[i] * (r->theta[(size_t)i * P + a] - ma) * (r->theta[(size_t)i * P + b] - mb);
    return sa > 0 && sb > 0 ? c / (sa * sb) : NAN;
}

/* ---- CSV ---- */

static void num(FILE *f, double x)
{
    if (isinf(x))
        fputs(x > 0 ? "inf" : "-inf", f);
    else if (!isnan(x))
        fprintf(f, "%.17g", x == 0.0 ? 0.0 : x);
}

static void write_priors(FILE *f, const fs_calib *c)
{
    fputs("parameter,label,prior,a,b,lo,hi,integer\n", f);
    for (int i = 0; i < c->nparams; i++) {
        const fs_prior *p = &c->params[i].prior;
        fs_csv_field(f, c->params[i].path);
        fputc(',', f);
        fs_csv_field(f, c->params[i].label);
        fprintf(f, ",%s,", fs_prior_name(p->kind));
        num(f, p->a), fputc(',', f), num(f, p->b), fputc(',', f);
        num(f, p->lo), fputc(',', f), num(f, p->hi);
        fprintf(f, ",%d\n", p->integer ? 1 : 0);
    }
}

static void write_posterior(FILE *f, const fs_calib_result *r)
{
    const fs_calib *c = r->c;
    fputs("particle", f);
    for (int j = 0; j < c->nparams; j++)
        fputc(',', f), fs_csv_field(f, c->params[j].path);
    fputs(",weight,distance\n", f);
    for (int i = 0; i < r->n; i++) {
        fprintf(f, "%d", i);
        for (int j = 0; j < c->nparams; j++)
            fputc(',', f), num(f, r->theta[(size_t)i * c->nparams + j]);
        fputc(',', f), num(f, r->w[i]);
        fputc(',', f), num(f, r->dist[i]);
        fputc('\n', f);
    }
}

static void write_generations(FILE *f, const fs_calib_result *r)
{
    fputs("generation,tolerance,proposed,simulated,accepted,acceptance_rate,ess,runs\n", f);
    for (int g = 0; g < r->ngen; g++) {
        const fs_abc_gen *x = &r->gen[g];
        fprintf(f, "%d,", x->generation);
        num(f, x->tolerance);
        fprintf(f, ",%ld,%ld,%ld,", x->proposed, x->simulated, x->accepted);
        num(f, x->acceptance), fputc(',', f), num(f, x->ess);
        fprintf(f, ",%ld\n", x->simulations * r->c->runs);
    }
}

static const char *unc_name(int u)
{
    return u == FS_UNC_RELATIVE ? "relative" : u == FS_UNC_ABSOLUTE ? "absolute" : "count";
}

static void write_targets(FILE *f, const fs_calib *c)
{
    fputs("target,output,figure,sd,uncertainty,source,held_out,mapping\n", f);
    for (int k = 0; k < c->ntargets; k++) {
        const fs_cal_target *t = &c->targets[k];
        fs_csv_field(f, t->name), fputc(',', f);
        fs_csv_field(f, t->output), fputc(',', f);
        num(f, t->figure), fputc(',', f), num(f, t->sd);
        fprintf(f, ",%s,", unc_name(t->uncertainty));
        fs_csv_field(f, t->source);
        fprintf(f, ",%d,", t->held_out);
        fs_csv_field(f, t->mapping);
        fputc('\n', f);
    }
}

static void write_predictive(FILE *f, const fs_calib_result *r)
{
    const fs_calib *c = r->c;
    fputs("draw,particle", f);
    for (int k = 0; k < c->ntargets; k++)
        fputc(',', f), fs_csv_field(f, c->targets[k].name);
    fputc('\n', f);
    for (int d = 0; d < r->ndraws; d++) {
        fprintf(f, "%d,%d", d, r->draw_particle[d]);
        for (int k = 0; k < c->ntargets; k++)
            fputc(',', f), num(f, r->pred[(size_t)d * c->ntargets + k]);
        fputc('\n', f);
    }
}

/* ---- calibrate.md ---- */

/* A number for reading: 4 significant digits, thousands apart. */
static void fmt(char *buf, size_t n, double x)
{
    if (isnan(x)) {
        snprintf(buf, n, "-");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, n, x > 0 ? "inf" : "-inf");
        return;
    }
    double a = fabs(x);
    if (a >= 1000 && a < 1e15) {
        char digits[24], out[32];
        snprintf(digits, sizeof digits, "%.0f", fmin(a, 1e15));
        size_t len = strlen(digits), w = 0;
        for (size_t i = 0; i < len; i++) {
            if (i > 0 && (len - i) % 3 == 0)
                out[w++] = ',';
            out[w++] = digits[i];
        }
        out[w] = '\0';
        snprintf(buf, n, "%s%s", x < 0 ? "-" : "", out);
    } else {
        snprintf(buf, n, "%.4g", x);
    }
}

static void put_prior(FILE *f, const fs_prior *p)
{
    char a[40], b[40];
    static const char *ab[6][2] = {{"", ""}, {"", ""}, {"mean ", "sd "}, {"log-mean ", "log-sd "},
                                   {"", ""}, {"shape ", "rate "}};
    fmt(a, sizeof a, p->a);
    fmt(b, sizeof b, p->b);
    if (p->kind == FS_PRIOR_UNIFORM || p->kind == FS_PRIOR_LOGUNIFORM)
        fprintf(f, "%s %s to %s", fs_prior_name(p->kind), a, b);
    else if (p->kind == FS_PRIOR_BETA)
        fprintf(f, "beta(%s, %s)", a, b);
    else
        fprintf(f, "%s (%s%s, %s%s)", fs_prior_name(p->kind), ab[p->kind][0], a, ab[p->kind][1],
                b);
}

static const char *stop_words(int stop)
{
    switch (stop) {
    case FS_ABC_STOP_GENERATIONS: return "it ran the generations asked for";
    case FS_ABC_STOP_TOLERANCE: return "it reached the tolerance asked for";
    case FS_ABC_STOP_ACCEPTANCE: return "the acceptance rate fell below the minimum asked for";
    case FS_ABC_STOP_BUDGET: return "it spent its budget of runs";
    default: return "it stopped";
    }
}

/* The predictive distribution of target k: its values (NaN left out)
 * sorted into v; returns how many. */
static int pred_sorted(const fs_calib_result *r, int k, double *v)
{
    int m = 0;
    for (int d = 0; d < r->ndraws; d++) {
        double x = r->pred[(size_t)d * r->c->ntargets + k];
        if (!isnan(x))
            v[m++] = x;
    }
    for (int i = 1; i < m; i++) {   /* insertion sort: stable and exact */
        double x = v[i];
        int j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    return m;
}

static double sorted_q(const double *v, int m, double q)
{
    if (m == 0)
        return NAN;
    double h = (m - 1) * q;
    int lo = (int)floor(h);
    return lo + 1 < m ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

static void brief_parameters(FILE *f, const fs_calib_result *r, int *idx, double *col)
{
    const fs_calib *c = r->c;
    int P = c->nparams, nid = 0, weak = 0;
    char s1[40], s2[40], s3[40], s4[40], s5[40], s6[40];
    fputs("\n## What the figures taught\n\n"
          "Each parameter's posterior (weighted median and 90% credible interval) against its "
          "prior. The width ratio is the posterior 90% interval's width over the prior's: near "
          "1, the figures taught nothing about the parameter; near 0, they pinned it down.\n\n"
          "| parameter | prior | prior 90% | posterior median | posterior 90% | width ratio | "
          "verdict |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n", f);
    for (int j = 0; j < P; j++) {
        const fs_prior *p = &c->params[j].prior;
        for (int i = 0; i < r->n; i++)
            col[i] = r->theta[(size_t)i * P + j];
        double plo = fs_calib_prior_quantile(p, 0.05), phi = fs_calib_prior_quantile(p, 0.95);
        double med = fs_calib_wquantile(col, r->w, r->n, 0.5, idx);
        double lo = fs_calib_wquantile(col, r->w, r->n, 0.05, idx);
        double hi = fs_calib_wquantile(col, r->w, r->n, 0.95, idx);
        double ratio = phi > plo ? (hi - lo) / (phi - plo) : NAN;
        fmt(s1, sizeof s1, plo), fmt(s2, sizeof s2, phi), fmt(s3, sizeof s3, med);
        fmt(s4, sizeof s4, lo), fmt(s5, sizeof s5, hi), snprintf(s6, sizeof s6, "%.2f", ratio);
        fputs("| ", f);
        fs_md_put(f, c->params[j].label);
        if (strcmp(c->params[j].label, c->params[j].path)) {
            fputs(" (", f);
            fs_md_put(f, c->params[j].path);
            fputs(")", f);
        }
        fputs(" | ", f);
        put_prior(f, p);
        fprintf(f, " | %s - %s | %s | %s - %s | %s | %s |\n", s1, s2, s3, s4, s5, s6,
                ratio < IDENTIFIED ? "identified"
                : ratio < NOT_IDENTIFIED ? "weakly identified"
                : "**not identified**");
        nid += !(ratio < NOT_IDENTIFIED);
        weak += ratio >= IDENTIFIED && ratio < NOT_IDENTIFIED;
    }
    fputc('\n', f);
    if (nid) {
        fputs("**Not identified by these figures:** ", f);
        for (int j = 0, k = 0; j < P; j++) {
            const fs_prior *p = &c->params[j].prior;
            for (int i = 0; i < r->n; i++)
                col[i] = r->theta[(size_t)i * P + j];
            double w = fs_calib_wquantile(col, r->w, r->n, 0.95, idx) -
                       fs_calib_wquantile(col, r->w, r->n, 0.05, idx);
            double pw = fs_calib_prior_quantile(p, 0.95) - fs_calib_prior_quantile(p, 0.05);
            if (pw > 0 && w / pw < NOT_IDENTIFIED)
                continue;
            fputs(k++ ? ", " : "", f);
            fs_md_put(f, c->params[j].label);
        }
        fputs(nid == 1 ? ". Its posterior is close to its prior: the figures say little "
              "about it, and any result that depends on it carries the prior's uncertainty, "
              "which is an assumption, not evidence.\n"
              : ". Their posteriors are close to their priors: the figures say little about "
              "them, and any result that depends on them carries the priors' uncertainty, "
              "which is an assumption, not evidence.\n", f);
    } else {
        fputs("Every parameter was narrowed by the figures", f);
        fputs(weak ? ", some only weakly.\n" : ".\n", f);
    }
}

static void brief_pairs(FILE *f, const fs_calib_result *r)
{
    const fs_calib *c = r->c;
    int any = 0;
    fputs("\n## Pairs that trade off\n\n", f);
    for (int a = 0; a < c->nparams; a++)
        for (int b = a + 1; b < c->nparams; b++) {
            double rho = wcorr(r, a, b);
            if (!(fabs(rho) >= STRONG_CORRELATION))
                continue;
            if (!any++)
                fputs("Strongly correlated in the posterior (weighted correlation, |r| >= 0.5): "
                      "the figures fix a combination of the two rather than each.\n\n", f);
            fputs("- ", f);
            fs_md_put(f, c->params[a].label);
            fputs(" and ", f);
            fs_md_put(f, c->params[b].label);
            fprintf(f, ": r = %.2f (%s)\n", rho, rho > 0 ? "raising one and raising the other "
                    "fits about as well" : "raising one and lowering the other fits about as "
                    "well");
        }
    if (!any)
        fprintf(f, "No pair of parameters is strongly correlated in the posterior (|r| < 0.5 "
                "for every pair%s).\n", c->nparams < 2 ? "; there is one parameter" : "");
}

static void brief_predictive(FILE *f, const fs_calib_result *r, double *v)
{
    const fs_calib *c = r->c;
    char s1[40], s2[40], s3[40], s4[40], s5[40];
    fprintf(f, "\n## Posterior predictive check\n\n"
            "%d draws: each a particle drawn by weight and one run with its values, so each "
            "target's column is what the reported figure could have been if the posterior is "
            "right. The figure's quantile is the share of draws below it (ties half): between "
            "0.05 and 0.95 the figure is consistent with the calibrated model.\n\n"
            "| target | reported (sd) | predictive median | predictive 90%% | figure's quantile | "
            "verdict |\n| --- | ---: | ---: | ---: | ---: | --- |\n", r->ndraws);
    for (int k = 0; k < c->ntargets; k++) {
        const fs_cal_target *t = &c->targets[k];
        int m = pred_sorted(r, k, v);
        double q = fs_calib_rank(v, m, t->figure);
        fmt(s1, sizeof s1, t->figure), fmt(s2, sizeof s2, t->sd);
        fmt(s3, sizeof s3, sorted_q(v, m, 0.5));
        fmt(s4, sizeof s4, sorted_q(v, m, 0.05)), fmt(s5, sizeof s5, sorted_q(v, m, 0.95));
        fputs("| ", f);
        fs_md_put(f, t->name);
        fprintf(f, "%s | %s (%s) | %s | %s - %s | %.3f | %s |\n", t->held_out ? " (held out)" : "",
                s1, s2, s3, s4, s5, q,
                isnan(q) ? "no run gave a value"
                : q < 0.05 ? "**below what the model predicts**"
                : q > 0.95 ? "**above what the model predicts**" : "consistent");
    }
    for (int k = 0; k < c->ntargets; k++) {
        const fs_cal_target *t = &c->targets[k];
        if (!t->held_out)
            continue;
        int m = pred_sorted(r, k, v);
        double q = fs_calib_rank(v, m, t->figure);
        fmt(s1, sizeof s1, t->figure), fmt(s3, sizeof s3, sorted_q(v, m, 0.5));
        fmt(s4, sizeof s4, sorted_q(v, m, 0.05)), fmt(s5, sizeof s5, sorted_q(v, m, 0.95));
        fputs("\n**Held-out check.** ", f);
        fs_md_put(f, t->name);
        /* how wide the prediction is against the figure's own 90% band */
        double wide = (sorted_q(v, m, 0.95) - sorted_q(v, m, 0.05)) / (2 * 1.6449 * t->sd);
        fprintf(f, " was left out of the fit. Calibrated on the other figures alone, the model "
                "predicts %s (90%%: %s - %s) against the reported %s: the figure lies at "
                "quantile %.3f of the predictive distribution, %s", s3, s4, s5, s1, q,
                isnan(q) ? "which no run produced."
                : q >= 0.05 && q <= 0.95 ? "so it is consistent with what the other figures "
                                           "imply."
                : "so the other figures do not predict it: the model, fitted to them, "
                  "misses this one.");
        if (q >= 0.05 && q <= 0.95 && wide > 2)
            fprintf(f, " But the prediction is wide, %.1f times the figure's own 90%% band: "
                    "the other figures constrain it little, and passing this check says little.",
                    wide);
        else if (q >= 0.05 && q <= 0.95)
            fprintf(f, " The prediction is about as narrow as the figure's own uncertainty "
                    "(%.1f times its 90%% band): an out-of-sample check the calibration passes.",
                    wide);
        fputc('\n', f);
    }
}

static void brief_targets(FILE *f, const fs_calib *c)
{
    char s1[40], s2[40];
    fputs("\n## Targets and how the model maps them\n\n"
          "| target | reported | sd | mapped to | source |\n| --- | ---: | --- | --- | --- |\n", f);
    for (int k = 0; k < c->ntargets; k++) {
        const fs_cal_target *t = &c->targets[k];
        fmt(s1, sizeof s1, t->figure);
        fmt(s2, sizeof s2, t->sd);
        fputs("| ", f);
        fs_md_put(f, t->name);
        fprintf(f, "%s | %s | %s (%s", t->held_out ? " (held out)" : "", s1, s2,
                unc_name(t->uncertainty));
        if (t->uncertainty == FS_UNC_RELATIVE)
            fprintf(f, " %g", t->given);
        else if (t->uncertainty == FS_UNC_COUNT)
            fputs(": Poisson", f);
        fputs(") | ", f);
        fs_md_put(f, t->mapping);
        fputs(" (", f);
        fs_md_put(f, t->output);
        fputs(") | ", f);
        fs_md_put(f, t->source[0] ? t->source : "-");
        fputs(" |\n", f);
    }
}

static void brief_generations(FILE *f, const fs_calib_result *r)
{
    char s1[40], s2[40];
    fputs("\n## Generations\n\n"
          "| generation | tolerance | proposed | simulated | accepted | acceptance | ESS | runs "
          "|\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n", f);
    for (int g = 0; g < r->ngen; g++) {
        const fs_abc_gen *x = &r->gen[g];
        fmt(s1, sizeof s1, x->tolerance);
        fmt(s2, sizeof s2, x->ess);
        fprintf(f, "| %d | %s | %ld | %ld | %ld | %.3f | %s | %ld |\n", x->generation, s1,
                x->proposed, x->simulated, x->accepted, x->acceptance, s2,
                x->simulations * r->c->runs);
    }
}

/* A path's file name: the files say the same wherever the calibration
 * was started from (a resumed one reads its file by absolute path). */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static fs_status write_brief(FILE *f, const fs_calib_result *r, fs_err *err)
{
    const fs_calib *c = r->c;
    int nfit = 0, cap = r->n > r->ndraws ? r->n : r->ndraws;
    int *idx = malloc((size_t)(cap ? cap : 1) * sizeof *idx);
    double *col = malloc((size_t)(cap ? cap : 1) * sizeof *col);
    char s1[40];
    if (!idx || !col) {
        free(idx);
        free(col);
        return fs_err_set(err, FS_ENOMEM, "out of memory writing calibrate.md");
    }
    for (int k = 0; k < c->ntargets; k++)
        nfit += !c->targets[k].held_out;
    fputs("# Calibration: ", f);
    fs_md_put(f, c->name);
    fputs("\n\n", f);
    if (c->description) {
        fs_md_put(f, c->description);
        fputs("\n\n", f);
    }
    fprintf(f, "%d parameter%s of the base scenario ", c->nparams, c->nparams == 1 ? "" : "s");
    fs_md_put(f, c->base_name);
    fputs(" (", f);
    fs_md_put(f, base_name(c->base_path));
    fprintf(f, ") fitted to %d reported figure%s", nfit, nfit == 1 ? "" : "s");
    if (c->held >= 0) {
        fputs(", with ", f);
        fs_md_put(f, c->targets[c->held].name);
        fputs(" held out to check the fit", f);
    }
    const fs_abc_gen *last = &r->gen[r->ngen - 1];
    fmt(s1, sizeof s1, last->tolerance);
    fprintf(f, ", by ABC-SMC with %d particles and %ld run%s per particle (seed %llu). It "
            "stopped after %d generation%s because %s, having spent %ld runs",
            c->opts.particles, c->runs, c->runs == 1 ? "" : "s", (unsigned long long)c->seed,
            r->ngen, r->ngen == 1 ? "" : "s", stop_words(r->stop),
            (last->simulations + r->cut) * c->runs);
    if (r->cut > 0)
        fprintf(f, " (%ld of them in generation %d, cut short and not kept)", r->cut * c->runs,
                r->ngen);
    fprintf(f, ". The final tolerance is %s: an accepted run's figures differ from the "
            "reported ones by at most %s standard deviations (root mean square over the "
            "fitted targets).\n", s1, s1);
    if (nfit < c->nparams)
        fprintf(f, "\nThere are fewer fitted figures (%d) than parameters (%d): the figures "
                "cannot pin every parameter down, and some combinations of parameters will "
                "fit equally well.\n", nfit, c->nparams);
    brief_parameters(f, r, idx, col);
    brief_pairs(f, r);
    brief_predictive(f, r, col);
    brief_targets(f, c);
    brief_generations(f, r);
    fputs("\nThe weighted particles are in posterior.csv, the priors in priors.csv, the "
          "predictive draws in predictive.csv and the generations in generations.csv "
          "(docs/CALIBRATE.md). Reproduce with: foresight calibrate ", f);
    fs_md_put(f, base_name(c->path));
    if (c->held >= 0) {
        fputs(" --hold-out ", f);
        fs_md_put(f, c->targets[c->held].name);
    }
    fputs("\n", f);
    free(idx);
    free(col);
    return FS_OK;
}

fs_status fs_calib_write(const char *outdir, const fs_calib_result *r, fs_err *err)
{
    fs_outset *set = fs_outset_new(outdir, err);
    FILE *f;
    if (!set)
        return err->code;
#define OPEN(name) if ((f = fs_outset_open(set, name, err)) == NULL) goto fail
    OPEN("priors.csv");
    write_priors(f, r->c);
    OPEN("posterior.csv");
    write_posterior(f, r);
    OPEN("generations.csv");
    write_generations(f, r);
    OPEN("targets.csv");
    write_targets(f, r->c);
    OPEN("predictive.csv");
    write_predictive(f, r);
    OPEN("calibrate.md");
    if (write_brief(f, r, err) != FS_OK)
        goto fail;
#undef OPEN
    return fs_outset_commit(set, err);
fail:
    fs_outset_abort(set);
    return err->code;
}
