// SPDX-License-Identifier: GPL-2.0
/* mm_churn.c: the mm_churn workload on the host: revocations and pin failures under ordinary mm activity. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "render.h"
#include "results.h"
#include "table.h"
#include "util.h"
#include "workload.h"

static int mm_churn_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t ticks = pb_raw_u64(raw, "engine_ticks"), rate = pb_raw_u64(raw, "engine_rate_hz");
	uint64_t acc = pb_raw_u64(raw, "accesses");
	double dev_s = rate ? (double)ticks / (double)rate : 0;
	char causes[256];
	static const char *const counts[] = { "ops", "ops_failed", "revocations", "spurious",
					      "invalidations", "ignored", "device_faults",
					      "lost", "redirected", "delivered" };

	if (!json_object_object_get_ex(raw, "ops", NULL) || !acc || !ticks) {
		snprintf(reason, len, "raw mm_churn data incomplete (no operation or no device access)");
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		json_object_object_add(m, counts[i], json_object_new_uint64(pb_raw_u64(raw, counts[i])));
	json_object_object_add(m, "spurious_per_s",
			       json_object_new_double((double)pb_raw_u64(raw, "spurious") / dev_s));
	json_object_object_add(m, "lost_pct", json_object_new_double(
		100.0 * (double)pb_raw_u64(raw, "lost") / (double)acc));
	json_object_object_add(m, "redirected_pct", json_object_new_double(
		100.0 * (double)pb_raw_u64(raw, "redirected") / (double)acc));
	json_object_object_add(m, "op_errno", json_object_new_string(pb_json_str(raw, "op_errno", "")));
	if (json_object_object_get_ex(raw, "pages_reclaimed", NULL))
		json_object_object_add(m, "pages_reclaimed",
				       json_object_new_uint64(pb_raw_u64(raw, "pages_reclaimed")));
	{
		static const char *const opt[] = { "pages_migrated", "pages_not_migrated", "memcg_pgscan",
						    "memcg_pgsteal", "numa_marked" };

		for (size_t i = 0; i < ARRAY_SIZE(opt); i++)
			if (json_object_object_get_ex(raw, opt[i], NULL))
				json_object_object_add(m, opt[i], json_object_new_uint64(pb_raw_u64(raw, opt[i])));
	}
	if (json_object_object_get_ex(raw, "ksm_pages_merged", NULL))
		json_object_object_add(m, "ksm_pages_merged",
				       json_object_new_uint64(pb_raw_u64(raw, "ksm_pages_merged")));
	pb_event_causes(pb_json_get(raw, "events"), causes, sizeof(causes));
	json_object_object_add(m, "revoke_causes", json_object_new_string(causes));
	pb_add_vmstat_metrics(raw, m);
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "ops", "count", PB_NEITHER, NULL,
	  "operations of the cell's source done in `churn_ms`, at least 4 (KSM: one, ksmd running "
	  "for it and for two full scans)" },
	{ "ops_failed", "count", PB_NEITHER, NULL,
	  "those that failed (a collapse refused, say); `op_errno` the first one's error" },
	{ "op_errno", "word", PB_NEITHER, NULL,
	  "the first failed operation's error, or empty" },
	{ "revocations", "count", PB_NEITHER, NULL,
	  "invalidations that took pages or entries from the device (revoking strategies, mirrors)" },
	{ "spurious", "count", PB_LOWER, NULL,
	  "revocations not caused by truncate: all of them here" },
	{ "spurious_per_s", "1/s", PB_LOWER, NULL,
	  "spurious revocations per second the device ran (its engine's ticks at `dma_rate_hz`)" },
	{ "invalidations", "count", PB_NEITHER, NULL,
	  "notifier callbacks over the buffer, revoking or not" },
	{ "ignored", "count", PB_NEITHER, NULL,
	  "invalidations a `revoke_events=truncate_unmap` policy let pass" },
	{ "device_faults", "count", PB_NEITHER, NULL,
	  "(a device that faults) page faults it raised on entries an invalidation had cleared" },
	{ "revoke_causes", "word", PB_NEITHER, NULL,
	  "revocations by the notifier event behind them, largest first" },
	{ "delivered", "count", PB_NEITHER, NULL,
	  "device accesses to a page still where it was at registration" },
	{ "lost", "count", PB_LOWER, NULL,
	  "device writes into a page the buffer no longer maps (reclaimed, copied away)" },
	{ "lost_pct", "%", PB_LOWER, "",
	  "of all device accesses" },
	{ "redirected", "count", PB_NEITHER, NULL,
	  "device accesses sent to the dummy page after a revocation" },
	{ "redirected_pct", "%", PB_LOWER, NULL,
	  "of all device accesses" },
	{ "pages_reclaimed", "count", PB_NEITHER, NULL,
	  "(pageout, reclaim) pages of the 512 no longer in memory after MADV_PAGEOUT or the "
	  "cgroup's memory.high, summed over the operations (mincore()): what reclaim could take; "
	  "a pinned page stays" },
	{ "ksm_pages_merged", "count", PB_NEITHER, NULL,
	  "(ksm) pages that became KSM pages while ksmd ran (pages_shared + pages_sharing): a "
	  "pinned page is never merged" },
	{ "pages_migrated", "count", PB_NEITHER, NULL,
	  "(migration) pages that reached the target node in a move_pages() (read back), summed over the "
	  "operations; (numa_balancing) pages of the 512 that balancing brought from node 1 to the "
	  "task's node 0: a pinned page stays" },
	{ "pages_not_migrated", "count", PB_NEITHER, NULL,
	  "those that stayed where they were" },
	{ "numa_marked", "count", PB_NEITHER, NULL,
	  "(numa_balancing) NUMA hinting marks found on the buffer's own PTEs (PROT_NONE, "
	  "PINBENCH_IOC_PTE_CENSUS), summed over the reader's looks after each idle spell: a lower "
	  "bound, 0 where the scanner marked none. 6.1's change_pte_range() skips any page with "
	  "references beyond its mapping (page_count() != 1), 6.12's only a maybe-pinned or "
	  "shared one (mm/mprotect.c), so gup_ref's and fake_vma's pages are marked on 6.12 alone; "
	  "vm_numa_pte_updates is the whole system's" },
	{ "memcg_pgscan", "count", PB_NEITHER, NULL,
	  "(reclaim) pages the cgroup's reclaim scanned (its memory.stat pgscan)" },
	{ "memcg_pgsteal", "count", PB_NEITHER, NULL,
	  "(reclaim) pages it reclaimed (memory.stat pgsteal)" },
	{ "vm_*", "count", PB_NEITHER, NULL,
	  "a /proc/vmstat counter's change over the cell (`vm_pgmigrate_fail`, "
	  "`vm_thp_collapse_alloc`, `vm_compact_fail`...): what the mm did, and could not" },
};

static const struct pb_headline headlines[] = {
	{ "spurious_per_s", "", "spurious revocations per second of device activity" },
};

static const char *const source_values[] = { "fork", "mprotect", "collapse", "compaction", "ksm",
					     "pageout", "reclaim", "migration", "numa_balancing", NULL };

static const struct pb_option opt_source = {
	.name = "source", .type = PB_OPT_ENUM, .def = "fork,mprotect,collapse,compaction,ksm,pageout",
	.allowed = source_values, .list = true, .in_id = true,
	.help = "the mm activity run on the buffer while the device uses it (migration and "
		"numa_balancing cells run in a guest booted with two NUMA nodes)",
};

/* move_pages() and NUMA balancing need a second node: those cells get a guest with two. */
static const char *mm_churn_boot(struct json_object *params)
{
	const char *src = pb_json_str(params, "source", "");

	return !strcmp(src, "migration") || !strcmp(src, "numa_balancing") ? "numa2" : NULL;
}

