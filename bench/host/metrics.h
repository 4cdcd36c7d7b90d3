/* SPDX-License-Identifier: GPL-2.0 */
/* metrics.h: a metric as its workload declares it: unit, which direction is better, what compare judges. */
#ifndef PINBENCH_METRICS_H
#define PINBENCH_METRICS_H

#include <stdbool.h>

enum pb_better { PB_LOWER = -1, PB_NEITHER = 0, PB_HIGHER = 1 };

struct pb_metric_def {
	const char *name;	/* a metric; a trailing '*' matches a prefix */
	const char *unit;	/* "ns", "1/s", "%", "count", "word", ... */
	enum pb_better better;
	/*
	 * What pinbench compare judges: NULL nothing; "" the number itself;
	 * else the summary's fields, comma-separated ("p50,p99").
	 */
	const char *judged;
	const char *what;	/* its meaning, for results/schema.md */
};

/* The definition of workload's metric 'name', or NULL when it was never declared. */
const struct pb_metric_def *pb_metric_find(const char *workload, const char *name);
/* Is 'field' (e.g. "p50"; "" for a plain number) judged for d? */
bool pb_metric_judged(const struct pb_metric_def *d, const char *field);

#endif
