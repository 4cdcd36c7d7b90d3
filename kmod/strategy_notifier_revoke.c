// SPDX-License-Identifier: GPL-2.0
/* strategy_notifier_revoke.c: FOLL_PIN pins that an mmu_interval_notifier revokes on invalidation (Jérôme Glisse). */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sched/mm.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "pinbench.h"

/*
 * The proposal: a GUP user registers an mmu notifier on what it pinned;
 * when core mm invalidates the range (truncate, munmap, migration...), the
 * driver points its device page table at a dummy page and drops its pins,
 * so core mm never waits on the device.
 *
 * Two ways to register, both measured (PINBENCH_REG_*):
 *  - per I/O, as a short-term user (direct I/O) would have to: one
 *    notifier inserted and removed around every acquire. Removal sleeps
 *    (it waits for a running invalidation), so a release from interrupt
 *    context gives the pages back at once and defers the removal;
 *  - per buffer, as a long-term user (RDMA, GPU) does: one notifier over
 *    the whole buffer at registration; an acquire only joins its list, and
 *    a release, in any context, only leaves it.
 *
 * The "device lock" is the registration's spinlock (or the per-I/O
 * notifier's own): the invalidate callback points entries at the dummy
 * page under it, the DMA engine reads entries under it, so the device
 * never touches a page after its pin is dropped.
 *
 * No kernel from 6.1 to 6.12 has an MMU_NOTIFY_TRUNCATE: truncate arrives
 * as MMU_NOTIFY_CLEAR, like reclaim, migration, KSM, MADV_DONTNEED and THP
 * collapse. Each revocation is recorded by cause (PINBENCH_EVENTS in the
 * uapi header); all but truncate are counted as spurious.
 *
 * An acquire that keeps losing the race against invalidations retries, as
 * hmm_range_fault() users do, until a time budget runs out
 * (PINBENCH_REVOKE_RETRY_MS, HMM_RANGE_DEFAULT_TIMEOUT's value), not for a
 * fixed number of rounds: how many rounds fit before an invalidation comes
 * depends on the machine's speed, and a slow machine must not fail where a
 * fast one passes. Every retry is counted (pin->read_retries) and reported
 * with the figures it belongs to.
 *
 * What the driver does on an invalidation is a policy of the registration
 * (PINBENCH_REVOKE_* in the uapi header), each a variant a reader can
 * compare:
 *  - by default every event revokes, and the device then writes into the
 *    dummy page until the buffer is unregistered ("drop");
 *  - TRUNCATE_UNMAP revokes only on truncate, unmap and release, as the
 *    proposal was written; writeback's write-protect, migration, reclaim's
 *    CLEAR and the rest are counted and pass, the pins staying;
 *  - REACQUIRE queues a worker after a revocation. It pins the range again
 *    once the invalidation is over (mmu_interval_read_begin() sleeps until
 *    then), with the same read_begin / pin / read_retry check as an
 *    acquire, and points the entries back at the pages: what ODP and HMM
 *    drivers do when the device faults on an invalidated range. A write
 *    fault through pin_user_pages_remote() goes through page_mkwrite, so a
 *    page writeback had cleaned is dirty again before the device writes
 *    into it. Unmap and release are not re-pinned: the range is gone.
 *    A worker that gives up (its time budget spent on lost races) leaves
 *    entries it never tried, and a later revocation skips entries already
 *    on the dummy page, so nothing would queue it again: the device's next
 *    access to such an entry does (->device_hole), as an ODP device's
 *    fault would, and waits for it.
 *
 * A pin whose pages a bio targets (pin->bio: small_dio) cannot be revoked:
 * the block device holds the page pointers and cannot be pointed at a
 * dummy page, and unpinning would free pages under DMA (memory-backed
 * null_blk copies at submission and would hide it). The callback then
 * does what a block driver would have to: it waits until the I/O's
 * release has taken the pin off the list, and counts the wait; a
 * non-blockable invalidation (the OOM reaper) is refused instead, as
 * mmu_interval_notifier_ops allows. The 2018 proposal exempted direct
 * I/O from revocation for this reason.
 */

