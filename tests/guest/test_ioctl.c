// SPDX-License-Identifier: GPL-2.0
/* test_ioctl.c: in the guest: /dev/pinbench refuses every bad request with its documented errno, and each strategy pins and unpins exactly. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "names.h"
#include "pinbench_uapi.h"
#include "testlib.h"

static void good_request(struct pinbench_gup_fast *a, void *buf, unsigned int pages)
{
	memset(a, 0, sizeof(*a));
	a->abi_version = PINBENCH_ABI_VERSION;
	a->strategy = PINBENCH_STRATEGY_PIN_COUNTER;
	a->flags = PINBENCH_PIN_WRITE;
	a->pages_per_call = 1;
	a->addr = (uintptr_t)buf;
	a->nr_pages = pages;
	a->rounds = 1;
	a->registration = PINBENCH_REG_PER_IO;
}

/* Issue the request and check the errno it fails with. */
static void expect_errno(int fd, struct pinbench_gup_fast *a, int want, const char *what)
{
	int r = ioctl(fd, PINBENCH_IOC_GUP_FAST, a), e = errno;

	check(r == -1 && e == want, "%-48s -> %s (want %s)", what, r == 0 ? "success" : strerror(e),
	      strerror(want));
}

static void test_bad_requests(int fd)
{
	const unsigned int pages = 16;
	struct pinbench_gup_fast a;
	char *buf, *ro, *hole, what[96];
	uint32_t id;

	buf = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, pages * page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, pages * page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || ro == MAP_FAILED || hole == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(buf, 1, pages * page_size);
	munmap(hole, pages * page_size);	/* now certainly unmapped */

	{
		int r = ioctl(fd, _IOWR(PINBENCH_IOC_MAGIC, 99, struct pinbench_gup_fast), &a);

		check(r == -1 && errno == ENOTTY, "unknown command                                  -> ENOTTY");
		r = ioctl(fd, PINBENCH_IOC_GUP_FAST, (void *)16);
		check(r == -1 && errno == EFAULT, "request pointer not readable                     -> EFAULT");
	}

	good_request(&a, buf, pages);
	check(ioctl(fd, PINBENCH_IOC_GUP_FAST, &a) == 0, "a good request succeeds (baseline for the rest)");

	good_request(&a, buf, pages); a.abi_version = PINBENCH_ABI_VERSION + 1;
	expect_errno(fd, &a, EPROTO, "wrong ABI version");
	good_request(&a, buf, pages); a.abi_version = 0;
	expect_errno(fd, &a, EPROTO, "ABI version left unset (0)");
	good_request(&a, buf, pages); a.flags |= 1u << 7;
	expect_errno(fd, &a, EINVAL, "unknown flag");
	good_request(&a, buf, pages); a.flags = PINBENCH_PIN_DIRTY;
	expect_errno(fd, &a, EINVAL, "DIRTY without WRITE");
	good_request(&a, buf, pages); a.strategy = 0;
	expect_errno(fd, &a, EINVAL, "strategy unset (0)");
	good_request(&a, buf, pages); a.strategy = PINBENCH_STRATEGY_NR + 5;
	expect_errno(fd, &a, EINVAL, "unknown strategy");
	/* (out) fields: whatever they hold on input is not looked at. */
	good_request(&a, buf, pages); a.rounds_redone = 7; a.rounds_disturbed = 9;
	check(ioctl(fd, PINBENCH_IOC_GUP_FAST, &a) == 0 && a.rounds_redone <= a.rounds &&
	      a.rounds_disturbed <= 2 * a.rounds, "rounds_redone/_disturbed are output only (%u, %u)",
	      a.rounds_redone, a.rounds_disturbed);
	good_request(&a, buf, pages); a.options = 1u << 31;
	expect_errno(fd, &a, EINVAL, "unknown bit in options");
	good_request(&a, buf, pages); a.registration = 0;
	expect_errno(fd, &a, EINVAL, "registration unset (0)");
	good_request(&a, buf, pages); a.registration = 3;
	expect_errno(fd, &a, EINVAL, "unknown registration");
	if ((id = strategy_by_cap(PINBENCH_CAP_REGISTRATION, 0))) {
		good_request(&a, buf, pages); a.strategy = id; a.registration = PINBENCH_REG_PER_BUFFER;
		snprintf(what, sizeof(what), "per-buffer registration with %s", pb_strategy_name(id));
		expect_errno(fd, &a, EOPNOTSUPP, what);
	} else {
		skip("every strategy has per-buffer state");
	}
	good_request(&a, buf, pages); a.breakdown = 2;
	expect_errno(fd, &a, EINVAL, "breakdown neither 0 nor 1");
	good_request(&a, buf, pages); a.release_whole = 2;
	expect_errno(fd, &a, EINVAL, "release_whole neither 0 nor 1");
	good_request(&a, buf, pages); a.release_whole = 1; a.breakdown = 1;
	expect_errno(fd, &a, EINVAL, "release_whole with a breakdown");
	if ((id = strategy_by_prop(PINBENCH_PROP_RELEASE_ANY_RANGE, 0))) {
		good_request(&a, buf, pages); a.strategy = id; a.release_whole = 1;
		snprintf(what, sizeof(what), "release_whole with %s (state per acquire)", pb_strategy_name(id));
		expect_errno(fd, &a, EOPNOTSUPP, what);
	} else {
		skip("every strategy holds nothing but its pages");
	}
	good_request(&a, buf, pages); a.part_hist = (uintptr_t)buf;
	a.hist_buckets = PINBENCH_HIST_BUCKETS;
	expect_errno(fd, &a, EINVAL, "part histograms without a breakdown");
	if ((id = strategy_by_cap(PINBENCH_CAP_BREAKDOWN, 0))) {
		good_request(&a, buf, pages); a.strategy = id; a.breakdown = 1;
		snprintf(what, sizeof(what), "breakdown of %s (it has no parts)", pb_strategy_name(id));
		expect_errno(fd, &a, EOPNOTSUPP, what);
	} else {
		skip("every strategy times its own steps");
	}
	good_request(&a, buf, pages); a.nr_pages = 0;
	expect_errno(fd, &a, EINVAL, "zero length");
	good_request(&a, buf, pages); a.pages_per_call = 0;
	expect_errno(fd, &a, EINVAL, "zero pages per call");
	good_request(&a, buf, pages); a.rounds = 0;
	expect_errno(fd, &a, EINVAL, "zero rounds");
	good_request(&a, buf, pages); a.pages_per_call = 3;
	expect_errno(fd, &a, EINVAL, "pages per call does not divide the length");
	good_request(&a, buf, pages); a.addr += 1;
	expect_errno(fd, &a, EINVAL, "unaligned address");
	good_request(&a, buf, pages); a.addr = ~0ull & ~(uint64_t)(page_size - 1);
	expect_errno(fd, &a, EOVERFLOW, "range wraps around the address space");
	good_request(&a, buf, pages); a.nr_pages = PINBENCH_MAX_BUFFER_PAGES + 1;
	expect_errno(fd, &a, E2BIG, "more pages than PINBENCH_MAX_BUFFER_PAGES");
	good_request(&a, buf, pages); a.pages_per_call = PINBENCH_MAX_PAGES_PER_CALL + 1;
	expect_errno(fd, &a, E2BIG, "more pages per call than the limit");
	good_request(&a, buf, pages); a.rounds = PINBENCH_MAX_ROUNDS + 1;
	expect_errno(fd, &a, E2BIG, "more rounds than the limit");
	good_request(&a, buf, pages); a.acquire_hist = (uintptr_t)buf;
	expect_errno(fd, &a, EINVAL, "histogram pointer without hist_buckets");
	good_request(&a, buf, pages); a.hist_buckets = PINBENCH_HIST_BUCKETS;
	expect_errno(fd, &a, EINVAL, "hist_buckets without a histogram pointer");
	good_request(&a, buf, pages); a.addr = 0xffff888000000000ull;	/* direct map */
	expect_errno(fd, &a, EFAULT, "kernel address");
	good_request(&a, buf, pages); a.addr = 0x8000000000000000ull;	/* non-canonical */
	expect_errno(fd, &a, EFAULT, "non-canonical address");
	good_request(&a, hole, pages);
	expect_errno(fd, &a, EFAULT, "unmapped address");
	good_request(&a, ro, pages);
	expect_errno(fd, &a, EFAULT, "read-only memory asked for write");
	if ((id = strategy_without_flag(PINBENCH_PIN_LONGTERM))) {
		good_request(&a, buf, pages); a.strategy = id; a.flags |= PINBENCH_PIN_LONGTERM;
		snprintf(what, sizeof(what), "longterm with %s (no FOLL_PIN)", pb_strategy_name(id));
		expect_errno(fd, &a, EOPNOTSUPP, what);
	} else {
		skip("every strategy pins longterm");
	}
	good_request(&a, buf, pages); a.acquire_hist = 16; a.release_hist = 16;
	a.hist_buckets = PINBENCH_HIST_BUCKETS;
	expect_errno(fd, &a, EFAULT, "histogram buffer not writable");

	/* Read-only memory may be pinned for read. */
	good_request(&a, ro, pages); a.flags = 0;
	check(ioctl(fd, PINBENCH_IOC_GUP_FAST, &a) == 0, "read-only memory pinned for read succeeds");

	munmap(buf, pages * page_size);
	munmap(ro, pages * page_size);
}

