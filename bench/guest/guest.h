/* SPDX-License-Identifier: GPL-2.0 */
/* guest.h: the contract between the guest driver and one workload file. */
#ifndef PINBENCH_GUEST_H
#define PINBENCH_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <json-c/json.h>

enum pb_status { PB_OK, PB_UNSUPPORTED, PB_FAILED };

struct pb_cell {
	const char *id;
	struct json_object *params;	/* from the plan, read-only */
	struct json_object *raw;	/* the workload adds its raw data here */
	int devfd;			/* /dev/pinbench */
	const char *share;		/* the run's share: lives across the guest's boots */
	enum pb_status status;
	char reason[512];
	/*
	 * FOLL_PIN pins of the harness's own direct I/O (filling the device,
	 * verifying the data): from 6.3 O_DIRECT pins too. Counted from
	 * /proc/vmstat around those steps, while no module request runs, so
	 * that the module's own count (foll_pins_expected) is still checked
	 * exactly against the rest (pb_harness_pins_begin()/_end()).
	 */
	uint64_t foll_pins_harness;
};

/* Around a step of the harness's own direct I/O: its FOLL_PIN pins go to cell->foll_pins_harness. */
uint64_t pb_harness_pins_begin(void);
void pb_harness_pins_end(struct pb_cell *cell, uint64_t begin);

/*
 * A workload is one file that defines one of these. run() fills
 * cell->raw with what it measured (raw: histograms and sums; the host
 * computes statistics), or sets status and reason.
 */
struct pb_guest_workload {
	const char *name;
	void (*run)(struct pb_cell *cell);
};

/* Set by the selftest cell fault=hang_at_exit: main() never returns (a containment test). */
extern bool pb_hang_at_exit;
/*
 * A workload's guest driver registers itself with PB_GUEST_WORKLOAD(w)
 * after its definition: a pointer to it in the section pb_guest_workloads,
 * which the linker gathers between __start_ and __stop_ (the guest driver
 * links its objects, never an archive that could leave one out). Adding a
 * workload's driver then touches no table.
 */
#define PB_GUEST_WORKLOAD(w)							\
	static const struct pb_guest_workload *const w##_entry			\
	__attribute__((used, section("pb_guest_workloads"))) = &w
extern const struct pb_guest_workload *const __start_pb_guest_workloads[];
extern const struct pb_guest_workload *const __stop_pb_guest_workloads[];

