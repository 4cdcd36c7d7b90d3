/* SPDX-License-Identifier: GPL-2.0 */
/* report.h: render results.json as the Markdown report a person reads. */
#ifndef PINBENCH_REPORT_H
#define PINBENCH_REPORT_H

#include <json-c/json.h>

/* Caller frees. The root must have passed pb_results_check(). */
char *pb_report_md(struct json_object *root);
/* The same from pb_md_view(root) (escape.h), for a caller that made the view itself. */
char *pb_report_md_view(struct json_object *view);

#endif
