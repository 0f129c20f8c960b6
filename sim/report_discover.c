/* report_discover.c: the report of a discovery directory (report_kind.h):
 * discovery.md with the trade-off under the count of cases, box 1's
 * limits and scatter at the end of its section, boxes.csv as a table,
 * and a footer with the discover command and the source's checksum. The
 * describe and table calls read the discovery's files themselves, so a
 * sweep's report uses them for its "When does it go wrong?" section. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "fsio.h"
#include "html.h"
#include "plot_discover.h"
#include "report_kind.h"

/* dir/name, or NULL when it is missing or malformed. */
static fs_csv *open_csv(const fs_report *r, const char *name)
{
    fs_csv *c = NULL;
    fs_err e;
    fs_err_clear(&e);
    if (fs_csv_open_in(fs_report_dir(r), name, &c, &e) != FS_OK)
        return NULL;
    return c;
}

#define str fs_report_cell
#define num fs_report_cell_num

/* A value of discovery_meta.csv ("" when missing). */
static const char *meta(const fs_csv *m, const char *key)
{
    size_t i;
    for (i = 0; m && fs_csv_ncols(m) >= 2 && i < fs_csv_nrows(m); i++)
        if (strcmp(fs_csv_str(m, i, 0), key) == 0)
            return fs_csv_str(m, i, 1);
    return "";
}

#define G3(x) fs_report_num(f, (x), 3)

/* Each box of boxes.csv as reported (after pasting): its coverage,
 * density and mass. */
static void boxes(FILE *f, const fs_csv *b)
{
    size_t i;
    const char *last = "";
    for (i = 0; b && i < fs_csv_nrows(b); i++) {
        if (strcmp(str(b, i, "box"), last) == 0)
            continue;
        last = str(b, i, "box");
        fprintf(f, "%sox %s as reported (boxes.csv): coverage ", i ? "; b" : "B", last);
        G3(num(b, i, "coverage"));
        fputs(", density ", f);
        G3(num(b, i, "density"));
        fputs(", mass ", f);
        G3(num(b, i, "mass"));
    }
    fputs(".", f);
}

static void d_tradeoff(const fs_report *r, FILE *f)
{
    fs_csv *t = open_csv(r, "discovery.csv"), *b = open_csv(r, "boxes.csv");
    size_t i, n = t ? fs_csv_nrows(t) : 0;
    int any = 0;
    if (t == NULL) {
        fputs("Coverage against density of the discovery's boxes; discovery.csv, which "
              "holds them, could not be read.", f);
        fs_csv_free(b);
        return;
    }
    fprintf(f, "Coverage (share of all cases of interest inside the box) against density "
            "(share of the box's cases that are of interest) for the %zu boxes of "
            "discovery.csv", n);
    if (n) {
        fputs(", from coverage ", f);
        G3(num(t, 0, "coverage"));
        fputs(" at density ", f);
        G3(num(t, 0, "density"));
        fputs(" to coverage ", f);
        G3(num(t, n - 1, "coverage"));
        fputs(" at density ", f);
        G3(num(t, n - 1, "density"));
    }
    fputs(". Marked: ", f);
    for (i = 0; i < n; i++) {
        if (num(t, i, "chosen") <= 0)
            continue;
        fprintf(f, "%sthe trajectory's box for box %s (coverage ", any++ ? "; " : "",
                str(t, i, "chosen"));
        G3(num(t, i, "coverage"));
        fputs(", density ", f);
        G3(num(t, i, "density"));
        fputs(")", f);
    }
    fputs(any ? ". " : "none. ", f);
    boxes(f, b);
    fs_csv_free(t);
    fs_csv_free(b);
}

/* "label from L to U (full range A to B), quasi-p P" for box 1's
 * restricted inputs; with scatter, only the two inputs of the scatter. */
static int limits(FILE *f, const fs_csv *b, const char *only1, const char *only2)
{
    size_t i;
    int n = 0;
    for (i = 0; b && i < fs_csv_nrows(b); i++) {
        const char *in = str(b, i, "input");
        if (strcmp(str(b, i, "box"), "1") != 0 || num(b, i, "restricted") != 1 ||
            (only1 && strcmp(in, only1) != 0 && strcmp(in, only2) != 0))
            continue;
        fprintf(f, "%s%s from ", n++ ? "; " : "", str(b, i, "label"));
        G3(num(b, i, "lower"));
        fputs(" to ", f);
        G3(num(b, i, "upper"));
        fputs(" (full range ", f);
        G3(num(b, i, "range_lo"));
        fputs(" to ", f);
        G3(num(b, i, "range_hi"));
        fputs(")", f);
        if (!only1) {
            fputs(", quasi-p ", f);
            G3(num(b, i, "quasi_p"));
        }
    }
    return n;
}

static void d_limits(const fs_report *r, FILE *f)
{
    fs_csv *b = open_csv(r, "boxes.csv");
    fputs("Box 1's limits on each input it restricts, inside that input's full range "
          "(boxes.csv): ", f);
    if (limits(f, b, NULL, NULL) == 0)
        fputs(b ? "it restricts none" : "boxes.csv could not be read", f);
    fputs(".", f);
    fs_csv_free(b);
}

static void d_scatter(const fs_report *r, FILE *f)
{
    fs_csv *m = open_csv(r, "discovery_meta.csv"), *b = open_csv(r, "boxes.csv");
    fprintf(f, "Every case at its %s (across) and %s (up), the %s of the %s cases with %s "
            "highlighted; box 1 drawn: ", meta(m, "scatter_x_label"),
            meta(m, "scatter_y_label"), meta(m, "cases_of_interest"), meta(m, "cases"),
            meta(m, "condition"));
    if (limits(f, b, meta(m, "scatter_x"), meta(m, "scatter_y")) == 0)
        fputs("it restricts neither", f);
    fputs(".", f);
    fs_csv_free(m);
    fs_csv_free(b);
}

