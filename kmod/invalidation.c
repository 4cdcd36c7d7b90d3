// SPDX-License-Identifier: GPL-2.0
/* invalidation.c: what an mmu notifier invalidation was, for the strategies that take one (notifier_revoke, hmm_mirror). */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include "pinbench.h"

/*
 * Was this CLEAR a truncate? truncate_setsize() writes i_size, then unmaps
 * from the new end (truncate_pagecache()), so the pages it unmaps lie at or
 * beyond i_size when the callback runs. Judged by the first page the
 * callback revoked, not by the vma: mmu_notifier_range::vma is gone from
 * 6.3, and the page is what the device held. The page is still mapped (the
 * callback runs before the page table entry is cleared) and, for truncate,
 * still in the page cache (truncate_pagecache() unmaps before it removes),
 * so it and its inode live until the callback returns.
 */
static bool clear_is_truncate(struct page *page)
{
	struct folio *folio = page_folio(page);
	struct address_space *mapping;
	pgoff_t index;

	if (folio_test_anon(folio))
		return false;
	mapping = READ_ONCE(folio->mapping);
	if (!mapping || !mapping->host)
		return false;
	index = folio->index + folio_page_idx(folio, page);
	return (loff_t)index << PAGE_SHIFT >= i_size_read(mapping->host);
}

/*
 * Why an invalidation came, judged by the first page it takes from a
 * device (notifier_revoke, hmm_mirror); called from the notifier callback.
 */
enum pinbench_event pinbench_invalidation_cause(struct page *first,
						const struct mmu_notifier_range *range)
{
	switch (range->event) {
	case MMU_NOTIFY_UNMAP:
		return PINBENCH_EV_UNMAP;
	case MMU_NOTIFY_CLEAR:
		return clear_is_truncate(first) ? PINBENCH_EV_CLEAR_TRUNCATE :
						  PINBENCH_EV_CLEAR_OTHER;
	case MMU_NOTIFY_PROTECTION_VMA:
	case MMU_NOTIFY_PROTECTION_PAGE:
		return PINBENCH_EV_PROTECTION;
	case MMU_NOTIFY_RELEASE:
		return PINBENCH_EV_RELEASE;
	case MMU_NOTIFY_MIGRATE:
		return PINBENCH_EV_MIGRATE;
	default:
		return PINBENCH_EV_OTHER;
	}
}
