// SPDX-License-Identifier: GPL-2.0
/* test_table.c: Markdown tables mark the best value of a column from the numbers, like with like. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "table.h"

/* A table keyed by its first column, one lower-is-better and one higher-is-better column. */
static char *render(const char *const rows[][4], size_t n, const double v[][2])
{
	struct pb_table *t = pb_table_new();
	struct pb_text b = { 0 };

	pb_table_col(t, "key", true, PB_NEITHER, true);
	pb_table_col(t, "ns", true, PB_LOWER, false);
	pb_table_col(t, "iops", true, PB_HIGHER, false);
	pb_table_col(t, "status", false, PB_NEITHER, false);
	for (size_t i = 0; i < n; i++) {
		pb_table_row(t, !strncmp(rows[i][3], "ok", 2));
		pb_table_text(t, "%s", rows[i][0]);
		for (int k = 0; k < 2; k++) {
			if (!strcmp(rows[i][1 + k], "-"))
				pb_table_text(t, "-");
			else
				pb_table_num(t, v[i][k], rows[i][1 + k]);
		}
		pb_table_text(t, "%s", rows[i][3]);
	}
	pb_table_render(t, &b);
	return b.s;
}

static void test_best_like_with_like(void **state)
{
	static const char *const rows[][4] = {
		{ "1", "10.0", "5", "ok" },
		{ "1", "12.0", "7", "ok" },
		{ "1", "9.0", "9", "failed: no" },	/* does not compete */
		{ "2", "3.0", "1", "ok" },		/* alone in its key: nothing marked */
		{ "4", "2.0", "-", "ok" },
		{ "4", "2.0", "3", "ok" },		/* a tie as shown: both marked */
	};
	static const double v[][2] = { { 10, 5 }, { 12, 7 }, { 9, 9 }, { 3, 1 }, { 2.04, 0 }, { 1.96, 3 } };
	char *md = render(rows, 6, v);

	(void)state;
	assert_string_equal(md,
		"| key | ns | iops | status |\n"
		"|---:|---:|---:|---|\n"
		"| 1 | **10.0** | 5 | ok |\n"
		"| 1 | 12.0 | **7** | ok |\n"
		"| 1 | 9.0 | 9 | failed: no |\n"
		"| 2 | 3.0 | 1 | ok |\n"
		"| 4 | **2.0** | - | ok |\n"
		"| 4 | **2.0** | 3 | ok |\n");
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_best_like_with_like),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
