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

#endif
