// SPDX-License-Identifier: GPL-2.0
/* commands.c: the commands beside run: shell, exec, fuzz, report, compare, merge, publish, cells. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "compare.h"
#include "csv.h"
#include "plot.h"
#include "job.h"
#include "klog.h"
#include "merge.h"
#include "publish.h"
#include "repeat.h"
#include "report.h"
#include "results.h"
#include "util.h"
#include "workload.h"
#include "vm.h"
#include "host.h"

int cmd_shell(struct config *c)
{
	struct guest_setup g;
	struct pb_boot b;
	struct pb_boot_result br;
	char tmpl[] = "/tmp/pinbench-shell-XXXXXX", *share;

	guest_setup(&g, c);
	share = mkdtemp(tmpl);
	if (!share)
		pb_die("mkdtemp: %s", strerror(errno));
	write_guest_conf(share, "shell", g.k.ko, "", 0, NULL);
	boot_init(&b, &g, c, share, NULL);
	fprintf(stderr, "pinbench: booting; the console is this terminal (Ctrl-A X quits QEMU)\n");
	pb_boot_run(&b, &br);
	return 0;
}

int cmd_exec(int argc, char **argv, struct config *c)
{
	struct guest_setup g;
	struct guest_exec x;
	char *dir, *prog, *log;
	int code;

	if (argc < 1)
		pb_die("exec: name a program (pinbench exec [options] -- PROG ARGS)");
	prog = realpath(argv[0], NULL);
	if (!prog)
		pb_die("exec: %s: %s", argv[0], strerror(errno));
	guest_setup(&g, c);
	if (c->out) {
		dir = pb_xstrdup(c->out);
	} else {
		char *ts = now_iso(true);

		dir = pb_asprintf("%s/build/exec/%s", g.repo, ts);
		free(ts);
	}
	guest_exec(c, &g, dir, prog, argc - 1, argv + 1, &x);

	log = console_tail(x.console, x.br.console_offset, 1000000);
	fputs(log, stdout);
	free(log);
	fprintf(stderr, "pinbench: guest ready after %.1f s (wall, %s); exit status %s; module unload %s; %zu kernel log splats; console: %s\n",
		x.br.ready_s, g.accel, x.rc ? x.rc : "none", x.unload ? x.unload : "not reached",
		json_object_array_length(x.splats), x.console);
	if (x.br.timed_out)
		fprintf(stderr, "pinbench: guest timed out: %s\n", x.br.timeout_what);
	code = x.rc ? atoi(x.rc) : 1;
	if (!code && (json_object_array_length(x.splats) || !x.unload || strcmp(x.unload, "ok")))
		code = 1;
	guest_exec_free(&x);
	return code;
}

/* A number or string at path in o, as text; "?" when the fuzzer did not get that far. */
static const char *path_text(struct json_object *o, const char *path)
{
	const char *v = json_object_get_string(pb_json_path(o, path));

	return v ? v : "?";
}

/*
 * pinbench fuzz: bench/pinbench-fuzz in a guest (see bench/guest/fuzz.c),
 * then the host's own verdict on top of the fuzzer's: no splat anywhere
 * in the console, the module unloaded. DIR/fuzz.json holds both.
 */