struct revoke_sub {
	struct mmu_interval_notifier mni;
	spinlock_t *lock;		/* the device lock */
	spinlock_t own_lock;		/* it, for a bare per-I/O acquire */
	struct list_head pins;		/* struct pinbench_pin, under *lock */
	struct pinbench_revoke_counts *counts;	/* the registration's, or NULL */
	bool per_io;
	u32 policy;			/* PINBENCH_REVOKE_* (the registration's) */
	unsigned int gup_flags;		/* FOLL_* to pin again with */
	struct work_struct reacquire;	/* REACQUIRE: pins the revoked entries again */
	u64 pending_ns;			/* end of the first revocation not yet served, or 0 */
	/*
	 * The worker gave up with entries it never tried (under the device
	 * lock): the next device access to a revoked entry queues it again.
	 * No later revocation may come to do it (one that finds an entry
	 * already on the dummy page skips it), and nothing else would.
	 */
	bool gave_up;
	bool test_give_up;		/* PINBENCH_REVOKE_TEST_GIVE_UP_ONCE, not yet used */
	wait_queue_head_t bio_wq;	/* woken when a pin a bio targets leaves the list */
};

/*
 * Point pin's entries in [start, end) at the dummy page and unpin them;
 * under the device lock. *revoked: the first page revoked, if none was yet.
 */
static unsigned int revoke_pin_range(struct pinbench_pin *pin, unsigned long start,
				     unsigned long end, struct page **revoked)
{
	unsigned long first = max(start, pin->addr);
	unsigned long last = min(end, pin->addr + ((unsigned long)pin->nr << PAGE_SHIFT));
	unsigned int i, n = 0;

	if (first >= last)
		return 0;
	for (i = (first - pin->addr) >> PAGE_SHIFT; i < (last - pin->addr) >> PAGE_SHIFT; i++) {
		if (pin->pages[i] == pinbench_dummy_page)
			continue;
		if (!*revoked)
			*revoked = pin->pages[i];
		/* Unpinning never sleeps; it may free the page, which irqs-off allows. */
		unpin_user_page(pin->pages[i]);
		WRITE_ONCE(pin->pages[i], pinbench_dummy_page);
		n++;
	}
	return n;
}

/* The first page a pin of sub holds in [start, end), or NULL; under the device lock. */
static struct page *revoke_first_held(struct revoke_sub *sub, unsigned long start,
				      unsigned long end)
{
	struct pinbench_pin *pin;
	unsigned long a;

	list_for_each_entry(pin, &sub->pins, node) {
		unsigned long last = min(end, pin->addr + ((unsigned long)pin->nr << PAGE_SHIFT));

		for (a = max(start, pin->addr); a < last; a += PAGE_SIZE) {
			struct page *page = pin->pages[(a - pin->addr) >> PAGE_SHIFT];

			if (page != pinbench_dummy_page)
				return page;
		}
	}
	return NULL;
}

/* A pin in [start, end) that a bio targets, or NULL; under the device lock. */
static struct pinbench_pin *revoke_bio_pin(struct revoke_sub *sub, unsigned long start,
					   unsigned long end)
{
	struct pinbench_pin *pin;

	list_for_each_entry(pin, &sub->pins, node)
		if (pin->bio && pin->addr < end &&
		    start < pin->addr + ((unsigned long)pin->nr << PAGE_SHIFT))
			return pin;
	return NULL;
}

static bool revoke_bio_gone(struct revoke_sub *sub, unsigned long start, unsigned long end)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(sub->lock, flags);
	gone = !revoke_bio_pin(sub, start, end);
	spin_unlock_irqrestore(sub->lock, flags);
	return gone;
}

/* Wait until no bio targets [start, end) any more; the wait is counted in br. */
static void revoke_wait_bios(struct revoke_sub *sub, struct pinbench_bio_revokes *br,
			     unsigned long start, unsigned long end)
{
	u64 t0 = ktime_get_ns(), dt, max;

	wait_event(sub->bio_wq, revoke_bio_gone(sub, start, end));
	dt = ktime_get_ns() - t0;
	atomic64_inc(&br->waits);
	atomic64_add(dt, &br->wait_sum_ns);
	max = atomic64_read(&br->wait_max_ns);
	while (dt > max && !atomic64_try_cmpxchg(&br->wait_max_ns, &max, dt))
		;
}