/* Each strategy on a small buffer: the work reported is the work asked, pins balance exactly. */
static void test_strategies(int fd)
{
	const unsigned int pages = 64;
	char *buf = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	memset(buf, 1, pages * page_size);
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		if (!(strategy_mask() & (1ull << id)))
			continue;	/* an id reserved for a strategy not built yet */
		const struct pinbench_strategy_info *si = strategy_info(id);

		check(si != NULL, "%s: PINBENCH_IOC_STRATEGY knows it", pb_strategy_name(id));
		if (!si)
			continue;
		for (int v = 0; v < 4; v++) {
			int longterm = v & 1, per_buffer = v >> 1;
			unsigned long long acq0, rel0, acq1, rel1, want;
			struct pinbench_gup_fast a;
			int r;

			if (per_buffer && !(si->caps & PINBENCH_CAP_REGISTRATION))
				continue;	/* no per-buffer state: bad_requests checks the refusal */
			good_request(&a, buf, pages);
			a.strategy = id;
			if (per_buffer)
				a.registration = PINBENCH_REG_PER_BUFFER;
			a.pages_per_call = 16;
			a.rounds = 3;
			a.warmup_rounds = 1;
			if (longterm)
				a.flags |= PINBENCH_PIN_LONGTERM;
			read_pins(&acq0, &rel0);
			r = ioctl(fd, PINBENCH_IOC_GUP_FAST, &a);
			read_pins(&acq1, &rel1);
			if (longterm && !(si->supported_flags & PINBENCH_PIN_LONGTERM)) {
				check(r < 0 && errno == EOPNOTSUPP && acq1 == acq0,
				      "%s refuses longterm, which it does not declare: %s", si->name,
				      r ? strerror(errno) : "success");
				continue;
			}
			check(r == 0, "%s%s%s runs: %s", pb_strategy_name(id), longterm ? " longterm" : "",
			      per_buffer ? " per-buffer" : "", r ? strerror(errno) : "ok");
			if (r)
				continue;
			/*
			 * Rounds an interrupt reached ran again (rounds_redone, at most
			 * one per measured round): their pages were done, their figures
			 * dropped.
			 */
			check(a.rounds_redone <= 6 && a.rounds_disturbed <= 6,
			      "%s: rounds redone %u, kept disturbed %u, of 6", pb_strategy_name(id),
			      a.rounds_redone, a.rounds_disturbed);
			check(a.acquire.n == 3 * pages / 16 && a.release.n == a.acquire.n &&
			      a.acquire_phase.n == 3 && a.pages_done == (6ull + a.rounds_redone) * pages,
			      "%s: calls timed %llu, phases %llu, pages done %llu (rounds redone %u)",
			      pb_strategy_name(id), (unsigned long long)a.acquire.n,
			      (unsigned long long)a.acquire_phase.n, (unsigned long long)a.pages_done,
			      a.rounds_redone);
			check(a.acquire.min_ns <= a.acquire.max_ns && a.acquire.sum_ns >= a.acquire.min_ns,
			      "%s: min <= max, sum >= min", pb_strategy_name(id));
			/* FOLL_GET references (gup_ref, and fake_vma's pages) are not pins. */
			want = si->props & PINBENCH_PROP_FOLL_PIN ? (7ull + a.rounds_redone) * pages : 0;
			check(acq1 - acq0 == want && rel1 - rel0 == want && a.foll_pins == want,
			      "%s%s: FOLL_PIN pins %llu acquired, %llu released, module says %llu, want %llu",
			      pb_strategy_name(id), longterm ? " longterm" : "", acq1 - acq0, rel1 - rel0,
			      (unsigned long long)a.foll_pins, want);
		}
	}
	munmap(buf, pages * page_size);
}

