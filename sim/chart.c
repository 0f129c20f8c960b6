/* chart.c: chart frames, axes with 1-2-5 ticks, and marks (lines, bands,
 * bars, whiskers, cells, markers, legends) drawn with cairo; all text is
 * laid out and measured by pango, so labels can be fitted before drawing. */
#include "chart.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "fsio.h"
#include "headroom.h"
#include "stats.h"

struct fs_chart {
    cairo_surface_t *surf;
    cairo_t *cr;
    PangoLayout *layout;
    PangoFontDescription *font;
    fs_afile *af;
    fs_chart_format fmt;
    int w, h;
    double u;          /* pixels per design pixel */
    int finished;
    int npanels;
    fs_panel panels[FS_CHART_MAX_PANELS];
};

#define INK_R 0.13
#define GAP (8.0 * c->u)
#define TICKLEN (5.0 * c->u)

/* ---- colours ---- */

static const fs_rgb okabe_ito[] = {
    { 0.000, 0.000, 0.000 },   /* black */
    { 0.902, 0.624, 0.000 },   /* orange #E69F00 */
    { 0.337, 0.706, 0.914 },   /* sky blue #56B4E9 */
    { 0.000, 0.620, 0.451 },   /* bluish green #009E73 */
    { 0.941, 0.894, 0.259 },   /* yellow #F0E442 */
    { 0.000, 0.447, 0.698 },   /* blue #0072B2 */
    { 0.835, 0.369, 0.000 },   /* vermillion #D55E00 */
    { 0.800, 0.475, 0.655 },   /* reddish purple #CC79A7 */
    { 0.600, 0.600, 0.600 },   /* grey */
};

fs_rgb fs_palette(fs_colour c)
{
    if ((int)c < 0 || (int)c > FS_GREY)
        c = FS_GREY;
    return okabe_ito[c];
}

fs_rgb fs_series_colour(int i)
{
    static const fs_colour order[] = { FS_BLUE, FS_ORANGE, FS_BLUISH_GREEN, FS_VERMILLION,
                                       FS_REDDISH_PURPLE, FS_SKY_BLUE, FS_BLACK, FS_YELLOW };
    if (i < 0)
        i = -i;
    return okabe_ito[order[i % 8]];
}

