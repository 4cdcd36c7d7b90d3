// SPDX-License-Identifier: GPL-2.0
/*
 * wl_pin_cost.c: what pins cost the rest of the system.
 *
 * Four scenarios, each in the memory layout the cell asks for (zone:
 * normal, the plain guest; movable, a guest booted with movablecore= so
 * that user pages land in ZONE_MOVABLE; cma, one booted with cma=):
 *  - longterm:      a fresh 2 MiB buffer pinned once (PINBENCH_IOC_GUP_FAST,
 *                   one sampled round then one phase round) with or without
 *                   FOLL_LONGTERM. The first acquire migrates the pages a
 *                   long-term pin may not keep where they are; the second
 *                   finds them moved: the difference is what migration
 *                   costs, per page. The frames are read before and after
 *                   (pagemap against the zone's span).
 *  - longterm_fail: the same, with one page of the buffer already pinned
 *                   (a short-term FOLL_PIN held, as an O_DIRECT in flight
 *                   holds one): the page cannot migrate, so the long-term
 *                   pin fails; how, after how long, and what it migrated
 *                   in vain.
 *  - fragmentation: pin_mib of anon memory faulted in, one page kept in
 *                   every 2 MiB physical block it covers (gathered with
 *                   mremap(), the rest freed), that page held by the
 *                   device (registered with the cell's strategy, with or
 *                   without FOLL_LONGTERM); then compaction and as many
 *                   2 MiB hugetlb pages as the kernel can find
 *                   (vm.nr_hugepages), against the same before anything
 *                   was pinned: how much memory a few pinned pages keep
 *                   from being compacted.
 *  - thp_split:     a THP of which the device holds one 4 KiB page; the
 *                   user frees the other 511 (MADV_DONTNEED) and the THP
 *                   is split (debugfs split_huge_pages, what the deferred
 *                   split queue would do under pressure). A held page keeps
 *                   the whole 2 MiB folio: what stays allocated is read
 *                   from the frame's flags (kpageflags).
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
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "names.h"
#include "pinbench_uapi.h"
#include "util.h"
#include "vmstat.h"

#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#endif

#define PC_PAGE 4096ul
#define PC_PMD (2ul << 20)
#define PC_BLOCK_SHIFT 9		/* 2 MiB of 4 KiB frames */
#define KPF_THP 22
#define PC_MAX_RANGES 8

static const char *const vm_counters[] = {
	"pgmigrate_success", "pgmigrate_fail", "compact_stall", "compact_fail", "compact_success",
	"compact_migrate_scanned", "compact_isolated", "thp_split_page", "thp_split_page_failed",
	"thp_deferred_split_page",
};
#define NR_VM (sizeof(vm_counters) / sizeof(vm_counters[0]))

/* The frames of the cell's zone: [start, end) ranges; none for zone=normal. */
struct zone_span {
	uint64_t start[PC_MAX_RANGES], end[PC_MAX_RANGES];
	int n;
};

static bool in_span(const struct zone_span *z, uint64_t pfn)
{
	for (int i = 0; i < z->n; i++)
		if (pfn >= z->start[i] && pfn < z->end[i])
			return true;
	return false;
}

/* ZONE_MOVABLE's frames on every node, from /proc/zoneinfo (start_pfn, spanned). */
static int movable_span(struct zone_span *z)
{
	char *s = pb_read_file("/proc/zoneinfo", NULL), *line, *save = NULL;
	bool in = false;
	uint64_t spanned = 0;

	z->n = 0;
	for (line = s ? strtok_r(s, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line;

		while (*p == ' ')
			p++;
		if (!strncmp(p, "Node ", 5)) {
			in = strstr(p, "zone") && strstr(p, "Movable");
			spanned = 0;
		} else if (in && !strncmp(p, "spanned", 7)) {
			spanned = strtoull(p + 7, NULL, 10);
		} else if (in && !strncmp(p, "start_pfn:", 10) && spanned && z->n < PC_MAX_RANGES) {
			z->start[z->n] = strtoull(p + 10, NULL, 10);
			z->end[z->n] = z->start[z->n] + spanned;
			z->n++;
		}
	}
	free(s);
	return z->n ? 0 : -1;
}

/* /proc/meminfo's value for key, kB; -1 when the line is not there. */
static long long meminfo_kb(const char *key)
{
	char *s = pb_read_file("/proc/meminfo", NULL), *line, *save = NULL;
	size_t kl = strlen(key);
	long long v = -1;

	for (line = s ? strtok_r(s, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = strtoll(line + kl + 1, NULL, 10);
	free(s);
	return v;
}

/* The CMA areas' frames, from debugfs (cma/<area>/base_pfn and count; CONFIG_CMA_DEBUGFS). */
static int cma_span(struct zone_span *z)
{
	static const char *const areas[] = { "reserved", "pinbench", "cma" };

	z->n = 0;
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]) && z->n < PC_MAX_RANGES; i++) {
		char path[128], *b, *c;

		snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/base_pfn", areas[i]);
		b = pb_read_first_line(path);
		snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/count", areas[i]);
		c = pb_read_first_line(path);
		if (b && c) {
			z->start[z->n] = strtoull(b, NULL, 10);
			z->end[z->n] = z->start[z->n] + strtoull(c, NULL, 10);
			z->n++;
		}
		free(b);
		free(c);
	}
	return z->n ? 0 : -1;
}