static const struct pb_option opt_churn_ms = {
	.name = "churn_ms", .type = PB_OPT_UINT, .def = "300", .min = 1, .max = 60000,
	.list = true, .in_id = true,
	.help = "how long the source runs in a loop (and at least 4 operations), the device "
		"accessing the buffer throughout",
};

static const struct pb_wl_option options[] = {
	{ &pb_opt_registration },
	{ &pb_opt_pages_per_call, "16" },
	{ &pb_opt_strategy },
	{ &opt_source },
	{ &opt_churn_ms },
	{ &pb_opt_revoke_events },
	{ &pb_opt_after_revoke },
	{ &pb_opt_dma_rate_hz },
	{ &pb_opt_dma_burst },
};

static void report(struct pb_text *b, struct json_object *root)
{
	struct json_object *cells = md_obj(root, "cells");
	struct pb_table *t = NULL;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *m = md_obj(c, "metrics");
		char label[128], what[160] = "-";

		if (strcmp(pb_json_str(c, "workload", "?"), "mm_churn"))
			continue;
		if (!t) {
			pb_text_put(b, "## mm_churn\n\nA device holds a registered 2 MiB buffer and "
				    "accesses it while one source of ordinary mm activity runs on it in a "
				    "loop. **ops** what the source did (failed ones, and the first error); "
				    "**spurious/s** revocations per second of device activity, none of them "
				    "needed (no truncate); **causes** them by notifier event; **lost** and "
				    "**redirected** the device's accesses that went into a page the buffer no "
				    "longer has, or into the dummy page; **mm** what the mm could or could not "
				    "do: pages reclaimed (pageout), pages merged (ksm), migrations failed and "
				    "collapses done (/proc/vmstat).\n\n");
			t = pb_table_new();
			pb_table_col(t, "source", false, PB_NEITHER, false);
			pb_table_col(t, "strategy", false, PB_NEITHER, false);
			pb_table_col(t, "ops (failed)", false, PB_NEITHER, false);
			pb_table_col_metric(t, "spurious/s", "mm_churn", "spurious_per_s");
			pb_table_col(t, "causes", false, PB_NEITHER, false);
			pb_table_col_metric(t, "lost", "mm_churn", "lost_pct");
			pb_table_col_metric(t, "redirected", "mm_churn", "redirected_pct");
			pb_table_col(t, "mm", false, PB_NEITHER, false);
			pb_table_col(t, "status", false, PB_NEITHER, false);
		}
		pb_cell_label(c, label, sizeof(label));
		if (md_obj(m, "memcg_pgscan"))
			snprintf(what, sizeof(what), "%s pages reclaimed (cgroup: %s scanned, %s taken)",
				 pb_json_str(m, "pages_reclaimed", "?"), pb_json_str(m, "memcg_pgscan", "?"),
				 pb_json_str(m, "memcg_pgsteal", "?"));
		else if (md_obj(m, "pages_reclaimed"))
			snprintf(what, sizeof(what), "%s pages reclaimed",
				 pb_json_str(m, "pages_reclaimed", "?"));
		else if (md_obj(m, "pages_migrated") && !strcmp(pb_json_str(c, "params.source", ""), "migration"))
			snprintf(what, sizeof(what), "%s pages migrated, %s stayed",
				 pb_json_str(m, "pages_migrated", "?"), pb_json_str(m, "pages_not_migrated", "?"));
		else if (md_obj(m, "pages_migrated"))
			snprintf(what, sizeof(what), "%s of 512 pages brought home; %s marks on the buffer's PTEs "
				 "(system: %s PTEs marked, %s hinting faults)",
				 pb_json_str(m, "pages_migrated", "?"), pb_json_str(m, "numa_marked", "?"),
				 pb_json_str(m, "vm_numa_pte_updates", "?"), pb_json_str(m, "vm_numa_hint_faults", "?"));
		else if (md_obj(m, "ksm_pages_merged"))
			snprintf(what, sizeof(what), "%s pages merged", pb_json_str(m, "ksm_pages_merged", "?"));
		else if (md_obj(m, "vm_pgmigrate_success"))
			snprintf(what, sizeof(what), "migrated %s, failed %s; THP collapses %s",
				 pb_json_str(m, "vm_pgmigrate_success", "?"),
				 pb_json_str(m, "vm_pgmigrate_fail", "?"),
				 pb_json_str(m, "vm_thp_collapse_alloc", "?"));
		pb_table_row(t, md_row_ok(c));
		pb_table_text(t, "%s", pb_json_str(c, "params.source", "?"));
		pb_table_text(t, "%s", label);
		if (md_obj(m, "ops"))
			pb_table_text(t, "%s (%s%s%s)", pb_json_str(m, "ops", "?"),
				      pb_json_str(m, "ops_failed", "?"), *pb_json_str(m, "op_errno", "") ?
				      ": " : "", pb_json_str(m, "op_errno", ""));
		else
			pb_table_text(t, "-");
		md_tnum(t, md_obj(m, "spurious_per_s"), md_num);
		pb_table_text(t, "%s", *pb_json_str(m, "revoke_causes", "") ?
			      pb_json_str(m, "revoke_causes", "") : "-");
		md_tnum(t, md_obj(m, "lost_pct"), md_pct0);
		md_tnum(t, md_obj(m, "redirected_pct"), md_pct0);
		pb_table_text(t, "%s", md_obj(m, "ops") ? what : "-");
		md_tstatus(t, c);
	}
	if (t) {
		pb_table_render(t, b);
		pb_text_put(b, "\n");
	}
}

/* The scorecard's questions this workload answers (publish.c), each from one setting. */
static const struct pb_score score[] = {
	{ "spurious revocations/s, fork", "spurious_per_s", "", "source=fork", NULL },
	{ "pages move_pages() moved", "pages_migrated", "", "source=migration", NULL },
};

const struct pb_workload pb_wl_mm_churn = {
	.name = "mm_churn",
	.summary = "revocations and pin failures under ordinary mm activity: fork, mprotect, THP "
		   "collapse, compaction, KSM, reclaim, migration, NUMA balancing",
	.order = 65,
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.compute = mm_churn_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
	.score = score,
	.nr_score = ARRAY_SIZE(score),
	.report = report,
	.boot = mm_churn_boot,
};
