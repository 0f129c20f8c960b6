/* html.h: HTML text for foresight's reports: escaping, and the Markdown
 * the program writes (briefing.md, sweep.md) rendered by cmark, the
 * CommonMark reference library, with its pipe tables as HTML tables.
 * Ownership: callers own every string passed in; these functions only
 * read them and write to the stream they are given. */
#ifndef FS_HTML_H
#define FS_HTML_H

#include <stddef.h>
#include <stdio.h>
#include "errors.h"

/* Writes the n bytes of s to f as HTML text, safe in element content and
 * in quoted attribute values: & < > " ' become character references,
 * every other byte (UTF-8 included) is written as it is. */
void fs_html_textn(FILE *f, const char *s, size_t n);

/* fs_html_textn for a NUL-terminated string; NULL writes nothing. */
void fs_html_text(FILE *f, const char *s);

/* Called before (before = 1) and after (before = 0) each block of the
 * Markdown is written, with the block's Markdown source (len bytes, not
 * NUL-terminated), so that the caller can put what belongs under that
 * paragraph, heading or table; and once at the end with block NULL. */
typedef void (*fs_md_hook_fn)(void *ctx, const char *block, size_t len, int before, FILE *f);

/* Renders the Markdown text md to f as HTML. Blocks are separated by blank
 * lines; each is rendered by cmark without its unsafe option (raw HTML and
 * javascript: links are dropped), and before that every '<' and every
 * '&' that begins no character reference (briefing.md writes "&lt;" for
 * a scenario's '<'; cmark shows it as the character) outside code spans
 * is turned into a character reference and every '[' escaped, so that a name such as "<script>" or "[x](javascript:...)"
 * taken from a scenario file shows as text rather than vanishing or
 * acting as markup or a link. A block of lines starting with '|'
 * whose second line is a delimiter row ("| --- | ---: |") is a pipe table
 * (cmark knows none) and becomes an HTML table, each cell rendered as
 * above, right-aligned where the delimiter says so. hook (may be NULL) is
 * called around each block and at the end. Returns FS_OK, or FS_ENOMEM. */
fs_status fs_html_markdown(FILE *f, const char *md, fs_md_hook_fn hook, void *ctx,
                           fs_err *err);

#endif
