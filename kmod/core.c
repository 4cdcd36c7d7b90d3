// SPDX-License-Identifier: GPL-2.0
/* core.c: what every workload shares: request checks, registrations, release from any context. */
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/hardirq.h>
#include <linux/kernel_stat.h>
#include <linux/mm.h>
#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/cpumask.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sysfs.h>
#include <linux/tick.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "pinbench.h"

struct page *pinbench_dummy_page;

/*
 * Off only to prove that a release in the wrong context is caught: every
 * release then runs on the spot, whatever the context (make check does
 * this once, through a small_dio cell, and expects the cell to fail).
 */
static bool defer_release = true;
module_param(defer_release, bool, 0600);
MODULE_PARM_DESC(defer_release, "defer what a strategy cannot do in interrupt context (default Y; N only for testing the context checks)");

/* Bounded so a typo cannot stall a CPU: 512 pages x 10 us is 5 ms per call. */
#define PINBENCH_CALIBRATE_MAX_NS 10000
unsigned int pinbench_calibrate_ns_per_page;

/*
 * ndelay() is neither free nor exact: its entry costs about one clock
 * read, and its loop overshoots (under TCG, whose TSC is virtual, by a
 * third). Fitted once at load, cost(x) = a + b * x, so that the charge
 * per acquire is the asked ns per page as near as the delay loop allows;
 * below 'a' per call it cannot go (a few pages per call at a few ns).
 */
static u64 calibrate_a_ns;
static u64 calibrate_b_1024 = 1024;	/* b in 1/1024 */

static u64 ndelay_cost(unsigned long x)
{
	u64 t0, t1;
	int i;

	preempt_disable();
	t0 = ktime_get_ns();
	for (i = 0; i < 64; i++)
		ndelay(x);
	t1 = ktime_get_ns();
	preempt_enable();
	return (t1 - t0) / 64;
}

static void calibrate_fit(void)
{
	u64 c0 = ndelay_cost(0), c1 = ndelay_cost(4096);

	calibrate_a_ns = c0;
	calibrate_b_1024 = c1 > c0 ? max_t(u64, (c1 - c0) / 4, 1) : 1024;
	pr_debug("pinbench: ndelay(x) costs %llu + x * %llu / 1024 ns\n", calibrate_a_ns,
		 calibrate_b_1024);
}

void pinbench_calibrate_charge(unsigned int extra, long nr_pages)
{
	u64 want = (u64)extra * (u64)nr_pages;

	ndelay(want > calibrate_a_ns ? div64_u64((want - calibrate_a_ns) * 1024, calibrate_b_1024) : 0);
}

static int calibrate_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v > PINBENCH_CALIBRATE_MAX_NS)
		return -ERANGE;
	if (v)
		calibrate_fit();
	WRITE_ONCE(pinbench_calibrate_ns_per_page, v);
	return 0;
}

static const struct kernel_param_ops calibrate_ops = {
	.set = calibrate_set,
	.get = param_get_uint,
};
module_param_cb(calibrate_ns_per_page, &calibrate_ops, &pinbench_calibrate_ns_per_page, 0600);
MODULE_PARM_DESC(calibrate_ns_per_page, "extra ns charged per page acquired, 0..10000 (default 0; only to prove that pinbench compare catches a change)");
/*
 * cpu_idle_us (read-only): the time every online CPU has spent idle since
 * boot, iowait included, in microseconds, as NO_HZ accounts it
 * (get_cpu_idle_time_us(): "as accurate as ktime_get() is"), where
 * /proc/stat's idle is in 10 ms ticks. Userspace takes CPU busy time over
 * a measurement as online CPUs x elapsed CLOCK_MONOTONIC minus the change
 * of this. "unsupported" when NO_HZ is not active (nohz=off).
 */
static int cpu_idle_get(char *buf, const struct kernel_param *kp)
{
	u64 sum = 0, idle, iowait;
	int cpu;

	for_each_online_cpu(cpu) {
		idle = get_cpu_idle_time_us(cpu, NULL);
		iowait = get_cpu_iowait_time_us(cpu, NULL);
		if (idle == (u64)-1 || iowait == (u64)-1)
			return sysfs_emit(buf, "unsupported\n");
		sum += idle + iowait;
	}
	return sysfs_emit(buf, "%llu %u\n", sum, num_online_cpus());
}

static const struct kernel_param_ops cpu_idle_ops = {
	.get = cpu_idle_get,
};
module_param_cb(cpu_idle_us, &cpu_idle_ops, NULL, 0444);
MODULE_PARM_DESC(cpu_idle_us, "all online CPUs' idle and iowait time since boot (us), and how many CPUs");

