// SPDX-License-Identifier: GPL-2.0
/* pin_cost.c: the pin_cost workload on the host: what pins cost the rest of the system. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "render.h"
#include "results.h"
#include "table.h"
#include "util.h"
#include "workload.h"

static void put_u64(struct json_object *m, const char *k, uint64_t v)
{
	json_object_object_add(m, k, json_object_new_uint64(v));
}

static void put_num(struct json_object *m, const char *k, double v)
{
	json_object_object_add(m, k, json_object_new_double(v));
}

static int pin_cost_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	const char *sc = pb_json_str(raw, "scenario", "");
	uint64_t migrated = pb_raw_u64(pb_json_get(raw, "vmstat"), "pgmigrate_success");

	if (!strcmp(sc, "longterm") || !strcmp(sc, "longterm_fail")) {
		uint64_t it = pb_raw_u64(raw, "iterations"), pages = pb_raw_u64(raw, "pages");
		uint64_t done = pb_raw_u64(raw, "pins_done"), fails = pb_raw_u64(raw, "pin_failures");

		if (!it || !pages || done + fails != it) {
			snprintf(reason, len, "raw pin_cost data incomplete (iterations, pins)");
			return -1;
		}
		put_u64(m, "pins_done", done);
		put_u64(m, "pin_failures", fails);
		json_object_object_add(m, "pin_error", json_object_new_string(pb_json_str(raw, "pin_error", "")));
		put_num(m, "in_zone_before_pct", 100.0 * (double)pb_raw_u64(raw, "pages_in_zone_before") /
			(double)(it * pages));
		put_num(m, "in_zone_after_pct", 100.0 * (double)pb_raw_u64(raw, "pages_in_zone_after") /
			(double)(it * pages));
		put_u64(m, "pages_migrated", migrated);
		if (done) {
			double first = (double)pb_raw_u64(raw, "first_acquire_ns") / (double)(done * pages);
			double again = (double)pb_raw_u64(raw, "again_acquire_ns") / (double)(done * pages);

			put_num(m, "first_pin_ns_per_page", first);
			put_num(m, "again_pin_ns_per_page", again);
			if (migrated && !fails)
				put_num(m, "migration_ns_per_page",
					(first - again) * (double)(done * pages) / (double)migrated);
		}
		if (fails)
			put_num(m, "failure_us", (double)pb_raw_u64(raw, "failure_ns") / (double)fails / 1000.0);
	} else if (!strcmp(sc, "fragmentation")) {
		struct json_object *b = pb_json_get(raw, "hugepages_before"), *a = pb_json_get(raw, "hugepages_after");
		uint64_t held = pb_raw_u64(raw, "held_pages");
		int64_t lost;

		if (!b || !a || !held) {
			snprintf(reason, len, "raw pin_cost data incomplete (hugepages, held pages)");
			return -1;
		}
		lost = json_object_get_int64(b) - json_object_get_int64(a);
		json_object_object_add(m, "hugepages_before", json_object_get(b));
		json_object_object_add(m, "hugepages_after", json_object_get(a));
		json_object_object_add(m, "hugepages_lost", json_object_new_int64(lost));
		put_u64(m, "held_pages", held);
		put_u64(m, "held_blocks", pb_raw_u64(raw, "held_blocks"));
		put_u64(m, "held_blocks_after", pb_raw_u64(raw, "held_blocks_after"));
		put_u64(m, "held_in_zone", pb_raw_u64(raw, "held_in_zone"));
		/* MiB of 2 MiB blocks no longer to be had, per MiB held. */
		put_num(m, "mib_lost_per_mib_held", (double)(lost * 2) / ((double)held * 4096.0 / 1048576.0));
	} else if (!strcmp(sc, "thp_split")) {
		struct json_object *split = pb_json_get(raw, "split");

		if (!split) {
			snprintf(reason, len, "raw pin_cost data incomplete (split)");
			return -1;
		}
		json_object_object_add(m, "thp_split", json_object_new_string(
			json_object_get_boolean(split) ? "split" : "kept whole"));
		put_u64(m, "kept_kib", pb_raw_u64(raw, "kept_kib"));
	} else {
		snprintf(reason, len, "raw pin_cost data has no known scenario");
		return -1;
	}
	put_u64(m, "revocations", pb_raw_u64(raw, "revocations"));
	pb_add_vmstat_metrics(raw, m);
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "first_pin_ns_per_page", "ns", PB_LOWER, "",
	  "(longterm) the first acquire of a fresh 2 MiB buffer, per page: what a long-term pin "
	  "migrates out of ZONE_MOVABLE or CMA it migrates here (one call of 512 pages, timed in "
	  "the module, mean over `iterations` buffers)" },
	{ "again_pin_ns_per_page", "ns", PB_LOWER, NULL,
	  "(longterm) the second acquire of the same buffer, its pages already where a long-term pin "
	  "may keep them" },
	{ "migration_ns_per_page", "ns", PB_LOWER, NULL,
	  "(longterm) the first acquire's extra time per page migrated (first minus second, over "
	  "`pages_migrated`)" },
	{ "in_zone_before_pct", "%", PB_NEITHER, NULL,
	  "(longterm) the buffer's pages in the cell's zone (ZONE_MOVABLE, CMA) once faulted in "
	  "(pagemap against /proc/zoneinfo or the CMA area)" },
	{ "in_zone_after_pct", "%", PB_NEITHER, NULL,
	  "(longterm) and after the pin: a long-term pin leaves none there" },
	{ "pages_migrated", "count", PB_NEITHER, NULL,
	  "pages the kernel migrated during the cell (/proc/vmstat pgmigrate_success)" },
	{ "pins_done", "count", PB_NEITHER, NULL,
	  "(longterm) buffers pinned" },
	{ "pin_failures", "count", PB_NEITHER, NULL,
	  "(longterm_fail) long-term pins refused because a page could not be migrated (another pin "
	  "held it)" },
	{ "pin_error", "word", PB_NEITHER, NULL,
	  "the error the first refused pin gave" },
	{ "failure_us", "us", PB_LOWER, NULL,
	  "(longterm_fail) the refused pin's time until it failed, mean, around the ioctl" },
	{ "hugepages_before", "count", PB_NEITHER, NULL,
	  "(fragmentation) 2 MiB hugetlb pages the kernel found (caches dropped, memory compacted, "
	  "vm.nr_hugepages asked for every free 2 MiB) before anything was held" },
	{ "hugepages_after", "count", PB_NEITHER, NULL,
	  "(fragmentation) the same with the held pages held" },
	{ "hugepages_lost", "count", PB_LOWER, "",
	  "(fragmentation) the difference: 2 MiB blocks the held pages kept from compaction" },
	{ "mib_lost_per_mib_held", "ratio", PB_LOWER, NULL,
	  "(fragmentation) MiB of 2 MiB blocks lost per MiB held" },
	{ "held_pages", "count", PB_NEITHER, NULL,
	  "(fragmentation) pages the device held: one in every 2 MiB physical block that `pin_mib` of "
	  "anon memory covered" },
	{ "held_blocks", "count", PB_NEITHER, NULL,
	  "(fragmentation) distinct 2 MiB physical blocks holding them once registered (a long-term pin "
	  "has migrated them by then)" },
	{ "held_blocks_after", "count", PB_NEITHER, NULL,
	  "(fragmentation) and after compaction (a design that does not hold its pages lets them "
	  "move)" },
	{ "held_in_zone", "count", PB_NEITHER, NULL,
	  "(fragmentation) held pages in the cell's zone once registered" },
	{ "thp_split", "word", PB_NEITHER, "",
	  "(thp_split) what became of a THP the device holds one page of, the user having freed "
	  "the other 511 and the kernel asked to split it: `split` or `kept whole`" },
	{ "kept_kib", "KiB", PB_LOWER, NULL,
	  "(thp_split) memory the device's one 4 KiB page keeps allocated after that" },
	{ "revocations", "count", PB_NEITHER, NULL,
	  "invalidations that took pages from the device (a design that does not hold its pages)" },
	{ "vm_*", "count", PB_NEITHER, NULL,
	  "a /proc/vmstat counter's change over the cell (`vm_pgmigrate_fail`, `vm_compact_fail`, "
	  "`vm_thp_split_page_failed`...)" },
};

