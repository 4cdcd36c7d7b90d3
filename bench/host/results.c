// SPDX-License-Identifier: GPL-2.0
/* results.c: the one results structure: cells from raw guest data, metrics with units in their names. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"

static uint64_t get_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

static int add_hist_summary(struct json_object *metrics, const char *name,
			    struct json_object *raw, const char *key, double scale)
{
	struct json_object *h;
	struct pb_summary s;
	struct pb_hist hist = { 0 };

	if (!json_object_object_get_ex(raw, key, &h) || pb_hist_from_json(h, &hist) < 0) {
		pb_hist_free(&hist);
		return -1;
	}
	pb_hist_summary(&hist, scale, &s);
	json_object_object_add(metrics, name, pb_summary_to_json(&s));
	pb_hist_free(&hist);
	return 0;
}

/*
 * gup_fast: per-page figures are per-call figures divided by the pages
 * per call. The *_phase_* figures come from rounds timed as a whole, with
 * no clock read between calls, as mm/gup_test.c measures: the comparison
 * of the two shows what per-call timing adds.
 */
static int gup_fast_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t ppc = get_u64(raw, "pages_per_call"), nr = get_u64(raw, "nr_pages");
	uint64_t cpr = get_u64(raw, "calls_per_round");
	struct json_object *ap, *rp, *parts;
	uint64_t an, asum, rn, rsum;

	if (!ppc || !nr || !cpr ||
	    add_hist_summary(m, "acquire_ns_per_page", raw, "acquire_call_ns", (double)ppc) < 0 ||
	    add_hist_summary(m, "release_ns_per_page", raw, "release_call_ns", (double)ppc) < 0 ||
	    !json_object_object_get_ex(raw, "acquire_phase_ns", &ap) ||
	    !json_object_object_get_ex(raw, "release_phase_ns", &rp)) {
		snprintf(reason, len, "raw gup_fast data incomplete");
		return -1;
	}
	an = get_u64(ap, "n");
	asum = get_u64(ap, "sum");
	rn = get_u64(rp, "n");
	rsum = get_u64(rp, "sum");
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
	json_object_object_add(m, "revokes", json_object_new_uint64(get_u64(raw, "revokes")));
	json_object_object_add(m, "read_retries", json_object_new_uint64(get_u64(raw, "read_retries")));
	/* The strategy's own steps (a separate run), per acquire or release call. */
	if (json_object_object_get_ex(raw, "part_call_ns", &parts)) {
		json_object_object_foreach(parts, name, h) {
			char metric[64];

			(void)h;
			snprintf(metric, sizeof(metric), "part_%s_ns_per_call", name);
			if (add_hist_summary(m, metric, parts, name, 1.0) < 0) {
				snprintf(reason, len, "raw breakdown data for %s incomplete", name);
				return -1;
			}
		}
	}
	json_object_object_add(m, "thp_coverage_pct",
			       json_object_new_double(100.0 * (double)get_u64(raw, "huge_pages_seen") / (double)nr));
	/*
	 * The rmap walker's tax (fake_vma models): one walk over the tracked
	 * objects under the rmap lock, and one over a range none overlaps
	 * (the lock and the descent); the difference per object.
	 */
	if (json_object_object_get_ex(raw, "walk_ns", &ap) &&
	    json_object_object_get_ex(raw, "walk_miss_ns", &rp) && get_u64(ap, "n") &&
	    get_u64(rp, "n")) {
		double w = (double)get_u64(ap, "sum") / (double)get_u64(ap, "n");
		double miss = (double)get_u64(rp, "sum") / (double)get_u64(rp, "n");
		uint64_t vmas = get_u64(raw, "walk_vmas");

		json_object_object_add(m, "walk_ns", json_object_new_double(w));
		json_object_object_add(m, "walk_miss_ns", json_object_new_double(miss));
		json_object_object_add(m, "walk_vmas", json_object_new_uint64(vmas));
		if (vmas)
			json_object_object_add(m, "walk_ns_per_vma",
					       json_object_new_double((w - miss) / (double)vmas));
	}
	return 0;
}

/*
 * small_dio: IOPS over the measured I/Os; latency from submit_bio() to
 * end_io; acquire (with dirtying, for reads) and release (the call in
 * end_io's context) per I/O; residency from end_io until the pages were
 * really given back. CPU: the submitting thread's task clock (libperf),
 * and all CPUs' busy time (NO_HZ idle accounting, to the microsecond), per I/O.
 */
