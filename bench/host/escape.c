// SPDX-License-Identifier: GPL-2.0
/*
 * escape.c: text from a results.json, made safe for each output format.
 *
 * The results check (validate.c) keeps identifiers to [A-Za-z0-9_.,:=/+-],
 * but free text (a reason, a verdict, the host's CPU name, a command line)
 * may hold anything except NUL. Whatever lands in Markdown, XML or CSV goes
 * through one of these.
 */
#include <stdbool.h>
#include <string.h>
#include "escape.h"
#include "util.h"

char *pb_md_text(const char *s)
{
	size_t n = strcspn(s, "\n");
	char *out = pb_xcalloc(n * 5 + 1, 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '<')
			o += sprintf(o, "&lt;");
		else if (ch == '>')
			o += sprintf(o, "&gt;");
		else if (ch == '&')
			o += sprintf(o, "&amp;");
		else if (strchr("\\|`*[]", ch))
			o += sprintf(o, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			*o++ = '?';
		else
			*o++ = (char)ch;
	}
	*o = '\0';
	return out;
}

struct json_object *pb_md_view(struct json_object *o)
{
	struct json_object *copy;

	switch (json_object_get_type(o)) {
	case json_type_string: {
		char *t = pb_md_text(json_object_get_string(o));

		copy = json_object_new_string(t);
		free(t);
		return copy;
	}
	case json_type_object:
		copy = json_object_new_object();
		json_object_object_foreach(o, k, v)
			json_object_object_add(copy, k, pb_md_view(v));
		return copy;
	case json_type_array:
		copy = json_object_new_array_ext((int)json_object_array_length(o));
		for (size_t i = 0; i < json_object_array_length(o); i++)
			json_object_array_add(copy, pb_md_view(json_object_array_get_idx(o, i)));
		return copy;
	default:
		/* Numbers, booleans and null are shared, not copied. */
		return json_object_get(o);
	}
}

char *pb_xml_text(const char *s)
{
	char *out = pb_xcalloc(strlen(s) * 6 + 1, 1), *o = out;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '<')
			o += sprintf(o, "&lt;");
		else if (ch == '>')
			o += sprintf(o, "&gt;");
		else if (ch == '&')
			o += sprintf(o, "&amp;");
		else if (ch == '"')
			o += sprintf(o, "&quot;");
		else if (ch == '\'')
			o += sprintf(o, "&apos;");
		else if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f)
			*o++ = '?';
		else
			*o++ = (char)ch;
	}
	*o = '\0';
	return out;
}

void pb_csv_text(FILE *f, const char *s)
{
	bool formula = strchr("=+-@\t\r", *s) && *s;
	bool quote = formula || strpbrk(s, ",\"\r\n");

	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}
