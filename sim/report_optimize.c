/* report_optimize.c: the report of a search directory (report_kind.h):
 * optimize.md with the trade-off under the answer, the levers of the
 * final set, pareto.csv as a table and the convergence under the closing
 * paragraph, and a footer naming the search and the checksums of its
 * files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "html.h"
#include "plot_optimize.h"
#include "report_kind.h"

typedef struct opt {
    fs_csv *search, *pareto, *gens, *evals;
} opt;

#define OPT(r) ((const opt *)fs_report_data(r))
#define G3(x) fs_report_num(f, (x), 3)

static void release(void *data)
{
    opt *o = data;
    if (o == NULL)
        return;
    fs_csv_free(o->search);
    fs_csv_free(o->pareto);
    fs_csv_free(o->gens);
    fs_csv_free(o->evals);
    free(o);
}

static void *load(const char *dir, fs_err *err)
{
    opt *o = calloc(1, sizeof *o);
    if (o == NULL) {
        fs_err_set(err, FS_ENOMEM, "out of memory");
        return NULL;
    }
    if (fs_csv_open_in(dir, "search.csv", &o->search, err) != FS_OK ||
        fs_csv_open_in(dir, "pareto.csv", &o->pareto, err) != FS_OK ||
        fs_csv_open_in(dir, "generations.csv", &o->gens, err) != FS_OK ||
        fs_csv_open_in(dir, "evaluations.csv", &o->evals, err) != FS_OK) {
        release(o);
        return NULL;
    }
    return o;
}

static fs_status draw(const char *dir, void *data, const fs_plot_opts *o, fs_err *err)
{
    (void)data;
    return fs_plot_optimize(dir, o, err);
}

#define str fs_report_cell
#define num fs_report_cell_num

/* The row of search.csv of the n-th (0-based) entry of a kind, or -1. */
static long nth(const fs_csv *s, const char *kind, int n)
{
    size_t i;
    for (i = 0; i < fs_csv_nrows(s); i++)
        if (strcmp(str(s, i, "kind"), kind) == 0 && n-- == 0)
            return (long)i;
    return -1;
}

/* Each mix of the final set: "mix K: A in sample (B out of sample)" for
 * the objective whose pareto.csv column is col. */
static void objective(FILE *f, const opt *o, long row)
{
    const char *col = str(o->search, (size_t)row, "column");
    char oos[300];
    size_t i;
    snprintf(oos, sizeof oos, "%s_oos", col);
    fprintf(f, "%s: ", str(o->search, (size_t)row, "label"));
    for (i = 0; i < fs_csv_nrows(o->pareto); i++) {
        fprintf(f, "%smix %s ", i ? ", " : "", str(o->pareto, i, "mix"));
        G3(num(o->pareto, i, col));
        fputs(" (", f);
        G3(num(o->pareto, i, oos));
        fputs(" out of sample)", f);
    }
}

static void d_tradeoff(const fs_report *r, const char *chart, FILE *f)
{
    const opt *o = OPT(r);
    long a = nth(o->search, "objective", 0), b = nth(o->search, "objective", 1);
    size_t i, feasible = 0;
    (void)chart;
    for (i = 0; i < fs_csv_nrows(o->evals); i++)
        feasible += num(o->evals, i, "feasible") == 1;
    fprintf(f, "The %zu mixes evaluated (%zu of them feasible) by their objectives, and the "
            "%zu mixes of the final set in and out of sample. ", fs_csv_nrows(o->evals),
            feasible, fs_csv_nrows(o->pareto));
    if (a >= 0)
        objective(f, o, a);
    if (b >= 0) {
        fputs("; ", f);
        objective(f, o, b);
    }
    fputs(".", f);
}

static void d_levers(const fs_report *r, const char *chart, FILE *f)
{
    const opt *o = OPT(r);
    long row;
    int k;
    size_t i;
    (void)chart;
    fprintf(f, "The lever settings of the %zu mixes of the final set, one axis per lever: ",
            fs_csv_nrows(o->pareto));
    for (k = 0; (row = nth(o->search, "lever", k)) >= 0; k++) {
        const char *col = str(o->search, (size_t)row, "column");
        double lo = NAN, hi = NAN, v;
        for (i = 0; i < fs_csv_nrows(o->pareto); i++)
            if (!isnan(v = num(o->pareto, i, col))) {
                lo = isnan(lo) || v < lo ? v : lo;
                hi = isnan(hi) || v > hi ? v : hi;
            }
        fprintf(f, "%s%s from ", k ? "; " : "", str(o->search, (size_t)row, "label"));
        G3(lo);
        fputs(" to ", f);
        G3(hi);
        fputs(" (searched ", f);
        G3(num(o->search, (size_t)row, "lo"));
        fputs(" to ", f);
        G3(num(o->search, (size_t)row, "hi"));
        fputs(")", f);
    }
    fputs(".", f);
}