/* The zone the cell asks for, or the cell says why it cannot be had here. */
static int zone_get(struct pb_cell *cell, const char *zone, struct zone_span *z)
{
	z->n = 0;
	if (!strcmp(zone, "movable") && movable_span(z) < 0) {
		pb_cell_fail(cell, PB_FAILED, "the guest has no ZONE_MOVABLE, though the runner boots "
			     "zone=movable cells with movablecore= (/proc/zoneinfo)");
		return -1;
	}
	if (!strcmp(zone, "cma")) {
		if (meminfo_kb("CmaTotal") <= 0) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "this kernel has no CMA area: booted with cma=, "
				     "its /proc/meminfo has %s (a kernel built without CONFIG_CMA, as "
				     "Debian's 6.1 and 6.12 are, ignores cma=)",
				     meminfo_kb("CmaTotal") < 0 ? "no CmaTotal" : "CmaTotal 0");
			return -1;
		}
		if (cma_span(z) < 0) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "which frames are CMA's cannot be read: no "
				     "/sys/kernel/debug/cma/<area>/base_pfn (CONFIG_CMA_DEBUGFS)");
			return -1;
		}
	}
	return 0;
}

/* The frames of n pages from addr (pagemap; 0 for a page not present). */
static int frames_of(const char *addr, size_t n, uint64_t *pfn)
{
	if (pb_pagemap_read(addr, n, pfn) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		pfn[i] = pb_pagemap_pfn(pfn[i]);
	return 0;
}

static size_t count_in_span(const struct zone_span *z, const uint64_t *pfn, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += pfn[i] && in_span(z, pfn[i]);
	return k;
}

/* A fresh, PMD-aligned anon buffer of len bytes faulted in with small pages (or a THP: huge). */
static char *fresh_buffer(size_t len, bool huge, char **map, size_t *map_len)
{
	char *buf;

	*map_len = len + PC_PMD;
	*map = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*map == MAP_FAILED)
		return NULL;
	buf = (char *)(((uintptr_t)*map + PC_PMD - 1) & ~(PC_PMD - 1));
	if (madvise(buf, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) < 0) {
		munmap(*map, *map_len);
		return NULL;
	}
	memset(buf, 0x5a, len);
	return buf;
}

static uint32_t cell_flags(struct pb_cell *cell)
{
	return PINBENCH_PIN_WRITE | (pb_param_u64(cell, "longterm") ? PINBENCH_PIN_LONGTERM : 0);
}

/*
 * One acquire of the buffer in one sampled round, then one phase round
 * (gup_fast's request), neither ever run again (PINBENCH_GF_ONE_SHOT):
 * the first is the migrating pin itself, and a second try would find
 * the pages moved. What reached a round (a tick, a sleep on a page lock
 * during migration) stays in it and is counted (rounds_disturbed).
 */
static int gup_once(struct pb_cell *cell, char *buf, size_t pages, struct pinbench_gup_fast *a)
{
	memset(a, 0, sizeof(*a));
	a->abi_version = PINBENCH_ABI_VERSION;
	a->strategy = pb_strategy_id(pb_param_str(cell, "strategy"));
	a->flags = cell_flags(cell);
	a->pages_per_call = (uint32_t)pages;	/* the whole buffer in one call, as a driver registers it */
	a->addr = (uintptr_t)buf;
	a->nr_pages = pages;
	a->rounds = 1;
	a->options = PINBENCH_GF_ONE_SHOT;
	a->registration = PINBENCH_REG_PER_IO;
	return ioctl(cell->devfd, PINBENCH_IOC_GUP_FAST, a) < 0 ? errno : 0;
}

