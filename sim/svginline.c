/* svginline.c: cairo's SVG output rewritten to sit inline in a page. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

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

/* A growing output buffer: the page is written in one fwrite per chart
 * (a byte at a time through stdio would cost more than the drawing). */
typedef struct buf {
    char *p;
    size_t n, cap;
    int failed;   /* out of memory: nothing is written */
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n > b->cap) {
        size_t cap = (b->cap + n) * 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

/* Copies the number at s[i..) rounded to one decimal (half up, on its
 * digits, so that no conversion to double is needed); returns its length
 * in s. Numbers with at most one decimal, or an exponent, are copied. */
static size_t number(buf *b, const char *s, size_t n, size_t i)
{
    size_t j = i + (s[i] == '-'), ib = j, ie, frac = 0, m, k;
    char d[48];
    int zero = 1;
    while (j < n && isdigit((unsigned char)s[j]))
        j++;
    ie = j;
    if (j < n && s[j] == '.')
        for (j++; j < n && isdigit((unsigned char)s[j]); j++)
            frac++;
    if (frac <= 1 || (j < n && (s[j] == 'e' || s[j] == 'E')) || ie - ib + 2 >= sizeof d) {
        put(b, s + i, j - i);
        return j - i;
    }
    /* d: '0', the integer digits and the tenths digit (the leading '0'
     * takes a carry out of the integer part). */
    d[0] = '0';
    memcpy(d + 1, s + ib, ie - ib);
    m = ie - ib + 1;
    d[m++] = s[ie + 1];
    if (s[ie + 2] >= '5')
        for (k = m; k-- > 0;) {
            if (d[k] != '9') {
                d[k]++;
                break;
            }
            d[k] = '0';
        }
    for (k = 0; k < m; k++)
        zero &= d[k] == '0';
    if (s[i] == '-' && !zero)
        put(b, "-", 1);
    for (k = 0; k + 2 < m && d[k] == '0'; k++)
        ;
    put(b, d + k, m - 1 - k);
    if (d[m - 1] != '0') {
        put(b, ".", 1);
        put(b, d + m - 1, 1);
    }
    return j - i;
}

/* The root <svg ...> tag at s[0..e): copied without width and height, with
 * the role and label added. */
static void root(buf *b, const char *s, size_t e, const char *label_id)
{
    size_t i = 4, k;
    char head[160];
    int h = snprintf(head, sizeof head, "<svg role=\"img\" aria-labelledby=\"%s\"", label_id);
    put(b, head, h > 0 && (size_t)h < sizeof head ? (size_t)h : 0);
    while (i < e) {
        if (at(s, e, i, " width=\"") || at(s, e, i, " height=\"")) {
            size_t v = at(s, e, i, " width=\"") ? 8 : 9;
            const char *q = memchr(s + i + v, '"', e - i - v);
            i = q ? (size_t)(q - s) + 1 : e;
            continue;
        }
        for (k = i + 1; k < e && s[k] != ' '; k++)
            ;
        put(b, s + i, k - i);
        i = k;
    }
}

/* Writes the id at s[0..) (up to '"' or ')') as prefix + its number in the
 * order ids first appear: cairo's own numbers count surfaces over the
 * whole process, so the same chart would get other ids when drawn after
 * others. Returns the id's length in s. */
static size_t id(buf *b, GHashTable *ids, const char *s, size_t n, const char *prefix)
{
    size_t k = 0;
    gpointer v;
    char *key, num[48];
    int m;
    while (k < n && s[k] != '"' && s[k] != ')')
        k++;
    key = g_strndup(s, k);
    if ((v = g_hash_table_lookup(ids, key)) == NULL) {
        v = GINT_TO_POINTER((int)g_hash_table_size(ids) + 1);
        g_hash_table_insert(ids, key, v);
    } else {
        g_free(key);
    }
    m = snprintf(num, sizeof num, "%s%d", prefix, GPOINTER_TO_INT(v));
    put(b, num, (size_t)m);
    return k;
}

size_t fs_svg_inline(FILE *f, const char *svg, size_t n, const char *prefix,
                     const char *label_id)
{
    const char *start = NULL, *gt;
    size_t i, k;
    buf b = { NULL, 0, 0, 0 };
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (i = 0; i + 4 <= n && start == NULL; i++)
        if (at(svg, n, i, "<svg"))
            start = svg + i;
    if (start == NULL || (gt = memchr(start, '>', n - (size_t)(start - svg))) == NULL) {
        g_hash_table_destroy(ids);
        return 0;
    }
    root(&b, start, (size_t)(gt - start), label_id);
    for (i = (size_t)(gt - svg); i < n; ) {
        if (at(svg, n, i, "id=\"") || at(svg, n, i, "href=\"#") || at(svg, n, i, "url(#")) {
            k = at(svg, n, i, "id=\"") ? 4 : at(svg, n, i, "url(#") ? 5 : 7;
            put(&b, svg + i, k);
            i += k;
            i += id(&b, ids, svg + i, n - i, prefix);
        } else if (number_start(svg, n, i)) {
            i += number(&b, svg, n, i);
        } else if (svg[i] == '\n' && i + 1 < n && svg[i + 1] == '<') {
            i++;   /* cairo's line breaks between elements: not needed */
        } else {
            /* Up to the next byte that may start something to rewrite. */
            for (k = i + 1; k < n && !strchr("iu-0123456789\n", svg[k]) && svg[k] != 'h'; k++)
                ;
            put(&b, svg + i, k - i);
            i = k;
        }
    }
    if (!b.failed)
        fwrite(b.p, 1, b.n, f);
    free(b.p);
    g_hash_table_destroy(ids);
    return b.failed ? 0 : b.n;
}
