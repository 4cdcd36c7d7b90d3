// SPDX-License-Identifier: GPL-2.0
/* irq_completion.c: the irq_completion workload: a device that completes at an offered rate, from hardirq, softirq or a thread. */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "pinbench.h"

/*
 * Two sides, as a driver and its device (see the uapi header):
 *
 * - the submitter, the ioctl's task: acquires a slot's pages, queues the
 *   I/O at the device, keeps queue_depth queued, and takes back I/Os whose
 *   release is over;
 * - the device: pinned to one CPU, every period it completes the I/Os due
 *   since the last interrupt, oldest first, releasing each through
 *   pinbench_release_any() from its context (hardirq and softirq may not
 *   sleep; the process-context handler, a SCHED_FIFO kthread as a threaded
 *   interrupt handler is, may).
 *
 * An I/O belongs to exactly one of: the submitter's free list, the device
 * queue (under qlock), the handler (while it releases it), the backlog
 * (its deferred work has not run), the retired list (done_fn put it
 * there for the submitter). There are queue_depth + max_backlog of them,
 * so at most max_backlog can be backlog while the device is full.
 *
 * Residency and deferred work are counted for I/Os the device completed
 * in the measured time, whenever their work finishes.
 */
#define H_HANDLER	0
#define H_REL		1
#define H_RES		2
#define H_DONE		3
#define NR_H		4

enum { CTX_HARDIRQ, CTX_SOFTIRQ, CTX_TASK };

struct irq_run;

struct irq_io {
	struct list_head node;		/* free list or device queue */
	struct llist_node retired_node;	/* done_fn -> submitter */
	struct irq_run *run;
	struct pinbench_pin pin;
	struct pinbench_release_ctx rc;
	struct page *pages[PINBENCH_IRQ_MAX_PAGES];
	u64 complete_ns;
	unsigned int pages_held;	/* counted in pinbench_pages_held */
	bool measured;
};

struct irq_run {
	const struct pinbench_strategy *s;
	struct pinbench_irq_completion *a;
	struct pinbench_reg reg;
	bool reg_set;
	struct irq_io *ios;
	unsigned int nr_ios, nr_free;
	struct list_head free;		/* submitter only */

	spinlock_t qlock;		/* the device queue; taken from any context */
	struct list_head queue;
	unsigned int queued;

	struct llist_head retired;
	atomic_t backlog;		/* completed, release work not over */
	struct task_struct *waiter;	/* the submitter */

	/* The device; its fields below are written by it only. */
	int cpu;
	struct task_struct *thread;
	struct hrtimer timer;
	u64 t0, t_meas, t_end, period_ns, offered_total;
	bool stop;			/* set once, at t_end; read by the submitter */
	unsigned long ticks;		/* device ticks so far; read by the submitter */
	u64 stop_ns;

	u64 *hist[NR_H];
	u64 samples[PINBENCH_IRQ_SAMPLES];
};

static void stats_hist(struct irq_run *r, int h, struct pinbench_phase_stats *st, u64 v)
{
	pinbench_stats_add(st, v);
	r->hist[h][pinbench_hist_index(v)]++;
}

/*
 * Everything of io is given back: to the submitter. Runs in the handler
 * (nothing deferred) or on the workqueue. The submitter may return as soon
 * as the I/O is on the list, so r is not touched after llist_add(); the
 * waiter's task_struct is kept alive by RCU (as small_dio's end_io does).
 */
static void irq_io_done(struct pinbench_release_ctx *rc)
{
	struct irq_io *io = container_of(rc, struct irq_io, rc);
	struct irq_run *r = io->run;
	struct task_struct *waiter = r->waiter;
	/* Done in the handler: the handler wakes the submitter once per interrupt. */
	bool wake = atomic64_read(&rc->deferred) != 0;

	atomic_dec(&r->backlog);
	rcu_read_lock();
	llist_add(&io->retired_node, &r->retired);
	if (wake)
		wake_up_process(waiter);
	rcu_read_unlock();
}

static struct irq_io *queue_pop(struct irq_run *r)
{
	struct irq_io *io;
	unsigned long flags;

	spin_lock_irqsave(&r->qlock, flags);
	io = list_first_entry_or_null(&r->queue, struct irq_io, node);
	if (io) {
		list_del(&io->node);
		r->queued--;
	}
	spin_unlock_irqrestore(&r->qlock, flags);
	return io;
}

