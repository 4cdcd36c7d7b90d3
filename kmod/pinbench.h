/* SPDX-License-Identifier: GPL-2.0 */
/* pinbench.h: module-internal contracts: strategy ops and workload entry points. */
#ifndef PINBENCH_H
#define PINBENCH_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/bug.h>
#include "pinbench_uapi.h"

struct pinbench_reg;
struct pinbench_release_ctx;

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
	/* Lost races against an invalidation, redone (notifier_revoke); as extra_foll_pins. */
	unsigned int read_retries;
	/*
	 * The registration this acquire belongs to (set by the caller before
	 * acquire), or NULL for a bare acquire: per-I/O, no device.
	 */
	struct pinbench_reg *reg;
	/* Written by acquire: where the pages are, for range invalidation. */
	unsigned long addr;
	struct list_head node;	/* on a revoking strategy's list */
	/* Release from any context: see pinbench_release_any(). */
	struct pinbench_release_ctx *rc;
	struct work_struct work;
	u64 released_ns;	/* when the last page was given back */
	/* Set by the caller for a breakdown run, else NULL. */
	struct pinbench_breakdown *bd;
	/*
	 * Set by a caller whose pages a bio targets from acquire to release
	 * (small_dio): a block device cannot be pointed at a dummy page, so a
	 * revoking strategy must wait for the release instead of dropping the
	 * pins (notifier_revoke), and counts the waits here.
	 */
	struct pinbench_bio_revokes *bio;
};

/* Revocations that found an I/O's pages and waited for its release. */
struct pinbench_bio_revokes {
	atomic64_t waits, wait_sum_ns, wait_max_ns, refused_nonblocking;
};

/* A breakdown run's per-part figures (PINBENCH_PARTS). */
struct pinbench_breakdown {
	struct pinbench_phase_stats part[PINBENCH_MAX_PARTS];
	u64 *hist;			/* [PINBENCH_MAX_PARTS][PINBENCH_HIST_BUCKETS] */
	u64 cur[PINBENCH_MAX_PARTS];	/* this call so far */
	u32 touched;			/* parts entered in this call */
};

void pinbench_stats_add(struct pinbench_phase_stats *st, u64 v);

/*
 * Was a stretch of this task's time its own? Snapshot before, ask after:
 * no hardirq, NMI or IPI on its CPU (the tick, a device's completion),
 * no preemption (nivcsw: what an interrupt woke ran instead, or the
 * scheduler moved it), no move to another CPU in between. A voluntary
 * sleep (nvcsw: a lock the design takes, migration's page locks, an LRU
 * drain it waits for) is the design's own cost and does not disturb;
 * the interrupt that ends it, on this CPU, does. Read outside timed
 * regions.
 */
struct pinbench_quiet {
	int cpu;
	u64 irqs;
	unsigned long preempted;
};
void pinbench_quiet_start(struct pinbench_quiet *q);
bool pinbench_quiet_held(const struct pinbench_quiet *q);
void pinbench_bd_charge(struct pinbench_breakdown *bd, unsigned int part, u64 *t);
void pinbench_bd_commit(struct pinbench_breakdown *bd, bool keep);

/*
 * Strategy side of a breakdown: t = pinbench_bd_start(pin), then after
 * each step pinbench_bd_mark(pin, PINBENCH_PART_*, &t) charges the time
 * since t to that part. Without a breakdown both are a load and a branch.
 */
static __always_inline u64 pinbench_bd_start(const struct pinbench_pin *pin)
{
	return unlikely(pin->bd) ? ktime_get_ns() : 0;
}

static __always_inline void pinbench_bd_mark(const struct pinbench_pin *pin, unsigned int part,
					     u64 *t)
{
	if (unlikely(pin->bd))
		pinbench_bd_charge(pin->bd, part, t);
}

