/* chart.h: drawing primitives for foresight's charts, on cairo, with every
 * piece of text laid out by pango (never cairo's toy text API).
 * Ownership: an fs_chart belongs to its opener and ends with fs_chart_free,
 * which also removes its temp file unless fs_chart_commit renamed it into
 * place. Strings and arrays passed to drawing calls are only read during
 * the call. Coordinates are device pixels, y pointing down; data values are
 * mapped through an fs_panel. Sizes are designed for 1600x1000 and scaled
 * by fs_chart_unit for other sizes. */
#ifndef FS_CHART_H
#define FS_CHART_H

#include <stddef.h>
#include "errors.h"

#define FS_CHART_WIDTH   1600
#define FS_CHART_HEIGHT  1000
#define FS_CHART_MAX_PANELS 72
#define FS_TICKS_MAX 40

/* The font every chart asks pango for, and the Debian package holding it. */
#define FS_CHART_FONT "DejaVu Sans"
#define FS_CHART_FONT_PACKAGE "fonts-dejavu-core"

typedef enum fs_chart_format {
    FS_CHART_PNG = 0,
    FS_CHART_PDF,
    FS_CHART_SVG
} fs_chart_format;

typedef struct fs_rgb {
    double r, g, b;
} fs_rgb;

/* The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008),
 * distinguishable under the common colour-vision deficiencies, plus grey. */
typedef enum fs_colour {
    FS_BLACK = 0,
    FS_ORANGE,
    FS_SKY_BLUE,
    FS_BLUISH_GREEN,
    FS_YELLOW,
    FS_BLUE,
    FS_VERMILLION,
    FS_REDDISH_PURPLE,
    FS_GREY
} fs_colour;

typedef struct fs_rect {
    double x, y, w, h;
} fs_rect;

/* A value axis: the range shown and whether it is logarithmic (base 10;
 * then lo > 0). lo may exceed hi: category rows run top to bottom that way. */
typedef struct fs_scale {
    double lo, hi;
    int log;
} fs_scale;

/* A plot area and the mapping of data values onto it. */
typedef struct fs_panel {
    fs_rect area;
    fs_scale x, y;
} fs_panel;

/* Tick positions (data values) and the decimals their labels need. */
typedef struct fs_ticks {
    int n;
    double v[FS_TICKS_MAX];
    int decimals;
} fs_ticks;

typedef struct fs_chart fs_chart;

/* Text roles; each has a size and weight scaled with the chart. */
typedef enum fs_text_role {
    FS_TEXT_TITLE = 0,
    FS_TEXT_SUBTITLE,
    FS_TEXT_PANEL,   /* panel titles */
    FS_TEXT_LABEL,   /* axis titles, legend, notes */
    FS_TEXT_TICK,    /* tick and category labels, marker labels */
    FS_TEXT_VALUE,   /* values printed on bars and cells */
    FS_TEXT_FOOT     /* footnotes */
} fs_text_role;

/* One colour of the palette. */
fs_rgb fs_palette(fs_colour c);

/* The colour of the i-th of several anonymous series (scenarios in a
 * comparison): blue, orange, bluish green, vermillion, reddish purple, sky
 * blue, black, yellow, then again. */
fs_rgb fs_series_colour(int i);

/* A diverging palette for t in [-1, 1]: vermillion (-1), white (0), blue
 * (+1). Values outside are clamped; NaN gives light grey. */
fs_rgb fs_diverging(double t);

/* A sequential palette for t in [0, 1]: near-white to dark blue. Values
 * outside are clamped; NaN gives light grey. */
fs_rgb fs_sequential(double t);

/* Checks that pango resolves FS_CHART_FONT (or another installed font with
 * real glyphs) rather than a fallback that draws boxes. Returns FS_OK, or
 * FS_EIO with a message naming the package to install. */
fs_status fs_chart_font_check(fs_err *err);

/* Parses "png", "pdf" or "svg" into *fmt; FS_EUSAGE otherwise. */
fs_status fs_chart_format_parse(const char *s, fs_chart_format *fmt, fs_err *err);

/* The file extension (without a dot) of a format. */
const char *fs_chart_format_ext(fs_chart_format fmt);

/* Opens a chart of width x height pixels (points for PDF and SVG) to be
 * written to `path` through a temp file (fsio.h). The page starts white.
 * Returns NULL and fills err on failure: FS_EUSAGE for a width outside
 * 200..20000 or a height outside 150..20000, FS_EIO, FS_ENOMEM. */
fs_chart *fs_chart_open(const char *path, fs_chart_format fmt, int width, int height,
                        fs_err *err);

/* Completes the drawing and writes it into the temp file; the final name is
 * not touched yet. FS_EIO (naming the path) when cairo or the write fails.
 * Call once; after it, only fs_chart_commit and fs_chart_free are valid. */
fs_status fs_chart_finish(fs_chart *c, fs_err *err);

/* Renames the finished temp file to its final name. FS_EIO on failure (the
 * temp file is then removed). Call after a successful fs_chart_finish. */
