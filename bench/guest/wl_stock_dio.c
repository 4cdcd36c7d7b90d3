// SPDX-License-Identifier: GPL-2.0
/* wl_stock_dio.c: the stock kernel's own direct I/O on the same null_blk devices: our liburing driver, fio's io_uring engine, and the 2018 libaio job. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "stats.h"
#include "util.h"
#include "vmstat.h"

extern char **environ;

/*
 * What the kernel does underneath (block/fops.c, io_uring/rsrc.c): on 6.1
 * an O_DIRECT read or write takes FOLL_GET page references per I/O through
 * iov_iter_get_pages2() -> get_user_pages_fast(), and drops them at
 * completion (bio_release_pages(), put_page()); from 6.3 it takes FOLL_PIN
 * pins instead (iov_iter_extract_pages(), BIO_PAGE_PINNED, unpinned in
 * bio_release_pages()). io_uring fixed buffers are pinned once, at
 * registration, with FOLL_PIN | FOLL_LONGTERM, and an I/O on them takes no
 * page reference at all. So fixedbufs=0 minus fixedbufs=1 is the stock
 * kernel's per-I/O page-reference cost, FOLL_GET on one kernel and FOLL_PIN
 * on the other; the liburing rows count which (foll_pins_per_io, from
 * /proc/vmstat around the I/O loop).
 */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct uring_run {
	struct io_uring ring;
	struct iovec *iov;
	uint64_t *submit_t, *slot_seq;
	uint64_t warm, t_first;
	uint32_t bs;
	int fd;
	bool read, fixed;
};

/* Queue I/O seq on slot s: block seq * bs mod span, as small_dio does. */
static void uring_submit(struct uring_run *u, uint32_t s, uint64_t seq)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	uint64_t off = seq * u->bs % ((uint64_t)PB_DIO_DEV_MIB << 20);
	void *b = u->iov[s].iov_base;

	if (u->fixed && u->read)
		io_uring_prep_read_fixed(sqe, u->fd, b, u->bs, off, (int)s);
	else if (u->fixed)
		io_uring_prep_write_fixed(sqe, u->fd, b, u->bs, off, (int)s);
	else if (u->read)
		io_uring_prep_read(sqe, u->fd, b, u->bs, off);
	else
		io_uring_prep_write(sqe, u->fd, b, u->bs, off);
	io_uring_sqe_set_data64(sqe, s);
	u->slot_seq[s] = seq;
	u->submit_t[s] = now_ns();
	if (seq == u->warm)
		u->t_first = u->submit_t[s];
	io_uring_submit(&u->ring);
}

/*
 * Our own io_uring driver: the same I/O pattern as small_dio (slot s of
 * queue_depth, block seq at seq * bs mod span), timed per I/O from
 * io_uring_submit() to the CQE being seen, so that its figures line up
 * with the module's cells.
 */
