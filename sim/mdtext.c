/* mdtext.c: escaping scenario text for Markdown (CommonMark and GitHub's
 * tables): every character that could start markup is written so that it
 * stands for itself. */
#include "mdtext.h"

#include <stdlib.h>
#include <string.h>

/* The replacement of character c at position i of s (NULL: c itself);
 * *drop set when c is written as nothing. */
static const char *md_escape(const char *s, size_t i, char *buf, int *drop)
{
    unsigned char c = (unsigned char)s[i];
    size_t digits = strspn(s, "0123456789");

    *drop = 0;
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '\n': case '\r': case '\t': return " ";
    default: break;
    }
    if (c < 0x20 || c == 0x7f) {
        *drop = 1;
        return NULL;
    }
    if (strchr("\\`*_[]|~", c) != NULL ||
        (i == 0 && strchr("#+-=", c) != NULL) ||
        (i == digits && i > 0 && (c == '.' || c == ')'))) {
        buf[0] = '\\', buf[1] = (char)c, buf[2] = '\0';
        return buf;
    }
    if (i == 0 && c == ' ')
        return "&#32;";
    return NULL;
}

void fs_md_put(FILE *f, const char *s)
{
    char buf[4];
    size_t i;
    int drop;

    for (i = 0; s != NULL && s[i]; i++) {
        const char *r = md_escape(s, i, buf, &drop);
        if (r)
            fputs(r, f);
        else if (!drop)
            fputc(s[i], f);
    }
}

char *fs_md_text(const char *s)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    if (f == NULL)
        return NULL;
    fs_md_put(f, s);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}
