/* suggest.h: "did you mean" for unknown keys and names, shared by every
 * file reader. Pure functions over caller-owned strings. */
#ifndef FS_SUGGEST_H
#define FS_SUGGEST_H

#include <stddef.h>

/* The index of the candidate close to word (a case-only difference, or at
 * most 2 edits of optimal string alignment distance that do not replace the
 * whole word), else of the only candidate that word abbreviates or spells
 * out word by word ('_' separates words; each shorter word is a prefix of
 * the longer, of at least 3 letters for the first word and 2 for the
 * others: intelligence_sharing for intel_sharing), or -1. */
int fs_closest(const char *word, const char *const *cands, int ncands);

/* Writes "; did you mean 'x'?" into buf when a candidate is close, else
 * "; <what>: a, b, c" listing the candidates (shortened to fit n). */
void fs_suggest(char *buf, size_t n, const char *word, const char *const *cands, int ncands,
                const char *what);

#endif