static void unsupported_or_failed(struct pb_cell *cell, int e, const char *what, uint32_t flags,
				  uint32_t registration)
{
	const char *strategy = pb_param_str(cell, "strategy");

	if (e == EOPNOTSUPP)
		pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s", strategy,
			     pb_unsupported_why(strategy, flags, registration));
	else
		pb_cell_fail(cell, PB_FAILED, "%s: %s", what, strerror(e));
}

/* Per iteration: a fresh buffer, its frames, one long-term (or plain) pin timed, its frames again. */
static void run_longterm(struct pb_cell *cell, const struct zone_span *z, bool fail_one)
{
	unsigned int iters = (unsigned int)pb_param_u64(cell, "iterations");
	size_t pages = PC_PMD / PC_PAGE;
	uint64_t first = 0, again = 0, before = 0, after = 0, failures = 0, fail_ns = 0, pinned = 0;
	uint64_t redone = 0, disturbed = 0, pfn[PC_PMD / PC_PAGE], vm0[NR_VM], vm1[NR_VM];
	char first_err[64] = "";

	pb_vmstat_read(vm_counters, NR_VM, vm0);
	for (unsigned int i = 0; i < iters; i++) {
		struct pinbench_gup_fast a;
		struct pinbench_pin_count pc;
		size_t map_len;
		char *map, *buf = fresh_buffer(PC_PMD, false, &map, &map_len);
		uint64_t t0;
		int e;

		if (!buf) {
			pb_cell_fail(cell, PB_FAILED, "the buffer: %s", strerror(errno));
			return;
		}
		if (frames_of(buf, pages, pfn) < 0) {
			pb_cell_fail(cell, PB_FAILED, "reading the frames from pagemap: %s", strerror(errno));
			munmap(map, map_len);
			return;
		}
		before += count_in_span(z, pfn, pages);
		if (fail_one) {
			/* A short-term pin on the first page, held: an O_DIRECT in flight. */
			memset(&pc, 0, sizeof(pc));
			pc.abi_version = PINBENCH_ABI_VERSION;
			pc.mode = PINBENCH_PC_PIN;
			pc.refs = 1;
			pc.flags = PINBENCH_PC_HOLD;
			pc.addr = (uintptr_t)buf;
			if (ioctl(cell->devfd, PINBENCH_IOC_PIN_COUNT, &pc) < 0) {
				pb_cell_fail(cell, PB_FAILED, "holding a pin on the first page: %s",
					     strerror(errno));
				munmap(map, map_len);
				return;
			}
		}
		t0 = pb_now_ns();
		e = gup_once(cell, buf, pages, &a);
		t0 = pb_now_ns() - t0;
		if (fail_one) {
			memset(&pc, 0, sizeof(pc));
			pc.abi_version = PINBENCH_ABI_VERSION;
			pc.mode = PINBENCH_PC_PIN;
			ioctl(cell->devfd, PINBENCH_IOC_PIN_COUNT, &pc);	/* refs 0: give it back */
		}
		if (e == EOPNOTSUPP || (e && !fail_one)) {
			unsupported_or_failed(cell, e, "PINBENCH_IOC_GUP_FAST", cell_flags(cell),
					      PINBENCH_REG_PER_IO);
			munmap(map, map_len);
			return;
		}
		if (e) {
			failures++;
			fail_ns += t0;
			if (!*first_err)
				snprintf(first_err, sizeof(first_err), "%s", strerror(e));
		} else {
			first += a.acquire.sum_ns;
			again += a.acquire_phase.sum_ns;
			redone += a.rounds_redone;
			disturbed += a.rounds_disturbed;
			pinned++;
		}
		if (frames_of(buf, pages, pfn) == 0)
			after += count_in_span(z, pfn, pages);
		munmap(map, map_len);
	}
	pb_vmstat_read(vm_counters, NR_VM, vm1);
	json_object_object_add(cell->raw, "iterations", json_object_new_uint64(iters));
	json_object_object_add(cell->raw, "pages", json_object_new_uint64(pages));
	json_object_object_add(cell->raw, "pins_done", json_object_new_uint64(pinned));
	json_object_object_add(cell->raw, "first_acquire_ns", json_object_new_uint64(first));
	json_object_object_add(cell->raw, "again_acquire_ns", json_object_new_uint64(again));
	json_object_object_add(cell->raw, "rounds_redone", json_object_new_uint64(redone));
	json_object_object_add(cell->raw, "rounds_disturbed", json_object_new_uint64(disturbed));
	json_object_object_add(cell->raw, "pages_in_zone_before", json_object_new_uint64(before));
	json_object_object_add(cell->raw, "pages_in_zone_after", json_object_new_uint64(after));
	json_object_object_add(cell->raw, "pin_failures", json_object_new_uint64(failures));
	json_object_object_add(cell->raw, "pin_error", json_object_new_string(first_err));
	json_object_object_add(cell->raw, "failure_ns", json_object_new_uint64(fail_ns));
	json_object_object_add(cell->raw, "vmstat", pb_vmstat_delta_json(vm_counters, NR_VM, vm0, vm1));
}

