// SPDX-License-Identifier: GPL-2.0
/* pinbench.c: the host CLI: the option table that drives parsing, defaults and help, and main(). */
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

/* Every command-line option, once: parsing and --help derive from it. */
static const struct cli_opt {
	const char *name;
	const char *metavar;	/* NULL: a flag */
	unsigned int cmds;
	const char *help;
} cli_opts[] = {
	{ "job", "FILE", CMD_RUNS | CMD_CELLS, "job file, or several: a,b,c (default: workloads/gup_fast.job; nightly: workloads/nightly.job)" },
	{ "name", "NAME", CMD_RUNS, "run name, part of the run directory (default: the job's name)" },
	{ "out", "DIR", CMD_RUNS | CMD_EXEC | CMD_FUZZ, "run directory (default: results/runs/<time>-<name>)" },
	{ "mode", "MODE", CMD_GUEST, "wall (default) or deterministic (TCG with -icount: reproducible)" },
	{ "accel", "ACCEL", CMD_GUEST, "auto (default: KVM if it boots a kernel here, else TCG), kvm or tcg" },
	{ "kernel", "K", CMD_GUEST, "guest kernel: an installed release (pinbench kernels lists them), or an image file "
	  "(with --kdir; implied for TREE/arch/x86/boot/bzImage); default: the release linux-image-amd64 depends on" },
	{ "kdir", "DIR", CMD_GUEST, "build tree of an image given to --kernel, to build pinbench.ko against" },
	{ "moddir", "DIR", CMD_GUEST, "its modules (/lib/modules/<release>-like; default: installed from --kdir if absent)" },
	{ "vcpus", "N", CMD_GUEST, "guest vCPUs (default 2; deterministic mode: 1)" },
	{ "mem", "MIB", CMD_GUEST, "guest memory in MiB (default 3072)" },
	{ "boot-timeout", "S", CMD_RUNS | CMD_EXEC | CMD_FUZZ, "seconds until the guest must be ready (default 180)" },
	{ "cell-timeout", "S", CMD_RUNS | CMD_EXEC | CMD_FUZZ,
	  "seconds a cell, an exec, or any stall may last (default 900; fuzz: 600 + 1 per 1000 calls)" },
	{ "calls", "N", CMD_FUZZ, "fuzz: random ioctl calls after the structured cases (default 1000000)" },
	{ "seed", "S", CMD_FUZZ, "fuzz: seed of the random calls (default: from the clock; printed, to replay)" },
	{ "threads", "N", CMD_FUZZ, "fuzz: threads making random calls (default 4)" },
	{ "files", "N", CMD_FUZZ, "fuzz: open files of /dev/pinbench they share (default 3)" },
	{ "repeat", "N", CMD_RUN, "run every cell N times, interleaved (default 5 in wall mode, 1 in deterministic, 3 in a deterministic A/B run); "
	  "with --ci-target, the first N" },
	{ "ci-target", "PCT", CMD_RUN, "adaptive repetitions: repeat a cell until the 95% interval of each judged figure is within "
	  "PCT% of its mean, or --repeat-max (default in a wall-mode run of one kernel without --repeat: 2; 0: off)" },
	{ "repeat-max", "N", CMD_RUN, "the most repetitions a cell gets with --ci-target (default 15)" },
	{ "shard", "K/N", CMD_RUN, "run only shard K of N of the cells (join the shards with pinbench merge)" },
	{ "jobs", "N", CMD_RUN, "run the plan in N guests at once, split as --shard splits it, then merged "
	  "(deterministic mode; default 1)" },
	{ "slurm", NULL, CMD_SUBMIT, "submit: to Slurm (sbatch): the shards as a job array, then a merge job" },
	{ "shards", "N", CMD_SUBMIT, "submit: split the plan into N shards (array tasks 1..N)" },
	{ "wait", NULL, CMD_SUBMIT, "submit: wait for the merge job, and exit as it did" },
	{ "calibrate-ns-per-page", "NS", CMD_RUNS, "charge NS extra per page acquired (testing compare; default 0)" },
	{ "baseline", "FILE", CMD_NIGHTLY, "nightly: the results to compare with (default: results/baseline.json)" },
	{ "resume", NULL, CMD_RUNS, "finish the interrupted run in --out: the same plan (checked), its cell results kept" },
	{ "update-baseline", NULL, CMD_NIGHTLY, "nightly: make this run the baseline (after a reviewed change)" },
	{ "junit", "FILE", CMD_RUNS, "nightly, A/B run: JUnit XML, one testcase per cell (default: <run directory>/junit.xml)" },
	{ "threshold", "PCT", CMD_RUNS, "nightly, A/B run: worse by more than PCT is a regression (default: 1 deterministic, 10 wall)" },
	{ "verbose", NULL, CMD_GUEST, "show build commands and output" },
	{ "help", NULL, 0xff, "this help" },
};