static void liburing_run(struct pb_cell *cell, const char *dev, bool read, uint32_t bs, uint32_t qd,
			 bool fixed, uint64_t nonce)
{
	uint64_t ios = pb_param_u64(cell, "ios"), warm = pb_param_u64(cell, "warmup_ios");
	uint64_t total = ios + warm, seq = 0, done = 0, t_last = 0, busy0, busy1, checked = 0;
	const char *cpu_source = "";
	uint64_t pin0 = 0, unpin0 = 0, pin1 = 0, unpin1 = 0;
	bool vmstat_ok;
	struct uring_run u = { .bs = bs, .read = read, .fixed = fixed, .warm = warm };
	struct pb_counters cnt;
	struct pb_hist lat;
	char *buf = NULL;
	int ret;

	u.fd = open(dev, O_RDWR | O_DIRECT);
	if (u.fd < 0 || posix_memalign((void **)&buf, 4096, (size_t)qd * bs)) {
		pb_cell_fail(cell, PB_FAILED, "%s: %s", dev, strerror(errno));
		if (u.fd >= 0)
			close(u.fd);
		return;
	}
	for (uint32_t s = 0; s < qd; s++)
		for (uint32_t w = 0; w < bs / 8; w++)
			((uint64_t *)(buf + (size_t)s * bs))[w] = pb_dio_slot_word(s, w, nonce);
	u.iov = pb_xcalloc(qd, sizeof(*u.iov));
	u.submit_t = pb_xcalloc(qd, sizeof(*u.submit_t));
	u.slot_seq = pb_xcalloc(qd, sizeof(*u.slot_seq));
	memset(u.slot_seq, 0xff, qd * sizeof(*u.slot_seq));	/* ~0: slot never used */
	for (uint32_t s = 0; s < qd; s++)
		u.iov[s] = (struct iovec){ buf + (size_t)s * bs, bs };
	pb_hist_init(&lat);
	ret = io_uring_queue_init(qd, &u.ring, 0);
	if (ret < 0) {
		pb_cell_fail(cell, PB_FAILED, "io_uring_queue_init: %s", strerror(-ret));
		goto out_free;
	}
	/* Pinned here, once: FOLL_PIN | FOLL_LONGTERM (io_sqe_buffers_register()). */
	if (fixed && (ret = io_uring_register_buffers(&u.ring, u.iov, qd)) < 0) {
		pb_cell_fail(cell, PB_FAILED, "io_uring_register_buffers: %s", strerror(-ret));
		goto out_ring;
	}

	/* Outside the counters and the timed I/Os: which pins the kernel takes per I/O. */
	vmstat_ok = pb_vmstat_foll_pins(&pin0, &unpin0) == 0;
	pb_counters_open(&cnt);
	busy0 = pb_cpu_busy_ns(&cpu_source);
	pb_counters_start(&cnt);
	for (uint32_t s = 0; s < qd && seq < total; s++)
		uring_submit(&u, s, seq++);
	while (done < total) {
		struct io_uring_cqe *cqe;
		uint64_t t, s;

		ret = io_uring_wait_cqe(&u.ring, &cqe);
		if (ret < 0) {
			pb_cell_fail(cell, PB_FAILED, "io_uring_wait_cqe: %s", strerror(-ret));
			break;
		}
		t = now_ns();
		s = io_uring_cqe_get_data64(cqe);
		if (cqe->res != (int)bs) {
			pb_cell_fail(cell, PB_FAILED, "I/O %" PRIu64 " returned %d (%s)", u.slot_seq[s],
				     cqe->res, cqe->res < 0 ? strerror(-cqe->res) : "short");
			io_uring_cqe_seen(&u.ring, cqe);
			break;
		}
		io_uring_cqe_seen(&u.ring, cqe);
		if (u.slot_seq[s] >= warm) {
			pb_hist_add(&lat, t - u.submit_t[s]);
			t_last = t;
		}
		done++;
		if (seq < total)
			uring_submit(&u, (uint32_t)s, seq++);
	}
	pb_counters_stop(&cnt);
	busy1 = pb_cpu_busy_ns(NULL);
	vmstat_ok = vmstat_ok && pb_vmstat_foll_pins(&pin1, &unpin1) == 0;
	/* The same data checks as small_dio: reads against the device, writes read back. */
	if (cell->status == PB_OK) {
		struct pb_dio_share sh = { .buf = buf, .qd = qd, .span = (uint64_t)PB_DIO_DEV_MIB << 20,
					   .slot_seq = u.slot_seq, .total = total };

		pb_dio_verify(cell, u.fd, &sh, bs, read, nonce, &checked);
	}
	if (cell->status == PB_OK) {
		json_object_object_add(cell->raw, "ios_done", json_object_new_uint64(lat.n));
		json_object_object_add(cell->raw, "blocks_verified", json_object_new_uint64(checked));
		json_object_object_add(cell->raw, "elapsed_ns", json_object_new_uint64(t_last - u.t_first));
		json_object_object_add(cell->raw, "latency_ns", pb_hist_to_json(&lat));
		json_object_object_add(cell->raw, "cpu_busy_ns", json_object_new_uint64(busy1 - busy0));
	json_object_object_add(cell->raw, "cpu_busy_source", json_object_new_string(cpu_source));
		json_object_object_add(cell->raw, "counters", pb_counters_json(&cnt));
		/* Warm-up included: every I/O of the loop, against every pin the loop saw. */
		if (vmstat_ok) {
			json_object_object_add(cell->raw, "loop_ios", json_object_new_uint64(done));
			json_object_object_add(cell->raw, "loop_foll_pins", json_object_new_uint64(pin1 - pin0));
		}
	}
	pb_counters_close(&cnt);
out_ring:
	io_uring_queue_exit(&u.ring);
out_free:
	pb_hist_free(&lat);
	free(u.slot_seq);
	free(u.submit_t);
	free(u.iov);
	free(buf);
	close(u.fd);
}

