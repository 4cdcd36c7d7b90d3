// SPDX-License-Identifier: GPL-2.0
/* strategy_gup_ref.c: FOLL_GET page references, the pre-2019 baseline. */
#include <linux/mm.h>
#include "pinbench.h"

/*
 * What every GUP user did before FOLL_PIN: an ordinary page reference per
 * page, indistinguishable from any other reference, so core mm cannot tell
 * that a device may still be writing ([O1], [O2] in DESIGN.md).
 */
static long gup_ref_acquire(struct pinbench_pin *pin, unsigned long addr,
			    unsigned int nr_pages)
{
	unsigned int gup_flags = (pin->flags & PINBENCH_PIN_WRITE) ? FOLL_WRITE : 0;

	return get_user_pages_fast(addr, nr_pages, gup_flags, pin->pages);
}

static void gup_ref_release(struct pinbench_pin *pin)
{
	struct page **pages = pin->pages;
	unsigned int i, nr = pin->nr;

	/*
	 * The old direct I/O completion: set_page_dirty_lock() then
	 * put_page(); the lock is why it cannot run in hardirq.
	 */
	if (pin->flags & PINBENCH_PIN_DIRTY) {
		pinbench_may_sleep("set_page_dirty_lock()");
		for (i = 0; i < nr; i++) {
			set_page_dirty_lock(pages[i]);
			put_page(pages[i]);
		}
		return;
	}
	/*
	 * Nothing but put_page() per page, the loop mm/gup_test.c times: a
	 * test of the flags or a reload of pin->nr per page (put_page() is
	 * a barrier to the compiler) cost 7 instructions a page, as much as
	 * put_page() itself (make reference, deterministic).
	 */
	for (i = 0; i < nr; i++)
		put_page(pages[i]);
}

/*
 * Our reference plus at least the one that maps it. References live on the
 * folio: a THP tail page's own count is zero.
 */
static bool gup_ref_holds(struct pinbench_pin *pin, unsigned int i)
{
	return pinbench_page_ref_beyond_mappings(pin->pages[i]);
}

const struct pinbench_strategy pinbench_gup_ref = {
	.name = "gup_ref",
	.id = PINBENCH_STRATEGY_GUP_REF,
	/* FOLL_LONGTERM is only valid with FOLL_PIN (is_valid_gup_flags()). */
	.supported_flags = PINBENCH_PIN_WRITE | PINBENCH_PIN_DIRTY,
	/* put_page() is fine in hardirq; set_page_dirty_lock() is not (DIRTY). */
	.caps = PINBENCH_CAP_LOCKLESS | PINBENCH_CAP_RELEASE_ATOMIC,
	.release_any_range = true,
	.acquire = gup_ref_acquire,
	.release = gup_ref_release,
	.holds = gup_ref_holds,
};
