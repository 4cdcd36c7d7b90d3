// SPDX-License-Identifier: GPL-2.0
/* merge.c: pinbench merge: the shards of one suite (pinbench run --shard K/N) joined into one result. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "job.h"
#include "merge.h"
#include "util.h"

static int cmp_plan_index(const void *a, const void *b)
{
	uint64_t x = json_object_get_uint64(pb_json_get(*(struct json_object *const *)a, "plan_index"));
	uint64_t y = json_object_get_uint64(pb_json_get(*(struct json_object *const *)b, "plan_index"));

	return x < y ? -1 : x > y;
}

/*
 * What every shard must share to be one run: the suite, how it was run,
 * and what ran it. Hosts may differ (that is the point of sharding);
 * each shard's host is kept.
 */
static const char *const same[] = {
	"run.job", "run.mode", "run.accel", "run.repeat", "run.calibrate_ns_per_page", "run.plan_cells",
	"pinbench.git_sha", "guest.kernel_release", "guest.vcpus", "guest.mem_mib", "guest.qemu_version",
	"run.adaptive.ci_target_pct", "run.adaptive.repeat_max",
};

struct json_object *pb_merge(struct json_object **shards, size_t n, char *err, size_t errlen)
{
	struct json_object *out = NULL, *run, *cells, *from, *splats, *hosts, **all = NULL;
	unsigned int nshards = 0, k, kn;
	uint64_t total = 0, boots = 0;
	bool *seen = NULL;
	size_t ncells = 0;
	const char *unload = "ok";

	if (n < 1) {
		snprintf(err, errlen, "name the run directories of the shards");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *sh = pb_json_str(shards[i], "run.shard", "");

		/* No plan has more shards than cells (and kn + 1 must not wrap). */
		if (sscanf(sh, "%u/%u", &k, &kn) != 2 || !k || k > kn || kn > PB_MAX_CELLS) {
			snprintf(err, errlen, "input %zu is not a shard (run.shard is '%s'; run it with --shard K/N)",
				 i + 1, sh);
			goto fail;
		}
		if (!i) {
			nshards = kn;
			seen = pb_xcalloc((size_t)kn + 1, sizeof(*seen));
		} else if (kn != nshards) {
			snprintf(err, errlen, "input %zu is shard %s, the first is one of %u", i + 1, sh, nshards);
			goto fail;
		}
		if (seen[k]) {
			snprintf(err, errlen, "shard %u/%u is given twice", k, kn);
			goto fail;
		}
		seen[k] = true;
		for (size_t f = 0; f < ARRAY_SIZE(same); f++) {
			if (strcmp(pb_json_str(shards[0], same[f], ""),
				   pb_json_str(shards[i], same[f], ""))) {
				snprintf(err, errlen,
					 "the shards are not one run: %s is '%s' in the first and "
					 "'%s' in input %zu",
					 same[f], pb_json_str(shards[0], same[f], ""),
					 pb_json_str(shards[i], same[f], ""), i + 1);
				goto fail;
			}
		}
		ncells += json_object_array_length(pb_json_get(shards[i], "cells"));
	}
	for (k = 1; k <= nshards; k++) {
		if (!seen[k]) {
			snprintf(err, errlen, "shard %u/%u is missing", k, nshards);
			goto fail;
		}
	}
	total = json_object_get_uint64(pb_json_path(shards[0], "run.plan_cells"));
	if (ncells != total) {
		snprintf(err, errlen, "the shards hold %zu cells, the plan has %llu", ncells,
			 (unsigned long long)total);
		goto fail;
	}

	/* The cells in the plan's order, each exactly once. */
	all = pb_xcalloc(ncells + 1, sizeof(*all));
	ncells = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = pb_json_get(shards[i], "cells");

