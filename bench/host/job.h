/* SPDX-License-Identifier: GPL-2.0 */
/* job.h: fio-style job files: one options table, parsing with file:line errors, expansion into cells. */
#ifndef PINBENCH_JOB_H
#define PINBENCH_JOB_H

#include <stdio.h>
#include <json-c/json.h>

struct pb_cellspec {
	char *id;		/* workload/strategy/k=v,... (stable across runs) */
	char *job;		/* section that produced it */
	char *workload;
	char *strategy;
	struct json_object *params;	/* every option, typed */
	size_t plan_index;	/* its place in the whole plan (when sharded) */
};

/*
 * The most cells one plan may hold: ten times the full matrix
 * (every job file in workloads/, about 1,000 cells), far more than a run can
 * do in a day.
 */
#define PB_MAX_CELLS 10000u

struct pb_plan {
	struct pb_cellspec *cells;
	size_t nr;
	size_t total;		/* cells in the whole plan when sharded, else 0 */
};

/*
 * Parse a job file and expand every section into cells (the cartesian
 * product of its list-valued options). On error returns -1 after writing
 * "FILE:LINE: message" to err.
 */
int pb_job_load(const char *path, struct pb_plan *plan, char *err, size_t errlen);
/* Several job files, comma-separated, as one plan (a cell id may appear once). */
int pb_jobs_load(const char *paths, struct pb_plan *plan, char *err, size_t errlen);
void pb_plan_free(struct pb_plan *plan);
/* Keep only shard k of n (1 <= k <= n): the cells whose index is k - 1 modulo n. */
void pb_plan_shard(struct pb_plan *plan, unsigned int k, unsigned int n);
/* The plan in the form the guest driver reads. */
struct json_object *pb_plan_to_json(const struct pb_plan *plan);
/* Option reference, for --help and the README. */
void pb_job_print_options(FILE *f);

#endif
