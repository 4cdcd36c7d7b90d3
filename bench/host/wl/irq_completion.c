// SPDX-License-Identifier: GPL-2.0
/* irq_completion.c: the irq_completion workload on the host: its metrics and how raw guest data becomes them. */
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
 * irq_completion: is an offered completion rate sustained? Three ways not:
 *  - "backlog grows": I/Os whose deferred release has not run pile up.
 *    Seen when the submitter had to wait for them (the backlog reached
 *    max_backlog), or when the backlog's mean over the last quarter of
 *    the measured time exceeds its mean over the second quarter by more
 *    than PB_IRQ_GROWTH_MIN I/Os and by more than half (the first quarter
 *    is left out: the backlog is still filling then). A backlog that
 *    grows linearly from zero triples between those quarters' midpoints;
 *    a stable one moves by its noise.
 *  - "interrupts late": the device owed more completions than one
 *    interrupt may deliver (PINBENCH_IRQ_MAX_BATCH) for more than
 *    PB_IRQ_MISS_PCT% of the offered ones: its handler cannot keep pace.
 *  - "submitter behind": completions were due with nothing queued for more
 *    than PB_IRQ_MISS_PCT% of the offered ones: acquiring, not completing,
 *    is the limit at this rate.
 * Checked in this order; the first that holds is the cell's limit.
 */
#define PB_IRQ_GROWTH_MIN 16.0
#define PB_IRQ_MISS_PCT 5.0

static double quarter_mean(struct json_object *samples, size_t q)
{
	size_t n = json_object_array_length(samples), lo = n * q / 4, hi = n * (q + 1) / 4;
	double sum = 0;

	for (size_t i = lo; i < hi; i++)
		sum += (double)json_object_get_uint64(json_object_array_get_idx(samples, i));
	return hi > lo ? sum / (double)(hi - lo) : 0;
}

const char *pb_irq_limit(uint64_t offered, uint64_t missed_empty, uint64_t missed_late,
			 uint64_t stalls, double q2, double q4)
{
	if (stalls || (q4 - q2 > PB_IRQ_GROWTH_MIN && q4 > 1.5 * q2))
		return "backlog grows";
	if ((double)missed_late * 100.0 > PB_IRQ_MISS_PCT * (double)offered)
		return "interrupts late";
	if ((double)missed_empty * 100.0 > PB_IRQ_MISS_PCT * (double)offered)
		return "submitter behind";
	return NULL;
}

