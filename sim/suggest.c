/* suggest.c: the closest known word to a misspelt one. */
#include "suggest.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), or a large value for words longer than 63 characters. */
static int edit_distance(const char *a, const char *b)
{
    int d[64][64], i, j, la = (int)strlen(a), lb = (int)strlen(b), c;

    if (la > 63 || lb > 63)
        return 99;
    for (i = 0; i <= la; i++)
        d[i][0] = i;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++)
        for (j = 1; j <= lb; j++) {
            c = a[i - 1] != b[j - 1];
            d[i][j] = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < d[i][j])
                d[i][j] = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + c < d[i][j])
                d[i][j] = d[i - 1][j - 1] + c;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    return d[la][lb];
}

/* Whether a and b have the same number of '_'-separated words, each word
 * of one a prefix of the other's (case aside), of at least 3 letters for
 * the first word and 2 for the others: intel_sharing for
 * intelligence_sharing, border_op for border_operation, comp for compare. */
static int abbreviates(const char *a, const char *b)
{
    size_t least = 3;
    while (*a && *b) {
        size_t la = strcspn(a, "_"), lb = strcspn(b, "_"), m = la < lb ? la : lb;
        if (m < least || strncasecmp(a, b, m) != 0)
            return 0;
        least = 2;
        a += la, b += lb;
        if ((*a == '_') != (*b == '_'))
            return 0;
        a += *a == '_', b += *b == '_';
    }
    return *a == '\0' && *b == '\0';
}

int fs_closest(const char *word, const char *const *cands, int nc)
{
    int i, best = -1, bestd = 3, d, la = (int)strlen(word), lb, nabbr = 0, abbr = -1;

    for (i = 0; i < nc; i++) {
        lb = (int)strlen(cands[i]);
        d = strcasecmp(word, cands[i]) == 0 ? 0 : edit_distance(word, cands[i]);
        if (d < bestd && d < (la > lb ? la : lb)) {
            best = i;
            bestd = d;
        }
        if (abbreviates(word, cands[i]))
            nabbr++, abbr = i;
    }
    /* Failing a near spelling, the one word it shortens or lengthens. */
    return best >= 0 ? best : nabbr == 1 ? abbr : -1;
}

void fs_suggest(char *buf, size_t n, const char *word, const char *const *cands, int nc,
                const char *what)
{
    int i, best = fs_closest(word, cands, nc);
    size_t k;

    buf[0] = '\0';
    if (best >= 0) {
        snprintf(buf, n, "; did you mean '%s'?", cands[best]);
        return;
    }
    if (nc == 0)
        return;
    k = (size_t)snprintf(buf, n, "; %s: ", what);
    for (i = 0; i < nc && k + 40 < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "", cands[i]);
    if (i < nc && k + 5 < n)
        snprintf(buf + k, n - k, ", ...");
}