/*
 * 2 MiB hugetlb pages the kernel can find now: caches dropped, memory
 * compacted, then vm.nr_hugepages asked for every free 2 MiB; asked again
 * while that brings more (a compaction deferred after a failure, pages
 * still on per-CPU lists: 6.12 left tens of blocks behind on the first
 * try); what it got, given back at once.
 */
static long hugetlb_obtainable(void)
{
	long n = 0;

	for (int attempt = 0; attempt < 4; attempt++) {
		long had = n;
		char want[32], *got;

		pb_write_str("/proc/sys/vm/drop_caches", "3");
		pb_write_str("/proc/sys/vm/compact_memory", "1");
		snprintf(want, sizeof(want), "%lld", n + meminfo_kb("MemFree") / 2048);
		if (pb_write_str("/proc/sys/vm/nr_hugepages", want))
			return -1;
		got = pb_read_first_line("/proc/sys/vm/nr_hugepages");
		n = got ? strtol(got, NULL, 10) : -1;
		free(got);
		if (n < 0 || (attempt && n <= had))
			break;
	}
	pb_write_str("/proc/sys/vm/nr_hugepages", "0");
	return n;
}

/* Distinct 2 MiB physical blocks among n frames. */
static size_t blocks_of(const uint64_t *pfn, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = pfn[j] && (pfn[j] >> PC_BLOCK_SHIFT) == (pfn[i] >> PC_BLOCK_SHIFT);
		k += pfn[i] && !seen;
	}
	return k;
}

/* Registered with the device, per buffer if the strategy can, else per I/O; *registration says which was tried last. */
static int dev_register(struct pb_cell *cell, char *buf, size_t pages, uint32_t *id, uint32_t *registration)
{
	struct pinbench_dev_register reg;

	memset(&reg, 0, sizeof(reg));
	reg.abi_version = PINBENCH_ABI_VERSION;
	reg.strategy = pb_strategy_id(pb_param_str(cell, "strategy"));
	reg.flags = cell_flags(cell);
	reg.revoke = pb_cell_revoke(cell);
	reg.registration = PINBENCH_REG_PER_BUFFER;
	reg.addr = (uintptr_t)buf;
	reg.nr_pages = pages;
	reg.pages_per_call = 1;
	*registration = reg.registration;
	if (ioctl(cell->devfd, PINBENCH_IOC_DEV_REGISTER, &reg) < 0) {
		/* Per-buffer state is what holding means; a strategy without it holds per I/O. */
		if (errno != EOPNOTSUPP)
			return errno;
		reg.registration = PINBENCH_REG_PER_IO;
		*registration = reg.registration;
		if (ioctl(cell->devfd, PINBENCH_IOC_DEV_REGISTER, &reg) < 0)
			return errno;
	}
	*id = reg.buffer_id;
	return 0;
}

static void dev_unregister(struct pb_cell *cell, uint32_t id)
{
	struct pinbench_dev_stats st;

	if (pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, id, &st, NULL, 0) < 0)
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_UNREGISTER: %s", strerror(errno));
	json_object_object_add(cell->raw, "revocations", json_object_new_uint64(st.revocations));
}