static fs_rgb rgb_mix(fs_rgb a, fs_rgb b, double t)
{
    fs_rgb r = { a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t };
    return r;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

fs_rgb fs_diverging(double t)
{
    static const fs_rgb neg = { 0.702, 0.271, 0.000 }, mid = { 0.97, 0.97, 0.97 },
                        pos = { 0.000, 0.353, 0.580 };
    fs_rgb grey = { 0.85, 0.85, 0.85 };
    if (isnan(t))
        return grey;
    t = clamp(t, -1, 1);
    return t < 0 ? rgb_mix(mid, neg, -t) : rgb_mix(mid, pos, t);
}

fs_rgb fs_sequential(double t)
{
    static const fs_rgb lo = { 0.965, 0.976, 0.988 }, mid = { 0.420, 0.682, 0.839 },
                        hi = { 0.031, 0.271, 0.580 };
    fs_rgb grey = { 0.85, 0.85, 0.85 };
    if (isnan(t))
        return grey;
    t = clamp(t, 0, 1);
    return t < 0.5 ? rgb_mix(lo, mid, 2 * t) : rgb_mix(mid, hi, 2 * t - 1);
}

static double luminance(fs_rgb c)
{
    return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

static void set_rgb(fs_chart *c, fs_rgb col, double alpha)
{
    cairo_set_source_rgba(c->cr, col.r, col.g, col.b, alpha);
}

static fs_rgb ink(void)
{
    fs_rgb k = { INK_R, INK_R, INK_R };
    return k;
}

static fs_rgb grey(double v)
{
    fs_rgb k = { v, v, v };
    return k;
}

/* ---- fonts and text ---- */

static int font_is_generic(const char *family)
{
    static const char *const generic[] = { "sans", "sans-serif", "serif", "monospace",
                                           "mono", "system-ui", "" };
    size_t i;
    for (i = 0; i < sizeof generic / sizeof generic[0]; i++)
        if (strcasecmp(family, generic[i]) == 0)
            return 1;
    return 0;
}

fs_status fs_chart_font_check(fs_err *err)
{
    PangoFontMap *map;
    PangoContext *ctx = NULL;
    PangoFontDescription *want = NULL, *got = NULL;
    PangoFont *font = NULL;
    PangoLayout *lay = NULL;
    const char *family = NULL;
    int unknown = 0;
    fs_status st = FS_OK;

    /* Pango's first use starts fontconfig's threads: GLib aborts the
     * process if one cannot be created, so the room is checked first. */
    if (fs_headroom_charts(err) != FS_OK)
        return err->code;
    if ((map = pango_cairo_font_map_get_default()) == NULL)
        goto fail;
    ctx = pango_font_map_create_context(map);
    want = pango_font_description_from_string(FS_CHART_FONT " 12");
    font = pango_font_map_load_font(map, ctx, want);
    if (font == NULL)
        goto fail;
    got = pango_font_describe(font);
    family = pango_font_description_get_family(got);
    lay = pango_layout_new(ctx);
    pango_layout_set_font_description(lay, want);
    pango_layout_set_text(lay, "Threat index 0123456789 %", -1);
    unknown = pango_layout_get_unknown_glyphs_count(lay);
    if (family == NULL || font_is_generic(family) || unknown > 0)
        goto fail;
    goto done;
fail:
    st = fs_err_set(err, FS_EIO,
                    "no usable font for charts: pango resolved \"%s\" to %s%s%s; "
                    "install the Debian package %s (apt-get install %s)",
                    FS_CHART_FONT, family ? "\"" : "no font", family ? family : "",
                    family ? "\"" : "", FS_CHART_FONT_PACKAGE, FS_CHART_FONT_PACKAGE);
done:
    if (lay)
        g_object_unref(lay);
    if (got)
        pango_font_description_free(got);
    if (font)
        g_object_unref(font);
    if (want)
        pango_font_description_free(want);
    if (ctx)
        g_object_unref(ctx);
    return st;
}

/* Each role's size at 1600x1000 and the smallest it gets on a smaller
 * chart (pixels): scaled with the chart alone, an 800x500 chart's footnote
 * would be 6.5 px, which no one reads. */
static const struct {
    double size, min;
    PangoWeight weight;
} text_roles[] = {
    { 28, 16, PANGO_WEIGHT_BOLD },     /* title */
    { 18, 12, PANGO_WEIGHT_NORMAL },   /* subtitle */
    { 17, 11.5, PANGO_WEIGHT_BOLD },   /* panel */
    { 17, 11.5, PANGO_WEIGHT_NORMAL }, /* label */
    { 15, 10.5, PANGO_WEIGHT_NORMAL }, /* tick */
    { 14, 10.5, PANGO_WEIGHT_NORMAL }, /* value */
    { 13, 10, PANGO_WEIGHT_NORMAL },   /* foot */
};

/* A role's font size in pixels on chart c. */
static double role_px(const fs_chart *c, fs_text_role role)
{
    return fmax(text_roles[role].size * c->u, text_roles[role].min);
}

/* Puts text into the shared layout in a role's font, scaled by `scale`;
 * maxw > 0 shortens it with an ellipsis, wrap > 0 wraps it instead. */
static void chart_layout(fs_chart *c, fs_text_role role, const char *text, double maxw,
                         double wrap, double scale)
{
    pango_font_description_set_absolute_size(c->font, role_px(c, role) * scale * PANGO_SCALE);
    pango_font_description_set_weight(c->font, text_roles[role].weight);
    pango_layout_set_font_description(c->layout, c->font);
    {
        /* Labels are cut to fixed buffers, which can split a multibyte
         * character at the end (input is checked UTF-8 at load): pango
         * gets the valid part only, and prints no warning. */
        const gchar *end;
        pango_layout_set_text(c->layout, text,
                              g_utf8_validate(text, -1, &end) ? -1 : (int)(end - text));
    }
    if (wrap > 0) {
        pango_layout_set_width(c->layout, (int)(wrap * PANGO_SCALE));
        pango_layout_set_wrap(c->layout, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_ellipsize(c->layout, PANGO_ELLIPSIZE_NONE);
    } else if (maxw > 0) {
        pango_layout_set_width(c->layout, (int)(maxw * PANGO_SCALE));
        pango_layout_set_ellipsize(c->layout, PANGO_ELLIPSIZE_END);
    } else {
        pango_layout_set_width(c->layout, -1);
        pango_layout_set_ellipsize(c->layout, PANGO_ELLIPSIZE_NONE);
    }
}

static void layout_size(fs_chart *c, double *w, double *h)
{
    PangoRectangle ink_r, log_r;
    pango_layout_get_pixel_extents(c->layout, &ink_r, &log_r);
    *w = log_r.width;
    *h = log_r.height;
}

double fs_chart_text_width(fs_chart *c, fs_text_role role, const char *text)
{
    double w, h;
    chart_layout(c, role, text, 0, 0, 1);
    layout_size(c, &w, &h);
    return w;
}

double fs_chart_line_height(fs_chart *c, fs_text_role role)
{
    double w, h;
    chart_layout(c, role, "Ag", 0, 0, 1);
    layout_size(c, &w, &h);
    return h;
}

/* Draws whatever is in the layout with its (ax, ay) point at (x, y). */
static double show_layout(fs_chart *c, double x, double y, double ax, double ay, fs_rgb col,
                          int vertical)
{
    PangoRectangle ink_r, log_r;

    pango_layout_set_alignment(c->layout, ax > 0.7 ? PANGO_ALIGN_RIGHT
                               : ax > 0.3 ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
    cairo_save(c->cr);
    cairo_translate(c->cr, x, y);
    if (vertical)
        cairo_rotate(c->cr, -M_PI / 2);
    pango_cairo_update_layout(c->cr, c->layout);
    pango_layout_get_pixel_extents(c->layout, &ink_r, &log_r);
    cairo_move_to(c->cr, -ax * log_r.width - log_r.x, -ay * log_r.height - log_r.y);
    set_rgb(c, col, 1);
    pango_cairo_show_layout(c->cr, c->layout);
    cairo_restore(c->cr);
    return log_r.width;
}

double fs_chart_text(fs_chart *c, fs_text_role role, const char *text, double x, double y,
                     double ax, double ay, double maxw, fs_rgb col, int vertical)
{
    if (text == NULL || text[0] == '\0')
        return 0;
    chart_layout(c, role, text, maxw, 0, 1);
    return show_layout(c, x, y, ax, ay, col, vertical);
}

/* Wrapped text of width wrap; returns its height, drawing only if draw. */
static double wrapped_text(fs_chart *c, fs_text_role role, const char *text, double x, double y,
                           double wrap, fs_rgb col, double ax, int draw)
{
    double w, h;
    chart_layout(c, role, text, 0, wrap, 1);
    layout_size(c, &w, &h);
    if (draw) {
        pango_layout_set_alignment(c->layout, ax > 0.3 ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
        cairo_save(c->cr);
        cairo_translate(c->cr, x, y);
        pango_cairo_update_layout(c->cr, c->layout);
        cairo_move_to(c->cr, 0, 0);
        set_rgb(c, col, 1);
        pango_cairo_show_layout(c->cr, c->layout);
        cairo_restore(c->cr);
    }
    return h;
}

/* ---- numbers and ticks ---- */

void fs_format_number(char *buf, size_t n, double v, int decimals)
{
    char tmp[64], out[128];
    size_t len, intlen, i, o = 0;
    const char *dot;

    if (!isfinite(v)) {
        snprintf(buf, n, "–");
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 12)
        decimals = 12;
    snprintf(tmp, sizeof tmp, "%.*f", decimals, fabs(v));
    if (v < 0 && strspn(tmp, "0.") != strlen(tmp)) {
        memcpy(out, "\xe2\x88\x92", 3);   /* U+2212 minus sign */
        o = 3;
    }
    len = strlen(tmp);
    dot = strchr(tmp, '.');
    intlen = dot ? (size_t)(dot - tmp) : len;
    for (i = 0; i < len && o + 4 < sizeof out; i++) {
        if (i > 0 && i < intlen && intlen > 4 && (intlen - i) % 3 == 0) {
            memcpy(out + o, "\xe2\x80\x89", 3);   /* U+2009 thin space */
            o += 3;
        }
        out[o++] = tmp[i];
    }
    out[o] = '\0';
    snprintf(buf, n, "%s", out);
}

void fs_format_percent(char *buf, size_t n, double p)
{
    size_t l;
    fs_format_number(buf, n, fs_percent(p), 1);
    l = strlen(buf);
    if (l + 1 < n)
        buf[l] = '%', buf[l + 1] = '\0';
}

static double nice_step(double raw, int integer)
{
    double e, f, m, s;
    if (!(raw > 0) || !isfinite(raw))
        raw = 1;
    e = floor(log10(raw));
    f = raw / pow(10, e);
    m = f <= 1.0 + 1e-9 ? 1 : f <= 2.0 + 1e-9 ? 2 : f <= 5.0 + 1e-9 ? 5 : 10;
    s = m * pow(10, e);
    return integer && s < 1 ? 1 : s;
}

static int step_decimals(double step)
{
    int d = 0;
    while (d < 10 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-6)
        d++;
    return d;
}

/* Makes [lo, hi] finite and non-empty. */
static void sane_range(double *lo, double *hi, int integer)
{
    if (!isfinite(*lo) && !isfinite(*hi))
        *lo = 0, *hi = 1;
    else if (!isfinite(*lo))
        *lo = *hi;
    else if (!isfinite(*hi))
        *hi = *lo;
    if (*lo > *hi) {
        double t = *lo;
        *lo = *hi;
        *hi = t;
    }
    if (*hi - *lo <= 1e-12 * fmax(1.0, fabs(*hi))) {
        if (*lo == 0)
            *hi = 1;
        else if (*lo > 0)
            *lo = 0, *hi = 2 * *hi;
        else
            *hi = 0, *lo = 2 * *lo;
        if (integer && *hi - *lo < 1)
            *hi = *lo + 1;
    }
}

static void linear_ticks(double lo, double hi, int integer, int fixed, int target,
                         fs_scale *scale, fs_ticks *t)
{
    double step, first, last;
    int i, n;

    sane_range(&lo, &hi, integer);
    if (target < 2)
        target = 2;
    step = nice_step((hi - lo) / (target - 1), integer);
    first = fixed ? ceil(lo / step - 1e-9) * step : floor(lo / step + 1e-9) * step;
    last = fixed ? floor(hi / step + 1e-9) * step : ceil(hi / step - 1e-9) * step;
    n = (int)lround((last - first) / step) + 1;
    while (n > FS_TICKS_MAX) {
        step *= 2;
        first = ceil(first / step - 1e-9) * step;
        n = (int)floor((last - first) / step + 1e-9) + 1;
    }
    t->n = n < 0 ? 0 : n;
    for (i = 0; i < t->n; i++) {
        double v = first + i * step;
        v = round(v / step) * step;
        t->v[i] = v == 0 ? 0 : v;
    }
    t->decimals = step_decimals(step);
    scale->lo = fixed ? lo : fmin(lo, first);
    scale->hi = fixed ? hi : fmax(hi, last);
    scale->log = 0;
}

static double snap125(double v, int up)
{
    double e = floor(log10(v) + 1e-12), m = v / pow(10, e);
    if (up)
        m = m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10;
    else
        m = m >= 5 - 1e-9 ? 5 : m >= 2 - 1e-9 ? 2 : 1;
    return m * pow(10, e);
}

static void log_ticks(double lo, double hi, int fixed, int target, fs_scale *scale,
                      fs_ticks *t)
{
    static const double mant[] = { 1, 2, 5 };
    double decades, minv = HUGE_VAL;
    int k, k0, k1, j, stride, nm;

    if (!(hi > 0) || !isfinite(hi))
        hi = 10;
    if (!(lo > 0) || !isfinite(lo) || lo > hi)
        lo = hi / 10;
    if (hi / lo < 1.5)
        lo /= 2, hi *= 2;
    if (!fixed) {
        lo = snap125(lo, 0);
        hi = snap125(hi, 1);
    }
    decades = log10(hi / lo);
    nm = decades < 3 ? 3 : 1;
    stride = decades > target ? (int)ceil(decades / target) : 1;
    k0 = (int)floor(log10(lo) + 1e-9);
    k1 = (int)ceil(log10(hi) - 1e-9);
    t->n = 0;
    for (k = k0; k <= k1; k++) {
        if ((k - k0) % stride != 0)
            continue;
        for (j = 0; j < nm && t->n < FS_TICKS_MAX; j++) {
            double v = mant[j] * pow(10, k);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                t->v[t->n++] = v;
                minv = fmin(minv, v);
            }
        }
    }
    t->decimals = minv < 1 ? (int)ceil(-log10(minv) - 1e-9) : 0;
    scale->lo = lo;
    scale->hi = hi;
    scale->log = 1;
}

void fs_nice_ticks(double lo, double hi, int log, int integer, int fixed, int target,
                   fs_scale *scale, fs_ticks *ticks)
{
    if (log)
        log_ticks(lo, hi, fixed, target, scale, ticks);
    else
        linear_ticks(lo, hi, integer, fixed, target, scale, ticks);
}

/* ---- chart lifecycle ---- */

static cairo_status_t chart_write(void *closure, const unsigned char *data, unsigned int len)
{
    FILE *fp = closure;
    return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

fs_status fs_chart_format_parse(const char *s, fs_chart_format *fmt, fs_err *err)
{
    if (strcmp(s, "png") == 0)
        *fmt = FS_CHART_PNG;
    else if (strcmp(s, "pdf") == 0)
        *fmt = FS_CHART_PDF;
    else if (strcmp(s, "svg") == 0)
        *fmt = FS_CHART_SVG;
    else
        return fs_err_set(err, FS_EUSAGE, "unknown chart format '%s' (expected png, pdf or svg)", s);
    return FS_OK;
}

const char *fs_chart_format_ext(fs_chart_format fmt)
{
    return fmt == FS_CHART_PDF ? "pdf" : fmt == FS_CHART_SVG ? "svg" : "png";
}

static cairo_surface_t *chart_surface(fs_chart *c)
{
    FILE *fp = fs_afile_stream(c->af);
    cairo_surface_t *s;

    switch (c->fmt) {
    case FS_CHART_PDF:
        s = cairo_pdf_surface_create_for_stream(chart_write, fp, c->w, c->h);
        /* No creation date, so the same input gives the same bytes. */
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "");
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, "");
        return s;
    case FS_CHART_SVG:
        return cairo_svg_surface_create_for_stream(chart_write, fp, c->w, c->h);
    default:
        return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, c->w, c->h);
    }
}

/* Font rendering options fixed so the pixels do not depend on the
 * desktop's settings: grey antialiasing, no hinting. */
static void chart_font_options(fs_chart *c)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pango_layout_get_context(c->layout), fo);
    pango_layout_context_changed(c->layout);
    cairo_font_options_destroy(fo);
}

