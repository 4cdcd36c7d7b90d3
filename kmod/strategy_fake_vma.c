// SPDX-License-Identifier: GPL-2.0
/* strategy_fake_vma.c: a model of Jérôme Glisse's fake-VMA proposal: tracking objects under the real rmap locks. */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/interval_tree_generic.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include "compat.h"
#include "pinbench.h"

/*
 * The proposal: GUP inserts a fake vma into the file's i_mmap interval
 * tree (or a fake anon_vma into the anon_vma chain) and raises mapcount
 * instead of refcount, so rmap sees the device as one more mapper.
 *
 * What is real here: the locks (mapping->i_mmap_rwsem, or the anon_vma
 * root rwsem, taken for write, in the kernel's lock order under mmap_lock),
 * a vm_area_struct-sized object from a kmem_cache per acquire, an interval
 * tree insert and remove per acquire, one atomic per page, and the locked
 * GUP path: GUP-fast cannot take these sleeping locks, which was Jan Kara's
 * first objection, so there is no lockless path.
 *
 * What is modelled: a module cannot insert into the kernel's own i_mmap
 * tree (vma_interval_tree_insert() is not exported) nor raise _mapcount
 * (rmap would then expect a real mapping), so it keeps its own interval
 * tree per mapping under the real lock, and a side table of per-page
 * counters (indexed by pfn hash: collisions share a counter, which costs
 * the same atomic and keeps the balance exact). The pages themselves are
 * held with ordinary references (FOLL_GET), so fake_vma's figures are the
 * locked GUP path plus the bookkeeping.
 *
 * What it cannot keep alive: a real fake vma in the anon_vma chain would
 * hold its anon_vma; a module can take a reference but cannot drop the
 * last one (__put_anon_vma() is not exported). If the user unmaps an anon
 * range while it is tracked, that one anon_vma is leaked on purpose and
 * counted, never freed wrongly.
 *
 * Two rows bracket what a real implementation would cost:
 *  - fake_vma, pessimistic: mmap_lock and the locked GUP for every page,
 *    the vma looked up to find the mapping;
 *  - fake_vma_fast, what a process-context implementation could do:
 *    GUP-fast without mmap_lock, the mapping (or anon_vma) found from the
 *    pages themselves, then the insert under the real rmap lock and a
 *    revalidation under it: every page must still be the file's (its
 *    folio->mapping unchanged; truncate clears it only after its unmap,
 *    which takes i_mmap_rwsem and so is ordered against the insert) or
 *    still mapped (anon: try_to_unmap() takes the anon_vma lock); a page
 *    that is not is a lost race, undone and retried for
 *    PINBENCH_REVOKE_RETRY_MS, as notifier_revoke does. small_dio releases
 *    it in the submitter's task when it reaps the I/O, as the kernel's
 *    synchronous direct I/O gives back its pages in the issuer's task,
 *    instead of deferring every release to a workqueue.
 * Both are optimistic in what the model cannot do: a private tree instead
 * of the shared i_mmap tree, no anon_vma_chain, a side-table atomic
 * instead of _mapcount. So every rmap walker (truncate, page_mkclean,
 * reclaim, migration) would also visit the fake vmas; the tax it would pay
 * is measured from the model's own tree (walk(): the walk under the rmap
 * lock taken for read, as unmap_mapping_range() takes it), not charged to
 * those walkers here.
 */
#define SIDE_BITS 20

struct fake_vma {
	struct rb_node rb;
	unsigned long start, last;	/* page offsets, as vm_pgoff */
	unsigned long subtree_last;
	void *key;			/* the address_space or anon_vma root */
	struct file *file;		/* file-backed: keeps the mapping alive */
	struct inode *inode;		/* fake_vma_fast, file-backed: the same */
	struct anon_vma *anon_vma;	/* anon: the reference we hold */
	/* Pad to the size of what the proposal would allocate. */
	char pad[sizeof(struct vm_area_struct) > 64 ? sizeof(struct vm_area_struct) - 64 : 0];
};

