// SPDX-License-Identifier: GPL-2.0
/* strategy_hmm_mirror.c: a device that faults instead of pinning (hmm_range_fault() under an mmu_interval_notifier). */
#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "pinbench.h"

/*
 * What the revoke idea of 2018 became: drivers that pin nothing. They
 * mirror the address space into the device's page table with
 * hmm_range_fault() under an mmu_interval_notifier (lib/test_hmm.c's
 * dmirror, RDMA ODP, amdgpu and nouveau userptr), drop entries when the
 * notifier says the range changes, and fault them back in when the device
 * touches them again.
 *
 * Acquire snapshots the range with the canonical loop of
 * Documentation/mm/hmm.rst: mmu_interval_read_begin(), hmm_range_fault()
 * under mmap_read_lock (it faults what is missing, write faults included,
 * so a file page goes through ->page_mkwrite and is dirty before the
 * device writes it), then the device lock and mmu_interval_read_retry();
 * a lost race is redone, for at most PINBENCH_REVOKE_RETRY_MS, as
 * notifier_revoke does and HMM_RANGE_DEFAULT_TIMEOUT says. It takes no
 * reference and no pin: the entries are what keep the device honest, and
 * a page is the device's only while its entry holds it, under the device
 * lock (the registration's spinlock, or the per-I/O notifier's own).
 *
 * The invalidate callback sets every entry in the range to NULL under the
 * device lock, whatever the event: holding no reference, a mirror cannot
 * let any invalidation pass (there is no revoke policy to choose). A
 * device access that meets a NULL entry is a device page fault
 * (->device_fault, from the device's access path in any context): the
 * access waits, a worker calls hmm_range_fault() on the missing entries,
 * the entries get their pages back and the access replays. An address
 * that no longer has a page (truncated past, unmapped, or made read-only
 * for a write) cannot be faulted: its entry becomes the dummy page, and
 * what the device then writes there goes nowhere and is counted (the
 * device's "redirected" fate). The next invalidation over it makes it
 * fault again.
 *
 * Registration, as notifier_revoke's: per I/O, a notifier inserted and
 * removed around every acquire (removal sleeps: from hardirq the entries
 * go at once and the removal is deferred); per buffer, one notifier over
 * the whole buffer, and an acquire or release only joins or leaves its
 * list (any context).
 *
 * What it cannot do, by construction: back a bio (a block device cannot
 * fault; small_dio refuses it), take FOLL_LONGTERM (there is no pin to
 * migrate for), or dirty pages at release (it holds none; its write
 * faults dirtied them).
 */

struct mirror_sub {
	struct mmu_interval_notifier mni;
	spinlock_t *lock;		/* the device lock */
	spinlock_t own_lock;		/* it, for a bare per-I/O acquire */
	struct list_head pins;		/* struct pinbench_pin, under *lock */
	struct pinbench_revoke_counts *counts;	/* the registration's, or NULL */
	bool per_io;
	bool write;			/* fault for writing (PINBENCH_PIN_WRITE) */
	/* The device's page faults: served by this worker, one at a time. */
	struct work_struct fault;
	bool fault_queued;		/* under *lock */
	u64 fault_ns;			/* when the fault being served was raised */
};

/* Acquire builds hmm_range_fault()'s pfn array in pin->pages, then converts it in place. */
static_assert(sizeof(struct page *) == sizeof(unsigned long));

/* At most this many pages per hmm_range_fault() call of the fault worker. */
#define MIRROR_FAULT_BATCH 64u

static unsigned long pin_end(const struct pinbench_pin *pin)
{
	return pin->addr + ((unsigned long)pin->nr << PAGE_SHIFT);
}

/*
 * Drop pin's entries in [start, end) (a dead entry is armed to fault
 * again); under the device lock. Returns how many pages were dropped;
 * *first: the first of them, if none was yet.
 */
static unsigned int mirror_clear_range(struct pinbench_pin *pin, unsigned long start,
				       unsigned long end, struct page **first)
{
	unsigned long lo = max(start, pin->addr), hi = min(end, pin_end(pin));
	unsigned int i, n = 0;

	if (lo >= hi)
		return 0;
	for (i = (lo - pin->addr) >> PAGE_SHIFT; i < (hi - pin->addr) >> PAGE_SHIFT; i++) {
		struct page *page = pin->pages[i];

		if (!page)
			continue;
		if (page != pinbench_dummy_page) {
			if (!*first)
				*first = page;
			n++;
		}
		WRITE_ONCE(pin->pages[i], NULL);
	}
	return n;
}

