// SPDX-License-Identifier: GPL-2.0
/* test_job.c: job files: expansion into cells, and every kind of bad input refused with file:line. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "job.h"
#include "pinbench_uapi.h"

static char *write_job(const char *text)
{
	char *path = strdup("/tmp/pinbench-test-job-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Parse text; expect failure with an error that contains want (after "FILE:"). */
static void expect_error(const char *text, const char *want)
{
	char *path = write_job(text), err[1024], full[1100];
	struct pb_plan plan;

	assert_int_equal(pb_job_load(path, &plan, err, sizeof(err)), -1);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	if (!strstr(err, full))
		fail_msg("error '%s' does not contain '%s'", err, full);
	unlink(path);
	free(path);
}

static void test_expansion(void **state)
{
	char *path = write_job(
		"; comment\n"
		"[global]\n"
		"workload=gup_fast\n"
		"pages_per_call=1, 16\n"
		"backing=anon,shmem\n"
		"buffer_pages=64\n"
		"\n"
		"[a]\n"
		"strategy=gup_ref,pin_counter\n"
		"[b]\n"
		"strategy=pin_counter\n"
		"longterm=1\n"
		"pages_per_call=64\n");
	struct pb_plan plan;
	char err[1024];

	(void)state;
	assert_int_equal(pb_job_load(path, &plan, err, sizeof(err)), 0);
	/* [a]: 2 backings x 2 sizes x 2 strategies; [b]: 2 backings. */
	assert_int_equal(plan.nr, 10);
	assert_string_equal(plan.cells[0].id,
		"gup_fast/gup_ref/backing=anon,thp=off,longterm=0,registration=per_io,write=1,buffer_pages=64,pages_per_call=1");
	assert_string_equal(plan.cells[1].strategy, "pin_counter");
	assert_string_equal(plan.cells[9].id,
		"gup_fast/pin_counter/backing=shmem,thp=off,longterm=1,registration=per_io,write=1,buffer_pages=64,pages_per_call=64");
	assert_string_equal(plan.cells[9].job, "b");
	assert_int_equal(json_object_get_int(json_object_object_get(plan.cells[9].params, "pages_per_call")), 64);
	assert_int_equal(json_object_get_int(json_object_object_get(plan.cells[9].params, "calls")), 2048);
	pb_plan_free(&plan);
	unlink(path);
	free(path);
}

/*
 * Cells that need a guest memory layout of their own come after the
 * others, grouped by layout in pb_boot_profiles[] order, each group in job
 * order; the plan's JSON says which layout.
 */
