// SPDX-License-Identifier: GPL-2.0
/* writeback_under_dma.c: the writeback_under_dma workload on the host: its metrics and how raw guest data becomes them. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "render.h"
#include "table.h"
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
	{ "unwritten_before_release", "count", PB_LOWER, NULL,
	  "device writes not on disk after the final `fsync()` with the device stopped, before "
	  "the release: what a crash then would have lost" },
	PB_DEVICE_METRICS
};

/* The figure a reader of published results asks about first. */
static const struct pb_headline headlines[] = {
	{ "verdict", "", "outcome of writeback under DMA" },
};

static bool is_writeback(struct json_object *c)
{
	return !strcmp(pb_json_str(c, "workload", "?"), "writeback_under_dma");
}

/* [O1]: one row per cell, in cell order. */
static void writeback_section(struct pb_text *b, struct json_object *cells)
{
	size_t n = json_object_array_length(cells);
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *m = md_obj(c, "metrics");
		const char *reason = pb_json_str(c, "reason", "?");
		char label[128], f[8][96];

		if (!is_writeback(c))
			continue;
		if (!any)
			pb_text_put(b, "## writeback_under_dma\n\n"
				"[O1] on ext4 over a block device: the device writes into a registered "
				"MAP_SHARED file while another thread calls fsync() every `fsync_ms`. Then the "
				"device stops, a final fsync() runs and the file is read back with O_DIRECT; "
				"then the buffer is released (dirtying the pages it still holds where "
				"`dirty_on_release=1`, as unpin_user_pages_dirty_lock() does), fsync() runs "
				"again and the disk is read once more. Every device write is judged by where "
				"its record ended up, as a share of all the device's writes: **delivered** on "
				"disk at the end; **unwritten** in a page the file kept but never on disk "
				"(writeback cleaned the page while the device kept writing through the kernel "
				"mapping, and nothing dirtied it again); **redirected** into the dummy page "
				"after a revoke (writeback's page_mkclean() is an invalidation), never reaching "
				"the file. **unwritten before release** the same judged after the final "
				"fsync() but before the release: what a crash then would have lost. **causes** "
				"the revocations by notifier event, and those a policy let pass; **re-pin** "
				"with `after_revoke=reacquire`: pages pinned again, the cost per page (ns, in "
				"the worker) and the longest the device waited on a revoked page (us); for a "
				"device that faults (hmm_mirror), the same for the pages it faulted back in, "
				"and its faults per second of device time with their mean service time.\n\n"
				"| strategy | dirty on release | fsyncs | fsync p50 us | p99 | delivered | "
				"unwritten | redirected | unwritten before release | causes | re-pin | "
				"verdict | status |\n"
				"|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|\n");
		any = true;
		pb_cell_label(c, label, sizeof(label));
		if (!md_obj(m, "verdict")) {
			pb_text_put(
				b,
				"| %s | %s | - | - | - | - | - | - | - | - | - | - | %s%s%.*s |\n",
				label, pb_json_str(c, "params.dirty_on_release", "?"),
				pb_json_str(c, "status", "?"), *reason ? ": " : "",
				(int)strcspn(reason, "\n"), reason);
			continue;
		}
		md_us(f[0], 32, md_obj(md_obj(m, "fsync_ns"), "p50"));
		md_us(f[1], 32, md_obj(md_obj(m, "fsync_ns"), "p99"));
		snprintf(f[2], 32, "%s", pb_json_str(m, "fsyncs", "?"));
		pb_fate_pct(f[3], 32, m, "delivered_pct", NULL);
		pb_fate_pct(f[4], 32, m, "unwritten_pct", "lost_pct");
		pb_fate_pct(f[5], 32, m, "redirected_pct", NULL);
		pb_fate_pct(f[6], 32, m, "unwritten_before_release_pct", NULL);
		if (md_obj(m, "fault_service_us"))
			snprintf(f[7], sizeof(f[7]), "%s pages, %.0f ns/page; %.0f faults/s, served in %.0f us",
				 md_count(m, "pages_reacquired"), pb_json_num(m, "reacquire_ns_per_page"),
				 pb_json_num(m, "device_faults_per_s"), pb_json_num(m, "fault_service_us"));
		else if (md_obj(m, "reacquire_ns_per_page"))
			snprintf(f[7], sizeof(f[7]), "%s pages, %.0f ns/page, wait max %.0f us",
				 md_count(m, "pages_reacquired"),
				 json_object_get_double(md_obj(m, "reacquire_ns_per_page")),
				 json_object_get_double(md_obj(m, "reacquire_wait_max_us")));
		else
			snprintf(f[7], sizeof(f[7]), "-");
		pb_text_put(
			b,
			"| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | **%s** | %s%s%.*s |\n",
			label, pb_json_str(c, "params.dirty_on_release", "?"), f[2], f[0], f[1],
			f[3], f[4], f[5], f[6], pb_revoke_causes(m), f[7],
			pb_json_str(m, "verdict", "?"), pb_json_str(c, "status", "?"),
			*reason ? ": " : "", (int)strcspn(reason, "\n"), reason);
	}
	if (any)
		pb_text_put(b, "\n");
}

static void report(struct pb_text *b, struct json_object *root)
{
	writeback_section(b, md_obj(root, "cells"));
}

static const struct pb_option opt_fsync_ms = {
	.name = "fsync_ms", .type = PB_OPT_UINT, .def = "2", .min = 0, .max = 10000,
	.list = true, .in_id = true,
	.help = "another thread calls fsync() this often while the device writes",
};

static const struct pb_option opt_dirty_on_release = {
	.name = "dirty_on_release", .type = PB_OPT_BOOL, .def = "1", .min = 0, .max = 1,
	.list = true, .in_id = true,
	.help = "the strategy dirties the pages it still holds as it releases them "
		"(unpin_user_pages_dirty_lock()); truncate_under_dma always does",
};

/* The job options it takes, in the order its cells are expanded. */
static const struct pb_wl_option options[] = {
	{ &pb_opt_longterm },
	{ &pb_opt_registration },
	{ &pb_opt_pages_per_call, "16" },
	{ &pb_opt_filesystem },
	{ &pb_opt_strategy },
	{ &pb_opt_file_pages },
	{ &pb_opt_iterations },
	{ &pb_opt_dma_ms },
	{ &opt_fsync_ms },
	{ &opt_dirty_on_release },
	{ &pb_opt_revoke_events },
	{ &pb_opt_after_revoke },
	{ &pb_opt_debug_reacquire_give_up },
	{ &pb_opt_dma_rate_hz },
	{ &pb_opt_dma_burst },
};

/* The scorecard's questions this workload answers (publish.c), each from one setting. */
static const struct pb_score score[] = {
	{ "[O1] writeback, ext4", "verdict", "", "filesystem=ext4,dirty_on_release=0", NULL },
};

const struct pb_workload pb_wl_writeback_under_dma = {
	.name = "writeback_under_dma",
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.summary = "[O1]: writeback (fsync) while the device writes into a registered file; what reaches the disk",
	.order = 70,
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.report = report,
	.compute = writeback_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
	.score = score,
	.nr_score = ARRAY_SIZE(score),
};
