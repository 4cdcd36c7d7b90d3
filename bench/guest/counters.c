// SPDX-License-Identifier: GPL-2.0
/* counters.c: CPU counters of the calling thread through libperf: software everywhere, hardware where a PMU exists. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/perf_event.h>
#include <perf/core.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>
#include "guest.h"

static const struct {
	const char *name;
	__u32 type;
	__u64 config;
} counter_defs[PB_NR_COUNTERS] = {
	[PB_CNT_TASK_CLOCK] = { "task_clock_ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	[PB_CNT_CTX_SWITCHES] = { "context_switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	[PB_CNT_CYCLES] = { "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	[PB_CNT_INSTRUCTIONS] = { "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
};

static int silent(enum libperf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

/*
 * Counters are opened once, on the driver's thread, and never closed: a
 * cell reads them before and after. Opening or closing a task-bound perf
 * event can flip the perf_sched_events static key (on at the first such
 * event in the system, off a second after the last one closes), and each
 * flip live-patches __schedule() with text_poke_bp(): int3 on every CPU.
 * Opening and closing per cell flipped it twice per cell, and under
 * multi-threaded TCG that patching now and then never finished: the guest
 * froze, and gdb on QEMU's stub found both vCPUs in asm_exc_int3 returning
 * into __schedule(). Held open, the key flips once, at start.
 *
 * A counter that cannot be opened (no PMU under TCG, or a VM without
 * vPMU) is recorded as unavailable with the reason, never as zero.
 */
static struct pb_counters global;
static int global_open;

/* Open every counter for the calling thread into c; one that cannot be opened says why. */
static void counters_open_thread(struct pb_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->threads = perf_thread_map__new_dummy();
	if (c->threads)
		perf_thread_map__set_pid(c->threads, 0, 0);
	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		struct perf_event_attr attr = {
			.type = counter_defs[i].type,
			.config = counter_defs[i].config,
			.exclude_hv = 1,
			.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING,
		};
		int err;

		c->evsel[i] = c->threads ? perf_evsel__new(&attr) : NULL;
		if (!c->evsel[i]) {
			snprintf(c->why[i], sizeof(c->why[i]), "libperf: out of memory");
			continue;
		}
		err = perf_evsel__open(c->evsel[i], NULL, c->threads);
		if (err) {
			snprintf(c->why[i], sizeof(c->why[i]), "perf_event_open: %s%s", strerror(-err),
				 counter_defs[i].type == PERF_TYPE_HARDWARE ?
				 " (no hardware PMU here)" : "");
			perf_evsel__delete(c->evsel[i]);
			c->evsel[i] = NULL;
		}
	}
}

void pb_counters_hold(void)
{
	if (global_open)
		return;
	global_open = 1;
	libperf_init(silent);
	counters_open_thread(&global);
}

/*
 * A thread of a multi-threaded cell opens and closes its own counters:
 * with the driver's held open, the count of task-bound events never
 * crosses zero, so the static key above does not flip (kernel/events/
 * core.c, account_event() and unaccount_event()).
 */
void pb_counters_open_self(struct pb_counters *c)
{
	pb_counters_hold();
	counters_open_thread(c);
}

void pb_counters_close_self(struct pb_counters *c)
{
	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		if (!c->evsel[i])
			continue;
		perf_evsel__close(c->evsel[i]);
		perf_evsel__delete(c->evsel[i]);
		c->evsel[i] = NULL;
	}
	perf_thread_map__put(c->threads);
	c->threads = NULL;
}

/* Sum b's measured values into a; a counter either lacks stays unavailable with its reason. */
void pb_counters_add(struct pb_counters *a, const struct pb_counters *b)
{
	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		if (a->ok[i] && b->ok[i]) {
			a->value[i] += b->value[i];
		} else if (a->ok[i]) {
			a->ok[i] = 0;
			snprintf(a->why[i], sizeof(a->why[i]), "%s", b->why[i]);
		}
	}
}

void pb_counters_open(struct pb_counters *c)
{
	pb_counters_hold();
	*c = global;
	memset(c->value, 0, sizeof(c->value));
	memset(c->ok, 0, sizeof(c->ok));
}

static int counter_read(struct perf_evsel *e, struct perf_counts_values *v)
{
	memset(v, 0, sizeof(*v));
	return perf_evsel__read(e, 0, 0, v);
}

void pb_counters_start(struct pb_counters *c)
{
	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		struct perf_counts_values v;

		if (c->evsel[i] && counter_read(c->evsel[i], &v) == 0) {
			c->base[i] = v.val;
			c->base_ena[i] = v.ena;
			c->base_run[i] = v.run;
		}
	}
}

void pb_counters_stop(struct pb_counters *c)
{
	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		struct perf_counts_values v;

		if (!c->evsel[i])
			continue;
		if (counter_read(c->evsel[i], &v) == 0) {
			uint64_t ena = v.ena - c->base_ena[i], run = v.run - c->base_run[i];

			c->value[i] = v.val - c->base[i];
			c->ok[i] = 1;
			/* Multiplexed (ran part of the time): say so rather than scale silently. */
			if (ena && run < ena)
				snprintf(c->why[i], sizeof(c->why[i]), "counted %.0f%% of the time",
					 100.0 * (double)run / (double)ena);
		} else {
			snprintf(c->why[i], sizeof(c->why[i]), "read failed");
		}
	}
}

/* {"task_clock_ns": N, ..., "unavailable": {"cycles": "why", ...}} */
struct json_object *pb_counters_json(const struct pb_counters *c)
{
	struct json_object *o = json_object_new_object(), *un = json_object_new_object();

	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		if (c->ok[i])
			json_object_object_add(o, counter_defs[i].name, json_object_new_uint64(c->value[i]));
		else
			json_object_object_add(un, counter_defs[i].name, json_object_new_string(c->why[i]));
	}
	json_object_object_add(o, "unavailable", un);
	return o;
}

/* The counters stay open for the driver's life: nothing to undo per cell. */
void pb_counters_close(struct pb_counters *c)
{
	(void)c;
}
