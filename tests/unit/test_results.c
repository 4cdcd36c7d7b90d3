// SPDX-License-Identifier: GPL-2.0
/* test_results.c: metrics from raw guest data, and results.json validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "report.h"
#include "results.h"
#include "util.h"

static const char *raw_ok =
	"{\"pages_per_call\":4,\"nr_pages\":8,\"calls_per_round\":2,\"huge_pages_seen\":0,"
	"\"acquire_call_ns\":{\"n\":4,\"sum\":400,\"min\":80,\"max\":120,\"buckets\":[[80,1],[100,2],[120,1]]},"
	"\"release_call_ns\":{\"n\":4,\"sum\":40,\"min\":10,\"max\":10,\"buckets\":[[10,4]]},"
	"\"acquire_phase_ns\":{\"n\":2,\"sum\":320,\"min\":160,\"max\":160},"
	"\"release_phase_ns\":{\"n\":2,\"sum\":80,\"min\":40,\"max\":40}}";

static double metric(struct json_object *m, const char *name, const char *field)
{
	struct json_object *v = json_object_object_get(m, name);

	return json_object_get_double(field ? json_object_object_get(v, field) : v);
}

static void test_gup_fast_metrics(void **state)
{
	struct json_object *raw = json_tokener_parse(raw_ok), *m = json_object_new_object();
	char reason[256];

	(void)state;
	assert_int_equal(pb_metrics_compute("gup_fast", raw, m, reason, sizeof(reason)), 0);
	/* 400 ns over 4 calls of 4 pages = 25 ns/page; p50 is 100/4. */
	assert_true(fabs(metric(m, "acquire_ns_per_page", "mean") - 25.0) < 1e-9);
	assert_true(metric(m, "acquire_ns_per_page", "p50") == 25.0);
	assert_true(metric(m, "acquire_ns_per_page", "min") == 20.0);
	assert_true(metric(m, "release_ns_per_page", "max") == 2.5);
	/* Phase: 320 ns over 2 rounds of 8 pages = 20 ns/page. */
	assert_true(metric(m, "acquire_phase_ns_per_page", NULL) == 20.0);
	assert_true(metric(m, "release_phase_ns_per_page", NULL) == 5.0);
	/* 2 rounds x 2 calls in 400 ns of operation time. */
	assert_true(fabs(metric(m, "calls_per_s", NULL) - 1e7) < 1e-3);
	json_object_put(raw);
	json_object_put(m);

	raw = json_tokener_parse("{\"pages_per_call\":4}");
	m = json_object_new_object();
	assert_int_equal(pb_metrics_compute("gup_fast", raw, m, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "raw gup_fast data incomplete");
	assert_int_equal(pb_metrics_compute("no_such", raw, m, reason, sizeof(reason)), -1);
	json_object_put(raw);
	json_object_put(m);
}

