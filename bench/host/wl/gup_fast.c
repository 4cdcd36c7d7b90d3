// SPDX-License-Identifier: GPL-2.0
/* gup_fast.c: the gup_fast workload on the host: its metrics and how raw guest data becomes them. */
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
	json_object_object_add(m, "rounds_redone", json_object_new_uint64(pb_raw_u64(raw, "rounds_redone")));
	json_object_object_add(m, "rounds_disturbed", json_object_new_uint64(pb_raw_u64(raw, "rounds_disturbed")));
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
	{ "rounds_redone", "count", PB_NEITHER, NULL,
	  "measured rounds run again because an interrupt (the tick, mostly), a context switch or a "
	  "move to another CPU reached them; their figures are dropped, so that a figure holds the "
	  "operation alone (at most one per measured round)" },
	{ "rounds_disturbed", "count", PB_LOWER, NULL,
	  "measured rounds kept although disturbed: once four attempts in a row were, the cell's "
	  "rounds are longer than the gaps between ticks (wall mode under TCG, slow strategies); "
	  "their figures hold interrupt time" },
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

/* The part of a gup_fast cell's identity that its table is about. */
static void gup_fast_group(struct json_object *params, char *out, size_t len)
{
	snprintf(out, len, "backing=%s thp=%s longterm=%s write=%s buffer_pages=%s",
		 pb_json_str(params, "backing", "?"), pb_json_str(params, "thp", "?"),
		 pb_json_str(params, "longterm", "?"), pb_json_str(params, "write", "?"),
		 pb_json_str(params, "buffer_pages", "?"));
}

static const char *const part_names[] = {
#define PB_X_PART(sym, id, name) [id] = name,
	PINBENCH_PARTS(PB_X_PART)
#undef PB_X_PART
};

static struct json_object *part_metric(struct json_object *c, const char *part)
{
	char metric[64];

	snprintf(metric, sizeof(metric), "part_%s_ns_per_call", part);
	return md_obj(md_obj(md_obj(c, "metrics"), metric), "mean");
}

static bool fewer_pages_per_call(struct json_object *x, struct json_object *y)
{
	return md_param_ull(x, "pages_per_call") < md_param_ull(y, "pages_per_call");
}

/* The strategies' own steps for one group, where they were timed (separate runs). */
static void breakdown_table(struct pb_text *b, struct json_object *const *rows, size_t n,
			    const char *group)
{
	bool has[PINBENCH_PART_NR] = { false }, any = false;
	char key[256];

	for (size_t k = 0; k < n; k++) {
		struct json_object *c = rows[k];

		if (strcmp(pb_json_str(c, "workload", "?"), "gup_fast"))
			continue;
		gup_fast_group(md_obj(c, "params"), key, sizeof(key));
		if (strcmp(key, group))
			continue;
		for (size_t p = 0; p < PINBENCH_PART_NR; p++)
			if (part_metric(c, part_names[p]))
				has[p] = any = true;
	}
	if (!any)
		return;
	pb_text_put(b, "Cost breakdown (mean ns per acquire or release call, timed in a separate run; "
		"each step includes about one clock read):\n\n| pages/call | strategy |");
	for (size_t p = 0; p < PINBENCH_PART_NR; p++)
		if (has[p])
			pb_text_put(b, " %s |", part_names[p]);
	pb_text_put(b, "\n|---:|---|");
	for (size_t p = 0; p < PINBENCH_PART_NR; p++)
		if (has[p])
			pb_text_put(b, "---:|");
	pb_text_put(b, "\n");
	for (size_t k = 0; k < n; k++) {
		struct json_object *c = rows[k];
		bool row = false;
		char label[64], f[32];

		if (strcmp(pb_json_str(c, "workload", "?"), "gup_fast"))
			continue;
		gup_fast_group(md_obj(c, "params"), key, sizeof(key));
		if (strcmp(key, group))
			continue;
		for (size_t p = 0; p < PINBENCH_PART_NR; p++)
			row |= part_metric(c, part_names[p]) != NULL;
		if (!row)
			continue;
		pb_cell_label(c, label, sizeof(label));
		pb_text_put(b, "| %s | %s |", pb_json_str(c, "params.pages_per_call", "?"), label);
		for (size_t p = 0; p < PINBENCH_PART_NR; p++) {
			if (!has[p])
				continue;
			md_num(f, sizeof(f), part_metric(c, part_names[p]));
			pb_text_put(b, " %s |", f);
		}
		pb_text_put(b, "\n");
	}
	pb_text_put(b, "\n");
}

