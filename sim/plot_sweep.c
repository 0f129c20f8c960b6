/* plot_sweep.c: the charts of `foresight sweep`, drawn from a sweep
 * directory's CSV files alone (docs/SWEEP.md, "Output files"): tornado,
 * Sobol, Morris, grid heatmap and scatter charts per output, all written
 * to temp files and renamed only when every one of them succeeded. */
#include "plot_sweep.h"
#include "sensitivity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "fsio.h"
#include "stats.h"

#define PATH_LEN 4096
#define MAX_PARAMS 1000
#define MAX_OUTPUTS 64          /* five open temp files each until the commit */
#define TORNADO_ROWS 40
#define SOBOL_COLS 30
#define MORRIS_LABELS 40
#define SCATTER_PANELS 24
#define GRID_LEVELS 60
#define TEXT_LEN 512

/* ---- the data of a sweep directory ---- */

typedef struct sw_param {
    char *path;
    char *label;        /* the label column, or the path when it has none */
    int lever;          /* 1 lever, 0 uncertainty */
    int integer;
    double lo, hi, base;
} sw_param;

/* Per-parameter values of one output, NaN where the files have none. */
enum {
    T_BASE_VALUE = 0, T_LOW_SET, T_HIGH_SET, T_AT_BASE, T_AT_LOW, T_AT_HIGH, T_SWING,
    T_SE_LOW, T_SE_HIGH,
    T_LOW_DLO, T_LOW_DHI, T_HIGH_DLO, T_HIGH_DHI,   /* paired intervals of end - base */
    S_S1, S_S1_LO, S_S1_HI, S_ST, S_ST_LO, S_ST_HI,
    M_MU, M_MUSTAR, M_SIGMA, M_MUSTAR_SE,
    NFIELDS
};

typedef struct sw_output {
    char *name, *kind, *metric, *stat;
    char file[FS_SWEEP_CHART_NAME_MAX - 16];   /* name made safe for a file name */
    double *y, *se;     /* [np] from sweep.csv; se NaN when there is no _se column */
    double *v;          /* [k * NFIELDS] */
    int has_sobol, has_morris;
} sw_output;

#define PV(o, j, f) ((o)->v[(size_t)(j) * NFIELDS + (f)])

typedef struct sweep {
    char dir[320];      /* the directory, for footnotes (its tail if long) */
    char *name, *base, *design, *points, *runs, *seed;
    int k, nout;
    size_t np;
    sw_param *par;
    sw_output *out;
    double *x;          /* [np * k], parameter values of every point */
} sweep;

static void sweep_free(sweep *s)
{
    int i;
    if (s == NULL)
        return;
    for (i = 0; s->par && i < s->k; i++)
        free(s->par[i].path), free(s->par[i].label);
    for (i = 0; s->out && i < s->nout; i++) {
        sw_output *o = &s->out[i];
        free(o->name);
        free(o->kind);
        free(o->metric);
        free(o->stat);
        free(o->y);
        free(o->v);
    }
    free(s->par);
    free(s->out);
    free(s->x);
    free(s->name);
    free(s->base);
    free(s->design);
    free(s->points);
    free(s->runs);
    free(s->seed);
    free(s);
}

/* ---- loading ---- */



static double *nan_array(size_t n)
{
    double *a = malloc((n ? n : 1) * sizeof *a);
    size_t i;
    for (i = 0; a && i < n; i++)
        a[i] = NAN;
    return a;
}

static fs_status nomem(const fs_csv *c, fs_err *err)
{
    return fs_err_set(err, FS_ENOMEM, "out of memory reading %s", fs_csv_path(c));
}

static fs_status load_meta(sweep *s, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "key", "value" };
    int col[2];
    size_t r;

    if (fs_csv_require_all(c, names, col, 2, err) != FS_OK)
        return FS_ECONFIG;
    for (r = 0; r < fs_csv_nrows(c); r++) {
        const char *k = fs_csv_str(c, r, col[0]);
        char **slot = strcmp(k, "name") == 0 ? &s->name
                      : strcmp(k, "base") == 0 ? &s->base
                      : strcmp(k, "design") == 0 ? &s->design
                      : strcmp(k, "points") == 0 ? &s->points
                      : strcmp(k, "runs_per_point") == 0 ? &s->runs
                      : strcmp(k, "seed") == 0 ? &s->seed : NULL;
        if (slot == NULL)
            continue;
        free(*slot);
        if ((*slot = strdup(fs_csv_str(c, r, col[1]))) == NULL)
            return nomem(c, err);
    }
    if (s->name == NULL || s->design == NULL)
        return fs_err_set(err, FS_ECONFIG, "%s: needs the keys name and design",
                          fs_csv_path(c));
    return FS_OK;
}

static int param_index(const sweep *s, const char *path)
{
    int i;
    for (i = 0; i < s->k; i++)
        if (strcmp(s->par[i].path, path) == 0)
            return i;
    return -1;
}

static int output_index(const sweep *s, const char *name)
{
    int i;
    for (i = 0; i < s->nout; i++)
        if (strcmp(s->out[i].name, name) == 0)
            return i;
    return -1;
}

static fs_status load_param_row(sweep *s, const fs_csv *c, size_t r, const int *col,
                                fs_err *err)
{
    sw_param *p = &s->par[s->k];
    const char *path = fs_csv_str(c, r, col[1]), *kind = fs_csv_str(c, r, col[2]);
    double integer;

    if (path[0] == '\0')
        return fs_csv_error(c, r, col[1], err, "empty parameter path");
    if (param_index(s, path) >= 0)
        return fs_csv_error(c, r, col[1], err, "parameter '%s' is listed twice", path);
    if (strcmp(kind, "lever") != 0 && strcmp(kind, "uncertainty") != 0)
        return fs_csv_error(c, r, col[2], err, "kind must be 'lever' or 'uncertainty', got '%s'",
                            kind);
    if (fs_csv_num_req(c, r, col[3], &p->lo, err) != FS_OK
        || fs_csv_num_req(c, r, col[4], &p->hi, err) != FS_OK
        || fs_csv_num_req(c, r, col[5], &integer, err) != FS_OK
        || fs_csv_num(c, r, col[6], &p->base, err) != FS_OK)
        return FS_ECONFIG;
    if (integer != 0 && integer != 1)
        return fs_csv_error(c, r, col[5], err, "integer must be 0 or 1, got '%s'",
                            fs_csv_str(c, r, col[5]));
    if ((p->path = strdup(path)) == NULL ||
        (p->label = strdup(col[7] >= 0 && fs_csv_str(c, r, col[7])[0]
                           ? fs_csv_str(c, r, col[7]) : path)) == NULL)
        return nomem(c, err);
    p->lever = strcmp(kind, "lever") == 0;
    p->integer = integer == 1;
    s->k++;
    return FS_OK;
}

static fs_status load_params(sweep *s, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "index", "path", "kind", "lo", "hi", "integer",
                                         "base" };
    size_t r, n = fs_csv_nrows(c);
    int col[8];

    if (fs_csv_require_all(c, names, col, 7, err) != FS_OK)
        return FS_ECONFIG;
    col[7] = fs_csv_col(c, "label");   /* optional: older sweeps have none */
    if (n == 0 || n > MAX_PARAMS)
        return fs_err_set(err, FS_ECONFIG, "%s: %zu parameters; a sweep has 1 to %d",
                          fs_csv_path(c), n, MAX_PARAMS);
    if ((s->par = calloc(n, sizeof *s->par)) == NULL)
        return nomem(c, err);
    for (r = 0; r < n; r++)
        if (load_param_row(s, c, r, col, err) != FS_OK)
            return FS_ECONFIG;
    return FS_OK;
}

void fs_plot_sweep_safe_name(const char *name, char *buf, size_t n)
{
    size_t i;
    for (i = 0; name[i] && i + 1 < n; i++) {
        char ch = name[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                 || ch == '_' || ch == '-';
        buf[i] = ok ? ch : '_';
    }
    buf[i] = '\0';
}

static fs_status load_output_row(sweep *s, const fs_csv *c, size_t r, const int *col,
                                 fs_err *err)
{
    sw_output *o = &s->out[s->nout];
    const char *name = fs_csv_str(c, r, col[1]), *kind = fs_csv_str(c, r, col[2]);
    int i;

    if (name[0] == '\0')
        return fs_csv_error(c, r, col[1], err, "empty output name");
    if (output_index(s, name) >= 0)
        return fs_csv_error(c, r, col[1], err, "output '%s' is listed twice", name);
    if (strcmp(kind, "outcome") != 0 && strcmp(kind, "summary") != 0)
        return fs_csv_error(c, r, col[2], err, "kind must be 'outcome' or 'summary', got '%s'",
                            kind);
    fs_plot_sweep_safe_name(name, o->file, sizeof o->file);
    for (i = 0; i < s->nout; i++)
        if (strcmp(s->out[i].file, o->file) == 0)
            return fs_csv_error(c, r, col[1], err, "outputs '%s' and '%s' would both be drawn "
                                "to charts named *_%s", s->out[i].name, name, o->file);
    o->name = strdup(name);
    o->kind = strdup(kind);
    o->metric = strdup(fs_csv_str(c, r, col[3]));
    o->stat = strdup(fs_csv_str(c, r, col[4]));
    o->v = nan_array((size_t)s->k * NFIELDS);
    s->nout++;
    if (!o->name || !o->kind || !o->metric || !o->stat || !o->v)
        return nomem(c, err);
    return FS_OK;
}

static fs_status load_outputs(sweep *s, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "index", "name", "kind", "metric", "statistic" };
    size_t r, n = fs_csv_nrows(c);
    int col[5];

    if (fs_csv_require_all(c, names, col, 5, err) != FS_OK)
        return FS_ECONFIG;
    if (n == 0 || n > MAX_OUTPUTS)
        return fs_err_set(err, FS_ECONFIG, "%s: %zu outputs; charts are drawn for 1 to %d",
                          fs_csv_path(c), n, MAX_OUTPUTS);
    if ((s->out = calloc(n, sizeof *s->out)) == NULL)
        return nomem(c, err);
    for (r = 0; r < n; r++)
        if (load_output_row(s, c, r, col, err) != FS_OK)
            return err ? err->code : FS_ECONFIG;
    return FS_OK;
}

/* sweep.csv: the point column, every parameter's and output's column, and
 * the outputs' optional _se columns. */
static fs_status load_points(sweep *s, const fs_csv *c, fs_err *err)
{
    char se_name[TEXT_LEN];
    int pcol, *xcol = NULL, *ycol = NULL, *scol = NULL, i;
    size_t r, np = fs_csv_nrows(c);
    fs_status st = FS_ECONFIG;
    double v;

    s->np = np;
    xcol = malloc(s->k * sizeof *xcol);
    ycol = malloc(s->nout * sizeof *ycol);
    scol = malloc(s->nout * sizeof *scol);
    s->x = malloc((np ? np : 1) * s->k * sizeof *s->x);
    if (!xcol || !ycol || !scol || !s->x) {
        st = nomem(c, err);
        goto done;
    }
    if (fs_csv_require(c, "point", &pcol, err) != FS_OK)
        goto done;
    for (i = 0; i < s->k; i++)
        if (fs_csv_require(c, s->par[i].path, &xcol[i], err) != FS_OK)
            goto done;
    for (i = 0; i < s->nout; i++) {
        sw_output *o = &s->out[i];
        if (fs_csv_require(c, o->name, &ycol[i], err) != FS_OK)
            goto done;
        snprintf(se_name, sizeof se_name, "%s_se", o->name);
        scol[i] = fs_csv_col(c, se_name);
        if ((o->y = nan_array(2 * np)) == NULL) {
            st = nomem(c, err);
            goto done;
        }
        o->se = o->y + np;
    }
    for (r = 0; r < np; r++) {
        if (fs_csv_num_req(c, r, pcol, &v, err) != FS_OK)
            goto done;
        for (i = 0; i < s->k; i++)
            if (fs_csv_num_req(c, r, xcol[i], &s->x[r * s->k + i], err) != FS_OK)
                goto done;
        for (i = 0; i < s->nout; i++) {
            if (fs_csv_num(c, r, ycol[i], &s->out[i].y[r], err) != FS_OK)
                goto done;
            if (scol[i] >= 0 && fs_csv_num(c, r, scol[i], &s->out[i].se[r], err) != FS_OK)
                goto done;
        }
    }
    st = FS_OK;
done:
    free(xcol);
    free(ycol);
    free(scol);
    return st;
}

