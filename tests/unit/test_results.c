// SPDX-License-Identifier: GPL-2.0
/* test_results.c: metrics from raw guest data, and results.json validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "report.h"
#include "results.h"

static const char *raw_ok =
	"{\"pages_per_call\":4,\"nr_pages\":8,\"calls_per_round\":2,\"huge_pages_seen\":0,"
	"\"acquire_call_ns\":{\"n\":4,\"sum\":400,\"min\":80,\"max\":120,\"buckets\":[[80,1],[100,2],[120,1]]},"
	"\"release_call_ns\":{\"n\":4,\"sum\":40,\"min\":10,\"max\":10,\"buckets\":[[10,4]]},"
	"\"acquire_phase_ns\":{\"n\":2,\"sum\":320,\"min\":160,\"max\":160},"
	"\"release_phase_ns\":{\"n\":2,\"sum\":80,\"min\":40,\"max\":40}}";

static double metric(struct json_object *m, const char *name, const char *field)
{
	struct json_object *v = json_object_object_get(m, name);

	return json_object_get_double(field ? json_object_object_get(v, field) : v);
}

static void test_gup_fast_metrics(void **state)
{
	struct json_object *raw = json_tokener_parse(raw_ok), *m = json_object_new_object();
	char reason[256];

	(void)state;
	assert_int_equal(pb_metrics_compute("gup_fast", raw, m, reason, sizeof(reason)), 0);
	/* 400 ns over 4 calls of 4 pages = 25 ns/page; p50 is 100/4. */
	assert_true(fabs(metric(m, "acquire_ns_per_page", "mean") - 25.0) < 1e-9);
	assert_true(metric(m, "acquire_ns_per_page", "p50") == 25.0);
	assert_true(metric(m, "acquire_ns_per_page", "min") == 20.0);
	assert_true(metric(m, "release_ns_per_page", "max") == 2.5);
	/* Phase: 320 ns over 2 rounds of 8 pages = 20 ns/page. */
	assert_true(metric(m, "acquire_phase_ns_per_page", NULL) == 20.0);
	assert_true(metric(m, "release_phase_ns_per_page", NULL) == 5.0);
	/* 2 rounds x 2 calls in 400 ns of operation time. */
	assert_true(fabs(metric(m, "calls_per_s", NULL) - 1e7) < 1e-3);
	json_object_put(raw);
	json_object_put(m);

	raw = json_tokener_parse("{\"pages_per_call\":4}");
	m = json_object_new_object();
	assert_int_equal(pb_metrics_compute("gup_fast", raw, m, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "raw gup_fast data incomplete");
	assert_int_equal(pb_metrics_compute("no_such", raw, m, reason, sizeof(reason)), -1);
	json_object_put(raw);
	json_object_put(m);
}

static struct json_object *minimal_results(void)
{
	return json_tokener_parse(
		"{\"schema_version\":1,\"pinbench\":{},\"run\":{},\"host\":{},\"guest\":{},"
		"\"cells\":[{\"id\":\"x\",\"workload\":\"gup_fast\",\"strategy\":\"gup_ref\",\"params\":{},"
		"\"status\":\"unsupported\",\"reason\":\"why\",\"metrics\":{},\"pin_balance\":{}}]}");
}

static void test_results_check(void **state)
{
	struct json_object *r = minimal_results();
	char err[256];
	char *md;

	(void)state;
	assert_int_equal(pb_results_check(r, err, sizeof(err)), 0);
	md = pb_report_md(r);
	assert_non_null(strstr(md, "| unsupported: why |"));
	free(md);
	json_object_object_del(json_object_array_get_idx(json_object_object_get(r, "cells"), 0), "status");
	assert_int_equal(pb_results_check(r, err, sizeof(err)), -1);
	assert_string_equal(err, "cells[0] has no \"status\"");
	json_object_put(r);

	r = minimal_results();
	json_object_object_add(r, "schema_version", json_object_new_int(99));
	assert_int_equal(pb_results_check(r, err, sizeof(err)), -1);
	assert_string_equal(err, "schema_version 99, this pinbench reads 1");
	json_object_put(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gup_fast_metrics),
		cmocka_unit_test(test_results_check),
	};

	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