int cmd_fuzz(int argc, char **argv, struct config *c)
{
	struct json_object *res;
	struct guest_setup g;
	struct guest_exec x;
	char err[1024], *dir, *prog, *path, *cmdline;
	char calls[32], seed[32], threads[16], files[16];
	char *args[] = { "--calls", calls, "--seed", seed, "--threads", threads, "--files", files,
			 "--json", "/run/pinbench/fuzz.json" };
	bool pass;
	int code;

	if (!c->seed_set)
		c->seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 20);
	snprintf(calls, sizeof(calls), "%lld", c->calls);
	snprintf(seed, sizeof(seed), "%llu", c->seed);
	snprintf(threads, sizeof(threads), "%d", c->threads);
	snprintf(files, sizeof(files), "%d", c->files);
	/* The whole fuzz is one "cell": under TCG the random phase ran 6000 calls/s here. */
	if (!c->cell_timeout_set)
		c->cell_timeout = 600 + (double)c->calls / 1000;
	guest_setup(&g, c);
	prog = pb_asprintf("%s/bench/pinbench-fuzz", g.repo);
	if (!pb_file_exists(prog))
		pb_die("%s is not built (make -C bench)", prog);
	if (c->out) {
		dir = pb_xstrdup(c->out);
	} else {
		char *ts = now_iso(true);

		dir = pb_asprintf("%s/results/runs/%s-fuzz", g.repo, ts);
		free(ts);
	}
	path = pb_asprintf("%s/fuzz.json", dir);
	if (pb_file_exists(path))
		pb_die("%s already holds a result; pinbench never overwrites one (choose another --out)", dir);
	fprintf(stderr, "pinbench: fuzzing with seed %llu (replay: pinbench fuzz --seed %llu --calls %lld "
		"--threads %d --files %d); console: %s/console.log\n", c->seed, c->seed, c->calls, c->threads,
		c->files, dir);
	guest_exec(c, &g, dir, prog, (int)ARRAY_SIZE(args), args, &x);
	echo_fuzzer_lines(x.console, x.br.console_offset);
	free(path);
	path = pb_asprintf("%s/fuzz.json", x.share);
	res = pb_json_load(path, err, sizeof(err));
	if (!res) {
		/* The fuzzer died or the guest did: what the console says is the result. */
		char *tail = console_tail(x.console, x.br.console_offset, 40);

		res = json_object_new_object();
		json_object_object_add(res, "verdict", json_object_new_string("fail"));
		json_object_object_add(res, "problems", json_object_new_array());
		json_object_array_add(json_object_object_get(res, "problems"),
				      json_object_new_string(x.br.timed_out ? x.br.timeout_what : "the fuzzer wrote no result"));
		json_object_object_add(res, "console_tail", json_object_new_string(tail));
		fprintf(stderr, "pinbench: no result from the fuzzer (%s); console tail:\n%s\n", err, tail);
		free(tail);
	}
	cmdline = join_args(argc, argv);
	json_object_object_add(res, "pinbench_version", json_object_new_string(pb_version()));
	json_object_object_add(res, "git_sha", json_object_new_string(pb_git_sha()));
	json_object_object_add(res, "cmdline", json_object_new_string(cmdline));
	json_object_object_add(res, "accel", json_object_new_string(g.accel));
	json_object_object_add(res, "guest_kernel", json_object_new_string(g.k.release));
	json_object_object_add(res, "qemu_version", json_object_new_string(pb_qemu_version()));
	json_object_object_add(res, "guest_exit_status", x.rc ? json_object_new_int(atoi(x.rc)) : NULL);
	json_object_object_add(res, "module_unload", json_object_new_string(x.unload ? x.unload : "not reached"));
	json_object_object_add(res, "console_splats", json_object_get(x.splats));
	json_object_object_add(res, "guest_timed_out", json_object_new_boolean(x.br.timed_out));
	pass = x.rc && !strcmp(x.rc, "0") && x.unload && !strcmp(x.unload, "ok") &&
	       !json_object_array_length(x.splats) && !x.br.timed_out &&
	       !strcmp(json_object_get_string(json_object_object_get(res, "verdict")), "pass");
	json_object_object_add(res, "host_verdict", json_object_new_string(pass ? "pass" : "fail"));
	free(path);
	path = pb_asprintf("%s/fuzz.json", dir);
	{
		const char *js = json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY);

		if (pb_write_file_atomic(path, js, strlen(js)) < 0)
			pb_die("cannot write %s: %s", path, strerror(errno));
	}
	printf("pinbench fuzz: %s: %s calls (%.0f calls/s), %s structured cases, %s undocumented answers, "
	       "%s problems; module unload %s; %zu console splats; seed %llu; %s\n",
	       pass ? "PASS" : "FAIL",
	       path_text(res, "random.calls"), json_object_get_double(pb_json_path(res, "random.calls_per_s")),
	       path_text(res, "structured.cases"), path_text(res, "undocumented_errnos"),
	       path_text(res, "problem_count"),
	       x.unload ? x.unload : "not reached", json_object_array_length(x.splats), c->seed, path);
	code = pass ? 0 : 1;
	json_object_put(res);
	guest_exec_free(&x);
	free(cmdline);
	free(path);
	free(prog);
	free(dir);
	return code;
}

int cmd_report(int argc, char **argv)
{
	struct json_object *root;
	char err[1024], *path;
	int ret = 2;

	if (argc != 1)
		pb_die("report: name one run directory");
	path = pb_asprintf("%s/results.json", argv[0]);
	root = pb_json_load(path, err, sizeof(err));
	if (!root) {
		fprintf(stderr, "pinbench: %s\n", err);
		goto out;
	}
	if (pb_results_check(root, err, sizeof(err)) < 0) {
		fprintf(stderr, "pinbench: %s: %s\n", path, err);
		goto out;
	}
	render_all(root, argv[0]);
	ret = 0;
out:
	json_object_put(root);
	free(path);
	return ret;
}