/* The parameter and output a row of sensitivity.csv or tornado.csv names. */
static fs_status row_target(const sweep *s, const fs_csv *c, size_t r, int pc, int oc, int *j,
                            sw_output **o, fs_err *err)
{
    int k;
    *j = param_index(s, fs_csv_str(c, r, pc));
    if (*j < 0)
        return fs_csv_error(c, r, pc, err, "unknown parameter '%s' (not in sweep_params.csv)",
                            fs_csv_str(c, r, pc));
    k = output_index(s, fs_csv_str(c, r, oc));
    if (k < 0)
        return fs_csv_error(c, r, oc, err, "unknown output '%s' (not in sweep_outputs.csv)",
                            fs_csv_str(c, r, oc));
    *o = &s->out[k];
    return FS_OK;
}

/* The largest magnitude a sweep writes into sensitivity.csv or
 * tornado.csv (indices, effects and outputs are far smaller); a larger
 * value was edited in or damaged, and would overflow the charts' scales. */
#define SWEEP_VALUE_MAX 1e12

/* A number of a sensitivity or tornado row (empty: NaN), within
 * SWEEP_VALUE_MAX, or FS_ECONFIG naming the file, line and column. */
static fs_status sweep_num(const fs_csv *c, size_t r, int col, double *out, fs_err *err)
{
    if (fs_csv_num(c, r, col, out, err) != FS_OK)
        return FS_ECONFIG;
    if (fabs(*out) > SWEEP_VALUE_MAX)
        return fs_csv_error(c, r, col, err, "column '%s': %s is beyond anything a sweep writes "
                            "(magnitude at most %.0e): the file was edited or damaged; run "
                            "the sweep again", fs_csv_col_name(c, col), fs_csv_str(c, r, col),
                            SWEEP_VALUE_MAX);
    return FS_OK;
}

static fs_status load_sensitivity(sweep *s, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "method", "parameter", "output", "index", "estimate",
                                         "lo95", "hi95", "se" };
    int col[8], j;
    size_t r;

    if (fs_csv_require_all(c, names, col, 8, err) != FS_OK)
        return FS_ECONFIG;
    for (r = 0; r < fs_csv_nrows(c); r++) {
        const char *m = fs_csv_str(c, r, col[0]), *ix = fs_csv_str(c, r, col[3]);
        sw_output *o;
        double e, lo, hi, se;
        int sobol = strcmp(m, "sobol") == 0, f;

        if (!sobol && strcmp(m, "morris") != 0)
            return fs_csv_error(c, r, col[0], err, "method must be 'sobol' or 'morris', got "
                                "'%s'", m);
        if (row_target(s, c, r, col[1], col[2], &j, &o, err) != FS_OK)
            return FS_ECONFIG;
        f = sobol ? (strcmp(ix, "S1") == 0 ? S_S1 : strcmp(ix, "ST") == 0 ? S_ST : -1)
                  : (strcmp(ix, "mu") == 0 ? M_MU : strcmp(ix, "mu_star") == 0 ? M_MUSTAR
                     : strcmp(ix, "sigma") == 0 ? M_SIGMA : -1);
        if (f < 0)
            return fs_csv_error(c, r, col[3], err, "index '%s' is not one of %s", ix,
                                sobol ? "S1, ST" : "mu, mu_star, sigma");
        if (sweep_num(c, r, col[4], &e, err) != FS_OK || sweep_num(c, r, col[5], &lo, err)
            || sweep_num(c, r, col[6], &hi, err) || sweep_num(c, r, col[7], &se, err))
            return FS_ECONFIG;
        PV(o, j, f) = e;
        if (sobol) {
            PV(o, j, f + 1) = lo;
            PV(o, j, f + 2) = hi;
            o->has_sobol = 1;
        } else {
            if (f == M_MUSTAR)
                PV(o, j, M_MUSTAR_SE) = se;
            o->has_morris = 1;
        }
    }
    return FS_OK;
}

static fs_status load_tornado(sweep *s, const fs_csv *c, fs_err *err)
{
    static const char *const names[] = { "parameter", "output", "base_value", "low_setting",
                                         "high_setting", "at_base", "at_low", "at_high",
                                         "swing" };
    int col[9], j, f, se_lo = fs_csv_col(c, "se_low"), se_hi = fs_csv_col(c, "se_high");
    int dcol[4] = { fs_csv_col(c, "low_diff_lo95"), fs_csv_col(c, "low_diff_hi95"),
                    fs_csv_col(c, "high_diff_lo95"), fs_csv_col(c, "high_diff_hi95") };
    size_t r;

    if (fs_csv_require_all(c, names, col, 9, err) != FS_OK)
        return FS_ECONFIG;
    for (r = 0; r < fs_csv_nrows(c); r++) {
        sw_output *o;
        if (row_target(s, c, r, col[0], col[1], &j, &o, err) != FS_OK)
            return FS_ECONFIG;
        for (f = T_BASE_VALUE; f <= T_SWING; f++)
            if (sweep_num(c, r, col[2 + f], &PV(o, j, f), err) != FS_OK)
                return FS_ECONFIG;
        /* Standard errors at the settings, and the paired intervals of each
         * end's difference to the base: absent from older directories. */
        if ((se_lo >= 0 && sweep_num(c, r, se_lo, &PV(o, j, T_SE_LOW), err) != FS_OK) ||
            (se_hi >= 0 && sweep_num(c, r, se_hi, &PV(o, j, T_SE_HIGH), err) != FS_OK))
            return FS_ECONFIG;
        for (f = 0; f < 4; f++)
            if (dcol[f] >= 0 && sweep_num(c, r, dcol[f], &PV(o, j, T_LOW_DLO + f), err) != FS_OK)
                return FS_ECONFIG;
    }
    return FS_OK;
}

typedef fs_status (*load_fn)(sweep *, const fs_csv *, fs_err *);

/* The most bytes sweep.csv can hold for the points meta.csv gives: a
 * header of at most 320 bytes a column, and per point its index and a
 * number of at most 32 bytes for each parameter, output and standard
 * error. -1 (no bound but the default) before meta.csv has said. */
static long long sweep_csv_bound(const sweep *s)
{
    double cols = 1.0 + s->k + 2.0 * s->nout, points;
    if (s->points == NULL || (points = strtod(s->points, NULL)) < 0 || points > 1e8)
        return -1;
    return (long long)(cols * 320 + points * (16 + cols * 32) + 4096);
}

/* Opens dir/name (sweep.csv bounded by its points, the others by the
 * default) and refuses two rows with the same keys; *c is NULL on error. */
static fs_status open_checked(const sweep *s, const char *dir, const char *name,
                              const char *const *keys, int nkeys, fs_csv **c, fs_err *err)
{
    char path[4096];
    long long max = strcmp(name, "sweep.csv") == 0 ? sweep_csv_bound(s) : -1;

    *c = NULL;
    if (fs_path_join(path, sizeof path, dir, name) == NULL)
        return fs_err_set(err, FS_EUSAGE, "path too long: %s/%s", dir, name);
    if ((*c = max < 0 ? fs_csv_read(path, err) : fs_csv_read_max(path, max, err)) == NULL)
        return err->code;
    if (fs_csv_unique(*c, keys, nkeys, err) != FS_OK) {
        fs_csv_free(*c);
        *c = NULL;
        return err->code;
    }
    return FS_OK;
}

/* Reads the six files of a sweep directory, in an order where each file
 * can be checked against those read before it. */
static sweep *sweep_load(const char *dir, fs_err *err)
{
    static const char *const files[] = { "meta.csv", "sweep_params.csv", "sweep_outputs.csv",
                                         "sweep.csv", "sensitivity.csv", "tornado.csv" };
    static const load_fn fns[] = { load_meta, load_params, load_outputs, load_points,
                                   load_sensitivity, load_tornado };
    /* The columns that name a row: foresight writes one row per key. */
    static const char *const k_meta[] = {"key"}, *const k_index[] = {"index"},
        *const k_point[] = {"point"}, *const k_sens[] = {"method", "parameter", "output",
        "index"}, *const k_tornado[] = {"parameter", "output"};
    static const char *const *const keys[] = { k_meta, k_index, k_index, k_point, k_sens,
                                               k_tornado };
    static const int nkeys[] = { 1, 1, 1, 1, 4, 2 };
    sweep *s = calloc(1, sizeof *s);
    size_t i, len = strlen(dir);

    if (s == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory reading %s", dir);
        return NULL;
    }
    if (len < 300)
        memcpy(s->dir, dir, len + 1);
    else
        snprintf(s->dir, sizeof s->dir, "…%s", dir + len - 280);
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        fs_csv *c;
        fs_status st;
        if (open_checked(s, dir, files[i], keys[i], nkeys[i], &c, err) != FS_OK) {
            sweep_free(s);
            return NULL;
        }
        st = fns[i](s, c, err);
        fs_csv_free(c);
        if (st != FS_OK) {
            sweep_free(s);
            return NULL;
        }
    }
    return s;
}

/* ---- small drawing helpers ---- */

static fs_rgb grey(double v)
{
    fs_rgb k = { v, v, v };
    return k;
}

static fs_rgb ink(void)
{
    return grey(0.13);
}

static fs_legend_item legend(const char *label, fs_rgb col, fs_key key, double alpha)
{
    fs_legend_item it = { label, col, key, alpha, NULL, 0 };
    return it;
}

/* A panel mapping device pixels onto themselves, for marks placed in
 * pixels (tags, leader lines). */
static fs_panel page_panel(const fs_chart *c)
{
    fs_panel p;
    memset(&p, 0, sizeof p);
    p.area = fs_chart_page(c);
    p.x.hi = p.area.w;
    p.y.lo = p.area.h;
    return p;
}

/* Formats v with three significant digits (whole numbers when integer)
 * and no trailing zeros: 0.25, 12, 1 500, 0.0031. */
static void fmt_sig(char *buf, size_t n, double v, int integer)
{
    int d = 0;
    size_t len;

    if (!integer && isfinite(v) && v != 0)
        d = 2 - (int)floor(log10(fabs(v)));
    d = d < 0 ? 0 : d > 6 ? 6 : d;
    fs_format_number(buf, n, v, d);
    if (d == 0 || strchr(buf, '.') == NULL)
        return;
    len = strlen(buf);
    while (len > 0 && buf[len - 1] == '0')
        buf[--len] = '\0';
    if (len > 0 && buf[len - 1] == '.')
        buf[--len] = '\0';
}

/* Decimals that show values spread over [lo, hi] with two significant
 * digits of the spread (or of the value when they are all equal). */
