// SPDX-License-Identifier: GPL-2.0
/* stock_dio.c: the stock_dio workload on the host: its metrics and how raw guest data becomes them. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "workload.h"

/*
 * stock_dio: the stock kernel's O_DIRECT path. Our liburing driver keeps a
 * latency histogram (submit to CQE seen); fio reports its own IOPS,
 * latency percentiles (lat_ns, --lat_percentiles=1) and CPU share, kept as
 * fio measured them.
 */
static int stock_dio_metrics(struct json_object *raw, struct json_object *m, char *reason, size_t len)
{
	uint64_t busy = pb_raw_u64(raw, "cpu_busy_ns");
	struct json_object *fio, *v, *cnt;

	if (json_object_object_get_ex(raw, "fio", &fio)) {
		static const struct { const char *key, *name; } pct[] = {
			{ "50.000000", "p50" }, { "90.000000", "p90" }, { "99.000000", "p99" },
			{ "99.900000", "p99_9" },
		};
		struct json_object *lat = json_object_new_object(), *p = NULL;
		uint64_t ios = pb_raw_u64(fio, "total_ios");

		if (!ios || !json_object_object_get_ex(fio, "iops", &v) ||
		    !json_object_object_get_ex(fio, "lat_percentile_ns", &p)) {
			json_object_put(lat);
			snprintf(reason, len, "raw fio data incomplete");
			return -1;
		}
		json_object_object_add(m, "iops", json_object_new_double(json_object_get_double(v)));
		json_object_object_add(lat, "n", json_object_new_uint64(ios));
		if (json_object_object_get_ex(fio, "lat_mean_ns", &v))
			json_object_object_add(lat, "mean", json_object_new_double(json_object_get_double(v)));
		for (size_t i = 0; i < ARRAY_SIZE(pct); i++)
			if (json_object_object_get_ex(p, pct[i].key, &v))
				json_object_object_add(lat, pct[i].name,
						       json_object_new_double(json_object_get_double(v)));
		json_object_object_add(m, "latency_ns", lat);
		if (json_object_object_get_ex(fio, "sys_cpu_pct", &v))
			json_object_object_add(m, "fio_sys_cpu_pct", json_object_new_double(json_object_get_double(v)));
		if (json_object_object_get_ex(fio, "usr_cpu_pct", &v))
			json_object_object_add(m, "fio_usr_cpu_pct", json_object_new_double(json_object_get_double(v)));
		/* fio's own CPU share over its run: its startup is not charged to the I/O. */
		{
			double share = 0, rt = (double)pb_raw_u64(fio, "runtime_ms");

			if (json_object_object_get_ex(fio, "sys_cpu_pct", &v))
				share += json_object_get_double(v);
			if (json_object_object_get_ex(fio, "usr_cpu_pct", &v))
				share += json_object_get_double(v);
			if (rt > 0)
				json_object_object_add(m, "cpu_busy_ns_per_io",
						       json_object_new_double(share / 100.0 * rt * 1e6 / (double)ios));
		}
		(void)busy;
		return 0;
	}
	{
		uint64_t ios = pb_raw_u64(raw, "ios_done"), elapsed = pb_raw_u64(raw, "elapsed_ns");

		if (!ios || !elapsed || pb_add_hist_summary(m, "latency_ns", raw, "latency_ns", 1.0) < 0) {
			snprintf(reason, len, "raw liburing data incomplete");
			return -1;
		}
		json_object_object_add(m, "iops", json_object_new_double((double)ios * 1e9 / (double)elapsed));
		if (busy)
			json_object_object_add(m, "cpu_busy_ns_per_io", json_object_new_double((double)busy / (double)ios));
		if (json_object_object_get_ex(raw, "counters", &cnt) &&
		    json_object_object_get_ex(cnt, "task_clock_ns", &v))
			json_object_object_add(m, "task_clock_ns_per_io",
					       json_object_new_double((double)json_object_get_uint64(v) / (double)ios));
		/* 0 on 6.1 (FOLL_GET references), pages per I/O from 6.3 (FOLL_PIN). */
		if (pb_raw_u64(raw, "loop_ios"))
			json_object_object_add(m, "foll_pins_per_io", json_object_new_double(
				(double)pb_raw_u64(raw, "loop_foll_pins") / (double)pb_raw_u64(raw, "loop_ios")));
	}
	return 0;
}

static const struct pb_metric_def metrics[] = {
	{ "iops", "1/s", PB_HIGHER, "",
	  "the stock kernel's O_DIRECT I/Os per second" },
	{ "latency_ns", "ns", PB_LOWER, "p50,p99",
	  "submission to completion seen, per I/O" },
	{ "cpu_busy_ns_per_io", "ns", PB_LOWER, NULL,
	  "CPU time per I/O" },
	{ "task_clock_ns_per_io", "ns", PB_LOWER, NULL,
	  "the submitting thread's task clock per I/O" },
	{ "foll_pins_per_io", "count", PB_NEITHER, NULL,
	  "FOLL_PIN pins the kernel took per I/O (/proc/vmstat; liburing rows)" },
	{ "context_switches_per_io", "count", PB_LOWER, NULL,
	  "its context switches per I/O" },
	{ "cycles_per_io", "count", PB_LOWER, NULL,
	  "its cycles per I/O (where a PMU exists)" },
	{ "instructions_per_io", "count", PB_LOWER, NULL,
	  "its instructions per I/O (where a PMU exists)" },
	{ "fio_sys_cpu_pct", "%", PB_LOWER, NULL,
	  "fio's system CPU share" },
	{ "fio_usr_cpu_pct", "%", PB_LOWER, NULL,
	  "fio's user CPU share" },
};

static const char notes[] =
	"The stock kernel's O_DIRECT path on the same devices. `engine=liburing` has the same "
	"`iops`, `latency_ns` (submit to CQE seen), `cpu_busy_ns_per_io` and "
	"`task_clock_ns_per_io`. With fio (`fio_io_uring`, `fio_libaio`), `iops`, `latency_ns` "
	"(p50/p90/p99/p99.9 and mean of fio's `lat_ns`) and `fio_sys_cpu_pct`/`fio_usr_cpu_pct`"
	" are fio's own figures; `cpu_busy_ns_per_io` comes from fio's CPU share over its "
	"runtime.";

/* The job options it takes, in the order its cells are expanded. */
static const struct pb_wl_option options[] = {
	{ &pb_opt_rw },
	{ &pb_opt_block_size },
	{ &pb_opt_queue_depth },
	{ &pb_opt_completion },
	{ &pb_opt_completion_nsec },
	{ &pb_opt_engine },
	{ &pb_opt_fixedbufs },
	{ &pb_opt_ios },
	{ &pb_opt_warmup_ios },
};

const struct pb_workload pb_wl_stock_dio = {
	.name = "stock_dio",
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.summary = "the stock kernel's own O_DIRECT path on the same devices (liburing, fio), beside small_dio",
	.order = 30,
	.shown_with = "small_dio",
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.notes = notes,
	.compute = stock_dio_metrics,
};
