// SPDX-License-Identifier: GPL-2.0
/* check_results.c: assert that a run's results.json holds the documented contract; compare medians of two runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "metrics.h"
#include "util.h"
#include "workload.h"

static int failures;

#define FAIL(...) do { printf("check_results: " __VA_ARGS__); putchar('\n'); failures++; } while (0)

static struct json_object *need(struct json_object *o, const char *path)
{
	char *copy = strdup(path), *save = NULL, *tok;
	struct json_object *cur = o;

	for (tok = strtok_r(copy, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(cur, tok, &cur))
			cur = NULL;
	if (!cur)
		FAIL("missing %s", path);
	free(copy);
	return cur;
}

static const char *const summary[] = { "n", "mean", "stddev", "min", "p50", "p90", "p99", "max" };

/* What every ok cell of a workload must carry, with the summaries complete. */
static void check_metrics(const char *id, const char *workload, struct json_object *m)
{
	static const char *const gup_fast[] = { "acquire_ns_per_page", "release_ns_per_page", NULL };
	static const char *const small_dio[] = { "latency_ns", "acquire_ns_per_io", "release_ns_per_io",
						 "residency_ns", NULL };
	static const char *const irq_completion[] = { "handler_ns_per_interrupt",
						      "release_ns_per_completion", "residency_ns",
						      "done_ns", NULL };
	const char *const *names = NULL, *positive = NULL, *rate = NULL;

	if (workload && !strcmp(workload, "gup_fast")) {
		names = gup_fast;
		positive = "acquire_ns_per_page.p50";
		rate = "calls_per_s";
	} else if (workload && !strcmp(workload, "stock_dio")) {
		positive = "latency_ns.p50";	/* fio's summaries are its own: p50..p99.9 */
		rate = "iops";
	} else if (workload && !strcmp(workload, "irq_completion")) {
		names = irq_completion;
		positive = "handler_ns_per_interrupt.p50";
		rate = "completion_rate_hz";
		need(m, "sustained");
		need(m, "max_backlog");
	} else if (workload && !strcmp(workload, "truncate_under_dma")) {
		need(m, "verdict");
		need(m, "iterations");
		/* Every iteration refused: no truncate ran with the device on. */
		if (json_object_get_uint64(need(m, "refused")) < json_object_get_uint64(need(m, "iterations")))
			positive = "truncate_ns.p50";
	} else if (workload && !strcmp(workload, "writeback_under_dma")) {
		need(m, "verdict");
		positive = "fsync_ns.p50";
	} else if (workload && !strcmp(workload, "small_dio")) {
		names = small_dio;
		positive = "latency_ns.p50";
		rate = "iops";
	}
	/* Every summary's quantiles lie in [min, max], in order. */
	json_object_object_foreach(m, key, v) {
		static const char *const order[] = { "min", "p50", "p90", "p99", "p99_9", "max" };
		double last = -INFINITY;
		const char *after = NULL;

		struct json_object *q;

		if (!json_object_is_type(v, json_type_object) || !json_object_object_get_ex(v, "min", NULL) ||
		    !json_object_object_get_ex(v, "max", NULL))
			continue;
		for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			if (!json_object_object_get_ex(v, order[k], &q) || !q)
				continue;
			if (json_object_get_double(q) < last)
				FAIL("%s: %s.%s %g is below %s %g", id, key, order[k], json_object_get_double(q),
				     after, last);
			last = json_object_get_double(q);
			after = order[k];
		}
	}
	for (size_t n = 0; names && names[n]; n++) {
		for (size_t k = 0; k < sizeof(summary) / sizeof(summary[0]); k++) {
			char p[128];

			snprintf(p, sizeof(p), "%s.%s", names[n], summary[k]);
			need(m, p);
		}
	}
	if (positive && json_object_get_double(need(m, positive)) <= 0)
		FAIL("%s: %s is not positive", id, positive);
	if (rate && json_object_get_double(need(m, rate)) <= 0)
		FAIL("%s: %s is not positive", id, rate);
}

