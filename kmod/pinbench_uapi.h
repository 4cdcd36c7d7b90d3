/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* pinbench_uapi.h: the private ABI between pinbench.ko and its userspace. */
#ifndef PINBENCH_UAPI_H
#define PINBENCH_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Conventions (as in mm/gup_test.h and lib/test_hmm_uapi.h):
 * - fixed-width fields only, every struct a multiple of 8 bytes, no
 *   implicit padding; every field marked (in) or (out);
 * - every request starts with abi_version (in), which must equal
 *   PINBENCH_ABI_VERSION, else the call fails with EPROTO;
 * - zero is never a valid value for an enum or a count, so a field that
 *   was left unset is caught; reserved fields must be zero (EINVAL).
 * - the flag names are pinbench's own, never kernel-internal FOLL_* values.
 *
 * Errors every ioctl documents:
 *   ENOTTY     unknown command
 *   EFAULT     the request itself cannot be copied; or, for a user range,
 *              kernel/non-canonical/unmapped addresses, or read-only memory
 *              asked for write (as GUP reports them)
 *   EPROTO     abi_version differs from PINBENCH_ABI_VERSION
 *   EINVAL     unknown flag, unset or unknown enum, zero count, unaligned
 *              address, non-zero reserved field, inconsistent counts
 *   EOVERFLOW  addr + len wraps around
 *   E2BIG      a count above its documented PINBENCH_MAX_* limit
 *   EOPNOTSUPP a known flag the chosen strategy cannot honour
 *              (e.g. longterm with FOLL_GET references)
 *   EINTR      a fatal signal arrived during a long run, or any signal
 *              while waiting for the file's lock
 *   ENOMEM     allocation failure
 * and, where a request acquires pages, what GUP itself answers (mm/gup.c
 * of the running kernel), passed through unchanged:
 *   EFAULT     (as above), EINTR, ENOMEM (the fault ran out of memory,
 *              or FOLL_LONGTERM migration failed); from 6.5 also
 *              FOLL_LONGTERM with write on a file mapping whose pages
 *              need dirty tracking (writable_file_mapping_allowed():
 *              ext4, not tmpfs)
 *   EBUSY      FOLL_LONGTERM: a device-coherent page could not be migrated
 *   EOPNOTSUPP FOLL_LONGTERM on a DAX (fsdax) mapping
 * and the device's:
 *   ENOENT     no registered buffer has that id (in this open file)
 *   EACCES     the buffer was registered from another address space (a
 *              forked child, or a process the file was passed to): a
 *              buffer is driven only from the mm whose pages it holds
 *   ENOSPC     PINBENCH_MAX_DEV_BUFFERS already registered in this file
 *   EBUSY      the buffer's engine is already running
 *   EAGAIN     notifier_revoke: invalidations kept racing the pinning for
 *              PINBENCH_REVOKE_RETRY_MS (each lost race is a read_retry)
 * and small_dio's:
 *   EBADF      bdev_fd is not open, or not for reading (reads) or for
 *              writing (writes)
 *   ENOTBLK    bdev_fd is not a block device
 *   EIO        never: I/O errors are counted in io_errors
 * and irq_completion's:
 *   ENODEV     the completion CPU asked for is not online
 * and STRATEGY's:
 *   ENOENT     a strategy id of the ABI this module does not build
 */

#define PINBENCH_ABI_VERSION	8	/* 2: INFO's leak counters; 3: read_retries;
					 * 4: revoke policies, per-page fates;
					 * 5: PINBENCH_IOC_STRATEGY, _NOOP;
					 * 6: hmm_mirror, device_faults,
					 *    PINBENCH_IOC_PIN_COUNT;
					 * 7: GUP_FAST's release_whole,
					 *    rounds_redone/_disturbed;
					 * 8: GUP_FAST's options, SMALL_DIO's
					 *    acquires_disturbed, DEV_REGISTER's
					 *    test, reacquire_rearms,
					 *    PINBENCH_IOC_PTE_CENSUS */
#define PINBENCH_IOC_MAGIC	0xB8	/* unassigned in ioctl-number.rst (6.1) */

/*
 * Pinning strategies: one line each, id is part of the ABI (never reuse).
 * Userspace derives names and the list of valid values from this table.
 */
#define PINBENCH_STRATEGIES(X)				\
	X(GUP_REF,         1, "gup_ref")			\
	X(PIN_COUNTER,     2, "pin_counter")			\
	X(FAKE_VMA,        3, "fake_vma")			\
	X(NOTIFIER_REVOKE, 4, "notifier_revoke")		\
	X(FAKE_VMA_FAST,   5, "fake_vma_fast")			\
	X(HMM_MIRROR,      6, "hmm_mirror")

#define PINBENCH_MAX_STRATEGIES	8	/* room in the ABI for ids 0..7 */

/*
 * The strategies that declare PINBENCH_CAP_REVOKE, as a mask of ids, so
 * that userspace can refuse a revoke policy for the others before it
 * boots anything; the module refuses to load if a strategy says otherwise.
 */
#define PINBENCH_REVOKING_STRATEGIES	(1u << 4)	/* notifier_revoke */

enum pinbench_strategy_id {
	PINBENCH_STRATEGY_UNSET = 0,
#define PINBENCH_X_ENUM(sym, id, name) PINBENCH_STRATEGY_##sym = id,
	PINBENCH_STRATEGIES(PINBENCH_X_ENUM)
#undef PINBENCH_X_ENUM
	PINBENCH_STRATEGY_NR	/* one past the highest id */
};

/* Flags for an acquire (pinbench's own names). */
#define PINBENCH_PIN_WRITE	(1u << 0) /* device will write: FOLL_WRITE */
#define PINBENCH_PIN_LONGTERM	(1u << 1) /* FOLL_LONGTERM (FOLL_PIN only) */
#define PINBENCH_PIN_DIRTY	(1u << 2) /* dirty pages on release; needs WRITE */
#define PINBENCH_PIN_ALL	(PINBENCH_PIN_WRITE | PINBENCH_PIN_LONGTERM | \
				 PINBENCH_PIN_DIRTY)

/*
 * What a strategy can do, as it declares it (reported with every cell so a
 * reader sees why a cell is unsupported or deferred).
 */
#define PINBENCH_CAPS(X)									\
	X(LOCKLESS,            0, "lockless_fast_path")  /* acquire without mmap_lock (GUP-fast) */ \
	X(RELEASE_ATOMIC,      1, "release_in_hardirq")  /* the whole release may run in hardirq */ \
	X(REVOKE,              2, "revoke")              /* pins are dropped on invalidation */	\
	X(REGISTRATION,        3, "per_buffer_state")    /* PINBENCH_REG_PER_BUFFER exists */	\
	X(RELEASE_PAGES_ATOMIC, 4, "pages_back_in_hardirq") /* in hardirq the pages go back at	\
							      * once, bookkeeping is deferred */ \
	X(BREAKDOWN,           5, "cost_breakdown")      /* times its own steps on request */
