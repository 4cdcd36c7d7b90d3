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
 *   EINTR      a fatal signal arrived during a long run
 *   ENOMEM     allocation failure
 */

#define PINBENCH_ABI_VERSION	1
#define PINBENCH_IOC_MAGIC	0xB8	/* unassigned in ioctl-number.rst (6.1) */

/*
 * Pinning strategies: one line each, id is part of the ABI (never reuse).
 * Userspace derives names and the list of valid values from this table.
 */
#define PINBENCH_STRATEGIES(X)				\
	X(GUP_REF,         1, "gup_ref")			\
	X(PIN_COUNTER,     2, "pin_counter")			\
	X(FAKE_VMA,        3, "fake_vma")			\
	X(NOTIFIER_REVOKE, 4, "notifier_revoke")

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
#define PINBENCH_CAP_LOCKLESS	(1u << 0) /* acquire without mmap_lock (GUP-fast) */
#define PINBENCH_CAP_RELEASE_ATOMIC (1u << 1) /* release may run in hardirq */
#define PINBENCH_CAP_REVOKE	(1u << 2) /* pins are dropped on invalidation */

/* Limits (documented, enforced with E2BIG). */
#define PINBENCH_MAX_PAGES_PER_CALL	1024u
#define PINBENCH_MAX_BUFFER_PAGES	(1u << 16)	/* 256 MiB of 4 KiB pages */
#define PINBENCH_MAX_ROUNDS		(1u << 20)

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
					 *       now (0 when nothing is held) */
	__u64 anon_vmas_leaked;		/* (out) anon_vmas fake_vma could not
					 *       free (see strategy_fake_vma.c) */
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
	__u32 reserved0;		/* (in)  zero */
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
	__u32 reserved1;		/* (in)  zero */
	__u64 revokes;			/* (out) acquires whose pins an
					 *       invalidation dropped */
	__u64 reserved[1];		/* (in)  zero */
};

#define PINBENCH_IOC_INFO	_IOWR(PINBENCH_IOC_MAGIC, 1, struct pinbench_info)
#define PINBENCH_IOC_GUP_FAST	_IOWR(PINBENCH_IOC_MAGIC, 2, struct pinbench_gup_fast)

#endif /* PINBENCH_UAPI_H */
