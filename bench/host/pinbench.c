// SPDX-License-Identifier: GPL-2.0
/* pinbench.c: the host CLI: run a job in a guest, open a shell there, execute a test, render reports. */
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

#ifndef PINBENCH_VERSION
#define PINBENCH_VERSION "unknown"
#endif
#ifndef PINBENCH_GIT_SHA
#define PINBENCH_GIT_SHA "unknown"
#endif

enum cmd { CMD_RUN = 1, CMD_SHELL = 2, CMD_EXEC = 4, CMD_REPORT = 8, CMD_CELLS = 16, CMD_NIGHTLY = 32,
	   CMD_FUZZ = 64 };
#define CMD_GUEST (CMD_RUN | CMD_SHELL | CMD_EXEC | CMD_NIGHTLY | CMD_FUZZ)
#define CMD_RUNS (CMD_RUN | CMD_NIGHTLY)

#define PB_MAX_KERNELS 2	/* an A/B run: base and new */

struct config {
	const char *job, *name, *out, *mode, *accel, *kernel, *kdir, *moddir;
	/* --kernel, once or twice (or A,B): two make an A/B run; kernel is the first */
	char *kernels[PB_MAX_KERNELS];
	int nkernels;
	const char *baseline, *junit;	/* nightly */
	bool update_baseline;
	bool resume;		/* run: finish the interrupted run in --out */
	double threshold;
	int vcpus, mem_mib;
	int repeat;		/* 0: the mode's default */
	int calibrate;		/* ns per page, or -1: leave the module's default (0) */
	unsigned int shard_k, shard_n;	/* 0/0: the whole plan */
	double boot_timeout, cell_timeout;
	bool cell_timeout_set;
	bool verbose;
	/* fuzz */
	long long calls;
	unsigned long long seed;
	bool seed_set;
	int threads, files;
};

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
	{ "repeat", "N", CMD_RUN, "run every cell N times, interleaved (default 5 in wall mode, 1 in deterministic, 3 in a deterministic A/B run)" },
	{ "shard", "K/N", CMD_RUN, "run only shard K of N of the cells (join the shards with pinbench merge)" },
	{ "calibrate-ns-per-page", "NS", CMD_RUNS, "charge NS extra per page acquired (testing compare; default 0)" },
	{ "baseline", "FILE", CMD_NIGHTLY, "nightly: the results to compare with (default: results/baseline.json)" },
	{ "resume", NULL, CMD_RUNS, "finish the interrupted run in --out: the same plan (checked), its cell results kept" },
	{ "update-baseline", NULL, CMD_NIGHTLY, "nightly: make this run the baseline (after a reviewed change)" },
	{ "junit", "FILE", CMD_RUNS, "nightly, A/B run: JUnit XML, one testcase per cell (default: <run directory>/junit.xml)" },
	{ "threshold", "PCT", CMD_RUNS, "nightly, A/B run: worse by more than PCT is a regression (default: 1 deterministic, 10 wall)" },
	{ "verbose", NULL, CMD_GUEST, "show build commands and output" },
	{ "help", NULL, 0xff, "this help" },
};

static void usage(FILE *f, int code)
{
	fprintf(f,
		"usage: pinbench run   [options]              run a job in a guest, print and save the table;\n"
		"                                             with --kernel A --kernel B an A/B run: the same cells\n"
		"                                             on both, repetitions alternating, compared side by\n"
		"                                             side (ab.md); exit codes as compare's\n"
		"       pinbench shell [options]              boot the guest with pinbench.ko loaded, interactive\n"
		"       pinbench exec  [options] -- PROG ARGS  run a host program in the guest, exit with its status\n"
		"       pinbench fuzz  [options]              fuzz every ioctl in a guest (structured cases, mm\n"
		"                                             scenarios, seeded random calls from several threads);\n"
		"                                             exit 0: every answer documented, nothing left held,\n"
		"                                             no kernel log splat, module unloaded; 1 otherwise\n"
		"       pinbench report DIR                   re-render DIR/report.md, DIR/<workload>.csv, DIR/plots/\n"
		"                                             from DIR/results.json\n"
		"       pinbench compare BASE NEW [--threshold PCT] [--junit FILE] [--verbose] [--kernels]\n"
		"                        [--markdown FILE]    compare two runs (directories or results.json); runs\n"
		"                                             on different kernels only with --kernels;\n"
		"                                             exit 0: no regression, 1: regression, 2: bad input\n"
		"       pinbench nightly [options]            run workloads/nightly.job deterministically, compare\n"
		"                                             with results/baseline.json, write JUnit; exit 1 on\n"
		"                                             a regression or a failed cell\n"
		"       pinbench merge --out DIR SHARD...     join the runs of pinbench run --shard K/N into one\n"
		"       pinbench publish RUN [--out DIR]      results/README.md (tables, figures, provenance,\n"
		"                                             a paragraph per workload) from one run\n"
		"       pinbench cells [--job FILE]           check a job file and list its cells\n"
		"       pinbench kernels [--resolve [K]]      the guest kernels that can be used here, the default,\n"
		"                                             and what any other one lacks (--resolve: K's release,\n"
		"                                             build tree and image, tab-separated)\n"
		"       pinbench options                      job file options\n"
		"       pinbench metrics [--markdown]         every workload's metrics: unit, better, what compare\n"
		"                                             judges, meaning (results/schema.md's second part)\n\noptions:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cli_opts); i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", cli_opts[i].name,
			 cli_opts[i].metavar ? " " : "", cli_opts[i].metavar ? cli_opts[i].metavar : "");
		fprintf(f, "  %-22s %s\n", left, cli_opts[i].help);
	}
	exit(code);
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
static double parse_pct(const char *opt, const char *v, double hi)
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
		if (!(o->cmds & cmd))
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
		else if (!strcmp(o->name, "calibrate-ns-per-page"))
			c->calibrate = (int)parse_num(o->name, optarg, 0, 10000);
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
	if (!c->repeat)
		c->repeat = strcmp(c->mode, "deterministic") ? 5 : c->nkernels > 1 ? 3 : 1;
	return optind;
}

static char *repo_root(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		pb_die("cannot read /proc/self/exe: %s", strerror(errno));
	exe[n] = '\0';
	/* <repo>/bench/pinbench */
	return pb_xstrdup(dirname(dirname(exe)));
}

static char *now_iso(bool compact)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[64];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), compact ? "%Y%m%d-%H%M%S" : "%Y-%m-%dT%H:%M:%SZ", &tm);
	return pb_xstrdup(buf);
}

static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = pb_xcalloc(1, len);
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void check_conf_value(const char *what, const char *v)
{
	if (strchr(v, '\'') || strchr(v, '\n'))
		pb_die("%s '%s' contains a quote or newline; guest.conf cannot carry it", what, v);
}