/*
 * Every command, once: its synopsis lines for the whole usage, and for
 * `pinbench CMD --help`, which prints its own lines and the options whose
 * mask names it (cmd 0: a command with no shared options).
 */
static const struct cli_cmd {
	const char *name;
	unsigned int cmd;
	const char *text;
} cli_cmds[] = {
	{ "run", CMD_RUN,
	  "pinbench run   [options]              run a job in a guest, print and save the table;\n"
	  "                                      with --kernel A --kernel B an A/B run: the same cells\n"
	  "                                      on both, repetitions alternating, compared side by\n"
	  "                                      side (ab.md); exit codes as compare's\n" },
	{ "shell", CMD_SHELL,
	  "pinbench shell [options]              boot the guest with pinbench.ko loaded, interactive\n" },
	{ "exec", CMD_EXEC,
	  "pinbench exec  [options] -- PROG ARGS  run a host program in the guest, exit with its status\n" },
	{ "fuzz", CMD_FUZZ,
	  "pinbench fuzz  [options]              fuzz every ioctl in a guest (structured cases, mm\n"
	  "                                      scenarios, seeded random calls from several threads);\n"
	  "                                      exit 0: every answer documented, nothing left held,\n"
	  "                                      no kernel log splat, module unloaded; 1 otherwise\n" },
	{ "report", 0,
	  "pinbench report DIR                   re-render DIR/report.md, DIR/<workload>.csv, DIR/plots/\n"
	  "                                      from DIR/results.json\n" },
	{ "compare", 0,
	  "pinbench compare BASE NEW [--threshold PCT] [--junit FILE] [--verbose] [--kernels]\n"
	  "                 [--markdown FILE]    compare two runs (directories or results.json); runs\n"
	  "                                      on different kernels only with --kernels;\n"
	  "                                      exit 0: no regression, 1: regression, 2: bad input\n" },
	{ "nightly", CMD_NIGHTLY,
	  "pinbench nightly [options]            run workloads/nightly.job deterministically, compare\n"
	  "                                      with results/baseline.json, write JUnit; exit 1 on\n"
	  "                                      a regression or a failed cell\n" },
	{ "merge", 0,
	  "pinbench merge --out DIR SHARD...     join the runs of pinbench run --shard K/N into one\n" },
	{ "submit", CMD_SUBMIT,
	  "pinbench submit --slurm --shards N --out DIR [--wait] [run options]\n"
	  "                                      the plan's N shards as a Slurm job array, and a\n"
	  "                                      merge job after them, into DIR (a shared directory)\n" },
	{ "publish", 0,
	  "pinbench publish RUN [--contended WALLRUN] [--out DIR]\n"
	  "                                      results/README.md (tables, figures, provenance,\n"
	  "                                      a paragraph per workload) from one run\n"
	  "pinbench publish --kernels AB_RUN [--reference TABLE.md]... [--out DIR]\n"
	  "                                      the kernels page from an A/B run of two kernels\n" },
	{ "cells", CMD_CELLS,
	  "pinbench cells [--job FILE]           check a job file and list its cells\n" },
	{ "kernels", 0,
	  "pinbench kernels [--resolve [K]]      the guest kernels that can be used here, the default,\n"
	  "                                      and what any other one lacks (--resolve: K's release,\n"
	  "                                      build tree and image, tab-separated)\n" },
	{ "options", 0,
	  "pinbench options                      job file options\n" },
	{ "metrics", 0,
	  "pinbench metrics [--markdown]         every workload's metrics: unit, better, what compare\n"
	  "                                      judges, meaning (results/schema.md's second part)\n" },
};

