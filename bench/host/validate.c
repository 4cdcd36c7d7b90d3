// SPDX-License-Identifier: GPL-2.0
/*
 * validate.c: the one check every consumer of a results.json makes before it
 * reads a field (report, cells, compare, merge, publish, nightly's baseline).
 *
 * A results file travels (a colleague's baseline, a CI artefact, a published
 * run re-rendered elsewhere), so it is hostile until this has passed. The
 * renderers may then take a field's type for granted: a cell's "params" is
 * an object, "status" a string, a figure a finite number. What is checked,
 * and why:
 *  - every field results/schema.md names has its declared type where it is
 *    present, and the ones the renderers cannot do without are present;
 *  - numbers are finite (json-c reads NaN and Infinity), counts are whole
 *    and not negative;
 *  - identifiers (a cell's id, workload, strategy, parameter names and word
 *    values, metric names, capabilities) are made of [A-Za-z0-9_.,:=/+-]
 *    only, as every pinbench writes them: they become file names, plot
 *    labels, table cells and CSV columns, and no quoting is then needed for
 *    them to stay what they are. Free text (a reason, a verdict, the
 *    kernel log, the host's CPU name) may hold anything but NUL, and each
 *    output format escapes it (escape.c);
 *  - cell ids are unique: compare and merge match cells by id;
 *  - raw histograms that a renderer reads (latency_ns) decode, with their
 *    counts adding up to n.
 * Fields this pinbench does not know are allowed: a newer pinbench may add
 * fields without a schema_version change (schema.md's promise).
 * The first violation is reported as a path ("cells[3].params is not an
 * object"); the callers then exit 2 and write nothing.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "job.h"
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"

enum {
	T_STR = 1u << 0,
	T_INT = 1u << 1,	/* a whole number, not negative */
	T_NUM = 1u << 2,	/* any finite number */
	T_BOOL = 1u << 3,
	T_NULL = 1u << 4,
	T_OBJ = 1u << 5,
	T_ARR = 1u << 6,
	T_IDENT = 1u << 7,	/* with T_STR: an identifier */
};

struct vctx {
	char *err;
	size_t len;
	int failed;
};

static int fail(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct vctx *v, const char *fmt, ...)
{
	va_list ap;

	if (v->failed++)
		return -1;
	va_start(ap, fmt);
	vsnprintf(v->err, v->len, fmt, ap);
	va_end(ap);
	return -1;
}

bool pb_is_ident(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("_.,:=/+-", *s)))
			return false;
	return true;
}

static const char *type_words(unsigned t)
{
	static char buf[128];

	buf[0] = 0;
#define W(bit, word) if (t & (bit)) snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", buf[0] ? " or " : "", word)
	W(T_STR, t & T_IDENT ? "an identifier" : "a string");
	W(T_INT, "a whole number >= 0");
	W(T_NUM, "a finite number");
	W(T_BOOL, "a boolean");
	W(T_NULL, "null");
	W(T_OBJ, "an object");
	W(T_ARR, "an array");
#undef W
	return buf;
}

/* Whether o (NULL: absent) has one of the types; reported as path when not. */
static int check_type(struct vctx *v, struct json_object *o, unsigned types, const char *path)
{
	enum json_type t = json_object_get_type(o);
	bool ok;

	switch (t) {
	case json_type_string:
		ok = types & T_STR;
		if (ok && strlen(json_object_get_string(o)) != (size_t)json_object_get_string_len(o))
			return fail(v, "%s has a NUL character", path);
		if (ok && (types & T_IDENT) && !pb_is_ident(json_object_get_string(o)))
			return fail(v, "%s is not an identifier (letters, digits and _.,:=/+- only)", path);
		break;
	case json_type_int:
		ok = (types & T_NUM) || ((types & T_INT) && json_object_get_int64(o) >= 0);
		break;
	case json_type_double:
		ok = types & T_NUM;
		if (ok && !isfinite(json_object_get_double(o)))
			return fail(v, "%s is not a finite number", path);
		break;
	case json_type_boolean:
		ok = types & T_BOOL;
		break;
	case json_type_null:
		ok = types & T_NULL;
		break;
	case json_type_object:
		ok = types & T_OBJ;
		break;
	case json_type_array:
		ok = types & T_ARR;
		break;
	default:
		ok = false;
	}
	return ok ? 0 : fail(v, "%s is not %s", path, type_words(types));
}

