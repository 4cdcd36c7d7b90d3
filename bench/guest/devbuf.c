// SPDX-License-Identifier: GPL-2.0
/* devbuf.c: the simulated device's buffers, as the device workloads (truncate, writeback, mm_churn) drive them. */
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include "guest.h"
#include "pinbench_uapi.h"

int pb_dev_stats(int devfd, unsigned long cmd, uint32_t id, struct pinbench_dev_stats *st,
		 struct pinbench_page_fate *fates, unsigned int pages)
{
	memset(st, 0, sizeof(*st));
	st->abi_version = PINBENCH_ABI_VERSION;
	st->buffer_id = id;
	if (cmd == PINBENCH_IOC_DEV_UNREGISTER)
		st->release_ctx = PINBENCH_CTX_PROCESS;
	if (fates) {
		st->fates_addr = (uintptr_t)fates;
		st->fates_nr = pages;
	}
	return ioctl(devfd, cmd, st);
}

uint32_t pb_cell_revoke(struct pb_cell *cell)
{
	return (strcmp(pb_param_str_or(cell, "revoke_events", "all"), "truncate_unmap") ? 0 :
		PINBENCH_REVOKE_TRUNCATE_UNMAP) |
	       (strcmp(pb_param_str_or(cell, "after_revoke", "drop"), "reacquire") ? 0 :
		PINBENCH_REVOKE_REACQUIRE);
}