static int range_decimals(double lo, double hi)
{
    double span = hi - lo;
    int d;
    if (!(span > 0) || !isfinite(span))
        span = fabs(hi) > 0 && isfinite(hi) ? fabs(hi) : 1;
    d = 1 - (int)floor(log10(span));
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* Copies s into buf, shortened in the middle with an ellipsis if wider
 * than maxw, so that both the head and the tail of a path stay readable
 * ("mechanisms.[ra…].intensity"). */
static void fit_middle(fs_chart *c, fs_text_role role, const char *s, double maxw, char *buf,
                       size_t n)
{
    size_t len = strlen(s), keep;

    snprintf(buf, n, "%s", s);
    if (maxw <= 0 || fs_chart_text_width(c, role, buf) <= maxw)
        return;
    for (keep = len > 0 ? len - 1 : 0; keep > 2; keep--) {
        size_t head = keep * 2 / 5, start = len - (keep - head);
        while (head > 0 && ((unsigned char)s[head] & 0xC0) == 0x80)
            head--;
        while (start < len && ((unsigned char)s[start] & 0xC0) == 0x80)
            start++;
        snprintf(buf, n, "%.*s…%s", (int)head, s, s + start);
        if (fs_chart_text_width(c, role, buf) <= maxw)
            return;
    }
}

/* A heading line (panel-title style) at the top of body; returns the rest. */
static fs_rect heading(fs_chart *c, fs_rect body, const char *text)
{
    double h = fs_chart_line_height(c, FS_TEXT_PANEL) + 8 * fs_chart_unit(c);
    fs_chart_text(c, FS_TEXT_PANEL, text, body.x, body.y, 0, 0, body.w, ink(), 0);
    body.y += h;
    body.h -= h;
    return body;
}

/* A one-line remark under the legend (degenerate data, wide intervals). */
static fs_rect remark(fs_chart *c, fs_rect body, const char *text)
{
    double h = fs_chart_line_height(c, FS_TEXT_LABEL) + 6 * fs_chart_unit(c);
    fs_chart_text(c, FS_TEXT_LABEL, text, body.x, body.y, 0, 0, body.w,
                  fs_palette(FS_VERMILLION), 0);
    body.y += h;
    body.h -= h;
    return body;
}

/* What every chart of one output shares. */
typedef struct sw_ctx {
    const sweep *s;
    const sw_output *o;
    char sub[TEXT_LEN];     /* design, points, runs, seed, base */
    char what[TEXT_LEN];    /* "p_escalation: P(escalation)" */
    int nrows;              /* geometry probe: parameter per row or column */
    int row_param[FS_SWEEP_GEOM_ROWS];
} sw_ctx;

static const char *design_label(const char *d)
{
    static const struct { const char *key, *label; } map[] = {
        { "grid", "Grid design" }, { "random", "Random design" },
        { "lhs", "Latin hypercube design" }, { "sobol", "Sobol design (Saltelli's scheme)" },
        { "morris", "Morris design" }, { "oat", "One-at-a-time design" },
    };
    size_t i;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].key, d) == 0)
            return map[i].label;
    return NULL;
}

static void stat_label(const char *st, char *buf, size_t n)
{
    if (strcmp(st, "mean") == 0 || st[0] == '\0')
        snprintf(buf, n, "mean");
    else if (strcmp(st, "p50") == 0)
        snprintf(buf, n, "median");
    else if (st[0] == 'p' && st[1] >= '0' && st[1] <= '9')
        snprintf(buf, n, "%sth percentile", st + 1);
    else
        snprintf(buf, n, "%s", st);
}

/* Whether an output is a probability (an outcome's share of runs). */
static int is_probability(const sw_output *o)
{
    return strcmp(o->kind, "outcome") == 0;
}

/* A standard error as the chart's axis reads it: percentage points for a
 * probability ("3.2 points"), else the value. */
static void se_text(const sw_output *o, double se, char *buf, size_t n)
{
    if (is_probability(o))
        snprintf(buf, n, "%.1f points", 100 * se);
    else
        fmt_sig(buf, n, se, 0);
}

static void ctx_init(sw_ctx *x, const sweep *s, const sw_output *o)
{
    const char *dl = design_label(s->design);
    char pts[64], stat[64];
    double v;

    memset(x, 0, sizeof x[0]);
    x->s = s;
    x->o = o;
    v = s->points ? strtod(s->points, NULL) : (double)s->np;
    fs_format_number(pts, sizeof pts, v > 0 ? v : (double)s->np, 0);
    snprintf(x->sub, sizeof x->sub, "%s%s · %s point%s · %s runs per point · seed %s%s%s",
             dl ? dl : s->design, dl ? "" : " design", pts, v == 1 ? "" : "s",
             s->runs ? s->runs : "?", s->seed ? s->seed : "?",
             s->base && s->base[0] ? " · base scenario: " : "", s->base ? s->base : "");
    if (strcmp(o->kind, "outcome") == 0) {
        snprintf(x->what, sizeof x->what, "%s: P(%s)", o->name, o->metric);
    } else {
        stat_label(o->stat, stat, sizeof stat);
        snprintf(x->what, sizeof x->what, "%s: %s of %s over a point's runs", o->name, stat,
                 o->metric);
    }
}

static void footnote(const sw_ctx *x, char *buf, size_t n, const char *text, const char *files)
{
    snprintf(buf, n, "%s\nSource: %s in %s.", text, files, x->s->dir);
}

/* The median of the finite values of a[0..n-1] (NaN when none). */
static double median_finite(const double *a, size_t n)
{
    double *t = malloc((n ? n : 1) * sizeof *t), m = NAN;
    size_t i, k = 0, j;

    if (t == NULL)
        return NAN;
    for (i = 0; i < n; i++) {
        double v = a[i];
        if (!isfinite(v))
            continue;
        for (j = k; j > 0 && t[j - 1] > v; j--)   /* insertion: n is modest */
            t[j] = t[j - 1];
        t[j] = v;
        k++;
    }
    if (k > 0)
        m = k % 2 ? t[k / 2] : (t[k / 2 - 1] + t[k / 2]) / 2;
    free(t);
    return m;
}

/* Swing of parameter j: the file's, else |at_high - at_low|. */
static double swing_of(const sw_output *o, int j)
{
    double sw = PV(o, j, T_SWING);
    if (!isfinite(sw))
        sw = fabs(PV(o, j, T_AT_HIGH) - PV(o, j, T_AT_LOW));
    return sw;
}

/* Sorts idx[0..n-1] by key descending, NaN last, ties by index (so the
 * order never depends on the sort's stability). */
static void sort_desc(int *idx, int n, const double *key)
{
    int i, j;
    for (i = 1; i < n; i++) {
        int t = idx[i];
        for (j = i - 1; j >= 0; j--) {
            double a = key[idx[j]], b = key[t];
            int after = isnan(a) ? !isnan(b) || idx[j] > t
                        : !isnan(b) && (b > a || (b == a && t < idx[j]));
            if (!after)
                break;
            idx[j + 1] = idx[j];
        }
        idx[j + 1] = t;
    }
}

/* ---- 1. tornado ---- */

typedef struct tornado_geo {
    double tagw, labw;      /* widths of the tag and path columns */
} tornado_geo;

static void tornado_tag(fs_chart *c, double x, double y, double w, int lever)
{
    fs_panel pg = page_panel(c);
    double u = fs_chart_unit(c), h = fs_chart_line_height(c, FS_TEXT_FOOT) + 2 * u;
    fs_rgb fill = lever ? grey(0.30) : grey(0.84);

    fs_chart_rect(c, &pg, x, y - h / 2, x + w, y + h / 2, fill, 1);
    fs_chart_text(c, FS_TEXT_FOOT, lever ? "lever" : "uncertainty", x + w / 2, y, 0.5, 0.5, 0,
                  lever ? grey(1) : grey(0.2), 0);
}

/* The end labels of a bar: each setting printed beyond its end. */
static void tornado_ends(fs_chart *c, const fs_panel *p, const sw_param *par, double row,
                         double at_lo, double at_hi, double set_lo, double set_hi,
                         double w_lo, double w_hi)
{
    double u = fs_chart_unit(c), y = fs_panel_py(p, row);
    char a[64], b[64];
    int lo_left = at_lo <= at_hi;

    /* Outside the whiskers (w_lo, w_hi: their half-widths, 0 for none). */
    at_lo += lo_left ? -w_lo : w_lo;
    at_hi += lo_left ? w_hi : -w_hi;
    fmt_sig(a, sizeof a, set_lo, par->integer);
    fmt_sig(b, sizeof b, set_hi, par->integer);
    fs_chart_text(c, FS_TEXT_TICK, a, fs_panel_px(p, at_lo) + (lo_left ? -6 : 6) * u, y,
                  lo_left ? 1 : 0, 0.5, 0, grey(0.3), 0);
    fs_chart_text(c, FS_TEXT_TICK, b, fs_panel_px(p, at_hi) + (lo_left ? 6 : -6) * u, y,
                  lo_left ? 0 : 1, 0.5, 0, grey(0.3), 0);
}

/* The whisker of one end (high: 0 low, 1 high) of parameter j: the base
 * value plus the paired 95% interval of the end's difference to it, kept
 * within [0, 1] for a probability; from an older tornado.csv, the end's
 * own interval. 0 when there is none. */
static int end_whisker(const sw_output *o, int j, int high, double *lo, double *hi)
{
    double base = PV(o, j, T_AT_BASE), at = PV(o, j, high ? T_AT_HIGH : T_AT_LOW);
    double dlo = PV(o, j, high ? T_HIGH_DLO : T_LOW_DLO), dhi = PV(o, j, high ? T_HIGH_DHI : T_LOW_DHI);
    double se = PV(o, j, high ? T_SE_HIGH : T_SE_LOW);
    if (isfinite(dlo) && isfinite(dhi) && isfinite(base)) {
        *lo = base + dlo, *hi = base + dhi;
    } else if (isfinite(se) && isfinite(at)) {
        *lo = at - FS_Z95 * se, *hi = at + FS_Z95 * se;
    } else {
        return 0;
    }
    if (is_probability(o))
        *lo = fmax(*lo, 0), *hi = fmin(*hi, 1);
    return *hi > *lo;
}

static void tornado_row(fs_chart *c, const fs_panel *p, const sw_ctx *x, int row, int j,
                        double half)
{
    const sw_output *o = x->o;
    const sw_param *par = &x->s->par[j];
    double lo = PV(o, j, T_AT_LOW), hi = PV(o, j, T_AT_HIGH), u = fs_chart_unit(c);
    double base = PV(o, j, T_AT_BASE), y = fs_panel_py(p, row), w, wl, wh;
    double slo = isfinite(PV(o, j, T_LOW_SET)) ? PV(o, j, T_LOW_SET) : par->lo;
    double shi = isfinite(PV(o, j, T_HIGH_SET)) ? PV(o, j, T_HIGH_SET) : par->hi;

    if (!isfinite(lo) || !isfinite(hi)) {
        double at = isfinite(lo) ? lo : isfinite(hi) ? hi : base;
        const char *msg = isfinite(lo) ? "no value at the high setting"
                          : isfinite(hi) ? "no value at the low setting" : "no values";
        if (isfinite(lo) || isfinite(hi))
            fs_chart_point(c, p, at, row, 5, grey(0.4));
        fs_chart_text(c, FS_TEXT_TICK, msg, isfinite(at) ? fs_panel_px(p, at) + 10 * u
                      : p->area.x + 10 * u, y, 0, 0.5, 0, grey(0.35), 0);
        return;
    }
    if (lo == hi) {
        w = 1.5 * u * (p->x.hi - p->x.lo) / p->area.w;
        fs_chart_rect(c, p, lo - w, row - half, lo + w, row + half, grey(0.45), 1);
        fs_chart_text(c, FS_TEXT_TICK, "no change", fs_panel_px(p, lo) + 8 * u, y, 0, 0.5, 0,
                      grey(0.35), 0);
        return;
    }
    fs_chart_rect(c, p, fmin(lo, hi), row - half, fmax(lo, hi), row + half,
                  fs_palette(hi > lo ? FS_BLUE : FS_VERMILLION), 0.9);
    /* On each end, the paired 95% interval of its difference to the base
     * point: the low end's above the bar's middle, the high end's below,
     * so that two that overlap stay apart. */
    wl = wh = 0;
    {
        double a, b;
        if (end_whisker(o, j, 0, &a, &b)) {
            fs_chart_hwhisker(c, p, row - 0.3 * half, a, b, grey(0.15));
            wl = lo <= hi ? lo - a : b - lo;
        }
        if (end_whisker(o, j, 1, &a, &b)) {
            fs_chart_hwhisker(c, p, row + 0.3 * half, a, b, grey(0.15));
            wh = lo <= hi ? b - hi : hi - a;
        }
    }
    tornado_ends(c, p, par, row, lo, hi, slo, shi, fmax(wl, 0), fmax(wh, 0));
}