static int irq_completion_metrics(struct json_object *raw, struct json_object *m, char *reason,
				  size_t len)
{
	uint64_t done = pb_raw_u64(raw, "completions"), elapsed = pb_raw_u64(raw, "elapsed_ns");
	uint64_t offered = pb_raw_u64(raw, "offered"), irqs = pb_raw_u64(raw, "interrupts");
	uint64_t busy = pb_raw_u64(raw, "cpu_busy_ns");
	struct json_object *samples, *acq, *handler;
	const char *limit;
	double q2, q4;

	if (!done || !elapsed || !offered || !irqs ||
	    pb_add_hist_summary(m, "handler_ns_per_interrupt", raw, "handler_ns", 1.0) < 0 ||
	    pb_add_hist_summary(m, "release_ns_per_completion", raw, "release_ns", 1.0) < 0 ||
	    pb_add_hist_summary(m, "residency_ns", raw, "residency_ns", 1.0) < 0 ||
	    pb_add_hist_summary(m, "done_ns", raw, "done_ns", 1.0) < 0 ||
	    !json_object_object_get_ex(raw, "backlog_samples", &samples) ||
	    !json_object_is_type(samples, json_type_array) ||
	    json_object_array_length(samples) < 4 ||
	    !json_object_object_get_ex(raw, "acquire_ns", &acq) ||
	    !json_object_object_get_ex(raw, "handler_ns", &handler)) {
		snprintf(reason, len, "raw irq_completion data incomplete");
		return -1;
	}
	q2 = quarter_mean(samples, 1);
	q4 = quarter_mean(samples, 3);
	limit = pb_irq_limit(offered, pb_raw_u64(raw, "missed_empty"), pb_raw_u64(raw, "missed_late"),
			     pb_raw_u64(raw, "stalls"), q2, q4);
	json_object_object_add(m, "offered_rate_hz", json_object_new_uint64(pb_raw_u64(raw, "rate_hz")));
	json_object_object_add(m, "completion_rate_hz",
			       json_object_new_double((double)done * 1e9 / (double)elapsed));
	json_object_object_add(m, "delivered_pct",
			       json_object_new_double(100.0 * (double)done / (double)offered));
	json_object_object_add(m, "completions_per_interrupt",
			       json_object_new_double((double)done / (double)irqs));
	json_object_object_add(m, "missed_empty_pct", json_object_new_double(
		100.0 * (double)pb_raw_u64(raw, "missed_empty") / (double)offered));
	json_object_object_add(m, "missed_late_pct", json_object_new_double(
		100.0 * (double)pb_raw_u64(raw, "missed_late") / (double)offered));
	json_object_object_add(m, "deferred_pct",
			       json_object_new_double(100.0 * (double)pb_raw_u64(raw, "deferred") / (double)done));
	json_object_object_add(m, "deferred_work_ns_per_completion", json_object_new_double(
		(double)pb_raw_u64(raw, "deferred_work_ns") / (double)done));
	json_object_object_add(m, "max_backlog", json_object_new_uint64(pb_raw_u64(raw, "max_backlog_seen")));
	json_object_object_add(m, "backlog_end", json_object_new_uint64(pb_raw_u64(raw, "backlog_end")));
	json_object_object_add(m, "backlog_q2_mean", json_object_new_double(q2));
	json_object_object_add(m, "backlog_q4_mean", json_object_new_double(q4));
	json_object_object_add(m, "drain_ns", json_object_new_uint64(pb_raw_u64(raw, "drain_ns")));
	json_object_object_add(m, "stalls", json_object_new_uint64(pb_raw_u64(raw, "stalls")));
	json_object_object_add(m, "read_retries", json_object_new_uint64(pb_raw_u64(raw, "read_retries")));
	/*
	 * Over the acquires nothing else ran inside; and only while they are
	 * nearly all of them. Where the device ticks about as often as an
	 * acquire lasts, the ones left undisturbed are the short ones (a long
	 * acquire is likelier to be hit), and their mean would flatter the
	 * design: beyond 10% left out, the cell has no acquire figure, and
	 * acquires_disturbed_pct says why.
	 */
	if (pb_raw_u64(acq, "n") &&
	    pb_raw_u64(raw, "acquires_disturbed") * 10 <= pb_raw_u64(acq, "n") + pb_raw_u64(raw, "acquires_disturbed"))
		json_object_object_add(m, "acquire_ns_per_io", json_object_new_double(
			(double)pb_raw_u64(acq, "sum") / (double)pb_raw_u64(acq, "n")));
	if (pb_raw_u64(acq, "n") + pb_raw_u64(raw, "acquires_disturbed"))
		json_object_object_add(m, "acquires_disturbed_pct", json_object_new_double(
			100.0 * (double)pb_raw_u64(raw, "acquires_disturbed") /
			(double)(pb_raw_u64(acq, "n") + pb_raw_u64(raw, "acquires_disturbed"))));
	/* The completion side's own CPU: the handlers (release included) and the deferred work. */
	json_object_object_add(m, "completion_cpu_ns_per_completion", json_object_new_double(
		(double)(pb_raw_u64(handler, "sum") + pb_raw_u64(raw, "deferred_work_ns")) / (double)done));
	/* All CPUs' busy time over the whole call (warm-up and drain too). */
	if (busy)
		json_object_object_add(m, "cpu_busy_ns_per_completion",
				       json_object_new_double((double)busy / (double)done));
	json_object_object_add(m, "sustained", json_object_new_boolean(!limit));
	json_object_object_add(m, "limit", limit ? json_object_new_string(limit) : NULL);
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "offered_rate_hz", "1/s", PB_NEITHER, NULL,
	  "the cell's `rate_hz`" },
	{ "completion_rate_hz", "1/s", PB_HIGHER, "",
	  "completions in the measured time over its length" },
	{ "delivered_pct", "%", PB_HIGHER, NULL,
	  "completions over those the device offered (due) in it" },
	{ "completions_per_interrupt", "count", PB_NEITHER, NULL,
	  "completions per interrupt that completed any" },
	{ "handler_ns_per_interrupt", "ns", PB_LOWER, "p50",
	  "the whole interrupt handler, per interrupt" },
	{ "release_ns_per_completion", "ns", PB_LOWER, "p50",
	  "the release call in the handler's context (queueing, when deferred)" },
	{ "residency_ns", "ns", PB_LOWER, "p50",
	  "completion until the pages were given back" },
	{ "done_ns", "ns", PB_LOWER, NULL,
	  "completion until its deferred work (if any) had run too" },
	{ "deferred_pct", "%", PB_LOWER, NULL,
	  "releases sent to a workqueue" },
	{ "deferred_work_ns_per_completion", "ns", PB_LOWER, NULL,
	  "the workqueue's time on them, per completion" },
	{ "completion_cpu_ns_per_completion", "ns", PB_LOWER, NULL,
	  "handlers plus deferred work, per completion" },
	{ "cpu_busy_ns_per_completion", "ns", PB_LOWER, NULL,
	  "all CPUs' busy time over the whole call (warm-up and drain included; NO_HZ idle "
	  "accounting, as for small_dio)" },
	{ "acquire_ns_per_io", "ns", PB_LOWER, NULL,
	  "the submitter's acquire (and dirtying, for reads), mean over the acquires nothing else"
	  " ran inside: an acquire during which the submitter was preempted (by the release work "
	  "the device queued on its CPU, counted in `deferred_work_ns`) or the device ticked on "
	  "its CPU (`placement=shared`: the handler's time is in `handler_ns`) is left out, so "
	  "that time is counted once. Voluntary sleeps (a lock the design takes) stay in. Absent "
	  "when more than 10% were left out: the undisturbed ones would then be the short ones" },
	{ "acquires_disturbed_pct", "%", PB_NEITHER, NULL,
	  "the share of measured acquires left out that way (`raw.acquires_disturbed`)" },
	{ "max_backlog", "count", PB_LOWER, NULL,
	  "I/Os whose deferred work was pending at once, at most" },
	{ "backlog_q2_mean", "count", PB_LOWER, NULL,
	  "the backlog's mean over the second and the last quarter of the measured time (from "
	  "`raw.backlog_samples`)" },
	{ "backlog_q4_mean", "count", PB_LOWER, NULL,
	  "the backlog's mean over the last quarter" },
	{ "backlog_end", "count", PB_LOWER, NULL,
	  "backlog when the device stopped, and the time until it was gone" },
	{ "drain_ns", "ns", PB_LOWER, NULL,
	  "time until that backlog was gone" },
	{ "stalls", "count", PB_LOWER, NULL,
	  "times the submitter waited because the backlog was at `max_backlog`" },
	{ "read_retries", "count", PB_LOWER, NULL,
	  "acquires redone because an invalidation raced them" },
	{ "missed_empty_pct", "%", PB_LOWER, NULL,
	  "completions due with nothing queued; due beyond one interrupt's batch" },
	{ "missed_late_pct", "%", PB_LOWER, NULL,
	  "completions due beyond one interrupt's batch" },
	{ "sustained", "bool", PB_HIGHER, NULL,
	  "none of the limits below held" },
	{ "limit", "word", PB_NEITHER, "",
	  "`\"backlog grows\"`, `\"interrupts late\"` or `\"submitter behind\"`: the first that "
	  "held" },
};

