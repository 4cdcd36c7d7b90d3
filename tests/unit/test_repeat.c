// SPDX-License-Identifier: GPL-2.0
/* test_repeat.c: repetitions combined into one cell, and compare's Welch test over them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "compare.h"
#include "merge.h"
#include "metrics.h"
#include "workload.h"
#include "repeat.h"
#include "util.h"

static struct json_object *rep(const char *status, double p50, const char *verdict, bool sustained,
			       unsigned int acquired, unsigned int hist_n)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"id\":\"w/s/x\",\"workload\":\"truncate_under_dma\",\"strategy\":\"s\",\"status\":\"%s\","
		 "\"reason\":\"%s\",\"metrics\":{\"truncate_ns\":{\"n\":20,\"p50\":%g},\"lost\":%u,"
		 "\"verdict\":\"%s\",\"sustained\":%s,\"limit\":null},"
		 "\"pin_balance\":{\"acquired\":%u,\"released\":%u},\"kernel_log\":[],"
		 "\"raw\":{\"truncate_ns\":{\"n\":%u,\"sum\":%u,\"min\":10,\"max\":10,\"buckets\":[[10,%u]]},\"x\":1}}",
		 status, strcmp(status, "ok") ? "it broke" : "", p50, acquired, verdict,
		 sustained ? "true" : "false", acquired, acquired, hist_n, hist_n * 10, hist_n);
	return json_tokener_parse(text);
}

static void test_single_is_unchanged(void **state)
{
	struct json_object *a = rep("ok", 100, "blocks", true, 5, 3), *c;

	(void)state;
	c = pb_cell_combine(&a, 1);
	assert_ptr_equal(c, a);
	assert_null(pb_json_get(c, "stats"));
	json_object_put(c);
	json_object_put(a);
}

static void test_three(void **state)
{
	struct json_object *r[3] = { rep("ok", 1, "loses data", true, 1, 2), rep("ok", 2, "HANGS", false, 2, 3),
				     rep("ok", 3, "loses data", true, 3, 4) };
	struct json_object *c = pb_cell_combine(r, 3), *s;

	(void)state;
	assert_string_equal(json_object_get_string(pb_json_get(c, "status")), "ok");
	assert_true(fabs(json_object_get_double(pb_json_path(pb_json_get(c, "metrics"), "truncate_ns.p50")) - 2) < 1e-9);
	s = pb_json_get(pb_json_get(c, "stats"), "truncate_ns.p50");
	assert_non_null(s);
	assert_int_equal(json_object_get_int(pb_json_get(s, "n")), 3);
	assert_true(fabs(json_object_get_double(pb_json_get(s, "stddev")) - 1) < 1e-9);
	/* t(0.975, 2) = 4.302653 (R: qt(0.975, 2)); half-width t * s / sqrt(n). */
	assert_true(fabs(json_object_get_double(pb_json_get(s, "ci95")) - 4.302653 / sqrt(3)) < 1e-5);
	assert_true(fabs(json_object_get_double(pb_json_get(s, "cv")) - 0.5) < 1e-9);
	assert_int_equal(json_object_array_length(pb_json_get(s, "values")), 3);
	/* A verdict that flips is listed with its counts, in order of first appearance. */
	assert_string_equal(json_object_get_string(pb_json_path(pb_json_get(c, "metrics"), "verdict")),
			    "loses data (2 of 3), HANGS (1 of 3)");
	/* Sustained only if sustained every time; null stays null. */
	assert_false(json_object_get_boolean(pb_json_path(pb_json_get(c, "metrics"), "sustained")));
	assert_null(pb_json_path(pb_json_get(c, "metrics"), "limit"));
	/* Pins add up; histograms merge; each repetition is listed. */
	assert_int_equal(json_object_get_int(pb_json_path(c, "pin_balance.acquired")), 6);
	assert_int_equal(json_object_get_int(pb_json_path(pb_json_get(c, "merged_histograms"), "truncate_ns.n")), 9);
	assert_null(pb_json_path(c, "merged_histograms.x"));
	assert_int_equal(json_object_array_length(pb_json_get(c, "repetitions")), 3);
	json_object_put(c);
	for (int i = 0; i < 3; i++)
		json_object_put(r[i]);
}

