// SPDX-License-Identifier: GPL-2.0
/* klog.c: recognise kernel log lines that fail a verdict (BUG, WARNING, Oops, Bad page, lockdep...). */
#include <string.h>
#include "klog.h"

/*
 * What liburing's runner and the kernel selftests treat as a failure, plus
 * lockdep's headers (in 6.1 most start with "WARNING:", some with "INFO:")
 * and the stall and lockup detectors, which are how a pinning bug that
 * waits forever shows itself.
 */
static const char *const splats[] = {
	"BUG:",
	"WARNING:",
	"Oops:",
	"Bad page",
	"general protection fault",
	"Kernel panic",
	"kernel BUG at",
	"possible circular locking dependency",
	"possible recursive locking",
	"inconsistent lock state",
	"suspicious RCU usage",
	"INFO: task",			/* hung task */
	"soft lockup",
	"hard LOCKUP",
	"rcu_sched self-detected stall",
	"rcu: INFO:",
	"UBSAN:",
	"KASAN:",
};

const char *pb_klog_splat(const char *line)
{
	for (size_t i = 0; i < sizeof(splats) / sizeof(splats[0]); i++)
		if (strstr(line, splats[i]))
			return splats[i];
	return NULL;
}
