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
	return fd;
}
