// SPDX-License-Identifier: GPL-2.0
/* compare.c: pinbench compare BASE NEW: cells matched by id, per-metric deltas, regressions, JUnit. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "escape.h"
#include "metrics.h"
#include "workload.h"
#include "repeat.h"
#include "stats.h"
#include "results.h"
#include "util.h"

/* A metric's number, by "metric" or "metric.field"; false when absent. */
static bool metric_value(struct json_object *metrics, const char *path, double *out)
{
	struct json_object *v = pb_json_path(metrics, path);

	if (!v || (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)))
		return false;
	*out = json_object_get_double(v);
	return isfinite(*out);
}

static struct json_object *find_cell(struct json_object *cells, const char *id)
{
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *cid = pb_json_str(c, "id", NULL);

		if (cid && !strcmp(cid, id))
			return c;
	}
	return NULL;
}

struct strategy_mean {
	char name[64];
	double log_sum;
	size_t n;
};

static void geo_add(struct strategy_mean *g, size_t *ng, const char *strategy, double worse_ratio)
{
	size_t i;

	for (i = 0; i < *ng && strcmp(g[i].name, strategy); i++)
		;
	if (i == *ng) {
		if (*ng == 64)
			return;
		snprintf(g[i].name, sizeof(g[i].name), "%s", strategy);
		g[i].log_sum = 0;
		g[i].n = 0;
		(*ng)++;
	}
	g[i].log_sum += log(worse_ratio);
	g[i].n++;
}

struct junit_case {
	char *classname, *name, *failure;	/* failure NULL: passed */
};

static int write_junit(const char *path, struct junit_case *cases, size_t n, size_t failures)
{
	size_t cap = 4096, len = 0;
	char *buf = pb_xcalloc(cap, 1);
	int ret;

#define JPUT(...)								\
	do {									\
		int m_ = snprintf(NULL, 0, __VA_ARGS__);			\
		while (len + (size_t)m_ + 1 > cap) {				\
			cap *= 2;						\
			buf = realloc(buf, cap);				\
			if (!buf)						\
				pb_die("out of memory");			\
		}								\
		len += (size_t)snprintf(buf + len, cap - len, __VA_ARGS__);	\
	} while (0)
	JPUT("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	JPUT("<testsuite name=\"pinbench compare\" tests=\"%zu\" failures=\"%zu\">\n", n, failures);
	for (size_t i = 0; i < n; i++) {
		char *cl = pb_xml_text(cases[i].classname), *nm = pb_xml_text(cases[i].name);

		JPUT("  <testcase classname=\"%s\" name=\"%s\"", cl, nm);
		if (cases[i].failure) {
			char *f = pb_xml_text(cases[i].failure);

			JPUT(">\n    <failure message=\"regression\">%s</failure>\n  </testcase>\n", f);
			free(f);
		} else {
			JPUT("/>\n");
		}
		free(cl);
		free(nm);
	}
	JPUT("</testsuite>\n");
#undef JPUT
	ret = pb_write_file_atomic(path, buf, len);
	free(buf);
	return ret;
}

/* Append a line to a growing failure text. */
static void note(char **text, const char *line);

struct compare_ctx {
	FILE *out;
	double threshold;
	bool deterministic, verbose;
	size_t significant_tests, untested;	/* wall mode: figures with and without repetitions */
	struct strategy_mean geo[64];
	size_t ng;
	/* For opts.markdown: table rows, verdict and status changes apart. */
	char *md_changes, *md_figures;
	size_t n_changes;
};

static void append(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char **buf, const char *fmt, ...)
{
	char *add, *old = *buf;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) < 0)
		pb_die("out of memory");
	va_end(ap);
	*buf = pb_asprintf("%s%s", old ? old : "", add);
	free(old);
	free(add);
}


/*
 * One figure of one cell. Where both runs have repetitions, the figure's
 * mean is compared and a regression must also be significant: Welch's
 * t-test (unequal variances) at p < 0.05, marked '*'. That holds in
 * deterministic mode too: a figure that repeats exactly on both sides has
 * no spread, and any difference of it is significant (exact), while one
 * that does not repeat (small_dio's release under inline completion moved
 * by 5% between two boots of the same kernel) cannot pass for a change.
 * Without repetitions, a deterministic change is taken as exact and a
 * wall one has no test; the threshold alone decides, and the output says
 * so.
 */
