/* pngcheck.h: what the chart tests share: temp directories, files, and
 * decoded PNGs read pixel by pixel (charts are opaque ARGB32). Included
 * by test_plot.c and test_plot_sweep.c after check.h; every helper is
 * static inline, so a test that does not use one does not warn. */
#ifndef FS_PNGCHECK_H
#define FS_PNGCHECK_H

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>

#include "chart.h"

static inline char *tmpdir(char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/fs_test_chart.XXXXXX");
    return mkdtemp(buf);
}

static inline void rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static inline int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static inline int write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

static inline unsigned char *slurp(const char *path, long *len)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *buf;

    if (fp == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    *len = ftell(fp);
    rewind(fp);
    buf = malloc(*len > 0 ? *len : 1);
    if (buf && fread(buf, 1, *len, fp) != (size_t)*len) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

static inline int same_bytes(const char *a, const char *b)
{
    long la = 0, lb = 0;
    unsigned char *x = slurp(a, &la), *y = slurp(b, &lb);
    int same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static inline cairo_surface_t *load_png(const char *dir, const char *name)
{
    char path[4096];
    cairo_surface_t *s;

    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
    return s;
}

static inline void pixel(cairo_surface_t *s, int x, int y, int *r, int *g, int *b)
{
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    unsigned int v = *(unsigned int *)(data + (size_t)y * stride + 4 * (size_t)x);
    *r = (v >> 16) & 255;
    *g = (v >> 8) & 255;
    *b = v & 255;
}

static inline int is_ink(cairo_surface_t *s, int x, int y)
{
    int r, g, b, mx, mn;
    pixel(s, x, y, &r, &g, &b);
    mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
    return mx - mn > 25 || mx < 200;
}

static inline int saturated(cairo_surface_t *s, int x, int y)
{
    int r, g, b, mx, mn;
    pixel(s, x, y, &r, &g, &b);
    mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
    return mx - mn > 60;
}

static inline double luma(cairo_surface_t *s, int x, int y)
{
    int r, g, b;
    pixel(s, x, y, &r, &g, &b);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

static inline long ink_in(cairo_surface_t *s, const fs_rect *a)
{
    long n = 0;
    int x, y;
    for (y = (int)a->y + 1; y < (int)(a->y + a->h) - 1; y++)
        for (x = (int)a->x + 2; x < (int)(a->x + a->w) - 1; x++)
            n += is_ink(s, x, y);
    return n;
}

static inline int panel_finite(const fs_panel *p)
{
    return isfinite(p->area.x) && isfinite(p->area.y) && isfinite(p->area.w)
           && isfinite(p->area.h) && p->area.w > 10 && p->area.h > 10 && isfinite(p->x.lo)
           && isfinite(p->x.hi) && isfinite(p->y.lo) && isfinite(p->y.hi) && p->x.lo != p->x.hi
           && p->y.lo != p->y.hi;
}

#endif
