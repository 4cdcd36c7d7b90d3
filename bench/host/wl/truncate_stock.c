// SPDX-License-Identifier: GPL-2.0
/* truncate_stock.c: the truncate_stock workload on the host: its metrics and how raw guest data becomes them. */
#include <stdio.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "workload.h"

static const struct pb_metric_def metrics[] = {
	{ "truncate_ns", "ns", PB_LOWER, "p50",
	  "the `ftruncate()` call, one sample per iteration (absent when every pin was refused)" },
	{ "iterations", "count", PB_NEITHER, NULL,
	  "register, write, truncate, extend, check cycles run" },
	{ "refused", "count", PB_NEITHER, NULL,
	  "iterations whose registration the kernel refused" },
	{ "blocked", "count", PB_LOWER, NULL,
	  "truncates still running after block_ms" },
	{ "hung", "count", PB_LOWER, NULL,
	  "truncates that slept on after every read was over and finished only when a signal "
	  "interrupted them; `raw.hung_stack` is where they slept" },
	{ "lost", "count", PB_LOWER, NULL,
	  "reads whose data went to a page the file no longer had" },
	{ "lost_pct", "%", PB_LOWER, NULL,
	  "of all reads" },
	{ "redirected", "count", PB_NEITHER, NULL,
	  "(none in the stock kernel)" },
	{ "in_place", "count", PB_NEITHER, NULL,
	  "reads into a page still in the file" },
	{ "revocations", "count", PB_NEITHER, NULL,
	  "(none in the stock kernel)" },
	{ "spurious", "count", PB_NEITHER, NULL,
	  "(none in the stock kernel)" },
	{ "stale_bytes", "count", PB_LOWER, NULL,
	  "non-zero bytes past the truncation point once the file was extended again "
	  "(`raw.stale_records`: device records among them). A kernel invariant, checked on every"
	  " iteration: no design here can break it (every page the device still writes has left "
	  "the file, and a re-extended file gets new pages or blocks), so tables do not present "
	  "its holding as a result" },
	{ "io_refused", "count", PB_NEITHER, NULL,
	  "reads that failed with EFAULT: GUP found the page gone" },
	{ "verdict", "word", PB_NEITHER, "",
	  "`STALE DATA`, `HANGS`, `refuses`, `blocks`, `loses data`, `revokes`, `fails I/O` or "
	  "`no effect`: the first that holds (`pb_truncate_verdict()` in `bench/host/wl/truncate_under_dma.c`)" },
	{ "trace_waits", "count", PB_NEITHER, NULL,
	  "(trace=1) waits of the truncating task on a page whose refcount was above 1 (kprobe on"
	  " `init_wait_var_entry()`), and of those the ones a `wake_up_var()` on that page's "
	  "address reached before the harness's signal" },
	{ "trace_woken", "count", PB_NEITHER, NULL,
	  "(trace=1) of those, ended by wake_up_var() on that page" },
	{ "trace_bio_releases", "count", PB_NEITHER, NULL,
	  "(`trace=1`) calls of `__bio_release_pages()`, and of the devmap-aware put "
	  "(`__put_devmap_managed_page_refs()` on 6.1, `__put_devmap_managed_folio_refs()` from "
	  "6.2) that wakes a DAX page's waiter; `raw.trace_lost` counts events the trace buffer "
	  "dropped, `raw.hang_trace` is the account of the first hang's wait" },
	{ "trace_devmap_puts", "count", PB_NEITHER, NULL,
	  "(trace=1) devmap-aware page puts (the ones that wake)" },
};

/* The figure a reader of published results asks about first. */
static const struct pb_headline headlines[] = {
	{ "verdict", "", "outcome for the stock kernel's own paths" },
};

static const struct pb_option opt_trace = {
	.name = "trace", .type = PB_OPT_BOOL, .def = "0", .min = 0, .max = 1,
	.help = "record kprobe events on both sides of a truncate's wait for a DAX page (where it "
		"waits, wake_up_var(), the reads' page release, the devmap-aware put): the evidence "
		"behind a HANGS verdict (raw.trace_*); the probes cost the reads and the truncate "
		"time",
};

/* The job options it takes, in the order its cells are expanded. */
static const struct pb_wl_option options[] = {
	{ &pb_opt_queue_depth, "8" },
	{ &pb_opt_completion },
	{ &pb_opt_completion_nsec },
	{ &pb_opt_filesystem },
	{ &pb_opt_truncate_to },
	{ &pb_opt_file_pages },
	{ &pb_opt_iterations },
	{ &pb_opt_dma_ms },
	{ &pb_opt_block_ms },
	{ &opt_trace },
	{ &pb_opt_engine },
	{ &pb_opt_fixedbufs },
};

const struct pb_workload pb_wl_truncate_stock = {
	.name = "truncate_stock",
	.options = options,
	.nr_options = ARRAY_SIZE(options),
	.summary = "the same truncate against today's kernel as the GUP user (O_DIRECT reads, io_uring fixed buffers)",
	.order = 60,
	.shown_with = "truncate_under_dma",
	.metrics = metrics,
	.nr_metrics = ARRAY_SIZE(metrics),
	.compute = pb_truncate_metrics,
	.headlines = headlines,
	.nr_headlines = ARRAY_SIZE(headlines),
};