/* A number one repetition lacks is summarised over the others. */
static void test_missing_number(void **state)
{
	struct json_object *r[3] = { rep("ok", 1, "blocks", true, 1, 2), rep("ok", 3, "blocks", true, 1, 2),
				     rep("ok", 5, "blocks", true, 1, 2) };
	struct json_object *c;

	(void)state;
	json_object_object_del(pb_json_get(r[1], "metrics"), "truncate_ns");
	json_object_object_add(pb_json_get(r[1], "metrics"), "truncate_ns", json_object_new_object());
	json_object_object_del(pb_json_get(r[2], "metrics"), "lost");
	c = pb_cell_combine(r, 3);
	assert_true(fabs(json_object_get_double(pb_json_path(pb_json_get(c, "metrics"), "truncate_ns.p50")) - 3) < 1e-9);
	assert_int_equal(json_object_get_int(pb_json_get(pb_json_get(pb_json_get(c, "stats"), "truncate_ns.p50"), "n")), 2);
	assert_true(json_object_is_type(pb_json_path(pb_json_get(c, "metrics"), "lost"), json_type_double));
	json_object_put(c);
	for (int i = 0; i < 3; i++)
		json_object_put(r[i]);
}

static void test_failed_repetition(void **state)
{
	struct json_object *r[2] = { rep("ok", 1, "blocks", true, 1, 2), rep("failed", 2, "blocks", true, 2, 3) };
	struct json_object *u[2] = { rep("unsupported", 1, "x", true, 0, 1), rep("unsupported", 1, "x", true, 0, 1) };
	struct json_object *c = pb_cell_combine(r, 2), *d = pb_cell_combine(u, 2);

	(void)state;
	assert_string_equal(json_object_get_string(pb_json_get(c, "status")), "failed");
	assert_string_equal(json_object_get_string(pb_json_get(c, "reason")), "repetition 2 of 2: it broke");
	/* The good repetition's figures are still there, as n = 1. */
	assert_int_equal(json_object_get_int(pb_json_path(pb_json_get(c, "stats"), "lost.n")), 1);
	assert_string_equal(json_object_get_string(pb_json_get(d, "status")), "unsupported");
	json_object_put(c);
	json_object_put(d);
	for (int i = 0; i < 2; i++)
		json_object_put(r[i]), json_object_put(u[i]);
}

/*
 * Repetitions measured on a slowed emulator are set aside, and listed;
 * when every one was slowed, none is.
 */
