// SPDX-License-Identifier: GPL-2.0
/* pinbench-guest.c: runs the host's cell plan inside the guest, one result file per cell. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>
#include "guest.h"
#include "names.h"
#include "stats.h"
#include "klog.h"
#include "pinbench_uapi.h"
#include "util.h"
#include "vmstat.h"

void pb_cell_fail(struct pb_cell *cell, enum pb_status st, const char *fmt, ...)
{
	va_list ap;

	cell->status = st;
	va_start(ap, fmt);
	vsnprintf(cell->reason, sizeof(cell->reason), fmt, ap);
	va_end(ap);
}

void pb_cell_note(struct pb_cell *cell, const char *fmt, ...)
{
	size_t used = strlen(cell->reason);
	va_list ap;

	if (used && used + 2 < sizeof(cell->reason)) {
		strcat(cell->reason, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(cell->reason + used, sizeof(cell->reason) - used, fmt, ap);
	va_end(ap);
}

const char *pb_param_str(struct pb_cell *cell, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(cell->params, key, &v))
		pb_die("cell %s: plan has no parameter '%s'", cell->id, key);
	return json_object_get_string(v);
}

/* An option that only some cells carry (e.g. notifier_revoke's revoke_events): def if absent. */
const char *pb_param_str_or(struct pb_cell *cell, const char *key, const char *def)
{
	struct json_object *v;

	return json_object_object_get_ex(cell->params, key, &v) ? json_object_get_string(v) : def;
}

uint64_t pb_param_u64(struct pb_cell *cell, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(cell->params, key, &v))
		pb_die("cell %s: plan has no parameter '%s'", cell->id, key);
	return json_object_get_uint64(v);
}

/* A parameter a cell may lack (revoking strategies' options), or def. */
uint64_t pb_param_u64_or(struct pb_cell *cell, const char *key, uint64_t def)
{
	struct json_object *v;

	return json_object_object_get_ex(cell->params, key, &v) ? json_object_get_uint64(v) : def;
}

static void kmsg_mark(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (fd >= 0 && n > 0 && write(fd, buf, (size_t)n) < 0)
		pb_warn("cannot write to /dev/kmsg: %s", strerror(errno));
}

/* Collect the records written since pb_kmsg_open_at_end(); return the first splat. */
static struct json_object *kmsg_collect(int fd, char *splat, size_t splat_len)
{
	struct json_object *lines = json_object_new_array();
	char rec[8192];
	const char *msg;

	splat[0] = '\0';
	while ((msg = pb_kmsg_next(fd, rec, sizeof(rec)))) {
		json_object_array_add(lines, json_object_new_string(msg));
		if (!splat[0] && pb_klog_splat(msg))
			snprintf(splat, splat_len, "%.*s", (int)splat_len - 1, msg);
	}
	return lines;
}

static int module_info(int devfd, struct pinbench_info *info)
{
	memset(info, 0, sizeof(*info));
	info->abi_version = PINBENCH_ABI_VERSION;
	return ioctl(devfd, PINBENCH_IOC_INFO, info);
}

/*
 * What the module still holds after a cell: every count but the files
 * must be zero (the guest driver's own file stays open). Returns true when
 * nothing is left.
 */
static bool module_idle(const struct pinbench_info *m)
{
	return !m->pages_held && !m->registrations && !m->tracking_objects && !m->notifiers &&
	       m->open_files == 1;
}

static struct json_object *module_counts_json(const struct pinbench_info *m, uint64_t anon_vmas0)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "pages_held", json_object_new_uint64(m->pages_held));
	json_object_object_add(o, "registrations", json_object_new_uint64(m->registrations));
	json_object_object_add(o, "tracking_objects", json_object_new_uint64(m->tracking_objects));
	json_object_object_add(o, "notifiers", json_object_new_uint64(m->notifiers));
	json_object_object_add(o, "open_files", json_object_new_uint64(m->open_files));
	/* fake_vma's known limit (strategy_fake_vma.c): reported, not a failure. */
	json_object_object_add(o, "anon_vmas_leaked",
			       json_object_new_uint64(m->anon_vmas_leaked - anon_vmas0));
	return o;
}