static struct workqueue_struct *pinbench_wq;

void pinbench_stats_add(struct pinbench_phase_stats *st, u64 v)
{
	if (!st->n || v < st->min_ns)
		st->min_ns = v;
	if (v > st->max_ns)
		st->max_ns = v;
	st->n++;
	st->sum_ns += v;
}

/* Every interrupt a CPU has taken: device IRQs; on x86 also the local APIC's vectors and NMIs. */
static u64 cpu_interrupts(int cpu)
{
	u64 n = kstat_cpu_irqs_sum(cpu);
#ifdef CONFIG_X86
	const irq_cpustat_t *st = &per_cpu(irq_stat, cpu);

	n += st->__nmi_count + st->x86_platform_ipis + st->apic_perf_irqs + st->apic_irq_work_irqs +
	     st->irq_tlb_count;
#ifdef CONFIG_X86_LOCAL_APIC
	n += st->apic_timer_irqs + st->irq_spurious_count;
#endif
#ifdef CONFIG_SMP
	n += st->irq_resched_count + st->irq_call_count;
#endif
#endif
	return n;
}

void pinbench_quiet_start(struct pinbench_quiet *q)
{
	q->cpu = raw_smp_processor_id();
	q->irqs = cpu_interrupts(q->cpu);
	q->preempted = current->nivcsw;
}

bool pinbench_quiet_held(const struct pinbench_quiet *q)
{
	return raw_smp_processor_id() == q->cpu && cpu_interrupts(q->cpu) == q->irqs &&
	       current->nivcsw == q->preempted;
}

/* Charge the time since *t to part, then restart *t (the bookkeeping is charged to nobody). */
void pinbench_bd_charge(struct pinbench_breakdown *bd, unsigned int part, u64 *t)
{
	bd->cur[part] += ktime_get_ns() - *t;
	bd->touched |= 1u << part;
	*t = ktime_get_ns();
}

/* One call is over: each part it entered is one sample (or, !keep, nothing: warm-up). */
void pinbench_bd_commit(struct pinbench_breakdown *bd, bool keep)
{
	unsigned int p;

	for (p = 0; p < PINBENCH_PART_NR; p++) {
		if (!(bd->touched & (1u << p)))
			continue;
		if (keep) {
			pinbench_stats_add(&bd->part[p], bd->cur[p]);
			bd->hist[p * PINBENCH_HIST_BUCKETS + pinbench_hist_index(bd->cur[p])]++;
		}
		bd->cur[p] = 0;
	}
	bd->touched = 0;
}

/*
 * Does anyone beyond the page tables hold a reference to page? For a
 * FOLL_GET strategy's held page it must be so (its own reference): a
 * necessary condition, not proof, since the page cache holds one too.
 * Not a plain refcount >= 2: that assumes the page is still mapped, and
 * the ioctl fuzzer's munmap under GUP_FAST made it fail (EIO). A zap drops
 * the mapcount before the reference (the put waits for the TLB batch) and
 * a fault takes its reference before it maps, so refcount > mapcount holds
 * throughout; but two separate reads can still straddle one such step,
 * so a few reads must agree before the answer is no.
 */
bool pinbench_page_ref_beyond_mappings(struct page *page)
{
	struct folio *folio = page_folio(page);
	int i;

	for (i = 0; i < 4; i++) {
		int maps = pinbench_mapcount(page);

		if (folio_ref_count(folio) > maps)
			return true;
		cpu_relax();
	}
	return false;
}

/*
 * The timed acquire of an I/O (small_dio, irq_completion): the strategy's
 * acquire and, for a read (the device writes memory), dirtying the pages
 * first, as bio_set_pages_dirty() does. *t0 and *t1 are the clock reads
 * around it. Out of line and shared, so that the code around a workload's
 * submission cannot change what is timed: deterministic mode counts every
 * instruction, and an unrelated edit to small_dio's checks once moved its
 * acquire figures by 8 ns through the register allocation of the inlined
 * loop (gup_fast keeps its timed loops out of line for the same reason).
 */
noinline long pinbench_acquire_io(const struct pinbench_strategy *s, struct pinbench_pin *pin,
				  unsigned long addr, unsigned int nr, bool dirty, u64 *t0, u64 *t1)
{
	unsigned int i;
	long n;

	/*
	 * A strategy that holds no page (->device_fault) must not touch them
	 * outside its device lock; its write faults made them dirty already.
	 * Decided before the clock starts.
	 */
	if (s->device_fault)
		dirty = false;
	*t0 = ktime_get_ns();
	n = pinbench_acquire(s, pin, addr, nr);
	if (n == nr && dirty) {
		for (i = 0; i < nr; i++) {
			struct folio *folio = page_folio(pin->pages[i]);

			folio_lock(folio);
			folio_mark_dirty(folio);
			folio_unlock(folio);
		}
	}
	*t1 = ktime_get_ns();
	return n;
}

