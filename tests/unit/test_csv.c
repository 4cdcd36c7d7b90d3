// SPDX-License-Identifier: GPL-2.0
/* test_csv.c: the CSV renderer against a golden file: columns, flattening, quoting, missing values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "csv.h"
#include "util.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "data/golden"
#endif

static const char *results =
	"{\"cells\":["
	"{\"id\":\"w/a/x=1,y=2\",\"workload\":\"w\",\"strategy\":\"a\",\"status\":\"ok\","
	" \"params\":{\"workload\":\"w\",\"strategy\":\"a\",\"y\":2,\"x\":1},"
	" \"metrics\":{\"lat_ns\":{\"p50\":10,\"p99\":20.5},\"verdict\":\"loses data\",\"iops\":1.5e6}},"
	"{\"id\":\"w/b/x=1,y=3\",\"workload\":\"w\",\"strategy\":\"b\",\"status\":\"failed\","
	" \"params\":{\"x\":1,\"y\":3,\"z\":\"say \\\"hi\\\"\"},\"metrics\":{}},"
	"{\"id\":\"v/a/\",\"workload\":\"v\",\"strategy\":\"a\",\"status\":\"ok\",\"params\":{},"
	" \"metrics\":{\"n\":3}}]}";

static void test_golden(void **state)
{
	struct json_object *root = json_tokener_parse(results);
	char *csv = pb_csv_workload(root, "w"), *golden = pb_read_file(GOLDEN_DIR "/w.csv", NULL);

	(void)state;
	assert_non_null(golden);
	assert_string_equal(csv, golden);
	free(csv);
	free(golden);
	/* Only that workload's cells and columns. */
	csv = pb_csv_workload(root, "v");
	assert_string_equal(csv, "id,strategy,status,n\nv/a/,a,ok,3\n");
	free(csv);
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
