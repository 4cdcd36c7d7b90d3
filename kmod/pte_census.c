// SPDX-License-Identifier: GPL-2.0
/*
 * pte_census.c: what a user range's PTEs say now, for a workload that must
 * count what the mm did to one buffer alone: NUMA balancing's hinting
 * marks (a PROT_NONE PTE, pte_protnone()), which /proc/vmstat counts for
 * the whole system (numa_pte_updates).
 *
 * apply_to_existing_page_range() is the page-table walk modules may call
 * on 6.1 and 6.12 (pte_offset_map_lock() is out of line and not exported
 * on 6.12). It takes each page table's lock, but a PMD or PUD that maps a
 * huge page is a WARN or a BUG to it, and a THP fault of another thread
 * may install one under our mmap read lock: the range must be one that
 * cannot be mapped huge (every vma MADV_NOHUGEPAGE, no hugetlb), which
 * holds while the lock is held (MADV_HUGEPAGE and khugepaged's collapse
 * take it for write).
 */
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include "pinbench.h"

static_assert(sizeof(struct pinbench_pte_census) == 2 * 4 + 6 * 8);

static int census_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct pinbench_pte_census *a = data;
	pte_t v = ptep_get(pte);

	if (pte_present(v)) {
		a->present++;
		if (pte_protnone(v))
			a->protnone++;
	}
	return 0;
}

/* Every vma over [start, end) exists and can map nothing huge. */
static bool census_range_ok(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;

	while (start < end) {
		vma = vma_lookup(mm, start);
		if (!vma || is_vm_hugetlb_page(vma) || !(vma->vm_flags & VM_NOHUGEPAGE) ||
		    (vma->vm_flags & (VM_PFNMAP | VM_IO | VM_MIXEDMAP)))
			return false;
		start = vma->vm_end;
	}
	return true;
}

long pinbench_pte_census_ioctl(struct pinbench_file *pf, void __user *arg)
{
	struct pinbench_pte_census __user *uarg = arg;
	struct mm_struct *mm = current->mm;
	struct pinbench_pte_census a;
	unsigned long start, end;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (a.reserved0 || memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	ret = pinbench_check_range(a.addr, a.nr_pages);
	if (ret)
		return ret;
	if (!mm)
		return -EINVAL;
	start = a.addr;
	end = start + (a.nr_pages << PAGE_SHIFT);
	a.present = 0;
	a.protnone = 0;
	mmap_read_lock(mm);
	if (!census_range_ok(mm, start, end)) {
		mmap_read_unlock(mm);
		return -EINVAL;
	}
	ret = apply_to_existing_page_range(mm, start, end - start, census_pte, &a);
	mmap_read_unlock(mm);
	if (ret)
		return ret;
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}
