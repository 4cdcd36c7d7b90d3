/* SPDX-License-Identifier: GPL-2.0 */
/* pinbench.h: module-internal contracts: strategy ops and workload entry points. */
#ifndef PINBENCH_H
#define PINBENCH_H

#include <linux/atomic.h>
#include <linux/mm_types.h>
#include <linux/types.h>
#include "pinbench_uapi.h"

/*
 * One acquire and what its release needs. The caller owns pages[] (room
 * for the pages asked) until release; priv is the strategy's own state
 * for this acquire (a tracking object, a notifier).
 */
struct pinbench_pin {
	struct page **pages;
	unsigned int nr;	/* pages held: the caller records acquire()'s count */
	u32 flags;		/* PINBENCH_PIN_* */
	void *priv;
	/*
	 * FOLL_PIN pins acquire() took and dropped again (a retry), on top of
	 * the pin per held page of a foll_pin strategy: with them the workload
	 * reports exactly what /proc/vmstat counts. Written only on the retry
	 * path and summed after the clock stops: counting every pin in the
	 * timed path (a shared atomic, then even a plain store) cost 1-3% at
	 * one page per call against mm/gup_test.c.
	 */
	unsigned int extra_foll_pins;
};

/*
 * A pinning strategy: how a user range becomes pages a device may access,
 * and how they are given back. One file per strategy fills one of these
 * with designated initializers; pinbench_strategies[] in main.c lists them.
 *
 * acquire() holds up to nr_pages pages from addr into pin->pages and
 * returns how many (possibly fewer than asked, as GUP does), or a negative
 * errno holding nothing; the caller records the count in pin->nr (off the
 * timed path on success). release() gives back exactly pin->nr pages and
 * whatever priv holds; it must not fail and may run only in the contexts
 * caps allows.
 */
struct pinbench_strategy {
	const char *name;
	u32 id;			/* enum pinbench_strategy_id */
	u32 supported_flags;	/* PINBENCH_PIN_* the strategy honours */
	u32 caps;		/* PINBENCH_CAP_* */
	bool foll_pin;		/* each held page is one FOLL_PIN pin */
	long (*acquire)(struct pinbench_pin *pin, unsigned long addr,
			unsigned int nr_pages);
	void (*release)(struct pinbench_pin *pin);
	/*
	 * Optional: is page i of this acquire held the way acquire() holds it
	 * (for a revoking strategy: or revoked)?
	 */
	bool (*holds)(struct pinbench_pin *pin, unsigned int i);
};

/* Module-wide counts, for leak accounting and revoke statistics (off the hot path). */
extern atomic64_t pinbench_tracking_objects;
extern atomic64_t pinbench_revokes;
extern atomic64_t pinbench_anon_vmas_leaked;

extern const struct pinbench_strategy pinbench_gup_ref;
extern const struct pinbench_strategy pinbench_pin_counter;
extern const struct pinbench_strategy pinbench_notifier_revoke;
extern const struct pinbench_strategy pinbench_fake_vma;
int pinbench_fake_vma_init(void);
void pinbench_fake_vma_exit(void);

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