/* The figure a reader of published results asks about first. */
static const struct pb_headline headlines[] = {
	{ "residency_ns", "p50", "pin residency after completion (p50)" },
	{ "handler_ns_per_interrupt", "p50", "interrupt handler time (p50)" },
};

static const char notes[] =
	"A rate is not sustained when the backlog grows (`stalls` > 0, or `backlog_q4_mean` "
	"exceeds `backlog_q2_mean` by more than 16 and by more than half), when over 5% of the "
	"offered completions were `missed_late`, or when over 5% were `missed_empty`; "
	"`pb_irq_limit()` in `bench/host/wl/irq_completion.c` is the one definition. `raw.contexts` "
	"counts where each completion's handler ran; the guest fails a cell if any ran outside "
	"the context asked for. `raw.submitter_cpu` and `raw.device_cpu` are where hwloc placed"
	" the two sides.";

/* irq_completion: the parameters a table is about (context and rate are its rows and columns). */
static void irq_group(struct json_object *params, char *out, size_t len)
{
	snprintf(out, len,
		 "rw=%s pages_per_io=%s queue_depth=%s coalesce=%s placement=%s "
		 "max_backlog=%s longterm=%s",
		 pb_json_str(params, "rw", "?"), pb_json_str(params, "pages_per_io", "?"),
		 pb_json_str(params, "queue_depth", "?"), pb_json_str(params, "coalesce", "?"),
		 pb_json_str(params, "placement", "?"), pb_json_str(params, "max_backlog", "?"),
		 pb_json_str(params, "longterm", "?"));
}