/*
 * A breakdown run times each strategy's own steps: every step the design
 * has shows up once per call that takes it, and nothing else does. Every
 * strategy that declares PINBENCH_CAP_BREAKDOWN is run, under each
 * registration it has; the designs whose steps are known here are held to
 * exactly those, any other to the rule alone (each step once per call, or
 * twice when both acquire and release take it, and some step at all).
 */
static const struct {
	uint32_t id, registration;
	uint32_t acquire_parts, release_parts;
} breakdown_want[] = {
#define P(x) (1u << PINBENCH_PART_##x)
	{ PINBENCH_STRATEGY_FAKE_VMA, PINBENCH_REG_PER_IO,
	  P(ALLOC) | P(GUP) | P(TREE_INSERT) | P(LOCK_WAIT) | P(ACCOUNT),
	  P(TREE_REMOVE) | P(LOCK_WAIT) | P(ACCOUNT) | P(PUT) | P(FREE) },
	{ PINBENCH_STRATEGY_NOTIFIER_REVOKE, PINBENCH_REG_PER_IO,
	  P(ALLOC) | P(NOTIFIER_INSERT) | P(GUP), P(PUT) | P(NOTIFIER_REMOVE) | P(FREE) },
	{ PINBENCH_STRATEGY_NOTIFIER_REVOKE, PINBENCH_REG_PER_BUFFER, P(GUP), P(PUT) },
#undef P
};

