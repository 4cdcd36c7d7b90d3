// SPDX-License-Identifier: GPL-2.0
/* metrics.c: the one table of metrics: unit, which direction is better, what compare judges. */
#include <string.h>
#include "metrics.h"
#include "util.h"

#define L PB_LOWER
#define H PB_HIGHER
#define N PB_NEITHER

/*
 * Every metric a cell can carry, once (as mmtests keeps one table): the
 * renderers mark the best value by 'better', pinbench compare judges the
 * 'judged' fields, and tests/check_results fails a run that carries a
 * metric missing here. Judged are the figures a change to a pinning
 * design moves and a repeatable run reproduces: medians rather than
 * tails (a tail is a handful of slow calls) and rather than the phase
 * means (in deterministic mode two boots give identical medians, while a
 * mean over a few phase rounds moved by 1.4% with one slow call, and
 * small_dio's mean acquire by 1.3% between two nightly runs). Counts
 * of outcomes vary by design; their meaning is carried by the verdicts,
 * which compare compares as words.
 */
const struct pb_metric_def pb_metric_defs[] = {
	{ "gup_fast", "acquire_ns_per_page", "ns", L, "p50", "acquire per call, each call timed alone, over pages per call" },
	{ "gup_fast", "release_ns_per_page", "ns", L, "p50", "the same for release" },
	{ "gup_fast", "acquire_phase_ns_per_page", "ns", L, NULL, "rounds timed as a whole (as mm/gup_test.c), per page" },
	{ "gup_fast", "release_phase_ns_per_page", "ns", L, NULL, "the same for release" },
	{ "gup_fast", "calls_per_s", "1/s", H, NULL, "acquire+release pairs per second of operation time" },
	{ "gup_fast", "thp_coverage_pct", "%", N, NULL, "pages of the buffer in a PMD-sized folio" },
	{ "gup_fast", "revokes", "count", L, NULL, "acquires whose pins an invalidation dropped" },
	{ "gup_fast", "read_retries", "count", L, NULL, "acquires redone because an invalidation raced them" },
	{ "gup_fast", "part_*", "ns", L, NULL, "one step of the strategy's work per call (breakdown run)" },
	{ "gup_fast", "walk_ns", "ns", L, NULL, "(fake_vma models) an rmap walk over the round's tracking objects" },
	{ "gup_fast", "walk_miss_ns", "ns", L, NULL, "the same over a range none overlaps: lock and descent" },
	{ "gup_fast", "walk_ns_per_vma", "ns", L, NULL, "the walker's tax per tracked object" },
	{ "gup_fast", "walk_vmas", "count", N, NULL, "(fake_vma models) tracking objects one walk met" },

	{ "small_dio", "iops", "1/s", H, "", "measured I/Os over first submission to last completion" },
	{ "small_dio", "latency_ns", "ns", L, "p50,p99", "submit_bio() to end_io, per I/O (the bio alone)" },
	{ "small_dio", "span_ns", "ns", L, NULL, "acquire start to the end of end_io's release call: the stock rows' submit-to-completion span" },
	{ "small_dio", "acquire_ns_per_io", "ns", L, "p50", "the strategy's acquire, with dirtying for reads" },
	{ "small_dio", "release_ns_per_io", "ns", L, "p50", "the release call in end_io's context" },
	{ "small_dio", "residency_ns", "ns", L, "p50", "end_io until the pages were given back" },
	{ "small_dio", "deferred_pct", "%", L, NULL, "releases sent to a workqueue" },
	{ "small_dio", "revoke_waits", "count", L, NULL, "invalidations that met an I/O's pages and waited for its release" },
	{ "small_dio", "revoke_wait_max_us", "us", L, NULL, "the longest such wait" },
	{ "small_dio", "max_deferred_depth", "count", L, NULL, "releases pending at once, at most" },
	{ "small_dio", "stalls", "count", L, NULL, "submissions that waited for deferred releases" },
	{ "small_dio", "redirtied", "count", N, NULL, "reads whose pages were dirtied again after completion" },
	{ "small_dio", "read_retries", "count", L, NULL, "acquires redone because an invalidation raced them" },
	{ "small_dio", "cpu_busy_ns_per_io", "ns", L, NULL, "all CPUs' busy time per I/O (NO_HZ idle accounting)" },
	{ "small_dio", "acquire_release_cpu_pct", "%", L, NULL, "acquire, release and deferred work as a share of that" },
	{ "small_dio", "task_clock_ns_per_io", "ns", L, NULL, "the submitting threads' task clock per I/O" },
	{ "small_dio", "context_switches_per_io", "count", L, NULL, "their context switches per I/O" },
	{ "small_dio", "cycles_per_io", "count", L, NULL, "their cycles per I/O (where a PMU exists)" },
	{ "small_dio", "instructions_per_io", "count", L, NULL, "their instructions per I/O (where a PMU exists)" },

	{ "stock_dio", "iops", "1/s", H, "", "the stock kernel's O_DIRECT I/Os per second" },
	{ "stock_dio", "latency_ns", "ns", L, "p50,p99", "submission to completion seen, per I/O" },
	{ "stock_dio", "cpu_busy_ns_per_io", "ns", L, NULL, "CPU time per I/O" },
	{ "stock_dio", "task_clock_ns_per_io", "ns", L, NULL, "the submitting thread's task clock per I/O" },
	{ "stock_dio", "foll_pins_per_io", "count", N, NULL, "FOLL_PIN pins the kernel took per I/O (/proc/vmstat; liburing rows)" },
	{ "stock_dio", "context_switches_per_io", "count", L, NULL, "its context switches per I/O" },
	{ "stock_dio", "cycles_per_io", "count", L, NULL, "its cycles per I/O (where a PMU exists)" },
	{ "stock_dio", "instructions_per_io", "count", L, NULL, "its instructions per I/O (where a PMU exists)" },
	{ "stock_dio", "fio_sys_cpu_pct", "%", L, NULL, "fio's system CPU share" },
	{ "stock_dio", "fio_usr_cpu_pct", "%", L, NULL, "fio's user CPU share" },

	{ "irq_completion", "offered_rate_hz", "1/s", N, NULL, "the cell's rate_hz" },
	{ "irq_completion", "completion_rate_hz", "1/s", H, "", "completions per second of measured time" },
	{ "irq_completion", "delivered_pct", "%", H, NULL, "completions over those offered" },
	{ "irq_completion", "completions_per_interrupt", "count", N, NULL, "per interrupt that completed any" },
	{ "irq_completion", "handler_ns_per_interrupt", "ns", L, "p50", "the whole interrupt handler" },
	{ "irq_completion", "release_ns_per_completion", "ns", L, "p50", "the release call in the handler's context" },
	{ "irq_completion", "residency_ns", "ns", L, "p50", "completion until the pages were given back" },
	{ "irq_completion", "done_ns", "ns", L, NULL, "completion until its deferred work had run too" },
	{ "irq_completion", "deferred_pct", "%", L, NULL, "releases sent to a workqueue" },
	{ "irq_completion", "deferred_work_ns_per_completion", "ns", L, NULL, "the workqueue's time, per completion" },
	/* A mean over a few thousand completions: 0.8% apart in two deterministic boots. */
	{ "irq_completion", "completion_cpu_ns_per_completion", "ns", L, NULL, "handlers plus deferred work, per completion" },
	{ "irq_completion", "cpu_busy_ns_per_completion", "ns", L, NULL, "all CPUs' busy time over the call" },
	{ "irq_completion", "acquire_ns_per_io", "ns", L, NULL, "the submitter's acquire, mean, over the acquires nothing else ran inside" },
	{ "irq_completion", "acquires_disturbed_pct", "%", N, NULL, "measured acquires left out: preempted, or the device ticked on their CPU" },
	{ "irq_completion", "max_backlog", "count", L, NULL, "deferred work pending at once, at most" },
	{ "irq_completion", "backlog_q2_mean", "count", L, NULL, "the backlog's mean over the second quarter" },
	{ "irq_completion", "backlog_q4_mean", "count", L, NULL, "the backlog's mean over the last quarter" },
	{ "irq_completion", "backlog_end", "count", L, NULL, "the backlog when the device stopped" },
	{ "irq_completion", "drain_ns", "ns", L, NULL, "time until that backlog was gone" },
	{ "irq_completion", "stalls", "count", L, NULL, "times the submitter waited on max_backlog" },
	{ "irq_completion", "read_retries", "count", L, NULL, "acquires redone because an invalidation raced them" },
	{ "irq_completion", "missed_empty_pct", "%", L, NULL, "completions due with nothing queued" },
	{ "irq_completion", "missed_late_pct", "%", L, NULL, "completions due beyond one interrupt's batch" },
	{ "irq_completion", "sustained", "bool", H, NULL, "the rate was sustained (in every repetition)" },
	{ "irq_completion", "limit", "word", N, "", "what stopped the rate, or null" },

	{ "truncate_under_dma", "truncate_ns", "ns", L, "p50", "the ftruncate() call, per iteration" },
	{ "truncate_under_dma", "revoke_span_ns", "ns", L, "p50", "first revoking callback to the last pin dropped" },
	{ "truncate_under_dma", "iterations", "count", N, NULL, "cycles run" },
	{ "truncate_under_dma", "refused", "count", N, NULL, "iterations whose pin the kernel refused" },
	{ "truncate_under_dma", "blocked", "count", L, NULL, "truncates still running after block_ms" },
	{ "truncate_under_dma", "hung", "count", L, NULL, "truncates that slept on after every I/O was over" },
	{ "truncate_under_dma", "delivered_pct", "%", N, NULL, "device writes in the file's final content" },
	{ "truncate_under_dma", "discarded_pct", "%", N, NULL, "device writes into a page the truncate then cut off" },
	{ "truncate_under_dma", "lost", "count", L, NULL, "device writes into a page the file no longer had" },
	{ "truncate_under_dma", "lost_pct", "%", L, NULL, "of all device writes" },
	{ "truncate_under_dma", "unwritten_pct", "%", L, NULL, "device writes into a kept page, not in its storage" },
	{ "truncate_under_dma", "redirected", "count", N, NULL, "device writes sent to the dummy page" },
	{ "truncate_under_dma", "redirected_pct", "%", N, NULL, "of all device writes" },
	{ "truncate_under_dma", "in_place", "count", N, NULL, "device writes into a page still the file's when written" },
	{ "truncate_under_dma", "revoke_causes", "word", N, NULL, "revocations by notifier event" },
	{ "truncate_under_dma", "pages_reacquired", "count", N, NULL, "(after_revoke=reacquire) pages pinned again" },
	{ "truncate_under_dma", "reacquire_ns_per_page", "ns", L, NULL, "the re-pinning worker's time per page" },
	{ "truncate_under_dma", "revocations", "count", N, NULL, "revoking notifier callbacks" },
	{ "truncate_under_dma", "spurious", "count", N, NULL, "of those, not caused by the truncate" },
	{ "truncate_under_dma", "stale_bytes", "count", L, NULL, "bytes past the cut after extending again" },
	{ "truncate_under_dma", "io_refused", "count", N, NULL, "I/Os that failed (EFAULT)" },
	{ "truncate_under_dma", "verdict", "word", N, "", "the outcome (pb_truncate_verdict())" },
	{ "truncate_under_dma", "delivered", "count", N, NULL, "device writes in the file's final content" },
	{ "truncate_under_dma", "discarded", "count", N, NULL, "device writes into a page that was then cut off" },
	{ "truncate_under_dma", "unwritten", "count", L, NULL, "device writes into a kept page, never in its storage" },
	{ "truncate_under_dma", "ignored", "count", N, NULL, "invalidations over held pages a revoke_events=truncate_unmap policy let pass" },
	{ "truncate_under_dma", "ignored_causes", "word", N, NULL, "those, by notifier event" },
	{ "truncate_under_dma", "revoke_events", "word", N, NULL, "the cell's revoke policy: which events revoke" },
	{ "truncate_under_dma", "after_revoke", "word", N, NULL, "the cell's revoke policy: drop or reacquire" },
	{ "truncate_under_dma", "stalls", "count", N, NULL, "(reacquire) device accesses put off while a revoked page was pinned again" },
	{ "truncate_under_dma", "reacquires", "count", N, NULL, "(reacquire) the worker's pin calls that pointed entries back" },
	{ "truncate_under_dma", "reacquire_failed", "count", N, NULL, "(reacquire) pages that could not be pinned again" },
	{ "truncate_under_dma", "reacquire_retries", "count", N, NULL, "(reacquire) pin calls undone because an invalidation raced them" },
	{ "truncate_under_dma", "reacquire_wait_max_us", "us", L, NULL, "(reacquire) longest from a revocation to its service" },

	{ "truncate_stock", "truncate_ns", "ns", L, "p50", "the ftruncate() call, per iteration" },
	{ "truncate_stock", "iterations", "count", N, NULL, "cycles run" },
	{ "truncate_stock", "refused", "count", N, NULL, "iterations whose registration the kernel refused" },
	{ "truncate_stock", "blocked", "count", L, NULL, "truncates still running after block_ms" },
	{ "truncate_stock", "hung", "count", L, NULL, "truncates that slept on after every read was over" },
	{ "truncate_stock", "lost", "count", L, NULL, "reads whose data went to a page the file no longer had" },
	{ "truncate_stock", "lost_pct", "%", L, NULL, "of all reads" },
	{ "truncate_stock", "redirected", "count", N, NULL, "(none in the stock kernel)" },
	{ "truncate_stock", "in_place", "count", N, NULL, "reads into a page still in the file" },
	{ "truncate_stock", "revocations", "count", N, NULL, "(none in the stock kernel)" },
	{ "truncate_stock", "spurious", "count", N, NULL, "(none in the stock kernel)" },
	{ "truncate_stock", "stale_bytes", "count", L, NULL, "bytes past the cut after extending again" },
	{ "truncate_stock", "io_refused", "count", N, NULL, "reads that failed with EFAULT" },
	{ "truncate_stock", "verdict", "word", N, "", "the outcome (pb_truncate_verdict())" },
	{ "truncate_stock", "trace_waits", "count", N, NULL, "(trace=1) truncate waits on a page with a read in flight" },
	{ "truncate_stock", "trace_woken", "count", N, NULL, "(trace=1) of those, ended by wake_up_var() on that page" },
	{ "truncate_stock", "trace_bio_releases", "count", N, NULL, "(trace=1) __bio_release_pages() calls" },
	{ "truncate_stock", "trace_devmap_puts", "count", N, NULL, "(trace=1) devmap-aware page puts (the ones that wake)" },

	{ "writeback_under_dma", "fsync_ns", "ns", L, "p50", "each fsync() while the device wrote" },
	{ "writeback_under_dma", "fsyncs", "count", N, NULL, "how many" },
	{ "writeback_under_dma", "stale_on_disk", "count", L, NULL, "pages whose disk copy was stale after the final fsync()" },
	{ "writeback_under_dma", "stale_on_disk_pct", "%", L, NULL, "of the pages" },
	{ "writeback_under_dma", "lost_on_disk", "count", L, NULL, "the same after the release and another fsync()" },
	{ "writeback_under_dma", "lost_on_disk_pct", "%", L, NULL, "of the pages" },
	{ "writeback_under_dma", "delivered_pct", "%", H, NULL, "device writes on disk at the end" },
	{ "writeback_under_dma", "unwritten_pct", "%", L, NULL, "device writes into a kept page, never on disk" },
	{ "writeback_under_dma", "unwritten_before_release_pct", "%", L, NULL, "the same before the release" },
	{ "writeback_under_dma", "redirected", "count", N, NULL, "device writes sent to the dummy page" },
	{ "writeback_under_dma", "redirected_pct", "%", N, NULL, "of all device writes" },
	{ "writeback_under_dma", "revoke_causes", "word", N, NULL, "revocations by notifier event" },
	{ "writeback_under_dma", "pages_reacquired", "count", N, NULL, "(after_revoke=reacquire) pages pinned again" },
	{ "writeback_under_dma", "reacquire_ns_per_page", "ns", L, NULL, "the re-pinning worker's time per page" },
	{ "writeback_under_dma", "revocations", "count", N, NULL, "revoking callbacks (writeback's page_mkclean())" },
	{ "writeback_under_dma", "spurious", "count", N, NULL, "of those, spurious" },
	{ "writeback_under_dma", "verdict", "word", N, "", "the outcome (pb_writeback_verdict())" },
	{ "writeback_under_dma", "delivered", "count", N, NULL, "device writes in the file's final content" },
	{ "writeback_under_dma", "discarded", "count", N, NULL, "device writes into a page that was then cut off" },
	{ "writeback_under_dma", "discarded_pct", "%", N, NULL, "of all device writes" },
	{ "writeback_under_dma", "lost", "count", L, NULL, "device writes into a page the file no longer had" },
	{ "writeback_under_dma", "lost_pct", "%", L, NULL, "of all device writes" },
	{ "writeback_under_dma", "unwritten", "count", L, NULL, "device writes into a kept page, never in its storage" },
	{ "writeback_under_dma", "ignored", "count", N, NULL, "invalidations over held pages a revoke_events=truncate_unmap policy let pass" },
	{ "writeback_under_dma", "ignored_causes", "word", N, NULL, "those, by notifier event" },
	{ "writeback_under_dma", "revoke_events", "word", N, NULL, "the cell's revoke policy: which events revoke" },
	{ "writeback_under_dma", "after_revoke", "word", N, NULL, "the cell's revoke policy: drop or reacquire" },
	{ "writeback_under_dma", "stalls", "count", N, NULL, "(reacquire) device accesses put off while a revoked page was pinned again" },
	{ "writeback_under_dma", "reacquires", "count", N, NULL, "(reacquire) the worker's pin calls that pointed entries back" },
	{ "writeback_under_dma", "reacquire_failed", "count", N, NULL, "(reacquire) pages that could not be pinned again" },
	{ "writeback_under_dma", "reacquire_retries", "count", N, NULL, "(reacquire) pin calls undone because an invalidation raced them" },
	{ "writeback_under_dma", "reacquire_wait_max_us", "us", L, NULL, "(reacquire) longest from a revocation to its service" },
	{ "writeback_under_dma", "unwritten_before_release", "count", L, NULL, "device writes not on disk before the release" },
};
#undef L
#undef H
#undef N

const unsigned int pb_nr_metric_defs = ARRAY_SIZE(pb_metric_defs);

const struct pb_metric_def *pb_metric_find(const char *workload, const char *name)
{
	for (unsigned int i = 0; i < pb_nr_metric_defs; i++) {
		const struct pb_metric_def *d = &pb_metric_defs[i];
		size_t len = strlen(d->name);

		if (strcmp(d->workload, workload))
			continue;
		if (d->name[len - 1] == '*' ? !strncmp(d->name, name, len - 1) : !strcmp(d->name, name))
			return d;
	}
	return NULL;
}

bool pb_metric_judged(const struct pb_metric_def *d, const char *field)
{
	const char *p = d->judged;
	size_t len = strlen(field);

	if (!p)
		return false;
	if (!*field)
		return !*p;
	while (*p) {
		if (!strncmp(p, field, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}