static bool mirror_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct mirror_sub *sub = container_of(mni, struct mirror_sub, mni);
	struct pinbench_revoke_counts *c = sub->counts;
	struct page *first = NULL;
	struct pinbench_pin *pin;
	enum pinbench_event cause;
	unsigned long flags;
	unsigned int n = 0;
	u64 t0 = ktime_get_ns(), t1;

	/* A spinlock and nothing that sleeps: the same for a non-blocking invalidation. */
	spin_lock_irqsave(sub->lock, flags);
	mmu_interval_set_seq(mni, cur_seq);
	if (c) {
		c->invalidations++;
		if (!mmu_notifier_range_blockable(range))
			c->nonblocking++;
	}
	list_for_each_entry(pin, &sub->pins, node)
		n += mirror_clear_range(pin, range->start, range->end, &first);
	if (n) {
		/* first is still mapped: the callback runs before the page table entry goes. */
		cause = pinbench_invalidation_cause(first, range);
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
	}
	spin_unlock_irqrestore(sub->lock, flags);
	return true;
}

static const struct mmu_interval_notifier_ops mirror_ops = {
	.invalidate = mirror_invalidate,
};

/*
 * The first run of missing entries at or after cursor, within one pin and
 * at most max long: its address in *addr, its length returned (0: none).
 * Under the device lock.
 */
static unsigned int mirror_next_hole(struct mirror_sub *sub, unsigned long cursor,
				     unsigned int max, unsigned long *addr)
{
	struct pinbench_pin *pin;
	unsigned int i, n;

	list_for_each_entry(pin, &sub->pins, node) {
		if (pin_end(pin) <= cursor)
			continue;
		i = cursor > pin->addr ? (cursor - pin->addr) >> PAGE_SHIFT : 0;
		for (; i < pin->nr; i++) {
			if (pin->pages[i])
				continue;
			*addr = pin->addr + ((unsigned long)i << PAGE_SHIFT);
			for (n = 1; n < max && i + n < pin->nr && !pin->pages[i + n]; n++)
				;
			return n;
		}
	}
	return 0;
}

/*
 * Give the missing entries of [addr, addr + n pages) their pages (pfns
 * from hmm_range_fault(), or NULL: the dummy page, for an address that has
 * none). Under the device lock, after mmu_interval_read_retry(). Returns
 * how many got a page.
 */
static unsigned int mirror_fill(struct mirror_sub *sub, unsigned long addr,
				const unsigned long *pfns, unsigned int n)
{
	struct pinbench_pin *pin;
	unsigned int k, filled = 0;

	list_for_each_entry(pin, &sub->pins, node) {
		for (k = 0; k < n; k++) {
			unsigned long a = addr + ((unsigned long)k << PAGE_SHIFT);
			unsigned int i = (a - pin->addr) >> PAGE_SHIFT;

			if (a < pin->addr || a >= pin_end(pin) || pin->pages[i])
				continue;
			WRITE_ONCE(pin->pages[i], pfns ? hmm_pfn_to_page(pfns[k]) : pinbench_dummy_page);
			filled += !!pfns;
		}
	}
	return filled;
}

/*
 * Serve the device's page faults: every missing entry, in batches, until
 * none is left. A batch that cannot be faulted is redone a page at a time,
 * so that only the addresses without a page become dead.
 */