/* One interrupt of the device: complete what is due, in this context. */
static void irq_device_tick(struct irq_run *r, bool may_sleep)
{
	struct pinbench_irq_completion *a = r->a;
	u64 now = ktime_get_ns(), due, owed, want, k = 0, t1, backlog;
	bool measured = now >= r->t_meas && now < r->t_end;
	int ctx = in_hardirq() ? CTX_HARDIRQ : in_serving_softirq() ? CTX_SOFTIRQ : CTX_TASK;
	struct irq_io *io;

	WRITE_ONCE(r->ticks, r->ticks + 1);
	/* Due by now: rate_hz times the time since the start; below 2^64 for 60 s at 1 MHz. */
	due = mul_u64_u32_div(now - r->t0, a->rate_hz, NSEC_PER_SEC);
	owed = due - r->offered_total;
	r->offered_total = due;
	want = min_t(u64, owed, PINBENCH_IRQ_MAX_BATCH);

	while (k < want && (io = queue_pop(r))) {
		u64 t0 = ktime_get_ns();

		io->complete_ns = t0;
		io->measured = measured;
		atomic_inc(&r->backlog);
		pinbench_release_any(r->s, &io->pin, may_sleep);
		t1 = ktime_get_ns();
		/* May hand io to the submitter: not touched after this. */
		pinbench_release_ctx_issued(&io->rc);
		if (measured) {
			stats_hist(r, H_REL, &a->release, t1 - t0);
			a->contexts[ctx]++;
		}
		k++;
	}
	backlog = atomic_read(&r->backlog);
	if (measured) {
		a->interrupts++;
		a->offered += owed;
		a->completions += k;
		a->missed_empty += want - k;
		a->missed_late += owed - want;
		a->max_backlog_seen = max(a->max_backlog_seen, backlog);
		r->samples[div64_u64((now - r->t_meas) * PINBENCH_IRQ_SAMPLES, a->duration_ns)] =
			backlog;
		if (k)
			stats_hist(r, H_HANDLER, &a->handler, ktime_get_ns() - now);
	}
	if (now >= r->t_end && !r->stop) {
		r->stop_ns = now;
		a->backlog_end = backlog;
		WRITE_ONCE(r->stop, true);
	}
	if (k || r->stop)
		wake_up_process(r->waiter);
}

static enum hrtimer_restart irq_timer_fn(struct hrtimer *t)
{
	struct irq_run *r = container_of(t, struct irq_run, timer);

	irq_device_tick(r, false);
	if (r->stop)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(r->period_ns));
	return HRTIMER_RESTART;
}

