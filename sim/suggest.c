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

int fs_closest(const char *word, const char *const *cands, int nc)
{
    int i, best = -1, bestd = 3, d, la = (int)strlen(word), lb;

    for (i = 0; i < nc; i++) {
        lb = (int)strlen(cands[i]);
        d = strcasecmp(word, cands[i]) == 0 ? 0 : edit_distance(word, cands[i]);
        if (d < bestd && d < (la > lb ? la : lb)) {
            best = i;
            bestd = d;
        }
    }
    return best;
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
