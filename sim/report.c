/* report.c: report.html, one self-contained page per output directory:
 * the Markdown as HTML with every chart placed under the text it
 * supports (report_kind.h says how each kind places them). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <cmark.h>

#include "csvread.h"
#include "fsio.h"
#include "html.h"
#include "plot_sweep.h"
#include "report.h"
#include "report_kind.h"
#include "svginline.h"

/* The kinds of output directory, in the order their marker files are
 * looked for: a kind whose directories also hold another kind's marker
 * comes first. */
static const fs_report_kind *const kinds[] = {
    &fs_report_calibrate_kind,
    &fs_report_sweep_kind,
    &fs_report_discover_kind,
    &fs_report_optimize_kind,
    &fs_report_compare_kind,
    &fs_report_run_kind,
};
#define NKINDS (int)(sizeof kinds / sizeof kinds[0])

#define MAX_CHARTS 512

typedef struct chart {
    char *name;    /* file name without ".svg" */
    int placed;
} chart;

struct fs_report {
    const fs_report_kind *kind;
    const char *dir;
    void *data;
    fs_csv *meta;
    char tmp[4096];       /* the SVG charts' temporary directory */
    chart charts[MAX_CHARTS];
    int ncharts, nfigures;
    char section[256];    /* the current level-1 or level-2 heading */
    int in_section;
    unsigned char table_done[64];
    fs_err err;           /* the first error while writing */
};

static const char style[] =
    "html{font-family:'DejaVu Sans',Verdana,system-ui,sans-serif;color:#1a1a1a;"
    "background:#fff;line-height:1.45}\n"
    "body{margin:0}\n"
    "main,footer{max-width:60rem;margin:0 auto;padding:0 1.25rem}\n"
    "h1{font-size:1.7rem;margin:1.5rem 0 .75rem}\n"
    "h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:1px solid #ccc}\n"
    "p,li{overflow-wrap:anywhere}\n"
    "code{font-family:'DejaVu Sans Mono',monospace;font-size:.9em;background:#f3f3f3;"
    "padding:0 .2em}\n"
    ".table{overflow-x:auto;margin:.75rem 0}\n"
    "table{border-collapse:collapse;font-size:.9rem}\n"
    "th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;"
    "vertical-align:top}\n"
    "th{border-bottom:2px solid #888}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "figure{margin:1.25rem 0;padding:0}\n"
    "figure svg{display:block;width:100%;height:auto;max-height:95vh}\n"
    "figure .figno{font-size:.85rem;font-weight:bold;margin:0 0 .25rem}\n"
    "figcaption{font-size:.85rem;color:#444;margin-top:.25rem}\n"
    "footer{font-size:.8rem;color:#444;border-top:1px solid #ccc;margin-top:2rem;"
    "padding-bottom:2rem}\n"
    "footer code{overflow-wrap:anywhere}\n"
    "@media print{\n"
    "  html{font-size:10pt}\n"
    "  main,footer{max-width:none;padding:0}\n"
    "  h1,h2,h3,.figno{break-after:avoid;page-break-after:avoid}\n"
    "  figure,tr,li{break-inside:avoid;page-break-inside:avoid}\n"
    "  figure svg{max-height:none;max-width:100%}\n"
    "  thead{display:table-header-group}\n"
    "  .table{overflow:visible}\n"
    "  @page{margin:15mm}\n"
    "}\n";

void *fs_report_data(const fs_report *r) { return r->data; }
const char *fs_report_dir(const fs_report *r) { return r->dir; }

const char *fs_report_meta(const fs_report *r, const char *key)
{
    size_t i;
    if (r->meta == NULL || fs_csv_ncols(r->meta) < 2)
        return "";
    for (i = 0; i < fs_csv_nrows(r->meta); i++)
        if (strcmp(fs_csv_str(r->meta, i, 0), key) == 0)
            return fs_csv_str(r->meta, i, 1);
    return "";
}

void fs_report_meta_html(const fs_report *r, FILE *f, const char *tmpl)
{
    const char *p = tmpl, *open, *close;
    char key[64];
    while ((open = strchr(p, '{')) != NULL && (close = strchr(open, '}')) != NULL &&
           (size_t)(close - open) < sizeof key) {
        fwrite(p, 1, (size_t)(open - p), f);
        snprintf(key, sizeof key, "%.*s", (int)(close - open - 1), open + 1);
        fs_html_text(f, fs_report_meta(r, key));
        p = close + 1;
    }
    fputs(p, f);
}

