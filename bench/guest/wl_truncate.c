// SPDX-License-Identifier: GPL-2.0
/* wl_truncate.c: the truncate_under_dma workload: a device writes into a MAP_SHARED file while it is truncated. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "names.h"
#include "pinbench_uapi.h"
#include "stats.h"
#include "util.h"

/*
 * One iteration, as an RDMA or GPU driver's user would meet it:
 *  1. a file of `pages` pages, written with zeros, is mapped MAP_SHARED;
 *  2. the mapping is registered with the simulated device through the
 *     strategy (DEV_REGISTER), and the device starts writing stamped
 *     records into it from a hard-irq hrtimer (DEV_START);
 *  3. after dma_ms, another thread truncates the file (to zero or to
 *     half) and times the call;
 *  4. the device keeps writing for dma_ms more, then stops; its counts
 *     say where its writes went: delivered (a page still in the file),
 *     lost (a page the file no longer has), redirected (the dummy page
 *     a revoking strategy pointed it at);
 *  5. the buffer is unregistered, the file extended to its old size and
 *     read back with pread(): what lies past the truncation point must be
 *     zeros. Anything else is stale data, a security bug.
 * A truncate still running after block_ms is blocked on the device (ext4
 * with DAX waits for pinned pages: ext4_break_layouts()): where it waits
 * is read from /proc, the device is unregistered, which lets it finish,
 * and its full latency is kept.
 */
