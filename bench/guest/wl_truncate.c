// SPDX-License-Identifier: GPL-2.0
/* wl_truncate.c: a device writes into a MAP_SHARED file while it is truncated (and, on ext4, written back): truncate_under_dma, truncate_stock, writeback_under_dma. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
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
 *  4. the device keeps writing for dma_ms more, then stops;
 *  5. the buffer is unregistered (the strategy dirties what it still
 *     holds, as every driver releases pages a device wrote); what is left
 *     of the file is read from its storage (after fsync(), with O_DIRECT,
 *     on ext4), and every device write is given its fate (see struct
 *     fates);
 *  6. the file is extended to its old size and read back: what lies past
 *     the truncation point must be zeros. This is an invariant of the
 *     kernel's, checked on every iteration, not a property of a design: no
 *     design here can break it (every page the device still writes has
 *     left the file, and a re-extended file gets new pages or blocks), so
 *     its holding is not presented as a result; STALE DATA fails the cell.
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
	/* Read by the reaping thread while this one truncates. */
	__atomic_store_n(&t->t0, now_ns(), __ATOMIC_RELEASE);
	t->err = ftruncate(t->fd, t->size) < 0 ? errno : 0;
	__atomic_store_n(&t->t1, now_ns(), __ATOMIC_RELEASE);
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

/*
 * What became of every device write, judged from where its record is at
 * the end (each write has its own slot in its page: max_records at
 * DEV_START keeps the device from overwriting one):
 *  - delivered: in place when written, and found in the file's final
 *    content (on ext4, on disk after the last fsync());
 *  - unwritten: in place when written, in a page still in the file, but
 *    not in its final content: writeback never wrote it ([O1]);
 *  - discarded: in place when written, in a page the truncate then cut
 *    off (the user asked for that data to go);
 *  - lost: written into a page that had already left the file;
 *  - redirected: written into the dummy page after a revoke: never
 *    reached the file;
 *  - misplaced: a record where no write of this buffer should be, or more
 *    records than writes in place: the accounting itself is broken.
 * A slot that holds part of a record (a field still zero that a device
 * write never leaves zero: the magic, the buffer id, the sequence number
 * or the time) is a torn write: writeback copied the page while the
 * device was writing the record (a copy need not read a slot in order),
 * and nothing wrote the page again. It is unwritten (not delivered whole)
 * and counted apart as torn.
 */
struct fates {
	uint64_t delivered, unwritten, discarded, lost, redirected, misplaced, torn;
};

#define RECORD_SLOTS PINBENCH_RECORD_SLOTS(4096)

struct totals {
	uint64_t iterations, refused, blocked, stale_bytes, stale_records;
	struct fates fate;
	/* writeback: the same, judged before the release (what a crash then would have kept) */
	struct fates fate_before_release;
	uint64_t ignored, stalls, reacquires, pages_reacquired, reacquire_failed, reacquire_retries;
	uint64_t reacquire_work_ns, reacquire_wait_max_ns, reacquire_wait_sum_ns, capped;
	uint64_t device_faults, engine_ticks, reacquire_rearms;
	uint64_t events[PINBENCH_EV_NR], ignored_events[PINBENCH_EV_NR];
	uint64_t accesses, in_place, lost, redirected, invalidations, revocations, spurious;
	uint64_t pages_revoked;
	struct pb_hist truncate_ns, revoke_span_ns;
	char blocked_on[96];
	int refused_errno;
	/* The stock kernel's reads: refused with EFAULT (the page was gone), or failed otherwise. */
	uint64_t io_refused, io_errors, raced;
	int io_errno;
	/* writeback_under_dma: fsync() calls; pages whose disk copy differed before and after release. */
	uint64_t fsyncs, stale_on_disk, lost_on_disk;
	/* Truncates that finished only when a signal interrupted their wait, and where they slept. */
	uint64_t hung;
	char hung_stack[512];
	/* trace=1: the kprobes (NULL otherwise), their counts over the cell, and a hang's account. */
	struct pb_ktrace *kt;
	uint64_t tr_waits, tr_woken, tr_bio_releases, tr_devmap_puts, tr_lost;
	char hang_trace[256];
};

/*
 * Judge the writes of buffer id (writes of them in all, fates per page as
 * the device classified them) against content, the final bytes of pages
 * [0, upto) of the file; pages from upto on were cut off.
 */
static void judge_writes(const char *content, unsigned int upto, unsigned int pages, uint32_t id,
			 uint64_t writes, const struct pinbench_page_fate *pf, struct fates *out)
{
	for (unsigned int p = 0; p < pages; p++) {
		uint64_t found = 0;

		out->lost += pf[p].lost;
		out->redirected += pf[p].redirected;
		if (p >= upto) {
			out->discarded += pf[p].in_place;
			continue;
		}
		for (unsigned int k = 0; k < RECORD_SLOTS; k++) {
			const struct pinbench_record *r =
				(const void *)(content + (size_t)p * 4096 + k * sizeof(*r));
			uint64_t s = r->seq;

			if (!r->magic && !r->buffer_id && !r->page_index && !r->seq && !r->time_ns)
				continue;
			if (!r->magic || !r->buffer_id || !r->seq || !r->time_ns) {
				out->torn++;
				continue;
			}
			if (r->magic == PINBENCH_RECORD_MAGIC && r->buffer_id == id && r->page_index == p &&
			    s >= 1 && s <= writes && (s - 1) % pages == p &&
			    (s - 1) / pages % RECORD_SLOTS == k)
				found++;
			else
				out->misplaced++;
		}
		if (found > pf[p].in_place) {
			out->misplaced += found - pf[p].in_place;
			found = pf[p].in_place;
		}
		out->delivered += found;
		out->unwritten += pf[p].in_place - found;
	}
}

/*
 * The file's first len bytes as its storage holds them: tmpfs is its page
 * cache; ext4 is read back with O_DIRECT after fsync() (with DAX, the
 * pmem itself).
 */
static int read_final(struct pb_cell *cell, int fd, const char *path, char *out, size_t len)
{
	bool tmpfs = !strcmp(pb_param_str(cell, "filesystem"), "tmpfs");
	int rfd = -1;
	ssize_t n;

	if (!len)
		return 0;
	if (!tmpfs && fsync(fd) < 0) {
		pb_cell_fail(cell, PB_FAILED, "fsync %s: %s", path, strerror(errno));
		return -1;
	}
	rfd = tmpfs ? fd : open(path, O_RDONLY | O_DIRECT);
	n = rfd < 0 ? -1 : pread(rfd, out, len, 0);
	if (n != (ssize_t)len) {
		pb_cell_fail(cell, PB_FAILED, "reading %s back%s: %s", path, tmpfs ? "" : " (O_DIRECT)",
			     n < 0 ? strerror(errno) : "short read");
		if (!tmpfs && rfd >= 0)
			close(rfd);
		return -1;
	}
	if (!tmpfs)
		close(rfd);
	return 0;
}