#define PINBENCH_X_CAP(sym, bit, name) PINBENCH_CAP_##sym = 1u << (bit),
enum { PINBENCH_CAPS(PINBENCH_X_CAP) };
#undef PINBENCH_X_CAP

/*
 * What a strategy is, beyond what it can do (PINBENCH_IOC_STRATEGY's props):
 * facts that decide what a caller may expect of it, so that userspace and
 * the tests take them from the module and never from a list of names.
 */
#define PINBENCH_PROPS(X)									\
	X(FOLL_PIN,          0, "foll_pin")           /* each held page is one FOLL_PIN pin */	\
	X(NEEDS_MM,          1, "needs_mm")           /* a registration keeps the mm alive */	\
	X(RELEASE_BY_ISSUER, 2, "release_by_issuer")  /* small_dio releases in the issuer */	\
	X(HOLDS,             3, "holds")              /* it can say whether a page is held */	\
	X(WALK,              4, "rmap_walk")          /* it models the rmap walker's tax */	\
	X(DEVICE_FAULTS,     5, "device_faults")      /* it holds no page: the device	\
							 * faults an invalidated entry back in */ \
	X(RELEASE_ANY_RANGE, 6, "release_any_range")  /* it holds nothing but the pages:	\
							 * any of them go back in one call */
#define PINBENCH_X_PROP(sym, bit, name) PINBENCH_PROP_##sym = 1u << (bit),
enum { PINBENCH_PROPS(PINBENCH_X_PROP) };
#undef PINBENCH_X_PROP

/*
 * Where a strategy keeps its tracking state for a buffer. PER_IO: every
 * acquire stands alone (a short-term user: direct I/O), so notifier_revoke
 * registers and removes one mmu_interval_notifier per acquire. PER_BUFFER:
 * set up once for the whole buffer (a long-term user: RDMA, GPU), so
 * notifier_revoke registers one notifier over the buffer and each acquire
 * only joins it. PER_BUFFER is EOPNOTSUPP for a strategy without
 * per-buffer state (PINBENCH_CAP_REGISTRATION).
 */
#define PINBENCH_REG_PER_IO	1
#define PINBENCH_REG_PER_BUFFER	2

/*
 * Limits (documented, enforced with E2BIG). They bound every allocation
 * the module makes: a request's memory is linear in its pages (at one page
 * per call, a 120-byte pin object and 32 bytes of device page table per
 * page: about 10 MiB at PINBENCH_MAX_BUFFER_PAGES), and a file holds at
 * most PINBENCH_MAX_DEV_BUFFERS buffers (16 GiB pinned, about 610 MiB of
 * module memory). Hence root only.
 */
#define PINBENCH_MAX_PAGES_PER_CALL	1024u
#define PINBENCH_MAX_BUFFER_PAGES	(1u << 16)	/* 256 MiB of 4 KiB pages */
#define PINBENCH_MAX_ROUNDS		(1u << 20)
#define PINBENCH_MAX_DEV_BUFFERS	64u	/* registered per open file */
#define PINBENCH_MAX_BURST		4096u	/* device records per tick */
#define PINBENCH_MAX_RATE_HZ		1000000u /* device ticks per second */

/*
 * notifier_revoke pins, then checks under the device lock that no
 * invalidation ran meanwhile (mmu_interval_read_retry()); a lost race is
 * undone and retried, for at most this long per acquire (then EAGAIN), as
 * hmm_range_fault() users retry for HMM_RANGE_DEFAULT_TIMEOUT. Requests
 * report the retries as read_retries.
 */
#define PINBENCH_REVOKE_RETRY_MS	1000u

/*
 * Latency histogram layout, shared so that userspace can merge histograms
 * without copying samples off the hot path. Log-linear: values below
 * 2^PINBENCH_HIST_SUB_BITS ns are exact; above, each power of two is split
 * into 2^PINBENCH_HIST_SUB_BITS buckets (relative width <= 1/128, so a
 * bucket midpoint is within 0.4% of any value in it). Values from
 * 2^PINBENCH_HIST_MAX_EXP ns (about 18 minutes) land in the last bucket;
 * min and max are kept exactly beside the histogram.
 */
#define PINBENCH_HIST_SUB_BITS	7
#define PINBENCH_HIST_MAX_EXP	40
#define PINBENCH_HIST_BUCKETS \
	((PINBENCH_HIST_MAX_EXP - PINBENCH_HIST_SUB_BITS + 1) << PINBENCH_HIST_SUB_BITS)

static inline __u32 pinbench_hist_index(__u64 v)
{
	unsigned int e, sub = 1u << PINBENCH_HIST_SUB_BITS;

	if (v < sub)
		return (__u32)v;
	e = 63 - __builtin_clzll(v);
	if (e >= PINBENCH_HIST_MAX_EXP)
		return PINBENCH_HIST_BUCKETS - 1;
	return ((e - PINBENCH_HIST_SUB_BITS + 1) << PINBENCH_HIST_SUB_BITS) +
	       (__u32)((v >> (e - PINBENCH_HIST_SUB_BITS)) - sub);
}

/* Lowest value that maps to bucket idx; the bucket is [low, low + width). */
static inline __u64 pinbench_hist_low(__u32 idx, __u64 *width)
{
	unsigned int sub = 1u << PINBENCH_HIST_SUB_BITS, e;

	if (idx < 2 * sub) {
		*width = 1;
		return idx;
	}
	e = (idx >> PINBENCH_HIST_SUB_BITS) + PINBENCH_HIST_SUB_BITS - 1;
	*width = 1ull << (e - PINBENCH_HIST_SUB_BITS);
	return (__u64)(sub + (idx & (sub - 1))) << (e - PINBENCH_HIST_SUB_BITS);
}

/*
 * Steps of a strategy's own work, timed on request (a gup_fast breakdown
 * run) so that its bookkeeping shows apart from the GUP it rides on. A
 * part's sample is its time within one acquire or release call (a part
 * entered twice in a call is summed). Each part includes about one clock
 * read (pinbench_info.clock_read_ns), which is why breakdown runs are
 * separate from the runs whose acquire/release figures are reported.
 */
#define PINBENCH_PARTS(X)						\
	X(GUP,             0, "gup")		/* mmap_lock, lookup, GUP itself */	\
	X(ALLOC,           1, "alloc")		/* tracking object allocation */	\
	X(LOCK_WAIT,       2, "lock_wait")	/* taking the rmap lock */		\
	X(TREE_INSERT,     3, "tree_insert")	/* finding the tree, inserting */	\
	X(TREE_REMOVE,     4, "tree_remove")					\
	X(ACCOUNT,         5, "account")	/* per-page mapcount-style counts */	\
	X(PUT,             6, "put")		/* dropping the page references/pins */	\
	X(FREE,            7, "free")		/* freeing the tracking object */	\
	X(NOTIFIER_INSERT, 8, "notifier_insert")					\
	X(NOTIFIER_REMOVE, 9, "notifier_remove")