static int small_dio_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t ios = get_u64(raw, "ios_done"), elapsed = get_u64(raw, "elapsed_ns");
	uint64_t busy = get_u64(raw, "cpu_busy_ns");
	struct json_object *cnt, *acq, *rel, *c;

	if (!ios || !elapsed ||
	    add_hist_summary(m, "latency_ns", raw, "latency_ns", 1.0) < 0 ||
	    add_hist_summary(m, "acquire_ns_per_io", raw, "acquire_ns", 1.0) < 0 ||
	    add_hist_summary(m, "release_ns_per_io", raw, "release_ns", 1.0) < 0 ||
	    add_hist_summary(m, "residency_ns", raw, "residency_ns", 1.0) < 0 ||
	    /* Results from before 2026-11-30 have no span. */
	    (json_object_object_get_ex(raw, "span_ns", &c) &&
	     add_hist_summary(m, "span_ns", raw, "span_ns", 1.0) < 0) ||
	    !json_object_object_get_ex(raw, "acquire_ns", &acq) ||
	    !json_object_object_get_ex(raw, "release_ns", &rel)) {
		snprintf(reason, len, "raw small_dio data incomplete");
		return -1;
	}
	json_object_object_add(m, "iops", json_object_new_double((double)ios * 1e9 / (double)elapsed));
	json_object_object_add(m, "deferred_pct",
			       json_object_new_double(100.0 * (double)get_u64(raw, "deferred") / (double)ios));
	json_object_object_add(m, "max_deferred_depth",
			       json_object_new_uint64(get_u64(raw, "max_deferred_depth")));
	json_object_object_add(m, "stalls", json_object_new_uint64(get_u64(raw, "stalls")));
	json_object_object_add(m, "redirtied", json_object_new_uint64(get_u64(raw, "redirtied")));
	json_object_object_add(m, "read_retries", json_object_new_uint64(get_u64(raw, "read_retries")));
	json_object_object_add(m, "revoke_waits", json_object_new_uint64(get_u64(raw, "revoke_waits")));
	if (get_u64(raw, "revoke_waits"))
		json_object_object_add(m, "revoke_wait_max_us", json_object_new_double(
			(double)get_u64(raw, "revoke_wait_max_ns") / 1000.0));
	if (busy) {
		uint64_t spent = get_u64(acq, "sum") + get_u64(rel, "sum") + get_u64(raw, "deferred_work_ns");

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

/*
 * stock_dio: the stock kernel's O_DIRECT path. Our liburing driver keeps a
 * latency histogram (submit to CQE seen); fio reports its own IOPS,
 * latency percentiles (lat_ns, --lat_percentiles=1) and CPU share, kept as
 * fio measured them.
 */
static int stock_dio_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t busy = get_u64(raw, "cpu_busy_ns");
	struct json_object *fio, *v, *cnt;

	if (json_object_object_get_ex(raw, "fio", &fio)) {
		static const struct { const char *key, *name; } pct[] = {
			{ "50.000000", "p50" }, { "90.000000", "p90" }, { "99.000000", "p99" },
			{ "99.900000", "p99_9" },
		};
		struct json_object *lat = json_object_new_object(), *p = NULL;
		uint64_t ios = get_u64(fio, "total_ios");

		if (!ios || !json_object_object_get_ex(fio, "iops", &v) ||
		    !json_object_object_get_ex(fio, "lat_percentile_ns", &p)) {
			json_object_put(lat);
			snprintf(reason, len, "raw fio data incomplete");
			return -1;
		}
		json_object_object_add(m, "iops", json_object_new_double(json_object_get_double(v)));
		json_object_object_add(lat, "n", json_object_new_uint64(ios));
		if (json_object_object_get_ex(fio, "lat_mean_ns", &v))
			json_object_object_add(lat, "mean", json_object_new_double(json_object_get_double(v)));
		for (size_t i = 0; i < ARRAY_SIZE(pct); i++)
			if (json_object_object_get_ex(p, pct[i].key, &v))
				json_object_object_add(lat, pct[i].name,
						       json_object_new_double(json_object_get_double(v)));
		json_object_object_add(m, "latency_ns", lat);
		if (json_object_object_get_ex(fio, "sys_cpu_pct", &v))
			json_object_object_add(m, "fio_sys_cpu_pct", json_object_new_double(json_object_get_double(v)));
		if (json_object_object_get_ex(fio, "usr_cpu_pct", &v))
			json_object_object_add(m, "fio_usr_cpu_pct", json_object_new_double(json_object_get_double(v)));
		/* fio's own CPU share over its run: its startup is not charged to the I/O. */
		{
			double share = 0, rt = (double)get_u64(fio, "runtime_ms");

			if (json_object_object_get_ex(fio, "sys_cpu_pct", &v))
				share += json_object_get_double(v);
			if (json_object_object_get_ex(fio, "usr_cpu_pct", &v))
				share += json_object_get_double(v);
			if (rt > 0)
				json_object_object_add(m, "cpu_busy_ns_per_io",
						       json_object_new_double(share / 100.0 * rt * 1e6 / (double)ios));
		}
		(void)busy;
		return 0;
	}
	{
		uint64_t ios = get_u64(raw, "ios_done"), elapsed = get_u64(raw, "elapsed_ns");

		if (!ios || !elapsed || add_hist_summary(m, "latency_ns", raw, "latency_ns", 1.0) < 0) {
			snprintf(reason, len, "raw liburing data incomplete");
			return -1;
		}
		json_object_object_add(m, "iops", json_object_new_double((double)ios * 1e9 / (double)elapsed));
		if (busy)
			json_object_object_add(m, "cpu_busy_ns_per_io", json_object_new_double((double)busy / (double)ios));
		if (json_object_object_get_ex(raw, "counters", &cnt) &&
		    json_object_object_get_ex(cnt, "task_clock_ns", &v))
			json_object_object_add(m, "task_clock_ns_per_io",
					       json_object_new_double((double)json_object_get_uint64(v) / (double)ios));
		/* 0 on 6.1 (FOLL_GET references), pages per I/O from 6.3 (FOLL_PIN). */
		if (get_u64(raw, "loop_ios"))
			json_object_object_add(m, "foll_pins_per_io", json_object_new_double(
				(double)get_u64(raw, "loop_foll_pins") / (double)get_u64(raw, "loop_ios")));
	}
	return 0;
}

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
	uint64_t done = get_u64(raw, "completions"), elapsed = get_u64(raw, "elapsed_ns");
	uint64_t offered = get_u64(raw, "offered"), irqs = get_u64(raw, "interrupts");
	uint64_t busy = get_u64(raw, "cpu_busy_ns");
	struct json_object *samples, *acq, *handler;
	const char *limit;
	double q2, q4;

	if (!done || !elapsed || !offered || !irqs ||
	    add_hist_summary(m, "handler_ns_per_interrupt", raw, "handler_ns", 1.0) < 0 ||
	    add_hist_summary(m, "release_ns_per_completion", raw, "release_ns", 1.0) < 0 ||
	    add_hist_summary(m, "residency_ns", raw, "residency_ns", 1.0) < 0 ||
	    add_hist_summary(m, "done_ns", raw, "done_ns", 1.0) < 0 ||
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
	limit = pb_irq_limit(offered, get_u64(raw, "missed_empty"), get_u64(raw, "missed_late"),
			     get_u64(raw, "stalls"), q2, q4);
	json_object_object_add(m, "offered_rate_hz", json_object_new_uint64(get_u64(raw, "rate_hz")));
	json_object_object_add(m, "completion_rate_hz",
			       json_object_new_double((double)done * 1e9 / (double)elapsed));
	json_object_object_add(m, "delivered_pct",
			       json_object_new_double(100.0 * (double)done / (double)offered));
	json_object_object_add(m, "completions_per_interrupt",
			       json_object_new_double((double)done / (double)irqs));
	json_object_object_add(m, "missed_empty_pct", json_object_new_double(
		100.0 * (double)get_u64(raw, "missed_empty") / (double)offered));
	json_object_object_add(m, "missed_late_pct", json_object_new_double(
		100.0 * (double)get_u64(raw, "missed_late") / (double)offered));
	json_object_object_add(m, "deferred_pct",
			       json_object_new_double(100.0 * (double)get_u64(raw, "deferred") / (double)done));
	json_object_object_add(m, "deferred_work_ns_per_completion", json_object_new_double(
		(double)get_u64(raw, "deferred_work_ns") / (double)done));
	json_object_object_add(m, "max_backlog", json_object_new_uint64(get_u64(raw, "max_backlog_seen")));
	json_object_object_add(m, "backlog_end", json_object_new_uint64(get_u64(raw, "backlog_end")));
	json_object_object_add(m, "backlog_q2_mean", json_object_new_double(q2));
	json_object_object_add(m, "backlog_q4_mean", json_object_new_double(q4));
	json_object_object_add(m, "drain_ns", json_object_new_uint64(get_u64(raw, "drain_ns")));
	json_object_object_add(m, "stalls", json_object_new_uint64(get_u64(raw, "stalls")));
	json_object_object_add(m, "read_retries", json_object_new_uint64(get_u64(raw, "read_retries")));
	/*
	 * Over the acquires nothing else ran inside; and only while they are
	 * nearly all of them. Where the device ticks about as often as an
	 * acquire lasts, the ones left undisturbed are the short ones (a long
	 * acquire is likelier to be hit), and their mean would flatter the
	 * design: beyond 10% left out, the cell has no acquire figure, and
	 * acquires_disturbed_pct says why.
	 */
	if (get_u64(acq, "n") &&
	    get_u64(raw, "acquires_disturbed") * 10 <= get_u64(acq, "n") + get_u64(raw, "acquires_disturbed"))
		json_object_object_add(m, "acquire_ns_per_io", json_object_new_double(
			(double)get_u64(acq, "sum") / (double)get_u64(acq, "n")));
	if (get_u64(acq, "n") + get_u64(raw, "acquires_disturbed"))
		json_object_object_add(m, "acquires_disturbed_pct", json_object_new_double(
			100.0 * (double)get_u64(raw, "acquires_disturbed") /
			(double)(get_u64(acq, "n") + get_u64(raw, "acquires_disturbed"))));
	/* The completion side's own CPU: the handlers (release included) and the deferred work. */
	json_object_object_add(m, "completion_cpu_ns_per_completion", json_object_new_double(
		(double)(get_u64(handler, "sum") + get_u64(raw, "deferred_work_ns")) / (double)done));
	/* All CPUs' busy time over the whole call (warm-up and drain too). */
	if (busy)
		json_object_object_add(m, "cpu_busy_ns_per_completion",
				       json_object_new_double((double)busy / (double)done));
	json_object_object_add(m, "sustained", json_object_new_boolean(!limit));
	json_object_object_add(m, "limit", limit ? json_object_new_string(limit) : NULL);
	return 0;
}

