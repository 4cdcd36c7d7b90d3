// SPDX-License-Identifier: GPL-2.0
/* wl_selftest.c: a cell that harms the guest on purpose, so tests can prove the runner contains it. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdlib.h>
#include "guest.h"
#include "pinbench_uapi.h"
#include "util.h"

/*
 * fault=warn  writes a line the kernel-log verdict must catch;
 * fault=panic crashes the kernel for real (sysrq-c: a NULL dereference,
 *             an oops, and with oops=panic a panic that ends QEMU);
 * fault=hang  never returns, so the runner's cell timeout must fire;
 * fault=hang_at_exit passes, then the guest program never ends after its
 *             last cell: the runner must stop waiting soon after that
 *             cell, keep every result, and fail the run (no unload);
 * fault=leak  registers a buffer with the device on a file of its own and
 *             keeps both: the module's leak accounting must fail the
 *             cell, and the guest must end so the next cells start clean.
 * fault=emulator_int3, once per run (a marker in the share), imitates what
 *             QEMU's stale breakpoint leaves in the log ("Oops: int3" and a
 *             code dump with no 0xcc at the trap, written to /dev/kmsg),
 *             then crashes the kernel for real: the runner must tell it
 *             from a kernel bug, boot again and run the cell again, which
 *             then passes (pb_klog_emulator_fault()).
 */
bool pb_hang_at_exit;

/* fault=leak: a device buffer nobody unregisters, on a file nobody closes. */
static void selftest_leak(struct pb_cell *cell)
{
	const unsigned int pages = 16;
	struct pinbench_dev_register a = {
		.abi_version = PINBENCH_ABI_VERSION,
		.strategy = PINBENCH_STRATEGY_GUP_REF,	/* FOLL_GET: /proc/vmstat cannot see it */
		.flags = PINBENCH_PIN_WRITE,
		.registration = PINBENCH_REG_PER_IO,
		.nr_pages = pages,
		.pages_per_call = pages,
	};
	long page = sysconf(_SC_PAGESIZE);
	void *buf = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC);

	if (buf == MAP_FAILED || fd < 0) {
		pb_cell_fail(cell, PB_FAILED, "selftest leak: cannot set up: %s", strerror(errno));
		return;
	}
	memset(buf, 1, pages * page);
	a.addr = (uintptr_t)buf;
	if (ioctl(fd, PINBENCH_IOC_DEV_REGISTER, &a))
		pb_cell_fail(cell, PB_FAILED, "selftest leak: DEV_REGISTER: %s", strerror(errno));
	/* fd and buf are left as they are, on purpose. */
}

static void selftest_run(struct pb_cell *cell)
{
	const char *fault = pb_param_str(cell, "fault");
	int fd;

	if (!strcmp(fault, "none"))
		return;
	if (!strcmp(fault, "warn")) {
		fd = open("/dev/kmsg", O_WRONLY);
		if (fd < 0 || write(fd, "WARNING: pinbench selftest splat\n", 33) != 33)
			pb_cell_fail(cell, PB_FAILED, "cannot write to /dev/kmsg");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!strcmp(fault, "emulator_int3")) {
		static const char oops[] = "Oops: int3: 0000 [#1] (pinbench selftest: an emulator's stale breakpoint)\n";
		static const char code[] = "Code: 0f 1f 44 00 00 0f 1f 44 00 00 e9 <d4> 01 00 00 49 8d 85 40 0f\n";
		char *marker = pb_asprintf("%s/selftest-emulator-fault", cell->share);

		if (pb_file_exists(marker)) {
			free(marker);
			return;		/* the second time: a clean pass */
		}
		if (pb_write_file_atomic(marker, "1", 1) < 0) {
			pb_cell_fail(cell, PB_FAILED, "cannot write %s: %s", marker, strerror(errno));
			free(marker);
			return;
		}
		free(marker);
		fd = open("/dev/kmsg", O_WRONLY);
		if (fd < 0 || write(fd, oops, sizeof(oops) - 1) < 0 || write(fd, code, sizeof(code) - 1) < 0)
			pb_cell_fail(cell, PB_FAILED, "cannot write to /dev/kmsg");
		if (fd >= 0)
			close(fd);
		fault = "panic";
	}
	if (!strcmp(fault, "panic")) {
		fd = open("/proc/sysrq-trigger", O_WRONLY);
		if (fd < 0 || write(fd, "c", 1) != 1)
			pb_cell_fail(cell, PB_UNSUPPORTED, "no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ)");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!strcmp(fault, "leak")) {
		selftest_leak(cell);
		return;
	}
	if (!strcmp(fault, "hang_at_exit")) {
		pb_hang_at_exit = true;
		return;
	}
	for (;;)
		pause();
}

const struct pb_guest_workload pb_wl_selftest = {
	.name = "selftest",
	.run = selftest_run,
};
PB_GUEST_WORKLOAD(pb_wl_selftest);