enum pinbench_part {
#define PINBENCH_X_ENUM(sym, id, name) PINBENCH_PART_##sym = id,
	PINBENCH_PARTS(PINBENCH_X_ENUM)
#undef PINBENCH_X_ENUM
	PINBENCH_PART_NR
};
#define PINBENCH_MAX_PARTS	12	/* room in the ABI */

/* A timed phase, as the module fills it. */
struct pinbench_phase_stats {
	__u64 n;		/* (out) samples */
	__u64 sum_ns;		/* (out) sum of samples */
	__u64 min_ns;		/* (out) smallest sample */
	__u64 max_ns;		/* (out) largest sample */
};

/* PINBENCH_IOC_INFO: what this module is and what it accepts. */
struct pinbench_info {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 strategy_nr;		/* (out) PINBENCH_STRATEGY_NR */
	__u32 page_size;		/* (out) PAGE_SIZE */
	__u32 hist_buckets;		/* (out) PINBENCH_HIST_BUCKETS */
	__u32 max_pages_per_call;	/* (out) PINBENCH_MAX_PAGES_PER_CALL */
	__u32 max_buffer_pages;		/* (out) PINBENCH_MAX_BUFFER_PAGES */
	__u64 strategy_mask;		/* (out) bit id set: strategy built in */
	__u64 clock_read_ns;		/* (out) min cost of one ktime_get_ns()
					 *       pair, measured at module load */
	__u64 tracking_objects;		/* (out) strategy tracking objects alive
					 *       now: fake vmas and notifiers */
	__u64 anon_vmas_leaked;		/* (out) anon_vmas fake_vma could not
					 *       free (see strategy_fake_vma.c) */
	__u32 strategy_caps[PINBENCH_MAX_STRATEGIES]; /* (out) PINBENCH_CAP_* per I/O,
					 *       indexed by strategy id */
	/*
	 * Leak accounting, module-wide: each is 0 whenever no request runs
	 * and no buffer is registered, in any file. They are counted where
	 * the module sets the state up and where it sees it gone, never in
	 * a timed region (tracking objects are counted by the strategies,
	 * whose cost they are).
	 */
	__u64 notifiers;		/* (out) mmu_interval_notifiers alive
					 *       now (counted in tracking_objects) */
	__u64 registrations;		/* (out) registrations alive: device
					 *       buffers, and per-buffer state of
					 *       a request that is running */
	__u64 pages_held;		/* (out) pages acquired through a
					 *       strategy and not yet seen given
					 *       back: registered buffers, I/Os in
					 *       flight or in deferred release */
	__u32 open_files;		/* (out) open files of /dev/pinbench,
					 *       the caller's included */
	__u32 reserved0;		/* (in)  zero */
	__u64 reserved[2];		/* (in)  zero */
};

/*
 * PINBENCH_IOC_STRATEGY: what one strategy declares. EINVAL for an id
 * PINBENCH_STRATEGIES does not list, ENOENT for one this module does not
 * build (strategy_mask in INFO lists those it has).
 */
struct pinbench_strategy_info {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 id;			/* (in)  enum pinbench_strategy_id */
	char name[32];			/* (out) as PINBENCH_STRATEGIES names it */
	__u32 caps;			/* (out) PINBENCH_CAP_* per I/O */
	__u32 caps_per_buffer;		/* (out) PINBENCH_CAP_* it adds under
					 *       PINBENCH_REG_PER_BUFFER */
	__u32 supported_flags;		/* (out) PINBENCH_PIN_* it honours */
	__u32 props;			/* (out) PINBENCH_PROP_* */
	__u64 reserved[2];		/* (in)  zero */
};

/*
 * PINBENCH_IOC_NOOP: the harness floor. The timed loop of the other
 * workloads with nothing in it: each call timed alone (a clock read on
 * either side) around an acquire and a release that do nothing, then all
 * calls timed as a whole. No page is touched. What a per-call figure of
 * another workload holds beyond its own work.
 */
#define PINBENCH_MAX_NOOP_CALLS	(1u << 24)
struct pinbench_noop {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 calls;			/* (in)  1..PINBENCH_MAX_NOOP_CALLS */
	__u64 hist;			/* (in)  user address of PINBENCH_HIST_BUCKETS
					 *       __u64: the per-call times; or 0 */
	__u32 hist_buckets;		/* (in)  PINBENCH_HIST_BUCKETS with hist, else 0 */
	__u32 reserved0;		/* (in)  zero */
	struct pinbench_phase_stats call;  /* (out) each call timed alone */
	struct pinbench_phase_stats phase; /* (out) all calls timed as one sample */
	__u64 reserved[2];		/* (in)  zero */
};

/*
 * PINBENCH_IOC_PIN_COUNT: the pin count's edge cases, on the one page at
 * addr. Takes refs ordinary references (PINBENCH_PC_GET: FOLL_GET) or
 * pins (PINBENCH_PC_PIN: FOLL_PIN), one GUP call each, and reports what
 * core mm then believes of the page: folio_maybe_dma_pinned(), which for a
 * small folio reads refcount >= GUP_PIN_COUNTING_BIAS (1024) and so takes
 * 1024 ordinary references for a pin, and the refcount. With
 * PINBENCH_PC_HOLD they stay held by the file (counted in pages_held)
 * until its next request of this kind, which gives them back first, or
 * until it is closed; else they are given back before the call returns.
 * refs = 0 only gives back what is held. A page that changes under the
 * calls (migrated, copied) stops them: EAGAIN, nothing held.
 */
#define PINBENCH_PC_GET		1
#define PINBENCH_PC_PIN		2
#define PINBENCH_PC_HOLD	(1u << 0)
#define PINBENCH_MAX_PC_REFS	(1u << 16)
struct pinbench_pin_count {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 mode;			/* (in)  PINBENCH_PC_GET or _PIN (any with refs = 0) */
	__u32 refs;			/* (in)  0..PINBENCH_MAX_PC_REFS */
	__u32 flags;			/* (in)  PINBENCH_PC_HOLD */
	__u64 addr;			/* (in)  page-aligned address of a writable page */
	__u32 taken;			/* (out) references or pins taken */
	__u32 folio_order;		/* (out) order of the page's folio */
	__s64 refcount_before;		/* (out) folio_ref_count(), the module's own
					 *       reference included */
	__s64 refcount_after;		/* (out) the same with them taken */
	__u32 pinned_before;		/* (out) folio_maybe_dma_pinned() before */
	__u32 pinned_after;		/* (out) and with them taken */
	__u64 take_ns;			/* (out) the GUP calls, all of them */
	__u64 reserved[2];		/* (in)  zero */
};

/*
 * PINBENCH_IOC_PTE_CENSUS: what the caller's page tables hold for
 * [addr, addr + nr_pages pages) now, read under the mmap lock and each
 * page table's lock (apply_to_existing_page_range()): the present PTEs,
 * and of them those NUMA balancing's scanner made PROT_NONE to take a
 * hinting fault (change_prot_numa() -> change_pte_range(), pte_protnone()):
 * the marks on a buffer alone, where /proc/vmstat's numa_pte_updates
 * counts the whole system's. Every vma in the range must be MADV_NOHUGEPAGE
 * and not hugetlb (EINVAL): a range that may be mapped by a huge PMD,
 * now or by a fault meanwhile, is not one of PTEs.
 */