static void compare_figure(struct compare_ctx *cx, const char *id, const char *strategy,
			   const struct pb_metric_def *d, const char *path, struct json_object *bc,
			   struct json_object *nc, char **failure)
{
	struct json_object *bs = pb_json_get(pb_json_get(bc, "stats"), path);
	struct json_object *ns = pb_json_get(pb_json_get(nc, "stats"), path);
	struct pb_sample_stats sa, sb;
	struct pb_welch w;
	double b, v, pct, worse;
	bool regressed, tested = false, significant = true;
	char line[512], mark[96] = "";

	/* A figure the base does not have is new: nothing to judge it against. */
	if (!metric_value(pb_json_get(bc, "metrics"), path, &b))
		return;
	/*
	 * One the new run lacks, or has as anything but a finite number, is a
	 * regression: a figure that vanished (a phase that no longer ran, a
	 * result someone edited) must not pass for one that held.
	 */
	if (!metric_value(pb_json_get(nc, "metrics"), path, &v)) {
		struct json_object *nv = pb_json_path(pb_json_get(nc, "metrics"), path);

		snprintf(line, sizeof(line), "%s: %.6g -> %s %s REGRESSION (the new run has %s)", path, b,
			 nv ? json_object_get_string(nv) : "none", d->unit,
			 nv ? "no number for this judged figure" : "no value for this judged figure");
		fprintf(cx->out, "%s: %s\n", id, line);
		note(failure, line);
		if (cx->md_figures) {
			char *cid = pb_md_text(id), *cv = pb_md_text(nv ? json_object_get_string(nv) : "none");

			append(&cx->md_figures, "| %s | %s | %.6g | %s | - | - | - | **REGRESSION** (no number) |\n",
			       cid, path, b, cv);
			free(cid), free(cv);
		}
		return;
	}
	if (b == 0 && v == 0)
		return;
	if (bs && ns && !pb_stats_from_json(bs, &sa) && !pb_stats_from_json(ns, &sb) &&
	    !pb_welch(&sa, &sb, &w)) {
		tested = true;
		significant = w.p < 0.05;
		snprintf(mark, sizeof(mark), " p=%.3g%s", w.p, significant ? " *" : "");
		cx->significant_tests++;
	} else if (!cx->deterministic) {
		cx->untested++;
	}
	pct = b ? (v - b) / b * 100.0 : INFINITY;
	/* How much worse, as a ratio above 1: for the geometric mean per strategy. */
	worse = d->better == PB_LOWER ? (b > 0 && v > 0 ? v / b : 1) : (b > 0 && v > 0 ? b / v : 1);
	geo_add(cx->geo, &cx->ng, strategy ? strategy : "?", worse);
	regressed = (d->better == PB_LOWER ? pct : -pct) > cx->threshold && significant;
	if (cx->md_figures) {
		char *cid = pb_md_text(id), ci[96], sig[64];

		if (cx->deterministic && !tested) {
			snprintf(ci, sizeof(ci), "exact");
			snprintf(sig, sizeof(sig), "%s", fabs(pct) > cx->threshold ? "yes (exact)" : "no");
		} else if (tested && b) {
			snprintf(ci, sizeof(ci), "%+.2f%% .. %+.2f%%", (w.diff - w.ci95) / b * 100.0,
				 (w.diff + w.ci95) / b * 100.0);
			snprintf(sig, sizeof(sig), "%s (p=%.2g)", significant ? "yes" : "no", w.p);
		} else {
			snprintf(ci, sizeof(ci), "-");
			snprintf(sig, sizeof(sig), "untested");
		}
		append(&cx->md_figures, "| %s | %s | %.6g | %.6g | %+.2f%% | %s | %s | %s |\n", cid, path, b, v,
		       pct, ci, sig, regressed ? "**REGRESSION**" :
		       fabs(pct) > cx->threshold && significant && (d->better == PB_LOWER ? pct : -pct) < 0 ?
		       "improved" : "");
		free(cid);
	}
	if (!cx->verbose && !regressed && fabs(pct) <= cx->threshold)
		return;
	snprintf(line, sizeof(line), "%s: %.6g -> %.6g %s (%+.2f%%)%s%s", path, b, v, d->unit, pct, mark,
		 regressed ? " REGRESSION" :
		 fabs(pct) > cx->threshold && tested && !significant ? " (within noise)" :
		 fabs(pct) > cx->threshold ? ((d->better == PB_LOWER ? pct : -pct) < 0 ? " improved" : "") : "");
	fprintf(cx->out, "%s: %s\n", id, line);
	if (regressed)
		note(failure, line);
}

