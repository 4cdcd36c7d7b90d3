// SPDX-License-Identifier: GPL-2.0
/* fuzz.c: pinbench-fuzz, in the guest: bad input for every ioctl field, mm events under registered buffers, seeded random calls. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "fuzz.h"
#include "guest.h"
#include "klog.h"
#include "util.h"
#include "vmstat.h"

/*
 * Three phases, one verdict:
 * 1. structured: for every strategy, every ioctl and every field, a good
 *    request with that one field made bad (boundaries, overflow, unknown
 *    bits, kernel and non-canonical addresses, unmapped, PROT_NONE,
 *    read-only, hugetlb, ranges across VMAs, bad result pointers, bad file
 *    descriptors, unknown ids), plus bad request pointers and unknown
 *    commands. Where the header fixes the answer (EPROTO for the ABI,
 *    EINVAL for reserved fields and unknown bits, E2BIG above a limit...)
 *    it must be exactly that; elsewhere it must be documented. After every
 *    case the module must hold nothing.
 * 2. scenarios: buffers munmapped, mremapped or truncated while the device
 *    writes into them; fork while registered (the child may not drive the
 *    parent's buffer, the parent not a dead child's); a file's 65th
 *    buffer; ids from another file; module unload while a file is open
 *    and DMA runs.
 * 3. random: seeded calls from several threads on several open files,
 *    one to three fields made bad at a time, while other threads munmap,
 *    remap, mremap, mprotect, truncate, MADV_DONTNEED, fork and reopen
 *    files under them. Every answer must be documented.
 * Then every file is closed: the module must hold no pages, registrations,
 * tracking objects or notifiers, /proc/vmstat's FOLL_PIN counts must
 * balance, and the kernel log must be clean. The host unloads the module.
 */

#define FZ_GOOD_PAGES	8	/* pages a good request covers */
#define FZ_ANON_PAGES	64
#define NSLOTS		12	/* random phase: small mappings under churn */
#define SLOT_PAGES	64
#define BIG_PAGES	1024	/* one 4 MiB slot: THP or hugetlb */
#define MAX_OWN_IDS	8	/* buffers a random thread keeps registered */
#define MAX_PROBLEMS	40	/* kept in full; the rest only counted */

enum fz_expect { EXPECT_ANY, EXPECT_OK, EXPECT_FAIL, EXPECT_EXACT };

struct fz_case {
	uint64_t v;
	uint8_t expect;
	uint8_t exact;		/* enum fz_errno, for EXPECT_EXACT */
	const char *label;
};

/* What the phases share: test memory, files, devices. Set up once. */
struct fz_env {
	long page;
	int nr_cpus;
	char *anon;		/* FZ_ANON_PAGES populated anon pages */
	char *ro;		/* FZ_ANON_PAGES populated, then read-only */
	char *none;		/* FZ_ANON_PAGES PROT_NONE */
	unsigned long hole;	/* verified unmapped, and kept so */
	unsigned long mremap_to;	/* unmapped room for a scenario's mremap */
	unsigned long vvar;	/* [vvar]: VM_PFNMAP, no struct pages (0: none) */
	char *huge;		/* hugetlb, 4 MiB, or NULL */
	char *thp;		/* 2 MiB aligned, MADV_HUGEPAGE, 4 MiB */
	char *straddle;		/* 8 anon pages, then 8 shmem pages (two vmas) */
	char *straddle_hole;	/* 8 anon pages, an unmapped page, 8 anon pages */
	char *edge;		/* a page followed by an unmapped one */
	uint64_t *hist[4];	/* writable histograms (+ slack) */
	uint64_t *samples;	/* writable, a page */
	int bdev_rw, bdev_ro, bdev_wo;	/* null_blk three ways, or -1 */
	uint64_t bdev_bytes;
	int regfile, pipefd[2];
	char notes[512];	/* what could not be set up, and why */
};

/* Per-thread tallies, merged at the end. */
struct fz_counts {
	uint64_t calls;
	uint64_t by[OP_NR][FE_NR];
	uint64_t mm_ops, forks, reopens, strong;
};

static struct fz_env env;
static uint32_t forbid_mask;		/* --forbid: errnos treated as undocumented (a test hook) */
/*
 * In a child of fork() only async-signal-safe calls are allowed (another
 * thread may have held malloc's or problems_lock at the fork): it reports
 * through its exit status instead.
 */
static bool in_child;
static pthread_mutex_t problems_lock = PTHREAD_MUTEX_INITIALIZER;
static char *problems[MAX_PROBLEMS];
static uint64_t nr_problems;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (in_child)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&problems_lock);
	if (nr_problems < MAX_PROBLEMS)
		problems[nr_problems] = strdup(buf);
	nr_problems++;
	pthread_mutex_unlock(&problems_lock);
}

/* xorshift64*: small, fast and the same on every machine, so a seed replays. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t rnd_in(uint64_t *s, uint64_t lo, uint64_t hi)
{
	return lo + rnd(s) % (hi - lo + 1);
}

static int call(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static bool documented(enum fz_op op, enum fz_errno e)
{
	return (fz_ops[op].documented & ~forbid_mask) & (1u << e);
}

/* Count an answer and judge it; false (and a problem) if it breaks the rules. */
static bool judge(struct fz_counts *k, enum fz_op op, int err, const struct fz_case *c, const char *what)
{
	enum fz_errno e = fz_errno_class(err);
	bool ok = documented(op, e);

	k->calls++;
	k->by[op][e]++;
	if (ok && c) {
		switch (c->expect) {
		case EXPECT_OK:
			ok = e == FE_OK;
			break;
		case EXPECT_FAIL:
			ok = e != FE_OK;
			break;
		case EXPECT_EXACT:
			ok = e == c->exact;
			break;
		}
	}
	if (!ok) {
		const char *want = !c || c->expect == EXPECT_ANY ? "a documented errno" :
				   c->expect == EXPECT_OK ? "success" :
				   c->expect == EXPECT_FAIL ? "a documented refusal" : fz_errno_name(c->exact);

		problem("%s: %s: answered %s (%s), expected %s", fz_ops[op].name, what,
			e == FE_OK ? "success" : fz_errno_name(e), err ? strerror(err) : "0", want);
	}
	return ok;
}

static int module_info(int fd, struct pinbench_info *info)
{
	memset(info, 0, sizeof(*info));
	info->abi_version = PINBENCH_ABI_VERSION;
	return call(fd, PINBENCH_IOC_INFO, info);
}

/* Does the module hold anything (open_files aside)? Describes it into buf. */
static bool module_holds(int fd, char *buf, size_t len)
{
	struct pinbench_info m;
	int err = module_info(fd, &m);

	if (err) {
		snprintf(buf, len, "INFO failed: %s", strerror(err));
		return true;
	}
	snprintf(buf, len, "%llu pages held, %llu registrations, %llu tracking objects, %llu notifiers",
		 (unsigned long long)m.pages_held, (unsigned long long)m.registrations,
		 (unsigned long long)m.tracking_objects, (unsigned long long)m.notifiers);
	return m.pages_held || m.registrations || m.tracking_objects || m.notifiers;
}

/* --- the environment ---------------------------------------------------- */