/* One command's lines (or every command's, with cmd NULL), each after PREFIX, then its options. */
static void usage_of(FILE *f, const struct cli_cmd *only)
{
	unsigned int mask = 0;
	bool first = true;

	for (size_t i = 0; i < ARRAY_SIZE(cli_cmds); i++) {
		const char *line = cli_cmds[i].text;

		if (only && only != &cli_cmds[i])
			continue;
		mask |= cli_cmds[i].cmd == CMD_SUBMIT ? CMD_SUBMIT | CMD_RUN : cli_cmds[i].cmd;
		while (*line) {
			size_t n = strcspn(line, "\n");

			fprintf(f, "%s%.*s\n", first ? "usage: " : "       ", (int)n, line);
			first = false;
			line += n + (line[n] == '\n');
		}
	}
	if (!mask) {
		fprintf(f, "\n(no options beyond those above; --help: this help)\n");
		return;
	}
	fprintf(f, "\noptions:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cli_opts); i++) {
		char left[64];

		if (!(cli_opts[i].cmds & mask))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", cli_opts[i].name,
			 cli_opts[i].metavar ? " " : "", cli_opts[i].metavar ? cli_opts[i].metavar : "");
		fprintf(f, "  %-22s %s\n", left, cli_opts[i].help);
	}
}

static void usage(FILE *f, int code)
{
	usage_of(f, NULL);
	exit(code);
}

/*
 * `pinbench CMD --help` (or -h) anywhere before a `--`: CMD's usage on
 * stdout, exit 0, whatever else the line holds. After `--` an argument
 * belongs to the program exec runs.
 */
static void help_if_asked(int argc, char **argv)
{
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], "--help") && strcmp(argv[i], "-h"))
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(cli_cmds); k++) {
			if (!strcmp(argv[1], cli_cmds[k].name)) {
				usage_of(stdout, &cli_cmds[k]);
				exit(0);
			}
		}
		return;
	}
}

/*
 * Every numeric option is a whole number: digits only (no sign, no
 * fraction, no exponent, no "nan", no leading zero), in lo..hi, parsed
 * as an integer so that the full 64-bit range of --seed replays exactly
 * (a double would round it). Anything else: exit 2, saying what.
 */
static unsigned long long parse_num(const char *opt, const char *v, unsigned long long lo,
				    unsigned long long hi)
{
	unsigned long long x;
	const char *q;
	char *end;

	for (q = v; *q >= '0' && *q <= '9'; q++)
		;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (!*v || *q || *end || errno || (v[0] == '0' && v[1]) || x < lo || x > hi) {
		fprintf(stderr, "pinbench: --%s: '%s' is not a whole number in %llu..%llu\n", opt, v,
			lo, hi);
		exit(2);
	}
	return x;
}

/* A percentage, fractions allowed: a finite decimal in 0..hi ("nan", "inf" and hex refused). */
double parse_pct(const char *opt, const char *v, double hi)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (!*v || *end || errno || !isfinite(x) || x < 0 || x > hi ||
	    strspn(v, "0123456789.") != strlen(v)) {
		fprintf(stderr, "pinbench: --%s: '%s' is not a percentage in 0..%g\n", opt, v, hi);
		exit(2);
	}
	return x;
}

static void add_kernel(struct config *c, const char *k, const char *arg)
{
	if (!*k)
		pb_die("--kernel: an empty kernel name in '%s'", arg);
	if (c->nkernels == PB_MAX_KERNELS)
		pb_die("--kernel: at most %d kernels (an A/B run: base, then new)", PB_MAX_KERNELS);
	c->kernels[c->nkernels++] = pb_xstrdup(k);
	c->kernel = c->kernels[0];
}

/* --kernel A, --kernel A,B or --kernel A --kernel B (an image path holding a comma is taken whole). */
static void add_kernels(struct config *c, const char *arg)
{
	char *copy, *rest, *k;

	if (pb_file_exists(arg) || !strchr(arg, ',')) {
		add_kernel(c, arg, arg);
		return;
	}
	copy = rest = pb_xstrdup(arg);
	while ((k = strsep(&rest, ",")))
		add_kernel(c, k, arg);
	free(copy);
}

