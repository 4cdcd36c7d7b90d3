// SPDX-License-Identifier: GPL-2.0
/* report.c: render results.json as the Markdown report a person reads. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "metrics.h"
#include "escape.h"
#include "report.h"
#include "results.h"
#include "table.h"
#include "workload.h"
#include "util.h"

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return "?";
	return json_object_get_string(v);
}

/*
 * A count as a table shows it: whole, or with one decimal when it is a
 * mean over repetitions. Rotating buffers: several per printf.
 */
static const char *count(struct json_object *o, const char *key)
{
	static char bufs[8][32];
	static unsigned int next;
	struct json_object *v;
	char *out = bufs[next++ % 8];
	double d;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return "?";
	d = json_object_get_double(v);
	snprintf(out, 32, d == (double)(long long)d ? "%.0f" : "%.1f", d);
	return out;
}

static struct json_object *obj(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static void num(char *out, size_t len, struct json_object *v)
{
	double d;

	if (!v) {
		snprintf(out, len, "-");
		return;
	}
	d = json_object_get_double(v);
	if (d < 1000)
		snprintf(out, len, "%.1f", d);
	else
		snprintf(out, len, "%.0f", d);
}

/* A figure's cell: the number behind the text fmt shows ("-", and no number, when absent). */
static void tnum(struct pb_table *t, struct json_object *v, void (*fmt)(char *, size_t, struct json_object *))
{
	char f[32];

	fmt(f, sizeof(f), v);
	if (v)
		pb_table_num(t, json_object_get_double(v), f);
	else
		pb_table_text(t, "%s", f);
}

/* The status cell: the status, and its reason's first line (the rest stays in results.json). */
static void tstatus(struct pb_table *t, struct json_object *c)
{
	const char *reason = str(c, "reason");

	pb_table_text(t, "%s%s%.*s", str(c, "status"), *reason ? ": " : "", (int)strcspn(reason, "\n"), reason);
}

static bool row_ok(struct json_object *c)
{
	return !strncmp(str(c, "status"), "ok", 2);
}

/* The part of a gup_fast cell's identity that its table is about. */
static void gup_fast_group(struct json_object *params, char *out, size_t len)
{
	snprintf(out, len, "backing=%s thp=%s longterm=%s write=%s buffer_pages=%s",
		 str(params, "backing"), str(params, "thp"), str(params, "longterm"),
		 str(params, "write"), str(params, "buffer_pages"));
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
	return obj(obj(obj(c, "metrics"), metric), "mean");
}


static unsigned long long param_ull(struct json_object *c, const char *key)
{
	return strtoull(str(obj(c, "params"), key), NULL, 10);
}

/* Stable insertion sort of cells by before(): equal rows keep the cells' order. */
static void sort_cells(struct json_object **v, size_t n,
		       bool (*before)(struct json_object *x, struct json_object *y))
{
	for (size_t i = 1; i < n; i++) {
		struct json_object *c = v[i];
		size_t j = i;

		while (j > 0 && before(c, v[j - 1])) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = c;
	}
}

static bool fewer_pages_per_call(struct json_object *x, struct json_object *y)
{
	return param_ull(x, "pages_per_call") < param_ull(y, "pages_per_call");
}

/* The strategies' own steps for one group, where they were timed (separate runs). */
static void breakdown_table(struct pb_text *b, struct json_object *const *rows, size_t n,
			    const char *group)
{
	bool has[PINBENCH_PART_NR] = { false }, any = false;
	char key[256];

	for (size_t k = 0; k < n; k++) {
		struct json_object *c = rows[k];

		if (strcmp(str(c, "workload"), "gup_fast"))
			continue;
		gup_fast_group(obj(c, "params"), key, sizeof(key));
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

		if (strcmp(str(c, "workload"), "gup_fast"))
			continue;
		gup_fast_group(obj(c, "params"), key, sizeof(key));
		if (strcmp(key, group))
			continue;
		for (size_t p = 0; p < PINBENCH_PART_NR; p++)
			row |= part_metric(c, part_names[p]) != NULL;
		if (!row)
			continue;
		pb_cell_label(c, label, sizeof(label));
		pb_text_put(b, "| %s | %s |", str(obj(c, "params"), "pages_per_call"), label);
		for (size_t p = 0; p < PINBENCH_PART_NR; p++) {
			if (!has[p])
				continue;
			num(f, sizeof(f), part_metric(c, part_names[p]));
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
		if (!strcmp(str(json_object_array_get_idx(cells, i), "workload"), "gup_fast"))
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
		size_t g;

		if (strcmp(str(c, "workload"), "gup_fast"))
			continue;
		gup_fast_group(obj(c, "params"), key, sizeof(key));
		for (g = 0; g < ng; g++)
			if (!strcmp(groups[g], key))
				break;
		if (g == ng)
			groups[ng++] = pb_xstrdup(key);
	}

	/* Rows by pages/call (stable: cell order within), so designs sit side by side. */
	struct json_object **rows = pb_xcalloc(n + 1, sizeof(*rows));

	for (size_t i = 0; i < n; i++)
		rows[i] = json_object_array_get_idx(cells, i);
	sort_cells(rows, n, fewer_pages_per_call);

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
			struct json_object *m = obj(c, "metrics"), *bal = obj(c, "pin_balance");
			char key[256], label[64];

			if (strcmp(str(c, "workload"), "gup_fast"))
				continue;
			gup_fast_group(obj(c, "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(c, label, sizeof(label));
			pb_table_row(t, row_ok(c));
			pb_table_text(t, "%s", str(obj(c, "params"), "pages_per_call"));
			pb_table_text(t, "%s", label);
			tnum(t, obj(m, "acquire_phase_ns_per_page"), num);
			tnum(t, obj(obj(m, "acquire_ns_per_page"), "p50"), num);
			tnum(t, obj(obj(m, "acquire_ns_per_page"), "p99"), num);
			tnum(t, obj(m, "release_phase_ns_per_page"), num);
			tnum(t, obj(obj(m, "release_ns_per_page"), "p50"), num);
			tnum(t, obj(obj(m, "release_ns_per_page"), "p99"), num);
			tnum(t, obj(m, "calls_per_s"), num);
			pb_table_text(t, "%s/%s", str(bal, "acquired"), str(bal, "released"));
			tstatus(t, c);
		}
		pb_table_render(t, b);
		pb_text_put(b, "\n");
		breakdown_table(b, rows, n, groups[g]);
		free(groups[g]);
	}
	free(rows);
	free(groups);
}

/* small_dio and stock_dio share tables: the stock kernel's rows beside the strategies'. */
static void small_dio_group(struct json_object *params, char *out, size_t len)
{
	struct json_object *v;
	const char *lt = json_object_object_get_ex(params, "longterm", &v) ? str(params, "longterm") : "0";
	/* The stock kernel's rows are one thread each. */
	const char *subs = json_object_object_get_ex(params, "submitters", &v) ?
			   str(params, "submitters") : "1";

	snprintf(out, len, "rw=%s completion=%s%s%s longterm=%s submitters=%s", str(params, "rw"),
		 str(params, "completion"),
		 strcmp(str(params, "completion"), "hardirq") ? "" : " completion_nsec=",
		 strcmp(str(params, "completion"), "hardirq") ? "" : str(params, "completion_nsec"),
		 lt, subs);
}

static bool is_dio(struct json_object *c)
{
	return !strcmp(str(c, "workload"), "small_dio") || !strcmp(str(c, "workload"), "stock_dio");
}

static bool is_stock(struct json_object *c)
{
	return !strcmp(str(c, "workload"), "stock_dio");
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

		small_dio_group(obj(c, "params"), key, sizeof(key));
		if (!is_stock(c) || strcmp(key, group) || strcmp(str(obj(c, "params"), "engine"), "liburing") ||
		    strcmp(str(obj(c, "params"), "fixedbufs"), "0"))
			continue;
		m0 = obj(obj(c, "metrics"), "task_clock_ns_per_io");
		for (size_t k = 0; k < ni; k++) {
			struct json_object *d = in[k];

			small_dio_group(obj(d, "params"), key, sizeof(key));
			if (!is_stock(d) || strcmp(key, group) ||
			    strcmp(str(obj(d, "params"), "engine"), "liburing") ||
			    strcmp(str(obj(d, "params"), "fixedbufs"), "1") ||
			    param_ull(c, "block_size") != param_ull(d, "block_size") ||
			    param_ull(c, "queue_depth") != param_ull(d, "queue_depth"))
				continue;
			m1 = obj(obj(d, "metrics"), "task_clock_ns_per_io");
			if (!m0 || !m1)
				continue;
			if (!any)
				pb_text_put(b, "Stock kernel, page references per I/O (liburing task clock per I/O, "
					"fixedbufs=0 minus fixedbufs=1):");
			any = true;
			pb_text_put(b, " %s B QD%s: %.0f ns;", str(obj(c, "params"), "block_size"),
			     str(obj(c, "params"), "queue_depth"),
			     json_object_get_double(m0) - json_object_get_double(m1));
		}
	}
	if (any)
		pb_text_put(b, "\n\n");
}

/* small_dio rows: by block size, then queue depth, then cell order. */
static bool small_dio_before(struct json_object *x, struct json_object *y)
{
	if (param_ull(x, "block_size") != param_ull(y, "block_size"))
		return param_ull(x, "block_size") < param_ull(y, "block_size");
	return param_ull(x, "queue_depth") < param_ull(y, "queue_depth");
}

/* Nanoseconds as microseconds with one decimal; "-" where there is no figure. */
static void us(char *out, size_t len, struct json_object *v)
{
	if (!v)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1f", json_object_get_double(v) / 1000);
}

/* Percent, with no or one decimal; a plain one-decimal number; the number as results.json has it. */
static void pct0(char *out, size_t len, struct json_object *v)
{
	snprintf(out, len, v ? "%.0f%%" : "-", json_object_get_double(v));
}

static void pct1(char *out, size_t len, struct json_object *v)
{
	snprintf(out, len, v ? "%.1f%%" : "-", json_object_get_double(v));
}

static void dec1(char *out, size_t len, struct json_object *v)
{
	snprintf(out, len, v ? "%.1f" : "-", json_object_get_double(v));
}

static void as_is(char *out, size_t len, struct json_object *v)
{
	snprintf(out, len, "%s", v ? json_object_get_string(v) : "-");
}

static void small_dio_section(struct pb_text *b, struct json_object *cells)
{
	size_t n = json_object_array_length(cells), ng = 0, ni = 0;
	struct json_object **in = pb_xcalloc(n + 1, sizeof(*in));
	char **groups = pb_xcalloc(n + 1, sizeof(char *)), key[256];

	for (size_t i = 0; i < n; i++)
		if (is_dio(json_object_array_get_idx(cells, i)))
			in[ni++] = json_object_array_get_idx(cells, i);
	sort_cells(in, ni, small_dio_before);
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
		size_t g;

		small_dio_group(obj(in[i], "params"), key, sizeof(key));
		for (g = 0; g < ng && strcmp(groups[g], key); g++)
			;
		if (g == ng)
			groups[ng++] = pb_xstrdup(key);
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
			struct json_object *c = in[i], *m = obj(c, "metrics"), *lat = obj(m, "latency_ns");
			/* The same span on both kinds of row: see the text above. */
			struct json_object *io = is_stock(c) ? lat : obj(m, "span_ns");
			bool stock = is_stock(c);
			char label[64];

			small_dio_group(obj(c, "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(c, label, sizeof(label));
			pb_table_row(t, row_ok(c));
			pb_table_text(t, "%s", str(obj(c, "params"), "block_size"));
			pb_table_text(t, "%s", str(obj(c, "params"), "queue_depth"));
			pb_table_text(t, "%s", label);
			/* No latency: nothing ran. Stock rows: the kernel's own path, no strategy steps. */
			if (!lat)
				io = m = NULL;
			tnum(t, obj(m, "iops"), num);
			tnum(t, obj(io, "p50"), us);
			tnum(t, obj(io, "p99"), us);
			tnum(t, obj(io, "p99_9"), us);
			tnum(t, stock ? NULL : obj(lat, "p50"), us);
			tnum(t, stock ? NULL : obj(obj(m, "acquire_ns_per_io"), "mean"), num);
			tnum(t, stock ? NULL : obj(obj(m, "release_ns_per_io"), "mean"), num);
			tnum(t, stock ? NULL : obj(obj(m, "residency_ns"), "p50"), num);
			tnum(t, stock ? NULL : obj(m, "deferred_pct"), pct0);
			tnum(t, obj(m, "cpu_busy_ns_per_io"), num);
			tnum(t, stock ? NULL : obj(m, "acquire_release_cpu_pct"), num);
			tstatus(t, c);
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

/* irq_completion: the parameters a table is about (context and rate are its rows and columns). */
static void irq_group(struct json_object *params, char *out, size_t len)
{
	snprintf(out, len, "rw=%s pages_per_io=%s queue_depth=%s coalesce=%s placement=%s "
		 "max_backlog=%s longterm=%s", str(params, "rw"), str(params, "pages_per_io"),
		 str(params, "queue_depth"), str(params, "coalesce"), str(params, "placement"),
		 str(params, "max_backlog"), str(params, "longterm"));
}

static bool is_irq(struct json_object *c)
{
	return !strcmp(str(c, "workload"), "irq_completion");
}

static int context_rank(struct json_object *c)
{
	static const char *const order[] = { "hardirq", "softirq", "process" };
	const char *ctx = str(obj(c, "params"), "context");

	for (int i = 0; i < 3; i++)
		if (!strcmp(order[i], ctx))
			return i;
	return 3;
}

/* irq_completion rows: by context, then offered rate, then cell order. */
static bool irq_before(struct json_object *x, struct json_object *y)
{
	if (context_rank(x) != context_rank(y))
		return context_rank(x) < context_rank(y);
	return param_ull(x, "rate_hz") < param_ull(y, "rate_hz");
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
		struct json_object *c = in[i], *sus = obj(obj(c, "metrics"), "sustained");

		irq_group(obj(c, "params"), key, sizeof(key));
		pb_cell_label(c, l, sizeof(l));
		if (strcmp(key, group) || strcmp(l, label) || strcmp(str(obj(c, "params"), "context"), ctx))
			continue;
		top = param_ull(c, "rate_hz");
		if (why)
			continue;
		if (strcmp(str(c, "status"), "ok"))
			why = str(c, "status");
		else if (!sus || !json_object_get_boolean(sus))
			why = str(obj(c, "metrics"), "limit");
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
	sort_cells(in, ni, irq_before);
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
		size_t g;

		irq_group(obj(in[i], "params"), key, sizeof(key));
		for (g = 0; g < ng && strcmp(groups[g], key); g++)
			;
		if (g == ng)
			groups[ng++] = pb_xstrdup(key);
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

			irq_group(obj(in[i], "params"), key, sizeof(key));
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
			struct json_object *c = in[i], *m = obj(c, "metrics"), *sus = obj(m, "sustained");
			char label[64];

			irq_group(obj(c, "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(c, label, sizeof(label));
			pb_table_row(t, row_ok(c));
			pb_table_text(t, "%s", str(obj(c, "params"), "context"));
			pb_table_text(t, "%s", str(obj(c, "params"), "rate_hz"));
			pb_table_text(t, "%s", label);
			if (!sus)	/* not measured: every figure "-" */
				m = NULL;
			tnum(t, obj(m, "delivered_pct"), pct1);
			tnum(t, obj(m, "completions_per_interrupt"), dec1);
			tnum(t, obj(obj(m, "handler_ns_per_interrupt"), "p50"), us);
			tnum(t, obj(obj(m, "handler_ns_per_interrupt"), "p99"), us);
			tnum(t, obj(obj(m, "release_ns_per_completion"), "p50"), num);
			tnum(t, obj(obj(m, "residency_ns"), "p50"), us);
			tnum(t, obj(obj(m, "residency_ns"), "p99"), us);
			tnum(t, obj(obj(m, "done_ns"), "p99"), us);
			tnum(t, obj(m, "deferred_pct"), pct0);
			tnum(t, obj(m, "max_backlog"), as_is);
			if (m)
				pb_table_text(t, "%.0f→%.0f", json_object_get_double(obj(m, "backlog_q2_mean")),
					      json_object_get_double(obj(m, "backlog_q4_mean")));
			else
				pb_table_text(t, "-");
			tnum(t, obj(m, "completion_cpu_ns_per_completion"), num);
			pb_table_text(t, "%s", !sus ? "-" : json_object_get_boolean(sus) ? "sustained" :
				      str(m, "limit"));
			tstatus(t, c);
		}
		pb_table_render(t, b);
		pb_text_put(b, "\n");
		free(groups[g]);
	}
out:
	free(groups);
	free(in);
}

static bool is_truncate(struct json_object *c)
{
	return !strcmp(str(c, "workload"), "truncate_under_dma") ||
	       !strcmp(str(c, "workload"), "truncate_stock");
}

static int fs_rank(struct json_object *c)
{
	static const char *const order[] = { "tmpfs", "ext4", "ext4_dax" };
	const char *fs = str(obj(c, "params"), "filesystem");

	for (int i = 0; i < 3; i++)
		if (!strcmp(order[i], fs))
			return i;
	return 3;
}

/* Outcome rows: by file system, then cell order (strategy, variant). */
static bool truncate_before(struct json_object *x, struct json_object *y)
{
	return fs_rank(x) < fs_rank(y);
}

static void truncate_group(struct json_object *params, char *out, size_t len)
{
	snprintf(out, len, "truncate_to=%s file_pages=%s", str(params, "truncate_to"),
		 str(params, "file_pages"));
}

/* A share of the device's writes: key (plus key2) in %, "-" where the cell has no such figure. */
static void pct(char *out, size_t len, struct json_object *m, const char *key, const char *key2)
{
	struct json_object *v = obj(m, key), *v2 = key2 ? obj(m, key2) : NULL;

	if (!v && !v2)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1f%%", (v ? json_object_get_double(v) : 0) +
					     (v2 ? json_object_get_double(v2) : 0));
}

/* Revocations by cause, then the events a policy let pass: "protection 40; passed: clear_other 3". */
static const char *causes(struct json_object *m)
{
	static char buf[320];
	const char *rc = obj(m, "revoke_causes") ? str(m, "revoke_causes") : "";
	const char *ig = obj(m, "ignored_causes") ? str(m, "ignored_causes") : "";

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
	sort_cells(in, ni, truncate_before);
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
		size_t g;

		truncate_group(obj(in[i], "params"), key, sizeof(key));
		for (g = 0; g < ng && strcmp(groups[g], key); g++)
			;
		if (g == ng)
			groups[ng++] = pb_xstrdup(key);
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
			struct json_object *c = in[i], *m = obj(c, "metrics"), *bal = obj(c, "pin_balance");
			struct json_object *tr = obj(m, "truncate_ns");
			char f[4][32], label[128];

			truncate_group(obj(c, "params"), key, sizeof(key));
			if (strcmp(key, groups[g]))
				continue;
			pb_cell_label(c, label, sizeof(label));
			pb_table_row(t, row_ok(c));
			pb_table_text(t, "%s", str(obj(c, "params"), "filesystem"));
			pb_table_text(t, "%s", label);
			if (!obj(m, "verdict")) {
				for (int k = 0; k < 13; k++)
					pb_table_text(t, "-");
				tstatus(t, c);
				continue;
			}
			tnum(t, obj(tr, "p50"), us);
			tnum(t, obj(tr, "p99"), us);
			tnum(t, obj(tr, "max"), us);
			pct(f[0], 32, m, "delivered_pct", NULL);
			pct(f[1], 32, m, "discarded_pct", NULL);
			pct(f[2], 32, m, "lost_pct", "unwritten_pct");
			pct(f[3], 32, m, "redirected_pct", NULL);
			for (int k = 0; k < 4; k++)
				pb_table_text(t, "%s", f[k]);
			pb_table_text(t, "%s", count(m, "refused"));
			pb_table_text(t, "%s", count(m, "io_refused"));
			pb_table_text(t, "%lld", strtoll(str(bal, "acquired"), NULL, 10) -
				      strtoll(str(bal, "released"), NULL, 10));
			us(f[0], 32, obj(obj(m, "revoke_span_ns"), "p50"));
			pb_table_text(t, "%s", f[0]);
			pb_table_text(t, "%s", causes(m));
			pb_table_text(t, "**%s**", str(m, "verdict"));
			tstatus(t, c);
		}
		pb_table_render(t, b);
		pb_text_put(b, "\n");
		free(groups[g]);
	}
out:
	free(groups);
	free(in);
}

static bool is_writeback(struct json_object *c)
{
	return !strcmp(str(c, "workload"), "writeback_under_dma");
}

/* [O1]: one row per cell, in cell order. */
static void writeback_section(struct pb_text *b, struct json_object *cells)
{
	size_t n = json_object_array_length(cells);
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *m = obj(c, "metrics");
		const char *reason = str(c, "reason");
		char label[128], f[8][64];

		if (!is_writeback(c))
			continue;
		if (!any)
			pb_text_put(b, "## writeback_under_dma\n\n"
				"[O1] on ext4 over a block device: the device writes into a registered "
				"MAP_SHARED file while another thread calls fsync() every `fsync_ms`. Then the "
				"device stops, a final fsync() runs and the file is read back with O_DIRECT; "
				"then the buffer is released (dirtying the pages it still holds where "
				"`dirty_on_release=1`, as unpin_user_pages_dirty_lock() does), fsync() runs "
				"again and the disk is read once more. Every device write is judged by where "
				"its record ended up, as a share of all the device's writes: **delivered** on "
				"disk at the end; **unwritten** in a page the file kept but never on disk "
				"(writeback cleaned the page while the device kept writing through the kernel "
				"mapping, and nothing dirtied it again); **redirected** into the dummy page "
				"after a revoke (writeback's page_mkclean() is an invalidation), never reaching "
				"the file. **unwritten before release** the same judged after the final "
				"fsync() but before the release: what a crash then would have lost. **causes** "
				"the revocations by notifier event, and those a policy let pass; **re-pin** "
				"with `after_revoke=reacquire`: pages pinned again, the cost per page (ns, in "
				"the worker) and the longest the device waited on a revoked page (us).\n\n"
				"| strategy | dirty on release | fsyncs | fsync p50 us | p99 | delivered | "
				"unwritten | redirected | unwritten before release | causes | re-pin | "
				"verdict | status |\n"
				"|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|\n");
		any = true;
		pb_cell_label(c, label, sizeof(label));
		if (!obj(m, "verdict")) {
			pb_text_put(b, "| %s | %s | - | - | - | - | - | - | - | - | - | - | %s%s%.*s |\n",
			     label, str(obj(c, "params"), "dirty_on_release"), str(c, "status"),
			     *reason ? ": " : "", (int)strcspn(reason, "\n"), reason);
			continue;
		}
		us(f[0], 32, obj(obj(m, "fsync_ns"), "p50"));
		us(f[1], 32, obj(obj(m, "fsync_ns"), "p99"));
		snprintf(f[2], 32, "%s", str(m, "fsyncs"));
		pct(f[3], 32, m, "delivered_pct", NULL);
		pct(f[4], 32, m, "unwritten_pct", "lost_pct");
		pct(f[5], 32, m, "redirected_pct", NULL);
		pct(f[6], 32, m, "unwritten_before_release_pct", NULL);
		if (obj(m, "reacquire_ns_per_page"))
			snprintf(f[7], 64, "%s pages, %.0f ns/page, wait max %.0f us",
				 count(m, "pages_reacquired"),
				 json_object_get_double(obj(m, "reacquire_ns_per_page")),
				 json_object_get_double(obj(m, "reacquire_wait_max_us")));
		else
			snprintf(f[7], 64, "-");
		pb_text_put(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | **%s** | %s%s%.*s |\n",
		     label, str(obj(c, "params"), "dirty_on_release"), f[2], f[0], f[1], f[3], f[4],
		     f[5], f[6], causes(m), f[7], str(m, "verdict"), str(c, "status"),
		     *reason ? ": " : "", (int)strcspn(reason, "\n"), reason);
	}
	if (any)
		pb_text_put(b, "\n");
}