static void run_fragmentation(struct pb_cell *cell, const struct zone_span *z)
{
	size_t len = (size_t)pb_param_u64(cell, "pin_mib") << 20, pages = len / PC_PAGE, kept = 0;
	uint64_t *pfn = calloc(pages, sizeof(*pfn)), *kpfn = NULL, vm0[NR_VM], vm1[NR_VM];
	size_t *keep = calloc(pages / 512 * 4 + 16, sizeof(*keep)), cap = pages / 512 * 4 + 16;
	char *map = MAP_FAILED, *buf, *gather = MAP_FAILED;
	long before, after;
	size_t map_len = 0;
	uint32_t id = 0, regn;
	unsigned char *seen = NULL;
	int e;

	if (!pfn || !keep)
		goto nomem;
	pb_vmstat_read(vm_counters, NR_VM, vm0);
	before = hugetlb_obtainable();
	if (before < 0) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "vm.nr_hugepages cannot be set: %s (no hugetlbfs?)",
			     strerror(errno));
		goto out;
	}
	buf = fresh_buffer(len, false, &map, &map_len);
	if (!buf || frames_of(buf, pages, pfn) < 0) {
		pb_cell_fail(cell, PB_FAILED, "the %zu MiB to scatter pins over: %s", len >> 20,
			     strerror(errno));
		goto out;
	}
	/* One page per 2 MiB physical block the memory covers. */
	{
		uint64_t lo = UINT64_MAX, hi = 0;

		for (size_t i = 0; i < pages; i++)
			if (pfn[i]) {
				lo = pfn[i] < lo ? pfn[i] : lo;
				hi = pfn[i] > hi ? pfn[i] : hi;
			}
		seen = calloc(((hi - lo) >> PC_BLOCK_SHIFT) + 2, 1);
		if (!seen)
			goto nomem;
		for (size_t i = 0; i < pages && kept < cap; i++) {
			uint64_t b = pfn[i] ? (pfn[i] - (lo & ~511ull)) >> PC_BLOCK_SHIFT : 0;

			if (pfn[i] && !seen[b]) {
				seen[b] = 1;
				keep[kept++] = i;
			}
		}
	}
	gather = mmap(NULL, kept * PC_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (gather == MAP_FAILED)
		goto nomem;
	for (size_t k = 0; k < kept; k++) {
		if (mremap(buf + keep[k] * PC_PAGE, PC_PAGE, PC_PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
			   gather + k * PC_PAGE) == MAP_FAILED) {
			pb_cell_fail(cell, PB_FAILED, "gathering the kept pages (mremap): %s", strerror(errno));
			goto out;
		}
	}
	munmap(map, map_len);	/* the rest is freed */
	map = MAP_FAILED;
	e = dev_register(cell, gather, kept, &id, &regn);
	if (e) {
		unsupported_or_failed(cell, e, "PINBENCH_IOC_DEV_REGISTER", cell_flags(cell), regn);
		goto out;
	}
	kpfn = calloc(kept, sizeof(*kpfn));
	if (!kpfn || frames_of(gather, kept, kpfn) < 0) {
		pb_cell_fail(cell, PB_FAILED, "reading the held pages' frames: %s", strerror(errno));
		dev_unregister(cell, id);
		goto out;
	}
	json_object_object_add(cell->raw, "held_blocks", json_object_new_uint64(blocks_of(kpfn, kept)));
	json_object_object_add(cell->raw, "held_in_zone", json_object_new_uint64(count_in_span(z, kpfn, kept)));
	after = hugetlb_obtainable();
	/* Where the held pages are once compaction has been at them. */
	if (frames_of(gather, kept, kpfn) == 0)
		json_object_object_add(cell->raw, "held_blocks_after",
				       json_object_new_uint64(blocks_of(kpfn, kept)));
	dev_unregister(cell, id);
	pb_vmstat_read(vm_counters, NR_VM, vm1);
	json_object_object_add(cell->raw, "pin_mib", json_object_new_uint64(len >> 20));
	json_object_object_add(cell->raw, "held_pages", json_object_new_uint64(kept));
	json_object_object_add(cell->raw, "hugepages_before", json_object_new_int64(before));
	json_object_object_add(cell->raw, "hugepages_after", json_object_new_int64(after));
	json_object_object_add(cell->raw, "vmstat", pb_vmstat_delta_json(vm_counters, NR_VM, vm0, vm1));
	goto out;
nomem:
	pb_cell_fail(cell, PB_FAILED, "out of memory");
out:
	if (map != MAP_FAILED)
		munmap(map, map_len);
	if (gather != MAP_FAILED)
		munmap(gather, kept * PC_PAGE);
	free(pfn);
	free(kpfn);
	free(keep);
	free(seen);
}

