// SPDX-License-Identifier: GPL-2.0
/* test_device.c: in the guest: the simulated DMA device: bad requests, records, revokes, lost writes, release from hardirq, close and SIGKILL mid-DMA. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "names.h"
#include "pinbench_uapi.h"
#include "testlib.h"

static const char *reg_name(uint32_t registration)
{
	return registration == PINBENCH_REG_PER_BUFFER ? "per buffer" : "per I/O";
}

static int dev_register(int fd, uint32_t strategy, uint32_t flags, uint32_t registration,
			void *addr, uint64_t nr_pages, uint32_t ppc, struct pinbench_dev_register *a)
{
	memset(a, 0, sizeof(*a));
	a->abi_version = PINBENCH_ABI_VERSION;
	a->strategy = strategy;
	a->flags = flags;
	a->registration = registration;
	a->addr = (uintptr_t)addr;
	a->nr_pages = nr_pages;
	a->pages_per_call = ppc;
	return ioctl(fd, PINBENCH_IOC_DEV_REGISTER, a);
}

static void start_request(struct pinbench_dev_start *s, uint32_t id, uint32_t engine,
			  uint32_t rate_hz, uint32_t burst, uint64_t max_records)
{
	memset(s, 0, sizeof(*s));
	s->abi_version = PINBENCH_ABI_VERSION;
	s->buffer_id = id;
	s->engine = engine;
	s->direction = PINBENCH_DMA_WRITE;
	s->rate_hz = rate_hz;
	s->burst = burst;
	s->max_records = max_records;
}

static int dev_stats(int fd, unsigned long cmd, uint32_t id, uint32_t ctx,
		     struct pinbench_dev_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->abi_version = PINBENCH_ABI_VERSION;
	st->buffer_id = id;
	st->release_ctx = ctx;
	return ioctl(fd, cmd, st);
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void *map_anon(size_t pages)
{
	void *p = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, pages * page_size, MADV_NOHUGEPAGE);
	memset(p, 0, pages * page_size);
	return p;
}

#define EXPECT(call, want, what)						\
	do {									\
		int r_ = (call), e_ = errno;					\
		check(r_ == -1 && e_ == (want), "%-52s -> %s (want %s)", what,	\
		      r_ == 0 ? "success" : strerror(e_), strerror(want));	\
	} while (0)

static void test_bad_requests(int fd)
{
	const unsigned int pages = 8;
	struct pinbench_dev_register a;
	struct pinbench_dev_start s;
	struct pinbench_dev_stats st;
	char *buf = map_anon(pages);
	uint32_t id, ids[PINBENCH_MAX_DEV_BUFFERS];
	unsigned int n;
	int r;

	EXPECT(dev_register(fd, PINBENCH_STRATEGY_PIN_COUNTER, PINBENCH_PIN_WRITE,
			    PINBENCH_REG_PER_IO, buf, pages, 0, &a), EINVAL, "register: zero pages per call");
	if ((id = strategy_by_cap(PINBENCH_CAP_REGISTRATION, 0)))
		EXPECT(dev_register(fd, id, PINBENCH_PIN_WRITE, PINBENCH_REG_PER_BUFFER, buf, pages, 4, &a),
		       EOPNOTSUPP, "register: per-buffer, a strategy without per-buffer state");
	else
		skip("every strategy has per-buffer state");
	EXPECT(dev_register(fd, PINBENCH_STRATEGY_PIN_COUNTER, PINBENCH_PIN_WRITE, 0, buf, pages, 4, &a),
	       EINVAL, "register: registration unset");
	EXPECT(dev_register(fd, PINBENCH_STRATEGY_PIN_COUNTER, PINBENCH_PIN_WRITE, PINBENCH_REG_PER_IO,
			    buf + 1, pages, 4, &a), EINVAL, "register: unaligned address");
	EXPECT(dev_register(fd, PINBENCH_STRATEGY_PIN_COUNTER, PINBENCH_PIN_WRITE, PINBENCH_REG_PER_IO,
			    buf, pages, PINBENCH_MAX_PAGES_PER_CALL + 1, &a), E2BIG,
	       "register: pages per call above the limit");
	EXPECT(dev_register(fd, PINBENCH_STRATEGY_PIN_COUNTER, PINBENCH_PIN_WRITE, PINBENCH_REG_PER_IO,
			    (void *)0xffff888000000000ull, pages, 4, &a), EFAULT, "register: kernel address");
	memset(&a, 0, sizeof(a));
	a.abi_version = PINBENCH_ABI_VERSION + 1;
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_REGISTER, &a), EPROTO, "register: wrong ABI version");
	if ((id = strategy_by_cap(PINBENCH_CAP_REVOKE, 1))) {
		dev_register(fd, id, PINBENCH_PIN_WRITE, PINBENCH_REG_PER_IO, buf, pages, 4, &a);
		dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, a.buffer_id, PINBENCH_CTX_PROCESS, &st);
		a.buffer_id = 0;
		a.revoke = 1u << 7;
		EXPECT(ioctl(fd, PINBENCH_IOC_DEV_REGISTER, &a), EINVAL, "register: unknown revoke policy bit");
	} else {
		skip("no strategy revokes");
	}
	if ((id = strategy_by_cap(PINBENCH_CAP_REVOKE, 0))) {
		dev_register(fd, id, PINBENCH_PIN_WRITE, PINBENCH_REG_PER_IO, buf, pages, 4, &a);
		dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, a.buffer_id, PINBENCH_CTX_PROCESS, &st);
		a.buffer_id = 0;
		a.revoke = PINBENCH_REVOKE_REACQUIRE;
		EXPECT(ioctl(fd, PINBENCH_IOC_DEV_REGISTER, &a), EOPNOTSUPP,
		       "register: a revoke policy for a strategy that never revokes");
	} else {
		skip("every strategy revokes");
	}

	r = dev_register(fd, PINBENCH_STRATEGY_PIN_COUNTER, 0, PINBENCH_REG_PER_IO, buf, pages, 4, &a);
	check(r == 0 && a.buffer_id >= 1, "register for read: id %u", a.buffer_id);
	id = a.buffer_id;
	start_request(&s, id, PINBENCH_ENGINE_KTHREAD, 0, 1, 0);
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_START, &s), EINVAL, "start: writes into a buffer pinned for read");
	start_request(&s, id + 100, PINBENCH_ENGINE_KTHREAD, 0, 1, 0);
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_START, &s), ENOENT, "start: unknown buffer id");
	start_request(&s, id, 0, 0, 1, 0);
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_START, &s), EINVAL, "start: engine unset");
	start_request(&s, id, PINBENCH_ENGINE_HRTIMER, 0, 1, 0);
	s.direction = PINBENCH_DMA_READ;
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_START, &s), EINVAL, "start: hrtimer at rate 0");
	start_request(&s, id, PINBENCH_ENGINE_HRTIMER, PINBENCH_MAX_RATE_HZ, 64, 0);
	s.direction = PINBENCH_DMA_READ;
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_START, &s), E2BIG, "start: hrtimer accesses/s above the budget");
	start_request(&s, id, PINBENCH_ENGINE_KTHREAD, 0, PINBENCH_MAX_BURST + 1, 0);
	s.direction = PINBENCH_DMA_READ;
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_START, &s), E2BIG, "start: burst above the limit");
	start_request(&s, id, PINBENCH_ENGINE_KTHREAD, 1000, 1, 0);
	s.direction = PINBENCH_DMA_READ;
	check(ioctl(fd, PINBENCH_IOC_DEV_START, &s) == 0, "start: reads at 1 kHz");
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_START, &s), EBUSY, "start: engine already running");
	EXPECT(dev_stats(fd, PINBENCH_IOC_DEV_STOP, id, PINBENCH_CTX_PROCESS, &st), EINVAL,
	       "stop: a release context");
	EXPECT(dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, id, 0, &st), EINVAL,
	       "unregister: release context unset");
	EXPECT(dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, id, 9, &st), EINVAL,
	       "unregister: unknown release context");
	{
		struct pinbench_page_fate pf[pages + 1];

		memset(&st, 0, sizeof(st));
		st.abi_version = PINBENCH_ABI_VERSION;
		st.buffer_id = id;
		st.fates_addr = (uintptr_t)pf;
		st.fates_nr = pages + 1;
		EXPECT(ioctl(fd, PINBENCH_IOC_DEV_STOP, &st), EINVAL, "stop: fates_nr is not the buffer's pages");
		st.fates_nr = 0;
		EXPECT(ioctl(fd, PINBENCH_IOC_DEV_STOP, &st), EINVAL, "stop: fates_addr without fates_nr");
		st.fates_addr = (uintptr_t)pf + 4;
		st.fates_nr = pages;
		EXPECT(ioctl(fd, PINBENCH_IOC_DEV_STOP, &st), EINVAL, "stop: fates_addr not 8-byte aligned");
		st.fates_addr = 0xffff888000000000ull;
		st.release_ctx = PINBENCH_CTX_PROCESS;
		EXPECT(ioctl(fd, PINBENCH_IOC_DEV_UNREGISTER, &st), EFAULT, "unregister: fates_addr in the kernel");
		st.release_ctx = 0;
		st.fates_addr = 0;
		st.fates_nr = 0;
		st.reserved1 = 1;
		EXPECT(ioctl(fd, PINBENCH_IOC_DEV_STOP, &st), EINVAL, "stop: non-zero reserved1");
	}
	r = dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, id, PINBENCH_CTX_PROCESS, &st);
	check(r == 0, "unregister with the engine running: %s", r ? strerror(errno) : "ok");
	EXPECT(dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, id, PINBENCH_CTX_PROCESS, &st), ENOENT,
	       "unregister: twice");

	/* The per-file limit, then every one of them back. */
	for (n = 0; n < PINBENCH_MAX_DEV_BUFFERS; n++) {
		if (dev_register(fd, PINBENCH_STRATEGY_GUP_REF, 0, PINBENCH_REG_PER_IO, buf, 1, 1, &a))
			break;
		ids[n] = a.buffer_id;
	}
	check(n == PINBENCH_MAX_DEV_BUFFERS, "%u buffers registered (limit %u)", n, PINBENCH_MAX_DEV_BUFFERS);
	EXPECT(dev_register(fd, PINBENCH_STRATEGY_GUP_REF, 0, PINBENCH_REG_PER_IO, buf, 1, 1, &a),
	       ENOSPC, "register: one buffer above the per-file limit");
	while (n--)
		dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, ids[n], PINBENCH_CTX_PROCESS, &st);
	munmap(buf, pages * page_size);
}

