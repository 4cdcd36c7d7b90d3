// SPDX-License-Identifier: GPL-2.0
/* small_dio.c: the small_dio workload: direct I/O through real bios on pages each strategy acquired. */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include "pinbench.h"

/*
 * What block/fops.c does for an O_DIRECT read or write, with the page
 * references replaced by the strategy under test: acquire the slot's
 * pages, (reads) dirty them, build a bio, submit_bio(); end_io, in the
 * device's completion context, releases the pages as the strategy can
 * there and hands the I/O back to the submitter, which reaps it, records
 * the figures outside every timed region and submits the next.
 *
 * An I/O's tracking state (struct dio_io) outlives its slot when its
 * release was deferred: the slot is free at end_io, as a user's buffer is
 * once its read completes, while the deferred work still runs. There are
 * IOS_PER_SLOT of them per slot; when all are waiting for deferred work,
 * the submitter waits too (a stall) - this is where a strategy's deferred
 * work pushes back.
 */
#define MAX_PAGES	(PINBENCH_DIO_MAX_BLOCK / PAGE_SIZE + 1)
#define IOS_PER_SLOT	8

enum { CTX_HARDIRQ, CTX_SOFTIRQ, CTX_TASK };

struct dio_run;

enum { H_LAT, H_ACQ, H_REL, H_RES, H_SPAN, H_NR };

struct dio_io {
	struct llist_node done_node;	/* end_io -> submitter */
	struct list_head node;		/* submitter's free or deferred list */
	struct dio_run *run;
	struct pinbench_pin pin;
	struct pinbench_release_ctx rc;
	struct page *pages[MAX_PAGES];
	u64 seq, dev_off;
	u64 acquire_ns, submit_ns, done_ns, release_ns;	/* acquire_ns: when it began */
	u64 span_ns;			/* acquire start to the end of the release call */
	unsigned int slot;
	unsigned int pages_held;	/* counted in pinbench_pages_held */
	blk_status_t status;
	u8 ctx;
	bool redirty;
};

struct dio_run {
	const struct pinbench_strategy *s;
	struct pinbench_small_dio *a;
	struct block_device *bdev;
	struct pinbench_reg reg;
	bool reg_set;
	struct pinbench_bio_revokes bio_revokes;
	struct dio_io *ios;
	unsigned int nr_ios;
	struct list_head free, deferred;
	unsigned int nr_deferred;
	unsigned long *slot_busy;
	u64 *slot_seq;
	struct llist_head done;
	struct task_struct *waiter;	/* the submitter */
	unsigned int inflight;
	u64 *hist[H_NR];		/* latency, acquire, release, residency, span */
	u64 first_submit_ns, last_done_ns;
};


static void dio_end_io(struct bio *bio)
{
	struct dio_io *io = bio->bi_private;
	struct dio_run *r = io->run;
	struct task_struct *waiter;
	struct folio_iter fi;
	u64 t0;

	io->done_ns = ktime_get_ns();
	io->status = bio->bi_status;
	io->ctx = in_hardirq() ? CTX_HARDIRQ : in_serving_softirq() ? CTX_SOFTIRQ : CTX_TASK;
	/* As bio_check_pages_dirty(): a page cleaned under the read must be dirtied again. */
	if (r->a->direction == PINBENCH_DMA_READ) {
		bio_for_each_folio_all(fi, bio) {
			if (!folio_test_dirty(fi.folio)) {
				io->redirty = true;
				io->pin.flags |= PINBENCH_PIN_DIRTY;
				break;
			}
		}
	}
	bio_put(bio);
	t0 = ktime_get_ns();
	/*
	 * A completion handler never may sleep, whatever context it runs in.
	 * A strategy released by its issuer is released when the submitter
	 * reaps the I/O, in its own task (dio_reap()).
	 */
	if (!r->s->release_by_issuer)
		pinbench_release_any(r->s, &io->pin, false);
	io->release_ns = ktime_get_ns() - t0;
	/* The span ends with the release call. */
	io->span_ns = t0 + io->release_ns - io->acquire_ns;
	/* Where the release work went: this CPU (nothing in end_io sleeps or yields). */
	if (atomic64_read(&io->rc.deferred))
		io->rc.queue_cpu = raw_smp_processor_id();
	pinbench_release_ctx_issued(&io->rc);
	/*
	 * Once the I/O is on the list the submitter may reap it, finish and
	 * return: r lives on its stack, so nothing here may touch r after
	 * llist_add(). Wake the task itself, read beforehand (as block/fops.c
	 * and iomap wake their waiter); RCU keeps a task_struct alive.
	 */
	waiter = r->waiter;
	rcu_read_lock();
	llist_add(&io->done_node, &r->done);
	wake_up_process(waiter);
	rcu_read_unlock();
}

