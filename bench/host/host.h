/* SPDX-License-Identifier: GPL-2.0 */
/* host.h: what the host CLI's files share: the configuration, the guest session, the commands. */
#ifndef PINBENCH_HOST_H
#define PINBENCH_HOST_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "job.h"
#include "vm.h"

enum cmd { CMD_RUN = 1, CMD_SHELL = 2, CMD_EXEC = 4, CMD_REPORT = 8, CMD_CELLS = 16, CMD_NIGHTLY = 32,
	   CMD_FUZZ = 64, CMD_SUBMIT = 128 /* takes run's options too */ };
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
	double ci_target;	/* adaptive repetitions: 95% half-width in % of the mean; 0 off, <0 unset */
	int repeat_max;		/* their cap */
	int calibrate;		/* ns per page, or -1: leave the module's default (0) */
	unsigned int shard_k, shard_n;	/* 0/0: the whole plan */
	int jobs;		/* run: guests at once (parallel.c); 1: one */
	/* submit */
	bool slurm, wait;
	unsigned int shards;
	double boot_timeout, cell_timeout;
	bool cell_timeout_set;
	bool verbose;
	/* fuzz */
	long long calls;
	unsigned long long seed;
	bool seed_set;
	int threads, files;
};

struct guest_setup {
	struct pb_kernel k;
	const char *accel;
	char accel_why[256];
	enum pb_mode mode;
	char *repo;
};

/* A host program run once in a guest (exec, fuzz), and what the guest said of it. */
struct guest_exec {
	char *share, *console;		/* dir/guest, dir/console.log */
	struct pb_boot_result br;
	char *rc, *unload;		/* init's exit-status and unload files, or NULL */
	struct json_object *splats;	/* console lines that fail a verdict */
};

/* provenance.c: what a result records of where it came from. */
const char *pb_version(void);
const char *pb_git_sha(void);

/* provenance.c: what a result records of where it came from */
char *repo_root(void);
char *now_iso(bool compact);
char *join_args(int argc, char **argv);
struct json_object *host_facts(void);
struct json_object *guest_facts(const char *share, const struct config *c,
				       const struct guest_setup *g, const char *qemu_cmdline);
char *read_status_file(const char *share, const char *name);

/* session.c: a guest session: its configuration, boot, console and what it says */
void write_guest_conf(const char *share, const char *cmd, const char *ko,
			     const char *exec, int argc, char **argv);
void guest_setup_kernel(struct guest_setup *g, const struct config *c, const char *kernel);
void guest_setup(struct guest_setup *g, const struct config *c);
void boot_init(struct pb_boot *b, const struct guest_setup *g, const struct config *c,
		      const char *share, const char *console);
void pmem_for_cell(struct pb_boot *b, struct json_object *params);
void pmem_for_plan(struct pb_boot *b, const struct pb_plan *plan);
char *console_tail(const char *path, long offset, int lines);
struct json_object *console_splats_faults(const char *path, struct json_object **faults);
struct json_object *console_splats(const char *path);
char *console_first_splat(const char *path, long offset);
char *console_emulator_fault(const char *path, long offset);
void guest_exec(struct config *c, const struct guest_setup *g, const char *dir, const char *prog,
		       int argc, char **argv, struct guest_exec *x);
void guest_exec_free(struct guest_exec *x);
void echo_fuzzer_lines(const char *console, long offset);

/* run.c: running a plan: sides, boots, progress, results, A/B and nightly */
void render_all(struct json_object *root, const char *dir);
void write_results(struct json_object *root, const char *dir);
int cmd_run(int argc, char **argv, struct config *c);
int cmd_nightly(int argc, char **argv, struct config *c);

/* parallel.c: run --jobs N */
int cmd_run_parallel(int argc, char **argv, struct config *c);

/* submit.c: submit --slurm: the plan's shards as a Slurm job array, then a merge job */
int cmd_submit(int argc, char **argv, struct config *c);

/* commands.c: the commands beside run */
int cmd_shell(struct config *c);
int cmd_exec(int argc, char **argv, struct config *c);
int cmd_fuzz(int argc, char **argv, struct config *c);
int cmd_report(int argc, char **argv);
struct json_object *load_results(const char *arg);
int cmd_compare(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_cells(struct config *c);

/* pinbench.c: the command line */
double parse_pct(const char *opt, const char *v, double hi);

#endif
