/* mdtext.h: text from a scenario file made safe to print in Markdown.
 * A scenario's names, labels, question and units are data, not markup: in
 * briefing.md and sweep.md they must not open headings, lists, tables,
 * links, images or HTML. The returned strings are owned by the caller, who
 * frees them with free(). */
#ifndef FS_MDTEXT_H
#define FS_MDTEXT_H

#include <stdio.h>

/* Writes s to f as literal inline Markdown text, safe in a paragraph, a
 * heading and a table cell: & < > as HTML entities (no tag, no comment);
 * \ ` * _ [ ] | ~ escaped with a backslash (no emphasis, code, link, image
 * or table cell); a leading # + - = or the dot or parenthesis after leading
 * digits escaped and a leading space written as &#32; (no heading, list,
 * rule or code block); a newline, CR or tab as a space and any other
 * control character dropped (the loaders refuse them anyway). NULL writes
 * nothing. */
void fs_md_put(FILE *f, const char *s);

/* The same as a new string (NULL when memory runs out; s NULL gives ""). */
char *fs_md_text(const char *s);

#endif