static const struct pb_guest_workload *find_workload(const char *name)
{
	for (const struct pb_guest_workload *const *w = __start_pb_guest_workloads;
	     w < __stop_pb_guest_workloads; w++)
		if (!strcmp((*w)->name, name))
			return *w;
	return NULL;
}

static const char *status_name(enum pb_status st)
{
	return st == PB_OK ? "ok" : st == PB_UNSUPPORTED ? "unsupported" : "failed";
}

/*
 * The emulator's speed, read around every cell in wall mode (the plan's
 * "speed_probe"): nanoseconds per step of a fixed chain of dependent
 * integer multiply-adds, the best of three runs of 100,000 steps (0.4 ms
 * under TCG here). Under TCG on this machine kind the whole vCPU runs
 * 1.4-1.6x slower for seconds at a time, every cell and this loop alike,
 * while QEMU does the same work (perf on the host: the same profile
 * either way); the host's own CPUs show no such phases. The host sets
 * aside the repetitions measured while the probe ran slow (repeat.c).
 */
static double speed_probe_ns(void)
{
	double best = 0;

	for (int t = 0; t < 3; t++) {
		volatile uint64_t sink;
		uint64_t x = 1;
		double t0 = pb_now_s(), dt;

		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
		sink = x;
		(void)sink;
		dt = (pb_now_s() - t0) * 1e9 / 100000;
		if (!t || dt < best)
			best = dt;
	}
	return best;
}

static bool speed_probe;	/* the plan's "speed_probe" (wall mode) */

/* Runs one cell and writes its result; false if the module was left holding state. */
/*
 * A sealed guest (deterministic mode, scripts/guest-init.sh) has no 9p
 * share: the host's own I/O would land between cells at host-timed
 * moments and move every later figure. The share is then a tmpfs of the
 * guest's own, and each file the host reads from it is also sent, as it
 * is written, over a second serial port (PINBENCH_CHANNEL, /dev/ttyS1),
 * which QEMU writes to a file: "PBFILE <name> <length>\n<bytes>\n".
 * The host writes the same file into its share (vm.c), so the runner
 * sees cells start and end as it does with 9p. A UART's writes are
 * synchronous in the emulator: they take emulated time, but the same
 * time in every run.
 */
static int channel_fd = -1;

