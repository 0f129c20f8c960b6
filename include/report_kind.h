/* report_kind.h: what report.c needs to know about one kind of output
 * directory (a run, a compare, a sweep, ...), so that a new kind is one
 * new file and one line in report.c's table of kinds.
 *
 * To add a kind: write sim/report_<kind>.c defining an fs_report_kind
 * (below) with its items, declare it here, and add it to `kinds` in
 * report.c, before any kind whose marker file its directories also hold.
 * Describe every chart its draw call makes in numbers; a chart no item
 * names still appears, at the end, with only its name for a text.
 *
 * Ownership: a kind's load returns data that its release frees; report.c
 * calls both. fs_report pointers are only valid during the calls made
 * with them. */
#ifndef FS_REPORT_KIND_H
#define FS_REPORT_KIND_H

#include <stdio.h>
#include "errors.h"
#include "plot.h"
#include "csvread.h"

typedef struct fs_report fs_report;

/* One thing on the page beside the Markdown's own text: a chart, or a
 * table the Markdown does not have. */
typedef struct fs_report_item {
    /* A chart's file name without its extension; a trailing '*' makes it
     * a prefix ("tornado_*": every chart whose name starts so). NULL for
     * a table. */
    const char *chart;
    /* Where it goes. A heading line ("## Headline"): at the end of that
     * section, before the next heading of level 1 or 2. "## *": at the
     * end of the section whose heading, with every character other than
     * [A-Za-z0-9_-] made '_', is the chart name after the prefix (the
     * sweep's per-output sections). Any other text: right after the first
     * block of the Markdown that contains it. The first item to place a
     * chart wins, so a second item of the same chart is a fallback. */
    const char *anchor;
    /* The chart's text alternative: what it shows, in numbers, as plain
     * text (report.c escapes it); `chart` is the chart's file name. */
    void (*describe)(const fs_report *r, const char *chart, FILE *f);
    /* For a table: writes it as HTML (through fs_html_text for every
     * string from a file), or nothing when the directory has no rows. */
    void (*table)(const fs_report *r, FILE *f);
} fs_report_item;

typedef struct fs_report_kind {
    const char *name;       /* "run", "compare", "sweep" */
    const char *marker;     /* a file only this kind's directories hold */
    const char *markdown;   /* the Markdown file that is the page's text */
    const fs_report_item *items;
    int nitems;
    /* Reads what describe, table and footer need from dir; NULL with err
     * filled on failure. */
    void *(*load)(const char *dir, fs_err *err);
    void (*release)(void *data);   /* accepts NULL */
    /* Draws every chart of the directory into o->outdir, in o->format
     * (SVG), as `foresight plot` would. */
    fs_status (*draw)(const char *dir, void *data, const fs_plot_opts *o, fs_err *err);
    /* The footer's lines (<p> elements): how to reproduce the page's
     * numbers, with checksums of the input files. */
    void (*footer)(const fs_report *r, FILE *f);
} fs_report_kind;

extern const fs_report_kind fs_report_run_kind;
extern const fs_report_kind fs_report_compare_kind;
extern const fs_report_kind fs_report_sweep_kind;
extern const fs_report_kind fs_report_discover_kind;
extern const fs_report_kind fs_report_optimize_kind;
extern const fs_report_kind fs_report_calibrate_kind;

/* A discovery's charts and boxes table, for any kind whose directories
 * may hold one (a discovery's own, a sweep's "When does it go wrong?"):
 * they read discovery_meta.csv, discovery.csv and boxes.csv from
 * fs_report_dir(r) themselves, and say so when one is missing. */
void fs_report_discovery_describe(const fs_report *r, const char *chart, FILE *f);
void fs_report_discovery_table(const fs_report *r, FILE *f);

/* The kind's data (what its load returned), the directory read, and a
 * value of its meta.csv ("" when the file or the key is missing). */
void *fs_report_data(const fs_report *r);
const char *fs_report_dir(const fs_report *r);
const char *fs_report_meta(const fs_report *r, const char *key);

/* Writes the HTML text tmpl with every "{key}" replaced by that key's
 * value in meta.csv, escaped ("" when missing); the rest as it is. */
void fs_report_meta_html(const fs_report *r, FILE *f, const char *tmpl);

/* Writes "E (L to H)", each with at most 3 significant digits. */
void fs_report_interval(FILE *f, double e, double lo, double hi);

/* Writes "<code>name</code> SHA-256 <code>hex</code>" for the file
 * dir/name (path absolute or relative to the current directory when dir
 * is NULL), or "name (not found)" when there is no such file; a file that
 * is there but cannot be read fails the page (FS_EIO). */
void fs_report_checksum(const fs_report *r, FILE *f, const char *dir, const char *name);

/* Writes a number as the briefing does: at most `sig` significant digits,
 * "n/a" for NaN. */
void fs_report_num(FILE *f, double x, int sig);

/* The cell of c (may be NULL) in row and the column named col: "" when
 * there is no such row or column; as a number, NaN when empty. */
const char *fs_report_cell(const fs_csv *c, size_t row, const char *col);
double fs_report_cell_num(const fs_csv *c, size_t row, const char *col);

/* Writes the columns cols of the CSV c (all of them when cols is NULL)
 * as an HTML table with the caption and the column heads heads (the
 * column names when NULL), each cell escaped, a number right-aligned with
 * at most 4 significant digits. A column c lacks is left out. */
void fs_report_csv_table(FILE *f, const fs_csv *c, const char *caption,
                         const char *const *cols, const char *const *heads, int n);

/* Writes a probability as a percentage with one decimal ("14.9%"). */
void fs_report_pct(FILE *f, double p);

#endif
