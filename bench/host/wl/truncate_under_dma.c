// SPDX-License-Identifier: GPL-2.0
/* truncate_under_dma.c: the truncate_under_dma workload on the host: its metrics and how raw guest data becomes them. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "workload.h"

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
void pb_add_fates(struct json_object *raw, struct json_object *m)
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
	uint64_t acc = pb_raw_u64(raw, "accesses"), pages = pb_raw_u64(raw, "pages_reacquired");
	char causes[256] = "", ignored[256] = "";

	if (!json_object_object_get_ex(raw, "fates", &f))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(fates); i++) {
		uint64_t n = pb_raw_u64(f, fates[i]);
		char key[32];

		json_object_object_add(m, fates[i], json_object_new_uint64(n));
		snprintf(key, sizeof(key), "%s_pct", fates[i]);
		if (acc)
			json_object_object_add(m, key, json_object_new_double(100.0 * (double)n / (double)acc));
	}
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		json_object_object_add(m, counts[i], json_object_new_uint64(pb_raw_u64(raw, counts[i])));
	if (pages)
		json_object_object_add(m, "reacquire_ns_per_page", json_object_new_double(
			(double)pb_raw_u64(raw, "reacquire_work_ns") / (double)pages));
	if (pb_raw_u64(raw, "reacquires"))
		json_object_object_add(m, "reacquire_wait_max_us", json_object_new_double(
			(double)pb_raw_u64(raw, "reacquire_wait_max_ns") / 1000.0));
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
				uint64_t n = pb_raw_u64(ev, events[i]);

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
uint64_t pb_fates_lost(struct json_object *raw)
{
	struct json_object *f;

	if (!json_object_object_get_ex(raw, "fates", &f))
		return pb_raw_u64(raw, "lost");	/* the stock kernel: no fates */
	return pb_raw_u64(f, "lost") + pb_raw_u64(f, "unwritten");
}

