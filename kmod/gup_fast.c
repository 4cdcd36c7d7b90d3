// SPDX-License-Identifier: GPL-2.0
/* gup_fast.c: the gup_fast workload: acquire/release loops timed per call and per phase. */
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "pinbench.h"

static int gup_fast_validate(const struct pinbench_gup_fast *a,
			     const struct pinbench_strategy **sp)
{
	const struct pinbench_strategy *s;
	int ret;

	if (a->abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (a->options & ~PINBENCH_GF_ALL)
		return -EINVAL;
	if (a->release_whole > 1 || (a->release_whole && a->breakdown))
		return -EINVAL;
	if (a->breakdown > 1 || (a->part_hist && !a->breakdown))
		return -EINVAL;
	s = pinbench_strategy_get(a->strategy);
	if (!s)
		return -EINVAL;
	if (!a->pages_per_call || !a->rounds)
		return -EINVAL;
	if (a->pages_per_call > PINBENCH_MAX_PAGES_PER_CALL ||
	    a->rounds > PINBENCH_MAX_ROUNDS ||
	    a->warmup_rounds > PINBENCH_MAX_ROUNDS)
		return -E2BIG;
	if ((a->acquire_hist || a->release_hist || a->part_hist) ?
	    a->hist_buckets != PINBENCH_HIST_BUCKETS : a->hist_buckets)
		return -EINVAL;
	ret = pinbench_check_range(a->addr, a->nr_pages);
	if (ret)
		return ret;
	if (a->nr_pages % a->pages_per_call)
		return -EINVAL;
	ret = pinbench_check_pin_flags(s, a->flags, a->registration);
	if (ret)
		return ret;
	if (a->breakdown && !(s->caps & PINBENCH_CAP_BREAKDOWN))
		return -EOPNOTSUPP;
	if (a->release_whole && !s->release_any_range)
		return -EOPNOTSUPP;
	*sp = s;
	return 0;
}

static bool page_in_pmd_folio(struct page *page)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	return folio_order(page_folio(page)) >= HPAGE_PMD_ORDER;
#else
	return false;
#endif
}

enum round_kind { ROUND_WARMUP, ROUND_SAMPLED, ROUND_PHASE };

/* Disturbed attempts of one round in a row after which rounds are no longer run again. */
#define REDO_GIVE_UP	4

struct gup_fast_run {
	const struct pinbench_strategy *s;
	struct pinbench_gup_fast *a;
	struct page **pages;
	struct pinbench_pin *pins;	/* one per call of a round */
	struct pinbench_reg *reg;	/* PINBENCH_REG_PER_BUFFER: set up once */
	struct pinbench_breakdown *bd;	/* breakdown runs only */
	u64 *hist_acq, *hist_rel;
	unsigned int calls;	/* acquire calls per round */
	/*
	 * The round's figures, kept here until the round is known to have
	 * run undisturbed (see the rounds loop): per-call samples of a
	 * sampled round, the two phase times of a phase round.
	 */
	u64 *acq_ns, *rel_ns;
	u64 phase_acq, phase_rel;
	bool checked;		/* the holds/THP checks ran (first sampled round) */
};

/* Give back calls [0, held_calls), then whatever the failed call still holds. */
static void release_held(struct gup_fast_run *r, unsigned int held_calls)
{
	unsigned int c;

	for (c = 0; c < held_calls; c++)
		r->s->release(&r->pins[c]);
	if (held_calls < r->calls && r->pins[held_calls].nr)
		r->s->release(&r->pins[held_calls]);
}

/*
 * Call c of a round got n pages instead of all: account what it and the
 * calls before it took, give it all back. Out of line, so that the timed
 * loop's code does not depend on what failure accounts for.
 */
static noinline int round_failed(struct gup_fast_run *r, unsigned int c, long n)
{
	struct pinbench_gup_fast *a = r->a;
	struct pinbench_pin *pin = &r->pins[c];

	pin->nr = n > 0 ? n : 0;
	a->foll_pins += (r->s->foll_pin ? pin->nr : 0) + pin->extra_foll_pins;
	a->read_retries += pin->read_retries;
	release_held(r, c);
	return n < 0 ? n : -EFAULT;
}

/*
 * The rmap walker's tax, once, with every tracking object of the round
 * held. Out of line, as round_failed(): the timed loops' code must not
 * depend on it.
 */