static void md_change(struct compare_ctx *cx, const char *id, const char *what, const char *b,
		      const char *v)
{
	char *cid = pb_md_text(id), *cb = pb_md_text(b), *cv = pb_md_text(v);

	append(&cx->md_changes, "| %s | %s | %s | %s |\n", cid, what, cb, cv);
	cx->n_changes++;
	free(cid), free(cb), free(cv);
}

static void note(char **text, const char *line)
{
	char *old = *text;

	*text = old ? pb_asprintf("%s\n%s", old, line) : pb_xstrdup(line);
	free(old);
}

/* "6.1.0-57-amd64 (/boot/vmlinuz-6.1.0-57-amd64)": which kernel a run booted, for a title. */
static char *kernel_of(struct json_object *root)
{
	struct json_object *g = pb_json_get(root, "guest");
	const char *rel = pb_json_str(g, "kernel_release", NULL),
		   *img = pb_json_str(g, "kernel_image", NULL);
	char *r = pb_md_text(rel ? rel : "?"), *i = pb_md_text(img ? img : "?"), *s;

	s = pb_asprintf("%s (`%s`)", r, i);
	free(r), free(i);
	return s;
}

static void write_markdown(struct compare_ctx *cx, struct json_object *base, struct json_object *new,
			   FILE *md, int brep, int nrep, size_t matched, size_t regressions)
{
	const char *mode = pb_json_str(new, "run.mode", "?"), *accel = pb_json_str(new, "run.accel", "?");
	char *kb = kernel_of(base), *kn = kernel_of(new);
	const char *alt = pb_json_str(new, "run.ab_order", NULL) ?
		", alternating between the kernels (base first)" : "";
	const char *judged = brep > 1 && nrep > 1 ?
		" and significant (Welch's t-test, p < 0.05; the interval is the difference of the "
		"means, 95%; a figure that repeats exactly has no spread, so any change of it is "
		"significant)" :
		cx->deterministic ? " (deterministic, one repetition: every change is taken as exact)" :
		" (without repetitions on both sides no significance test is possible)";

	fprintf(md, "# %s against %s\n\n", kb, kn);
	fprintf(md, "Base: %s. New: %s. %s/%s, %d and %d repetitions%s. A change is a regression "
		"when it is worse by more than %.2f%%%s.\n\n", kb, kn, accel, mode, brep, nrep, alt,
		cx->threshold, judged);
	fprintf(md, "**%zu cells compared, %zu regressed.**\n\n", matched, regressions);
	fprintf(md, "## Verdict and status changes\n\n");
	if (cx->n_changes)
		fprintf(md, "| cell | what | base | new |\n|---|---|---|---|\n%s\n", cx->md_changes);
	else
		fprintf(md, "None: every cell has the same status and the same outcome words on both.\n\n");
	fprintf(md, "## Figures\n\nEvery figure compare judges, for every cell that is ok on both.\n\n");
	fprintf(md, "| cell | figure | base | new | delta | 95%% interval of the delta | significant | |\n"
		"|---|---|---:|---:|---:|---|---|---|\n%s", cx->md_figures);
	free(kb);
	free(kn);
}