struct field {
	const char *key;
	unsigned types;
	bool required;
	/* The elements of an array, or every member of an object (0: unchecked). */
	unsigned each;
};

/* o's listed members, each by its type; path is o's own. */
static int check_fields(struct vctx *v, struct json_object *o, const char *path, const struct field *f,
			size_t n)
{
	char sub[256];

	for (size_t i = 0; i < n; i++) {
		struct json_object *m = pb_json_get(o, f[i].key);

		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", f[i].key);
		if (!m && !json_object_object_get_ex(o, f[i].key, NULL)) {
			if (f[i].required)
				return fail(v, "%s is missing", sub);
			continue;
		}
		if (check_type(v, m, f[i].types, sub) < 0)
			return -1;
		if (!f[i].each)
			continue;
		if (json_object_is_type(m, json_type_array)) {
			for (size_t k = 0; k < json_object_array_length(m); k++) {
				char el[300];

				snprintf(el, sizeof(el), "%s[%zu]", sub, k);
				if (check_type(v, json_object_array_get_idx(m, k), f[i].each, el) < 0)
					return -1;
			}
		} else if (json_object_is_type(m, json_type_object)) {
			json_object_object_foreach(m, k, e) {
				char el[300];

				snprintf(el, sizeof(el), "%s.%s", sub, k);
				if (!pb_is_ident(k))
					return fail(v, "%s: the name is not an identifier", el);
				if (check_type(v, e, f[i].each, el) < 0)
					return -1;
			}
		}
	}
	return 0;
}

static const struct field top_fields[] = {
	{ "schema_version", T_INT, true },
	{ "pinbench", T_OBJ, true },
	{ "run", T_OBJ, true },
	{ "host", T_OBJ, true },
	{ "guest", T_OBJ, true },
	{ "cells", T_ARR, true, T_OBJ },
	{ "shard_hosts", T_ARR, false, T_OBJ },
};

static const struct field pinbench_fields[] = {
	{ "version", T_STR }, { "git_sha", T_STR },
};

static const struct field run_fields[] = {
	{ "name", T_STR }, { "job", T_STR }, { "cmdline", T_STR }, { "started_at", T_STR },
	{ "mode", T_STR | T_IDENT }, { "accel", T_STR | T_IDENT }, { "accel_reason", T_STR },
	{ "repeat", T_INT }, { "boots", T_INT }, { "calibrate_ns_per_page", T_INT },
	{ "shard", T_STR }, { "plan_cells", T_INT }, { "merged_from", T_ARR, false, T_OBJ },
	{ "boot_ready_s", T_NUM | T_NULL }, { "boot_to_first_cell_s", T_NUM | T_NULL },
	{ "boot_timeline", T_ARR | T_NULL, false, T_OBJ }, { "boot_before_kernel_s", T_NUM | T_NULL },
	{ "module_unload", T_STR }, { "kernel_log_splats", T_ARR, false, T_STR },
	{ "emulator_faults", T_ARR, false, T_STR }, { "guest_problem", T_STR | T_NULL },
	{ "ab_side", T_STR }, { "ab_order", T_STR }, { "jobs", T_INT }, { "wall_s", T_NUM },
	{ "adaptive", T_OBJ }, { "speed_probe_reference_ns", T_NUM | T_NULL },
};

static const struct field host_fields[] = {
	{ "cpu_model", T_STR }, { "cpus", T_INT }, { "kernel_release", T_STR },
};

static const struct field guest_fields[] = {
	{ "kernel_release", T_STR }, { "kernel_version", T_STR }, { "vcpus", T_INT }, { "mem_mib", T_INT },
	{ "qemu_version", T_STR }, { "clocksource", T_STR }, { "clock_read_ns", T_NUM | T_NULL },
	{ "thp_enabled", T_STR }, { "abi_version", T_INT }, { "kernel_image", T_STR }, { "kernel_boot_image", T_STR },
	{ "kernel_build_tree", T_STR }, { "qemu_cmdline", T_STR }, { "topology", T_OBJ },
	{ "calibrate_ns_per_page", T_INT }, { "boot_profiles", T_OBJ, false, T_STR },
};

