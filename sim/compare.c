/* compare.c: compare.csv, the comparison briefing and its charts. */
#include "compare.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "briefing.h"
#include "csvread.h"
#include "fsio.h"
#include "mdtext.h"
#include "metrics.h"
#include "output.h"
#include "stats.h"


/* One headline of one scenario: value and interval; for i >= 1 the paired
 * difference to scenario 0 and its interval (NaN for scenario 0). */
typedef struct headline {
    double value, lo, hi, diff, dlo, dhi;
} headline;

static headline get_headline(const fs_engine *e, int i, int h)
{
    const fs_acc *acc = fs_engine_acc_of(e, i);
    const fs_moments *m = fs_acc_moments(acc, fs_headline_cell(fs_engine_layout_of(e, i), h));
    headline r;
    r.value = m->n > 0 ? m->mean : NAN;
    if (fs_headline_is_outcome(h)) {
        fs_wilson95(nearbyint(m->mean * m->n), m->n, &r.lo, &r.hi);
    } else {
        double se = m->n > 0 ? fs_moments_sd(m) / sqrt(m->n) : NAN;
        r.lo = r.value - FS_Z95 * se;
        r.hi = r.value + FS_Z95 * se;
    }
    r.diff = r.dlo = r.dhi = NAN;
    if (i > 0) {
        /* The mean of the paired differences, with a normal interval from
         * their own spread: common random numbers make it much narrower
         * than the difference of two independent estimates. */
        const fs_moments *d = fs_acc_moments(fs_engine_pairs(e), (i - 1) * fs_engine_pair_width(e) + h);
        double se = d->n > 0 ? fs_moments_sd(d) / sqrt(d->n) : NAN;
        r.diff = d->n > 0 ? d->mean : NAN;
        r.dlo = r.diff - FS_Z95 * se;
        r.dhi = r.diff + FS_Z95 * se;
    }
    return r;
}

/* ---- what makes compared scenarios unlike ---- */

typedef struct textbuf {
    char *p;
    size_t n, len;
    int lines;
} textbuf;

static void line_add(textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_add(textbuf *t, const char *fmt, ...)
{
    va_list ap;
    int w;
    if (t->len + 2 >= t->n)
        return;
    if (t->lines++ > 0)
        t->p[t->len++] = '\n', t->p[t->len] = '\0';
    va_start(ap, fmt);
    w = vsnprintf(t->p + t->len, t->n - t->len, fmt, ap);
    va_end(ap);
    t->len = w < 0 ? t->len : t->len + (size_t)w >= t->n ? t->n - 1 : t->len + (size_t)w;
}

/* The ids of a's actors that b lacks, space-separated, into buf. */
static int missing_actors(const fs_scenario *a, const fs_scenario *b, char *buf, size_t n)
{
    int i, count = 0;
    size_t len = 0;
    buf[0] = '\0';
    for (i = 0; i < a->nactors; i++) {
        if (fs_scenario_actor(b, a->actors[i].id) >= 0)
            continue;
        if (len + strlen(a->actors[i].id) + 2 < n)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", count ? " " : "",
                                    a->actors[i].id);
        count++;
    }
    return count;
}

static void unlike_outcomes(textbuf *t, const fs_scenario *a, const fs_scenario *b,
                            const char *fa, const char *fb)
{
    static const struct { const char *key; size_t off; } th[] = {
        {"escalation_ratio", offsetof(fs_outcomes, escalation_ratio)},
        {"failure_stability", offsetof(fs_outcomes, failure_stability)},
        {"fracture_drop", offsetof(fs_outcomes, fracture_drop)},
        {"contained_ratio", offsetof(fs_outcomes, contained_ratio)},
        {"mass_casualty", offsetof(fs_outcomes, mass_casualty)},
    };
    size_t j;
    for (j = 0; j < sizeof th / sizeof th[0]; j++) {
        double x = *(const double *)((const char *)&a->outcomes + th[j].off);
        double y = *(const double *)((const char *)&b->outcomes + th[j].off);
        if (x != y)
            line_add(t, "%s: outcomes.%s = %g, but %s has %g: the outcome is judged "
                     "differently in the two", fb, th[j].key, y, fa, x);
    }
}