static bool breakdown_known(uint32_t id, uint32_t reg, uint32_t *acq, uint32_t *rel)
{
	for (size_t i = 0; i < sizeof(breakdown_want) / sizeof(breakdown_want[0]); i++)
		if (breakdown_want[i].id == id && breakdown_want[i].registration == reg) {
			*acq = breakdown_want[i].acquire_parts;
			*rel = breakdown_want[i].release_parts;
			return true;
		}
	return false;
}

static void test_breakdown(int fd)
{
	const unsigned int pages = 64, ppc = 16, rounds = 3;
	const uint64_t calls = (uint64_t)rounds * 2 * (pages / ppc);	/* sampled + phase rounds */
	char *buf = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t *hist = calloc((size_t)PINBENCH_MAX_PARTS * PINBENCH_HIST_BUCKETS, sizeof(uint64_t));

	memset(buf, 1, pages * page_size);
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		for (uint32_t reg = PINBENCH_REG_PER_IO; reg <= PINBENCH_REG_PER_BUFFER; reg++) {
			uint32_t acq_parts = 0, rel_parts = 0;
			bool known = breakdown_known(id, reg, &acq_parts, &rel_parts);
			const char *rname = reg == PINBENCH_REG_PER_BUFFER ? "per buffer" : "per I/O";
			struct pinbench_gup_fast a;
			int r, ok = 1, seen = 0;

			if (!(strategy_caps(id, reg) & PINBENCH_CAP_BREAKDOWN) ||
			    (reg == PINBENCH_REG_PER_BUFFER &&
			     !(strategy_caps(id, reg) & PINBENCH_CAP_REGISTRATION))) {
				if (known)
					check(0, "%s (%s): declares no breakdown, which this test expects",
					      pb_strategy_name(id), rname);
				continue;
			}
			good_request(&a, buf, pages);
			a.strategy = id;
			a.registration = reg;
			a.pages_per_call = ppc;
			a.rounds = rounds;
			a.warmup_rounds = 1;
			a.breakdown = 1;
			a.part_hist = (uintptr_t)hist;
			a.hist_buckets = PINBENCH_HIST_BUCKETS;
			r = ioctl(fd, PINBENCH_IOC_GUP_FAST, &a);
			check(r == 0, "%s (%s): breakdown run: %s", pb_strategy_name(id), rname,
			      r ? strerror(errno) : "ok");
			for (unsigned int p = 0; r == 0 && p < PINBENCH_MAX_PARTS; p++) {
				uint64_t n = (acq_parts >> p & 1) * calls + (rel_parts >> p & 1) * calls, hn = 0;
				bool bad;

				for (unsigned int k = 0; k < PINBENCH_HIST_BUCKETS; k++)
					hn += hist[(size_t)p * PINBENCH_HIST_BUCKETS + k];
				if (known)
					bad = a.part[p].n != n;
				else
					bad = a.part[p].n != 0 && a.part[p].n != calls && a.part[p].n != 2 * calls;
				bad |= hn != a.part[p].n || (a.part[p].n && !a.part[p].sum_ns);
				seen |= a.part[p].n != 0;
				if (bad) {
					printf("  part %u: %llu samples (histogram %llu), want %s%llu\n", p,
					       (unsigned long long)a.part[p].n, (unsigned long long)hn,
					       known ? "" : "0, 1 or 2 times ", known ? (unsigned long long)n :
					       (unsigned long long)calls);
					ok = 0;
				}
			}
			check(r == 0 && ok && seen, "%s (%s): each step timed once per call that takes it%s",
			      pb_strategy_name(id), rname, known ? ", exactly the design's steps" : "");
		}
	}
	free(hist);
	munmap(buf, pages * page_size);
}