/* Every record the device wrote sits in the page it was meant for. */
static unsigned long verify_records(const char *buf, unsigned int pages, uint32_t id,
				    unsigned long *bad)
{
	size_t slots = PINBENCH_RECORD_SLOTS(page_size), p, k;
	unsigned long found = 0;

	*bad = 0;
	for (p = 0; p < pages; p++) {
		const struct pinbench_record *r = (const void *)(buf + p * page_size);

		for (k = 0; k < slots; k++) {
			if (r[k].magic != PINBENCH_RECORD_MAGIC)
				continue;
			found++;
			if (r[k].buffer_id != id || r[k].page_index != p || !r[k].seq)
				(*bad)++;
		}
	}
	return found;
}

/*
 * Each strategy drives the device: every write is delivered into the page
 * it was meant for, and the buffer is given back from hardirq, deferring
 * exactly what cannot run there; the balance is exact afterwards.
 */
static void test_dma_and_hardirq_release(int fd, uint32_t id, uint32_t registration,
					 uint32_t engine)
{
	const unsigned int pages = 64;
	const uint64_t records = pages * 8;
	unsigned long long acq0, rel0, acq1, rel1;
	struct pinbench_dev_register a;
	struct pinbench_dev_start s;
	struct pinbench_dev_stats st;
	unsigned long found, bad;
	char *buf = map_anon(pages);
	int r, tries;

	read_pins(&acq0, &rel0);
	r = dev_register(fd, id, PINBENCH_PIN_WRITE, registration, buf, pages, 16, &a);
	check(r == 0, "%s (%s): register %u pages: %s", pb_strategy_name(id), reg_name(registration),
	      pages, r ? strerror(errno) : "ok");
	if (r) {
		munmap(buf, pages * page_size);
		return;
	}
	start_request(&s, a.buffer_id, engine, engine == PINBENCH_ENGINE_HRTIMER ? 20000 : 0, 4, records);
	r = ioctl(fd, PINBENCH_IOC_DEV_START, &s);
	check(r == 0, "%s: start the %s engine: %s", pb_strategy_name(id),
	      engine == PINBENCH_ENGINE_HRTIMER ? "hrtimer" : "kthread", r ? strerror(errno) : "ok");
	for (tries = 0; tries < 100; tries++) {
		msleep(20);
		dev_stats(fd, PINBENCH_IOC_DEV_STOP, a.buffer_id, 0, &st);
		if (st.accesses >= records)
			break;
		/* STOP stopped it: start again for what is left. */
		start_request(&s, a.buffer_id, engine, engine == PINBENCH_ENGINE_HRTIMER ? 20000 : 0, 4,
			      records - st.accesses);
		ioctl(fd, PINBENCH_IOC_DEV_START, &s);
	}
	found = verify_records(buf, pages, a.buffer_id, &bad);
	check(st.accesses == records && st.delivered == records && !st.lost && !st.redirected,
	      "%s: %llu accesses: %llu delivered, %llu lost, %llu redirected", pb_strategy_name(id),
	      (unsigned long long)st.accesses, (unsigned long long)st.delivered,
	      (unsigned long long)st.lost, (unsigned long long)st.redirected);
	check(found == records && !bad, "%s: %lu records in the buffer, %lu misplaced (want %llu, 0)",
	      pb_strategy_name(id), found, bad, (unsigned long long)records);

	r = dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, a.buffer_id, PINBENCH_CTX_HARDIRQ, &st);
	read_pins(&acq1, &rel1);
	check(r == 0, "%s: unregister from hardirq: %s; handler %llu ns, pages back after %llu ns, "
	      "all done after %llu ns, %llu of %u acquires deferred", pb_strategy_name(id),
	      r ? strerror(errno) : "ok", (unsigned long long)st.release_handler_ns,
	      (unsigned long long)st.release_pages_ns, (unsigned long long)st.release_done_ns,
	      (unsigned long long)st.deferred, pages / 16);
	/*
	 * What must be deferred is what the strategy says cannot run in
	 * hardirq (its caps for this registration): fake_vma's rmap locks, a
	 * per-I/O notifier's removal.
	 */
	{
		int must = !(a.strategy_caps & PINBENCH_CAP_RELEASE_ATOMIC);

		check(must ? st.deferred == pages / 16 : st.deferred == 0,
		      "%s (%s): %s deferred from hardirq", pb_strategy_name(id), reg_name(registration),
		      must ? "every release" : "nothing");
	}
	check(acq1 - acq0 == rel1 - rel0 && tracking_objects(fd) == 0,
	      "%s: pins %llu/%llu, tracking objects %llu", pb_strategy_name(id), acq1 - acq0,
	      rel1 - rel0, tracking_objects(fd));
	munmap(buf, pages * page_size);
}