void fs_report_interval(FILE *f, double e, double lo, double hi)
{
    fs_report_num(f, e, 3);
    fputs(" (", f);
    fs_report_num(f, lo, 3);
    fputs(" to ", f);
    fs_report_num(f, hi, 3);
    fputs(")", f);
}

/* Reads the whole file at path into a NUL-terminated buffer the caller
 * frees; NULL when it cannot. */
static char *slurp(const char *path, size_t *n)
{
    gchar *s = NULL;
    gsize len = 0;
    char *out;
    if (!g_file_get_contents(path, &s, &len, NULL))
        return NULL;
    out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
        *n = len;
    }
    g_free(s);
    return out;
}

void fs_report_checksum(const fs_report *r, FILE *f, const char *dir, const char *name)
{
    char path[4096];
    unsigned char block[65536];
    size_t n;
    FILE *in;
    GChecksum *sum;

    if (dir ? fs_path_join(path, sizeof path, dir, name) == NULL
            : snprintf(path, sizeof path, "%s", name) >= (int)sizeof path)
        return;
    fputs("<code>", f);
    fs_html_text(f, name);
    fputs("</code> ", f);
    if (access(path, F_OK) != 0) {
        fputs("(not found)", f);
        return;
    }
    /* The file is there: failing to read it fails the page (the report
     * keeps its first error, so r is written to through its const). */
    if ((in = fopen(path, "rb")) == NULL || (sum = g_checksum_new(G_CHECKSUM_SHA256)) == NULL) {
        fs_err_set(&((fs_report *)r)->err, FS_EIO, "cannot read %s for its checksum: %s",
                   path, strerror(errno));
        if (in)
            fclose(in);
        return;
    }
    while ((n = fread(block, 1, sizeof block, in)) > 0)
        g_checksum_update(sum, block, n);
    if (ferror(in))
        fs_err_set(&((fs_report *)r)->err, FS_EIO, "cannot read %s for its checksum", path);
    fprintf(f, "SHA-256 <code>%s</code>", g_checksum_get_string(sum));
    g_checksum_free(sum);
    fclose(in);
}

void fs_report_num(FILE *f, double x, int sig)
{
    if (isnan(x))
        fputs("n/a", f);
    else
        fprintf(f, "%.*g", sig, x);
}

const char *fs_report_cell(const fs_csv *c, size_t row, const char *col)
{
    int k = c ? fs_csv_col(c, col) : -1;
    return k >= 0 && row < fs_csv_nrows(c) ? fs_csv_str(c, row, k) : "";
}

double fs_report_cell_num(const fs_csv *c, size_t row, const char *col)
{
    const char *s = fs_report_cell(c, row, col);
    return *s ? strtod(s, NULL) : NAN;
}

void fs_report_csv_table(FILE *f, const fs_csv *c, const char *caption,
                         const char *const *cols, const char *const *heads, int n)
{
    int idx[64], head[64], k, m = 0;
    size_t i;
    if (cols == NULL)
        n = fs_csv_ncols(c);
    /* A column with no value in any row is left out too. */
    for (k = 0; k < n && m < 64; k++) {
        if ((idx[m] = cols ? fs_csv_col(c, cols[k]) : k) < 0)
            continue;
        for (i = 0; i < fs_csv_nrows(c) && !*fs_csv_str(c, i, idx[m]); i++)
            ;
        if (i < fs_csv_nrows(c))
            head[m++] = k;
    }
    fputs("<div class=\"table\"><table>\n<caption>", f);
    fs_html_text(f, caption);
    fputs("</caption>\n<thead><tr>", f);
    for (k = 0; k < m; k++) {
        const char *s = fs_csv_str(c, 0, idx[k]);
        char *end;
        (void)strtod(s, &end);
        fputs(fs_csv_nrows(c) && *s && *end == '\0' ? "<th class=\"num\">" : "<th>", f);
        fs_html_text(f, heads ? heads[head[k]] : fs_csv_header(c, idx[k]));
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (i = 0; i < fs_csv_nrows(c); i++) {
        fputs("<tr>", f);
        for (k = 0; k < m; k++) {
            const char *s = fs_csv_str(c, i, idx[k]);
            char *end;
            double x = strtod(s, &end);
            if (*s && *end == '\0') {
                fputs("<td class=\"num\">", f);
                fs_report_num(f, x, 4);
            } else {
                fputs("<td>", f);
                fs_html_text(f, s);
            }
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

void fs_report_pct(FILE *f, double p)
{
    if (isnan(p))
        fputs("n/a", f);
    else
        fprintf(f, "%.1f%%", 100 * p);
}

static int has_file(const char *dir, const char *name)
{
    char path[4096];
    return fs_path_join(path, sizeof path, dir, name) != NULL && access(path, F_OK) == 0;
}

static const fs_report_kind *kind_of(const char *dir)
{
    int i;
    for (i = 0; i < NKINDS; i++)
        if (has_file(dir, kinds[i]->marker))
            return kinds[i];
    return NULL;
}

const char *fs_report_kind_of(const char *dir)
{
    const fs_report_kind *k = kind_of(dir);
    return k ? k->name : NULL;
}

/* ---- the charts, drawn as SVG into a temporary directory ---- */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const chart *)a)->name, ((const chart *)b)->name);
}