/*
 * truncate_under_dma: the outcome of truncating a file a device writes
 * into, in one word, the first of these that holds:
 *  - "STALE DATA": a re-extended file showed bytes past the truncation
 *    point (a security bug: someone else's or the device's data);
 *  - "HANGS": a truncate went on sleeping after every I/O was over and
 *    finished only when a signal interrupted it (a missed wake-up);
 *  - "refuses": the kernel refused every pin (FOLL_LONGTERM on DAX);
 *  - "blocks": truncate waited for the device (ext4 DAX waits for pinned
 *    pages to be released);
 *  - "loses data": the device wrote into pages the file no longer had, or
 *    writes into pages it kept never reached its storage (lost is both);
 *  - "revokes": the pins were dropped, the device's writes redirected
 *    (which never reach the file either: see the fates);
 *  - "fails I/O": (the stock kernel's O_DIRECT) reads into pages past the
 *    cut failed with EFAULT, none landed in a page the file had lost;
 *  - "no effect": none of those (the device wrote nothing in range).
 */
const char *pb_truncate_verdict(uint64_t iterations, uint64_t refused, uint64_t hung,
				uint64_t blocked, uint64_t lost, uint64_t redirected,
				uint64_t io_refused, uint64_t stale_bytes)
{
	if (stale_bytes)
		return "STALE DATA";
	if (hung)
		return "HANGS";
	if (iterations && refused == iterations)
		return "refuses";
	if (blocked)
		return "blocks";
	if (lost)
		return "loses data";
	if (redirected)
		return "revokes";
	if (io_refused)
		return "fails I/O";
	return "no effect";
}

