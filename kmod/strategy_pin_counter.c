// SPDX-License-Identifier: GPL-2.0
/* strategy_pin_counter.c: FOLL_PIN, the design that was merged (pin_user_pages). */
#include <linux/mm.h>
#include "pinbench.h"

/*
 * FOLL_PIN adds GUP_PIN_COUNTING_BIAS to the page refcount (or to the
 * folio's pincount for large folios) so folio_maybe_dma_pinned() can tell
 * a DMA pin from an ordinary reference; /proc/vmstat counts both sides
 * (nr_foll_pin_acquired/released), which is the pin balance every cell
 * records. FOLL_LONGTERM additionally migrates pages out of ZONE_MOVABLE
 * and CMA and refuses fsdax mappings (check_vma_flags()).
 */
static long pin_counter_acquire(struct pinbench_pin *pin, unsigned long addr,
				unsigned int nr_pages)
{
	unsigned int gup_flags = 0;

	if (pin->flags & PINBENCH_PIN_WRITE)
		gup_flags |= FOLL_WRITE;
	if (pin->flags & PINBENCH_PIN_LONGTERM)
		gup_flags |= FOLL_LONGTERM;
	return pin_user_pages_fast(addr, nr_pages, gup_flags, pin->pages);
}

static void pin_counter_release(struct pinbench_pin *pin)
{
	if (pin->flags & PINBENCH_PIN_DIRTY) {
		pinbench_may_sleep("unpin_user_pages_dirty_lock()");
		unpin_user_pages_dirty_lock(pin->pages, pin->nr, true);
	} else {
		unpin_user_pages(pin->pages, pin->nr);
	}
}

/* The zero page is never pinned (see pin_user_pages_fast()). */
static bool pin_counter_holds(struct pinbench_pin *pin, unsigned int i)
{
	struct page *page = pin->pages[i];

	return is_zero_page(page) || folio_maybe_dma_pinned(page_folio(page));
}

const struct pinbench_strategy pinbench_pin_counter = {
	.name = "pin_counter",
	.id = PINBENCH_STRATEGY_PIN_COUNTER,
	.supported_flags = PINBENCH_PIN_ALL,
	/* unpin_user_pages() is fine in hardirq; the _dirty_lock variant is not. */
	.caps = PINBENCH_CAP_LOCKLESS | PINBENCH_CAP_RELEASE_ATOMIC,
	.foll_pin = true,
	.release_any_range = true,
	.acquire = pin_counter_acquire,
	.release = pin_counter_release,
	.holds = pin_counter_holds,
};