fs_chart *fs_chart_open(const char *path, fs_chart_format fmt, int width, int height,
                        fs_err *err)
{
    fs_chart *c;

    /* Charts come after the CSV files are committed: a signal now stops
     * before the next chart, and no chart of this set is committed. */
    if (fs_interrupted) {
        const char *slash = strrchr(path, '/');
        fs_err_set(err, FS_EINTR, "interrupted while drawing the charts; the CSV files are "
                   "complete: draw the charts with 'foresight plot %.*s'",
                   slash ? (int)(slash - path) : 1, slash ? path : ".");
        return NULL;
    }
    if (width < 200 || height < 150 || width > 20000 || height > 20000) {
        fs_err_set(err, FS_EUSAGE, "chart size %dx%d is outside 200x150..20000x20000",
                   width, height);
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL)
        goto nomem;
    c->fmt = fmt;
    c->w = width;
    c->h = height;
    c->u = fmin(width / (double)FS_CHART_WIDTH, height / (double)FS_CHART_HEIGHT);
    c->af = fs_afile_open(path, err);
    if (c->af == NULL)
        goto fail;
    c->surf = chart_surface(c);
    if (cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS)
        goto cairo_fail;
    c->cr = cairo_create(c->surf);
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS)
        goto cairo_fail;
    c->layout = pango_cairo_create_layout(c->cr);
    c->font = pango_font_description_from_string(FS_CHART_FONT);
    if (c->layout == NULL || c->font == NULL)
        goto nomem;
    chart_font_options(c);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    return c;
cairo_fail:
    fs_err_set(err, FS_EIO, "cannot draw %s: %s", path,
               cairo_status_to_string(c->cr ? cairo_status(c->cr) : cairo_surface_status(c->surf)));
    goto fail;
nomem:
    fs_err_set(err, FS_ENOMEM, "out of memory drawing %s", path);
fail:
    fs_chart_free(c);
    return NULL;
}

/* Releases cairo and pango objects (finishing vector surfaces). */
static void chart_release_drawing(fs_chart *c)
{
    if (c->layout)
        g_object_unref(c->layout);
    if (c->font)
        pango_font_description_free(c->font);
    if (c->cr)
        cairo_destroy(c->cr);
    if (c->surf)
        cairo_surface_destroy(c->surf);
    c->layout = NULL;
    c->font = NULL;
    c->cr = NULL;
    c->surf = NULL;
}

fs_status fs_chart_finish(fs_chart *c, fs_err *err)
{
    cairo_status_t cs = cairo_status(c->cr);
    int saved;

    errno = 0;
    if (cs == CAIRO_STATUS_SUCCESS && c->fmt == FS_CHART_PNG) {
        cairo_surface_flush(c->surf);
        cs = cairo_surface_write_to_png_stream(c->surf, chart_write, fs_afile_stream(c->af));
    } else if (cs == CAIRO_STATUS_SUCCESS) {
        cairo_surface_finish(c->surf);
        cs = cairo_surface_status(c->surf);
    }
    saved = errno;   /* a failed write's reason (a full disk) */
    chart_release_drawing(c);
    c->finished = 1;
    if (cs == CAIRO_STATUS_WRITE_ERROR)
        return fs_err_set(err, FS_EIO, "cannot write %s: %s", fs_afile_path(c->af),
                          strerror(saved ? saved : EIO));
    if (cs != CAIRO_STATUS_SUCCESS)
        return fs_err_set(err, FS_EIO, "cannot draw %s: %s", fs_afile_path(c->af),
                          cairo_status_to_string(cs));
    /* Closed now, renamed at commit: the charts of a set wait for one
     * another without a descriptor each. */
    return fs_afile_close(c->af, err);
}