static void add_stats(struct totals *t, const struct pinbench_dev_stats *st)
{
	t->ignored += st->ignored;
	t->stalls += st->stalls;
	t->reacquires += st->reacquires;
	t->pages_reacquired += st->pages_reacquired;
	t->reacquire_failed += st->reacquire_failed;
	t->reacquire_retries += st->reacquire_retries;
	t->reacquire_work_ns += st->reacquire_work_ns;
	t->reacquire_wait_sum_ns += st->reacquire_wait_sum_ns;
	t->device_faults += st->device_faults;
	t->reacquire_rearms += st->reacquire_rearms;
	t->engine_ticks += st->engine_ticks;
	if (st->reacquire_wait_max_ns > t->reacquire_wait_max_ns)
		t->reacquire_wait_max_ns = st->reacquire_wait_max_ns;
	for (unsigned int e = 0; e < PINBENCH_EV_NR; e++) {
		t->events[e] += st->events[e];
		t->ignored_events[e] += st->ignored_events[e];
	}
	t->accesses += st->accesses;
	t->in_place += st->delivered;
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

/* The file of one iteration: written with zeros, mapped MAP_SHARED. */
struct trunc_file {
	char *path;
	int fd;
	char *map;
	size_t len, to;		/* its size, and the size it is truncated to */
	unsigned int pages;
};

/* half: the file will be truncated to half its size, else to zero. */
static int file_open(struct pb_cell *cell, const char *dir, unsigned int it, bool half,
		     struct trunc_file *f)
{
	const size_t ps = 4096;
	char *zero;
	int ret = -1;

	f->pages = (unsigned int)pb_param_u64(cell, "file_pages");
	f->len = (size_t)f->pages * ps;
	f->to = half ? f->len / 2 / ps * ps : 0;
	f->path = pb_asprintf("%s/pb-truncate-%d-%u", dir, (int)getpid(), it);
	f->map = MAP_FAILED;
	f->fd = open(f->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	zero = pb_xcalloc(1, f->len);
	if (f->fd < 0 || pwrite(f->fd, zero, f->len, 0) != (ssize_t)f->len) {
		pb_cell_fail(cell, PB_FAILED, "%s: %s", f->path, strerror(errno));
		goto out;
	}
	f->map = mmap(NULL, f->len, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, 0);
	if (f->map == MAP_FAILED) {
		pb_cell_fail(cell, PB_FAILED, "mmap %s: %s", f->path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(zero);
	return ret;
}

static void file_close(struct trunc_file *f)
{
	if (f->map != MAP_FAILED)
		munmap(f->map, f->len);
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->path);
	free(f->path);
}

/* Extend the file to its old size and count what is not zero past the cut. */
static int file_check(struct pb_cell *cell, struct trunc_file *f, struct totals *t)
{
	if (ftruncate(f->fd, (off_t)f->len) < 0) {
		pb_cell_fail(cell, PB_FAILED, "extending %s again: %s", f->path, strerror(errno));
		return -1;
	}
	return check_stale(cell, f->fd, f->to, f->len, t);
}

static int trunc_start(struct pb_cell *cell, struct trunc_call *tc, pthread_t *th,
		       const struct trunc_file *f)
{
	memset(tc, 0, sizeof(*tc));
	tc->fd = f->fd;
	tc->size = (off_t)f->to;
	if (pthread_create(th, NULL, trunc_main, tc)) {
		pb_cell_fail(cell, PB_FAILED, "pthread_create failed");
		return -1;
	}
	return 0;
}

/* Wait up to ms for the truncate: 0 when it is over (joined), ETIMEDOUT when it is not. */
static int trunc_wait(pthread_t th, unsigned int ms)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	return pthread_timedjoin_np(th, NULL, &deadline) == ETIMEDOUT ? ETIMEDOUT : 0;
}

/* The truncate is over: its figures, or the cell's failure. */
static int trunc_done(struct pb_cell *cell, const struct trunc_call *tc, const struct trunc_file *f,
		      struct totals *t)
{
	if (tc->err) {
		pb_cell_fail(cell, PB_FAILED, "ftruncate to %zu bytes: %s", f->to, strerror(tc->err));
		return -1;
	}
	pb_hist_add(&t->truncate_ns, tc->t1 - tc->t0);
	return 0;
}

/*
 * Did the kernel refuse a FOLL_LONGTERM pin of this file, as it means to?
 * Every kernel refuses fsdax with EOPNOTSUPP (check_vma_flags()); from 6.5
 * a writable long-term pin of a file whose pages need dirty tracking (ext4,
 * not tmpfs) fails with EFAULT (writable_file_mapping_allowed()). The
 * mapping is valid and writable here, so that EFAULT means nothing else.
 */
static bool longterm_refused(struct pb_cell *cell, int e, uint32_t flags)
{
	if (!(flags & PINBENCH_PIN_LONGTERM))
		return false;
	return e == EOPNOTSUPP || (e == EFAULT && strcmp(pb_param_str(cell, "filesystem"), "tmpfs"));
}

/*
 * The device takes the file's mapping: registered with the cell's strategy,
 * registration, revoke policy and pages per call, pinned with flags, then
 * started writing at the cell's DMA rate. Returns 0 when it writes; the
 * errno of a refused registration, with nothing held (what the refusal
 * means is the scenario's to say); -1 when it would not start, with the
 * cell failed and the buffer registered (*registered).
 */
static int dev_attach(struct pb_cell *cell, const struct trunc_file *f, uint32_t flags,
		      struct pinbench_dev_register *reg, struct pinbench_dev_start *start, bool *registered)
{
	memset(reg, 0, sizeof(*reg));
	reg->abi_version = PINBENCH_ABI_VERSION;
	reg->strategy = pb_strategy_id(pb_param_str(cell, "strategy"));
	reg->flags = flags;
	reg->revoke = pb_cell_revoke(cell);
	reg->registration = strcmp(pb_param_str(cell, "registration"), "per_buffer") ?
			    PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
	reg->addr = (uintptr_t)f->map;
	reg->nr_pages = f->pages;
	reg->pages_per_call = (uint32_t)pb_param_u64(cell, "pages_per_call");
	if (ioctl(cell->devfd, PINBENCH_IOC_DEV_REGISTER, reg) < 0)
		return errno;
	*registered = true;
	memset(start, 0, sizeof(*start));
	start->abi_version = PINBENCH_ABI_VERSION;
	start->buffer_id = reg->buffer_id;
	start->engine = PINBENCH_ENGINE_HRTIMER;
	start->direction = PINBENCH_DMA_WRITE;
	start->rate_hz = (uint32_t)pb_param_u64(cell, "dma_rate_hz");
	start->burst = (uint32_t)pb_param_u64(cell, "dma_burst");
	start->max_records = (uint64_t)RECORD_SLOTS * f->pages;	/* no record overwrites another */
	if (ioctl(cell->devfd, PINBENCH_IOC_DEV_START, start) < 0) {
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_START: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* One iteration with a strategy; 1 when it cannot take this cell at all, -1 on failure. */
static int iterate(struct pb_cell *cell, const char *dir, struct totals *t, unsigned int it)
{
	unsigned int dma_ms = (unsigned int)pb_param_u64(cell, "dma_ms");
	unsigned int block_ms = (unsigned int)pb_param_u64(cell, "block_ms");
	struct pinbench_dev_register reg;
	struct pinbench_dev_start start;
	struct pinbench_dev_stats st;
	struct pinbench_page_fate *pf = NULL;
	struct trunc_file f;
	struct trunc_call tc;
	char *content = NULL;
	pthread_t th;
	bool registered = false;
	int ret = -1, e;

	if (file_open(cell, dir, it, !strcmp(pb_param_str(cell, "truncate_to"), "half"), &f) < 0)
		goto out;
	pf = pb_xcalloc(f.pages, sizeof(*pf));
	if (posix_memalign((void **)&content, 4096, f.len)) {
		content = NULL;
		pb_cell_fail(cell, PB_FAILED, "out of memory");
		goto out;
	}
	/*
	 * Released dirty, as a driver gives back pages its device wrote; a
	 * mirror holds no page to dirty: its write faults dirtied them.
	 */
	e = dev_attach(cell, &f, PINBENCH_PIN_WRITE |
		       (pb_strategy_props(pb_param_str(cell, "strategy")) & PINBENCH_PROP_DEVICE_FAULTS ?
			0 : PINBENCH_PIN_DIRTY) |
		       (pb_param_u64(cell, "longterm") ? PINBENCH_PIN_LONGTERM : 0), &reg, &start, &registered);
	if (e < 0)
		goto out;
	if (e) {
		/* The kernel refusing the pin is an outcome (see longterm_refused()). */
		if (longterm_refused(cell, e, reg.flags)) {
			t->refused++;
			t->refused_errno = e;
			t->iterations++;
			ret = 0;
		} else if (e == EOPNOTSUPP) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s",
				     pb_param_str(cell, "strategy"),
				     pb_unsupported_why(pb_param_str(cell, "strategy"), reg.flags,
							reg.registration));
			ret = 1;
		} else {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_REGISTER: %s", strerror(e));
		}
		goto out;
	}
	msleep(dma_ms);

	if (trunc_start(cell, &tc, &th, &f) < 0)
		goto out;
	if (trunc_wait(th, block_ms) == ETIMEDOUT) {
		/* Blocked on the device: see where, then let the device go. */
		t->blocked++;
		if (!t->blocked_on[0])
			wchan_of(tc.tid, t->blocked_on, sizeof(t->blocked_on));
		if (pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st, pf,
			      f.pages) < 0) {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_UNREGISTER: %s", strerror(errno));
			pthread_join(th, NULL);
			goto out;
		}
		registered = false;
		add_stats(t, &st);
		pthread_join(th, NULL);
	} else {
		msleep(dma_ms);
		if (pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_STOP, reg.buffer_id, &st, pf, f.pages) < 0) {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_STOP: %s", strerror(errno));
			goto out;
		}
		add_stats(t, &st);
	}
	if (trunc_done(cell, &tc, &f, t) < 0)
		goto out;
	if (registered) {
		if (pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st, pf,
			      f.pages) < 0) {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_UNREGISTER: %s", strerror(errno));
			goto out;
		}
		registered = false;
	}
	t->capped += st.accesses >= start.max_records;
	if (read_final(cell, f.fd, f.path, content, f.to) < 0)
		goto out;
	judge_writes(content, (unsigned int)(f.to / 4096), f.pages, reg.buffer_id, st.accesses, pf,
		     &t->fate);
	if (file_check(cell, &f, t) < 0)
		goto out;
	t->iterations++;
	ret = 0;