struct pinbench_pte_census {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 reserved0;		/* (in)  zero */
	__u64 addr;			/* (in)  page-aligned user address */
	__u64 nr_pages;			/* (in)  1..PINBENCH_MAX_BUFFER_PAGES */
	__u64 present;			/* (out) present PTEs */
	__u64 protnone;			/* (out) of them, NUMA hinting marks */
	__u64 reserved[2];		/* (in)  zero */
};

/*
 * PINBENCH_IOC_GUP_FAST: the gup_fast workload, as the kernel's own
 * mm/gup_test.c runs it. Per round, the buffer [addr, addr + nr_pages pages)
 * is acquired in calls of pages_per_call pages, then released call by call.
 * Rounds alternate between two kinds:
 *  - sampled rounds: each acquire and release call is timed on its own
 *    (one ktime_get_ns() on each side of the call, nothing else inside)
 *    and counted in the histograms and in acquire/release;
 *  - phase rounds: only the whole acquire phase and the whole release
 *    phase are timed, as gup_test does, so no clock read sits between
 *    calls; they fill acquire_phase/release_phase (one sample per round).
 * Comparing the two shows what the per-call clock reads cost, instead of
 * asserting it. Correctness checks (the count returned, the pages) run
 * outside every timed region.
 */
/*
 * PINBENCH_GF_ONE_SHOT: every round is the measurement and is never run
 * again, whatever reached it. A round whose pages change under it (a
 * FOLL_LONGTERM first pin that migrates them out of ZONE_MOVABLE) cannot
 * be repeated: a second try finds them moved and times a pin without the
 * migration. Its interrupts, sleeps and context switches are the design's
 * own cost (migration sleeps on page locks and drains the LRU caches) and
 * stay in the figure; they are counted in rounds_disturbed.
 */
#define PINBENCH_GF_ONE_SHOT	(1u << 0)
#define PINBENCH_GF_ALL		PINBENCH_GF_ONE_SHOT

struct pinbench_gup_fast {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 strategy;			/* (in)  enum pinbench_strategy_id */
	__u32 flags;			/* (in)  PINBENCH_PIN_* */
	__u32 pages_per_call;		/* (in)  1..PINBENCH_MAX_PAGES_PER_CALL,
					 *       divides nr_pages */
	__u64 addr;			/* (in)  page-aligned user address */
	__u64 nr_pages;			/* (in)  1..PINBENCH_MAX_BUFFER_PAGES */
	__u32 rounds;			/* (in)  sampled rounds, and as many
					 *       phase rounds; 1..MAX_ROUNDS */
	__u32 warmup_rounds;		/* (in)  untimed rounds first, 0.. */
	__u64 acquire_hist;		/* (in)  user __u64[hist_buckets] or 0 */
	__u64 release_hist;		/* (in)  user __u64[hist_buckets] or 0 */
	__u32 hist_buckets;		/* (in)  PINBENCH_HIST_BUCKETS if a
					 *       histogram pointer is set, else 0 */
	__u32 options;			/* (in)  PINBENCH_GF_*; other bits:
					 *       EINVAL */
	struct pinbench_phase_stats acquire;	   /* (out) per call */
	struct pinbench_phase_stats release;	   /* (out) per call */
	struct pinbench_phase_stats acquire_phase; /* (out) per phase round */
	struct pinbench_phase_stats release_phase; /* (out) per phase round */
	__u64 pages_done;		/* (out) pages acquired and released */
	__u64 huge_pages_seen;		/* (out) pages that were part of a
					 *       PMD-sized folio (THP) */
	__u64 foll_pins;		/* (out) FOLL_PIN pins taken (and all
					 *       dropped again), warm-up and
					 *       retries included: what
					 *       /proc/vmstat must show */
	__u32 strategy_caps;		/* (out) PINBENCH_CAP_* */
	__u32 registration;		/* (in)  PINBENCH_REG_*: where the
					 *       strategy's tracking state lives */
	__u64 revokes;			/* (out) acquires whose pins an
					 *       invalidation dropped */
	__u32 breakdown;		/* (in)  1: time the strategy's parts
					 *       (needs PINBENCH_CAP_BREAKDOWN);
					 *       0: do not */
	__u32 release_whole;		/* (in)  1: phase rounds release the
					 *       whole buffer with one release
					 *       call, as mm/gup_test.c times it
					 *       (strategies that hold nothing
					 *       but the pages: gup_ref,
					 *       pin_counter; else EOPNOTSUPP);
					 *       0: call by call */
	__u64 part_hist;		/* (in)  user __u64[PINBENCH_MAX_PARTS]
					 *       [hist_buckets] or 0; needs
					 *       hist_buckets set */
	struct pinbench_phase_stats part[PINBENCH_MAX_PARTS]; /* (out) per
					 *       call, breakdown runs only */
	__u64 read_retries;		/* (out) acquires redone because an
					 *       invalidation raced them (warm-up
					 *       included; their time is in the
					 *       acquire figures) */
	/*
	 * The rmap walker's tax (fake_vma, fake_vma_fast): with a round's
	 * tracking objects all held, their tree walked under the rmap lock
	 * taken for read, as unmap_mapping_range() or page_mkclean() would
	 * visit them among the real vmas: over the whole file (walk), and
	 * over a range none of them overlaps (walk_miss: the lock and the
	 * descent). Once, PINBENCH_WALKS times each; n = 0 elsewhere.
	 */
	struct pinbench_phase_stats walk;	/* (out) */
	struct pinbench_phase_stats walk_miss;	/* (out) */
	__u64 walk_vmas;		/* (out) tracking objects one walk met */
	/*
	 * Measured rounds that an interrupt, a context switch or a CPU move
	 * reached: run again with their figures dropped (redone, at most
	 * rounds), or kept, figures and all, once four attempts in a row
	 * were reached (disturbed: rounds longer than the gaps between
	 * ticks). Breakdown runs keep every round.
	 */
	__u32 rounds_redone;		/* (out) */
	__u32 rounds_disturbed;		/* (out) */
};
#define PINBENCH_WALKS	32

/*
 * The simulated DMA device. A registered buffer is a device page table:
 * one entry per page, the pages a strategy acquired (held until
 * unregister, or until a revoking strategy points entries at the module's
 * dummy page). Its DMA engine, once started, makes `burst` accesses per
 * tick at `rate_hz` ticks per second, page after page, from a kthread or
 * a hard-irq hrtimer: a write stores a struct pinbench_record through
 * kmap_local_page(); a read loads one. Every access is classified, under
 * the device lock, as
 *   delivered:  the page the user registered, still where the user sees
 *               it (file: page->mapping and index unchanged; anon: still
 *               mapped);
 *   lost:       the page the user registered, but it left the file (or,
 *               anon, is mapped nowhere): nobody will ever see the data;
 *   redirected: the dummy page, after a revoke.
 * A write that was in place may still never reach the file's storage
 * (writeback skipped the page, or truncate dropped it later): what became
 * of each write is judged by userspace from the file's final content,
 * each write's record having its own slot (see below), against the
 * per-page counts DEV_STOP and DEV_UNREGISTER return (fates_addr).
 */