int fs_compare_unlike(const fs_scenario *const *sc, const char *const *files, int k,
                      int seed_set, int runs_set, char *buf, size_t n)
{
    textbuf t = {buf, n, 0, 0};
    char ids[512];
    int i, m;
    if (n == 0)
        return 0;
    buf[0] = '\0';
    for (i = 1; i < k; i++) {
        if ((m = missing_actors(sc[0], sc[i], ids, sizeof ids)) > 0)
            line_add(&t, "%s lacks actor%s %s of %s: its regional figures "
                     "(threat index, cohesion, outcomes) cover other actors", files[i],
                     m > 1 ? "s" : "", ids, files[0]);
        if ((m = missing_actors(sc[i], sc[0], ids, sizeof ids)) > 0)
            line_add(&t, "%s has actor%s %s that %s lacks: its regional figures "
                     "(threat index, cohesion, outcomes) cover other actors", files[i],
                     m > 1 ? "s" : "", ids, files[0]);
        unlike_outcomes(&t, sc[0], sc[i], files[0], files[i]);
        if (!seed_set && sc[i]->seed != sc[0]->seed)
            line_add(&t, "%s: seed = %llu is replaced by %s's %llu: compared scenarios "
                     "share one seed (give --seed to choose it)", files[i],
                     (unsigned long long)sc[i]->seed, files[0],
                     (unsigned long long)sc[0]->seed);
        if (!runs_set && sc[i]->runs != sc[0]->runs)
            line_add(&t, "%s: runs = %ld is replaced by %s's %ld: compared scenarios "
                     "share one run count (give -n to choose it)", files[i], sc[i]->runs,
                     files[0], sc[0]->runs);
    }
    return t.lines;
}

static void num(FILE *f, double x)
{
    fputc(',', f);
    if (isfinite(x))
        fprintf(f, "%.10g", x == 0.0 ? 0.0 : x);
}

fs_status fs_compare_write_csv(FILE *f, const fs_scenario *const *sc, const char *const *dirs,
                               int k, const fs_engine *e, fs_err *err)
{
    int i, h;
    fputs("scenario,dir,name,metric,kind,value,lo95,hi95,diff,diff_lo95,diff_hi95\n", f);
    for (i = 0; i < k; i++) {
        for (h = 0; h < FS_HEAD_N; h++) {
            headline r = get_headline(e, i, h);
            fprintf(f, "%d,", i);
            fs_csv_field(f, dirs[i]);
            fputc(',', f);
            fs_csv_field(f, sc[i]->name);
            fprintf(f, ",%s,%s", fs_headline_name(h),
                    fs_headline_is_outcome(h) ? "probability" : "mean");
            num(f, r.value), num(f, r.lo), num(f, r.hi);
            num(f, r.diff), num(f, r.dlo), num(f, r.dhi);
            fputc('\n', f);
        }
    }
    if (ferror(f))
        return fs_err_set(err, FS_EIO, "cannot write compare.csv");
    return FS_OK;
}

static void pct(FILE *f, double p)
{
    fprintf(f, "%.1f%%", fs_percent(p));
}

/* "lower" or "higher" where the run briefing would put the difference in
 * words (fs_briefing_effect_material), "clear but small" where the
 * interval excludes zero but it would not, else "no clear difference". */
static const char *verdict(const fs_effect *x)
{
    if (!(x->lo95 > 0.0 || x->hi95 < 0.0))
        return "no clear difference";
    if (!fs_briefing_effect_material(x))
        return x->outcome ? "clear but under half a point" : "clear but under 1%";
    return x->effect < 0.0 ? "lower" : "higher";
}

static void outcome_table(FILE *f, const fs_scenario *const *sc, int k, const fs_engine *e)
{
    static const char *const cols[FS_HEAD_ATTACKS] = {"Escalation", "Fracture", "Contained",
                                                      "Mass-casualty attack"};
    int i, h;
    fputs("| scenario |", f);
    for (h = 0; h < FS_HEAD_ATTACKS; h++)
        fprintf(f, " %s |", cols[h]);
    fputs("\n| --- |", f);
    for (h = 0; h < FS_HEAD_ATTACKS; h++)
        fputs(" --- |", f);
    fputc('\n', f);
    for (i = 0; i < k; i++) {
        fprintf(f, "| %s |", sc[i]->name);
        for (h = 0; h < FS_HEAD_ATTACKS; h++) {
            headline r = get_headline(e, i, h);
            fputc(' ', f), pct(f, r.value), fputs(" (", f), pct(f, r.lo), fputs("-", f);
            pct(f, r.hi), fputs(") |", f);
        }
        fputc('\n', f);
    }
}

