// SPDX-License-Identifier: GPL-2.0
/* test_compare.c: pinbench compare on synthetic results: identical, perturbed, incomparable, kernels, JUnit, Markdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "compare.h"

/* A run on kernel with one gup_fast cell and one truncate cell; factor scales the gup_fast figures. */
static struct json_object *run_on(const char *kernel, const char *mode, double factor, const char *verdict)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "{\"run\":{\"mode\":\"%s\",\"accel\":\"tcg\"},\"guest\":{\"kernel_release\":\"%s\"},"
		 "\"cells\":["
		 "{\"id\":\"gup_fast/pin_counter/x\",\"workload\":\"gup_fast\",\"strategy\":\"pin_counter\","
		 "\"status\":\"ok\",\"metrics\":{\"acquire_ns_per_page\":{\"p50\":%g,\"p99\":300},"
		 "\"release_ns_per_page\":{\"p50\":100}}},"
		 "{\"id\":\"truncate_under_dma/gup_ref/y\",\"workload\":\"truncate_under_dma\","
		 "\"strategy\":\"gup_ref\",\"status\":\"ok\",\"metrics\":{\"verdict\":\"%s\","
		 "\"truncate_ns\":{\"p50\":5000}}}]}", mode, kernel, 200.0 * factor, verdict);
	return json_tokener_parse(text);
}

static struct json_object *run(const char *mode, double factor, const char *verdict)
{
	return run_on("6.1.0-57-amd64", mode, factor, verdict);
}

static int compare(struct json_object *a, struct json_object *b, double threshold, const char *junit,
		   char *outbuf, size_t outlen)
{
	struct pb_compare_opts o = { .threshold_pct = threshold, .junit = junit };
	FILE *f = fmemopen(outbuf, outlen, "w");
	char err[256] = "";
	int ret = pb_compare(a, b, &o, f, err, sizeof(err));

	fclose(f);
	if (ret == 2)
		snprintf(outbuf, outlen, "%s", err);
	return ret;
}

static void test_identical(void **state)
{
	struct json_object *a = run("deterministic", 1.0, "loses data"), *b = run("deterministic", 1.0, "loses data");
	char out[4096];

	(void)state;
	assert_int_equal(compare(a, b, -1, NULL, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "2 cells compared, 0 regressed"));
	json_object_put(a);
	json_object_put(b);
}

/* Deterministic default threshold is 1%: +3% is caught, +0.5% is not; better is not a regression. */
static void test_perturbed(void **state)
{
	struct json_object *a = run("deterministic", 1.0, "loses data");
	struct json_object *b3 = run("deterministic", 1.03, "loses data");
	struct json_object *bsmall = run("deterministic", 1.005, "loses data");
	struct json_object *bfast = run("deterministic", 0.9, "loses data");
	char out[4096];

	(void)state;
	assert_int_equal(compare(a, b3, -1, NULL, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "acquire_ns_per_page.p50: 200 -> 206 ns (+3.00%) REGRESSION"));
	/* One figure of two went up 3%: the geometric mean moves by the square root of 1.03. */
	assert_non_null(strstr(out, "pin_counter        +1.49% over 2 figures"));
	assert_non_null(strstr(out, "gup_ref            +0.00% over 1 figures"));
	assert_non_null(strstr(out, "REGRESSION gup_fast/pin_counter/x"));
	assert_int_equal(compare(a, bsmall, -1, NULL, out, sizeof(out)), 0);
	assert_int_equal(compare(a, bfast, -1, NULL, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "improved"));
	/* An explicit threshold above the change lets it pass. */
	assert_int_equal(compare(a, b3, 5, NULL, out, sizeof(out)), 0);
	json_object_put(a);
	json_object_put(b3);
	json_object_put(bsmall);
	json_object_put(bfast);
}

/* A correctness outcome that changes is a regression whatever the figures do. */
static void test_verdict_change(void **state)
{
	struct json_object *a = run("wall", 1.0, "revokes"), *b = run("wall", 1.0, "loses data");
	char out[4096];

	(void)state;
	assert_int_equal(compare(a, b, -1, NULL, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "verdict: revokes -> loses data"));
	json_object_put(a);
	json_object_put(b);
}

static void test_incomparable(void **state)
{
	struct json_object *a = run("wall", 1.0, "revokes"), *b = run("deterministic", 1.0, "revokes");
	char out[4096];

	(void)state;
	assert_int_equal(compare(a, b, -1, NULL, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "not comparable: tcg/wall against tcg/deterministic"));
	json_object_put(a);
	json_object_put(b);
}