fs_status fs_chart_commit(fs_chart *c, fs_err *err)
{
    fs_afile *af = c->af;
    c->af = NULL;
    return fs_afile_commit(af, err);
}

void fs_chart_free(fs_chart *c)
{
    if (c == NULL)
        return;
    chart_release_drawing(c);
    fs_afile_abort(c->af);
    free(c);
}

double fs_chart_unit(const fs_chart *c)
{
    return c->u;
}

fs_rect fs_chart_page(const fs_chart *c)
{
    fs_rect r = { 0, 0, c->w, c->h };
    return r;
}

fs_rect fs_chart_frame(fs_chart *c, const char *title, const char *subtitle,
                       const char *footnote)
{
    double m = 22 * c->u, top = m, bottom = c->h - m, fh;
    fs_rect body;

    if (title) {
        fs_chart_text(c, FS_TEXT_TITLE, title, m, top, 0, 0, c->w - 2 * m, ink(), 0);
        top += fs_chart_line_height(c, FS_TEXT_TITLE);
        if (c->fmt == FS_CHART_PDF)
            cairo_pdf_surface_set_metadata(c->surf, CAIRO_PDF_METADATA_TITLE, title);
    }
    if (subtitle) {
        fs_chart_text(c, FS_TEXT_SUBTITLE, subtitle, m, top + 2 * c->u, 0, 0, c->w - 2 * m,
                      grey(0.33), 0);
        top += fs_chart_line_height(c, FS_TEXT_SUBTITLE) + 2 * c->u;
    }
    if (footnote) {
        fh = wrapped_text(c, FS_TEXT_FOOT, footnote, m, 0, c->w - 2 * m, grey(0.35), 0, 0);
        bottom -= fh;
        wrapped_text(c, FS_TEXT_FOOT, footnote, m, bottom, c->w - 2 * m, grey(0.35), 0, 1);
        cairo_set_source_rgb(c->cr, 0.85, 0.85, 0.85);
        cairo_set_line_width(c->cr, 1 * c->u);
        cairo_move_to(c->cr, m, bottom - 6 * c->u);
        cairo_line_to(c->cr, c->w - m, bottom - 6 * c->u);
        cairo_stroke(c->cr);
        bottom -= 14 * c->u;
    }
    body.x = m;
    body.y = top + 14 * c->u;
    body.w = c->w - 2 * m;
    body.h = fmax(20 * c->u, bottom - body.y);
    return body;
}

/* ---- panels ---- */

double fs_panel_px(const fs_panel *p, double x)
{
    double lo = p->x.lo, hi = p->x.hi;
    if (p->x.log) {
        if (!(x > 0))
            return p->area.x - 1e4;
        x = log10(x), lo = log10(lo), hi = log10(hi);
    }
    if (hi == lo)
        return p->area.x + p->area.w / 2;
    return p->area.x + p->area.w * (x - lo) / (hi - lo);
}

double fs_panel_py(const fs_panel *p, double y)
{
    double lo = p->y.lo, hi = p->y.hi;
    if (p->y.log) {
        if (!(y > 0))
            return p->area.y + p->area.h + 1e4;
        y = log10(y), lo = log10(lo), hi = log10(hi);
    }
    if (hi == lo)
        return p->area.y + p->area.h / 2;
    return p->area.y + p->area.h * (1 - (y - lo) / (hi - lo));
}

int fs_chart_npanels(const fs_chart *c)
{
    return c->npanels;
}

const fs_panel *fs_chart_panel_at(const fs_chart *c, int i)
{
    return i >= 0 && i < c->npanels ? &c->panels[i] : NULL;
}

/* Everything the layout of a panel decides. */
typedef struct panel_geo {
    fs_panel p;
    fs_ticks xt, yt;
    double left, bottom;
    int xvertical;      /* category x labels turned upwards */
    double xcatw;       /* the width x category labels may take */
} panel_geo;

static void tick_label(const fs_axis_spec *a, const fs_ticks *t, int i, char *buf, size_t n)
{
    if (a->percent) {
        char num[64];
        fs_format_number(num, sizeof num, t->v[i] * 100, t->decimals > 2 ? t->decimals - 2 : 0);
        snprintf(buf, n, "%s%%", num);
    } else {
        fs_format_number(buf, n, t->v[i], t->decimals);
    }
}

static double ticks_max_width(fs_chart *c, const fs_axis_spec *a, const fs_ticks *t)
{
    char buf[96];
    double w = 0;
    int i;
    for (i = 0; i < t->n; i++) {
        tick_label(a, t, i, buf, sizeof buf);
        w = fmax(w, fs_chart_text_width(c, FS_TEXT_TICK, buf));
    }
    return w;
}

static double cats_max_width(fs_chart *c, const fs_axis_spec *a)
{
    double w = 0;
    int i;
    for (i = 0; i < a->ncats; i++)
        w = fmax(w, fs_chart_text_width(c, FS_TEXT_TICK, a->cats[i] ? a->cats[i] : ""));
    return w;
}

static void axis_scale(const fs_axis_spec *a, int target, int reversed, fs_scale *sc,
                       fs_ticks *t)
{
    if (a->cats) {
        sc->lo = reversed ? a->ncats - 0.5 : -0.5;
        sc->hi = reversed ? -0.5 : a->ncats - 0.5;
        sc->log = 0;
        t->n = 0;
        t->decimals = 0;
        return;
    }
    fs_nice_ticks(a->lo, a->hi, a->log, a->integer, a->fixed, target, sc, t);
}

static int y_target(fs_chart *c, const fs_panel_spec *s)
{
    int n = (int)(s->box.h * 0.8 / (2.6 * fs_chart_line_height(c, FS_TEXT_TICK)));
    return n < 2 ? 2 : n > 8 ? 8 : n;
}

double fs_chart_panel_left(fs_chart *c, const fs_panel_spec *s)
{
    double w = 0;
    fs_scale sc;
    fs_ticks t;

    if (s->y.label)
        w += fs_chart_line_height(c, FS_TEXT_LABEL) + GAP;
    if (!s->y.hide_ticklabels) {
        if (s->y.cats)
            w += fmin(cats_max_width(c, &s->y), s->box.w * 0.22);
        else {
            axis_scale(&s->y, y_target(c, s), 0, &sc, &t);
            w += ticks_max_width(c, &s->y, &t);
        }
        w += GAP;
    }
    w += TICKLEN + 2 * c->u;
    return fmax(w, s->left);
}