/* ---- every pair of scenarios ---- */

/* Headline h's paired difference, scenario j minus scenario i, with its
 * 95% interval; the mean cost difference; and where the costs differ, the
 * difference per unit of cost with a delta-method 95% interval (NaN
 * otherwise, and for the cost itself). */
typedef struct pairstat {
    double diff, lo, hi, dcost, per, plo, phi;
} pairstat;

/* Whether the mean cost difference of two scenarios is one: not zero, and
 * its interval excludes zero. */
static int costs_differ(const fs_moments *c)
{
    double se = c->n > 1 ? fs_moments_sd(c) / sqrt(c->n) : 0.0;
    return c->n > 0 && c->mean != 0.0 && fabs(c->mean) > FS_Z95 * se;
}

static pairstat pair_of(const fs_moments *d, const fs_moments *c, const fs_moments *sum,
                        int h)
{
    pairstat p;
    double sd = d->n > 0 ? fs_moments_sd(d) : NAN;
    p.diff = d->n > 0 ? d->mean : NAN;
    p.lo = p.diff - FS_Z95 * sd / sqrt(d->n);
    p.hi = p.diff + FS_Z95 * sd / sqrt(d->n);
    p.dcost = c->n > 0 ? c->mean : NAN;
    p.per = p.plo = p.phi = NAN;
    if (h != FS_HEAD_COST && costs_differ(c)) {
        /* R = mean(dE) / mean(dC); by the delta method its variance is
         * var(dE - R dC) / (n mean(dC)^2), with cov(dE, dC) from the
         * spread of dE + dC: (var(dE + dC) - var(dE) - var(dC)) / 2. */
        double vE = sd * sd, vC = fs_moments_sd(c) * fs_moments_sd(c);
        double vS = fs_moments_sd(sum) * fs_moments_sd(sum), cov = 0.5 * (vS - vE - vC);
        double r = p.diff / p.dcost, v = (vE - 2.0 * r * cov + r * r * vC);
        double se = sqrt((v > 0.0 ? v : 0.0) / d->n) / fabs(p.dcost);
        p.per = r, p.plo = r - FS_Z95 * se, p.phi = r + FS_Z95 * se;
    }
    return p;
}

static pairstat get_pair(const fs_engine *e, int i, int j, int h)
{
    if (i > j) {
        /* The engine pairs i < j: the other way round is its negative. */
        pairstat q = get_pair(e, j, i, h), p = q;
        p.diff = -q.diff, p.lo = -q.hi, p.hi = -q.lo, p.dcost = -q.dcost;
        return p;
    }
    return pair_of(fs_engine_cross(e, i, j, h, 0), fs_engine_cross(e, i, j, FS_HEAD_COST, 0),
                   fs_engine_cross(e, i, j, h, 1), h);
}

fs_status fs_compare_write_pairs(FILE *f, const fs_scenario *const *sc, int k,
                                 const fs_engine *e, fs_err *err)
{
    int i, j, h;
    fputs("a,b,name_a,name_b,metric,kind,diff,diff_lo95,diff_hi95,cost_diff,per_cost,"
          "per_cost_lo95,per_cost_hi95\n", f);
    for (i = 0; i < k; i++)
        for (j = i + 1; j < k; j++)
            for (h = 0; h < FS_HEAD_N; h++) {
                pairstat p = get_pair(e, i, j, h);
                fprintf(f, "%d,%d,", i, j);
                fs_csv_field(f, sc[i]->name);
                fputc(',', f);
                fs_csv_field(f, sc[j]->name);
                fprintf(f, ",%s,%s", fs_headline_name(h),
                        fs_headline_is_outcome(h) ? "probability" : "mean");
                num(f, p.diff), num(f, p.lo), num(f, p.hi), num(f, p.dcost);
                num(f, p.per), num(f, p.plo), num(f, p.phi);
                fputc('\n', f);
            }
    if (ferror(f))
        return fs_err_set(err, FS_EIO, "cannot write compare_pairs.csv");
    return FS_OK;
}