/* Revocations on one registration, written under its lock. */
struct pinbench_revoke_counts {
	u64 invalidations, revocations, pages_revoked, spurious, nonblocking;
	u64 events[PINBENCH_EV_SLOTS];
	/* Revoking callbacks: the first one's start, the last one's end, each one's length. */
	u64 first_ns, last_ns, callback_max_ns, callback_sum_ns;
	/* PINBENCH_REVOKE_TRUNCATE_UNMAP: invalidations the policy let pass. */
	u64 ignored, ignored_events[PINBENCH_EV_SLOTS];
	/* PINBENCH_REVOKE_REACQUIRE: the worker's pinning again. */
	u64 reacquires, pages_reacquired, reacquire_failed, reacquire_retries;
	u64 reacquire_work_ns, reacquire_wait_max_ns, reacquire_wait_sum_ns;
	/* device_fault strategies: faults the device raised (each served by the worker above). */
	u64 device_faults;
	/* device_hole: accesses to a revoked entry that queued a worker which had given up. */
	u64 reacquire_rearms;
	/* Notifiers with revoked entries their worker has yet to serve: the device waits. */
	u32 reacquire_pending;
};

/*
 * A registered buffer, as the device (or a PER_BUFFER gup_fast run) sees
 * it: the user range, the device lock that guards every pages[] entry of
 * the pins in it (a revoking strategy points entries at the dummy page
 * under it, the DMA engine reads them under it; taken with irqs off, as
 * the engine may run in hardirq), and the strategy's per-buffer state.
 */
struct pinbench_reg {
	spinlock_t lock;
	struct mm_struct *mm;
	unsigned long addr, nr_pages;
	u32 flags;		/* PINBENCH_PIN_* */
	u32 registration;	/* PINBENCH_REG_* */
	u32 revoke;		/* PINBENCH_REVOKE_*: a revoking strategy's policy */
	void *priv;		/* strategy's; set by reg_init */
	struct pinbench_revoke_counts rc;
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
	u32 caps_per_buffer;	/* more PINBENCH_CAP_* under PINBENCH_REG_PER_BUFFER */
	bool foll_pin;		/* each held page is one FOLL_PIN pin */
	/*
	 * A registered buffer keeps the address space alive (mmget) until
	 * it is unregistered: fake_vma's tracking objects stand for vmas,
	 * which die with the mm (see strategy_fake_vma.c).
	 */
	bool needs_mm;
	/*
	 * Holds nothing but the pages (no per-acquire state): any set of
	 * held pages, however acquired, may be released with one call.
	 */
	bool release_any_range;
	long (*acquire)(struct pinbench_pin *pin, unsigned long addr,
			unsigned int nr_pages);
	void (*release)(struct pinbench_pin *pin);
	/*
	 * Optional: is page i of this acquire held the way acquire() holds it
	 * (for a revoking strategy: or revoked)?
	 */
	bool (*holds)(struct pinbench_pin *pin, unsigned int i);
	/*
	 * Optional (PINBENCH_CAP_REGISTRATION): set up and tear down the
	 * per-buffer state of a PINBENCH_REG_PER_BUFFER registration, in
	 * process context of the buffer's mm. reg_fini runs after every pin
	 * of the registration is released.
	 */
	int (*reg_init)(struct pinbench_reg *reg);
	void (*reg_fini)(struct pinbench_reg *reg);
	/*
	 * Optional, for a strategy without PINBENCH_CAP_RELEASE_ATOMIC that
	 * can still give the pages back in hardirq: does so (and calls
	 * pinbench_pin_released()), queues what must sleep, and calls
	 * pinbench_pin_done() when that has run. Without it, a release
	 * outside process context queues the whole release().
	 */
	void (*release_atomic)(struct pinbench_pin *pin);
	/*
	 * Optional: the rmap walker's tax. Walks every tracking object on the
	 * mapping (or anon_vma) of pin, which must be held, under the rmap
	 * lock taken for read; with miss, over a range none overlaps. Returns
	 * how many it met.
	 */
	long (*walk)(struct pinbench_pin *pin, bool miss);
	/*
	 * The issuer releases in its own task when it reaps the I/O (small_dio),
	 * rather than end_io in the completion's context, as synchronous
	 * direct I/O does: for a strategy whose release must sleep.
	 */
	bool release_by_issuer;
	/*
	 * Optional, for a strategy that holds no page (a mirror: hmm_mirror).
	 * Its invalidation callback sets the entries it drops to NULL, under
	 * the device lock, instead of pointing them at the dummy page. A device
	 * access that meets a NULL entry is a device page fault: the device
	 * calls this, under the device lock and in any context, and retries the
	 * access later; the strategy serves the fault (faults the range back
	 * in, as hmm_range_fault() does) and puts the page back in the entry,
	 * or pinbench_dummy_page when the address no longer has one (the
	 * access then goes nowhere, and is counted). Pages such a strategy
	 * lists are valid only under the device lock, and only while their
	 * entry holds them: nothing else may touch them.
	 */
	void (*device_fault)(struct pinbench_pin *pin);
	/*
	 * Optional, for a strategy that points revoked entries at the dummy
	 * page and may pin them again (notifier_revoke's REACQUIRE): a device
	 * access met such an entry of pin. Under the device lock, in any
	 * context. If the strategy's worker had given up with entries it
	 * never tried, it queues the worker again and counts it in
	 * reacquire_pending, so the access waits, as a device fault would.
	 */
	void (*device_hole)(struct pinbench_pin *pin);
};