/*
 * An I/O's pages, all of them or none, with the request's accounting
 * (small_dio, irq_completion): a short acquire is undone and fails
 * (-EFAULT, or the strategy's error); a whole one adds its FOLL_PIN pins
 * and read retries to the request's counts and its pages to
 * pinbench_pages_held, which the caller takes back when it sees them
 * given back. The accounting is after the clock reads.
 */
int pinbench_acquire_io_all(const struct pinbench_strategy *s, struct pinbench_pin *pin,
			    unsigned long addr, unsigned int nr, bool dirty, u64 *t0, u64 *t1,
			    u64 *foll_pins, u64 *read_retries)
{
	long n = pinbench_acquire_io(s, pin, addr, nr, dirty, t0, t1);

	if (n != nr) {
		pin->nr = n > 0 ? n : 0;
		if (pin->nr)
			s->release(pin);
		return n < 0 ? n : -EFAULT;
	}
	if (s->foll_pin)
		*foll_pins += nr;
	*foll_pins += pin->extra_foll_pins;
	*read_retries += pin->read_retries;
	atomic64_add(nr, &pinbench_pages_held);
	return 0;
}

/* A user range of nr_pages pages from addr, as every request names one. */
int pinbench_check_range(u64 addr, u64 nr_pages)
{
	u64 end;

	if (!nr_pages)
		return -EINVAL;
	if (nr_pages > PINBENCH_MAX_BUFFER_PAGES)
		return -E2BIG;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	/* nr_pages is bounded above, so the shift cannot overflow. */
	if (check_add_overflow(addr, nr_pages << PAGE_SHIFT, &end))
		return -EOVERFLOW;
	if (!access_ok(u64_to_user_ptr(addr), nr_pages << PAGE_SHIFT))
		return -EFAULT;
	return 0;
}

/* Flags and registration mode for strategy s: EINVAL if malformed, EOPNOTSUPP if s cannot. */
int pinbench_check_pin_flags(const struct pinbench_strategy *s, u32 flags, u32 registration)
{
	if (flags & ~PINBENCH_PIN_ALL)
		return -EINVAL;
	if ((flags & PINBENCH_PIN_DIRTY) && !(flags & PINBENCH_PIN_WRITE))
		return -EINVAL;
	if (registration != PINBENCH_REG_PER_IO && registration != PINBENCH_REG_PER_BUFFER)
		return -EINVAL;
	if (flags & ~s->supported_flags)
		return -EOPNOTSUPP;
	if (registration == PINBENCH_REG_PER_BUFFER && !(s->caps & PINBENCH_CAP_REGISTRATION))
		return -EOPNOTSUPP;
	return 0;
}

/* Set up a registration of the caller's range; per-buffer state only for PER_BUFFER. */
int pinbench_reg_setup(struct pinbench_reg *reg, const struct pinbench_strategy *s,
		       unsigned long addr, unsigned long nr_pages, u32 flags, u32 registration,
		       u32 revoke)
{
	memset(reg, 0, sizeof(*reg));
	reg->revoke = revoke;
	spin_lock_init(&reg->lock);
	reg->mm = current->mm;
	reg->addr = addr;
	reg->nr_pages = nr_pages;
	reg->flags = flags;
	reg->registration = registration;
	if (registration == PINBENCH_REG_PER_BUFFER) {
		int ret = s->reg_init(reg);

		if (ret) {
			reg->registration = 0;	/* nothing to tear down */
			return ret;
		}
	}
	atomic64_inc(&pinbench_registrations);
	return 0;
}

/* Idempotent: a registration that was never set up, or is gone, is left alone. */
void pinbench_reg_teardown(struct pinbench_reg *reg, const struct pinbench_strategy *s)
{
	if (!reg->registration)
		return;
	if (reg->registration == PINBENCH_REG_PER_BUFFER && s->reg_fini)
		s->reg_fini(reg);
	reg->registration = 0;
	atomic64_dec(&pinbench_registrations);
}

/*
 * A release context counts two things down: pins whose pages are still
 * held, and pins with release work unfinished. Both start one above the
 * number of pins; the caller drops its own count when it has issued every
 * release, so neither reaches zero early.
 */