static void panel_compute(fs_chart *c, const fs_panel_spec *s, panel_geo *g)
{
    double top = s->box.y + s->top + fs_chart_line_height(c, FS_TEXT_TICK) * 0.6;
    double right = 10 * c->u, bottom, lw;
    int target;

    memset(g, 0, sizeof *g);
    if (s->title)
        top += fs_chart_line_height(c, FS_TEXT_PANEL) + 4 * c->u;
    g->left = fs_chart_panel_left(c, s);
    g->p.area.x = s->box.x + g->left;
    g->p.area.w = fmax(10 * c->u, s->box.w - g->left - right);
    /* x ticks: as many as fit side by side with room between labels. */
    target = (int)(g->p.area.w / (70 * c->u));
    target = target < 2 ? 2 : target > 10 ? 10 : target;
    axis_scale(&s->x, target, 0, &g->p.x, &g->xt);
    if (!s->x.cats && !s->x.hide_ticklabels) {
        lw = ticks_max_width(c, &s->x, &g->xt) + 24 * c->u;
        if (g->xt.n > 1 && (g->xt.n - 1) * lw > g->p.area.w) {
            target = (int)(g->p.area.w / lw);
            axis_scale(&s->x, target < 2 ? 2 : target, 0, &g->p.x, &g->xt);
        }
        /* Room for half of the last label past the right end. */
        lw = ticks_max_width(c, &s->x, &g->xt) / 2;
        if (lw > right) {
            g->p.area.w -= lw - right;
        }
    }
    bottom = TICKLEN + GAP * 0.5;
    if (!s->x.hide_ticklabels) {
        if (s->x.cats) {
            double slot = g->p.area.w / (s->x.ncats > 0 ? s->x.ncats : 1) - 6 * c->u;
            double need = cats_max_width(c, &s->x);
            if (need <= slot) {
                g->xcatw = slot;
                bottom += fs_chart_line_height(c, FS_TEXT_TICK);
            } else {
                g->xvertical = 1;
                g->xcatw = fmin(need, s->box.h * 0.4);
                bottom += g->xcatw;
            }
        } else {
            bottom += fs_chart_line_height(c, FS_TEXT_TICK);
        }
    }
    if (s->x.label)
        bottom += fs_chart_line_height(c, FS_TEXT_LABEL) + GAP;
    g->bottom = fmax(bottom, s->bottom);
    g->p.area.y = top;
    g->p.area.h = fmax(10 * c->u, s->box.y + s->box.h - g->bottom - top);
    axis_scale(&s->y, y_target(c, s), s->y.cats != NULL, &g->p.y, &g->yt);
}

fs_panel fs_chart_panel_layout(fs_chart *c, const fs_panel_spec *s)
{
    panel_geo g;
    panel_compute(c, s, &g);
    return g.p;
}

static void hline(fs_chart *c, double x0, double x1, double y, fs_rgb col, double w)
{
    set_rgb(c, col, 1);
    cairo_set_line_width(c->cr, w);
    cairo_move_to(c->cr, x0, y);
    cairo_line_to(c->cr, x1, y);
    cairo_stroke(c->cr);
}

static void vline(fs_chart *c, double x, double y0, double y1, fs_rgb col, double w)
{
    set_rgb(c, col, 1);
    cairo_set_line_width(c->cr, w);
    cairo_move_to(c->cr, x, y0);
    cairo_line_to(c->cr, x, y1);
    cairo_stroke(c->cr);
}

static void draw_y_axis(fs_chart *c, const fs_panel_spec *s, const panel_geo *g)
{
    const fs_rect *a = &g->p.area;
    double xl = a->x - TICKLEN - GAP * 0.6, maxw = g->left - TICKLEN - GAP;
    char buf[96];
    int i;

    if (s->y.label)
        maxw -= fs_chart_line_height(c, FS_TEXT_LABEL) + GAP;
    for (i = 0; i < g->yt.n; i++) {
        double y = fs_panel_py(&g->p, g->yt.v[i]);
        hline(c, a->x, a->x + a->w, y, grey(0.9), 1 * c->u);
        hline(c, a->x - TICKLEN, a->x, y, grey(0.3), 1 * c->u);
        if (!s->y.hide_ticklabels) {
            tick_label(&s->y, &g->yt, i, buf, sizeof buf);
            fs_chart_text(c, FS_TEXT_TICK, buf, xl, y, 1, 0.5, 0, grey(0.25), 0);
        }
    }
    for (i = 0; s->y.cats && i < s->y.ncats && !s->y.hide_ticklabels; i++) {
        double y = fs_panel_py(&g->p, i);
        int j = i + 1;
        if (s->y.cat_groups) {
            if (s->y.cats[i] == NULL || s->y.cats[i][0] == '\0')
                continue;
            while (j < s->y.ncats && (s->y.cats[j] == NULL || s->y.cats[j][0] == '\0'))
                j++;
            y = (y + fs_panel_py(&g->p, j - 1)) / 2;
            if (i > 0)
                hline(c, a->x, a->x + a->w, (fs_panel_py(&g->p, i - 1) +
                      fs_panel_py(&g->p, i)) / 2, grey(0.82), 1 * c->u);
        }
        fs_chart_text(c, FS_TEXT_TICK, s->y.cats[i], xl, y, 1, 0.5, fmax(maxw, 20 * c->u),
                      grey(0.2), 0);
    }
    if (s->y.label) {
        double tw = s->y.hide_ticklabels ? 0
                    : s->y.cats ? fmin(cats_max_width(c, &s->y), maxw)
                    : ticks_max_width(c, &s->y, &g->yt);
        double lx = fmax(s->box.x, xl - tw - GAP - fs_chart_line_height(c, FS_TEXT_LABEL));
        fs_chart_text(c, FS_TEXT_LABEL, s->y.label, lx, a->y + a->h / 2, 0.5, 0,
                      a->h + g->bottom * 0.5, ink(), 1);
    }
}

static void draw_x_axis(fs_chart *c, const fs_panel_spec *s, const panel_geo *g)
{
    const fs_rect *a = &g->p.area;
    double yl = a->y + a->h + TICKLEN + GAP * 0.5;
    char buf[96];
    int i;

    for (i = 0; i < g->xt.n; i++) {
        double x = fs_panel_px(&g->p, g->xt.v[i]);
        vline(c, x, a->y, a->y + a->h, grey(0.9), 1 * c->u);
        vline(c, x, a->y + a->h, a->y + a->h + TICKLEN, grey(0.3), 1 * c->u);
        if (!s->x.hide_ticklabels) {
            tick_label(&s->x, &g->xt, i, buf, sizeof buf);
            fs_chart_text(c, FS_TEXT_TICK, buf, x, yl, 0.5, 0, 0, grey(0.25), 0);
        }
    }
    for (i = 0; s->x.cats && i < s->x.ncats && !s->x.hide_ticklabels; i++) {
        double x = fs_panel_px(&g->p, i);
        if (g->xvertical)
            fs_chart_text(c, FS_TEXT_TICK, s->x.cats[i], x, yl, 1, 0.5, g->xcatw, grey(0.2), 1);
        else
            fs_chart_text(c, FS_TEXT_TICK, s->x.cats[i], x, yl, 0.5, 0, g->xcatw, grey(0.2), 0);
    }
    if (s->x.label)
        fs_chart_text(c, FS_TEXT_LABEL, s->x.label, a->x + a->w / 2, s->box.y + s->box.h, 0.5, 1,
                      s->box.w, ink(), 0);
}

fs_panel fs_chart_panel(fs_chart *c, const fs_panel_spec *s)
{
    panel_geo g;
    const fs_rect *a;

    panel_compute(c, s, &g);
    a = &g.p.area;
    if (s->title)
        fs_chart_text(c, FS_TEXT_PANEL, s->title, a->x, s->box.y, 0, 0, s->box.x + s->box.w - a->x,
                      ink(), 0);
    draw_y_axis(c, s, &g);
    draw_x_axis(c, s, &g);
    if (!s->x.cats || !s->y.cats) {
        hline(c, a->x, a->x + a->w, a->y + a->h, grey(0.3), 1.2 * c->u);
        vline(c, a->x, a->y, a->y + a->h, grey(0.3), 1.2 * c->u);
    }
    if (c->npanels < FS_CHART_MAX_PANELS)
        c->panels[c->npanels++] = g.p;
    return g.p;
}

