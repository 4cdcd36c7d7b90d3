// SPDX-License-Identifier: GPL-2.0
/* session.c: a guest session: its configuration file, kernel, boot parameters, and what its console says. */
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

static void check_conf_value(const char *what, const char *v)
{
	if (strchr(v, '\'') || strchr(v, '\n'))
		pb_die("%s '%s' contains a quote or newline; guest.conf cannot carry it", what, v);
}

/*
 * guest.preload: the program and the libraries it is linked with,
 * one path a line, which the guest's init reads into its page cache over
 * 9p while the last modules load, instead of the program paging them in
 * a fault at a time once it runs. In deterministic mode each of those
 * round trips, on an idle guest, moved its clock to the next timer: the
 * first cell came at 2.1-2.2 s of emulated time, 1.65-2.1 s with this
 * (three boots each, idle host); in wall mode 2.7 s instead of 2.8 s.
 * The list comes from the host's own dynamic loader (--list), not from
 * ldd, which may run the interpreter the program names: `pinbench exec`
 * takes any program. When the loader refuses it (not a dynamic
 * executable), the file names the program alone; with no program (a
 * shell), the file is empty.
 */
static void write_preload(const char *share, const char *exec)
{
	char *path = pb_asprintf("%s/guest.preload", share), *list = pb_ldso_list(exec);

	if (pb_write_file_atomic(path, list, strlen(list)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	free(path);
	free(list);
}

/* guest.conf for the init script; the program's arguments go one per line to guest.args. */
void write_guest_conf(const char *share, const char *cmd, const char *ko,
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
	write_preload(share, exec);
}

/* Resolve kernel (NULL: the default), build the module and the initramfs for it, pick the accelerator. */
void guest_setup_kernel(struct guest_setup *g, const struct config *c, const char *kernel)
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

void guest_setup(struct guest_setup *g, const struct config *c)
{
	guest_setup_kernel(g, c, c->kernel);
}

void boot_init(struct pb_boot *b, const struct guest_setup *g, const struct config *c,
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
void pmem_for_cell(struct pb_boot *b, struct json_object *params)
{
	struct json_object *v;

	if (json_object_object_get_ex(params, "filesystem", &v) &&
	    !strcmp(json_object_get_string(v), "ext4_dax") && b->mem_mib >= 3072) {
		b->pmem_mib = 512;
		b->pmem_start_mib = 2048;
	}
}

void pmem_for_plan(struct pb_boot *b, const struct pb_plan *plan)
{
	for (size_t i = 0; i < plan->nr; i++)
		pmem_for_cell(b, plan->cells[i].params);
}

/* The last n lines of the console from offset on. */
char *console_tail(const char *path, long offset, int lines)
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
struct json_object *console_splats_faults(const char *path, struct json_object **faults)
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

struct json_object *console_splats(const char *path)
{
	return console_splats_faults(path, NULL);
}

/* Did the kernel report a crash (or any splat) in the console since offset? The first such line, or NULL. */
char *console_first_splat(const char *path, long offset)
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
char *console_emulator_fault(const char *path, long offset)
{
	char *s = pb_read_file(path, NULL);
	const char *f = s && (long)strlen(s) >= offset ? pb_klog_emulator_fault(s + offset) : NULL;
	char *out = f ? pb_xstrdup(f) : NULL;

	free(s);
	return out;
}

#define PB_EXEC_BOOT_RETRIES 2

void guest_exec(struct config *c, const struct guest_setup *g, const char *dir, const char *prog,
		       int argc, char **argv, struct guest_exec *x)
{
	struct pb_boot b;

	x->share = pb_asprintf("%s/guest", dir);
	if (pb_mkdir_p(x->share, 0755) < 0)
		pb_die("cannot create %s: %s", x->share, strerror(errno));
	write_guest_conf(x->share, "test", g->k.ko, prog, argc, argv);
	x->console = pb_asprintf("%s/console.log", dir);
	boot_init(&b, g, c, x->share, x->console);
	/*
	 * A guest that never came up ran nothing of the program: a boot that
	 * hung, or that an emulator fault ended, before PINBENCH-READY is
	 * booted again (QEMU 7.2's multi-threaded TCG hung a boot of 6.1 at
	 * ACPI here, once, with three guests on two cores). One that came up
	 * and failed, or ended early for a reason of its own (insmod
	 * refused), is the result.
	 */
	for (int boot = 0;; boot++) {
		char *fault;

		if (pb_boot_run(&b, &x->br) < 0)
			pb_die("cannot start QEMU: %s", strerror(errno));
		if (x->br.ready_s >= 0 || boot == PB_EXEC_BOOT_RETRIES)
			break;
		fault = console_emulator_fault(x->console, x->br.console_offset);
		if (!fault && !x->br.timed_out)
			break;
		fprintf(stderr, "pinbench: the guest never came up (%s); booting again (%d of %d)\n",
			fault ? fault : "no PINBENCH-READY within the boot timeout", boot + 1,
			PB_EXEC_BOOT_RETRIES);
		free(fault);
	}
	x->rc = read_status_file(x->share, "exit-status");
	x->unload = read_status_file(x->share, "unload");
	{
		/* A boot an emulator fault ended (and that was booted again) is said, not judged: as run does. */
		struct json_object *faults;

		x->splats = console_splats_faults(x->console, &faults);
		for (size_t i = 0; i < json_object_array_length(faults); i++)
			fprintf(stderr, "pinbench: a boot lost to the emulator, not counted as a kernel splat: %s\n",
				json_object_get_string(json_object_array_get_idx(faults, i)));
		json_object_put(faults);
	}
}

void guest_exec_free(struct guest_exec *x)
{
	json_object_put(x->splats);
	free(x->rc);
	free(x->unload);
	free(x->console);
	free(x->share);
}

/* The fuzzer's own lines (phases, problems) from this boot's console, to stdout. */
void echo_fuzzer_lines(const char *console, long offset)
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
