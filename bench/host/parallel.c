// SPDX-License-Identifier: GPL-2.0
/*
 * parallel.c: pinbench run --jobs N: the plan split as --shard K/N splits
 * it, N guests at once on this host, then merged as pinbench merge does.
 *
 * Deterministic mode only. A deterministic figure counts emulated work,
 * which a neighbour guest on the other host CPU does not change, so the
 * merged run answers as a serial one does (make check compares them). A
 * wall-clock figure would measure the neighbour too: --jobs in wall mode
 * is refused rather than recorded with a caveat nobody reads.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "host.h"
#include "job.h"
#include "merge.h"
#include "util.h"

/* MemAvailable in MiB, or -1. */
static long host_mem_available_mib(void)
{
	char *s = pb_read_file("/proc/meminfo", NULL), *p;
	long kb = -1;

	if (s && (p = strstr(s, "MemAvailable:")))
		kb = strtol(p + strlen("MemAvailable:"), NULL, 10);
	free(s);
	return kb < 0 ? -1 : kb / 1024;
}

/* Refusals before anything is built or booted: exit 2 with what is wrong. */
static int jobs_check(const struct config *c, size_t cells, size_t units)
{
	long avail = host_mem_available_mib();

	if (strcmp(c->mode, "deterministic")) {
		fprintf(stderr, "pinbench: --jobs %d: parallel guests share this host's CPUs, caches and "
			"memory bandwidth, so each one's wall-clock figures would measure the others too; "
			"--jobs runs in --mode deterministic only (emulated work, which a neighbour does not "
			"change)\n", c->jobs);
		return 2;
	}
	if (c->nkernels > 1) {
		fprintf(stderr, "pinbench: --jobs: an A/B run boots its kernels in turn; run each kernel "
			"with --jobs and compare them with pinbench compare\n");
		return 2;
	}
	if (c->shard_n || c->resume) {
		fprintf(stderr, "pinbench: --jobs splits the whole plan into shards itself: not with "
			"--%s\n", c->shard_n ? "shard" : "resume");
		return 2;
	}
	if ((size_t)c->jobs > cells) {
		fprintf(stderr, "pinbench: --jobs %d: more guests than the plan's %zu cells; use --jobs "
			"%zu or fewer\n", c->jobs, cells, cells);
		return 2;
	}
	if ((size_t)c->jobs > units) {
		fprintf(stderr, "pinbench: --jobs %d: more guests than the plan's %zu units (a deterministic "
			"guest runs one job section, of one memory layout, whole; docs/running.md); use "
			"--jobs %zu or fewer, or split the job into more sections\n", c->jobs, units, units);
		return 2;
	}
	if (avail >= 0 && (long)c->jobs * c->mem_mib > avail) {
		fprintf(stderr, "pinbench: --jobs %d: %d guests of %d MiB need %ld MiB, and this host has "
			"%ld MiB available; use fewer jobs or a smaller --mem\n", c->jobs, c->jobs,
			c->mem_mib, (long)c->jobs * c->mem_mib, avail);
		return 2;
	}
	return 0;
}

/* The results of shard k (1-based) of n, or NULL, said by name. */
static struct json_object *shard_results(const char *dir, int k, int n, int status)
{
	char *res = pb_asprintf("%s/results.json", dir);
	struct json_object *r = pb_file_exists(res) ? load_results(res) : NULL;

	if (!r)
		fprintf(stderr, "pinbench: shard %d/%d left no results (%s): see %s.log; run it alone "
			"with pinbench run --shard %d/%d --out DIR (same job and options), then pinbench "
			"merge\n", k, n, WIFEXITED(status) ? "it exited" : "it was killed", dir, k, n);
	free(res);
	return r;
}