static const struct pb_headline headlines[] = {
	{ "first_pin_ns_per_page", "", "first pin of a fresh buffer, ns per page" },
	{ "hugepages_lost", "", "2 MiB blocks lost to held pages" },
	{ "thp_split", "", "fate of a THP with one held page" },
};

static const char *const scenario_values[] = { "longterm", "longterm_fail", "fragmentation",
					       "thp_split", NULL };
static const char *const zone_values[] = { "normal", "movable", "cma", NULL };

static const struct pb_option opt_scenario = {
	.name = "scenario", .type = PB_OPT_ENUM, .def = "longterm,longterm_fail,fragmentation,thp_split",
	.allowed = scenario_values, .list = true, .in_id = true,
	.help = "pin_cost: longterm (a fresh buffer pinned, what migration costs), longterm_fail (one "
		"page already pinned: the long-term pin fails), fragmentation (2 MiB blocks lost to "
		"scattered held pages), thp_split (a THP one held page keeps whole)",
};

static const struct pb_option opt_zone = {
	.name = "zone", .type = PB_OPT_ENUM, .def = "normal", .allowed = zone_values, .list = true,
	.in_id = true,
	.help = "pin_cost: where user pages land: normal (the plain guest), movable (a guest booted "
		"with movablecore=, a ZONE_MOVABLE of half its memory) or cma (booted with cma=; "
		"unsupported on kernels without CONFIG_CMA)",
};