/*
 * The revoke scenario: the device keeps writing while the user unmaps (or
 * truncates) what it registered. A revoking strategy (notifier_revoke)
 * must revoke, drop every pin and redirect later writes to the dummy page,
 * losing nothing; so must a mirror (hmm_mirror, the device_faults
 * property): it drops its entries, the device faults, and the fault finds
 * no page, so the writes go nowhere. The other strategies keep their pages
 * and the device writes into pages nobody will see again (lost writes).
 */
enum scenario { SC_MUNMAP_ANON, SC_TRUNCATE_SHMEM };

static void test_revoke_scenario(int fd, uint32_t id, uint32_t registration, enum scenario sc)
{
	const unsigned int pages = 64;
	size_t len = pages * page_size;
	unsigned long long acq0, rel0, acq1, rel1;
	struct pinbench_dev_register a;
	struct pinbench_dev_start s;
	struct pinbench_dev_stats st, st2;
	const char *what = sc == SC_MUNMAP_ANON ? "munmap (anon)" : "truncate (shmem)";
	int mfd = -1, r;
	char *buf;

	if (sc == SC_MUNMAP_ANON) {
		buf = map_anon(pages);
	} else {
		mfd = memfd_create("pinbench-test", 0);
		if (mfd < 0 || ftruncate(mfd, len) < 0) {
			check(0, "memfd: %s", strerror(errno));
			return;
		}
		buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		memset(buf, 0, len);
	}
	read_pins(&acq0, &rel0);
	r = dev_register(fd, id, PINBENCH_PIN_WRITE, registration, buf, pages, 16, &a);
	if (r) {
		check(0, "%s (%s), %s: register: %s", pb_strategy_name(id), reg_name(registration),
		      what, strerror(errno));
		goto out;
	}
	/* 10 kHz x 8 from hardirq: a device that writes all the time. */
	start_request(&s, a.buffer_id, PINBENCH_ENGINE_HRTIMER, 10000, 8, 0);
	r = ioctl(fd, PINBENCH_IOC_DEV_START, &s);
	msleep(50);
	dev_stats(fd, PINBENCH_IOC_DEV_STOP, a.buffer_id, 0, &st);
	start_request(&s, a.buffer_id, PINBENCH_ENGINE_HRTIMER, 10000, 8, 0);
	r |= ioctl(fd, PINBENCH_IOC_DEV_START, &s);
	if (sc == SC_MUNMAP_ANON) {
		munmap(buf, len);
		buf = NULL;
	} else {
		r |= ftruncate(mfd, 0);
	}
	msleep(50);
	r |= dev_stats(fd, PINBENCH_IOC_DEV_STOP, a.buffer_id, 0, &st2);
	check(r == 0 && st.accesses > 0 && st.delivered == st.accesses,
	      "%s (%s): before the %s, %llu accesses all delivered", pb_strategy_name(id),
	      reg_name(registration), what, (unsigned long long)st.accesses);
	if ((strategy_caps(id, registration) & PINBENCH_CAP_REVOKE) ||
	    (strategy_props(id) & PINBENCH_PROP_DEVICE_FAULTS)) {
		uint64_t cause = sc == SC_MUNMAP_ANON ? st2.events[PINBENCH_EV_UNMAP] :
						      st2.events[PINBENCH_EV_CLEAR_TRUNCATE];

		check(st2.revocations >= 1 && st2.pages_revoked == pages && st2.redirected > 0 &&
		      st2.lost == 0 && cause >= 1,
		      "%s (%s), %s: %llu revocations (%llu by this cause, %llu spurious), %llu pages revoked, "
		      "%llu writes redirected, %llu lost", pb_strategy_name(id), reg_name(registration),
		      what, (unsigned long long)st2.revocations, (unsigned long long)cause,
		      (unsigned long long)st2.spurious, (unsigned long long)st2.pages_revoked,
		      (unsigned long long)st2.redirected, (unsigned long long)st2.lost);
		/* munmap is not truncate: a revocation the file did not need, counted as spurious. */
		check(sc == SC_MUNMAP_ANON ? st2.spurious >= 1 : st2.spurious == 0,
		      "%s, %s: spurious revocations %llu", pb_strategy_name(id), what,
		      (unsigned long long)st2.spurious);
	} else {
		check(st2.revocations == 0 && st2.redirected == 0 && st2.lost > 0,
		      "%s, %s: no revoke; %llu writes lost into pages nobody sees, %llu delivered",
		      pb_strategy_name(id), what, (unsigned long long)st2.lost,
		      (unsigned long long)(st2.delivered - st.delivered));
	}
	r = dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, a.buffer_id, PINBENCH_CTX_PROCESS, &st2);
	read_pins(&acq1, &rel1);
	check(r == 0 && acq1 - acq0 == rel1 - rel0 && tracking_objects(fd) == 0,
	      "%s, %s: unregistered; pins %llu/%llu, tracking objects %llu", pb_strategy_name(id),
	      what, acq1 - acq0, rel1 - rel0, tracking_objects(fd));