/* The effect of scenario j against scenario i on headline h, as the run
 * briefing's effects are (with = j, without = i). */
static fs_effect pair_effect(const fs_engine *e, int i, int j, int h, pairstat *p)
{
    fs_effect x;
    *p = get_pair(e, i, j, h);
    memset(&x, 0, sizeof x);
    x.metric = fs_headline_name(h);
    x.a = x.b = -1;
    x.outcome = fs_headline_is_outcome(h);
    x.with = get_headline(e, j, h).value, x.without = get_headline(e, i, h).value;
    x.effect = p->diff, x.lo95 = p->lo, x.hi95 = p->hi;
    return x;
}

/* "-0.37 points per unit of cost (95% interval -0.52 to -0.22)". */
static void per_cost(FILE *f, const pairstat *p, int outcome)
{
    fs_effect y;
    memset(&y, 0, sizeof y);
    y.outcome = outcome;
    y.effect = p->per, y.lo95 = p->plo, y.hi95 = p->phi;
    if (outcome) {
        /* Points per unit: as many decimals as the interval carries. */
        double hw = 50.0 * (p->phi - p->plo);
        int d = hw > 0.0 ? 1 - (int)floor(log10(hw)) : 3;
        d = d < 1 ? 1 : d > 6 ? 6 : d;
        fprintf(f, "%+.*f points per unit of cost (95%% interval %+.*f to %+.*f)", d,
                100.0 * p->per, d, 100.0 * p->plo, d, 100.0 * p->phi);
        return;
    }
    fs_briefing_effect_amount(f, &y);
    fputs(" per unit of cost", f);
}

static void difference_lines(FILE *f, const fs_scenario *const *sc, int i, int j,
                             const fs_engine *e)
{
    int h;
    fprintf(f, "\n**%s** against **%s**:\n\n", sc[j]->name, sc[i]->name);
    for (h = 0; h < FS_HEAD_N; h++) {
        pairstat p;
        fs_effect x = pair_effect(e, i, j, h, &p);
        const char *what = fs_briefing_headline_label(fs_headline_name(h));
        if (x.outcome && x.with == 0.0 && x.without == 0.0) {
            fprintf(f, "- %c%s: in no run of either scenario.\n", toupper((unsigned char)what[0]),
                    what + 1);
            continue;
        }
        fprintf(f, "- %c%s: ", toupper((unsigned char)what[0]), what + 1);
        fs_briefing_effect_amount(f, &x);
        fprintf(f, ": %s", verdict(&x));
        if (isfinite(p.per) && (x.lo95 > 0.0 || x.hi95 < 0.0)) {
            fputs("; ", f);
            per_cost(f, &p, x.outcome);
        }
        fputs(".\n", f);
    }
}

/* Whether a lower value of headline h is the better one. */
static int lower_is_better(int h)
{
    return !(h == FS_HEAD_CONTAINED || h == FS_HEAD_COHESION_FINAL ||
             h == FS_HEAD_MIN_MEMBER_STABILITY);
}

/* The best and the next best scenario on headline h by their values. */
static void rank_two(const fs_engine *e, int k, int h, int *best, int *next)
{
    int i, sign = lower_is_better(h) ? 1 : -1;
    *best = 0, *next = 1;
    for (i = 0; i < k; i++) {
        double v = sign * get_headline(e, i, h).value;
        if (v < sign * get_headline(e, *best, h).value) {
            *next = *best, *best = i;
        } else if (i != *best && (*next == *best ||
                                  v < sign * get_headline(e, *next, h).value)) {
            *next = i;
        }
    }
    if (*next == *best)
        *next = *best == 0 ? 1 : 0;
}

static void value(FILE *f, int h, double v)
{
    if (fs_headline_is_outcome(h))
        pct(f, v);
    else
        fprintf(f, "%.3g", v);
}

/* One sentence: which scenario does best on headline h, by how much over
 * the next best (paired), and at what mechanism cost. */
