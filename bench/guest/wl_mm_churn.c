// SPDX-License-Identifier: GPL-2.0
/*
 * wl_mm_churn.c: revocations and pin failures under ordinary mm activity.
 *
 * A device holds a registered buffer (the cell's strategy, registration
 * and revoke policy) and accesses it at dma_rate_hz while one source of
 * ordinary mm activity runs on the buffer in a loop, for churn_ms and at
 * least CHURN_MIN_OPS operations:
 *  - fork:       fork() and the child's exit (COW write-protects the
 *                parent's pages; a page believed pinned is copied instead)
 *  - mprotect:   read-only, then read-write again
 *  - collapse:   MADV_COLLAPSE of the buffer's 2 MiB into a THP (what
 *                khugepaged does), after the last collapse was split again
 *  - compaction: /proc/sys/vm/compact_memory (memory compaction, migrating
 *                movable pages)
 *  - ksm:        KSM merging of the buffer's identical pages (MADV_MERGEABLE,
 *                ksmd run for the duration; the device reads, so that its
 *                writes do not make the pages differ)
 *  - pageout:    MADV_PAGEOUT of a clean file mapping on ext4 (reclaim of
 *                exactly these pages), then the pages read back in; the
 *                device reads, as for ksm
 *  - reclaim:    the same clean file under a cgroup v2 whose memory.high
 *                is set to 0 (reclaim through the LRU, as a container at
 *                its limit gets), then lifted and the pages read back in
 * Two more run in a guest booted with two NUMA nodes (boot profile numa2;
 * every vCPU on node 0, node 1 memory only):
 *  - migration:      move_pages() of the buffer to the other node and back
 *  - numa_balancing: the buffer starts on node 1 and the task touches it
 *                    from node 0 with automatic NUMA balancing on, its
 *                    scanner tuned to scan at once and every 10 ms
 *
 * Recorded: what the source did (operations, failures and the first
 * errno), the device's counts (revocations by cause, spurious ones,
 * where its accesses went), and /proc/vmstat's deltas for what the mm
 * could not do (migrations failed, collapses refused, pages not reclaimed).
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "names.h"
#include "pinbench_uapi.h"
#include "util.h"
#include "vmstat.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define CHURN_PMD (2ul << 20)
#define CHURN_MIN_OPS 4u

/* What the mm did, or could not do: /proc/vmstat counters whose deltas a cell records. */
static const char *const vm_counters[] = {
	"pgmigrate_success", "pgmigrate_fail", "compact_migrate_scanned", "compact_isolated",
	"compact_stall", "compact_fail", "compact_success", "thp_collapse_alloc",
	"thp_collapse_alloc_failed", "thp_split_pmd", "thp_split_page", "pgsteal_direct",
	"pgscan_direct", "pgsteal_kswapd", "pgscan_kswapd", "pgactivate", "cow_ksm",
	"numa_pte_updates", "numa_hint_faults", "numa_pages_migrated",
};
#define NR_VM (sizeof(vm_counters) / sizeof(vm_counters[0]))

struct churn {
	char *buf;			/* the registered range */
	size_t len;
	char *map;			/* what was mapped, for munmap */
	size_t map_len;
	int fd;				/* pageout: its file */
	uint64_t ops, failed;
	char first_error[64];		/* the first failed operation's error */
	uint64_t reclaimed;		/* pageout, reclaim: pages no longer resident after it (mincore) */
	uint64_t migrated, not_migrated;	/* migration, numa_balancing: pages that moved, and stayed */
	bool in_cgroup;			/* reclaim: this process is in CHURN_CGROUP */
	char numab_old;			/* numa2: kernel.numa_balancing before the cell, or 0 */
	int devfd;			/* /dev/pinbench, for PINBENCH_IOC_PTE_CENSUS */
	/* numa_balancing: hinting marks found on the buffer's PTEs, over how many looks */
	uint64_t numa_marked, censuses;
	int census_err;			/* the first failed look's errno, or 0 */
};

#define CHURN_CGROUP "/sys/fs/cgroup/pinbench-reclaim"
#define NUMAB_DEBUGFS "/sys/kernel/debug/sched/numa_balancing/"
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif

