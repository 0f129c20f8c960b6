/* report_compare.c: the report of a compare directory (report_kind.h):
 * its three charts in briefing.md, their text alternatives from
 * compare.csv and the scenarios' run files, links to each scenario's own
 * report, and the footer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csvread.h"
#include "fsio.h"
#include "html.h"
#include "plot.h"
#include "report_kind.h"

typedef struct cmp {
    fs_csv *csv;             /* compare.csv */
    int col[11];             /* its columns, in the order of `cols` */
    int k;                   /* scenarios */
    size_t first[FS_MAX_COMPARE];   /* each scenario's first row */
    fs_plot_data *run[FS_MAX_COMPARE];
    char version[64];        /* meta.csv's, of the first scenario */
} cmp;

enum { C_SCENARIO, C_DIR, C_NAME, C_METRIC, C_KIND, C_VALUE, C_LO, C_HI, C_DIFF, C_DLO, C_DHI };
static const char *const cols[] = { "scenario", "dir", "name", "metric", "kind", "value",
                                    "lo95", "hi95", "diff", "diff_lo95", "diff_hi95" };

#define CMP(r) ((const cmp *)fs_report_data(r))
#define STR(c, i, k) fs_csv_str((c)->csv, (i), (c)->col[k])

static double num(const cmp *c, size_t i, int k)
{
    const char *s = STR(c, i, k);
    return *s ? strtod(s, NULL) : NAN;
}

static void release(void *data)
{
    cmp *c = data;
    int i;
    if (c == NULL)
        return;
    for (i = 0; i < c->k; i++)
        fs_plot_data_free(c->run[i]);
    fs_csv_free(c->csv);
    free(c);
}

/* meta.csv's version in dir, or "" (fs_plot_data does not keep it). */
static void read_version(const char *dir, char *out, size_t n)
{
    fs_csv *m = NULL;
    fs_err e;
    size_t i;
    out[0] = '\0';
    if (fs_csv_open_in(dir, "meta.csv", &m, &e) != FS_OK)
        return;
    for (i = 0; i < fs_csv_nrows(m) && fs_csv_ncols(m) >= 2; i++)
        if (strcmp(fs_csv_str(m, i, 0), "version") == 0)
            snprintf(out, n, "%s", fs_csv_str(m, i, 1));
    fs_csv_free(m);
}

