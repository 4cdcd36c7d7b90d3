// SPDX-License-Identifier: GPL-2.0
/* devbuf.c: the simulated device's buffers, as the device workloads (truncate, writeback, mm_churn) drive them. */
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <unistd.h>
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
		PINBENCH_REVOKE_REACQUIRE) |
	       (pb_param_u64_or(cell, "debug_reacquire_give_up", 0) ? PINBENCH_REVOKE_TEST_GIVE_UP_ONCE : 0);
}

int pb_pagemap_read(const void *addr, size_t n, uint64_t *entry)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < n) {
		ssize_t r = pread(fd, entry + done, (n - done) * 8,
				  (off_t)(((uintptr_t)addr / 4096 + done) * 8));

		if (r <= 0)
			break;
		done += (size_t)r / 8;
	}
	close(fd);
	return done == n ? 0 : -1;
}

uint64_t pb_pagemap_pfn(uint64_t entry)
{
	return (entry >> 63) & 1 ? entry & ((1ull << 55) - 1) : 0;
}
