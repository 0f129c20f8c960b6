/* html.c: HTML escaping, and Markdown to HTML through cmark, with pipe
 * tables (which CommonMark does not have) turned into HTML tables here. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <cmark.h>

#include "html.h"

void fs_html_textn(FILE *f, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(s[i], f);
        }
    }
}

void fs_html_text(FILE *f, const char *s)
{
    if (s)
        fs_html_textn(f, s, strlen(s));
}

/* The length of the run of backticks at s. */
static size_t ticks(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == '`')
        k++;
    return k;
}

/* Where the code span opened by a run of k backticks at s[0] closes (the
 * index just past the closing run of exactly k), or 0 when it does not. */
static size_t code_end(const char *s, size_t n, size_t k)
{
    size_t i = k, r;
    while (i < n) {
        if (s[i] != '`') {
            i++;
            continue;
        }
        r = ticks(s + i, n - i);
        if (r == k)
            return i + r;
        i += r;
    }
    return 0;
}

/* The length of the character reference s starts with ("&lt;", "&#39;",
 * "&#x3c;"), or 0 when it starts with none. */
static size_t entity(const char *s, size_t n)
{
    size_t i = 1;
    int hex = n > 2 && s[1] == '#' && (s[2] == 'x' || s[2] == 'X');
    if (n > 1 && s[1] == '#') {
        i = hex ? 3 : 2;
        while (i < n && i < 10 && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])))
            i++;
        return i > (hex ? 3u : 2u) && i < n && s[i] == ';' ? i + 1 : 0;
    }
    while (i < n && i < 33 && isalnum((unsigned char)s[i]))
        i++;
    return i > 1 && isalpha((unsigned char)s[1]) && i < n && s[i] == ';' ? i + 1 : 0;
}

/* A copy of s[0..n) with '<', and '&' that begins no character
 * reference, outside code spans written as character references and '['
 * escaped (cmark then shows them as text,
 * and no link or image can come from a name). NULL when out of memory;
 * the caller frees it. */
static char *protect(const char *s, size_t n, size_t *outlen)
{
    char *o = malloc(n * 5 + 1);
    size_t i = 0, j = 0, k, e;
    if (o == NULL)
        return NULL;
    while (i < n) {
        if (s[i] == '`' && (k = ticks(s + i, n - i)) && (e = code_end(s + i, n - i, k))) {
            memcpy(o + j, s + i, e);
            i += e, j += e;
        } else if (s[i] == '`') {
            k = ticks(s + i, n - i);
            memcpy(o + j, s + i, k);
            i += k, j += k;
        } else if (s[i] == '&' && (k = entity(s + i, n - i)) > 0) {
            memcpy(o + j, s + i, k);
            i += k, j += k;
        } else if (s[i] == '<' || s[i] == '&' || s[i] == '[') {
            const char *ref = s[i] == '<' ? "&lt;" : s[i] == '&' ? "&amp;" : "\\[";
            memcpy(o + j, ref, strlen(ref));
            j += strlen(ref), i++;
        } else {
            o[j++] = s[i++];
        }
    }
    o[j] = '\0';
    *outlen = j;
    return o;
}

/* Renders s[0..n) through cmark; inline drops the paragraph around it (a
 * table cell). */
static fs_status render(FILE *f, const char *s, size_t n, int inline_, fs_err *err)
{
    size_t len, hl;
    char *p = protect(s, n, &len), *h = NULL;
    if (p == NULL || (h = cmark_markdown_to_html(p, len, CMARK_OPT_DEFAULT)) == NULL) {
        free(p);
        return fs_err_set(err, FS_ENOMEM, "out of memory");
    }
    hl = strlen(h);
    if (inline_ && hl >= 8 && strncmp(h, "<p>", 3) == 0 && strcmp(h + hl - 5, "</p>\n") == 0)
        fwrite(h + 3, 1, hl - 8, f);
    else
        fwrite(h, 1, hl, f);
    free(p);
    free(h);
    return FS_OK;
}

/* The end of the line starting at s (the index of its '\n', or n). */
static size_t line_end(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    return nl ? (size_t)(nl - s) : n;
}

/* The cells of a table row into start/len (at most max); returns their
 * number. A leading and a trailing '|' are dropped; "\|" is no separator. */