struct zapper {
	char *buf;
	size_t len;
	size_t chunk;		/* pages per acquire */
	volatile int stop;
	unsigned long zaps;
};

/* Has some acquire faulted a whole chunk back in since the last zap? */
static int some_chunk_resident(const struct zapper *z, unsigned char *vec)
{
	size_t pages = z->len / page_size, c, i;

	if (mincore(z->buf, z->len, vec))
		return 1;	/* cannot tell: never stall the test on it */
	for (c = 0; c + z->chunk <= pages; c += z->chunk) {
		for (i = 0; i < z->chunk && (vec[c + i] & 1); i++)
			;
		if (i == z->chunk)
			return 1;
	}
	return 0;
}

/*
 * Zaps the PTEs (MMU_NOTIFY_CLEAR on the registered range), then waits
 * until an acquire has faulted a whole chunk back in, and 200 us more,
 * before the next zap. Paced by the acquirer's progress, not by a clock: a
 * zap every 200 us starved every acquire on a machine where faulting 16
 * pages back in took about as long, and on a loaded host any fixed period
 * can. What is left of an acquire's window (its last fault to
 * mmu_interval_read_retry()) is microseconds, so each zap lets an acquire
 * through unless its vCPU is preempted right there; the module redoes
 * those for PINBENCH_REVOKE_RETRY_MS and counts them (read_retries).
 */
static void *zap_loop(void *arg)
{
	struct zapper *z = arg;
	unsigned char *vec = calloc(z->len / page_size, 1);

	while (!z->stop) {
		if (madvise(z->buf, z->len, MADV_DONTNEED) == 0)
			z->zaps++;
		while (!z->stop && !some_chunk_resident(z, vec))
			usleep(50);
		usleep(200);
	}
	free(vec);
	return NULL;
}

/*
 * Invalidations while notifier_revoke holds pins: the callback must drop
 * them (revokes > 0), later acquires fault the pages back in, and every pin
 * is released exactly once (balance exact, module count = vmstat).
 */
