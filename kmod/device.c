// SPDX-License-Identifier: GPL-2.0
/* device.c: the simulated DMA device: registered buffers, their device page tables, a DMA engine. */
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include "pinbench.h"

/*
 * A registered buffer is what an RDMA memory region or a GPU userptr is:
 * pages a strategy acquired once, in a device page table (dpt[]) the
 * device keeps using until the buffer is unregistered. The strategy's
 * pins point straight into dpt[] (pin->pages), so a revoking strategy
 * retargets the device's own entries, under the device lock (reg.lock).
 *
 * The engine makes one access per dpt entry in turn, burst accesses per
 * tick. Each access takes the device lock, as a device's page-table walk
 * would be ordered against its driver's invalidation, and is classified
 * against what the page was at registration (see the uapi header).
 */

/* hrtimer engine budget: accesses per second from hardirq, beyond which a CPU would be lost to it. */
#define HRTIMER_MAX_ACCESSES_PER_S 1000000ull

enum page_kind { KIND_FILE, KIND_ANON, KIND_OTHER };

struct page_origin {
	struct address_space *mapping;	/* KIND_FILE */
	pgoff_t index;
	enum page_kind kind;
};

struct dev_buf {
	u32 id;
	const struct pinbench_strategy *s;
	struct pinbench_reg reg;	/* range, device lock, strategy state */
	struct page **dpt;		/* the device page table */
	struct page_origin *origin;	/* what dpt[i] was at registration */
	struct pinbench_page_fate *fate;	/* where dpt[i]'s accesses went, under reg.lock */
	struct pinbench_pin *pins;	/* one per acquire call */
	unsigned int nr_pins;
	u32 pages_per_call;		/* dpt[i] is in pins[i / pages_per_call] */
	unsigned long pages_held;	/* counted in pinbench_pages_held */
	/*
	 * The registrant's mm, mmgrab()'d so that the struct cannot be freed
	 * and reused by another process while the id lives (an ABA on the
	 * owner check); it does not keep the address space alive.
	 */
	struct mm_struct *owner;
	struct mm_struct *mm_held;	/* mmget()'d for a strategy that needs it */

	/* The engine; its state is written only by the engine, counts under reg.lock. */
	bool running;
	u32 engine, direction, burst;
	u64 period_ns, max_records;
	struct hrtimer timer;
	struct task_struct *thread;
	u64 seq;
	unsigned long next;
	u64 accesses, delivered, lost, redirected, ticks;
	u64 stalls;		/* accesses put off while a revoked entry was being re-pinned */

	/* Unregister from hardirq. */
	struct hrtimer rel_timer;
	struct pinbench_release_ctx rc;
	u64 handler_ns;
};

/*
 * A page's index in its file. Not page_to_pgoff(): its hugetlb branch
 * calls a function modules cannot link; both sides of the comparison use
 * this, so hugetlb's huge-page units compare equal too.
 */
static pgoff_t page_file_index(struct page *page)
{
	struct folio *folio = page_folio(page);

	return folio->index + folio_page_idx(folio, page);
}

static bool page_in_place(const struct page_origin *o, struct page *page)
{
	struct folio *folio = page_folio(page);

	switch (o->kind) {
	case KIND_FILE:
		/* Truncate clears folio->mapping under the folio lock; a racy read is one access early or late. */
		return READ_ONCE(folio->mapping) == o->mapping && page_file_index(page) == o->index;
	case KIND_ANON:
		/* Anon pages have no file to leave: lost once nobody maps them. */
		return folio_mapped(folio);
	default:
		return true;
	}
}

/*
 * One access, the next in turn; false if the device must wait. With
 * PINBENCH_REVOKE_REACQUIRE, an access to a revoked entry while the driver
 * is pinning entries again is a device page fault: the access waits (the
 * engine retries it next tick) instead of going to the dummy page, as a
 * faulting device stalls and replays. Once the worker is done, an entry
 * still revoked could not be pinned again, and its accesses are redirected.
 * A strategy that holds no page (->device_fault: hmm_mirror) leaves a NULL
 * entry where the mirror has no page: the access raises a device page
 * fault and waits for it to be served; the dummy page there means the
 * fault could not be (the address has no page), and the access goes
 * nowhere, counted as redirected.
 */