/* guest.conf for the init script; the program's arguments go one per line to guest.args. */
static void write_guest_conf(const char *share, const char *cmd, const char *ko,
			     const char *exec, int argc, char **argv)
{
	char *path = pb_asprintf("%s/guest.conf", share), *args = pb_xstrdup(""), *s;
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	check_conf_value("module path", ko);
	check_conf_value("program", exec);
	check_conf_value("working directory", cwd);
	s = pb_asprintf("PB_CMD='%s'\nPB_KO='%s'\nPB_EXEC='%s'\nPB_CWD='%s'\n", cmd, ko, exec, cwd);
	if (pb_write_file_atomic(path, s, strlen(s)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	free(s);
	free(path);
	for (int i = 0; i < argc; i++) {
		if (strchr(argv[i], '\n'))
			pb_die("argument '%s' contains a newline; guest.args cannot carry it", argv[i]);
		s = pb_asprintf("%s%s\n", args, argv[i]);
		free(args);
		args = s;
	}
	path = pb_asprintf("%s/guest.args", share);
	if (pb_write_file_atomic(path, args, strlen(args)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	free(path);
	free(args);
}

struct guest_setup {
	struct pb_kernel k;
	const char *accel;
	char accel_why[256];
	enum pb_mode mode;
	char *repo;
};

/* Resolve kernel (NULL: the default), build the module and the initramfs for it, pick the accelerator. */
static void guest_setup_kernel(struct guest_setup *g, const struct config *c, const char *kernel)
{
	char err[2048];

	g->repo = repo_root();
	g->mode = strcmp(c->mode, "deterministic") ? PB_MODE_WALL : PB_MODE_DETERMINISTIC;
	if (pb_kernel_resolve(&g->k, g->repo, kernel, c->kdir, c->moddir, err, sizeof(err)) < 0)
		pb_die("%s", err);
	fprintf(stderr, "pinbench: guest kernel %s (%s), building pinbench.ko and the initramfs\n",
		g->k.release, g->k.bzimage);
	if (pb_kernel_prepare(&g->k, g->repo, c->verbose, err, sizeof(err)) < 0)
		pb_die("%s", err);
	g->accel = pb_accel_pick(c->accel, g->mode, &g->k, g->accel_why, sizeof(g->accel_why));
	if (!g->accel)
		pb_die("--accel kvm: KVM cannot be used here: %s", g->accel_why);
	fprintf(stderr, "pinbench: accelerator %s (%s), mode %s\n", g->accel, g->accel_why, c->mode);
}

static void guest_setup(struct guest_setup *g, const struct config *c)
{
	guest_setup_kernel(g, c, c->kernel);
}

static void boot_init(struct pb_boot *b, const struct guest_setup *g, const struct config *c,
		      const char *share, const char *console)
{
	memset(b, 0, sizeof(*b));
	b->k = &g->k;
	b->accel = g->accel;
	b->mode = g->mode;
	b->vcpus = c->vcpus;
	b->mem_mib = c->mem_mib;
	b->share = share;
	b->console = console;
	b->boot_timeout_s = c->boot_timeout;
	b->cell_timeout_s = c->cell_timeout;
}

/*
 * A plan with ext4_dax cells gets persistent memory: 512 MiB at 2 GiB, as
 * PLATFORM.md verified with -m 3G (a range inside the guest's RAM, below
 * the PCI hole). With less memory there is none, and those cells say why.
 */
static void pmem_for_plan(struct pb_boot *b, const struct pb_plan *plan)
{
	for (size_t i = 0; i < plan->nr; i++) {
		struct json_object *v;

		if (json_object_object_get_ex(plan->cells[i].params, "filesystem", &v) &&
		    !strcmp(json_object_get_string(v), "ext4_dax") && b->mem_mib >= 3072) {
			b->pmem_mib = 512;
			b->pmem_start_mib = 2048;
			return;
		}
	}
}

/* The last n lines of the console from offset on. */
static char *console_tail(const char *path, long offset, int lines)
{
	char *s = pb_read_file(path, NULL), *p, *out;
	int seen = 0;

	if (!s)
		return pb_xstrdup("(no console log)");
	p = (long)strlen(s) > offset ? s + offset : s + strlen(s);
	out = p + strlen(p);
	while (out > p && seen <= lines) {
		out--;
		if (*out == '\n')
			seen++;
	}
	if (seen > lines)
		out++;
	{
		/*
		 * A report longer than the tail (a panic's stack trace) would
		 * lose its headline: put the first report line after offset
		 * on top when the tail does not hold it.
		 */
		char *first = NULL, *q = p, *nl;

		while (!first && q < out) {
			nl = strchr(q, '\n');
			if (nl)
				*nl = '\0';
			if (pb_klog_splat(q))
				first = pb_xstrdup(q);
			if (!nl)
				break;
			*nl = '\n';
			q = nl + 1;
		}
		out = first ? pb_asprintf("%s\n[...]\n%s", first, out) : pb_xstrdup(out);
		free(first);
	}
	free(s);
	return out;
}

#define BOOT_MARKER "==== pinbench: boot ("

/*
 * Every splat line of the console log, boot by boot. A boot whose crash is
 * an emulator's fault (pb_klog_emulator_fault()) adds its first line to
 * *faults (if faults is set) instead: it says nothing about the kernel or
 * pinbench.
 */
static struct json_object *console_splats_faults(const char *path, struct json_object **faults)
{
	struct json_object *a = json_object_new_array();
	char *s = pb_read_file(path, NULL), *seg, *next, *save, *line;

	if (faults)
		*faults = json_object_new_array();
	for (seg = s; seg && *seg; seg = next) {
		const char *fault;

		next = strstr(seg + 1, BOOT_MARKER);
		if (next)
			next[-1] = '\0';	/* the marker starts a line */
		fault = faults ? pb_klog_emulator_fault(seg) : NULL;
		if (fault) {
			json_object_array_add(*faults, json_object_new_string(fault));
		} else {
			save = NULL;
			for (line = strtok_r(seg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				if (pb_klog_splat(line))
					json_object_array_add(a, json_object_new_string(line));
		}
	}
	free(s);
	return a;
}

static struct json_object *console_splats(const char *path)
{
	return console_splats_faults(path, NULL);
}

struct progress {
	const char *share;
	char **labels;		/* per guest plan entry: id, and the repetition */
	size_t total, last_done;
	/* An A/B run: cells the other kernel has done, and all cells of both (0: one kernel). */
	size_t done_elsewhere, total_all;
	int last_running;
	double t0;
	bool tty;
};

static size_t count_results(const char *share)
{
	struct pb_cells c;

	pb_cells_scan(share, 0, &c);
	return c.results;
}

/* The width of the terminal on stderr, or 0. */
static int tty_cols(void)
{
	struct winsize ws;

	return ioctl(2, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

/*
 * Which cell of how many is running, the time so far and an estimate of
 * what is left (from the cells done): on a terminal, one line rewritten in
 * place and cut to its width; otherwise (a CI log) one line per cell, as
 * it starts.
 */
static void progress_tick(void *arg)
{
	struct progress *p = arg;
	struct pb_cells c;
	double el = pb_now_s() - p->t0;
	char line[512], left[48] = "";
	int n, cols;

	pb_cells_scan(p->share, 0, &c);
	if (!p->tty && c.results == p->last_done && c.running == p->last_running)
		return;
	p->last_done = c.results;
	p->last_running = c.running;
	{
		size_t done = c.results + p->done_elsewhere, all = p->total_all ? p->total_all : p->total;

		if (done && done < all)
			snprintf(left, sizeof(left), ", about %.0f s left",
				 el / (double)done * (double)(all - done));
	}
	if (c.running >= 0 && (size_t)c.running < p->total)
		n = snprintf(line, sizeof(line), "[cell %d/%zu, %.0f s elapsed%s] %s", c.running + 1,
			     p->total, el, left, p->labels[c.running]);
	else
		n = snprintf(line, sizeof(line), "[%zu/%zu cells done, %.0f s elapsed%s]", c.results,
			     p->total, el, left);
	if (p->tty) {
		cols = tty_cols();
		if (cols > 1 && n >= cols)
			line[cols - 1] = '\0';
		/* \033[K: clear what a longer line left behind. */
		fprintf(stderr, "\r%s\033[K", line);
	} else {
		fprintf(stderr, "%s\n", line);
	}
}

static struct json_object *host_facts(void)
{
	struct json_object *o = json_object_new_object();
	char *cpu = pb_read_file("/proc/cpuinfo", NULL), *m = cpu ? strstr(cpu, "model name") : NULL;
	struct utsname u;

	if (m && (m = strchr(m, ':'))) {
		m += 2;
		m[strcspn(m, "\n")] = '\0';
	}
	uname(&u);
	json_object_object_add(o, "cpu_model", json_object_new_string(m ? m : "unknown"));
	json_object_object_add(o, "cpus", json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(o, "kernel_release", json_object_new_string(u.release));
	free(cpu);
	return o;
}

static struct json_object *guest_facts(const char *share, const struct config *c,
				       const struct guest_setup *g, const char *qemu_cmdline)
{
	char *path = pb_asprintf("%s/guest.json", share);
	struct json_object *o = json_object_from_file(path);

	free(path);
	if (!o) {	/* the guest never got far enough to say */
		o = json_object_new_object();
		json_object_object_add(o, "kernel_release", json_object_new_string(g->k.release));
		json_object_object_add(o, "vcpus", json_object_new_int(c->vcpus));
		json_object_object_add(o, "mem_mib", json_object_new_int(c->mem_mib));
	}
	json_object_object_add(o, "qemu_version", json_object_new_string(pb_qemu_version()));
	json_object_object_add(o, "kernel_image", json_object_new_string(g->k.bzimage));
	json_object_object_add(o, "kernel_build_tree", json_object_new_string(g->k.kdir));
	json_object_object_add(o, "qemu_cmdline", json_object_new_string(qemu_cmdline));
	return o;
}

static char *read_status_file(const char *share, const char *name)
{
	char *path = pb_asprintf("%s/%s", share, name), *s = pb_read_first_line(path);

	free(path);
	return s;
}

/* report.md, <workload>.csv and plots/ in dir, from root alone; the report goes to stdout too. */
static void render_all(struct json_object *root, const char *dir)
{
	char err[1024], *report = pb_report_md(root), *path = pb_asprintf("%s/report.md", dir);

	if (pb_write_file_atomic(path, report, strlen(report)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	if (pb_report_csv(root, dir, err, sizeof(err)) < 0)
		pb_die("%s", err);
	/* Figures are a convenience: without gnuplot the results stand. */
	if (pb_report_plots(root, dir, err, sizeof(err)) < 0)
		fprintf(stderr, "pinbench: plots not drawn: %s\n", err);
	fputs(report, stdout);
	free(report);
	free(path);
}

/* results.json into dir, never over an earlier one. */
static void write_results(struct json_object *root, const char *dir)
{
	char *path = pb_asprintf("%s/results.json", dir);
	const char *js = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);

	if (pb_file_exists(path))
		pb_die("%s already holds a result; pinbench never overwrites one", dir);
	if (pb_write_file_atomic(path, js, strlen(js)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	/*
	 * What this pinbench writes, its own readers must take: a file they
	 * would refuse is a bug here, said at once (the file stays, with
	 * everything measured).
	 */
	{
		char err[1024];

		if (pb_results_check(root, err, sizeof(err)) < 0)
			pb_die("%s does not pass pinbench's own results check (a pinbench bug): %s", path, err);
	}
	free(path);
}

/*
 * One kernel's part of a run: its guest, its run directory (the run's own,
 * or base/ and new/ in an A/B run), the boots it took.
 */
struct run_side {
	const char *label;		/* "base" or "new" in an A/B run, else NULL */
	struct guest_setup g;
	char *dir, *share, *console, *qcmd;
	struct json_object *guest_plan;	/* the plan's cells times the repetitions */
	struct pb_boot b;
	struct progress prog;
	size_t total;			/* guest plan entries */
	int boots;
	double ready, first_cell;
	char last_problem[256];
};

/* Results among guest plan entries [from, to). */
static size_t results_in(const char *share, size_t from, size_t to)
{
	size_t n = 0;

	for (size_t i = from; i < to; i++) {
		char *p = pb_asprintf("%s/cells/%04zu.json", share, i);

		n += pb_file_exists(p);
		free(p);
	}
	return n;
}

/* Create the side's directory and its guest plan (every repetition); its kernel is set up already. */
static void side_init(struct run_side *sd, const struct config *c, const char *dir,
		      const struct pb_plan *plan, struct json_object *plan_json, size_t nrep)
{
	struct json_object *gcells = json_object_new_array();
	char *path, *guest_exec;

	sd->dir = pb_xstrdup(dir);
	sd->share = pb_asprintf("%s/guest", dir);
	sd->console = pb_asprintf("%s/console.log", dir);
	sd->ready = sd->first_cell = -1;
	sd->total = plan->nr * nrep;
	/*
	 * The guest's plan: the whole plan once per repetition, in passes, so
	 * that a drift of the host (another load, thermal) spreads over every
	 * cell alike instead of landing on one strategy's repetitions. Each
	 * cell has its own warm-up, which every repetition runs and discards.
	 */
	sd->guest_plan = json_object_new_object();
	sd->prog.labels = pb_xcalloc(sd->total + 1, sizeof(char *));
	for (size_t r = 0; r < nrep; r++) {
		for (size_t i = 0; i < plan->nr; i++) {
			struct json_object *gc = json_object_new_object();

			json_object_object_foreach(json_object_array_get_idx(
				json_object_object_get(plan_json, "cells"), i), k, v)
				json_object_object_add(gc, k, json_object_get(v));
			json_object_object_add(gc, "repetition", json_object_new_uint64(r + 1));
			json_object_array_add(gcells, gc);
			sd->prog.labels[r * plan->nr + i] = nrep > 1 ?
				pb_asprintf("%s%s%s (repetition %zu/%zu)", sd->label ? sd->label : "",
					    sd->label ? ": " : "", plan->cells[i].id, r + 1, nrep) :
				pb_asprintf("%s%s%s", sd->label ? sd->label : "", sd->label ? ": " : "",
					    plan->cells[i].id);
		}
	}
	json_object_object_add(sd->guest_plan, "cells", gcells);
	if (c->calibrate >= 0)
		json_object_object_add(sd->guest_plan, "calibrate_ns_per_page", json_object_new_int(c->calibrate));

	path = pb_asprintf("%s/cells", sd->share);
	if (pb_mkdir_p(path, 0755) < 0)
		pb_die("cannot create %s: %s", path, strerror(errno));
	free(path);
	path = pb_asprintf("%s/results.json", dir);
	if (pb_file_exists(path))
		pb_die("%s already holds a result; pinbench never overwrites one (choose another --out)", dir);
	free(path);
	guest_exec = pb_asprintf("%s/bench/pinbench-guest", sd->g.repo);
	{
		char *args[] = { "--share", "/run/pinbench" };

		write_guest_conf(sd->share, "run", sd->g.k.ko, guest_exec, 2, args);
	}
	free(guest_exec);
	boot_init(&sd->b, &sd->g, c, sd->share, sd->console);
	pmem_for_plan(&sd->b, plan);
	sd->prog.share = sd->share;
	sd->prog.last_running = -1;
	sd->prog.total = sd->total;
	sd->prog.t0 = pb_now_s();
	sd->prog.tty = isatty(2);
	sd->b.tick = progress_tick;
	sd->b.tick_arg = &sd->prog;
	sd->qcmd = pb_boot_cmdline(&sd->b);
}

/*
 * Boot the side's guest until guest plan entries [from, to) all have a
 * result. Containment: a guest that dies or hangs inside a cell fails that
 * cell (with the console tail) and a new guest goes on with the rest. A
 * boot that finishes no cell at all leaves the rest without a result
 * (side_results() fails them).
 */
/* Did the kernel report a crash (or any splat) in the console since offset? The first such line, or NULL. */
static char *console_first_splat(const char *path, long offset)
{
	char *s = pb_read_file(path, NULL), *line, *save = NULL, *found = NULL;

	if (!s)
		return NULL;
	for (line = (long)strlen(s) > offset ? strtok_r(s + offset, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save))
		if (pb_klog_splat(line))
			found = pb_xstrdup(line);
	free(s);
	return found;
}

/* The emulator fault that ended the boot whose console starts at offset, or NULL (pb_klog_emulator_fault()). */
static char *console_emulator_fault(const char *path, long offset)
{
	char *s = pb_read_file(path, NULL);
	const char *f = s && (long)strlen(s) >= offset ? pb_klog_emulator_fault(s + offset) : NULL;
	char *out = f ? pb_xstrdup(f) : NULL;

	free(s);
	return out;
}

/*
 * Boots again after a guest lost to something other than a cell, at most
 * this many times per range: a crash before the first cell (no cell can
 * be blamed), an emulator fault at any time (the cell it interrupted runs
 * again; pb_klog_emulator_fault()), and a boot that hangs where an earlier
 * boot of the same kernel came up. Seen here: QEMU 7.2's
 * multi-threaded TCG, on a loaded host, let a 6.12 guest run a breakpoint
 * the kernel had already patched away (text_poke_bp(): a static key
 * flipped by perf_event_open(), or at boot), in about one boot in six
 * with a kernel build beside it.
 */
#define PB_BOOT_RETRIES 2

static void side_run(struct run_side *sd, size_t from, size_t to)
{
	struct pb_boot_result br;
	char *path;
	const char *js;
	int boots = 0, retries = 0;
	bool booted_before;

	json_object_object_add(sd->guest_plan, "run_from", json_object_new_uint64(from));
	json_object_object_add(sd->guest_plan, "run_to", json_object_new_uint64(to));
	path = pb_asprintf("%s/plan.json", sd->share);
	js = json_object_to_json_string_ext(sd->guest_plan, JSON_C_TO_STRING_PRETTY);
	if (pb_write_file_atomic(path, js, strlen(js)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	free(path);
	while (results_in(sd->share, from, to) < to - from && boots < (int)(to - from) + 1 + retries) {
		size_t before = results_in(sd->share, from, to);
		int cell;

		/* Once this many results are there, the guest program must end soon. */
		sd->b.cells_total = count_results(sd->share) + (to - from - before);
		boots++;
		sd->boots++;
		if (pb_boot_run(&sd->b, &br) < 0)
			pb_die("cannot start QEMU: %s", strerror(errno));
		booted_before = sd->ready >= 0;
		if (sd->ready < 0 && br.ready_s >= 0)
			sd->ready = br.ready_s;
		if (sd->first_cell < 0 && br.first_cell_s >= 0)
			sd->first_cell = br.first_cell_s;
		if (sd->prog.tty)
			fputc('\n', stderr);
		if (br.timed_out)
			snprintf(sd->last_problem, sizeof(sd->last_problem), "guest timed out: %s", br.timeout_what);
		else if (!WIFEXITED(br.qemu_status) || WEXITSTATUS(br.qemu_status))
			snprintf(sd->last_problem, sizeof(sd->last_problem), "QEMU ended with status 0x%x",
				 br.qemu_status);
		/* The cell left running when the guest went away. */
		{
			struct pb_cells scan;

			pb_cells_scan(sd->share, 0, &scan);
			cell = scan.running;
		}
		if (retries < PB_BOOT_RETRIES) {
			char *fault = console_emulator_fault(sd->console, br.console_offset);

			/* A kernel that booted before and now hangs at boot: the emulator again (seen under load). */
			if (!fault && br.timed_out && br.ready_s < 0 && booted_before)
				fault = pb_asprintf("no PINBENCH-READY within the boot timeout, where an earlier boot of this kernel came up");
			if (fault) {
				retries++;
				snprintf(sd->last_problem, sizeof(sd->last_problem),
					 "emulator fault, the guest booted again: %s", fault);
				fprintf(stderr, "pinbench: %s%semulator fault (%s)%s; booting again (%d of %d)\n",
					sd->label ? sd->label : "", sd->label ? ": " : "", fault,
					cell >= 0 ? ", the cell it interrupted runs again" : "", retries, PB_BOOT_RETRIES);
				free(fault);
				continue;
			}
		}
		if (cell >= 0) {
			char *tail = console_tail(sd->console, br.console_offset, 40);
			char *why = br.timed_out ? pb_asprintf("guest timed out: %s", br.timeout_what)
						 : pb_xstrdup("guest died during the cell (panic or oops)");
			struct json_object *f = json_object_new_object();
			char *reason = pb_asprintf("%s; console tail:\n%s", why, tail);

			json_object_object_add(f, "index", json_object_new_int(cell));
			json_object_object_add(f, "status", json_object_new_string("failed"));
			json_object_object_add(f, "reason", json_object_new_string(reason));
			path = pb_asprintf("%s/cells/%04d.json", sd->share, cell);
			js = json_object_to_json_string(f);
			if (pb_write_file_atomic(path, js, strlen(js)) < 0)
				pb_die("cannot write %s: %s", path, strerror(errno));
			fprintf(stderr, "pinbench: %s%scell %d failed: %s; restarting the guest for the rest\n",
				sd->label ? sd->label : "", sd->label ? ": " : "", cell, why);
			free(path), free(tail), free(why), free(reason);
			json_object_put(f);
		} else if (results_in(sd->share, from, to) == before) {
			char *splat = br.first_cell_s < 0 ? console_first_splat(sd->console, br.console_offset) : NULL;

			/* No progress at all: stop, report every remaining cell; unless the kernel crashed first. */
			if (!splat || retries == PB_BOOT_RETRIES) {
				free(splat);
				break;
			}
			retries++;
			snprintf(sd->last_problem, sizeof(sd->last_problem),
				 "a guest crashed before its first cell and was booted again: %s", splat);
			fprintf(stderr, "pinbench: %s%sthe guest crashed before its first cell (%s); booting again (%d of %d)\n",
				sd->label ? sd->label : "", sd->label ? ": " : "", splat, retries, PB_BOOT_RETRIES);
			free(splat);
		}
	}
}

/* The side's results.json, from the plan and the guest's per-cell files; *failed counts failed cells. */
static struct json_object *side_results(struct run_side *sd, const struct config *c, int argc, char **argv,
					const struct pb_plan *plan, struct json_object *plan_json, size_t nrep,
					const char *started_at, size_t *failed)
{
	struct json_object *root, *run, *cells, *splats, *faults;
	char *unload;

	root = json_object_new_object();
	json_object_object_add(root, "schema_version", json_object_new_int(PB_SCHEMA_VERSION));
	{
		struct json_object *pb = json_object_new_object();

		json_object_object_add(pb, "version", json_object_new_string(PINBENCH_VERSION));
		json_object_object_add(pb, "git_sha", json_object_new_string(PINBENCH_GIT_SHA));
		json_object_object_add(root, "pinbench", pb);
	}
	run = json_object_new_object();
	json_object_object_add(run, "name", json_object_new_string(c->name));
	json_object_object_add(run, "job", json_object_new_string(c->job));
	json_object_object_add(run, "cmdline", json_object_new_string(join_args(argc, argv)));
	json_object_object_add(run, "started_at", json_object_new_string(started_at));
	json_object_object_add(run, "mode", json_object_new_string(c->mode));
	json_object_object_add(run, "accel", json_object_new_string(sd->g.accel));
	json_object_object_add(run, "accel_reason", json_object_new_string(sd->g.accel_why));
	json_object_object_add(run, "repeat", json_object_new_int((int)nrep));
	if (sd->label) {
		/* An A/B run: which side this is, the repetitions alternating between kernels. */
		json_object_object_add(run, "ab_side", json_object_new_string(sd->label));
		json_object_object_add(run, "ab_order", json_object_new_string("alternating, base first"));
	}
	if (c->calibrate > 0)
		json_object_object_add(run, "calibrate_ns_per_page", json_object_new_int(c->calibrate));
	if (c->shard_n) {
		char sh[32];

		snprintf(sh, sizeof(sh), "%u/%u", c->shard_k, c->shard_n);
		json_object_object_add(run, "shard", json_object_new_string(sh));
		json_object_object_add(run, "plan_cells", json_object_new_uint64(plan->total));
	}
	json_object_object_add(run, "boots", json_object_new_int(sd->boots));
	json_object_object_add(run, "boot_ready_s", sd->ready >= 0 ? json_object_new_double(sd->ready) : NULL);
	json_object_object_add(run, "boot_to_first_cell_s",
			       sd->first_cell >= 0 ? json_object_new_double(sd->first_cell) : NULL);
	unload = read_status_file(sd->share, "unload");
	json_object_object_add(run, "module_unload", json_object_new_string(unload ? unload : "not reached"));
	/* What went wrong with a guest, if anything did (the last problem seen). */
	json_object_object_add(run, "guest_problem",
			       sd->last_problem[0] ? json_object_new_string(sd->last_problem) : NULL);
	splats = console_splats_faults(sd->console, &faults);
	json_object_object_add(run, "kernel_log_splats", splats);
	/* Guests lost to the emulator (booted again, their cell run again): said, not judged. */
	json_object_object_add(run, "emulator_faults", faults);
	json_object_object_add(root, "run", run);
	json_object_object_add(root, "host", host_facts());
	json_object_object_add(root, "guest", guest_facts(sd->share, c, &sd->g, sd->qcmd));

	cells = json_object_new_array();
	for (size_t i = 0; i < plan->nr; i++) {
		struct json_object *pc = json_object_array_get_idx(
			json_object_object_get(plan_json, "cells"), i);
		struct json_object **reps = pb_xcalloc(nrep, sizeof(*reps)), *cell;

		for (size_t r = 0; r < nrep; r++) {
			char *rp = pb_asprintf("%s/cells/%04zu.json", sd->share, r * plan->nr + i);
			struct json_object *raw = json_object_from_file(rp);
			char *reason = NULL;

			if (!raw) {
				char *tail = console_tail(sd->console, 0, 40);
				char *ie = read_status_file(sd->share, "init-error");

				reason = pb_asprintf("the guest never ran this cell%s%s%s%s; console tail:\n%s",
						     ie ? ": " : "", ie ? ie : "", sd->last_problem[0] ? ": " : "",
						     sd->last_problem, tail);
				free(tail);
				free(ie);
			}
			reps[r] = pb_cell_result(pc, raw, "failed", reason);
			json_object_put(raw);
			free(reason);
			free(rp);
		}
		cell = pb_cell_combine(reps, nrep);
		for (size_t r = 0; r < nrep; r++)
			json_object_put(reps[r]);
		free(reps);
		if (!strcmp(json_object_get_string(json_object_object_get(cell, "status")), "failed"))
			(*failed)++;
		json_object_array_add(cells, cell);
	}
	json_object_object_add(root, "cells", cells);
	/* Clean: no failed cell (counted by the caller), no splat, the module unloaded. */
	if (json_object_array_length(splats) || !unload || strcmp(unload, "ok")) {
		fprintf(stderr, "pinbench: %s%s%zu kernel log splats, module unload %s\n",
			sd->label ? sd->label : "", sd->label ? ": " : "", json_object_array_length(splats),
			unload ? unload : "not reached");
		(*failed)++;
	}
	free(unload);
	return root;
}

static void side_free(struct run_side *sd)
{
	for (size_t i = 0; i < sd->total; i++)
		free(sd->prog.labels[i]);
	free(sd->prog.labels);
	json_object_put(sd->guest_plan);
	free(sd->dir), free(sd->share), free(sd->console), free(sd->qcmd);
}

/*
 * An A/B run's verdict, as pinbench compare gives it: base against new,
 * cell by cell, into ab.md (side by side, verdict changes first), compare.txt
 * and JUnit. 0 no regression, 1 regression, 2 not comparable.
 */
static int ab_judge(struct json_object *base, struct json_object *new, const struct config *c,
		    const char *rundir)
{
	struct pb_compare_opts o = { .threshold_pct = c->threshold, .kernels = true };
	char *txt = pb_asprintf("%s/compare.txt", rundir), *md = pb_asprintf("%s/ab.md", rundir);
	char *junit = c->junit ? pb_xstrdup(c->junit) : pb_asprintf("%s/junit.xml", rundir);
	char err[512];
	FILE *f = fopen(txt, "w"), *m = fopen(md, "w");
	int ret;

	if (!f || !m)
		pb_die("cannot write %s: %s", f ? md : txt, strerror(errno));
	o.junit = junit;
	o.markdown = m;
	ret = pb_compare(base, new, &o, f, err, sizeof(err));
	if (fclose(f) || fclose(m))
		pb_die("cannot write %s: %s", txt, strerror(errno));
	if (ret == 2)
		fprintf(stderr, "pinbench: A/B: %s\n", err);
	{
		char *s = pb_read_file(md, NULL);

		if (s)
			fputs(s, stdout);
		free(s);
	}
	fprintf(stderr, "pinbench: A/B: %s (ab.md, compare.txt, %s)\n",
		ret == 0 ? "no regression" : ret == 1 ? "REGRESSION" : "not comparable", junit);
	free(txt), free(md), free(junit);
	return ret;
}

/*
 * What a run directory's cell results were measured with: the cells, and
 * everything that changes what a cell measures (mode, accelerator, kernels,
 * vCPUs, memory, repetitions, calibration, shard). Written into the run
 * directory first, as run-plan.json; --resume carries on only where it
 * matches.
 */
static struct json_object *run_plan(const struct config *c, const struct run_side *sides, int nsides,
				    struct json_object *plan_json)
{
	struct json_object *o = json_object_new_object(), *k = json_object_new_array();

	json_object_object_add(o, "cells", json_object_get(json_object_object_get(plan_json, "cells")));
	json_object_object_add(o, "mode", json_object_new_string(c->mode));
	json_object_object_add(o, "accel", json_object_new_string(sides[0].g.accel));
	for (int i = 0; i < nsides; i++)
		json_object_array_add(k, json_object_new_string(sides[i].g.k.release));
	json_object_object_add(o, "kernels", k);
	json_object_object_add(o, "vcpus", json_object_new_int(c->vcpus));
	json_object_object_add(o, "mem_mib", json_object_new_int(c->mem_mib));
	json_object_object_add(o, "repeat", json_object_new_int(c->repeat));
	json_object_object_add(o, "calibrate_ns_per_page", json_object_new_int(c->calibrate));
	if (c->shard_n) {
		char shard[32];

		snprintf(shard, sizeof(shard), "%u/%u", c->shard_k, c->shard_n);
		json_object_object_add(o, "shard", json_object_new_string(shard));
	}
	return o;
}

/*
 * The run directory, before anything is written to it. A new or empty one
 * gets run-plan.json. One that holds a finished run is never touched. One
 * left by an interrupted run holds cell results that the runner would
 * otherwise take for this run's: refused, unless --resume asks to finish
 * exactly that run, and its run-plan.json says it is this plan.
 */
static void prepare_run_dir(const char *dir, struct json_object *plan, bool resume)
{
	char *path = pb_asprintf("%s/run-plan.json", dir), err[1024];
	const char *js = json_object_to_json_string_ext(plan, JSON_C_TO_STRING_PRETTY);
	struct json_object *old;
	size_t n = 0;
	char **names = pb_dir_names(dir, "", &n);

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], "results.json") || !strcmp(names[i], "ab.md"))
			pb_die("%s already holds a result; pinbench never overwrites one (choose another --out)",
			       dir);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!n) {
		if (resume)
			pb_die("--resume: %s holds no interrupted run", dir);
		if (pb_mkdir_p(dir, 0755) < 0 || pb_write_file_atomic(path, js, strlen(js)) < 0)
			pb_die("cannot write %s: %s", path, strerror(errno));
		free(path);
		return;
	}
	if (!resume)
		pb_die("%s is not empty and holds no finished run: an interrupted run's cell results "
		       "would be taken for this run's. Choose another --out, or finish that run with "
		       "--resume (the same job and options)", dir);
	old = pb_json_load(path, err, sizeof(err));
	if (!old)
		pb_die("--resume: %s is not a run pinbench can resume: %s", dir, err);
	if (!json_object_equal(old, plan)) {
		const char *what = "the cells";

		json_object_object_foreach(plan, key, val) {
			if (!json_object_equal(val, pb_json_get(old, key))) {
				what = key;
				break;
			}
		}
		pb_die("--resume: %s was started with another plan (%s differs: see its run-plan.json); "
		       "its cell results do not belong to this run", dir, what);
	}
	json_object_put(old);
	fprintf(stderr, "pinbench: resuming the run in %s: the cells it finished are kept\n", dir);
	free(path);
}

/*
 * pinbench run: the plan in a guest, --repeat times, into one run directory.
 * With two kernels (--kernel A --kernel B), an A/B run: the same cells on
 * each, in base/ and new/, repetitions alternating between the kernels
 * (A B A B ...) so that a slow drift of a shared host cannot pass for a
 * kernel difference; then the kernels side by side (ab.md) and compare's
 * exit code: 0 no regression, 1 regression, 2 not comparable.
 */
static int cmd_run(int argc, char **argv, struct config *c)
{
	struct json_object *plan_json, *roots[PB_MAX_KERNELS] = { 0 };
	struct run_side sides[PB_MAX_KERNELS];
	struct pb_plan plan;
	char err[1024], *rundir;
	char *started_at = now_iso(false);
	int nsides = c->nkernels > 1 ? c->nkernels : 1, exit_code = 0;
	size_t failed = 0, nrep;

	if (!c->job)
		c->job = "workloads/gup_fast.job";
	if (pb_jobs_load(c->job, &plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "pinbench: %s\n", err);
		free(started_at);
		return 2;
	}
	if (c->shard_n) {
		pb_plan_shard(&plan, c->shard_k, c->shard_n);
		if (!plan.nr) {
			fprintf(stderr, "pinbench: shard %u/%u of %s is empty: the plan has %zu cells\n",
				c->shard_k, c->shard_n, c->job, plan.total);
			free(started_at);
			return 2;
		}
	}
	if (!c->name && strchr(c->job, ',')) {
		c->name = "suite";
	} else if (!c->name) {
		char *j = pb_xstrdup(c->job), *base = basename(j), *dot = strrchr(base, '.');

		if (dot)
			*dot = '\0';
		c->name = pb_xstrdup(base);
		free(j);
	}
	/* Every kernel resolved and its module built before anything is written. */
	memset(sides, 0, sizeof(sides));
	for (int k = 0; k < nsides; k++) {
		sides[k].label = nsides > 1 ? (k ? "new" : "base") : NULL;
		if (nsides > 1)
			fprintf(stderr, "pinbench: A/B, %s kernel: %s\n", sides[k].label, c->kernels[k]);
		guest_setup_kernel(&sides[k].g, c, c->kernel ? c->kernels[k] : NULL);
	}
	if (nsides > 1 && strcmp(sides[0].g.accel, sides[1].g.accel))
		pb_die("A/B: the kernels would run under different accelerators (%s, %s): their figures "
		       "would measure different machines; force one with --accel", sides[0].g.accel,
		       sides[1].g.accel);

	if (c->out) {
		rundir = pb_xstrdup(c->out);
	} else {
		char *ts = now_iso(true);

		rundir = pb_asprintf("%s/results/runs/%s-%s%s", sides[0].g.repo, ts, c->name,
				     nsides > 1 ? "-ab" : "");
		free(ts);
	}
	c->out = rundir;	/* for nightly: where the results are */
	plan_json = pb_plan_to_json(&plan);
	{
		struct json_object *rp = run_plan(c, sides, nsides, plan_json);

		prepare_run_dir(rundir, rp, c->resume);
		json_object_put(rp);
	}
	nrep = (size_t)c->repeat;
	for (int k = 0; k < nsides; k++) {
		char *dir = nsides > 1 ? pb_asprintf("%s/%s", rundir, sides[k].label) : pb_xstrdup(rundir);

		side_init(&sides[k], c, dir, &plan, plan_json, nrep);
		free(dir);
	}
	if (c->shard_n)
		fprintf(stderr, "pinbench: shard %u/%u: %zu of the plan's %zu cells\n", c->shard_k,
			c->shard_n, plan.nr, plan.total);
	fprintf(stderr, "pinbench: %zu cells, %zu repetition%s%s, run directory %s\n", plan.nr, nrep,
		nrep > 1 ? "s" : "", nsides > 1 ? " per kernel, alternating between them" : "", rundir);

	/*
	 * One kernel: one guest runs every repetition (a new one only after a
	 * fault). Two: each repetition is a boot of each kernel in turn.
	 */
	if (nsides == 1) {
		side_run(&sides[0], 0, sides[0].total);
	} else {
		for (int k = 0; k < nsides; k++) {
			sides[k].prog.t0 = sides[0].prog.t0;
			sides[k].prog.total_all = sides[0].total * (size_t)nsides;
		}
		for (size_t r = 0; r < nrep; r++) {
			for (int k = 0; k < nsides; k++) {
				sides[k].prog.done_elsewhere = 0;
				for (int o = 0; o < nsides; o++)
					if (o != k)
						sides[k].prog.done_elsewhere += count_results(sides[o].share);
				side_run(&sides[k], r * plan.nr, (r + 1) * plan.nr);
			}
		}
	}

	for (int k = 0; k < nsides; k++) {
		size_t f = 0;

		roots[k] = side_results(&sides[k], c, argc, argv, &plan, plan_json, nrep, started_at, &f);
		write_results(roots[k], sides[k].dir);
		render_all(roots[k], sides[k].dir);
		fprintf(stderr, "pinbench: %s%sguest ready after %.1f s, first cell after %.1f s (wall, %s)\n",
			sides[k].label ? sides[k].label : "", sides[k].label ? ": " : "", sides[k].ready,
			sides[k].first_cell, sides[k].g.accel);
		fprintf(stderr, "pinbench: results in %s (results.json, report.md, <workload>.csv, plots/, "
			"console.log)\n", sides[k].dir);
		if (f)
			fprintf(stderr, "pinbench: %s%s%zu failed cells or guest problems\n",
				sides[k].label ? sides[k].label : "", sides[k].label ? ": " : "", f);
		failed += f;
	}
	if (nsides > 1) {
		/* compare's codes; a failed cell is a status change compare reports, or a bad run. */
		exit_code = ab_judge(roots[0], roots[1], c, rundir);
		if (exit_code == 0 && failed)
			exit_code = 1;
	} else if (failed) {
		exit_code = 1;
	}
	for (int k = 0; k < nsides; k++) {
		json_object_put(roots[k]);
		side_free(&sides[k]);
	}
	free(started_at);
	json_object_put(plan_json);
	pb_plan_free(&plan);
	return exit_code;
}

static int cmd_shell(struct config *c)
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

/* A host program run once in a guest (exec, fuzz), and what the guest said of it. */
struct guest_exec {
	char *share, *console;		/* dir/guest, dir/console.log */
	struct pb_boot_result br;
	char *rc, *unload;		/* init's exit-status and unload files, or NULL */
	struct json_object *splats;	/* console lines that fail a verdict */
};

static void guest_exec(struct config *c, const struct guest_setup *g, const char *dir, const char *prog,
		       int argc, char **argv, struct guest_exec *x)
{
	struct pb_boot b;

	x->share = pb_asprintf("%s/guest", dir);
	if (pb_mkdir_p(x->share, 0755) < 0)
		pb_die("cannot create %s: %s", x->share, strerror(errno));
	write_guest_conf(x->share, "test", g->k.ko, prog, argc, argv);
	x->console = pb_asprintf("%s/console.log", dir);
	boot_init(&b, g, c, x->share, x->console);
	if (pb_boot_run(&b, &x->br) < 0)
		pb_die("cannot start QEMU: %s", strerror(errno));
	x->rc = read_status_file(x->share, "exit-status");
	x->unload = read_status_file(x->share, "unload");
	x->splats = console_splats(x->console);
}

static void guest_exec_free(struct guest_exec *x)
{
	json_object_put(x->splats);
	free(x->rc);
	free(x->unload);
	free(x->console);
	free(x->share);
}

static int cmd_exec(int argc, char **argv, struct config *c)
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

/* The fuzzer's own lines (phases, problems) from this boot's console, to stdout. */
static void echo_fuzzer_lines(const char *console, long offset)
{
	char *s = pb_read_file(console, NULL), *line, *save = NULL;

	if (!s)
		return;
	for (line = strtok_r((long)strlen(s) > offset ? s + offset : s + strlen(s), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "pinbench-fuzz:", 14) || !strncmp(line, "PROBLEM:", 8))
			puts(line);
	free(s);
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
static int cmd_fuzz(int argc, char **argv, struct config *c)
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
	json_object_object_add(res, "pinbench_version", json_object_new_string(PINBENCH_VERSION));
	json_object_object_add(res, "git_sha", json_object_new_string(PINBENCH_GIT_SHA));
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

static int cmd_report(int argc, char **argv)
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
static struct json_object *load_results(const char *arg)
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

static int cmd_compare(int argc, char **argv)
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

/* A results.json without what a baseline does not need: raw data and merged histograms. */
static struct json_object *slim_results(struct json_object *root)
{
	struct json_object *copy = NULL, *cells;

	if (json_object_deep_copy(root, &copy, NULL) < 0)
		pb_die("out of memory");
	cells = pb_json_get(copy, "cells");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		json_object_object_del(json_object_array_get_idx(cells, i), "raw");
		json_object_object_del(json_object_array_get_idx(cells, i), "merged_histograms");
	}
	return copy;
}

/*
 * The nightly job: the deterministic suite, compared with the baseline,
 * JUnit for the CI. A deterministic run repeats to the instruction, so
 * the threshold is 1% and any change past it is real: a change of the
 * code, the guest kernel or the suite. --update-baseline takes a run with
 * every cell ok as the new baseline (review the compare output first).
 */
static int cmd_nightly(int argc, char **argv, struct config *c)
{
	struct pb_compare_opts o = { .threshold_pct = c->threshold };
	struct json_object *base = NULL, *new = NULL;
	char err[2048], *path = NULL, *junit = NULL, *bpath, *root = repo_root();
	int run_rc, rc = 2;

	if (strcmp(c->mode, "deterministic"))
		pb_die("nightly runs in deterministic mode only: wall figures need repetitions and a human");
	if (!c->job)
		c->job = "workloads/nightly.job";
	if (!c->name)
		c->name = "nightly";
	bpath = c->baseline ? pb_xstrdup(c->baseline) : pb_asprintf("%s/results/baseline.json", root);
	if (!c->update_baseline && !pb_file_exists(bpath)) {
		fprintf(stderr, "pinbench: nightly: no baseline at %s; make one with pinbench nightly "
			"--update-baseline\n", bpath);
		goto out;
	}
	/* The baseline is checked before anything boots: its kernel must be the one this run boots. */
	if (!c->update_baseline) {
		struct pb_kernel k;
		const char *bk;

		base = load_results(bpath);
		if (!base)
			goto out;
		if (pb_kernel_resolve(&k, root, c->kernel, c->kdir, c->moddir, err, sizeof(err)) < 0)
			pb_die("%s", err);
		bk = json_object_get_string(pb_json_get(pb_json_get(base, "guest"), "kernel_release"));
		if (!bk || strcmp(bk, k.release)) {
			fprintf(stderr, "pinbench: nightly: the baseline %s ran on kernel %s, this run would boot "
				"%s: a kernel change is not a change of pinbench or of a design. Review, then make "
				"a baseline on this kernel (pinbench nightly --update-baseline), or compare the "
				"kernels (pinbench run --kernel %s --kernel %s)\n", bpath, bk ? bk : "(none recorded)",
				k.release, bk ? bk : "OLD", k.release);
			goto out;
		}
	}
	run_rc = cmd_run(argc, argv, c);
	path = pb_asprintf("%s/results.json", c->out);
	new = load_results(path);
	if (!new)
		goto out;
	if (c->update_baseline) {
		struct json_object *slim;
		const char *js;

		if (run_rc) {
			fprintf(stderr, "pinbench: nightly: the run had failed cells or kernel log splats; "
				"it does not become the baseline\n");
			rc = 1;
			goto out;
		}
		slim = slim_results(new);
		js = json_object_to_json_string_ext(slim, JSON_C_TO_STRING_PRETTY);
		if (pb_write_file_atomic(bpath, js, strlen(js)) < 0)
			pb_die("cannot write %s: %s", bpath, strerror(errno));
		fprintf(stderr, "pinbench: nightly: %s is the new baseline (%zu cells, from %s)\n", bpath,
			json_object_array_length(pb_json_get(slim, "cells")), path);
		json_object_put(slim);
		rc = 0;
		goto out;
	}
	junit = c->junit ? pb_xstrdup(c->junit) : pb_asprintf("%s/junit.xml", c->out);
	o.junit = junit;
	printf("\n");
	rc = pb_compare(base, new, &o, stdout, err, sizeof(err));
	if (rc == 2)
		fprintf(stderr, "pinbench: nightly: %s\n", err);
	else
		fprintf(stderr, "pinbench: nightly: %s against %s: %s; JUnit in %s\n", path, bpath,
			rc ? "REGRESSION" : "no regression", junit);
	rc = rc ? rc : run_rc;
out:
	json_object_put(base);
	json_object_put(new);
	free(junit);
	free(path);
	free(bpath);
	free(root);
	return rc;
}

static int cmd_merge(int argc, char **argv)
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

static int cmd_publish(int argc, char **argv)
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

static int cmd_cells(struct config *c)
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

int main(int argc, char **argv)
{
	struct config c = { .mode = "wall", .accel = "auto", .vcpus = 0, .mem_mib = 3072, .calibrate = -1,
			    .threshold = -1, .calls = 1000000, .threads = 4, .files = 3,
			    .boot_timeout = 180, .cell_timeout = 900 };
	enum cmd cmd;
	int first;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		usage(argc < 2 ? stderr : stdout, argc < 2 ? 2 : 0);
	if (!strcmp(argv[1], "compare"))
		return cmd_compare(argc - 2, argv + 2);
	if (!strcmp(argv[1], "merge"))
		return cmd_merge(argc - 2, argv + 2);
	if (!strcmp(argv[1], "publish"))
		return cmd_publish(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run")) cmd = CMD_RUN;
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