/* Does the registration's policy let this cause pass without revoking? */
static bool revoke_policy_passes(u32 policy, enum pinbench_event cause)
{
	if (!(policy & PINBENCH_REVOKE_TRUNCATE_UNMAP))
		return false;
	return cause != PINBENCH_EV_CLEAR_TRUNCATE && cause != PINBENCH_EV_UNMAP &&
	       cause != PINBENCH_EV_RELEASE;
}

static bool revoke_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct revoke_sub *sub = container_of(mni, struct revoke_sub, mni);
	struct pinbench_revoke_counts *c = sub->counts;
	struct page *first = NULL, *held;
	enum pinbench_event cause = PINBENCH_EV_OTHER;
	struct pinbench_pin *pin;
	unsigned long flags;
	unsigned int n = 0;
	u64 t0 = ktime_get_ns(), t1;

	/*
	 * Only a spinlock, and nothing under it sleeps, so this runs the same
	 * whether or not mmu_notifier_range_blockable(range): it never has to
	 * refuse (return false) a non-blocking invalidation, unless a bio
	 * targets the range (see above).
	 */
	spin_lock_irqsave(sub->lock, flags);
	/* Always: an acquire racing any event redoes its pinning. */
	mmu_interval_set_seq(mni, cur_seq);
	pin = revoke_bio_pin(sub, range->start, range->end);
	if (pin) {
		struct pinbench_bio_revokes *br = pin->bio;

		spin_unlock_irqrestore(sub->lock, flags);
		if (!mmu_notifier_range_blockable(range)) {
			atomic64_inc(&br->refused_nonblocking);
			return false;
		}
		revoke_wait_bios(sub, br, range->start, range->end);
		t0 = ktime_get_ns();
		spin_lock_irqsave(sub->lock, flags);
	}
	if (c) {
		c->invalidations++;
		if (!mmu_notifier_range_blockable(range))
			c->nonblocking++;
	}
	held = revoke_first_held(sub, range->start, range->end);
	if (held) {
		cause = pinbench_invalidation_cause(held, range);
		if (revoke_policy_passes(sub->policy, cause)) {
			if (c) {
				c->ignored++;
				c->ignored_events[cause]++;
			}
			goto out;
		}
	}
	list_for_each_entry(pin, &sub->pins, node)
		n += revoke_pin_range(pin, range->start, range->end, &first);
	if (n) {
		/* From entering the callback until every pin in range was dropped. */
		t1 = ktime_get_ns();
		atomic64_inc(&pinbench_revokes);
		if (c) {
			c->revocations++;
			c->pages_revoked += n;
			c->events[cause]++;
			if (cause != PINBENCH_EV_CLEAR_TRUNCATE)
				c->spurious++;
			if (!c->first_ns)
				c->first_ns = t0;
			c->last_ns = t1;
			c->callback_max_ns = max(c->callback_max_ns, t1 - t0);
			c->callback_sum_ns += t1 - t0;
		}
		if ((sub->policy & PINBENCH_REVOKE_REACQUIRE) && cause != PINBENCH_EV_UNMAP &&
		    cause != PINBENCH_EV_RELEASE) {
			if (!sub->pending_ns) {
				sub->pending_ns = t1;
				c->reacquire_pending++;
			}
			pinbench_queue_other(&sub->reacquire);
		}
	}
out:
	spin_unlock_irqrestore(sub->lock, flags);
	return true;
}

/* At most this many pages per pin call of the reacquire worker. */
#define REACQUIRE_BATCH 64u

/*
 * The first run of revoked entries at or after cursor, within one pin and
 * at most REACQUIRE_BATCH long: its address in *addr, its length returned
 * (0: none). Under the device lock.
 */
