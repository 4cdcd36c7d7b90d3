// SPDX-License-Identifier: GPL-2.0
/* wl_irq_completion.c: the irq_completion workload in the guest: placement, the in-kernel run, its checks. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "guest.h"
#include "names.h"
#include "pinbench_uapi.h"
#include "util.h"

static const struct {
	const char *name;
	uint32_t ctx;
	int index;	/* in pinbench_irq_completion.contexts[] */
} contexts[] = {
	{ "hardirq", PINBENCH_CTX_HARDIRQ, 0 },
	{ "softirq", PINBENCH_CTX_SOFTIRQ, 1 },
	{ "process", PINBENCH_CTX_PROCESS, 2 },
};

/*
 * placement=split: the submitter and the device on two PUs hwloc spreads
 * apart (two cores where there are two), so the device's interrupts and
 * deferred work compete with each other and not with the submitter;
 * placement=shared: both on one PU, so they compete with the submitter
 * too, as when a device interrupts the CPU that submitted.
 */
static int place(struct pb_cell *cell, const char *placement, int *sub_cpu, int *dev_cpu)
{
	char err[160];
	int pu[2];

	if (!strcmp(placement, "shared")) {
		if (pb_place(1, pu, err, sizeof(err)) < 0)
			goto fail;
		pu[1] = pu[0];
	} else if (pb_place(2, pu, err, sizeof(err)) < 0) {
		pb_cell_fail(cell, PB_UNSUPPORTED, "placement split: %s", err);
		return -1;
	}
	if (pb_bind_self(pu[0], err, sizeof(err)) < 0)
		goto fail;
	*sub_cpu = pu[0];
	*dev_cpu = pu[1];
	return 0;
fail:
	pb_cell_fail(cell, PB_FAILED, "placement %s: %s", placement, err);
	return -1;
}

