// SPDX-License-Identifier: GPL-2.0
/* wl_gup_fast.c: the gup_fast workload in the guest: sets up the buffer, runs the in-kernel loop, keeps raw results. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"
#include "names.h"
#include "pinbench_uapi.h"
#include "stats.h"
#include "util.h"

#define PMD_SIZE_BYTES (2ul << 20)

struct buffer {
	void *reserve;		/* what we munmap */
	size_t reserve_len;
	void *addr;		/* PMD-aligned start of the buffer */
	size_t len;
	char *path;		/* shmem backing file, if any */
};

static int read_sysfs_choice(const char *path, char *out, size_t outlen)
{
	char buf[256], *l, *r;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!l || !r)
		return -1;
	*r = '\0';
	snprintf(out, outlen, "%s", l + 1);
	return 0;
}

/*
 * THP must be possible for thp=on to mean anything: anon follows
 * transparent_hugepage/enabled (+ MADV_HUGEPAGE), shmem follows the tmpfs
 * huge= mount option unless shmem_enabled forces or denies it.
 */
static int thp_check(struct pb_cell *cell, const char *backing, bool on)
{
	char v[64];

	if (!on)
		return 0;
	if (!strcmp(backing, "anon")) {
		if (read_sysfs_choice("/sys/kernel/mm/transparent_hugepage/enabled", v, sizeof(v)) < 0) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "kernel has no transparent hugepage support");
			return -1;
		}
		if (!strcmp(v, "never")) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "transparent_hugepage/enabled is [never]");
			return -1;
		}
	} else {
		if (read_sysfs_choice("/sys/kernel/mm/transparent_hugepage/shmem_enabled", v, sizeof(v)) < 0) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "kernel has no shmem THP support");
			return -1;
		}
		if (!strcmp(v, "deny")) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "transparent_hugepage/shmem_enabled is [deny]");
			return -1;
		}
	}
	return 0;
}

/* A tmpfs per THP setting, so that huge= decides for shmem files. */
static const char *shmem_dir(bool thp)
{
	const char *dir = thp ? "/tmp/pinbench-shmem-huge" : "/tmp/pinbench-shmem";
	char *opt = thp ? "huge=always" : "huge=never";
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return NULL;
	if (stat(dir, &st) == 0) {
		struct stat parent;

		/* Already a mount point: nothing to do. */
		if (stat("/tmp", &parent) == 0 && parent.st_dev != st.st_dev)
			return dir;
	}
	if (mount("tmpfs", dir, "tmpfs", 0, opt) < 0)
		return NULL;
	return dir;
}