/* Sleep until kthread_stop(). */
static void irq_thread_park(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

/*
 * The device's thread, bound to its CPU: arms the pinned timer there
 * (hardirq, softirq) and waits, or is the handler (process context).
 */
static int irq_device_thread(void *data)
{
	struct irq_run *r = data;
	u64 next = r->t0;

	if (r->a->context != PINBENCH_CTX_PROCESS) {
		hrtimer_start(&r->timer, ns_to_ktime(r->t0 + r->period_ns),
			      r->a->context == PINBENCH_CTX_HARDIRQ ? HRTIMER_MODE_ABS_PINNED_HARD :
			      HRTIMER_MODE_ABS_PINNED_SOFT);
		irq_thread_park();
		hrtimer_cancel(&r->timer);
		return 0;
	}
	while (!r->stop && !kthread_should_stop()) {
		u64 now = ktime_get_ns();

		next += r->period_ns;
		if (next > now) {
			ktime_t kt = ns_to_ktime(next);

			set_current_state(TASK_INTERRUPTIBLE);
			schedule_hrtimeout_range(&kt, 0, HRTIMER_MODE_ABS);
		} else {
			/* Behind: what is due is owed anyway; do not replay missed periods. */
			next = now;
			cond_resched();
		}
		irq_device_tick(r, true);
	}
	irq_thread_park();
	return 0;
}

static int irq_validate(struct pinbench_irq_completion *a, const struct pinbench_strategy **sp)
{
	const struct pinbench_strategy *s;
	int ret;

	if (a->abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	s = pinbench_strategy_get(a->strategy);
	if (!s || (a->flags & ~PINBENCH_PIN_LONGTERM))
		return -EINVAL;
	if (a->context != PINBENCH_CTX_HARDIRQ && a->context != PINBENCH_CTX_SOFTIRQ &&
	    a->context != PINBENCH_CTX_PROCESS)
		return -EINVAL;
	if (a->direction != PINBENCH_DMA_READ && a->direction != PINBENCH_DMA_WRITE)
		return -EINVAL;
	if (!a->pages_per_io || !a->queue_depth || !a->rate_hz || !a->coalesce || !a->max_backlog)
		return -EINVAL;
	if (a->pages_per_io > PINBENCH_IRQ_MAX_PAGES || a->queue_depth > PINBENCH_IRQ_MAX_QD ||
	    a->rate_hz > PINBENCH_MAX_RATE_HZ || a->coalesce > PINBENCH_IRQ_MAX_BATCH ||
	    a->max_backlog > PINBENCH_IRQ_MAX_BACKLOG)
		return -E2BIG;
	if ((u64)a->coalesce * NSEC_PER_SEC / a->rate_hz < PINBENCH_IRQ_MIN_PERIOD_NS)
		return -EINVAL;
	if (a->duration_ns < NSEC_PER_MSEC)
		return -EINVAL;
	if (a->duration_ns > PINBENCH_IRQ_MAX_DURATION_NS ||
	    a->warmup_ns > PINBENCH_IRQ_MAX_DURATION_NS)
		return -E2BIG;
	if ((a->handler_hist || a->release_hist || a->residency_hist || a->done_hist) ?
	    a->hist_buckets != PINBENCH_HIST_BUCKETS : a->hist_buckets)
		return -EINVAL;
	if (a->cpu != PINBENCH_CPU_ANY_OTHER &&
	    (a->cpu < 0 || a->cpu >= nr_cpu_ids || !cpu_online(a->cpu)))
		return a->cpu < PINBENCH_CPU_ANY_OTHER ? -EINVAL : -ENODEV;
	ret = pinbench_check_range(a->addr, (u64)a->queue_depth * a->pages_per_io);
	if (ret)
		return ret;
	if (a->backlog_samples &&
	    !access_ok(u64_to_user_ptr(a->backlog_samples), PINBENCH_IRQ_SAMPLES * sizeof(u64)))
		return -EFAULT;
	/* The device writes memory on a read. */
	ret = pinbench_check_pin_flags(s, a->flags | (a->direction == PINBENCH_DMA_READ ?
						      PINBENCH_PIN_WRITE : 0), a->registration);
	if (ret)
		return ret;
	*sp = s;
	return 0;
}

/* Retired I/Os back to the free list, with their figures. */
static void irq_reap(struct irq_run *r)
{
	struct pinbench_irq_completion *a = r->a;
	struct llist_node *list = llist_del_all(&r->retired);
	struct irq_io *io, *tmp;

	llist_for_each_entry_safe(io, tmp, list, retired_node) {
		atomic64_sub(io->pages_held, &pinbench_pages_held);
		if (io->measured) {
			stats_hist(r, H_RES, &a->residency, io->pin.released_ns - io->complete_ns);
			stats_hist(r, H_DONE, &a->done, io->rc.done_ns - io->complete_ns);
			a->deferred += atomic64_read(&io->rc.deferred);
			a->deferred_work_ns += atomic64_read(&io->rc.work_ns);
		}
		list_add(&io->node, &r->free);
		r->nr_free++;
	}
}

/* Acquire the next slot's pages and queue the I/O at the device. */
static int irq_submit(struct irq_run *r, struct irq_io *io, u64 seq)
{
	struct pinbench_irq_completion *a = r->a;
	unsigned int nr = a->pages_per_io;
	unsigned long uaddr = a->addr + (unsigned long)(seq % a->queue_depth) * nr * PAGE_SIZE;
	bool read = a->direction == PINBENCH_DMA_READ;
	unsigned long flags, preempted0 = current->nivcsw, ticks0 = READ_ONCE(r->ticks);
	bool here = r->cpu == raw_smp_processor_id();
	u64 t0, t1;
	int ret;

	io->pin = (struct pinbench_pin) {
		.pages = io->pages,
		.nr = nr,
		.flags = a->flags | (read ? PINBENCH_PIN_WRITE : 0),
		.reg = r->reg_set ? &r->reg : NULL,
		.rc = &io->rc,
	};
	pinbench_release_ctx_init(&io->rc, r->s, 1);
	io->rc.done_fn = irq_io_done;

	ret = pinbench_acquire_io_all(r->s, &io->pin, uaddr, nr, read, &t0, &t1, &a->foll_pins,
				      &a->read_retries);
	if (ret)
		return ret;
	/* Counted until irq_reap() (pin.nr is the strategy's to change). */
	io->pages_held = nr;
	/*
	 * The acquire alone: an acquire inside which the submitter was
	 * preempted (the release work the device queued on this CPU, whose
	 * time is counted in deferred_work_ns) or inside which the device
	 * ticked on this CPU (its handler's time is counted in handler_ns) is
	 * counted, and left out, not charged to the acquire a second time.
	 * Voluntary sleeps (a lock the design takes) stay in.
	 */
	if (t1 >= r->t_meas && t1 < r->t_end) {
		if (current->nivcsw != preempted0 || (here && READ_ONCE(r->ticks) != ticks0))
			a->acquires_disturbed++;
		else
			pinbench_stats_add(&a->acquire, t1 - t0);
	}

	spin_lock_irqsave(&r->qlock, flags);
	list_add_tail(&io->node, &r->queue);
	r->queued++;
	spin_unlock_irqrestore(&r->qlock, flags);
	return 0;
}

/* The submitter's side until the device stops (or a fatal signal, or an acquire fails). */
static int irq_submit_loop(struct irq_run *r, u64 *seq)
{
	struct pinbench_irq_completion *a = r->a;
	bool stalled = false;
	int ret = 0;

	for (;;) {
		struct irq_io *io;
		bool room;

		irq_reap(r);
		if (READ_ONCE(r->stop))
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		room = READ_ONCE(r->queued) < a->queue_depth;
		io = room ? list_first_entry_or_null(&r->free, struct irq_io, node) : NULL;
		if (io) {
			stalled = false;
			list_del(&io->node);
			r->nr_free--;
			ret = irq_submit(r, io, (*seq)++);
			if (ret) {
				list_add(&io->node, &r->free);
				r->nr_free++;
				break;
			}
			continue;
		}
		/* Room at the device but every I/O is backlog: the deferred work pushes back. */
		if (room && !stalled) {
			u64 now = ktime_get_ns();

			stalled = true;
			if (now >= r->t_meas && now < r->t_end)
				a->stalls++;
		}
		set_current_state(TASK_KILLABLE);
		if (llist_empty(&r->retired) && !READ_ONCE(r->stop) &&
		    (READ_ONCE(r->queued) >= a->queue_depth || list_empty(&r->free)))
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return ret;
}

/* Wait until every I/O is back on the free list. */
static void irq_drain(struct irq_run *r)
{
	for (;;) {
		irq_reap(r);
		if (r->nr_free == r->nr_ios)
			break;
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (llist_empty(&r->retired))
			schedule();
		__set_current_state(TASK_RUNNING);
	}
}

static int irq_run(struct irq_run *r)
{
	struct pinbench_irq_completion *a = r->a;
	struct task_struct *t;
	struct irq_io *io;
	u64 seq = 0;
	int ret = 0;

	/* The device starts with a full queue. */
	r->t_meas = r->t_end = U64_MAX;
	while (!ret && r->queued < a->queue_depth) {
		io = list_first_entry(&r->free, struct irq_io, node);
		list_del(&io->node);
		r->nr_free--;
		ret = irq_submit(r, io, seq++);
		if (ret) {
			list_add(&io->node, &r->free);
			r->nr_free++;
		}
	}
	if (!ret) {
		t = kthread_create(irq_device_thread, r, "pinbench-dev/%d", r->cpu);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
		} else {
			kthread_bind(t, r->cpu);
			if (a->context == PINBENCH_CTX_PROCESS)
				sched_set_fifo(t);	/* as irq/N threads run */
			r->thread = t;
			r->t0 = ktime_get_ns();
			r->t_meas = r->t0 + a->warmup_ns;
			r->t_end = r->t_meas + a->duration_ns;
			wake_up_process(t);
			ret = irq_submit_loop(r, &seq);
			kthread_stop(t);
		}
	}
	/* The device is gone (or never ran): what it still held is released from here. */
	if (!r->stop_ns) {
		r->stop_ns = ktime_get_ns();
		a->backlog_end = atomic_read(&r->backlog);
	}
	while ((io = queue_pop(r))) {
		io->complete_ns = ktime_get_ns();
		io->measured = false;
		atomic_inc(&r->backlog);
		pinbench_release_any(r->s, &io->pin, true);
		pinbench_release_ctx_issued(&io->rc);
	}
	irq_drain(r);
	a->drain_ns = ktime_get_ns() - r->stop_ns;
	a->elapsed_ns = r->stop_ns > r->t_meas ? min(r->stop_ns, r->t_end) - r->t_meas : 0;
	return ret;
}

long pinbench_irq_completion_ioctl(struct pinbench_file *pf, void __user *arg)
{
	struct pinbench_irq_completion __user *uarg = arg;
	const size_t hist_bytes = PINBENCH_HIST_BUCKETS * sizeof(u64);
	u64 __user *uhist[NR_H];
	struct pinbench_irq_completion a;
	struct irq_run *r;
	unsigned int i;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->a = &a;
	ret = irq_validate(&a, &r->s);
	if (ret)
		goto out_run;

	uhist[H_HANDLER] = u64_to_user_ptr(a.handler_hist);
	uhist[H_REL] = u64_to_user_ptr(a.release_hist);
	uhist[H_RES] = u64_to_user_ptr(a.residency_hist);
	uhist[H_DONE] = u64_to_user_ptr(a.done_hist);
	ret = -ENOMEM;
	r->nr_ios = a.queue_depth + a.max_backlog;
	r->ios = kvcalloc(r->nr_ios, sizeof(*r->ios), GFP_KERNEL);
	for (i = 0; i < NR_H; i++)
		r->hist[i] = kvzalloc(hist_bytes, GFP_KERNEL);
	if (!r->ios || !r->hist[0] || !r->hist[1] || !r->hist[2] || !r->hist[3])
		goto out_free;
	INIT_LIST_HEAD(&r->free);
	INIT_LIST_HEAD(&r->queue);
	spin_lock_init(&r->qlock);
	init_llist_head(&r->retired);
	atomic_set(&r->backlog, 0);
	r->waiter = current;
	for (i = 0; i < r->nr_ios; i++) {
		r->ios[i].run = r;
		list_add_tail(&r->ios[i].node, &r->free);
	}
	r->nr_free = r->nr_ios;
	hrtimer_init(&r->timer, CLOCK_MONOTONIC,
		     a.context == PINBENCH_CTX_SOFTIRQ ? HRTIMER_MODE_ABS_PINNED_SOFT :
		     HRTIMER_MODE_ABS_PINNED_HARD);
	r->timer.function = irq_timer_fn;
	r->period_ns = div_u64((u64)a.coalesce * NSEC_PER_SEC, a.rate_hz);
	/* (out) fields start from zero whatever the caller left in them. */
	memset((char *)&a + offsetof(struct pinbench_irq_completion, handler), 0,
	       offsetof(struct pinbench_irq_completion, reserved) -
	       offsetof(struct pinbench_irq_completion, handler));
	a.submitter_cpu = raw_smp_processor_id();
	r->cpu = a.cpu;
	if (r->cpu == PINBENCH_CPU_ANY_OTHER) {
		r->cpu = cpumask_any_but(cpu_online_mask, a.submitter_cpu);
		if (r->cpu >= nr_cpu_ids)
			r->cpu = a.submitter_cpu;
	}
	a.cpu_used = r->cpu;
	if (a.registration == PINBENCH_REG_PER_BUFFER) {
		ret = pinbench_reg_setup(&r->reg, r->s, a.addr,
					 (u64)a.queue_depth * a.pages_per_io, a.flags,
					 a.registration, 0);
		if (ret)
			goto out_free;
		r->reg_set = true;
	}

	ret = irq_run(r);
	if (r->reg_set)
		pinbench_reg_teardown(&r->reg, r->s);
	if (ret)
		goto out_free;
	a.strategy_caps = pinbench_strategy_caps(r->s, a.registration);

	ret = -EFAULT;
	for (i = 0; i < NR_H; i++)
		if (uhist[i] && copy_to_user(uhist[i], r->hist[i], hist_bytes))
			goto out_free;
	if (a.backlog_samples && copy_to_user(u64_to_user_ptr(a.backlog_samples), r->samples,
					      sizeof(r->samples)))
		goto out_free;
	ret = copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
out_free:
	for (i = 0; i < NR_H; i++)
		kvfree(r->hist[i]);
	kvfree(r->ios);
out_run:
	kfree(r);
	return ret;
}