		for (size_t j = 0; j < json_object_array_length(c); j++)
			all[ncells++] = json_object_array_get_idx(c, j);
	}
	qsort(all, ncells, sizeof(*all), cmp_plan_index);
	for (size_t j = 0; j < ncells; j++) {
		struct json_object *pi = pb_json_get(all[j], "plan_index");

		if (!pi || json_object_get_uint64(pi) != j) {
			snprintf(err, errlen, "cell %s has plan_index %s where %zu was due",
				 pb_json_str(all[j], "id", ""),
				 pi ? json_object_get_string(pi) : "(none)", j);
			goto fail;
		}
	}

	out = json_object_new_object();
	json_object_object_foreach(shards[0], key, v) {
		if (strcmp(key, "cells") && strcmp(key, "run") && strcmp(key, "host"))
			json_object_object_add(out, key, json_object_get(v));
	}
	run = json_object_new_object();
	json_object_object_foreach(pb_json_get(shards[0], "run"), rk, rv) {
		if (strcmp(rk, "shard") && strcmp(rk, "started_at") && strcmp(rk, "boots") &&
		    strcmp(rk, "kernel_log_splats") && strcmp(rk, "module_unload") && strcmp(rk, "cmdline") &&
		    strcmp(rk, "boot_ready_s") && strcmp(rk, "boot_to_first_cell_s"))
			json_object_object_add(run, rk, json_object_get(rv));
	}
	from = json_object_new_array();
	splats = json_object_new_array();
	hosts = json_object_new_array();
	for (k = 1; k <= nshards; k++) {
		for (size_t i = 0; i < n; i++) {
			struct json_object *r = pb_json_get(shards[i], "run"), *s, *f;
			unsigned int ki;

			sscanf(pb_json_str(shards[i], "run.shard", ""), "%u/", &ki);
			if (ki != k)
				continue;
			f = json_object_new_object();
			json_object_object_add(f, "shard", json_object_get(pb_json_get(r, "shard")));
			json_object_object_add(f, "cmdline", json_object_get(pb_json_get(r, "cmdline")));
			json_object_object_add(f, "started_at", json_object_get(pb_json_get(r, "started_at")));
			json_object_object_add(f, "boots", json_object_get(pb_json_get(r, "boots")));
			json_object_object_add(f, "module_unload", json_object_get(pb_json_get(r, "module_unload")));
			/* Each shard judged its emulator's speed, and repeated its cells, on its own. */
			if (pb_json_get(r, "speed_probe_reference_ns"))
				json_object_object_add(f, "speed_probe_reference_ns",
						       json_object_get(pb_json_get(r, "speed_probe_reference_ns")));
			if (pb_json_path(r, "adaptive.rounds"))
				json_object_object_add(f, "adaptive_rounds",
						       json_object_get(pb_json_path(r, "adaptive.rounds")));
			json_object_array_add(from, f);
			json_object_array_add(hosts, json_object_get(pb_json_get(shards[i], "host")));
			boots += json_object_get_uint64(pb_json_get(r, "boots"));
			s = pb_json_get(r, "kernel_log_splats");
			for (size_t j = 0; s && j < json_object_array_length(s); j++)
				json_object_array_add(splats, json_object_get(json_object_array_get_idx(s, j)));
			if (strcmp(pb_json_str(shards[i], "run.module_unload", ""), "ok"))
				unload = pb_json_str(shards[i], "run.module_unload", "");
		}
	}
	json_object_object_add(run, "started_at", json_object_get(pb_json_path(shards[0], "run.started_at")));
	json_object_object_add(run, "boots", json_object_new_uint64(boots));
	json_object_object_add(run, "module_unload", json_object_new_string(unload));
	json_object_object_add(run, "kernel_log_splats", splats);
	json_object_object_add(run, "merged_from", from);
	json_object_object_add(out, "run", run);
	/* The first shard's host stands for the run; every shard's is listed. */
	json_object_object_add(out, "host", json_object_get(pb_json_get(shards[0], "host")));
	json_object_object_add(out, "shard_hosts", hosts);
	cells = json_object_new_array();
	for (size_t j = 0; j < ncells; j++) {
		struct json_object *c = NULL;

		json_object_deep_copy(all[j], &c, NULL);
		json_object_object_del(c, "plan_index");
		json_object_array_add(cells, c);
	}
	json_object_object_add(out, "cells", cells);
	if (pb_json_get(run, "adaptive")) {
		/* The run's adaptive record over every shard's cells: the most rounds any shard took. */
		struct json_object *a = NULL;
		uint64_t met = 0, judged = 0, rounds = 0;

		json_object_deep_copy(pb_json_get(run, "adaptive"), &a, NULL);
		for (size_t j = 0; j < ncells; j++) {
			met += json_object_get_boolean(pb_json_path(all[j], "adaptive.met"));
			judged += pb_json_get(all[j], "adaptive") != NULL;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t r = json_object_get_uint64(pb_json_path(shards[i], "run.adaptive.rounds"));

			rounds = r > rounds ? r : rounds;
		}
		json_object_object_add(a, "rounds", json_object_new_uint64(rounds));
		json_object_object_add(a, "cells_met", json_object_new_uint64(met));
		json_object_object_add(a, "cells_not_met", json_object_new_uint64(judged - met));
		json_object_object_add(run, "adaptive", a);
	}
	json_object_object_del(run, "speed_probe_reference_ns");
fail:
	free(seen);
	free(all);
	return out;
}