static bool dev_access(struct dev_buf *b)
{
	unsigned long i = b->next, flags;
	u64 seq = b->seq + 1;
	size_t slot = (seq - 1) / b->reg.nr_pages % PINBENCH_RECORD_SLOTS(PAGE_SIZE);
	struct pinbench_record *r;
	struct page *page;
	void *va;

	spin_lock_irqsave(&b->reg.lock, flags);
	page = b->dpt[i];
	if (!page) {
		b->stalls++;
		b->s->device_fault(&b->pins[i / b->pages_per_call]);
		spin_unlock_irqrestore(&b->reg.lock, flags);
		return false;
	}
	if (page == pinbench_dummy_page && b->s->device_hole)
		b->s->device_hole(&b->pins[i / b->pages_per_call]);
	if (page == pinbench_dummy_page && !b->s->device_fault && b->reg.rc.reacquire_pending) {
		b->stalls++;
		spin_unlock_irqrestore(&b->reg.lock, flags);
		return false;
	}
	b->seq = seq;
	if (++b->next == b->reg.nr_pages)
		b->next = 0;
	if (page == pinbench_dummy_page) {
		b->redirected++;
		b->fate[i].redirected++;
	} else if (page_in_place(&b->origin[i], page)) {
		b->delivered++;
		b->fate[i].in_place++;
	} else {
		b->lost++;
		b->fate[i].lost++;
	}
	va = kmap_local_page(page);
	r = (struct pinbench_record *)va + slot;
	if (b->direction == PINBENCH_DMA_WRITE) {
		r->buffer_id = b->id;
		r->page_index = i;
		r->seq = seq;
		r->time_ns = ktime_get_ns();
		WRITE_ONCE(r->magic, PINBENCH_RECORD_MAGIC);
	} else {
		(void)READ_ONCE(r->seq);
	}
	kunmap_local(va);
	b->accesses++;
	spin_unlock_irqrestore(&b->reg.lock, flags);
	return true;
}

/* One tick: burst accesses; false once max_records are done. */
static bool dev_tick(struct dev_buf *b)
{
	u32 k;

	for (k = 0; k < b->burst; k++) {
		if (b->max_records && b->seq >= b->max_records)
			return false;
		if (!dev_access(b))
			break;	/* waiting on a fault: the rest of the burst too */
	}
	b->ticks++;
	return true;
}

static enum hrtimer_restart dev_timer_fn(struct hrtimer *t)
{
	struct dev_buf *b = container_of(t, struct dev_buf, timer);

	if (!dev_tick(b))
		return HRTIMER_NORESTART;
	/* Ticks missed (an overrun) are skipped, not made up in a burst. */
	hrtimer_forward_now(t, ns_to_ktime(b->period_ns));
	return HRTIMER_RESTART;
}