static struct json_object *get_path(struct json_object *o, const char *const *path)
{
	for (; o && *path; path++)
		if (!json_object_object_get_ex(o, *path, &o))
			return NULL;
	return o;
}

/*
 * fio, as it is: its own io_uring code (or libaio for the 2018 job), JSON
 * output read with json-c. Its latency percentiles (lat_ns: submission to
 * completion, as ours) and CPU share are its own
 * figures; the cell records them, not a histogram of ours.
 */
static void fio_run(struct pb_cell *cell, const char *dev, bool read, uint32_t bs, uint32_t qd,
		    bool fixed, const char *engine)
{
	uint64_t ios = pb_param_u64(cell, "ios"), busy0, busy1;
	const char *cpu_source = "";
	char *out = pb_asprintf("/tmp/pinbench-fio.%d.json", (int)getpid());
	char a_bs[32], a_qd[32], a_size[64], a_out[256], a_dev[96], a_eng[32], a_rw[32], a_span[32];
	const char *dir = read ? "read" : "write";
	const char *argv[24];
	struct json_object *j, *job, *v;
	int argc = 0, status;
	pid_t pid;

	snprintf(a_bs, sizeof(a_bs), "--bs=%u", bs);
	snprintf(a_qd, sizeof(a_qd), "--iodepth=%u", qd);
	snprintf(a_size, sizeof(a_size), "--io_size=%" PRIu64, ios * bs);
	snprintf(a_out, sizeof(a_out), "--output=%s", out);
	snprintf(a_dev, sizeof(a_dev), "--filename=%s", dev);
	snprintf(a_eng, sizeof(a_eng), "--ioengine=%s", engine);
	snprintf(a_rw, sizeof(a_rw), "--rw=%s", dir);
	snprintf(a_span, sizeof(a_span), "--size=%u", PB_DIO_DEV_MIB << 20);
	argv[argc++] = "fio";
	argv[argc++] = "--name=stock";
	argv[argc++] = a_dev;
	argv[argc++] = "--direct=1";
	argv[argc++] = a_eng;
	argv[argc++] = a_rw;
	argv[argc++] = a_bs;
	argv[argc++] = a_qd;
	argv[argc++] = "--numjobs=1";
	argv[argc++] = a_span;
	argv[argc++] = a_size;
	if (fixed)
		argv[argc++] = "--fixedbufs=1";
	/* Total latency (submission to completion), comparable with ours; clat alone misses inline completions. */
	argv[argc++] = "--lat_percentiles=1";
	argv[argc++] = "--output-format=json";
	argv[argc++] = a_out;
	argv[argc] = NULL;

	busy0 = pb_cpu_busy_ns(&cpu_source);
	if (posix_spawnp(&pid, "fio", NULL, NULL, (char *const *)argv, environ) != 0 ||
	    waitpid(pid, &status, 0) < 0) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "cannot run fio: %s", strerror(errno));
		goto out;
	}
	busy1 = pb_cpu_busy_ns(NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		pb_cell_fail(cell, PB_FAILED, "fio exited with status 0x%x (output %s)", status, out);
		goto out;
	}
	j = json_object_from_file(out);
	job = j && json_object_object_get_ex(j, "jobs", &v) ? json_object_array_get_idx(v, 0) : NULL;
	if (!job) {
		pb_cell_fail(cell, PB_FAILED, "fio's JSON (%s): %s", out, json_util_get_last_err());
		json_object_put(j);
		goto out;
	}
	{
		const char *const p_iops[] = { dir, "iops", NULL };
		const char *const p_ios[] = { dir, "total_ios", NULL };
		const char *const p_pct[] = { dir, "lat_ns", "percentile", NULL };
		const char *const p_mean[] = { dir, "lat_ns", "mean", NULL };
		const char *const p_rt[] = { dir, "runtime", NULL };
		struct json_object *f = json_object_new_object(), *pct = get_path(job, p_pct);

		json_object_object_add(f, "iops", json_object_get(get_path(job, p_iops)));
		json_object_object_add(f, "total_ios", json_object_get(get_path(job, p_ios)));
		json_object_object_add(f, "runtime_ms", json_object_get(get_path(job, p_rt)));
		json_object_object_add(f, "lat_mean_ns", json_object_get(get_path(job, p_mean)));
		json_object_object_add(f, "lat_percentile_ns", json_object_get(pct));
		if (json_object_object_get_ex(job, "usr_cpu", &v))
			json_object_object_add(f, "usr_cpu_pct", json_object_get(v));
		if (json_object_object_get_ex(job, "sys_cpu", &v))
			json_object_object_add(f, "sys_cpu_pct", json_object_get(v));
		json_object_object_add(cell->raw, "fio", f);
		json_object_object_add(cell->raw, "cpu_busy_ns", json_object_new_uint64(busy1 - busy0));
	json_object_object_add(cell->raw, "cpu_busy_source", json_object_new_string(cpu_source));
		if (!get_path(job, p_iops) || !pct)
			pb_cell_fail(cell, PB_FAILED, "fio's JSON has no %s iops or latency percentiles", dir);
	}
	json_object_put(j);
