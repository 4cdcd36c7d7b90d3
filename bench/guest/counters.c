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
 * Open every counter on the calling thread, disabled. One that cannot be
 * opened (no PMU under TCG, or on a VM without vPMU) is recorded as
 * unavailable with the reason, never as zero.
 */
void pb_counters_open(struct pb_counters *c)
{
	static int inited;

	memset(c, 0, sizeof(*c));
	if (!inited) {
		libperf_init(silent);
		inited = 1;
	}
	c->threads = perf_thread_map__new_dummy();
	if (c->threads)
		perf_thread_map__set_pid(c->threads, 0, 0);
	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		struct perf_event_attr attr = {
			.type = counter_defs[i].type,
			.config = counter_defs[i].config,
			.disabled = 1,
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

void pb_counters_start(struct pb_counters *c)
{
	for (int i = 0; i < PB_NR_COUNTERS; i++)
		if (c->evsel[i])
			perf_evsel__enable(c->evsel[i]);
}

void pb_counters_stop(struct pb_counters *c)
{
	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		struct perf_counts_values v = { 0 };

		if (!c->evsel[i])
			continue;
		perf_evsel__disable(c->evsel[i]);
		if (perf_evsel__read(c->evsel[i], 0, 0, &v) == 0) {
			c->value[i] = v.val;
			c->ok[i] = 1;
			/* Multiplexed (ran part of the time): say so rather than scale silently. */
			if (v.ena && v.run < v.ena)
				snprintf(c->why[i], sizeof(c->why[i]), "counted %.0f%% of the time",
					 100.0 * (double)v.run / (double)v.ena);
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

void pb_counters_close(struct pb_counters *c)
{
	for (int i = 0; i < PB_NR_COUNTERS; i++) {
		if (c->evsel[i]) {
			perf_evsel__close(c->evsel[i]);
			perf_evsel__delete(c->evsel[i]);
		}
	}
	if (c->threads)
		perf_thread_map__put(c->threads);
}