static int buffer_setup(struct pb_cell *cell, struct buffer *b, const char *backing,
			bool thp, size_t len)
{
	uintptr_t start;
	int fd = -1;

	memset(b, 0, sizeof(*b));
	b->len = len;
	/* Reserve extra so that the buffer can start on a PMD boundary. */
	b->reserve_len = len + PMD_SIZE_BYTES;
	b->reserve = mmap(NULL, b->reserve_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->reserve == MAP_FAILED) {
		pb_cell_fail(cell, PB_FAILED, "mmap reserve: %s", strerror(errno));
		return -1;
	}
	start = ((uintptr_t)b->reserve + PMD_SIZE_BYTES - 1) & ~(PMD_SIZE_BYTES - 1);

	if (!strcmp(backing, "anon")) {
		b->addr = mmap((void *)start, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (b->addr == MAP_FAILED)
			goto fail_errno;
		if (madvise(b->addr, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) < 0)
			goto fail_errno;
	} else {
		const char *dir = shmem_dir(thp);

		if (!dir) {
			pb_cell_fail(cell, PB_FAILED, "cannot mount tmpfs for shmem backing: %s",
				     strerror(errno));
			goto fail;
		}
		b->path = pb_asprintf("%s/buffer.%d", dir, (int)getpid());
		fd = open(b->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
			goto fail_errno;
		b->addr = mmap((void *)start, len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_FIXED, fd, 0);
		if (b->addr == MAP_FAILED)
			goto fail_errno;
		close(fd);
		fd = -1;
	}
	/* Fault every page in: gup_fast measures the lockless path, not faults. */
	memset(b->addr, 0x5a, len);
	return 0;

fail_errno:
	pb_cell_fail(cell, PB_FAILED, "buffer setup (%s): %s", backing, strerror(errno));
fail:
	if (fd >= 0)
		close(fd);
	if (b->path) {
		unlink(b->path);
		free(b->path);
		b->path = NULL;
	}
	munmap(b->reserve, b->reserve_len);
	return -1;
}

static void buffer_teardown(struct buffer *b)
{
	munmap(b->reserve, b->reserve_len);
	if (b->path) {
		unlink(b->path);
		free(b->path);
	}
}

/*
 * The strategy's own steps, timed in a run of their own after the measured
 * one, so that the clock reads between steps never touch the figures the
 * table reports. Adds the run's FOLL_PIN pins to *foll_pins.
 */
static void gup_fast_breakdown(struct pb_cell *cell, const struct pinbench_gup_fast *measured,
			       uint64_t *foll_pins)
{
	static const char *const part_names[PINBENCH_MAX_PARTS] = {
#define PB_X_PART(sym, id, name) [id] = name,
		PINBENCH_PARTS(PB_X_PART)
#undef PB_X_PART
	};
	struct pinbench_gup_fast a = *measured;
	struct json_object *parts;
	uint64_t *hist;

	hist = pb_xcalloc((size_t)PINBENCH_MAX_PARTS * PINBENCH_HIST_BUCKETS, sizeof(uint64_t));
	a.acquire_hist = a.release_hist = 0;
	a.release_whole = 0;	/* the parts are timed call by call */
	a.breakdown = 1;
	a.part_hist = (uintptr_t)hist;
	if (ioctl(cell->devfd, PINBENCH_IOC_GUP_FAST, &a) < 0) {
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_GUP_FAST (breakdown run): %s", strerror(errno));
		free(hist);
		return;
	}
	*foll_pins += a.foll_pins;
	parts = json_object_new_object();
	for (unsigned int p = 0; p < PINBENCH_PART_NR; p++)
		if (a.part[p].n)
			json_object_object_add(parts, part_names[p],
					       pb_phase_hist_json(&a.part[p], hist + (size_t)p * PINBENCH_HIST_BUCKETS));
	json_object_object_add(cell->raw, "part_call_ns", parts);
	free(hist);
}

static void gup_fast_run(struct pb_cell *cell)
{
	const char *strategy = pb_param_str(cell, "strategy");
	const char *backing = pb_param_str(cell, "backing");
	bool thp = !strcmp(pb_param_str(cell, "thp"), "on");
	uint64_t ppc = pb_param_u64(cell, "pages_per_call");
	uint64_t nr_pages = pb_param_u64(cell, "buffer_pages");
	uint64_t calls = pb_param_u64(cell, "calls");
	uint64_t foll_pins;
	uint64_t warmup_calls = pb_param_u64(cell, "warmup_calls");
	uint64_t calls_per_round, page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	struct pinbench_gup_fast a;
	uint64_t *hacq, *hrel;
	struct buffer buf;

	if (thp_check(cell, backing, thp) < 0)
		return;
	if (!ppc || nr_pages % ppc) {
		pb_cell_fail(cell, PB_FAILED, "buffer_pages %llu is not a multiple of pages_per_call %llu",
			     (unsigned long long)nr_pages, (unsigned long long)ppc);
		return;
	}
	if (buffer_setup(cell, &buf, backing, thp, nr_pages * page_size) < 0)
		return;

	calls_per_round = nr_pages / ppc;
	hacq = pb_xcalloc(PINBENCH_HIST_BUCKETS, sizeof(uint64_t));
	hrel = pb_xcalloc(PINBENCH_HIST_BUCKETS, sizeof(uint64_t));
	memset(&a, 0, sizeof(a));
	a.abi_version = PINBENCH_ABI_VERSION;
	a.strategy = pb_strategy_id(strategy);
	a.flags = (pb_param_u64(cell, "write") ? PINBENCH_PIN_WRITE : 0) |
		  (pb_param_u64(cell, "longterm") ? PINBENCH_PIN_LONGTERM : 0);
	a.registration = strcmp(pb_param_str(cell, "registration"), "per_buffer") ?
			 PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
	a.release_whole = !strcmp(pb_param_str(cell, "release"), "whole");
	a.pages_per_call = (uint32_t)ppc;
	a.addr = (uintptr_t)buf.addr;
	a.nr_pages = nr_pages;
	a.rounds = (uint32_t)((calls + calls_per_round - 1) / calls_per_round);
	if (a.rounds < pb_param_u64(cell, "min_rounds"))
		a.rounds = (uint32_t)pb_param_u64(cell, "min_rounds");
	a.warmup_rounds = (uint32_t)((warmup_calls + calls_per_round - 1) / calls_per_round);
	a.acquire_hist = (uintptr_t)hacq;
	a.release_hist = (uintptr_t)hrel;
	a.hist_buckets = PINBENCH_HIST_BUCKETS;

	if (ioctl(cell->devfd, PINBENCH_IOC_GUP_FAST, &a) < 0) {
		int e = errno;

		if (e == EOPNOTSUPP && a.release_whole &&
		    !(pb_strategy_props(strategy) & PINBENCH_PROP_RELEASE_ANY_RANGE))
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s keeps state per acquire: its pages cannot be "
				     "released with one call (release=whole)", strategy);
		else if (e == EOPNOTSUPP)
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s", strategy,
				     pb_unsupported_why(strategy, a.flags, a.registration));
		else
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_GUP_FAST: %s", strerror(e));
		goto out;
	}

	if (thp && a.huge_pages_seen == 0) {
		pb_cell_fail(cell, PB_UNSUPPORTED,
			     "THP requested but the kernel backed the %s buffer with base pages", backing);
		goto out;
	}
	if (!thp && a.huge_pages_seen) {
		pb_cell_fail(cell, PB_FAILED, "THP off but %llu pages were in huge folios",
			     (unsigned long long)a.huge_pages_seen);
		goto out;
	}

	/*
	 * What the strategy cannot do is part of the result, even when the
	 * cell ran: a reader must see that a figure was bought that way.
	 */
	if (!(a.strategy_caps & PINBENCH_CAP_LOCKLESS))
		pb_cell_note(cell, "%s", pb_strategy_props(strategy) & PINBENCH_PROP_DEVICE_FAULTS ?
			     "no lockless fast path: acquire takes mmap_lock and walks the page table "
			     "(hmm_range_fault())" :
			     "no lockless fast path: acquire takes mmap_lock and the locked GUP path");
	if (!(a.strategy_caps & PINBENCH_CAP_RELEASE_ATOMIC))
		pb_cell_note(cell, "%s", a.strategy_caps & PINBENCH_CAP_RELEASE_PAGES_ATOMIC ?
			     "release in hardirq gives the pages back at once but must defer removing "
			     "the tracking object" :
			     "release cannot run in hardirq: completion must defer it");
	if (a.revokes)
		pb_cell_note(cell, "%llu spurious revokes: the buffer was never unmapped",
			     (unsigned long long)a.revokes);
	json_object_object_add(cell->raw, "strategy_caps", json_object_new_uint64(a.strategy_caps));
	json_object_object_add(cell->raw, "revokes", json_object_new_uint64(a.revokes));
	json_object_object_add(cell->raw, "read_retries", json_object_new_uint64(a.read_retries));
	json_object_object_add(cell->raw, "rounds_redone", json_object_new_uint64(a.rounds_redone));
	json_object_object_add(cell->raw, "rounds_disturbed", json_object_new_uint64(a.rounds_disturbed));
	json_object_object_add(cell->raw, "pages_per_call", json_object_new_uint64(ppc));
	json_object_object_add(cell->raw, "nr_pages", json_object_new_uint64(nr_pages));
	json_object_object_add(cell->raw, "calls_per_round", json_object_new_uint64(calls_per_round));
	json_object_object_add(cell->raw, "pages_done", json_object_new_uint64(a.pages_done));
	json_object_object_add(cell->raw, "huge_pages_seen", json_object_new_uint64(a.huge_pages_seen));
	foll_pins = a.foll_pins;
	if (a.strategy_caps & PINBENCH_CAP_BREAKDOWN)
		gup_fast_breakdown(cell, &a, &foll_pins);
	/* The module reports the FOLL_PIN pins it took; vmstat must agree. */
	json_object_object_add(cell->raw, "foll_pins_expected", json_object_new_uint64(foll_pins));
	json_object_object_add(cell->raw, "acquire_call_ns", pb_phase_hist_json(&a.acquire, hacq));
	json_object_object_add(cell->raw, "release_call_ns", pb_phase_hist_json(&a.release, hrel));
	json_object_object_add(cell->raw, "acquire_phase_ns", pb_phase_json(&a.acquire_phase));
	json_object_object_add(cell->raw, "release_phase_ns", pb_phase_json(&a.release_phase));
	/* The rmap walker's tax over the round's tracking objects (fake_vma, fake_vma_fast). */
	if (a.walk.n) {
		json_object_object_add(cell->raw, "walk_ns", pb_phase_json(&a.walk));
		json_object_object_add(cell->raw, "walk_miss_ns", pb_phase_json(&a.walk_miss));
		json_object_object_add(cell->raw, "walk_vmas", json_object_new_uint64(a.walk_vmas));
	}
out:
	free(hacq);
	free(hrel);
	buffer_teardown(&buf);
}

const struct pb_guest_workload pb_wl_gup_fast = {
	.name = "gup_fast",
	.run = gup_fast_run,
};
PB_GUEST_WORKLOAD(pb_wl_gup_fast);