/* Workloads without a table of their own: one row per cell. */
static void other_cells_section(struct pb_text *b, struct json_object *cells)
{
	size_t n = json_object_array_length(cells);
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *reason = str(c, "reason");

		if (!strcmp(str(c, "workload"), "gup_fast") || is_dio(c) || is_irq(c) || is_truncate(c) ||
		    is_writeback(c))
			continue;
		if (!any)
			pb_text_put(b, "## Other cells\n\n| cell | status |\n|---|---|\n");
		any = true;
		pb_text_put(b, "| %s | %s%s%.*s |\n", str(c, "id"), str(c, "status"), *reason ? ": " : "",
		     (int)strcspn(reason, "\n"), reason);
	}
	if (any)
		pb_text_put(b, "\n");
}

/*
 * With repetitions: per cell, each judged figure as mean ± the 95%
 * interval's half-width (both in the figure's unit) and the CV, so a
 * reader sees which differences in the tables above are larger than the
 * noise.
 */
static void variation_section(struct pb_text *b, struct json_object *cells)
{
	bool any = false;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *st = obj(c, "stats");
		bool row = false;

		if (!st)
			continue;
		const struct pb_workload *w = pb_workload_find(str(c, "workload"));

		for (size_t k = 0; w && k < w->nr_metrics; k++) {
			const struct pb_metric_def *d = &w->metrics[k];
			const char *f = d->judged;

			if (!f || !strcmp(d->unit, "word"))
				continue;
			do {
				size_t flen = strcspn(f, ",");
				char path[128];
				struct json_object *s;

				snprintf(path, sizeof(path), "%s%s%.*s", d->name, flen ? "." : "", (int)flen, f);
				s = obj(st, path);
				f += flen + (f[flen] == ',');
				if (!s)
					continue;
				if (!any) {
					pb_text_put(b, "## Variation over repetitions\n\nEach judged figure as mean ± "
						 "half-width of its 95%% confidence interval (Student's t), and its "
						 "coefficient of variation.\n\n| cell | figure | mean | ±95%% | CV | n |\n"
						 "|---|---|---:|---:|---:|---:|\n");
					any = true;
				}
				pb_text_put(b, "| %s | %s (%s) | %.4g | %.3g | %.1f%% | %s |\n", row ? "" : str(c, "id"),
				     path, d->unit, json_object_get_double(obj(s, "mean")),
				     json_object_get_double(obj(s, "ci95")),
				     100.0 * json_object_get_double(obj(s, "cv")), str(s, "n"));
				row = true;
			} while (*f);
		}
	}
	if (any)
		pb_text_put(b, "\n");
}

