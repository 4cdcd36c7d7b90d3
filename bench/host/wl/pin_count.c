// SPDX-License-Identifier: GPL-2.0
/* pin_count.c: the pin_count workload on the host: when 1024 references look like a pin, and what fork then does. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "render.h"
#include "results.h"
#include "table.h"
#include "util.h"
#include "workload.h"

static int pin_count_metrics(struct json_object *raw, struct json_object *m, char *reason,
			     size_t len)
{
	struct json_object *pinned, *copied, *before, *after;
	uint64_t taken = pb_raw_u64(raw, "taken");
	bool pin, maybe;

	if (!taken || !json_object_object_get_ex(raw, "pinned_after", &pinned) ||
	    !json_object_object_get_ex(raw, "copied_at_fork", &copied) ||
	    !json_object_object_get_ex(raw, "refcount_before", &before) ||
	    !json_object_object_get_ex(raw, "refcount_after", &after) ||
	    !json_object_object_get_ex(raw, "mode", NULL)) {
		snprintf(reason, len, "raw pin_count data incomplete");
		return -1;
	}
	pin = !strcmp(pb_json_str(raw, "mode", ""), "pin");
	maybe = json_object_get_boolean(pinned);
	{
		/* Every file that held a share holds its own reference too: not the references' doing. */
		uint64_t holders = pb_raw_u64(raw, "holders");
		int64_t grew = json_object_get_int64(after) - json_object_get_int64(before) -
			       (int64_t)(holders > 1 ? holders - 1 : 0);
		int64_t per = pin && !pb_raw_u64(raw, "folio_order") ? 1024 : 1;

		json_object_object_add(m, "refcount_per_ref", json_object_new_double((double)grew / (double)taken));
		/* How many more the count could take before it wraps past INT_MAX. */
		json_object_object_add(m, "refs_to_wrap", json_object_new_int64(
			(2147483647LL - json_object_get_int64(after)) / per));
	}
	json_object_object_add(m, "ns_per_ref", json_object_new_double(
		(double)pb_raw_u64(raw, "take_ns") / (double)taken));
	json_object_object_add(m, "maybe_dma_pinned", json_object_new_string(maybe ? "yes" : "no"));
	json_object_object_add(m, "copied_at_fork", json_object_new_string(
		json_object_get_boolean(copied) ? "yes" : "no"));
	/* Results from before 2026-12-07 compared the held page only. */
	if (json_object_object_get_ex(raw, "pages_copied_at_fork", &copied))
		json_object_object_add(m, "kib_copied_at_fork", json_object_new_uint64(
			4 * json_object_get_uint64(copied)));
	json_object_object_add(m, "reclaim", json_object_new_string(pb_json_str(raw, "reclaim", "not tried")));
	json_object_object_add(m, "verdict", json_object_new_string(
		pin ? (maybe ? "pinned" : "pin missed") : (maybe ? "false positive" : "not pinned")));
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "verdict", "word", PB_NEITHER, "",
	  "what core mm believes of the page: `pinned` (pins, seen), `false positive` (ordinary "
	  "references taken for a pin), `not pinned`, or `pin missed` (a kernel bug)" },
	{ "maybe_dma_pinned", "word", PB_NEITHER, NULL,
	  "folio_maybe_dma_pinned() with them held: refcount >= 1024 for a small folio, the exact "
	  "pin count for a large one" },
	{ "kib_copied_at_fork", "KiB", PB_NEITHER, NULL,
	  "what fork() copied of the folio the page is in (every page's frame compared): the test is"
	  " per folio, so a THP with one page held is copied whole, 2048 KiB (6.1: copy_huge_pmd() "
	  "splits the PMD, then copy_present_pte() asks folio_maybe_dma_pinned() of the whole folio "
	  "for each PTE); `raw.pages_copied_at_fork`" },
	{ "copied_at_fork", "word", PB_NEITHER, "",
	  "whether fork() gave the child a copy of the page (a frame of its own) instead of "
	  "sharing it: what the kernel does with an anon page it believes pinned, once the mm has "
	  "pinned at all (MMF_HAS_PINNED)" },
	{ "refcount_per_ref", "count", PB_NEITHER, NULL,
	  "the folio's refcount increase per reference or pin taken (1 per FOLL_GET, 1024 per "
	  "FOLL_PIN on a small folio, 1 on a large one, whose pins are counted apart)" },
	{ "reclaim", "word", PB_NEITHER, "",
	  "(small folio) what reclaim did with the page, the references held: MADV_PAGEOUT with a "
	  "swap file on, then the page's pagemap entry: `kept mapped` (an anon page that looks "
	  "pinned is not unmapped: try_to_unmap() will not unshare it) or `unmapped to swap` (the "
	  "references keep it in memory, in the swap cache); `not tried` for a THP" },
	{ "refs_to_wrap", "count", PB_NEITHER, NULL,
	  "more of the same (references, or pins at 1024 each on a small folio) the refcount could "
	  "take with them held before it passes INT_MAX: GUP adds unchecked and only the call "
	  "after the wrap WARNs and fails, so a count that wraps makes a pinned page look unpinned"
	  " (refs up to 2097151: over PINBENCH_MAX_PC_REFS, the shares go to files of their own)" },
	{ "ns_per_ref", "ns", PB_LOWER, NULL,
	  "one GUP call on the page, mean over all of them (one timed sample)" },
};