#define FV_START(n) ((n)->start)
#define FV_LAST(n) ((n)->last)
INTERVAL_TREE_DEFINE(struct fake_vma, rb, unsigned long, subtree_last,
		     FV_START, FV_LAST, static __maybe_unused, fake_vma_tree)

/* One tree per mapping or anon_vma root, protected by that object's own lock. */
struct fake_vma_root {
	struct rb_root_cached tree;
};

static struct kmem_cache *fake_vma_cache;
static DEFINE_XARRAY(fake_vma_roots);	/* index: key >> 3 */
static atomic_t *side_count;		/* the modelled mapcount raise */

static atomic_t *side_counter(struct page *page)
{
	return &side_count[hash_long(page_to_pfn(page), SIDE_BITS)];
}

/* The root for key, created outside any rmap lock (allocation may reclaim). */
static struct fake_vma_root *root_get(void *key)
{
	unsigned long idx = (unsigned long)key >> 3;
	struct fake_vma_root *r = xa_load(&fake_vma_roots, idx), *old;

	if (r)
		return r;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->tree = RB_ROOT_CACHED;
	old = xa_cmpxchg(&fake_vma_roots, idx, NULL, r, GFP_KERNEL);
	if (xa_is_err(old)) {
		kfree(r);
		return NULL;
	}
	if (old) {
		kfree(r);
		return old;
	}
	return r;
}

static void rmap_lock(struct fake_vma *fv)
{
	if (!fv->anon_vma)
		i_mmap_lock_write(fv->key);
	else
		anon_vma_lock_write(fv->anon_vma);
}

static void rmap_unlock(struct fake_vma *fv)
{
	if (!fv->anon_vma)
		i_mmap_unlock_write(fv->key);
	else
		anon_vma_unlock_write(fv->anon_vma);
}

/* Drop what keeps the mapping alive: the file or inode, or our anon_vma reference. */
static void fake_vma_put_key(struct fake_vma *fv)
{
	if (fv->file) {
		fput(fv->file);
	} else if (fv->inode) {
		iput(fv->inode);
	} else if (!atomic_add_unless(&fv->anon_vma->refcount, -1, 1)) {
		/* Ours is the last reference and only the kernel may free it. */
		atomic64_inc(&pinbench_anon_vmas_leaked);
		pr_warn_once("pinbench: fake_vma: an anon_vma outlived its mapping; leaked (cannot free it from a module)\n");
	}
}

static long fake_vma_acquire(struct pinbench_pin *pin, unsigned long addr,
			     unsigned int nr_pages)
{
	unsigned int gup_flags = (pin->flags & PINBENCH_PIN_WRITE) ? FOLL_WRITE : 0;
	unsigned long len = (unsigned long)nr_pages << PAGE_SHIFT;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct fake_vma_root *root;
	u64 t = pinbench_bd_start(pin);
	struct fake_vma *fv;
	long n, i;

	/* Allocate first: reclaim under i_mmap_rwsem could take it again. */
	fv = kmem_cache_zalloc(fake_vma_cache, GFP_KERNEL);
	if (!fv)
		return -ENOMEM;
	pinbench_bd_mark(pin, PINBENCH_PART_ALLOC, &t);
	if (mmap_read_lock_killable(mm)) {
		kmem_cache_free(fake_vma_cache, fv);
		return -EINTR;
	}
	/* The model tracks one vma per acquire: the range must lie in one. */
	vma = vma_lookup(mm, addr);
	if (!vma || addr + len > vma->vm_end) {
		n = -EFAULT;
		goto out_unlock;
	}
	n = pinbench_get_user_pages(addr, nr_pages, gup_flags, pin->pages);
	if (n <= 0) {
		n = n ? n : -EFAULT;
		goto out_unlock;
	}
	pinbench_bd_mark(pin, PINBENCH_PART_GUP, &t);
	if (vma_is_anonymous(vma)) {
		if (!vma->anon_vma) {	/* only zero pages: nothing to attach to */
			for (i = 0; i < n; i++)
				put_page(pin->pages[i]);
			n = -EOPNOTSUPP;
			goto out_unlock;
		}
		fv->anon_vma = vma->anon_vma;
		get_anon_vma(fv->anon_vma);
		fv->key = fv->anon_vma->root;
	} else {
		fv->file = get_file(vma->vm_file);
		fv->key = fv->file->f_mapping;
	}
	fv->start = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	fv->last = fv->start + n - 1;

	/*
	 * Still under mmap_lock, as GUP itself would insert the fake vma (lock
	 * order mmap_lock -> i_mmap_rwsem -> anon_vma, mm/rmap.c); a root is
	 * allocated here at most once per mapping, as a fault may allocate.
	 */
	root = root_get(fv->key);
	if (!root) {		/* a negative return holds nothing */
		mmap_read_unlock(mm);
		for (i = 0; i < n; i++)
			put_page(pin->pages[i]);
		fake_vma_put_key(fv);
		kmem_cache_free(fake_vma_cache, fv);
		return -ENOMEM;
	}
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_INSERT, &t);
	rmap_lock(fv);
	pinbench_bd_mark(pin, PINBENCH_PART_LOCK_WAIT, &t);
	fake_vma_tree_insert(fv, &root->tree);
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_INSERT, &t);
	for (i = 0; i < n; i++)
		atomic_inc(side_counter(pin->pages[i]));
	pinbench_bd_mark(pin, PINBENCH_PART_ACCOUNT, &t);
	rmap_unlock(fv);
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_INSERT, &t);
	mmap_read_unlock(mm);
	pinbench_bd_mark(pin, PINBENCH_PART_GUP, &t);

	atomic64_inc(&pinbench_tracking_objects);
	pin->priv = fv;
	return n;