out:
	if (buf)
		munmap(buf, len);
	if (mfd >= 0)
		close(mfd);
}

/*
 * Revoke policies, on a shmem file the device writes into:
 *  - an invalidation that is neither truncate nor unmap (MADV_DONTNEED on
 *    the shared mapping: a CLEAR of pages that stay in the file) revokes
 *    by default, and passes with PINBENCH_REVOKE_TRUNCATE_UNMAP (counted
 *    as ignored, the pins staying, no write redirected);
 *  - with PINBENCH_REVOKE_REACQUIRE, the pages are pinned again after it
 *    and the device goes on writing into them: nothing redirected;
 *  - a truncate with REACQUIRE cannot be undone: the pages past the end
 *    cannot be pinned again, and the writes then go to the dummy page.
 * Per-page fates (fates_addr) must add up to the accesses.
 */
enum policy_event { PE_DONTNEED, PE_TRUNCATE };

static void test_revoke_policy(int fd, uint32_t id, uint32_t registration, uint32_t revoke,
			       enum policy_event ev)
{
	const unsigned int pages = 64;
	size_t len = pages * page_size;
	unsigned long long acq0, rel0, acq1, rel1;
	struct pinbench_page_fate pf[64];
	struct pinbench_dev_register a;
	struct pinbench_dev_start s;
	struct pinbench_dev_stats st;
	uint64_t in_place = 0, lost = 0, redirected = 0;
	char what[96];
	int mfd, r;
	char *buf;