/* The widest printed setting of the rows shown. */
static double tornado_endw(fs_chart *c, const sw_ctx *x, const int *order, int n)
{
    double w = 0;
    char buf[64];
    int i;
    for (i = 0; i < n; i++) {
        const sw_param *par = &x->s->par[order[i]];
        double lo = PV(x->o, order[i], T_LOW_SET), hi = PV(x->o, order[i], T_HIGH_SET);
        fmt_sig(buf, sizeof buf, isfinite(lo) ? lo : par->lo, par->integer);
        w = fmax(w, fs_chart_text_width(c, FS_TEXT_TICK, buf));
        fmt_sig(buf, sizeof buf, isfinite(hi) ? hi : par->hi, par->integer);
        w = fmax(w, fs_chart_text_width(c, FS_TEXT_TICK, buf));
    }
    return w;
}

/* The x range: every value shown, widened so that the printed settings
 * beyond the bars' ends stay inside the plot area. */
static void tornado_range(fs_chart *c, fs_panel_spec *s, const sw_ctx *x, const int *order,
                          int n)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL, u = fs_chart_unit(c), pad, w, room;
    fs_panel p;
    int i, f;

    for (i = 0; i < n; i++) {
        for (f = T_AT_BASE; f <= T_AT_HIGH; f++) {
            double v = PV(x->o, order[i], f);
            if (isfinite(v))
                lo = fmin(lo, v), hi = fmax(hi, v);
        }
        /* The ends' 95% whiskers too. */
        for (f = 0; f < 2; f++) {
            double a, b;
            if (end_whisker(x->o, order[i], f, &a, &b))
                lo = fmin(lo, a), hi = fmax(hi, b);
        }
    }
    if (!(lo <= hi))
        lo = 0, hi = 1;
    else if (hi == lo) {
        double h = lo != 0 ? fabs(lo) * 0.1 : 0.5;
        lo -= h;
        hi += h;
    }
    s->x.lo = lo;
    s->x.hi = hi;
    s->x.fixed = 1;
    p = fs_chart_panel_layout(c, s);
    w = p.area.w;
    /* Room each side for a setting, and for "no value at the high
     * setting" at the right. */
    room = tornado_endw(c, x, order, n) + 12 * u;
    room = fmin(room, w * 0.3);
    pad = room * (hi - lo) / (w - 2 * room);
    s->x.lo = lo - pad;
    s->x.hi = hi + pad;
}

static void tornado_labels(fs_chart *c, const fs_panel *p, const sw_ctx *x, const int *order,
                           int n, const tornado_geo *g, double left_x)
{
    double u = fs_chart_unit(c), rh = p->area.h / n;
    char buf[TEXT_LEN];
    int i, small = rh < fs_chart_line_height(c, FS_TEXT_TICK) * 1.05;

    for (i = 0; i < n; i++) {
        const sw_param *par = &x->s->par[order[i]];
        double y = fs_panel_py(p, i);
        if (small && i % 2)
            continue;   /* rows thinner than a line: every other label */
        tornado_tag(c, left_x, y, g->tagw, par->lever);
        fit_middle(c, FS_TEXT_TICK, par->label, g->labw, buf, sizeof buf);
        fs_chart_text(c, FS_TEXT_TICK, buf, p->area.x - 8 * u, y, 1, 0.5, 0, grey(0.15), 0);
    }
}

static void draw_tornado(sw_ctx *x, fs_chart *c)
{
    const sweep *s = x->s;
    const sw_output *o = x->o;
    static const char *const empty = "";
    const char *cats[TORNADO_ROWS];
    int *order = malloc(s->k * sizeof *order);
    double *key = malloc(s->k * sizeof *key);
    double u = fs_chart_unit(c), base = NAN, half, pathw = 0;
    char foot[1200], head[TEXT_LEN + 64], basel[160], num[64], note[TEXT_LEN + 128];
    int i, n, nzero = 0, nval = 0, nleg, levers = 0;
    fs_legend_item leg[5];
    tornado_geo g;
    fs_panel_spec ps;
    fs_panel p;
    fs_rect body;

    footnote(x, foot, sizeof foot, "Each bar runs from the output with the parameter at its "
             "low setting to the output at its high setting, every other parameter at its base "
             "value; the settings are printed at the bar ends. Whiskers: the 95% interval of "
             "each end's difference to the base point, paired run by run (the points share "
             "their random streams; Newcombe's interval for a probability, unpaired for a "
             "quantile), drawn from the base value, the low setting's above the bar's middle "
             "and the high setting's below; an end whose whisker crosses the base line may not "
             "differ from it. Sorted by swing |high − low|, largest on top.", "tornado.csv, sweep_params.csv, sweep_outputs.csv, meta.csv");
    body = fs_chart_frame(c, s->name, x->sub, foot);
    snprintf(head, sizeof head, "One parameter at a time: %s", x->what);
    body = heading(c, body, head);
    if (order == NULL || key == NULL) {
        free(order);
        free(key);
        return;
    }
    for (i = 0; i < s->k; i++) {
        order[i] = i;
        key[i] = swing_of(o, i);
        if (!isfinite(base) && isfinite(PV(o, i, T_AT_BASE)))
            base = PV(o, i, T_AT_BASE);
        if (isfinite(key[i]))
            nval++, nzero += key[i] == 0;
    }
    sort_desc(order, s->k, key);
    n = s->k < TORNADO_ROWS ? s->k : TORNADO_ROWS;
    fmt_sig(num, sizeof num, base, 0);
    snprintf(basel, sizeof basel, "Output at the base scenario (%s)", num);
    leg[0] = legend("High setting raises the output", fs_palette(FS_BLUE), FS_KEY_BAR, 1);
    leg[1] = legend("High setting lowers the output", fs_palette(FS_VERMILLION), FS_KEY_BAR, 1);
    leg[2] = legend(basel, ink(), FS_KEY_LINE, 1);
    /* The tags' key, for the kinds present only. */
    nleg = isfinite(base) ? 3 : 2;
    if (!isfinite(base))
        leg[2] = leg[3];
    for (i = 0; i < s->k; i++)
        levers += s->par[i].lever;
    if (levers > 0)
        leg[nleg++] = legend("Policy lever", grey(0.30), FS_KEY_BAR, 1);
    if (levers < s->k)
        leg[nleg++] = legend("Uncertainty", grey(0.84), FS_KEY_BAR, 1);
    body = fs_chart_legend(c, body, leg, nleg);
    if (n < s->k) {
        snprintf(note, sizeof note, "Showing the %d largest swings of %d parameters.", n, s->k);
        body = remark(c, body, note);
    }
    /* Degenerate data is said above the plot, where it covers no row. */
    if (nval == 0) {
        snprintf(note, sizeof note, "tornado.csv has no complete low and high pair for %s, so "
                 "there is no swing to draw.", o->name);
        body = remark(c, body, note);
    } else if (nzero == nval) {
        snprintf(note, sizeof note, "No parameter changes %s between its low and high "
                 "setting: every swing is 0.", o->name);
        body = remark(c, body, note);
    }
    /* Label column: a tag, then the path right-aligned against the axis. */
    g.tagw = fs_chart_text_width(c, FS_TEXT_FOOT, "uncertainty") + 12 * u;
    for (i = 0; i < n; i++)
        pathw = fmax(pathw, fs_chart_text_width(c, FS_TEXT_TICK, s->par[order[i]].label));
    g.labw = fmin(pathw, body.w * 0.4 - g.tagw);
    for (i = 0; i < n; i++)
        cats[i] = empty;
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.y.cats = cats;
    ps.y.ncats = n;
    ps.y.hide_ticklabels = 1;
    ps.left = g.tagw + 10 * u + g.labw + 14 * u;
    ps.x.label = x->what;
    tornado_range(c, &ps, x, order, n);
    p = fs_chart_panel(c, &ps);
    half = fmin(0.34, 26 * u / (p.area.h / n));
    for (i = 0; i < n; i++)
        tornado_row(c, &p, x, i, order[i], half);
    fs_chart_vline(c, &p, base, ink(), 1.8, 0);
    tornado_labels(c, &p, x, order, n, &g, body.x);
    x->nrows = n < FS_SWEEP_GEOM_ROWS ? n : FS_SWEEP_GEOM_ROWS;
    memcpy(x->row_param, order, x->nrows * sizeof *order);
    free(order);
    free(key);
}

/* ---- 2. Sobol indices ---- */

static void sobol_extent(const sw_output *o, const int *order, int n, double *lo, double *hi,
                         double *minest, double *maxwide)
{
    static const int fields[] = { S_S1, S_S1_LO, S_S1_HI, S_ST, S_ST_LO, S_ST_HI };
    int i, f;

    *lo = 0;
    *hi = 1;
    *minest = HUGE_VAL;
    *maxwide = 0;
    for (i = 0; i < n; i++) {
        int j = order[i];
        for (f = 0; f < 6; f++) {
            double v = PV(o, j, fields[f]);
            if (isfinite(v))
                *lo = fmin(*lo, v), *hi = fmax(*hi, v);
        }
        if (isfinite(PV(o, j, S_S1)))
            *minest = fmin(*minest, PV(o, j, S_S1));
        if (isfinite(PV(o, j, S_ST)))
            *minest = fmin(*minest, PV(o, j, S_ST));
        if (isfinite(PV(o, j, S_S1_HI) - PV(o, j, S_S1_LO)))
            *maxwide = fmax(*maxwide, PV(o, j, S_S1_HI) - PV(o, j, S_S1_LO));
        if (isfinite(PV(o, j, S_ST_HI) - PV(o, j, S_ST_LO)))
            *maxwide = fmax(*maxwide, PV(o, j, S_ST_HI) - PV(o, j, S_ST_LO));
    }
}

/* One index bar with its whisker and its value printed above. */
static void sobol_bar(fs_chart *c, const fs_panel *p, double x0, double x1, double est,
                      double lo, double hi, fs_rgb col)
{
    double u = fs_chart_unit(c), top, bw = fs_panel_px(p, x1) - fs_panel_px(p, x0);
    char buf[64];

    if (!isfinite(est))
        return;
    fs_chart_bar(c, p, x0, x1, 0, est, col, 0.95);
    fs_chart_whisker(c, p, (x0 + x1) / 2, lo, hi, grey(0.15));
    fs_format_number(buf, sizeof buf, est, 2);
    top = fmax(fmax(est, 0), isfinite(hi) ? hi : est);
    if (fs_chart_text_width(c, FS_TEXT_VALUE, buf) <= bw + 6 * u)
        fs_chart_text(c, FS_TEXT_VALUE, buf, fs_panel_px(p, (x0 + x1) / 2),
                      fs_panel_py(p, top) - 4 * u, 0.5, 1, 0, grey(0.1), 0);
    else
        fs_chart_text(c, FS_TEXT_VALUE, buf, fs_panel_px(p, (x0 + x1) / 2),
                      fs_panel_py(p, top) - 4 * u, 0, 0.5, 0, grey(0.1), 1);
}

