/* SPDX-License-Identifier: GPL-2.0 */
/* vm.h: the guest: building kmod and the initramfs for a kernel, choosing the accelerator, booting QEMU under a watchdog. */
#ifndef PINBENCH_VM_H
#define PINBENCH_VM_H

#include <stdbool.h>
#include <stddef.h>
#include "kernels.h"

/* Build pinbench.ko against k->kdir and the initramfs for k; quiet unless verbose. */
int pb_kernel_prepare(struct pb_kernel *k, const char *repo, bool verbose, char *err, size_t errlen);

enum pb_mode { PB_MODE_WALL, PB_MODE_DETERMINISTIC };

/* "kvm" or "tcg" (with the reason in why). requested: "auto", "kvm" or "tcg". */
const char *pb_accel_pick(const char *requested, enum pb_mode mode, const struct pb_kernel *k,
			  char *why, size_t whylen);

struct pb_boot {
	const struct pb_kernel *k;
	const char *accel;
	enum pb_mode mode;
	int vcpus;
	int mem_mib;
	/*
	 * Persistent memory for DAX, MiB (0: none): the guest boots with
	 * memmap=<pmem_mib>M!<pmem_start_mib>M, which nd_e820 makes /dev/pmem0.
	 */
	int pmem_mib, pmem_start_mib;
	/*
	 * The memory layout some cells need (pb_boot_profiles[]): NULL or
	 * "" for the plain one, else "numa2", "movable" or "cma".
	 */
	const char *profile;
	const char *share;	/* writable 9p export (guest.conf inside) */
	/*
	 * Sealed (deterministic runs; seal.c): the host files the guest runs,
	 * one absolute path a line, go into its initramfs with the share's
	 * inputs; no 9p; results come back over a second serial port. NULL:
	 * not sealed.
	 */
	const char *seal_files;
	/*
	 * A sealed guest's plan: exactly the entries it runs, numbered from
	 * 0 (JSON text), and where entry 0 is in the share's numbering. A
	 * unit's guest then reads the same bytes whichever run it is part
	 * of (serial, a shard, --jobs): what it parses moves its memory and
	 * its clock as surely as what it measures.
	 */
	const char *seal_plan;
	size_t seal_from;
	const char *console;	/* console log, appended; NULL = interactive stdio */
	double boot_timeout_s;	/* until PINBENCH-READY */
	double cell_timeout_s;	/* a cell, an exec, or any stall after ready */
	/*
	 * Cells in the plan (0: not a run). Once every one has a result, the
	 * guest program must end within SHUTDOWN_GRACE_S (or the cell
	 * timeout, if shorter) instead of a whole cell timeout.
	 */
	size_t cells_total;
	/* Called about every 200 ms while the guest runs (may be NULL). */
	void (*tick)(void *arg);
	void *tick_arg;
};

struct json_object;

struct pb_boot_result {
	int qemu_status;	/* waitpid status */
	bool timed_out;
	char timeout_what[128];	/* "boot", "cell 0003", "total" */
	double ready_s;		/* wall time to PINBENCH-READY, <0 if never */
	double first_cell_s;	/* wall time to the first cell start, <0 if none */
	double elapsed_s;
	long console_offset;	/* where this boot's console output starts */
	/*
	 * When the watchdog stopped the guest: where its tasks waited, from
	 * the sysrq-w and sysrq-t dumps it asked for first ("task (state):
	 * frame < frame < ..."; the guest program's, and every task in D
	 * state), or empty.
	 */
	char waited[1024];
};

int pb_boot_run(const struct pb_boot *b, struct pb_boot_result *r);
/* The stages of the boot whose console output starts at offset: [{"stage", "guest_s"}]. */
struct json_object *pb_boot_timeline(const char *console, long offset);

/* A guest memory layout a cell may ask for (struct pb_workload's boot()). */
struct pb_boot_profile {
	const char *name;
	const char *says;	/* what the guest boots with, for results and docs */
};
/* Every profile but the plain one, NULL-terminated. */
extern const struct pb_boot_profile pb_boot_profiles[];
/* The profile named name, or NULL. */
const struct pb_boot_profile *pb_boot_profile_find(const char *name);
/* What the profile adds to QEMU's command line and the kernel's, for the record. */
char *pb_boot_profile_args(const char *profile, int mem_mib, int vcpus);
/* What the guest has written into share/cells, in one directory scan. */
struct pb_cells {
	size_t results;		/* NNNN.json files: cells with a result */
	int running;		/* a NNNN.started without its .json, or -1 */
	double running_since;	/* its start, wall clock */
	double newest;		/* newest mtime there, or -1 */
	double first_start;	/* earliest start at or after 'after', minus it; or -1 */
};
void pb_cells_scan(const char *share, double after, struct pb_cells *c);
/* The QEMU command line for a boot, for the record. */
char *pb_boot_cmdline(const struct pb_boot *b);
/* First line of qemu-system-x86_64 --version, e.g. "7.2.22". */
char *pb_qemu_version(void);

/*
 * Deterministic mode's fixed inputs (vm.c): QEMU's guest random seed and
 * the date its clock starts at. A seed is a configuration like a kernel:
 * figures are identical for one seed and move with another (the kernel's
 * layout: 8 ns an I/O in small_dio, measured), so it is fixed here and
 * recorded with QEMU's command line in every result.
 */
#define PB_DET_SEED "1"
#define PB_DET_DATE "2025-01-01T00:00:00"

/* seal.c: a sealed guest's initramfs and the files it sends back (in its share) */
#define SEAL_INITRD "sealed-initrd.cpio"
#define SEAL_CHANNEL "channel.log"
/* The watchdog's QEMU monitor: MONITOR_FIFO.in and .out in the share, for one boot. */
#define MONITOR_FIFO "qemu-monitor"
struct pb_plan;
char *pb_ldso_list(const char *exec);	/* exec and what the host's dynamic loader loads with it, a line each */
char *pb_seal_files(const char *exec, const char *ko, const struct pb_plan *plan);
int pb_seal_initrd(const struct pb_boot *b, const char *out, char *err, size_t errlen);
/*
 * Share files completed in channel since *offset, written into share (a
 * cell's number shifted by from); their number, or -1.
 */
int pb_seal_channel_poll(const char *channel, const char *share, size_t from, long *offset);

#endif