static unsigned int revoke_next_hole(struct revoke_sub *sub, unsigned long cursor,
				     unsigned long *addr)
{
	struct pinbench_pin *pin;
	unsigned int i, n;

	list_for_each_entry(pin, &sub->pins, node) {
		unsigned long end = pin->addr + ((unsigned long)pin->nr << PAGE_SHIFT);

		if (end <= cursor)
			continue;
		i = cursor > pin->addr ? (cursor - pin->addr) >> PAGE_SHIFT : 0;
		for (; i < pin->nr; i++) {
			if (pin->pages[i] != pinbench_dummy_page)
				continue;
			*addr = pin->addr + ((unsigned long)i << PAGE_SHIFT);
			for (n = 1; n < REACQUIRE_BATCH && i + n < pin->nr &&
				    pin->pages[i + n] == pinbench_dummy_page; n++)
				;
			return n;
		}
	}
	return 0;
}

/*
 * Point the revoked entries for [addr, addr + n pages) back at pages[];
 * each page installed becomes NULL in pages[], the others are the
 * caller's to unpin (their pin was released meanwhile). Under the device
 * lock. Returns how many were installed.
 */
static unsigned int revoke_fill_hole(struct revoke_sub *sub, unsigned long addr,
				     struct page **pages, unsigned int n)
{
	struct pinbench_pin *pin;
	unsigned int k, installed = 0;

	list_for_each_entry(pin, &sub->pins, node) {
		unsigned long end = pin->addr + ((unsigned long)pin->nr << PAGE_SHIFT);

		for (k = 0; k < n; k++) {
			unsigned long a = addr + ((unsigned long)k << PAGE_SHIFT);
			unsigned int i = (a - pin->addr) >> PAGE_SHIFT;

			if (!pages[k] || a < pin->addr || a >= end ||
			    pin->pages[i] != pinbench_dummy_page)
				continue;
			WRITE_ONCE(pin->pages[i], pages[k]);
			pages[k] = NULL;
			installed++;
		}
	}
	return installed;
}

static void revoke_reacquire_work(struct work_struct *work)
{
	struct revoke_sub *sub = container_of(work, struct revoke_sub, reacquire);
	struct pinbench_revoke_counts *c = sub->counts;
	struct mm_struct *mm = sub->mni.mm;
	unsigned long deadline = jiffies + msecs_to_jiffies(PINBENCH_REVOKE_RETRY_MS);
	unsigned long cursor = 0, addr, flags, seq;
	struct page *pages[REACQUIRE_BATCH];
	u64 pin_ns = 0, t0, t1;
	bool gave_up = false;
	unsigned int nr, k;
	long n;

	/* The address space is going away: nothing to fault back in. */
	if (!mmget_not_zero(mm))
		goto out;
	for (;;) {
		seq = mmu_interval_read_begin(&sub->mni);	/* sleeps out a running invalidation */
		spin_lock_irqsave(sub->lock, flags);
		nr = revoke_next_hole(sub, cursor, &addr);
		spin_unlock_irqrestore(sub->lock, flags);
		if (!nr)
			break;
		if (sub->test_give_up) {
			sub->test_give_up = false;
			gave_up = true;
			break;
		}
		/* The cost of pinning again: the pin call, faults and mmap_lock included. */
		t0 = ktime_get_ns();
		mmap_read_lock(mm);
		n = pinbench_pin_user_pages_remote(mm, addr, nr, sub->gup_flags, pages);
		mmap_read_unlock(mm);
		pin_ns += ktime_get_ns() - t0;
		spin_lock_irqsave(sub->lock, flags);
		if (n > 0 && mmu_interval_read_retry(&sub->mni, seq)) {
			c->reacquire_retries++;
			spin_unlock_irqrestore(sub->lock, flags);
			unpin_user_pages(pages, n);
			if (time_after(jiffies, deadline) || fatal_signal_pending(current)) {
				/* The entries from cursor on are untried: a device access re-arms us. */
				gave_up = true;
				break;
			}
			continue;
		}
		if (n > 0) {
			c->reacquires++;
			c->pages_reacquired += revoke_fill_hole(sub, addr, pages, n);
		}
		/* A page that cannot be pinned (past the end of the file) stays revoked. */
		if (n < (long)nr) {
			c->reacquire_failed++;
			cursor = addr + ((unsigned long)(max(n, 0L) + 1) << PAGE_SHIFT);
		} else {
			cursor = addr + ((unsigned long)n << PAGE_SHIFT);
		}
		spin_unlock_irqrestore(sub->lock, flags);
		for (k = 0; n > 0 && k < n; k++)
			if (pages[k])
				unpin_user_page(pages[k]);
	}
	mmput(mm);
out:
	spin_lock_irqsave(sub->lock, flags);
	t1 = ktime_get_ns();
	sub->gave_up = gave_up;
	c->reacquire_work_ns += pin_ns;
	if (sub->pending_ns) {
		c->reacquire_wait_max_ns = max(c->reacquire_wait_max_ns, t1 - sub->pending_ns);
		c->reacquire_wait_sum_ns += t1 - sub->pending_ns;
		sub->pending_ns = 0;
		c->reacquire_pending--;
	}
	spin_unlock_irqrestore(sub->lock, flags);
}