void pinbench_release_ctx_init(struct pinbench_release_ctx *rc,
			       const struct pinbench_strategy *s, unsigned int nr_pins)
{
	rc->s = s;
	atomic_set(&rc->pages_pending, nr_pins + 1);
	atomic_set(&rc->work_pending, nr_pins + 1);
	atomic64_set(&rc->deferred, 0);
	atomic64_set(&rc->work_ns, 0);
	rc->queue_cpu = -1;
	/* A caller that times the release sets start_ns where the release starts. */
	rc->start_ns = rc->pages_ns = rc->done_ns = 0;
	init_completion(&rc->done);
	rc->done_fn = NULL;
}

void pinbench_pin_released(struct pinbench_pin *pin)
{
	struct pinbench_release_ctx *rc = pin->rc;
	u64 now = ktime_get_ns();

	pin->released_ns = now;
	if (rc && atomic_dec_and_test(&rc->pages_pending))
		rc->pages_ns = now;
}

/* Everything rc counts is given back: say so, once. */
static void release_ctx_finish(struct pinbench_release_ctx *rc, u64 now)
{
	void (*done_fn)(struct pinbench_release_ctx *rc) = rc->done_fn;

	rc->done_ns = now;
	complete_all(&rc->done);	/* once, and observable by completion_done() after a wait */
	if (done_fn)
		done_fn(rc);
}

/* The last thing a release does: pin may be freed as soon as this returns. */
void pinbench_pin_done(struct pinbench_pin *pin)
{
	struct pinbench_release_ctx *rc = pin->rc;

	if (rc && atomic_dec_and_test(&rc->work_pending))
		release_ctx_finish(rc, ktime_get_ns());
}

/* The caller has issued every release (from any context); wait with wait_for_completion(&rc->done). */
void pinbench_release_ctx_issued(struct pinbench_release_ctx *rc)
{
	u64 now = ktime_get_ns();

	if (atomic_dec_and_test(&rc->pages_pending))
		rc->pages_ns = now;
	if (atomic_dec_and_test(&rc->work_pending))
		release_ctx_finish(rc, now);
}

void pinbench_queue_other(struct work_struct *work)
{
	queue_work(pinbench_wq, work);
}

void pinbench_queue_work(struct pinbench_pin *pin, work_func_t fn)
{
	if (pin->rc)
		atomic64_inc(&pin->rc->deferred);
	INIT_WORK(&pin->work, fn);
	queue_work(pinbench_wq, &pin->work);
}

static void release_work(struct work_struct *work)
{
	struct pinbench_pin *pin = container_of(work, struct pinbench_pin, work);
	u64 t0 = ktime_get_ns();

	pin->rc->s->release(pin);
	atomic64_add(ktime_get_ns() - t0, &pin->rc->work_ns);
	pinbench_pin_released(pin);
	pinbench_pin_done(pin);
}

/*
 * Release pin from the caller's context. may_sleep is the caller's word
 * that it runs where sleeping is allowed (an ioctl); a completion handler
 * passes false even when in_task(): null_blk's inline completion runs in
 * the submitter's task, inside blk-mq's rcu_read_lock(), where sleeping
 * (mmu_interval_notifier_remove() waiting for an invalidation, an rmap
 * rwsem) can deadlock against a grace period. Where the strategy can give
 * the pages back atomically it is done on the spot; otherwise what must
 * sleep goes to a workqueue, as the kernel's own direct I/O completion
 * defers dirtying (bio_check_pages_dirty()). Deferral needs pin->rc.
 */
void pinbench_release_any(const struct pinbench_strategy *s, struct pinbench_pin *pin,
			  bool may_sleep)
{
	if ((may_sleep && pinbench_can_sleep()) || pinbench_release_atomic_ok(s, pin->flags) ||
	    !READ_ONCE(defer_release)) {
		s->release(pin);
		pinbench_pin_released(pin);
		pinbench_pin_done(pin);
	} else if (s->release_atomic && !(pin->flags & PINBENCH_PIN_DIRTY)) {
		s->release_atomic(pin);
	} else {
		pinbench_queue_work(pin, release_work);
	}
}

int pinbench_core_init(void)
{
	/*
	 * Where revoked device page table entries point: device writes land
	 * here, never in a page the strategy gave back.
	 */
	pinbench_dummy_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pinbench_dummy_page)
		return -ENOMEM;
	/* Deferred releases may sleep on rmap locks and notifier removal. */
	pinbench_wq = alloc_workqueue("pinbench", 0, 0);
	if (!pinbench_wq) {
		__free_page(pinbench_dummy_page);
		return -ENOMEM;
	}
	return 0;
}

/* Runs after every file is closed: nothing is queued any more, but flush anyway. */
void pinbench_core_exit(void)
{
	destroy_workqueue(pinbench_wq);
	__free_page(pinbench_dummy_page);
}
