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

const struct pb_workload pb_wl_selftest = {
	.name = "selftest",
	.summary = "the kernel's own mm/gup_test selftest, run as a cell: its verdict is its status",
	.compute = no_metrics,
};