static void channel_open(void)
{
	const char *dev = getenv("PINBENCH_CHANNEL");
	struct termios t;

	if (!dev || !*dev)
		return;
	channel_fd = open(dev, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (channel_fd < 0)
		pb_die("cannot open the result channel %s: %s", dev, strerror(errno));
	/* Bytes as they are: no \n -> \r\n. */
	if (tcgetattr(channel_fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(channel_fd, TCSANOW, &t);
	}
}

static void channel_write(const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(channel_fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			pb_die("cannot write the result channel: %s", strerror(errno));
		data += n;
		len -= (size_t)n;
	}
}

/* share/name gets data, atomically; a sealed guest sends it to the host too. */
static void share_put(const char *share, const char *name, const char *data, size_t len)
{
	char *path = pb_asprintf("%s/%s", share, name);

	if (pb_write_file_atomic(path, data, len) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	free(path);
	if (channel_fd >= 0) {
		char *head = pb_asprintf("PBFILE %s %zu\n", name, len);

		channel_write(head, strlen(head));
		channel_write(data, len);
		channel_write("\n", 1);
		free(head);
	}
}

static bool run_cell(const char *share, int devfd, int index, struct json_object *plan_cell)
{
	struct json_object *id, *wl, *params, *out, *bal, *v;
	const struct pb_guest_workload *w;
	uint64_t acq0, rel0, acq1, rel1, anon_vmas0;
	struct pinbench_info m0, m1;
	struct pb_cell cell = { 0 };
	char *path, splat[512];
	const char *js;
	double t0, probe0 = 0;
	int kfd;

	json_object_object_get_ex(plan_cell, "id", &id);
	json_object_object_get_ex(plan_cell, "workload", &wl);
	json_object_object_get_ex(plan_cell, "params", &params);
	cell.id = json_object_get_string(id);
	cell.params = params;
	cell.raw = json_object_new_object();
	cell.devfd = devfd;
	cell.share = share;

	path = pb_asprintf("cells/%04d.started", index);
	share_put(share, path, cell.id, strlen(cell.id));
	free(path);

	kfd = pb_kmsg_open_at_end();
	kmsg_mark(kfd, "pinbench: cell %d %s start\n", index, cell.id);
	if (pb_vmstat_foll_pins(&acq0, &rel0) < 0)
		pb_warn("/proc/vmstat has no nr_foll_pin_* counters");
	if (module_info(devfd, &m0) < 0)
		pb_die("PINBENCH_IOC_INFO: %s", strerror(errno));
	anon_vmas0 = m0.anon_vmas_leaked;
	if (speed_probe)
		probe0 = speed_probe_ns();
	t0 = pb_now_s();

	w = find_workload(json_object_get_string(wl));
	if (!w)
		pb_cell_fail(&cell, PB_FAILED, "guest driver has no workload '%s'",
			     json_object_get_string(wl));
	else
		w->run(&cell);
	/* What the cell's strategy is (PINBENCH_PROP_*), beside what it can do. */
	if (json_object_object_get_ex(cell.params, "strategy", NULL))
		json_object_object_add(cell.raw, "strategy_props", json_object_new_uint64(
			pb_strategy_props(pb_param_str(&cell, "strategy"))));

	pb_vmstat_foll_pins(&acq1, &rel1);
	if (module_info(devfd, &m1) < 0)
		pb_die("PINBENCH_IOC_INFO: %s", strerror(errno));
	/*
	 * Some releases are asynchronous in the kernel itself: io_uring drops
	 * its registered buffers' pins from io_ring_exit_work after the ring
	 * is closed, and a workload's child that held /dev/pinbench may still
	 * be exiting. Give them up to 5 s to land in this cell; a real leak
	 * still shows, and how long it took is recorded.
	 */
	for (int i = 0; i < 100 && (acq1 - acq0 != rel1 - rel0 || !module_idle(&m1)); i++) {
		usleep(50000);
		pb_vmstat_foll_pins(&acq1, &rel1);
		module_info(devfd, &m1);
		json_object_object_add(cell.raw, "pin_settle_ms", json_object_new_int((i + 1) * 50));
	}
	kmsg_mark(kfd, "pinbench: cell %d end\n", index);
	out = json_object_new_object();
	json_object_object_add(out, "index", json_object_new_int(index));
	json_object_object_add(out, "id", json_object_new_string(cell.id));
	json_object_object_add(out, "kernel_log", kmsg_collect(kfd, splat, sizeof(splat)));
	if (kfd >= 0)
		close(kfd);
	/* The kernel log is part of the verdict, whatever the workload said. */
	if (splat[0] && cell.status != PB_FAILED)
		pb_cell_fail(&cell, PB_FAILED, "kernel log: %s", splat);
	/* The module's own leak accounting: whatever the workload said. */
	if (!module_idle(&m1) && cell.status != PB_FAILED)
		pb_cell_fail(&cell, PB_FAILED,
			     "module leak after the cell: %llu pages held, %llu registrations, %llu tracking objects (%llu notifiers), %u files open (1 expected)",
			     (unsigned long long)m1.pages_held, (unsigned long long)m1.registrations,
			     (unsigned long long)m1.tracking_objects, (unsigned long long)m1.notifiers,
			     m1.open_files);
	if (cell.status == PB_OK && acq1 - acq0 != rel1 - rel0)
		pb_cell_fail(&cell, PB_FAILED, "pin balance: %llu FOLL_PIN pins acquired, %llu released",
			     (unsigned long long)(acq1 - acq0), (unsigned long long)(rel1 - rel0));
	/* A workload that knows how many FOLL_PIN pins it took says so (the harness's own I/O apart). */
	if (cell.foll_pins_harness)
		json_object_object_add(cell.raw, "foll_pins_harness", json_object_new_uint64(cell.foll_pins_harness));
	/*
	 * With invalidations provoked during the cell (debug_invalidate_ms),
	 * GUP-fast itself may pin a page, find its PTE changed and unpin it
	 * again before it returns (gup_pte_range() in mm/gup.c): /proc/vmstat
	 * counts that pin both ways, the strategy never sees it. Then vmstat
	 * may count more, never fewer, and the balance above still holds.
	 */
	if (cell.status == PB_OK &&
	    json_object_object_get_ex(cell.raw, "foll_pins_expected", &bal) &&
	    json_object_object_get_ex(cell.raw, "debug_invalidations", &v) &&
	    json_object_get_uint64(v) &&
	    json_object_get_uint64(bal) + cell.foll_pins_harness <= acq1 - acq0)
		json_object_object_add(cell.raw, "foll_pins_gup_fast_rollbacks", json_object_new_uint64(
			acq1 - acq0 - json_object_get_uint64(bal) - cell.foll_pins_harness));
	else if (cell.status == PB_OK &&
	    json_object_object_get_ex(cell.raw, "foll_pins_expected", &bal) &&
	    json_object_get_uint64(bal) + cell.foll_pins_harness != acq1 - acq0)
		pb_cell_fail(&cell, PB_FAILED, "pin accounting: the strategy took %llu FOLL_PIN pins and the harness's own direct I/O %llu, /proc/vmstat counted %llu",
			     (unsigned long long)json_object_get_uint64(bal),
			     (unsigned long long)cell.foll_pins_harness,
			     (unsigned long long)(acq1 - acq0));
	json_object_object_add(out, "status", json_object_new_string(status_name(cell.status)));
	json_object_object_add(out, "reason", json_object_new_string(cell.reason));
	json_object_object_add(out, "elapsed_s", json_object_new_double(pb_now_s() - t0));
	if (speed_probe) {
		struct json_object *sp = json_object_new_array();

		json_object_array_add(sp, json_object_new_double(probe0));
		json_object_array_add(sp, json_object_new_double(speed_probe_ns()));
		json_object_object_add(out, "speed_probe_ns", sp);
	}
	bal = json_object_new_object();
	json_object_object_add(bal, "acquired", json_object_new_uint64(acq1 - acq0));
	json_object_object_add(bal, "released", json_object_new_uint64(rel1 - rel0));
	json_object_object_add(out, "pin_balance", bal);
	json_object_object_add(out, "module_counts", module_counts_json(&m1, anon_vmas0));
	json_object_object_add(out, "raw", cell.raw);

	js = json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN);
	path = pb_asprintf("cells/%04d.json", index);
	share_put(share, path, js, strlen(js));
	printf("pinbench-guest: cell %d %s: %s%s%s\n", index, cell.id, status_name(cell.status),
	       cell.reason[0] ? ": " : "", cell.reason);
	fflush(stdout);
	free(path);
	json_object_put(out);
	return module_idle(&m1);
}

struct json_object *pb_phase_json(const struct pinbench_phase_stats *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "n", json_object_new_uint64(st->n));
	json_object_object_add(o, "sum", json_object_new_uint64(st->sum_ns));
	json_object_object_add(o, "min", json_object_new_uint64(st->min_ns));
	json_object_object_add(o, "max", json_object_new_uint64(st->max_ns));
	return o;
}

struct json_object *pb_contexts_json(const __u64 counts[3])
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "hardirq", json_object_new_uint64(counts[0]));
	json_object_object_add(c, "softirq", json_object_new_uint64(counts[1]));
	json_object_object_add(c, "task", json_object_new_uint64(counts[2]));
	return c;
}