static const struct field topology_fields[] = {
	{ "packages", T_INT }, { "numa_nodes", T_INT }, { "cores", T_INT }, { "pus", T_INT },
	{ "pu_os_index", T_ARR, false, T_INT }, { "hwloc_api", T_STR },
};

static const struct field cell_fields[] = {
	{ "id", T_STR | T_IDENT, true },
	{ "job", T_STR | T_NULL },
	{ "workload", T_STR | T_IDENT, true },
	{ "strategy", T_STR | T_IDENT, true },
	{ "params", T_OBJ, true, T_STR | T_IDENT | T_NUM | T_BOOL },
	{ "status", T_STR | T_IDENT, true },
	{ "reason", T_STR, true },
	{ "metrics", T_OBJ, true, T_NUM | T_STR | T_BOOL | T_NULL | T_OBJ },
	{ "pin_balance", T_OBJ, true },
	{ "module_counts", T_OBJ, false, T_INT },
	{ "kernel_log", T_ARR, false, T_STR },
	{ "capabilities", T_ARR, false, T_STR | T_IDENT },
	{ "properties", T_ARR, false, T_STR | T_IDENT },
	{ "raw", T_OBJ | T_NULL },
	{ "plan_index", T_INT },
	{ "boot", T_STR | T_IDENT },
	{ "stats", T_OBJ, false, T_OBJ },
	{ "merged_histograms", T_OBJ, false, T_OBJ },
	{ "repetitions", T_ARR, false, T_OBJ },
	{ "speed_probe_ns", T_ARR, false, T_NUM }, { "slowdown", T_NUM },
	{ "repetitions_set_aside", T_INT }, { "adaptive", T_OBJ },
};

/* Adaptive repetitions: the run's record, and each cell's. */
static const struct field run_adaptive_fields[] = {
	{ "ci_target_pct", T_NUM, true }, { "repeat_min", T_INT, true }, { "repeat_max", T_INT, true },
	{ "rounds", T_INT, true }, { "cells_met", T_INT, true }, { "cells_not_met", T_INT, true },
};

static const struct field cell_adaptive_fields[] = {
	{ "target_pct", T_NUM, true }, { "repetitions", T_INT, true }, { "widest_figure", T_STR | T_NULL },
	{ "widest_ci95_pct", T_NUM | T_NULL }, { "met", T_BOOL, true },
};

static const struct field pin_balance_fields[] = {
	{ "acquired", T_INT | T_NULL, true }, { "released", T_INT | T_NULL, true },
};

static const struct field repetition_fields[] = {
	{ "status", T_STR | T_IDENT, true }, { "reason", T_STR },
	{ "speed_probe_ns", T_ARR, false, T_NUM }, { "slowdown", T_NUM }, { "set_aside", T_BOOL },
};

/*
 * A metric summary ({"n","mean",...,"p99","max"}; with repetitions each is
 * the mean over them, n too) or a stats entry (with "values").
 */
static int check_summary(struct vctx *v, struct json_object *o, const char *path)
{
	char sub[300];

	json_object_object_foreach(o, k, e) {
		snprintf(sub, sizeof(sub), "%s.%s", path, k);
		if (!pb_is_ident(k))
			return fail(v, "%s: the name is not an identifier", sub);
		if (!strcmp(k, "values")) {
			if (check_type(v, e, T_ARR, sub) < 0)
				return -1;
			for (size_t i = 0; i < json_object_array_length(e); i++) {
				char el[340];

				snprintf(el, sizeof(el), "%s[%zu]", sub, i);
				if (check_type(v, json_object_array_get_idx(e, i), T_NUM, el) < 0)
					return -1;
			}
		} else if (check_type(v, e, T_NUM | T_NULL, sub) < 0) {
			return -1;
		}
	}
	return 0;
}

