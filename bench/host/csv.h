/* SPDX-License-Identifier: GPL-2.0 */
/* csv.h: results.json as one CSV per workload. */
#ifndef PINBENCH_CSV_H
#define PINBENCH_CSV_H

#include <stddef.h>
#include <json-c/json.h>

/* Write DIR/<workload>.csv for every workload in a checked results root; -1 with err on failure. */
int pb_report_csv(struct json_object *root, const char *dir, char *err, size_t errlen);
/* One workload's CSV text (caller frees). */
char *pb_csv_workload(struct json_object *root, const char *workload);

#endif