/*
 * The device met a revoked entry of pin (under the device lock). After a
 * worker that gave up, nothing else would ever pin it again: queue the
 * worker, as a device fault would, and hold the device's accesses until
 * it is done (reacquire_pending). Entries the worker tried and could not
 * pin (past the end of the file) do not re-arm it: it finished, it did
 * not give up.
 */
static void notifier_revoke_device_hole(struct pinbench_pin *pin)
{
	struct revoke_sub *sub = pin->priv;

	if (!sub || !(sub->policy & PINBENCH_REVOKE_REACQUIRE) || !sub->gave_up)
		return;
	sub->gave_up = false;
	sub->counts->reacquire_rearms++;
	if (!sub->pending_ns) {
		sub->pending_ns = ktime_get_ns();
		sub->counts->reacquire_pending++;
	}
	pinbench_queue_other(&sub->reacquire);
}

static const struct mmu_interval_notifier_ops revoke_ops = {
	.invalidate = revoke_invalidate,
};

/* pin and t: for a breakdown of a per-I/O acquire (pin may be NULL). */
static struct revoke_sub *revoke_sub_create(struct pinbench_pin *pin, struct pinbench_reg *reg,
					    unsigned long addr, unsigned long len, bool per_io,
					    u64 *t)
{
	struct revoke_sub *sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	int ret;

	if (!sub)
		return ERR_PTR(-ENOMEM);
	if (pin)
		pinbench_bd_mark(pin, PINBENCH_PART_ALLOC, t);
	spin_lock_init(&sub->own_lock);
	sub->lock = reg ? &reg->lock : &sub->own_lock;
	sub->counts = reg ? &reg->rc : NULL;
	sub->per_io = per_io;
	/* A policy needs the registration's counts; a bare acquire has the default. */
	sub->policy = reg ? reg->revoke : 0;
	sub->test_give_up = sub->policy & PINBENCH_REVOKE_TEST_GIVE_UP_ONCE;
	if (reg && (reg->flags & PINBENCH_PIN_WRITE))
		sub->gup_flags |= FOLL_WRITE;
	if (reg && (reg->flags & PINBENCH_PIN_LONGTERM))
		sub->gup_flags |= FOLL_LONGTERM;
	INIT_WORK(&sub->reacquire, revoke_reacquire_work);
	init_waitqueue_head(&sub->bio_wq);
	INIT_LIST_HEAD(&sub->pins);
	ret = mmu_interval_notifier_insert(&sub->mni, current->mm, addr, len, &revoke_ops);
	if (ret) {
		kfree(sub);
		return ERR_PTR(ret);
	}
	if (pin)
		pinbench_bd_mark(pin, PINBENCH_PART_NOTIFIER_INSERT, t);
	atomic64_inc(&pinbench_notifiers);
	return sub;
}

/* Sleeps until any running invalidation is done; none runs after it. */
static void revoke_sub_destroy(struct revoke_sub *sub, struct pinbench_pin *pin, u64 *t)
{
	pinbench_may_sleep("mmu_interval_notifier_remove()");
	mmu_interval_notifier_remove(&sub->mni);
	/* No callback runs any more, so nothing queues it again. */
	if (sub->policy & PINBENCH_REVOKE_REACQUIRE) {
		cancel_work_sync(&sub->reacquire);
		if (sub->pending_ns) {	/* cancelled before it ran */
			spin_lock_irq(sub->lock);
			sub->counts->reacquire_pending--;
			spin_unlock_irq(sub->lock);
		}
	}
	if (pin)
		pinbench_bd_mark(pin, PINBENCH_PART_NOTIFIER_REMOVE, t);
	WARN_ON_ONCE(!list_empty(&sub->pins));
	kfree(sub);
	atomic64_dec(&pinbench_notifiers);
	if (pin)
		pinbench_bd_mark(pin, PINBENCH_PART_FREE, t);
}