static bool is_irq(struct json_object *c)
{
	return !strcmp(pb_json_str(c, "workload", "?"), "irq_completion");
}

static size_t context_rank(struct json_object *c)
{
	static const char *const order[] = { "hardirq", "softirq", "process" };

	return md_rank(pb_json_str(c, "params.context", "?"), order, ARRAY_SIZE(order));
}

/* irq_completion rows: by context, then offered rate, then cell order. */
static bool irq_before(struct json_object *x, struct json_object *y)
{
	if (context_rank(x) != context_rank(y))
		return context_rank(x) < context_rank(y);
	return md_param_ull(x, "rate_hz") < md_param_ull(y, "rate_hz");
}

/*
 * The highest swept rate at which this strategy (label) in this context
 * was sustained, every lower swept rate included; and what stopped it at
 * the next one.
 */
static void irq_highest(struct json_object **in, size_t ni, const char *group, const char *label,
			const char *ctx, char *out, size_t len)
{
	unsigned long long best = 0, top = 0;
	const char *why = NULL;
	char key[256], l[64];

	/* in[] is sorted by rate within a context. */
	for (size_t i = 0; i < ni; i++) {
		struct json_object *c = in[i], *sus = md_obj(md_obj(c, "metrics"), "sustained");

		irq_group(md_obj(c, "params"), key, sizeof(key));
		pb_cell_label(c, l, sizeof(l));
		if (strcmp(key, group) || strcmp(l, label) ||
		    strcmp(pb_json_str(c, "params.context", "?"), ctx))
			continue;
		top = md_param_ull(c, "rate_hz");
		if (why)
			continue;
		if (strcmp(pb_json_str(c, "status", "?"), "ok"))
			why = pb_json_str(c, "status", "?");
		else if (!sus || !json_object_get_boolean(sus))
			why = pb_json_str(c, "metrics.limit", "?");
		else
			best = top;
		if (why)
			snprintf(out, len, "%s%llu (at %llu: %s)", best ? "" : "< ", best ? best : top,
				 top, why);
	}
	if (!top)
		snprintf(out, len, "-");
	else if (!why)
		snprintf(out, len, "≥ %llu (all swept rates)", best);
}

