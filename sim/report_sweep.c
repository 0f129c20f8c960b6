/* report_sweep.c: the report of a sweep directory (report_kind.h): each
 * output's charts at the end of its section of sweep.md, their text
 * alternatives from sensitivity.csv, tornado.csv and sweep.csv, and the
 * footer, which names the sweep file from checkpoint/resume.cfg. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libconfig.h>

#include "csvread.h"
#include "fsio.h"
#include "html.h"
#include "plot_discover.h"
#include "plot_sweep.h"
#include "report_kind.h"

typedef struct swp {
    fs_csv *outputs, *params, *sens, *tornado, *points;
} swp;

#define SWP(r) ((const swp *)fs_report_data(r))

static void release(void *data)
{
    swp *s = data;
    if (s == NULL)
        return;
    fs_csv_free(s->outputs);
    fs_csv_free(s->params);
    fs_csv_free(s->sens);
    fs_csv_free(s->tornado);
    fs_csv_free(s->points);
    free(s);
}

static void *load(const char *dir, fs_err *err)
{
    swp *s = calloc(1, sizeof *s);
    if (s == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    if (fs_csv_open_in(dir, "sweep_outputs.csv", &s->outputs, err) != FS_OK ||
        fs_csv_open_in(dir, "sweep_params.csv", &s->params, err) != FS_OK ||
        fs_csv_open_in(dir, "sensitivity.csv", &s->sens, err) != FS_OK ||
        fs_csv_open_in(dir, "tornado.csv", &s->tornado, err) != FS_OK ||
        fs_csv_open_in(dir, "sweep.csv", &s->points, err) != FS_OK) {
        release(s);
        return NULL;
    }
    return s;
}

static fs_status draw(const char *dir, void *data, const fs_plot_opts *o, fs_err *err)
{
    fs_status st;
    (void)data;
    if ((st = fs_plot_sweep_dir(dir, o, err)) != FS_OK || !fs_plot_discover_present(dir))
        return st;
    return fs_plot_discover_dir(dir, o, err);
}

/* The output whose file-name form is the chart name after its first '_'
 * (plot_sweep.h), or NULL. */
static const char *output_of(const swp *s, const char *chart)
{
    const char *suffix = strchr(chart, '_');
    char buf[FS_SWEEP_CHART_NAME_MAX];
    size_t i;
    int col = fs_csv_col(s->outputs, "name");
    if (suffix == NULL || col < 0)
        return NULL;
    for (i = 0; i < fs_csv_nrows(s->outputs); i++) {
        const char *name = fs_csv_str(s->outputs, i, col);
        fs_plot_sweep_safe_name(name, buf, sizeof buf);
        if (strcmp(buf, suffix + 1) == 0)
            return name;
    }
    return NULL;
}

static double num(const fs_csv *c, size_t i, int col)
{
    const char *s = col >= 0 ? fs_csv_str(c, i, col) : "";
    return *s ? strtod(s, NULL) : NAN;
}

#define COL(c, name) fs_csv_col((c), (name))
#define G3(x) fs_report_num(f, (x), 3)

static void d_tornado(const fs_report *r, const char *chart, FILE *f)
{
    const swp *s = SWP(r);
    const fs_csv *t = s->tornado;
    const char *out = output_of(s, chart);
    int po = COL(t, "output"), pp = COL(t, "parameter");
    size_t i;
    int n = 0;
    fprintf(f, "One-at-a-time swings of %s, each parameter from its low to its high setting "
            "with the others at their base values: ", out ? out : chart);
    for (i = 0; out && po >= 0 && pp >= 0 && i < fs_csv_nrows(t); i++) {
        if (strcmp(fs_csv_str(t, i, po), out) != 0)
            continue;
        fprintf(f, "%s%s from ", n++ ? "; " : "", fs_csv_str(t, i, pp));
        G3(num(t, i, COL(t, "at_low")));
        fputs(" at ", f);
        G3(num(t, i, COL(t, "low_setting")));
        fputs(" to ", f);
        G3(num(t, i, COL(t, "at_high")));
        fputs(" at ", f);
        G3(num(t, i, COL(t, "high_setting")));
        fputs(" (swing ", f);
        G3(num(t, i, COL(t, "swing")));
        fputs(")", f);
    }
    fputs(n ? "." : "no rows in tornado.csv.", f);
}

/* The rows of sensitivity.csv for the chart's output and method. */
static void d_indices(const fs_report *r, const char *chart, FILE *f)
{
    const swp *s = SWP(r);
    const fs_csv *t = s->sens;
    const char *out = output_of(s, chart);
    const char *method = strncmp(chart, "sobol_", 6) == 0 ? "sobol" : "morris";
    int po = COL(t, "output"), pm = COL(t, "method"), pp = COL(t, "parameter");
    int pi = COL(t, "index");
    size_t i;
    int n = 0;
    fprintf(f, "%s indices of %s by parameter, with 95%% intervals: ",
            method[0] == 's' ? "Sobol" : "Morris", out ? out : chart);
    for (i = 0; out && po >= 0 && pm >= 0 && pp >= 0 && pi >= 0 && i < fs_csv_nrows(t); i++) {
        if (strcmp(fs_csv_str(t, i, po), out) != 0 || strcmp(fs_csv_str(t, i, pm), method))
            continue;
        fprintf(f, "%s%s %s ", n++ ? "; " : "", fs_csv_str(t, i, pp), fs_csv_str(t, i, pi));
        fs_report_interval(f, num(t, i, COL(t, "estimate")), num(t, i, COL(t, "lo95")),
                           num(t, i, COL(t, "hi95")));
    }
    fputs(n ? "." : "none in sensitivity.csv.", f);
}