out:
	unlink(out);
	free(out);
}

static void stock_dio_run(struct pb_cell *cell)
{
	const char *engine = pb_param_str(cell, "engine");
	bool read = !strcmp(pb_param_str(cell, "rw"), "read");
	bool fixed = pb_param_u64(cell, "fixedbufs");
	uint32_t bs = (uint32_t)pb_param_u64(cell, "block_size");
	uint32_t qd = (uint32_t)pb_param_u64(cell, "queue_depth");
	uint64_t nonce = pb_dio_nonce();
	enum pb_nullb_mode mode;
	char dev[64], err[256];
	int dfd;

	if (fixed && !strcmp(engine, "fio_libaio")) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "libaio has no registered buffers");
		return;
	}
	if (pb_dio_device(cell, &mode, dev, sizeof(dev)) < 0)
		return;
	if (read) {
		dfd = open(dev, O_RDWR | O_DIRECT);
		if (dfd < 0 || pb_dio_span_fill(dfd, nonce, err, sizeof(err)) < 0) {
			pb_cell_fail(cell, PB_FAILED, "%s: %s", dev, dfd < 0 ? strerror(errno) : err);
			if (dfd >= 0)
				close(dfd);
			return;
		}
		close(dfd);
	}
	json_object_object_add(cell->raw, "device", json_object_new_string(dev));
	if (!strcmp(engine, "liburing"))
		liburing_run(cell, dev, read, bs, qd, fixed, nonce);
	else
		fio_run(cell, dev, read, bs, qd, fixed, !strcmp(engine, "fio_libaio") ? "libaio" : "io_uring");
}

const struct pb_guest_workload pb_wl_stock_dio = {
	.name = "stock_dio",
	.run = stock_dio_run,
};
PB_GUEST_WORKLOAD(pb_wl_stock_dio);