static void mirror_fault_work(struct work_struct *work)
{
	struct mirror_sub *sub = container_of(work, struct mirror_sub, fault);
	struct pinbench_revoke_counts *c = sub->counts;
	struct mm_struct *mm = sub->mni.mm;
	unsigned long pfns[MIRROR_FAULT_BATCH];
	struct hmm_range range = {
		.notifier = &sub->mni,
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT | (sub->write ? HMM_PFN_REQ_WRITE : 0),
	};
	unsigned long deadline = jiffies + msecs_to_jiffies(PINBENCH_REVOKE_RETRY_MS);
	unsigned long cursor = 0, single_until = 0, addr, flags;
	u64 work_ns = 0, t0, t1;
	bool alive = mmget_not_zero(mm);
	unsigned int nr;
	int ret;

	for (;;) {
		spin_lock_irqsave(sub->lock, flags);
		nr = mirror_next_hole(sub, cursor, cursor < single_until ? 1 : MIRROR_FAULT_BATCH,
				      &addr);
		if (nr && !alive) {
			/* The address space is gone: nothing can be faulted in. */
			c->reacquire_failed += nr;
			mirror_fill(sub, addr, NULL, nr);
			cursor = addr + ((unsigned long)nr << PAGE_SHIFT);
			spin_unlock_irqrestore(sub->lock, flags);
			continue;
		}
		spin_unlock_irqrestore(sub->lock, flags);
		if (!nr)
			break;
		range.start = addr;
		range.end = addr + ((unsigned long)nr << PAGE_SHIFT);
		range.notifier_seq = mmu_interval_read_begin(&sub->mni);
		/* The cost of the fault: mmap_lock, the walk and the faults it takes. */
		t0 = ktime_get_ns();
		mmap_read_lock(mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mm);
		work_ns += ktime_get_ns() - t0;
		spin_lock_irqsave(sub->lock, flags);
		if (ret == -EBUSY || (!ret && mmu_interval_read_retry(&sub->mni, range.notifier_seq))) {
			c->reacquire_retries++;
			spin_unlock_irqrestore(sub->lock, flags);
			if (time_after(jiffies, deadline) || fatal_signal_pending(current))
				break;	/* the next access faults again */
			continue;
		}
		if (!ret) {
			c->reacquires++;
			c->pages_reacquired += mirror_fill(sub, addr, pfns, nr);
			cursor = range.end;
		} else if (nr > 1) {
			single_until = range.end;	/* find which of them has no page */
		} else {
			c->reacquire_failed++;
			mirror_fill(sub, addr, NULL, 1);
			cursor = range.end;
		}
		spin_unlock_irqrestore(sub->lock, flags);
	}
	if (alive)
		mmput(mm);
	spin_lock_irqsave(sub->lock, flags);
	t1 = ktime_get_ns();
	c->reacquire_work_ns += work_ns;
	c->reacquire_wait_max_ns = max(c->reacquire_wait_max_ns, t1 - sub->fault_ns);
	c->reacquire_wait_sum_ns += t1 - sub->fault_ns;
	c->reacquire_pending--;
	sub->fault_queued = false;
	spin_unlock_irqrestore(sub->lock, flags);
}

/* The device met a missing entry of pin: under the device lock, any context. */
static void hmm_mirror_device_fault(struct pinbench_pin *pin)
{
	struct mirror_sub *sub = pin->priv;
	struct pinbench_revoke_counts *c = sub->counts;

	/* Only a registration's pins reach a device, and they count there. */
	if (WARN_ON_ONCE(!c) || sub->fault_queued)
		return;
	sub->fault_queued = true;
	sub->fault_ns = ktime_get_ns();
	c->device_faults++;
	c->reacquire_pending++;
	pinbench_queue_other(&sub->fault);
}

static struct mirror_sub *mirror_sub_create(struct pinbench_reg *reg, unsigned long addr,
					    unsigned long len, bool per_io, bool write)
{
	struct mirror_sub *sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	int ret;

	if (!sub)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&sub->own_lock);
	sub->lock = reg ? &reg->lock : &sub->own_lock;
	sub->counts = reg ? &reg->rc : NULL;
	sub->per_io = per_io;
	sub->write = write;
	INIT_WORK(&sub->fault, mirror_fault_work);
	INIT_LIST_HEAD(&sub->pins);
	ret = mmu_interval_notifier_insert(&sub->mni, current->mm, addr, len, &mirror_ops);
	if (ret) {
		kfree(sub);
		return ERR_PTR(ret);
	}
	atomic64_inc(&pinbench_notifiers);
	return sub;
}

/* Sleeps: the fault worker finishes, then any running invalidation; none runs after. */
static void mirror_sub_destroy(struct mirror_sub *sub)
{
	pinbench_may_sleep("mmu_interval_notifier_remove()");
	/* Its pins are off the list, so no device access queues it again. */
	if (cancel_work_sync(&sub->fault)) {
		spin_lock_irq(sub->lock);
		sub->counts->reacquire_pending--;	/* cancelled before it ran */
		spin_unlock_irq(sub->lock);
	}
	mmu_interval_notifier_remove(&sub->mni);
	WARN_ON_ONCE(!list_empty(&sub->pins));
	kfree(sub);
	atomic64_dec(&pinbench_notifiers);
}