static void test_revoke_on_invalidation(int fd, uint32_t id, uint32_t registration)
{
	const unsigned int pages = 256;
	unsigned long long acq0, rel0, acq1, rel1;
	struct zapper z = { .len = pages * page_size, .chunk = 16 };
	struct pinbench_gup_fast a;
	pthread_t th;
	int r;

	z.buf = mmap(NULL, z.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(z.buf, 1, z.len);
	madvise(z.buf, z.len, MADV_NOHUGEPAGE);
	good_request(&a, z.buf, pages);
	a.strategy = id;
	a.registration = registration;
	a.pages_per_call = z.chunk;
	a.rounds = 400;
	read_pins(&acq0, &rel0);
	pthread_create(&th, NULL, zap_loop, &z);
	r = ioctl(fd, PINBENCH_IOC_GUP_FAST, &a);
	z.stop = 1;
	pthread_join(th, NULL);
	read_pins(&acq1, &rel1);
	check(r == 0, "%s (%s) under MADV_DONTNEED runs: %s", pb_strategy_name(id),
	      registration == PINBENCH_REG_PER_BUFFER ? "per buffer" : "per I/O",
	      r ? strerror(errno) : "ok");
	check(a.revokes > 0, "invalidations revoked pins: %llu revokes, %lu zaps, %llu read retries",
	      (unsigned long long)a.revokes, z.zaps, (unsigned long long)a.read_retries);
	/*
	 * Balance is exact; the module's own count is a floor: GUP-fast that
	 * races with the zap takes a pin, sees the PTE change and drops it
	 * again (gup_pte_range() in mm/gup.c), which /proc/vmstat counts and
	 * no caller of pin_user_pages_fast() can see.
	 */
	check(acq1 - acq0 == rel1 - rel0 && acq1 - acq0 >= a.foll_pins && a.foll_pins > 0,
	      "pins balance under revokes: %llu acquired, %llu released, module says %llu",
	      acq1 - acq0, rel1 - rel0, (unsigned long long)a.foll_pins);
	munmap(z.buf, z.len);
}

/*
 * SIGKILL in the middle of a long run: the module notices the fatal
 * signal between rounds, releases everything it holds and returns; the
 * process dies with nothing left behind.
 */
static void test_sigkill_mid_run(int fd)
{
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		unsigned long long acq0, rel0, acq1, rel1;
		struct pinbench_info info;
		int status = 0;
		pid_t pid;

		if (!(strategy_mask() & (1ull << id)))
			continue;
		read_pins(&acq0, &rel0);
		pid = fork();
		if (pid == 0) {
			const unsigned int pages = 1024;
			struct pinbench_gup_fast a;
			char *buf = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			memset(buf, 1, pages * page_size);
			good_request(&a, buf, pages);
			a.strategy = id;
			a.rounds = PINBENCH_MAX_ROUNDS;	/* hours: only the signal ends it */
			ioctl(fd, PINBENCH_IOC_GUP_FAST, &a);
			_exit(0);
		}
		usleep(300000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		read_pins(&acq1, &rel1);
		memset(&info, 0, sizeof(info));
		info.abi_version = PINBENCH_ABI_VERSION;
		ioctl(fd, PINBENCH_IOC_INFO, &info);
		check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
		      acq1 - acq0 == rel1 - rel0 && info.tracking_objects == 0,
		      "%s: SIGKILL mid-run: killed %d, pins %llu/%llu, tracking objects %llu",
		      pb_strategy_name(id), WIFSIGNALED(status), acq1 - acq0, rel1 - rel0,
		      (unsigned long long)info.tracking_objects);
	}
}

struct unmapper {
	void *buf;
	size_t len;
};

static void *unmap_later(void *arg)
{
	struct unmapper *u = arg;

	usleep(100000);
	munmap(u->buf, u->len);
	return NULL;
}

/*
 * The buffer is unmapped under a run that would never end: the next
 * acquire fails (EFAULT), everything held is released (notifier_revoke may
 * have revoked it already; fake_vma may hold the anon_vma's last reference,
 * which it must count as leaked, not free), nothing is left behind.
 */
static void test_munmap_mid_run(int fd)
{
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		const unsigned int pages = 256;
		unsigned long long acq0, rel0, acq1, rel1;
		struct unmapper u = { .len = pages * page_size };
		struct pinbench_gup_fast a;
		struct pinbench_info info;
		pthread_t th;
		int r, e;

		if (!(strategy_mask() & (1ull << id)))
			continue;
		u.buf = mmap(NULL, u.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(u.buf, 1, u.len);
		good_request(&a, u.buf, pages);
		a.strategy = id;
		a.pages_per_call = 16;
		a.rounds = PINBENCH_MAX_ROUNDS;
		read_pins(&acq0, &rel0);
		pthread_create(&th, NULL, unmap_later, &u);
		r = ioctl(fd, PINBENCH_IOC_GUP_FAST, &a);
		e = errno;
		pthread_join(th, NULL);
		read_pins(&acq1, &rel1);
		memset(&info, 0, sizeof(info));
		info.abi_version = PINBENCH_ABI_VERSION;
		ioctl(fd, PINBENCH_IOC_INFO, &info);
		check(r == -1 && e == EFAULT && acq1 - acq0 == rel1 - rel0 && info.tracking_objects == 0,
		      "%s: munmap mid-run -> %s, pins %llu/%llu, tracking objects %llu, anon_vmas leaked so far %llu",
		      pb_strategy_name(id), r ? strerror(e) : "success", acq1 - acq0, rel1 - rel0,
		      (unsigned long long)info.tracking_objects,
		      (unsigned long long)info.anon_vmas_leaked);
	}
}