static const struct pb_option opt_pin_mib = {
	.name = "pin_mib", .type = PB_OPT_UINT, .def = "512", .min = 4, .max = 1024, .list = true,
	.in_id = true,
	.help = "pin_cost fragmentation: anon memory faulted in, one page of each 2 MiB physical block "
		"it covers then held",
};

static const struct pb_wl_option options[] = {
	{ &opt_scenario },
	{ &opt_zone },
	{ &pb_opt_strategy },
	{ &pb_opt_longterm, "1" },
	{ &opt_pin_mib },
	{ &pb_opt_iterations, "8" },
};

/* movable and cma cells need a guest booted with that layout. */
static const char *pin_cost_boot(struct json_object *params)
{
	const char *z = pb_json_str(params, "zone", "normal");

	return !strcmp(z, "movable") ? "movable" : !strcmp(z, "cma") ? "cma" : NULL;
}

static void what_text(struct json_object *c, struct json_object *m, char *out, size_t len)
{
	const char *sc = pb_json_str(c, "params.scenario", "");

	snprintf(out, len, "-");
	if (!md_obj(m, "pins_done") && !md_obj(m, "hugepages_lost") && !md_obj(m, "thp_split"))
		return;
	if (!strcmp(sc, "longterm"))
		snprintf(out, len, "first pin %.0f ns/page, again %.0f; in zone %.0f%% before, %.0f%% "
			 "after; %s pages migrated", json_object_get_double(md_obj(m, "first_pin_ns_per_page")),
			 json_object_get_double(md_obj(m, "again_pin_ns_per_page")),
			 json_object_get_double(md_obj(m, "in_zone_before_pct")),
			 json_object_get_double(md_obj(m, "in_zone_after_pct")), pb_json_str(m, "pages_migrated", "?"));
	else if (!strcmp(sc, "longterm_fail"))
		snprintf(out, len, "%s of %s pins refused%s%s%s; %s pages migrated in vain",
			 pb_json_str(m, "pin_failures", "?"), pb_json_str(c, "params.iterations", "?"),
			 *pb_json_str(m, "pin_error", "") ? " (" : "", pb_json_str(m, "pin_error", ""),
			 *pb_json_str(m, "pin_error", "") ? ")" : "", pb_json_str(m, "pages_migrated", "?"));
	else if (!strcmp(sc, "fragmentation"))
		snprintf(out, len, "hugetlb 2 MiB pages %s before, %s with %s pages held in %s blocks: "
			 "%s lost (%.0f MiB per MiB held)", pb_json_str(m, "hugepages_before", "?"),
			 pb_json_str(m, "hugepages_after", "?"), pb_json_str(m, "held_pages", "?"),
			 pb_json_str(m, "held_blocks", "?"), pb_json_str(m, "hugepages_lost", "?"),
			 json_object_get_double(md_obj(m, "mib_lost_per_mib_held")));
	else
		snprintf(out, len, "%s: %s KiB kept by one 4 KiB page", pb_json_str(m, "thp_split", "?"),
			 pb_json_str(m, "kept_kib", "?"));
}