static long hmm_mirror_acquire(struct pinbench_pin *pin, unsigned long addr,
			       unsigned int nr_pages)
{
	struct pinbench_reg *reg = pin->reg;
	bool per_io = !reg || reg->registration == PINBENCH_REG_PER_IO;
	unsigned long *pfns = (unsigned long *)pin->pages;
	struct hmm_range range = {
		.start = addr,
		.end = addr + ((unsigned long)nr_pages << PAGE_SHIFT),
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT |
				 (pin->flags & PINBENCH_PIN_WRITE ? HMM_PFN_REQ_WRITE : 0),
	};
	struct mm_struct *mm = current->mm;
	unsigned long flags, deadline = 0;
	struct mirror_sub *sub;
	unsigned int i;
	long ret;

	if (per_io) {
		sub = mirror_sub_create(reg, addr, range.end - addr, true,
					pin->flags & PINBENCH_PIN_WRITE);
		if (IS_ERR(sub))
			return PTR_ERR(sub);
	} else {
		sub = reg->priv;
	}
	range.notifier = &sub->mni;
	for (;;) {
		range.notifier_seq = mmu_interval_read_begin(&sub->mni);
		if (mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			goto fail;
		}
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mm);
		if (!ret) {
			spin_lock_irqsave(sub->lock, flags);
			if (!mmu_interval_read_retry(&sub->mni, range.notifier_seq))
				break;
			spin_unlock_irqrestore(sub->lock, flags);
		} else if (ret != -EBUSY) {
			/* A write to a read-only mapping is EPERM here, EFAULT from GUP: say it as GUP does. */
			if (ret == -EPERM)
				ret = -EFAULT;
			goto fail;
		}
		/* The retry path only: the clock is read here, never on a first success. */
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
	/* The snapshot is valid until the next invalidation, which needs the lock we hold. */
	for (i = 0; i < nr_pages; i++)
		pin->pages[i] = hmm_pfn_to_page(pfns[i]);
	pin->addr = addr;
	pin->nr = nr_pages;
	pin->priv = sub;
	list_add_tail(&pin->node, &sub->pins);
	spin_unlock_irqrestore(sub->lock, flags);
	return nr_pages;

fail:
	if (per_io)
		mirror_sub_destroy(sub);
	return ret;
}

/* Leave the notifier's list: from then on no invalidation or fault touches pages[]. */
static void mirror_unlink(struct pinbench_pin *pin)
{
	struct mirror_sub *sub = pin->priv;
	unsigned long flags;

	spin_lock_irqsave(sub->lock, flags);
	list_del(&pin->node);
	spin_unlock_irqrestore(sub->lock, flags);
}

static void hmm_mirror_release(struct pinbench_pin *pin)
{
	struct mirror_sub *sub = pin->priv;

	if (!sub)
		return;
	mirror_unlink(pin);
	if (sub->per_io)
		mirror_sub_destroy(sub);
	pin->priv = NULL;
	pin->nr = 0;
}

static void mirror_remove_work(struct work_struct *work)
{
	struct pinbench_pin *pin = container_of(work, struct pinbench_pin, work);
	u64 t0 = ktime_get_ns();

	mirror_sub_destroy(pin->priv);
	if (pin->rc)
		atomic64_add(ktime_get_ns() - t0, &pin->rc->work_ns);
	pin->priv = NULL;
	pinbench_pin_done(pin);
}

/* From hardirq: the entries go at once (there are no pages to give back); a per-I/O notifier's removal is deferred. */
static void hmm_mirror_release_atomic(struct pinbench_pin *pin)
{
	struct mirror_sub *sub = pin->priv;

	mirror_unlink(pin);
	pin->nr = 0;
	pinbench_pin_released(pin);
	if (sub->per_io) {
		pinbench_queue_work(pin, mirror_remove_work);
	} else {
		pin->priv = NULL;
		pinbench_pin_done(pin);
	}
}

static int hmm_mirror_reg_init(struct pinbench_reg *reg)
{
	struct mirror_sub *sub = mirror_sub_create(reg, reg->addr, reg->nr_pages << PAGE_SHIFT,
						   false, reg->flags & PINBENCH_PIN_WRITE);

	if (IS_ERR(sub))
		return PTR_ERR(sub);
	reg->priv = sub;
	return 0;
}

static void hmm_mirror_reg_fini(struct pinbench_reg *reg)
{
	mirror_sub_destroy(reg->priv);
	reg->priv = NULL;
}

const struct pinbench_strategy pinbench_hmm_mirror = {
	.name = "hmm_mirror",
	.id = PINBENCH_STRATEGY_HMM_MIRROR,
	/* No LONGTERM (nothing is pinned, so nothing migrates first), no DIRTY (nothing held). */
	.supported_flags = PINBENCH_PIN_WRITE,
	/*
	 * hmm_range_fault() needs mmap_lock: no lockless path. A per-I/O
	 * release in hardirq drops the entries but defers the notifier's
	 * removal, which sleeps; per buffer, a release only leaves a list.
	 */
	.caps = PINBENCH_CAP_REGISTRATION | PINBENCH_CAP_RELEASE_PAGES_ATOMIC,
	.caps_per_buffer = PINBENCH_CAP_RELEASE_ATOMIC,
	.acquire = hmm_mirror_acquire,
	.release = hmm_mirror_release,
	.reg_init = hmm_mirror_reg_init,
	.reg_fini = hmm_mirror_reg_fini,
	.release_atomic = hmm_mirror_release_atomic,
	.device_fault = hmm_mirror_device_fault,
};
