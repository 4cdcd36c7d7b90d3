/* SPDX-License-Identifier: GPL-2.0 */
/* publish.h: results/README.md from one run. */
#ifndef PINBENCH_PUBLISH_H
#define PINBENCH_PUBLISH_H

#include <stddef.h>
#include <json-c/json.h>

/*
 * Write outdir/README.md (provenance, one paragraph per workload computed
 * from the figures, the figures, the run's tables) and outdir/plots/ from
 * a checked results structure. command is what a reader runs to redo it.
 * 0, or -1 with err.
 */
int pb_publish(struct json_object *root, const char *outdir, const char *command, char *err, size_t errlen);
/*
 * The same, with the cells root could not run in its mode (unsupported:
 * two CPUs in deterministic mode's one) taken out of its tables and
 * listed, and, when contended is not NULL, a section of its own from that
 * run (wall mode, repetitions, 95% intervals). root is not changed.
 */
int pb_publish_with(struct json_object *root, struct json_object *contended, const char *outdir,
		    const char *command, char *err, size_t errlen);

/*
 * The section for a pair of kernels from the two sides of one A/B run
 * (base/results.json, new/results.json): written to
 * outdir/kernels/BASE_vs_NEW.md, and every such file into outdir/README.md
 * between markers. refs are `make reference` tables to carry along.
 * 0, or -1 with err.
 */
int pb_publish_kernels(struct json_object *base, struct json_object *new, const char *const *refs,
		       size_t nref, const char *outdir, char *err, size_t errlen);
/* Every outdir/kernels/NAME.md between the markers (caller frees; "" when none). */
char *pb_publish_kernel_sections(const char *outdir);

#endif
