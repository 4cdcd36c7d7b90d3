/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workload.h: what the host knows of a workload, in one descriptor per
 * workload (bench/host/wl/<name>.c), as a fio engine is one ops table:
 * its metrics (unit, direction, what compare judges, meaning), how the
 * guest's raw data becomes them, its headline figures. Generic code loops
 * over pb_workloads[]: results, compare, check_results, publish and
 * results/schema.md (pinbench metrics --markdown).
 */
#ifndef PINBENCH_WORKLOAD_H
#define PINBENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "job.h"
#include "metrics.h"
#include "util.h"

/* A figure publish leads with: a number (with its metric's direction) or an outcome word. */
/*
 * One question of the scorecard at the top of results/README.md: per design
 * (strategy and variant, pb_cell_label()), the figure or the word that one
 * setting of the workload gives. setting is "k=v,k=v" over the cells'
 * parameters but the design's own (strategy, registration, longterm, the
 * revoke policy), enough of them to name one cell per design. Entries of
 * one question (a column) may come from several workloads: the stock
 * kernel's rows (workload stock_dio) answer small_dio's.
 */
struct pb_score {
	const char *question;	/* the column's head */
	const char *metric;
	const char *field;	/* "p50"; "" for a plain number or a word */
	const char *setting;
	const char *workload;	/* the cells' workload; NULL: the descriptor's own */
};

struct pb_headline {
	const char *metric;
	const char *field;	/* "p50"; "" for a plain number or a word */
	const char *says;	/* "acquire cost per page (p50)" */
};

struct pb_workload {
	const char *name;
	const char *summary;		/* one line: what it measures */
	unsigned int order;		/* where reports and publish show it: lowest first */
	/* The job options it takes, in the order its cells are expanded (the first varies slowest). */
	const struct pb_wl_option *options;
	size_t nr_options;
	/* The workload whose report tables show this one's rows beside its own, or NULL. */
	const char *shown_with;
	const struct pb_metric_def *metrics;
	size_t nr_metrics;
	/* Markdown after its table in results/schema.md: raw fields, rules; or NULL. */
	const char *notes;
	/* Metrics from the guest's raw data, added to metrics: 0, or -1 with reason. */
	int (*compute)(struct json_object *raw, struct json_object *metrics, char *reason, size_t len);
	const struct pb_headline *headlines;
	size_t nr_headlines;
	/* The scorecard's questions it answers, and from which settings (publish). */
	const struct pb_score *score;
	size_t nr_score;
	/* Its section of report.md (and of its shown_with workloads' rows), or NULL. */
	void (*report)(struct pb_text *b, struct json_object *root);
	/* Its figures under dir (render.h's fig_*): 0, or -1 with err. */
	int (*plot)(struct json_object *cells, const char *dir, char *err, size_t errlen);
	/*
	 * The guest memory layout a cell needs (a pb_boot_profiles[] name:
	 * two NUMA nodes, a ZONE_MOVABLE, a CMA area), or NULL for the plain
	 * guest. The runner boots one guest per layout its plan needs.
	 */
	const char *(*boot)(struct json_object *params);
};

/*
 * What the device's writes became and what the revoke policy did: rows
 * truncate_under_dma and writeback_under_dma both declare, alike
 * (pb_add_fates() and the device's counts), at the end of their tables.
 */