out_unlock:
	mmap_read_unlock(mm);
	kmem_cache_free(fake_vma_cache, fv);
	return n;
}

/*
 * folio_get_anon_vma(), which modules cannot call: the anon_vma of a
 * mapped anon folio, with a reference (anon_vmas are SLAB_TYPESAFE_BY_RCU,
 * so the RCU read and inc_not_zero are safe). NULL when it is not mapped.
 */
static struct anon_vma *model_get_anon_vma(struct folio *folio)
{
	struct anon_vma *anon_vma = NULL;
	unsigned long m;

	rcu_read_lock();
	m = (unsigned long)READ_ONCE(folio->mapping);
	if ((m & PAGE_MAPPING_FLAGS) != PAGE_MAPPING_ANON || !folio_mapped(folio))
		goto out;
	anon_vma = (struct anon_vma *)(m - PAGE_MAPPING_ANON);
	if (!atomic_inc_not_zero(&anon_vma->refcount)) {
		anon_vma = NULL;
		goto out;
	}
	if (!folio_mapped(folio)) {	/* as folio_get_anon_vma(): unmapped meanwhile */
		struct fake_vma tmp = { .anon_vma = anon_vma };

		rcu_read_unlock();
		fake_vma_put_key(&tmp);
		return NULL;
	}
out:
	rcu_read_unlock();
	return anon_vma;
}

