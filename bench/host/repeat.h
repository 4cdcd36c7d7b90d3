/* SPDX-License-Identifier: GPL-2.0 */
/* repeat.h: one cell from its repetitions (pinbench run --repeat N). */
#ifndef PINBENCH_REPEAT_H
#define PINBENCH_REPEAT_H

#include <stddef.h>
#include <json-c/json.h>
#include "stats.h"

/*
 * One results.json cell from n results of the same cell (pb_cell_result()
 * of each repetition). n == 1 returns that cell unchanged. Otherwise:
 * status ok only if every repetition was ok; metrics are the means over
 * the ok repetitions not set aside (PB_SLOWDOWN_LIMIT) (words kept if unanimous, else counted; booleans
 * only if always true); stats["metric" or "metric.field"] holds n, mean,
 * stddev, CV, CI95, quantiles and the values; merged_histograms the raw
 * histograms summed; pin_balance the sums; repetitions each one's status.
 */
struct json_object *pb_cell_combine(struct json_object **reps, size_t n);

/*
 * A repetition whose "slowdown" (the slower of the emulator's speed probes
 * around it, against the run's unslowed speed: run.c) exceeds this was
 * measured on a slowed emulator: pb_cell_combine() sets it aside when the
 * cell has others. Under TCG here, the probes of normal repetitions lie
 * within 7% of that speed, and the slow phases 1.15-2x above it.
 */
#define PB_SLOWDOWN_LIMIT 1.12

/* The JSON form of sample statistics (with the values), and back (n, mean, stddev, cv, ci95). */
struct json_object *pb_stats_to_json(const struct pb_sample_stats *s, const double *values);
int pb_stats_from_json(struct json_object *o, struct pb_sample_stats *s);

#endif