static const struct pb_headline headlines[] = {
	{ "verdict", "", "page's state as core mm sees it" },
	{ "copied_at_fork", "", "copy at fork (yes: the child got a frame of its own)" },
};

static const char *const mode_values[] = { "get", "pin", NULL };
static const char *const folio_values[] = { "small", "large", NULL };

static const struct pb_option opt_mode = {
	.name = "mode", .type = PB_OPT_ENUM, .def = "pin", .allowed = mode_values, .list = true,
	.in_id = true,
	.help = "get: ordinary references (FOLL_GET); pin: FOLL_PIN pins",
};
static const struct pb_option opt_refs = {
	.name = "refs", .type = PB_OPT_UINT, .def = "1024", .min = 1, .max = 2097151,
	.list = true, .in_id = true,
	.help = "references or pins taken on the one page, one GUP call each (up to 2097151: the "
		"most pins a small folio's refcount holds below INT_MAX; over 65536 they are "
		"spread over several files)",
};
static const struct pb_option opt_folio = {
	.name = "folio", .type = PB_OPT_ENUM, .def = "small", .allowed = folio_values, .list = true,
	.in_id = true,
	.help = "small: a 4 KiB anon page; large: a page of a 2 MiB anon THP (exact pin count)",
};
static const struct pb_option opt_prior_pin = {
	.name = "prior_pin", .type = PB_OPT_BOOL, .def = "0", .max = 1, .list = true, .in_id = true,
	.help = "1: the process pinned another page first (MMF_HAS_PINNED, which fork's early copy "
		"needs; mode=pin sets it anyway)",
};

static const struct pb_wl_option options[] = {
	{ &opt_mode, NULL },
	{ &opt_folio, NULL },
	{ &opt_prior_pin, NULL },
	{ &opt_refs, NULL },
};

static void report(struct pb_text *b, struct json_object *root)
{
	struct json_object *cells = md_obj(root, "cells");
	struct pb_table *t = NULL;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *m = md_obj(c, "metrics");

		if (strcmp(pb_json_str(c, "workload", "?"), "pin_count"))
			continue;
		if (!t) {
			pb_text_put(b, "## pin_count\n\nOne anon page, in a process of its own: `refs` "
				    "ordinary references (get) or pins (pin) taken and held, then what core "
				    "mm believes (**maybe pinned**: folio_maybe_dma_pinned(), refcount >= "
				    "1024 for a small folio, the exact pin count for a large one), and what "
				    "fork() then does with the page (**copied**: the child got a frame of its "
				    "own instead of sharing the page; fork copies only once the mm has ever "
				    "pinned, **prior pin**), and what reclaim does with it (**reclaim**: "
				    "MADV_PAGEOUT with swap on; a page that looks pinned stays mapped). **refcount** the folio's, before and with them held "
				    "(before: the mapping's reference and the module's own); **+refcount/ref** "
				    "its growth per reference or pin; **ns/ref** one GUP call.\n\n");
			t = pb_table_new();
			pb_table_col(t, "mode", false, PB_NEITHER, false);
			pb_table_col(t, "folio", false, PB_NEITHER, false);
			pb_table_col(t, "prior pin", false, PB_NEITHER, false);
			pb_table_col(t, "refs", true, PB_NEITHER, false);
			pb_table_col(t, "refcount", true, PB_NEITHER, false);
			pb_table_col_metric(t, "+refcount/ref", "pin_count", "refcount_per_ref");
			pb_table_col(t, "maybe pinned", false, PB_NEITHER, false);
			pb_table_col(t, "copied at fork", false, PB_NEITHER, false);
			pb_table_col(t, "reclaim", false, PB_NEITHER, false);
			pb_table_col_metric(t, "ns/ref", "pin_count", "ns_per_ref");
			pb_table_col(t, "verdict", false, PB_NEITHER, false);
			pb_table_col(t, "status", false, PB_NEITHER, false);
		}
		pb_table_row(t, md_row_ok(c));
		pb_table_text(t, "%s", pb_json_str(c, "params.mode", "?"));
		pb_table_text(t, "%s", pb_json_str(c, "params.folio", "?"));
		pb_table_text(t, "%s", pb_json_str(c, "params.prior_pin", "?"));
		pb_table_text(t, "%s", pb_json_str(c, "params.refs", "?"));
		pb_table_text(t, "%s -> %s", pb_json_str(c, "raw.refcount_before", "?"),
			      pb_json_str(c, "raw.refcount_after", "?"));
		md_tnum(t, md_obj(m, "refcount_per_ref"), md_num);
		pb_table_text(t, "%s", pb_json_str(m, "maybe_dma_pinned", "-"));
		pb_table_text(t, "%s", pb_json_str(m, "copied_at_fork", "-"));
		pb_table_text(t, "%s", pb_json_str(m, "reclaim", "-"));
		md_tnum(t, md_obj(m, "ns_per_ref"), md_num);
		pb_table_text(t, "%s", pb_json_str(m, "verdict", "-"));
		md_tstatus(t, c);
	}
	if (t) {
		pb_table_render(t, b);
		pb_text_put(b, "\n");
	}
}

const struct pb_workload pb_wl_pin_count = {
	.name = "pin_count",
	.summary = "the pin count's edge: 1024 ordinary references look like a pin on a small "
		   "folio, and fork() copies such a page",
	.order = 70,
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.compute = pin_count_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
	.report = report,
};