static void irq_section(struct pb_text *b, struct json_object *cells)
{
	size_t n = json_object_array_length(cells), ng = 0, ni = 0;
	struct json_object **in = pb_xcalloc(n + 1, sizeof(*in));
	char **groups = pb_xcalloc(n + 1, sizeof(char *)), key[256];
	static const char *const ctxs[] = { "hardirq", "softirq", "process" };

	for (size_t i = 0; i < n; i++)
		if (is_irq(json_object_array_get_idx(cells, i)))
			in[ni++] = json_object_array_get_idx(cells, i);
	if (!ni)
		goto out;
	md_sort_cells(in, ni, irq_before);
	pb_text_put(b, "## irq_completion\n\n"
		"A simulated device completes I/Os at an offered rate from a hard-irq hrtimer, a soft "
		"hrtimer (softirq) or a SCHED_FIFO kthread (process context, as a threaded handler), "
		"releasing each I/O's pages through the strategy there; what may not run in that "
		"context is deferred to a workqueue. **delivered** completions over those offered; "
		"**handler** the whole interrupt (us); **release** the release call per completion; "
		"**residency** completion until the pages were given back; **done** until the "
		"deferred work had run too; **backlog** I/Os whose deferred work was pending "
		"(most at once; mean over the second and the last quarter of the run); **CPU/compl** "
		"the handlers' and the deferred work's time per completion. A rate is "
		"**sustained** unless the backlog grows (the submitter had to wait for it, or its "
		"last-quarter mean exceeds the second quarter's by more than 16 and by half), the "
		"interrupts fall behind (over 5%% of completions beyond one interrupt's batch), or the "
		"submitter does (over 5%% due with nothing queued).\n\n");
	for (size_t i = 0; i < ni; i++) {
		irq_group(md_obj(in[i], "params"), key, sizeof(key));
		md_add_group(groups, &ng, key);
	}
	for (size_t g = 0; g < ng; g++) {
		char **labels = pb_xcalloc(ni + 1, sizeof(char *));
		struct pb_table *t;
		size_t nl = 0;

		pb_text_put(b, "### %s\n\nHighest offered rate sustained (completions/s):\n\n"
			"| strategy | hardirq | softirq | process |\n|---|---|---|---|\n", groups[g]);
		for (size_t i = 0; i < ni; i++) {
			char l[64];
			size_t k;

			irq_group(md_obj(in[i], "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(in[i], l, sizeof(l));
			for (k = 0; k < nl && strcmp(labels[k], l); k++)
				;
			if (k == nl)
				labels[nl++] = pb_xstrdup(l);
		}
		for (size_t k = 0; k < nl; k++) {
			pb_text_put(b, "| %s |", labels[k]);
			for (int c = 0; c < 3; c++) {
				char h[160];

				irq_highest(in, ni, groups[g], labels[k], ctxs[c], h, sizeof(h));
				pb_text_put(b, " %s |", h);
			}
			pb_text_put(b, "\n");
			free(labels[k]);
		}
		free(labels);
		pb_text_put(b, "\n");
		t = pb_table_new();
		pb_table_col(t, "context", false, PB_NEITHER, true);
		pb_table_col(t, "offered/s", true, PB_NEITHER, true);
		pb_table_col(t, "strategy", false, PB_NEITHER, false);
		pb_table_col_metric(t, "delivered", "irq_completion", "delivered_pct");
		pb_table_col_metric(t, "per irq", "irq_completion", "completions_per_interrupt");
		pb_table_col_metric(t, "handler p50 us", "irq_completion", "handler_ns_per_interrupt");
		pb_table_col_metric(t, "p99", "irq_completion", "handler_ns_per_interrupt");
		pb_table_col_metric(t, "release p50 ns", "irq_completion", "release_ns_per_completion");
		pb_table_col_metric(t, "residency p50 us", "irq_completion", "residency_ns");
		pb_table_col_metric(t, "p99", "irq_completion", "residency_ns");
		pb_table_col_metric(t, "done p99 us", "irq_completion", "done_ns");
		pb_table_col_metric(t, "deferred", "irq_completion", "deferred_pct");
		pb_table_col_metric(t, "backlog max", "irq_completion", "max_backlog");
		pb_table_col(t, "q2→q4", false, PB_NEITHER, false);
		pb_table_col_metric(t, "CPU/compl ns", "irq_completion", "completion_cpu_ns_per_completion");
		pb_table_col(t, "verdict", false, PB_NEITHER, false);
		pb_table_col(t, "status", false, PB_NEITHER, false);
		for (size_t i = 0; i < ni; i++) {
			struct json_object *c = in[i], *m = md_obj(c, "metrics"), *sus = md_obj(m, "sustained");
			char label[64];

			irq_group(md_obj(c, "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(c, label, sizeof(label));
			pb_table_row(t, md_row_ok(c));
			pb_table_text(t, "%s", pb_json_str(c, "params.context", "?"));
			pb_table_text(t, "%s", pb_json_str(c, "params.rate_hz", "?"));
			pb_table_text(t, "%s", label);
			if (!sus)	/* not measured: every figure "-" */
				m = NULL;
			md_tnum(t, md_obj(m, "delivered_pct"), md_pct1);
			md_tnum(t, md_obj(m, "completions_per_interrupt"), md_dec1);
			md_tnum(t, md_obj(md_obj(m, "handler_ns_per_interrupt"), "p50"), md_us);
			md_tnum(t, md_obj(md_obj(m, "handler_ns_per_interrupt"), "p99"), md_us);
			md_tnum(t, md_obj(md_obj(m, "release_ns_per_completion"), "p50"), md_num);
			md_tnum(t, md_obj(md_obj(m, "residency_ns"), "p50"), md_us);
			md_tnum(t, md_obj(md_obj(m, "residency_ns"), "p99"), md_us);
			md_tnum(t, md_obj(md_obj(m, "done_ns"), "p99"), md_us);
			md_tnum(t, md_obj(m, "deferred_pct"), md_pct0);
			md_tnum(t, md_obj(m, "max_backlog"), md_as_is);
			if (m)
				pb_table_text(t, "%.0f→%.0f", json_object_get_double(md_obj(m, "backlog_q2_mean")),
					      json_object_get_double(md_obj(m, "backlog_q4_mean")));
			else
				pb_table_text(t, "-");
			md_tnum(t, md_obj(m, "completion_cpu_ns_per_completion"), md_num);
			pb_table_text(t, "%s",
				      !sus			   ? "-" :
				      json_object_get_boolean(sus) ? "sustained" :
								     pb_json_str(m, "limit", "?"));
			md_tstatus(t, c);
		}
		pb_table_render(t, b);
		pb_text_put(b, "\n");
		free(groups[g]);
	}
out:
	free(groups);
	free(in);
}

static void report(struct pb_text *b, struct json_object *root)
{
	irq_section(b, md_obj(root, "cells"));
}

static const char *const context_values[] = { "hardirq", "softirq", "process", NULL };
static const char *const placement_values[] = { "split", "shared", NULL };

static const struct pb_option opt_context = {
	.name = "context", .type = PB_OPT_ENUM, .def = "hardirq", .allowed = context_values,
	.list = true, .in_id = true,
	.help = "where the simulated device completes: a hard-irq hrtimer, a soft hrtimer (softirq), "
		"or a SCHED_FIFO kthread (process context, as a threaded interrupt handler)",
};

static const struct pb_option opt_placement = {
	.name = "placement", .type = PB_OPT_ENUM, .def = "split", .allowed = placement_values,
	.list = true, .in_id = true,
	.help = "submitter and device on two CPUs hwloc spreads apart (split), or both on one "
		"(shared)",
};

static const struct pb_option opt_pages_per_io = {
	.name = "pages_per_io", .type = PB_OPT_UINT, .def = "1", .min = 1,
	.max = PINBENCH_IRQ_MAX_PAGES, .list = true, .in_id = true,
	.help = "pages each I/O acquires",
};

static const struct pb_option opt_coalesce = {
	.name = "coalesce", .type = PB_OPT_UINT, .def = "1", .min = 1,
	.max = PINBENCH_IRQ_MAX_BATCH, .list = true, .in_id = true,
	.help = "completions per interrupt at the offered pace (interrupt period: coalesce / rate_hz)",
};

static const struct pb_option opt_rate_hz = {
	.name = "rate_hz", .type = PB_OPT_UINT, .def = "10000", .min = 1,
	.max = PINBENCH_MAX_RATE_HZ, .list = true, .in_id = true,
	.help = "offered completion rate, completions per second (a list is the sweep that finds the "
		"highest rate each strategy sustains)",
};

static const struct pb_option opt_max_backlog = {
	.name = "max_backlog", .type = PB_OPT_UINT, .def = "4096", .min = 1,
	.max = PINBENCH_IRQ_MAX_BACKLOG, .in_id = true,
	.help = "I/Os whose deferred release may be pending before the submitter waits",
};

static const struct pb_option opt_duration_ms = {
	.name = "duration_ms", .type = PB_OPT_UINT, .def = "500", .min = 1, .max = 60000,
	.help = "measured time per cell",
};

static const struct pb_option opt_warmup_ms = {
	.name = "warmup_ms", .type = PB_OPT_UINT, .def = "100", .min = 0, .max = 60000,
	.help = "time before measuring",
};

/* The job options it takes, in the order its cells are expanded. */
static const struct pb_wl_option options[] = {
	{ &pb_opt_rw },
	{ &pb_opt_queue_depth, "128" },
	{ &pb_opt_longterm },
	{ &pb_opt_registration },
	{ &opt_context },
	{ &opt_placement },
	{ &opt_pages_per_io },
	{ &opt_coalesce },
	{ &pb_opt_strategy },
	{ &opt_rate_hz },
	{ &opt_max_backlog },
	{ &opt_duration_ms },
	{ &opt_warmup_ms },
};

const struct pb_workload pb_wl_irq_completion = {
	.name = "irq_completion",
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.summary = "completions at an offered rate from hardirq, softirq or process context, releasing the pages there",
	.order = 40,
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.notes = notes,
	.report = report,
	.compute = irq_completion_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
};
