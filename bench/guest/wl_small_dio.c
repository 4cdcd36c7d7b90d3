// SPDX-License-Identifier: GPL-2.0
/* wl_small_dio.c: the small_dio workload in the guest: a null_blk device per completion mode, data patterns, submitters placed with hwloc, the in-kernel I/O loop, verification. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
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

/*
 * One submitter of a cell: its own /dev/pinbench file (the module runs one
 * ioctl at a time per file), its own slots and its own range of the
 * device, on the CPU hwloc gave it. submitters=N splits the device's
 * first PB_DIO_DEV_MIB evenly; with N = 1 it is the whole of it.
 */
struct submitter {
	struct pinbench_small_dio a;
	struct pb_dio_share share;
	uint64_t *hist[5];	/* latency, acquire, release, residency, span */
	uint64_t *slot_seq;
	struct pb_counters cnt;
	pthread_barrier_t *start;
	int cpu;
	int err;		/* errno of the ioctl, or 0 */
	char why[160];		/* set up failed: why (err is then 0) */
};

static void *submitter_main(void *arg)
{
	struct submitter *sub = arg;
	int fd = -1;

	if (pb_bind_self(sub->cpu, sub->why, sizeof(sub->why)) == 0) {
		fd = open("/dev/pinbench", O_RDWR);
		if (fd < 0)
			snprintf(sub->why, sizeof(sub->why), "/dev/pinbench: %s", strerror(errno));
	}
	pb_counters_open_self(&sub->cnt);
	/* Every submitter starts at once: the figures are for N at the same time. */
	pthread_barrier_wait(sub->start);
	if (fd >= 0) {
		pb_counters_start(&sub->cnt);
		if (ioctl(fd, PINBENCH_IOC_SMALL_DIO, &sub->a) < 0)
			sub->err = errno;
		pb_counters_stop(&sub->cnt);
		close(fd);
	}
	pb_counters_close_self(&sub->cnt);
	return NULL;
}

static void phase_merge(struct pinbench_phase_stats *d, const struct pinbench_phase_stats *s)
{
	if (!s->n)
		return;
	if (!d->n || s->min_ns < d->min_ns)
		d->min_ns = s->min_ns;
	if (s->max_ns > d->max_ns)
		d->max_ns = s->max_ns;
	d->n += s->n;
	d->sum_ns += s->sum_ns;
}

/* The cell's figures: sums, except the deepest backlog and the longest measured time. */
static void dio_merge(struct pinbench_small_dio *d, uint64_t **dh, const struct submitter *s)
{
	const struct pinbench_small_dio *a = &s->a;

	phase_merge(&d->latency, &a->latency);
	phase_merge(&d->acquire, &a->acquire);
	phase_merge(&d->release, &a->release);
	phase_merge(&d->residency, &a->residency);
	phase_merge(&d->span, &a->span);
	for (int h = 0; h < 5; h++)
		for (unsigned int b = 0; b < PINBENCH_HIST_BUCKETS; b++)
			dh[h][b] += s->hist[h][b];
	d->elapsed_ns = d->elapsed_ns > a->elapsed_ns ? d->elapsed_ns : a->elapsed_ns;
	d->ios_done += a->ios_done;
	d->io_errors += a->io_errors;
	for (int c = 0; c < 3; c++)
		d->completions[c] += a->completions[c];
	d->deferred += a->deferred;
	d->deferred_work_ns += a->deferred_work_ns;
	d->max_deferred_depth = d->max_deferred_depth > a->max_deferred_depth ?
				d->max_deferred_depth : a->max_deferred_depth;
	d->redirtied += a->redirtied;
	d->stalls += a->stalls;
	d->foll_pins += a->foll_pins;
	d->read_retries += a->read_retries;
	d->acquires_disturbed += a->acquires_disturbed;
	d->revoke_waits += a->revoke_waits;
	d->revoke_wait_sum_ns += a->revoke_wait_sum_ns;
	d->revoke_wait_max_ns = d->revoke_wait_max_ns > a->revoke_wait_max_ns ?
				d->revoke_wait_max_ns : a->revoke_wait_max_ns;
	d->revoke_refused += a->revoke_refused;
	d->strategy_caps = a->strategy_caps;
}