static fs_status list_charts(fs_report *r, fs_err *err)
{
    DIR *d = opendir(r->tmp);
    struct dirent *de;
    size_t n;

    if (d == NULL)
        return fs_err_set(err, FS_EIO, "%s: cannot list the charts drawn for the report", r->tmp);
    while ((de = readdir(d)) != NULL && r->ncharts < MAX_CHARTS) {
        n = strlen(de->d_name);
        if (n <= 4 || strcmp(de->d_name + n - 4, ".svg") != 0)
            continue;
        if ((r->charts[r->ncharts].name = strndup(de->d_name, n - 4)) == NULL) {
            closedir(d);
            return fs_err_set(err, FS_ENOMEM, "out of memory");
        }
        r->charts[r->ncharts++].placed = 0;
    }
    closedir(d);
    qsort(r->charts, (size_t)r->ncharts, sizeof r->charts[0], by_name);
    return FS_OK;
}

static void remove_tmp(fs_report *r)
{
    char path[4400];
    int i;
    if (!r->tmp[0])
        return;
    for (i = 0; i < r->ncharts; i++) {
        snprintf(path, sizeof path, "%s/%s.svg", r->tmp, r->charts[i].name);
        remove(path);
    }
    rmdir(r->tmp);
    r->tmp[0] = '\0';
}

static fs_status draw_charts(fs_report *r, fs_err *err)
{
    fs_plot_opts o;
    const char *t = getenv("TMPDIR");
    fs_status st;

    snprintf(r->tmp, sizeof r->tmp, "%s/foresight-report-XXXXXX", t && *t ? t : "/tmp");
    if (mkdtemp(r->tmp) == NULL) {
        r->tmp[0] = '\0';
        return fs_err_set(err, FS_EIO, "cannot create a temporary directory for the report's "
                          "charts under %s", t && *t ? t : "/tmp");
    }
    fs_plot_opts_default(&o);
    o.format = FS_CHART_SVG;
    o.outdir = r->tmp;
    st = r->kind->draw(r->dir, r->data, &o, err);
    /* Listed even after a failure, so that remove_tmp finds the files. */
    if (list_charts(r, st == FS_OK ? err : &r->err) != FS_OK && st == FS_OK)
        st = err->code;
    return st;
}

/* ---- placing the items ---- */

static int is_heading(const char *b, size_t n)
{
    return (n > 2 && strncmp(b, "# ", 2) == 0) || (n > 3 && strncmp(b, "## ", 3) == 0);
}

static int name_matches(const char *pat, const char *name)
{
    size_t n = strlen(pat);
    if (n > 0 && pat[n - 1] == '*')
        return strncmp(pat, name, n - 1) == 0;
    return strcmp(pat, name) == 0;
}

/* The chart's text alternative, escaped. */
static void alternative(fs_report *r, const chart *c, const fs_report_item *it, FILE *f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m;

    if (it == NULL || it->describe == NULL) {
        fputs("Chart ", f);
        fs_html_text(f, c->name);
        fputs(": its numbers are in the CSV files of this directory.", f);
        return;
    }
    /* Written plain into memory, then escaped. */
    if ((m = open_memstream(&text, &len)) == NULL) {
        fs_err_set(&r->err, FS_ENOMEM, "out of memory");
        return;
    }
    it->describe(r, c->name, m);
    fclose(m);
    fs_html_textn(f, text, len);
    free(text);
}

/* A chart as a numbered figure: the SVG, then its text alternative. A
 * failure is kept in r->err, which ends the page with that error. */