/*
 * The device's writes by fate (raw.fates, see wl_truncate.c), as counts
 * and as shares of all its writes, and what the revoke policy did.
 */
static void add_fates(struct json_object *raw, struct json_object *m)
{
	static const char *const fates[] = { "delivered", "unwritten", "discarded", "lost",
					     "redirected" };
	static const char *const counts[] = { "ignored", "stalls", "reacquires", "pages_reacquired",
					      "reacquire_failed", "reacquire_retries" };
	static const char *const events[] = {
#define X(sym, id, name) [id] = name,
		PINBENCH_EVENTS(X)
#undef X
	};
	struct json_object *f, *ev;
	uint64_t acc = get_u64(raw, "accesses"), pages = get_u64(raw, "pages_reacquired");
	char causes[256] = "", ignored[256] = "";

	if (!json_object_object_get_ex(raw, "fates", &f))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(fates); i++) {
		uint64_t n = get_u64(f, fates[i]);
		char key[32];

		json_object_object_add(m, fates[i], json_object_new_uint64(n));
		snprintf(key, sizeof(key), "%s_pct", fates[i]);
		if (acc)
			json_object_object_add(m, key, json_object_new_double(100.0 * (double)n / (double)acc));
	}
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		json_object_object_add(m, counts[i], json_object_new_uint64(get_u64(raw, counts[i])));
	if (pages)
		json_object_object_add(m, "reacquire_ns_per_page", json_object_new_double(
			(double)get_u64(raw, "reacquire_work_ns") / (double)pages));
	if (get_u64(raw, "reacquires"))
		json_object_object_add(m, "reacquire_wait_max_us", json_object_new_double(
			(double)get_u64(raw, "reacquire_wait_max_ns") / 1000.0));
	/* "protection 812, clear_truncate 20": revocations (and passes) by cause, largest first. */
	for (int pass = 0; pass < 2; pass++) {
		char *out = pass ? ignored : causes;
		uint64_t done = 0;

		if (!json_object_object_get_ex(raw, pass ? "ignored_events" : "events", &ev))
			continue;
		for (;;) {
			uint64_t best = 0;
			size_t bi = 0;

			for (size_t i = 0; i < ARRAY_SIZE(events); i++) {
				uint64_t n = get_u64(ev, events[i]);

				if (!(done & (1ull << i)) && n > best) {
					best = n;
					bi = i;
				}
			}
			if (!best)
				break;
			done |= 1ull << bi;
			snprintf(out + strlen(out), sizeof(causes) - strlen(out), "%s%s %" PRIu64,
				 *out ? ", " : "", events[bi], best);
		}
	}
	json_object_object_add(m, "revoke_causes", json_object_new_string(causes));
	json_object_object_add(m, "ignored_causes", json_object_new_string(ignored));
	json_object_object_add(m, "revoke_events", json_object_new_string(
		json_object_object_get_ex(raw, "revoke_events", &ev) ? json_object_get_string(ev) : "all"));
	json_object_object_add(m, "after_revoke", json_object_new_string(
		json_object_object_get_ex(raw, "after_revoke", &ev) ? json_object_get_string(ev) : "drop"));
}

