/* compare.c: compare.csv, the comparison briefing and its charts. */
#include "compare.h"

#include <ctype.h>
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

static void difference_lines(FILE *f, const fs_scenario *const *sc, int i, const fs_engine *e)
{
    int h;
    fprintf(f, "\n**%s** against **%s**:\n\n", sc[i]->name, sc[0]->name);
    for (h = 0; h < FS_HEAD_N; h++) {
        headline r = get_headline(e, i, h), r0 = get_headline(e, 0, h);
        fs_effect x;
        const char *what = fs_briefing_headline_label(fs_headline_name(h));
        if (fs_headline_is_outcome(h) && r.value == 0.0 && r0.value == 0.0) {
            fprintf(f, "- %c%s: in no run of either scenario.\n", toupper((unsigned char)what[0]),
                    what + 1);
            continue;
        }
        memset(&x, 0, sizeof x);
        x.metric = fs_headline_name(h);
        x.a = x.b = -1;
        x.outcome = fs_headline_is_outcome(h);
        x.with = r.value, x.without = r0.value;
        x.effect = r.diff, x.lo95 = r.dlo, x.hi95 = r.dhi;
        fprintf(f, "- %c%s: ", toupper((unsigned char)what[0]), what + 1);
        fs_briefing_effect_amount(f, &x);
        fprintf(f, ": %s.\n", verdict(&x));
    }
}

static fs_status write_briefing(FILE *f, const fs_scenario *const *sc,
                                const char *const *dirs, int k, const fs_engine *e,
                                fs_err *err)
{
    int i;
    fprintf(f, "# Comparison: %s", sc[0]->name);
    for (i = 1; i < k; i++)
        fprintf(f, " vs %s", sc[i]->name);
    fputs("\n\n", f);
    for (i = 0; i < k; i++)
        if (sc[i]->question[0])
            fprintf(f, "- **%s** asks: %s\n", sc[i]->name, sc[i]->question);
    fprintf(f, "\nEvery scenario ran %ld runs over %d %ss with seed %llu, and run i of every "
            "scenario drew from the same random stream (common random numbers), so the "
            "differences below are paired run by run: they measure what the scenarios "
            "change, not the luck of the draw. Intervals are 95%%: Wilson for each "
            "probability, normal for means and paired differences.\n\n",
            sc[0]->runs, sc[0]->steps, sc[0]->step_unit, (unsigned long long)sc[0]->seed);
    fputs("## Outcome probabilities\n\n", f);
    outcome_table(f, sc, k, e);
    fputs("\n## Differences to the reference\n\nEach line: the mean paired difference, "
          "run by run, to the reference scenario, with its 95% interval (outcomes in "
          "percentage points).\n", f);
    for (i = 1; i < k; i++)
        difference_lines(f, sc, i, e);
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
                                    fs_err *err)
{
    /* The scenarios' texts are data, shown as they are (mdtext.h). */
    fs_scenario *v[FS_MAX_COMPARE] = {0};
    fs_status st = FS_OK;
    int i;

    for (i = 0; i < k; i++)
        if ((v[i] = fs_scenario_text_view(sc[i], fs_md_text)) == NULL)
            st = fs_err_set(err, FS_ENOMEM, "out of memory writing briefing.md");
    if (st == FS_OK)
        st = write_briefing(f, (const fs_scenario *const *)v, dirs, k, e, err);
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
                                   "Difference to the reference, in percentage points", NULL, names,
                                   c.k, (const fs_plot_data *const *)runs, c.diff, c.ndiff, &o,
                                   err)) != FS_OK)
        goto done;
#undef OUT
done:
    for (i = 0; i < c.k; i++)
        fs_plot_data_free(runs[i]);
    compare_data_free(&c);
    return st;
}