/* Raises the top of the y axis so that the values printed above the
 * highest whiskers fit inside the plot area. */
static void sobol_headroom(fs_chart *c, fs_panel_spec *s, int n)
{
    double u = fs_chart_unit(c), need, slot;
    fs_panel p = fs_chart_panel_layout(c, s);

    slot = p.area.w / (n > 0 ? n : 1) * 0.36;
    need = fs_chart_text_width(c, FS_TEXT_VALUE, "−0.00") <= slot + 6 * u
           ? fs_chart_line_height(c, FS_TEXT_VALUE) : fs_chart_text_width(c, FS_TEXT_VALUE, "−0.00");
    need += 8 * u;
    if (p.area.h > 3 * need)
        s->y.hi += need * (s->y.hi - s->y.lo) / (p.area.h - need);
}

#define LABEL_LINES 3

/* Breaks a label after dots or spaces into at most LABEL_LINES lines no wider than
 * slot, each line as long as fits; a line that still does not fit (no dot
 * to break at, or the last line) is shortened in the middle. Returns the
 * number of lines. */
static int break_path(fs_chart *c, const char *path, double slot, char lines[][TEXT_LEN])
{
    size_t len = strlen(path), start = 0, i;
    char part[TEXT_LEN];
    int n = 0;

    while (start < len && n < LABEL_LINES) {
        size_t end = len, first = 0, best = 0;
        snprintf(part, sizeof part, "%s", path + start);
        if (n < LABEL_LINES - 1 && fs_chart_text_width(c, FS_TEXT_TICK, part) > slot) {
            for (i = start; i + 1 < len && i - start + 2 < sizeof part; i++) {
                if (path[i] != '.' && path[i] != ' ')
                    continue;
                snprintf(part, sizeof part, "%.*s", (int)(i + 1 - start), path + start);
                if (first == 0)
                    first = i + 1;
                if (fs_chart_text_width(c, FS_TEXT_TICK, part) > slot)
                    break;
                best = i + 1;
            }
            end = best ? best : first ? first : len;
        }
        snprintf(part, sizeof part, "%.*s", (int)(end - start), path + start);
        fit_middle(c, FS_TEXT_TICK, part, slot, lines[n], TEXT_LEN);
        n++;
        start = end;
    }
    return n;
}

/* The width each category label may take under the bars. */
static double sobol_slot(fs_chart *c, const fs_panel *p, int n)
{
    return p->area.w / (n > 0 ? n : 1) - 12 * fs_chart_unit(c);
}

/* Category labels under the Sobol bars, drawn here rather than by the
 * panel so that a long path can break into lines at its dots. */
static void sobol_labels(fs_chart *c, const fs_panel *p, const sweep *s, const int *order, int n)
{
    double u = fs_chart_unit(c), slot = sobol_slot(c, p, n), lh = fs_chart_line_height(c, FS_TEXT_TICK);
    double y = p->area.y + p->area.h + 9 * u;
    char lines[LABEL_LINES][TEXT_LEN];
    int i, k, m;

    for (i = 0; i < n; i++) {
        m = break_path(c, s->par[order[i]].label, slot, lines);
        for (k = 0; k < m; k++)
            fs_chart_text(c, FS_TEXT_TICK, lines[k], fs_panel_px(p, i), y + k * lh, 0.5, 0, 0,
                          grey(0.2), 0);
    }
}

/* The note of a Sobol chart without estimates. */
static void sobol_empty_note(const sw_ctx *x, char *buf, size_t n)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    char num[64];
    size_t r;

    for (r = 0; r < x->s->np; r++)
        if (isfinite(x->o->y[r]))
            lo = fmin(lo, x->o->y[r]), hi = fmax(hi, x->o->y[r]);
    fmt_sig(num, sizeof num, lo, 0);
    if (lo == hi)
        snprintf(buf, n, "%s is %s at every design point: with no variance to share out, the "
                 "Sobol indices are undefined (0/0).", x->o->name, num);
    else
        snprintf(buf, n, "sensitivity.csv has no Sobol estimates for %s.", x->o->name);
}

/* The chart's check of the estimates, as sweep.md makes it
 * (fs_sobol_flags): indices outside [0, 1], S1 above ST beyond its
 * interval, too few base rows, and what to do. 0 when all is well. */
static int sobol_check(const sw_ctx *x, char *buf, size_t n)
{
    const sweep *s = x->s;
    const sw_output *o = x->o;
    double pts = s->points ? strtod(s->points, NULL) : (double)s->np, lo = HUGE_VAL, hi = -HUGE_VAL;
    int rows = s->k > 0 ? (int)(pts / (s->k + 2)) : 0, j, nrange = 0, nabove = 0, above = -1;
    size_t len = 0;
    char a[32], b[32];

    for (j = 0; j < s->k; j++) {
        int fl = fs_sobol_flags_of(PV(o, j, S_S1), PV(o, j, S_S1_LO), PV(o, j, S_ST));
        if (fl & (FS_SOBOL_S1_RANGE | FS_SOBOL_ST_RANGE)) {
            nrange++;
            lo = fmin(lo, fmin(PV(o, j, S_S1), PV(o, j, S_ST)));
            hi = fmax(hi, fmax(PV(o, j, S_S1), PV(o, j, S_ST)));
        }
        if (fl & FS_SOBOL_S1_ABOVE_ST)
            nabove++, above = above < 0 ? j : above;
    }
    buf[0] = '\0';
    if (nrange) {
        fs_format_number(a, sizeof a, lo, 2);
        fs_format_number(b, sizeof b, hi, 2);
        len += (size_t)snprintf(buf + len, n - len, "Check: indices outside [0, 1] for %d "
                                "parameter%s (%s to %s)", nrange, nrange > 1 ? "s" : "", a, b);
    }
    if (nabove && len < n)
        len += (size_t)snprintf(buf + len, n - len, "%sS1 above ST beyond its interval for %s%s",
                                len ? "; " : "Check: ", s->par[above].path,
                                nabove > 1 ? " and others" : "");
    if (rows > 0 && rows < FS_SOBOL_SMALL_N && len < n)
        len += (size_t)snprintf(buf + len, n - len, "%sN = %d base rows is small", len ? "; "
                                : "Check: ", rows);
    if (len && len < n)
        snprintf(buf + len, n - len, ". Estimator noise: raise design.n and runs.");
    return len > 0;
}

static void draw_sobol(sw_ctx *x, fs_chart *c)
{
    const sweep *s = x->s;
    const sw_output *o = x->o;
    const char *cats[SOBOL_COLS];
    char names[SOBOL_COLS][TEXT_LEN], foot[1400], head[TEXT_LEN + 64], note[TEXT_LEN], num[64];
    int *order = malloc(s->k * sizeof *order), i, n, nfin = 0, own_labels;
    double *key = malloc(s->k * sizeof *key), lo, hi, minest, wide, u = fs_chart_unit(c);
    fs_rgb c1 = fs_palette(FS_SKY_BLUE), ct = fs_palette(FS_BLUE);
    fs_legend_item leg[3];
    fs_panel_spec ps;
    fs_panel p;
    fs_rect body;

    footnote(x, foot, sizeof foot, "S1: the share of the output's variance due to the parameter "
             "alone (Saltelli et al. 2010); ST: including all its interactions (Jansen 1999); "
             "ST − S1 measures interaction. Whiskers: bootstrap 95% intervals. Sorted by ST.",
             "sensitivity.csv, sweep_params.csv, meta.csv");
    body = fs_chart_frame(c, s->name, x->sub, foot);
    snprintf(head, sizeof head, "Sobol indices: %s", x->what);
    body = heading(c, body, head);
    if (order == NULL || key == NULL) {
        free(order);
        free(key);
        return;
    }
    for (i = 0; i < s->k; i++) {
        order[i] = i;
        key[i] = PV(o, i, S_ST);
        nfin += isfinite(PV(o, i, S_S1)) || isfinite(PV(o, i, S_ST));
    }
    sort_desc(order, s->k, key);
    n = s->k < SOBOL_COLS ? s->k : SOBOL_COLS;
    leg[0] = legend("First order S1 (the parameter alone)", c1, FS_KEY_BAR, 1);
    leg[1] = legend("Total ST (with its interactions)", ct, FS_KEY_BAR, 1);
    leg[2] = legend("95% bootstrap interval", grey(0.15), FS_KEY_WHISKER, 1);
    body = fs_chart_legend(c, body, leg, 3);
    sobol_extent(o, order, n, &lo, &hi, &minest, &wide);
    if (n < s->k) {
        snprintf(note, sizeof note, "Showing the %d largest total indices of %d parameters.", n,
                 s->k);
        body = remark(c, body, note);
    }
    if (sobol_check(x, note, sizeof note))
        body = remark(c, body, note);
    if (wide > 0.3) {
        fs_format_number(num, sizeof num, wide, 2);
        snprintf(note, sizeof note, "Some 95%% intervals are wide (up to %s): more base rows N "
                 "would narrow them; rank the parameters with care.", num);
        body = remark(c, body, note);
    }
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.x.cats = cats;
    ps.x.ncats = n;
    ps.y.label = "Sensitivity index (share of the output's variance)";
    ps.y.lo = lo;
    ps.y.hi = hi;
    ps.y.fixed = 1;
    /* Labels of up to three lines under the bars when there is room for
     * them; otherwise the panel turns them upwards. */
    for (i = 0; i < n; i++)
        cats[i] = "";
    ps.x.hide_ticklabels = 1;
    ps.bottom = LABEL_LINES * fs_chart_line_height(c, FS_TEXT_TICK) + 16 * u;
    p = fs_chart_panel_layout(c, &ps);
    own_labels = sobol_slot(c, &p, n) >= 90 * u;
    if (own_labels) {
        char lines[LABEL_LINES][TEXT_LEN];
        int m = 1;
        for (i = 0; i < n; i++) {
            int k = break_path(c, s->par[order[i]].label, sobol_slot(c, &p, n), lines);
            m = k > m ? k : m;
        }
        ps.bottom = m * fs_chart_line_height(c, FS_TEXT_TICK) + 16 * u;
    }
    for (i = 0; i < n && !own_labels; i++) {
        fit_middle(c, FS_TEXT_TICK, s->par[order[i]].label, fmin(body.h * 0.28, 360 * u),
                   names[i], sizeof names[i]);
        cats[i] = names[i];
    }
    if (!own_labels)
        ps.x.hide_ticklabels = 0, ps.bottom = 0;
    sobol_headroom(c, &ps, n);
    p = fs_chart_panel(c, &ps);
    if (own_labels)
        sobol_labels(c, &p, s, order, n);
    if (lo < 0) {
        double zx[2] = { -0.5, n - 0.5 }, zy[2] = { 0, 0 };
        fs_chart_line(c, &p, zx, zy, 2, grey(0.3), 1.2, 0);
    }
    if (p.y.hi > 1) {
        /* No true index exceeds 1: the line shows the estimates that do. */
        double zx[2] = { -0.5, n - 0.5 }, zy[2] = { 1, 1 };
        fs_chart_line(c, &p, zx, zy, 2, fs_palette(FS_VERMILLION), 1.4, 1);
    }
    for (i = 0; i < n; i++) {
        int j = order[i];
        sobol_bar(c, &p, i - 0.39, i - 0.01, PV(o, j, S_S1), PV(o, j, S_S1_LO), PV(o, j, S_S1_HI), c1);
        sobol_bar(c, &p, i + 0.01, i + 0.39, PV(o, j, S_ST), PV(o, j, S_ST_LO), PV(o, j, S_ST_HI), ct);
    }
    x->nrows = n < FS_SWEEP_GEOM_ROWS ? n : FS_SWEEP_GEOM_ROWS;
    memcpy(x->row_param, order, x->nrows * sizeof *order);
    if (nfin == 0) {
        sobol_empty_note(x, note, sizeof note);
        fs_chart_note(c, &p, note);
    }
    free(order);
    free(key);
}

