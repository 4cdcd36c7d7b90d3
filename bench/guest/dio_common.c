// SPDX-License-Identifier: GPL-2.0
/* dio_common.c: what the direct I/O workloads share: data patterns, filling the device, CPU busy time. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

/*
 * What the device holds before a read cell: every 8-byte word says where
 * it lives, so a block read into the wrong slot, or from the wrong
 * offset, or torn, cannot pass.
 */
uint64_t pb_dio_dev_word(uint64_t dev_byte, uint64_t nonce)
{
	return (dev_byte * 0x9e3779b97f4a7c15ull) ^ nonce;
}

/* What a write cell's slot holds: which slot, which word. */
uint64_t pb_dio_slot_word(unsigned int slot, uint64_t word, uint64_t nonce)
{
	return nonce ^ ((uint64_t)slot << 32) ^ word ^ 0xa5a5000000000000ull;
}

uint64_t pb_dio_nonce(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec;
}

/* Fill the whole span with dev_word()s, O_DIRECT, 1 MiB at a time. */
int pb_dio_span_fill(int fd, uint64_t nonce, char *err, size_t errlen)
{
	const size_t chunk = 1 << 20;
	uint64_t *buf;

	if (posix_memalign((void **)&buf, 4096, chunk)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (uint64_t off = 0; off < (uint64_t)PB_DIO_DEV_MIB << 20; off += chunk) {
		for (size_t w = 0; w < chunk / 8; w++)
			buf[w] = pb_dio_dev_word(off + w * 8, nonce);
		if (pwrite(fd, buf, chunk, (off_t)off) != (ssize_t)chunk) {
			snprintf(err, errlen, "filling the device at %" PRIu64 ": %s", off, strerror(errno));
			free(buf);
			return -1;
		}
	}
	free(buf);
	return 0;
}

/* All CPUs' busy time (user+nice+system+irq+softirq) from /proc/stat, in ns (10 ms resolution). */
uint64_t pb_cpu_busy_ns(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	long hz = sysconf(_SC_CLK_TCK);

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) != 8)
		v[0] = v[1] = v[2] = v[5] = v[6] = 0;
	fclose(f);
	return (v[0] + v[1] + v[2] + v[5] + v[6]) * (1000000000ull / (uint64_t)hz);
}


/* The cell's null_blk device (its completion and completion_nsec); fails the cell if it cannot be had. */
int pb_dio_device(struct pb_cell *cell, enum pb_nullb_mode *mode, char *dev, size_t devlen)
{
	const char *completion = pb_param_str(cell, "completion");
	char err[256];

	*mode = !strcmp(completion, "inline") ? PB_NULLB_INLINE :
		!strcmp(completion, "softirq") ? PB_NULLB_SOFTIRQ : PB_NULLB_HARDIRQ;
	if (pb_nullb_get(*mode, (unsigned int)pb_param_u64(cell, "completion_nsec"), PB_DIO_DEV_MIB,
			 dev, devlen, err, sizeof(err)) < 0) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "%s", err);
		return -1;
	}
	return 0;
}