static void gup_fast_section(struct pb_text *b, struct json_object *cells, double clock_ns)
{
	size_t n = json_object_array_length(cells);
	char **groups = pb_xcalloc(n + 1, sizeof(char *));
	struct pb_table *t;
	size_t ng = 0;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(pb_json_str(json_object_array_get_idx(cells, i), "workload", "?"),
			    "gup_fast"))
			ng++;
	if (!ng) {
		free(groups);
		return;
	}
	ng = 0;
	pb_text_put(b, "## gup_fast\n\n"
		"Cost per page of acquiring and releasing user pages in an in-kernel loop, as "
		"mm/gup_test.c measures it. **ns/page** is the mean over rounds timed as a whole "
		"(no clock read between calls); **p50/p99** are per call, each call timed on its own, "
		"so they include one clock read (%.0f ns) divided by the pages per call. "
		"calls/s counts acquire+release pairs. FOLL_PIN is the /proc/vmstat pin balance "
		"(acquired/released) across the cell.\n\n", clock_ns);

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		char key[256];

		if (strcmp(pb_json_str(c, "workload", "?"), "gup_fast"))
			continue;
		gup_fast_group(md_obj(c, "params"), key, sizeof(key));
		md_add_group(groups, &ng, key);
	}

	/* Rows by pages/call (stable: cell order within), so designs sit side by side. */
	struct json_object **rows = pb_xcalloc(n + 1, sizeof(*rows));

	for (size_t i = 0; i < n; i++)
		rows[i] = json_object_array_get_idx(cells, i);
	md_sort_cells(rows, n, fewer_pages_per_call);

	for (size_t g = 0; g < ng; g++) {
		pb_text_put(b, "### %s\n\n", groups[g]);
		t = pb_table_new();
		pb_table_col(t, "pages/call", true, PB_NEITHER, true);
		pb_table_col(t, "strategy", false, PB_NEITHER, false);
		pb_table_col_metric(t, "acquire ns/page", "gup_fast", "acquire_phase_ns_per_page");
		pb_table_col_metric(t, "p50", "gup_fast", "acquire_ns_per_page");
		pb_table_col_metric(t, "p99", "gup_fast", "acquire_ns_per_page");
		pb_table_col_metric(t, "release ns/page", "gup_fast", "release_phase_ns_per_page");
		pb_table_col_metric(t, "p50", "gup_fast", "release_ns_per_page");
		pb_table_col_metric(t, "p99", "gup_fast", "release_ns_per_page");
		pb_table_col_metric(t, "calls/s", "gup_fast", "calls_per_s");
		pb_table_col(t, "FOLL_PIN", true, PB_NEITHER, false);
		pb_table_col(t, "status", false, PB_NEITHER, false);
		for (size_t k = 0; k < n; k++) {
			struct json_object *c = rows[k];
			struct json_object *m = md_obj(c, "metrics"), *bal = md_obj(c, "pin_balance");
			char key[256], label[64];

			if (strcmp(pb_json_str(c, "workload", "?"), "gup_fast"))
				continue;
			gup_fast_group(md_obj(c, "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(c, label, sizeof(label));
			pb_table_row(t, md_row_ok(c));
			pb_table_text(t, "%s", pb_json_str(c, "params.pages_per_call", "?"));
			pb_table_text(t, "%s", label);
			md_tnum(t, md_obj(m, "acquire_phase_ns_per_page"), md_num);
			md_tnum(t, md_obj(md_obj(m, "acquire_ns_per_page"), "p50"), md_num);
			md_tnum(t, md_obj(md_obj(m, "acquire_ns_per_page"), "p99"), md_num);
			md_tnum(t, md_obj(m, "release_phase_ns_per_page"), md_num);
			md_tnum(t, md_obj(md_obj(m, "release_ns_per_page"), "p50"), md_num);
			md_tnum(t, md_obj(md_obj(m, "release_ns_per_page"), "p99"), md_num);
			md_tnum(t, md_obj(m, "calls_per_s"), md_num);
			pb_table_text(t, "%s/%s", pb_json_str(bal, "acquired", "?"),
				      pb_json_str(bal, "released", "?"));
			md_tstatus(t, c);
		}
		pb_table_render(t, b);
		pb_text_put(b, "\n");
		breakdown_table(b, rows, n, groups[g]);
		free(groups[g]);
	}
	free(rows);
	free(groups);
}

/* gup_fast: acquire and release cost per page against pages per call, per strategy. */
static int plot_gup_fast(struct json_object *cells, const char *dir, char *err, size_t errlen)
{
	struct pb_figure f = { .xlabel = "pages per call", .ylabel = "ns per page (phase mean)",
			    .logx = true, .logy = true };

	snprintf(f.name, sizeof(f.name), "gup_fast-cost-per-page");
	snprintf(f.title, sizeof(f.title), "gup_fast: cost per page (anon, THP off, write, short-term)");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *p = pb_json_get(c, "params");
		struct json_object *m = pb_json_get(c, "metrics");
		char label[96], l2[128];

		if (strcmp(pb_json_str(c, "workload", ""), "gup_fast") ||
		    strcmp(pb_json_str(c, "status", ""), "ok") ||
		    strcmp(pb_json_str(p, "backing", ""), "anon") ||
		    strcmp(pb_json_str(p, "thp", ""), "off") ||
		    strcmp(pb_json_str(p, "longterm", ""), "0") ||
		    strcmp(pb_json_str(p, "write", ""), "1"))
			continue;
		pb_cell_label(c, label, sizeof(label));
		snprintf(l2, sizeof(l2), "%s acquire", label);
		fig_point(&f, l2, pb_json_num(p, "pages_per_call"),
			  pb_json_num(m, "acquire_phase_ns_per_page"));
		snprintf(l2, sizeof(l2), "%s release", label);
		fig_point(&f, l2, pb_json_num(p, "pages_per_call"),
			  pb_json_num(m, "release_phase_ns_per_page"));
	}
	return fig_draw(dir, &f, err, errlen);
}

