// SPDX-License-Identifier: GPL-2.0
/* gup_fast.c: the gup_fast workload on the host: its metrics and how raw guest data becomes them. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "workload.h"

/*
 * gup_fast: per-page figures are per-call figures divided by the pages
 * per call. The *_phase_* figures come from rounds timed as a whole, with
 * no clock read between calls, as mm/gup_test.c measures: the comparison
 * of the two shows what per-call timing adds.
 */
static int gup_fast_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t ppc = pb_raw_u64(raw, "pages_per_call"), nr = pb_raw_u64(raw, "nr_pages");
	uint64_t cpr = pb_raw_u64(raw, "calls_per_round");
	struct json_object *ap, *rp, *parts;
	uint64_t an, asum, rn, rsum;

	if (!ppc || !nr || !cpr ||
	    pb_add_hist_summary(m, "acquire_ns_per_page", raw, "acquire_call_ns", (double)ppc) < 0 ||
	    pb_add_hist_summary(m, "release_ns_per_page", raw, "release_call_ns", (double)ppc) < 0 ||
	    !json_object_object_get_ex(raw, "acquire_phase_ns", &ap) ||
	    !json_object_object_get_ex(raw, "release_phase_ns", &rp)) {
		snprintf(reason, len, "raw gup_fast data incomplete");
		return -1;
	}
	an = pb_raw_u64(ap, "n");
	asum = pb_raw_u64(ap, "sum");
	rn = pb_raw_u64(rp, "n");
	rsum = pb_raw_u64(rp, "sum");
	if (!an || !rn || !asum) {
		snprintf(reason, len, "no phase rounds were timed");
		return -1;
	}
	json_object_object_add(m, "acquire_phase_ns_per_page",
			       json_object_new_double((double)asum / (double)(an * nr)));
	json_object_object_add(m, "release_phase_ns_per_page",
			       json_object_new_double((double)rsum / (double)(rn * nr)));
	/* Acquire+release pairs per second of operation time (phase rounds). */
	json_object_object_add(m, "calls_per_s",
			       json_object_new_double((double)(an * cpr) * 1e9 / (double)(asum + rsum)));
	json_object_object_add(m, "revokes", json_object_new_uint64(pb_raw_u64(raw, "revokes")));
	json_object_object_add(m, "read_retries", json_object_new_uint64(pb_raw_u64(raw, "read_retries")));
	/* The strategy's own steps (a separate run), per acquire or release call. */
	if (json_object_object_get_ex(raw, "part_call_ns", &parts)) {
		json_object_object_foreach(parts, name, h) {
			char metric[64];

			(void)h;
			snprintf(metric, sizeof(metric), "part_%s_ns_per_call", name);
			if (pb_add_hist_summary(m, metric, parts, name, 1.0) < 0) {
				snprintf(reason, len, "raw breakdown data for %s incomplete", name);
				return -1;
			}
		}
	}
	json_object_object_add(m, "thp_coverage_pct",
			       json_object_new_double(100.0 * (double)pb_raw_u64(raw, "huge_pages_seen") / (double)nr));
	/*
	 * The rmap walker's tax (fake_vma models): one walk over the tracked
	 * objects under the rmap lock, and one over a range none overlaps
	 * (the lock and the descent); the difference per object.
	 */
	if (json_object_object_get_ex(raw, "walk_ns", &ap) &&
	    json_object_object_get_ex(raw, "walk_miss_ns", &rp) && pb_raw_u64(ap, "n") &&
	    pb_raw_u64(rp, "n")) {
		double w = (double)pb_raw_u64(ap, "sum") / (double)pb_raw_u64(ap, "n");
		double miss = (double)pb_raw_u64(rp, "sum") / (double)pb_raw_u64(rp, "n");
		uint64_t vmas = pb_raw_u64(raw, "walk_vmas");

		json_object_object_add(m, "walk_ns", json_object_new_double(w));
		json_object_object_add(m, "walk_miss_ns", json_object_new_double(miss));
		json_object_object_add(m, "walk_vmas", json_object_new_uint64(vmas));
		if (vmas)
			json_object_object_add(m, "walk_ns_per_vma",
					       json_object_new_double((w - miss) / (double)vmas));
	}
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "acquire_ns_per_page", "ns", PB_LOWER, "p50",
	  "per call, each call timed alone (one `ktime_get_ns()` each side), divided by pages per"
	  " call" },
	{ "release_ns_per_page", "ns", PB_LOWER, "p50",
	  "the same for release" },
	{ "acquire_phase_ns_per_page", "ns", PB_LOWER, NULL,
	  "rounds timed as a whole, no clock read between calls (as mm/gup_test.c)" },
	{ "release_phase_ns_per_page", "ns", PB_LOWER, NULL,
	  "the same for release" },
	{ "calls_per_s", "1/s", PB_HIGHER, NULL,
	  "acquire+release pairs per second of operation time (phase rounds)" },
	{ "thp_coverage_pct", "%", PB_NEITHER, NULL,
	  "pages of the buffer that were part of a PMD-sized folio" },
	{ "revokes", "count", PB_LOWER, NULL,
	  "acquires whose pins an invalidation dropped (in gup_fast all are spurious: the buffer "
	  "stays mapped)" },
	{ "read_retries", "count", PB_LOWER, NULL,
	  "acquires redone because an invalidation raced them" },
	{ "part_*", "ns", PB_LOWER, NULL,
	  "one step of the strategy's own work within an acquire or release call (`<step>` from "
	  "`PINBENCH_PARTS`: gup, alloc, lock_wait, tree_insert, tree_remove, account, put, free,"
	  " notifier_insert, notifier_remove), timed in a separate breakdown run; each includes "
	  "about one clock read" },
	{ "walk_ns", "ns", PB_LOWER, NULL,
	  "(fake_vma, fake_vma_fast) the rmap walker's tax: with one round's tracking objects "
	  "held (`walk_vmas`, one per acquire call), the model's tree walked under the rmap lock "
	  "taken for read, as `unmap_mapping_range()` or `page_mkclean()` would visit them among "
	  "the real vmas (mean of 32). A floor: a real fake vma would also cost the walker "
	  "whatever it does per vma" },
	{ "walk_miss_ns", "ns", PB_LOWER, NULL,
	  "the same over a range none overlaps: the lock and the descent alone" },
	{ "walk_ns_per_vma", "ns", PB_LOWER, NULL,
	  "(`walk_ns` - `walk_miss_ns`) / `walk_vmas`: the walker's tax per tracked object" },
	{ "walk_vmas", "count", PB_NEITHER, NULL,
	  "(fake_vma models) tracking objects one walk met" },
};

/* The figure a reader of published results asks about first. */
static const struct pb_headline headlines[] = {
	{ "acquire_ns_per_page", "p50", "acquire cost per page (p50)" },
	{ "release_ns_per_page", "p50", "release cost per page (p50)" },
};

const struct pb_workload pb_wl_gup_fast = {
	.name = "gup_fast",
	.summary = "the cost per page of acquiring and releasing user pages in an in-kernel loop, as mm/gup_test.c measures it",
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.compute = gup_fast_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
};