static int dev_thread(void *arg)
{
	struct dev_buf *b = arg;
	u64 next = ktime_get_ns();
	ktime_t exp;

	while (!kthread_should_stop()) {
		if (!dev_tick(b)) {
			set_current_state(TASK_IDLE);
			if (!kthread_should_stop())
				schedule();
			__set_current_state(TASK_RUNNING);
			continue;
		}
		if (!b->period_ns) {
			cond_resched();
			continue;
		}
		next += b->period_ns;
		if (next < ktime_get_ns())	/* behind: skip, as the hrtimer does */
			next = ktime_get_ns();
		exp = ns_to_ktime(next);
		set_current_state(TASK_IDLE);
		if (!kthread_should_stop())
			schedule_hrtimeout(&exp, HRTIMER_MODE_ABS);
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void dev_engine_stop(struct dev_buf *b)
{
	if (!b->running)
		return;
	if (b->engine == PINBENCH_ENGINE_HRTIMER)
		hrtimer_cancel(&b->timer);
	else
		kthread_stop(b->thread);
	b->running = false;
}

static enum hrtimer_restart dev_release_timer_fn(struct hrtimer *t)
{
	struct dev_buf *b = container_of(t, struct dev_buf, rel_timer);
	u64 t0 = ktime_get_ns();
	unsigned int i;

	b->rc.start_ns = t0;
	for (i = 0; i < b->nr_pins; i++)
		pinbench_release_any(b->s, &b->pins[i], false);
	b->handler_ns = ktime_get_ns() - t0;
	pinbench_release_ctx_issued(&b->rc);
	return HRTIMER_NORESTART;
}

/* Give every pin back from ctx and wait until everything, deferred work included, is done. */
static void dev_release_pins(struct dev_buf *b, u32 ctx)
{
	unsigned int i;
	u64 t0;

	pinbench_release_ctx_init(&b->rc, b->s, b->nr_pins);
	for (i = 0; i < b->nr_pins; i++)
		b->pins[i].rc = &b->rc;
	if (ctx == PINBENCH_CTX_HARDIRQ) {
		hrtimer_init(&b->rel_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		b->rel_timer.function = dev_release_timer_fn;
		hrtimer_start(&b->rel_timer, 0, HRTIMER_MODE_REL_HARD);
		wait_for_completion(&b->rc.done);
		/* The callback may still be returning: wait for it before b goes. */
		hrtimer_cancel(&b->rel_timer);
	} else {
		t0 = ktime_get_ns();
		b->rc.start_ns = t0;
		for (i = 0; i < b->nr_pins; i++)
			pinbench_release_any(b->s, &b->pins[i], true);
		b->handler_ns = ktime_get_ns() - t0;
		pinbench_release_ctx_issued(&b->rc);
		wait_for_completion(&b->rc.done);
	}
	atomic64_sub(b->pages_held, &pinbench_pages_held);
	b->pages_held = 0;
}

static void dev_buf_free(struct dev_buf *b)
{
	pinbench_reg_teardown(&b->reg, b->s);
	if (b->mm_held)
		mmput(b->mm_held);
	mmdrop(b->owner);
	kvfree(b->pins);
	kvfree(b->origin);
	kvfree(b->fate);
	kvfree(b->dpt);
	kfree(b);
}

static void dev_fill_stats(struct dev_buf *b, struct pinbench_dev_stats *st)
{
	const struct pinbench_revoke_counts *c = &b->reg.rc;
	unsigned long flags;

	spin_lock_irqsave(&b->reg.lock, flags);
	st->accesses = b->accesses;
	st->delivered = b->delivered;
	st->lost = b->lost;
	st->redirected = b->redirected;
	st->invalidations = c->invalidations;
	st->revocations = c->revocations;
	st->pages_revoked = c->pages_revoked;
	st->spurious = c->spurious;
	st->nonblocking = c->nonblocking;
	memcpy(st->events, c->events, sizeof(st->events));
	st->ignored = c->ignored;
	memcpy(st->ignored_events, c->ignored_events, sizeof(st->ignored_events));
	st->reacquires = c->reacquires;
	st->pages_reacquired = c->pages_reacquired;
	st->reacquire_failed = c->reacquire_failed;
	st->reacquire_retries = c->reacquire_retries;
	st->reacquire_work_ns = c->reacquire_work_ns;
	st->reacquire_wait_max_ns = c->reacquire_wait_max_ns;
	st->reacquire_wait_sum_ns = c->reacquire_wait_sum_ns;
	st->revoke_span_ns = c->first_ns ? c->last_ns - c->first_ns : 0;
	st->revoke_callback_max_ns = c->callback_max_ns;
	st->revoke_callback_sum_ns = c->callback_sum_ns;
	st->device_faults = c->device_faults;
	st->reacquire_rearms = c->reacquire_rearms;
	spin_unlock_irqrestore(&b->reg.lock, flags);
	st->engine_ticks = b->ticks;
	st->stalls = b->stalls;
}

/*
 * Every entry's origin as its address maps it now (the registrant's mm,
 * process context): a shared mapping of a file is that file's page at
 * that offset, anything else (anonymous, private: a write would COW it)
 * anon. The pages the entries hold override this where they have one.
 */
static void dev_origins_from_vmas(struct dev_buf *b)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma = NULL;
	unsigned long i, addr;

	mmap_read_lock(mm);
	for (i = 0; i < b->reg.nr_pages; i++) {
		struct page_origin *o = &b->origin[i];

		addr = b->reg.addr + (i << PAGE_SHIFT);
		if (!vma || addr < vma->vm_start || addr >= vma->vm_end)
			vma = vma_lookup(mm, addr);
		o->kind = KIND_OTHER;
		if (!vma)
			continue;
		/* hugetlb's indices are in huge pages (page_file_index() above): left to its pages. */
		if (is_vm_hugetlb_page(vma) || (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP)))
			continue;
		if (vma->vm_file && (vma->vm_flags & VM_SHARED)) {
			o->kind = KIND_FILE;
			o->mapping = vma->vm_file->f_mapping;
			o->index = linear_page_index(vma, addr);
		} else {
			o->kind = KIND_ANON;
		}
	}
	mmap_read_unlock(mm);
}

/* PINBENCH_DEV_TEST_UNMAP_FIRST: the first page's file range unmapped everywhere. */
static int dev_test_unmap_first(struct dev_buf *b)
{
	struct address_space *mapping = NULL;
	struct page *page;
	pgoff_t index = 0;

	spin_lock_irq(&b->reg.lock);
	page = b->dpt[0];
	if (page && page != pinbench_dummy_page && !is_zero_page(page) && !PageAnon(page)) {
		/* The file is the registrant's, mapped: its address_space outlives this call. */
		mapping = READ_ONCE(page_folio(page)->mapping);
		index = page_file_index(page);
	}
	spin_unlock_irq(&b->reg.lock);
	if (!mapping)
		return -EINVAL;
	unmap_mapping_range(mapping, (loff_t)index << PAGE_SHIFT, PAGE_SIZE, 0);
	return 0;
}

static long dev_register(struct pinbench_file *pf, struct pinbench_dev_register __user *uarg)
{
	struct pinbench_dev_register a;
	const struct pinbench_strategy *s;
	unsigned long i, done = 0;
	struct dev_buf *b;
	unsigned int c;
	u64 t0;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (a.reserved || a.reserved0 || a.buffer_id || (a.test & ~PINBENCH_DEV_TEST_ALL))
		return -EINVAL;
	s = pinbench_strategy_get(a.strategy);
	if (!s || !a.pages_per_call || (a.revoke & ~PINBENCH_REVOKE_ALL) ||
	    ((a.revoke & PINBENCH_REVOKE_TEST_GIVE_UP_ONCE) && !(a.revoke & PINBENCH_REVOKE_REACQUIRE)))
		return -EINVAL;
	if (a.pages_per_call > PINBENCH_MAX_PAGES_PER_CALL)
		return -E2BIG;
	ret = pinbench_check_range(a.addr, a.nr_pages);
	if (ret)
		return ret;
	ret = pinbench_check_pin_flags(s, a.flags, a.registration);
	if (ret)
		return ret;
	/* A policy for revocations the strategy never makes. */
	if (a.revoke && !(s->caps & PINBENCH_CAP_REVOKE))
		return -EOPNOTSUPP;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->s = s;
	mmgrab(current->mm);
	b->owner = current->mm;
	b->nr_pins = DIV_ROUND_UP(a.nr_pages, a.pages_per_call);
	b->pages_per_call = a.pages_per_call;
	b->dpt = kvcalloc(a.nr_pages, sizeof(*b->dpt), GFP_KERNEL);
	b->origin = kvcalloc(a.nr_pages, sizeof(*b->origin), GFP_KERNEL);
	b->fate = kvcalloc(a.nr_pages, sizeof(*b->fate), GFP_KERNEL);
	b->pins = kvcalloc(b->nr_pins, sizeof(*b->pins), GFP_KERNEL);
	ret = -ENOMEM;
	if (!b->dpt || !b->origin || !b->fate || !b->pins)
		goto out_free;
	ret = pinbench_reg_setup(&b->reg, s, a.addr, a.nr_pages, a.flags, a.registration, a.revoke);
	if (ret)
		goto out_free;

	a.read_retries = 0;	/* (out): whatever the caller left in it */
	t0 = ktime_get_ns();
	for (c = 0; c < b->nr_pins; c++) {
		struct pinbench_pin *pin = &b->pins[c];
		unsigned int want = min_t(u64, a.pages_per_call, a.nr_pages - done);

		pin->pages = b->dpt + done;
		pin->flags = a.flags;
		pin->reg = &b->reg;
		pin->nr = want;
		ret = pinbench_acquire(s, pin, a.addr + (done << PAGE_SHIFT), want);
		a.read_retries += pin->read_retries;
		if (ret != want) {
			pin->nr = ret > 0 ? ret : 0;
			b->nr_pins = c + !!pin->nr;	/* release what is held */
			ret = ret < 0 ? ret : -EFAULT;
			goto out_release;
		}
		done += want;
		if (fatal_signal_pending(current)) {
			b->nr_pins = c + 1;
			ret = -EINTR;
			goto out_release;
		}
	}
	a.acquire_ns = ktime_get_ns() - t0;
	a.strategy_caps = pinbench_strategy_caps(s, a.registration);
	b->pages_held = a.nr_pages;
	atomic64_add(b->pages_held, &pinbench_pages_held);

	if (a.test & PINBENCH_DEV_TEST_UNMAP_FIRST) {
		ret = dev_test_unmap_first(b);
		if (ret)
			goto out_release;
	}
	/*
	 * What each entry is now. An entry without its page (an invalidation
	 * raced the registration: a mirror's NULL, a revoked entry's dummy
	 * page) is what its address maps: the device may fault it in or pin
	 * it again later, and a page that then leaves the file is lost like
	 * any other. Only the zero page (a read-only device) is no one's.
	 */
	dev_origins_from_vmas(b);
	spin_lock_irq(&b->reg.lock);
	for (i = 0; i < a.nr_pages; i++) {
		struct page *page = b->dpt[i];
		struct page_origin *o = &b->origin[i];

		if (!page || page == pinbench_dummy_page) {
			continue;	/* as its address says, above */
		} else if (is_zero_page(page)) {
			o->kind = KIND_OTHER;
		} else if (PageAnon(page)) {
			o->kind = KIND_ANON;
		} else if (page_folio(page)->mapping) {
			o->kind = KIND_FILE;
			o->mapping = page_folio(page)->mapping;
			o->index = page_file_index(page);
		} else {
			o->kind = KIND_OTHER;
		}
	}
	spin_unlock_irq(&b->reg.lock);

	if (s->needs_mm) {
		mmget(current->mm);
		b->mm_held = current->mm;
	}
	ret = xa_alloc(&pf->bufs, &b->id, b, XA_LIMIT(1, PINBENCH_MAX_DEV_BUFFERS), GFP_KERNEL);
	if (ret) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto out_release;
	}
	a.buffer_id = b->id;
	if (copy_to_user(uarg, &a, sizeof(a))) {
		ret = -EFAULT;
		goto out_erase;
	}
	return 0;

out_erase:
	xa_erase(&pf->bufs, b->id);
out_release:
	dev_release_pins(b, PINBENCH_CTX_PROCESS);
out_free:
	dev_buf_free(b);	/* what is set up of it: the registration, the mm, owner */
	return ret;
}

