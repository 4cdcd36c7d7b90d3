// SPDX-License-Identifier: GPL-2.0
/* wl_selftest.c: a cell that harms the guest on purpose, so tests can prove the runner contains it. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "guest.h"

/*
 * fault=warn  writes a line the kernel-log verdict must catch;
 * fault=panic crashes the kernel for real (sysrq-c: a NULL dereference,
 *             an oops, and with oops=panic a panic that ends QEMU);
 * fault=hang  never returns, so the runner's cell timeout must fire;
 * fault=hang_at_exit passes, then the guest program never ends after its
 *             last cell: the runner must stop waiting soon after that
 *             cell, keep every result, and fail the run (no unload).
 */
bool pb_hang_at_exit;

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
	if (!strcmp(fault, "panic")) {
		fd = open("/proc/sysrq-trigger", O_WRONLY);
		if (fd < 0 || write(fd, "c", 1) != 1)
			pb_cell_fail(cell, PB_UNSUPPORTED, "no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ)");
		if (fd >= 0)
			close(fd);
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