/* A histogram the renderers decode ({"n","sum","min","max","buckets"}). */
static int check_hist(struct vctx *v, struct json_object *o, const char *path)
{
	struct pb_hist h;
	int bad = pb_hist_from_json(o, &h);

	pb_hist_free(&h);
	return bad ? fail(v, "%s is not a histogram (n, sum, min, max, buckets [[index < %u, count], ...] "
			  "adding up to n)", path, PINBENCH_HIST_BUCKETS) : 0;
}

static int check_cell(struct vctx *v, struct json_object *c, size_t i)
{
	static const char *const statuses[] = { "ok", "unsupported", "failed", "skipped" };
	const char *status;
	char path[64], sub[300];
	struct json_object *o;
	size_t k;

	snprintf(path, sizeof(path), "cells[%zu]", i);
	if (check_fields(v, c, path, cell_fields, ARRAY_SIZE(cell_fields)) < 0)
		return -1;
	status = json_object_get_string(pb_json_get(c, "status"));
	for (k = 0; k < ARRAY_SIZE(statuses) && strcmp(statuses[k], status); k++)
		;
	if (k == ARRAY_SIZE(statuses))
		return fail(v, "%s.status is \"%s\", not ok, unsupported, failed or skipped", path, status);
	snprintf(sub, sizeof(sub), "%s.pin_balance", path);
	if (check_fields(v, pb_json_get(c, "pin_balance"), sub, pin_balance_fields,
			 ARRAY_SIZE(pin_balance_fields)) < 0)
		return -1;
	snprintf(sub, sizeof(sub), "%s.adaptive", path);
	if (pb_json_get(c, "adaptive") &&
	    check_fields(v, pb_json_get(c, "adaptive"), sub, cell_adaptive_fields,
			 ARRAY_SIZE(cell_adaptive_fields)) < 0)
		return -1;
	json_object_object_foreach(pb_json_get(c, "metrics"), mk, mv) {
		snprintf(sub, sizeof(sub), "%s.metrics.%s", path, mk);
		if (json_object_is_type(mv, json_type_object) && check_summary(v, mv, sub) < 0)
			return -1;
	}
	if ((o = pb_json_get(c, "stats"))) {
		json_object_object_foreach(o, sk, sv) {
			snprintf(sub, sizeof(sub), "%s.stats.%s", path, sk);
			if (check_summary(v, sv, sub) < 0)
				return -1;
		}
	}
	o = pb_json_get(c, "repetitions");
	for (k = 0; o && k < json_object_array_length(o); k++) {
		snprintf(sub, sizeof(sub), "%s.repetitions[%zu]", path, k);
		if (check_fields(v, json_object_array_get_idx(o, k), sub, repetition_fields,
				 ARRAY_SIZE(repetition_fields)) < 0)
			return -1;
	}
	/* The one raw figure a renderer decodes: small_dio's latency CDF. */
	if ((o = pb_json_path(c, "merged_histograms.latency_ns"))) {
		snprintf(sub, sizeof(sub), "%s.merged_histograms.latency_ns", path);
		if (check_hist(v, o, sub) < 0)
			return -1;
	}
	if ((o = pb_json_path(c, "raw.latency_ns"))) {
		snprintf(sub, sizeof(sub), "%s.raw.latency_ns", path);
		if (check_type(v, o, T_OBJ, sub) < 0 || check_hist(v, o, sub) < 0)
			return -1;
	}
	return 0;
}

struct id_at {
	const char *id;
	size_t idx;
};

