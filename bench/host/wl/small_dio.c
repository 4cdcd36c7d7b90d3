// SPDX-License-Identifier: GPL-2.0
/* small_dio.c: the small_dio workload on the host: its metrics and how raw guest data becomes them. */
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
	/* Results from before 2026-12-07 have no count: every acquire was in the figure then. */
	if (json_object_object_get_ex(raw, "acquires_disturbed", &c))
		json_object_object_add(m, "acquires_disturbed_pct", json_object_new_double(
			100.0 * (double)json_object_get_uint64(c) /
			(double)(pb_raw_u64(acq, "n") + json_object_get_uint64(c))));
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
	  "the strategy's acquire, plus dirtying the pages for reads; acquires that an interrupt, "
	  "a preemption or a CPU move reached are left out (`acquires_disturbed_pct`)" },
	{ "acquires_disturbed_pct", "%", PB_NEITHER, NULL,
	  "measured acquires left out of `acquire_ns_per_io`: an interrupt on the submitter's CPU "
	  "during it (a completion with I/Os in flight, the tick), a preemption (the release work "
	  "a completion woke) or a move; their time is in `iops`, the handlers' in `latency_ns` "
	  "and `deferred_work_ns` (`raw.acquires_disturbed`)" },
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

/* small_dio and stock_dio share tables: the stock kernel's rows beside the strategies'. */
static void small_dio_group(struct json_object *params, char *out, size_t len)
{
	const char *comp = pb_json_str(params, "completion", "?");
	bool hardirq = !strcmp(comp, "hardirq");

	/* The stock kernel's rows are one thread each, with no longterm choice. */
	snprintf(out, len, "rw=%s completion=%s%s%s longterm=%s submitters=%s",
		 pb_json_str(params, "rw", "?"), comp, hardirq ? " completion_nsec=" : "",
		 hardirq ? pb_json_str(params, "completion_nsec", "?") : "",
		 pb_json_str(params, "longterm", "0"), pb_json_str(params, "submitters", "1"));
}

static bool is_dio(struct json_object *c)
{
	return !strcmp(pb_json_str(c, "workload", "?"), "small_dio") ||
	       !strcmp(pb_json_str(c, "workload", "?"), "stock_dio");
}

static bool is_stock(struct json_object *c)
{
	return !strcmp(pb_json_str(c, "workload", "?"), "stock_dio");
}

/*
 * The stock kernel's per-I/O page-reference cost: liburing with a page
 * reference per I/O minus liburing on registered buffers, same block size
 * and depth, in the submitting thread's CPU time per I/O.
 */
static void stock_ref_cost(struct pb_text *b, struct json_object **in, size_t ni, const char *group)
{
	bool any = false;
	char key[256];

	for (size_t i = 0; i < ni; i++) {
		struct json_object *c = in[i], *m0, *m1;

		small_dio_group(md_obj(c, "params"), key, sizeof(key));
		if (!is_stock(c) || strcmp(key, group) ||
		    strcmp(pb_json_str(c, "params.engine", "?"), "liburing") ||
		    strcmp(pb_json_str(c, "params.fixedbufs", "?"), "0"))
			continue;
		m0 = md_obj(md_obj(c, "metrics"), "task_clock_ns_per_io");
		for (size_t k = 0; k < ni; k++) {
			struct json_object *d = in[k];

			small_dio_group(md_obj(d, "params"), key, sizeof(key));
			if (!is_stock(d) || strcmp(key, group) ||
			    strcmp(pb_json_str(d, "params.engine", "?"), "liburing") ||
			    strcmp(pb_json_str(d, "params.fixedbufs", "?"), "1") ||
			    md_param_ull(c, "block_size") != md_param_ull(d, "block_size") ||
			    md_param_ull(c, "queue_depth") != md_param_ull(d, "queue_depth"))
				continue;
			m1 = md_obj(md_obj(d, "metrics"), "task_clock_ns_per_io");
			if (!m0 || !m1)
				continue;
			if (!any)
				pb_text_put(b, "Stock kernel, page references per I/O (liburing task clock per I/O, "
					"fixedbufs=0 minus fixedbufs=1):");
			any = true;
			pb_text_put(b, " %s B QD%s: %.0f ns;",
				    pb_json_str(c, "params.block_size", "?"),
				    pb_json_str(c, "params.queue_depth", "?"),
				    json_object_get_double(m0) - json_object_get_double(m1));
		}
	}
	if (any)
		pb_text_put(b, "\n\n");
}