static void check_contract(struct json_object *r, const char *want_strategies, int all_ok)
{
	static const char *const fields[] = {
		"schema_version", "pinbench.version", "pinbench.git_sha", "run.cmdline", "run.started_at",
		"run.mode", "run.accel", "run.repeat", "host.cpu_model", "host.cpus",
		"host.kernel_release", "guest.kernel_release", "guest.vcpus", "guest.mem_mib",
		"guest.qemu_version", "cells",
	};
	struct json_object *cells, *v;
	char *strategies = strdup(want_strategies ? want_strategies : ""), *save = NULL, *tok;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		need(r, fields[i]);
	v = need(r, "run.mode");
	if (v && strcmp(json_object_get_string(v), "wall") && strcmp(json_object_get_string(v), "deterministic"))
		FAIL("run.mode is '%s'", json_object_get_string(v));
	v = need(r, "run.accel");
	if (v && strcmp(json_object_get_string(v), "kvm") && strcmp(json_object_get_string(v), "tcg"))
		FAIL("run.accel is '%s'", json_object_get_string(v));
	cells = need(r, "cells");
	if (!cells)
		return;
	if (!json_object_array_length(cells))
		FAIL("no cells");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *m, *acq, *rel;
		const char *id = json_object_get_string(need(c, "id"));
		const char *st;

		need(c, "workload");
		need(c, "strategy");
		/* Every metric is in the one table, with its unit and direction. */
		if (json_object_object_get_ex(c, "metrics", &m) && json_object_get_string(need(c, "workload"))) {
			json_object_object_foreach(m, key, val) {
				(void)val;
				if (!pb_metric_find(json_object_get_string(need(c, "workload")), key))
					FAIL("%s: metric '%s' is not declared by its workload (bench/host/wl/)", id, key);
			}
		}
		need(c, "params");
		need(c, "reason");
		st = json_object_get_string(need(c, "status"));
		if (!st || (strcmp(st, "ok") && strcmp(st, "unsupported") && strcmp(st, "failed") &&
			    strcmp(st, "skipped")))
			FAIL("%s: status '%s'", id, st);
		need(c, "pin_balance");
		if (st && !strcmp(st, "ok")) {
			/* Only a cell that ran has a balance; others carry nulls. */
			acq = need(c, "pin_balance.acquired");
			rel = need(c, "pin_balance.released");
			if (json_object_get_uint64(acq) != json_object_get_uint64(rel))
				FAIL("%s: pin balance %llu/%llu", id,
				     (unsigned long long)json_object_get_uint64(acq),
				     (unsigned long long)json_object_get_uint64(rel));
			m = need(c, "metrics");
			if (m)
				check_metrics(id, json_object_get_string(need(c, "workload")), m);
			/* The module's own leak accounting (absent before ABI version 2). */
			if (json_object_object_get_ex(c, "module_counts", &m)) {
				static const char *const zero[] = { "pages_held", "registrations",
								    "tracking_objects", "notifiers" };

				for (size_t k = 0; k < sizeof(zero) / sizeof(zero[0]); k++)
					if (json_object_get_uint64(json_object_object_get(m, zero[k])))
						FAIL("%s: module_counts.%s is %llu after the cell", id, zero[k],
						     (unsigned long long)json_object_get_uint64(
							     json_object_object_get(m, zero[k])));
				if (json_object_get_uint64(json_object_object_get(m, "open_files")) != 1)
					FAIL("%s: module_counts.open_files is not 1", id);
			}
		} else if (all_ok && st && strcmp(st, "unsupported")) {
			FAIL("%s: %s: %s", id, st, json_object_get_string(need(c, "reason")));
		}
	}
	for (tok = strtok_r(strategies, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int seen = 0;

		for (size_t i = 0; i < json_object_array_length(cells); i++) {
			struct json_object *c = json_object_array_get_idx(cells, i);

			seen += !strcmp(json_object_get_string(json_object_object_get(c, "strategy")), tok) &&
				!strcmp(json_object_get_string(json_object_object_get(c, "status")), "ok");
		}
		if (!seen)
			FAIL("no ok cell for strategy %s", tok);
	}
	free(strategies);
}

/*
 * Deterministic mode: every figure compare judges (each workload's
 * metric definitions say which), in every cell both runs have ok, is the
 * same number to the last bit, or the same word.
 */
static void compare_judged(struct json_object *a, struct json_object *b)
{
	struct json_object *ca = need(a, "cells"), *cb = need(b, "cells");
	size_t compared = 0;

	if (!ca || !cb)
		return;
	for (size_t i = 0; i < json_object_array_length(ca); i++) {
		struct json_object *x = json_object_array_get_idx(ca, i), *y = NULL;
		const char *id = pb_json_str(x, "id", "?");
		const struct pb_workload *w = pb_workload_find(pb_json_str(x, "workload", "?"));

		for (size_t j = 0; j < json_object_array_length(cb) && !y; j++)
			if (!strcmp(id, pb_json_str(json_object_array_get_idx(cb, j), "id", "")))
				y = json_object_array_get_idx(cb, j);
		if (!y || !w || strcmp(pb_json_str(x, "status", "?"), "ok") ||
		    strcmp(pb_json_str(y, "status", "?"), "ok"))
			continue;
		for (size_t k = 0; k < w->nr_metrics; k++) {
			const char *f = w->metrics[k].judged;

			if (!f)
				continue;
			do {
				size_t flen = strcspn(f, ",");
				char path[160];
				struct json_object *vx, *vy;

				snprintf(path, sizeof(path), "metrics.%s%s%.*s", w->metrics[k].name,
					 flen ? "." : "", (int)flen, f);
				vx = pb_json_path(x, path);
				vy = pb_json_path(y, path);
				f += flen + (f[flen] == ',');
				if (!vx && !vy)
					continue;
				compared++;
				if (!vx || !vy || json_object_get_type(vx) != json_object_get_type(vy) ||
				    (json_object_is_type(vx, json_type_string) ?
				     strcmp(json_object_get_string(vx), json_object_get_string(vy)) :
				     json_object_get_double(vx) != json_object_get_double(vy)))
					FAIL("%s: %s is %s in one run and %s in the other", id, path + 8,
					     vx ? json_object_to_json_string(vx) : "absent",
					     vy ? json_object_to_json_string(vy) : "absent");
			} while (*f);
		}
	}
	if (!compared)
		FAIL("no judged figures in common to compare");
	printf("check_results: compared %zu judged figures, to the last bit\n", compared);
}

int main(int argc, char **argv)
{
	struct json_object *r;
	const char *strategies = NULL, *identical = NULL;
	int all_ok = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: check_results RESULTS.json [--strategies a,b] [--all-ok] [--identical-judged OTHER.json]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--strategies") && i + 1 < argc)
			strategies = argv[++i];
		else if (!strcmp(argv[i], "--all-ok"))
			all_ok = 1;
		else if (!strcmp(argv[i], "--identical-judged") && i + 1 < argc)
			identical = argv[++i];
		else
			return 2;
	}
	r = json_object_from_file(argv[1]);
	if (!r) {
		printf("check_results: %s: %s\n", argv[1], json_util_get_last_err());
		return 1;
	}
	check_contract(r, strategies, all_ok);
	if (identical) {
		struct json_object *o = json_object_from_file(identical);

		if (!o)
			FAIL("%s: %s", identical, json_util_get_last_err());
		else
			compare_judged(r, o);
		json_object_put(o);
	}
	json_object_put(r);
	return failures ? 1 : 0;
}