fs_status fs_chart_commit(fs_chart *c, fs_err *err);

/* Releases c; removes the temp file if it was not committed. Accepts NULL. */
void fs_chart_free(fs_chart *c);

/* Pixels per design pixel: 1 at 1600x1000, smaller or larger with size. */
double fs_chart_unit(const fs_chart *c);

/* Whole-page rectangle. */
fs_rect fs_chart_page(const fs_chart *c);

/* Draws the title (what the chart shows, and of which scenario), the
 * subtitle (runs, seed, horizon) and the footnote (source files; may hold
 * several lines) and returns the rectangle left for panels. Any argument may be NULL. Long
 * titles are shortened with an ellipsis; footnotes wrap. */
fs_rect fs_chart_frame(fs_chart *c, const char *title, const char *subtitle,
                       const char *footnote);

/* Width in pixels of `text` in a role, and the height of one line. */
double fs_chart_text_width(fs_chart *c, fs_text_role role, const char *text);
double fs_chart_line_height(fs_chart *c, fs_text_role role);

/* Draws `text` so that its point (ax, ay) of its box (0 = left/top, 0.5 =
 * centre, 1 = right/bottom, in the text's own frame) lies at (x, y). When
 * maxw > 0 and the text is wider, it is shortened with an ellipsis. When
 * vertical, the text is turned to read upwards. Returns the width drawn. */
double fs_chart_text(fs_chart *c, fs_text_role role, const char *text, double x, double y,
                     double ax, double ay, double maxw, fs_rgb col, int vertical);

/* Formats v with `decimals` decimals, a real minus sign and thin spaces
 * between thousands ("12 500", "−0.25") into buf. */
void fs_format_number(char *buf, size_t n, double v, int decimals);

/* Formats a share p as a percentage with one decimal ("35.6%" for
 * 0.3555), rounded by fs_percent (stats.h) as the briefings round it, so
 * that a chart and its briefing print the same figure. */
void fs_format_percent(char *buf, size_t n, double p);

/* Chooses 1-2-5 ticks for data in [lo, hi]: about `target` of them, at
 * integers only when `integer`. With `fixed`, the scale stays [lo, hi] and
 * ticks fall inside it; otherwise the scale widens to the outer ticks. Non
 * finite or empty ranges become a sensible range ([0, 1] when nothing is
 * known), so the result never holds NaN. For log scales non-positive
 * bounds are replaced and the ticks are powers of ten (with 2 and 5 between
 * them when the range spans less than three decades). */
void fs_nice_ticks(double lo, double hi, int log, int integer, int fixed, int target,
                   fs_scale *scale, fs_ticks *ticks);

/* How one axis of a panel is drawn. */
typedef struct fs_axis_spec {
    const char *label;       /* axis title with units; NULL for none */
    double lo, hi;           /* data extent (or, with fixed, the axis range) */
    int log;                 /* log10 scale */
    int integer;             /* ticks at integers only */
    int fixed;               /* keep [lo, hi] exactly */
    int percent;             /* label ticks as percentages of 1 */
    const char *const *cats; /* category names at 0..ncats-1 instead of numbers */
    int ncats;
    int cat_groups;          /* y only: a name followed by empty names labels
                              * that run of rows, centred, and a thin line
                              * separates one run from the next */
    int hide_ticklabels;     /* no tick or category labels (shared axes) */
} fs_axis_spec;

/* A panel: its outer box, an optional title, two axes, and space reserved
 * above the plot area (for marker labels). `left` forces at least that
 * left margin, so that stacked panels can share their x positions; `bottom`
 * likewise for the bottom margin. */
typedef struct fs_panel_spec {
    fs_rect box;
    const char *title;
    fs_axis_spec x, y;
    double top;
    double left;
    double bottom;
} fs_panel_spec;

/* The left margin (pixels) the panel's y axis needs. */
double fs_chart_panel_left(fs_chart *c, const fs_panel_spec *s);

/* Computes the panel's plot area and scales without drawing anything. */
fs_panel fs_chart_panel_layout(fs_chart *c, const fs_panel_spec *s);

/* Lays out and draws a panel: title, grid, axes, ticks, labels. Records it
 * for fs_chart_panel_at and returns it. Category x labels turn vertical
 * when they do not fit side by side, and are shortened only if they still
 * do not fit. */
fs_panel fs_chart_panel(fs_chart *c, const fs_panel_spec *s);

/* Data to pixel mapping of a panel (log scales take log10 first; values
 * outside the range map outside the area). */
double fs_panel_px(const fs_panel *p, double x);
double fs_panel_py(const fs_panel *p, double y);

/* Panels drawn so far, in drawing order (for tests and annotations). */
int fs_chart_npanels(const fs_chart *c);
const fs_panel *fs_chart_panel_at(const fs_chart *c, int i);

/* A polyline through (x[i], y[i]), clipped to the plot area; non-finite
 * points break it. width in design pixels. */
void fs_chart_line(fs_chart *c, const fs_panel *p, const double *x, const double *y, int n,
                   fs_rgb col, double width, int dashed);