static void irq_completion_run(struct pb_cell *cell)
{
	const char *strategy = pb_param_str(cell, "strategy");
	const char *context = pb_param_str(cell, "context");
	bool read = !strcmp(pb_param_str(cell, "rw"), "read");
	uint32_t ppi = (uint32_t)pb_param_u64(cell, "pages_per_io");
	uint32_t qd = (uint32_t)pb_param_u64(cell, "queue_depth");
	size_t len = (size_t)qd * ppi * 4096;
	struct pinbench_irq_completion a;
	uint64_t *hist[4] = { NULL }, samples[PINBENCH_IRQ_SAMPLES], busy0, busy1;
	const char *cpu_source = "";
	struct json_object *arr;
	struct pb_counters cnt;
	int ci = -1, sub_cpu, dev_cpu;
	char *buf;

	for (size_t i = 0; i < ARRAY_SIZE(contexts); i++)
		if (!strcmp(contexts[i].name, context))
			ci = (int)i;
	if (ci < 0) {
		pb_cell_fail(cell, PB_FAILED, "unknown context '%s'", context);
		return;
	}
	if (place(cell, pb_param_str(cell, "placement"), &sub_cpu, &dev_cpu) < 0)
		return;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		pb_cell_fail(cell, PB_FAILED, "mmap %zu bytes: %s", len, strerror(errno));
		goto out_unbind;
	}
	madvise(buf, len, MADV_NOHUGEPAGE);
	/* Pages present before the clock starts: this workload measures completion, not faults. */
	memset(buf, 0x5a, len);

	for (int i = 0; i < 4; i++)
		hist[i] = pb_xcalloc(PINBENCH_HIST_BUCKETS, sizeof(uint64_t));
	memset(samples, 0, sizeof(samples));
	memset(&a, 0, sizeof(a));
	a.abi_version = PINBENCH_ABI_VERSION;
	a.strategy = pb_strategy_id(strategy);
	a.flags = pb_param_u64(cell, "longterm") ? PINBENCH_PIN_LONGTERM : 0;
	a.registration = strcmp(pb_param_str(cell, "registration"), "per_buffer") ?
			 PINBENCH_REG_PER_IO : PINBENCH_REG_PER_BUFFER;
	a.context = contexts[ci].ctx;
	a.direction = read ? PINBENCH_DMA_READ : PINBENCH_DMA_WRITE;
	a.pages_per_io = ppi;
	a.queue_depth = qd;
	a.addr = (uintptr_t)buf;
	a.rate_hz = (uint32_t)pb_param_u64(cell, "rate_hz");
	a.coalesce = (uint32_t)pb_param_u64(cell, "coalesce");
	a.max_backlog = (uint32_t)pb_param_u64(cell, "max_backlog");
	a.cpu = dev_cpu;
	a.duration_ns = pb_param_u64(cell, "duration_ms") * 1000000ull;
	a.warmup_ns = pb_param_u64(cell, "warmup_ms") * 1000000ull;
	a.handler_hist = (uintptr_t)hist[0];
	a.release_hist = (uintptr_t)hist[1];
	a.residency_hist = (uintptr_t)hist[2];
	a.done_hist = (uintptr_t)hist[3];
	a.backlog_samples = (uintptr_t)samples;
	a.hist_buckets = PINBENCH_HIST_BUCKETS;

	pb_counters_open(&cnt);
	busy0 = pb_cpu_busy_ns(&cpu_source);
	pb_counters_start(&cnt);
	if (ioctl(cell->devfd, PINBENCH_IOC_IRQ_COMPLETION, &a) < 0) {
		int e = errno;

		pb_counters_stop(&cnt);
		if (e == EOPNOTSUPP)
			pb_cell_fail(cell, PB_UNSUPPORTED, "%s cannot honour this cell: %s", strategy,
				     pb_unsupported_why(strategy, a.flags, a.registration));
		else
			pb_cell_fail(cell, PB_FAILED, "PINBENCH_IOC_IRQ_COMPLETION: %s", strerror(e));
		goto out_free;
	}
	pb_counters_stop(&cnt);
	busy1 = pb_cpu_busy_ns(NULL);

	/* The harness's own promise: every handler ran where the cell says. */
	if (a.contexts[contexts[ci].index] != a.completions) {
		pb_cell_fail(cell, PB_FAILED, "%" PRIu64 " of %" PRIu64 " completions ran outside %s "
			     "context (hardirq %" PRIu64 ", softirq %" PRIu64 ", task %" PRIu64 ")",
			     (uint64_t)(a.completions - a.contexts[contexts[ci].index]),
			     (uint64_t)a.completions, context, (uint64_t)a.contexts[0],
			     (uint64_t)a.contexts[1], (uint64_t)a.contexts[2]);
		goto out_free;
	}
	if (!a.completions) {
		pb_cell_fail(cell, PB_FAILED, "the device completed nothing in %" PRIu64 " ms",
			     (uint64_t)(a.elapsed_ns / 1000000));
		goto out_free;
	}
	if (a.deferred)
		pb_cell_note(cell, "%" PRIu64 " of %" PRIu64 " releases deferred to a workqueue",
			     (uint64_t)a.deferred, (uint64_t)a.completions);
	if (a.stalls)
		pb_cell_note(cell, "the submitter waited %" PRIu64 " times for the backlog (max %u)",
			     (uint64_t)a.stalls, a.max_backlog);

	json_object_object_add(cell->raw, "strategy_caps", json_object_new_uint64(a.strategy_caps));
	json_object_object_add(cell->raw, "rate_hz", json_object_new_uint64(a.rate_hz));
	json_object_object_add(cell->raw, "coalesce", json_object_new_uint64(a.coalesce));
	json_object_object_add(cell->raw, "max_backlog", json_object_new_uint64(a.max_backlog));
	json_object_object_add(cell->raw, "submitter_cpu", json_object_new_int(a.submitter_cpu));
	json_object_object_add(cell->raw, "device_cpu", json_object_new_int(a.cpu_used));
	if (a.submitter_cpu != sub_cpu)
		pb_cell_note(cell, "the submitter ran on CPU %d, not the CPU %d it was bound to",
			     a.submitter_cpu, sub_cpu);
	json_object_object_add(cell->raw, "elapsed_ns", json_object_new_uint64(a.elapsed_ns));
	json_object_object_add(cell->raw, "interrupts", json_object_new_uint64(a.interrupts));
	json_object_object_add(cell->raw, "offered", json_object_new_uint64(a.offered));
	json_object_object_add(cell->raw, "completions", json_object_new_uint64(a.completions));
	json_object_object_add(cell->raw, "missed_empty", json_object_new_uint64(a.missed_empty));
	json_object_object_add(cell->raw, "missed_late", json_object_new_uint64(a.missed_late));
	json_object_object_add(cell->raw, "handler_ns", pb_phase_hist_json(&a.handler, hist[0]));
	json_object_object_add(cell->raw, "release_ns", pb_phase_hist_json(&a.release, hist[1]));
	json_object_object_add(cell->raw, "residency_ns", pb_phase_hist_json(&a.residency, hist[2]));
	json_object_object_add(cell->raw, "done_ns", pb_phase_hist_json(&a.done, hist[3]));
	json_object_object_add(cell->raw, "acquire_ns", pb_phase_json(&a.acquire));
	json_object_object_add(cell->raw, "contexts", pb_contexts_json(a.contexts));
	json_object_object_add(cell->raw, "deferred", json_object_new_uint64(a.deferred));
	json_object_object_add(cell->raw, "deferred_work_ns", json_object_new_uint64(a.deferred_work_ns));
	json_object_object_add(cell->raw, "max_backlog_seen", json_object_new_uint64(a.max_backlog_seen));
	json_object_object_add(cell->raw, "backlog_end", json_object_new_uint64(a.backlog_end));
	json_object_object_add(cell->raw, "drain_ns", json_object_new_uint64(a.drain_ns));
	json_object_object_add(cell->raw, "stalls", json_object_new_uint64(a.stalls));
	json_object_object_add(cell->raw, "read_retries", json_object_new_uint64(a.read_retries));
	/* Acquires something else ran inside (preemption, the device on this CPU): not in "acquire". */
	json_object_object_add(cell->raw, "acquires_disturbed", json_object_new_uint64(a.acquires_disturbed));
	arr = json_object_new_array();
	for (unsigned int i = 0; i < PINBENCH_IRQ_SAMPLES; i++)
		json_object_array_add(arr, json_object_new_uint64(samples[i]));
	json_object_object_add(cell->raw, "backlog_samples", arr);
	json_object_object_add(cell->raw, "cpu_busy_ns", json_object_new_uint64(busy1 - busy0));
	json_object_object_add(cell->raw, "cpu_busy_source", json_object_new_string(cpu_source));
	json_object_object_add(cell->raw, "counters", pb_counters_json(&cnt));
	json_object_object_add(cell->raw, "foll_pins_expected", json_object_new_uint64(a.foll_pins));
out_free:
	pb_counters_close(&cnt);
	for (int i = 0; i < 4; i++)
		free(hist[i]);
	munmap(buf, len);
out_unbind:
	pb_unbind_self();
}

const struct pb_guest_workload pb_wl_irq_completion = {
	.name = "irq_completion",
	.run = irq_completion_run,
};
PB_GUEST_WORKLOAD(pb_wl_irq_completion);