struct json_object *pb_phase_hist_json(const struct pinbench_phase_stats *st, uint64_t *buckets)
{
	struct pb_hist h = { .n = st->n, .sum = st->sum_ns, .min = st->min_ns,
			     .max = st->max_ns, .buckets = buckets };

	return pb_hist_to_json(&h);
}

static struct pinbench_info mod_info;	/* as the module answered INFO */
static uint32_t mod_props[PINBENCH_MAX_STRATEGIES];	/* as it answered STRATEGY */
static uint32_t mod_flags[PINBENCH_MAX_STRATEGIES];	/* its supported_flags */

uint32_t pb_strategy_caps(const char *strategy)
{
	uint32_t id = pb_strategy_id(strategy);

	return id < PINBENCH_MAX_STRATEGIES ? mod_info.strategy_caps[id] : 0;
}

uint32_t pb_strategy_props(const char *strategy)
{
	uint32_t id = pb_strategy_id(strategy);

	return id < PINBENCH_MAX_STRATEGIES ? mod_props[id] : 0;
}

/* What every built-in strategy is (PINBENCH_IOC_STRATEGY), once per run. */
static void query_props(int fd)
{
	for (uint32_t id = 1; id < PINBENCH_MAX_STRATEGIES; id++) {
		struct pinbench_strategy_info si = { .abi_version = PINBENCH_ABI_VERSION, .id = id };

		if (mod_info.strategy_mask & (1ull << id) && !ioctl(fd, PINBENCH_IOC_STRATEGY, &si)) {
			mod_props[id] = si.props;
			mod_flags[id] = si.supported_flags;
		}
	}
}