static void report(struct pb_text *b, struct json_object *root)
{
	struct json_object *cells = md_obj(root, "cells");
	struct pb_table *t = NULL;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *m = md_obj(c, "metrics");
		char label[128], what[320];

		if (strcmp(pb_json_str(c, "workload", "?"), "pin_cost"))
			continue;
		if (!t) {
			pb_text_put(b, "## pin_cost\n\nWhat pins cost the rest of the system, where user "
				    "pages land (**zone**: the plain guest, a ZONE_MOVABLE from movablecore=, "
				    "a CMA area from cma=). **longterm**: a fresh 2 MiB buffer pinned, the first "
				    "acquire against the second (the first migrates what a long-term pin may not "
				    "keep). **longterm_fail**: one page already pinned, so it cannot migrate. "
				    "**fragmentation**: one page held in every 2 MiB block of `pin_mib` of "
				    "memory, then the 2 MiB hugetlb pages the kernel can still find after "
				    "compaction. **thp_split**: a THP the device holds one page of, the rest "
				    "freed, then split.\n\n");
			t = pb_table_new();
			pb_table_col(t, "scenario", false, PB_NEITHER, false);
			pb_table_col(t, "zone", false, PB_NEITHER, false);
			pb_table_col(t, "strategy", false, PB_NEITHER, false);
			pb_table_col(t, "what happened", false, PB_NEITHER, false);
			pb_table_col(t, "status", false, PB_NEITHER, false);
		}
		pb_cell_label(c, label, sizeof(label));
		what_text(c, m, what, sizeof(what));
		pb_table_row(t, md_row_ok(c));
		pb_table_text(t, "%s", pb_json_str(c, "params.scenario", "?"));
		pb_table_text(t, "%s", pb_json_str(c, "params.zone", "?"));
		pb_table_text(t, "%s", label);
		pb_table_text(t, "%s", what);
		md_tstatus(t, c);
	}
	if (t) {
		pb_table_render(t, b);
		pb_text_put(b, "\n");
	}
}

/* The scorecard's questions this workload answers (publish.c), each from one setting. */
static const struct pb_score score[] = {
	{ "long-term pin: migration ns/page", "migration_ns_per_page", "",
	  "scenario=longterm,zone=movable", NULL },
	{ "2 MiB blocks lost to held pages", "hugepages_lost", "", "scenario=fragmentation,zone=movable", NULL },
};

const struct pb_workload pb_wl_pin_cost = {
	.name = "pin_cost",
	.summary = "what pins cost the rest of the system: long-term pins' migration out of "
		   "ZONE_MOVABLE and CMA, 2 MiB blocks lost to held pages, a THP kept whole",
	.order = 68,
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.compute = pin_cost_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
	.score = score,
	.nr_score = ARRAY_SIZE(score),
	.report = report,
	.boot = pin_cost_boot,
};