static long notifier_revoke_acquire(struct pinbench_pin *pin, unsigned long addr,
				    unsigned int nr_pages)
{
	struct pinbench_reg *reg = pin->reg;
	bool per_io = !reg || reg->registration == PINBENCH_REG_PER_IO;
	unsigned long seq, flags, deadline = 0;
	unsigned int gup_flags = 0;
	struct revoke_sub *sub;
	u64 t = pinbench_bd_start(pin);
	long n, ret;

	if (pin->flags & PINBENCH_PIN_WRITE)
		gup_flags |= FOLL_WRITE;
	if (pin->flags & PINBENCH_PIN_LONGTERM)
		gup_flags |= FOLL_LONGTERM;

	if (per_io) {
		sub = revoke_sub_create(pin, reg, addr, (unsigned long)nr_pages << PAGE_SHIFT, true, &t);
		if (IS_ERR(sub))
			return PTR_ERR(sub);
	} else {
		sub = reg->priv;
	}
	/*
	 * The canonical pattern (Documentation/mm/hmm.rst): pin, then confirm
	 * under the device lock that no invalidation ran meanwhile.
	 */
	for (;;) {
		seq = mmu_interval_read_begin(&sub->mni);
		n = pin_user_pages_fast(addr, nr_pages, gup_flags, pin->pages);
		if (n <= 0) {
			ret = n ? n : -EFAULT;
			goto fail;
		}
		spin_lock_irqsave(sub->lock, flags);
		if (!mmu_interval_read_retry(&sub->mni, seq))
			break;
		spin_unlock_irqrestore(sub->lock, flags);
		unpin_user_pages(pin->pages, n);
		/* The retry path only: the clock is read here, never on a first success. */
		pin->extra_foll_pins += n;
		pin->read_retries++;
		if (!deadline)
			deadline = jiffies + msecs_to_jiffies(PINBENCH_REVOKE_RETRY_MS);
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto fail;
		}
		if (time_after(jiffies, deadline)) {
			ret = -EAGAIN;
			goto fail;
		}
	}
	pin->addr = addr;
	pin->nr = n;
	pin->priv = sub;
	list_add_tail(&pin->node, &sub->pins);
	spin_unlock_irqrestore(sub->lock, flags);
	pinbench_bd_mark(pin, PINBENCH_PART_GUP, &t);
	return n;

fail:
	if (per_io)
		revoke_sub_destroy(sub, NULL, NULL);
	return ret;
}

/*
 * Leave the notifier's list, then give back what was not revoked. Any
 * context, except with PINBENCH_PIN_DIRTY (set_page_dirty_lock() takes the
 * page lock), which the core only releases where it may sleep.
 */
static void revoke_unlink_unpin(struct pinbench_pin *pin)
{
	bool dirty = pin->flags & PINBENCH_PIN_DIRTY, wake;
	struct revoke_sub *sub = pin->priv;
	unsigned int i, start = 0;
	unsigned long flags;

	spin_lock_irqsave(sub->lock, flags);
	list_del(&pin->node);
	/*
	 * A revocation may be waiting for this I/O's pages. It joined the
	 * queue before it took the device lock to look at the list, so under
	 * the lock the plain check sees it: no barrier on the release path.
	 */
	wake = pin->bio && waitqueue_active(&sub->bio_wq);
	spin_unlock_irqrestore(sub->lock, flags);
	if (wake)
		wake_up(&sub->bio_wq);	/* irq-safe */
	/* Off the list, no invalidation can touch pages[] any more. */
	for (i = 0; i <= pin->nr; i++) {
		if (i < pin->nr && pin->pages[i] != pinbench_dummy_page)
			continue;
		if (i > start)
			unpin_user_pages_dirty_lock(pin->pages + start, i - start, dirty);
		start = i + 1;
	}
}