static int cells(const char *s, size_t n, size_t *start, size_t *len, int max)
{
    size_t i = 0, b;
    int k = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    if (n > 0 && s[n - 1] == '|' && !(n > 1 && s[n - 2] == '\\'))
        n--;
    if (i < n && s[i] == '|')
        i++;
    while (i <= n && k < max) {
        b = i;
        while (i < n && !(s[i] == '|' && (i == 0 || s[i - 1] != '\\')))
            i++;
        while (b < i && s[b] == ' ')
            b++;
        start[k] = b;
        len[k] = i;
        while (len[k] > b && s[len[k] - 1] == ' ')
            len[k]--;
        len[k] -= b;
        k++;
        i++;
    }
    return k;
}

/* Whether the line is a delimiter row: cells of dashes, each with an
 * optional ':' either side. */
static int delimiter_row(const char *s, size_t n)
{
    size_t i;
    int dash = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '-')
            dash = 1;
        else if (strchr("|: \r", s[i]) == NULL)
            return 0;
    }
    return dash && n > 0 && s[0] == '|';
}

#define MAX_CELLS 64

static fs_status table_row(FILE *f, const char *s, size_t n, const char *tag,
                           const int *right, int ncols, fs_err *err)
{
    size_t start[MAX_CELLS], len[MAX_CELLS];
    int k = cells(s, n, start, len, MAX_CELLS), i;
    fputs("<tr>", f);
    for (i = 0; i < ncols; i++) {
        fprintf(f, "<%s%s>", tag, right[i] ? " class=\"num\"" : "");
        if (i < k && render(f, s + start[i], len[i], 1, err) != FS_OK)
            return err->code;
        fprintf(f, "</%s>", tag);
    }
    fputs("</tr>\n", f);
    return FS_OK;
}

/* A pipe table: the header line, the delimiter row, then body rows. */
static fs_status table(FILE *f, const char *s, size_t n, fs_err *err)
{
    size_t start[MAX_CELLS], len[MAX_CELLS];
    size_t h = line_end(s, n), d = h + 1 + line_end(s + h + 1, n - h - 1), i;
    int right[MAX_CELLS] = { 0 }, ncols, c;

    ncols = cells(s + h + 1, d - h - 1, start, len, MAX_CELLS);
    for (c = 0; c < ncols; c++)
        right[c] = len[c] > 0 && s[h + 1 + start[c] + len[c] - 1] == ':';
    fputs("<div class=\"table\"><table>\n<thead>", f);
    if (table_row(f, s, h, "th", right, ncols, err) != FS_OK)
        return err->code;
    fputs("</thead>\n<tbody>\n", f);
    for (i = d + 1; i < n; i += line_end(s + i, n - i) + 1)
        if (table_row(f, s + i, line_end(s + i, n - i), "td", right, ncols, err) != FS_OK)
            return err->code;
    fputs("</tbody></table></div>\n", f);
    return FS_OK;
}

/* Whether the block s[0..n) is a pipe table. */
static int is_table(const char *s, size_t n)
{
    size_t h = line_end(s, n);
    return n > 0 && s[0] == '|' && h < n &&
           delimiter_row(s + h + 1, line_end(s + h + 1, n - h - 1));
}

/* Whether the line s[0..n) holds only white space. */
static int blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* The length of the block at s: its lines up to a blank line or the end. */
static size_t block(const char *s, size_t n)
{
    size_t i = 0, e;
    while (i < n) {
        e = line_end(s + i, n - i);
        if (blank(s + i, e))
            return i;
        i += e + 1;
    }
    return n;
}

fs_status fs_html_markdown(FILE *f, const char *md, fs_md_hook_fn hook, void *ctx,
                           fs_err *err)
{
    size_t n = strlen(md), i = 0, len, b;
    while (i < n) {
        /* Skip blank lines between blocks. */
        if (blank(md + i, line_end(md + i, n - i))) {
            i += line_end(md + i, n - i) + 1;
            continue;
        }
        b = len = block(md + i, n - i);
        while (len > 0 && (md[i + len - 1] == '\n' || md[i + len - 1] == '\r'))
            len--;
        if (hook)
            hook(ctx, md + i, len, 1, f);
        if ((is_table(md + i, len) ? table(f, md + i, len, err)
                                   : render(f, md + i, len, 0, err)) != FS_OK)
            return err->code;
        if (hook)
            hook(ctx, md + i, len, 0, f);
        i += b;
    }
    if (hook)
        hook(ctx, NULL, 0, 0, f);
    return FS_OK;
}