/* ---- 3. Morris screening ---- */

typedef struct box2 {
    double x0, y0, x1, y1;
} box2;

static double overlap(const box2 *a, const box2 *b)
{
    double w = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
    double h = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
    return w > 0 && h > 0 ? w * h : 0;
}

/* Whether the segment (x0, y0)-(x1, y1) passes through box b (Liang and
 * Barsky's clipping test). */
static int seg_hits_box(double x0, double y0, double x1, double y1, const box2 *b)
{
    double p[4] = { -(x1 - x0), x1 - x0, -(y1 - y0), y1 - y0 };
    double q[4] = { x0 - b->x0, b->x1 - x0, y0 - b->y0, b->y1 - y0 };
    double t0 = 0, t1 = 1;
    int i;

    for (i = 0; i < 4; i++) {
        double t;
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;
            continue;
        }
        t = q[i] / p[i];
        if (p[i] < 0)
            t0 = fmax(t0, t);
        else
            t1 = fmin(t1, t);
        if (t0 > t1)
            return 0;
    }
    return 1;
}

/* Labels placed so far: boxes (points first, then labels) and the leader
 * lines drawn to labels. */
typedef struct label_room {
    box2 *box;
    int nbox, npoints;
    box2 *lead;         /* leader segments as (x0, y0) -> (x1, y1) */
    int nlead;
    fs_rect area;
} label_room;

/* The end of a leader from (px, py) to the nearest point of b. */
static void leader_end(double px, double py, const box2 *b, double *tx, double *ty)
{
    *tx = fmin(fmax(px, b->x0), b->x1);
    *ty = fmin(fmax(py, b->y0), b->y1);
}

/* How bad a label box is: the area it shares with points and labels,
 * leaving the plot area, and, when it needs a leader, leaders crossing
 * labels or other leaders' paths through it. */
static double placement_cost(const box2 *b, const label_room *lr, double px, double py, int far)
{
    const fs_rect *a = &lr->area;
    double cost = 0, out, tx, ty;
    int i;

    for (i = 0; i < lr->nbox; i++) {
        double ov = overlap(b, &lr->box[i]);
        cost += ov > 0 ? 2000 + ov : 0;   /* any overlap is worse than a crossing */
    }
    out = fmax(0, a->x - b->x0) + fmax(0, b->x1 - (a->x + a->w)) + fmax(0, a->y - b->y0)
          + fmax(0, b->y1 - (a->y + a->h));
    cost += out * 1000;
    for (i = 0; i < lr->nlead; i++)
        if (seg_hits_box(lr->lead[i].x0, lr->lead[i].y0, lr->lead[i].x1, lr->lead[i].y1, b))
            cost += 300;
    if (far) {
        leader_end(px, py, b, &tx, &ty);
        for (i = lr->npoints; i < lr->nbox; i++)
            if (seg_hits_box(px, py, tx, ty, &lr->box[i]))
                cost += 300;
        /* a leader along an axis line would not be seen */
        if ((fabs(tx - a->x) < 3 && fabs(px - a->x) < 3)
            || (fabs(ty - (a->y + a->h)) < 3 && fabs(py - (a->y + a->h)) < 3))
            cost += 700;
    }
    return cost;
}

/* Chooses a box of w x h for the label of the point (px, py): the first
 * of sixteen directions, at growing distances, that touches nothing
 * placed; else the least bad. *far says whether it needs a leader. */
static box2 place_label(const label_room *lr, double px, double py, double w, double h,
                        double r, double u, int *far)
{
    box2 best = { px, py, px + w, py + h };
    double best_cost = HUGE_VAL;
    int ring, d;

    *far = 0;
    for (ring = 0; ring < 14; ring++) {
        double dist = r + 3 * u + ring * 14 * u;
        for (d = 0; d < 16; d++) {
            /* right, left, above, below first: the usual places */
            static const int seq[16] = { 0, 8, 12, 4, 14, 10, 2, 6, 15, 13, 9, 11, 1, 7, 3, 5 };
            double th = seq[d] * M_PI / 8, cs = cos(th), sn = sin(th);
            double cx = px + cs * (dist + w / 2 * fabs(cs)) , cy = py + sn * (dist + h / 2 * fabs(sn));
            box2 b = { cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2 };
            double cost = placement_cost(&b, lr, px, py, ring > 0) + ring * 1e-3 + d * 1e-5;
            if (cost < 0.5) {
                *far = ring > 0;
                return b;
            }
            if (cost < best_cost) {
                best_cost = cost;
                best = b;
                *far = ring > 0;
            }
        }
    }
    return best;
}

/* A grey line from a point to the nearest edge of its label's box. */
static void leader(fs_chart *c, double px, double py, const box2 *b, double r, box2 *seg)
{
    fs_panel pg = page_panel(c);
    double tx, ty, dx, dy, d, xs[2], ys[2];

    leader_end(px, py, b, &tx, &ty);
    dx = tx - px;
    dy = ty - py;
    d = sqrt(dx * dx + dy * dy);
    seg->x0 = px;
    seg->y0 = py;
    seg->x1 = tx;
    seg->y1 = ty;
    if (d <= r)
        return;
    xs[0] = px + dx / d * r;
    ys[0] = py + dy / d * r;
    xs[1] = tx;
    ys[1] = ty;
    fs_chart_line(c, &pg, xs, ys, 2, grey(0.5), 1, 0);
}

#define GROUP_MAX 6

/* Labels the points in order of importance, each where it collides with
 * nothing placed before it (points, labels, leader lines), on a light
 * backing so that grid and reference lines do not run through the text.
 * Points drawn on top of each other share one label of several lines. */
static void morris_labels(fs_chart *c, const fs_panel *p, const sw_ctx *x, const int *order,
                          int n, label_room *lr)
{
    fs_panel pg = page_panel(c);
    double u = fs_chart_unit(c), r = 6 * u, h = fs_chart_line_height(c, FS_TEXT_TICK);
    char lines[GROUP_MAX][TEXT_LEN];
    int *done = calloc(n > 0 ? n : 1, sizeof *done), i, k, far, m;

    for (i = 0; done && i < n && i < MORRIS_LABELS; i++) {
        double px = fs_panel_px(p, PV(x->o, order[i], M_MUSTAR));
        double py = fs_panel_py(p, PV(x->o, order[i], M_SIGMA)), w = 0;
        box2 b;
        if (done[i])
            continue;
        for (k = i, m = 0; k < n && k < MORRIS_LABELS && m < GROUP_MAX; k++) {
            double qx = fs_panel_px(p, PV(x->o, order[k], M_MUSTAR));
            double qy = fs_panel_py(p, PV(x->o, order[k], M_SIGMA));
            if (done[k] || hypot(qx - px, qy - py) > 1.2 * r)
                continue;
            done[k] = 1;
            fit_middle(c, FS_TEXT_TICK, x->s->par[order[k]].label, fmin(320 * u, p->area.w * 0.4),
                       lines[m], sizeof lines[m]);
            w = fmax(w, fs_chart_text_width(c, FS_TEXT_TICK, lines[m]) + 6 * u);
            m++;
        }
        b = place_label(lr, px, py, w, m * h, r, u, &far);
        lr->box[lr->nbox++] = b;
        if (far)
            leader(c, px, py, &b, r + 1 * u, &lr->lead[lr->nlead++]);
        fs_chart_rect(c, &pg, b.x0, b.y0, b.x1, b.y1, grey(1), 0.8);
        for (k = 0; k < m; k++)
            fs_chart_text(c, FS_TEXT_TICK, lines[k], (b.x0 + b.x1) / 2, b.y0 + (k + 0.5) * h, 0.5,
                          0.5, 0, grey(0.12), 0);
    }
    free(done);
}

static void draw_morris(sw_ctx *x, fs_chart *c)
{
    const sweep *s = x->s;
    const sw_output *o = x->o;
    int *order = malloc(s->k * sizeof *order), i, n = 0, nt = 0, nleg = 0, levers = 0;
    double *key = calloc(s->k ? s->k : 1, sizeof *key), xmax = 0, ymax = 0;
    double u = fs_chart_unit(c), lx[2], ly[2], lend, r = 6 * u;
    box2 *taken = malloc((3 * (size_t)s->k + 2) * sizeof *taken);
    label_room lr;
    char foot[1400], head[TEXT_LEN + 64], xl[TEXT_LEN + 96], note[TEXT_LEN];
    fs_legend_item leg[3];
    fs_panel_spec ps;
    fs_panel p;
    fs_rect body;

    footnote(x, foot, sizeof foot, "Each point is one parameter, from its elementary effects "
             "along the Morris trajectories (Morris 1991; μ* as in Campolongo et al. 2007). "
             "Reading: high μ* = important; high σ/μ* (above the dashed line σ = μ*) = nonlinear "
             "or interacting; both near 0 = negligible over its range.",
             "sensitivity.csv, sweep_params.csv, meta.csv");
    body = fs_chart_frame(c, s->name, x->sub, foot);
    snprintf(head, sizeof head, "Morris screening: %s", x->what);
    body = heading(c, body, head);
    if (order == NULL || key == NULL || taken == NULL) {
        free(order);
        free(key);
        free(taken);
        return;
    }
    for (i = 0; i < s->k; i++) {
        double m = PV(o, i, M_MUSTAR), sg = PV(o, i, M_SIGMA);
        key[i] = m;
        levers += s->par[i].lever;
        if (!isfinite(m) || !isfinite(sg))
            continue;
        order[n++] = i;
        xmax = fmax(xmax, m);
        ymax = fmax(ymax, sg);
    }
    sort_desc(order, n, key);
    if (levers > 0)
        leg[nleg++] = legend("Policy lever", fs_palette(FS_VERMILLION), FS_KEY_BAR, 1);
    if (levers < s->k)
        leg[nleg++] = legend("Uncertainty", fs_palette(FS_BLUE), FS_KEY_BAR, 1);
    leg[nleg++] = legend("σ = μ*", grey(0.45), FS_KEY_DASH, 1);
    body = fs_chart_legend(c, body, leg, nleg);
    if (n > MORRIS_LABELS) {
        snprintf(note, sizeof note, "Labels for the %d largest μ* of %d parameters.",
                 MORRIS_LABELS, n);
        body = remark(c, body, note);
    }
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    snprintf(xl, sizeof xl, "μ*: mean |elementary effect| (change in %s over a parameter's "
             "whole range)", o->name);
    ps.x.label = xl;
    ps.x.lo = 0;
    ps.x.hi = xmax > 0 ? xmax * 1.06 : 1;
    ps.y.label = "σ: standard deviation of the elementary effects";
    ps.y.lo = 0;
    ps.y.hi = ymax > 0 ? ymax * 1.08 : 1;
    p = fs_chart_panel(c, &ps);
    lend = fmax(p.x.hi, p.y.hi);
    lx[0] = ly[0] = 0;
    lx[1] = ly[1] = lend;
    fs_chart_line(c, &p, lx, ly, 2, grey(0.45), 1.5, 1);
    for (i = 0; i < n; i++) {
        int j = order[i];
        double px = fs_panel_px(&p, PV(o, j, M_MUSTAR)), py = fs_panel_py(&p, PV(o, j, M_SIGMA));
        box2 b = { px - r, py - r, px + r, py + r };
        taken[nt++] = b;
    }
    lr.box = taken;
    lr.nbox = lr.npoints = nt;
    lr.lead = taken + 2 * (size_t)s->k + 1;
    lr.nlead = 0;
    lr.area = p.area;
    for (i = n - 1; i >= 0; i--)   /* the most important drawn last, on top */
        fs_chart_point(c, &p, PV(o, order[i], M_MUSTAR), PV(o, order[i], M_SIGMA), 6,
                       fs_palette(s->par[order[i]].lever ? FS_VERMILLION : FS_BLUE));
    morris_labels(c, &p, x, order, n, &lr);
    if (n == 0) {
        snprintf(note, sizeof note, "sensitivity.csv has no Morris values for %s.", o->name);
        fs_chart_note(c, &p, note);
    } else if (xmax == 0 && ymax == 0) {
        snprintf(note, sizeof note, "Every elementary effect is 0: no parameter moves %s over "
                 "its range.", o->name);
        fs_chart_note(c, &p, note);
    }
    free(order);
    free(key);
    free(taken);
}