/* ---- marks ---- */

static void clip_area(fs_chart *c, const fs_panel *p, double pad)
{
    cairo_save(c->cr);
    cairo_rectangle(c->cr, p->area.x, p->area.y - pad, p->area.w, p->area.h + 2 * pad);
    cairo_clip(c->cr);
}

static int finite2(double a, double b)
{
    return isfinite(a) && isfinite(b);
}

void fs_chart_line(fs_chart *c, const fs_panel *p, const double *x, const double *y, int n,
                   fs_rgb col, double width, int dashed)
{
    double dash[2] = { 7 * c->u, 4 * c->u };
    int i, pen = 0;

    clip_area(c, p, width * c->u);
    cairo_set_line_width(c->cr, width * c->u);
    cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_dash(c->cr, dash, dashed ? 2 : 0, 0);
    for (i = 0; i < n; i++) {
        if (!finite2(x[i], y[i]) || (p->y.log && !(y[i] > 0))) {
            pen = 0;
            continue;
        }
        if (pen)
            cairo_line_to(c->cr, fs_panel_px(p, x[i]), fs_panel_py(p, y[i]));
        else
            cairo_move_to(c->cr, fs_panel_px(p, x[i]), fs_panel_py(p, y[i]));
        pen = 1;
    }
    set_rgb(c, col, 1);
    cairo_stroke(c->cr);
    cairo_restore(c->cr);
}

/* Fills one unbroken run [i0, i1) of a band. */
static void band_run(fs_chart *c, const fs_panel *p, const double *x, const double *lo,
                     const double *hi, int i0, int i1)
{
    int i;
    if (i1 - i0 == 1) {   /* a single point: a thin sliver so it still shows */
        double px = fs_panel_px(p, x[i0]);
        cairo_rectangle(c->cr, px - 1.5 * c->u, fs_panel_py(p, hi[i0]), 3 * c->u,
                        fs_panel_py(p, lo[i0]) - fs_panel_py(p, hi[i0]));
        return;
    }
    for (i = i0; i < i1; i++)
        (i == i0 ? cairo_move_to : cairo_line_to)(c->cr, fs_panel_px(p, x[i]), fs_panel_py(p, hi[i]));
    for (i = i1 - 1; i >= i0; i--)
        cairo_line_to(c->cr, fs_panel_px(p, x[i]), fs_panel_py(p, lo[i]));
    cairo_close_path(c->cr);
}

void fs_chart_band(fs_chart *c, const fs_panel *p, const double *x, const double *lo,
                   const double *hi, int n, fs_rgb col, double alpha)
{
    int i = 0, j;

    clip_area(c, p, 0);
    while (i < n) {
        while (i < n && !(finite2(x[i], lo[i]) && isfinite(hi[i])))
            i++;
        j = i;
        while (j < n && finite2(x[j], lo[j]) && isfinite(hi[j]))
            j++;
        if (j > i)
            band_run(c, p, x, lo, hi, i, j);
        i = j;
    }
    set_rgb(c, col, alpha);
    cairo_fill(c->cr);
    cairo_restore(c->cr);
}

void fs_chart_rect(fs_chart *c, const fs_panel *p, double x0, double y0, double x1, double y1,
                   fs_rgb col, double alpha)
{
    double px0 = fs_panel_px(p, x0), px1 = fs_panel_px(p, x1);
    double py0 = fs_panel_py(p, y0), py1 = fs_panel_py(p, y1);

    if (!(finite2(px0, px1) && finite2(py0, py1)))
        return;
    clip_area(c, p, 0);
    cairo_rectangle(c->cr, fmin(px0, px1), fmin(py0, py1), fabs(px1 - px0), fabs(py1 - py0));
    set_rgb(c, col, alpha);
    cairo_fill(c->cr);
    cairo_restore(c->cr);
}

void fs_chart_bar(fs_chart *c, const fs_panel *p, double x0, double x1, double y0, double y1,
                  fs_rgb col, double alpha)
{
    double px0 = fs_panel_px(p, fmin(x0, x1)), px1 = fs_panel_px(p, fmax(x0, x1));
    double py0 = fs_panel_py(p, y0), py1 = fs_panel_py(p, y1), gap = 0.6 * c->u;

    if (!(finite2(px0, px1) && finite2(py0, py1)))
        return;
    if (px1 - px0 > 4 * gap)
        px0 += gap, px1 -= gap;
    clip_area(c, p, 0);
    cairo_rectangle(c->cr, px0, fmin(py0, py1), px1 - px0, fabs(py1 - py0));
    set_rgb(c, col, alpha);
    cairo_fill(c->cr);
    cairo_restore(c->cr);
}

void fs_chart_whisker(fs_chart *c, const fs_panel *p, double x, double lo, double hi,
                      fs_rgb col)
{
    double px = fs_panel_px(p, x), ylo = fs_panel_py(p, lo), yhi = fs_panel_py(p, hi);
    double cap = 9 * c->u;

    if (!(isfinite(px) && finite2(ylo, yhi)))
        return;
    set_rgb(c, col, 1);
    cairo_set_line_width(c->cr, 2 * c->u);
    cairo_set_dash(c->cr, NULL, 0, 0);
    cairo_move_to(c->cr, px, ylo);
    cairo_line_to(c->cr, px, yhi);
    cairo_move_to(c->cr, px - cap, ylo);
    cairo_line_to(c->cr, px + cap, ylo);
    cairo_move_to(c->cr, px - cap, yhi);
    cairo_line_to(c->cr, px + cap, yhi);
    cairo_stroke(c->cr);
}

void fs_chart_hwhisker(fs_chart *c, const fs_panel *p, double y, double lo, double hi,
                       fs_rgb col)
{
    double py = fs_panel_py(p, y), xlo = fs_panel_px(p, lo), xhi = fs_panel_px(p, hi);
    double cap = 7 * c->u;

    if (!(isfinite(py) && finite2(xlo, xhi)))
        return;
    cairo_set_dash(c->cr, NULL, 0, 0);
    hline(c, xlo, xhi, py, col, 2 * c->u);
    vline(c, xlo, py - cap, py + cap, col, 2 * c->u);
    vline(c, xhi, py - cap, py + cap, col, 2 * c->u);
}

void fs_chart_point(fs_chart *c, const fs_panel *p, double x, double y, double r, fs_rgb col)
{
    double px = fs_panel_px(p, x), py = fs_panel_py(p, y);

    if (!finite2(px, py))
        return;
    cairo_new_sub_path(c->cr);
    cairo_arc(c->cr, px, py, r * c->u, 0, 2 * M_PI);
    set_rgb(c, col, 1);
    cairo_fill(c->cr);
}

void fs_chart_dots(fs_chart *c, const fs_panel *p, const double *x, const double *y, int n,
                   double r, fs_rgb col, double alpha)
{
    double pad = r * c->u;
    int i;

    /* Clipped to the plot area widened by a dot's radius, so that points
     * at the ends of the scales show whole. */
    cairo_save(c->cr);
    cairo_rectangle(c->cr, p->area.x - pad, p->area.y - pad, p->area.w + 2 * pad,
                    p->area.h + 2 * pad);
    cairo_clip(c->cr);
    set_rgb(c, col, alpha);
    for (i = 0; i < n; i++) {
        double px = fs_panel_px(p, x[i]), py = fs_panel_py(p, y[i]);
        if (!finite2(px, py))
            continue;
        cairo_new_sub_path(c->cr);
        cairo_arc(c->cr, px, py, r * c->u, 0, 2 * M_PI);
        cairo_fill(c->cr);
    }
    cairo_restore(c->cr);
}