/* Runs on two kernels: refused unless kernels are what is compared. */
static void test_kernels(void **state)
{
	struct json_object *a = run_on("6.1.0-57-amd64", "deterministic", 1.0, "loses data");
	struct json_object *b = run_on("6.12.117+deb12-amd64", "deterministic", 1.0, "refuses");
	struct pb_compare_opts o = { .threshold_pct = -1, .kernels = true };
	char out[8192], md[8192] = "", err[256] = "";
	FILE *f, *m;

	(void)state;
	assert_int_equal(compare(a, b, -1, NULL, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "different kernels (6.1.0-57-amd64, 6.12.117+deb12-amd64)"));
	assert_non_null(strstr(out, "--kernels"));
	/* Asked: compared, the verdict change first in the Markdown, every judged figure after. */
	f = fmemopen(out, sizeof(out), "w");
	m = fmemopen(md, sizeof(md), "w");
	o.markdown = m;
	assert_int_equal(pb_compare(a, b, &o, f, err, sizeof(err)), 1);
	fclose(f);
	fclose(m);
	assert_non_null(strstr(md, "# 6.1.0-57-amd64 (`?`) against 6.12.117+deb12-amd64 (`?`)"));
	assert_non_null(strstr(md, "| truncate_under_dma/gup_ref/y | verdict | loses data | refuses |"));
	assert_true(strstr(md, "## Verdict and status changes") < strstr(md, "## Figures"));
	assert_non_null(strstr(md, "| gup_fast/pin_counter/x | acquire_ns_per_page.p50 | 200 | 200 | +0.00% | exact | no |  |"));
	json_object_put(a);
	json_object_put(b);
}

/* A cell id from a hostile results.json cannot break the Markdown table. */
static void test_markdown_escapes(void **state)
{
	struct json_object *a = run("deterministic", 1.0, "x"), *b = run("deterministic", 1.05, "x");
	struct pb_compare_opts o = { .threshold_pct = -1 };
	char out[8192], md[8192] = "", err[256] = "";
	FILE *f = fmemopen(out, sizeof(out), "w"), *m = fmemopen(md, sizeof(md), "w");

	(void)state;
	json_object_object_add(json_object_array_get_idx(json_object_object_get(a, "cells"), 0), "id",
			       json_object_new_string("a|b<script>\nc"));
	json_object_object_add(json_object_array_get_idx(json_object_object_get(b, "cells"), 0), "id",
			       json_object_new_string("a|b<script>\nc"));
	o.markdown = m;
	assert_int_equal(pb_compare(a, b, &o, f, err, sizeof(err)), 1);
	fclose(f);
	fclose(m);
	assert_non_null(strstr(md, "| a\\|b&lt;script&gt; | acquire_ns_per_page.p50 | 200 | 210 | +5.00% | exact | yes (exact) | **REGRESSION** |"));
	json_object_put(a);
	json_object_put(b);
}

/* Give the gup_fast cell's acquire p50 repetitions: n 3, this mean and spread. */
static void with_reps(struct json_object *run, double mean, double stddev)
{
	struct json_object *cell = json_object_array_get_idx(json_object_object_get(run, "cells"), 0);
	struct json_object *stats = json_object_new_object(), *st = json_object_new_object();

	json_object_object_add(st, "n", json_object_new_int(3));
	json_object_object_add(st, "mean", json_object_new_double(mean));
	json_object_object_add(st, "stddev", json_object_new_double(stddev));
	json_object_object_add(stats, "acquire_ns_per_page.p50", st);
	json_object_object_add(cell, "stats", stats);
	json_object_object_add(json_object_object_get(cell, "metrics"), "acquire_ns_per_page",
			       json_tokener_parse("{\"p99\": 300}"));
	json_object_object_add(json_object_object_get(json_object_object_get(cell, "metrics"), "acquire_ns_per_page"),
			       "p50", json_object_new_double(mean));
}

/*
 * Deterministic with repetitions: an exact figure (no spread) that moved
 * is a regression; one that does not repeat exactly must be significant.
 */
static void test_deterministic_repetitions(void **state)
{
	struct json_object *a = run("deterministic", 1.0, "x"), *b = run("deterministic", 1.0, "x");
	char out[8192];

	(void)state;
	with_reps(a, 200, 0);
	with_reps(b, 206, 0);
	assert_int_equal(compare(a, b, -1, NULL, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "acquire_ns_per_page.p50: 200 -> 206 ns (+3.00%) p=0 * REGRESSION"));
	with_reps(a, 200, 6);
	with_reps(b, 210, 6);
	assert_int_equal(compare(a, b, -1, NULL, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "(+5.00%) p=0.1"));
	assert_non_null(strstr(out, "(within noise)"));
	json_object_put(a);
	json_object_put(b);
}

static void test_junit(void **state)
{
	struct json_object *a = run("deterministic", 1.0, "x"), *b = run("deterministic", 1.05, "x");
	char path[] = "/tmp/pinbench-junit-XXXXXX", out[4096], xml[4096] = "";
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(compare(a, b, -1, path, out, sizeof(out)), 1);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(xml, 1, sizeof(xml) - 1, f) > 0);
	fclose(f);
	unlink(path);
	assert_non_null(strstr(xml, "<testsuite name=\"pinbench compare\" tests=\"2\" failures=\"1\">"));
	assert_non_null(strstr(xml, "<testcase classname=\"gup_fast\" name=\"gup_fast/pin_counter/x\">"));
	assert_non_null(strstr(xml, "<testcase classname=\"truncate_under_dma\" name=\"truncate_under_dma/gup_ref/y\"/>"));
	json_object_put(a);
	json_object_put(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_perturbed),
		cmocka_unit_test(test_verdict_change),
		cmocka_unit_test(test_incomparable),
		cmocka_unit_test(test_kernels),
		cmocka_unit_test(test_markdown_escapes),
		cmocka_unit_test(test_deterministic_repetitions),
		cmocka_unit_test(test_junit),
	};

	return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}