/* ---- 4. grid heatmap ---- */

/* The distinct finite values of column j, sorted; returns their count,
 * or -1 when there are more than max. */
static int levels_of(const sweep *s, int j, double *lv, int max)
{
    size_t r;
    int n = 0, i, k;
    for (r = 0; r < s->np; r++) {
        double v = s->x[r * s->k + j];
        if (!isfinite(v))
            continue;
        for (i = 0; i < n && lv[i] < v; i++)
            ;
        if (i < n && lv[i] == v)
            continue;
        if (n == max)
            return -1;
        for (k = n; k > i; k--)
            lv[k] = lv[k - 1];
        lv[i] = v;
        n++;
    }
    return n;
}

static int level_at(const double *lv, int n, double v)
{
    int i;
    for (i = 0; i < n; i++)
        if (lv[i] == v)
            return i;
    return -1;
}

typedef struct heat {
    double lv0[GRID_LEVELS], lv1[GRID_LEVELS];
    int n0, n1;
    double val[GRID_LEVELS * GRID_LEVELS];
    double lo, hi;
    char xc[GRID_LEVELS][64], yc[GRID_LEVELS][64];
    const char *xcat[GRID_LEVELS], *ycat[GRID_LEVELS];
} heat;

static void heat_fill(heat *h, const sweep *s, const sw_output *o)
{
    size_t r;
    int i;

    h->lo = HUGE_VAL;
    h->hi = -HUGE_VAL;
    for (i = 0; i < GRID_LEVELS * GRID_LEVELS; i++)
        h->val[i] = NAN;
    for (r = 0; r < s->np; r++) {
        int a = level_at(h->lv0, h->n0, s->x[r * 2]), b = level_at(h->lv1, h->n1, s->x[r * 2 + 1]);
        if (a < 0 || b < 0 || !isfinite(o->y[r]))
            continue;
        h->val[a * GRID_LEVELS + b] = o->y[r];
        h->lo = fmin(h->lo, o->y[r]);
        h->hi = fmax(h->hi, o->y[r]);
    }
    for (i = 0; i < h->n0; i++) {
        fmt_sig(h->xc[i], sizeof h->xc[i], h->lv0[i], s->par[0].integer);
        h->xcat[i] = h->xc[i];
    }
    for (i = 0; i < h->n1; i++) {   /* rows run top to bottom: highest level on top */
        fmt_sig(h->yc[i], sizeof h->yc[i], h->lv1[h->n1 - 1 - i], s->par[1].integer);
        h->ycat[i] = h->yc[i];
    }
}

/* A cell's value as the other charts print it: a probability as a
 * percentage ("36.0%"), else at d decimals. */
static void heat_value(char *buf, size_t n, double v, int d, int pct)
{
    if (pct)
        fs_format_percent(buf, n, v);
    else
        fs_format_number(buf, n, v, d);
}

static void heat_cells(fs_chart *c, const fs_panel *p, const heat *h, int pct)
{
    int d = range_decimals(h->lo, h->hi), i, j;
    char buf[64], widest[64] = "";
    double ww = 0;

    for (i = 0; i < h->n0; i++)
        for (j = 0; j < h->n1; j++) {
            double w;
            heat_value(buf, sizeof buf, h->val[i * GRID_LEVELS + j], d, pct);
            w = fs_chart_text_width(c, FS_TEXT_VALUE, buf);
            if (w > ww)
                ww = w, snprintf(widest, sizeof widest, "%s", buf);
        }
    for (i = 0; i < h->n0; i++)
        for (j = 0; j < h->n1; j++) {
            double v = h->val[i * GRID_LEVELS + j];
            double t = h->hi > h->lo ? (v - h->lo) / (h->hi - h->lo) : 0.5;
            heat_value(buf, sizeof buf, v, d, pct);
            fs_chart_cell(c, p, i, h->n1 - 1 - j, fs_sequential(isfinite(v) ? t : NAN),
                          isfinite(v) ? buf : "–", widest);
        }
}

static void draw_heatmap(sw_ctx *x, fs_chart *c)
{
    const sweep *s = x->s;
    const sw_output *o = x->o;
    heat *h = calloc(1, sizeof *h);
    double u = fs_chart_unit(c), se = median_finite(o->se, s->np);
    char foot[1400], head[TEXT_LEN + 64], text[TEXT_LEN], num[64];
    fs_panel_spec ps;
    fs_panel p;
    fs_rect body, bar;

    int i, grey_cells = 0;

    if (h == NULL)
        return;
    h->n0 = levels_of(s, 0, h->lv0, GRID_LEVELS);
    h->n1 = levels_of(s, 1, h->lv1, GRID_LEVELS);
    if (h->n0 < 0 || h->n1 < 0)
        h->n0 = h->n1 = 0;
    heat_fill(h, s, o);
    for (i = 0; i < h->n0 * h->n1; i++)
        grey_cells += isnan(h->val[(i / h->n1) * GRID_LEVELS + i % h->n1]);
    se_text(o, se, num, sizeof num);
    snprintf(text, sizeof text, "Each cell: the output at one grid point, every other setting "
             "as in the base scenario%s%s%s.%s", isfinite(se)
             ? "; typical Monte Carlo standard error of a cell ±" : "", isfinite(se) ? num : "",
             isfinite(se) ? " (median over the points)" : "",
             grey_cells ? " Grey cells: no value." : "");
    footnote(x, foot, sizeof foot, text, "sweep.csv, sweep_params.csv, meta.csv");
    body = fs_chart_frame(c, s->name, x->sub, foot);
    snprintf(head, sizeof head, "Over the grid: %s", x->what);
    body = heading(c, body, head);
    if (h->n0 > 0 && h->n1 > 0 && h->lo == h->hi) {
        fmt_sig(num, sizeof num, h->lo, 0);
        snprintf(text, sizeof text, "The output is %s at every grid point.", num);
        body = remark(c, body, text);
    }
    bar = body;
    bar.h = 44 * u;
    body.h -= bar.h + 10 * u;
    bar.y = body.y + body.h + 10 * u;
    memset(&ps, 0, sizeof ps);
    ps.box = body;
    ps.x.cats = h->n0 > 0 ? h->xcat : NULL;
    ps.x.ncats = h->n0;
    ps.y.cats = h->n1 > 0 ? h->ycat : NULL;
    ps.y.ncats = h->n1;
    ps.x.label = s->par[0].label;
    ps.y.label = s->par[1].label;
    p = fs_chart_panel(c, &ps);
    if (h->n0 > 0 && h->n1 > 0)
        heat_cells(c, &p, h, is_probability(o));
    if (h->n0 == 0 || h->n1 == 0) {
        fs_chart_note(c, &p, s->np == 0 ? "sweep.csv has no design points."
                      : "Too many grid levels to draw a heatmap (at most 60 per parameter).");
    } else if (h->hi > h->lo) {
        bar.x = p.area.x + p.area.w * 0.2;
        bar.w = p.area.w * 0.6;
        if (is_probability(o)) {
            /* In percent, as the cells and the run charts print shares. */
            snprintf(text, sizeof text, "%s, %%", o->name);
            fs_chart_colourbar(c, bar, 100 * h->lo, 100 * h->hi, 0,
                               range_decimals(100 * h->lo, 100 * h->hi), text);
        } else {
            fs_chart_colourbar(c, bar, h->lo, h->hi, 0, range_decimals(h->lo, h->hi), o->name);
        }
    }
    free(h);
}

/* ---- 5. scatter of the output against each parameter ---- */


/* The parameters drawn: all of them, or the SCATTER_PANELS with the
 * largest swings, in parameter order. Returns how many. */
static int scatter_params(const sw_ctx *x, int *sel)
{
    const sweep *s = x->s;
    int i, n = s->k < SCATTER_PANELS ? s->k : SCATTER_PANELS;
    int *order = malloc(s->k * sizeof *order);
    double *key = malloc(s->k * sizeof *key);

    if (order == NULL || key == NULL || n == s->k) {
        for (i = 0; i < n; i++)
            sel[i] = i;
        free(order);
        free(key);
        return n;
    }
    for (i = 0; i < s->k; i++) {
        order[i] = i;
        key[i] = swing_of(x->o, i);
    }
    sort_desc(order, s->k, key);
    memcpy(sel, order, n * sizeof *sel);
    for (i = 1; i < n; i++) {   /* back into parameter order */
        int t = sel[i], j;
        for (j = i - 1; j >= 0 && sel[j] > t; j--)
            sel[j + 1] = sel[j];
        sel[j + 1] = t;
    }
    free(order);
    free(key);
    return n;
}

/* Dot size and opacity for n points: solid dots for a few, small
 * translucent ones for thousands, so that density still shows. */
static void dot_style(size_t n, double *r, double *alpha)
{
    *r = n <= 300 ? 3.6 : n <= 1500 ? 2.6 : n <= 6000 ? 1.9 : 1.4;
    *alpha = n <= 300 ? 0.85 : n <= 1500 ? 0.5 : n <= 6000 ? 0.3 : 0.18;
}

/* The x extent of parameter j: its range and every value drawn (the
 * axis widens it to whole ticks; dots at the ends still show whole). */
static void scatter_x_range(const sweep *s, int j, double *lo, double *hi)
{
    size_t r;
    *lo = s->par[j].lo;
    *hi = s->par[j].hi;
    for (r = 0; r < s->np; r++) {
        double v = s->x[r * s->k + j];
        if (isfinite(v))
            *lo = fmin(*lo, v), *hi = fmax(*hi, v);
    }
}

/* A panel's title: the path in bold, shortened in the middle if needed,
 * then the parameter's kind in grey. */
