// SPDX-License-Identifier: GPL-2.0
/*
 * wl_pin_count.c: the pin count's edge cases in the guest (PINBENCH_IOC_PIN_COUNT).
 *
 * In a process of its own, so that whether its mm ever pinned
 * (MMF_HAS_PINNED, which fork's early copy of a maybe-pinned page needs) is
 * what the cell asks and not what earlier cells did: take refs references
 * or pins on one anon page (a small folio, or a page of a THP), held; read
 * what the module saw; fork, and compare the child's frame for that page
 * with the parent's (/proc/<pid>/pagemap): fork copies an anon page it
 * believes pinned instead of sharing it, so a different frame is the
 * kernel acting on the belief; then give them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"
#include "pinbench_uapi.h"
#include "util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PMD_SIZE_ (2ul << 20)

/*
 * More than one request may hold (PINBENCH_MAX_PC_REFS): a cell asking for
 * more spreads them over files of its own, each holding its share and its
 * own reference, the last on the cell's file. INT_MAX is the refcount's
 * limit: a pin past it wraps the count negative unchecked (6.1's and
 * 6.12's GUP add first; only the next call WARNs and fails), so a share
 * that would cross it is refused here instead.
 */
#define PC_MAX_FILES 40

/* What reclaim did with the page (MADV_PAGEOUT with swap on), from its pagemap entry. */
enum { PC_RECLAIM_NOT_TRIED, PC_RECLAIM_KEPT, PC_RECLAIM_SWAPPED, PC_RECLAIM_OTHER };
static const char *const pc_reclaim_words[] = { "not tried", "kept mapped", "unmapped to swap",
						"unmapped" };
#define PC_REFCOUNT_MAX 2147483647LL

struct pc_result {
	struct pinbench_pin_count a;
	uint32_t holders;		/* files that held a share (each with its own reference) */
	int err;			/* errno of the step that failed, or 0 */
	char step[64];			/* which */
	int copied;			/* the child's frame differs from the parent's */
	uint32_t folio_pages;		/* pages of the folio compared at fork (1, or 512 for a THP) */
	uint32_t pages_copied;		/* of them, the child's frames that differ from the parent's */
	int reclaim;			/* after MADV_PAGEOUT: PC_RECLAIM_* */
	int large_wanted_got;		/* folio=large: the page was in a large folio */
};

static int pc_call(int fd, uint32_t mode, uint32_t refs, uint32_t flags, void *addr,
		   struct pinbench_pin_count *a)
{
	memset(a, 0, sizeof(*a));
	a->abi_version = PINBENCH_ABI_VERSION;
	a->mode = mode;
	a->refs = refs;
	a->flags = flags;
	a->addr = (uintptr_t)addr;
	return ioctl(fd, PINBENCH_IOC_PIN_COUNT, a) < 0 ? errno : 0;
}

#define FAIL_AT(r, s, e) do { (r)->err = (e); snprintf((r)->step, sizeof((r)->step), "%s", (s)); \
			      return; } while (0)

