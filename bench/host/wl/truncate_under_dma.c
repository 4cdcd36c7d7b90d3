// SPDX-License-Identifier: GPL-2.0
/* truncate_under_dma.c: the truncate_under_dma workload on the host: its metrics and how raw guest data becomes them. */
#include <errno.h>
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

/* "protection 812, clear_truncate 20": counts by notifier event (raw "events"), largest first. */
void pb_event_causes(struct json_object *ev, char *out, size_t len)
{
	static const char *const events[] = {
#define X(sym, id, name) [id] = name,
		PINBENCH_EVENTS(X)
#undef X
	};
	uint64_t done = 0;

	out[0] = '\0';
	if (!ev)
		return;
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
		snprintf(out + strlen(out), len - strlen(out), "%s%s %" PRIu64, *out ? ", " : "",
			 events[bi], best);
	}
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
	/*
	 * A device that faults (device_faults strategies): how often, per
	 * second the device ran (its engine's ticks at the cell's rate), and
	 * how long a fault took to be served, on average (each fault is one
	 * service by the worker, from the access that raised it).
	 */
	if (pb_raw_u64(raw, "device_faults")) {
		uint64_t faults = pb_raw_u64(raw, "device_faults"), ticks = pb_raw_u64(raw, "engine_ticks");
		uint64_t rate_hz = pb_raw_u64(raw, "engine_rate_hz");

		json_object_object_add(m, "device_faults", json_object_new_uint64(faults));
		json_object_object_add(m, "fault_service_us", json_object_new_double(
			(double)pb_raw_u64(raw, "reacquire_wait_sum_ns") / (double)faults / 1000.0));
		if (ticks && rate_hz)
			json_object_object_add(m, "device_faults_per_s", json_object_new_double(
				(double)faults * (double)rate_hz / (double)ticks));
	}
	pb_event_causes(pb_json_get(raw, "events"), causes, sizeof(causes));
	pb_event_causes(pb_json_get(raw, "ignored_events"), ignored, sizeof(ignored));
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

static bool is_truncate(struct json_object *c)
{
	return !strcmp(pb_json_str(c, "workload", "?"), "truncate_under_dma") ||
	       !strcmp(pb_json_str(c, "workload", "?"), "truncate_stock");
}

static size_t fs_rank(struct json_object *c)
{
	static const char *const order[] = { "tmpfs", "ext4", "ext4_dax" };

	return md_rank(pb_json_str(c, "params.filesystem", "?"), order, ARRAY_SIZE(order));
}

/* Outcome rows: by file system, then cell order (strategy, variant). */
static bool truncate_before(struct json_object *x, struct json_object *y)
{
	return fs_rank(x) < fs_rank(y);
}

static void truncate_group(struct json_object *params, char *out, size_t len)
{
	snprintf(out, len, "truncate_to=%s file_pages=%s", pb_json_str(params, "truncate_to", "?"),
		 pb_json_str(params, "file_pages", "?"));
}

/* A share of the device's writes: key (plus key2) in %, "-" where the cell has no such figure. */
void pb_fate_pct(char *out, size_t len, struct json_object *m, const char *key, const char *key2)
{
	struct json_object *v = md_obj(m, key), *v2 = key2 ? md_obj(m, key2) : NULL;

	if (!v && !v2)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1f%%", (v ? json_object_get_double(v) : 0) +
					     (v2 ? json_object_get_double(v2) : 0));
}

/* Revocations by cause, then the events a policy let pass: "protection 40; passed: clear_other 3". */
const char *pb_revoke_causes(struct json_object *m)
{
	static char buf[320];
	const char *rc = md_obj(m, "revoke_causes") ? pb_json_str(m, "revoke_causes", "?") : "";
	const char *ig = md_obj(m, "ignored_causes") ? pb_json_str(m, "ignored_causes", "?") : "";

	snprintf(buf, sizeof(buf), "%s%s%s%s", *rc ? rc : (*ig ? "" : "-"), *rc && *ig ? "; " : "",
		 *ig ? "passed: " : "", ig);
	return buf;
}