static void scatter_title(fs_chart *c, const fs_panel_spec *ps, const fs_panel *p,
                          const sw_param *par)
{
    const char *tag = par->lever ? "lever" : "uncertainty";
    double u = fs_chart_unit(c), lh = fs_chart_line_height(c, FS_TEXT_PANEL);
    double room = ps->box.x + ps->box.w - p->area.x, tw = fs_chart_text_width(c, FS_TEXT_TICK, tag);
    double w;
    char buf[TEXT_LEN];

    fit_middle(c, FS_TEXT_PANEL, par->label, room - tw - 12 * u, buf, sizeof buf);
    w = fs_chart_text(c, FS_TEXT_PANEL, buf, p->area.x, ps->box.y + lh / 2, 0, 0.5, room, ink(),
                      0);
    fs_chart_text(c, FS_TEXT_TICK, tag, p->area.x + w + 10 * u, ps->box.y + lh / 2, 0, 0.5,
                  0, grey(0.42), 0);
}

static void scatter_panel(fs_chart *c, const sw_ctx *x, int j, fs_panel_spec *ps, double *xs)
{
    const sweep *s = x->s;
    double r, alpha;
    fs_panel p;
    size_t i;

    p = fs_chart_panel(c, ps);
    scatter_title(c, ps, &p, &s->par[j]);
    for (i = 0; i < s->np; i++)
        xs[i] = s->x[i * s->k + j];
    fs_chart_vline(c, &p, s->par[j].base, grey(0.35), 1.3, 1);
    dot_style(s->np, &r, &alpha);
    fs_chart_dots(c, &p, xs, x->o->y, (int)s->np, r, fs_palette(FS_BLUE), alpha);
}

static void scatter_footnote(const sw_ctx *x, char *foot, size_t n, size_t nfin)
{
    char text[TEXT_LEN * 2], num[64], pts[64];
    double se = median_finite(x->o->se, x->s->np);
    int len;

    fs_format_number(pts, sizeof pts, (double)nfin, 0);
    if (x->s->k > 1)
        len = snprintf(text, sizeof text, "Each dot: one design point (%s in all), the output "
                       "against the parameter's value while the other parameters vary too, so "
                       "the vertical spread shows their effects and the Monte Carlo noise. Same "
                       "y axis in every panel.", pts);
    else
        len = snprintf(text, sizeof text, "Each dot: one design point (%s in all), the output "
                       "against the parameter's value; the vertical spread is Monte Carlo "
                       "noise.", pts);
    if (isfinite(se) && len > 0 && (size_t)len < sizeof text) {
        se_text(x->o, se, num, sizeof num);
        if (se > 0)
            snprintf(text + len, sizeof text - len, " Typical Monte Carlo standard error of a "
                     "point: ±%s (median over the points).", num);
        else
            snprintf(text + len, sizeof text - len, " The Monte Carlo standard errors are 0 "
                     "(the runs of a point agree).");
    }
    footnote(x, foot, n, text, "sweep.csv, sweep_params.csv, meta.csv");
}

static void draw_scatter(sw_ctx *x, fs_chart *c)
{
    const sweep *s = x->s;
    const sw_output *o = x->o;
    int sel[SCATTER_PANELS], n, i, cols, rows;
    double ylo = HUGE_VAL, yhi = -HUGE_VAL, u = fs_chart_unit(c), pw, ph, left = 0;
    double *xs = malloc((s->np ? s->np : 1) * sizeof *xs);
    char foot[1600], head[TEXT_LEN + 64], note[TEXT_LEN], num[64];
    size_t r, nfin = 0;
    fs_legend_item leg[2];
    fs_panel_spec ps;
    fs_rect body;

    for (r = 0; r < s->np; r++)
        if (isfinite(o->y[r]))
            ylo = fmin(ylo, o->y[r]), yhi = fmax(yhi, o->y[r]), nfin++;
    scatter_footnote(x, foot, sizeof foot, nfin);
    body = fs_chart_frame(c, s->name, x->sub, foot);
    snprintf(head, sizeof head, "Every design point: %s", x->what);
    body = heading(c, body, head);
    if (xs == NULL)
        return;
    leg[0] = legend("Design point", fs_palette(FS_BLUE), FS_KEY_BAR, 1);
    leg[1] = legend("The parameter's base value", grey(0.35), FS_KEY_MARKER, 1);
    body = fs_chart_legend(c, body, leg, 2);
    n = scatter_params(x, sel);
    if (n < s->k) {
        snprintf(note, sizeof note, "Showing the %d parameters with the largest swings, of %d.",
                 n, s->k);
        body = remark(c, body, note);
    }
    if (nfin > 0 && ylo == yhi) {
        fmt_sig(num, sizeof num, ylo, 0);
        snprintf(note, sizeof note, "The output is %s at every design point.", num);
        body = remark(c, body, note);
    }
    if (nfin < s->np) {
        snprintf(note, sizeof note, "%zu of %zu points have no value (empty in sweep.csv) and "
                 "are left out.", s->np - nfin, s->np);
        body = remark(c, body, note);
    }
    if (nfin == 0)
        ylo = 0, yhi = 1;
    /* A margin around the data, so that no dot sits on the axis or the
     * frame; the axis keeps that range (ticks fall inside it). */
    {
        double pad = yhi > ylo ? 0.06 * (yhi - ylo) : fmax(fabs(ylo) * 0.06, 0.05);
        ylo -= pad, yhi += pad;
    }
    fs_chart_grid_shape(n, body, 1.4, &cols, &rows);
    pw = body.w / cols;
    ph = body.h / rows;
    for (i = 0; i < n; i++) {
        memset(&ps, 0, sizeof ps);
        ps.box.w = pw - 16 * u;
        ps.box.h = ph - 12 * u;
        ps.y.label = (i % cols) == 0 ? o->name : NULL;
        ps.y.lo = ylo;
        ps.y.hi = yhi;
        ps.y.fixed = 1;
        ps.y.percent = is_probability(o);
        left = fmax(left, fs_chart_panel_left(c, &ps));
    }
    for (i = 0; i < n; i++) {
        int j = sel[i];
        memset(&ps, 0, sizeof ps);
        ps.box.x = body.x + (i % cols) * pw;
        ps.box.y = body.y + (i / cols) * ph;
        ps.box.w = pw - 16 * u;
        ps.box.h = ph - 12 * u;
        ps.top = fs_chart_line_height(c, FS_TEXT_PANEL) + 4 * u;
        ps.y.label = (i % cols) == 0 ? o->name : NULL;
        ps.y.lo = ylo;
        ps.y.hi = yhi;
        ps.y.fixed = 1;
        ps.y.percent = is_probability(o);
        ps.y.hide_ticklabels = (i % cols) != 0;
        ps.left = left;
        ps.x.integer = s->par[j].integer;
        scatter_x_range(s, j, &ps.x.lo, &ps.x.hi);
        scatter_panel(c, x, j, &ps, xs);
        if (s->np == 0 && i == 0)
            fs_chart_note(c, fs_chart_panel_at(c, fs_chart_npanels(c) - 1),
                          "sweep.csv has no design points.");
    }
    free(xs);
}

/* ---- drawing every chart ---- */

typedef enum job_kind {
    JOB_TORNADO = 0, JOB_SOBOL, JOB_MORRIS, JOB_HEATMAP, JOB_SCATTER, JOB_N
} job_kind;

static const char *const job_prefix[JOB_N] = { "tornado", "sobol", "morris", "heatmap",
                                              "scatter" };

typedef void (*draw_fn)(sw_ctx *, fs_chart *);

static const draw_fn job_fns[JOB_N] = { draw_tornado, draw_sobol, draw_morris, draw_heatmap,
                                        draw_scatter };

static int job_applies(const sweep *s, const sw_output *o, job_kind k)
{
    switch (k) {
    case JOB_SOBOL:
        return o->has_sobol;
    case JOB_MORRIS:
        return o->has_morris;
    case JOB_HEATMAP:
        return strcmp(s->design, "grid") == 0 && s->k == 2;
    default:
        return 1;
    }
}

static void record_geom(fs_sweep_geom *g, const char *name, const fs_chart *c,
                        const fs_plot_opts *o, const sw_ctx *x)
{
    int i;
    snprintf(g->name, sizeof g->name, "%s", name);
    g->plot.width = o->width;
    g->plot.height = o->height;
    g->plot.npanels = fs_chart_npanels(c);
    for (i = 0; i < g->plot.npanels; i++)
        g->plot.panel[i] = *fs_chart_panel_at(c, i);
    g->nrows = x->nrows;
    memcpy(g->row_param, x->row_param, sizeof g->row_param);
}

/* Opens, draws and finishes one chart into its temp file. */
static fs_chart *draw_one(const sweep *s, int oi, job_kind k, const fs_plot_opts *o,
                          const char *outdir, fs_sweep_geom *g, fs_err *err)
{
    char name[FS_SWEEP_CHART_NAME_MAX], file[FS_SWEEP_CHART_NAME_MAX + 8], path[PATH_LEN];
    sw_ctx x;
    fs_chart *c;

    snprintf(name, sizeof name, "%s_%s", job_prefix[k], s->out[oi].file);
    snprintf(file, sizeof file, "%s.%s", name, fs_chart_format_ext(o->format));
    if (fs_path_join(path, sizeof path, outdir, file) == NULL) {
        fs_err_set(err, FS_EUSAGE, "output path too long: %s/%s", outdir, file);
        return NULL;
    }
    c = fs_chart_open(path, o->format, o->width, o->height, err);
    if (c == NULL)
        return NULL;
    ctx_init(&x, s, &s->out[oi]);
    job_fns[k](&x, c);
    if (g)
        record_geom(g, name, c, o, &x);
    if (fs_chart_finish(c, err) != FS_OK) {
        fs_chart_free(c);
        return NULL;
    }
    return c;
}

static fs_status sweep_draw(const sweep *s, const char *dir, const fs_plot_opts *opts,
                            fs_sweep_geom *geom, int cap, int *ndrawn, fs_err *err)
{
    fs_chart **charts = calloc((size_t)s->nout * JOB_N, sizeof *charts);
    const char *outdir;
    fs_plot_opts o;
    fs_status st = FS_OK;
    int i, k, n = 0;

    if (charts == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory drawing the charts of %s", dir);
    fs_plot_opts_resolve(opts, &o);
    outdir = o.outdir ? o.outdir : dir;
    if (o.outdir && (st = fs_mkdir_p(outdir, err)) != FS_OK)
        goto done;
    for (i = 0; i < s->nout; i++)
        for (k = 0; k < JOB_N; k++) {
            if (!job_applies(s, &s->out[i], (job_kind)k))
                continue;
            charts[n] = draw_one(s, i, (job_kind)k, &o, outdir, n < cap ? &geom[n] : NULL, err);
            if (charts[n] == NULL) {
                st = err ? err->code : FS_EIO;
                goto done;
            }
            n++;
        }
    for (i = 0; i < n; i++) {
        fs_status cs = fs_chart_commit(charts[i], st == FS_OK ? err : NULL);
        if (cs != FS_OK && st == FS_OK)
            st = cs;
    }
done:
    for (i = 0; i < n; i++)
        fs_chart_free(charts[i]);
    free(charts);
    if (ndrawn)
        *ndrawn = n;
    return st;
}

fs_status fs_plot_sweep_dir_geom(const char *dir, const fs_plot_opts *opts,
                                 fs_sweep_geom *geom, int cap, int *n, fs_err *err)
{
    sweep *s;
    fs_status st;

    if (n)
        *n = 0;
    s = sweep_load(dir, err);
    if (s == NULL)
        return err ? err->code : FS_EIO;
    st = sweep_draw(s, dir, opts, geom, geom ? cap : 0, n, err);
    sweep_free(s);
    return st;
}

fs_status fs_plot_sweep_dir(const char *dir, const fs_plot_opts *opts, fs_err *err)
{
    return fs_plot_sweep_dir_geom(dir, opts, NULL, 0, NULL, err);
}