out:
	if (registered)
		pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st, NULL, 0);
	file_close(&f);
	free(pf);
	free(content);
	return ret;
}

/*
 * The stock kernel as the GUP user, on the same file: O_DIRECT reads from a
 * null_blk (hardirq completion, so reads are in flight across the
 * truncate) into the file's pages, queue_depth at a time, page after page.
 * Without fixedbufs each read takes FOLL_GET references (6.1 block direct
 * I/O: iov_iter_get_pages2()); with it, the mapping is an io_uring
 * registered buffer, pinned once FOLL_PIN | FOLL_LONGTERM, which 6.1
 * refuses for file-backed memory other than shmem and hugetlbfs
 * (io_uring/rsrc.c) and for fsdax (check_vma_flags()): that refusal is
 * recorded with its errno. A read past the cut that returns success while
 * or after the truncate ran wrote into a page the file no longer has:
 * silently lost. A read that fails with EFAULT found the page gone (GUP
 * past EOF): the kernel refused the I/O, loudly.
 */
struct stock_slot {
	unsigned int page;
	uint64_t submit_ns;
};

static void stock_submit(struct io_uring *ring, const struct trunc_file *f, struct stock_slot *sl,
			 unsigned int slot, unsigned int page, int devfd, bool fixed)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	char *b = f->map + (size_t)page * 4096;

	if (fixed)
		io_uring_prep_read_fixed(sqe, devfd, b, 4096, (uint64_t)page * 4096, 0);
	else
		io_uring_prep_read(sqe, devfd, b, 4096, (uint64_t)page * 4096);
	io_uring_sqe_set_data64(sqe, slot);
	sl[slot].page = page;
	sl[slot].submit_ns = now_ns();
}

/*
 * A completed read past the cut: submitted after the truncate had returned
 * and yet successful, it wrote into a page the file no longer has: lost.
 * In flight while the truncate ran, it raced with it: its data may have
 * landed before or after its page left the file, which userspace cannot
 * tell; those are counted apart and judged by nobody.
 */
static void stock_reap(struct totals *t, const struct stock_slot *sl, int res, bool started,
		       const struct trunc_call *tc, unsigned int cut)
{
	uint64_t t1 = __atomic_load_n(&tc->t1, __ATOMIC_ACQUIRE);

	t->accesses++;
	if (res == 4096) {
		if (started && sl->page >= cut && t1 && sl->submit_ns > t1)
			t->lost++;
		else if (started && sl->page >= cut &&
			 now_ns() > __atomic_load_n(&tc->t0, __ATOMIC_ACQUIRE))
			t->raced++;
		else
			t->in_place++;
	} else if (res == -EFAULT) {
		t->io_refused++;
	} else {
		t->io_errors++;
		t->io_errno = -res;
	}
}