/* small_dio: IOPS from the measured I/Os, CPU shares, counters per I/O; incomplete data refused. */
static void test_small_dio_metrics(void **state)
{
	struct json_object *raw = json_tokener_parse(
		"{\"ios_done\":4,\"elapsed_ns\":2000,\"cpu_busy_ns\":1000,\"deferred\":1,"
		"\"deferred_work_ns\":100,\"max_deferred_depth\":2,\"stalls\":0,\"redirtied\":0,"
		"\"latency_ns\":{\"n\":4,\"sum\":400,\"min\":100,\"max\":100,\"buckets\":[[100,4]]},"
		"\"acquire_ns\":{\"n\":4,\"sum\":200,\"min\":50,\"max\":50,\"buckets\":[[50,4]]},"
		"\"release_ns\":{\"n\":4,\"sum\":100,\"min\":25,\"max\":25,\"buckets\":[[25,4]]},"
		"\"residency_ns\":{\"n\":4,\"sum\":40,\"min\":10,\"max\":10,\"buckets\":[[10,4]]},"
		"\"counters\":{\"task_clock_ns\":800,\"unavailable\":{\"cycles\":\"no PMU\"}}}");
	struct json_object *m = json_object_new_object();
	char reason[256];

	(void)state;
	assert_int_equal(pb_metrics_compute("small_dio", raw, m, reason, sizeof(reason)), 0);
	/* 4 I/Os in 2 us. */
	assert_true(fabs(metric(m, "iops", NULL) - 2e6) < 1e-6);
	assert_true(metric(m, "latency_ns", "p50") == 100.0);
	assert_true(metric(m, "deferred_pct", NULL) == 25.0);
	assert_true(metric(m, "cpu_busy_ns_per_io", NULL) == 250.0);
	/* (200 + 100 + 100) of 1000 ns busy. */
	assert_true(fabs(metric(m, "acquire_release_cpu_pct", NULL) - 40.0) < 1e-9);
	assert_true(metric(m, "task_clock_ns_per_io", NULL) == 200.0);
	/* An unavailable counter is absent, never zero. */
	assert_null(json_object_object_get(m, "cycles_per_io"));
	json_object_put(raw);
	json_object_put(m);

	raw = json_tokener_parse("{\"ios_done\":4}");
	m = json_object_new_object();
	assert_int_equal(pb_metrics_compute("small_dio", raw, m, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "raw small_dio data incomplete");
	json_object_put(raw);
	json_object_put(m);
}

/* irq_completion: rates, the completion side's CPU, and each way a rate is not sustained. */
static struct json_object *irq_raw(const char *samples, unsigned int missed_empty,
				   unsigned int missed_late, unsigned int stalls)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "{\"rate_hz\":1000,\"completions\":100,\"offered\":100,\"interrupts\":50,"
		 "\"elapsed_ns\":100000000,\"missed_empty\":%u,\"missed_late\":%u,\"stalls\":%u,"
		 "\"deferred\":100,\"deferred_work_ns\":3000,\"max_backlog_seen\":9,\"backlog_end\":1,"
		 "\"drain_ns\":5,\"backlog_samples\":%s,"
		 "\"handler_ns\":{\"n\":50,\"sum\":5000,\"min\":100,\"max\":100,\"buckets\":[[100,50]]},"
		 "\"release_ns\":{\"n\":100,\"sum\":4000,\"min\":40,\"max\":40,\"buckets\":[[40,100]]},"
		 "\"residency_ns\":{\"n\":100,\"sum\":1000,\"min\":10,\"max\":10,\"buckets\":[[10,100]]},"
		 "\"done_ns\":{\"n\":100,\"sum\":2000,\"min\":20,\"max\":20,\"buckets\":[[20,100]]},"
		 "\"acquire_ns\":{\"n\":100,\"sum\":700,\"min\":7,\"max\":7}}",
		 missed_empty, missed_late, stalls, samples);
	return json_tokener_parse(text);
}

static const char *irq_limit(struct json_object *raw)
{
	struct json_object *m = json_object_new_object(), *v;
	static char out[64];
	char reason[256];

	assert_int_equal(pb_metrics_compute("irq_completion", raw, m, reason, sizeof(reason)), 0);
	v = json_object_object_get(m, "limit");
	assert_true(json_object_get_boolean(json_object_object_get(m, "sustained")) == !v);
	snprintf(out, sizeof(out), "%s", v ? json_object_get_string(v) : "sustained");
	json_object_put(m);
	json_object_put(raw);
	return out;
}

