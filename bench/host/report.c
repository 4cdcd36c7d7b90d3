// SPDX-License-Identifier: GPL-2.0
/* report.c: render results.json as the Markdown report a person reads. */
#include <math.h>
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
#include "render.h"
#include "repeat.h"
#include "workload.h"
#include "util.h"

/*
 * A count as a table shows it: whole, or with one decimal when it is a
 * mean over repetitions. Rotating buffers: several per printf.
 */
const char *md_count(struct json_object *o, const char *key)
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

struct json_object *md_obj(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

void md_num(char *out, size_t len, struct json_object *v)
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
void md_tnum(struct pb_table *t, struct json_object *v, void (*fmt)(char *, size_t, struct json_object *))
{
	char f[32];

	fmt(f, sizeof(f), v);
	if (v)
		pb_table_num(t, json_object_get_double(v), f);
	else
		pb_table_text(t, "%s", f);
}

/* The status cell: the status, and its reason's first line (the rest stays in results.json). */
void md_tstatus(struct pb_table *t, struct json_object *c)
{
	const char *reason = pb_json_str(c, "reason", "?");

	pb_table_text(t, "%s%s%.*s", pb_json_str(c, "status", "?"), *reason ? ": " : "",
		      (int)strcspn(reason, "\n"), reason);
}

bool md_row_ok(struct json_object *c)
{
	return !strncmp(pb_json_str(c, "status", "?"), "ok", 2);
}

unsigned long long md_param_ull(struct json_object *c, const char *key)
{
	return strtoull(pb_json_str(md_obj(c, "params"), key, "?"), NULL, 10);
}

/* Where v stands in order (n entries); n when it is not there. */
size_t md_rank(const char *v, const char *const *order, size_t n)
{
	size_t i;

	for (i = 0; i < n && strcmp(order[i], v); i++)
		;
	return i;
}

/* Add key to the n distinct groups[] (which has room), in the order first seen. */
void md_add_group(char **groups, size_t *n, const char *key)
{
	for (size_t g = 0; g < *n; g++)
		if (!strcmp(groups[g], key))
			return;
	groups[(*n)++] = pb_xstrdup(key);
}

/* Stable insertion sort of cells by before(): equal rows keep the cells' order. */
void md_sort_cells(struct json_object **v, size_t n,
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

/* Nanoseconds as microseconds with one decimal; "-" where there is no figure. */
void md_us(char *out, size_t len, struct json_object *v)
{
	if (!v)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1f", json_object_get_double(v) / 1000);
}

/* Percent, with no or one decimal; a plain one-decimal number; the number as results.json has it. */
void md_pct0(char *out, size_t len, struct json_object *v)
{
	snprintf(out, len, v ? "%.0f%%" : "-", json_object_get_double(v));
}

void md_pct1(char *out, size_t len, struct json_object *v)
{
	snprintf(out, len, v ? "%.1f%%" : "-", json_object_get_double(v));
}

void md_dec1(char *out, size_t len, struct json_object *v)
{
	snprintf(out, len, v ? "%.1f" : "-", json_object_get_double(v));
}

void md_as_is(char *out, size_t len, struct json_object *v)
{
	snprintf(out, len, "%s", v ? json_object_get_string(v) : "-");
}

/* Workloads without a table of their own: one row per cell. */
static void other_cells_section(struct pb_text *b, struct json_object *cells)
{
	size_t n = json_object_array_length(cells);
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *reason = pb_json_str(c, "reason", "?");

		const struct pb_workload *w = pb_workload_find(pb_json_str(c, "workload", "?"));

		/* Rows of a workload that has a section, or is shown in another's, are there. */
		if (w && (w->report || w->shown_with))
			continue;
		if (!any)
			pb_text_put(b, "## Other cells\n\n| cell | status |\n|---|---|\n");
		any = true;
		pb_text_put(b, "| %s | %s%s%.*s |\n", pb_json_str(c, "id", "?"),
			    pb_json_str(c, "status", "?"), *reason ? ": " : "",
			    (int)strcspn(reason, "\n"), reason);
	}
	if (any)
		pb_text_put(b, "\n");
}

/*
 * With repetitions: per cell, each judged figure as mean ± the 95%
 * interval's half-width (both in the figure's unit) and the CV, so a
 * reader sees which differences in the tables above are larger than the
 * noise; in an adaptive run (adaptive), the cells short of the target.
 */
static void variation_section(struct pb_text *b, struct json_object *cells, bool adaptive)
{
	bool any = false;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *st = md_obj(c, "stats");
		bool row = false;

		if (!st)
			continue;
		const struct pb_workload *w = pb_workload_find(pb_json_str(c, "workload", "?"));

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
				s = md_obj(st, path);
				f += flen + (f[flen] == ',');
				if (!s)
					continue;
				if (!any) {
					pb_text_put(b, "## Variation over repetitions\n\nEach judged figure as mean ± "
						 "half-width of its 95%% confidence interval (Student's t), that "
						 "half-width as a share of the mean, and the coefficient of variation; "
						 "n counts the repetitions the figure is from, and those set aside "
						 "(measured while the emulator ran slow) after a +.%s\n\n"
						 "| cell | figure | mean | ±95%% | ±%% | CV | n |\n"
						 "|---|---|---:|---:|---:|---:|---:|\n",
						 adaptive ? " A cell marked *short* did not reach "
						 "the adaptive target within its cap of repetitions." : "");
					any = true;
				}
				{
					double mean = json_object_get_double(md_obj(s, "mean"));
					double hw = json_object_get_double(md_obj(s, "ci95"));
					struct json_object *a = md_obj(c, "adaptive");
					char n[48];

					if (md_obj(c, "repetitions_set_aside"))
						snprintf(n, sizeof(n), "%s +%s", pb_json_str(s, "n", "?"),
							 pb_json_str(c, "repetitions_set_aside", "?"));
					else
						snprintf(n, sizeof(n), "%s", pb_json_str(s, "n", "?"));
					pb_text_put(b, "| %s%s | %s (%s) | %.4g | %.3g | %.1f%% | %.1f%% | %s |\n",
						    row ? "" : pb_json_str(c, "id", "?"),
						    !row && a && !json_object_get_boolean(md_obj(a, "met")) ? " *short*" : "",
						    path, d->unit, mean, hw,
						    mean != 0 ? 100.0 * hw / fabs(mean) : 0.0,
						    100.0 * json_object_get_double(md_obj(s, "cv")), n);
				}
				row = true;
			} while (*f);
		}
	}
	if (any)
		pb_text_put(b, "\n");
}