/* A thread's kernel stack, its function names joined by " < " (innermost first). */
static void kernel_stack(pid_t tid, char *out, size_t len)
{
	char *path = pb_asprintf("/proc/self/task/%d/stack", (int)tid), line[160];
	FILE *f = fopen(path, "r");
	size_t used = 0;

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f) && used + 2 < len) {
		char *fn = strchr(line, ']');

		fn = fn ? fn + 2 : line;
		fn[strcspn(fn, "+\n")] = '\0';
		used += (size_t)snprintf(out + used, len - used, "%s%s", used ? " < " : "", fn);
	}
	if (f)
		fclose(f);
	free(path);
}

/*
 * trace=1: the evidence behind a HANGS verdict, from kprobes on both sides
 * of the truncate's wait.
 *  - pb_wait: init_wait_var_entry(), where ___wait_var_event() begins a
 *    wait; in the truncating task that is ext4_break_layouts() waiting on
 *    a DAX page's &page->_refcount. Its arguments are the address waited
 *    on and, read through it, the refcount when the wait began.
 *  - pb_wake: wake_up_var(), the only thing that ends that wait short of a
 *    signal.
 *  - pb_biorel: __bio_release_pages(), where the reads give their page
 *    references back.
 *  - pb_devput: the devmap-aware put, __put_devmap_managed_page_refs()
 *    (6.1) or __put_devmap_managed_folio_refs() (6.2 on): the one that calls
 *    wake_up_var() when an fsdax page's refcount falls back to 1.
 */
#define TRACE_SIGNAL "pinbench: SIGUSR1 to the truncate"
static const char *const dax_probes[] = {
	"p:pb_wait init_wait_var_entry var=%si:x64 ref=+0(%si):s32",
	"p:pb_wake wake_up_var var=%di:x64",
	"p:pb_biorel __bio_release_pages",
	"p:pb_devput __put_devmap_managed_page_refs|p:pb_devput __put_devmap_managed_folio_refs",
};

/* One iteration's trace, read in order. */
struct dax_trace {
	struct totals *t;
	int tid;			/* the truncating task */
	bool signalled;			/* past the mark: the restart is not evidence */
	bool waiting;			/* a wait (refcount above 1) is open */
	bool woken;			/* wake_up_var() on its address */
	unsigned long long var;
	long ref;
	uint64_t rel, put;		/* releases and devmap-aware puts since it began */
	char last[256];			/* the wait open when the signal came */
};

static void dax_trace_close(struct dax_trace *d)
{
	if (d->waiting && d->woken)
		d->t->tr_woken++;
	d->waiting = false;
}

static void dax_trace_event(void *arg, const char *ev, int pid, const char *args)
{
	struct dax_trace *d = arg;

	if (!strcmp(ev, "pb_biorel")) {
		d->t->tr_bio_releases++;
		d->rel++;
	} else if (!strcmp(ev, "pb_devput")) {
		d->t->tr_devmap_puts++;
		d->put++;
	} else if (d->signalled) {
		return;
	} else if (!strcmp(ev, "pb_wait") && pid == d->tid) {
		long ref = (long)(int)pb_ktrace_arg(args, "ref");

		dax_trace_close(d);
		/* A refcount of 1 already: ___wait_var_event() will not sleep. */
		if (ref <= 1)
			return;
		*d = (struct dax_trace){ .t = d->t, .tid = d->tid, .waiting = true,
					 .var = pb_ktrace_arg(args, "var"), .ref = ref };
		d->t->tr_waits++;
	} else if (!strcmp(ev, "pb_wake")) {
		if (d->waiting && pb_ktrace_arg(args, "var") == d->var)
			d->woken = true;
	} else if (!strcmp(ev, "tracing_mark_write") && strstr(args, TRACE_SIGNAL)) {
		if (d->waiting)
			snprintf(d->last, sizeof(d->last), "waited on 0x%llx (refcount %ld when the "
				 "wait began); then %" PRIu64 " bio page releases, %" PRIu64
				 " devmap-aware puts, and %s wake_up_var() on it before the signal",
				 d->var, d->ref, d->rel, d->put, d->woken ? "a" : "no");
		else
			snprintf(d->last, sizeof(d->last), "no open wait on a page when the signal came");
		dax_trace_close(d);
		d->signalled = true;
	}
}

/* After an iteration: fold its trace into the cell's counts. */
static void dax_trace_read(struct totals *t, pid_t tid, bool hung)
{
	struct dax_trace d = { .t = t, .tid = tid };
	long lost = pb_ktrace_end(t->kt, dax_trace_event, &d);

	dax_trace_close(&d);
	if (lost > 0)
		t->tr_lost += (uint64_t)lost;
	if (hung && !t->hang_trace[0])
		snprintf(t->hang_trace, sizeof(t->hang_trace), "%s", d.last[0] ? d.last :
			 "the signal's mark is not in the trace");
}

static void poke(int sig)
{
	(void)sig;
}

/*
 * The reads are over, yet the truncate still waits: every reference the
 * reads took is gone, so ext4_break_layouts() sleeps on a page whose
 * refcount is already back to 1, a wake-up that never came (on 6.1.84 and
 * later, the reads' release path; see stock_iterate()). Record where it
 * sleeps, then interrupt it with a signal: it restarts (SA_RESTART), finds
 * the page free and finishes. One that does not finish even then fails the
 * cell.
 */
static int trunc_unstick(struct pb_cell *cell, struct trunc_call *tc, pthread_t th,
			 struct totals *t)
{
	struct sigaction sa = { .sa_handler = poke, .sa_flags = SA_RESTART };

	if (trunc_wait(th, 2000) == 0)
		return 0;
	if (!t->hung_stack[0])
		kernel_stack(tc->tid, t->hung_stack, sizeof(t->hung_stack));
	sigaction(SIGUSR1, &sa, NULL);
	if (t->kt)
		pb_ktrace_mark(TRACE_SIGNAL);
	pthread_kill(th, SIGUSR1);
	if (trunc_wait(th, 2000) == 0) {
		t->hung++;
		return 0;
	}
	pb_cell_fail(cell, PB_FAILED, "truncate still waiting 2 s after the reads stopped, and "
		     "after a signal: %s", t->hung_stack);
	/* The thread cannot be joined; the guest's next boot is the way out. */
	return -1;
}