/* After every run, no strategy may keep a tracking object (notifier, fake vma). */
static void test_no_leftovers(int fd)
{
	struct pinbench_info info;
	int r;

	memset(&info, 0, sizeof(info));
	info.abi_version = PINBENCH_ABI_VERSION;
	r = ioctl(fd, PINBENCH_IOC_INFO, &info);
	check(r == 0 && info.tracking_objects == 0, "no tracking objects left (%llu)",
	      (unsigned long long)info.tracking_objects);
}

static void test_info(int fd)
{
	struct pinbench_info info;
	struct stat st;
	int r;

	memset(&info, 0, sizeof(info));
	info.abi_version = PINBENCH_ABI_VERSION;
	r = ioctl(fd, PINBENCH_IOC_INFO, &info);
	check(r == 0 && info.page_size == page_size && info.hist_buckets == PINBENCH_HIST_BUCKETS &&
	      info.strategy_mask == strategy_mask(),
	      "INFO: page size %u, %u buckets, strategy mask 0x%llx", info.page_size,
	      info.hist_buckets, (unsigned long long)info.strategy_mask);
	info.abi_version = PINBENCH_ABI_VERSION + 1;
	r = ioctl(fd, PINBENCH_IOC_INFO, &info);
	check(r == -1 && errno == EPROTO, "INFO with a wrong ABI -> EPROTO");
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		const struct pinbench_strategy_info *si = strategy_info(id);

		check(si && !strcmp(si->name, pb_strategy_name(id)) && si->id == id &&
		      si->caps == info.strategy_caps[id] &&
		      !!(si->caps & PINBENCH_CAP_REVOKE) == !!pb_strategy_revokes(si->name) &&
		      !(si->supported_flags & ~PINBENCH_PIN_ALL),
		      "STRATEGY %u: %s, caps 0x%x (+0x%x per buffer), flags 0x%x, props 0x%x", id,
		      si ? si->name : "(none)", si ? si->caps : 0, si ? si->caps_per_buffer : 0,
		      si ? si->supported_flags : 0, si ? si->props : 0);
	}
	{
		struct pinbench_strategy_info si;

		memset(&si, 0, sizeof(si));
		si.abi_version = PINBENCH_ABI_VERSION;
		r = ioctl(fd, PINBENCH_IOC_STRATEGY, &si);
		check(r == -1 && errno == EINVAL, "STRATEGY with id unset (0) -> EINVAL");
		si.id = PINBENCH_STRATEGY_NR;
		r = ioctl(fd, PINBENCH_IOC_STRATEGY, &si);
		check(r == -1 && errno == EINVAL, "STRATEGY with an id the ABI lacks -> EINVAL");
		si.id = 1;
		si.reserved[1] = 1;
		r = ioctl(fd, PINBENCH_IOC_STRATEGY, &si);
		check(r == -1 && errno == EINVAL, "STRATEGY with a reserved field set -> EINVAL");
		si.reserved[1] = 0;
		si.abi_version = PINBENCH_ABI_VERSION - 1;
		r = ioctl(fd, PINBENCH_IOC_STRATEGY, &si);
		check(r == -1 && errno == EPROTO, "STRATEGY with a wrong ABI -> EPROTO");
	}
	r = stat("/dev/pinbench", &st);
	check(r == 0 && (st.st_mode & 0777) == 0600, "/dev/pinbench mode is 0600 (%o)",
	      r == 0 ? st.st_mode & 0777 : 0);
}

int main(void)
{
	int fd = testlib_open();

	test_info(fd);
	test_bad_requests(fd);
	test_strategies(fd);
	test_breakdown(fd);
	for (uint32_t id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		if (!(strategy_caps(id, PINBENCH_REG_PER_IO) & PINBENCH_CAP_REVOKE))
			continue;
		test_revoke_on_invalidation(fd, id, PINBENCH_REG_PER_IO);
		if (strategy_caps(id, PINBENCH_REG_PER_IO) & PINBENCH_CAP_REGISTRATION)
			test_revoke_on_invalidation(fd, id, PINBENCH_REG_PER_BUFFER);
	}
	test_sigkill_mid_run(fd);
	test_munmap_mid_run(fd);
	test_no_leftovers(fd);
	close(fd);
	printf("%d checks failed\n", failures);
	return failures ? 1 : 0;
}