static void test_slowed_set_aside(void **state)
{
	struct json_object *r[4] = { rep("ok", 10, "blocks", true, 1, 2), rep("ok", 15, "blocks", true, 1, 2),
				     rep("ok", 12, "blocks", true, 1, 2), rep("failed", 10, "blocks", true, 1, 2) };
	struct json_object *c, *l;
	const double slow[4] = { 1.0, 1.5, PB_SLOWDOWN_LIMIT, 2.0 };

	(void)state;
	for (int i = 0; i < 4; i++)
		json_object_object_add(r[i], "slowdown", json_object_new_double(slow[i]));
	c = pb_cell_combine(r, 3);
	/* 15 (1.5x) is out; 12, at the limit, is in. */
	assert_int_equal(json_object_get_int(pb_json_get(pb_json_get(pb_json_get(c, "stats"), "truncate_ns.p50"), "n")), 2);
	assert_true(fabs(json_object_get_double(pb_json_path(pb_json_get(c, "metrics"), "truncate_ns.p50")) - 11) < 1e-9);
	assert_int_equal(json_object_get_int(pb_json_get(c, "repetitions_set_aside")), 1);
	assert_int_equal(json_object_get_int(pb_json_path(pb_json_get(c, "merged_histograms"), "truncate_ns.n")), 4);
	l = pb_json_get(c, "repetitions");
	assert_true(json_object_get_boolean(pb_json_get(json_object_array_get_idx(l, 1), "set_aside")));
	assert_false(json_object_get_boolean(pb_json_get(json_object_array_get_idx(l, 0), "set_aside")));
	assert_true(fabs(json_object_get_double(pb_json_get(json_object_array_get_idx(l, 1), "slowdown")) - 1.5) < 1e-9);
	assert_string_equal(json_object_get_string(pb_json_get(c, "status")), "ok");
	json_object_put(c);
	/* A slowed failed repetition still fails the cell. */
	c = pb_cell_combine(r + 1, 3);
	assert_string_equal(json_object_get_string(pb_json_get(c, "status")), "failed");
	json_object_put(c);
	/* Every one slowed: all kept. */
	json_object_object_add(r[0], "slowdown", json_object_new_double(1.3));
	json_object_object_add(r[2], "slowdown", json_object_new_double(1.3));
	c = pb_cell_combine(r, 3);
	assert_int_equal(json_object_get_int(pb_json_get(pb_json_get(pb_json_get(c, "stats"), "truncate_ns.p50"), "n")), 3);
	assert_null(pb_json_get(c, "repetitions_set_aside"));
	json_object_put(c);
	for (int i = 0; i < 4; i++)
		json_object_put(r[i]);
}

/* A wall run of one gup_fast cell with five repetitions of acquire p50. */
static struct json_object *wall_run(const double v[5])
{
	struct json_object *root = json_tokener_parse(
		"{\"run\":{\"mode\":\"wall\",\"accel\":\"tcg\",\"repeat\":5},\"cells\":[]}");
	struct json_object *reps[5], *cell;

	for (int i = 0; i < 5; i++) {
		char text[512];

		snprintf(text, sizeof(text),
			 "{\"id\":\"gup_fast/gup_ref/x\",\"workload\":\"gup_fast\",\"strategy\":\"gup_ref\","
			 "\"status\":\"ok\",\"reason\":\"\",\"metrics\":{\"acquire_ns_per_page\":{\"p50\":%g}},"
			 "\"pin_balance\":{\"acquired\":0,\"released\":0},\"kernel_log\":[],\"raw\":{}}", v[i]);
		reps[i] = json_tokener_parse(text);
	}
	cell = pb_cell_combine(reps, 5);
	json_object_array_add(pb_json_get(root, "cells"), cell);
	for (int i = 0; i < 5; i++)
		json_object_put(reps[i]);
	return root;
}

static int compare(struct json_object *a, struct json_object *b, char *out, size_t len)
{
	struct pb_compare_opts o = { .threshold_pct = 1 };
	FILE *f = fmemopen(out, len, "w");
	char err[256];
	int ret = pb_compare(a, b, &o, f, err, sizeof(err));

	fclose(f);
	return ret;
}

/*
 * +3% with little spread is significant (Welch p well below 0.05) and a
 * regression; +2% on a noisy side is not significant and is not.
 */
static void test_welch(void **state)
{
	static const double base[5] = { 100, 101, 99, 100, 100 }, up[5] = { 103, 104, 102, 103, 103 };
	static const double noisy[5] = { 90, 115, 100, 95, 110 };
	struct json_object *a = wall_run(base), *b = wall_run(up), *n = wall_run(noisy);
	char out[4096];

	(void)state;
	assert_int_equal(compare(a, b, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "acquire_ns_per_page.p50: 100 -> 103 ns (+3.00%) p="));
	assert_non_null(strstr(out, " * REGRESSION"));
	assert_non_null(strstr(out, "1 figures tested with Welch's t-test"));
	assert_int_equal(compare(a, n, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "(within noise)"));
	json_object_put(a);
	json_object_put(b);
	json_object_put(n);
}