static int stock_iterate(struct pb_cell *cell, const char *dir, struct totals *t, unsigned int it,
			 int devfd)
{
	unsigned int dma_ms = (unsigned int)pb_param_u64(cell, "dma_ms");
	unsigned int block_ms = (unsigned int)pb_param_u64(cell, "block_ms");
	unsigned int qd = (unsigned int)pb_param_u64(cell, "queue_depth");
	bool fixed = pb_param_u64(cell, "fixedbufs");
	struct stock_slot *sl = pb_xcalloc(qd, sizeof(*sl));
	struct __kernel_timespec wait = { .tv_nsec = 1000000 };
	unsigned int next = 0, inflight = 0, cut;
	uint64_t t_cut, t_end = 0;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct trunc_file f;
	struct trunc_call tc = { 0 };
	bool ring_up = false, started = false, over = false;
	uint64_t hung_before;
	pthread_t th;
	int ret = -1, r;

	if (file_open(cell, dir, it, !strcmp(pb_param_str(cell, "truncate_to"), "half"), &f) < 0)
		goto out;
	cut = (unsigned int)(f.to / 4096);
	if (t->kt)
		pb_ktrace_begin(t->kt);
	r = io_uring_queue_init(qd, &ring, 0);
	if (r < 0) {
		pb_cell_fail(cell, PB_FAILED, "io_uring_queue_init: %s", strerror(-r));
		goto out;
	}
	ring_up = true;
	if (fixed) {
		struct iovec iov = { .iov_base = f.map, .iov_len = f.len };

		r = io_uring_register_buffers(&ring, &iov, 1);
		if (r < 0) {
			/* 6.1 refusing a long-term pin of this memory: the outcome. */
			t->refused++;
			t->refused_errno = -r;
			t->iterations++;
			ret = 0;
			goto out;
		}
	}
	for (unsigned int slot = 0; slot < qd; slot++, inflight++)
		stock_submit(&ring, &f, sl, slot, next++ % f.pages, devfd, fixed);
	t_cut = now_ns() + (uint64_t)dma_ms * 1000000;
	/* Reads keep the queue full: dma_ms, the truncate, dma_ms more. */
	while (!over || now_ns() < t_end) {
		uint64_t now = now_ns();

		if (!started && now >= t_cut) {
			if (trunc_start(cell, &tc, &th, &f) < 0)
				break;
			started = true;
		}
		if (started && !over) {
			if (trunc_wait(th, 0) == 0) {
				over = true;
				t_end = now_ns() + (uint64_t)dma_ms * 1000000;
			} else if (__atomic_load_n(&tc.t0, __ATOMIC_ACQUIRE) && now > tc.t0 &&
				   now - tc.t0 > (uint64_t)block_ms * 1000000) {
				/*
				 * Blocked on the reads, on DAX: ext4_break_layouts() waits
				 * for a busy page's refcount to fall back to 1, dropping the
				 * invalidate lock meanwhile.
				 *  - Where a read's release wakes it (6.12, whose direct I/O
				 *    unpins through gup_put_folio(); 6.1.y with
				 *    patches/6.1-dax-bio-release-wakeup.patch), it waits out
				 *    the reads in flight, one wake-up each, and goes on
				 *    (measured: a few ms); it stays here only if reads keep
				 *    faulting the pages back in faster than it gets through
				 *    them: "blocks".
				 *  - Where it does not (6.1.84 and later: __bio_release_pages()
				 *    drops the references with folio_put_refs(), which never
				 *    calls wake_up_var()), the first wait never ends, reads
				 *    or no reads: trunc_unstick() below finds it still
				 *    asleep once they are over, "HANGS" (trace=1 shows it).
				 * Stop the reads either way, as the device is unregistered
				 * above.
				 */
				if (!t->blocked_on[0])
					wchan_of(tc.tid, t->blocked_on, sizeof(t->blocked_on));
				break;
			}
		}
		io_uring_submit(&ring);
		if (io_uring_wait_cqe_timeout(&ring, &cqe, &wait) < 0)
			continue;
		do {
			unsigned int slot = (unsigned int)io_uring_cqe_get_data64(cqe);

			stock_reap(t, &sl[slot], cqe->res, started, &tc, cut);
			io_uring_cqe_seen(&ring, cqe);
			stock_submit(&ring, &f, sl, slot, next++ % f.pages, devfd, fixed);
		} while (io_uring_peek_cqe(&ring, &cqe) == 0);
	}
	/* What is still in flight completes after the truncate. */
	io_uring_submit(&ring);
	while (inflight && io_uring_wait_cqe(&ring, &cqe) == 0) {
		stock_reap(t, &sl[io_uring_cqe_get_data64(cqe)], cqe->res, started, &tc, cut);
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
	}
	hung_before = t->hung;
	if (started && !over && trunc_unstick(cell, &tc, th, t) < 0)
		goto out;
	if (t->kt && started)
		dax_trace_read(t, tc.tid, t->hung > hung_before);
	if (fixed)
		io_uring_unregister_buffers(&ring);
	io_uring_queue_exit(&ring);
	ring_up = false;
	if (!started)
		goto out;
	if (tc.t1 - tc.t0 > (uint64_t)block_ms * 1000000)
		t->blocked++;
	if (trunc_done(cell, &tc, &f, t) < 0 || file_check(cell, &f, t) < 0)
		goto out;
	t->iterations++;
	ret = 0;
out:
	if (ring_up)
		io_uring_queue_exit(&ring);
	file_close(&f);
	free(sl);
	return ret;
}

static struct json_object *fates_json(const struct fates *f)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "delivered", json_object_new_uint64(f->delivered));
	json_object_object_add(o, "unwritten", json_object_new_uint64(f->unwritten));
	json_object_object_add(o, "discarded", json_object_new_uint64(f->discarded));
	json_object_object_add(o, "lost", json_object_new_uint64(f->lost));
	json_object_object_add(o, "redirected", json_object_new_uint64(f->redirected));
	json_object_object_add(o, "misplaced", json_object_new_uint64(f->misplaced));
	json_object_object_add(o, "torn", json_object_new_uint64(f->torn));
	return o;
}

static struct json_object *events_json(const uint64_t *ev)
{
	static const char *const names[] = {
#define X(sym, id, name) [id] = name,
		PINBENCH_EVENTS(X)
#undef X
	};
	struct json_object *o = json_object_new_object();

	for (unsigned int e = 0; e < PINBENCH_EV_NR; e++)
		json_object_object_add(o, names[e], json_object_new_uint64(ev[e]));
	return o;
}

/*
 * What the device's writes became, and what the revoke policy did: the
 * part of the raw figures truncate_under_dma and writeback_under_dma
 * share. Fails the cell if the accounting does not add up.
 */