static char *map(size_t pages, int prot, int flags, int fd)
{
	char *p = mmap(NULL, pages * env.page, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		pb_die("mmap %zu pages: %s", pages, strerror(errno));
	return p;
}

static bool unmapped(unsigned long addr)
{
	unsigned char v;

	return mincore((void *)addr, env.page, &v) < 0 && errno == ENOMEM;
}

static unsigned long find_vvar(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long lo = 0;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[vvar]") && sscanf(line, "%lx-", &lo) == 1)
			break;
	if (f)
		fclose(f);
	return lo;
}

#define FAR_AREA	0x200000000000ul	/* 32 TiB: far below mmap_base, above ASan's shadow */
#define FAR_PAGES	256

/* pages read-write pages at page index idx of the far area (MAP_FIXED_NOREPLACE). */
static char *map_far(unsigned long idx, size_t pages)
{
	char *want = (char *)(FAR_AREA + idx * env.page);
	char *p = mmap(want, pages * env.page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != want)
		pb_die("cannot map the far area at %p: %s", (void *)want, strerror(errno));
	return p;
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	size_t n = strlen(env.notes);
	va_list ap;

	if (n && n < sizeof(env.notes) - 2) {
		env.notes[n++] = ';';
		env.notes[n++] = ' ';
		env.notes[n] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(env.notes + n, sizeof(env.notes) - n, fmt, ap);
	va_end(ap);
}

/* A 2 MiB-aligned region of len bytes, reserved PROT_NONE. */
static char *reserve_aligned(size_t len)
{
	size_t align = 2ul << 20;
	char *p = map((len + align) / env.page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	char *a = (char *)(((uintptr_t)p + align - 1) & ~(align - 1));

	if (a > p)
		munmap(p, a - p);
	munmap(a + len, p + len + align - (a + len));
	return a;
}

static char *map_hugetlb(void)
{
	char *have = pb_read_first_line("/proc/sys/vm/nr_hugepages");
	FILE *f;
	char *p;

	/* Root in the guest: 2 MiB pages for env.huge and the big random slot, never fewer than set. */
	if (!have || atoi(have) < 6) {
		f = fopen("/proc/sys/vm/nr_hugepages", "w");
		if (f) {
			fputs("6\n", f);
			fclose(f);
		}
	}
	free(have);
	p = mmap(NULL, 4ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED) {
		note("no hugetlb pages (%s): hugetlb cases skipped", strerror(errno));
		return NULL;
	}
	memset(p, 1, 4ul << 20);
	return p;
}

static void env_setup(void)
{
	char dev[128], err[256];
	int memfd;

	env.page = sysconf(_SC_PAGESIZE);
	env.nr_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	env.anon = map(FZ_ANON_PAGES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	/* Never mapped huge: PINBENCH_IOC_PTE_CENSUS takes only such a range. */
	madvise(env.anon, FZ_ANON_PAGES * env.page, MADV_NOHUGEPAGE);
	memset(env.anon, 1, FZ_ANON_PAGES * env.page);
	env.ro = map(FZ_ANON_PAGES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(env.ro, 1, FZ_ANON_PAGES * env.page);
	mprotect(env.ro, FZ_ANON_PAGES * env.page, PROT_READ);
	env.none = map(FZ_ANON_PAGES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	/*
	 * Holes must stay holes: mmap(NULL) fills any gap it finds, and a
	 * request copied "next to an unmapped page" would then land in
	 * whatever was put there (it was ld.so's data, once). So everything
	 * with a hole in it lives far below where mmap() places things.
	 */
	env.hole = FAR_AREA;
	for (unsigned long a = FAR_AREA; a < FAR_AREA + FAR_PAGES * env.page; a += env.page)
		if (!unmapped(a))
			pb_die("0x%lx is mapped: the fuzzer's far area is not free", a);
	env.mremap_to = FAR_AREA + 128 * env.page;
	env.vvar = find_vvar();
	if (!env.vvar)
		note("no [vvar] mapping: its case skipped");
	env.huge = map_hugetlb();
	env.thp = reserve_aligned(4ul << 20);
	if (mmap(env.thp, 4ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	    MAP_FAILED)
		pb_die("THP region: %s", strerror(errno));
	madvise(env.thp, 4ul << 20, MADV_HUGEPAGE);
	memset(env.thp, 1, 4ul << 20);

	env.straddle = map(16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memfd = memfd_create("pinbench-fuzz-straddle", 0);
	if (memfd < 0 || ftruncate(memfd, 8 * env.page) ||
	    mmap(env.straddle + 8 * env.page, 8 * env.page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 memfd, 0) == MAP_FAILED)
		pb_die("straddle mapping: %s", strerror(errno));
	close(memfd);
	memset(env.straddle, 1, 16 * env.page);
	env.straddle_hole = map_far(16, 17);
	memset(env.straddle_hole, 1, 17 * env.page);
	munmap(env.straddle_hole + 8 * env.page, env.page);
	env.edge = map_far(64, 1);	/* the page after it stays unmapped */

	for (int i = 0; i < 4; i++)
		env.hist[i] = (uint64_t *)map((PINBENCH_HIST_BUCKETS * 8 + 64 + env.page - 1) / env.page,
					      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	env.samples = (uint64_t *)map(1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	env.bdev_rw = env.bdev_ro = env.bdev_wo = -1;
	if (pb_nullb_get(PB_NULLB_INLINE, 0, 16, dev, sizeof(dev), err, sizeof(err)) < 0) {
		note("no null_blk (%s): small_dio cases skipped", err);
	} else {
		env.bdev_rw = open(dev, O_RDWR);
		env.bdev_ro = open(dev, O_RDONLY);
		env.bdev_wo = open(dev, O_WRONLY);
		env.bdev_bytes = 16ull << 20;
		if (env.bdev_rw < 0 || env.bdev_ro < 0 || env.bdev_wo < 0)
			pb_die("open %s: %s", dev, strerror(errno));
	}
	env.regfile = open("/proc/self/status", O_RDONLY);
	if (env.regfile < 0 || pipe(env.pipefd))
		pb_die("fds: %s", strerror(errno));
}

/* --- good requests -------------------------------------------------------- */

/* A request the module must accept: small, fast, on env.anon. */
static void good_request(enum fz_op op, uint32_t strategy, uint32_t id, union fz_req *r)
{
	memset(r, 0, sizeof(*r));
	r->info.abi_version = PINBENCH_ABI_VERSION;	/* first in every request */
	switch (op) {
	case OP_GUP_FAST:
		r->gup.strategy = strategy;
		r->gup.flags = PINBENCH_PIN_WRITE;
		r->gup.pages_per_call = 4;
		r->gup.addr = (uintptr_t)env.anon;
		r->gup.nr_pages = FZ_GOOD_PAGES;
		r->gup.rounds = 1;
		r->gup.acquire_hist = (uintptr_t)env.hist[0];
		r->gup.release_hist = (uintptr_t)env.hist[1];
		r->gup.hist_buckets = PINBENCH_HIST_BUCKETS;
		r->gup.registration = PINBENCH_REG_PER_IO;
		break;
	case OP_DEV_REGISTER:
		r->reg.strategy = strategy;
		r->reg.flags = PINBENCH_PIN_WRITE;
		r->reg.registration = PINBENCH_REG_PER_IO;
		r->reg.addr = (uintptr_t)env.anon;
		r->reg.nr_pages = FZ_GOOD_PAGES;
		r->reg.pages_per_call = 4;
		break;
	case OP_DEV_START:
		r->start.buffer_id = id;
		r->start.engine = PINBENCH_ENGINE_HRTIMER;
		r->start.direction = PINBENCH_DMA_WRITE;
		r->start.rate_hz = 10000;
		r->start.burst = 4;
		r->start.max_records = 64;
		break;
	case OP_DEV_STOP:
		r->stats.buffer_id = id;
		break;
	case OP_DEV_UNREGISTER:
		r->stats.buffer_id = id;
		r->stats.release_ctx = PINBENCH_CTX_PROCESS;
		break;
	case OP_SMALL_DIO:
		r->dio.strategy = strategy;
		r->dio.registration = PINBENCH_REG_PER_IO;
		r->dio.bdev_fd = env.bdev_rw;
		r->dio.direction = PINBENCH_DMA_READ;
		r->dio.block_size = 4096;
		r->dio.queue_depth = 2;
		r->dio.addr = (uintptr_t)env.anon;
		r->dio.ios = 4;
		r->dio.dev_span = 1 << 20;
		r->dio.latency_hist = (uintptr_t)env.hist[0];
		r->dio.acquire_hist = (uintptr_t)env.hist[1];
		r->dio.release_hist = (uintptr_t)env.hist[2];
		r->dio.residency_hist = (uintptr_t)env.hist[3];
		r->dio.slot_seqs = (uintptr_t)env.samples;
		r->dio.hist_buckets = PINBENCH_HIST_BUCKETS;
		break;
	case OP_IRQ_COMPLETION:
		r->irq.strategy = strategy;
		r->irq.registration = PINBENCH_REG_PER_IO;
		r->irq.context = PINBENCH_CTX_HARDIRQ;
		r->irq.direction = PINBENCH_DMA_WRITE;
		r->irq.pages_per_io = 2;
		r->irq.queue_depth = 2;
		r->irq.addr = (uintptr_t)env.anon;
		r->irq.rate_hz = 20000;
		r->irq.coalesce = 1;
		r->irq.max_backlog = 8;
		r->irq.cpu = PINBENCH_CPU_ANY_OTHER;
		r->irq.duration_ns = 1000000;
		r->irq.handler_hist = (uintptr_t)env.hist[0];
		r->irq.release_hist = (uintptr_t)env.hist[1];
		r->irq.residency_hist = (uintptr_t)env.hist[2];
		r->irq.done_hist = (uintptr_t)env.hist[3];
		r->irq.backlog_samples = (uintptr_t)env.samples;
		r->irq.hist_buckets = PINBENCH_HIST_BUCKETS;
		break;
	case OP_STRATEGY:
		r->strat.id = strategy;
		break;
	case OP_PIN_COUNT:
		r->pc.mode = PINBENCH_PC_PIN;
		r->pc.refs = 4;
		r->pc.addr = (uintptr_t)env.anon;
		break;
	case OP_PTE_CENSUS:
		r->census.addr = (uintptr_t)env.anon;
		r->census.nr_pages = FZ_GOOD_PAGES;
		break;
	case OP_NOOP:
		r->noop.calls = 4;
		r->noop.hist = (uintptr_t)env.hist[0];
		r->noop.hist_buckets = PINBENCH_HIST_BUCKETS;
		break;
	default:
		break;
	}
}

static void set_field(union fz_req *r, const struct fz_field *f, uint64_t v)
{
	uint8_t *p = r->bytes + f->off;

	if (f->size == 4) {
		uint32_t x = (uint32_t)v;

		memcpy(p, &x, 4);
	} else if (f->size == 8) {
		memcpy(p, &v, 8);
	} else if (f->cls == FC_OUT) {
		memset(p, (int)(v & 0xff) | 1, f->size);
	} else {
		memcpy(p + f->size - 8, &v, 8);	/* an array's last element */
	}
}

static bool needs_buffer(enum fz_op op)
{
	return op == OP_DEV_START || op == OP_DEV_STOP || op == OP_DEV_UNREGISTER;
}

static int register_buffer(int fd, uint32_t strategy, void *addr, unsigned int pages, uint32_t *id)
{
	union fz_req r;
	int err;

	good_request(OP_DEV_REGISTER, strategy, 0, &r);
	r.reg.addr = (uintptr_t)addr;
	r.reg.nr_pages = pages;
	r.reg.pages_per_call = pages < 4 ? pages : 4;
	err = call(fd, PINBENCH_IOC_DEV_REGISTER, &r.reg);
	*id = err ? 0 : r.reg.buffer_id;
	return err;
}

static int unregister_buffer(int fd, uint32_t id)
{
	union fz_req r;

	good_request(OP_DEV_UNREGISTER, 0, id, &r);
	return call(fd, PINBENCH_IOC_DEV_UNREGISTER, &r.stats);
}

/* --- phase 1: structured ------------------------------------------------- */

#define C(v_, x_, e_, l_) ((struct fz_case){ .v = (v_), .expect = (x_), .exact = (e_), .label = (l_) })

/* The values tried for field f of op; returns how many. */
static size_t field_cases(enum fz_op op, const struct fz_field *f, struct fz_case *c)
{
	uint64_t all = f->size == 4 ? 0xffffffffull : ~0ull, top = f->size == 4 ? 0x80000000ull : 1ull << 63;
	size_t n = 0;

	switch (f->cls) {
	case FC_ABI:
		c[n++] = C(0, EXPECT_EXACT, FE_EPROTO, "0");
		c[n++] = C(PINBENCH_ABI_VERSION - 1, EXPECT_EXACT, FE_EPROTO, "older");
		c[n++] = C(PINBENCH_ABI_VERSION + 1, EXPECT_EXACT, FE_EPROTO, "newer");
		c[n++] = C(0x80000000u | PINBENCH_ABI_VERSION, EXPECT_EXACT, FE_EPROTO, "high bit");
		c[n++] = C(all, EXPECT_EXACT, FE_EPROTO, "all ones");
		break;
	case FC_RESERVED:
		c[n++] = C(1, EXPECT_EXACT, FE_EINVAL, "1");
		c[n++] = C(top, EXPECT_EXACT, FE_EINVAL, "top bit");
		c[n++] = C(all, EXPECT_EXACT, FE_EINVAL, "all ones");
		break;
	case FC_OUT:
		c[n++] = C(0xa5a5a5a5a5a5a5a5ull, EXPECT_OK, 0, "garbage");
		c[n++] = C(all, EXPECT_OK, 0, "all ones");
		break;
	case FC_ENUM:
		c[n++] = C(0, EXPECT_EXACT, FE_EINVAL, "0 (unset)");
		c[n++] = C(f->max + 1, EXPECT_EXACT, FE_EINVAL, "max+1");
		c[n++] = C(f->max + 2, EXPECT_EXACT, FE_EINVAL, "max+2");
		c[n++] = C(top, EXPECT_EXACT, FE_EINVAL, "top bit");
		c[n++] = C(all, EXPECT_EXACT, FE_EINVAL, "all ones");
		for (uint64_t v = 1; v <= f->max && n < 16; v++)
			c[n++] = C(v, EXPECT_ANY, 0, "a valid value");
		break;
	case FC_FLAGS:
		for (unsigned int b = 0; b < 32; b++)
			if (!(f->max & (1ull << b)) && (b < 8 || b == 15 || b == 16 || b == 31))
				c[n++] = C(1ull << b, EXPECT_EXACT, FE_EINVAL, "an unknown bit");
		c[n++] = C(all, EXPECT_EXACT, FE_EINVAL, "all ones");
		for (uint64_t v = 0; v <= f->max && n < 28; v++)
			if (!(v & ~f->max))
				c[n++] = C(v, EXPECT_ANY, 0, "known bits");
		break;
	case FC_COUNT:
		c[n++] = f->zero_ok ? C(0, EXPECT_ANY, 0, "0") : C(0, EXPECT_EXACT, FE_EINVAL, "0");
		c[n++] = C(1, EXPECT_ANY, 0, "1");
		c[n++] = C(2, EXPECT_ANY, 0, "2");
		if (!f->costly)
			c[n++] = C(f->max, EXPECT_ANY, 0, "the limit");
		c[n++] = C(f->max + 1, EXPECT_EXACT, FE_E2BIG, "limit+1");
		if (f->size == 8 && f->max < (1ull << 32))
			c[n++] = C(1ull << 32, EXPECT_EXACT, FE_E2BIG, "2^32");
		c[n++] = C(top, EXPECT_EXACT, FE_E2BIG, "top bit");
		c[n++] = C(all, EXPECT_EXACT, FE_E2BIG, "all ones");
		break;
	case FC_ADDR:
		c[n++] = C(0, EXPECT_FAIL, 0, "NULL");
		c[n++] = C((uintptr_t)env.anon + 1, EXPECT_FAIL, 0, "unaligned");
		c[n++] = C(0xffff888000000000ull, EXPECT_FAIL, 0, "kernel (direct map)");
		c[n++] = C(0xffffffffff600000ull, EXPECT_FAIL, 0, "kernel (vsyscall page)");
		c[n++] = C(0x0000800000000000ull, EXPECT_FAIL, 0, "first non-canonical");
		c[n++] = C(0x8000000000000000ull, EXPECT_FAIL, 0, "non-canonical");
		c[n++] = C(0x00007ffffffff000ull, EXPECT_FAIL, 0, "last user page (range crosses TASK_SIZE)");
		c[n++] = C(-(uint64_t)env.page, EXPECT_FAIL, 0, "wraps around");
		c[n++] = C(env.hole, EXPECT_FAIL, 0, "unmapped");
		c[n++] = C((uintptr_t)env.none, EXPECT_FAIL, 0, "PROT_NONE");
		c[n++] = C((uintptr_t)env.ro, EXPECT_ANY, 0, "read-only");
		if (env.vvar)
			c[n++] = C(env.vvar, EXPECT_FAIL, 0, "[vvar] (VM_PFNMAP)");
		if (env.huge)
			c[n++] = C((uintptr_t)env.huge, EXPECT_ANY, 0, "hugetlb");
		c[n++] = C((uintptr_t)env.thp, EXPECT_ANY, 0, "THP");
		c[n++] = C((uintptr_t)env.straddle + 7 * env.page, EXPECT_ANY, 0, "across anon and shmem vmas");
		/*
		 * small_dio pins a slot only when it submits to it: on an
		 * inline device every I/O completes in submit_bio() and slot 0
		 * is the only one used, so a hole in slot 1 may never be met.
		 */
		c[n++] = C((uintptr_t)env.straddle_hole + 7 * env.page,
			   op == OP_SMALL_DIO || op == OP_PIN_COUNT ? EXPECT_ANY : EXPECT_FAIL, 0,
			   "across a hole");	/* pin_count takes one page: it may miss it */
		break;
	case FC_UPTR:
		c[n++] = C(0, EXPECT_OK, 0, "none");
		c[n++] = C((uintptr_t)env.hist[3] + 1, EXPECT_OK, 0, "unaligned");
		c[n++] = C(0xffff888000000000ull, EXPECT_FAIL, 0, "kernel");
		c[n++] = C(0x8000000000000000ull, EXPECT_FAIL, 0, "non-canonical");
		c[n++] = C((uintptr_t)env.ro, EXPECT_FAIL, 0, "read-only");
		c[n++] = C((uintptr_t)env.none, EXPECT_FAIL, 0, "PROT_NONE");
		c[n++] = C((uintptr_t)env.edge + env.page - 8, EXPECT_FAIL, 0, "runs into an unmapped page");
		break;
	case FC_FD:
		c[n++] = C((uint32_t)-1, EXPECT_EXACT, FE_EBADF, "-1");
		c[n++] = C(1 << 30, EXPECT_EXACT, FE_EBADF, "not open");
		c[n++] = C((uint32_t)INT_MIN, EXPECT_EXACT, FE_EBADF, "INT_MIN");
		c[n++] = C((uint32_t)env.regfile, EXPECT_EXACT, FE_ENOTBLK, "a regular file");
		c[n++] = C((uint32_t)env.pipefd[0], EXPECT_EXACT, FE_ENOTBLK, "a pipe");
		if (env.bdev_wo >= 0) {
			c[n++] = C((uint32_t)env.bdev_wo, EXPECT_EXACT, FE_EBADF, "block device, write-only, for a read");
			c[n++] = C((uint32_t)env.bdev_ro, EXPECT_OK, 0, "block device, read-only, for a read");
		}
		break;
	case FC_ID:
		c[n++] = C(0, EXPECT_EXACT, FE_ENOENT, "0");
		c[n++] = C(2, EXPECT_EXACT, FE_ENOENT, "not registered");
		c[n++] = C(PINBENCH_MAX_DEV_BUFFERS + 1, EXPECT_EXACT, FE_ENOENT, "above the limit");
		c[n++] = C(all, EXPECT_EXACT, FE_ENOENT, "all ones");
		break;
	case FC_CPU:
		c[n++] = C(0, EXPECT_OK, 0, "CPU 0");
		c[n++] = C((uint32_t)(env.nr_cpus - 1), EXPECT_OK, 0, "the last CPU");
		c[n++] = C(4096, EXPECT_EXACT, FE_ENODEV, "no such CPU");
		c[n++] = C((uint32_t)-2, EXPECT_EXACT, FE_EINVAL, "-2");
		c[n++] = C((uint32_t)INT_MIN, EXPECT_EXACT, FE_EINVAL, "INT_MIN");
		break;
	case FC_FREE:
		c[n++] = C(0, EXPECT_ANY, 0, "0");
		c[n++] = C(1, EXPECT_ANY, 0, "1");
		c[n++] = C(top, EXPECT_ANY, 0, "top bit");
		c[n++] = C(all, EXPECT_ANY, 0, "all ones");
		break;
	}
	return n;
}

/* Where a request itself may be put: each must be refused, or work as with a good pointer. */
enum arg_kind { ARG_GOOD, ARG_NULL, ARG_KERNEL, ARG_NONCANON, ARG_NONE, ARG_EDGE, ARG_RO, ARG_NR };
static const char *const arg_names[ARG_NR] = {
	"good", "request at NULL", "request at a kernel address", "request at a non-canonical address",
	"request in PROT_NONE memory", "request running into an unmapped page", "request in read-only memory",
};

/* The request as the module will see it, at the place asked for; NULL-ish for bad ones. */
static void *place_request(enum arg_kind k, const union fz_req *r, size_t size, char *ro_page)
{
	switch (k) {
	case ARG_NULL:
		return NULL;
	case ARG_KERNEL:
		return (void *)0xffff888000000000ul;
	case ARG_NONCANON:
		return (void *)0x8000000000000000ul;
	case ARG_NONE:
		return env.none;
	case ARG_EDGE:
		memcpy(env.edge + env.page - size / 2, r, size / 2);
		return env.edge + env.page - size / 2;
	case ARG_RO:
		mprotect(ro_page, env.page, PROT_READ | PROT_WRITE);
		memcpy(ro_page, r, size);
		mprotect(ro_page, env.page, PROT_READ);
		return ro_page;
	default:
		return (void *)r;
	}
}

struct fz_structured {
	int fd;
	struct fz_counts k;
	uint64_t cases, unexpected_before;
	char *ro_page;
};

/* Give back what a PINBENCH_PC_HOLD request left held by the file. */
static void release_pin_count(int fd)
{
	struct pinbench_pin_count pc = { .abi_version = PINBENCH_ABI_VERSION };

	if (ioctl(fd, PINBENCH_IOC_PIN_COUNT, &pc))
		problem("PIN_COUNT: giving back what was held: %s", strerror(errno));
}

/* One case: a good request with field f set to c (or f NULL: the request placed at arg). */
static void structured_case(struct fz_structured *s, enum fz_op op, uint32_t strategy,
			    const struct fz_field *f, const struct fz_case *c, enum arg_kind ak)
{
	const struct fz_op_desc *d = &fz_ops[op];
	struct fz_case expect = { .expect = EXPECT_ANY };
	char what[256], held[256];
	union fz_req r;
	uint32_t id = 0;
	void *arg;
	int err;

	if (needs_buffer(op)) {
		err = register_buffer(s->fd, strategy, env.anon, FZ_GOOD_PAGES, &id);
		if (err) {
			problem("%s: cannot register a buffer for strategy %u: %s", d->name, strategy,
				strerror(err));
			return;
		}
	}
	good_request(op, strategy, id, &r);
	if (f) {
		set_field(&r, f, c->v);
		expect = *c;
		snprintf(what, sizeof(what), "strategy %u, %s = %s (0x%llx)", strategy, f->name, c->label,
			 (unsigned long long)c->v);
	} else {
		/* A request that cannot be read is EFAULT; one that cannot be written back too. */
		if (ak == ARG_GOOD)
			expect = (struct fz_case){ .expect = EXPECT_OK };
		else if (ak == ARG_RO && !d->copies_back)
			expect = (struct fz_case){ .expect = EXPECT_OK };
		else
			expect = (struct fz_case){ .expect = EXPECT_EXACT, .exact = FE_EFAULT };
		snprintf(what, sizeof(what), "strategy %u, %s", strategy, arg_names[ak]);
	}
	arg = place_request(ak, &r, d->size, s->ro_page);
	err = call(s->fd, d->cmd, arg);
	s->cases++;
	judge(&s->k, op, err, &expect, what);

	/* Undo what a success did, as a careful caller would. */
	if (op == OP_DEV_REGISTER && !err && arg)
		unregister_buffer(s->fd, ((struct pinbench_dev_register *)arg)->buffer_id);
	if (op == OP_PIN_COUNT && !err)
		release_pin_count(s->fd);
	if (id)
		unregister_buffer(s->fd, id);
	if (module_holds(s->fd, held, sizeof(held)))
		problem("%s: %s: the module still holds state afterwards: %s", d->name, what, held);
}

/* Commands the module must not know: ENOTTY, whatever the bytes behind them. */
/* The first command number past every ioctl the module has. */
static unsigned int first_unused_nr(void)
{
	unsigned int nr = 0;

	for (int op = OP_INFO; op < OP_UNKNOWN; op++)
		if (_IOC_NR(fz_ops[op].cmd) >= nr)
			nr = _IOC_NR(fz_ops[op].cmd) + 1;
	return nr;
}

static void unknown_commands(struct fz_structured *s)
{
	const struct fz_case enotty = { .expect = EXPECT_EXACT, .exact = FE_ENOTTY };
	unsigned long cmds[8 + 5 * OP_UNKNOWN];
	union fz_req r;
	size_t n = 0;
	char what[96];

	cmds[n++] = 0;
	cmds[n++] = 0xffffffffu;
	cmds[n++] = 0x5401;	/* TCGETS */
	cmds[n++] = _IO(PINBENCH_IOC_MAGIC, 0);
	cmds[n++] = _IOWR(PINBENCH_IOC_MAGIC, 0, struct pinbench_info);
	cmds[n++] = _IOWR(PINBENCH_IOC_MAGIC, first_unused_nr(), struct pinbench_info);
	cmds[n++] = _IOWR(PINBENCH_IOC_MAGIC, 255, struct pinbench_info);
	cmds[n++] = _IOC(_IOC_READ | _IOC_WRITE, PINBENCH_IOC_MAGIC, 2, _IOC_SIZEMASK);
	for (int op = OP_INFO; op < OP_UNKNOWN; op++) {
		unsigned long c = fz_ops[op].cmd;
		unsigned int nr = _IOC_NR(c), size = _IOC_SIZE(c);

		/* The right number with the wrong size or direction is another command. */
		cmds[n++] = _IOC(_IOC_DIR(c), PINBENCH_IOC_MAGIC, nr, size + 8);
		cmds[n++] = _IOC(_IOC_DIR(c), PINBENCH_IOC_MAGIC, nr, size - 8);
		cmds[n++] = _IOC(_IOC_NONE, PINBENCH_IOC_MAGIC, nr, 0);
		cmds[n++] = _IOC(_IOC_DIR(c) ^ _IOC_READ, PINBENCH_IOC_MAGIC, nr, size);
		cmds[n++] = _IOC(_IOC_DIR(c), PINBENCH_IOC_MAGIC + 1, nr, size);
	}
	good_request(OP_INFO, 0, 0, &r);
	for (size_t i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "command 0x%lx", cmds[i]);
		judge(&s->k, OP_UNKNOWN, call(s->fd, cmds[i], &r), &enotty, what);
		s->cases++;
	}
}

/* What strategy id is (PINBENCH_PROP_*), as the module says; 0 if it cannot say. */
static uint32_t strategy_props(int fd, uint32_t id)
{
	struct pinbench_strategy_info si = { .abi_version = PINBENCH_ABI_VERSION, .id = id };

	return ioctl(fd, PINBENCH_IOC_STRATEGY, &si) ? 0 : si.props;
}

/*
 * An op a strategy cannot do at all, whatever the rest of the request:
 * small_dio with a strategy that holds no page (a bio needs its pages
 * held). One case says it is refused with EOPNOTSUPP; the field cases,
 * which expect a good request to succeed, are for the others.
 */
static bool strategy_refuses_op(int fd, enum fz_op op, uint32_t strategy)
{
	return op == OP_SMALL_DIO && (strategy_props(fd, strategy) & PINBENCH_PROP_DEVICE_FAULTS);
}

static void refused_op_case(struct fz_structured *s, enum fz_op op, uint32_t strategy)
{
	const struct fz_case eopnotsupp = { .expect = EXPECT_EXACT, .exact = FE_EOPNOTSUPP };
	union fz_req r;
	char what[96];

	good_request(op, strategy, 0, &r);
	snprintf(what, sizeof(what), "strategy %u (holds no page), good otherwise", strategy);
	judge(&s->k, op, call(s->fd, fz_ops[op].cmd, &r), &eopnotsupp, what);
	s->cases++;
}

static void phase_structured(struct fz_counts *total, uint64_t *cases)
{
	struct fz_structured s = { 0 };
	struct fz_case c[40];

	s.fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
	if (s.fd < 0)
		pb_die("open /dev/pinbench: %s", strerror(errno));
	s.ro_page = map(1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	unknown_commands(&s);
	for (int op = OP_INFO; op < OP_UNKNOWN; op++) {
		const struct fz_op_desc *d = &fz_ops[op];
		/* Requests that name no strategy are tried once. */
		uint32_t first = 1, last = op == OP_INFO || op == OP_NOOP || op == OP_PIN_COUNT ||
					     op == OP_PTE_CENSUS ?
					     1 : PINBENCH_STRATEGY_NR - 1;

		if (op == OP_SMALL_DIO && env.bdev_rw < 0)
			continue;
		for (uint32_t strategy = first; strategy <= last; strategy++) {
			if (strategy_refuses_op(s.fd, op, strategy)) {
				refused_op_case(&s, op, strategy);
				continue;
			}
			for (int ak = ARG_GOOD; ak < ARG_NR; ak++)
				structured_case(&s, op, strategy, NULL, NULL, ak);
			for (size_t fi = 0; fi < d->nr_fields; fi++) {
				size_t n = field_cases(op, &d->fields[fi], c);

				for (size_t i = 0; i < n; i++)
					structured_case(&s, op, strategy, &d->fields[fi], &c[i], ARG_GOOD);
			}
		}
	}
	close(s.fd);
	munmap(s.ro_page, env.page);
	*total = s.k;
	*cases = s.cases;
}

/* --- phase 2: scenarios ---------------------------------------------------- */

struct fz_scenario {
	const char *name;
	bool pass;
	char detail[384];
};

#define MAX_SCENARIOS 48
static struct fz_scenario scenarios[MAX_SCENARIOS];
static size_t nr_scenarios;

static struct fz_scenario *scenario(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct fz_scenario *scenario(const char *fmt, ...)
{
	struct fz_scenario *sc = &scenarios[nr_scenarios < MAX_SCENARIOS ? nr_scenarios++ : MAX_SCENARIOS - 1];
	static char names[MAX_SCENARIOS][96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(names[sc - scenarios], sizeof(names[0]), fmt, ap);
	va_end(ap);
	sc->name = names[sc - scenarios];
	sc->pass = true;
	sc->detail[0] = '\0';
	return sc;
}

static void sc_fail(struct fz_scenario *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sc_fail(struct fz_scenario *sc, const char *fmt, ...)
{
	size_t n = strlen(sc->detail);
	va_list ap;

	sc->pass = false;
	va_start(ap, fmt);
	vsnprintf(sc->detail + n, sizeof(sc->detail) - n, fmt, ap);
	va_end(ap);
	problem("scenario %s: %s", sc->name, sc->detail);
}

static int start_engine(int fd, uint32_t id, uint32_t engine)
{
	union fz_req r;

	good_request(OP_DEV_START, 0, id, &r);
	r.start.engine = engine;
	r.start.max_records = 0;	/* until stopped */
	return call(fd, PINBENCH_IOC_DEV_START, &r.start);
}

/* Close fd; the module must then hold nothing (other files aside). */
static void close_and_check(struct fz_scenario *sc, int fd)
{
	char held[256];
	int probe;

	close(fd);
	probe = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
	if (probe < 0 || module_holds(probe, held, sizeof(held)))
		sc_fail(sc, "after close: %s", probe < 0 ? strerror(errno) : held);
	if (probe >= 0)
		close(probe);
}

enum mm_event { EV_MUNMAP, EV_MREMAP, EV_TRUNCATE, EV_NR };
static const char *const mm_event_names[EV_NR] = { "munmap", "mremap", "truncate" };

/* A buffer the device writes into when ev happens to its memory: the unregister must still work. */
static void sc_mm_event(uint32_t strategy, enum mm_event ev)
{
	struct fz_scenario *sc = scenario("%s under DMA, strategy %u", mm_event_names[ev], strategy);
	const unsigned int pages = 16;
	int fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC), memfd = -1, err;
	size_t len = pages * env.page;
	char *buf, *moved = NULL;
	uint32_t id;

	if (ev == EV_TRUNCATE) {
		memfd = memfd_create("pinbench-fuzz-truncate", 0);
		if (memfd < 0 || ftruncate(memfd, (off_t)len))
			pb_die("memfd: %s", strerror(errno));
		buf = map(pages, PROT_READ | PROT_WRITE, MAP_SHARED, memfd);
	} else {
		buf = map(pages, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	}
	memset(buf, 1, len);
	err = register_buffer(fd, strategy, buf, pages, &id);
	if (!err)
		err = start_engine(fd, id, strategy & 1 ? PINBENCH_ENGINE_KTHREAD : PINBENCH_ENGINE_HRTIMER);
	if (err) {
		sc_fail(sc, "register and start: %s", strerror(err));
	} else {
		usleep(2000);
		if (ev == EV_MUNMAP) {
			munmap(buf, len);
			buf = NULL;
		} else if (ev == EV_MREMAP) {
			moved = mremap(buf, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, env.mremap_to);
			if (moved == MAP_FAILED)
				sc_fail(sc, "mremap: %s", strerror(errno));
			else
				buf = NULL;
		} else if (ftruncate(memfd, 0)) {
			sc_fail(sc, "ftruncate: %s", strerror(errno));
		}
		usleep(2000);
		err = unregister_buffer(fd, id);
		if (err)
			sc_fail(sc, "unregister: %s", strerror(err));
	}
	if (buf)
		munmap(buf, len);
	if (moved && moved != MAP_FAILED)
		munmap(moved, len);
	if (memfd >= 0)
		close(memfd);
	close_and_check(sc, fd);
}

/*
 * fork() while registered. The child shares the file: it may not stop or
 * release the parent's buffer (EACCES), may register its own and exit
 * leaving it; the parent may not release the dead child's buffer either,
 * and closing the file gives everything back.
 */
static void sc_fork(uint32_t strategy)
{
	struct fz_scenario *sc = scenario("fork while registered, strategy %u", strategy);
	int fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC), err, status = 0;
	uint32_t id, child_id = 0;
	struct pinbench_info m;
	int pfd[2];
	pid_t pid;

	if (pipe(pfd))
		pb_die("pipe: %s", strerror(errno));
	err = register_buffer(fd, strategy, env.anon, FZ_GOOD_PAGES, &id);
	if (!err)
		err = start_engine(fd, id, PINBENCH_ENGINE_HRTIMER);
	if (err) {
		sc_fail(sc, "register and start: %s", strerror(err));
		close(fd);
		return;
	}
	pid = fork();
	if (pid == 0) {
		union fz_req r;
		uint32_t cid = 0;
		int bad = 0;

		good_request(OP_DEV_STOP, 0, id, &r);
		bad |= call(fd, PINBENCH_IOC_DEV_STOP, &r.stats) != EACCES;
		bad |= (unregister_buffer(fd, id) != EACCES) << 1;
		good_request(OP_GUP_FAST, strategy, 0, &r);
		bad |= (call(fd, PINBENCH_IOC_GUP_FAST, &r.gup) != 0) << 2;
		bad |= (register_buffer(fd, strategy, env.anon, FZ_GOOD_PAGES, &cid) != 0) << 3;
		bad |= (start_engine(fd, cid, PINBENCH_ENGINE_KTHREAD) != 0) << 4;
		if (write(pfd[1], &cid, sizeof(cid)) != sizeof(cid))
			bad |= 1 << 5;
		_exit(bad);
	}
	close(pfd[1]);
	if (read(pfd[0], &child_id, sizeof(child_id)) != sizeof(child_id))
		child_id = 0;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		sc_fail(sc, "child: status 0x%x (bits: 1 stop, 2 unregister not EACCES, 4 GUP_FAST, 8 register, 16 start) ",
			status);
	if (module_info(fd, &m) || m.registrations != 2)
		sc_fail(sc, "%llu registrations with the child gone, 2 expected; ",
			(unsigned long long)m.registrations);
	if (child_id && (err = unregister_buffer(fd, child_id)) != EACCES)
		sc_fail(sc, "the parent releasing the dead child's buffer: %s, EACCES expected; ",
			err ? strerror(err) : "success");
	if ((err = unregister_buffer(fd, id)))
		sc_fail(sc, "unregister the parent's own: %s; ", strerror(err));
	close_and_check(sc, fd);
}

static void sc_limits(void)
{
	struct fz_scenario *sc = scenario("65th buffer of a file, ids of another file");
	int fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC), other = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
	uint32_t id = 0, first = 0;
	unsigned int i;
	int err = 0;

	for (i = 0; i < PINBENCH_MAX_DEV_BUFFERS && !err; i++) {
		err = register_buffer(fd, PINBENCH_STRATEGY_PIN_COUNTER, env.anon + (i % 16) * env.page, 1, &id);
		if (!i)
			first = id;
	}
	if (err)
		sc_fail(sc, "buffer %u of %u: %s; ", i, PINBENCH_MAX_DEV_BUFFERS, strerror(err));
	err = register_buffer(fd, PINBENCH_STRATEGY_PIN_COUNTER, env.anon, 1, &id);
	if (err != ENOSPC)
		sc_fail(sc, "buffer %u: %s, ENOSPC expected; ", PINBENCH_MAX_DEV_BUFFERS + 1,
			err ? strerror(err) : "success");
	if ((err = unregister_buffer(other, first)) != ENOENT)
		sc_fail(sc, "another file's id: %s, ENOENT expected; ", err ? strerror(err) : "success");
	close(other);
	close_and_check(sc, fd);	/* 64 buffers released by close */
}

/* The module cannot go while a file is open and DMA runs; it keeps working. */
static void sc_unload_busy(void)
{
	struct fz_scenario *sc = scenario("module unload while a file is open and DMA runs");
	int fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC), err;
	struct pinbench_info m;
	uint32_t id;

	err = register_buffer(fd, PINBENCH_STRATEGY_NOTIFIER_REVOKE, env.anon, FZ_GOOD_PAGES, &id);
	if (!err)
		err = start_engine(fd, id, PINBENCH_ENGINE_KTHREAD);
	if (err) {
		sc_fail(sc, "register and start: %s", strerror(err));
	} else {
		/* O_NONBLOCK: never wait for the module to become free (and never force). */
		if (syscall(SYS_delete_module, "pinbench", O_NONBLOCK) == 0)
			sc_fail(sc, "delete_module succeeded with the file open; ");
		else if (errno != EWOULDBLOCK && errno != EBUSY)
			sc_fail(sc, "delete_module: %s, EWOULDBLOCK expected; ", strerror(errno));
		if (module_info(fd, &m) || m.registrations != 1)
			sc_fail(sc, "the module no longer answers as before; ");
		if ((err = unregister_buffer(fd, id)))
			sc_fail(sc, "unregister: %s; ", strerror(err));
	}
	close_and_check(sc, fd);
}

/* Every strategy on hugetlb and THP memory: GUP_FAST and a registered buffer. */
static void sc_huge(uint32_t strategy)
{
	char *const regions[] = { env.huge, env.thp };
	static const char *const names[] = { "hugetlb", "THP" };

	for (int i = 0; i < 2; i++) {
		struct fz_scenario *sc;
		union fz_req r;
		uint32_t id;
		int fd, err;

		if (!regions[i])
			continue;
		sc = scenario("%s: 1024 pages, strategy %u", names[i], strategy);
		fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
		good_request(OP_GUP_FAST, strategy, 0, &r);
		r.gup.addr = (uintptr_t)regions[i];
		r.gup.nr_pages = BIG_PAGES;
		r.gup.pages_per_call = 512;
		err = call(fd, PINBENCH_IOC_GUP_FAST, &r.gup);
		if (err)
			sc_fail(sc, "GUP_FAST: %s; ", strerror(err));
		else
			snprintf(sc->detail, sizeof(sc->detail), "GUP_FAST ok, %llu pages in PMD folios; ",
				 (unsigned long long)r.gup.huge_pages_seen);
		err = register_buffer(fd, strategy, regions[i], BIG_PAGES, &id);
		if (!err)
			err = start_engine(fd, id, PINBENCH_ENGINE_KTHREAD);
		if (!err) {
			usleep(2000);
			err = unregister_buffer(fd, id);
		}
		if (err)
			sc_fail(sc, "register, start, unregister: %s; ", strerror(err));
		close_and_check(sc, fd);
	}
}

static void phase_scenarios(void)
{
	for (uint32_t s = 1; s < PINBENCH_STRATEGY_NR; s++) {
		for (int ev = 0; ev < EV_NR; ev++)
			sc_mm_event(s, ev);
		sc_fork(s);
		sc_huge(s);
	}
	sc_limits();
	sc_unload_busy();
}

/* --- phase 3: random ------------------------------------------------------ */

enum slot_kind { K_ANON, K_SHMEM, K_PRIVFILE, K_RDONLY, K_NONE, K_NR };

struct fz_slot {
	pthread_mutex_t lock;	/* mm operations on the slot; ioctls race with them on purpose */
	char *addr;
	size_t pages;
	int memfd;		/* backs K_SHMEM and K_PRIVFILE */
	bool big;		/* 2 MiB aligned: THP, or hugetlb */
};

static struct fz_slot slots[NSLOTS + 1];
static char *slot_area;		/* each slot followed by a PROT_NONE gap of its size */
static int shared_fds[8];
static int nr_shared;
static _Atomic int64_t calls_left;

struct fz_thread {
	pthread_t tid;
	uint64_t seed;
	struct fz_counts k;
	int own_fd;
	struct { int fd; uint32_t id; } ids[MAX_OWN_IDS];
	int nr_ids;
	uint64_t *hist[4], *samples;
};

static void slot_remap(struct fz_slot *sl, int kind)
{
	size_t len = sl->pages * env.page;
	int prot = kind == K_NONE ? PROT_NONE : PROT_READ | PROT_WRITE;
	int flags = MAP_FIXED | (kind == K_SHMEM ? MAP_SHARED : MAP_PRIVATE);
	int fd = -1;
	char *p;

	if (kind == K_SHMEM || kind == K_PRIVFILE) {
		fd = sl->memfd;
		if (ftruncate(fd, (off_t)len))
			return;
	} else {
		flags |= MAP_ANONYMOUS;
	}
	if (sl->big && kind == K_PRIVFILE && env.huge)	/* the big slot's third kind: hugetlb */
		flags = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, fd = -1;
	p = mmap(sl->addr, len, prot, flags, fd, 0);
	if (p == MAP_FAILED) {
		/* No huge page free, say: never leave a hole for mmap(NULL) to fill. */
		mmap(sl->addr, len, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		return;
	}
	if (sl->big && kind == K_ANON)
		madvise(p, len, MADV_HUGEPAGE);
	if (prot != PROT_NONE)
		memset(p, 1, len);
	if (kind == K_RDONLY)
		mprotect(p, len, PROT_READ);
}

static void slots_setup(void)
{
	size_t span = 2 * SLOT_PAGES * env.page;

	slot_area = map(NSLOTS * 2 * SLOT_PAGES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	for (int i = 0; i <= NSLOTS; i++) {
		struct fz_slot *sl = &slots[i];

		pthread_mutex_init(&sl->lock, NULL);
		sl->big = i == NSLOTS;
		sl->pages = sl->big ? BIG_PAGES : SLOT_PAGES;
		sl->addr = sl->big ? reserve_aligned(2 * BIG_PAGES * env.page) : slot_area + i * span;
		sl->memfd = memfd_create("pinbench-fuzz-slot", 0);
		if (sl->memfd < 0)
			pb_die("memfd_create: %s", strerror(errno));
		slot_remap(sl, i % 3 == 2 ? K_SHMEM : K_ANON);
	}
}

/* An address and length for a random request: mostly a slot, sometimes a special place. */
static void pick_range(uint64_t *s, uint64_t *addr, uint32_t *pages)
{
	uint64_t r = rnd(s) % 100;

	if (r < 4) {
		static const uint64_t special[] = { 0, 0xffff888000000000ull, 0x0000800000000000ull,
						    0x00007ffffffff000ull };
		*addr = special[rnd(s) % 4];
		*pages = (uint32_t)rnd_in(s, 1, 16);
		return;
	}
	if (r < 8) {
		*addr = (uintptr_t)env.straddle + rnd_in(s, 0, 15) * env.page;
		*pages = (uint32_t)rnd_in(s, 1, 16);
		return;
	}
	struct fz_slot *sl = &slots[r < 14 ? NSLOTS : rnd(s) % NSLOTS];
	uint64_t first = rnd(s) % sl->pages, left = sl->pages - first;

	*addr = (uintptr_t)sl->addr + first * env.page;
	/*
	 * Mostly a few pages: what is studied is the answer, not bulk
	 * pinning, and small requests make more calls per second. Now and
	 * then up to 64, or past the slot's end into its PROT_NONE gap.
	 */
	r = rnd(s) % 20;
	*pages = (uint32_t)rnd_in(s, 1, r == 0 ? 96 : r < 4 ? (left < 64 ? left : 64) : (left < 8 ? left : 8));
}

static uint32_t pick_divisor(uint64_t *s, uint32_t n)
{
	uint32_t d = (uint32_t)rnd_in(s, 1, n);

	while (n % d)
		d--;
	return d;
}

/* A plausible request, randomised within what the module accepts. */
static void random_request(struct fz_thread *t, enum fz_op op, uint32_t id, union fz_req *r)
{
	uint64_t *s = &t->seed, addr;
	uint32_t strategy = (uint32_t)rnd_in(s, 1, PINBENCH_STRATEGY_NR - 1), pages;
	bool hist = rnd(s) % 10 == 0;

	good_request(op, strategy, id, r);
	pick_range(s, &addr, &pages);
	switch (op) {
	case OP_GUP_FAST:
		r->gup.flags = rnd(s) % 4 ? PINBENCH_PIN_WRITE : (uint32_t)(rnd(s) & PINBENCH_PIN_ALL);
		r->gup.registration = rnd(s) % 5 ? PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
		r->gup.addr = addr;
		r->gup.nr_pages = pages;
		r->gup.pages_per_call = pick_divisor(s, pages);
		r->gup.rounds = rnd(s) % 10 ? 1 : 2;
		r->gup.warmup_rounds = rnd(s) % 10 == 0;
		r->gup.acquire_hist = hist ? (uintptr_t)t->hist[0] : 0;
		r->gup.release_hist = hist ? (uintptr_t)t->hist[1] : 0;
		r->gup.hist_buckets = hist ? PINBENCH_HIST_BUCKETS : 0;
		r->gup.breakdown = rnd(s) % 20 == 0;
		break;
	case OP_DEV_REGISTER:
		r->reg.flags = rnd(s) % 5 ? PINBENCH_PIN_WRITE : (uint32_t)(rnd(s) & PINBENCH_PIN_ALL);
		r->reg.registration = rnd(s) % 4 ? PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
		r->reg.addr = addr;
		r->reg.nr_pages = pages;
		r->reg.pages_per_call = (uint32_t)rnd_in(s, 1, pages);
		break;
	case OP_DEV_START:
		r->start.engine = (uint32_t)rnd_in(s, 1, 2);
		r->start.direction = rnd(s) % 4 ? PINBENCH_DMA_WRITE : PINBENCH_DMA_READ;
		r->start.rate_hz = (uint32_t)rnd_in(s, 500, 5000);
		r->start.burst = (uint32_t)rnd_in(s, 1, 4);
		r->start.max_records = rnd(s) % 10 ? rnd_in(s, 1, 128) : 0;
		break;
	case OP_DEV_UNREGISTER:
		r->stats.release_ctx = (uint32_t)rnd_in(s, PINBENCH_CTX_PROCESS, PINBENCH_CTX_HARDIRQ);
		break;
	case OP_SMALL_DIO: {
		uint32_t bs = 512u << rnd(s) % 5;

		r->dio.direction = rnd(s) % 2 ? PINBENCH_DMA_READ : PINBENCH_DMA_WRITE;
		r->dio.flags = rnd(s) % 8 ? 0 : PINBENCH_PIN_LONGTERM;
		r->dio.registration = rnd(s) % 5 ? PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
		r->dio.block_size = bs;
		r->dio.queue_depth = (uint32_t)rnd_in(s, 1, 4);
		r->dio.addr = addr & ~(uint64_t)((bs < env.page ? bs : env.page) - 1);
		r->dio.ios = rnd_in(s, 1, 4);
		r->dio.warmup_ios = rnd(s) % 4 == 0;
		r->dio.dev_offset = bs * rnd_in(s, 0, 16);
		r->dio.dev_span = bs * rnd_in(s, 1, 64);
		for (int i = 0; i < 4; i++)
			(&r->dio.latency_hist)[i] = hist ? (uintptr_t)t->hist[i] : 0;
		r->dio.slot_seqs = rnd(s) % 5 ? 0 : (uintptr_t)t->samples;
		r->dio.hist_buckets = hist ? PINBENCH_HIST_BUCKETS : 0;
		break;
	}
	case OP_IRQ_COMPLETION:
		r->irq.context = (uint32_t)rnd_in(s, PINBENCH_CTX_PROCESS, PINBENCH_CTX_SOFTIRQ);
		r->irq.direction = rnd(s) % 2 ? PINBENCH_DMA_READ : PINBENCH_DMA_WRITE;
		r->irq.pages_per_io = (uint32_t)rnd_in(s, 1, 4);
		r->irq.queue_depth = (uint32_t)rnd_in(s, 1, 4);
		r->irq.addr = addr;
		r->irq.rate_hz = (uint32_t)rnd_in(s, 10000, 50000);
		r->irq.coalesce = (uint32_t)rnd_in(s, 1, 4);
		r->irq.max_backlog = (uint32_t)rnd_in(s, 1, 16);
		r->irq.cpu = rnd(s) % 2 ? PINBENCH_CPU_ANY_OTHER : 0;
		for (int i = 0; i < 4; i++)
			(&r->irq.handler_hist)[i] = hist ? (uintptr_t)t->hist[i] : 0;
		r->irq.backlog_samples = rnd(s) % 5 ? 0 : (uintptr_t)t->samples;
		r->irq.hist_buckets = hist ? PINBENCH_HIST_BUCKETS : 0;
		break;
	default:
		break;
	}
}

/* A bad value for f, as the structured phase would try, or random bits. */
static uint64_t random_bad_value(uint64_t *s, enum fz_op op, const struct fz_field *f, bool *abi_bad)
{
	struct fz_case c[40];
	size_t n = field_cases(op, f, c);
	uint64_t v;

	/*
	 * Random bits only where a large valid value costs nothing: random
	 * rounds, I/Os or durations would be minutes of valid work.
	 */
	if (!n || (!f->costly && rnd(s) % 4 == 0))
		v = rnd(s) >> (rnd(s) % 64);
	else
		v = c[rnd(s) % n].v;
	if (f->cls == FC_ABI)
		*abi_bad = (uint32_t)v != PINBENCH_ABI_VERSION;
	return v;
}

static void own_ids_drop(struct fz_thread *t, int fd, uint32_t id)
{
	for (int i = 0; i < t->nr_ids; i++) {
		if (t->ids[i].fd == fd && t->ids[i].id == id) {
			t->ids[i] = t->ids[--t->nr_ids];
			return;
		}
	}
}

static int pick_fd(struct fz_thread *t)
{
	return rnd(&t->seed) % 6 == 0 ? t->own_fd : shared_fds[rnd(&t->seed) % nr_shared];
}

/* One random ioctl; returns false if its answer broke the rules (the child's verdict). */
static bool random_call(struct fz_thread *t)
{
	static const struct { enum fz_op op; unsigned int weight; } mix[] = {
		{ OP_INFO, 40 }, { OP_GUP_FAST, 300 }, { OP_DEV_REGISTER, 170 }, { OP_DEV_START, 100 },
		{ OP_DEV_STOP, 80 }, { OP_DEV_UNREGISTER, 150 }, { OP_SMALL_DIO, 100 },
		{ OP_IRQ_COMPLETION, 4 }, { OP_STRATEGY, 20 }, { OP_NOOP, 20 }, { OP_PIN_COUNT, 20 },
		{ OP_PTE_CENSUS, 20 },
		{ OP_UNKNOWN, 30 },
	};
	uint64_t *s = &t->seed, w, total = 0;
	enum fz_op op = OP_INFO;
	bool abi_bad = false, arg_bad = false;
	unsigned long cmd;
	int fd = pick_fd(t), err, own = -1;
	uint32_t id = 0;
	union fz_req r;
	void *arg = &r;
	char what[160];
	uint64_t state0 = t->seed;

	for (size_t i = 0; i < sizeof(mix) / sizeof(mix[0]); i++)
		total += mix[i].weight;
	w = rnd(s) % total;
	for (size_t i = 0; i < sizeof(mix) / sizeof(mix[0]); i++) {
		if (w < mix[i].weight) {
			op = mix[i].op;
			break;
		}
		w -= mix[i].weight;
	}
	if (op == OP_SMALL_DIO && env.bdev_rw < 0)
		op = OP_GUP_FAST;
	/* A thread keeps a few buffers; a full hand gives one back instead. */
	if (op == OP_DEV_REGISTER && t->nr_ids == MAX_OWN_IDS)
		op = OP_DEV_UNREGISTER;
	if (needs_buffer(op)) {
		if (t->nr_ids && rnd(s) % 4) {
			own = (int)(rnd(s) % t->nr_ids);
			fd = t->ids[own].fd;
			id = t->ids[own].id;
		} else {
			id = (uint32_t)rnd_in(s, 0, PINBENCH_MAX_DEV_BUFFERS + 2);
		}
	}
	if (op == OP_UNKNOWN) {
		unsigned int nr = first_unused_nr();
		const unsigned long bad[] = { 0, 0x5401, _IO(PINBENCH_IOC_MAGIC, 0),
					      _IOWR(PINBENCH_IOC_MAGIC, nr, struct pinbench_info) };

		cmd = rnd(s) % 2 ? bad[rnd(s) % 4] :
		      _IOC(rnd(s) % 4, PINBENCH_IOC_MAGIC, nr + rnd(s) % (256 - nr), rnd(s) % 2048);
		memset(&r, 0, sizeof(r));
		r.info.abi_version = PINBENCH_ABI_VERSION;
	} else {
		const struct fz_op_desc *d = &fz_ops[op];
		unsigned int m = rnd(s) % 3 ? (unsigned int)rnd_in(s, 1, 3) : 0;

		cmd = d->cmd;
		random_request(t, op, id, &r);
		if (rnd(s) % 50 == 0) {
			/* Bytes, not fields: whatever the module makes of them, it must answer. */
			for (size_t i = 0; i < d->size; i += 8) {
				uint64_t v = rnd(s);

				memcpy(r.bytes + i, &v, d->size - i < 8 ? d->size - i : 8);
			}
			if (rnd(s) % 2)
				r.info.abi_version = PINBENCH_ABI_VERSION;
			abi_bad = r.info.abi_version != PINBENCH_ABI_VERSION;
		}
		while (m--) {
			const struct fz_field *f = &d->fields[rnd(s) % d->nr_fields];

			set_field(&r, f, random_bad_value(s, op, f, &abi_bad));
		}
		if (rnd(s) % 100 == 0) {
			static const uintptr_t bad_args[] = { 0, 0xffff888000000000ul, 0x8000000000000000ul };

			arg = (void *)bad_args[rnd(s) % 3];
			arg_bad = true;
		}
	}
	err = call(fd, cmd, arg);
	snprintf(what, sizeof(what), "random call (generator state 0x%llx)", (unsigned long long)state0);
	if (op == OP_UNKNOWN || (abi_bad && !arg_bad) || arg_bad) {
		/* Rules that hold whatever else is in the request. */
		struct fz_case c = { .expect = EXPECT_EXACT,
				     .exact = op == OP_UNKNOWN ? FE_ENOTTY : arg_bad ? FE_EFAULT : FE_EPROTO };

		t->k.strong++;
		if (!judge(&t->k, op, err, &c, what))
			return false;
	} else if (!judge(&t->k, op, err, NULL, what)) {
		return false;
	}
	if (!err && op == OP_DEV_REGISTER && t->nr_ids < MAX_OWN_IDS) {
		t->ids[t->nr_ids].fd = fd;
		t->ids[t->nr_ids].id = r.reg.buffer_id;
		t->nr_ids++;
	} else if ((!err || err == ENOENT) && op == OP_DEV_UNREGISTER && own >= 0) {
		own_ids_drop(t, fd, id);
	}
	return true;
}

/* A child of fork(): a few calls on the inherited files, a buffer left behind. Only syscalls here. */
static void child_main(struct fz_thread *t)
{
	int bad = 0;

	in_child = true;
	for (int i = 0; i < 8; i++)
		bad += !random_call(t);
	_exit(bad ? 1 : 0);
}

/* Something the address space or the files go through while the ioctls run. */
static void mm_op(struct fz_thread *t)
{
	uint64_t *s = &t->seed;
	struct fz_slot *sl = &slots[rnd(s) % 8 == 0 ? NSLOTS : rnd(s) % NSLOTS];
	size_t len = sl->pages * env.page;
	unsigned int what = (unsigned int)(rnd(s) % 10);

	t->k.mm_ops++;
	if (what == 9) {
		/* Closing a file with buffers registered releases them all. */
		for (int i = 0; i < t->nr_ids; i++)
			if (t->ids[i].fd == t->own_fd)
				t->ids[i--] = t->ids[--t->nr_ids];
		close(t->own_fd);
		t->own_fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
		t->k.reopens++;
		return;
	}
	if (what == 8) {
		pid_t pid;
		int status;

		if (rnd(s) % 4)
			return;
		t->k.forks++;
		pid = fork();
		if (pid == 0)
			child_main(t);
		if (pid > 0 && waitpid(pid, &status, 0) == pid && (!WIFEXITED(status) || WEXITSTATUS(status)))
			problem("a forked child's calls broke the rules (status 0x%x)", status);
		return;
	}
	pthread_mutex_lock(&sl->lock);
	switch (what) {
	case 0: case 1: case 2:
		slot_remap(sl, (int)(rnd(s) % K_NR));
		break;
	case 3: {
		/* Into the gap after the slot and back; the slot is never left unmapped for long. */
		char *gap = sl->addr + len, *p = mremap(sl->addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, gap);

		if (p != MAP_FAILED) {
			if (mremap(gap, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, sl->addr) == MAP_FAILED)
				slot_remap(sl, K_ANON);
			mmap(gap, len, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		}
		break;
	}
	case 4: {
		size_t first = rnd(s) % sl->pages, n = rnd_in(s, 1, sl->pages - first);

		madvise(sl->addr + first * env.page, n * env.page, MADV_DONTNEED);
		break;
	}
	case 5:
		if (!mprotect(sl->addr, len, PROT_READ))
			mprotect(sl->addr, len, PROT_READ | PROT_WRITE);
		break;
	case 6:
	case 7:
		/* Truncate under DMA, then grow back (a shared mapping sees both). */
		if (ftruncate(sl->memfd, (off_t)(rnd(s) % 2 ? 0 : len / 2)) == 0 &&
		    ftruncate(sl->memfd, (off_t)len))
			problem("ftruncate back: %s", strerror(errno));
		break;
	}
	pthread_mutex_unlock(&sl->lock);
}

static void *random_thread(void *arg)
{
	struct fz_thread *t = arg;

	/* calls_left counts ioctls only: mm operations come on top. */
	for (;;) {
		if (rnd(&t->seed) % 1000 < 26) {
			mm_op(t);
			continue;
		}
		if (atomic_fetch_sub(&calls_left, 1) <= 0)
			break;
		random_call(t);
	}
	/* A careful driver gives back what it holds; a careless one leaves it to close(). */
	for (int i = 0; i < t->nr_ids; i++)
		if (rnd(&t->seed) % 2)
			unregister_buffer(t->ids[i].fd, t->ids[i].id);
	close(t->own_fd);
	return NULL;
}

static double phase_random(uint64_t seed, int threads, int files, int64_t calls, struct fz_counts *total)
{
	struct fz_thread *t = pb_xcalloc((size_t)threads, sizeof(*t));
	double t0;

	slots_setup();
	nr_shared = files;
	for (int i = 0; i < files; i++) {
		shared_fds[i] = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
		if (shared_fds[i] < 0)
			pb_die("open /dev/pinbench: %s", strerror(errno));
	}
	atomic_store(&calls_left, calls);
	for (int i = 0; i < threads; i++) {
		t[i].seed = seed * 0x9E3779B97F4A7C15ull + (uint64_t)i + 1;
		t[i].own_fd = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
		for (int h = 0; h < 4; h++)
			t[i].hist[h] = (uint64_t *)map((PINBENCH_HIST_BUCKETS * 8 + env.page - 1) / env.page,
						       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		t[i].samples = (uint64_t *)map(1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	}
	t0 = pb_now_s();
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i].tid, NULL, random_thread, &t[i]))
			pb_die("pthread_create: %s", strerror(errno));
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i].tid, NULL);
		total->calls += t[i].k.calls;
		total->mm_ops += t[i].k.mm_ops;
		total->forks += t[i].k.forks;
		total->reopens += t[i].k.reopens;
		total->strong += t[i].k.strong;
		for (int op = 0; op < OP_NR; op++)
			for (int e = 0; e < FE_NR; e++)
				total->by[op][e] += t[i].k.by[op][e];
	}
	t0 = pb_now_s() - t0;
	for (int i = 0; i < files; i++)
		close(shared_fds[i]);
	free(t);
	return t0;
}

/* --- the verdict ------------------------------------------------------------ */

static struct json_object *counts_json(const struct fz_counts *k)
{
	struct json_object *o = json_object_new_object();

	for (int op = 0; op < OP_NR; op++) {
		struct json_object *e = json_object_new_object();

		for (int i = 0; i < FE_NR; i++)
			if (k->by[op][i])
				json_object_object_add(e, fz_errno_name(i), json_object_new_uint64(k->by[op][i]));
		json_object_object_add(o, fz_ops[op].name, e);
	}
	return o;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pinbench-fuzz [--calls N] [--seed S] [--threads T] [--files F] [--json PATH]\n"
		"                     [--no-structured] [--no-scenarios] [--forbid ERRNO]\n"
		"  --calls N      random calls (default 1000000)\n"
		"  --seed S       seed of the random phase (default: from the clock, printed)\n"
		"  --threads T    threads making random calls (default 4, at most 64)\n"
		"  --files F      open files they share (default 3, at most 8)\n"
		"  --forbid ERRNO treat ERRNO (a name, e.g. EINVAL) as undocumented: proves the verdict can fail\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct fz_counts structured = { 0 }, random = { 0 };
	uint64_t seed = 0, cases = 0, acq0 = 0, rel0 = 0, acq1 = 0, rel1 = 0;
	int64_t calls = 1000000;
	int threads = 4, files = 3, kfd, probe;
	bool do_structured = true, do_scenarios = true, seeded = false, pass;
	const char *json_path = NULL;
	struct json_object *out, *arr, *o;
	struct pinbench_info m = { 0 };
	double t0 = pb_now_s(), t_random;
	char held[256], splat[512] = "", rec[8192];
	uint64_t splats = 0, undocumented = 0, scen_failed = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--no-structured")) {
			do_structured = false;
		} else if (!strcmp(a, "--no-scenarios")) {
			do_scenarios = false;
		} else if (v && !strcmp(a, "--calls")) {
			calls = strtoll(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--seed")) {
			seed = strtoull(v, NULL, 0), seeded = true, i++;
		} else if (v && !strcmp(a, "--threads")) {
			threads = atoi(v), i++;
		} else if (v && !strcmp(a, "--files")) {
			files = atoi(v), i++;
		} else if (v && !strcmp(a, "--json")) {
			json_path = v, i++;
		} else if (v && !strcmp(a, "--forbid")) {
			enum fz_errno e = FE_NR;

			for (int k = 1; k < FE_OTHER; k++)
				if (!strcmp(v, fz_errno_name(k)))
					e = k;
			if (e == FE_NR)
				pb_die("--forbid %s: not an errno the module documents", v);
			forbid_mask |= 1u << e;
			i++;
		} else {
			usage();
		}
	}
	if (calls < 0 || threads < 1 || threads > 64 || files < 1 || files > 8)
		usage();
	if (!seeded)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pinbench-fuzz: seed %llu (replay with --seed %llu), %lld random calls, %d threads, %d files\n",
	       (unsigned long long)seed, (unsigned long long)seed, (long long)calls, threads, files);

	kfd = pb_kmsg_open_at_end();
	if (pb_vmstat_foll_pins(&acq0, &rel0))
		pb_warn("/proc/vmstat has no nr_foll_pin_* counters");
	env_setup();
	if (env.notes[0])
		printf("pinbench-fuzz: note: %s\n", env.notes);

	if (do_structured) {
		double ts = pb_now_s();

		phase_structured(&structured, &cases);
		printf("pinbench-fuzz: structured: %llu cases in %.1f s, %llu problems so far\n",
		       (unsigned long long)cases, pb_now_s() - ts, (unsigned long long)nr_problems);
	}
	if (do_scenarios) {
		double ts = pb_now_s();

		phase_scenarios();
		for (size_t i = 0; i < nr_scenarios; i++)
			scen_failed += !scenarios[i].pass;
		printf("pinbench-fuzz: scenarios: %zu, %llu failed, in %.1f s\n", nr_scenarios,
		       (unsigned long long)scen_failed, pb_now_s() - ts);
	}
	t_random = calls ? phase_random(seed, threads, files, calls, &random) : 0;
	if (calls)
		printf("pinbench-fuzz: random: %llu calls in %.1f s (%.0f calls/s), %llu mm operations, %llu forks, %llu file reopens\n",
		       (unsigned long long)random.calls, t_random, t_random > 0 ? random.calls / t_random : 0,
		       (unsigned long long)random.mm_ops, (unsigned long long)random.forks,
		       (unsigned long long)random.reopens);

	/* Everything is closed: nothing may be left, and the pins must balance. */
	probe = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 100 && probe >= 0 && module_holds(probe, held, sizeof(held)); i++)
		usleep(50000);	/* a forked child's file may still be closing */
	if (probe < 0 || module_holds(probe, held, sizeof(held)))
		problem("at the end, every file closed: %s", probe < 0 ? strerror(errno) : held);
	if (probe >= 0) {
		module_info(probe, &m);
		close(probe);
	}
	if (!pb_vmstat_foll_pins(&acq1, &rel1) && acq1 - acq0 != rel1 - rel0)
		problem("/proc/vmstat: %llu FOLL_PIN pins acquired, %llu released",
			(unsigned long long)(acq1 - acq0), (unsigned long long)(rel1 - rel0));
	for (const char *msg; (msg = pb_kmsg_next(kfd, rec, sizeof(rec)));)
		if (pb_klog_splat(msg) && !splats++)
			snprintf(splat, sizeof(splat), "%s", msg);
	if (splats)
		problem("kernel log: %llu splats, the first: %s", (unsigned long long)splats, splat);
	for (int op = 0; op < OP_NR; op++)
		undocumented += structured.by[op][FE_OTHER] + random.by[op][FE_OTHER];
	pass = nr_problems == 0;

	out = json_object_new_object();
	json_object_object_add(out, "seed", json_object_new_uint64(seed));
	json_object_object_add(out, "threads", json_object_new_int(threads));
	json_object_object_add(out, "files", json_object_new_int(files));
	json_object_object_add(out, "forbid_mask", json_object_new_int((int)forbid_mask));
	json_object_object_add(out, "notes", json_object_new_string(env.notes));
	o = json_object_new_object();
	json_object_object_add(o, "cases", json_object_new_uint64(cases));
	json_object_object_add(o, "calls", json_object_new_uint64(structured.calls));
	json_object_object_add(o, "answers", counts_json(&structured));
	json_object_object_add(out, "structured", o);
	arr = json_object_new_array();
	for (size_t i = 0; i < nr_scenarios; i++) {
		struct json_object *sc = json_object_new_object();

		json_object_object_add(sc, "name", json_object_new_string(scenarios[i].name));
		json_object_object_add(sc, "pass", json_object_new_boolean(scenarios[i].pass));
		json_object_object_add(sc, "detail", json_object_new_string(scenarios[i].detail));
		json_object_array_add(arr, sc);
	}
	json_object_object_add(out, "scenarios", arr);
	o = json_object_new_object();
	json_object_object_add(o, "calls", json_object_new_uint64(random.calls));
	json_object_object_add(o, "elapsed_s", json_object_new_double(t_random));
	json_object_object_add(o, "calls_per_s", json_object_new_double(t_random > 0 ? random.calls / t_random : 0));
	json_object_object_add(o, "strong_checks", json_object_new_uint64(random.strong));
	json_object_object_add(o, "mm_ops", json_object_new_uint64(random.mm_ops));
	json_object_object_add(o, "forks", json_object_new_uint64(random.forks));
	json_object_object_add(o, "file_reopens", json_object_new_uint64(random.reopens));
	json_object_object_add(o, "answers", counts_json(&random));
	json_object_object_add(out, "random", o);
	json_object_object_add(out, "undocumented_errnos", json_object_new_uint64(undocumented));
	o = json_object_new_object();
	json_object_object_add(o, "pages_held", json_object_new_uint64(m.pages_held));
	json_object_object_add(o, "registrations", json_object_new_uint64(m.registrations));
	json_object_object_add(o, "tracking_objects", json_object_new_uint64(m.tracking_objects));
	json_object_object_add(o, "notifiers", json_object_new_uint64(m.notifiers));
	json_object_object_add(o, "open_files", json_object_new_uint64(m.open_files));
	/* fake_vma's documented limit (strategy_fake_vma.c): reported, not a problem. */
	json_object_object_add(o, "anon_vmas_leaked", json_object_new_uint64(m.anon_vmas_leaked));
	json_object_object_add(out, "module_counts_end", o);
	o = json_object_new_object();
	json_object_object_add(o, "acquired", json_object_new_uint64(acq1 - acq0));
	json_object_object_add(o, "released", json_object_new_uint64(rel1 - rel0));
	json_object_object_add(out, "pin_balance", o);
	json_object_object_add(out, "kernel_log_splats", json_object_new_uint64(splats));
	arr = json_object_new_array();
	for (uint64_t i = 0; i < nr_problems && i < MAX_PROBLEMS; i++)
		json_object_array_add(arr, json_object_new_string(problems[i]));
	json_object_object_add(out, "problems", arr);
	json_object_object_add(out, "problem_count", json_object_new_uint64(nr_problems));
	json_object_object_add(out, "elapsed_s", json_object_new_double(pb_now_s() - t0));
	json_object_object_add(out, "verdict", json_object_new_string(pass ? "pass" : "fail"));
	if (json_path) {
		const char *js = json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY);

		if (pb_write_file_atomic(json_path, js, strlen(js)) < 0)
			pb_die("cannot write %s: %s", json_path, strerror(errno));
	}
	json_object_put(out);

	for (uint64_t i = 0; i < nr_problems && i < MAX_PROBLEMS; i++)
		printf("PROBLEM: %s\n", problems[i]);
	if (nr_problems > MAX_PROBLEMS)
		printf("PROBLEM: ... and %llu more\n", (unsigned long long)(nr_problems - MAX_PROBLEMS));
	printf("pinbench-fuzz: %s: %llu structured cases, %zu scenarios (%llu failed), %llu random calls "
	       "(%.0f calls/s), %llu undocumented answers, %llu problems; module: %llu pages held, "
	       "%llu registrations, %llu tracking objects; FOLL_PIN %llu/%llu; %llu kernel log splats\n",
	       pass ? "PASS" : "FAIL", (unsigned long long)cases, nr_scenarios,
	       (unsigned long long)scen_failed, (unsigned long long)random.calls,
	       t_random > 0 ? random.calls / t_random : 0, (unsigned long long)undocumented,
	       (unsigned long long)nr_problems, (unsigned long long)m.pages_held,
	       (unsigned long long)m.registrations, (unsigned long long)m.tracking_objects,
	       (unsigned long long)(acq1 - acq0), (unsigned long long)(rel1 - rel0),
	       (unsigned long long)splats);
	return pass ? 0 : 1;
}