/* Writes that reached no storage although their page was the file's, plus those into pages it had lost. */
static uint64_t fates_lost(struct json_object *raw)
{
	struct json_object *f;

	if (!json_object_object_get_ex(raw, "fates", &f))
		return get_u64(raw, "lost");	/* the stock kernel: no fates */
	return get_u64(f, "lost") + get_u64(f, "unwritten");
}

static int truncate_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t it = get_u64(raw, "iterations"), refused = get_u64(raw, "refused");
	uint64_t acc = get_u64(raw, "accesses");
	static const char *const counts[] = { "refused", "blocked", "lost", "redirected", "in_place",
					      "revocations", "spurious", "stale_bytes", "io_refused", "hung" };
	struct json_object *h;

	if (!it || !json_object_object_get_ex(raw, "truncate_ns", &h)) {
		snprintf(reason, len, "raw truncate_under_dma data incomplete");
		return -1;
	}
	/* Every iteration refused: no truncate ran with the device on. */
	if (it > refused && add_hist_summary(m, "truncate_ns", raw, "truncate_ns", 1.0) < 0) {
		snprintf(reason, len, "raw truncate_under_dma data incomplete");
		return -1;
	}
	if (get_u64(raw, "revocations") &&
	    add_hist_summary(m, "revoke_span_ns", raw, "revoke_span_ns", 1.0) < 0) {
		snprintf(reason, len, "raw truncate_under_dma revoke data incomplete");
		return -1;
	}
	json_object_object_add(m, "iterations", json_object_new_uint64(it));
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		json_object_object_add(m, counts[i], json_object_new_uint64(get_u64(raw, counts[i])));
	if (acc)
		json_object_object_add(m, "lost_pct", json_object_new_double(
			100.0 * (double)get_u64(raw, "lost") / (double)acc));
	add_fates(raw, m);
	if (json_object_object_get_ex(raw, "trace", &h) && json_object_get_boolean(h)) {
		static const char *const traced[] = { "trace_waits", "trace_woken",
						      "trace_bio_releases", "trace_devmap_puts" };

		for (size_t i = 0; i < ARRAY_SIZE(traced); i++)
			json_object_object_add(m, traced[i], json_object_new_uint64(get_u64(raw, traced[i])));
	}
	json_object_object_add(m, "verdict", json_object_new_string(pb_truncate_verdict(
		it, refused, get_u64(raw, "hung"), get_u64(raw, "blocked"), fates_lost(raw),
		get_u64(raw, "redirected"), get_u64(raw, "io_refused"), get_u64(raw, "stale_bytes"))));
	return 0;
}

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
	uint64_t pages = get_u64(raw, "pages");
	static const char *const counts[] = { "fsyncs", "stale_on_disk", "lost_on_disk",
					      "revocations", "spurious" };
	struct json_object *f = NULL;

	if (!pages || !get_u64(raw, "fsyncs") ||
	    add_hist_summary(m, "fsync_ns", raw, "fsync_ns", 1.0) < 0) {
		snprintf(reason, len, "raw writeback_under_dma data incomplete");
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		json_object_object_add(m, counts[i], json_object_new_uint64(get_u64(raw, counts[i])));
	json_object_object_add(m, "stale_on_disk_pct", json_object_new_double(
		100.0 * (double)get_u64(raw, "stale_on_disk") / (double)pages));
	json_object_object_add(m, "lost_on_disk_pct", json_object_new_double(
		100.0 * (double)get_u64(raw, "lost_on_disk") / (double)pages));
	add_fates(raw, m);
	if (json_object_object_get_ex(raw, "fates_before_release", &f)) {
		json_object_object_add(m, "unwritten_before_release",
				       json_object_new_uint64(get_u64(f, "unwritten")));
		if (get_u64(raw, "accesses"))
			json_object_object_add(m, "unwritten_before_release_pct", json_object_new_double(
				100.0 * (double)get_u64(f, "unwritten") / (double)get_u64(raw, "accesses")));
	}
	json_object_object_add(m, "verdict", json_object_new_string(pb_writeback_verdict(
		fates_lost(raw), get_u64(raw, "redirected"), f ? get_u64(f, "unwritten") : 0)));
	return 0;
}

