// SPDX-License-Identifier: GPL-2.0
/* writeback_under_dma.c: the writeback_under_dma workload on the host: its metrics and how raw guest data becomes them. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "workload.h"

/*
 * writeback_under_dma ([O1]): did what the device wrote reach the disk?
 * Judged per write, by where its record ended up (raw.fates):
 *  - "loses data": writes into pages the file kept were still not on disk
 *    after the release and a last fsync() (or went into pages it lost);
 *  - "drops writes": writes went into the dummy page after a revoke
 *    (writeback's page_mkclean() is an invalidation): they never reached
 *    the file, whatever the disk then matches;
 *  - "stale until release": every write reached the disk in the end, but
 *    some only because the release dirtied the pages: after the final
 *    fsync() with the device stopped they were not there (writeback had
 *    cleaned pages the device kept writing);
 *  - "safe": every write was on disk after the final fsync().
 */
const char *pb_writeback_verdict(uint64_t lost, uint64_t redirected, uint64_t unwritten_before_release)
{
	if (lost)
		return "loses data";
	if (redirected)
		return "drops writes";
	if (unwritten_before_release)
		return "stale until release";
	return "safe";
}

static int writeback_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t pages = pb_raw_u64(raw, "pages");
	static const char *const counts[] = { "fsyncs", "stale_on_disk", "lost_on_disk",
					      "revocations", "spurious" };
	struct json_object *f = NULL;

	if (!pages || !pb_raw_u64(raw, "fsyncs") ||
	    pb_add_hist_summary(m, "fsync_ns", raw, "fsync_ns", 1.0) < 0) {
		snprintf(reason, len, "raw writeback_under_dma data incomplete");
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		json_object_object_add(m, counts[i], json_object_new_uint64(pb_raw_u64(raw, counts[i])));
	json_object_object_add(m, "stale_on_disk_pct", json_object_new_double(
		100.0 * (double)pb_raw_u64(raw, "stale_on_disk") / (double)pages));
	json_object_object_add(m, "lost_on_disk_pct", json_object_new_double(
		100.0 * (double)pb_raw_u64(raw, "lost_on_disk") / (double)pages));
	pb_add_fates(raw, m);
	if (json_object_object_get_ex(raw, "fates_before_release", &f)) {
		json_object_object_add(m, "unwritten_before_release",
				       json_object_new_uint64(pb_raw_u64(f, "unwritten")));
		if (pb_raw_u64(raw, "accesses"))
			json_object_object_add(m, "unwritten_before_release_pct", json_object_new_double(
				100.0 * (double)pb_raw_u64(f, "unwritten") / (double)pb_raw_u64(raw, "accesses")));
	}
	json_object_object_add(m, "verdict", json_object_new_string(pb_writeback_verdict(
		pb_fates_lost(raw), pb_raw_u64(raw, "redirected"), f ? pb_raw_u64(f, "unwritten") : 0)));
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "fsync_ns", "ns", PB_LOWER, "p50",
	  "each `fsync()` the other thread made while the device wrote" },
	{ "fsyncs", "count", PB_NEITHER, NULL,
	  "how many" },
	{ "stale_on_disk", "count", PB_LOWER, NULL,
	  "pages whose disk copy (O_DIRECT read) differed from the page cache after the final "
	  "`fsync()`, before the release (a page-level view of the same)" },
	{ "stale_on_disk_pct", "%", PB_LOWER, NULL,
	  "of the pages" },
	{ "lost_on_disk", "count", PB_LOWER, NULL,
	  "the same after the release and another `fsync()`" },
	{ "lost_on_disk_pct", "%", PB_LOWER, NULL,
	  "of the pages" },
	{ "delivered_pct", "%", PB_HIGHER, NULL,
	  "device writes on disk at the end" },
	{ "unwritten_pct", "%", PB_LOWER, NULL,
	  "device writes into a kept page, never on disk" },
	{ "unwritten_before_release_pct", "%", PB_LOWER, NULL,
	  "the same before the release" },
	{ "revocations", "count", PB_NEITHER, NULL,
	  "the revocations (writeback's `page_mkclean()` is `protection`: spurious), by cause, "
	  "and the events a policy let pass" },
	{ "spurious", "count", PB_NEITHER, NULL,
	  "of those, spurious" },
	{ "verdict", "word", PB_NEITHER, "",
	  "`loses data` (writes unwritten at the end, or lost), `drops writes` (redirected), "
	  "`stale until release` or `safe`: the first that holds (`pb_writeback_verdict()`)" },
	{ "delivered", "count", PB_NEITHER, NULL,
	  "every device write by fate, as in truncate_under_dma, judged on the disk after the "
	  "release (dirtying, with `dirty_on_release=1`) and a last `fsync()`" },
	{ "discarded_pct", "%", PB_NEITHER, NULL,
	  "of all device writes" },
	{ "reacquire_wait_max_us", "us", PB_LOWER, NULL,
	  "the longest from a revoking callback's end until the worker had served it (the device "
	  "waits on a revoked page meanwhile: `stalls` accesses put off)" },
	PB_DEVICE_METRICS
};

/* The figure a reader of published results asks about first. */
static const struct pb_headline headlines[] = {
	{ "verdict", "", "outcome of writeback under DMA" },
};

const struct pb_workload pb_wl_writeback_under_dma = {
	.name = "writeback_under_dma",
	.summary = "[O1]: writeback (fsync) while the device writes into a registered file; what reaches the disk",
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.compute = writeback_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
};