static void figure(fs_report *r, chart *c, const fs_report_item *it, FILE *f)
{
    char path[4400], prefix[32], label[32];
    size_t n = 0;
    char *svg;

    c->placed = 1;
    if (r->err.code != FS_OK)
        return;
    snprintf(path, sizeof path, "%s/%s.svg", r->tmp, c->name);
    if ((svg = slurp(path, &n)) == NULL) {
        fs_err_set(&r->err, FS_EIO, "%s: cannot read the chart drawn for the report "
                   "(or out of memory)", path);
        return;
    }
    r->nfigures++;
    snprintf(prefix, sizeof prefix, "f%d-", r->nfigures);
    snprintf(label, sizeof label, "fig%d-alt", r->nfigures);
    fprintf(f, "<figure id=\"fig%d\">\n<p class=\"figno\">Figure %d: ", r->nfigures,
            r->nfigures);
    fs_html_text(f, c->name);
    fputs("</p>\n", f);
    if (fs_svg_inline(f, svg, n, prefix, label) == 0)
        fs_err_set(&r->err, FS_ENOMEM, "%s: out of memory, or not an SVG drawing", path);
    fprintf(f, "\n<figcaption id=\"%s\">", label);
    alternative(r, c, it, f);
    fputs("</figcaption>\n</figure>\n", f);
    free(svg);
}

/* Places item i: its table, or every chart it names that is not placed
 * yet (for a "## *" anchor, those of the current section). */
static void place(fs_report *r, int i, FILE *f)
{
    const fs_report_item *it = &r->kind->items[i];
    char want[300];
    int k;

    if (it->table) {
        if (i < (int)sizeof r->table_done && !r->table_done[i]) {
            r->table_done[i] = 1;
            it->table(r, f);
        }
        return;
    }
    for (k = 0; k < r->ncharts; k++) {
        chart *c = &r->charts[k];
        if (c->placed || !name_matches(it->chart, c->name))
            continue;
        if (strcmp(it->anchor, "## *") == 0) {
            size_t p = strlen(it->chart) - 1;
            fs_plot_sweep_safe_name(r->section, want, sizeof want);
            if (strcmp(c->name + p, want) != 0)
                continue;
        }
        figure(r, c, it, f);
    }
}

/* The items anchored at the end of the current section. */
static void end_section(fs_report *r, FILE *f)
{
    int i;
    char head[300];
    if (!r->in_section)
        return;
    snprintf(head, sizeof head, "## %s", r->section);
    for (i = 0; i < r->kind->nitems; i++) {
        const char *a = r->kind->items[i].anchor;
        if (strcmp(a, "## *") == 0 || strcmp(a, head) == 0)
            place(r, i, f);
    }
    r->in_section = 0;
}

static void leftovers(fs_report *r, FILE *f)
{
    int k, any = 0;
    for (k = 0; k < r->ncharts; k++)
        if (!r->charts[k].placed)
            any = 1;
    if (!any)
        return;
    fputs("<h2>More charts</h2>\n", f);
    for (k = 0; k < r->ncharts; k++) {
        const fs_report_item *it = NULL;
        int i;
        if (r->charts[k].placed)
            continue;
        for (i = 0; i < r->kind->nitems && it == NULL; i++)
            if (r->kind->items[i].chart && name_matches(r->kind->items[i].chart,
                                                        r->charts[k].name))
                it = &r->kind->items[i];
        figure(r, &r->charts[k], it, f);
    }
}

static void hook(void *ctx, const char *b, size_t n, int before, FILE *f)
{
    fs_report *r = ctx;
    int i;

    if (b == NULL) {
        end_section(r, f);
        leftovers(r, f);
        return;
    }
    if (before) {
        if (is_heading(b, n))
            end_section(r, f);
        return;
    }
    if (is_heading(b, n)) {
        size_t skip = b[1] == '#' ? 3 : 2;
        size_t len = strcspn(b + skip, "\n");
        snprintf(r->section, sizeof r->section, "%.*s", (int)len, b + skip);
        r->in_section = b[1] == '#';
        return;
    }
    for (i = 0; i < r->kind->nitems; i++) {
        const char *a = r->kind->items[i].anchor;
        if (strncmp(a, "## ", 3) != 0 && g_strstr_len(b, (gssize)n, a) != NULL)
            place(r, i, f);
    }
}

/* The Markdown s[0..n) as fs_html_markdown renders it, in a string the
 * caller frees; NULL when out of memory. */