/*
 * Releasing a set of pins from any context, and knowing when the pages,
 * then every deferred piece of work, are really given back.
 */
struct pinbench_release_ctx {
	const struct pinbench_strategy *s;
	atomic_t pages_pending;		/* pins whose pages are still held */
	atomic_t work_pending;		/* pins with release work unfinished */
	u64 start_ns, pages_ns, done_ns;
	atomic64_t deferred;		/* pins whose release was queued */
	atomic64_t work_ns;		/* time the workqueue spent on them */
	int queue_cpu;			/* where they were queued (pinbench_wq is per-CPU), or -1;
					 * the caller notes it, outside its timed regions */
	struct completion done;
	/*
	 * Optional, set after init: called once everything is given back,
	 * right after done completes, in the context that finished last (the
	 * releaser or the workqueue). The last access to rc by pinbench; rc
	 * must live until it returns, so whoever sets it does not free rc on
	 * the completion.
	 */
	void (*done_fn)(struct pinbench_release_ctx *rc);
};

void pinbench_release_ctx_init(struct pinbench_release_ctx *rc,
			       const struct pinbench_strategy *s, unsigned int nr_pins);
void pinbench_release_ctx_issued(struct pinbench_release_ctx *rc);
void pinbench_release_any(const struct pinbench_strategy *s, struct pinbench_pin *pin,
			  bool may_sleep);
void pinbench_pin_released(struct pinbench_pin *pin);
void pinbench_pin_done(struct pinbench_pin *pin);
void pinbench_queue_work(struct pinbench_pin *pin, work_func_t fn);
/* Any other work of the module's (a driver's own), on the module's workqueue. */
void pinbench_queue_other(struct work_struct *work);
int pinbench_core_init(void);
void pinbench_core_exit(void);

/* What s can do for pins registered this way (PINBENCH_REG_*). */
static inline u32 pinbench_strategy_caps(const struct pinbench_strategy *s, u32 registration)
{
	return s->caps | (registration == PINBENCH_REG_PER_BUFFER ? s->caps_per_buffer : 0);
}

/*
 * A release step that may sleep (an rwsem, the page lock, notifier
 * removal) asserts that it runs where sleeping is allowed: on a kernel
 * without CONFIG_DEBUG_ATOMIC_SLEEP (Debian's) nothing else would say so
 * until it really slept. The WARNING fails the cell.
 */
static inline bool pinbench_can_sleep(void)
{
	/* preempt_count() also covers spinlocks and, without PREEMPT_RCU, rcu_read_lock(). */
	return in_task() && !irqs_disabled() &&
	       (!IS_ENABLED(CONFIG_PREEMPT_COUNT) || !preempt_count()) && !rcu_preempt_depth();
}

#define pinbench_may_sleep(what)						\
	WARN_ONCE(!pinbench_can_sleep(),					\
		  "pinbench: %s in atomic context: it may sleep\n", what)

/* Can s release pins acquired with flags from hardirq, as they are? */
static inline bool pinbench_release_atomic_ok(const struct pinbench_strategy *s, u32 flags)
{
	/* Dirtying takes the page lock (set_page_dirty_lock()). */
	return (s->caps & PINBENCH_CAP_RELEASE_ATOMIC) && !(flags & PINBENCH_PIN_DIRTY);
}

/* An I/O's acquire (and dirtying, for a device write to memory), timed: see core.c. */
long pinbench_acquire_io(const struct pinbench_strategy *s, struct pinbench_pin *pin,
			 unsigned long addr, unsigned int nr, bool dirty, u64 *t0, u64 *t1);
int pinbench_acquire_io_all(const struct pinbench_strategy *s, struct pinbench_pin *pin,
			    unsigned long addr, unsigned int nr, bool dirty, u64 *t0, u64 *t1,
			    u64 *foll_pins, u64 *read_retries);