static int dio_validate(struct pinbench_small_dio *a, const struct pinbench_strategy **sp)
{
	const struct pinbench_strategy *s;
	u32 align;
	int ret;

	if (a->abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (a->reserved)
		return -EINVAL;
	s = pinbench_strategy_get(a->strategy);
	if (!s || (a->flags & ~PINBENCH_PIN_LONGTERM))
		return -EINVAL;
	if (a->direction != PINBENCH_DMA_READ && a->direction != PINBENCH_DMA_WRITE)
		return -EINVAL;
	if (!a->block_size || !a->queue_depth || !a->ios)
		return -EINVAL;
	if (a->block_size > PINBENCH_DIO_MAX_BLOCK || a->queue_depth > PINBENCH_DIO_MAX_QD ||
	    a->ios > PINBENCH_DIO_MAX_IOS || a->warmup_ios > PINBENCH_DIO_MAX_IOS)
		return -E2BIG;
	if (!is_power_of_2(a->block_size) || a->block_size < 512)
		return -EINVAL;
	align = min_t(u32, a->block_size, PAGE_SIZE);
	if (a->addr & (align - 1))
		return -EINVAL;
	if ((a->latency_hist || a->acquire_hist || a->release_hist || a->residency_hist ||
	     a->span_hist) ?
	    a->hist_buckets != PINBENCH_HIST_BUCKETS : a->hist_buckets)
		return -EINVAL;
	ret = pinbench_check_range(a->addr & PAGE_MASK,
				   DIV_ROUND_UP((a->addr & ~PAGE_MASK) +
						(u64)a->queue_depth * a->block_size, PAGE_SIZE));
	if (ret)
		return ret;
	if (a->slot_seqs &&
	    !access_ok(u64_to_user_ptr(a->slot_seqs), a->queue_depth * sizeof(u64)))
		return -EFAULT;
	/* The device writes memory on a read. */
	ret = pinbench_check_pin_flags(s, a->flags | (a->direction == PINBENCH_DMA_READ ?
						      PINBENCH_PIN_WRITE : 0), a->registration);
	if (ret)
		return ret;
	/*
	 * A bio takes page pointers and keeps them until it completes: a
	 * strategy that holds no page (a mirror, ->device_fault) cannot back
	 * one, and a block device cannot fault.
	 */
	if (s->device_fault)
		return -EOPNOTSUPP;
	*sp = s;
	return 0;
}

/* The device side: a block device open for what the I/O needs, and a range on it. */
static int dio_check_bdev(struct pinbench_small_dio *a, struct file *file,
			  struct block_device **bdevp)
{
	struct inode *inode = file_inode(file);
	struct block_device *bdev;
	u64 end;

	if (!S_ISBLK(inode->i_mode))
		return -ENOTBLK;
	/* The caller's own access to the device bounds what the module does with it. */
	if (!(file->f_mode & (a->direction == PINBENCH_DMA_WRITE ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	bdev = I_BDEV(file->f_mapping->host);
	if (a->block_size % bdev_logical_block_size(bdev))
		return -EINVAL;
	if (!a->dev_span || a->dev_span % a->block_size || a->dev_offset % a->block_size)
		return -EINVAL;
	if (check_add_overflow(a->dev_offset, a->dev_span, &end))
		return -EOVERFLOW;
	if (end > bdev_nr_bytes(bdev))
		return -EINVAL;
	*bdevp = bdev;
	return 0;
}

static void stats_hist(struct dio_run *r, int h, struct pinbench_phase_stats *st, u64 v)
{
	pinbench_stats_add(st, v);
	r->hist[h][pinbench_hist_index(v)]++;
}

/* An I/O whose release work (if any) has finished: its residency, then back to the free list. */
static void dio_retire(struct dio_run *r, struct dio_io *io)
{
	struct pinbench_small_dio *a = r->a;

	atomic64_sub(io->pages_held, &pinbench_pages_held);
	if (io->seq >= a->warmup_ios) {
		stats_hist(r, H_RES, &a->residency, io->pin.released_ns - io->done_ns);
		a->deferred += atomic64_read(&io->rc.deferred);
		a->deferred_work_ns += atomic64_read(&io->rc.work_ns);
	}
	list_add(&io->node, &r->free);
}

/* Take what end_io handed back: figures, the slot, and the I/O if its release is over. */
static void dio_reap(struct dio_run *r)
{
	struct pinbench_small_dio *a = r->a;
	struct llist_node *list = llist_del_all(&r->done);
	struct dio_io *io, *tmp;

	llist_for_each_entry_safe(io, tmp, list, done_node) {
		r->inflight--;
		clear_bit(io->slot, r->slot_busy);
		if (r->s->release_by_issuer) {
			/* In the submitter's task, as synchronous direct I/O releases: timed here. */
			u64 t0 = ktime_get_ns();

			pinbench_release_any(r->s, &io->pin, true);
			io->release_ns = ktime_get_ns() - t0;
			io->span_ns = t0 + io->release_ns - io->acquire_ns;
		}
		if (io->seq >= a->warmup_ios) {
			stats_hist(r, H_LAT, &a->latency, io->done_ns - io->submit_ns);
			stats_hist(r, H_REL, &a->release, io->release_ns);
			stats_hist(r, H_SPAN, &a->span, io->span_ns);
			a->completions[io->ctx]++;
			a->ios_done++;
			r->slot_seq[io->slot] = io->seq;
			r->last_done_ns = max(r->last_done_ns, io->done_ns);
			if (io->status)
				a->io_errors++;
			if (io->redirty)
				a->redirtied++;
		}
		if (completion_done(&io->rc.done)) {
			dio_retire(r, io);
		} else {
			list_add_tail(&io->node, &r->deferred);
			r->nr_deferred++;
		}
	}
	a->max_deferred_depth = max_t(u64, a->max_deferred_depth, r->nr_deferred);
	list_for_each_entry_safe(io, tmp, &r->deferred, node) {
		if (!completion_done(&io->rc.done))
			continue;
		list_del(&io->node);
		r->nr_deferred--;
		dio_retire(r, io);
	}
}

/*
 * Release work that end_io queued on this CPU (inline completion, or the
 * device's interrupt on the submitter's CPU) would run in a kworker at the
 * first preemption point of the next timed acquire (kmem_cache_zalloc,
 * mmap_read_lock, the locked GUP's cond_resched), and the acquire figure
 * would carry it: fake_vma's 4 KiB acquire read 9.4 us with inline
 * completion against 2.1 us with the interrupt elsewhere. Let it run first,
 * outside the timed window; it is counted once, in deferred_work_ns, and
 * IOPS still pays for it (the CPU is the same). Returns whether it waited.
 */
static bool dio_settle_local(struct dio_run *r)
{
	int cpu = raw_smp_processor_id();
	struct dio_io *io;
	bool waited = false;

	list_for_each_entry(io, &r->deferred, node) {
		if (READ_ONCE(io->rc.queue_cpu) != cpu || completion_done(&io->rc.done))
			continue;
		wait_for_completion(&io->rc.done);
		waited = true;
	}
	return waited;
}

/* Acquire slot's pages, dirty them for a read, build and submit the bio. */
static int dio_submit(struct dio_run *r, struct dio_io *io, unsigned int slot, u64 seq)
{
	struct pinbench_small_dio *a = r->a;
	unsigned long uaddr = a->addr + (unsigned long)slot * a->block_size;
	unsigned int off = uaddr & ~PAGE_MASK, nr = DIV_ROUND_UP(off + a->block_size, PAGE_SIZE);
	unsigned int i, left = a->block_size;
	bool read = a->direction == PINBENCH_DMA_READ;
	struct pinbench_quiet q;
	struct bio *bio;
	u64 t0, t1;
	int ret;

	io->seq = seq;
	io->slot = slot;
	io->dev_off = a->dev_offset + (seq * a->block_size) % a->dev_span;
	io->redirty = false;
	io->pin = (struct pinbench_pin) {
		.pages = io->pages,
		.nr = nr,
		.flags = a->flags | (read ? PINBENCH_PIN_WRITE : 0),
		.reg = r->reg_set ? &r->reg : NULL,
		.rc = &io->rc,
		.bio = &r->bio_revokes,
	};
	pinbench_release_ctx_init(&io->rc, r->s, 1);

	pinbench_quiet_start(&q);
	ret = pinbench_acquire_io_all(r->s, &io->pin, uaddr & PAGE_MASK, nr, read, &t0, &t1, &a->foll_pins,
				      &a->read_retries);
	if (ret)
		return ret;
	/* Counted until dio_retire() (pin.nr is the strategy's to change). */
	io->pages_held = nr;
	/*
	 * The acquire alone. With I/Os in flight, a completion (null_blk's
	 * hrtimer in hardirq, or its softirq) lands inside acquires, and the
	 * end_io and the release work it wakes on this CPU with it: with one
	 * vCPU, fake_vma's 4 KiB acquire read 7.5 us at queue depth 8 against
	 * 2.1 us at 1. dio_settle_local() only waits for work queued before
	 * the acquire. An acquire something else reached is left out of the
	 * figure and counted (acquires_disturbed), as irq_completion does;
	 * its time is in IOPS, and the handlers' in latency and deferred_work_ns.
	 */
	if (seq >= a->warmup_ios) {
		if (pinbench_quiet_held(&q))
			stats_hist(r, H_ACQ, &a->acquire, t1 - t0);
		else
			a->acquires_disturbed++;
	}
	io->acquire_ns = t0;

	bio = bio_alloc(r->bdev, nr, read ? REQ_OP_READ : REQ_OP_WRITE | REQ_SYNC | REQ_IDLE,
			GFP_KERNEL);
	bio->bi_iter.bi_sector = io->dev_off >> SECTOR_SHIFT;
	for (i = 0; i < nr; i++) {
		unsigned int len = min_t(unsigned int, left, PAGE_SIZE - off);

		__bio_add_page(bio, io->pages[i], len, off);
		left -= len;
		off = 0;
	}
	bio->bi_end_io = dio_end_io;
	bio->bi_private = io;
	set_bit(slot, r->slot_busy);
	r->inflight++;
	io->submit_ns = ktime_get_ns();
	if (seq == a->warmup_ios)
		r->first_submit_ns = io->submit_ns;
	submit_bio(bio);
	return 0;
}

/* Wait until something completes, or, with nothing in flight, until a deferred release is over. */
static void dio_wait(struct dio_run *r)
{
	struct dio_io *oldest;

	if (r->inflight) {
		for (;;) {
			set_current_state(TASK_UNINTERRUPTIBLE);
			if (!llist_empty(&r->done))
				break;
			io_schedule();
		}
		__set_current_state(TASK_RUNNING);
		return;
	}
	oldest = list_first_entry_or_null(&r->deferred, struct dio_io, node);
	if (oldest)
		wait_for_completion(&oldest->rc.done);
}

static int dio_loop(struct dio_run *r)
{
	struct pinbench_small_dio *a = r->a;
	u64 seq = 0, total = a->warmup_ios + a->ios;
	int ret = 0;

	while (seq < total) {
		unsigned int slot;
		struct dio_io *io;

		dio_reap(r);
		if (dio_settle_local(r))
			dio_reap(r);
		slot = find_first_zero_bit(r->slot_busy, a->queue_depth);
		if (slot >= a->queue_depth) {
			dio_wait(r);
			continue;
		}
		io = list_first_entry_or_null(&r->free, struct dio_io, node);
		if (!io) {
			if (seq >= a->warmup_ios)
				a->stalls++;
			dio_wait(r);
			continue;
		}
		list_del(&io->node);
		ret = dio_submit(r, io, slot, seq++);
		if (ret) {
			list_add(&io->node, &r->free);
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	/* Everything in flight and every deferred release, before anything is freed. */
	while (r->inflight || r->nr_deferred) {
		dio_reap(r);
		if (r->inflight || r->nr_deferred)
			dio_wait(r);
	}
	return ret;
}

long pinbench_small_dio_ioctl(struct pinbench_file *pf, void __user *arg)
{
	struct pinbench_small_dio __user *uarg = arg;
	const size_t hist_bytes = PINBENCH_HIST_BUCKETS * sizeof(u64);
	u64 __user *uhist[H_NR];
	struct pinbench_small_dio a;
	struct dio_run r = { .a = &a };
	struct file *file;
	unsigned int i;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	ret = dio_validate(&a, &r.s);
	if (ret)
		return ret;
	/* A reference for the whole run (struct fd is opaque from 6.12: fget() builds everywhere). */
	file = fget(a.bdev_fd);
	if (!file)
		return -EBADF;
	ret = dio_check_bdev(&a, file, &r.bdev);
	if (ret)
		goto out_fd;

	uhist[H_LAT] = u64_to_user_ptr(a.latency_hist);
	uhist[H_ACQ] = u64_to_user_ptr(a.acquire_hist);
	uhist[H_REL] = u64_to_user_ptr(a.release_hist);
	uhist[H_RES] = u64_to_user_ptr(a.residency_hist);
	uhist[H_SPAN] = u64_to_user_ptr(a.span_hist);
	ret = -ENOMEM;
	r.nr_ios = a.queue_depth * IOS_PER_SLOT;
	r.ios = kvcalloc(r.nr_ios, sizeof(*r.ios), GFP_KERNEL);
	r.slot_busy = bitmap_zalloc(a.queue_depth, GFP_KERNEL);
	r.slot_seq = kvmalloc_array(a.queue_depth, sizeof(u64), GFP_KERNEL);
	for (i = 0; i < H_NR; i++)
		r.hist[i] = kvzalloc(hist_bytes, GFP_KERNEL);
	if (!r.ios || !r.slot_busy || !r.slot_seq || !r.hist[0] || !r.hist[1] || !r.hist[2] ||
	    !r.hist[3] || !r.hist[4])
		goto out_free;
	memset(r.slot_seq, 0xff, a.queue_depth * sizeof(u64));
	INIT_LIST_HEAD(&r.free);
	INIT_LIST_HEAD(&r.deferred);
	init_llist_head(&r.done);
	r.waiter = current;
	for (i = 0; i < r.nr_ios; i++) {
		r.ios[i].run = &r;
		list_add_tail(&r.ios[i].node, &r.free);
	}
	if (a.registration == PINBENCH_REG_PER_BUFFER) {
		unsigned long start = a.addr & PAGE_MASK;
		unsigned long end = PAGE_ALIGN(a.addr + (u64)a.queue_depth * a.block_size);

		ret = pinbench_reg_setup(&r.reg, r.s, start, (end - start) >> PAGE_SHIFT,
					 a.flags, a.registration, 0);
		if (ret)
			goto out_free;
		r.reg_set = true;
	}

	/* (out) fields start from zero whatever the caller left in them. */
	memset((char *)&a + offsetof(struct pinbench_small_dio, latency), 0,
	       offsetof(struct pinbench_small_dio, reserved) -
	       offsetof(struct pinbench_small_dio, latency));
	ret = dio_loop(&r);
	if (r.reg_set)
		pinbench_reg_teardown(&r.reg, r.s);
	if (ret)
		goto out_free;
	a.elapsed_ns = r.last_done_ns - r.first_submit_ns;
	a.revoke_waits = atomic64_read(&r.bio_revokes.waits);
	a.revoke_wait_sum_ns = atomic64_read(&r.bio_revokes.wait_sum_ns);
	a.revoke_wait_max_ns = atomic64_read(&r.bio_revokes.wait_max_ns);
	a.revoke_refused = atomic64_read(&r.bio_revokes.refused_nonblocking);
	a.strategy_caps = pinbench_strategy_caps(r.s, a.registration);

	ret = -EFAULT;
	for (i = 0; i < H_NR; i++)
		if (uhist[i] && copy_to_user(uhist[i], r.hist[i], hist_bytes))
			goto out_free;
	if (a.slot_seqs && copy_to_user(u64_to_user_ptr(a.slot_seqs), r.slot_seq,
					   a.queue_depth * sizeof(u64)))
		goto out_free;
	ret = copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
out_free:
	for (i = 0; i < H_NR; i++)
		kvfree(r.hist[i]);
	kvfree(r.slot_seq);
	bitmap_free(r.slot_busy);
	kvfree(r.ios);
out_fd:
	fput(file);
	return ret;
}