static void emit_device(struct pb_cell *cell, const struct totals *t)
{
	struct json_object *o = cell->raw;
	const struct fates *f = &t->fate;
	uint64_t judged = f->delivered + f->unwritten + f->discarded + f->lost + f->redirected;

	if (f->misplaced || judged != t->accesses)
		pb_cell_fail(cell, PB_FAILED, "write accounting broken: %" PRIu64 " writes, %" PRIu64
			     " judged, %" PRIu64 " records misplaced", t->accesses, judged, f->misplaced);
	if (f->torn)
		pb_cell_note(cell, "%" PRIu64 " device records were torn on disk (writeback copied the page "
			     "while the device wrote them, and nothing wrote it again): unwritten", f->torn);
	if (t->capped)
		pb_cell_note(cell, "the device reached max_records (one slot per write) in %" PRIu64
			     " iterations and stopped writing early", t->capped);
	json_object_object_add(o, "fates", fates_json(f));
	json_object_object_add(o, "in_place", json_object_new_uint64(t->in_place));
	json_object_object_add(o, "capped", json_object_new_uint64(t->capped));
	json_object_object_add(o, "revoke_events", json_object_new_string(
		pb_param_str_or(cell, "revoke_events", "all")));
	json_object_object_add(o, "after_revoke", json_object_new_string(
		pb_param_str_or(cell, "after_revoke", "drop")));
	json_object_object_add(o, "events", events_json(t->events));
	json_object_object_add(o, "ignored", json_object_new_uint64(t->ignored));
	json_object_object_add(o, "ignored_events", events_json(t->ignored_events));
	json_object_object_add(o, "stalls", json_object_new_uint64(t->stalls));
	json_object_object_add(o, "reacquires", json_object_new_uint64(t->reacquires));
	json_object_object_add(o, "pages_reacquired", json_object_new_uint64(t->pages_reacquired));
	json_object_object_add(o, "reacquire_failed", json_object_new_uint64(t->reacquire_failed));
	json_object_object_add(o, "reacquire_retries", json_object_new_uint64(t->reacquire_retries));
	json_object_object_add(o, "reacquire_work_ns", json_object_new_uint64(t->reacquire_work_ns));
	json_object_object_add(o, "reacquire_wait_max_ns",
			       json_object_new_uint64(t->reacquire_wait_max_ns));
	json_object_object_add(o, "reacquire_wait_sum_ns",
			       json_object_new_uint64(t->reacquire_wait_sum_ns));
	json_object_object_add(o, "device_faults", json_object_new_uint64(t->device_faults));
	json_object_object_add(o, "reacquire_rearms", json_object_new_uint64(t->reacquire_rearms));
	json_object_object_add(o, "engine_ticks", json_object_new_uint64(t->engine_ticks));
	json_object_object_add(o, "engine_rate_hz", json_object_new_uint64(pb_param_u64(cell, "dma_rate_hz")));
}

/* The cell's raw figures, and notes a reader needs. */
static void emit_totals(struct pb_cell *cell, struct totals *t, bool stock)
{
	struct json_object *o = cell->raw;

	if (t->stale_bytes)
		pb_cell_note(cell, "STALE DATA: %" PRIu64 " bytes (%" PRIu64 " device records) past the "
			     "truncation point after the file was extended again", t->stale_bytes,
			     t->stale_records);
	if (t->blocked)
		pb_cell_note(cell, "truncate blocked on the device in %" PRIu64 " of %" PRIu64
			     " iterations (in %s)%s", t->blocked, t->iterations, t->blocked_on,
			     stock ? "" : " until it was unregistered");
	if (t->refused)
		pb_cell_note(cell, "the kernel refused the pin in %" PRIu64 " of %" PRIu64
			     " iterations: %s", t->refused, t->iterations, strerror(t->refused_errno));
	if (t->io_refused)
		pb_cell_note(cell, "%" PRIu64 " reads failed with EFAULT: the page was gone", t->io_refused);
	if (t->raced)
		pb_cell_note(cell, "%" PRIu64 " reads past the cut were in flight while the truncate ran",
			     t->raced);
	if (t->hung)
		pb_cell_note(cell, "truncate HUNG in %" PRIu64 " iterations after the reads had stopped, "
			     "until a signal interrupted it (%s)", t->hung, t->hung_stack);
	if (t->kt)
		pb_cell_note(cell, "trace: %" PRIu64 " waits, %" PRIu64 " woken; %" PRIu64
			     " bio releases, %" PRIu64 " devmap puts (raw.trace_*, raw.hang_trace)",
			     t->tr_waits, t->tr_woken, t->tr_bio_releases, t->tr_devmap_puts);
	json_object_object_add(o, "iterations", json_object_new_uint64(t->iterations));
	json_object_object_add(o, "refused", json_object_new_uint64(t->refused));
	if (t->refused)
		json_object_object_add(o, "refused_errno", json_object_new_string(strerror(t->refused_errno)));
	json_object_object_add(o, "blocked", json_object_new_uint64(t->blocked));
	if (t->blocked)
		json_object_object_add(o, "blocked_on", json_object_new_string(t->blocked_on));
	json_object_object_add(o, "truncate_ns", pb_hist_to_json(&t->truncate_ns));
	json_object_object_add(o, "revoke_span_ns", pb_hist_to_json(&t->revoke_span_ns));
	json_object_object_add(o, "accesses", json_object_new_uint64(t->accesses));
	json_object_object_add(o, "lost", json_object_new_uint64(t->lost));
	json_object_object_add(o, "redirected", json_object_new_uint64(t->redirected));
	json_object_object_add(o, "invalidations", json_object_new_uint64(t->invalidations));
	json_object_object_add(o, "revocations", json_object_new_uint64(t->revocations));
	json_object_object_add(o, "pages_revoked", json_object_new_uint64(t->pages_revoked));
	json_object_object_add(o, "spurious", json_object_new_uint64(t->spurious));
	json_object_object_add(o, "stale_bytes", json_object_new_uint64(t->stale_bytes));
	json_object_object_add(o, "stale_records", json_object_new_uint64(t->stale_records));
	if (stock) {
		json_object_object_add(o, "in_place", json_object_new_uint64(t->in_place));
		json_object_object_add(o, "hung", json_object_new_uint64(t->hung));
		if (t->hung)
			json_object_object_add(o, "hung_stack", json_object_new_string(t->hung_stack));
		json_object_object_add(o, "io_refused", json_object_new_uint64(t->io_refused));
		json_object_object_add(o, "raced", json_object_new_uint64(t->raced));
		json_object_object_add(o, "io_errors", json_object_new_uint64(t->io_errors));
		if (t->kt) {
			json_object_object_add(o, "trace", json_object_new_boolean(1));
			json_object_object_add(o, "trace_waits", json_object_new_uint64(t->tr_waits));
			json_object_object_add(o, "trace_woken", json_object_new_uint64(t->tr_woken));
			json_object_object_add(o, "trace_bio_releases",
					       json_object_new_uint64(t->tr_bio_releases));
			json_object_object_add(o, "trace_devmap_puts",
					       json_object_new_uint64(t->tr_devmap_puts));
			json_object_object_add(o, "trace_lost", json_object_new_uint64(t->tr_lost));
			if (t->hang_trace[0])
				json_object_object_add(o, "hang_trace",
						       json_object_new_string(t->hang_trace));
		}
	} else {
		json_object_object_add(o, "strategy_caps", json_object_new_uint64(
			pb_strategy_caps(pb_param_str(cell, "strategy"))));
		emit_device(cell, t);
	}
}