void fs_chart_vline(fs_chart *c, const fs_panel *p, double x, fs_rgb col, double width,
                    int dashed)
{
    double dash[2] = { 6 * c->u, 4 * c->u };
    double px = fs_panel_px(p, x);

    if (!isfinite(px) || px < p->area.x - 1 || px > p->area.x + p->area.w + 1)
        return;
    cairo_set_dash(c->cr, dash, dashed ? 2 : 0, 0);
    vline(c, px, p->area.y, p->area.y + p->area.h, col, width * c->u);
    cairo_set_dash(c->cr, NULL, 0, 0);
}

void fs_chart_cell(fs_chart *c, const fs_panel *p, int col, int row, fs_rgb fill,
                   const char *text, const char *widest)
{
    double x0 = fs_panel_px(p, col - 0.5), x1 = fs_panel_px(p, col + 0.5);
    double y0 = fs_panel_py(p, row - 0.5), y1 = fs_panel_py(p, row + 0.5);
    double w = fabs(x1 - x0), h = fabs(y1 - y0), tw, th, scale;
    fs_rgb fg = luminance(fill) > 0.5 ? ink() : grey(1);

    cairo_rectangle(c->cr, fmin(x0, x1) + 0.5 * c->u, fmin(y0, y1) + 0.5 * c->u,
                    w - 1 * c->u, h - 1 * c->u);
    set_rgb(c, fill, 1);
    cairo_fill(c->cr);
    if (text == NULL || text[0] == '\0')
        return;
    chart_layout(c, FS_TEXT_VALUE, widest ? widest : text, 0, 0, 1);
    layout_size(c, &tw, &th);
    scale = fmin(1.0, fmin((w - 4 * c->u) / fmax(tw, 1), (h - 2 * c->u) / fmax(th, 1)));
    if (scale * role_px(c, FS_TEXT_VALUE) < 8.5)
        return;   /* too small to read: the colour carries the value */
    chart_layout(c, FS_TEXT_VALUE, text, 0, 0, scale);
    show_layout(c, (x0 + x1) / 2, (y0 + y1) / 2, 0.5, 0.5, fg, 0);
}

void fs_chart_note(fs_chart *c, const fs_panel *p, const char *text)
{
    double wrap = fmax(p->area.w * 0.8, 40 * c->u), w, h, pad = 10 * c->u;
    double cx = p->area.x + p->area.w / 2, cy = p->area.y + p->area.h / 2;

    chart_layout(c, FS_TEXT_LABEL, text, 0, wrap, 1);
    pango_layout_set_alignment(c->layout, PANGO_ALIGN_CENTER);
    layout_size(c, &w, &h);
    {
        /* The box hugs the lines actually laid out. */
        PangoRectangle ink_r, log_r;
        pango_layout_get_pixel_extents(c->layout, &ink_r, &log_r);
        cairo_rectangle(c->cr, cx - log_r.width / 2.0 - pad, cy - h / 2 - pad,
                        log_r.width + 2 * pad, h + 2 * pad);
        cairo_set_source_rgba(c->cr, 1, 1, 1, 0.92);
        cairo_fill_preserve(c->cr);
        set_rgb(c, grey(0.6), 1);
        cairo_set_line_width(c->cr, 1 * c->u);
        cairo_stroke(c->cr);
        cairo_save(c->cr);
        cairo_translate(c->cr, cx, cy - h / 2);
        pango_cairo_update_layout(c->cr, c->layout);
        cairo_move_to(c->cr, -log_r.x - log_r.width / 2.0, 0);
        set_rgb(c, grey(0.15), 1);
        pango_cairo_show_layout(c->cr, c->layout);
        cairo_restore(c->cr);
    }
}

/* ---- markers ---- */

#define MARKERS_MAX 256
#define MARKER_ROWS 5

typedef struct marker_place {
    int idx;
    double cx, w;   /* label centre and width */
    int row;
} marker_place;

static double marker_anchor(const fs_marker *m)
{
    if (isfinite(m->x))
        return m->x;
    return (m->wlo + m->whi) / 2;
}

/* Places each label in the lowest row where it does not touch another;
 * returns the rows used. With no more labels than rows each label may
 * take the plot's width (each can have a row of its own); with more,
 * labels wider than 45% of the plot are shortened. A label that fits no
 * row goes to the emptiest row, shortened to the room left there. */
static int markers_place(fs_chart *c, const fs_panel *p, const fs_marker *m, int n,
                         marker_place *pl, int *count)
{
    double end[MARKER_ROWS], gap = 10 * c->u, lo = p->area.x;
    double hi = p->area.x + p->area.w + 8 * c->u;
    double cap = p->area.w * (n <= MARKER_ROWS ? 1.0 : 0.45);
    int i, j, k, rows = 0;

    for (j = 0; j < MARKER_ROWS; j++)
        end[j] = -HUGE_VAL;
    for (i = k = 0; i < n && k < MARKERS_MAX; i++) {
        if (!isfinite(marker_anchor(&m[i])) || m[i].label == NULL)
            continue;
        pl[k].idx = i;
        pl[k].cx = fs_panel_px(p, marker_anchor(&m[i]));
        pl[k].w = fmin(fs_chart_text_width(c, FS_TEXT_TICK, m[i].label), cap);
        k++;
    }
    for (i = 1; i < k; i++) {   /* insertion sort by position */
        marker_place t = pl[i];
        for (j = i - 1; j >= 0 && pl[j].cx > t.cx; j--)
            pl[j + 1] = pl[j];
        pl[j + 1] = t;
    }
    for (i = 0; i < k; i++) {
        double x0 = clamp(pl[i].cx - pl[i].w / 2, lo, hi - pl[i].w);
        int best = 0;
        for (j = 0; j < MARKER_ROWS && x0 < end[j] + gap; j++)
            ;
        if (j == MARKER_ROWS) {
            for (j = 1; j < MARKER_ROWS; j++)
                if (end[j] < end[best])
                    best = j;
            j = best;
            x0 = end[j] + gap;
            pl[i].w = fmax(30 * c->u, fmin(pl[i].w, hi - x0));
        }
        pl[i].cx = x0 + pl[i].w / 2;
        pl[i].row = j;
        end[j] = x0 + pl[i].w;
        if (j + 1 > rows)
            rows = j + 1;
    }
    *count = k;
    return rows;
}

static double marker_row_height(fs_chart *c)
{
    return fs_chart_line_height(c, FS_TEXT_TICK) + 3 * c->u;
}

double fs_chart_markers_height(fs_chart *c, const fs_panel *p, const fs_marker *m, int n)
{
    marker_place pl[MARKERS_MAX];
    int k, rows = markers_place(c, p, m, n, pl, &k);
    return rows ? rows * marker_row_height(c) + 6 * c->u : 0;
}

