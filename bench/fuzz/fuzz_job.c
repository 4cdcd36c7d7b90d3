// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_job.c: libFuzzer target for the job-file reader and planner
 * (pb_job_load: libinih, option checks, cell expansion, ids, shards).
 *
 * The input is written to a memfd and read through /proc/self/fd/N, the way
 * pinbench run reads a job file from a path. Whatever the bytes, the reader
 * must answer 0 with a plan or -1 with a message, never crash, never leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_plan plan = { 0 };
	char path[64], err[1024];
	int fd = memfd_create("job", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		__builtin_trap();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (pb_job_load(path, &plan, err, sizeof(err)) == 0) {
		struct json_object *j;

		/* A plan that loaded shards (round robin or by unit) and serialises whole. */
		pb_plan_shard(&plan, 1, 3, size & 1);
		j = pb_plan_to_json(&plan);
		json_object_put(j);
		pb_plan_free(&plan);
	} else if (!err[0]) {
		__builtin_trap();	/* refused without saying why */
	}
	close(fd);
	return 0;
}