/* small_dio rows: by block size, then queue depth, then cell order. */
static bool small_dio_before(struct json_object *x, struct json_object *y)
{
	if (md_param_ull(x, "block_size") != md_param_ull(y, "block_size"))
		return md_param_ull(x, "block_size") < md_param_ull(y, "block_size");
	return md_param_ull(x, "queue_depth") < md_param_ull(y, "queue_depth");
}

static void small_dio_section(struct pb_text *b, struct json_object *cells)
{
	size_t n = json_object_array_length(cells), ng = 0, ni = 0;
	struct json_object **in = pb_xcalloc(n + 1, sizeof(*in));
	char **groups = pb_xcalloc(n + 1, sizeof(char *)), key[256];

	for (size_t i = 0; i < n; i++)
		if (is_dio(json_object_array_get_idx(cells, i)))
			in[ni++] = json_object_array_get_idx(cells, i);
	md_sort_cells(in, ni, small_dio_before);
	if (!ni)
		goto out;
	pb_text_put(b, "## small_dio\n\n"
		"Direct I/O through real bios on a memory-backed null_blk, pages acquired per I/O by "
		"each strategy and released from the bio's end_io in the device's completion context. "
		"**IOPS** over the measured I/Os; **I/O p50..p99.9** each I/O as its issuer sees it "
		"(us): for a strategy, from the start of its acquire to the end of the release call in "
		"end_io; for a stock row, from submission to the completion seen (which pins in "
		"submission and releases in completion too): the same span; **bio p50** submit_bio() "
		"to end_io alone (us, strategies only); **acquire** "
		"per I/O (with dirtying, for reads, as bio_set_pages_dirty()); **release** the call in "
		"end_io's context; **residency** end_io until the pages were really given back; "
		"**deferred** releases sent to a workqueue; **CPU/IO** all CPUs' busy time per I/O "
		"(elapsed minus NO_HZ idle time, to the microsecond) and the share of it in acquire, "
		"release and deferred release work. "
		"Data is verified after every cell. Rows marked **stock** are the stock kernel's own "
		"O_DIRECT path on the same device (6.1: FOLL_GET references per I/O; io_uring fixed "
		"buffers pinned once with FOLL_LONGTERM), driven by our liburing driver or by fio "
		"(fio's own latency percentiles, submission to completion).\n\n");
	for (size_t i = 0; i < ni; i++) {
		small_dio_group(md_obj(in[i], "params"), key, sizeof(key));
		md_add_group(groups, &ng, key);
	}
	for (size_t g = 0; g < ng; g++) {
		static const struct { const char *head, *metric; } cols[] = {
			{ "IOPS", "iops" }, { "I/O p50", "span_ns" }, { "p99", "span_ns" },
			{ "p99.9", "span_ns" }, { "bio p50", "latency_ns" },
			{ "acquire ns", "acquire_ns_per_io" }, { "release ns", "release_ns_per_io" },
			{ "residency p50 ns", "residency_ns" }, { "deferred", "deferred_pct" },
			{ "CPU/IO ns", "cpu_busy_ns_per_io" }, { "acq+rel %", "acquire_release_cpu_pct" },
		};
		struct pb_table *t = pb_table_new();

		pb_text_put(b, "### %s\n\n", groups[g]);
		pb_table_col(t, "block", true, PB_NEITHER, true);
		pb_table_col(t, "QD", true, PB_NEITHER, true);
		pb_table_col(t, "strategy", false, PB_NEITHER, false);
		for (size_t k = 0; k < ARRAY_SIZE(cols); k++)
			pb_table_col_metric(t, cols[k].head, "small_dio", cols[k].metric);
		pb_table_col(t, "status", false, PB_NEITHER, false);
		for (size_t i = 0; i < ni; i++) {
			struct json_object *c = in[i], *m = md_obj(c, "metrics"), *lat = md_obj(m, "latency_ns");
			/* The same span on both kinds of row: see the text above. */
			struct json_object *io = is_stock(c) ? lat : md_obj(m, "span_ns");
			bool stock = is_stock(c);
			char label[64];

			small_dio_group(md_obj(c, "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(c, label, sizeof(label));
			pb_table_row(t, md_row_ok(c));
			pb_table_text(t, "%s", pb_json_str(c, "params.block_size", "?"));
			pb_table_text(t, "%s", pb_json_str(c, "params.queue_depth", "?"));
			pb_table_text(t, "%s", label);
			/* No latency: nothing ran. Stock rows: the kernel's own path, no strategy steps. */
			if (!lat)
				io = m = NULL;
			md_tnum(t, md_obj(m, "iops"), md_num);
			md_tnum(t, md_obj(io, "p50"), md_us);
			md_tnum(t, md_obj(io, "p99"), md_us);
			md_tnum(t, md_obj(io, "p99_9"), md_us);
			md_tnum(t, stock ? NULL : md_obj(lat, "p50"), md_us);
			md_tnum(t, stock ? NULL : md_obj(md_obj(m, "acquire_ns_per_io"), "mean"), md_num);
			md_tnum(t, stock ? NULL : md_obj(md_obj(m, "release_ns_per_io"), "mean"), md_num);
			md_tnum(t, stock ? NULL : md_obj(md_obj(m, "residency_ns"), "p50"), md_num);
			md_tnum(t, stock ? NULL : md_obj(m, "deferred_pct"), md_pct0);
			md_tnum(t, md_obj(m, "cpu_busy_ns_per_io"), md_num);
			md_tnum(t, stock ? NULL : md_obj(m, "acquire_release_cpu_pct"), md_num);
			md_tstatus(t, c);
		}
		pb_table_render(t, b);
		pb_text_put(b, "\n");
		stock_ref_cost(b, in, ni, groups[g]);
		free(groups[g]);
	}
out:
	free(groups);
	free(in);
}

/* small_dio: latency CDFs at 4 KiB, QD1, one submitter, and IOPS against block size at QD1. */
static int plot_small_dio(struct json_object *cells, const char *dir, char *err, size_t errlen)
{
	static const char *const rws[] = { "read", "write" };
	static const char *const comps[] = { "inline", "softirq", "hardirq" };

	for (size_t r = 0; r < 2; r++) {
		for (size_t k = 0; k < 3; k++) {
			struct pb_figure cdf = { .xlabel = "latency, ns (submit to completion)",
					      .ylabel = "fraction of I/Os at or below", .logx = true,
					      .xbase = 10, .lines = true };
			struct pb_figure io = { .xlabel = "block size, bytes", .ylabel = "IOPS",
					     .logx = true, .logy = true };

			snprintf(cdf.name, sizeof(cdf.name), "small_dio-latency-cdf-%s-%s", rws[r], comps[k]);
			snprintf(cdf.title, sizeof(cdf.title), "small_dio: latency CDF, 4 KiB %s, QD1, %s completion",
				 rws[r], comps[k]);
			snprintf(io.name, sizeof(io.name), "small_dio-iops-%s-%s", rws[r], comps[k]);
			snprintf(io.title, sizeof(io.title), "small_dio: IOPS by block size, %s, QD1, %s completion",
				 rws[r], comps[k]);
			for (size_t i = 0; i < json_object_array_length(cells); i++) {
				struct json_object *c = json_object_array_get_idx(cells, i), *p = pb_json_get(c, "params");
				/* Over every repetition where there were several. */
				struct json_object *h = pb_json_get(pb_json_get(c, "merged_histograms"), "latency_ns");
				char label[96];
				struct pb_hist hist;

				if (!h)
					h = pb_json_get(pb_json_get(c, "raw"), "latency_ns");

				if ((strcmp(pb_json_str(c, "workload", ""), "small_dio") &&
				     strcmp(pb_json_str(c, "workload", ""), "stock_dio")) ||
				    strcmp(pb_json_str(c, "status", ""), "ok") ||
				    strcmp(pb_json_str(p, "rw", ""), rws[r]) ||
				    strcmp(pb_json_str(p, "completion", ""), comps[k]) ||
				    pb_json_num(p, "queue_depth") != 1 ||
				    (pb_json_get(p, "submitters") &&
				     pb_json_num(p, "submitters") != 1) ||
				    (pb_json_get(p, "longterm") && pb_json_num(p, "longterm") != 0))
					continue;
				pb_cell_label(c, label, sizeof(label));
				fig_point(&io, label, pb_json_num(p, "block_size"),
					  pb_json_num(c, "metrics.iops"));
				if (pb_json_num(p, "block_size") != 4096 || !h ||
				    pb_hist_from_json(h, &hist) < 0)
					continue;
				if (hist.n) {
					uint64_t seen = 0;

					for (uint32_t b = 0; b < PINBENCH_HIST_BUCKETS; b++) {
						__u64 width;

						if (!hist.buckets[b])
							continue;
						seen += hist.buckets[b];
						fig_point(&cdf, label, (double)pinbench_hist_low(b, &width) + (double)width,
						      (double)seen / (double)hist.n);
					}
				}
				pb_hist_free(&hist);
			}
			int a = fig_draw(dir, &cdf, err, errlen), b = fig_draw(dir, &io, err, errlen);

			if (a < 0 || b < 0)
				return -1;
		}
	}
	return 0;
}

static void report(struct pb_text *b, struct json_object *root)
{
	small_dio_section(b, md_obj(root, "cells"));
}

static const struct pb_option opt_submitters = {
	.name = "submitters", .type = PB_OPT_UINT, .def = "1", .min = 1, .max = 64,
	.list = true, .in_id = true,
	.help = "submitting threads, each with its own slots and part of the device, on CPUs hwloc "
		"spreads apart (more than the guest has CPUs: unsupported)",
};

static const struct pb_option opt_debug_release_in_place = {
	.name = "debug_release_in_place", .type = PB_OPT_BOOL, .def = "0", .min = 0, .max = 1,
	.help = "testing only: release on the spot in end_io's context, deferring nothing (proves "
		"that a release in the wrong context fails the cell)",
};

static const struct pb_option opt_debug_invalidate_ms = {
	.name = "debug_invalidate_ms", .type = PB_OPT_UINT, .def = "0", .min = 0, .max = 10000,
	.help = "testing only: every this many ms while the I/Os run, invalidate the buffer without "
		"losing its data (mprotect() to rwx and back: MMU_NOTIFY_PROTECTION_VMA); 0: never. A"
		" revoking strategy must then wait for the bios on its pages (raw.revoke_waits)",
};

/* The job options it takes, in the order its cells are expanded. */
static const struct pb_wl_option options[] = {
	{ &pb_opt_rw },
	{ &pb_opt_block_size },
	{ &pb_opt_queue_depth },
	{ &opt_submitters },
	{ &pb_opt_completion },
	{ &pb_opt_completion_nsec },
	{ &pb_opt_longterm },
	{ &pb_opt_registration },
	{ &pb_opt_strategy },
	{ &opt_debug_release_in_place },
	{ &opt_debug_invalidate_ms },
	{ &pb_opt_ios },
	{ &pb_opt_warmup_ios },
};

/* The scorecard's questions this workload answers (publish.c), each from one setting. */
static const struct pb_score score[] = {
	{ "IOPS, 4 KiB reads, QD1", "iops", "",
	  "rw=read,block_size=4096,queue_depth=1,completion=hardirq,submitters=1", NULL },
	{ "IOPS, 4 KiB reads, QD1", "iops", "",
	  "rw=read,block_size=4096,queue_depth=1,completion=hardirq", "stock_dio" },
	{ "pages held after the I/O, ns", "residency_ns", "p50",
	  "rw=read,block_size=4096,queue_depth=1,completion=hardirq,submitters=1", NULL },
};

const struct pb_workload pb_wl_small_dio = {
	.name = "small_dio",
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.summary = "direct I/O through real bios on a null_blk, pages acquired per I/O and released in the completion context",
	.order = 20,
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.notes = notes,
	.report = report,
	.plot = plot_small_dio,
	.compute = small_dio_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
	.score = score,
	.nr_score = ARRAY_SIZE(score),
};
