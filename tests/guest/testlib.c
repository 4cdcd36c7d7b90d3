// SPDX-License-Identifier: GPL-2.0
/* testlib.c: what the in-guest tests share: checks, the pin balance, module facts. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "pinbench_uapi.h"
#include "testlib.h"
#include "vmstat.h"

int failures;
long page_size;
static int testlib_fd = -1;

void check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", cond ? "ok" : "NOT OK");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		failures++;
}

uint64_t strategy_mask(void)
{
	uint64_t m = 0;
#define PB_X_MASK(sym, id, name) m |= 1ull << (id);
	PINBENCH_STRATEGIES(PB_X_MASK)
#undef PB_X_MASK
	return m;
}

void skip(const char *fmt, ...)
{
	va_list ap;

	printf("skip: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

const struct pinbench_strategy_info *strategy_info(uint32_t id)
{
	static struct pinbench_strategy_info si[PINBENCH_MAX_STRATEGIES];
	static int state[PINBENCH_MAX_STRATEGIES];	/* 0 not asked, 1 built in, -1 not */

	if (!id || id >= PINBENCH_MAX_STRATEGIES)
		return NULL;
	if (!state[id]) {
		memset(&si[id], 0, sizeof(si[id]));
		si[id].abi_version = PINBENCH_ABI_VERSION;
		si[id].id = id;
		state[id] = ioctl(testlib_fd, PINBENCH_IOC_STRATEGY, &si[id]) == 0 ? 1 : -1;
	}
	return state[id] > 0 ? &si[id] : NULL;
}

uint32_t strategy_props(uint32_t id)
{
	const struct pinbench_strategy_info *si = strategy_info(id);

	return si ? si->props : 0;
}

uint32_t strategy_caps(uint32_t id, uint32_t registration)
{
	const struct pinbench_strategy_info *si = strategy_info(id);

	if (!si)
		return 0;
	return si->caps | (registration == PINBENCH_REG_PER_BUFFER ? si->caps_per_buffer : 0);
}

uint32_t strategy_by_cap(uint32_t cap, int have)
{
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++)
		if (strategy_info(id) && !!(strategy_info(id)->caps & cap) == !!have)
			return id;
	return 0;
}

uint32_t strategy_by_prop(uint32_t prop, int have)
{
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++)
		if (strategy_info(id) && !!(strategy_info(id)->props & prop) == !!have)
			return id;
	return 0;
}

uint32_t strategy_without_flag(uint32_t flag)
{
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++)
		if (strategy_info(id) && !(strategy_info(id)->supported_flags & flag))
			return id;
	return 0;
}

void read_pins(unsigned long long *acq, unsigned long long *rel)
{
	uint64_t a, r;

	pb_vmstat_foll_pins(&a, &r);
	*acq = a;
	*rel = r;
}

unsigned long long tracking_objects(int fd)
{
	struct pinbench_info info;

	memset(&info, 0, sizeof(info));
	info.abi_version = PINBENCH_ABI_VERSION;
	if (ioctl(fd, PINBENCH_IOC_INFO, &info) < 0)
		return ~0ull;
	return info.tracking_objects;
}

int testlib_open(void)
{
	int fd = open("/dev/pinbench", O_RDWR);

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	if (fd < 0) {
		printf("cannot open /dev/pinbench: %s\n", strerror(errno));
		exit(1);
	}
	testlib_fd = fd;
	return fd;
}