/* Helpers for workloads. */
void pb_cell_fail(struct pb_cell *cell, enum pb_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add a sentence to an ok cell's reason ("; "-separated). */
void pb_cell_note(struct pb_cell *cell, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *pb_param_str(struct pb_cell *cell, const char *key);
const char *pb_param_str_or(struct pb_cell *cell, const char *key, const char *def);
uint64_t pb_param_u64_or(struct pb_cell *cell, const char *key, uint64_t def);
uint64_t pb_param_u64(struct pb_cell *cell, const char *key);
/* PINBENCH_CAP_* of a strategy, as the loaded module declares them. */
uint32_t pb_strategy_caps(const char *strategy);
/* Its PINBENCH_PROP_* (what it is), as the module says. */
uint32_t pb_strategy_props(const char *strategy);
/* Why the module answered EOPNOTSUPP to this strategy, flags and registration, from what it declares. */
const char *pb_unsupported_why(const char *strategy, uint32_t flags, uint32_t registration);
/* Raw forms of the module's figures: {n,sum,min,max}, and that plus a histogram. */
struct pinbench_phase_stats;
struct json_object *pb_phase_json(const struct pinbench_phase_stats *st);
struct json_object *pb_phase_hist_json(const struct pinbench_phase_stats *st, uint64_t *buckets);
/* {"hardirq": n, "softirq": n, "task": n}: counts by PINBENCH_CTX_* order (hardirq first). */
struct json_object *pb_contexts_json(const __u64 counts[3]);

/* null_blk devices (nullb.c): the completion context is null_blk's irqmode. */
enum pb_nullb_mode { PB_NULLB_INLINE = 0, PB_NULLB_SOFTIRQ = 1, PB_NULLB_HARDIRQ = 2 };
int pb_nullb_get(enum pb_nullb_mode mode, unsigned int completion_nsec, unsigned int size_mib,
		 char *dev, size_t devlen, char *err, size_t errlen);

/*
 * The device's buffers (devbuf.c): DEV_STOP or DEV_UNREGISTER into st (with
 * fates: the buffer's pages entries to fill, or NULL); the revoke policy a
 * cell asks for (PINBENCH_REVOKE_*; its options exist only for revoking
 * strategies).
 */
struct pinbench_dev_stats;
struct pinbench_page_fate;
/* n raw /proc/self/pagemap entries from addr (root sees PFNs): 0, or -1 with errno. */
int pb_pagemap_read(const void *addr, size_t n, uint64_t *entry);
/* An entry's frame, or 0 for a page not present. */
uint64_t pb_pagemap_pfn(uint64_t entry);
int pb_dev_stats(int devfd, unsigned long cmd, uint32_t id, struct pinbench_dev_stats *st,
		 struct pinbench_page_fate *fates, unsigned int pages);
uint32_t pb_cell_revoke(struct pb_cell *cell);

/* File systems for the file-backed workloads (fs.c), set up once per boot. */
enum pb_fs { PB_FS_TMPFS, PB_FS_EXT4, PB_FS_EXT4_DAX, PB_FS_NR };
int pb_fs_kind(const char *name);		/* enum pb_fs, or -1 */
int pb_fs_get(enum pb_fs kind, char *dir, size_t dirlen, char *err, size_t errlen);

/* Direct I/O workloads (dio_common.c): every cell cycles through the first PB_DIO_DEV_MIB of the device. */
#define PB_DIO_DEV_MIB 16
/* What the device holds before a read cell: each word says where it lives. */
uint64_t pb_dio_dev_word(uint64_t dev_byte, uint64_t nonce);
/* What a write cell's slot holds: which slot, which word. */
uint64_t pb_dio_slot_word(unsigned int slot, uint64_t word, uint64_t nonce);
uint64_t pb_dio_nonce(void);
/* Fill the span with pb_dio_dev_word()s through fd (O_DIRECT). */
int pb_dio_span_fill(int fd, uint64_t nonce, char *err, size_t errlen);
/* All CPUs' busy time (user+nice+system+irq+softirq) from /proc/stat, ns (10 ms resolution). */
uint64_t pb_cpu_busy_ns(const char **source);
/*
 * One submitter's share of a direct I/O cell: qd slots of bs bytes from
 * buf, numbered from slot_base across the cell (a write slot's pattern
 * names its number), and the device range [dev_off, dev_off + span) its
 * I/O seq went to, at dev_off + seq * bs % span, in submission order.
 * slot_seq[s] is the seq of slot s's last measured I/O (~0: none); total
 * the number of I/Os submitted, warm-up included.
 */
struct pb_dio_share {
	const char *buf;
	unsigned int qd, slot_base;
	uint64_t dev_off, span;
	const uint64_t *slot_seq;
	uint64_t total;
};
/*
 * After a cell: reads must have left each slot holding its last block's
 * words; writes must have left every block of the final wrap holding
 * exactly one of the share's slots' data, and each slot's last block
 * naming it. Fails the cell otherwise.
 */
int pb_dio_verify(struct pb_cell *cell, int dfd, const struct pb_dio_share *sh, uint32_t bs,
		  bool read, uint64_t nonce, uint64_t *checked);
/* The cell's null_blk device (params completion, completion_nsec); fails the cell if unavailable. */
int pb_dio_device(struct pb_cell *cell, enum pb_nullb_mode *mode, char *dev, size_t devlen);

/* CPU counters of the calling thread, through libperf (counters.c). */
enum { PB_CNT_TASK_CLOCK, PB_CNT_CTX_SWITCHES, PB_CNT_CYCLES, PB_CNT_INSTRUCTIONS, PB_NR_COUNTERS };
struct perf_thread_map;
struct perf_evsel;
struct pb_counters {
	struct perf_thread_map *threads;
	struct perf_evsel *evsel[PB_NR_COUNTERS];
	uint64_t value[PB_NR_COUNTERS];
	uint64_t base[PB_NR_COUNTERS], base_ena[PB_NR_COUNTERS], base_run[PB_NR_COUNTERS];
	int ok[PB_NR_COUNTERS];
	char why[PB_NR_COUNTERS][96];	/* why unavailable, or a caveat */
};
void pb_counters_open(struct pb_counters *c);
/* The guest's CPU topology through hwloc (topology.c). */
struct json_object *pb_topology_json(void);
/* Thread placement through hwloc (topology.c). */
#define PB_MAX_PLACED 64
int pb_place(unsigned int n, int *os_index, char *err, size_t errlen);
int pb_bind_self(int os_index, char *err, size_t errlen);
void pb_unbind_self(void);

/* Open the counters for the driver's life, at start (see counters.c for why). */
void pb_counters_hold(void);
void pb_counters_start(struct pb_counters *c);
void pb_counters_stop(struct pb_counters *c);
struct json_object *pb_counters_json(const struct pb_counters *c);
void pb_counters_close(struct pb_counters *c);
/* Counters of the calling thread, opened and closed per cell (a submitter thread). */
void pb_counters_open_self(struct pb_counters *c);
void pb_counters_close_self(struct pb_counters *c);
void pb_counters_add(struct pb_counters *a, const struct pb_counters *b);

/* Kprobe events in tracefs, as evidence of what the kernel did (ktrace.c). */
#define PB_KTRACE_MAX 8
struct pb_ktrace {
	unsigned int n;
	char names[PB_KTRACE_MAX][32];
};
int pb_ktrace_start(struct pb_ktrace *kt, const char *const *defs, unsigned int n, char *err,
		    size_t errlen);
void pb_ktrace_begin(struct pb_ktrace *kt);
void pb_ktrace_mark(const char *msg);
long pb_ktrace_end(struct pb_ktrace *kt, void (*fn)(void *arg, const char *event, int pid,
						    const char *args), void *arg);
void pb_ktrace_stop(struct pb_ktrace *kt);
unsigned long long pb_ktrace_arg(const char *args, const char *key);

#endif