static void best_line(FILE *f, const fs_scenario *const *sc, int k, const fs_engine *e, int h)
{
    const char *what = fs_briefing_headline_label(fs_headline_name(h));
    int b, n, i, any = 0;
    pairstat p;
    fs_effect x;
    for (i = 0; i < k; i++)
        any |= get_headline(e, i, h).value != 0.0;
    fprintf(f, "- %c%s: ", toupper((unsigned char)what[0]), what + 1);
    if (fs_headline_is_outcome(h) && !any) {
        fputs("in no run of any scenario.\n", f);
        return;
    }
    rank_two(e, k, h, &b, &n);
    x = pair_effect(e, n, b, h, &p);   /* best minus next */
    if (!(x.lo95 > 0.0 || x.hi95 < 0.0)) {
        fprintf(f, "no scenario clearly does better: the best, **%s** (", sc[b]->name);
        value(f, h, x.with);
        fprintf(f, "), and the next, **%s** (", sc[n]->name);
        value(f, h, x.without);
        fputs("), differ by ", f);
        fs_briefing_effect_amount(f, &x);
        fputs(".\n", f);
        return;
    }
    fprintf(f, "**%s** does best (", sc[b]->name);
    value(f, h, x.with);
    fputs("), ", f);
    fs_briefing_effect_amount(f, &x);
    fprintf(f, " against the next best, **%s**%s", sc[n]->name,
            fs_briefing_effect_material(&x) ? ""
            : x.outcome ? " (clear, but under half a point)" : " (clear, but under 1%)");
    if (h == FS_HEAD_COST)
        fputs(".\n", f);
    else if (!isfinite(p.per))
        fputs(", at the same mechanism cost.\n", f);
    else if (p.dcost < 0.0)
        fprintf(f, ", and costs %.3g less in mechanisms.\n", -p.dcost);
    else {
        fprintf(f, ", and costs %.3g more in mechanisms: ", p.dcost);
        per_cost(f, &p, x.outcome);
        fputs(".\n", f);
    }
}

static fs_status write_briefing(FILE *f, const fs_scenario *const *sc,
                                const char *const *dirs, int k, const fs_engine *e,
                                const char *unlike, fs_err *err)
{
    int i, j, h;
    fprintf(f, "# Comparison: %s", sc[0]->name);
    for (i = 1; i < k; i++)
        fprintf(f, " vs %s", sc[i]->name);
    fputs("\n\n", f);
    for (i = 0; i < k; i++)
        if (sc[i]->question[0])
            fprintf(f, "- **%s** asks: %s\n", sc[i]->name, sc[i]->question);
    if (unlike && unlike[0]) {
        const char *p = unlike, *nl;
        fputs("\n**The scenarios are not alike**, so some differences below come from "
              "what they are, not what they do:\n\n", f);
        for (; p; p = nl ? nl + 1 : NULL) {
            nl = strchr(p, '\n');
            fprintf(f, "- %.*s.\n", nl ? (int)(nl - p) : (int)strlen(p), p);
        }
    }
    fprintf(f, "\nEvery scenario ran %ld runs over %d %ss with seed %llu, and run i of every "
            "scenario drew from the same random stream (common random numbers), so the "
            "differences below are paired run by run: they measure what the scenarios "
            "change, not the luck of the draw. Intervals are 95%%: Wilson for each "
            "probability, normal for means and paired differences.\n\n",
            sc[0]->runs, sc[0]->steps, sc[0]->step_unit, (unsigned long long)sc[0]->seed);
    fputs("## Outcome probabilities\n\n", f);
    outcome_table(f, sc, k, e);
    fputs("\n## Which does better\n\nOn each headline, the scenario with the best value "
          "against the next best: their paired difference with its 95% interval, and what "
          "the gain costs in mechanism cost (per unit of cost where the costs differ).\n\n", f);
    for (h = 0; h < FS_HEAD_N; h++)
        best_line(f, sc, k, e, h);
    fputs("\n## Differences to the reference\n\nEach line: the mean paired difference, "
          "run by run, to the reference scenario, with its 95% interval (outcomes in "
          "percentage points), and where the mechanism costs differ and the difference is "
          "clear, the difference per unit of cost.\n", f);
    for (i = 1; i < k; i++)
        difference_lines(f, sc, 0, i, e);
    if (k > 2)
        fputs("\n## Between the variants\n\nThe same for every other pair "
              "(compare_pairs.csv holds every pair).\n", f);
    for (i = 1; i < k; i++)
        for (j = i + 1; j < k; j++)
            difference_lines(f, sc, i, j, e);
    fputs("\n## Files\n\nNumbers: compare.csv. Each scenario's own run, with its briefing "
          "and charts, is in its directory:", f);
    for (i = 0; i < k; i++)
        fputc(' ', f), fs_md_put(f, dirs[i]), fputc('/', f);
    fputs(". Charts: compare_threat_index, compare_outcomes, compare_difference.\n", f);
    if (ferror(f))
        return fs_err_set(err, FS_EIO, "cannot write briefing.md: %s",
                          strerror(errno ? errno : EIO));
    return FS_OK;
}