static void d_convergence(const fs_report *r, const char *chart, FILE *f)
{
    const fs_csv *g = OPT(r)->gens;
    size_t n = fs_csv_nrows(g);
    (void)chart;
    fprintf(f, "Hypervolume of the archive by generation (generations.csv, %zu rows)", n);
    if (n) {
        fputs(": ", f);
        G3(num(g, 0, "hypervolume"));
        fprintf(f, " at generation %s, ", str(g, 0, "generation"));
        G3(num(g, n - 1, "hypervolume"));
        fprintf(f, " at generation %s after %s evaluations, with %s mixes in the archive",
                str(g, n - 1, "generation"), str(g, n - 1, "evaluations"),
                str(g, n - 1, "archive"));
    }
    fputs(".", f);
}

/* pareto.csv with the levers and the objectives named by their labels. */
static void t_pareto(const fs_report *r, FILE *f)
{
    const opt *o = OPT(r);
    const char *cols[64], *heads[64];
    char *own[64];
    int n = 0, k, m = 0;
    long row;
    if (fs_csv_nrows(o->pareto) == 0)
        return;
    cols[n] = "mix", heads[n++] = "mix";
    for (k = 0; n < 60 && m < 60 && (row = nth(o->search, "lever", k)) >= 0; k++) {
        cols[n] = str(o->search, (size_t)row, "column");
        heads[n++] = str(o->search, (size_t)row, "label");
    }
    for (k = 0; n < 58 && (row = nth(o->search, "objective", k)) >= 0; k++) {
        const char *col = str(o->search, (size_t)row, "column");
        const char *lab = str(o->search, (size_t)row, "label");
        if ((own[m] = malloc(strlen(col) + 5)) == NULL)
            break;
        cols[n] = col, heads[n++] = lab;
        sprintf(own[m], "%s_oos", col);
        cols[n] = own[m++], heads[n++] = "out of sample";
    }
    cols[n] = "feasible", heads[n++] = "feasible";
    cols[n] = "feasible_oos", heads[n++] = "out of sample";
    fs_report_csv_table(f, o->pareto, "The final set (pareto.csv; standard errors and each "
                        "constraint are in the file)", cols, heads, n);
    for (k = 0; k < m; k++)
        free(own[k]);
}

static void footer(const fs_report *r, FILE *f)
{
    const opt *o = OPT(r);
    long name = nth(o->search, "name", 0);
    size_t g = fs_csv_nrows(o->gens);
    fputs("<p>foresight ", f);
    fs_html_text(f, FS_VERSION);
    fputs(": the search ", f);
    fs_html_text(f, name >= 0 ? str(o->search, (size_t)name, "label") : "");
    fprintf(f, ", %zu mixes evaluated over %zu generations, %zu in the final set.</p>\n",
            fs_csv_nrows(o->evals), g ? g - 1 : 0, fs_csv_nrows(o->pareto));
    fputs("<p>To reproduce these numbers: <code>foresight optimize SEARCH.cfg -o again</code> "
          "with the search file of that name (its levers, objectives and constraints are in "
          "search.csv; runs, seeds and futures are in optimize.md).</p>\n<p>", f);
    fs_report_checksum(r, f, fs_report_dir(r), "search.csv");
    fputs("; ", f);
    fs_report_checksum(r, f, fs_report_dir(r), "pareto.csv");
    fputs(".</p>\n", f);
}

static const fs_report_item items[] = {
    { "optimize_tradeoff", "## The answer", d_tradeoff, NULL },
    { "optimize_levers", "The whole final set is in", d_levers, NULL },
    { NULL, "The whole final set is in", NULL, t_pareto },
    { "optimize_convergence", "The whole final set is in", d_convergence, NULL },
};

const fs_report_kind fs_report_optimize_kind = {
    "optimize", "pareto.csv", "optimize.md", items, (int)(sizeof items / sizeof items[0]),
    load, release, draw, footer
};