/* The cell's file system, or the cell says why there is none. */
static int cell_fs(struct pb_cell *cell, char *dir, size_t dirlen)
{
	const char *fsname = pb_param_str(cell, "filesystem");
	int kind = pb_fs_kind(fsname);
	char err[256];

	if (kind < 0) {
		pb_cell_fail(cell, PB_FAILED, "unknown filesystem '%s'", fsname);
		return -1;
	}
	if (pb_fs_get((enum pb_fs)kind, dir, dirlen, err, sizeof(err)) < 0) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "%s: %s", fsname, err);
		return -1;
	}
	return 0;
}

static void truncate_run(struct pb_cell *cell)
{
	unsigned int iterations = (unsigned int)pb_param_u64(cell, "iterations");
	struct totals t = { 0 };
	char dir[128];

	if (cell_fs(cell, dir, sizeof(dir)) < 0)
		return;
	pb_hist_init(&t.truncate_ns);
	pb_hist_init(&t.revoke_span_ns);
	for (unsigned int i = 0; i < iterations; i++)
		if (iterate(cell, dir, &t, i))
			goto out;
	emit_totals(cell, &t, false);
out:
	pb_hist_free(&t.truncate_ns);
	pb_hist_free(&t.revoke_span_ns);
}

/* The null_blk the stock reads come from: hardirq completion, every word of it non-zero. */
static int stock_device(struct pb_cell *cell, unsigned int pages)
{
	enum pb_nullb_mode mode;
	char dev[64];
	uint64_t *buf;
	size_t len = (size_t)pages * 4096;
	int fd;

	if (len > (size_t)PB_DIO_DEV_MIB << 20) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "file_pages=%u: the stock reads come from the first "
			     "%d MiB of the device", pages, PB_DIO_DEV_MIB);
		return -1;
	}
	if (pb_dio_device(cell, &mode, dev, sizeof(dev)) < 0)
		return -1;
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&buf, 4096, len)) {
		pb_cell_fail(cell, PB_FAILED, "%s: %s", dev, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (size_t w = 0; w < len / 8; w++)
		buf[w] = pb_dio_dev_word(w * 8, 0x73746f636b) | 1;
	if (pwrite(fd, buf, len, 0) != (ssize_t)len) {
		pb_cell_fail(cell, PB_FAILED, "filling %s: %s", dev, strerror(errno));
		close(fd);
		fd = -1;
	}
	free(buf);
	return fd;
}

static void truncate_stock_run(struct pb_cell *cell)
{
	unsigned int iterations = (unsigned int)pb_param_u64(cell, "iterations");
	struct pb_ktrace kt;
	struct totals t = { 0 };
	char dir[128];
	int devfd;

	if (strcmp(pb_param_str(cell, "engine"), "liburing")) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "engine %s: only our liburing driver reads into a "
			     "file mapping while it is truncated", pb_param_str(cell, "engine"));
		return;
	}
	if (cell_fs(cell, dir, sizeof(dir)) < 0)
		return;
	devfd = stock_device(cell, (unsigned int)pb_param_u64(cell, "file_pages"));
	if (devfd < 0)
		return;
	if (pb_param_u64(cell, "trace")) {
		char err[256];

		if (pb_ktrace_start(&kt, dax_probes, ARRAY_SIZE(dax_probes), err, sizeof(err)) < 0) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "trace=1: %s", err);
			close(devfd);
			return;
		}
		t.kt = &kt;
	}
	pb_hist_init(&t.truncate_ns);
	pb_hist_init(&t.revoke_span_ns);
	for (unsigned int i = 0; i < iterations; i++)
		if (stock_iterate(cell, dir, &t, i, devfd))
			goto out;
	if (t.io_errors) {
		pb_cell_fail(cell, PB_FAILED, "%" PRIu64 " reads failed: %s", t.io_errors,
			     strerror(t.io_errno));
		goto out;
	}
	emit_totals(cell, &t, true);
out:
	if (t.kt)
		pb_ktrace_stop(t.kt);
	close(devfd);
	pb_hist_free(&t.truncate_ns);
	pb_hist_free(&t.revoke_span_ns);
}

/*
 * [O1], writeback under DMA, on ext4 (a page cache over a disk): the
 * device writes into the registered file pages while another thread calls
 * fsync() every fsync_ms. Writeback cleans a page (page_mkclean() write-
 * protects the user's PTEs, so a CPU store would fault and dirty it again),
 * but the device writes through the kernel mapping: nothing dirties the
 * page again, and the final fsync() skips it. So, per iteration:
 *  1. register, start the device, fsync() every fsync_ms for dma_ms * 10;
 *  2. stop the device; what the pages hold now is what it last wrote;
 *  3. fsync(), then read the file back with O_DIRECT (the disk, not the
 *     page cache): a page that differs was not written back (stale_on_disk);
 *  4. unregister (with dirty_on_release, the strategy dirties the pages as
 *     it lets go, as unpin_user_pages_dirty_lock() does), fsync() again,
 *     read back again: a page that still differs is lost for good.
 */