fs_status fs_compare_write_briefing(FILE *f, const fs_scenario *const *sc,
                                    const char *const *dirs, int k, const fs_engine *e,
                                    const char *unlike, fs_err *err)
{
    /* The scenarios' texts are data, shown as they are (mdtext.h). */
    fs_scenario *v[FS_MAX_COMPARE] = {0};
    fs_status st = FS_OK;
    int i;

    for (i = 0; i < k; i++)
        if ((v[i] = fs_scenario_text_view(sc[i], fs_md_text)) == NULL)
            st = fs_err_set(err, FS_ENOMEM, "out of memory writing briefing.md");
    if (st == FS_OK)
        st = write_briefing(f, (const fs_scenario *const *)v, dirs, k, e, unlike, err);
    for (i = 0; i < k; i++)
        fs_scenario_view_free(v[i]);
    return st;
}

int fs_compare_is_dir(const char *dir)
{
    char path[4096];
    return fs_path_join(path, sizeof path, dir, "compare.csv") != NULL &&
           access(path, F_OK) == 0;
}

/* What compare.csv says: scenario directories in order, and the outcome
 * differences for the difference chart. */
typedef struct compare_data {
    int k;
    char *dirs[FS_MAX_COMPARE];
    char *names[FS_MAX_COMPARE];
    int ndiff;
    fs_plot_diff diff[FS_MAX_COMPARE * FS_HEAD_N];
    char labels[FS_MAX_COMPARE * FS_HEAD_N][64];
} compare_data;

static void compare_data_free(compare_data *c)
{
    int i;
    for (i = 0; i < c->k; i++) {
        free(c->dirs[i]);
        free(c->names[i]);
    }
}

