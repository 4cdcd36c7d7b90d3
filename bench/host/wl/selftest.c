// SPDX-License-Identifier: GPL-2.0
/* selftest.c: the selftest workload on the host: its metrics and how raw guest data becomes them. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "workload.h"

/* selftest measures nothing: its verdict is its status. */
static int no_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	(void)raw, (void)m, (void)reason, (void)len;
	return 0;
}

static const char *const fault_values[] = { "none", "warn", "panic", "hang", "hang_at_exit", "leak",
					     "emulator_int3", NULL };

static const struct pb_option opt_fault = {
	.name = "fault", .type = PB_OPT_ENUM, .def = "none", .allowed = fault_values,
	.list = true, .in_id = true,
	.help = "what the selftest cell does to the guest: nothing, a log splat, a kernel panic "
		"(sysrq-c), a hang, a guest program that never ends after its last cell, a device "
		"buffer left registered (a leak), or an imitated emulator fault (once per run)",
};

/* The job options it takes, in the order its cells are expanded. */
static const struct pb_wl_option options[] = {
	{ &opt_fault },
};

const struct pb_workload pb_wl_selftest = {
	.name = "selftest",
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.summary = "a cell that harms the guest on purpose (a splat, a panic, a hang, a leak), so that tests prove the runner contains it: its verdict is its status",
	.order = 90,
	.compute = no_metrics,
};