static void *load(const char *dir, fs_err *err)
{
    cmp *c = calloc(1, sizeof *c);
    char sub[4096];
    size_t i;
    int s;

    if (c == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    if (fs_csv_open_in(dir, "compare.csv", &c->csv, err) != FS_OK ||
        fs_csv_require_all(c->csv, cols, c->col, 11, err) != FS_OK)
        goto fail;
    for (i = 0; i < fs_csv_nrows(c->csv); i++) {
        s = atoi(STR(c, i, C_SCENARIO));
        if (s != c->k || s >= FS_MAX_COMPARE)
            continue;
        c->first[c->k] = i;
        if (fs_path_join(sub, sizeof sub, dir, STR(c, i, C_DIR)) == NULL) {
            fs_err_set(err, FS_EUSAGE, "path too long: %s/%s", dir, STR(c, i, C_DIR));
            goto fail;
        }
        if ((c->run[c->k++] = fs_plot_data_load(sub, err)) == NULL)
            goto fail;
        if (c->k == 1)
            read_version(sub, c->version, sizeof c->version);
    }
    if (c->k == 0) {
        fs_err_set(err, FS_ECONFIG, "%s/compare.csv: no scenario in it", dir);
        goto fail;
    }
    return c;
fail:
    release(c);
    return NULL;
}

static fs_status draw(const char *dir, void *data, const fs_plot_opts *o, fs_err *err)
{
    (void)data;
    return fs_compare_plot(dir, o, 0, err);
}

static void d_threat(const fs_report *r, const char *chart, FILE *f)
{
    const cmp *c = CMP(r);
    int i, t;
    (void)chart;
    fputs("The regional threat index of each scenario by step, median with its 90% band. "
          "At the end: ", f);
    for (i = 0; i < c->k; i++) {
        const fs_band *b = &c->run[i]->region[FS_SERIES_THREAT_INDEX];
        for (t = c->run[i]->steps; t > 0 && isnan(b->p50[t]); t--)
            ;
        fprintf(f, "%s%s median ", i ? "; " : "", c->run[i]->name);
        fs_report_num(f, b->p50[t], 3);
        fputs(" (90% of runs between ", f);
        fs_report_num(f, b->p5[t], 3);
        fputs(" and ", f);
        fs_report_num(f, b->p95[t], 3);
        fputs(")", f);
    }
    fputs(".", f);
}

static void d_outcomes(const fs_report *r, const char *chart, FILE *f)
{
    const cmp *c = CMP(r);
    size_t i;
    int prev = -1;
    (void)chart;
    fputs("Outcome probabilities of each scenario, with 95% intervals. ", f);
    for (i = 0; i < fs_csv_nrows(c->csv); i++) {
        int s = atoi(STR(c, i, C_SCENARIO));
        if (strcmp(STR(c, i, C_KIND), "probability") != 0)
            continue;
        if (s != prev)
            fprintf(f, "%s%s: ", prev >= 0 ? ". " : "", STR(c, i, C_NAME));
        else
            fputs(", ", f);
        fprintf(f, "%s ", STR(c, i, C_METRIC));
        fs_report_pct(f, num(c, i, C_VALUE));
        fputs(" (", f);
        fs_report_pct(f, num(c, i, C_LO));
        fputs(" to ", f);
        fs_report_pct(f, num(c, i, C_HI));
        fputs(")", f);
        prev = s;
    }
    fputs(".", f);
}

static void d_diff(const fs_report *r, const char *chart, FILE *f)
{
    const cmp *c = CMP(r);
    size_t i;
    int n = 0;
    (void)chart;
    fputs("Paired differences of the outcome probabilities to the reference, in percentage "
          "points, with 95% intervals: ", f);
    for (i = 0; i < fs_csv_nrows(c->csv); i++) {
        double d = num(c, i, C_DIFF);
        if (strcmp(STR(c, i, C_KIND), "probability") != 0 || isnan(d))
            continue;
        fprintf(f, "%s%s, %s %+.1f (%+.1f to %+.1f)", n++ ? "; " : "", STR(c, i, C_NAME),
                STR(c, i, C_METRIC), 100 * d, 100 * num(c, i, C_DLO), 100 * num(c, i, C_DHI));
    }
    fputs(n ? "." : "none.", f);
}

/* Links to each scenario's own report. */
static void t_links(const fs_report *r, FILE *f)
{
    const cmp *c = CMP(r);
    int i;
    fputs("<p>Each scenario's own report:</p>\n<ul>\n", f);
    for (i = 0; i < c->k; i++) {
        const char *dir = STR(c, c->first[i], C_DIR);
        fputs("<li><a href=\"", f);
        fs_html_text(f, dir);
        fputs("/report.html\">", f);
        fs_html_text(f, STR(c, c->first[i], C_NAME));
        fputs("</a> (<code>", f);
        fs_html_text(f, dir);
        fputs("/report.html</code>)</li>\n", f);
    }
    fputs("</ul>\n", f);
}

static void footer(const fs_report *r, FILE *f)
{
    const cmp *c = CMP(r);
    char sub[4096];
    int i;

    fputs("<p>foresight ", f);
    fs_html_text(f, c->version);
    fprintf(f, ": %d scenarios, %.0f runs each over %d steps, seed ", c->k, c->run[0]->runs,
            c->run[0]->steps);
    fs_html_text(f, c->run[0]->seed);
    fputs(", common random numbers.</p>\n<p>To reproduce these numbers, in this directory: "
          "<code>foresight compare", f);
    for (i = 0; i < c->k; i++) {
        fputs(" ", f);
        fs_html_text(f, STR(c, c->first[i], C_DIR));
        fputs("/scenario.resolved.cfg", f);
    }
    fprintf(f, " -n %.0f -s ", c->run[0]->runs);
    fs_html_text(f, c->run[0]->seed);
    fputs(" -o again</code>.</p>\n<ul>\n", f);
    for (i = 0; i < c->k; i++) {
        snprintf(sub, sizeof sub, "%s/scenario.resolved.cfg", STR(c, c->first[i], C_DIR));
        fputs("<li>", f);
        fs_report_checksum(r, f, fs_report_dir(r), sub);
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
}

static const fs_report_item items[] = {
    { "compare_threat_index", "common random numbers", d_threat, NULL },
    { "compare_outcomes", "## Outcome probabilities", d_outcomes, NULL },
    { "compare_difference", "## Differences to the reference", d_diff, NULL },
    { NULL, "## Files", NULL, t_links },
};

const fs_report_kind fs_report_compare_kind = {
    "compare", "compare.csv", "briefing.md", items, (int)(sizeof items / sizeof items[0]),
    load, release, draw, footer
};
