// SPDX-License-Identifier: GPL-2.0
/* small_dio.c: the small_dio workload on the host: its metrics and how raw guest data becomes them. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "workload.h"

/*
 * small_dio: IOPS over the measured I/Os; latency from submit_bio() to
 * end_io; acquire (with dirtying, for reads) and release (the call in
 * end_io's context) per I/O; residency from end_io until the pages were
 * really given back. CPU: the submitting thread's task clock (libperf),
 * and all CPUs' busy time (NO_HZ idle accounting, to the microsecond), per I/O.
 */
static int small_dio_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t ios = pb_raw_u64(raw, "ios_done"), elapsed = pb_raw_u64(raw, "elapsed_ns");
	uint64_t busy = pb_raw_u64(raw, "cpu_busy_ns");
	struct json_object *cnt, *acq, *rel, *c;

	if (!ios || !elapsed ||
	    pb_add_hist_summary(m, "latency_ns", raw, "latency_ns", 1.0) < 0 ||
	    pb_add_hist_summary(m, "acquire_ns_per_io", raw, "acquire_ns", 1.0) < 0 ||
	    pb_add_hist_summary(m, "release_ns_per_io", raw, "release_ns", 1.0) < 0 ||
	    pb_add_hist_summary(m, "residency_ns", raw, "residency_ns", 1.0) < 0 ||
	    /* Results from before 2026-11-30 have no span. */
	    (json_object_object_get_ex(raw, "span_ns", &c) &&
	     pb_add_hist_summary(m, "span_ns", raw, "span_ns", 1.0) < 0) ||
	    !json_object_object_get_ex(raw, "acquire_ns", &acq) ||
	    !json_object_object_get_ex(raw, "release_ns", &rel)) {
		snprintf(reason, len, "raw small_dio data incomplete");
		return -1;
	}
	json_object_object_add(m, "iops", json_object_new_double((double)ios * 1e9 / (double)elapsed));
	json_object_object_add(m, "deferred_pct",
			       json_object_new_double(100.0 * (double)pb_raw_u64(raw, "deferred") / (double)ios));
	json_object_object_add(m, "max_deferred_depth",
			       json_object_new_uint64(pb_raw_u64(raw, "max_deferred_depth")));
	json_object_object_add(m, "stalls", json_object_new_uint64(pb_raw_u64(raw, "stalls")));
	json_object_object_add(m, "redirtied", json_object_new_uint64(pb_raw_u64(raw, "redirtied")));
	json_object_object_add(m, "read_retries", json_object_new_uint64(pb_raw_u64(raw, "read_retries")));
	json_object_object_add(m, "revoke_waits", json_object_new_uint64(pb_raw_u64(raw, "revoke_waits")));
	if (pb_raw_u64(raw, "revoke_waits"))
		json_object_object_add(m, "revoke_wait_max_us", json_object_new_double(
			(double)pb_raw_u64(raw, "revoke_wait_max_ns") / 1000.0));
	if (busy) {
		uint64_t spent = pb_raw_u64(acq, "sum") + pb_raw_u64(rel, "sum") + pb_raw_u64(raw, "deferred_work_ns");

		json_object_object_add(m, "cpu_busy_ns_per_io", json_object_new_double((double)busy / (double)ios));
		json_object_object_add(m, "acquire_release_cpu_pct",
				       json_object_new_double(100.0 * (double)spent / (double)busy));
	}
	if (json_object_object_get_ex(raw, "counters", &cnt)) {
		static const char *const per_io[] = { "task_clock_ns", "context_switches", "cycles",
						      "instructions" };

		for (size_t i = 0; i < ARRAY_SIZE(per_io); i++) {
			char name[64];

			if (!json_object_object_get_ex(cnt, per_io[i], &c))
				continue;	/* listed under counters.unavailable in raw */
			snprintf(name, sizeof(name), "%s_per_io", per_io[i]);
			json_object_object_add(m, name, json_object_new_double(
				(double)json_object_get_uint64(c) / (double)ios));
		}
	}
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "iops", "1/s", PB_HIGHER, "",
	  "measured I/Os over first submission to last completion" },
	{ "latency_ns", "ns", PB_LOWER, "p50,p99",
	  "per I/O, `submit_bio()` to `end_io` (summary with `p99_9`)" },
	{ "span_ns", "ns", PB_LOWER, NULL,
	  "per I/O, from the start of the strategy's acquire to the end of the release call in "
	  "`end_io`: the span the stock rows' `latency_ns` (submission to completion, pinning and"
	  " release included) covers, so the table's \"I/O\" column compares like with like; "
	  "`latency_ns` stays the bio alone (submit_bio() to end_io)" },
	{ "acquire_ns_per_io", "ns", PB_LOWER, "p50",
	  "the strategy's acquire, plus dirtying the pages for reads" },
	{ "release_ns_per_io", "ns", PB_LOWER, "p50",
	  "the release call in `end_io`'s own context (queueing, when deferred)" },
	{ "residency_ns", "ns", PB_LOWER, "p50",
	  "`end_io` until the pages were really given back" },
	{ "deferred_pct", "%", PB_LOWER, NULL,
	  "releases sent to a workqueue" },
	{ "revoke_waits", "count", PB_LOWER, NULL,
	  "(notifier_revoke) invalidations that met pages a bio still targeted: a bio cannot be "
	  "pointed at a dummy page, so the callback waited for the I/O's release (a non-blockable"
	  " one is refused: `raw.revoke_refused`); and the longest wait. `debug_invalidate_ms` "
	  "provokes them" },
	{ "revoke_wait_max_us", "us", PB_LOWER, NULL,
	  "the longest such wait" },
	{ "max_deferred_depth", "count", PB_LOWER, NULL,
	  "releases pending at once, at most" },
	{ "stalls", "count", PB_LOWER, NULL,
	  "submissions that waited for deferred releases" },
	{ "redirtied", "count", PB_NEITHER, NULL,
	  "reads whose pages had to be dirtied again after completion" },
	{ "read_retries", "count", PB_LOWER, NULL,
	  "acquires redone because an invalidation raced them" },
	{ "cpu_busy_ns_per_io", "ns", PB_LOWER, NULL,
	  "all CPUs' busy time per I/O: online CPUs x elapsed minus NO_HZ idle time (to the "
	  "microsecond; `raw.cpu_busy_source`, /proc/stat ticks only where NO_HZ is off)" },
	{ "acquire_release_cpu_pct", "%", PB_LOWER, NULL,
	  "acquire + release + deferred release work, as a share of that" },
	{ "task_clock_ns_per_io", "ns", PB_LOWER, NULL,
	  "the submitting thread's counters (libperf); hardware ones only where a PMU exists, "
	  "else listed in `raw.counters.unavailable` with the reason" },
	{ "context_switches_per_io", "count", PB_LOWER, NULL,
	  "their context switches per I/O" },
	{ "cycles_per_io", "count", PB_LOWER, NULL,
	  "their cycles per I/O (where a PMU exists)" },
	{ "instructions_per_io", "count", PB_LOWER, NULL,
	  "their instructions per I/O (where a PMU exists)" },
};

/* The figure a reader of published results asks about first. */
static const struct pb_headline headlines[] = {
	{ "iops", "", "IOPS" },
	{ "residency_ns", "p50", "pin residency after end_io (p50)" },
};

static const char notes[] =
	"`raw.completions` counts where `end_io` ran (hardirq, softirq, task); "
	"`raw.blocks_verified` how many slots or blocks the data check covered. With "
	"`submitters=N`, each submitter thread runs its own I/O loop on its own slots and 1/N "
	"of the device; the cell's figures are their sums (and merged histograms), `iops` is "
	"all measured I/Os over the longest submitter's measured time (as fio's group "
	"reporting), the counters are summed over the threads, and `raw.per_submitter` lists "
	"each thread's `cpu` (where hwloc bound it), `ios_done` and `elapsed_ns`.";

const struct pb_workload pb_wl_small_dio = {
	.name = "small_dio",
	.summary = "direct I/O through real bios on a null_blk, pages acquired per I/O and released in the completion context",
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.notes = notes,
	.compute = small_dio_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
};