static fs_status read_compare(const char *dir, compare_data *c, fs_err *err)
{
    char path[4096];
    fs_csv *csv;
    int col[8];
    static const char *names[8] = {"scenario", "dir", "name", "metric", "kind", "diff",
                                   "diff_lo95", "diff_hi95"};
    size_t r;
    int j;
    fs_status st = FS_OK;

    memset(c, 0, sizeof *c);
    if (fs_path_join(path, sizeof path, dir, "compare.csv") == NULL)
        return fs_err_set(err, FS_EUSAGE, "directory name too long: %s", dir);
    if ((csv = fs_csv_read(path, err)) == NULL)
        return err->code;
    for (j = 0; j < 8; j++)
        if ((st = fs_csv_require(csv, names[j], &col[j], err)) != FS_OK)
            goto done;
    for (r = 0; r < fs_csv_nrows(csv); r++) {
        double idx, v[3];
        if ((st = fs_csv_num_req(csv, r, col[0], &idx, err)) != FS_OK)
            goto done;
        if (idx < 0 || idx >= FS_MAX_COMPARE || idx != floor(idx) || idx > c->k) {
            st = fs_csv_error(csv, r, col[0], err, "expected scenarios numbered 0, 1, ... "
                              "in order (at most %d)", FS_MAX_COMPARE);
            goto done;
        }
        if (idx == c->k) {
            const char *d = fs_csv_str(csv, r, col[1]);
            if (d[0] == '\0' || strchr(d, '/') || strcmp(d, "..") == 0 || strcmp(d, ".") == 0) {
                st = fs_csv_error(csv, r, col[1], err, "expected a subdirectory name");
                goto done;
            }
            c->dirs[c->k] = strdup(d);
            c->names[c->k] = strdup(fs_csv_str(csv, r, col[2]));
            c->k++;
            if (!c->dirs[c->k - 1] || !c->names[c->k - 1]) {
                st = fs_err_set(err, FS_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
        }
        if (idx == 0 || strcmp(fs_csv_str(csv, r, col[4]), "probability") != 0)
            continue;
        for (j = 0; j < 3; j++)
            if ((st = fs_csv_num(csv, r, col[5 + j], &v[j], err)) != FS_OK)
                goto done;
        if (c->ndiff < FS_MAX_COMPARE * FS_HEAD_N) {
            fs_plot_diff *d = &c->diff[c->ndiff];
            /* The outcome's identifier; the chart names it in words. */
            snprintf(c->labels[c->ndiff], sizeof c->labels[0], "%s",
                     fs_csv_str(csv, r, col[3]));
            d->metric = c->labels[c->ndiff];
            d->scenario = (int)idx;
            d->diff = 100 * v[0], d->lo = 100 * v[1], d->hi = 100 * v[2];
            c->ndiff++;
        }
    }
    if (c->k < 2)
        st = fs_csv_error(csv, fs_csv_nrows(csv) ? fs_csv_nrows(csv) - 1 : 0, col[0], err,
                          "expected at least two scenarios");
done:
    fs_csv_free(csv);
    if (st != FS_OK)
        compare_data_free(c);
    return st;
}

fs_status fs_compare_plot(const char *dir, const fs_plot_opts *opts, int runs_too, fs_err *err)
{
    compare_data c;
    fs_plot_data *runs[FS_MAX_COMPARE] = {0};
    fs_plot_opts o = *opts;
    char sub[4096], out[4096];
    const char *ext, *outdir = opts->outdir ? opts->outdir : dir;
    const char *names[FS_MAX_COMPARE];
    fs_status st;
    int i;

    if ((st = read_compare(dir, &c, err)) != FS_OK)
        return st;
    for (i = 0; i < c.k; i++) {
        names[i] = c.names[i];
        if (fs_path_join(sub, sizeof sub, dir, c.dirs[i]) == NULL) {
            st = fs_err_set(err, FS_EUSAGE, "path too long: %s/%s", dir, c.dirs[i]);
            goto done;
        }
        if ((runs[i] = fs_plot_data_load(sub, err)) == NULL) {
            st = err->code;
            goto done;
        }
        if (runs_too) {
            /* Into the scenario's own directory, or its namesake under
             * OUTDIR (created as needed). */
            char osub[4096];
            o.outdir = NULL;
            if (opts->outdir) {
                if (fs_path_join(osub, sizeof osub, opts->outdir, c.dirs[i]) == NULL) {
                    st = fs_err_set(err, FS_EUSAGE, "path too long: %s/%s", opts->outdir,
                                    c.dirs[i]);
                    goto done;
                }
                o.outdir = osub;
            }
            if ((st = fs_plot_data_draw(runs[i], &o, err)) != FS_OK) {
                /* The chart names the scenario's directory; plot of the
                 * compare directory redraws them all. */
                if (st == FS_EINTR)
                    fs_err_set(err, FS_EINTR, "interrupted while drawing the charts; the "
                               "CSV files are complete: draw the charts with 'foresight "
                               "plot %s'", dir);
                goto done;
            }
        }
    }
    o = *opts;
    if (opts->outdir && (st = fs_mkdir_p(opts->outdir, err)) != FS_OK)
        goto done;
    ext = fs_chart_format_ext(opts->format);
#define OUT(base) (snprintf(out, sizeof out, "%s/%s.%s", outdir, base, ext), out)
    if ((st = fs_plot_compare_threat(OUT("compare_threat_index"),
                                     (const fs_plot_data *const *)runs, c.k, &o, err)) != FS_OK ||
        (st = fs_plot_compare_outcomes(OUT("compare_outcomes"),
                                       (const fs_plot_data *const *)runs, c.k, &o, err)) != FS_OK ||
        (st = fs_plot_compare_diff(OUT("compare_difference"),
                                   "Outcome probabilities: difference to the reference",
                                   "Difference to the reference, in percentage points", NULL,
                                   NULL, names, c.k, (const fs_plot_data *const *)runs, c.diff,
                                   c.ndiff, 0, &o, err)) != FS_OK)
        goto done;
#undef OUT
done:
    for (i = 0; i < c.k; i++)
        fs_plot_data_free(runs[i]);
    compare_data_free(&c);
    return st;
}