static noinline void measure_walk(struct gup_fast_run *r)
{
	struct pinbench_gup_fast *a = r->a;
	unsigned int i;
	u64 t0, t1;
	long met;

	for (i = 0; i < 2 * PINBENCH_WALKS; i++) {
		bool miss = i & 1;

		t0 = ktime_get_ns();
		met = r->s->walk(&r->pins[0], miss);
		t1 = ktime_get_ns();
		if (met < 0)
			return;
		pinbench_stats_add(miss ? &a->walk_miss : &a->walk, t1 - t0);
		if (!miss)
			a->walk_vmas = met;
	}
}

/*
 * One round. Instantiated per kind and bd (constants), so a measured
 * run's timed loops test neither: `make reference` (instruction-exact)
 * saw a breakdown test cost 6 ns per call at one page per call.
 */
static __always_inline int gup_fast_round_x(struct gup_fast_run *r, enum round_kind kind,
					    const bool bd)
{
	const struct pinbench_strategy *s = r->s;
	struct pinbench_gup_fast *a = r->a;
	unsigned int ppc = a->pages_per_call, c;
	u64 t0, t1, phase0 = 0;
	long n;

	/* Handles are set up before any clock read. */
	for (c = 0; c < r->calls; c++) {
		struct pinbench_pin *pin = &r->pins[c];

		pin->pages = r->pages + (size_t)c * ppc;
		pin->nr = ppc;	/* rewritten below on a short count */
		pin->flags = a->flags;
		pin->priv = NULL;
		pin->extra_foll_pins = 0;
		pin->read_retries = 0;
		pin->reg = r->reg;
		pin->bd = r->bd;
	}

	/* Acquire phase: nothing but the acquire call between clock reads. */
	if (kind == ROUND_PHASE)
		phase0 = ktime_get_ns();
	for (c = 0; c < r->calls; c++) {
		unsigned long addr = a->addr + ((unsigned long)c * ppc << PAGE_SHIFT);
		struct pinbench_pin *pin = &r->pins[c];

		if (kind == ROUND_SAMPLED) {
			t0 = ktime_get_ns();
			n = pinbench_acquire(s, pin, addr, ppc);
			t1 = ktime_get_ns();
		} else {
			n = pinbench_acquire(s, pin, addr, ppc);
		}
		if (unlikely(n != ppc))
			return round_failed(r, c, n);
		if (kind == ROUND_SAMPLED) {
			r->acq_ns[c] = t1 - t0;
			cond_resched();
		}
		if (bd)
			pinbench_bd_commit(r->bd, kind != ROUND_WARMUP);
	}
	if (kind == ROUND_PHASE)
		r->phase_acq = ktime_get_ns() - phase0;
	for (c = 0; c < r->calls; c++) {
		a->foll_pins += (s->foll_pin ? r->pins[c].nr : 0) + r->pins[c].extra_foll_pins;
		a->read_retries += r->pins[c].read_retries;
	}
	/* Every call returned ppc pages (else the round ended above). */
	atomic64_add(a->nr_pages, &pinbench_pages_held);

	/* Checks, outside every timed region (as mm/gup_test.c does). */
	if (kind == ROUND_SAMPLED && !r->checked) {
		unsigned long i;

		r->checked = true;
		if (s->walk)
			measure_walk(r);
		/*
		 * A mirror's entry may be gone (NULL) by now; a page of one is only
		 * looked at, never held: struct pages outlive what they hold.
		 */
		for (i = 0; i < a->nr_pages; i++)
			if (r->pages[i] && page_in_pmd_folio(r->pages[i]))
				a->huge_pages_seen++;
		for (c = 0; s->holds && c < r->calls; c++) {
			for (i = 0; i < r->pins[c].nr; i++) {
				if (!s->holds(&r->pins[c], i)) {
					pr_err("pinbench: %s: page %lu of the buffer is not held after acquire\n",
					       s->name, (unsigned long)c * ppc + i);
					release_held(r, r->calls);
					atomic64_sub(a->nr_pages, &pinbench_pages_held);
					return -EIO;
				}
			}
		}
	}
	cond_resched();

	/*
	 * Release phase. Whole: the round's pins are one run of pages
	 * (pins[c].pages = pages + c * ppc, each ppc long), released with
	 * one call as mm/gup_test.c's put_back_pages() does.
	 */
	if (kind == ROUND_PHASE && a->release_whole) {
		struct pinbench_pin whole = r->pins[0];

		whole.pages = r->pages;
		whole.nr = a->nr_pages;
		phase0 = ktime_get_ns();
		s->release(&whole);
		r->phase_rel = ktime_get_ns() - phase0;
		goto released;
	}
	if (kind == ROUND_PHASE)
		phase0 = ktime_get_ns();
	for (c = 0; c < r->calls; c++) {
		struct pinbench_pin *pin = &r->pins[c];

		if (kind == ROUND_SAMPLED) {
			t0 = ktime_get_ns();
			s->release(pin);
			t1 = ktime_get_ns();
			r->rel_ns[c] = t1 - t0;
			cond_resched();
		} else {
			s->release(pin);
		}
		if (bd)
			pinbench_bd_commit(r->bd, kind != ROUND_WARMUP);
	}
	if (kind == ROUND_PHASE)
		r->phase_rel = ktime_get_ns() - phase0;
released:
	atomic64_sub(a->nr_pages, &pinbench_pages_held);
	if (kind != ROUND_WARMUP)
		a->pages_done += a->nr_pages;
	cond_resched();
	return 0;
}

