// SPDX-License-Identifier: GPL-2.0
/* strategy_gup_ref.c: FOLL_GET page references, the pre-2019 baseline. */
#include <linux/mm.h>
#include "pinbench.h"

/*
 * What every GUP user did before FOLL_PIN: an ordinary page reference per
 * page, indistinguishable from any other reference, so core mm cannot tell
 * that a device may still be writing ([O1], [O2] in DESIGN.md).
 */
static long gup_ref_acquire(unsigned long addr, unsigned int nr_pages,
			    u32 flags, struct page **pages)
{
	unsigned int gup_flags = (flags & PINBENCH_PIN_WRITE) ? FOLL_WRITE : 0;

	return get_user_pages_fast(addr, nr_pages, gup_flags, pages);
}

static void gup_ref_release(struct page **pages, unsigned int nr_pages,
			    u32 flags)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++) {
		/*
		 * The old direct I/O completion: set_page_dirty_lock() then
		 * put_page(); the lock is why it cannot run in hardirq.
		 */
		if (flags & PINBENCH_PIN_DIRTY)
			set_page_dirty_lock(pages[i]);
		put_page(pages[i]);
	}
}

/*
 * Our reference plus at least the one that maps it. References live on the
 * folio: a THP tail page's own count is zero.
 */
static bool gup_ref_holds(struct page *page)
{
	return folio_ref_count(page_folio(page)) >= 2;
}

const struct pinbench_strategy pinbench_gup_ref = {
	.name = "gup_ref",
	.id = PINBENCH_STRATEGY_GUP_REF,
	/* FOLL_LONGTERM is only valid with FOLL_PIN (is_valid_gup_flags()). */
	.supported_flags = PINBENCH_PIN_WRITE | PINBENCH_PIN_DIRTY,
	.acquire = gup_ref_acquire,
	.release = gup_ref_release,
	.holds = gup_ref_holds,
};
