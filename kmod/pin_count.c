// SPDX-License-Identifier: GPL-2.0
/*
 * pin_count.c: the pin count's edge cases on one page. A small folio's pin
 * count is its refcount: FOLL_PIN adds GUP_PIN_COUNTING_BIAS (1024) per
 * pin, and folio_maybe_dma_pinned() reads refcount >= 1024, so 1024
 * ordinary references look like a pin to everything that asks. On 6.1
 * that is fork's early copy (page_try_dup_anon_rmap() ->
 * page_needs_cow_for_dma(), include/linux/rmap.h), anon-exclusive
 * unsharing (page_try_share_anon_rmap(), which try_to_unmap_one() and
 * try_to_migrate_one() in mm/rmap.c call, so such a page is neither
 * unmapped nor migrated) and reclaim's keep before add_to_swap()
 * (shrink_folio_list(), mm/vmscan.c); no writeback path reads it. 6.12
 * adds more readers (NUMA hinting in mm/mprotect.c, KSM, uffd moves).
 * A large folio keeps an exact pin count beside its refcount.
 * This takes references or pins on one page and reports what core mm then
 * believes, with what it cost.
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "pinbench.h"

static_assert(sizeof(struct pinbench_pin_count) == 4 * 4 + 8 + 2 * 4 + 2 * 8 + 2 * 4 + 8 + 2 * 8);

static void pc_put(struct page *page, u32 mode, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (mode == PINBENCH_PC_PIN)
			unpin_user_page(page);
		else
			put_page(page);
	}
}

/* Give back what the file holds (under its lock, or at close). */
void pinbench_pin_count_release(struct pinbench_file *pf)
{
	if (!pf->pc_page)
		return;
	pc_put(pf->pc_page, pf->pc_mode, pf->pc_refs);
	put_page(pf->pc_page);	/* the module's own */
	pf->pc_page = NULL;
	pf->pc_refs = 0;
	atomic64_dec(&pinbench_pages_held);
}

long pinbench_pin_count_ioctl(struct pinbench_file *pf, void __user *arg)
{
	struct pinbench_pin_count __user *uarg = arg;
	struct pinbench_pin_count a;
	struct page *probe, *page;
	struct folio *folio;
	long ret = 0, n;
	u64 t0;
	u32 i;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (memchr_inv(a.reserved, 0, sizeof(a.reserved)) || (a.flags & ~PINBENCH_PC_HOLD))
		return -EINVAL;
	if (a.refs && a.mode != PINBENCH_PC_GET && a.mode != PINBENCH_PC_PIN)
		return -EINVAL;
	if (a.refs > PINBENCH_MAX_PC_REFS)
		return -E2BIG;
	if (a.refs && (a.addr & ~PAGE_MASK))
		return -EINVAL;
	if (a.refs) {
		ret = pinbench_check_range(a.addr, 1);
		if (ret)
			return ret;
	}
	/* What an earlier request held goes first. */
	pinbench_pin_count_release(pf);
	a.taken = 0;
	a.folio_order = 0;
	a.refcount_before = a.refcount_after = 0;
	a.pinned_before = a.pinned_after = 0;
	a.take_ns = 0;
	if (!a.refs)
		return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;

	/* The module's own reference: the folio cannot go while it is looked at. */
	n = get_user_pages_fast(a.addr, 1, FOLL_WRITE, &probe);
	if (n != 1)
		return n < 0 ? n : -EFAULT;
	folio = page_folio(probe);
	a.folio_order = folio_order(folio);
	a.refcount_before = folio_ref_count(folio);
	a.pinned_before = folio_maybe_dma_pinned(folio);
	t0 = ktime_get_ns();
	for (i = 0; i < a.refs; i++) {
		n = a.mode == PINBENCH_PC_PIN ? pin_user_pages_fast(a.addr, 1, FOLL_WRITE, &page) :
						get_user_pages_fast(a.addr, 1, FOLL_WRITE, &page);
		if (n != 1) {
			ret = n < 0 ? n : -EFAULT;
			break;
		}
		if (page != probe) {
			/* Migrated or copied meanwhile: the counts would be on two pages. */
			pc_put(page, a.mode, 1);
			ret = -EAGAIN;
			break;
		}
		a.taken++;
		if (!(i & 1023)) {
			/* A reschedule is not a GUP call: the clock stops around it. */
			a.take_ns += ktime_get_ns() - t0;
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				t0 = ktime_get_ns();
				break;
			}
			cond_resched();
			t0 = ktime_get_ns();
		}
	}
	a.take_ns += ktime_get_ns() - t0;
	a.refcount_after = folio_ref_count(folio);
	a.pinned_after = folio_maybe_dma_pinned(folio);
	if (!ret && (a.flags & PINBENCH_PC_HOLD)) {
		pf->pc_page = probe;
		pf->pc_refs = a.taken;
		pf->pc_mode = a.mode;
		atomic64_inc(&pinbench_pages_held);
	} else {
		pc_put(probe, a.mode, a.taken);
		put_page(probe);
	}
	if (!ret && copy_to_user(uarg, &a, sizeof(a))) {
		pinbench_pin_count_release(pf);
		ret = -EFAULT;
	}
	return ret;
}