#define PINBENCH_RECORD_MAGIC	0x70696e62656e6368ull	/* "pinbench" */
struct pinbench_record {
	__u64 magic;		/* PINBENCH_RECORD_MAGIC */
	__u32 buffer_id;	/* as DEV_REGISTER returned it */
	__u32 page_index;	/* page of the buffer the record was meant for */
	__u64 seq;		/* per buffer, from 1 */
	__u64 time_ns;		/* ktime_get_ns() of the write */
};
/*
 * Record seq goes to page (seq - 1) % nr_pages, slot ((seq - 1) / nr_pages)
 * % PINBENCH_RECORD_SLOTS: no record overwrites another while seq stays
 * within nr_pages * PINBENCH_RECORD_SLOTS (max_records at DEV_START).
 */
#define PINBENCH_RECORD_SLOTS(page_size) ((page_size) / sizeof(struct pinbench_record))

#define PINBENCH_ENGINE_KTHREAD	1	/* process context; rate 0: flat out */
#define PINBENCH_ENGINE_HRTIMER	2	/* hard-irq hrtimer callback */

#define PINBENCH_DMA_WRITE	1
#define PINBENCH_DMA_READ	2

/* Contexts a buffer can be released from at DEV_UNREGISTER. */
#define PINBENCH_CTX_PROCESS	1	/* the ioctl itself */
#define PINBENCH_CTX_HARDIRQ	2	/* a hard-irq hrtimer callback, as a
					 * device's completion interrupt */
#define PINBENCH_CTX_SOFTIRQ	3	/* a soft hrtimer callback (softirq), as
					 * blk-mq's remote completion; only
					 * PINBENCH_IOC_IRQ_COMPLETION takes it */

/*
 * Invalidations a revoking strategy saw, by cause. No kernel from 6.1 to
 * 6.12 has an MMU_NOTIFY_TRUNCATE: truncate arrives as MMU_NOTIFY_CLEAR,
 * like reclaim, migration, KSM, MADV_DONTNEED and hole punch.
 * CLEAR_TRUNCATE is a CLEAR whose first revoked page is a file page at or
 * beyond i_size when the callback runs (truncate_setsize() moves i_size
 * before it unmaps); every revocation other than CLEAR_TRUNCATE counts as
 * spurious (hole punch included, since the event cannot tell it from
 * reclaim). On ext4 with DAX, a truncate first breaks the file's layouts
 * (ext4_setattr() -> ext4_break_layouts() -> dax_layout_busy_page()),
 * which unmaps the whole file while i_size still has its old value: that
 * CLEAR counts as CLEAR_OTHER, and it revokes pages below the new end too.
 * A revoke policy of TRUNCATE_UNMAP then lets it pass, and the truncate
 * waits for the pins like any other: the event the 2018 proposal needed
 * (a TRUNCATE notifier event) does not exist for it to tell.
 */
#define PINBENCH_EVENTS(X)			\
	X(UNMAP,          0, "unmap")		\
	X(CLEAR_TRUNCATE, 1, "clear_truncate")	\
	X(CLEAR_OTHER,    2, "clear_other")	\
	X(PROTECTION,     3, "protection")	\
	X(RELEASE,        4, "release")		\
	X(MIGRATE,        5, "migrate")		\
	X(OTHER,          6, "other")

enum pinbench_event {
#define PINBENCH_X_ENUM(sym, id, name) PINBENCH_EV_##sym = id,
	PINBENCH_EVENTS(PINBENCH_X_ENUM)
#undef PINBENCH_X_ENUM
	PINBENCH_EV_NR
};
#define PINBENCH_EV_SLOTS 8	/* room in the ABI */

/*
 * What a revoking strategy does on an invalidation (DEV_REGISTER's revoke;
 * zero is the default: every event revokes, the device then writes into
 * the dummy page). EOPNOTSUPP for a strategy without PINBENCH_CAP_REVOKE.
 *   TRUNCATE_UNMAP: only truncate (CLEAR_TRUNCATE), unmap and release
 *               revoke, as the proposal was written in 2018; every other
 *               event is counted (ignored, ignored_events) and the pins
 *               stay.
 *   REACQUIRE:  after a revocation, a worker pins the range again once the
 *               invalidation is over (mmu_interval_read_begin() waits for
 *               it), as ODP and HMM drivers fault pages back in, and points
 *               the entries back at the pages; until then the device writes
 *               into the dummy page. Pages that cannot be pinned again
 *               (past the end of a truncated file) stay on the dummy page
 *               and are counted (reacquire_failed). A worker that gives up
 *               (invalidations kept racing it for PINBENCH_REVOKE_RETRY_MS)
 *               leaves entries it never tried; the next device access to
 *               one queues it again, as a device fault would
 *               (reacquire_rearms), and waits for it.
 *   TEST_GIVE_UP_ONCE: with REACQUIRE, testing only: the worker's first
 *               run gives up at once, as if its time budget were spent,
 *               so that the re-arming can be seen to work.
 */
#define PINBENCH_REVOKE_TRUNCATE_UNMAP	(1u << 0)
#define PINBENCH_REVOKE_REACQUIRE	(1u << 1)
#define PINBENCH_REVOKE_TEST_GIVE_UP_ONCE (1u << 2)
#define PINBENCH_REVOKE_ALL		(PINBENCH_REVOKE_TRUNCATE_UNMAP | PINBENCH_REVOKE_REACQUIRE | \
					 PINBENCH_REVOKE_TEST_GIVE_UP_ONCE)

/* Where one page's device accesses went, as classified at each access. */
struct pinbench_page_fate {
	__u64 in_place;			/* (out) "delivered" above */
	__u64 lost;			/* (out) */
	__u64 redirected;		/* (out) */
};

/* PINBENCH_IOC_DEV_REGISTER: acquire a buffer for the device. */
struct pinbench_dev_register {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 strategy;			/* (in)  enum pinbench_strategy_id */
	__u32 flags;			/* (in)  PINBENCH_PIN_* */
	__u32 registration;		/* (in)  PINBENCH_REG_* */
	__u64 addr;			/* (in)  page-aligned user address */
	__u64 nr_pages;			/* (in)  1..PINBENCH_MAX_BUFFER_PAGES */
	__u32 pages_per_call;		/* (in)  pages per acquire call,
					 *       1..PINBENCH_MAX_PAGES_PER_CALL */
	__u32 buffer_id;		/* (out) 1..PINBENCH_MAX_DEV_BUFFERS */
	__u64 acquire_ns;		/* (out) time to acquire the buffer */
	__u32 strategy_caps;		/* (out) PINBENCH_CAP_* */
	__u32 revoke;			/* (in)  PINBENCH_REVOKE_*, or zero */
	__u64 read_retries;		/* (out) acquires redone because an
					 *       invalidation raced them */
	__u32 test;			/* (in)  PINBENCH_DEV_TEST_*, testing
					 *       only; zero */
	__u32 reserved0;		/* (in)  zero */
	__u64 reserved;			/* (in)  zero */
};