void fs_report_discovery_describe(const fs_report *r, const char *chart, FILE *f)
{
    if (strcmp(chart, "discovery_tradeoff") == 0)
        d_tradeoff(r, f);
    else if (strcmp(chart, "discovery_limits") == 0)
        d_limits(r, f);
    else
        d_scatter(r, f);
}

void fs_report_discovery_table(const fs_report *r, FILE *f)
{
    static const char *const cols[] = { "box", "label", "kind", "restricted", "lower", "upper",
                                        "range_lo", "range_hi", "quasi_p", "resample_share",
                                        "coverage", "density", "mass" };
    static const char *const heads[] = { "box", "input", "kind", "restricted", "lower",
                                         "upper", "range low", "range high", "quasi-p",
                                         "resample share", "coverage", "density", "mass" };
    fs_csv *b = open_csv(r, "boxes.csv");
    if (b == NULL || fs_csv_nrows(b) == 0) {
        fs_csv_free(b);
        return;
    }
    fs_report_csv_table(f, b, "The boxes found, input by input (boxes.csv)", cols, heads,
                        (int)(sizeof cols / sizeof cols[0]));
    fs_csv_free(b);
}

static void *load(const char *dir, fs_err *err)
{
    fs_csv *m = NULL;
    if (fs_csv_open_in(dir, "discovery_meta.csv", &m, err) != FS_OK)
        return NULL;
    return m;
}

static void release(void *data)
{
    fs_csv_free(data);
}

static fs_status draw(const char *dir, void *data, const fs_plot_opts *o, fs_err *err)
{
    (void)data;
    return fs_plot_discover_dir(dir, o, err);
}

/* " --key value" when meta has key (and, for skip, a value other than it). */
static void opt(FILE *f, const fs_csv *m, const char *key, const char *flag, const char *skip)
{
    const char *v = meta(m, key);
    char buf[64];
    if (!*v || (skip && strcmp(v, skip) == 0))
        return;
    /* The meta file keeps doubles at full precision: shortest form back. */
    snprintf(buf, sizeof buf, "%.10g", strtod(v, NULL));
    fprintf(f, " %s ", flag);
    fs_html_text(f, strspn(v, "0123456789.-+e") == strlen(v) ? buf : v);
}

static void footer(const fs_report *r, FILE *f)
{
    const fs_csv *m = fs_report_data(r);
    const char *src = meta(m, "source");
    fs_csv *b = open_csv(r, "boxes.csv");
    size_t i;
    int n = 0;
    char path[4096];

    fputs("<p>foresight ", f);
    fs_html_text(f, meta(m, "version"));
    fputs(": ", f);
    fs_html_text(f, meta(m, "method"));
    fprintf(f, " on %s cases, %s of them with ", meta(m, "cases"), meta(m, "cases_of_interest"));
    fs_html_text(f, meta(m, "condition"));
    fprintf(f, ", seed %s.</p>\n<p>To reproduce these numbers: <code>foresight discover ",
            meta(m, "seed"));
    fs_html_text(f, src);
    opt(f, m, "output", "--output", NULL);
    opt(f, m, "value", strcmp(meta(m, "side"), "below") == 0 ? "--below" : "--above", NULL);
    fputs(" --inputs ", f);
    for (i = 0; b && i < fs_csv_nrows(b); i++)
        if (strcmp(str(b, i, "box"), "1") == 0) {
            fputs(n++ ? "," : "", f);
            fs_html_text(f, str(b, i, "input"));
        }
    fs_csv_free(b);
    opt(f, m, "method", "--method", NULL);
    if (strcmp(meta(m, "method"), "cart") == 0) {
        opt(f, m, "min_leaf", "--min-leaf", NULL);
        opt(f, m, "depth", "--depth", NULL);
    } else {
        opt(f, m, "threshold", "--threshold", NULL);
        opt(f, m, "peel_alpha", "--peel-alpha", NULL);
        opt(f, m, "paste_alpha", "--paste-alpha", NULL);
        opt(f, m, "mass_min", "--mass-min", NULL);
        opt(f, m, "box", "--box", "-1");
    }
    opt(f, m, "boxes", "--boxes", NULL);
    opt(f, m, "resample", "--resample", "0");
    opt(f, m, "seed", "-s", NULL);
    fputs(" -o again</code>.</p>\n<p>", f);
    /* A sweep directory as the source: its sweep.csv is the data. */
    if (*src && fs_path_join(path, sizeof path, src, "sweep.csv") && access(path, F_OK) == 0)
        fs_report_checksum(r, f, src, "sweep.csv");
    else if (*src)
        fs_report_checksum(r, f, NULL, src);
    fputs(".</p>\n", f);
}

static const fs_report_item items[] = {
    { "discovery_tradeoff", "cases explored (", fs_report_discovery_describe, NULL },
    { "discovery_limits", "happens in", fs_report_discovery_describe, NULL },
    { "discovery_scatter", "happens in", fs_report_discovery_describe, NULL },
    { "discovery_limits", "## Box 1", fs_report_discovery_describe, NULL },
    { "discovery_scatter", "## Box 1", fs_report_discovery_describe, NULL },
    { NULL, "Quasi-p-values:", NULL, fs_report_discovery_table },
};

const fs_report_kind fs_report_discover_kind = {
    "discover", "discovery_meta.csv", "discovery.md", items,
    (int)(sizeof items / sizeof items[0]), load, release, draw, footer
};
