// SPDX-License-Identifier: GPL-2.0
/* test_escape.c: text from a hostile results.json, as Markdown, XML and CSV receive it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "escape.h"

static void test_md(void **state)
{
	char *s;

	(void)state;
	/* A row cannot be closed, a tag opened, a link or code span made; only the first line stays. */
	s = pb_md_text("a|b <img src=x onerror=alert(1)> [x](javascript:y) `c` *d* \\e & f\x1b\nfake | row |");
	assert_string_equal(s, "a\\|b &lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:y) \\`c\\` "
			    "\\*d\\* \\\\e &amp; f?");
	free(s);
	/* Identifiers pass unchanged: ids stay what they are. */
	s = pb_md_text("gup_fast/gup_ref/backing=anon,pages_per_call=1+2-3:4.5");
	assert_string_equal(s, "gup_fast/gup_ref/backing=anon,pages_per_call=1+2-3:4.5");
	free(s);
}

static void test_md_view(void **state)
{
	struct json_object *o = json_tokener_parse("{\"a\":[\"x|y\",1.5,true,null],\"b\":{\"c\":\"<p>\"}}");
	struct json_object *v = pb_md_view(o);

	(void)state;
	assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
			    "{\"a\":[\"x\\\\|y\",1.5,true,null],\"b\":{\"c\":\"&lt;p&gt;\"}}");
	json_object_put(v);
	json_object_put(o);
}

static void test_xml(void **state)
{
	char *s = pb_xml_text("<a b=\"c\" d='e'>&\x01\x1b\t\n</a>");

	(void)state;
	/* XML 1.0 has no way to write \x01 or ESC at all, escaped or not. */
	assert_string_equal(s, "&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;??\t\n&lt;/a&gt;");
	free(s);
}

static void test_csv(void **state)
{
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	pb_csv_text(f, "=HYPERLINK(\"http://x\")");
	fputc(';', f);
	pb_csv_text(f, "+1");
	fputc(';', f);
	pb_csv_text(f, "@SUM(A1)");
	fputc(';', f);
	pb_csv_text(f, "-2+3");
	fputc(';', f);
	pb_csv_text(f, "a,b\"c\nd");
	fputc(';', f);
	pb_csv_text(f, "plain");
	fputc(';', f);
	pb_csv_text(f, "");
	fclose(f);
	assert_string_equal(buf, "\"'=HYPERLINK(\"\"http://x\"\")\";\"'+1\";\"'@SUM(A1)\";\"'-2+3\";"
			    "\"a,b\"\"c\nd\";plain;");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md),
		cmocka_unit_test(test_md_view),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