/* Is page still where the fake vma says, under the rmap lock? File: in the file; anon: mapped, same root. */
static bool fast_page_valid(const struct fake_vma *fv, struct page *page)
{
	struct folio *folio = page_folio(page);
	unsigned long m = (unsigned long)READ_ONCE(folio->mapping);

	if (!fv->anon_vma)
		return (void *)m == fv->key;
	return (m & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_ANON && folio_mapped(folio) &&
	       ((struct anon_vma *)(m - PAGE_MAPPING_ANON))->root == fv->key;
}

static pgoff_t fast_page_offset(struct page *page)
{
	struct folio *folio = page_folio(page);

	return folio->index + folio_page_idx(folio, page);
}

static long fake_vma_fast_acquire(struct pinbench_pin *pin, unsigned long addr,
				  unsigned int nr_pages)
{
	unsigned int gup_flags = (pin->flags & PINBENCH_PIN_WRITE) ? FOLL_WRITE : 0;
	unsigned long deadline = 0;
	struct fake_vma_root *root;
	u64 t = pinbench_bd_start(pin);
	struct fake_vma *fv;
	struct folio *folio;
	long n, i;

	fv = kmem_cache_zalloc(fake_vma_cache, GFP_KERNEL);
	if (!fv)
		return -ENOMEM;
	pinbench_bd_mark(pin, PINBENCH_PART_ALLOC, &t);
again:
	n = get_user_pages_fast(addr, nr_pages, gup_flags, pin->pages);
	if (n <= 0) {
		kmem_cache_free(fake_vma_cache, fv);
		return n ? n : -EFAULT;
	}
	pinbench_bd_mark(pin, PINBENCH_PART_GUP, &t);
	/* The mapping from the pages: no vma, no mmap_lock. */
	folio = page_folio(pin->pages[0]);
	if (folio_test_anon(folio)) {
		fv->anon_vma = model_get_anon_vma(folio);
		if (!fv->anon_vma)
			goto lost;
		fv->key = fv->anon_vma->root;
	} else {
		struct address_space *mapping = READ_ONCE(folio->mapping);

		fv->inode = mapping ? igrab(mapping->host) : NULL;
		if (!fv->inode)
			goto lost;
		fv->key = mapping;
	}
	fv->start = fast_page_offset(pin->pages[0]);
	fv->last = fv->start + n - 1;
	root = root_get(fv->key);
	if (!root) {
		for (i = 0; i < n; i++)
			put_page(pin->pages[i]);
		fake_vma_put_key(fv);
		kmem_cache_free(fake_vma_cache, fv);
		return -ENOMEM;
	}
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_INSERT, &t);
	rmap_lock(fv);
	pinbench_bd_mark(pin, PINBENCH_PART_LOCK_WAIT, &t);
	/* Revalidate: every page still the file's (or mapped), one contiguous range. */
	for (i = 0; i < n; i++)
		if (!fast_page_valid(fv, pin->pages[i]) ||
		    fast_page_offset(pin->pages[i]) != fv->start + i)
			break;
	if (i < n) {
		rmap_unlock(fv);
		fake_vma_put_key(fv);
		goto lost;
	}
	fake_vma_tree_insert(fv, &root->tree);
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_INSERT, &t);
	for (i = 0; i < n; i++)
		atomic_inc(side_counter(pin->pages[i]));
	pinbench_bd_mark(pin, PINBENCH_PART_ACCOUNT, &t);
	rmap_unlock(fv);
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_INSERT, &t);
	atomic64_inc(&pinbench_tracking_objects);
	pin->priv = fv;
	return n;

lost:
	/* Truncated, unmapped or remapped between GUP-fast and the lock: undo, retry. */
	for (i = 0; i < n; i++)
		put_page(pin->pages[i]);
	fv->anon_vma = NULL;
	fv->inode = NULL;
	pin->read_retries++;
	if (!deadline)
		deadline = jiffies + msecs_to_jiffies(PINBENCH_REVOKE_RETRY_MS);
	if (fatal_signal_pending(current) || time_after(jiffies, deadline)) {
		kmem_cache_free(fake_vma_cache, fv);
		return fatal_signal_pending(current) ? -EINTR : -EAGAIN;
	}
	goto again;
}

/* See struct pinbench_strategy: the walk a rmap walker would make over the tracked objects. */
static long fake_vma_walk(struct pinbench_pin *pin, bool miss)
{
	struct fake_vma *fv = pin->priv, *it;
	unsigned long first = miss ? ULONG_MAX : 0;
	struct fake_vma_root *root;
	long n = 0;

	if (!fv)
		return -EINVAL;
	root = xa_load(&fake_vma_roots, (unsigned long)fv->key >> 3);
	if (fv->anon_vma)
		anon_vma_lock_read(fv->anon_vma);
	else
		i_mmap_lock_read(fv->key);
	for (it = fake_vma_tree_iter_first(&root->tree, first, ULONG_MAX); it;
	     it = fake_vma_tree_iter_next(it, first, ULONG_MAX)) {
		(void)READ_ONCE(it->key);
		n++;
	}
	if (fv->anon_vma)
		anon_vma_unlock_read(fv->anon_vma);
	else
		i_mmap_unlock_read(fv->key);
	return n;
}

