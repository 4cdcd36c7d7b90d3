// SPDX-License-Identifier: GPL-2.0
/* compare.c: pinbench compare BASE NEW: cells matched by id, per-metric deltas, regressions, JUnit. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "results.h"
#include "util.h"

/*
 * The metrics a comparison judges, one row each, with their unit and the
 * direction that is better (as mmtests' one table of metrics). Only
 * figures that a change to a pinning design moves and that a repeatable
 * run reproduces: counts of outcomes (writes lost, backlog depth) vary
 * from run to run by design, and their meaning is carried by the verdicts,
 * which are compared as such.
 */
enum better { LOWER = -1, HIGHER = 1 };

static const struct metric_def {
	const char *workload;
	const char *path;	/* metric, or metric.field */
	const char *unit;
	enum better better;
} metric_defs[] = {
	/*
	 * Medians, not the phase means nor tails: in deterministic mode two
	 * boots give identical medians, while a mean over a few phase rounds
	 * moved by 1.4% with one slow call (a fresh clone's make check), and
	 * a tail is a handful of such calls.
	 */
	{ "gup_fast", "acquire_ns_per_page.p50", "ns", LOWER },
	{ "gup_fast", "release_ns_per_page.p50", "ns", LOWER },
	{ "small_dio", "iops", "1/s", HIGHER },
	{ "small_dio", "latency_ns.p50", "ns", LOWER },
	{ "small_dio", "latency_ns.p99", "ns", LOWER },
	{ "small_dio", "acquire_ns_per_io.mean", "ns", LOWER },
	{ "small_dio", "release_ns_per_io.mean", "ns", LOWER },
	{ "small_dio", "residency_ns.p50", "ns", LOWER },
	{ "stock_dio", "iops", "1/s", HIGHER },
	{ "stock_dio", "latency_ns.p50", "ns", LOWER },
	{ "stock_dio", "latency_ns.p99", "ns", LOWER },
	{ "irq_completion", "completion_rate_hz", "1/s", HIGHER },
	{ "irq_completion", "handler_ns_per_interrupt.p50", "ns", LOWER },
	{ "irq_completion", "release_ns_per_completion.p50", "ns", LOWER },
	{ "irq_completion", "residency_ns.p50", "ns", LOWER },
	{ "irq_completion", "completion_cpu_ns_per_completion", "ns", LOWER },
	{ "truncate_under_dma", "truncate_ns.p50", "ns", LOWER },
	{ "truncate_under_dma", "revoke_span_ns.p50", "ns", LOWER },
	{ "truncate_stock", "truncate_ns.p50", "ns", LOWER },
	{ "writeback_under_dma", "fsync_ns.p50", "ns", LOWER },
};

/* Outcomes compared as words: any change is reported, and counted as a regression. */
static const char *const outcome_keys[] = { "verdict", "limit" };

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
	size_t n = json_object_array_length(ncells), regressions = 0, matched = 0, ng = 0;
	struct junit_case *cases = pb_xcalloc(n + 1, sizeof(*cases));
	struct strategy_mean geo[64];
	bool deterministic;
	double threshold;

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
	deterministic = !strcmp(nmode, "deterministic");
	threshold = o->threshold_pct >= 0 ? o->threshold_pct : deterministic ? 1.0 : 10.0;
	fprintf(out, "pinbench compare: %s/%s, threshold %.2f%% (%s)\n", naccel, nmode, threshold,
		deterministic ? "deterministic: every change is exact" :
		"wall: one run per side, no significance test possible");

	for (size_t i = 0; i < n; i++) {
		struct json_object *nc = json_object_array_get_idx(ncells, i), *bc;
		const char *id = get_str(nc, "id"), *workload = get_str(nc, "workload");
		const char *strategy = get_str(nc, "strategy");
		struct json_object *bm, *nm;
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
		bm = pb_json_get(bc, "metrics");
		nm = pb_json_get(nc, "metrics");
		for (size_t k = 0; k < ARRAY_SIZE(outcome_keys); k++) {
			const char *bv = get_str(bm, outcome_keys[k]), *nv = get_str(nm, outcome_keys[k]);

			if ((bv || nv) && (!bv || !nv || strcmp(bv, nv))) {
				snprintf(line, sizeof(line), "%s: %s -> %s", outcome_keys[k], bv ? bv : "none",
					 nv ? nv : "none");
				fprintf(out, "%s: %s\n", id, line);
				note(&cases[i].failure, line);
			}
		}
		for (size_t k = 0; k < ARRAY_SIZE(metric_defs); k++) {
			const struct metric_def *d = &metric_defs[k];
			double b, v, pct, worse;
			bool regressed;

			if (!workload || strcmp(d->workload, workload) || !metric_value(bm, d->path, &b) ||
			    !metric_value(nm, d->path, &v))
				continue;
			if (b == 0 && v == 0)
				continue;
			pct = b ? (v - b) / b * 100.0 : INFINITY;
			/* How much worse, as a ratio above 1: for the geometric mean per strategy. */
			worse = d->better == LOWER ? (b > 0 && v > 0 ? v / b : 1) : (b > 0 && v > 0 ? b / v : 1);
			geo_add(geo, &ng, strategy ? strategy : "?", worse);
			regressed = (d->better == LOWER ? pct : -pct) > threshold;
			if (!o->verbose && !regressed && fabs(pct) <= threshold)
				continue;
			snprintf(line, sizeof(line), "%s: %.6g -> %.6g %s (%+.2f%%)%s", d->path, b, v, d->unit,
				 pct, regressed ? " REGRESSION" : fabs(pct) > threshold ? " improved" : "");
			fprintf(out, "%s: %s\n", id, line);
			if (regressed)
				note(&cases[i].failure, line);
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
	for (size_t g = 0; g < ng; g++)
		fprintf(out, "  %-18s %+.2f%% over %zu figures\n", geo[g].name,
			(exp(geo[g].log_sum / (double)geo[g].n) - 1) * 100.0, geo[g].n);
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
