// SPDX-License-Identifier: GPL-2.0
/* results.c: the one results structure: cells from raw guest data, metrics with units in their names. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "workload.h"

void pb_add_vmstat_metrics(struct json_object *raw, struct json_object *m)
{
	struct json_object *vm = pb_json_get(raw, "vmstat");

	if (!vm || !json_object_is_type(vm, json_type_object))
		return;
	json_object_object_foreach(vm, k, v) {
		char name[96];

		if (!json_object_is_type(v, json_type_int) || !pb_is_ident(k))
			continue;
		snprintf(name, sizeof(name), "vm_%s", k);
		json_object_object_add(m, name, json_object_new_uint64(json_object_get_uint64(v)));
	}
}

uint64_t pb_raw_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

int pb_add_hist_summary(struct json_object *metrics, const char *name,
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

int pb_metrics_compute(const char *workload, struct json_object *raw, struct json_object *metrics,
		       char *reason, size_t len)
{
	const struct pb_workload *w = pb_workload_find(workload);

	if (!w || !w->compute) {
		snprintf(reason, len, "no metrics defined for workload %s", workload);
		return -1;
	}
	return w->compute(raw, metrics, reason, len);
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
	if (json_object_object_get_ex(plan_cell, "boot", &v))	/* booted with a memory layout of its own */
		json_object_object_add(c, "boot", json_object_get(v));
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
		/* The emulator's speed around the cell (wall mode): run.c judges it. */
		if (json_object_object_get_ex(raw_cell, "speed_probe_ns", &v) &&
		    json_object_is_type(v, json_type_array))
			json_object_object_add(c, "speed_probe_ns", json_object_get(v));
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
	if (raw && json_object_object_get_ex(raw, "strategy_props", &v)) {
		/* What the strategy is (holds FOLL_PIN pins, holds no page...), as the module says. */
		uint64_t props = json_object_get_uint64(v);
		struct json_object *pl = json_object_new_array();

#define PB_X_PROP_NAME(sym, bit, name)					\
		if (props & PINBENCH_PROP_##sym)				\
			json_object_array_add(pl, json_object_new_string(name));
		PINBENCH_PROPS(PB_X_PROP_NAME)
#undef PB_X_PROP_NAME
		json_object_object_add(c, "properties", pl);
	}
	/* Raw histograms stay, so later tools can merge repetitions exactly. */
	json_object_object_add(c, "raw", raw ? json_object_get(raw) : NULL);
	return c;
}

void pb_cell_label(struct json_object *cell, char *out, size_t len)
{
	struct json_object *params = pb_json_get(cell, "params"), *v;
	const char *wl = (v = pb_json_get(cell, "workload")) ? json_object_get_string(v) : "";
	const char *st = (v = pb_json_get(cell, "strategy")) ? json_object_get_string(v) : "?";
	const char *reg = (v = pb_json_get(params, "registration")) ? json_object_get_string(v) : "";
	const char *engine = (v = pb_json_get(params, "engine")) ? json_object_get_string(v) : "?";
	bool fixed = json_object_get_int64(pb_json_get(params, "fixedbufs")) != 0;

	/* The stock kernel's own paths, by who drives them. */
	if (!strcmp(wl, "truncate_stock")) {
		snprintf(out, len, "stock: %s", fixed ? "io_uring fixed buffers" : "O_DIRECT reads");
		return;
	}
	if (!strcmp(wl, "stock_dio")) {
		snprintf(out, len, "stock: %s%s", engine, fixed ? " fixed buffers" : "");
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