/* A band between lo[i] and hi[i], clipped; non-finite points break it. */
void fs_chart_band(fs_chart *c, const fs_panel *p, const double *x, const double *lo,
                   const double *hi, int n, fs_rgb col, double alpha);

/* A filled rectangle between data corners (x0, y0) and (x1, y1), clipped. */
void fs_chart_rect(fs_chart *c, const fs_panel *p, double x0, double y0, double x1, double y1,
                   fs_rgb col, double alpha);

/* A bar between data x0..x1 and y0..y1, narrowed by a hairline on each
 * side so that neighbouring bars stay apart; clipped to the plot area. */
void fs_chart_bar(fs_chart *c, const fs_panel *p, double x0, double x1, double y0, double y1,
                  fs_rgb col, double alpha);

/* An interval whisker at x from lo to hi with caps. */
void fs_chart_whisker(fs_chart *c, const fs_panel *p, double x, double lo, double hi,
                      fs_rgb col);

/* A horizontal interval whisker at row y from lo to hi with caps. */
void fs_chart_hwhisker(fs_chart *c, const fs_panel *p, double y, double lo, double hi,
                       fs_rgb col);

/* A filled dot of radius r (design pixels) at data (x, y). */
void fs_chart_point(fs_chart *c, const fs_panel *p, double x, double y, double r, fs_rgb col);

/* Dots of radius r (design pixels) at (x[i], y[i]) with opacity alpha,
 * each filled on its own so that overlapping dots add up and dense
 * regions look darker; clipped to the plot area widened by r, so that
 * dots on its edges show whole; non-finite points are skipped. */
void fs_chart_dots(fs_chart *c, const fs_panel *p, const double *x, const double *y, int n,
                   double r, fs_rgb col, double alpha);

/* A vertical line at data x across the plot area. */
void fs_chart_vline(fs_chart *c, const fs_panel *p, double x, fs_rgb col, double width,
                    int dashed);

/* A heatmap cell at category (col, row) filled with `fill`, with `text`
 * centred in a colour readable on the fill (NULL for none). The text is
 * scaled down so that `widest` (the widest text of the panel; NULL: text
 * itself) fits the cell, so every cell of a panel uses one size; when that
 * would be unreadably small the value is left out and the colour carries it. */
void fs_chart_cell(fs_chart *c, const fs_panel *p, int col, int row, fs_rgb fill,
                   const char *text, const char *widest);

/* A note centred in the plot area on a white box, for degenerate data
 * ("No attacks in any run"). May hold several lines. */
void fs_chart_note(fs_chart *c, const fs_panel *p, const char *text);

/* A labelled vertical marker. With finite x, a line at x; with finite
 * wlo < whi, a window between them, drawn as a shaded bar in the marker's
 * label row above the plot area (so it never covers data). Labels go above
 * the plot area, in rows that keep them from overlapping. */
typedef struct fs_marker {
    double x;
    double wlo, whi;
    const char *label;
    fs_rgb col;
    int dashed;
} fs_marker;

/* The height the labels of these markers need above the plot area
 * (reserve it as fs_panel_spec.top). At most 5 rows are used. */
double fs_chart_markers_height(fs_chart *c, const fs_panel *p, const fs_marker *m, int n);

/* Draws the markers and their labels. */
void fs_chart_markers(fs_chart *c, const fs_panel *p, const fs_marker *m, int n);

/* Legend keys. */
typedef enum fs_key {
    FS_KEY_LINE = 0,
    FS_KEY_DASH,
    FS_KEY_BAND,
    FS_KEY_BAR,
    FS_KEY_MARKER,
    FS_KEY_WINDOW,
    FS_KEY_WHISKER
} fs_key;

typedef struct fs_legend_item {
    const char *label;
    fs_rgb col;
    fs_key key;
    double alpha;    /* for bands and windows */
    /* A band, bar or window key that stands for several series' bands
     * (one shade in each series' colour) is split into ncols stripes of
     * cols[0..ncols-1] instead of col; ncols 0 (the default) uses col. */
    const fs_rgb *cols;
    int ncols;
} fs_legend_item;

/* Draws a legend in rows at the top of `box` and returns what is left of
 * the box below it. */
fs_rect fs_chart_legend(fs_chart *c, fs_rect box, const fs_legend_item *items, int n);

/* A horizontal colour bar for values lo..hi under colour map `map`
 * (fs_sequential or fs_diverging applied to t, see fs_chart_colourbar's
 * mapping below) drawn in `box` with end and middle values labelled. When
 * diverging, t runs from -1 at lo to +1 at hi; otherwise from 0 to 1. */
void fs_chart_colourbar(fs_chart *c, fs_rect box, double lo, double hi, int diverging,
                        int decimals, const char *label);

/* The columns and rows of a grid of n panels in body whose panels come
 * closest to the given width/height aspect. */
void fs_chart_grid_shape(int n, fs_rect body, double aspect, int *cols, int *rows);

#endif
