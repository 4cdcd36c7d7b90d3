/* SPDX-License-Identifier: GPL-2.0 */
/* pinbench.h: module-internal contracts: strategy ops and workload entry points. */
#ifndef PINBENCH_H
#define PINBENCH_H

#include <linux/mm_types.h>
#include <linux/types.h>
#include "pinbench_uapi.h"

/*
 * A pinning strategy: how a user range becomes pages a device may access,
 * and how they are given back. One file per strategy fills one of these
 * with designated initializers; pinbench_strategies[] in main.c lists them.
 *
 * acquire() returns the number of pages now held (possibly fewer than
 * asked, as GUP does) or a negative errno; on a short count the caller
 * releases what was returned. release() may run in any context the
 * strategy's release_contexts say; it must not fail.
 */
struct pinbench_strategy {
	const char *name;
	u32 id;			/* enum pinbench_strategy_id */
	u32 supported_flags;	/* PINBENCH_PIN_* the strategy honours */
	bool foll_pin;		/* takes FOLL_PIN pins (/proc/vmstat counts them) */
	long (*acquire)(unsigned long addr, unsigned int nr_pages,
			u32 flags, struct page **pages);
	void (*release)(struct page **pages, unsigned int nr_pages, u32 flags);
	/* Optional: does 'page' look held the way acquire() holds it? */
	bool (*holds)(struct page *page);
};

extern const struct pinbench_strategy pinbench_gup_ref;
extern const struct pinbench_strategy pinbench_pin_counter;

const struct pinbench_strategy *pinbench_strategy_get(u32 id);

/* Per-open-file state; lives until .release. */
struct pinbench_file {
	struct mutex lock;	/* one workload run at a time per file */
	u64 *hist[2];		/* kvcalloc'd on first use, reused */
};

u64 pinbench_clock_read_ns(void);
long pinbench_gup_fast_ioctl(struct pinbench_file *pf,
			     struct pinbench_gup_fast __user *uarg);

#endif /* PINBENCH_H */