static int cmp_id(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

int pb_results_check(struct json_object *root, char *err, size_t len)
{
	struct vctx v = { .err = err, .len = len };
	struct json_object *cells, *o;
	struct id_at *ids;
	size_t n;
	int ret = 0;

	if (!json_object_is_type(root, json_type_object))
		return fail(&v, "the top level is not an object");
	if (check_fields(&v, root, "", top_fields, ARRAY_SIZE(top_fields)) < 0)
		return -1;
	if (json_object_get_int64(pb_json_get(root, "schema_version")) != PB_SCHEMA_VERSION)
		return fail(&v, "schema_version %s, this pinbench reads %d",
			    json_object_get_string(pb_json_get(root, "schema_version")), PB_SCHEMA_VERSION);
	if (check_fields(&v, pb_json_get(root, "pinbench"), "pinbench", pinbench_fields,
			 ARRAY_SIZE(pinbench_fields)) < 0 ||
	    check_fields(&v, pb_json_get(root, "run"), "run", run_fields, ARRAY_SIZE(run_fields)) < 0 ||
	    check_fields(&v, pb_json_get(root, "host"), "host", host_fields, ARRAY_SIZE(host_fields)) < 0 ||
	    check_fields(&v, pb_json_get(root, "guest"), "guest", guest_fields, ARRAY_SIZE(guest_fields)) < 0 ||
	    (pb_json_path(root, "run.adaptive") &&
	     check_fields(&v, pb_json_path(root, "run.adaptive"), "run.adaptive", run_adaptive_fields,
			  ARRAY_SIZE(run_adaptive_fields)) < 0))
		return -1;
	if ((o = pb_json_get(pb_json_get(root, "guest"), "topology")) &&
	    check_fields(&v, o, "guest.topology", topology_fields, ARRAY_SIZE(topology_fields)) < 0)
		return -1;
	/* A shard "K/N": merge sizes a table by N. */
	if ((o = pb_json_path(root, "run.shard"))) {
		unsigned int k, kn;
		char end;

		if (sscanf(json_object_get_string(o), "%u/%u%c", &k, &kn, &end) != 2 || !k || k > kn ||
		    kn > PB_MAX_CELLS)
			return fail(&v, "run.shard \"%s\" is not K/N with 1 <= K <= N <= %u",
				    json_object_get_string(o), PB_MAX_CELLS);
	}
	if ((o = pb_json_path(root, "run.plan_cells")) && json_object_get_int64(o) > PB_MAX_CELLS)
		return fail(&v, "run.plan_cells is more than a plan holds (%u)", PB_MAX_CELLS);
	o = pb_json_path(root, "run.merged_from");
	for (size_t i = 0; o && i < json_object_array_length(o); i++) {
		static const struct field merged_fields[] = {
			{ "shard", T_STR }, { "cmdline", T_STR }, { "started_at", T_STR }, { "boots", T_INT },
			{ "module_unload", T_STR }, { "speed_probe_reference_ns", T_NUM | T_NULL },
			{ "adaptive_rounds", T_INT },
		};
		char path[64];

		snprintf(path, sizeof(path), "run.merged_from[%zu]", i);
		if (check_fields(&v, json_object_array_get_idx(o, i), path, merged_fields,
				 ARRAY_SIZE(merged_fields)) < 0)
			return -1;
	}
	o = pb_json_get(root, "shard_hosts");
	for (size_t i = 0; o && i < json_object_array_length(o); i++) {
		char path[64];

		snprintf(path, sizeof(path), "shard_hosts[%zu]", i);
		if (check_fields(&v, json_object_array_get_idx(o, i), path, host_fields,
				 ARRAY_SIZE(host_fields)) < 0)
			return -1;
	}
	cells = pb_json_get(root, "cells");
	n = json_object_array_length(cells);
	for (size_t i = 0; i < n; i++)
		if (check_cell(&v, json_object_array_get_idx(cells, i), i) < 0)
			return -1;
	/* Unique ids: compare and merge match cells by id. */
	ids = pb_xcalloc(n + 1, sizeof(*ids));
	for (size_t i = 0; i < n; i++) {
		ids[i].id = json_object_get_string(pb_json_get(json_object_array_get_idx(cells, i), "id"));
		ids[i].idx = i;
	}
	qsort(ids, n, sizeof(*ids), cmp_id);
	for (size_t i = 1; i < n && !ret; i++)
		if (!strcmp(ids[i - 1].id, ids[i].id))
			ret = fail(&v, "cells[%zu].id \"%s\" is the id of cells[%zu] too: a cell id is unique",
				   ids[i].idx, ids[i].id, ids[i - 1].idx);
	free(ids);
	return ret;
}