static void fake_vma_release(struct pinbench_pin *pin)
{
	struct fake_vma *fv = pin->priv;
	struct fake_vma_root *root;
	unsigned int i;
	u64 t;

	if (!fv)
		return;
	pinbench_may_sleep("fake_vma release (rmap rwsem)");
	t = pinbench_bd_start(pin);
	root = xa_load(&fake_vma_roots, (unsigned long)fv->key >> 3);
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_REMOVE, &t);
	rmap_lock(fv);
	pinbench_bd_mark(pin, PINBENCH_PART_LOCK_WAIT, &t);
	fake_vma_tree_remove(fv, &root->tree);
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_REMOVE, &t);
	for (i = 0; i < pin->nr; i++)
		atomic_dec(side_counter(pin->pages[i]));
	pinbench_bd_mark(pin, PINBENCH_PART_ACCOUNT, &t);
	rmap_unlock(fv);
	pinbench_bd_mark(pin, PINBENCH_PART_TREE_REMOVE, &t);
	for (i = 0; i < pin->nr; i++) {
		if (pin->flags & PINBENCH_PIN_DIRTY)
			set_page_dirty_lock(pin->pages[i]);
		put_page(pin->pages[i]);
	}
	pinbench_bd_mark(pin, PINBENCH_PART_PUT, &t);
	fake_vma_put_key(fv);
	kmem_cache_free(fake_vma_cache, fv);
	pinbench_bd_mark(pin, PINBENCH_PART_FREE, &t);
	pin->priv = NULL;
	pin->nr = 0;
	atomic64_dec(&pinbench_tracking_objects);
}

static bool fake_vma_holds(struct pinbench_pin *pin, unsigned int i)
{
	struct page *page = pin->pages[i];

	return pinbench_page_ref_beyond_mappings(page) && atomic_read(side_counter(page)) > 0;
}

int pinbench_fake_vma_init(void)
{
	side_count = vzalloc(sizeof(*side_count) << SIDE_BITS);
	if (!side_count)
		return -ENOMEM;
	fake_vma_cache = kmem_cache_create("pinbench_fake_vma", sizeof(struct fake_vma), 0,
					   SLAB_HWCACHE_ALIGN, NULL);
	if (!fake_vma_cache) {
		vfree(side_count);
		return -ENOMEM;
	}
	return 0;
}

void pinbench_fake_vma_exit(void)
{
	struct fake_vma_root *r;
	unsigned long idx;

	xa_for_each(&fake_vma_roots, idx, r)
		kfree(r);
	xa_destroy(&fake_vma_roots);
	kmem_cache_destroy(fake_vma_cache);
	vfree(side_count);
}

const struct pinbench_strategy pinbench_fake_vma = {
	.name = "fake_vma",
	.id = PINBENCH_STRATEGY_FAKE_VMA,
	.supported_flags = PINBENCH_PIN_WRITE | PINBENCH_PIN_DIRTY,
	/* Sleeping rmap locks on both sides: no GUP-fast, no hardirq release. */
	.caps = PINBENCH_CAP_BREAKDOWN,
	.needs_mm = true,
	.acquire = fake_vma_acquire,
	.release = fake_vma_release,
	.holds = fake_vma_holds,
	.walk = fake_vma_walk,
};

const struct pinbench_strategy pinbench_fake_vma_fast = {
	.name = "fake_vma_fast",
	.id = PINBENCH_STRATEGY_FAKE_VMA_FAST,
	.supported_flags = PINBENCH_PIN_WRITE | PINBENCH_PIN_DIRTY,
	/* No mmap_lock (GUP-fast); the rmap rwsem still sleeps, on both sides. */
	.caps = PINBENCH_CAP_LOCKLESS | PINBENCH_CAP_BREAKDOWN,
	.needs_mm = true,
	.acquire = fake_vma_fast_acquire,
	.release = fake_vma_release,
	.holds = fake_vma_holds,
	.walk = fake_vma_walk,
	.release_by_issuer = true,
};