/* The cell's work, in a fresh process; the result goes back through r (shared memory). */
static void pc_worker(int devfd, uint32_t mode, uint32_t refs, bool large, bool prior_pin,
		      bool reclaim_on, struct pc_result *r)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = large ? 2 * PMD_SIZE_ : 2 * page;
	struct pinbench_pin_count other;
	static uint64_t mine_all[PMD_SIZE_ / 4096], childs_all[PMD_SIZE_ / 4096];
	size_t n = large ? PMD_SIZE_ / page : 1;
	uint64_t mine, childs;
	int p[2], e;
	char *map, *buf;
	pid_t pid;

	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		FAIL_AT(r, "mmap", errno);
	buf = large ? (char *)(((uintptr_t)map + PMD_SIZE_ - 1) & ~(PMD_SIZE_ - 1)) : map;
	if (madvise(buf, large ? PMD_SIZE_ : page, large ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) < 0)
		FAIL_AT(r, "madvise", errno);
	memset(buf, 0x5a, large ? PMD_SIZE_ : page);
	/* A pin on another page, given back at once: MMF_HAS_PINNED stays set on the mm. */
	if (prior_pin) {
		e = pc_call(devfd, PINBENCH_PC_PIN, 1, 0, large ? buf + PMD_SIZE_ - page : map + page,
			    &other);
		if (e)
			FAIL_AT(r, "the prior pin", e);
	}
	{
		int extra[PC_MAX_FILES];
		uint32_t nextra = 0, left = refs, per = mode == PINBENCH_PC_PIN && !large ? 1024 : 1;
		int64_t before = -1, now = 0;
		uint64_t ns = 0, taken = 0;

		while (left > PINBENCH_MAX_PC_REFS) {
			if (nextra == PC_MAX_FILES)
				FAIL_AT(r, "refs: more files than PC_MAX_FILES", E2BIG);
			extra[nextra] = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
			if (extra[nextra] < 0)
				FAIL_AT(r, "opening /dev/pinbench for a share", errno);
			e = pc_call(extra[nextra], mode, PINBENCH_MAX_PC_REFS, PINBENCH_PC_HOLD, buf, &r->a);
			nextra++;
			if (e)
				FAIL_AT(r, "PINBENCH_IOC_PIN_COUNT (a share)", e);
			if (before < 0)
				before = r->a.refcount_before;
			now = r->a.refcount_after;
			ns += r->a.take_ns;
			taken += r->a.taken;
			left -= PINBENCH_MAX_PC_REFS;
		}
		/* The last share, and the module's reference for it: past INT_MAX, refused. */
		if (nextra && now + 1 + (int64_t)per * left > PC_REFCOUNT_MAX)
			FAIL_AT(r, "refs: the last share would wrap the refcount past INT_MAX", EOVERFLOW);
		e = pc_call(devfd, mode, left, PINBENCH_PC_HOLD, buf, &r->a);
		if (e)
			FAIL_AT(r, "PINBENCH_IOC_PIN_COUNT", e);
		if (before >= 0) {
			r->a.refcount_before = before;
			r->a.take_ns += ns;
			r->a.taken += (uint32_t)taken;
		}
		r->holders = nextra + 1;
		/* The shares go once the fork below has seen the page; their files close with this process. */
		(void)extra;
	}
	r->large_wanted_got = r->a.folio_order > 0;
	/*
	 * Every page of the folio, not only the one held: fork's test is per
	 * folio (6.1: copy_huge_pmd() finds the THP maybe pinned, splits the
	 * PMD and retries; copy_present_pte() then asks
	 * page_try_dup_anon_rmap() -> page_needs_cow_for_dma() ->
	 * folio_maybe_dma_pinned() of the whole folio for each of its PTEs).
	 */
	if (pb_pagemap_read(buf, n, mine_all) < 0)
		FAIL_AT(r, "reading the frames from pagemap", errno ? errno : EIO);
	if (pipe(p) < 0)
		FAIL_AT(r, "pipe", errno);
	pid = fork();
	if (pid < 0)
		FAIL_AT(r, "fork", errno);
	if (pid == 0) {
		/* Read only: a write would copy the page whatever fork did. */
		if (pb_pagemap_read(buf, n, childs_all) < 0)
			memset(childs_all, 0, sizeof(childs_all));
		if (write(p[1], childs_all, n * sizeof(uint64_t)) != (ssize_t)(n * sizeof(uint64_t)))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	{
		size_t got = 0;
		ssize_t k;

		while (got < n * sizeof(uint64_t) &&
		       (k = read(p[0], (char *)childs_all + got, n * sizeof(uint64_t) - got)) > 0)
			got += (size_t)k;
		if (got != n * sizeof(uint64_t))
			memset(childs_all, 0, sizeof(childs_all));
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
	mine = pb_pagemap_pfn(mine_all[0]);
	childs = pb_pagemap_pfn(childs_all[0]);
	if (!mine || !childs)
		FAIL_AT(r, "reading the frames from pagemap", EIO);
	r->copied = mine != childs;
	r->folio_pages = (uint32_t)n;
	for (size_t i = 0; i < n; i++)
		r->pages_copied += pb_pagemap_pfn(mine_all[i]) != pb_pagemap_pfn(childs_all[i]);
	/*
	 * Reclaim of this one page, with the references held: an anon page
	 * that looks pinned is left mapped (shrink_folio_list() keeps a
	 * maybe-pinned anon folio before add_to_swap(), mm/vmscan.c, 6.1 and
	 * 6.12), one that does not is unmapped to swap, though the references
	 * keep it in memory.
	 */
	if (reclaim_on && !large) {
		uint64_t e8 = 0;

		if (madvise(buf, page, MADV_PAGEOUT) < 0)
			FAIL_AT(r, "MADV_PAGEOUT", errno);
		if (pb_pagemap_read(buf, 1, &e8) < 0)
			FAIL_AT(r, "reading pagemap after MADV_PAGEOUT", errno ? errno : EIO);
		r->reclaim = (e8 >> 63) & 1 ? PC_RECLAIM_KEPT : (e8 >> 62) & 1 ? PC_RECLAIM_SWAPPED :
			     PC_RECLAIM_OTHER;
	}
	e = pc_call(devfd, 0, 0, 0, NULL, &other);	/* give them back */
	if (e)
		FAIL_AT(r, "giving them back", e);
}

/*
 * A swap file for the cell (reclaim has nowhere to put an anon page
 * without one): 16 MiB on the ext4 of a memory-backed null_blk, its header
 * written here as mkswap writes it (version 1, the last page, the magic),
 * swapon()ed; 0, or -1 with why.
 */
#define PC_SWAP_PAGES 4096u
static int swap_setup(char *path, size_t len, char *why, size_t whylen)
{
	char dir[256], err[256];
	static char page[4096];
	int fd;

	if (pb_fs_get(PB_FS_EXT4, dir, sizeof(dir), err, sizeof(err)) < 0) {
		snprintf(why, whylen, "no ext4 for a swap file: %s", err);
		return -1;
	}
	snprintf(path, len, "%s/pin-count.swap", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(page, 0, sizeof(page));
	for (unsigned int i = 0; i < PC_SWAP_PAGES; i++) {
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
			snprintf(why, whylen, "writing %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	{
		uint32_t hdr[3] = { 1, PC_SWAP_PAGES - 1, 0 };	/* version, last_page, nr_badpages */

		memcpy(page + 1024, hdr, sizeof(hdr));
		memcpy(page + sizeof(page) - 10, "SWAPSPACE2", 10);
	}
	if (pwrite(fd, page, sizeof(page), 0) != (ssize_t)sizeof(page) || fsync(fd) < 0) {
		snprintf(why, whylen, "writing the swap header: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (swapon(path, 0) < 0) {
		snprintf(why, whylen, "swapon %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

static void pin_count_run(struct pb_cell *cell)
{
	const char *mode = pb_param_str(cell, "mode");
	bool large = !strcmp(pb_param_str(cell, "folio"), "large");
	bool prior = pb_param_u64(cell, "prior_pin");
	uint32_t refs = (uint32_t)pb_param_u64(cell, "refs");
	struct pc_result *r;
	char swap[300], swap_why[640] = "";
	bool swap_on = false;
	int status = 0;
	pid_t pid;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED) {
		pb_cell_fail(cell, PB_FAILED, "mmap: %s", strerror(errno));
		return;
	}
	if (!large)
		swap_on = swap_setup(swap, sizeof(swap), swap_why, sizeof(swap_why)) == 0;
	memset(r, 0, sizeof(*r));
	pid = fork();
	if (pid < 0) {
		pb_cell_fail(cell, PB_FAILED, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		pc_worker(cell->devfd, strcmp(mode, "pin") ? PINBENCH_PC_GET : PINBENCH_PC_PIN, refs,
			  large, prior, swap_on, r);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		pb_cell_fail(cell, PB_FAILED, "the worker process died (status 0x%x)", status);
		goto out;
	}
	if (r->err) {
		pb_cell_fail(cell, PB_FAILED, "%s: %s", r->step, strerror(r->err));
		goto out;
	}
	if (large && !r->large_wanted_got) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "folio=large: the page was not in a large folio "
			     "(THP unavailable: transparent_hugepage/enabled, or no free 2 MiB block)");
		goto out;
	}
	json_object_object_add(cell->raw, "mode", json_object_new_string(mode));
	json_object_object_add(cell->raw, "taken", json_object_new_uint64(r->a.taken));
	json_object_object_add(cell->raw, "folio_order", json_object_new_uint64(r->a.folio_order));
	json_object_object_add(cell->raw, "refcount_before", json_object_new_int64(r->a.refcount_before));
	json_object_object_add(cell->raw, "refcount_after", json_object_new_int64(r->a.refcount_after));
	json_object_object_add(cell->raw, "pinned_before", json_object_new_boolean(r->a.pinned_before));
	json_object_object_add(cell->raw, "pinned_after", json_object_new_boolean(r->a.pinned_after));
	json_object_object_add(cell->raw, "take_ns", json_object_new_uint64(r->a.take_ns));
	json_object_object_add(cell->raw, "holders", json_object_new_uint64(r->holders));
	json_object_object_add(cell->raw, "copied_at_fork", json_object_new_boolean(r->copied));
	json_object_object_add(cell->raw, "folio_pages", json_object_new_uint64(r->folio_pages));
	json_object_object_add(cell->raw, "pages_copied_at_fork", json_object_new_uint64(r->pages_copied));
	json_object_object_add(cell->raw, "reclaim", json_object_new_string(pc_reclaim_words[r->reclaim]));
	if (!large && !swap_on)
		json_object_object_add(cell->raw, "reclaim_why", json_object_new_string(swap_why));
out:
	if (swap_on) {
		if (swapoff(swap) < 0)
			pb_cell_fail(cell, PB_FAILED, "swapoff %s: %s", swap, strerror(errno));
		unlink(swap);
	}
	munmap(r, sizeof(*r));
}

const struct pb_guest_workload pb_wl_pin_count = {
	.name = "pin_count",
	.run = pin_count_run,
};
PB_GUEST_WORKLOAD(pb_wl_pin_count);