struct trunc_call {
	int fd;
	off_t size;
	pid_t tid;
	uint64_t t0, t1;
	int err;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void *trunc_main(void *arg)
{
	struct trunc_call *t = arg;

	t->tid = (pid_t)syscall(SYS_gettid);
	t->t0 = now_ns();
	t->err = ftruncate(t->fd, t->size) < 0 ? errno : 0;
	t->t1 = now_ns();
	return NULL;
}

/* Where a blocked thread sleeps: its wchan, as /proc names it. */
static void wchan_of(pid_t tid, char *out, size_t len)
{
	char *path = pb_asprintf("/proc/self/task/%d/wchan", (int)tid);
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (f) {
		if (!fgets(out, (int)len, f))
			out[0] = '\0';
		fclose(f);
	}
	free(path);
	if (!out[0] || !strcmp(out, "0"))
		snprintf(out, len, "unknown");
}

struct totals {
	uint64_t iterations, refused, blocked, stale_bytes, stale_records;
	uint64_t accesses, delivered, lost, redirected, invalidations, revocations, spurious;
	uint64_t pages_revoked;
	struct pb_hist truncate_ns, revoke_span_ns;
	char blocked_on[96];
	int refused_errno;
};

static int dev_stats(int devfd, unsigned long cmd, uint32_t id, struct pinbench_dev_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->abi_version = PINBENCH_ABI_VERSION;
	st->buffer_id = id;
	if (cmd == PINBENCH_IOC_DEV_UNREGISTER)
		st->release_ctx = PINBENCH_CTX_PROCESS;
	return ioctl(devfd, cmd, st);
}

static void add_stats(struct totals *t, const struct pinbench_dev_stats *st)
{
	t->accesses += st->accesses;
	t->delivered += st->delivered;
	t->lost += st->lost;
	t->redirected += st->redirected;
	t->invalidations += st->invalidations;
	t->revocations += st->revocations;
	t->spurious += st->spurious;
	t->pages_revoked += st->pages_revoked;
	if (st->revoke_span_ns)
		pb_hist_add(&t->revoke_span_ns, st->revoke_span_ns);
}

/* Past the truncation point, a re-extended file holds zeros: count what is not. */
static int check_stale(struct pb_cell *cell, int fd, size_t from, size_t len, struct totals *t)
{
	char *buf = pb_xcalloc(1, len - from + 1);
	ssize_t n = pread(fd, buf, len - from, (off_t)from);

	if (n != (ssize_t)(len - from)) {
		pb_cell_fail(cell, PB_FAILED, "reading the re-extended file back: %s",
			     n < 0 ? strerror(errno) : "short read");
		free(buf);
		return -1;
	}
	for (size_t i = 0; i < len - from; i++)
		t->stale_bytes += buf[i] != 0;
	for (size_t i = 0; i + sizeof(uint64_t) <= len - from; i += sizeof(struct pinbench_record))
		t->stale_records += *(uint64_t *)(buf + i) == PINBENCH_RECORD_MAGIC;
	free(buf);
	return 0;
}

/* One iteration; 1 when the strategy cannot take this cell at all, -1 on failure. */
static int iterate(struct pb_cell *cell, const char *dir, struct totals *t, unsigned int it)
{
	const size_t ps = 4096;
	unsigned int pages = (unsigned int)pb_param_u64(cell, "file_pages");
	unsigned int dma_ms = (unsigned int)pb_param_u64(cell, "dma_ms");
	unsigned int block_ms = (unsigned int)pb_param_u64(cell, "block_ms");
	bool half = !strcmp(pb_param_str(cell, "truncate_to"), "half");
	size_t len = (size_t)pages * ps, to = half ? len / 2 / ps * ps : 0;
	struct pinbench_dev_register reg;
	struct pinbench_dev_start start;
	struct pinbench_dev_stats st;
	struct trunc_call tc = { 0 };
	struct timespec deadline;
	pthread_t th;
	bool registered = false;
	char *path, *map = MAP_FAILED, *zero;
	int fd, ret = -1;

	path = pb_asprintf("%s/pb-truncate-%d-%u", dir, (int)getpid(), it);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	zero = pb_xcalloc(1, len);
	if (fd < 0 || pwrite(fd, zero, len, 0) != (ssize_t)len) {
		pb_cell_fail(cell, PB_FAILED, "%s: %s", path, strerror(errno));
		goto out;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		pb_cell_fail(cell, PB_FAILED, "mmap %s: %s", path, strerror(errno));
		goto out;
	}
	memset(&reg, 0, sizeof(reg));
	reg.abi_version = PINBENCH_ABI_VERSION;
	reg.strategy = pb_strategy_id(pb_param_str(cell, "strategy"));
	reg.flags = PINBENCH_PIN_WRITE | (pb_param_u64(cell, "longterm") ? PINBENCH_PIN_LONGTERM : 0);
	reg.registration = strcmp(pb_param_str(cell, "registration"), "per_buffer") ?
			   PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
	reg.addr = (uintptr_t)map;
	reg.nr_pages = pages;
	reg.pages_per_call = (uint32_t)pb_param_u64(cell, "pages_per_call");
	if (ioctl(cell->devfd, PINBENCH_IOC_DEV_REGISTER, &reg) < 0) {
		int e = errno;

		/* The kernel refusing the pin is an outcome: FOLL_LONGTERM on DAX. */
		if (e == EOPNOTSUPP && reg.flags & PINBENCH_PIN_LONGTERM) {
			t->refused++;
			t->refused_errno = e;
			t->iterations++;
			ret = 0;
		} else if (e == EOPNOTSUPP) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s",
				     pb_param_str(cell, "strategy"),
				     reg.registration == PINBENCH_REG_PER_BUFFER ?
				     "it has no per-buffer state" : "FOLL_LONGTERM needs FOLL_PIN");
			ret = 1;
		} else {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_REGISTER: %s", strerror(e));
		}
		goto out;
	}
	registered = true;
	memset(&start, 0, sizeof(start));
	start.abi_version = PINBENCH_ABI_VERSION;
	start.buffer_id = reg.buffer_id;
	start.engine = PINBENCH_ENGINE_HRTIMER;
	start.direction = PINBENCH_DMA_WRITE;
	start.rate_hz = (uint32_t)pb_param_u64(cell, "dma_rate_hz");
	start.burst = (uint32_t)pb_param_u64(cell, "dma_burst");
	if (ioctl(cell->devfd, PINBENCH_IOC_DEV_START, &start) < 0) {
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_START: %s", strerror(errno));
		goto out;
	}
	msleep(dma_ms);

	tc.fd = fd;
	tc.size = (off_t)to;
	if (pthread_create(&th, NULL, trunc_main, &tc)) {
		pb_cell_fail(cell, PB_FAILED, "pthread_create failed");
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += block_ms / 1000;
	deadline.tv_nsec += (long)(block_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	if (pthread_timedjoin_np(th, NULL, &deadline) == ETIMEDOUT) {
		/* Blocked on the device: see where, then let the device go. */
		t->blocked++;
		if (!t->blocked_on[0])
			wchan_of(tc.tid, t->blocked_on, sizeof(t->blocked_on));
		if (dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st) < 0) {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_UNREGISTER: %s", strerror(errno));
			pthread_join(th, NULL);
			goto out;
		}
		registered = false;
		add_stats(t, &st);
		pthread_join(th, NULL);
	} else {
		msleep(dma_ms);
		if (dev_stats(cell->devfd, PINBENCH_IOC_DEV_STOP, reg.buffer_id, &st) < 0) {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_STOP: %s", strerror(errno));
			goto out;
		}
		add_stats(t, &st);
	}
	if (tc.err) {
		pb_cell_fail(cell, PB_FAILED, "ftruncate to %zu bytes: %s", to, strerror(tc.err));
		goto out;
	}
	pb_hist_add(&t->truncate_ns, tc.t1 - tc.t0);
	if (registered) {
		if (dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st) < 0) {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_UNREGISTER: %s", strerror(errno));
			goto out;
		}
		registered = false;
	}
	if (ftruncate(fd, (off_t)len) < 0) {
		pb_cell_fail(cell, PB_FAILED, "extending %s again: %s", path, strerror(errno));
		goto out;
	}
	if (check_stale(cell, fd, to, len, t) < 0)
		goto out;
	t->iterations++;
	ret = 0;