static void report(struct pb_text *b, struct json_object *root)
{
	gup_fast_section(b, md_obj(root, "cells"),
			 json_object_get_double(md_obj(md_obj(root, "guest"), "clock_read_ns")));
}

static const char *const backing_values[] = { "anon", "shmem", NULL };
static const char *const thp_values[] = { "off", "on", NULL };

static const struct pb_option opt_backing = {
	.name = "backing", .type = PB_OPT_ENUM, .def = "anon", .allowed = backing_values,
	.list = true, .in_id = true,
	.help = "memory behind the buffer: anon (private anonymous) or shmem (MAP_SHARED file on "
		"tmpfs)",
};

static const struct pb_option opt_thp = {
	.name = "thp", .type = PB_OPT_ENUM, .def = "off", .allowed = thp_values, .list = true,
	.in_id = true,
	.help = "transparent huge pages for the buffer (anon: madvise; shmem: tmpfs huge=always)",
};

static const struct pb_option opt_write = {
	.name = "write", .type = PB_OPT_BOOL, .def = "1", .min = 0, .max = 1, .list = true,
	.in_id = true,
	.help = "acquire for write (FOLL_WRITE), as a device that writes to memory does",
};

static const struct pb_option opt_buffer_pages = {
	.name = "buffer_pages", .type = PB_OPT_UINT, .def = "1024", .min = 1,
	.max = PINBENCH_MAX_BUFFER_PAGES, .list = true, .in_id = true,
	.help = "pages in the buffer; each round acquires all of it, then releases it",
};

static const struct pb_option opt_warmup_calls = {
	.name = "warmup_calls", .type = PB_OPT_UINT, .def = "256", .min = 0, .max = 10000000,
	.help = "untimed calls before measuring",
};

static const struct pb_option opt_min_rounds = {
	.name = "min_rounds", .type = PB_OPT_UINT, .def = "8", .min = 1,
	.max = PINBENCH_MAX_ROUNDS,
	.help = "at least this many sampled and phase rounds: a phase mean over few rounds moves with"
		" one interrupt",
};

static const char *const release_values[] = { "per_call", "whole", NULL };

static const struct pb_option opt_release = {
	.name = "release", .type = PB_OPT_ENUM, .def = "per_call", .allowed = release_values,
	.list = true, .in_id = true, .id_unless_default = true,
	.help = "how the phase rounds release (release_phase_ns_per_page): per_call, as each acquire "
		"is given back, or whole, the whole buffer with one call, as mm/gup_test.c times its "
		"put (strategies that hold nothing but the pages: gup_ref, pin_counter; others report "
		"unsupported). Sampled rounds release call by call either way",
};

/* The job options it takes, in the order its cells are expanded. */
static const struct pb_wl_option options[] = {
	{ &opt_backing },
	{ &opt_thp },
	{ &pb_opt_longterm },
	{ &pb_opt_registration },
	{ &opt_write },
	{ &opt_buffer_pages },
	{ &pb_opt_pages_per_call },
	{ &pb_opt_strategy },
	{ &pb_opt_calls },
	{ &opt_warmup_calls },
	{ &opt_min_rounds },
	{ &opt_release },
};

/* The scorecard's questions this workload answers (publish.c), each from one setting. */
static const struct pb_score score[] = {
	{ "pin ns/page, 1 per call", "acquire_ns_per_page", "p50",
	  "backing=anon,thp=off,pages_per_call=1,buffer_pages=1024", NULL },
	{ "unpin ns/page, 1 per call", "release_ns_per_page", "p50",
	  "backing=anon,thp=off,pages_per_call=1,buffer_pages=1024", NULL },
	{ "pin ns/page, 256 per call", "acquire_ns_per_page", "p50",
	  "backing=anon,thp=off,pages_per_call=256,buffer_pages=1024", NULL },
	{ "unpin ns/page, 256 per call", "release_ns_per_page", "p50",
	  "backing=anon,thp=off,pages_per_call=256,buffer_pages=1024", NULL },
};

const struct pb_workload pb_wl_gup_fast = {
	.name = "gup_fast",
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.summary = "the cost per page of acquiring and releasing user pages in an in-kernel loop, as mm/gup_test.c measures it",
	.order = 10,
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.report = report,
	.plot = plot_gup_fast,
	.compute = gup_fast_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
	.score = score,
	.nr_score = ARRAY_SIZE(score),
};
