/* SPDX-License-Identifier: GPL-2.0 */
/* compare.h: pinbench compare BASE NEW. */
#ifndef PINBENCH_COMPARE_H
#define PINBENCH_COMPARE_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

struct pb_compare_opts {
	double threshold_pct;	/* worse by more than this is a regression; < 0: the mode's default */
	const char *junit;	/* write JUnit XML here (one testcase per cell), or NULL */
	bool verbose;		/* print every compared figure, not only changes past the threshold */
};

/*
 * Compare two valid results (pb_results_check()) cell by cell: 0 when
 * nothing regressed, 1 when something did, 2 when the runs cannot be
 * compared (err says why).
 */
int pb_compare(struct json_object *base, struct json_object *new, const struct pb_compare_opts *o,
	       FILE *out, char *err, size_t errlen);

#endif
