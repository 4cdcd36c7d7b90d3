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
	/*
	 * Runs on different guest kernels are refused (exit 2) unless this is
	 * set: a kernel difference must not pass for a change of pinbench or
	 * of a design, so comparing kernels is asked for (compare --kernels,
	 * an A/B run).
	 */
	bool kernels;
	/*
	 * If set, the comparison as Markdown: verdict and status changes
	 * first, then every judged figure of every cell side by side (base,
	 * new, delta, the delta's 95% interval, significant or not).
	 */
	FILE *markdown;
};

/*
 * Compare two valid results (pb_results_check()) cell by cell: 0 when
 * nothing regressed, 1 when something did, 2 when the runs cannot be
 * compared (err says why).
 */
int pb_compare(struct json_object *base, struct json_object *new, const struct pb_compare_opts *o,
	       FILE *out, char *err, size_t errlen);

#endif