static void op_failed(struct churn *c, const char *why)
{
	c->failed++;
	if (!c->first_error[0])
		snprintf(c->first_error, sizeof(c->first_error), "%s", why);
}

/* An operation's outcome: 0, an errno, or -1 for a migration that left pages behind. */
static void op_result(struct churn *c, int err)
{
	c->ops++;
	if (err > 0)
		op_failed(c, strerror(err));
	else if (err < 0)
		op_failed(c, "pages stayed where they were");
}

static uint64_t read_u64_file(const char *path)
{
	char *s = pb_read_first_line(path);
	uint64_t v = s ? strtoull(s, NULL, 10) : 0;

	free(s);
	return v;
}

/*
 * The buffer's pages that are on node (move_pages() with no nodes: where
 * each page is), or -1 with errno.
 */
static long pages_on_node(const struct churn *c, int node)
{
	size_t n = c->len / 4096;
	void *pages[CHURN_PMD / 4096];
	int status[CHURN_PMD / 4096];
	long on = 0;

	for (size_t i = 0; i < n; i++)
		pages[i] = c->buf + i * 4096;
	if (syscall(SYS_move_pages, 0, n, pages, NULL, status, 0) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		on += status[i] == node;
	return on;
}

/*
 * move_pages() of the whole buffer to node: 0 when every page got there,
 * else -1 (some stayed) or an errno. What happened is read back, not taken
 * from the call: pages that were elsewhere and are on node afterwards
 * count as migrated, those not on node as not migrated.
 */
static int move_buffer(struct churn *c, int node, bool count)
{
	size_t n = c->len / 4096;
	void *pages[CHURN_PMD / 4096];
	int nodes[CHURN_PMD / 4096], status[CHURN_PMD / 4096];
	long r, on, before = pages_on_node(c, node);

	if (before < 0)
		return errno;
	for (size_t i = 0; i < n; i++) {
		pages[i] = c->buf + i * 4096;
		nodes[i] = node;
	}
	r = syscall(SYS_move_pages, 0, n, pages, nodes, status, MPOL_MF_MOVE);
	if (r < 0)
		return errno;
	on = pages_on_node(c, node);
	if (on < 0)
		return errno;
	if (count) {
		c->migrated += on > before ? (uint64_t)(on - before) : 0;
		c->not_migrated += n - (uint64_t)on;
	}
	/* move_pages() says how many pages stayed, not why. */
	return (size_t)on == n ? 0 : -1;
}

/* kernel.numa_balancing: the value before, or 0 when it cannot be read. */
static char numab_get(void)
{
	char *s = pb_read_first_line("/proc/sys/kernel/numa_balancing");
	char v = s && *s ? s[0] : 0;

	free(s);
	return v;
}

/* Into a cgroup of its own with the memory controller, so that its memory.high reclaims this cell's pages. */
static int cgroup_enter(struct churn *c)
{
	char pid[32];
	int e;

	e = pb_write_str("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	if (e)
		return e;
	if (mkdir(CHURN_CGROUP, 0755) < 0 && errno != EEXIST)
		return errno;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	e = pb_write_str(CHURN_CGROUP "/cgroup.procs", pid);
	if (!e)
		c->in_cgroup = true;
	return e;
}

static void cgroup_leave(struct churn *c)
{
	char pid[32];

	if (!c->in_cgroup)
		return;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	pb_write_str("/sys/fs/cgroup/cgroup.procs", pid);
	rmdir(CHURN_CGROUP);
	c->in_cgroup = false;
}

/* A memory.stat counter of the cell's cgroup (0 when absent). */
static uint64_t memcg_stat(const char *key)
{
	char *s = pb_read_file(CHURN_CGROUP "/memory.stat", NULL), *line, *save = NULL;
	size_t kl = strlen(key);
	uint64_t v = 0;

	for (line = s ? strtok_r(s, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, key, kl) && line[kl] == ' ')
			v = strtoull(line + kl + 1, NULL, 10);
	free(s);
	return v;
}

/* The buffer: 2 MiB of anon memory, PMD-aligned, in small pages; pageout, reclaim: a clean ext4 file. */
static int churn_setup(struct pb_cell *cell, const char *source, struct churn *c)
{
	char dir[256], err[256], *path;

	c->fd = -1;
	c->len = CHURN_PMD;
	if (!strcmp(source, "reclaim")) {
		int e = cgroup_enter(c);

		/* Its pages are charged where they are faulted in: to the cgroup, from here on. */
		if (e) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "no cgroup v2 memory controller to reclaim "
				     "under (%s: %s)", CHURN_CGROUP, strerror(e));
			return -1;
		}
	}
	if (!strcmp(source, "pageout") || !strcmp(source, "reclaim")) {
		if (pb_fs_get(PB_FS_EXT4, dir, sizeof(dir), err, sizeof(err)) < 0) {
			pb_cell_fail(cell, PB_UNSUPPORTED, "no ext4 for the file pageout reclaims: %s", err);
			return -1;
		}
		path = pb_asprintf("%s/mm-churn", dir);
		c->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		free(path);
		if (c->fd < 0 || ftruncate(c->fd, (off_t)c->len) < 0) {
			pb_cell_fail(cell, PB_FAILED, "the file for pageout: %s", strerror(errno));
			return -1;
		}
		c->map = mmap(NULL, c->len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
		if (c->map == MAP_FAILED) {
			pb_cell_fail(cell, PB_FAILED, "mmap: %s", strerror(errno));
			return -1;
		}
		c->map_len = c->len;
		c->buf = c->map;
		memset(c->buf, 0x5a, c->len);
		if (fsync(c->fd) < 0) {	/* clean, so that reclaim may drop the pages */
			pb_cell_fail(cell, PB_FAILED, "fsync: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	c->map_len = 2 * CHURN_PMD;
	c->map = mmap(NULL, c->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->map == MAP_FAILED) {
		pb_cell_fail(cell, PB_FAILED, "mmap: %s", strerror(errno));
		return -1;
	}
	c->buf = (char *)(((uintptr_t)c->map + CHURN_PMD - 1) & ~(CHURN_PMD - 1));
	/* Small pages to begin with: a collapse has something to do. */
	if (madvise(c->buf, c->len, MADV_NOHUGEPAGE) < 0) {
		pb_cell_fail(cell, PB_FAILED, "madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
		return -1;
	}
	/* The same bytes in every page, so that KSM finds them identical. */
	memset(c->buf, 0x5a, c->len);
	if (!strcmp(source, "collapse") && madvise(c->buf, c->len, MADV_HUGEPAGE) < 0) {
		pb_cell_fail(cell, PB_FAILED, "madvise(MADV_HUGEPAGE): %s", strerror(errno));
		return -1;
	}
	if (!strcmp(source, "migration") || !strcmp(source, "numa_balancing")) {
		/* Balancing only where the cell asks for it: the kernel turns it on with two nodes. */
		c->numab_old = numab_get();
		pb_write_str("/proc/sys/kernel/numa_balancing", "0");
		/* Balancing brings node 1's pages to the task on node 0: they start there. */
		if (!strcmp(source, "numa_balancing") && move_buffer(c, 1, false)) {
			pb_cell_fail(cell, PB_FAILED, "the buffer could not be moved to node 1 to start "
				     "with (%ld of %zu pages there)", pages_on_node(c, 1), c->len / 4096);
			return -1;
		}
	}
	return 0;
}

static void churn_teardown(struct churn *c)
{
	if (c->map && c->map != MAP_FAILED)
		munmap(c->map, c->map_len);
	if (c->fd >= 0)
		close(c->fd);
	cgroup_leave(c);
	if (c->numab_old) {
		char v[2] = { c->numab_old, 0 };

		pb_write_str("/proc/sys/kernel/numa_balancing", v);
	}
}

/* Reads the buffer's pages back in (a user would), after counting those reclaim took (mincore()). */
static void count_reclaimed_and_refault(struct churn *c)
{
	unsigned char vec[CHURN_PMD / 4096];
	volatile char sum = 0;

	if (mincore(c->buf, c->len, vec) == 0)
		for (size_t p = 0; p < c->len / 4096; p++)
			c->reclaimed += !(vec[p] & 1);
	for (size_t off = 0; off < c->len; off += 4096)
		sum += c->buf[off];
	(void)sum;
}

/* The NUMA balancing scanner, set to scan at once and often; saved values restored by numab_tune(NULL). */
static void numab_tune(char saved[3][32])
{
	static const char *const knob[] = { "scan_delay_ms", "scan_period_min_ms", "scan_period_max_ms" };
	static const char *const fast[] = { "0", "10", "100" };

	for (int i = 0; i < 3; i++) {
		char path[128];

		snprintf(path, sizeof(path), NUMAB_DEBUGFS "%s", knob[i]);
		if (saved[i][0] == '\0') {
			char *old = pb_read_first_line(path);

			snprintf(saved[i], 32, "%s", old ? old : "-");
			free(old);
			pb_write_str(path, fast[i]);
		} else if (strcmp(saved[i], "-")) {
			pb_write_str(path, saved[i]);
		}
	}
}

/*
 * The reader on node 0, for 20 ms, in rounds: first it spins on nothing
 * of the buffer for longer than the scanner's period (the cell set it to
 * 10 ms), so that the scanner, which runs in this task on its way back to
 * user mode (task_numa_work()), marks what it will; then it counts the
 * marks on the buffer's PTEs (PINBENCH_IOC_PTE_CENSUS: PROT_NONE ones),
 * before a read of every page takes the hinting faults they set up and
 * migrates the pages home. Marks are counted on the buffer alone, where
 * vmstat's numa_pte_updates counts every page of the system. A mark the
 * scanner makes during a read pass is taken by that pass uncounted: the
 * count is a lower bound, and zero only where the scanner marked nothing.
 */
#define NUMAB_IDLE_NS 12000000ull

static void *numab_reader(void *arg)
{
	struct churn *c = arg;
	uint64_t end = pb_now_ns() + 20000000ull;
	volatile char sum = 0;

	while (pb_now_ns() < end) {
		struct pinbench_pte_census pc = { .abi_version = PINBENCH_ABI_VERSION,
						  .addr = (uintptr_t)c->buf, .nr_pages = c->len / 4096 };
		uint64_t idle = pb_now_ns() + NUMAB_IDLE_NS;

		while (pb_now_ns() < idle)
			;
		if (ioctl(c->devfd, PINBENCH_IOC_PTE_CENSUS, &pc) == 0) {
			c->numa_marked += pc.protnone;
			c->censuses++;
		} else if (!c->census_err) {
			c->census_err = errno;
		}
		for (size_t off = 0; off < c->len; off += 4096)
			sum += c->buf[off];
	}
	(void)sum;
	return NULL;
}

/* One operation of the source; 0 or an errno. */
static int churn_op(const char *source, struct churn *c, unsigned int i)
{
	pid_t pid;

	if (!strcmp(source, "fork")) {
		pid = fork();
		if (pid < 0)
			return errno;
		if (pid == 0)
			_exit(0);
		return waitpid(pid, NULL, 0) < 0 ? errno : 0;
	}
	if (!strcmp(source, "mprotect"))
		return mprotect(c->buf, c->len, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ) ? errno : 0;
	if (!strcmp(source, "collapse")) {
		/* Split what the last collapse made (a PTE change in the middle), then collapse it. */
		if (i && mprotect(c->buf + c->len / 2, 4096, PROT_READ) == 0)
			mprotect(c->buf + c->len / 2, 4096, PROT_READ | PROT_WRITE);
		return madvise(c->buf, c->len, MADV_COLLAPSE) ? errno : 0;
	}
	if (!strcmp(source, "compaction"))
		return pb_write_str("/proc/sys/vm/compact_memory", "1");
	if (!strcmp(source, "pageout")) {
		if (madvise(c->buf, c->len, MADV_PAGEOUT))
			return errno;
		count_reclaimed_and_refault(c);
		return 0;
	}
	if (!strcmp(source, "reclaim")) {
		/* Writing memory.high below the usage reclaims at once, in the writer. */
		int e = pb_write_str(CHURN_CGROUP "/memory.high", "0");

		pb_write_str(CHURN_CGROUP "/memory.high", "max");
		count_reclaimed_and_refault(c);
		return e;
	}
	if (!strcmp(source, "migration")) {
		return move_buffer(c, i & 1 ? 0 : 1, true);
	}
	if (!strcmp(source, "numa_balancing")) {
		/*
		 * A thread on node 0 reads every page for 20 ms: the scanner's
		 * hinting faults come in its reads. A new thread each time: a
		 * task's first scan waits for numa_balancing's scan_delay of its
		 * own CPU time, read when the task is created (1 s by default;
		 * the cell set it to 0, which an older task never sees).
		 */
		pthread_t t;
		int e = pthread_create(&t, NULL, numab_reader, c);

		return e ? e : pthread_join(t, NULL);
	}
	return EINVAL;
}

/*
 * KSM: ksmd merges while the device runs, for churn_ms and at least two of
 * its full scans (a page must look the same on two scans to be merged), at
 * most 10 s: what could merge then has, on a slow or busy machine too. One
 * "operation"; the pages that became KSM pages counted.
 */
static int churn_ksm(struct churn *c, unsigned int ms, uint64_t *merged)
{
	uint64_t shared0, sharing0, scans0, t_min, t_max;
	int e;

	if (access("/sys/kernel/mm/ksm/run", W_OK))
		return ENOENT;
	sharing0 = read_u64_file("/sys/kernel/mm/ksm/pages_sharing");
	shared0 = read_u64_file("/sys/kernel/mm/ksm/pages_shared");
	if (madvise(c->buf, c->len, MADV_MERGEABLE))
		return errno;
	pb_write_str("/sys/kernel/mm/ksm/sleep_millisecs", "0");
	pb_write_str("/sys/kernel/mm/ksm/pages_to_scan", "1000");
	scans0 = read_u64_file("/sys/kernel/mm/ksm/full_scans");
	e = pb_write_str("/sys/kernel/mm/ksm/run", "1");
	if (e)
		return e;
	t_min = pb_now_ns() + (uint64_t)ms * 1000000ull;
	t_max = pb_now_ns() + 10000000000ull;
	while (pb_now_ns() < t_max &&
	       (pb_now_ns() < t_min || read_u64_file("/sys/kernel/mm/ksm/full_scans") < scans0 + 2))
		usleep(10000);
	/* Pages that became KSM pages: the shared ones and those mapping them. */
	*merged = read_u64_file("/sys/kernel/mm/ksm/pages_sharing") - sharing0 +
		  read_u64_file("/sys/kernel/mm/ksm/pages_shared") - shared0;
	/* Unmerge everything and stop ksmd: the next cell starts from nothing merged. */
	pb_write_str("/sys/kernel/mm/ksm/run", "2");
	return madvise(c->buf, c->len, MADV_UNMERGEABLE) ? errno : 0;
}

static int numa_nodes(void)
{
	int n = 0;
	char path[64];

	while (n < 64) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", n);
		if (access(path, F_OK))
			break;
		n++;
	}
	return n;
}

static void mm_churn_run(struct pb_cell *cell)
{
	const char *source = pb_param_str(cell, "source");
	unsigned int ms = (unsigned int)pb_param_u64(cell, "churn_ms");
	const char *strategy = pb_param_str(cell, "strategy");
	bool ksm = !strcmp(source, "ksm");
	/*
	 * KSM merges only pages that stay the same, and reclaim drops only
	 * clean ones (a write acquire write-faults a clean file page dirty):
	 * for them the device reads, and acquires for reading.
	 */
	bool reads = ksm || !strcmp(source, "pageout") || !strcmp(source, "reclaim");
	bool numab = !strcmp(source, "numa_balancing");
	char numab_saved[3][32] = { "", "", "" };
	uint64_t scan0 = 0, steal0 = 0;
	struct pinbench_dev_register reg;
	struct pinbench_dev_start start;
	struct pinbench_dev_stats st;
	uint64_t vm0[NR_VM], vm1[NR_VM], t0, t_end, merged = 0;
	struct churn c = { .devfd = cell->devfd };
	struct json_object *ev;
	bool registered = false;
	unsigned int i;
	int e;

	if ((!strcmp(source, "migration") || !strcmp(source, "numa_balancing")) && numa_nodes() < 2) {
		pb_cell_fail(cell, PB_FAILED, "%s needs two NUMA nodes and the runner boots its cells "
			     "with them (boot profile numa2), but this guest has %d", source, numa_nodes());
		return;
	}
	if (!strcmp(source, "numa_balancing") && access("/proc/sys/kernel/numa_balancing", W_OK)) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "this kernel has no automatic NUMA balancing "
			     "(/proc/sys/kernel/numa_balancing: %s)", strerror(errno));
		return;
	}
	if (churn_setup(cell, source, &c) < 0)
		goto out;
	memset(&reg, 0, sizeof(reg));
	reg.abi_version = PINBENCH_ABI_VERSION;
	reg.strategy = pb_strategy_id(strategy);
	reg.flags = reads ? 0 : PINBENCH_PIN_WRITE;
	reg.revoke = pb_cell_revoke(cell);
	reg.registration = strcmp(pb_param_str(cell, "registration"), "per_buffer") ?
			   PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
	reg.addr = (uintptr_t)c.buf;
	reg.nr_pages = c.len / 4096;
	reg.pages_per_call = (uint32_t)pb_param_u64(cell, "pages_per_call");
	if (ioctl(cell->devfd, PINBENCH_IOC_DEV_REGISTER, &reg) < 0) {
		e = errno;
		if (e == EOPNOTSUPP)
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s", strategy,
				     pb_unsupported_why(strategy, reg.flags, reg.registration));
		else
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_REGISTER: %s", strerror(e));
		goto out;
	}
	registered = true;
	memset(&start, 0, sizeof(start));
	start.abi_version = PINBENCH_ABI_VERSION;
	start.buffer_id = reg.buffer_id;
	start.engine = PINBENCH_ENGINE_HRTIMER;
	start.direction = reads ? PINBENCH_DMA_READ : PINBENCH_DMA_WRITE;
	start.rate_hz = (uint32_t)pb_param_u64(cell, "dma_rate_hz");
	start.burst = (uint32_t)pb_param_u64(cell, "dma_burst");
	if (c.in_cgroup) {
		scan0 = memcg_stat("pgscan");
		steal0 = memcg_stat("pgsteal");
	}
	pb_vmstat_read(vm_counters, NR_VM, vm0);
	if (ioctl(cell->devfd, PINBENCH_IOC_DEV_START, &start) < 0) {
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_START: %s", strerror(errno));
		goto out;
	}
	t0 = pb_now_ns();
	if (ksm) {
		op_result(&c, churn_ksm(&c, ms, &merged));
	} else {
		/*
		 * For churn_ms, and at least CHURN_MIN_OPS operations: what the
		 * first one does (a revocation, then the collapse retried) must
		 * not be all a slow or busy machine gets to see.
		 */
		t_end = t0 + (uint64_t)ms * 1000000ull;
		if (numab) {
			numab_tune(numab_saved);
			pb_write_str("/proc/sys/kernel/numa_balancing", "1");
		}
		for (i = 0; i < CHURN_MIN_OPS || pb_now_ns() < t_end; i++)
			op_result(&c, churn_op(source, &c, i));
		if (numab) {
			long home;

			pb_write_str("/proc/sys/kernel/numa_balancing", "0");
			numab_tune(numab_saved);
			/* What balancing did: the pages it brought to the task's node. */
			home = pages_on_node(&c, 0);
			c.migrated = home < 0 ? 0 : (uint64_t)home;
			c.not_migrated = c.len / 4096 - c.migrated;
		}
	}
	if (pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_STOP, reg.buffer_id, &st, NULL, 0) < 0) {
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_STOP: %s", strerror(errno));
		goto out;
	}
	json_object_object_add(cell->raw, "source_ns", json_object_new_uint64(pb_now_ns() - t0));
	pb_vmstat_read(vm_counters, NR_VM, vm1);
	if (!strcmp(source, "mprotect"))
		mprotect(c.buf, c.len, PROT_READ | PROT_WRITE);

	json_object_object_add(cell->raw, "source", json_object_new_string(source));
	json_object_object_add(cell->raw, "ops", json_object_new_uint64(c.ops));
	json_object_object_add(cell->raw, "ops_failed", json_object_new_uint64(c.failed));
	json_object_object_add(cell->raw, "op_errno", json_object_new_string(c.first_error));
	if (numab || !strcmp(source, "migration")) {
		json_object_object_add(cell->raw, "pages_migrated", json_object_new_uint64(c.migrated));
		json_object_object_add(cell->raw, "pages_not_migrated", json_object_new_uint64(c.not_migrated));
	}
	if (numab) {
		if (c.census_err || !c.censuses) {
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_PTE_CENSUS: %s",
				     c.census_err ? strerror(c.census_err) : "never ran");
			goto out;
		}
		json_object_object_add(cell->raw, "numa_marked", json_object_new_uint64(c.numa_marked));
		json_object_object_add(cell->raw, "numa_censuses", json_object_new_uint64(c.censuses));
	}
	if (c.in_cgroup) {
		json_object_object_add(cell->raw, "memcg_pgscan", json_object_new_uint64(memcg_stat("pgscan") - scan0));
		json_object_object_add(cell->raw, "memcg_pgsteal",
				       json_object_new_uint64(memcg_stat("pgsteal") - steal0));
	}
	if (ksm)
		json_object_object_add(cell->raw, "ksm_pages_merged", json_object_new_uint64(merged));
	if (!strcmp(source, "pageout") || !strcmp(source, "reclaim"))
		json_object_object_add(cell->raw, "pages_reclaimed", json_object_new_uint64(c.reclaimed));
	json_object_object_add(cell->raw, "vmstat", pb_vmstat_delta_json(vm_counters, NR_VM, vm0, vm1));
	json_object_object_add(cell->raw, "accesses", json_object_new_uint64(st.accesses));
	json_object_object_add(cell->raw, "delivered", json_object_new_uint64(st.delivered));
	json_object_object_add(cell->raw, "lost", json_object_new_uint64(st.lost));
	json_object_object_add(cell->raw, "redirected", json_object_new_uint64(st.redirected));
	json_object_object_add(cell->raw, "invalidations", json_object_new_uint64(st.invalidations));
	json_object_object_add(cell->raw, "revocations", json_object_new_uint64(st.revocations));
	json_object_object_add(cell->raw, "spurious", json_object_new_uint64(st.spurious));
	json_object_object_add(cell->raw, "ignored", json_object_new_uint64(st.ignored));
	json_object_object_add(cell->raw, "device_faults", json_object_new_uint64(st.device_faults));
	json_object_object_add(cell->raw, "stalls", json_object_new_uint64(st.stalls));
	json_object_object_add(cell->raw, "engine_ticks", json_object_new_uint64(st.engine_ticks));
	json_object_object_add(cell->raw, "engine_rate_hz", json_object_new_uint64(start.rate_hz));
	ev = json_object_new_object();
	{
		static const char *const names[] = {
#define X(sym, id, name) [id] = name,
			PINBENCH_EVENTS(X)
#undef X
		};

		for (i = 0; i < PINBENCH_EV_NR; i++)
			json_object_object_add(ev, names[i], json_object_new_uint64(st.events[i]));
	}
	json_object_object_add(cell->raw, "events", ev);
	json_object_object_add(cell->raw, "strategy_caps", json_object_new_uint64(
		pb_strategy_caps(strategy)));
out:
	if (registered &&
	    pb_dev_stats(cell->devfd, PINBENCH_IOC_DEV_UNREGISTER, reg.buffer_id, &st, NULL, 0) < 0)
		pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_DEV_UNREGISTER: %s", strerror(errno));
	churn_teardown(&c);
}

const struct pb_guest_workload pb_wl_mm_churn = {
	.name = "mm_churn",
	.run = mm_churn_run,
};
PB_GUEST_WORKLOAD(pb_wl_mm_churn);