char *pb_report_md_view(struct json_object *root)
{
	struct json_object *run = md_obj(root, "run"), *guest = md_obj(root, "guest");
	struct json_object *host = md_obj(root, "host"), *pb = md_obj(root, "pinbench");
	struct json_object *cells = md_obj(root, "cells"), *splats;
	struct pb_text b = { 0 };
	size_t ok = 0, unsup = 0, failed = 0, n = json_object_array_length(cells);

	for (size_t i = 0; i < n; i++) {
		const char *st = pb_json_str(json_object_array_get_idx(cells, i), "status", "?");

		ok += !strcmp(st, "ok");
		unsup += !strcmp(st, "unsupported");
		failed += !strcmp(st, "failed");
	}
	pb_text_put(&b, "# pinbench: %s\n\n", pb_json_str(run, "name", "?"));
	pb_text_put(&b, "- cells: %zu ok, %zu unsupported, %zu failed (of %zu)\n", ok, unsup, failed, n);
	pb_text_put(
		&b,
		"- guest: Linux %s, %s vCPUs, %s MiB, QEMU %s, accelerator **%s**, mode **%s**, "
		"clocksource %s (clock read %s ns)\n",
		pb_json_str(guest, "kernel_release", "?"), pb_json_str(guest, "vcpus", "?"),
		pb_json_str(guest, "mem_mib", "?"), pb_json_str(guest, "qemu_version", "?"),
		pb_json_str(run, "accel", "?"), pb_json_str(run, "mode", "?"),
		pb_json_str(guest, "clocksource", "?"), pb_json_str(guest, "clock_read_ns", "?"));
	if (md_obj(guest, "topology"))
		pb_text_put(
			&b,
			"- guest topology (hwloc): %s package(s), %s NUMA node(s), %s core(s), %s PU(s)\n",
			pb_json_str(guest, "topology.packages", "?"),
			pb_json_str(guest, "topology.numa_nodes", "?"),
			pb_json_str(guest, "topology.cores", "?"),
			pb_json_str(guest, "topology.pus", "?"));
	pb_text_put(&b, "- host: %s, %s CPUs, Linux %s\n", pb_json_str(host, "cpu_model", "?"),
		    pb_json_str(host, "cpus", "?"), pb_json_str(host, "kernel_release", "?"));
	{
		char boot[32];

		md_num(boot, sizeof(boot), md_obj(run, "boot_to_first_cell_s"));
		pb_text_put(&b, "- pinbench %s (%s), started %s, boot to first cell %s s (wall)\n",
			    pb_json_str(pb, "version", "?"), pb_json_str(pb, "git_sha", "?"),
			    pb_json_str(run, "started_at", "?"), boot);
	}
	pb_text_put(&b, "- command: `%s`\n", pb_json_str(run, "cmdline", "?"));
	if (md_obj(run, "adaptive"))
		pb_text_put(&b, "- **adaptive repetitions**: every cell ran %d times, then more until the 95%% "
			 "interval of each figure compare judges was within %s%% of its mean, at most %d times "
			 "(adaptive rounds: %s); cells that reached it: %s, that did not: %s (marked *short* in \"Variation "
			 "over repetitions\"). Every figure below is the mean over the repetitions that were ok, "
			 "less those measured while the emulator ran slow (its speed probe, read around "
			 "every cell, more than %.0f%% above the run's unslowed speed)\n",
			 json_object_get_int(md_obj(md_obj(run, "adaptive"), "repeat_min")),
			 pb_json_str(run, "adaptive.ci_target_pct", "?"),
			 json_object_get_int(md_obj(md_obj(run, "adaptive"), "repeat_max")),
			 pb_json_str(run, "adaptive.rounds", "?"), pb_json_str(run, "adaptive.cells_met", "?"),
			 pb_json_str(run, "adaptive.cells_not_met", "?"), (PB_SLOWDOWN_LIMIT - 1) * 100);
	else if (json_object_get_int(md_obj(run, "repeat")) > 1)
		pb_text_put(&b, "- **%d repetitions** per cell: every figure below is the mean over the "
			 "repetitions that were ok%s; the section \"Variation over repetitions\" gives the "
			 "95%% interval of the figures compare judges\n", json_object_get_int(md_obj(run, "repeat")),
			 md_obj(run, "speed_probe_reference_ns") ? ", less those measured while the emulator "
			 "ran slow" : "");
	if (json_object_get_int(md_obj(run, "calibrate_ns_per_page")))
		pb_text_put(&b, "- **CALIBRATION: %d ns extra per page acquired** (a test of pinbench compare; "
			 "these figures are not the strategies' own)\n",
		     json_object_get_int(md_obj(run, "calibrate_ns_per_page")));
	pb_text_put(&b, "\n");
	pb_text_put(&b, "Figures from different accelerators or modes are not comparable "
		 "(TCG is 5-10x slower than hardware and distorts memory-heavy paths).\n\n");

	for (size_t i = 0; pb_workloads[i]; i++)
		if (pb_workloads[i]->report)
			pb_workloads[i]->report(&b, root);
	other_cells_section(&b, cells);
	variation_section(&b, cells, md_obj(run, "adaptive") != NULL);

	splats = md_obj(run, "kernel_log_splats");
	pb_text_put(&b, "## Guest kernel log\n\n");
	pb_text_put(&b, "- module unload: %s\n", pb_json_str(run, "module_unload", "?"));
	if (md_obj(run, "guest_problem"))
		pb_text_put(&b, "- **guest problem:** %s\n",
			    pb_json_str(run, "guest_problem", "?"));
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