/*
 * PINBENCH_DEV_TEST_UNMAP_FIRST: between the acquire and the record of
 * what each entry is, the first page's file range is unmapped from every
 * address space (unmap_mapping_range(): an MMU_NOTIFY_CLEAR, as reclaim's
 * unmap or a truncate through another mapping racing the registration
 * would send), so that the registration meets an entry without its page
 * (hmm_mirror: NULL; notifier_revoke: the dummy page). The first page
 * must be a page of a file; EINVAL otherwise.
 */
#define PINBENCH_DEV_TEST_UNMAP_FIRST	(1u << 0)
#define PINBENCH_DEV_TEST_ALL		PINBENCH_DEV_TEST_UNMAP_FIRST

/* PINBENCH_IOC_DEV_START: start the DMA engine on a registered buffer. */
struct pinbench_dev_start {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 buffer_id;		/* (in)  from DEV_REGISTER */
	__u32 engine;			/* (in)  PINBENCH_ENGINE_* */
	__u32 direction;		/* (in)  PINBENCH_DMA_* */
	__u32 rate_hz;			/* (in)  ticks/s, 1..PINBENCH_MAX_RATE_HZ;
					 *       0 = flat out (kthread only) */
	__u32 burst;			/* (in)  accesses per tick,
					 *       1..PINBENCH_MAX_BURST */
	__u64 max_records;		/* (in)  stop after as many; 0 = never */
	__u64 reserved[2];		/* (in)  zero */
};

/*
 * PINBENCH_IOC_DEV_STOP (stop the engine; the buffer stays registered)
 * and PINBENCH_IOC_DEV_UNREGISTER (stop, release the buffer from
 * release_ctx, wait until everything is given back, forget the id).
 * Counts are since DEV_REGISTER.
 */
struct pinbench_dev_stats {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 buffer_id;		/* (in)  from DEV_REGISTER */
	__u32 release_ctx;		/* (in)  UNREGISTER: PINBENCH_CTX_*;
					 *       STOP: zero */
	__u32 reserved0;		/* (in)  zero */
	__u64 accesses;			/* (out) device reads and writes */
	__u64 delivered;		/* (out) see above */
	__u64 lost;			/* (out) */
	__u64 redirected;		/* (out) */
	__u64 invalidations;		/* (out) notifier callbacks that
					 *       overlapped held pages */
	__u64 revocations;		/* (out) those that dropped pins */
	__u64 pages_revoked;		/* (out) pins dropped by them */
	__u64 spurious;			/* (out) revocations not caused by
					 *       truncate (see PINBENCH_EVENTS) */
	__u64 nonblocking;		/* (out) callbacks that could not sleep */
	__u64 events[PINBENCH_EV_SLOTS];/* (out) revocations by cause */
	__u64 release_handler_ns;	/* (out) UNREGISTER: time spent in the
					 *       release call (in release_ctx) */
	__u64 release_pages_ns;		/* (out) from the release call until
					 *       the last page was given back */
	__u64 release_done_ns;		/* (out) ... until all deferred work
					 *       (tracking objects, notifiers)
					 *       had finished */
	__u64 deferred;			/* (out) acquires whose release went
					 *       to a workqueue */
	__u64 engine_ticks;		/* (out) engine ticks run */
	__u64 revoke_span_ns;		/* (out) from the start of the first
					 *       revoking notifier callback to the
					 *       end of the last: how long the
					 *       device's pins took to go (0: none) */
	__u64 revoke_callback_max_ns;	/* (out) the longest such callback */
	__u64 revoke_callback_sum_ns;	/* (out) all of them */
	__u64 fates_addr;		/* (in)  zero, or a user array of
					 *       fates_nr struct pinbench_page_fate,
					 *       8-byte aligned, filled in */
	__u32 fates_nr;			/* (in)  the buffer's nr_pages when
					 *       fates_addr is set, else zero */
	__u32 reserved1;		/* (in)  zero */
	__u64 ignored;			/* (out) TRUNCATE_UNMAP: invalidations
					 *       over held pages that did not
					 *       revoke */
	__u64 ignored_events[PINBENCH_EV_SLOTS]; /* (out) them, by cause */
	__u64 reacquires;		/* (out) REACQUIRE: pin calls that
					 *       pointed entries back at pages */
	__u64 pages_reacquired;		/* (out) entries pointed back */
	__u64 reacquire_failed;		/* (out) pages that could not be
					 *       pinned again */
	__u64 reacquire_retries;	/* (out) pin calls undone because an
					 *       invalidation raced them */
	__u64 reacquire_work_ns;	/* (out) time in the worker's pin calls
					 *       (faults and mmap_lock included,
					 *       waits for an invalidation to end
					 *       not): the cost of pinning again */
	__u64 reacquire_wait_max_ns;	/* (out) longest from a revoking
					 *       callback's end to every entry it
					 *       left re-pinned (or given up) */
	__u64 reacquire_wait_sum_ns;	/* (out) and all of them */
	__u64 stalls;			/* (out) REACQUIRE: accesses put off
					 *       (retried next tick) because
					 *       their entry was being pinned
					 *       again; device_faults: accesses
					 *       that met an invalidated entry */
	__u64 device_faults;		/* (out) device_faults strategies: page
					 *       faults the device raised (one
					 *       per service by the worker, which
					 *       the reacquire_* fields count) */
	__u64 reacquire_rearms;		/* (out) REACQUIRE: device accesses
					 *       to a revoked entry that queued
					 *       the worker again after it had
					 *       given up */
};

/*
 * PINBENCH_IOC_SMALL_DIO: direct I/O through real bios. The user buffer
 * [addr, addr + queue_depth * block_size) holds queue_depth slots; each I/O
 * acquires its slot's pages through the strategy, builds a bio on them and
 * submits it to the block device behind bdev_fd, keeping queue_depth I/Os
 * in flight. I/O number seq (from 0, warm-up included) goes to device
 * offset dev_offset + seq * block_size % dev_span, in submission order. The bio's end_io, in whatever context the device completes
 * (null_blk: inline, softirq or hardirq), releases the pages through
 * pinbench's release-from-any-context, deferring to a workqueue exactly
 * what the strategy cannot do there. As 6.1's block direct I/O does for
 * reads (the device writes memory), pages are dirtied before submission
 * (bio_set_pages_dirty()) and, if one was cleaned meanwhile, re-dirtied
 * after completion from process context (bio_check_pages_dirty()).
 */
#define PINBENCH_DIO_MAX_BLOCK	65536u	/* bytes per I/O */
#define PINBENCH_DIO_MAX_QD	256u
#define PINBENCH_DIO_MAX_IOS	(1ull << 32)