	snprintf(what, sizeof(what), "%s (%s) [%s%s], %s", pb_strategy_name(id), reg_name(registration),
		 revoke & PINBENCH_REVOKE_TRUNCATE_UNMAP ? "truncate+unmap only" : "all events",
		 revoke & PINBENCH_REVOKE_REACQUIRE ? ", re-pin" : ", drop",
		 ev == PE_DONTNEED ? "MADV_DONTNEED" : "truncate");
	mfd = memfd_create("pinbench-policy", 0);
	if (mfd < 0 || ftruncate(mfd, len) < 0) {
		check(0, "%s: memfd: %s", what, strerror(errno));
		return;
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	memset(buf, 0, len);
	read_pins(&acq0, &rel0);
	memset(&a, 0, sizeof(a));
	a.abi_version = PINBENCH_ABI_VERSION;
	a.strategy = id;
	a.flags = PINBENCH_PIN_WRITE;
	a.registration = registration;
	a.addr = (uintptr_t)buf;
	a.nr_pages = pages;
	a.pages_per_call = 16;
	a.revoke = revoke;
	if (ioctl(fd, PINBENCH_IOC_DEV_REGISTER, &a)) {
		check(0, "%s: register: %s", what, strerror(errno));
		goto out;
	}
	start_request(&s, a.buffer_id, PINBENCH_ENGINE_HRTIMER, 10000, 8, 0);
	r = ioctl(fd, PINBENCH_IOC_DEV_START, &s);
	msleep(20);
	r |= ev == PE_DONTNEED ? madvise(buf, len, MADV_DONTNEED) : ftruncate(mfd, 0);
	/* The worker pins again once the invalidation is over; the device waits for it. */
	msleep(50);
	memset(&st, 0, sizeof(st));
	st.abi_version = PINBENCH_ABI_VERSION;
	st.buffer_id = a.buffer_id;
	st.fates_addr = (uintptr_t)pf;
	st.fates_nr = pages;
	r |= ioctl(fd, PINBENCH_IOC_DEV_STOP, &st);
	for (unsigned int p = 0; p < pages; p++) {
		in_place += pf[p].in_place;
		lost += pf[p].lost;
		redirected += pf[p].redirected;
	}
	check(r == 0 && in_place == st.delivered && lost == st.lost && redirected == st.redirected &&
	      in_place + lost + redirected == st.accesses,
	      "%s: per-page fates add up: %llu in place, %llu lost, %llu redirected of %llu",
	      what, (unsigned long long)in_place, (unsigned long long)lost,
	      (unsigned long long)redirected, (unsigned long long)st.accesses);
	/* A mirror (device_faults) has one policy, built in: drop on every event, fault back. */
	if (strategy_props(id) & PINBENCH_PROP_DEVICE_FAULTS)
		revoke |= PINBENCH_REVOKE_REACQUIRE;
	if (ev == PE_DONTNEED && (revoke & PINBENCH_REVOKE_TRUNCATE_UNMAP))
		check(st.revocations == 0 && st.ignored >= 1 &&
		      st.ignored_events[PINBENCH_EV_CLEAR_OTHER] >= 1 && st.redirected == 0 && !st.lost,
		      "%s: passed, pins kept: %llu ignored (%llu clear_other), %llu revocations, "
		      "%llu redirected", what, (unsigned long long)st.ignored,
		      (unsigned long long)st.ignored_events[PINBENCH_EV_CLEAR_OTHER],
		      (unsigned long long)st.revocations, (unsigned long long)st.redirected);
	else if (ev == PE_DONTNEED && (revoke & PINBENCH_REVOKE_REACQUIRE))
		check(st.revocations >= 1 && st.events[PINBENCH_EV_CLEAR_OTHER] >= 1 &&
		      st.pages_reacquired >= pages && st.redirected == 0 && !st.lost &&
		      st.delivered == st.accesses,
		      "%s: revoked (%llu), %llu pages pinned or faulted again in %llu calls, the device waited %llu "
		      "times, %llu redirected, %llu in place of %llu", what,
		      (unsigned long long)st.revocations, (unsigned long long)st.pages_reacquired,
		      (unsigned long long)st.reacquires, (unsigned long long)st.stalls,
		      (unsigned long long)st.redirected, (unsigned long long)st.delivered,
		      (unsigned long long)st.accesses);
	else if (ev == PE_DONTNEED)
		check(st.revocations >= 1 && st.spurious >= 1 && st.redirected > 0,
		      "%s: revoked (spurious %llu), %llu redirected", what,
		      (unsigned long long)st.spurious, (unsigned long long)st.redirected);
	else
		check(st.events[PINBENCH_EV_CLEAR_TRUNCATE] >= 1 && st.reacquire_failed >= 1 &&
		      st.pages_reacquired == 0 && st.redirected > 0 && !st.lost,
		      "%s: revoked by the truncate, %llu pages could not be pinned or faulted again, %llu redirected",
		      what, (unsigned long long)st.reacquire_failed, (unsigned long long)st.redirected);
	r = dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, a.buffer_id, PINBENCH_CTX_PROCESS, &st);
	read_pins(&acq1, &rel1);
	check(r == 0 && acq1 - acq0 == rel1 - rel0 && tracking_objects(fd) == 0,
	      "%s: unregistered; pins %llu/%llu, tracking objects %llu", what, acq1 - acq0,
	      rel1 - rel0, tracking_objects(fd));
out:
	munmap(buf, len);
	close(mfd);
}

