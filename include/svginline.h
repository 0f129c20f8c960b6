/* svginline.h: a chart drawn by cairo's SVG surface, made fit to sit
 * inline in an HTML page beside other charts. Ownership: the caller owns
 * the text and the stream; nothing is kept after the call. */
#ifndef FS_SVGINLINE_H
#define FS_SVGINLINE_H

#include <stddef.h>
#include <stdio.h>

/* Writes the SVG document svg[0..n) to f as one inline <svg> element:
 * the XML declaration is dropped; every id (cairo names its glyphs, clips
 * and patterns "glyph0-1", "clip1", ... in every file alike, and numbers
 * its surfaces over the whole process) and every reference to one ("#id",
 * "url(#id)") becomes `prefix` and the id's number in order of first
 * appearance, so that ids stay unique on a page of several charts and a
 * chart's text does not depend on what was drawn before it; numbers are rounded to one decimal
 * (a tenth of a point on a 1600-point chart), which makes the text about
 * a third smaller; the root element loses its fixed width and height
 * (its viewBox keeps the proportions, CSS sets the width) and gains
 * role="img" and aria-labelledby="label_id". Returns the bytes written, or
 * 0, having written nothing, when svg holds no <svg element or memory ran
 * out. */
size_t fs_svg_inline(FILE *f, const char *svg, size_t n, const char *prefix,
                     const char *label_id);

#endif
