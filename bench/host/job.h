/* SPDX-License-Identifier: GPL-2.0 */
/* job.h: fio-style job files: one options table, parsing with file:line errors, expansion into cells. */
#ifndef PINBENCH_JOB_H
#define PINBENCH_JOB_H

#include <stdio.h>
#include <json-c/json.h>

#include <stdbool.h>
#include <stdint.h>

enum pb_opt_type { PB_OPT_ENUM, PB_OPT_UINT, PB_OPT_BOOL, PB_OPT_STRATEGY };

/*
 * A job file option, one row each (as in fio's options.c): parsing,
 * defaults, range checks, the cell id and --help come from it. The
 * workloads that take it list it in their descriptors (workload.h).
 */
struct pb_option {
	const char *name;
	enum pb_opt_type type;
	const char *def;		/* default, in job-file syntax; NULL: required, or all strategies */
	uint64_t min, max;		/* PB_OPT_UINT, PB_OPT_BOOL */
	const char *const *allowed;	/* PB_OPT_ENUM, NULL-terminated */
	bool list;			/* accepts a comma list: a sweep axis */
	bool in_id;			/* part of the cell id */
	bool pow2;			/* PB_OPT_UINT: a power of two */
	/*
	 * A policy of revoking strategies only (PINBENCH_REVOKING_STRATEGIES):
	 * other strategies' cells do not carry it, and a job section that sets
	 * it for one of them is an error. In the cell id only when it is not
	 * the default, so that the default cells keep their ids.
	 */
	bool revoke_only;
	/* In the cell id only when it is not the default (an option added later keeps old ids). */
	bool id_unless_default;
	const char *help;
};

/* A workload's use of an option: the row, and the workload's own default (NULL: the row's). */
struct pb_wl_option {
	const struct pb_option *opt;
	const char *def;
};

#define PB_MAX_OPTIONS 64	/* every workload's options together */
#define PB_MAX_WORKLOADS 32

/* The options more than one workload takes (job.c). */
extern const struct pb_option pb_opt_calls;
extern const struct pb_option pb_opt_rw;
extern const struct pb_option pb_opt_block_size;
extern const struct pb_option pb_opt_queue_depth;
extern const struct pb_option pb_opt_completion;
extern const struct pb_option pb_opt_completion_nsec;
extern const struct pb_option pb_opt_longterm;
extern const struct pb_option pb_opt_registration;
extern const struct pb_option pb_opt_pages_per_call;
extern const struct pb_option pb_opt_filesystem;
extern const struct pb_option pb_opt_truncate_to;
extern const struct pb_option pb_opt_strategy;
extern const struct pb_option pb_opt_file_pages;
extern const struct pb_option pb_opt_iterations;
extern const struct pb_option pb_opt_dma_ms;
extern const struct pb_option pb_opt_block_ms;
extern const struct pb_option pb_opt_revoke_events;
extern const struct pb_option pb_opt_after_revoke;
extern const struct pb_option pb_opt_debug_reacquire_give_up;
extern const struct pb_option pb_opt_dma_rate_hz;
extern const struct pb_option pb_opt_dma_burst;
extern const struct pb_option pb_opt_engine;
extern const struct pb_option pb_opt_fixedbufs;
extern const struct pb_option pb_opt_ios;
extern const struct pb_option pb_opt_warmup_ios;

struct pb_cellspec {
	char *id;		/* workload/strategy/k=v,... (stable across runs) */
	char *job;		/* section that produced it */
	char *workload;
	char *strategy;
	struct json_object *params;	/* every option, typed */
	size_t plan_index;	/* its place in the whole plan (when sharded) */
	const char *boot;	/* the guest memory layout it needs (struct pb_workload's boot()), or NULL */
	/*
	 * Its unit: a stretch of the whole plan's cells of one job section
	 * and one memory layout, numbered from 0 in plan order. A
	 * deterministic run boots a guest per unit and repetition, so that
	 * a cell's figures depend on its unit alone, never on how a run was
	 * split: shards and --jobs split by unit there (pb_plan_shard()).
	 */
	size_t unit;
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
/*
 * Several job files, comma-separated, as one plan (a cell id may appear
 * once). Cells that need a guest memory layout of their own come after the
 * others, grouped by layout, each group in job order: a run boots one
 * guest per layout and repetition, not one per change of layout.
 */
int pb_jobs_load(const char *paths, struct pb_plan *plan, char *err, size_t errlen);
void pb_plan_free(struct pb_plan *plan);
/*
 * Keep only shard k of n (1 <= k <= n): the cells whose index is k - 1
 * modulo n; by_unit: whole units, the largest first to the least loaded
 * shard (deterministic runs).
 */
void pb_plan_shard(struct pb_plan *plan, unsigned int k, unsigned int n, bool by_unit);
/* How many units the plan has (struct pb_cellspec's unit). */
size_t pb_plan_units(const struct pb_plan *plan);
/* The plan in the form the guest driver reads. */
struct json_object *pb_plan_to_json(const struct pb_plan *plan);
/* Option reference, for --help and the README. */
void pb_job_print_options(FILE *f);

#endif