/*
 * An entry that enters the registration without its page (an invalidation
 * raced the registration: PINBENCH_DEV_TEST_UNMAP_FIRST unmaps the first
 * page for real) is judged by what its address maps, like the others.
 * A mirror's entries are then moved to another file (mmap MAP_FIXED over
 * the range): the device faults in that file's pages, and its writes are
 * lost to the registered file, entry 0's as much as the rest. Judged "in
 * place" whatever page it held, entry 0's once hid that.
 */
static void test_origin_without_page(int fd, uint32_t id, uint32_t registration)
{
	const unsigned int pages = 4;
	size_t len = pages * page_size;
	struct pinbench_page_fate pf[4];
	struct pinbench_dev_register a;
	struct pinbench_dev_start s;
	struct pinbench_dev_stats st;
	int mfd = memfd_create("pinbench-origin-a", 0), mfd2 = memfd_create("pinbench-origin-b", 0);
	char *buf, what[96];
	int r;

	snprintf(what, sizeof(what), "%s (%s), first entry invalidated at registration",
		 pb_strategy_name(id), reg_name(registration));
	if (mfd < 0 || mfd2 < 0 || ftruncate(mfd, len) < 0 || ftruncate(mfd2, len) < 0) {
		check(0, "%s: memfd: %s", what, strerror(errno));
		return;
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	memset(buf, 0, len);
	memset(&a, 0, sizeof(a));
	a.abi_version = PINBENCH_ABI_VERSION;
	a.strategy = id;
	a.flags = PINBENCH_PIN_WRITE;
	a.registration = registration;
	a.addr = (uintptr_t)buf;
	a.nr_pages = pages;
	a.pages_per_call = pages;
	a.test = PINBENCH_DEV_TEST_UNMAP_FIRST;
	if (ioctl(fd, PINBENCH_IOC_DEV_REGISTER, &a)) {
		check(0, "%s: register: %s", what, strerror(errno));
		goto out;
	}
	/* The range now maps the other file: the mirror's entries go, and fault into it. */
	r = mmap(buf, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, mfd2, 0) == buf ? 0 : -1;
	start_request(&s, a.buffer_id, PINBENCH_ENGINE_KTHREAD, 10000, 4, 64);
	r |= ioctl(fd, PINBENCH_IOC_DEV_START, &s);
	msleep(50);
	memset(&st, 0, sizeof(st));
	st.abi_version = PINBENCH_ABI_VERSION;
	st.buffer_id = a.buffer_id;
	st.fates_addr = (uintptr_t)pf;
	st.fates_nr = pages;
	r |= ioctl(fd, PINBENCH_IOC_DEV_STOP, &st);
	check(r == 0 && st.accesses > 0 && pf[0].lost > 0 && pf[0].in_place == 0 && pf[1].lost > 0 &&
	      pf[1].in_place == 0 && st.device_faults > 0,
	      "%s: the device's writes into the other file are lost, entry 0's too: entry 0 %llu lost, "
	      "%llu in place; entry 1 %llu lost, %llu in place; %llu device faults", what,
	      (unsigned long long)pf[0].lost, (unsigned long long)pf[0].in_place,
	      (unsigned long long)pf[1].lost, (unsigned long long)pf[1].in_place,
	      (unsigned long long)st.device_faults);
	r = dev_stats(fd, PINBENCH_IOC_DEV_UNREGISTER, a.buffer_id, PINBENCH_CTX_PROCESS, &st);
	check(r == 0, "%s: unregistered", what);
	memset(&a, 0, sizeof(a));
	a.abi_version = PINBENCH_ABI_VERSION;
	a.strategy = id;
	a.flags = PINBENCH_PIN_WRITE;
	a.registration = registration;
	a.addr = (uintptr_t)map_anon(pages);
	a.nr_pages = pages;
	a.pages_per_call = pages;
	a.test = PINBENCH_DEV_TEST_UNMAP_FIRST;
	EXPECT(ioctl(fd, PINBENCH_IOC_DEV_REGISTER, &a), EINVAL, "register: TEST_UNMAP_FIRST on anon memory");
	munmap((void *)(uintptr_t)a.addr, len);
out:
	munmap(buf, len);
	close(mfd);
	close(mfd2);
}

/*
 * The driver goes away mid-DMA, by close() or by SIGKILL: the file's
 * release stops the engine and gives back everything; nothing is left.
 */
static void test_gone_mid_dma(uint32_t id, int kill_it)
{
	unsigned long long acq0, rel0, acq1, rel1;
	int status = 0, fd2;
	pid_t pid;

	read_pins(&acq0, &rel0);
	pid = fork();
	if (pid == 0) {
		const unsigned int pages = 256;
		struct pinbench_dev_register a;
		struct pinbench_dev_start s;
		int fd = testlib_open();
		char *buf = map_anon(pages);

		if (dev_register(fd, id, PINBENCH_PIN_WRITE, PINBENCH_REG_PER_IO, buf, pages, 64, &a))
			_exit(2);
		start_request(&s, a.buffer_id, PINBENCH_ENGINE_KTHREAD, 0, 16, 0);
		if (ioctl(fd, PINBENCH_IOC_DEV_START, &s))
			_exit(3);
		start_request(&s, 0, PINBENCH_ENGINE_HRTIMER, 5000, 4, 0);
		if (!dev_register(fd, id, PINBENCH_PIN_WRITE, PINBENCH_REG_PER_IO, buf, pages / 2, 32, &a)) {
			s.buffer_id = a.buffer_id;
			ioctl(fd, PINBENCH_IOC_DEV_START, &s);
		}
		if (!kill_it) {
			msleep(100);
			close(fd);
			_exit(0);
		}
		for (;;)
			pause();
	}
	msleep(200);
	if (kill_it)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	read_pins(&acq1, &rel1);
	fd2 = testlib_open();
	check((kill_it ? WIFSIGNALED(status) : WIFEXITED(status) && !WEXITSTATUS(status)) &&
	      acq1 - acq0 == rel1 - rel0 && tracking_objects(fd2) == 0,
	      "%s: %s mid-DMA: status 0x%x, pins %llu/%llu, tracking objects %llu",
	      pb_strategy_name(id), kill_it ? "SIGKILL" : "close", status, acq1 - acq0,
	      rel1 - rel0, tracking_objects(fd2));
	close(fd2);
}

int main(void)
{
	int fd = testlib_open();
	uint32_t id;

	test_bad_requests(fd);
	/* Per buffer too, for every strategy that has per-buffer state. */
	for (id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		bool per_buffer = strategy_caps(id, PINBENCH_REG_PER_IO) & PINBENCH_CAP_REGISTRATION;

		test_dma_and_hardirq_release(fd, id, PINBENCH_REG_PER_IO,
					     id & 1 ? PINBENCH_ENGINE_KTHREAD : PINBENCH_ENGINE_HRTIMER);
		if (per_buffer)
			test_dma_and_hardirq_release(fd, id, PINBENCH_REG_PER_BUFFER,
						     PINBENCH_ENGINE_KTHREAD);
	}
	for (id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		bool per_buffer = strategy_caps(id, PINBENCH_REG_PER_IO) & PINBENCH_CAP_REGISTRATION;

		for (uint32_t reg = PINBENCH_REG_PER_IO; reg <= PINBENCH_REG_PER_BUFFER; reg++) {
			if (reg == PINBENCH_REG_PER_BUFFER && !per_buffer)
				continue;
			test_revoke_scenario(fd, id, reg, SC_MUNMAP_ANON);
			test_revoke_scenario(fd, id, reg, SC_TRUNCATE_SHMEM);
		}
	}
	/* The revoke policies, for every strategy that revokes; a mirror's own, built in. */
	for (id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		bool per_buffer = strategy_caps(id, PINBENCH_REG_PER_IO) & PINBENCH_CAP_REGISTRATION;

		if (strategy_props(id) & PINBENCH_PROP_DEVICE_FAULTS) {
			for (uint32_t reg = PINBENCH_REG_PER_IO; reg <= PINBENCH_REG_PER_BUFFER; reg++) {
				if (reg == PINBENCH_REG_PER_BUFFER && !per_buffer)
					continue;
				test_revoke_policy(fd, id, reg, 0, PE_DONTNEED);
				test_revoke_policy(fd, id, reg, 0, PE_TRUNCATE);
			}
			continue;
		}
		if (!(strategy_caps(id, PINBENCH_REG_PER_IO) & PINBENCH_CAP_REVOKE))
			continue;
		for (uint32_t reg = PINBENCH_REG_PER_IO; reg <= PINBENCH_REG_PER_BUFFER; reg++) {
			if (reg == PINBENCH_REG_PER_BUFFER && !per_buffer)
				continue;
			test_revoke_policy(fd, id, reg, 0, PE_DONTNEED);
			test_revoke_policy(fd, id, reg, PINBENCH_REVOKE_TRUNCATE_UNMAP, PE_DONTNEED);
			test_revoke_policy(fd, id, reg, PINBENCH_REVOKE_REACQUIRE, PE_DONTNEED);
			test_revoke_policy(fd, id, reg, PINBENCH_REVOKE_REACQUIRE, PE_TRUNCATE);
		}
	}
	for (id = 1; id < PINBENCH_STRATEGY_NR; id++)
		if (strategy_props(id) & PINBENCH_PROP_DEVICE_FAULTS)
			test_origin_without_page(fd, id, PINBENCH_REG_PER_BUFFER);
	for (id = 1; id < PINBENCH_STRATEGY_NR; id++) {
		test_gone_mid_dma(id, 0);
		test_gone_mid_dma(id, 1);
	}
	close(fd);
	printf("%d checks failed\n", failures);
	return failures ? 1 : 0;
}
