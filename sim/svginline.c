/* svginline.c: cairo's SVG output rewritten to sit inline in a page. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "svginline.h"

/* Whether s[0..n) at i starts with the string t. */
static int at(const char *s, size_t n, size_t i, const char *t)
{
    size_t k = strlen(t);
    return i + k <= n && memcmp(s + i, t, k) == 0;
}

/* A number starts here: a digit, or '-' before a digit, not inside a name
 * ("glyph0-1") or another number. */
static int number_start(const char *s, size_t n, size_t i)
{
    char p = i > 0 ? s[i - 1] : ' ';
    size_t d = s[i] == '-' ? i + 1 : i;
    if (d >= n || !isdigit((unsigned char)s[d]))
        return 0;
    return !(isalnum((unsigned char)p) || p == '_' || p == '-' || p == '.' || p == '#');
}

/* Copies the number at s[i..) rounded to one decimal; returns its length
 * in s. Numbers without a fraction, or with an exponent, are copied. */
static size_t number(FILE *f, const char *s, size_t n, size_t i, size_t *written)
{
    size_t j = i + (s[i] == '-'), frac = 0;
    char buf[64];
    int k;
    while (j < n && isdigit((unsigned char)s[j]))
        j++;
    if (j < n && s[j] == '.')
        for (j++; j < n && isdigit((unsigned char)s[j]); j++)
            frac++;
    if (frac <= 1 || (j < n && (s[j] == 'e' || s[j] == 'E')) || j - i >= sizeof buf) {
        fwrite(s + i, 1, j - i, f);
        *written += j - i;
        return j - i;
    }
    memcpy(buf, s + i, j - i);
    buf[j - i] = '\0';
    k = snprintf(buf, sizeof buf, "%.1f", strtod(buf, NULL));
    if (k >= 2 && buf[k - 1] == '0' && buf[k - 2] == '.')
        buf[k -= 2] = '\0';
    if (strcmp(buf, "-0") == 0)
        buf[0] = '0', buf[1] = '\0', k = 1;
    fputs(buf, f);
    *written += (size_t)k;
    return j - i;
}

/* The root <svg ...> tag at s[0..e): copied without width and height, with
 * the role and label added. */
static size_t root(FILE *f, const char *s, size_t e, const char *label_id)
{
    size_t i = 4, w = 0;
    w += (size_t)fprintf(f, "<svg role=\"img\" aria-labelledby=\"%s\"", label_id);
    while (i < e) {
        if (at(s, e, i, " width=\"") || at(s, e, i, " height=\"")) {
            const char *q = memchr(s + i + 8, '"', e - i - 8);
            i = q ? (size_t)(q - s) + 1 : e;
            continue;
        }
        fputc(s[i++], f);
        w++;
    }
    return w;
}

size_t fs_svg_inline(FILE *f, const char *svg, size_t n, const char *prefix,
                     const char *label_id)
{
    const char *start = NULL, *gt;
    size_t i, w = 0, p = strlen(prefix);

    for (i = 0; i + 4 <= n && start == NULL; i++)
        if (at(svg, n, i, "<svg"))
            start = svg + i;
    if (start == NULL || (gt = memchr(start, '>', n - (size_t)(start - svg))) == NULL)
        return 0;
    w += root(f, start, (size_t)(gt - start), label_id);
    for (i = (size_t)(gt - svg); i < n; ) {
        if (at(svg, n, i, "id=\"") || at(svg, n, i, "href=\"#") || at(svg, n, i, "url(#")) {
            size_t k = at(svg, n, i, "id=\"") ? 4 : at(svg, n, i, "url(#") ? 5 : 7;
            fwrite(svg + i, 1, k, f);
            fputs(prefix, f);
            w += k + p;
            i += k;
        } else if (number_start(svg, n, i)) {
            i += number(f, svg, n, i, &w);
        } else if (svg[i] == '\n' && i + 1 < n && svg[i + 1] == '<') {
            i++;   /* cairo's line breaks between elements: not needed */
        } else {
            fputc(svg[i++], f);
            w++;
        }
    }
    return w;
}