static void test_irq_completion_metrics(void **state)
{
	static const char *flat = "[2,2,2,2,2,2,2,2]", *noisy = "[0,5,30,10,20,0,40,10]";
	static const char *linear = "[10,20,30,40,50,60,70,80]", *small = "[1,2,3,4,5,6,7,8]";
	struct json_object *raw = irq_raw(flat, 0, 0, 0), *m = json_object_new_object();
	char reason[256];

	(void)state;
	assert_int_equal(pb_metrics_compute("irq_completion", raw, m, reason, sizeof(reason)), 0);
	/* 100 completions in 100 ms, 2 per interrupt. */
	assert_true(fabs(metric(m, "completion_rate_hz", NULL) - 1000.0) < 1e-9);
	assert_true(metric(m, "completions_per_interrupt", NULL) == 2.0);
	assert_true(metric(m, "delivered_pct", NULL) == 100.0);
	/* (5000 ns of handlers + 3000 of deferred work) / 100. */
	assert_true(metric(m, "completion_cpu_ns_per_completion", NULL) == 80.0);
	assert_true(metric(m, "acquire_ns_per_io", NULL) == 7.0);
	assert_true(metric(m, "residency_ns", "p50") == 10.0);
	assert_true(metric(m, "backlog_q2_mean", NULL) == 2.0);
	json_object_put(raw);
	json_object_put(m);

	assert_string_equal(irq_limit(irq_raw(flat, 0, 0, 0)), "sustained");
	/* Quarter means 20 -> 25: noise, not growth. */
	assert_string_equal(irq_limit(irq_raw(noisy, 0, 0, 0)), "sustained");
	/* 35 -> 75: growing. */
	assert_string_equal(irq_limit(irq_raw(linear, 0, 0, 0)), "backlog grows");
	/* 3.5 -> 7.5: doubled, but by fewer than 16 I/Os. */
	assert_string_equal(irq_limit(irq_raw(small, 0, 0, 0)), "sustained");
	/* The submitter waited for the backlog: it reached max_backlog. */
	assert_string_equal(irq_limit(irq_raw(flat, 0, 0, 1)), "backlog grows");
	/* 5% missed is within the margin, 6% is not; late before empty. */
	assert_string_equal(irq_limit(irq_raw(flat, 5, 0, 0)), "sustained");
	assert_string_equal(irq_limit(irq_raw(flat, 6, 0, 0)), "submitter behind");
	assert_string_equal(irq_limit(irq_raw(flat, 6, 6, 0)), "interrupts late");

	raw = json_tokener_parse("{\"completions\":4}");
	m = json_object_new_object();
	assert_int_equal(pb_metrics_compute("irq_completion", raw, m, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "raw irq_completion data incomplete");
	json_object_put(raw);
	json_object_put(m);
}

/* truncate_under_dma: one word per outcome, in order; a cell whose pins were all refused has no truncate figures. */
static void test_truncate_metrics(void **state)
{
	struct json_object *raw = json_tokener_parse(
		"{\"iterations\":4,\"refused\":0,\"blocked\":0,\"accesses\":200,\"delivered\":100,"
		"\"lost\":0,\"redirected\":100,\"revocations\":4,\"spurious\":0,\"stale_bytes\":0,"
		"\"truncate_ns\":{\"n\":4,\"sum\":800,\"min\":200,\"max\":200,\"buckets\":[[200,4]]},"
		"\"revoke_span_ns\":{\"n\":4,\"sum\":80,\"min\":20,\"max\":20,\"buckets\":[[20,4]]}}");
	struct json_object *m = json_object_new_object();
	char reason[256];

	(void)state;
	assert_int_equal(pb_metrics_compute("truncate_under_dma", raw, m, reason, sizeof(reason)), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(m, "verdict")), "revokes");
	/* Buckets are [index, count]; below 256 ns an index is its value. */
	assert_true(metric(m, "truncate_ns", "p50") == 200.0);
	assert_true(metric(m, "revoke_span_ns", "max") == 20.0);
	assert_true(metric(m, "lost_pct", NULL) == 0.0);
	json_object_put(raw);
	json_object_put(m);

	/* Refused every time: no truncate ran with the device on, and that is the verdict. */
	raw = json_tokener_parse("{\"iterations\":3,\"refused\":3,\"truncate_ns\":{\"n\":0,\"sum\":0,"
				 "\"min\":0,\"max\":0,\"buckets\":[]}}");
	m = json_object_new_object();
	assert_int_equal(pb_metrics_compute("truncate_under_dma", raw, m, reason, sizeof(reason)), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(m, "verdict")), "refuses");
	assert_null(json_object_object_get(m, "truncate_ns"));
	json_object_put(raw);
	json_object_put(m);

	/* Order: stale data above all, then a hang, refuses, blocks, loses data, revokes, fails I/O. */
	assert_string_equal(pb_truncate_verdict(4, 4, 1, 0, 0, 0, 0, 1), "STALE DATA");
	assert_string_equal(pb_truncate_verdict(4, 4, 1, 0, 0, 0, 0, 0), "HANGS");
	assert_string_equal(pb_truncate_verdict(4, 4, 0, 0, 0, 0, 0, 0), "refuses");
	assert_string_equal(pb_truncate_verdict(4, 1, 0, 3, 0, 0, 0, 0), "blocks");
	assert_string_equal(pb_truncate_verdict(4, 0, 0, 1, 5, 0, 0, 0), "blocks");
	assert_string_equal(pb_truncate_verdict(4, 0, 0, 0, 5, 5, 5, 0), "loses data");
	assert_string_equal(pb_truncate_verdict(4, 0, 0, 0, 0, 5, 5, 0), "revokes");
	assert_string_equal(pb_truncate_verdict(4, 0, 0, 0, 0, 0, 5, 0), "fails I/O");
	assert_string_equal(pb_truncate_verdict(4, 0, 0, 0, 0, 0, 0, 0), "no effect");

	/* (lost or unwritten at the end, redirected, unwritten before the release) */
	assert_string_equal(pb_writeback_verdict(5, 5, 5), "loses data");
	assert_string_equal(pb_writeback_verdict(0, 9, 5), "drops writes");
	assert_string_equal(pb_writeback_verdict(0, 0, 9), "stale until release");
	assert_string_equal(pb_writeback_verdict(0, 0, 0), "safe");

	/*
	 * Judged by fate: writes into pages the file kept that never reached
	 * its storage are lost, even with nothing written into a cut page.
	 */
	raw = json_tokener_parse(
		"{\"iterations\":4,\"refused\":0,\"blocked\":0,\"accesses\":200,\"lost\":0,"
		"\"redirected\":0,\"stale_bytes\":0,\"fates\":{\"delivered\":50,\"unwritten\":50,"
		"\"discarded\":100,\"lost\":0,\"redirected\":0},"
		"\"truncate_ns\":{\"n\":4,\"sum\":800,\"min\":200,\"max\":200,\"buckets\":[[200,4]]}}");
	m = json_object_new_object();
	assert_int_equal(pb_metrics_compute("truncate_under_dma", raw, m, reason, sizeof(reason)), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(m, "verdict")), "loses data");
	assert_true(metric(m, "delivered_pct", NULL) == 25.0);
	assert_true(metric(m, "discarded_pct", NULL) == 50.0);
	json_object_put(raw);
	json_object_put(m);

	/*
	 * [O1] with a revoking strategy: the disk matched the page cache, but
	 * nearly every write went to the dummy page. That is not "safe".
	 */
	raw = json_tokener_parse(
		"{\"pages\":64,\"fsyncs\":20,\"stale_on_disk\":0,\"lost_on_disk\":0,"
		"\"accesses\":1000,\"redirected\":990,\"revocations\":40,"
		"\"fates\":{\"delivered\":10,\"unwritten\":0,\"discarded\":0,\"lost\":0,"
		"\"redirected\":990},\"fates_before_release\":{\"delivered\":10,\"unwritten\":0},"
		"\"events\":{\"protection\":40},\"ignored_events\":{},"
		"\"fsync_ns\":{\"n\":4,\"sum\":800,\"min\":200,\"max\":200,\"buckets\":[[200,4]]}}");
	m = json_object_new_object();
	assert_int_equal(pb_metrics_compute("writeback_under_dma", raw, m, reason, sizeof(reason)), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(m, "verdict")), "drops writes");
	assert_true(metric(m, "redirected_pct", NULL) == 99.0);
	assert_string_equal(json_object_get_string(json_object_object_get(m, "revoke_causes")),
			    "protection 40");
	json_object_put(raw);
	json_object_put(m);

	raw = json_tokener_parse("{\"iterations\":0}");
	m = json_object_new_object();
	assert_int_equal(pb_metrics_compute("truncate_under_dma", raw, m, reason, sizeof(reason)), -1);
	assert_string_equal(reason, "raw truncate_under_dma data incomplete");
	json_object_put(raw);
	json_object_put(m);
}