/* The flags of frame pfn (/proc/kpageflags), or 0. */
static uint64_t kpageflags(uint64_t pfn)
{
	uint64_t f = 0;
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &f, 8, (off_t)(pfn * 8)) != 8)
		f = 0;
	close(fd);
	return f;
}

static void run_thp_split(struct pb_cell *cell)
{
	size_t map_len;
	char *map, *buf = fresh_buffer(PC_PMD, true, &map, &map_len), req[128];
	uint64_t pfn = 0, vm0[NR_VM], vm1[NR_VM];
	uint32_t id, regn;
	bool thp;
	int e;

	if (!buf) {
		pb_cell_fail(cell, PB_FAILED, "the buffer: %s", strerror(errno));
		return;
	}
	if (frames_of(buf, 1, &pfn) < 0 || !pfn) {
		pb_cell_fail(cell, PB_FAILED, "reading the frame from pagemap: %s", strerror(errno));
		goto out;
	}
	if (!(kpageflags(pfn) >> KPF_THP & 1)) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "the buffer is not a THP (transparent_hugepage "
			     "off, or no free 2 MiB block): nothing to split");
		goto out;
	}
	pb_vmstat_read(vm_counters, NR_VM, vm0);
	e = dev_register(cell, buf, 1, &id, &regn);
	if (e) {
		unsupported_or_failed(cell, e, "PINBENCH_IOC_DEV_REGISTER", cell_flags(cell), regn);
		goto out;
	}
	/* The user frees all but the device's page; then the split the kernel would do. */
	if (madvise(buf + PC_PAGE, PC_PMD - PC_PAGE, MADV_DONTNEED) < 0) {
		pb_cell_fail(cell, PB_FAILED, "MADV_DONTNEED: %s", strerror(errno));
		dev_unregister(cell, id);
		goto out;
	}
	snprintf(req, sizeof(req), "%d,0x%lx,0x%lx", (int)getpid(), (unsigned long)(uintptr_t)buf,
		 (unsigned long)(uintptr_t)buf + PC_PMD);
	e = pb_write_str("/sys/kernel/debug/split_huge_pages", req);
	if (e) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "/sys/kernel/debug/split_huge_pages: %s (debugfs)",
			     strerror(e));
		dev_unregister(cell, id);
		goto out;
	}
	/* The device's page: still in a THP, or in a small folio of its own? */
	frames_of(buf, 1, &pfn);
	thp = pfn && (kpageflags(pfn) >> KPF_THP & 1);
	pb_vmstat_read(vm_counters, NR_VM, vm1);
	dev_unregister(cell, id);
	json_object_object_add(cell->raw, "split", json_object_new_boolean(pfn && !thp));
	json_object_object_add(cell->raw, "kept_kib", json_object_new_uint64(pfn ? (thp ? 2048 : 4) : 0));
	json_object_object_add(cell->raw, "mapped_after", json_object_new_boolean(pfn != 0));
	json_object_object_add(cell->raw, "vmstat", pb_vmstat_delta_json(vm_counters, NR_VM, vm0, vm1));
out:
	munmap(map, map_len);
}

static void pin_cost_run(struct pb_cell *cell)
{
	const char *scenario = pb_param_str(cell, "scenario");
	struct zone_span z;

	if (zone_get(cell, pb_param_str(cell, "zone"), &z) < 0)
		return;
	json_object_object_add(cell->raw, "scenario", json_object_new_string(scenario));
	if (!strcmp(scenario, "longterm"))
		run_longterm(cell, &z, false);
	else if (!strcmp(scenario, "longterm_fail"))
		run_longterm(cell, &z, true);
	else if (!strcmp(scenario, "fragmentation"))
		run_fragmentation(cell, &z);
	else
		run_thp_split(cell);
	json_object_object_add(cell->raw, "strategy_caps", json_object_new_uint64(
		pb_strategy_caps(pb_param_str(cell, "strategy"))));
}

const struct pb_guest_workload pb_wl_pin_cost = {
	.name = "pin_cost",
	.run = pin_cost_run,
};
PB_GUEST_WORKLOAD(pb_wl_pin_cost);
