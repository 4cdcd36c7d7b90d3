// SPDX-License-Identifier: GPL-2.0
/* compare.c: pinbench compare BASE NEW: cells matched by id, per-metric deltas, regressions, JUnit. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "metrics.h"
#include "repeat.h"
#include "stats.h"
#include "results.h"
#include "util.h"

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = pb_json_get(o, key);

	return v ? json_object_get_string(v) : NULL;
}

/* A metric's number, by "metric" or "metric.field"; false when absent. */
static bool metric_value(struct json_object *metrics, const char *path, double *out)
{
	struct json_object *v = pb_json_path(metrics, path);

	if (!v || (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)))
		return false;
	*out = json_object_get_double(v);
	return true;
}

static struct json_object *find_cell(struct json_object *cells, const char *id)
{
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *cid = get_str(c, "id");

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

/* XML-escaped copy of s, for the caller to free. */
static char *xml_escape(const char *s)
{
	size_t len = strlen(s), n = 0;
	char *out = pb_xcalloc(len * 6 + 1, 1);

	for (; *s; s++) {
		const char *r = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" :
				*s == '"' ? "&quot;" : NULL;

		if (r) {
			strcpy(out + n, r);
			n += strlen(r);
		} else {
			out[n++] = *s;
		}
	}
	return out;
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
		char *cl = xml_escape(cases[i].classname), *nm = xml_escape(cases[i].name);

		JPUT("  <testcase classname=\"%s\" name=\"%s\"", cl, nm);
		if (cases[i].failure) {
			char *f = xml_escape(cases[i].failure);

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
};

/*
 * One figure of one cell. In deterministic mode a change is exact, and
 * one past the threshold in the worse direction is a regression. In wall
 * mode, where both runs have repetitions, the figure's mean is compared
 * and a regression must also be significant: Welch's t-test (unequal
 * variances) at p < 0.05, marked '*'. A wall run without repetitions
 * has no test; the threshold alone decides, and the output says so.
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

	if (!metric_value(pb_json_get(bc, "metrics"), path, &b) ||
	    !metric_value(pb_json_get(nc, "metrics"), path, &v) || (b == 0 && v == 0))
		return;
	if (!cx->deterministic && bs && ns && !pb_stats_from_json(bs, &sa) &&
	    !pb_stats_from_json(ns, &sb) && !pb_welch(&sa, &sb, &w)) {
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

static void note(char **text, const char *line)
{
	char *old = *text;

	*text = old ? pb_asprintf("%s\n%s", old, line) : pb_xstrdup(line);
	free(old);
}

int pb_compare(struct json_object *base, struct json_object *new, const struct pb_compare_opts *o,
	       FILE *out, char *err, size_t errlen)
{
	struct json_object *bcells = pb_json_get(base, "cells"), *ncells = pb_json_get(new, "cells");
	const char *bmode = get_str(pb_json_get(base, "run"), "mode"), *nmode = get_str(pb_json_get(new, "run"), "mode");
	const char *baccel = get_str(pb_json_get(base, "run"), "accel"), *naccel = get_str(pb_json_get(new, "run"), "accel");
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
	cx.deterministic = !strcmp(nmode, "deterministic");
	cx.threshold = o->threshold_pct >= 0 ? o->threshold_pct : cx.deterministic ? 1.0 : 10.0;
	fprintf(out, "pinbench compare: %s/%s, threshold %.2f%%, repetitions %d -> %d (%s)\n", naccel,
		nmode, cx.threshold, brep, nrep,
		cx.deterministic ? "deterministic: every change is exact" :
		brep > 1 && nrep > 1 ? "wall: means compared, Welch's t-test, * marks p < 0.05" :
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
			const char *b = get_str(pb_json_get(base, facts[f][0]), facts[f][1]);
			const char *v = get_str(pb_json_get(new, facts[f][0]), facts[f][1]);

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
		const char *id = get_str(nc, "id"), *workload = get_str(nc, "workload");
		const char *strategy = get_str(nc, "strategy");
		char line[512];

		cases[i].classname = pb_xstrdup(workload ? workload : "?");
		cases[i].name = pb_xstrdup(id ? id : "?");
		bc = id ? find_cell(bcells, id) : NULL;
		if (!bc) {
			fprintf(out, "%s: new cell, not in the base\n", id ? id : "?");
			continue;
		}
		matched++;
		if (strcmp(get_str(bc, "status"), "ok") || strcmp(get_str(nc, "status"), "ok")) {
			if (!strcmp(get_str(bc, "status"), "ok")) {
				snprintf(line, sizeof(line), "status: ok -> %s", get_str(nc, "status"));
				note(&cases[i].failure, line);
			}
			fprintf(out, "%s: status %s -> %s\n", id, get_str(bc, "status"), get_str(nc, "status"));
			goto next;
		}
		struct json_object *bm = pb_json_get(bc, "metrics"), *nm = pb_json_get(nc, "metrics");

		for (unsigned int k = 0; k < pb_nr_metric_defs; k++) {
			const struct pb_metric_def *d = &pb_metric_defs[k];
			const char *f = d->judged;

			if (!f || !workload || strcmp(d->workload, workload))
				continue;
			if (!strcmp(d->unit, "word")) {
				/* Outcomes compared as words: any change is reported, and a regression. */
				const char *bv = get_str(bm, d->name), *nv = get_str(nm, d->name);

				if ((bv || nv) && (!bv || !nv || strcmp(bv, nv))) {
					snprintf(line, sizeof(line), "%s: %s -> %s", d->name, bv ? bv : "none",
						 nv ? nv : "none");
					fprintf(out, "%s: %s\n", id, line);
					note(&cases[i].failure, line);
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
		const char *id = get_str(json_object_array_get_idx(bcells, i), "id");

		if (id && !find_cell(ncells, id))
			fprintf(out, "%s: in the base only\n", id);
	}
	fprintf(out, "\nper strategy, geometric mean of new/base over the compared metrics "
		"(above 0%%: worse):\n");
	for (size_t g = 0; g < cx.ng; g++)
		fprintf(out, "  %-18s %+.2f%% over %zu figures\n", cx.geo[g].name,
			(exp(cx.geo[g].log_sum / (double)cx.geo[g].n) - 1) * 100.0, cx.geo[g].n);
	if (!cx.deterministic)
		fprintf(out, "%zu figures tested with Welch's t-test, %zu without repetitions to test\n",
			cx.significant_tests, cx.untested);
	fprintf(out, "\n%zu cells compared, %zu regressed\n", matched, regressions);
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
	if (n == (size_t)-1)
		return 2;
	return regressions ? 1 : 0;
}