int pb_compare(struct json_object *base, struct json_object *new, const struct pb_compare_opts *o,
	       FILE *out, char *err, size_t errlen)
{
	struct json_object *bcells = pb_json_get(base, "cells"), *ncells = pb_json_get(new, "cells");
	const char *bmode = pb_json_str(base, "run.mode", NULL),
		   *nmode = pb_json_str(new, "run.mode", NULL);
	const char *baccel = pb_json_str(base, "run.accel", NULL),
		   *naccel = pb_json_str(new, "run.accel", NULL);
	size_t n = json_object_array_length(ncells), regressions = 0, matched = 0;
	struct junit_case *cases = pb_xcalloc(n + 1, sizeof(*cases));
	struct compare_ctx cx = { .out = out, .verbose = o->verbose };
	struct json_object *bcal = pb_json_get(pb_json_get(base, "run"), "calibrate_ns_per_page");
	struct json_object *ncal = pb_json_get(pb_json_get(new, "run"), "calibrate_ns_per_page");
	int brep = json_object_get_int(pb_json_get(pb_json_get(base, "run"), "repeat"));
	int nrep = json_object_get_int(pb_json_get(pb_json_get(new, "run"), "repeat"));

	if (!bmode || !nmode || !baccel || !naccel) {
		snprintf(err, errlen, "run.mode or run.accel missing");
		free(cases);
		return 2;
	}
	if (strcmp(bmode, nmode) || strcmp(baccel, naccel)) {
		snprintf(err, errlen, "the runs are not comparable: %s/%s against %s/%s (figures from "
			 "different accelerators or modes measure different machines)", baccel, bmode,
			 naccel, nmode);
		free(cases);
		return 2;
	}
	{
		const char *bk = pb_json_str(base, "guest.kernel_release", NULL);
		const char *nk = pb_json_str(new, "guest.kernel_release", NULL);

		if (!o->kernels && bk && nk && strcmp(bk, nk)) {
			snprintf(err, errlen, "the runs are on different kernels (%s, %s): a kernel difference "
				 "is not a change of pinbench or of a design; compare kernels with "
				 "pinbench compare --kernels (or an A/B run: pinbench run --kernel A --kernel B)",
				 bk, nk);
			free(cases);
			return 2;
		}
	}
	cx.deterministic = !strcmp(nmode, "deterministic");
	if (o->markdown) {
		cx.md_changes = pb_xstrdup("");
		cx.md_figures = pb_xstrdup("");
	}
	cx.threshold = o->threshold_pct >= 0 ? o->threshold_pct : cx.deterministic ? 1.0 : 10.0;
	fprintf(out, "pinbench compare: %s/%s, threshold %.2f%%, repetitions %d -> %d (%s)\n", naccel,
		nmode, cx.threshold, brep, nrep,
		brep > 1 && nrep > 1 ? (cx.deterministic ?
		"deterministic with repetitions: means compared, Welch's t-test (an exact figure has no "
		"spread: any change of it is significant), * marks p < 0.05" :
		"wall: means compared, Welch's t-test, * marks p < 0.05") :
		cx.deterministic ? "deterministic: every change is taken as exact" :
		"wall: a side without repetitions allows no significance test; the threshold alone decides");
	/*
	 * Deterministic figures repeat exactly on one host, not across hosts:
	 * the same code, kernel and QEMU gave up to 3.6% more on a few cells
	 * on an AMD host than on an Intel one (fake_vma at one page per call).
	 * Not refused (a developer may mean it), but said first.
	 */
	{
		static const char *const facts[][2] = { { "host", "cpu_model" }, { "guest", "kernel_release" },
							{ "guest", "qemu_version" } };

		for (size_t f = 0; f < ARRAY_SIZE(facts); f++) {
			const char *b =
				pb_json_str(pb_json_get(base, facts[f][0]), facts[f][1], NULL);
			const char *v =
				pb_json_str(pb_json_get(new, facts[f][0]), facts[f][1], NULL);

			if (b && v && strcmp(b, v))
				fprintf(out, "note: %s.%s differs: '%s' in the base, '%s' in the new run%s\n",
					facts[f][0], facts[f][1], b, v,
					f == 0 && cx.deterministic ?
					" (deterministic figures are exact per host, not across hosts: see README, Nightly mode)" : "");
		}
	}
	/* A calibrated run (pinbench run --calibrate-ns-per-page) is a test of this command. */
	if (json_object_get_int(bcal) != json_object_get_int(ncal))
		fprintf(out, "note: calibration differs: %d ns/page extra in the base, %d in the new run\n",
			json_object_get_int(bcal), json_object_get_int(ncal));

	for (size_t i = 0; i < n; i++) {
		struct json_object *nc = json_object_array_get_idx(ncells, i), *bc;
		const char *id = pb_json_str(nc, "id", NULL),
			   *workload = pb_json_str(nc, "workload", NULL);
		const char *strategy = pb_json_str(nc, "strategy", NULL);
		char line[512];

		cases[i].classname = pb_xstrdup(workload ? workload : "?");
		cases[i].name = pb_xstrdup(id ? id : "?");
		bc = id ? find_cell(bcells, id) : NULL;
		if (!bc) {
			fprintf(out, "%s: new cell, not in the base\n", id ? id : "?");
			continue;
		}
		matched++;
		const char *bst = pb_json_str(bc, "status", "?"),
			   *nst = pb_json_str(nc, "status", "?");

		if (strcmp(bst, "ok") || strcmp(nst, "ok")) {
			if (!strcmp(bst, "ok")) {
				snprintf(line, sizeof(line), "status: ok -> %s", nst);
				note(&cases[i].failure, line);
			}
			fprintf(out, "%s: status %s -> %s\n", id, bst, nst);
			if (cx.md_changes && strcmp(bst, nst))
				md_change(&cx, id, "status", bst, nst);
			goto next;
		}
		struct json_object *bm = pb_json_get(bc, "metrics"), *nm = pb_json_get(nc, "metrics");

		const struct pb_workload *w = pb_workload_find(workload);

		for (size_t k = 0; w && k < w->nr_metrics; k++) {
			const struct pb_metric_def *d = &w->metrics[k];
			const char *f = d->judged;

			if (!f)
				continue;
			if (!strcmp(d->unit, "word")) {
				/* Outcomes compared as words: any change is reported, and a regression. */
				const char *bv = pb_json_str(bm, d->name, NULL),
					   *nv = pb_json_str(nm, d->name, NULL);

				if ((bv || nv) && (!bv || !nv || strcmp(bv, nv))) {
					snprintf(line, sizeof(line), "%s: %s -> %s", d->name, bv ? bv : "none",
						 nv ? nv : "none");
					fprintf(out, "%s: %s\n", id, line);
					note(&cases[i].failure, line);
					if (cx.md_changes)
						md_change(&cx, id, d->name, bv ? bv : "none", nv ? nv : "none");
				}
				continue;
			}
			/* Each judged field: "" the number itself, else "p50,p99" of a summary. */
			do {
				size_t flen = strcspn(f, ",");
				char path[128];

				snprintf(path, sizeof(path), "%s%s%.*s", d->name, flen ? "." : "", (int)flen, f);
				compare_figure(&cx, id, strategy, d, path, bc, nc, &cases[i].failure);
				f += flen + (f[flen] == ',');
			} while (*f);
		}
next:
		if (cases[i].failure)
			regressions++;
	}
	for (size_t i = 0; i < json_object_array_length(bcells); i++) {
		const char *id = pb_json_str(json_object_array_get_idx(bcells, i), "id", NULL);

		if (id && !find_cell(ncells, id))
			fprintf(out, "%s: in the base only\n", id);
	}
	fprintf(out, "\nper strategy, geometric mean of new/base over the compared metrics "
		"(above 0%%: worse):\n");
	for (size_t g = 0; g < cx.ng; g++)
		fprintf(out, "  %-18s %+.2f%% over %zu figures\n", cx.geo[g].name,
			(exp(cx.geo[g].log_sum / (double)cx.geo[g].n) - 1) * 100.0, cx.geo[g].n);
	if (!cx.deterministic || cx.significant_tests)
		fprintf(out, "%zu figures tested with Welch's t-test, %zu without repetitions to test\n",
			cx.significant_tests, cx.untested);
	fprintf(out, "\n%zu cells compared, %zu regressed\n", matched, regressions);
	if (o->markdown)
		write_markdown(&cx, base, new, o->markdown, brep, nrep, matched, regressions);
	for (size_t i = 0; i < n; i++)
		if (cases[i].failure)
			fprintf(out, "REGRESSION %s\n", cases[i].name);
	if (o->junit && write_junit(o->junit, cases, n, regressions) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", o->junit, strerror(errno));
		regressions = 0;
		n = (size_t)-1;
	}
	for (size_t i = 0; i < json_object_array_length(ncells); i++) {
		free(cases[i].classname);
		free(cases[i].name);
		free(cases[i].failure);
	}
	free(cases);
	free(cx.md_changes);
	free(cx.md_figures);
	if (n == (size_t)-1)
		return 2;
	return regressions ? 1 : 0;
}