#define PB_DEVICE_METRICS	\
	{ "lost", "count", PB_LOWER, NULL,	\
	  "device writes into a page the file no longer had" },	\
	{ "lost_pct", "%", PB_LOWER, NULL,	\
	  "of all device writes" },	\
	{ "redirected", "count", PB_NEITHER, NULL,	\
	  "device writes sent to the dummy page after a revoke: they never reached the file" },	\
	{ "redirected_pct", "%", PB_NEITHER, NULL,	\
	  "of all device writes" },	\
	{ "revoke_causes", "word", PB_NEITHER, NULL,	\
	  "revocations by the notifier event behind them, largest first (`\"clear_truncate 20, "	\
	  "protection 3\"`); and the events a `revoke_events=truncate_unmap` policy let pass" },	\
	{ "pages_reacquired", "count", PB_NEITHER, NULL,	\
	  "(after_revoke=reacquire) pages pinned again" },	\
	{ "reacquire_ns_per_page", "ns", PB_LOWER, NULL,	\
	  "the worker's time over the pages it pinned again: what re-pinning costs" },	\
	{ "discarded", "count", PB_NEITHER, NULL,	\
	  "device writes into a page that was in place when written and that the truncate then "	\
	  "cut off: data the user asked to drop" },	\
	{ "unwritten", "count", PB_LOWER, NULL,	\
	  "device writes into a page the file kept that are not in its final content (the table's"	\
	  " \"lost\" column adds them to `lost`, and so does the verdict)" },	\
	{ "ignored", "count", PB_NEITHER, NULL,	\
	  "invalidations over held pages that the policy let pass" },	\
	{ "ignored_causes", "word", PB_NEITHER, NULL,	\
	  "those, by notifier event" },	\
	{ "revoke_events", "word", PB_NEITHER, NULL,	\
	  "the cell's revoke policy (`all`/`truncate_unmap`, `drop`/`reacquire`)" },	\
	{ "after_revoke", "word", PB_NEITHER, NULL,	\
	  "the cell's revoke policy: drop or reacquire" },	\
	{ "stalls", "count", PB_NEITHER, NULL,	\
	  "(reacquire) device accesses put off while a revoked page was pinned again" },	\
	{ "reacquires", "count", PB_NEITHER, NULL,	\
	  "(`after_revoke=reacquire`) the worker's pin calls that pointed entries back at pages, "	\
	  "those pages, the pages it could not pin again (past the end of a truncated file), and "	\
	  "its pin calls undone because an invalidation raced them" },	\
	{ "reacquire_failed", "count", PB_NEITHER, NULL,	\
	  "(reacquire) pages that could not be pinned again" },	\
	{ "reacquire_retries", "count", PB_NEITHER, NULL,	\
	  "(reacquire) pin calls undone because an invalidation raced them" },	\
	{ "reacquire_wait_max_us", "us", PB_LOWER, NULL,	\
	  "the longest from a revoking callback's end until the worker had served it (the device "	\
	  "waits on a revoked page meanwhile: `stalls` accesses put off); for a device that "	\
	  "faults, from the fault to its service" },	\
	{ "device_faults", "count", PB_NEITHER, NULL,	\
	  "(a device that faults: hmm_mirror) page faults the device raised on entries an "	\
	  "invalidation had cleared, each served by the worker (`reacquires`, `pages_reacquired`)" }, \
	{ "device_faults_per_s", "1/s", PB_LOWER, NULL,	\
	  "those per second the device ran (its engine's ticks at `dma_rate_hz`)" },	\
	{ "fault_service_us", "us", PB_LOWER, NULL,	\
	  "the mean time from a device fault to its service (hmm_range_fault() in the worker, "	\
	  "the entries restored), the faulting access waiting meanwhile" },

/* Every workload the host knows, in the order reports show them; NULL-terminated. */
extern const struct pb_workload *pb_workloads[];
/* The descriptor named name, or NULL. */
const struct pb_workload *pb_workload_find(const char *name);
/* results/schema.md's per-workload part: every workload's metric table and notes. */
char *pb_metrics_markdown(void);

/* The /proc/vmstat deltas a guest recorded (raw "vmstat"), as metrics vm_<counter>. */
void pb_add_vmstat_metrics(struct json_object *raw, struct json_object *m);
/* For a workload's compute(): a raw count (0 when absent). */
uint64_t pb_raw_u64(struct json_object *raw, const char *key);
/* metrics[name] = the summary of histogram raw[key], scaled; -1 when it does not decode. */
int pb_add_hist_summary(struct json_object *metrics, const char *name, struct json_object *raw,
			const char *key, double scale);
/* truncate_under_dma's metrics, which truncate_stock shares. */
int pb_truncate_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len);
/* Device writes by fate (raw.fates) as counts and shares; and those lost or never stored. */
void pb_add_fates(struct json_object *raw, struct json_object *m);
uint64_t pb_fates_lost(struct json_object *raw);
/* Counts by notifier event (a raw "events" object), largest first: "protection 812, clear_truncate 20". */
void pb_event_causes(struct json_object *events, char *out, size_t len);

#endif