/* heatmap_ and scatter_: the output over the design's points. */
static void d_points(const fs_report *r, const char *chart, FILE *f)
{
    const swp *s = SWP(r);
    const fs_csv *t = s->points;
    const char *out = output_of(s, chart);
    int col = out ? COL(t, out) : -1, pp = COL(s->params, "path");
    double lo = NAN, hi = NAN, v;
    size_t i;
    for (i = 0; col >= 0 && i < fs_csv_nrows(t); i++)
        if (!isnan(v = num(t, i, col))) {
            lo = isnan(lo) || v < lo ? v : lo;
            hi = isnan(hi) || v > hi ? v : hi;
        }
    fprintf(f, "%s against %s at each of the %zu points of the design (sweep.csv): it ranges "
            "from ", out ? out : chart,
            strncmp(chart, "heatmap_", 8) == 0 ? "the two parameters of the grid"
                                               : "each parameter, one panel each,",
            fs_csv_nrows(t));
    G3(lo);
    fputs(" to ", f);
    G3(hi);
    fputs(". Parameters: ", f);
    for (i = 0; pp >= 0 && i < fs_csv_nrows(s->params); i++)
        fprintf(f, "%s%s", i ? ", " : "", fs_csv_str(s->params, i, pp));
    fputs(".", f);
}

/* The sweep file and the --set options from checkpoint/resume.cfg. */
static void command(const fs_report *r, FILE *f, char *file, size_t n)
{
    char path[4096];
    config_t cf;
    const char *sweep = NULL;
    config_setting_t *sets;
    int i;

    file[0] = '\0';
    config_init(&cf);
    if (fs_path_join(path, sizeof path, fs_report_dir(r), "checkpoint/resume.cfg") &&
        config_read_file(&cf, path) == CONFIG_TRUE &&
        config_lookup_string(&cf, "sweep", &sweep) == CONFIG_TRUE) {
        snprintf(file, n, "%s", sweep);
        fputs("<code>foresight sweep ", f);
        fs_html_text(f, sweep);
        sets = config_lookup(&cf, "sets");
        for (i = 0; sets && i < config_setting_length(sets); i++) {
            const char *v = config_setting_get_string_elem(sets, i);
            fputs(" --set ", f);
            fs_html_text(f, v ? v : "");
        }
        fputs(" -o again</code>", f);
    } else {
        fputs("<code>foresight sweep</code> with the sweep file sweep.md names (this "
              "directory's checkpoint/resume.cfg, which records it, is missing)", f);
    }
    config_destroy(&cf);
}

static void footer(const fs_report *r, FILE *f)
{
    char file[4096];
    fs_report_meta_html(r, f, "<p>foresight {version}, generator {rng}: design {design}, "
                        "{points} points and {oat_points} one-at-a-time points, "
                        "{runs_per_point} runs per point, seed {seed}.</p>\n"
                        "<p>To reproduce these numbers: ");
    command(r, f, file, sizeof file);
    fputs(".</p>\n", f);
    if (file[0]) {
        fputs("<p>", f);
        fs_report_checksum(r, f, NULL, file);
        fputs(".</p>\n", f);
    }
}

static const fs_report_item items[] = {
    { "tornado_*", "## *", d_tornado, NULL },
    { "sobol_*", "## *", d_indices, NULL },
    { "morris_*", "## *", d_indices, NULL },
    { "heatmap_*", "## *", d_points, NULL },
    { "scatter_*", "## *", d_points, NULL },
    /* The discovery (discovery.md's sentences, in its section), then its
     * section's end as a fallback. */
    { "discovery_tradeoff", "cases explored (", fs_report_discovery_describe, NULL },
    { "discovery_limits", "happens in", fs_report_discovery_describe, NULL },
    { "discovery_scatter", "happens in", fs_report_discovery_describe, NULL },
    { "discovery_tradeoff", "## When does it go wrong?", fs_report_discovery_describe, NULL },
    { "discovery_limits", "## When does it go wrong?", fs_report_discovery_describe, NULL },
    { "discovery_scatter", "## When does it go wrong?", fs_report_discovery_describe, NULL },
    { NULL, "## When does it go wrong?", NULL, fs_report_discovery_table },
};

const fs_report_kind fs_report_sweep_kind = {
    "sweep", "sweep_outputs.csv", "sweep.md", items, (int)(sizeof items / sizeof items[0]),
    load, release, draw, footer
};
