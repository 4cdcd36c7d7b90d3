// SPDX-License-Identifier: GPL-2.0
/* noop.c: the noop workload on the host: the harness floor, what a timed call costs with nothing in it. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "render.h"
#include "results.h"
#include "table.h"
#include "util.h"
#include "workload.h"

static int noop_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	struct json_object *phase;
	uint64_t calls = pb_raw_u64(raw, "calls");

	if (!calls || pb_add_hist_summary(m, "call_ns", raw, "call_ns", 1.0) < 0 ||
	    !json_object_object_get_ex(raw, "phase_ns", &phase)) {
		snprintf(reason, len, "raw noop data incomplete");
		return -1;
	}
	json_object_object_add(m, "phase_ns_per_call",
			       json_object_new_double((double)pb_raw_u64(phase, "sum") / (double)calls));
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "call_ns", "ns", PB_LOWER, "p50",
	  "one call timed alone around an acquire and a release that do nothing: the clock read "
	  "and the call, what every per-call figure of the other workloads holds beyond its own work" },
	{ "phase_ns_per_call", "ns", PB_LOWER, NULL,
	  "all calls timed as one sample, per call: the call and the loop, without the clock read" },
};

static const struct pb_headline headlines[] = {
	{ "call_ns", "p50", "harness floor per timed call (p50)" },
};

/* Each call timed alone, then all timed as one sample. */
static const struct pb_wl_option options[] = {
	{ &pb_opt_calls, "100000" },
};

static void report(struct pb_text *b, struct json_object *root)
{
	struct json_object *cells = md_obj(root, "cells");
	struct pb_table *t = NULL;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *m = md_obj(c, "metrics");

		if (strcmp(pb_json_str(c, "workload", "?"), "noop"))
			continue;
		if (!t) {
			pb_text_put(b, "## noop\n\nThe harness floor: the timed loop with an acquire and a release "
				    "that do nothing. **call** one call timed alone (a clock read and the call, "
				    "ns); **ns/call** all calls timed as one sample, per call. A per-call figure "
				    "of another workload in the same mode holds this much beyond its own work.\n\n");
			t = pb_table_new();
			pb_table_col(t, "calls", true, PB_NEITHER, false);
			pb_table_col_metric(t, "call p50", "noop", "call_ns");
			pb_table_col_metric(t, "p99", "noop", "call_ns");
			pb_table_col_metric(t, "ns/call", "noop", "phase_ns_per_call");
			pb_table_col(t, "status", false, PB_NEITHER, false);
		}
		pb_table_row(t, md_row_ok(c));
		pb_table_text(t, "%s", pb_json_str(c, "params.calls", "?"));
		md_tnum(t, md_obj(md_obj(m, "call_ns"), "p50"), md_num);
		md_tnum(t, md_obj(md_obj(m, "call_ns"), "p99"), md_num);
		md_tnum(t, md_obj(m, "phase_ns_per_call"), md_num);
		md_tstatus(t, c);
	}
	if (t) {
		pb_table_render(t, b);
		pb_text_put(b, "\n");
	}
}

const struct pb_workload pb_wl_noop = {
	.name = "noop",
	.summary = "the harness floor: what a timed call costs with an acquire and a release that do nothing",
	.order = 80,
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.compute = noop_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
	.report = report,
};
