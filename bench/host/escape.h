/* SPDX-License-Identifier: GPL-2.0 */
/* escape.h: text from a results.json, made safe for the format it lands in. */
#ifndef PINBENCH_ESCAPE_H
#define PINBENCH_ESCAPE_H

#include <stdio.h>
#include <json-c/json.h>

/*
 * s for Markdown (a table cell or running text): its first line only; the
 * characters Markdown or HTML would read as markup (\ | ` * [ ] < > &)
 * escaped; other control characters '?'. For the caller to free.
 */
char *pb_md_text(const char *s);
/*
 * A copy of a results tree in which every string is pb_md_text() of the
 * original: what the Markdown renderers read, so that nothing from the file
 * reaches a table unescaped, whichever field a renderer prints. Numbers and
 * names are unchanged (identifiers hold none of these characters).
 */
struct json_object *pb_md_view(struct json_object *root);
/* s for XML text or an attribute: & < > " ' as entities; control characters XML 1.0 forbids, '?'. */
char *pb_xml_text(const char *s);
/*
 * One CSV field (RFC 4180): quoted when it holds , " CR or LF, quotes
 * doubled; text starting with = + - @ TAB or CR, which a spreadsheet would
 * run as a formula, gets a leading ' (OWASP's advice). Numbers are written
 * as numbers by the caller.
 */
void pb_csv_text(FILE *f, const char *s);

#endif