/* Every judged metric is declared with a direction; the wildcard matches. */
static void test_metric_table(void **state)
{
	const struct pb_metric_def *d;

	(void)state;
	d = pb_metric_find("small_dio", "latency_ns");
	assert_non_null(d);
	assert_true(pb_metric_judged(d, "p99"));
	assert_false(pb_metric_judged(d, "p9"));
	assert_false(pb_metric_judged(d, "mean"));
	assert_non_null(pb_metric_find("gup_fast", "part_gup_ns_per_call"));
	assert_null(pb_metric_find("gup_fast", "iops"));
	/* A judged number has a direction; every workload declares what it measures. */
	for (size_t w = 0; pb_workloads[w]; w++) {
		const struct pb_workload *wl = pb_workloads[w];

		assert_ptr_equal(pb_workload_find(wl->name), wl);
		assert_non_null(wl->compute);
		for (size_t i = 0; i < wl->nr_metrics; i++)
			if (wl->metrics[i].judged && strcmp(wl->metrics[i].unit, "word"))
				assert_int_not_equal(wl->metrics[i].better, PB_NEITHER);
	}
}

static struct json_object *shard(const char *sh, const char *kernel, const char *ids)
{
	char text[1024], *p = text;

	p += sprintf(p, "{\"schema_version\":1,\"run\":{\"job\":\"j\",\"mode\":\"wall\",\"accel\":\"tcg\","
		     "\"repeat\":1,\"shard\":\"%s\",\"plan_cells\":3,\"boots\":1,\"module_unload\":\"ok\","
		     "\"kernel_log_splats\":[]},\"guest\":{\"kernel_release\":\"%s\"},\"host\":{\"h\":\"%s\"},"
		     "\"cells\":[", sh, kernel, sh);
	for (const char *c = ids; *c; c++)
		p += sprintf(p, "%s{\"id\":\"c%c\",\"plan_index\":%c}", c == ids ? "" : ",", *c, *c);
	sprintf(p, "]}");
	return json_tokener_parse(text);
}

/* Shards join in the plan's order; the wrong sets are refused with the reason. */
static void test_merge(void **state)
{
	struct json_object *a = shard("1/2", "6.1", "02"), *b = shard("2/2", "6.1", "1");
	struct json_object *c = shard("2/2", "6.2", "1"), *in[2] = { b, a }, *m;
	char err[256];

	(void)state;
	m = pb_merge(in, 2, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(json_object_array_length(pb_json_get(m, "cells")), 3);
	for (int i = 0; i < 3; i++) {
		char id[16];

		snprintf(id, sizeof(id), "c%d", i);
		assert_string_equal(json_object_get_string(pb_json_get(json_object_array_get_idx(
			pb_json_get(m, "cells"), (size_t)i), "id")), id);
		assert_null(pb_json_get(json_object_array_get_idx(pb_json_get(m, "cells"), (size_t)i), "plan_index"));
	}
	assert_null(pb_json_path(m, "run.shard"));
	assert_int_equal(json_object_get_int(pb_json_path(m, "run.boots")), 2);
	assert_int_equal(json_object_array_length(pb_json_get(m, "shard_hosts")), 2);
	json_object_put(m);
	assert_null(pb_merge(&a, 1, err, sizeof(err)));
	assert_string_equal(err, "shard 2/2 is missing");
	in[0] = a, in[1] = c;
	assert_null(pb_merge(in, 2, err, sizeof(err)));
	assert_non_null(strstr(err, "guest.kernel_release is '6.1' in the first and '6.2' in input 2"));
	in[0] = a, in[1] = a;
	assert_null(pb_merge(in, 2, err, sizeof(err)));
	assert_string_equal(err, "shard 1/2 is given twice");
	json_object_put(a);
	json_object_put(b);
	json_object_put(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_is_unchanged),
		cmocka_unit_test(test_three),
		cmocka_unit_test(test_missing_number),
		cmocka_unit_test(test_failed_repetition),
		cmocka_unit_test(test_slowed_set_aside),
		cmocka_unit_test(test_welch),
		cmocka_unit_test(test_metric_table),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