static void test_boot_profiles(void **state)
{
	char *path = write_job(
		"[global]\n"
		"workload=mm_churn\n"
		"strategy=pin_counter\n"
		"[a]\n"
		"source=fork,migration,ksm,numa_balancing\n"
		"[b]\n"
		"workload=pin_cost\n"
		"scenario=thp_split\n"
		"zone=cma,movable,normal\n");
	static const char *const want[][2] = {
		{ "source=fork", NULL }, { "source=ksm", NULL }, { "zone=normal", NULL },
		{ "source=migration", "numa2" }, { "source=numa_balancing", "numa2" },
		{ "zone=movable", "movable" }, { "zone=cma", "cma" },
	};
	struct pb_plan plan;
	struct json_object *pj;
	char err[1024];

	(void)state;
	assert_int_equal(pb_jobs_load(path, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.nr, 7);
	pj = pb_plan_to_json(&plan);
	for (size_t i = 0; i < plan.nr; i++) {
		struct json_object *c = json_object_array_get_idx(json_object_object_get(pj, "cells"), i), *b;

		if (!strstr(plan.cells[i].id, want[i][0]))
			fail_msg("cell %zu is %s, expected one with %s", i, plan.cells[i].id, want[i][0]);
		if (!want[i][1]) {
			assert_null(plan.cells[i].boot);
			assert_false(json_object_object_get_ex(c, "boot", NULL));
		} else {
			assert_string_equal(plan.cells[i].boot, want[i][1]);
			assert_true(json_object_object_get_ex(c, "boot", &b));
			assert_string_equal(json_object_get_string(b), want[i][1]);
		}
	}
	json_object_put(pj);
	pb_plan_free(&plan);
	unlink(path);
	free(path);
}

/*
 * Units (a deterministic guest each): a job section's stretch of one
 * layout. Sharded by unit, each unit lands whole in one shard, the
 * largest first to the least loaded; both shards agree on the split.
 */
static void test_shard_by_unit(void **state)
{
	static const char job[] =
		"[global]\n"
		"workload=mm_churn\n"
		"strategy=pin_counter\n"
		"[a]\n"
		"source=fork,migration,ksm,numa_balancing\n"
		"[b]\n"
		"workload=pin_cost\n"
		"scenario=thp_split\n"
		"zone=cma,movable,normal\n";
	static const size_t units[] = { 0, 0, 1, 2, 2, 3, 4 };
	static const size_t shard1[] = { 0, 1, 2, 6 }, shard2[] = { 3, 4, 5 };
	char *path = write_job(job), err[1024];
	struct pb_plan plan;

	(void)state;
	assert_int_equal(pb_jobs_load(path, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.nr, 7);
	for (size_t i = 0; i < plan.nr; i++)
		assert_int_equal(plan.cells[i].unit, units[i]);
	assert_int_equal(pb_plan_units(&plan), 5);
	pb_plan_shard(&plan, 1, 2, true);
	assert_int_equal(plan.nr, 4);
	for (size_t i = 0; i < plan.nr; i++)
		assert_int_equal(plan.cells[i].plan_index, shard1[i]);
	pb_plan_free(&plan);
	assert_int_equal(pb_jobs_load(path, &plan, err, sizeof(err)), 0);
	pb_plan_shard(&plan, 2, 2, true);
	assert_int_equal(plan.nr, 3);
	for (size_t i = 0; i < plan.nr; i++)
		assert_int_equal(plan.cells[i].plan_index, shard2[i]);
	pb_plan_free(&plan);
	/* Round robin, as wall-mode shards split. */
	assert_int_equal(pb_jobs_load(path, &plan, err, sizeof(err)), 0);
	pb_plan_shard(&plan, 2, 2, false);
	assert_int_equal(plan.nr, 3);
	assert_int_equal(plan.cells[0].plan_index, 1);
	assert_int_equal(plan.cells[2].plan_index, 5);
	pb_plan_free(&plan);
	unlink(path);
	free(path);
}

static void test_defaults_cover_all_strategies(void **state)
{
	char *path = write_job("[only]\nworkload=gup_fast\npages_per_call=1\n");
	struct pb_plan plan;
	char err[1024];

	(void)state;
	assert_int_equal(pb_job_load(path, &plan, err, sizeof(err)), 0);
	/* Every strategy the uapi header lists, one cell each. */
	assert_int_equal(plan.nr, PINBENCH_STRATEGY_NR - 1);
	pb_plan_free(&plan);
	unlink(path);
	free(path);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[j]\nworkload=gup_fast\nfrobnicate=1\n", "3: unknown key 'frobnicate' (known: workload,");
	expect_error("[j]\nworkload=gup_fast\nbacking=anon,dax\n", "3: backing: 'dax' is not one of: anon, shmem");
	expect_error("[j]\nworkload=gup_fast\n\npages_per_call=0\n", "4: pages_per_call: 0 is out of range 1..1024");
	expect_error("[j]\nworkload=gup_fast\npages_per_call=2048\n", "3: pages_per_call: 2048 is out of range 1..1024");
	expect_error("[j]\nworkload=gup_fast\ncalls=-5\n", "3: calls: '-5' is not a non-negative integer");
	expect_error("[j]\nworkload=gup_fast\ncalls=12abc\n", "3: calls: '12abc' is not a non-negative integer");
	expect_error("[j]\nworkload=gup_fast\ncalls=99999999999999999999999\n", "3: calls: '99999999999999999999999' is not a non-negative integer");
	expect_error("[j]\nworkload=gup_fast\nstrategy=fake_thing\n", "3: strategy: 'fake_thing' is not one of: gup_ref, pin_counter, fake_vma, notifier_revoke");
	expect_error("[j]\nworkload=gup_fast,gup_fast\n", "2: workload: takes a single value, not a list");
	expect_error("[j]\nworkload=gup_fast\nlongterm=2\n", "3: longterm: 2 is out of range 0..1");
	expect_error("[j]\nworkload=gup_fast\nthp=\n", "3: thp: empty value");
	expect_error("[j]\nworkload=gup_fast\nthp=on\nthp=off\n", "4: 'thp' set twice in [j] (first on line 3)");
	expect_error("[global]\nworkload=gup_fast\n[j]\nbuffer_pages=100\npages_per_call=16\n",
		     "4: [j]: buffer_pages=100 is not a multiple of pages_per_call=16");
	expect_error("[j]\nstrategy=gup_ref\n", "2: [j]: 'workload' is required");
	expect_error("[global]\nworkload=gup_fast\n", "2: no job sections (only [global])");
	expect_error("workload=gup_fast\n", "1: 'workload' is outside any [section]");
	expect_error("[j]\nworkload=gup_fast\nthis line has no equals sign\n", "3: syntax error");
	/* Hostile or sloppy input (issue 15): refused with file:line, never a crash or a silent change. */
	expect_error("[j]\nworkload=gup_fast\nstrategy=,\n", "3: strategy: empty element in the list ','");
	expect_error("[j]\nworkload=gup_fast\nstrategy=gup_ref,,pin_counter\n", "3: strategy: empty element");
	expect_error("[j]\nworkload=gup_fast\npages_per_call=1,01\n", "3: pages_per_call: '01' has a leading zero (write 1)");
	expect_error("[j]\nworkload=gup_fast\npages_per_call=+1\n", "3: pages_per_call: '+1' is not a non-negative integer");
	expect_error("[j]\nworkload=gup_fast\npages_per_call=1, 1\n", "3: pages_per_call: '1' is listed twice");
	expect_error("[j]\nworkload=small_dio\nblock_size=513\n", "3: block_size: 513 is not a power of two");
	expect_error("[global]\nworkload=gup_fast\n[empty]\n[j]\npages_per_call=1\n", "3: [empty]: an empty section");
	{
		char text[400];

		snprintf(text, sizeof(text), "[j]\nworkload=gup_fast\n; %0250d thp=on\npages_per_call=1\n", 0);
		expect_error(text, "3: line longer than 198 characters");
	}
	expect_error("[a]\nworkload=gup_fast\npages_per_call=1\n[b]\nworkload=gup_fast\npages_per_call=1\n",
		     "5: [b]: cell gup_fast/gup_ref/backing=anon,thp=off,longterm=0,registration=per_io,write=1,buffer_pages=1024,pages_per_call=1 is also produced by [a]");
}

/* Revoke policies: only for strategies that revoke, and no duplicate cells for the others. */
static void test_revoke_policies(void **state)
{
	char *path = write_job("[global]\nafter_revoke=drop,reacquire\n"
			       "[wb]\nworkload=writeback_under_dma\nfilesystem=ext4\n"
			       "strategy=gup_ref,notifier_revoke\n");
	struct pb_plan plan;
	char err[1024];
	size_t nr = 0;

	(void)state;
	expect_error("[wb]\nworkload=writeback_under_dma\nstrategy=gup_ref,notifier_revoke\n"
		     "after_revoke=reacquire\n",
		     "4: [wb]: after_revoke: gup_ref does not revoke its pins (only notifier_revoke)");
	expect_error("[t]\nworkload=truncate_under_dma\nstrategy=pin_counter\nrevoke_events=all\n",
		     "4: [t]: revoke_events: pin_counter does not revoke its pins (only notifier_revoke)");
	expect_error("[t]\nworkload=gup_fast\nafter_revoke=drop\n",
		     "3: after_revoke: does not apply to workload gup_fast");
	expect_error("[t]\nworkload=truncate_under_dma\nstrategy=notifier_revoke\nafter_revoke=refault\n",
		     "4: after_revoke: 'refault' is not one of: drop, reacquire");
	/* From [global]: meant for the strategies that revoke; the default stays out of the id. */
	assert_int_equal(pb_job_load(path, &plan, err, sizeof(err)), 0);
	for (size_t i = 0; i < plan.nr; i++) {
		if (!strcmp(plan.cells[i].strategy, "gup_ref")) {
			assert_null(strstr(plan.cells[i].id, "revoke"));
			assert_null(json_object_object_get(plan.cells[i].params, "after_revoke"));
		}
		nr += !!strstr(plan.cells[i].id, "after_revoke=reacquire");
	}
	assert_int_equal(plan.nr, 3);
	assert_int_equal(nr, 1);
	pb_plan_free(&plan);
	unlink(path);
	free(path);
}

static void test_missing_file(void **state)
{
	struct pb_plan plan;
	char err[1024];

	(void)state;
	assert_int_equal(pb_job_load("/nonexistent/x.job", &plan, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.job: No such file or directory"));
}

/* Every shipped job file must parse: all of workloads/, found, not listed here. */
static void test_shipped_jobs(void **state)
{
	struct pb_plan plan;
	char err[1024];
	glob_t g;

	(void)state;
	assert_int_equal(glob("../workloads/*.job", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 10);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (pb_job_load(g.gl_pathv[i], &plan, err, sizeof(err)) < 0)
			fail_msg("%s", err);
		assert_true(plan.nr > 0);
		pb_plan_free(&plan);
	}
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expansion),
		cmocka_unit_test(test_boot_profiles),
		cmocka_unit_test(test_defaults_cover_all_strategies),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_revoke_policies),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_shard_by_unit),
		cmocka_unit_test(test_shipped_jobs),
	};

	return cmocka_run_group_tests_name("job", tests, NULL, NULL);
}