/* Every (kind, bd) pair its own loop: nothing in a timed loop tests either. */
#define GUP_FAST_ROUND(name, kind, bd)						\
static noinline int name(struct gup_fast_run *r)				\
{										\
	return gup_fast_round_x(r, kind, bd);					\
}
GUP_FAST_ROUND(round_warmup, ROUND_WARMUP, false)
GUP_FAST_ROUND(round_sampled, ROUND_SAMPLED, false)
GUP_FAST_ROUND(round_phase, ROUND_PHASE, false)
GUP_FAST_ROUND(round_warmup_bd, ROUND_WARMUP, true)
GUP_FAST_ROUND(round_sampled_bd, ROUND_SAMPLED, true)
GUP_FAST_ROUND(round_phase_bd, ROUND_PHASE, true)

/* A round that ran undisturbed (or may not be run again): its figures count. */
static void round_commit(struct gup_fast_run *r, enum round_kind kind)
{
	struct pinbench_gup_fast *a = r->a;
	unsigned int c;

	if (kind == ROUND_PHASE) {
		pinbench_stats_add(&a->acquire_phase, r->phase_acq);
		pinbench_stats_add(&a->release_phase, r->phase_rel);
		return;
	}
	for (c = 0; c < r->calls; c++) {
		pinbench_stats_add(&a->acquire, r->acq_ns[c]);
		r->hist_acq[pinbench_hist_index(r->acq_ns[c])]++;
		pinbench_stats_add(&a->release, r->rel_ns[c]);
		r->hist_rel[pinbench_hist_index(r->rel_ns[c])]++;
	}
}

static int gup_fast_round(struct gup_fast_run *r, enum round_kind kind)
{
	switch (kind) {
	case ROUND_WARMUP:
		return r->bd ? round_warmup_bd(r) : round_warmup(r);
	case ROUND_SAMPLED:
		return r->bd ? round_sampled_bd(r) : round_sampled(r);
	default:
		return r->bd ? round_phase_bd(r) : round_phase(r);
	}
}