int cmd_run_parallel(int argc, char **argv, struct config *c)
{
	struct json_object **shards, *merged;
	struct pb_plan plan;
	char err[1024], *rundir, **dirs;
	pid_t *pids;
	int n = c->jobs, rc = 0, *status, done = 0;
	double t0 = pb_now_s();

	if (!c->job)
		c->job = "workloads/gup_fast.job";
	if (pb_jobs_load(c->job, &plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "pinbench: %s\n", err);
		return 2;
	}
	rc = jobs_check(c, plan.nr, pb_plan_units(&plan));
	if (rc)
		goto out_plan;
	/* Built once here (a lock serialises the shards' checks of it). */
	{
		struct guest_setup g;

		memset(&g, 0, sizeof(g));
		guest_setup_kernel(&g, c, c->kernel);
	}
	if (c->out) {
		rundir = pb_xstrdup(c->out);
	} else {
		char *ts = now_iso(true), *root = repo_root();
		const char *name = c->name ? c->name : "parallel";

		rundir = pb_asprintf("%s/results/runs/%s-%s", root, ts, name);
		free(ts);
		free(root);
	}
	{
		char *res = pb_asprintf("%s/results.json", rundir);

		if (pb_file_exists(res))
			pb_die("%s already holds a result; pinbench never overwrites one (choose another --out)",
			       rundir);
		free(res);
	}
	fprintf(stderr, "pinbench: %zu cells in %d guests at once (shards 1..%d of %d), run directory "
		"%s\n", plan.nr, n, n, n, rundir);
	dirs = pb_xcalloc((size_t)n, sizeof(*dirs));
	pids = pb_xcalloc((size_t)n, sizeof(*pids));
	status = pb_xcalloc((size_t)n, sizeof(*status));
	shards = pb_xcalloc((size_t)n, sizeof(*shards));
	for (int k = 0; k < n; k++) {
		dirs[k] = pb_asprintf("%s/shards/%d", rundir, k + 1);
		if (pb_mkdir_p(dirs[k], 0755) < 0)
			pb_die("cannot create %s: %s", dirs[k], strerror(errno));
	}
	fflush(NULL);
	for (int k = 0; k < n; k++) {
		pids[k] = fork();
		if (pids[k] < 0)
			pb_die("fork: %s", strerror(errno));
		if (pids[k] == 0) {
			char *log = pb_asprintf("%s.log", dirs[k]);
			FILE *f = freopen(log, "w", stderr);

			if (!f)
				_exit(2);
			c->jobs = 1;
			c->shard_k = (unsigned int)k + 1;
			c->shard_n = (unsigned int)n;
			c->out = dirs[k];
			_exit(cmd_run(argc, argv, c));
		}
	}
	while (done < n) {
		int st;
		pid_t w = wait(&st);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			pb_die("wait: %s", strerror(errno));
		}
		for (int k = 0; k < n; k++) {
			if (pids[k] != w)
				continue;
			status[k] = st;
			done++;
			fprintf(stderr, "pinbench: shard %d/%d %s after %.0f s (%s.log)\n", k + 1, n,
				WIFEXITED(st) && !WEXITSTATUS(st) ? "done" :
				WIFEXITED(st) && WEXITSTATUS(st) == 1 ? "done, with failed cells" : "FAILED",
				pb_now_s() - t0, dirs[k]);
		}
	}
	rc = 0;
	for (int k = 0; k < n; k++) {
		shards[k] = shard_results(dirs[k], k + 1, n, status[k]);
		if (!shards[k])
			rc = 2;
		else if (!WIFEXITED(status[k]) || WEXITSTATUS(status[k]))
			rc = rc ? rc : 1;
	}
	if (rc == 2)
		goto out;
	merged = pb_merge(shards, (size_t)n, err, sizeof(err));
	if (!merged) {
		fprintf(stderr, "pinbench: --jobs: the shards do not merge: %s\n", err);
		rc = 2;
		goto out;
	}
	json_object_object_add(pb_json_get(merged, "run"), "cmdline",
			       json_object_new_string(join_args(argc, argv)));
	json_object_object_add(pb_json_get(merged, "run"), "jobs", json_object_new_int(n));
	json_object_object_add(pb_json_get(merged, "run"), "wall_s",
			       json_object_new_double(pb_now_s() - t0));
	write_results(merged, rundir);
	render_all(merged, rundir);
	fprintf(stderr, "pinbench: %d guests, %zu cells in %.0f s; results in %s (each guest's run under "
		"shards/)\n", n, json_object_array_length(pb_json_get(merged, "cells")), pb_now_s() - t0,
		rundir);
	json_object_put(merged);
out:
	for (int k = 0; k < n; k++) {
		json_object_put(shards[k]);
		free(dirs[k]);
	}
	free(shards);
	free(dirs);
	free(pids);
	free(status);
	free(rundir);
out_plan:
	pb_plan_free(&plan);
	return rc;
}
