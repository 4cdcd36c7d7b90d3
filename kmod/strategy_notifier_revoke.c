// SPDX-License-Identifier: GPL-2.0
/* strategy_notifier_revoke.c: FOLL_PIN pins that an mmu_interval_notifier revokes on invalidation (Jérôme Glisse). */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "pinbench.h"

/*
 * The proposal: a GUP user registers an mmu notifier on what it pinned;
 * when core mm invalidates the range (truncate, munmap, migration...), the
 * driver stops the device using those pages and drops its pins, so core
 * mm never waits on the device. Here a notifier is registered per acquire,
 * as a short-term user (direct I/O) would have to: what that costs per I/O
 * is what the proposal's exemption of direct I/O is about. Registration
 * once per long-lived buffer comes with the simulated device.
 *
 * Linux 6.1 has no MMU_NOTIFY_TRUNCATE: truncate arrives as
 * MMU_NOTIFY_CLEAR, like reclaim, migration, KSM and THP collapse; the
 * truncate workload will tell them apart by range->event.
 */
#define MAX_READ_RETRIES 16

struct revoke_track {
	struct mmu_interval_notifier mni;
	spinlock_t lock;	/* the "device lock": pages, nr, revoked */
	struct page **pages;
	unsigned int nr;
	bool revoked;
};

static bool revoke_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct revoke_track *t = container_of(mni, struct revoke_track, mni);

	/*
	 * Only a spinlock, and unpinning never sleeps (it may free a page,
	 * which atomic context allows), so this runs whether or not
	 * mmu_notifier_range_blockable(range): nothing here ever asks to sleep.
	 */
	spin_lock(&t->lock);
	mmu_interval_set_seq(mni, cur_seq);
	if (!t->revoked && t->nr) {
		unpin_user_pages(t->pages, t->nr);
		t->revoked = true;
		atomic64_inc(&pinbench_revokes);
	}
	spin_unlock(&t->lock);
	return true;
}

static const struct mmu_interval_notifier_ops revoke_ops = {
	.invalidate = revoke_invalidate,
};

static long notifier_revoke_acquire(struct pinbench_pin *pin, unsigned long addr,
				    unsigned int nr_pages)
{
	unsigned int gup_flags = 0, tries = 0;
	struct revoke_track *t;
	unsigned long seq;
	long n, ret;

	if (pin->flags & PINBENCH_PIN_WRITE)
		gup_flags |= FOLL_WRITE;
	if (pin->flags & PINBENCH_PIN_LONGTERM)
		gup_flags |= FOLL_LONGTERM;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	ret = mmu_interval_notifier_insert(&t->mni, current->mm, addr,
					   (unsigned long)nr_pages << PAGE_SHIFT, &revoke_ops);
	if (ret) {
		kfree(t);
		return ret;
	}
	/*
	 * The canonical pattern (Documentation/mm/hmm.rst): pin, then confirm
	 * under the device lock that no invalidation ran meanwhile.
	 */
	for (;;) {
		seq = mmu_interval_read_begin(&t->mni);
		n = pin_user_pages_fast(addr, nr_pages, gup_flags, pin->pages);
		if (n <= 0) {
			ret = n ? n : -EFAULT;
			goto fail;
		}
		spin_lock(&t->lock);
		if (!mmu_interval_read_retry(&t->mni, seq))
			break;
		spin_unlock(&t->lock);
		unpin_user_pages(pin->pages, n);
		pin->extra_foll_pins += n;
		if (++tries == MAX_READ_RETRIES) {
			ret = -EAGAIN;
			goto fail;
		}
	}
	t->pages = pin->pages;
	t->nr = n;
	spin_unlock(&t->lock);
	atomic64_inc(&pinbench_tracking_objects);
	pin->priv = t;
	return n;

fail:
	mmu_interval_notifier_remove(&t->mni);
	kfree(t);
	return ret;
}

static void notifier_revoke_release(struct pinbench_pin *pin)
{
	struct revoke_track *t = pin->priv;

	if (!t)
		return;
	/* Sleeps until any running invalidate is done; none runs after it. */
	mmu_interval_notifier_remove(&t->mni);
	if (!t->revoked)
		unpin_user_pages(t->pages, t->nr);
	kfree(t);
	pin->priv = NULL;
	pin->nr = 0;
	atomic64_dec(&pinbench_tracking_objects);
}

/* Pinned, unless an invalidation revoked it meanwhile (then it may be gone). */
static bool notifier_revoke_holds(struct pinbench_pin *pin, unsigned int i)
{
	struct revoke_track *t = pin->priv;
	struct page *page = pin->pages[i];
	bool held;

	spin_lock(&t->lock);
	held = t->revoked || is_zero_page(page) || page_maybe_dma_pinned(page);
	spin_unlock(&t->lock);
	return held;
}

const struct pinbench_strategy pinbench_notifier_revoke = {
	.name = "notifier_revoke",
	.id = PINBENCH_STRATEGY_NOTIFIER_REVOKE,
	/* Dirtying needs the page lock, which the invalidate callback cannot take. */
	.supported_flags = PINBENCH_PIN_WRITE | PINBENCH_PIN_LONGTERM,
	/* Lockless pinning, but mmu_interval_notifier_remove() sleeps. */
	.caps = PINBENCH_CAP_LOCKLESS | PINBENCH_CAP_REVOKE,
	.foll_pin = true,
	.acquire = notifier_revoke_acquire,
	.release = notifier_revoke_release,
	.holds = notifier_revoke_holds,
};