void fs_chart_markers(fs_chart *c, const fs_panel *p, const fs_marker *m, int n)
{
    marker_place pl[MARKERS_MAX];
    double rh = marker_row_height(c), dash[2] = { 5 * c->u, 4 * c->u };
    int i, k;

    markers_place(c, p, m, n, pl, &k);
    for (i = 0; i < k; i++) {
        /* A window is a bar in its label's row, above the data, so that
         * windows as long as the horizon do not grey out the chart. */
        const fs_marker *mk = &m[pl[i].idx];
        double ly = p->area.y - 4 * c->u - pl[i].row * rh;
        double x0, x1;
        if (!(isfinite(mk->wlo) && isfinite(mk->whi) && mk->whi > mk->wlo))
            continue;
        x0 = clamp(fs_panel_px(p, mk->wlo), p->area.x, p->area.x + p->area.w);
        x1 = clamp(fs_panel_px(p, mk->whi), p->area.x, p->area.x + p->area.w);
        cairo_rectangle(c->cr, x0, ly - rh + 2 * c->u, x1 - x0, rh - 2 * c->u);
        set_rgb(c, mk->col, 0.13);
        cairo_fill(c->cr);
    }
    for (i = 0; i < k; i++) {   /* all lines, then all labels over them */
        const fs_marker *mk = &m[pl[i].idx];
        double ly = p->area.y - 4 * c->u - pl[i].row * rh;
        double px = fs_panel_px(p, marker_anchor(mk));

        cairo_set_dash(c->cr, dash, mk->dashed ? 2 : 0, 0);
        if (isfinite(mk->x))
            vline(c, px, p->area.y + p->area.h, ly, mk->col, 1.6 * c->u);
        else
            vline(c, px, p->area.y, ly, mk->col, 1.0 * c->u);
        cairo_set_dash(c->cr, NULL, 0, 0);
    }
    for (i = 0; i < k; i++) {
        double ly = p->area.y - 4 * c->u - pl[i].row * rh;
        const fs_marker *mk = &m[pl[i].idx];
        chart_layout(c, FS_TEXT_TICK, mk->label, pl[i].w + 1, 0, 1);
        if (!(isfinite(mk->wlo) && isfinite(mk->whi) && mk->whi > mk->wlo)) {
            cairo_rectangle(c->cr, pl[i].cx - pl[i].w / 2 - 3 * c->u, ly - rh + 2 * c->u,
                            pl[i].w + 6 * c->u, rh - 2 * c->u);
            cairo_set_source_rgb(c->cr, 1, 1, 1);
            cairo_fill(c->cr);
        }
        show_layout(c, pl[i].cx, ly, 0.5, 1, grey(0.15), 0);
    }
}

/* ---- legend and colour bar ---- */

static void legend_key(fs_chart *c, const fs_legend_item *it, double x, double y, double w,
                       double h)
{
    double dash[2] = { 6 * c->u, 3 * c->u }, alpha = it->alpha > 0 ? it->alpha : 1;
    double cy = y + h / 2;

    switch (it->key) {
    case FS_KEY_LINE:
    case FS_KEY_DASH:
        cairo_set_dash(c->cr, dash, it->key == FS_KEY_DASH ? 2 : 0, 0);
        hline(c, x, x + w, cy, it->col, 3 * c->u);
        cairo_set_dash(c->cr, NULL, 0, 0);
        break;
    case FS_KEY_MARKER:
        cairo_set_dash(c->cr, dash, 2, 0);
        vline(c, x + w / 2, y - 2 * c->u, y + h + 2 * c->u, it->col, 1.6 * c->u);
        cairo_set_dash(c->cr, NULL, 0, 0);
        break;
    case FS_KEY_WHISKER:
        vline(c, x + w / 2, y, y + h, it->col, 2 * c->u);
        hline(c, x + w / 2 - 6 * c->u, x + w / 2 + 6 * c->u, y, it->col, 2 * c->u);
        hline(c, x + w / 2 - 6 * c->u, x + w / 2 + 6 * c->u, y + h, it->col, 2 * c->u);
        break;
    default: {
        int i, n = it->cols && it->ncols > 0 ? it->ncols : 1;
        for (i = 0; i < n; i++) {
            cairo_rectangle(c->cr, x + w * i / n, y, w / n, h);
            set_rgb(c, n > 1 ? it->cols[i] : it->col, it->key == FS_KEY_BAR ? 1 : alpha);
            cairo_fill(c->cr);
        }
        break;
    }
    }
}

fs_rect fs_chart_legend(fs_chart *c, fs_rect box, const fs_legend_item *items, int n)
{
    double kw = 30 * c->u, kh = 13 * c->u, lh = fs_chart_line_height(c, FS_TEXT_LABEL);
    double rowh = lh + 6 * c->u, x = box.x, y = box.y, sep = 26 * c->u;
    int i;

    if (n <= 0)
        return box;
    for (i = 0; i < n; i++) {
        double tw = fmin(fs_chart_text_width(c, FS_TEXT_LABEL, items[i].label),
                         box.w - kw - 2 * GAP);
        if (x > box.x && x + kw + GAP + tw > box.x + box.w) {
            x = box.x;
            y += rowh;
        }
        legend_key(c, &items[i], x, y + (lh - kh) / 2, kw, kh);
        fs_chart_text(c, FS_TEXT_LABEL, items[i].label, x + kw + GAP, y, 0, 0, tw + 1, ink(), 0);
        x += kw + GAP + tw + sep;
    }
    y += rowh + 4 * c->u;
    box.h -= y - box.y;
    box.y = y;
    return box;
}

void fs_chart_colourbar(fs_chart *c, fs_rect box, double lo, double hi, int diverging,
                        int decimals, const char *label)
{
    double bh = fmin(box.h, 12 * c->u), x0 = box.x, w = box.w;
    char buf[64];
    int i, n = 64;

    if (label) {
        double lw = fs_chart_text(c, FS_TEXT_TICK, label, box.x, box.y + bh / 2, 0, 0.5,
                                  box.w * 0.45, grey(0.25), 0);
        x0 += lw + GAP;
        w -= lw + GAP;
    }
    for (i = 0; i < n; i++) {
        double t = (i + 0.5) / n;
        fs_rgb col = diverging ? fs_diverging(2 * t - 1) : fs_sequential(t);
        cairo_rectangle(c->cr, x0 + w * i / n, box.y, w / n + 0.6, bh);
        set_rgb(c, col, 1);
        cairo_fill(c->cr);
    }
    cairo_rectangle(c->cr, x0, box.y, w, bh);
    set_rgb(c, grey(0.6), 1);
    cairo_set_line_width(c->cr, 0.8 * c->u);
    cairo_stroke(c->cr);
    fs_format_number(buf, sizeof buf, lo, decimals);
    fs_chart_text(c, FS_TEXT_TICK, buf, x0, box.y + bh + 2 * c->u, 0, 0, 0, grey(0.25), 0);
    fs_format_number(buf, sizeof buf, (lo + hi) / 2, decimals);
    fs_chart_text(c, FS_TEXT_TICK, buf, x0 + w / 2, box.y + bh + 2 * c->u, 0.5, 0, 0,
                  grey(0.25), 0);
    fs_format_number(buf, sizeof buf, hi, decimals);
    fs_chart_text(c, FS_TEXT_TICK, buf, x0 + w, box.y + bh + 2 * c->u, 1, 0, 0, grey(0.25), 0);
}

void fs_chart_grid_shape(int n, fs_rect body, double aspect, int *cols, int *rows)
{
    double best = HUGE_VAL;
    int cc;

    *cols = 1;
    *rows = n > 0 ? n : 1;
    for (cc = 1; cc <= (n > 0 ? n : 1); cc++) {
        int rr = (n + cc - 1) / cc;
        double a = (body.w / cc) / (body.h / rr), cost = fabs(log(a / aspect));
        if (cost < best - 1e-9) {
            best = cost;
            *cols = cc;
            *rows = rr;
        }
    }
}