/* A run directory or a results.json file, loaded and checked; NULL (with the message printed) on failure. */
struct json_object *load_results(const char *arg)
{
	struct json_object *root;
	char err[1024], *path;
	struct stat st;

	path = stat(arg, &st) == 0 && S_ISDIR(st.st_mode) ? pb_asprintf("%s/results.json", arg) :
	       pb_xstrdup(arg);
	root = pb_json_load(path, err, sizeof(err));
	if (!root) {
		fprintf(stderr, "pinbench: %s\n", err);
	} else if (pb_results_check(root, err, sizeof(err)) < 0) {
		fprintf(stderr, "pinbench: %s: %s\n", path, err);
		json_object_put(root);
		root = NULL;
	}
	free(path);
	return root;
}

int cmd_compare(int argc, char **argv)
{
	struct pb_compare_opts o = { .threshold_pct = -1 };
	struct json_object *base = NULL, *new = NULL;
	const char *paths[2], *md_path = NULL;
	int np = 0, ret = 2;
	char err[512];

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--threshold") && i + 1 < argc) {
			/* "nan" compared false with both bounds and judged nothing. */
			o.threshold_pct = parse_pct("threshold", argv[++i], 1000);
		} else if (!strcmp(argv[i], "--junit") && i + 1 < argc) {
			o.junit = argv[++i];
		} else if (!strcmp(argv[i], "--verbose")) {
			o.verbose = true;
		} else if (!strcmp(argv[i], "--kernels")) {
			o.kernels = true;
		} else if (!strcmp(argv[i], "--markdown") && i + 1 < argc) {
			md_path = argv[++i];
		} else if (argv[i][0] == '-' || np == 2) {
			fprintf(stderr, "pinbench: compare: unexpected argument '%s'\n", argv[i]);
			return 2;
		} else {
			paths[np++] = argv[i];
		}
	}
	if (np != 2) {
		fprintf(stderr, "usage: pinbench compare BASE NEW [--threshold PCT] [--junit FILE] [--verbose] "
			"[--kernels] [--markdown FILE]\n");
		return 2;
	}
	base = load_results(paths[0]);
	new = base ? load_results(paths[1]) : NULL;
	if (base && new) {
		char *tmp = md_path ? pb_asprintf("%s.tmp", md_path) : NULL;

		if (tmp && !(o.markdown = fopen(tmp, "w"))) {
			fprintf(stderr, "pinbench: compare: cannot write %s: %s\n", tmp, strerror(errno));
			ret = 2;
		} else {
			ret = pb_compare(base, new, &o, stdout, err, sizeof(err));
			if (ret == 2)
				fprintf(stderr, "pinbench: compare: %s\n", err);
		}
		/* The Markdown appears whole or not at all. */
		if (o.markdown && (fclose(o.markdown) || ret == 2 || rename(tmp, md_path) < 0)) {
			if (ret != 2)
				fprintf(stderr, "pinbench: compare: cannot write %s: %s\n", md_path, strerror(errno));
			unlink(tmp);
			ret = 2;
		}
		free(tmp);
	}
	json_object_put(base);
	json_object_put(new);
	return ret;
}

int cmd_merge(int argc, char **argv)
{
	struct json_object **shards, *merged;
	const char *out = NULL;
	char err[512];
	size_t n = 0;
	int ret = 2;

	shards = pb_xcalloc((size_t)argc + 1, sizeof(*shards));
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "pinbench: merge: unexpected argument '%s'\n", argv[i]);
			goto done;
		} else if (!(shards[n++] = load_results(argv[i]))) {
			goto done;
		}
	}
	if (!out || !n) {
		fprintf(stderr, "usage: pinbench merge --out DIR SHARD_RUN...\n");
		goto done;
	}
	merged = pb_merge(shards, n, err, sizeof(err));
	if (!merged) {
		fprintf(stderr, "pinbench: merge: %s\n", err);
		goto done;
	}
	json_object_object_add(pb_json_get(merged, "run"), "cmdline",
			       json_object_new_string(join_args(argc, argv)));
	if (pb_mkdir_p(out, 0755) < 0)
		pb_die("cannot create %s: %s", out, strerror(errno));
	write_results(merged, out);
	render_all(merged, out);
	fprintf(stderr, "pinbench: merged %zu shards, %zu cells, into %s\n", n,
		json_object_array_length(pb_json_get(merged, "cells")), out);
	json_object_put(merged);
	ret = 0;
done:
	for (size_t i = 0; i < n; i++)
		json_object_put(shards[i]);
	free(shards);
	return ret;
}

