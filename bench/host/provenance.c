// SPDX-License-Identifier: GPL-2.0
/* provenance.c: what a result records of where it came from: the repository, the host, the guest, the time. */
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

#ifndef PINBENCH_VERSION
#define PINBENCH_VERSION "unknown"
#endif
#ifndef PINBENCH_GIT_SHA
#define PINBENCH_GIT_SHA "unknown"
#endif

/* Baked in at build time (bench/Makefile passes them to this file alone). */
const char *pb_version(void)
{
	return PINBENCH_VERSION;
}

const char *pb_git_sha(void)
{
	return PINBENCH_GIT_SHA;
}

char *repo_root(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		pb_die("cannot read /proc/self/exe: %s", strerror(errno));
	exe[n] = '\0';
	/* <repo>/bench/pinbench */
	return pb_xstrdup(dirname(dirname(exe)));
}

char *now_iso(bool compact)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[64];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), compact ? "%Y%m%d-%H%M%S" : "%Y-%m-%dT%H:%M:%SZ", &tm);
	return pb_xstrdup(buf);
}

char *join_args(int argc, char **argv)
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

struct json_object *host_facts(void)
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

struct json_object *guest_facts(const char *share, const struct config *c,
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
	/* The ELF inside it when QEMU boots that (PVH), else the image itself. */
	json_object_object_add(o, "kernel_boot_image", json_object_new_string(g->k.boot_image ? g->k.boot_image : g->k.bzimage));
	json_object_object_add(o, "kernel_build_tree", json_object_new_string(g->k.kdir));
	json_object_object_add(o, "qemu_cmdline", json_object_new_string(qemu_cmdline));
	return o;
}

char *read_status_file(const char *share, const char *name)
{
	char *path = pb_asprintf("%s/%s", share, name), *s = pb_read_first_line(path);

	free(path);
	return s;
}
