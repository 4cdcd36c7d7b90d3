// SPDX-License-Identifier: GPL-2.0
/* wl_noop.c: the harness floor in the guest: the timed loop with nothing in it (PINBENCH_IOC_NOOP). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "guest.h"
#include "pinbench_uapi.h"
#include "util.h"

static void noop_run(struct pb_cell *cell)
{
	uint64_t *hist = pb_xcalloc(PINBENCH_HIST_BUCKETS, sizeof(*hist));
	struct pinbench_noop a;

	memset(&a, 0, sizeof(a));
	a.abi_version = PINBENCH_ABI_VERSION;
	a.calls = (uint32_t)pb_param_u64(cell, "calls");
	a.hist = (uintptr_t)hist;
	a.hist_buckets = PINBENCH_HIST_BUCKETS;
	if (ioctl(cell->devfd, PINBENCH_IOC_NOOP, &a) < 0) {
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_NOOP: %s", strerror(errno));
		free(hist);
		return;
	}
	json_object_object_add(cell->raw, "calls", json_object_new_uint64(a.calls));
	json_object_object_add(cell->raw, "call_ns", pb_phase_hist_json(&a.call, hist));
	json_object_object_add(cell->raw, "phase_ns", pb_phase_json(&a.phase));
	free(hist);
}

const struct pb_guest_workload pb_wl_noop = {
	.name = "noop",
	.run = noop_run,
};
PB_GUEST_WORKLOAD(pb_wl_noop);