int pb_truncate_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t it = pb_raw_u64(raw, "iterations"), refused = pb_raw_u64(raw, "refused");
	uint64_t acc = pb_raw_u64(raw, "accesses");
	static const char *const counts[] = { "refused", "blocked", "lost", "redirected", "in_place",
					      "revocations", "spurious", "stale_bytes", "io_refused", "hung" };
	struct json_object *h;

	if (!it || !json_object_object_get_ex(raw, "truncate_ns", &h)) {
		snprintf(reason, len, "raw truncate_under_dma data incomplete");
		return -1;
	}
	/* Every iteration refused: no truncate ran with the device on. */
	if (it > refused && pb_add_hist_summary(m, "truncate_ns", raw, "truncate_ns", 1.0) < 0) {
		snprintf(reason, len, "raw truncate_under_dma data incomplete");
		return -1;
	}
	if (pb_raw_u64(raw, "revocations") &&
	    pb_add_hist_summary(m, "revoke_span_ns", raw, "revoke_span_ns", 1.0) < 0) {
		snprintf(reason, len, "raw truncate_under_dma revoke data incomplete");
		return -1;
	}
	json_object_object_add(m, "iterations", json_object_new_uint64(it));
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		json_object_object_add(m, counts[i], json_object_new_uint64(pb_raw_u64(raw, counts[i])));
	if (acc)
		json_object_object_add(m, "lost_pct", json_object_new_double(
			100.0 * (double)pb_raw_u64(raw, "lost") / (double)acc));
	pb_add_fates(raw, m);
	if (json_object_object_get_ex(raw, "trace", &h) && json_object_get_boolean(h)) {
		static const char *const traced[] = { "trace_waits", "trace_woken",
						      "trace_bio_releases", "trace_devmap_puts" };

		for (size_t i = 0; i < ARRAY_SIZE(traced); i++)
			json_object_object_add(m, traced[i], json_object_new_uint64(pb_raw_u64(raw, traced[i])));
	}
	json_object_object_add(m, "verdict", json_object_new_string(pb_truncate_verdict(
		it, refused, pb_raw_u64(raw, "hung"), pb_raw_u64(raw, "blocked"), pb_fates_lost(raw),
		pb_raw_u64(raw, "redirected"), pb_raw_u64(raw, "io_refused"), pb_raw_u64(raw, "stale_bytes"))));
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "truncate_ns", "ns", PB_LOWER, "p50",
	  "the `ftruncate()` call, one sample per iteration (absent when every pin was refused)" },
	{ "revoke_span_ns", "ns", PB_LOWER, "p50",
	  "per iteration, from the start of the first revoking callback to the end of the last: "
	  "how long the device's pins took to go" },
	{ "iterations", "count", PB_NEITHER, NULL,
	  "register, write, truncate, extend, check cycles run" },
	{ "refused", "count", PB_NEITHER, NULL,
	  "iterations whose pin the kernel refused (FOLL_LONGTERM on fsdax: EOPNOTSUPP, in "
	  "`raw.refused_errno`)" },
	{ "blocked", "count", PB_LOWER, NULL,
	  "iterations whose truncate was still running after `block_ms` and finished only once "
	  "the device was unregistered; `raw.blocked_on` is its wait channel" },
	{ "hung", "count", PB_LOWER, NULL,
	  "(`truncate_stock`) truncates that slept on after every read was over and finished only"
	  " when a signal interrupted them; `raw.hung_stack` is where they slept" },
	{ "delivered_pct", "%", PB_NEITHER, NULL,
	  "device writes in the file's final content" },
	{ "discarded_pct", "%", PB_NEITHER, NULL,
	  "device writes into a page the truncate then cut off" },
	{ "unwritten_pct", "%", PB_LOWER, NULL,
	  "device writes into a kept page, not in its storage" },
	{ "in_place", "count", PB_NEITHER, NULL,
	  "device writes into a page still the file's when written (the device's own "
	  "classification, before the final content is read)" },
	{ "revocations", "count", PB_NEITHER, NULL,
	  "revoking notifier callbacks, and those not classified as truncate" },
	{ "spurious", "count", PB_NEITHER, NULL,
	  "of those, not caused by the truncate" },
	{ "stale_bytes", "count", PB_LOWER, NULL,
	  "non-zero bytes past the truncation point once the file was extended again "
	  "(`raw.stale_records`: device records among them). A kernel invariant, checked on every"
	  " iteration: no design here can break it (every page the device still writes has left "
	  "the file, and a re-extended file gets new pages or blocks), so tables do not present "
	  "its holding as a result" },
	{ "io_refused", "count", PB_NEITHER, NULL,
	  "(`truncate_stock`) reads that failed with EFAULT: GUP found the page gone" },
	{ "verdict", "word", PB_NEITHER, "",
	  "`STALE DATA`, `HANGS`, `refuses`, `blocks`, `loses data`, `revokes`, `fails I/O` or "
	  "`no effect`: the first that holds (`pb_truncate_verdict()` in `bench/host/wl/truncate_under_dma.c`)" },
	{ "delivered", "count", PB_NEITHER, NULL,
	  "device writes found in the file's final content (read from its storage after the "
	  "release: O_DIRECT after `fsync()` on ext4), of all device writes" },
	PB_DEVICE_METRICS
};

/* The figure a reader of published results asks about first. */
static const struct pb_headline headlines[] = {
	{ "verdict", "", "outcome of truncating the file under DMA" },
};

static const char notes[] =
	"`truncate_stock` cells are the stock kernel as the GUP user on the same files "
	"(liburing O_DIRECT reads, `fixedbufs=1` for io_uring registered buffers). For them, "
	"`lost` counts reads past the cut that were submitted after the truncate had returned "
	"and still succeeded (registered buffers), and `raw.raced` counts reads in flight while"
	" it ran, which no verdict uses (their data may have landed before their page left).";

const struct pb_workload pb_wl_truncate_under_dma = {
	.name = "truncate_under_dma",
	.summary = "a file truncated while the device writes into its registered pages: where every write ends up",
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.notes = notes,
	.compute = pb_truncate_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
};