static char *rendered(const char *s, size_t n)
{
    char *line = strndup(s, n), *html = NULL;
    size_t len = 0;
    FILE *m = line ? open_memstream(&html, &len) : NULL;
    fs_err e;
    if (m != NULL) {
        if (fs_html_markdown(m, line, NULL, NULL, &e) != FS_OK) {
            fclose(m);
            free(html);
            html = NULL;
        } else {
            fclose(m);
        }
    }
    free(line);
    return html;
}

/* The first heading of the Markdown, for the page's title. FS_ENOMEM
 * (err set) when rendering it runs out of memory. */
static fs_status title(FILE *f, const char *md, fs_err *err)
{
    const char *h = strncmp(md, "# ", 2) == 0 ? md + 2 : strstr(md, "\n# ");
    if (h && h != md + 2)
        h += 3;
    char *html;
    const char *p;
    int in_tag = 0;

    if (h == NULL) {
        fputs("foresight report", f);
        return FS_OK;
    }
    /* The heading is Markdown (briefing.md escapes a scenario's text in
     * it; optimize.md and discovery.md do not): its text as the page's
     * own rendering shows it, which escapes every character HTML gives a
     * meaning, without the tags around it. */
    html = rendered(h, strcspn(h, "\n"));
    if (html == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory writing report.html");
    for (p = html; *p; p++) {
        if (*p == '<')
            in_tag = 1;
        else if (*p == '>' && in_tag)
            in_tag = 0;
        else if (!in_tag && *p != '\n')
            fputc(*p, f);
    }
    free(html);
    return FS_OK;
}

static fs_status page(fs_report *r, FILE *f, const char *md, fs_err *err)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"foresight ", f);
    fs_html_text(f, FS_VERSION);
    fputs("\">\n<title>", f);
    if (title(f, md, err) != FS_OK)
        return err->code;
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", style);
    if (fs_html_markdown(f, md, hook, r, err) != FS_OK)
        return err->code;
    fputs("</main>\n<footer>\n", f);
    r->kind->footer(r, f);
    fputs("</footer>\n</body>\n</html>\n", f);
    if (r->err.code != FS_OK) {
        *err = r->err;
        return err->code;
    }
    return FS_OK;
}

static void report_free(fs_report *r)
{
    int i;
    remove_tmp(r);
    for (i = 0; i < r->ncharts; i++)
        free(r->charts[i].name);
    if (r->data)
        r->kind->release(r->data);
    fs_csv_free(r->meta);
    free(r);
}

fs_status fs_report_write(const char *dir, const char *outdir, fs_err *err)
{
    fs_report *r = NULL;
    fs_afile *out = NULL;
    char path[4096];
    char *md = NULL;
    size_t n = 0;
    fs_status st;

    if ((r = calloc(1, sizeof *r)) == NULL)
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    fs_err_clear(&r->err);
    r->dir = dir;
    if ((r->kind = kind_of(dir)) == NULL) {
        st = fs_err_set(err, FS_EUSAGE, "%s is not a foresight output directory (no "
                        "meta.csv): give a run, compare, sweep, discover, optimize or calibrate directory", dir);
        goto done;
    }
    if (fs_path_join(path, sizeof path, dir, r->kind->markdown) == NULL ||
        (md = slurp(path, &n)) == NULL) {
        st = fs_err_set(err, FS_EIO, "%s/%s: cannot read it; the report is made of it",
                        dir, r->kind->markdown);
        goto done;
    }
    if (has_file(dir, "meta.csv") && fs_csv_open_in(dir, "meta.csv", &r->meta, err) != FS_OK) {
        st = err->code;
        goto done;
    }
    if ((r->data = r->kind->load(dir, err)) == NULL) {
        st = err->code;
        goto done;
    }
    if ((st = draw_charts(r, err)) != FS_OK)
        goto done;
    if (outdir && (st = fs_mkdir_p(outdir, err)) != FS_OK)
        goto done;
    if (fs_path_join(path, sizeof path, outdir ? outdir : dir, "report.html") == NULL) {
        st = fs_err_set(err, FS_EUSAGE, "path too long: %s/report.html", outdir ? outdir : dir);
        goto done;
    }
    if ((out = fs_afile_open(path, err)) == NULL) {
        st = err->code;
        goto done;
    }
    if ((st = page(r, fs_afile_stream(out), md, err)) != FS_OK)
        goto done;
    if (fs_interrupted) {
        st = fs_err_set(err, FS_EINTR, "interrupted while writing %s", path);
        goto done;
    }
    st = fs_afile_commit(out, err);
    out = NULL;
done:
    fs_afile_abort(out);
    free(md);
    report_free(r);
    return st;
}
