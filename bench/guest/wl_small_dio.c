// SPDX-License-Identifier: GPL-2.0
/* wl_small_dio.c: the small_dio workload in the guest: a null_blk device per completion mode, data patterns, the in-kernel I/O loop, verification. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "names.h"
#include "pinbench_uapi.h"
#include "util.h"

/* The module's defer_release knob (testing only). */
static void set_defer_release(bool on)
{
	int fd = open("/sys/module/pinbench/parameters/defer_release", O_WRONLY);

	if (fd < 0 || write(fd, on ? "Y" : "N", 1) != 1)
		pb_warn("cannot set pinbench.defer_release: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void small_dio_run(struct pb_cell *cell)
{
	const char *strategy = pb_param_str(cell, "strategy");
	const char *completion = pb_param_str(cell, "completion");
	bool read = !strcmp(pb_param_str(cell, "rw"), "read");
	uint32_t bs = (uint32_t)pb_param_u64(cell, "block_size");
	uint32_t qd = (uint32_t)pb_param_u64(cell, "queue_depth");
	enum pb_nullb_mode mode;
	uint64_t *hist[4], *slot_seq, checked = 0, nonce = pb_dio_nonce(), busy0, busy1;
	struct pinbench_small_dio a;
	struct pb_counters cnt;
	char dev[64], err[256];
	size_t len = ((size_t)qd * bs + 4095) & ~(size_t)4095;
	int bfd = -1, dfd = -1;
	char *buf;

	if (pb_dio_device(cell, &mode, dev, sizeof(dev)) < 0)
		return;
	bfd = open(dev, O_RDWR);
	dfd = open(dev, O_RDWR | O_DIRECT);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bfd < 0 || dfd < 0 || buf == MAP_FAILED) {
		pb_cell_fail(cell, PB_FAILED, "%s: %s", dev, strerror(errno));
		goto out_close;
	}
	madvise(buf, len, MADV_NOHUGEPAGE);
	/* Pages present before the clock starts: small_dio measures I/O, not faults. */
	if (read) {
		memset(buf, 0, len);
		if (pb_dio_span_fill(dfd, nonce, err, sizeof(err)) < 0) {
			pb_cell_fail(cell, PB_FAILED, "%s: %s", dev, err);
			goto out_unmap;
		}
	} else {
		for (uint32_t s = 0; s < qd; s++)
			for (uint32_t w = 0; w < bs / 8; w++)
				((uint64_t *)(buf + (size_t)s * bs))[w] = pb_dio_slot_word(s, w, nonce);
	}

	for (int i = 0; i < 4; i++)
		hist[i] = pb_xcalloc(PINBENCH_HIST_BUCKETS, sizeof(uint64_t));
	slot_seq = pb_xcalloc(qd, sizeof(uint64_t));
	memset(&a, 0, sizeof(a));
	a.abi_version = PINBENCH_ABI_VERSION;
	a.strategy = pb_strategy_id(strategy);
	a.flags = pb_param_u64(cell, "longterm") ? PINBENCH_PIN_LONGTERM : 0;
	a.registration = strcmp(pb_param_str(cell, "registration"), "per_buffer") ?
			 PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
	a.bdev_fd = bfd;
	a.direction = read ? PINBENCH_DMA_READ : PINBENCH_DMA_WRITE;
	a.block_size = bs;
	a.queue_depth = qd;
	a.addr = (uintptr_t)buf;
	a.ios = pb_param_u64(cell, "ios");
	a.warmup_ios = pb_param_u64(cell, "warmup_ios");
	a.dev_offset = 0;
	a.dev_span = (uint64_t)PB_DIO_DEV_MIB << 20;
	a.latency_hist = (uintptr_t)hist[0];
	a.acquire_hist = (uintptr_t)hist[1];
	a.release_hist = (uintptr_t)hist[2];
	a.residency_hist = (uintptr_t)hist[3];
	a.slot_seqs = (uintptr_t)slot_seq;
	a.hist_buckets = PINBENCH_HIST_BUCKETS;

	if (pb_param_u64(cell, "debug_release_in_place"))
		set_defer_release(false);
	pb_counters_open(&cnt);
	busy0 = pb_cpu_busy_ns();
	pb_counters_start(&cnt);
	if (ioctl(cell->devfd, PINBENCH_IOC_SMALL_DIO, &a) < 0) {
		int e = errno;

		pb_counters_stop(&cnt);
		if (e == EOPNOTSUPP)
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s", strategy,
				     a.registration == PINBENCH_REG_PER_BUFFER ?
				     "it has no per-buffer state" :
				     "FOLL_LONGTERM is only valid with FOLL_PIN");
		else
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_SMALL_DIO: %s", strerror(e));
		goto out_free;
	}
	pb_counters_stop(&cnt);
	busy1 = pb_cpu_busy_ns();

	if (a.io_errors) {
		pb_cell_fail(cell, PB_FAILED, "%" PRIu64 " of %" PRIu64 " I/Os completed in error",
			     (uint64_t)a.io_errors, (uint64_t)a.ios_done);
		goto out_free;
	}
	if (pb_dio_verify(cell, dfd, buf, qd, bs, slot_seq, a.warmup_ios + a.ios, read, nonce, &checked) < 0)
		goto out_free;
	if (a.completions[mode == PB_NULLB_HARDIRQ ? 0 : mode == PB_NULLB_SOFTIRQ ? 1 : 2] == 0)
		pb_cell_note(cell, "no completion ran in %s context (hardirq %" PRIu64 ", softirq %"
			     PRIu64 ", task %" PRIu64 ")", completion, (uint64_t)a.completions[0],
			     (uint64_t)a.completions[1], (uint64_t)a.completions[2]);
	if (a.deferred)
		pb_cell_note(cell, "%" PRIu64 " of %" PRIu64 " releases deferred to a workqueue",
			     (uint64_t)a.deferred, (uint64_t)a.ios_done);
	if (a.stalls)
		pb_cell_note(cell, "%" PRIu64 " submissions waited for deferred releases",
			     (uint64_t)a.stalls);

	json_object_object_add(cell->raw, "strategy_caps", json_object_new_uint64(a.strategy_caps));
	json_object_object_add(cell->raw, "device", json_object_new_string(dev));
	json_object_object_add(cell->raw, "block_size", json_object_new_uint64(bs));
	json_object_object_add(cell->raw, "queue_depth", json_object_new_uint64(qd));
	json_object_object_add(cell->raw, "ios_done", json_object_new_uint64(a.ios_done));
	json_object_object_add(cell->raw, "elapsed_ns", json_object_new_uint64(a.elapsed_ns));
	json_object_object_add(cell->raw, "latency_ns", pb_phase_hist_json(&a.latency, hist[0]));
	json_object_object_add(cell->raw, "acquire_ns", pb_phase_hist_json(&a.acquire, hist[1]));
	json_object_object_add(cell->raw, "release_ns", pb_phase_hist_json(&a.release, hist[2]));
	json_object_object_add(cell->raw, "residency_ns", pb_phase_hist_json(&a.residency, hist[3]));
	{
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "hardirq", json_object_new_uint64(a.completions[0]));
		json_object_object_add(c, "softirq", json_object_new_uint64(a.completions[1]));
		json_object_object_add(c, "task", json_object_new_uint64(a.completions[2]));
		json_object_object_add(cell->raw, "completions", c);
	}
	json_object_object_add(cell->raw, "deferred", json_object_new_uint64(a.deferred));
	json_object_object_add(cell->raw, "deferred_work_ns", json_object_new_uint64(a.deferred_work_ns));
	json_object_object_add(cell->raw, "max_deferred_depth", json_object_new_uint64(a.max_deferred_depth));
	json_object_object_add(cell->raw, "redirtied", json_object_new_uint64(a.redirtied));
	json_object_object_add(cell->raw, "stalls", json_object_new_uint64(a.stalls));
	json_object_object_add(cell->raw, "blocks_verified", json_object_new_uint64(checked));
	json_object_object_add(cell->raw, "cpu_busy_ns", json_object_new_uint64(busy1 - busy0));
	json_object_object_add(cell->raw, "counters", pb_counters_json(&cnt));
	/* The module reports the FOLL_PIN pins it took; vmstat must agree. */
	json_object_object_add(cell->raw, "foll_pins_expected", json_object_new_uint64(a.foll_pins));
out_free:
	if (pb_param_u64(cell, "debug_release_in_place"))
		set_defer_release(true);
	pb_counters_close(&cnt);
	for (int i = 0; i < 4; i++)
		free(hist[i]);
	free(slot_seq);
out_unmap:
	munmap(buf, len);
out_close:
	if (bfd >= 0)
		close(bfd);
	if (dfd >= 0)
		close(dfd);
}

const struct pb_guest_workload pb_wl_small_dio = {
	.name = "small_dio",
	.run = small_dio_run,
};