const char *pb_unsupported_why(const char *strategy, uint32_t flags, uint32_t registration)
{
	uint32_t id = pb_strategy_id(strategy);
	uint32_t missing = id < PINBENCH_MAX_STRATEGIES ? flags & ~mod_flags[id] : 0;
	bool mirror = pb_strategy_props(strategy) & PINBENCH_PROP_DEVICE_FAULTS;

	if (registration == PINBENCH_REG_PER_BUFFER &&
	    !(pb_strategy_caps(strategy) & PINBENCH_CAP_REGISTRATION))
		return "it has no per-buffer state: every acquire stands alone";
	if (missing & PINBENCH_PIN_LONGTERM)
		return mirror ? "FOLL_LONGTERM is for pins, and it holds none (nothing to migrate first)" :
				"FOLL_LONGTERM is only valid with FOLL_PIN";
	if (missing & PINBENCH_PIN_DIRTY)
		return mirror ? "it holds no page to dirty at release (its write faults dirtied them)" :
				"it cannot dirty pages at release";
	if (missing)
		return "it does not take these flags";
	return "the module refused it (EOPNOTSUPP)";
}

#define CALIBRATE_PARAM "/sys/module/pinbench/parameters/calibrate_ns_per_page"

static char *read_line(const char *path)
{
	char *s = pb_read_first_line(path);

	return s ? s : pb_xstrdup("unknown");
}

/* Facts about this boot that every result carries. */
static void write_guest_facts(const char *share, const struct pinbench_info *info)
{
	struct json_object *o = json_object_new_object();
	struct utsname u;
	char *cs = read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource");
	char *thp = read_line("/sys/kernel/mm/transparent_hugepage/enabled");
	const char *js;

	uname(&u);
	json_object_object_add(o, "kernel_release", json_object_new_string(u.release));
	json_object_object_add(o, "kernel_version", json_object_new_string(u.version));
	json_object_object_add(o, "vcpus", json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(o, "mem_mib", json_object_new_int64(
		(int64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) >> 20));
	json_object_object_add(o, "clocksource", json_object_new_string(cs));
	json_object_object_add(o, "clock_read_ns", json_object_new_uint64(info->clock_read_ns));
	json_object_object_add(o, "thp_enabled", json_object_new_string(thp));
	json_object_object_add(o, "abi_version", json_object_new_int((int)info->abi_version));
	json_object_object_add(o, "topology", pb_topology_json());
	{
		/* Read back: what the module really charged, not what was asked. */
		char *cal = read_line(CALIBRATE_PARAM);

		json_object_object_add(o, "calibrate_ns_per_page", json_object_new_int(atoi(cal)));
		free(cal);
	}
	js = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	share_put(share, "guest.json", js, strlen(js));
	free(cs);
	free(thp);
	json_object_put(o);
}

/* The plan's calibration (pinbench run --calibrate-ns-per-page), set on every boot. */
static void set_calibration(struct json_object *plan)
{
	struct json_object *v;
	char buf[32];
	int fd, n;

	if (!json_object_object_get_ex(plan, "calibrate_ns_per_page", &v))
		return;
	n = snprintf(buf, sizeof(buf), "%u", (unsigned int)json_object_get_int(v));
	fd = open(CALIBRATE_PARAM, O_WRONLY);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		pb_die("cannot set %s to %s: %s", CALIBRATE_PARAM, buf, strerror(errno));
	close(fd);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pinbench-guest --share DIR   run DIR/plan.json, results in DIR/cells/\n"
		"       pinbench-guest info          print what /dev/pinbench reports\n"
		"       pinbench-guest klog-check    exit 1 if a kernel log on stdin has a splat\n");
	exit(2);
}