static int wb_read_disk(struct pb_cell *cell, const struct trunc_file *f, char *out)
{
	int dfd = open(f->path, O_RDONLY | O_DIRECT);
	ssize_t n = dfd < 0 ? -1 : pread(dfd, out, f->len, 0);

	if (n != (ssize_t)f->len) {
		pb_cell_fail(cell, PB_FAILED, "O_DIRECT read of %s: %s", f->path,
			     n < 0 ? strerror(errno) : "short read");
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	close(dfd);
	return 0;
}

static uint64_t pages_differ(const char *a, const char *b, unsigned int pages)
{
	uint64_t n = 0;

	for (unsigned int p = 0; p < pages; p++)
		n += memcmp(a + (size_t)p * 4096, b + (size_t)p * 4096, 4096) != 0;
	return n;
}

struct fsyncer {
	int fd;
	unsigned int every_ms;
	volatile int stop;
	uint64_t calls;
	struct pb_hist *lat;
	int err;
};

static void *fsync_main(void *arg)
{
	struct fsyncer *y = arg;

	while (!y->stop) {
		uint64_t t0 = now_ns();

		if (fsync(y->fd) < 0) {
			y->err = errno;
			break;
		}
		pb_hist_add(y->lat, now_ns() - t0);
		y->calls++;
		msleep(y->every_ms);
	}
	return NULL;
}

static int wb_iterate(struct pb_cell *cell, const char *dir, struct totals *t, unsigned int it)
{
	unsigned int dma_ms = (unsigned int)pb_param_u64(cell, "dma_ms");
	struct pinbench_dev_register reg;
	struct pinbench_dev_start start;
	struct pinbench_dev_stats st;
	struct pinbench_page_fate *pf = NULL;
	struct fsyncer y = { 0 };
	struct trunc_file f;
	char *snap = NULL, *disk = NULL;
	bool registered = false, running = false;
	pthread_t th;
	int ret = -1, e;

	if (file_open(cell, dir, it, false, &f) < 0)
		goto out;
	pf = pb_xcalloc(f.pages, sizeof(*pf));
	if (posix_memalign((void **)&snap, 4096, f.len) || posix_memalign((void **)&disk, 4096, f.len)) {
		pb_cell_fail(cell, PB_FAILED, "out of memory");
		goto out;
	}
	fsync(f.fd);
	e = dev_attach(cell, &f, PINBENCH_PIN_WRITE |
		       (pb_param_u64(cell, "longterm") ? PINBENCH_PIN_LONGTERM : 0) |
		       (pb_param_u64(cell, "dirty_on_release") ? PINBENCH_PIN_DIRTY : 0), &reg, &start, &registered);
	if (e < 0)
		goto out;
	if (e) {
		if (e == EOPNOTSUPP) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s",
				     pb_param_str(cell, "strategy"),
				     pb_unsupported_why(pb_param_str(cell, "strategy"), reg.flags,
							reg.registration));
			ret = 1;
		} else {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_REGISTER: %s", strerror(e));
		}
		goto out;
	}
	y.fd = f.fd;
	y.every_ms = (unsigned int)pb_param_u64(cell, "fsync_ms");
	y.lat = &t->truncate_ns;	/* this scenario's timed call is fsync() */
	if (pthread_create(&th, NULL, fsync_main, &y)) {
		pb_cell_fail(cell, PB_FAILED, "pthread_create failed");
		goto out;
	}
	running = true;
	msleep(dma_ms * 10);
	y.stop = 1;
	pthread_join(th, NULL);
	running = false;
	if (y.err) {
		pb_cell_fail(cell, PB_FAILED, "fsync: %s", strerror(y.err));
		goto out;
	}
	t->fsyncs += y.calls;
	if (pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_STOP, reg.buffer_id, &st, pf, f.pages) < 0) {
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_STOP: %s", strerror(errno));
		goto out;
	}
	add_stats(t, &st);
	/* What the device last wrote, as the pages hold it; then the final fsync. */
	memcpy(snap, f.map, f.len);
	if (fsync(f.fd) < 0 || wb_read_disk(cell, &f, disk) < 0)
		goto out;
	t->stale_on_disk += pages_differ(snap, disk, f.pages);
	t->capped += st.accesses >= start.max_records;
	judge_writes(disk, f.pages, f.pages, reg.buffer_id, st.accesses, pf, &t->fate_before_release);
	if (pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st, pf, f.pages) < 0) {
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_UNREGISTER: %s", strerror(errno));
		goto out;
	}
	registered = false;
	if (fsync(f.fd) < 0 || wb_read_disk(cell, &f, disk) < 0)
		goto out;
	t->lost_on_disk += pages_differ(snap, disk, f.pages);
	judge_writes(disk, f.pages, f.pages, reg.buffer_id, st.accesses, pf, &t->fate);
	t->iterations++;
	ret = 0;
out:
	if (running) {
		y.stop = 1;
		pthread_join(th, NULL);
	}
	if (registered)
		pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st, NULL, 0);
	file_close(&f);
	free(snap);
	free(disk);
	free(pf);
	return ret;
}

static void writeback_run(struct pb_cell *cell)
{
	unsigned int iterations = (unsigned int)pb_param_u64(cell, "iterations");
	struct totals t = { 0 };
	struct json_object *o = cell->raw;
	char dir[128];

	if (strcmp(pb_param_str(cell, "filesystem"), "ext4")) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "writeback needs a page cache over a disk: %s has %s",
			     pb_param_str(cell, "filesystem"),
			     strcmp(pb_param_str(cell, "filesystem"), "tmpfs") ? "no page cache (DAX)" :
			     "no disk");
		return;
	}
	if (cell_fs(cell, dir, sizeof(dir)) < 0)
		return;
	pb_hist_init(&t.truncate_ns);
	pb_hist_init(&t.revoke_span_ns);
	for (unsigned int i = 0; i < iterations; i++)
		if (wb_iterate(cell, dir, &t, i))
			goto out;
	if (t.stale_on_disk)
		pb_cell_note(cell, "%" PRIu64 " pages on disk differed from what the device had written "
			     "when the final fsync ran; %" PRIu64 " still did after the release",
			     t.stale_on_disk, t.lost_on_disk);
	json_object_object_add(o, "iterations", json_object_new_uint64(t.iterations));
	json_object_object_add(o, "fsyncs", json_object_new_uint64(t.fsyncs));
	json_object_object_add(o, "fsync_ns", pb_hist_to_json(&t.truncate_ns));
	json_object_object_add(o, "stale_on_disk", json_object_new_uint64(t.stale_on_disk));
	json_object_object_add(o, "lost_on_disk", json_object_new_uint64(t.lost_on_disk));
	json_object_object_add(o, "pages", json_object_new_uint64(
		t.iterations * pb_param_u64(cell, "file_pages")));
	json_object_object_add(o, "accesses", json_object_new_uint64(t.accesses));
	json_object_object_add(o, "lost", json_object_new_uint64(t.lost));
	json_object_object_add(o, "redirected", json_object_new_uint64(t.redirected));
	json_object_object_add(o, "revocations", json_object_new_uint64(t.revocations));
	json_object_object_add(o, "spurious", json_object_new_uint64(t.spurious));
	json_object_object_add(o, "strategy_caps",
			       json_object_new_uint64(pb_strategy_caps(pb_param_str(cell, "strategy"))));
	json_object_object_add(o, "fates_before_release", fates_json(&t.fate_before_release));
	emit_device(cell, &t);
out:
	pb_hist_free(&t.truncate_ns);
	pb_hist_free(&t.revoke_span_ns);
}

const struct pb_guest_workload pb_wl_writeback = {
	.name = "writeback_under_dma",
	.run = writeback_run,
};
PB_GUEST_WORKLOAD(pb_wl_writeback);

const struct pb_guest_workload pb_wl_truncate = {
	.name = "truncate_under_dma",
	.run = truncate_run,
};
PB_GUEST_WORKLOAD(pb_wl_truncate);

const struct pb_guest_workload pb_wl_truncate_stock = {
	.name = "truncate_stock",
	.run = truncate_stock_run,
};
PB_GUEST_WORKLOAD(pb_wl_truncate_stock);