/* For a FOLL_GET strategy's holds(): a reference beyond the page's mappings. */
bool pinbench_page_ref_beyond_mappings(struct page *page);

/* The page a revoking strategy points device page table entries at. */
extern struct page *pinbench_dummy_page;

/*
 * Module-wide counts, for leak accounting (PINBENCH_IOC_INFO) and revoke
 * statistics. pinbench_tracking_objects counts fake vmas, pinbench_notifiers
 * mmu_interval_notifiers: both are the strategies' own cost. The others are
 * the harness's: registrations by pinbench_reg_setup()/teardown(), pages
 * held by each workload where it records an acquire and where it sees the
 * pages given back, always outside the timed regions.
 */
extern atomic64_t pinbench_tracking_objects;
extern atomic64_t pinbench_notifiers;
extern atomic64_t pinbench_registrations;
extern atomic64_t pinbench_pages_held;
extern atomic64_t pinbench_revokes;
extern atomic64_t pinbench_anon_vmas_leaked;

/*
 * Calibration (testing the comparison, never for results): a fixed extra
 * cost, in ns, charged for every page an acquire holds, inside whatever
 * times the acquire. 0 (the default) costs one predicted branch.
 */
extern unsigned int pinbench_calibrate_ns_per_page;
void pinbench_calibrate_charge(unsigned int extra, long nr_pages);

/* Every acquire goes through here, so the calibration reaches every workload. */
static inline long pinbench_acquire(const struct pinbench_strategy *s, struct pinbench_pin *pin,
				    unsigned long addr, unsigned int nr_pages)
{
	long n = s->acquire(pin, addr, nr_pages);
	unsigned int extra = READ_ONCE(pinbench_calibrate_ns_per_page);

	if (unlikely(extra) && n > 0)
		pinbench_calibrate_charge(extra, n);
	return n;
}

struct mmu_notifier_range;
/* Why an invalidation came, from the first page it takes from a device (invalidation.c). */
enum pinbench_event pinbench_invalidation_cause(struct page *first,
						const struct mmu_notifier_range *range);

extern const struct pinbench_strategy pinbench_gup_ref;
extern const struct pinbench_strategy pinbench_pin_counter;
extern const struct pinbench_strategy pinbench_notifier_revoke;
extern const struct pinbench_strategy pinbench_fake_vma;
extern const struct pinbench_strategy pinbench_fake_vma_fast;
extern const struct pinbench_strategy pinbench_hmm_mirror;
int pinbench_fake_vma_init(void);
void pinbench_fake_vma_exit(void);

const struct pinbench_strategy *pinbench_strategy_get(u32 id);

/* Per-open-file state; lives until .release. */
struct pinbench_file {
	struct mutex lock;	/* one ioctl at a time per file */
	u64 *hist[2];		/* kvcalloc'd on first use, reused */
	struct xarray bufs;	/* registered device buffers, by id */
	/* PINBENCH_IOC_PIN_COUNT with PINBENCH_PC_HOLD: what the file holds. */
	struct page *pc_page;	/* with the module's own reference */
	u32 pc_refs, pc_mode;
};

/* A workload's request (PINBENCH_WORKLOAD_IOCTLS): run with pf->lock held. */
#define PINBENCH_X_WL_DECL(cmd, name) \
	long pinbench_##name##_ioctl(struct pinbench_file *pf, void __user *uarg);
PINBENCH_WORKLOAD_IOCTLS(PINBENCH_X_WL_DECL)
#undef PINBENCH_X_WL_DECL
long pinbench_dev_ioctl(struct pinbench_file *pf, unsigned int cmd, void __user *uarg);
void pinbench_dev_release_all(struct pinbench_file *pf);
void pinbench_pin_count_release(struct pinbench_file *pf);

/* Shared checks of a user range request (gup_fast, device). */
int pinbench_check_range(u64 addr, u64 nr_pages);
int pinbench_check_pin_flags(const struct pinbench_strategy *s, u32 flags, u32 registration);
int pinbench_reg_setup(struct pinbench_reg *reg, const struct pinbench_strategy *s,
		       unsigned long addr, unsigned long nr_pages, u32 flags, u32 registration,
		       u32 revoke);
void pinbench_reg_teardown(struct pinbench_reg *reg, const struct pinbench_strategy *s);

#endif /* PINBENCH_H */