/* A stage of the boot timeline (results.json run.boot_timeline), as the init says its own. */
static void boot_stage(const char *name)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	printf("PINBENCH-STAGE %s %.2f\n", name, ts.tv_sec + ts.tv_nsec / 1e9);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct json_object *plan, *cells, *v;
	const char *share;
	char *path;
	size_t i, n;
	bool first_done = false;
	int devfd;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "klog-check")) {
		/* One list of patterns for every verdict: tests/guest/run.sh uses this. */
		char line[4096];
		int bad = 0;

		while (fgets(line, sizeof(line), stdin)) {
			if (pb_klog_splat(line)) {
				printf("kernel log: %s", line);
				bad = 1;
			}
		}
		return bad;
	}
	devfd = open("/dev/pinbench", O_RDWR | O_CLOEXEC);
	if (devfd < 0)
		pb_die("cannot open /dev/pinbench: %s (is pinbench.ko loaded?)", strerror(errno));
	if (module_info(devfd, &mod_info) < 0)
		pb_die("PINBENCH_IOC_INFO: %s%s", strerror(errno),
		       errno == EPROTO ? " (module built from another ABI version)" : "");
	query_props(devfd);

	if (!strcmp(argv[1], "info")) {
		printf("abi_version %u\npage_size %u\nstrategy_mask 0x%llx\nhist_buckets %u\n"
		       "max_pages_per_call %u\nmax_buffer_pages %u\nclock_read_ns %llu\n"
		       "pages_held %llu\nregistrations %llu\ntracking_objects %llu\nnotifiers %llu\n"
		       "open_files %u\nanon_vmas_leaked %llu\n",
		       mod_info.abi_version, mod_info.page_size, (unsigned long long)mod_info.strategy_mask,
		       mod_info.hist_buckets, mod_info.max_pages_per_call, mod_info.max_buffer_pages,
		       (unsigned long long)mod_info.clock_read_ns,
		       (unsigned long long)mod_info.pages_held, (unsigned long long)mod_info.registrations,
		       (unsigned long long)mod_info.tracking_objects,
		       (unsigned long long)mod_info.notifiers, mod_info.open_files,
		       (unsigned long long)mod_info.anon_vmas_leaked);
		return 0;
	}
	if (strcmp(argv[1], "--share") || argc != 3)
		usage();
	boot_stage("program");
	share = argv[2];
	channel_open();
	if (mod_info.hist_buckets != PINBENCH_HIST_BUCKETS)
		pb_die("module histogram layout (%u buckets) differs from ours (%u)",
		       mod_info.hist_buckets, PINBENCH_HIST_BUCKETS);
	path = pb_asprintf("%s/plan.json", share);
	plan = json_object_from_file(path);
	if (!plan || !json_object_object_get_ex(plan, "cells", &cells))
		pb_die("%s: cannot read the plan: %s", path, json_util_get_last_err());
	free(path);
	set_calibration(plan);
	speed_probe = json_object_get_boolean(json_object_object_get(plan, "speed_probe"));
	write_guest_facts(share, &mod_info);
	pb_counters_hold();
	boot_stage("program_ready");
	path = pb_asprintf("%s/cells", share);
	pb_mkdir_p(path, 0755);
	free(path);

	n = json_object_array_length(cells);
	/*
	 * A boot may run only part of the plan (run_from..run_to): an A/B run
	 * boots each kernel for one repetition at a time, alternating.
	 */
	i = 0;
	if (json_object_object_get_ex(plan, "run_from", &v))
		i = (size_t)json_object_get_uint64(v);
	if (json_object_object_get_ex(plan, "run_to", &v) && (size_t)json_object_get_uint64(v) < n)
		n = (size_t)json_object_get_uint64(v);
	for (; i < n; i++) {
		/* A cell with a result was run, or failed in an earlier boot. */
		path = pb_asprintf("%s/cells/%04zu.json", share, i);
		if (!pb_file_exists(path) && !first_done) {
			boot_stage("first_cell");
			first_done = true;
		}
		if (!pb_file_exists(path) && !run_cell(share, devfd, (int)i, json_object_array_get_idx(cells, i))) {
			/*
			 * What the module still holds would fail every later cell
			 * and skew its figures. End this guest: the runner boots a
			 * clean one for the cells left, as after a crash.
			 */
			printf("pinbench-guest: the module still holds state after cell %zu; ending this guest\n", i);
			json_object_put(plan);
			return 3;
		}
		free(path);
	}
	json_object_put(plan);
	close(devfd);
	while (pb_hang_at_exit)
		pause();
	return 0;
}