struct pinbench_small_dio {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 strategy;			/* (in)  enum pinbench_strategy_id */
	__u32 flags;			/* (in)  PINBENCH_PIN_LONGTERM or 0
					 *       (WRITE and DIRTY follow from
					 *       direction) */
	__u32 registration;		/* (in)  PINBENCH_REG_* */
	__s32 bdev_fd;			/* (in)  a block device, opened for
					 *       reading if direction is READ, for
					 *       writing if it is WRITE */
	__u32 direction;		/* (in)  PINBENCH_DMA_READ (device
					 *       to memory) or _WRITE */
	__u32 block_size;		/* (in)  power of two, 512..
					 *       PINBENCH_DIO_MAX_BLOCK, a multiple
					 *       of the logical block size */
	__u32 queue_depth;		/* (in)  1..PINBENCH_DIO_MAX_QD */
	__u64 addr;			/* (in)  aligned to min(block_size,
					 *       page size) */
	__u64 ios;			/* (in)  measured I/Os,
					 *       1..PINBENCH_DIO_MAX_IOS */
	__u64 warmup_ios;		/* (in)  I/Os before them, 0.. */
	__u64 dev_offset;		/* (in)  bytes, aligned to block_size */
	__u64 dev_span;			/* (in)  bytes, a multiple of
					 *       block_size; within the device */
	__u64 latency_hist;		/* (in)  user __u64[hist_buckets] or 0 */
	__u64 acquire_hist;		/* (in)  the same, or 0 */
	__u64 release_hist;		/* (in)  the same, or 0 */
	__u64 residency_hist;		/* (in)  the same, or 0 */
	__u64 span_hist;		/* (in)  the same, or 0 */
	__u64 slot_seqs;		/* (in)  user __u64[queue_depth] or 0:
					 *       (out) the number of each slot's
					 *       last measured I/O (counting warm-up
					 *       from 0; its offset is dev_offset +
					 *       seq * block_size % dev_span), or ~0 */
	__u32 hist_buckets;		/* (in)  PINBENCH_HIST_BUCKETS if a
					 *       histogram pointer is set, else 0 */
	__u32 strategy_caps;		/* (out) PINBENCH_CAP_* */
	struct pinbench_phase_stats latency;	/* (out) submit_bio() to end_io */
	struct pinbench_phase_stats acquire;	/* (out) acquire, plus dirtying
						 *       for reads */
	struct pinbench_phase_stats release;	/* (out) the release call in
						 *       end_io's context */
	struct pinbench_phase_stats residency;	/* (out) end_io until the pages
						 *       were really given back */
	struct pinbench_phase_stats span;	/* (out) the I/O as its issuer
						 *       sees it: from the start of
						 *       the acquire to the end of
						 *       the release call in end_io
						 *       (the span of the stock
						 *       kernel's submit-to-completion,
						 *       which pins in submission and
						 *       releases in completion) */
	__u64 elapsed_ns;		/* (out) first measured submission to
					 *       last measured completion */
	__u64 ios_done;			/* (out) measured I/Os completed */
	__u64 io_errors;		/* (out) bios that completed in error */
	__u64 completions[3];		/* (out) end_io ran in hardirq,
					 *       softirq, task context */
	__u64 deferred;			/* (out) releases sent to the workqueue */
	__u64 deferred_work_ns;		/* (out) time the workqueue spent on them */
	__u64 max_deferred_depth;	/* (out) most releases pending at once */
	__u64 redirtied;		/* (out) reads whose pages had to be
					 *       dirtied again after completion */
	__u64 stalls;			/* (out) submissions that waited for
					 *       deferred releases to drain */
	__u64 foll_pins;		/* (out) FOLL_PIN pins taken */
	__u64 read_retries;		/* (out) acquires redone because an
					 *       invalidation raced them */
	__u64 revoke_waits;		/* (out) notifier_revoke: invalidations
					 *       of an I/O's pages, which waited
					 *       for its release (a bio cannot be
					 *       revoked) */
	__u64 revoke_wait_sum_ns;	/* (out) how long they waited */
	__u64 revoke_wait_max_ns;	/* (out) the longest */
	__u64 revoke_refused;		/* (out) non-blockable ones refused */
	__u64 acquires_disturbed;	/* (out) measured acquires left out of
					 *       acquire: an interrupt reached
					 *       its CPU during it (a completion,
					 *       the tick), it was preempted (the
					 *       release work a completion woke)
					 *       or moved; voluntary sleeps stay */
	__u64 reserved;			/* (in)  zero */
};

/*
 * PINBENCH_IOC_IRQ_COMPLETION: completion at an offered rate, from a chosen
 * context. The user buffer [addr, addr + queue_depth * pages_per_io pages)
 * holds queue_depth slots. The caller's task is the submitter: it acquires
 * a slot's pages through the strategy and queues the I/O at the simulated
 * device, keeping queue_depth I/Os queued. The device completes queued
 * I/Os, oldest first, at rate_hz completions per second from `context`:
 * a hard-irq hrtimer, a soft hrtimer (softirq) or a kthread (process
 * context, as a threaded interrupt handler), on CPU `cpu`. It interrupts
 * every coalesce / rate_hz seconds and completes the completions due by
 * then (rate_hz times the time since the start, less those offered
 * before), at most PINBENCH_IRQ_MAX_BATCH per interrupt: completions due
 * with no I/O queued are missed_empty (the submitter was behind), those
 * beyond the batch limit missed_late (the interrupt came late). The
 * handler releases each I/O through pinbench's release-from-any-context:
 * in hardirq and softirq context it defers to a workqueue what the
 * strategy cannot do there; in process context nothing is deferred.
 *
 * The device moves no data (small_dio does that, on a real block device):
 * what is studied is the completion side. For direction READ (the device
 * writes memory) pages are acquired for write and dirtied before they are
 * queued, as bio_set_pages_dirty() does, so no release needs the page lock.
 *
 * An I/O whose release was deferred is backlog until its deferred work has
 * run; the submitter may have max_backlog of them outstanding before it
 * waits (a stall). backlog_samples tells whether the backlog grows without
 * bound: entry k is the backlog at the last interrupt in the k-th of
 * PINBENCH_IRQ_SAMPLES equal parts of the measured time.
 */
#define PINBENCH_IRQ_MAX_PAGES		16u	/* pages per I/O */
#define PINBENCH_IRQ_MAX_QD		256u
#define PINBENCH_IRQ_MAX_BACKLOG	65536u
#define PINBENCH_IRQ_MAX_BATCH		256u	/* completions per interrupt */
#define PINBENCH_IRQ_MAX_DURATION_NS	(60ull * 1000000000ull)
#define PINBENCH_IRQ_MIN_PERIOD_NS	1000u	/* coalesce / rate_hz at least 1 us */
#define PINBENCH_IRQ_SAMPLES		32u
#define PINBENCH_CPU_ANY_OTHER		(-1)	/* any online CPU but the caller's,
						 * or the caller's if it is alone */