out:
	if (registered)
		dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st);
	if (map != MAP_FAILED)
		munmap(map, len);
	if (fd >= 0)
		close(fd);
	unlink(path);
	free(zero);
	free(path);
	return ret;
}

static void truncate_run(struct pb_cell *cell)
{
	const char *fsname = pb_param_str(cell, "filesystem");
	unsigned int iterations = (unsigned int)pb_param_u64(cell, "iterations");
	int kind = pb_fs_kind(fsname);
	char dir[128], err[256];
	struct totals t = { 0 };
	struct json_object *o;

	if (kind < 0) {
		pb_cell_fail(cell, PB_FAILED, "unknown filesystem '%s'", fsname);
		return;
	}
	if (pb_fs_get((enum pb_fs)kind, dir, sizeof(dir), err, sizeof(err)) < 0) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "%s: %s", fsname, err);
		return;
	}
	pb_hist_init(&t.truncate_ns);
	pb_hist_init(&t.revoke_span_ns);
	for (unsigned int i = 0; i < iterations; i++)
		if (iterate(cell, dir, &t, i))
			goto out;

	if (t.stale_bytes)
		pb_cell_note(cell, "STALE DATA: %" PRIu64 " bytes (%" PRIu64 " device records) past the "
			     "truncation point after the file was extended again", t.stale_bytes,
			     t.stale_records);
	if (t.blocked)
		pb_cell_note(cell, "truncate blocked on the device in %" PRIu64 " of %" PRIu64
			     " iterations (in %s) until it was unregistered", t.blocked, t.iterations,
			     t.blocked_on);
	if (t.refused)
		pb_cell_note(cell, "the kernel refused the pin in %" PRIu64 " of %" PRIu64
			     " iterations: %s", t.refused, t.iterations, strerror(t.refused_errno));
	o = cell->raw;
	json_object_object_add(o, "iterations", json_object_new_uint64(t.iterations));
	json_object_object_add(o, "refused", json_object_new_uint64(t.refused));
	if (t.refused)
		json_object_object_add(o, "refused_errno", json_object_new_string(strerror(t.refused_errno)));
	json_object_object_add(o, "blocked", json_object_new_uint64(t.blocked));
	if (t.blocked)
		json_object_object_add(o, "blocked_on", json_object_new_string(t.blocked_on));
	json_object_object_add(o, "truncate_ns", pb_hist_to_json(&t.truncate_ns));
	json_object_object_add(o, "revoke_span_ns", pb_hist_to_json(&t.revoke_span_ns));
	json_object_object_add(o, "accesses", json_object_new_uint64(t.accesses));
	json_object_object_add(o, "delivered", json_object_new_uint64(t.delivered));
	json_object_object_add(o, "lost", json_object_new_uint64(t.lost));
	json_object_object_add(o, "redirected", json_object_new_uint64(t.redirected));
	json_object_object_add(o, "invalidations", json_object_new_uint64(t.invalidations));
	json_object_object_add(o, "revocations", json_object_new_uint64(t.revocations));
	json_object_object_add(o, "pages_revoked", json_object_new_uint64(t.pages_revoked));
	json_object_object_add(o, "spurious", json_object_new_uint64(t.spurious));
	json_object_object_add(o, "stale_bytes", json_object_new_uint64(t.stale_bytes));
	json_object_object_add(o, "stale_records", json_object_new_uint64(t.stale_records));
	json_object_object_add(o, "strategy_caps",
			       json_object_new_uint64(pb_strategy_caps(pb_param_str(cell, "strategy"))));
out:
	pb_hist_free(&t.truncate_ns);
	pb_hist_free(&t.revoke_span_ns);
}

const struct pb_guest_workload pb_wl_truncate = {
	.name = "truncate_under_dma",
	.run = truncate_run,
};
