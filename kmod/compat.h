/* SPDX-License-Identifier: GPL-2.0 */
/* compat.h: the few kernel API differences between Linux 6.1 and today's kernels, in one place. */
#ifndef PINBENCH_COMPAT_H
#define PINBENCH_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

/*
 * pinbench builds against every kernel from 6.1 (Debian 12's default) to
 * mainline. Where an interface a strategy uses changed, the difference is
 * hidden here behind one helper, so that a strategy file still reads as the
 * design it implements. Each entry says when the kernel changed and why the
 * cut-over version is safe for any tree in between (developers build their
 * own: a version check must hold for every release, not only Debian's two).
 *
 * Differences handled without a helper (the same code builds everywhere):
 * - page_maybe_dma_pinned() is gone by 6.12: strategies call
 *   folio_maybe_dma_pinned(page_folio(page)), which 6.1 already has;
 * - struct fd became opaque in 6.12 (fd_file()): small_dio takes its
 *   block device file with fget()/fput(), exported since long before 6.1;
 * - mmu_notifier_range::vma went away in 6.3: notifier_revoke tells
 *   truncate from other invalidations by the pinned page itself (its file
 *   and index against i_size), not by the vma.
 */

/*
 * get_user_pages() for the caller's mm, mmap_lock held for read. 6.5
 * dropped the vmas argument (commit "mm/gup: remove vmas parameter from
 * get_user_pages()"); no release between 6.1 and 6.4 lacks it.
 */
static inline long pinbench_get_user_pages(unsigned long start, unsigned long nr_pages,
					   unsigned int gup_flags, struct page **pages)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return get_user_pages(start, nr_pages, gup_flags, pages);
#else
	return get_user_pages(start, nr_pages, gup_flags, pages, NULL);
#endif
}

/*
 * pin_user_pages() on another task's mm (a worker's), mmap_lock held for
 * read throughout (locked NULL: 6.1 refuses a locked pointer with
 * FOLL_LONGTERM). 6.5 dropped the vmas argument, as for get_user_pages().
 */
static inline long pinbench_pin_user_pages_remote(struct mm_struct *mm, unsigned long start,
						  unsigned long nr_pages, unsigned int gup_flags,
						  struct page **pages)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, NULL);
#else
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, NULL, NULL);
#endif
}

/*
 * How many page table entries map the folio of page, counted the way its
 * references are (each mapping holds one). 6.1's folio_mapcount() is out
 * of line and not exported, so there the page's own mapcount is used,
 * which for a large folio counts its whole-folio mappings too and is never
 * larger than the folio's references either. From 6.2 folio_mapcount() is
 * inline (the subpages_mapcount rework), and 6.12 removed page_mapcount(),
 * so any cut-over from 6.2 to 6.11 is right; 6.2 is the first.
 */
static inline int pinbench_mapcount(struct page *page)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return folio_mapcount(page_folio(page));
#else
	return page_mapcount(page);
#endif
}

#endif /* PINBENCH_COMPAT_H */