struct pinbench_irq_completion {
	__u32 abi_version;		/* (in)  PINBENCH_ABI_VERSION */
	__u32 strategy;			/* (in)  enum pinbench_strategy_id */
	__u32 flags;			/* (in)  PINBENCH_PIN_LONGTERM or 0 */
	__u32 registration;		/* (in)  PINBENCH_REG_* */
	__u32 context;			/* (in)  PINBENCH_CTX_HARDIRQ, _SOFTIRQ
					 *       or _PROCESS */
	__u32 direction;		/* (in)  PINBENCH_DMA_READ or _WRITE */
	__u32 pages_per_io;		/* (in)  1..PINBENCH_IRQ_MAX_PAGES */
	__u32 queue_depth;		/* (in)  1..PINBENCH_IRQ_MAX_QD */
	__u64 addr;			/* (in)  page-aligned user address */
	__u32 rate_hz;			/* (in)  offered completions per second,
					 *       1..PINBENCH_MAX_RATE_HZ */
	__u32 coalesce;			/* (in)  completions per interrupt at the
					 *       offered pace, 1..MAX_BATCH; the
					 *       period coalesce / rate_hz must be
					 *       >= PINBENCH_IRQ_MIN_PERIOD_NS */
	__u32 max_backlog;		/* (in)  1..PINBENCH_IRQ_MAX_BACKLOG */
	__s32 cpu;			/* (in)  the device's CPU, or
					 *       PINBENCH_CPU_ANY_OTHER */
	__u64 duration_ns;		/* (in)  measured time, 1 ms..
					 *       PINBENCH_IRQ_MAX_DURATION_NS */
	__u64 warmup_ns;		/* (in)  before it, 0..MAX_DURATION_NS */
	__u64 handler_hist;		/* (in)  user __u64[hist_buckets] or 0 */
	__u64 release_hist;		/* (in)  the same, or 0 */
	__u64 residency_hist;		/* (in)  the same, or 0 */
	__u64 done_hist;		/* (in)  the same, or 0 */
	__u64 backlog_samples;		/* (in)  user __u64[PINBENCH_IRQ_SAMPLES]
					 *       or 0; (out) see above */
	__u32 hist_buckets;		/* (in)  PINBENCH_HIST_BUCKETS if a
					 *       histogram pointer is set, else 0 */
	__u32 strategy_caps;		/* (out) PINBENCH_CAP_* */
	struct pinbench_phase_stats handler;	/* (out) per interrupt: the whole
						 *       handler */
	struct pinbench_phase_stats release;	/* (out) per completion: the
						 *       release call in it */
	struct pinbench_phase_stats residency;	/* (out) completion until the
						 *       pages were given back */
	struct pinbench_phase_stats done;	/* (out) completion until its
						 *       deferred work had run */
	struct pinbench_phase_stats acquire;	/* (out) per I/O, submitter; only
						 *       acquires nothing else ran
						 *       inside (acquires_disturbed) */
	__u64 elapsed_ns;		/* (out) measured time, as it ran */
	__u64 interrupts;		/* (out) measured interrupts */
	__u64 offered;			/* (out) completions due in it */
	__u64 completions;		/* (out) I/Os completed in it */
	__u64 missed_empty;		/* (out) due, nothing queued */
	__u64 missed_late;		/* (out) due beyond the batch limit */
	__u64 contexts[3];		/* (out) completions whose handler ran
					 *       in hardirq, softirq, task context */
	__u64 deferred;			/* (out) releases sent to the workqueue */
	__u64 deferred_work_ns;		/* (out) time the workqueue spent on them */
	__u64 max_backlog_seen;		/* (out) most I/Os with deferred work
					 *       pending at once */
	__u64 backlog_end;		/* (out) pending when the device stopped */
	__u64 drain_ns;			/* (out) from then until none was */
	__u64 stalls;			/* (out) submissions that waited for
					 *       the backlog */
	__u64 foll_pins;		/* (out) FOLL_PIN pins taken */
	__s32 cpu_used;			/* (out) the device's CPU */
	__s32 submitter_cpu;		/* (out) the caller's CPU at the start */
	__u64 read_retries;		/* (out) acquires redone because an
					 *       invalidation raced them */
	__u64 acquires_disturbed;	/* (out) measured acquires left out of
					 *       acquire: the submitter was
					 *       preempted during it (a kworker
					 *       running release work, the
					 *       device's thread), or the device
					 *       ticked on its CPU (placement
					 *       shared), so its time was not the
					 *       acquire's alone */
	__u64 reserved[2];		/* (in)  zero */
};

#define PINBENCH_IOC_INFO	_IOWR(PINBENCH_IOC_MAGIC, 1, struct pinbench_info)
#define PINBENCH_IOC_GUP_FAST	_IOWR(PINBENCH_IOC_MAGIC, 2, struct pinbench_gup_fast)
#define PINBENCH_IOC_DEV_REGISTER _IOWR(PINBENCH_IOC_MAGIC, 3, struct pinbench_dev_register)
#define PINBENCH_IOC_DEV_START	_IOW(PINBENCH_IOC_MAGIC, 4, struct pinbench_dev_start)
#define PINBENCH_IOC_DEV_STOP	_IOWR(PINBENCH_IOC_MAGIC, 5, struct pinbench_dev_stats)
#define PINBENCH_IOC_DEV_UNREGISTER _IOWR(PINBENCH_IOC_MAGIC, 6, struct pinbench_dev_stats)
#define PINBENCH_IOC_SMALL_DIO	_IOWR(PINBENCH_IOC_MAGIC, 7, struct pinbench_small_dio)
#define PINBENCH_IOC_IRQ_COMPLETION \
	_IOWR(PINBENCH_IOC_MAGIC, 8, struct pinbench_irq_completion)
#define PINBENCH_IOC_STRATEGY	_IOWR(PINBENCH_IOC_MAGIC, 9, struct pinbench_strategy_info)
#define PINBENCH_IOC_NOOP	_IOWR(PINBENCH_IOC_MAGIC, 10, struct pinbench_noop)
#define PINBENCH_IOC_PIN_COUNT	_IOWR(PINBENCH_IOC_MAGIC, 11, struct pinbench_pin_count)
#define PINBENCH_IOC_PTE_CENSUS	_IOWR(PINBENCH_IOC_MAGIC, 12, struct pinbench_pte_census)

/*
 * The workloads' requests, one line each: (command, name). The module runs
 * each under the file's lock through pinbench_<name>_ioctl() in
 * kmod/<name>.c; adding a workload adds its struct, its command and a line
 * here, and no line to the module's dispatch.
 */
#define PINBENCH_WORKLOAD_IOCTLS(X)			\
	X(PINBENCH_IOC_GUP_FAST, gup_fast)		\
	X(PINBENCH_IOC_SMALL_DIO, small_dio)		\
	X(PINBENCH_IOC_IRQ_COMPLETION, irq_completion)	\
	X(PINBENCH_IOC_NOOP, noop)			\
	X(PINBENCH_IOC_PIN_COUNT, pin_count)		\
	X(PINBENCH_IOC_PTE_CENSUS, pte_census)

#endif /* PINBENCH_UAPI_H */