static void truncate_section(struct pb_text *b, struct json_object *cells)
{
	size_t n = json_object_array_length(cells), ng = 0, ni = 0;
	struct json_object **in = pb_xcalloc(n + 1, sizeof(*in));
	char **groups = pb_xcalloc(n + 1, sizeof(char *)), key[256];

	for (size_t i = 0; i < n; i++)
		if (is_truncate(json_object_array_get_idx(cells, i)))
			in[ni++] = json_object_array_get_idx(cells, i);
	if (!ni)
		goto out;
	md_sort_cells(in, ni, truncate_before);
	pb_text_put(b, "## truncate_under_dma\n\n"
		"A file is mapped MAP_SHARED and registered with the simulated device, which keeps "
		"writing stamped records into it from a hard-irq hrtimer while another thread "
		"truncates the file; the buffer is released (dirtying the pages it still holds), what "
		"is left of the file is read from its storage (O_DIRECT after fsync() on ext4), and "
		"every device write is judged by where its record ended up, as a share of all the "
		"device's writes: **delivered** in the file's final content; **discarded** into a page "
		"the truncate then cut off (the data the user asked to drop); **lost** into a page the "
		"file no longer had, or into one it kept but never stored; **redirected** into the "
		"dummy page after a revoke (never reaching the file either). **truncate** how long the "
		"call took (us); **refused** iterations whose pin the kernel refused; **EFAULT** stock "
		"reads the kernel failed because the page was gone; **leaked** FOLL_PIN pins not given "
		"back; **revoke** from the first revoking notifier callback to the last pin dropped "
		"(us); **causes** the revocations by the notifier event behind them (truncate arrives "
		"as a CLEAR past i_size; any other cause is spurious). Last, the file is extended "
		"again and must read back zeros past the cut: a kernel invariant no design here can "
		"break (the verdict is STALE DATA if it ever fails), so it has no column. "
		"A variant in brackets is a revoke policy: *truncate+unmap only* (other events are "
		"counted and pass) and *re-pin* (a worker pins the range again after the "
		"invalidation, the device waiting meanwhile). "
		"The verdict is the first that holds of: STALE DATA, HANGS (truncate slept on after "
		"every I/O was over, until a signal), refuses, blocks, loses data, revokes, fails I/O. "
		"Rows marked **stock** are today's kernel as the GUP user: O_DIRECT reads "
		"(liburing) from a null_blk into the file's pages while it is truncated (FOLL_GET "
		"per I/O; a read past the cut that succeeds once the truncate began is lost, one "
		"that fails with EFAULT is counted apart), and io_uring registered buffers over the "
		"mapping (FOLL_LONGTERM; refused is 6.1 saying no).\n\n");
	for (size_t i = 0; i < ni; i++) {
		truncate_group(md_obj(in[i], "params"), key, sizeof(key));
		md_add_group(groups, &ng, key);
	}
	for (size_t g = 0; g < ng; g++) {
		static const char *const heads[] = { "delivered", "discarded", "lost", "redirected", "refused",
						     "EFAULT", "leaked", "revoke p50", "causes", "verdict" };
		struct pb_table *t = pb_table_new();

		pb_text_put(b, "### %s\n\n", groups[g]);
		pb_table_col(t, "file system", false, PB_NEITHER, true);
		pb_table_col(t, "strategy", false, PB_NEITHER, false);
		pb_table_col_metric(t, "truncate p50", "truncate_under_dma", "truncate_ns");
		pb_table_col_metric(t, "p99", "truncate_under_dma", "truncate_ns");
		pb_table_col_metric(t, "max", "truncate_under_dma", "truncate_ns");
		/* Outcomes: what a design does, not better or worse by the number (the verdict says). */
		for (size_t k = 0; k < ARRAY_SIZE(heads); k++)
			pb_table_col(t, heads[k], k < 8, PB_NEITHER, false);
		pb_table_col(t, "status", false, PB_NEITHER, false);
		for (size_t i = 0; i < ni; i++) {
			struct json_object *c = in[i], *m = md_obj(c, "metrics"), *bal = md_obj(c, "pin_balance");
			struct json_object *tr = md_obj(m, "truncate_ns");
			char f[4][32], label[128];

			truncate_group(md_obj(c, "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(c, label, sizeof(label));
			pb_table_row(t, md_row_ok(c));
			pb_table_text(t, "%s", pb_json_str(c, "params.filesystem", "?"));
			pb_table_text(t, "%s", label);
			if (!md_obj(m, "verdict")) {
				for (int k = 0; k < 13; k++)
					pb_table_text(t, "-");
				md_tstatus(t, c);
				continue;
			}
			md_tnum(t, md_obj(tr, "p50"), md_us);
			md_tnum(t, md_obj(tr, "p99"), md_us);
			md_tnum(t, md_obj(tr, "max"), md_us);
			pb_fate_pct(f[0], 32, m, "delivered_pct", NULL);
			pb_fate_pct(f[1], 32, m, "discarded_pct", NULL);
			pb_fate_pct(f[2], 32, m, "lost_pct", "unwritten_pct");
			pb_fate_pct(f[3], 32, m, "redirected_pct", NULL);
			for (int k = 0; k < 4; k++)
				pb_table_text(t, "%s", f[k]);
			pb_table_text(t, "%s", md_count(m, "refused"));
			pb_table_text(t, "%s", md_count(m, "io_refused"));
			pb_table_text(t, "%lld",
				      strtoll(pb_json_str(bal, "acquired", "?"), NULL, 10) -
					      strtoll(pb_json_str(bal, "released", "?"), NULL, 10));
			md_us(f[0], 32, md_obj(md_obj(m, "revoke_span_ns"), "p50"));
			pb_table_text(t, "%s", f[0]);
			pb_table_text(t, "%s", pb_revoke_causes(m));
			pb_table_text(t, "**%s**", pb_json_str(m, "verdict", "?"));
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

/*
 * truncate_under_dma: truncate p50 per strategy, a cluster of bars per row
 * (one bar per file system); refused cells have no bar ("?" in the data).
 */
static int plot_truncate(struct json_object *cells, const char *dir, char *err, size_t errlen)
{
	static const char *const fss[] = { "tmpfs", "ext4", "ext4_dax" };
	char labels[24][96], *dat, *text = NULL;
	double v[24][3];
	size_t nrow = 0, len = 0;
	FILE *t;
	int st;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *p = pb_json_get(c, "params");
		char label[96];
		size_t r, k;

		if ((strcmp(pb_json_str(c, "workload", ""), "truncate_under_dma") &&
		     strcmp(pb_json_str(c, "workload", ""), "truncate_stock")) ||
		    strcmp(pb_json_str(c, "status", ""), "ok") ||
		    strcmp(pb_json_str(p, "truncate_to", ""), "zero"))
			continue;
		pb_cell_label(c, label, sizeof(label));
		for (r = 0; r < nrow && strcmp(labels[r], label); r++)
			;
		if (r == nrow) {
			if (nrow == ARRAY_SIZE(labels))
				continue;
			snprintf(labels[nrow], sizeof(labels[nrow]), "%s", label);
			v[nrow][0] = v[nrow][1] = v[nrow][2] = -1;
			nrow++;
		}
		for (k = 0; k < 3; k++)
			if (!strcmp(pb_json_str(p, "filesystem", ""), fss[k]))
				v[r][k] = pb_json_num(c, "metrics.truncate_ns.p50") / 1000;
	}
	if (!nrow)
		return 0;
	t = open_memstream(&text, &len);
	if (!t)
		pb_die("out of memory");
	fprintf(t, "cell tmpfs ext4 ext4_dax\n");
	for (size_t r = 0; r < nrow; r++) {
		char safe[128];

		fprintf(t, "\"%s\"", fig_text(labels[r], safe, sizeof(safe)));
		for (size_t k = 0; k < 3; k++)
			v[r][k] > 0 ? fprintf(t, " %.6g", v[r][k]) : fprintf(t, " ?");
		fprintf(t, "\n");
	}
	fclose(t);
	dat = pb_asprintf("%s/truncate-latency.dat", dir);
	if (pb_write_file_atomic(dat, text, len) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", dat, strerror(errno));
		free(text);
		free(dat);
		return -1;
	}
	free(text);
	free(dat);
	t = open_memstream(&text, &len);
	if (!t)
		pb_die("out of memory");
	fprintf(t, "# truncate-latency: drawn by pinbench from results.json\n"
		"set title \"truncate_under_dma: truncate to zero, p50 (no bar: the pin was refused)\" "
		"noenhanced\nset ylabel \"us\"\nset logscale y\nset grid y\nset key outside right "
		"noenhanced\nset style data histograms\nset style histogram clustered gap 1\n"
		"set style fill solid 0.8 border -1\nset datafile missing '?'\nset xtics rotate by -35 "
		"noenhanced\n");
	for (int k = 0; k < 2; k++)
		fprintf(t, "set terminal %s size 1100,560\nset output 'truncate-latency.%s'\n"
			"plot 'truncate-latency.dat' using 2:xtic(1) title columnheader, '' using 3 title "
			"columnheader, '' using 4 title columnheader\n", k ? "svg dynamic" : "pngcairo",
			k ? "svg" : "png");
	fclose(t);
	st = fig_gnuplot(dir, "truncate-latency", text, err, errlen);
	free(text);
	return st;
}

static void report(struct pb_text *b, struct json_object *root)
{
	truncate_section(b, md_obj(root, "cells"));
}

/* The job options it takes, in the order its cells are expanded. */
static const struct pb_wl_option options[] = {
	{ &pb_opt_longterm },
	{ &pb_opt_registration },
	{ &pb_opt_pages_per_call, "16" },
	{ &pb_opt_filesystem },
	{ &pb_opt_truncate_to },
	{ &pb_opt_strategy },
	{ &pb_opt_file_pages },
	{ &pb_opt_iterations },
	{ &pb_opt_dma_ms },
	{ &pb_opt_block_ms },
	{ &pb_opt_revoke_events },
	{ &pb_opt_after_revoke },
	{ &pb_opt_debug_reacquire_give_up },
	{ &pb_opt_dma_rate_hz },
	{ &pb_opt_dma_burst },
};

/* The scorecard's questions this workload answers (publish.c), each from one setting. */
static const struct pb_score score[] = {
	{ "truncate, tmpfs", "verdict", "", "filesystem=tmpfs,truncate_to=zero", NULL },
	{ "truncate, tmpfs", "verdict", "", "filesystem=tmpfs,truncate_to=zero", "truncate_stock" },
	{ "truncate, ext4", "verdict", "", "filesystem=ext4,truncate_to=zero", NULL },
	{ "truncate, ext4", "verdict", "", "filesystem=ext4,truncate_to=zero", "truncate_stock" },
	{ "truncate, ext4_dax", "verdict", "", "filesystem=ext4_dax,truncate_to=zero", NULL },
	{ "truncate, ext4_dax", "verdict", "", "filesystem=ext4_dax,truncate_to=zero", "truncate_stock" },
};

const struct pb_workload pb_wl_truncate_under_dma = {
	.name = "truncate_under_dma",
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.summary = "a file truncated while the device writes into its registered pages: where every write ends up",
	.order = 50,
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.notes = notes,
	.report = report,
	.plot = plot_truncate,
	.compute = pb_truncate_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
	.score = score,
	.nr_score = ARRAY_SIZE(score),
};