char *pb_report_md_view(struct json_object *root)
{
	struct json_object *run = obj(root, "run"), *guest = obj(root, "guest");
	struct json_object *host = obj(root, "host"), *pb = obj(root, "pinbench");
	struct json_object *cells = obj(root, "cells"), *splats;
	struct pb_text b = { 0 };
	size_t ok = 0, unsup = 0, failed = 0, n = json_object_array_length(cells);

	for (size_t i = 0; i < n; i++) {
		const char *st = str(json_object_array_get_idx(cells, i), "status");

		ok += !strcmp(st, "ok");
		unsup += !strcmp(st, "unsupported");
		failed += !strcmp(st, "failed");
	}
	pb_text_put(&b, "# pinbench: %s\n\n", str(run, "name"));
	pb_text_put(&b, "- cells: %zu ok, %zu unsupported, %zu failed (of %zu)\n", ok, unsup, failed, n);
	pb_text_put(&b, "- guest: Linux %s, %s vCPUs, %s MiB, QEMU %s, accelerator **%s**, mode **%s**, "
		 "clocksource %s (clock read %s ns)\n",
	     str(guest, "kernel_release"), str(guest, "vcpus"), str(guest, "mem_mib"),
	     str(guest, "qemu_version"), str(run, "accel"), str(run, "mode"),
	     str(guest, "clocksource"), str(guest, "clock_read_ns"));
	if (obj(guest, "topology"))
		pb_text_put(&b, "- guest topology (hwloc): %s package(s), %s NUMA node(s), %s core(s), %s PU(s)\n",
		     str(obj(guest, "topology"), "packages"), str(obj(guest, "topology"), "numa_nodes"),
		     str(obj(guest, "topology"), "cores"), str(obj(guest, "topology"), "pus"));
	pb_text_put(&b, "- host: %s, %s CPUs, Linux %s\n", str(host, "cpu_model"), str(host, "cpus"),
	     str(host, "kernel_release"));
	{
		char boot[32];

		num(boot, sizeof(boot), obj(run, "boot_to_first_cell_s"));
		pb_text_put(&b, "- pinbench %s (%s), started %s, boot to first cell %s s (wall)\n",
		     str(pb, "version"), str(pb, "git_sha"), str(run, "started_at"), boot);
	}
	pb_text_put(&b, "- command: `%s`\n", str(run, "cmdline"));
	if (json_object_get_int(obj(run, "repeat")) > 1)
		pb_text_put(&b, "- **%d repetitions** per cell: every figure below is the mean over the "
			 "repetitions that were ok; the section \"Variation over repetitions\" gives the "
			 "95%% interval of the figures compare judges\n", json_object_get_int(obj(run, "repeat")));
	if (json_object_get_int(obj(run, "calibrate_ns_per_page")))
		pb_text_put(&b, "- **CALIBRATION: %d ns extra per page acquired** (a test of pinbench compare; "
			 "these figures are not the strategies' own)\n",
		     json_object_get_int(obj(run, "calibrate_ns_per_page")));
	pb_text_put(&b, "\n");
	pb_text_put(&b, "Figures from different accelerators or modes are not comparable "
		 "(TCG is 5-10x slower than hardware and distorts memory-heavy paths).\n\n");

	gup_fast_section(&b, cells, json_object_get_double(obj(guest, "clock_read_ns")));
	small_dio_section(&b, cells);
	irq_section(&b, cells);
	truncate_section(&b, cells);
	writeback_section(&b, cells);
	other_cells_section(&b, cells);
	variation_section(&b, cells);

	splats = obj(run, "kernel_log_splats");
	pb_text_put(&b, "## Guest kernel log\n\n");
	pb_text_put(&b, "- module unload: %s\n", str(run, "module_unload"));
	if (obj(run, "guest_problem"))
		pb_text_put(&b, "- **guest problem:** %s\n", str(run, "guest_problem"));
	if (splats && json_object_array_length(splats)) {
		pb_text_put(&b, "- **splats outside any cell's verdict:**\n");
		for (size_t i = 0; i < json_object_array_length(splats); i++)
			pb_text_put(&b, "  - `%s`\n", json_object_get_string(json_object_array_get_idx(splats, i)));
	} else {
		pb_text_put(&b, "- no BUG/WARNING/Oops/Bad page/lockdep report in the console log\n");
	}
	return b.s;
}

char *pb_report_md(struct json_object *root)
{
	struct json_object *view = pb_md_view(root);
	char *md = pb_report_md_view(view);

	json_object_put(view);
	return md;
}