/* stock_dio with fio: fio's own figures, CPU per I/O from its share over its runtime. */
static void test_stock_fio_metrics(void **state)
{
	struct json_object *raw = json_tokener_parse(
		"{\"fio\":{\"iops\":1000.5,\"total_ios\":100,\"runtime_ms\":100,\"lat_mean_ns\":900,"
		"\"lat_percentile_ns\":{\"50.000000\":800,\"99.000000\":2000,\"99.900000\":3000},"
		"\"usr_cpu_pct\":10,\"sys_cpu_pct\":40}}");
	struct json_object *m = json_object_new_object();
	char reason[256];

	(void)state;
	assert_int_equal(pb_metrics_compute("stock_dio", raw, m, reason, sizeof(reason)), 0);
	assert_true(metric(m, "iops", NULL) == 1000.5);
	assert_true(metric(m, "latency_ns", "p50") == 800.0);
	assert_true(metric(m, "latency_ns", "p99_9") == 3000.0);
	/* 50% of 100 ms over 100 I/Os = 500 us each. */
	assert_true(fabs(metric(m, "cpu_busy_ns_per_io", NULL) - 5e5) < 1e-6);
	json_object_put(raw);
	json_object_put(m);
}

static struct json_object *minimal_results(void)
{
	return json_tokener_parse(
		"{\"schema_version\":1,\"pinbench\":{},\"run\":{},\"host\":{},\"guest\":{},"
		"\"cells\":[{\"id\":\"x\",\"workload\":\"gup_fast\",\"strategy\":\"gup_ref\",\"params\":{},"
		"\"status\":\"unsupported\",\"reason\":\"why\",\"metrics\":{},"
		"\"pin_balance\":{\"acquired\":null,\"released\":null}}]}");
}

