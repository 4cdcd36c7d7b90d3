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
#include "vmstat.h"

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

/*
 * All online CPUs' busy time so far, in ns: a counter whose difference over
 * a measurement is the CPU time it took on every CPU (hard and soft
 * interrupts, kworkers and the submitters alike).
 *
 * The source is the module's cpu_idle_us: NO_HZ's own idle accounting
 * (get_cpu_idle_time_us(), to the microsecond), busy being online CPUs x
 * elapsed CLOCK_MONOTONIC minus idle. Over a cell of 5,000 I/Os that is a
 * resolution of 0.2 ns per I/O. /proc/stat counts in 10 ms ticks, which made
 * every published "CPU/IO ns" a multiple of 2,000 ns until 2026-11-30; it
 * is used only where NO_HZ is off, and *source says which one answered.
 */
uint64_t pb_cpu_busy_ns(const char **source)
{
	unsigned long long idle_us = 0, v[8] = { 0 };
	unsigned int cpus = 0;
	struct timespec ts;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/sys/module/pinbench/parameters/cpu_idle_us", "r");
	int got = f ? fscanf(f, "%llu %u", &idle_us, &cpus) : 0;

	if (f)
		fclose(f);
	if (got == 2 && cpus) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (source)
			*source = "nohz idle accounting (us)";
		return (uint64_t)cpus * ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) -
		       idle_us * 1000ull;
	}
	if (source)
		*source = "/proc/stat ticks (10 ms)";
	f = fopen("/proc/stat", "r");
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

/* Where I/O seq of a share went: seq * bs into its range of the device, wrapping. */
static uint64_t seq_offset(const struct pb_dio_share *sh, uint64_t seq, uint32_t bs)
{
	return sh->dev_off + seq * bs % sh->span;
}

/* The share's slot (0..qd-1) whose pattern a written block carries (word 0), or ~0u. */
static unsigned int slot_of(const struct pb_dio_share *sh, const uint64_t *blk, uint64_t nonce)
{
	uint64_t s = (blk[0] ^ pb_dio_slot_word(0, 0, nonce)) >> 32;

	return s >= sh->slot_base && s < sh->slot_base + sh->qd ? (unsigned int)(s - sh->slot_base) :
	       ~0u;
}

static int mismatch(struct pb_cell *cell, const char *what, unsigned int slot, uint64_t off,
		    uint32_t w, uint64_t got, uint64_t want)
{
	pb_cell_fail(cell, PB_FAILED,
		     "data mismatch (%s): slot %u, device offset %" PRIu64 ", word %u: 0x%016" PRIx64
		     " where 0x%016" PRIx64 " belongs", what, slot, off, w, got, want);
	return -1;
}

/*
 * Read cells: each slot must hold exactly what the device held at the
 * offset of the slot's last I/O. Write cells: I/O seq goes to offset
 * seq * bs mod span in submission order, so every block of the final wrap
 * holds the last write to it: it must be exactly some slot's pattern, and
 * that slot's own, where the slot's last I/O is the one that wrote it.
 * Slots are numbered across shares (slot_base + s), so a block another
 * submitter wrote cannot pass for this one's.
 */
int pb_dio_verify(struct pb_cell *cell, int dfd, const struct pb_dio_share *sh, uint32_t bs,
		  bool read, uint64_t nonce, uint64_t *checked)
{
	uint64_t nblocks = sh->span / bs, first, *blk;
	int ret = -1;

	*checked = 0;
	if (read) {
		for (unsigned int s = 0; s < sh->qd; s++) {
			const uint64_t *mem = (const uint64_t *)(sh->buf + (size_t)s * bs);
			uint64_t off = seq_offset(sh, sh->slot_seq[s], bs);

			if (sh->slot_seq[s] == ~0ull)
				continue;	/* no measured I/O used this slot */
			for (uint32_t w = 0; w < bs / 8; w++)
				if (mem[w] != pb_dio_dev_word(off + w * 8ull, nonce))
					return mismatch(cell, "read", sh->slot_base + s, off, w, mem[w],
							pb_dio_dev_word(off + w * 8ull, nonce));
			(*checked)++;
		}
		return 0;
	}
	if (posix_memalign((void **)&blk, 4096, bs))
		return -1;
	first = sh->total > nblocks ? sh->total - nblocks : 0;
	for (uint64_t seq = first; seq < sh->total; seq++) {
		uint64_t off = seq_offset(sh, seq, bs);
		unsigned int s;

		if (pread(dfd, blk, bs, (off_t)off) != (ssize_t)bs) {
			pb_cell_fail(cell, PB_FAILED, "reading back offset %" PRIu64 ": %s", off,
				     strerror(errno));
			goto out;
		}
		s = slot_of(sh, blk, nonce);
		if (s == ~0u) {
			mismatch(cell, "write, no slot's data", sh->slot_base, off, 0, blk[0],
				 pb_dio_slot_word(sh->slot_base, 0, nonce));
			goto out;
		}
		for (uint32_t w = 0; w < bs / 8; w++)
			if (blk[w] != pb_dio_slot_word(sh->slot_base + s, w, nonce)) {
				mismatch(cell, "write", sh->slot_base + s, off, w, blk[w],
					 pb_dio_slot_word(sh->slot_base + s, w, nonce));
				goto out;
			}
		(*checked)++;
	}
	/* A slot's last I/O is the final write of its block: the block names that slot. */
	for (unsigned int s = 0; s < sh->qd; s++) {
		uint64_t off = seq_offset(sh, sh->slot_seq[s], bs);

		if (sh->slot_seq[s] == ~0ull || sh->slot_seq[s] < first)
			continue;
		if (pread(dfd, blk, bs, (off_t)off) != (ssize_t)bs || slot_of(sh, blk, nonce) != s) {
			mismatch(cell, "write, last I/O of the slot", sh->slot_base + s, off, 0, blk[0],
				 pb_dio_slot_word(sh->slot_base + s, 0, nonce));
			goto out;
		}
	}
	ret = 0;
out:
	free(blk);
	return ret;
}

uint64_t pb_harness_pins_begin(void)
{
	uint64_t acq, rel;

	pb_vmstat_foll_pins(&acq, &rel);
	return acq;
}

void pb_harness_pins_end(struct pb_cell *cell, uint64_t begin)
{
	uint64_t acq, rel;

	pb_vmstat_foll_pins(&acq, &rel);
	cell->foll_pins_harness += acq - begin;
}