static int parse_args(int argc, char **argv, enum cmd cmd, struct config *c)
{
	struct option lo[ARRAY_SIZE(cli_opts) + 1];
	int ch, idx;

	memset(lo, 0, sizeof(lo));
	for (size_t i = 0; i < ARRAY_SIZE(cli_opts); i++) {
		lo[i].name = cli_opts[i].name;
		lo[i].has_arg = cli_opts[i].metavar ? required_argument : no_argument;
		lo[i].val = 1000 + (int)i;
	}
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", lo, &idx)) != -1) {
		const struct cli_opt *o;

		if (ch < 1000)
			usage(stderr, 2);
		o = &cli_opts[ch - 1000];
		if (!(o->cmds & (cmd == CMD_SUBMIT ? CMD_SUBMIT | CMD_RUN : cmd)))
			pb_die("--%s does not apply to this command", o->name);
		if (!strcmp(o->name, "job")) c->job = optarg;
		else if (!strcmp(o->name, "name")) c->name = optarg;
		else if (!strcmp(o->name, "out")) c->out = optarg;
		else if (!strcmp(o->name, "mode")) c->mode = optarg;
		else if (!strcmp(o->name, "accel")) c->accel = optarg;
		else if (!strcmp(o->name, "kernel")) add_kernels(c, optarg);
		else if (!strcmp(o->name, "kdir")) c->kdir = optarg;
		else if (!strcmp(o->name, "moddir")) c->moddir = optarg;
		else if (!strcmp(o->name, "vcpus")) c->vcpus = (int)parse_num(o->name, optarg, 1, 64);
		else if (!strcmp(o->name, "mem")) c->mem_mib = (int)parse_num(o->name, optarg, 256, 65536);
		else if (!strcmp(o->name, "boot-timeout")) c->boot_timeout = parse_num(o->name, optarg, 1, 86400);
		else if (!strcmp(o->name, "cell-timeout")) {
			c->cell_timeout = parse_num(o->name, optarg, 1, 86400);
			c->cell_timeout_set = true;
		}
		else if (!strcmp(o->name, "calls")) c->calls = (long long)parse_num(o->name, optarg, 0, 1000000000000ull);
		else if (!strcmp(o->name, "seed")) {
			c->seed = parse_num(o->name, optarg, 0, ULLONG_MAX);
			c->seed_set = true;
		}
		else if (!strcmp(o->name, "threads")) c->threads = (int)parse_num(o->name, optarg, 1, 64);
		else if (!strcmp(o->name, "files")) c->files = (int)parse_num(o->name, optarg, 1, 8);
		else if (!strcmp(o->name, "repeat")) c->repeat = (int)parse_num(o->name, optarg, 1, 1000);
		else if (!strcmp(o->name, "ci-target")) c->ci_target = parse_pct(o->name, optarg, 100);
		else if (!strcmp(o->name, "repeat-max")) c->repeat_max = (int)parse_num(o->name, optarg, 2, 1000);
		else if (!strcmp(o->name, "calibrate-ns-per-page"))
			c->calibrate = (int)parse_num(o->name, optarg, 0, 10000);
		else if (!strcmp(o->name, "jobs")) c->jobs = (int)parse_num(o->name, optarg, 1, 64);
		else if (!strcmp(o->name, "slurm")) c->slurm = true;
		else if (!strcmp(o->name, "wait")) c->wait = true;
		else if (!strcmp(o->name, "shards")) c->shards = (unsigned int)parse_num(o->name, optarg, 1, 1000);
		else if (!strcmp(o->name, "shard")) {
			if (sscanf(optarg, "%u/%u", &c->shard_k, &c->shard_n) != 2 || !c->shard_n ||
			    c->shard_n > 1000 || !c->shard_k || c->shard_k > c->shard_n ||
			    strspn(optarg, "0123456789/") != strlen(optarg))
				pb_die("--shard: '%s' is not K/N with 1 <= K <= N <= 1000", optarg);
		}
		else if (!strcmp(o->name, "baseline")) c->baseline = optarg;
		else if (!strcmp(o->name, "update-baseline")) c->update_baseline = true;
		else if (!strcmp(o->name, "resume")) c->resume = true;
		else if (!strcmp(o->name, "junit")) c->junit = optarg;
		else if (!strcmp(o->name, "threshold")) c->threshold = parse_pct(o->name, optarg, 1000);
		else if (!strcmp(o->name, "verbose")) c->verbose = true;
		else usage(stdout, 0);
	}
	if (strcmp(c->mode, "wall") && strcmp(c->mode, "deterministic"))
		pb_die("--mode: '%s' is not one of: wall, deterministic", c->mode);
	if (c->nkernels > 1) {
		if (cmd != CMD_RUN)
			pb_die("--kernel: this command boots one kernel; two make an A/B run (pinbench run)");
		if (c->kdir || c->moddir)
			pb_die("--kdir and --moddir name one tree; in an A/B run give each tree's image as "
			       "TREE/arch/x86/boot/bzImage, which implies its tree");
		if (c->shard_n)
			pb_die("--shard: an A/B run is not sharded (each kernel needs every cell)");
	} else if (cmd == CMD_RUN && (c->junit || c->threshold >= 0)) {
		pb_die("--junit and --threshold judge an A/B run (--kernel A --kernel B); compare two runs with pinbench compare");
	}
	if (strcmp(c->accel, "auto") && strcmp(c->accel, "kvm") && strcmp(c->accel, "tcg"))
		pb_die("--accel: '%s' is not one of: auto, kvm, tcg", c->accel);
	if (!strcmp(c->mode, "deterministic") && !strcmp(c->accel, "kvm"))
		pb_die("--mode deterministic needs TCG (-icount); it cannot use --accel kvm");
	/*
	 * QEMU's icount runs every vCPU round robin on one host thread and
	 * does not switch while a vCPU spins: with two vCPUs the 6.1 guest
	 * hangs at "x86: Booting SMP configuration" (200 s here, QEMU 7.2),
	 * as Zephyr found when it limited icount to one CPU.
	 */
	if (!strcmp(c->mode, "deterministic")) {
		if (c->vcpus > 1)
			pb_die("--mode deterministic runs one vCPU: QEMU's icount cannot bring up a second one (the guest hangs at SMP bring-up)");
		c->vcpus = 1;
	} else if (!c->vcpus) {
		c->vcpus = 2;
	}
	/*
	 * Wall-clock figures under an emulator move by 10-20% from run to run
	 * (measured here): five repetitions give a mean with a usable 95%
	 * interval and Welch's test something to work on. A deterministic
	 * run repeats most figures exactly, so one is enough for a table; an
	 * A/B run takes three, so that the few figures that do not repeat
	 * (small_dio's release under inline completion moved by 5% between
	 * two boots of one kernel) show their spread instead of passing for
	 * a kernel difference.
	 */
	/*
	 * Adaptive repetitions are wall mode's default where one kernel runs
	 * and nobody chose a count: a deterministic figure repeats exactly,
	 * and an A/B run alternates the kernels pass by pass, which cells
	 * repeating on their own would undo.
	 */
	if (c->ci_target > 0 && !strcmp(c->mode, "deterministic"))
		pb_die("--ci-target: deterministic figures repeat exactly; adaptive repetitions are for wall mode");
	if (c->ci_target > 0 && c->nkernels > 1)
		pb_die("--ci-target: an A/B run repeats both kernels alike, pass by pass; give --repeat N");
	if (c->ci_target < 0)
		c->ci_target = !strcmp(c->mode, "wall") && !c->repeat && c->nkernels < 2 && cmd == CMD_RUN ? 2 : 0;
	if (c->repeat_max && c->ci_target == 0)
		pb_die("--repeat-max caps adaptive repetitions: it needs --ci-target (in wall mode)");
	if (!c->repeat)
		c->repeat = strcmp(c->mode, "deterministic") ? 5 : c->nkernels > 1 ? 3 : 1;
	if (c->ci_target > 0 && !c->repeat_max)
		c->repeat_max = c->repeat > 15 ? c->repeat : 15;
	if (c->ci_target > 0 && c->repeat_max < c->repeat)
		pb_die("--repeat-max %d is fewer than --repeat %d", c->repeat_max, c->repeat);
	if (c->ci_target > 0 && c->repeat < 2)
		pb_die("--ci-target needs at least two first repetitions (--repeat 2 or more) to see a spread");
	return optind;
}