long pinbench_gup_fast_ioctl(struct pinbench_file *pf, void __user *arg)
{
	struct pinbench_gup_fast __user *uarg = arg;
	const size_t hist_bytes = PINBENCH_HIST_BUCKETS * sizeof(u64);
	struct pinbench_gup_fast a;
	struct gup_fast_run r = { .a = &a };
	struct pinbench_reg reg;
	unsigned int i, total, in_a_row = 0;
	s64 revokes0;
	bool redo;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	ret = gup_fast_validate(&a, &r.s);
	if (ret)
		return ret;

	for (i = 0; i < 2; i++) {
		if (!pf->hist[i])
			pf->hist[i] = kvzalloc(hist_bytes, GFP_KERNEL);
		if (!pf->hist[i])
			return -ENOMEM;
		memset(pf->hist[i], 0, hist_bytes);
	}
	r.hist_acq = pf->hist[0];
	r.hist_rel = pf->hist[1];
	r.calls = a.nr_pages / a.pages_per_call;
	r.pages = kvmalloc_array(a.nr_pages, sizeof(*r.pages), GFP_KERNEL);
	r.pins = kvcalloc(r.calls, sizeof(*r.pins), GFP_KERNEL);
	r.acq_ns = kvmalloc_array(r.calls, sizeof(*r.acq_ns), GFP_KERNEL);
	r.rel_ns = kvmalloc_array(r.calls, sizeof(*r.rel_ns), GFP_KERNEL);
	ret = -ENOMEM;
	if (!r.pages || !r.pins || !r.acq_ns || !r.rel_ns)
		goto out_free;
	if (a.breakdown) {
		r.bd = kzalloc(sizeof(*r.bd), GFP_KERNEL);
		if (!r.bd)
			goto out_free;
		r.bd->hist = kvcalloc(PINBENCH_MAX_PARTS * PINBENCH_HIST_BUCKETS, sizeof(u64),
				      GFP_KERNEL);
		if (!r.bd->hist)
			goto out_free;
	}
	revokes0 = atomic64_read(&pinbench_revokes);
	/* Per-buffer state (a notifier over the buffer) is set up outside every round. */
	if (a.registration == PINBENCH_REG_PER_BUFFER) {
		ret = pinbench_reg_setup(&reg, r.s, a.addr, a.nr_pages, a.flags, a.registration, 0);
		if (ret)
			goto out_free;
		r.reg = &reg;
	}

	/* (out) fields start from zero whatever the caller left in them. */
	memset(&a.acquire, 0, sizeof(a.acquire));
	memset(&a.release, 0, sizeof(a.release));
	memset(&a.acquire_phase, 0, sizeof(a.acquire_phase));
	memset(&a.release_phase, 0, sizeof(a.release_phase));
	memset(a.part, 0, sizeof(a.part));
	a.pages_done = 0;
	a.huge_pages_seen = 0;
	a.foll_pins = 0;
	a.strategy_caps = 0;
	a.revokes = 0;
	a.read_retries = 0;
	memset(&a.walk, 0, sizeof(a.walk));
	memset(&a.walk_miss, 0, sizeof(a.walk_miss));
	a.walk_vmas = 0;
	a.rounds_redone = 0;
	a.rounds_disturbed = 0;
	/*
	 * A measured round that an interrupt, a context switch or a move to
	 * another CPU reached (the tick, mostly) is run again, its figures
	 * dropped: they would hold the interrupt's cost, and where it lands
	 * depends on the moment, which a deterministic run does not repeat
	 * (under -icount, on the host's I/O before it). At most a.rounds
	 * times per run; and once REDO_GIVE_UP attempts in a row are reached,
	 * rounds are longer than the gaps between ticks and are kept as they
	 * are (rounds_disturbed). Breakdown runs keep every round: their
	 * parts are committed call by call. So do one-shot runs
	 * (PINBENCH_GF_ONE_SHOT): a round that changed its pages (a
	 * migrating first long-term pin) cannot be run again as it was.
	 */
	redo = !r.bd && !(a.options & PINBENCH_GF_ONE_SHOT);
	total = a.warmup_rounds + 2 * a.rounds;
	for (i = 0; i < total; i++) {
		enum round_kind kind = i < a.warmup_rounds ? ROUND_WARMUP :
			((i - a.warmup_rounds) & 1) ? ROUND_PHASE : ROUND_SAMPLED;
		struct pinbench_quiet q;

		pinbench_quiet_start(&q);
		ret = gup_fast_round(&r, kind);
		if (ret)
			break;
		if (kind != ROUND_WARMUP) {
			if (pinbench_quiet_held(&q)) {
				in_a_row = 0;
				round_commit(&r, kind);
			} else if (redo && a.rounds_redone < a.rounds && ++in_a_row < REDO_GIVE_UP) {
				a.rounds_redone++;
				i--;	/* this round again */
			} else {
				redo = false;
				a.rounds_disturbed++;
				round_commit(&r, kind);
			}
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	if (r.reg)
		pinbench_reg_teardown(r.reg, r.s);
	if (ret)
		goto out_free;
	a.strategy_caps = pinbench_strategy_caps(r.s, a.registration);
	/* Module-wide: exact when one run at a time, as the guest driver does. */
	a.revokes = atomic64_read(&pinbench_revokes) - revokes0;
	if (r.bd)
		memcpy(a.part, r.bd->part, sizeof(a.part));

	ret = -EFAULT;
	if (a.acquire_hist &&
	    copy_to_user(u64_to_user_ptr(a.acquire_hist), r.hist_acq, hist_bytes))
		goto out_free;
	if (a.release_hist &&
	    copy_to_user(u64_to_user_ptr(a.release_hist), r.hist_rel, hist_bytes))
		goto out_free;
	if (a.part_hist &&
	    copy_to_user(u64_to_user_ptr(a.part_hist), r.bd->hist,
			 PINBENCH_MAX_PARTS * hist_bytes))
		goto out_free;
	ret = copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
out_free:
	if (r.bd)
		kvfree(r.bd->hist);
	kfree(r.bd);
	kvfree(r.pages);
	kvfree(r.pins);
	kvfree(r.acq_ns);
	kvfree(r.rel_ns);
	return ret;
}