/*
 * debug_invalidate_ms: while the I/Os run, invalidate the buffer every so
 * often without losing its data: mprotect() to read-write-execute and back
 * changes every PTE, so core mm sends MMU_NOTIFY_PROTECTION_VMA over the
 * range. A revoking strategy then meets pages a bio still targets.
 */
struct invalidator {
	char *buf;
	size_t len;
	unsigned int every_ms;
	volatile int stop;
	uint64_t done;
	int err;
};

static void *invalidator_main(void *arg)
{
	struct invalidator *v = arg;
	struct timespec ts = { v->every_ms / 1000, (long)(v->every_ms % 1000) * 1000000 };

	while (!v->stop) {
		if (mprotect(v->buf, v->len, PROT_READ | PROT_WRITE | PROT_EXEC) ||
		    mprotect(v->buf, v->len, PROT_READ | PROT_WRITE)) {
			v->err = errno;
			break;
		}
		v->done++;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void small_dio_run(struct pb_cell *cell)
{
	const char *strategy = pb_param_str(cell, "strategy");
	const char *completion = pb_param_str(cell, "completion");
	bool read = !strcmp(pb_param_str(cell, "rw"), "read");
	uint32_t bs = (uint32_t)pb_param_u64(cell, "block_size");
	uint32_t qd = (uint32_t)pb_param_u64(cell, "queue_depth");
	unsigned int n = (unsigned int)pb_param_u64(cell, "submitters");
	size_t share_len = ((size_t)qd * bs + 4095) & ~(size_t)4095, len = share_len * n;
	uint64_t span = ((uint64_t)PB_DIO_DEV_MIB << 20) / n / bs * bs;
	uint64_t checked = 0, nonce = pb_dio_nonce(), busy0, busy1, *hist[5] = { NULL };
	const char *cpu_source = "";
	struct submitter *subs = NULL;
	struct pinbench_small_dio a;
	struct invalidator inv = { 0 };
	pthread_barrier_t start;
	struct json_object *per;
	enum pb_nullb_mode mode;
	char dev[64], err[256];
	int bfd = -1, dfd = -1, cpus[PB_MAX_PLACED];
	char *buf = MAP_FAILED;

	if (pb_place(n, cpus, err, sizeof(err)) < 0) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "submitters=%u: %s", n, err);
		return;
	}
	if (pb_dio_device(cell, &mode, dev, sizeof(dev)) < 0)
		return;
	bfd = open(dev, O_RDWR);
	dfd = open(dev, O_RDWR | O_DIRECT);
	if (bfd >= 0 && dfd >= 0)
		buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bfd < 0 || dfd < 0 || buf == MAP_FAILED) {
		pb_cell_fail(cell, PB_FAILED, "%s: %s", dev, strerror(errno));
		goto out_close;
	}
	madvise(buf, len, MADV_NOHUGEPAGE);
	/* Pages present before the clock starts: small_dio measures I/O, not faults. */
	if (read) {
		uint64_t pins = pb_harness_pins_begin();
		int r;

		memset(buf, 0, len);
		r = pb_dio_span_fill(dfd, nonce, err, sizeof(err));
		pb_harness_pins_end(cell, pins);
		if (r < 0) {
			pb_cell_fail(cell, PB_FAILED, "%s: %s", dev, err);
			goto out_unmap;
		}
	}

	subs = pb_xcalloc(n, sizeof(*subs));
	pthread_barrier_init(&start, NULL, n);
	for (unsigned int i = 0; i < n; i++) {
		struct submitter *sub = &subs[i];
		char *sbuf = buf + share_len * i;

		for (int h = 0; h < 5; h++)
			sub->hist[h] = pb_xcalloc(PINBENCH_HIST_BUCKETS, sizeof(uint64_t));
		sub->slot_seq = pb_xcalloc(qd, sizeof(uint64_t));
		sub->share = (struct pb_dio_share) {
			.buf = sbuf, .qd = qd, .slot_base = i * qd, .dev_off = span * i, .span = span,
			.slot_seq = sub->slot_seq,
		};
		if (!read)
			for (uint32_t s = 0; s < qd; s++)
				for (uint32_t w = 0; w < bs / 8; w++)
					((uint64_t *)(sbuf + (size_t)s * bs))[w] =
						pb_dio_slot_word(i * qd + s, w, nonce);
		sub->a = (struct pinbench_small_dio) {
			.abi_version = PINBENCH_ABI_VERSION,
			.strategy = pb_strategy_id(strategy),
			.flags = pb_param_u64(cell, "longterm") ? PINBENCH_PIN_LONGTERM : 0,
			.registration = strcmp(pb_param_str(cell, "registration"), "per_buffer") ?
					PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER,
			.bdev_fd = bfd,
			.direction = read ? PINBENCH_DMA_READ : PINBENCH_DMA_WRITE,
			.block_size = bs,
			.queue_depth = qd,
			.addr = (uintptr_t)sbuf,
			.ios = pb_param_u64(cell, "ios"),
			.warmup_ios = pb_param_u64(cell, "warmup_ios"),
			.dev_offset = span * i,
			.dev_span = span,
			.latency_hist = (uintptr_t)sub->hist[0],
			.acquire_hist = (uintptr_t)sub->hist[1],
			.release_hist = (uintptr_t)sub->hist[2],
			.residency_hist = (uintptr_t)sub->hist[3],
			.span_hist = (uintptr_t)sub->hist[4],
			.slot_seqs = (uintptr_t)sub->slot_seq,
			.hist_buckets = PINBENCH_HIST_BUCKETS,
		};
		sub->share.total = sub->a.warmup_ios + sub->a.ios;
		sub->start = &start;
		sub->cpu = cpus[i];
	}

	if (pb_param_u64(cell, "debug_release_in_place"))
		set_defer_release(false);
	busy0 = pb_cpu_busy_ns(&cpu_source);
	{
		pthread_t tid[PB_MAX_PLACED], vt;

		inv = (struct invalidator) { .buf = buf, .len = len,
					     .every_ms = (unsigned int)pb_param_u64(cell, "debug_invalidate_ms") };
		if (inv.every_ms && pthread_create(&vt, NULL, invalidator_main, &inv))
			pb_die("pthread_create failed");
		for (unsigned int i = 0; i < n; i++)
			if (pthread_create(&tid[i], NULL, submitter_main, &subs[i]))
				pb_die("pthread_create failed");
		for (unsigned int i = 0; i < n; i++)
			pthread_join(tid[i], NULL);
		if (inv.every_ms) {
			inv.stop = 1;
			pthread_join(vt, NULL);
		}
	}
	busy1 = pb_cpu_busy_ns(NULL);
	if (inv.err) {
		pb_cell_fail(cell, PB_FAILED, "debug_invalidate_ms: mprotect: %s", strerror(inv.err));
		goto out_free;
	}
	pthread_barrier_destroy(&start);

	for (unsigned int i = 0; i < n; i++) {
		struct submitter *sub = &subs[i];

		if (sub->why[0]) {
			pb_cell_fail(cell, PB_FAILED, "submitter %u: %s", i, sub->why);
			goto out_free;
		}
		if (sub->err == EOPNOTSUPP) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s", strategy,
				     pb_strategy_props(strategy) & PINBENCH_PROP_DEVICE_FAULTS ?
				     "it holds no page, and a bio needs its pages held until it "
				     "completes: a block device cannot fault" :
				     pb_unsupported_why(strategy, sub->a.flags, sub->a.registration));
			goto out_free;
		}
		if (sub->err) {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_SMALL_DIO%s: %s",
				     n > 1 ? " (one submitter)" : "", strerror(sub->err));
			goto out_free;
		}
	}

	memset(&a, 0, sizeof(a));
	for (int h = 0; h < 5; h++)
		hist[h] = pb_xcalloc(PINBENCH_HIST_BUCKETS, sizeof(uint64_t));
	per = json_object_new_array();
	for (unsigned int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		dio_merge(&a, hist, &subs[i]);
		if (i)
			pb_counters_add(&subs[0].cnt, &subs[i].cnt);
		json_object_object_add(o, "cpu", json_object_new_int(subs[i].cpu));
		json_object_object_add(o, "ios_done", json_object_new_uint64(subs[i].a.ios_done));
		json_object_object_add(o, "elapsed_ns", json_object_new_uint64(subs[i].a.elapsed_ns));
		json_object_array_add(per, o);
	}
	json_object_object_add(cell->raw, "per_submitter", per);
	if (a.io_errors) {
		pb_cell_fail(cell, PB_FAILED, "%" PRIu64 " of %" PRIu64 " I/Os completed in error",
			     (uint64_t)a.io_errors, (uint64_t)a.ios_done);
		goto out_free;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint64_t c = 0, pins = pb_harness_pins_begin();
		int r = pb_dio_verify(cell, dfd, &subs[i].share, bs, read, nonce, &c);

		pb_harness_pins_end(cell, pins);
		if (r < 0)
			goto out_free;
		checked += c;
	}
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
	json_object_object_add(cell->raw, "submitters", json_object_new_uint64(n));
	json_object_object_add(cell->raw, "ios_done", json_object_new_uint64(a.ios_done));
	/* The longest submitter's measured time: IOPS are the cell's, as fio's group reporting. */
	json_object_object_add(cell->raw, "elapsed_ns", json_object_new_uint64(a.elapsed_ns));
	json_object_object_add(cell->raw, "latency_ns", pb_phase_hist_json(&a.latency, hist[0]));
	json_object_object_add(cell->raw, "acquire_ns", pb_phase_hist_json(&a.acquire, hist[1]));
	json_object_object_add(cell->raw, "release_ns", pb_phase_hist_json(&a.release, hist[2]));
	json_object_object_add(cell->raw, "residency_ns", pb_phase_hist_json(&a.residency, hist[3]));
	/* Acquire start to the end of the release call: the stock rows' submit-to-completion span. */
	json_object_object_add(cell->raw, "span_ns", pb_phase_hist_json(&a.span, hist[4]));
	json_object_object_add(cell->raw, "completions", pb_contexts_json(a.completions));
	json_object_object_add(cell->raw, "deferred", json_object_new_uint64(a.deferred));
	json_object_object_add(cell->raw, "deferred_work_ns", json_object_new_uint64(a.deferred_work_ns));
	json_object_object_add(cell->raw, "max_deferred_depth", json_object_new_uint64(a.max_deferred_depth));
	json_object_object_add(cell->raw, "redirtied", json_object_new_uint64(a.redirtied));
	json_object_object_add(cell->raw, "stalls", json_object_new_uint64(a.stalls));
	json_object_object_add(cell->raw, "read_retries", json_object_new_uint64(a.read_retries));
	json_object_object_add(cell->raw, "acquires_disturbed", json_object_new_uint64(a.acquires_disturbed));
	/* Invalidations that met an I/O's pages: they waited for its release (notifier_revoke). */
	json_object_object_add(cell->raw, "revoke_waits", json_object_new_uint64(a.revoke_waits));
	json_object_object_add(cell->raw, "revoke_wait_sum_ns", json_object_new_uint64(a.revoke_wait_sum_ns));
	json_object_object_add(cell->raw, "revoke_wait_max_ns", json_object_new_uint64(a.revoke_wait_max_ns));
	json_object_object_add(cell->raw, "revoke_refused", json_object_new_uint64(a.revoke_refused));
	if (inv.every_ms)
		json_object_object_add(cell->raw, "debug_invalidations", json_object_new_uint64(inv.done));
	if (a.revoke_waits)
		pb_cell_note(cell, "%" PRIu64 " invalidations met pages a bio still targeted and waited for "
			     "its release (longest %.1f us): a bio cannot be revoked",
			     (uint64_t)a.revoke_waits, (double)a.revoke_wait_max_ns / 1000);
	json_object_object_add(cell->raw, "blocks_verified", json_object_new_uint64(checked));
	json_object_object_add(cell->raw, "cpu_busy_ns", json_object_new_uint64(busy1 - busy0));
	json_object_object_add(cell->raw, "cpu_busy_source", json_object_new_string(cpu_source));
	/* Summed over the submitter threads. */
	json_object_object_add(cell->raw, "counters", pb_counters_json(&subs[0].cnt));
	/* The module reports the FOLL_PIN pins it took; vmstat must agree. */
	json_object_object_add(cell->raw, "foll_pins_expected", json_object_new_uint64(a.foll_pins));
out_free:
	if (pb_param_u64(cell, "debug_release_in_place"))
		set_defer_release(true);
	for (int h = 0; h < 5; h++)
		free(hist[h]);
	for (unsigned int i = 0; subs && i < n; i++) {
		for (int h = 0; h < 5; h++)
			free(subs[i].hist[h]);
		free(subs[i].slot_seq);
	}
	free(subs);
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
PB_GUEST_WORKLOAD(pb_wl_small_dio);