int main(int argc, char **argv)
{
	struct config c = { .mode = "wall", .accel = "auto", .vcpus = 0, .mem_mib = 3072, .calibrate = -1, .jobs = 1,
			    .threshold = -1, .ci_target = -1, .calls = 1000000, .threads = 4, .files = 3,
			    .boot_timeout = 180, .cell_timeout = 900 };
	enum cmd cmd;
	int first;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		usage(argc < 2 ? stderr : stdout, argc < 2 ? 2 : 0);
	help_if_asked(argc, argv);
	if (!strcmp(argv[1], "compare"))
		return cmd_compare(argc - 2, argv + 2);
	if (!strcmp(argv[1], "merge"))
		return cmd_merge(argc - 2, argv + 2);
	if (!strcmp(argv[1], "publish"))
		return cmd_publish(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run")) cmd = CMD_RUN;
	else if (!strcmp(argv[1], "submit")) cmd = CMD_SUBMIT;
	else if (!strcmp(argv[1], "shell")) cmd = CMD_SHELL;
	else if (!strcmp(argv[1], "exec")) cmd = CMD_EXEC;
	else if (!strcmp(argv[1], "report")) cmd = CMD_REPORT;
	else if (!strcmp(argv[1], "cells")) cmd = CMD_CELLS;
	else if (!strcmp(argv[1], "nightly")) cmd = CMD_NIGHTLY;
	else if (!strcmp(argv[1], "fuzz")) cmd = CMD_FUZZ;
	else if (!strcmp(argv[1], "options")) {
		pb_job_print_options(stdout);
		return 0;
	} else if (!strcmp(argv[1], "metrics")) {
		/* Every workload's metrics, as results/schema.md shows them below its marker. */
		char *md;

		if (argc > 2 && (argc > 3 || strcmp(argv[2], "--markdown")))
			pb_die("metrics: unexpected argument '%s' (pinbench metrics [--markdown])", argv[2]);
		md = pb_metrics_markdown();
		fputs(md, stdout);
		free(md);
		return 0;
	} else if (!strcmp(argv[1], "kernels")) {
		/* --resolve [K]: what a --kernel K (or the default) means, for scripts: release, tree, image. */
		if (argc >= 3 && !strcmp(argv[2], "--resolve") && argc <= 4) {
			struct pb_kernel k;
			char err[2048];

			if (pb_kernel_resolve(&k, repo_root(), argc == 4 ? argv[3] : NULL, NULL, NULL, err,
					      sizeof(err)) < 0)
				pb_die("%s", err);
			printf("%s\t%s\t%s\n", k.release, k.kdir, k.bzimage);
			return 0;
		}
		if (argc > 2)
			pb_die("kernels: unexpected argument '%s' (pinbench kernels [--resolve [KERNEL]])", argv[2]);
		return pb_kernels_print(stdout);
	} else {
		fprintf(stderr, "pinbench: unknown command '%s'\n", argv[1]);
		usage(stderr, 2);
	}
	if (cmd == CMD_NIGHTLY)
		c.mode = "deterministic";	/* before parse_args: it sets the vCPUs and repetitions */
	first = parse_args(argc - 1, argv + 1, cmd, &c) + 1;
	switch (cmd) {
	case CMD_RUN:
		if (first != argc)
			pb_die("run: unexpected argument '%s'", argv[first]);
		return cmd_run(argc, argv, &c);
	case CMD_SUBMIT:
		if (first != argc)
			pb_die("submit: unexpected argument '%s'", argv[first]);
		return cmd_submit(argc, argv, &c);
	case CMD_SHELL:
		return cmd_shell(&c);
	case CMD_EXEC:
		return cmd_exec(argc - first, argv + first, &c);
	case CMD_REPORT:
		return cmd_report(argc - first, argv + first);
	case CMD_CELLS:
		return cmd_cells(&c);
	case CMD_NIGHTLY:
		if (first != argc)
			pb_die("nightly: unexpected argument '%s'", argv[first]);
		return cmd_nightly(argc, argv, &c);
	case CMD_FUZZ:
		if (first != argc)
			pb_die("fuzz: unexpected argument '%s'", argv[first]);
		return cmd_fuzz(argc, argv, &c);
	}
	return 2;
}
