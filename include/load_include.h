/* load_include.h: the scenario loader's text stage (internal to the loader).
 * fs_source_read reads a scenario file, expands its `@include "path"` lines
 * and returns one text for libconfig, with a map from each line of that
 * text back to the file and line it came from. An fs_source owns its text,
 * its file names and its map; fs_source_release frees them. */
#ifndef FS_LOAD_INCLUDE_H
#define FS_LOAD_INCLUDE_H

#include <stddef.h>
#include <libconfig.h>
#include "errors.h"

/* Largest scenario file, and largest text after includes, in bytes. */
#define FS_MAX_SCENARIO_BYTES (16L * 1024 * 1024)

typedef struct fs_source {
    char *text;      /* expanded text, NUL-terminated, one '\n' per line */
    size_t len;
    char **files;    /* every file read, as named in messages */
    int nfiles;
    int *lfile;      /* [nlines] index into files of text line i+1 */
    int *lline;      /* [nlines] line number in that file */
    int nlines;
    int cap;         /* allocated entries of lfile and lline */
} fs_source;

/* Reads `path` and every file it includes into src (which need not be
 * initialised). Besides expanding includes, integer literals that do not fit
 * in 32 bits get libconfig's 64-bit suffix 'L', because libconfig 1.5 would
 * otherwise truncate them silently. On error src is left empty (release is
 * still safe) and err holds "file[:line]: reason": FS_ECONFIG for a missing,
 * unreadable, empty, binary, oversized or directory file and for bad
 * includes (missing, cyclic, absolute, nested deeper than
 * FS_MAX_INCLUDE_DEPTH), FS_ENOMEM when memory runs out. `what` names the
 * kind of file in messages: "scenario" or "sweep file". */
fs_status fs_source_read(fs_source *src, const char *path, const char *what, fs_err *err);

/* The same for a text in memory (len bytes, need not be NUL-terminated)
 * that stands for the file `name`: messages name it, and its includes
 * resolve relative to name's directory. */
fs_status fs_source_read_buffer(fs_source *src, const char *name, const char *text,
                                size_t len, const char *what, fs_err *err);

/* Appends the line map of `more` to src: line i of more becomes line
 * src->nlines + i, naming the same file. src->text is left as it was (it
 * no longer covers the appended lines; they are only looked up through
 * fs_source_where). Used to join a scenario with the scenario it extends.
 * FS_ENOMEM (src unchanged in its old lines) when memory runs out. */
fs_status fs_source_append(fs_source *src, const fs_source *more, fs_err *err);

/* Frees what src owns and empties it. Accepts NULL and empty sources. */
void fs_source_release(fs_source *src);

/* The file a line of the expanded text came from, and its line there in
 * *real. Lines outside the text (libconfig reports end-of-file errors one
 * past the end) map to the last line. Returns the top-level file for line
 * 0 or an empty source. */
const char *fs_source_where(const fs_source *src, int line, int *real);

/* The byte offset of the first byte of s that does not begin a valid
 * UTF-8 sequence (an overlong form, a surrogate, a code point beyond
 * U+10FFFF or a truncated sequence), or -1 when all of s is UTF-8. The
 * loaders check every string setting with it: text that is not UTF-8 would
 * reach the charts' text layout and the CSV files. */
long fs_utf8_invalid(const char *s);

/* The byte offset of the first control character of s (U+0001 to U+001F,
 * U+007F, or U+0080 to U+009F), with its code point in *cp, or -1 when
 * there is none. The loaders refuse them in every string setting: a tab
 * or newline would break a table or a CSV cell, an escape sequence would
 * reach the user's terminal. (A \x00 escape, which libconfig would turn
 * into the end of the string, is refused earlier with its line.) */
long fs_text_control(const char *s, unsigned *cp);
/* A few words on control character cp for messages, with a leading space
 * (" (a tab)"), or "" for the others. */
const char *fs_control_name(unsigned cp);

/* Sets err to libconfig's syntax error in src, as "file:line: syntax
 * error[: detail]" with the file and line of the original text, and a hint
 * when the line holds nan or inf (libconfig has no literal for either); a
 * duplicate setting is named, with the line of its first setting, when it
 * can be found. `what` names the kind of file. Returns FS_ECONFIG. */
fs_status fs_source_syntax_error(const fs_source *src, const config_t *cf, const char *what,
                                 fs_err *err);

#endif