/* pinbench publish RUN [--out DIR]: DIR/README.md (default results/) from RUN/results.json. */
#define PUBLISH_USAGE "usage: pinbench publish RUN [--contended WALLRUN] [--out DIR]\n" \
	"       pinbench publish --kernels AB_RUN [--reference TABLE.md]... [--out DIR]\n"

/* A kernel pair from an A/B run: its base/ and new/ results, side by side. */
static int publish_kernels(const char *run, const char *const *refs, size_t nref, const char *out)
{
	char *b = pb_asprintf("%s/base", run), *n = pb_asprintf("%s/new", run), err[512];
	struct json_object *base = NULL, *new = NULL;
	int ret = 2;

	if (!pb_file_exists(b) || !pb_file_exists(n)) {
		fprintf(stderr, "pinbench: publish --kernels: %s is not an A/B run (no base/ and new/; "
			"pinbench run --kernel A --kernel B makes one)\n", run);
		goto out;
	}
	for (size_t i = 0; i < nref; i++)
		if (!pb_file_exists(refs[i])) {
			fprintf(stderr, "pinbench: publish --kernels: --reference %s: no such file\n", refs[i]);
			goto out;
		}
	base = load_results(b);
	new = base ? load_results(n) : NULL;
	if (!new)
		goto out;
	ret = pb_publish_kernels(base, new, refs, nref, out, err, sizeof(err)) < 0 ? 1 : 0;
	if (ret)
		fprintf(stderr, "pinbench: publish --kernels: %s\n", err);
	else
		fprintf(stderr, "pinbench: published the kernels of %s into %s/kernels/ and %s/README.md\n",
			run, out, out);
out:
	json_object_put(base);
	json_object_put(new);
	free(b);
	free(n);
	return ret;
}

int cmd_publish(int argc, char **argv)
{
	struct json_object *root, *wall = NULL;
	const char *run = NULL, *out = NULL, **refs = NULL, *contended = NULL;
	char err[512], *dflt = NULL;
	bool kernels = false;
	size_t nref = 0;
	int ret;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--kernels")) {
			kernels = true;
		} else if (!strcmp(argv[i], "--contended") && i + 1 < argc) {
			contended = argv[++i];
		} else if (!strcmp(argv[i], "--reference") && i + 1 < argc) {
			refs = realloc(refs, (nref + 1) * sizeof(*refs));
			if (!refs)
				pb_die("out of memory");
			refs[nref++] = argv[++i];
		} else if (argv[i][0] == '-' || run) {
			fprintf(stderr, PUBLISH_USAGE);
			free(refs);
			return 2;
		} else {
			run = argv[i];
		}
	}
	if (!run || (nref && !kernels) || (contended && kernels)) {
		fprintf(stderr, PUBLISH_USAGE);
		free(refs);
		return 2;
	}
	if (!out)
		out = dflt = pb_asprintf("%s/results", repo_root());
	if (kernels) {
		ret = publish_kernels(run, refs, nref, out);
		free(refs);
		free(dflt);
		return ret;
	}
	free(refs);
	root = load_results(run);
	if (!root) {
		free(dflt);
		return 2;
	}
	if (contended) {
		wall = load_results(contended);
		if (!wall) {
			json_object_put(root);
			free(dflt);
			return 2;
		}
		/* The section says wall mode: a deterministic run there would be mislabelled. */
		const char *mode = json_object_get_string(pb_json_get(pb_json_get(wall, "run"), "mode"));

		if (!mode || strcmp(mode, "wall")) {
			fprintf(stderr, "pinbench: publish: --contended %s is not a wall-mode run\n", contended);
			json_object_put(wall);
			json_object_put(root);
			free(dflt);
			return 2;
		}
	}
	ret = pb_publish_with(root, wall, out, "make publish", err, sizeof(err));
	json_object_put(wall);
	if (ret < 0)
		fprintf(stderr, "pinbench: publish: %s\n", err);
	else
		fprintf(stderr, "pinbench: published %s into %s/README.md and %s/plots/\n", run, out, out);
	json_object_put(root);
	free(dflt);
	return ret < 0 ? 1 : 0;
}

int cmd_cells(struct config *c)
{
	struct pb_plan plan;
	char err[1024];

	if (!c->job)
		c->job = "workloads/gup_fast.job";
	if (pb_jobs_load(c->job, &plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "pinbench: %s\n", err);
		return 2;
	}
	for (size_t i = 0; i < plan.nr; i++)
		printf("%s\n", plan.cells[i].id);
	fprintf(stderr, "pinbench: %s: %zu cells\n", c->job, plan.nr);
	pb_plan_free(&plan);
	return 0;
}