static void test_results_check(void **state)
{
	struct json_object *r = minimal_results();
	char err[256];
	char *md;

	(void)state;
	assert_int_equal(pb_results_check(r, err, sizeof(err)), 0);
	md = pb_report_md(r);
	assert_non_null(strstr(md, "| unsupported: why |"));
	free(md);
	json_object_object_del(json_object_array_get_idx(json_object_object_get(r, "cells"), 0), "status");
	assert_int_equal(pb_results_check(r, err, sizeof(err)), -1);
	assert_string_equal(err, "cells[0].status is missing");
	json_object_put(r);

	r = minimal_results();
	json_object_object_add(r, "schema_version", json_object_new_int(99));
	assert_int_equal(pb_results_check(r, err, sizeof(err)), -1);
	assert_string_equal(err, "schema_version 99, this pinbench reads 1");
	json_object_put(r);
}

/* A gup_fast cell for the report: p50 acquire per page a, release r, calls/s c. */
static const char *gup_cell(char *buf, size_t len, const char *strategy, int ppc, double a, double r,
			    double c, const char *status)
{
	snprintf(buf, len,
		 "{\"id\":\"gup_fast/%s/p=%d\",\"workload\":\"gup_fast\",\"strategy\":\"%s\","
		 "\"params\":{\"pages_per_call\":%d,\"backing\":\"anon\",\"thp\":\"off\",\"longterm\":0,"
		 "\"write\":1,\"buffer_pages\":64},\"status\":\"%s\",\"reason\":\"\","
		 "\"metrics\":{\"acquire_phase_ns_per_page\":%g,\"acquire_ns_per_page\":{\"p50\":%g,\"p99\":%g},"
		 "\"release_phase_ns_per_page\":%g,\"release_ns_per_page\":{\"p50\":%g,\"p99\":%g},"
		 "\"calls_per_s\":%g},\"pin_balance\":{\"acquired\":0,\"released\":0}}",
		 strategy, ppc, strategy, ppc, status, a, a, a * 2, r, r, r * 2, c);
	return buf;
}

/*
 * report.md against a golden file: the best value of each column is
 * bold among the ok rows of the same pages per call (lower costs, higher
 * calls/s); a failed row and a row alone in its group are not marked.
 */