/* selftest measures nothing: its verdict is its status. */
static int no_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	(void)raw, (void)m, (void)reason, (void)len;
	return 0;
}

static const struct {
	const char *workload;
	int (*compute)(struct json_object *raw, struct json_object *m, char *reason, size_t len);
} metric_fns[] = {
	{ "gup_fast", gup_fast_metrics },
	{ "small_dio", small_dio_metrics },
	{ "stock_dio", stock_dio_metrics },
	{ "irq_completion", irq_completion_metrics },
	{ "truncate_under_dma", truncate_metrics },
	{ "truncate_stock", truncate_metrics },
	{ "writeback_under_dma", writeback_metrics },
	{ "selftest", no_metrics },
};

int pb_metrics_compute(const char *workload, struct json_object *raw, struct json_object *metrics,
		       char *reason, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(metric_fns); i++)
		if (!strcmp(metric_fns[i].workload, workload))
			return metric_fns[i].compute(raw, metrics, reason, len);
	snprintf(reason, len, "no metrics defined for workload %s", workload);
	return -1;
}

static struct json_object *copy_field(struct json_object *from, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(from, key, &v) ? json_object_get(v) : NULL;
}

struct json_object *pb_cell_result(struct json_object *plan_cell, struct json_object *raw_cell,
				   const char *status, const char *reason)
{
	struct json_object *c = json_object_new_object(), *metrics = json_object_new_object();
	struct json_object *v, *raw = NULL, *bal = NULL, *klog = NULL, *mc = NULL;
	char why[512] = "";
	const char *workload;

	json_object_object_add(c, "id", copy_field(plan_cell, "id"));
	json_object_object_add(c, "job", copy_field(plan_cell, "job"));
	json_object_object_add(c, "workload", copy_field(plan_cell, "workload"));
	json_object_object_add(c, "strategy", copy_field(plan_cell, "strategy"));
	json_object_object_add(c, "params", copy_field(plan_cell, "params"));
	if (json_object_object_get_ex(plan_cell, "plan_index", &v))	/* a shard's cell */
		json_object_object_add(c, "plan_index", json_object_get(v));
	json_object_object_get_ex(plan_cell, "workload", &v);
	workload = json_object_get_string(v);

	if (raw_cell) {
		json_object_object_get_ex(raw_cell, "status", &v);
		status = json_object_get_string(v);
		json_object_object_get_ex(raw_cell, "reason", &v);
		reason = json_object_get_string(v);
		json_object_object_get_ex(raw_cell, "raw", &raw);
		json_object_object_get_ex(raw_cell, "pin_balance", &bal);
		json_object_object_get_ex(raw_cell, "kernel_log", &klog);
		json_object_object_get_ex(raw_cell, "module_counts", &mc);
	}
	if (!strcmp(status, "ok") && pb_metrics_compute(workload, raw, metrics, why, sizeof(why)) < 0) {
		status = "failed";
		reason = why;
	}
	json_object_object_add(c, "status", json_object_new_string(status));
	json_object_object_add(c, "reason", json_object_new_string(reason ? reason : ""));
	json_object_object_add(c, "metrics", metrics);
	if (bal) {
		json_object_object_add(c, "pin_balance", json_object_get(bal));
	} else {
		bal = json_object_new_object();
		json_object_object_add(bal, "acquired", NULL);
		json_object_object_add(bal, "released", NULL);
		json_object_object_add(c, "pin_balance", bal);
	}
	json_object_object_add(c, "kernel_log", klog ? json_object_get(klog) : json_object_new_array());
	if (mc)
		json_object_object_add(c, "module_counts", json_object_get(mc));
	if (raw && json_object_object_get_ex(raw, "strategy_caps", &v)) {
		/* The strategy's own declaration, so a reader sees what it cannot do. */
		uint64_t caps = json_object_get_uint64(v);
		struct json_object *cl = json_object_new_array();

#define PB_X_CAP_NAME(sym, bit, name)					\
		if (caps & PINBENCH_CAP_##sym)					\
			json_object_array_add(cl, json_object_new_string(name));
		PINBENCH_CAPS(PB_X_CAP_NAME)
#undef PB_X_CAP_NAME
		json_object_object_add(c, "capabilities", cl);
	}
	/* Raw histograms stay, so later tools can merge repetitions exactly. */
	json_object_object_add(c, "raw", raw ? json_object_get(raw) : NULL);
	return c;
}

void pb_truncate_row_label(struct json_object *cell, char *out, size_t len)
{
	struct json_object *params = pb_json_get(cell, "params"), *v;
	const char *wl = (v = pb_json_get(cell, "workload")) ? json_object_get_string(v) : "";
	const char *st = (v = pb_json_get(cell, "strategy")) ? json_object_get_string(v) : "?";
	const char *reg = (v = pb_json_get(params, "registration")) ? json_object_get_string(v) : "";

	if (!strcmp(wl, "truncate_stock")) {
		snprintf(out, len, "stock: %s", json_object_get_int64(pb_json_get(params, "fixedbufs")) ?
			 "io_uring fixed buffers" : "O_DIRECT reads");
		return;
	}
	const char *ev = (v = pb_json_get(params, "revoke_events")) ? json_object_get_string(v) : "all";
	const char *after = (v = pb_json_get(params, "after_revoke")) ? json_object_get_string(v) : "drop";
	bool policy = strcmp(ev, "all") || strcmp(after, "drop");

	/* A revoke policy other than the default (every event, then drop) is named. */
	snprintf(out, len, "%s%s%s%s%s%s%s%s", st, !strcmp(reg, "per_buffer") ? " (per buffer)" : "",
		 json_object_get_int64(pb_json_get(params, "longterm")) ? " longterm" : "",
		 policy ? " [" : "", policy && strcmp(ev, "all") ? "truncate+unmap only" : "",
		 policy && strcmp(ev, "all") && strcmp(after, "drop") ? ", " : "",
		 policy && strcmp(after, "drop") ? "re-pin" : "", policy ? "]" : "");
}
