// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_results.c: libFuzzer target for everything that reads a results.json:
 * the loader (pb_json_load), the check every reader makes first
 * (pb_results_check), and the readers themselves, on what passed it:
 * report (Markdown, CSV, plots), compare (both ways, against itself and
 * against a good run), merge, publish and a kernel pair's section.
 *
 * gnuplot is whatever "gnuplot" is first on PATH: make fuzz-host puts a
 * no-op there, so that the plots' data and scripts are written and the
 * fuzzer does not wait for drawing. Output goes to a scratch directory
 * (FUZZ_RESULTS_TMP, default /tmp) that is emptied after each input.
 *
 * FUZZ_RESULTS_BASE names a good results.json to compare against
 * (make fuzz-host: results/baseline.json).
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "compare.h"
#include "csv.h"
#include "merge.h"
#include "plot.h"
#include "publish.h"
#include "report.h"
#include "results.h"
#include "util.h"

static struct json_object *good;
static char scratch[4096];
static FILE *devnull;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag;
	return ftw->level ? remove(p) : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = getenv("FUZZ_RESULTS_BASE"), *tmp = getenv("FUZZ_RESULTS_TMP");
	char err[1024];

	(void)argc, (void)argv;
	snprintf(scratch, sizeof(scratch), "%s/pinbench-fuzz-results.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch)) {
		perror(scratch);
		exit(1);
	}
	devnull = fopen("/dev/null", "w");
	if (base) {
		good = pb_json_load(base, err, sizeof(err));
		if (!good || pb_results_check(good, err, sizeof(err)) < 0) {
			fprintf(stderr, "fuzz_results: FUZZ_RESULTS_BASE: %s\n", err);
			exit(1);
		}
	}
	return 0;
}

static void compare(struct json_object *a, struct json_object *b)
{
	char err[1024], *junit = pb_asprintf("%s/junit.xml", scratch);
	struct pb_compare_opts o = { .threshold_pct = -1, .markdown = devnull, .kernels = true,
				     .junit = junit };

	pb_compare(a, b, &o, devnull, err, sizeof(err));
	free(junit);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *root, *merged, *shards[2];
	char path[64], err[1024], *md, *out;
	int fd = memfd_create("results", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		__builtin_trap();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	root = pb_json_load(path, err, sizeof(err));
	close(fd);
	if (!root)
		return 0;
	if (pb_results_check(root, err, sizeof(err)) < 0) {
		json_object_put(root);
		return -1;	/* not kept in the corpus: the readers never see it */
	}
	md = pb_report_md(root);
	free(md);
	pb_report_csv(root, scratch, err, sizeof(err));
	pb_report_plots(root, scratch, err, sizeof(err));
	compare(root, root);
	if (good) {
		compare(good, root);
		compare(root, good);
	}
	shards[0] = shards[1] = root;
	merged = pb_merge(shards, 2, err, sizeof(err));
	json_object_put(merged);
	out = pb_asprintf("%s/published", scratch);
	pb_publish(root, out, "pinbench publish FUZZ", err, sizeof(err));
	/* A kernel pair's section, the input as either side. */
	pb_publish_kernels(root, good ? good : root, NULL, 0, out, err, sizeof(err));
	if (good)
		pb_publish_kernels(good, root, NULL, 0, out, err, sizeof(err));
	free(out);
	nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	json_object_put(root);
	return 0;
}