static void test_report_golden(void **state)
{
	char c[5][1024], *text, *md, *golden, *table, *end;
	struct json_object *r;
	FILE *f;
	long n;

	(void)state;
	text = NULL;
	if (asprintf(&text, "{\"schema_version\":1,\"run\":{\"name\":\"g\",\"mode\":\"deterministic\","
		     "\"accel\":\"tcg\",\"cmdline\":\"x\",\"repeat\":1},\"guest\":{\"clock_read_ns\":50},"
		     "\"host\":{},\"pinbench\":{},\"cells\":[%s,%s,%s,%s,%s]}",
		     gup_cell(c[0], 1024, "gup_ref", 1, 100, 20, 5000, "ok"),
		     gup_cell(c[1], 1024, "pin_counter", 1, 120, 10, 6000, "ok"),
		     gup_cell(c[2], 1024, "fake_vma", 1, 50, 5, 9000, "failed"),
		     gup_cell(c[3], 1024, "notifier_revoke", 1, 100, 30, 4000, "ok"),
		     gup_cell(c[4], 1024, "gup_ref", 16, 40, 4, 800, "ok")) < 0)
		fail();
	r = json_tokener_parse(text);
	assert_non_null(r);
	md = pb_report_md(r);
	table = strstr(md, "| pages/call |");
	assert_non_null(table);
	end = strstr(table, "\n\n");
	assert_non_null(end);
	end[1] = '\0';
	f = fopen("data/golden/gup_fast-table.md", "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	golden = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(golden, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	if (strcmp(table, golden))
		fprintf(stderr, "report table differs from data/golden/gup_fast-table.md:\n%s", table);
	assert_string_equal(table, golden);
	free(golden);
	free(md);
	free(text);
	json_object_put(r);
}

/*
 * Every row of a wide table keeps all its cells once the best values are
 * marked: the truncate table has more columns than it marks (its rows
 * once lost their last three, verdict and status among them).
 */
static void test_report_rows_whole(void **state)
{
	static const char cell[] =
		"{\"id\":\"truncate_stock/none/fs=%s\",\"workload\":\"truncate_stock\",\"strategy\":\"none\","
		"\"params\":{\"filesystem\":\"%s\",\"truncate_to\":\"zero\",\"file_pages\":64,"
		"\"fixedbufs\":0},\"status\":\"ok\",\"reason\":\"\",\"metrics\":{\"truncate_ns\":"
		"{\"p50\":%d,\"p99\":%d,\"max\":%d},\"iterations\":20,\"lost\":0,\"redirected\":0,"
		"\"refused\":0,\"io_refused\":9,\"stale_bytes\":0,\"spurious\":0,\"verdict\":\"%s\"},"
		"\"pin_balance\":{\"acquired\":0,\"released\":0}}";
	char c[2][1024], *text = NULL, *md, *table, *line, *save = NULL;
	struct json_object *r;
	int header = -1, rows = 0;

	(void)state;
	snprintf(c[0], sizeof(c[0]), cell, "ext4_dax", "ext4_dax", 1000, 2000, 3000, "HANGS");
	snprintf(c[1], sizeof(c[1]), cell, "ext4", "ext4", 500, 900, 1000, "fails I/O");
	if (asprintf(&text, "{\"schema_version\":1,\"run\":{\"name\":\"g\",\"mode\":\"deterministic\","
		     "\"accel\":\"tcg\",\"cmdline\":\"x\",\"repeat\":1},\"guest\":{\"clock_read_ns\":50},"
		     "\"host\":{},\"pinbench\":{},\"cells\":[%s,%s]}", c[0], c[1]) < 0)
		fail();
	r = json_tokener_parse(text);
	assert_non_null(r);
	md = pb_report_md(r);
	assert_non_null(strstr(md, "| **HANGS** | ok |"));
	assert_non_null(strstr(md, "| **fails I/O** | ok |"));
	table = strstr(md, "| file system |");
	assert_non_null(table);
	for (line = strtok_r(table, "\n", &save); line && *line == '|'; line = strtok_r(NULL, "\n", &save)) {
		int bars = 0;

		for (const char *p = line; *p; p++)
			bars += *p == '|';
		if (header < 0)
			header = bars;
		assert_int_equal(bars, header);
		rows++;
	}
	assert_int_equal(rows, 4);
	free(md);
	free(text);
	json_object_put(r);
}

/* The one getter: text and numbers by path; hostile types give the default, never JSON text. */
static void test_json_getter(void **state)
{
	struct json_object *o = json_tokener_parse(
		"{\"run\":{\"mode\":\"wall\",\"repeat\":3,\"ok\":true,\"n\":null,"
		"\"obj\":{\"a\":1},\"arr\":[1],\"num\":\"12\"},\"x\":2.5}");

	(void)state;
	assert_string_equal(pb_json_str(o, "run.mode", "?"), "wall");
	assert_string_equal(pb_json_str(o, "run.repeat", "?"), "3");
	assert_string_equal(pb_json_str(o, "run.ok", "?"), "true");
	assert_string_equal(pb_json_str(o, "run.n", "?"), "?");
	assert_string_equal(pb_json_str(o, "run.obj", "?"), "?");
	assert_string_equal(pb_json_str(o, "run.arr", "?"), "?");
	assert_null(pb_json_str(o, "run.none", NULL));
	assert_null(pb_json_str(o, "run.mode.deeper", NULL));
	assert_null(pb_json_str(NULL, "run", NULL));
	assert_true(pb_json_num(o, "x") == 2.5);
	assert_true(pb_json_num(o, "run.repeat") == 3);
	assert_true(isnan(pb_json_num(o, "run.num")));	/* a string is not a number */
	assert_true(isnan(pb_json_num(o, "run.ok")));
	assert_true(isnan(pb_json_num(o, "run.n")));
	assert_true(isnan(pb_json_num(o, "run.none")));
	assert_true(isnan(pb_json_num(NULL, "x")));
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gup_fast_metrics),
		cmocka_unit_test(test_small_dio_metrics),
		cmocka_unit_test(test_stock_fio_metrics),
		cmocka_unit_test(test_irq_completion_metrics),
		cmocka_unit_test(test_truncate_metrics),
		cmocka_unit_test(test_results_check),
		cmocka_unit_test(test_report_golden),
		cmocka_unit_test(test_report_rows_whole),
		cmocka_unit_test(test_json_getter),
	};

	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