static void notifier_revoke_release(struct pinbench_pin *pin)
{
	struct revoke_sub *sub = pin->priv;
	u64 t;

	if (!sub)
		return;
	t = pinbench_bd_start(pin);
	revoke_unlink_unpin(pin);
	pinbench_bd_mark(pin, PINBENCH_PART_PUT, &t);
	if (sub->per_io)
		revoke_sub_destroy(sub, pin, &t);
	pin->priv = NULL;
	pin->nr = 0;
}

static void revoke_remove_work(struct work_struct *work)
{
	struct pinbench_pin *pin = container_of(work, struct pinbench_pin, work);
	u64 t0 = ktime_get_ns();

	revoke_sub_destroy(pin->priv, NULL, NULL);
	if (pin->rc)
		atomic64_add(ktime_get_ns() - t0, &pin->rc->work_ns);
	pin->priv = NULL;
	pinbench_pin_done(pin);
}

/*
 * From hardirq: the pages go back at once (unpinning is atomic-safe);
 * only a per-I/O notifier's removal, which sleeps, is deferred.
 */
static void notifier_revoke_release_atomic(struct pinbench_pin *pin)
{
	struct revoke_sub *sub = pin->priv;

	revoke_unlink_unpin(pin);
	pin->nr = 0;
	pinbench_pin_released(pin);
	if (sub->per_io) {
		pinbench_queue_work(pin, revoke_remove_work);
	} else {
		pin->priv = NULL;
		pinbench_pin_done(pin);
	}
}

static int notifier_revoke_reg_init(struct pinbench_reg *reg)
{
	struct revoke_sub *sub = revoke_sub_create(NULL, reg, reg->addr,
						   reg->nr_pages << PAGE_SHIFT, false, NULL);

	if (IS_ERR(sub))
		return PTR_ERR(sub);
	reg->priv = sub;
	return 0;
}

static void notifier_revoke_reg_fini(struct pinbench_reg *reg)
{
	revoke_sub_destroy(reg->priv, NULL, NULL);
	reg->priv = NULL;
}

/* Pinned, or revoked (then pointing at the dummy page). */
static bool notifier_revoke_holds(struct pinbench_pin *pin, unsigned int i)
{
	struct revoke_sub *sub = pin->priv;
	struct page *page;
	unsigned long flags;
	bool held;

	spin_lock_irqsave(sub->lock, flags);
	page = pin->pages[i];
	held = page == pinbench_dummy_page || is_zero_page(page) || folio_maybe_dma_pinned(page_folio(page));
	spin_unlock_irqrestore(sub->lock, flags);
	return held;
}

const struct pinbench_strategy pinbench_notifier_revoke = {
	.name = "notifier_revoke",
	.id = PINBENCH_STRATEGY_NOTIFIER_REVOKE,
	/*
	 * DIRTY: a release dirties the pages it still holds (the core defers a
	 * dirtying release out of atomic context). A revoked page is not
	 * dirtied: the callback cannot take the page lock, and the page has
	 * left the file (truncate) or is being written back (write-protect).
	 */
	.supported_flags = PINBENCH_PIN_WRITE | PINBENCH_PIN_LONGTERM | PINBENCH_PIN_DIRTY,
	/*
	 * Lockless pinning; a per-I/O release in hardirq gives the pages back
	 * but defers mmu_interval_notifier_remove(), which sleeps, so
	 * RELEASE_ATOMIC is not claimed (release_atomic does the split).
	 */
	.caps = PINBENCH_CAP_LOCKLESS | PINBENCH_CAP_REVOKE | PINBENCH_CAP_REGISTRATION |
		PINBENCH_CAP_RELEASE_PAGES_ATOMIC | PINBENCH_CAP_BREAKDOWN,
	/* Per buffer, a release only leaves a list under the device lock. */
	.caps_per_buffer = PINBENCH_CAP_RELEASE_ATOMIC,
	.foll_pin = true,
	.acquire = notifier_revoke_acquire,
	.release = notifier_revoke_release,
	.holds = notifier_revoke_holds,
	.device_hole = notifier_revoke_device_hole,
	.reg_init = notifier_revoke_reg_init,
	.reg_fini = notifier_revoke_reg_fini,
	.release_atomic = notifier_revoke_release_atomic,
};