/*
 * The buffer with this id in this file, if the caller may drive it. A
 * file is shared across fork() and can be passed to another process; the
 * buffer's pages belong to the address space that registered it, and only
 * that address space may start, stop or release its device (as a GPU
 * driver refuses a userptr from another mm). Closing the file releases
 * every buffer, whoever closes it last.
 */
static struct dev_buf *dev_buf_get(struct pinbench_file *pf, u32 id)
{
	struct dev_buf *b = xa_load(&pf->bufs, id);

	if (!b)
		return ERR_PTR(-ENOENT);
	if (b->owner != current->mm)
		return ERR_PTR(-EACCES);
	return b;
}

static long dev_start(struct pinbench_file *pf, struct pinbench_dev_start __user *uarg)
{
	struct pinbench_dev_start a;
	struct dev_buf *b;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	if (a.engine != PINBENCH_ENGINE_KTHREAD && a.engine != PINBENCH_ENGINE_HRTIMER)
		return -EINVAL;
	if (a.direction != PINBENCH_DMA_WRITE && a.direction != PINBENCH_DMA_READ)
		return -EINVAL;
	if (!a.burst || (!a.rate_hz && a.engine == PINBENCH_ENGINE_HRTIMER))
		return -EINVAL;
	if (a.burst > PINBENCH_MAX_BURST || a.rate_hz > PINBENCH_MAX_RATE_HZ)
		return -E2BIG;
	if (a.engine == PINBENCH_ENGINE_HRTIMER &&
	    (u64)a.rate_hz * a.burst > HRTIMER_MAX_ACCESSES_PER_S)
		return -E2BIG;
	b = dev_buf_get(pf, a.buffer_id);
	if (IS_ERR(b))
		return PTR_ERR(b);
	/* Writing into pages acquired for reading could hit the shared zero page. */
	if (a.direction == PINBENCH_DMA_WRITE && !(b->reg.flags & PINBENCH_PIN_WRITE))
		return -EINVAL;
	if (b->running)
		return -EBUSY;

	b->engine = a.engine;
	b->direction = a.direction;
	b->burst = a.burst;
	b->period_ns = a.rate_hz ? div_u64(NSEC_PER_SEC, a.rate_hz) : 0;
	/* max_records counts from this start on. */
	b->max_records = a.max_records ? b->seq + a.max_records : 0;
	if (a.engine == PINBENCH_ENGINE_HRTIMER) {
		hrtimer_init(&b->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		b->timer.function = dev_timer_fn;
		hrtimer_start(&b->timer, ns_to_ktime(b->period_ns), HRTIMER_MODE_REL_HARD);
	} else {
		b->thread = kthread_run(dev_thread, b, "pinbench-dma/%u", b->id);
		if (IS_ERR(b->thread))
			return PTR_ERR(b->thread);
	}
	b->running = true;
	return 0;
}

/*
 * An anon page is counted lost when the device writes it while nobody maps
 * it. A migration that fails (the page held) unmaps it for a while and
 * then maps it back where it was: the writes of that while reached the
 * process after all. Once the engine has stopped, a page the process maps
 * again at its address had every write: those counts move to in place. A
 * page that was replaced (copied, migrated) is never mapped there again,
 * so its writes stay lost. Only from the registering process (its mm is
 * the one looked at); the lookup never faults (get_user_pages_fast_only()).
 */
static void dev_settle_anon(struct dev_buf *b)
{
	unsigned long i, flags;

	if (current->mm != b->owner)
		return;
	for (i = 0; i < b->reg.nr_pages; i++) {
		struct page *page, *now;

		if (!b->fate[i].lost || b->origin[i].kind != KIND_ANON)
			continue;
		spin_lock_irqsave(&b->reg.lock, flags);
		page = b->dpt[i];
		spin_unlock_irqrestore(&b->reg.lock, flags);
		if (!page || page == pinbench_dummy_page)
			continue;
		if (get_user_pages_fast_only(b->reg.addr + i * PAGE_SIZE, 1, 0, &now) != 1)
			continue;
		if (now == page) {
			b->delivered += b->fate[i].lost;
			b->lost -= b->fate[i].lost;
			b->fate[i].in_place += b->fate[i].lost;
			b->fate[i].lost = 0;
		}
		put_page(now);
	}
}

static long dev_stop_or_unregister(struct pinbench_file *pf, bool unregister,
				   struct pinbench_dev_stats __user *uarg)
{
	struct pinbench_dev_stats st;
	struct dev_buf *b;
	u64 fates_addr;
	u32 ctx;
	long ret = 0;

	if (copy_from_user(&st, uarg, sizeof(st)))
		return -EFAULT;
	if (st.abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (st.reserved0 || st.reserved1)
		return -EINVAL;
	if (unregister ? (st.release_ctx != PINBENCH_CTX_PROCESS &&
			  st.release_ctx != PINBENCH_CTX_HARDIRQ) : st.release_ctx)
		return -EINVAL;
	if (!st.fates_addr != !st.fates_nr || (st.fates_addr & 7))
		return -EINVAL;
	b = dev_buf_get(pf, st.buffer_id);
	if (IS_ERR(b))
		return PTR_ERR(b);
	if (st.fates_addr) {
		if (st.fates_nr != b->reg.nr_pages)
			return -EINVAL;
		if (!access_ok(u64_to_user_ptr(st.fates_addr), (u64)st.fates_nr * sizeof(struct pinbench_page_fate)))
			return -EFAULT;
	}
	fates_addr = st.fates_addr;
	if (unregister)
		xa_erase(&pf->bufs, st.buffer_id);

	ctx = st.release_ctx;
	memset(&st, 0, sizeof(st));
	st.abi_version = PINBENCH_ABI_VERSION;
	st.buffer_id = b->id;
	st.release_ctx = ctx;
	dev_engine_stop(b);
	dev_settle_anon(b);
	if (unregister)
		dev_release_pins(b, ctx);
	dev_fill_stats(b, &st);
	st.fates_addr = fates_addr;
	st.fates_nr = fates_addr ? b->reg.nr_pages : 0;
	/* The engine is stopped and no access counts any more: no lock needed. */
	if (fates_addr && copy_to_user(u64_to_user_ptr(fates_addr), b->fate,
				       (size_t)b->reg.nr_pages * sizeof(*b->fate)))
		ret = -EFAULT;
	if (unregister) {
		st.release_handler_ns = b->handler_ns;
		st.release_pages_ns = b->rc.pages_ns - b->rc.start_ns;
		st.release_done_ns = b->rc.done_ns - b->rc.start_ns;
		st.deferred = atomic64_read(&b->rc.deferred);
		dev_buf_free(b);
	}
	if (copy_to_user(uarg, &st, sizeof(st)))
		ret = -EFAULT;
	return ret;
}

long pinbench_dev_ioctl(struct pinbench_file *pf, unsigned int cmd, void __user *uarg)
{
	switch (cmd) {
	case PINBENCH_IOC_DEV_REGISTER:
		return dev_register(pf, uarg);
	case PINBENCH_IOC_DEV_START:
		return dev_start(pf, uarg);
	case PINBENCH_IOC_DEV_STOP:
		return dev_stop_or_unregister(pf, false, uarg);
	case PINBENCH_IOC_DEV_UNREGISTER:
		return dev_stop_or_unregister(pf, true, uarg);
	default:
		return -ENOTTY;
	}
}

/* The file is going away (close, or the process exiting): stop and give back everything. */
void pinbench_dev_release_all(struct pinbench_file *pf)
{
	struct dev_buf *b;
	unsigned long id;

	xa_for_each(&pf->bufs, id, b) {
		xa_erase(&pf->bufs, id);
		dev_engine_stop(b);
		dev_release_pins(b, PINBENCH_CTX_PROCESS);
		dev_buf_free(b);
	}
	xa_destroy(&pf->bufs);
}
