/* SPDX-License-Identifier: GPL-2.0 */
/* plot.h: gnuplot figures from results.json. */
#ifndef PINBENCH_PLOT_H
#define PINBENCH_PLOT_H

#include <stddef.h>
#include <json-c/json.h>

/*
 * Draw DIR/plots/<figure>.{png,svg} (with their .dat and .gp sources)
 * for every figure the results have data for; -1 with err when gnuplot is
 * missing or fails.
 */
int pb_report_plots(struct json_object *root, const char *rundir, char *err, size_t errlen);

#endif
